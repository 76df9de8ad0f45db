/*
 * fuzz_http_parse.c - libFuzzer target for the request parsers of the web
 * layer: url_dec/url_enc (http/html.h), form_parse and http_unescape
 * (http/http.h).  Cookies are parsed by libmicrohttpd; fuzz_http_cookie
 * covers them through the server.
 *
 * Checks, for any bytes:
 *   url_dec  success => output is valid UTF-8 without NUL and not longer
 *            than the input; url_enc of it gives only unreserved characters
 *            and %XX, and decodes back to the same bytes;
 *   form_parse  failure => the list is left as it was; success => every
 *            key is non-empty, keys and values are valid UTF-8, and
 *            re-encoding the pairs and parsing again gives the same pairs;
 *   http_unescape (the server's decoding of path and query) agrees with
 *            url_dec: the same bytes when url_dec accepts the input, and
 *            output that is not UTF-8 (so refused with 400) exactly when
 *            url_dec refuses it; never longer than its input.
 */
#include "core/core.h"
#include "http/html.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_url(const char *s, size_t n, bool form)
{
	struct buf out, enc, back;
	buf_init(&out, 0);
	if (url_dec(&out, s, n, form) < 0) {
		buf_release(&out);
		return;
	}
	if (!utf8_valid(out.data, out.len) || strlen(buf_str(&out)) != out.len || out.len > n)
		BUG("url_dec output not clean UTF-8 text");
	buf_init(&enc, 0);
	url_enc(&enc, buf_str(&out));
	for (size_t i = 0; i < enc.len; i++) {
		char c = enc.data[i];
		bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
				  c == '-' || c == '_' || c == '.' || c == '~';
		if (!unreserved && c != '%')
			BUG("url_enc left '%c'", c);
	}
	buf_init(&back, 0);
	if (url_dec(&back, enc.data, enc.len, false) < 0 || back.len != out.len ||
	    memcmp(back.data, out.data, out.len) != 0)
		BUG("url_enc/url_dec round trip");
	buf_release(&out);
	buf_release(&enc);
	buf_release(&back);
}

static void check_form(const char *s, size_t n)
{
	struct kvlist l = { 0 };
	kv_add(&l, "pre", 3, "existing", 8);
	if (form_parse(&l, s, n) < 0) {
		if (l.n != 1 || !str_eq(l.items[0].val, "existing"))
			BUG("failed form_parse changed the list");
		kv_free(&l);
		return;
	}
	struct buf again;
	buf_init(&again, 0);
	for (size_t i = 1; i < l.n; i++) {
		const char *k = l.items[i].key, *v = l.items[i].val;
		if (!*k)
			BUG("form_parse gave an empty key");
		if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v)))
			BUG("form_parse gave invalid UTF-8");
		if (again.len)
			buf_putc(&again, '&');
		url_enc(&again, k);
		buf_putc(&again, '=');
		url_enc(&again, v);
	}
	struct kvlist l2 = { 0 };
	if (form_parse(&l2, buf_str(&again), again.len) < 0 || l2.n != l.n - 1)
		BUG("re-encoded form does not parse back");
	for (size_t i = 0; i < l2.n; i++)
		if (!str_eq(l2.items[i].key, l.items[i + 1].key) || !str_eq(l2.items[i].val, l.items[i + 1].val))
			BUG("form round trip differs at pair %zu", i);
	kv_free(&l2);
	kv_free(&l);
	buf_release(&again);
}

static void check_unescape(const char *s, size_t n)
{
	char *copy = xstrndup(s, n);
	size_t len = strlen(copy); /* the server sees C strings */
	struct buf ref;
	buf_init(&ref, 0);
	int rc = url_dec(&ref, copy, len, false);
	size_t got = http_unescape(NULL, NULL, copy);
	if (got > len || strlen(copy) != got)
		BUG("http_unescape grew the string or lied about its length");
	if (rc == 0 && (got != ref.len || memcmp(copy, ref.data ? ref.data : "", got) != 0))
		BUG("http_unescape differs from url_dec");
	if ((rc == 0) != utf8_valid(copy, got))
		BUG("http_unescape accepts what url_dec refuses (or the reverse)");
	buf_release(&ref);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	check_url(s, size, false);
	check_url(s, size, true);
	check_form(s, size);
	check_unescape(s, size);
	return 0;
}
