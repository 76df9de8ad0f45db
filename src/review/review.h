/*
 * review.h - 法制审核 (the seed's 二.(三)): which enforcement decisions are
 * major, by a catalogue kept as versioned data.
 *
 * The catalogue (migration 029, table review_catalogues; defaults in
 * src/assets/data/review_catalogue.json) is one JSON definition:
 *   measures   {procedure: [measure names]} - what a decision of each
 *              procedure ("penalty" | "licence" | "coercion") may order;
 *   flags      the circumstances a case may carry ("减轻", "从重",
 *              "疑难复杂", "重大公共利益", "重大社会影响", "其他法定情形");
 *   flag_names {flag: the words shown in a reason};
 *   rules      [{id, procedure, basis, own_rule?, and conditions, ALL of
 *              which must hold for the rule to match:
 *                party_kinds   [person|org|individual_business] the
 *                              party's kind is one of;
 *                amount        "fine_yuan" | "confiscation_yuan", with
 *                op            ">=" or ">", and threshold_yuan (integer);
 *                measures_any  at least one of these measures is ordered;
 *                hearing_held  true: a hearing was held;
 *                site          true: a production or business site is
 *                              sealed or seized;
 *                flags_any     at least one of these flags is carried}].
 * A decision is major when at least one rule matches; the reasons are one
 * Chinese sentence per matching rule ("罚款 100,000 元 ≥ 组织 100,000
 * 元"), each with the rule's basis.  Nothing else makes it major.
 *
 * Versions: a change is a new version with an effective date (append-only
 * rows; leaf "review.catalogue" {version, sha256}); a decision is
 * classified by the version in force on the day it is drafted (the
 * latest effective_from on or before that day, then the highest version).
 */
#ifndef ZHIFA_REVIEW_H
#define ZHIFA_REVIEW_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

#define REVIEW_CATALOGUE_FILE "data/review_catalogue.json"

/* Load the default catalogue as version 1 when the table is empty (once,
 * also with several instances starting together).  *added (may be NULL)
 * is 1 when it was loaded now.  0, or -1 with err. */
int review_catalogue_ensure_defaults(struct db *db, int *added, struct err *e);

/* Check a definition: every problem named in all (fields "rules[2].op" …).
 * 0 when valid, -1 otherwise. */
int review_catalogue_validate(const json_t *def, struct errs *all);

/* Add a version (administrator): the definition, the day it takes effect
 * (YYYY-MM-DD, not before the current version's) and a note (required:
 * the department's document).  *version gets the new number.  Errors:
 * ERR_UNAUTH, ERR_FORBIDDEN (not an administrator), ERR_INVALID naming
 * "definition…", "effective_from" or "note", ERR_CONFLICT (another
 * version was added at the same moment). */
int review_catalogue_add(struct db *db, const struct actor *a, const json_t *def, const char *effective_from,
			 const char *note, int *version, struct errs *all, struct err *e);

/* The version in force on day (YYYY-MM-DD; NULL = today in Beijing):
 * {version, effective_from, sha256, note, created_at, created_by,
 *  definition}.  ERR_NOTFOUND when none is in force yet. */
int review_catalogue_in_force(struct db *db, const char *day, json_t **out, struct err *e);
/* Every version, newest first: {"items":[{version, effective_from,
 * sha256, note, created_at, created_by}]}. */
int review_catalogue_versions(struct db *db, json_t **out, struct err *e);

/* Classify one decision by the definition def.  in is the request of
 * POST /api/v1/review/classify:
 *   procedure          "penalty" | "licence" | "coercion" (required)
 *   party_kind         "person" | "org" | "individual_business"
 *                      (required for a penalty)
 *   fine_yuan, confiscation_yuan  numbers >= 0, at most two decimals
 *   measures           [names from the catalogue's measures of the
 *                      procedure]
 *   hearing_held, site booleans
 *   flags              [names from the catalogue's flags]
 * out: {"major": bool, "reasons": ["罚款 100,000 元 ≥ 组织 100,000 元",
 * ...], "rules": [{id, reason, basis}], "catalogue_version": N} (the
 * version is added by review_classify_on).  ERR_INVALID naming the member
 * ("procedure", "party_kind", "fine_yuan", "measures", "flags" …) for
 * bad input. */
int review_classify(const json_t *def, const json_t *in, json_t **out, struct err *e);
/* The same with the catalogue in force on day (NULL = today). */
int review_classify_on(struct db *db, const char *day, const json_t *in, json_t **out, struct err *e);

#endif
