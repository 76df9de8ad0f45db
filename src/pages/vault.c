/*
 * vault.c - the evidence vault on the web: the back-office page
 * /admin/vault (stored files in the actor's unit scope, a plain form
 * upload, and the resumable upload with a progress bar: static/upload.js
 * over tus-js-client), the file page /admin/vault/{sha256}, and the tus
 * 1.0 server (core + creation) at /api/v1/uploads.
 *
 * Invariants:
 *  - request bodies are never buffered whole: PATCH bodies go straight
 *    to the upload's partial file (recording/vault.h: vault_patch_*), the
 *    plain form upload's file part to a staging file through an
 *    MHD_PostProcessor fed chunk by chunk;
 *  - the answer to a PATCH (its Upload-Offset) and to a form upload is
 *    sent only after the bytes are fsync'ed and, for the last byte, the
 *    file is durable in the blob store and its leaf committed;
 *  - the form upload route is R_NO_CSRF for the router (a browser form
 *    cannot send the token as a header and the router cannot see into a
 *    streamed body): this file checks the _csrf part itself, which the
 *    form places before the file part, and refuses with 403 before a byte
 *    of the file is kept; the tus routes are CSRF-checked by the router
 *    (X-CSRF-Token header);
 *  - unit scope is checked by the domain (vault_get: 403 for another
 *    unit's file; uploads belong to their creator).
 */
#include "core/core.h"
#include "core/err.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/app.h"
#include "pages/pages.h"
#include "recording/vault.h"
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>

/* ---- the process's vault, opened on first use ---- */

static pthread_mutex_t vault_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vault *the_vault;

static struct vault *vault_of(struct req *r, struct err *e)
{
	pthread_mutex_lock(&vault_lock);
	if (!the_vault) {
		the_vault = vault_open(r->app->cfg.data_dir, e);
		if (!the_vault)
			log_error("无法打开文件存储: %s", e->msg);
	}
	struct vault *v = the_vault;
	pthread_mutex_unlock(&vault_lock);
	if (!v)
		err_set(e, ERR_INTERNAL, "", "文件存储不可用。");
	return v;
}

static bool token_ok(const char *tok, const char *want)
{
	size_t a = strlen(tok), b = strlen(want);
	return a == b && a > 0 && sodium_memcmp(tok, want, a) == 0;
}

static void size_human(long long n, char *out, size_t cap)
{
	if (n >= 1LL << 30)
		snprintf(out, cap, "%.2f GiB", (double)n / (double)(1LL << 30));
	else if (n >= 1LL << 20)
		snprintf(out, cap, "%.1f MiB", (double)n / (double)(1LL << 20));
	else if (n >= 1024)
		snprintf(out, cap, "%.1f KiB", (double)n / 1024.0);
	else
		snprintf(out, cap, "%lld 字节", n);
}

/* An error answer; "busy" (503) keeps its message and says when to retry. */
static void answer_err(struct req *r, const struct err *e)
{
	if (e->kind == VAULT_BUSY) {
		resp_header(r, "Retry-After", req_printf(r, "%d", VAULT_RETRY_AFTER));
		resp_error(r, VAULT_BUSY, e->field, e->msg);
		return;
	}
	resp_err(r, e);
}

/* ---- the page ---- */

static bool may_upload(const struct req *r)
{
	return (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD)) != 0;
}

static void render_vault(struct req *r, json_t *m)
{
	page_begin(r, "证据文件库");
	h_raw(&r->out, "<h1>证据文件库</h1>");
	const char *err = js(m, "error"), *field = js(m, "error_field");
	if (*err)
		h_printf(&r->out, "<p class=\"alert error\" role=\"alert\">%s</p>", err);
	json_t *st = json_object_get(m, "stored");
	if (json_is_object(st))
		h_printf(&r->out, "<p class=\"alert ok\" role=\"status\">已保存%s。SHA-256：<code>%s</code>，账本叶子 #%lld。</p>",
			 json_is_true(json_object_get(st, "duplicate")) ? "（该文件此前已保存，未重复存储）" : "",
			 js(st, "sha256"), ji(st, "leaf_index"));
	h_printf(&r->out, "<p class=\"muted\">每个文件按内容的 SHA-256 与 SM3 哈希只保存一次，保存后不可修改或删除，"
			  "并记入账本。单个文件最大 %s，普通表单上传最大 %s。</p>",
		 js(m, "max_size_text"), js(m, "form_max_size_text"));
	if (json_is_true(json_object_get(m, "may_upload"))) {
		h_raw(&r->out, "<div class=\"grid\"><section class=\"card\"><h2>上传文件</h2>"
			       "<form method=\"post\" action=\"/admin/vault/upload\" enctype=\"multipart/form-data\" id=\"vault-form\">");
		form_csrf(r);
		bool ferr = str_eq(field, "file") || str_eq(field, "type");
		h_raw(&r->out, "<div class=\"field\"><label for=\"file\">选择文件</label>");
		h_raw(&r->out, ferr ? "<input type=\"file\" id=\"file\" name=\"file\" required aria-invalid=\"true\""
				      " aria-describedby=\"file-error file-hint\">"
				    : "<input type=\"file\" id=\"file\" name=\"file\" required aria-describedby=\"file-hint\">");
		if (ferr)
			h_printf(&r->out, "<p class=\"field-error\" id=\"file-error\">%s</p>", err);
		h_raw(&r->out, "<p class=\"hint\" id=\"file-hint\">执法记录仪视频等大文件会分段断点续传（需启用 JavaScript）；"
			       "未启用时按普通表单上传。</p></div>"
			       "<button type=\"submit\">上传并保存</button></form>");
		h_printf(&r->out, "<div id=\"tus-upload\" hidden data-csrf=\"%s\" data-endpoint=\"/api/v1/uploads\">"
				  "<label for=\"tus-progress\">上传进度</label>"
				  "<progress id=\"tus-progress\" max=\"100\" value=\"0\">0%%</progress>"
				  "<p id=\"tus-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p></div>",
			 r->csrf);
		h_raw(&r->out, "</section></div>");
		h_raw(&r->out, "<script src=\"/static/vendor/tus.min.js\" defer></script>"
			       "<script src=\"/static/upload.js\" defer></script>");
	}
	h_printf(&r->out, "<h2>已保存的文件（共 %lld 个）</h2>", ji(m, "total"));
	json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(&r->out, "<p class=\"muted\">您有权查看的单位还没有保存文件。</p>");
	} else {
		h_raw(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">SHA-256</th><th scope=\"col\">SM3</th>"
			       "<th scope=\"col\">大小</th><th scope=\"col\">类型</th><th scope=\"col\">保存时间</th>"
			       "<th scope=\"col\">账本叶子</th><th scope=\"col\">保存人</th><th scope=\"col\">单位</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			char sz[32];
			size_human(ji(it, "size"), sz, sizeof sz);
			char sha_short[20], sm3_short[20];
			snprintf(sha_short, sizeof sha_short, "%.12s…", js(it, "sha256"));
			snprintf(sm3_short, sizeof sm3_short, "%.12s…", js(it, "sm3"));
			h_printf(&r->out, "<tr><td><a href=\"/admin/vault/%s\" title=\"%s\"><code>%s</code></a></td>"
					  "<td><code title=\"%s\">%s</code></td>"
					  "<td>%s</td><td>%s</td><td>%s</td><td>#%lld</td><td>%s</td><td>%s</td></tr>",
				 js(it, "sha256"), js(it, "sha256"), sha_short, js(it, "sm3"), sm3_short, sz, js(it, "media_type"),
				 js(it, "stored_at_local"), ji(it, "leaf_index"),
				 *js(it, "username") ? js(it, "username") : "命令行", js(it, "unit_name"));
		}
		h_raw(&r->out, "</tbody></table></div>");
	}
	long long page = ji(m, "page"), per = ji(m, "per_page"), total = ji(m, "total");
	if (page > 1 || page * per < total) {
		h_raw(&r->out, "<nav class=\"inline\" aria-label=\"分页\">");
		if (page > 1)
			h_printf(&r->out, "<a href=\"/admin/vault?page=%lld\">上一页</a> ", page - 1);
		if (page * per < total)
			h_printf(&r->out, "<a href=\"/admin/vault?page=%lld\">下一页</a>", page + 1);
		h_raw(&r->out, "</nav>");
	}
	page_end(r);
}

/* The page model; error (may be NULL) and stored (may be NULL) added. */
static json_t *vault_model(struct req *r, const struct err *error, const struct vault_stored *stored)
{
	struct err e = ERR_INIT;
	long long page = 1;
	const char *ps = req_param(r, "page");
	if (ps && str_to_ll(ps, 1, 1000000, &page) < 0)
		page = 1;
	json_t *m = NULL;
	if (vault_list(r->db, &r->actor, (int)page, 50, &m, &e) < 0)
		m = json_pack("{s:i,s:i,s:i,s:[]}", "total", 0, "page", 1, "per_page", 50, "items");
	struct vault *v = vault_of(r, &e);
	char a[32] = "", b[32] = "";
	if (v) {
		size_human(vault_max_size(v), a, sizeof a);
		size_human(vault_form_max_size(v), b, sizeof b);
	}
	json_object_set_new(m, "max_size_text", json_string(a));
	json_object_set_new(m, "form_max_size_text", json_string(b));
	json_object_set_new(m, "max_size", json_integer(v ? vault_max_size(v) : 0));
	json_object_set_new(m, "may_upload", json_boolean(may_upload(r)));
	if (error && error->kind) {
		json_object_set_new(m, "error", json_string(error->kind >= 500 && error->kind != VAULT_BUSY
								    ? "系统内部错误，文件未保存，请稍后重试。" : error->msg));
		json_object_set_new(m, "error_field", json_string(error->field));
	}
	if (stored)
		json_object_set_new(m, "stored", json_pack("{s:s,s:s,s:I,s:s,s:I,s:b}", "sha256", stored->sha256, "sm3",
							   stored->sm3, "size", (json_int_t)stored->size, "media_type",
							   stored->media_type, "leaf_index", (json_int_t)stored->leaf_index,
							   "duplicate", stored->duplicate));
	return m;
}

int page_vault(struct req *r)
{
	json_t *m = vault_model(r, NULL, NULL);
	const char *okp = req_param(r, "ok");
	if (okp && *okp) {
		json_t *one = NULL;
		struct err e = ERR_INIT;
		if (vault_get(r->db, &r->actor, okp, &one, &e) == 0) {
			json_object_set_new(one, "duplicate", json_boolean(str_eq(req_param(r, "dup"), "1")));
			json_object_set_new(m, "stored", one);
		}
	}
	return page_model(r, m, render_vault);
}

static void render_file(struct req *r, json_t *m)
{
	page_begin(r, "证据文件");
	char sz[32];
	size_human(ji(m, "size"), sz, sizeof sz);
	h_printf(&r->out, "<h1>证据文件</h1><dl class=\"props\"><dt>SHA-256</dt><dd><code>%s</code></dd>"
			  "<dt>SM3</dt><dd><code>%s</code></dd><dt>大小</dt><dd>%s（%lld 字节）</dd>"
			  "<dt>类型（按内容识别）</dt><dd>%s</dd><dt>保存时间</dt><dd>%s</dd><dt>账本叶子</dt><dd>#%lld</dd>"
			  "<dt>保存人</dt><dd>%s</dd><dt>单位</dt><dd>%s</dd></dl>"
			  "<p><a href=\"/admin/vault\">返回证据文件库</a></p>",
		 js(m, "sha256"), js(m, "sm3"), sz, ji(m, "size"), js(m, "media_type"), js(m, "stored_at_local"),
		 ji(m, "leaf_index"), *js(m, "username") ? js(m, "username") : "命令行", js(m, "unit_name"));
	page_end(r);
}

int page_vault_file(struct req *r)
{
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (vault_get(r->db, &r->actor, r->params[0], &m, &e) < 0) {
		answer_err(r, &e);
		return 0;
	}
	return page_model(r, m, render_file);
}

/* ---- the plain form upload (multipart, streamed) ---- */

struct form_up {
	struct MHD_PostProcessor *pp;
	struct vault *v;
	struct vault_writer w;
	bool writer_open, have_file, csrf_ok, done;
	uint64_t file_next;    /* offset the next chunk of the file part continues at */
	char file_name[256];   /* the file part's name (a second part is refused) */
	char csrf[80];
	size_t csrf_len;
	const char *want_csrf; /* the session's token (r->csrf) */
	char claimed[128];
	struct err e;
};

static void form_fail(struct form_up *f, int kind, const char *field, const char *msg)
{
	if (f->e.kind)
		return;
	err_set(&f->e, kind, field, "%s", msg);
	if (f->writer_open) {
		vault_writer_abort(&f->w);
		f->writer_open = false;
	}
}

static enum MHD_Result form_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				 const char *content_type, const char *transfer_encoding, const char *data,
				 uint64_t off, size_t size)
{
	(void)kind;
	(void)transfer_encoding;
	(void)filename;
	struct form_up *f = cls;
	if (!key || f->e.kind)
		return MHD_YES;
	if (strcmp(key, "_csrf") == 0) {
		if (f->csrf_len + size < sizeof f->csrf) {
			memcpy(f->csrf + f->csrf_len, data, size);
			f->csrf_len += size;
			f->csrf[f->csrf_len] = '\0';
		}
		return MHD_YES;
	}
	if (strcmp(key, "file") != 0)
		return MHD_YES;
	if (f->have_file && (off != f->file_next || !str_eq(filename ? filename : "", f->file_name))) {
		/* a second file part: one upload is one file, never a
		 * concatenation of several */
		form_fail(f, ERR_INVALID, "file", "一次只能上传一个文件，请逐个上传。");
		return MHD_YES;
	}
	f->file_next = off + size;
	if (!f->have_file) {
		f->have_file = true;
		snprintf(f->file_name, sizeof f->file_name, "%s", filename ? filename : "");
		if (!f->csrf_ok && token_ok(f->csrf, f->want_csrf))
			f->csrf_ok = true;
		if (!f->csrf_ok) {
			form_fail(f, ERR_FORBIDDEN, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
			return MHD_YES;
		}
		snprintf(f->claimed, sizeof f->claimed, "%s", content_type ? content_type : "");
		if (vault_writer_open(f->v, &f->w, &f->e) < 0)
			return MHD_YES;
		f->w.max = vault_form_max_size(f->v);
		f->writer_open = true;
	}
	if (f->writer_open && size && vault_writer_add(&f->w, data, size, &f->e) < 0) {
		vault_writer_abort(&f->w);
		f->writer_open = false;
	}
	return MHD_YES;
}

static void form_free(struct req *r)
{
	struct form_up *f = r->stream_ctx;
	if (!f)
		return;
	if (f->pp)
		MHD_destroy_post_processor(f->pp);
	if (f->writer_open)
		vault_writer_abort(&f->w);
	free(f);
	r->stream_ctx = NULL;
}

int stream_vault_form(struct req *r, const char *data, size_t n)
{
	struct form_up *f = r->stream_ctx;
	if (n == (size_t)-1) {
		form_free(r);
		return 0;
	}
	if (!data) {
		f = xcalloc(1, sizeof *f);
		r->stream_ctx = f;
		f->want_csrf = r->csrf;
		f->v = vault_of(r, &f->e);
		if (!f->v)
			return 0;
		if (!r->content_type || !str_starts(r->content_type, "multipart/form-data")) {
			err_set(&f->e, 415, "file", "请以 multipart/form-data 表单上传文件。");
			return 0;
		}
		/* the token may also come as a header (scripts) */
		const char *h = req_header(r, "X-CSRF-Token");
		if (h && token_ok(h, r->csrf))
			f->csrf_ok = true;
		f->pp = MHD_create_post_processor(r->conn, 64 * 1024, form_iter, f);
		if (!f->pp)
			err_set(&f->e, ERR_INVALID, "file", "无法解析上传的表单。");
		return 0;
	}
	if (!f || !f->pp || f->e.kind)
		return 0; /* discard the rest; the handler answers */
	/* the _csrf part precedes the file part: form_iter checks it when
	 * the file part begins, before keeping any of its bytes */
	if (MHD_post_process(f->pp, data, n) != MHD_YES)
		form_fail(f, ERR_INVALID, "file", "上传的表单格式不正确。");
	return 0;
}

int page_vault_upload(struct req *r)
{
	struct form_up *f = r->stream_ctx;
	struct err e = ERR_INIT;
	struct vault_stored st;
	bool stored = false;
	if (!f) {
		err_set(&e, ERR_INTERNAL, "", "上传状态丢失");
	} else {
		if (f->pp && !f->e.kind) {
			MHD_destroy_post_processor(f->pp); /* flushes the last part */
			f->pp = NULL;
		}
		if (!f->e.kind && !f->csrf_ok && f->csrf_len && token_ok(f->csrf, r->csrf))
			f->csrf_ok = true;
		if (!f->e.kind && !f->csrf_ok)
			err_set(&f->e, ERR_FORBIDDEN, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
		else if (!f->e.kind && (!f->have_file || !f->writer_open))
			err_set(&f->e, ERR_INVALID, "file", "请选择要上传的文件。");
		if (!f->e.kind) {
			f->writer_open = false;
			if (vault_writer_commit(f->v, r->db, &r->actor, &f->w, f->claimed, &st, &f->e) == 0)
				stored = true;
		}
		e = f->e;
	}
	form_free(r);
	if (stored) {
		if (r->want_json) {
			resp_json(r, st.duplicate ? 200 : 201,
				  json_pack("{s:s,s:s,s:I,s:s,s:I,s:b}", "sha256", st.sha256, "sm3", st.sm3, "size",
					    (json_int_t)st.size, "media_type", st.media_type, "leaf_index",
					    (json_int_t)st.leaf_index, "duplicate", st.duplicate));
			return 0;
		}
		resp_redirect(r, req_printf(r, "/admin/vault?ok=%s%s", st.sha256, st.duplicate ? "&dup=1" : ""));
		return 0;
	}
	if (r->want_json || e.kind == ERR_FORBIDDEN) {
		answer_err(r, &e);
		return 0;
	}
	json_t *m = vault_model(r, &e, NULL);
	page_model(r, m, render_vault);
	r->status = e.kind >= 400 && e.kind < 600 ? e.kind : 500;
	if (e.kind == VAULT_BUSY)
		resp_header(r, "Retry-After", req_printf(r, "%d", VAULT_RETRY_AFTER));
	return 0;
}

/* ---- tus 1.0: core + creation ---- */

#define TUS_VERSION "1.0.0"

static void tus_headers(struct req *r)
{
	resp_header(r, "Tus-Resumable", TUS_VERSION);
}

static void tus_error(struct req *r, const struct err *e)
{
	tus_headers(r);
	answer_err(r, e);
}

static bool tus_version_ok(struct req *r)
{
	const char *v = req_header(r, "Tus-Resumable");
	if (v && strcmp(v, TUS_VERSION) == 0)
		return true;
	resp_header(r, "Tus-Version", TUS_VERSION);
	struct err e = ERR_INIT;
	err_set(&e, 412, "Tus-Resumable", "不支持的断点续传协议版本（须为 Tus-Resumable: 1.0.0）。");
	tus_error(r, &e);
	return false;
}

int page_tus_options(struct req *r)
{
	if (!str_eq(r->method_str, "OPTIONS")) {
		resp_header(r, "Allow", "OPTIONS, POST");
		resp_error(r, 405, NULL, "该地址不支持此请求方法。");
		return 0;
	}
	struct err e = ERR_INIT;
	struct vault *v = vault_of(r, &e);
	tus_headers(r);
	resp_header(r, "Tus-Version", TUS_VERSION);
	resp_header(r, "Tus-Extension", "creation");
	if (v)
		resp_header(r, "Tus-Max-Size", req_printf(r, "%lld", vault_max_size(v)));
	resp_text(r, 204, "text/plain; charset=utf-8", "", 0);
	return 0;
}

int page_tus_create(struct req *r)
{
	if (!tus_version_ok(r))
		return 0;
	struct err e = ERR_INIT;
	struct vault *v = vault_of(r, &e);
	if (!v) {
		tus_error(r, &e);
		return 0;
	}
	const char *ls = req_header(r, "Upload-Length");
	long long len;
	if (!ls || str_to_ll(ls, 0, INT64_MAX, &len) < 0) {
		err_set(&e, ERR_INVALID, "Upload-Length", "缺少上传长度（Upload-Length），或不是非负整数。");
		tus_error(r, &e);
		return 0;
	}
	char id[33];
	if (vault_upload_create(v, r->db, &r->actor, len, req_header(r, "Upload-Metadata"), id, &e) < 0) {
		if (e.kind == ERR_TOOLARGE)
			resp_header(r, "Tus-Max-Size", req_printf(r, "%lld", vault_max_size(v)));
		tus_error(r, &e);
		return 0;
	}
	tus_headers(r);
	resp_header(r, "Location", req_printf(r, "/api/v1/uploads/%s", id));
	resp_header(r, "Upload-Offset", "0");
	resp_json(r, 201, json_pack("{s:s,s:s,s:I,s:i}", "id", id, "location", req_printf(r, "/api/v1/uploads/%s", id),
				    "length", (json_int_t)len, "offset", 0));
	return 0;
}

int page_tus_head(struct req *r)
{
	struct err e = ERR_INIT;
	struct vault *v = vault_of(r, &e);
	struct vault_upload u;
	if (!v || vault_upload_get(v, r->db, &r->actor, r->params[0], &u, &e) < 0) {
		tus_error(r, &e);
		return 0;
	}
	tus_headers(r);
	if (str_eq(u.state, "refused")) {
		err_set(&e, 410, "", "该上传已被拒收：%s", u.refused_reason);
		tus_error(r, &e);
		return 0;
	}
	resp_header(r, "Upload-Offset", req_printf(r, "%lld", u.offset));
	resp_header(r, "Upload-Length", req_printf(r, "%lld", u.length));
	json_t *j = json_pack("{s:s,s:I,s:I,s:s,s:s}", "id", u.id, "length", (json_int_t)u.length, "offset",
			      (json_int_t)u.offset, "state", u.state, "expires_at", u.expires_at);
	if (u.sha256[0])
		json_object_set_new(j, "sha256", json_string(u.sha256));
	resp_json(r, 200, j);
	return 0;
}

struct tus_up {
	struct vault_patch *p;
	struct err e;
};

static void tus_stored_headers(struct req *r, const struct vault_stored *st)
{
	resp_header(r, "Upload-Sha256", st->sha256);
	resp_header(r, "Upload-Sm3", st->sm3);
	resp_header(r, "Upload-Leaf-Index", req_printf(r, "%lld", st->leaf_index));
	resp_header(r, "Upload-Duplicate", st->duplicate ? "1" : "0");
}

int stream_tus_patch(struct req *r, const char *data, size_t n)
{
	struct tus_up *t = r->stream_ctx;
	if (n == (size_t)-1) {
		/* the client went away: keep (and record) what arrived */
		if (t && t->p) {
			struct db *db = db_pool_get(r->app->pool);
			long long off;
			struct vault_stored st;
			struct err e = ERR_INIT;
			if (t->e.kind) /* a refused body keeps nothing */
				vault_patch_abort(t->p, db);
			else
				vault_patch_end(t->p, db, &r->actor, &off, &st, &e);
			db_pool_put(r->app->pool, db);
			t->p = NULL;
		}
		free(t);
		r->stream_ctx = NULL;
		return 0;
	}
	if (!data) {
		if (!str_eq(r->method_str, "PATCH")) {
			resp_header(r, "Allow", "HEAD, GET, PATCH");
			resp_error(r, 405, NULL, "该地址不支持此请求方法。");
			return -1;
		}
		if (!tus_version_ok(r))
			return -1;
		struct err e = ERR_INIT;
		const char *ct = r->content_type;
		if (!ct || strcmp(ct, "application/offset+octet-stream") != 0) {
			err_set(&e, 415, "Content-Type", "断点续传的内容类型须为 application/offset+octet-stream。");
			tus_error(r, &e);
			return -1;
		}
		const char *os = req_header(r, "Upload-Offset");
		long long off, cl = -1;
		if (!os || str_to_ll(os, 0, INT64_MAX, &off) < 0) {
			err_set(&e, ERR_INVALID, "Upload-Offset", "缺少上传偏移量（Upload-Offset），或不是非负整数。");
			tus_error(r, &e);
			return -1;
		}
		const char *cls = req_header(r, "Content-Length");
		if (cls && str_to_ll(cls, 0, INT64_MAX, &cl) < 0)
			cl = -1;
		struct vault *v = vault_of(r, &e);
		struct vault_patch *p = v ? vault_patch_begin(v, r->db, &r->actor, r->params[0], off, cl, &e) : NULL;
		if (!p) {
			tus_error(r, &e);
			return -1;
		}
		t = xcalloc(1, sizeof *t);
		t->p = p;
		r->stream_ctx = t;
		return 0;
	}
	if (t && t->p && !t->e.kind && vault_patch_renew_due(t->p)) {
		/* keep the claim of a long PATCH alive */
		struct db *db = db_pool_get(r->app->pool);
		vault_patch_renew(t->p, db, &t->e);
		db_pool_put(r->app->pool, db);
	}
	if (t && t->p && !t->e.kind)
		vault_patch_write(t->p, data, n, &t->e);
	return 0;
}

int page_tus_patch(struct req *r)
{
	struct tus_up *t = r->stream_ctx;
	r->stream_ctx = NULL;
	if (!t || !t->p) {
		free(t);
		struct err e = ERR_INIT;
		err_set(&e, ERR_INTERNAL, "", "上传状态丢失");
		tus_error(r, &e);
		return 0;
	}
	long long off = 0;
	struct vault_stored st;
	struct err e = ERR_INIT;
	struct err first = t->e;
	if (first.kind) {
		/* the body was refused (e.g. more bytes than declared): none
		 * of it is kept, the offset stays where the PATCH began */
		off = vault_patch_start(t->p);
		vault_patch_abort(t->p, r->db);
		free(t);
		tus_headers(r);
		resp_header(r, "Upload-Offset", req_printf(r, "%lld", off));
		answer_err(r, &first);
		return 0;
	}
	int rc = vault_patch_end(t->p, r->db, &r->actor, &off, &st, &e);
	free(t);
	tus_headers(r);
	resp_header(r, "Upload-Offset", req_printf(r, "%lld", off));
	if (rc < 0) {
		answer_err(r, &e);
		return 0;
	}
	if (st.size > 0)
		tus_stored_headers(r, &st);
	resp_text(r, 204, "text/plain; charset=utf-8", "", 0);
	return 0;
}
