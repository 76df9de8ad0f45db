/*
 * ledger_append.c - appending leaves to the stored log: the canonical JSON
 * of an event and ledger_append (see ledger.h); reading is ledger.c.
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
 */
#include "core/core.h"
#include "ledger/ledger.h"
#include "ledger/ledger_store.h"
#include "ledger/note.h"
#include <openssl/rand.h>
#include <pthread.h>

#define MAX_LEVELS 64
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
	if (merkle_root(ledger_src_get, s, size, root) < 0)
		BUG("recording pass failed");
	if (ledger_src_fetch(s) < 0)
		goto out;
	uint64_t start = 0;
	for (int l = MAX_LEVELS - 1; l >= 0; l--) {
		if (!(size >> l & 1))
			continue;
		if (ledger_src_get(s, l, start >> l, f->hash[l]) < 0)
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
		return ledger_store_fail(db, e, "锁定账本头");
	long long idx = r->nrows == 1 ? db_int(r, 0, 0) : -1, old_stamp = r->nrows == 1 ? db_int(r, 0, 1) : 0;
	db_res_free(r);
	if (idx < 0)
		return ledger_store_fail(db, e, "读取账本头");
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
		return ledger_store_fail(db, e, "更新账本头");
	}
	if (!fast && frontier_load(db, (uint64_t)idx, f) < 0) {
		free(f);
		return ledger_store_fail(db, e, "读取账本右边缘节点");
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
		ledger_store_fail(db, e, "写入叶子");
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
			ledger_store_fail(db, e, "写入节点");
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
