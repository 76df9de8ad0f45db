/*
 * test_deadline.c - deadline rules and clocks: start (each default rule),
 * rule versions by effective date, meet, refresh of states, recompute
 * after a calendar change, listings and monthly statistics.  Runs on a
 * temporary SQLite file, or on PostgreSQL in a fresh schema when
 * ZHIFA_TEST_DB is set.
 */
#include "core/core.h"
#include "calendar/deadline.h"
#include "store/db.h"
#include "tap.h"
#include "testdb.h"
#include <unistd.h>

/* A fresh, migrated database (tests/testdb.h: SQLite, or PostgreSQL with
 * ZHIFA_TEST_DB), removed at exit. */
static struct db *test_db_open(void)
{
	struct db *db = testdb_open();
	struct buf err;
	buf_init(&err, 0);
	if (db_migrate(db, &err) < 0)
		BUG("migrate: %s", buf_str(&err));
	buf_release(&err);
	return db;
}

static void test_db_close(struct db *db)
{
	db_close(db);
}

static long long insert_id(struct db *db, const char *sql, const struct db_val *params)
{
	struct db_res *r = NULL;
	if (db_query_a(db, sql, params, &r) < 0 || r->nrows != 1)
		BUG("insert failed: %s", db_errmsg(db));
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static const char *due_of(struct db *db, long long id, char out[11])
{
	struct db_res *r = NULL;
	out[0] = '\0';
	if (db_query(db, &r, "SELECT due_on FROM deadlines WHERE id = ?", DB_INT(id)) == 0 && r->nrows == 1)
		snprintf(out, 11, "%s", db_text(r, 0, 0));
	db_res_free(r);
	return out;
}

static const char *state_of(struct db *db, long long id, char out[16])
{
	struct db_res *r = NULL;
	out[0] = '\0';
	if (db_query(db, &r, "SELECT state FROM deadlines WHERE id = ?", DB_INT(id)) == 0 && r->nrows == 1)
		snprintf(out, 16, "%s", db_text(r, 0, 0));
	db_res_free(r);
	return out;
}

int main(void)
{
	struct db *db = test_db_open();
	struct err e = ERR_INIT;
	char now[21], buf[16];
	time_now_utc(now);
	long long ua = insert_id(db, "INSERT INTO units(code, name, created_at) VALUES ('zfc', '节能与综合利用处', ?) RETURNING id",
				 (const struct db_val[]){ DB_TEXT(now), DB_END });
	long long ub = insert_id(db, "INSERT INTO units(code, name, created_at) VALUES ('aqc', '安全生产处', ?) RETURNING id",
				 (const struct db_val[]){ DB_TEXT(now), DB_END });
	long long u1 = insert_id(db, "INSERT INTO users(unit_id, username, name, created_at) VALUES (?, 'zhangming', '张明', ?)"
				 " RETURNING id", (const struct db_val[]){ DB_INT(ua), DB_TEXT(now), DB_END });

	/* ---- rules ---- */
	struct deadline_rule rule;
	ok(deadline_rule_for(db, "decision_licence_penalty", "2026-05-06", &rule, &e) == 0, "default rule found");
	ok(rule.days == 7 && !rule.calendar_days && strcmp(rule.ends_with, "published") == 0, "7 working days, ends when published");
	ok(deadline_rule_for(db, "case_filed", "2026-05-06", &rule, &e) == 0 && rule.days == 90 && rule.calendar_days,
	   "case_filed: 90 calendar days");
	ok(deadline_rule_for(db, "no_such_event", "2026-05-06", &rule, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "unknown event: %s", e.msg);
	ok(deadline_rule_for(db, "case_filed", "2017-05-06", &rule, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "no rule in force before the defaults");
	json_t *rules = deadline_rules_list(db, &e);
	ok(rules && json_array_size(rules) == 15, "the five first default rules, the nine case clock rules and the withdrawal rule of 033 listed");
	json_decref(rules);

	/* ---- start each default rule ---- */
	long long d_pub, d_other, d_rev, d_arch, d_case;
	ok(deadline_start(db, "decision_licence_penalty", ua, u1, "decision", "XK-2019-1", "2019-01-31", &d_pub, &e) == 0,
	   "start licence/penalty publicity (%s)", e.msg);
	is_str(due_of(db, d_pub, buf), "2019-02-14", "7 working days over Spring Festival 2019");
	ok(deadline_start(db, "decision_other", ua, u1, "decision", "QT-2026-3", "2026-02-12", &d_other, &e) == 0,
	   "start other publicity");
	is_str(due_of(db, d_other, buf), "2026-03-18", "20 working days over Spring Festival 2026");
	ok(deadline_start(db, "review_submitted", ua, u1, "review", "SH-2026-9", "2026-09-30", &d_rev, &e) == 0,
	   "start legal review");
	is_str(due_of(db, d_rev, buf), "2026-10-20", "10 working days over National Day 2026");
	ok(deadline_start(db, "case_closed", ua, 0, "case", "AJ-2026-7", "2026-09-30", &d_arch, &e) == 0,
	   "start archiving without an owner");
	is_str(due_of(db, d_arch, buf), "2026-11-03", "20 working days (examples file)");
	ok(deadline_start(db, "case_filed", ub, 0, "case", "AJ-2026-8", "2026-07-06", &d_case, &e) == 0,
	   "start penalty decision clock");
	is_str(due_of(db, d_case, buf), "2026-10-08", "90 calendar days ending in National Day move on");
	is_str(state_of(db, d_case, buf), "open", "new clock is open");

	long long junk, d_prov;
	ok(deadline_start(db, "case_closed", ua, 0, "case", "AJ-P", "2026-12-10", &d_prov, &e) == 0,
	   "a clock that needs 2027 (not loaded) starts provisionally (%s)", e.msg);
	is_str(due_of(db, d_prov, buf), "2027-01-08", "… 20 working days, 2027-01-01 (元旦) skipped");
	is_int(db_scalar_int(db, -1, "SELECT provisional FROM deadlines WHERE id = ?",
			     (const struct db_val[]){ DB_INT(d_prov), DB_END }), 1, "… stored as provisional");
	{
		json_t *l = deadline_list_unit(db, ua, NULL, 0, &e);
		json_t *found = NULL;
		size_t i;
		json_t *it;
		json_array_foreach(l, i, it)
			if (json_integer_value(json_object_get(it, "id")) == d_prov)
				found = it;
		ok(found && json_is_true(json_object_get(found, "provisional")) &&
		   strstr(json_string_value(json_object_get(found, "provisional_note")), "暂定：2027 年"),
		   "… listed with provisional and its note");
		json_decref(l);
	}
	ok(deadline_start(db, "nope", ua, 0, "case", "AJ-X", "2026-12-10", &junk, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "unknown event refused");
	ok(deadline_start(db, "case_closed", ua, 0, "", "AJ-X", "2026-05-10", &junk, &e) < 0 && e.kind == ERR_INVALID,
	   "missing object type refused");
	ok(deadline_start(db, "case_closed", 99999, 0, "case", "AJ-X", "2026-05-10", &junk, &e) < 0 &&
	   e.kind == ERR_INVALID, "unknown unit refused: %s", e.msg);
	ok(deadline_start(db, "case_closed", ua, 0, "case", "AJ-X", "2026-13-10", &junk, &e) < 0 && e.kind == ERR_INVALID,
	   "bad start date refused");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadlines", (const struct db_val[]){ DB_END }), 6,
	       "refused starts wrote nothing (five clocks and the provisional one)");

	/* ---- rule versions ---- */
	struct deadline_rule nr = { .days = 5, .calendar_days = false };
	snprintf(nr.event_code, sizeof(nr.event_code), "decision_licence_penalty");
	snprintf(nr.name, sizeof(nr.name), "行政许可、行政处罚决定公示(新规)");
	snprintf(nr.ends_with, sizeof(nr.ends_with), "published");
	snprintf(nr.effective_from, sizeof(nr.effective_from), "2026-06-01");
	snprintf(nr.source, sizeof(nr.source), "测试规则");
	long long rid;
	struct actor adm;
	memset(&adm, 0, sizeof adm);
	adm.user_id = u1;
	adm.unit_id = ua;
	adm.roles = ROLE_ADMIN;
	snprintf(adm.username, sizeof adm.username, "zhangming");
	snprintf(adm.ip, sizeof adm.ip, "10.9.8.7");
	ok(deadline_rule_add(db, &adm, &nr, &rid, &e) == 0 && rid > 0, "rule version added (%s)", e.msg);
	{
		char rids[24];
		snprintf(rids, sizeof rids, "%lld", rid);
		is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM op_log WHERE action = 'deadline_rule.add' AND object_id = ?"
				     " AND user_id = ? AND username = 'zhangming' AND unit_id = ? AND ip = '10.9.8.7'",
				     (const struct db_val[]){ DB_TEXT(rids), DB_INT(u1), DB_INT(ua), DB_END }), 1,
		       "op_log row names the acting user, unit and address");
		is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_rules WHERE id = ? AND created_by = 'zhangming'",
				     (const struct db_val[]){ DB_INT(rid), DB_END }), 1, "created_by is the actor");
	}
	ok(deadline_rule_add(db, &adm, &nr, &rid, &e) < 0 && e.kind == ERR_CONFLICT, "same version twice refused");
	nr.days = 0;
	ok(deadline_rule_add(db, &adm, &nr, &rid, &e) < 0 && e.kind == ERR_INVALID && strcmp(e.field, "days") == 0,
	   "zero days refused");
	nr.days = 5;
	snprintf(nr.event_code, sizeof(nr.event_code), "Bad Code");
	ok(deadline_rule_add(db, &adm, &nr, &rid, &e) < 0 && strcmp(e.field, "event_code") == 0, "bad code refused");
	{
		struct deadline_rule sr = nr;
		long long sid = 0;
		snprintf(sr.event_code, sizeof(sr.event_code), "test_system_rule");
		ok(deadline_rule_add(db, NULL, &sr, &sid, &e) == 0, "rule added by the system (NULL actor)");
		is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_rules WHERE id = ? AND created_by = 'system'",
				     (const struct db_val[]){ DB_INT(sid), DB_END }), 1, "created_by system");
	}
	long long v_old, v_new;
	ok(deadline_start(db, "decision_licence_penalty", ua, u1, "decision", "XK-1", "2026-05-29", &v_old, &e) == 0,
	   "clock started before the new version");
	is_str(due_of(db, v_old, buf), "2026-06-09", "old version (7 days) applies");
	ok(deadline_start(db, "decision_licence_penalty", ua, u1, "decision", "XK-2", "2026-06-01", &v_new, &e) == 0,
	   "clock started on the effective date");
	is_str(due_of(db, v_new, buf), "2026-06-08", "new version (5 days) applies");
	is_str(due_of(db, d_pub, buf), "2019-02-14", "clocks already started unchanged");

	/* ---- meet ---- */
	ok(deadline_meet(db, d_pub, "2019-02-14", &e) == 0, "met on the due day");
	ok(db_scalar_int(db, -1, "SELECT met_late FROM deadlines WHERE id = ?",
			 (const struct db_val[]){ DB_INT(d_pub), DB_END }) == 0, "on time");
	ok(deadline_meet(db, v_old, "2026-06-10", &e) == 0, "met a day late");
	ok(db_scalar_int(db, -1, "SELECT met_late FROM deadlines WHERE id = ?",
			 (const struct db_val[]){ DB_INT(v_old), DB_END }) == 1, "late recorded");
	ok(deadline_meet(db, d_pub, "2019-02-15", &e) < 0 && e.kind == ERR_CONFLICT, "meeting twice refused");
	ok(deadline_meet(db, 987654, "2019-02-15", &e) < 0 && e.kind == ERR_NOTFOUND, "unknown id");
	ok(deadline_meet(db, v_new, "2026-05-01", &e) < 0 && e.kind == ERR_INVALID, "before the start refused");
	ok(deadline_meet(db, v_new, "2026-02-30", &e) < 0 && e.kind == ERR_INVALID, "unreal date refused");

	/* ---- refresh ---- */
	struct calendar *cal = NULL;
	ok(calendar_load(db, &cal, &e) == 0, "calendar loaded");
	int changed = -1;
	/* 2026-10-16 (Fri): review due 10-20 has 2 working days left (10-19, 10-20) */
	ok(deadline_refresh(db, cal, "2026-10-16", 2, &changed) == 0, "refresh runs");
	is_str(state_of(db, d_rev, buf), "due_soon", "2 working days left: due soon");
	is_str(state_of(db, d_arch, buf), "open", "archive due 11-03: open");
	is_str(state_of(db, d_case, buf), "overdue", "case due 10-08: overdue");
	is_str(state_of(db, d_other, buf), "overdue", "other due 03-18: overdue");
	is_str(state_of(db, d_pub, buf), "met", "met stays met");
	is_int(changed, 4, "changed count (review, case, other, v_new)");
	ok(deadline_refresh(db, cal, "2026-10-16", 2, &changed) == 0 && changed == 0, "second refresh changes nothing");
	ok(deadline_refresh(db, cal, "2026-10-15", 2, &changed) == 0, "refresh a day earlier");
	is_str(state_of(db, d_rev, buf), "open", "3 working days left: open again");
	ok(deadline_refresh(db, cal, "2026-10-15", 3, &changed) == 0, "refresh with 3 days warning");
	is_str(state_of(db, d_rev, buf), "due_soon", "due soon with N = 3");
	ok(deadline_refresh(db, cal, "2026-10-21", 0, &changed) == 0, "refresh after the review due date");
	is_str(state_of(db, d_rev, buf), "overdue", "review overdue");
	ok(deadline_refresh(db, cal, "not-a-date", 2, &changed) < 0, "bad today refused");

	/* ---- listings ---- */
	json_t *mine = deadline_list_user(db, u1, 0, &e);
	ok(mine && json_array_size(mine) == 3, "three unmet clocks of the user (got %zu)", mine ? json_array_size(mine) : 0);
	if (mine && json_array_size(mine) == 3) {
		is_str(json_string_value(json_object_get(json_array_get(mine, 0), "due_on")), "2026-03-18",
		       "overdue first, earliest due first");
		is_str(json_string_value(json_object_get(json_array_get(mine, 2), "state")), "overdue", "all overdue");
		is_str(json_string_value(json_object_get(json_array_get(mine, 0), "rule_name")), "其他执法决定公示", "rule name");
		ok(json_is_null(json_object_get(json_array_get(mine, 0), "met_on")), "met_on null");
	}
	json_decref(mine);
	json_t *unit = deadline_list_unit(db, ua, NULL, 0, &e);
	ok(unit && json_array_size(unit) == 7, "seven clocks in unit A");
	if (unit && json_array_size(unit) == 7) {
		is_str(json_string_value(json_object_get(json_array_get(unit, 6), "state")), "met", "met last");
		ok(json_is_null(json_object_get(json_array_get(unit, 5), "owner_user_id")) ||
		   json_is_integer(json_object_get(json_array_get(unit, 5), "owner_user_id")), "owner is null or id");
	}
	json_decref(unit);
	unit = deadline_list_unit(db, ua, "met", 0, &e);
	ok(unit && json_array_size(unit) == 2, "two met in unit A");
	json_decref(unit);
	ok(deadline_list_unit(db, ua, "bogus", 0, &e) == NULL && e.kind == ERR_INVALID, "bad state filter refused");

	json_t *st = deadline_stats_monthly(db, 0, "2026-06", "2026-06", &e);
	ok(st && json_array_size(st) == 1, "one unit-month in 2026-06");
	if (st && json_array_size(st) == 1) {
		json_t *m = json_array_get(st, 0);
		is_int(json_integer_value(json_object_get(m, "total")), 2, "two due in June");
		is_int(json_integer_value(json_object_get(m, "met_late")), 1, "one met late");
		is_int(json_integer_value(json_object_get(m, "overdue_open")), 1, "one overdue");
		is_int(json_integer_value(json_object_get(m, "overdue_count")), 2, "overdue count");
		ok(json_real_value(json_object_get(m, "on_time_rate")) == 0.0, "on-time rate 0");
		is_str(json_string_value(json_object_get(m, "unit_name")), "节能与综合利用处", "unit name");
	}
	json_decref(st);
	st = deadline_stats_monthly(db, ua, "2019-02", "2019-02", &e);
	ok(st && json_array_size(st) == 1 &&
	   json_real_value(json_object_get(json_array_get(st, 0), "on_time_rate")) == 1.0, "2019-02: rate 1");
	json_decref(st);
	st = deadline_stats_monthly(db, ub, NULL, NULL, &e);
	ok(st && json_array_size(st) == 1, "unit B: one month");
	json_decref(st);

	/* ---- recompute after a calendar change ---- */
	const char *y2026 = "{\"years\": {\"2026\": {\"holidays\": [\"2026-01-01\"], \"workdays\": []}}}";
	ok(calendar_import(db, y2026, strlen(y2026), "测试: 修订 2026", "admin", true, NULL, &e) == 0,
	   "2026 replaced (%s)", e.msg);
	calendar_unref(cal);
	ok(calendar_load(db, &cal, &e) == 0, "calendar reloaded");
	int n = deadline_recompute_all(db, cal, &e);
	ok(n >= 3, "recompute changed due dates (%d: %s)", n, e.msg);
	is_str(due_of(db, d_rev, buf), "2026-10-14", "review due moved");
	is_str(due_of(db, d_other, buf), "2026-03-12", "other due moved");
	is_str(due_of(db, d_arch, buf), "2026-10-28", "archive due moved");
	is_str(due_of(db, v_old, buf), "2026-06-09", "met clock untouched");
	is_str(due_of(db, d_pub, buf), "2019-02-14", "met 2019 clock untouched");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM calendar_changes WHERE action = 'recompute'",
			     (const struct db_val[]){ DB_END }), 1, "recompute recorded");
	ok(deadline_recompute_all(db, cal, &e) == 0, "second recompute changes nothing");
	is_str(due_of(db, d_prov, buf), "2027-01-08", "the provisional clock is unchanged by the 2026 change");
	calendar_unref(cal);

	/* ---- importing the missing year replaces the provisional date ---- */
	const char *y2027 = "{\"years\": {\"2027\": {\"holidays\": [\"2027-01-01\", \"2027-01-04\"], \"workdays\": []}}}";
	ok(calendar_import(db, y2027, strlen(y2027), "测试: 2027", "admin", false, NULL, &e) == 0, "2027 imported (%s)", e.msg);
	ok(calendar_load(db, &cal, &e) == 0, "calendar reloaded");
	ok(deadline_recompute_all(db, cal, &e) >= 1, "recompute after the import (%s)", e.msg);
	is_str(due_of(db, d_prov, buf), "2027-01-11", "the clock now counts the imported 2027 (01-04 off)");
	is_int(db_scalar_int(db, -1, "SELECT provisional FROM deadlines WHERE id = ?",
			     (const struct db_val[]){ DB_INT(d_prov), DB_END }), 0, "… and is no longer provisional");
	json_t *h = deadline_history(db, d_prov, &e);
	json_t *last = h ? json_array_get(h, json_array_size(h) - 1) : NULL;
	ok(last && str_eq(json_string_value(json_object_get(last, "old_due")), "2027-01-08") &&
	   str_eq(json_string_value(json_object_get(last, "new_due")), "2027-01-11") &&
	   json_is_true(json_object_get(last, "old_provisional")) && json_is_false(json_object_get(last, "new_provisional")),
	   "the change is in the deadline's history");
	ok(last && strstr(json_string_value(json_object_get(last, "reason")), "载入 2027 年节假日安排后重新计算"),
	   "… with its reason: %s", last ? json_string_value(json_object_get(last, "reason")) : "");
	json_decref(h);
	ok(db_exec(db, "UPDATE deadline_changes SET reason = 'x'") < 0, "the history cannot be edited");
	ok(db_exec(db, "DELETE FROM deadline_changes") < 0, "… nor deleted");
	calendar_unref(cal);

	test_db_close(db);
	return tap_done();
}
