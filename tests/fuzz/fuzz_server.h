/*
 * fuzz_server.h - the whole request path for the fuzz_http_* targets: the
 * real server (libmicrohttpd's parser, http_unescape, form, multipart,
 * cookie and session handling, the router and the handlers) on an
 * in-memory SQLite with the demo department, driven in-process over a
 * socket pair (server_exchange; no network, no threads of its own).
 *
 * fz_init() once from LLVMFuzzerInitialize; fz_exchange() per input checks
 * what must hold for every answer to any request:
 *   - the server closes the connection within its bound (no hang);
 *   - every response starts with a well-formed status line, and no status
 *     is a server error (5xx) other than 501/505, which libmicrohttpd uses
 *     for methods and versions it does not implement;
 *   - every header line is "Name: value" with no control characters (no
 *     response splitting), and Content-Length matches the body (answers
 *     libmicrohttpd makes itself, before our handler, are checked for
 *     their status only);
 *   - a JSON answer is a JSON object or array (never the literal null a
 *     message cut inside a character produced).
 * The in-memory database is the only state kept between inputs.
 * FZ_DEBUG=1 in the environment prints each answer's status line, 2 all of it.
 */
#ifndef ZHIFA_FUZZ_SERVER_H
#define ZHIFA_FUZZ_SERVER_H
#include "core/core.h"
#include "core/config.h"
#include "app/app.h"
#include "http/server.h"
#include "people/auth.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include <jansson.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct app fz_app;
static char fz_token[65], fz_csrf[65]; /* a live session of officer jn.zhang */
static long long fz_item;              /* a publicity item jn.zhang may edit */

/* The session cookie of jn.zhang, for a request head. */
static void fz_cookie_header(struct buf *b)
{
	buf_printf(b, "Cookie: zf_session=%s\r\nX-CSRF-Token: %s\r\n", fz_token, fz_csrf);
}

static void fz_find_item(void)
{
	struct buf req, out;
	buf_init(&req, 0);
	buf_init(&out, 0);
	buf_puts(&req, "GET /admin/matters HTTP/1.1\r\nHost: f\r\nAccept: application/json\r\nConnection: close\r\n");
	fz_cookie_header(&req);
	buf_puts(&req, "\r\n");
	if (server_exchange(&fz_app, req.data, req.len, &out) < 0)
		BUG("GET /admin/matters did not finish");
	const char *body = strstr(buf_str(&out), "\r\n\r\n");
	json_t *j = body ? json_loads(body + 4, 0, NULL) : NULL;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(j, "items"), i, it) {
		long long id = json_integer_value(json_object_get(it, "id"));
		buf_reset(&req);
		buf_reset(&out);
		buf_printf(&req, "GET /admin/matters/%lld/edit HTTP/1.1\r\nHost: f\r\nConnection: close\r\n", id);
		fz_cookie_header(&req);
		buf_puts(&req, "\r\n");
		if (server_exchange(&fz_app, req.data, req.len, &out) == 0 && str_starts(buf_str(&out), "HTTP/1.1 200")) {
			fz_item = id;
			break;
		}
	}
	json_decref(j);
	buf_release(&req);
	buf_release(&out);
	if (!fz_item)
		BUG("no publicity item the demo officer may edit");
}

static void fz_init(void)
{
	log_set_level(LOG_ERROR);
	setenv("ZHIFA_PWHASH_FAST", "1", 1); /* the fuzz build has the test hooks */
	config_defaults(&fz_app.cfg, "/nonexistent-zhifa-fuzz");
	struct buf err;
	buf_init(&err, 0);
	if (config_set(&fz_app.cfg, "db", "sqlite::memory:", &err) < 0)
		BUG("config: %s", buf_str(&err));
	fz_app.cfg.max_body = 64 * 1024;
	fz_app.pool = db_pool_new(fz_app.cfg.db_url, 1, &err);
	if (!fz_app.pool)
		BUG("pool: %s", buf_str(&err));
	struct db *db = db_pool_get(fz_app.pool);
	struct err e = ERR_INIT;
	if (db_migrate(db, &err) < 0 || people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0)
		BUG("demo data: %s %s", buf_str(&err), e.msg);
	struct session_out so;
	if (people_login(db, "jn.zhang", PEOPLE_DEMO_PASSWORD, "127.0.0.1", NULL, &so, &e) < 0)
		BUG("login: %s", e.msg);
	snprintf(fz_token, sizeof fz_token, "%s", so.token);
	snprintf(fz_csrf, sizeof fz_csrf, "%s", so.csrf);
	db_pool_put(fz_app.pool, db);
	buf_release(&err);
	log_set_level(LOG_ERROR);
	if (app_init_state(&fz_app) < 0 || server_start_inprocess(&fz_app) < 0)
		BUG("in-process server did not start");
	fz_find_item();
}

static bool fz_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7F;
}

/* Check one response head+body at *p (of n bytes); returns its length, or 0
 * when what is left is not a complete response. */
static size_t fz_check_one(const char *p, size_t n, bool head_only)
{
	const char *end = NULL;
	for (size_t i = 0; i + 3 < n; i++)
		if (memcmp(p + i, "\r\n\r\n", 4) == 0) {
			end = p + i;
			break;
		}
	if (!end)
		return 0;
	if (n < 13 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' || p[12] != ' ')
		BUG("malformed status line: %.40s", p);
	int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (status < 100 || status > 599)
		BUG("bad status %.3s", p + 9);
	if (status >= 500 && status != 501 && status != 505)
		BUG("server error %d", status);
	long long clen = -1;
	bool json = false;
	const char *line = memchr(p, '\n', (size_t)(end - p)) + 1;
	while (line < end + 2) {
		const char *eol = memchr(line, '\r', (size_t)(end + 2 - line));
		if (!eol || eol[1] != '\n')
			BUG("header line not ended by CRLF");
		const char *colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon || colon == line)
			BUG("header line without a name: %.*s", (int)(eol - line), line);
		for (const char *c = line; c < eol; c++)
			if (fz_is_ctl((unsigned char)*c) && *c != '\t')
				BUG("control character in a response header");
		if ((size_t)(colon - line) == 14 && strncasecmp(line, "Content-Length", 14) == 0)
			clen = strtoll(colon + 1, NULL, 10);
		if ((size_t)(colon - line) == 12 && strncasecmp(line, "Content-Type", 12) == 0 &&
		    memmem(colon, (size_t)(eol - colon), "application/json", 16))
			json = true;
		line = eol + 2;
	}
	size_t head = (size_t)(end - p) + 4;
	if (head_only || status == 100 || status == 204 || status == 304)
		return head;
	if (clen < 0)
		return n; /* no length (libmicrohttpd's own answers): up to the close */
	if ((size_t)clen > n - head)
		BUG("body shorter than its Content-Length");
	if (json) {
		json_error_t je;
		json_t *j = json_loadb(p + head, (size_t)clen, 0, &je); /* objects and arrays only */
		if (!j)
			BUG("JSON answer is not an object or array: %s: %.60s", je.text, p + head);
		json_decref(j);
	}
	return head + (size_t)clen;
}

/* Serve the request bytes; check every response in the answer. */
static void fz_exchange(const char *req, size_t n)
{
	struct buf out;
	buf_init(&out, 0);
	if (server_exchange(&fz_app, req, n, &out) < 0)
		BUG("the server did not close the connection (hang)");
	if (str_eq(getenv("FZ_DEBUG"), "2"))
		fwrite(buf_str(&out), 1, out.len, stderr);
	if (getenv("FZ_DEBUG")) /* FZ_DEBUG=1: show what each input got */
		fprintf(stderr, "fz: %.*s\n", (int)(memchr(buf_str(&out), '\r', out.len) ?
			(size_t)((const char *)memchr(buf_str(&out), '\r', out.len) - buf_str(&out)) : out.len), buf_str(&out));
	/* The first response is checked in full.  Later ones (the input may
	 * hold several pipelined requests) only while their framing is known:
	 * a HEAD among them has a Content-Length but no body. */
	size_t off = 0;
	bool head_only = n >= 5 && memcmp(req, "HEAD ", 5) == 0;
	int count = 0;
	while (off < out.len) {
		if (out.len - off >= 25 && memcmp(out.data + off, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0) {
			off += 25;
			continue;
		}
		if (count > 0 && memmem(req, n, "HEAD", 4))
			break;
		/* libmicrohttpd's own error answers (no X-Request-Id: made before
		 * our handler ran) are checked for their status only: 0.9.75 sends
		 * the head of its 431 twice when a header holds a NUL byte */
		const char *eoh = memmem(out.data + off, out.len - off, "\r\n\r\n", 4);
		if (eoh && !memmem(out.data + off, (size_t)(eoh - (out.data + off)), "\r\nX-Request-Id: ", 16)) {
			if (out.len - off < 13 || memcmp(out.data + off, "HTTP/1.1 4", 10) != 0)
				if (memcmp(out.data + off, "HTTP/1.1 501", 12) != 0 &&
				    memcmp(out.data + off, "HTTP/1.1 505", 12) != 0)
					BUG("libmicrohttpd answered neither 4xx nor 501/505: %.20s", out.data + off);
			break;
		}
		size_t used = fz_check_one(out.data + off, out.len - off, head_only);
		if (!used)
			BUG("incomplete response");
		off += used;
		count++;
	}
	buf_release(&out);
}

#endif
