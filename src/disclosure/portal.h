/*
 * portal.h - the public side of 事后公开: the list of published decisions
 * (行政执法决定公示), one decision, its versions, the material for its
 * 核验 (leaf, proof, checkpoint), and open data (CSV, Atom, the 双公示
 * export for the provincial credit platform).
 *
 * Invariants:
 *  - only what was published is read: the rows of publication_versions
 *    (their exact bytes), never the decision document or the case;
 *  - the lists hold publications in state 'published' and within their
 *    period (period_ends_on absent or not before today, Beijing); a
 *    withdrawn one (行政处罚法 第四十八条第二款) or one past its period
 *    leaves the lists and its page says so, with the date and reason;
 *  - paging is by keyset (decision_date, id) or, for a search, by id, so
 *    a page costs the same at the first item and at the millionth.
 */
#ifndef ZHIFA_DISCLOSURE_PORTAL_H
#define ZHIFA_DISCLOSURE_PORTAL_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include <jansson.h>

#define PORTAL_PAGE 20
#define PORTAL_EXPORT_MAX 100000 /* rows of one CSV / Excel export */

/* The kinds of decisions published, and their Chinese names. */
const char *portal_kind_label(const char *kind);  /* NULL when unknown */
bool portal_kind_valid(const char *kind);

struct portal_query {
	const char *kind;          /* NULL = all */
	long long body_id;         /* 执法主体, 0 = all */
	long long unit_id;         /* 承办机构, 0 = all */
	const char *category;      /* NULL = all */
	const char *from, *to;     /* decision dates, YYYY-MM-DD, NULL = open */
	const char *q;             /* search words, NULL = no search */
	const char *cursor;        /* the "next" of the previous page, NULL = first */
	int limit;                 /* 1..PORTAL_EXPORT_MAX; 0 = PORTAL_PAGE */
	const char *today;         /* YYYY-MM-DD (Beijing) */
};

/* Check the query's values: ERR_INVALID naming the parameter ("kind",
 * "from", "to", "cursor") with a Chinese message. */
int portal_query_check(const struct portal_query *q, struct err *e);

/* The list.  Model:
 *   { "items": [ { "id", "kind", "kind_label", "title", "party_name",
 *       "category", "decision_no", "decision_date", "version",
 *       "published_at", "body_id", "body_name", "unit_id", "unit_name" } ],
 *     "next": cursor of the next page or null,
 *     "search": null, or the search's { "words", "also_searched",
 *       "partial", "truncated" } }
 * NULL with err on bad input or storage failure. */
json_t *portal_decisions_list(struct db *db, const struct portal_query *q, struct err *e);

/* One decision.  Model: the list item's members and "state": "published"
 * | "withdrawn" | "expired" | "ended_early"; "period_ends_on";
 * when published: "content" (the current version's object), "sha256",
 * "leaf_index", "versions_count"; when withdrawn: "withdrawal" { "on",
 * "reason", "note" }; when out of its period: "period_end" { "on",
 * "early": bool, "note" }; with history: "versions": [ { "version",
 * "published_at", "note", "sha256", "leaf_index", "content" } ] (content
 * only while published).  ERR_NOTFOUND for an id never published. */
json_t *portal_decision_item(struct db *db, long long id, bool history, const char *today, struct err *e);

/* What the 核验 of version (0 = current) needs: { "publication_id",
 * "version", "state", "sha256", "leaf_index", "content" (the exact
 * published bytes as a string; only while published), "leaf" and
 * "inclusion" (ledger_json_leaf / ledger_json_inclusion at the checkpoint's
 * size), "checkpoint" (the signed note) and "checkpoint_size" }; when the
 * newest checkpoint does not cover the leaf yet, "pending": true and no
 * proof.  ERR_NOTFOUND as portal_decision_item. */
json_t *portal_decision_proof(struct db *db, long long id, int version, const char *today, struct err *e);

/* The Atom feed of the newest publications (first publication and
 * corrections), at most limit, as the bytes of an Atom 1.0 document;
 * base is the site's URL without a final '/'.  0 or -1 with err. */
int portal_atom(struct db *db, const char *base, const char *site_name, int limit, const char *today,
		struct buf *out, struct err *e);

/* The Chinese name of a published field (the CF_ / XK_ keys of the 双公示
 * sets, and the five of the seed for other decisions); NULL when unknown. */
const char *portal_field_label(const char *key);
/* The keys portal_field_label names, in the order of the national sets:
 * the i-th, NULL past the last. */
const char *portal_field_key(size_t i);

/* CSV (RFC 4180, UTF-8 with BOM, CRLF) of the list items in model (as
 * portal_decisions_list gives them), or of one item's fields. */
void portal_csv_list(const json_t *model, struct buf *out);
void portal_csv_item(const json_t *item, struct buf *out);

/* The 双公示 export: kind "penalty" (CF_ columns) or "licence" (XK_),
 * decisions dated from..to (NULL = open), published and in period.
 * Model: { "kind", "columns": [ { "key", "title" } ], "rows": [ [cells] ] }.
 * ERR_INVALID (field "kind") for any other kind. */
json_t *portal_credit_export(struct db *db, const char *kind, const char *from, const char *to, const char *today,
			     struct err *e);
/* The export's rows as CSV with the column keys as the header line. */
void portal_credit_csv(const json_t *model, struct buf *out);

#endif
