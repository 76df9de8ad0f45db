/*
 * internal.h - helpers shared by the files of src/publicity/ only (not a
 * public interface; other modules use publicity.h).
 */
#ifndef ZHIFA_PUBLICITY_INTERNAL_H
#define ZHIFA_PUBLICITY_INTERNAL_H
#include "publicity/publicity.h"
#include "core/hash.h"

/* The normalised search text of an item's content: name, category label,
 * unit name and every descriptive string, space-separated. */
void pub_search_text(enum pub_kind kind, const json_t *content, const char *unit_name, struct buf *out);

/* Canonical JSON text of a validated content object (caller frees). */
char *pub_canonical(const json_t *content);

/* Append to sql " AND (col LIKE ? ESCAPE '!') ..." for each word and the
 * bound patterns to params (at most max; returns the new count).  pats
 * receives the pattern buffers, which must outlive the query
 * (pub_patterns_free). */
#define PUB_MAX_WORDS 8
struct pub_patterns {
	int n;
	struct buf pat[PUB_MAX_WORDS];
};
void pub_patterns_build(struct pub_patterns *p, const char *keywords);
void pub_patterns_free(struct pub_patterns *p);

/* Fill a list entry from a row: columns id, kind, name, category, unit_id,
 * unit_name, matter_id, version, published_at (by name). */
json_t *pub_entry_from_row(const struct db_res *r, int row);

/* The draft token of a draft's canonical JSON text: its SHA-256, hex. */
void pub_draft_token(const char *draft_json, char out[HASH_HEX]);

/* Storage failure: log the database message and fill e generically. */
int pub_db_fail(struct db *db, struct err *e);
/* Create and publish an item in the caller's transaction without the
 * permission checks (the demo loader; a = the publisher, may be NULL for
 * the system, then published_by is NULL).  Returns the id or -1. */
long long pub_system_create_publish(struct db *db, const struct actor *a, enum pub_kind kind, long long unit_id,
				    long long matter_id, const json_t *content, struct err *e);
#endif
