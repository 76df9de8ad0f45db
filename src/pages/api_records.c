/*
 * api_records.c - 执法文书 over JSON (records/records.h):
 *   GET  /api/v1/doc-types[?case_id=N]          the catalogue in force
 *   GET  /api/v1/cases/{id}/documents           the case's documents, case-file order
 *   POST /api/v1/cases/{id}/documents           draft {type_code, corrects_id?, correction_reason?} -> 201
 *   GET  /api/v1/documents/{id}                 one document (logged record.read)
 *   PUT  /api/v1/documents/{id}                 {row_version, fields} (a draft)
 *   GET  /api/v1/documents/{id}/pdf             the PDF (a draft: watermarked 草稿)
 *   POST /api/v1/documents/{id}/signatures      {kind, content_sha256, signer_role, signer_name,
 *                                                image (data URL) | image_sha256 | refusal_reason, witness_*}
 *   POST /api/v1/documents/{id}/finalise        {row_version, password}
 *
 * Invariants: the domain checks roles, scope and every rule and writes the
 * logs; the route table only narrows by role.  Errors answer
 * {"error":{"status","message","field","request_id"}} naming the JSON key
 * ("fields.KEY" for a field of the document); nothing is written on any
 * failure.
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "app/app.h"
#include "records/records.h"
#include <limits.h>
#include <sodium.h>

static json_t *json_body(struct req *r)
{
	json_error_t je;
	json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
		return NULL;
	}
	return j;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An integer member (or a string of digits): 0 when absent, -1 when
 * malformed. */
static long long jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	long long n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	if (json_is_string(v) && (str_empty(json_string_value(v)) ||
				  str_to_ll(json_string_value(v), 0, LLONG_MAX, &n) == 0))
		return n;
	return -1;
}

static long long doc_id(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0)
		resp_error(r, 404, "id", "文书不存在或无权查看");
	return id;
}

static int row_version_of(struct req *r, const json_t *in)
{
	long long rv = jint(in, "row_version");
	if (rv <= 0 || rv > INT_MAX) {
		resp_error(r, 400, "row_version", "缺少文书版本号（row_version），请刷新后重试");
		return -1;
	}
	return (int)rv;
}

int page_api_doc_types(struct req *r)
{
	long long case_id = 0;
	const char *s = kv_get(&r->query, "case_id");
	if (!str_empty(s) && str_to_ll(s, 1, LLONG_MAX, &case_id) < 0) {
		resp_error(r, 400, "case_id", "案件编号应为正整数");
		return 0;
	}
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (doc_types_list(r->db, &r->actor, case_id, &out, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	resp_json(r, 200, out);
	return 0;
}

static void answer_document(struct req *r, long long id, int status)
{
	json_t *d = NULL;
	struct err e = ERR_INIT;
	if (records_get(r->db, &r->actor, id, &d, &e) < 0) {
		resp_err(r, &e);
		return;
	}
	resp_json(r, status, d);
}

int page_api_case_documents(struct req *r)
{
	long long case_id = req_param_id(r, 0);
	if (case_id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	struct err e = ERR_INIT;
	if (r->method != M_POST) {
		json_t *out = NULL;
		if (records_list(r->db, &r->actor, case_id, &out, &e) < 0) {
			resp_err(r, &e);
			return 0;
		}
		resp_json(r, 200, out);
		return 0;
	}
	json_t *in = json_body(r);
	if (!in)
		return 0;
	long long corrects = jint(in, "corrects_id");
	if (corrects < 0) {
		resp_error(r, 400, "corrects_id", "被更正文书的编号应为正整数");
		json_decref(in);
		return 0;
	}
	struct record_create_input ci = { .type_code = jstr(in, "type_code"), .corrects_id = corrects,
					  .correction_reason = jstr(in, "correction_reason") };
	long long id = 0;
	if (records_create(r->db, &r->actor, case_id, &ci, &id, &e) < 0) {
		resp_err(r, &e);
	} else {
		resp_header(r, "Location", req_printf(r, "/api/v1/documents/%lld", id));
		answer_document(r, id, 201);
	}
	json_decref(in);
	return 0;
}

int page_api_document(struct req *r)
{
	long long id = doc_id(r);
	if (id <= 0)
		return 0;
	if (r->method == M_GET || r->method == M_HEAD) {
		answer_document(r, id, 200);
		return 0;
	}
	if (!str_eq(r->method_str, "PUT")) {
		resp_header(r, "Allow", "GET, PUT");
		resp_error(r, 405, "", "文书只能读取（GET）或修改（PUT）");
		return 0;
	}
	json_t *in = json_body(r);
	if (!in)
		return 0;
	int rv = row_version_of(r, in);
	if (rv > 0) {
		const json_t *fields = json_object_get(in, "fields");
		struct err e = ERR_INIT;
		int nv = 0;
		if (!json_is_object(fields))
			resp_error(r, 400, "fields", "缺少 fields（字段代码: 值 的对象）");
		else if (records_update(r->db, &r->actor, id, rv, fields, &nv, &e) < 0)
			resp_err(r, &e);
		else
			answer_document(r, id, 200);
	}
	json_decref(in);
	return 0;
}

int page_api_document_pdf(struct req *r)
{
	long long id = doc_id(r);
	if (id <= 0)
		return 0;
	struct err e = ERR_INIT;
	struct vault *v = app_vault(r->app, &e);
	if (!v) {
		resp_err(r, &e);
		return 0;
	}
	struct buf pdf;
	buf_init(&pdf, 0);
	char *name = NULL;
	if (records_pdf(r->db, v, &r->actor, id, &pdf, &name, &e) < 0) {
		resp_err(r, &e);
		buf_release(&pdf);
		return 0;
	}
	/* filename: ASCII fallback and the RFC 5987 UTF-8 form */
	struct buf cd;
	buf_init(&cd, 0);
	buf_printf(&cd, "inline; filename=\"document-%lld.pdf\"; filename*=UTF-8''", id);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; p && *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-._", *p))
			buf_putc(&cd, (char)*p);
		else
			buf_printf(&cd, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	free(name);
	resp_header(r, "Content-Disposition", req_own(r, buf_detach(&cd, NULL)));
	resp_header(r, "Cache-Control", "no-store");
	resp_text(r, 200, "application/pdf", pdf.data, pdf.len);
	buf_release(&pdf);
	return 0;
}

/* A "data:image/png;base64,..." URL (or bare base64) decoded into out.
 * -1 after answering 400. */
static int data_url(struct req *r, const char *s, struct buf *out)
{
	const char *b64 = s;
	if (str_starts(s, "data:")) {
		const char *comma = strchr(s, ',');
		if (!comma || !str_starts(s, "data:image/png;base64,")) {
			resp_error(r, 400, "image", "签名图像应为 PNG 的 data URL（data:image/png;base64,…）");
			return -1;
		}
		b64 = comma + 1;
	}
	size_t n = strlen(b64);
	if (n == 0 || n > (size_t)RECORD_SIGNATURE_MAX / 3 * 4 + 8) {
		resp_error(r, 400, "image", n ? "签名图像过大（不超过 512 KB）" : "缺少签名图像");
		return -1;
	}
	buf_grow(out, n);
	size_t len = 0;
	if (sodium_base642bin((unsigned char *)out->data, out->cap, b64, n, "\r\n", &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		resp_error(r, 400, "image", "签名图像的 base64 编码有误");
		return -1;
	}
	out->len = len;
	out->data[len] = 0;
	return 0;
}

int page_api_document_signatures(struct req *r)
{
	long long id = doc_id(r);
	if (id <= 0)
		return 0;
	json_t *in = json_body(r);
	if (!in)
		return 0;
	struct buf png;
	buf_init(&png, 0);
	struct record_signature_input si = {
		.kind = jstr(in, "kind"),
		.content_sha256 = jstr(in, "content_sha256"),
		.signer_role = jstr(in, "signer_role"),
		.signer_name = jstr(in, "signer_name"),
		.image_sha256 = jstr(in, "image_sha256"),
		.refusal_reason = jstr(in, "refusal_reason"),
		.witness_name = jstr(in, "witness_name"),
		.witness_id_number = jstr(in, "witness_id_number"),
	};
	struct err e = ERR_INIT;
	const char *image = jstr(in, "image");
	if (str_eq(si.kind, "screen") && !str_empty(image) && data_url(r, image, &png) < 0)
		goto out;
	si.png = (const unsigned char *)png.data;
	si.png_len = png.len;
	struct vault *v = app_vault(r->app, &e);
	long long sid = 0;
	if (!v || records_sign(r->db, v, &r->actor, id, &si, &sid, &e) < 0) {
		resp_err(r, &e);
		goto out;
	}
	resp_json(r, 201, json_pack("{s:b,s:I,s:I}", "ok", 1, "id", (json_int_t)sid, "document_id", (json_int_t)id));
out:
	buf_release(&png);
	json_decref(in);
	return 0;
}

int page_api_document_finalise(struct req *r)
{
	long long id = doc_id(r);
	if (id <= 0)
		return 0;
	json_t *in = json_body(r);
	if (!in)
		return 0;
	int rv = row_version_of(r, in);
	if (rv > 0) {
		struct err e = ERR_INIT;
		struct vault *v = app_vault(r->app, &e);
		json_t *out = NULL;
		if (!v || records_finalise(r->db, v, &r->actor, id, rv, jstr(in, "password"), &out, &e) < 0)
			resp_err(r, &e);
		else
			resp_json(r, 200, out);
	}
	json_decref(in);
	return 0;
}
