/*
 * publicity.h - 事前公开: the catalogue of enforcement matters (执法事项),
 * their service guides (服务指南) and random inspection items (随机抽查事项),
 * with drafting, publishing by the owning unit's head (谁执法谁公示),
 * versions, withdrawal, search, flowcharts and the demo catalogue.
 *
 * Model.  An "item" is one of three kinds (matter, guide, inspection) owned
 * by one unit (the enforcement body, fixed at creation).  It has a working
 * copy (the draft, edited by officers and the head of the owning unit) and
 * zero or more published versions.  Publishing turns the pending draft into
 * version N+1, an immutable row (the database refuses UPDATE and DELETE on
 * pub_item_versions); the public always sees the latest published version
 * and may read every earlier one.  Withdrawing (撤下) takes a published item
 * out of the portal's lists and search and records who, when and why in
 * pub_withdrawals; its public page stays, saying so, with every version
 * still readable; editing and publishing again brings it back as a new
 * version.
 *
 * Content is a JSON object, validated and canonicalised (only known keys,
 * trimmed strings, sorted keys, compact) before it is stored:
 *
 *   matter:     { "name", "category" (inspection|licence|penalty|levy|
 *                 coercion|other), "duties", "authority",
 *                 "basis": [{"law","article"}] (1..20),
 *                 "procedure": [{"name","note","time_limit"}] (2..30;
 *                 a bare string is a step name),
 *                 "remedy": [{"type": "review"|"litigation","body",
 *                 "time_limit"}] (1..4) }
 *   guide:      { "name", "accepting_body", "approving_body", "conditions",
 *                 "time_limit", "materials": ["..."] (1..50), "fees",
 *                 "contact", "basis": [...] (0..20) }  - linked to a matter
 *   inspection: { "name", "content", "basis": [...] (1..20), "method",
 *                 "frequency", "inspecting_unit" } - optionally linked to a
 *                 matter; inspecting_unit defaults to the unit's name.
 *
 * Permissions (checked here, from the actor and the units table):
 *   draft (create/update): ROLE_OFFICER or ROLE_HEAD of the owning unit,
 *     which must hold enforcement power;
 *   publish / withdraw: ROLE_HEAD of the owning unit only (not an admin,
 *     not the head of another unit);
 *   back-office reads: logged in, and the unit is within the actor's scope
 *     (SCOPE_OWN: own unit; SCOPE_SUBTREE: own unit and descendants;
 *     SCOPE_ALL: every unit);
 *   portal reads: anyone, published items (and the page and versions of
 *     withdrawn ones) only.
 *
 * Every change runs in one transaction with its audit_log() row; on -1
 * nothing was written and e holds kind (core/err.h), field and a Chinese
 * message.  Returned json_t models are new references (caller json_decref).
 */
#ifndef ZHIFA_PUBLICITY_H
#define ZHIFA_PUBLICITY_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "people/actor.h"
#include <jansson.h>

enum pub_kind { PUB_MATTER = 1, PUB_GUIDE = 2, PUB_INSPECTION = 3 };

/* "matter" / "guide" / "inspection" and 执法事项 / 服务指南 / 随机抽查事项;
 * pub_kind_parse returns 0 for an unknown identifier. */
const char *pub_kind_ident(enum pub_kind k);
const char *pub_kind_label(enum pub_kind k);
enum pub_kind pub_kind_parse(const char *ident);

/* Category label (行政许可 …) for an identifier (licence …); NULL if the
 * identifier is not one of the six categories. */
const char *pub_category_label(const char *ident);
/* Status label: draft 草稿, published 已公示, withdrawn 已撤下; "" if unknown. */
const char *pub_status_label(const char *status);

/* Validate content of the given kind and return its canonical form (a new
 * object) or NULL with e filled (ERR_INVALID, field like "name" or
 * "procedure[1].name").  unit_name fills inspection.inspecting_unit when
 * empty (may be NULL). */
json_t *publicity_validate(enum pub_kind kind, const json_t *content,
			   const char *unit_name, struct err *e);
/* The same, adding every problem found to all (in form order), so a form
 * can show them all at once; NULL when there was any. */
json_t *publicity_validate_all(enum pub_kind kind, const json_t *content,
			       const char *unit_name, struct errs *all);

/* ---- lifecycle ---- */

/* Create a draft item owned by unit_id (0 = the actor's unit).  matter_id:
 * for a guide, the matter it serves (required, same unit); for an
 * inspection item optional (0 = none); must be 0 for a matter.
 * Returns the new item id, or -1. */
long long publicity_create(struct db *db, const struct actor *a, enum pub_kind kind,
			   long long unit_id, long long matter_id,
			   const json_t *content, struct err *e);

/* Replace the working copy (draft) of an item with new content.  A
 * published item stays visible unchanged until the draft is published.
 * Returns 0 or -1. */
int publicity_update(struct db *db, const struct actor *a, long long id,
		     const json_t *content, struct err *e);

/* Publish the pending draft as the next version (head of the owning unit
 * only).  change_note (may be NULL/"") says what changed, <= 200 chars.
 * Returns the new version number (1, 2, …) or -1 (ERR_CONFLICT when there
 * is no pending draft). */
int publicity_publish(struct db *db, const struct actor *a, long long id,
		      const char *change_note, struct err *e);

/* The same after a confirmation step: expect_token is the "draft_token" of
 * the draft the publisher was shown (publicity_office_item).  When the
 * draft has changed since (another edit), nothing is published and the
 * answer is ERR_CONFLICT with field "draft_token", checked in the same
 * transaction as the publication.  expect_token NULL: no check. */
int publicity_publish_confirmed(struct db *db, const struct actor *a, long long id,
				const char *change_note, const char *expect_token, struct err *e);

/* Withdraw (撤下) a published item with a reason (required, <= 500 chars;
 * head of the owning unit only).  The versions are kept; the withdrawal is
 * recorded.  Returns 0 or -1 (ERR_CONFLICT when not published). */
int publicity_withdraw(struct db *db, const struct actor *a, long long id,
		       const char *reason, struct err *e);

/* ---- reads ---- */

struct publicity_query {
	long long unit_id;    /* 0 = any unit */
	const char *category; /* NULL or "" = any; else a category identifier */
	const char *keyword;  /* NULL or "" = none; space-separated words AND */
	long long matter_id;  /* guides/inspections of one matter; 0 = any */
	const char *status;   /* back office only: draft|published|withdrawn; NULL = any */
	const char *sort;     /* NULL/"" = the default order; else one of publicity_sort_ok's columns */
	bool asc;             /* with sort: ascending */
	int page;             /* 1-based; <= 0 means 1 */
	int per_page;         /* <= 0 means 20; capped at 100 */
};

/* True when col may sort a list: "name", "category", "unit_name",
 * "published_at", and in the back office "status".  Any other sort is
 * ERR_INVALID naming "sort". */
bool publicity_sort_ok(const char *col, bool office);

/* Portal list of published items of a kind (latest versions), filtered
 * and paged; with a keyword, ordered by relevance (name matches first),
 * otherwise by unit and name.  Model:
 *   { "kind", "total", "page", "per_page", "items": [ { "id", "kind",
 *     "name", "category", "category_label", "unit_id", "unit_name",
 *     "matter_id", "version", "published_at" } ] }
 * Returns NULL with e filled on a bad query or storage failure. */
json_t *publicity_portal_list(struct db *db, enum pub_kind kind,
			      const struct publicity_query *q, struct err *e);

/* Units with published items, for the portal's unit filter, in unit order:
 *   { "units": [ { "id", "name", "matters", "guides", "inspections" } ] }
 * (counts of published items of each kind). */
json_t *publicity_portal_units(struct db *db, struct err *e);

/* Portal view of one published or withdrawn item (latest version):
 *   { "id", "kind", "unit_id", "unit_name", "matter_id", "version",
 *     "published_at", "published_by_name", "status" (published|withdrawn),
 *     "content": {...},
 *     "versions": [ { "version", "published_at", "published_by",
 *                     "published_by_name", "change_note",
 *                     "effective_from", "effective_to" (null while in
 *                     force: the next version's publication or the
 *                     withdrawal of this version) } ] (newest first),
 *     "withdrawal": { "version", "at", "reason" } | null (the latest
 *     withdrawal, while the item is withdrawn),
 *     and for a matter "guides": [...], "inspections": [...] (published,
 *     list entries as above) }
 * A withdrawn item keeps its page (the portal says 已撤下 with the date
 * and reason; its content is that of the withdrawn version) but is in no
 * list or search.  ERR_NOTFOUND when absent or never published. */
json_t *publicity_portal_item(struct db *db, long long id, struct err *e);

/* Portal view of one version of a published or withdrawn item:
 *   { "id", "kind", "unit_id", "unit_name", "version", "latest_version",
 *     "published_at", "published_by_name", "change_note", "content",
 *     "status", "effective_from", "effective_to" (null while in force) } */
json_t *publicity_portal_version(struct db *db, long long id, int version, struct err *e);

/* Back-office list of items of a kind within the actor's scope, any status
 * (drafts included).  Entries as the portal's plus "status",
 * "status_label", "has_draft", "latest_version" ("version" = latest
 * published, 0 if none).  ERR_UNAUTH for the public, ERR_FORBIDDEN when
 * q->unit_id is outside the scope. */
json_t *publicity_office_list(struct db *db, const struct actor *a, enum pub_kind kind,
			      const struct publicity_query *q, struct err *e);

/* Back-office view of one item:
 *   { "id", "kind", "unit_id", "unit_name", "matter_id", "status",
 *     "status_label", "has_draft", "latest_version",
 *     "draft_token" (SHA-256 hex of the pending draft, "" without one),
 *     "draft": {...}|null, "published": {...}|null (latest version),
 *     "versions": [...], "withdrawals": [ { "version", "at", "by_name",
 *     "reason" } ], "can_edit": bool, "can_publish": bool }
 * ERR_NOTFOUND / ERR_FORBIDDEN (unit outside scope). */
json_t *publicity_office_item(struct db *db, const struct actor *a, long long id, struct err *e);

/* True if unit_id is within the actor's data scope (see actor.h). */
bool publicity_unit_in_scope(struct db *db, const struct actor *a, long long unit_id);

/* ---- search ---- */

/* Public search over published matters, guides, inspection items and the
 * names of units, by keywords (space-separated, all must match; substring
 * match, so two-character words work).  Model:
 *   { "keyword", "matters": [...], "guides": [...], "inspections": [...],
 *     "units": [ { "id", "name", "code" } ] }
 * each list at most limit entries (<= 0 means 20), by relevance, and
 * "also_searched": the keyword strings searched besides the one typed
 * (synonyms, publicity_word_variants), whose hits follow the typed one's.
 * Officers are searched by the people module; the pages combine both. */
json_t *publicity_search(struct db *db, const char *keywords, int limit, struct err *e);

/* Search synonyms (src/assets/data/synonyms.json, with the source of each
 * entry): the variants of one normalised word - the word itself first,
 * then the word with a known short or colloquial term in it replaced by
 * each of its standard terms (民爆 -> 民用爆炸物品, 黑广播 -> 非法设置无线电台
 * (站) ...), all normalised.  At most max (>= 1) variants, each xstrdup'd
 * (caller frees each); returns the count. */
#define PUBLICITY_MAX_VARIANTS 4
int publicity_word_variants(const char *word, char **out, int max);

/* Normalise text for search columns and keywords alike: ASCII and
 * full-width Latin letters/digits folded to lower-case ASCII, every run of
 * white space (including U+3000) to one space, trimmed.  Appends to out. */
void publicity_search_normalize(const char *s, struct buf *out);

/* Split keywords (normalised first) at spaces into at most max words
 * (each xstrdup'd, caller frees each); returns the count. */
int publicity_keywords_split(const char *keywords, char **words, int max);

/* Append the LIKE pattern "%word%" for one normalised word, escaping
 * '!', '%' and '_' with '!': use as "col LIKE ? ESCAPE '!'". */
void publicity_like_pattern(const char *word, struct buf *out);

/* ---- differences between versions (diff.c) ---- */

/* Field by field, in the order of the public page, the differences from
 * old (the published content; NULL or null when nothing is published)
 * to new (the draft) of a kind:
 *   [ { "field", "label" (名称 …), "changed": bool, "old", "new" (the
 *       field as text, lists one entry per line),
 *       "lines": [ { "op": "same"|"del"|"add", "text" } ] } ]
 * A new reference. */
json_t *publicity_diff(enum pub_kind kind, const json_t *old_content, const json_t *new_content);

/* Compare two texts line by line (longest common subsequence; very long
 * texts fall back to all removed, all added) and append to the array out
 * one { "op": "same"|"del"|"add", "text" } per line, in order. */
void publicity_line_diff(const char *old_text, const char *new_text, json_t *out);

/* ---- flowchart ---- */

/* Draw a matter's procedure as an SVG document (UTF-8) appended to out:
 * the matter name as title, one box per step from top to bottom joined by
 * arrows (long names wrapped, note and time limit under the name), and the
 * remedy channels as a side note beside the last step.  matter is the
 * content object or a model holding it under "content".  Every text is
 * XML-escaped.  Returns 0, or -1 if there are no procedure steps. */
int publicity_flowchart_svg(const json_t *matter, struct buf *out);

/* ---- demo ---- */

/* Load the demo catalogue (matters, guides, inspection items) for the demo
 * units, found by name, each published by the unit's head (published_by
 * NULL and a warning when the unit has no head).  Units that already have
 * items, and units that do not exist, are skipped.  One transaction.
 * Returns the number of items created, or -1. */
int publicity_demo_seed(struct db *db, struct err *e);

#endif
