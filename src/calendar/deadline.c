/*
 * deadline.c - deadline rules and clocks on the working-day calendar (see
 * deadline.h).
 *
 * Invariants: due_on is always computed from started_on with the rule
 * version in force on started_on and a calendar that had every needed
 * year (never guessed); a met clock is final.
 */
#include "core/core.h"
#include "calendar/deadline.h"
#include "calendar/deadline_int.h"
#include "store/db.h"
#include "actor/audit.h"

static int valid_code(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int storage_error(struct db *db, struct err *e, const char *what)
{
	log_error("%s: %s", what, db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "%s，请稍后再试", what);
}

#define RULE_COLS "id, event_code, name, days, day_kind, ends_with, effective_from, source, own_rule," \
	" extension_days, extension_times, extension_role, extension_basis, extension_own_rule"

static void rule_from_row(const struct db_res *r, int row, struct deadline_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->id = db_int(r, row, 0);
	snprintf(out->event_code, sizeof(out->event_code), "%s", db_text(r, row, 1));
	snprintf(out->name, sizeof(out->name), "%s", db_text(r, row, 2));
	out->days = (int)db_int(r, row, 3);
	out->calendar_days = strcmp(db_text(r, row, 4), "calendar") == 0;
	snprintf(out->ends_with, sizeof(out->ends_with), "%s", db_text(r, row, 5));
	snprintf(out->effective_from, sizeof(out->effective_from), "%s", db_text(r, row, 6));
	snprintf(out->source, sizeof(out->source), "%s", db_text(r, row, 7));
	out->own_rule = db_int(r, row, 8) != 0;
	out->extension_days = (int)db_int(r, row, 9);
	out->extension_times = (int)db_int(r, row, 10);
	snprintf(out->extension_role, sizeof(out->extension_role), "%s", db_text(r, row, 11));
	snprintf(out->extension_basis, sizeof(out->extension_basis), "%s", db_text(r, row, 12));
	out->extension_own_rule = db_int(r, row, 13) != 0;
}

int deadline_rule_for(struct db *db, const char *event_code, const char *date,
		      struct deadline_rule *out, struct err *e)
{
	int32_t d;
	if (cal_date_parse(date, &d) < 0)
		return err_set(e, ERR_INVALID, "start_date", "日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", date ? date : "");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT " RULE_COLS " FROM deadline_rules WHERE event_code = ? AND effective_from <= ?"
		     " ORDER BY effective_from DESC LIMIT 1", DB_TEXT(event_code ? event_code : ""), DB_TEXT(date)) < 0)
		return storage_error(db, e, "读取期限规则失败");
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "event_code", "没有在 %s 生效的“%.60s”期限规则", date,
			       event_code ? event_code : "");
	}
	rule_from_row(r, 0, out);
	db_res_free(r);
	return 0;
}

int deadline_rule_add(struct db *db, const struct actor *a, const struct deadline_rule *rule,
		      long long *id, struct err *e)
{
	int32_t d;
	if (!valid_code(rule->event_code))
		return err_set(e, ERR_INVALID, "event_code", "事件代码只能由小写字母、数字和下划线组成(1 至 63 个字符)");
	if (str_empty(rule->name))
		return err_set(e, ERR_INVALID, "name", "请填写规则名称");
	if (rule->days < 1 || rule->days > 3650)
		return err_set(e, ERR_INVALID, "days", "期限天数必须在 1 至 3650 之间");
	if (str_empty(rule->ends_with))
		return err_set(e, ERR_INVALID, "ends_with", "请填写结束期限的事件");
	if (cal_date_parse(rule->effective_from, &d) < 0)
		return err_set(e, ERR_INVALID, "effective_from", "生效日期不是 YYYY-MM-DD 形式的真实日期");
	/* the basis is required: a deadline nobody can trace to a provision is
	 * not a deadline the department may hold anyone to */
	if (str_empty(rule->source))
		return err_set(e, ERR_INVALID, "source", "请填写期限规则的依据（法律、法规、规章或本部门规定的名称及条款）");
	if (rule->extension_days < 0 || rule->extension_days > 3650)
		return err_set(e, ERR_INVALID, "extension_days", "可延长天数必须在 0 至 3650 之间");
	if (rule->extension_times < 0 || rule->extension_times > 10)
		return err_set(e, ERR_INVALID, "extension_times", "可延长次数必须在 0 至 10 之间");
	int times = rule->extension_days > 0 ? (rule->extension_times > 0 ? rule->extension_times : 1) : 0;
	if (rule->extension_days > 0 && !str_eq(rule->extension_role, "head") && !str_eq(rule->extension_role, "leader"))
		return err_set(e, ERR_INVALID, "extension_role", "可以延长的规则须指明批准延长的人（处室负责人或行政机关负责人）");
	if (rule->extension_days > 0 && str_empty(rule->extension_basis))
		return err_set(e, ERR_INVALID, "extension_basis", "请填写延长期限的依据");
	const char *ext_role = rule->extension_days > 0 ? rule->extension_role : "";
	const char *ext_basis = rule->extension_days > 0 ? rule->extension_basis : "";
	char now[21];
	time_now_utc(now);
	const char *who = a && !str_empty(a->username) ? a->username : "system";
	if (db_begin(db) < 0)
		return storage_error(db, e, "数据库繁忙");
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO deadline_rules(event_code, name, days, day_kind, ends_with, effective_from,"
		     " source, created_by, created_at, own_rule, extension_days, extension_times, extension_role,"
		     " extension_basis, extension_own_rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_TEXT(rule->event_code), DB_TEXT(rule->name), DB_INT(rule->days),
		     DB_TEXT(rule->calendar_days ? "calendar" : "working"), DB_TEXT(rule->ends_with),
		     DB_TEXT(rule->effective_from), DB_TEXT(rule->source), DB_TEXT(who), DB_TEXT(now),
		     DB_INT(rule->own_rule), DB_INT(rule->extension_days), DB_INT(times), DB_TEXT(ext_role),
		     DB_TEXT(ext_basis), DB_INT(rule->extension_days > 0 && rule->extension_own_rule)) < 0) {
		bool dup = db_errcode(db) == DBE_CONSTRAINT;
		db_rollback(db);
		if (dup)
			return err_set(e, ERR_CONFLICT, "effective_from", "“%s”在 %s 生效的规则版本已存在",
				       rule->event_code, rule->effective_from);
		return storage_error(db, e, "保存期限规则失败");
	}
	long long nid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char oid[32], detail[700];
	snprintf(oid, sizeof(oid), "%lld", nid);
	snprintf(detail, sizeof(detail), "%s: %d 个%s, 自 %s 起生效%s%s(操作人 %s)", rule->event_code, rule->days,
		 rule->calendar_days ? "自然日" : "工作日", rule->effective_from, rule->own_rule ? ", 本部门规定" : "",
		 rule->extension_days > 0 ? ", 可延长" : "", who);
	if (audit_log(db, a, "deadline_rule.add", "deadline_rule", oid, "ok", detail) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return storage_error(db, e, "保存期限规则失败");
	}
	if (id)
		*id = nid;
	return 0;
}

json_t *deadline_rules_list(struct db *db, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT " RULE_COLS " FROM deadline_rules ORDER BY event_code, effective_from") < 0) {
		storage_error(db, e, "读取期限规则失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		struct deadline_rule rule;
		rule_from_row(r, i, &rule);
		json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id", (json_int_t)rule.id,
				      "event_code", rule.event_code, "name", rule.name, "days", rule.days,
				      "day_kind", rule.calendar_days ? "calendar" : "working", "ends_with", rule.ends_with,
				      "effective_from", rule.effective_from, "source", rule.source);
		json_object_set_new(o, "own_rule", json_boolean(rule.own_rule));
		json_object_set_new(o, "extension_days", json_integer(rule.extension_days));
		json_object_set_new(o, "extension_times", json_integer(rule.extension_times));
		json_object_set_new(o, "extension_role", json_string(rule.extension_role));
		json_object_set_new(o, "extension_basis", json_string(rule.extension_basis));
		json_object_set_new(o, "extension_own_rule", json_boolean(rule.extension_own_rule));
		json_array_append_new(arr, o);
	}
	db_res_free(r);
	return arr;
}

/* The due date of a period; provisional (b) when it reaches a year whose
 * notice is not loaded; years: those years as "2027,2028". */
void deadline_basis_merge(struct cal_basis *b, const struct cal_basis *add, char years[32])
{
	if (!add || !add->provisional)
		return;
	b->provisional = true;
	for (int i = 0; i < add->nyears; i++) {
		bool have = false;
		for (int k = 0; k < b->nyears; k++)
			have |= b->years[k] == add->years[i];
		if (!have && b->nyears < (int)ARRAY_SIZE(b->years))
			b->years[b->nyears++] = add->years[i];
	}
	for (int i = 1; i < b->nyears; i++) /* ascending */
		for (int k = i; k > 0 && b->years[k - 1] > b->years[k]; k--) {
			int t = b->years[k];
			b->years[k] = b->years[k - 1];
			b->years[k - 1] = t;
		}
	years[0] = 0;
	for (int i = 0, off = 0; i < b->nyears && off < 26; i++)
		off += snprintf(years + off, (size_t)(32 - off), "%s%d", i ? "," : "", b->years[i]);
}

int deadline_compute_due(const struct calendar *cal, const char *start, int n, bool calendar_days,
			 char due[11], struct cal_basis *b, char years[32], struct err *e)
{
	if (calendar_due_str_ex(cal, start, n, calendar_days, 0, due, b, e) < 0)
		return -1;
	years[0] = 0;
	for (int i = 0, off = 0; i < b->nyears && off < 26; i++)
		off += snprintf(years + off, (size_t)(32 - off), "%s%d", i ? "," : "", b->years[i]);
	return 0;
}

int deadline_start_cal(struct db *db, const struct calendar *cal, const char *event_code,
		       long long unit_id, long long owner_user_id, const char *object_type,
		       const char *object_id, const char *start_date, long long *id, struct err *e)
{
	if (unit_id <= 0)
		return err_set(e, ERR_INVALID, "unit_id", "期限必须属于一个单位");
	if (str_empty(object_type) || str_empty(object_id))
		return err_set(e, ERR_INVALID, "object_id", "期限必须指明所属对象(类型和编号)");
	struct deadline_rule rule;
	if (deadline_rule_for(db, event_code, start_date, &rule, e) < 0)
		return -1;
	char due[11], now[21], years[32];
	struct cal_basis b;
	if (deadline_compute_due(cal, start_date, rule.days, rule.calendar_days, due, &b, years, e) < 0)
		return -1;
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO deadlines(rule_id, unit_id, owner_user_id, object_type, object_id,"
		     " started_on, due_on, state, met_late, created_at, provisional, provisional_years)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', 0, ?, ?, ?) RETURNING id",
		     DB_INT(rule.id), DB_INT(unit_id), owner_user_id > 0 ? DB_INT(owner_user_id) : DB_NULL,
		     DB_TEXT(object_type), DB_TEXT(object_id), DB_TEXT(start_date), DB_TEXT(due), DB_TEXT(now),
		     DB_INT(b.provisional), DB_TEXT(years)) < 0) {
		if (db_errcode(db) == DBE_CONSTRAINT)
			return err_set(e, ERR_INVALID, "unit_id", "单位或负责人不存在");
		return storage_error(db, e, "保存期限失败");
	}
	if (id)
		*id = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return 0;
}

int deadline_start(struct db *db, const char *event_code, long long unit_id, long long owner_user_id,
		   const char *object_type, const char *object_id, const char *start_date,
		   long long *id, struct err *e)
{
	struct calendar *cal;
	if (calendar_load(db, &cal, e) < 0)
		return -1;
	int rc = deadline_start_cal(db, cal, event_code, unit_id, owner_user_id, object_type, object_id,
				    start_date, id, e);
	calendar_unref(cal);
	return rc;
}

int deadline_meet(struct db *db, long long id, const char *date, struct err *e)
{
	int32_t d;
	if (cal_date_parse(date, &d) < 0)
		return err_set(e, ERR_INVALID, "date", "完成日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", date ? date : "");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT started_on, due_on, state, paused_since FROM deadlines WHERE id = ?", DB_INT(id)) < 0)
		return storage_error(db, e, "读取期限失败");
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "期限 %lld 不存在", id);
	}
	if (strcmp(db_text(r, 0, 2), "met") == 0) {
		db_res_free(r);
		return err_set(e, ERR_CONFLICT, "id", "期限 %lld 已经完成，不能重复完成", id);
	}
	if (strcmp(date, db_text(r, 0, 0)) < 0) {
		int rc = err_set(e, ERR_INVALID, "date", "完成日期 %s 早于期限起算日 %s", date, db_text(r, 0, 0));
		db_res_free(r);
		return rc;
	}
	if (db_cell(r, 0, 3)) {
		/* met while paused: the pause ends on that day first */
		db_res_free(r);
		struct calendar *cal;
		if (calendar_load(db, &cal, e) < 0)
			return -1;
		int rc = deadline_resume_in(db, cal, id, date, e);
		calendar_unref(cal);
		if (rc < 0)
			return -1;
		if (db_query(db, &r, "SELECT started_on, due_on, state, paused_since FROM deadlines WHERE id = ?",
			     DB_INT(id)) < 0)
			return storage_error(db, e, "读取期限失败");
		if (r->nrows == 0) {
			db_res_free(r);
			return err_set(e, ERR_NOTFOUND, "id", "期限 %lld 不存在", id);
		}
	}
	int late = strcmp(date, db_text(r, 0, 1)) > 0;
	db_res_free(r);
	/* the state test makes a concurrent second meet fail instead of overwrite */
	if (db_query(db, &r, "UPDATE deadlines SET state = 'met', met_on = ?, met_late = ? WHERE id = ? AND state <> 'met'"
		     " RETURNING id", DB_TEXT(date), DB_INT(late), DB_INT(id)) < 0)
		return storage_error(db, e, "保存期限失败");
	int n = r->nrows;
	db_res_free(r);
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "id", "期限 %lld 已经完成，不能重复完成", id);
	return 0;
}

int deadline_refresh(struct db *db, const struct calendar *cal, const char *today,
		     int due_soon_days, int *changed)
{
	int32_t t;
	if (changed)
		*changed = 0;
	if (cal_date_parse(today, &t) < 0)
		return error("deadline_refresh: bad date '%s'", today ? today : "");
	if (due_soon_days <= 0)
		due_soon_days = DEADLINE_DUE_SOON_DEFAULT;
	if (db_begin(db) < 0)
		return error("deadline_refresh: %s", db_errmsg(db));
	struct db_res *r = NULL;
	/* a paused clock (已中止) is not running: it neither comes due nor runs over */
	if (db_query(db, &r, "SELECT id, due_on, state FROM deadlines WHERE state <> 'met' AND paused_since IS NULL") < 0)
		goto fail;
	int n = 0;
	for (int i = 0; i < r->nrows; i++) {
		int32_t due;
		if (cal_date_parse(db_text(r, i, 1), &due) < 0)
			continue;
		const char *want;
		if (t > due) {
			want = "overdue";
		} else {
			int left;
			struct err e = ERR_INIT;
			if (calendar_workdays_between_ex(cal, t, due, 0, &left, NULL, &e) < 0)
				continue; /* cannot count even provisionally: keep the state */
			want = left <= due_soon_days ? "due_soon" : "open";
		}
		if (strcmp(want, db_text(r, i, 2)) == 0)
			continue;
		if (db_exec(db, "UPDATE deadlines SET state = ? WHERE id = ? AND state <> 'met' AND paused_since IS NULL", DB_TEXT(want),
			    DB_INT(db_int(r, i, 0))) < 0)
			goto fail;
		n++;
	}
	db_res_free(r);
	if (db_commit(db) < 0)
		return error("deadline_refresh: %s", db_errmsg(db));
	if (changed)
		*changed = n;
	return 0;
fail:
	db_res_free(r);
	error("deadline_refresh: %s", db_errmsg(db));
	db_rollback(db);
	return -1;
}

int deadline_recompute_all(struct db *db, const struct calendar *cal, struct err *e)
{
	if (db_begin(db) < 0)
		return storage_error(db, e, "数据库繁忙");
	struct db_res *r = NULL;
	int n = 0;
	if (db_query(db, &r, "SELECT d.id, d.started_on, d.due_on, r.days, r.day_kind, d.provisional,"
		     " d.provisional_years FROM deadlines d"
		     " JOIN deadline_rules r ON r.id = d.rule_id WHERE d.state <> 'met' ORDER BY d.id") < 0)
		goto dberr;
	char now[21];
	time_now_utc(now);
	for (int i = 0; i < r->nrows; i++) {
		bool calendar_days = strcmp(db_text(r, i, 4), "calendar") == 0;
		char due[11], years[32];
		struct cal_basis b, pb = { 0 };
		struct err ce = ERR_INIT;
		int extra = 0;
		/* pauses and extensions stay: due_on = start + rule days + days not
		 * counted + days granted, all counted on the new calendar */
		if (deadline_extra_days(db, cal, db_int(r, i, 0), db_text(r, i, 1), calendar_days, &extra, &pb, &ce) < 0 ||
		    deadline_compute_due(cal, db_text(r, i, 1), (int)db_int(r, i, 3) + extra, calendar_days, due, &b,
					 years, &ce) < 0) {
			err_set(e, ce.kind, ce.field, "期限 %lld(起算日 %s): %s", db_int(r, i, 0), db_text(r, i, 1), ce.msg);
			goto fail;
		}
		deadline_basis_merge(&b, &pb, years);
		bool old_prov = db_int(r, i, 5) != 0;
		const char *old_due = db_text(r, i, 2);
		if (strcmp(due, old_due) == 0 && old_prov == b.provisional && strcmp(years, db_text(r, i, 6)) == 0)
			continue;
		char reason[300];
		if (old_prov && !b.provisional)
			snprintf(reason, sizeof(reason), "载入 %s 年节假日安排后重新计算：到期日由 %s（暂定）%s %s", db_text(r, i, 6),
				 old_due, strcmp(due, old_due) ? "改为" : "确定为", due);
		else if (b.provisional)
			snprintf(reason, sizeof(reason), "工作日历变更后重新计算：到期日由 %s%s 改为 %s（暂定，%s 年节假日安排尚未载入）",
				 old_due, old_prov ? "（暂定）" : "", due, years);
		else
			snprintf(reason, sizeof(reason), "工作日历变更后重新计算：到期日由 %s 改为 %s", old_due, due);
		if (db_exec(db, "INSERT INTO deadline_changes(deadline_id, at, by_user, old_due, new_due, old_provisional,"
			    " new_provisional, reason) VALUES (?, ?, 'system', ?, ?, ?, ?, ?)",
			    DB_INT(db_int(r, i, 0)), DB_TEXT(now), DB_TEXT(old_due), DB_TEXT(due), DB_INT(old_prov),
			    DB_INT(b.provisional), DB_TEXT(reason)) < 0 ||
		    db_exec(db, "UPDATE deadlines SET due_on = ?, provisional = ?, provisional_years = ? WHERE id = ?",
			    DB_TEXT(due), DB_INT(b.provisional), DB_TEXT(years), DB_INT(db_int(r, i, 0))) < 0)
			goto dberr;
		n++;
	}
	char detail[200], years[32];
	snprintf(detail, sizeof(detail), "重新计算 %d 个未完成期限，其中 %d 个的到期日改变", r->nrows, n);
	snprintf(years, sizeof(years), "%d-%d", calendar_first_year(cal), calendar_last_year(cal));
	if (calendar_change_record(db, "system", "recompute", years, "", detail, NULL) < 0 || db_commit(db) < 0)
		goto dberr;
	db_res_free(r);
	return n;
dberr:
	storage_error(db, e, "重新计算期限失败");
fail:
	db_res_free(r);
	db_rollback(db);
	return -1;
}

/* ---- listings ---- */

#define DL_COLS "d.id, d.rule_id, r.event_code, r.name, r.ends_with, d.unit_id, d.owner_user_id," \
	" d.object_type, d.object_id, d.started_on, d.due_on, d.state, d.met_on, d.met_late, d.created_at," \
	" d.provisional, d.provisional_years, d.paused_since," \
	" (SELECT p.reason FROM deadline_pauses p WHERE p.deadline_id = d.id AND p.to_date IS NULL)"
#define DL_FROM " FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
#define DL_URGENCY " ORDER BY CASE d.state WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1 WHEN 'open' THEN 2" \
	" ELSE 3 END, d.due_on, d.id LIMIT ?"

static json_t *nullable_int(const struct db_res *r, int row, int col)
{
	return db_cell(r, row, col) ? json_integer(db_int(r, row, col)) : json_null();
}

static json_t *nullable_text(const struct db_res *r, int row, int col)
{
	return db_cell(r, row, col) ? json_string(db_text(r, row, col)) : json_null();
}

/* The 暂定 note of a row (its years as "2027,2028"), "" when not provisional. */
static json_t *provisional_note(const struct db_res *r, int row)
{
	if (!db_int(r, row, 15))
		return json_string("");
	struct cal_basis b = { .provisional = true };
	const char *p = db_text(r, row, 16);
	while (*p && b.nyears < (int)ARRAY_SIZE(b.years)) {
		long v = strtol(p, (char **)&p, 10);
		if (v > 0)
			b.years[b.nyears++] = (int)v;
		if (*p != ',')
			break;
		p++;
	}
	char note[512];
	cal_basis_note(&b, note, sizeof(note));
	return json_string(note);
}

static json_t *deadlines_json(const struct db_res *r)
{
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:s, s:s, s:s,"
						     " s:o, s:b, s:s}",
						     "id", (json_int_t)db_int(r, i, 0), "rule_id", (json_int_t)db_int(r, i, 1),
						     "event_code", db_text(r, i, 2), "rule_name", db_text(r, i, 3),
						     "ends_with", db_text(r, i, 4), "unit_id", (json_int_t)db_int(r, i, 5),
						     "owner_user_id", nullable_int(r, i, 6), "object_type", db_text(r, i, 7),
						     "object_id", db_text(r, i, 8), "started_on", db_text(r, i, 9),
						     "due_on", db_text(r, i, 10),
						     "state", db_cell(r, i, 17) ? "paused" : db_text(r, i, 11),
						     "met_on", nullable_text(r, i, 12), "met_late", (int)db_int(r, i, 13),
						     "created_at", db_text(r, i, 14));
		json_object_set_new(o, "provisional", json_boolean(db_int(r, i, 15) != 0));
		json_object_set_new(o, "provisional_note", provisional_note(r, i));
		json_object_set_new(o, "paused", json_boolean(db_cell(r, i, 17) != NULL));
		json_object_set_new(o, "paused_since", nullable_text(r, i, 17));
		json_object_set_new(o, "pause_reason", nullable_text(r, i, 18));
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *deadline_get(struct db *db, long long id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT " DL_COLS ", r.source, r.days, r.day_kind, r.own_rule, r.extension_days,"
		     " r.extension_times, r.extension_role, r.extension_basis, r.extension_own_rule" DL_FROM " WHERE d.id = ?",
		     DB_INT(id)) < 0) {
		storage_error(db, e, "读取期限失败");
		return NULL;
	}
	if (r->nrows == 0) {
		db_res_free(r);
		err_set(e, ERR_NOTFOUND, "id", "期限 %lld 不存在", id);
		return NULL;
	}
	json_t *arr = deadlines_json(r);
	json_t *o = json_incref(json_array_get(arr, 0));
	json_object_set_new(o, "rule_source", json_string(db_text(r, 0, 19)));
	json_object_set_new(o, "days", json_integer(db_int(r, 0, 20)));
	json_object_set_new(o, "day_kind", json_string(db_text(r, 0, 21)));
	json_object_set_new(o, "own_rule", json_boolean(db_int(r, 0, 22) != 0));
	json_object_set_new(o, "extension_days", json_integer(db_int(r, 0, 23)));
	json_object_set_new(o, "extension_times", json_integer(db_int(r, 0, 24)));
	json_object_set_new(o, "extension_role", json_string(db_text(r, 0, 25)));
	json_object_set_new(o, "extension_basis", json_string(db_text(r, 0, 26)));
	json_object_set_new(o, "extension_own_rule", json_boolean(db_int(r, 0, 27) != 0));
	json_decref(arr);
	db_res_free(r);
	json_t *p = deadline_pauses(db, id, e), *x = p ? deadline_extensions(db, id, e) : NULL;
	if (!p || !x) {
		json_decref(p);
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "pauses", p);
	json_object_set_new(o, "extensions", x);
	return o;
}

json_t *deadline_history(struct db *db, long long id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT at, by_user, old_due, new_due, old_provisional, new_provisional, reason"
		     " FROM deadline_changes WHERE deadline_id = ? ORDER BY id", DB_INT(id)) < 0) {
		storage_error(db, e, "读取期限变更记录失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 0), local);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "at", db_text(r, i, 0),
						     "at_local", local, "by", db_text(r, i, 1), "old_due", db_text(r, i, 2),
						     "new_due", db_text(r, i, 3), "old_provisional", (int)db_int(r, i, 4),
						     "new_provisional", (int)db_int(r, i, 5), "reason", db_text(r, i, 6)));
	}
	db_res_free(r);
	return arr;
}

json_t *deadline_list_user(struct db *db, long long user_id, int limit, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT " DL_COLS DL_FROM " WHERE d.owner_user_id = ? AND d.state <> 'met'" DL_URGENCY,
		     DB_INT(user_id), DB_INT(limit > 0 ? limit : 500)) < 0) {
		storage_error(db, e, "读取期限失败");
		return NULL;
	}
	json_t *arr = deadlines_json(r);
	db_res_free(r);
	return arr;
}

json_t *deadline_list_unit(struct db *db, long long unit_id, const char *state, int limit, struct err *e)
{
	if (state && strcmp(state, "open") != 0 && strcmp(state, "due_soon") != 0 &&
	    strcmp(state, "overdue") != 0 && strcmp(state, "met") != 0 && strcmp(state, "paused") != 0) {
		err_set(e, ERR_INVALID, "state", "未知的期限状态“%.40s”", state);
		return NULL;
	}
	struct db_res *r = NULL;
	int rc = str_eq(state, "paused")
			 ? db_query(db, &r, "SELECT " DL_COLS DL_FROM " WHERE d.unit_id = ? AND d.paused_since IS NOT NULL"
				    DL_URGENCY, DB_INT(unit_id), DB_INT(limit > 0 ? limit : 500))
		 : state ? db_query(db, &r, "SELECT " DL_COLS DL_FROM " WHERE d.unit_id = ? AND d.state = ?"
				    " AND d.paused_since IS NULL" DL_URGENCY,
				  DB_INT(unit_id), DB_TEXT(state), DB_INT(limit > 0 ? limit : 500))
		       : db_query(db, &r, "SELECT " DL_COLS DL_FROM " WHERE d.unit_id = ?" DL_URGENCY,
				  DB_INT(unit_id), DB_INT(limit > 0 ? limit : 500));
	if (rc < 0) {
		storage_error(db, e, "读取期限失败");
		return NULL;
	}
	json_t *arr = deadlines_json(r);
	db_res_free(r);
	return arr;
}

json_t *deadline_stats_monthly(struct db *db, long long unit_id, const char *from_month,
			       const char *to_month, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT d.unit_id, u.name, substr(d.due_on, 1, 7) AS month, COUNT(*),"
		     " SUM(CASE WHEN d.state = 'met' AND d.met_late = 0 THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN d.state = 'met' AND d.met_late <> 0 THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN d.state = 'overdue' THEN 1 ELSE 0 END),"
		     " SUM(CASE WHEN d.state IN ('open', 'due_soon') THEN 1 ELSE 0 END)"
		     " FROM deadlines d JOIN units u ON u.id = d.unit_id"
		     " WHERE (? = 0 OR d.unit_id = ?) AND substr(d.due_on, 1, 7) >= ? AND substr(d.due_on, 1, 7) <= ?"
		     " GROUP BY d.unit_id, u.name, substr(d.due_on, 1, 7) ORDER BY month, d.unit_id",
		     DB_INT(unit_id), DB_INT(unit_id), DB_TEXT(from_month ? from_month : "0000-00"),
		     DB_TEXT(to_month ? to_month : "9999-99")) < 0) {
		storage_error(db, e, "统计期限失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		long long on_time = db_int(r, i, 4), late = db_int(r, i, 5), overdue = db_int(r, i, 6);
		long long denom = on_time + late + overdue;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
						     "unit_id", (json_int_t)db_int(r, i, 0), "unit_name", db_text(r, i, 1),
						     "month", db_text(r, i, 2), "total", (json_int_t)db_int(r, i, 3),
						     "met_on_time", (json_int_t)on_time, "met_late", (json_int_t)late,
						     "overdue_open", (json_int_t)overdue,
						     "overdue_count", (json_int_t)(late + overdue),
						     "open", (json_int_t)db_int(r, i, 7),
						     "on_time_rate", denom ? json_real((double)on_time / (double)denom) : json_null()));
	}
	db_res_free(r);
	return arr;
}
