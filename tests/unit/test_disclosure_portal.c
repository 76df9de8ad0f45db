/*
 * test_disclosure_portal.c - the public side of 事后公开: the list, its
 * filters and keyset paging, one decision through correction, withdrawal
 * and the end of its period, the bigram search (two-character words,
 * synonyms, hostile input, bounded cost), the 核验 material against the
 * real ledger, and open data (CSV, Atom, 双公示).  SQLite, or PostgreSQL
 * with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "disclosure/portal.h"
#include "disclosure/search.h"
#include "tap.h"
#include "testdb.h"
#include "unit/disclosure_fixture.h"

static struct db *db;
static char today_s[11];

static long long pub(const char *kind, const char *title, const char *party, const char *category, const char *no,
		     const char *date, const char *text)
{
	json_t *f = json_pack("{s:s,s:s}", kind[0] == 'l' ? "XK_XDR_MC" : "CF_XDR_MC", party,
			      kind[0] == 'l' ? "XK_WSH" : "CF_WSH", no);
	struct fx_pub p = { .kind = kind, .title = title, .party = party, .category = category, .decision_no = no,
			    .decision_date = date, .fields = f, .text = text };
	long long id = fx_publish(db, &p);
	json_decref(f);
	if (id < 0) {
		printf("Bail out! fixture publish\n");
		exit(1);
	}
	return id;
}

static json_t *list(const struct portal_query *q0)
{
	struct portal_query q = *q0;
	q.today = today_s;
	struct err e = ERR_INIT;
	json_t *m = portal_decisions_list(db, &q, &e);
	if (!m)
		printf("# list: %s\n", e.msg);
	return m;
}

static size_t nitems(json_t *m)
{
	return json_array_size(json_object_get(m, "items"));
}

static long long item_id(json_t *m, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(json_object_get(m, "items"), i), "id"));
}

static bool has_id(json_t *m, long long id)
{
	for (size_t i = 0; i < nitems(m); i++)
		if (item_id(m, i) == id)
			return true;
	return false;
}

static json_t *search(const char *q)
{
	struct portal_query pq = { .q = q };
	return list(&pq);
}

static void test_text(void)
{
	struct buf b;
	buf_init(&b, 0);
	dsearch_normalize("工信罚〔2024〕3号，ＡＢＣ  罚款!", &b);
	is_str(buf_str(&b), "工信罚 2024 3号 abc 罚款", "punctuation separates, full-width folds");
	long long *t;
	size_t n = dsearch_terms("罚款 ab", &t);
	is_int((long long)n, 4, "罚款 ab: 罚款, 款$, ab, b$");
	free(t);
	buf_reset(&b);
	dsearch_normalize("\xff\xfe中\xe4\xb8", &b);
	is_str(buf_str(&b), "中", "bytes that are not UTF-8 are separators");
	buf_reset(&b);
	/* 0xFF is no lead byte: with bc ac it once decoded as U+FF2C (Ｌ) */
	dsearch_normalize("a\xff\xbc\xac", &b);
	is_str(buf_str(&b), "a", "0xFF starts no character");
	buf_release(&b);
}

static long long a_id, b_id, c_id, d_id;

static void test_list(void)
{
	a_id = pub("penalty", "某某化工有限公司危险化学品储存违法案", "某某化工有限公司", "罚款", "工信罚〔2024〕1号",
		   "2024-03-01", "当事人超量储存危险化学品，罚款人民币五万元。");
	b_id = pub("penalty", "某电子厂无线电干扰案", "某电子厂", "警告", "工信罚〔2024〕2号", "2024-03-05",
		   "设置使用无线电台站未经许可，给予警告。");
	c_id = pub("licence", "甲公司民用爆炸物品生产许可", "甲公司", "普通", "工信许〔2024〕7号", "2024-02-10",
		   "准予民用爆炸物品生产许可。");
	d_id = pub("penalty", "乙公司超限运输案", "乙公司", "罚款", "工信罚〔2024〕3号", "2024-03-05", "夜间偷运，罚款。");
	struct portal_query q = { 0 };
	json_t *m = list(&q);
	is_int((long long)nitems(m), 4, "four in the list");
	ok(item_id(m, 0) == d_id && item_id(m, 1) == b_id && item_id(m, 2) == a_id && item_id(m, 3) == c_id,
	   "newest decision first, then id");
	ok(json_is_null(json_object_get(m, "next")), "no next page");
	json_decref(m);
	q.kind = "licence";
	m = list(&q);
	ok(nitems(m) == 1 && item_id(m, 0) == c_id, "kind filter");
	json_decref(m);
	q = (struct portal_query){ .from = "2024-03-02", .to = "2024-03-05" };
	m = list(&q);
	is_int((long long)nitems(m), 2, "date range");
	json_decref(m);
	q = (struct portal_query){ .category = "警告" };
	m = list(&q);
	ok(nitems(m) == 1 && item_id(m, 0) == b_id, "category filter");
	json_decref(m);
	/* keyset paging, one at a time, visits each once */
	q = (struct portal_query){ .limit = 1 };
	long long seen[8];
	int ns = 0;
	char cur[64] = "";
	for (int guard = 0; guard < 8; guard++) {
		q.cursor = cur[0] ? cur : NULL;
		m = list(&q);
		if (nitems(m))
			seen[ns++] = item_id(m, 0);
		const char *nx = json_string_value(json_object_get(m, "next"));
		if (!nx) {
			json_decref(m);
			break;
		}
		snprintf(cur, sizeof cur, "%s", nx);
		json_decref(m);
	}
	ok(ns == 4 && seen[0] == d_id && seen[1] == b_id && seen[2] == a_id && seen[3] == c_id, "keyset pages in order");
	struct err e = ERR_INIT;
	q = (struct portal_query){ .cursor = "garbage", .today = today_s };
	ok(!portal_decisions_list(db, &q, &e) && e.kind == 400 && str_eq(e.field, "cursor"), "bad cursor refused: %s",
	   e.msg);
	q = (struct portal_query){ .kind = "nonsense", .today = today_s };
	ok(!portal_decisions_list(db, &q, &e) && str_eq(e.field, "kind"), "bad kind refused");
	q = (struct portal_query){ .from = "2024-02-30", .today = today_s };
	ok(!portal_decisions_list(db, &q, &e) && str_eq(e.field, "from"), "bad date refused");
}

static void test_search(void)
{
	json_t *m = search("罚款");
	ok(nitems(m) == 2 && has_id(m, a_id) && has_id(m, d_id), "two-character word 罚款");
	json_decref(m);
	m = search("超限");
	ok(nitems(m) == 1 && item_id(m, 0) == d_id, "超限");
	json_decref(m);
	m = search("警");
	ok(nitems(m) == 1 && item_id(m, 0) == b_id, "one character 警");
	json_decref(m);
	m = search("危化品");
	ok(has_id(m, a_id), "the abbreviation 危化品 finds 危险化学品");
	ok(json_array_size(json_object_get(json_object_get(m, "search"), "also_searched")) == 1, "and says so");
	json_decref(m);
	m = search("民爆");
	ok(nitems(m) == 1 && item_id(m, 0) == c_id, "民爆 finds 民用爆炸物品");
	json_decref(m);
	m = search("无线 警告");
	ok(nitems(m) == 1 && item_id(m, 0) == b_id, "two words, both required");
	json_decref(m);
	m = search("罚款 无线");
	is_int((long long)nitems(m), 0, "two words never in one decision");
	json_decref(m);
	m = search("化工罚");
	is_int((long long)nitems(m), 0, "bigrams present but not adjacent: no hit (text checked)");
	json_decref(m);
	m = search("工信罚〔2024〕3号");
	ok(nitems(m) == 1 && item_id(m, 0) == d_id, "a decision number as printed");
	json_decref(m);
	m = search(" 工信罚[2024]3号 ");
	ok(nitems(m) == 1 && item_id(m, 0) == d_id, "and with other brackets (by the bigrams)");
	json_decref(m);
	/* hostile input never fails */
	struct buf big;
	buf_init(&big, 0);
	for (int i = 0; i < 20000; i++)
		buf_puts(&big, "罚款%_'\"\\<>");
	m = search(buf_str(&big));
	ok(m != NULL, "200 kB query answered");
	ok(json_is_true(json_object_get(json_object_get(m, "search"), "truncated")), "and said to be cut");
	json_decref(m);
	buf_release(&big);
	const char *odd[] = { "\xff\xff\xff", "'; DROP TABLE publications; --", "%", "_", "  　 ", "\xe4\xb8", "😀😀",
			      "a", "🀄", "\xed\xa0\x80" };
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		m = search(odd[i]);
		all = all && m;
		json_decref(m);
	}
	ok(all, "odd inputs answered");
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM publications", (const struct db_val[]){ DB_END }) == 4,
	   "and nothing dropped");
}

static void test_lifecycle(void)
{
	/* correction: the next version replaces what search and the page show */
	json_t *f = json_pack("{s:s,s:s}", "CF_XDR_MC", "乙公司", "CF_WSH", "工信罚〔2024〕3号");
	ok(fx_correct(db, d_id, f, "超载运输，罚款。", "违法事实表述更正") == 0, "corrected");
	json_decref(f);
	json_t *m = search("偷运");
	is_int((long long)nitems(m), 0, "the old text is no longer found");
	json_decref(m);
	m = search("超载");
	ok(nitems(m) == 1 && item_id(m, 0) == d_id, "the corrected text is");
	json_decref(m);
	struct err e = ERR_INIT;
	json_t *it = portal_decision_item(db, d_id, true, today_s, &e);
	ok(it && str_eq(json_string_value(json_object_get(it, "state")), "published"), "item published");
	is_int(json_integer_value(json_object_get(it, "version")), 2, "current version 2");
	is_int((long long)json_array_size(json_object_get(it, "versions")), 2, "history has both");
	is_str(json_string_value(json_object_get(it, "current_note")), "违法事实表述更正", "with the note");
	json_decref(it);
	/* withdrawal: out of list and search, the page says so */
	ok(fx_withdraw(db, b_id, "撤销", "经行政复议撤销", "2024-04-01") == 0, "withdrawn");
	struct portal_query q = { 0 };
	m = list(&q);
	ok(!has_id(m, b_id) && nitems(m) == 3, "withdrawn one leaves the list");
	json_decref(m);
	m = search("警告");
	is_int((long long)nitems(m), 0, "and the search");
	json_decref(m);
	it = portal_decision_item(db, b_id, false, today_s, &e);
	ok(it && str_eq(json_string_value(json_object_get(it, "state")), "withdrawn"), "item says withdrawn");
	json_t *w = json_object_get(it, "withdrawal");
	ok(str_eq(json_string_value(json_object_get(w, "reason")), "撤销") &&
	   str_eq(json_string_value(json_object_get(w, "on")), "2024-04-01") &&
	   str_eq(json_string_value(json_object_get(w, "note")), "经行政复议撤销"), "with reason, date and note");
	ok(!json_object_get(it, "content"), "and without the content");
	json_decref(it);
	/* end of period */
	ok(fx_expire(db, c_id, false, "2024-05-10") == 0, "expired");
	m = list(&q);
	ok(!has_id(m, c_id), "out of its period: out of the list");
	json_decref(m);
	it = portal_decision_item(db, c_id, false, today_s, &e);
	ok(it && str_eq(json_string_value(json_object_get(it, "state")), "expired"), "item says expired");
	json_decref(it);
	/* a period end in the past without the state changed yet still hides it */
	struct fx_pub p = { .kind = "penalty", .title = "丙公司案", .party = "丙公司", .category = "警告",
			    .decision_no = "工信罚〔2020〕9号", .decision_date = "2020-01-02", .period_ends_on = "2020-04-02" };
	long long old = fx_publish(db, &p);
	m = list(&q);
	ok(!has_id(m, old), "period over by the date: not listed");
	json_decref(m);
	it = portal_decision_item(db, old, false, today_s, &e);
	ok(it && str_eq(json_string_value(json_object_get(it, "state")), "expired"), "and its page says so");
	json_decref(it);
	ok(!portal_decision_item(db, 999999, false, today_s, &e) && e.kind == 404, "unknown id 404");
}

static void test_proof(const char *keydir)
{
	struct err e = ERR_INIT;
	json_t *m = portal_decision_proof(db, a_id, 0, today_s, &e);
	ok(m && json_is_true(json_object_get(m, "pending")), "no checkpoint yet: pending");
	json_decref(m);
	ok(ledger_keys_create(keydir, "test.example/log", &e) == 0, "keys");
	struct ledger_keys *k = ledger_keys_load(keydir, &e);
	bool signed_new = false;
	ok(k && ledger_checkpoint_sign(db, k, &signed_new, &e) == 0, "checkpoint signed");
	ledger_keys_free(k);
	m = portal_decision_proof(db, a_id, 0, today_s, &e);
	ok(m && json_is_false(json_object_get(m, "pending")), "proof ready");
	const char *content = json_string_value(json_object_get(m, "content"));
	char hex[65];
	fx_sha256_hex(content, strlen(content), hex);
	is_str(hex, json_string_value(json_object_get(m, "sha256")), "content bytes hash to the stored sha256");
	const char *lb = json_string_value(json_object_get(json_object_get(m, "leaf"), "leaf"));
	unsigned char leaf[4096];
	long ln = b64_decode(lb, strlen(lb), leaf, sizeof leaf);
	json_t *lj = json_loadb((const char *)leaf, (size_t)ln, 0, NULL);
	is_str(json_string_value(json_object_get(lj, "sha256")), hex, "the leaf names that hash");
	is_str(json_string_value(json_object_get(lj, "type")), "publication.published", "leaf type");
	json_decref(lj);
	unsigned char lh[32], root[32], proof[MERKLE_MAX_PROOF][32];
	merkle_leaf_hash(leaf, (size_t)ln, lh);
	json_t *pr = json_object_get(json_object_get(m, "inclusion"), "proof");
	size_t np = json_array_size(pr);
	for (size_t i = 0; i < np; i++) {
		const char *s = json_string_value(json_array_get(pr, i));
		b64_decode(s, strlen(s), proof[i], 32);
	}
	long long size = json_integer_value(json_object_get(m, "checkpoint_size"));
	ok(ledger_root(db, size, root, &e) == 0 &&
	   merkle_verify_inclusion((uint64_t)json_integer_value(json_object_get(m, "leaf_index")), (uint64_t)size, lh,
				   proof, np, root), "inclusion proof holds against the root");
	json_decref(m);
	m = portal_decision_proof(db, b_id, 0, today_s, &e);
	ok(m && !json_object_get(m, "content") && json_object_get(m, "sha256"), "withdrawn: hash, no content");
	json_decref(m);
	m = portal_decision_proof(db, d_id, 1, today_s, &e);
	ok(m && json_integer_value(json_object_get(m, "version")) == 1, "an earlier version's proof");
	json_decref(m);
	ok(!portal_decision_proof(db, d_id, 7, today_s, &e) && e.kind == 404, "no such version: 404");
}

static void test_opendata(void)
{
	struct portal_query q = { .today = today_s };
	struct err e = ERR_INIT;
	json_t *m = portal_decisions_list(db, &q, &e);
	struct buf b;
	buf_init(&b, 0);
	portal_csv_list(m, &b);
	ok(str_starts(buf_str(&b), "\xEF\xBB\xBF" "编号,决定类别,标题"), "CSV header with BOM");
	int lines = 0;
	for (const char *p = buf_str(&b); (p = strstr(p, "\r\n")); p += 2)
		lines++;
	is_int(lines, (int)nitems(m) + 1, "one CRLF line per item and the header");
	json_decref(m);
	buf_reset(&b);
	json_t *f = json_pack("{s:s,s:s,s:s}", "CF_XDR_MC", "=HYPERLINK(\"x\")", "CF_NR_FK", "5", "CF_SY", "含,逗号\n与换行");
	struct fx_pub p = { .kind = "penalty", .title = "<script>丁</script>", .party = "=HYPERLINK(\"x\")",
			    .category = "罚款", .decision_no = "工信罚〔2024〕5号", .decision_date = "2024-03-06", .fields = f };
	long long id = fx_publish(db, &p);
	json_decref(f);
	json_t *x = portal_credit_export(db, "penalty", NULL, NULL, today_s, &e);
	ok(x != NULL, "双公示 export");
	json_t *cols = json_object_get(x, "columns");
	is_str(json_string_value(json_object_get(json_array_get(cols, 0), "key")), "CF_XDR_MC", "CF_ columns");
	portal_credit_csv(x, &b);
	ok(strstr(buf_str(&b), "\"'=HYPERLINK(\"\"x\"\")\"") != NULL, "formula neutralised and quotes doubled");
	ok(strstr(buf_str(&b), "\"含,逗号\n与换行\"") != NULL, "comma and newline quoted");
	ok(strstr(buf_str(&b), "工信罚〔2024〕1号") != NULL, "fallback: decision number from the publication");
	json_decref(x);
	ok(!portal_credit_export(db, "coercion", NULL, NULL, today_s, &e) && str_eq(e.field, "kind"), "only CF/XK kinds");
	buf_reset(&b);
	ok(portal_atom(db, "https://zf.example.gov.cn", "某省工业和信息化厅", 50, today_s, &b, &e) == 0, "atom");
	ok(strstr(buf_str(&b), "&lt;script&gt;丁&lt;/script&gt;") && !strstr(buf_str(&b), "<script>"), "atom escapes");
	char *want = xasprintf("https://zf.example.gov.cn/portal/decisions/%lld</", id);
	ok(strstr(buf_str(&b), want) || strstr(buf_str(&b), "/portal/decisions/"), "entry links");
	free(want);
	ok(strstr(buf_str(&b), "（第 2 版，更正）") != NULL, "a correction is an entry");
	buf_release(&b);
}

static void test_paging_many(void)
{
	/* 250 decisions with 罚款: search pages of 20 visit each once, newest first */
	long long first = 0, last = 0;
	for (int i = 0; i < 250; i++) {
		char title[64], no[64];
		snprintf(title, sizeof title, "批量案件%d", i);
		snprintf(no, sizeof no, "工信罚〔2023〕%d号", 100 + i);
		long long id = pub("penalty", title, "批量公司", "罚款", no, "2023-06-01", "罚款一千元");
		if (!first)
			first = id;
		last = id;
	}
	long long before = INT64_MAX, count = 0, prev = INT64_MAX;
	bool order = true;
	char cur[32] = "";
	for (int guard = 0; guard < 40; guard++) {
		struct portal_query q = { .q = "一千", .cursor = cur[0] ? cur : NULL };
		json_t *m = list(&q);
		for (size_t i = 0; i < nitems(m); i++) {
			long long id = item_id(m, i);
			order = order && id < prev;
			prev = id;
			count++;
		}
		const char *nx = json_string_value(json_object_get(m, "next"));
		if (!nx) {
			json_decref(m);
			break;
		}
		snprintf(cur, sizeof cur, "%s", nx);
		json_decref(m);
	}
	(void)before;
	is_int(count, 250, "all 250 found across pages");
	ok(order && prev == first, "newest first, each once (last %lld)", last);
}

static void test_budget(void)
{
	/* the one decision holding 乙丙丁 is older than DSEARCH_BUDGET + 50
	 * that hold 乙丙 and 丙丁 apart: the first answers are partial, and
	 * following their cursors reaches it */
	long long want = pub("penalty", "最早的案件", "某公司", "罚款", "工信罚〔2019〕1号", "2019-01-01", "乙丙丁");
	for (int i = 0; i < DSEARCH_BUDGET + 50; i++) {
		char title[64], no[64];
		snprintf(title, sizeof title, "干扰案件%d", i);
		snprintf(no, sizeof no, "工信罚〔2019〕%d号", 100 + i);
		pub("penalty", title, "某公司", "罚款", no, "2019-01-02", "乙丙，丙丁");
	}
	struct portal_query q = { .q = "乙丙丁" };
	json_t *m = list(&q);
	ok(m && nitems(m) == 0 && json_is_true(json_object_get(json_object_get(m, "search"), "partial")),
	   "budget spent on candidates that fail the text check: partial");
	ok(json_is_string(json_object_get(m, "next")), "with a cursor to go on");
	bool found = false;
	int rounds = 0;
	char cur[32] = "";
	while (m && rounds++ < 10) {
		found = found || has_id(m, want);
		const char *nx = json_string_value(json_object_get(m, "next"));
		if (!nx)
			break;
		snprintf(cur, sizeof cur, "%s", nx);
		json_decref(m);
		q.cursor = cur;
		m = list(&q);
	}
	json_decref(m);
	ok(found && rounds == 2, "the cursor reaches the decision (%d answers)", rounds);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	db = testdb_open();
	struct buf err;
	buf_init(&err, 0);
	if (db_migrate(db, &err) < 0) {
		printf("Bail out! migrate: %s\n", buf_str(&err));
		return 1;
	}
	buf_release(&err);
	time_today_shanghai(today_s);
	char keydir[] = "/tmp/zhifa-dkeys-XXXXXX";
	if (!mkdtemp(keydir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	char *kd = xasprintf("%s/keys", keydir);
	test_text();
	test_list();
	test_search();
	test_lifecycle();
	test_proof(kd);
	test_opendata();
	test_paging_many();
	test_budget();
	char *rm = xasprintf("rm -rf '%s'", keydir);
	if (system(rm) != 0)
		printf("# could not remove %s\n", keydir);
	free(rm);
	free(kd);
	db_close(db);
	return tap_done();
}
