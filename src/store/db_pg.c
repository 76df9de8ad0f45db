/*
 * db_pg.c - the PostgreSQL driver (libpq).  Rewrites '?' placeholders to
 * $1..$n outside quoted strings, sends every value as text with
 * PQexecParams, and maps SQLSTATE class 23 to DBE_CONSTRAINT and a broken
 * connection to DBE_CONN (db.c re-establishes it with PQreset).
 */
#include "store/db.h"
#include <libpq-fe.h>

/* libpq messages run over several lines: make them one (log lines). */
static void one_line(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
		buf_truncate(b, b->len - 1);
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n' || b->data[i] == '\t' || b->data[i] == '\r')
			b->data[i] = ' ';
}

/* The session settings every connection starts with. */
static int pg_setup(PGconn *c, struct buf *err)
{
	PGresult *r = PQexec(c, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		buf_printf(err, "无法设置 PostgreSQL 会话: %s", PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static void *pg_open(const char *target, struct buf *err)
{
	PGconn *c = PQconnectdb(target);
	if (PQstatus(c) != CONNECTION_OK) {
		buf_printf(err, "无法连接 PostgreSQL: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	pg_setup(c, err);
	buf_reset(err);
	return c;
}

static bool pg_broken(void *conn) { return PQstatus(conn) == CONNECTION_BAD; }

static int pg_reset(void *conn, struct buf *err)
{
	PQreset(conn);
	if (PQstatus(conn) != CONNECTION_OK) {
		buf_printf(err, "%s", PQerrorMessage(conn));
		one_line(err);
		return -1;
	}
	return pg_setup(conn, err);
}

/* SQLSTATEs that mean the session is gone: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
 * cannot_connect_now. */
static bool conn_state(const char *state)
{
	return state && (str_starts(state, "08") || str_eq(state, "57P01") || str_eq(state, "57P02") ||
			 str_eq(state, "57P03"));
}

static void pg_close(void *conn) { PQfinish(conn); }

/* Rewrite '?' to $n, skipping '...' and "..." literals and -- comments. */
static void pg_rewrite(const char *sql, struct buf *out)
{
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			buf_putc(out, *p);
		} else if (p[0] == '-' && p[1] == '-') {
			/* a comment runs to the end of the line: copy it as it is */
			size_t len = strcspn(p, "\n");
			buf_add(out, p, len);
			p += len - 1;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_putc(out, *p);
		} else if (*p == '?') {
			buf_printf(out, "$%d", ++n);
		} else {
			buf_putc(out, *p);
		}
	}
}

static int pg_query(void *conn, const char *sql, const struct db_val *params,
		    struct db_res **out, struct buf *err, enum db_err *code)
{
	struct buf q;
	buf_init(&q, 0);
	pg_rewrite(sql, &q);
	int n = 0;
	while (params[n].t != DBV_END)
		n++;
	const char **vals = xcalloc((size_t)n + 1, sizeof *vals);
	char (*ints)[24] = xcalloc((size_t)n + 1, sizeof *ints);
	for (int i = 0; i < n; i++) {
		switch (params[i].t) {
		case DBV_NULL: vals[i] = NULL; break;
		case DBV_INT:
			snprintf(ints[i], sizeof ints[i], "%lld", params[i].i);
			vals[i] = ints[i];
			break;
		case DBV_TEXT: vals[i] = params[i].s; break;
		default: BUG("bad db_val type");
		}
	}
	PGresult *res = PQexecParams(conn, buf_str(&q), n, NULL, vals, NULL, NULL, 0);
	buf_release(&q);
	free(vals);
	free(ints);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *msg = PQresultErrorMessage(res);
		buf_printf(err, "%s", msg && *msg ? msg : PQerrorMessage(conn));
		one_line(err);
		if (PQstatus(conn) == CONNECTION_BAD || conn_state(state))
			*code = DBE_CONN;
		else if (state && str_starts(state, "23"))
			*code = DBE_CONSTRAINT;
		else if (state && (str_eq(state, "40001") || str_eq(state, "40P01") || str_eq(state, "55P03")))
			*code = DBE_BUSY;
		else
			*code = DBE_OTHER;
		PQclear(res);
		return -1;
	}
	if (out) {
		struct db_res *r = xcalloc(1, sizeof *r);
		r->nrows = PQntuples(res);
		r->ncols = PQnfields(res);
		r->names = xcalloc((size_t)r->ncols + 1, sizeof *r->names);
		for (int i = 0; i < r->ncols; i++)
			r->names[i] = xstrdup(PQfname(res, i));
		r->cells = xcalloc((size_t)r->nrows * (size_t)r->ncols + 1, sizeof *r->cells);
		for (int row = 0; row < r->nrows; row++)
			for (int col = 0; col < r->ncols; col++)
				r->cells[row * r->ncols + col] = PQgetisnull(res, row, col) ? NULL :
					xstrndup(PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
		*out = r;
	}
	PQclear(res);
	return 0;
}

static int pg_script(void *conn, const char *sql, struct buf *err)
{
	PGresult *res = PQexec(conn, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		buf_printf(err, "%s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

const struct db_driver db_pg_driver = {
	.kind = DB_PG,
	.open = pg_open,
	.close = pg_close,
	.query = pg_query,
	.script = pg_script,
	.broken = pg_broken,
	.reset = pg_reset,
	.begin_sql = "BEGIN",
};
