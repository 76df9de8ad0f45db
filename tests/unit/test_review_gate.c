/*
 * test_review_gate.c - no major decision is finalised without the 法制审核
 * (review/decision.h; 《中华人民共和国行政处罚法》第五十八条): the draft is
 * classified as it is made, with its reasons; finalising is refused by the
 * domain and, for a direct write, by the database (migration 032, SQLite
 * and PostgreSQL); after 同意 the very decision the reviewer saw passes,
 * a changed one needs a new round; a decision that is not major passes
 * without review.
 */
#include "core/core.h"
#include "test_people_util.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "recording/vault.h"
#include "records/records.h"
#include "records/decision.h"
#include "review/review.h"
#include "review/flow.h"
#include "review/decision.h"
#include <sys/stat.h>

static struct db *db;
static struct vault *vault;
static char tmpdir[] = "/tmp/zhifa-gate-XXXXXX";

static struct actor who(const char *username)
{
	struct actor a;
	long long id = people_user_by_username(db, username);
	if (id <= 0 || people_actor_load(db, id, &a) < 0)
		testdb_bail("no demo user", username);
	snprintf(a.ip, sizeof a.ip, "test");
	return a;
}

static long long count(const char *sql, long long id)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_INT(id), DB_END });
}

static int rowv(long long id)
{
	return (int)count("SELECT row_version FROM documents WHERE id = ?", id);
}

static void seed(void)
{
	struct err e = ERR_INIT;
	int added = 0;
	records_init();
	review_init();
	if (people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 || party_demo_seed(db, &e) < 0 ||
	    procedure_ensure_defaults(db, &added, &e) < 0 || numbering_seed_defaults(db, &e) < 0 ||
	    doc_types_ensure_defaults(db, &added, &e) < 0 || review_catalogue_ensure_defaults(db, &added, &e) < 0)
		testdb_bail("demo seed", e.msg);
	if (!mkdtemp(tmpdir))
		testdb_bail("mkdtemp", tmpdir);
	char *data_dir = xasprintf("%s/data", tmpdir);
	mkdir(data_dir, 0700);
	vault = vault_open(data_dir, &e);
	free(data_dir);
	if (!vault)
		testdb_bail("vault_open", e.msg);
	records_demo_install(vault);
	tp_set_now(time_utc_parse("2026-09-22T01:00:00Z"));
	if (cases_demo_seed(db, &e) < 0)
		testdb_bail("cases demo", e.msg);
}

/* A 行政处罚决定书 draft on case_id by user with the fine and measures. */
static long long draft(long long case_id, const char *user, const char *fine, const char *measure)
{
	struct actor a = who(user);
	struct err e = ERR_INIT;
	long long id = 0;
	struct record_create_input in = { .type_code = "penalty_decision" };
	if (records_create(db, &a, case_id, &in, &id, &e) < 0)
		testdb_bail("records_create", e.msg);
	json_t *o = NULL;
	if (records_get(db, &a, id, &o, &e) < 0)
		testdb_bail("records_get", e.msg);
	json_t *f = json_deep_copy(json_object_get(o, "fields"));
	json_decref(o);
	json_object_set_new(f, "facts", json_string("当事人未经许可擅自设置、使用无线电台（站），有现场检查记录、询问笔录为证。"));
	json_object_set_new(f, "penalty", json_string("罚款"));
	json_object_set_new(f, "measures", json_pack("[s]", measure));
	json_object_set_new(f, "fine", json_string(fine));
	json_object_set_new(f, "doc_date", json_string("2026-09-22"));
	if (records_update(db, &a, id, rowv(id), f, NULL, &e) < 0)
		testdb_bail("records_update", e.msg);
	json_decref(f);
	return id;
}

static int set_fine(long long doc, const char *user, const char *fine, struct err *e)
{
	struct actor a = who(user);
	json_t *o = NULL;
	if (records_get(db, &a, doc, &o, e) < 0)
		return -1;
	json_t *f = json_deep_copy(json_object_get(o, "fields"));
	json_decref(o);
	json_object_set_new(f, "fine", json_string(fine));
	int rc = records_update(db, &a, doc, rowv(doc), f, NULL, e);
	json_decref(f);
	return rc;
}

static int finalise(long long doc, const char *user, struct err *e)
{
	struct actor a = who(user);
	return records_finalise(db, vault, &a, doc, rowv(doc), PEOPLE_DEMO_PASSWORD, NULL, e);
}

static void review_to_agree(long long case_id, const char *submitter, bool first)
{
	struct actor off = who(submitter), fg = who("fagui.head"), sh = who("shenhe");
	struct err e = ERR_INIT;
	json_t *sub = json_pack("{s:s,s:s,s:b}", "decision", "拟罚款（见决定书草稿）", "report", "调查终结报告：事实清楚，证据确凿",
				"vouch", 1);
	ok(review_submit(db, vault, &off, case_id, sub, NULL, &e) == 0, "%s (%s)", first ? "submitted" : "resubmitted after the change",
	   e.msg);
	json_decref(sub);
	ok(review_accept(db, &fg, case_id, &e) == 0, "accepted (%s)", e.msg);
	ok(review_claim(db, &sh, case_id, &e) == 0, "claimed (%s)", e.msg);
	json_t *cl = json_object();
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++)
		json_object_set_new(cl, review_checklist_keys[i], json_pack("{s:b,s:s}", "ok", 1, "note", ""));
	json_t *op = json_pack("{s:s,s:o,s:[]}", "verdict", "agree", "checklist", cl, "problems");
	ok(review_opinion(db, vault, &sh, case_id, op, PEOPLE_DEMO_PASSWORD, &e) == 0, "同意 (%s)", e.msg);
	json_decref(op);
}

static void test_major(void)
{
	/* the demo's radio case waits in 法制审核; its party is an organisation */
	long long cid = count("SELECT MIN(id) FROM cases WHERE stage = 'legal_review' AND id > ?", 0);
	ok(cid > 0, "the demo case in 法制审核");
	long long doc = draft(cid, "wx.zhao", "150000.00", "罚款");
	json_t *cls = NULL;
	struct err e = ERR_INIT;
	ok(review_document_classification(db, doc, &cls, &e) == 0 && cls, "the draft is classified as it is saved");
	const char *reason = json_string_value(json_array_get(json_object_get(cls, "reasons"), 0));
	ok(json_is_true(json_object_get(cls, "major")) && reason && strstr(reason, "罚款 150,000 元 ≥ 组织 100,000 元"),
	   "major, with the reason shown (%s)", reason ? reason : "");
	ok(json_integer_value(json_object_get(cls, "catalogue_version")) == 1, "by the catalogue version in force");
	json_decref(cls);
	ok(review_case_major(db, cid) == 1, "the case is major");

	/* the domain refuses */
	long long finals = count("SELECT COUNT(*) FROM documents WHERE case_id = ? AND status = 'final'", cid);
	long long leaves = count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf_index >= ?", 0);
	e = (struct err)ERR_INIT;
	ok(finalise(doc, "wx.zhao", &e) < 0 && e.kind == ERR_CONFLICT && str_eq(e.field, "review") &&
		   strstr(e.msg, "重大执法决定"),
	   "finalising before the review: refused (%d %s)", e.kind, e.msg);
	ok(count("SELECT COUNT(*) FROM documents WHERE case_id = ? AND status = 'final'", cid) == finals &&
		   count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf_index >= ?", 0) == leaves,
	   "nothing written");
	char material[65];
	json_t *dd = NULL;
	ok(records_decision_draft(db, cid, &dd, &e) == 0 && dd, "the case's decision draft");
	snprintf(material, sizeof material, "%s", json_string_value(json_object_get(dd, "material_sha256")));
	json_decref(dd);

	/* the database refuses a direct write, too */
	char dberr[512];
	int xrc = db_exec(db, "UPDATE documents SET status = 'final', review_material = ? WHERE id = ?", DB_TEXT(material),
			  DB_INT(doc));
	snprintf(dberr, sizeof dberr, "%s", db_errmsg(db));
	ok(xrc < 0 && strstr(dberr, "法制审核"), "a direct UPDATE to final: refused by the database (%s)", dberr);
	xrc = db_exec(db, "INSERT INTO documents(case_id, doc_type_id, type_code, status, fields, created_by, created_at,"
			  " updated_at, row_version, content_sha256, review_material) SELECT case_id, doc_type_id, type_code,"
			  " 'final', fields, created_by, created_at, updated_at, 1, content_sha256, review_material FROM documents"
			  " WHERE id = ?",
		      DB_INT(doc));
	snprintf(dberr, sizeof dberr, "%s", db_errmsg(db));
	ok(xrc < 0 && strstr(dberr, "法制审核"), "a direct INSERT of a final decision: refused (%s)", dberr);
	ok(count("SELECT COUNT(*) FROM documents WHERE case_id = ? AND status = 'final'", cid) == finals,
	   "still no final decision");

	/* the leader cannot decide it into the next stage either */
	char msg[256];
	ok(!review_gate_open(db, cid, msg, sizeof msg) && strstr(msg, "尚未送法制审核"), "the gate is shut (%s)", msg);

	review_to_agree(cid, "wx.zhao", true);
	ok(review_gate_open(db, cid, msg, sizeof msg), "after 同意 the gate is open");
	ok(count("SELECT COUNT(*) FROM review_clearances WHERE case_id = ? AND material_sha256 IS NOT NULL", cid) == 1,
	   "the round cleared the draft it was submitted with");

	/* a decision changed after 同意 needs a new review */
	ok(set_fine(doc, "wx.zhao", "160000.00", &e) == 0, "the fine changed after 同意 (%s)", e.msg);
	ok(!review_gate_open(db, cid, msg, sizeof msg) && strstr(msg, "已修改"), "the gate shuts (%s)", msg);
	e = (struct err)ERR_INIT;
	ok(finalise(doc, "wx.zhao", &e) < 0 && e.kind == ERR_CONFLICT && strstr(e.msg, "重新送法制审核"),
	   "the changed decision is not finalised (%s)", e.msg);
	xrc = db_exec(db, "UPDATE documents SET status = 'final', review_material = ? WHERE id = ?", DB_TEXT("0000"),
		      DB_INT(doc));
	snprintf(dberr, sizeof dberr, "%s", db_errmsg(db));
	ok(xrc < 0, "nor by a direct UPDATE with a made-up material (%s)", dberr);

	review_to_agree(cid, "wx.zhao", false);
	ok(count("SELECT COUNT(*) FROM review_rounds WHERE case_id = ?", cid) == 2, "a second round");
	e = (struct err)ERR_INIT;
	ok(finalise(doc, "wx.zhao", &e) == 0, "the decision the reviewer saw is finalised (%s)", e.msg);
	ok(count("SELECT COUNT(*) FROM documents WHERE id = ? AND status = 'final' AND review_material IS NOT NULL", doc) == 1,
	   "final, with its material hash");

	/* each opinion issued its 法制审核意见书: a final document of the case
	 * with its PDF and leaves, linked to the opinion */
	ok(count("SELECT COUNT(*) FROM documents WHERE case_id = ? AND type_code = 'review_opinion' AND status = 'final'"
		 " AND pdf_sha256 IS NOT NULL AND leaf_index IS NOT NULL", cid) == 2,
	   "two 法制审核意见书, final, with PDF and leaf");
	ok(count("SELECT COUNT(*) FROM review_documents o JOIN review_events e ON e.id = o.event_id"
		 " WHERE e.case_id = ? AND e.type = 'opinion'", cid) == 2,
	   "each linked to its opinion");
	ok(count("SELECT COUNT(*) FROM review_documents o JOIN review_rounds r ON r.id = o.round_id JOIN documents d ON"
		 " d.id = o.document_id WHERE r.case_id = ? AND o.kind = 'application' AND d.status = 'final'"
		 " AND d.type_code = 'review_application'", cid) == 2,
	   "each submission issued its 法制审核申请表");
	{
		struct actor zh = who("wx.zhao");
		struct record_create_input in = { .type_code = "review_opinion" };
		long long nid = 0;
		e = (struct err)ERR_INIT;
		ok(records_create(db, &zh, cid, &in, &nid, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "type_code"),
		   "an officer cannot draft one by hand (%s)", e.msg);
		struct buf pdf;
		buf_init(&pdf, 0);
		long long op = count("SELECT MAX(id) FROM documents WHERE case_id = ? AND type_code = 'review_opinion'", cid);
		e = (struct err)ERR_INIT;
		ok(records_pdf(db, vault, &zh, op, &pdf, NULL, &e) == 0 && pdf.len > 1000 && memcmp(pdf.data, "%PDF", 4) == 0,
		   "its PDF is read from the vault (%zu bytes, %s)", pdf.len, e.msg);
		buf_release(&pdf);
	}
}

static void test_not_major(void)
{
	/* a penalty case of an organisation fined below the threshold, and
	 * one of 吊销许可证件 (major by the measure) */
	/* a new case of the 节能监察处 against an organisation (no hearing:
	 * that alone would make it major) */
	struct actor zh = who("jn.zhang");
	long long m[] = { db_scalar_int(db, 0, "SELECT id FROM pub_items WHERE kind = 'matter' AND name = ?",
					(const struct db_val[]){ DB_TEXT("对使用国家明令淘汰的用能设备或者生产工艺的行政处罚"),
								 DB_END }) };
	long long o[] = { people_user_by_username(db, "jn.zhang"), people_user_by_username(db, "jn.liu") };
	long long p[] = { party_by_uscc(db, "91530112MA6K1WN02H") };
	struct case_input in = { .procedure = "penalty_general", .unit_id = people_unit_by_code(db, "jnc"),
				 .title = "法制审核闸门测试案", .source = "inspection", .source_date = "2026-09-22",
				 .on_date = "2026-09-22", .matter_ids = m, .n_matters = 1, .party_ids = p,
				 .n_parties = 1, .officer_ids = o, .n_officers = 2 };
	long long cid = 0;
	struct err oe = ERR_INIT;
	ok(case_open(db, &zh, &in, &cid, NULL, &oe) == 0, "a case opened (%s)", oe.msg);
	const char *user = "jn.zhang";
	bool person = false;
	long long doc = draft(cid, user, person ? "9999.99" : "99999.99", "罚款");
	json_t *cls = NULL;
	struct err e = ERR_INIT;
	ok(review_document_classification(db, doc, &cls, &e) == 0 && cls && json_is_false(json_object_get(cls, "major")),
	   "just below the threshold (%s), no hearing: not major", person ? "9,999.99 元, a natural person" : "99,999.99 元, an organisation");
	json_decref(cls);
	e = (struct err)ERR_INIT;
	ok(finalise(doc, user, &e) == 0, "finalised without review (%s)", e.msg);
	/* 吊销许可证件 is major whatever the fine */
	long long doc2 = draft(cid, user, "100.00", "吊销许可证件");
	ok(review_document_classification(db, doc2, &cls, &e) == 0 && cls && json_is_true(json_object_get(cls, "major")) &&
		   strstr(json_string_value(json_array_get(json_object_get(cls, "reasons"), 0)), "吊销许可证件"),
	   "吊销许可证件 is major whatever the fine");
	json_decref(cls);
	e = (struct err)ERR_INIT;
	ok(finalise(doc2, user, &e) < 0 && e.kind == ERR_CONFLICT, "and is not finalised unreviewed (%s)", e.msg);
}

int main(void)
{
	db = tp_open();
	seed();
	test_major();
	test_not_major();
	vault_close(vault);
	db_close(db);
	return tap_done();
}
