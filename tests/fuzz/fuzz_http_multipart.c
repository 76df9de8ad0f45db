/*
 * fuzz_http_multipart.c - multipart/form-data bodies as the server reads
 * them (fuzz_server.h): libmicrohttpd's post processor driven by
 * multipart_parse in server.c (field chunks joined, file names, the UTF-8
 * and NUL checks), then the CSRF check and a handler.
 * Input: byte 0 picks the target as in fuzz_http_form (bit 0: POST /login,
 * refused after parsing; else the officer's edit form with a valid token
 * header); then the boundary up to the first newline (at most 70 bytes);
 * the rest is the body, sent with its Content-Length.
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
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t blen = nl ? (size_t)(nl - p) : 0;
	if (blen > 70)
		blen = 70;
	const char *body = nl ? nl + 1 : p;
	struct buf req;
	buf_init(&req, 0);
	if (sel & 1)
		buf_puts(&req, "POST /login HTTP/1.1\r\n");
	else
		buf_printf(&req, "POST /admin/matters/%lld/edit HTTP/1.1\r\n", fz_item);
	buf_puts(&req, "Host: f\r\nContent-Type: multipart/form-data; boundary=");
	buf_add(&req, p, blen);
	buf_puts(&req, "\r\n");
	if (!(sel & 1))
		fz_cookie_header(&req);
	if (sel & 2)
		buf_puts(&req, "Accept: application/json\r\n");
	buf_printf(&req, "Content-Length: %zu\r\n\r\n", (size_t)(end - body));
	buf_add(&req, body, (size_t)(end - body));
	fz_exchange(req.data, req.len);
	buf_release(&req);
	return 0;
}
