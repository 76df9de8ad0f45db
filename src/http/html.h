/*
 * html.h - the output layer: every runtime value reaches HTML through an
 * escaper, so a handler cannot forget it.
 *
 * The body of a page is a struct html, opaque outside src/http/html.c:
 * only the h_* functions below write to it, so buf_puts and friends do not
 * compile on it, and the http layer reads its bytes through the accessors
 * of http/html_body.h (which pages may not include; scripts/check-layers.sh).
 *
 *   h_printf(h, "<td>%s</td>", name)  %s is ALWAYS HTML-escaped (safe in
 *                                      text and in quoted attributes);
 *                                      %d %ld %lld %u %zu %% print numbers.
 *   h_raw(h, "<br>")                   literal markup: a string literal
 *                                      only; any other argument is a
 *                                      compile error.
 *   url_enc(s, out)                    percent-encodes a URL component;
 *                                      the result is then passed to %s.
 * No other conversions are accepted: an unknown one is a BUG().
 */
#ifndef ZHIFA_HTML_H
#define ZHIFA_HTML_H
#include "core/core.h"

struct html;

int h_printf(struct html *h, const char *fmt, ...) PRINTF_LIKE(2, 3);
int h_vprintf(struct html *h, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void h_escape(struct html *h, const char *s);
void h_escape_n(struct html *h, const char *s, size_t n);
/* Writes the n bytes of lit; call it through h_raw, which pastes its
 * argument between two empty literals so that only a literal compiles. */
void h_raw_lit_(struct html *h, const char *lit, size_t n);
#define h_raw(h, lit) h_raw_lit_((h), "" lit "", sizeof("" lit "") - 1)
/* Percent-encode s (RFC 3986 unreserved kept) into out. */
void url_enc(struct buf *out, const char *s);
/* Percent-encode each segment of a path, keeping the '/' separators. */
void url_enc_path(struct buf *out, const char *path);
/* Decode a percent-encoded component ('+' as space when form is true) into
 * out; -1 on malformed escapes or invalid UTF-8. */
int url_dec(struct buf *out, const char *s, size_t n, bool form);
#endif
