/*
 * gates.c - the one place where the requirements of a stage are asked: what
 * must be there before a case may leave its current stage (the "requires"
 * of the stage in the case's procedure version).
 *
 * Types evaluated here:
 *   officers  at least the procedure's min_officers current officers, each
 *             with a certificate valid on the act date that covers every
 *             matter of the case (《中华人民共和国行政处罚法》第四十二条);
 *   party     at least one party linked;
 *   matter    at least one matter linked;
 *   approval  an "approved" act of that approval code done since the case
 *             entered this stage (the approver's role was checked when the
 *             act was done, case_act.c).
 * Any other type is asked of the evaluator its module registered
 * (procedure_requirement_set_eval: records, review); a type without one is
 * not met, so an unfinished gate blocks rather than lets a case through.
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/procedure.h"
#include "people/people.h"

static json_t *need(const json_t *req, const char *type, const char *name, bool met, const char *msg)
{
	return json_pack("{s:s,s:s,s:s,s:b,s:s}", "type", type, "name", name, "basis", case_js(req, "basis"),
			 "met", met, "message", met ? "" : msg);
}

static json_t *officers_need(struct db *db, const struct case_row *c, const json_t *def, const json_t *req,
			     const char *date)
{
	long long *ids = NULL, *matters = NULL;
	size_t n = 0, nm = 0;
	struct err e = ERR_INIT;
	bool ok = case_officer_ids(db, c->id, &ids, &n) == 0 && case_matter_ids(db, c->id, &matters, &nm) == 0 &&
		  case_check_officers(db, ids, n, case_min_officers(def), matters, nm, date, NULL, "officer_ids",
				      &e) == 0;
	free(ids);
	free(matters);
	return need(req, "officers", "执法人员", ok, e.msg[0] ? e.msg : "执法人员不符合要求");
}

json_t *gates_needs(struct db *db, const struct case_row *c, const json_t *def, const char *stage,
		    const char *date)
{
	json_t *out = json_array();
	const json_t *st = procedure_stage(def, stage);
	size_t i;
	json_t *req;
	json_array_foreach(json_object_get(st, "requires"), i, req) {
		const char *type = case_js(req, "type");
		if (str_eq(type, "officers")) {
			json_array_append_new(out, officers_need(db, c, def, req, date));
		} else if (str_eq(type, "party")) {
			bool ok = db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_parties WHERE case_id = ?",
						(const struct db_val[]){ DB_INT(c->id), DB_END }) > 0;
			json_array_append_new(out, need(req, type, "当事人", ok, "尚未登记当事人"));
		} else if (str_eq(type, "matter")) {
			bool ok = db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_matters WHERE case_id = ?",
						(const struct db_val[]){ DB_INT(c->id), DB_END }) > 0;
			json_array_append_new(out, need(req, type, "执法事项", ok, "尚未关联执法事项"));
		} else if (str_eq(type, "approval")) {
			const char *code = case_js(req, "approval");
			bool ok = db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_acts WHERE case_id = ? AND type = 'approved'"
						       " AND approval = ? AND seq > ?",
						(const struct db_val[]){ DB_INT(c->id), DB_TEXT(code),
									 DB_INT(c->stage_seq), DB_END }) > 0;
			const char *name = case_js(req, "name");
			unsigned role = role_parse(case_js(req, "role"));
			char msg[256];
			snprintf(msg, sizeof msg, "尚缺%s（由%s审批）", name[0] ? name : "审批",
				 role ? role_label(role) : "有权人员");
			json_array_append_new(out, need(req, type, name[0] ? name : "审批", ok, msg));
		} else {
			/* a type registered by a module above (records, review):
			 * its evaluator answers; none, or a failure, is not met */
			const char *label = procedure_requirement_label(type);
			const char *name = case_js(req, "name");
			char msg[256];
			snprintf(msg, sizeof msg, "尚未满足：%s", name[0] ? name : label);
			procedure_req_eval_fn eval = procedure_requirement_eval(type);
			bool ok = false;
			if (eval) {
				char m2[256] = "";
				ok = eval(db, c->id, req, c->stage_seq, date, m2, sizeof m2) == 1;
				if (!ok && m2[0])
					snprintf(msg, sizeof msg, "%s", m2);
			}
			json_array_append_new(out, need(req, type, name[0] ? name : label, ok, msg));
		}
	}
	return out;
}

int gates_check(struct db *db, const struct case_row *c, const json_t *def, const char *date, struct err *e)
{
	json_t *needs = gates_needs(db, c, def, c->stage, date);
	struct buf b;
	buf_init(&b, 0);
	size_t i;
	json_t *x;
	json_array_foreach(needs, i, x) {
		if (json_is_true(json_object_get(x, "met")))
			continue;
		if (b.len)
			buf_puts(&b, "；");
		buf_puts(&b, case_js(x, "message"));
	}
	json_decref(needs);
	int rc = 0;
	if (b.len)
		rc = err_set(e, ERR_CONFLICT, "to", "「%s」环节的要求尚未满足，不能进入下一环节：%s",
			     procedure_stage_name(def, c->stage), buf_str(&b));
	buf_release(&b);
	return rc;
}
