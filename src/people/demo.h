/*
 * demo.h - the demonstration department (zhifa init --demo): the units of
 * 云南省工业和信息化厅, one or more demo accounts for every role, and
 * enforcement officers with certificates in every enforcement division
 * (including one suspended, one revoked and one expired certificate).
 * All names and numbers are invented.
 */
#ifndef ZHIFA_DEMO_H
#define ZHIFA_DEMO_H
#include "core/err.h"
#include "store/db.h"

/* The password of every demo account (well known; must_change off). */
#define PEOPLE_DEMO_PASSWORD "Zhifa@2026demo"

/* Load the demo units, people and certificates into a migrated database
 * that has no units yet (else ERR_CONFLICT).  Prints nothing; every change
 * is logged as by the system actor "demo".  0 or -1. */
int people_demo_seed(struct db *db, struct err *e);

/* A text table of the demo logins (a header line, then username, roles,
 * unit, one account per line; the shared password is
 * PEOPLE_DEMO_PASSWORD, not in the table), for `make run` to print.
 * Static storage; never NULL. */
const char *people_demo_logins(void);
#endif
