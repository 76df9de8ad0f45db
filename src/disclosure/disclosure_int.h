/*
 * disclosure_int.h - what the files of src/disclosure/ share.
 */
#ifndef ZHIFA_DISCLOSURE_INT_H
#define ZHIFA_DISCLOSURE_INT_H
#include "core/core.h"
#include "disclosure/disclosure.h"

/* A publication row. */
struct pub {
	long long id, case_id, document_id, body_unit_id, unit_id, deadline_id, draft_document_id;
	char kind[16], state[16], decision_no[128], decision_date[11], due_on[11], period_ends_on[11];
	char published_at[21];
	int current_version, row_version;
	bool include_text;
	json_t *draft; /* owned */
};
void dsc_release(struct pub *p);
/* Load publication id (no permission check).  ERR_NOTFOUND. */
int dsc_load(struct db *db, long long id, struct pub *p, struct err *e);
/* Load it as a may read it (ERR_NOTFOUND when outside a's view). */
int dsc_load_for(struct db *db, const struct actor *a, long long id, struct pub *p, struct err *e);
bool dsc_can_read(struct db *db, const struct actor *a, long long unit_id);
/* The head of the owning unit or of a unit above it (谁执法谁公示). */
bool dsc_is_head(struct db *db, const struct actor *a, const struct pub *p);
/* An officer of the case or a head in scope (case_brief_get write). */
bool dsc_can_write(struct db *db, const struct actor *a, const struct pub *p);
int dsc_db_fail(struct db *db, struct err *e);
/* Bump row_version (checking expected) and updated_at; ERR_CONFLICT when stale. */
int dsc_touch(struct db *db, const struct pub *p, int expected, struct err *e);
/* An event row (detail taken, NULL = {}), with its op_log row; leaf_type
 * non-NULL appends that ledger leaf (leaf taken) and stores its index. */
int dsc_event(struct db *db, const struct actor *a, const struct pub *p, const char *type, int version,
	      const char *reason, json_t *detail, const char *leaf_type, json_t *leaf, long long *leaf_index,
	      struct err *e);
/* Call the listeners and bump the portal's stamp. */
int dsc_changed(struct db *db, long long id, struct err *e);
/* Begin a transaction and load id for an act (nothing left open on failure). */
int dsc_begin(struct db *db, const struct actor *a, long long id, int row_version, struct pub *p, struct err *e);
void dsc_sha256_hex(const char *s, size_t n, char out[65]);

/* fields.c: the draft of a decision document: {kind, fields: {key: value}, text, party_kind, party,
 * persons: [{name, officer}], ban_until, measures, warnings: [...]}; *out new. */
int dsc_build_draft(struct db *db, long long case_id, const char *kind, const char *type_code, const json_t *def,
		    const json_t *fields, const char *number, const char *decision_date, json_t **out, struct err *e);
/* The decision date of a document: its 日期 field, its act's start, or the
 * Beijing day of finalised_at. */
void dsc_decision_date(const json_t *fields, const char *finalised_at, char out[11]);

/* rules.c */
const json_t *dsc_rules_fields(const char *kind);
const json_t *dsc_rules_exclusion(const char *code);
bool dsc_withdraw_reason_ok(const char *reason);
/* Whether every name of measures is in only (and there is one). */
bool dsc_measures_only(const json_t *measures, const json_t *only);

/* marks.c: the content of the next version and its preview.  content
 * (may be NULL) gets the canonical JSON, sha (may be NULL) its hash,
 * preview (may be NULL) the targets with their marks, stale (may be NULL)
 * the number of staff marks a correction made stale. */
int dsc_render(struct db *db, const struct pub *p, char **content, char sha[65], json_t **preview, int *stale,
	       struct err *e);
#endif
