/*
 * core.h - the bottom layer of zhifa: allocation that never returns NULL,
 * the growable buffer, error tiers and logging.  Knows nothing of the
 * domain.  Every source file includes this first.
 *
 * Error tiers (after git):
 *   BUG(...)   a broken invariant: prints file:line and aborts.
 *   die(...)   a fatal start-up problem: prints and exits with status 1.
 *   error(...) an expected failure: logs and returns -1 for the caller.
 */
#ifndef ZHIFA_CORE_H
#define ZHIFA_CORE_H


#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#define ZHIFA_VERSION "0.1.0"

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation: aborts on failure, never returns NULL ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- errors ---- */
NORETURN void bug_at(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- logging: one line per event on stderr, with the request id of the
 * calling thread when one is set (see log_set_request_id). ---- */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level lvl);
void log_set_request_id(const char *rid); /* thread-local; NULL clears */
const char *log_request_id(void);
void log_msg(enum log_level lvl, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Append s[0..n) to out as one log field: valid UTF-8 text as is, a
 * backslash doubled, control characters, DEL and bytes that are not UTF-8
 * as \xHH.  log_msg passes every message through it. */
struct buf;
void log_escape(struct buf *out, const char *s, size_t n);
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* ---- small string helpers ---- */
bool str_eq(const char *a, const char *b);          /* NULL-safe */
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
bool str_empty(const char *s);                      /* NULL or "" */
/* Parse a whole decimal integer in [min,max]; 0 on success, -1 otherwise. */
int str_to_ll(const char *s, long long min, long long max, long long *out);
/* Number of Unicode code points in valid UTF-8, -1 if invalid. */
long utf8_len(const char *s, size_t n);
bool utf8_valid(const char *s, size_t n);
/* Copy s[0..n) into out[outsize] as valid UTF-8, NUL-terminated: each run
 * of bytes that are not UTF-8 (such as a character cut in half by "%.40s")
 * becomes one "…", and when out is too small the copy ends on a character
 * boundary.  Returns the length written. */
size_t utf8_sanitize(char *out, size_t outsize, const char *s, size_t n);
/* Hex encode n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decode hex; returns bytes written or -1. */
long hex_decode(const char *in, unsigned char *out, size_t outmax);
/* True when s is exactly n lower-case hex digits (a NULL s is not). */
bool hex_valid(const char *s, size_t n);
/* Constant-time comparison of two secret NUL-terminated tokens (CSRF,
 * upload tokens): true when both are non-empty and equal.  NULL-safe. */
bool token_eq(const char *a, const char *b);
/* A byte count for people: "980 字节", "2.9 MB", "8.0 GB" (1024-based,
 * one decimal below 100). */
void size_text(long long n, char *out, size_t cap);

/* ---- time: UTC stored, Asia/Shanghai shown ---- */
/* Current time as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into out[21]. */
void time_now_utc(char out[21]);
/* Unix seconds.  Test builds (-DZHIFA_TEST_HOOKS, the Makefile's ASan
 * build) honour ZHIFA_FAKE_NOW=SECONDS; the release binary never does. */
long long time_now_unix(void);
void time_unix_to_utc(long long t, char out[21]);
/* Parse "YYYY-MM-DDTHH:MM:SSZ"; -1 on error. */
long long time_utc_parse(const char *s);
/* Format a UTC timestamp string as Beijing time "YYYY-MM-DD HH:MM" (+8h). */
void time_utc_to_shanghai(const char *utc, char out[20]);
/* Today's date in Asia/Shanghai, "YYYY-MM-DD". */
void time_today_shanghai(char out[11]);

#include "buf.h"
#include "banned.h"

#endif
