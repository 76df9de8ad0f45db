/*
 * background_jobs.c - the jobs the server runs by itself (see
 * background.h): deadline states as days pass.
 */
#include "core/core.h"
#include "http/background.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "ledger/ledger.h"

static void job_deadlines(struct app *app, struct db *db)
{
	const struct calendar *cal = app_calendar(app);
	if (!cal)
		return;
	char today[11];
	time_today_shanghai(today);
	int changed = 0;
	if (deadline_refresh(db, cal, today, app->cfg.due_soon_days, &changed) == 0 && changed)
		log_info("期限状态已更新： %d 项", changed);
	calendar_unref(cal);
}

/* Sign a new checkpoint when the log grew (at most every
 * LEDGER_DEFAULT_INTERVAL seconds); appends never wait for this. */
static void job_checkpoint(struct app *app, struct db *db)
{
	if (!app->keys)
		return;
	bool signed_new = false;
	struct err e = ERR_INIT;
	if (ledger_checkpoint_maybe(db, app->keys, LEDGER_DEFAULT_INTERVAL, &signed_new, &e) < 0)
		log_error("检查点签名失败： %s", e.msg);
}

const struct bg_job bg_jobs[] = {
	{ "checkpoint", 1, job_checkpoint },
	{ "deadlines", 60, job_deadlines },
};
const size_t bg_jobs_count = ARRAY_SIZE(bg_jobs);
