/*
 * test_cases.c - the case domain (src/cases/case*.c, gates.c) on the demo
 * department: opening, every kind of act, the gates, the officers'
 * certificates checked on every act, approvals by role and unit, optimistic
 * concurrency, endings, the view rule per role, the list and its filters,
 * nothing written on a refusal, no personal data in ledger leaves, and the
 * append-only acts.  SQLite, or PostgreSQL with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "test_people_util.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "ledger/ledger.h"
#include "records/records.h"
#include "review/flow.h"
#include "review/review.h"
#include "recording/vault.h"
#include <sys/stat.h>

#include <pthread.h>

static struct db *db;
static struct vault *vault;
static struct actor who(const char *username);

/* The 执法文书 a stage requires (records.h): drafted, signed where the
 * party must sign, finalised, as username. */
static void document(long long case_id, const char *username, const char *code)
{
	struct actor a = who(username);
	struct err e = ERR_INIT;
	ok(records_demo_document(db, vault, &a, case_id, code, NULL, &e) == 0, "%s finalised (%s)", code, e.msg);
}

/* two people saving the same case at once, each on its own connection */
struct racer {
	long long case_id;
	int row_version;
	const char *user;
	int rc, kind;
	char msg[512];
};
static void *race(void *arg)
{
	struct racer *r = arg;
	struct buf err;
	buf_init(&err, 0);
	struct db *c = db_open(testdb_last_url(), &err);
	buf_release(&err);
	if (!c) {
		r->rc = -2;
		return NULL;
	}
	struct actor a;
	people_actor_load(c, people_user_by_username(c, r->user), &a);
	struct case_act_input in = { .action = "participant", .row_version = r->row_version, .p_kind = "assistant",
				     .p_name = r->user, .p_id_type = "工作证", .p_id_number = "R-1",
				     .p_organisation = "云南省节能监察中心" };
	struct err e = ERR_INIT;
	r->rc = case_act(c, &a, r->case_id, &in, &e);
	r->kind = e.kind;
	snprintf(r->msg, sizeof r->msg, "%s", e.msg);
	db_close(c);
	return NULL;
}

static long long uid(const char *username)
{
	long long id = people_user_by_username(db, username);
	if (id <= 0)
		testdb_bail("no demo user", username);
	return id;
}

static struct actor who(const char *username)
{
	struct actor a;
	if (people_actor_load(db, uid(username), &a) < 0)
		testdb_bail("people_actor_load", username);
	snprintf(a.ip, sizeof a.ip, "test");
	return a;
}

static long long item(const char *kind, const char *name)
{
	long long id = db_scalar_int(db, 0, "SELECT id FROM pub_items WHERE kind = ? AND name = ?",
				     (const struct db_val[]){ DB_TEXT(kind), DB_TEXT(name), DB_END });
	if (id <= 0)
		testdb_bail("no demo item", name);
	return id;
}

static long long party(const char *uscc)
{
	long long id = party_by_uscc(db, uscc);
	if (id <= 0)
		testdb_bail("no demo party", uscc);
	return id;
}

static long long count(const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}

/* Rows of every table an act writes, summed with weights so that any
 * change shows. */
struct counts {
	long long cases, acts, officers, parties, participants, oplog, leaves, deadlines, matters;
};
static struct counts snap(void)
{
	struct counts c = { count("cases"), count("case_acts"), count("case_officers"), count("case_parties"),
			    count("case_participants"), count("op_log"), count("ledger_leaves"), count("deadlines"),
			    count("case_matters") };
	return c;
}
static bool same(struct counts a, struct counts b)
{
	return a.cases == b.cases && a.acts == b.acts && a.officers == b.officers && a.parties == b.parties &&
	       a.participants == b.participants && a.oplog == b.oplog && a.leaves == b.leaves &&
	       a.deadlines == b.deadlines && a.matters == b.matters;
}

static int rowv(long long id)
{
	return (int)db_scalar_int(db, 0, "SELECT row_version FROM cases WHERE id = ?",
				  (const struct db_val[]){ DB_INT(id), DB_END });
}

static char *stage_of(long long id)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT stage, status FROM cases WHERE id = ?", DB_INT(id)) < 0 || r->nrows == 0)
		testdb_bail("stage_of", db_errmsg(db));
	char *s = xasprintf("%s/%s", db_text(r, 0, 0), db_text(r, 0, 1));
	db_res_free(r);
	return s;
}

static void set_day(const char *date)
{
	/* noon in Beijing of date */
	char utc[21];
	snprintf(utc, sizeof utc, "%sT04:00:00Z", date);
	tp_set_now(time_utc_parse(utc));
}

static int act(long long id, const char *user, struct case_act_input in, struct err *e)
{
	struct actor a = who(user);
	if (in.row_version == 0)
		in.row_version = rowv(id);
	err_clear(e);
	return case_act(db, &a, id, &in, e);
}

static void expect_refused(long long id, const char *user, struct case_act_input in, int kind, const char *needle,
			   const char *what)
{
	struct counts before = snap();
	struct err e = ERR_INIT;
	int rc = act(id, user, in, &e);
	ok(rc < 0 && e.kind == kind && (!needle || strstr(e.msg, needle)), "%s: refused (%d %s: %s)", what, e.kind,
	   e.field, e.msg);
	ok(same(before, snap()), "%s: nothing written", what);
}

/* No leaf of a case event holds a name or number of a person or party. */
static void leaves_clean(void)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT leaf FROM ledger_leaves ORDER BY idx") < 0) {
		ok(0, "read leaves: %s", db_errmsg(db));
		return;
	}
	static const char *const personal[] = { "张晓峰", "刘海燕", "陈节华", "昆明云岭水泥", "王建国", "530102",
						"李振宇", "专家甲", "110101199003070000", "\"name\"" };
	int cases = 0, bad = 0;
	for (int i = 0; i < r->nrows; i++) {
		const char *leaf = db_text(r, i, 0);
		if (!strstr(leaf, "\"type\":\"case."))
			continue;
		cases++;
		for (size_t k = 0; k < ARRAY_SIZE(personal); k++)
			if (strstr(leaf, personal[k])) {
				bad++;
				printf("# leaf with personal data: %s\n", leaf);
			}
	}
	db_res_free(r);
	ok(cases > 5 && bad == 0, "%d case leaves, none with personal data", cases);
}

int main(void)
{
	db = tp_open();
	struct err e = ERR_INIT;
	int added = 0;
	records_init(); /* the requirement types "record" and "review" the default procedures name */
	review_init();
	if (people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 || party_demo_seed(db, &e) < 0 ||
	    procedure_ensure_defaults(db, &added, &e) < 0 || numbering_seed_defaults(db, &e) < 0 ||
	    doc_types_ensure_defaults(db, &added, &e) < 0 || review_catalogue_ensure_defaults(db, &added, &e) < 0)
		testdb_bail("demo seed", e.msg);
	char tmpdir[] = "/tmp/zhifa-cases-XXXXXX";
	if (!mkdtemp(tmpdir))
		testdb_bail("mkdtemp", tmpdir);
	char *data = xasprintf("%s/data", tmpdir);
	mkdir(data, 0700);
	vault = vault_open(data, &e);
	if (!vault)
		testdb_bail("vault_open", e.msg);
	free(data);
	/* the catalogue is published "now" (2026-09-21); the cases run after it */
	set_day("2026-09-22");

	long long m_penalty = item("matter", "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚");
	long long m_aq_insp = item("matter", "民用爆炸物品生产、销售安全监督检查");
	long long m_licence = item("matter", "民用爆炸物品生产许可");
	long long i_insp = item("inspection", "民用爆炸物品生产企业安全生产监督检查");
	long long p_cement = party("91530112MA6K1WN02H");
	long long p_mb = party("91530100MA6K0MB019");
	long long zhang = uid("jn.zhang"), liu = uid("jn.liu"), he = uid("jn.he");
	long long ma = uid("aq.ma"), zhu = uid("aq.zhu"), luo = uid("aq.luo");
	long long jnc = people_unit_by_code(db, "jnc"), aqc = people_unit_by_code(db, "aqc");

	/* ---- opening: refusals, nothing written ---- */
	struct actor zh = who("jn.zhang");
	long long two[] = { zhang, liu }, one[] = { zhang }, with_he[] = { zhang, he };
	long long pm[] = { m_penalty }, pp[] = { p_cement };
	struct case_input in = { .procedure = "penalty_general", .unit_id = jnc, .title = "使用国家明令淘汰的用能设备案",
				 .source = "inspection", .source_date = "2026-09-20", .matter_ids = pm, .n_matters = 1,
				 .party_ids = pp, .n_parties = 1, .officer_ids = two, .n_officers = 2,
				 .on_date = "2026-09-22" };
	struct {
		const char *what, *field, *needle;
		struct case_input in;
	} bad[] = {
		{ "one officer where two are needed", "officer_ids", "不得少于 2 人", in },
		{ "certificate that does not cover the matter", "officer_ids", "何永平", in },
		{ "unknown matter", "matter_ids", "不存在", in },
		{ "future date", "on_date", "将来", in },
		{ "source date after the act date", "source_date", "不能晚于", in },
		{ "double-random without an inspection item", "inspection_item_id", NULL, in },
		{ "double-random naming a matter", "inspection_item_id", "随机抽查事项", in },
		{ "unknown procedure", "procedure", NULL, in },
		{ "unknown source", "source", NULL, in },
		{ "empty title", "title", NULL, in },
	};
	bad[0].in.officer_ids = one, bad[0].in.n_officers = 1;
	bad[1].in.officer_ids = with_he;
	long long nomatter[] = { 999999 };
	bad[2].in.matter_ids = nomatter;
	bad[3].in.on_date = "2026-12-30";
	bad[4].in.source_date = "2026-09-23";
	bad[5].in.source = "random";
	bad[6].in.source = "random", bad[6].in.inspection_item_id = m_penalty;
	bad[7].in.procedure = "no_such_procedure";
	bad[8].in.source = "rumour";
	bad[9].in.title = "";
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct counts before = snap();
		struct errs all = ERRS_INIT;
		long long id = 0;
		err_clear(&e);
		int rc = case_open(db, &zh, &bad[i].in, &id, &all, &e);
		const struct err *f = errs_find(&all, bad[i].field);
		ok(rc < 0 && f && f->kind == ERR_INVALID && (!bad[i].needle || strstr(f->msg, bad[i].needle)),
		   "open refused: %s (%s: %s)", bad[i].what, f ? f->field : e.field, f ? f->msg : e.msg);
		ok(same(before, snap()), "open refused: %s: nothing written", bad[i].what);
		errs_release(&all);
	}
	{
		struct actor other = who("aq.ma");
		long long id = 0;
		ok(case_open(db, &other, &in, &id, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN,
		   "an officer of another division cannot open a case of this one (%s)", e.msg);
		struct actor adm = who("admin");
		ok(case_open(db, &adm, &in, &id, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN, "admin cannot open a case");
	}
	/* a suspended certificate: named */
	{
		long long lm[] = { m_aq_insp }, lo[] = { ma, luo }, lp[] = { p_mb };
		struct case_input li = { .procedure = "inspection", .unit_id = aqc, .title = "民爆企业双随机检查",
					 .source = "random", .source_date = "2026-09-22", .inspection_item_id = i_insp,
					 .matter_ids = lm, .n_matters = 1, .party_ids = lp, .n_parties = 1,
					 .officer_ids = lo, .n_officers = 2, .on_date = "2026-09-22" };
		struct actor mact = who("aq.ma");
		struct counts before = snap();
		long long id = 0;
		struct errs all = ERRS_INIT;
		int rc = case_open(db, &mact, &li, &id, &all, &e);
		ok(rc < 0 && strstr(e.msg, "罗春梅") && strstr(e.msg, "暂扣"), "suspended certificate named: %s", e.msg);
		ok(same(before, snap()), "suspended certificate: nothing written");
		errs_release(&all);
	}

	/* ---- opening a penalty case ---- */
	long long pc = 0;
	struct counts before = snap();
	ok(case_open(db, &zh, &in, &pc, NULL, &e) == 0 && pc > 0, "penalty case opened (%s)", e.msg);
	struct counts after = snap();
	ok(after.acts == before.acts + 1 && after.leaves == before.leaves + 1 && after.oplog == before.oplog + 1,
	   "opening: one act, one leaf, one op_log row");
	ok(after.deadlines == before.deadlines + 1, "opening: the 90-day clock started");
	{
		char *s = stage_of(pc);
		is_str(s, "filing/open", "initial stage 立案");
		free(s);
		struct db_res *r;
		db_query(db, &r, "SELECT case_no, procedure_id, body_unit_id, kind FROM cases WHERE id = ?", DB_INT(pc));
		ok(r->nrows == 1 && strstr(db_text(r, 0, 0), "2026"), "立案号 assigned: %s", db_text(r, 0, 0));
		ok(db_int(r, 0, 1) > 0 && db_int(r, 0, 2) == people_unit_body(db, jnc), "procedure and 执法主体 stored");
		is_str(db_text(r, 0, 3), "penalty", "kind from the procedure");
		db_res_free(r);
		long long due = db_scalar_int(db, 0, "SELECT COUNT(*) FROM deadlines d JOIN deadline_rules r ON"
						     " r.id = d.rule_id WHERE d.object_type = 'case' AND d.object_id ="
						     " CAST(? AS TEXT) AND r.event_code = 'case_penalty_decision'"
						     " AND d.due_on = '2026-12-21'",
					      (const struct db_val[]){ DB_INT(pc), DB_END });
		ok(due == 1, "case_penalty_decision due 90 calendar days after 立案 (2026-12-21)");
	}

	/* ---- gates and approvals ---- */
	struct case_act_input adv = { .action = "advance", .to = "investigation", .on_date = "2026-09-22" };
	expect_refused(pc, "jn.zhang", adv, ERR_CONFLICT, "立案审批", "advance without 立案审批");
	struct case_act_input appr = { .action = "approve", .approval = "filing", .on_date = "2026-09-22" };
	expect_refused(pc, "jn.liu", appr, ERR_FORBIDDEN, NULL, "approval by an officer (no role)");
	expect_refused(pc, "aq.head", appr, ERR_NOTFOUND, NULL, "the head of another division does not even see it");
	expect_refused(pc, "fenguan", appr, ERR_FORBIDDEN, "处室负责人", "approval by a leader where a head is named");
	struct case_act_input bad_appr = appr;
	bad_appr.approval = "decision";
	expect_refused(pc, "jn.head", bad_appr, ERR_INVALID, NULL, "an approval the stage does not have");
	ok(act(pc, "jn.head", appr, &e) == 0, "立案审批 by the head of the division (%s)", e.msg);
	expect_refused(pc, "jn.head", appr, ERR_CONFLICT, "不必重复", "the same approval twice");

	/* optimistic concurrency */
	{
		int v = rowv(pc);
		struct case_act_input p1 = { .action = "participant", .row_version = v, .p_kind = "expert",
					     .p_name = "专家甲", .p_id_type = "居民身份证",
					     .p_id_number = "110101199003070000", .p_organisation = "云南省节能技术中心",
					     .p_title = "高级工程师", .on_date = "2026-09-22" };
		ok(act(pc, "jn.zhang", p1, &e) == 0, "expert registered at version %d", v);
		struct case_act_input stale = adv;
		stale.row_version = v;
		struct counts b2 = snap();
		ok(act(pc, "jn.liu", stale, &e) < 0 && e.kind == ERR_CONFLICT && strstr(e.msg, "已被他人修改") &&
			   str_eq(e.field, "row_version"),
		   "stale row_version: 409 (%s)", e.msg);
		ok(same(b2, snap()), "stale row_version: nothing written");
	}

	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "decision" }, ERR_CONFLICT,
		       "不允许", "a transition the procedure does not allow");
	expect_refused(pc, "aq.ma", adv, ERR_NOTFOUND, NULL, "an officer of another division cannot see the case");
	ok(act(pc, "jn.zhang", adv, &e) == 0, "advance to 调查取证 (%s)", e.msg);

	/* officers on every act: jn.he may not join a penalty case */
	{
		struct case_act_input o = { .action = "officers", .officer_ids = with_he, .n_officers = 2 };
		expect_refused(pc, "jn.head", o, ERR_INVALID, "何永平", "officer without cover assigned");
		o.officer_ids = one, o.n_officers = 1;
		expect_refused(pc, "jn.head", o, ERR_INVALID, "不得少于", "one officer where two are needed");
		o.officer_ids = two, o.n_officers = 2;
		expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "officers", .officer_ids = two,
									 .n_officers = 2 },
			       ERR_FORBIDDEN, NULL, "an officer re-assigning after 立案");
	}

	/* suspend and resume the 90-day clock for 检测 */
	set_day("2026-10-09");
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "suspend", .suspension = "testing",
							  .reason = "委托检测用能设备" }, &e) == 0,
	   "clock suspended for 检测 (%s)", e.msg);
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "suspend", .suspension = "hearing" },
		       ERR_CONFLICT, NULL, "a second suspension while one runs");
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "notice",
							       .on_date = "2026-10-01" },
		       ERR_INVALID, "早于", "an act dated before the last act");
	set_day("2026-10-19");
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "resume" }, &e) == 0, "clock resumed (%s)", e.msg);
	{
		char *due = NULL;
		struct db_res *r;
		db_query(db, &r, "SELECT d.due_on FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
				 " WHERE d.object_type = 'case' AND d.object_id = CAST(? AS TEXT)"
				 " AND r.event_code = 'case_penalty_decision'", DB_INT(pc));
		due = xstrdup(r->nrows ? db_text(r, 0, 0) : "");
		db_res_free(r);
		ok(strcmp(due, "2026-12-21") > 0, "the paused period is not counted: due %s", due);
		free(due);
	}
	/* extension: by the leader only */
	expect_refused(pc, "jn.head", (struct case_act_input){ .action = "extend", .reason = "案情复杂" },
		       ERR_FORBIDDEN, NULL, "extension by someone without the role");
	ok(act(pc, "fenguan", (struct case_act_input){ .action = "extend", .reason = "案情复杂，需延长办案期限",
						       .days = 30 },
	       &e) == 0,
	   "extension approved by the leader (%s)", e.msg);
	{
		char pcs[24];
		snprintf(pcs, sizeof pcs, "%lld", pc);
		struct db_res *r;
		db_query(db, &r, "SELECT x.by_user FROM deadline_extensions x JOIN deadlines d ON d.id = x.deadline_id"
				 " WHERE d.object_type = 'case' AND d.object_id = ?", DB_TEXT(pcs));
		char *by = xstrdup(r && r->nrows ? db_text(r, 0, 0) : "");
		db_res_free(r);
		ok(str_eq(by, "王立新"), "the clock names the approver by name, not by login (%s)", by);
		free(by);
	}

	/* the reads */
	{
		json_t *c = NULL;
		long long logs = db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'case.read'",
					       (const struct db_val[]){ DB_END });
		ok(case_get(db, &zh, pc, &c, &e) == 0, "case_get (%s)", e.msg);
		ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'case.read'",
				 (const struct db_val[]){ DB_END }) == logs + 1,
		   "the read is in the operation log");
		ok(json_array_size(json_object_get(c, "acts")) == 7, "timeline: %zu acts",
		   json_array_size(json_object_get(c, "acts")));
		ok(json_array_size(json_object_get(c, "officers")) == 2, "two officers with certificates");
		ok(json_integer_value(json_object_get(json_array_get(json_object_get(c, "officers"), 0), "cert_id")) > 0,
		   "officer's certificate recorded");
		ok(json_array_size(json_object_get(c, "participants")) == 1, "the expert is listed");
		ok(json_array_size(json_object_get(c, "clocks")) >= 1, "clocks listed");
		ok(json_array_size(json_object_get(c, "parties")) == 1, "party listed");
		json_t *acts = json_object_get(c, "actions");
		bool has_notice = false;
		size_t i;
		json_t *x;
		json_array_foreach(acts, i, x)
			if (str_eq(json_string_value(json_object_get(x, "to")), "notice"))
				has_notice = true;
		ok(has_notice, "actions offer 告知");
		json_decref(c);
		struct actor fg = who("fenguan"), jd = who("jiandu"), da = who("dangan"), adm = who("admin");
		struct actor am = who("aq.ma"), jh = who("jn.head");
		ok(case_get(db, &fg, pc, &c, &e) == 0, "the leader reads every case");
		json_t *fa = json_object_get(c, "actions");
		bool officer_action = false;
		json_array_foreach(fa, i, x)
			if (str_eq(json_string_value(json_object_get(x, "action")), "advance"))
				officer_action = true;
		ok(!officer_action, "the leader is not offered an officer's action");
		json_decref(c);
		ok(case_get(db, &jd, pc, &c, &e) == 0, "the supervisor reads every case");
		json_decref(c);
		ok(case_get(db, &jh, pc, &c, &e) == 0, "the head reads the division's case");
		json_decref(c);
		c = NULL;
		ok(case_get(db, &da, pc, &c, &e) < 0 && e.kind == ERR_NOTFOUND, "the archivist does not read open cases");
		ok(case_get(db, &adm, pc, &c, &e) < 0 && e.kind == ERR_NOTFOUND, "admin reads no case");
		ok(case_get(db, &am, pc, &c, &e) < 0 && e.kind == ERR_NOTFOUND, "another division's officer: not found");
	}

	/* ---- the penalty to 结案: 告知, 法制审核 by the 政策法规处, 决定 by the leader, 送达, 执行 ---- */
	set_day("2026-10-26");
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "notice" }, &e) == 0, "告知 (%s)", e.msg);
	ok(act(pc, "jn.head", (struct case_act_input){ .action = "approve", .approval = "notice" }, &e) == 0,
	   "告知审批 (%s)", e.msg);
	/* 听证: notified at least 7 working days before it is held (第六十四条第（二）项, 第八十五条);
	   notice on Monday 2026-10-26: 10-27..10-30 and 11-02..11-04 are 7 working days, so 11-05 is
	   the first allowed day */
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "hearing" }, ERR_INVALID,
		       "举行日期", "a hearing without its date");
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "hearing", .event_on = "2026-11-04" },
		       ERR_INVALID, "不足 7 个工作日", "a hearing 6 working days after the notice");
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "hearing", .event_on = "2026-02-30" },
		       ERR_INVALID, "真实的日期", "a hearing on a day that does not exist");
	{
		struct actor sh = who("shenhe");
		json_t *c = NULL;
		ok(case_get(db, &sh, pc, &c, &e) < 0 && e.kind == ERR_NOTFOUND, "the reviewer does not see it before 法制审核");
		ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "legal_review" }, &e) == 0,
		   "submitted to 法制审核 (%s)", e.msg);
		ok(case_get(db, &sh, pc, &c, &e) == 0, "the reviewer sees the case submitted to them (%s)", e.msg);
		json_decref(c);
		json_t *l = NULL;
		struct case_filter f = { 0 };
		ok(case_list(db, &sh, &f, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "and lists it");
		json_decref(l);
	}
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "decision" }, ERR_CONFLICT,
		       "尚未送法制审核", "决定 before the 法制审核");
	{
		/* the review (review/flow.h): submitted, accepted, claimed, 同意 */
		struct actor off = who("jn.zhang"), fg = who("fagui.head"), sh = who("shenhe");
		json_t *sub = json_pack("{s:s,s:s,s:b,s:s,s:i,s:[s]}", "decision", "拟警告并罚款五千元", "report",
				       "调查终结报告：事实清楚，证据确凿", "vouch", 1, "party_kind", "org", "fine_yuan", 5000,
				       "measures", "罚款");
		json_t *none = json_deep_copy(sub);
		e = (struct err)ERR_INIT;
		ok(review_submit(db, vault, &off, pc, none, NULL, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "materials"),
		   "a case file without a finalised record is not submitted (%s)", e.msg);
		json_decref(none);
		document(pc, "jn.zhang", "inquiry_record");
		e = (struct err)ERR_INIT;
		ok(review_submit(db, vault, &off, pc, sub, NULL, &e) == 0, "submitted to 法制审核 (%s)", e.msg);
		json_decref(sub);
		ok(review_accept(db, &fg, pc, &e) == 0 && review_claim(db, &sh, pc, &e) == 0, "accepted and claimed (%s)",
		   e.msg);
		json_t *cl = json_object();
		for (int i = 0; i < REVIEW_CHECKLIST_N; i++)
			json_object_set_new(cl, review_checklist_keys[i], json_pack("{s:b,s:s}", "ok", 1, "note", ""));
		json_t *op = json_pack("{s:s,s:o,s:[]}", "verdict", "agree", "checklist", cl, "problems");
		ok(review_opinion(db, vault, &sh, pc, op, PEOPLE_DEMO_PASSWORD, &e) == 0, "法制审核 同意 by the reviewer (%s)",
		   e.msg);
		json_decref(op);
	}
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "decision" }, &e) == 0, "决定 (%s)",
	   e.msg);
	ok(act(pc, "fenguan", (struct case_act_input){ .action = "approve", .approval = "decision" }, &e) == 0,
	   "负责人审查决定 by the leader (%s)", e.msg);
	expect_refused(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "service" }, ERR_CONFLICT,
		       "行政处罚决定书", "送达 before the 行政处罚决定书 is finalised");
	document(pc, "jn.zhang", "penalty_decision");
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "advance", .to = "service" }, &e) == 0,
	   "决定书 made and served (%s)", e.msg);
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM cases WHERE id = ? AND decision_no LIKE '%罚〔2026〕%'",
			 (const struct db_val[]){ DB_INT(pc), DB_END }) == 1,
	   "决定书文号 assigned on entering 送达");
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
				" WHERE d.object_type = 'case' AND d.object_id = CAST(? AS TEXT) AND"
				" r.event_code = 'case_penalty_decision' AND d.state = 'met' AND d.met_on = '2026-10-26'",
			 (const struct db_val[]){ DB_INT(pc), DB_END }) == 1,
	   "the 90-day clock is met by the decision");
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM cases c JOIN documents d ON d.case_id = c.id AND"
				" d.type_code = 'penalty_decision' AND d.number = c.decision_no WHERE c.id = ?",
			 (const struct db_val[]){ DB_INT(pc), DB_END }) == 1,
	   "the 决定书 and the case carry the same number (drawn once)");
	expect_refused(pc, "jn.liu", (struct case_act_input){ .action = "advance", .to = "execution" }, ERR_CONFLICT,
		       "送达回证", "执行 before the 送达回证");
	document(pc, "jn.liu", "service_receipt");
	ok(act(pc, "jn.liu", (struct case_act_input){ .action = "advance", .to = "execution" }, &e) == 0, "执行 (%s)",
	   e.msg);
	ok(act(pc, "jn.head", (struct case_act_input){ .action = "approve", .approval = "close" }, &e) == 0,
	   "结案审批 (%s)", e.msg);
	ok(act(pc, "jn.zhang", (struct case_act_input){ .action = "close" }, &e) == 0, "结案 (%s)", e.msg);

	/* ---- a licence, to 准予 and 办结 ---- */
	set_day("2026-10-20");
	long long lc = 0;
	{
		long long lm[] = { m_licence }, lo[] = { ma, zhu }, lp[] = { p_mb };
		struct case_input li = { .procedure = "licence", .unit_id = aqc, .title = "民用爆炸物品生产许可申请",
					 .source = "application", .source_date = "2026-10-20", .matter_ids = lm,
					 .n_matters = 1, .party_ids = lp, .n_parties = 1, .officer_ids = lo,
					 .n_officers = 2 };
		struct actor mact = who("aq.ma");
		ok(case_open(db, &mact, &li, &lc, NULL, &e) == 0, "licence application opened (%s)", e.msg);
		ok(act(lc, "aq.ma", (struct case_act_input){ .action = "advance", .to = "acceptance" }, &e) == 0,
		   "受理 (%s)", e.msg);
		ok(act(lc, "aq.zhu", (struct case_act_input){ .action = "advance", .to = "examination" }, &e) == 0,
		   "审查 (%s)", e.msg);
		/* the licence clock may be extended once by the leader (行政许可法第四十二条) */
		ok(act(lc, "fenguan", (struct case_act_input){ .action = "extend", .reason = "需现场核查" }, &e) == 0,
		   "licence clock extended by 10 working days (%s)", e.msg);
		ok(act(lc, "aq.ma", (struct case_act_input){ .action = "advance", .to = "granted" }, &e) == 0,
		   "准予行政许可 (%s)", e.msg);
		expect_refused(lc, "aq.ma", (struct case_act_input){ .action = "close" }, ERR_CONFLICT, "准予行政许可决定书",
			       "结案 without the 准予行政许可决定书");
		document(lc, "aq.ma", "licence_grant");
		expect_refused(lc, "aq.ma", (struct case_act_input){ .action = "close" }, ERR_CONFLICT, "审批",
			       "结案 without its approval");
		ok(act(lc, "aq.head", (struct case_act_input){ .action = "approve", .approval = "close" }, &e) == 0,
		   "结案审批 (%s)", e.msg);
		expect_refused(lc, "aq.ma", (struct case_act_input){ .action = "advance", .to = "closed" }, ERR_INVALID,
			       "结案", "entering the final stage by advance");
		ok(act(lc, "aq.ma", (struct case_act_input){ .action = "close" }, &e) == 0, "办结 (%s)", e.msg);
		char *s = stage_of(lc);
		is_str(s, "closed/closed", "licence closed");
		free(s);
		ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
					" WHERE d.object_type = 'case' AND d.object_id = CAST(? AS TEXT)"
					" AND r.event_code = 'case_archive'",
				 (const struct db_val[]){ DB_INT(lc), DB_END }) == 1,
		   "结案 started the 归档 clock");
		ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM cases WHERE id = ? AND decision_no IS NOT NULL",
				 (const struct db_val[]){ DB_INT(lc), DB_END }) == 1,
		   "the licence decision got its number");
		expect_refused(lc, "aq.ma", (struct case_act_input){ .action = "participant", .p_kind = "expert",
								      .p_name = "某", .p_id_type = "工作证",
								      .p_id_number = "1", .p_organisation = "某" },
			       ERR_CONFLICT, NULL, "an act on a closed case");
		json_t *c = NULL;
		struct actor da = who("dangan");
		ok(case_get(db, &da, lc, &c, &e) == 0, "the archivist reads the closed case");
		json_decref(c);
	}

	/* ---- an ending: 移送司法机关 ---- */
	{
		long long c2 = 0;
		struct case_input i2 = in;
		i2.title = "涉嫌犯罪移送案";
		ok(case_open(db, &zh, &i2, &c2, NULL, &e) == 0, "second penalty case opened");
		expect_refused(c2, "fenguan", (struct case_act_input){ .action = "end", .ending = "transferred_judicial" },
			       ERR_INVALID, "理由", "an ending without a reason");
		expect_refused(c2, "jn.head", (struct case_act_input){ .action = "end", .ending = "transferred_judicial",
								       .reason = "涉嫌犯罪" },
			       ERR_FORBIDDEN, NULL, "an ending by someone without the role");
		ok(act(c2, "fenguan", (struct case_act_input){ .action = "end", .ending = "transferred_judicial",
							       .reason = "涉嫌犯罪，依法移送公安机关" },
		       &e) == 0,
		   "移送司法机关 (%s)", e.msg);
		char *s = stage_of(c2);
		is_str(s, "filing/ended", "ended, not deleted");
		free(s);
		ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM deadlines WHERE object_type = 'case' AND object_id ="
					" CAST(? AS TEXT) AND state <> 'met'",
				 (const struct db_val[]){ DB_INT(c2), DB_END }) == 0,
		   "an ended case runs no clock");
	}

	/* ---- the list ---- */
	{
		json_t *l = NULL;
		struct case_filter f = { 0 };
		ok(case_list(db, &zh, &f, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 2,
		   "officer sees the division's two cases");
		json_t *it0 = json_array_get(json_object_get(l, "items"), 0);
		ok(json_array_size(json_object_get(it0, "parties")) == 1 &&
			   json_array_size(json_object_get(it0, "officers")) == 2,
		   "list items carry parties and officers");
		json_decref(l);
		struct actor fg = who("fenguan"), da = who("dangan"), am = who("aq.ma"), adm = who("admin");
		ok(case_list(db, &fg, &f, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 3,
		   "the leader sees all three");
		json_decref(l);
		ok(case_list(db, &da, &f, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 2,
		   "the archivist sees the two closed ones");
		json_decref(l);
		ok(case_list(db, &am, &f, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "aq.ma sees the licence only");
		json_decref(l);
		ok(case_list(db, &adm, &f, &l, &e) < 0 && e.kind == ERR_FORBIDDEN, "admin: no case list");
		{
			struct case_filter open_f = { .status = "closed" }; /* their 归档 clocks run */
			ok(case_list(db, &fg, &open_f, &l, &e) == 0, "closed cases listed");
			bool due = false;
			size_t i;
			json_t *x;
			json_array_foreach(json_object_get(l, "items"), i, x)
				due = due || (json_is_string(json_object_get(x, "next_due")) &&
					      json_is_string(json_object_get(x, "due_state")));
			ok(due, "list items carry next_due and due_state from the deadlines");
			json_decref(l);
		}
		struct case_filter k = { .kind = "licence" };
		ok(case_list(db, &fg, &k, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "filter by kind");
		json_decref(l);
		struct case_filter o = { .officer_id = zhu };
		ok(case_list(db, &fg, &o, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "filter by officer");
		json_decref(l);
		struct case_filter p = { .party_id = p_cement, .status = "closed" };
		ok(case_list(db, &fg, &p, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "filter by party and status");
		json_decref(l);
		struct case_filter q = { .q = "移送" };
		ok(case_list(db, &fg, &q, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1,
		   "search the title");
		json_decref(l);
		struct case_filter s = { .sort = "password" };
		ok(case_list(db, &fg, &s, &l, &e) < 0 && str_eq(e.field, "sort"), "unknown sort refused");
		{
			struct case_filter ov = { .due = "overdue" };
			ok(case_list(db, &fg, &ov, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 0,
			   "no case overdue yet");
			json_decref(l);
			char idstr[24];
			snprintf(idstr, sizeof idstr, "%lld", lc);
			db_exec(db, "UPDATE deadlines SET state = 'overdue' WHERE object_type = 'case' AND object_id = ?"
				    " AND state <> 'met'", DB_TEXT(idstr));
			ok(case_list(db, &fg, &ov, &l, &e) == 0 && json_integer_value(json_object_get(l, "total")) == 1 &&
				   str_eq(json_string_value(json_object_get(json_array_get(json_object_get(l, "items"), 0),
									    "due_state")), "overdue"),
			   "filter by overdue clock");
			json_decref(l);
		}
		struct case_filter d = { .due = "soon" };
		ok(case_list(db, &fg, &d, &l, &e) < 0 && str_eq(e.field, "due"), "unknown due filter refused");
		{
			struct case_filter far = { .page = 99 };
			ok(case_list(db, &zh, &far, &l, &e) == 0 && json_array_size(json_object_get(l, "items")) == 0 &&
				   json_integer_value(json_object_get(l, "total")) == 2,
			   "past the last page: no items, the total still counted");
			json_decref(l);
			struct case_filter p2 = { .per_page = 1, .page = 2 };
			ok(case_list(db, &zh, &p2, &l, &e) == 0 && json_array_size(json_object_get(l, "items")) == 1 &&
				   json_integer_value(json_object_get(l, "total")) == 2,
			   "an officer's paged list counts the whole view");
			json_decref(l);
		}
		struct case_filter pg = { .per_page = 1, .page = 2 };
		ok(case_list(db, &fg, &pg, &l, &e) == 0 && json_array_size(json_object_get(l, "items")) == 1 &&
			   json_integer_value(json_object_get(l, "total")) == 3,
		   "paging");
		json_decref(l);
		/* the two forms of the list's filters (driven by the filter's index,
		   or probed per case along the sort index) give the same rows */
		{
			long long matter = db_scalar_int(db, 0, "SELECT MIN(item_id) FROM case_matters",
							 (const struct db_val[]){ DB_END });
			struct case_filter fs[] = { { .officer_id = zhu }, { .party_id = p_cement },
						    { .matter_id = matter }, { .due = "overdue" },
						    { .kind = "licence" }, { .q = "移送" }, { .per_page = 2 } };
			const struct actor *as[] = { &fg, &zh, &da };
			int same = 0, n = 0;
			for (size_t i = 0; i < ARRAY_SIZE(fs); i++)
				for (size_t j = 0; j < ARRAY_SIZE(as); j++) {
					json_t *l1 = NULL, *l2 = NULL;
					long long old = case_list_probe_from(1000000);
					int r1 = case_list(db, as[j], &fs[i], &l1, &e);
					case_list_probe_from(0);
					int r2 = case_list(db, as[j], &fs[i], &l2, &e);
					case_list_probe_from(old);
					n++;
					if (r1 == 0 && r2 == 0 && json_equal(l1, l2))
						same++;
					else
						printf("# filter %zu, reader %zu: %d %d %s\n", i, j, r1, r2, e.msg);
					json_decref(l1);
					json_decref(l2);
				}
			ok(same == n, "every filter and reader: the same page either way (%d of %d)", same, n);
		}
	}

	/* ---- concurrency: two saves of the same version at once, one wins ---- */
	{
		long long c3 = 0;
		struct case_input i3 = in;
		i3.title = "并发保存测试案";
		ok(case_open(db, &zh, &i3, &c3, NULL, &e) == 0, "a case for the race");
		struct counts b = snap();
		struct racer r1 = { c3, rowv(c3), "jn.zhang", 0, 0, "" }, r2 = { c3, rowv(c3), "jn.liu", 0, 0, "" };
		pthread_t t1, t2;
		pthread_create(&t1, NULL, race, &r1);
		pthread_create(&t2, NULL, race, &r2);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		int wins = (r1.rc == 0) + (r2.rc == 0);
		int lost = (r1.rc < 0 && r1.kind == ERR_CONFLICT) + (r2.rc < 0 && r2.kind == ERR_CONFLICT);
		ok(wins == 1 && lost == 1, "concurrent saves: one wins, the other is told (%s%s)", r1.msg, r2.msg);
		struct counts a2 = snap();
		ok(a2.acts == b.acts + 1 && a2.participants == b.participants + 1, "only the winner's act is written");
		ok(rowv(c3) == r1.row_version + 1, "the row version moved once");
	}

	/* ---- nothing is ever deleted or changed ---- */
	ok(db_exec(db, "UPDATE case_acts SET type = 'x' WHERE case_id = ?", DB_INT(pc)) < 0, "case_acts: UPDATE refused");
	ok(db_exec(db, "DELETE FROM case_acts WHERE case_id = ?", DB_INT(pc)) < 0, "case_acts: DELETE refused");
	ok(db_exec(db, "DELETE FROM cases WHERE id = ?", DB_INT(pc)) < 0, "cases: DELETE refused");
	leaves_clean();
	(void)jnc;
	vault_close(vault);
	db_close(db);
	return tap_done();
}
