/*
 * case_int.h - what the files of the case domain share (case_*.c, gates.c,
 * demo.c); not for other modules (they use cases.h).
 */
#ifndef ZHIFA_CASE_INT_H
#define ZHIFA_CASE_INT_H
#include "core/core.h"
#include "cases/cases.h"

/* One cases row. */
struct case_row {
	long long id, procedure_id, body_unit_id, unit_id, inspection_item_id, opened_by;
	char kind[16], procedure_code[40], stage[40], status[12], ending[40], source[16];
	char case_no[128], decision_no[128];
	char opened_on[11], last_act_on[11], closed_on[11], source_date[11];
	int row_version, stage_seq;
	bool review_pending; /* the stage awaits a reviewer's approval */
	char *title, *source_note;
};

/* Storage failure: logged, generic message, ERR_INTERNAL, -1. */
int case_db_fail(struct db *db, struct err *e);
/* Load case id (ERR_NOTFOUND "案件不存在或无权查看" when absent); release
 * with case_row_release. */
int case_load(struct db *db, long long id, struct case_row *c, struct err *e);
void case_row_release(struct case_row *c);
/* The definition of the case's procedure version (new reference). */
json_t *case_definition(struct db *db, long long procedure_id, struct err *e);
/* The view rule of cases.h. */
bool case_visible(struct db *db, const struct actor *a, const struct case_row *c);
/* Whether user_id is a current officer of case_id. */
bool case_is_officer(struct db *db, long long case_id, long long user_id);
/* Whether a may manage cases of unit_id as head (ROLE_HEAD with the unit in
 * scope). */
bool case_is_head_of(struct db *db, const struct actor *a, long long unit_id);
/* Whether a holds role (an actor.h identifier) and its unit is unit_id or
 * above it. */
bool case_has_role_above(struct db *db, const struct actor *a, const char *role, long long unit_id);

/* The act date: in, or today when NULL/""; a real date, not in the future,
 * not before not_before (may be NULL).  ERR_INVALID naming field. */
int case_act_date(const char *in, const char *not_before, char out[11], const char *field, struct err *e);
/* SHA-256 hex of a string (for leaves: text is hashed, never written). */
void case_sha256_hex(const char *s, char out[65]);

/* The current officers' ids of a case (ascending by assignment); and the
 * matter ids.  Caller frees *ids.  0 or -1. */
int case_officer_ids(struct db *db, long long case_id, long long **ids, size_t *n);
int case_matter_ids(struct db *db, long long case_id, long long **ids, size_t *n);
/* Check officers: at least min, no duplicates, each an active user whose
 * certificate is valid on date and covers every matter (cert_check_officer;
 * the message names the person).  cert_ids (n entries, may be NULL) get
 * the certificates.  ERR_INVALID naming field. */
int case_check_officers(struct db *db, const long long *ids, size_t n, int min, const long long *matters,
			size_t nm, const char *date, long long *cert_ids, const char *field, struct err *e);
/* The procedure's min_officers (>= 1). */
int case_min_officers(const json_t *def);

/* Write one act of case c (in the caller's transaction): re-link the
 * parties to their current versions, record in detail what the act saw
 * ("parties": [{party, version}], "officers": [{user, cert}]), insert the
 * case_acts row with seq = c->row_version + 1 (1 for the opening), bump
 * cases.row_version (checking it is still c->row_version: a concurrent act
 * makes this ERR_CONFLICT) and last_act_on, and write the op_log row
 * "case.<type>" and the ledger leaf "case.<type>".  detail is stolen.
 * On success c->row_version is the new one; *seq_out gets the act seq. */
struct case_act_rec {
	const char *type, *on_date, *stage_from, *stage_to, *approval, *ending;
	const char *text; /* reason / note: hashed into the leaf, kept in detail */
	json_t *detail;
};
int case_write_act(struct db *db, const struct actor *a, struct case_row *c, struct case_act_rec *r,
		   int *seq_out, struct err *e);
/* Enter stage (already validated) on date: number, clocks started/met; the
 * number and clock ids are added to detail.  Updates c (stage, case_no,
 * decision_no) and the cases row (stage, stage_seq = seq). */
int case_enter_stage(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		     const char *stage, const char *date, int seq, json_t *detail, struct err *e);

/* ---- gates.c: the one place where stage requirements are asked ---- */
/* What stage of case c requires before the case may leave it, as
 * [{type, name, basis, met, message}] (new reference). */
json_t *gates_needs(struct db *db, const struct case_row *c, const json_t *def, const char *stage,
		    const char *date);
/* 0 when every requirement of the current stage is met; else -1 with
 * ERR_CONFLICT (field "to") listing what is missing. */
int gates_check(struct db *db, const struct case_row *c, const json_t *def, const char *date,
		struct err *e);

/* Small JSON helpers. */
const char *case_js(const json_t *o, const char *key); /* string member or "" */
#endif
