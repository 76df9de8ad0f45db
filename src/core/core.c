/* core.c - allocation, error tiers, logging, string and time helpers. */
#include "core.h"
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <sodium.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("内存不足 (out of memory allocating %zu bytes)", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die("内存不足 (out of memory)");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("内存不足 (out of memory reallocating %zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b;
	buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("zhifa: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int error(const char *fmt, ...)
{
	struct buf b;
	buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	log_msg(LOG_ERROR, "%s", buf_str(&b));
	buf_release(&b);
	return -1;
}

static size_t utf8_seq(const unsigned char *s, size_t n);

/* ---- logging ---- */
static enum log_level log_min = LOG_INFO;
static _Thread_local char log_rid[40];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level lvl) { log_min = lvl; }

void log_set_request_id(const char *rid)
{
	if (!rid) {
		log_rid[0] = '\0';
		return;
	}
	snprintf(log_rid, sizeof log_rid, "%s", rid);
}

const char *log_request_id(void) { return log_rid; }

void log_escape(struct buf *out, const char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		size_t l = u[i] >= 0x80 ? utf8_seq(u + i, n - i) : 1;
		if (l > 1) {
			buf_add(out, s + i, l);
			i += l;
			continue;
		}
		unsigned char c = u[i++];
		if (c == '\\') {
			buf_puts(out, "\\\\");
		} else if (c < 0x20 || c == 0x7F || c >= 0x80) {
			char e[4] = { '\\', 'x', digits[c >> 4], digits[c & 15] };
			buf_add(out, e, 4);
		} else {
			buf_putc(out, (char)c);
		}
	}
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	if (lvl < log_min)
		return;
	char ts[21];
	time_now_utc(ts);
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%s %-5s ", ts, names[lvl]);
	if (log_rid[0])
		buf_printf(&b, "[%s] ", log_rid);
	struct buf msg;
	buf_init(&msg, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* whatever a field holds (a client's path, user name, header), the
	 * event stays on one line that cannot be mistaken for another */
	log_escape(&b, msg.data ? msg.data : "", msg.len);
	buf_release(&msg);
	buf_putc(&b, '\n');
	pthread_mutex_lock(&log_lock);
	fwrite(b.data, 1, b.len, stderr);
	pthread_mutex_unlock(&log_lock);
	buf_release(&b);
}

/* ---- strings ---- */
bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
	if (!s)
		return false;
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bool str_empty(const char *s) { return !s || !*s; }

int str_to_ll(const char *s, long long min, long long max, long long *out)
{
	if (str_empty(s))
		return -1;
	if (!(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Returns length of the UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
	else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
	else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
	else return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0xFF >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

long utf8_len(const char *s, size_t n)
{
	long count = 0;
	size_t i = 0;
	while (i < n) {
		size_t l = utf8_seq((const unsigned char *)s + i, n - i);
		if (!l)
			return -1;
		i += l;
		count++;
	}
	return count;
}

bool utf8_valid(const char *s, size_t n) { return utf8_len(s, n) >= 0; }

size_t utf8_sanitize(char *out, size_t outsize, const char *s, size_t n)
{
	static const char ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */
	if (outsize == 0)
		return 0;
	size_t w = 0, i = 0;
	bool in_bad = false;
	while (i < n) {
		size_t l = utf8_seq((const unsigned char *)s + i, n - i);
		const char *piece = s + i;
		size_t plen = l;
		if (l == 0 || (l == 1 && s[i] == '\0')) {
			i++;
			if (in_bad)
				continue; /* one mark for a run of bad bytes */
			in_bad = true;
			piece = ellipsis;
			plen = 3;
		} else {
			in_bad = false;
			i += l;
		}
		if (w + plen >= outsize)
			break; /* cut before the character that does not fit */
		memcpy(out + w, piece, plen);
		w += plen;
	}
	out[w] = '\0';
	return w;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

long hex_decode(const char *in, unsigned char *out, size_t outmax)
{
	size_t n = strlen(in);
	if (n % 2 || n / 2 > outmax)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

bool hex_valid(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

bool token_eq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb || la == 0)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

void size_text(long long n, char *out, size_t cap)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	if (n < 1024) {
		snprintf(out, cap, "%lld 字节", n < 0 ? 0 : n);
		return;
	}
	double v = (double)n / 1024.0;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	if (v < 100.0)
		snprintf(out, cap, "%.1f %s", v, units[u]);
	else
		snprintf(out, cap, "%.0f %s", v, units[u]);
}

/* ---- time ---- */
long long time_now_unix(void)
{
#ifdef ZHIFA_TEST_HOOKS
	/* test builds only (the Makefile's ASan build): unix seconds */
	const char *fake = getenv("ZHIFA_FAKE_NOW");
	long long v;
	if (fake && str_to_ll(fake, 0, 1LL << 40, &v) == 0)
		return v;
#endif
	return (long long)time(NULL);
}

void time_unix_to_utc(long long t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_utc(char out[21])
{
	time_unix_to_utc(time_now_unix(), out);
}

long long time_utc_parse(const char *s)
{
	struct tm tm = { 0 };
	if (!s || strlen(s) != 20)
		return -1;
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	return (long long)timegm(&tm);
}

void time_utc_to_shanghai(const char *utc, char out[20])
{
	long long t = time_utc_parse(utc);
	if (t < 0) {
		snprintf(out, 20, "%s", "-");
		return;
	}
	t += 8 * 3600;
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M", &tm);
}

void time_today_shanghai(char out[11])
{
	time_t tt = (time_t)(time_now_unix() + 8 * 3600);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- embedded files ---- */
#include "embedded.h"
const struct embedded_file *embedded_find(const char *path)
{
	for (const struct embedded_file *f = embedded_files; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

/* ---- expected-failure reports ---- */
#include "err.h"
int err_set(struct err *e, int kind, const char *field, const char *fmt, ...)
{
	if (!e)
		return -1;
	e->kind = kind;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	/* A message quotes input cut with "%.40s" (bytes) and is cut again to
	 * fit e->msg: both cuts can fall inside a character, and a message that
	 * is not UTF-8 cannot be put into a JSON answer.  So it is cut on
	 * character boundaries here, whatever the format did. */
	struct buf b;
	buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	utf8_sanitize(e->msg, sizeof e->msg, buf_str(&b), b.len);
	buf_release(&b);
	return -1;
}

void err_clear(struct err *e)
{
	e->kind = ERR_NONE;
	e->field[0] = '\0';
	e->msg[0] = '\0';
}

void errs_push(struct errs *l, const struct err *e)
{
	if (!l || !e || !e->kind || l->n >= 100)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = *e;
	if (!l->kind)
		l->kind = e->kind;
}

int errs_add(struct errs *l, int kind, const char *field, const char *fmt, ...)
{
	if (!l)
		return -1;
	struct err e;
	e.kind = kind;
	snprintf(e.field, sizeof e.field, "%s", field ? field : "");
	struct buf b; /* cut on character boundaries, as in err_set */
	buf_init(&b, 0);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	utf8_sanitize(e.msg, sizeof e.msg, buf_str(&b), b.len);
	buf_release(&b);
	errs_push(l, &e);
	return -1;
}

const struct err *errs_find(const struct errs *l, const char *field)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (str_eq(l->v[i].field, field))
			return &l->v[i];
	return NULL;
}

void errs_first(const struct errs *l, struct err *e)
{
	if (l && l->n)
		*e = l->v[0];
	else
		err_clear(e);
}

void errs_release(struct errs *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
	l->kind = 0;
}
