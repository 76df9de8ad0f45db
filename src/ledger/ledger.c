/*
 * ledger.c - appending leaves, reading proofs, roots and tiles from the
 * stored log, and finding a leaf by hash (see ledger.h and the schema in
 * migrations/004_ledger*.sql).
 *
 * Appending keeps the right edge of the tree (the frontier: one complete
 * subtree hash per set bit of the size) in memory, so an append computes
 * the subtree hashes it closes without reading any, and costs three
 * statements: the head UPDATE ... RETURNING, the leaf INSERT and (for half
 * of the leaves) one multi-row node INSERT.  The in-memory frontier is
 * trusted only when ledger_head.stamp - a random value every append writes
 * - still holds the value the frontier was built for; otherwise (another
 * process appended, the caller rolled back) it is reloaded from the stored
 * nodes in one query.
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
#include "ledger/note.h"
#include <openssl/rand.h>
#include <pthread.h>

#define NKEY(level, index) ((long long)(level) * (1LL << 48) + (long long)(index))
#define MAX_NEEDED 256
#define MAX_LEVELS 64
/* Placeholders of the fetch query: leaf hashes and node hashes, in a
 * small shape (enough for an inclusion proof at a million leaves) and a
 * large one. */
#define FETCH_LEAVES 8
#define FETCH_NODES 56
#define FETCH_LEAVES_SMALL 2
#define FETCH_NODES_SMALL 30
/* Rows per node INSERT statement (1..NODE_ROWS: NODE_ROWS texts). */
#define NODE_ROWS 4

/* ---- canonical JSON ---- */

static const char *const reserved_keys[] = { "v", "type", "index", "at" };
/* Keys that name personal data; refused anywhere in a leaf. */
static const char *const personal_keys[] = {
	"name", "real_name", "phone", "mobile", "telephone", "id_card", "id_number", "idcard",
	"address", "email", "password", "birthday",
};

static int check_value(const json_t *v, int depth, struct err *e)
{
	if (depth > 16)
		return err_set(e, ERR_INVALID, "fields", "账本事件的字段嵌套过深(超过 16 层)");
	if (json_is_real(v))
		return err_set(e, ERR_INVALID, "fields", "账本事件的字段只能用整数, 不能用小数");
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			for (size_t i = 0; i < ARRAY_SIZE(personal_keys); i++)
				if (strcmp(k, personal_keys[i]) == 0)
					return err_set(e, ERR_INVALID, "fields",
						       "账本事件不得含个人信息字段 '%s'(只记录标识、哈希和时间)", k);
			if (check_value(x, depth + 1, e) < 0)
				return -1;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (check_value(x, depth + 1, e) < 0)
				return -1;
	}
	return 0;
}

static int dump_cb(const char *p, size_t n, void *data)
{
	return buf_add(data, p, n);
}

/* The canonical bytes of an object already checked by check_value. */
static int dump_canonical(const json_t *obj, struct buf *out, struct err *e)
{
	if (json_dump_callback(obj, dump_cb, out, JSON_COMPACT | JSON_SORT_KEYS) < 0)
		return err_set(e, ERR_INVALID, "fields", "账本事件无法序列化为 JSON");
	return 0;
}

int ledger_canonical(const json_t *obj, struct buf *out, struct err *e)
{
	if (!json_is_object(obj))
		return err_set(e, ERR_INVALID, "fields", "账本事件必须是 JSON 对象");
	if (check_value(obj, 0, e) < 0)
		return -1;
	return dump_canonical(obj, out, e);
}

static bool event_type_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_' || t[i] == '.'))
			return false;
	return true;
}

/* ---- small storage helpers ---- */

static int internal(struct db *db, struct err *e, const char *what)
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

struct src {
	struct db *db;
	bool fetched;
	long long head; /* committed tree size, read with the hashes */
	int n;
	int level[MAX_NEEDED];
	uint64_t index[MAX_NEEDED];
	unsigned char hash[MAX_NEEDED][MERKLE_HASH];
	bool have[MAX_NEEDED];
};

static int src_get(void *ctx, int level, uint64_t index, unsigned char out[MERKLE_HASH])
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
static int src_fetch(struct src *s)
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

/* ---- appending ---- */

/* The right edge of the tree of size `size` as of the head state `stamp`:
 * hash[l] is the complete subtree of 2^l leaves for every set bit l of
 * size (the last such subtrees, left to right from the highest bit). */
struct frontier {
	bool valid;
	long long stamp;
	uint64_t size;
	unsigned char hash[MAX_LEVELS][MERKLE_HASH];
};

/* One per process: appends are serialised by the database's write lock,
 * and only the holder of that lock (inside its append) replaces it; the
 * mutex guards the copies in and out.  The stamp check makes it right for
 * any connection, database or forked child. */
static struct frontier cached;
static pthread_mutex_t cached_lock = PTHREAD_MUTEX_INITIALIZER;

/* Stamps: a random 64-bit start drawn once per process (again in a
 * forked child, which must not repeat its parent's values) plus a counter.
 * Two processes repeat a stamp only if their starts lie within the number
 * of appends of each other: probability ~ appends / 2^63. */
static uint64_t stamp_next;
static bool stamp_seeded;

static void fork_prepare(void) { pthread_mutex_lock(&cached_lock); }
static void fork_parent(void) { pthread_mutex_unlock(&cached_lock); }
static void fork_child(void)
{
	stamp_seeded = false;
	pthread_mutex_unlock(&cached_lock);
}
static pthread_once_t stamp_once = PTHREAD_ONCE_INIT;
static void stamp_init(void) { pthread_atfork(fork_prepare, fork_parent, fork_child); }

/* A fresh stamp (never 0, the migration's initial value); cached_lock held. */
static long long new_stamp(void)
{
	if (!stamp_seeded) {
		if (RAND_bytes((unsigned char *)&stamp_next, sizeof stamp_next) != 1)
			BUG("RAND_bytes failed");
		stamp_seeded = true;
	}
	uint64_t v = ++stamp_next & INT64_MAX;
	return v ? (long long)v : 1;
}

/* Load the frontier of the committed tree of the given size from the
 * stored hashes (one query).  0 or -1. */
static int frontier_load(struct db *db, uint64_t size, struct frontier *f)
{
	struct src *s = xcalloc(1, sizeof *s);
	s->db = db;
	unsigned char root[MERKLE_HASH];
	int rc = -1;
	if (merkle_root(src_get, s, size, root) < 0)
		BUG("recording pass failed");
	if (src_fetch(s) < 0)
		goto out;
	uint64_t start = 0;
	for (int l = MAX_LEVELS - 1; l >= 0; l--) {
		if (!(size >> l & 1))
			continue;
		if (src_get(s, l, start >> l, f->hash[l]) < 0)
			goto out;
		start += 1ULL << l;
	}
	f->size = size;
	rc = 0;
out:
	free(s);
	return rc;
}

int ledger_append(struct db *db, const char *event_type, json_t *fields, long long *index_out,
		  struct err *e)
{
	if (!event_type_ok(event_type))
		return err_set(e, ERR_INVALID, "event_type",
			       "账本事件类型无效: 只能由小写字母、数字、'_' 和 '.' 组成, 长 1 至 64 字节");
	if (fields && !json_is_object(fields))
		return err_set(e, ERR_INVALID, "fields", "账本事件必须是 JSON 对象");
	if (fields)
		for (size_t i = 0; i < ARRAY_SIZE(reserved_keys); i++)
			if (json_object_get(fields, reserved_keys[i]))
				return err_set(e, ERR_INVALID, "fields", "账本事件字段 '%s' 由账本自己填写, 调用者不能给出",
					       reserved_keys[i]);
	/* refuse bad fields before anything is written */
	if (fields && check_value(fields, 0, e) < 0)
		return -1;

	/* Take the next index.  The one dialect difference: PostgreSQL needs
	 * the row lock (held until the caller commits); SQLite's BEGIN
	 * IMMEDIATE already holds the database's write lock.  (UPDATE ...
	 * RETURNING would do both in one statement, but costs SQLite a
	 * statement journal: 45 us instead of 2.) */
	const char *lock_sql = db_kind(db) == DB_PG
		? "SELECT size, stamp FROM ledger_head WHERE id = 1 FOR UPDATE"
		: "SELECT size, stamp FROM ledger_head WHERE id = 1";
	struct db_res *r;
	if (db_query(db, &r, lock_sql) < 0)
		return internal(db, e, "锁定账本头");
	long long idx = r->nrows == 1 ? db_int(r, 0, 0) : -1, old_stamp = r->nrows == 1 ? db_int(r, 0, 1) : 0;
	db_res_free(r);
	if (idx < 0)
		return internal(db, e, "读取账本头");
	pthread_once(&stamp_once, stamp_init);
	struct frontier *f = xmalloc(sizeof *f);
	pthread_mutex_lock(&cached_lock);
	/* our frontier is the committed one only if the head still holds the
	 * stamp we wrote with it */
	bool fast = cached.valid && cached.stamp == old_stamp && cached.size == (uint64_t)idx;
	if (fast)
		*f = cached;
	long long stamp = new_stamp();
	pthread_mutex_unlock(&cached_lock);
	int rc = -1;
	if (db_exec(db, "UPDATE ledger_head SET size = size + 1, stamp = ? WHERE id = 1", DB_INT(stamp)) < 0) {
		free(f);
		return internal(db, e, "更新账本头");
	}
	if (!fast && frontier_load(db, (uint64_t)idx, f) < 0) {
		free(f);
		return internal(db, e, "读取账本右边缘节点");
	}

	/* The leaf: a shallow copy of fields (the caller's object is not
	 * changed) with the four members of the ledger. */
	json_t *obj = fields ? json_copy(fields) : json_object();
	char now[21];
	time_now_utc(now);
	json_object_set_new(obj, "v", json_integer(1));
	json_object_set_new(obj, "type", json_string(event_type));
	json_object_set_new(obj, "index", json_integer(idx));
	json_object_set_new(obj, "at", json_string(now));
	char sha[2 * MERKLE_HASH + 1];
	bool has_sha = ledger_file_sha256(obj, sha);
	struct buf leaf;
	buf_init(&leaf, 512);
	rc = dump_canonical(obj, &leaf, e); /* the added members are checked by construction */
	json_decref(obj);
	if (rc < 0)
		goto out;
	rc = -1;
	if (leaf.len > LEDGER_MAX_LEAF || strlen(leaf.data) != leaf.len) {
		err_set(e, ERR_INVALID, "fields", "账本事件过大: %zu 字节, 上限 %d 字节", leaf.len, LEDGER_MAX_LEAF);
		goto out;
	}
	unsigned char h[MERKLE_HASH];
	char hex[2 * MERKLE_HASH + 1];
	merkle_leaf_hash(leaf.data, leaf.len, h);
	hex_encode(h, MERKLE_HASH, hex);
	if (db_exec(db, "INSERT INTO ledger_leaves(idx, event_type, leaf, hash, hkey, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    DB_INT(idx), DB_TEXT(event_type), DB_TEXT(leaf.data), DB_TEXT(hex), DB_INT(ledger_hash_key(h)),
		    has_sha ? DB_TEXT(sha) : DB_NULL, DB_TEXT(now)) < 0) {
		internal(db, e, "写入叶子");
		goto out;
	}

	/* Close every complete subtree that ends with this leaf: one per
	 * trailing 1 bit of the old size, each the node of the frontier's
	 * subtree at that level and the hash carried up from below. */
	static const char *const node_sql[NODE_ROWS] = {
		"INSERT INTO ledger_nodes(nkey, hash) VALUES (?, ?)",
		"INSERT INTO ledger_nodes(nkey, hash) VALUES (?, ?), (?, ?)",
		"INSERT INTO ledger_nodes(nkey, hash) VALUES (?, ?), (?, ?), (?, ?)",
		"INSERT INTO ledger_nodes(nkey, hash) VALUES (?, ?), (?, ?), (?, ?), (?, ?)",
	};
	uint64_t size = (uint64_t)idx, end = size + 1;
	char nhex[MAX_LEVELS][2 * MERKLE_HASH + 1];
	long long nkey[MAX_LEVELS];
	int nn = 0, level = 0;
	for (; level < MAX_LEVELS - 1 && (size >> level & 1); level++) {
		merkle_node_hash(f->hash[level], h, h);
		nkey[nn] = NKEY(level + 1, (end >> (level + 1)) - 1);
		hex_encode(h, MERKLE_HASH, nhex[nn]);
		nn++;
	}
	memcpy(f->hash[level], h, MERKLE_HASH);
	for (int off = 0; off < nn; off += NODE_ROWS) {
		int k = nn - off < NODE_ROWS ? nn - off : NODE_ROWS;
		struct db_val p[2 * NODE_ROWS + 1];
		for (int j = 0; j < k; j++) {
			p[2 * j] = DB_INT(nkey[off + j]);
			p[2 * j + 1] = DB_TEXT(nhex[off + j]);
		}
		p[2 * k] = DB_END;
		if (db_query_a(db, node_sql[k - 1], p, NULL) < 0) {
			internal(db, e, "写入节点");
			goto out;
		}
	}
	f->valid = true;
	f->stamp = stamp;
	f->size = end;
	pthread_mutex_lock(&cached_lock);
	cached = *f;
	pthread_mutex_unlock(&cached_lock);
	if (index_out)
		*index_out = idx;
	rc = 0;
out:
	buf_release(&leaf);
	free(f);
	return rc;
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
	case OP_ROOT: return merkle_root(src_get, s, o->a, o->root);
	case OP_INCL: return merkle_inclusion_proof(src_get, s, o->a, o->b, o->proof, o->count);
	case OP_CONS: return merkle_consistency_proof(src_get, s, o->a, o->b, o->proof, o->count);
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
	if (src_fetch(s) < 0) {
		internal(db, e, "读取节点");
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
		return internal(db, e, "读取账本头");
	long long n = r->nrows == 1 ? db_int(r, 0, 0) : -1;
	db_res_free(r);
	if (n < 0)
		return internal(db, e, "读取账本头");
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
		return internal(db, e, "读取叶子");
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
		return internal(db, e, "按哈希查找");
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
		return internal(db, e, "读取瓦片");
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
