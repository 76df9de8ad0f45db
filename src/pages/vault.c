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
#include "http/list.h"
#include "app/app.h"
#include "pages/pages.h"
#include "recording/vault.h"
#include "recording/tus.h"
#include <microhttpd.h>

/* ---- the process's vault (struct app owns it) ---- */

static struct vault *vault_of(struct req *r, struct err *e)
{
	return app_vault(r->app, e);
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

/* "张明（jn.zhang）" for a person, "命令行" for the command line. */
static void person(struct html *out, const json_t *it)
{
	const char *name = js(it, "user_name"), *login = js(it, "username");
	if (!*login)
		h_raw(out, "命令行导入");
	else if (*name)
		h_printf(out, "%s", name);
	else
		h_printf(out, "%s", login);
}

/* The file's name, or a made-up one when none was given. */
static void file_title(struct html *out, const json_t *it)
{
	const char *fn = js(it, "filename");
	if (*fn)
		h_printf(out, "%s", fn);
	else {
		char sh[9];
		snprintf(sh, sizeof sh, "%s", js(it, "sha256"));
		h_printf(out, "未命名%s（%s…）", js(it, "kind"), sh);
	}
}

static void render_vault(struct req *r, json_t *m)
{
	page_begin(r, "证据文件库");
	h_raw(r->out, "<h1>证据文件库</h1>");
	const char *err = js(m, "error"), *field = js(m, "error_field");
	if (*err)
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\">%s</p>", err);
	json_t *st = json_object_get(m, "stored");
	if (json_is_object(st)) {
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">已保存%s：<a href=\"/admin/vault/%s\">",
			 json_is_true(json_object_get(st, "duplicate")) ? "（该文件此前已保存过，未重复存储）" : "",
			 js(st, "sha256"));
		file_title(r->out, st);
		h_printf(r->out, "</a>，存证序号 %lld。</p>", ji(st, "leaf_index"));
	}
	h_printf(r->out, "<p class=\"muted\">每个文件按内容只保存一次，保存后不能修改或删除，并登记存证序号，"
			  "可随时核验未被改动。单个文件最大 %s，不启用 JavaScript 时的普通上传最大 %s。</p>",
		 js(m, "max_size_text"), js(m, "form_max_size_text"));
	if (json_is_true(json_object_get(m, "may_upload"))) {
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"up-h\"><h2 id=\"up-h\">上传文件</h2>"
			       "<form method=\"post\" action=\"/admin/vault/upload\" enctype=\"multipart/form-data\" id=\"vault-form\">");
		form_csrf(r);
		bool derr = str_eq(field, "description");
		h_raw(r->out, "<div class=\"field\"><label for=\"description\">说明 <span class=\"hint\">（选填，例如现场、时间、"
			       "当事人，最多 1000 字）</span></label>");
		if (derr)
			h_raw(r->out, "<textarea id=\"description\" name=\"description\" maxlength=\"1000\" rows=\"2\""
				      " aria-invalid=\"true\" aria-describedby=\"description-error\"></textarea>");
		else
			h_raw(r->out, "<textarea id=\"description\" name=\"description\" maxlength=\"1000\" rows=\"2\"></textarea>");
		if (derr)
			h_printf(r->out, "<p class=\"field-error\" id=\"description-error\">%s</p>", err);
		h_raw(r->out, "</div>");
		bool ferr = str_eq(field, "file") || str_eq(field, "type");
		h_raw(r->out, "<div class=\"field\"><label for=\"file\">选择文件</label>");
		if (ferr)
			h_raw(r->out, "<input type=\"file\" id=\"file\" name=\"file\" required aria-invalid=\"true\""
				      " aria-describedby=\"file-error file-hint\">");
		else
			h_raw(r->out, "<input type=\"file\" id=\"file\" name=\"file\" required aria-describedby=\"file-hint\">");
		if (ferr)
			h_printf(r->out, "<p class=\"field-error\" id=\"file-error\">%s</p>", err);
		h_raw(r->out, "<p class=\"hint\" id=\"file-hint\">视频、图片、音频和文档均可。文件类型按内容核对，"
			       "内容与文件类型不符的会在上传开始时拒收。执法记录仪视频等大文件分段上传，中断后可续传。</p></div>"
			       "<button type=\"submit\">上传并保存</button></form>");
		h_printf(r->out, "<div id=\"tus-upload\" hidden data-csrf=\"%s\" data-endpoint=\"/api/v1/uploads\">"
				  "<label for=\"tus-progress\">上传进度</label>"
				  "<progress id=\"tus-progress\" max=\"100\" value=\"0\">0%%</progress>"
				  "<p id=\"tus-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p></div>",
			 r->csrf);
		h_raw(r->out, "</section>");
		h_raw(r->out, "<script src=\"/static/vendor/tus.min.js\" defer></script>"
			       "<script src=\"/static/upload.js\" defer></script>");
	}
	h_printf(r->out, "<h2>已保存的文件（共 %lld 个）</h2>", ji(m, "total"));
	json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">您有权查看的单位还没有保存文件。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"files\"><thead><tr><th scope=\"col\">文件</th>"
			       "<th scope=\"col\">类型</th><th scope=\"col\">大小</th><th scope=\"col\">保存时间</th>"
			       "<th scope=\"col\">保存人</th><th scope=\"col\">单位</th><th scope=\"col\">操作</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(r->out, "<tr><td data-label=\"文件\"><a href=\"/admin/vault/%s\">", js(it, "sha256"));
			file_title(r->out, it);
			h_raw(r->out, "</a>");
			if (*js(it, "description"))
				h_printf(r->out, "<br><span class=\"muted\">%s</span>", js(it, "description"));
			h_printf(r->out, "</td><td data-label=\"类型\">%s</td><td data-label=\"大小\">%s</td>"
					  "<td data-label=\"保存时间\">%s</td><td data-label=\"保存人\">",
				 js(it, "kind"), js(it, "size_text"), js(it, "stored_at_local"));
			person(r->out, it);
			h_printf(r->out, "</td><td data-label=\"单位\">%s</td><td data-label=\"操作\" class=\"actions\">",
				 js(it, "unit_name"));
			if (*js(it, "preview"))
				h_printf(r->out, "<a href=\"/admin/vault/%s/view\" target=\"_blank\" rel=\"noopener\">预览</a> ",
					 js(it, "sha256"));
			h_printf(r->out, "<a href=\"/admin/vault/%s/download\">下载</a></td></tr>", js(it, "sha256"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	struct list_view v = { "/admin/vault", "", "", false };
	list_pager(r, &v, ji(m, "total"), ji(m, "page"), ji(m, "per_page"), true);
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
		size_text(vault_max_size(v), a, sizeof a);
		size_text(vault_form_max_size(v), b, sizeof b);
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
	h_raw(r->out, "<nav aria-label=\"当前位置\" class=\"muted\"><a href=\"/admin/vault\">证据文件库</a> › 证据文件</nav>");
	h_raw(r->out, "<h1>");
	file_title(r->out, m);
	h_raw(r->out, "</h1>");
	const char *sha = js(m, "sha256"), *pv = js(m, "preview");
	h_raw(r->out, "<p class=\"actions\">");
	if (*pv)
		h_printf(r->out, "<a class=\"button\" href=\"/admin/vault/%s/view\" target=\"_blank\" rel=\"noopener\">"
				  "在新窗口中打开</a> ", sha);
	h_printf(r->out, "<a class=\"button secondary\" href=\"/admin/vault/%s/download\">下载文件</a></p>", sha);
	if (str_eq(pv, "image"))
		h_printf(r->out, "<figure class=\"vault-preview\"><img src=\"/admin/vault/%s/view\" alt=\"%s\"></figure>", sha,
			 *js(m, "filename") ? js(m, "filename") : "证据图片");
	else if (str_eq(pv, "video"))
		h_printf(r->out, "<figure class=\"vault-preview\"><video controls preload=\"metadata\" src=\"/admin/vault/%s/view\">"
				  "您的浏览器不能播放此视频，请下载后查看。</video></figure>", sha);
	else if (str_eq(pv, "audio"))
		h_printf(r->out, "<figure class=\"vault-preview\"><audio controls preload=\"metadata\" src=\"/admin/vault/%s/view\">"
				  "您的浏览器不能播放此音频，请下载后收听。</audio></figure>", sha);
	else if (!*pv)
		h_raw(r->out, "<p class=\"muted\">此类文件不能在浏览器中预览，请下载后查看。</p>");
	char sz[32];
	size_text(ji(m, "size"), sz, sizeof sz);
	h_raw(r->out, "<dl class=\"props\">");
	if (*js(m, "description"))
		h_printf(r->out, "<dt>说明</dt><dd class=\"pre\">%s</dd>", js(m, "description"));
	h_printf(r->out, "<dt>类型</dt><dd>%s</dd><dt>大小</dt><dd>%s（%lld 字节）</dd><dt>保存时间</dt><dd>%s</dd>"
			  "<dt>保存人</dt><dd>",
		 js(m, "kind"), sz, ji(m, "size"), js(m, "stored_at_local"));
	person(r->out, m);
	h_printf(r->out, "</dd><dt>单位</dt><dd>%s</dd><dt>存证序号</dt><dd>%lld</dd>"
			  "<dt>SHA-256 校验值</dt><dd><code class=\"hash\">%s</code></dd>"
			  "<dt>SM3 校验值</dt><dd><code class=\"hash\">%s</code></dd></dl>",
		 js(m, "unit_name"), ji(m, "leaf_index"), sha, js(m, "sm3"));
	json_t *names = json_object_get(m, "names");
	if (json_array_size(names) > 1) {
		h_raw(r->out, "<h2>各次保存</h2><p class=\"muted\">同一内容被多次上传时，只保存一份，各次填写的名称和说明都保留在这里。</p>"
			       "<div class=\"table-wrap\"><table class=\"files\"><thead><tr><th scope=\"col\">名称</th>"
			       "<th scope=\"col\">说明</th><th scope=\"col\">保存人</th><th scope=\"col\">时间</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(names, i, it) {
			h_printf(r->out, "<tr><td data-label=\"名称\">%s</td><td data-label=\"说明\">%s</td>"
					  "<td data-label=\"保存人\">%s</td><td data-label=\"时间\">%s</td></tr>",
				 *js(it, "filename") ? js(it, "filename") : "（未填写）", js(it, "description"),
				 *js(it, "user_name") ? js(it, "user_name") : "命令行导入", js(it, "stored_at_local"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<p class=\"muted\">每次预览和下载都记入操作日志。</p><p><a href=\"/admin/vault\">返回证据文件库</a></p>");
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

/* filename*=UTF-8''... (RFC 5987 / RFC 6266) with an ASCII fallback. */
static const char *disposition(struct req *r, const char *how, const char *name)
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%s; filename=\"", how);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		buf_putc(&b, *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%' || *p == ';' ? '_' : (char)*p);
	buf_puts(&b, "\"; filename*=UTF-8''");
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		/* attr-char of RFC 5987 */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("!#$&+-.^_`|~", *p)) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[*p >> 4]);
			buf_putc(&b, hex[*p & 15]);
		}
	}
	return req_own(r, buf_detach(&b, NULL));
}

/* GET /admin/vault/{sha256}/view and /download: the file itself, for those
 * whose data scope holds it; inline only for types a browser shows without
 * running anything, under a CSP that forbids scripts; every read is in the
 * operation log. */
static int serve_file(struct req *r, bool preview)
{
	struct err e = ERR_INIT;
	struct vault *v = vault_of(r, &e);
	struct vault_read rd;
	if (!v || vault_open_read(v, r->db, &r->actor, r->params[0], preview, req_header(r, "Range"), &rd, &e) < 0) {
		if (e.kind == 416)
			resp_header(r, "Content-Range", req_printf(r, "bytes */%lld", rd.size));
		answer_err(r, &e);
		return 0;
	}
	resp_header(r, "Accept-Ranges", "bytes");
	if (rd.partial)
		resp_header(r, "Content-Range", req_printf(r, "bytes %lld-%lld/%lld", rd.from, rd.from + rd.len - 1, rd.size));
	bool inline_ok = preview && rd.preview;
	resp_header(r, "Content-Disposition", disposition(r, inline_ok ? "inline" : "attachment", rd.filename));
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Cache-Control", "private, no-store");
	if (inline_ok && str_eq(rd.preview, "pdf"))
		/* the browser's PDF viewer needs its plugin; no script of ours runs */
		resp_header(r, "Content-Security-Policy", "default-src 'none'; object-src 'self';"
							  " style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
	else
		resp_header(r, "Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self';"
							  " style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox");
	resp_file(r, rd.partial ? 206 : 200, inline_ok ? req_strdup(r, rd.media_type) : "application/octet-stream", rd.fd,
		  rd.from, rd.len);
	return 0;
}

int page_vault_view(struct req *r)
{
	return serve_file(r, true);
}

int page_vault_download(struct req *r)
{
	return serve_file(r, false);
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
	char desc[4096];       /* the "description" part (cut at 4 KiB; cleaned later) */
	size_t desc_len;
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
	if (strcmp(key, "description") == 0) {
		size_t room = sizeof f->desc - 1 - f->desc_len;
		size_t k = size < room ? size : room;
		memcpy(f->desc + f->desc_len, data, k);
		f->desc_len += k;
		f->desc[f->desc_len] = '\0';
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
		if (!f->csrf_ok && token_eq(f->csrf, f->want_csrf))
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
		/* the claimed type is checked on the file's first bytes */
		if (vault_writer_describe(&f->w, f->claimed, f->file_name, NULL, &f->e) < 0) {
			vault_writer_abort(&f->w);
			f->writer_open = false;
			return MHD_YES;
		}
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
		if (h && token_eq(h, r->csrf))
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
		if (!f->e.kind && !f->csrf_ok && f->csrf_len && token_eq(f->csrf, r->csrf))
			f->csrf_ok = true;
		if (!f->e.kind && !f->csrf_ok)
			err_set(&f->e, ERR_FORBIDDEN, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
		else if (!f->e.kind && (!f->have_file || !f->writer_open))
			err_set(&f->e, ERR_INVALID, "file", "请选择要上传的文件。");
		if (!f->e.kind && f->desc_len &&
		    vault_writer_describe(&f->w, f->claimed, f->file_name, f->desc, &f->e) < 0) {
			vault_writer_abort(&f->w);
			f->writer_open = false;
		}
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
	if (!ls || tus_parse_size(ls, &len) < 0) {
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
	struct vault_patch *p;  /* NULL once a refused body was let go */
	long long start;        /* the offset the PATCH began at */
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
		if (!os || tus_parse_size(os, &off) < 0) {
			err_set(&e, ERR_INVALID, "Upload-Offset", "缺少上传偏移量（Upload-Offset），或不是非负整数。");
			tus_error(r, &e);
			return -1;
		}
		const char *cls = req_header(r, "Content-Length");
		if (cls && tus_parse_size(cls, &cl) < 0)
			cl = -1;
		struct vault *v = vault_of(r, &e);
		struct vault_patch *p = v ? vault_patch_begin(v, r->db, &r->actor, r->params[0], off, cl, &e) : NULL;
		if (!p) {
			tus_error(r, &e);
			return -1;
		}
		t = xcalloc(1, sizeof *t);
		t->p = p;
		t->start = vault_patch_start(p);
		r->stream_ctx = t;
		return 0;
	}
	if (t && t->p && !t->e.kind && vault_patch_renew_due(t->p)) {
		/* keep the claim of a long PATCH alive */
		struct db *db = db_pool_get(r->app->pool);
		vault_patch_renew(t->p, db, &t->e);
		db_pool_put(r->app->pool, db);
	}
	if (t && t->p && !t->e.kind && vault_patch_write(t->p, data, n, &t->e) < 0) {
		/* refused part-way (too long, not the claimed type, disk):
		 * let go at once, so that the refusal is visible while the
		 * client still sends; the rest of the body is discarded */
		struct db *db = db_pool_get(r->app->pool);
		vault_patch_abort(t->p, db);
		db_pool_put(r->app->pool, db);
		t->p = NULL;
	}
	return t && t->e.kind ? STREAM_DISCARD : 0;
}

int page_tus_patch(struct req *r)
{
	struct tus_up *t = r->stream_ctx;
	r->stream_ctx = NULL;
	if (!t || (!t->p && !t->e.kind)) {
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
		off = t->start;
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
