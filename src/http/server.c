/*
 * server.c - libmicrohttpd glue: a thread pool serves requests; each
 * request gets an id, a database connection from the pool, its session
 * resolved, the router's checks (route, method, login, role, CSRF), the
 * handler, and the security headers.  Bodies are accumulated up to
 * cfg.max_body (413 past it).  One log line per request.
 */
#include "core/core.h"
#include "http/app.h"
#include "http/http.h"
#include "http/html.h"
#include "http/session.h"
#include <microhttpd.h>
#include <arpa/inet.h>
#include <sodium.h>
#include <time.h>

struct conn_state {
	struct buf body;
	bool too_large;
};

static const char CSP[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct kvlist *l = cls;
	if (key)
		kv_add(l, key, strlen(key), value ? value : "", value ? strlen(value) : 0);
	return MHD_YES;
}

static bool kv_all_utf8(const struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!utf8_valid(l->items[i].key, strlen(l->items[i].key)) ||
		    !utf8_valid(l->items[i].val, strlen(l->items[i].val)))
			return false;
	return true;
}

const char *req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static void client_ip(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static bool want_json(struct req *r)
{
	if (str_starts(r->path, "/api/v1/"))
		return true;
	const char *acc = req_header(r, "Accept");
	return acc && strstr(acc, "application/json") && !strstr(acc, "text/html");
}

static void set_cookie_header(struct req *r, const char *name, const char *value, int max_age)
{
	char *h = req_printf(r, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
			     r->app->cfg.secure_cookies ? "; Secure" : "",
			     max_age == 0 ? "; Max-Age=0" : "");
	resp_header(r, "Set-Cookie", h);
}

void resp_session_cookie(struct req *r, const char *token)
{
	set_cookie_header(r, SESSION_COOKIE, token ? token : "", token ? -1 : 0);
}

/* Constant-time comparison of two NUL-terminated tokens. */
static bool token_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || la == 0)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

static void dispatch(struct req *r)
{
	int status = 0;
	const struct route *rt = route_match(r, &status);
	if (!rt) {
		if (status == 405) {
			resp_header(r, "Allow", "GET, HEAD, POST");
			resp_error(r, 405, NULL, "该地址不支持此请求方法。");
		} else {
			resp_error(r, 404, NULL, "您访问的页面不存在,请检查地址是否正确。");
		}
		return;
	}
	if ((rt->flags & R_LOGIN) && !actor_logged_in(&r->actor)) {
		if (r->want_json || r->method == M_POST) {
			resp_error(r, 401, NULL, r->session_expired ? "登录已超时,请重新登录。" : "请先登录。");
			return;
		}
		struct buf loc;
		buf_init(&loc, 0);
		buf_puts(&loc, "/login?next=");
		url_enc(&loc, r->raw_url);
		if (r->session_expired)
			buf_puts(&loc, "&expired=1");
		resp_redirect(r, req_own(r, buf_detach(&loc, NULL)));
		return;
	}
	if (rt->roles && !(r->actor.roles & rt->roles)) {
		resp_error(r, 403, NULL, "您的角色无权访问此功能。");
		return;
	}
	if (r->method == M_POST && !(rt->flags & R_NO_CSRF)) {
		const char *tok = kv_get(&r->form, "_csrf");
		if (!tok)
			tok = req_header(r, "X-CSRF-Token");
		if (!tok || !token_eq(tok, r->csrf)) {
			resp_error(r, 403, "_csrf", "安全令牌(CSRF)缺失或无效,请刷新页面后重新提交。");
			return;
		}
	}
	if (actor_logged_in(&r->actor) && session_must_change(r) && !(rt->flags & R_NOFORCE) &&
	    (rt->flags & R_LOGIN)) {
		if (r->want_json)
			resp_error(r, 403, NULL, "首次登录须先修改密码。");
		else
			resp_redirect(r, "/account/password?first=1");
		return;
	}
	if (rt->fn(r) < 0 && r->status == 0)
		resp_error(r, 500, NULL, "系统内部错误,操作未完成,请稍后重试。");
}

static void add_security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

static enum MHD_Result send_simple(struct MHD_Connection *c, int status, const char *rid, const char *msg)
{
	struct buf b;
	buf_init(&b, 0);
	h_printf(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>%s</title>"
		 "<link rel=\"stylesheet\" href=\"/static/zhifa.css\"></head><body><main class=\"wrap\">"
		 "<h1>%s</h1><p>请求编号:<code>%s</code></p></main></body></html>\n", msg, msg, rid);
	size_t n;
	char *data = buf_detach(&b, &n);
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	add_security_headers(resp);
	MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", rid);
	MHD_add_response_header(resp, "Connection", "close");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void new_request_id(char out[40])
{
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, out);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct app *app = cls;
	struct conn_state *st = *con_cls;
	if (!st) {
		st = xcalloc(1, sizeof *st);
		buf_init(&st->body, (size_t)app->cfg.max_body);
		*con_cls = st;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		long long len;
		if (cl && str_to_ll(cl, 0, INT64_MAX, &len) == 0 && len > app->cfg.max_body)
			st->too_large = true;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!st->too_large && buf_add(&st->body, upload_data, *upload_data_size) < 0)
			st->too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct req r;
	memset(&r, 0, sizeof r);
	r.app = app;
	r.conn = c;
	r.method_str = method;
	r.raw_url = url;
	r.method = str_eq(method, "GET") ? M_GET : str_eq(method, "HEAD") ? M_HEAD :
		   str_eq(method, "POST") ? M_POST : M_OTHER;
	buf_init(&r.out, 0);
	new_request_id(r.rid);
	log_set_request_id(r.rid);
	snprintf(r.actor.request_id, sizeof r.actor.request_id, "%s", r.rid);
	client_ip(c, r.actor.ip, sizeof r.actor.ip);

	if (st->too_large) {
		log_info("%s %s 413 (body too large)", method, url);
		log_set_request_id(NULL);
		return send_simple(c, 413, r.rid, "提交的内容过大,超过了允许的大小。");
	}
	struct buf path;
	buf_init(&path, 8192);
	const char *q = strchr(url, '?');
	if (url[0] != '/' || url_dec(&path, url, q ? (size_t)(q - url) : strlen(url), false) < 0 || path.overflow) {
		buf_release(&path);
		log_set_request_id(NULL);
		return send_simple(c, 400, r.rid, "请求地址不正确。");
	}
	r.path = buf_detach(&path, NULL);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_kv, &r.query);
	MHD_get_connection_values(c, MHD_COOKIE_KIND, collect_kv, &r.cookies);
	r.body = buf_str(&st->body);
	r.body_len = st->body.len;
	r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r.want_json = want_json(&r);
	bool bad_input = !kv_all_utf8(&r.query);
	if (r.method == M_POST && r.content_type && str_starts(r.content_type, "application/x-www-form-urlencoded") &&
	    form_parse(&r.form, r.body, r.body_len) < 0)
		bad_input = true;

	r.db = db_pool_get(app->pool);
	if (bad_input) {
		resp_error(&r, 400, NULL, "请求参数编码不正确(须为 UTF-8)。");
	} else {
		session_resolve(&r);
		dispatch(&r);
	}
	db_pool_put(app->pool, r.db);
	r.db = NULL;

	if (r.status == 0)
		r.status = 200;
	size_t n;
	char *data = buf_detach(&r.out, &n);
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	add_security_headers(resp);
	MHD_add_response_header(resp, "Content-Type", r.ctype ? r.ctype : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", r.rid);
	bool has_cache = false;
	for (size_t i = 0; i < r.headers.n; i++) {
		MHD_add_response_header(resp, r.headers.items[i].key, r.headers.items[i].val);
		if (strcasecmp(r.headers.items[i].key, "Cache-Control") == 0)
			has_cache = true;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, resp);
	MHD_destroy_response(resp);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
	if (r.status >= 400 || app->cfg.log_requests)
		log_info("%s %s %d %ldus user=%s ip=%s", method, r.path, r.status, us,
			 actor_logged_in(&r.actor) ? r.actor.username : "-", r.actor.ip);
	log_set_request_id(NULL);

	free(r.path);
	kv_free(&r.query);
	kv_free(&r.form);
	kv_free(&r.cookies);
	kv_free(&r.headers);
	for (size_t i = 0; i < r.nowned; i++)
		free(r.owned[i]);
	free(r.owned);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn_state *st = *con_cls;
	if (st) {
		buf_release(&st->body);
		free(st);
		*con_cls = NULL;
	}
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	struct buf b;
	buf_init(&b, 0);
	buf_vprintf(&b, fmt, ap);
	if (b.len && b.data[b.len - 1] == '\n')
		buf_truncate(&b, b.len - 1);
	log_warn("microhttpd: %s", buf_str(&b));
	buf_release(&b);
}

int server_start(struct app *app)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)app->cfg.port);
	if (inet_pton(AF_INET, app->cfg.listen_addr, &sin.sin_addr) != 1)
		return error("监听地址 %s 不是有效的 IPv4 地址", app->cfg.listen_addr);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	app->daemon = MHD_start_daemon(flags, (uint16_t)app->cfg.port, NULL, NULL, on_request, app,
				       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				       MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				       MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				       MHD_OPTION_END);
	if (!app->daemon)
		return error("无法在 %s:%d 上启动服务(端口是否已被占用?)", app->cfg.listen_addr, app->cfg.port);
	return 0;
}

void server_stop(struct app *app)
{
	if (app->daemon)
		MHD_stop_daemon(app->daemon);
	app->daemon = NULL;
}
