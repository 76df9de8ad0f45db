/*
 * tus.c - strict parsing of the tus 1.0 request headers and cleaning of
 * client-sent names.  See tus.h.
 */
#include "core/core.h"
#include "recording/tus.h"
#include <sodium.h>

int tus_parse_size(const char *s, long long *out)
{
	if (!s || !*s)
		return -1;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v))
			return -1;
	}
	*out = v;
	return 0;
}

bool tus_fits(long long offset, long long content_length, long long length)
{
	if (content_length < 0)
		return true;
	long long end;
	return offset >= 0 && !__builtin_add_overflow(offset, content_length, &end) && end <= length;
}

/* Length of the longest prefix of s[0..n) that ends on a UTF-8 character
 * boundary and is at most max bytes (s is valid UTF-8). */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return k;
}

static size_t trim(char *out, size_t len)
{
	size_t a = 0;
	while (a < len && (out[a] == ' ' || out[a] == '\t' || out[a] == '\n'))
		a++;
	while (len > a && (out[len - 1] == ' ' || out[len - 1] == '\t' || out[len - 1] == '\n'))
		len--;
	memmove(out, out + a, len - a);
	len -= a;
	out[len] = '\0';
	return len;
}

static int clean(const char *in, size_t n, char *out, size_t cap, bool newlines)
{
	if (!cap)
		return -1;
	out[0] = '\0';
	if (!in)
		return 0;
	if (!utf8_valid(in, n))
		return -1;
	char *tmp = xmalloc(n + 1);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r') {
			if (newlines && !(i + 1 < n && in[i + 1] == '\n'))
				tmp[len++] = '\n';
			continue;
		}
		if (c == '\n' && newlines) {
			tmp[len++] = '\n';
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		/* C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F) */
		if (c == 0xC2 && i + 1 < n && (unsigned char)in[i + 1] >= 0x80 && (unsigned char)in[i + 1] <= 0x9F) {
			i++;
			continue;
		}
		tmp[len++] = (char)c;
	}
	tmp[len] = '\0';
	len = trim(tmp, len);
	len = utf8_cut(tmp, len, cap - 1);
	memcpy(out, tmp, len);
	out[len] = '\0';
	free(tmp);
	trim(out, strlen(out));
	return 0;
}

int tus_clean_name(const char *in, size_t n, char *out, size_t cap)
{
	if (cap)
		out[0] = '\0';
	if (!in)
		return 0;
	if (!utf8_valid(in, n))
		return -1;
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i] == '/' || in[i] == '\\')
			start = i + 1;
	size_t lim = cap > TUS_NAME_MAX + 1 ? TUS_NAME_MAX + 1 : cap;
	if (clean(in + start, n - start, out, lim, false) < 0)
		return -1;
	if (strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		out[0] = '\0';
	return 0;
}

int tus_clean_text(const char *in, size_t n, char *out, size_t cap)
{
	return clean(in, n, out, cap, true);
}

/* Lower-case type without parameters or white space. */
static void norm_type(const char *in, char *out, size_t cap)
{
	size_t i = 0;
	for (; in[i] && in[i] != ';' && in[i] != ' ' && i + 1 < cap; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
	out[i] = '\0';
}

static bool key_is(const char *k, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(k, name, klen) == 0;
}

int tus_metadata_parse(const char *md, struct tus_metadata *out)
{
	memset(out, 0, sizeof *out);
	if (!md || !*md)
		return 0;
	size_t mdlen = strlen(md);
	if (mdlen > 8192)
		return -1;
	enum { K_TYPE, K_NAME, K_DESC, K_MAX };
	bool seen[K_MAX] = { false };
	/* keys seen, to refuse repetitions of any key */
	struct { const char *k; size_t n; } keys[64];
	size_t nkeys = 0;
	unsigned char *dec = xmalloc(mdlen + 1);
	int rc = 0;
	const char *p = md;
	for (;;) {
		const char *k = p;
		while (*p && *p != ' ' && *p != ',')
			p++;
		size_t klen = (size_t)(p - k);
		if (!klen) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < klen; i++)
			if ((unsigned char)k[i] <= 0x20 || (unsigned char)k[i] >= 0x7f) {
				rc = -1;
				break;
			}
		if (rc)
			break;
		for (size_t i = 0; i < nkeys; i++)
			if (keys[i].n == klen && memcmp(keys[i].k, k, klen) == 0)
				rc = -1;
		if (rc || nkeys == ARRAY_SIZE(keys)) {
			rc = -1;
			break;
		}
		keys[nkeys].k = k;
		keys[nkeys++].n = klen;
		size_t dlen = 0;
		if (*p == ' ') {
			p++;
			const char *val = p;
			while (*p && *p != ',')
				p++;
			size_t vlen = (size_t)(p - val);
			if (vlen && sodium_base642bin(dec, mdlen, val, vlen, NULL, &dlen, NULL,
						      sodium_base64_VARIANT_ORIGINAL) != 0) {
				rc = -1;
				break;
			}
		}
		dec[dlen] = '\0';
		if (memchr(dec, '\0', dlen) || !utf8_valid((const char *)dec, dlen)) {
			rc = -1;
			break;
		}
		int which = key_is(k, klen, "filetype") || key_is(k, klen, "type") ? K_TYPE :
			    key_is(k, klen, "filename") || key_is(k, klen, "name") ? K_NAME :
			    key_is(k, klen, "description") ? K_DESC : -1;
		if (which >= 0) {
			if (seen[which]) {
				rc = -1;
				break;
			}
			seen[which] = true;
			if (which == K_TYPE) {
				if (dlen >= sizeof out->type) {
					rc = -1;
					break;
				}
				norm_type((const char *)dec, out->type, sizeof out->type);
			} else if (which == K_NAME) {
				tus_clean_name((const char *)dec, dlen, out->filename, sizeof out->filename);
			} else {
				tus_clean_text((const char *)dec, dlen, out->description, sizeof out->description);
			}
		}
		if (!*p)
			break;
		if (*p != ',') {
			rc = -1;
			break;
		}
		p++;
		while (*p == ' ')
			p++;
	}
	free(dec);
	if (rc < 0)
		memset(out, 0, sizeof *out);
	return rc;
}
