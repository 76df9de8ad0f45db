/*
 * Tests of the audit logs (src/people/audit.c and the migration triggers):
 * rows written by changes and logins, UPDATE/DELETE refused on op_log and
 * login_log (SQLite, and PostgreSQL when ZHIFA_TEST_DB is set), searches
 * for admin and supervisor only, filters, paging, newest first.
 */
#include "test_people_util.h"
#include "people/audit.h"
#include "people/auth.h"

static void test_append_only(struct db *db)
{
	ok(tp_count(db, "SELECT COUNT(*) FROM op_log") > 0, "op_log has rows");
	ok(db_exec(db, "UPDATE op_log SET detail = 'forged'") < 0, "UPDATE op_log refused");
	ok(strstr(db_errmsg(db), "追加") != NULL, "refusal says append-only");
	ok(db_exec(db, "DELETE FROM op_log") < 0, "DELETE op_log refused");
	ok(tp_count(db, "SELECT COUNT(*) FROM login_log") > 0, "login_log has rows");
	ok(db_exec(db, "UPDATE login_log SET result = 'ok'") < 0, "UPDATE login_log refused");
	ok(db_exec(db, "DELETE FROM login_log WHERE id > 0") < 0, "DELETE login_log refused");
	if (db_kind(db) == DB_PG) {
		ok(db_exec(db, "TRUNCATE op_log") < 0, "TRUNCATE op_log refused (PostgreSQL)");
		ok(db_exec(db, "TRUNCATE login_log") < 0, "TRUNCATE login_log refused (PostgreSQL)");
	}
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE detail = 'forged'"), 0, "nothing changed");
	/* inside a rolled-back transaction the act and its log row vanish together */
	long long before = tp_count(db, "SELECT COUNT(*) FROM op_log");
	struct actor sys;
	actor_system(&sys, "test");
	db_begin(db);
	ok(audit_log(db, &sys, "x.test", "thing", "1", "ok", "") == 0, "audit_log inside a transaction");
	db_rollback(db);
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log"), before, "rolled back with the act");
}

static void test_search(struct db *db, struct tp_tree *t)
{
	struct actor admin = tp_actor(db, t->admin), sup = tp_actor(db, t->supervisor),
		     head = tp_actor(db, t->jn_head);
	struct err e = ERR_INIT;
	json_t *out = NULL;
	struct audit_filter f = { 0 };
	ok(audit_search(db, &head, &f, &out, &e) < 0 && e.kind == ERR_FORBIDDEN, "division head cannot search logs");
	ok(audit_login_search(db, &head, &f, &out, &e) < 0 && e.kind == ERR_FORBIDDEN, "nor the login log");
	ok(audit_search(db, NULL, &f, &out, &e) < 0, "the public cannot search");

	/* actions by the admin at a later day */
	tp_set_now(TP_NOW + 3 * 86400);
	struct unit_input u = { t->root, "new1", "新处室一", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &u, NULL, &e) == 0, "admin action 1");
	struct unit_input u2 = { t->root, "new2", "新处室二", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &u2, NULL, &e) == 0, "admin action 2");

	ok(audit_search(db, &sup, &f, &out, &e) == 0, "supervisor searches the operation log");
	long long total = json_integer_value(json_object_get(out, "total"));
	is_int(total, tp_count(db, "SELECT COUNT(*) FROM op_log"), "total counts all rows");
	json_t *first = json_array_get(json_object_get(out, "items"), 0);
	is_str(json_string_value(json_object_get(first, "detail")), "新处室二", "newest first");
	is_str(json_string_value(json_object_get(first, "username")), "admin", "who");
	is_str(json_string_value(json_object_get(first, "ip")), "10.0.0.1", "from where");
	is_str(json_string_value(json_object_get(first, "object_type")), "unit", "object type");
	ok(json_string_value(json_object_get(first, "at_local")) != NULL, "Beijing time given");
	json_decref(out);

	f.username = "admin";
	f.action = "unit.create";
	ok(audit_search(db, &admin, &f, &out, &e) == 0 && json_integer_value(json_object_get(out, "total")) == 2,
	   "filter by user and action");
	json_decref(out);
	f = (struct audit_filter){ 0 };
	f.per_page = 2;
	f.page = 2;
	ok(audit_search(db, &admin, &f, &out, &e) == 0 && json_array_size(json_object_get(out, "items")) == 2,
	   "paging: second page of 2");
	json_decref(out);

	char today[11], before[11];
	time_today_shanghai(today);
	tp_set_now(TP_NOW);
	time_today_shanghai(before);
	f = (struct audit_filter){ .date_from = today, .date_to = today };
	ok(audit_search(db, &admin, &f, &out, &e) == 0 && json_integer_value(json_object_get(out, "total")) == 2,
	   "date range picks the later day's 2 rows");
	json_decref(out);
	f = (struct audit_filter){ .date_to = before };
	ok(audit_search(db, &admin, &f, &out, &e) == 0 && json_integer_value(json_object_get(out, "total")) == total - 2,
	   "date_to excludes the later day");
	json_decref(out);
	f = (struct audit_filter){ .date_from = "2026-02-30" };
	ok(audit_search(db, &admin, &f, &out, &e) < 0 && str_eq(e.field, "date_from"), "bad date refused by field");

	f = (struct audit_filter){ .username = "jn.zhang", .result = "fail" };
	ok(audit_login_search(db, &sup, &f, &out, &e) == 0 && json_integer_value(json_object_get(out, "total")) == 2,
	   "login log filter by user and result");
	first = json_array_get(json_object_get(out, "items"), 0);
	is_str(json_string_value(json_object_get(first, "reason")), "密码错误", "reason given");
	is_str(json_string_value(json_object_get(first, "ip")), "10.9.9.9", "address given");
	json_decref(out);
}

int main(void)
{
	struct db *db = tp_open();
	struct tp_tree t;
	tp_make_tree(db, &t);
	struct session_out s;
	struct err e = ERR_INIT;
	people_login(db, "jn.zhang", "bad", "10.9.9.9", "UA", &s, &e);
	people_login(db, "jn.zhang", "bad2", "10.9.9.9", "UA", &s, &e);
	people_login(db, "jn.zhang", TP_PASSWORD, "10.9.9.9", "UA", &s, &e);
	test_append_only(db);
	test_search(db, &t);
	db_close(db);
	return tap_done();
}
