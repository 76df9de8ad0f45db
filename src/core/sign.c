/*
 * sign.c - Ed25519 and SM2 keys and signatures with OpenSSL 3 EVP (see
 * sign.h).  SM2 keys are EVP_PKEY of type "SM2"; every SM2 operation sets
 * the distinguishing identifier SIGN_SM2_ID explicitly so that the result
 * does not depend on the OpenSSL version's default.
 */
#include "core/core.h"
#include "core/sign.h"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/err.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>

struct sign_key {
	enum sign_alg alg;
	bool priv;
	EVP_PKEY *pk;
};

static int ossl_fail(struct err *e, const char *what)
{
	unsigned long code = ERR_get_error();
	char detail[256] = "";
	if (code)
		ERR_error_string_n(code, detail, sizeof detail);
	ERR_clear_error();
	return err_set(e, ERR_INTERNAL, "", "密码运算失败(%s): %s", what, detail);
}

static struct sign_key *wrap(EVP_PKEY *pk, bool priv, struct err *e)
{
	enum sign_alg alg;
	if (EVP_PKEY_is_a(pk, "ED25519")) {
		alg = SIGN_ED25519;
	} else if (EVP_PKEY_is_a(pk, "SM2")) {
		alg = SIGN_SM2;
	} else {
		EVP_PKEY_free(pk);
		err_set(e, ERR_INVALID, "key", "密钥类型不受支持: 只接受 Ed25519 或 SM2 密钥");
		return NULL;
	}
	struct sign_key *k = xcalloc(1, sizeof *k);
	k->alg = alg;
	k->priv = priv;
	k->pk = pk;
	return k;
}

struct sign_key *sign_key_generate(enum sign_alg alg, struct err *e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg == SIGN_SM2 ? "SM2" : "ED25519", NULL);
	EVP_PKEY *pk = NULL;
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_generate(ctx, &pk) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		ossl_fail(e, "生成密钥");
		return NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return wrap(pk, true, e);
}

struct sign_key *sign_key_from_pem(const char *pem, size_t len, bool is_private, struct err *e)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio) {
		ossl_fail(e, "读取密钥");
		return NULL;
	}
	EVP_PKEY *pk = is_private ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
				  : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	if (!pk) {
		err_set(e, ERR_INVALID, "key", "无法读取%s: 不是 PEM 格式的密钥", is_private ? "私钥" : "公钥");
		return NULL;
	}
	return wrap(pk, is_private, e);
}

struct sign_key *sign_key_load(const char *path, bool is_private, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		err_set(e, ERR_NOTFOUND, "key", "无法打开密钥文件 %s: %s", path, strerror(errno));
		return NULL;
	}
	struct buf b;
	buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	struct sign_key *k = sign_key_from_pem(b.data, b.len, is_private, e);
	buf_release(&b);
	if (!k && e)
		err_set(e, ERR_INVALID, "key", "密钥文件 %s 无法读取: 不是 Ed25519 或 SM2 的 PEM 密钥", path);
	return k;
}

struct sign_key *sign_key_from_public_raw(enum sign_alg alg, const unsigned char *raw, size_t len,
					  struct err *e)
{
	EVP_PKEY *pk;
	if (alg == SIGN_ED25519) {
		if (len != 32) {
			err_set(e, ERR_INVALID, "key", "Ed25519 公钥应为 32 字节, 实为 %zu 字节", len);
			return NULL;
		}
		pk = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, raw, len);
	} else {
		const unsigned char *p = raw;
		pk = d2i_PUBKEY(NULL, &p, (long)len);
		if (pk && p != raw + len) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	}
	ERR_clear_error();
	if (!pk) {
		err_set(e, ERR_INVALID, "key", "公钥数据无效");
		return NULL;
	}
	struct sign_key *k = wrap(pk, false, e);
	if (k && k->alg != alg) {
		sign_key_free(k);
		err_set(e, ERR_INVALID, "key", "公钥的算法与声明的不符");
		return NULL;
	}
	return k;
}

void sign_key_free(struct sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

enum sign_alg sign_key_alg(const struct sign_key *k) { return k->alg; }
bool sign_key_is_private(const struct sign_key *k) { return k->priv; }

int sign_key_pem(const struct sign_key *k, bool private_part, struct buf *out)
{
	if (private_part && !k->priv)
		BUG("private PEM of a public key");
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio)
		return -1;
	int ok = private_part ? PEM_write_bio_PrivateKey(bio, k->pk, NULL, NULL, 0, NULL, NULL)
			      : PEM_write_bio_PUBKEY(bio, k->pk);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	int rc = ok > 0 && n > 0 ? buf_add(out, p, (size_t)n) : -1;
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

int sign_key_save(const struct sign_key *k, bool private_part, const char *path, int mode,
		  struct err *e)
{
	struct buf pem;
	buf_init(&pem, 0);
	if (sign_key_pem(k, private_part, &pem) < 0) {
		buf_release(&pem);
		return ossl_fail(e, "导出密钥");
	}
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		err_set(e, ERR_INTERNAL, "key", "无法写入密钥文件 %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, (mode_t)mode) < 0 || write(fd, pem.data, pem.len) != (ssize_t)pem.len ||
	    fsync(fd) < 0) {
		err_set(e, ERR_INTERNAL, "key", "写入密钥文件 %s 失败: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		err_set(e, ERR_INTERNAL, "key", "无法把密钥文件改名为 %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(pem.data, pem.len);
	buf_release(&pem);
	free(tmp);
	return rc;
}

int sign_key_public_raw(const struct sign_key *k, struct buf *out)
{
	if (k->alg == SIGN_ED25519) {
		unsigned char raw[32];
		size_t n = sizeof raw;
		if (EVP_PKEY_get_raw_public_key(k->pk, raw, &n) <= 0 || n != 32) {
			ERR_clear_error();
			return -1;
		}
		return buf_add(out, raw, n);
	}
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k->pk, &der);
	if (n <= 0) {
		ERR_clear_error();
		return -1;
	}
	int rc = buf_add(out, der, (size_t)n);
	OPENSSL_free(der);
	return rc;
}

/* A digest-sign/verify context: Ed25519 takes no digest; SM2 takes SM3
 * and the distinguishing identifier (set on the key context before data). */
static EVP_MD_CTX *md_ctx_for(const struct sign_key *k, bool signing, EVP_PKEY_CTX **own)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md)
		return NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int ok;
	*own = NULL;
	if (k->alg == SIGN_SM2) {
		pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pk, NULL);
		if (!pctx || EVP_PKEY_CTX_set1_id(pctx, SIGN_SM2_ID, strlen(SIGN_SM2_ID)) <= 0) {
			EVP_PKEY_CTX_free(pctx);
			EVP_MD_CTX_free(md);
			return NULL;
		}
		EVP_MD_CTX_set_pkey_ctx(md, pctx);
		ok = signing ? EVP_DigestSignInit_ex(md, NULL, "SM3", NULL, NULL, k->pk, NULL)
			     : EVP_DigestVerifyInit_ex(md, NULL, "SM3", NULL, NULL, k->pk, NULL);
	} else {
		ok = signing ? EVP_DigestSignInit_ex(md, NULL, NULL, NULL, NULL, k->pk, NULL)
			     : EVP_DigestVerifyInit_ex(md, NULL, NULL, NULL, NULL, k->pk, NULL);
	}
	if (ok <= 0) {
		EVP_MD_CTX_free(md);
		EVP_PKEY_CTX_free(pctx);
		return NULL;
	}
	*own = pctx;
	return md;
}

/* A key context installed with EVP_MD_CTX_set_pkey_ctx stays ours. */
static void md_ctx_free(EVP_MD_CTX *md, EVP_PKEY_CTX *own)
{
	EVP_MD_CTX_free(md);
	EVP_PKEY_CTX_free(own);
}

int sign_data(const struct sign_key *k, const void *msg, size_t len, unsigned char *sig,
	      size_t *siglen, struct err *e)
{
	if (!k->priv)
		BUG("signing with a public key");
	EVP_PKEY_CTX *own;
	EVP_MD_CTX *md = md_ctx_for(k, true, &own);
	if (!md)
		return ossl_fail(e, "签名初始化");
	size_t n = SIGN_MAX;
	int ok = EVP_DigestSign(md, sig, &n, msg, len);
	md_ctx_free(md, own);
	if (ok <= 0)
		return ossl_fail(e, "签名");
	*siglen = n;
	return 0;
}

bool sign_verify(const struct sign_key *k, const void *msg, size_t len, const unsigned char *sig,
		 size_t siglen)
{
	EVP_PKEY_CTX *own;
	EVP_MD_CTX *md = md_ctx_for(k, false, &own);
	if (!md) {
		ERR_clear_error();
		return false;
	}
	int ok = EVP_DigestVerify(md, sig, siglen, msg, len);
	md_ctx_free(md, own);
	ERR_clear_error();
	return ok == 1;
}
