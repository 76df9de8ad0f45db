/*
 * case_open.c - opening a case (立案, or 受理 of an application): the
 * procedure version in force on the act date, the matters at the version
 * in force that day, the parties at their current version, the officers
 * checked, then the initial stage entered (number, clocks) and the
 * "opened" act written - all in one transaction (cases.h).
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/procedure.h"
#include "cases/party.h"
#include "people/people.h"
#include "actor/scope.h"
#include "calendar/calendar.h"

static const char *const sources[] = { "complaint", "inspection", "random", "assigned", "transfer_in",
				       "application", "other" };

static bool source_known(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++)
		if (str_eq(s, sources[i]))
			return true;
	return false;
}

/* The UTC instant at which Beijing day date ends ("YYYY-MM-DDT16:00:00Z"). */
static void day_end_utc(const char *date, char out[21])
{
	snprintf(out, 21, "%.10sT16:00:00Z", date);
}

struct matter_ver {
	long long item;
	int version;
	char category[16];
};

/* The version of matter item in force on date: the latest version
 * published on or before that day.  ERR_INVALID naming matter_ids. */
static int matter_version(struct db *db, long long item, const char *date, struct matter_ver *out,
			  struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT kind, status FROM pub_items WHERE id = ?", DB_INT(item)) < 0)
		return case_db_fail(db, e);
	if (r->nrows == 0 || !str_eq(db_text(r, 0, 0), "matter")) {
		db_res_free(r);
		return err_set(e, ERR_INVALID, "matter_ids", "执法事项（编号 %lld）不存在", item);
	}
	db_res_free(r);
	char end[21];
	day_end_utc(date, end);
	if (db_query(db, &r, "SELECT version, category, name FROM pub_item_versions WHERE item_id = ?"
			     " AND published_at < ? ORDER BY version DESC LIMIT 1", DB_INT(item), DB_TEXT(end)) < 0)
		return case_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_INVALID, "matter_ids", "执法事项（编号 %lld）在 %s 尚未公示，不能据以办案",
			       item, date);
	}
	out->item = item;
	out->version = (int)db_int(r, 0, 0);
	snprintf(out->category, sizeof out->category, "%s", db_text(r, 0, 1));
	db_res_free(r);
	return 0;
}

/* Check the inspection item of a 双随机 case: a published 随机抽查事项. */
static int check_inspection_item(struct db *db, long long item, const char *date, struct err *e)
{
	struct db_res *r;
	char end[21];
	day_end_utc(date, end);
	if (db_query(db, &r, "SELECT i.kind, (SELECT COUNT(*) FROM pub_item_versions v WHERE v.item_id = i.id"
			     " AND v.published_at < ?) FROM pub_items i WHERE i.id = ?", DB_TEXT(end), DB_INT(item)) < 0)
		return case_db_fail(db, e);
	bool ok = r->nrows == 1 && str_eq(db_text(r, 0, 0), "inspection") && db_int(r, 0, 1) > 0;
	db_res_free(r);
	if (!ok)
		return err_set(e, ERR_INVALID, "inspection_item_id",
			       "双随机抽查须关联一项已公示的随机抽查事项（编号 %lld 不是）", item);
	return 0;
}

static int text_len_ok(const char *s, long min, long max)
{
	long n = s ? utf8_len(s, strlen(s)) : 0;
	return n >= min && n <= max;
}

int case_open(struct db *db, const struct actor *a, const struct case_input *in, long long *id,
	      struct errs *all, struct err *e)
{
	struct errs local = ERRS_INIT;
	struct errs *L = all ? all : &local;
	struct err e1 = ERR_INIT;
	json_t *def = NULL;
	long long pid = 0;
	struct matter_ver *mv = NULL;
	int *pver = NULL;
	int rc = -1;
	char date[11] = "";

	if (!actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		goto done;
	}
	if (!actor_has(a, ROLE_OFFICER | ROLE_HEAD)) {
		err_set(e, ERR_FORBIDDEN, "", "只有执法人员或处室负责人可以立案");
		goto done;
	}
	long long unit = in->unit_id > 0 ? in->unit_id : a->unit_id;
	if (!(unit == a->unit_id || case_is_head_of(db, a, unit))) {
		err_set(e, ERR_FORBIDDEN, "unit_id", "只能为本处室（或本人负责的处室）立案");
		goto done;
	}
	long long body = 0;
	{
		bool power = db_scalar_int(db, 0, "SELECT enforcement_power FROM units WHERE id = ?",
					   (const struct db_val[]){ DB_INT(unit), DB_END }) != 0;
		body = people_unit_body(db, unit);
		if (!power || body <= 0)
			errs_add(L, ERR_INVALID, "unit_id", "承办机构须是有执法职责且隶属于执法主体的单位");
	}
	if (case_act_date(in->on_date, NULL, date, "on_date", &e1) < 0) {
		errs_push(L, &e1);
		err_clear(&e1);
	}
	if (date[0] && procedure_for(db, in->procedure ? in->procedure : "", date, &def, &pid, &e1) < 0) {
		snprintf(e1.field, sizeof e1.field, "procedure");
		if (e1.kind == ERR_NOTFOUND) {
			e1.kind = ERR_INVALID;
			snprintf(e1.msg, sizeof e1.msg, "办案程序不存在或在该日期尚未施行");
		}
		errs_push(L, &e1);
		err_clear(&e1);
	}
	if (!text_len_ok(in->title, 1, 200))
		errs_add(L, ERR_INVALID, "title", "请填写案由（1 至 200 字）");
	if (!source_known(in->source))
		errs_add(L, ERR_INVALID, "source", "请选择案件来源");
	int32_t sd;
	if (str_empty(in->source_date) || strlen(in->source_date) != 10 || cal_date_parse(in->source_date, &sd) < 0)
		errs_add(L, ERR_INVALID, "source_date", "请填写发现或收到案源的日期（YYYY-MM-DD）");
	else if (date[0] && strcmp(in->source_date, date) > 0)
		errs_add(L, ERR_INVALID, "source_date", "案源日期 %s 不能晚于立案日期 %s", in->source_date, date);
	if (!text_len_ok(in->source_note ? in->source_note : "", 0, 1000))
		errs_add(L, ERR_INVALID, "source_note", "案源说明至多 1000 字");
	if (!text_len_ok(in->note ? in->note : "", 0, 1000))
		errs_add(L, ERR_INVALID, "note", "备注至多 1000 字");
	if (str_eq(in->source, "random")) {
		if (in->inspection_item_id <= 0)
			errs_add(L, ERR_INVALID, "inspection_item_id", "双随机抽查须选择所依据的随机抽查事项");
		else if (date[0] && check_inspection_item(db, in->inspection_item_id, date, &e1) < 0) {
			errs_push(L, &e1);
			err_clear(&e1);
		}
	} else if (in->inspection_item_id > 0) {
		errs_add(L, ERR_INVALID, "inspection_item_id", "只有双随机抽查的案件关联随机抽查事项");
	}
	if (in->n_matters < 1 || in->n_matters > 20) {
		errs_add(L, ERR_INVALID, "matter_ids", "请选择 1 至 20 项执法事项");
	} else if (date[0]) {
		mv = xcalloc(in->n_matters, sizeof *mv);
		for (size_t i = 0; i < in->n_matters; i++) {
			for (size_t j = 0; j < i; j++)
				if (in->matter_ids[j] == in->matter_ids[i]) {
					errs_add(L, ERR_INVALID, "matter_ids", "执法事项重复");
					goto matters_done;
				}
			if (matter_version(db, in->matter_ids[i], date, &mv[i], &e1) < 0) {
				errs_push(L, &e1);
				err_clear(&e1);
				goto matters_done;
			}
		}
	}
matters_done:
	if (in->n_parties > 20) {
		errs_add(L, ERR_INVALID, "party_ids", "当事人至多 20 个");
	} else {
		pver = xcalloc(in->n_parties + 1, sizeof *pver);
		for (size_t i = 0; i < in->n_parties; i++) {
			for (size_t j = 0; j < i; j++)
				if (in->party_ids[j] == in->party_ids[i]) {
					errs_add(L, ERR_INVALID, "party_ids", "当事人重复");
					goto parties_done;
				}
			if (party_current_version(db, in->party_ids[i], &pver[i], &e1) < 0) {
				if (e1.kind == ERR_NOTFOUND)
					errs_add(L, ERR_INVALID, "party_ids", "当事人（编号 %lld）不存在", in->party_ids[i]);
				else
					errs_push(L, &e1);
				err_clear(&e1);
				goto parties_done;
			}
		}
	}
parties_done:
	if (def && mv && L->n == 0) {
		if (case_check_officers(db, in->officer_ids, in->n_officers, case_min_officers(def), in->matter_ids,
					in->n_matters, date, NULL, "officer_ids", &e1) < 0) {
			errs_push(L, &e1);
			err_clear(&e1);
		}
	}
	if (L->n > 0) {
		errs_first(L, e);
		goto done;
	}

	const char *kind = case_js(def, "kind"), *initial = case_js(def, "initial");
	if (!procedure_stage(def, initial)) {
		err_set(e, ERR_INTERNAL, "procedure", "办案程序没有起始环节");
		goto done;
	}
	if (db_begin(db) < 0) {
		case_db_fail(db, e);
		goto done;
	}
	char now[21];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO cases(procedure_id, procedure_code, kind, body_unit_id, unit_id, title,"
			     " source, source_date, source_note, inspection_item_id, stage, stage_seq, status,"
			     " row_version, opened_on, opened_by, last_act_on, created_at, updated_at)"
			     " VALUES (?,?,?,?,?,?,?,?,?,?,?,1,'open',1,?,?,?,?,?) RETURNING id",
		     DB_INT(pid), DB_TEXT(in->procedure), DB_TEXT(kind), DB_INT(body), DB_INT(unit), DB_TEXT(in->title),
		     DB_TEXT(in->source), DB_TEXT(in->source_date), DB_TEXT(in->source_note ? in->source_note : ""),
		     in->inspection_item_id > 0 ? DB_INT(in->inspection_item_id) : DB_NULL, DB_TEXT(initial),
		     DB_TEXT(date), DB_INT(a->user_id), DB_TEXT(date), DB_TEXT(now), DB_TEXT(now)) < 0 ||
	    r->nrows != 1) {
		db_res_free(r);
		case_db_fail(db, e);
		goto rollback;
	}
	long long cid = db_int(r, 0, 0);
	db_res_free(r);
	for (size_t i = 0; i < in->n_matters; i++)
		if (db_exec(db, "INSERT INTO case_matters(case_id, item_id, item_version, category) VALUES (?,?,?,?)",
			    DB_INT(cid), DB_INT(mv[i].item), DB_INT(mv[i].version), DB_TEXT(mv[i].category)) < 0) {
			case_db_fail(db, e);
			goto rollback;
		}
	const char *role = str_eq(kind, "licence") ? "applicant" : "party";
	for (size_t i = 0; i < in->n_parties; i++)
		if (db_exec(db, "INSERT INTO case_parties(case_id, party_id, party_version, role, since_act)"
				" VALUES (?,?,?,?,1)", DB_INT(cid), DB_INT(in->party_ids[i]), DB_INT(pver[i]),
			    DB_TEXT(role)) < 0) {
			case_db_fail(db, e);
			goto rollback;
		}
	for (size_t i = 0; i < in->n_officers; i++)
		if (db_exec(db, "INSERT INTO case_officers(case_id, user_id, since_act) VALUES (?,?,1)", DB_INT(cid),
			    DB_INT(in->officer_ids[i])) < 0) {
			case_db_fail(db, e);
			goto rollback;
		}
	struct case_row c;
	if (case_load(db, cid, &c, e) < 0)
		goto rollback;
	json_t *detail = json_pack("{s:I,s:s}", "procedure", (json_int_t)pid, "source", in->source);
	json_t *mlist = json_array();
	for (size_t i = 0; i < in->n_matters; i++)
		json_array_append_new(mlist, json_pack("{s:I,s:i}", "item", (json_int_t)mv[i].item, "version",
						       mv[i].version));
	json_object_set_new(detail, "matters", mlist);
	if (in->inspection_item_id > 0)
		json_object_set_new(detail, "inspection_item", json_integer(in->inspection_item_id));
	if (case_enter_stage(db, a, &c, def, initial, date, 1, detail, e) < 0) {
		json_decref(detail);
		case_row_release(&c);
		goto rollback;
	}
	struct case_act_rec rec = { .type = "opened", .on_date = date, .stage_to = initial,
				    .text = in->note, .detail = detail };
	int wr = case_write_act(db, a, &c, &rec, NULL, e);
	case_row_release(&c);
	if (wr < 0)
		goto rollback;
	if (db_commit(db) < 0) {
		case_db_fail(db, e);
		goto rollback;
	}
	if (id)
		*id = cid;
	rc = 0;
	goto done;
rollback:
	db_rollback(db);
	if (all)
		errs_push(all, e);
done:
	json_decref(def);
	free(mv);
	free(pver);
	errs_release(&local);
	return rc;
}
