/*
 * fuzz_disclosure_search.c - libFuzzer target for the text side of the
 * search of published decisions (disclosure/search.h): dsearch_normalize
 * and dsearch_terms, which every query and every indexed text go through.
 *
 * Checks, for any bytes: the normalised text is valid UTF-8, has no
 * leading, trailing or double space and no separator left in it;
 * normalising it again changes nothing; its terms are strictly ascending,
 * each a pair of code points (or a code point and 0) below 0x110000, and
 * a non-empty text has some.
 */
#include "core/core.h"
#include "disclosure/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xmalloc(size + 1);
	memcpy(in, data, size);
	in[size] = 0; /* the query as the server sees it: up to the first NUL */
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	dsearch_normalize(in, &a);
	const char *s = buf_str(&a);
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		BUG("normalised text is not valid UTF-8");
	if (n && (s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  ")))
		BUG("spaces not collapsed");
	if (strpbrk(s, "\t\r\n,.;:!?\"'()<>%_"))
		BUG("a separator survived");
	dsearch_normalize(s, &b);
	if (!str_eq(s, buf_str(&b)))
		BUG("normalising twice changed the text");
	long long *t;
	size_t nt = dsearch_terms(s, &t);
	for (size_t i = 0; i < nt; i++) {
		if (i && t[i - 1] >= t[i])
			BUG("terms not strictly ascending");
		long long c1 = t[i] / DSEARCH_TERM_BASE, c2 = t[i] % DSEARCH_TERM_BASE;
		if (c1 <= 0 || c1 >= DSEARCH_TERM_BASE || c2 < 0)
			BUG("term out of range");
	}
	if (n && !nt)
		BUG("a non-empty text without terms");
	free(t);
	buf_release(&a);
	buf_release(&b);
	free(in);
	return 0;
}
