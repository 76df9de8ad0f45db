/*
 * search.h - the full-text search of published decisions (事后公开): a
 * character-bigram index (migration 034) kept in the database itself, the
 * same on SQLite and PostgreSQL, no external search server.
 *
 * Invariants:
 *  - the index holds exactly the publications public now (state
 *    'published'); disclosure_search_update rewrites one publication's rows
 *    in the caller's transaction, so what search finds commits or rolls
 *    back with the change of what is public;
 *  - the bigrams only narrow the search: every hit is checked against the
 *    stored normalised text (each word a substring), so a hit always
 *    contains every word typed (or one of its synonyms' expansions);
 *  - any input (any length, any bytes) is a valid query: it is normalised,
 *    cut to DSEARCH_MAX_CHARS characters and DSEARCH_MAX_WORDS words, and
 *    never makes the search fail (only the database can);
 *  - a query that is exactly a published decision's number (as printed,
 *    spaces around it aside) answers that decision alone, by its column;
 *  - each request looks at a bounded number of postings
 *    (DSEARCH_BUDGET), so its cost does not grow with the index; when the
 *    budget runs out before a page is full, the answer says so ("partial")
 *    and gives the cursor to continue from.
 */
#ifndef ZHIFA_DISCLOSURE_SEARCH_H
#define ZHIFA_DISCLOSURE_SEARCH_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include <jansson.h>

#define DSEARCH_MAX_CHARS 64    /* characters of a query looked at */
#define DSEARCH_MAX_WORDS 8
#define DSEARCH_MAX_TEXT 4000   /* characters of a publication indexed */
#define DSEARCH_BUDGET 3000     /* postings read per request, at most (docs/bench.md) */
#define DSEARCH_TERM_BASE 1114112LL /* 0x110000: term = c1 * base + c2 */

/* Re-index the publication's current public version, or remove it from
 * the index when it is not public (any other state, or unknown id).
 * Runs inside the caller's transaction.  0, or -1 with err (storage). */
int disclosure_search_update(struct db *db, long long publication_id, struct err *e);

/* The normalised search text of what is published of a publication:
 * title, party, category, decision number, kind and the string values of
 * content's "fields", then its "text" (content is the published version's
 * JSON object; names of the body and division are given by the caller).
 * Appended to out, at most DSEARCH_MAX_TEXT characters. */
void dsearch_text(const char *title, const char *party, const char *category, const char *decision_no,
		  const char *body_name, const char *unit_name, const json_t *content, struct buf *out);

/* Normalise text for the index and for queries alike (publicity's
 * normalisation - case, full-width forms, spaces - and then every
 * punctuation mark becomes a space).  Appended to out. */
void dsearch_normalize(const char *s, struct buf *out);

/* The distinct terms of normalised text, sorted ascending, in *terms
 * (xmalloc'd, caller frees); returns the count. */
size_t dsearch_terms(const char *norm, long long **terms);

struct dsearch_query {
	const char *q;            /* what was typed (any bytes) */
	const char *kind;         /* NULL/"" = all */
	long long body_id, unit_id; /* 0 = all */
	const char *category;     /* NULL/"" = all */
	const char *from, *to;    /* decision_date bounds, "YYYY-MM-DD", NULL/"" = open */
	long long before;         /* cursor: only ids below it (0 = from the newest) */
	int limit;                /* 1..100 */
};

/* Search.  Model:
 *   { "words": [normalised words searched], "also_searched": [synonym
 *     expansions searched too], "ids": [publication ids, newest first],
 *     "next": cursor (the "before" of the next page) or null when no more,
 *     "partial": true when the budget ran out before the page was full,
 *     "truncated": true when the query was cut }
 * An empty query gives no ids.  NULL with err only on a storage failure. */
json_t *disclosure_search(struct db *db, const struct dsearch_query *q, struct err *e);

#endif
