/*
 * deadline_pause.c - periods not counted (suspend / resume), extensions,
 * and the clocks of one object (see deadline.h).
 *
 * How a pause counts (the one definition, used by resume, by meet on a
 * paused clock and by deadline_recompute_all):
 *   the clock is suspended on day F and resumed on day T (T >= F); the days
 *   not counted are [F, T) - the suspend day is NOT counted, the resume day
 *   IS counted again.  Days on or before started_on are not counted by any
 *   clock (the start day is never counted), so a pause from the start day
 *   itself loses nothing by that day.  A calendar-day rule gains the
 *   calendar days of [F, T); a working-day rule the working days of [F, T)
 *   (a pause over the Spring Festival gains no day for the holiday itself).
 *   E.g. 90 calendar days from 2026-01-05, paused 2026-02-02 .. 2026-02-16:
 *   14 days not counted, due on 2026-04-05 + 14 = 2026-04-19 (a Sunday, so
 *   the next working day 2026-04-20).
 * due_on is recomputed from started_on each time: rule days + the days of
 * every closed pause + every extension, counted as the rule counts.
 *
 * Invariants: at most one open pause per clock (deadlines.paused_since is
 * its from_date); a met clock has none; every change of due_on appends a
 * deadline_changes row.  None of these functions opens a transaction.
 */
#include "core/core.h"
#include "calendar/deadline.h"
#include "calendar/deadline_int.h"
#include "store/db.h"

static int storage_error(struct db *db, struct err *e, const char *what)
{
	log_error("%s: %s", what, db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "%s，请稍后再试", what);
}

static const char *kind_word(bool calendar_days)
{
	return calendar_days ? "自然日" : "工作日";
}

/* The days of [from, to) after started_on, as the rule counts. */
static int pause_days(const struct calendar *cal, const char *started_on, const char *from, const char *to,
		      bool calendar_days, int *n, struct cal_basis *b, struct err *e)
{
	int32_t s, f, t;
	*n = 0;
	if (cal_date_parse(started_on, &s) < 0 || cal_date_parse(from, &f) < 0 || cal_date_parse(to, &t) < 0)
		return err_set(e, ERR_INTERNAL, "", "期限中止记录的日期不正确");
	if (f <= s)
		f = s + 1;
	if (t <= f)
		return 0;
	if (calendar_days) {
		*n = t - f;
		return 0;
	}
	/* working days in [f, t) = in (f - 1, t - 1] */
	return calendar_workdays_between_ex(cal, f - 1, t - 1, 0, n, b, e);
}

int deadline_extra_days(struct db *db, const struct calendar *cal, long long id, const char *started_on,
			bool calendar_days, int *extra, struct cal_basis *b, struct err *e)
{
	*extra = 0;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, from_date, to_date, days FROM deadline_pauses WHERE deadline_id = ?"
		     " AND to_date IS NOT NULL ORDER BY id", DB_INT(id)) < 0)
		return storage_error(db, e, "读取期限中止记录失败");
	for (int i = 0; i < r->nrows; i++) {
		int n;
		struct cal_basis pb = { 0 };
		if (pause_days(cal, started_on, db_text(r, i, 1), db_text(r, i, 2), calendar_days, &n, &pb, e) < 0) {
			db_res_free(r);
			return -1;
		}
		if (b) {
			char years[32];
			deadline_basis_merge(b, &pb, years);
		}
		if (!db_cell(r, i, 3) || db_int(r, i, 3) != n) {
			if (db_exec(db, "UPDATE deadline_pauses SET days = ? WHERE id = ?", DB_INT(n),
				    DB_INT(db_int(r, i, 0))) < 0) {
				db_res_free(r);
				return storage_error(db, e, "保存期限中止记录失败");
			}
		}
		*extra += n;
	}
	db_res_free(r);
	long long ext = db_scalar_int(db, -1, "SELECT COALESCE(SUM(days), 0) FROM deadline_extensions WHERE deadline_id = ?",
				      (const struct db_val[]){ DB_INT(id), DB_END });
	if (ext < 0)
		return storage_error(db, e, "读取期限延长记录失败");
	*extra += (int)ext;
	return 0;
}

/* One clock with its rule, for the functions below. */
struct clock {
	long long id;
	char started_on[11], due_on[11], state[16], paused_since[11], event_code[64], rule_name[128];
	bool paused, provisional, calendar_days;
	int days, extension_days, extension_times;
	char extension_role[32];
};

static int clock_load(struct db *db, long long id, struct clock *c, struct err *e)
{
	struct db_res *r = NULL;
	memset(c, 0, sizeof(*c));
	if (db_query(db, &r, "SELECT d.id, d.started_on, d.due_on, d.state, d.paused_since, d.provisional, r.event_code,"
		     " r.name, r.days, r.day_kind, r.extension_days, r.extension_times, r.extension_role"
		     " FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id WHERE d.id = ?", DB_INT(id)) < 0)
		return storage_error(db, e, "读取期限失败");
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "期限 %lld 不存在", id);
	}
	c->id = id;
	snprintf(c->started_on, sizeof(c->started_on), "%s", db_text(r, 0, 1));
	snprintf(c->due_on, sizeof(c->due_on), "%s", db_text(r, 0, 2));
	snprintf(c->state, sizeof(c->state), "%s", db_text(r, 0, 3));
	c->paused = db_cell(r, 0, 4) != NULL;
	snprintf(c->paused_since, sizeof(c->paused_since), "%s", c->paused ? db_text(r, 0, 4) : "");
	c->provisional = db_int(r, 0, 5) != 0;
	snprintf(c->event_code, sizeof(c->event_code), "%s", db_text(r, 0, 6));
	snprintf(c->rule_name, sizeof(c->rule_name), "%s", db_text(r, 0, 7));
	c->days = (int)db_int(r, 0, 8);
	c->calendar_days = str_eq(db_text(r, 0, 9), "calendar");
	c->extension_days = (int)db_int(r, 0, 10);
	c->extension_times = (int)db_int(r, 0, 11);
	snprintf(c->extension_role, sizeof(c->extension_role), "%s", db_text(r, 0, 12));
	db_res_free(r);
	return 0;
}

/* Recompute due_on of clock c from scratch, store it, and append the
 * history row (why: the reason's beginning; the old and new dates follow). */
static int clock_redue(struct db *db, const struct calendar *cal, const struct clock *c, const char *by,
		       const char *why, char new_due[11], struct err *e)
{
	int extra;
	struct cal_basis b, pb = { 0 };
	char years[32];
	if (deadline_extra_days(db, cal, c->id, c->started_on, c->calendar_days, &extra, &pb, e) < 0 ||
	    deadline_compute_due(cal, c->started_on, c->days + extra, c->calendar_days, new_due, &b, years, e) < 0)
		return -1;
	deadline_basis_merge(&b, &pb, years);
	if (str_eq(new_due, c->due_on) && b.provisional == c->provisional)
		return 0; /* nothing moved (e.g. a pause within one day): no history row */
	char now[21];
	time_now_utc(now);
	char reason[900];
	if (str_eq(new_due, c->due_on))
		snprintf(reason, sizeof reason, "%s，到期日仍为 %s%s", why, new_due, b.provisional ? "（暂定）" : "");
	else
		snprintf(reason, sizeof reason, "%s，到期日由 %s 改为 %s%s", why, c->due_on, new_due,
			 b.provisional ? "（暂定）" : "");
	if (db_exec(db, "INSERT INTO deadline_changes(deadline_id, at, by_user, old_due, new_due, old_provisional,"
		    " new_provisional, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_INT(c->id), DB_TEXT(now), DB_TEXT(str_empty(by) ? "system" : by), DB_TEXT(c->due_on),
		    DB_TEXT(new_due), DB_INT(c->provisional), DB_INT(b.provisional), DB_TEXT(reason)) < 0 ||
	    db_exec(db, "UPDATE deadlines SET due_on = ?, provisional = ?, provisional_years = ? WHERE id = ?",
		    DB_TEXT(new_due), DB_INT(b.provisional), DB_TEXT(years), DB_INT(c->id)) < 0)
		return storage_error(db, e, "保存期限失败");
	return 0;
}

int deadline_suspend(struct db *db, const struct calendar *cal, long long id, const char *date,
		     const char *reason, const char *basis, struct err *e)
{
	(void)cal;
	int32_t d;
	if (cal_date_parse(date, &d) < 0)
		return err_set(e, ERR_INVALID, "date", "中止日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", date ? date : "");
	if (str_empty(reason))
		return err_set(e, ERR_INVALID, "reason", "请说明中止计算期限的事由（如听证、检测、公告）");
	if (str_empty(basis))
		return err_set(e, ERR_INVALID, "basis", "请填写中止计算期限的依据");
	if (strlen(reason) > 300 || strlen(basis) > 600)
		return err_set(e, ERR_INVALID, strlen(reason) > 300 ? "reason" : "basis", "中止事由或依据过长");
	struct clock c;
	if (clock_load(db, id, &c, e) < 0)
		return -1;
	if (str_eq(c.state, "met"))
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”已经完成，不能中止", c.rule_name);
	if (c.paused)
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”自 %s 起已中止，须先恢复计算", c.rule_name, c.paused_since);
	if (strcmp(date, c.started_on) < 0)
		return err_set(e, ERR_INVALID, "date", "中止日期 %s 早于期限起算日 %s", date, c.started_on);
	if (strcmp(date, c.due_on) > 0)
		return err_set(e, ERR_INVALID, "date", "期限“%s”已于 %s 届满，%s 不能再中止计算", c.rule_name, c.due_on, date);
	char now[21];
	time_now_utc(now);
	struct db_res *r = NULL;
	/* the paused_since test makes a concurrent second suspend fail; the
	 * stored state goes back to open (a paused clock is not overdue, and the
	 * monthly statistics must not count it so); the next refresh after the
	 * resume sets it from the new due date */
	if (db_query(db, &r, "UPDATE deadlines SET paused_since = ?, state = 'open' WHERE id = ? AND paused_since IS NULL"
		     " AND state <> 'met'"
		     " RETURNING id", DB_TEXT(date), DB_INT(id)) < 0)
		return storage_error(db, e, "保存期限失败");
	int n = r->nrows;
	db_res_free(r);
	if (n == 0)
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”已被中止或已完成", c.rule_name);
	if (db_exec(db, "INSERT INTO deadline_pauses(deadline_id, from_date, reason, basis, created_at)"
		    " VALUES (?, ?, ?, ?, ?)", DB_INT(id), DB_TEXT(date), DB_TEXT(reason), DB_TEXT(basis), DB_TEXT(now)) < 0)
		return storage_error(db, e, "保存期限中止记录失败");
	return 0;
}

int deadline_resume_in(struct db *db, const struct calendar *cal, long long id, const char *date, struct err *e)
{
	int32_t d;
	if (cal_date_parse(date, &d) < 0)
		return err_set(e, ERR_INVALID, "date", "恢复日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", date ? date : "");
	struct clock c;
	if (clock_load(db, id, &c, e) < 0)
		return -1;
	if (!c.paused)
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”没有中止，无需恢复", c.rule_name);
	if (strcmp(date, c.paused_since) < 0)
		return err_set(e, ERR_INVALID, "date", "恢复日期 %s 早于中止日期 %s", date, c.paused_since);
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, reason FROM deadline_pauses WHERE deadline_id = ? AND to_date IS NULL"
		     " ORDER BY id DESC LIMIT 1", DB_INT(id)) < 0)
		return storage_error(db, e, "读取期限中止记录失败");
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_INTERNAL, "", "期限 %lld 的中止记录缺失", id);
	}
	long long pid = db_int(r, 0, 0);
	char reason[320];
	snprintf(reason, sizeof reason, "%s", db_text(r, 0, 1));
	db_res_free(r);
	int n;
	if (pause_days(cal, c.started_on, c.paused_since, date, c.calendar_days, &n, NULL, e) < 0)
		return -1;
	char now[21];
	time_now_utc(now);
	if (db_exec(db, "UPDATE deadline_pauses SET to_date = ?, days = ?, resumed_at = ? WHERE id = ?", DB_TEXT(date),
		    DB_INT(n), DB_TEXT(now), DB_INT(pid)) < 0 ||
	    db_exec(db, "UPDATE deadlines SET paused_since = NULL WHERE id = ?", DB_INT(id)) < 0)
		return storage_error(db, e, "保存期限失败");
	char why[600], due[11];
	snprintf(why, sizeof why, "%s期间（%s 起，%s 恢复计算）不计入期限，不计 %d 个%s", reason, c.paused_since, date, n,
		 kind_word(c.calendar_days));
	return clock_redue(db, cal, &c, "", why, due, e);
}

int deadline_resume(struct db *db, const struct calendar *cal, long long id, const char *date, struct err *e)
{
	return deadline_resume_in(db, cal, id, date, e);
}

int deadline_extend(struct db *db, const struct calendar *cal, long long id, int days, const char *by,
		    const char *basis, struct err *e)
{
	struct clock c;
	if (clock_load(db, id, &c, e) < 0)
		return -1;
	if (c.extension_days <= 0)
		return err_set(e, ERR_CONFLICT, "id", "“%s”期限规则没有延长的规定，不能延长", c.rule_name);
	if (str_eq(c.state, "met"))
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”已经完成，不能延长", c.rule_name);
	if (days < 1 || days > c.extension_days)
		return err_set(e, ERR_INVALID, "days", "延长天数必须在 1 至 %d 个%s之间", c.extension_days,
			       kind_word(c.calendar_days));
	if (str_empty(by))
		return err_set(e, ERR_INVALID, "by", "请指明批准延长的人");
	if (str_empty(basis))
		return err_set(e, ERR_INVALID, "basis", "请填写延长期限的依据（如批准文件）");
	if (strlen(basis) > 600)
		return err_set(e, ERR_INVALID, "basis", "延长依据过长");
	int times = c.extension_times > 0 ? c.extension_times : 1;
	long long had = db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_extensions WHERE deadline_id = ?",
				      (const struct db_val[]){ DB_INT(id), DB_END });
	if (had < 0)
		return storage_error(db, e, "读取期限延长记录失败");
	if (had >= times)
		return err_set(e, ERR_CONFLICT, "id", "期限“%s”已延长过%s，规则只允许延长 %d 次", c.rule_name,
			       had == 1 ? "一次" : "多次", times);
	/* the new due date first: the extension row is append-only */
	int extra;
	struct cal_basis nb, pb = { 0 };
	char years[32], new_due[11];
	if (deadline_extra_days(db, cal, id, c.started_on, c.calendar_days, &extra, &pb, e) < 0 ||
	    deadline_compute_due(cal, c.started_on, c.days + extra + days, c.calendar_days, new_due, &nb, years, e) < 0)
		return -1;
	char now[21];
	time_now_utc(now);
	if (db_exec(db, "INSERT INTO deadline_extensions(deadline_id, days, by_user, basis, old_due, new_due, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)", DB_INT(id), DB_INT(days), DB_TEXT(by), DB_TEXT(basis),
		    DB_TEXT(c.due_on), DB_TEXT(new_due), DB_TEXT(now)) < 0)
		return storage_error(db, e, "保存期限延长记录失败");
	char why[900], due[11];
	snprintf(why, sizeof why, "经 %s 批准延长 %d 个%s（依据：%s）", by, days, kind_word(c.calendar_days), basis);
	return clock_redue(db, cal, &c, by, why, due, e);
}

/* ---- reading ---- */

json_t *deadline_pauses(struct db *db, long long id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT from_date, to_date, reason, basis, days FROM deadline_pauses WHERE deadline_id = ?"
		     " ORDER BY id", DB_INT(id)) < 0) {
		storage_error(db, e, "读取期限中止记录失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s, s:s, s:o}", "from", db_text(r, i, 0), "to",
						     db_cell(r, i, 1) ? json_string(db_text(r, i, 1)) : json_null(),
						     "reason", db_text(r, i, 2), "basis", db_text(r, i, 3), "days",
						     db_cell(r, i, 4) ? json_integer(db_int(r, i, 4)) : json_null()));
	db_res_free(r);
	return arr;
}

json_t *deadline_extensions(struct db *db, long long id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT days, by_user, basis, created_at, old_due, new_due FROM deadline_extensions"
		     " WHERE deadline_id = ? ORDER BY id", DB_INT(id)) < 0) {
		storage_error(db, e, "读取期限延长记录失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 3), local);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "days",
						     (json_int_t)db_int(r, i, 0), "by", db_text(r, i, 1), "basis",
						     db_text(r, i, 2), "at", db_text(r, i, 3), "at_local", local,
						     "old_due", db_text(r, i, 4), "new_due", db_text(r, i, 5)));
	}
	db_res_free(r);
	return arr;
}

/* "已中止：听证（2026-03-02 起）；已延长 30 个自然日（zhang 批准）" */
static json_t *clock_note(const json_t *o, const json_t *pauses, const json_t *exts)
{
	struct buf b = BUF_INIT;
	bool cal = str_eq(json_string_value(json_object_get(o, "day_kind")), "calendar");
	size_t i;
	json_t *p;
	int closed = 0, lost = 0;
	json_array_foreach(pauses, i, p) {
		if (json_is_null(json_object_get(p, "to"))) {
			buf_printf(&b, "%s已中止：%s（%s 起）", b.len ? "；" : "", json_string_value(json_object_get(p, "reason")),
				   json_string_value(json_object_get(p, "from")));
		} else {
			closed++;
			lost += (int)json_integer_value(json_object_get(p, "days"));
		}
	}
	if (closed)
		buf_printf(&b, "%s曾中止 %d 次，共不计 %d 个%s", b.len ? "；" : "", closed, lost, kind_word(cal));
	json_array_foreach(exts, i, p)
		buf_printf(&b, "%s已延长 %lld 个%s（%s 批准）", b.len ? "；" : "",
			   (long long)json_integer_value(json_object_get(p, "days")), kind_word(cal),
			   json_string_value(json_object_get(p, "by")));
	json_t *s = json_string(buf_str(&b));
	buf_release(&b);
	return s;
}

json_t *deadline_for_object(struct db *db, const char *object_type, const char *object_id, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id FROM deadlines WHERE object_type = ? AND object_id = ? ORDER BY id",
		     DB_TEXT(object_type ? object_type : ""), DB_TEXT(object_id ? object_id : "")) < 0) {
		storage_error(db, e, "读取期限失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = deadline_get(db, db_int(r, i, 0), e);
		if (!o) {
			json_decref(arr);
			db_res_free(r);
			return NULL;
		}
		json_object_set_new(o, "note", clock_note(o, json_object_get(o, "pauses"), json_object_get(o, "extensions")));
		json_array_append_new(arr, o);
	}
	db_res_free(r);
	return arr;
}

int deadline_meet_event(struct db *db, const char *object_type, const char *object_id, const char *ends_with,
			const char *date, int *met, struct err *e)
{
	if (met)
		*met = 0;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT d.id FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
		     " WHERE d.object_type = ? AND d.object_id = ? AND r.ends_with = ? AND d.state <> 'met' ORDER BY d.id",
		     DB_TEXT(object_type ? object_type : ""), DB_TEXT(object_id ? object_id : ""),
		     DB_TEXT(ends_with ? ends_with : "")) < 0)
		return storage_error(db, e, "读取期限失败");
	int n = 0;
	for (int i = 0; i < r->nrows; i++) {
		if (deadline_meet(db, db_int(r, i, 0), date, e) < 0) {
			db_res_free(r);
			return -1;
		}
		n++;
	}
	db_res_free(r);
	if (met)
		*met = n;
	return 0;
}
