/*
 * statutory.h - the statutory public holidays of a year, as the law fixes
 * them, for years whose State Council notice is not loaded yet.
 *
 * The rules are data (src/assets/data/statutory-holidays.json): rule sets
 * of 《全国年节及纪念日放假办法》 article 2 with their effective dates
 * (国务院令第644号 from 2014, 国务院令第795号 from 2025-01-01), each
 * holiday a solar date, a lunar date (with an offset, for 除夕) or a solar
 * term, and a number of days.  Lunar dates and the 清明 solar term come
 * from liblunar-date.  A holiday's days count under the set in force on
 * that day.  What the yearly notice adds (调休 working weekends, extra
 * 连休 days, the 补假 of article 6) is never guessed: a provisional year
 * has holidays only, no working weekends.
 */
#ifndef ZHIFA_STATUTORY_H
#define ZHIFA_STATUTORY_H
#include "core/core.h"
#include "core/err.h"
#include "calendar/calendar.h"

/* First year any rule set covers (0 if the data is missing or invalid). */
int statutory_first_year(void);

/* Fill *out with the statutory holidays of year (ascending, no workdays)
 * and a source note saying it is provisional.  -1 with e filled when no
 * rule set covers the year or the lunar computation fails. */
int statutory_year(int year, struct cal_year *out, struct err *e);

/* One statutory holiday, for showing the rules: name, days, text, basis. */
struct statutory_rule {
	char from[11], until[11];
	char name[32];
	char text[128];
	char basis[256];
};
/* The rules as loaded (static, never freed); *n their number. */
const struct statutory_rule *statutory_rules(size_t *n);
#endif
