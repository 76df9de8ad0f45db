/*
 * tsa.c - RFC 3161 time-stamps of signed checkpoints (see tsa.h): the
 * request (OpenSSL's TS_REQ), the HTTP exchange (libcurl), the check of
 * the answer (d2i_TS_RESP, TS_RESP_verify_response) and the table
 * checkpoint_timestamps.
 *
 * Invariants: nothing is stored that did not pass tsa_check; no database
 * lock or transaction is held while the authority is asked; every OpenSSL
 * object is freed on every path and the OpenSSL error queue is left
 * empty.
 */
#include "core/core.h"
#include "core/err.h"
#include "ledger/tsa.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include <curl/curl.h>
#include <openssl/ts.h>
#include <openssl/pkcs7.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <time.h>

struct tsa_trust {
	X509_STORE *store;
};

/* The first OpenSSL error reason (English, for the log) into out; clears
 * the queue. */
static const char *ossl_reason(char *out, size_t n)
{
	unsigned long code = ERR_peek_last_error();
	out[0] = 0;
	if (code)
		ERR_error_string_n(code, out, n);
	ERR_clear_error();
	return out[0] ? out : "未知原因";
}

struct tsa_trust *tsa_trust_load(const char *ca_file, struct err *e)
{
	if (str_empty(ca_file)) {
		err_set(e, ERR_INVALID, "tsa_ca_file", "没有配置时间戳服务的 CA 证书文件");
		return NULL;
	}
	X509_STORE *s = X509_STORE_new();
	if (!s || X509_STORE_load_file(s, ca_file) != 1) {
		char why[256];
		err_set(e, ERR_INVALID, "tsa_ca_file", "无法读取时间戳服务的 CA 证书文件 %s（%s）", ca_file,
			ossl_reason(why, sizeof why));
		X509_STORE_free(s);
		return NULL;
	}
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(s);
	bool any = false;
	for (int i = 0; objs && i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) == X509_LU_X509)
			any = true;
	if (!any) {
		err_set(e, ERR_INVALID, "tsa_ca_file", "时间戳服务的 CA 证书文件 %s 中没有证书", ca_file);
		X509_STORE_free(s);
		return NULL;
	}
	struct tsa_trust *t = xcalloc(1, sizeof *t);
	t->store = s;
	return t;
}

void tsa_trust_free(struct tsa_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

/* ---- the request ---- */

int tsa_request(const void *msg, size_t len, struct buf *der, uint64_t *nonce, struct err *e)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	unsigned char rnd[8];
	int rc = -1;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imp = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *n = ASN1_INTEGER_new();
	unsigned char *out = NULL;
	if (!req || !imp || !alg || !n || EVP_Digest(msg, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    RAND_bytes(rnd, sizeof rnd) != 1)
		goto out;
	uint64_t v = 0;
	for (size_t i = 0; i < sizeof rnd; i++)
		v = v << 8 | rnd[i];
	v &= INT64_MAX;
	if (v == 0)
		v = 1;
	if (X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) != 1 ||
	    TS_MSG_IMPRINT_set_algo(imp, alg) != 1 || TS_MSG_IMPRINT_set_msg(imp, md, (int)mdlen) != 1 ||
	    TS_REQ_set_version(req, 1) != 1 || TS_REQ_set_msg_imprint(req, imp) != 1 ||
	    ASN1_INTEGER_set_uint64(n, v) != 1 || TS_REQ_set_nonce(req, n) != 1 || TS_REQ_set_cert_req(req, 1) != 1)
		goto out;
	int dl = i2d_TS_REQ(req, &out);
	if (dl <= 0)
		goto out;
	buf_add(der, out, (size_t)dl);
	*nonce = v;
	rc = 0;
out:
	if (rc < 0) {
		char why[256];
		err_set(e, ERR_INTERNAL, "", "无法生成时间戳请求（%s）", ossl_reason(why, sizeof why));
	}
	OPENSSL_free(out);
	ASN1_INTEGER_free(n);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(imp);
	TS_REQ_free(req);
	return rc;
}

/* ---- the HTTP exchange ---- */

struct sink {
	struct buf *b;
	size_t start;
};

static size_t curl_sink(char *p, size_t sz, size_t n, void *ud)
{
	struct sink *s = ud;
	if (s->b->len - s->start + sz * n > TSA_MAX_RESPONSE)
		return 0;
	buf_add(s->b, p, sz * n);
	return sz * n;
}

/* The URL without user:password@ (for messages and the table). */
static char *url_public(const char *url)
{
	const char *hs = strstr(url, "://");
	if (!hs)
		return xstrdup(url);
	hs += 3;
	size_t hl = strcspn(hs, "/?#");
	const char *at = memchr(hs, '@', hl);
	if (!at)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(hs - url), url, at + 1);
}

int tsa_post(const char *url, const void *query, size_t qlen, long timeout_seconds, struct buf *resp,
	     struct err *e)
{
	if (!(str_starts(url, "http://") || str_starts(url, "https://")))
		return err_set(e, ERR_INVALID, "tsa_url", "时间戳服务地址应以 http:// 或 https:// 开头");
	CURL *c = curl_easy_init();
	if (!c)
		return err_set(e, ERR_INTERNAL, "", "无法初始化 HTTP 客户端");
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
	hdr = curl_slist_append(hdr, "Accept: application/timestamp-reply");
	hdr = curl_slist_append(hdr, "Expect:");
	struct sink s = { resp, resp->len };
	long connect = timeout_seconds < 3 ? timeout_seconds : 3;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, query);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)qlen);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect > 0 ? connect : 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds > 0 ? timeout_seconds : (long)TSA_DEFAULT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "zhifa/" ZHIFA_VERSION);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	int ret = 0;
	char *pub = url_public(url);
	if (rc != CURLE_OK) {
		ret = err_set(e, ERR_INTERNAL, "tsa_url", "无法连接时间戳服务 %s（%s）", pub,
			      errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status != 200)
			ret = err_set(e, ERR_INTERNAL, "tsa_url", "时间戳服务 %s 回答 HTTP %ld，未签发时间戳", pub, status);
	}
	if (ret < 0)
		buf_truncate(resp, s.start);
	free(pub);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return ret;
}

/* ---- the check ---- */

static const char *pki_status_text(long st)
{
	switch (st) {
	case 2: return "拒绝（rejection）";
	case 3: return "等待（waiting）";
	case 4: return "即将吊销（revocationWarning）";
	case 5: return "已吊销（revocationNotification）";
	default: return "未知状态";
	}
}

/* Beyond TS_RESP_verify_response: the SignedData version is 3 (RFC 5652
 * for an eContentType other than id-data) and every certificate the token
 * carries is valid under trust (untrusted: the others it carries), so no
 * byte of the token goes unchecked when a CA is configured.  0 or -1. */
static int check_signed_data(PKCS7 *p7, const struct tsa_trust *trust, struct err *e)
{
	if (!PKCS7_type_is_signed(p7) || !p7->d.sign || ASN1_INTEGER_get(p7->d.sign->version) != 3)
		return err_set(e, ERR_INVALID, "token", "时间戳令牌的 SignedData 版本不是 3");
	if (!trust)
		return 0;
	STACK_OF(X509) *certs = p7->d.sign->cert;
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509_STORE_CTX *vc = X509_STORE_CTX_new();
		int ok = vc && X509_STORE_CTX_init(vc, trust->store, sk_X509_value(certs, i), certs) == 1 &&
			 X509_verify_cert(vc) == 1;
		int code = vc ? X509_STORE_CTX_get_error(vc) : 0;
		X509_STORE_CTX_free(vc);
		ERR_clear_error();
		if (!ok)
			return err_set(e, ERR_INVALID, "token", "时间戳令牌所附的第 %d 个证书无效或不受所配置的 CA 信任（%s）",
				       i + 1, X509_verify_cert_error_string(code));
	}
	return 0;
}

static void fill_info(const TS_TST_INFO *tst, struct tsa_info *info)
{
	memset(info, 0, sizeof *info);
	const ASN1_GENERALIZEDTIME *gt = TS_TST_INFO_get_time(tst);
	struct tm tm;
	if (gt && ASN1_TIME_to_tm(gt, &tm) == 1)
		strftime(info->gen_time, sizeof info->gen_time, "%Y-%m-%dT%H:%M:%SZ", &tm);
	BIGNUM *bn = ASN1_INTEGER_to_BN(TS_TST_INFO_get_serial(tst), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex)
		snprintf(info->serial, sizeof info->serial, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	const ASN1_OBJECT *pol = TS_TST_INFO_get_policy_id((TS_TST_INFO *)tst);
	if (pol)
		OBJ_obj2txt(info->policy, (int)sizeof info->policy, pol, 1);
}

int tsa_check(const void *resp, size_t rlen, const void *msg, size_t mlen, const uint64_t *nonce,
	      const struct tsa_trust *trust, struct tsa_info *info, struct err *e)
{
	char why[256];
	if (rlen == 0 || rlen > TSA_MAX_RESPONSE)
		return err_set(e, ERR_INVALID, "token", "时间戳令牌为空或过大（%zu 字节）", rlen);
	const unsigned char *p = resp;
	TS_RESP *r = d2i_TS_RESP(NULL, &p, (long)rlen);
	if (!r) {
		ERR_clear_error();
		return err_set(e, ERR_INVALID, "token", "时间戳令牌无法解析（不是有效的 DER 格式 TimeStampResp）");
	}
	int rc = -1;
	TS_VERIFY_CTX *ctx = NULL;
	if (p != (const unsigned char *)resp + rlen) {
		err_set(e, ERR_INVALID, "token", "时间戳令牌之后还有 %zu 字节多余数据",
			(size_t)((const unsigned char *)resp + rlen - p));
		goto out;
	}
	long st = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(r)));
	if (st != 0 && st != 1) {
		err_set(e, ERR_INVALID, "token", "时间戳服务未签发时间戳：状态为%s", pki_status_text(st));
		goto out;
	}
	TS_TST_INFO *tst = TS_RESP_get_tst_info(r);
	if (!tst || !TS_RESP_get_token(r)) {
		err_set(e, ERR_INVALID, "token", "时间戳应答中没有时间戳令牌");
		goto out;
	}
	if (TS_TST_INFO_get_version(tst) != 1) {
		err_set(e, ERR_INVALID, "token", "时间戳令牌的版本不是 1");
		goto out;
	}
	TS_MSG_IMPRINT *imp = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR *alg = imp ? TS_MSG_IMPRINT_get_algo(imp) : NULL;
	const ASN1_OBJECT *aobj = NULL;
	if (alg)
		X509_ALGOR_get0(&aobj, NULL, NULL, alg);
	if (!aobj || OBJ_obj2nid(aobj) != NID_sha256) {
		err_set(e, ERR_INVALID, "token", "时间戳令牌的摘要算法不是 SHA-256");
		goto out;
	}
	unsigned char md[32];
	unsigned int mdlen = 0;
	if (EVP_Digest(msg, mlen, md, &mdlen, EVP_sha256(), NULL) != 1)
		BUG("SHA-256 failed");
	ASN1_OCTET_STRING *got = TS_MSG_IMPRINT_get_msg(imp);
	if (!got || ASN1_STRING_length(got) != (int)mdlen || memcmp(ASN1_STRING_get0_data(got), md, mdlen) != 0) {
		err_set(e, ERR_INVALID, "token", "时间戳令牌的消息摘要与检查点不符（这不是对该检查点签发的时间戳）");
		goto out;
	}
	if (nonce) {
		const ASN1_INTEGER *tn = TS_TST_INFO_get_nonce(tst);
		uint64_t v = 0;
		if (!tn || ASN1_INTEGER_get_uint64(&v, tn) != 1 || v != *nonce) {
			ERR_clear_error();
			err_set(e, ERR_INVALID, "token", "时间戳令牌的随机数（nonce）与请求不符");
			goto out;
		}
	}
	if (trust) {
		ctx = TS_VERIFY_CTX_new();
		unsigned char *copy = OPENSSL_memdup(md, mdlen);
		if (!ctx || !copy || X509_STORE_up_ref(trust->store) != 1) {
			OPENSSL_free(copy);
			err_set(e, ERR_INTERNAL, "", "无法验证时间戳签名（内存不足）");
			goto out;
		}
		TS_VERIFY_CTX_set_flags(ctx, TS_VFY_SIGNATURE | TS_VFY_VERSION | TS_VFY_IMPRINT);
		TS_VERIFY_CTX_set_imprint(ctx, copy, mdlen);
		TS_VERIFY_CTX_set_store(ctx, trust->store);
		if (TS_RESP_verify_response(ctx, r) != 1) {
			err_set(e, ERR_INVALID, "token", "时间戳令牌的签名无效，或签发证书不受所配置的 CA 信任（%s）",
				ossl_reason(why, sizeof why));
			goto out;
		}
	}
	if (check_signed_data(TS_RESP_get_token(r), trust, e) < 0)
		goto out;
	if (info)
		fill_info(tst, info);
	rc = 0;
out:
	TS_VERIFY_CTX_free(ctx);
	TS_RESP_free(r);
	ERR_clear_error();
	return rc;
}

/* ---- storage ---- */

static int db_fail(struct db *db, struct err *e)
{
	log_error("时间戳存储失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败");
}

int tsa_stamp_checkpoint(struct db *db, const char *url, const struct tsa_trust *trust, long long size,
			 long timeout_seconds, bool *stored, struct err *e)
{
	if (stored)
		*stored = false;
	struct db_res *res = NULL;
	if (db_query(db, &res, "SELECT root, note FROM ledger_checkpoints WHERE size = ?", DB_INT(size)) < 0)
		return db_fail(db, e);
	if (res->nrows == 0) {
		db_res_free(res);
		return err_set(e, ERR_NOTFOUND, "size", "没有树的大小为 %lld 的检查点", size);
	}
	char *root = xstrdup(db_text(res, 0, 0)), *note = xstrdup(db_text(res, 0, 1));
	db_res_free(res);
	struct buf q, a, tok;
	buf_init(&q, 0);
	buf_init(&a, 0);
	buf_init(&tok, 0);
	char requested[21], now[21];
	time_now_utc(requested);
	uint64_t nonce = 0;
	struct tsa_info info;
	int rc = -1;
	char *pub = url_public(url);
	if (tsa_request(note, strlen(note), &q, &nonce, e) < 0 ||
	    tsa_post(url, q.data, q.len, timeout_seconds, &a, e) < 0)
		goto out;
	if (tsa_check(a.data, a.len, note, strlen(note), &nonce, trust, &info, e) < 0) {
		char msg[sizeof e->msg];
		snprintf(msg, sizeof msg, "%s", e ? e->msg : "");
		err_set(e, ERR_INVALID, "token", "时间戳服务 %s 的应答未通过检查：%s", pub, msg);
		goto out;
	}
	unsigned char md[32];
	char imprint[65];
	unsigned int mdlen = 0;
	EVP_Digest(note, strlen(note), md, &mdlen, EVP_sha256(), NULL);
	hex_encode(md, 32, imprint);
	b64_encode((const unsigned char *)a.data, a.len, &tok);
	time_now_utc(now);
	if (db_exec(db,
		    "INSERT INTO checkpoint_timestamps(size, root, imprint, token, tsa_url, gen_time, serial, "
		    "requested_at, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_INT(size), DB_TEXT(root), DB_TEXT(imprint), DB_TEXT(buf_str(&tok)), DB_TEXT(pub),
		    DB_TEXT(info.gen_time), DB_TEXT(info.serial), DB_TEXT(requested), DB_TEXT(now)) < 0) {
		if (db_errcode(db) == DBE_CONSTRAINT)
			rc = 0; /* stamped by someone else meanwhile */
		else
			db_fail(db, e);
		goto out;
	}
	if (stored)
		*stored = true;
	rc = 0;
out:
	free(pub);
	free(root);
	free(note);
	buf_release(&q);
	buf_release(&a);
	buf_release(&tok);
	return rc;
}

int tsa_stamp_pending(struct db *db, const char *url, const char *ca_file, int max, long timeout_seconds,
		      int *stamped, struct err *e)
{
	*stamped = 0;
	struct db_res *res = NULL;
	if (db_query(db, &res,
		     "SELECT c.size FROM ledger_checkpoints c LEFT JOIN checkpoint_timestamps t ON t.size = c.size "
		     "WHERE t.id IS NULL ORDER BY c.size DESC LIMIT ?",
		     DB_INT(max > 0 ? max : 1)) < 0)
		return db_fail(db, e);
	int rc = 0;
	struct tsa_trust *trust = NULL;
	if (res->nrows > 0 && !str_empty(ca_file) && !(trust = tsa_trust_load(ca_file, e)))
		rc = -1;
	for (int i = 0; rc == 0 && i < res->nrows; i++) {
		bool stored = false;
		rc = tsa_stamp_checkpoint(db, url, trust, db_int(res, i, 0), timeout_seconds, &stored, e);
		if (rc == 0 && stored)
			(*stamped)++;
	}
	tsa_trust_free(trust);
	db_res_free(res);
	return rc;
}

/* Decode a stored base64 token into der; bytes or -1. */
static long token_decode(const char *b64, struct buf *der)
{
	size_t n = strlen(b64);
	buf_grow(der, n);
	long got = b64_decode(b64, n, (unsigned char *)der->data + der->len, n + 1);
	if (got > 0) {
		der->len += (size_t)got;
		der->data[der->len] = 0;
	}
	return got;
}

int tsa_token(struct db *db, long long size, struct buf *der, long long *size_out, struct err *e)
{
	struct db_res *res = NULL;
	int q = size > 0 ? db_query(db, &res, "SELECT size, token FROM checkpoint_timestamps WHERE size = ?", DB_INT(size))
			 : db_query(db, &res, "SELECT size, token FROM checkpoint_timestamps ORDER BY size DESC LIMIT 1");
	if (q < 0)
		return db_fail(db, e);
	if (res->nrows == 0) {
		db_res_free(res);
		return size > 0 ? err_set(e, ERR_NOTFOUND, "size", "树的大小为 %lld 的检查点还没有时间戳", size)
				: err_set(e, ERR_NOTFOUND, "size", "还没有任何检查点取得时间戳");
	}
	if (size_out)
		*size_out = db_int(res, 0, 0);
	long got = token_decode(db_text(res, 0, 1), der);
	db_res_free(res);
	if (got <= 0)
		return err_set(e, ERR_INTERNAL, "token", "存储的时间戳令牌已损坏（不是有效的 base64）");
	return 0;
}

/* ---- the offline check ---- */

#define VERIFY_PAGE 200

static void verify_row(const struct db_res *res, int i, const struct tsa_trust *trust, struct ledger_report *r)
{
	long long size = db_int(res, i, 0);
	const char *root = db_text(res, i, 1), *imprint = db_text(res, i, 2), *token = db_text(res, i, 3);
	const char *gen_time = db_text(res, i, 4);
	const char *note = db_cell(res, i, 5), *cproot = db_text(res, i, 6);
	if (!note) {
		ledger_report_add(r, "检查点 %lld 的时间戳: 没有这个大小的检查点", size);
		return;
	}
	if (!str_eq(root, cproot))
		ledger_report_add(r, "检查点 %lld 的时间戳: 记录的根哈希 %s 与检查点的根哈希 %s 不符", size, root, cproot);
	unsigned char md[32];
	char hex[65];
	unsigned int mdlen = 0;
	EVP_Digest(note, strlen(note), md, &mdlen, EVP_sha256(), NULL);
	hex_encode(md, 32, hex);
	if (!str_eq(imprint, hex))
		ledger_report_add(r, "检查点 %lld 的时间戳: 记录的消息摘要与检查点签名笔记的 SHA-256 不符", size);
	struct buf der;
	buf_init(&der, 0);
	if (token_decode(token, &der) <= 0) {
		ledger_report_add(r, "检查点 %lld 的时间戳: 令牌不是有效的 base64", size);
		buf_release(&der);
		return;
	}
	struct tsa_info info;
	struct err e = ERR_INIT;
	if (tsa_check(der.data, der.len, note, strlen(note), NULL, trust, &info, &e) < 0)
		ledger_report_add(r, "检查点 %lld 的时间戳: %s", size, e.msg);
	else if (!str_eq(info.gen_time, gen_time))
		ledger_report_add(r, "检查点 %lld 的时间戳: 记录的签发时间 %s 与令牌中的时间 %s 不符", size, gen_time,
				  info.gen_time);
	buf_release(&der);
}

int tsa_verify(struct db *db, const struct tsa_trust *trust, struct ledger_report *r, struct tsa_verify_stats *st,
	       struct err *e)
{
	memset(st, 0, sizeof *st);
	if (db_schema_version(db) < 7)
		return 0;
	long long after = -1;
	for (;;) {
		struct db_res *res = NULL;
		if (db_query(db, &res,
			     "SELECT t.size, t.root, t.imprint, t.token, t.gen_time, c.note, c.root "
			     "FROM checkpoint_timestamps t LEFT JOIN ledger_checkpoints c ON c.size = t.size "
			     "WHERE t.size > ? ORDER BY t.size LIMIT ?",
			     DB_INT(after), DB_INT(VERIFY_PAGE)) < 0)
			return db_fail(db, e);
		for (int i = 0; i < res->nrows; i++) {
			verify_row(res, i, trust, r);
			st->tokens++;
			after = db_int(res, i, 0);
		}
		int n = res->nrows;
		db_res_free(res);
		if (n < VERIFY_PAGE)
			break;
	}
	st->unstamped = db_scalar_int(db, -1,
				      "SELECT COUNT(*) FROM ledger_checkpoints c LEFT JOIN checkpoint_timestamps t "
				      "ON t.size = c.size WHERE t.id IS NULL",
				      (const struct db_val[]){ DB_END });
	if (st->unstamped < 0)
		return db_fail(db, e);
	return 0;
}
