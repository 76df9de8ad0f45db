/*
 * tap.h - a tiny Test Anything Protocol harness, run by prove(1).
 *
 *   ok(cond, "name")            one assertion
 *   is_str(got, want, "name")   string equality, shows both on failure
 *   is_int(got, want, "name")
 *   return tap_done();          prints the plan; exit status 1 on failure
 */
#ifndef ZHIFA_TAP_H
#define ZHIFA_TAP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   Failed at %s line %d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, __VA_ARGS__)) \
		printf("#   got: '%s'\n#   expected: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got: %lld\n#   expected: %lld\n", g_, w_); \
} while (0)

static inline void tap_diag(const char *msg) { printf("# %s\n", msg); }

/* Set by the valgrind stage of scripts/run-tests.sh: tests may run fewer
 * rounds of their slowest loops (code paths stay the same, only repeats go). */
static inline int tap_under_valgrind(void)
{
	const char *v = getenv("ZHIFA_UNDER_VALGRIND");
	return v && strcmp(v, "1") == 0;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif
