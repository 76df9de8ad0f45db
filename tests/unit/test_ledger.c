/*
 * Unit tests for the ledger: RFC 6962 vectors, proofs checked by an
 * independent recursive verifier for all (m, n, i) up to 40, appends in
 * and out of transactions, concurrency of several processes, triggers,
 * keys, signed checkpoints (SM2 and Ed25519 also checked by the openssl
 * command line), tiles, JSON bodies and `zhifa verify` finding a flipped
 * byte in every leaf, stored hash and checkpoint.  (The append's
 * in-memory frontier and ledger_find: test_ledger_find.c.)
 * Honours ZHIFA_TEST_DB (PostgreSQL, in a fresh schema dropped at the end).
 */
#include "core/core.h"
#include "core/err.h"
#include "core/sign.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "../tap.h"
#include <openssl/sha.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int cmd_verify(int argc, char **argv);

#define N 40

/* ---- the independent reference: naive recursive MTH over leaf hashes ---- */
static unsigned char leafh[256][32];

static void ref_node(const unsigned char *l, const unsigned char *r, unsigned char *out)
{
	unsigned char in[65];
	in[0] = 1;
	memcpy(in + 1, l, 32);
	memcpy(in + 33, r, 32);
	SHA256(in, 65, out);
}

static uint64_t ref_k(uint64_t n)
{
	uint64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

static void ref_mth(uint64_t a, uint64_t b, unsigned char *out)
{
	if (b - a == 0) {
		SHA256((const unsigned char *)"", 0, out);
	} else if (b - a == 1) {
		memcpy(out, leafh[a], 32);
	} else {
		uint64_t k = ref_k(b - a);
		unsigned char l[32], r[32];
		ref_mth(a, a + k, l);
		ref_mth(a + k, b, r);
		ref_node(l, r, out);
	}
}

static int ref_get(void *ctx, int level, uint64_t index, unsigned char out[32])
{
	(void)ctx;
	ref_mth(index << level, (index + 1) << level, out);
	return 0;
}

/* Inclusion: rebuild the root from the proof, consuming it from the end
 * (the top-level sibling is last). */
static bool ref_incl(uint64_t m, uint64_t n, const unsigned char *leaf, unsigned char proof[][32], size_t cnt,
		     unsigned char *out)
{
	if (n == 1) {
		if (cnt != 0)
			return false;
		memcpy(out, leaf, 32);
		return true;
	}
	if (cnt == 0)
		return false;
	uint64_t k = ref_k(n);
	unsigned char sub[32];
	if (m < k) {
		if (!ref_incl(m, k, leaf, proof, cnt - 1, sub))
			return false;
		ref_node(sub, proof[cnt - 1], out);
	} else {
		if (!ref_incl(m - k, n - k, leaf, proof, cnt - 1, sub))
			return false;
		ref_node(proof[cnt - 1], sub, out);
	}
	return true;
}

/* Consistency: rebuild (old root, new root) from SUBPROOF's structure. */
static bool ref_cons(uint64_t m, uint64_t n, bool b, const unsigned char *root1, unsigned char proof[][32],
		     size_t *cnt, unsigned char *old, unsigned char *nw)
{
	if (m == n) {
		if (b) {
			memcpy(old, root1, 32);
			memcpy(nw, root1, 32);
			return true;
		}
		if (*cnt == 0)
			return false;
		(*cnt)--;
		memcpy(old, proof[*cnt], 32);
		memcpy(nw, proof[*cnt], 32);
		return true;
	}
	if (*cnt == 0)
		return false;
	uint64_t k = ref_k(n);
	unsigned char last[32], so[32], sn[32];
	memcpy(last, proof[--(*cnt)], 32);
	if (m <= k) {
		if (!ref_cons(m, k, b, root1, proof, cnt, so, sn))
			return false;
		memcpy(old, so, 32);
		ref_node(sn, last, nw);
	} else {
		if (!ref_cons(m - k, n - k, false, root1, proof, cnt, so, sn))
			return false;
		ref_node(last, so, old);
		ref_node(last, sn, nw);
	}
	return true;
}

static bool ref_verify_cons(uint64_t m, uint64_t n, const unsigned char *r1, const unsigned char *r2,
			    unsigned char proof[][32], size_t cnt)
{
	if (m == n)
		return cnt == 0 && memcmp(r1, r2, 32) == 0;
	unsigned char old[32], nw[32];
	size_t c = cnt;
	return ref_cons(m, n, true, r1, proof, &c, old, nw) && c == 0 && memcmp(old, r1, 32) == 0 &&
	       memcmp(nw, r2, 32) == 0;
}

static void hexeq(const unsigned char *h, const char *want, const char *what)
{
	char got[65];
	hex_encode(h, 32, got);
	is_str(got, want, "%s", what);
}

/* ---- RFC 6962 vectors (certificate-transparency merkle_tree_test) ---- */
static void test_vectors(void)
{
	static const char *const leaves[8] = { "", "00", "10", "2021", "3031", "40414243",
					       "5051525354555657", "606162636465666768696a6b6c6d6e6f" };
	static const char *const roots[8] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	for (int i = 0; i < 8; i++) {
		unsigned char raw[16];
		long n = hex_decode(leaves[i], raw, sizeof raw);
		merkle_leaf_hash(raw, (size_t)n, leafh[i]);
	}
	unsigned char root[32];
	merkle_root(ref_get, NULL, 0, root);
	hexeq(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty tree root");
	for (int n = 1; n <= 8; n++) {
		merkle_root(ref_get, NULL, (uint64_t)n, root);
		char what[40];
		snprintf(what, sizeof what, "RFC 6962 root of %d leaves", n);
		hexeq(root, roots[n - 1], what);
	}
}

/* All proofs for sizes up to N: library verifier, independent verifier,
 * and tampered proofs refused. */
static void test_proofs_pure(void)
{
	for (int i = 0; i < N; i++) {
		char s[24];
		snprintf(s, sizeof s, "leaf %d", i);
		merkle_leaf_hash(s, strlen(s), leafh[i]);
	}
	int bad = 0, checked = 0;
	unsigned char proof[MERKLE_MAX_PROOF][32];
	size_t cnt;
	for (uint64_t n = 1; n <= N; n++) {
		unsigned char root[32], want[32];
		merkle_root(ref_get, NULL, n, root);
		ref_mth(0, n, want);
		if (memcmp(root, want, 32))
			bad++;
		for (uint64_t i = 0; i < n; i++) {
			merkle_inclusion_proof(ref_get, NULL, i, n, proof, &cnt);
			unsigned char got[32];
			checked++;
			if (!merkle_verify_inclusion(i, n, leafh[i], proof, cnt, root) ||
			    !ref_incl(i, n, leafh[i], proof, cnt, got) || memcmp(got, root, 32))
				bad++;
			if (cnt) {
				proof[0][5] ^= 1;
				if (merkle_verify_inclusion(i, n, leafh[i], proof, cnt, root))
					bad++;
			}
			if (merkle_verify_inclusion(i, n, leafh[(i + 1) % N], proof, cnt, root) && n > 1)
				bad++;
		}
		for (uint64_t m = 1; m <= n; m++) {
			unsigned char r1[32];
			ref_mth(0, m, r1);
			merkle_consistency_proof(ref_get, NULL, m, n, proof, &cnt);
			checked++;
			if (!merkle_verify_consistency(m, n, r1, root, proof, cnt) ||
			    !ref_verify_cons(m, n, r1, root, proof, cnt))
				bad++;
			if (m < n) {
				unsigned char r1x[32];
				memcpy(r1x, r1, 32);
				r1x[0] ^= 1;
				if (merkle_verify_consistency(m, n, r1x, root, proof, cnt))
					bad++;
				proof[cnt - 1][0] ^= 1;
				if (merkle_verify_consistency(m, n, r1, root, proof, cnt))
					bad++;
			}
		}
	}
	is_int(bad, 0, "pure: %d roots, inclusion and consistency proofs up to n=%d agree with the independent verifier", checked, N);
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

static void test_append(struct db *db)
{
	struct err e = ERR_INIT;
	json_t *f = json_pack("{s:s, s:I, s:I, s:s}", "record_id", "R-2026-001", "actor_id", (json_int_t)7,
			      "unit_id", (json_int_t)3, "sm3", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	is_int(append1(db, "record.created", f, &e), 0, "first leaf gets index 0");
	struct buf leaf;
	buf_init(&leaf, 0);
	unsigned char h[32], want[32];
	ok(ledger_leaf(db, 0, &leaf, h, &e) == 0, "leaf 0 read back");
	ok(str_starts(leaf.data, "{\"actor_id\":7,\"at\":\"") && strstr(leaf.data, "\",\"index\":0,\"record_id\":\"R-2026-001\",\"sm3\":\"66c7") &&
	   str_ends(leaf.data, "\",\"type\":\"record.created\",\"unit_id\":3,\"v\":1}"),
	   "leaf is canonical JSON with sorted keys: %s", leaf.data);
	merkle_leaf_hash(leaf.data, leaf.len, want);
	ok(memcmp(h, want, 32) == 0, "stored leaf hash = SHA-256(0x00 || leaf)");
	buf_release(&leaf);
	json_decref(f);

	/* canonical form details */
	struct buf c;
	buf_init(&c, 0);
	json_t *o = json_pack("{s:s, s:[i,b,n], s:{s:i, s:i}}", "标题", "执法/检查\n", "a", 1, 1, "z", "y", 2, "b", -3);
	ok(ledger_canonical(o, &c, &e) == 0, "canonical JSON of a nested object");
	is_str(c.data, "{\"a\":[1,true,null],\"z\":{\"b\":-3,\"y\":2},\"标题\":\"执法/检查\\n\"}",
	       "UTF-8 unescaped, keys sorted by bytes, no white space");
	json_decref(o);
	buf_release(&c);

	o = json_pack("{s:f}", "amount", 1.5);
	ok(append1(db, "x.y", o, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "fields"), "real number refused: %s", e.msg);
	json_decref(o);
	o = json_pack("{s:i}", "index", 5);
	ok(append1(db, "x.y", o, &e) < 0 && e.kind == ERR_INVALID && strstr(e.msg, "index"), "reserved key refused: %s", e.msg);
	json_decref(o);
	o = json_pack("{s:{s:s}}", "party", "phone", "13800000000");
	ok(append1(db, "x.y", o, &e) < 0 && e.kind == ERR_INVALID && strstr(e.msg, "phone"), "personal data key refused: %s", e.msg);
	json_decref(o);
	ok(append1(db, "Bad Type", NULL, &e) < 0 && str_eq(e.field, "event_type"), "bad event type refused");
	char *big = xcalloc(1, 70000);
	memset(big, 'a', 69999);
	o = json_pack("{s:s}", "blob", big);
	ok(append1(db, "x.y", o, &e) < 0 && e.kind == ERR_INVALID, "leaf over 65535 bytes refused");
	json_decref(o);
	free(big);
	is_int(ledger_size(db, &e), 1, "refused events left no leaf");

	/* rollback with the caller's act */
	long long idx = -1;
	db_begin(db);
	ok(ledger_append(db, "case.opened", NULL, &idx, &e) == 0 && idx == 1, "append inside caller's transaction");
	db_rollback(db);
	is_int(ledger_size(db, &e), 1, "rolled-back act leaves no leaf");
	is_int(append1(db, "case.opened", NULL, &e), 1, "next append reuses index 1 (no gap)");
	/* several appends in one transaction */
	db_begin(db);
	for (int i = 2; i < N; i++) {
		json_t *fi = json_pack("{s:I}", "object_id", (json_int_t)i);
		ok(ledger_append(db, "record.created", fi, &idx, &e) == 0 && idx == i, "append %d in one transaction", i);
		json_decref(fi);
	}
	db_commit(db);
	is_int(ledger_size(db, &e), N, "tree has %d leaves", N);
}

static void test_proofs_db(struct db *db)
{
	struct err e = ERR_INIT;
	for (int i = 0; i < N; i++)
		ledger_leaf(db, i, NULL, leafh[i], &e);
	int bad = 0;
	unsigned char proof[MERKLE_MAX_PROOF][32], ref[MERKLE_MAX_PROOF][32];
	size_t cnt, rcnt;
	for (uint64_t n = 1; n <= N; n++) {
		unsigned char root[32], want[32];
		ref_mth(0, n, want);
		if (ledger_root(db, (long long)n, root, &e) < 0 || memcmp(root, want, 32))
			bad++;
		for (uint64_t i = 0; i < n; i++) {
			unsigned char got[32];
			merkle_inclusion_proof(ref_get, NULL, i, n, ref, &rcnt);
			if (ledger_inclusion_proof(db, (long long)i, (long long)n, proof, &cnt, &e) < 0 || cnt != rcnt ||
			    memcmp(proof, ref, cnt * 32) || !ref_incl(i, n, leafh[i], proof, cnt, got) || memcmp(got, want, 32))
				bad++;
		}
		for (uint64_t m = 1; m <= n; m++) {
			unsigned char r1[32];
			ref_mth(0, m, r1);
			if (ledger_consistency_proof(db, (long long)m, (long long)n, proof, &cnt, &e) < 0 ||
			    !ref_verify_cons(m, n, r1, want, proof, cnt))
				bad++;
		}
	}
	is_int(bad, 0, "stored tree: roots, inclusion and consistency proofs for all (m, n, i) up to %d", N);

	ok(ledger_inclusion_proof(db, 5, N + 1, proof, &cnt, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "size"),
	   "inclusion proof beyond the tree refused: %s", e.msg);
	ok(ledger_inclusion_proof(db, 10, 10, proof, &cnt, &e) < 0 && str_eq(e.field, "index"), "index >= size refused: %s", e.msg);
	ok(ledger_consistency_proof(db, 0, 5, proof, &cnt, &e) < 0 && str_eq(e.field, "from"), "consistency from 0 refused");
	ok(ledger_consistency_proof(db, 6, 5, proof, &cnt, &e) < 0 && str_eq(e.field, "from"), "consistency from > to refused");

	/* JSON bodies */
	struct buf b;
	buf_init(&b, 0);
	ok(ledger_json_inclusion(db, 3, 21, &b, &e) == 0, "inclusion JSON");
	json_t *j = json_loads(b.data, 0, NULL);
	ok(j && json_integer_value(json_object_get(j, "index")) == 3 && json_integer_value(json_object_get(j, "size")) == 21 &&
	   json_array_size(json_object_get(j, "proof")) == 5, "inclusion JSON has index, size and 5 hashes: %s", b.data);
	if (j) {
		unsigned char p2[MERKLE_MAX_PROOF][32], root[32];
		size_t k = json_array_size(json_object_get(j, "proof"));
		for (size_t i = 0; i < k; i++) {
			const char *s = json_string_value(json_array_get(json_object_get(j, "proof"), i));
			b64_decode(s, strlen(s), p2[i], 32);
		}
		ref_mth(0, 21, root);
		ok(merkle_verify_inclusion(3, 21, leafh[3], p2, k, root), "proof decoded from JSON verifies");
	}
	json_decref(j);
	buf_reset(&b);
	ok(ledger_json_consistency(db, 7, 40, &b, &e) == 0 && str_starts(b.data, "{\"from\":7,\"proof\":[\"") &&
	   str_ends(b.data, "],\"to\":40}"), "consistency JSON: %.60s", b.data);
	buf_reset(&b);
	ok(ledger_json_leaf(db, 0, &b, &e) == 0 && str_starts(b.data, "{\"hash\":\"") && strstr(b.data, "\"index\":0,\"leaf\":\"eyJ"),
	   "leaf JSON: %.60s", b.data);
	buf_reset(&b);
	ok(ledger_json_leaf(db, N, &b, &e) < 0 && e.kind == ERR_NOTFOUND, "missing leaf: %s", e.msg);
	ok(ledger_json_leaf(db, -1, &b, &e) < 0 && e.kind == ERR_INVALID, "negative index refused");

	/* tiles */
	buf_reset(&b);
	ledger_tile_path(0, 1234067, 256, &b);
	is_str(b.data, "tile/0/x001/x234/067", "tile path");
	buf_reset(&b);
	ledger_tile_path(-1, 5, 40, &b);
	is_str(b.data, "tile/entries/005.p/40", "partial entry bundle path");
	int lv, w;
	long long ix;
	ok(ledger_tile_parse("tile/1/x001/x234/067.p/8", &lv, &ix, &w) == 0 && lv == 1 && ix == 1234067 && w == 8, "tile path parsed");
	ok(ledger_tile_parse("tile/entries/000", &lv, &ix, &w) == 0 && lv == -1 && ix == 0 && w == 256, "entries path parsed");
	ok(ledger_tile_parse("tile/0/1234", &lv, &ix, &w) < 0 && ledger_tile_parse("tile/0/x001/06", &lv, &ix, &w) < 0 &&
	   ledger_tile_parse("tile/0/000.p/0", &lv, &ix, &w) < 0 && ledger_tile_parse("tile/0/000.p/256", &lv, &ix, &w) < 0,
	   "bad tile paths refused");
	/* found by fuzz_tile: a leading zero group made a second spelling of a tile */
	ok(ledger_tile_parse("tile/0/x000/234", &lv, &ix, &w) < 0 && ledger_tile_parse("tile/entries/x000/x000/001", &lv, &ix, &w) < 0,
	   "a leading x000 group is refused (one spelling per tile)");
	ok(ledger_tile_parse("tile/0/x001/000", &lv, &ix, &w) == 0 && ix == 1000, "x001/000 is 1000");
	buf_reset(&b);
	ok(ledger_tile(db, 0, 0, N, &b, &e) == 0 && b.len == N * 32 && memcmp(b.data, leafh, N * 32) == 0,
	   "level-0 partial tile = the %d leaf hashes", N);
	ok(ledger_tile(db, 0, 0, N + 1, &b, &e) < 0 && e.kind == ERR_NOTFOUND, "tile wider than the tree: not found");
	ok(ledger_tile(db, 1, 0, 1, &b, &e) < 0 && e.kind == ERR_NOTFOUND, "level-1 tile absent below 256 leaves");
	buf_reset(&b);
	ok(ledger_tile(db, -1, 0, 3, &b, &e) == 0, "entry bundle of 3 leaves");
	{
		size_t off = 0;
		int nleaves = 0, okb = 1;
		while (off + 2 <= b.len) {
			size_t len = (size_t)((unsigned char)b.data[off] << 8 | (unsigned char)b.data[off + 1]);
			unsigned char hh[32];
			merkle_leaf_hash(b.data + off + 2, len, hh);
			if (memcmp(hh, leafh[nleaves], 32))
				okb = 0;
			off += 2 + len;
			nleaves++;
		}
		ok(okb && nleaves == 3 && off == b.len, "entry bundle holds the 3 leaves with 16-bit lengths");
	}
	buf_release(&b);
}

/* Several processes append concurrently: indexes exactly once, no gaps. */
static void test_concurrency(struct db *db)
{
	struct err e = ERR_INIT;
	long long before = ledger_size(db, &e);
	enum { PROCS = 4, EACH = 15 };
	pid_t pids[PROCS];
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			struct db *c = open_db();
			int fails = 0;
			for (int i = 0; i < EACH; i++) {
				struct err ce = ERR_INIT;
				json_t *f = json_pack("{s:i, s:i}", "proc", p, "seq", i);
				if (append1(c, "test.concurrent", f, &ce) < 0)
					fails++;
				json_decref(f);
			}
			db_close(c);
			_exit(fails ? 1 : 0);
		}
	}
	int okc = 1;
	for (int p = 0; p < PROCS; p++) {
		int st;
		waitpid(pids[p], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			okc = 0;
	}
	ok(okc, "%d processes appended %d leaves each", PROCS, EACH);
	long long after = ledger_size(db, &e);
	is_int(after, before + PROCS * EACH, "head grew by exactly the number of appends");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM ledger_leaves", (const struct db_val[]){ DB_END }), after,
	       "one row per index");
	is_int(db_scalar_int(db, -1, "SELECT MAX(idx) FROM ledger_leaves", (const struct db_val[]){ DB_END }), after - 1,
	       "indexes 0..size-1 without gaps");
}

static void test_triggers(struct db *db)
{
	ok(db_exec(db, "UPDATE ledger_leaves SET leaf = 'x' WHERE idx = 0") < 0, "UPDATE of a leaf refused");
	ok(db_exec(db, "DELETE FROM ledger_leaves WHERE idx = 0") < 0, "DELETE of a leaf refused");
	ok(db_exec(db, "UPDATE ledger_nodes SET hash = 'x'") < 0, "UPDATE of a node refused");
	ok(db_exec(db, "DELETE FROM ledger_nodes") < 0, "DELETE of nodes refused");
	ok(db_exec(db, "UPDATE ledger_checkpoints SET note = 'x'") < 0, "UPDATE of a checkpoint refused");
	ok(db_exec(db, "DELETE FROM ledger_checkpoints") < 0, "DELETE of checkpoints refused");
	ok(db_exec(db, "UPDATE ledger_head SET size = 3 WHERE id = 1") < 0, "head cannot be set back");
	ok(db_exec(db, "DELETE FROM ledger_head") < 0, "head cannot be deleted");
	if (pgurl)
		ok(db_exec(db, "TRUNCATE ledger_leaves") < 0, "TRUNCATE of leaves refused (PostgreSQL)");
}

static int run(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	fwrite(p, 1, n, f);
	fclose(f);
}

/* The signature bytes of the k-th signature line of a note. */
static long note_sig(const char *note, int k, unsigned char *out)
{
	const char *p = strstr(note, "\n\n") + 2;
	for (int i = 0; i < k; i++)
		p = strchr(p, '\n') + 1;
	const char *sp = strchr(p + 4, ' ') + 1;
	const char *nl = strchr(sp, '\n');
	return b64_decode(sp, (size_t)(nl - sp), out, 200);
}

static int verify_count(struct db *db, const char *keys, struct ledger_report *r)
{
	struct err e = ERR_INIT;
	ledger_report_release(r);
	ledger_report_init(r);
	if (ledger_verify(db, keys, r, &e) < 0) {
		printf("# verify could not run: %s\n", e.msg);
		return -1;
	}
	return r->problems;
}

static void test_checkpoints(struct db *db, const char *dir)
{
	struct err e = ERR_INIT;
	char keys[300], path[400];
	snprintf(keys, sizeof keys, "%s/keys", dir);
	ok(ledger_keys_create(keys, "zhifa.example.gov.cn/log", &e) == 0, "keys created: %s", e.msg);
	struct stat st;
	ok(stat(keys, &st) == 0 && (st.st_mode & 0777) == 0700, "keys directory is 0700");
	snprintf(path, sizeof path, "%s/ledger-sm2.pem", keys);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "SM2 private key is 0600");
	snprintf(path, sizeof path, "%s/ledger-ed25519.pem", keys);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "Ed25519 private key is 0600");
	ok(ledger_keys_create(keys, "zhifa.example.gov.cn/log", &e) < 0 && e.kind == ERR_CONFLICT, "keys not overwritten: %s", e.msg);
	ok(ledger_keys_create("/tmp/x", "bad origin", &e) < 0 && str_eq(e.field, "origin"), "origin with a space refused");
	struct ledger_keys *k = ledger_keys_load(keys, &e);
	ok(k != NULL, "keys loaded");
	if (!k)
		return;

	struct buf note;
	buf_init(&note, 0);
	ok(ledger_checkpoint_latest(db, &note, NULL, &e) < 0 && e.kind == ERR_NOTFOUND, "no checkpoint yet");
	bool signed_new = false;
	ok(ledger_checkpoint_maybe(db, k, 2, &signed_new, &e) == 0 && signed_new, "first checkpoint signed at once");
	ok(ledger_checkpoint_maybe(db, k, 0, &signed_new, &e) == 0 && !signed_new, "not re-signed while the tree did not grow");
	long long size;
	ok(ledger_checkpoint_latest(db, &note, &size, &e) == 0 && size == ledger_size(db, &e), "latest checkpoint has the tree size");
	{
		struct buf n2;
		buf_init(&n2, 0);
		char at[21] = "", now[21];
		long long s2 = -1;
		time_now_utc(now);
		ok(ledger_checkpoint_latest_at(db, &n2, &s2, at, &e) == 0 && s2 == size && str_eq(n2.data, note.data) &&
		   strlen(at) == 20 && time_utc_parse(at) >= 0 && time_utc_parse(now) - time_utc_parse(at) < 600,
		   "latest checkpoint with its signing time %s", at);
		buf_release(&n2);
	}
	unsigned char root[32];
	ledger_root(db, size, root, &e);
	struct buf text;
	buf_init(&text, 0);
	checkpoint_text("zhifa.example.gov.cn/log", size, root, &text);
	ok(str_starts(note.data, text.data) && note.data[text.len] == '\n' && str_starts(note.data + text.len + 1, "\xE2\x80\x94 zhifa.example.gov.cn/log "),
	   "note = checkpoint text, blank line, em-dash signature lines");

	/* verify with the verifier keys from the file */
	snprintf(path, sizeof path, "%s/ledger-vkeys.txt", keys);
	FILE *f = fopen(path, "r");
	char line[1024];
	struct note_verifier v[2];
	int nv = 0;
	while (f && nv < 2 && fgets(line, sizeof line, f)) {
		line[strcspn(line, " \n")] = '\0';
		if (note_vkey_parse(line, &v[nv], &e) == 0)
			nv++;
	}
	if (f)
		fclose(f);
	is_int(nv, 2, "two verifier keys listed");
	ok(str_starts(line, "zhifa.example.gov.cn/log+"), "verifier key text name+hash+key: %s", line);
	struct note_check c;
	ok(note_verify(note.data, note.len, v, 2, &c, NULL, &e) == 0 && c.ed25519_ok == 1 && c.sm2_ok == 1 && c.bad == 0,
	   "both signatures verify");
	struct buf t2;
	buf_init(&t2, 0);
	buf_puts(&t2, note.data);
	t2.data[text.len - 5] ^= 1;
	ok(note_verify(t2.data, t2.len, v, 2, &c, NULL, &e) == 0 && c.bad == 2 && c.ed25519_ok == 0,
	   "a flipped byte in the text fails both signatures");
	buf_release(&t2);
	ok(note_verify(note.data, note.len, v + 1, 1, &c, NULL, &e) == 0 && c.unknown == 1, "signature of an unknown key is ignored");
	/* Ed25519 key hash per the signed-note spec */
	{
		struct buf raw;
		buf_init(&raw, 0);
		const struct note_verifier *ed = sign_key_alg(v[0].key) == SIGN_ED25519 ? &v[0] : &v[1];
		buf_puts(&raw, "zhifa.example.gov.cn/log\n\x01");
		sign_key_public_raw(ed->key, &raw);
		unsigned char hh[32];
		SHA256((unsigned char *)raw.data, raw.len, hh);
		ok(((uint32_t)hh[0] << 24 | (uint32_t)hh[1] << 16 | (uint32_t)hh[2] << 8 | hh[3]) == ed->hash,
		   "Ed25519 key hash = SHA-256(name || 0x0A || 0x01 || key)[:4]");
		buf_release(&raw);
	}
	for (int i = 0; i < nv; i++)
		note_verifier_release(&v[i]);

	/* the openssl command line verifies the SM2 and Ed25519 lines */
	unsigned char sig[200];
	char tpath[400], spath[400], cmd[1600];
	snprintf(tpath, sizeof tpath, "%s/cp.txt", dir);
	write_file(tpath, text.data, text.len);
	for (int line_no = 0; line_no < 2; line_no++) {
		long n = note_sig(note.data, line_no, sig);
		snprintf(spath, sizeof spath, "%s/cp%d.sig", dir, line_no);
		write_file(spath, sig + 4, (size_t)n - 4);
	}
	snprintf(cmd, sizeof cmd, "openssl pkeyutl -verify -pubin -inkey %s/ledger-ed25519.pub.pem -rawin -in %s -sigfile %s/cp0.sig >/dev/null 2>&1",
		 keys, tpath, dir);
	is_int(run(cmd), 0, "openssl verifies the Ed25519 signature line");
	snprintf(cmd, sizeof cmd, "openssl pkeyutl -verify -pubin -inkey %s/ledger-sm2.pub.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in %s -sigfile %s/cp1.sig >/dev/null 2>&1",
		 keys, tpath, dir);
	is_int(run(cmd), 0, "openssl pkeyutl -rawin -digest sm3 -pkeyopt distid:1234567812345678 verifies the SM2 line");
	snprintf(cmd, sizeof cmd, "printf x >> %s && openssl pkeyutl -verify -pubin -inkey %s/ledger-sm2.pub.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in %s -sigfile %s/cp1.sig >/dev/null 2>&1",
		 tpath, keys, tpath, dir);
	ok(run(cmd) != 0, "openssl refuses the SM2 signature of a changed text");

	/* more checkpoints, a key rotation, then the full verification */
	ok(append1(db, "record.created", NULL, &e) >= 0, "append after checkpoint");
	ok(ledger_checkpoint_maybe(db, k, 3600, &signed_new, &e) == 0 && !signed_new, "not signed before the interval passed");
	ok(ledger_checkpoint_maybe(db, k, 0, &signed_new, &e) == 0 && signed_new, "signed once the interval passed");
	ledger_keys_free(k);
	ok(ledger_keys_rotate(keys, &e) == 0, "keys rotated");
	k = ledger_keys_load(keys, &e);
	for (int i = 0; i < 3; i++)
		append1(db, "record.created", NULL, &e);
	ok(ledger_checkpoint_sign(db, k, &signed_new, &e) == 0 && signed_new, "checkpoint signed with the new keys");
	ledger_keys_free(k);

	struct ledger_report r;
	ledger_report_init(&r);
	is_int(verify_count(db, keys, &r), 0, "intact log verifies (old checkpoints with the rotated-out keys)");
	if (r.problems)
		printf("%s", r.text.data);
	is_int(r.checkpoints, 3, "three checkpoints checked");
	ok(r.leaves == ledger_size(db, &e) && r.nodes > 0, "every leaf and node read (%lld, %lld)", r.leaves, r.nodes);
	ledger_report_release(&r);
	buf_release(&note);
	buf_release(&text);
}

/* Tampering (triggers removed as an attacker with database access would):
 * every flipped byte is found. */
static void test_tamper(struct db *db, const char *dir)
{
	char keys[300];
	snprintf(keys, sizeof keys, "%s/keys", dir);
	/* all tampering happens in one transaction, rolled back at the end
	 * (the verifier reads through the same connection and sees it) */
	db_begin(db);
	if (pgurl) {
		db_exec(db, "ALTER TABLE ledger_leaves DISABLE TRIGGER USER");
		db_exec(db, "ALTER TABLE ledger_nodes DISABLE TRIGGER USER");
		db_exec(db, "ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER");
	} else {
		db_exec(db, "DROP TRIGGER ledger_leaves_no_update");
		db_exec(db, "DROP TRIGGER ledger_nodes_no_update");
		db_exec(db, "DROP TRIGGER ledger_checkpoints_no_update");
	}
	struct ledger_report r;
	ledger_report_init(&r);
	struct err e = ERR_INIT;
	long long n = ledger_size(db, &e);
	int missed = 0, located = 0, tries = 0;
	char where[64];
	/* leaves and leaf hashes (the first N: each run re-reads everything) */
	(void)n;
	for (long long i = 0; i < N; i++) {
		struct db_res *res;
		db_query(db, &res, "SELECT leaf, hash FROM ledger_leaves WHERE idx = ?", DB_INT(i));
		char *leaf = xstrdup(db_text(res, 0, 0)), *hash = xstrdup(db_text(res, 0, 1));
		db_res_free(res);
		char *bad = xstrdup(leaf);
		size_t pos = (size_t)i * 7 % strlen(bad);
		while (!((bad[pos] >= '0' && bad[pos] <= '9') || (bad[pos] >= 'a' && bad[pos] <= 'z')))
			pos = (pos + 1) % strlen(bad);
		bad[pos] ^= 1;
		snprintf(where, sizeof where, "叶子 #%lld:", i);
		db_exec(db, "UPDATE ledger_leaves SET leaf = ? WHERE idx = ?", DB_TEXT(bad), DB_INT(i));
		tries++;
		if (verify_count(db, keys, &r) <= 0)
			missed++;
		else if (strstr(r.text.data, where))
			located++;
		db_exec(db, "UPDATE ledger_leaves SET leaf = ? WHERE idx = ?", DB_TEXT(leaf), DB_INT(i));
		char *bh = xstrdup(hash);
		bh[i % 64] = bh[i % 64] == '0' ? '1' : '0';
		db_exec(db, "UPDATE ledger_leaves SET hash = ? WHERE idx = ?", DB_TEXT(bh), DB_INT(i));
		tries++;
		if (verify_count(db, keys, &r) <= 0)
			missed++;
		else if (strstr(r.text.data, where))
			located++;
		db_exec(db, "UPDATE ledger_leaves SET hash = ? WHERE idx = ?", DB_TEXT(hash), DB_INT(i));
		free(leaf);
		free(hash);
		free(bad);
		free(bh);
	}
	is_int(verify_count(db, keys, &r), 0, "restored log verifies again");
	/* nodes */
	struct db_res *nodes;
	db_query(db, &nodes, "SELECT nkey, hash FROM ledger_nodes WHERE nkey < ? OR nkey >= ? AND nkey < ? OR nkey >= ? ORDER BY nkey",
		 DB_INT((1LL << 48) + 20), DB_INT(1LL << 49), DB_INT((1LL << 49) + 10), DB_INT(3LL << 48));
	for (int i = 0; i < nodes->nrows; i++) {
		char *bh = xstrdup(db_text(nodes, i, 1));
		bh[i % 64] = bh[i % 64] == 'f' ? 'e' : 'f';
		db_exec(db, "UPDATE ledger_nodes SET hash = ? WHERE nkey = ?", DB_TEXT(bh), DB_INT(db_int(nodes, i, 0)));
		tries++;
		if (verify_count(db, keys, &r) <= 0)
			missed++;
		else if (strstr(r.text.data, "节点(层 "))
			located++;
		db_exec(db, "UPDATE ledger_nodes SET hash = ? WHERE nkey = ?", DB_TEXT(db_text(nodes, i, 1)), DB_INT(db_int(nodes, i, 0)));
		free(bh);
	}
	db_res_free(nodes);
	/* checkpoints: a byte of the text, of a signature, and of the root column */
	struct db_res *cps;
	db_query(db, &cps, "SELECT size, note, root FROM ledger_checkpoints ORDER BY size");
	for (int i = 0; i < cps->nrows; i++) {
		const char *orig = db_text(cps, i, 1);
		long long size = db_int(cps, i, 0);
		snprintf(where, sizeof where, "检查点(大小 %lld)", size);
		size_t positions[3] = { strlen(orig) - 10, strchr(orig, '\n') - orig + 1, strlen(orig) - 4 };
		for (int j = 0; j < 3; j++) {
			char *bad = xstrdup(orig);
			size_t pos = positions[j];
			while (!((bad[pos] >= '0' && bad[pos] <= '9') || (bad[pos] >= 'A' && bad[pos] <= 'Z') ||
				 (bad[pos] >= 'b' && bad[pos] <= 'z')))
				pos--;
			bad[pos] ^= 1;
			db_exec(db, "UPDATE ledger_checkpoints SET note = ? WHERE size = ?", DB_TEXT(bad), DB_INT(size));
			tries++;
			if (verify_count(db, keys, &r) <= 0)
				missed++;
			else if (strstr(r.text.data, where))
				located++;
			free(bad);
		}
		db_exec(db, "UPDATE ledger_checkpoints SET note = ? WHERE size = ?", DB_TEXT(orig), DB_INT(size));
		char *br = xstrdup(db_text(cps, i, 2));
		br[3] = br[3] == '0' ? '1' : '0';
		db_exec(db, "UPDATE ledger_checkpoints SET root = ? WHERE size = ?", DB_TEXT(br), DB_INT(size));
		tries++;
		if (verify_count(db, keys, &r) <= 0)
			missed++;
		else if (strstr(r.text.data, where))
			located++;
		db_exec(db, "UPDATE ledger_checkpoints SET root = ? WHERE size = ?", DB_TEXT(db_text(cps, i, 2)), DB_INT(size));
		free(br);
	}
	db_res_free(cps);
	is_int(missed, 0, "every one of %d flipped bytes (leaves, leaf hashes, nodes, checkpoints) found", tries);
	is_int(located, tries, "each report names the leaf, node or checkpoint");
	ok(tries > 100, "%d tampering runs", tries);
	is_int(verify_count(db, keys, &r), 0, "restored log verifies again");
	db_rollback(db);
	ok(db_exec(db, "UPDATE ledger_leaves SET leaf = 'x' WHERE idx = 0") < 0, "triggers back after the rollback");

	/* the command: exit 0 intact, 1 with the discrepancy listed */
	char *argv[] = { "verify", "--data", (char *)dir, "--db", pgurl ? (char *)pgurl : dbpath, NULL };
	if (pgurl) {
		/* cmd_verify opens its own connection: point it at our schema */
		char opt[128];
		snprintf(opt, sizeof opt, "-csearch_path=%s", schema);
		setenv("PGOPTIONS", opt, 1);
	}
	fflush(stdout);
	is_int(cmd_verify(5, argv), 0, "zhifa verify exits 0 on an intact log");
	if (pgurl)
		db_exec(db, "ALTER TABLE ledger_leaves DISABLE TRIGGER USER");
	else
		db_exec(db, "DROP TRIGGER ledger_leaves_no_update");
	db_exec(db, "UPDATE ledger_leaves SET event_type = 'forged' WHERE idx = 2");
	fflush(stdout);
	is_int(cmd_verify(5, argv), 1, "zhifa verify exits 1 and lists the discrepancy");
	ledger_report_release(&r);
}

int main(void)
{
	test_vectors();
	test_proofs_pure();

	char dir[] = "/tmp/zhifa-ledger-XXXXXX";
	if (!mkdtemp(dir))
		BUG("mkdtemp");
	snprintf(dbpath, sizeof dbpath, "%s/zhifa.db", dir);
	pgurl = getenv("ZHIFA_TEST_DB");
	if (pgurl && !*pgurl)
		pgurl = NULL;
	if (pgurl) {
		snprintf(schema, sizeof schema, "test_ledger_%ld", (long)getpid());
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

	test_append(db);
	test_proofs_db(db);
	test_concurrency(db);
	test_checkpoints(db, dir);
	test_triggers(db);
	test_tamper(db, dir);
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
