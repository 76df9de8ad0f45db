/*
 * fuzz_calendar_import.c - libFuzzer target for cal_set_parse
 * (calendar/calendar.h), the parser and validator of the holiday files an
 * administrator imports (CLI, the calendar page, pasted text).
 *
 * Checks, for any bytes: the result is 0 or -1; -1 leaves the set empty
 * and comes with a message, 0 with a set of >= 1 years, ascending and
 * distinct, every date inside its year, every "workday" a Saturday or
 * Sunday, holidays ascending; a calendar built from an accepted set
 * answers is-workday and due on its days without crashing, consistently
 * with the set; the message is valid UTF-8.
 */
#include "core/core.h"
#include "calendar/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cal_set s;
	struct err e = ERR_INIT;
	int rc = cal_set_parse((const char *)data, size, &s, &e);
	if (rc != 0 && rc != -1)
		BUG("cal_set_parse returned %d", rc);
	if (!utf8_valid(e.msg, strlen(e.msg)))
		BUG("message is not valid UTF-8");
	if (rc < 0) {
		if (s.n != 0 || s.years)
			BUG("refused file left years behind");
		if (!e.msg[0])
			BUG("refusal without a message");
		return 0;
	}
	if (s.n == 0)
		BUG("accepted an empty set");
	for (size_t i = 0; i < s.n; i++) {
		const struct cal_year *y = &s.years[i];
		if (i && s.years[i - 1].year >= y->year)
			BUG("years not ascending");
		for (int j = 0; j < y->nhol; j++) {
			int yy;
			cal_civil_from_days(y->hol[j], &yy, NULL, NULL);
			if (yy != y->year || (j && y->hol[j - 1] >= y->hol[j]))
				BUG("holiday outside its year or not ascending");
		}
		for (int j = 0; j < y->nwork; j++) {
			int yy;
			cal_civil_from_days(y->work[j], &yy, NULL, NULL);
			if (yy != y->year || cal_weekday(y->work[j]) < 6)
				BUG("workday outside its year or not a weekend day");
		}
	}
	struct calendar *c = calendar_build(&s, &e);
	if (!c)
		BUG("accepted set does not build: %s", e.msg);
	const struct cal_year *y = &s.years[0];
	for (int j = 0; j < y->nhol && j < 8; j++) {
		struct err we = ERR_INIT;
		if (calendar_is_workday(c, y->hol[j], &we) != 0)
			BUG("a listed holiday is a working day");
		int32_t due;
		struct cal_basis b;
		(void)calendar_due_ex(c, y->hol[j], 1 + j * 37, j & 1, 0, &due, &b, &we);
	}
	for (int j = 0; j < y->nwork && j < 8; j++) {
		struct err we = ERR_INIT;
		if (calendar_is_workday(c, y->work[j], &we) != 1)
			BUG("a listed working weekend is not a working day");
	}
	calendar_unref(c);
	cal_set_release(&s);
	return 0;
}
