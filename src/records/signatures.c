/*
 * signatures.c - the party's signature on a draft (on the screen, or a scan
 * of the paper signed), or the officers' note that the party refused, each
 * bound to the content hash of the exact version signed (records.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "recording/vault.h"
#include "actor/audit.h"
#include "ledger/ledger.h"
#include "people/people.h"
#include <cairo.h>

const char *records_signature_kind_label(const char *kind)
{
	if (str_eq(kind, "screen"))
		return "屏幕签名";
	if (str_eq(kind, "scan"))
		return "纸质签名扫描件";
	if (str_eq(kind, "refused"))
		return "拒绝签名";
	if (str_eq(kind, "confirm"))
		return "执法人员定稿确认";
	return "";
}

const char *records_signer_role_label(const char *role)
{
	if (str_eq(role, "party"))
		return "当事人";
	if (str_eq(role, "witness"))
		return "见证人";
	if (str_eq(role, "officer"))
		return "执法人员";
	return "";
}

bool rec_party_signed(struct db *db, long long doc_id, const char *content_sha256)
{
	return db_scalar_int(db, 0, "SELECT COUNT(*) FROM document_signatures WHERE document_id = ? AND content_sha256 = ?"
				    " AND ((kind IN ('screen', 'scan') AND signer_role = 'party') OR kind = 'refused')",
			     (const struct db_val[]){ DB_INT(doc_id), DB_TEXT(content_sha256), DB_END }) > 0;
}

/* A person's identity number shown masked: the first 4 and last 4. */
static void mask_id(const char *s, char *out, size_t n)
{
	size_t len = strlen(s);
	if (len <= 8) {
		snprintf(out, n, "%s", len ? "****" : "");
		return;
	}
	snprintf(out, n, "%.4s%.*s%s", s, (int)(len - 8 > 24 ? 24 : len - 8), "************************", s + len - 4);
}

json_t *rec_signatures_json(struct db *db, long long doc_id, const char *content_sha256)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT s.id, s.kind, s.signer_role, s.signer_name, s.content_sha256, s.image_sha256,"
			     " s.refusal_reason, s.witness_name, s.witness_id_number, s.by_user, u.name, s.at, s.leaf_index"
			     " FROM document_signatures s LEFT JOIN users u ON u.id = s.by_user WHERE s.document_id = ?"
			     " ORDER BY s.id", DB_INT(doc_id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++) {
		char local[20], masked[40];
		rec_local(db_text(r, i, 11), local);
		mask_id(db_text(r, i, 8), masked, sizeof masked);
		const char *kind = db_text(r, i, 1);
		/* a confirmation binds the final content; the others the draft's */
		bool current = str_eq(kind, "confirm") || str_eq(db_text(r, i, 4), content_sha256);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_int(r, i, 0)));
		json_object_set_new(o, "kind", json_string(kind));
		json_object_set_new(o, "kind_label", json_string(records_signature_kind_label(kind)));
		json_object_set_new(o, "signer_role", json_string(db_text(r, i, 2)));
		json_object_set_new(o, "signer_role_label", json_string(records_signer_role_label(db_text(r, i, 2))));
		json_object_set_new(o, "signer_name", json_string(db_text(r, i, 3)));
		json_object_set_new(o, "content_sha256", json_string(db_text(r, i, 4)));
		json_object_set_new(o, "current", json_boolean(current));
		json_object_set_new(o, "image_sha256", db_cell(r, i, 5) ? json_string(db_text(r, i, 5)) : json_null());
		json_object_set_new(o, "refusal_reason", db_cell(r, i, 6) ? json_string(db_text(r, i, 6)) : json_null());
		json_object_set_new(o, "witness_name", db_cell(r, i, 7) ? json_string(db_text(r, i, 7)) : json_null());
		json_object_set_new(o, "witness_id_number", db_cell(r, i, 8) ? json_string(masked) : json_null());
		json_object_set_new(o, "by_user", json_integer(db_int(r, i, 9)));
		json_object_set_new(o, "by_name", json_string(db_text(r, i, 10)));
		json_object_set_new(o, "at", json_string(db_text(r, i, 11)));
		json_object_set_new(o, "at_local", json_string(local));
		json_object_set_new(o, "leaf_index", json_integer(db_int(r, i, 12)));
		json_array_append_new(out, o);
	}
	db_res_free(r);
	return out;
}

/* ---- checking a PNG ---- */

struct png_src {
	const unsigned char *p;
	size_t n, off;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
	struct png_src *s = closure;
	if (s->n - s->off < length)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->off, length);
	s->off += length;
	return CAIRO_STATUS_SUCCESS;
}

/* Whether png decodes as a PNG image of a sensible size. */
static bool png_ok(const unsigned char *png, size_t len)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (len < 8 || memcmp(png, magic, 8) != 0)
		return false;
	/* the header's dimensions before decoding (IHDR: width, height at 16) */
	if (len < 24)
		return false;
	unsigned long w = ((unsigned long)png[16] << 24) | ((unsigned long)png[17] << 16) | ((unsigned long)png[18] << 8) | png[19];
	unsigned long h = ((unsigned long)png[20] << 24) | ((unsigned long)png[21] << 16) | ((unsigned long)png[22] << 8) | png[23];
	if (w == 0 || h == 0 || w > 4000 || h > 4000)
		return false;
	struct png_src s = { png, len, 0 };
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &s);
	bool ok = cairo_surface_status(img) == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(img) > 0;
	cairo_surface_destroy(img);
	return ok;
}

static bool line_ok(const char *s, long max)
{
	if (str_empty(s) || !utf8_valid(s, strlen(s)) || utf8_len(s, strlen(s)) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool id_number_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 5 || n > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
			return false;
	return true;
}

int records_sign(struct db *db, struct vault *v, const struct actor *a, long long doc_id,
		 const struct record_signature_input *in, long long *id, struct err *e)
{
	struct doc_row d;
	struct case_brief c;
	if (rec_doc_open(db, a, doc_id, true, &d, &c, e) < 0)
		return -1;
	int rc = -1;
	const char *kind = in->kind;
	bool screen = str_eq(kind, "screen"), scan = str_eq(kind, "scan"), refused = str_eq(kind, "refused");
	const char *role = str_empty(in->signer_role) && refused ? "party" : in->signer_role;
	char img[65] = "";
	if (str_eq(d.status, "final")) {
		err_set(e, ERR_CONFLICT, "status", "文书已定稿，不能再签名");
		goto out;
	}
	if (!str_eq(c.status, "open") && !d.corrects_id) {
		err_set(e, ERR_CONFLICT, "status", "案件已结案或终结");
		goto out;
	}
	if (!screen && !scan && !refused) {
		err_set(e, ERR_INVALID, "kind", "签名方式应为屏幕签名、纸质签名扫描件或拒绝签名");
		goto out;
	}
	if (str_empty(in->content_sha256)) {
		err_set(e, ERR_INVALID, "content_sha256", "缺少所签文书版本的内容摘要（content_sha256）");
		goto out;
	}
	if (!str_eq(in->content_sha256, d.content_sha256)) {
		err_set(e, ERR_CONFLICT, "content_sha256", "文书内容已变化，签名须针对当前版本，请刷新后重新签名");
		goto out;
	}
	if (!str_eq(role, "party") && !str_eq(role, "witness") && !str_eq(role, "officer")) {
		err_set(e, ERR_INVALID, "signer_role", "签名人身份应为当事人、见证人或执法人员");
		goto out;
	}
	if (refused && !str_eq(role, "party")) {
		err_set(e, ERR_INVALID, "signer_role", "拒绝签名说明只针对当事人");
		goto out;
	}
	if (!line_ok(in->signer_name, 64)) {
		err_set(e, ERR_INVALID, "signer_name", refused ? "请填写拒绝签名的当事人姓名或名称（1 至 64 字）"
							     : "请填写签名人姓名（1 至 64 字）");
		goto out;
	}
	if (screen) {
		if (!in->png || in->png_len == 0) {
			err_set(e, ERR_INVALID, "image", "缺少签名图像");
			goto out;
		}
		if (in->png_len > RECORD_SIGNATURE_MAX) {
			err_set(e, ERR_INVALID, "image", "签名图像过大（不超过 %d KB）", RECORD_SIGNATURE_MAX / 1024);
			goto out;
		}
		if (!png_ok(in->png, in->png_len)) {
			err_set(e, ERR_INVALID, "image", "签名图像不是有效的 PNG 图片");
			goto out;
		}
	}
	if (scan) {
		if (!hash_hex_valid(in->image_sha256)) {
			err_set(e, ERR_INVALID, "image_sha256", "请指明已上传到证据库的签名扫描件（SHA-256）");
			goto out;
		}
		struct db_res *r;
		if (db_query(db, &r, "SELECT b.media_type FROM blob_refs f JOIN blobs b ON b.sha256 = f.sha256"
				     " WHERE f.sha256 = ? AND f.unit_id = ?", DB_TEXT(in->image_sha256), DB_INT(c.unit_id)) < 0) {
			rec_db_fail(db, e);
			goto out;
		}
		bool found = r->nrows > 0;
		const char *mt = found ? db_text(r, 0, 0) : "";
		bool type_ok = str_starts(mt, "image/") || str_eq(mt, "application/pdf");
		db_res_free(r);
		if (!found) {
			err_set(e, ERR_INVALID, "image_sha256", "证据库中没有本案承办处室的这份文件");
			goto out;
		}
		if (!type_ok) {
			err_set(e, 415, "image_sha256", "签名扫描件应为图片或 PDF 文件");
			goto out;
		}
		snprintf(img, sizeof img, "%s", in->image_sha256);
	}
	if (refused) {
		const char *rr = in->refusal_reason;
		if (str_empty(rr) || !utf8_valid(rr, strlen(rr)) || utf8_len(rr, strlen(rr)) > 500) {
			err_set(e, ERR_INVALID, "refusal_reason", "请写明当事人拒绝签名的情况和理由（1 至 500 字）");
			goto out;
		}
		if (!str_empty(in->witness_name) && !line_ok(in->witness_name, 64)) {
			err_set(e, ERR_INVALID, "witness_name", "见证人姓名应为 1 至 64 字");
			goto out;
		}
		if (!str_empty(in->witness_id_number) && (!id_number_ok(in->witness_id_number) || str_empty(in->witness_name))) {
			err_set(e, ERR_INVALID, "witness_id_number", str_empty(in->witness_name) ? "填写见证人证件号码时须填写见证人姓名"
											 : "见证人证件号码应为 5 至 32 位字母或数字");
			goto out;
		}
	} else if (!str_empty(in->refusal_reason) || !str_empty(in->witness_name) || !str_empty(in->witness_id_number)) {
		err_set(e, ERR_INVALID, "refusal_reason", "只有拒绝签名时才填写拒签理由和见证人");
		goto out;
	}
	if (screen) {
		/* the image into the vault first (its own transaction); a failure
		 * below leaves at worst an unreferenced file */
		struct vault_writer w;
		struct vault_stored st;
		char fname[80];
		snprintf(fname, sizeof fname, "签名-文书%lld.png", d.id);
		if (!v) {
			err_set(e, ERR_INTERNAL, "", "证据库不可用");
			goto out;
		}
		if (vault_writer_open(v, &w, e) < 0)
			goto out;
		if (vault_writer_describe(&w, "image/png", fname, NULL, e) < 0 ||
		    vault_writer_add(&w, in->png, in->png_len, e) < 0) {
			vault_writer_abort(&w);
			goto out;
		}
		if (vault_writer_commit(v, db, a, &w, "image/png", &st, e) < 0)
			goto out;
		snprintf(img, sizeof img, "%s", st.sha256);
	}
	const char *event = screen ? "record.signed" : scan ? "record.scan" : "record.refusal";
	char now[21];
	time_now_utc(now);
	if (db_begin(db) < 0) {
		rec_db_fail(db, e);
		goto out;
	}
	/* the draft is still the version signed (a concurrent edit since the
	 * check would make this signature stale at once) */
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT content_sha256, status FROM documents WHERE id = ?", DB_INT(d.id)) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	bool same = r->nrows && str_eq(db_text(r, 0, 0), in->content_sha256) && str_eq(db_text(r, 0, 1), "draft");
	db_res_free(r);
	if (!same) {
		db_rollback(db);
		err_set(e, ERR_CONFLICT, "content_sha256", "文书内容已变化，签名须针对当前版本，请刷新后重新签名");
		goto out;
	}
	json_t *leaf = json_pack("{s:I,s:I,s:s,s:s,s:s,s:I}", "case_id", (json_int_t)d.case_id, "document_id",
				 (json_int_t)d.id, "content_sha256", in->content_sha256, "signer_role", role, "kind", kind,
				 "actor", (json_int_t)a->user_id);
	if (img[0])
		json_object_set_new(leaf, "sha256", json_string(img));
	if (refused) {
		char rs[65];
		rec_sha256_hex(in->refusal_reason, strlen(in->refusal_reason), rs);
		json_object_set_new(leaf, "reason_sha256", json_string(rs));
		json_object_set_new(leaf, "witness", json_boolean(!str_empty(in->witness_name)));
	}
	long long li = -1;
	int q = ledger_append(db, event, leaf, &li, e);
	json_decref(leaf);
	if (q < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	r = NULL;
	if (db_query(db, &r, "INSERT INTO document_signatures(document_id, kind, content_sha256, image_sha256, signer_role,"
			     " signer_name, refusal_reason, witness_name, witness_id_number, by_user, at, leaf_index)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_INT(d.id), DB_TEXT(kind), DB_TEXT(in->content_sha256), DB_TEXTN(rec_nz(img)), DB_TEXT(role),
		     DB_TEXT(in->signer_name), DB_TEXTN(refused ? in->refusal_reason : NULL),
		     DB_TEXTN(refused && !str_empty(in->witness_name) ? in->witness_name : NULL),
		     DB_TEXTN(refused && !str_empty(in->witness_id_number) ? in->witness_id_number : NULL), DB_INT(a->user_id),
		     DB_TEXT(now), DB_INT(li)) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	long long sid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char idstr[24], detail[200];
	snprintf(idstr, sizeof idstr, "%lld", d.id);
	snprintf(detail, sizeof detail, "%s：%s（%s）", rec_js(d.def, "name"), records_signature_kind_label(kind),
		 records_signer_role_label(role));
	if (audit_log(db, a, "record.sign", "document", idstr, "ok", detail) < 0 || db_commit(db) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	if (id)
		*id = sid;
	rc = 0;
out:
	rec_doc_release(&d);
	return rc;
}
