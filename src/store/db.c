/*
 * db.c - driver-independent part of the storage layer: connections,
 * results, transactions, migrations and the connection pool.
 */
#include "store/db.h"
#include "core/embedded.h"
#include <pthread.h>

struct db {
	const struct db_driver *drv;
	void *conn;
	struct buf err;
	enum db_err code;
	int in_tx;
	bool tx_lost; /* the connection broke inside the open transaction */
	bool lost;    /* a statement failed with DBE_CONN since the checkout */
};

struct db *db_open(const char *url, struct buf *err)
{
	const struct db_driver *drv = &db_sqlite_driver;
	const char *target = url;
	if (str_starts(url, "postgres://") || str_starts(url, "postgresql://")) {
		drv = &db_pg_driver;
	} else if (str_starts(url, "sqlite:")) {
		target = url + 7;
	}
	void *conn = drv->open(target, err);
	if (!conn)
		return NULL;
	struct db *db = xcalloc(1, sizeof *db);
	db->drv = drv;
	db->conn = conn;
	buf_init(&db->err, 4096);
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db->drv->close(db->conn);
	buf_release(&db->err);
	free(db);
}

enum db_kind db_kind(const struct db *db) { return db->drv->kind; }
const char *db_errmsg(const struct db *db) { return buf_str(&db->err); }
enum db_err db_errcode(const struct db *db) { return db->code; }

bool db_conn_lost(const struct db *db) { return db->lost; }

/* Re-establish a broken connection; 0 or -1 (DBE_CONN in db->err). */
static int reconnect(struct db *db)
{
	struct buf err;
	buf_init(&err, 0);
	int r = db->drv->reset(db->conn, &err);
	if (r < 0) {
		buf_reset(&db->err);
		buf_printf(&db->err, "数据库连接中断，重新连接失败：%s", buf_str(&err));
		db->code = DBE_CONN;
	} else {
		log_info("数据库连接已重新建立");
	}
	buf_release(&err);
	return r;
}

/* One statement; may_retry: no transaction is open (or being ended), so
 * a broken connection may be re-established and the statement sent again. */
static int run_query(struct db *db, const char *sql, const struct db_val *params, struct db_res **out,
		     bool may_retry)
{
	buf_reset(&db->err);
	db->code = DBE_OK;
	if (out)
		*out = NULL;
	int r;
	if (db->tx_lost) {
		buf_puts(&db->err, "数据库连接在事务中中断，本次操作未完成");
		db->code = DBE_CONN;
		r = -1;
	} else if (db->drv->broken && db->drv->reset && db->drv->broken(db->conn) &&
		   (!may_retry || reconnect(db) < 0)) {
		if (!may_retry) {
			buf_puts(&db->err, "数据库连接已中断");
			db->code = DBE_CONN;
		}
		r = -1;
	} else {
		r = db->drv->query(db->conn, sql, params, out, &db->err, &db->code);
		if (r < 0 && db->code == DBE_CONN && may_retry && db->drv->reset) {
			log_warn("数据库连接中断（%s），重新连接后重试一次", buf_str(&db->err));
			if (reconnect(db) == 0) {
				buf_reset(&db->err);
				db->code = DBE_OK;
				r = db->drv->query(db->conn, sql, params, out, &db->err, &db->code);
			}
		}
	}
	if (r < 0 && db->code == DBE_OK)
		db->code = DBE_OTHER;
	if (r < 0 && db->code == DBE_CONN) {
		db->lost = true;
		if (db->in_tx)
			db->tx_lost = true;
	}
	if (r < 0)
		log_debug("SQL 失败: %s: %s", sql, buf_str(&db->err));
	return r;
}

int db_query_a(struct db *db, const char *sql, const struct db_val *params, struct db_res **out)
{
	return run_query(db, sql, params, out, !db->in_tx);
}

int db_exec_script(struct db *db, const char *sql)
{
	buf_reset(&db->err);
	db->code = DBE_OK;
	int r = db->drv->script(db->conn, sql, &db->err);
	if (r < 0)
		db->code = DBE_OTHER;
	return r;
}

int db_begin(struct db *db)
{
	if (db->in_tx)
		BUG("nested transaction");
	db->tx_lost = false;
	if (db_exec(db, db->drv->begin_sql) < 0)
		return -1;
	db->in_tx = 1;
	return 0;
}

/* Keep db's error across the ROLLBACK that follows it. */
static int rollback_keep(struct db *db)
{
	int r = 0;
	struct buf keep;
	buf_init(&keep, 0);
	buf_puts(&keep, buf_str(&db->err));
	enum db_err code = db->code;
	/* a transaction whose connection broke is gone with it */
	if (!db->tx_lost)
		r = run_query(db, "ROLLBACK", (const struct db_val[]){ DB_END }, NULL, false);
	buf_reset(&db->err);
	buf_puts(&db->err, buf_str(&keep));
	db->code = code;
	buf_release(&keep);
	return r;
}

int db_commit(struct db *db)
{
	if (!db->in_tx)
		BUG("commit outside transaction");
	/* COMMIT is never retried: on a new connection it would commit nothing
	 * and succeed */
	int r = run_query(db, "COMMIT", (const struct db_val[]){ DB_END }, NULL, false);
	if (r < 0) {
		/* keep the error; the transaction is gone either way */
		rollback_keep(db);
	}
	db->in_tx = 0;
	db->tx_lost = false;
	return r;
}

int db_rollback(struct db *db)
{
	if (!db->in_tx)
		return 0;
	int r = rollback_keep(db);
	db->in_tx = 0;
	db->tx_lost = false;
	return r;
}

void db_res_free(struct db_res *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncols; i++)
		free(r->names[i]);
	for (long i = 0; i < (long)r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->names);
	free(r->cells);
	free(r);
}

const char *db_text(const struct db_res *r, int row, int col)
{
	const char *s = db_cell(r, row, col);
	return s ? s : "";
}

long long db_int(const struct db_res *r, int row, int col)
{
	const char *s = db_cell(r, row, col);
	long long v;
	if (!s || str_to_ll(s, INT64_MIN, INT64_MAX, &v) < 0)
		return 0;
	return v;
}

int db_col(const struct db_res *r, const char *name)
{
	for (int i = 0; i < r->ncols; i++)
		if (strcmp(r->names[i], name) == 0)
			return i;
	return -1;
}

long long db_scalar_int(struct db *db, long long def, const char *sql, const struct db_val *params)
{
	struct db_res *r;
	if (db_query_a(db, sql, params, &r) < 0)
		return def;
	long long v = r->nrows ? db_int(r, 0, 0) : def;
	db_res_free(r);
	return v;
}

/* ---- migrations ----
 * Embedded files "migrations/NNN_name.sql" hold portable SQL; optional
 * "migrations/NNN_name.sqlite.sql" and "migrations/NNN_name.pg.sql" hold the
 * dialect-specific part (triggers, identity columns) and run after it. */

static int migration_number(const char *path)
{
	const char *base = path + strlen("migrations/");
	long long v;
	char num[8];
	if (strlen(base) < 5 || base[3] != '_')
		return -1;
	memcpy(num, base, 3);
	num[3] = '\0';
	if (str_to_ll(num, 1, 999, &v) < 0)
		return -1;
	return (int)v;
}

/* The one textual dialect difference in portable migrations: "{{ID}}"
 * declares a generated 64-bit primary key. */
static char *migration_expand(struct db *db, const char *sql)
{
	const char *id = db_kind(db) == DB_PG ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
					      : "INTEGER PRIMARY KEY";
	struct buf b;
	buf_init(&b, 0);
	const char *p = sql, *q;
	while ((q = strstr(p, "{{ID}}"))) {
		buf_add(&b, p, (size_t)(q - p));
		buf_puts(&b, id);
		p = q + 6;
	}
	buf_puts(&b, p);
	return buf_detach(&b, NULL);
}

static bool migration_is_dialect(const char *path)
{
	return str_ends(path, ".sqlite.sql") || str_ends(path, ".pg.sql");
}

int db_schema_version(struct db *db)
{
	return (int)db_scalar_int(db, 0, "SELECT MAX(version) FROM schema_migrations",
				  (const struct db_val[]){ DB_END });
}

int db_migrate(struct db *db, struct buf *err)
{
	if (db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			       " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)") < 0) {
		buf_printf(err, "无法创建迁移表: %s", db_errmsg(db));
		return -1;
	}
	int applied = 0;
	for (int want = 1; want < 1000; want++) {
		const struct embedded_file *base = NULL, *dialect = NULL;
		const char *suffix = db_kind(db) == DB_PG ? ".pg.sql" : ".sqlite.sql";
		for (const struct embedded_file *f = embedded_files; f->path; f++) {
			if (!str_starts(f->path, "migrations/") || migration_number(f->path) != want)
				continue;
			if (!migration_is_dialect(f->path))
				base = f;
			else if (str_ends(f->path, suffix))
				dialect = f;
		}
		if (!base)
			continue;
		if (db_begin(db) < 0) {
			buf_printf(err, "迁移 %s 无法开始事务: %s", base->path, db_errmsg(db));
			return -1;
		}
		long long have = db_scalar_int(db, 0, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
					       (const struct db_val[]){ DB_INT(want), DB_END });
		if (have) {
			db_rollback(db);
			continue;
		}
		char now[21];
		time_now_utc(now);
		char *sql = migration_expand(db, (const char *)base->data);
		int rc = db_exec_script(db, sql);
		free(sql);
		if (rc < 0 ||
		    (dialect && db_exec_script(db, (const char *)dialect->data) < 0) ||
		    db_exec(db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
			    DB_INT(want), DB_TEXT(base->path + strlen("migrations/")), DB_TEXT(now)) < 0) {
			buf_printf(err, "迁移 %s 失败: %s", base->path, db_errmsg(db));
			db_rollback(db);
			return -1;
		}
		if (db_commit(db) < 0) {
			buf_printf(err, "迁移 %s 提交失败: %s", base->path, db_errmsg(db));
			return -1;
		}
		applied++;
	}
	return applied;
}

/* ---- pool ---- */
struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int size, nfree;
	struct db **all;
	struct db **free_list;
};

struct db_pool *db_pool_new(const char *url, int size, struct buf *err)
{
	struct db_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->all = xcalloc((size_t)size, sizeof *p->all);
	p->free_list = xcalloc((size_t)size, sizeof *p->free_list);
	for (int i = 0; i < size; i++) {
		struct db *db = db_open(url, err);
		if (!db) {
			p->size = i;
			db_pool_free(p);
			return NULL;
		}
		p->all[i] = db;
		p->free_list[i] = db;
	}
	p->size = p->nfree = size;
	return p;
}

struct db *db_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->nfree == 0)
		pthread_cond_wait(&p->cond, &p->lock);
	struct db *db = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	db->lost = false;
	return db;
}

void db_pool_put(struct db_pool *p, struct db *db)
{
	if (db->in_tx) {
		log_warn("连接归还时仍在事务中,已回滚");
		db_rollback(db);
	}
	pthread_mutex_lock(&p->lock);
	p->free_list[p->nfree++] = db;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void db_pool_free(struct db_pool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->size; i++)
		db_close(p->all[i]);
	free(p->all);
	free(p->free_list);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
