/*
 * Unit tests for the ledger's append path and lookups: the in-memory
 * frontier (right edge of the tree) stays right after a rolled-back group
 * of appends and after another process appended behind our back (every
 * root of the stored tree checked against an independent recomputation),
 * and ledger_find finds a leaf by its leaf hash or by the SHA-256 of the
 * file it records, below a given size, through indexes (query plans).
 * Honours ZHIFA_TEST_DB (PostgreSQL, in a fresh schema dropped at the end).
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "../tap.h"
#include <openssl/sha.h>
#include <sys/wait.h>
#include <unistd.h>
#include <ctype.h>

/* ---- the independent reference: naive recursive MTH over leaf hashes ---- */
static unsigned char leafh[256][32];

static void ref_mth(uint64_t a, uint64_t b, unsigned char *out)
{
	if (b - a == 0) {
		SHA256((const unsigned char *)"", 0, out);
	} else if (b - a == 1) {
		memcpy(out, leafh[a], 32);
	} else {
		uint64_t k = 1;
		while (2 * k < b - a)
			k *= 2;
		unsigned char in[65];
		in[0] = 1;
		ref_mth(a, a + k, in + 1);
		ref_mth(a + k, b, in + 33);
		SHA256(in, 65, out);
	}
}

/* ---- database ---- */
static char dbpath[256], schema[64];
static const char *pgurl;
/* The parent's connection, kept reachable for the forked children: valgrind
 * checks leaks in each child at _exit, where the compiler may have dropped the
 * parent's (dead there) pointer, and would report the connection as lost. */
static struct db *volatile parent_db;

static struct db *open_db(void)
{
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(pgurl ? pgurl : dbpath, &err);
	if (!db)
		BUG("cannot open test database: %s", buf_str(&err));
	buf_release(&err);
	if (!pgurl)
		db_exec(db, "PRAGMA synchronous=OFF"); /* speed: durability is not under test */
	if (pgurl) {
		char sql[128];
		snprintf(sql, sizeof sql, "SET search_path TO %s", schema);
		if (db_exec(db, sql) < 0)
			BUG("search_path: %s", db_errmsg(db));
	}
	return db;
}

static long long append1(struct db *db, const char *type, json_t *f, struct err *e)
{
	long long idx = -1;
	if (db_begin(db) < 0)
		BUG("begin: %s", db_errmsg(db));
	if (ledger_append(db, type, f, &idx, e) < 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) < 0)
		BUG("commit: %s", db_errmsg(db));
	return idx;
}

static long long append_n(struct db *db, const char *key, int n)
{
	struct err e = ERR_INIT;
	long long idx = -1;
	for (int i = 0; i < n; i++) {
		json_t *f = json_pack("{s:i}", key, i);
		idx = append1(db, "test.frontier", f, &e);
		json_decref(f);
	}
	return idx;
}

/* Every root of the stored tree up to its size against the independent
 * reference over the stored leaf hashes (all of them re-read): any wrong
 * node written from a stale in-memory frontier shows up here. */
static int roots_bad(struct db *db)
{
	struct err e = ERR_INIT;
	long long n = ledger_size(db, &e);
	if (n > 256)
		BUG("test tree too large");
	for (long long i = 0; i < n; i++)
		ledger_leaf(db, i, NULL, leafh[i], &e);
	int bad = 0;
	for (long long s = 0; s <= n; s++) {
		unsigned char root[32], want[32];
		ref_mth(0, (uint64_t)s, want);
		if (ledger_root(db, s, root, &e) < 0 || memcmp(root, want, 32) != 0)
			bad++;
	}
	return bad;
}

/* The in-memory frontier: after a rolled-back group of appends, and after
 * another process appended behind our back, new nodes are still right. */
static void test_frontier(struct db *db)
{
	struct err e = ERR_INIT;
	long long n0 = ledger_size(db, &e), idx = -1;
	db_begin(db);
	for (int i = 0; i < 5; i++) {
		json_t *f = json_pack("{s:i}", "rolled_back", i);
		ledger_append(db, "test.frontier", f, &idx, &e);
		json_decref(f);
	}
	db_rollback(db);
	is_int(ledger_size(db, &e), n0, "5 rolled-back appends left no leaf");
	db_begin(db);
	for (int i = 0; i < 7; i++) {
		json_t *f = json_pack("{s:i}", "kept", i);
		ok(ledger_append(db, "test.frontier", f, &idx, &e) == 0 && idx == n0 + i,
		   "append %d after the rollback takes index %lld", i, n0 + i);
		json_decref(f);
	}
	db_commit(db);
	is_int(roots_bad(db), 0, "after a rollback: every root of the stored tree is right (nodes from a reloaded frontier)");

	pid_t pid = fork();
	if (pid == 0) {
		struct db *c = open_db();
		int fails = 0;
		for (int i = 0; i < 3; i++) {
			struct err ce = ERR_INIT;
			json_t *f = json_pack("{s:i}", "child", i);
			if (append1(c, "test.frontier", f, &ce) < 0)
				fails++;
			json_decref(f);
		}
		db_close(c);
		_exit(fails ? 1 : 0);
	}
	int st;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "another process appended 3 leaves");
	json_t *f = json_pack("{s:i}", "parent", 1);
	is_int(append1(db, "test.frontier", f, &e), n0 + 10, "our next append follows the other process's leaves");
	json_decref(f);
	is_int(roots_bad(db), 0, "after another process appended: every root of the stored tree is right");
	is_int(db_scalar_int(db, -1, "SELECT stamp FROM ledger_head WHERE id = 1", (const struct db_val[]){ DB_END }) != 0, 1,
	       "the head carries a stamp");
}

/* ledger_find: by leaf hash and by a file's SHA-256, first match below
 * size, index lookups (query plan). */
static void test_find(struct db *db)
{
	struct err e = ERR_INIT;
	const char *file = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; /* SHA-256("test") */
	const char *other = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
	json_t *f = json_pack("{s:s, s:i}", "sha256", file, "unit_id", 1);
	long long first = append1(db, "test.file", f, &e);
	long long second = append1(db, "test.file", f, &e);
	json_decref(f);
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)toupper((unsigned char)other[i]);
	upper[64] = '\0';
	f = json_pack("{s:s, s:{s:s}, s:s}", "sha256", upper, "nested", "sha256", other, "copy_of", other);
	long long unindexed = append1(db, "test.file", f, &e);
	json_decref(f);
	ok(first >= 0 && second == first + 1 && unindexed == first + 2, "three file leaves appended");

	unsigned char h[32], lh[32];
	hex_decode(file, h, 32);
	long long idx = -1;
	const char *how = NULL;
	ok(ledger_find(db, h, second + 1, &idx, &how, &e) == 0 && idx == first && str_eq(how, "file_hash"),
	   "a file's SHA-256 finds the first leaf that records it (%lld, %s)", idx, how ? how : "-");
	ok(ledger_find(db, h, first + 1, &idx, &how, &e) == 0 && idx == first, "found in the tree that ends with it");
	ok(ledger_find(db, h, first, &idx, &how, &e) < 0 && e.kind == ERR_NOTFOUND && str_eq(e.field, "hash"),
	   "not found in a tree before it: %s", e.msg);
	ok(ledger_find(db, h, 1LL << 40, &idx, &how, &e) == 0 && idx == first, "a size beyond the tree searches all of it");
	ok(ledger_leaf(db, second, NULL, lh, &e) == 0 && ledger_find(db, lh, second + 1, &idx, &how, &e) == 0 &&
	   idx == second && str_eq(how, "leaf_hash"), "a leaf hash finds its leaf (%s)", how ? how : "-");
	ok(ledger_find(db, lh, second, &idx, &how, &e) < 0 && e.kind == ERR_NOTFOUND, "not in a tree that ends before it");
	hex_decode(other, h, 32);
	ok(ledger_find(db, h, 1LL << 40, &idx, &how, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "upper-case, nested or other-key hashes are not indexed as files");
	ok(ledger_find(db, h, -1, &idx, &how, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "size"), "negative size refused");
	/* the leaf hash wins over a file hash that happens to be equal */
	char lhex[65];
	hex_encode(lh, 32, lhex);
	f = json_pack("{s:s}", "sha256", lhex);
	long long rec = append1(db, "test.file", f, &e);
	json_decref(f);
	ok(rec > second && ledger_find(db, lh, rec + 1, &idx, &how, &e) == 0 && idx == second && str_eq(how, "leaf_hash"),
	   "a leaf hash match comes before a file hash match");
	ok(ledger_find(db, lh, second, &idx, &how, &e) < 0, "neither below the first match");

	/* both lookups use an index (no scan) */
	struct db_res *r;
	const char *plan_sql = pgurl
		? "EXPLAIN SELECT idx FROM ledger_leaves WHERE hkey = 5 AND hash = 'x' AND idx < 100 ORDER BY idx LIMIT 1"
		: "EXPLAIN QUERY PLAN SELECT idx FROM ledger_leaves WHERE hkey = 5 AND hash = 'x' AND idx < 100 ORDER BY idx LIMIT 1";
	struct buf plan;
	buf_init(&plan, 0);
	if (db_query(db, &r, plan_sql) == 0) {
		for (int i = 0; i < r->nrows; i++)
			for (int c = 0; c < r->ncols; c++)
				buf_printf(&plan, "%s;", db_text(r, i, c));
		db_res_free(r);
	}
	ok(strstr(plan.data ? plan.data : "", "ledger_leaves_hkey") != NULL, "leaf-hash lookup uses the hkey index: %s",
	   plan.data ? plan.data : "");
	buf_reset(&plan);
	plan_sql = pgurl ? "EXPLAIN SELECT idx FROM ledger_leaves WHERE sha256 = 'x' AND idx < 100 ORDER BY idx LIMIT 1"
			 : "EXPLAIN QUERY PLAN SELECT idx FROM ledger_leaves WHERE sha256 = 'x' AND idx < 100 ORDER BY idx LIMIT 1";
	if (db_query(db, &r, plan_sql) == 0) {
		for (int i = 0; i < r->nrows; i++)
			for (int c = 0; c < r->ncols; c++)
				buf_printf(&plan, "%s;", db_text(r, i, c));
		db_res_free(r);
	}
	ok(strstr(plan.data ? plan.data : "", "ledger_leaves_sha256") != NULL, "file-hash lookup uses the sha256 index: %s",
	   plan.data ? plan.data : "");
	buf_release(&plan);
}

/* zhifa verify checks the lookup columns against the leaves: a changed
 * hkey or sha256 (triggers removed, in a transaction rolled back) is
 * reported with the leaf's index. */
static void test_verify_columns(struct db *db, const char *dir)
{
	struct err e = ERR_INIT;
	struct ledger_report r;
	ledger_report_init(&r);
	/* no keys directory: one line about the verifier keys, nothing else */
	ok(ledger_verify(db, dir, &r, &e) == 0, "verify runs");
	int base = r.problems;
	ok(base <= 1 && !strstr(r.text.data ? r.text.data : "", "叶子"), "intact leaves: no leaf reported (%d lines)", base);
	db_begin(db);
	if (pgurl)
		db_exec(db, "ALTER TABLE ledger_leaves DISABLE TRIGGER USER");
	else
		db_exec(db, "DROP TRIGGER ledger_leaves_no_update");
	db_exec(db, "UPDATE ledger_leaves SET hkey = hkey + 1 WHERE idx = 3");
	db_exec(db, "UPDATE ledger_leaves SET sha256 = NULL WHERE sha256 IS NOT NULL AND idx = (SELECT MIN(idx) FROM ledger_leaves WHERE sha256 IS NOT NULL)");
	db_exec(db, "UPDATE ledger_leaves SET sha256 = ? WHERE idx = 4", DB_TEXT("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
	ledger_report_release(&r);
	ledger_report_init(&r);
	ok(ledger_verify(db, dir, &r, &e) == 0 && r.problems == base + 3, "3 changed lookup columns found");
	const char *t = r.text.data ? r.text.data : "";
	ok(strstr(t, "叶子 #3: 按叶子哈希查找用的 hkey 列") && strstr(t, "叶子 #4: 按文件哈希查找用的 sha256 列"),
	   "each names the leaf and the column:\n%s", t);
	db_rollback(db);
	ledger_report_release(&r);
}

int main(void)
{
	char dir[] = "/tmp/zhifa-ledger-find-XXXXXX";
	if (!mkdtemp(dir))
		BUG("mkdtemp");
	snprintf(dbpath, sizeof dbpath, "%s/zhifa.db", dir);
	pgurl = getenv("ZHIFA_TEST_DB");
	if (pgurl && !*pgurl)
		pgurl = NULL;
	if (pgurl) {
		snprintf(schema, sizeof schema, "test_ledger_find_%ld", (long)getpid());
		struct buf err;
		buf_init(&err, 0);
		struct db *adm = db_open(pgurl, &err);
		if (!adm)
			BUG("cannot open %s: %s", pgurl, buf_str(&err));
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
		if (db_exec(adm, sql) < 0)
			BUG("create schema: %s", db_errmsg(adm));
		db_close(adm);
		buf_release(&err);
	}
	struct db *db = open_db();
	parent_db = db;
	struct buf merr;
	buf_init(&merr, 0);
	ok(db_migrate(db, &merr) >= 0, "migrations applied %s", buf_str(&merr));
	buf_release(&merr);

	is_int(append_n(db, "warm_up", 37), 36, "37 leaves appended one per transaction");
	is_int(roots_bad(db), 0, "every root of a tree grown one leaf at a time is right");
	test_frontier(db);
	test_find(db);
	test_verify_columns(db, dir);
	db_close(db);

	if (pgurl) {
		struct buf err;
		buf_init(&err, 0);
		struct db *adm = db_open(pgurl, &err);
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
		ok(adm && db_exec(adm, sql) == 0, "test schema dropped");
		db_close(adm);
		buf_release(&err);
	}
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove the temporary directory");
	return tap_done();
}
