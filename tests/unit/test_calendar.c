/*
 * test_calendar.c - the working-day calendar: dates, the worked examples
 * of /work/shared/data/deadline-examples.tsv, examples around Spring
 * Festival, National Day, adjusted weekends and year ends, property tests
 * against a naive day-by-day count, missing years, the holiday-file
 * validator, imports into a database (SQLite, or PostgreSQL when
 * ZHIFA_TEST_DB is set), and the `zhifa calendar` command.
 */
#include "core/core.h"
#include "calendar/calendar.h"
#include "calendar/statutory.h"
#include "store/db.h"
#include "core/embedded.h"
#include "tap.h"
#include "testdb.h"
#include <unistd.h>
#include <sys/wait.h>

static int32_t D(const char *s)
{
	int32_t d;
	if (cal_date_parse(s, &d) < 0)
		BUG("bad test date %s", s);
	return d;
}

static void check_due(const struct calendar *c, const char *start, int n, const char *want, const char *why)
{
	char out[11] = "";
	struct err e = ERR_INIT;
	int rc = calendar_due_str(c, start, n, false, out, &e);
	if (rc < 0)
		printf("# error: %s\n", e.msg);
	is_str(rc == 0 ? out : e.msg, want, "due(%s, %d) (%s)", start, n, why);
}

static void check_due_days(const struct calendar *c, const char *start, int n, const char *want, const char *why)
{
	char out[11] = "";
	struct err e = ERR_INIT;
	int rc = calendar_due_str(c, start, n, true, out, &e);
	is_str(rc == 0 ? out : e.msg, want, "due_days(%s, %d) (%s)", start, n, why);
}

static void check_fails(const struct calendar *c, const char *start, int n, bool cal_days, const char *needle,
			const char *why)
{
	char out[11] = "";
	struct err e = ERR_INIT;
	int rc = calendar_due_str(c, start, n, cal_days, out, &e);
	ok(rc < 0 && strstr(e.msg, needle), "%s: fails with '%s' (got rc=%d '%s' '%s')", why, needle, rc, out, e.msg);
}

/* ---- dates ---- */
static void test_dates(void)
{
	int32_t d;
	ok(cal_date_parse("1970-01-01", &d) == 0 && d == 0, "epoch is day 0");
	ok(cal_date_parse("2024-02-29", &d) == 0, "2024-02-29 is a date");
	ok(cal_date_parse("2023-02-29", &d) < 0, "2023-02-29 is not");
	ok(cal_date_parse("2100-02-29", &d) < 0, "2100-02-29 is not (century)");
	ok(cal_date_parse("2000-02-29", &d) == 0, "2000-02-29 is (400 years)");
	ok(cal_date_parse("2026-04-31", &d) < 0, "April has 30 days");
	ok(cal_date_parse("2026-4-01", &d) < 0, "single-digit month refused");
	ok(cal_date_parse("2026-04-01x", &d) < 0, "trailing junk refused");
	ok(cal_date_parse("2026-00-10", &d) < 0, "month 0 refused");
	ok(cal_date_parse(NULL, &d) < 0, "NULL refused");
	is_int(cal_weekday(D("2026-11-25")), 3, "2026-11-25 is a Wednesday");
	is_int(cal_weekday(D("1969-12-28")), 7, "1969-12-28 is a Sunday (negative day)");
	char out[11];
	int bad = 0;
	for (int32_t x = D("1999-12-01"); x < D("2031-03-01"); x++) {
		cal_date_format(x, out);
		int32_t back;
		if (cal_date_parse(out, &back) < 0 || back != x)
			bad++;
	}
	is_int(bad, 0, "format/parse round trip over 1999-2031");
}

/* ---- the shared worked examples ---- */
static void test_examples_file(const struct calendar *c)
{
	const char *shared = getenv("ZHIFA_SHARED");
	char path[512];
	snprintf(path, sizeof(path), "%s/data/deadline-examples.tsv", str_empty(shared) ? "../shared" : shared);
	FILE *f = fopen(path, "r");
	ok(f != NULL, "examples file %s readable", path);
	if (!f)
		return;
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *save = NULL, *start = strtok_r(line, "\t", &save), *days = strtok_r(NULL, "\t", &save),
		     *due = strtok_r(NULL, "\t\n", &save);
		long long nd;
		if (!start || !days || !due || str_to_ll(days, 1, 1000, &nd) < 0) {
			ok(0, "malformed example line");
			continue;
		}
		check_due(c, start, (int)nd, due, "deadline-examples.tsv");
		n++;
	}
	fclose(f);
	ok(n >= 15, "%d examples checked", n);
}

/* ---- our own examples ---- */
static void test_own_examples(const struct calendar *c)
{
	/* Spring Festival 2026: 02-15..02-23 off, 02-14 Sat and 02-28 Sat working */
	check_due(c, "2026-02-13", 1, "2026-02-14", "Sat 02-14 is a 调休 working day");
	check_due(c, "2026-02-14", 1, "2026-02-24", "whole break skipped");
	check_due(c, "2026-02-12", 5, "2026-02-26", "across the 2026 Spring Festival");
	check_due(c, "2026-02-26", 2, "2026-02-28", "Sat 02-28 counted");
	/* 2020: Spring Festival extended to 02-02 */
	check_due(c, "2020-01-23", 1, "2020-02-03", "2020 extended Spring Festival");
	/* year ends */
	check_due(c, "2025-12-31", 1, "2026-01-04", "New Year 2026: Sun 01-04 working");
	check_due(c, "2025-12-30", 2, "2026-01-04", "across 2025/2026");
	check_due(c, "2019-12-31", 1, "2020-01-02", "across 2019/2020");
	check_due(c, "2026-12-30", 1, "2026-12-31", "last loaded day");
	/* National Day 2026 and Mid-Autumn */
	check_due(c, "2026-09-30", 1, "2026-10-08", "National Day 2026");
	check_due(c, "2026-09-30", 3, "2026-10-10", "Sat 10-10 working");
	check_due(c, "2026-09-18", 1, "2026-09-20", "Sun 09-20 working, Sat 09-19 not");
	/* calendar-day periods */
	check_due_days(c, "2026-01-01", 90, "2026-04-01", "90 days ending on a working day");
	check_due_days(c, "2026-07-06", 90, "2026-10-08", "90 days ending in National Day");
	check_due_days(c, "2025-11-20", 90, "2026-02-24", "90 days ending in Spring Festival");
	check_due_days(c, "2026-02-13", 1, "2026-02-14", "ends on a 调休 Saturday");
	check_due_days(c, "2017-12-01", 45, "2018-01-15", "start before the data, end inside");
	/* missing years, never guessed */
	check_fails(c, "2026-12-30", 2, false, "缺少 2027 年的节假日安排", "count walks into 2027");
	check_fails(c, "2026-12-31", 1, false, "缺少 2027 年", "start on the last loaded day");
	check_fails(c, "2027-03-01", 1, false, "缺少 2027 年", "start in 2027");
	check_fails(c, "2017-12-29", 1, false, "缺少 2017 年", "start before the data");
	check_fails(c, "2026-10-10", 90, true, "缺少 2027 年", "calendar days into 2027");
	check_fails(c, "2026-05-06", 0, false, "至少 1 天", "N = 0 refused");
	check_fails(c, "2026-05-06", -3, false, "至少 1 天", "negative N refused");
	check_fails(c, "2026-05-06", 0, true, "至少 1 天", "calendar N = 0 refused");
	check_fails(c, "2026-02-30", 1, false, "不是", "unreal start date refused");

	struct err e = ERR_INIT;
	is_int(calendar_is_workday(c, D("2026-02-14"), &e), 1, "2026-02-14 (Sat) works");
	is_int(calendar_is_workday(c, D("2026-02-16"), &e), 0, "2026-02-16 (Mon) off");
	is_int(calendar_is_workday(c, D("2026-11-25"), &e), 1, "2026-11-25 (Wed) works");
	is_int(calendar_is_workday(c, D("2026-11-28"), &e), 0, "2026-11-28 (Sat) off");
	ok(calendar_is_workday(c, D("2027-01-04"), &e) < 0 && strstr(e.msg, "2027"), "2027 unknown: %s", e.msg);
	ok(calendar_year_loaded(c, 2018) && calendar_year_loaded(c, 2026), "2018 and 2026 loaded");
	ok(!calendar_year_loaded(c, 2027) && !calendar_year_loaded(c, 2017), "2017 and 2027 not loaded");
	is_int(calendar_first_year(c), 2018, "first year 2018");
	is_int(calendar_last_year(c), 2026, "last year 2026");
	ok(strstr(calendar_year_source(c, 2026), "《国务院办公厅关于2026年部分节假日安排的通知》") != NULL, "embedded years carry their notice, in Chinese");

	int cnt = -99;
	ok(calendar_workdays_between(c, D("2026-02-12"), D("2026-02-26"), &cnt, &e) == 0 && cnt == 5,
	   "5 working days in (02-12, 02-26] (got %d)", cnt);
	ok(calendar_workdays_between(c, D("2026-02-26"), D("2026-02-12"), &cnt, &e) == 0 && cnt == -5,
	   "reverse gives -5 (got %d)", cnt);
	ok(calendar_workdays_between(c, D("2026-12-01"), D("2027-01-05"), &cnt, &e) < 0 && strstr(e.msg, "2027"),
	   "between into 2027 fails");
}

/* ---- property tests against a naive count ---- */
static uint64_t rng_state = 0x2026112512345ULL;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static void test_properties(const struct calendar *c)
{
	int32_t lo = D("2018-01-01"), hi = D("2026-12-31");
	int bad_work = 0, bad_count = 0, bad_mono = 0, bad_naive = 0, fails = 0, cal_bad = 0;
	struct err e = ERR_INIT;
	for (int t = 0; t < 20000; t++) {
		int32_t s = lo + (int32_t)(rnd() % (uint32_t)(hi - lo - 60));
		int n = 1 + (int)(rnd() % 30);
		int32_t due, due2;
		if (calendar_due(c, s, n, &due, &e) < 0) {
			fails++;
			continue;
		}
		if (calendar_is_workday(c, due, &e) != 1)
			bad_work++;
		int k = 0;
		for (int32_t x = s + 1; x <= due; x++)
			k += calendar_is_workday(c, x, &e) == 1;
		if (k != n)
			bad_count++;
		/* naive: step day by day */
		int32_t x = s;
		for (int left = n; left > 0;)
			if (calendar_is_workday(c, ++x, &e) == 1)
				left--;
		if (x != due)
			bad_naive++;
		int32_t s2 = s + 1 + (int32_t)(rnd() % 20);
		if (calendar_due(c, s2, n, &due2, &e) == 0 && due2 < due)
			bad_mono++;
		/* calendar days: first working day at or after s + n */
		int32_t cd, y = s + n;
		while (calendar_is_workday(c, y, &e) == 0)
			y++;
		if (calendar_due_days(c, s, n, &cd, &e) < 0 || cd != y)
			cal_bad++;
	}
	is_int(fails, 0, "no failures inside 2018-2026");
	is_int(bad_work, 0, "due date is always a working day");
	is_int(bad_count, 0, "exactly N working days in (start, due]");
	is_int(bad_naive, 0, "equals the naive day-by-day count");
	is_int(bad_mono, 0, "a later start never gives an earlier due date");
	is_int(cal_bad, 0, "calendar-day periods equal the naive roll-forward");
}

/* ---- validator ---- */
static void expect_bad(const char *json, const char *needle, const char *why)
{
	struct cal_set s;
	struct err e = ERR_INIT;
	int rc = cal_set_parse(json, strlen(json), &s, &e);
	ok(rc < 0 && strstr(e.msg, needle), "%s: '%s' in '%s'", why, needle, e.msg);
	ok(s.n == 0 && s.years == NULL, "%s: set left empty", why);
}

static void test_validator(void)
{
	expect_bad("{\"years\": {\"2027\": {\"holidays\": [\"2027-01-01\",]}}}", "第 1 行", "syntax error");
	expect_bad("{\n\"years\": {\n\"2027\": {\n\"holidays\": [\n\"2027-01-01\"\n\"2027-01-02\"]}}}", "第 6 行",
		   "syntax error line");
	expect_bad("{\n \"years\": {\n  \"2027\": {\n   \"holidays\": [\n    \"2027-02-30\"\n   ]\n  }\n }\n}",
		   "第 5 行: “2027-02-30”不是真实的日期", "unreal date");
	expect_bad("{\n \"years\": {\n  \"2027\": {\n   \"holidays\": [\"2027-01-01\",\n \"2028-01-01\"]\n  }\n }\n}",
		   "第 5 行: 日期 2028-01-01 不在其所列的 2027 年内", "date outside year");
	expect_bad("{\n \"years\": {\n  \"2027\": {\n   \"workdays\": [\n\"2027-02-06\",\n\"2027-02-08\"]\n  }\n }\n}",
		   "第 6 行: 调休上班日 2027-02-08 是星期一，不是星期六或星期日", "workday on a Monday");
	expect_bad("{\n \"years\": {\n  \"2027\": {\n   \"holidays\": [\"2027-02-06\"],\n"
		   "   \"workdays\": [\n\n\"2027-02-06\"]\n  }\n }\n}",
		   "第 7 行: 日期 2027-02-06 同时列为放假日和调休上班日", "holiday and workday");
	expect_bad("{\n \"years\": {\n  \"2027\": {\n   \"holidays\": [\"2027-01-01\",\n"
		   "\"2027-01-02\",\n\"2027-01-01\"]\n  }\n }\n}",
		   "第 6 行: 日期 2027-01-01 重复列出", "duplicate date, line of the second");
	expect_bad("{\"years\": {\"20x7\": {\"holidays\": []}}}", "不是年份", "bad year key");
	expect_bad("{\"years\": {}}", "没有任何年份", "no years");
	expect_bad("[]", "对象", "not an object");
	expect_bad("{\"years\": {\"2027\": {\"holidays\": [1]}}}", "不是日期字符串", "number in list");
	expect_bad("{\"years\": {\"2027\": {\"holiday\": []}}}", "未知字段", "misspelt key");
	expect_bad("{\"years\": {\"2027\": {}, \"2027\": {}}}", "JSON", "duplicate year key");

	/* a realistic file: the embedded one with one adjusted Saturday made a Monday */
	{
		const struct embedded_file *f = embedded_find("data/holidays-cn.json");
		ok(f != NULL, "embedded file present");
		char *text = xstrdup((const char *)f->data);
		char *p = strstr(text, "\"2026-10-10\"");
		ok(p != NULL, "2026-10-10 listed");
		int line = 1;
		for (char *q = text; q < p; q++)
			line += *q == '\n';
		memcpy(p + 9, "12", 2);
		char want[200];
		snprintf(want, sizeof(want), "第 %d 行: 调休上班日 2026-10-12 是星期一", line);
		expect_bad(text, want, "embedded file with a Monday as 调休");
		free(text);
	}

	const char *good = "{\"source\": \"国务院办公厅关于2027年部分节假日安排的通知\",\n"
			   " \"years\": {\"2027\": {\"holidays\": [\"2027-01-01\", \"2027-02-06\"],"
			   " \"workdays\": [\"2027-02-07\"]}}}";
	struct cal_set s;
	struct err e = ERR_INIT;
	ok(cal_set_parse(good, strlen(good), &s, &e) == 0, "good file parses (%s)", e.msg);
	ok(s.n == 1 && s.years[0].year == 2027 && s.years[0].nhol == 2 && s.years[0].nwork == 1, "content");
	ok(s.source && strstr(s.source, "2027年"), "source kept");
	ok(s.years[0].line == 2, "year line recorded (%d)", s.years[0].line);
	cal_set_release(&s);
}

/* ---- a gap between loaded years ---- */
static void test_gap(void)
{
	struct cal_set emb, part = { 0 };
	struct err e = ERR_INIT;
	ok(calendar_embedded_set(&emb, &e) == 0, "embedded set parses");
	cal_set_put(&part, cal_set_find(&emb, 2018));
	cal_set_put(&part, cal_set_find(&emb, 2019));
	cal_set_put(&part, cal_set_find(&emb, 2021));
	struct calendar *c = calendar_build(&part, &e);
	ok(c != NULL, "built 2018, 2019, 2021");
	check_due(c, "2019-12-27", 1, "2019-12-30", "inside the first run");
	check_fails(c, "2019-12-30", 3, false, "缺少 2020 年", "count walks into the gap");
	check_fails(c, "2020-06-01", 1, false, "缺少 2020 年", "start inside the gap");
	check_due(c, "2021-02-05", 10, "2021-02-24", "second run works");
	check_fails(c, "2021-12-30", 5, false, "缺少 2022 年", "count past the end");
	struct calendar *r = calendar_ref(c);
	ok(r == c, "ref returns the calendar");
	calendar_unref(c);
	check_due(r, "2018-02-09", 1, "2018-02-11", "still usable after one unref");
	calendar_unref(r);
	cal_set_release(&part);
	cal_set_release(&emb);
	struct cal_set none = { 0 };
	ok(calendar_build(&none, &e) == NULL, "empty set refused");
}

/* ---- imports ---- */
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

static long long count(struct db *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}

static void expect_import_refused(struct db *db, const char *json, bool replace, const char *source,
				  const char *needle, const char *why)
{
	long long y = count(db, "calendar_years"), d = count(db, "calendar_days"), ch = count(db, "calendar_changes"),
		  lg = count(db, "op_log");
	struct err e = ERR_INIT;
	int rc = calendar_import(db, json, strlen(json), source, "admin", replace, NULL, &e);
	ok(rc < 0 && strstr(e.msg, needle), "import refused, %s: '%s' in '%s'", why, needle, e.msg);
	ok(count(db, "calendar_years") == y && count(db, "calendar_days") == d &&
	   count(db, "calendar_changes") == ch && count(db, "op_log") == lg, "%s: nothing changed", why);
}

static const char *Y2027 =
	"{\n"
	" \"years\": {\n"
	"  \"2027\": {\n"
	"   \"holidays\": [\"2027-01-01\", \"2027-01-02\", \"2027-01-03\", \"2027-02-06\", \"2027-02-07\",\n"
	"                \"2027-02-08\", \"2027-02-09\", \"2027-02-10\", \"2027-02-11\", \"2027-02-12\"],\n"
	"   \"workdays\": [\"2027-02-13\"]\n"
	"  }\n"
	" }\n"
	"}\n";

static void test_import(void)
{
	struct db *db = test_db_open();
	struct err e = ERR_INIT;
	const char *src = "国务院办公厅关于2027年部分节假日安排的通知(测试)";

	expect_import_refused(db, "{\"years\": {\"2027\": {\"holidays\": [\"2027-13-01\"]}}}", false, src,
			      "第 1 行: “2027-13-01”不是真实的日期", "bad date");
	expect_import_refused(db, "{\n\"years\": {\"2027\": {\"holidays\": [\"2027-01-01\"]},\n"
			      "\"2028\": {\"workdays\": [\n\"2028-01-03\"]}}}", false, src,
			      "第 4 行: 调休上班日 2028-01-03 是星期一", "second year bad: whole file refused");
	expect_import_refused(db, Y2027, false, NULL, "缺少来源通知", "missing source");
	expect_import_refused(db, Y2027, false, "", "缺少来源通知", "empty source");
	expect_import_refused(db, "{\"years\": {\"2026\": {\"holidays\": [\"2026-01-01\"]}}}", false, src,
			      "第 1 行: 2026 年的节假日安排已存在", "embedded year without --replace");
	expect_import_refused(db, "{not json", false, src, "不是合法的 JSON", "malformed JSON");

	struct calendar *c = NULL;
	ok(calendar_load(db, &c, &e) == 0 && !calendar_year_loaded(c, 2027), "before import: no 2027");
	calendar_unref(c);

	struct calendar_import_result res;
	ok(calendar_import(db, Y2027, strlen(Y2027), src, "admin", false, &res, &e) == 0, "good import (%s)", e.msg);
	is_str(res.years, "2027", "result years");
	is_str(res.action, "add", "result action add");
	is_int(res.holidays, 10, "10 holidays");
	is_int(res.workdays, 1, "1 workday");
	is_int(count(db, "calendar_years"), 1, "one year stored");
	is_int(count(db, "calendar_days"), 11, "11 days stored");
	struct db_res *r = NULL;
	ok(db_query(db, &r, "SELECT by_user, action, years, source, detail FROM calendar_changes ORDER BY id") == 0 &&
	   r->nrows == 1, "change recorded");
	if (r && r->nrows == 1) {
		is_str(db_text(r, 0, 0), "admin", "who");
		is_str(db_text(r, 0, 1), "add", "action");
		is_str(db_text(r, 0, 2), "2027", "years");
		is_str(db_text(r, 0, 3), src, "source");
		ok(strstr(db_text(r, 0, 4), "新增 2027") != NULL, "detail: %s", db_text(r, 0, 4));
	}
	db_res_free(r);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM op_log WHERE action = 'calendar.import' AND object_id = '2027'",
			     (const struct db_val[]){ DB_END }), 1, "op_log row written");

	ok(calendar_load(db, &c, &e) == 0, "load after import");
	ok(calendar_year_loaded(c, 2027), "2027 loaded");
	is_str(calendar_year_source(c, 2027), src, "2027 source from the import");
	check_due(c, "2026-12-31", 1, "2027-01-04", "into 2027 after import");
	check_due(c, "2027-02-05", 1, "2027-02-13", "Sat 2027-02-13 works (imported)");
	check_fails(c, "2027-12-31", 1, false, "缺少 2028 年", "2028 still missing");
	calendar_unref(c);

	/* again without --replace: refused; with it: replaced */
	expect_import_refused(db, Y2027, false, src, "第 3 行: 2027 年的节假日安排已存在；如需替换，请明确选择替换已有年份",
			      "existing year");
	{
		struct calendar_import_result cres;
		struct err ce = ERR_INIT;
		ok(calendar_import(db, Y2027, strlen(Y2027), src, "admin", false, &cres, &ce) < 0 &&
		   ce.kind == ERR_CONFLICT && str_eq(ce.field, "file"), "existing year: ERR_CONFLICT on field file");
		ok(cres.conflict_year == 2027 && cres.conflict_line == 3, "result names the conflicting year and line");
		ok(strstr(ce.msg, "--") == NULL, "domain message names no command-line flag");
		ok(calendar_import(db, Y2027, strlen(Y2027), NULL, "admin", false, &cres, &ce) < 0 &&
		   str_eq(ce.field, "source") && strstr(ce.msg, "--") == NULL && cres.conflict_year == 0,
		   "missing source: neutral message, no conflict reported (%s)", ce.msg);
	}
	const char *fix = "{\"years\": {\"2027\": {\"holidays\": [\"2027-01-01\"], \"workdays\": []}}}";
	ok(calendar_import(db, fix, strlen(fix), "修订通知", "admin", true, &res, &e) == 0, "replace works (%s)", e.msg);
	is_str(res.action, "replace", "action replace");
	is_int(count(db, "calendar_days"), 1, "old days of 2027 gone");
	ok(calendar_load(db, &c, &e) == 0, "load after replace");
	check_due(c, "2027-02-05", 1, "2027-02-08", "replaced arrangement in force");
	calendar_unref(c);

	/* replacing an embedded year overrides it */
	const char *y2026 = "{\"years\": {\"2026\": {\"holidays\": [\"2026-01-01\"]}}}";
	ok(calendar_import(db, y2026, strlen(y2026), "测试替换", "", true, &res, &e) == 0, "replace embedded 2026");
	ok(calendar_load(db, &c, &e) == 0, "load");
	struct err e2 = ERR_INIT;
	is_int(calendar_is_workday(c, D("2026-02-16"), &e2), 1, "imported 2026 replaces the embedded one");
	calendar_unref(c);
	is_int(count(db, "calendar_changes"), 3, "three changes recorded");
	test_db_close(db);
}

/* ---- the command ---- */
/* The binary under test: $ZHIFA_BIN, default ./build/asan/zhifa. */
static const char *zhifa_bin(void)
{
	const char *b = getenv("ZHIFA_BIN");
	return str_empty(b) ? "./build/asan/zhifa" : b;
}

static int run(const char *args, char *out, size_t outsz)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s calendar %s 2>&1", zhifa_bin(), args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, outsz - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void)
{
	char out[4096];
	unsetenv("ZHIFA_DB"); /* --data must decide the database here */
	if (access(zhifa_bin(), X_OK) != 0) {
		ok(0, "%s exists (run from the repository root)", zhifa_bin());
		return;
	}
	is_int(run("due 2019-01-31 7", out, sizeof(out)), 0, "due exit 0");
	is_str(out, "2019-02-14\n", "due prints the date");
	is_int(run("due 2026-07-06 90 --calendar-days", out, sizeof(out)), 0, "calendar-days exit 0");
	is_str(out, "2026-10-08\n", "calendar-days result");
	is_int(run("is-workday 2026-02-14", out, sizeof(out)), 0, "is-workday exit 0");
	is_str(out, "yes\n", "Sat 2026-02-14 yes");
	is_int(run("is-workday 2026-10-01", out, sizeof(out)), 0, "is-workday exit 0");
	is_str(out, "no\n", "National Day no");
	is_int(run("due 2026-12-31 1", out, sizeof(out)), 0, "a year not loaded: provisional, exit 0");
	ok(strstr(out, "2027-01-04") != NULL && strstr(out, "暂定：2027 年节假日安排尚未载入") != NULL,
	   "provisional date and warning: %s", out);
	is_int(run("due 2026-12-31 1 --strict", out, sizeof(out)), 1, "--strict: missing year exit 1");
	ok(strstr(out, "缺少 2027 年的节假日安排") != NULL, "missing year message: %s", out);
	is_int(run("due 2026-05-06 0", out, sizeof(out)), 1, "N = 0 exit 1");
	ok(strstr(out, "至少 1 天") != NULL, "N = 0 message");
	is_int(run("due 2026-02-30 3", out, sizeof(out)), 1, "bad date exit 1");
	is_int(run("due 2026-05-06", out, sizeof(out)), 2, "missing N exit 2");
	is_int(run("due 2026-05-06 abc", out, sizeof(out)), 2, "non-numeric N exit 2");
	is_int(run("frobnicate", out, sizeof(out)), 2, "unknown subcommand exit 2");
	is_int(run("due 2026-05-06 3 --bogus", out, sizeof(out)), 2, "unknown option exit 2");
	is_int(run("is-workday 2027-01-04", out, sizeof(out)), 0, "is-workday in a year not loaded: exit 0");
	ok(strstr(out, "yes\n") == out && strstr(out, "暂定"), "… yes, provisionally: %s", out);
	is_int(run("is-workday 2027-01-04 --strict", out, sizeof(out)), 1, "is-workday --strict: missing year exit 1");

	/* import into a data folder, then due with --data */
	char dir[128], file[200], args[600];
	snprintf(dir, sizeof(dir), "/tmp/zhifa_test_calcli_%d", (int)getpid());
	snprintf(file, sizeof(file), "%s/y2027.json", dir);
	char rm[300];
	snprintf(rm, sizeof(rm), "rm -rf %s && mkdir -p %s", dir, dir);
	ok(system(rm) == 0, "data folder created");
	FILE *f = fopen(file, "w");
	fputs(Y2027, f);
	fclose(f);
	snprintf(args, sizeof(args), "import %s --data %s", file, dir);
	is_int(run(args, out, sizeof(out)), 1, "import without source exit 1");
	ok(strstr(out, "缺少来源通知") != NULL, "names the missing source");
	ok(strstr(out, "--source") != NULL, "CLI suggests --source");
	snprintf(args, sizeof(args), "import %s --source 国务院办公厅关于2027年部分节假日安排的通知 --data %s --by admin",
		 file, dir);
	is_int(run(args, out, sizeof(out)), 0, "import exit 0");
	ok(strstr(out, "已导入 2027 年的节假日安排") != NULL, "import reports what it did");
	is_int(run(args, out, sizeof(out)), 1, "second import refused");
	ok(strstr(out, "--replace") != NULL && strstr(out, "已存在") != NULL, "names the year present, suggests --replace");
	snprintf(args, sizeof(args), "due 2026-12-31 1 --data %s", dir);
	is_int(run(args, out, sizeof(out)), 0, "due with --data exit 0");
	is_str(out, "2027-01-04\n", "uses the imported year");
	snprintf(args, sizeof(args), "import %s --data %s/nonexistent --source x", file, dir);
	is_int(run(args, out, sizeof(out)), 1, "missing data folder exit 1");
	snprintf(args, sizeof(args), "import %s --source x", file);
	is_int(run(args, out, sizeof(out)), 2, "import without --data exit 2");
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	ok(system(rm) == 0, "cleaned up");
}

/* The statutory days of a year as "MM-DD,MM-DD,…". */
static void statutory_str(int year, char *out, size_t n)
{
	struct cal_year y;
	struct err e = ERR_INIT;
	out[0] = 0;
	if (statutory_year(year, &y, &e) < 0) {
		snprintf(out, n, "%s", e.msg);
		return;
	}
	size_t off = 0;
	for (int i = 0; i < y.nhol && off + 7 < n; i++) {
		char d[11];
		cal_date_format(y.hol[i], d);
		off += (size_t)snprintf(out + off, n - off, "%s%s", i ? "," : "", d + 5);
	}
	free(y.hol);
	free(y.work);
	free(y.source);
}

/* Provisional years: the statutory holidays of 《全国年节及纪念日放假办法》
 * art. 2 (国务院令第795号 from 2025, 第644号 before), computed with
 * liblunar-date, checked against the State Council notices embedded for
 * 2018-2026 and against lunar dates known for 2027/2028. */
static void test_provisional(const struct calendar *c)
{
	char got[400];
	/* 2027: 春节 2027-02-06 (除夕 02-05), 清明 04-05, 端午 06-09, 中秋 09-15 */
	statutory_str(2027, got, sizeof(got));
	is_str(got, "01-01,02-05,02-06,02-07,02-08,04-05,05-01,05-02,06-09,09-15,10-01,10-02,10-03",
	       "2027 statutory holidays (795号: 13 days)");
	/* 2028: 春节 01-26, 清明 04-04, 端午 05-28, 中秋 10-03 falls on 国庆 (one day off, counted once) */
	statutory_str(2028, got, sizeof(got));
	is_str(got, "01-01,01-25,01-26,01-27,01-28,04-04,05-01,05-02,05-28,10-01,10-02,10-03",
	       "2028: 中秋 on 10-03 coincides with 国庆 and counts once");
	/* 2020 under 644号: no 除夕, 劳动节 one day */
	statutory_str(2020, got, sizeof(got));
	is_str(got, "01-01,01-25,01-26,01-27,04-04,05-01,06-25,10-01,10-02,10-03",
	       "2020 under 国务院令第644号 (春节 3 days, 劳动节 1 day; 中秋 10-01 on 国庆)");
	statutory_str(2013, got, sizeof(got));
	ok(strstr(got, "不在法定节假日规则的适用范围内") != NULL, "2013 is before the rules: %s", got);
	is_int(statutory_first_year(), 2014, "rules begin in 2014");

	/* every statutory day of 2018-2026 is a day off in the State Council's notice */
	struct cal_set set;
	struct err e = ERR_INIT;
	ok(calendar_embedded_set(&set, &e) == 0, "embedded set parsed");
	int checked = 0, wrong = 0;
	for (int yr = 2019; yr <= 2026; yr++) {
		const struct cal_year *off = cal_set_find(&set, yr);
		struct cal_year st;
		if (!off || statutory_year(yr, &st, &e) < 0) {
			wrong++;
			continue;
		}
		for (int i = 0; i < st.nhol; i++) {
			bool in = false;
			for (int j = 0; j < off->nhol; j++)
				in |= off->hol[j] == st.hol[i];
			checked++;
			if (!in) {
				char d[11];
				cal_date_format(st.hol[i], d);
				printf("# statutory %s is not a day off in the %d notice\n", d, yr);
				wrong++;
			}
		}
		free(st.hol);
		free(st.work);
		free(st.source);
	}
	cal_set_release(&set);
	ok(checked >= 8 * 10 && wrong == 0, "%d statutory days 2019-2026 all official days off (%d wrong)", checked, wrong);

	/* counting into 2027 (not loaded) */
	int32_t due;
	struct cal_basis b;
	ok(calendar_due_ex(c, D("2026-12-15"), 20, false, 0, &due, &b, &e) == 0, "due into 2027 provisionally (%s)", e.msg);
	char ds[11];
	cal_date_format(due, ds);
	is_str(ds, "2027-01-13", "2026-12-15 + 20 working days = 2027-01-13 (元旦 skipped)");
	ok(b.provisional && b.nyears == 1 && b.years[0] == 2027, "… provisional, naming 2027");
	char note[512];
	cal_basis_note(&b, note, sizeof(note));
	ok(strstr(note, "暂定：2027 年节假日安排尚未载入") == note, "note: %s", note);
	ok(calendar_due_ex(c, D("2026-12-15"), 20, false, CAL_STRICT, &due, &b, &e) < 0 &&
	   strstr(e.msg, "缺少 2027 年的节假日安排"), "CAL_STRICT refuses: %s", e.msg);
	ok(calendar_due_ex(c, D("2026-06-01"), 5, false, 0, &due, &b, &e) == 0 && !b.provisional,
	   "a count inside loaded years is not provisional");
	cal_basis_note(&b, note, sizeof(note));
	is_str(note, "", "… and has no note");
	/* 7 working days from the eve of Spring Festival 2027 (Thursday 02-04):
	 * 02-05 除夕, 02-08 初三 off; weekends 02-06/07 */
	ok(calendar_due_ex(c, D("2027-02-04"), 7, false, 0, &due, &b, &e) == 0, "due inside 2027");
	cal_date_format(due, ds);
	is_str(ds, "2027-02-17", "7 working days over Spring Festival 2027 (provisional)");
	ok(calendar_due_ex(c, D("2026-12-25"), 10, true, 0, &due, &b, &e) == 0 && b.provisional, "calendar days into 2027");
	cal_date_format(due, ds);
	is_str(ds, "2027-01-04", "10 calendar days end on 2027-01-04 (01-01 was Friday)");
	is_int(calendar_is_workday_ex(c, D("2027-02-05"), 0, &b, &e), 0, "2027-02-05 (除夕) is off");
	ok(b.provisional, "… provisionally");
	is_int(calendar_is_workday_ex(c, D("2027-02-20"), 0, &b, &e), 0, "2027-02-20 (Saturday): no 调休 guessed");
	is_int(calendar_is_workday_ex(c, D("2027-02-10"), 0, &b, &e), 1, "2027-02-10 is a working day");
	int cnt = 0;
	ok(calendar_workdays_between_ex(c, D("2026-12-31"), D("2027-01-08"), 0, &cnt, &b, &e) == 0 && cnt == 5 &&
	   b.provisional, "5 working days in (2026-12-31, 2027-01-08] (got %d)", cnt);
	ok(calendar_is_workday_ex(c, D("2032-01-05"), 0, &b, &e) < 0 && strstr(e.msg, "2032"),
	   "years far ahead stay unknown: %s", e.msg);
	ok(calendar_year_provisional(c, 2027) && !calendar_year_provisional(c, 2026), "2027 provisional, 2026 loaded");
	ok(strstr(calendar_provisional_source(c, 2027), "国务院令第795号") != NULL, "provisional source names its basis");

	/* once 2027 is loaded, nothing is provisional */
	struct cal_set s2;
	ok(calendar_embedded_set(&s2, &e) == 0, "embedded set");
	struct cal_year y27 = { .year = 2027, .source = (char *)"测试通知" };
	int32_t hol[] = { D("2027-01-01") }, work[] = { D("2027-02-20") };
	y27.hol = hol;
	y27.nhol = 1;
	y27.work = work;
	y27.nwork = 1;
	cal_set_put(&s2, &y27);
	struct calendar *c2 = calendar_build(&s2, &e);
	cal_set_release(&s2);
	ok(c2 && calendar_due_ex(c2, D("2026-12-15"), 20, false, 0, &due, &b, &e) == 0 && !b.provisional,
	   "with 2027 loaded the count is not provisional");
	is_int(calendar_is_workday_ex(c2, D("2027-02-20"), 0, &b, &e), 1, "the loaded 2027's 调休 Saturday counts");
	calendar_unref(c2);
}

int main(void)
{
	struct err e = ERR_INIT;
	const struct calendar *c = calendar_embedded(&e);
	ok(c != NULL, "embedded calendar builds (%s)", e.msg);
	if (!c)
		return tap_done();
	ok(calendar_embedded(&e) == c, "embedded calendar is built once");
	test_dates();
	test_examples_file(c);
	test_own_examples(c);
	test_properties(c);
	test_validator();
	test_gap();
	test_provisional(c);
	test_import();
	test_cli();
	return tap_done();
}
