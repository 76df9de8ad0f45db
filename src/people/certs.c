/*
 * certs.c - enforcement certificates and the public portal reads (see
 * certs.h).  The shown status is never stored: it is computed from the
 * stored status, the validity dates and today's Beijing date.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/dict.h"
#include <sodium.h>
#include "people/certs.h"
#include "people/people.h"
#include "actor/audit.h"
#include "people/internal.h"
#include "core/hash.h"
#include "store/blobs.h"
#include "store/stamp.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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
	cert_scopes_check(db, in, all);
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
	long long holder_unit = db_scalar_int(db, 0, "SELECT unit_id FROM users WHERE id = ?",
					      (const struct db_val[]){ DB_INT(in->user_id), DB_END });
	if (cert_scopes_write(db, id, holder_unit, in, false) < 0 ||
	    audit_log(db, a, "cert.create", "certificate", ids, "ok", in->cert_no) < 0 ||
	    state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0)
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
	    (in->scopes && cert_scopes_write(db, id, db_scalar_int(db, 0, "SELECT unit_id FROM users WHERE id = ?",
								  (const struct db_val[]){ DB_INT(in->user_id), DB_END }),
					     in, true) < 0) ||
	    audit_log(db, a, "cert.update", "certificate", ids, "ok", in->cert_no) < 0 ||
	    state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

int cert_set_status(struct db *db, const struct actor *a, long long id,
		    const char *status, const char *reason, struct err *e)
{
	return people_cert_set_status_on(db, a, id, status, reason, NULL, e);
}

int people_cert_set_status_on(struct db *db, const struct actor *a, long long id, const char *status,
			      const char *reason, const char *on_date, struct err *e)
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
	char today[11];
	time_today_shanghai(today);
	if (on_date && strcmp(on_date, today) < 0) /* recorded later than it applied (the demo's history) */
		snprintf(today, sizeof today, "%s", on_date);
	int bad = db_exec(db, "UPDATE certificates SET status = ?, note = ?, updated_at = ? WHERE id = ?",
			  DB_TEXT(status), DB_TEXT(reason ? reason : ""), DB_TEXT(now), DB_INT(id)) < 0 ||
		  db_exec(db, "INSERT INTO cert_status_changes(cert_id, status, on_date, at, by_user, reason)"
			  " VALUES (?, ?, ?, ?, ?, ?)", DB_INT(id), DB_TEXT(status), DB_TEXT(today), DB_TEXT(now),
			  a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL, DB_TEXT(reason ? reason : "")) < 0 ||
		  audit_log(db, a, "cert.status", "certificate", ids, "ok", detail) < 0 ||
		  state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0;
	free(detail);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}

#define CERT_COLS "SELECT c.id, c.user_id, u.name, u.unit_id, n.name, c.cert_no, c.cert_type, c.enf_scope," \
		  " c.issuer, c.valid_from, c.valid_to, c.status, c.public_token, c.photo_sha256, c.photo_type" \
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
	json_object_set_new(o, "has_photo", json_boolean(db_cell(r, i, 13) != NULL));
	free(path);
	return o;
}

static bool cert_readable(struct db *db, const struct actor *a, long long unit_id)
{
	return cert_can_manage(db, a) || actor_unit_in_scope(db, a, unit_id);
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
	if (*out && cert_scopes_attach(db, *out) < 0) {
		json_decref(*out);
		*out = NULL;
		return people_db_fail(db, e);
	}
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
	if (!manage && actor_scope_units(db, a, &ids, &n) < 0)
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
		bool ok = manage || db_int(r, i, 1) == a->user_id || actor_ids_contain(ids, n, db_int(r, i, 3));
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
	if (cert_scopes_attach(db, arr) < 0) {
		json_decref(arr);
		return people_db_fail(db, e);
	}
	*out = arr;
	return 0;
}

/* ---------------- the holder's photo ---------------- */

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

const char *cert_photo_type(const unsigned char *d, size_t n)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (!d)
		return NULL;
	/* JPEG: SOI FF D8, then a marker FF xx; ends with EOI FF D9 */
	if (n >= 8 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF && d[n - 2] == 0xFF && d[n - 1] == 0xD9)
		return "image/jpeg";
	/* PNG: signature, IHDR of length 13 first, IEND (length 0) last */
	if (n >= 8 + 25 + 12 && memcmp(d, png, 8) == 0 && be32(d + 8) == 13 && memcmp(d + 12, "IHDR", 4) == 0 &&
	    be32(d + n - 12) == 0 && memcmp(d + n - 8, "IEND", 4) == 0 && be32(d + 16) > 0 && be32(d + 20) > 0)
		return "image/png";
	return NULL;
}

/* Write data to a staging file of b and store it; sha_hex gets its hash. */
static int photo_store(struct blobs *b, const unsigned char *data, size_t n, char sha_hex[HASH_HEX], struct err *e)
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, data, n);
	hash2_final(&h, &hr);
	memcpy(sha_hex, hr.sha256_hex, HASH_HEX);
	char *path = xasprintf("%s/photo-XXXXXX", blobs_staging_dir(b));
	int fd = mkstemp(path);
	bool ok = fd >= 0;
	for (size_t off = 0; ok && off < n;) {
		ssize_t w = write(fd, data + off, n - off);
		if (w <= 0)
			ok = false;
		else
			off += (size_t)w;
	}
	if (fd >= 0 && (fsync(fd) < 0 || close(fd) < 0))
		ok = false;
	if (!ok) {
		if (fd >= 0)
			unlink(path);
		free(path);
		log_error("证件照片暂存失败： %s", strerror(errno));
		return err_set(e, ERR_INTERNAL, "photo", "照片保存失败，请稍后重试");
	}
	int rc = blobs_put(b, sha_hex, path, (long long)n, e);
	if (rc < 0)
		unlink(path);
	free(path);
	return rc < 0 ? -1 : 0;
}

int cert_set_photo(struct db *db, struct blobs *b, const struct actor *a, long long id,
		   const unsigned char *data, size_t n, struct err *e)
{
	if (!cert_can_manage(db, a))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员或政策法规处可以管理执法证件");
	const char *type = NULL;
	if (data) {
		if (n == 0)
			return err_set(e, ERR_INVALID, "photo", "请选择照片文件");
		if (n > CERT_PHOTO_MAX)
			return err_set(e, ERR_INVALID, "photo", "照片不能超过 %d MB", CERT_PHOTO_MAX / (1024 * 1024));
		type = cert_photo_type(data, n);
		if (!type)
			return err_set(e, ERR_INVALID, "photo", "照片须为 JPEG 或 PNG 图片（按文件内容识别，不看文件名）");
	}
	char st[16];
	int f = stored_status(db, id, st);
	if (f < 0)
		return people_db_fail(db, e);
	if (f == 0)
		return err_set(e, ERR_NOTFOUND, "", "执法证件不存在");
	if (str_eq(st, "revoked"))
		return err_set(e, ERR_CONFLICT, "photo", "已注销的执法证件不能更换照片");
	char sha[HASH_HEX] = "";
	/* the blob first: durable before any row refers to it */
	if (data && photo_store(b, data, n, sha, e) < 0)
		return -1;
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	char now[21], ids[24];
	time_now_utc(now);
	snprintf(ids, sizeof ids, "%lld", id);
	char *detail = data ? xasprintf("%s %s %zu", type, sha, n) : xstrdup("removed");
	int bad = db_exec(db, "UPDATE certificates SET photo_sha256 = ?, photo_type = ?, updated_at = ? WHERE id = ?",
			  data ? DB_TEXT(sha) : DB_NULL, data ? DB_TEXT(type) : DB_NULL, DB_TEXT(now), DB_INT(id)) < 0 ||
		  audit_log(db, a, "cert.photo", "certificate", ids, "ok", detail) < 0 ||
		  state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0;
	free(detail);
	return bad ? people_tx_fail(db, e, true) : 0;
}

static int photo_sink(void *ctx, const void *data, size_t n)
{
	buf_add(ctx, data, n);
	return 0;
}

int cert_public_photo(struct db *db, struct blobs *b, const char *token, struct buf *out, const char **type,
		      struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT photo_sha256, photo_type FROM certificates WHERE public_token = ?",
		     DB_TEXT(token ? token : "")) < 0)
		return people_db_fail(db, e);
	if (r->nrows != 1 || !db_cell(r, 0, 0)) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "", "该证件没有照片");
	}
	char sha[HASH_HEX];
	snprintf(sha, sizeof sha, "%s", db_text(r, 0, 0));
	*type = str_eq(db_text(r, 0, 1), "image/png") ? "image/png" : "image/jpeg";
	db_res_free(r);
	return blobs_read(b, sha, photo_sink, out, e);
}

/* ---------------- public ---------------- */

bool cert_publicly_listed(const char *status)
{
	return !str_eq(status, "revoked") && !str_eq(status, "expired");
}

/* Every unit with its kind and parent: the map from a unit to its 执法主体. */
static int units_load(struct db *db, struct db_res **u)
{
	return db_query(db, u, "SELECT id, parent_id, kind, code, name, enforcement_power, address, phone, head_name,"
			" complaint_phone FROM units ORDER BY sort, id");
}

static int unit_row(const struct db_res *u, long long id)
{
	for (int i = 0; i < u->nrows; i++)
		if (db_int(u, i, 0) == id)
			return i;
	return -1;
}

/* The row of the nearest body at or above unit id, -1 if none. */
static int body_row(const struct db_res *u, long long id)
{
	for (int depth = 0; depth < 64; depth++) {
		int i = unit_row(u, id);
		if (i < 0)
			return -1;
		if (str_eq(db_text(u, i, 2), "body"))
			return i;
		if (!db_cell(u, i, 1))
			return -1;
		id = db_int(u, i, 1);
	}
	return -1;
}

int cert_public_lookup(struct db *db, const char *token, json_t **out, struct err *e)
{
	*out = NULL;
	if (!token || strlen(token) != CERT_TOKEN_LEN)
		return err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	for (const char *p = token; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	struct db_res *r = NULL, *u = NULL;
	if (db_query(db, &r, CERT_COLS " WHERE c.public_token = ?", DB_TEXT(token)) < 0)
		return people_db_fail(db, e);
	if (r->nrows == 1 && units_load(db, &u) < 0) {
		db_res_free(r);
		return people_db_fail(db, e);
	}
	int rc = 0;
	if (r->nrows != 1) {
		rc = err_set(e, ERR_NOTFOUND, "", "未找到该执法证件,请核实二维码是否由本系统签发");
	} else {
		char today[11];
		time_today_shanghai(today);
		const char *st = cert_effective_status(db_text(r, 0, 11), db_text(r, 0, 9), db_text(r, 0, 10), today);
		int b = body_row(u, db_int(r, 0, 3));
		*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
				 "name", db_text(r, 0, 2), "unit", db_text(r, 0, 4), "cert_no", db_text(r, 0, 5),
				 "cert_type", db_text(r, 0, 6), "enf_scope", db_text(r, 0, 7), "issuer", db_text(r, 0, 8),
				 "valid_from", db_text(r, 0, 9), "valid_to", db_text(r, 0, 10), "status", st,
				 "status_label", cert_status_label(st),
				 "body", b >= 0 ? db_text(u, b, 4) : "", "body_phone", b >= 0 ? db_text(u, b, 7) : "",
				 "body_address", b >= 0 ? db_text(u, b, 6) : "",
				 "complaint_phone", b >= 0 ? db_text(u, b, 9) : "");
		json_object_set_new(*out, "has_photo", json_boolean(db_cell(r, 0, 13) != NULL));
	}
	db_res_free(u);
	db_res_free(r);
	return rc;
}

int people_public_officers(struct db *db, const struct officer_filter *f, json_t **out, struct err *e)
{
	*out = NULL;
	static const struct officer_filter none;
	if (!f)
		f = &none;
	struct db_res *r = NULL, *u = NULL;
	if (units_load(db, &u) < 0)
		return people_db_fail(db, e);
	if (db_query(db, &r, CERT_COLS " ORDER BY n.sort, n.id, u.name, c.valid_from DESC, c.id DESC") < 0) {
		db_res_free(u);
		return people_db_fail(db, e);
	}
	char today[11];
	time_today_shanghai(today);
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *st = cert_effective_status(db_text(r, i, 11), db_text(r, i, 9), db_text(r, i, 10), today);
		if (!f->include_inactive && !cert_publicly_listed(st))
			continue;
		long long unit = db_int(r, i, 3);
		int b = body_row(u, unit);
		if (b < 0 || (f->unit_id > 0 && unit != f->unit_id) || (f->body_id > 0 && db_int(u, b, 0) != f->body_id))
			continue;
		json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
				      "name", db_text(r, i, 2), "unit_id", (json_int_t)unit,
				      "unit", db_text(r, i, 4), "unit_name", db_text(r, i, 4),
				      "cert_no", db_text(r, i, 5), "cert_type", db_text(r, i, 6),
				      "enf_scope", db_text(r, i, 7), "scope", db_text(r, i, 7),
				      "valid_from", db_text(r, i, 9), "valid_to", db_text(r, i, 10),
				      "status", st, "status_label", cert_status_label(st),
				      "token", db_text(r, i, 12));
		json_object_set_new(o, "body_id", json_integer(db_int(u, b, 0)));
		json_object_set_new(o, "body_name", json_string(db_text(u, b, 4)));
		json_array_append_new(arr, o);
	}
	db_res_free(r);
	db_res_free(u);
	*out = arr;
	return 0;
}

/* A publicly listed certificate, reduced to what the counts need. */
struct listed {
	long long user_id, unit_id, body_id;
	bool valid;
};

/* The listed certificates (cert_publicly_listed), ordered by holder. */
static struct listed *listed_load(struct db *db, const struct db_res *u, size_t *n)
{
	struct db_res *r = NULL;
	*n = 0;
	if (db_query(db, &r, CERT_COLS " ORDER BY c.user_id") < 0)
		return NULL;
	char today[11];
	time_today_shanghai(today);
	struct listed *l = xcalloc((size_t)r->nrows + 1, sizeof *l);
	for (int i = 0; i < r->nrows; i++) {
		const char *st = cert_effective_status(db_text(r, i, 11), db_text(r, i, 9), db_text(r, i, 10), today);
		int b = body_row(u, db_int(r, i, 3));
		if (!cert_publicly_listed(st) || b < 0)
			continue;
		l[(*n)++] = (struct listed){ db_int(r, i, 1), db_int(r, i, 3), db_int(u, b, 0), str_eq(st, "valid") };
	}
	db_res_free(r);
	return l;
}

/* Distinct holders among the listed certificates of unit (or of body
 * when unit is 0); valid_only counts only currently valid ones. */
static long long holders_in(const struct listed *l, size_t n, long long body, long long unit, bool valid_only)
{
	long long count = 0, last = 0;
	for (size_t i = 0; i < n; i++) {
		if ((valid_only && !l[i].valid) || (unit > 0 && l[i].unit_id != unit) || (body > 0 && l[i].body_id != body))
			continue;
		if (l[i].user_id != last)
			count++;
		last = l[i].user_id;
	}
	return count;
}

int people_public_bodies(struct db *db, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *u = NULL;
	if (units_load(db, &u) < 0)
		return people_db_fail(db, e);
	size_t nl = 0;
	struct listed *l = listed_load(db, u, &nl);
	if (!l) {
		db_res_free(u);
		return people_db_fail(db, e);
	}
	json_t *arr = json_array();
	for (int i = 0; i < u->nrows; i++) {
		if (!str_eq(db_text(u, i, 2), "body"))
			continue;
		long long id = db_int(u, i, 0);
		json_t *offices = json_array();
		for (int j = 0; j < u->nrows; j++) {
			if (j == i || !db_int(u, j, 5) || body_row(u, db_int(u, j, 0)) != i)
				continue;
			json_array_append_new(offices, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)db_int(u, j, 0),
								 "code", db_text(u, j, 3), "name", db_text(u, j, 4),
								 "officers", (json_int_t)holders_in(l, nl, 0, db_int(u, j, 0), false)));
		}
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o}", "id", (json_int_t)id,
				      "code", db_text(u, i, 3), "name", db_text(u, i, 4), "address", db_text(u, i, 6),
				      "phone", db_text(u, i, 7), "head_name", db_text(u, i, 8),
				      "complaint_phone", db_text(u, i, 9),
				      "officers", (json_int_t)holders_in(l, nl, id, 0, false),
				      "valid_officers", (json_int_t)holders_in(l, nl, id, 0, true), "offices", offices);
		json_array_append_new(arr, o);
	}
	free(l);
	db_res_free(u);
	*out = arr;
	return 0;
}
