/*
 * ledger.h - the append-only Merkle log of every act of legal weight, its
 * signed checkpoints and proofs (docs/ledger.md has the formats).
 *
 * Invariants:
 *  - leaves are numbered 0, 1, 2 ... without gaps; ledger_head.size is
 *    the number of committed leaves; a leaf, its hash and the complete
 *    subtree hashes it closes are written in the caller's transaction
 *    together with the head, so they commit or roll back with the act;
 *  - a leaf is the canonical JSON of the event (below); it never holds
 *    personal data, only identifiers, hashes, actor id, unit id and time;
 *  - tree hashing is RFC 9162 with SHA-256 (ledger/merkle.h); the
 *    database refuses UPDATE and DELETE on leaves, nodes and checkpoints.
 *
 * Canonical JSON of a leaf: jansson json_dumps with JSON_COMPACT |
 * JSON_SORT_KEYS (no JSON_ENSURE_ASCII): UTF-8, object keys sorted by
 * byte value, no white space between tokens, strings escaped as jansson
 * does (", \, control characters; "/" and non-ASCII not escaped), numbers
 * integers only (a real is refused), at most 65535 bytes (tlog-tiles
 * entry bundles carry a 16-bit length).  The library adds four members
 * the caller may not give: "v" (format, 1), "type" (event type),
 * "index" (the leaf's position) and "at" (UTC "YYYY-MM-DDTHH:MM:SSZ").
 *
 * Files: a leaf that records a file names its SHA-256 in the top-level
 * member "sha256" as 64 lower-case hex digits (e.g. the vault's
 * "file.stored").  The append stores that value in an indexed column, so
 * ledger_find finds the leaf by the file's hash; any other spelling (upper
 * case, nested deeper, another key) is kept in the leaf but not indexed.
 */
#ifndef ZHIFA_LEDGER_H
#define ZHIFA_LEDGER_H
#include "core/core.h"
#include "core/err.h"
#include "core/sign.h"
#include "store/db.h"
#include "ledger/merkle.h"
#include <jansson.h>

#define LEDGER_MAX_LEAF 65535
#define LEDGER_MAX_SIZE (1LL << 48) /* leaves; node keys are level * 2^48 + index */
#define LEDGER_DEFAULT_INTERVAL 2 /* seconds between checkpoints */

/* ---- appending ---- */

/* Append one leaf for event_type (lower-case ASCII letters, digits, '_'
 * and '.', 1..64 bytes, e.g. "record.created") with the members of
 * fields (a JSON object; not modified; NULL = none).  Must run inside the
 * caller's open transaction (db_begin ... db_commit): on SQLite the
 * transaction's write lock orders appends, on PostgreSQL the append locks
 * the ledger_head row (SELECT ... FOR UPDATE) until the caller commits
 * (READ COMMITTED isolation assumed).  Sets *index_out (if not NULL) to
 * the leaf's index.  Returns 0, or -1 with ERR_INVALID (field "fields":
 * a real number, a reserved or personal-data key - refused before
 * anything is written -, or a leaf over LEDGER_MAX_LEAF bytes) or
 * ERR_INTERNAL (storage); the caller then rolls back.
 * Cost: four statements with constant SQL texts (head SELECT and UPDATE,
 * leaf INSERT, and for half of the leaves one multi-row node INSERT); the
 * closed subtree hashes come from the right edge of the tree kept in
 * memory, reloaded (one query) when ledger_head.stamp shows that another
 * process appended or a transaction was rolled back. */
int ledger_append(struct db *db, const char *event_type, json_t *fields, long long *index_out,
		  struct err *e);

/* Canonical JSON bytes of obj (see top) appended to out.  0, or -1 with
 * ERR_INVALID when obj is no object or holds a real number. */
int ledger_canonical(const json_t *obj, struct buf *out, struct err *e);

/* The file SHA-256 a leaf (or a fields object) records: true and the 64
 * lower-case hex digits (with NUL) in out when its top-level "sha256" is a
 * string of exactly that form, else false. */
bool ledger_file_sha256(const json_t *leaf, char out[2 * MERKLE_HASH + 1]);
/* The indexed key of a leaf hash (column ledger_leaves.hkey): its first 4
 * bytes as a big-endian two's-complement 32-bit integer (a small key keeps
 * the randomly written index small; equal keys are told apart by the
 * hash itself). */
long long ledger_hash_key(const unsigned char hash[MERKLE_HASH]);

/* ---- reading ---- */

/* Committed tree size, or -1 with err. */
long long ledger_size(struct db *db, struct err *e);
/* Root hash of the first size leaves (size <= tree size). 0 or -1
 * (ERR_INVALID for a bad size). */
int ledger_root(struct db *db, long long size, unsigned char root[MERKLE_HASH], struct err *e);
/* Leaf bytes (appended to leaf if not NULL) and stored leaf hash (if
 * hash not NULL).  ERR_NOTFOUND when index is not in the tree. */
int ledger_leaf(struct db *db, long long index, struct buf *leaf, unsigned char hash[MERKLE_HASH],
		struct err *e);
/* Inclusion proof of leaf index in the tree of size (index < size <= tree
 * size), read from O(log n) stored hashes; proof has MERKLE_MAX_PROOF
 * rows.  ERR_INVALID for bad index or size. */
int ledger_inclusion_proof(struct db *db, long long index, long long size,
			   unsigned char proof[][MERKLE_HASH], size_t *count, struct err *e);
/* Consistency proof between sizes from and to (0 < from <= to <= tree
 * size).  ERR_INVALID for bad sizes. */
int ledger_consistency_proof(struct db *db, long long from, long long to,
			     unsigned char proof[][MERKLE_HASH], size_t *count, struct err *e);

/* Find the first leaf with index < size whose leaf hash is hash (*how =
 * "leaf_hash"), or else the first whose top-level "sha256" is hash in
 * lower-case hex (*how = "file_hash"; see "Files" at the top).  Sets
 * *index (and *how, a static string) when not NULL.  Two index lookups,
 * O(log n), in one query.  size may exceed the tree (the whole tree is
 * searched).  0; -1 with ERR_NOTFOUND (field "hash") when no leaf
 * matches, ERR_INVALID (field "size") for a negative size, ERR_INTERNAL
 * on a storage failure. */
int ledger_find(struct db *db, const unsigned char hash[MERKLE_HASH], long long size, long long *index,
		const char **how, struct err *e);

/* ---- JSON bodies of the read API (appended to out, UTF-8) ----
 * leaf:        {"hash":"<b64>","index":I,"leaf":"<b64 leaf bytes>"}
 * inclusion:   {"index":I,"proof":["<b64>",...],"size":N}
 * consistency: {"from":M,"proof":["<b64>",...],"to":N}
 * Errors as the functions above (ERR_INVALID field "index"/"size"/"from"/
 * "to", ERR_NOTFOUND for a missing leaf). */
int ledger_json_leaf(struct db *db, long long index, struct buf *out, struct err *e);
int ledger_json_inclusion(struct db *db, long long index, long long size, struct buf *out,
			  struct err *e);
int ledger_json_consistency(struct db *db, long long from, long long to, struct buf *out,
			    struct err *e);

/* ---- C2SP tlog-tiles ----
 * A hash tile (level L >= 0, index N, width W in 1..256) is the
 * concatenation of the W hashes of tree level 8L, indexes N*256 ..
 * N*256+W-1; an entry bundle (N, W) is the W leaves N*256 .. N*256+W-1,
 * each as a big-endian uint16 length and the leaf bytes.  W < 256 is a
 * partial tile.  Paths: "tile/L/NNN[.p/W]" and "tile/entries/NNN[.p/W]",
 * NNN the index in 3-digit groups, all but the last prefixed with 'x'
 * (1234067 -> x001/x234/067). */
/* Append the path of a tile (level >= 0) or entry bundle (level = -1). */
void ledger_tile_path(int level, long long index, int width, struct buf *out);
/* Parse a path as above (without leading '/'); level -1 for entries.
 * 0, or -1 if it is not a valid tile path. */
int ledger_tile_parse(const char *path, int *level, long long *index, int *width);
/* Bytes of a hash tile (level >= 0) or entry bundle (level -1) appended to
 * out.  ERR_NOTFOUND when the tree does not (yet) hold that many hashes
 * at that level. */
int ledger_tile(struct db *db, int level, long long index, int width, struct buf *out,
		struct err *e);

/* ---- keys (directory DIR, normally DATA/keys) ----
 * DIR/ledger-ed25519.pem, DIR/ledger-sm2.pem     private keys, mode 0600
 * DIR/ledger-ed25519.pub.pem, DIR/ledger-sm2.pub.pem  public keys (PEM)
 * DIR/ledger-origin                               the origin line
 * DIR/ledger-vkeys.txt  every verifier key ever used, one per line
 *                       ("<vkey> <created UTC>"), oldest first. */
struct ledger_keys;
/* Create the directory (mode 0700) and both key pairs for origin (a
 * non-empty schema-less URL-like name without spaces or '+', e.g.
 * "zhifa.example.gov.cn/log").  ERR_CONFLICT when keys already exist. */
int ledger_keys_create(const char *dir, const char *origin, struct err *e);
/* Replace both private keys by fresh ones; the old verifier keys stay in
 * ledger-vkeys.txt so old checkpoints stay verifiable. */
int ledger_keys_rotate(const char *dir, struct err *e);
/* Load the current private keys and origin.  NULL with err.  The result
 * is reference-counted (one reference): ledger_keys_ref adds one,
 * ledger_keys_free drops one and frees with the last, so a server can
 * replace its keys while another thread still signs with the old ones. */
struct ledger_keys *ledger_keys_load(const char *dir, struct err *e);
struct ledger_keys *ledger_keys_ref(struct ledger_keys *k);
void ledger_keys_free(struct ledger_keys *k);
const char *ledger_keys_origin(const struct ledger_keys *k);
/* The loaded key of alg (SIGN_ED25519 or SIGN_SM2): what signs
 * checkpoints, and whose public half /log/key serves. */
const struct sign_key *ledger_keys_key(const struct ledger_keys *k, enum sign_alg alg);

/* ---- checkpoints ---- */

/* Sign a checkpoint of the current tree when it has grown beyond the
 * newest checkpoint and that one is at least min_interval_seconds old
 * (no checkpoint yet: sign at once).  Runs outside any transaction;
 * appends never wait for it.  Sets *signed_new.  A concurrent signer of
 * the same size is not an error (*signed_new false). 0 or -1. */
int ledger_checkpoint_maybe(struct db *db, const struct ledger_keys *keys, int min_interval_seconds,
			    bool *signed_new, struct err *e);
/* What the server runs: as ledger_checkpoint_maybe, then records the
 * signing as a leaf "checkpoint.signed" {"size", "root" (base64)} in its
 * own transaction; skips signing when the only leaf after the latest
 * checkpoint is that checkpoint's own record (checkpoint_act.c).  Call
 * outside any transaction. */
int ledger_checkpoint_act(struct db *db, const struct ledger_keys *keys, int min_interval_seconds,
			  bool *signed_new, struct err *e);
/* Sign a checkpoint of the current tree now, whatever its age (no-op
 * when the newest checkpoint already has this size). */
int ledger_checkpoint_sign(struct db *db, const struct ledger_keys *keys, bool *signed_new,
			   struct err *e);
/* The newest signed note appended to note (and its size).  ERR_NOTFOUND
 * when none has been signed yet. */
int ledger_checkpoint_latest(struct db *db, struct buf *note, long long *size, struct err *e);
/* As ledger_checkpoint_latest, and also its signing time (UTC
 * "YYYY-MM-DDTHH:MM:SSZ", NUL-terminated) in signed_at when not NULL. */
int ledger_checkpoint_latest_at(struct db *db, struct buf *note, long long *size, char signed_at[21],
				struct err *e);
#endif
