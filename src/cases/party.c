/*
 * party.c - the party register (当事人库), see party.h.
 *
 * A version's content is one JSON object of strings, the fields of its
 * kind (every one present, "" when empty) plus "kind" and a random
 * "nonce"; its canonical text (sorted keys, compact) is stored in
 * party_versions.data and hashed (SHA-256) into the ledger leaf.
 */
#include "core/core.h"
#include "core/dict.h"
#include "core/hash.h"
#include "core/ident.h"
#include "actor/audit.h"
#include "ledger/ledger.h"
#include "people/people.h"
#include "cases/party.h"
#include <sodium.h>

#define READ_ROLES (ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR)
#define WRITE_ROLES (ROLE_OFFICER | ROLE_HEAD)

enum { K_PERSON = 1, K_ORG = 2, K_IB = 4, K_ALL = 7 };

/* The fields of each kind: key, label (for messages), maximum length in
 * characters, the kinds having it, the kinds requiring it. */
static const struct field {
	const char *key, *label;
	int max;
	unsigned kinds, required;
} fields[] = {
	{ "name", "名称（姓名）", 100, K_ALL, K_ALL },
	{ "id_type", "证件类型", 32, K_PERSON, K_PERSON },
	{ "id_number", "证件号码", 32, K_PERSON, K_PERSON },
	{ "birth_date", "出生日期", 10, K_PERSON, 0 },
	{ "uscc", "统一社会信用代码", 18, K_ORG | K_IB, K_ORG | K_IB },
	{ "legal_rep", "法定代表人（负责人）", 50, K_ORG, 0 },
	{ "contact", "联系人", 50, K_ORG, 0 },
	{ "operator_name", "经营者姓名", 50, K_IB, K_IB },
	{ "operator_id_type", "经营者证件类型", 32, K_IB, 0 },
	{ "operator_id_number", "经营者证件号码", 32, K_IB, 0 },
	{ "phone", "联系电话", 40, K_ALL, 0 },
	{ "address", "地址（住所）", 200, K_ALL, 0 },
};

static const char *const id_types[] = { "resident_id", "hk_macao_permit", "taiwan_permit", "passport",
					"foreign_permanent_id" };

static unsigned kind_bit(const char *kind)
{
	return str_eq(kind, "person") ? K_PERSON : str_eq(kind, "org") ? K_ORG :
	       str_eq(kind, "individual_business") ? K_IB : 0;
}

const char *party_kind_label(const char *kind)
{
	const char *l = dict_find("party_kind", kind ? kind : "");
	return l ? l : "";
}

const char *party_id_type_label(const char *id_type)
{
	const char *l = dict_find("party_id_type", id_type ? id_type : "");
	return l ? l : "";
}

bool party_can_read(const struct actor *a)
{
	return a && a->user_id > 0 && (a->roles & READ_ROLES);
}

bool party_can_write(const struct actor *a)
{
	if (!a)
		return false;
	if (a->user_id == 0)
		return (a->roles & ROLE_ADMIN) != 0; /* the system actor of the command line */
	return (a->roles & WRITE_ROLES) != 0;
}

static int db_fail(struct db *db, struct err *e)
{
	log_error("当事人库数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败，请稍后重试");
}

static int tx_fail(struct db *db, struct err *e, bool db_error)
{
	if (db_error)
		db_fail(db, e);
	db_rollback(db);
	return -1;
}

/* ---- validation ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* s without leading and trailing white space (ASCII and U+3000), owned by the caller. */
static char *trimmed(const char *s)
{
	while (is_space(*s) || str_starts(s, "\u3000"))
		s += is_space(*s) ? 1 : 3;
	size_t n = strlen(s);
	for (;;) {
		if (n && is_space(s[n - 1]))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\u3000", 3) == 0)
			n -= 3;
		else
			break;
	}
	return xstrndup(s, n);
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return true;
	return false;
}

static bool id_type_known(const char *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(id_types); i++)
		if (str_eq(t, id_types[i]))
			return true;
	return false;
}

/* A real date "YYYY-MM-DD" from 1900-01-01 to today. */
static bool date_ok(const char *s, const char *today)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	/* reuse the identity-number rules: a made-up number with this date */
	char probe[19];
	snprintf(probe, sizeof probe, "110101%.4s%.2s%.2s000", s, s + 5, s + 8);
	for (int i = 6; i < 14; i++)
		if (probe[i] < '0' || probe[i] > '9')
			return false;
	probe[17] = ident_id_card_check_char(probe);
	probe[18] = '\0';
	return probe[17] && ident_id_card_check(probe, today, NULL) == IDENT_OK;
}

/* Check a document number of type t in field f (normalised in place into
 * out); birth gets the date of a 居民身份证 number.  0 or -1 (added to all). */
static int check_id_number(const char *field, const char *label, const char *t, const char *v, char *out,
			   size_t outsz, char birth[11], const char *today, struct errs *all)
{
	ident_normalize(v, out, outsz);
	if (str_eq(t, "resident_id")) {
		enum ident_why w = ident_id_card_check(out, today, birth);
		if (w != IDENT_OK)
			return errs_add(all, ERR_INVALID, field, "%s不是有效的居民身份证号码：%s（GB 11643-1999）", label,
					ident_why_text(w));
		return 0;
	}
	size_t n = strlen(out);
	bool ok = n >= 5 && n <= 20;
	for (size_t i = 0; ok && i < n; i++)
		ok = (out[i] >= '0' && out[i] <= '9') || (out[i] >= 'A' && out[i] <= 'Z');
	if (!ok)
		return errs_add(all, ERR_INVALID, field, "%s应为 5 至 20 位字母或数字", label);
	return 0;
}

static bool phone_ok(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p;) {
		if (*p >= '0' && *p <= '9')
			digits++, p++;
		else if (strchr("+-() ,;/", *p))
			p++;
		else if (str_starts(p, "转"))
			p += strlen("转");
		else
			return false;
	}
	return digits >= 3;
}

/* The content of a version of kind from cur (the current content, NULL
 * when creating) and in, checked; every problem into all.  NULL when
 * there is a problem. */
static json_t *build(const char *kind, const json_t *cur, const json_t *in, struct errs *all)
{
	unsigned kb = kind_bit(kind);
	size_t before = all->n;
	char today[11];
	time_today_shanghai(today);
	json_t *out = json_pack("{s:s}", "kind", kind);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];
		if (!(f->kinds & kb))
			continue;
		const json_t *v = json_object_get(in, f->key);
		char *val;
		if (v && !json_is_string(v) && !json_is_null(v)) {
			errs_add(all, ERR_INVALID, f->key, "%s应为文本", f->label);
			continue;
		}
		if (v)
			val = trimmed(json_is_string(v) ? json_string_value(v) : "");
		else
			val = xstrdup(cur && json_string_value(json_object_get(cur, f->key)) ?
					      json_string_value(json_object_get(cur, f->key)) : "");
		if (str_empty(val) && (str_eq(f->key, "id_type") || str_eq(f->key, "operator_id_type"))) {
			free(val);
			val = xstrdup("resident_id");
		}
		long len = utf8_len(val, strlen(val));
		if (str_empty(val) && (f->required & kb))
			errs_add(all, ERR_INVALID, f->key, "请填写%s", f->label);
		else if (len < 0 || has_control(val))
			errs_add(all, ERR_INVALID, f->key, "%s含有不允许的字符", f->label);
		else if (len > f->max)
			errs_add(all, ERR_INVALID, f->key, "%s不能超过 %d 个字", f->label, f->max);
		else
			json_object_set_new(out, f->key, json_string(val));
		free(val);
	}

	/* the identifiers */
	char norm[64], birth[11] = "";
	if (kb == K_PERSON && !json_object_get(out, "id_number")) {
		/* already reported */
	} else if (kb == K_PERSON) {
		const char *t = json_string_value(json_object_get(out, "id_type"));
		if (!id_type_known(t)) {
			errs_add(all, ERR_INVALID, "id_type", "证件类型无效，请从列表中选择");
		} else if (check_id_number("id_number", "证件号码", t, json_string_value(json_object_get(out, "id_number")),
					   norm, sizeof norm, birth, today, all) == 0) {
			json_object_set_new(out, "id_number", json_string(norm));
			const char *given = json_string_value(json_object_get(out, "birth_date"));
			if (str_eq(t, "resident_id")) {
				/* derived from the number (GB 11643-1999 6.3); a different one given is a mistake */
				const json_t *gv = json_object_get(in, "birth_date");
				/* (the stored date sent back unchanged, as a client that
				 * PUTs what it GOT does, is no mistake) */
				if (json_is_string(gv) && !str_empty(json_string_value(gv)) &&
				    !str_eq(json_string_value(gv), birth) &&
				    !(cur && str_eq(json_string_value(gv), json_string_value(json_object_get(cur, "birth_date")))))
					errs_add(all, ERR_INVALID, "birth_date", "出生日期与居民身份证号码中的出生日期（%s）不一致", birth);
				json_object_set_new(out, "birth_date", json_string(birth));
			} else if (!str_empty(given) && !date_ok(given, today)) {
				errs_add(all, ERR_INVALID, "birth_date", "出生日期应为 1900 年以后、不晚于今天的真实日期（年-月-日）");
			}
		}
	} else if (json_object_get(out, "uscc")) {
		ident_normalize(json_string_value(json_object_get(out, "uscc")), norm, sizeof norm);
		enum ident_why w = ident_uscc_check(norm);
		if (w != IDENT_OK)
			errs_add(all, ERR_INVALID, "uscc", "统一社会信用代码无效：%s（GB 32100-2015）", ident_why_text(w));
		else
			json_object_set_new(out, "uscc", json_string(norm));
	}
	if (kb == K_IB && json_object_get(out, "operator_id_type")) {
		const char *t = json_string_value(json_object_get(out, "operator_id_type"));
		const char *num = json_string_value(json_object_get(out, "operator_id_number"));
		if (!id_type_known(t))
			errs_add(all, ERR_INVALID, "operator_id_type", "经营者证件类型无效，请从列表中选择");
		else if (!str_empty(num) && check_id_number("operator_id_number", "经营者证件号码", t, num, norm,
							    sizeof norm, birth, today, all) == 0)
			json_object_set_new(out, "operator_id_number", json_string(norm));
	}
	const char *phone = json_string_value(json_object_get(out, "phone"));
	if (!str_empty(phone) && !phone_ok(phone))
		errs_add(all, ERR_INVALID, "phone", "联系电话只能含数字、空格和 + - ( ) 等符号");
	if (all->n > before)
		goto bad;
	return out;
bad:
	json_decref(out);
	return NULL;
}

/* The identifier columns of a content: (id_type, code). */
static void ident_cols(const json_t *c, const char **id_type, const char **code)
{
	if (str_eq(json_string_value(json_object_get(c, "kind")), "person")) {
		*id_type = json_string_value(json_object_get(c, "id_type"));
		*code = json_string_value(json_object_get(c, "id_number"));
	} else {
		*id_type = "uscc";
		*code = json_string_value(json_object_get(c, "uscc"));
	}
}

static void search_name(const char *name, struct buf *out)
{
	for (const char *p = name; *p; p++)
		buf_putc(out, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
}

/* The party holding (id_type, code) other than self; 0 if none, -1 on failure. */
static long long holder(struct db *db, const char *id_type, const char *code, long long self)
{
	return db_scalar_int(db, -1, "SELECT COALESCE(MAX(id), 0) FROM parties WHERE id_type = ? AND code = ? AND id <> ?",
			     (const struct db_val[]){ DB_TEXT(id_type), DB_TEXT(code), DB_INT(self), DB_END });
}

static int conflict(struct err *e, struct errs *all, const char *id_type, long long other)
{
	bool uscc = str_eq(id_type, "uscc");
	const char *field = uscc ? "uscc" : "id_number";
	err_set(e, ERR_CONFLICT, field, "该%s已登记为当事人（编号 %lld），请直接使用该当事人或更正其信息",
		uscc ? "统一社会信用代码" : "证件号码", other);
	errs_push(all, e);
	return -1;
}

/* Write version `version` of party id (content c, its canonical text
 * with a fresh nonce), its leaf and the audit row; in the caller's
 * transaction.  0 or -1 (e set). */
static int write_version(struct db *db, const struct actor *a, long long id, int version, json_t *c,
			 const char *note, const char *now, const char *action, struct err *e)
{
	unsigned char rnd[16];
	char nonce[33];
	randombytes_buf(rnd, sizeof rnd);
	hex_encode(rnd, sizeof rnd, nonce);
	json_object_set_new(c, "nonce", json_string(nonce));
	char *text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		BUG("json_dumps failed");
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, text, strlen(text));
	hash2_final(&h, &hr);
	json_t *leaf = json_pack("{s:I,s:i,s:s}", "party", (json_int_t)id, "version", version, "sha256", hr.sha256_hex);
	long long idx = -1;
	int rc = ledger_append(db, "party.version", leaf, &idx, e);
	json_decref(leaf);
	const char *id_type, *code;
	ident_cols(c, &id_type, &code);
	char ids[24], detail[64];
	snprintf(ids, sizeof ids, "%lld", id);
	snprintf(detail, sizeof detail, "第%d版", version);
	if (rc == 0 &&
	    (db_exec(db, "INSERT INTO party_versions (party_id, version, kind, id_type, code, name, data, sha256, note,"
			 " created_at, created_by, leaf_index) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		     DB_INT(id), DB_INT(version), DB_TEXT(json_string_value(json_object_get(c, "kind"))), DB_TEXT(id_type),
		     DB_TEXT(code), DB_TEXT(json_string_value(json_object_get(c, "name"))), DB_TEXT(text),
		     DB_TEXT(hr.sha256_hex), DB_TEXT(note ? note : ""), DB_TEXT(now),
		     a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_INT(idx)) < 0 ||
	     audit_log(db, a, action, "party", ids, "ok", detail) < 0))
		rc = db_fail(db, e);
	free(text);
	return rc;
}

static const char *note_of(const json_t *in, struct errs *all)
{
	const json_t *n = json_object_get(in, "note");
	if (!n || json_is_null(n))
		return "";
	if (!json_is_string(n)) {
		errs_add(all, ERR_INVALID, "note", "修改说明应为文本");
		return "";
	}
	const char *s = json_string_value(n);
	if (utf8_len(s, strlen(s)) > 200 || has_control(s))
		errs_add(all, ERR_INVALID, "note", "修改说明不能超过 200 个字，且不能含控制字符");
	return s;
}

int party_create(struct db *db, const struct actor *a, const json_t *in, long long *id, struct errs *all_in,
		 struct err *e)
{
	struct errs own = ERRS_INIT, *all = all_in ? all_in : &own;
	size_t before = all->n;
	int rc = -1;
	json_t *c = NULL;
	*id = 0;
	if (!party_can_write(a)) {
		err_set(e, ERR_FORBIDDEN, "", "只有执法人员和处室负责人可以登记当事人");
		errs_push(all, e);
		goto out;
	}
	if (!json_is_object(in)) {
		errs_add(all, ERR_INVALID, "", "请求内容应为 JSON 对象");
		goto invalid;
	}
	const json_t *kv = json_object_get(in, "kind");
	const char *kind = json_is_string(kv) ? json_string_value(kv) : "";
	if (!kind_bit(kind)) {
		errs_add(all, ERR_INVALID, "kind", "请选择当事人类型（自然人、法人或其他组织、个体工商户）");
		goto invalid;
	}
	const char *note = note_of(in, all);
	c = build(kind, NULL, in, all);
	if (!c || all->n > before)
		goto invalid;
	const char *id_type, *code;
	ident_cols(c, &id_type, &code);
	char now[21];
	time_now_utc(now);
	struct buf sn;
	buf_init(&sn, 0);
	search_name(json_string_value(json_object_get(c, "name")), &sn);
	if (db_begin(db) < 0) {
		buf_release(&sn);
		db_fail(db, e);
		goto out;
	}
	long long other = holder(db, id_type, code, 0);
	if (other != 0) {
		buf_release(&sn);
		if (other < 0)
			tx_fail(db, e, true);
		else {
			db_rollback(db);
			conflict(e, all, id_type, other);
		}
		goto out;
	}
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO parties (kind, id_type, code, name, search_name, current_version, created_at,"
			     " created_by, updated_at, updated_by) VALUES (?,?,?,?,?,1,?,?,?,?) RETURNING id",
		     DB_TEXT(kind), DB_TEXT(id_type), DB_TEXT(code), DB_TEXT(json_string_value(json_object_get(c, "name"))),
		     DB_TEXT(buf_str(&sn)), DB_TEXT(now), a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_TEXT(now),
		     a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL) < 0 || r->nrows != 1) {
		bool dup = db_errcode(db) == DBE_CONSTRAINT;
		db_res_free(r);
		buf_release(&sn);
		if (dup) {
			db_rollback(db);
			conflict(e, all, id_type, holder(db, id_type, code, 0));
		} else {
			tx_fail(db, e, true);
		}
		goto out;
	}
	buf_release(&sn);
	long long nid = db_int(r, 0, 0);
	db_res_free(r);
	if (write_version(db, a, nid, 1, c, note, now, "party.create", e) < 0 || db_commit(db) < 0) {
		if (!e->kind)
			db_fail(db, e);
		db_rollback(db);
		errs_push(all, e);
		goto out;
	}
	*id = nid;
	rc = 0;
	goto out;
invalid:
	errs_first(all, e);
	if (all->n > before)
		*e = all->v[before];
out:
	json_decref(c);
	errs_release(&own);
	return rc;
}

/* Load version (0 = current) of party id: its content (parsed data), the
 * version row's columns into meta.  -1 with ERR_NOTFOUND or ERR_INTERNAL. */
static int load(struct db *db, long long id, int version, json_t **content, json_t **meta, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT p.kind, p.current_version, v.version, v.data, v.sha256, v.note, v.created_at,"
			     " v.created_by, v.leaf_index, p.created_at, p.updated_at FROM parties p JOIN party_versions v"
			     " ON v.party_id = p.id AND v.version = CASE WHEN ? > 0 THEN ? ELSE p.current_version END"
			     " WHERE p.id = ?",
		     DB_INT(version), DB_INT(version), DB_INT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		long long exists = db_scalar_int(db, 0, "SELECT COUNT(*) FROM parties WHERE id = ?",
						 (const struct db_val[]){ DB_INT(id), DB_END });
		if (exists > 0)
			return err_set(e, ERR_NOTFOUND, "version", "该当事人没有第 %d 版信息", version);
		return err_set(e, ERR_NOTFOUND, "id", "当事人不存在");
	}
	json_error_t je;
	json_t *c = json_loads(db_text(r, 0, 3), 0, &je);
	if (!json_is_object(c)) {
		json_decref(c);
		db_res_free(r);
		log_error("当事人 %lld 的版本内容无法解析", id);
		return err_set(e, ERR_INTERNAL, "", "当事人信息损坏，请联系系统管理员");
	}
	json_object_del(c, "nonce");
	long long by = db_int(r, 0, 7);
	char *by_name = by > 0 ? people_user_name(db, by) : NULL;
	*meta = json_pack("{s:s,s:I,s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "kind", db_text(r, 0, 0), "current_version",
			  (json_int_t)db_int(r, 0, 1), "version", (json_int_t)db_int(r, 0, 2), "sha256", db_text(r, 0, 4),
			  "note", db_text(r, 0, 5), "version_at", db_text(r, 0, 6), "created_by", (json_int_t)by,
			  "created_by_name", by_name ? by_name : "系统", "created_at", db_text(r, 0, 9), "updated_at",
			  db_text(r, 0, 10));
	if (!db_cell(r, 0, 8))
		json_object_set_new(*meta, "leaf_index", json_null());
	else
		json_object_set_new(*meta, "leaf_index", json_integer(db_int(r, 0, 8)));
	free(by_name);
	db_res_free(r);
	*content = c;
	return 0;
}

int party_update(struct db *db, const struct actor *a, long long id, const json_t *in, int expected_version,
		 int *new_version, struct errs *all_in, struct err *e)
{
	struct errs own = ERRS_INIT, *all = all_in ? all_in : &own;
	size_t before = all->n;
	int rc = -1;
	json_t *cur = NULL, *meta = NULL, *c = NULL;
	if (!party_can_write(a)) {
		err_set(e, ERR_FORBIDDEN, "", "只有执法人员和处室负责人可以修改当事人信息");
		errs_push(all, e);
		goto out;
	}
	if (load(db, id, 0, &cur, &meta, e) < 0) {
		errs_push(all, e);
		goto out;
	}
	if (!json_is_object(in)) {
		errs_add(all, ERR_INVALID, "", "请求内容应为 JSON 对象");
		goto invalid;
	}
	int current = (int)json_integer_value(json_object_get(meta, "current_version"));
	if (expected_version <= 0) {
		errs_add(all, ERR_INVALID, "version", "请提供所修改的版本号（version）");
		goto invalid;
	}
	if (expected_version != current) {
		err_set(e, ERR_CONFLICT, "version", "该当事人信息已被他人修改（现为第 %d 版，您修改的是第 %d 版），请刷新后重试",
			current, expected_version);
		errs_push(all, e);
		goto out;
	}
	const char *kind = json_string_value(json_object_get(meta, "kind"));
	const json_t *kv = json_object_get(in, "kind");
	if (kv && !(json_is_string(kv) && str_eq(json_string_value(kv), kind))) {
		errs_add(all, ERR_INVALID, "kind", "当事人类型不能修改；类型登记错误的，请另行登记新的当事人");
		goto invalid;
	}
	const char *note = note_of(in, all);
	c = build(kind, cur, in, all);
	if (!c || all->n > before)
		goto invalid;
	json_t *old = json_deep_copy(cur);
	json_object_set_new(old, "kind", json_string(kind));
	bool same = json_equal(old, c);
	json_decref(old);
	if (same) {
		errs_add(all, ERR_INVALID, "", "内容没有变化，无需保存新版本");
		goto invalid;
	}
	const char *id_type, *code;
	ident_cols(c, &id_type, &code);
	char now[21];
	time_now_utc(now);
	struct buf sn;
	buf_init(&sn, 0);
	search_name(json_string_value(json_object_get(c, "name")), &sn);
	if (db_begin(db) < 0) {
		buf_release(&sn);
		db_fail(db, e);
		goto out;
	}
	/* the row lock and the optimistic check in one statement */
	struct db_res *r = NULL;
	if (db_query(db, &r, "UPDATE parties SET current_version = current_version + 1, id_type = ?, code = ?, name = ?,"
			     " search_name = ?, updated_at = ?, updated_by = ? WHERE id = ? AND current_version = ?"
			     " RETURNING current_version",
		     DB_TEXT(id_type), DB_TEXT(code), DB_TEXT(json_string_value(json_object_get(c, "name"))),
		     DB_TEXT(buf_str(&sn)), DB_TEXT(now), a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_INT(id),
		     DB_INT(expected_version)) < 0) {
		bool dup = db_errcode(db) == DBE_CONSTRAINT;
		buf_release(&sn);
		db_res_free(r);
		if (dup) {
			db_rollback(db);
			conflict(e, all, id_type, holder(db, id_type, code, id));
		} else {
			tx_fail(db, e, true);
			errs_push(all, e);
		}
		goto out;
	}
	buf_release(&sn);
	if (r->nrows != 1) {
		db_res_free(r);
		db_rollback(db);
		int now_v = 0;
		struct err ig = ERR_INIT;
		party_current_version(db, id, &now_v, &ig);
		err_set(e, ERR_CONFLICT, "version", "该当事人信息已被他人修改（现为第 %d 版，您修改的是第 %d 版），请刷新后重试",
			now_v, expected_version);
		errs_push(all, e);
		goto out;
	}
	int nv = (int)db_int(r, 0, 0);
	db_res_free(r);
	long long other = holder(db, id_type, code, id);
	if (other != 0) {
		if (other < 0) {
			tx_fail(db, e, true);
			errs_push(all, e);
		} else {
			db_rollback(db);
			conflict(e, all, id_type, other);
		}
		goto out;
	}
	if (write_version(db, a, id, nv, c, note, now, "party.update", e) < 0 || db_commit(db) < 0) {
		if (!e->kind)
			db_fail(db, e);
		db_rollback(db);
		errs_push(all, e);
		goto out;
	}
	if (new_version)
		*new_version = nv;
	rc = 0;
	goto out;
invalid:
	if (all->n > before)
		*e = all->v[before];
out:
	json_decref(cur);
	json_decref(meta);
	json_decref(c);
	errs_release(&own);
	return rc;
}

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

int party_get(struct db *db, const struct actor *a, long long id, int version, json_t **out, struct err *e)
{
	*out = NULL;
	if (!party_can_read(a))
		return err_set(e, ERR_FORBIDDEN, "", "您的角色无权查看当事人库");
	if (version < 0)
		return err_set(e, ERR_NOTFOUND, "version", "版本号无效");
	json_t *c = NULL, *meta = NULL;
	if (load(db, id, version, &c, &meta, e) < 0)
		return -1;
	json_object_update(c, meta);
	json_decref(meta);
	json_object_set_new(c, "id", json_integer(id));
	const char *kind = json_string_value(json_object_get(c, "kind"));
	set_str(c, "kind_label", party_kind_label(kind));
	if (str_eq(kind, "person")) {
		set_str(c, "id_type_label", party_id_type_label(json_string_value(json_object_get(c, "id_type"))));
		char today[11];
		time_today_shanghai(today);
		const char *b = json_string_value(json_object_get(c, "birth_date"));
		json_object_set_new(c, "minor", json_boolean(!str_empty(b) && ident_is_minor(b, today)));
	} else {
		const char *t = ident_uscc_type(json_string_value(json_object_get(c, "uscc")));
		set_str(c, "uscc_type", t ? t : "");
		if (str_eq(kind, "individual_business"))
			set_str(c, "operator_id_type_label",
				party_id_type_label(json_string_value(json_object_get(c, "operator_id_type"))));
	}
	/* reading a record is logged (it shows personal data) */
	char ids[24], detail[64];
	snprintf(ids, sizeof ids, "%lld", id);
	snprintf(detail, sizeof detail, "第%lld版", (long long)json_integer_value(json_object_get(c, "version")));
	if (audit_log(db, a, "party.read", "party", ids, "ok", detail) < 0) {
		json_decref(c);
		return db_fail(db, e);
	}
	*out = c;
	return 0;
}

int party_versions(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!party_can_read(a))
		return err_set(e, ERR_FORBIDDEN, "", "您的角色无权查看当事人库");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT kind, current_version FROM parties WHERE id = ?", DB_INT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "当事人不存在");
	}
	json_t *o = json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "kind", db_text(r, 0, 0), "kind_label",
			      party_kind_label(db_text(r, 0, 0)), "current_version", (json_int_t)db_int(r, 0, 1));
	db_res_free(r);
	if (db_query(db, &r, "SELECT v.version, v.name, v.sha256, v.note, v.created_at, u.name, v.leaf_index"
			     " FROM party_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.party_id = ?"
			     " ORDER BY v.version DESC", DB_INT(id)) < 0) {
		json_decref(o);
		return db_fail(db, e);
	}
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *it = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "version", (json_int_t)db_int(r, i, 0), "name",
				       db_text(r, i, 1), "sha256", db_text(r, i, 2), "note", db_text(r, i, 3), "created_at",
				       db_text(r, i, 4), "created_by_name", db_cell(r, i, 5) ? db_text(r, i, 5) : "系统");
		json_object_set_new(it, "leaf_index", db_cell(r, i, 6) ? json_integer(db_int(r, i, 6)) : json_null());
		json_array_append_new(items, it);
	}
	db_res_free(r);
	json_object_set_new(o, "items", items);
	*out = o;
	return 0;
}

int party_current_version(struct db *db, long long id, int *version, struct err *e)
{
	struct db_res *r = NULL;
	*version = 0;
	if (db_query(db, &r, "SELECT current_version FROM parties WHERE id = ?", DB_INT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "party_id", "当事人不存在");
	}
	*version = (int)db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

/* A person's number shown in lists: the first 4 and last 4 characters. */
static void masked(const char *code, char *out, size_t n)
{
	size_t len = strlen(code);
	if (len <= 8) {
		snprintf(out, n, "%s", len > 2 ? "****" : code);
		return;
	}
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%.4s", code);
	for (size_t i = 4; i < len - 4; i++)
		buf_putc(&b, '*');
	buf_puts(&b, code + len - 4);
	snprintf(out, n, "%s", buf_str(&b));
	buf_release(&b);
}

int party_summary(struct db *db, long long id, int version, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT v.kind, v.version, v.name, v.id_type, v.code FROM parties p JOIN party_versions v"
			     " ON v.party_id = p.id AND v.version = CASE WHEN ? > 0 THEN ? ELSE p.current_version END"
			     " WHERE p.id = ?", DB_INT(version), DB_INT(version), DB_INT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "party_id", "当事人不存在");
	}
	char code[64];
	if (str_eq(db_text(r, 0, 0), "person"))
		masked(db_text(r, 0, 4), code, sizeof code);
	else
		snprintf(code, sizeof code, "%s", db_text(r, 0, 4));
	*out = json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "kind", db_text(r, 0, 0), "kind_label",
			 party_kind_label(db_text(r, 0, 0)), "version", (json_int_t)db_int(r, 0, 1), "name", db_text(r, 0, 2),
			 "code", code, "code_label",
			 str_eq(db_text(r, 0, 3), "uscc") ? "统一社会信用代码" : party_id_type_label(db_text(r, 0, 3)));
	db_res_free(r);
	return 0;
}

int party_minor_on(struct db *db, long long id, int version, const char *date, bool *minor, struct err *e)
{
	*minor = false;
	if (!date_ok(date, "9999-12-31"))
		return err_set(e, ERR_INVALID, "on", "日期应为 1900 年以后的真实日期（年-月-日）");
	json_t *c = NULL, *meta = NULL;
	if (load(db, id, version, &c, &meta, e) < 0) {
		if (e->kind == ERR_NOTFOUND && str_eq(e->field, "id"))
			snprintf(e->field, sizeof e->field, "party_id");
		return -1;
	}
	const char *b = json_string_value(json_object_get(c, "birth_date"));
	*minor = str_eq(json_string_value(json_object_get(c, "kind")), "person") && !str_empty(b) &&
		 ident_is_minor(b, date);
	json_decref(c);
	json_decref(meta);
	return 0;
}

long long party_by_number(struct db *db, const char *id_type, const char *number)
{
	char norm[64];
	ident_normalize(number, norm, sizeof norm);
	return holder(db, id_type, norm, 0);
}

long long party_by_uscc(struct db *db, const char *uscc)
{
	return party_by_number(db, "uscc", uscc);
}

/* "%s%" / "%s" LIKE patterns with '!' escaping '!', '%' and '_'. */
static void like_escape(const char *s, struct buf *out)
{
	for (const char *p = s; *p; p++) {
		if (*p == '!' || *p == '%' || *p == '_')
			buf_putc(out, '!');
		buf_putc(out, *p);
	}
}

int party_search(struct db *db, const struct actor *a, const struct party_filter *f, json_t **out, struct err *e)
{
	*out = NULL;
	if (!party_can_read(a))
		return err_set(e, ERR_FORBIDDEN, "", "您的角色无权查看当事人库");
	const char *kind = f && f->kind ? f->kind : "";
	if (!str_empty(kind) && !kind_bit(kind))
		return err_set(e, ERR_INVALID, "kind", "当事人类型无效");
	long long page = f && f->page > 0 ? f->page : 1;
	int per = f && f->per_page > 0 ? (f->per_page > 100 ? 100 : f->per_page) : PARTY_PER_PAGE;
	if (page > 1000000)
		return err_set(e, ERR_INVALID, "page", "页码无效");
	char *q = trimmed(f && f->q ? f->q : "");
	if (utf8_len(q, strlen(q)) > 100) {
		free(q);
		return err_set(e, ERR_INVALID, "q", "检索词不能超过 100 个字");
	}
	struct buf name_pat, code_pat, sn;
	buf_init(&name_pat, 0);
	buf_init(&code_pat, 0);
	buf_init(&sn, 0);
	search_name(q, &sn);
	buf_putc(&name_pat, '%');
	like_escape(buf_str(&sn), &name_pat);
	buf_putc(&name_pat, '%');
	char norm[128];
	ident_normalize(q, norm, sizeof norm);
	like_escape(norm, &code_pat);
	buf_putc(&code_pat, '%');
	const char *where = " WHERE (? = '' OR kind = ?) AND (? = '' OR search_name LIKE ? ESCAPE '!'"
			    " OR code LIKE ? ESCAPE '!')";
	struct db_val p[] = { DB_TEXT(kind), DB_TEXT(kind), DB_TEXT(q), DB_TEXT(buf_str(&name_pat)),
			      DB_TEXT(buf_str(&code_pat)), DB_INT(per), DB_INT((page - 1) * per), DB_END };
	char *sql_n = xasprintf("SELECT COUNT(*) FROM parties%s", where);
	char *sql = xasprintf("SELECT id, kind, name, id_type, code, current_version, updated_at FROM parties%s"
			      " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?", where);
	struct db_val pn[ARRAY_SIZE(p)];
	memcpy(pn, p, sizeof p);
	pn[5] = DB_END;
	long long total = db_scalar_int(db, -1, sql_n, pn);
	struct db_res *r = NULL;
	int rc = 0;
	if (total < 0 || db_query_a(db, sql, p, &r) < 0) {
		rc = db_fail(db, e);
	} else {
		json_t *items = json_array();
		for (int i = 0; i < r->nrows; i++) {
			char code[64];
			bool person = str_eq(db_text(r, i, 1), "person");
			if (person)
				masked(db_text(r, i, 4), code, sizeof code);
			else
				snprintf(code, sizeof code, "%s", db_text(r, i, 4));
			json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id",
							       (json_int_t)db_int(r, i, 0), "kind", db_text(r, i, 1),
							       "kind_label", party_kind_label(db_text(r, i, 1)), "name",
							       db_text(r, i, 2), "code", code, "code_label",
							       person ? party_id_type_label(db_text(r, i, 3)) : "统一社会信用代码",
							       "version", (json_int_t)db_int(r, i, 5), "updated_at",
							       db_text(r, i, 6)));
		}
		*out = json_pack("{s:I,s:I,s:i,s:o}", "total", (json_int_t)total, "page", (json_int_t)page, "per_page", per,
				 "items", items);
	}
	db_res_free(r);
	free(sql);
	free(sql_n);
	free(q);
	buf_release(&name_pat);
	buf_release(&code_pat);
	buf_release(&sn);
	return rc;
}
