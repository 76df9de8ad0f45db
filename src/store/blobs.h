/*
 * blobs.h - content-addressed storage of evidence files: every file is
 * stored once under the lower-case hex SHA-256 of its bytes, in one of two
 * back ends behind this small interface:
 *
 *   folder (default)  ROOT/sha256/ab/<64 hex>; a file counts as stored
 *                     only after fsync of its bytes, an atomic link() into
 *                     place and fsync of the directory; every folder
 *                     created on the way is fsync'ed in its parent; stored
 *                     files are mode 0444 and never replaced (link fails
 *                     on EEXIST).  Staging files live in ROOT/tmp (same
 *                     file system, so ROOT may be a volume of its own); a
 *                     source on another volume (EXDEV) is first copied
 *                     into ROOT/tmp.
 *   S3                any S3-compatible object store, key
 *                     "sha256/ab/<64 hex>", requests signed with libcurl's
 *                     built-in AWS SigV4; files above the multipart
 *                     threshold go up in parts.  A PUT counts once the
 *                     store answered 200 (it is then durable there).
 *
 * Invariants: nothing here deletes or overwrites a stored blob; a put of
 * content already stored is a no-op (deduplicated); the caller has
 * computed the hashes (core/hash.h) while the bytes streamed in, and
 * blobs_put trusts the name it is given (verification re-hashes with
 * blobs_read).  All functions are safe to call from several threads on
 * one struct blobs.
 */
#ifndef ZHIFA_BLOBS_H
#define ZHIFA_BLOBS_H
#include "core/core.h"
#include "core/err.h"

struct blobs;

/* The settings of the S3 back end. */
struct blobs_s3_config {
	const char *endpoint;   /* "http://127.0.0.1:19010" (path-style URLs) */
	const char *bucket;
	const char *region;     /* "us-east-1" if NULL */
	const char *access_key;
	const char *secret_key;
	long long part_size;    /* multipart part size; <= 0: 16 MiB (min 5 MiB) */
	long long multipart_threshold; /* above this size: multipart; <= 0: 64 MiB */
};

/* Open the folder back end rooted at root (created, mode 0700, with its
 * tmp/ and sha256/ folders).  NULL with ERR_INTERNAL on failure. */
struct blobs *blobs_open_fs(const char *root, struct err *e);
/* Open the S3 back end (the bucket must exist; checked with a HEAD
 * request).  Local staging files go to staging_dir (created).  NULL with
 * ERR_INTERNAL on failure. */
struct blobs *blobs_open_s3(const struct blobs_s3_config *c, const char *staging_dir, struct err *e);
/* Open the back end a data folder is configured for, from the
 * environment: ZHIFA_BLOBS=fs (default; root DATA/blobs) or s3 with
 * ZHIFA_S3_ENDPOINT, ZHIFA_S3_BUCKET, ZHIFA_S3_REGION, ZHIFA_S3_ACCESS_KEY,
 * ZHIFA_S3_SECRET_KEY (staging in DATA/blobs/tmp). */
struct blobs *blobs_open_data(const char *data_dir, struct err *e);
void blobs_close(struct blobs *b);
/* "fs" or "s3". */
const char *blobs_kind(const struct blobs *b);

/* A folder on the same file system as the store where staging files may
 * be created (then handed to blobs_put). */
const char *blobs_staging_dir(const struct blobs *b);

/* Store the complete local file src (size bytes, content hash sha256_hex)
 * under sha256_hex.  The fs back end moves src into place (src is gone on
 * success; on a duplicate src is removed); the S3 back end uploads it
 * and removes src.  Returns 1 when stored now, 0 when it was already
 * stored (deduplicated), -1 with ERR_INTERNAL (src is left in place).
 * Returns only once the blob is durable. */
int blobs_put(struct blobs *b, const char *sha256_hex, const char *src, long long size, struct err *e);

/* Does the blob exist?  1 yes (*size set if not NULL), 0 no, -1 error. */
int blobs_stat(struct blobs *b, const char *sha256_hex, long long *size, struct err *e);

/* Stream the blob's bytes to fn (return -1 from fn to stop).  0, or -1
 * with ERR_NOTFOUND (absent) or ERR_INTERNAL. */
typedef int (*blobs_sink)(void *ctx, const void *data, size_t n);
int blobs_read(struct blobs *b, const char *sha256_hex, blobs_sink fn, void *ctx, struct err *e);

/* The path of a stored blob in the fs back end (for tests and tools);
 * NULL for other back ends.  Caller frees. */
char *blobs_fs_path(const struct blobs *b, const char *sha256_hex);

/* ---- back-end interface (blobs_fs.c, blobs_s3.c) ---- */
struct blobs_ops {
	const char *kind;
	int (*put)(struct blobs *b, const char *sha, const char *src, long long size, struct err *e);
	int (*stat)(struct blobs *b, const char *sha, long long *size, struct err *e);
	int (*read)(struct blobs *b, const char *sha, blobs_sink fn, void *ctx, struct err *e);
	void (*close)(struct blobs *b);
};

struct blobs {
	const struct blobs_ops *ops;
	char *staging;   /* staging folder */
	char *root;      /* fs: the root folder; s3: NULL */
	void *impl;      /* back-end state */
};
#endif
