/*
 * deadline_int.h - what deadline.c and deadline_pause.c share (not for
 * other modules).
 */
#ifndef ZHIFA_DEADLINE_INT_H
#define ZHIFA_DEADLINE_INT_H
#include "core/core.h"
#include "calendar/deadline.h"

struct db;

/* The due date of a period of n days (the rule's kind) from start; b says
 * whether it is provisional, years lists those years ("2027,2028"). */
int deadline_compute_due(const struct calendar *cal, const char *start, int n, bool calendar_days,
			 char due[11], struct cal_basis *b, char years[32], struct err *e);
/* Merge the provisional years of add into b and rewrite years. */
void deadline_basis_merge(struct cal_basis *b, const struct cal_basis *add, char years[32]);
/* The days a clock gains from its closed pauses (recounted on cal, and the
 * pauses' days column brought up to date) and its extensions.  started_on
 * is the clock's start day.  b (may be NULL) is merged with the basis of
 * the pause counts. */
int deadline_extra_days(struct db *db, const struct calendar *cal, long long id, const char *started_on,
			bool calendar_days, int *extra, struct cal_basis *b, struct err *e);
/* Resume an open pause of clock id on date inside the caller's transaction
 * (deadline_resume; deadline_meet on a paused clock). */
int deadline_resume_in(struct db *db, const struct calendar *cal, long long id, const char *date, struct err *e);
#endif
