/*
 * fuzz_http_form.c - application/x-www-form-urlencoded bodies as the server
 * reads them (fuzz_server.h): the body collected by server.c, form_parse,
 * the CSRF check from the parsed form, and a handler that reads the fields.
 * Input: byte 0 picks the target (bit 0: POST /login without a valid token,
 * so the form is parsed and refused with 403; else the demo officer's edit
 * form of a publicity item with the session's _csrf first, so the fields
 * reach the handler and its validation) and bit 1 asks for JSON; the rest
 * is the body, sent with its Content-Length.
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
	struct buf body, req;
	buf_init(&body, 0);
	buf_init(&req, 0);
	if (!(sel & 1))
		buf_printf(&body, "_csrf=%s&", fz_csrf);
	buf_add(&body, data + 1, size - 1);
	if (sel & 1)
		buf_puts(&req, "POST /login HTTP/1.1\r\n");
	else
		buf_printf(&req, "POST /admin/matters/%lld/edit HTTP/1.1\r\n", fz_item);
	buf_puts(&req, "Host: f\r\nContent-Type: application/x-www-form-urlencoded\r\n");
	if (!(sel & 1))
		buf_printf(&req, "Cookie: zf_session=%s\r\n", fz_token);
	if (sel & 2)
		buf_puts(&req, "Accept: application/json\r\n");
	buf_printf(&req, "Content-Length: %zu\r\n\r\n", body.len);
	buf_add(&req, body.data, body.len);
	fz_exchange(req.data, req.len);
	buf_release(&req);
	buf_release(&body);
	return 0;
}
