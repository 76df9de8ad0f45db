/*
 * app.c - shared state of a running server beside the pool: the
 * working-day calendar and the ledger's signing keys, each swapped
 * atomically on reload while readers keep their reference.
 *
 * Coherence across processes: each cached state carries the state stamp
 * (store/stamp.h) read just before it was loaded.  app_calendar and
 * app_keys, given the request's connection, read the committed stamp
 * (one primary-key SELECT, only in requests that use that state) and
 * reload when it moved, so an import or a key rotation made by another
 * instance or by the command line is seen by the next request that needs
 * it.  The keys are the one source of truth for both signing and the
 * public keys served at /log/key.
 */
#include "core/core.h"
#include "http/app.h"
#include "calendar/calendar.h"
#include "ledger/ledger.h"
#include "store/stamp.h"
#include "recording/vault.h"

static struct ledger_keys *load_keys(struct app *app)
{
	char dir[600];
	snprintf(dir, sizeof dir, "%s/keys", app->cfg.data_dir);
	struct err e = ERR_INIT;
	struct ledger_keys *k = ledger_keys_load(dir, &e);
	if (!k)
		log_warn("未能载入账本签名密钥（%s），检查点不会签名：%s", dir, e.msg);
	return k;
}

int app_init_state(struct app *app)
{
	pthread_mutex_init(&app->state_lock, NULL);
	pthread_mutex_init(&app->reload_lock, NULL);
	pthread_mutex_init(&app->vault_lock, NULL);
	app->cal_stamp = app->keys_stamp = -1;
	struct db *db = db_pool_get(app->pool);
	app_keys_reload(app, db);
	int r = app_calendar_reload(app, db);
	db_pool_put(app->pool, db);
	return r;
}

void app_release_state(struct app *app)
{
	calendar_unref(app->cal);
	app->cal = NULL;
	ledger_keys_free(app->keys);
	app->keys = NULL;
	pthread_mutex_destroy(&app->reload_lock);
	pthread_mutex_destroy(&app->state_lock);
	vault_close(app->vault);
	app->vault = NULL;
	pthread_mutex_destroy(&app->vault_lock);
}

struct vault *app_vault(struct app *app, struct err *e)
{
	pthread_mutex_lock(&app->vault_lock);
	if (!app->vault) {
		struct err oe = ERR_INIT;
		app->vault = vault_open(app->cfg.data_dir, &oe);
		if (!app->vault)
			log_error("无法打开文件存储：%s", oe.msg);
	}
	struct vault *v = app->vault;
	pthread_mutex_unlock(&app->vault_lock);
	if (!v)
		err_set(e, ERR_INTERNAL, "", "文件存储不可用。");
	return v;
}

/* True when the committed stamp of kind differs from *seen (a failed read
 * keeps what is loaded). */
static bool stale(struct app *app, struct db *db, const char *kind, const long long *seen)
{
	if (!db)
		return false;
	long long now = state_stamp_get(db, kind);
	if (now < 0)
		return false;
	pthread_mutex_lock(&app->state_lock);
	bool moved = now != *seen;
	pthread_mutex_unlock(&app->state_lock);
	return moved;
}

const struct calendar *app_calendar(struct app *app, struct db *db)
{
	if (stale(app, db, STAMP_CALENDAR, &app->cal_stamp))
		app_calendar_reload(app, db);
	pthread_mutex_lock(&app->state_lock);
	const struct calendar *c = app->cal ? calendar_ref(app->cal) : NULL;
	pthread_mutex_unlock(&app->state_lock);
	return c;
}

int app_calendar_reload(struct app *app, struct db *db)
{
	pthread_mutex_lock(&app->reload_lock);
	/* the stamp before the data: at worst one reload too many */
	long long stamp = state_stamp_get(db, STAMP_CALENDAR);
	struct calendar *c = NULL;
	struct err e = ERR_INIT;
	if (calendar_load(db, &c, &e) < 0) {
		pthread_mutex_unlock(&app->reload_lock);
		log_error("无法载入工作日历：%s", e.msg);
		return -1;
	}
	pthread_mutex_lock(&app->state_lock);
	struct calendar *old = app->cal;
	app->cal = c;
	app->cal_stamp = stamp;
	pthread_mutex_unlock(&app->state_lock);
	pthread_mutex_unlock(&app->reload_lock);
	calendar_unref(old);
	return 0;
}

struct ledger_keys *app_keys(struct app *app, struct db *db)
{
	if (stale(app, db, STAMP_KEYS, &app->keys_stamp))
		app_keys_reload(app, db);
	pthread_mutex_lock(&app->state_lock);
	struct ledger_keys *k = ledger_keys_ref(app->keys);
	pthread_mutex_unlock(&app->state_lock);
	return k;
}

int app_keys_reload(struct app *app, struct db *db)
{
	pthread_mutex_lock(&app->reload_lock);
	long long stamp = db ? state_stamp_get(db, STAMP_KEYS) : -1;
	struct ledger_keys *k = load_keys(app);
	pthread_mutex_lock(&app->state_lock);
	struct ledger_keys *old = NULL;
	/* keys that cannot be read now are not retried until the stamp moves
	 * again; the ones already loaded stay in use */
	app->keys_stamp = stamp;
	if (k) {
		old = app->keys;
		app->keys = k;
	}
	pthread_mutex_unlock(&app->state_lock);
	pthread_mutex_unlock(&app->reload_lock);
	ledger_keys_free(old);
	if (k && old)
		log_info("已重新载入账本签名密钥（状态戳 %lld）", stamp);
	return k ? 0 : -1;
}
