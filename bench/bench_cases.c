/*
 * bench_cases.c - the case list (case_list) over a large register, one
 * "name value" line per figure:
 *   cases.build_seconds               time to load BENCH_CASES_N cases (100,000
 *                                     by default) with 10 acts each (1,000,000),
 *                                     two officers, a party, a matter and a clock
 *                                     each (bulk SQL, not the domain: the
 *                                     figures are about reading)
 *   cases.list.NAME.p50_ms / .p99_ms  server time of case_list for one reader
 *                                     and filter (NAME below), 200 samples
 *                                     over random pages of the first 50
 *   cases.list.NAME.cpu_p50_ms / .cpu_p99_ms  the same as CPU time of this
 *                                     process (SQLite runs in it), which a
 *                                     loaded machine disturbs less
 * On SQLite in a temporary file, or on PostgreSQL when BENCH_DB_URL is set
 * (a database that is emptied: give a scratch one).
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include "people/people.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include "cases/party.h"
#include "records/records.h"
#include "review/flow.h"
#include "cases/procedure.h"
#include "cases/cases.h"
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static void must(int rc, struct db *db, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "bench_cases: %s: %s\n", what, db_errmsg(db));
		exit(1);
	}
}

struct unitset {
	long long unit, officers[2], matter;
};

#define ROWS 100

static void load(struct db *db, long long n)
{
	static const char *const units[][4] = {
		{ "jnc", "jn.zhang", "jn.liu", "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚" },
		{ "aqc", "aq.ma", "aq.zhu", "民用爆炸物品生产、销售安全监督检查" },
		{ "wxdj-jc", "wx.li", "wx.zhao", "对擅自设置、使用无线电台(站)的行政处罚" },
		{ "gfkgj", "gf.wu", "gf.xu", "武器装备科研生产许可(初审)" },
	};
	struct unitset us[4];
	for (int i = 0; i < 4; i++) {
		us[i].unit = people_unit_by_code(db, units[i][0]);
		us[i].officers[0] = people_user_by_username(db, units[i][1]);
		us[i].officers[1] = people_user_by_username(db, units[i][2]);
		us[i].matter = db_scalar_int(db, 0, "SELECT id FROM pub_items WHERE kind = 'matter' AND name = ?",
					     (const struct db_val[]){ DB_TEXT(units[i][3]), DB_END });
	}
	long long body = people_unit_body(db, us[0].unit);
	long long proc = db_scalar_int(db, 0, "SELECT id FROM procedures WHERE code = 'penalty_general'",
				       (const struct db_val[]){ DB_END });
	long long rule = db_scalar_int(db, 0, "SELECT id FROM deadline_rules WHERE event_code = 'case_penalty_decision'",
				       (const struct db_val[]){ DB_END });
	long long parties[8];
	int np = 0;
	struct db_res *r;
	must(db_query(db, &r, "SELECT id FROM parties ORDER BY id LIMIT 8"), db, "parties");
	for (int i = 0; i < r->nrows; i++)
		parties[np++] = db_int(r, i, 0);
	db_res_free(r);
	if (np == 0 || proc <= 0 || rule <= 0) {
		fprintf(stderr, "bench_cases: demo data missing\n");
		exit(1);
	}
	static const char *const stages[] = { "filing", "investigation", "notice", "hearing", "legal_review",
					      "decision", "service", "execution" };
	struct db_val *p = xcalloc(ROWS * 16 + 1, sizeof *p);
	struct buf sql;
	buf_init(&sql, 0);
	char (*dates)[11] = xcalloc(ROWS, sizeof *dates);
	char (*titles)[64] = xcalloc(ROWS, sizeof *titles);
	char (*idtext)[24] = xcalloc(ROWS, sizeof *idtext);
	long long first = 0;
	for (long long base = 0; base < n; base += ROWS) {
		if (base % 10000 == 0)
			must(db_begin(db), db, "begin");
		int k = (int)(n - base < ROWS ? n - base : ROWS);
		/* cases */
		buf_reset(&sql);
		buf_puts(&sql, "INSERT INTO cases(procedure_id, procedure_code, kind, body_unit_id, unit_id, title, source,"
			       " source_date, stage, status, row_version, opened_on, last_act_on, created_at, updated_at) VALUES ");
		size_t q = 0;
		for (int i = 0; i < k; i++) {
			long long c = base + i;
			struct unitset *u = &us[c % 4];
			int day = (int)(c % 330);
			snprintf(dates[i], 11, "2026-%02d-%02d", 1 + day / 28 % 12, 1 + day % 28);
			snprintf(titles[i], 64, "压力测试案件 %lld", c);
			buf_puts(&sql, i ? ",(?,'penalty_general','penalty',?,?,?,'inspection',?,?,?,10,?,?,?,?)"
					 : "(?,'penalty_general','penalty',?,?,?,'inspection',?,?,?,10,?,?,?,?)");
			p[q++] = DB_INT(proc);
			p[q++] = DB_INT(body);
			p[q++] = DB_INT(u->unit);
			p[q++] = DB_TEXT(titles[i]);
			p[q++] = DB_TEXT(dates[i]);
			p[q++] = DB_TEXT(stages[c / 4 % 8]);
			p[q++] = DB_TEXT(c % 10 == 9 ? "closed" : "open");
			p[q++] = DB_TEXT(dates[i]);
			p[q++] = DB_TEXT(dates[i]);
			p[q++] = DB_TEXT("2026-11-01T00:00:00Z");
			p[q++] = DB_TEXT("2026-11-01T00:00:00Z");
		}
		buf_puts(&sql, " RETURNING id");
		p[q] = DB_END;
		must(db_query_a(db, buf_str(&sql), p, &r), db, "cases");
		first = db_int(r, 0, 0);
		db_res_free(r);
		/* officers, party, matter, clock */
		const char *const child[] = {
			"INSERT INTO case_officers(case_id, user_id, since_act) VALUES ",
			"INSERT INTO case_parties(case_id, party_id, party_version, role, since_act) VALUES ",
			"INSERT INTO case_matters(case_id, item_id, item_version, category) VALUES ",
			"INSERT INTO deadlines(rule_id, unit_id, object_type, object_id, started_on, due_on, state, created_at) VALUES ",
		};
		for (int t = 0; t < 4; t++) {
			buf_reset(&sql);
			buf_puts(&sql, child[t]);
			q = 0;
			for (int i = 0; i < k; i++) {
				long long c = base + i, id = first + i;
				struct unitset *u = &us[c % 4];
				switch (t) {
				case 0:
					buf_puts(&sql, i ? ",(?,?,1),(?,?,1)" : "(?,?,1),(?,?,1)");
					p[q++] = DB_INT(id);
					p[q++] = DB_INT(u->officers[0]);
					p[q++] = DB_INT(id);
					p[q++] = DB_INT(u->officers[1]);
					break;
				case 1:
					buf_puts(&sql, i ? ",(?,?,1,'party',1)" : "(?,?,1,'party',1)");
					p[q++] = DB_INT(id);
					p[q++] = DB_INT(parties[c % np]);
					break;
				case 2:
					buf_puts(&sql, i ? ",(?,?,1,'penalty')" : "(?,?,1,'penalty')");
					p[q++] = DB_INT(id);
					p[q++] = DB_INT(u->matter);
					break;
				default:
					snprintf(idtext[i], 24, "%lld", id);
					buf_puts(&sql, i ? ",(?,?,'case',?,?,?,?,'2026-11-01T00:00:00Z')"
							 : "(?,?,'case',?,?,?,?,'2026-11-01T00:00:00Z')");
					p[q++] = DB_INT(rule);
					p[q++] = DB_INT(u->unit);
					p[q++] = DB_TEXT(idtext[i]);
					p[q++] = DB_TEXT(dates[i]);
					p[q++] = DB_TEXT(dates[i]);
					p[q++] = DB_TEXT(c % 10 == 9 ? "met" : c % 7 == 0 ? "overdue" : c % 5 == 0 ? "due_soon" : "open");
				}
			}
			p[q] = DB_END;
			must(db_query_a(db, buf_str(&sql), p, NULL), db, "children");
		}
		/* ten acts per case */
		for (int rep = 0; rep < 10; rep++) {
			buf_reset(&sql);
			buf_puts(&sql, "INSERT INTO case_acts(case_id, seq, type, on_date, at, by_user, stage_to, row_version,"
				       " detail) VALUES ");
			q = 0;
			for (int i = 0; i < k; i++) {
				long long c = base + i;
				buf_puts(&sql, i ? ",(?,?,?,?,'2026-11-01T00:00:00Z',?,?,?,'{}')"
						 : "(?,?,?,?,'2026-11-01T00:00:00Z',?,?,?,'{}')");
				p[q++] = DB_INT(first + i);
				p[q++] = DB_INT(rep + 1);
				p[q++] = DB_TEXT(rep == 0 ? "opened" : "stage");
				p[q++] = DB_TEXT(dates[i]);
				p[q++] = DB_INT(us[c % 4].officers[0]);
				p[q++] = DB_TEXT(stages[(c + (long long)rep) % 8]);
				p[q++] = DB_INT(rep + 1);
			}
			p[q] = DB_END;
			must(db_query_a(db, buf_str(&sql), p, NULL), db, "acts");
		}
		if ((base + ROWS) % 10000 == 0 || base + ROWS >= n)
			must(db_commit(db), db, "commit");
	}
	free(p);
	free(dates);
	free(titles);
	free(idtext);
	buf_release(&sql);
	if (db_kind(db) == DB_PG)
		db_exec_script(db, "ANALYZE");
	else
		db_exec_script(db, "ANALYZE");
}

static void measure(struct db *db, const char *name, const char *username, struct case_filter f)
{
	struct actor a;
	if (people_actor_load(db, people_user_by_username(db, username), &a) < 0) {
		fprintf(stderr, "bench_cases: no user %s\n", username);
		exit(1);
	}
	enum { N = 200 };
	double t[N], cpu[N];
	long long total = 0;
	for (int i = 0; i < N; i++) {
		f.page = 1 + (int)(rnd() % 50);
		json_t *out = NULL;
		struct err e = ERR_INIT;
		double t0 = now_s(), c0 = cpu_s();
		if (case_list(db, &a, &f, &out, &e) < 0) {
			fprintf(stderr, "bench_cases: %s: %s\n", name, e.msg);
			exit(1);
		}
		t[i] = (now_s() - t0) * 1000.0;
		cpu[i] = (cpu_s() - c0) * 1000.0;
		total = json_integer_value(json_object_get(out, "total"));
		json_decref(out);
	}
	qsort(t, N, sizeof t[0], cmp_d);
	qsort(cpu, N, sizeof cpu[0], cmp_d);
	printf("cases.list.%s.p50_ms %.2f\n", name, t[N / 2]);
	printf("cases.list.%s.p99_ms %.2f\n", name, t[N * 99 / 100]);
	printf("cases.list.%s.cpu_p50_ms %.2f\n", name, cpu[N / 2]);
	printf("cases.list.%s.cpu_p99_ms %.2f\n", name, cpu[N * 99 / 100]);
	printf("cases.list.%s.total %lld\n", name, total);
}

int main(void)
{
	const char *url = getenv("BENCH_DB_URL");
	char path[] = "/tmp/zhifa-bench-cases-XXXXXX.db";
	char *own = NULL;
	if (str_empty(url)) {
		int fd = mkstemps(path, 3);
		if (fd < 0)
			return 1;
		close(fd);
		own = xasprintf("sqlite:%s", path);
		url = own;
	}
	long long n = 100000;
	const char *ns = getenv("BENCH_CASES_N");
	if (!str_empty(ns) && str_to_ll(ns, 100, 10000000, &n) < 0)
		n = 100000;
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(url, &err);
	if (!db || db_migrate(db, &err) < 0) {
		fprintf(stderr, "bench_cases: %s\n", buf_str(&err));
		return 1;
	}
	struct err e = ERR_INIT;
	/* BENCH_SQLITE_CACHE=1: a 64 MiB page cache and memory-mapped reads (not the driver's default) */
	if (db_kind(db) == DB_SQLITE && !str_empty(getenv("BENCH_SQLITE_CACHE")))
		db_exec_script(db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;");
	records_init(); /* the requirement types the default procedures name */
	review_init();
	if (people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 || party_demo_seed(db, &e) < 0 ||
	    procedure_ensure_defaults(db, NULL, &e) < 0) {
		fprintf(stderr, "bench_cases: demo: %s\n", e.msg);
		return 1;
	}
	double t0 = now_s();
	load(db, n);
	printf("cases.build_seconds %.1f\n", now_s() - t0);
	long long party = db_scalar_int(db, 0, "SELECT MIN(id) FROM parties", (const struct db_val[]){ DB_END });
	long long officer = people_user_by_username(db, "aq.ma");
	measure(db, "officer_default", "jn.zhang", (struct case_filter){ 0 });
	measure(db, "head_stage", "jn.head", (struct case_filter){ .stage = "hearing" });
	measure(db, "leader_default", "fenguan", (struct case_filter){ 0 });
	measure(db, "leader_overdue", "fenguan", (struct case_filter){ .due = "overdue" });
	measure(db, "leader_party", "fenguan", (struct case_filter){ .party_id = party });
	measure(db, "leader_officer", "fenguan", (struct case_filter){ .officer_id = officer });
	measure(db, "leader_kind_sort_title", "fenguan", (struct case_filter){ .kind = "penalty", .sort = "title", .asc = true });
	measure(db, "supervisor_q", "jiandu", (struct case_filter){ .q = "测试案件 9" });
	db_close(db);
	if (own) {
		if (!str_empty(getenv("BENCH_KEEP")))
			fprintf(stderr, "kept %s\n", path);
		else
			unlink(path);
		free(own);
	}
	buf_release(&err);
	return 0;
}
