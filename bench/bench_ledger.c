/*
 * bench_ledger.c - ledger figures, one "name value" line each:
 *   ledger.append_per_sec       durable appends per second on SQLite
 *                               (WAL, synchronous=FULL: each commit is
 *                               fsynced), 1000 appends per transaction as a
 *                               server grouping commits would; measured over
 *                               the first 100,000 (the rest of the tree is
 *                               built with 10,000 per transaction)
 *   ledger.build_seconds        time to append all N leaves
 *   ledger.inclusion_us_median / _p99   inclusion proof of a random leaf
 *                               in the tree of size N (N = 1,000,000 by
 *                               default; BENCH_LEDGER_N overrides), read
 *                               from stored hashes, 20,000 samples
 *   ledger.consistency_us_median / _p99 consistency proof between random
 *                               sizes m < N and N
 *   ledger.find_us_median / _p99  ledger_find of a random leaf's hash (the
 *                               hash read beforehand, not timed) in the tree
 *                               of size N: the by-hash lookup of the log API
 *   ledger.checkpoint_sign_ms   one checkpoint: root of size N from stored
 *                               hashes, Ed25519 + SM2 signatures, insert
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void append_range(struct db *db, long long from, long long to, int per_tx)
{
	struct err e = ERR_INIT;
	for (long long i = from; i < to;) {
		if (db_begin(db) < 0)
			die("begin: %s", db_errmsg(db));
		for (int j = 0; j < per_tx && i < to; j++, i++) {
			json_t *f = json_pack("{s:I, s:I, s:I, s:s}", "record_id", (json_int_t)i, "actor_id", (json_int_t)(i % 97),
					      "unit_id", (json_int_t)(i % 7),
					      "sm3", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
			if (ledger_append(db, "record.created", f, NULL, &e) < 0)
				die("append: %s", e.msg);
			json_decref(f);
		}
		if (db_commit(db) < 0)
			die("commit: %s", db_errmsg(db));
	}
}

static void report(const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	printf("%s_median %.1f\n", name, v[n / 2]);
	printf("%s_p99 %.1f\n", name, v[n * 99 / 100]);
}

int main(void)
{
	long long n = 1000000, nv;
	const char *env = getenv("BENCH_LEDGER_N");
	if (env && str_to_ll(env, 1000, 100000000, &nv) == 0)
		n = nv;
	char dir[] = "/tmp/zhifa-bench-ledger-XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp");
	char path[128], keys[128];
	snprintf(path, sizeof path, "%s/zhifa.db", dir);
	snprintf(keys, sizeof keys, "%s/keys", dir);
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(path, &err);
	if (!db || db_migrate(db, &err) < 0)
		die("db: %s", buf_str(&err));

	long long first = n < 100000 ? n : 100000;
	double t0 = now_s();
	append_range(db, 0, first, 1000);
	double t1 = now_s();
	printf("ledger.append_per_sec %.0f\n", (double)first / (t1 - t0));
	append_range(db, first, n, 10000);
	printf("ledger.build_seconds %.1f\n", now_s() - t0);

	enum { SAMPLES = 20000 };
	double *lat = xmalloc(SAMPLES * sizeof *lat);
	unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	size_t cnt;
	struct err e = ERR_INIT;
	unsigned char root[MERKLE_HASH], root_m[MERKLE_HASH], lh[MERKLE_HASH];
	if (ledger_root(db, n, root, &e) < 0)
		die("root: %s", e.msg);
	int bad = 0; /* every proof is also verified (not timed) */
	srand(42);
	for (int i = 0; i < SAMPLES; i++) {
		long long idx = ((long long)rand() * 32768 + rand()) % n;
		double a = now_s();
		if (ledger_inclusion_proof(db, idx, n, proof, &cnt, &e) < 0)
			die("proof: %s", e.msg);
		lat[i] = (now_s() - a) * 1e6;
		if (ledger_leaf(db, idx, NULL, lh, &e) < 0 ||
		    !merkle_verify_inclusion((uint64_t)idx, (uint64_t)n, lh, proof, cnt, root))
			bad++;
	}
	report("ledger.inclusion_us", lat, SAMPLES);
	for (int i = 0; i < SAMPLES; i++) {
		long long m = 1 + ((long long)rand() * 32768 + rand()) % (n - 1);
		double a = now_s();
		if (ledger_consistency_proof(db, m, n, proof, &cnt, &e) < 0)
			die("proof: %s", e.msg);
		lat[i] = (now_s() - a) * 1e6;
		if (ledger_root(db, m, root_m, &e) < 0 ||
		    !merkle_verify_consistency((uint64_t)m, (uint64_t)n, root_m, root, proof, cnt))
			bad++;
	}
	if (bad)
		die("%d proofs did not verify", bad);
	report("ledger.consistency_us", lat, SAMPLES);
	for (int i = 0; i < SAMPLES; i++) {
		long long idx = ((long long)rand() * 32768 + rand()) % n, found;
		unsigned char h[MERKLE_HASH];
		const char *how;
		if (ledger_leaf(db, idx, NULL, h, &e) < 0)
			die("leaf: %s", e.msg);
		double a = now_s();
		if (ledger_find(db, h, n, &found, &how, &e) < 0 || found != idx)
			die("find: %s", e.msg);
		lat[i] = (now_s() - a) * 1e6;
	}
	report("ledger.find_us", lat, SAMPLES);
	free(lat);

	if (ledger_keys_create(keys, "bench.example.gov.cn/log", &e) < 0)
		die("keys: %s", e.msg);
	struct ledger_keys *k = ledger_keys_load(keys, &e);
	bool signed_new;
	double a = now_s();
	if (!k || ledger_checkpoint_sign(db, k, &signed_new, &e) < 0 || !signed_new)
		die("checkpoint: %s", e.msg);
	printf("ledger.checkpoint_sign_ms %.2f\n", (now_s() - a) * 1e3);
	ledger_keys_free(k);
	db_close(db);
	buf_release(&err);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
