/*
 * fuzz_utf8.c - libFuzzer target for utf8_len/utf8_valid (core.h).
 *
 * Checks, for any bytes: utf8_valid agrees with utf8_len >= 0; a valid
 * string's length is its number of non-continuation bytes; the answer
 * agrees with an independent strict decoder (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF); every prefix cut at a code-point
 * boundary of a valid string is valid, and a cut inside a sequence is not.
 */
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reference: the Unicode Table 3-7 well-formed byte sequences. */
static long ref_len(const uint8_t *s, size_t n)
{
	long count = 0;
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint8_t lo = 0x80, hi = 0xBF;
		if (c <= 0x7F) len = 1;
		else if (c >= 0xC2 && c <= 0xDF) len = 2;
		else if (c == 0xE0) { len = 3; lo = 0xA0; }
		else if (c >= 0xE1 && c <= 0xEC) len = 3;
		else if (c == 0xED) { len = 3; hi = 0x9F; }
		else if (c >= 0xEE && c <= 0xEF) len = 3;
		else if (c == 0xF0) { len = 4; lo = 0x90; }
		else if (c >= 0xF1 && c <= 0xF3) len = 4;
		else if (c == 0xF4) { len = 4; hi = 0x8F; }
		else return -1;
		if (n - i < len)
			return -1;
		for (size_t k = 1; k < len; k++) {
			uint8_t b = s[i + k];
			uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
			if (b < l || b > h)
				return -1;
		}
		i += len;
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	long len = utf8_len(s, size);
	if (utf8_valid(s, size) != (len >= 0))
		BUG("utf8_valid disagrees with utf8_len");
	long ref = ref_len(data, size);
	if (len != ref)
		BUG("utf8_len %ld, reference %ld", len, ref);
	if (len < 0)
		return 0;
	long starts = 0;
	for (size_t i = 0; i < size; i++)
		if ((data[i] & 0xC0) != 0x80)
			starts++;
	if (starts != len)
		BUG("utf8_len %ld but %ld lead bytes", len, starts);
	for (size_t cut = 0; cut <= size; cut++) {
		bool boundary = cut == size || (data[cut] & 0xC0) != 0x80;
		if (utf8_valid(s, cut) != boundary)
			BUG("prefix of %zu bytes: valid=%d, boundary=%d", cut, utf8_valid(s, cut), boundary);
	}
	return 0;
}
