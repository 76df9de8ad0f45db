/*
 * deadline_demo.c - the demonstration deadlines (see deadline_demo.h).
 *
 * Invariants: every clock goes through deadline_start / deadline_meet (so
 * due dates are computed on the real calendar, never invented); the set
 * is deterministic for a given day; all clocks are written in one
 * transaction, rolled back on any error other than a missing calendar
 * year.
 */
#include "core/core.h"
#include "calendar/deadline_demo.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"

struct demo_officer {
	const char *username;
	const char *prefix;   /* abbreviation of the unit in document numbers */
};

static const struct demo_officer officers[] = {
	{ "jn.zhang", "节" }, { "jn.liu", "节" }, { "aq.ma", "安" }, { "aq.zhu", "安" }, { "wx.li", "无" },
	{ "wx.zhao", "无" },  { "gf.wu", "国" },  { "hx.lin", "化" }, { "hx.song", "化" },
};

static const char *day_str(int32_t d, char out[11])
{
	cal_date_format(d, out);
	return out;
}

/* Start one clock; 1 when started (provisionally when it reaches a year
 * whose notice is not loaded), 0 when skipped because even a provisional
 * count is impossible, -1 on any other failure. */
static int start(struct db *db, const struct calendar *cal, const char *event, long long unit, long long user,
		 const char *otype, const char *oid, int32_t day, long long *id, struct err *e)
{
	char ds[11];
	struct err se = ERR_INIT;
	if (deadline_start_cal(db, cal, event, unit, user, otype, oid, day_str(day, ds), id, &se) == 0)
		return 1;
	if (se.kind == ERR_CONFLICT) {
		log_warn("演示期限 %s 未创建: %s", oid, se.msg);
		return 0;
	}
	*e = se;
	return -1;
}

/* Meet a clock on day, moved forward to a working day (people do not
 * publish on Sundays) but never past today. */
static int meet(struct db *db, const struct calendar *cal, long long id, int32_t day, int32_t today, struct err *e)
{
	char ds[11];
	struct err we = ERR_INIT;
	while (day < today && calendar_is_workday_ex(cal, day, 0, NULL, &we) == 0)
		day++;
	return deadline_meet(db, id, day_str(day, ds), e);
}

/* The due day of a clock just started. */
static int32_t due_of(struct db *db, long long id)
{
	struct db_res *r = NULL;
	int32_t d = 0;
	if (db_query(db, &r, "SELECT due_on FROM deadlines WHERE id = ?", DB_INT(id)) == 0 && r->nrows)
		cal_date_parse(db_text(r, 0, 0), &d);
	db_res_free(r);
	return d;
}

/* A start day from which a period of n working days ends one or two
 * working days after today; 0 if none found. */
static int32_t start_due_soon(const struct calendar *cal, int32_t today, int n, int want_left)
{
	for (int32_t s = today; s > today - 60; s--) {
		int32_t due;
		int left;
		struct err e = ERR_INIT;
		if (calendar_due_ex(cal, s, n, false, 0, &due, NULL, &e) < 0 || due < today)
			continue;
		if (calendar_workdays_between_ex(cal, today, due, 0, &left, NULL, &e) == 0 && left == want_left)
			return s;
	}
	return 0;
}

static int seed(struct db *db, const struct calendar *cal, int32_t today, struct err *e)
{
	int y;
	cal_civil_from_days(today, &y, NULL, NULL);
	for (size_t k = 0; k < ARRAY_SIZE(officers); k++) {
		const struct demo_officer *o = &officers[k];
		struct db_res *r = NULL;
		if (db_query(db, &r, "SELECT id, unit_id FROM users WHERE username = ?", DB_TEXT(o->username)) < 0) {
			return err_set(e, ERR_INTERNAL, "", "读取演示人员失败");
		}
		if (r->nrows == 0) {
			db_res_free(r);
			return err_set(e, ERR_CONFLICT, "", "缺少演示人员 %s，请先装入演示处室和人员", o->username);
		}
		long long user = db_int(r, 0, 0), unit = db_int(r, 0, 1);
		db_res_free(r);
		int ki = (int)k;
		long long id;
		char oid[96];
		int rc;

		/* 1. a licence/penalty decision published on time, about ten weeks ago */
		snprintf(oid, sizeof oid, "云工信%s罚〔%d〕%d号", o->prefix, y, 10 + ki);
		int32_t s = today - 75 + 4 * ki;
		if ((rc = start(db, cal, "decision_licence_penalty", unit, user, "decision", oid, s, &id, e)) < 0)
			return -1;
		if (rc && meet(db, cal, id, s + 3, today, e) < 0)
			return -1;

		/* 2. another decision published late (one in three officers) or on time */
		snprintf(oid, sizeof oid, "云工信%s决〔%d〕%d号", o->prefix, y, 30 + ki);
		s = today - 62 + 3 * ki;
		if ((rc = start(db, cal, "decision_other", unit, user, "decision", oid, s, &id, e)) < 0)
			return -1;
		if (rc) {
			int32_t due = due_of(db, id);
			int32_t on = k % 3 == 0 ? due + 2 + ki % 4 : due - 3;
			if (on > today)
				on = today;
			if (on < s)
				on = s + 1;
			if (meet(db, cal, id, on, today, e) < 0)
				return -1;
		}

		/* 3. a case file archived on time last month */
		snprintf(oid, sizeof oid, "%s案〔%d〕%03d", o->prefix, y, 100 + ki);
		s = today - 45 + ki;
		if ((rc = start(db, cal, "case_closed", unit, user, "case", oid, s, &id, e)) < 0)
			return -1;
		if (rc && meet(db, cal, id, s + 12, today, e) < 0)
			return -1;

		/* 4. a legal review overdue for two officers in three */
		if (k % 3 != 2) {
			snprintf(oid, sizeof oid, "审〔%d〕%s%d号", y, o->prefix, 50 + ki);
			if (start(db, cal, "review_submitted", unit, user, "review", oid, today - 24 - ki, &id, e) < 0)
				return -1;
		}

		/* 5. a publication due within one or two working days (every other officer) */
		if (k % 2 == 0) {
			int32_t sd = start_due_soon(cal, today, 7, 1 + (ki / 2) % 2);
			snprintf(oid, sizeof oid, "云工信%s罚〔%d〕%d号", o->prefix, y, 60 + ki);
			if (sd && start(db, cal, "decision_licence_penalty", unit, user, "decision", oid, sd, &id, e) < 0)
				return -1;
		}

		/* 7. a penalty case whose 90-day clock is paused for a hearing
		 * (节能) and a seizure extended with the leader's approval (无线电) */
		if (k == 0) {
			snprintf(oid, sizeof oid, "%s案〔%d〕%03d", o->prefix, y, 300);
			if ((rc = start(db, cal, "case_penalty_decision", unit, user, "case", oid, today - 40, &id, e)) < 0)
				return -1;
			char ds[11];
			if (rc && deadline_suspend(db, cal, id, day_str(today - 10, ds), "听证",
						   "《中华人民共和国行政处罚法》第六十条（听证期间不计入办案期限，本厅规定）", e) < 0)
				return -1;
		}
		if (str_eq(o->username, "wx.li")) {
			snprintf(oid, sizeof oid, "%s案〔%d〕%03d", o->prefix, y, 301);
			if ((rc = start(db, cal, "coercion_seizure", unit, user, "case", oid, today - 25, &id, e)) < 0)
				return -1;
			if (rc && deadline_extend(db, cal, id, 30, "王立新", "延长查封、扣押期限审批表（情况复杂，需对设备进行技术鉴定）", e) < 0)
				return -1;
		}

		/* 6. an archive deadline still running */
		snprintf(oid, sizeof oid, "%s案〔%d〕%03d", o->prefix, y, 200 + ki);
		if (start(db, cal, "case_closed", unit, user, "case", oid, today - 2 - ki % 3, &id, e) < 0)
			return -1;
	}
	return 0;
}

int calendar_demo_deadlines(struct db *db, struct err *e)
{
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, e) < 0)
		return -1;
	char today_s[11];
	time_today_shanghai(today_s);
	int32_t today;
	if (cal_date_parse(today_s, &today) < 0) {
		calendar_unref(cal);
		return err_set(e, ERR_INTERNAL, "", "无法取得今天的日期");
	}
	if (db_begin(db) < 0) {
		calendar_unref(cal);
		return err_set(e, ERR_INTERNAL, "", "数据库繁忙，未能装入演示期限");
	}
	if (seed(db, cal, today, e) < 0 || db_commit(db) < 0) {
		if (!e || !e->kind)
			err_set(e, ERR_INTERNAL, "", "写入演示期限失败");
		db_rollback(db);
		calendar_unref(cal);
		return -1;
	}
	int changed = 0;
	int rc = deadline_refresh(db, cal, today_s, 0, &changed);
	calendar_unref(cal);
	if (rc < 0)
		return err_set(e, ERR_INTERNAL, "", "更新演示期限状态失败");
	return 0;
}
