/*
 * vault.h - the evidence vault (全过程记录 audio-visual evidence): storing
 * a file for an actor, with the checks, deduplication, the "file.stored"
 * ledger leaf and the operation log; resumable (tus 1.0) uploads; the
 * listing in the actor's unit scope; the per-leaf check of `zhifa verify`.
 *
 * Invariants:
 *  - the SHA-256 and SM3 of a file are computed while its bytes stream in
 *    (core/hash.h); the file is never held whole in memory;
 *  - a file counts as stored only when it is durable in the blob store
 *    (store/blobs.h) AND its rows (blobs, blob_refs), its ledger leaf and
 *    its operation-log row are committed, in that order: a crash leaves at
 *    worst an unreferenced blob, never a leaf naming a missing or partial
 *    file;
 *  - the leaf ("file.stored") holds sha256, sm3, size, media_type,
 *    actor_id and unit_id only: never a file name (it may carry personal
 *    data); the original name, a description and who stored it are kept
 *    beside the blob (blob_names, one row per storing, append-only);
 *  - one writer per tus upload at a time, in any number of threads,
 *    processes and instances (a claim in the uploads row and the partial
 *    file's lock); every other writer gets 423;
 *  - the content's type is checked against the claim on its first 16 KiB,
 *    as they arrive (not after the whole file);
 *  - every read of a stored file (vault_open_read) is in the operation
 *    log;
 *  - content stored again by the same unit is deduplicated (no new row or
 *    leaf; `duplicate` is set); another unit storing the same content gets
 *    its own blob_refs row and leaf, the bytes are stored once;
 *  - empty, oversized, truncated or mislabelled content is refused with a
 *    Chinese message and nothing is stored;
 *  - nothing in zhifa deletes or edits a stored file (tables append-only).
 *
 * Limits (environment): ZHIFA_VAULT_MAX_MIB largest file (default 8192 =
 * 8 GiB), ZHIFA_VAULT_FORM_MAX_MIB largest plain form upload (default 64).
 */
#ifndef ZHIFA_VAULT_H
#define ZHIFA_VAULT_H
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "store/db.h"
#include "store/blobs.h"
#include "actor/actor.h"
#include <jansson.h>

struct vault;

/* err kind of "too busy now, retry": too many files hashed at once
 * (core/hash.h: hash2_pipe_max), or no thread or memory for it; answered
 * 503 with Retry-After: VAULT_RETRY_AFTER seconds. */
#define VAULT_BUSY 503
#define VAULT_RETRY_AFTER 5

/* Open the vault of a data folder: its blob store (blobs_open_data), the
 * folder for tus partial files inside the store's staging folder (the
 * same file system as the stored files: DATA/blobs/tmp/uploads; partial
 * files of earlier versions in DATA/uploads are still found), limits from
 * the environment.  NULL with err. */
struct vault *vault_open(const char *data_dir, struct err *e);
/* The folder of the tus partial files (ID.part). */
const char *vault_uploads_dir(const struct vault *v);
/* Open a vault over an already opened blob store (taken over: closed by
 * vault_close), with partial files in uploads_dir (created) and max_size
 * the largest file accepted (<= 0: 8 GiB). */
struct vault *vault_open_with(struct blobs *b, const char *uploads_dir, long long max_size, struct err *e);
void vault_close(struct vault *v);
struct blobs *vault_blobs(struct vault *v);
long long vault_max_size(const struct vault *v);
/* Largest plain (multipart form) upload. */
long long vault_form_max_size(const struct vault *v);

/* What was stored. */
struct vault_stored {
	char sha256[HASH_HEX];
	char sm3[HASH_HEX];
	long long size;
	char media_type[128];    /* detected from the content (libmagic) */
	long long leaf_index;    /* the unit's "file.stored" leaf */
	bool duplicate;          /* this unit had stored this content before */
};

/* ---- storing a stream ----
 * vault_writer_open, then vault_writer_add for each chunk, then either
 * vault_writer_commit or vault_writer_abort.  The bytes go to a staging
 * file of the blob store (direct I/O where the file system allows it)
 * while both hashes are computed, through a hash2_pipe (core/hash.h). */
struct vault_writer {
	int fd;
	char *path;
	struct hash2 h;
	struct hash2_pipe *pipe;   /* hashes and writes on helper threads */
	long long written, max;
	unsigned char head[16384]; /* the first bytes, for type detection */
	size_t headlen;
	bool type_checked;         /* the head was checked against claimed */
	char claimed[128];         /* the claimed type ("" = none) */
	char filename[256];        /* the original name, cleaned (tus.h) */
	char description[1001];    /* what the person wrote about it */
};
int vault_writer_open(struct vault *v, struct vault_writer *w, struct err *e);
/* vault_writer_open: -1 with VAULT_BUSY when no hashing pipe is free
 * now.  Append n bytes.  -1 with ERR_TOOLARGE (field "file") past the limit or
 * ERR_INTERNAL (disk); the writer must then be aborted. */
int vault_writer_add(struct vault_writer *w, const void *p, size_t n, struct err *e);
/* Before the first vault_writer_add: the claimed type (checked against
 * the content as soon as its first 16 KiB are in: vault_writer_add then
 * fails with 415, field "type"), the original file name and a
 * description (either may be NULL; cleaned as tus.h says; kept as the
 * file's metadata, never in the leaf).  -1 with ERR_INVALID when the name
 * or description is not valid UTF-8. */
int vault_writer_describe(struct vault_writer *w, const char *claimed_type, const char *filename,
			  const char *description, struct err *e);
void vault_writer_abort(struct vault_writer *w);
/* Finish: check the content's type against claimed_type (NULL, "" or
 * "application/octet-stream" = no claim), make the file durable, record
 * it for actor a (its user and unit) and append the leaf, in one
 * transaction.  The writer is released in every case.  0 with out
 * filled, or -1: ERR_INVALID field "file" (empty), ERR_INVALID field
 * "type" (content is not the claimed type), ERR_INTERNAL. */
int vault_writer_commit(struct vault *v, struct db *db, const struct actor *a, struct vault_writer *w,
			const char *claimed_type, struct vault_stored *out, struct err *e);

/* Store a local file (the command line): read once, hashed while copied
 * to staging, then as vault_writer_commit. */
int vault_store_path(struct vault *v, struct db *db, const struct actor *a, const char *src,
		     const char *claimed_type, struct vault_stored *out, struct err *e);

/* ---- words for people ---- */
/* The kind of a media type: "视频", "图片", "音频", "文档" or "其他". */
const char *vault_kind_name(const char *media_type);

/* ---- reading ---- */
/* Files in a's unit scope, newest first:
 *   {"total":N,"page":P,"per_page":K,"items":[{sha256, sm3, size,
 *    media_type, stored_at (UTC), stored_at_local, leaf_index, user_id,
 *    username, user_name (real name), unit_id, unit_name, filename,
 *    description (the first given in that unit, "" if none), kind
 *    (vault_kind_name), size_text, preview (vault_preview_kind or "")},
 *    ...]}
 * ERR_UNAUTH for the public.  Caller owns *out. */
int vault_list(struct db *db, const struct actor *a, int page, int per_page, json_t **out, struct err *e);
/* One file as above (the reference of a unit in a's scope, the oldest),
 * with "names": every [{filename, description, user_name,
 * stored_at_local}] given for it in that unit.
 * ERR_NOTFOUND when unknown, ERR_FORBIDDEN when only units outside a's
 * scope hold it. */
int vault_get(struct db *db, const struct actor *a, const char *sha256, json_t **out, struct err *e);

/* How a browser may show a file of this type in place: "image",
 * "video", "audio", "pdf", or NULL (download only: never SVG, HTML or
 * other content a browser could run). */
const char *vault_preview_kind(const char *media_type);

/* A stored file opened for reading. */
struct vault_read {
	int fd;                 /* at offset 0; the caller closes it */
	long long size;
	char media_type[128];   /* detected from the content */
	char filename[256];     /* the original name, else "证据-<sha256 12>.ext" */
	const char *preview;    /* vault_preview_kind */
	long long from, len;    /* the bytes to send: all (0, size) or one range */
	bool partial;           /* a range was asked for and is sent (206) */
};
/* Open a file in a's scope (as vault_get: ERR_UNAUTH, ERR_NOTFOUND,
 * ERR_FORBIDDEN) and record the read in the operation log ("vault.preview"
 * or "vault.download", with the range read); every read is logged.
 * range: an HTTP Range header (RFC 9110 §14; NULL = all): one range
 * "bytes=A-B", "bytes=A-" or "bytes=-N" is honoured (partial, from, len),
 * anything else is ignored (the whole file); 416 when the range lies
 * past the end.  ERR_INTERNAL when the stored file is missing or its size
 * is not the recorded one. */
int vault_open_read(struct vault *v, struct db *db, const struct actor *a, const char *sha256, bool preview,
		    const char *range, struct vault_read *out, struct err *e);

/* ---- tus 1.0 resumable uploads (core + creation) ---- */
struct vault_upload {
	char id[33];
	long long length, offset;
	char media_type[128];   /* claimed */
	char state[16];         /* open | complete | stored | refused | expired */
	char sha256[HASH_HEX];  /* once complete */
	char refused_reason[512];
	long long owner, unit_id;
	char expires_at[21];
};
/* Create an upload of length bytes for a (officers and heads; the caller
 * checks roles) with the tus Upload-Metadata header (may be NULL; its
 * "filetype" or "type" key is the claimed type).  ERR_INVALID field
 * "Upload-Length" (<= 0), ERR_TOOLARGE (over the limit), ERR_INVALID
 * field "Upload-Metadata" (malformed).  Fills id (32 hex). */
int vault_upload_create(struct vault *v, struct db *db, const struct actor *a, long long length,
			const char *metadata, char id[33], struct err *e);
/* Read an upload; ERR_NOTFOUND if unknown (or malformed id),
 * ERR_FORBIDDEN if a is not its owner, 410 (Gone) if it expired (marked
 * 'expired', or still 'open' past expires_at).  An upload left 'complete'
 * by a crash is finished here first (stored, leaf committed). */
int vault_upload_get(struct vault *v, struct db *db, const struct actor *a, const char *id,
		     struct vault_upload *out, struct err *e);

/* Seconds after expires_at before vault_uploads_expire removes an
 * upload, so a PATCH that began just before the expiry can still end. */
#define VAULT_UPLOAD_GRACE_SECONDS 86400
/* Clean up expired, unfinished uploads: every upload still 'open' whose
 * expires_at is more than VAULT_UPLOAD_GRACE_SECONDS before now_utc
 * ("YYYY-MM-DDTHH:MM:SSZ"; NULL = time_now_utc) has its partial file
 * ID.part (vault_uploads_dir) deleted, then its row marked state 'expired' (the
 * row is kept; offset, length and id are unchanged as the trigger
 * demands) with a "vault.upload_expire" operation-log row, in one
 * transaction per upload.  Uploads 'complete', 'stored' or 'refused' and
 * stored blobs are never touched.  Afterwards the upload answers 410
 * (vault_upload_get, vault_patch_begin).  Sets *removed to the number of
 * uploads marked.  0, or -1 with ERR_INVALID field "now" (malformed
 * now_utc) or ERR_INTERNAL (database; uploads done before stay done).  A
 * file that cannot be deleted is logged and its row left for the next
 * run. */
int vault_uploads_expire(struct vault *v, struct db *db, const char *now_utc, int *removed, struct err *e);

/* One PATCH: vault_patch_begin (checks owner, state open, offset equals
 * the stored offset, the body fits; claims the upload: the partial file's
 * lock and a claim in the uploads row taken with one conditional UPDATE,
 * so that one writer wins whatever the number of threads, processes or
 * instances, and every other gets ERR_LOCKED; then cuts the partial file
 * back to the stored offset and restores the running hashes),
 * vault_patch_write per chunk (no database), vault_patch_end once
 * (complete body or cut off; records only while the claim is held, and
 * gives it back). */
struct vault_patch;
/* content_length < 0: unknown.  ERR_NOTFOUND, ERR_FORBIDDEN, ERR_CONFLICT
 * (offset mismatch, field "Upload-Offset", or already finished),
 * ERR_LOCKED (another PATCH of this upload is running), ERR_TOOLARGE
 * (offset + content_length > length), VAULT_BUSY (retry later),
 * ERR_INTERNAL. */
struct vault_patch *vault_patch_begin(struct vault *v, struct db *db, const struct actor *a, const char *id,
				      long long offset, long long content_length, struct err *e);
/* ERR_TOOLARGE past the upload's length; ERR_INTERNAL on a disk error;
 * 415 (field "type") as soon as the upload's first 16 KiB are in and
 * are not the claimed type (vault_patch_abort then marks the upload
 * refused and removes its partial file). */
int vault_patch_write(struct vault_patch *p, const void *data, size_t n, struct err *e);
/* Make the received bytes durable and record the new offset; when the
 * last byte has arrived, store the file (as vault_writer_commit; a
 * refused file marks the upload 'refused').  Frees p.  Sets *offset and,
 * when stored, *stored (stored->size > 0).  0 or -1 with err (the offset
 * is still set to what was kept). */
int vault_patch_end(struct vault_patch *p, struct db *db, const struct actor *a, long long *offset,
		    struct vault_stored *stored, struct err *e);
/* Release p without recording anything (an internal error, or a body
 * refused part-way): the upload's offset stays where the PATCH began.
 * Its claim is given back on db (NULL: the claim lapses, at once for a
 * writer on this host). */
void vault_patch_abort(struct vault_patch *p, struct db *db);
/* The claim of a long PATCH must be renewed now and then while bytes
 * arrive: when vault_patch_renew_due, call vault_patch_renew (-1 with
 * ERR_LOCKED when another writer took the upload over: abort then). */
bool vault_patch_renew_due(const struct vault_patch *p);
int vault_patch_renew(struct vault_patch *p, struct db *db, struct err *e);
/* The offset the PATCH began at. */
long long vault_patch_start(const struct vault_patch *p);

/* ---- verification ----
 * Register the per-leaf check for `zhifa verify` (ledger/verify.h): for
 * each "file.stored" leaf the blob is re-read from v's store and its
 * SHA-256, SM3 and size recomputed; a missing file or a wrong hash or
 * size is reported with the leaf index.  v must outlive the runs. */
void vault_verify_install(struct vault *v);
#endif
