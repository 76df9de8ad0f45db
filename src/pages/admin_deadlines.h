/*
 * admin_deadlines.h - what the deadline list page (admin_deadlines.c) takes
 * from the statistics (admin_deadline_stats.c).
 */
#ifndef ZHIFA_PAGES_ADMIN_DEADLINES_H
#define ZHIFA_PAGES_ADMIN_DEADLINES_H
#include "core/core.h"
#include "core/err.h"
#include "http/http.h"
#include <jansson.h>

/* The roles that see every unit's statistics. */
#define STATS_ROLES (ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_LEADER)

/* Set m's "stats" to the statistics of ?from=&to= (default: the last six
 * months).  A refused range: for JSON -1 with e set; for HTML the default
 * range, the error kept for the form, and *refused (answer 400).  -1 with
 * e set when the query fails. */
int deadline_stats_model(struct req *r, json_t *m, bool *refused, struct err *e);
/* The statistics section of the page (nothing when stats is not an object). */
void deadline_stats_section(struct req *r, const json_t *stats);
#endif
