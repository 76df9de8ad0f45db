/*
 * Tests of a certificate's coverage (which catalogue matters it covers,
 * migration 025) and of cert_check_officer: validity on the day of an act
 * by the certificate's dates and status history, coverage of a unit and
 * the units below it, by category; the migration's backfill; the demo
 * officers against the demo catalogue.
 */
#include "test_people_util.h"
#include "people/certs.h"
#include "people/demo.h"
#include "publicity/publicity.h"

static long long matter(struct db *db, long long unit, const char *name, const char *category)
{
	char now[21];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO pub_items(kind, unit_id, status, has_draft, name, category, search_name,"
		     " search_text, latest_version, created_at, updated_at) VALUES ('matter', ?, 'draft', 1, ?, ?, ?, ?, 0,"
		     " ?, ?) RETURNING id", DB_INT(unit), DB_TEXT(name), DB_TEXT(category), DB_TEXT(name), DB_TEXT(name),
		     DB_TEXT(now), DB_TEXT(now)) < 0 || r->nrows != 1)
		testdb_bail("insert matter", db_errmsg(db));
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static void test_coverage(struct db *db, struct tp_tree *t)
{
	struct actor fg = tp_actor(db, t->fg_head);
	struct err e = ERR_INIT;
	long long m_insp = matter(db, t->jnc, "工业节能监察", "inspection");
	long long m_pen = matter(db, t->jnc, "节能行政处罚", "penalty");
	long long m_child = matter(db, t->jnc1, "一科节能检查", "inspection");
	long long m_aq = matter(db, t->aqc, "民爆安全检查", "inspection");
	long long guide = matter(db, t->jnc, "服务指南", "inspection");
	db_exec(db, "UPDATE pub_items SET kind = 'guide' WHERE id = ?", DB_INT(guide));

	/* coverage validated */
	struct cert_scope bad_unit[] = { { 99999, NULL } }, bad_cat[] = { { t->jnc, "licensing" } };
	struct cert_input in = { t->jn_officer, "S-001", NULL, "节约能源监督检查", "云南省人民政府", "2024-01-01",
				 "2028-12-31", bad_unit, 1 };
	long long id = 0, got = 0;
	ok(cert_create(db, &fg, &in, &id, NULL, &e) < 0 && str_eq(e.field, "scope_units"), "an unknown unit is refused");
	in.scopes = bad_cat;
	ok(cert_create(db, &fg, &in, &id, NULL, &e) < 0 && str_eq(e.field, "scope_categories") &&
	   strstr(e.msg, "licensing"), "an unknown category is refused, named");
	is_int(tp_count(db, "SELECT COUNT(*) FROM certificates"), 0, "refusals wrote nothing");
	struct errs all = ERRS_INIT;
	in.scopes = bad_unit;
	in.cert_no = "";
	ok(cert_check(db, &in, 0, &all) < 0 && errs_find(&all, "scope_units") && errs_find(&all, "cert_no"),
	   "cert_check reports coverage with the other fields");
	errs_release(&all);
	in.cert_no = "S-001";

	/* jnc, inspection only */
	struct cert_scope insp[] = { { t->jnc, "inspection" }, { t->jnc, "inspection" } };
	in.scopes = insp;
	in.n_scopes = 2;
	ok(cert_create(db, &fg, &in, &id, NULL, &e) == 0, "issued with coverage 节能处 / 行政检查");
	is_int(tp_count(db, "SELECT COUNT(*) FROM cert_scopes"), 1, "duplicates merged");
	json_t *o = NULL;
	ok(cert_get(db, &fg, id, &o, &e) == 0 && json_array_size(json_object_get(o, "scopes")) == 1, "cert_get: scopes");
	is_str(json_string_value(json_object_get(o, "scope_text")), "节能与综合利用处（含下属单位）：行政检查", "scope text");
	json_decref(o);

	long long ms1[] = { m_insp, m_child };
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-09-21", &got, &e) == 0 && got == id,
	   "covers its unit's and a sub-unit's inspection matters");
	long long ms2[] = { m_insp, m_pen };
	ok(cert_check_officer(db, t->jn_officer, ms2, 2, "2026-09-21", &got, &e) < 0 && e.kind == ERR_INVALID &&
	   str_eq(e.field, "officers") && got == 0, "a penalty matter is not covered");
	is_str(e.msg, "张执法的执法证不涵盖执法事项「节能行政处罚」", "the message names the person and the matter");
	long long ms3[] = { m_aq };
	ok(cert_check_officer(db, t->jn_officer, ms3, 1, "2026-09-21", NULL, &e) < 0 && strstr(e.msg, "民爆安全检查"),
	   "another division's matter is not covered");
	long long ms4[] = { guide };
	ok(cert_check_officer(db, t->jn_officer, ms4, 1, "2026-09-21", NULL, &e) < 0 && str_eq(e.field, "matters"),
	   "a guide is not a matter");
	long long ms5[] = { 424242 };
	ok(cert_check_officer(db, t->jn_officer, ms5, 1, "2026-09-21", NULL, &e) < 0 && str_eq(e.field, "matters"),
	   "an unknown matter is named");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-02-30", NULL, &e) < 0 && str_eq(e.field, "on_date"),
	   "a day that does not exist");
	ok(cert_check_officer(db, t->jn_officer, NULL, 0, NULL, &got, &e) == 0 && got == id, "no matters: today's validity");

	/* dates */
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2029-01-01", NULL, &e) < 0, "after valid_to refused");
	is_str(e.msg, "张执法的执法证已于 2028-12-31 过期，不能参与执法", "expired, with the date");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2023-12-31", NULL, &e) < 0 && strstr(e.msg, "尚未生效"),
	   "before valid_from refused");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2028-12-31", NULL, &e) == 0, "valid on its last day");

	/* status history: suspended from today (2026-09-21 Beijing) */
	ok(cert_set_status(db, &fg, id, "suspended", "调查中", &e) == 0, "suspended");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-09-21", NULL, &e) < 0, "refused while suspended");
	is_str(e.msg, "张执法的执法证已暂扣（2026-09-21 起），不能参与执法", "suspended, since when");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-09-20", &got, &e) == 0 && got == id,
	   "an act of the day before is judged by that day's status");
	tp_set_now(time_utc_parse("2026-09-25T02:00:00Z"));
	ok(cert_set_status(db, &fg, id, "valid", "", &e) == 0, "restored on 2026-09-25");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-09-25", NULL, &e) == 0, "valid again");
	ok(cert_check_officer(db, t->jn_officer, ms1, 2, "2026-09-23", NULL, &e) < 0 && strstr(e.msg, "暂扣"),
	   "still suspended on a day in between");
	ok(db_exec(db, "UPDATE cert_status_changes SET on_date = '2020-01-01'") < 0, "the status history is append-only");
	tp_set_now(TP_NOW);

	/* update replaces coverage; NULL scopes keep it */
	struct cert_scope both[] = { { t->jnc, "inspection" }, { t->jnc, "penalty" } };
	in.scopes = both;
	in.n_scopes = 2;
	ok(cert_update(db, &fg, id, &in, &e) == 0, "coverage corrected");
	ok(cert_check_officer(db, t->jn_officer, ms2, 2, "2026-09-21", NULL, &e) < 0 && strstr(e.msg, "暂扣"),
	   "covered now, but suspended on that day");
	ok(cert_check_officer(db, t->jn_officer, ms2, 2, "2026-09-26", NULL, &e) == 0, "and covered after the restoration");
	in.scopes = NULL;
	in.n_scopes = 0;
	ok(cert_update(db, &fg, id, &in, &e) == 0 && tp_count(db, "SELECT COUNT(*) FROM cert_scopes") == 2,
	   "an update without scopes keeps them");
	struct cert_scope every[] = { { t->jnc, "penalty" }, { t->jnc, NULL } };
	in.scopes = every;
	in.n_scopes = 2;
	ok(cert_update(db, &fg, id, &in, &e) == 0 && tp_count(db, "SELECT COUNT(*) FROM cert_scopes") == 1,
	   "every category of a unit makes its single categories redundant");

	/* default: holder's unit, every category */
	struct cert_input dflt = { t->aq_officer, "S-002", NULL, "民爆检查", "云南省人民政府", "2024-01-01", "2028-12-31",
				   NULL, 0 };
	long long id2;
	ok(cert_create(db, &fg, &dflt, &id2, NULL, &e) == 0, "issued without coverage");
	ok(cert_check_officer(db, t->aq_officer, ms3, 1, "2026-09-21", &got, &e) == 0 && got == id2,
	   "covers the holder's unit, every category");
	ok(cert_check_officer(db, t->aq_officer, ms1, 2, "2026-09-21", NULL, &e) < 0 && strstr(e.msg, "马执法"),
	   "not another division's");
	ok(cert_set_status(db, &fg, id2, "revoked", "调离", &e) == 0, "revoked");
	ok(cert_check_officer(db, t->aq_officer, ms3, 1, "2026-09-21", NULL, &e) < 0, "refused when revoked");
	is_str(e.msg, "马执法的执法证已注销（2026-09-21 起），不能参与执法", "revoked, since when");

	/* no certificate; a renewal after an expired one */
	ok(cert_check_officer(db, t->jn1_officer, ms1, 2, "2026-09-21", NULL, &e) < 0, "no certificate");
	is_str(e.msg, "王科员没有执法证，不能参与执法", "no certificate, named");
	ok(cert_check_officer(db, 987654, ms1, 2, "2026-09-21", NULL, &e) < 0 && str_eq(e.field, "officers"),
	   "an unknown person");
	struct cert_input old = { t->jn1_officer, "S-003", NULL, "节能检查", "云南省人民政府", "2019-01-01", "2023-12-31",
				  NULL, 0 },
			  renew = { t->jn1_officer, "S-004", NULL, "节能检查", "云南省人民政府", "2024-01-01", "2028-12-31",
				    NULL, 0 };
	long long id3, id4;
	ok(cert_create(db, &fg, &old, &id3, NULL, &e) == 0 && cert_create(db, &fg, &renew, &id4, NULL, &e) == 0,
	   "an expired certificate and its renewal");
	long long ms6[] = { m_child };
	ok(cert_check_officer(db, t->jn1_officer, ms6, 1, "2026-09-21", &got, &e) == 0 && got == id4, "the renewal acts");
	ok(cert_check_officer(db, t->jn1_officer, ms6, 1, "2020-05-01", &got, &e) == 0 && got == id3,
	   "an act of 2020 by the old one");
	ok(cert_check_officer(db, t->jn1_officer, ms1, 2, "2026-09-21", NULL, &e) < 0 && strstr(e.msg, "工业节能监察"),
	   "a sub-unit's certificate does not cover the unit above");
}

/* Migration 025 on a database that had certificates before it. */
static void test_backfill(struct db *db, struct tp_tree *t)
{
	struct err e = ERR_INIT;
	is_int(tp_count(db, "SELECT COUNT(*) FROM cert_scopes s JOIN certificates c ON c.id = s.cert_id"
			    " WHERE c.cert_no = 'S-002' AND s.category IS NULL"), 1, "before: S-002 covers its unit");
	if (db_kind(db) == DB_PG)
		db_exec(db, "DROP TABLE cert_status_changes");
	else {
		db_exec(db, "DROP TRIGGER cert_status_changes_no_update");
		db_exec(db, "DROP TRIGGER cert_status_changes_no_delete");
		db_exec(db, "DROP TABLE cert_status_changes");
	}
	ok(db_exec(db, "DROP TABLE cert_scopes") == 0 && db_exec(db, "DELETE FROM schema_migrations WHERE version = 25") == 0,
	   "back to the schema before 025");
	struct buf err;
	buf_init(&err, 0);
	ok(db_migrate(db, &err) == 1, "025 runs again");
	buf_release(&err);
	is_int(tp_count(db, "SELECT COUNT(*) FROM cert_scopes"), tp_count(db, "SELECT COUNT(*) FROM certificates"),
	       "one coverage row per existing certificate");
	is_int(tp_count(db, "SELECT COUNT(*) FROM cert_scopes s JOIN certificates c ON c.id = s.cert_id JOIN users u ON"
			    " u.id = c.user_id WHERE s.unit_id = u.unit_id AND s.category IS NULL"),
	       tp_count(db, "SELECT COUNT(*) FROM certificates"), "each: the holder's unit, every category");
	is_int(tp_count(db, "SELECT COUNT(*) FROM cert_status_changes"),
	       tp_count(db, "SELECT COUNT(*) FROM certificates WHERE status <> 'valid'"),
	       "suspended and revoked certificates keep the day of their last change");
	long long m = db_scalar_int(db, 0, "SELECT MIN(id) FROM pub_items WHERE unit_id = ?",
				    (const struct db_val[]){ DB_INT(t->aqc), DB_END });
	ok(cert_check_officer(db, t->aq_officer, &m, 1, "2026-09-21", NULL, &e) < 0 && strstr(e.msg, "注销"),
	   "the revoked one is still refused after the backfill");
}

static long long user_by(struct db *db, const char *username)
{
	return db_scalar_int(db, 0, "SELECT id FROM users WHERE username = ?",
			     (const struct db_val[]){ DB_TEXT(username), DB_END });
}

static long long matter_by(struct db *db, const char *name)
{
	return db_scalar_int(db, 0, "SELECT id FROM pub_items WHERE kind = 'matter' AND name = ?",
			     (const struct db_val[]){ DB_TEXT(name), DB_END });
}

/* Who of the demo department may act on which demo matter. */
static void test_demo(void)
{
	struct db *db = tp_open();
	struct err e = ERR_INIT;
	ok(people_demo_seed(db, &e) == 0 && publicity_demo_seed(db, &e) > 0, "demo people and catalogue");
	long long blk = matter_by(db, "查封、扣押非法设置、使用的无线电发射设备(黑广播)");
	long long radio_pen = matter_by(db, "对擅自设置、使用无线电台(站)的行政处罚");
	long long radio_lic = matter_by(db, "无线电台(站)设置、使用许可");
	long long mbp = matter_by(db, "民用爆炸物品生产许可"), mbi = matter_by(db, "民用爆炸物品生产、销售安全监督检查");
	long long jn_pen = matter_by(db, "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚");
	long long jn_insp = matter_by(db, "工业节能监察");
	ok(blk && radio_pen && radio_lic && mbp && mbi && jn_pen && jn_insp, "the demo matters are there");
	const char *d = "2026-10-15";
	long long both[] = { blk, radio_pen };
	ok(cert_check_officer(db, user_by(db, "wx.li"), both, 2, d, NULL, &e) == 0 &&
	   cert_check_officer(db, user_by(db, "wx.zhao"), both, 2, d, NULL, &e) == 0,
	   "无线电监测站's two officers cover 无线电管理局's 黑广播 seizure and penalty");
	ok(cert_check_officer(db, user_by(db, "wx.li"), &radio_lic, 1, d, NULL, &e) == 0 &&
	   cert_check_officer(db, user_by(db, "wx.zhao"), &radio_lic, 1, d, NULL, &e) < 0,
	   "the radio licence: 李振宇 yes, 赵丽萍 no");
	ok(cert_check_officer(db, user_by(db, "wx.yang"), &radio_lic, 1, d, NULL, &e) < 0 && strstr(e.msg, "杨光辉") &&
	   strstr(e.msg, "注销（2026-05-15 起）"), "杨光辉: revoked from 2026-05-15");
	ok(cert_check_officer(db, user_by(db, "aq.luo"), &mbi, 1, d, NULL, &e) < 0, "罗春梅 refused");
	is_str(e.msg, "罗春梅的执法证已暂扣（2026-03-01 起），不能参与执法", "罗春梅: suspended from 2026-03-01");
	ok(cert_check_officer(db, user_by(db, "aq.ma"), &mbp, 1, d, NULL, &e) == 0 &&
	   cert_check_officer(db, user_by(db, "aq.zhu"), &mbp, 1, d, NULL, &e) == 0, "马建军 and 朱文斌: the 民爆 licence");
	long long jn[] = { jn_insp, jn_pen };
	ok(cert_check_officer(db, user_by(db, "jn.zhang"), jn, 2, d, NULL, &e) == 0 &&
	   cert_check_officer(db, user_by(db, "jn.liu"), jn, 2, d, NULL, &e) == 0, "张晓峰 and 刘海燕: the energy penalty");
	ok(cert_check_officer(db, user_by(db, "jn.he"), &jn_insp, 1, d, NULL, &e) == 0, "何永平: inspection, renewed");
	ok(cert_check_officer(db, user_by(db, "jn.he"), &jn_pen, 1, d, NULL, &e) < 0, "何永平: not the penalty");
	is_str(e.msg, "何永平的执法证不涵盖执法事项「对使用国家明令淘汰的用能设备或者生产工艺的行政处罚」",
	       "何永平: the matter named");
	ok(cert_check_officer(db, user_by(db, "jn.he"), &jn_insp, 1, "2023-06-01", NULL, &e) == 0,
	   "何永平 in 2023: by the certificate since renewed");
	ok(cert_check_officer(db, user_by(db, "gf.wu"), &blk, 1, d, NULL, &e) < 0 && strstr(e.msg, "吴国强"),
	   "国防科工局 does not cover radio matters");
	db_close(db);
}

int main(void)
{
	struct db *db = tp_open();
	struct tp_tree t;
	tp_make_tree(db, &t);
	test_coverage(db, &t);
	test_backfill(db, &t);
	db_close(db);
	test_demo();
	return tap_done();
}
