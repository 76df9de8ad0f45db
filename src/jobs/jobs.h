/*
 * jobs.h - periodic jobs of `zhifa serve`: the scheduler (scheduler.c)
 * runs the job table (jobs.c).
 */
#ifndef ZHIFA_BACKGROUND_H
#define ZHIFA_BACKGROUND_H
#include "app/app.h"

struct bg_job {
	const char *name;
	int every_seconds;
	void (*run)(struct app *app, struct db *db);
};
extern const struct bg_job bg_jobs[];
extern const size_t bg_jobs_count;

/* Start / stop the scheduler's thread (scheduler.c). */
void app_background_start(struct app *app);
void app_background_stop(struct app *app);
#endif
