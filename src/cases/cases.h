/*
 * cases.h - 案件: every enforcement act runs as a case, from 立案 (or an
 * application) to 结案, by the procedure (src/cases/procedure.h) it was
 * opened under, with its matters, parties, officers, participants, numbers
 * and clocks.
 *
 * Tables (migration 024): cases, case_matters, case_parties, case_officers,
 * case_participants, case_acts.  case_acts is append-only (UPDATE/DELETE
 * refused by trigger on SQLite and PostgreSQL); nothing about a case is ever
 * deleted: 不予立案, 撤案, 移送, 移送司法机关 and 终止 are endings (status
 * "ended", column ending), 结案 is status "closed".
 *
 * Invariants of every act (case_open, case_act):
 *  - one transaction holding the change, its case_acts row, its op_log row
 *    (audit_log, object type "case", action "case.<act type>") and one
 *    ledger leaf ("case.opened", "case.stage", "case.officers",
 *    "case.participants", "case.approved", "case.suspended",
 *    "case.resumed", "case.extended", "case.ended", "case.closed") holding
 *    ids and hashes only - never names, identity numbers or free text
 *    (reasons and notes go into the leaf as their SHA-256);
 *  - the act records what it saw: the party versions (re-linked to each
 *    party's current version) and the certificate id of every officer;
 *  - officers are checked on every act: at least the procedure's
 *    min_officers, each holding a certificate valid on the act date whose
 *    scope covers every matter of the case (cert_check_officer); the
 *    message names the person ("罗春梅的执法证已暂扣，不能参与执法");
 *  - entering a stage assigns the stage's number (numbering_next, in the
 *    same transaction), starts its clocks (deadline_start, object type
 *    "case", object id the case id) and meets the clocks ended by entering
 *    it (deadline_meet_event);
 *  - a stage is left only when src/cases/gates.c, the one place where
 *    stage requirements are asked, says its requirements are met;
 *  - optimistic concurrency: every case_act names the row_version it saw;
 *    a stale one is ERR_CONFLICT (409) "该案件已被他人修改（…），请刷新后
 *    重试" and nothing is written; each act adds 1 to cases.row_version.
 *  - on -1 nothing was written; e holds the kind (400/403/404/409), the
 *    field ("officer_ids", "matter_ids", "to", "on_date" …) and a Chinese
 *    message naming the field or the person.
 *
 * Who sees what (enforced here, 二.(二).4 - cases are not public):
 *  - officer (执法人员): the cases of their own unit and those they act on
 *    (a current officer of the case);
 *  - head (处室负责人): the cases of the units in their scope (own unit and
 *    below, actor/scope.h) and those they act on;
 *  - reviewer (法制审核人员): those of their own unit, and, for reviewers of
 *    the 政策法规处, the open cases whose current stage awaits a reviewer's
 *    approval (法制审核: submitted to them; issue 11 refines this);
 *  - leader (分管负责人) and supervisor (监督): every case, read only;
 *  - archivist (档案管理员): closed cases, read only;
 *  - admin (系统管理员): none (not a case role); the public: none.
 * A case outside the reader's view is ERR_NOTFOUND (404, "案件不存在或无权
 * 查看"), so ids of other units' cases are not confirmed.  Every read of
 * one case (case_get, case_actions) writes an op_log row "case.read".
 *
 * Dates are Beijing calendar dates "YYYY-MM-DD"; the act date (on_date)
 * may not lie in the future nor before the case's last act; NULL/"" means
 * today.
 */
#ifndef ZHIFA_CASES_H
#define ZHIFA_CASES_H
#include <jansson.h>
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

/* The sources of a case (where it came from) and their labels:
 * complaint 投诉举报, inspection 检查发现, random 双随机抽查, assigned 上级交办,
 * transfer_in 移送, application 依申请, other 其他.  NULL if unknown. */
const char *case_source_label(const char *source);
/* Statuses: open 办理中, closed 已结案, ended 已终结 (不予立案、撤案、移送 …). */
const char *case_status_label(const char *status);
/* Act types: opened 立案/受理, stage 环节变更, officers 执法人员变更,
 * participants 辅助人员/专家, approved 审批, suspended 中止计时,
 * resumed 恢复计时, extended 延长期限, ended 终结, closed 结案. */
const char *case_act_label(const char *type);
/* Case kinds (penalty 行政处罚 …): the dictionary name of the kind. */
const char *case_kind_label(const char *kind);

/* ---- opening ---- */
struct case_input {
	const char *procedure;          /* procedure code, e.g. "penalty_general";
					   the version in force on on_date is used */
	long long unit_id;              /* 承办机构; 0 = the actor's unit */
	const char *title;              /* 案由, 1-200 characters */
	const char *source;             /* complaint|inspection|random|assigned|transfer_in|application|other */
	const char *source_date;        /* the day the department learned of it; not after on_date */
	const char *source_note;        /* optional, <= 1000 characters (e.g. who reported, which document) */
	long long inspection_item_id;   /* source "random": a published 随机抽查事项 (pub_items kind
					   inspection); must be 0 for any other source */
	const long long *matter_ids;    /* 1..20 published 执法事项 (pub_items kind matter); each at the
					   version published on or before on_date */
	size_t n_matters;
	const long long *party_ids;     /* 0..20 parties (当事人 / 申请人), at their current version */
	size_t n_parties;
	const long long *officer_ids;   /* the officers (at least min_officers of the procedure) */
	size_t n_officers;
	const char *on_date;            /* the act date (立案/受理日); NULL/"" = today */
	const char *note;               /* optional, <= 1000 characters */
};

/* Open a case (立案, or for an application its 受理 stage - whatever the
 * procedure's "initial" stage is).  Who: an officer or head of the unit (or
 * a head whose scope holds the unit); the unit must have enforcement power
 * and a 执法主体 above it (body_unit_id = people_unit_body(unit)).  The
 * actor need not be one of the officers.  Every problem found is added to
 * all (may be NULL) and the first one copied to e.  Errors: ERR_FORBIDDEN
 * (role or unit); ERR_INVALID naming "procedure", "unit_id", "title",
 * "source", "source_date", "source_note", "inspection_item_id",
 * "matter_ids", "party_ids", "officer_ids" (names the person) or "on_date".
 * On success *id gets the new case id.  Writes the "opened" act (and the
 * initial stage's number and clocks). */
int case_open(struct db *db, const struct actor *a, const struct case_input *in, long long *id,
	      struct errs *all, struct err *e);

/* ---- acts on a case ---- */
struct case_act_input {
	const char *action;        /* advance|approve|officers|participant|suspend|resume|extend|end|close */
	int row_version;           /* the cases.row_version the actor saw (required, >= 1) */
	const char *on_date;       /* act date; NULL/"" = today */
	const char *reason;        /* end: required; others optional note (<= 1000 characters) */
	/* advance, close: the stage to enter (close: one of the procedure's final stages;
	   NULL = the only final stage reachable) */
	const char *to;
	/* approve: the approval code a requirement of the current stage names ("filing" …) */
	const char *approval;
	/* end: the ending code of the procedure (not_filed|withdrawn|transferred|transferred_judicial|terminated …) */
	const char *ending;
	/* officers: the complete new set (replaces the current one) */
	const long long *officer_ids;
	size_t n_officers;
	/* participant: one 执法辅助人员 (kind "assistant") or 专家 ("expert") */
	const char *p_kind, *p_name, *p_id_type, *p_id_number, *p_organisation, *p_title;
	/* suspend: the suspension code of the procedure (hearing|testing|announcement …);
	   resume: the suspension to end (NULL = the one running) */
	const char *suspension;
	/* extend: the clock (deadline rule event code) of one of the procedure's extensions
	   (NULL = the only one); days: 0 = the rule's extension_days */
	const char *clock;
	int days;
	/* advance into a stage whose definition has "notice_before" (the hearing):
	   the date of the event it schedules, YYYY-MM-DD; the act date is the day
	   of the notice, and the days between must be at least the rule's */
	const char *event_on;
};

/* Do one act on case id.  Permissions:
 *  - advance, participant, suspend, resume, close: a current officer of the
 *    case, or a head whose scope holds the case's unit;
 *  - officers: a head whose scope holds the case's unit (or a current
 *    officer when the case is still in its initial stage);
 *  - approve: a person holding the role the requirement names ("head" …;
 *    a reviewer of the 政策法规处 for "reviewer")
 *    whose unit is the case's unit or above it, not one of the case's
 *    officers;
 *  - extend: a person holding the extension's role (as approve) - the act
 *    is the recorded approval;
 *  - end: a person holding the ending's role (as approve), with a reason.
 * Rules: advance only along the procedure's transitions and only when
 * gates.c finds the current stage's requirements met (the message lists
 * what is missing); close enters a final stage (status closed, closed_on,
 * starts the case_archive clock); end is allowed from the stages the
 * ending names; nothing is allowed on a closed or ended case
 * (ERR_CONFLICT).  Errors: ERR_NOTFOUND (unknown or out of view);
 * ERR_FORBIDDEN; ERR_INVALID naming "action", "to", "approval", "ending",
 * "reason", "officer_ids", "p_name" …, "suspension", "clock", "days",
 * "on_date"; ERR_CONFLICT for a stale row_version (field "row_version")
 * or a case in the wrong state. */
int case_act(struct db *db, const struct actor *a, long long id, const struct case_act_input *in,
	     struct err *e);

/* ---- reads ---- */

/* One case as
 * {id, case_no (null until assigned), decision_no (null), title, kind,
 *  kind_label, procedure: {id, code, version, name}, body_unit_id,
 *  body_name, unit_id, unit_name, source, source_label, source_date,
 *  source_note, inspection_item: {id, name} | null, stage, stage_label,
 *  status, status_label, ending (null), ending_label, row_version,
 *  opened_on, opened_by, opened_by_name, closed_on (null), updated_at,
 *  matters: [{item_id, version, name, category, category_label}],
 *  parties: [{party_id, party_version, role, role_label, party: {...
 *            the party as party_get gives it at that version}}],
 *  officers: [{user_id, name, unit_name, cert_id, cert_no, cert_status,
 *             cert_status_label, since_act}] (current),
 *  former_officers: [{user_id, name, cert_id, since_act, until_act}],
 *  participants: [{id, kind, kind_label, name, id_type, id_number,
 *                 organisation, title, since_act}],
 *  clocks: [...deadline_for_object("case", id): with pauses and extensions],
 *  acts: [{id, seq, type, type_label, on_date, at, by_user, by_name,
 *          stage_from, stage_from_label, stage_to, stage_to_label,
 *          approval, ending, detail: {...}}] (oldest first: the timeline),
 *  needs: [...case_needs of the current stage],
 *  actions: [...case_actions]}
 * ERR_NOTFOUND when unknown or out of the reader's view.  Logs case.read. */
int case_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* What the current stage still requires before the case may leave it
 * (gates.c): [{type ("officers"|"party"|"matter"|"approval"), name (e.g.
 * 立案审批), basis, met: bool, message (Chinese, "" when met)}].  Empty for
 * a closed or ended case.  Same view rule as case_get (no op_log row). */
int case_needs(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* The actions actor a may take now on case id:
 * [{action, label, to (stage code or null), to_label, approval, ending,
 *   suspension, clock, allowed: bool, needs: ["…missing requirement…"]}]
 * - only actions a's roles permit are listed; allowed is false (with the
 * reasons in needs) when the gates or the officers' certificates block it.
 * Empty for readers without a right to act (leader, supervisor,
 * archivist).  ERR_NOTFOUND as case_get.  Logs case.read. */
int case_actions(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);

/* ---- the list ---- */
struct case_filter {
	const char *kind;        /* NULL/"" = any; penalty|licence|inspection|coercion|levy|other */
	const char *stage;       /* stage code */
	const char *status;      /* open|closed|ended */
	long long matter_id;     /* a pub_items id */
	long long unit_id;       /* 承办机构 (ERR_FORBIDDEN outside the reader's view of units) */
	long long officer_id;    /* a current officer */
	long long party_id;
	const char *source;
	const char *due;         /* "overdue" | "due_soon": has a clock in that state */
	const char *q;           /* substring of title or case_no */
	const char *sort;        /* opened_on (default) | case_no | title | stage | unit | updated_at | source_date */
	bool asc;                /* default: newest first */
	int page;                /* 1-based; <= 0 means 1 */
	int per_page;            /* <= 0 means 20; at most 100, or CASE_EXPORT_MAX with all */
	bool all;                /* an export: every row from page 1, up to CASE_EXPORT_MAX */
};
#define CASE_EXPORT_MAX 5000

/* True when col may sort the list (see case_filter.sort). */
bool case_sort_ok(const char *col);

/* The cases a may see, filtered, sorted, paged:
 * {total, page, per_page, items: [{id, case_no, title, kind, kind_label,
 *   stage, stage_label, status, status_label, unit_id, unit_name, source,
 *   source_label, parties: [names], officers: [names], opened_on,
 *   updated_at, next_due (the earliest due_on of the case's unmet clocks,
 *   or null), due_state ("overdue"|"due_soon"|"paused"|"open"|null: the most
 *   urgent of them; "paused" when one is suspended)}]}
 * Bad filter values are ERR_INVALID naming "kind", "source", "due",
 * "status", "sort"; admin and the public get ERR_FORBIDDEN.  A fixed
 * number of queries whatever the page size (no query per row). */
int case_list(struct db *db, const struct actor *a, const struct case_filter *f, json_t **out,
	      struct err *e);
/* How many matching cases make the list read a page along its sort index
 * with the filters on other tables probed per case, rather than driven by
 * their indexes (default 1000; both give the same rows).  n < 0 only
 * reads it.  Returns the previous value.  For tests and benchmarks. */
long long case_list_probe_from(long long n);

/* ---- for the modules above (records) ---- */
/* What a module working on a case needs of it. */
struct case_brief {
	long long id, procedure_id, body_unit_id, unit_id;
	char procedure_code[40], kind[16], stage[40], status[12];
	char case_no[128], decision_no[128];
	char title[820];
	int row_version, stage_seq;
};
/* Case id as seen by a: ERR_NOTFOUND (404 "案件不存在或无权查看") when
 * unknown or outside a's view (the rule above); with write, a must also
 * work on it - a current officer of the case, or a head whose scope holds
 * its unit - else ERR_FORBIDDEN.  a NULL: no check (the system, gates).
 * No op_log row. */
int case_brief_get(struct db *db, const struct actor *a, long long id, bool write, struct case_brief *out,
		   struct err *e);
/* The facts of case id a document is prefilled with, as case_get gives
 * them: {case_no, decision_no, title, body_name, unit_name, stage,
 * stage_label, matters: [{item_id, version, name, category, basis (the
 * matter version's legal basis as text)}], parties: [...], officers:
 * [{user_id, name, cert_no, ...}], participants: [...]}.  No view check,
 * no log (the caller checked with case_brief_get).  ERR_NOTFOUND. */
int case_facts(struct db *db, long long id, json_t **out, struct err *e);
/* A module above (review/) may widen who sees a case: fn answers whether
 * a sees case_id for a reason of its own (the 政策法规处 sees the cases
 * submitted to it).  Set once at start-up; NULL clears it. */
typedef bool (*case_visibility_fn)(struct db *db, const struct actor *a, long long case_id);
void case_set_visibility_hook(case_visibility_fn fn);
/* What the 法制审核 catalogue asks of case id (review/review.h): the kinds
 * of its parties (person | org | individual_business, each once, in that
 * order; *kinds a new array) and whether a hearing was held (the case
 * entered a stage coded "hearing").  No view check.  0 or -1 with e. */
int case_review_facts(struct db *db, long long id, json_t **kinds, bool *hearing_held, struct err *e);

/* ---- the demo ---- */
/* How the demo meets a stage's requirement of type "record" (a finalised
 * 执法文书): the module that owns documents registers a function that
 * drafts, signs and finalises one of type doc_type on case_id as a
 * (records_demo_install).  Without one, the demo stops at such a stage. */
typedef int (*cases_demo_record_fn)(struct db *db, const struct actor *a, long long case_id, const char *doc_type,
				    struct err *e);
void cases_demo_set_record(cases_demo_record_fn fn);

/* Cases in every procedure and stage across the divisions of the demo
 * department, built through case_open/case_act (zhifa init --demo, after
 * the people, catalogue and party demos).  0 or -1. */
int cases_demo_seed(struct db *db, struct err *e);
#endif
