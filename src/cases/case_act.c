/*
 * case_act.c - the acts on an open case: advance along the procedure's
 * transitions (through gates.c), approvals, officers, participants,
 * suspending and resuming clocks, extensions, endings and 结案.  Each is
 * one transaction: claim the row version (a stale one is a 409 and nothing
 * is written), check, change, write the act (case_util.c).  See cases.h.
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/procedure.h"
#include "actor/scope.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "people/people.h"

/* An entry of array key of def whose member "code" (or mkey) is code. */
static const json_t *def_find(const json_t *def, const char *key, const char *mkey, const char *code)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(def, key), i, x)
		if (str_eq(case_js(x, mkey), code))
			return x;
	return NULL;
}

/* The approval requirement of the current stage with that code. */
static const json_t *stage_approval(const json_t *def, const char *stage, const char *code)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(procedure_stage(def, stage), "requires"), i, x)
		if (str_eq(case_js(x, "type"), "approval") && str_eq(case_js(x, "approval"), code))
			return x;
	return NULL;
}

static bool str_in_array(const json_t *arr, const char *s)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x)
		if (str_eq(json_string_value(x), s))
			return true;
	return false;
}

/* Whether ending end may be taken from stage. */
static bool ending_from_ok(const json_t *def, const json_t *end, const char *stage)
{
	const json_t *from = json_object_get(end, "from");
	if (json_is_array(from))
		return str_in_array(from, stage);
	return !procedure_is_final(def, stage);
}

/* May a act as an officer of the case (current officer, or head)? */
static bool may_work(struct db *db, const struct actor *a, const struct case_row *c)
{
	return (actor_has(a, ROLE_OFFICER | ROLE_HEAD) && case_is_officer(db, c->id, a->user_id)) ||
	       case_is_head_of(db, a, c->unit_id);
}

/* A person approving for role (approvals, extensions, endings). */
static int check_approver(struct db *db, const struct actor *a, const struct case_row *c, const char *role,
			  const char *what, struct err *e)
{
	unsigned r = role_parse(role);
	if (!case_has_role_above(db, a, role, c->unit_id))
		return err_set(e, ERR_FORBIDDEN, "", "%s须由本案承办机构或其上级的%s进行", what,
			       r ? role_label(r) : "有权人员");
	if (case_is_officer(db, c->id, a->user_id))
		return err_set(e, ERR_FORBIDDEN, "", "%s不能由本案的执法人员（%s）自己进行", what, a->name);
	return 0;
}

/* The case's unmet clocks of rule event_code (ids). */
static int clock_ids(struct db *db, const struct case_row *c, const char *event_code, long long **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	struct db_res *r;
	if (db_query(db, &r, "SELECT d.id FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
			     " WHERE d.object_type = 'case' AND d.object_id = ? AND r.event_code = ?"
			     " AND d.state <> 'met' ORDER BY d.id", DB_TEXT(idstr), DB_TEXT(event_code)) < 0)
		return -1;
	*ids = xcalloc((size_t)r->nrows + 1, sizeof **ids);
	for (int i = 0; i < r->nrows; i++)
		(*ids)[i] = db_int(r, i, 0);
	*n = (size_t)r->nrows;
	db_res_free(r);
	return 0;
}

/* A stage that schedules an event (the hearing) with a notice period
 * (procedure "notice_before"): the event date must be a real date and the
 * act date - the day of the notice - at least days (working days when
 * "working") before it, neither day counted (calendar_days_before_ok). */
static int check_notice_before(struct db *db, const json_t *nb, const char *notice, const char *event_on,
			       struct err *e)
{
	int32_t d;
	const char *name = case_js(nb, "name");
	if (str_empty(event_on))
		return err_set(e, ERR_INVALID, "event_on", "请填写举行日期（须%s）", name);
	if (strlen(event_on) != 10 || cal_date_parse(event_on, &d) < 0)
		return err_set(e, ERR_INVALID, "event_on", "举行日期格式应为 YYYY-MM-DD 且是真实的日期");
	int days = (int)json_integer_value(json_object_get(nb, "days"));
	bool working = json_is_true(json_object_get(nb, "working"));
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, e) < 0)
		return -1;
	int ok = calendar_days_before_ok(cal, notice, event_on, days, working);
	calendar_unref(cal);
	if (ok < 0)
		return err_set(e, ERR_INVALID, "event_on", "无法按工作日日历核对举行日期 %s，请检查日期", event_on);
	if (ok == 0)
		return err_set(e, ERR_INVALID, "event_on",
			       "举行日期 %s 距通知之日 %s 不足 %d 个%s：应当在举行的%d日前%s（%s）", event_on, notice,
			       days, working ? "工作日" : "日", days, name, case_js(nb, "basis"));
	return 0;
}

static int do_advance(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		      const struct case_act_input *in, const char *date, bool closing, struct err *e)
{
	if (!may_work(db, a, c))
		return err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办机构负责人可以推进案件");
	const char *to = in->to;
	if (str_empty(to) && closing) {
		json_t *next = procedure_next_stages(def, c->stage);
		size_t i;
		json_t *x;
		json_array_foreach(next, i, x)
			if (procedure_is_final(def, json_string_value(x))) {
				to = json_string_value(x);
				break;
			}
		if (!to) {
			json_decref(next);
			return err_set(e, ERR_CONFLICT, "to", "「%s」环节不能直接结案", procedure_stage_name(def, c->stage));
		}
		/* to points into def via the stage code strings kept alive by def */
		const json_t *st = procedure_stage(def, to);
		to = case_js(st, "code");
		json_decref(next);
	}
	if (str_empty(to) || !procedure_stage(def, to))
		return err_set(e, ERR_INVALID, "to", "请选择要进入的环节（本程序没有该环节）");
	if (closing != procedure_is_final(def, to))
		return err_set(e, ERR_INVALID, "to", closing ? "结案须进入本程序的结案环节"
							       : "进入结案环节请使用「结案」");
	if (!procedure_transition_ok(def, c->stage, to))
		return err_set(e, ERR_CONFLICT, "to", "本程序不允许从「%s」直接进入「%s」",
			       procedure_stage_name(def, c->stage), procedure_stage_name(def, to));
	if (gates_check(db, c, def, date, e) < 0)
		return -1;
	const json_t *nb = json_object_get(procedure_stage(def, to), "notice_before");
	if (nb && check_notice_before(db, nb, date, in->event_on, e) < 0)
		return -1;
	char from[40];
	snprintf(from, sizeof from, "%s", c->stage);
	json_t *detail = json_object();
	if (nb)
		json_object_set_new(detail, "event_on", json_string(in->event_on));
	int seq = c->row_version;
	if (case_enter_stage(db, a, c, def, to, date, seq, detail, e) < 0) {
		json_decref(detail);
		return -1;
	}
	struct case_act_rec rec = { .type = closing ? "closed" : "stage", .on_date = date, .stage_from = from,
				    .stage_to = to, .text = in->reason, .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

static int do_approve(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		      const struct case_act_input *in, const char *date, struct err *e)
{
	const json_t *req = str_empty(in->approval) ? NULL : stage_approval(def, c->stage, in->approval);
	if (!req)
		return err_set(e, ERR_INVALID, "approval", "「%s」环节没有这项审批", procedure_stage_name(def, c->stage));
	const char *name = case_js(req, "name");
	if (check_approver(db, a, c, case_js(req, "role"), name[0] ? name : "审批", e) < 0)
		return -1;
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_acts WHERE case_id = ? AND type = 'approved'"
				 " AND approval = ? AND seq > ?",
			  (const struct db_val[]){ DB_INT(c->id), DB_TEXT(in->approval), DB_INT(c->stage_seq), DB_END }) > 0)
		return err_set(e, ERR_CONFLICT, "approval", "本环节已经%s，不必重复审批", name);
	json_t *detail = json_pack("{s:s,s:s}", "approval", in->approval, "role", case_js(req, "role"));
	struct case_act_rec rec = { .type = "approved", .on_date = date, .stage_from = c->stage,
				    .stage_to = c->stage, .approval = in->approval, .text = in->reason,
				    .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

static int do_officers(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		       const struct case_act_input *in, const char *date, struct err *e)
{
	bool initial = str_eq(c->stage, case_js(def, "initial"));
	if (!(case_is_head_of(db, a, c->unit_id) ||
	      (initial && actor_has(a, ROLE_OFFICER | ROLE_HEAD) && case_is_officer(db, c->id, a->user_id))))
		return err_set(e, ERR_FORBIDDEN, "", "只有承办机构负责人可以指派或更换执法人员");
	long long *matters = NULL;
	size_t nm = 0;
	if (case_matter_ids(db, c->id, &matters, &nm) < 0)
		return case_db_fail(db, e);
	int r = case_check_officers(db, in->officer_ids, in->n_officers, case_min_officers(def), matters, nm, date,
				    NULL, "officer_ids", e);
	free(matters);
	if (r < 0)
		return -1;
	int seq = c->row_version;
	json_t *added = json_array(), *removed = json_array();
	long long *cur = NULL;
	size_t n = 0;
	if (case_officer_ids(db, c->id, &cur, &n) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bool keep = false;
		for (size_t j = 0; j < in->n_officers; j++)
			keep = keep || in->officer_ids[j] == cur[i];
		if (!keep) {
			if (db_exec(db, "UPDATE case_officers SET until_act = ? WHERE case_id = ? AND user_id = ?"
					" AND until_act IS NULL", DB_INT(seq), DB_INT(c->id), DB_INT(cur[i])) < 0)
				goto fail;
			json_array_append_new(removed, json_integer(cur[i]));
		}
	}
	for (size_t j = 0; j < in->n_officers; j++) {
		bool have = false;
		for (size_t i = 0; i < n; i++)
			have = have || in->officer_ids[j] == cur[i];
		if (!have) {
			if (db_exec(db, "INSERT INTO case_officers(case_id, user_id, since_act) VALUES (?,?,?)",
				    DB_INT(c->id), DB_INT(in->officer_ids[j]), DB_INT(seq)) < 0)
				goto fail;
			json_array_append_new(added, json_integer(in->officer_ids[j]));
		}
	}
	free(cur);
	if (json_array_size(added) == 0 && json_array_size(removed) == 0) {
		json_decref(added);
		json_decref(removed);
		return err_set(e, ERR_INVALID, "officer_ids", "执法人员没有变化");
	}
	json_t *detail = json_pack("{s:o,s:o}", "added", added, "removed", removed);
	struct case_act_rec rec = { .type = "officers", .on_date = date, .stage_from = c->stage,
				    .stage_to = c->stage, .text = in->reason, .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
fail:
	free(cur);
	json_decref(added);
	json_decref(removed);
	return case_db_fail(db, e);
}

static bool len_ok(const char *s, long min, long max)
{
	long n = s ? utf8_len(s, strlen(s)) : 0;
	return n >= min && n <= max;
}

static int do_participant(struct db *db, const struct actor *a, struct case_row *c,
			  const struct case_act_input *in, const char *date, struct err *e)
{
	if (!may_work(db, a, c))
		return err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办机构负责人可以登记辅助人员或专家");
	if (!str_eq(in->p_kind, "assistant") && !str_eq(in->p_kind, "expert"))
		return err_set(e, ERR_INVALID, "p_kind", "请选择身份：执法辅助人员或专家");
	if (!len_ok(in->p_name, 1, 32))
		return err_set(e, ERR_INVALID, "p_name", "请填写姓名（1 至 32 字）");
	if (!len_ok(in->p_id_type, 1, 32))
		return err_set(e, ERR_INVALID, "p_id_type", "请填写证件类型（如居民身份证、工作证）");
	if (!len_ok(in->p_id_number, 1, 64))
		return err_set(e, ERR_INVALID, "p_id_number", "请填写证件号码");
	if (!len_ok(in->p_organisation, 1, 100))
		return err_set(e, ERR_INVALID, "p_organisation", "请填写所在单位（须告知当事人，二.(一).3）");
	if (!len_ok(in->p_title ? in->p_title : "", 0, 64))
		return err_set(e, ERR_INVALID, "p_title", "职务或专业至多 64 字");
	int seq = c->row_version;
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO case_participants(case_id, kind, name, id_type, id_number, organisation,"
			     " title, since_act) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
		     DB_INT(c->id), DB_TEXT(in->p_kind), DB_TEXT(in->p_name), DB_TEXT(in->p_id_type),
		     DB_TEXT(in->p_id_number), DB_TEXT(in->p_organisation), DB_TEXT(in->p_title ? in->p_title : ""),
		     DB_INT(seq)) < 0 || r->nrows != 1) {
		db_res_free(r);
		return case_db_fail(db, e);
	}
	long long pid = db_int(r, 0, 0);
	db_res_free(r);
	/* the act keeps the row id; the identity stays in case_participants, out of the leaf */
	json_t *detail = json_pack("{s:I,s:s}", "participant", (json_int_t)pid, "kind", in->p_kind);
	struct case_act_rec rec = { .type = "participants", .on_date = date, .stage_from = c->stage,
				    .stage_to = c->stage, .text = in->reason, .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

static int do_suspend(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		      const struct case_act_input *in, const char *date, bool resume, struct err *e)
{
	if (!may_work(db, a, c))
		return err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办机构负责人可以中止或恢复计时");
	char running[40] = "";
	{
		struct db_res *r;
		if (db_query(db, &r, "SELECT suspension FROM cases WHERE id = ?", DB_INT(c->id)) < 0)
			return case_db_fail(db, e);
		if (r->nrows)
			snprintf(running, sizeof running, "%s", db_text(r, 0, 0));
		db_res_free(r);
	}
	const char *code = resume && str_empty(in->suspension) ? running : in->suspension;
	const json_t *s = str_empty(code) ? NULL : def_find(def, "suspensions", "code", code);
	if (!s)
		return err_set(e, ERR_INVALID, "suspension", resume ? "本案没有正在中止的计时"
								     : "请选择本程序规定的不计入期限的情形");
	if (!resume && running[0])
		return err_set(e, ERR_CONFLICT, "suspension", "本案已因「%s」中止计时，请先恢复",
			       case_js(def_find(def, "suspensions", "code", running), "name"));
	if (resume && !str_eq(running, code))
		return err_set(e, ERR_CONFLICT, "suspension", "本案没有因「%s」中止计时", case_js(s, "name"));
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, e) < 0)
		return -1;
	json_t *clocks = json_array();
	size_t i;
	json_t *x;
	int rc = 0;
	json_array_foreach(json_object_get(s, "clocks"), i, x) {
		long long *ids = NULL;
		size_t n = 0;
		if (clock_ids(db, c, json_string_value(x), &ids, &n) < 0) {
			rc = case_db_fail(db, e);
			break;
		}
		for (size_t k = 0; k < n && rc == 0; k++) {
			rc = resume ? deadline_resume(db, cal, ids[k], date, e)
				    : deadline_suspend(db, cal, ids[k], date, case_js(s, "name"), case_js(s, "basis"), e);
			if (rc == 0)
				json_array_append_new(clocks, json_integer(ids[k]));
		}
		free(ids);
		if (rc < 0)
			break;
	}
	calendar_unref(cal);
	if (rc < 0) {
		json_decref(clocks);
		return -1;
	}
	if (json_array_size(clocks) == 0) {
		json_decref(clocks);
		return err_set(e, ERR_CONFLICT, "suspension", "本案没有「%s」所涉及的计时", case_js(s, "name"));
	}
	if (db_exec(db, "UPDATE cases SET suspension = ? WHERE id = ?", resume ? DB_NULL : DB_TEXT(code),
		    DB_INT(c->id)) < 0) {
		json_decref(clocks);
		return case_db_fail(db, e);
	}
	json_t *detail = json_pack("{s:s,s:o}", "suspension", code, "clocks", clocks);
	struct case_act_rec rec = { .type = resume ? "resumed" : "suspended", .on_date = date,
				    .stage_from = c->stage, .stage_to = c->stage, .text = in->reason,
				    .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

static int do_extend(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		     const struct case_act_input *in, const char *date, struct err *e)
{
	const json_t *x = NULL;
	if (str_empty(in->clock)) {
		if (json_array_size(json_object_get(def, "extensions")) == 1)
			x = json_array_get(json_object_get(def, "extensions"), 0);
	} else {
		x = def_find(def, "extensions", "clock", in->clock);
	}
	if (!x)
		return err_set(e, ERR_INVALID, "clock", "本程序没有可延长的该项期限");
	const char *name = case_js(x, "name");
	if (check_approver(db, a, c, case_js(x, "role"), name[0] ? name : "延长期限", e) < 0)
		return -1;
	if (str_empty(in->reason))
		return err_set(e, ERR_INVALID, "reason", "请填写延长期限的理由");
	long long *ids = NULL;
	size_t n = 0;
	if (clock_ids(db, c, case_js(x, "clock"), &ids, &n) < 0)
		return case_db_fail(db, e);
	if (n == 0) {
		free(ids);
		return err_set(e, ERR_CONFLICT, "clock", "本案没有正在计算的该项期限");
	}
	int days = in->days;
	if (days < 0 || days > 3650) {
		free(ids);
		return err_set(e, ERR_INVALID, "days", "延长天数不正确");
	}
	if (days == 0) {
		json_int_t d = json_integer_value(json_object_get(x, "days"));
		if (d <= 0)
			d = db_scalar_int(db, 0, "SELECT r.extension_days FROM deadlines d JOIN deadline_rules r"
						 " ON r.id = d.rule_id WHERE d.id = ?",
					  (const struct db_val[]){ DB_INT(ids[0]), DB_END });
		days = (int)d;
	}
	if (days <= 0) {
		free(ids);
		return err_set(e, ERR_INVALID, "days", "请填写延长的天数");
	}
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, e) < 0) {
		free(ids);
		return -1;
	}
	int rc = deadline_extend(db, cal, ids[0], days, a->name, case_js(x, "basis"), e);
	calendar_unref(cal);
	long long did = ids[0];
	free(ids);
	if (rc < 0)
		return -1;
	json_t *detail = json_pack("{s:s,s:I,s:i}", "clock", case_js(x, "clock"), "deadline", (json_int_t)did,
				   "days", days);
	struct case_act_rec rec = { .type = "extended", .on_date = date, .stage_from = c->stage,
				    .stage_to = c->stage, .text = in->reason, .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

static int do_end(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		  const struct case_act_input *in, const char *date, struct err *e)
{
	const json_t *x = str_empty(in->ending) ? NULL : def_find(def, "endings", "code", in->ending);
	if (!x)
		return err_set(e, ERR_INVALID, "ending", "请选择本程序规定的终结方式");
	const char *name = case_js(x, "name");
	if (!ending_from_ok(def, x, c->stage))
		return err_set(e, ERR_CONFLICT, "ending", "「%s」环节不能%s", procedure_stage_name(def, c->stage), name);
	if (check_approver(db, a, c, case_js(x, "role"), name, e) < 0)
		return -1;
	if (!len_ok(in->reason, 1, 1000))
		return err_set(e, ERR_INVALID, "reason", "请填写%s的理由（1 至 1000 字）", name);
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	/* an ended case runs no clock any more: its open clocks are met on the day */
	struct db_res *r;
	if (db_query(db, &r, "SELECT id FROM deadlines WHERE object_type = 'case' AND object_id = ? AND state <> 'met'",
		     DB_TEXT(idstr)) < 0)
		return case_db_fail(db, e);
	json_t *met = json_array();
	int rc = 0;
	for (int i = 0; i < r->nrows && rc == 0; i++) {
		rc = deadline_meet(db, db_int(r, i, 0), date, e);
		json_array_append_new(met, json_integer(db_int(r, i, 0)));
	}
	db_res_free(r);
	if (rc < 0) {
		json_decref(met);
		return -1;
	}
	char now[21];
	time_now_utc(now);
	if (db_exec(db, "UPDATE cases SET status = 'ended', ending = ?, closed_on = ?, updated_at = ? WHERE id = ?",
		    DB_TEXT(in->ending), DB_TEXT(date), DB_TEXT(now), DB_INT(c->id)) < 0) {
		json_decref(met);
		return case_db_fail(db, e);
	}
	snprintf(c->status, sizeof c->status, "ended");
	json_t *detail = json_pack("{s:s,s:o}", "ending", in->ending, "clocks_met", met);
	struct case_act_rec rec = { .type = "ended", .on_date = date, .stage_from = c->stage, .stage_to = c->stage,
				    .ending = in->ending, .text = in->reason, .detail = detail };
	return case_write_act(db, a, c, &rec, NULL, e);
}

int case_act(struct db *db, const struct actor *a, long long id, const struct case_act_input *in, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	static const char *const actions[] = { "advance", "approve", "officers", "participant", "suspend",
					       "resume", "extend", "end", "close" };
	bool known = false;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		known = known || str_eq(in->action, actions[i]);
	if (!known)
		return err_set(e, ERR_INVALID, "action", "未知的办案行为");
	if (in->row_version < 1)
		return err_set(e, ERR_INVALID, "row_version", "缺少案件版本号，请刷新后重试");
	if (!len_ok(in->reason ? in->reason : "", 0, 1000))
		return err_set(e, ERR_INVALID, "reason", "理由或说明至多 1000 字");
	if (db_begin(db) < 0)
		return case_db_fail(db, e);
	struct case_row c;
	json_t *def = NULL;
	int rc = -1;
	if (case_load(db, id, &c, e) < 0) {
		db_rollback(db);
		return -1;
	}
	if (!case_visible(db, a, &c)) {
		err_set(e, ERR_NOTFOUND, "id", "案件不存在或无权查看");
		goto out;
	}
	if (!actor_has(a, ROLE_OFFICER | ROLE_HEAD | ROLE_LEADER | ROLE_REVIEWER)) {
		err_set(e, ERR_FORBIDDEN, "", "您的角色不能办理案件");
		goto out;
	}
	/* claim the version first: a concurrent act waits here (PostgreSQL row
	   lock) and then finds the version changed */
	struct db_res *r = NULL;
	if (db_query(db, &r, "UPDATE cases SET row_version = row_version + 1 WHERE id = ? AND row_version = ?"
			     " RETURNING row_version", DB_INT(id), DB_INT(in->row_version)) < 0) {
		case_db_fail(db, e);
		goto out;
	}
	if (r->nrows != 1) {
		db_res_free(r);
		long long now_v = db_scalar_int(db, 0, "SELECT row_version FROM cases WHERE id = ?",
						(const struct db_val[]){ DB_INT(id), DB_END });
		err_set(e, ERR_CONFLICT, "row_version",
			"该案件已被他人修改（您看到的是第 %d 版，现在是第 %lld 版），请刷新后重试", in->row_version, now_v);
		goto out;
	}
	c.row_version = (int)db_int(r, 0, 0);
	db_res_free(r);
	if (!str_eq(c.status, "open")) {
		err_set(e, ERR_CONFLICT, "", "本案%s，不能再办理", case_status_label(c.status));
		goto out;
	}
	char date[11];
	if (case_act_date(in->on_date, c.last_act_on, date, "on_date", e) < 0)
		goto out;
	def = case_definition(db, c.procedure_id, e);
	if (!def)
		goto out;
	const char *act = in->action;
	if (str_eq(act, "advance") || str_eq(act, "close"))
		rc = do_advance(db, a, &c, def, in, date, str_eq(act, "close"), e);
	else if (str_eq(act, "approve"))
		rc = do_approve(db, a, &c, def, in, date, e);
	else if (str_eq(act, "officers"))
		rc = do_officers(db, a, &c, def, in, date, e);
	else if (str_eq(act, "participant"))
		rc = do_participant(db, a, &c, in, date, e);
	else if (str_eq(act, "suspend") || str_eq(act, "resume"))
		rc = do_suspend(db, a, &c, def, in, date, str_eq(act, "resume"), e);
	else if (str_eq(act, "extend"))
		rc = do_extend(db, a, &c, def, in, date, e);
	else
		rc = do_end(db, a, &c, def, in, date, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = case_db_fail(db, e);
out:
	if (rc < 0)
		db_rollback(db);
	json_decref(def);
	case_row_release(&c);
	return rc;
}
