/*
 * test_clocks.c - the case clock rules (migration 021) and the pause /
 * extension arithmetic of the deadline engine: every rule started once with
 * its due date counted by hand, two worked examples of
 * ../shared/data/deadline-examples.tsv, a rule without a basis refused,
 * suspend and resume over the Spring Festival 2026 and the New Year
 * 2026/2027 (2027 provisional), same-day pauses, extensions once and within
 * the limit, meeting a paused clock, the clocks of one object with their
 * notes, the "seven days before the hearing" check, and a recompute that
 * keeps pauses and extensions.  SQLite, or PostgreSQL with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "calendar/deadline.h"
#include "store/db.h"
#include "tap.h"
#include "testdb.h"

static long long insert_id(struct db *db, const char *sql, const struct db_val *params)
{
	struct db_res *r = NULL;
	if (db_query_a(db, sql, params, &r) < 0 || r->nrows != 1)
		BUG("insert failed: %s", db_errmsg(db));
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static const char *col_of(struct db *db, const char *col, long long id, char out[32])
{
	struct db_res *r = NULL;
	char sql[128];
	out[0] = '\0';
	snprintf(sql, sizeof sql, "SELECT %s FROM deadlines WHERE id = ?", col);
	if (db_query_a(db, sql, (const struct db_val[]){ DB_INT(id), DB_END }, &r) == 0 && r->nrows == 1)
		snprintf(out, 32, "%s", db_cell(r, 0, 0) ? db_text(r, 0, 0) : "NULL");
	db_res_free(r);
	return out;
}

static long long changes_of(struct db *db, long long id)
{
	return db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_changes WHERE deadline_id = ?",
			     (const struct db_val[]){ DB_INT(id), DB_END });
}

static char *last_reason(struct db *db, long long id)
{
	struct db_res *r = NULL;
	char *s = NULL;
	if (db_query(db, &r, "SELECT reason FROM deadline_changes WHERE deadline_id = ? ORDER BY id DESC LIMIT 1",
		     DB_INT(id)) == 0 && r->nrows == 1)
		s = xstrdup(db_text(r, 0, 0));
	db_res_free(r);
	return s ? s : xstrdup("");
}

static long long unit_id, user_id;

static long long start(struct db *db, const struct calendar *cal, const char *event, const char *oid, const char *day)
{
	long long id = 0;
	struct err e = ERR_INIT;
	if (deadline_start_cal(db, cal, event, unit_id, user_id, "case", oid, day, &id, &e) < 0)
		printf("# start %s on %s: %s\n", event, day, e.msg);
	return id;
}

int main(void)
{
	struct db *db = testdb_open();
	struct buf merr = BUF_INIT;
	if (db_migrate(db, &merr) < 0)
		BUG("migrate: %s", buf_str(&merr));
	buf_release(&merr);
	struct err e = ERR_INIT;
	char now[21], b1[32];
	time_now_utc(now);
	unit_id = insert_id(db, "INSERT INTO units(code, name, created_at) VALUES ('wxdj', '无线电管理局', ?) RETURNING id",
			    (const struct db_val[]){ DB_TEXT(now), DB_END });
	user_id = insert_id(db, "INSERT INTO users(unit_id, username, name, created_at) VALUES (?, 'wx.li', '李无线', ?)"
			    " RETURNING id", (const struct db_val[]){ DB_INT(unit_id), DB_TEXT(now), DB_END });
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, &e) < 0)
		BUG("calendar: %s", e.msg);

	/* ---- the rules as shipped: basis, day kind, own rule, extension ---- */
	struct {
		const char *code;
		int days;
		bool calendar;
		int ext;
		const char *role;
		bool own, ext_own;
		const char *cite;
	} rules[] = {
		{ "case_penalty_decision", 90, true, 30, "leader", false, true, "第六十条" },
		{ "case_service", 7, false, 0, "", false, false, "第六十一条" },
		{ "case_hearing_request", 5, false, 0, "", false, false, "第六十四条第（一）项" },
		{ "licence_acceptance", 5, false, 0, "", false, false, "第三十二条第一款第（四）项" },
		{ "licence_decision", 20, false, 10, "leader", false, false, "第四十二条" },
		{ "licence_service", 10, false, 0, "", false, false, "第四十四条" },
		{ "coercion_seizure", 30, true, 30, "leader", false, false, "第二十五条" },
		{ "case_archive", 20, false, 0, "", false, false, "二（二）5" },
		{ "case_complaint_decision", 15, false, 0, "", true, false, "本厅规定" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		struct deadline_rule r;
		ok(deadline_rule_for(db, rules[i].code, "2026-06-01", &r, &e) == 0, "rule %s in force (%s)", rules[i].code, e.msg);
		ok(r.days == rules[i].days && r.calendar_days == rules[i].calendar && r.extension_days == rules[i].ext &&
			   str_eq(r.extension_role, rules[i].role) && r.own_rule == rules[i].own &&
			   r.extension_own_rule == rules[i].ext_own,
		   "%s: %d %s, extension %d by '%s', own %d, extension own %d", rules[i].code, r.days,
		   r.calendar_days ? "calendar days" : "working days", r.extension_days, r.extension_role, r.own_rule,
		   r.extension_own_rule);
		ok(strstr(r.source, rules[i].cite) != NULL, "%s cites %s", rules[i].code, rules[i].cite);
	}
	ok(deadline_rule_for(db, "case_penalty_decision", "2021-07-14", &(struct deadline_rule){ 0 }, &e) < 0,
	   "the 90-day rule is not in force before the 2021 revision took effect (2021-07-15)");

	/* ---- each rule started once, due dates counted by hand ---- */
	struct {
		const char *code, *start, *due, *why;
	} due[] = {
		{ "case_penalty_decision", "2026-03-02", "2026-06-01", "+90 = 05-31 (Sun), next working day" },
		{ "case_service", "2026-09-28", "2026-10-13", "09-29,30, 10-08,09,10(Sat worked),12,13" },
		{ "case_hearing_request", "2026-02-12", "2026-02-26", "02-13, 02-14(Sat worked), 02-24,25,26" },
		{ "licence_acceptance", "2026-04-30", "2026-05-11", "05-06,07,08,09(Sat worked),11" },
		{ "licence_decision", "2026-06-01", "2026-06-30", "20 working days, 06-19 (端午) off" },
		{ "licence_service", "2026-09-18", "2026-10-09", "09-20(Sun worked)..09-30, 10-08,09" },
		{ "coercion_seizure", "2026-09-03", "2026-10-08", "+30 = 10-03 (国庆), next working day" },
		{ "case_archive", "2026-09-30", "2026-11-03", "deadline-examples.tsv: 2026-09-30 + 20 = 2026-11-03" },
		{ "case_service", "2025-01-27", "2025-02-12", "deadline-examples.tsv: 2025-01-27 + 7 = 2025-02-12" },
		{ "case_hearing_request", "2026-02-17", "2026-02-28", "start on a holiday: 02-24..27, 02-28 (Sat worked)" },
		{ "case_complaint_decision", "2026-01-05", "2026-01-26", "15 working days" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(due); i++) {
		long long id = start(db, cal, due[i].code, "900", due[i].start);
		is_str(col_of(db, "due_on", id, b1), due[i].due, "%s from %s: %s", due[i].code, due[i].start, due[i].why);
	}

	/* ---- a rule without a basis is refused, nothing written ---- */
	{
		struct deadline_rule nr = { .days = 10 };
		snprintf(nr.event_code, sizeof nr.event_code, "case_service");
		snprintf(nr.name, sizeof nr.name, "无依据规则");
		snprintf(nr.ends_with, sizeof nr.ends_with, "served");
		snprintf(nr.effective_from, sizeof nr.effective_from, "2027-01-01");
		long long before = db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_rules", (const struct db_val[]){ DB_END });
		long long rid = 0;
		e = (struct err)ERR_INIT;
		ok(deadline_rule_add(db, NULL, &nr, &rid, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "source") &&
			   strstr(e.msg, "依据") != NULL,
		   "a rule without a basis is refused naming source: %s", e.msg);
		snprintf(nr.source, sizeof nr.source, "测试依据");
		nr.extension_days = 5;
		e = (struct err)ERR_INIT;
		ok(deadline_rule_add(db, NULL, &nr, &rid, &e) < 0 && str_eq(e.field, "extension_role"),
		   "an extendable rule without the approving role is refused: %s", e.msg);
		snprintf(nr.extension_role, sizeof nr.extension_role, "leader");
		e = (struct err)ERR_INIT;
		ok(deadline_rule_add(db, NULL, &nr, &rid, &e) < 0 && str_eq(e.field, "extension_basis"),
		   "an extendable rule without the extension's basis is refused: %s", e.msg);
		is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_rules", (const struct db_val[]){ DB_END }), before,
		       "nothing written");
		snprintf(nr.extension_basis, sizeof nr.extension_basis, "测试延长依据");
		nr.own_rule = true;
		ok(deadline_rule_add(db, NULL, &nr, &rid, &e) == 0, "with both it is added (%s)", e.msg);
		struct deadline_rule got;
		ok(deadline_rule_for(db, "case_service", "2027-02-01", &got, &e) == 0 && got.own_rule &&
			   got.extension_days == 5 && got.extension_times == 1,
		   "own rule and one extension by default stored");
	}

	/* ---- pause on a calendar-day clock (听证), Qingming at both ends ---- */
	long long p1 = start(db, cal, "case_penalty_decision", "42", "2026-01-05");
	is_str(col_of(db, "due_on", p1, b1), "2026-04-07", "90 days from 01-05 = 04-05 (清明), moved to 04-07");
	ok(deadline_suspend(db, cal, p1, "2026-02-02", "听证", "《中华人民共和国行政处罚法》第六十条", &e) == 0,
	   "suspended for a hearing (%s)", e.msg);
	json_t *g = deadline_get(db, p1, &e);
	ok(g && str_eq(json_string_value(json_object_get(g, "state")), "paused") &&
		   json_is_true(json_object_get(g, "paused")) &&
		   str_eq(json_string_value(json_object_get(g, "paused_since")), "2026-02-02"),
	   "shown as paused since 02-02");
	json_decref(g);
	int changed = 0;
	ok(deadline_refresh(db, cal, "2026-12-01", 2, &changed) == 0, "refresh long after the due date");
	is_str(col_of(db, "state", p1, b1), "open", "a paused clock is not marked overdue");
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p1, "2026-02-03", "公告", "x", &e) < 0 && e.kind == ERR_CONFLICT,
	   "a second suspension while paused is refused: %s", e.msg);
	e = (struct err)ERR_INIT;
	ok(deadline_resume(db, cal, p1, "2026-02-01", &e) < 0 && str_eq(e.field, "date"), "resume before the suspension refused");
	json_t *objs = deadline_for_object(db, "case", "42", &e);
	ok(objs && json_array_size(objs) == 1 &&
		   strstr(json_string_value(json_object_get(json_array_get(objs, 0), "note")), "已中止：听证（2026-02-02 起）"),
	   "the object's clocks say 已中止：听证（2026-02-02 起）");
	json_decref(objs);
	long long h0 = changes_of(db, p1);
	ok(deadline_resume(db, cal, p1, "2026-02-16", &e) == 0, "resumed on 02-16 (%s)", e.msg);
	is_str(col_of(db, "due_on", p1, b1), "2026-04-20",
	       "[02-02, 02-16) = 14 calendar days not counted: 04-05 + 14 = 04-19 (Sun) -> 04-20");
	is_str(col_of(db, "paused_since", p1, b1), "NULL", "no longer paused");
	is_int(changes_of(db, p1), h0 + 1, "one history row");
	char *why = last_reason(db, p1);
	ok(strstr(why, "听证期间") && strstr(why, "不计 14 个自然日") && strstr(why, "由 2026-04-07 改为 2026-04-20"),
	   "history reason in Chinese: %s", why);
	free(why);
	/* the same day: nothing is lost, nothing moves */
	ok(deadline_suspend(db, cal, p1, "2026-03-03", "检测", "第六十条", &e) == 0 &&
		   deadline_resume(db, cal, p1, "2026-03-03", &e) == 0,
	   "suspended and resumed on one day");
	is_str(col_of(db, "due_on", p1, b1), "2026-04-20", "a one-day pause [F, F) moves nothing");
	is_int(changes_of(db, p1), h0 + 1, "and writes no history row");
	json_t *pz = deadline_pauses(db, p1, &e);
	ok(pz && json_array_size(pz) == 2 && json_integer_value(json_object_get(json_array_get(pz, 0), "days")) == 14 &&
		   json_integer_value(json_object_get(json_array_get(pz, 1), "days")) == 0,
	   "both pauses kept with their days (14, 0)");
	json_decref(pz);
	e = (struct err)ERR_INIT;
	ok(deadline_resume(db, cal, p1, "2026-03-04", &e) < 0 && e.kind == ERR_CONFLICT, "resume when not paused: %s", e.msg);

	/* ---- pause on a working-day clock over the Spring Festival 2026 ---- */
	long long p2 = start(db, cal, "licence_decision", "43", "2026-02-02");
	is_str(col_of(db, "due_on", p2, b1), "2026-03-06", "20 working days from 02-02 (02-14, 02-28 worked; 02-15..23 off)");
	ok(deadline_suspend(db, cal, p2, "2026-02-12", "专家评审", "《中华人民共和国行政许可法》第四十五条", &e) == 0 &&
		   deadline_resume(db, cal, p2, "2026-02-26", &e) == 0,
	   "paused 02-12, resumed 02-26");
	is_str(col_of(db, "due_on", p2, b1), "2026-03-13",
	       "[02-12, 02-26) holds 5 working days (12, 13, 14 Sat worked, 24, 25): 03-06 + 5 = 03-13");
	why = last_reason(db, p2);
	ok(strstr(why, "不计 5 个工作日") != NULL, "reason counts working days: %s", why);
	free(why);

	/* ---- calendar days over the Spring Festival (查封 with 检测) ---- */
	long long p3 = start(db, cal, "coercion_seizure", "44", "2026-02-10");
	is_str(col_of(db, "due_on", p3, b1), "2026-03-12", "30 days from 02-10");
	ok(deadline_suspend(db, cal, p3, "2026-02-13", "检测、检验、检疫或者技术鉴定", "《中华人民共和国行政强制法》第二十五条第三款",
			    &e) == 0 && deadline_resume(db, cal, p3, "2026-02-25", &e) == 0,
	   "paused 02-13 .. 02-25 for testing");
	is_str(col_of(db, "due_on", p3, b1), "2026-03-24", "12 calendar days, holidays included: 03-24");

	/* ---- working days over the New Year 2026/2027 (2027 provisional) ---- */
	long long p4 = start(db, cal, "case_service", "45", "2026-12-28");
	is_str(col_of(db, "due_on", p4, b1), "2027-01-07", "7 working days: 12-29..31, 01-04..07 (元旦 01-01 off)");
	is_str(col_of(db, "provisional", p4, b1), "1", "provisional: the 2027 notice is not loaded");
	ok(deadline_suspend(db, cal, p4, "2026-12-30", "公告", "《中华人民共和国民事诉讼法》公告送达", &e) == 0 &&
		   deadline_resume(db, cal, p4, "2027-01-05", &e) == 0,
	   "paused 12-30 .. 2027-01-05 (%s)", e.msg);
	is_str(col_of(db, "due_on", p4, b1), "2027-01-12",
	       "[12-30, 01-05) holds 3 working days (12-30, 12-31, 01-04): 01-07 + 3 = 01-12");
	is_str(col_of(db, "provisional", p4, b1), "1", "still provisional");

	/* ---- a clock suspended (backdated) after it was marked overdue ---- */
	long long p7 = start(db, cal, "case_hearing_request", "51", "2026-04-01");
	ok(deadline_refresh(db, cal, "2026-04-20", 2, &changed) == 0, "refresh on 04-20");
	is_str(col_of(db, "state", p7, b1), "overdue", "due 04-09 (04-02, 03, 07, 08, 09; 清明 04-04..06 off): overdue on 04-20");
	ok(deadline_suspend(db, cal, p7, "2026-04-08", "听证", "第六十四条", &e) == 0, "suspended from 04-08, entered late");
	is_str(col_of(db, "state", p7, b1), "open", "no longer counted as overdue while paused");
	ok(deadline_resume(db, cal, p7, "2026-04-21", &e) == 0 && deadline_refresh(db, cal, "2026-04-21", 2, &changed) == 0,
	   "resumed 04-21");
	is_str(col_of(db, "due_on", p7, b1), "2026-04-22", "[04-08, 04-21) holds 9 working days: 04-09 + 9 = 04-22");
	is_str(col_of(db, "state", p7, b1), "due_soon", "due soon after the resume");

	/* ---- working days over the Spring Festival 2027 (provisional: 除夕 02-05
	 * and 初三 02-08 off, 初一/初二 on the weekend, no 调休) ---- */
	long long p8 = start(db, cal, "licence_decision", "52", "2027-02-01");
	is_str(col_of(db, "due_on", p8, b1), "2027-03-03", "20 working days from 2027-02-01 (02-05, 02-08 off)");
	ok(deadline_suspend(db, cal, p8, "2027-02-04", "检验", "《中华人民共和国行政许可法》第四十五条", &e) == 0 &&
		   deadline_resume(db, cal, p8, "2027-02-10", &e) == 0,
	   "paused 2027-02-04 .. 02-10");
	is_str(col_of(db, "due_on", p8, b1), "2027-03-05", "[02-04, 02-10) holds 2 working days (02-04, 02-09): 03-05");
	is_str(col_of(db, "provisional", p8, b1), "1", "provisional");

	/* ---- suspension refusals ---- */
	long long p5 = start(db, cal, "case_hearing_request", "46", "2026-03-02");
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p5, "2026-03-01", "听证", "x", &e) < 0 && str_eq(e.field, "date"),
	   "before the start refused: %s", e.msg);
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p5, "2026-03-20", "听证", "x", &e) < 0 && str_eq(e.field, "date"),
	   "after the due date refused: %s", e.msg);
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p5, "2026-03-03", "", "x", &e) < 0 && str_eq(e.field, "reason"), "no reason refused");
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p5, "2026-03-03", "听证", "", &e) < 0 && str_eq(e.field, "basis"), "no basis refused");
	ok(deadline_meet(db, p5, "2026-03-04", &e) == 0, "met");
	e = (struct err)ERR_INIT;
	ok(deadline_suspend(db, cal, p5, "2026-03-05", "听证", "x", &e) < 0 && e.kind == ERR_CONFLICT, "a met clock: %s", e.msg);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_pauses WHERE deadline_id = ?",
			     (const struct db_val[]){ DB_INT(p5), DB_END }), 0, "no pause written by the refusals");

	/* ---- a suspension rolled back with its act leaves nothing ---- */
	long long p6 = start(db, cal, "case_penalty_decision", "47", "2026-05-06");
	ok(db_begin(db) == 0 && deadline_suspend(db, cal, p6, "2026-05-10", "听证", "第六十条", &e) == 0 &&
		   db_rollback(db) == 0,
	   "suspended inside an act that is rolled back");
	is_str(col_of(db, "paused_since", p6, b1), "NULL", "not paused");

	/* ---- extensions ---- */
	long long x1 = start(db, cal, "coercion_seizure", "48", "2026-09-03");
	e = (struct err)ERR_INIT;
	ok(deadline_extend(db, cal, x1, 31, "wx.head", "批准文件", &e) < 0 && str_eq(e.field, "days") &&
		   strstr(e.msg, "30"),
	   "more than 30 days refused: %s", e.msg);
	e = (struct err)ERR_INIT;
	ok(deadline_extend(db, cal, x1, 30, "", "批准文件", &e) < 0 && str_eq(e.field, "by"), "no approver refused");
	ok(deadline_extend(db, cal, x1, 30, "王立新", "延长查封、扣押期限审批表（2026-09-30）", &e) == 0, "extended by 30 (%s)",
	   e.msg);
	is_str(col_of(db, "due_on", x1, b1), "2026-11-02", "09-03 + 60 = 11-02");
	why = last_reason(db, x1);
	ok(strstr(why, "经 王立新 批准延长 30 个自然日") && strstr(why, "由 2026-10-08 改为 2026-11-02"), "history: %s", why);
	free(why);
	e = (struct err)ERR_INIT;
	ok(deadline_extend(db, cal, x1, 1, "王立新", "再次", &e) < 0 && e.kind == ERR_CONFLICT && strstr(e.msg, "只允许延长 1 次"),
	   "a second extension refused: %s", e.msg);
	json_t *xs = deadline_extensions(db, x1, &e);
	ok(xs && json_array_size(xs) == 1 && str_eq(json_string_value(json_object_get(json_array_get(xs, 0), "new_due")),
						    "2026-11-02"),
	   "the extension is kept with its new due date");
	json_decref(xs);
	long long x2 = start(db, cal, "case_service", "48", "2026-09-28");
	e = (struct err)ERR_INIT;
	ok(deadline_extend(db, cal, x2, 3, "王立新", "x", &e) < 0 && e.kind == ERR_CONFLICT && strstr(e.msg, "没有延长的规定"),
	   "a rule without extension refuses: %s", e.msg);
	long long x3 = start(db, cal, "licence_decision", "49", "2026-06-01");
	ok(deadline_extend(db, cal, x3, 10, "王立新", "行政许可法第四十二条 延期审批", &e) == 0, "licence +10 working days");
	is_str(col_of(db, "due_on", x3, b1), "2026-07-14", "06-30 + 10 working days = 07-14");
	/* extension and a pause together: both kept */
	ok(deadline_suspend(db, cal, x3, "2026-07-01", "听证", "行政许可法第四十五条", &e) == 0 &&
		   deadline_resume(db, cal, x3, "2026-07-06", &e) == 0,
	   "paused 07-01 .. 07-06 (3 working days)");
	is_str(col_of(db, "due_on", x3, b1), "2026-07-17", "07-14 + 3 = 07-17");
	objs = deadline_for_object(db, "case", "49", &e);
	const char *note = objs ? json_string_value(json_object_get(json_array_get(objs, 0), "note")) : "";
	ok(strstr(note, "曾中止 1 次，共不计 3 个工作日") && strstr(note, "已延长 10 个工作日（王立新 批准）"), "note: %s", note);
	json_decref(objs);

	/* ---- a recompute keeps pauses and extensions ---- */
	ok(deadline_recompute_all(db, cal, &e) >= 0, "recompute (%s)", e.msg);
	is_str(col_of(db, "due_on", p1, b1), "2026-04-20", "pause kept by the recompute");
	is_str(col_of(db, "due_on", x1, b1), "2026-11-02", "extension kept by the recompute");
	is_str(col_of(db, "due_on", x3, b1), "2026-07-17", "both kept");

	/* ---- meeting a paused clock; meeting by event ---- */
	long long m1 = start(db, cal, "case_penalty_decision", "50", "2026-03-02");
	long long m2 = start(db, cal, "case_service", "50", "2026-03-02");
	ok(deadline_suspend(db, cal, m1, "2026-05-25", "听证", "第六十条", &e) == 0, "paused 05-25");
	int met = 0;
	ok(deadline_meet_event(db, "case", "50", "decision_made", "2026-06-05", &met, &e) == 0 && met == 1,
	   "the decision meets one clock of the case (%s)", e.msg);
	is_str(col_of(db, "state", m1, b1), "met", "the penalty clock is met");
	is_str(col_of(db, "due_on", m1, b1), "2026-06-11", "its pause ended on the meeting day: 06-01 + 11 - 1 -> 06-11");
	is_str(col_of(db, "met_late", m1, b1), "0", "in time thanks to the pause");
	is_str(col_of(db, "state", m2, b1), "open", "the service clock is not met by the decision");

	/* ---- seven (working) days before the hearing ---- */
	ok(calendar_days_before_ok(cal, "2026-03-04", "2026-03-16", 7, true) == 1, "notice 03-04 for a hearing on 03-16: in time");
	ok(calendar_days_before_ok(cal, "2026-03-05", "2026-03-16", 7, true) == 0, "notice 03-05: too late");
	ok(calendar_days_before_ok(cal, "2026-02-09", "2026-02-26", 7, true) == 1,
	   "over the Spring Festival: 02-10..13, 14 (Sat worked), 24, 25 are 7 working days");
	ok(calendar_days_before_ok(cal, "2026-02-10", "2026-02-26", 7, true) == 0, "notice 02-10: only 6");
	ok(calendar_days_before_ok(cal, "2026-03-01", "2026-03-09", 7, false) == 1, "calendar days: 7 between");
	ok(calendar_days_before_ok(cal, "2026-03-02", "2026-03-09", 7, false) == 0, "calendar days: 6 between");
	ok(calendar_days_before_ok(cal, "2026-03-10", "2026-03-09", 7, false) == 0, "notice after the hearing");
	ok(calendar_days_before_ok(cal, "2026-02-30", "2026-03-09", 7, false) == -1, "a date that does not exist");

	calendar_unref(cal);
	db_close(db);
	return tap_done();
}
