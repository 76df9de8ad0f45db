/*
 * fuzz_tus.c - libFuzzer target for the tus request headers
 * (recording/tus.h): Upload-Offset / Upload-Length (tus_parse_size), the
 * PATCH length check (tus_fits), Upload-Metadata (tus_metadata_parse) and
 * the cleaning of client-sent names (tus_clean_name, tus_clean_text).
 *
 * The first byte picks the function, the rest is its input.  Checks:
 *  - tus_parse_size accepts exactly [0-9]+ up to INT64_MAX, with the exact
 *    value (printed back modulo leading zeros); *out untouched on error;
 *  - tus_fits agrees with 128-bit arithmetic (no overflow);
 *  - tus_metadata_parse: outputs are NUL-terminated, valid UTF-8, within
 *    their sizes; the name has no path separator or control character;
 *    all empty on failure; re-encoding the outputs as a header parses back
 *    to the same values;
 *  - cleaning is idempotent and yields valid UTF-8 without controls.
 */
#include "core/core.h"
#include "recording/tus.h"
#include <sodium.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *s, bool newlines_ok, const char *what)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		BUG("%s: not valid UTF-8", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(newlines_ok && c == '\n')) || c == 0x7f)
			BUG("%s: control character 0x%02x kept", what, c);
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F)
			BUG("%s: C1 control kept", what);
	}
	if (n && (s[0] == ' ' || s[n - 1] == ' '))
		BUG("%s: not trimmed", what);
}

static void check_name(const char *s)
{
	check_clean(s, false, "name");
	if (strchr(s, '/') || strchr(s, '\\'))
		BUG("name keeps a path separator: %s", s);
	if (strlen(s) > TUS_NAME_MAX)
		BUG("name longer than TUS_NAME_MAX");
	if (str_eq(s, ".") || str_eq(s, ".."))
		BUG("name is . or ..");
}

static void b64_pair(struct buf *b, const char *key, const char *val)
{
	size_t n = strlen(val);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = xmalloc(cap);
	sodium_bin2base64(enc, cap, (const unsigned char *)val, n, sodium_base64_VARIANT_ORIGINAL);
	if (b->len)
		buf_putc(b, ',');
	buf_puts(b, key);
	buf_putc(b, ' ');
	buf_puts(b, enc);
	free(enc);
}

static void fuzz_size(const char *s)
{
	long long v = 4242;
	int r = tus_parse_size(s, &v);
	bool digits = *s != '\0';
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			digits = false;
	if (r == 0) {
		if (!digits)
			BUG("tus_parse_size accepted '%s'", s);
		const char *z = s;
		while (z[0] == '0' && z[1])
			z++;
		char *got = xasprintf("%lld", v);
		if (!str_eq(got, z))
			BUG("tus_parse_size('%s') = %s", s, got);
		free(got);
	} else {
		if (v != 4242)
			BUG("tus_parse_size changed *out on error");
		/* refused digits must be out of range */
		if (digits) {
			const char *z = s;
			while (z[0] == '0' && z[1])
				z++;
			if (strlen(z) < 19 || (strlen(z) == 19 && strcmp(z, "9223372036854775807") <= 0))
				BUG("tus_parse_size refused '%s'", s);
		}
	}
}

static void fuzz_fits(const uint8_t *d, size_t n)
{
	long long a[3] = { 0, 0, 0 };
	memcpy(a, d, n < sizeof a ? n : sizeof a);
	__int128 end = (__int128)a[0] + (__int128)a[1];
	bool want = a[1] < 0 || (a[0] >= 0 && end <= (__int128)a[2]);
	if (tus_fits(a[0], a[1], a[2]) != want)
		BUG("tus_fits(%lld, %lld, %lld) wrong", a[0], a[1], a[2]);
}

static void fuzz_metadata(const char *s)
{
	struct tus_metadata m;
	memset(&m, 0x5a, sizeof m);
	int r = tus_metadata_parse(s, &m);
	if (r != 0 && r != -1)
		BUG("tus_metadata_parse returned %d", r);
	if (!memchr(m.type, 0, sizeof m.type) || !memchr(m.filename, 0, sizeof m.filename) ||
	    !memchr(m.description, 0, sizeof m.description))
		BUG("metadata output not terminated");
	if (r < 0) {
		if (m.type[0] || m.filename[0] || m.description[0])
			BUG("metadata output not emptied on failure");
		return;
	}
	check_name(m.filename);
	check_clean(m.description, true, "description");
	if (!utf8_valid(m.type, strlen(m.type)))
		BUG("type not valid UTF-8");
	for (const char *p = m.type; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || *p == ';' || *p == ' ')
			BUG("type not normalised: %s", m.type);
	/* round trip */
	struct buf b;
	buf_init(&b, 0);
	if (m.type[0])
		b64_pair(&b, "filetype", m.type);
	if (m.filename[0])
		b64_pair(&b, "filename", m.filename);
	if (m.description[0])
		b64_pair(&b, "description", m.description);
	struct tus_metadata m2;
	if (tus_metadata_parse(buf_str(&b), &m2) < 0)
		BUG("re-encoded metadata refused: %s", buf_str(&b));
	if (!str_eq(m.type, m2.type) || !str_eq(m.filename, m2.filename) || !str_eq(m.description, m2.description))
		BUG("metadata round trip differs");
	buf_release(&b);
}

static void fuzz_clean(const char *s, size_t n, bool name)
{
	char out[TUS_DESC_MAX + 1], again[TUS_DESC_MAX + 1];
	int r = name ? tus_clean_name(s, n, out, sizeof out) : tus_clean_text(s, n, out, sizeof out);
	if (r < 0) {
		if (utf8_valid(s, n))
			BUG("valid UTF-8 refused");
		if (out[0])
			BUG("output not emptied on failure");
		return;
	}
	if (name)
		check_name(out);
	else
		check_clean(out, true, "text");
	int r2 = name ? tus_clean_name(out, strlen(out), again, sizeof again)
		      : tus_clean_text(out, strlen(out), again, sizeof again);
	if (r2 < 0 || !str_eq(out, again))
		BUG("cleaning is not idempotent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 5;
	data++;
	size--;
	if (mode == 1) {
		fuzz_fits(data, size);
		return 0;
	}
	char *s = xstrndup((const char *)data, size);
	size_t n = strlen(s); /* up to the first NUL, as a header would be */
	switch (mode) {
	case 0:
		fuzz_size(s);
		break;
	case 2:
		fuzz_metadata(s);
		break;
	case 3:
		fuzz_clean(s, n, true);
		break;
	default:
		fuzz_clean(s, n, false);
		break;
	}
	free(s);
	return 0;
}
