/*
 * fuzz_ident.c - libFuzzer target for the identifier checks (core/ident.h).
 *
 * Checks: never crashes or reads past the input; the first byte picks the
 * "today" of the identity-number check (deterministic, no clock); a
 * number is accepted exactly when a simple reference says so (18 bytes,
 * the standard's character set, the recomputed check character, a real
 * birth date in range); an accepted identity number gives a birth date
 * equal to its digits 7-14 and changing its check character refuses it;
 * an accepted credit code is refused after any change of its check
 * character; ident_normalize's output is never longer than its input,
 * has no lower-case ASCII letter and no white space at either end.
 */
#include "core/core.h"
#include "core/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char usset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	static const char *const todays[] = { "2026-12-01", "1900-01-01", "2000-02-29", "1999-12-31" };
	const char *today = todays[data[0] % 4];
	char *s = xstrndup((const char *)data + 1, size - 1); /* stops at a NUL */
	size_t n = strlen(s);

	/* 1. identity number */
	char birth[11] = "";
	enum ident_why w = ident_id_card_check(s, today, birth);
	if (w == IDENT_OK) {
		if (n != 18)
			BUG("accepted an identity number of %zu bytes", n);
		if (ident_id_card_check_char(s) != s[17])
			BUG("accepted a wrong check character");
		if (memcmp(birth, s + 6, 4) || birth[4] != '-' || memcmp(birth + 5, s + 10, 2) || birth[7] != '-' ||
		    memcmp(birth + 8, s + 12, 2) || birth[10])
			BUG("birth date %s does not match the number", birth);
		if (strcmp(birth, today) > 0 || strcmp(birth, "1900-01-01") < 0)
			BUG("birth date %s out of range", birth);
		char t[19];
		memcpy(t, s, 19);
		t[17] = t[17] == 'X' ? '0' : 'X';
		if (ident_id_card_check(t, today, NULL) != IDENT_CHECK)
			BUG("a changed check character was not refused");
	} else if (n == 18 && w != IDENT_LENGTH) {
		/* refused for a reason; the reason must be real */
		if (w == IDENT_CHECK && ident_id_card_check_char(s) == s[17])
			BUG("refused a right check character");
	} else if (n != 18 && w != IDENT_LENGTH) {
		BUG("wrong length not reported (%d)", (int)w);
	}

	/* 2. credit code */
	w = ident_uscc_check(s);
	bool in_set = n == 18;
	for (size_t i = 0; in_set && i < n; i++)
		if (!strchr(usset, s[i]) || s[i] == '\0')
			in_set = false;
	if (w == IDENT_OK) {
		if (!in_set || ident_uscc_check_char(s) != s[17] || !ident_uscc_type(s) || !ident_uscc_ok(s))
			BUG("accepted a credit code the reference refuses");
		for (const char *c = usset; *c; c++) {
			if (*c == s[17])
				continue;
			char t[19];
			memcpy(t, s, 19);
			t[17] = *c;
			if (ident_uscc_ok(t))
				BUG("a changed check character was not refused");
		}
	} else if (in_set && ident_uscc_type(s) && ident_uscc_check_char(s) == s[17]) {
		bool digits = true;
		for (int i = 2; i < 8; i++)
			if (s[i] < '0' || s[i] > '9')
				digits = false;
		if (digits)
			BUG("refused a credit code the reference accepts");
	}

	/* 3. normalisation */
	char out[64];
	ident_normalize(s, out, sizeof out);
	size_t m = strlen(out);
	if (m > n || m > sizeof out - 1)
		BUG("normalised text longer than its input");
	for (size_t i = 0; i < m; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			BUG("lower case left by ident_normalize");
	if (m && (out[0] == ' ' || out[m - 1] == ' ' || out[0] == '\t' || out[m - 1] == '\t'))
		BUG("white space left at an end");
	free(s);

	/* 4. minors never crash on any pair of strings */
	if (size > 21) {
		char a[11], b[11];
		memcpy(a, data + 1, 10), a[10] = '\0';
		memcpy(b, data + 11, 10), b[10] = '\0';
		(void)ident_is_minor(a, b);
	}
	return 0;
}
