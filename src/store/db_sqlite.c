/*
 * db_sqlite.c - the SQLite driver: WAL, foreign keys on, busy timeout,
 * writers serialised by BEGIN IMMEDIATE.  Statements are prepared per call
 * and cached per connection by SQL text.
 */
#include "store/db.h"
#include <sqlite3.h>
#include <fcntl.h>
#include <unistd.h>

#define SQLITE_CACHE 128

struct sq_conn {
	sqlite3 *h;
	struct { char *sql; sqlite3_stmt *st; } cache[SQLITE_CACHE];
	int ncache;
};

static void *sq_open(const char *target, struct buf *err)
{
	sqlite3 *h = NULL;
	/* A new database file is created private (0600), as the signing keys
	 * are: SQLite would make it 0644, and its -wal and -shm files take the
	 * database file's mode.  An empty file is a valid new database. */
	if (!str_empty(target) && target[0] != ':' && !str_starts(target, "file:")) {
		int fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	int rc = sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				 SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		buf_printf(err, "无法打开 SQLite 数据库 %s: %s", target, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, 10000);
	char *msg = NULL;
	if (sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;",
			 NULL, NULL, &msg) != SQLITE_OK) {
		buf_printf(err, "SQLite 设置失败: %s", msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	struct sq_conn *c = xcalloc(1, sizeof *c);
	c->h = h;
	return c;
}

static void sq_close(void *conn)
{
	struct sq_conn *c = conn;
	for (int i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	sqlite3_close(c->h);
	free(c);
}

/* Prepared statements are cached per connection by SQL text, least
 * recently used evicted first (the array is kept in order of use). */
static sqlite3_stmt *sq_prepare(struct sq_conn *c, const char *sql, struct buf *err)
{
	for (int i = c->ncache - 1; i >= 0; i--)
		if (strcmp(c->cache[i].sql, sql) == 0) {
			sqlite3_stmt *st = c->cache[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			if (i != c->ncache - 1) {
				/* least recently used first: move this one to the end */
				char *keep = c->cache[i].sql;
				memmove(c->cache + i, c->cache + i + 1, sizeof c->cache[0] * (size_t)(c->ncache - 1 - i));
				c->cache[c->ncache - 1].sql = keep;
				c->cache[c->ncache - 1].st = st;
			}
			return st;
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(c->h, sql, -1, &st, NULL) != SQLITE_OK) {
		buf_printf(err, "%s", sqlite3_errmsg(c->h));
		return NULL;
	}
	if (c->ncache == SQLITE_CACHE) {
		sqlite3_finalize(c->cache[0].st);
		free(c->cache[0].sql);
		memmove(c->cache, c->cache + 1, sizeof c->cache[0] * (SQLITE_CACHE - 1));
		c->ncache--;
	}
	c->cache[c->ncache].sql = xstrdup(sql);
	c->cache[c->ncache].st = st;
	c->ncache++;
	return st;
}

static enum db_err sq_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT: return DBE_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DBE_BUSY;
	default: return DBE_OTHER;
	}
}

static int sq_query(void *conn, const char *sql, const struct db_val *params,
		    struct db_res **out, struct buf *err, enum db_err *code)
{
	struct sq_conn *c = conn;
	sqlite3_stmt *st = sq_prepare(c, sql, err);
	if (!st) {
		*code = DBE_OTHER;
		return -1;
	}
	int n = 0;
	for (const struct db_val *v = params; v->t != DBV_END; v++) {
		n++;
		int rc;
		switch (v->t) {
		case DBV_NULL: rc = sqlite3_bind_null(st, n); break;
		case DBV_INT: rc = sqlite3_bind_int64(st, n, v->i); break;
		case DBV_TEXT: rc = sqlite3_bind_text(st, n, v->s, -1, SQLITE_STATIC); break;
		default: BUG("bad db_val type");
		}
		if (rc != SQLITE_OK) {
			buf_printf(err, "绑定参数 %d 失败: %s", n, sqlite3_errmsg(c->h));
			*code = DBE_OTHER;
			return -1;
		}
	}
	if (n != sqlite3_bind_parameter_count(st))
		BUG("SQL expects %d parameters, got %d: %s", sqlite3_bind_parameter_count(st), n, sql);
	struct db_res *r = NULL;
	int ncols = sqlite3_column_count(st);
	size_t cap = 0;
	if (out) {
		r = xcalloc(1, sizeof *r);
		r->ncols = ncols;
		r->names = xcalloc((size_t)ncols + 1, sizeof *r->names);
		for (int i = 0; i < ncols; i++)
			r->names[i] = xstrdup(sqlite3_column_name(st, i));
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!r)
			continue;
		if ((size_t)(r->nrows + 1) * (size_t)ncols > cap) {
			cap = cap ? cap * 2 : (size_t)ncols * 8;
			r->cells = xrealloc(r->cells, cap * sizeof *r->cells);
		}
		for (int i = 0; i < ncols; i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			r->cells[r->nrows * ncols + i] = t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
		}
		r->nrows++;
	}
	if (rc != SQLITE_DONE) {
		buf_printf(err, "%s", sqlite3_errmsg(c->h));
		*code = sq_code(sqlite3_extended_errcode(c->h));
		sqlite3_reset(st);
		db_res_free(r);
		return -1;
	}
	sqlite3_reset(st);
	if (out) {
		if (!r->cells)
			r->cells = xcalloc(1, sizeof *r->cells);
		*out = r;
	}
	return 0;
}

static int sq_script(void *conn, const char *sql, struct buf *err)
{
	struct sq_conn *c = conn;
	char *msg = NULL;
	if (sqlite3_exec(c->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		buf_printf(err, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

const struct db_driver db_sqlite_driver = {
	.kind = DB_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.query = sq_query,
	.script = sq_script,
	.begin_sql = "BEGIN IMMEDIATE",
};
