/*
 * flow.h - 法制审核 of a case's decision (the seed's 二.(三) 1-4;
 * 《中华人民共和国行政处罚法》第五十八条): submission by the division,
 * acceptance or 补正 by the 政策法规处, assignment to a qualified
 * reviewer, the opinion (同意 / 存在问题) on a checklist, resubmission in a
 * new round, escalation to the division's 分管负责人 and the leader's
 * decision.  Migration 031 (review_rounds, review_events; append-only).
 *
 * Invariants:
 *  - the state of a review is derived from its events; nothing is updated;
 *  - every step is one transaction with its event row, its op_log row
 *    (object "case", action "review.<step>") and one ledger leaf
 *    ("review.submitted", "review.returned", "review.supplemented",
 *    "review.accepted", "review.assigned", "review.opinion",
 *    "review.escalated", "review.decided") with ids and hashes only
 *    (texts go into the leaf as their SHA-256);
 *  - the submission keeps a snapshot of every record of the case with its
 *    hashes (records_case_file), so everyone can later see exactly what
 *    the reviewer saw; its SHA-256 is in the leaf;
 *  - the 10-working-day clock (deadline rule "review_submitted", object
 *    "review" / round id) starts at acceptance and is met by the opinion;
 *  - no one reviews a case they acted on (an officer of it, anyone who did
 *    an act on it, the submitter); a reviewer must be qualified
 *    (people_reviewer_qualified);
 *  - on -1 nothing was written; e names the field and says why in Chinese.
 *
 * States of a round (review_get "state"): submitted 待受理, returned 待补正,
 * accepted 待分配, reviewing 审核中, agreed 同意, problems 存在问题,
 * escalated 报分管负责人审定, decided 分管负责人已审定.
 * The gate (review_gate_open) is open when the latest round is agreed, or
 * decided with 同意作出 / 修改后作出.
 */
#ifndef ZHIFA_REVIEW_FLOW_H
#define ZHIFA_REVIEW_FLOW_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include "recording/vault.h"
#include <jansson.h>

/* The nine points of the checklist, in order: key and label. */
#define REVIEW_CHECKLIST_N 9
extern const char *const review_checklist_keys[REVIEW_CHECKLIST_N];
extern const char *const review_checklist_labels[REVIEW_CHECKLIST_N];
/* The label of a state ("审核中"), "" when unknown. */
const char *review_state_label(const char *state);

/* Submit case_id (a current officer of it, or a head whose scope holds its
 * unit).  in: {decision (拟作出的决定, 1-5000 characters), report (调查终结
 * 报告, 1-20000), vouch: true (the division answers for the truth,
 * accuracy and completeness of the materials and the legality of facts,
 * evidence, law and procedure - 二.(三).4), the classification members of
 * review_classify (party_kind, fine_yuan, confiscation_yuan, measures,
 * hearing_held, site, flags; procedure comes from the case's kind), and
 * from round 2 answers: [{handled: bool, note}] one per problem of the
 * last opinion}.  A decision that is not major may be submitted (marked
 * voluntary).  Then the 重大执法决定法制审核申请表 of the round is issued
 * (records_issue, like the opinion's 法制审核意见书 below; review_documents).
 * Errors: ERR_NOTFOUND / ERR_FORBIDDEN (the case);
 * ERR_CONFLICT (a review in progress, or already concluded); ERR_INVALID
 * naming the member. */
int review_submit(struct db *db, struct vault *v, const struct actor *a, long long case_id, const json_t *in,
		  long long *round_id, struct err *e);
/* The 政策法规处 (a head or reviewer of it) on the latest round of
 * case_id: accept (materials complete; starts the clock) or return for 补正
 * with what is missing (text, required). */
int review_accept(struct db *db, const struct actor *a, long long case_id, struct err *e);
int review_return(struct db *db, const struct actor *a, long long case_id, const char *missing, struct err *e);
/* The division completes the materials after 补正 (note required): a new
 * snapshot; the round awaits acceptance again. */
int review_supplement(struct db *db, const struct actor *a, long long case_id, const char *note, struct err *e);
/* The 政策法规处 head assigns reviewer_id; or a qualified reviewer claims it. */
int review_assign(struct db *db, const struct actor *a, long long case_id, long long reviewer_id, struct err *e);
int review_claim(struct db *db, const struct actor *a, long long case_id, struct err *e);
/* The assigned reviewer's opinion, confirmed by their password: verdict
 * "agree" | "problems"; checklist {KEY: {"ok": bool, "note": "..."}} for
 * every point (a note for each problem); problems ["...", ...] (required
 * with "problems", none with "agree"); suggestions (optional text).
 * Then the 法制审核意见书 is issued (records_issue: a final document of
 * type review_opinion with its PDF in v, in the case file and the
 * ledger), linked to the opinion (review_documents); when v is
 * NULL or issuing fails the opinion stands and the failure is logged. */
int review_opinion(struct db *db, struct vault *v, const struct actor *a, long long case_id, const json_t *in,
		   const char *password, struct err *e);
/* The head of the case's division sends both opinions to the 分管负责人:
 * only after a resubmission that still got 存在问题; the division's
 * opinion (text, required). */
int review_escalate(struct db *db, const struct actor *a, long long case_id, const char *division_opinion,
		    struct err *e);
/* The 分管负责人 of the case's division decides: verdict "proceed" 同意作出,
 * "refuse" 不同意作出, "modify" 修改后作出 (instructions required);
 * reasons required. */
int review_decide(struct db *db, const struct actor *a, long long case_id, const char *verdict, const char *reasons,
		  const char *instructions, struct err *e);

/* The review of case_id: {state, state_label, gate_open, rounds: [{id,
 * round_no, submitted_by_name, submitted_at_local, major, voluntary,
 * classification, proposal, answers, snapshot, snapshot_sha256, events:
 * [{type, type_label, by_name, by_role_label, reviewer_name, verdict,
 * verdict_label, text, detail, at_local}]}], clock (the open or last one),
 * responsibility: [{step, person, role, answers_for, at_local}], actions:
 * [what a may do now]}.  Readable by those who see the case and by the
 * 政策法规处 once the case was submitted.  ERR_NOTFOUND. */
int review_get(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e);
/* The 政策法规处's queue (a head or reviewer of it), the division's
 * submissions (others: cases in scope), a leader's escalations:
 * {"items": [{case_id, case_no, title, unit_name, round_no, state,
 * state_label, reviewer_name, due_on, clock_state, submitted_at_local}]}. */
int review_queue(struct db *db, const struct actor *a, json_t **out, struct err *e);
/* Statistics per 承办机构 and month (of the case's first submission),
 * newest first: {"items": [{unit_id, unit_name, month (YYYY-MM), reviews
 * (cases submitted), rounds, first_round_decided, first_round_agreed,
 * first_round_agree_rate (0..1 or null), avg_workdays (from acceptance to
 * opinion, working days, or null), overdue (rounds past their clock),
 * escalations}]}.  Heads see the units in their scope; the 政策法规处,
 * leaders and supervisors every unit; others ERR_FORBIDDEN. */
int review_stats(struct db *db, const struct actor *a, json_t **out, struct err *e);
/* Whether the review of case_id lets the decision be made; when not, msg
 * says why ("法制审核尚未同意：审核中"). */
bool review_gate_open(struct db *db, long long case_id, char *msg, size_t msg_size);
/* The case of review round round_id (the object of the review clock),
 * 0 when none. */
long long review_round_case(struct db *db, long long round_id);
/* Register the requirement type "review" (label 法制审核) and its
 * evaluator with the procedures (cases/procedure.h).  Idempotent. */
void review_init(void);

#endif
