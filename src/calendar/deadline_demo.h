/*
 * deadline_demo.h - deadlines for the demonstration department (zhifa
 * init --demo), so that the deadline pages, the dashboard and the
 * statistics have something realistic to show.
 */
#ifndef ZHIFA_DEMO_DEADLINES_H
#define ZHIFA_DEMO_DEADLINES_H
#include "core/err.h"
#include "store/db.h"

/* Start deadlines for the officers of the demo enforcement units over the
 * last three months (relative to today, Asia/Shanghai): some met on time,
 * some met late, some overdue, some due within two working days and some
 * still open, then bring their states up to date (deadline_refresh).
 * Needs the demo people (people_demo_seed) in a migrated database, else
 * ERR_CONFLICT.  A clock whose count would need a year that is not loaded
 * is skipped (never guessed).  One transaction for the clocks; 0 or -1
 * with e filled (nothing written). */
int calendar_demo_deadlines(struct db *db, struct err *e);
#endif
