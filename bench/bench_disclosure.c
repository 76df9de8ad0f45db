/*
 * bench_disclosure.c - the public side of 事后公开 at province scale: the
 * search, list and detail of BENCH_DISCLOSURE_N published decisions
 * (1,000,000 by default), one "name value" line per figure:
 *   disclosure.build_seconds        time to load them (bulk SQL: decisions,
 *                                   versions, search rows and bigram terms
 *                                   computed by the indexer's own functions)
 *   disclosure.terms                rows of the bigram index
 *   disclosure.search.p50_ms / .p99_ms      server time of one search page
 *                                   (portal_decisions_list with q: index,
 *                                   text check and the page's rows), over
 *                                   BENCH_SAMPLES (300) queries cycling
 *                                   through the words below
 *   disclosure.search.WORD.p99_ms   the same per query word (ASCII names)
 *   disclosure.list.first.p50_ms / .p99_ms  the first page of the list
 *   disclosure.list.deep.p50_ms / .p99_ms   a page at a random position
 *                                   among the oldest 10 % (the millionth item)
 *   disclosure.list.unit_kind.p50_ms / .p99_ms  filtered by division and kind
 *   disclosure.detail.p50_ms / .p99_ms      one decision with its versions
 * On SQLite in a temporary file, or in BENCH_DB_URL (SQLite or PostgreSQL:
 * an empty scratch database; with BENCH_REUSE=1 the decisions a previous run
 * left there are measured again instead).
 *
 *   bench_disclosure --seed DBURL N
 * only loads N decisions into an existing zhifa database (for the HTTP
 * figures of scripts/run-bench.sh) and prints the id of one of them.
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "disclosure/portal.h"
#include "disclosure/search.h"
#include "calendar/calendar.h"
#include "../tests/unit/disclosure_fixture.h"
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
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
		fprintf(stderr, "bench_disclosure: %s: %s\n", what, db_errmsg(db));
		exit(1);
	}
}

/* ---- generated decisions ---- */

static const char *const cities[] = { "昆明", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧", "楚雄", "红河",
				      "文山", "大理", "德宏", "怒江", "迪庆", "西双版纳" };
static const char *const chars[] = { "华", "盛", "源", "达", "新", "宏", "兴", "昌", "泰", "恒", "金", "鑫", "丰", "瑞",
				     "通", "安", "鸿", "福", "祥", "利", "永", "嘉", "东", "南", "远", "博", "创", "德",
				     "信", "诚", "明", "光", "天", "海", "云", "峰", "宇", "川", "森", "林" };
static const char *const trades[] = { "化工", "电子", "机械", "科技", "通信", "矿业", "建材", "印刷", "电器", "能源",
				      "钢铁", "纺织" };
static const char *const forms[] = { "有限公司", "股份有限公司", "厂", "有限责任公司" };
static const struct { const char *act, *basis, *cat; } acts[] = {
	{ "超量储存危险化学品", "《危险化学品安全管理条例》第八十条", "罚款" },
	{ "擅自设置使用无线电台站", "《中华人民共和国无线电管理条例》第七十条", "罚款" },
	{ "未按规定报送统计资料", "《中华人民共和国统计法》第四十一条", "警告" },
	{ "生产不符合强制性标准的产品", "《中华人民共和国工业产品生产许可证管理条例》第四十六条", "没收违法所得" },
	{ "未取得许可生产民用爆炸物品", "《民用爆炸物品安全管理条例》第四十四条", "罚款" },
	{ "违规使用无线电频率", "《中华人民共和国无线电管理条例》第七十一条", "警告" },
	{ "超过能耗限额标准用能", "《中华人民共和国节约能源法》第七十二条", "罚款" },
	{ "使用国家明令淘汰的用能设备", "《中华人民共和国节约能源法》第七十一条", "责令停止使用" },
	{ "未按规定进行监控化学品申报", "《中华人民共和国监控化学品管理条例》第二十二条", "警告" },
	{ "销售未经型号核准的无线电发射设备", "《中华人民共和国无线电管理条例》第七十三条", "罚款" },
};

struct gen {
	char party[96], title[192], no[64], date[11], act[96], cat[32];
	const char *kind;
	char *content;
	char sha[65];
	char *text;
	long long *terms;
	size_t nterms;
};

static void gen_one(long long i, long long n, struct gen *g)
{
	snprintf(g->party, sizeof g->party, "%s%s%s%s%s", cities[rnd() % ARRAY_SIZE(cities)],
		 chars[rnd() % ARRAY_SIZE(chars)], chars[rnd() % ARRAY_SIZE(chars)], trades[rnd() % ARRAY_SIZE(trades)],
		 forms[rnd() % ARRAY_SIZE(forms)]);
	size_t a = rnd() % ARRAY_SIZE(acts);
	bool licence = i % 5 == 4;
	g->kind = licence ? "licence" : "penalty";
	snprintf(g->act, sizeof g->act, "%s", licence ? "准予民用爆炸物品生产许可" : acts[a].act);
	snprintf(g->cat, sizeof g->cat, "%s", licence ? "普通" : acts[a].cat);
	snprintf(g->title, sizeof g->title, "%s%s%s", g->party, g->act, licence ? "" : "案");
	snprintf(g->no, sizeof g->no, "%s〔%lld〕%lld号", licence ? "云工信许" : "云工信罚", 2016 + i * 10 / n,
		 i % 100000 + 1);
	/* decision dates grow with i: 2016-01-01 onwards, about 3,650 days */
	int32_t d0;
	cal_date_parse("2016-01-01", &d0);
	cal_date_format(d0 + (int32_t)(i * 3650 / n), g->date);
	json_t *f = licence ? json_pack("{s:s,s:s,s:s,s:s}", "XK_XDR_MC", g->party, "XK_WSH", g->no, "XK_NR", g->act,
					"XK_XKLB", g->cat)
			    : json_pack("{s:s,s:s,s:s,s:s,s:s}", "CF_XDR_MC", g->party, "CF_WSH", g->no, "CF_WFXW", g->act,
					"CF_YJ", acts[a].basis, "CF_CFLB", g->cat);
	g->content = fx_content(g->kind, f, "");
	fx_sha256_hex(g->content, strlen(g->content), g->sha);
	json_t *c = json_loads(g->content, 0, NULL);
	struct buf t;
	buf_init(&t, 0);
	dsearch_text(g->title, g->party, g->cat, g->no, "云南省工业和信息化厅", licence ? "安全生产处" : "无线电管理处", c, &t);
	g->text = buf_detach(&t, NULL);
	g->nterms = dsearch_terms(g->text ? g->text : "", &g->terms);
	json_decref(c);
	json_decref(f);
}

struct pair {
	long long term, id;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->term != y->term)
		return x->term < y->term ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

#define ROWS 250

/* Load n decisions; returns the id of the first. */
static long long load(struct db *db, long long n, long long *nterms_out)
{
	long long body = 0, unit = 0, user = 0, doc = 0;
	must(db_begin(db), db, "begin");
	must(fx_base(db, &body, &unit, &user, &doc), db, "base rows");
	long long unit2 = db_scalar_int(db, unit, "SELECT id FROM units WHERE parent_id = ? AND id <> ? ORDER BY id LIMIT 1",
					(const struct db_val[]){ DB_INT(body), DB_INT(unit), DB_END });
	long long case_id = db_scalar_int(db, 0, "SELECT case_id FROM documents WHERE id = ?",
					  (const struct db_val[]){ DB_INT(doc), DB_END });
	long long dtype = db_scalar_int(db, 0, "SELECT doc_type_id FROM documents WHERE id = ?",
					(const struct db_val[]){ DB_INT(doc), DB_END });
	must(db_commit(db), db, "commit");
	size_t cap = (size_t)n * 48, np = 0;
	struct pair *pairs = xmalloc(cap * sizeof *pairs);
	struct gen *g = xcalloc(ROWS, sizeof *g);
	struct db_val *p = xcalloc(ROWS * 16 + 1, sizeof *p);
	struct buf sql;
	buf_init(&sql, 0);
	long long first = 0;
	char now[21] = "2026-11-01T00:00:00Z";
	for (long long base = 0; base < n; base += ROWS) {
		if (base % 20000 == 0)
			must(db_begin(db), db, "begin");
		int k = (int)(n - base < ROWS ? n - base : ROWS);
		for (int i = 0; i < k; i++)
			gen_one(base + i, n, &g[i]);
		/* documents (draft: the publication's decision document) */
		buf_reset(&sql);
		buf_puts(&sql, "INSERT INTO documents (case_id, doc_type_id, type_code, fields, created_by, created_at,"
			       " updated_at, content_sha256) VALUES ");
		size_t q = 0;
		for (int i = 0; i < k; i++) {
			buf_puts(&sql, i ? ",(?,?,'fx','{}',?,?,?,'')" : "(?,?,'fx','{}',?,?,?,'')");
			p[q++] = DB_INT(case_id);
			p[q++] = DB_INT(dtype);
			p[q++] = DB_INT(user);
			p[q++] = DB_TEXT(now);
			p[q++] = DB_TEXT(now);
		}
		buf_puts(&sql, " RETURNING id");
		p[q] = DB_END;
		struct db_res *r = NULL;
		must(db_query_a(db, buf_str(&sql), p, &r), db, "documents");
		long long doc0 = db_int(r, 0, 0);
		db_res_free(r);
		/* publications */
		buf_reset(&sql);
		buf_puts(&sql, "INSERT INTO publications (case_id, document_id, kind, body_unit_id, unit_id, decision_no,"
			       " decision_date, due_on, state, current_version, party_name, category, title, published_at,"
			       " updated_at) VALUES ");
		q = 0;
		for (int i = 0; i < k; i++) {
			buf_puts(&sql, i ? ",(?,?,?,?,?,?,?,?,'published',1,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,'published',1,?,?,?,?,?)");
			p[q++] = DB_INT(case_id);
			p[q++] = DB_INT(doc0 + i);
			p[q++] = DB_TEXT(g[i].kind);
			p[q++] = DB_INT(body);
			p[q++] = DB_INT(g[i].kind[0] == 'l' ? unit2 : unit);
			p[q++] = DB_TEXT(g[i].no);
			p[q++] = DB_TEXT(g[i].date);
			p[q++] = DB_TEXT(g[i].date);
			p[q++] = DB_TEXT(g[i].party);
			p[q++] = DB_TEXT(g[i].cat);
			p[q++] = DB_TEXT(g[i].title);
			p[q++] = DB_TEXT(now);
			p[q++] = DB_TEXT(now);
		}
		buf_puts(&sql, " RETURNING id");
		p[q] = DB_END;
		must(db_query_a(db, buf_str(&sql), p, &r), db, "publications");
		long long id0 = db_int(r, 0, 0);
		db_res_free(r);
		if (!first)
			first = id0;
		/* versions */
		buf_reset(&sql);
		buf_puts(&sql, "INSERT INTO publication_versions (publication_id, version, content, sha256, published_by,"
			       " published_at, leaf_index) VALUES ");
		q = 0;
		for (int i = 0; i < k; i++) {
			buf_puts(&sql, i ? ",(?,1,?,?,?,?,0)" : "(?,1,?,?,?,?,0)");
			p[q++] = DB_INT(id0 + i);
			p[q++] = DB_TEXT(g[i].content);
			p[q++] = DB_TEXT(g[i].sha);
			p[q++] = DB_INT(user);
			p[q++] = DB_TEXT(now);
		}
		p[q] = DB_END;
		must(db_query_a(db, buf_str(&sql), p, NULL), db, "versions");
		/* search rows */
		buf_reset(&sql);
		buf_puts(&sql, "INSERT INTO publication_search (publication_id, version, kind, body_unit_id, unit_id, category,"
			       " decision_date, text) VALUES ");
		q = 0;
		for (int i = 0; i < k; i++) {
			buf_puts(&sql, i ? ",(?,1,?,?,?,?,?,?)" : "(?,1,?,?,?,?,?,?)");
			p[q++] = DB_INT(id0 + i);
			p[q++] = DB_TEXT(g[i].kind);
			p[q++] = DB_INT(body);
			p[q++] = DB_INT(g[i].kind[0] == 'l' ? unit2 : unit);
			p[q++] = DB_TEXT(g[i].cat);
			p[q++] = DB_TEXT(g[i].date);
			p[q++] = DB_TEXT(g[i].text);
		}
		p[q] = DB_END;
		must(db_query_a(db, buf_str(&sql), p, NULL), db, "search rows");
		for (int i = 0; i < k; i++) {
			for (size_t t = 0; t < g[i].nterms; t++) {
				if (np == cap) {
					cap *= 2;
					pairs = xrealloc(pairs, cap * sizeof *pairs);
				}
				pairs[np++] = (struct pair){ g[i].terms[t], id0 + i };
			}
			free(g[i].content);
			free(g[i].text);
			free(g[i].terms);
		}
		if ((base + k) % 20000 == 0 || base + k >= n)
			must(db_commit(db), db, "commit");
	}
	/* the bigram postings, in the order of the primary key */
	qsort(pairs, np, sizeof *pairs, cmp_pair);
	bool pg = db_kind(db) == DB_PG;
	if (pg)
		must(db_exec(db, "ALTER TABLE publication_terms DROP CONSTRAINT publication_terms_pkey"), db, "drop pk");
	must(db_begin(db), db, "begin");
	const size_t batch = pg ? 100000 : ROWS * 4;
	struct buf a1, a2;
	buf_init(&a1, 0);
	buf_init(&a2, 0);
	struct db_val *tp = xcalloc(2 * batch + 1, sizeof *tp);
	for (size_t off = 0; off < np; off += batch) {
		size_t k = np - off < batch ? np - off : batch;
		if (pg) {
			/* two arrays unnested: one statement per 100,000 rows */
			buf_reset(&a1);
			buf_reset(&a2);
			buf_putc(&a1, '{');
			buf_putc(&a2, '{');
			for (size_t i = 0; i < k; i++) {
				buf_printf(&a1, i ? ",%lld" : "%lld", pairs[off + i].term);
				buf_printf(&a2, i ? ",%lld" : "%lld", pairs[off + i].id);
			}
			buf_putc(&a1, '}');
			buf_putc(&a2, '}');
			must(db_exec(db, "INSERT INTO publication_terms (term, publication_id)"
				     " SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]))",
				     DB_TEXT(buf_str(&a1)), DB_TEXT(buf_str(&a2))), db, "terms");
		} else {
			buf_reset(&sql);
			buf_puts(&sql, "INSERT INTO publication_terms (term, publication_id) VALUES ");
			size_t q = 0;
			for (size_t i = 0; i < k; i++) {
				buf_puts(&sql, i ? ",(?,?)" : "(?,?)");
				tp[q++] = DB_INT(pairs[off + i].term);
				tp[q++] = DB_INT(pairs[off + i].id);
			}
			tp[q] = DB_END;
			must(db_query_a(db, buf_str(&sql), tp, NULL), db, "terms");
		}
	}
	must(db_commit(db), db, "commit");
	if (pg) {
		must(db_exec(db, "ALTER TABLE publication_terms ADD PRIMARY KEY (term, publication_id)"), db, "pk");
		must(db_exec_script(db, "ANALYZE"), db, "analyze");
	} else {
		must(db_exec_script(db, "ANALYZE"), db, "analyze");
	}
	must(state_stamp_bump(db, STAMP_PORTAL), db, "stamp");
	buf_release(&a1);
	buf_release(&a2);
	buf_release(&sql);
	free(tp);
	free(p);
	free(g);
	free(pairs);
	*nterms_out = (long long)np;
	return first;
}

/* ---- measuring ---- */

static void report(const char *name, double *ms, int n)
{
	qsort(ms, (size_t)n, sizeof *ms, cmp_d);
	printf("disclosure.%s.p50_ms %.2f\n", name, ms[n / 2]);
	printf("disclosure.%s.p99_ms %.2f\n", name, ms[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
}

static const struct { const char *name, *q; } words[] = {
	{ "fakuan", "罚款" },          /* in most decisions */
	{ "jinggao", "警告" },
	{ "huagong", "化工" },
	{ "wuxian", "无线" },
	{ "weihuapin", "危化品" },     /* an abbreviation: 危险化学品 searched too */
	{ "xuke", "许可" },
	{ "two_words", "化工 罚款" },
	{ "party", "昆明华盛化工" },
	{ "number", "云工信罚〔2020〕12345号" }, /* exactly a decision number */
	{ "number_part", "12345号" },
	{ "one_char", "矿" },
	{ "absent", "鲲鹏" },
	{ "rare_pair", "森林 统计" },
};

static void measure(struct db *db, long long first, long long n, int samples, const char *today)
{
	double *all = xcalloc((size_t)samples, sizeof *all);
	int per_n = samples / (int)ARRAY_SIZE(words) + 1;
	double *per = xcalloc(ARRAY_SIZE(words) * (size_t)per_n, sizeof *per);
	int cnt[ARRAY_SIZE(words)] = { 0 };
	for (int s = 0; s < samples; s++) {
		size_t w = (size_t)s % ARRAY_SIZE(words);
		struct portal_query q = { .q = words[w].q, .today = today };
		struct err e = ERR_INIT;
		double t0 = now_s();
		json_t *m = portal_decisions_list(db, &q, &e);
		double ms = (now_s() - t0) * 1000;
		if (!m) {
			fprintf(stderr, "bench_disclosure: search: %s\n", e.msg);
			exit(1);
		}
		json_decref(m);
		all[s] = ms;
		per[w * (size_t)per_n + (size_t)cnt[w]++] = ms;
	}
	report("search", all, samples);
	for (size_t w = 0; w < ARRAY_SIZE(words); w++) {
		char name[64];
		snprintf(name, sizeof name, "search.%s", words[w].name);
		double *v = per + w * (size_t)per_n;
		qsort(v, (size_t)cnt[w], sizeof *v, cmp_d);
		printf("disclosure.%s.p99_ms %.2f\n", name, v[cnt[w] - 1 < (cnt[w] * 99) / 100 ? cnt[w] - 1 : (cnt[w] * 99) / 100]);
	}
	/* lists */
	const char *names[] = { "list.first", "list.deep", "list.unit_kind", "detail" };
	for (int kind = 0; kind < 4; kind++) {
		for (int s = 0; s < samples; s++) {
			long long id = first + (long long)(rnd() % (uint32_t)(n / 10 + 1));
			char cur[48] = "";
			struct portal_query q = { .today = today };
			if (kind == 1) {
				struct db_res *r = NULL;
				must(db_query(db, &r, "SELECT decision_date FROM publications WHERE id = ?", DB_INT(id)), db, "date");
				snprintf(cur, sizeof cur, "%s_%lld", db_text(r, 0, 0), id);
				db_res_free(r);
				q.cursor = cur;
			} else if (kind == 2) {
				q.unit_id = db_scalar_int(db, 0, "SELECT unit_id FROM publications WHERE id = ?",
							  (const struct db_val[]){ DB_INT(first), DB_END });
				q.kind = "penalty";
			}
			struct err e = ERR_INIT;
			double t0 = now_s();
			json_t *m = kind == 3 ? portal_decision_item(db, first + (long long)(rnd() % (uint32_t)n), true, today, &e)
					      : portal_decisions_list(db, &q, &e);
			all[s] = (now_s() - t0) * 1000;
			if (!m) {
				fprintf(stderr, "bench_disclosure: %s: %s\n", names[kind], e.msg);
				exit(1);
			}
			if (kind == 1 && json_array_size(json_object_get(m, "items")) != PORTAL_PAGE && id - first > PORTAL_PAGE) {
				fprintf(stderr, "bench_disclosure: deep page short\n");
				exit(1);
			}
			json_decref(m);
		}
		report(names[kind], all, samples);
	}
	free(all);
	free(per);
}

int main(int argc, char **argv)
{
	log_set_level(LOG_ERROR);
	if (argc == 4 && str_eq(argv[1], "--seed")) {
		long long n;
		if (str_to_ll(argv[3], 1, 10000000, &n) < 0)
			return 2;
		struct buf err;
		buf_init(&err, 0);
		struct db *db = db_open(argv[2], &err);
		if (!db || db_migrate(db, &err) < 0) {
			fprintf(stderr, "bench_disclosure: %s\n", buf_str(&err));
			return 1;
		}
		long long nt;
		long long first = load(db, n, &nt);
		printf("%lld\n", first + n / 2);
		db_close(db);
		return 0;
	}
	const char *url = getenv("BENCH_DB_URL");
	char path[] = "/tmp/zhifa-bench-disclosure-XXXXXX.db";
	char *own = NULL;
	if (str_empty(url)) {
		int fd = mkstemps(path, 3);
		if (fd < 0)
			return 1;
		close(fd);
		own = xasprintf("sqlite:%s", path);
		url = own;
	}
	long long n = 1000000, samples = 300;
	const char *ns = getenv("BENCH_DISCLOSURE_N");
	if (!str_empty(ns) && str_to_ll(ns, 100, 10000000, &n) < 0)
		n = 1000000;
	const char *ss = getenv("BENCH_SAMPLES");
	if (!str_empty(ss) && str_to_ll(ss, 12, 100000, &samples) < 0)
		samples = 300;
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(url, &err);
	if (!db || db_migrate(db, &err) < 0) {
		fprintf(stderr, "bench_disclosure: %s\n", buf_str(&err));
		return 1;
	}
	double t0 = now_s();
	long long nterms = 0, first = 0;
	/* BENCH_REUSE=1: measure the decisions a previous run left in BENCH_DB_URL */
	long long have = db_scalar_int(db, 0, "SELECT COUNT(*) FROM publications", (const struct db_val[]){ DB_END });
	if (!str_empty(getenv("BENCH_REUSE")) && have >= n) {
		first = db_scalar_int(db, 0, "SELECT MIN(id) FROM publications", (const struct db_val[]){ DB_END });
		nterms = db_scalar_int(db, 0, "SELECT COUNT(*) FROM publication_terms", (const struct db_val[]){ DB_END });
		printf("disclosure.reused 1\n");
	} else {
		first = load(db, n, &nterms);
	}
	printf("disclosure.n %lld\n", n);
	printf("disclosure.build_seconds %.1f\n", now_s() - t0);
	printf("disclosure.terms %lld\n", nterms);
	fflush(stdout);
	char today[11];
	time_today_shanghai(today);
	measure(db, first, n, (int)samples, today);
	db_close(db);
	if (own) {
		unlink(path);
		char *w = xasprintf("%s-wal", path), *s = xasprintf("%s-shm", path);
		unlink(w);
		unlink(s);
		free(w);
		free(s);
		free(own);
	}
	return 0;
}
