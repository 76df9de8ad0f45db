/*
 * html.h - the output layer: every runtime value reaches HTML through an
 * escaper, so a handler cannot forget it.
 *
 *   h_printf(b, "<td>%s</td>", name)  %s is ALWAYS HTML-escaped (safe in
 *                                      text and in quoted attributes);
 *                                      %d %ld %lld %u %zu %% print numbers.
 *   h_raw(b, s)                        the visible marker for trusted,
 *                                      already-safe markup (generated SVG,
 *                                      literal tags).
 *   url_enc(s, out)                    percent-encodes a URL component;
 *                                      the result is then passed to %s.
 *   h_json(b, v)                       JSON (jansson) escaped for embedding
 *                                      in an HTML attribute.
 * No other conversions are accepted: an unknown one is a BUG().
 */
#ifndef ZHIFA_HTML_H
#define ZHIFA_HTML_H
#include "core/core.h"

int h_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
int h_vprintf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void h_escape(struct buf *b, const char *s);
void h_escape_n(struct buf *b, const char *s, size_t n);
static inline void h_raw(struct buf *b, const char *trusted) { buf_puts(b, trusted); }
/* Percent-encode s (RFC 3986 unreserved kept) into out. */
void url_enc(struct buf *out, const char *s);
/* Percent-encode each segment of a path, keeping the '/' separators. */
void url_enc_path(struct buf *out, const char *path);
/* Decode a percent-encoded component ('+' as space when form is true) into
 * out; -1 on malformed escapes or invalid UTF-8. */
int url_dec(struct buf *out, const char *s, size_t n, bool form);
#endif
