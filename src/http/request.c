/*
 * request.c - request-scoped memory, parameter lists, form parsing, and
 * the response helpers of http.h.
 */
#include "core/core.h"
#include <unistd.h>
#include "http/http.h"
#include "http/html_body.h"
#include "http/layout.h"
#include <jansson.h>

void *req_own(struct req *r, void *p)
{
	if (r->nowned == r->capowned) {
		r->capowned = r->capowned ? r->capowned * 2 : 16;
		r->owned = xrealloc(r->owned, r->capowned * sizeof *r->owned);
	}
	r->owned[r->nowned++] = p;
	return p;
}

char *req_strdup(struct req *r, const char *s)
{
	return req_own(r, xstrdup(s ? s : ""));
}

char *req_printf(struct req *r, const char *fmt, ...)
{
	struct buf b;
	buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return req_own(r, buf_detach(&b, NULL));
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].val;
	return NULL;
}

void kv_add(struct kvlist *l, const char *key, size_t klen, const char *val, size_t vlen)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n].key = xstrndup(key, klen);
	l->items[l->n].val = xstrndup(val, vlen);
	l->n++;
}

void kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].key);
		free(l->items[i].val);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

int form_parse(struct kvlist *l, const char *s, size_t n)
{
	struct kvlist tmp = { 0 };
	struct buf k, v;
	buf_init(&k, 0);
	buf_init(&v, 0);
	size_t i = 0;
	int rc = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&')
			j++;
		if (j > i) {
			const char *eq = memchr(s + i, '=', j - i);
			size_t kend = eq ? (size_t)(eq - s) : j;
			buf_reset(&k);
			buf_reset(&v);
			if (url_dec(&k, s + i, kend - i, true) < 0 ||
			    (eq && url_dec(&v, eq + 1, j - kend - 1, true) < 0)) {
				rc = -1;
				break;
			}
			if (k.len)
				kv_add(&tmp, k.data, k.len, buf_str(&v), v.len);
		}
		i = j + 1;
	}
	buf_release(&k);
	buf_release(&v);
	if (rc < 0) {
		kv_free(&tmp);
		return -1;
	}
	for (size_t x = 0; x < tmp.n; x++)
		kv_add(l, tmp.items[x].key, strlen(tmp.items[x].key), tmp.items[x].val, strlen(tmp.items[x].val));
	kv_free(&tmp);
	return 0;
}

const char *req_param(const struct req *r, const char *key)
{
	const char *v = kv_get(&r->form, key);
	return v ? v : kv_get(&r->query, key);
}

long long req_param_id(const struct req *r, int i)
{
	long long v;
	if (i >= r->nparams || str_to_ll(r->params[i], 1, INT64_MAX, &v) < 0)
		return -1;
	return v;
}

/* Bytes a header value must not carry raw: control characters and DEL
 * (CR and LF would split the response), and for a URL also space,
 * backslash and non-ASCII bytes, which browsers read in surprising ways
 * ("/\t/evil.example/" is another site to them). */
static bool header_unsafe(unsigned char c, bool url)
{
	return c < 0x20 || c == 0x7F || (url && (c == ' ' || c == '\\' || c >= 0x80));
}

/* value, or a request-owned copy with each unsafe byte written as %XX. */
static const char *header_value(struct req *r, const char *value, bool url)
{
	const unsigned char *p = (const unsigned char *)value;
	while (*p && !header_unsafe(*p, url))
		p++;
	if (!*p)
		return value;
	struct buf b;
	buf_init(&b, 0);
	for (p = (const unsigned char *)value; *p; p++) {
		if (header_unsafe(*p, url))
			buf_printf(&b, "%%%02X", *p);
		else
			buf_putc(&b, (char)*p);
	}
	return req_own(r, buf_detach(&b, NULL));
}

void req_defer(struct req *r, long long ms)
{
	r->defer_ms = ms > 0 ? ms : 1;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	value = header_value(r, value, false);
	kv_add(&r->headers, name, strlen(name), value, strlen(value));
}

void resp_redirect(struct req *r, const char *location)
{
	r->status = 303;
	location = header_value(r, location, true);
	resp_header(r, "Location", location);
	r->ctype = "text/plain; charset=utf-8";
	char *text = xasprintf("请转到 %s", location);
	html_set_bytes(r->out, text, strlen(text));
	free(text);
}

void resp_text(struct req *r, int status, const char *ctype, const char *body, size_t n)
{
	/* HTML is written through h_* only (http/html.h), never handed over whole */
	if (ctype && !strncmp(ctype, "text/html", 9))
		BUG("resp_text with %s", ctype);
	r->status = status;
	r->ctype = ctype;
	html_set_bytes(r->out, body, n);
}

void resp_file(struct req *r, int status, const char *ctype, int fd, long long off, long long len)
{
	if (r->has_body_fd)
		close(r->body_fd);
	r->status = status;
	r->ctype = ctype;
	html_reset(r->out);
	r->has_body_fd = true;
	r->body_fd = fd;
	r->body_fd_off = off;
	r->body_fd_size = len;
}

void resp_json(struct req *r, int status, void *json)
{
	json_t *j = json;
	r->status = status;
	r->ctype = "application/json; charset=utf-8";
	char *s = json_dumps(j, JSON_COMPACT);
	html_set_bytes(r->out, s ? s : "null", s ? strlen(s) : 4);
	free(s);
	json_decref(j);
}

void resp_error(struct req *r, int status, const char *field, const char *msg)
{
	/* the database connection broke during this request (store/db.h): a
	 * passing condition, not an internal error */
	if (status == 500 && r->db && db_conn_lost(r->db)) {
		status = 503;
		field = NULL;
		msg = "数据库连接暂时中断，操作未完成，请稍后重试。";
		resp_header(r, "Retry-After", "2");
	}
	if (!msg)
		msg = "";
	if (!utf8_valid(msg, strlen(msg))) {
		/* json_pack refuses a string that is not UTF-8 (the answer would be
		 * the literal null); never let a cut character get that far */
		size_t n = strlen(msg) * 3 + 1;
		char *fixed = req_own(r, xmalloc(n));
		utf8_sanitize(fixed, n, msg, strlen(msg));
		msg = fixed;
	}
	if (r->want_json) {
		json_t *e = json_pack("{s:{s:i,s:s,s:s,s:s}}", "error", "status", status, "message", msg,
				      "field", field ? field : "", "request_id", r->rid);
		resp_json(r, status, e);
		return;
	}
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
	html_reset(r->out);
	const char *title = status == 404 ? "页面不存在" : status == 403 ? "无权访问" :
			    status == 405 ? "请求方法不允许" : status == 413 ? "提交的内容过大" :
			    status == 503 ? "服务暂时不可用" :
			    status >= 500 ? "系统错误" : "请求有误";
	page_begin(r, title);
	h_printf(r->out, "<section class=\"error\"><h1>%s</h1><p class=\"msg\">%s</p>"
		 "<p class=\"rid\">请求编号：<code>%s</code>（如需帮助，请向系统管理员提供此编号）</p>"
		 "<p><a href=\"/\">返回首页</a></p></section>", title, msg, r->rid);
	page_end(r);
}

void resp_err(struct req *r, const struct err *e)
{
	int st = e->kind >= 400 && e->kind < 600 ? e->kind : 500;
	resp_error(r, st, e->field, st >= 500 ? "系统内部错误，操作未完成，请稍后重试。" : e->msg);
}
