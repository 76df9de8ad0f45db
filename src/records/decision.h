/*
 * decision.h - the documents that carry an enforcement decision, and the
 * two places where modules above the records (the 法制审核 of review/, the
 * 事后公开 of the decisions) take part in their life without the records
 * depending on them.
 *
 * A document type is a decision when its definition has "review":
 *   {procedure     "penalty" | "licence" | "coercion" (the catalogue's
 *                  procedure, review/review.h),
 *    material      [field keys]: what the decision decides (its facts,
 *                  measures, amounts); a change of any of them after the
 *                  review's 同意 needs a new review,
 *    fine, confiscation   field keys of money fields (optional),
 *    measures      field key of a "multi" field of measure names, or
 *    measures_fixed [names] the type always orders (准予许可 …),
 *    flags         field key of a "multi" field of the catalogue's flags,
 *    site          field key of a "check" field (a production or
 *                  business site is sealed or seized)}.
 * The material hash is the SHA-256 of the canonical JSON of
 * {"type": code, "material": {key: value of every material key}}
 * (absent values are null), so the same decision has the same hash
 * whatever else of the draft changes.
 */
#ifndef ZHIFA_RECORDS_DECISION_H
#define ZHIFA_RECORDS_DECISION_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

/* One decision document as the hooks see it. */
struct records_decision {
	long long case_id, doc_id;
	const char *type_code;
	const json_t *def;      /* the type's definition */
	const json_t *fields;   /* the document's fields (checked) */
	const char *drafted_on; /* the draft's creation day, Beijing (YYYY-MM-DD) */
	char material[65];
};
typedef int (*records_decision_fn)(struct db *db, const struct actor *a, const struct records_decision *d,
				   struct err *e);
/* drafted: a decision draft was created or saved, inside its transaction
 *   (-1 rolls it back with e);
 * may_finalise: asked before the PDF is made and again inside the
 *   finalising transaction; -1 with e refuses (nothing written).
 * Without hooks a decision cannot be finalised (fail closed). */
struct records_decision_hooks {
	records_decision_fn drafted;
	records_decision_fn may_finalise;
};
void records_set_decision_hooks(const struct records_decision_hooks *h);
/* Whether def is the definition of a decision type. */
bool records_is_decision(const json_t *def);
/* The material hash of fields under def (see above). */
void records_decision_material(const char *type_code, const json_t *def, const json_t *fields, char out[65]);

/* The latest draft decision document of case_id (the proposed decision):
 * *out {id, type_code, name, fields, review (the definition's), 
 * material_sha256, row_version, drafted_on}, or NULL when the case has none.  0, or -1 with e. */
int records_decision_draft(struct db *db, long long case_id, json_t **out, struct err *e);

/* A document that has just become final, inside the finalising
 * transaction (after the row is final and its leaves are written). */
struct records_finalised {
	long long doc_id, case_id, corrects_id;
	const char *type_code;
	const json_t *def, *fields;
	const char *number;         /* "" when none */
	const char *content_sha256; /* of the final content */
	const char *pdf_sha256;
	const char *finalised_at;   /* UTC */
};
typedef int (*records_finalised_fn)(struct db *db, const struct actor *a, const struct records_finalised *f,
				    struct err *e);
/* Register fn (at most 4, at start-up): every finalising calls each in
 * order; -1 with e rolls the finalising back.  0, or -1 when full. */
int records_on_finalised(records_finalised_fn fn);

#endif
