/*
 * scheduler.c - the server's own scheduler: one thread that wakes every
 * few seconds and runs the periodic jobs (deadline states as days pass,
 * checkpoint signing), so no outside cron is needed.  Each job takes a
 * connection from the pool and runs in its own transaction.
 */
#include "core/core.h"
#include "app/app.h"
#include "jobs/jobs.h"
#include <unistd.h>

static void *bg_main(void *arg)
{
	struct app *app = arg;
	int tick = 0;
	while (!app->stopping) {
		for (size_t i = 0; i < bg_jobs_count; i++) {
			if (tick % bg_jobs[i].every_seconds)
				continue;
			struct db *db = db_pool_get(app->pool);
			bg_jobs[i].run(app, db);
			db_pool_put(app->pool, db);
		}
		for (int s = 0; s < 10 && !app->stopping; s++)
			usleep(100 * 1000);
		tick++;
	}
	return NULL;
}

void app_background_start(struct app *app)
{
	if (pthread_create(&app->bg_thread, NULL, bg_main, app) == 0)
		app->bg_started = true;
	else
		log_error("无法启动后台任务线程");
}

void app_background_stop(struct app *app)
{
	app->stopping = 1;
	if (app->bg_started)
		pthread_join(app->bg_thread, NULL);
	app->bg_started = false;
}
