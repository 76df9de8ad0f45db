/*
 * http.h - requests, responses and the route table of the web layer.
 *
 * One request is one struct req: the server fills the input side (method,
 * path, validated query and form parameters, cookies, the acting person),
 * a handler fills the output side (status, body, content type, headers),
 * and everything the request allocated through req_* is freed in one call
 * when it completes.  Handlers never see raw sockets and never check CSRF
 * or login themselves: the router does, from the route's declaration.
 */
#ifndef ZHIFA_HTTP_H
#define ZHIFA_HTTP_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

struct app;
struct MHD_Connection;
struct html;

struct kv {
	char *key;
	char *val;
};

struct kvlist {
	struct kv *items;
	size_t n, cap;
};

enum req_method { M_GET = 1, M_HEAD = 2, M_POST = 4, M_OTHER = 8 };

struct req {
	/* input */
	struct app *app;
	struct MHD_Connection *conn;
	enum req_method method;
	const char *method_str;
	char *path;               /* decoded path (once, by http_unescape), no query */
	const char *raw_url;      /* the path as MHD handed it over (same bytes) */
	struct kvlist query;
	struct kvlist form;       /* urlencoded POST body */
	struct kvlist cookies;
	const char *params[4];    /* path parameters captured by {x} in the route */
	int nparams;
	const char *body;         /* raw body, NUL-terminated */
	size_t body_len;
	const char *content_type;
	bool want_json;           /* Accept: application/json or /api/v1/ */
	struct actor actor;       /* actor.user_id == 0: the public */
	char csrf[65];            /* the session's (or anonymous) CSRF token */
	bool csrf_new;            /* an anonymous token made for this request */
	bool csrf_used;           /* a form on this page carries it (form_csrf) */
	bool session_expired;     /* a session cookie was sent but is no longer valid */
	char rid[40];             /* request id */
	struct db *db;            /* acquired from the pool for this request */
	void *stream_ctx;         /* state of an R_STREAM route's stream function */
	long long defer_ms;       /* set by req_defer: hold the request, then call the handler again */
	bool resumed;             /* this call of the handler comes after a req_defer wait */
	bool has_body_fd;         /* the body is the file body_fd (resp_file) */
	int body_fd;
	long long body_fd_off, body_fd_size;
	/* output */
	int status;
	struct html *out;         /* the body: written by h_* (http/html.h), read by the server */
	const char *ctype;
	struct kvlist headers;
	/* memory owned by the request */
	void **owned;
	size_t nowned, capowned;
};

/* ---- the route table ---- */
enum route_flags {
	R_PUBLIC = 0,          /* anyone */
	R_LOGIN = 1 << 0,      /* a logged-in person; roles below narrow it */
	R_NO_CSRF = 1 << 1,    /* state-changing route exempt from CSRF (none today) */
	R_NOFORCE = 1 << 2,    /* reachable while a password change is forced */
	R_STREAM = 1 << 3,     /* body streamed to route.stream, never buffered */
	R_CACHE = 1 << 4,      /* public GET page kept rendered for anonymous
	                        * readers (http/page_cache.h): its answer depends
	                        * only on path, query, the JSON-or-HTML choice and
	                        * what STAMP_PORTAL covers */
};

typedef int (*handler_fn)(struct req *r);
/* Streaming body consumer of an R_STREAM route: called once with
 * (NULL, 0) after the router's checks pass and before any body (return -1
 * to refuse, after answering with resp_*), then for each chunk (return -1
 * after answering to stop; return STREAM_DISCARD when the body was refused
 * part-way and fn(r) is to answer at its end), then fn(r) runs when the
 * body is complete (r->db is set only then).  Past cfg.max_body of
 * discarded bytes the connection is closed instead.  Called with
 * n == (size_t)-1 if the client went away mid-body (clean up; no response
 * possible).  Per-request state goes in r->stream_ctx. */
#define STREAM_DISCARD 1
typedef int (*stream_fn)(struct req *r, const char *data, size_t n);

struct route {
	unsigned methods;      /* M_GET | M_POST ... (HEAD follows GET) */
	const char *pattern;   /* "/portal/matters/{id}"; a final "*" matches the rest */
	handler_fn fn;
	unsigned flags;
	unsigned roles;        /* 0 = any role (with R_LOGIN) */
	stream_fn stream;      /* R_STREAM routes only */
};

/* The route table (pages/routes.c) and its size. */
extern const struct route routes[];
extern const size_t routes_count;

/* Find the route for method+path; fills r->params.  Returns NULL and sets
 * *status to 404 or 405 when none matches. */
const struct route *route_match(struct req *r, int *status);

/* ---- request helpers ---- */
void *req_own(struct req *r, void *p);          /* freed with the request */
char *req_strdup(struct req *r, const char *s);
char *req_printf(struct req *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
const char *kv_get(const struct kvlist *l, const char *key);
void kv_add(struct kvlist *l, const char *key, size_t klen, const char *val, size_t vlen);
void kv_free(struct kvlist *l);
/* Parse an application/x-www-form-urlencoded string into l; -1 on bad
 * encoding (invalid escapes or UTF-8), with nothing added. */
int form_parse(struct kvlist *l, const char *s, size_t n);

/* The server's percent-decoding of the path and query parameters (MHD's
 * unescape callback): decodes once, in place, and returns the new length;
 * a bad escape or %00 becomes the byte 0xFF so UTF-8 checks refuse it. */
size_t http_unescape(void *cls, struct MHD_Connection *c, char *s);
/* A decoded path the router may see: '/', UTF-8, no control characters. */
bool path_acceptable(const char *path);

/* Query or form parameter (form first for POST). */
const char *req_param(const struct req *r, const char *key);
/* Path parameter i as integer id; -1 if not a positive integer. */
long long req_param_id(const struct req *r, int i);
const char *req_header(const struct req *r, const char *name);

/* From a handler (not of an R_STREAM route): answer nothing now, hold the
 * request for ms milliseconds without holding a thread (http/defer.h), then
 * call the handler again with r->resumed set and r->db a fresh connection.
 * When too many requests wait already, the server answers 503 instead. */
void req_defer(struct req *r, long long ms);

/* ---- responses ---- */
/* Add a response header; control characters in value are sent as %XX. */
void resp_header(struct req *r, const char *name, const char *value);
/* 303 See Other; in location, control characters, space, backslash and
 * non-ASCII bytes are sent percent-encoded. */
void resp_redirect(struct req *r, const char *location);
/* A body that is not HTML (text/html is a BUG: pages write HTML with h_*). */
void resp_text(struct req *r, int status, const char *ctype, const char *body, size_t n);
/* Serve len bytes of the open file fd from offset off (taken over:
 * closed when sent) without reading it into memory.  A
 * Content-Security-Policy set with resp_header replaces the default one
 * for this answer. */
void resp_file(struct req *r, int status, const char *ctype, int fd, long long off, long long len);
/* Serve a JSON value (takes the reference). */
void resp_json(struct req *r, int status, void *json);
/* An error page (HTML) or {"error":{"status","message","field","request_id"}}. */
void resp_error(struct req *r, int status, const char *field, const char *msg);
void resp_err(struct req *r, const struct err *e);
/* Set the session cookie (token NULL clears it). */
void resp_session_cookie(struct req *r, const char *token);

#endif
