/*
 * merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256, with
 * no storage: the algorithms read the hashes of complete subtrees through
 * a callback, so the same code serves the database (ledger.c), memory
 * (verify.c) and the tests.
 *
 *   leaf hash  = SHA-256(0x00 || leaf bytes)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of
 *                two smaller than n.
 *
 * A complete subtree is named (level, index): the 2^level leaves starting
 * at index * 2^level; level 0 is a leaf hash.  Every range the RFC
 * algorithms split into has a left part that is a complete subtree, so any
 * MTH(D[a:b]) they need is composed from O(log n) complete subtrees.
 * Proofs are arrays of 32-byte hashes in RFC 9162 section 2.1.3.1
 * (PATH) and 2.1.4.1 (PROOF/SUBPROOF) order.
 */
#ifndef ZHIFA_MERKLE_H
#define ZHIFA_MERKLE_H
#include "core/core.h"

#define MERKLE_HASH 32
#define MERKLE_MAX_PROOF 128 /* hashes in any proof for n < 2^63 */

/* Return the hash of complete subtree (level, index) in out; 0 or -1. */
typedef int (*merkle_get_fn)(void *ctx, int level, uint64_t index, unsigned char out[MERKLE_HASH]);

void merkle_leaf_hash(const void *leaf, size_t len, unsigned char out[MERKLE_HASH]);
void merkle_node_hash(const unsigned char left[MERKLE_HASH], const unsigned char right[MERKLE_HASH],
		      unsigned char out[MERKLE_HASH]);

/* MTH(D[start:end]) for a range whose start is a multiple of the largest
 * power of two below (end - start) (true of every range the algorithms
 * below use, and of [0, n)).  0 or -1 when get fails. */
int merkle_range_hash(merkle_get_fn get, void *ctx, uint64_t start, uint64_t end,
		      unsigned char out[MERKLE_HASH]);
/* The root hash of the tree of size n (n = 0: SHA-256 of nothing). */
int merkle_root(merkle_get_fn get, void *ctx, uint64_t n, unsigned char out[MERKLE_HASH]);

/* Inclusion proof of leaf index in the tree of size n (index < n): fills
 * proof[MERKLE_MAX_PROOF][32], sets *count.  0 or -1. */
int merkle_inclusion_proof(merkle_get_fn get, void *ctx, uint64_t index, uint64_t n,
			   unsigned char proof[][MERKLE_HASH], size_t *count);
/* Consistency proof from size m to n (0 < m <= n); empty when m == n. */
int merkle_consistency_proof(merkle_get_fn get, void *ctx, uint64_t m, uint64_t n,
			     unsigned char proof[][MERKLE_HASH], size_t *count);

/* RFC 9162 section 2.1.3.2: true when the proof shows that leaf_hash is
 * leaf index of the tree of size n with the given root. */
bool merkle_verify_inclusion(uint64_t index, uint64_t n, const unsigned char leaf_hash[MERKLE_HASH],
			     const unsigned char proof[][MERKLE_HASH], size_t count,
			     const unsigned char root[MERKLE_HASH]);
/* RFC 9162 section 2.1.4.2: true when the proof shows that the tree of
 * size m with root1 is a prefix of the tree of size n with root2. */
bool merkle_verify_consistency(uint64_t m, uint64_t n, const unsigned char root1[MERKLE_HASH],
			       const unsigned char root2[MERKLE_HASH],
			       const unsigned char proof[][MERKLE_HASH], size_t count);

/* Number of complete subtrees at level of a tree of size n: n >> level. */
static inline uint64_t merkle_width(uint64_t n, int level) { return level >= 64 ? 0 : n >> level; }
#endif
