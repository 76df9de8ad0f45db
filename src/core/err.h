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

/* Fill e (if not NULL) and return -1. */
int err_set(struct err *e, int kind, const char *field, const char *fmt, ...) PRINTF_LIKE(4, 5);
void err_clear(struct err *e);
#endif
