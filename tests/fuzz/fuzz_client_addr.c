/*
 * fuzz_client_addr.c - libFuzzer target for client_addr_pick
 * (http/client_addr.h): the client's address from X-Forwarded-For and
 * X-Real-IP behind trusted proxies.
 *
 * The input is split at the first NUL: X-Forwarded-For before it, X-Real-IP
 * after it.  Checks, with 127.0.0.1 and 10.0.0.0/8 trusted: the answer is
 * NUL-terminated, non-empty, has no control characters, spaces or commas,
 * and is the peer or an address that parses (inet_pton); from an untrusted
 * peer it is always the peer.
 */
#include "core/core.h"
#include "core/config.h"
#include "http/client_addr.h"
#include <arpa/inet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool parses(const char *s)
{
	unsigned char a[16];
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c;
	static bool ready;
	if (!ready) {
		struct buf err;
		buf_init(&err, 0);
		config_defaults(&c, "/tmp/zhifa-fuzz-data");
		if (config_set(&c, "trusted_proxies", "127.0.0.1, 10.0.0.0/8", &err) < 0)
			BUG("config_set: %s", buf_str(&err));
		buf_release(&err);
		ready = true;
	}
	char *text = xstrndup((const char *)data, size);
	const char *nul = memchr(data, '\0', size);
	const char *real = nul ? (const char *)data + (nul - (const char *)data) + 1 : NULL;
	char *real_copy = real ? xstrndup(real, size - (size_t)(real - (const char *)data)) : NULL;
	char out[64];
	client_addr_pick(&c, "127.0.0.1", text, real_copy, out, sizeof out);
	if (!memchr(out, '\0', sizeof out) || !out[0])
		BUG("empty or unterminated answer");
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == ',')
			BUG("answer has a control character, space or comma: %s", out);
	if (!str_eq(out, "127.0.0.1") && !parses(out))
		BUG("answer is not an address: %s", out);
	client_addr_pick(&c, "192.0.2.1", text, real_copy, out, sizeof out);
	if (!str_eq(out, "192.0.2.1"))
		BUG("untrusted peer, answer %s", out);
	free(text);
	free(real_copy);
	return 0;
}
