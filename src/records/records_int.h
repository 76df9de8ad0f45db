/*
 * records_int.h - what the files of the records domain share (doc_types.c,
 * documents.c, signatures.c, gate.c, records_init.c); not for other
 * modules (they use records.h).
 */
#ifndef ZHIFA_RECORDS_INT_H
#define ZHIFA_RECORDS_INT_H
#include "core/core.h"
#include "records/records.h"
#include "cases/cases.h"

/* s, or NULL when empty (for DB_TEXTN). */
static inline const char *rec_nz(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* Storage failure: logged, generic message, ERR_INTERNAL, -1. */
int rec_db_fail(struct db *db, struct err *e);
/* A storage failure inside a transaction: rolled back, then rec_db_fail
 * unless e already holds an error. */
int rec_tx_fail(struct db *db, struct err *e);

/* One documents row. */
struct doc_row {
	long long id, case_id, doc_type_id, corrects_id, created_by, finalised_by, pdf_size, leaf_index;
	char type_code[40], status[8];
	int row_version, pdf_pages;
	char content_sha256[65], pdf_sha256[65], pdf_sm3[65];
	char created_at[21], updated_at[21], finalised_at[21], act_started_at[21], act_ended_at[21];
	char *number, *correction_reason; /* NULL when absent */
	json_t *fields;                   /* the fields object */
	json_t *def;                      /* the type's definition (of doc_type_id) */
	int type_version;
};
/* Load document id with its type's definition (ERR_NOTFOUND field "id"
 * "文书不存在或无权查看").  Release with rec_doc_release. */
int rec_doc_load(struct db *db, long long id, struct doc_row *d, struct err *e);
void rec_doc_release(struct doc_row *d);
/* Load document id and the brief of its case as a sees it (write: a
 * works on the case); the same 404 whether the document or the case is
 * out of view. */
int rec_doc_open(struct db *db, const struct actor *a, long long id, bool write, struct doc_row *d,
		 struct case_brief *c, struct err *e);

/* Canonical content hash of a document: SHA-256 hex of the canonical JSON
 * of {case_id, fields, number, type, version}. */
void rec_content_sha256(long long case_id, const char *type, int version, const json_t *fields,
			const char *number, char out[65]);
/* Canonical text of a JSON value (JSON_COMPACT | JSON_SORT_KEYS), caller frees. */
char *rec_canonical(const json_t *v);
/* SHA-256 hex of a string. */
void rec_sha256_hex(const char *s, size_t n, char out[65]);

/* A definition's field object of key, NULL if none. */
const json_t *rec_def_field(const json_t *def, const char *key);
/* String member or "". */
const char *rec_js(const json_t *o, const char *key);
/* Boolean member (false when absent). */
bool rec_jb(const json_t *o, const char *key);

/* Whether the document has a current party signature (screen or scan by
 * the party) or a current refusal note. */
bool rec_party_signed(struct db *db, long long doc_id, const char *content_sha256);
/* The counted signatures of a document as the records_get list. */
json_t *rec_signatures_json(struct db *db, long long doc_id, const char *content_sha256);

/* What finalising doc still needs, as a list of Chinese sentences (no
 * password, no recording check). */
json_t *rec_needs(struct db *db, const struct doc_row *d);

/* The documents of a case in case-file order (rows loaded; release each
 * and free *out), *n set. */
int rec_case_docs(struct db *db, long long case_id, long long procedure_id, struct doc_row **out, size_t *n,
		  struct err *e);

/* The op_log row of a read of a document. */
void rec_log_read(struct db *db, const struct actor *a, long long id, const char *what);

/* records_create, and records_issue's part of it: given (may be NULL)
 * overrides the prefill; an issuer skips the check that a works on the
 * case and may create types with "issued_by". */
int rec_create(struct db *db, const struct actor *a, long long case_id, const struct record_create_input *in,
	       const json_t *given, bool issuer, long long *id, struct err *e);
/* records_finalise, and records_issue's part (issuer: no view or writer
 * check, no password: the caller confirmed it). */
int rec_finalise(struct db *db, struct vault *v, const struct actor *a, long long doc_id, int row_version,
		 const char *password, bool issuer, json_t **out, struct err *e);

/* gate.c: the requirement type "record" registered with its check and
 * evaluator (procedure.h). */
void rec_gate_register(void);

/* decision.c (records/decision.h): the hooks, called by documents.c and
 * finalise.c.  drafted_on is the Beijing day the draft was made.
 * may_finalise puts the material hash into material ("" when def is not
 * a decision). */
#include "records/decision.h"
int rec_decision_drafted(struct db *db, const struct actor *a, long long case_id, long long doc_id,
			 const char *type_code, const json_t *def, const json_t *fields, const char *drafted_on,
			 struct err *e);
int rec_decision_may_finalise(struct db *db, const struct actor *a, long long case_id, long long doc_id,
			      const char *type_code, const json_t *def, const json_t *fields, const char *drafted_on,
			      char material[65], struct err *e);
int rec_decision_finalised(struct db *db, const struct actor *a, const struct records_finalised *f, struct err *e);

/* Beijing local "YYYY-MM-DD HH:MM" of a UTC time, "" for "". */
void rec_local(const char *utc, char out[20]);

/* The status label and the case-file ordering key (position of the
 * type's first stage in the procedure's stages). */
int rec_stage_order(const json_t *proc_def, const json_t *type_def);
#endif
