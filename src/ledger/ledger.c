/*
 * ledger.c - reading the stored log: roots, leaves, inclusion and
 * consistency proofs (also as JSON bodies), tiles, and finding a leaf by
 * hash (see ledger.h and the schema in migrations/004_ledger*.sql);
 * appending is ledger_append.c.
 *
 * Proofs and roots read complete-subtree hashes in two passes: the RFC
 * algorithm first runs against a recorder that lists the (level, index)
 * pairs it needs, those are fetched - with the head size - by one query of
 * a fixed shape (so the prepared statement stays cached; more hashes than
 * one query holds take more queries), and the algorithm runs again against
 * the fetched hashes.  Hashes are stored as hex.
 */
#include "core/core.h"
#include "ledger/ledger.h"
#include "ledger/ledger_store.h"
#include "ledger/note.h"

/* Placeholders of the fetch query: leaf hashes and node hashes, in a
 * small shape (enough for an inclusion proof at a million leaves) and a
 * large one. */
#define FETCH_LEAVES 8
#define FETCH_NODES 56
#define FETCH_LEAVES_SMALL 2
#define FETCH_NODES_SMALL 30

/* ---- small storage helpers ---- */

int ledger_store_fail(struct db *db, struct err *e, const char *what)
{
	log_error("账本 %s 失败: %s", what, db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "账本存储失败(%s)", what);
}

static int hex32(const char *s, unsigned char out[MERKLE_HASH])
{
	if (!s || strlen(s) != 2 * MERKLE_HASH || hex_decode(s, out, MERKLE_HASH) != MERKLE_HASH)
		return -1;
	return 0;
}

long long ledger_hash_key(const unsigned char hash[MERKLE_HASH])
{
	uint32_t v = (uint32_t)hash[0] << 24 | (uint32_t)hash[1] << 16 | (uint32_t)hash[2] << 8 | hash[3];
	int32_t k;
	memcpy(&k, &v, sizeof k); /* two's complement reinterpretation, no overflow */
	return (long long)k;
}

bool ledger_file_sha256(const json_t *leaf, char out[2 * MERKLE_HASH + 1])
{
	const char *s = json_string_value(json_object_get(leaf, "sha256"));
	if (!hex_valid(s, 2 * MERKLE_HASH))
		return false;
	memcpy(out, s, 2 * MERKLE_HASH + 1);
	return true;
}

/* ---- reading: the two-pass hash source ---- */

int ledger_src_get(void *ctx, int level, uint64_t index, unsigned char out[MERKLE_HASH])
{
	struct src *s = ctx;
	for (int i = 0; i < s->n; i++)
		if (s->level[i] == level && s->index[i] == index) {
			if (s->fetched && !s->have[i])
				return -1;
			memcpy(out, s->hash[i], MERKLE_HASH);
			return 0;
		}
	if (s->fetched)
		return -1;
	if (s->n == MAX_NEEDED)
		BUG("proof needs more than %d stored hashes", MAX_NEEDED);
	s->level[s->n] = level;
	s->index[s->n] = index;
	s->n++;
	memset(out, 0, MERKLE_HASH);
	return 0;
}

/* The fetch query, one text per dialect, FETCH_LEAVES leaf and FETCH_NODES
 * node keys.  PostgreSQL: IN lists.  SQLite: a UNION ALL of point lookups,
 * because an IN list of more than two values makes SQLite build an
 * ephemeral index per execution, a temporary in-memory database whose
 * pager memory is freed at the top of the heap on every statement: in a
 * long-running process glibc then returns it to the kernel (brk + TLB
 * shootdown) each time, which made a proof cost 400 us instead of 60. */
#define HEAD_Q "SELECT 2, size, '' FROM ledger_head WHERE id = 1"
#define LEAF_Q " UNION ALL SELECT 0, idx, hash FROM ledger_leaves WHERE idx = ?"
#define NODE_Q " UNION ALL SELECT 1, nkey, hash FROM ledger_nodes WHERE nkey = ?"
#define LEAF_Q8 LEAF_Q LEAF_Q LEAF_Q LEAF_Q LEAF_Q LEAF_Q LEAF_Q LEAF_Q
#define NODE_Q8 NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q
static const char fetch_sqlite[] = HEAD_Q LEAF_Q8 NODE_Q8 NODE_Q8 NODE_Q8 NODE_Q8 NODE_Q8 NODE_Q8 NODE_Q8;
static const char fetch_sqlite_small[] =
	HEAD_Q LEAF_Q LEAF_Q NODE_Q8 NODE_Q8 NODE_Q8 NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q NODE_Q;
static const char fetch_pg[] =
	HEAD_Q
	" UNION ALL SELECT 0, idx, hash FROM ledger_leaves WHERE idx IN (?,?,?,?,?,?,?,?)"
	" UNION ALL SELECT 1, nkey, hash FROM ledger_nodes WHERE nkey IN ("
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char fetch_pg_small[] =
	HEAD_Q
	" UNION ALL SELECT 0, idx, hash FROM ledger_leaves WHERE idx IN (?,?)"
	" UNION ALL SELECT 1, nkey, hash FROM ledger_nodes WHERE nkey IN ("
	"?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

/* Fetch the head size and all recorded hashes: one query of a fixed shape
 * (small when the rest fits, else large) per FETCH_LEAVES leaf and
 * FETCH_NODES node hashes (unused places bound to -1, which matches
 * nothing).  Always runs at least once, for the head.
 * 0, or -1 on a storage failure. */
int ledger_src_fetch(struct src *s)
{
	bool pg = db_kind(s->db) == DB_PG;
	int leaves[MAX_NEEDED], nodes[MAX_NEEDED], nl = 0, nn = 0;
	for (int i = 0; i < s->n; i++) {
		if (s->level[i] == 0)
			leaves[nl++] = i;
		else
			nodes[nn++] = i;
	}
	s->head = -1;
	for (int ol = 0, on = 0, first = 1; first || ol < nl || on < nn; first = 0) {
		bool small = nl - ol <= FETCH_LEAVES_SMALL && nn - on <= FETCH_NODES_SMALL;
		int wl = small ? FETCH_LEAVES_SMALL : FETCH_LEAVES, wn = small ? FETCH_NODES_SMALL : FETCH_NODES;
		const char *sql = small ? (pg ? fetch_pg_small : fetch_sqlite_small) : (pg ? fetch_pg : fetch_sqlite);
		struct db_val p[FETCH_LEAVES + FETCH_NODES + 1];
		for (int j = 0; j < wl; j++)
			p[j] = DB_INT(ol + j < nl ? (long long)s->index[leaves[ol + j]] : -1);
		for (int j = 0; j < wn; j++) {
			int i = on + j < nn ? nodes[on + j] : -1;
			p[wl + j] = DB_INT(i < 0 ? -1 : NKEY(s->level[i], s->index[i]));
		}
		p[wl + wn] = DB_END;
		ol += wl;
		on += wn;
		struct db_res *r;
		if (db_query_a(s->db, sql, p, &r) < 0)
			return -1;
		for (int row = 0; row < r->nrows; row++) {
			long long kind = db_int(r, row, 0), key = db_int(r, row, 1);
			if (kind == 2) {
				s->head = key;
				continue;
			}
			int level = kind == 0 ? 0 : (int)(key >> 48);
			uint64_t index = kind == 0 ? (uint64_t)key : (uint64_t)(key & ((1LL << 48) - 1));
			for (int i = 0; i < s->n; i++)
				if (s->level[i] == level && s->index[i] == index &&
				    hex32(db_cell(r, row, 2), s->hash[i]) == 0)
					s->have[i] = true;
		}
		db_res_free(r);
	}
	s->fetched = true;
	return s->head >= 0 ? 0 : -1;
}

enum op_kind { OP_ROOT, OP_INCL, OP_CONS };
struct op {
	enum op_kind kind;
	uint64_t a, b;
	unsigned char (*proof)[MERKLE_HASH];
	size_t *count;
	unsigned char *root;
};

static int op_run(const struct op *o, struct src *s)
{
	switch (o->kind) {
	case OP_ROOT: return merkle_root(ledger_src_get, s, o->a, o->root);
	case OP_INCL: return merkle_inclusion_proof(ledger_src_get, s, o->a, o->b, o->proof, o->count);
	case OP_CONS: return merkle_consistency_proof(ledger_src_get, s, o->a, o->b, o->proof, o->count);
	}
	return -1;
}

/* Run o against the stored tree.  The tree size o needs (o->a for a root,
 * o->b for proofs) is checked against the head read in the same query:
 * beyond it, ERR_INVALID for field size_field. */
static int op_exec(struct db *db, const struct op *o, const char *size_field, struct err *e)
{
	long long want = (long long)(o->kind == OP_ROOT ? o->a : o->b);
	if (want > LEDGER_MAX_SIZE) { /* keeps NKEY in range; far beyond any real tree */
		long long n = ledger_size(db, e);
		if (n < 0)
			return -1;
		return err_set(e, ERR_INVALID, size_field, "树的大小 %lld 无效: 应在 %d 到 %lld 之间", want,
			       o->kind == OP_ROOT ? 0 : 1, n);
	}
	struct src *s = xcalloc(1, sizeof *s);
	s->db = db;
	int rc = -1;
	if (op_run(o, s) < 0)
		BUG("recording pass failed");
	if (ledger_src_fetch(s) < 0) {
		ledger_store_fail(db, e, "读取节点");
		goto out;
	}
	if (want > s->head) {
		err_set(e, ERR_INVALID, size_field, "树的大小 %lld 无效: 应在 %d 到 %lld 之间", want,
			o->kind == OP_ROOT ? 0 : 1, s->head);
		goto out;
	}
	if (op_run(o, s) < 0) {
		err_set(e, ERR_INTERNAL, "", "账本存储不完整: 缺少计算所需的节点哈希(请运行 zhifa verify)");
		goto out;
	}
	rc = 0;
out:
	free(s);
	return rc;
}

long long ledger_size(struct db *db, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT size FROM ledger_head WHERE id = 1") < 0)
		return ledger_store_fail(db, e, "读取账本头");
	long long n = r->nrows == 1 ? db_int(r, 0, 0) : -1;
	db_res_free(r);
	if (n < 0)
		return ledger_store_fail(db, e, "读取账本头");
	return n;
}

int ledger_root(struct db *db, long long size, unsigned char root[MERKLE_HASH], struct err *e)
{
	if (size < 0) {
		long long n = ledger_size(db, e);
		if (n < 0)
			return -1;
		return err_set(e, ERR_INVALID, "size", "树的大小 %lld 无效: 应在 0 到 %lld 之间", size, n);
	}
	struct op o = { .kind = OP_ROOT, .a = (uint64_t)size, .root = root };
	return op_exec(db, &o, "size", e);
}

int ledger_leaf(struct db *db, long long index, struct buf *leaf, unsigned char hash[MERKLE_HASH],
		struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT leaf, hash FROM ledger_leaves WHERE idx = ?", DB_INT(index)) < 0)
		return ledger_store_fail(db, e, "读取叶子");
	int rc = 0;
	if (r->nrows != 1) {
		rc = err_set(e, ERR_NOTFOUND, "index", "账本中没有序号为 %lld 的叶子", index);
	} else {
		if (leaf)
			buf_puts(leaf, db_text(r, 0, 0));
		if (hash && hex32(db_cell(r, 0, 1), hash) < 0)
			rc = err_set(e, ERR_INTERNAL, "", "叶子 %lld 的存储哈希已损坏", index);
	}
	db_res_free(r);
	return rc;
}

int ledger_inclusion_proof(struct db *db, long long index, long long size,
			   unsigned char proof[][MERKLE_HASH], size_t *count, struct err *e)
{
	if (size < 1) {
		long long n = ledger_size(db, e);
		if (n < 0)
			return -1;
		return err_set(e, ERR_INVALID, "size", "树的大小 %lld 无效: 应在 1 到 %lld 之间", size, n);
	}
	if (index < 0 || index >= size)
		return err_set(e, ERR_INVALID, "index", "叶子序号 %lld 无效: 应在 0 到 %lld 之间", index, size - 1);
	struct op o = { .kind = OP_INCL, .a = (uint64_t)index, .b = (uint64_t)size, .proof = proof, .count = count };
	return op_exec(db, &o, "size", e);
}

int ledger_consistency_proof(struct db *db, long long from, long long to,
			     unsigned char proof[][MERKLE_HASH], size_t *count, struct err *e)
{
	if (to < 1) {
		long long n = ledger_size(db, e);
		if (n < 0)
			return -1;
		return err_set(e, ERR_INVALID, "to", "树的大小 %lld 无效: 应在 1 到 %lld 之间", to, n);
	}
	if (from < 1 || from > to)
		return err_set(e, ERR_INVALID, "from", "起始大小 %lld 无效: 应在 1 到 %lld 之间", from, to);
	struct op o = { .kind = OP_CONS, .a = (uint64_t)from, .b = (uint64_t)to, .proof = proof, .count = count };
	return op_exec(db, &o, "to", e);
}

int ledger_find(struct db *db, const unsigned char hash[MERKLE_HASH], long long size, long long *index,
		const char **how, struct err *e)
{
	if (size < 0)
		return err_set(e, ERR_INVALID, "size", "树的大小 %lld 无效: 不能为负数", size);
	char hex[2 * MERKLE_HASH + 1];
	hex_encode(hash, MERKLE_HASH, hex);
	/* Both lookups in one round trip, each the first entry of an index
	 * range (hkey, then idx; sha256, then idx). */
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT 0, idx FROM (SELECT idx FROM ledger_leaves WHERE hkey = ? AND hash = ? AND idx < ?"
		     " ORDER BY idx LIMIT 1) a"
		     " UNION ALL SELECT 1, idx FROM (SELECT idx FROM ledger_leaves WHERE sha256 = ? AND idx < ?"
		     " ORDER BY idx LIMIT 1) b",
		     DB_INT(ledger_hash_key(hash)), DB_TEXT(hex), DB_INT(size), DB_TEXT(hex), DB_INT(size)) < 0)
		return ledger_store_fail(db, e, "按哈希查找");
	long long found[2] = { -1, -1 };
	for (int i = 0; i < r->nrows; i++) {
		long long k = db_int(r, i, 0);
		if (k == 0 || k == 1)
			found[k] = db_int(r, i, 1);
	}
	db_res_free(r);
	int k = found[0] >= 0 ? 0 : found[1] >= 0 ? 1 : -1;
	if (k < 0)
		return err_set(e, ERR_NOTFOUND, "hash", "在大小为 %lld 的账本中没有找到该哈希: 该文件或记录未登记", size);
	if (index)
		*index = found[k];
	if (how)
		*how = k == 0 ? "leaf_hash" : "file_hash";
	return 0;
}

/* ---- JSON bodies ---- */

static void json_proof(struct buf *out, unsigned char proof[][MERKLE_HASH], size_t count)
{
	buf_puts(out, "[");
	for (size_t i = 0; i < count; i++) {
		buf_puts(out, i ? ",\"" : "\"");
		b64_encode(proof[i], MERKLE_HASH, out);
		buf_puts(out, "\"");
	}
	buf_puts(out, "]");
}

int ledger_json_leaf(struct db *db, long long index, struct buf *out, struct err *e)
{
	struct buf leaf;
	unsigned char h[MERKLE_HASH];
	buf_init(&leaf, 0);
	if (index < 0) {
		buf_release(&leaf);
		return err_set(e, ERR_INVALID, "index", "叶子序号 %lld 无效: 不能为负数", index);
	}
	if (ledger_leaf(db, index, &leaf, h, e) < 0) {
		buf_release(&leaf);
		return -1;
	}
	buf_puts(out, "{\"hash\":\"");
	b64_encode(h, MERKLE_HASH, out);
	buf_printf(out, "\",\"index\":%lld,\"leaf\":\"", index);
	b64_encode((const unsigned char *)leaf.data, leaf.len, out);
	buf_puts(out, "\"}");
	buf_release(&leaf);
	return 0;
}

int ledger_json_inclusion(struct db *db, long long index, long long size, struct buf *out,
			  struct err *e)
{
	unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	size_t count;
	if (ledger_inclusion_proof(db, index, size, proof, &count, e) < 0)
		return -1;
	buf_printf(out, "{\"index\":%lld,\"proof\":", index);
	json_proof(out, proof, count);
	buf_printf(out, ",\"size\":%lld}", size);
	return 0;
}

int ledger_json_consistency(struct db *db, long long from, long long to, struct buf *out,
			    struct err *e)
{
	unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	size_t count;
	if (ledger_consistency_proof(db, from, to, proof, &count, e) < 0)
		return -1;
	buf_printf(out, "{\"from\":%lld,\"proof\":", from);
	json_proof(out, proof, count);
	buf_printf(out, ",\"to\":%lld}", to);
	return 0;
}

/* ---- tlog-tiles ---- */

void ledger_tile_path(int level, long long index, int width, struct buf *out)
{
	if (level < 0)
		buf_puts(out, "tile/entries/");
	else
		buf_printf(out, "tile/%d/", level);
	/* 3-digit groups, all but the last prefixed with 'x' */
	int groups[8], ng = 0;
	long long n = index;
	do {
		groups[ng++] = (int)(n % 1000);
		n /= 1000;
	} while (n > 0 && ng < 8);
	for (int i = ng - 1; i >= 0; i--)
		buf_printf(out, i ? "x%03d/" : "%03d", groups[i]);
	if (width < 256)
		buf_printf(out, ".p/%d", width);
}

int ledger_tile_parse(const char *path, int *level, long long *index, int *width)
{
	const char *p;
	if (str_starts(path, "tile/entries/")) {
		*level = -1;
		p = path + 13;
	} else if (str_starts(path, "tile/") && path[5] >= '0' && path[5] <= '9' && path[6] == '/') {
		*level = path[5] - '0';
		p = path + 7;
	} else {
		return -1;
	}
	long long n = 0;
	for (bool first = true;; first = false) {
		bool more = *p == 'x';
		if (more)
			p++;
		for (int i = 0; i < 3; i++, p++) {
			if (*p < '0' || *p > '9')
				return -1;
			n = n * 10 + (*p - '0');
		}
		/* one spelling per tile: no leading all-zero group ("x000/234" is 234) */
		if (first && more && n == 0)
			return -1;
		if (n > (1LL << 48))
			return -1;
		if (more) {
			if (*p++ != '/')
				return -1;
			continue;
		}
		break;
	}
	*index = n;
	*width = 256;
	if (*p == '\0')
		return 0;
	if (strncmp(p, ".p/", 3) != 0)
		return -1;
	long long w;
	if (p[3] == '0' || str_to_ll(p + 3, 1, 255, &w) < 0)
		return -1;
	*width = (int)w;
	return 0;
}

int ledger_tile(struct db *db, int level, long long index, int width, struct buf *out,
		struct err *e)
{
	if (level < -1 || level > 5 || index < 0 || index > (1LL << 40) || width < 1 || width > 256)
		return err_set(e, ERR_INVALID, "tile", "瓦片参数无效");
	long long n = ledger_size(db, e);
	if (n < 0)
		return -1;
	int tree_level = level < 0 ? 0 : 8 * level;
	long long first = index * 256, last = first + width; /* [first, last) */
	if ((long long)merkle_width((uint64_t)n, tree_level) < last)
		return err_set(e, ERR_NOTFOUND, "tile", "账本尚无此瓦片(树的大小为 %lld)", n);
	struct db_res *r;
	int rc;
	if (level < 0)
		rc = db_query(db, &r, "SELECT leaf FROM ledger_leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
			      DB_INT(first), DB_INT(last));
	else if (tree_level == 0)
		rc = db_query(db, &r, "SELECT hash FROM ledger_leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
			      DB_INT(first), DB_INT(last));
	else
		rc = db_query(db, &r, "SELECT hash FROM ledger_nodes WHERE nkey >= ? AND nkey < ? ORDER BY nkey",
			      DB_INT(NKEY(tree_level, first)), DB_INT(NKEY(tree_level, last)));
	if (rc < 0)
		return ledger_store_fail(db, e, "读取瓦片");
	rc = 0;
	if (r->nrows != width) {
		rc = err_set(e, ERR_INTERNAL, "", "账本存储不完整: 瓦片缺少哈希(请运行 zhifa verify)");
		goto out;
	}
	for (int i = 0; i < r->nrows; i++) {
		const char *c = db_text(r, i, 0);
		if (level < 0) {
			size_t len = strlen(c);
			unsigned char be[2] = { (unsigned char)(len >> 8), (unsigned char)len };
			buf_add(out, be, 2);
			buf_add(out, c, len);
		} else {
			unsigned char h[MERKLE_HASH];
			if (hex32(c, h) < 0) {
				rc = err_set(e, ERR_INTERNAL, "", "账本存储的哈希已损坏(请运行 zhifa verify)");
				goto out;
			}
			buf_add(out, h, MERKLE_HASH);
		}
	}
out:
	db_res_free(r);
	return rc;
}
