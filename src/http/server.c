/*
 * server.c - libmicrohttpd glue: a thread pool serves requests; each
 * request gets an id, a database connection from the pool, its session
 * resolved, the router's checks (route, method, login, role, CSRF), the
 * handler, and the security headers.  Bodies are accumulated up to
 * cfg.max_body; a larger declared Content-Length is answered 413 before
 * any of the body is read, and ambiguous framing (two Content-Lengths,
 * Content-Length with Transfer-Encoding) 400.  One log line per request.
 */
#include "core/core.h"
#include "app/app.h"
#include "http/server.h"
#include "http/http.h"
#include "http/html_body.h"
#include "http/session.h"
#include "http/client_addr.h"
#include "http/defer.h"
#include "http/page_cache.h"
#include "store/stamp.h"
#include <microhttpd.h>
#include <jansson.h>
#include <arpa/inet.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct buf *b = cls;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
		if (b->len)
			buf_putc(b, ',');
		buf_puts(b, value);
	}
	return MHD_YES;
}

/* The client's address: the peer's, or behind a trusted proxy the one it
 * forwarded (http/client_addr.h). */
static void client_addr(struct app *app, struct MHD_Connection *c, char *out, size_t n)
{
	char peer[64];
	client_ip(c, peer, sizeof peer);
	if (!app->cfg.ntrusted_proxies) {
		snprintf(out, n, "%s", peer);
		return;
	}
	struct buf xff;
	buf_init(&xff, 8192);
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_xff, &xff);
	client_addr_pick(&app->cfg, peer, xff.overflow ? "," /* malformed: the peer */ : buf_str(&xff),
			 MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP"), out, n);
	buf_release(&xff);
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

/* The router's checks: route, method, login, role, CSRF, forced password
 * change.  Returns the route, or NULL after answering the request. */
static const struct route *check_route(struct req *r)
{
	int status = 0;
	const struct route *rt = route_match(r, &status);
	if (!rt) {
		if (status == 405) {
			resp_header(r, "Allow", "GET, HEAD, POST");
			resp_error(r, 405, NULL, "该地址不支持此请求方法。");
		} else {
			resp_error(r, 404, NULL, "您访问的页面不存在，请检查地址是否正确。");
		}
		return NULL;
	}
	if ((rt->flags & R_LOGIN) && !actor_logged_in(&r->actor)) {
		if (r->want_json || r->method != M_GET) {
			resp_error(r, 401, NULL, r->session_expired ? "登录已超时，请重新登录。" : "请先登录。");
			return NULL;
		}
		struct buf loc;
		buf_init(&loc, 0);
		/* the page asked for, with its query (MHD hands over the path only) */
		struct buf next;
		buf_init(&next, 0);
		url_enc_path(&next, r->path);
		for (size_t i = 0; i < r->query.n; i++) {
			buf_putc(&next, i ? '&' : '?');
			url_enc(&next, r->query.items[i].key);
			buf_putc(&next, '=');
			url_enc(&next, r->query.items[i].val);
		}
		buf_puts(&loc, "/login?next=");
		url_enc(&loc, buf_str(&next));
		buf_release(&next);
		if (r->session_expired)
			buf_puts(&loc, "&expired=1");
		resp_redirect(r, req_own(r, buf_detach(&loc, NULL)));
		return NULL;
	}
	if (rt->roles && !(r->actor.roles & rt->roles)) {
		resp_error(r, 403, NULL, "您的角色无权访问此功能。");
		return NULL;
	}
	if ((r->method & (M_POST | M_OTHER)) && !(rt->flags & R_NO_CSRF)) {
		const char *tok = kv_get(&r->form, "_csrf");
		if (!tok)
			tok = req_header(r, "X-CSRF-Token");
		if (!tok || !token_eq(tok, r->csrf)) {
			resp_error(r, 403, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
			return NULL;
		}
	}
	if (actor_logged_in(&r->actor) && (rt->flags & R_LOGIN) && !(rt->flags & R_NOFORCE) &&
	    session_must_change(r)) {
		if (r->want_json || r->method != M_GET)
			resp_error(r, 403, NULL, "首次登录须先修改密码。");
		else
			resp_redirect(r, "/account/password?first=1");
		return NULL;
	}
	return rt;
}

static void run_handler(struct req *r, const struct route *rt)
{
	if (rt->fn(r) < 0 && r->status == 0)
		resp_error(r, 500, NULL, "系统内部错误，操作未完成，请稍后重试。");
}

static void add_security_headers(struct MHD_Response *resp, const struct config *cfg, bool own_csp)
{
	if (cfg->hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (!own_csp)
		MHD_add_response_header(resp, "Content-Security-Policy", CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

/* A response made before routing (400, 413): HTML, or the JSON error shape
 * for API clients. */
static enum MHD_Result send_simple(struct req *r, int status, const char *msg)
{
	const char *rid = r->rid;
	bool json = r->want_json;
	struct html *b = html_new();
	if (json) {
		json_t *e = json_pack("{s:{s:i,s:s,s:s,s:s}}", "error", "status", status, "message", msg, "field", "",
				      "request_id", rid);
		char *t = json_dumps(e, JSON_COMPACT);
		html_set_bytes(b, t ? t : "{}", t ? strlen(t) : 2);
		free(t);
		json_decref(e);
	} else {
		h_printf(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>%s</title>"
			 "<link rel=\"stylesheet\" href=\"/static/zhifa.css\"></head><body><main class=\"wrap\">"
			 "<h1>%s</h1><p>请求编号：<code>%s</code></p></main></body></html>\n", msg, msg, rid);
	}
	size_t n;
	char *data = html_detach(b, &n);
	html_free(b);
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	add_security_headers(resp, &r->app->cfg, false);
	MHD_add_response_header(resp, "Content-Type", json ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", rid);
	MHD_add_response_header(resp, "Connection", "close");
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* multipart/form-data (file fields included, text files only) parsed by
 * MHD's post processor over the accumulated body.  A field's value is
 * the concatenation of its chunks; a file's name goes to "<field>.filename". */
struct mp_state {
	struct kvlist *form;
	char key[128];
	struct buf val;
	bool bad;
};

static void mp_flush(struct mp_state *m)
{
	if (m->key[0]) {
		if (!utf8_valid(m->val.data, m->val.len) || memchr(m->val.data, '\0', m->val.len))
			m->bad = true;
		else
			kv_add(m->form, m->key, strlen(m->key), buf_str(&m->val), m->val.len);
	}
	m->key[0] = '\0';
	buf_reset(&m->val);
}

static enum MHD_Result mp_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
			       const char *content_type, const char *transfer_encoding, const char *data,
			       uint64_t off, size_t size)
{
	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	struct mp_state *m = cls;
	if (!key)
		return MHD_YES;
	if (off == 0 || strcmp(m->key, key) != 0) {
		mp_flush(m);
		snprintf(m->key, sizeof m->key, "%s", key);
		if (filename) {
			char fk[160];
			snprintf(fk, sizeof fk, "%s.filename", key);
			kv_add(m->form, fk, strlen(fk), filename, strlen(filename));
		}
	}
	if (size)
		buf_add(&m->val, data, size);
	return MHD_YES;
}

static int multipart_parse(struct MHD_Connection *c, struct kvlist *form, const char *body, size_t n)
{
	struct mp_state m = { .form = form };
	buf_init(&m.val, 0);
	struct MHD_PostProcessor *pp = MHD_create_post_processor(c, 64 * 1024, mp_iter, &m);
	if (!pp) {
		buf_release(&m.val);
		return -1;
	}
	enum MHD_Result ok = MHD_post_process(pp, body, n);
	MHD_destroy_post_processor(pp);
	mp_flush(&m);
	buf_release(&m.val);
	return ok == MHD_YES && !m.bad ? 0 : -1;
}

/* ---- the request-head deadline ----
 * libmicrohttpd's connection timeout restarts on every byte, so a client
 * trickling one header line every few seconds could hold a connection for
 * ever.  Each connection is tracked from its start (MHD_OPTION_NOTIFY_
 * CONNECTION): its request head must be complete within cfg.head_timeout_s
 * of the start, or of the end of its previous request; a watchdog thread
 * shuts down the socket of one that is late, and libmicrohttpd then closes
 * it.  The socket is shut down under the lock that the close notification
 * takes, which libmicrohttpd sends before it closes the descriptor, so the
 * descriptor is still the connection's own. */
struct watched {
	struct watched *prev, *next;
	int fd;
	bool in_request;          /* head complete, request not yet finished */
	bool cut;                 /* already shut down by the watchdog */
	bool served;              /* at least one request finished on it */
	struct timespec deadline;
	char ip[64];
};

struct head_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct watched *head;
	bool stop;
	pthread_t thread;
	int timeout_s;
};

static void deadline_from_now(struct timespec *t, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += seconds;
}

static bool is_past(const struct timespec *t, const struct timespec *now)
{
	return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct head_watch *hw = ((struct app *)cls)->watch;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct watched *w = xcalloc(1, sizeof *w);
		w->fd = ci ? ci->connect_fd : -1;
		client_ip(c, w->ip, sizeof w->ip);
		pthread_mutex_lock(&hw->lock);
		deadline_from_now(&w->deadline, hw->timeout_s);
		w->next = hw->head;
		if (hw->head)
			hw->head->prev = w;
		hw->head = w;
		pthread_mutex_unlock(&hw->lock);
		*socket_context = w;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
		struct watched *w = *socket_context;
		pthread_mutex_lock(&hw->lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			hw->head = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&hw->lock);
		free(w);
		*socket_context = NULL;
	}
}

/* The head of a request on c is complete (in_request) or its request has
 * finished and the next head's deadline starts now (!in_request). */
static void watch_mark(struct app *app, struct MHD_Connection *c, bool in_request)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (!ci || !ci->socket_context)
		return;
	struct watched *w = ci->socket_context;
	struct head_watch *hw = app->watch;
	pthread_mutex_lock(&hw->lock);
	w->in_request = in_request;
	if (!in_request) {
		w->served = true;
		deadline_from_now(&w->deadline, hw->timeout_s);
	}
	pthread_mutex_unlock(&hw->lock);
}

static void *watchdog(void *arg)
{
	struct head_watch *hw = arg;
	pthread_mutex_lock(&hw->lock);
	while (!hw->stop) {
		struct timespec now, until;
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct watched *w = hw->head; w; w = w->next) {
			if (w->in_request || w->cut || w->fd < 0 || !is_past(&w->deadline, &now))
				continue;
			w->cut = true;
			shutdown(w->fd, SHUT_RDWR);
			/* an idle keep-alive connection is ordinary; one that never
			 * completed a head is worth a line */
			log_msg(w->served ? LOG_DEBUG : LOG_INFO, "连接在 %d 秒内未发完请求头，已断开 ip=%s",
				hw->timeout_s, w->ip);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&hw->wake, &hw->lock, &until);
	}
	pthread_mutex_unlock(&hw->lock);
	return NULL;
}

static struct head_watch *watch_new(int timeout_s)
{
	struct head_watch *hw = xcalloc(1, sizeof *hw);
	pthread_mutex_init(&hw->lock, NULL);
	pthread_cond_init(&hw->wake, NULL);
	hw->timeout_s = timeout_s;
	if (pthread_create(&hw->thread, NULL, watchdog, hw) != 0) {
		pthread_cond_destroy(&hw->wake);
		pthread_mutex_destroy(&hw->lock);
		free(hw);
		return NULL;
	}
	return hw;
}

static void watch_free(struct head_watch *hw)
{
	if (!hw)
		return;
	pthread_mutex_lock(&hw->lock);
	hw->stop = true;
	pthread_cond_signal(&hw->wake);
	pthread_mutex_unlock(&hw->lock);
	pthread_join(hw->thread, NULL);
	pthread_cond_destroy(&hw->wake);
	pthread_mutex_destroy(&hw->lock);
	free(hw);
}

static void new_request_id(char out[40])
{
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, out);
}

struct conn_state {
	struct buf body;
	bool too_large;
	bool bad_url;
	struct req *req;            /* set up on the first call */
	const struct route *rt;     /* streaming route accepted on the first call */
	bool answered;              /* a response is ready in req (error or early) */
	bool queued;                /* a response is queued already; the rest of the body is not read */
	bool discarding;            /* the stream function refused part-way: the rest is dropped */
	long long dropped;          /* body bytes dropped unread since a refusal */
	const struct route *deferred; /* held by req_defer; its handler runs again on resume */
	struct timespec t0;
	char *cache_key;            /* an R_CACHE page asked for by the public (page_cache.h) */
	long long cache_stamp;      /* STAMP_PORTAL read before the lookup */
	char cache_day[11];
};

/* Content-Length and Transfer-Encoding as a proxy in front of us might read
 * them differently: more than one Content-Length, both headers, or a
 * transfer coding other than plain "chunked" (RFC 9112, 6.1 and 6.3).  The
 * message for a 400, or NULL when the framing is unambiguous. */
struct framing {
	int n_length, n_coding;
	bool plain_chunked;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct framing *f = cls;
	if (key && strcasecmp(key, "Content-Length") == 0)
		f->n_length++;
	if (key && strcasecmp(key, "Transfer-Encoding") == 0) {
		f->n_coding++;
		f->plain_chunked = value && strcasecmp(value, "chunked") == 0;
	}
	return MHD_YES;
}

static const char *framing_problem(struct MHD_Connection *c)
{
	struct framing f = { 0 };
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	if (f.n_length > 1)
		return "请求中有多个 Content-Length 头，无法确定内容长度。";
	if (f.n_length && f.n_coding)
		return "请求不能同时带有 Content-Length 和 Transfer-Encoding 头。";
	if (f.n_coding > 1 || (f.n_coding && !f.plain_chunked))
		return "不支持该 Transfer-Encoding，只接受 chunked。";
	return NULL;
}

/* A response queued before the whole body has arrived: libmicrohttpd sends
 * it, does not read the rest of the body and closes the connection. */
static enum MHD_Result queued_early(struct conn_state *st, enum MHD_Result ret)
{
	if (ret == MHD_YES)
		st->queued = true;
	return ret;
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* MHD_OPTION_UNESCAPE_CALLBACK: the only percent-decoding of the request
 * path and of each query key and value (MHD has already turned '+' into a
 * space in the query).  Decodes in place, once: "%2568" becomes "%68", not
 * "h".  An invalid escape ("%zz", "%4") or an escaped NUL, which would cut
 * the string short, becomes the byte 0xFF, which no UTF-8 check accepts,
 * so the request is answered 400 (req_setup). */
size_t http_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	for (const char *p = s; *p; p++) {
		if (*p != '%') {
			*w++ = *p;
			continue;
		}
		int hi = p[1] ? hexdig(p[1]) : -1;
		int lo = hi >= 0 && p[2] ? hexdig(p[2]) : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			*w++ = (char)0xFF;
			if (hi >= 0 && lo >= 0)
				p += 2;
			continue;
		}
		*w++ = (char)(hi << 4 | lo);
		p += 2;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* A decoded path the router may see: starts with '/', valid UTF-8, no
 * control characters (a decoded %0A or %0D), not absurdly long. */
bool path_acceptable(const char *path)
{
	size_t n = strlen(path);
	if (path[0] != '/' || n > 8192 || !utf8_valid(path, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return false;
	return true;
}

/* Fill the input side of r from the connection (no body yet).  -1 on a
 * malformed URL. */
static int req_setup(struct req *r, struct app *app, struct MHD_Connection *c, const char *url, const char *method)
{
	memset(r, 0, sizeof *r);
	r->app = app;
	r->conn = c;
	r->method_str = method;
	r->raw_url = url;
	r->method = str_eq(method, "GET") ? M_GET : str_eq(method, "HEAD") ? M_HEAD :
		    str_eq(method, "POST") ? M_POST : M_OTHER;
	r->out = html_new();
	new_request_id(r->rid);
	snprintf(r->actor.request_id, sizeof r->actor.request_id, "%s", r->rid);
	client_addr(app, c, r->actor.ip, sizeof r->actor.ip);
	/* url is the path, already percent-decoded once by http_unescape */
	r->path = xstrdup(url);
	if (!path_acceptable(url)) {
		free(r->path);
		r->path = xstrdup("/");
		return -1;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_kv, &r->query);
	MHD_get_connection_values(c, MHD_COOKIE_KIND, collect_kv, &r->cookies);
	r->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r->want_json = want_json(r);
	return kv_all_utf8(&r->query) ? 0 : -1;
}

static void req_free(struct req *r)
{
	if (r->has_body_fd)
		close(r->body_fd);
	html_free(r->out);
	free(r->path);
	kv_free(&r->query);
	kv_free(&r->form);
	kv_free(&r->cookies);
	kv_free(&r->headers);
	for (size_t i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
}

/* ---- the page cache (http/page_cache.h) ----
 * Only for a GET or HEAD of an R_CACHE route without any session cookie:
 * a logged-in reader (whose page shows who they are) is never served from
 * the cache nor stored in it, and neither is one whose session has just
 * expired (that answer clears the cookie).  The portal stamp is one
 * primary-key read on the request's connection, shared by the requests
 * of the following millisecond (page_cache_stamp_recent), so a
 * publication committed by any process is seen everywhere within 1 ms,
 * and by this process's next request when it made it. */
/* Whether every query parameter is one a portal page reads, with a short
 * value: only such URLs are cached, so a flood of made-up query strings
 * cannot push the popular pages out of the cache. */
static bool cacheable_query(const struct req *r)
{
	static const char *const known[] = { "all", "category", "page", "per_page", "q", "unit", "version", "kind",
					     "sort", "dir" };
	for (size_t i = 0; i < r->query.n; i++) {
		bool ok = strlen(r->query.items[i].val) <= 100;
		for (size_t k = 0; ok && k < ARRAY_SIZE(known); k++)
			if (str_eq(r->query.items[i].key, known[k]))
				goto next;
		return false;
	next:;
	}
	return r->query.n <= 4;
}

static bool cache_lookup(struct app *app, struct conn_state *st, struct req *r)
{
	if (!app->pcache || !(r->method & (M_GET | M_HEAD)) || !str_empty(kv_get(&r->cookies, SESSION_COOKIE)) ||
	    !cacheable_query(r))
		return false;
	int status;
	const struct route *rt = route_match(r, &status);
	if (!rt || !(rt->flags & R_CACHE))
		return false;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	long long stamp;
	unsigned long long gen;
	if (!page_cache_stamp_recent(app->pcache, now, &stamp, &gen)) {
		stamp = state_stamp_get(r->db, STAMP_PORTAL);
		if (stamp < 0)
			return false; /* no stamp, no cache: rendered as usual */
		page_cache_stamp_note(app->pcache, gen, now, stamp);
	}
	st->cache_stamp = stamp;
	time_today_shanghai(st->cache_day);
	st->cache_key = page_cache_key(r);
	if (!page_cache_get(app->pcache, st->cache_key, stamp, st->cache_day, r))
		return false;
	resp_header(r, "X-Cache", "HIT");
	return true;
}

/* After the handler: keep the answer if it is the same for every member
 * of the public - 200 from memory, no form (its CSRF token is the
 * reader's own), no cookie, nobody logged in. */
static void cache_store(struct app *app, struct conn_state *st, struct req *r)
{
	if (!st->cache_key)
		return;
	bool ok = r->method == M_GET && (r->status == 0 || r->status == 200) && !r->has_body_fd && !r->csrf_used &&
		  !actor_logged_in(&r->actor) && r->defer_ms == 0 && !r->session_expired;
	for (size_t i = 0; ok && i < r->headers.n; i++)
		if (strcasecmp(r->headers.items[i].key, "Set-Cookie") == 0)
			ok = false;
	if (ok)
		page_cache_put(app->pcache, st->cache_key, st->cache_stamp, st->cache_day, r);
	resp_header(r, "X-Cache", "MISS");
}

static enum MHD_Result send_response(struct conn_state *st, struct req *r)
{
	if (r->status == 0)
		r->status = 200;
	session_finish(r);
	size_t n;
	char *data = html_detach(r->out, &n);
	struct MHD_Response *resp = NULL;
	if (r->has_body_fd) {
		/* a file (resp_file): sent from the descriptor, closed by MHD */
		free(data);
		resp = MHD_create_response_from_fd_at_offset64((uint64_t)r->body_fd_size, r->body_fd,
							       (uint64_t)r->body_fd_off);
		r->has_body_fd = false;
		if (!resp) {
			close(r->body_fd);
			r->status = 500;
			resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		}
	} else {
		resp = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	}
	add_security_headers(resp, &r->app->cfg, kv_get(&r->headers, "Content-Security-Policy") != NULL);
	MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "X-Request-Id", r->rid);
	bool has_cache = false;
	for (size_t i = 0; i < r->headers.n; i++) {
		MHD_add_response_header(resp, r->headers.items[i].key, r->headers.items[i].val);
		if (strcasecmp(r->headers.items[i].key, "Cache-Control") == 0)
			has_cache = true;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - st->t0.tv_sec) * 1000000L + (t1.tv_nsec - st->t0.tv_nsec) / 1000;
	if (r->status >= 400 || r->app->cfg.log_requests)
		log_info("%s %s %d %ldus user=%s ip=%s", r->method_str, r->path, r->status, us,
			 actor_logged_in(&r->actor) ? r->actor.username : "-", r->actor.ip);
	return ret;
}

/* First call: headers are in.  Decide whether the body is buffered (the
 * default, up to max_body) or streamed to a route's stream function. */
static enum MHD_Result on_first_call(struct app *app, struct MHD_Connection *c, const char *url,
				     const char *method, struct conn_state *st)
{
	clock_gettime(CLOCK_MONOTONIC, &st->t0);
	st->req = xcalloc(1, sizeof *st->req);
	struct req *r = st->req;
	if (req_setup(r, app, c, url, method) < 0) {
		st->bad_url = true;
		log_info("%s %s 400 (bad url) ip=%s", method, url, r->actor.ip);
		return queued_early(st, send_simple(r, 400, "请求地址或参数编码不正确（须为 UTF-8）。"));
	}
	const char *framing = framing_problem(c);
	if (framing) {
		log_info("%s %s 400 (ambiguous body framing) ip=%s", method, r->path, r->actor.ip);
		return queued_early(st, send_simple(r, 400, framing));
	}
	/* Streaming routes are resolved now, before the body arrives. */
	int status;
	const struct route *rt = route_match(r, &status);
	if (rt && (rt->flags & R_STREAM)) {
		log_set_request_id(r->rid);
		r->db = db_pool_get(app->pool);
		session_resolve(r);
		const struct route *ok = check_route(r);
		if (ok && rt->stream && rt->stream(r, NULL, 0) < 0)
			ok = NULL;
		db_pool_put(app->pool, r->db);
		r->db = NULL;
		enum MHD_Result ret = MHD_YES;
		if (!ok) {
			/* refused before any body: answer now, read none of it */
			st->answered = true;
			ret = queued_early(st, send_response(st, r));
		} else {
			st->rt = ok;
		}
		log_set_request_id(NULL);
		return ret;
	}
	/* A declared length past the limit is answered at once: not one byte
	 * of the body is read. */
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	long long len;
	if (cl && str_to_ll(cl, 0, INT64_MAX, &len) == 0 && len > app->cfg.max_body) {
		st->too_large = true;
		log_info("%s %s 413 (declared body too large) ip=%s", method, r->path, r->actor.ip);
		return queued_early(st, send_simple(r, 413, "提交的内容过大，超过了允许的大小。"));
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct app *app = cls;
	struct conn_state *st = *con_cls;
	if (!st) {
		watch_mark(app, c, true);
		st = xcalloc(1, sizeof *st);
		buf_init(&st->body, (size_t)app->cfg.max_body);
		*con_cls = st;
		return on_first_call(app, c, url, method, st);
	}
	struct req *r = st->req;
	if (*upload_data_size && (st->queued || st->answered || st->discarding || st->too_large)) {
		/* a body already refused is dropped, but not read to its end:
		 * past max_body of it the connection is closed (the answer, if
		 * not yet sent, is lost with it; the refusal is on record) */
		st->dropped += (long long)*upload_data_size;
		*upload_data_size = 0;
		if (st->dropped > r->app->cfg.max_body) {
			log_set_request_id(r->rid);
			log_info("%s %s closed after %lld refused body bytes", method, r->path, st->dropped);
			log_set_request_id(NULL);
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (st->queued)
		return MHD_YES;
	if (*upload_data_size) {
		enum MHD_Result ret = MHD_YES;
		if (st->rt) {
			log_set_request_id(r->rid);
			/* the stream function answered; libmicrohttpd 0.9.75 cannot
			 * queue a response in mid-body, so it is sent at the end */
			int rc = st->rt->stream(r, upload_data, *upload_data_size);
			if (rc < 0)
				st->answered = true;
			else if (rc == STREAM_DISCARD)
				st->discarding = true;
			log_set_request_id(NULL);
		} else if (buf_add(&st->body, upload_data, *upload_data_size) < 0) {
			/* a chunked body past the limit: answer now if libmicrohttpd
			 * can, else close the connection rather than read on */
			st->too_large = true;
			log_set_request_id(r->rid);
			log_info("%s %s 413 (body too large)", method, r->path);
			if (queued_early(st, send_simple(r, 413, "提交的内容过大，超过了允许的大小。")) != MHD_YES)
				ret = MHD_NO;
			log_set_request_id(NULL);
		}
		*upload_data_size = 0;
		return ret;
	}

	log_set_request_id(r->rid);
	enum MHD_Result ret;
	if (st->answered) {
		ret = send_response(st, r);
	} else if (st->too_large) {
		ret = send_simple(r, 413, "提交的内容过大，超过了允许的大小。");
	} else {
		r->db = db_pool_get(app->pool);
		if (st->deferred) {
			/* resumed after req_defer: the same handler once more */
			const struct route *rt = st->deferred;
			st->deferred = NULL;
			r->resumed = true;
			r->defer_ms = 0;
			run_handler(r, rt);
		} else if (st->rt) {
			run_handler(r, st->rt);
		} else {
			r->body = buf_str(&st->body);
			r->body_len = st->body.len;
			bool bad_input = false;
			if (r->method == M_POST && r->content_type &&
			    str_starts(r->content_type, "application/x-www-form-urlencoded") &&
			    form_parse(&r->form, r->body, r->body_len) < 0)
				bad_input = true;
			if (r->method == M_POST && r->content_type && str_starts(r->content_type, "multipart/form-data") &&
			    multipart_parse(c, &r->form, r->body, r->body_len) < 0)
				bad_input = true;
			if (bad_input) {
				resp_error(r, 400, NULL, "提交的内容编码不正确（须为 UTF-8）。");
			} else if (cache_lookup(app, st, r)) {
				/* served from memory */
			} else {
				session_resolve(r);
				const struct route *rt = check_route(r);
				if (rt)
					run_handler(r, rt);
				cache_store(app, st, r);
				if (rt && r->defer_ms > 0 && !r->resumed) {
					if (app->deferq && defer_add(app->deferq, c, r->defer_ms) == 0) {
						st->deferred = rt; /* suspended: nothing is sent now */
						db_pool_put(app->pool, r->db);
						r->db = NULL;
						log_set_request_id(NULL);
						return MHD_YES;
					}
					resp_error(r, 503, NULL, "服务繁忙，请稍后再试。");
				}
			}
		}
		db_pool_put(app->pool, r->db);
		r->db = NULL;
		/* this process may just have changed the portal: its next
		 * request reads the stamp afresh */
		if (app->pcache && (r->method & (M_POST | M_OTHER)))
			page_cache_stamp_expire(app->pcache);
		ret = send_response(st, r);
	}
	log_set_request_id(NULL);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct conn_state *st = *con_cls;
	if (!st)
		return;
	watch_mark(cls, c, false);
	if (st->rt && st->rt->stream && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && st->req) {
		/* tell the stream function the upload was cut off */
		st->rt->stream(st->req, NULL, (size_t)-1);
	}
	if (st->req) {
		req_free(st->req);
		free(st->req);
	}
	buf_release(&st->body);
	free(st->cache_key);
	free(st);
	*con_cls = NULL;
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
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	app->watch = watch_new(app->cfg.head_timeout_s);
	if (!app->watch)
		return error("无法启动连接监视线程");
	if (app->cfg.portal_cache_kib > 0)
		app->pcache = page_cache_new((size_t)app->cfg.portal_cache_kib * 1024, 4096);
	app->daemon = MHD_start_daemon(flags, (uint16_t)app->cfg.port, NULL, NULL, on_request, app,
				       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				       MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->cfg.threads,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				       /* libmicrohttpd 0.9.75 zeroes the whole pool before
				        * every request on a kept-alive connection: 256 KiB
				        * took 30 % of the portal's time, while uploads ran
				        * within noise of 64 KiB (docs/bench.md) */
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				       MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->cfg.max_conns_per_ip,
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
				       MHD_OPTION_NOTIFY_CONNECTION, on_connection, app,
				       MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
				       MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				       MHD_OPTION_END);
	if (!app->daemon) {
		watch_free(app->watch);
		app->watch = NULL;
		page_cache_free(app->pcache);
		app->pcache = NULL;
		return error("无法在 %s:%d 上启动服务（端口是否已被占用？）", app->cfg.listen_addr, app->cfg.port);
	}
	app->deferq = defer_start();
	if (!app->deferq)
		log_warn("无法启动延时线程：受限速的登录请求将被答复为服务繁忙");
	return 0;
}

int server_start_inprocess(struct app *app)
{
	unsigned flags = MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG;
	app->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
				       MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				       MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
				       MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
				       MHD_OPTION_END);
	return app->daemon ? 0 : error("无法启动进程内服务");
}

int server_exchange(struct app *app, const char *req, size_t n, struct buf *out)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (MHD_add_connection(app->daemon, sv[0], (const struct sockaddr *)&sin, sizeof sin) != MHD_YES) {
		close(sv[1]);
		return -1; /* MHD closed sv[0] */
	}
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	bool half_closed = false, done = false;
	char chunk[16384];
	for (int round = 0; round < 20000 && !done; round++) {
		if (sent < n) {
			ssize_t w = send(sv[1], req + sent, n - sent, MSG_NOSIGNAL);
			if (w > 0)
				sent += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				sent = n; /* the server closed its side: stop sending */
		}
		if (sent == n && !half_closed) {
			shutdown(sv[1], SHUT_WR);
			half_closed = true;
		}
		MHD_run(app->daemon);
		for (;;) {
			ssize_t got = recv(sv[1], chunk, sizeof chunk, 0);
			if (got > 0) {
				buf_add(out, chunk, (size_t)got);
				continue;
			}
			if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				done = true;
			break;
		}
		if (!done && round > 100) {
			struct pollfd pfd = { .fd = sv[1], .events = POLLIN };
			poll(&pfd, 1, 1);
		}
	}
	close(sv[1]);
	if (!done) {
		/* not finished: let the daemon see the closed socket and clean up */
		for (int i = 0; i < 10; i++)
			MHD_run(app->daemon);
	}
	return done ? 0 : -1;
}

void server_stop(struct app *app)
{
	defer_stop(app->deferq); /* resume every held request first */
	app->deferq = NULL;
	if (app->daemon)
		MHD_stop_daemon(app->daemon);
	app->daemon = NULL;
	watch_free(app->watch);
	app->watch = NULL;
	page_cache_free(app->pcache);
	app->pcache = NULL;
}
