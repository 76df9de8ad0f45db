/*
 * background_jobs.c - the jobs the server runs by itself (see
 * background.h): deadline states as days pass.
 */
#include "core/core.h"
#include "http/background.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"

static void job_deadlines(struct app *app, struct db *db)
{
	const struct calendar *cal = app_calendar(app);
	if (!cal)
		return;
	char today[11];
	time_today_shanghai(today);
	int changed = 0;
	if (deadline_refresh(db, cal, today, DEADLINE_DUE_SOON_DEFAULT, &changed) == 0 && changed)
		log_info("期限状态已更新: %d 项", changed);
	calendar_unref(cal);
}

const struct bg_job bg_jobs[] = {
	{ "deadlines", 60, job_deadlines },
};
const size_t bg_jobs_count = ARRAY_SIZE(bg_jobs);
