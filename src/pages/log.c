/*
 * log.c - the public face of the ledger (公信验证): the read API that lets
 * anyone check the log with standard tools, and the portal page /log.
 *
 *   GET /log                            the page (also JSON: /api/v1/log)
 *   GET /log/checkpoint                 the newest signed note (text/plain)
 *   GET /log/key                        Ed25519 verifier key (signed-note form)
 *   GET /log/key/sm2                    SM2 public key (PEM) + verifier key
 *   GET /log/tile/<L>/<N>[.p/<W>]       C2SP tlog-tiles hash tile
 *   GET /log/tile/entries/<N>[.p/<W>]   C2SP tlog-tiles entry bundle
 *   GET /api/v1/log/leaves/{index}      {"hash","index","leaf"}
 *   GET /api/v1/log/proof/inclusion?index=I&size=N
 *   GET /api/v1/log/proof/consistency?from=M&to=N
 *   GET /api/v1/log/proof/by-hash?hash=H[&size=N]
 *
 * Invariants: every route is public and read-only; nothing here changes
 * the log.  Bad parameters answer 400 with a JSON error whose message (in
 * Chinese) names the parameter; a tile, leaf or checkpoint the log does
 * not hold answers 404.  Bytes come from the ledger API unchanged (leaf
 * bytes, hashes, the note), so what a verifier checks is what is stored.
 * Full tiles never change and are cached for a year; everything that
 * grows with the tree (checkpoint, partial tiles) is cached one second.
 */
#include "core/core.h"
#include "core/sign.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "app/app.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "pages/pages.h"
#include <jansson.h>
#include <ctype.h>

/* ---- small helpers ---- */

/* Answer a JSON error whatever the path (the raw /log/... routes are read
 * by tools, not people). */
static int json_error(struct req *r, int status, const char *field, const char *msg)
{
	r->want_json = true;
	resp_error(r, status, field, msg);
	return 0;
}

static int json_err(struct req *r, const struct err *e)
{
	r->want_json = true;
	resp_err(r, e);
	return 0;
}

/* Parse query parameter name as an integer in [min, INT64_MAX].  When
 * absent: *out = def and 0 if optional (def >= 0), else a 400 answer and -1. */
static int param_ll(struct req *r, const char *name, const char *label, long long min, long long def,
		    long long *out)
{
	const char *s = req_param(r, name);
	if (str_empty(s)) {
		if (def >= 0) {
			*out = def;
			return 0;
		}
		char *msg = req_printf(r, "缺少参数「%s」（%s）。", name, label);
		json_error(r, 400, name, msg);
		return -1;
	}
	if (str_to_ll(s, min, INT64_MAX, out) < 0) {
		char *msg = req_printf(r, "参数「%s」（%s）不正确：应为不小于 %lld 的整数。", name, label, min);
		json_error(r, 400, name, msg);
		return -1;
	}
	return 0;
}

/* Verifier key text of the public half of the key alg (Ed25519 or SM2)
 * of k into vkey, and (if pem not NULL) its PEM.  k comes from app_keys,
 * the keys the server signs with, so what is served is what signs.
 * 0 or -1 (no keys). */
static int key_text(const struct ledger_keys *k, enum sign_alg alg, struct buf *vkey, struct buf *pem)
{
	if (!k)
		return -1;
	const struct sign_key *key = ledger_keys_key(k, alg);
	int rc = note_vkey(ledger_keys_origin(k), key, vkey);
	if (rc == 0 && pem)
		rc = sign_key_pem(key, false, pem);
	return rc;
}

/* As key_text for the current keys (one stamp check per request). */
static int current_vkey(struct req *r, enum sign_alg alg, struct buf *vkey, struct buf *pem)
{
	struct ledger_keys *k = app_keys(r->app, r->db);
	int rc = key_text(k, alg, vkey, pem);
	ledger_keys_free(k);
	return rc;
}

/* Decode a 32-byte hash given as 64 hex digits or base64 (standard or
 * URL alphabet, padded or not).  0 or -1. */
static int parse_hash(const char *s, unsigned char out[MERKLE_HASH])
{
	size_t n = strlen(s);
	if (n == 2 * MERKLE_HASH) /* hex_decode refuses anything but hex digits */
		return hex_decode(s, out, MERKLE_HASH) == MERKLE_HASH ? 0 : -1;
	if (n < 43 || n > 44)
		return -1;
	char b[45];
	for (size_t i = 0; i < n; i++)
		b[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i] == ' ' ? '+' : s[i];
	if (n == 43)
		b[n++] = '=';
	b[n] = 0;
	return b64_decode(b, n, out, MERKLE_HASH) == MERKLE_HASH ? 0 : -1;
}

/* ---- the newest checkpoint ---- */

struct cp_info {
	long long size;
	unsigned char root[MERKLE_HASH];
	char origin[NOTE_NAME_MAX + 1];
	char signed_at[21];
};

/* The newest signed note into note and its parsed body into cp.  0, or -1
 * with err (ERR_NOTFOUND: none signed yet). */
static int latest_checkpoint(struct db *db, struct buf *note, struct cp_info *cp, struct err *e)
{
	memset(cp, 0, sizeof *cp);
	if (ledger_checkpoint_latest_at(db, note, &cp->size, cp->signed_at, e) < 0)
		return -1;
	struct buf origin;
	buf_init(&origin, 0);
	long long size;
	int rc = checkpoint_parse(buf_str(note), &origin, &size, cp->root, e);
	if (rc == 0)
		snprintf(cp->origin, sizeof cp->origin, "%s", buf_str(&origin));
	buf_release(&origin);
	if (rc < 0)
		return err_set(e, ERR_INTERNAL, "checkpoint", "检查点格式有误");
	return 0;
}

int page_log_checkpoint(struct req *r)
{
	struct buf note;
	buf_init(&note, 0);
	long long size;
	struct err e = ERR_INIT;
	resp_header(r, "Cache-Control", "public, max-age=1");
	if (ledger_checkpoint_latest(r->db, &note, &size, &e) < 0) {
		buf_release(&note);
		return json_err(r, &e);
	}
	resp_text(r, 200, "text/plain; charset=utf-8", note.data, note.len);
	buf_release(&note);
	return 0;
}

int page_log_key(struct req *r)
{
	struct buf vk;
	buf_init(&vk, 0);
	if (current_vkey(r, SIGN_ED25519, &vk, NULL) < 0) {
		buf_release(&vk);
		return json_error(r, 503, "", "本系统尚未生成账本签名密钥。");
	}
	buf_putc(&vk, '\n');
	resp_header(r, "Cache-Control", "public, max-age=60");
	resp_text(r, 200, "text/plain; charset=utf-8", vk.data, vk.len);
	buf_release(&vk);
	return 0;
}

int page_log_key_sm2(struct req *r)
{
	struct buf vk, pem;
	buf_init(&vk, 0);
	buf_init(&pem, 0);
	if (current_vkey(r, SIGN_SM2, &vk, &pem) < 0) {
		buf_release(&vk);
		buf_release(&pem);
		return json_error(r, 503, "", "本系统尚未生成账本签名密钥。");
	}
	/* PEM first so `openssl pkey -pubin` reads the file as it is; the
	 * verifier key text follows as a comment line outside the PEM block. */
	buf_printf(&pem, "# signed-note verifier key: %s\n", buf_str(&vk));
	resp_header(r, "Cache-Control", "public, max-age=60");
	resp_text(r, 200, "text/plain; charset=utf-8", pem.data, pem.len);
	buf_release(&vk);
	buf_release(&pem);
	return 0;
}

/* ---- tiles ---- */

int page_log_tile(struct req *r)
{
	const char *rest = r->nparams > 0 ? r->params[0] : "";
	char *path = req_printf(r, "tile/%s", rest);
	int level, width;
	long long index;
	if (ledger_tile_parse(path, &level, &index, &width) < 0)
		return json_error(r, 400, "tile",
				  "瓦片路径不正确：应为 /log/tile/<层>/<编号>[.p/<宽度>] 或 /log/tile/entries/<编号>[.p/<宽度>]。");
	struct buf out;
	buf_init(&out, 0);
	struct err e = ERR_INIT;
	if (ledger_tile(r->db, level, index, width, &out, &e) < 0) {
		buf_release(&out);
		return json_err(r, &e);
	}
	resp_header(r, "Cache-Control", width == 256 ? "public, max-age=31536000, immutable" : "public, max-age=1");
	resp_text(r, 200, "application/octet-stream", out.data ? out.data : "", out.len);
	buf_release(&out);
	return 0;
}

/* ---- JSON read API ---- */

static int send_body(struct req *r, struct buf *body, int rc, const struct err *e)
{
	if (rc < 0) {
		buf_release(body);
		return json_err(r, e);
	}
	resp_header(r, "Cache-Control", "public, max-age=1");
	resp_text(r, 200, "application/json; charset=utf-8", body->data, body->len);
	buf_release(body);
	return 0;
}

int page_log_leaf(struct req *r)
{
	long long index;
	if (r->nparams < 1 || str_to_ll(r->params[0], 0, INT64_MAX, &index) < 0)
		return json_error(r, 400, "index", "参数「index」（叶子序号）不正确：应为非负整数。");
	struct buf b;
	buf_init(&b, 0);
	struct err e = ERR_INIT;
	int rc = ledger_json_leaf(r->db, index, &b, &e);
	return send_body(r, &b, rc, &e);
}

int page_log_inclusion(struct req *r)
{
	long long index, size;
	if (param_ll(r, "index", "叶子序号", 0, -1, &index) < 0 || param_ll(r, "size", "树的大小", 1, -1, &size) < 0)
		return 0;
	if (index >= size)
		return json_error(r, 400, "index", "参数「index」（叶子序号）应小于参数「size」（树的大小）。");
	struct buf b;
	buf_init(&b, 0);
	struct err e = ERR_INIT;
	int rc = ledger_json_inclusion(r->db, index, size, &b, &e);
	return send_body(r, &b, rc, &e);
}

int page_log_consistency(struct req *r)
{
	long long from, to;
	if (param_ll(r, "from", "旧树的大小", 1, -1, &from) < 0 || param_ll(r, "to", "新树的大小", 1, -1, &to) < 0)
		return 0;
	if (from > to)
		return json_error(r, 400, "from", "参数「from」（旧树的大小）不能大于参数「to」（新树的大小）。");
	struct buf b;
	buf_init(&b, 0);
	struct err e = ERR_INIT;
	int rc = ledger_json_consistency(r->db, from, to, &b, &e);
	return send_body(r, &b, rc, &e);
}

int page_log_by_hash(struct req *r)
{
	const char *hs = req_param(r, "hash");
	unsigned char h[MERKLE_HASH];
	if (str_empty(hs))
		return json_error(r, 400, "hash", "缺少参数「hash」（叶子哈希或文件的 SHA-256）。");
	if (parse_hash(hs, h) < 0)
		return json_error(r, 400, "hash",
				  "参数「hash」不正确：应为 64 位十六进制或 Base64 编码的 32 字节 SHA-256 哈希。");
	struct err e = ERR_INIT;
	long long size;
	if (str_empty(req_param(r, "size"))) {
		/* default: the newest checkpoint, so the proof checks against it */
		struct buf note;
		buf_init(&note, 0);
		int rc = ledger_checkpoint_latest(r->db, &note, &size, &e);
		buf_release(&note);
		if (rc < 0)
			return json_err(r, &e);
	} else if (param_ll(r, "size", "树的大小", 1, -1, &size) < 0) {
		return 0;
	}
	long long tree = ledger_size(r->db, &e);
	if (tree < 0)
		return json_err(r, &e);
	if (size > tree)
		return json_error(r, 400, "size", req_printf(r, "参数「size」（树的大小）不能超过当前树的大小 %lld。", tree));
	const char *how = "";
	long long idx;
	if (ledger_find(r->db, h, size, &idx, &how, &e) < 0) {
		if (e.kind == ERR_NOTFOUND)
			return json_error(r, 404, "hash",
					  req_printf(r, "在大小为 %lld 的账本中没有找到该哈希：该文件或记录未登记。", size));
		return json_err(r, &e);
	}
	struct buf leaf, pb;
	buf_init(&leaf, 0);
	buf_init(&pb, 0);
	unsigned char lh[MERKLE_HASH];
	if (ledger_leaf(r->db, idx, &leaf, lh, &e) < 0 || ledger_json_inclusion(r->db, idx, size, &pb, &e) < 0) {
		buf_release(&leaf);
		buf_release(&pb);
		return json_err(r, &e);
	}
	json_t *proof = json_loads(buf_str(&pb), 0, NULL);
	buf_release(&pb);
	struct buf lb64, hb64;
	buf_init(&lb64, 0);
	buf_init(&hb64, 0);
	b64_encode((const unsigned char *)leaf.data, leaf.len, &lb64);
	b64_encode(lh, MERKLE_HASH, &hb64);
	json_t *m = json_pack("{s:I,s:I,s:s,s:s,s:s,s:O}", "index", (json_int_t)idx, "size", (json_int_t)size,
			      "matched", how, "leaf", buf_str(&lb64), "hash", buf_str(&hb64), "proof",
			      proof ? json_object_get(proof, "proof") : json_null());
	json_decref(proof);
	buf_release(&leaf);
	buf_release(&lb64);
	buf_release(&hb64);
	if (!m)
		return -1;
	resp_header(r, "Cache-Control", "public, max-age=1");
	resp_json(r, 200, m);
	return 0;
}

/* ---- the page ---- */

static json_t *log_model(struct req *r)
{
	json_t *m = json_object();
	struct ledger_keys *keys = app_keys(r->app, r->db);
	json_object_set_new(m, "origin", keys ? json_string(ledger_keys_origin(keys)) : json_null());
	struct buf note;
	buf_init(&note, 0);
	struct cp_info cp;
	struct err e = ERR_INIT;
	if (latest_checkpoint(r->db, &note, &cp, &e) == 0) {
		char hex[2 * MERKLE_HASH + 1];
		hex_encode(cp.root, MERKLE_HASH, hex);
		struct buf b64;
		buf_init(&b64, 0);
		b64_encode(cp.root, MERKLE_HASH, &b64);
		json_object_set_new(m, "checkpoint",
				    json_pack("{s:I,s:s,s:s,s:s,s:s}", "size", (json_int_t)cp.size, "root", buf_str(&b64),
					      "root_hex", hex, "signed_at", cp.signed_at, "note", buf_str(&note)));
		buf_release(&b64);
	} else {
		json_object_set_new(m, "checkpoint", json_null());
	}
	buf_release(&note);
	struct err e2 = ERR_INIT;
	long long n = ledger_size(r->db, &e2);
	json_object_set_new(m, "tree_size", json_integer(n < 0 ? 0 : n));
	struct buf vk, vk2;
	buf_init(&vk, 0);
	buf_init(&vk2, 0);
	json_object_set_new(m, "key", key_text(keys, SIGN_ED25519, &vk, NULL) == 0 ? json_string(buf_str(&vk)) : json_null());
	json_object_set_new(m, "key_sm2", key_text(keys, SIGN_SM2, &vk2, NULL) == 0 ? json_string(buf_str(&vk2)) : json_null());
	ledger_keys_free(keys);
	buf_release(&vk);
	buf_release(&vk2);
	json_object_set_new(m, "endpoints",
			    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "checkpoint", "/log/checkpoint", "key", "/log/key",
				      "key_sm2", "/log/key/sm2", "leaf", "/api/v1/log/leaves/{index}", "inclusion",
				      "/api/v1/log/proof/inclusion?index={index}&size={size}", "consistency",
				      "/api/v1/log/proof/consistency?from={from}&to={to}", "by_hash",
				      "/api/v1/log/proof/by-hash?hash={hash}&size={size}", "tiles", "/log/tile/"));
	return m;
}

/* The site's own base URL as the client addressed it, for the commands. */
static const char *base_url(struct req *r)
{
	const char *host = req_header(r, "Host");
	bool ok = !str_empty(host) && strlen(host) < 200;
	for (const char *p = host; ok && *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-:[]", *p))
			ok = false;
	return ok ? req_printf(r, "%s://%s", r->app->cfg.secure_cookies ? "https" : "http", host) : "https://本站地址";
}

static void render_log(struct req *r, json_t *m)
{
	page_begin(r, "公信验证");
	h_raw(r->out, "<div class=\"logpage\"><h1>公信验证</h1><p>本厅的执法全过程记录、公示和审核等具有法律效力的行为，"
		       "每一件都按发生顺序登记在一本只能追加、不能修改的“账本”（默克尔树日志，RFC 6962）中。"
		       "系统定期用本厅的密钥对账本的当前状态签名（称为“检查点”）。任何人都可以用下面的公钥和公开接口，"
		       "自行核验某份文件或记录是否已登记、账本是否被篡改或删改。</p>");
	const json_t *cp = json_object_get(m, "checkpoint");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"cp-h\"><h2 id=\"cp-h\">最新检查点</h2>");
	if (json_is_object(cp)) {
		char when[20] = "";
		if (!str_empty(js(cp, "signed_at")))
			time_utc_to_shanghai(js(cp, "signed_at"), when);
		h_printf(r->out, "<dl class=\"props\"><dt>已登记记录数（树的大小）</dt><dd id=\"cp-size\">%lld</dd>"
			 "<dt>根哈希（Base64）</dt><dd><code id=\"cp-root\">%s</code></dd>"
			 "<dt>根哈希（十六进制）</dt><dd><code class=\"hash\">%s</code></dd>"
			 "<dt>签名时间（北京时间）</dt><dd>%s</dd></dl>",
			 ji(cp, "size"), js(cp, "root"), js(cp, "root_hex"), when);
		h_printf(r->out, "<p>签名后的检查点原文（<a href=\"/log/checkpoint\">/log/checkpoint</a>）：</p>"
			 "<pre class=\"note\">%s</pre>", js(cp, "note"));
	} else {
		h_raw(r->out, "<p class=\"muted\">账本尚无已签名的检查点：还没有登记任何记录。</p>");
	}
	h_raw(r->out, "</section>");

	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"key-h\"><h2 id=\"key-h\">验证公钥</h2>");
	if (!str_empty(js(m, "key"))) {
		h_printf(r->out, "<p>Ed25519 公钥（签名笔记格式，<a href=\"/log/key\">/log/key</a>）：</p>"
			 "<pre class=\"note\">%s</pre>", js(m, "key"));
		h_printf(r->out, "<p>SM2 公钥（国密算法，SM3 摘要，区分标识 1234567812345678，"
			 "<a href=\"/log/key/sm2\">/log/key/sm2</a>）：</p><pre class=\"note\">%s</pre>", js(m, "key_sm2"));
		h_raw(r->out, "<p class=\"hint\">请通过其他可信渠道（如本厅正式文件）核对公钥，并保存一份：核验时以您保存的公钥为准。</p>");
	} else {
		h_raw(r->out, "<p class=\"muted\">本系统尚未生成账本签名密钥。</p>");
	}
	h_raw(r->out, "</section>");

	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"file-h\"><h2 id=\"file-h\">核验文件是否已登记</h2>"
		       "<p>选择或拖入一份文件（例如执法文书、现场照片），本页在您的浏览器中计算其 SHA-256 哈希，"
		       "<strong>文件不会上传</strong>；随后向本站查询该哈希是否登记在账本中，并在浏览器中按 RFC 6962 "
		       "验证包含证明与最新检查点的根哈希相符。</p>"
		       "<noscript><p class=\"alert warn\" role=\"alert\">文件核验需要启用 JavaScript。"
		       "也可以用下方的命令行方法自行核验。</p></noscript>"
		       "<form id=\"logcheck\" class=\"logcheck\" method=\"get\" action=\"/log\">"
		       "<div class=\"field\"><label for=\"lc-file\">文件</label>"
		       "<input type=\"file\" id=\"lc-file\" name=\"file\" aria-describedby=\"lc-hint\">"
		       "<p class=\"hint\" id=\"lc-hint\">也可以把文件拖到本区域。大文件的计算需要一些时间。</p></div>"
		       "<div class=\"field\"><label for=\"lc-hash\">或输入 SHA-256 哈希（64 位十六进制）</label>"
		       "<input type=\"text\" id=\"lc-hash\" name=\"hash\" maxlength=\"64\" autocomplete=\"off\" spellcheck=\"false\"></div>"
		       "<button type=\"submit\">核验</button></form>"
		       "<div id=\"lc-result\" role=\"status\" aria-live=\"polite\"></div></section>");

	const char *base = base_url(r);
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"how-h\"><h2 id=\"how-h\">用标准工具自行核验</h2>"
		       "<p>取得检查点和公钥：</p>");
	h_printf(r->out, "<pre class=\"cmd\">curl -s %s/log/checkpoint &gt; checkpoint.txt\ncurl -s %s/log/key</pre>", base, base);
	h_raw(r->out, "<p>检查点是 C2SP 签名笔记（signed note）：空行之前是正文（来源、树的大小、Base64 根哈希），"
		       "之后每行一个签名“— 名称 Base64(4 字节密钥哈希‖签名)”。Ed25519 签名可用 Go 的 "
		       "<code>golang.org/x/mod/sumdb/note</code> 或 OpenSSL 验证，SM2 签名可用 OpenSSL 3 验证：</p>");
	h_printf(r->out, "<pre class=\"cmd\">curl -s %s/log/key/sm2 &gt; sm2.pem\n"
		 "head -n 3 checkpoint.txt &gt; body.txt\n"
		 "grep '^— ' checkpoint.txt | sed -n 2p | awk '{print $3}' | base64 -d | tail -c +5 &gt; sig.bin\n"
		 "openssl pkeyutl -verify -pubin -inkey sm2.pem -rawin -digest sm3 \\\n"
		 "    -pkeyopt distid:1234567812345678 -in body.txt -sigfile sig.bin</pre>", base);
	h_raw(r->out, "<p>查询某一记录（叶子）及其包含证明、两个检查点之间的一致性证明：</p>");
	h_printf(r->out, "<pre class=\"cmd\">curl -s %s/api/v1/log/leaves/0\n"
		 "curl -s '%s/api/v1/log/proof/inclusion?index=0&amp;size=树的大小'\n"
		 "curl -s '%s/api/v1/log/proof/consistency?from=旧大小&amp;to=新大小'\n"
		 "sha256sum 文件名    # 再查询：\n"
		 "curl -s '%s/api/v1/log/proof/by-hash?hash=文件的SHA-256'</pre>", base, base, base, base);
	h_raw(r->out, "<p>账本也按 C2SP tlog-tiles 规范以“瓦片”提供（<code>/log/tile/0/000</code>、"
		       "<code>/log/tile/entries/000</code> 等），可用通用的透明日志工具镜像和核验。</p>"
		       "<p>本系统自带的核验命令会保存上次见到的检查点，并核验新检查点与之一致（账本只增不改）：</p>");
	h_printf(r->out, "<pre class=\"cmd\">zhifa verify %s --key '%s' --file 文件名</pre></section>", base,
		 str_empty(js(m, "key")) ? "公钥" : js(m, "key"));
	h_raw(r->out, "<script src=\"/static/vendor/sha256.min.js\" defer></script>"
		       "<script src=\"/static/logcheck.js\" defer></script></div>");
	page_end(r);
}

int page_log(struct req *r)
{
	return page_model(r, log_model(r), render_log);
}
