/*
 * verify.c - the full offline check of the stored log (see verify.h).
 * The tree is recomputed in memory from the leaf bytes alone (2n hashes,
 * 64 MB at a million leaves); stored hashes are compared with it, never
 * trusted.  Reads are paged so a large log is not materialised at once.
 */
#include "core/core.h"
#include "ledger/verify.h"
#include "ledger/ledger.h"
#include "ledger/note.h"

#define PAGE 5000
#define NKEY(level, index) ((long long)(level) * (1LL << 48) + (long long)(index))
#define MAX_LEVELS 48

static struct { ledger_leaf_hook fn; void *ctx; } hooks[16];
static int nhooks;

void ledger_verify_hook_add(ledger_leaf_hook fn, void *ctx)
{
	if (nhooks == (int)ARRAY_SIZE(hooks))
		BUG("too many ledger verify hooks");
	hooks[nhooks].fn = fn;
	hooks[nhooks].ctx = ctx;
	nhooks++;
}

void ledger_report_init(struct ledger_report *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->text, 0);
}

void ledger_report_release(struct ledger_report *r)
{
	buf_release(&r->text);
}

void ledger_report_add(struct ledger_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&r->text, fmt, ap);
	va_end(ap);
	buf_putc(&r->text, '\n');
	r->problems++;
}

/* The recomputed tree: level[l] holds n >> l hashes. */
struct mem_tree {
	uint64_t n;
	unsigned char (*level[MAX_LEVELS])[MERKLE_HASH];
};

static int mem_get(void *ctx, int level, uint64_t index, unsigned char out[MERKLE_HASH])
{
	struct mem_tree *t = ctx;
	if (level >= MAX_LEVELS || index >= merkle_width(t->n, level))
		return -1;
	memcpy(out, t->level[level][index], MERKLE_HASH);
	return 0;
}

static void short_hex(const unsigned char *h, char out[17])
{
	hex_encode(h, 8, out);
}

static int db_fail(struct db *db, struct err *e, const char *what)
{
	return err_set(e, ERR_INTERNAL, "", "无法读取账本(%s): %s", what, db_errmsg(db));
}

/* Check one leaf's JSON against its row: canonical form, index, type and
 * the indexed file hash column sha256 (NULL in the row = sha_col NULL). */
static void check_leaf(struct db *db, long long idx, const char *type, const char *leaf, const char *sha_col,
		       struct ledger_report *r, int *hook_rc, struct err *e)
{
	json_error_t je;
	json_t *j = json_loads(leaf, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_object(j)) {
		ledger_report_add(r, "叶子 #%lld: 内容不是有效的 JSON 对象(%s)", idx, j ? "不是对象" : je.text);
		json_decref(j);
		return;
	}
	struct buf canon;
	buf_init(&canon, 0);
	if (ledger_canonical(j, &canon, NULL) < 0 || strcmp(canon.data, leaf) != 0)
		ledger_report_add(r, "叶子 #%lld: 内容不是规范 JSON 形式(键未排序、有多余空白或含小数)", idx);
	buf_release(&canon);
	json_t *ji = json_object_get(j, "index");
	if (!json_is_integer(ji) || json_integer_value(ji) != idx)
		ledger_report_add(r, "叶子 #%lld: 叶子内记录的序号为 %lld, 与所在位置不符", idx,
				  json_is_integer(ji) ? (long long)json_integer_value(ji) : -1LL);
	if (!str_eq(json_string_value(json_object_get(j, "type")), type))
		ledger_report_add(r, "叶子 #%lld: 叶子内的事件类型与存储的类型 '%s' 不符", idx, type);
	char sha[2 * MERKLE_HASH + 1];
	bool has_sha = ledger_file_sha256(j, sha);
	if (has_sha != (sha_col != NULL) || (has_sha && strcmp(sha, sha_col) != 0))
		ledger_report_add(r, "叶子 #%lld: 按文件哈希查找用的 sha256 列('%.16s')与叶子内的 \"sha256\"('%.16s')不符", idx,
				  sha_col ? sha_col : "空", has_sha ? sha : "无");
	for (int i = 0; i < nhooks && *hook_rc == 0; i++)
		*hook_rc = hooks[i].fn(hooks[i].ctx, db, idx, j, r, e);
	json_decref(j);
}

/* Read every leaf into t->level[0] (recomputed hashes). */
static int check_leaves(struct db *db, struct mem_tree *t, struct ledger_report *r, struct err *e)
{
	long long next = 0;
	int hook_rc = 0;
	for (;;) {
		struct db_res *res;
		if (db_query(db, &res, "SELECT idx, event_type, leaf, hash, hkey, sha256 FROM ledger_leaves WHERE idx >= ? ORDER BY idx LIMIT ?",
			     DB_INT(next), DB_INT(PAGE)) < 0)
			return db_fail(db, e, "叶子");
		int rows = res->nrows;
		for (int i = 0; i < rows; i++) {
			long long idx = db_int(res, i, 0);
			const char *leaf = db_text(res, i, 2);
			if (idx >= (long long)t->n) {
				ledger_report_add(r, "叶子 #%lld: 超出账本头记录的大小 %llu(多出的叶子)", idx,
						  (unsigned long long)t->n);
				next = idx + 1;
				continue;
			}
			for (; next < idx; next++)
				ledger_report_add(r, "叶子 #%lld: 缺失", next);
			r->leaves++;
			unsigned char h[MERKLE_HASH], stored[MERKLE_HASH];
			merkle_leaf_hash(leaf, strlen(leaf), h);
			memcpy(t->level[0][idx], h, MERKLE_HASH);
			const char *sh = db_text(res, i, 3);
			char a[17], b[17];
			short_hex(h, b);
			if (strlen(sh) != 2 * MERKLE_HASH || hex_decode(sh, stored, MERKLE_HASH) != MERKLE_HASH)
				ledger_report_add(r, "叶子 #%lld: 存储的叶子哈希格式损坏('%.16s…')", idx, sh);
			else if (memcmp(stored, h, MERKLE_HASH) != 0) {
				short_hex(stored, a);
				ledger_report_add(r, "叶子 #%lld: 存储的叶子哈希 %s… 与按内容重算的 %s… 不符", idx, a, b);
			}
			if (db_int(res, i, 4) != ledger_hash_key(h))
				ledger_report_add(r, "叶子 #%lld: 按叶子哈希查找用的 hkey 列 %lld 与重算的 %lld 不符", idx,
						  db_int(res, i, 4), ledger_hash_key(h));
			check_leaf(db, idx, db_text(res, i, 1), leaf, db_cell(res, i, 5), r, &hook_rc, e);
			if (hook_rc < 0) {
				db_res_free(res);
				return -1;
			}
			next = idx + 1;
		}
		db_res_free(res);
		if (rows < PAGE)
			break;
	}
	for (; next < (long long)t->n; next++)
		ledger_report_add(r, "叶子 #%lld: 缺失", next);
	return 0;
}

/* Recompute the levels above the leaves and compare the stored nodes. */
static int check_nodes(struct db *db, struct mem_tree *t, struct ledger_report *r, struct err *e)
{
	long long expected = 0;
	for (int l = 1; l < MAX_LEVELS; l++) {
		uint64_t w = merkle_width(t->n, l);
		if (w == 0)
			break;
		t->level[l] = xmalloc(w * MERKLE_HASH);
		for (uint64_t i = 0; i < w; i++)
			merkle_node_hash(t->level[l - 1][2 * i], t->level[l - 1][2 * i + 1], t->level[l][i]);
		expected += (long long)w;
		uint64_t next = 0;
		for (;;) {
			struct db_res *res;
			if (db_query(db, &res, "SELECT nkey, hash FROM ledger_nodes WHERE nkey >= ? AND nkey < ? ORDER BY nkey LIMIT ?",
				     DB_INT(NKEY(l, next)), DB_INT(NKEY(l, w)), DB_INT(PAGE)) < 0)
				return db_fail(db, e, "节点");
			int rows = res->nrows;
			for (int i = 0; i < rows; i++) {
				uint64_t idx = (uint64_t)(db_int(res, i, 0) - NKEY(l, 0));
				for (; next < idx; next++)
					ledger_report_add(r, "节点(层 %d, 序号 %llu): 缺失", l, (unsigned long long)next);
				r->nodes++;
				unsigned char stored[MERKLE_HASH];
				const char *sh = db_text(res, i, 1);
				char a[17], b[17];
				if (strlen(sh) != 2 * MERKLE_HASH || hex_decode(sh, stored, MERKLE_HASH) != MERKLE_HASH) {
					ledger_report_add(r, "节点(层 %d, 序号 %llu): 存储的哈希格式损坏", l,
							  (unsigned long long)idx);
				} else if (memcmp(stored, t->level[l][idx], MERKLE_HASH) != 0) {
					short_hex(stored, a);
					short_hex(t->level[l][idx], b);
					ledger_report_add(r, "节点(层 %d, 序号 %llu, 覆盖叶子 #%llu 至 #%llu): 存储的哈希 %s… 与重算的 %s… 不符",
							  l, (unsigned long long)idx, (unsigned long long)(idx << l),
							  (unsigned long long)(((idx + 1) << l) - 1), a, b);
				}
				next = idx + 1;
			}
			db_res_free(res);
			if (rows < PAGE)
				break;
		}
		for (; next < w; next++)
			ledger_report_add(r, "节点(层 %d, 序号 %llu): 缺失", l, (unsigned long long)next);
	}
	long long stored = db_scalar_int(db, -1, "SELECT COUNT(*) FROM ledger_nodes", (const struct db_val[]){ DB_END });
	if (stored < 0)
		return db_fail(db, e, "节点数");
	if (stored > expected)
		ledger_report_add(r, "节点表: 存有 %lld 个节点, 多于大小为 %llu 的树应有的 %lld 个", stored,
				  (unsigned long long)t->n, expected);
	return 0;
}

static int load_vkeys(const char *keys_dir, struct note_verifier **out, size_t *n, struct ledger_report *r)
{
	*out = NULL;
	*n = 0;
	char *path = xasprintf("%s/ledger-vkeys.txt", keys_dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		ledger_report_add(r, "验证密钥: 无法打开 %s, 检查点签名无法核验", path);
		free(path);
		return 0;
	}
	char line[4096];
	int lineno = 0;
	size_t cap = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, " \r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		struct note_verifier v;
		struct err e = ERR_INIT;
		if (note_vkey_parse(line, &v, &e) < 0) {
			ledger_report_add(r, "验证密钥: %s 第 %d 行无效: %s", path, lineno, e.msg);
			continue;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		(*out)[(*n)++] = v;
	}
	fclose(f);
	free(path);
	return 0;
}

static void check_checkpoints(struct db *db, const char *keys_dir, struct mem_tree *t,
			      struct ledger_report *r, struct err *e)
{
	struct note_verifier *v;
	size_t nv;
	load_vkeys(keys_dir, &v, &nv, r);
	long long after = -1, prev_size = 0;
	unsigned char prev_root[MERKLE_HASH];
	for (;;) {
		struct db_res *res;
		if (db_query(db, &res, "SELECT size, root, note FROM ledger_checkpoints WHERE size > ? ORDER BY size LIMIT ?",
			     DB_INT(after), DB_INT(PAGE)) < 0) {
			db_fail(db, e, "检查点");
			ledger_report_add(r, "检查点: 无法读取(%s)", db_errmsg(db));
			break;
		}
		int rows = res->nrows;
		for (int i = 0; i < rows; i++) {
			long long size = db_int(res, i, 0);
			const char *note = db_text(res, i, 2);
			after = size;
			r->checkpoints++;
			struct note_check c;
			struct buf text, origin;
			buf_init(&text, 0);
			buf_init(&origin, 0);
			struct err pe = ERR_INIT;
			long long nsize;
			unsigned char root[MERKLE_HASH], col[MERKLE_HASH];
			if (note_verify(note, strlen(note), v, nv, &c, &text, &pe) < 0 ||
			    checkpoint_parse(text.data, &origin, &nsize, root, &pe) < 0) {
				ledger_report_add(r, "检查点(大小 %lld): 签名注记无法解析: %s", size, pe.msg);
				goto next;
			}
			if (c.bad)
				ledger_report_add(r, "检查点(大小 %lld): %d 个签名与已知公钥不符(签名或正文被改动)", size, c.bad);
			if (!c.ed25519_ok)
				ledger_report_add(r, "检查点(大小 %lld): 没有可用已知公钥验证通过的 Ed25519 签名", size);
			if (!c.sm2_ok)
				ledger_report_add(r, "检查点(大小 %lld): 没有可用已知公钥验证通过的 SM2 签名", size);
			if (nsize != size)
				ledger_report_add(r, "检查点(大小 %lld): 签名正文中的大小为 %lld, 与记录不符", size, nsize);
			if (strlen(db_text(res, i, 1)) != 2 * MERKLE_HASH ||
			    hex_decode(db_text(res, i, 1), col, MERKLE_HASH) != MERKLE_HASH ||
			    memcmp(col, root, MERKLE_HASH) != 0)
				ledger_report_add(r, "检查点(大小 %lld): 记录的根哈希与签名正文中的不符", size);
			if (nsize < 1 || (uint64_t)nsize > t->n) {
				ledger_report_add(r, "检查点(大小 %lld): 大小超出账本现有的 %llu 个叶子(叶子被删除?)", size,
						  (unsigned long long)t->n);
				goto next;
			}
			unsigned char want[MERKLE_HASH];
			if (merkle_root(mem_get, t, (uint64_t)nsize, want) < 0)
				BUG("in-memory tree incomplete");
			if (memcmp(want, root, MERKLE_HASH) != 0) {
				char a[17], b[17];
				short_hex(root, a);
				short_hex(want, b);
				ledger_report_add(r, "检查点(大小 %lld): 签名的根哈希 %s… 与按现存叶子重算的 %s… 不符", size, a, b);
			}
			if (prev_size > 0) {
				unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
				size_t count;
				if (merkle_consistency_proof(mem_get, t, (uint64_t)prev_size, (uint64_t)nsize, proof, &count) < 0 ||
				    !merkle_verify_consistency((uint64_t)prev_size, (uint64_t)nsize, prev_root, root, proof, count))
					ledger_report_add(r, "检查点(大小 %lld): 与上一个检查点(大小 %lld)不一致, 一致性证明不成立",
							  size, prev_size);
			}
			prev_size = nsize;
			memcpy(prev_root, root, MERKLE_HASH);
		next:
			buf_release(&text);
			buf_release(&origin);
		}
		db_res_free(res);
		if (rows < PAGE)
			break;
	}
	for (size_t i = 0; i < nv; i++)
		note_verifier_release(&v[i]);
	free(v);
}

int ledger_verify(struct db *db, const char *keys_dir, struct ledger_report *r, struct err *e)
{
	long long n = ledger_size(db, e);
	if (n < 0)
		return -1;
	struct mem_tree t;
	memset(&t, 0, sizeof t);
	t.n = (uint64_t)n;
	t.level[0] = xcalloc(t.n ? t.n : 1, MERKLE_HASH);
	int rc = check_leaves(db, &t, r, e);
	if (rc == 0)
		rc = check_nodes(db, &t, r, e);
	if (rc == 0)
		check_checkpoints(db, keys_dir, &t, r, e);
	for (int l = 0; l < MAX_LEVELS; l++)
		free(t.level[l]);
	return rc;
}
