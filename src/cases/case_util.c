/*
 * case_util.c - what the acts and reads of a case share: loading a case,
 * the view rule, dates, the officer check, and writing one act (its
 * case_acts row, op_log row and ledger leaf) and entering a stage (its
 * number and clocks).  See cases.h for the invariants.
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "cases/party.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "ledger/ledger.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "people/certs.h"
#include "people/people.h"
#include "core/hash.h"
#include "core/dict.h"

int case_db_fail(struct db *db, struct err *e)
{
	log_error("案件数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败，请稍后重试");
}

const char *case_js(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

const char *case_source_label(const char *source)
{
	return str_empty(source) ? NULL : dict_find("case_source", source);
}

const char *case_status_label(const char *status)
{
	return dict_label("case_status", status);
}

const char *case_act_label(const char *type)
{
	return dict_label("case_act", type);
}

const char *case_kind_label(const char *kind)
{
	return procedure_kind_label(kind);
}

void case_sha256_hex(const char *s, char out[65])
{
	struct hash2 h;
	struct hash2_result r;
	hash2_init(&h);
	hash2_update(&h, s, strlen(s));
	hash2_final(&h, &r);
	memcpy(out, r.sha256_hex, 65);
}

#define CASE_COLS "id, procedure_id, body_unit_id, unit_id, inspection_item_id, opened_by, kind," \
	" procedure_code, stage, status, ending, source, case_no, decision_no, opened_on, last_act_on," \
	" closed_on, source_date, row_version, stage_seq, title, source_note, review_pending"

int case_load(struct db *db, long long id, struct case_row *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	struct db_res *r;
	if (db_query(db, &r, "SELECT " CASE_COLS " FROM cases WHERE id = ?", DB_INT(id)) < 0)
		return case_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "案件不存在或无权查看");
	}
	c->id = db_int(r, 0, 0);
	c->procedure_id = db_int(r, 0, 1);
	c->body_unit_id = db_int(r, 0, 2);
	c->unit_id = db_int(r, 0, 3);
	c->inspection_item_id = db_int(r, 0, 4);
	c->opened_by = db_int(r, 0, 5);
	snprintf(c->kind, sizeof c->kind, "%s", db_text(r, 0, 6));
	snprintf(c->procedure_code, sizeof c->procedure_code, "%s", db_text(r, 0, 7));
	snprintf(c->stage, sizeof c->stage, "%s", db_text(r, 0, 8));
	snprintf(c->status, sizeof c->status, "%s", db_text(r, 0, 9));
	snprintf(c->ending, sizeof c->ending, "%s", db_text(r, 0, 10));
	snprintf(c->source, sizeof c->source, "%s", db_text(r, 0, 11));
	snprintf(c->case_no, sizeof c->case_no, "%s", db_text(r, 0, 12));
	snprintf(c->decision_no, sizeof c->decision_no, "%s", db_text(r, 0, 13));
	snprintf(c->opened_on, sizeof c->opened_on, "%s", db_text(r, 0, 14));
	snprintf(c->last_act_on, sizeof c->last_act_on, "%s", db_text(r, 0, 15));
	snprintf(c->closed_on, sizeof c->closed_on, "%s", db_text(r, 0, 16));
	snprintf(c->source_date, sizeof c->source_date, "%s", db_text(r, 0, 17));
	c->row_version = (int)db_int(r, 0, 18);
	c->stage_seq = (int)db_int(r, 0, 19);
	c->title = xstrdup(db_text(r, 0, 20));
	c->source_note = xstrdup(db_text(r, 0, 21));
	c->review_pending = db_int(r, 0, 22) != 0;
	db_res_free(r);
	return 0;
}

void case_row_release(struct case_row *c)
{
	free(c->title);
	free(c->source_note);
	c->title = c->source_note = NULL;
}

json_t *case_definition(struct db *db, long long procedure_id, struct err *e)
{
	json_t *row = NULL;
	if (procedure_get(db, procedure_id, &row, e) < 0)
		return NULL;
	json_t *def = json_incref(json_object_get(row, "definition"));
	json_decref(row);
	if (!json_is_object(def)) {
		json_decref(def);
		err_set(e, ERR_INTERNAL, "", "案件的程序定义缺失");
		return NULL;
	}
	return def;
}

bool case_is_officer(struct db *db, long long case_id, long long user_id)
{
	if (user_id <= 0)
		return false;
	return db_scalar_int(db, 0, "SELECT COUNT(*) FROM case_officers WHERE case_id = ? AND user_id = ?"
				    " AND until_act IS NULL",
			     (const struct db_val[]){ DB_INT(case_id), DB_INT(user_id), DB_END }) > 0;
}

bool case_is_head_of(struct db *db, const struct actor *a, long long unit_id)
{
	return actor_logged_in(a) && actor_has(a, ROLE_HEAD) && actor_unit_in_scope(db, a, unit_id);
}

bool case_has_role_above(struct db *db, const struct actor *a, const char *role, long long unit_id)
{
	unsigned r = role_parse(role);
	if (!actor_logged_in(a) || !r || !actor_has(a, r) || a->unit_id <= 0)
		return false;
	/* 法制审核 is done by the 政策法规处, which stands beside the divisions */
	if (r == ROLE_REVIEWER)
		return people_unit_is_reviewer(db, a->unit_id);
	return actor_unit_below(db, unit_id, a->unit_id);
}

static case_visibility_fn visibility_hook;

void case_set_visibility_hook(case_visibility_fn fn)
{
	visibility_hook = fn;
}

bool case_visible(struct db *db, const struct actor *a, const struct case_row *c)
{
	if (!actor_logged_in(a))
		return false;
	if (actor_has(a, ROLE_LEADER | ROLE_SUPERVISOR))
		return true;
	if (actor_has(a, ROLE_ARCHIVIST) && str_eq(c->status, "closed"))
		return true;
	if (actor_has(a, ROLE_HEAD) && actor_unit_in_scope(db, a, c->unit_id))
		return true;
	if (actor_has(a, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER) && a->unit_id == c->unit_id)
		return true;
	if (actor_has(a, ROLE_REVIEWER) && c->review_pending && str_eq(c->status, "open") &&
	    people_unit_is_reviewer(db, a->unit_id))
		return true;
	if (actor_has(a, ROLE_OFFICER | ROLE_HEAD) && case_is_officer(db, c->id, a->user_id))
		return true;
	return visibility_hook && visibility_hook(db, a, c->id);
}

int case_act_date(const char *in, const char *not_before, char out[11], const char *field, struct err *e)
{
	char today[11];
	time_today_shanghai(today);
	int32_t d;
	if (str_empty(in)) {
		memcpy(out, today, 11);
	} else {
		if (strlen(in) != 10 || cal_date_parse(in, &d) < 0)
			return err_set(e, ERR_INVALID, field, "日期格式应为 YYYY-MM-DD 且是真实的日期");
		memcpy(out, in, 11);
	}
	if (strcmp(out, today) > 0)
		return err_set(e, ERR_INVALID, field, "日期 %s 晚于今天（%s），不能填写将来的日期", out, today);
	if (!str_empty(not_before) && strcmp(out, not_before) < 0)
		return err_set(e, ERR_INVALID, field, "日期 %s 早于本案上一次行为的日期 %s", out, not_before);
	return 0;
}

static int ids_query(struct db *db, const char *sql, long long case_id, long long **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	struct db_res *r;
	if (db_query(db, &r, sql, DB_INT(case_id)) < 0)
		return -1;
	if (r->nrows > 0) {
		*ids = xcalloc((size_t)r->nrows, sizeof **ids);
		for (int i = 0; i < r->nrows; i++)
			(*ids)[i] = db_int(r, i, 0);
	}
	*n = (size_t)r->nrows;
	db_res_free(r);
	return 0;
}

int case_officer_ids(struct db *db, long long case_id, long long **ids, size_t *n)
{
	return ids_query(db, "SELECT user_id FROM case_officers WHERE case_id = ? AND until_act IS NULL"
			     " ORDER BY id", case_id, ids, n);
}

int case_matter_ids(struct db *db, long long case_id, long long **ids, size_t *n)
{
	return ids_query(db, "SELECT item_id FROM case_matters WHERE case_id = ? ORDER BY id", case_id, ids, n);
}

int case_min_officers(const json_t *def)
{
	json_int_t m = json_integer_value(json_object_get(def, "min_officers"));
	return m < 1 ? 1 : (int)m;
}

int case_check_officers(struct db *db, const long long *ids, size_t n, int min, const long long *matters,
			size_t nm, const char *date, long long *cert_ids, const char *field, struct err *e)
{
	if (n < (size_t)min)
		return err_set(e, ERR_INVALID, field,
			       "执法人员不得少于 %d 人（《中华人民共和国行政处罚法》第四十二条），现有 %zu 人", min, n);
	if (n > 20)
		return err_set(e, ERR_INVALID, field, "执法人员至多 20 人");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (ids[i] == ids[j]) {
				char *nm_ = people_user_name(db, ids[i]);
				err_set(e, ERR_INVALID, field, "执法人员%s重复", nm_ ? nm_ : "");
				free(nm_);
				return -1;
			}
		struct db_res *r;
		if (db_query(db, &r, "SELECT name, locked FROM users WHERE id = ?", DB_INT(ids[i])) < 0)
			return case_db_fail(db, e);
		if (r->nrows == 0) {
			db_res_free(r);
			return err_set(e, ERR_INVALID, field, "执法人员（编号 %lld）不存在", ids[i]);
		}
		db_res_free(r);
		long long cert = 0;
		if (cert_check_officer(db, ids[i], matters, nm, date, &cert, e) < 0) {
			snprintf(e->field, sizeof e->field, "%s", str_eq(e->field, "officers") ? field : e->field);
			return -1;
		}
		if (cert_ids)
			cert_ids[i] = cert;
	}
	return 0;
}

/* Re-link the parties to their current versions; add them to detail. */
static int relink_parties(struct db *db, struct case_row *c, json_t *list, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT party_id, party_version FROM case_parties WHERE case_id = ? ORDER BY id",
		     DB_INT(c->id)) < 0)
		return case_db_fail(db, e);
	for (int i = 0; i < r->nrows; i++) {
		long long pid = db_int(r, i, 0);
		int ver = 0;
		if (party_current_version(db, pid, &ver, e) < 0) {
			db_res_free(r);
			return -1;
		}
		if (ver != (int)db_int(r, i, 1) &&
		    db_exec(db, "UPDATE case_parties SET party_version = ? WHERE case_id = ? AND party_id = ?",
			    DB_INT(ver), DB_INT(c->id), DB_INT(pid)) < 0) {
			db_res_free(r);
			return case_db_fail(db, e);
		}
		json_array_append_new(list, json_pack("{s:I,s:i}", "party", (json_int_t)pid, "version", ver));
	}
	db_res_free(r);
	return 0;
}

/* Check the current officers on date (every act) and record their
 * certificates in the case and in list. */
static int check_current_officers(struct db *db, struct case_row *c, const char *date, json_t *list,
				  struct err *e)
{
	json_t *def = case_definition(db, c->procedure_id, e);
	if (!def)
		return -1;
	int min = case_min_officers(def);
	json_decref(def);
	long long *ids = NULL, *matters = NULL;
	size_t n = 0, nm = 0;
	int rc = -1;
	if (case_officer_ids(db, c->id, &ids, &n) < 0 || case_matter_ids(db, c->id, &matters, &nm) < 0) {
		case_db_fail(db, e);
		goto out;
	}
	long long *certs = xcalloc(n + 1, sizeof *certs);
	if (case_check_officers(db, ids, n, min, matters, nm, date, certs, "officer_ids", e) == 0) {
		rc = 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (db_exec(db, "UPDATE case_officers SET cert_id = ? WHERE case_id = ? AND user_id = ?"
					" AND until_act IS NULL", DB_INT(certs[i]), DB_INT(c->id), DB_INT(ids[i])) < 0)
				rc = case_db_fail(db, e);
			json_array_append_new(list, json_pack("{s:I,s:I}", "user", (json_int_t)ids[i], "cert",
							      (json_int_t)certs[i]));
		}
	}
	free(certs);
out:
	free(ids);
	free(matters);
	return rc;
}

int case_write_act(struct db *db, const struct actor *a, struct case_row *c, struct case_act_rec *rec,
		   int *seq_out, struct err *e)
{
	json_t *detail = rec->detail ? rec->detail : json_object();
	rec->detail = NULL;
	int seq = c->row_version;
	int rc = -1;
	json_t *parties = json_array(), *officers = json_array();
	json_object_set_new(detail, "parties", parties);
	json_object_set_new(detail, "officers", officers);
	if (!str_empty(rec->text))
		json_object_set_new(detail, "text", json_string(rec->text));
	if (relink_parties(db, c, parties, e) < 0 || check_current_officers(db, c, rec->on_date, officers, e) < 0)
		goto out;

	char *dtext = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	char dsha[65];
	case_sha256_hex(dtext, dsha);
	char now[21];
	time_now_utc(now);

	/* the leaf: ids, codes and hashes only (case + seq name the act) */
	json_t *leaf = json_pack("{s:I,s:i,s:I,s:I,s:I,s:s,s:s}", "case", (json_int_t)c->id, "seq", seq,
				 "procedure", (json_int_t)c->procedure_id, "unit", (json_int_t)c->unit_id, "actor",
				 (json_int_t)(a ? a->user_id : 0), "on_date", rec->on_date, "detail_sha256", dsha);
	if (rec->stage_to)
		json_object_set_new(leaf, "stage", json_string(rec->stage_to));
	json_t *pv = json_array(), *cv = json_array();
	size_t i;
	json_t *x;
	json_array_foreach(parties, i, x)
		json_array_append_new(pv, json_pack("[O,O]", json_object_get(x, "party"), json_object_get(x, "version")));
	json_array_foreach(officers, i, x)
		json_array_append_new(cv, json_pack("[O,O]", json_object_get(x, "user"), json_object_get(x, "cert")));
	json_object_set_new(leaf, "parties", pv);
	json_object_set_new(leaf, "officers", cv);
	if (!str_empty(rec->text)) {
		char tsha[65];
		case_sha256_hex(rec->text, tsha);
		json_object_set_new(leaf, "text_sha256", json_string(tsha));
	}
	char event[40];
	snprintf(event, sizeof event, "case.%s", rec->type);
	long long index = -1;
	int lr = ledger_append(db, event, leaf, &index, e);
	json_decref(leaf);
	if (lr < 0) {
		free(dtext);
		goto out;
	}
	int q = db_exec(db, "INSERT INTO case_acts(case_id, seq, type, on_date, at, by_user, stage_from,"
			    " stage_to, approval, ending, suspension, row_version, detail, leaf_index)"
			    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			DB_INT(c->id), DB_INT(seq), DB_TEXT(rec->type), DB_TEXT(rec->on_date), DB_TEXT(now),
			a && a->user_id ? DB_INT(a->user_id) : DB_NULL, DB_TEXTN(rec->stage_from),
			DB_TEXTN(rec->stage_to), DB_TEXTN(rec->approval), DB_TEXTN(rec->ending),
			DB_TEXTN(json_string_value(json_object_get(detail, "suspension"))), DB_INT(c->row_version),
			DB_TEXT(dtext), DB_INT(index));
	free(dtext);
	if (q < 0) {
		case_db_fail(db, e);
		goto out;
	}
	char idstr[24], action[48];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	snprintf(action, sizeof action, "case.%s", rec->type);
	struct buf d;
	buf_init(&d, 0);
	buf_printf(&d, "第%d项行为：%s", seq, case_act_label(rec->type));
	if (rec->stage_to && !str_eq(rec->stage_to, rec->stage_from)) {
		/* the stage by its name, as people read the log */
		struct err de = ERR_INIT;
		json_t *def = case_definition(db, c->procedure_id, &de);
		const char *name = def ? procedure_stage_name(def, rec->stage_to) : NULL;
		buf_printf(&d, "，进入「%s」环节", name && name[0] ? name : rec->stage_to);
		json_decref(def);
	}
	int ar = audit_log(db, a, action, "case", idstr, "ok", buf_str(&d));
	buf_release(&d);
	if (ar < 0) {
		case_db_fail(db, e);
		goto out;
	}
	if (db_exec(db, "UPDATE cases SET last_act_on = ?, updated_at = ? WHERE id = ?", DB_TEXT(rec->on_date),
		    DB_TEXT(now), DB_INT(c->id)) < 0) {
		case_db_fail(db, e);
		goto out;
	}
	snprintf(c->last_act_on, sizeof c->last_act_on, "%s", rec->on_date);
	if (seq_out)
		*seq_out = seq;
	rc = 0;
out:
	json_decref(detail);
	return rc;
}

/* Meet the case's unmet clocks of rule event_code on date. */
static int meet_clock(struct db *db, const struct case_row *c, const char *event_code, const char *date,
		      json_t *met, struct err *e)
{
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	struct db_res *r;
	if (db_query(db, &r, "SELECT d.id FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
			     " WHERE d.object_type = 'case' AND d.object_id = ? AND r.event_code = ?"
			     " AND d.state <> 'met' ORDER BY d.id", DB_TEXT(idstr), DB_TEXT(event_code)) < 0)
		return case_db_fail(db, e);
	int rc = 0;
	for (int i = 0; i < r->nrows && rc == 0; i++) {
		rc = deadline_meet(db, db_int(r, i, 0), date, e);
		if (rc == 0)
			json_array_append_new(met, json_integer(db_int(r, i, 0)));
	}
	db_res_free(r);
	return rc;
}

int case_enter_stage(struct db *db, const struct actor *a, struct case_row *c, const json_t *def,
		     const char *stage, const char *date, int seq, json_t *detail, struct err *e)
{
	(void)a;
	const json_t *st = procedure_stage(def, stage);
	if (!st)
		return err_set(e, ERR_INVALID, "to", "程序中没有该环节");
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	const char *numkind = json_string_value(json_object_get(st, "number"));
	if (!str_empty(numkind)) {
		char no[128];
		long long nseq = 0;
		/* a number of this kind the case holds already (its decision
		 * document drew it when finalised, records.h) is the stage's
		 * number: one decision, one number */
		struct db_res *nr;
		if (db_query(db, &nr, "SELECT number FROM number_issued WHERE object_type = 'case' AND object_id = ?"
				      " AND kind = ? ORDER BY id LIMIT 1", DB_TEXT(idstr), DB_TEXT(numkind)) < 0)
			return case_db_fail(db, e);
		bool have = nr->nrows > 0;
		if (have)
			snprintf(no, sizeof no, "%s", db_text(nr, 0, 0));
		db_res_free(nr);
		if (!have && numbering_next(db, c->body_unit_id, numkind, date, "case", idstr, no, sizeof no, &nseq, e) < 0)
			return -1;
		bool decision = strstr(numkind, "decision") != NULL;
		if (decision || c->case_no[0])
			snprintf(c->decision_no, sizeof c->decision_no, "%s", no);
		else
			snprintf(c->case_no, sizeof c->case_no, "%s", no);
		json_object_set_new(detail, "number", json_pack("{s:s,s:s}", "kind", numkind, "no", no));
	}
	/* clocks met by entering this stage, then those it starts */
	json_t *met = json_array(), *started = json_array();
	json_object_set_new(detail, "clocks_met", met);
	json_object_set_new(detail, "clocks_started", started);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(st, "meet_clocks"), i, x)
		if (json_is_string(x) && meet_clock(db, c, json_string_value(x), date, met, e) < 0)
			return -1;
	long long owner = 0;
	{
		long long *ids = NULL;
		size_t n = 0;
		if (case_officer_ids(db, c->id, &ids, &n) == 0 && n > 0)
			owner = ids[0];
		free(ids);
	}
	bool final = procedure_is_final(def, stage), archive = false;
	json_array_foreach(json_object_get(st, "start_clocks"), i, x) {
		if (!json_is_string(x))
			continue;
		long long did = 0;
		if (str_eq(json_string_value(x), "case_archive"))
			archive = true;
		if (deadline_start(db, json_string_value(x), c->unit_id, owner, "case", idstr, date, &did, e) < 0)
			return -1;
		json_array_append_new(started, json_integer(did));
	}
	/* 结案 starts the clock to 归档 (seed 二.(二).5) even where the stage does not name it */
	if (final && !archive) {
		long long did = 0;
		if (deadline_start(db, "case_archive", c->unit_id, owner, "case", idstr, date, &did, e) < 0)
			return -1;
		json_array_append_new(started, json_integer(did));
	}
	snprintf(c->stage, sizeof c->stage, "%s", stage);
	c->stage_seq = seq;
	char now[21];
	time_now_utc(now);
	if (final) {
		snprintf(c->status, sizeof c->status, "closed");
		snprintf(c->closed_on, sizeof c->closed_on, "%s", date);
	}
	/* a stage awaiting the 法制审核 (a requirement of type review, or a
	 * reviewer's approval) is open to the 政策法规处 (the reviewers' view) */
	bool review = false;
	json_array_foreach(json_object_get(st, "requires"), i, x)
		review = review || str_eq(case_js(x, "type"), "review") ||
			 (str_eq(case_js(x, "type"), "approval") && str_eq(case_js(x, "role"), "reviewer"));
	if (db_exec(db, "UPDATE cases SET stage = ?, stage_seq = ?, case_no = ?, decision_no = ?, status = ?,"
			" closed_on = ?, updated_at = ?, review_pending = ? WHERE id = ?",
		    DB_TEXT(stage), DB_INT(seq), DB_TEXTN(c->case_no[0] ? c->case_no : NULL),
		    DB_TEXTN(c->decision_no[0] ? c->decision_no : NULL), DB_TEXT(c->status),
		    DB_TEXTN(c->closed_on[0] ? c->closed_on : NULL), DB_TEXT(now), DB_INT(review && !final),
		    DB_INT(c->id)) < 0)
		return case_db_fail(db, e);
	c->review_pending = review && !final;
	return 0;
}
