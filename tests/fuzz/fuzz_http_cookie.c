/*
 * fuzz_http_cookie.c - the Cookie header and session tokens through the
 * code the server calls (fuzz_server.h): libmicrohttpd's cookie parsing,
 * session_resolve (people_session_lookup on the database, the anonymous
 * CSRF token check), the login and role checks of the router and the
 * CSRF comparison with X-CSRF-Token.
 * Input: byte 0 picks the request (GET /admin, GET /login, GET /admin/
 * matters as JSON, an empty POST to the officer's edit form, which the
 * CSRF check guards; bit 4 adds the session's X-CSRF-Token); the rest is the
 * Cookie header's value, raw.  "@T" in it becomes the live session token of
 * the demo officer and "@C" its CSRF token, so inputs can reach the
 * logged-in paths and mutate around a real token.
 * Checks: those of fz_exchange.
 */
#include "fuzz_server.h"

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
	struct buf req;
	buf_init(&req, 0);
	switch (sel % 4) {
	case 0: buf_puts(&req, "GET /admin HTTP/1.1\r\n"); break;
	case 1: buf_puts(&req, "GET /login HTTP/1.1\r\n"); break;
	case 2: buf_puts(&req, "GET /admin/matters HTTP/1.1\r\nAccept: application/json\r\n"); break;
	default:
		buf_printf(&req, "POST /admin/matters/%lld/edit HTTP/1.1\r\nContent-Length: 0\r\n", fz_item);
		break;
	}
	buf_puts(&req, "Host: f\r\nCookie: ");
	for (size_t i = 1; i < size; i++) {
		if (data[i] == '@' && i + 1 < size && (data[i + 1] == 'T' || data[i + 1] == 'C')) {
			buf_puts(&req, data[i + 1] == 'T' ? fz_token : fz_csrf);
			i++;
		} else {
			buf_putc(&req, (char)data[i]);
		}
	}
	buf_puts(&req, "\r\n");
	if (sel & 0x10)
		buf_printf(&req, "X-CSRF-Token: %s\r\n", fz_csrf);
	buf_puts(&req, "\r\n");
	fz_exchange(req.data, req.len);
	buf_release(&req);
	return 0;
}
