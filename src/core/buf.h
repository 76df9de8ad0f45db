/*
 * buf.h - the growable byte buffer (after git's strbuf and curl's dynbuf).
 *
 * Invariants: b->data is never NULL after buf_init and always
 * NUL-terminated at b->len; b->len <= b->max when max is non-zero.  An
 * append that would pass max fails with -1, sets b->overflow and leaves the
 * content unchanged, so callers can check once at the end.
 */
#ifndef ZHIFA_BUF_H
#define ZHIFA_BUF_H

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;     /* 0 = unlimited */
	bool overflow;
};

#define BUF_INIT { NULL, 0, 0, 0, false }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Detach the data (caller frees); leaves b empty and reusable. */
char *buf_detach(struct buf *b, size_t *len);
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void buf_truncate(struct buf *b, size_t len);
static inline const char *buf_str(const struct buf *b) { return b->data ? b->data : ""; }

#endif
