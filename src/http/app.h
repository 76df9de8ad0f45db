/*
 * app.h - the long-lived state of a running server: configuration, the
 * database pool and shared read-only data.  One struct app per process,
 * created by app_init and released by app_release (clean under
 * LeakSanitizer).
 */
#ifndef ZHIFA_APP_H
#define ZHIFA_APP_H
#include "core/core.h"
#include "core/config.h"
#include "store/db.h"
#include <pthread.h>

struct calendar;
struct ledger_keys;
struct head_watch;

struct app {
	struct config cfg;
	struct db_pool *pool;
	struct MHD_Daemon *daemon;
	volatile int stopping;
	pthread_t bg_thread;
	bool bg_started;
	pthread_mutex_t cal_lock;
	struct calendar *cal;      /* current working-day calendar; see app_calendar */
	struct ledger_keys *keys;  /* checkpoint signing keys (DATA/keys) */
	struct head_watch *watch;  /* connections still sending a request head (server.c) */
};

/* Load the shared state that lives beside the pool (the calendar). */
int app_init_state(struct app *app);
void app_release_state(struct app *app);
/* A reference to the current calendar (release with calendar_unref), or
 * NULL when none could be loaded. */
const struct calendar *app_calendar(struct app *app);
/* Rebuild the calendar from the database (after an import). */
int app_calendar_reload(struct app *app, struct db *db);

/* Start serving on cfg.listen; returns 0 or -1 with a message logged. */
int server_start(struct app *app);
void server_stop(struct app *app);
/* In-process serving, for tests and fuzz targets: the same request handling
 * on a daemon with no listening socket and no threads of its own. */
int server_start_inprocess(struct app *app);
/* Send req[0..n) on a new connection (from 127.0.0.1), close the sending
 * side, and run the daemon until it closes the connection; what it
 * answered is appended to out.  -1 if it had not closed within a bound
 * (about 20 s of waiting), else 0. */
int server_exchange(struct app *app, const char *req, size_t n, struct buf *out);

/* The background thread (background.c). */
void app_background_start(struct app *app);
void app_background_stop(struct app *app);
#endif
