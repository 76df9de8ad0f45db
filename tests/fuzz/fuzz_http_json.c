/*
 * fuzz_http_json.c - JSON request bodies as the API reads them
 * (fuzz_server.h): the body collected by server.c, am_body_json
 * (json_loadb, objects only), am_param_or_json and the publicity item
 * validation behind POST /admin/matters/{id}/edit, as the demo officer
 * with a valid session and X-CSRF-Token, answering JSON.
 * Input: byte 0 picks the answer (bit 0: JSON, else the HTML page the
 * form would show); the rest is the body.  Only the edit route is used,
 * not /admin/matters/new: a new draft for every valid input would grow the
 * in-memory database without bound over a long run.
 * Checks: those of fz_exchange; in particular every JSON answer is a JSON
 * object (an error message cut inside a character was the literal null).
 * The draft written is the state kept between inputs; the checks do not
 * depend on it.
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
	struct buf req;
	buf_init(&req, 0);
	buf_printf(&req, "POST /admin/matters/%lld/edit HTTP/1.1\r\n", fz_item);
	buf_puts(&req, "Host: f\r\nContent-Type: application/json\r\n");
	if (data[0] & 1)
		buf_puts(&req, "Accept: application/json\r\n");
	fz_cookie_header(&req);
	buf_printf(&req, "Content-Length: %zu\r\n\r\n", size - 1);
	buf_add(&req, data + 1, size - 1);
	fz_exchange(req.data, req.len);
	buf_release(&req);
	return 0;
}
