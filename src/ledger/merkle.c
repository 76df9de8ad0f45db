/*
 * merkle.c - RFC 9162 tree hash, PATH, PROOF and their verification over
 * a callback for complete-subtree hashes (see merkle.h).  Recursion depth
 * is bounded by log2(n) <= 63.
 */
#include "core/core.h"
#include "ledger/merkle.h"
#include <openssl/evp.h>
#include <pthread.h>

/* SHA-256 fetched once: EVP_sha256() and SHA256() look the algorithm up
 * in the provider on every call (OpenSSL 3), which cost more than hashing
 * the 65 bytes of a node. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!sha256_md)
		BUG("SHA-256 is not available");
}

/* SHA-256 of the concatenation of two byte strings (b may be empty). */
static void sha256_2(const void *a, size_t na, const void *b, size_t nb, unsigned char out[MERKLE_HASH])
{
	pthread_once(&sha256_once, sha256_fetch);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, sha256_md, NULL) != 1 || EVP_DigestUpdate(md, a, na) != 1 ||
	    (nb && EVP_DigestUpdate(md, b, nb) != 1) || EVP_DigestFinal_ex(md, out, NULL) != 1)
		BUG("SHA-256 failed");
	EVP_MD_CTX_free(md);
}

void merkle_leaf_hash(const void *leaf, size_t len, unsigned char out[MERKLE_HASH])
{
	static const unsigned char prefix = 0x00;
	sha256_2(&prefix, 1, leaf, len, out);
}

void merkle_node_hash(const unsigned char left[MERKLE_HASH], const unsigned char right[MERKLE_HASH],
		      unsigned char out[MERKLE_HASH])
{
	unsigned char in[1 + 2 * MERKLE_HASH];
	in[0] = 0x01;
	memcpy(in + 1, left, MERKLE_HASH);
	memcpy(in + 1 + MERKLE_HASH, right, MERKLE_HASH);
	sha256_2(in, sizeof in, NULL, 0, out);
}

/* Largest power of two strictly smaller than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

static bool is_pow2(uint64_t n) { return n && !(n & (n - 1)); }

static int log2_exact(uint64_t n)
{
	int l = 0;
	while ((1ULL << l) < n)
		l++;
	return l;
}

int merkle_range_hash(merkle_get_fn get, void *ctx, uint64_t start, uint64_t end,
		      unsigned char out[MERKLE_HASH])
{
	if (end < start)
		BUG("bad range %llu..%llu", (unsigned long long)start, (unsigned long long)end);
	uint64_t n = end - start;
	if (n == 0) {
		sha256_2("", 0, NULL, 0, out);
		return 0;
	}
	if (is_pow2(n)) {
		if (start % n)
			BUG("unaligned complete subtree at %llu", (unsigned long long)start);
		return get(ctx, log2_exact(n), start / n, out);
	}
	uint64_t k = split_point(n);
	unsigned char l[MERKLE_HASH], r[MERKLE_HASH];
	if (merkle_range_hash(get, ctx, start, start + k, l) < 0 ||
	    merkle_range_hash(get, ctx, start + k, end, r) < 0)
		return -1;
	merkle_node_hash(l, r, out);
	return 0;
}

int merkle_root(merkle_get_fn get, void *ctx, uint64_t n, unsigned char out[MERKLE_HASH])
{
	return merkle_range_hash(get, ctx, 0, n, out);
}

/* PATH(m, D[start:end]) appended deepest first. */
static int path(merkle_get_fn get, void *ctx, uint64_t m, uint64_t start, uint64_t end,
		unsigned char proof[][MERKLE_HASH], size_t *count)
{
	uint64_t n = end - start;
	if (n <= 1)
		return 0;
	uint64_t k = split_point(n);
	if (*count >= MERKLE_MAX_PROOF)
		BUG("proof too long");
	if (m < start + k) {
		if (path(get, ctx, m, start, start + k, proof, count) < 0)
			return -1;
		return merkle_range_hash(get, ctx, start + k, end, proof[(*count)++]);
	}
	if (path(get, ctx, m, start + k, end, proof, count) < 0)
		return -1;
	return merkle_range_hash(get, ctx, start, start + k, proof[(*count)++]);
}

int merkle_inclusion_proof(merkle_get_fn get, void *ctx, uint64_t index, uint64_t n,
			   unsigned char proof[][MERKLE_HASH], size_t *count)
{
	*count = 0;
	if (index >= n)
		BUG("inclusion proof of %llu in size %llu", (unsigned long long)index, (unsigned long long)n);
	return path(get, ctx, index, 0, n, proof, count);
}

/* SUBPROOF(m, D[start:end], b) with m counted from start. */
static int subproof(merkle_get_fn get, void *ctx, uint64_t m, uint64_t start, uint64_t end, bool b,
		    unsigned char proof[][MERKLE_HASH], size_t *count)
{
	uint64_t n = end - start;
	if (*count >= MERKLE_MAX_PROOF)
		BUG("proof too long");
	if (m == n) {
		if (b)
			return 0;
		return merkle_range_hash(get, ctx, start, end, proof[(*count)++]);
	}
	uint64_t k = split_point(n);
	if (m <= k) {
		if (subproof(get, ctx, m, start, start + k, b, proof, count) < 0)
			return -1;
		return merkle_range_hash(get, ctx, start + k, end, proof[(*count)++]);
	}
	if (subproof(get, ctx, m - k, start + k, end, false, proof, count) < 0)
		return -1;
	return merkle_range_hash(get, ctx, start, start + k, proof[(*count)++]);
}

int merkle_consistency_proof(merkle_get_fn get, void *ctx, uint64_t m, uint64_t n,
			     unsigned char proof[][MERKLE_HASH], size_t *count)
{
	*count = 0;
	if (m == 0 || m > n)
		BUG("consistency proof %llu..%llu", (unsigned long long)m, (unsigned long long)n);
	if (m == n)
		return 0;
	return subproof(get, ctx, m, 0, n, true, proof, count);
}

bool merkle_verify_inclusion(uint64_t index, uint64_t n, const unsigned char leaf_hash[MERKLE_HASH],
			     const unsigned char proof[][MERKLE_HASH], size_t count,
			     const unsigned char root[MERKLE_HASH])
{
	if (index >= n)
		return false;
	uint64_t fn = index, sn = n - 1;
	unsigned char r[MERKLE_HASH];
	memcpy(r, leaf_hash, MERKLE_HASH);
	for (size_t i = 0; i < count; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, MERKLE_HASH) == 0;
}

bool merkle_verify_consistency(uint64_t m, uint64_t n, const unsigned char root1[MERKLE_HASH],
			       const unsigned char root2[MERKLE_HASH],
			       const unsigned char proof[][MERKLE_HASH], size_t count)
{
	if (m == 0 || m > n)
		return false;
	if (m == n)
		return count == 0 && memcmp(root1, root2, MERKLE_HASH) == 0;
	if (count == 0)
		return false;
	/* path = [root1 if m is a power of two] ++ proof */
	size_t i = 0;
	const unsigned char *first = is_pow2(m) ? root1 : proof[i++];
	uint64_t fn = m - 1, sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	unsigned char fr[MERKLE_HASH], sr[MERKLE_HASH];
	memcpy(fr, first, MERKLE_HASH);
	memcpy(sr, first, MERKLE_HASH);
	for (; i < count; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root1, MERKLE_HASH) == 0 && memcmp(sr, root2, MERKLE_HASH) == 0;
}
