/*
 * package.h - the case package (案卷证据包): one zip a court or a lawyer
 * can check offline with standard tools (docs/package.md has the format).
 *
 *   说明.txt            how to check it, in Chinese
 *   manifest.json       {format, exported_at, case, checkpoint, files:[...]}
 *   SHA256SUMS SM3SUMS  "<hex>  <path>" per file (sha256sum -c)
 *   checkpoint.txt      the signed note of ONE checkpoint (C2SP)
 *   keys/               the verifier keys as /log/key and /log/key/sm2 give them
 *   leaves/INDEX.json   the exact bytes of every leaf that recorded a file
 *   proofs/INDEX.json   their inclusion proofs against that checkpoint
 *                       (each the body of /api/v1/log/proof/inclusion)
 *   documents/ signatures/ media/ ...  the files, byte for byte
 *
 * Invariants:
 *  - every file is streamed from the blob store in chunks (never held
 *    whole in memory) into OUT.part, its SHA-256 recomputed on the way: a
 *    stored file that no longer has its recorded hash stops the export
 *    before anything is recorded;
 *  - then the export is committed: the leaf "case.exported" {case_id,
 *    sha256 of manifest.json, files} and the op_log row "case.export", in
 *    one transaction; then a checkpoint covering that leaf is signed
 *    (ledger_checkpoint_act: an export never waits for the timer), and
 *    every proof is against it, so the manifest itself (case number,
 *    title, the list of files) is covered by the signed checkpoint;
 *  - the package's own files follow the evidence; the zip is fsync'ed,
 *    renamed to OUT and the folder fsync'ed: a killed export leaves no
 *    file under OUT (at worst OUT.part; after the commit, a leaf and an
 *    op_log row for an export whose zip never arrived - a failure after
 *    the commit adds a "failed" op_log row);
 *  - the zip is canonical: entries stored (no compression), fixed mode
 *    0644, owner 0, mtime = manifest "exported_at", UTF-8 names;
 *    package_verify rewrites it from its own entries and compares every
 *    byte, so a changed byte anywhere (data, header, directory) is found.
 */
#ifndef ZHIFA_PACKAGE_H
#define ZHIFA_PACKAGE_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include "ledger/ledger.h"
#include "recording/vault.h"
#include <jansson.h>

#define PACKAGE_FORMAT "zhifa-case-package/1"

/* One file of the package.  sm3, size, media_type may be unknown (NULL /
 * -1): they are then taken from the vault; leaf_index < 0: the first leaf
 * naming the file's SHA-256 (ledger_find). */
struct package_item {
	const char *kind;        /* "document", "signature", "media", "file" */
	const char *path;        /* path in the zip, e.g. "documents/01-询问笔录.pdf" */
	const char *sha256;      /* 64 lower-case hex: the vault file */
	const char *sm3;
	long long size;
	long long leaf_index;    /* the leaf that recorded the file */
	const char *media_type;
};

struct package_case {
	long long id;            /* 0 = no case (tests) */
	const char *case_no, *title, *body, *unit;
};

struct package_result {
	char manifest_sha256[HASH_HEX];
	long long files;
	long long bytes;         /* of the zip */
	long long checkpoint_size;
	long long leaf_index;    /* the case.exported leaf */
};

/* Write the package of c with items to out_path (see top).  keys_dir: the
 * ledger keys folder (DATA/keys): signs a checkpoint when needed and
 * names the verifier keys.  a reads the files (vault scope; each read
 * logged by the vault) and is named in the op_log row.  0, or -1:
 * ERR_INVALID (field "items": no files, a bad path or a path twice;
 * "out"), ERR_NOTFOUND (a file the vault does not hold), ERR_CONFLICT (a
 * stored file whose bytes no longer have the recorded hash), ERR_INTERNAL.
 * Nothing is left under out_path on failure. */
int package_write(struct db *db, struct vault *v, const char *keys_dir, const struct actor *a,
		  const struct package_case *c, const struct package_item *items, size_t n,
		  const char *out_path, struct package_result *res, struct err *e);

/* The package of case case_id as a reads it: records_case_file (the
 * case in a's view: else ERR_NOTFOUND), package_items_from_case_file,
 * package_write.  As package_write otherwise. */
int package_export_case(struct db *db, struct vault *v, const char *keys_dir, const struct actor *a, long long case_id,
			const char *out_path, struct package_result *res, struct err *e);

/* The items of a case file (records_case_file's "items", in order) with
 * their paths: documents/NN-<title>[-<number>].pdf,
 * signatures/NN-<document title>-签名K.png, media/NN-<kind>.<ext>.
 * *items (array) and the strings (one block) belong to the caller:
 * package_items_free.  0, or -1 with ERR_INVALID (an item without a
 * SHA-256). */
int package_items_from_case_file(const json_t *case_file, struct package_item **items, size_t *n,
				 struct err *e);
void package_items_free(struct package_item *items, size_t n);

/* ---- verification (package_verify.c) ---- */
struct package_report {
	int problems;            /* discrepancies; 0 = everything holds */
	long long files;         /* evidence files checked */
	long long bytes;         /* their bytes */
	long long leaves;
	long long checkpoint_size;
	bool zip_compared;       /* the zip was compared byte for byte with a rewrite */
	struct buf text;         /* one line per discrepancy, Chinese */
	struct buf info;         /* what was checked, Chinese */
};
void package_report_init(struct package_report *r);
void package_report_release(struct package_report *r);
/* Check the zip at path offline (see top and docs/package.md).  pinned:
 * verifier key texts that must have signed the checkpoint (may be 0).
 * 0 when the check ran (r->problems says whether it holds), -1 with err
 * when the file cannot be read at all. */
int package_verify(const char *path, const char *const *pinned, size_t npinned, struct package_report *r,
		   struct err *e);
#endif
