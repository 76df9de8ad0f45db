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
#include "core/err.h"
#include "store/db.h"
#include <pthread.h>

struct calendar;
struct ledger_keys;
struct head_watch;
struct deferq;
struct vault;
struct page_cache;

struct app {
	struct config cfg;
	struct db_pool *pool;
	struct MHD_Daemon *daemon;
	volatile int stopping;
	pthread_t bg_thread;
	bool bg_started;
	pthread_mutex_t state_lock;  /* guards the four fields below */
	pthread_mutex_t reload_lock; /* one reload at a time */
	struct calendar *cal;        /* current working-day calendar; see app_calendar */
	long long cal_stamp;         /* its state stamp (store/stamp.h), -1 unknown */
	struct ledger_keys *keys;    /* checkpoint signing keys (DATA/keys); see app_keys */
	long long keys_stamp;
	long tsa_failures;           /* consecutive time-stamp failures (background thread only) */
	struct deferq *deferq;       /* requests held without a thread (http/defer.h) */
	pthread_mutex_t vault_lock;
	struct vault *vault;         /* the evidence vault, opened on first use: app_vault */
	struct head_watch *watch;    /* connections still sending a request head (server.c) */
	struct page_cache *pcache;   /* rendered public pages (http/page_cache.h), NULL = off */
};

/* Load the shared state that lives beside the pool (the calendar and the
 * signing keys). */
int app_init_state(struct app *app);
void app_release_state(struct app *app);
/* A reference to the current calendar (release with calendar_unref), or
 * NULL when none could be loaded.  With db (not NULL) the calendar's
 * state stamp is checked first and the calendar reloaded when another
 * process (or the command line) changed it. */
const struct calendar *app_calendar(struct app *app, struct db *db);
/* Rebuild the calendar from the database (after an import). */
int app_calendar_reload(struct app *app, struct db *db);
/* A reference to the current signing keys (release with
 * ledger_keys_free), NULL when none are loaded; checked against the keys'
 * state stamp as app_calendar.  What signs checkpoints and what /log/key
 * serves both come from here. */
struct ledger_keys *app_keys(struct app *app, struct db *db);
/* Reload the keys from DATA/keys; the loaded ones stay when that fails
 * (-1, logged). */
int app_keys_reload(struct app *app, struct db *db);

/* The process's evidence vault (recording/vault.h), shared by the pages
 * and the background jobs; opened on first use, closed by
 * app_release_state.  NULL with ERR_INTERNAL when it cannot be opened
 * (tried again on the next call). */
struct vault *app_vault(struct app *app, struct err *e);

#endif
