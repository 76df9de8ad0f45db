/*
 * background.h - periodic jobs of `zhifa serve` (see background.c).
 * The job table lives in background_jobs.c.
 */
#ifndef ZHIFA_BACKGROUND_H
#define ZHIFA_BACKGROUND_H
#include "http/app.h"

struct bg_job {
	const char *name;
	int every_seconds;
	void (*run)(struct app *app, struct db *db);
};
extern const struct bg_job bg_jobs[];
extern const size_t bg_jobs_count;
#endif
