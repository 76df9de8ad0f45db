/*
 * package_verify.c - the offline check of a case package (package.h,
 * docs/package.md): `zhifa verify --package FILE.zip`.
 *
 * One pass over the zip (libarchive, by its central directory): every
 * entry's bytes are hashed (SHA-256 and SM3 on helper threads) and, at the
 * same time, written again through the exporter's own zip writer whose
 * output is compared with the file byte by byte - so a changed byte in a
 * header, the central directory or a file's data is found whatever it
 * touches.  Then the content: the manifest against the files, the leaves
 * against the files, each leaf's inclusion proof against the checkpoint's
 * root (RFC 9162 2.1.3.2), the checkpoint's signatures against the keys in
 * the package (and against pinned keys given by the caller), the keys'
 * PEM files against their verifier keys, the sums files against the
 * manifest.  Every discrepancy is one line in Chinese.
 */
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "records/package.h"
#include "records/package_int.h"
#include "ledger/note.h"
#include "ledger/merkle.h"
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#define CHUNK (1u << 20)
#define META_MAX (64u << 20)

void package_report_init(struct package_report *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->text, 0);
	buf_init(&r->info, 0);
}

void package_report_release(struct package_report *r)
{
	buf_release(&r->text);
	buf_release(&r->info);
}

static void problem(struct package_report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void problem(struct package_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&r->text, fmt, ap);
	va_end(ap);
	buf_putc(&r->text, '\n');
	r->problems++;
}

/* libarchive's reason, in words for people. */
static const char *la_reason(struct archive *a)
{
	const char *m = archive_error_string(a);
	if (!m)
		return "读取错误";
	if (strstr(m, "CRC"))
		return "CRC-32 校验值不符";
	if (strstr(m, "runcat") || strstr(m, "premature") || strstr(m, "Premature"))
		return "文件被截断";
	if (strstr(m, "ncrypt"))
		return "文件被加密";
	if (strstr(m, "ompression") || strstr(m, "format"))
		return "不是本系统写入的存储格式";
	return "结构损坏";
}

/* ---- the byte-for-byte comparison with a rewrite ---- */

struct cmp {
	int fd;
	long long off;       /* bytes of the rewrite so far */
	long long first_diff; /* -1 = none yet */
	unsigned char *buf;
};

static int cmp_sink(void *ctx, const void *p, size_t n)
{
	struct cmp *c = ctx;
	const unsigned char *q = p;
	while (n) {
		size_t k = n < CHUNK ? n : CHUNK;
		if (c->first_diff < 0) {
			ssize_t got = pread(c->fd, c->buf, k, c->off);
			if (got < 0)
				got = 0;
			if ((size_t)got != k || memcmp(c->buf, q, k) != 0) {
				size_t j = 0;
				while (j < (size_t)got && c->buf[j] == q[j])
					j++;
				c->first_diff = c->off + (long long)j;
			}
		}
		c->off += (long long)k;
		q += k;
		n -= k;
	}
	return 0;
}

/* ---- entries ---- */

struct entry {
	char *path;
	long long size;
	bool meta;
	bool read_ok;
	struct buf data;                 /* meta files only */
	char sha256[HASH_HEX], sm3[HASH_HEX];
};

static struct entry *find_entry(struct entry *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(v[i].path, path))
			return &v[i];
	return NULL;
}

static const char *meta_text(struct entry *v, size_t n, const char *path, size_t *len)
{
	struct entry *x = find_entry(v, n, path);
	if (!x || !x->meta || !x->read_ok) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = x->data.len;
	return buf_str(&x->data);
}

/* Read one entry's data: hashed (evidence) or kept (meta), and written
 * to the rewrite.  0, or -1 when the zip can no longer be read. */
static int read_entry(struct archive *rd, struct archive *wr, struct entry *x, unsigned char *chunk,
		      struct package_report *r)
{
	struct hash2 h;
	struct hash2_pipe *pipe = NULL;
	if (!x->meta) {
		hash2_init(&h);
		pipe = hash2_pipe_start(&h, -1, 0, 0);
	}
	long long got = 0;
	bool too_big = false;
	int rc = 0;
	for (;;) {
		la_ssize_t k = archive_read_data(rd, chunk, CHUNK);
		if (k == 0)
			break;
		if (k < 0) {
			problem(r, "压缩包中的文件 %s 无法读出（%s）：压缩包已损坏或被改动", x->path, la_reason(rd));
			rc = -1;
			break;
		}
		got += k;
		if (x->meta) {
			if (x->data.len + (size_t)k > META_MAX)
				too_big = true;
			else
				buf_add(&x->data, chunk, (size_t)k);
		} else if (pipe) {
			hash2_pipe_add(pipe, chunk, (size_t)k);
		} else {
			hash2_update(&h, chunk, (size_t)k);
		}
		if (wr)
			archive_write_data(wr, chunk, (size_t)k);
	}
	if (!x->meta) {
		if (pipe)
			hash2_pipe_finish(pipe);
		struct hash2_result res;
		hash2_final(&h, &res);
		memcpy(x->sha256, res.sha256_hex, HASH_HEX);
		memcpy(x->sm3, res.sm3_hex, HASH_HEX);
	}
	if (too_big)
		problem(r, "压缩包中的 %s 过大（超过 %u MiB），不是本系统导出的证据包文件", x->path, META_MAX >> 20);
	if (rc == 0 && x->size >= 0 && got != x->size) {
		problem(r, "压缩包中的文件 %s 读出 %lld 字节，与目录记录的 %lld 字节不符", x->path, got, x->size);
	}
	x->size = got;
	x->read_ok = rc == 0 && !too_big;
	return rc;
}

/* ---- content checks ---- */

static bool json_has_string(const json_t *j, const char *s)
{
	if (json_is_string(j))
		return str_eq(json_string_value(j), s);
	size_t i;
	const char *k;
	json_t *v;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (json_has_string(v, s))
				return true;
	} else if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
			if (json_has_string(v, s))
				return true;
	}
	return false;
}

static json_t *parse_meta(struct entry *v, size_t n, const char *path, int indent, struct package_report *r)
{
	size_t len;
	const char *t = meta_text(v, n, path, &len);
	if (!t) {
		problem(r, "证据包缺少 %s", path);
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(t, len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(j)) {
		problem(r, "%s 不是有效的 JSON 对象（第 %d 行：%s）", path, je.line, je.text);
		json_decref(j);
		return NULL;
	}
	/* written by the exporter in one form: anything else was changed */
	char *again = json_dumps(j, JSON_INDENT((size_t)indent) | JSON_SORT_KEYS);
	if (!again || strlen(again) + 1 != len || memcmp(again, t, len - 1) != 0 || t[len - 1] != '\n')
		problem(r, "%s 不是导出时的格式（内容被改动或重新排版）", path);
	free(again);
	return j;
}

static long decode_proof(const json_t *arr, unsigned char proof[][MERKLE_HASH])
{
	if (!json_is_array(arr) || json_array_size(arr) > MERKLE_MAX_PROOF)
		return -1;
	size_t i;
	const json_t *h;
	json_array_foreach(arr, i, h) {
		const char *s = json_string_value(h);
		if (!s || b64_decode(s, strlen(s), proof[i], MERKLE_HASH) != MERKLE_HASH)
			return -1;
	}
	return (long)json_array_size(arr);
}

/* The verifier key in keys/NAME.vkey (one line and '\n'); 0 or -1. */
static int load_vkey(struct entry *v, size_t n, const char *path, struct note_verifier *out, struct buf *text,
		     struct package_report *r)
{
	size_t len;
	const char *t = meta_text(v, n, path, &len);
	if (!t) {
		problem(r, "证据包缺少验证密钥 %s", path);
		return -1;
	}
	if (len < 2 || t[len - 1] != '\n' || memchr(t, '\n', len - 1)) {
		problem(r, "%s 应为一行验证密钥", path);
		return -1;
	}
	buf_add(text, t, len - 1);
	struct err e = ERR_INIT;
	if (note_vkey_parse(buf_str(text), out, &e) < 0) {
		problem(r, "%s 不是有效的验证密钥：%s", path, e.msg);
		return -1;
	}
	return 0;
}

static void check_pem(struct entry *v, size_t n, const char *path, const struct note_verifier *k, const char *tail,
		      struct package_report *r)
{
	size_t len;
	const char *t = meta_text(v, n, path, &len);
	if (!t) {
		problem(r, "证据包缺少公钥文件 %s", path);
		return;
	}
	struct buf want;
	buf_init(&want, 0);
	sign_key_pem(k->key, false, &want);
	if (tail)
		buf_puts(&want, tail);
	if (want.len != len || memcmp(want.data, t, len) != 0)
		problem(r, "公钥文件 %s 与验证密钥不是同一把密钥（被改动）", path);
	buf_release(&want);
}

/* The leaf idx of leaves/INDEX.json: its hash, its JSON naming sha
 * (and sm3, size when the leaf gives them), its inclusion proof against
 * the checkpoint.  0 with *leaf_out (when not NULL) the parsed leaf, -1
 * when the leaf is missing or unreadable. */
static int check_leaf(struct package_report *r, const json_t *larr, bool *leaf_used, const json_t *parr,
		      bool *proof_used, long long idx, const char *path, const char *sha, const char *sm3,
		      long long size, long long cp_size, const unsigned char root[MERKLE_HASH], bool cp_ok,
		      json_t **leaf_out)
{
	static unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	const json_t *L = NULL, *P = NULL, *y;
	size_t k;
	json_array_foreach(larr, k, y)
		if (json_integer_value(json_object_get(y, "index")) == idx) {
			L = y;
			leaf_used[k] = true;
			break;
		}
	if (!L) {
		problem(r, "leaves/INDEX.json 中没有 %s 的第 %lld 号叶子", path, idx);
		return -1;
	}
	const char *lb = json_string_value(json_object_get(L, "leaf"));
	const char *hb = json_string_value(json_object_get(L, "hash"));
	size_t lbl = lb ? strlen(lb) : 0;
	unsigned char *leaf = xmalloc(lbl + 1), claimed[MERKLE_HASH], lh[MERKLE_HASH];
	long ll = lb ? b64_decode(lb, lbl, leaf, lbl + 1) : -1;
	if (ll < 0 || !hb || b64_decode(hb, strlen(hb), claimed, MERKLE_HASH) != MERKLE_HASH) {
		problem(r, "第 %lld 号叶子的记录格式有误", idx);
		free(leaf);
		return -1;
	}
	merkle_leaf_hash(leaf, (size_t)ll, lh);
	if (memcmp(lh, claimed, MERKLE_HASH) != 0)
		problem(r, "第 %lld 号叶子的内容与其叶子哈希不符（叶子被改动）", idx);
	json_t *lj = json_loadb((const char *)leaf, (size_t)ll, 0, NULL);
	free(leaf);
	if (!json_is_object(lj)) {
		problem(r, "第 %lld 号叶子不是 JSON 对象", idx);
	} else {
		bool named_top = str_eq(json_string_value(json_object_get(lj, "sha256")), sha);
		if (json_integer_value(json_object_get(lj, "index")) != idx)
			problem(r, "第 %lld 号叶子记录的序号是 %lld", idx,
				(long long)json_integer_value(json_object_get(lj, "index")));
		if (!json_has_string(lj, sha))
			problem(r, "第 %lld 号叶子没有登记 %s 的 SHA-256 %s", idx, path, sha);
		const char *lsm3 = json_string_value(json_object_get(lj, "sm3"));
		if (sm3 && lsm3 && named_top && !str_eq(lsm3, sm3))
			problem(r, "第 %lld 号叶子登记的 SM3 与文件 %s 的不符", idx, path);
		const json_t *lsz = json_object_get(lj, "size");
		if (size >= 0 && named_top && json_is_integer(lsz) && json_integer_value(lsz) != size)
			problem(r, "第 %lld 号叶子登记的大小与文件 %s 的不符", idx, path);
	}
	json_array_foreach(parr, k, y)
		if (json_integer_value(json_object_get(y, "index")) == idx) {
			P = y;
			proof_used[k] = true;
			break;
		}
	long np = P ? decode_proof(json_object_get(P, "proof"), proof) : -1;
	long long psz = P ? json_integer_value(json_object_get(P, "size")) : -1;
	if (!P)
		problem(r, "proofs/INDEX.json 中没有第 %lld 号叶子的包含证明", idx);
	else if (np < 0)
		problem(r, "第 %lld 号叶子的包含证明格式有误", idx);
	else if (cp_size < 0)
		; /* the checkpoint is reported already */
	else if (psz != cp_size)
		problem(r, "第 %lld 号叶子的包含证明针对大小 %lld 的树，不是检查点的 %lld", idx, psz, cp_size);
	else if (idx < 0 || idx >= cp_size ||
		 !merkle_verify_inclusion((uint64_t)idx, (uint64_t)cp_size, lh, proof, (size_t)np, root))
		problem(r, "第 %lld 号叶子（%s）的包含证明与检查点的根哈希不符", idx, path);
	else if (cp_ok)
		r->leaves++;
	bool parsed = json_is_object(lj);
	if (leaf_out && parsed)
		*leaf_out = lj;
	else
		json_decref(lj);
	return parsed ? 0 : -1;
}

static void check_content(struct entry *ents, size_t nent, const char *const *pinned, size_t npinned,
			  struct package_report *r)
{
	/* the keys and the checkpoint */
	struct note_verifier vk[2];
	struct buf vtext[2];
	bool have[2] = { false, false };
	const char *vpath[2] = { "keys/ledger-ed25519.vkey", "keys/ledger-sm2.vkey" };
	for (int i = 0; i < 2; i++) {
		buf_init(&vtext[i], 0);
		memset(&vk[i], 0, sizeof vk[i]);
		have[i] = load_vkey(ents, nent, vpath[i], &vk[i], &vtext[i], r) == 0;
		if (have[i] && sign_key_alg(vk[i].key) != (i == 0 ? SIGN_ED25519 : SIGN_SM2)) {
			problem(r, "%s 不是%s密钥", vpath[i], i == 0 ? " Ed25519 " : " SM2 ");
			note_verifier_release(&vk[i]);
			have[i] = false;
		}
	}
	if (have[0])
		check_pem(ents, nent, "keys/ledger-ed25519.pub.pem", &vk[0], NULL, r);
	if (have[1]) {
		char *tail = xasprintf("# signed-note verifier key: %s\n", buf_str(&vtext[1]));
		check_pem(ents, nent, "keys/ledger-sm2.pub.pem", &vk[1], tail, r);
		free(tail);
	}
	size_t nlen;
	const char *note = meta_text(ents, nent, "checkpoint.txt", &nlen);
	bool cp_ok = false;
	long long cp_size = -1;
	unsigned char root[MERKLE_HASH];
	struct buf body, origin;
	buf_init(&body, 0);
	buf_init(&origin, 0);
	if (!note) {
		problem(r, "证据包缺少检查点 checkpoint.txt");
	} else {
		struct note_verifier use[2];
		size_t nu = 0;
		for (int i = 0; i < 2; i++)
			if (have[i])
				use[nu++] = vk[i];
		struct note_check c;
		struct err e = ERR_INIT;
		if (note_verify(note, nlen, use, nu, &c, &body, &e) < 0) {
			problem(r, "checkpoint.txt 不是有效的签名笔记：%s", e.msg);
		} else {
			if (c.bad)
				problem(r, "检查点有 %d 个签名与包内公钥不符（检查点或公钥被改动）", c.bad);
			if (have[0] && !c.ed25519_ok)
				problem(r, "检查点没有包内 Ed25519 公钥的有效签名");
			if (have[1] && !c.sm2_ok)
				problem(r, "检查点没有包内 SM2 公钥的有效签名");
			if (checkpoint_parse(buf_str(&body), &origin, &cp_size, root, &e) < 0) {
				problem(r, "检查点正文格式有误：%s", e.msg);
				cp_size = -1;
			} else {
				cp_ok = !c.bad && c.ed25519_ok && c.sm2_ok;
				for (int i = 0; i < 2; i++)
					if (have[i] && !str_eq(vk[i].name, buf_str(&origin)))
						problem(r, "验证密钥 %s 的名称「%s」与检查点的来源「%s」不符", vpath[i], vk[i].name,
							buf_str(&origin));
				buf_printf(&r->info, "检查点：来源 %s，树的大小 %lld（Ed25519 签名 %d 个、SM2 签名 %d 个有效）\n",
					   buf_str(&origin), cp_size, c.ed25519_ok, c.sm2_ok);
			}
			for (size_t p = 0; p < npinned; p++) {
				struct note_verifier pv;
				struct note_check pc;
				err_clear(&e);
				if (note_vkey_parse(pinned[p], &pv, &e) < 0) {
					problem(r, "给出的验证密钥无效：%s", e.msg);
					continue;
				}
				if (note_verify(note, nlen, &pv, 1, &pc, NULL, &e) < 0 || pc.bad ||
				    (pc.ed25519_ok + pc.sm2_ok) == 0)
					problem(r, "检查点不是由给出的验证密钥 %s 签名的", pinned[p]);
				else
					buf_printf(&r->info, "检查点由给出的验证密钥 %s 签名\n", pv.name);
				note_verifier_release(&pv);
			}
		}
	}
	if (have[0])
		buf_printf(&r->info, "包内 Ed25519 验证密钥：%s（请与执法机关公布的 /log/key 核对，或用 --key 指定）\n",
			   buf_str(&vtext[0]));
	r->checkpoint_size = cp_size;

	/* the manifest */
	json_t *man = parse_meta(ents, nent, "manifest.json", 2, r);
	json_t *li = parse_meta(ents, nent, "leaves/INDEX.json", 1, r);
	json_t *pi = parse_meta(ents, nent, "proofs/INDEX.json", 1, r);
	if (man && !str_eq(json_string_value(json_object_get(man, "format")), PACKAGE_FORMAT))
		problem(r, "manifest.json 的格式「%s」不是 %s", json_string_value(json_object_get(man, "format")) ?: "",
			PACKAGE_FORMAT);
	if (li && json_integer_value(json_object_get(li, "checkpoint_size")) != cp_size && cp_size >= 0)
		problem(r, "leaves/INDEX.json 的 checkpoint_size 与检查点的大小不符");
	if (pi && json_integer_value(json_object_get(pi, "checkpoint_size")) != cp_size && cp_size >= 0)
		problem(r, "proofs/INDEX.json 的 checkpoint_size 与检查点的大小不符");
	const json_t *files = json_object_get(man, "files");
	if (man && (!json_is_array(files) || json_array_size(files) == 0))
		problem(r, "manifest.json 没有列出任何文件");
	const json_t *larr = json_object_get(li, "leaves"), *parr = json_object_get(pi, "proofs");
	size_t nleaves = json_array_size(larr);
	bool *leaf_used = xcalloc(nleaves + 1, 1);
	size_t nproofs = json_array_size(parr);
	bool *proof_used = xcalloc(nproofs + 1, 1);
	struct buf s256, ssm3;
	buf_init(&s256, 0);
	buf_init(&ssm3, 0);
	size_t i;
	const json_t *f;
	json_array_foreach(files, i, f) {
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *sha = json_string_value(json_object_get(f, "sha256"));
		const char *sm3 = json_string_value(json_object_get(f, "sm3"));
		json_int_t size = json_integer_value(json_object_get(f, "size"));
		const json_t *lij = json_object_get(f, "leaf_index");
		if (!path || !package_path_ok(path) || package_meta_path(path) || !sha || !hash_hex_valid(sha) || !sm3 ||
		    !hash_hex_valid(sm3) || !json_is_integer(lij)) {
			problem(r, "manifest.json 第 %zu 个文件的记录不完整或路径不可用（%s）", i + 1, path ? path : "无路径");
			continue;
		}
		buf_printf(&s256, "%s  %s\n", sha, path);
		buf_printf(&ssm3, "%s  %s\n", sm3, path);
		for (size_t j = 0; j < i; j++)
			if (str_eq(json_string_value(json_object_get(json_array_get(files, j), "path")), path))
				problem(r, "manifest.json 重复列出文件 %s", path);
		struct entry *x = find_entry(ents, nent, path);
		if (!x) {
			problem(r, "缺少文件 %s（manifest.json 列出了它，压缩包中没有）", path);
		} else if (x->read_ok) {
			r->files++;
			r->bytes += x->size;
			if (x->size != size)
				problem(r, "文件 %s 的大小为 %lld 字节，manifest.json 记录的是 %lld 字节", path, x->size, (long long)size);
			if (!str_eq(x->sha256, sha))
				problem(r, "文件 %s 的 SHA-256 为 %s，与 manifest.json 记录的 %s 不符", path, x->sha256, sha);
			if (!str_eq(x->sm3, sm3))
				problem(r, "文件 %s 的 SM3 为 %s，与 manifest.json 记录的 %s 不符", path, x->sm3, sm3);
		}
		check_leaf(r, larr, leaf_used, parr, proof_used, json_integer_value(lij), path, sha, sm3, size, cp_size, root,
			   cp_ok, NULL);
	}
	/* the export's own leaf names the manifest: the checkpoint covers it */
	if (man && li) {
		const json_t *xl = json_object_get(li, "export_leaf");
		size_t mlen;
		const char *mt = meta_text(ents, nent, "manifest.json", &mlen);
		unsigned char d[32];
		unsigned int dl = 0;
		char mhex[HASH_HEX];
		EVP_Digest(mt, mlen, d, &dl, EVP_sha256(), NULL);
		hex_encode(d, 32, mhex);
		json_t *lj = NULL;
		if (!json_is_integer(xl))
			problem(r, "leaves/INDEX.json 没有记录导出本身的叶子（export_leaf）");
		else if (check_leaf(r, larr, leaf_used, parr, proof_used, json_integer_value(xl), "manifest.json", mhex, NULL,
				    -1, cp_size, root, cp_ok, &lj) == 0) {
			if (!str_eq(json_string_value(json_object_get(lj, "type")), "case.exported") ||
			    !str_eq(json_string_value(json_object_get(lj, "sha256")), mhex))
				problem(r, "第 %lld 号叶子不是本包 manifest.json（SHA-256 %s）的导出记录：manifest.json 被改动",
					(long long)json_integer_value(xl), mhex);
			else if (json_integer_value(json_object_get(lj, "case_id")) !=
				 json_integer_value(json_object_get(json_object_get(man, "case"), "id")))
				problem(r, "导出记录的案件与 manifest.json 的案件不符");
			else
				buf_printf(&r->info, "manifest.json 的 SHA-256 %s 登记在第 %lld 号叶子（导出记录）中\n", mhex,
					   (long long)json_integer_value(xl));
		}
		json_decref(lj);
	}
	for (size_t k = 0; k < nleaves; k++)
		if (!leaf_used[k])
			problem(r, "leaves/INDEX.json 第 %zu 项没有对应的文件", k + 1);
	for (size_t k = 0; k < nproofs; k++)
		if (!proof_used[k])
			problem(r, "proofs/INDEX.json 第 %zu 项没有对应的文件", k + 1);
	free(leaf_used);
	free(proof_used);
	if (man) {
		size_t l1, l2;
		const char *t1 = meta_text(ents, nent, "SHA256SUMS", &l1), *t2 = meta_text(ents, nent, "SM3SUMS", &l2);
		if (!t1)
			problem(r, "证据包缺少 SHA256SUMS");
		else if (l1 != s256.len || memcmp(t1, s256.data, l1) != 0)
			problem(r, "SHA256SUMS 与 manifest.json 不符");
		if (!t2)
			problem(r, "证据包缺少 SM3SUMS");
		else if (l2 != ssm3.len || memcmp(t2, ssm3.data, l2) != 0)
			problem(r, "SM3SUMS 与 manifest.json 不符");
	}
	if (!meta_text(ents, nent, PACKAGE_README, NULL))
		problem(r, "证据包缺少 %s", PACKAGE_README);
	/* nothing the manifest does not list */
	static const char *const known[] = { PACKAGE_README, "manifest.json", "SHA256SUMS", "SM3SUMS", "checkpoint.txt",
					     "leaves/INDEX.json", "proofs/INDEX.json", "keys/ledger-ed25519.vkey",
					     "keys/ledger-ed25519.pub.pem", "keys/ledger-sm2.vkey", "keys/ledger-sm2.pub.pem" };
	for (size_t k = 0; k < nent; k++) {
		bool listed = false;
		for (size_t j = 0; j < ARRAY_SIZE(known) && !listed; j++)
			listed = str_eq(ents[k].path, known[j]);
		json_array_foreach(files, i, f)
			if (!listed && str_eq(json_string_value(json_object_get(f, "path")), ents[k].path))
				listed = true;
		if (!listed)
			problem(r, "压缩包中的 %s 没有列在 manifest.json 中", ents[k].path);
		for (size_t j = 0; j < k; j++)
			if (str_eq(ents[j].path, ents[k].path))
				problem(r, "压缩包中 %s 出现了不止一次", ents[k].path);
	}
	buf_release(&s256);
	buf_release(&ssm3);
	json_decref(man);
	json_decref(li);
	json_decref(pi);
	buf_release(&body);
	buf_release(&origin);
	for (int k = 0; k < 2; k++) {
		if (have[k])
			note_verifier_release(&vk[k]);
		buf_release(&vtext[k]);
	}
}

static int verify_package(const char *path, const char *const *pinned, size_t npinned, struct package_report *r,
			  struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int en = errno;
		if (fd >= 0)
			close(fd);
		return err_set(e, ERR_NOTFOUND, "package", "无法打开证据包 %s：%s", path, strerror(en));
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct archive *rd = archive_read_new();
	archive_read_support_format_zip_seekable(rd);
	archive_read_set_options(rd, "zip:hdrcharset=UTF-8");
	if (archive_read_open_fd(rd, fd, CHUNK) != ARCHIVE_OK) {
		problem(r, "%s 不是可读的 zip 压缩包（%s）", path, la_reason(rd));
		archive_read_free(rd);
		close(fd);
		return 0;
	}
	int cfd = open(path, O_RDONLY | O_CLOEXEC);
	struct cmp cmp = { cfd, 0, -1, xmalloc(CHUNK) };
	struct archive *wr = cfd >= 0 ? package_zip_new(cmp_sink, &cmp) : NULL;
	unsigned char *chunk = xmalloc(CHUNK);
	struct entry *ents = NULL;
	size_t nent = 0, cap = 0;
	bool readable = true;
	for (;;) {
		struct archive_entry *en;
		int hr = archive_read_next_header(rd, &en);
		if (hr == ARCHIVE_EOF)
			break;
		if (hr < ARCHIVE_WARN) {
			problem(r, "压缩包的目录无法读出（%s）：压缩包已损坏或被改动", la_reason(rd));
			readable = false;
			break;
		}
		const char *name = archive_entry_pathname_utf8(en);
		if (!name)
			name = archive_entry_pathname(en);
		if (nent == cap) {
			cap = cap ? 2 * cap : 32;
			ents = xrealloc(ents, cap * sizeof *ents);
		}
		struct entry *x = &ents[nent++];
		memset(x, 0, sizeof *x);
		x->path = xstrdup(name ? name : "");
		x->size = archive_entry_size_is_set(en) ? archive_entry_size(en) : -1;
		x->meta = package_meta_path(x->path);
		buf_init(&x->data, 0);
		if (archive_entry_filetype(en) != AE_IFREG) {
			problem(r, "压缩包中的 %s 不是普通文件", x->path);
			continue;
		}
		if (!x->path[0] || !utf8_valid(x->path, strlen(x->path)))
			problem(r, "压缩包中有名称无效的文件");
		if (wr && package_zip_header(wr, x->path, x->size < 0 ? 0 : x->size) < 0) {
			archive_write_free(wr);
			wr = NULL;
		}
		if (read_entry(rd, wr, x, chunk, r) < 0) {
			readable = false;
			break;
		}
		if (wr)
			archive_write_finish_entry(wr);
	}
	archive_read_free(rd);
	close(fd);
	if (wr) {
		archive_write_close(wr);
		archive_write_free(wr);
	}
	bool canonical = wr && readable && cmp.first_diff < 0 && cmp.off == (long long)st.st_size;
	r->zip_compared = canonical;
	check_content(ents, nent, pinned, npinned, r);
	if (readable && !canonical) {
		/* the manifest names the writer: another libarchive may lay out
		 * the same entries differently */
		const char *mt = meta_text(ents, nent, "manifest.json", NULL);
		json_t *m = mt ? json_loads(mt, 0, NULL) : NULL;
		const char *wv = json_string_value(json_object_get(m, "zip_writer"));
		if (wv && !str_eq(wv, archive_version_string()))
			buf_printf(&r->info, "注意：本机的 %s 与导出时的 %s 不同，未逐字节比对压缩包结构（文件内容、叶子、证明和签名已全部核对）\n",
				   archive_version_string(), wv);
		else if (cmp.first_diff >= 0)
			problem(r, "压缩包第 %lld 字节处与导出时的格式不符（压缩包的文件头或目录被改动）", cmp.first_diff);
		else
			problem(r, "压缩包长 %lld 字节，导出时的格式应为 %lld 字节（有多余或缺少的字节）", (long long)st.st_size,
				cmp.off);
		json_decref(m);
	}
	for (size_t i = 0; i < nent; i++) {
		free(ents[i].path);
		buf_release(&ents[i].data);
	}
	free(ents);
	free(chunk);
	free(cmp.buf);
	if (cfd >= 0)
		close(cfd);
	return 0;
}

int package_verify(const char *path, const char *const *pinned, size_t npinned, struct package_report *r,
		   struct err *e)
{
	locale_t old = package_locale_enter();
	int rc = verify_package(path, pinned, npinned, r, e);
	package_locale_leave(old);
	return rc;
}
