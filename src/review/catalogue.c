/*
 * catalogue.c - the catalogue of major decisions as versioned data
 * (review.h, migration 029): validation, the defaults, new versions, the
 * version in force on a day.
 */
#include "core/core.h"
#include "core/embedded.h"
#include "core/hash.h"
#include "review/review.h"
#include "review/review_int.h"
#include "actor/audit.h"
#include "ledger/ledger.h"
#include "calendar/calendar.h"

const char *const rv_procedures[RV_N_PROCEDURES] = { "penalty", "licence", "coercion" };
const char *const rv_party_kinds[RV_N_PARTY_KINDS] = { "person", "org", "individual_business" };
static const char *const rule_keys[] = { "id", "procedure", "basis", "own_rule", "party_kinds", "amount", "op",
					 "threshold_yuan", "measures_any", "hearing_held", "site", "flags_any",
					 "note" };

bool rv_one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s && strcmp(s, list[i]) == 0)
			return true;
	return false;
}

bool rv_has_string(const json_t *arr, const char *s)
{
	size_t i;
	const json_t *x;
	json_array_foreach(arr, i, x) {
		if (json_is_string(x) && str_eq(json_string_value(x), s))
			return true;
	}
	return false;
}

/* A non-empty array of distinct non-empty strings (each in allowed when
 * allowed is not NULL). */
static void check_names(const json_t *v, const char *field, const json_t *allowed, const char *what,
			struct errs *all)
{
	if (!json_is_array(v) || json_array_size(v) == 0) {
		errs_add(all, ERR_INVALID, field, "%s应为非空的名称数组", what);
		return;
	}
	size_t i;
	const json_t *x;
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		if (!s || !s[0] || strlen(s) > 100) {
			errs_add(all, ERR_INVALID, field, "%s第 %zu 项应为 1 至 100 字节的名称", what, i + 1);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (str_eq(json_string_value(json_array_get(v, j)), s))
				errs_add(all, ERR_INVALID, field, "%s「%s」重复", what, s);
		if (allowed && !rv_has_string(allowed, s))
			errs_add(all, ERR_INVALID, field, "%s「%s」不在目录的名称表中", what, s);
	}
}

static void check_rule(const json_t *def, const json_t *rule, size_t i, struct errs *all)
{
	char f[64];
#define FIELD(k) (snprintf(f, sizeof f, "rules[%zu].%s", i, k), f)
	if (!json_is_object(rule)) {
		errs_add(all, ERR_INVALID, FIELD("id"), "第 %zu 条规则应为对象", i + 1);
		return;
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)rule, key, v) {
		if (!rv_one_of(key, rule_keys, sizeof rule_keys / sizeof *rule_keys))
			errs_add(all, ERR_INVALID, FIELD(key), "规则中没有「%s」这一项", key);
	}
	const char *id = json_string_value(json_object_get(rule, "id"));
	if (!id || !id[0] || strlen(id) > 64)
		errs_add(all, ERR_INVALID, FIELD("id"), "规则须有 1 至 64 字节的编号（id）");
	const char *proc = json_string_value(json_object_get(rule, "procedure"));
	if (!rv_one_of(proc, rv_procedures, sizeof rv_procedures / sizeof *rv_procedures))
		errs_add(all, ERR_INVALID, FIELD("procedure"), "决定种类应为 penalty、licence 或 coercion");
	const char *basis = json_string_value(json_object_get(rule, "basis"));
	if (!basis || !basis[0])
		errs_add(all, ERR_INVALID, FIELD("basis"), "每条规则须写明依据");
	int conditions = 0;
	const json_t *kinds = json_object_get(rule, "party_kinds");
	if (kinds) {
		json_t *allowed = json_pack("[s,s,s]", rv_party_kinds[0], rv_party_kinds[1], rv_party_kinds[2]);
		check_names(kinds, FIELD("party_kinds"), allowed, "当事人类别", all);
		json_decref(allowed);
	}
	const json_t *amount = json_object_get(rule, "amount");
	if (amount) {
		conditions++;
		const char *a = json_string_value(amount);
		if (!str_eq(a, "fine_yuan") && !str_eq(a, "confiscation_yuan"))
			errs_add(all, ERR_INVALID, FIELD("amount"), "数额项应为 fine_yuan（罚款）或 confiscation_yuan（没收金额）");
		const char *op = json_string_value(json_object_get(rule, "op"));
		if (!str_eq(op, ">=") && !str_eq(op, ">"))
			errs_add(all, ERR_INVALID, FIELD("op"), "比较方式应写明 \">=\"（以上，含本数）或 \">\"（超过）");
		const json_t *t = json_object_get(rule, "threshold_yuan");
		if (!json_is_integer(t) || json_integer_value(t) < 0 || json_integer_value(t) > 10000000000LL)
			errs_add(all, ERR_INVALID, FIELD("threshold_yuan"), "数额标准应为 0 至 100 亿之间的整数（元）");
		if (!kinds)
			errs_add(all, ERR_INVALID, FIELD("party_kinds"), "数额标准须写明适用的当事人类别");
	} else if (json_object_get(rule, "op") || json_object_get(rule, "threshold_yuan")) {
		errs_add(all, ERR_INVALID, FIELD("amount"), "有比较方式或数额标准，却没有写明数额项（amount）");
	}
	const json_t *ma = json_object_get(rule, "measures_any");
	if (ma) {
		conditions++;
		check_names(ma, FIELD("measures_any"), json_object_get(json_object_get(def, "measures"), proc ? proc : ""),
			    "处理措施", all);
	}
	const json_t *fa = json_object_get(rule, "flags_any");
	if (fa) {
		conditions++;
		check_names(fa, FIELD("flags_any"), json_object_get(def, "flags"), "情形", all);
	}
	const char *bools[] = { "hearing_held", "site", "own_rule" };
	for (size_t k = 0; k < 3; k++) {
		const json_t *b = json_object_get(rule, bools[k]);
		if (b && !json_is_boolean(b))
			errs_add(all, ERR_INVALID, FIELD(bools[k]), "应为 true 或 false");
		else if (k < 2 && json_is_true(b))
			conditions++;
	}
	if (conditions == 0)
		errs_add(all, ERR_INVALID, FIELD("id"), "规则「%s」没有任何条件：会使每个决定都成为重大执法决定", id ? id : "");
#undef FIELD
}

int review_catalogue_validate(const json_t *def, struct errs *all)
{
	size_t before = all->n;
	if (!json_is_object(def)) {
		errs_add(all, ERR_INVALID, "definition", "目录定义应为 JSON 对象");
		return -1;
	}
	const json_t *measures = json_object_get(def, "measures");
	if (!json_is_object(measures)) {
		errs_add(all, ERR_INVALID, "measures", "须列出各类决定的处理措施（measures）");
	} else {
		for (size_t i = 0; i < sizeof rv_procedures / sizeof *rv_procedures; i++) {
			char f[40];
			snprintf(f, sizeof f, "measures.%s", rv_procedures[i]);
			check_names(json_object_get(measures, rv_procedures[i]), f, NULL, "处理措施", all);
		}
	}
	check_names(json_object_get(def, "flags"), "flags", NULL, "情形", all);
	const json_t *names = json_object_get(def, "flag_names");
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(def, "flags"), i, x) {
		const char *n = json_string_value(json_object_get(names, json_string_value(x)));
		if (!n || !n[0])
			errs_add(all, ERR_INVALID, "flag_names", "情形「%s」缺少说明（flag_names）", json_string_value(x));
	}
	const json_t *rules = json_object_get(def, "rules");
	if (!json_is_array(rules) || json_array_size(rules) == 0 || json_array_size(rules) > 200) {
		errs_add(all, ERR_INVALID, "rules", "须有 1 至 200 条规则（rules）");
	} else {
		json_array_foreach(rules, i, x) {
			check_rule(def, x, i, all);
			const char *id = json_string_value(json_object_get(x, "id"));
			for (size_t j = 0; id && j < i; j++)
				if (str_eq(json_string_value(json_object_get(json_array_get(rules, j), "id")), id))
					errs_add(all, ERR_INVALID, "rules", "规则编号「%s」重复", id);
		}
	}
	return all->n > before ? -1 : 0;
}

static int db_fail(struct db *db, struct err *e)
{
	log_warn("review catalogue: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

static bool date_ok(const char *s)
{
	int32_t d;
	return s && strlen(s) == 10 && cal_date_parse(s, &d) == 0;
}

/* Insert version (in the caller's transaction) with its op_log row and
 * leaf.  -2 on a failed INSERT (the caller tells a constraint apart). */
static int insert_version(struct db *db, const struct actor *a, int version, const json_t *def,
			  const char *effective_from, const char *note, struct err *e)
{
	char *text = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		BUG("json_dumps failed");
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, text, strlen(text));
	hash2_final(&h, &hr);
	char now[21];
	time_now_utc(now);
	const char *by = a && a->username[0] ? a->username : "system";
	int rc = db_exec(db, "INSERT INTO review_catalogues(version, effective_from, definition, sha256, note,"
			     " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
			 DB_INT(version), DB_TEXT(effective_from), DB_TEXT(text), DB_TEXT(hr.sha256_hex), DB_TEXT(note),
			 DB_TEXT(now), DB_TEXT(by));
	free(text);
	if (rc < 0)
		return -2;
	char ids[16], detail[300];
	snprintf(ids, sizeof ids, "%d", version);
	snprintf(detail, sizeof detail, "重大执法决定目录第%d版，%s起施行", version, effective_from);
	if (audit_log(db, a, "review.catalogue", "review_catalogue", ids, "ok", detail) < 0)
		return db_fail(db, e);
	json_t *f = json_pack("{s:i,s:s,s:I}", "version", version, "sha256", hr.sha256_hex, "actor",
			      (json_int_t)(a ? a->user_id : 0));
	rc = ledger_append(db, "review.catalogue", f, NULL, e);
	json_decref(f);
	return rc < 0 ? -1 : 0;
}

int review_catalogue_ensure_defaults(struct db *db, int *added, struct err *e)
{
	if (added)
		*added = 0;
	const struct embedded_file *file = embedded_find(REVIEW_CATALOGUE_FILE);
	if (!file)
		return err_set(e, ERR_INTERNAL, "", "缺少默认重大执法决定目录文件");
	json_error_t je;
	json_t *doc = json_loadb((const char *)file->data, file->len, 0, &je);
	const json_t *def = json_object_get(doc, "definition");
	const char *from = json_string_value(json_object_get(doc, "effective_from"));
	struct errs all = ERRS_INIT;
	if (!def || !date_ok(from) || review_catalogue_validate(def, &all) < 0) {
		err_set(e, ERR_INTERNAL, "", "默认重大执法决定目录有误：%s", all.n ? all.v[0].msg : je.text);
		errs_release(&all);
		json_decref(doc);
		return -1;
	}
	errs_release(&all);
	int rc = 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (db_begin(db) < 0) {
			rc = db_fail(db, e);
			break;
		}
		long long have = db_scalar_int(db, -1, "SELECT COUNT(*) FROM review_catalogues", (const struct db_val[]){ DB_END });
		if (have != 0) {
			db_rollback(db);
			rc = have < 0 ? db_fail(db, e) : 0;
			break;
		}
		rc = insert_version(db, NULL, 1, def, from, "（默认）", e);
		if (rc == 0 && db_commit(db) == 0) {
			if (added)
				*added = 1;
			break;
		}
		bool constraint = db_errcode(db) == DBE_CONSTRAINT;
		db_rollback(db);
		if (!constraint) {
			rc = rc == -1 ? -1 : db_fail(db, e);
			break;
		}
		rc = 0; /* another instance loaded it at the same moment: look again */
	}
	json_decref(doc);
	return rc;
}

static json_t *version_row(const struct db_res *r, int i, bool with_definition)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "version", (json_int_t)db_int(r, i, 0), "effective_from",
			      db_text(r, i, 1), "sha256", db_text(r, i, 2), "note", db_text(r, i, 3), "created_at",
			      db_text(r, i, 4), "created_by", db_text(r, i, 5));
	if (with_definition) {
		json_t *d = json_loads(db_text(r, i, 6), 0, NULL);
		json_object_set_new(o, "definition", d ? d : json_object());
	}
	return o;
}

int review_catalogue_in_force(struct db *db, const char *day, json_t **out, struct err *e)
{
	*out = NULL;
	char today[11];
	if (!day || !day[0]) {
		time_today_shanghai(today);
		day = today;
	}
	if (!date_ok(day))
		return err_set(e, ERR_INVALID, "on_date", "日期应为 YYYY-MM-DD 格式的有效日期");
	struct db_res *r;
	if (db_query(db, &r, "SELECT version, effective_from, sha256, note, created_at, created_by, definition"
			     " FROM review_catalogues WHERE effective_from <= ? ORDER BY effective_from DESC, version DESC"
			     " LIMIT 1", DB_TEXT(day)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "on_date", "%s 尚无施行中的重大执法决定目录", day);
	}
	*out = version_row(r, 0, true);
	db_res_free(r);
	return 0;
}

int review_catalogue_versions(struct db *db, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r;
	if (db_query(db, &r, "SELECT version, effective_from, sha256, note, created_at, created_by, definition"
			     " FROM review_catalogues ORDER BY version DESC") < 0)
		return db_fail(db, e);
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, version_row(r, i, false));
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int review_catalogue_add(struct db *db, const struct actor *a, const json_t *def, const char *effective_from,
			 const char *note, int *version, struct errs *all, struct err *e)
{
	struct errs local = ERRS_INIT;
	struct errs *l = all ? all : &local;
	int rc = -1;
	if (!actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		goto out;
	}
	if (!(a->roles & ROLE_ADMIN)) {
		err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以修订重大执法决定目录");
		goto out;
	}
	review_catalogue_validate(def, l);
	if (!date_ok(effective_from))
		errs_add(l, ERR_INVALID, "effective_from", "施行日期应为 YYYY-MM-DD 格式的有效日期");
	if (!note || !note[0] || strlen(note) > 1000)
		errs_add(l, ERR_INVALID, "note", "须写明修订依据（本部门的文件），至多 1000 字节");
	if (l->n) {
		errs_first(l, e);
		goto out;
	}
	if (db_begin(db) < 0) {
		db_fail(db, e);
		goto out;
	}
	struct db_res *r;
	if (db_query(db, &r, "SELECT COALESCE(MAX(version), 0), COALESCE(MAX(effective_from), '') FROM review_catalogues") < 0) {
		db_fail(db, e);
		db_rollback(db);
		goto out;
	}
	int next = (int)db_int(r, 0, 0) + 1;
	bool earlier = strcmp(effective_from, db_text(r, 0, 1)) < 0;
	char latest[11];
	snprintf(latest, sizeof latest, "%s", db_text(r, 0, 1));
	db_res_free(r);
	if (earlier) {
		db_rollback(db);
		errs_add(l, ERR_INVALID, "effective_from", "施行日期不能早于现行第%d版的施行日期 %s", next - 1, latest);
		errs_first(l, e);
		goto out;
	}
	int irc = insert_version(db, a, next, def, effective_from, note, e);
	if (irc == -2) {
		if (db_errcode(db) == DBE_CONSTRAINT)
			err_set(e, ERR_CONFLICT, "", "目录刚被他人修订，请刷新后重试");
		else
			db_fail(db, e);
	}
	if (irc < 0 || db_commit(db) < 0) {
		if (irc == 0)
			db_fail(db, e);
		db_rollback(db);
		goto out;
	}
	if (version)
		*version = next;
	rc = 0;
out:
	errs_release(&local);
	return rc;
}

int review_classify_on(struct db *db, const char *day, const json_t *in, json_t **out, struct err *e)
{
	*out = NULL;
	json_t *cat;
	if (review_catalogue_in_force(db, day, &cat, e) < 0)
		return -1;
	int rc = review_classify(json_object_get(cat, "definition"), in, out, e);
	if (rc == 0) {
		json_object_set(*out, "catalogue_version", json_object_get(cat, "version"));
		json_object_set(*out, "catalogue_effective_from", json_object_get(cat, "effective_from"));
	}
	json_decref(cat);
	return rc;
}
