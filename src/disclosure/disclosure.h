/*
 * disclosure.h - 事后公开: the publication of enforcement decisions (the
 * seed's 二.(一).4-5; docs/disclosure.md).
 *
 * - Finalising a decision document whose type has "publish" (doc_types.json)
 *   creates its publication draft in the same transaction, with the clock
 *   of the type's deadline rule from the decision date
 *   (decision_licence_penalty: 7 working days; decision_other: 20).  A
 *   correction document of a published decision makes the draft of the
 *   publication's next version instead.
 * - The draft's fields are the national 双公示 sets (CF_ for penalties, XK_
 *   for licences) or the seed's five, as data (disclosure_rules.json); the
 *   free-text ones and the full decision text go through the redaction
 *   engine (publicity/redact.h) with the marks staff add or remove.
 * - Not publishing is requested with a reason of the rules and approved by
 *   the head of the owning unit; publishing (and correcting, withdrawing,
 *   ending early) is the head's act (谁执法谁公示), after the preview whose
 *   hash the head confirms, and only when review_publication_allowed().
 * - Each change of what is public writes a version or event row, a ledger
 *   leaf, an op_log row and calls the listeners of disclosure_on_change, in
 *   one transaction.
 */
#ifndef ZHIFA_DISCLOSURE_H
#define ZHIFA_DISCLOSURE_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

struct records_finalised;

typedef int (*disclosure_change_fn)(struct db *db, long long publication_id, struct err *e);
/* Register fn (at start-up): called inside the transaction of every change of what is public
 * (publish, correct, withdraw, expire, end early); -1 rolls it back. */
int disclosure_on_change(disclosure_change_fn fn);

/* Register the finalising hook with the records (idempotent). */
void disclosure_init(void);
/* The hook itself (records/decision.h records_finalised_fn). */
int disclosure_on_finalised(struct db *db, const struct actor *a, const struct records_finalised *f, struct err *e);

/* The rules (disclosure_rules.json, embedded), validated on first use;
 * NULL when they are broken (logged). */
const json_t *disclosure_rules(void);
/* Validate a rules document: every problem into all; 0 or -1. */
int disclosure_rules_validate(const json_t *rules, struct errs *all);
/* The publicity period's end (YYYY-MM-DD) of a decision of kind with
 * measures (array of names, may be NULL) decided on date; "" when the kind
 * has none.  ban_until: the end of a 限制从业 (YYYY-MM-DD) or NULL. */
void disclosure_period_end(const char *kind, const json_t *measures, const char *date, const char *ban_until,
			   char out[11]);

/* ---- reading (a must see the owning unit: scope, or a supervisor) ---- */
/* {id, case_id, document_id, kind, kind_label, state, state_label, unit_id, unit_name, body_unit_id,
 *  decision_no, decision_date, due_on, clock_state, clock_state_label, overdue (bool), current_version,
 *  party_name, category, title, period_ends_on, withdrawn_on, withdrawn_reason, published_at, row_version,
 *  include_text, draft_document_id, versions: [{version, sha256, note, published_by, published_at,
 *  leaf_index, content}], events: [{type, type_label, version, reason, detail, by_user, at, on_date}],
 *  exclusion_pending: {reason, reason_label, note, by_user, at} | null, can: {publish, decide, write}} */
int disclosure_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);
/* The publications of the units a sees, most urgent first (overdue,
 * due soon, open drafts, then the rest by decision date).  state NULL for
 * all.  [{id, kind, kind_label, state, state_label, unit_name, decision_no, decision_date, due_on,
 *  clock_state, clock_state_label, title, party_name, current_version}] */
int disclosure_list(struct db *db, const struct actor *a, const char *state, int limit, json_t **out,
		    struct err *e);
/* Counts for a dashboard: {drafts, due_soon, overdue, published} of the units a sees. */
int disclosure_counts(struct db *db, const struct actor *a, json_t **out, struct err *e);

/* The preview of the next version: {version, kind, content (the exact bytes that publishing stores),
 * sha256, targets: [{target, name, original, redacted, marks: [{start, end, kind, kind_label, reason,
 * staff (bool)}]}], staff_marks: [{id, target, op, start, end, reason, by_user, at}], include_text,
 * overdue (bool), due_on, allowed (bool), allowed_reason}. */
int disclosure_preview(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* ---- acts (each one transaction; row_version is the publication's) ---- */
struct disclosure_mark_input {
	const char *target; /* a redacted field's key, or "text" */
	const char *op;     /* "add" | "remove" | "revoke" */
	long long start, end;
	long long revokes;  /* op revoke: the id of the staff mark taken back */
	const char *reason; /* required */
};
int disclosure_mark(struct db *db, const struct actor *a, long long id, int row_version,
		    const struct disclosure_mark_input *in, long long *mark_id, struct err *e);
/* Publish the redacted full decision text too, or not. */
int disclosure_set_text(struct db *db, const struct actor *a, long long id, int row_version, bool include,
			struct err *e);
/* Ask not to publish: reason a code of the rules' exclusions, note required. */
int disclosure_exclusion_request(struct db *db, const struct actor *a, long long id, int row_version,
				 const char *reason, const char *note, struct err *e);
/* The head of the owning unit approves (state not_published) or refuses the pending request. */
int disclosure_exclusion_decide(struct db *db, const struct actor *a, long long id, int row_version,
				bool approve, const char *note, struct err *e);
/* Publish the draft (the head of the owning unit): preview_sha256 is the
 * hash of the preview the head saw (it must be the content now); past the
 * clock overdue_ack must be true (the event records the overdue mark). */
int disclosure_publish(struct db *db, const struct actor *a, long long id, int row_version,
		       const char *preview_sha256, bool overdue_ack, struct err *e);
/* Publish the draft as the next version of a published item, with its note. */
int disclosure_correct(struct db *db, const struct actor *a, long long id, int row_version,
		       const char *preview_sha256, const char *note, struct err *e);
/* Record that a published decision was revoked, confirmed illegal, is to
 * be remade or was changed (an officer of the case or the head): reason as
 * for a withdrawal, note, event_date; starts the 3-working-day clock of
 * the withdrawal (行政处罚法 第四十八条第二款), which the head's withdrawal
 * meets.  One open report at a time. */
int disclosure_report_revocation(struct db *db, const struct actor *a, long long id, int row_version,
				 const char *reason, const char *note, const char *event_date, struct err *e);
/* Withdraw a published item: reason 撤销 | 确认违法 | 责令重新作出 | 变更,
 * note required, event_date the day the decision was revoked etc. (the
 * 3-working-day clock runs from it; may be empty when a revocation was
 * reported, whose clock is then met). */
int disclosure_withdraw(struct db *db, const struct actor *a, long long id, int row_version, const char *reason,
			const char *note, const char *event_date, struct err *e);
/* End the publicity period early after 信用修复 (the head; note required). */
int disclosure_end_early(struct db *db, const struct actor *a, long long id, int row_version, const char *note,
			 struct err *e);
/* The daily period end: every published item whose period_ends_on is
 * before today becomes expired (system event, leaf).  One transaction per
 * item; *n the number ended.  0 or -1. */
int disclosure_expire_due(struct db *db, const char *today, int *n, struct err *e);

const char *disclosure_state_label(const char *state);
const char *disclosure_kind_label(const char *kind);
#endif
