/*
 * flow.c - 法制审核 in rounds (flow.h): the steps and the rules of who may
 * take them.  The reads are in flow_read.c.
 */
#include "core/core.h"
#include "core/hash.h"
#include "review/flow.h"
#include "review/flow_int.h"
#include "review/review.h"
#include "review/decision.h"
#include "records/decision.h"
#include "cases/cases.h"
#include "cases/procedure.h"
#include "records/records.h"
#include "people/people.h"
#include "people/auth.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "ledger/ledger.h"
#include "calendar/deadline.h"

const char *const review_checklist_keys[REVIEW_CHECKLIST_N] = {
	"subject", "officers", "party", "facts", "law", "procedure", "authority", "documents", "transfer",
};
const char *const review_checklist_labels[REVIEW_CHECKLIST_N] = {
	"主体是否合法", "执法人员是否具备资格", "当事人基本情况", "事实是否清楚、证据是否确凿充分",
	"适用法律和裁量基准是否准确", "程序是否合法", "是否超越或滥用职权", "执法文书是否规范", "是否涉嫌犯罪需要移送",
};

int rv_db_fail(struct db *db, struct err *e)
{
	log_warn("review: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

static void sha256_text(const char *s, char out[65])
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, s, strlen(s));
	hash2_final(&h, &hr);
	memcpy(out, hr.sha256_hex, 65);
}

/* Characters (code points) of a UTF-8 string. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool text_ok(const char *s, size_t minc, size_t maxc)
{
	size_t n = chars(s);
	return s && utf8_valid(s, strlen(s)) && n >= minc && n <= maxc;
}

static bool in_reviewer_office(struct db *db, const struct actor *a)
{
	return actor_logged_in(a) && people_unit_is_reviewer(db, a->unit_id);
}

/* Lock the latest round of case_id (inside the transaction) and load it
 * with its state.  ERR_CONFLICT "尚未送审" when there is none. */
static int lock_latest(struct db *db, long long case_id, struct rv_round *rd, struct err *e)
{
	const char *sql = db_kind(db) == DB_PG
				  ? "SELECT id FROM review_rounds WHERE case_id = ? ORDER BY round_no DESC LIMIT 1 FOR UPDATE"
				  : "SELECT id FROM review_rounds WHERE case_id = ? ORDER BY round_no DESC LIMIT 1";
	struct db_res *r;
	if (db_query(db, &r, sql, DB_INT(case_id)) < 0)
		return rv_db_fail(db, e);
	long long id = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	if (!id)
		return err_set(e, ERR_CONFLICT, "", "该案件尚未送法制审核");
	return rv_round_load(db, id, rd, e);
}

/* One event with its op_log row and leaf, in the caller's transaction.
 * Takes detail (NULL = {}). */
static int add_event(struct db *db, const struct actor *a, const struct rv_round *rd, const char *type,
		     const char *role, long long reviewer_id, const char *verdict, const char *text, json_t *detail,
		     struct err *e)
{
	char now[21], today[11], th[65];
	time_now_utc(now);
	time_today_shanghai(today);
	if (!detail)
		detail = json_object();
	char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail); /* taken */
	sha256_text(text ? text : "", th);
	json_t *leaf = json_pack("{s:I,s:I,s:i,s:I,s:s}", "case_id", (json_int_t)rd->case_id, "round_id",
				 (json_int_t)rd->id, "round", rd->round_no, "actor", (json_int_t)a->user_id, "text_sha256",
				 th);
	if (verdict)
		json_object_set_new(leaf, "verdict", json_string(verdict));
	if (reviewer_id)
		json_object_set_new(leaf, "reviewer", json_integer(reviewer_id));
	char ltype[40];
	snprintf(ltype, sizeof ltype, "review.%s", type);
	long long idx = -1;
	int rc = ledger_append(db, ltype, leaf, &idx, e);
	json_decref(leaf);
	if (rc == 0 && db_exec(db, "INSERT INTO review_events(round_id, case_id, type, by_user, by_role, reviewer_id, verdict,"
				   " text, detail, at, on_date, leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       DB_INT(rd->id), DB_INT(rd->case_id), DB_TEXT(type), DB_INT(a->user_id), DB_TEXT(role),
			       reviewer_id ? DB_INT(reviewer_id) : DB_NULL, verdict ? DB_TEXT(verdict) : DB_NULL,
			       DB_TEXT(text ? text : ""), DB_TEXT(dj), DB_TEXT(now), DB_TEXT(today), DB_INT(idx)) < 0)
		rc = rv_db_fail(db, e);
	free(dj);
	/* a round ending in 同意, or the leader's 同意作出 / 修改后作出, clears
	 * the decision draft submitted with it (review/decision.h) */
	bool clears = (str_eq(type, "opinion") && str_eq(verdict, "agree")) ||
		      (str_eq(type, "decided") && (str_eq(verdict, "proceed") || str_eq(verdict, "modify")));
	if (rc == 0 && clears) {
		long long ev = db_scalar_int(db, -1, "SELECT MAX(id) FROM review_events WHERE round_id = ?",
					     (const struct db_val[]){ DB_INT(rd->id), DB_END });
		if (ev <= 0 ||
		    db_exec(db, "INSERT INTO review_clearances(case_id, round_id, event_id, document_id, material_sha256, at)"
				" VALUES (?, ?, ?, ?, ?, ?)",
			    DB_INT(rd->case_id), DB_INT(rd->id), DB_INT(ev),
			    rd->decision_doc_id ? DB_INT(rd->decision_doc_id) : DB_NULL,
			    DB_TEXTN(rd->material[0] ? rd->material : NULL), DB_TEXT(now)) < 0)
			rc = rv_db_fail(db, e);
	}
	if (rc == 0) {
		char ids[24], what[120];
		snprintf(ids, sizeof ids, "%lld", rd->case_id);
		snprintf(what, sizeof what, "法制审核第%d轮：%s", rd->round_no, rv_event_label(type));
		if (audit_log(db, a, ltype, "case", ids, "ok", what) < 0)
			rc = rv_db_fail(db, e);
	}
	return rc;
}

/* Begin, lock and load the latest round, check its state is one of
 * states (NULL-terminated); on failure nothing is left open. */
static int step_begin(struct db *db, long long case_id, struct rv_round *rd, const char *const *states,
		      const char *wrong, struct err *e)
{
	if (db_begin(db) < 0)
		return rv_db_fail(db, e);
	if (lock_latest(db, case_id, rd, e) < 0) {
		db_rollback(db);
		return -1;
	}
	for (const char *const *s = states; *s; s++)
		if (str_eq(rd->state, *s))
			return 0;
	db_rollback(db);
	rv_round_release(rd);
	return err_set(e, ERR_CONFLICT, "", "%s（当前：%s）", wrong, review_state_label(rd->state));
}

static int step_commit(struct db *db, struct rv_round *rd, int rc, struct err *e)
{
	if (rc == 0 && db_commit(db) < 0)
		rc = rv_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	rv_round_release(rd);
	return rc;
}

/* ---- submitting ---- */

/* Whether a round lets the decision be made (by its state). */
static bool round_open(const struct rv_round *rd)
{
	return str_eq(rd->state, "agreed") ||
	       (str_eq(rd->state, "decided") && (str_eq(rd->decided_verdict, "proceed") || str_eq(rd->decided_verdict, "modify")));
}

static const char *classify_procedure(const char *kind)
{
	if (str_eq(kind, "penalty") || str_eq(kind, "licence") || str_eq(kind, "coercion"))
		return kind;
	return NULL;
}

static void issue_application(struct db *db, struct vault *v, const struct actor *a, long long case_id,
			      long long round_id, int round_no, const json_t *cls, const json_t *proposal,
			      const json_t *answers, const json_t *snap, const char *snap_sha);

int review_submit(struct db *db, struct vault *v, const struct actor *a, long long case_id, const json_t *in,
		  long long *round_id, struct err *e)
{
	struct case_brief cb;
	if (case_brief_get(db, a, case_id, true, &cb, e) < 0)
		return -1;
	if (!str_eq(cb.status, "open"))
		return err_set(e, ERR_CONFLICT, "", "案件已结案或终结，不能送审");
	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "", "请求体应为 JSON 对象");
	const char *decision = json_string_value(json_object_get(in, "decision"));
	const char *report = json_string_value(json_object_get(in, "report"));
	if (!text_ok(decision, 1, 5000))
		return err_set(e, ERR_INVALID, "decision", "请填写拟作出的决定（至多 5000 字）");
	if (!text_ok(report, 1, 20000))
		return err_set(e, ERR_INVALID, "report", "请填写调查终结报告（至多 20000 字）");
	if (!json_is_true(json_object_get(in, "vouch")))
		return err_set(e, ERR_INVALID, "vouch",
			       "送审须确认：本处室对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、程序的合法性负责");
	/* the proposed decision: the case's decision draft when it has one
	 * (classified from the draft and the case, by the catalogue in force
	 * on the day it was drafted); else the catalogue's answer today for
	 * what the form says */
	json_t *cls = NULL, *draft = NULL;
	if (records_decision_draft(db, case_id, &draft, e) < 0)
		return -1;
	const char *proc = classify_procedure(cb.kind);
	if (draft) {
		if (review_classify_draft(db, case_id, json_object_get(draft, "review"), json_object_get(draft, "fields"),
					  json_string_value(json_object_get(draft, "drafted_on")), &cls, e) < 0) {
			json_decref(draft);
			return -1;
		}
		json_object_del(cls, "requests");
	} else if (proc) {
		json_t *q = json_deep_copy(in);
		json_object_set_new(q, "procedure", json_string(proc));
		const char *drop[] = { "decision", "report", "vouch", "answers", "on_date" };
		for (size_t i = 0; i < ARRAY_SIZE(drop); i++)
			json_object_del(q, drop[i]);
		int rc = review_classify_on(db, NULL, q, &cls, e);
		json_decref(q);
		if (rc < 0)
			return -1;
	} else {
		cls = json_pack("{s:b,s:[],s:[],s:s}", "major", 0, "reasons", "rules", "note",
				"该类决定不在重大执法决定目录的范围内");
	}
	bool major = json_is_true(json_object_get(cls, "major"));
	/* what the reviewer will see: every record with its hashes */
	json_t *snap = NULL;
	if (records_case_file(db, a, case_id, &snap, e) < 0) {
		json_decref(cls);
		json_decref(draft);
		return -1;
	}
	/* the review is on the whole case file (二.(三).2): a case without a
	 * single finalised record has nothing to review yet */
	size_t n_docs = 0, si;
	const json_t *sx;
	json_array_foreach(json_object_get(snap, "items"), si, sx)
		if (str_eq(json_string_value(json_object_get(sx, "kind")), "document"))
			n_docs++;
	if (n_docs == 0) {
		json_decref(cls);
		json_decref(draft);
		json_decref(snap);
		return err_set(e, ERR_INVALID, "materials",
			       "送审材料不全：案卷中尚无已定稿的执法文书（立案审批、调查取证、告知等记录），请定稿后再送审");
	}
	char *snap_text = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);
	char snap_sha[65];
	sha256_text(snap_text, snap_sha);
	json_t *proposal = json_pack("{s:s,s:s}", "decision", decision, "report", report);
	const char *keep[] = { "party_kind", "fine_yuan", "confiscation_yuan", "measures", "hearing_held", "site", "flags" };
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (!draft && json_object_get(in, keep[i]))
			json_object_set(proposal, keep[i], json_object_get(in, keep[i]));
	if (draft) {
		json_object_del(draft, "review");
		json_object_set(proposal, "decision_document", draft);
	}
	const char *draft_material = draft ? json_string_value(json_object_get(draft, "material_sha256")) : NULL;
	int rc = -1;
	struct rv_round prev = { 0 };
	if (db_begin(db) < 0) {
		rv_db_fail(db, e);
		goto out;
	}
	int round_no = 1;
	json_t *answers = json_array();
	struct err le = ERR_INIT;
	if (lock_latest(db, case_id, &prev, &le) == 0) {
		/* after 同意, a changed decision is reviewed again (a new round) */
		bool changed = round_open(&prev) && draft_material && !str_eq(draft_material, prev.material);
		if (changed) {
			round_no = prev.round_no + 1;
		} else if (!str_eq(prev.state, "problems")) {
			err_set(e, ERR_CONFLICT, "", str_eq(prev.state, "agreed") || str_eq(prev.state, "decided")
							     ? "该案件的法制审核已经完成，不能再次送审"
							     : "该案件正在法制审核中（%s），不能重复送审",
				review_state_label(prev.state));
			goto rollback;
		}
		if (!changed) {
		round_no = prev.round_no + 1;
		/* an answer to every problem of the last opinion */
		size_t want = json_array_size(json_object_get(prev.last_opinion, "problems"));
		const json_t *ans = json_object_get(in, "answers");
		if (!json_is_array(ans) || json_array_size(ans) != want) {
			err_set(e, ERR_INVALID, "answers", "须逐条答复上一轮审核意见提出的 %zu 个问题", want);
			goto rollback;
		}
		size_t i;
		const json_t *x;
		json_array_foreach(ans, i, x) {
			const char *note = json_string_value(json_object_get(x, "note"));
			if (!json_is_boolean(json_object_get(x, "handled")) || !text_ok(note, 1, 2000)) {
				err_set(e, ERR_INVALID, "answers",
					"第 %zu 个问题的答复须说明已处理，或不同意的理由（1 至 2000 字）", i + 1);
				goto rollback;
			}
			json_array_append_new(answers, json_pack("{s:b,s:s}", "handled",
								 json_is_true(json_object_get(x, "handled")), "note", note));
		}
		}
	} else if (le.kind != ERR_CONFLICT) {
		*e = le;
		goto rollback;
	}
	char now[21];
	time_now_utc(now);
	char *cls_text = json_dumps(cls, JSON_COMPACT | JSON_SORT_KEYS);
	char *prop_text = json_dumps(proposal, JSON_COMPACT | JSON_SORT_KEYS);
	char *ans_text = json_dumps(answers, JSON_COMPACT | JSON_SORT_KEYS);
	char prop_sha[65];
	sha256_text(prop_text, prop_sha);
	struct db_res *r = NULL;
	int qrc = db_query(db, &r, "INSERT INTO review_rounds(case_id, round_no, unit_id, submitted_by, submitted_at, major,"
				   " classification, proposal, answers, snapshot, snapshot_sha256) VALUES"
				   " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   DB_INT(case_id), DB_INT(round_no), DB_INT(cb.unit_id), DB_INT(a->user_id), DB_TEXT(now),
			   DB_INT(major ? 1 : 0), DB_TEXT(cls_text), DB_TEXT(prop_text), DB_TEXT(ans_text),
			   DB_TEXT(snap_text), DB_TEXT(snap_sha));
	free(cls_text);
	free(ans_text);
	free(prop_text);
	if (qrc < 0) {
		rv_db_fail(db, e);
		goto rollback;
	}
	long long rid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	json_t *leaf = json_pack("{s:I,s:I,s:i,s:I,s:b,s:s,s:s,s:I}", "case_id", (json_int_t)case_id, "round_id",
				 (json_int_t)rid, "round", round_no, "actor", (json_int_t)a->user_id, "major", major,
				 "snapshot_sha256", snap_sha, "proposal_sha256", prop_sha, "catalogue_version",
				 json_integer_value(json_object_get(cls, "catalogue_version")));
	long long idx;
	int lrc = ledger_append(db, "review.submitted", leaf, &idx, e);
	json_decref(leaf);
	if (lrc < 0)
		goto rollback;
	char ids[24], what[160];
	snprintf(ids, sizeof ids, "%lld", case_id);
	snprintf(what, sizeof what, "送法制审核第%d轮（%s）", round_no, major ? "重大执法决定" : "非重大，自愿送审");
	if (audit_log(db, a, "review.submitted", "case", ids, "ok", what) < 0) {
		rv_db_fail(db, e);
		goto rollback;
	}
	if (db_commit(db) < 0) {
		rv_db_fail(db, e);
		goto rollback;
	}
	if (round_id)
		*round_id = rid;
	rc = 0;
	issue_application(db, v, a, case_id, rid, round_no, cls, proposal, answers, snap, snap_sha);
	json_decref(answers);
	goto out;
rollback:
	json_decref(answers);
	db_rollback(db);
out:
	rv_round_release(&prev);
	free(snap_text);
	json_decref(snap);
	json_decref(proposal);
	json_decref(cls);
	json_decref(draft);
	return rc;
}

/* ---- the 政策法规处 ---- */

int review_accept(struct db *db, const struct actor *a, long long case_id, struct err *e)
{
	if (!in_reviewer_office(db, a) || !actor_has(a, ROLE_HEAD | ROLE_REVIEWER))
		return err_set(e, ERR_FORBIDDEN, "", "只有政策法规处的负责人或法制审核人员可以受理送审");
	struct rv_round rd;
	static const char *const ok[] = { "submitted", NULL };
	if (step_begin(db, case_id, &rd, ok, "只有待受理的送审可以受理", e) < 0)
		return -1;
	int rc = add_event(db, a, &rd, "accepted", actor_has(a, ROLE_HEAD) ? "head" : "reviewer", 0, NULL, "", NULL, e);
	char today[11], oid[24];
	time_today_shanghai(today);
	snprintf(oid, sizeof oid, "%lld", rd.id);
	long long did;
	if (rc == 0 && deadline_start(db, "review_submitted", a->unit_id, 0, "review", oid, today, &did, e) < 0)
		rc = -1;
	return step_commit(db, &rd, rc, e);
}

int review_return(struct db *db, const struct actor *a, long long case_id, const char *missing, struct err *e)
{
	if (!in_reviewer_office(db, a) || !actor_has(a, ROLE_HEAD | ROLE_REVIEWER))
		return err_set(e, ERR_FORBIDDEN, "", "只有政策法规处的负责人或法制审核人员可以退回补正");
	if (!text_ok(missing, 1, 2000))
		return err_set(e, ERR_INVALID, "missing", "请列明需要补正的材料（1 至 2000 字）");
	struct rv_round rd;
	static const char *const ok[] = { "submitted", NULL };
	if (step_begin(db, case_id, &rd, ok, "只有待受理的送审可以退回补正", e) < 0)
		return -1;
	int rc = add_event(db, a, &rd, "returned", actor_has(a, ROLE_HEAD) ? "head" : "reviewer", 0, NULL, missing,
			   NULL, e);
	return step_commit(db, &rd, rc, e);
}

int review_supplement(struct db *db, const struct actor *a, long long case_id, const char *note, struct err *e)
{
	struct case_brief cb;
	if (case_brief_get(db, a, case_id, true, &cb, e) < 0)
		return -1;
	if (!text_ok(note, 1, 2000))
		return err_set(e, ERR_INVALID, "note", "请说明补正了哪些材料（1 至 2000 字）");
	json_t *snap = NULL;
	if (records_case_file(db, a, case_id, &snap, e) < 0)
		return -1;
	char *st = json_dumps(snap, JSON_COMPACT | JSON_SORT_KEYS);
	char sha[65];
	sha256_text(st, sha);
	json_t *detail = json_pack("{s:o,s:s}", "snapshot", snap, "snapshot_sha256", sha);
	free(st);
	struct rv_round rd;
	static const char *const ok[] = { "returned", NULL };
	int rc = -1;
	if (step_begin(db, case_id, &rd, ok, "只有退回补正的送审可以补正", e) == 0) {
		rc = add_event(db, a, &rd, "supplemented", "division", 0, NULL, note, detail, e);
		rc = step_commit(db, &rd, rc, e);
	} else {
		json_decref(detail);
	}
	return rc;
}

/* Four eyes: user_id did nothing on the case. */
static int check_four_eyes(struct db *db, long long case_id, long long user_id, const char *who, struct err *e)
{
	long long n = db_scalar_int(db, -1,
				    "SELECT (SELECT COUNT(*) FROM case_officers WHERE case_id = ? AND user_id = ?)"
				    " + (SELECT COUNT(*) FROM case_acts WHERE case_id = ? AND by_user = ?)"
				    " + (SELECT COUNT(*) FROM review_rounds WHERE case_id = ? AND submitted_by = ?)",
				    (const struct db_val[]){ DB_INT(case_id), DB_INT(user_id), DB_INT(case_id), DB_INT(user_id),
							     DB_INT(case_id), DB_INT(user_id), DB_END });
	if (n < 0)
		return rv_db_fail(db, e);
	if (n > 0)
		return err_set(e, ERR_INVALID, "reviewer_id", "%s参与过本案的办理或送审，不能审核本案", who);
	return 0;
}

static int assign_common(struct db *db, const struct actor *a, long long case_id, long long reviewer_id, bool claim,
			 struct err *e)
{
	char *name = people_user_name(db, reviewer_id);
	int rc = -1;
	if (!name) {
		err_set(e, ERR_INVALID, "reviewer_id", "所选人员不存在");
		return -1;
	}
	if (!people_reviewer_qualified(db, reviewer_id, e) || check_four_eyes(db, case_id, reviewer_id, name, e) < 0)
		goto out;
	struct rv_round rd;
	static const char *const ok[] = { "accepted", "reviewing", NULL };
	static const char *const ok_claim[] = { "accepted", NULL };
	if (step_begin(db, case_id, &rd, claim ? ok_claim : ok, claim ? "只有已受理、尚未分配的送审可以认领"
								     : "只有已受理的送审可以分配审核人员",
		       e) < 0)
		goto out;
	rc = add_event(db, a, &rd, claim ? "claimed" : "assigned", claim ? "reviewer" : "head", reviewer_id, NULL, "", NULL,
		       e);
	rc = step_commit(db, &rd, rc, e);
out:
	free(name);
	return rc;
}

int review_assign(struct db *db, const struct actor *a, long long case_id, long long reviewer_id, struct err *e)
{
	if (!in_reviewer_office(db, a) || !actor_has(a, ROLE_HEAD))
		return err_set(e, ERR_FORBIDDEN, "", "只有政策法规处负责人可以分配审核人员");
	return assign_common(db, a, case_id, reviewer_id, false, e);
}

int review_claim(struct db *db, const struct actor *a, long long case_id, struct err *e)
{
	if (!in_reviewer_office(db, a) || !actor_has(a, ROLE_REVIEWER))
		return err_set(e, ERR_FORBIDDEN, "", "只有政策法规处的法制审核人员可以认领");
	return assign_common(db, a, case_id, a->user_id, true, e);
}

/* The classification in words: "属于重大执法决定：reason；reason". */
static void major_text(const json_t *cls, struct buf *b)
{
	buf_puts(b, json_is_true(json_object_get(cls, "major")) ? "属于重大执法决定" : "不属于重大执法决定（自愿送审）");
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(cls, "reasons"), i, x)
		buf_printf(b, "%s%s", i ? "；" : "：", json_string_value(x));
}

/* The 重大执法决定法制审核申请表 of a round just submitted: what was sent,
 * with the hashes of the materials (the snapshot), as a final document of
 * the case.  A failure leaves the submission as it is, logged. */
static void issue_application(struct db *db, struct vault *v, const struct actor *a, long long case_id,
			      long long round_id, int round_no, const json_t *cls, const json_t *proposal,
			      const json_t *answers, const json_t *snap, const char *snap_sha)
{
	if (!v) {
		log_warn("review: the 法制审核申请表 of round %lld is not issued: no vault", round_id);
		return;
	}
	struct buf mj, mat, ans;
	buf_init(&mj, 0);
	buf_init(&mat, 0);
	buf_init(&ans, 0);
	major_text(cls, &mj);
	size_t i, n = 0;
	const json_t *x;
	const json_t *dd = json_object_get(proposal, "decision_document");
	if (json_is_object(dd))
		buf_printf(&mat, "%zu. %s（草稿，决定内容摘要 %s）\n", ++n, json_string_value(json_object_get(dd, "name")),
			   json_string_value(json_object_get(dd, "material_sha256")));
	json_array_foreach(json_object_get(snap, "items"), i, x) {
		if (!str_eq(json_string_value(json_object_get(x, "kind")), "document") &&
		    !str_eq(json_string_value(json_object_get(x, "kind")), "media"))
			continue;
		const char *title = json_string_value(json_object_get(x, "title"));
		const char *no = json_string_value(json_object_get(x, "number"));
		buf_printf(&mat, "%zu. %s%s%s（SHA-256 %s）\n", ++n, title ? title : "音像记录", no && no[0] ? " " : "",
			   no ? no : "", json_string_value(json_object_get(x, "sha256")));
	}
	buf_printf(&mat, "案卷材料清单摘要（SHA-256）：%s", snap_sha);
	json_array_foreach(answers, i, x)
		buf_printf(&ans, "%s%zu. %s：%s", i ? "\n" : "", i + 1,
			   json_is_true(json_object_get(x, "handled")) ? "已按意见处理" : "不同意",
			   json_string_value(json_object_get(x, "note")));
	char today[11];
	time_today_shanghai(today);
	char *unit = NULL;
	struct case_brief cb;
	struct err e = ERR_INIT;
	if (case_brief_get(db, NULL, case_id, false, &cb, &e) == 0)
		unit = people_unit_name(db, cb.unit_id);
	json_t *fields = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "division", unit ? unit : "承办机构", "round",
				   round_no, "submitter", a->name[0] ? a->name : a->username, "submitted_on", today,
				   "major", buf_str(&mj), "decision",
				   json_string_value(json_object_get(proposal, "decision")), "report",
				   json_string_value(json_object_get(proposal, "report")), "answers",
				   ans.len ? buf_str(&ans) : "无", "materials", buf_str(&mat));
	free(unit);
	long long doc = 0;
	e = (struct err)ERR_INIT;
	if (records_issue(db, v, a, case_id, "review_application", fields, &doc, &e) < 0)
		log_warn("review: the 法制审核申请表 of round %lld is not issued: %s", round_id, e.msg);
	else if (db_exec(db, "INSERT INTO review_documents(document_id, round_id, event_id, kind) VALUES (?, ?, NULL,"
			     " 'application')",
			 DB_INT(doc), DB_INT(round_id)) < 0)
		log_warn("review: the 法制审核申请表 %lld is not linked to its round: %s", doc, db_errmsg(db));
	json_decref(fields);
	buf_release(&mj);
	buf_release(&mat);
	buf_release(&ans);
}

/* The 法制审核意见书 of the opinion just given on round_id (flow.h): the
 * checklist, the problems and suggestions in words, as a final document
 * of the case.  A failure leaves the opinion as it is, logged. */
static void issue_opinion(struct db *db, struct vault *v, const struct actor *a, long long case_id, long long round_id,
			  const char *verdict, const json_t *detail)
{
	struct rv_round rd;
	struct err e = ERR_INIT;
	if (!v || rv_round_load(db, round_id, &rd, &e) < 0) {
		log_warn("review: the 法制审核意见书 of round %lld is not issued: %s", round_id, v ? e.msg : "no vault");
		return;
	}
	struct buf cl, pr;
	buf_init(&cl, 0);
	buf_init(&pr, 0);
	const json_t *list = json_object_get(detail, "checklist");
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++) {
		const json_t *it = json_object_get(list, review_checklist_keys[i]);
		const char *note = json_string_value(json_object_get(it, "note"));
		buf_printf(&cl, "%s%d. %s：%s%s%s", i ? "\n" : "", i + 1, review_checklist_labels[i],
			   json_is_true(json_object_get(it, "ok")) ? "无问题" : "存在问题", note && note[0] ? "。" : "",
			   note ? note : "");
	}
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(detail, "problems"), i, x)
		buf_printf(&pr, "%s%zu. %s", i ? "\n" : "", i + 1, json_string_value(x));
	json_t *cls = NULL;
	struct db_res *r = NULL;
	char unit[200] = "", submitted[20] = "", today[11];
	if (db_query(db, &r, "SELECT r.classification, u.name, r.submitted_at FROM review_rounds r JOIN units u ON"
			     " u.id = r.unit_id WHERE r.id = ?",
		     DB_INT(round_id)) == 0) {
		if (r->nrows) {
			cls = json_loads(db_text(r, 0, 0), 0, NULL);
			snprintf(unit, sizeof unit, "%s", db_text(r, 0, 1));
			time_utc_to_shanghai(db_text(r, 0, 2), submitted);
		}
		db_res_free(r);
	}
	submitted[10] = 0;
	time_today_shanghai(today);
	struct buf mj;
	buf_init(&mj, 0);
	major_text(cls, &mj);
	const char *sugg = json_string_value(json_object_get(detail, "suggestions"));
	json_t *fields = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "division", unit[0] ? unit : "承办机构",
				   "round", rd.round_no, "submitted_on", submitted[0] ? submitted : today, "major",
				   buf_str(&mj), "checklist", buf_str(&cl), "verdict",
				   str_eq(verdict, "agree") ? "同意" : "存在问题", "problems", pr.len ? buf_str(&pr) : "无",
				   "suggestions", sugg && sugg[0] ? sugg : "无", "reviewer", a->name[0] ? a->name : a->username, "doc_date", today);
	long long doc = 0;
	long long ev = db_scalar_int(db, 0, "SELECT MAX(id) FROM review_events WHERE round_id = ? AND type = 'opinion'",
				     (const struct db_val[]){ DB_INT(round_id), DB_END });
	if (records_issue(db, v, a, case_id, "review_opinion", fields, &doc, &e) < 0)
		log_warn("review: the 法制审核意见书 of round %lld is not issued: %s", round_id, e.msg);
	else if (ev <= 0 || db_exec(db, "INSERT INTO review_documents(document_id, round_id, event_id, kind)"
				    " VALUES (?, ?, ?, 'opinion')",
				    DB_INT(doc), DB_INT(round_id), DB_INT(ev)) < 0)
		log_warn("review: the 法制审核意见书 %lld is not linked to its opinion: %s", doc, db_errmsg(db));
	json_decref(fields);
	json_decref(cls);
	buf_release(&mj);
	buf_release(&cl);
	buf_release(&pr);
	rv_round_release(&rd);
}

int review_opinion(struct db *db, struct vault *v, const struct actor *a, long long case_id, const json_t *in,
		   const char *password, struct err *e)
{
	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "", "请求体应为 JSON 对象");
	const char *verdict = json_string_value(json_object_get(in, "verdict"));
	if (!str_eq(verdict, "agree") && !str_eq(verdict, "problems"))
		return err_set(e, ERR_INVALID, "verdict", "审核意见应为同意（agree）或存在问题（problems）");
	const json_t *cl = json_object_get(in, "checklist");
	json_t *checklist = json_object();
	int problems_marked = 0;
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++) {
		const json_t *it = json_object_get(cl, review_checklist_keys[i]);
		const json_t *ok = json_object_get(it, "ok");
		const char *note = json_string_value(json_object_get(it, "note"));
		if (!json_is_boolean(ok)) {
			json_decref(checklist);
			return err_set(e, ERR_INVALID, "checklist", "审核要点「%s」须标明无问题或存在问题",
				       review_checklist_labels[i]);
		}
		if (!json_is_true(ok) && !text_ok(note, 1, 2000)) {
			json_decref(checklist);
			return err_set(e, ERR_INVALID, "checklist", "审核要点「%s」存在问题，须写明问题（至多 2000 字）",
				       review_checklist_labels[i]);
		}
		if (note && !text_ok(note, 0, 2000)) {
			json_decref(checklist);
			return err_set(e, ERR_INVALID, "checklist", "审核要点「%s」的说明至多 2000 字", review_checklist_labels[i]);
		}
		if (!json_is_true(ok))
			problems_marked++;
		json_object_set_new(checklist, review_checklist_keys[i],
				    json_pack("{s:b,s:s}", "ok", json_is_true(ok), "note", note ? note : ""));
	}
	const json_t *pl = json_object_get(in, "problems");
	json_t *problems = json_array();
	size_t i;
	const json_t *x;
	json_array_foreach(pl, i, x) {
		if (!text_ok(json_string_value(x), 1, 2000)) {
			json_decref(checklist);
			json_decref(problems);
			return err_set(e, ERR_INVALID, "problems", "第 %zu 个问题应为 1 至 2000 字的文字", i + 1);
		}
		json_array_append_new(problems, json_string(json_string_value(x)));
	}
	const char *sugg = json_string_value(json_object_get(in, "suggestions"));
	int rc = 0;
	if (str_eq(verdict, "problems") && (json_array_size(problems) == 0 || problems_marked == 0))
		rc = err_set(e, ERR_INVALID, "problems", "意见为存在问题时，须在审核要点中标出并逐条列明问题");
	else if (str_eq(verdict, "agree") && (json_array_size(problems) || problems_marked))
		rc = err_set(e, ERR_INVALID, "verdict", "审核要点或问题清单中有问题，意见不能为同意");
	else if (sugg && !text_ok(sugg, 0, 5000))
		rc = err_set(e, ERR_INVALID, "suggestions", "处理建议至多 5000 字");
	if (rc == 0) {
		/* the reviewer must be the one assigned: checked before the
		 * password, so that nobody else has their password counted */
		struct rv_round peek;
		if (rv_round_latest(db, case_id, &peek, e) < 0) {
			rc = -1;
		} else {
			if (!str_eq(peek.state, "reviewing"))
				rc = err_set(e, ERR_CONFLICT, "", "只有审核中的送审可以出具意见（当前：%s）",
					     review_state_label(peek.state));
			else if (peek.reviewer_id != a->user_id)
				rc = err_set(e, ERR_FORBIDDEN, "", "只有分配的审核人员可以出具审核意见");
			rv_round_release(&peek);
		}
	}
	if (rc == 0 && people_password_confirm(db, a, password, e) < 0)
		rc = -1;
	json_t *detail = json_pack("{s:o,s:o,s:s}", "checklist", checklist, "problems", problems, "suggestions",
				   sugg ? sugg : "");
	if (rc == 0) {
		struct rv_round rd;
		static const char *const ok[] = { "reviewing", NULL };
		if (step_begin(db, case_id, &rd, ok, "只有审核中的送审可以出具意见", e) < 0) {
			rc = -1;
		} else {
			char *text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
			rc = rd.reviewer_id == a->user_id ? 0 : err_set(e, ERR_FORBIDDEN, "", "只有分配的审核人员可以出具审核意见");
			if (rc == 0)
				rc = add_event(db, a, &rd, "opinion", "reviewer", a->user_id, verdict, text,
					       json_incref(detail), e);
			free(text);
			char oid[24], today[11];
			snprintf(oid, sizeof oid, "%lld", rd.id);
			time_today_shanghai(today);
			if (rc == 0 && deadline_meet_event(db, "review", oid, "review_done", today, NULL, e) < 0)
				rc = -1;
			long long round_id = rd.id;
			rc = step_commit(db, &rd, rc, e);
			if (rc == 0)
				issue_opinion(db, v, a, case_id, round_id, verdict, detail);
		}
	}
	json_decref(detail);
	return rc;
}

/* ---- escalation ---- */

int review_escalate(struct db *db, const struct actor *a, long long case_id, const char *division_opinion,
		    struct err *e)
{
	struct case_brief cb;
	if (case_brief_get(db, a, case_id, true, &cb, e) < 0)
		return -1;
	if (!actor_has(a, ROLE_HEAD) || !actor_unit_in_scope(db, a, cb.unit_id))
		return err_set(e, ERR_FORBIDDEN, "", "只有承办处室的负责人可以报分管负责人审定");
	if (!text_ok(division_opinion, 1, 5000))
		return err_set(e, ERR_INVALID, "division_opinion", "请写明本处室的意见（1 至 5000 字）");
	struct rv_round rd;
	static const char *const ok[] = { "problems", NULL };
	if (step_begin(db, case_id, &rd, ok, "只有审核意见为存在问题时才能报分管负责人审定", e) < 0)
		return -1;
	int rc = 0;
	if (rd.round_no < 2)
		rc = err_set(e, ERR_CONFLICT, "", "须先按审核意见处理并再次送审；再次送审后仍不能达成一致的，才报分管负责人审定");
	long long leader = people_unit_leader(db, cb.unit_id);
	if (rc == 0 && leader <= 0)
		rc = err_set(e, ERR_CONFLICT, "", "承办处室尚未设置分管负责人，请系统管理员在单位页面设置");
	if (rc == 0)
		rc = add_event(db, a, &rd, "escalated", "head", 0, NULL, division_opinion,
			       json_pack("{s:I}", "leader_id", (json_int_t)leader), e);
	return step_commit(db, &rd, rc, e);
}

int review_decide(struct db *db, const struct actor *a, long long case_id, const char *verdict, const char *reasons,
		  const char *instructions, struct err *e)
{
	if (!actor_has(a, ROLE_LEADER))
		return err_set(e, ERR_FORBIDDEN, "", "只有分管负责人可以审定");
	struct case_brief cb;
	if (case_brief_get(db, NULL, case_id, false, &cb, e) < 0)
		return -1;
	if (people_unit_leader(db, cb.unit_id) != a->user_id)
		return err_set(e, ERR_FORBIDDEN, "", "您不是承办处室的分管负责人，不能审定本案");
	if (!str_eq(verdict, "proceed") && !str_eq(verdict, "refuse") && !str_eq(verdict, "modify"))
		return err_set(e, ERR_INVALID, "verdict", "审定结论应为同意作出、不同意作出或修改后作出");
	if (!text_ok(reasons, 1, 5000))
		return err_set(e, ERR_INVALID, "reasons", "请写明审定的理由（1 至 5000 字）");
	if (str_eq(verdict, "modify") && !text_ok(instructions, 1, 5000))
		return err_set(e, ERR_INVALID, "instructions", "修改后作出的，须写明修改要求（1 至 5000 字）");
	if (instructions && !text_ok(instructions, 0, 5000))
		return err_set(e, ERR_INVALID, "instructions", "修改要求至多 5000 字");
	struct rv_round rd;
	static const char *const ok[] = { "escalated", NULL };
	if (step_begin(db, case_id, &rd, ok, "只有已报分管负责人审定的案件可以审定", e) < 0)
		return -1;
	int rc = add_event(db, a, &rd, "decided", "leader", 0, verdict, reasons,
			   json_pack("{s:s}", "instructions", instructions ? instructions : ""), e);
	return step_commit(db, &rd, rc, e);
}

/* ---- the gate ---- */

bool review_gate_open(struct db *db, long long case_id, char *msg, size_t msg_size)
{
	struct rv_round rd;
	struct err e = ERR_INIT;
	if (rv_round_latest(db, case_id, &rd, &e) < 0) {
		snprintf(msg, msg_size, "%s", e.kind == ERR_CONFLICT ? "尚未送法制审核" : "法制审核状态读取失败");
		return false;
	}
	bool open = round_open(&rd);
	if (!open)
		snprintf(msg, msg_size, "法制审核尚未通过：第%d轮%s%s", rd.round_no, review_state_label(rd.state),
			 str_eq(rd.state, "decided") ? "（分管负责人不同意作出）" : "");
	/* a decision changed after 同意 needs a new review: the decision draft
	 * of the case now must be the one the round cleared */
	json_t *draft = NULL;
	if (open && records_decision_draft(db, case_id, &draft, &e) < 0) {
		snprintf(msg, msg_size, "决定书草稿读取失败");
		open = false;
	}
	if (open && draft && !str_eq(json_string_value(json_object_get(draft, "material_sha256")), rd.material)) {
		snprintf(msg, msg_size, rd.material[0] ? "决定书草稿在法制审核同意后已修改（事实、处理措施或金额），须重新送法制审核"
						       : "法制审核同意时未附决定书草稿，须附拟作出的决定书重新送法制审核");
		open = false;
	}
	json_decref(draft);
	rv_round_release(&rd);
	return open;
}

static int gate_eval(struct db *db, long long case_id, const json_t *req, int since_seq, const char *date, char *msg,
		     size_t msg_size)
{
	(void)req, (void)since_seq, (void)date;
	return review_gate_open(db, case_id, msg, msg_size) ? 1 : 0;
}

void review_init(void)
{
	review_decision_init();
	procedure_requirement_register("review", "法制审核", NULL);
	procedure_requirement_set_eval("review", gate_eval);
}
