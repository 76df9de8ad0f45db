/*
 * records.h - 执法文书: the written records of a case (二.(二).1), by a
 * catalogue of document types kept as versioned data; drafted (prefilled
 * from the case), edited, signed by the party on screen or on paper (a
 * scan), or refused with the officers' note of why and a witness, then
 * finalised by an officer who re-enters the password: numbered, rendered
 * to PDF (records/pdf.h), stored in the evidence vault, frozen.
 *
 * Tables (migration 027): doc_types (append-only: a change is a new
 * version with its effective date), documents (a row whose status is
 * 'final' is refused UPDATE by trigger; no row is ever deleted),
 * document_signatures (append-only).
 *
 * Invariants:
 *  - a document is visible to a reader iff its case is (the view rule of
 *    cases.h: case_visible); otherwise ERR_NOTFOUND "文书不存在或无权查看";
 *    every read of one document (records_get, records_pdf) writes an
 *    op_log row "record.read";
 *  - every change is one transaction with its op_log row (object type
 *    "document") and one ledger leaf holding ids and hashes only:
 *    record.created, record.signed (screen signature), record.scan (a
 *    scan of the paper signed), record.refusal, record.corrected (a
 *    correction created: both ids), record.finalised {case_id,
 *    document_id, doc_type (the type code: "type" is a key the ledger
 *    reserves), version, content_sha256, sha256 (of the PDF, at top level
 *    so ledger_find finds it), sm3, size, pages, actor} and
 *    record.confirmed (the officer's re-entered password, {case_id,
 *    document_id, actor, content_sha256});
 *  - content_sha256 is the SHA-256 of the canonical JSON (JSON_COMPACT |
 *    JSON_SORT_KEYS) of {case_id, fields, number, type, version} (number
 *    null in a draft; a final document's is the hash with its number); a
 *    signature binds the content_sha256 of the exact draft version
 *    signed; a signature whose hash is not that of the document's current
 *    fields (with number null) is stale and does not count (editing after
 *    signing makes it stale);
 *  - a final document never changes (the database refuses it); a
 *    correction is a new document naming the final one it corrects
 *    (corrects_id, same case) and why (correction_reason); both stay;
 *  - finalising: password, required fields, the party-signature rule,
 *    the recording rule (records/media.h media_check_document), then the
 *    number, then the PDF rendered outside any transaction and stored in
 *    the vault, then one transaction: status final, number, hashes,
 *    leaves, op_log.  A crash before that commit leaves a draft (at worst
 *    an unreferenced blob in the vault).  The number: a number of the
 *    type's number_kind already issued to the case (number_issued, object
 *    "case") is reused; else one is drawn for the case with numbering_next
 *    in its own transaction just before rendering, so a retry after a
 *    crash, a correction, and the stage the procedure numbers with the
 *    same kind (cases/case_util.c reuses it too) carry that one number -
 *    one decision, one number, no gap;
 *  - on -1 nothing was written; e holds the kind (400/403/404/409), the
 *    field ("type_code", "fields.KEY", "row_version", "content_sha256",
 *    "signature", "password", "recording", "corrects_id",
 *    "correction_reason" …) and a Chinese message naming it.
 *
 * Who may write: a current officer of the case, or a head whose scope
 * holds the case's unit (as for case acts); readers of the case (leader,
 * supervisor, archivist …) read only.  Nothing may be drafted, signed or
 * finalised on a closed or ended case, except a correction (ERR_CONFLICT).
 *
 * Times: act_started_at / act_ended_at and every *_at are UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; *_local is Beijing time "YYYY-MM-DD HH:MM".
 * A datetime field is given as "YYYY-MM-DDTHH:MM" (Beijing, as an
 * <input type=datetime-local> sends it) or UTC with Z; it is stored as
 * given and converted for act_*_at.
 */
#ifndef ZHIFA_RECORDS_H
#define ZHIFA_RECORDS_H
#include <jansson.h>
#include "core/core.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

struct vault;

#define DOC_TYPES_DEFAULTS_FILE "data/doc_types.json"
#define DOC_TYPE_MAX_BYTES (64 * 1024)
#define RECORD_SIGNATURE_MAX (512 * 1024) /* a screen signature PNG */

/* Register the requirement type "record" (label 执法文书, its check and its
 * evaluator for gates.c: met when the case has a finalised document of
 * the requirement's doc_type).  Idempotent; call at start-up before any
 * procedure definition is validated (app, CLI, tests). */
void records_init(void);

/* ---- the catalogue (doc_types.c) ----
 * Definition of one type (src/assets/data/doc_types.json documents the
 * keys): {code, name, basis, procedures: [procedure code], stages: [stage
 * code], fields: [{key, label, type (text|textarea|date|datetime|money|
 * integer|select|list|check), required, max, options (select), act
 * ("start"|"end"), prefill (party|officers|matter|basis|cause|case_no|
 * body)}], prefill: {...}, phrases: [text], signers: [officers|party|
 * witness|approvers], handed_to_party, numbered, number_kind (a
 * numbering.h kind or null), party_signature, recording ("full"|
 * "as_needed"|"none"), remedies, rights: ["statement","hearing"]}. */

/* Check a definition; every problem into all naming its place
 * ("fields[2].type" …) in Chinese.  0 or -1 (all->kind 400). */
int doc_type_validate(const json_t *def, struct errs *all);
/* Load every default type whose code has no row yet (version 1, created_by
 * "system"), with op_log rows and one ledger leaf "doc_type.version" each,
 * in one transaction.  *added (may be NULL) gets the count.  Idempotent;
 * call wherever procedure_ensure_defaults is called. */
int doc_types_ensure_defaults(struct db *db, int *added, struct err *e);
/* The embedded defaults parsed: {code: {effective_from, definition}} (new
 * reference), NULL with e when broken. */
json_t *doc_types_defaults(struct err *e);
/* The version of code in force on date (YYYY-MM-DD; NULL = today): *def
 * (new reference) and *id (either may be NULL).  ERR_NOTFOUND field
 * "type_code" "文书种类不存在". */
int doc_type_for(struct db *db, const char *code, const char *date, json_t **def, long long *id,
		 struct err *e);
/* The types in force today, for any logged-in reader of cases:
 * {"items":[{id, code, version, name, effective_from, basis, definition,
 *   suggested (bool)}]} ordered by name's catalogue order.  case_id > 0:
 * only those whose "procedures" hold the case's procedure, those whose
 * "stages" hold its current stage first with suggested true (the case
 * must be visible: ERR_NOTFOUND).  ERR_UNAUTH for the public. */
int doc_types_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e);
/* One row by id: {id, code, version, name, effective_from, basis,
 * created_at, created_by, sha256, definition}.  ERR_NOTFOUND. */
int doc_type_get(struct db *db, long long id, json_t **out, struct err *e);

/* ---- documents (documents.c) ---- */
struct record_create_input {
	const char *type_code;          /* a catalogue code usable in the case's procedure */
	long long corrects_id;          /* 0, or a final document of the same case of the same type */
	const char *correction_reason;  /* required with corrects_id, 1-1000 characters */
};
/* Draft a document on case_id: the type in force today, its fields
 * prefilled from the case (party: names, masked identity numbers and
 * addresses as party rules give them; officers: "姓名（执法证号 …）"; matter
 * names; basis: the matters' basis; cause: the case title; case_no; body
 * name), or, for a correction, the fields of the corrected document.
 * Writes record.created (and record.corrected) leaves, op_log
 * "record.create".  *id gets the new id.  Errors: ERR_NOTFOUND (case out
 * of view), ERR_FORBIDDEN (not an officer or head of the case),
 * ERR_INVALID "type_code" (unknown, or not of the case's procedure),
 * "corrects_id" (not a final document of this case, or already
 * corrected), "correction_reason" (missing, too long); ERR_CONFLICT on a
 * closed or ended case (a correction excepted). */
int records_create(struct db *db, const struct actor *a, long long case_id, const struct record_create_input *in,
		   long long *id, struct err *e);

/* One document:
 * {id, case_id, type_code, doc_type_id, version, name, status ("draft"|
 *  "final"), status_label (草稿|已定稿|已更正), number (null), fields
 *  {key: value}, definition (the type's definition), row_version,
 *  content_sha256, act_started_at, act_ended_at, created_by,
 *  created_by_name, created_at, created_at_local, updated_at,
 *  finalised_by, finalised_by_name, finalised_at, finalised_at_local,
 *  pdf_sha256, pdf_sm3, pdf_size, pdf_pages, leaf_index, corrects_id,
 *  correction_reason, corrected_by_id (the correction naming this one,
 *  or null),
 *  signatures: [{id, kind (screen|scan|refused|confirm), kind_label,
 *    signer_role, signer_role_label, signer_name, content_sha256,
 *    current (bool: binds the current content), image_sha256,
 *    refusal_reason, witness_name, witness_id_number (masked), by_user,
 *    by_name, at, at_local, leaf_index}],
 *  needs: ["…what finalising still needs, Chinese…"],
 *  case: {id, case_no, title, stage, status}}
 * ERR_NOTFOUND when unknown or out of view.  Logs record.read. */
int records_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* Replace the fields of a draft (every key of the definition; unknown keys
 * refused), checking types and lengths (required fields may stay empty
 * in a draft; finalising checks them).  row_version must be the current
 * one (ERR_CONFLICT "row_version" "该文书已被他人修改……"); a final
 * document is ERR_CONFLICT "status" "文书已定稿，不能修改；如需更正，
 * 请制作更正文书".  Field problems: ERR_INVALID "fields.KEY" naming the
 * label.  Sets act_started_at / act_ended_at from the fields marked
 * "act", recomputes content_sha256, adds 1 to row_version; op_log
 * "record.update" (no leaf: a draft is not a record yet).  *new_version
 * (may be NULL) gets the new row_version. */
int records_update(struct db *db, const struct actor *a, long long id, int row_version, const json_t *fields,
		   int *new_version, struct err *e);

/* The documents of a case in case-file order (the procedure's stage
 * order of the first stage of each type's "stages" held by the
 * procedure, then finalised_at, created_at, id):
 * {"items":[{id, type_code, name, status, status_label, number,
 *   created_at_local, finalised_at_local, pdf_pages, pdf_sha256,
 *   corrects_id, corrected_by_id, needs: [Chinese]}]}
 * ERR_NOTFOUND when the case is out of view.  No op_log row (a list, as
 * case_list). */
int records_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e);

/* ---- signatures (signatures.c) ---- */
struct record_signature_input {
	const char *kind;            /* "screen" | "scan" | "refused" */
	const char *content_sha256;  /* the draft's current content hash (what the signer saw) */
	const char *signer_role;     /* "party" | "witness" | "officer" (refused: "party") */
	const char *signer_name;     /* 1-64 characters (refused: the party's name) */
	const unsigned char *png;    /* screen: the PNG bytes (<= RECORD_SIGNATURE_MAX), decoded and checked */
	size_t png_len;
	const char *image_sha256;    /* scan: a vault file of the case's unit (an image or application/pdf) */
	const char *refusal_reason;  /* refused: required, 1-500 characters */
	const char *witness_name;    /* refused: optional, <= 64 characters */
	const char *witness_id_number; /* refused: optional, an identity number of the witness (masked in reads) */
};
/* Add a signature to a draft: the screen PNG is stored in v (vault_writer,
 * image/png, for actor a); a scan must already be in the vault.  Leaf
 * record.signed / record.scan / record.refusal {case_id, document_id,
 * kind, signer_role, content_sha256, actor, sha256 (the image; not for a
 * refusal), reason_sha256 and witness (bool) for a refusal} - the row's
 * leaf_index names the leaf;
 * op_log "record.sign".  *id (may be NULL) gets the signature id.
 * Errors: ERR_NOTFOUND; ERR_FORBIDDEN; ERR_CONFLICT "status" (final);
 * ERR_CONFLICT "content_sha256" when it is not the current content
 * ("文书内容已变化，签名须针对当前版本，请刷新后重新签名"); ERR_INVALID
 * "kind", "signer_role", "signer_name", "image" (not a PNG, too large,
 * empty), "image_sha256" (not in the vault of the case's unit, wrong
 * type), "refusal_reason", "witness_name", "witness_id_number". */
int records_sign(struct db *db, struct vault *v, const struct actor *a, long long doc_id,
		 const struct record_signature_input *in, long long *id, struct err *e);

/* ---- finalising and the PDF (documents.c) ---- */
/* Finalise draft doc_id as actor a, who re-enters password (checked by
 * the people layer; a wrong one counts as a failed login: ERR_INVALID
 * "password" "密码不正确…", ERR_LOCKED when locked).  Checks: row_version
 * current (ERR_CONFLICT), a an officer of the case or a head, the case
 * open, every required field (ERR_INVALID "fields.KEY" "请填写…"), the
 * party-signature rule (party_signature: a current screen or scan
 * signature of the party, or a current refusal note: else ERR_CONFLICT
 * "signature" "须有当事人签名或拒签说明"), the recording rule
 * (media_check_document: ERR_CONFLICT "recording").  Then the number
 * (numbering_next of number_kind for the case's body, in the final
 * transaction), the PDF (pdf_render) stored in v, and one transaction:
 * status final, number, content_sha256, pdf hashes, leaves
 * record.finalised and record.confirmed, a signature row of kind
 * "confirm" (the officer, with the confirmed leaf), op_log
 * "record.finalise".  *out (may be NULL) gets {id, status, number,
 * content_sha256, pdf_sha256, pdf_size, pdf_pages, leaf_index,
 * row_version} (no record.read row).  A vault-less call is ERR_INTERNAL. */
int records_finalise(struct db *db, struct vault *v, const struct actor *a, long long doc_id, int row_version,
		     const char *password, json_t **out, struct err *e);
/* A document another step of the case issues (a type with "issued_by",
 * e.g. the 法制审核意见书 of review/flow.h): drafted with fields over the
 * prefill and finalised at once by a, with the PDF, the leaves and the
 * op_log rows of records_create and records_finalise.  The caller has
 * checked a's right to act and confirmed a's password; the document is
 * in the case file like any other.  *doc_id (may be NULL) gets its id
 * (also when finalising fails: the draft stays). */
int records_issue(struct db *db, struct vault *v, const struct actor *a, long long case_id, const char *type_code,
		  const json_t *fields, long long *doc_id, struct err *e);

/* The PDF of a document appended to out: a draft rendered now with the
 * watermark 草稿, a final one read from v (its stored bytes, checked
 * against pdf_sha256).  *filename (may be NULL; caller frees) gets
 * "<name>-<id>.pdf".  ERR_NOTFOUND; logs record.read (detail "pdf"). */
int records_pdf(struct db *db, struct vault *v, const struct actor *a, long long doc_id, struct buf *out,
		char **filename, struct err *e);

/* ---- the case file (案卷; for the package and the 卷内目录) ----
 * out: {"case": {id, case_no, title, unit_name, body_name},
 *  "items": [
 *   {"kind":"document","id":N,"title":"询问笔录","number":"…" (or ""),
 *    "date":"YYYY-MM-DD" (finalised, Beijing),"pages":3,"sha256":…,
 *    "sm3":…,"size":…,"leaf_index":… (the record.finalised leaf),
 *    "media_type":"application/pdf"},
 *   {"kind":"signature","document_id":N,"signature_id":S,"sha256":…,
 *    "sm3":…,"size":…,"leaf_index":… (the vault's file.stored leaf of the
 *    image),"media_type":"image/png"},
 *   {"kind":"media", … as media_for_case (records/media.h) gives them}]}
 * in case-file order: the finalised documents (records_list order), each
 * followed by the images of its counted signatures, then the media.
 * ERR_NOTFOUND when the case is out of view.  Logs "record.case_file". */
int records_case_file(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e);

/* ---- the demo and the tests ---- */
/* Draft a document of type code on case_id as a, fill every required
 * field the case did not prefill with a demonstration value, have the
 * party sign on the screen (a drawn PNG) when the type needs it, state why
 * there is no recording when the type records "as needed", and finalise
 * it with the demo password (people/demo.h) - every rule applied as for a
 * person.  *id (may be NULL) gets the document.  0 or -1 with e. */
int records_demo_document(struct db *db, struct vault *v, const struct actor *a, long long case_id, const char *code,
			  long long *id, struct err *e);
/* Let the demo cases (cases_demo_seed) make the documents their stages
 * require with records_demo_document on v (kept; NULL uninstalls). */
void records_demo_install(struct vault *v);

/* ---- words ---- */
/* 草稿, 已定稿, 已更正 (a final document a correction names). */
const char *records_status_label(const char *status, bool corrected);
/* 当事人签名（屏幕）, 当事人签名（纸质扫描）, 拒绝签名, 确认 … */
const char *records_signature_kind_label(const char *kind);
/* 当事人, 见证人, 执法人员 */
const char *records_signer_role_label(const char *role);
#endif
