/*
 * calendar_store.c - the calendar years stored in the database: loading
 * them over the embedded years, importing a holiday file, and the change
 * record (see calendar.h).
 *
 * Invariants: an import is validated completely before anything is
 * written, and written in one transaction together with its
 * calendar_changes and op_log rows and the calendar's state stamp
 * (store/stamp.h, so servers reload); a refused import changes nothing.
 */
#include "core/core.h"
#include "calendar/calendar.h"
#include <jansson.h>
#include "calendar/statutory.h"
#include "store/db.h"
#include "people/audit.h"
#include "store/stamp.h"

static bool year_of_row_bad(int32_t d, int year)
{
	int y;
	cal_civil_from_days(d, &y, NULL, NULL);
	return y != year;
}

int calendar_load(struct db *db, struct calendar **out, struct err *e)
{
	*out = NULL;
	struct cal_set set;
	if (calendar_embedded_set(&set, e) < 0)
		return -1;
	struct db_res *yr = NULL, *dr = NULL;
	int rc = -1;
	if (db_query(db, &yr, "SELECT year, source FROM calendar_years ORDER BY year") < 0 ||
	    db_query(db, &dr, "SELECT year, date, kind FROM calendar_days ORDER BY year, date") < 0) {
		log_error("读取节假日安排失败: %s", db_errmsg(db));
		err_set(e, ERR_INTERNAL, "", "读取数据库中的节假日安排失败");
		goto out;
	}
	int row = 0;
	for (int i = 0; i < yr->nrows; i++) {
		struct cal_year y = { .year = (int)db_int(yr, i, 0) };
		y.source = xstrdup(db_text(yr, i, 1));
		y.hol = xmalloc(sizeof(int32_t) * (size_t)(dr->nrows + 1));
		y.work = xmalloc(sizeof(int32_t) * (size_t)(dr->nrows + 1));
		while (row < dr->nrows && db_int(dr, row, 0) < y.year)
			row++;
		for (; row < dr->nrows && db_int(dr, row, 0) == y.year; row++) {
			int32_t d;
			if (cal_date_parse(db_text(dr, row, 1), &d) < 0 || year_of_row_bad(d, y.year)) {
				err_set(e, ERR_INTERNAL, "", "数据库中的节假日安排有误: “%.40s”不是 %d 年的日期",
					db_text(dr, row, 1), y.year);
				free(y.hol);
				free(y.work);
				free(y.source);
				goto out;
			}
			if (strcmp(db_text(dr, row, 2), "workday") == 0)
				y.work[y.nwork++] = d;
			else
				y.hol[y.nhol++] = d;
		}
		cal_set_put(&set, &y);
		free(y.hol);
		free(y.work);
		free(y.source);
	}
	*out = calendar_build(&set, e);
	rc = *out ? 0 : -1;
out:
	db_res_free(yr);
	db_res_free(dr);
	cal_set_release(&set);
	return rc;
}

int calendar_change_record(struct db *db, const char *by, const char *action,
			   const char *years, const char *source, const char *detail,
			   long long *id)
{
	char now[21];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO calendar_changes(at, by_user, action, years, source, detail)"
		     " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_TEXT(now), DB_TEXT(str_empty(by) ? "system" : by), DB_TEXT(action),
		     DB_TEXT(years), DB_TEXT(source ? source : ""), DB_TEXT(detail ? detail : "")) < 0) {
		log_error("记录日历变更失败: %s", db_errmsg(db));
		return -1;
	}
	if (id)
		*id = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return 0;
}

/* The user named by, if such a user exists, as the acting person of the
 * op_log row; otherwise the system with the name in the detail. */
static void actor_for(struct db *db, const char *by, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->ip, sizeof(a->ip), "cli");
	if (str_empty(by))
		return;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, unit_id, name FROM users WHERE username = ?", DB_TEXT(by)) == 0 &&
	    r->nrows == 1) {
		a->user_id = db_int(r, 0, 0);
		a->unit_id = db_int(r, 0, 1);
		snprintf(a->username, sizeof(a->username), "%s", by);
		snprintf(a->name, sizeof(a->name), "%s", db_text(r, 0, 2));
	}
	db_res_free(r);
}

int calendar_import(struct db *db, const char *text, size_t len, const char *source,
		    const char *by, bool replace, struct calendar_import_result *res,
		    struct err *e)
{
	struct calendar_import_result local;
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	struct cal_set set, emb;
	if (cal_set_parse(text, len, &set, e) < 0)
		return -1;
	if (str_empty(source))
		source = set.source;
	if (str_empty(source)) {
		cal_set_release(&set);
		return err_set(e, ERR_INVALID, "source", "缺少来源通知（国务院办公厅关于部分节假日安排的通知名称）");
	}
	if (calendar_embedded_set(&emb, e) < 0) {
		cal_set_release(&set);
		return -1;
	}
	char now[21];
	time_now_utc(now);
	const char *who = str_empty(by) ? "system" : by;
	struct buf years = BUF_INIT, detail = BUF_INIT;
	buf_init(&years, 0);
	buf_init(&detail, 0);
	int rc = -1;
	bool any_replaced = false;
	if (db_begin(db) < 0) {
		err_set(e, ERR_INTERNAL, "", "数据库繁忙，未能开始导入");
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		const struct cal_year *y = &set.years[i];
		long long stored = db_scalar_int(db, -1, "SELECT COUNT(*) FROM calendar_years WHERE year = ?",
						 (const struct db_val[]){ DB_INT(y->year), DB_END });
		if (stored < 0)
			goto dberr;
		bool exists = stored > 0 || cal_set_find(&emb, y->year);
		if (exists && !replace) {
			err_set(e, ERR_CONFLICT, "file", "第 %d 行: %d 年的节假日安排已存在；如需替换，请明确选择替换已有年份",
				y->line, y->year);
			res->conflict_year = y->year;
			res->conflict_line = y->line;
			goto fail;
		}
		any_replaced |= exists;
		if (db_exec(db, "DELETE FROM calendar_days WHERE year = ?", DB_INT(y->year)) < 0 ||
		    db_exec(db, "DELETE FROM calendar_years WHERE year = ?", DB_INT(y->year)) < 0 ||
		    db_exec(db, "INSERT INTO calendar_years(year, source, loaded_by, loaded_at) VALUES (?, ?, ?, ?)",
			    DB_INT(y->year), DB_TEXT(y->source ? y->source : source), DB_TEXT(who), DB_TEXT(now)) < 0)
			goto dberr;
		char ds[11];
		for (int j = 0; j < y->nhol; j++) {
			cal_date_format(y->hol[j], ds);
			if (db_exec(db, "INSERT INTO calendar_days(date, year, kind) VALUES (?, ?, 'holiday')",
				    DB_TEXT(ds), DB_INT(y->year)) < 0)
				goto dberr;
		}
		for (int j = 0; j < y->nwork; j++) {
			cal_date_format(y->work[j], ds);
			if (db_exec(db, "INSERT INTO calendar_days(date, year, kind) VALUES (?, ?, 'workday')",
				    DB_TEXT(ds), DB_INT(y->year)) < 0)
				goto dberr;
		}
		buf_printf(&years, "%s%d", i ? "," : "", y->year);
		buf_printf(&detail, "%s%s %d 年: 放假 %d 天, 调休上班 %d 天", i ? "; " : "",
			   exists ? "替换" : "新增", y->year, y->nhol, y->nwork);
		res->holidays += y->nhol;
		res->workdays += y->nwork;
	}
	snprintf(res->action, sizeof(res->action), "%s", any_replaced ? "replace" : "add");
	snprintf(res->years, sizeof(res->years), "%s", buf_str(&years));
	if (calendar_change_record(db, who, res->action, buf_str(&years), source, buf_str(&detail),
				   &res->change_id) < 0)
		goto dberr;
	/* every process that caches the calendar reloads it (store/stamp.h) */
	if (state_stamp_bump(db, STAMP_CALENDAR) < 0)
		goto dberr;
	struct actor a;
	actor_for(db, by, &a);
	struct buf ad = BUF_INIT;
	buf_init(&ad, 0);
	buf_printf(&ad, "%s(操作人 %s; 来源 %s)", buf_str(&detail), who, source);
	int ar = audit_log(db, &a, any_replaced ? "calendar.replace" : "calendar.import", "calendar",
			   buf_str(&years), "ok", buf_str(&ad));
	buf_release(&ad);
	if (ar < 0)
		goto dberr;
	if (db_commit(db) < 0)
		goto dberr;
	rc = 0;
	goto out;
dberr:
	log_error("导入节假日安排失败: %s", db_errmsg(db));
	err_set(e, ERR_INTERNAL, "", "写入数据库失败，导入未完成，未作任何改动");
fail:
	db_rollback(db);
out:
	buf_release(&years);
	buf_release(&detail);
	cal_set_release(&set);
	cal_set_release(&emb);
	return rc;
}

/* The official days off and adjusted working weekends of one year as the
 * stored (imported) or embedded data lists them: marks[i] for day i of the
 * year is 'h' (holiday), 'w' (working weekend) or 0. */
void calendar_year_marks(struct db *db, int year, char marks[367])
{
	memset(marks, 0, 367);
	int32_t jan1 = cal_days_from_civil(year, 1, 1);
	struct db_res *res = NULL;
	long long stored = db_scalar_int(db, 0, "SELECT COUNT(*) FROM calendar_years WHERE year = ?",
					 (const struct db_val[]){ DB_INT(year), DB_END });
	if (stored > 0) {
		if (db_query(db, &res, "SELECT date, kind FROM calendar_days WHERE year = ?", DB_INT(year)) == 0) {
			for (int i = 0; i < res->nrows; i++) {
				int32_t d;
				if (cal_date_parse(db_text(res, i, 0), &d) == 0 && d - jan1 >= 0 && d - jan1 < 366)
					marks[d - jan1] = str_eq(db_text(res, i, 1), "workday") ? 'w' : 'h';
			}
		}
		db_res_free(res);
		return;
	}
	struct cal_set set;
	struct err e = ERR_INIT;
	if (calendar_embedded_set(&set, &e) < 0)
		return;
	const struct cal_year *y = cal_set_find(&set, year);
	struct cal_year st;
	if (!y && statutory_year(year, &st, &e) == 0) {
		cal_set_put(&set, &st); /* a provisional year: its statutory holidays */
		free(st.hol);
		free(st.work);
		free(st.source);
		y = cal_set_find(&set, year);
	}
	if (y) {
		for (int i = 0; i < y->nhol; i++)
			if (y->hol[i] - jan1 >= 0 && y->hol[i] - jan1 < 366)
				marks[y->hol[i] - jan1] = 'h';
		for (int i = 0; i < y->nwork; i++)
			if (y->work[i] - jan1 >= 0 && y->work[i] - jan1 < 366)
				marks[y->work[i] - jan1] = 'w';
	}
	cal_set_release(&set);
}

json_t *calendar_changes_list(struct db *db, int limit)
{
	struct db_res *res = NULL;
	json_t *arr = json_array();
	if (db_query(db, &res, "SELECT id, at, by_user, action, years, source, detail FROM calendar_changes"
		     " ORDER BY id DESC LIMIT ?", DB_INT(limit)) < 0) {
		log_error("读取日历变更记录失败: %s", db_errmsg(db));
		return arr;
	}
	for (int i = 0; i < res->nrows; i++) {
		char local[20];
		time_utc_to_shanghai(db_text(res, i, 1), local);
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_int(res, i, 0),
						     "at", db_text(res, i, 1), "at_local", local, "by", db_text(res, i, 2),
						     "action", db_text(res, i, 3), "years", db_text(res, i, 4),
						     "source", db_text(res, i, 5), "detail", db_text(res, i, 6)));
	}
	db_res_free(res);
	return arr;
}
