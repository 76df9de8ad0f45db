/*
 * fuzz_http_query.c - the request head and query string through the real
 * server (fuzz_server.h): libmicrohttpd's request-line and argument
 * parsing, http_unescape (the one decoding), path and UTF-8 checks, the
 * router and the GET handlers that read query parameters, anonymous and
 * logged in.
 * Input: byte 0 picks the route and whether the session cookie is sent
 * (bit 7 set: the rest is the path itself, after "/"); the rest is the
 * query string, raw (not escaped: spaces, CR, LF and all).
 * Checks: those of fz_exchange (no hang, no 5xx, well-formed headers with
 * no control characters, JSON answers that are JSON).
 */
#include "fuzz_server.h"

static const char *const paths[] = {
	"/portal/matters", "/portal/search", "/api/v1/calendar/due", "/api/v1/calendar/is-workday",
	"/api/v1/portal/matters", "/login", "/admin/matters", "/portal/officers", "/log", "/admin/deadlines",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned sel = data[0];
	struct buf b;
	buf_init(&b, 0);
	if (sel & 0x80) {
		buf_puts(&b, "GET /");
		buf_add(&b, data + 1, size - 1);
	} else {
		buf_printf(&b, "GET %s?", paths[(sel & 0x3F) % ARRAY_SIZE(paths)]);
		buf_add(&b, data + 1, size - 1);
	}
	buf_puts(&b, " HTTP/1.1\r\nHost: f\r\n");
	if (sel & 0x40)
		fz_cookie_header(&b);
	if (sel & 0x20)
		buf_puts(&b, "Accept: application/json\r\n");
	buf_puts(&b, "\r\n");
	fz_exchange(b.data, b.len);
	buf_release(&b);
	return 0;
}
