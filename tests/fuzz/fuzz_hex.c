/*
 * fuzz_hex.c - libFuzzer target for hex_encode/hex_decode (core.h).
 *
 * Checks: encode then decode gives the bytes back and the encoding is
 * 2n lowercase hex digits; decoding arbitrary text (NUL-terminated copy,
 * buffer size chosen by the first byte) never writes past outmax, returns
 * -1 exactly for odd length, non-hex characters or too small a buffer, and
 * otherwise re-encodes to the lowercased input.
 */
#include "core/core.h"
#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. round trip of arbitrary bytes */
	char *hex = xmalloc(2 * size + 1);
	hex_encode(data, size, hex);
	if (strlen(hex) != 2 * size)
		BUG("hex_encode length");
	for (size_t i = 0; i < 2 * size; i++)
		if (!isdigit((unsigned char)hex[i]) && !(hex[i] >= 'a' && hex[i] <= 'f'))
			BUG("hex_encode produced '%c'", hex[i]);
	unsigned char *back = xmalloc(size + 1);
	if (hex_decode(hex, back, size) != (long)size || memcmp(back, data, size) != 0)
		BUG("hex round trip");
	if (size > 0 && hex_decode(hex, back, size - 1) != -1)
		BUG("hex_decode wrote past outmax");
	free(back);
	free(hex);

	/* 2. decoding arbitrary text */
	if (size == 0)
		return 0;
	size_t outmax = data[0] % 64;
	char *text = xstrndup((const char *)data + 1, size - 1); /* stops at a NUL */
	size_t n = strlen(text);
	bool allhex = true;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)text[i]))
			allhex = false;
	/* guard bytes after outmax catch overruns even without ASan */
	unsigned char *out = xmalloc(outmax + 8);
	memset(out, 0xA5, outmax + 8);
	long r = hex_decode(text, out, outmax);
	bool want_ok = allhex && n % 2 == 0 && n / 2 <= outmax;
	if ((r >= 0) != want_ok)
		BUG("hex_decode returned %ld for %zu chars, outmax %zu", r, n, outmax);
	for (size_t i = outmax; i < outmax + 8; i++)
		if (out[i] != 0xA5)
			BUG("hex_decode wrote past outmax");
	if (r >= 0) {
		char *again = xmalloc(2 * (size_t)r + 1);
		hex_encode(out, (size_t)r, again);
		for (size_t i = 0; i < n; i++)
			if (again[i] != (char)tolower((unsigned char)text[i]))
				BUG("hex_decode/encode mismatch at %zu", i);
		free(again);
	}
	free(out);
	free(text);
	return 0;
}
