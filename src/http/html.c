/*
 * html.c - the page body (struct html) and the context escapers for HTML
 * and URLs (see html.h, html_body.h).  The format parser accepts a
 * deliberately small set of conversions so that every string goes through
 * h_escape, which is the escaper of core/escape.h.
 */
#include "core/core.h"
#include "core/escape.h"
#include "http/html_body.h"

struct html {
	struct buf b;
};

struct html *html_new(void)
{
	struct html *h = xcalloc(1, sizeof *h);
	buf_init(&h->b, 0);
	return h;
}

void html_free(struct html *h)
{
	if (!h)
		return;
	buf_release(&h->b);
	free(h);
}

void html_reset(struct html *h)
{
	buf_reset(&h->b);
}

const char *html_bytes(const struct html *h, size_t *n)
{
	if (n)
		*n = h->b.len;
	return buf_str(&h->b);
}

char *html_detach(struct html *h, size_t *n)
{
	return buf_detach(&h->b, n);
}

void html_set_bytes(struct html *h, const void *p, size_t n)
{
	buf_reset(&h->b);
	buf_add(&h->b, p, n);
}

void h_trusted_markup(struct html *h, const char *markup)
{
	buf_puts(&h->b, markup);
}

void h_raw_lit_(struct html *h, const char *lit, size_t n)
{
	buf_add(&h->b, lit, n);
}

void h_escape_n(struct html *h, const char *s, size_t n)
{
	esc_markup(&h->b, s, n, 0);
}

void h_escape(struct html *h, const char *s)
{
	if (s)
		h_escape_n(h, s, strlen(s));
}

int h_vprintf(struct html *h, const char *fmt, va_list ap)
{
	struct buf *b = &h->b;
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_puts(b, p);
			break;
		}
		buf_add(b, p, (size_t)(pct - p));
		p = pct + 1;
		if (*p == '%') {
			buf_putc(b, '%');
			p++;
		} else if (*p == 's') {
			h_escape(h, va_arg(ap, const char *));
			p++;
		} else if (*p == 'd') {
			buf_printf(b, "%d", va_arg(ap, int));
			p++;
		} else if (*p == 'u') {
			buf_printf(b, "%u", va_arg(ap, unsigned));
			p++;
		} else if (p[0] == 'l' && p[1] == 'd') {
			buf_printf(b, "%ld", va_arg(ap, long));
			p += 2;
		} else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
			buf_printf(b, "%lld", va_arg(ap, long long));
			p += 3;
		} else if (p[0] == 'z' && p[1] == 'u') {
			buf_printf(b, "%zu", va_arg(ap, size_t));
			p += 2;
		} else {
			BUG("h_printf: unsupported conversion in \"%s\"", fmt);
		}
	}
	return b->overflow ? -1 : 0;
}

int h_printf(struct html *h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = h_vprintf(h, fmt, ap);
	va_end(ap);
	return r;
}

void url_enc(struct buf *out, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_putc(out, (char)*p);
		} else {
			char e[3] = { '%', hexd[*p >> 4], hexd[*p & 15] };
			buf_add(out, e, 3);
		}
	}
}

void url_enc_path(struct buf *out, const char *path)
{
	for (const char *p = path; p && *p; p++) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char *seg = xstrndup(p, n);
		url_enc(out, seg);
		free(seg);
		p += n;
		if (!slash)
			break;
		buf_putc(out, '/');
	}
}

static int hexdig(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int url_dec(struct buf *out, const char *s, size_t n, bool form)
{
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexdig(s[i + 1]), lo = hexdig(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && form) {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		buf_putc(out, c);
	}
	if (!utf8_valid(out->data + start, out->len - start))
		return -1;
	return 0;
}
