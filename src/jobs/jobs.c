/*
 * jobs.c - the jobs the server runs by itself (see
 * jobs.h): deadline states as days pass, checkpoint signing,
 * RFC 3161 time-stamps of the signed checkpoints (ledger/tsa.h) and the
 * clean-up of expired resumable uploads (recording/vault.h).
 */
#include "core/core.h"
#include "jobs/jobs.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "ledger/ledger.h"
#include "ledger/tsa.h"
#include "recording/vault.h"
#include "disclosure/disclosure.h"

static void job_deadlines(struct app *app, struct db *db)
{
	const struct calendar *cal = app_calendar(app, db);
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
 * LEDGER_DEFAULT_INTERVAL seconds) and record the signing as a leaf;
 * appends never wait for this. */
static void job_checkpoint(struct app *app, struct db *db)
{
	struct ledger_keys *keys = app_keys(app, db);
	if (!keys)
		return;
	bool signed_new = false;
	struct err e = ERR_INIT;
	if (ledger_checkpoint_act(db, keys, LEDGER_DEFAULT_INTERVAL, &signed_new, &e) < 0)
		log_error("检查点签名失败： %s", e.msg);
	ledger_keys_free(keys);
}

/* == timestamp (ledger/tsa.h) ==
 * When tsa_url is set, time-stamp the signed checkpoints that have no
 * token yet (newest first, at most TSA_PER_RUN per run, each request
 * bounded by TSA_DEFAULT_TIMEOUT seconds; a run stops at its first
 * failure, so an unreachable or hanging authority delays checkpoint
 * signing in the same thread by at most one timeout; appends never wait).  A failure
 * stores nothing and is retried on the next run; it is logged at its
 * first occurrence, then every TSA_LOG_EVERY-th consecutive failure, and
 * the recovery is logged too.  Only the background thread touches
 * app->tsa_failures. */
#define TSA_PER_RUN 4
#define TSA_LOG_EVERY 30

static void job_timestamp(struct app *app, struct db *db)
{
	if (str_empty(app->cfg.tsa_url))
		return;
	int stamped = 0;
	struct err e = ERR_INIT;
	if (tsa_stamp_pending(db, app->cfg.tsa_url, app->cfg.tsa_ca_file, TSA_PER_RUN, TSA_DEFAULT_TIMEOUT, &stamped,
			      &e) < 0) {
		if (app->tsa_failures++ % TSA_LOG_EVERY == 0)
			log_error("检查点时间戳失败（第 %ld 次，下次运行时重试）： %s", app->tsa_failures, e.msg);
		return;
	}
	if (app->tsa_failures)
		log_info("时间戳服务已恢复（此前连续失败 %ld 次）", app->tsa_failures);
	app->tsa_failures = 0;
	if (stamped)
		log_debug("已为 %d 个检查点取得时间戳", stamped);
}
/* == end timestamp == */

/* Delete the partial files of expired, unfinished tus uploads and mark
 * them expired (vault_uploads_expire); a vault is opened for the run. */
static void job_uploads(struct app *app, struct db *db)
{
	struct err e = ERR_INIT;
	/* the pages' vault (one owner: struct app), so that its cache of
	 * running hashes forgets what is cleaned up */
	struct vault *v = app_vault(app, &e);
	if (!v) {
		log_error("过期上传清理：无法打开文件存储： %s", e.msg);
		return;
	}
	int removed = 0;
	if (vault_uploads_expire(v, db, NULL, &removed, &e) < 0)
		log_error("过期上传清理失败（已清理 %d 个）： %s", removed, e.msg);
}

/* The end of publicity periods (disclosure.h): an item whose period ended
 * before today leaves the public lists; the ledger keeps that it was
 * published.  Idempotent, so running it every ten minutes is the daily
 * end whatever time the server starts. */
static void job_publications(struct app *app, struct db *db)
{
	(void)app;
	char today[11];
	time_today_shanghai(today);
	int n = 0;
	struct err e = ERR_INIT;
	if (disclosure_expire_due(db, today, &n, &e) < 0)
		log_error("公示期满处理失败（已处理 %d 项）： %s", n, e.msg);
	else if (n)
		log_info("公示期满，已停止公示 %d 项", n);
}

const struct bg_job bg_jobs[] = {
	{ "checkpoint", 1, job_checkpoint },
	{ "timestamp", 2, job_timestamp },
	{ "deadlines", 60, job_deadlines },
	{ "uploads", 600, job_uploads },
	{ "publications", 600, job_publications },
};
const size_t bg_jobs_count = ARRAY_SIZE(bg_jobs);
