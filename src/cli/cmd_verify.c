/*
 * cmd_verify.c - `zhifa verify`: the integrity check of the ledger.
 *
 *   zhifa verify --data DIR [--db URL]
 *     re-reads the whole log from the database (default: --db, else
 *     $ZHIFA_DB, else DIR/zhifa.db) and checks it against the verifier keys
 *     in DIR/keys (ledger/verify.h), then every stored RFC 3161 time-stamp
 *     against its checkpoint (ledger/tsa.h; signatures too when
 *     DIR/zhifa.conf or $ZHIFA_TSA_CA_FILE names tsa_ca_file).  Prints
 *     every discrepancy, one per line, and a summary; exit 0 only when
 *     everything is intact, 1 when a discrepancy was found or the check
 *     could not run, 2 on usage errors.
 *
 *   zhifa verify --package FILE.zip [--key KEYTEXT]...
 *     the offline check of a case package (records/package.h): every
 *     file against the manifest, the leaves, their inclusion proofs, the
 *     checkpoint's signatures, the zip byte for byte (package_verify.c);
 *     with --key, the checkpoint must also be signed by that key.
 *
 *   zhifa verify URL --key KEYTEXT [--key KEYTEXT2] [--state FILE]
 *                    [--file F | --hash HEX]
 *     what an outsider can do with only the server's public read API
 *     (pages/log.c) and a pinned verifier key (verify_url_main below).
 *
 *   zhifa verify URL --key KEYTEXT --publication ID [--version N]
 *     the same for one published enforcement decision (事后公开): the
 *     exact published bytes from the portal, their SHA-256, the ledger
 *     leaf the publication names (its type, publication, version and that
 *     hash), and the leaf's inclusion under the verified checkpoint
 *     (check_publication below).
 */
#include "core/core.h"
#include "core/err.h"
#include "cli/cli.h"
#include "store/db.h"
#include "ledger/verify.h"
#include "ledger/tsa.h"
#include "core/config.h"
#include "recording/vault.h"
#include "ledger/note.h"
#include "ledger/merkle.h"
#include "records/package.h"
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>

/* Declared here until cli/cli.h lists it (a repeated declaration is harmless). */

static int usage(void)
{
	fprintf(stderr, "用法: zhifa verify --data DIR [--db URL]\n"
			"      zhifa verify --package 证据包.zip [--key 验证密钥]\n"
			"      zhifa verify URL --key 验证密钥 [--state 状态文件] [--file 文件 | --hash 哈希]\n"
			"      zhifa verify URL --key 验证密钥 --publication 公示编号 [--version 版本]\n");
	return EXIT_USAGE;
}

/* ---- zhifa verify URL: the outsider's online check ----
 * Everything below uses only the public read API and the pinned verifier
 * key(s); nothing the server says is trusted unless a signature by a
 * pinned key or a Merkle proof against a signed root backs it.  The state
 * file holds the body of the last checkpoint that passed every check
 * ("<origin>\n<size>\n<base64 root>\n"); it is replaced (atomically) only
 * when the new checkpoint's signature and its consistency with the old
 * one both verify. */

#define FETCH_MAX (64u << 20)

static size_t curl_sink(char *p, size_t sz, size_t n, void *ud)
{
	struct buf *b = ud;
	if (b->len + sz * n > FETCH_MAX)
		return 0;
	buf_add(b, p, sz * n);
	return sz * n;
}

/* GET base+path into body; 0 with *status, or -1 (message printed) when
 * the server could not be reached. */
static int http_get(const char *base, const char *path, struct buf *body, long *status)
{
	CURL *c = curl_easy_init();
	if (!c) {
		fprintf(stderr, "zhifa verify: 无法初始化 HTTP 客户端\n");
		return -1;
	}
	char *url = xasprintf("%s%s", base, path);
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json, text/plain");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "zhifa-verify/" ZHIFA_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	buf_reset(body);
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) {
		printf("失败: 无法取得 %s: %s\n", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		ret = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	free(url);
	return ret;
}

/* The Chinese message of a JSON error body, or the status. */
static void print_server_error(const char *what, long status, const struct buf *body)
{
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	printf("失败: %s: 服务器回答 HTTP %ld%s%s\n", what, status, msg ? "，" : "", msg ? msg : "");
	json_decref(j);
}

/* GET a JSON body; 0 with *out (caller decrefs), else -1 with *status
 * (0 when unreachable) and the failure printed unless quiet404. */
static int get_json(const char *base, const char *path, const char *what, json_t **out, long *status,
		    bool quiet404)
{
	struct buf body;
	buf_init(&body, 0);
	*out = NULL;
	*status = 0;
	if (http_get(base, path, &body, status) < 0) {
		buf_release(&body);
		return -1;
	}
	if (*status != 200) {
		if (!(quiet404 && *status == 404))
			print_server_error(what, *status, &body);
		buf_release(&body);
		return -1;
	}
	*out = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	buf_release(&body);
	if (!*out) {
		printf("失败: %s: 服务器的回答不是 JSON\n", what);
		return -1;
	}
	return 0;
}

/* Decode a JSON array of base64 hashes into proof; count or -1. */
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

/* True when some string value anywhere in j equals s. */
static bool json_has_string(const json_t *j, const char *s)
{
	if (json_is_string(j))
		return str_eq(json_string_value(j), s);
	size_t i;
	const char *k;
	const json_t *v;
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

static int file_sha256_hex(const char *path, char hex[2 * MERKLE_HASH + 1])
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "zhifa verify: 无法打开文件 %s: %s\n", path, strerror(errno));
		return -1;
	}
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
	unsigned char chunk[65536];
	size_t n;
	while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		ok = EVP_DigestUpdate(c, chunk, n) == 1;
	if (ok && ferror(f))
		ok = 0;
	if (ok)
		ok = EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen == MERKLE_HASH;
	EVP_MD_CTX_free(c);
	fclose(f);
	if (!ok) {
		fprintf(stderr, "zhifa verify: 无法读取文件 %s\n", path);
		return -1;
	}
	hex_encode(md, MERKLE_HASH, hex);
	return 0;
}

static char *read_file_text(const char *path, bool *missing)
{
	*missing = false;
	FILE *f = fopen(path, "rb");
	if (!f) {
		*missing = errno == ENOENT;
		return NULL;
	}
	struct buf b;
	buf_init(&b, 0);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 65536)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

static int write_state(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fputs(text, f) >= 0;
	if (f)
		ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) < 0)
		ok = false;
	if (!ok) {
		printf("失败: 无法写入状态文件 %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

struct vstate {
	const char *base;
	struct note_verifier v[4];
	int nv;
	int failures;
	bool first;   /* no state file yet: this run only recorded the checkpoint */
};

/* Step 1: fetch and check the checkpoint.  Fills body/origin/size/root.
 * 0, or -1 when the later steps cannot run. */
static int check_checkpoint(struct vstate *s, struct buf *body, struct buf *origin, long long *size,
			    unsigned char root[MERKLE_HASH])
{
	struct buf note;
	buf_init(&note, 0);
	long status = 0;
	if (http_get(s->base, "/log/checkpoint", &note, &status) < 0) {
		buf_release(&note);
		s->failures++;
		return -1;
	}
	if (status != 200) {
		print_server_error("取得检查点 /log/checkpoint", status, &note);
		buf_release(&note);
		s->failures++;
		return -1;
	}
	struct note_check c;
	struct err e = ERR_INIT;
	int rc = note_verify(note.data ? note.data : "", note.len, s->v, (size_t)s->nv, &c, body, &e);
	buf_release(&note);
	if (rc < 0) {
		printf("失败: 检查点不是有效的签名笔记: %s\n", e.msg);
		s->failures++;
		return -1;
	}
	bool want_ed = false, want_sm2 = false;
	for (int i = 0; i < s->nv; i++) {
		if (sign_key_alg(s->v[i].key) == SIGN_ED25519)
			want_ed = true;
		else
			want_sm2 = true;
	}
	if (c.bad || (want_ed && !c.ed25519_ok) || (want_sm2 && !c.sm2_ok)) {
		printf("失败: 检查点签名无效: 固定的验证密钥验证通过 %d 个签名(Ed25519 %d、SM2 %d)，"
		       "%d 个签名不符，%d 个签名来自未知密钥\n",
		       c.ed25519_ok + c.sm2_ok, c.ed25519_ok, c.sm2_ok, c.bad, c.unknown);
		s->failures++;
		return -1;
	}
	printf("通过: 检查点签名有效(Ed25519 %d 个、SM2 %d 个签名经固定的验证密钥验证)\n", c.ed25519_ok, c.sm2_ok);
	if (checkpoint_parse(buf_str(body), origin, size, root, &e) < 0) {
		printf("失败: 检查点正文格式有误: %s\n", e.msg);
		s->failures++;
		return -1;
	}
	if (!str_eq(buf_str(origin), s->v[0].name)) {
		printf("失败: 检查点的来源「%s」与验证密钥的名称「%s」不符\n", buf_str(origin), s->v[0].name);
		s->failures++;
		return -1;
	}
	char hex[2 * MERKLE_HASH + 1];
	hex_encode(root, MERKLE_HASH, hex);
	printf("检查点: 来源 %s，树的大小 %lld，根哈希 %s\n", buf_str(origin), *size, hex);
	return 0;
}

/* Step 2: consistency with the checkpoint recorded in the state file. */
static void check_state(struct vstate *s, const char *path, const struct buf *body, const char *origin,
			long long size, const unsigned char root[MERKLE_HASH])
{
	bool missing;
	char *old = read_file_text(path, &missing);
	if (!old) {
		if (!missing) {
			printf("失败: 无法读取状态文件 %s: %s\n", path, strerror(errno));
			s->failures++;
			return;
		}
		if (write_state(path, buf_str(body)) < 0) {
			s->failures++;
			return;
		}
		s->first = true;
		printf("首次核验: 已在状态文件 %s 记下此检查点；以后每次核验都会检查账本与它前后一致(只增不改)。\n", path);
		return;
	}
	struct buf oorigin;
	buf_init(&oorigin, 0);
	long long osize = 0;
	unsigned char oroot[MERKLE_HASH];
	struct err e = ERR_INIT;
	bool ok = false;
	if (checkpoint_parse(old, &oorigin, &osize, oroot, &e) < 0) {
		printf("失败: 状态文件 %s 格式有误: %s\n", path, e.msg);
	} else if (!str_eq(buf_str(&oorigin), origin)) {
		printf("失败: 状态文件记录的是另一个日志的检查点(来源「%s」)，与本日志「%s」不符\n", buf_str(&oorigin),
		       origin);
	} else if (osize > size) {
		printf("失败: 账本变小了: 上次核验时树的大小为 %lld，现在只有 %lld(记录被删除或回退)\n", osize, size);
	} else if (osize == size) {
		ok = memcmp(oroot, root, MERKLE_HASH) == 0;
		if (ok)
			printf("通过: 与上次核验时的检查点相同(树的大小 %lld)\n", size);
		else
			printf("失败: 树的大小同为 %lld，但根哈希与上次核验时不同(账本被改写或分叉)\n", size);
	} else {
		char *q = xasprintf("/api/v1/log/proof/consistency?from=%lld&to=%lld", osize, size);
		json_t *j;
		long status;
		if (get_json(s->base, q, "取得一致性证明", &j, &status, false) == 0) {
			static unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
			long n = decode_proof(json_object_get(j, "proof"), proof);
			if (n < 0)
				printf("失败: 一致性证明格式有误\n");
			else if (!merkle_verify_consistency((uint64_t)osize, (uint64_t)size, oroot, root, proof, (size_t)n))
				printf("失败: 一致性证明不成立: 树的大小 %lld 的新检查点不是上次核验时(大小 %lld)的延续，"
				       "账本被改写或分叉\n", size, osize);
			else {
				ok = true;
				printf("通过: 一致性证明成立: 大小 %lld 的账本是上次核验时(大小 %lld)的延续，旧记录未被改动\n",
				       size, osize);
			}
			json_decref(j);
		}
		free(q);
	}
	buf_release(&oorigin);
	free(old);
	if (!ok) {
		s->failures++;
		return;
	}
	if (osize != size && write_state(path, buf_str(body)) < 0)
		s->failures++;
}

/* Step 3: the inclusion of a file or leaf hash (hex, lowercase). */
static void check_inclusion(struct vstate *s, const char *hexhash, long long size, const unsigned char root[MERKLE_HASH])
{
	char *q = xasprintf("/api/v1/log/proof/by-hash?hash=%s&size=%lld", hexhash, size);
	json_t *j;
	long status;
	int rc = get_json(s->base, q, "查询包含证明", &j, &status, true);
	free(q);
	if (rc < 0) {
		if (status == 404)
			printf("失败: 哈希 %s 没有登记在大小为 %lld 的账本中\n", hexhash, size);
		s->failures++;
		return;
	}
	long long index = json_integer_value(json_object_get(j, "index"));
	const char *lb = json_string_value(json_object_get(j, "leaf"));
	const char *hb = json_string_value(json_object_get(j, "hash"));
	const char *how = json_string_value(json_object_get(j, "matched"));
	static unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	long n = decode_proof(json_object_get(j, "proof"), proof);
	unsigned char lh[MERKLE_HASH], claimed[MERKLE_HASH];
	size_t lblen = lb ? strlen(lb) : 0;
	unsigned char *leaf = xmalloc(lblen + 1);
	long leaflen = lb ? b64_decode(lb, lblen, leaf, lblen + 1) : -1;
	bool ok = false;
	if (!json_is_integer(json_object_get(j, "index")) || index < 0 || leaflen < 0 || !hb || n < 0 ||
	    b64_decode(hb, strlen(hb), claimed, MERKLE_HASH) != MERKLE_HASH) {
		printf("失败: 服务器返回的包含证明格式有误\n");
	} else {
		merkle_leaf_hash(leaf, (size_t)leaflen, lh);
		char lhex[2 * MERKLE_HASH + 1];
		hex_encode(lh, MERKLE_HASH, lhex);
		json_t *lj = json_loadb((const char *)leaf, (size_t)leaflen, 0, NULL);
		bool named = str_eq(how, "leaf_hash") ? str_eq(lhex, hexhash) : json_has_string(lj, hexhash);
		if (memcmp(lh, claimed, MERKLE_HASH) != 0)
			printf("失败: 第 %lld 号叶子的内容与服务器给出的叶子哈希不符\n", index);
		else if (!named)
			printf("失败: 服务器返回的第 %lld 号叶子没有记录哈希 %s\n", index, hexhash);
		else if (!merkle_verify_inclusion((uint64_t)index, (uint64_t)size, lh, proof, (size_t)n, root))
			printf("失败: 第 %lld 号叶子的包含证明与检查点的根哈希不符\n", index);
		else {
			ok = true;
			printf("通过: %s登记在账本第 %lld 号叶子中(包含证明与大小 %lld 的检查点相符)\n叶子: %.*s\n",
			       str_eq(how, "leaf_hash") ? "该叶子哈希" : "该文件的 SHA-256 ", index, size, (int)leaflen,
			       (const char *)leaf);
		}
		json_decref(lj);
	}
	free(leaf);
	json_decref(j);
	if (!ok)
		s->failures++;
}

static const char *js_state(const json_t *m)
{
	const char *st = json_string_value(json_object_get(m, "state"));
	return st ? st : "";
}

/* Step 3 for --publication: the published bytes, their hash, the leaf the
 * publication names and its inclusion under the verified checkpoint. */
static void check_publication(struct vstate *s, long long id, long long version, long long size,
			      const unsigned char root[MERKLE_HASH])
{
	char *q = version > 0 ? xasprintf("/api/v1/portal/decisions/%lld/proof?version=%lld", id, version)
			      : xasprintf("/api/v1/portal/decisions/%lld/proof", id);
	json_t *m = NULL, *lj = NULL, *pj = NULL, *leafj = NULL;
	long status;
	unsigned char *leaf = NULL;
	bool ok = false;
	int rc = get_json(s->base, q, "取得公示的核验材料", &m, &status, false);
	free(q);
	if (rc < 0)
		goto out;
	const char *content = json_string_value(json_object_get(m, "content"));
	const char *claimed = json_string_value(json_object_get(m, "sha256"));
	long long ver = json_integer_value(json_object_get(m, "version"));
	long long index = json_integer_value(json_object_get(m, "leaf_index"));
	if (!claimed || !json_is_integer(json_object_get(m, "leaf_index")) || index < 0) {
		printf("失败: 服务器返回的核验材料格式有误\n");
		goto out;
	}
	char hex[2 * MERKLE_HASH + 1];
	if (content) {
		unsigned char md[MERKLE_HASH];
		unsigned int mdlen = 0;
		EVP_Digest(content, strlen(content), md, &mdlen, EVP_sha256(), NULL);
		hex_encode(md, MERKLE_HASH, hex);
		printf("公示第 %lld 号第 %lld 版: 所公示内容 %zu 字节，SHA-256 %s\n", id, ver, strlen(content), hex);
		if (!str_eq(hex, claimed)) {
			printf("失败: 所公示内容的 SHA-256 与服务器记载的 %s 不符(内容在公示后被改动)\n", claimed);
			s->failures++;
		}
	} else {
		snprintf(hex, sizeof hex, "%s", claimed);
		printf("公示第 %lld 号第 %lld 版已不在公示中(%s)，只核验账本记载的哈希 %s\n", id, ver,
		       str_eq(js_state(m), "withdrawn") ? "已撤下" : "公示期已满", hex);
	}
	if (index >= size) {
		printf("失败: 第 %lld 号叶子尚未被检查点(大小 %lld)覆盖，请稍后再核验\n", index, size);
		goto out;
	}
	char *lq = xasprintf("/api/v1/log/leaves/%lld", index);
	rc = get_json(s->base, lq, "取得账本叶子", &lj, &status, false);
	free(lq);
	if (rc < 0)
		goto out;
	char *pq = xasprintf("/api/v1/log/proof/inclusion?index=%lld&size=%lld", index, size);
	rc = get_json(s->base, pq, "取得包含证明", &pj, &status, false);
	free(pq);
	if (rc < 0)
		goto out;
	const char *lb = json_string_value(json_object_get(lj, "leaf"));
	size_t lblen = lb ? strlen(lb) : 0;
	leaf = xmalloc(lblen + 1);
	long leaflen = lb ? b64_decode(lb, lblen, leaf, lblen + 1) : -1;
	static unsigned char proof[MERKLE_MAX_PROOF][MERKLE_HASH];
	long n = decode_proof(json_object_get(pj, "proof"), proof);
	if (leaflen < 0 || n < 0) {
		printf("失败: 服务器返回的叶子或包含证明格式有误\n");
		goto out;
	}
	leafj = json_loadb((const char *)leaf, (size_t)leaflen, 0, NULL);
	const char *type = json_string_value(json_object_get(leafj, "type"));
	unsigned char lh[MERKLE_HASH];
	merkle_leaf_hash(leaf, (size_t)leaflen, lh);
	if (!str_eq(type, "publication.published") && !str_eq(type, "publication.corrected"))
		printf("失败: 第 %lld 号叶子不是公示或更正的记录\n", index);
	else if (json_integer_value(json_object_get(leafj, "publication_id")) != id ||
		 json_integer_value(json_object_get(leafj, "version")) != ver)
		printf("失败: 第 %lld 号叶子记录的不是公示第 %lld 号第 %lld 版\n", index, id, ver);
	else if (!str_eq(json_string_value(json_object_get(leafj, "sha256")), hex))
		printf("失败: 账本第 %lld 号叶子登记的哈希 %s 与所公示内容的哈希 %s 不符(内容在公示后被改动)\n", index,
		       json_string_value(json_object_get(leafj, "sha256")), hex);
	else if (!merkle_verify_inclusion((uint64_t)index, (uint64_t)size, lh, proof, (size_t)n, root))
		printf("失败: 第 %lld 号叶子的包含证明与检查点的根哈希不符\n", index);
	else {
		ok = true;
		printf("通过: 所公示内容的哈希登记在账本第 %lld 号叶子(%s)中，包含证明与大小 %lld 的检查点相符\n叶子: %.*s\n",
		       index, str_eq(type, "publication.published") ? "公示" : "更正", size, (int)leaflen,
		       (const char *)leaf);
	}
out:
	free(leaf);
	json_decref(leafj);
	json_decref(lj);
	json_decref(pj);
	json_decref(m);
	if (!ok)
		s->failures++;
}

static int verify_url_main(int argc, char **argv)
{
	const char *url = NULL, *state = NULL, *file = NULL, *hash = NULL, *keys[4];
	long long publication = 0, version = 0;
	int nkeys = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (str_eq(a, "--key") && i + 1 < argc) {
			if (nkeys == (int)ARRAY_SIZE(keys)) {
				fprintf(stderr, "zhifa verify: 最多给出 4 个 --key\n");
				return usage();
			}
			keys[nkeys++] = argv[++i];
		} else if (str_eq(a, "--state") && i + 1 < argc)
			state = argv[++i];
		else if (str_eq(a, "--file") && i + 1 < argc)
			file = argv[++i];
		else if (str_eq(a, "--hash") && i + 1 < argc)
			hash = argv[++i];
		else if (str_eq(a, "--publication") && i + 1 < argc) {
			if (str_to_ll(argv[++i], 1, INT64_MAX, &publication) < 0) {
				fprintf(stderr, "zhifa verify: --publication 应为公示编号(正整数)\n");
				return usage();
			}
		} else if (str_eq(a, "--version") && i + 1 < argc) {
			if (str_to_ll(argv[++i], 1, 1000000, &version) < 0) {
				fprintf(stderr, "zhifa verify: --version 应为版本号(正整数)\n");
				return usage();
			}
		}
		else if (!url && (str_starts(a, "http://") || str_starts(a, "https://")))
			url = a;
		else {
			fprintf(stderr, "zhifa verify: 无法识别的参数 '%s'\n", a);
			return usage();
		}
	}
	if (!url || !nkeys) {
		fprintf(stderr, "zhifa verify: 在线核验需要服务器地址和 --key 验证密钥(见该网站的 /log/key)\n");
		return usage();
	}
	if ((file != NULL) + (hash != NULL) + (publication != 0) > 1) {
		fprintf(stderr, "zhifa verify: --file、--hash 和 --publication 只能给出一个\n");
		return usage();
	}
	if (version && !publication) {
		fprintf(stderr, "zhifa verify: --version 只能与 --publication 一起使用\n");
		return usage();
	}
	char hexhash[2 * MERKLE_HASH + 1] = "";
	if (hash) {
		unsigned char h[MERKLE_HASH];
		if (strlen(hash) != 2 * MERKLE_HASH || hex_decode(hash, h, MERKLE_HASH) != MERKLE_HASH) {
			fprintf(stderr, "zhifa verify: --hash 应为 64 位十六进制的 SHA-256 哈希\n");
			return usage();
		}
		hex_encode(h, MERKLE_HASH, hexhash);
	}
	struct vstate s;
	memset(&s, 0, sizeof s);
	for (int i = 0; i < nkeys; i++) {
		struct err e = ERR_INIT;
		if (note_vkey_parse(keys[i], &s.v[s.nv], &e) < 0) {
			fprintf(stderr, "zhifa verify: --key %s: %s\n", keys[i], e.msg);
			for (int k = 0; k < s.nv; k++)
				note_verifier_release(&s.v[k]);
			return EXIT_USAGE;
		}
		s.nv++;
	}
	if (file && file_sha256_hex(file, hexhash) < 0) {
		for (int k = 0; k < s.nv; k++)
			note_verifier_release(&s.v[k]);
		return EXIT_FAIL;
	}
	char *base = xstrdup(url);
	for (size_t n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = 0;
	s.base = base;
	char *dstate = NULL;
	if (!state) {
		const char *home = getenv("HOME");
		dstate = !str_empty(home) ? xasprintf("%s/.zhifa-verify-state", home) : xstrdup("zhifa-verify.state");
		state = dstate;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("核验 %s 的公开账本(验证密钥 %s)\n", base, s.v[0].name);
	struct buf body, origin;
	buf_init(&body, 0);
	buf_init(&origin, 0);
	long long size = 0;
	unsigned char root[MERKLE_HASH];
	if (check_checkpoint(&s, &body, &origin, &size, root) == 0) {
		check_state(&s, state, &body, buf_str(&origin), size, root);
		if (hexhash[0]) {
			if (file)
				printf("文件 %s 的 SHA-256: %s\n", file, hexhash);
			check_inclusion(&s, hexhash, size, root);
		}
		if (publication)
			check_publication(&s, publication, version, size, root);
	}
	if (s.failures)
		printf("核验未通过: %d 项检查失败。\n", s.failures);
	else
		printf("核验通过: 检查点签名有效%s%s。\n",
		       s.first ? "，已记下此检查点供下次核验一致性" : "，且与上次核验时的账本前后一致",
		       hexhash[0] ? "，所查哈希已登记" : publication ? "，所公示内容与账本登记的一致" : "");
	fflush(stdout);
	curl_global_cleanup();
	buf_release(&body);
	buf_release(&origin);
	for (int k = 0; k < s.nv; k++)
		note_verifier_release(&s.v[k]);
	free(base);
	free(dstate);
	return s.failures ? EXIT_FAIL : EXIT_OK;
}

/* == timestamps (ledger/tsa.h) ==
 * Check every stored time-stamp token against its checkpoint; with
 * tsa_ca_file configured (DIR/zhifa.conf or $ZHIFA_TSA_CA_FILE) the
 * signature chain too.  Discrepancies go into r; the line for the summary
 * (what was checked) is appended to summary.  -1 when the check could not
 * run (message printed). */
static int verify_timestamps(struct db *db, const char *data, struct ledger_report *r, struct buf *summary)
{
	struct config cfg;
	config_defaults(&cfg, data);
	struct buf cerr;
	buf_init(&cerr, 0);
	if (config_load(&cfg, &cerr) < 0) {
		fprintf(stderr, "zhifa verify: 配置有误，时间戳签名不按 CA 证书验证: %s\n", buf_str(&cerr));
		cfg.tsa_ca_file[0] = 0;
	}
	buf_release(&cerr);
	struct err e = ERR_INIT;
	struct tsa_trust *trust = NULL;
	if (cfg.tsa_ca_file[0] && !(trust = tsa_trust_load(cfg.tsa_ca_file, &e))) {
		ledger_report_add(r, "时间戳: %s，无法验证时间戳签名", e.msg);
		err_clear(&e);
	}
	struct tsa_verify_stats st;
	if (tsa_verify(db, trust, r, &st, &e) < 0) {
		fprintf(stderr, "zhifa verify: 时间戳核验无法进行: %s\n", e.msg);
		tsa_trust_free(trust);
		return -1;
	}
	if (st.tokens || cfg.tsa_url[0] || cfg.tsa_ca_file[0])
		buf_printf(summary, "时间戳: 检查了 %lld 个时间戳令牌(%s)，%lld 个检查点尚无时间戳。\n", st.tokens,
			   trust ? "签名已按 tsa_ca_file 的 CA 证书验证" : "未配置 tsa_ca_file，只检查了摘要与格式，未验证签名",
			   st.unstamped);
	tsa_trust_free(trust);
	return 0;
}
/* == end timestamps == */

/* == case packages (records/package.h) == */
static int verify_package_main(int argc, char **argv)
{
	const char *file = NULL, *keys[8];
	size_t nkeys = 0;
	for (int i = 1; i < argc; i++) {
		if (str_eq(argv[i], "--package") && i + 1 < argc && !file)
			file = argv[++i];
		else if (str_eq(argv[i], "--key") && i + 1 < argc && nkeys < ARRAY_SIZE(keys))
			keys[nkeys++] = argv[++i];
		else {
			fprintf(stderr, "zhifa verify: 无法识别的参数 '%s'\n", argv[i]);
			return usage();
		}
	}
	if (!file)
		return usage();
	struct package_report r;
	package_report_init(&r);
	struct err e = ERR_INIT;
	if (package_verify(file, keys, nkeys, &r, &e) < 0) {
		fprintf(stderr, "zhifa verify: %s\n", e.msg);
		package_report_release(&r);
		return EXIT_FAIL;
	}
	printf("核验证据包 %s\n", file);
	fputs(buf_str(&r.info), stdout);
	fputs(buf_str(&r.text), stdout);
	int status;
	if (r.problems) {
		printf("核验未通过: 发现 %d 处不符(核对了 %lld 个文件、%lld 字节)。\n", r.problems, r.files, r.bytes);
		status = EXIT_FAIL;
	} else {
		printf("核验通过: %lld 个文件(%lld 字节)的 SHA-256、SM3 和大小与清单相符，%lld 个叶子的包含证明与大小 %lld "
		       "的检查点相符，检查点签名有效%s。\n",
		       r.files, r.bytes, r.leaves, r.checkpoint_size, r.zip_compared ? "，压缩包与导出时逐字节一致" : "");
		status = EXIT_OK;
	}
	fflush(stdout);
	package_report_release(&r);
	return status;
}

int cmd_verify(int argc, char **argv)
{
	const char *data = NULL, *url = NULL;
	for (int i = 1; i < argc; i++)
		if (str_eq(argv[i], "--package"))
			return verify_package_main(argc, argv);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (str_starts(argv[i], "http://") || str_starts(argv[i], "https://")) {
			return verify_url_main(argc, argv);
		} else {
			fprintf(stderr, "zhifa verify: 无法识别的参数 '%s'\n", argv[i]);
			return usage();
		}
	}
	if (!data)
		return usage();
	if (!url)
		url = getenv("ZHIFA_DB");
	char *dflt = NULL;
	if (!url || !*url) {
		dflt = xasprintf("%s/zhifa.db", data);
		url = dflt;
	}
	if (!str_starts(url, "postgres://") && !str_starts(url, "postgresql://")) {
		struct stat st;
		const char *path = str_starts(url, "sqlite:") ? url + 7 : url;
		if (stat(path, &st) < 0) {
			fprintf(stderr, "zhifa verify: 数据库文件 %s 不存在\n", path);
			free(dflt);
			return EXIT_FAIL;
		}
	}
	struct buf berr;
	buf_init(&berr, 0);
	struct db *db = db_open(url, &berr);
	free(dflt);
	if (!db) {
		fprintf(stderr, "zhifa verify: %s\n", buf_str(&berr));
		buf_release(&berr);
		return EXIT_FAIL;
	}
	buf_release(&berr);
	char *keys = xasprintf("%s/keys", data);
	struct ledger_report r;
	struct err e = ERR_INIT;
	ledger_report_init(&r);
	struct vault *vault = vault_open(data, &e);
	if (!vault) {
		fprintf(stderr, "zhifa verify: 无法打开文件存储: %s\n", e.msg);
		ledger_report_release(&r);
		free(keys);
		db_close(db);
		return EXIT_FAIL;
	}
	vault_verify_install(vault);
	int rc = ledger_verify(db, keys, &r, &e);
	struct buf tsa_summary;
	buf_init(&tsa_summary, 0);
	if (rc == 0 && verify_timestamps(db, data, &r, &tsa_summary) < 0) {
		rc = -1;
		snprintf(e.msg, sizeof e.msg, "时间戳表无法读取");
	}
	int status;
	if (rc < 0) {
		fprintf(stderr, "zhifa verify: 核验无法进行: %s\n", e.msg);
		status = EXIT_FAIL;
	} else {
		fputs(buf_str(&r.text), stdout);
		fputs(buf_str(&tsa_summary), stdout);
		if (r.problems) {
			printf("核验未通过: 发现 %d 处问题(已读 %lld 个叶子、%lld 个节点、%lld 个检查点)。\n", r.problems,
			       r.leaves, r.nodes, r.checkpoints);
			status = EXIT_FAIL;
		} else {
			printf("核验通过: %lld 个叶子、%lld 个节点、%lld 个检查点完好, 所有检查点签名有效且前后一致。\n",
			       r.leaves, r.nodes, r.checkpoints);
			status = EXIT_OK;
		}
	}
	fflush(stdout);
	buf_release(&tsa_summary);
	ledger_report_release(&r);
	free(keys);
	vault_close(vault);
	db_close(db);
	return status;
}
