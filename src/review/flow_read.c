/*
 * flow_read.c - the state of a review from its events, the review of one
 * case as JSON with its responsibility table, the queues (flow.h).
 */
#include "core/core.h"
#include "review/flow.h"
#include "review/flow_int.h"
#include "review/decision.h"
#include "records/decision.h"
#include "cases/cases.h"
#include "people/people.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "calendar/deadline.h"

static const struct {
	const char *code, *label;
} states[] = {
	{ "submitted", "待受理" },   { "returned", "待补正" },          { "accepted", "待分配审核人员" },
	{ "reviewing", "审核中" },   { "agreed", "同意" },              { "problems", "存在问题" },
	{ "escalated", "报分管负责人审定" }, { "decided", "分管负责人已审定" },
};

const char *review_state_label(const char *state)
{
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (str_eq(state, states[i].code))
			return states[i].label;
	return "";
}

const char *rv_event_label(const char *type)
{
	static const struct {
		const char *code, *label;
	} ev[] = {
		{ "submitted", "送审" },     { "returned", "退回补正" }, { "supplemented", "补正材料" },
		{ "accepted", "受理" },      { "assigned", "分配审核人员" }, { "claimed", "认领审核" },
		{ "opinion", "出具审核意见" }, { "escalated", "报分管负责人审定" }, { "decided", "分管负责人审定" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ev); i++)
		if (str_eq(type, ev[i].code))
			return ev[i].label;
	return "";
}

static const char *verdict_label(const char *v)
{
	if (str_eq(v, "agree"))
		return "同意";
	if (str_eq(v, "problems"))
		return "存在问题";
	if (str_eq(v, "proceed"))
		return "同意作出";
	if (str_eq(v, "refuse"))
		return "不同意作出";
	if (str_eq(v, "modify"))
		return "修改后作出";
	return "";
}

/* The capacity in which someone took a step: a head escalates for the
 * division and does everything else for the 政策法规处. */
static const char *role_label_of(const char *role, const char *type)
{
	if (str_eq(role, "division"))
		return "承办处室";
	if (str_eq(role, "head"))
		return str_eq(type, "escalated") ? "承办处室负责人" : "政策法规处负责人";
	if (str_eq(role, "reviewer"))
		return "法制审核人员";
	if (str_eq(role, "leader"))
		return "分管负责人";
	return "";
}

void rv_round_release(struct rv_round *rd)
{
	json_decref(rd->last_opinion);
	rd->last_opinion = NULL;
}

int rv_round_load(struct db *db, long long id, struct rv_round *rd, struct err *e)
{
	memset(rd, 0, sizeof *rd);
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, case_id, unit_id, submitted_by, round_no, major, proposal FROM review_rounds"
			     " WHERE id = ?",
		     DB_INT(id)) < 0)
		return rv_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "", "送审记录不存在");
	}
	rd->id = db_int(r, 0, 0);
	rd->case_id = db_int(r, 0, 1);
	rd->unit_id = db_int(r, 0, 2);
	rd->submitted_by = db_int(r, 0, 3);
	rd->round_no = (int)db_int(r, 0, 4);
	rd->major = db_int(r, 0, 5) != 0;
	json_t *prop = json_loads(db_text(r, 0, 6), 0, NULL);
	const json_t *dd = json_object_get(prop, "decision_document");
	rd->decision_doc_id = (long long)json_integer_value(json_object_get(dd, "id"));
	snprintf(rd->material, sizeof rd->material, "%s",
		 json_string_value(json_object_get(dd, "material_sha256")) ? json_string_value(json_object_get(dd, "material_sha256")) : "");
	json_decref(prop);
	db_res_free(r);
	snprintf(rd->state, sizeof rd->state, "submitted");
	if (db_query(db, &r, "SELECT type, reviewer_id, COALESCE(verdict, ''), detail FROM review_events"
			     " WHERE round_id = ? ORDER BY id", DB_INT(id)) < 0)
		return rv_db_fail(db, e);
	for (int i = 0; i < r->nrows; i++) {
		const char *t = db_text(r, i, 0), *v = db_text(r, i, 2);
		const char *next = NULL;
		if (str_eq(t, "returned"))
			next = "returned";
		else if (str_eq(t, "supplemented"))
			next = "submitted";
		else if (str_eq(t, "accepted"))
			next = "accepted";
		else if (str_eq(t, "assigned") || str_eq(t, "claimed")) {
			next = "reviewing";
			rd->reviewer_id = db_int(r, i, 1);
		} else if (str_eq(t, "opinion")) {
			next = str_eq(v, "agree") ? "agreed" : "problems";
			json_decref(rd->last_opinion);
			rd->last_opinion = json_loads(db_text(r, i, 3), 0, NULL);
		} else if (str_eq(t, "escalated")) {
			next = "escalated";
		} else if (str_eq(t, "decided")) {
			next = "decided";
			snprintf(rd->decided_verdict, sizeof rd->decided_verdict, "%s", v);
		}
		if (next)
			snprintf(rd->state, sizeof rd->state, "%s", next);
	}
	db_res_free(r);
	return 0;
}

int rv_round_latest(struct db *db, long long case_id, struct rv_round *rd, struct err *e)
{
	memset(rd, 0, sizeof *rd);
	long long id = db_scalar_int(db, -1, "SELECT COALESCE(MAX(id), 0) FROM review_rounds WHERE case_id = ?",
				     (const struct db_val[]){ DB_INT(case_id), DB_END });
	if (id < 0)
		return rv_db_fail(db, e);
	if (id == 0)
		return err_set(e, ERR_CONFLICT, "", "该案件尚未送法制审核");
	return rv_round_load(db, id, rd, e);
}

/* Stored JSON text, or an empty array / object when it does not parse. */
static json_t *jload(const char *text, bool array)
{
	json_t *j = json_loads(text, 0, NULL);
	return j ? j : array ? json_array() : json_object();
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = o ? json_string_value(json_object_get(o, k)) : NULL;
	return s ? s : "";
}

static char *name_of(struct db *db, long long uid)
{
	char *n = uid > 0 ? people_user_name(db, uid) : NULL;
	return n ? n : xstrdup("");
}

static json_t *local_time(const char *utc)
{
	char out[20] = "";
	if (utc && utc[0])
		time_utc_to_shanghai(utc, out);
	return json_string(out);
}

/* Who may see case_id's review: those who see the case; the 政策法规处
 * once it was submitted; the leader of its division. */
static int review_visible(struct db *db, const struct actor *a, long long case_id, struct case_brief *cb,
			  struct err *e)
{
	struct err ve = ERR_INIT;
	if (case_brief_get(db, a, case_id, false, cb, &ve) == 0)
		return 0;
	if (ve.kind != ERR_NOTFOUND || case_brief_get(db, NULL, case_id, false, cb, e) < 0) {
		*e = ve;
		return -1;
	}
	long long rounds = db_scalar_int(db, 0, "SELECT COUNT(*) FROM review_rounds WHERE case_id = ?",
					 (const struct db_val[]){ DB_INT(case_id), DB_END });
	if (rounds > 0 && actor_logged_in(a) &&
	    ((people_unit_is_reviewer(db, a->unit_id) && actor_has(a, ROLE_HEAD | ROLE_REVIEWER)) ||
	     (actor_has(a, ROLE_LEADER) && people_unit_leader(db, cb->unit_id) == a->user_id)))
		return 0;
	*e = ve;
	return -1;
}

static json_t *actions_for(struct db *db, const struct actor *a, const struct case_brief *cb, const struct rv_round *rd,
			   bool has_round)
{
	json_t *out = json_array();
	struct case_brief tmp;
	struct err e = ERR_INIT;
	bool division = case_brief_get(db, a, cb->id, true, &tmp, &e) == 0 && str_eq(cb->status, "open");
	bool office = people_unit_is_reviewer(db, a->unit_id);
	const char *st = has_round ? rd->state : "";
	/* after 同意, a decision draft changed since (or made after) is
	 * submitted again */
	bool changed = false;
	if (division && has_round && (str_eq(st, "agreed") || str_eq(st, "decided"))) {
		json_t *draft = NULL;
		if (records_decision_draft(db, cb->id, &draft, &e) == 0 && draft &&
		    !str_eq(json_string_value(json_object_get(draft, "material_sha256")), rd->material) &&
		    !(str_eq(st, "decided") && str_eq(rd->decided_verdict, "refuse")))
			changed = true;
		json_decref(draft);
	}
	if (division && (!has_round || str_eq(st, "problems") || changed))
		json_array_append_new(out, json_string("submit"));
	if (office && actor_has(a, ROLE_HEAD | ROLE_REVIEWER) && str_eq(st, "submitted")) {
		json_array_append_new(out, json_string("accept"));
		json_array_append_new(out, json_string("return"));
	}
	if (division && str_eq(st, "returned"))
		json_array_append_new(out, json_string("supplement"));
	if (office && actor_has(a, ROLE_HEAD) && (str_eq(st, "accepted") || str_eq(st, "reviewing")))
		json_array_append_new(out, json_string("assign"));
	if (office && actor_has(a, ROLE_REVIEWER) && str_eq(st, "accepted"))
		json_array_append_new(out, json_string("claim"));
	if (str_eq(st, "reviewing") && rd->reviewer_id == a->user_id)
		json_array_append_new(out, json_string("opinion"));
	if (division && actor_has(a, ROLE_HEAD) && str_eq(st, "problems") && rd->round_no >= 2)
		json_array_append_new(out, json_string("escalate"));
	if (actor_has(a, ROLE_LEADER) && str_eq(st, "escalated") && people_unit_leader(db, cb->unit_id) == a->user_id)
		json_array_append_new(out, json_string("decide"));
	return out;
}

static const char *answers_for(const char *type)
{
	if (str_eq(type, "submitted"))
		return "送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、程序的合法性（实施方案二（三）4）";
	if (str_eq(type, "returned") || str_eq(type, "accepted"))
		return "送审材料是否齐全";
	if (str_eq(type, "supplemented"))
		return "补正材料的真实性、准确性、完整性";
	if (str_eq(type, "assigned"))
		return "指派具备资格且未参与本案的审核人员";
	if (str_eq(type, "claimed"))
		return "本人具备资格且未参与本案";
	if (str_eq(type, "opinion"))
		return "法制审核意见（实施方案二（三）4）";
	if (str_eq(type, "escalated"))
		return "本处室的意见与报请审定";
	if (str_eq(type, "decided"))
		return "审定结论（实施方案二（三）3）";
	return "";
}

int review_get(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e)
{
	*out = NULL;
	struct case_brief cb;
	if (review_visible(db, a, case_id, &cb, e) < 0)
		return -1;
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, round_no, submitted_by, submitted_at, major, classification, proposal, answers,"
			     " snapshot, snapshot_sha256 FROM review_rounds WHERE case_id = ? ORDER BY round_no",
		     DB_INT(case_id)) < 0)
		return rv_db_fail(db, e);
	json_t *rounds = json_array(), *resp = json_array();
	for (int i = 0; i < r->nrows; i++) {
		long long rid = db_int(r, i, 0);
		char *sub = name_of(db, db_int(r, i, 2));
		json_t *cls = json_loads(db_text(r, i, 5), 0, NULL);
		bool major = db_int(r, i, 4) != 0;
		json_t *round = json_pack("{s:I,s:i,s:s,s:o,s:b,s:b,s:o,s:o,s:o,s:o,s:s,s:[]}", "id", (json_int_t)rid,
					  "round_no", (int)db_int(r, i, 1), "submitted_by_name", sub, "submitted_at_local",
					  local_time(db_text(r, i, 3)), "major", major, "voluntary", !major,
					  "classification", cls ? cls : json_object(), "proposal",
					  jload(db_text(r, i, 6), false), "answers",
					  jload(db_text(r, i, 7), true), "snapshot",
					  jload(db_text(r, i, 8), false), "snapshot_sha256",
					  db_text(r, i, 9), "events");
		long long app_doc = db_scalar_int(db, 0, "SELECT COALESCE(MAX(document_id), 0) FROM review_documents"
							 " WHERE round_id = ? AND kind = 'application'",
						  (const struct db_val[]){ DB_INT(rid), DB_END });
		if (app_doc > 0)
			json_object_set_new(round, "application_document_id", json_integer(app_doc));
		char sstep[40];
		snprintf(sstep, sizeof sstep, "第%d轮 送审", (int)db_int(r, i, 1));
		json_array_append_new(resp, json_pack("{s:s,s:s,s:s,s:s,s:O}", "step", sstep, "person", sub, "role",
						      "承办处室", "answers_for", answers_for("submitted"), "at_local",
						      json_object_get(round, "submitted_at_local")));
		free(sub);
		struct db_res *ev;
		if (db_query(db, &ev, "SELECT e.type, e.by_user, e.by_role, COALESCE(e.reviewer_id, 0), COALESCE(e.verdict, ''),"
				      " e.text, e.detail, e.at, COALESCE(o.document_id, 0) FROM review_events e LEFT JOIN"
				      " review_documents o ON o.event_id = e.id WHERE e.round_id = ? ORDER BY e.id",
			     DB_INT(rid)) < 0) {
			json_decref(round);
			json_decref(rounds);
			json_decref(resp);
			db_res_free(r);
			return rv_db_fail(db, e);
		}
		for (int k = 0; k < ev->nrows; k++) {
			const char *type = db_text(ev, k, 0);
			char *by = name_of(db, db_int(ev, k, 1)), *rev = name_of(db, db_int(ev, k, 3));
			json_t *detail = json_loads(db_text(ev, k, 6), 0, NULL);
			const char *role = db_text(ev, k, 2);
			/* an opinion's text is its detail (checklist, problems) */
			const char *text = str_eq(type, "opinion") ? "" : db_text(ev, k, 5);
			json_t *at = local_time(db_text(ev, k, 7));
			json_array_append_new(json_object_get(round, "events"),
					      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:O}", "type", type,
							"type_label", rv_event_label(type), "by_name", by, "by_role_label",
							role_label_of(role, type), "reviewer_name", rev, "verdict",
							db_text(ev, k, 4), "verdict_label", verdict_label(db_text(ev, k, 4)),
							"text", text, "detail", detail ? detail : json_object(), "at_local", at));
			if (db_int(ev, k, 8) > 0) /* its 法制审核意见书 */
				json_object_set_new(json_array_get(json_object_get(round, "events"),
								   json_array_size(json_object_get(round, "events")) - 1),
						    "document_id", json_integer(db_int(ev, k, 8)));
			char step[80];
			snprintf(step, sizeof step, "第%d轮 %s%s%s", (int)db_int(r, i, 1), rv_event_label(type),
				 db_text(ev, k, 4)[0] ? "：" : "", verdict_label(db_text(ev, k, 4)));
			json_array_append_new(resp, json_pack("{s:s,s:s,s:s,s:s,s:o}", "step", step, "person", by, "role",
							      role_label_of(role, type), "answers_for", answers_for(type),
							      "at_local", at));
			free(by);
			free(rev);
		}
		db_res_free(ev);
		json_array_append_new(rounds, round);
	}
	db_res_free(r);
	struct rv_round rd;
	struct err le = ERR_INIT;
	bool has = rv_round_latest(db, case_id, &rd, &le) == 0;
	char msg[200] = "";
	bool gate = has && review_gate_open(db, case_id, msg, sizeof msg);
	json_t *clock = json_null();
	if (has) {
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", rd.id);
		struct err ce = ERR_INIT;
		json_t *cl = deadline_for_object(db, "review", oid, &ce);
		if (json_array_size(cl))
			clock = json_incref(json_array_get(cl, json_array_size(cl) - 1));
		json_decref(cl);
	}
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:s,s:o,s:o,s:o,s:o}", "case_id", (json_int_t)case_id, "kind", cb.kind,
			      "state",
			      has ? rd.state : "none", "state_label", has ? review_state_label(rd.state) : "未送审",
			      "gate_open", gate, "gate_message", gate ? "" : msg, "rounds", rounds, "clock", clock,
			      "responsibility", resp, "actions", actions_for(db, a, &cb, &rd, has));
	/* the decision draft the division would submit now, with its
	 * classification (review/decision.h) */
	json_t *draft = NULL;
	struct err de = ERR_INIT;
	if (records_decision_draft(db, case_id, &draft, &de) == 0 && draft) {
		json_t *dcls = NULL;
		if (review_document_classification(db, json_integer_value(json_object_get(draft, "id")), &dcls, &de) == 0)
			json_object_set_new(draft, "classification", dcls ? dcls : json_null());
		json_object_del(draft, "fields");
		json_object_del(draft, "review");
		json_object_set_new(o, "decision_draft", draft);
	} else {
		json_decref(draft);
		json_object_set_new(o, "decision_draft", json_null());
	}
	json_object_set_new(o, "major", json_boolean(review_case_major(db, case_id) == 1));
	if (has)
		rv_round_release(&rd);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", case_id);
	if (audit_log(db, a, "review.read", "case", ids, "ok", "") < 0) {
		json_decref(o);
		return rv_db_fail(db, e);
	}
	*out = o;
	return 0;
}

int review_queue(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	bool office = people_unit_is_reviewer(db, a->unit_id) && actor_has(a, ROLE_HEAD | ROLE_REVIEWER);
	struct db_res *r;
	if (db_query(db, &r, "SELECT r.id, r.case_id, c.unit_id, COALESCE(c.case_no, ''), c.title, u.name, r.round_no,"
			     " r.submitted_at FROM review_rounds r JOIN cases c ON c.id = r.case_id JOIN units u ON u.id = c.unit_id"
			     " WHERE r.round_no = (SELECT MAX(r2.round_no) FROM review_rounds r2 WHERE r2.case_id = r.case_id)"
			     " ORDER BY r.submitted_at DESC, r.id DESC LIMIT 500") < 0)
		return rv_db_fail(db, e);
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		long long unit = db_int(r, i, 2);
		struct rv_round rd;
		if (rv_round_load(db, db_int(r, i, 0), &rd, e) < 0) {
			db_res_free(r);
			json_decref(items);
			return -1;
		}
		bool mine = false;
		if (office)
			mine = !str_eq(rd.state, "agreed") && !str_eq(rd.state, "decided");
		else if (actor_has(a, ROLE_LEADER) && people_unit_leader(db, unit) == a->user_id)
			mine = str_eq(rd.state, "escalated");
		if (!mine && actor_has(a, ROLE_OFFICER | ROLE_HEAD) && actor_unit_in_scope(db, a, unit))
			mine = true;
		if (mine) {
			char oid[24];
			snprintf(oid, sizeof oid, "%lld", rd.id);
			struct err ce = ERR_INIT;
			json_t *cl = deadline_for_object(db, "review", oid, &ce);
			json_t *last = json_array_get(cl, json_array_size(cl) ? json_array_size(cl) - 1 : 0);
			char *rev = name_of(db, rd.reviewer_id);
			json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:o}", "case_id",
							       (json_int_t)rd.case_id, "case_no", db_text(r, i, 3), "title",
							       db_text(r, i, 4), "unit_name", db_text(r, i, 5), "round_no",
							       rd.round_no, "state", rd.state, "state_label",
							       review_state_label(rd.state), "reviewer_name", rev, "due_on",
							       jstr(last, "due_on"),
							       "clock_state",
							       jstr(last, "state"),
							       "submitted_at_local", local_time(db_text(r, i, 7))));
			free(rev);
			json_decref(cl);
		}
		rv_round_release(&rd);
	}
	db_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

long long review_round_case(struct db *db, long long round_id)
{
	return db_scalar_int(db, 0, "SELECT COALESCE(MAX(case_id), 0) FROM review_rounds WHERE id = ?",
			     (const struct db_val[]){ DB_INT(round_id), DB_END });
}
