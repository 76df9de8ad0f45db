/*
 * procedure.h - enforcement procedures as versioned data (程序模板): the
 * stages a case runs through, the transitions the law allows, what each
 * stage requires before a case may leave it, the clocks it starts and
 * meets, the periods not counted on a clock, extensions, and the endings
 * that are not 结案 - every rule with its legal basis.
 *
 * Storage.  Table procedures (migration 023) is append-only (the database
 * refuses UPDATE and DELETE): one row per (code, version), with kind,
 * name, effective_from, basis and the canonical definition (jansson
 * JSON_COMPACT | JSON_SORT_KEYS).  A case stores procedure_id, the exact
 * row it started under, so a later version never changes a running case.
 * The defaults are shipped in src/assets/data/procedures.json (embedded)
 * and loaded by procedure_ensure_defaults (called after db_migrate by the
 * command line and server start-up): a code that has no row yet gets its
 * default as version 1, so a fresh and an existing database each get every
 * default exactly once.
 *
 * Definition (docs in src/assets/data/procedures.json):
 *   { "kind": penalty|licence|inspection|coercion|levy|other, "name",
 *     "basis", "min_officers", "min_officers_basis", "initial",
 *     "stages": [{ "code" ([a-z][a-z0-9_]{0,31}), "name", "basis",
 *                  "number" (a number scheme kind, optional),
 *                  "start_clocks": [event_code], "meet_clocks": [event_code],
 *                  "requires": [{ "type": officers|party|matter|approval|…,
 *                                 "approval", "role", "name", "basis" }] }],
 *     "transitions": [{ "from", "to", "basis", "when" (optional note) }],
 *     "final": [stage code],
 *     "endings": [{ "code", "name", "from": [stage] (absent: any stage
 *                   that is not final), "role", "basis",
 *                   "meet_clocks": [event_code] (optional) }],
 *     "suspensions": [{ "code", "name", "clocks": [event_code], "basis" }],
 *     "extensions": [{ "clock", "role", "name", "days" (optional), "basis",
 *                      "own_rule" (optional bool) }] }
 *
 * Roles are the identifiers of actor.h (officer, head, reviewer, leader,
 * archivist, admin, supervisor).  "own_rule": true marks a rule the
 * department set itself (not the law's).
 *
 * Semantics for the cases layer (gates.c):
 *   - a stage's "requires" must all be met before the case leaves the
 *     stage by any transition (a transition carries no requirements of its
 *     own: validation refuses them);
 *   - entering a stage assigns its "number" (a number scheme kind), starts
 *     its "start_clocks" and meets its "meet_clocks" on the act's date;
 *     clocks are named by deadline_rules.event_code (the clock's own code,
 *     not its ends_with event);
 *   - taking an ending meets its "meet_clocks"; the case's other open
 *     clocks are the cases layer's to close;
 *   - "suspensions" are the periods a clock does not count (deadline_suspend
 *     / deadline_resume), "extensions" who may extend which clock, by how
 *     many days at most (absent: the clock rule's extension_days).
 */
#ifndef ZHIFA_PROCEDURE_H
#define ZHIFA_PROCEDURE_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

#define PROCEDURE_DEFAULTS_FILE "data/procedures.json"
/* The canonical text of a definition is at most this long. */
#define PROCEDURE_MAX_BYTES (256 * 1024)

/* ---- requirement types ----
 * The types a stage may require ("officers", "party", "matter" and
 * "approval" are built in).  Later issues register theirs ("record",
 * "review") at start-up, before any definition is validated; the one
 * place that evaluates requirements is src/cases/gates.c.  check (may be
 * NULL) validates the type's own members of one requirement object and
 * adds problems to all, naming field (e.g. "stages[2].requires[0]"). */
typedef void (*procedure_req_check_fn)(const json_t *req, const char *field, struct errs *all);
/* Register a type with its Chinese label.  0, or -1 when the table (16)
 * is full or type is not [a-z_]{1,31}.  Registering a type again replaces
 * its label and check.  Not thread-safe: call at start-up. */
int procedure_requirement_register(const char *type, const char *label, procedure_req_check_fn check);
bool procedure_requirement_known(const char *type);
/* How a registered type is evaluated for one case (gates.c): whether the
 * requirement req (the stage's requires[] object) is met for case_id, the
 * case having entered its current stage at act seq since_seq, on the act
 * date (YYYY-MM-DD).  Returns 1 met, 0 not met (msg: a Chinese sentence
 * saying what is missing, e.g. "尚缺已定稿的立案审批表"), -1 storage
 * failure (treated as not met).  A type without an evaluator is never met.
 * Set at start-up by the module that owns the type (records, review). */
typedef int (*procedure_req_eval_fn)(struct db *db, long long case_id, const json_t *req, int since_seq,
				     const char *date, char *msg, size_t msg_size);
int procedure_requirement_set_eval(const char *type, procedure_req_eval_fn eval);
procedure_req_eval_fn procedure_requirement_eval(const char *type);
/* Chinese label of a type ("执法人员" …), "" when unknown. */
const char *procedure_requirement_label(const char *type);

/* Clock event codes a definition may name although deadline_rules does not
 * hold them yet (the case clocks of issue 9 while their migration is being
 * added): true for those codes. */
bool procedure_clock_pending(const char *event_code);
/* The name of such a clock ("作出行政处罚决定（普通程序）"), NULL if it is
 * not one of them. */
const char *procedure_clock_pending_name(const char *event_code);

/* Kind identifiers and their Chinese labels (行政处罚 …); "" if unknown. */
const char *procedure_kind_label(const char *kind);

/* ---- validation ----
 * Check a definition and add every problem to all, each naming its place
 * (field "stages[2].requires[0].basis" …) with a Chinese message: kind
 * known; name, basis, initial present; min_officers >= 1 with its basis;
 * stage codes well-formed and unique; every stage reachable from initial;
 * transitions name known stages, no duplicates; final stages exist and
 * have no way out; every requirement type registered, approvals with a
 * known role and a code; every rule (stage, transition leaving the plain
 * order, requirement, ending, suspension, extension) with a basis; roles
 * known; clock codes well-formed; ending codes unique, their "from" stages
 * known.  Returns 0 when there is none, else -1 (all->kind = 400). */
int procedure_validate(const json_t *def, struct errs *all);
/* procedure_validate, and every clock named (start_clocks, meet_clocks,
 * suspensions, extensions) exists as a deadline_rules event_code or is
 * pending (procedure_clock_pending). */
int procedure_validate_db(struct db *db, const json_t *def, struct errs *all);

/* ---- reading (no actor: for the domain, e.g. cases and gates) ----
 * The version of code in force on date (YYYY-MM-DD): the latest
 * effective_from <= date (then the highest version).  *def gets the
 * definition (new reference), *id the row id (either may be NULL).
 * ERR_NOTFOUND naming "procedure" when none; ERR_INVALID naming "date"
 * for a malformed date. */
int procedure_for(struct db *db, const char *code, const char *date, json_t **def, long long *id,
		  struct err *e);
/* One row: {id, code, version, kind, kind_label, name, effective_from,
 * basis, created_at, created_by (username or "system"), sha256,
 * definition (object)}.  ERR_NOTFOUND when id is unknown. */
int procedure_get(struct db *db, long long id, json_t **out, struct err *e);

/* ---- reading for the administrator (ROLE_ADMIN, else ERR_FORBIDDEN) ----
 * Every code with its versions, ordered by code:
 * [{code, kind, kind_label, name, current_id (in force today, or null),
 *   versions: [{id, version, name, effective_from, created_at, created_by,
 *   sha256, current (bool)}] (newest version first)}]. */
int procedure_list(struct db *db, const struct actor *a, json_t **out, struct err *e);
/* procedure_get, plus "versions" (as in procedure_list) of its code,
 * "current" (bool: the version in force today) and "clock_names"
 * ({event_code: the clock rule's name} for every clock the definition
 * names: the latest rule version's name, else the pending name). */
int procedure_view(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* ---- changing ----
 * Add a version of code (an existing code, or a new one) effective from
 * effective_from (YYYY-MM-DD, not before today in Beijing).  Only
 * ROLE_ADMIN (ERR_FORBIDDEN).  def is validated (procedure_validate_db;
 * every problem into all, the first also into e, ERR_INVALID); its kind
 * must be the code's kind.  Stored canonical; version = last + 1.  One
 * transaction with the op_log row "procedure.add" (object "procedure", the
 * new id) and the ledger leaf "procedure.version" {id, code, version,
 * actor, sha256 (of the canonical definition)}.  *id (may be NULL) gets
 * the new row id.  Running cases keep their procedure_id. */
int procedure_add_version(struct db *db, const struct actor *a, const char *code, const json_t *def,
			  const char *effective_from, long long *id, struct errs *all, struct err *e);

/* Load every default procedure whose code has no row yet (version 1,
 * created_by "system", effective_from from the defaults file: 2021-07-15
 * for penalties, the law's date for the others), each with its op_log row
 * and ledger leaf, in one transaction.  *added (may be NULL) gets the
 * number loaded.  Idempotent; safe with several instances at once. */
int procedure_ensure_defaults(struct db *db, int *added, struct err *e);
/* The embedded defaults file parsed: {code: {effective_from, definition}}
 * (new reference), NULL with e when broken. */
json_t *procedure_defaults(struct err *e);

/* Canonical text of a definition (JSON_COMPACT | JSON_SORT_KEYS), caller
 * frees; and its SHA-256 in lower-case hex. */
char *procedure_canonical(const json_t *def);
void procedure_sha256(const char *canonical, char out[65]);

/* ---- accessors for gates and pages (borrowed references; NULL / false
 * when absent) ---- */
const json_t *procedure_stage(const json_t *def, const char *code);
/* Chinese name of a stage, or of an ending when no stage has that code;
 * "" when neither. */
const char *procedure_stage_name(const json_t *def, const char *code);
bool procedure_transition_ok(const json_t *def, const char *from, const char *to);
/* The transition object from -> to (its "when" and "basis"), or
 * NULL when the procedure does not allow it. */
const json_t *procedure_transition(const json_t *def, const char *from, const char *to);
/* Every clock code the definition names (stages, endings, suspensions,
 * extensions), each once (array of strings, new reference). */
json_t *procedure_clocks(const json_t *def);
/* The stages reachable in one step from from (array of codes, new ref). */
json_t *procedure_next_stages(const json_t *def, const char *from);
bool procedure_is_final(const json_t *def, const char *stage);
/* The ending of that code, or NULL. */
const json_t *procedure_ending(const json_t *def, const char *code);
/* True when the ending may be taken from stage (its "from" list, or any
 * stage that is not final when it has none). */
bool procedure_ending_allowed(const json_t *def, const char *ending, const char *stage);
const json_t *procedure_suspension(const json_t *def, const char *code);
/* The extension rule of a clock, or NULL. */
const json_t *procedure_extension(const json_t *def, const char *clock);
/* min_officers of the definition (at least 1; 2 when absent). */
int procedure_min_officers(const json_t *def);
#endif
