/*
 * test_numbering.c - number schemes and gapless numbers (cases/numbering.h):
 * the default schemes of the demo body, formatting and padding, gapless
 * numbers within a year, the year rollover, a rolled-back act leaving no
 * gap, a scheme version chosen by date (the counter continues), the
 * refusals (not a body, bad pattern, no scheme, outside a scheme's dates),
 * the append-only issued numbers, and concurrency: several processes (on
 * PostgreSQL; threads on SQLite, whose locks a forked child must not share
 * with its parent), each with its own connection, drawing numbers at once -
 * no duplicate, no gap - and an act waiting on another's number.
 * SQLite, or PostgreSQL with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "cases/numbering.h"
#include "store/db.h"
#include "tap.h"
#include "testdb.h"
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROCS 6
#define PER_PROC 25

static long long insert_id(struct db *db, const char *sql, const struct db_val *params)
{
	struct db_res *r = NULL;
	if (db_query_a(db, sql, params, &r) < 0 || r->nrows != 1)
		BUG("insert failed: %s", db_errmsg(db));
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

/* Draw one number in its own transaction; commit or roll back. */
static int draw(struct db *db, long long body, const char *kind, const char *date, const char *oid, bool commit,
		char out[128], long long *seq, struct err *e)
{
	if (db_begin(db) < 0)
		return err_set(e, ERR_INTERNAL, "", "begin: %s", db_errmsg(db));
	if (numbering_next(db, body, kind, date, "case", oid, out, 128, seq, e) < 0) {
		db_rollback(db);
		return -1;
	}
	if (!commit)
		return db_rollback(db);
	if (db_commit(db) < 0) {
		db_rollback(db);
		return err_set(e, ERR_INTERNAL, "", "commit: %s", db_errmsg(db));
	}
	return 0;
}

/* A child: its own connection, PER_PROC numbers, each in its own
 * transaction, retried on a busy database.  Exit 0 when all were drawn. */
static int child(const char *url, long long body, int k)
{
	struct buf err = BUF_INIT;
	struct db *db = db_open(url, &err);
	if (!db)
		return 2;
	int got = 0;
	for (int i = 0; i < PER_PROC; i++) {
		char out[128], oid[32];
		long long seq;
		snprintf(oid, sizeof oid, "p%d-%d", k, i);
		for (int attempt = 0; attempt < 50; attempt++) {
			struct err e = ERR_INIT;
			if (draw(db, body, "penalty_decision", "2026-06-01", oid, true, out, &seq, &e) == 0) {
				got++;
				break;
			}
			usleep(2000);
		}
	}
	db_close(db);
	buf_release(&err);
	return got == PER_PROC ? 0 : 1;
}

struct job {
	const char *url;
	long long body;
	int k, rc;
};

static void *child_thread(void *arg)
{
	struct job *j = arg;
	j->rc = child(j->url, j->body, j->k);
	return NULL;
}

/* The act that waits for a held number: 0 when it got number 2. */
static int waiter(const char *url, long long body)
{
	struct buf err = BUF_INIT;
	struct db *cdb = db_open(url, &err);
	char o2[128];
	long long s2 = 0;
	struct err ce = ERR_INIT;
	int rc = cdb ? draw(cdb, body, "inspection", "2026-06-02", "waiter", true, o2, &s2, &ce) : -1;
	if (rc < 0)
		printf("# waiter: %s %s\n", ce.msg, buf_str(&err));
	if (cdb)
		db_close(cdb);
	buf_release(&err);
	return rc == 0 && s2 == 2 ? 0 : 1;
}

static void *waiter_thread(void *arg)
{
	struct job *j = arg;
	j->rc = waiter(j->url, j->body);
	return NULL;
}

int main(void)
{
	struct db *db = testdb_open();
	struct buf merr = BUF_INIT;
	if (db_migrate(db, &merr) < 0)
		BUG("migrate: %s", buf_str(&merr));
	buf_release(&merr);
	struct err e = ERR_INIT;
	char now[21], out[128];
	long long seq = 0;
	time_now_utc(now);
	long long gxt = insert_id(db, "INSERT INTO units(code, name, kind, created_at) VALUES ('gxt', '云南省工业和信息化厅',"
				  " 'body', ?) RETURNING id", (const struct db_val[]){ DB_TEXT(now), DB_END });
	long long office = insert_id(db, "INSERT INTO units(code, name, parent_id, created_at) VALUES ('jnc', '节能与综合利用处',"
				     " ?, ?) RETURNING id", (const struct db_val[]){ DB_INT(gxt), DB_TEXT(now), DB_END });

	/* ---- formatting ---- */
	ok(numbering_format("云工信罚〔{year}〕{n}号", 0, 2026, 12, out, sizeof out) == 0 &&
		   str_eq(out, "云工信罚〔2026〕12号"), "format: %s", out);
	ok(numbering_format("GX-{year}-{n}", 4, 2027, 7, out, sizeof out) == 0 && str_eq(out, "GX-2027-0007"),
	   "zero padding: %s", out);
	ok(numbering_format("{year}{n}", 0, 2026, 1, out, 4) < 0, "too small a buffer refused");

	/* ---- defaults ---- */
	e = (struct err)ERR_INIT;
	ok(draw(db, gxt, "penalty_filing", "2026-03-02", "1", true, out, &seq, &e) < 0 && e.kind == ERR_NOTFOUND &&
		   strstr(e.msg, "行政处罚立案号"),
	   "no scheme yet: %s", e.msg);
	ok(numbering_seed_defaults(db, &e) == 0 && numbering_seed_defaults(db, &e) == 0, "defaults seeded (twice)");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM number_schemes WHERE body_unit_id = ?",
			     (const struct db_val[]){ DB_INT(gxt), DB_END }), 7, "seven default schemes, once");
	static const struct {
		const char *kind, *want;
	} defs[] = {
		{ "penalty_filing", "云工信罚立〔2026〕1号" },	  { "penalty_decision", "云工信罚〔2026〕1号" },
		{ "penalty_simple", "云工信简罚〔2026〕1号" },	  { "licence_acceptance", "云工信许受〔2026〕1号" },
		{ "licence_decision", "云工信许〔2026〕1号" },	  { "coercion_decision", "云工信强〔2026〕1号" },
		{ "inspection", "云工信检〔2026〕1号" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
		ok(draw(db, gxt, defs[i].kind, "2026-03-02", "1", true, out, &seq, &e) == 0 && str_eq(out, defs[i].want) &&
			   seq == 1,
		   "%s: %s", defs[i].kind, out);
	}

	/* ---- gapless, and a rolled-back act gives its number back ---- */
	ok(draw(db, gxt, "penalty_filing", "2026-03-03", "2", true, out, &seq, &e) == 0 && seq == 2, "second: %s", out);
	ok(draw(db, gxt, "penalty_filing", "2026-03-04", "3", false, out, &seq, &e) == 0 && seq == 3,
	   "third drawn in an act that is rolled back");
	ok(draw(db, gxt, "penalty_filing", "2026-03-05", "4", true, out, &seq, &e) == 0 && seq == 3 &&
		   str_eq(out, "云工信罚立〔2026〕3号"),
	   "the next act gets 3 again: no gap (%s)", out);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM number_issued WHERE kind = 'penalty_filing' AND object_id = '3'",
			     (const struct db_val[]){ DB_END }), 0, "the rolled-back number left no issued row");

	/* ---- year rollover ---- */
	ok(draw(db, gxt, "penalty_filing", "2026-12-31", "5", true, out, &seq, &e) == 0 && seq == 4, "last of 2026: %s", out);
	ok(draw(db, gxt, "penalty_filing", "2027-01-01", "6", true, out, &seq, &e) == 0 && seq == 1 &&
		   str_eq(out, "云工信罚立〔2027〕1号"),
	   "first of 2027 starts at 1: %s", out);
	ok(draw(db, gxt, "penalty_filing", "2026-12-31", "7", true, out, &seq, &e) == 0 && seq == 5,
	   "an act dated in 2026 continues 2026's sequence: %s", out);

	/* ---- a new version by date; the counter continues ---- */
	struct actor adm = { .user_id = 0, .roles = ROLE_ADMIN };
	snprintf(adm.username, sizeof adm.username, "admin");
	struct number_scheme_input in = { .body_unit_id = gxt, .kind = "penalty_filing", .pattern = "云工信罚立字〔{year}〕第{n}号",
					  .pad = 3, .effective_from = "2026-07-01", .basis = "本厅文书编号规则（2026 年修订）" };
	long long sid = 0;
	ok(numbering_scheme_add(db, &adm, &in, &sid, &e) == 0 && sid > 0, "new version from 2026-07-01 (%s)", e.msg);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM op_log WHERE action = 'number_scheme.add'",
			     (const struct db_val[]){ DB_END }), 1, "logged");
	ok(draw(db, gxt, "penalty_filing", "2026-06-30", "8", true, out, &seq, &e) == 0 && str_eq(out, "云工信罚立〔2026〕6号"),
	   "before the version: the old pattern (%s)", out);
	ok(draw(db, gxt, "penalty_filing", "2026-07-01", "9", true, out, &seq, &e) == 0 &&
		   str_eq(out, "云工信罚立字〔2026〕第007号"),
	   "from its date: the new pattern, the sequence continues (%s)", out);
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &in, &sid, &e) < 0 && e.kind == ERR_CONFLICT, "same version twice: %s", e.msg);

	/* ---- refusals ---- */
	struct number_scheme_input bad = in;
	bad.effective_from = "2026-08-01";
	bad.body_unit_id = office;
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &bad, &sid, &e) < 0 && str_eq(e.field, "body_unit_id"), "a division is not a body: %s",
	   e.msg);
	bad = in;
	bad.effective_from = "2026-08-01";
	bad.pattern = "云工信罚〔2026〕{n}号";
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &bad, &sid, &e) < 0 && str_eq(e.field, "pattern"), "no {year}: %s", e.msg);
	bad.pattern = "{year}{n}{n}";
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &bad, &sid, &e) < 0 && str_eq(e.field, "pattern"), "{n} twice refused");
	bad = in;
	bad.kind = "no_such_kind";
	bad.effective_from = "2026-08-01";
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &bad, &sid, &e) < 0 && str_eq(e.field, "kind"), "unknown kind refused");
	bad = in;
	bad.effective_from = "2026-02-30";
	e = (struct err)ERR_INIT;
	ok(numbering_scheme_add(db, &adm, &bad, &sid, &e) < 0 && str_eq(e.field, "effective_from"), "a date that does not exist");
	e = (struct err)ERR_INIT;
	ok(draw(db, gxt, "penalty_filing", "2017-12-31", "x", true, out, &seq, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "before any version: %s", e.msg);
	e = (struct err)ERR_INIT;
	ok(draw(db, office, "penalty_filing", "2026-03-02", "x", true, out, &seq, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "a body without schemes");
	e = (struct err)ERR_INIT;
	ok(draw(db, gxt, "penalty_filing", "2026-13-01", "x", true, out, &seq, &e) < 0 && str_eq(e.field, "date"), "bad date");
	ok(db_exec(db, "DELETE FROM number_issued") < 0, "issued numbers cannot be deleted");
	ok(db_exec(db, "UPDATE number_issued SET number = 'x'") < 0, "nor changed");
	ok(db_exec(db, "UPDATE number_schemes SET pattern = 'x'") < 0, "scheme versions cannot be changed");

	json_t *l = numbering_schemes_list(db, &e);
	ok(l && json_array_size(l) == 8, "eight scheme versions listed");
	json_decref(l);
	l = numbering_counters_list(db, &e);
	ok(l && json_array_size(l) == 8, "counters: seven kinds in 2026, one in 2027");
	json_decref(l);
	l = numbering_issued_list(db, "penalty_filing", 0, &e);
	ok(l && json_array_size(l) == 8, "eight filing numbers issued");
	json_decref(l);

	/* ---- concurrency: PROCS processes at once, each its own connection ---- */
	const char *url = testdb_last_url();
	int all_ok = 1;
	if (testdb_is_pg()) {
		pid_t pids[PROCS];
		for (int k = 0; k < PROCS; k++) {
			pids[k] = fork();
			if (pids[k] == 0)
				_exit(child(url, gxt, k));
		}
		for (int k = 0; k < PROCS; k++) {
			int st = 0;
			waitpid(pids[k], &st, 0);
			all_ok &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
		}
	} else {
		pthread_t th[PROCS];
		struct job jobs[PROCS];
		for (int k = 0; k < PROCS; k++) {
			jobs[k] = (struct job){ .url = url, .body = gxt, .k = k };
			pthread_create(&th[k], NULL, child_thread, &jobs[k]);
		}
		for (int k = 0; k < PROCS; k++) {
			pthread_join(th[k], NULL);
			all_ok &= jobs[k].rc == 0;
		}
	}
	ok(all_ok, "%d processes drew %d numbers each", PROCS, PER_PROC);
	/* penalty_decision 2026 had 1 before */
	int total = PROCS * PER_PROC + 1;
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM number_issued WHERE kind = 'penalty_decision' AND year = 2026",
			     (const struct db_val[]){ DB_END }), total, "every number issued once");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(DISTINCT seq) FROM number_issued WHERE kind = 'penalty_decision' AND year = 2026",
			     (const struct db_val[]){ DB_END }), total, "no duplicate");
	is_int(db_scalar_int(db, -1, "SELECT MAX(seq) FROM number_issued WHERE kind = 'penalty_decision' AND year = 2026",
			     (const struct db_val[]){ DB_END }), total, "no gap: the largest is the count");
	is_int(db_scalar_int(db, -1, "SELECT last FROM number_counters WHERE kind = 'penalty_decision' AND year = 2026",
			     (const struct db_val[]){ DB_END }), total, "the counter agrees");

	/* ---- an act holding a number blocks the next one until it ends; if it
	 * rolls back, the waiting act gets that same number ---- */
	ok(db_begin(db) == 0 && numbering_next(db, gxt, "inspection", "2026-06-02", "case", "held", out, sizeof out, &seq, &e) == 0 &&
		   seq == 2,
	   "an open act holds 云工信检〔2026〕2号");
	int wrc = 1;
	if (testdb_is_pg()) {
		pid_t w = fork();
		if (w == 0)
			_exit(waiter(url, gxt));
		usleep(400000);
		ok(db_rollback(db) == 0, "the holding act rolls back");
		int wst = 0;
		waitpid(w, &wst, 0);
		wrc = WIFEXITED(wst) ? WEXITSTATUS(wst) : 1;
	} else {
		pthread_t wt;
		struct job wj = { .url = url, .body = gxt };
		pthread_create(&wt, NULL, waiter_thread, &wj);
		usleep(400000);
		ok(db_rollback(db) == 0, "the holding act rolls back");
		pthread_join(wt, NULL);
		wrc = wj.rc;
	}
	ok(wrc == 0, "the waiting act got number 2: no gap, no duplicate");
	is_int(db_scalar_int(db, -1, "SELECT seq FROM number_issued WHERE kind = 'inspection' AND object_id = 'waiter'",
			     (const struct db_val[]){ DB_END }), 2, "issued to the waiting act");
	db_close(db);
	return tap_done();
}
