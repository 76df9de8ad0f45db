/*
 * err.h - the expected-failure report passed up from the domain layer.
 *
 * A domain function that can fail for the user's reasons takes a
 * struct err *, and on failure fills it with a kind (which the web layer
 * maps to the HTTP status of the same number), the offending field name
 * (form field / JSON key, "" if none) and a message in Chinese naming the
 * problem, then returns -1.  Nothing is written when -1 is returned (one
 * transaction per action).
 */
#ifndef ZHIFA_ERR_H
#define ZHIFA_ERR_H
#include "core/core.h"

enum err_kind {
	ERR_NONE = 0,
	ERR_INVALID = 400,    /* bad input: names the field */
	ERR_UNAUTH = 401,     /* not logged in */
	ERR_FORBIDDEN = 403,  /* logged in but not allowed (role or unit scope) */
	ERR_NOTFOUND = 404,
	ERR_CONFLICT = 409,   /* duplicate, wrong state */
	ERR_TOOLARGE = 413,
	ERR_LOCKED = 423,     /* account locked */
	ERR_TOOMANY = 429,
	ERR_INTERNAL = 500,   /* storage failure: message is generic */
};

struct err {
	int kind;
	char field[64];
	char msg[512];
};

#define ERR_INIT { 0, "", "" }

/* Every problem of one submitted form: validation goes on past the first
 * problem and adds each one here, so a form can report all of them at
 * once.  kind is the kind of the first error added (0 while empty). */
struct errs {
	struct err *v;
	size_t n, cap;
	int kind;
};

#define ERRS_INIT { NULL, 0, 0, 0 }

/* Fill e (if not NULL) and return -1. */
int err_set(struct err *e, int kind, const char *field, const char *fmt, ...) PRINTF_LIKE(4, 5);
void err_clear(struct err *e);
/* Add one problem to l (if not NULL) and return -1.  At most 100 are kept. */
int errs_add(struct errs *l, int kind, const char *field, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Add a copy of e (nothing when e->kind is 0). */
void errs_push(struct errs *l, const struct err *e);
/* The first problem naming field, NULL if none. */
const struct err *errs_find(const struct errs *l, const char *field);
/* Copy the first problem into e (for callers answering one error). */
void errs_first(const struct errs *l, struct err *e);
void errs_release(struct errs *l);
#endif
