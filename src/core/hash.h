/*
 * hash.h - streaming content hashes: SHA-256 and SM3 (GB/T 32905-2016)
 * computed together in one pass over the bytes, with OpenSSL 3 EVP.
 *
 * Invariants: a struct hash2 is fed any number of chunks in order
 * (hash2_update) and finished once (hash2_final); the digests equal the
 * one-shot digests of the concatenated bytes.  Nothing is buffered: memory
 * use is constant whatever the length.  Hex output is lower case.
 */
#ifndef ZHIFA_HASH_H
#define ZHIFA_HASH_H
#include "core/core.h"

#define HASH_LEN 32            /* both SHA-256 and SM3 digests are 32 bytes */
#define HASH_HEX (2 * HASH_LEN + 1)

struct hash2 {
	void *sha256;          /* EVP_MD_CTX * */
	void *sm3;             /* EVP_MD_CTX * */
	unsigned long long n;  /* bytes fed so far */
};

/* The finished digests of a stream. */
struct hash2_result {
	unsigned char sha256[HASH_LEN];
	unsigned char sm3[HASH_LEN];
	char sha256_hex[HASH_HEX];
	char sm3_hex[HASH_HEX];
	unsigned long long size;
};

/* Start both digests.  Aborts (BUG) if OpenSSL lacks SHA-256 or SM3. */
void hash2_init(struct hash2 *h);
/* Feed n bytes (n may be 0). */
void hash2_update(struct hash2 *h, const void *data, size_t n);
/* Finish into out and release the contexts (h must be re-initialised
 * before reuse). */
void hash2_final(struct hash2 *h, struct hash2_result *out);
/* Release the contexts without finishing (an abandoned stream). */
void hash2_abort(struct hash2 *h);
/* Hash the first `limit` bytes of an open file descriptor from offset 0
 * (limit < 0: to the end) into h (already initialised), reading in
 * chunks with pread.  Returns the bytes read, or -1 on a read error or
 * when the file is shorter than limit. */
long long hash2_fd(struct hash2 *h, int fd, long long limit);
/* True when s is 64 lower-case hex digits. */
bool hash_hex_valid(const char *s);
#endif
