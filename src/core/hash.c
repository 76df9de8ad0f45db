/*
 * hash.c - SHA-256 and SM3 in one pass (OpenSSL 3 EVP).  See hash.h.
 */
#include "core/core.h"
#include "core/hash.h"
#include <openssl/evp.h>
#include <errno.h>
#include <unistd.h>

static EVP_MD_CTX *md_start(const char *name)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	if (!md)
		BUG("OpenSSL has no %s digest", name);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, md, NULL) != 1)
		BUG("EVP_DigestInit_ex(%s) failed", name);
	EVP_MD_free(md);
	return c;
}

void hash2_init(struct hash2 *h)
{
	h->sha256 = md_start("SHA256");
	h->sm3 = md_start("SM3");
	h->n = 0;
}

void hash2_update(struct hash2 *h, const void *data, size_t n)
{
	if (!n)
		return;
	if (EVP_DigestUpdate(h->sha256, data, n) != 1 || EVP_DigestUpdate(h->sm3, data, n) != 1)
		BUG("EVP_DigestUpdate failed");
	h->n += n;
}

void hash2_final(struct hash2 *h, struct hash2_result *out)
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(h->sha256, out->sha256, &len) != 1 || len != HASH_LEN)
		BUG("SHA-256 final failed");
	if (EVP_DigestFinal_ex(h->sm3, out->sm3, &len) != 1 || len != HASH_LEN)
		BUG("SM3 final failed");
	hex_encode(out->sha256, HASH_LEN, out->sha256_hex);
	hex_encode(out->sm3, HASH_LEN, out->sm3_hex);
	out->size = h->n;
	hash2_abort(h);
}

void hash2_abort(struct hash2 *h)
{
	EVP_MD_CTX_free(h->sha256);
	EVP_MD_CTX_free(h->sm3);
	h->sha256 = h->sm3 = NULL;
}

long long hash2_fd(struct hash2 *h, int fd, long long limit)
{
	enum { CHUNK = 256 * 1024 };
	unsigned char *buf = xmalloc(CHUNK);
	long long off = 0;
	while (limit < 0 || off < limit) {
		size_t want = CHUNK;
		if (limit >= 0 && (long long)want > limit - off)
			want = (size_t)(limit - off);
		ssize_t got = pread(fd, buf, want, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		hash2_update(h, buf, (size_t)got);
		off += got;
	}
	free(buf);
	if (limit >= 0 && off != limit)
		return -1;
	return off;
}

bool hash_hex_valid(const char *s)
{
	if (!s || strlen(s) != 2 * HASH_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}
