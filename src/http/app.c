/*
 * app.c - shared state of a running server beside the pool: the
 * working-day calendar, swapped atomically on reload while readers keep
 * their reference.
 */
#include "core/core.h"
#include "http/app.h"
#include "calendar/calendar.h"
#include "ledger/ledger.h"
#include "recording/vault.h"

int app_init_state(struct app *app)
{
	pthread_mutex_init(&app->cal_lock, NULL);
	pthread_mutex_init(&app->vault_lock, NULL);
	char dir[600];
	snprintf(dir, sizeof dir, "%s/keys", app->cfg.data_dir);
	struct err e = ERR_INIT;
	app->keys = ledger_keys_load(dir, &e);
	if (!app->keys)
		log_warn("未能载入账本签名密钥（%s），检查点不会签名：%s", dir, e.msg);
	struct db *db = db_pool_get(app->pool);
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
	pthread_mutex_destroy(&app->cal_lock);
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

const struct calendar *app_calendar(struct app *app)
{
	pthread_mutex_lock(&app->cal_lock);
	const struct calendar *c = app->cal ? calendar_ref(app->cal) : NULL;
	pthread_mutex_unlock(&app->cal_lock);
	return c;
}

int app_calendar_reload(struct app *app, struct db *db)
{
	struct calendar *c = NULL;
	struct err e = ERR_INIT;
	if (calendar_load(db, &c, &e) < 0) {
		log_error("无法载入工作日历：%s", e.msg);
		return -1;
	}
	pthread_mutex_lock(&app->cal_lock);
	struct calendar *old = app->cal;
	app->cal = c;
	pthread_mutex_unlock(&app->cal_lock);
	calendar_unref(old);
	return 0;
}
