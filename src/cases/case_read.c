/*
 * case_read.c - reading cases: one case with its timeline, clocks, needs
 * and the actions the reader may take (case_get, case_needs,
 * case_actions), and the list (case_list: a fixed number of queries over
 * indexed columns whatever the page size).  Every read of one case writes
 * op_log "case.read".  See cases.h for the view rule.
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/procedure.h"
#include "cases/party.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "calendar/deadline.h"
#include "people/certs.h"
#include "people/people.h"
#include "publicity/publicity.h"
#include "core/dict.h"

static json_t *jstr_or_null(const char *s)
{
	return str_empty(s) ? json_null() : json_string(s);
}

static int open_visible(struct db *db, const struct actor *a, long long id, struct case_row *c, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (case_load(db, id, c, e) < 0)
		return -1;
	if (!case_visible(db, a, c)) {
		case_row_release(c);
		return err_set(e, ERR_NOTFOUND, "id", "案件不存在或无权查看");
	}
	return 0;
}

static void log_read(struct db *db, const struct actor *a, long long id, const char *what)
{
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", id);
	audit_log(db, a, "case.read", "case", idstr, "ok", what);
}

/* ---- actions ---- */

static json_t *action(const char *act, const char *label, bool allowed, json_t *needs)
{
	json_t *o = json_pack("{s:s,s:s,s:b,s:o}", "action", act, "label", label, "allowed", allowed, "needs",
			      needs ? needs : json_array());
	return o;
}

static bool may_work(struct db *db, const struct actor *a, const struct case_row *c)
{
	return (actor_has(a, ROLE_OFFICER | ROLE_HEAD) && case_is_officer(db, c->id, a->user_id)) ||
	       case_is_head_of(db, a, c->unit_id);
}

/* The missing requirements as a list of messages. */
static json_t *missing(const json_t *needs)
{
	json_t *out = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(needs, i, x)
		if (!json_is_true(json_object_get(x, "met")))
			json_array_append_new(out, json_string(case_js(x, "message")));
	return out;
}

static json_t *actions_of(struct db *db, const struct actor *a, const struct case_row *c, const json_t *def,
			  const json_t *needs)
{
	json_t *out = json_array();
	if (!str_eq(c->status, "open") || !actor_has(a, ROLE_OFFICER | ROLE_HEAD | ROLE_LEADER | ROLE_REVIEWER))
		return out;
	bool work = may_work(db, a, c), officer = case_is_officer(db, c->id, a->user_id);
	json_t *miss = missing(needs);
	bool gates_ok = json_array_size(miss) == 0;
	char label[256];
	if (work) {
		json_t *next = procedure_next_stages(def, c->stage);
		size_t i;
		json_t *x;
		json_array_foreach(next, i, x) {
			const char *to = json_string_value(x);
			bool final = procedure_is_final(def, to);
			snprintf(label, sizeof label, final ? "结案（%s）" : "进入「%s」", procedure_stage_name(def, to));
			json_t *o = action(final ? "close" : "advance", label, gates_ok, json_deep_copy(miss));
			json_object_set_new(o, "to", json_string(to));
			json_object_set_new(o, "to_label", json_string(procedure_stage_name(def, to)));
			/* the stage schedules an event with a notice period: the form asks its date */
			const json_t *nb = json_object_get(procedure_stage(def, to), "notice_before");
			if (nb)
				json_object_set_new(o, "notice_before", json_deep_copy(nb));
			json_array_append_new(out, o);
		}
		json_decref(next);
	}
	/* approvals of this stage not yet given */
	size_t i;
	json_t *x;
	const json_t *st = procedure_stage(def, c->stage);
	json_array_foreach(json_object_get(st, "requires"), i, x) {
		if (!str_eq(case_js(x, "type"), "approval"))
			continue;
		const char *code = case_js(x, "approval");
		bool done = db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_acts WHERE case_id = ? AND type = 'approved'"
						 " AND approval = ? AND seq > ?",
					  (const struct db_val[]){ DB_INT(c->id), DB_TEXT(code), DB_INT(c->stage_seq),
								   DB_END }) > 0;
		if (done || officer || !case_has_role_above(db, a, case_js(x, "role"), c->unit_id))
			continue;
		json_t *o = action("approve", case_js(x, "name")[0] ? case_js(x, "name") : "审批", true, NULL);
		json_object_set_new(o, "approval", json_string(code));
		json_array_append_new(out, o);
	}
	if (case_is_head_of(db, a, c->unit_id) || (work && str_eq(c->stage, case_js(def, "initial"))))
		json_array_append_new(out, action("officers", "指派或更换执法人员", true, NULL));
	if (work)
		json_array_append_new(out, action("participant", "登记执法辅助人员或专家", true, NULL));
	char running[40] = "";
	{
		struct db_res *r;
		if (db_query(db, &r, "SELECT suspension FROM cases WHERE id = ?", DB_INT(c->id)) == 0) {
			if (r->nrows)
				snprintf(running, sizeof running, "%s", db_text(r, 0, 0));
			db_res_free(r);
		}
	}
	if (work) {
		json_array_foreach(json_object_get(def, "suspensions"), i, x) {
			if (running[0] && !str_eq(running, case_js(x, "code")))
				continue;
			bool resume = running[0] != 0;
			snprintf(label, sizeof label, resume ? "恢复计时（%s结束）" : "中止计时（%s）", case_js(x, "name"));
			json_t *o = action(resume ? "resume" : "suspend", label, true, NULL);
			json_object_set_new(o, "suspension", json_string(case_js(x, "code")));
			json_array_append_new(out, o);
		}
	}
	json_array_foreach(json_object_get(def, "extensions"), i, x) {
		if (officer || !case_has_role_above(db, a, case_js(x, "role"), c->unit_id))
			continue;
		json_t *o = action("extend", case_js(x, "name")[0] ? case_js(x, "name") : "延长期限", true, NULL);
		json_object_set_new(o, "clock", json_string(case_js(x, "clock")));
		json_array_append_new(out, o);
	}
	json_array_foreach(json_object_get(def, "endings"), i, x) {
		const json_t *from = json_object_get(x, "from");
		bool from_ok = false;
		if (json_is_array(from)) {
			size_t k;
			json_t *y;
			json_array_foreach(from, k, y)
				from_ok = from_ok || str_eq(json_string_value(y), c->stage);
		} else {
			from_ok = !procedure_is_final(def, c->stage);
		}
		if (!from_ok || officer || !case_has_role_above(db, a, case_js(x, "role"), c->unit_id))
			continue;
		json_t *o = action("end", case_js(x, "name"), true, NULL);
		json_object_set_new(o, "ending", json_string(case_js(x, "code")));
		json_array_append_new(out, o);
	}
	json_decref(miss);
	return out;
}

static json_t *needs_of(struct db *db, const struct case_row *c, const json_t *def)
{
	if (!str_eq(c->status, "open"))
		return json_array();
	char today[11];
	time_today_shanghai(today);
	return gates_needs(db, c, def, c->stage, today);
}

int case_needs(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	struct case_row c;
	if (open_visible(db, a, id, &c, e) < 0)
		return -1;
	json_t *def = case_definition(db, c.procedure_id, e);
	if (!def) {
		case_row_release(&c);
		return -1;
	}
	*out = needs_of(db, &c, def);
	json_decref(def);
	case_row_release(&c);
	return 0;
}

int case_actions(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	struct case_row c;
	if (open_visible(db, a, id, &c, e) < 0)
		return -1;
	json_t *def = case_definition(db, c.procedure_id, e);
	if (!def) {
		case_row_release(&c);
		return -1;
	}
	json_t *needs = needs_of(db, &c, def);
	*out = actions_of(db, a, &c, def, needs);
	json_decref(needs);
	json_decref(def);
	log_read(db, a, id, "可办理的行为");
	case_row_release(&c);
	return 0;
}

/* ---- one case ---- */

static json_t *matters_of(struct db *db, long long id)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT m.item_id, m.item_version, v.name, m.category FROM case_matters m"
			     " LEFT JOIN pub_item_versions v ON v.item_id = m.item_id AND v.version = m.item_version"
			     " WHERE m.case_id = ? ORDER BY m.id", DB_INT(id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++) {
		const char *cat = db_text(r, i, 3), *cl = pub_category_label(cat);
		json_array_append_new(out, json_pack("{s:I,s:I,s:s,s:s,s:s}", "item_id", (json_int_t)db_int(r, i, 0),
						     "version", (json_int_t)db_int(r, i, 1), "name", db_text(r, i, 2),
						     "category", cat, "category_label", cl ? cl : ""));
	}
	db_res_free(r);
	return out;
}

static json_t *parties_of(struct db *db, long long id)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT party_id, party_version, role FROM case_parties WHERE case_id = ? ORDER BY id",
		     DB_INT(id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++) {
		json_t *p = NULL;
		struct err e = ERR_INIT;
		if (party_summary(db, db_int(r, i, 0), (int)db_int(r, i, 1), &p, &e) < 0)
			p = json_null();
		json_array_append_new(out, json_pack("{s:I,s:I,s:s,s:s,s:o}", "party_id", (json_int_t)db_int(r, i, 0),
						     "party_version", (json_int_t)db_int(r, i, 1), "role",
						     db_text(r, i, 2), "role_label",
						     dict_label("case_party_role", db_text(r, i, 2)), "party", p));
	}
	db_res_free(r);
	return out;
}

static void officers_of(struct db *db, long long id, json_t *cur, json_t *former)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT o.user_id, u.name, un.name, o.cert_id, c.cert_no, c.status, c.valid_from,"
			     " c.valid_to, o.since_act, o.until_act FROM case_officers o JOIN users u ON u.id = o.user_id"
			     " LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN certificates c ON c.id = o.cert_id"
			     " WHERE o.case_id = ? ORDER BY o.id", DB_INT(id)) < 0)
		return;
	char today[11];
	time_today_shanghai(today);
	for (int i = 0; i < r->nrows; i++) {
		if (db_cell(r, i, 9)) {
			json_array_append_new(former, json_pack("{s:I,s:s,s:I,s:I,s:I}", "user_id",
								(json_int_t)db_int(r, i, 0), "name", db_text(r, i, 1),
								"cert_id", (json_int_t)db_int(r, i, 3), "since_act",
								(json_int_t)db_int(r, i, 8), "until_act",
								(json_int_t)db_int(r, i, 9)));
			continue;
		}
		const char *st = db_cell(r, i, 5) ? cert_effective_status(db_text(r, i, 5), db_text(r, i, 6),
									 db_text(r, i, 7), today)
						  : "";
		json_array_append_new(cur, json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:I}", "user_id",
						     (json_int_t)db_int(r, i, 0), "name", db_text(r, i, 1), "unit_name",
						     db_text(r, i, 2), "cert_id", (json_int_t)db_int(r, i, 3), "cert_no",
						     db_text(r, i, 4), "cert_status", st, "cert_status_label",
						     st[0] ? cert_status_label(st) : "", "since_act",
						     (json_int_t)db_int(r, i, 8)));
	}
	db_res_free(r);
}

static json_t *participants_of(struct db *db, long long id)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, kind, name, id_type, id_number, organisation, title, since_act"
			     " FROM case_participants WHERE case_id = ? ORDER BY id", DB_INT(id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id",
						     (json_int_t)db_int(r, i, 0), "kind", db_text(r, i, 1), "kind_label",
						     dict_label("case_participant", db_text(r, i, 1)), "name",
						     db_text(r, i, 2), "id_type", db_text(r, i, 3), "id_number",
						     db_text(r, i, 4), "organisation", db_text(r, i, 5), "title",
						     db_text(r, i, 6), "since_act", (json_int_t)db_int(r, i, 7)));
	db_res_free(r);
	return out;
}

static json_t *acts_of(struct db *db, long long id, const json_t *def)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT a.id, a.seq, a.type, a.on_date, a.at, a.by_user, u.name, a.stage_from,"
			     " a.stage_to, a.approval, a.ending, a.detail, a.leaf_index, a.suspension FROM case_acts a"
			     " LEFT JOIN users u ON u.id = a.by_user WHERE a.case_id = ? ORDER BY a.seq",
		     DB_INT(id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++) {
		json_t *detail = json_loads(db_text(r, i, 11), 0, NULL);
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 4), local);
		const char *from = db_text(r, i, 7), *to = db_text(r, i, 8);
		json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:s,s:o,s:o,s:o,s:o}", "id",
				      (json_int_t)db_int(r, i, 0), "seq", (json_int_t)db_int(r, i, 1), "type",
				      db_text(r, i, 2), "type_label", case_act_label(db_text(r, i, 2)), "on_date",
				      db_text(r, i, 3), "at", db_text(r, i, 4), "at_local", local, "by_user",
				      db_cell(r, i, 5) ? json_integer(db_int(r, i, 5)) : json_null(), "by_name",
				      jstr_or_null(db_text(r, i, 6)), "stage_from", from, "stage_from_label",
				      from[0] ? json_string(procedure_stage_name(def, from)) : json_null(), "stage_to", to,
				      "stage_to_label", to[0] ? json_string(procedure_stage_name(def, to)) : json_null(),
				      "approval", jstr_or_null(db_text(r, i, 9)), "ending", jstr_or_null(db_text(r, i, 10)),
				      "detail", detail ? detail : json_object());
		json_object_set_new(o, "leaf_index", db_cell(r, i, 12) ? json_integer(db_int(r, i, 12)) : json_null());
		json_object_set_new(o, "suspension", jstr_or_null(db_text(r, i, 13)));
		json_array_append_new(out, o);
	}
	db_res_free(r);
	return out;
}

int case_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	struct case_row c;
	if (open_visible(db, a, id, &c, e) < 0)
		return -1;
	json_t *def = case_definition(db, c.procedure_id, e);
	if (!def) {
		case_row_release(&c);
		return -1;
	}
	json_t *proc = NULL;
	struct err pe = ERR_INIT;
	json_t *prow = NULL;
	if (procedure_get(db, c.procedure_id, &prow, &pe) == 0)
		proc = json_pack("{s:I,s:s,s:O,s:s}", "id", (json_int_t)c.procedure_id, "code", c.procedure_code,
				 "version", json_object_get(prow, "version"), "name", case_js(def, "name"));
	json_decref(prow);
	char *unit = people_unit_name(db, c.unit_id), *body = people_unit_name(db, c.body_unit_id);
	char *opener = people_user_name(db, c.opened_by);
	const char *ending_name = c.ending[0] ? procedure_stage_name(def, c.ending) : "";
	json_t *o = json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:o,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c.id,
			      "case_no", jstr_or_null(c.case_no), "decision_no", jstr_or_null(c.decision_no), "title",
			      c.title, "kind", c.kind, "kind_label", case_kind_label(c.kind), "procedure",
			      proc ? proc : json_null(), "body_unit_id", (json_int_t)c.body_unit_id, "body_name",
			      body ? body : "", "unit_id", (json_int_t)c.unit_id, "unit_name", unit ? unit : "", "source",
			      c.source, "source_label", case_source_label(c.source) ? case_source_label(c.source) : "",
			      "source_date", c.source_date, "source_note", c.source_note);
	free(unit);
	free(body);
	json_t *item = json_null();
	if (c.inspection_item_id > 0) {
		struct db_res *r;
		if (db_query(db, &r, "SELECT name FROM pub_items WHERE id = ?", DB_INT(c.inspection_item_id)) == 0) {
			if (r->nrows)
				item = json_pack("{s:I,s:s}", "id", (json_int_t)c.inspection_item_id, "name",
						 db_text(r, 0, 0));
			db_res_free(r);
		}
	}
	json_object_set_new(o, "inspection_item", item);
	json_object_set_new(o, "stage", json_string(c.stage));
	json_object_set_new(o, "stage_label", json_string(procedure_stage_name(def, c.stage)));
	json_object_set_new(o, "status", json_string(c.status));
	json_object_set_new(o, "status_label", json_string(case_status_label(c.status)));
	json_object_set_new(o, "ending", jstr_or_null(c.ending));
	json_object_set_new(o, "ending_label", json_string(ending_name));
	json_object_set_new(o, "row_version", json_integer(c.row_version));
	json_object_set_new(o, "opened_on", json_string(c.opened_on));
	json_object_set_new(o, "opened_by", json_integer(c.opened_by));
	json_object_set_new(o, "opened_by_name", json_string(opener ? opener : ""));
	free(opener);
	json_object_set_new(o, "closed_on", jstr_or_null(c.closed_on));
	{
		struct db_res *r;
		if (db_query(db, &r, "SELECT updated_at, suspension FROM cases WHERE id = ?", DB_INT(c.id)) == 0) {
			json_object_set_new(o, "updated_at", json_string(r->nrows ? db_text(r, 0, 0) : ""));
			const char *s = r->nrows ? db_text(r, 0, 1) : "";
			json_object_set_new(o, "suspension", jstr_or_null(s));
			db_res_free(r);
		}
	}
	json_object_set_new(o, "min_officers", json_integer(case_min_officers(def)));
	json_object_set_new(o, "matters", matters_of(db, c.id));
	json_object_set_new(o, "parties", parties_of(db, c.id));
	json_t *cur = json_array(), *former = json_array();
	officers_of(db, c.id, cur, former);
	json_object_set_new(o, "officers", cur);
	json_object_set_new(o, "former_officers", former);
	json_object_set_new(o, "participants", participants_of(db, c.id));
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", c.id);
	struct err de = ERR_INIT;
	json_t *clocks = deadline_for_object(db, "case", idstr, &de);
	json_object_set_new(o, "clocks", clocks ? clocks : json_array());
	json_object_set_new(o, "acts", acts_of(db, c.id, def));
	json_t *needs = needs_of(db, &c, def);
	json_object_set_new(o, "actions", actions_of(db, a, &c, def, needs));
	json_object_set_new(o, "needs", needs);
	json_decref(def);
	log_read(db, a, id, "查看案件");
	case_row_release(&c);
	*out = o;
	return 0;
}

/* ---- for the modules above ---- */

int case_brief_get(struct db *db, const struct actor *a, long long id, bool write, struct case_brief *out,
		   struct err *e)
{
	memset(out, 0, sizeof *out);
	struct case_row c;
	if (a) {
		if (open_visible(db, a, id, &c, e) < 0)
			return -1;
		if (write && !may_work(db, a, &c)) {
			case_row_release(&c);
			return err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办处室负责人可以办理");
		}
	} else if (case_load(db, id, &c, e) < 0) {
		return -1;
	}
	out->id = c.id;
	out->procedure_id = c.procedure_id;
	out->body_unit_id = c.body_unit_id;
	out->unit_id = c.unit_id;
	snprintf(out->procedure_code, sizeof out->procedure_code, "%s", c.procedure_code);
	snprintf(out->kind, sizeof out->kind, "%s", c.kind);
	snprintf(out->stage, sizeof out->stage, "%s", c.stage);
	snprintf(out->status, sizeof out->status, "%s", c.status);
	snprintf(out->case_no, sizeof out->case_no, "%s", c.case_no);
	snprintf(out->decision_no, sizeof out->decision_no, "%s", c.decision_no);
	snprintf(out->title, sizeof out->title, "%s", c.title ? c.title : "");
	out->row_version = c.row_version;
	out->stage_seq = c.stage_seq;
	case_row_release(&c);
	return 0;
}

/* The legal basis of one matter version as text ("law article; ..."). */
static void matter_basis(struct db *db, long long item, long long version, struct buf *out)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT content FROM pub_item_versions WHERE item_id = ? AND version = ?", DB_INT(item),
		     DB_INT(version)) < 0)
		return;
	json_t *c = r->nrows ? json_loads(db_text(r, 0, 0), 0, NULL) : NULL;
	db_res_free(r);
	size_t i;
	const json_t *b;
	json_array_foreach(json_object_get(c, "basis"), i, b) {
		const char *law = json_string_value(json_object_get(b, "law"));
		const char *art = json_string_value(json_object_get(b, "article"));
		if (str_empty(law))
			continue;
		if (out->len)
			buf_puts(out, "；");
		buf_puts(out, law);
		if (!str_empty(art))
			buf_puts(out, art);
	}
	json_decref(c);
}

int case_facts(struct db *db, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct case_row c;
	if (case_load(db, id, &c, e) < 0)
		return -1;
	json_t *def = case_definition(db, c.procedure_id, e);
	if (!def) {
		case_row_release(&c);
		return -1;
	}
	char *unit = people_unit_name(db, c.unit_id), *body = people_unit_name(db, c.body_unit_id);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "case_no", c.case_no, "decision_no", c.decision_no,
			      "title", c.title ? c.title : "", "body_name", body ? body : "", "unit_name",
			      unit ? unit : "", "stage", c.stage, "stage_label", procedure_stage_name(def, c.stage));
	free(unit);
	free(body);
	json_t *matters = matters_of(db, c.id);
	size_t i;
	json_t *m;
	json_array_foreach(matters, i, m) {
		struct buf b;
		buf_init(&b, 0);
		matter_basis(db, json_integer_value(json_object_get(m, "item_id")),
			     json_integer_value(json_object_get(m, "version")), &b);
		json_object_set_new(m, "basis", json_string(buf_str(&b)));
		buf_release(&b);
	}
	json_object_set_new(o, "matters", matters);
	json_object_set_new(o, "parties", parties_of(db, c.id));
	json_t *cur = json_array(), *former = json_array();
	officers_of(db, c.id, cur, former);
	json_decref(former);
	json_object_set_new(o, "officers", cur);
	json_object_set_new(o, "participants", participants_of(db, c.id));
	json_decref(def);
	case_row_release(&c);
	*out = o;
	return 0;
}

/* ---- the list ---- */

static const struct {
	const char *name, *expr;
} sort_cols[] = {
	{ "opened_on", "c.opened_on" }, { "case_no", "c.case_no" }, { "title", "c.title" },
	{ "stage", "c.stage" },         { "unit", "c.unit_id" },    { "updated_at", "c.updated_at" },
	{ "source_date", "c.source_date" },
};

bool case_sort_ok(const char *col)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_cols); i++)
		if (str_eq(col, sort_cols[i].name))
			return true;
	return false;
}

#define LIST_MAX_PARAMS 600

struct qb {
	struct buf sql;
	struct db_val p[LIST_MAX_PARAMS + 1];
	size_t n;
	bool overflow;
};

static void qb_val(struct qb *q, struct db_val v)
{
	if (q->n >= LIST_MAX_PARAMS) {
		q->overflow = true;
		return;
	}
	q->p[q->n++] = v;
}

static bool kind_known(const char *k)
{
	static const char *const kinds[] = { "penalty", "licence", "inspection", "coercion", "levy", "other" };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (str_eq(k, kinds[i]))
			return true;
	return false;
}

/* The WHERE clause of the reader's view and the filters into q. */
/* The reader's view of the register as branches (an OR of predicates):
 * each branch has the form it takes inside the page's WHERE (an EXISTS
 * where it names other rows, so that the page can be read along the sort
 * index and stop after a page) and the form that drives a count (an IN on
 * an index).  The total is the sum of disjoint counts - branch i and none
 * of the ones before it - each an index lookup, instead of one count over
 * the whole view. */
#define VIEW_MAX 5
/* from this many matching cases on, a page is read along the sort index
 * (case_list_probe_from() changes it for the tests of both forms) */
static long long list_probe_from = 1000;

long long case_list_probe_from(long long n)
{
	long long old = list_probe_from;
	if (n >= 0)
		list_probe_from = n;
	return old;
}
struct view {
	bool all;                 /* leaders and supervisors: every case */
	int n;
	struct qb or_form[VIEW_MAX];
	struct qb count_form[VIEW_MAX];
};

static void qb_append(struct qb *dst, const struct qb *src)
{
	buf_puts(&dst->sql, buf_str(&src->sql));
	for (size_t i = 0; i < src->n; i++)
		qb_val(dst, src->p[i]);
	if (src->overflow)
		dst->overflow = true;
}

static struct qb *view_branch(struct view *v)
{
	struct qb *q = &v->or_form[v->n];
	buf_init(&q->sql, 0);
	buf_init(&v->count_form[v->n].sql, 0);
	return q;
}

static void view_release(struct view *v)
{
	for (int i = 0; i < v->n; i++) {
		buf_release(&v->or_form[i].sql);
		buf_release(&v->count_form[i].sql);
	}
}

static int list_view(struct db *db, const struct actor *a, struct view *v, struct err *e)
{
	if (actor_has(a, ROLE_LEADER | ROLE_SUPERVISOR)) {
		v->all = true;
		return 0;
	}
	if (actor_has(a, ROLE_ARCHIVIST)) {
		struct qb *q = view_branch(v);
		buf_puts(&q->sql, "c.status = 'closed'");
		qb_append(&v->count_form[v->n++], q);
	}
	if (actor_has(a, ROLE_HEAD)) {
		long long *ids = NULL;
		size_t n = 0;
		if (actor_scope_units(db, a, &ids, &n) < 0)
			return case_db_fail(db, e);
		if (n > 0) {
			struct qb *q = view_branch(v);
			buf_puts(&q->sql, "c.unit_id IN (");
			for (size_t i = 0; i < n; i++) {
				buf_puts(&q->sql, i ? ",?" : "?");
				qb_val(q, DB_INT(ids[i]));
			}
			buf_puts(&q->sql, ")");
			qb_append(&v->count_form[v->n++], q);
		}
		free(ids);
	}
	if (actor_has(a, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER) && a->unit_id > 0) {
		struct qb *q = view_branch(v);
		buf_puts(&q->sql, "c.unit_id = ?");
		qb_val(q, DB_INT(a->unit_id));
		qb_append(&v->count_form[v->n++], q);
	}
	if (actor_has(a, ROLE_REVIEWER) && people_unit_is_reviewer(db, a->unit_id)) {
		struct qb *q = view_branch(v);
		buf_puts(&q->sql, "(c.review_pending = 1 AND c.status = 'open')");
		qb_append(&v->count_form[v->n++], q);
	}
	if (actor_has(a, ROLE_OFFICER | ROLE_HEAD)) {
		struct qb *q = view_branch(v);
		buf_puts(&q->sql, "EXISTS (SELECT 1 FROM case_officers o WHERE o.case_id = c.id AND o.user_id = ?"
				  " AND o.until_act IS NULL)");
		qb_val(q, DB_INT(a->user_id));
		struct qb *cq = &v->count_form[v->n++];
		buf_puts(&cq->sql, "c.id IN (SELECT o.case_id FROM case_officers o WHERE o.user_id = ?"
				   " AND o.until_act IS NULL)");
		qb_val(cq, DB_INT(a->user_id));
	}
	if (!v->n)
		return err_set(e, ERR_FORBIDDEN, "", "您的角色不能查看案件");
	return 0;
}

/* The filters (each " AND …") into q.  The filters that name other rows
 * come in two forms: ex false, an IN that drives the query from that
 * table's index (for counts, and for a page when few cases match); ex
 * true, an EXISTS probed per case, so that a page of a large result is
 * read along the sort index and stops after the page. */
static int list_where(struct db *db, const struct actor *a, const struct case_filter *f, struct qb *q,
		      struct buf *pat, bool ex, struct err *e)
{
	if (!str_empty(f->kind)) {
		if (!kind_known(f->kind))
			return err_set(e, ERR_INVALID, "kind", "案件类别不正确");
		buf_puts(&q->sql, " AND c.kind = ?");
		qb_val(q, DB_TEXT(f->kind));
	}
	if (!str_empty(f->stage)) {
		buf_puts(&q->sql, " AND c.stage = ?");
		qb_val(q, DB_TEXT(f->stage));
	}
	if (!str_empty(f->status)) {
		if (!str_eq(f->status, "open") && !str_eq(f->status, "closed") && !str_eq(f->status, "ended"))
			return err_set(e, ERR_INVALID, "status", "案件状态不正确");
		buf_puts(&q->sql, " AND c.status = ?");
		qb_val(q, DB_TEXT(f->status));
	}
	if (!str_empty(f->source)) {
		if (!case_source_label(f->source))
			return err_set(e, ERR_INVALID, "source", "案件来源不正确");
		buf_puts(&q->sql, " AND c.source = ?");
		qb_val(q, DB_TEXT(f->source));
	}
	if (f->unit_id > 0) {
		if (!actor_has(a, ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST) && f->unit_id != a->unit_id &&
		    !actor_unit_in_scope(db, a, f->unit_id))
			return err_set(e, ERR_FORBIDDEN, "unit_id", "无权查看其他处室的案件");
		buf_puts(&q->sql, " AND c.unit_id = ?");
		qb_val(q, DB_INT(f->unit_id));
	}
	if (f->matter_id > 0) {
		buf_puts(&q->sql, ex ? " AND EXISTS (SELECT 1 FROM case_matters m WHERE m.case_id = c.id AND m.item_id = ?)"
				     : " AND c.id IN (SELECT m.case_id FROM case_matters m WHERE m.item_id = ?)");
		qb_val(q, DB_INT(f->matter_id));
	}
	if (f->officer_id > 0) {
		buf_puts(&q->sql, ex ? " AND EXISTS (SELECT 1 FROM case_officers o2 WHERE o2.case_id = c.id AND o2.user_id = ?"
				       " AND o2.until_act IS NULL)"
				     : " AND c.id IN (SELECT o2.case_id FROM case_officers o2 WHERE o2.user_id = ?"
				       " AND o2.until_act IS NULL)");
		qb_val(q, DB_INT(f->officer_id));
	}
	if (f->party_id > 0) {
		buf_puts(&q->sql, ex ? " AND EXISTS (SELECT 1 FROM case_parties p WHERE p.case_id = c.id AND p.party_id = ?)"
				     : " AND c.id IN (SELECT p.case_id FROM case_parties p WHERE p.party_id = ?)");
		qb_val(q, DB_INT(f->party_id));
	}
	if (!str_empty(f->due)) {
		if (!str_eq(f->due, "overdue") && !str_eq(f->due, "due_soon"))
			return err_set(e, ERR_INVALID, "due", "期限筛选应为已超期或即将到期");
		/* driven from the deadlines' state index; the cast is on the inner side so that
		   the cases are found by their key */
		buf_puts(&q->sql, ex ? " AND EXISTS (SELECT 1 FROM deadlines d WHERE d.object_type = 'case'"
				    " AND d.object_id = CAST(c.id AS TEXT) AND d.state = ?)"
				  : " AND c.id IN (SELECT CAST(d.object_id AS BIGINT) FROM deadlines d"
				    " WHERE d.state = ? AND d.object_type = 'case')");
		qb_val(q, DB_TEXT(f->due));
	}
	if (!str_empty(f->q)) {
		struct buf norm;
		buf_init(&norm, 0);
		buf_puts(&norm, f->q);
		publicity_like_pattern(buf_str(&norm), pat);
		buf_release(&norm);
		buf_puts(&q->sql, " AND (c.title LIKE ? ESCAPE '!' OR c.case_no LIKE ? ESCAPE '!')");
		qb_val(q, DB_TEXT(buf_str(pat)));
		qb_val(q, DB_TEXT(buf_str(pat)));
	}
	if (q->overflow)
		return err_set(e, ERR_INVALID, "", "筛选条件过多");
	return 0;
}

struct def_cache {
	long long id[16];
	json_t *def[16];
	int n;
};

static const json_t *cached_def(struct db *db, struct def_cache *dc, long long pid)
{
	for (int i = 0; i < dc->n; i++)
		if (dc->id[i] == pid)
			return dc->def[i];
	struct err e = ERR_INIT;
	json_t *d = case_definition(db, pid, &e);
	if (dc->n < 16) {
		dc->id[dc->n] = pid;
		dc->def[dc->n++] = d;
	} else {
		json_decref(d);
		return NULL;
	}
	return d;
}

/* names of the parties or officers of the page's cases, by case id */
static void names_into(struct db *db, const char *sql_head, const long long *ids, int n, json_t *items,
		       const char *key)
{
	if (n == 0)
		return;
	struct buf sql;
	buf_init(&sql, 0);
	buf_puts(&sql, sql_head);
	buf_puts(&sql, " (");
	struct db_val *p = xcalloc((size_t)n + 1, sizeof *p);
	for (int i = 0; i < n; i++) {
		buf_puts(&sql, i ? ",?" : "?");
		p[i] = DB_INT(ids[i]);
	}
	p[n] = DB_END;
	buf_puts(&sql, ") ORDER BY 1, 3");
	struct db_res *r = NULL;
	if (db_query_a(db, buf_str(&sql), p, &r) == 0) {
		for (int i = 0; i < r->nrows; i++) {
			long long cid = db_int(r, i, 0);
			for (int k = 0; k < n; k++)
				if (ids[k] == cid)
					json_array_append_new(json_object_get(json_array_get(items, (size_t)k), key),
							      json_string(db_text(r, i, 1)));
		}
		db_res_free(r);
	}
	free(p);
	buf_release(&sql);
}

/* next_due and due_state of the page's cases: one query on the deadlines */
static void dues_into(struct db *db, const long long *ids, int n, json_t *items)
{
	if (n == 0)
		return;
	struct buf sql;
	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT object_id, MIN(due_on), MIN(CASE WHEN state = 'overdue' THEN 1 WHEN state = 'due_soon'"
		       " THEN 2 WHEN paused_since IS NOT NULL THEN 3 ELSE 4 END) FROM deadlines"
		       " WHERE object_type = 'case' AND state <> 'met' AND object_id IN (");
	struct db_val *p = xcalloc((size_t)n + 1, sizeof *p);
	char (*txt)[24] = xcalloc((size_t)n, sizeof *txt);
	for (int i = 0; i < n; i++) {
		buf_puts(&sql, i ? ",?" : "?");
		snprintf(txt[i], sizeof txt[i], "%lld", ids[i]);
		p[i] = DB_TEXT(txt[i]);
	}
	p[n] = DB_END;
	buf_puts(&sql, ") GROUP BY object_id");
	struct db_res *r = NULL;
	if (db_query_a(db, buf_str(&sql), p, &r) == 0) {
		for (int i = 0; i < r->nrows; i++)
			for (int k = 0; k < n; k++)
				if (str_eq(txt[k], db_text(r, i, 0))) {
					json_t *o = json_array_get(items, (size_t)k);
					long long ds = db_int(r, i, 2);
					json_object_set_new(o, "next_due", json_string(db_text(r, i, 1)));
					json_object_set_new(o, "due_state", json_string(ds == 1 ? "overdue" : ds == 2 ? "due_soon" : ds == 3 ? "paused" : "open"));
				}
		db_res_free(r);
	}
	free(p);
	free(txt);
	buf_release(&sql);
}

int case_list(struct db *db, const struct actor *a, const struct case_filter *f, json_t **out, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	const char *sort = "c.opened_on";
	if (!str_empty(f->sort)) {
		if (!case_sort_ok(f->sort))
			return err_set(e, ERR_INVALID, "sort", "不能按该列排序");
		for (size_t i = 0; i < ARRAY_SIZE(sort_cols); i++)
			if (str_eq(f->sort, sort_cols[i].name))
				sort = sort_cols[i].expr;
	}
	int page = f->page > 0 ? f->page : 1;
	int per = f->per_page > 0 ? f->per_page : 20;
	if (f->all) {
		page = 1;
		per = CASE_EXPORT_MAX;
	} else if (per > 100) {
		per = 100;
	}
	struct qb *q = xcalloc(1, sizeof *q);
	buf_init(&q->sql, 0);
	struct buf pat;
	buf_init(&pat, 0);
	int rc = -1;
	struct buf where;
	buf_init(&where, 0);
	struct view *v = xcalloc(1, sizeof *v);
	struct qb *qx = xcalloc(1, sizeof *qx);
	buf_init(&qx->sql, 0);
	struct buf patx;
	buf_init(&patx, 0);
	if (list_view(db, a, v, e) < 0 || list_where(db, a, f, q, &pat, false, e) < 0 ||
	    list_where(db, a, f, qx, &patx, true, e) < 0)
		goto out;
	/* the count: the sum of disjoint branch counts (see struct view) */
	struct qb *cnt = xcalloc(1, sizeof *cnt);
	buf_init(&cnt->sql, 0);
	if (v->all) {
		buf_puts(&cnt->sql, "SELECT COUNT(*) FROM cases c WHERE 1 = 1");
		qb_append(cnt, q);
	} else {
		buf_puts(&cnt->sql, "SELECT 0");
		for (int i = 0; i < v->n; i++) {
			buf_puts(&cnt->sql, " + (SELECT COUNT(*) FROM cases c WHERE ");
			qb_append(cnt, &v->count_form[i]);
			for (int j = 0; j < i; j++) {
				buf_puts(&cnt->sql, " AND NOT ");
				qb_append(cnt, &v->or_form[j]);
			}
			qb_append(cnt, q);
			buf_puts(&cnt->sql, ")");
		}
	}
	struct buf sql;
	buf_init(&sql, 0);
	struct db_res *r = NULL;
	int qrc = -2;
	if (!cnt->overflow) {
		cnt->p[cnt->n] = DB_END;
		qrc = db_query_a(db, buf_str(&cnt->sql), cnt->p, &r);
	}
	buf_release(&cnt->sql);
	free(cnt);
	if (qrc == -2) {
		err_set(e, ERR_INVALID, "", "筛选条件过多");
		goto out;
	}
	if (qrc < 0) {
		case_db_fail(db, e);
		goto out;
	}
	long long total = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);

	/* the page's WHERE: the view (an OR of its branches), then the filters,
	 * probed per case when many match (list_probe_from), else driven by
	 * the filters' indexes */
	struct qb *w = xcalloc(1, sizeof *w);
	buf_init(&w->sql, 0);
	buf_puts(&w->sql, " WHERE 1 = 1");
	if (!v->all) {
		buf_puts(&w->sql, " AND (");
		for (int i = 0; i < v->n; i++) {
			buf_puts(&w->sql, i ? " OR " : "");
			qb_append(w, &v->or_form[i]);
		}
		buf_puts(&w->sql, ")");
	}
	qb_append(w, total > list_probe_from ? qx : q);
	bool overflow = w->overflow;
	buf_puts(&where, buf_str(&w->sql));
	size_t nwhere = w->n;
	memcpy(q->p, w->p, nwhere * sizeof q->p[0]);
	q->n = nwhere;
	buf_release(&w->sql);
	free(w);
	if (overflow) {
		err_set(e, ERR_INVALID, "", "筛选条件过多");
		goto out;
	}

	/* the page */
	buf_reset(&sql);
	buf_printf(&sql,
		   "SELECT c.id, c.case_no, c.title, c.kind, c.stage, c.status, c.unit_id, u.name, c.source,"
		   " c.opened_on, c.updated_at, c.procedure_id"
		   " FROM cases c JOIN units u ON u.id = c.unit_id%s ORDER BY %s %s, c.id %s LIMIT ? OFFSET ?",
		   buf_str(&where), sort, f->asc ? "ASC" : "DESC", f->asc ? "ASC" : "DESC");
	q->n = nwhere;
	qb_val(q, DB_INT(per));
	qb_val(q, DB_INT((long long)(page - 1) * per));
	q->p[q->n] = DB_END;
	if (db_query_a(db, buf_str(&sql), q->p, &r) < 0) {
		buf_release(&sql);
		case_db_fail(db, e);
		goto out;
	}
	buf_release(&sql);
	json_t *items = json_array();
	long long *ids = xcalloc((size_t)r->nrows + 1, sizeof *ids);
	struct def_cache dc = { .n = 0 };
	for (int i = 0; i < r->nrows; i++) {
		ids[i] = db_int(r, i, 0);
		const json_t *def = cached_def(db, &dc, db_int(r, i, 11));
		const char *stage = db_text(r, i, 4), *src = db_text(r, i, 8), *status = db_text(r, i, 5);
		json_t *o = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:[],s:[],s:s,s:s,s:o,s:o}",
				      "id", (json_int_t)ids[i], "case_no", jstr_or_null(db_text(r, i, 1)), "title",
				      db_text(r, i, 2), "kind", db_text(r, i, 3), "kind_label",
				      case_kind_label(db_text(r, i, 3)), "stage", stage, "stage_label",
				      def ? procedure_stage_name(def, stage) : "", "status", status, "status_label",
				      case_status_label(status), "unit_id", (json_int_t)db_int(r, i, 6), "unit_name",
				      db_text(r, i, 7), "source", src, "source_label",
				      case_source_label(src) ? case_source_label(src) : "", "parties", "officers",
				      "opened_on", db_text(r, i, 9), "updated_at", db_text(r, i, 10), "next_due",
				      json_null(), "due_state", json_null());
		json_array_append_new(items, o);
	}
	int n = r->nrows;
	db_res_free(r);
	for (int i = 0; i < dc.n; i++)
		json_decref(dc.def[i]);
	dues_into(db, ids, n, items);
	names_into(db, "SELECT cp.case_id, pv.name, cp.id FROM case_parties cp JOIN party_versions pv"
		       " ON pv.party_id = cp.party_id AND pv.version = cp.party_version WHERE cp.case_id IN",
		   ids, n, items, "parties");
	names_into(db, "SELECT o.case_id, u.name, o.id FROM case_officers o JOIN users u ON u.id = o.user_id"
		       " WHERE o.until_act IS NULL AND o.case_id IN",
		   ids, n, items, "officers");
	free(ids);
	*out = json_pack("{s:I,s:i,s:i,s:o}", "total", (json_int_t)total, "page", page, "per_page", per, "items", items);
	rc = 0;
out:
	view_release(v);
	free(v);
	buf_release(&qx->sql);
	free(qx);
	buf_release(&patx);
	buf_release(&where);
	buf_release(&pat);
	buf_release(&q->sql);
	free(q);
	return rc;
}

int case_review_facts(struct db *db, long long id, json_t **kinds, bool *hearing_held, struct err *e)
{
	*kinds = NULL;
	*hearing_held = false;
	static const char *const order[] = { "person", "org", "individual_business" };
	json_t *out = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		long long n = db_scalar_int(db, -1, "SELECT COUNT(*) FROM case_parties cp JOIN parties p ON p.id = cp.party_id"
						    " WHERE cp.case_id = ? AND p.kind = ?",
					    (const struct db_val[]){ DB_INT(id), DB_TEXT(order[i]), DB_END });
		if (n < 0) {
			json_decref(out);
			return case_db_fail(db, e);
		}
		if (n > 0)
			json_array_append_new(out, json_string(order[i]));
	}
	long long h = db_scalar_int(db, -1, "SELECT COUNT(*) FROM case_acts WHERE case_id = ? AND type = 'stage'"
					    " AND stage_to = 'hearing'",
				    (const struct db_val[]){ DB_INT(id), DB_END });
	if (h < 0) {
		json_decref(out);
		return case_db_fail(db, e);
	}
	*hearing_held = h > 0;
	*kinds = out;
	return 0;
}
