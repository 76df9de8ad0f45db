/*
 * hash.h - streaming content hashes: SHA-256 and SM3 (GB/T 32905-2016)
 * computed together in one pass over the bytes, with OpenSSL 3 EVP.
 *
 * Invariants: a struct hash2 is fed any number of chunks in order
 * (hash2_update) and finished once (hash2_final); the digests equal the
 * one-shot digests of the concatenated bytes.  Nothing is buffered: memory
 * use is constant whatever the length.  Hex output is lower case.
 *
 * The pipe (hash2_pipe_*) feeds a struct hash2 at the speed of several
 * cores: bytes are copied into a small ring of page-aligned buffers
 * (HASH2_PIPE_SLOTS x HASH2_PIPE_SLOT bytes, the pipe's whole memory);
 * each full buffer is then consumed, in order, by one thread computing
 * SM3, one computing SHA-256 and (with a file) one writing it to the file
 * at its offset, concurrently; a buffer is reused only when all of them
 * are done with it.  Each digest still sees every byte exactly once and in
 * order, so the results equal hash2_update over the same bytes.
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
 * chunks with pread and hashing through a pipe (both digests at once;
 * on the calling thread when no pipe can be started).  Returns the bytes
 * read, or -1 on a read error or when the file is shorter than limit. */
long long hash2_fd(struct hash2 *h, int fd, long long limit);
/* ---- the parallel pipe ---- */
#define HASH2_PIPE_SLOT (4u << 20)   /* bytes per ring buffer */
#define HASH2_PIPE_SLOTS 4           /* ring buffers per pipe */
/* Write with O_DIRECT (bypassing the page cache: faster to the device and
 * the cache is not filled with evidence nobody reads back); falls back to
 * ordinary writes where the file system refuses it. */
#define HASH2_PIPE_DIRECT 1u

struct hash2_pipe;
/* Start a pipe feeding h (initialised, possibly already fed: bytes continue
 * its stream).  fd < 0: hash only.  fd >= 0: every byte is also written to
 * fd, the first at file offset off (>= 0), the following consecutively;
 * bytes of the file past the last written byte are left alone (except
 * with HASH2_PIPE_DIRECT, see hash2_pipe_finish).  flags: 0 or
 * HASH2_PIPE_DIRECT.  While the pipe runs, h and fd belong to it.
 * At most hash2_pipe_max() pipes run at once in the process (so that
 * hashing never starves the HTTP threads): NULL with errno EBUSY when
 * that many run, or with the errno of a failed mmap or thread start;
 * h and fd are then untouched (the caller answers 503). */
struct hash2_pipe *hash2_pipe_start(struct hash2 *h, int fd, long long off, unsigned flags);
/* The bound on concurrent pipes: the number of online cores (at least 2),
 * or ZHIFA_HASH_PIPES.  hash2_pipe_limit(n) sets it (n <= 0: back to the
 * default). */
int hash2_pipe_max(void);
void hash2_pipe_limit(int n);
/* Tests: make the next n thread starts of pipes fail (EAGAIN). */
void hash2_pipe_fail_threads(int n);
/* Feed n bytes (copied; data may be reused on return).  Blocks while the
 * ring is full.  -1 with errno when an earlier write to fd failed (the
 * bytes are then still hashed; the caller should give up). */
int hash2_pipe_add(struct hash2_pipe *p, const void *data, size_t n);
/* Drain the ring, stop the threads and free p: h then holds every byte
 * given (finish or abort it as usual); fd holds them at their offsets (not
 * yet fsync'ed) and, with HASH2_PIPE_DIRECT, is truncated to end at the
 * last byte written (a write of whole blocks may have gone past it), and
 * its flags are restored.  0, or -1 with errno when a write failed. */
int hash2_pipe_finish(struct hash2_pipe *p);

/* True when s is 64 lower-case hex digits. */
bool hash_hex_valid(const char *s);
#endif
