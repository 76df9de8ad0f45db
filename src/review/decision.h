/*
 * decision.h - the gate of the 法制审核 on decision documents (the seed's
 * 二.(三)；《中华人民共和国行政处罚法》第五十八条：未经法制审核或者审核未通过的，
 * 不得作出决定).
 *
 * - Every save of a decision draft (records/decision.h) is classified by
 *   the catalogue in force on the day the draft was made, from the draft
 *   (amounts, measures, circumstances, site) and the case (the parties'
 *   kinds, whether a hearing was held): one append-only row of
 *   review_classifications (migration 032) with the reasons.
 * - A case is major when any classification of its decisions or any of
 *   its review rounds was major.  Its decision document is finalised only
 *   when the review's latest round is open (同意, or the leader's 同意作出 /
 *   修改后作出) and cleared exactly the decision being finalised (the
 *   material hash of the draft submitted with that round): a decision
 *   changed after 同意 needs a new round.  The same rule is a trigger of
 *   the database (032_review_gate), so nothing else passes it either.
 */
#ifndef ZHIFA_REVIEW_DECISION_H
#define ZHIFA_REVIEW_DECISION_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

/* Register the hooks with the records (called by review_init). */
void review_decision_init(void);

/* The classification request (review.h) of a decision draft of case_id:
 * draft as records_decision_draft gives it (fields, review).  One request
 * per kind of party (the catalogue's amounts depend on it).  *out a new
 * array.  ERR_INVALID when the case has no party yet (penalties). */
int review_draft_requests(struct db *db, long long case_id, const json_t *review, const json_t *fields,
			  const json_t *catalogue_def, json_t **out, struct err *e);
/* The classification of a decision draft: {major, reasons, rules,
 * catalogue_version, party_kinds} combining the answers for every party
 * kind, by the catalogue in force on drafted_on. */
int review_classify_draft(struct db *db, long long case_id, const json_t *review, const json_t *fields,
			  const char *drafted_on, json_t **out, struct err *e);

/* 1 when case_id is major (a major classification or round), 0 when not,
 * -1 on a storage failure. */
int review_case_major(struct db *db, long long case_id);
/* The latest classification of document doc_id: {major, reasons, rules,
 * catalogue_version, material_sha256, at_local}, or *out NULL. */
int review_document_classification(struct db *db, long long doc_id, json_t **out, struct err *e);
/* Whether a decision of case_id may be published (事后公开): the case is
 * not major, or its review gate is open.  msg says why not. */
bool review_publication_allowed(struct db *db, long long case_id, char *msg, size_t msg_size);
/* The material hash cleared by the latest round of case_id into out ("" when
 * the round cleared no draft or is not open).  0, or -1 on failure. */
int review_cleared_material(struct db *db, long long case_id, char out[65]);

#endif
