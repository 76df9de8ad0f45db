/*
 * db.h - the thin storage layer over SQLite (default) and PostgreSQL.
 *
 * SQL text is literals only; every value is bound.  SQL is written with
 * '?' placeholders and portable syntax (INSERT ... RETURNING works on both);
 * the PostgreSQL driver rewrites '?' to $1..$n.  The dialect differences
 * live in db_sqlite.c and db_pg.c and in the per-dialect migration files.
 *
 * Results are materialised as text (NULL distinguished), which is how libpq
 * returns them anyway; integers are read with db_int().  Timestamps are
 * stored as UTC text "YYYY-MM-DDTHH:MM:SSZ" bound by the application.
 *
 * A struct db is one connection, used by one thread at a time; a
 * struct db_pool hands connections to request threads.
 *
 * Errors: functions return 0/-1; on -1 the message is in db_errmsg(db)
 * and db_errcode(db) says whether it was a constraint violation.
 *
 * Lost connections (PostgreSQL): a statement that finds its connection
 * broken - before it is sent, or by the failure itself (CONNECTION_BAD,
 * SQLSTATE class 08, 57P01..57P03) - is retried once on a re-established
 * connection when no transaction is open, so a database restart costs the
 * caller nothing.  Inside a transaction nothing is retried (the work
 * done so far is gone): the statement and every later one up to the
 * rollback fail with DBE_CONN, db_commit fails (never a COMMIT on a new
 * connection), and the next statement outside a transaction reconnects.
 * db_conn_lost tells the request layer to answer 503 instead of 500.
 */
#ifndef ZHIFA_DB_H
#define ZHIFA_DB_H
#include "core/core.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };
/* DBE_CONN: the connection to the server broke (PostgreSQL restarted, the
 * network cut); see "Lost connections" below. */
enum db_err { DBE_OK = 0, DBE_CONSTRAINT, DBE_BUSY, DBE_CONN, DBE_OTHER };

enum db_vtype { DBV_END = 0, DBV_NULL, DBV_INT, DBV_TEXT };
struct db_val {
	enum db_vtype t;
	long long i;
	const char *s;
};

#define DB_INT(x) ((struct db_val){ .t = DBV_INT, .i = (long long)(x) })
#define DB_TEXT(x) ((struct db_val){ .t = DBV_TEXT, .s = (x) })
/* Text, or SQL NULL when x is NULL. */
#define DB_TEXTN(x) ((struct db_val){ .t = (x) ? DBV_TEXT : DBV_NULL, .s = (x) })
#define DB_NULL ((struct db_val){ .t = DBV_NULL })
#define DB_END ((struct db_val){ .t = DBV_END })

struct db;

/* A materialised result: nrows x ncols cells of text (NULL for SQL NULL). */
struct db_res {
	int nrows, ncols;
	char **names; /* ncols column names */
	char **cells; /* row-major */
};

/* Open "sqlite:PATH", a plain path (SQLite), or "postgres://..." /
 * "postgresql://..." (libpq).  On failure returns NULL and fills err. */
struct db *db_open(const char *url, struct buf *err);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
const char *db_errmsg(const struct db *db);
enum db_err db_errcode(const struct db *db);
/* True when a statement failed with DBE_CONN since the connection was
 * taken from the pool (or opened). */
bool db_conn_lost(const struct db *db);

/* Run a statement with values; params end with DB_END.  If out is not NULL
 * the rows are returned (free with db_res_free). */
int db_query_a(struct db *db, const char *sql, const struct db_val *params, struct db_res **out);
/* db_exec(db, sql, values...) / db_query(db, &res, sql, values...) */
#define db_exec(db, sql, ...) db_query_a((db), (sql), (const struct db_val[]){ __VA_ARGS__ __VA_OPT__(,) DB_END }, NULL)
#define db_query(db, res, sql, ...) db_query_a((db), (sql), (const struct db_val[]){ __VA_ARGS__ __VA_OPT__(,) DB_END }, (res))

/* Run a script of several statements without parameters (migrations only). */
int db_exec_script(struct db *db, const char *sql);

/* Transactions.  db_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite), so a transaction never fails half-way for lock reasons. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

void db_res_free(struct db_res *r);
static inline const char *db_cell(const struct db_res *r, int row, int col)
{
	return r->cells[row * r->ncols + col];
}
/* Cell as text, "" for NULL. */
const char *db_text(const struct db_res *r, int row, int col);
/* Cell as integer, 0 for NULL or non-numeric. */
long long db_int(const struct db_res *r, int row, int col);
/* Cell by column name, NULL if absent. */
int db_col(const struct db_res *r, const char *name);

/* Convenience: the first column of the first row as integer; def if no row. */
long long db_scalar_int(struct db *db, long long def, const char *sql, const struct db_val *params);

/* Apply the embedded migrations that are missing, each in one transaction.
 * Returns the number applied, or -1 (message in err). */
int db_migrate(struct db *db, struct buf *err);
/* Highest applied migration, 0 if none. */
int db_schema_version(struct db *db);

/* ---- pool: one connection per concurrently served request ---- */
struct db_pool;
struct db_pool *db_pool_new(const char *url, int size, struct buf *err);
struct db *db_pool_get(struct db_pool *p);   /* blocks until one is free */
void db_pool_put(struct db_pool *p, struct db *db);
void db_pool_free(struct db_pool *p);

/* ---- driver interface (db_sqlite.c, db_pg.c) ---- */
struct db_driver {
	enum db_kind kind;
	void *(*open)(const char *target, struct buf *err);
	void (*close)(void *conn);
	int (*query)(void *conn, const char *sql, const struct db_val *params,
		     struct db_res **out, struct buf *err, enum db_err *code);
	int (*script)(void *conn, const char *sql, struct buf *err);
	/* Optional: true when the connection is known to be broken, and
	 * re-establish it in place (0, or -1 with err). */
	bool (*broken)(void *conn);
	int (*reset)(void *conn, struct buf *err);
	const char *begin_sql;
};
extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

#endif
