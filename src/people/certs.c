/*
 * certs.c - enforcement certificates and the public portal reads (see
 * certs.h).  The shown status is never stored: it is computed from the
 * stored status, the validity dates and today's Beijing date.
 */
#include "core/core.h"
#include "core/dict.h"
#include <sodium.h>
#include "people/certs.h"
#include "people/people.h"
#include "people/audit.h"
#include "people/internal.h"

static bool date_ok(const char *s)
{
	char ts[21], back[21];
	if (!s || strlen(s) != 10)
		return false;
	snprintf(ts, sizeof ts, "%sT00:00:00Z", s);
	long long t = time_utc_parse(ts);
	if (t < 0)
		return false;
	time_unix_to_utc(t, back);
	return strncmp(back, s, 10) == 0;
}

const char *cert_effective_status(const char *stored, const char *valid_from,
				  const char *valid_to, const char *today)
{
	if (str_eq(stored, "revoked"))
		return "revoked";
	if (valid_to && today && strcmp(today, valid_to) > 0)
		return "expired";
	if (valid_from && today && strcmp(today, valid_from) < 0)
		return "pending";
	return str_eq(stored, "suspended") ? "suspended" : "valid";
}

const char *cert_status_label(const char *status)
{
	const char *l = dict_find("cert_status", status);
	return l ? l : "未知";
}

bool cert_can_manage(struct db *db, const struct actor *a)
{
	if (actor_has(a, ROLE_ADMIN))
		return true;
	return actor_logged_in(a) && actor_has(a, ROLE_HEAD | ROLE_REVIEWER) &&
	       people_unit_is_reviewer(db, a->unit_id);
}

int cert_check(struct db *db, const struct cert_input *in, long long self, struct errs *all)
{
	size_t before = all->n;
	if (!in)
		return errs_add(all, ERR_INVALID, "", "缺少证件信息");
	if (in->user_id <= 0 || !db_scalar_int(db, 0, "SELECT COUNT(*) FROM users WHERE id = ?",
					       (const struct db_val[]){ DB_INT(in->user_id), DB_END }))
		errs_add(all, ERR_INVALID, "user_id", in->user_id <= 0 ? "请选择持证人" : "持证人不存在");
	if (!people_text_ok(in->cert_no, 1, 64))
		errs_add(all, ERR_INVALID, "cert_no", "证件编号不能为空,且不超过 64 个字");
	if (in->cert_type && !people_text_ok(in->cert_type, 0, 32))
		errs_add(all, ERR_INVALID, "cert_type", "证件类型不超过 32 个字");
	if (!people_text_ok(in->enf_scope, 1, 500))
		errs_add(all, ERR_INVALID, "enf_scope", "执法范围不能为空,且不超过 500 个字");
	if (!people_text_ok(in->issuer, 1, 64))
		errs_add(all, ERR_INVALID, "issuer", "发证机关不能为空,且不超过 64 个字");
	bool from_ok = date_ok(in->valid_from), to_ok = date_ok(in->valid_to);
	if (!from_ok)
		errs_add(all, ERR_INVALID, "valid_from", "有效期起始日期格式不正确,应为 YYYY-MM-DD");
	if (!to_ok)
		errs_add(all, ERR_INVALID, "valid_to", "有效期截止日期格式不正确,应为 YYYY-MM-DD");
	if (from_ok && to_ok && strcmp(in->valid_to, in->valid_from) < 0)
		errs_add(all, ERR_INVALID, "valid_to", "有效期截止日期不能早于起始日期");
	if (in->cert_no && db_scalar_int(db, 0, "SELECT COUNT(*) FROM certificates WHERE cert_no = ? AND id <> ?",
					 (const struct db_val[]){ DB_TEXT(in->cert_no), DB_INT(self), DB_END }))
		errs_add(all, ERR_CONFLICT, "cert_no", "证件编号“%s”已存在", in->cert_no);
	return all->n > before ? -1 : 0;
}

static int cert_validate(struct db *db, const struct cert_input *in, long long self, struct err *e)
{
	struct errs all = ERRS_INIT;
	int rc = cert_check(db, in, self, &all);
	if (rc < 0)
		errs_first(&all, e);
	errs_release(&all);
	return rc;
}

static const char *type_or_default(const char *t)
{
	return str_empty(t) ? "行政执法证" : t;
}

int cert_create(struct db *db, const struct actor *a, const struct cert_input *in,
		long long *id_out, char *token_out, struct err *e)
{
	if (!cert_can_manage(db, a))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员或政策法规处可以管理执法证件");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (cert_validate(db, in, 0, e) < 0)
		return people_tx_fail(db, e, false);
	unsigned char raw[18];
	char token[CERT_TOKEN_LEN + 1], now[21], ids[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO certificates(user_id, cert_no, cert_type, enf_scope, issuer, valid_from,"
		     " valid_to, status, public_token, created_at) VALUES (?,?,?,?,?,?,?,'valid',?,?) RETURNING id",
		     DB_INT(in->user_id), DB_TEXT(in->cert_no), DB_TEXT(type_or_default(in->cert_type)),
		     DB_TEXT(in->enf_scope), DB_TEXT(in->issuer), DB_TEXT(in->valid_from), DB_TEXT(in->valid_to),
		     DB_TEXT(token), DB_TEXT(now)) < 0 || r->nrows != 1) {
		db_res_free(r);
		return people_tx_fail(db, e, true);
	}
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	snprintf(ids, sizeof ids, "%lld", id);
	if (audit_log(db, a, "cert.create", "certificate", ids, "ok", in->cert_no) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	if (id_out)
		*id_out = id;
	if (token_out)
		memcpy(token_out, token, sizeof token);
	return 0;
}

static int stored_status(struct db *db, long long id, char out[16])
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT status FROM certificates WHERE id = ?", DB_INT(id)) < 0)
		return -1;
	int found = r->nrows == 1;
	snprintf(out, 16, "%s", found ? db_text(r, 0, 0) : "");
	db_res_free(r);
	return found ? 1 : 0;
}

int cert_update(struct db *db, const struct actor *a, long long id,
		const struct cert_input *in, struct err *e)
{
	if (!cert_can_manage(db, a))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员或政策法规处可以管理执法证件");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	char st[16], now[21], ids[24];
	int f = stored_status(db, id, st);
	if (f < 0)
		return people_tx_fail(db, e, true);
	if (f == 0) {
		err_set(e, ERR_NOTFOUND, "", "执法证件不存在");
		return people_tx_fail(db, e, false);
	}
	if (str_eq(st, "revoked")) {
		err_set(e, ERR_CONFLICT, "", "已注销的执法证件不能修改");
		return people_tx_fail(db, e, false);
	}
	if (in) {
		long long holder = db_scalar_int(db, 0, "SELECT user_id FROM certificates WHERE id = ?",
						 (const struct db_val[]){ DB_INT(id), DB_END });
		if (in->user_id != holder) {
			err_set(e, ERR_INVALID, "user_id", "不能更改证件的持证人");
			return people_tx_fail(db, e, false);
		}
	}
	if (cert_validate(db, in, id, e) < 0)
		return people_tx_fail(db, e, false);
	time_now_utc(now);
	snprintf(ids, sizeof ids, "%lld", id);
	if (db_exec(db, "UPDATE certificates SET cert_no = ?, cert_type = ?, enf_scope = ?, issuer = ?, valid_from = ?,"
		    " valid_to = ?, updated_at = ? WHERE id = ?", DB_TEXT(in->cert_no),
		    DB_TEXT(type_or_default(in->cert_type)), DB_TEXT(in->enf_scope), DB_TEXT(in->issuer),
		    DB_TEXT(in->valid_from), DB_TEXT(in->valid_to), DB_TEXT(now), DB_INT(id)) < 0 ||
	    audit_log(db, a, "cert.update", "certificate", ids, "ok", in->cert_no) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

int cert_set_status(struct db *db, const struct actor *a, long long id,
		    const char *status, const char *reason, struct err *e)
{
	if (!cert_can_manage(db, a))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员或政策法规处可以管理执法证件");
	if (!str_eq(status, "valid") && !str_eq(status, "suspended") && !str_eq(status, "revoked"))
		return err_set(e, ERR_INVALID, "status", "证件状态无效,应为 valid、suspended 或 revoked");
	if (reason && !people_text_ok(reason, 0, 500))
		return err_set(e, ERR_INVALID, "reason", "原因不超过 500 个字");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	char st[16], now[21], ids[24];
	int f = stored_status(db, id, st);
	if (f < 0)
		return people_tx_fail(db, e, true);
	if (f == 0) {
		err_set(e, ERR_NOTFOUND, "", "执法证件不存在");
		return people_tx_fail(db, e, false);
	}
	bool allowed = (str_eq(st, "valid") && !str_eq(status, "valid")) ||
		       (str_eq(st, "suspended") && !str_eq(status, "suspended"));
	if (!allowed) {
		err_set(e, ERR_CONFLICT, "status", "执法证件当前为“%s”,不能改为“%s”",
			cert_status_label(st), cert_status_label(status));
		return people_tx_fail(db, e, false);
	}
	time_now_utc(now);
	snprintf(ids, sizeof ids, "%lld", id);
	char *detail = xasprintf("%s -> %s %s", st, status, reason ? reason : "");
	int bad = db_exec(db, "UPDATE certificates SET status = ?, note = ?, updated_at = ? WHERE id = ?",
			  DB_TEXT(status), DB_TEXT(reason ? reason : ""), DB_TEXT(now), DB_INT(id)) < 0 ||
		  audit_log(db, a, "cert.status", "certificate", ids, "ok", detail) < 0 || db_commit(db) < 0;
	free(detail);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}

#define CERT_COLS "SELECT c.id, c.user_id, u.name, u.unit_id, n.name, c.cert_no, c.cert_type, c.enf_scope," \
		  " c.issuer, c.valid_from, c.valid_to, c.status, c.public_token" \
		  " FROM certificates c JOIN users u ON u.id = c.user_id JOIN units n ON n.id = u.unit_id"

static json_t *cert_json(const struct db_res *r, int i, const char *today)
{
	const char *st = cert_effective_status(db_text(r, i, 11), db_text(r, i, 9), db_text(r, i, 10), today);
	char *path = xasprintf("/verify/c/%s", db_text(r, i, 12));
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
			      "id", (json_int_t)db_int(r, i, 0), "user_id", (json_int_t)db_int(r, i, 1),
			      "holder", db_text(r, i, 2), "unit_id", (json_int_t)db_int(r, i, 3),
			      "unit_name", db_text(r, i, 4), "cert_no", db_text(r, i, 5), "cert_type", db_text(r, i, 6),
			      "enf_scope", db_text(r, i, 7), "issuer", db_text(r, i, 8), "valid_from", db_text(r, i, 9),
			      "valid_to", db_text(r, i, 10), "stored_status", db_text(r, i, 11), "status", st,
			      "status_label", cert_status_label(st), "public_token", db_text(r, i, 12),
			      "verify_path", path);
	free(path);
	return o;
}

static bool cert_readable(struct db *db, const struct actor *a, long long unit_id)
{
	return cert_can_manage(db, a) || people_unit_in_scope(db, a, unit_id);
}

int cert_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	struct db_res *r = NULL;
	if (db_query(db, &r, CERT_COLS " WHERE c.id = ?", DB_INT(id)) < 0)
		return people_db_fail(db, e);
	char today[11];
	time_today_shanghai(today);
	int rc = 0;
	if (r->nrows != 1)
		rc = err_set(e, ERR_NOTFOUND, "", "执法证件不存在");
	else if (db_int(r, 0, 1) != a->user_id && !cert_readable(db, a, db_int(r, 0, 3)))
		rc = err_set(e, ERR_FORBIDDEN, "", "无权查看其他处室的数据");
	else
		*out = cert_json(r, 0, today);
	db_res_free(r);
	return rc;
}

int cert_list(struct db *db, const struct actor *a, long long user_id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	bool manage = cert_can_manage(db, a);
	long long *ids = NULL;
	size_t n = 0;
	if (!manage && people_scope_units(db, a, &ids, &n) < 0)
		return people_db_fail(db, e);
	struct db_res *r = NULL;
	int q = user_id > 0 ? db_query(db, &r, CERT_COLS " WHERE c.user_id = ? ORDER BY c.valid_from DESC, c.id DESC",
				       DB_INT(user_id))
			    : db_query(db, &r, CERT_COLS " ORDER BY c.valid_from DESC, c.id DESC");
	if (q < 0) {
		free(ids);
		return people_db_fail(db, e);
	}
	char today[11];
	time_today_shanghai(today);
	json_t *arr = json_array();
	int rc = 0;
	for (int i = 0; i < r->nrows; i++) {
		bool ok = manage || db_int(r, i, 1) == a->user_id || people_ids_contain(ids, n, db_int(r, i, 3));
		if (ok)
			json_array_append_new(arr, cert_json(r, i, today));
		else if (user_id > 0) {
			rc = err_set(e, ERR_FORBIDDEN, "", "无权查看其他处室的数据");
			break;
		}
	}
	free(ids);
	db_res_free(r);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}

/* ---------------- public ---------------- */

int cert_public_lookup(struct db *db, const char *token, json_t **out, struct err *e)
{
	*out = NULL;
	if (!token || strlen(token) != CERT_TOKEN_LEN)
		return err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	for (const char *p = token; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	struct db_res *r = NULL;
	if (db_query(db, &r, CERT_COLS " WHERE c.public_token = ?", DB_TEXT(token)) < 0)
		return people_db_fail(db, e);
	int rc = 0;
	if (r->nrows != 1) {
		rc = err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	} else {
		char today[11];
		time_today_shanghai(today);
		const char *st = cert_effective_status(db_text(r, 0, 11), db_text(r, 0, 9), db_text(r, 0, 10), today);
		*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
				 "name", db_text(r, 0, 2), "unit", db_text(r, 0, 4), "cert_no", db_text(r, 0, 5),
				 "cert_type", db_text(r, 0, 6), "enf_scope", db_text(r, 0, 7), "issuer", db_text(r, 0, 8),
				 "valid_from", db_text(r, 0, 9), "valid_to", db_text(r, 0, 10), "status", st,
				 "status_label", cert_status_label(st));
	}
	db_res_free(r);
	return rc;
}

int people_public_officers(struct db *db, bool only_valid, long long unit_id, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r = NULL;
	int q = unit_id > 0
		? db_query(db, &r, CERT_COLS " WHERE n.enforcement_power = 1 AND u.unit_id = ?"
		      " ORDER BY n.sort, n.id, u.name, c.valid_from DESC", DB_INT(unit_id))
		: db_query(db, &r, CERT_COLS " WHERE n.enforcement_power = 1 ORDER BY n.sort, n.id, u.name, c.valid_from DESC");
	if (q < 0)
		return people_db_fail(db, e);
	char today[11];
	time_today_shanghai(today);
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *st = cert_effective_status(db_text(r, i, 11), db_text(r, i, 9), db_text(r, i, 10), today);
		if (only_valid && !str_eq(st, "valid"))
			continue;
		json_array_append_new(arr, json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
						     "name", db_text(r, i, 2), "unit_id", (json_int_t)db_int(r, i, 3),
						     "unit", db_text(r, i, 4), "unit_name", db_text(r, i, 4),
						     "cert_no", db_text(r, i, 5), "cert_type", db_text(r, i, 6),
						     "enf_scope", db_text(r, i, 7), "scope", db_text(r, i, 7),
						     "valid_from", db_text(r, i, 9), "valid_to", db_text(r, i, 10),
						     "status", st, "status_label", cert_status_label(st),
						     "token", db_text(r, i, 12)));
	}
	db_res_free(r);
	*out = arr;
	return 0;
}

/* Number of distinct holders of a currently valid certificate in unit. */
static long long valid_holders(const struct db_res *certs, long long unit_id, const char *today)
{
	long long count = 0;
	for (int i = 0; i < certs->nrows; i++) {
		if (db_int(certs, i, 3) != unit_id)
			continue;
		if (!str_eq(cert_effective_status(db_text(certs, i, 11), db_text(certs, i, 9),
						  db_text(certs, i, 10), today), "valid"))
			continue;
		bool seen = false; /* same holder counted once */
		for (int j = 0; j < i && !seen; j++)
			seen = db_int(certs, j, 1) == db_int(certs, i, 1) && db_int(certs, j, 3) == unit_id &&
			       str_eq(cert_effective_status(db_text(certs, j, 11), db_text(certs, j, 9),
							    db_text(certs, j, 10), today), "valid");
		if (!seen)
			count++;
	}
	return count;
}

static int bodies(struct db *db, bool counts_only, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *u = NULL, *c = NULL;
	if (db_query(db, &u, "SELECT n.id, n.code, n.name, p.name FROM units n LEFT JOIN units p ON p.id = n.parent_id"
		     " WHERE n.enforcement_power = 1 ORDER BY n.sort, n.id") < 0)
		return people_db_fail(db, e);
	if (db_query(db, &c, CERT_COLS " ORDER BY c.id") < 0) {
		db_res_free(u);
		return people_db_fail(db, e);
	}
	char today[11];
	time_today_shanghai(today);
	json_t *arr = json_array();
	for (int i = 0; i < u->nrows; i++) {
		long long id = db_int(u, i, 0), k = valid_holders(c, id, today);
		if (counts_only)
			json_array_append_new(arr, json_pack("{s:I,s:s,s:I}", "unit_id", (json_int_t)id,
							     "unit", db_text(u, i, 2), "count", (json_int_t)k));
		else
			json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:o,s:I}", "id", (json_int_t)id,
							     "code", db_text(u, i, 1), "name", db_text(u, i, 2),
							     "parent", db_cell(u, i, 3) ? json_string(db_cell(u, i, 3)) : json_null(),
							     "officers", (json_int_t)k));
	}
	db_res_free(u);
	db_res_free(c);
	*out = arr;
	return 0;
}

int people_public_bodies(struct db *db, json_t **out, struct err *e)
{
	return bodies(db, false, out, e);
}

int people_public_officer_counts(struct db *db, json_t **out, struct err *e)
{
	return bodies(db, true, out, e);
}
