/*
 * fuzz_str_to_ll.c - libFuzzer target for str_to_ll (core.h).
 *
 * The input is [8 bytes min][8 bytes max][text]; the text is made a
 * NUL-terminated string.  Checks: on success the value is within
 * [min,max], the text is an optional '-' and decimal digits only (no
 * spaces, no '+', no trailing junk), and the value equals the text's exact
 * decimal value (checked by printing it back, modulo leading zeros and
 * "-0"); on failure *out is untouched.
 */
#include "core/core.h"
#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The text without leading zeros (keeps one digit), "-0..." as "0". */
static char *canonical(const char *s)
{
	bool neg = *s == '-';
	if (neg)
		s++;
	while (s[0] == '0' && s[1])
		s++;
	if (str_eq(s, "0"))
		neg = false;
	return xasprintf("%s%s", neg ? "-" : "", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long long min = 0, max = 0;
	if (size >= 16) {
		memcpy(&min, data, 8);
		memcpy(&max, data + 8, 8);
		data += 16;
		size -= 16;
	} else {
		min = INT64_MIN;
		max = INT64_MAX;
	}
	char *s = xstrndup((const char *)data, size);
	long long v = 12345;
	int r = str_to_ll(s, min, max, &v);
	if (r == 0) {
		if (v < min || v > max)
			BUG("str_to_ll gave %lld outside [%lld,%lld]", v, min, max);
		const char *p = s + (*s == '-');
		if (!*p)
			BUG("str_to_ll accepted a sign alone");
		for (; *p; p++)
			if (!isdigit((unsigned char)*p))
				BUG("str_to_ll accepted '%s'", s);
		char *want = canonical(s);
		char *got = xasprintf("%lld", v);
		if (!str_eq(want, got))
			BUG("str_to_ll('%s') = %s", s, got);
		free(want);
		free(got);
	} else {
		if (r != -1)
			BUG("str_to_ll returned %d", r);
		if (v != 12345)
			BUG("str_to_ll changed *out on failure");
	}
	free(s);
	return 0;
}
