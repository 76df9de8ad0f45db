/*
 * test_disclosure.c - 事后公开 (src/disclosure/): the draft made when a
 * decision is finalised (the demo's 当场处罚 through the real finalising),
 * its clock around 中秋 and 国庆 2026, the CF_ fields, staff marks and the
 * preview, every refusal of publishing with nothing written (not the
 * head, another unit, no preview, past the clock without the overdue mark,
 * a major decision before its gate), publishing (version, hash, leaf,
 * op_log, listener, clock met), the database refusing an edit of a
 * version, corrections, exclusions with the head's approval, withdrawals
 * on their three-working-day clock, periods, the daily period end and the
 * early end.  SQLite, or PostgreSQL with ZHIFA_TEST_DB.
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
#include "disclosure/disclosure.h"
#include "ledger/ledger.h"
#include "core/hash.h"
#include <sys/stat.h>

static struct db *db;
static struct vault *vault;
static char tmpdir[] = "/tmp/zhifa-disclosure-XXXXXX";

static long long count(const char *sql)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}

static long long count1(const char *sql, long long id)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_INT(id), DB_END });
}

static char *text1(const char *sql, long long id)
{
	struct db_res *r;
	char *out = NULL;
	if (db_query(db, &r, sql, DB_INT(id)) == 0) {
		out = xstrdup(r->nrows && db_cell(r, 0, 0) ? db_text(r, 0, 0) : "");
		db_res_free(r);
	}
	return out ? out : xstrdup("");
}

static struct actor who(const char *username)
{
	struct actor a;
	long long id = people_user_by_username(db, username);
	if (id <= 0 || people_actor_load(db, id, &a) < 0)
		testdb_bail("no demo user", username);
	snprintf(a.ip, sizeof a.ip, "test");
	return a;
}

static void at(const char *utc)
{
	tp_set_now(time_utc_parse(utc));
}

static bool chinese(const char *s)
{
	return s && (unsigned char)s[0] >= 0xe0;
}

struct counts {
	long long pubs_rv, versions, events, marks, leaves, oplog, met;
};
static long long cur; /* the publication the snapshot watches */
static struct counts snap(void)
{
	return (struct counts){ count1("SELECT row_version FROM publications WHERE id = ?", cur),
				count("SELECT COUNT(*) FROM publication_versions"),
				count("SELECT COUNT(*) FROM publication_events"),
				count("SELECT COUNT(*) FROM publication_marks"),
				count("SELECT COUNT(*) FROM ledger_leaves"),
				count("SELECT COUNT(*) FROM op_log"),
				count("SELECT COUNT(*) FROM deadlines WHERE state = 'met'") };
}
static bool same(struct counts a, struct counts b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

#define REFUSED(call, kind_, field_, what)                                                                  \
	do {                                                                                                 \
		struct counts b_ = snap();                                                                   \
		struct err e_ = ERR_INIT;                                                                    \
		int rc_ = (call);                                                                            \
		ok(rc_ < 0 && e_.kind == (kind_) && str_eq(e_.field, field_) && chinese(e_.msg),           \
		   "%s: refused %d %s: %s", what, e_.kind, e_.field, e_.msg);                                \
		ok(same(b_, snap()), "%s: nothing written", what);                                          \
	} while (0)

static int rowv(long long id)
{
	return (int)count1("SELECT row_version FROM publications WHERE id = ?", id);
}

static char *preview_sha(const char *user, long long id)
{
	struct actor a = who(user);
	json_t *pv = NULL;
	struct err e = ERR_INIT;
	if (disclosure_preview(db, &a, id, &pv, &e) < 0)
		testdb_bail("preview", e.msg);
	char *s = xstrdup(json_string_value(json_object_get(pv, "sha256")));
	json_decref(pv);
	return s;
}

/* a listener of what is public, failing on demand */
static int changes;
static bool fail_listener;
static int listener(struct db *d, long long id, struct err *e)
{
	(void)d;
	if (fail_listener)
		return err_set(e, ERR_INTERNAL, "", "索引更新失败（测试）");
	changes++;
	return id > 0 ? 0 : -1;
}

static long long onsite_pub;
static char *doc_before; /* the onsite document's fields and hash before any mark or publication */

static void seed(void)
{
	struct err e = ERR_INIT;
	int added = 0;
	records_init();
	review_init();
	disclosure_init();
	disclosure_on_change(listener);
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
	at("2026-09-21T01:00:00Z");
	if (cases_demo_seed(db, &e) < 0)
		testdb_bail("cases demo", e.msg);
}

static void test_rules(void)
{
	ok(disclosure_rules() != NULL, "the embedded rules are valid");
	struct errs all = ERRS_INIT;
	json_t *bad = json_deep_copy(disclosure_rules());
	json_object_del(json_array_get(json_object_get(bad, "exclusions"), 0), "basis");
	ok(disclosure_rules_validate(bad, &all) < 0 && all.n == 1 && strstr(all.v[0].msg, "依据"),
	   "an exclusion without its basis is refused: %s", all.n ? all.v[0].msg : "");
	errs_release(&all);
	json_decref(bad);
	/* "publish" of a document type is validated with the catalogue */
	json_t *defs = doc_types_defaults(NULL);
	json_t *def = json_deep_copy(json_object_get(json_object_get(defs, "penalty_decision"), "definition"));
	ok(def && json_object_get(def, "publish"), "penalty_decision carries publish");
	struct errs de = ERRS_INIT;
	ok(doc_type_validate(def, &de) == 0, "and it validates (%s)", de.n ? de.v[0].msg : "");
	errs_release(&de);
	json_object_set_new(def, "publish", json_pack("{s:s,s:s}", "kind", "fine", "rule", "Bad Rule"));
	de = (struct errs)ERRS_INIT;
	ok(doc_type_validate(def, &de) < 0 && errs_find(&de, "publish.kind") && errs_find(&de, "publish.rule") &&
		   errs_find(&de, "publish.basis"),
	   "a bad publish is refused naming kind, rule and basis (%zu problems)", de.n);
	errs_release(&de);
	json_decref(def);
	json_decref(defs);

	/* periods: 3 months for 警告 or 通报批评 only, 3 years otherwise, the
	 * end of a 限制从业 when later; month ends clamp */
	char out[11];
	json_t *m = json_pack("[s]", "警告");
	disclosure_period_end("penalty", m, "2026-11-30", NULL, out);
	is_str(out, "2027-02-28", "警告 only: three months, clamped to February's end");
	json_decref(m);
	m = json_pack("[s,s]", "警告", "通报批评");
	disclosure_period_end("penalty", m, "2026-09-21", NULL, out);
	is_str(out, "2026-12-21", "警告 and 通报批评: three months");
	json_decref(m);
	m = json_pack("[s,s]", "警告", "罚款");
	disclosure_period_end("penalty", m, "2024-02-29", NULL, out);
	is_str(out, "2027-02-28", "with a fine: three years");
	json_decref(m);
	m = json_pack("[s,s]", "罚款", "限制从业");
	disclosure_period_end("penalty", m, "2026-09-21", "2031-06-30", out);
	is_str(out, "2031-06-30", "a 限制从业 ending later: until it ends");
	disclosure_period_end("penalty", m, "2026-09-21", "2027-06-30", out);
	is_str(out, "2029-09-21", "a 限制从业 ending sooner: three years");
	json_decref(m);
	disclosure_period_end("licence", NULL, "2026-09-21", NULL, out);
	is_str(out, "", "a licence has no period in the rules");
}

static void test_draft(void)
{
	onsite_pub = count("SELECT MIN(id) FROM publications");
	cur = onsite_pub;
	ok(onsite_pub > 0 && count("SELECT COUNT(*) FROM publications") == 1,
	   "the demo's finalised 当场处罚决定书 made one publication draft");
	ok(count1("SELECT COUNT(*) FROM publications p JOIN documents d ON d.id = p.document_id WHERE p.id = ?"
		  " AND d.type_code = 'onsite_penalty_decision' AND d.status = 'final' AND p.state = 'draft'",
		  onsite_pub) == 1,
	   "of the final document, as a draft");
	char *s = text1("SELECT decision_date FROM publications WHERE id = ?", onsite_pub);
	is_str(s, "2026-09-21", "decision date: the day of the onsite decision");
	free(s);
	/* 7 working days from Mon 2026-09-21: 22, 23, 24 (25 is 中秋), 28, 29,
	 * 30, then 10-01..10-07 国庆 off: day 7 = 10-08 */
	s = text1("SELECT due_on FROM publications WHERE id = ?", onsite_pub);
	is_str(s, "2026-10-08", "the 7-working-day clock skips 中秋 and 国庆");
	free(s);
	ok(count1("SELECT COUNT(*) FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id JOIN publications p ON"
		  " p.deadline_id = d.id WHERE p.id = ? AND r.event_code = 'decision_licence_penalty' AND d.due_on = p.due_on"
		  " AND d.object_type = 'publication'",
		  onsite_pub) == 1,
	   "the clock is a deadline of rule decision_licence_penalty");
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'drafted'", onsite_pub) == 1,
	   "a drafted event");
	struct actor head = who("jn.head");
	json_t *pv = NULL;
	struct err e = ERR_INIT;
	ok(disclosure_preview(db, &head, onsite_pub, &pv, &e) == 0, "the head previews (%s)", e.msg);
	json_t *content = json_loads(json_string_value(json_object_get(pv, "content")), 0, NULL);
	const json_t *f = json_object_get(content, "fields");
	is_str(json_string_value(json_object_get(f, "CF_XDR_MC")), "曲靖南盘江机械制造有限公司", "CF_XDR_MC: the party");
	is_str(json_string_value(json_object_get(f, "CF_XDR_SHXYM")), "91530300MA6L2GT03W", "CF_XDR_SHXYM: its credit code");
	is_str(json_string_value(json_object_get(f, "CF_WSH")), "云工信简罚〔2026〕1号", "CF_WSH: the decision number");
	is_str(json_string_value(json_object_get(f, "CF_CFJG")), "云南省工业和信息化厅", "CF_CFJG: the body");
	is_str(json_string_value(json_object_get(f, "CF_JDRQ")), "2026-09-21", "CF_JDRQ: the decision date");
	is_str(json_string_value(json_object_get(f, "CF_NR_FK")), "0.02", "CF_NR_FK: 200 yuan in 万元");
	is_str(json_string_value(json_object_get(content, "kind")), "penalty", "kind penalty");
	is_str(json_string_value(json_object_get(content, "text")), "", "no full text unless chosen");
	ok(json_array_size(json_object_get(pv, "targets")) >= 3, "the redacted targets are listed");
	ok(json_is_false(json_object_get(pv, "overdue")) && json_is_true(json_object_get(pv, "allowed")),
	   "not overdue, not a major decision");
	json_decref(content);
	json_decref(pv);
	struct actor other = who("aq.head");
	REFUSED(disclosure_preview(db, &other, onsite_pub, &pv, &e_), ERR_NOTFOUND, "id", "another unit's head");
	json_t *list = NULL;
	ok(disclosure_list(db, &head, NULL, 0, &list, &e) == 0 && json_array_size(list) == 1, "the head's list has it");
	json_decref(list);
	ok(disclosure_list(db, &other, NULL, 0, &list, &e) == 0 && json_array_size(list) == 0,
	   "another unit's list does not");
	json_decref(list);
}

static void test_marks(void)
{
	struct actor zhang = who("jn.zhang"), head = who("jn.head");
	long long id = onsite_pub;
	doc_before = text1("SELECT d.fields || d.content_sha256 || d.status FROM documents d JOIN publications p ON"
			   " p.document_id = d.id WHERE p.id = ?", id);
	struct disclosure_mark_input in = { .target = "CF_SY", .op = "add", .start = 0, .end = 6, .reason = "" };
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id), &in, NULL, &e_), ERR_INVALID, "reason", "a mark without reason");
	in.reason = "商业秘密：工艺参数";
	in.target = "CF_XDR_MC";
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id), &in, NULL, &e_), ERR_INVALID, "target",
		"a mark on a field that is not redacted (the party's name)");
	in.target = "CF_SY";
	in.end = 100000;
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id), &in, NULL, &e_), ERR_INVALID, "start", "a span past the text");
	in.end = 1; /* inside the first character (3 bytes) */
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id), &in, NULL, &e_), ERR_INVALID, "start",
		"a span off a character boundary");
	in.end = 6;
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id) + 1, &in, NULL, &e_), ERR_CONFLICT, "row_version", "a stale row_version");
	struct actor sup = who("jiandu");
	REFUSED(disclosure_mark(db, &sup, id, rowv(id), &in, NULL, &e_), ERR_FORBIDDEN, "", "a supervisor reads only");
	char *orig = text1("SELECT draft FROM publications WHERE id = ?", id);
	char *before = preview_sha("jn.head", id);
	long long mid = 0;
	struct err e = ERR_INIT;
	struct counts b = snap();
	ok(disclosure_mark(db, &zhang, id, rowv(id), &in, &mid, &e) == 0 && mid > 0, "the officer marks 违法 in CF_SY (%s)", e.msg);
	struct counts a1 = snap();
	ok(a1.marks == b.marks + 1 && a1.events == b.events + 1 && a1.oplog == b.oplog + 1 && a1.pubs_rv == b.pubs_rv + 1,
	   "mark row, event, op_log, row_version");
	json_t *pv = NULL;
	disclosure_preview(db, &head, id, &pv, &e);
	const json_t *t = json_array_get(json_object_get(pv, "targets"), 0);
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(pv, "targets"), i, x)
		if (str_eq(json_string_value(json_object_get(x, "target")), "CF_SY"))
			t = x;
	ok(str_starts(json_string_value(json_object_get(t, "redacted")), "【已隐去】"), "the preview masks it: %s",
	   json_string_value(json_object_get(t, "redacted")));
	ok(str_starts(json_string_value(json_object_get(t, "original")), "违法行为"), "and shows the original beside it");
	const json_t *m0 = json_array_get(json_object_get(t, "marks"), 0);
	ok(json_is_true(json_object_get(m0, "staff")) && str_eq(json_string_value(json_object_get(m0, "reason")), "商业秘密：工艺参数"),
	   "the mark with its reason");
	ok(json_array_size(json_object_get(pv, "staff_marks")) == 1, "the staff mark is listed with who and when");
	json_decref(pv);
	char *after = preview_sha("jn.head", id);
	ok(!str_eq(before, after), "the content changed with the mark");
	char *orig2 = text1("SELECT draft FROM publications WHERE id = ?", id);
	ok(str_eq(orig, orig2), "the draft (the original) is unchanged by marks");
	/* take it back */
	struct disclosure_mark_input rv = { .op = "revoke", .revokes = mid + 1000, .reason = "误标" };
	REFUSED(disclosure_mark(db, &zhang, id, rowv(id), &rv, NULL, &e_), ERR_INVALID, "revokes", "revoking an unknown mark");
	rv.revokes = mid;
	ok(disclosure_mark(db, &zhang, id, rowv(id), &rv, NULL, &e) == 0, "the mark is taken back (%s)", e.msg);
	char *again = preview_sha("jn.head", id);
	ok(str_eq(before, again), "the content is as before");
	ok(count1("SELECT COUNT(*) FROM publication_marks WHERE publication_id = ?", id) == 2, "both rows are kept");
	ok(db_exec(db, "DELETE FROM publication_marks WHERE id = ?", DB_INT(mid)) < 0 &&
		   count1("SELECT COUNT(*) FROM publication_marks WHERE id = ?", mid) == 1,
	   "the database refuses deleting a mark");
	free(orig);
	free(orig2);
	free(before);
	free(after);
	free(again);
}

static void test_publish(void)
{
	long long id = onsite_pub;
	cur = id;
	struct actor zhang = who("jn.zhang"), head = who("jn.head"), other = who("aq.head");
	char *sha = preview_sha("jn.head", id);
	REFUSED(disclosure_publish(db, &zhang, id, rowv(id), sha, false, &e_), ERR_FORBIDDEN, "", "an officer publishes");
	REFUSED(disclosure_publish(db, &other, id, rowv(id), sha, false, &e_), ERR_NOTFOUND, "id", "another unit's head publishes");
	REFUSED(disclosure_publish(db, &head, id, rowv(id), "", false, &e_), ERR_CONFLICT, "preview_sha256", "without preview");
	REFUSED(disclosure_publish(db, &head, id, rowv(id), "0000", false, &e_), ERR_CONFLICT, "preview_sha256",
		"with a preview of other content");
	/* past the clock (10-08): the overdue mark is required */
	at("2026-10-09T02:00:00Z");
	REFUSED(disclosure_publish(db, &head, id, rowv(id), sha, false, &e_), ERR_INVALID, "overdue",
		"past its clock without the overdue mark");
	fail_listener = true;
	REFUSED(disclosure_publish(db, &head, id, rowv(id), sha, true, &e_), ERR_INTERNAL, "", "a failing listener rolls it back");
	fail_listener = false;
	struct counts b = snap();
	int before_changes = changes;
	struct err e = ERR_INIT;
	ok(disclosure_publish(db, &head, id, rowv(id), sha, true, &e) == 0, "the head publishes with the overdue mark (%s)", e.msg);
	struct counts a1 = snap();
	ok(a1.versions == b.versions + 1 && a1.events == b.events + 1 && a1.leaves == b.leaves + 1 &&
		   a1.oplog == b.oplog + 1 && a1.met == b.met + 1,
	   "version, event, leaf, op_log, clock met");
	ok(changes == before_changes + 1, "the listener was called once");
	char *content = text1("SELECT content FROM publication_versions WHERE publication_id = ? AND version = 1", id);
	char *vsha = text1("SELECT sha256 FROM publication_versions WHERE publication_id = ? AND version = 1", id);
	char h[65];
	struct hash2 hh;
	struct hash2_result hr;
	hash2_init(&hh);
	hash2_update(&hh, content, strlen(content));
	hash2_final(&hh, &hr);
	memcpy(h, hr.sha256_hex, 65);
	ok(str_eq(h, vsha) && str_eq(vsha, sha), "the stored hash is of the exact content, the one previewed");
	long long leaf = count1("SELECT leaf_index FROM publication_versions WHERE publication_id = ? AND version = 1", id);
	struct buf lj;
	buf_init(&lj, 0);
	unsigned char lh[32];
	ok(ledger_leaf(db, leaf, &lj, lh, &e) == 0 && strstr(buf_str(&lj), "publication.published") && strstr(buf_str(&lj), vsha),
	   "its leaf publication.published names the hash");
	buf_release(&lj);
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'published'"
		  " AND detail LIKE '%\"overdue\":true%'",
		  id) == 1,
	   "the event records the overdue mark");
	ok(count1("SELECT COUNT(*) FROM deadlines d JOIN publications p ON p.deadline_id = d.id WHERE p.id = ?"
		  " AND d.state = 'met' AND d.met_late = 1",
		  id) == 1,
	   "the clock is met late");
	char *st = text1("SELECT state FROM publications WHERE id = ?", id);
	is_str(st, "published", "published");
	free(st);
	st = text1("SELECT period_ends_on FROM publications WHERE id = ?", id);
	ok(!str_empty(st), "with its period end %s", st);
	free(st);
	REFUSED(disclosure_publish(db, &head, id, rowv(id), sha, true, &e_), ERR_CONFLICT, "state", "publishing twice");
	/* the database refuses an edit of a version in place */
	ok(db_exec(db, "UPDATE publication_versions SET content = 'x' WHERE publication_id = ?", DB_INT(id)) < 0,
	   "the database refuses UPDATE of a version");
	ok(db_exec(db, "DELETE FROM publication_versions WHERE publication_id = ?", DB_INT(id)) < 0,
	   "and DELETE");
	ok(db_exec(db, "UPDATE publication_events SET reason = 'x' WHERE publication_id = ?", DB_INT(id)) < 0,
	   "and UPDATE of an event");
	char *content2 = text1("SELECT content FROM publication_versions WHERE publication_id = ? AND version = 1", id);
	ok(str_eq(content, content2), "the version is unchanged");
	char *doc_after = text1("SELECT d.fields || d.content_sha256 || d.status FROM documents d JOIN publications p ON"
				" p.document_id = d.id WHERE p.id = ?", id);
	ok(str_eq(doc_before, doc_after), "the decision document (fields, hash, state) is unchanged by marks and publishing");
	free(doc_after);
	free(doc_before);
	free(content);
	free(content2);
	free(vsha);
	free(sha);
}

static void test_correct_withdraw(void)
{
	long long id = onsite_pub;
	cur = id;
	struct actor head = who("jn.head"), zhang = who("jn.zhang");
	struct err e = ERR_INIT;
	/* a correction document of the decision makes the draft of version 2 */
	long long doc = count1("SELECT document_id FROM publications WHERE id = ?", id);
	long long case_id = count1("SELECT case_id FROM publications WHERE id = ?", id);
	json_t *defs = doc_types_defaults(NULL);
	const json_t *def = json_object_get(json_object_get(defs, "onsite_penalty_decision"), "definition");
	char *fs = text1("SELECT fields FROM documents WHERE id = ?", doc);
	json_t *fields = json_loads(fs, 0, NULL);
	json_object_set_new(fields, "facts", json_string("违法行为：使用国家明令淘汰的电机一台（更正：型号 Y2-160M）。"));
	const struct records_finalised fin = { doc, case_id, doc, "onsite_penalty_decision", def, fields,
					       "云工信简罚〔2026〕1号", "", "", "2026-10-09T03:00:00Z" };
	/* the hook runs inside the finalising transaction */
	db_begin(db);
	ok(disclosure_on_finalised(db, &zhang, &fin, &e) == 0, "a correction document redrafts (%s)", e.msg);
	db_commit(db);
	json_decref(fields);
	free(fs);
	json_decref(defs);
	ok(count("SELECT COUNT(*) FROM publications") == 1, "no second publication");
	char *sha = preview_sha("jn.head", id);
	REFUSED(disclosure_correct(db, &head, id, rowv(id), sha, "", &e_), ERR_INVALID, "note", "a correction without its note");
	REFUSED(disclosure_correct(db, &zhang, id, rowv(id), sha, "更正设备型号", &e_), ERR_FORBIDDEN, "",
		"an officer publishes a correction");
	struct counts b = snap();
	ok(disclosure_correct(db, &head, id, rowv(id), sha, "更正设备型号", &e) == 0, "the head publishes the correction (%s)", e.msg);
	struct counts a1 = snap();
	ok(a1.versions == b.versions + 1 && a1.leaves == b.leaves + 1, "version 2 with its leaf");
	char *v1 = text1("SELECT sha256 FROM publication_versions WHERE publication_id = ? AND version = 1", id);
	char *v2 = text1("SELECT content FROM publication_versions WHERE publication_id = ? AND version = 2", id);
	ok(count1("SELECT current_version FROM publications WHERE id = ?", id) == 2, "current version 2");
	ok(strstr(v2, "Y2-160M") != NULL, "version 2 carries the corrected facts");
	ok(count1("SELECT COUNT(*) FROM publication_versions WHERE publication_id = ? AND version = 2 AND note = '更正设备型号'", id) == 1,
	   "with its note");
	struct buf lj;
	buf_init(&lj, 0);
	unsigned char lh[32];
	long long leaf = count1("SELECT leaf_index FROM publication_versions WHERE publication_id = ? AND version = 2", id);
	ok(ledger_leaf(db, leaf, &lj, lh, &e) == 0 && strstr(buf_str(&lj), "publication.corrected") &&
		   strstr(buf_str(&lj), v1),
	   "its leaf publication.corrected names the previous hash");
	buf_release(&lj);
	free(v1);
	free(v2);
	free(sha);

	/* withdrawal */
	REFUSED(disclosure_withdraw(db, &head, id, rowv(id), "", "复议决定撤销", "2026-10-09", &e_), ERR_INVALID, "reason",
		"a withdrawal without a reason");
	REFUSED(disclosure_withdraw(db, &head, id, rowv(id), "不想公示", "复议决定撤销", "2026-10-09", &e_), ERR_INVALID, "reason",
		"a reason not of the list");
	REFUSED(disclosure_withdraw(db, &head, id, rowv(id), "撤销", "", "2026-10-09", &e_), ERR_INVALID, "note",
		"a withdrawal without its note");
	REFUSED(disclosure_withdraw(db, &head, id, rowv(id), "撤销", "复议决定撤销", "2026-10-30", &e_), ERR_INVALID,
		"event_date", "an event date in the future");
	REFUSED(disclosure_withdraw(db, &zhang, id, rowv(id), "撤销", "复议决定撤销", "2026-10-09", &e_), ERR_FORBIDDEN, "",
		"an officer withdraws");
	/* the officer reports the revocation: the clock starts from its date */
	at("2026-10-09T02:00:00Z");
	REFUSED(disclosure_report_revocation(db, &zhang, id, rowv(id), "", "复议决定撤销", "2026-09-30", &e_), ERR_INVALID,
		"reason", "a report without a reason");
	REFUSED(disclosure_report_revocation(db, &zhang, id, rowv(id), "撤销", "复议决定撤销", "2026-10-10", &e_), ERR_INVALID,
		"event_date", "a report dated tomorrow");
	REFUSED(disclosure_report_revocation(db, &zhang, id, rowv(id), "撤销", "复议决定撤销", "2026-09-01", &e_), ERR_INVALID,
		"event_date", "a report dated before the decision");
	ok(disclosure_report_revocation(db, &zhang, id, rowv(id), "撤销", "云政复决〔2026〕88号撤销本决定", "2026-09-30", &e) == 0,
	   "the officer reports the revocation (%s)", e.msg);
	ok(count1("SELECT COUNT(*) FROM deadlines WHERE object_type = 'publication_withdraw' AND object_id = CAST(? AS TEXT)"
		  " AND state <> 'met'", id) == 1,
	   "an open withdrawal clock on the head's list");
	REFUSED(disclosure_report_revocation(db, &zhang, id, rowv(id), "变更", "又一次", "2026-10-08", &e_), ERR_CONFLICT, "reason",
		"a second report while the clock runs");
	at("2026-10-13T02:00:00Z");
	b = snap();
	ok(disclosure_withdraw(db, &head, id, rowv(id), "撤销", "云南省人民政府行政复议决定书撤销本决定", "", &e) == 0,
	   "the head withdraws it (%s)", e.msg);
	ok(count1("SELECT COUNT(*) FROM deadlines WHERE object_type = 'publication_withdraw' AND object_id = CAST(? AS TEXT)", id) == 1 &&
		   count1("SELECT COUNT(*) FROM deadlines WHERE object_type = 'publication_withdraw' AND object_id = CAST(? AS TEXT)"
			  " AND state = 'met'", id) == 1,
	   "the reported clock is met, no second one");
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'withdrawn'"
		  " AND detail LIKE '%\"event_date\":\"2026-09-30\"%' AND detail LIKE '%\"late\":true%'", id) == 1,
	   "the withdrawal names the reported date and that it was late");
	a1 = snap();
	ok(a1.events == b.events + 1 && a1.leaves == b.leaves + 1 && a1.versions == b.versions, "event and leaf; versions kept");
	char *st = text1("SELECT state || '|' || withdrawn_on || '|' || withdrawn_reason FROM publications WHERE id = ?", id);
	is_str(st, "withdrawn|2026-10-13|撤销", "已撤下 with date and reason");
	free(st);
	/* 3 working days from Wed 2026-09-30: 10-01..10-07 off, 10-08 (Thu),
	 * 10-09 (Fri), then the next working day */
	st = text1("SELECT d.due_on FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id WHERE r.event_code ="
		   " 'publication_withdraw' AND d.object_id = CAST(? AS TEXT)",
		   id);
	ok(!str_empty(st) && strcmp(st, "2026-10-09") > 0, "the withdrawal clock runs 3 working days past 国庆: %s", st);
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'withdrawn' AND detail LIKE"
		  " '%\"late\":%'",
		  id) == 1,
	   "the event says whether it was late");
	free(st);
}

/* A penalty_decision draft of the demo's 昆明云岭水泥 case, "finalised" into the hook. */
static long long penalty_pub_in(const char *title_like, const char *officer, const char *measures_json, const char *fine,
			       const char *facts)
{
	struct actor zhang = who(officer);
	long long case_id = db_scalar_int(db, -1, "SELECT MIN(id) FROM cases WHERE title LIKE ?",
					  (const struct db_val[]){ DB_TEXT(title_like), DB_END });
	struct record_create_input in = { .type_code = "penalty_decision" };
	long long doc = 0;
	struct err e = ERR_INIT;
	if (records_create(db, &zhang, case_id, &in, &doc, &e) < 0)
		testdb_bail("records_create penalty_decision", e.msg);
	json_t *f = json_pack("{s:s,s:s,s:o,s:s,s:s}", "facts", facts, "penalty", "见处罚种类", "measures",
			      json_loads(measures_json, 0, NULL), "fine", fine, "doc_date", "2026-10-12");
	int rv = (int)count1("SELECT row_version FROM documents WHERE id = ?", doc);
	if (records_update(db, &zhang, doc, rv, f, NULL, &e) < 0)
		testdb_bail("records_update", e.msg);
	json_decref(f);
	char *fs = text1("SELECT fields FROM documents WHERE id = ?", doc);
	json_t *fields = json_loads(fs, 0, NULL);
	free(fs);
	json_t *defs = doc_types_defaults(NULL);
	const json_t *def = json_object_get(json_object_get(defs, "penalty_decision"), "definition");
	char number[64];
	snprintf(number, sizeof number, "云工信罚〔2026〕%lld号", doc);
	const struct records_finalised fin = { doc, case_id, 0, "penalty_decision", def, fields, number, "", "",
					       "2026-10-12T03:00:00Z" };
	db_begin(db);
	if (disclosure_on_finalised(db, &zhang, &fin, &e) < 0)
		testdb_bail("hook", e.msg);
	db_commit(db);
	json_decref(fields);
	json_decref(defs);
	return count1("SELECT id FROM publications WHERE document_id = ?", doc);
}

static long long penalty_pub(const char *measures_json, const char *fine, const char *facts)
{
	return penalty_pub_in("昆明云岭水泥%", "jn.zhang", measures_json, fine, facts);
}

static void test_exclusion_and_gate(void)
{
	at("2026-10-12T02:00:00Z");
	struct actor zhang = who("jn.zhang"), head = who("jn.head");
	struct err e = ERR_INIT;
	/* a 警告-only decision: excluded by the department's rule, with the head's approval */
	long long id = penalty_pub("[\"警告\"]", "0", "当事人使用淘汰电机，证人王小明（手机 13812345678）在场。");
	cur = id;
	ok(id > 0, "a penalty decision made its draft");
	char *s = text1("SELECT due_on FROM publications WHERE id = ?", id);
	is_str(s, "2026-10-21", "7 working days from Mon 10-12: 10-21");
	free(s);
	json_t *pv = NULL;
	disclosure_preview(db, &head, id, &pv, &e);
	char *c = xstrdup(json_string_value(json_object_get(pv, "content")));
	ok(!strstr(c, "13812345678") && !strstr(c, "王小明") && strstr(c, "【已隐去：手机号码】"),
	   "the engine masks the witness's phone and name in CF_SY");
	ok(strstr(c, "\"CF_CFLB\":\"警告\"") != NULL, "CF_CFLB 警告");
	free(c);
	json_decref(pv);
	REFUSED(disclosure_exclusion_decide(db, &head, id, rowv(id), true, "同意", &e_), ERR_CONFLICT, "approve",
		"an exclusion approved without a request");
	REFUSED(disclosure_exclusion_request(db, &zhang, id, rowv(id), "no_reason", "说明", &e_), ERR_INVALID, "reason",
		"an exclusion with an unknown reason");
	REFUSED(disclosure_exclusion_request(db, &zhang, id, rowv(id), "warning_only", "", &e_), ERR_INVALID, "note",
		"an exclusion without a note");
	ok(disclosure_exclusion_request(db, &zhang, id, rowv(id), "warning_only", "仅警告，按本厅规定不予公开", &e) == 0,
	   "the officer requests not publishing (%s)", e.msg);
	s = text1("SELECT state FROM publications WHERE id = ?", id);
	is_str(s, "draft", "a request alone changes nothing public");
	free(s);
	REFUSED(disclosure_exclusion_request(db, &zhang, id, rowv(id), "privacy", "又一次", &e_), ERR_CONFLICT, "reason",
		"a second pending request");
	REFUSED(disclosure_exclusion_decide(db, &zhang, id, rowv(id), true, "同意", &e_), ERR_FORBIDDEN, "",
		"an exclusion approved by an officer");
	struct counts b = snap();
	ok(disclosure_exclusion_decide(db, &head, id, rowv(id), true, "同意不予公开", &e) == 0, "the head approves (%s)", e.msg);
	struct counts a1 = snap();
	ok(a1.events == b.events + 1 && a1.leaves == b.leaves + 1 && a1.met == b.met + 1, "event, leaf, clock met");
	s = text1("SELECT state FROM publications WHERE id = ?", id);
	is_str(s, "not_published", "not published");
	free(s);
	char *sha = preview_sha("jn.head", id);
	REFUSED(disclosure_publish(db, &head, id, rowv(id), sha, false, &e_), ERR_CONFLICT, "state", "publishing an excluded one");
	free(sha);

	/* warning_only does not fit a fine */
	long long id2 = penalty_pub("[\"警告\",\"罚款\"]", "5000.00", "当事人使用淘汰电机。");
	cur = id2;
	REFUSED(disclosure_exclusion_request(db, &zhang, id2, rowv(id2), "warning_only", "说明", &e_), ERR_INVALID, "reason",
		"警告-only exclusion of a decision with a fine");
	ok(disclosure_exclusion_request(db, &zhang, id2, rowv(id2), "trade_secret", "涉及工艺参数", &e) == 0, "a trade-secret request");
	ok(disclosure_exclusion_decide(db, &head, id2, rowv(id2), false, "可隐去处理后公开", &e) == 0, "the head refuses it (%s)", e.msg);
	s = text1("SELECT state FROM publications WHERE id = ?", id2);
	is_str(s, "draft", "still to publish");
	free(s);

	/* a major decision (a fine of 200,000 yuan on an organisation) before its gate */
	long long id3 = penalty_pub("[\"罚款\"]", "200000.00", "当事人使用淘汰电机十二台。");
	cur = id3;
	ok(review_case_major(db, count1("SELECT case_id FROM publications WHERE id = ?", id3)) == 1, "the case is major");
	sha = preview_sha("jn.head", id3);
	REFUSED(disclosure_publish(db, &head, id3, rowv(id3), sha, false, &e_), ERR_CONFLICT, "review",
		"a major decision before its gate");
	free(sha);
	json_t *cnt = NULL;
	ok(disclosure_counts(db, &head, &cnt, &e) == 0 && json_integer_value(json_object_get(cnt, "drafts")) >= 2,
	   "the head's counts");
	json_decref(cnt);
}

/* A new penalty case of 无线电管理局's 检查科 like the demo's ended 伪基站 case. */
static void open_radio_case(void)
{
	struct actor li = who("wx.li");
	long long old = count("SELECT MIN(id) FROM cases WHERE title LIKE '%伪基站%'");
	long long m[] = { count1("SELECT MIN(item_id) FROM case_matters WHERE case_id = ?", old) };
	long long p[] = { count1("SELECT MIN(party_id) FROM case_parties WHERE case_id = ?", old) };
	long long o[] = { people_user_by_username(db, "wx.li"), people_user_by_username(db, "wx.zhao") };
	struct case_input in = { .procedure = "penalty_general", .unit_id = count1("SELECT unit_id FROM cases WHERE id = ?", old),
				 .title = "昆明市五华区老街通讯器材经营部再次销售伪基站设备案", .source = "inspection",
				 .source_date = "2026-10-12", .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
				 .officer_ids = o, .n_officers = 2 };
	long long id = 0;
	struct err e = ERR_INIT;
	if (case_open(db, &li, &in, &id, NULL, &e) < 0)
		testdb_bail("case_open", e.msg);
}

/* A correction document of publication id's decision with facts (the hook as finalising calls it). */
static void redraft(long long id, const char *facts)
{
	long long doc = count1("SELECT document_id FROM publications WHERE id = ?", id);
	long long case_id = count1("SELECT case_id FROM publications WHERE id = ?", id);
	json_t *defs = doc_types_defaults(NULL);
	const json_t *def = json_object_get(json_object_get(defs, "penalty_decision"), "definition");
	char *fs = text1("SELECT fields FROM documents WHERE id = ?", doc);
	json_t *fields = json_loads(fs, 0, NULL);
	json_object_set_new(fields, "facts", json_string(facts));
	char *num = text1("SELECT decision_no FROM publications WHERE id = ?", id);
	const struct records_finalised fin = { doc, case_id, doc, "penalty_decision", def, fields, num, "", "",
					       "2026-11-03T03:00:00Z" };
	struct actor li = who("wx.li");
	struct err e = ERR_INIT;
	db_begin(db);
	if (disclosure_on_finalised(db, &li, &fin, &e) < 0)
		testdb_bail("redraft", e.msg);
	db_commit(db);
	free(num);
	free(fs);
	json_decref(fields);
	json_decref(defs);
}

static void test_periods(void)
{
	open_radio_case();
	/* the 伪基站 case of 无线电管理局's 检查科: its 局长 publishes (the unit above) */
	at("2026-10-12T02:00:00Z");
	struct actor head = who("wx.head"), li = who("wx.li"), jn = who("jn.head");
	struct err e = ERR_INIT;
	long long id = penalty_pub_in("%再次销售伪基站%", "wx.li", "[\"警告\"]", "0", "当事人销售伪基站设备。");
	cur = id;
	char *sha = preview_sha("wx.head", id);
	REFUSED(disclosure_publish(db, &jn, id, rowv(id), sha, false, &e_), ERR_NOTFOUND, "id", "a head of another division");
	ok(disclosure_publish(db, &head, id, rowv(id), sha, false, &e) == 0, "a 警告 decision published on time (%s)", e.msg);
	free(sha);
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'published'"
		  " AND detail LIKE '%\"overdue\":false%'", id) == 1, "on time: no overdue mark");
	char *s = text1("SELECT period_ends_on FROM publications WHERE id = ?", id);
	is_str(s, "2027-01-12", "警告 only: three months");
	free(s);
	REFUSED(disclosure_end_early(db, &head, id, rowv(id), "已完成信用修复", &e_), ERR_CONFLICT, "state",
		"an early end before the shortest period");
	int n = -1;
	ok(disclosure_expire_due(db, "2027-01-12", &n, &e) == 0 && n == 0, "not ended on its last day");
	struct counts b = snap();
	int before_changes = changes;
	ok(disclosure_expire_due(db, "2027-01-13", &n, &e) == 0 && n == 1, "ended the day after (%s)", e.msg);
	struct counts a1 = snap();
	ok(a1.events == b.events + 1 && a1.leaves == b.leaves + 1 && changes == before_changes + 1,
	   "an event, a leaf, the listener");
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'expired' AND by_user IS NULL", id) == 1,
	   "by the system");
	s = text1("SELECT state FROM publications WHERE id = ?", id);
	is_str(s, "expired", "expired");
	free(s);
	ok(count1("SELECT COUNT(*) FROM publication_versions WHERE publication_id = ?", id) == 1, "its version stays");

	long long id2 = penalty_pub_in("%再次销售伪基站%", "wx.li", "[\"罚款\"]", "3000.00", "当事人销售伪基站设备两台。");
	cur = id2;
	at("2026-11-02T02:00:00Z");
	sha = preview_sha("wx.head", id2);
	ok(disclosure_publish(db, &head, id2, rowv(id2), sha, true, &e) == 0, "the fined decision published late (%s)", e.msg);
	free(sha);
	s = text1("SELECT period_ends_on FROM publications WHERE id = ?", id2);
	is_str(s, "2029-10-12", "with a fine: three years");
	free(s);

	/* a staff mark stands for later versions while its bytes are unchanged */
	const char *secret = "工艺参数甲";
	redraft(id2, "当事人销售伪基站设备两台，工艺参数甲见附件。");
	long long mid = 0;
	{
		char *draft = text1("SELECT draft FROM publications WHERE id = ?", id2);
		json_t *dj = json_loads(draft, 0, NULL);
		const char *sy = json_string_value(json_object_get(json_object_get(dj, "fields"), "CF_SY"));
		const char *hit = sy ? strstr(sy, secret) : NULL;
		struct disclosure_mark_input in = { .target = "CF_SY", .op = "add", .start = hit ? hit - sy : 0,
						    .end = hit ? hit - sy + (long long)strlen(secret) : 0, .reason = "商业秘密" };
		ok(hit && disclosure_mark(db, &li, id2, rowv(id2), &in, &mid, &e) == 0, "a trade secret marked in the correction's draft (%s)", e.msg);
		json_decref(dj);
		free(draft);
	}
	sha = preview_sha("wx.head", id2);
	ok(disclosure_correct(db, &head, id2, rowv(id2), sha, "补充违法事实", &e) == 0, "version 2 published (%s)", e.msg);
	free(sha);
	sha = preview_sha("wx.head", id2);
	REFUSED(disclosure_correct(db, &head, id2, rowv(id2), sha, "再次更正", &e_), ERR_CONFLICT, "preview_sha256",
		"a correction identical to the published version");
	free(sha);
	redraft(id2, "当事人销售伪基站设备两台，工艺参数甲见附件。另查明：销售地点在五华区。");
	json_t *pv = NULL;
	disclosure_preview(db, &head, id2, &pv, &e);
	const char *c3 = json_string_value(json_object_get(pv, "content"));
	ok(c3 && !strstr(c3, secret) && json_array_size(json_object_get(pv, "stale_marks")) == 0,
	   "the mark still masks it in version 3 (the bytes are where they were)");
	json_decref(pv);
	redraft(id2, "经复核：当事人销售伪基站设备两台，工艺参数甲见附件。");
	disclosure_preview(db, &head, id2, &pv, &e);
	ok(json_array_size(json_object_get(pv, "stale_marks")) == 1, "a correction that moves the bytes makes the mark stale");
	sha = xstrdup(json_string_value(json_object_get(pv, "sha256")));
	json_decref(pv);
	REFUSED(disclosure_correct(db, &head, id2, rowv(id2), sha, "复核", &e_), ERR_CONFLICT, "marks",
		"publishing while a staff mark is stale");
	free(sha);
	struct disclosure_mark_input rvk = { .op = "revoke", .revokes = mid, .reason = "标注已失效" };
	ok(disclosure_mark(db, &li, id2, rowv(id2), &rvk, NULL, &e) == 0, "the stale mark is taken back (%s)", e.msg);
	{
		char *draft = text1("SELECT draft FROM publications WHERE id = ?", id2);
		json_t *dj = json_loads(draft, 0, NULL);
		const char *sy = json_string_value(json_object_get(json_object_get(dj, "fields"), "CF_SY"));
		const char *hit = sy ? strstr(sy, secret) : NULL;
		struct disclosure_mark_input in = { .target = "CF_SY", .op = "add", .start = hit ? hit - sy : 0,
						    .end = hit ? hit - sy + (long long)strlen(secret) : 0, .reason = "商业秘密" };
		ok(hit && disclosure_mark(db, &li, id2, rowv(id2), &in, NULL, &e) == 0, "and set again (%s)", e.msg);
		json_decref(dj);
		free(draft);
	}
	sha = preview_sha("wx.head", id2);
	ok(disclosure_correct(db, &head, id2, rowv(id2), sha, "复核", &e) == 0, "version 3 published (%s)", e.msg);
	free(sha);
	ok(count1("SELECT COUNT(*) FROM publication_versions WHERE publication_id = ? AND content LIKE '%工艺参数甲%'", id2) == 0,
	   "no published version holds the secret");
	REFUSED(disclosure_end_early(db, &head, id2, rowv(id2), "已完成信用修复", &e_), ERR_CONFLICT, "state",
		"an early end within three months of the decision");
	at("2027-06-01T02:00:00Z");
	REFUSED(disclosure_end_early(db, &li, id2, rowv(id2), "已完成信用修复", &e_), ERR_FORBIDDEN, "", "an officer ends early");
	REFUSED(disclosure_end_early(db, &head, id2, rowv(id2), "", &e_), ERR_INVALID, "note", "an early end without its note");
	ok(disclosure_end_early(db, &head, id2, rowv(id2), "当事人已完成信用修复（信用中国修复决定）", &e) == 0,
	   "the head ends it early after 信用修复 (%s)", e.msg);
	s = text1("SELECT state || '|' || period_ends_on FROM publications WHERE id = ?", id2);
	is_str(s, "expired|2027-06-01", "out of its period from today");
	free(s);
	ok(count1("SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'ended_early' AND leaf_index IS NOT NULL",
		  id2) == 1, "the early end is an event with its leaf");
}

/* A decision document of type code in the first case of procedure, "finalised" into the hook. */
static long long kind_pub(const char *procedure, const char *officer, const char *code, const char *fields_json,
			  const char *number)
{
	struct actor a = who(officer);
	long long case_id = db_scalar_int(db, -1, "SELECT MIN(id) FROM cases WHERE procedure_code = ? AND status = 'open'"
					  " AND unit_id = ?",
					  (const struct db_val[]){ DB_TEXT(procedure), DB_INT(a.unit_id), DB_END });
	struct record_create_input in = { .type_code = code };
	long long doc = 0;
	struct err e = ERR_INIT;
	if (records_create(db, &a, case_id, &in, &doc, &e) < 0)
		testdb_bail("records_create", e.msg);
	json_t *f = json_loads(fields_json, 0, NULL);
	int rv = (int)count1("SELECT row_version FROM documents WHERE id = ?", doc);
	if (records_update(db, &a, doc, rv, f, NULL, &e) < 0)
		testdb_bail("records_update", e.msg);
	json_decref(f);
	char *fs = text1("SELECT fields FROM documents WHERE id = ?", doc);
	json_t *fields = json_loads(fs, 0, NULL);
	free(fs);
	json_t *defs = doc_types_defaults(NULL);
	const json_t *def = json_object_get(json_object_get(defs, code), "definition");
	const struct records_finalised fin = { doc, case_id, 0, code, def, fields, number, "", "", "2026-10-12T03:00:00Z" };
	db_begin(db);
	if (disclosure_on_finalised(db, &a, &fin, &e) < 0)
		testdb_bail("hook", e.msg);
	db_commit(db);
	json_decref(fields);
	json_decref(defs);
	return count1("SELECT id FROM publications WHERE document_id = ?", doc);
}

static const char *fld(const json_t *content, const char *k)
{
	const char *s = json_string_value(json_object_get(json_object_get(content, "fields"), k));
	return s ? s : "(none)";
}

static void test_kinds(void)
{
	at("2026-10-12T02:00:00Z");
	struct err e = ERR_INIT;
	/* a licence: XK_ fields, 7 working days (行政许可法 第四十条) */
	long long lic = kind_pub("licence", "aq.zhu", "licence_grant",
				 "{\"content\":\"准予从事工业炸药生产\",\"validity\":\"2029-10-11\",\"doc_date\":\"2026-10-12\"}",
				 "云工信许〔2026〕3号");
	ok(lic > 0, "a licence grant made its draft");
	char *s = text1("SELECT kind || '|' || due_on FROM publications WHERE id = ?", lic);
	is_str(s, "licence|2026-10-21", "kind licence, 7 working days");
	free(s);
	struct actor aq = who("aq.head");
	json_t *pv = NULL;
	ok(disclosure_preview(db, &aq, lic, &pv, &e) == 0, "its preview (%s)", e.msg);
	json_t *c = json_loads(json_string_value(json_object_get(pv, "content")), 0, NULL);
	is_str(fld(c, "XK_WSH"), "云工信许〔2026〕3号", "XK_WSH: the number");
	is_str(fld(c, "XK_XKWS"), "准予行政许可决定书", "XK_XKWS: the document's name");
	is_str(fld(c, "XK_NR"), "准予从事工业炸药生产", "XK_NR: the content");
	is_str(fld(c, "XK_YXQZI"), "2029-10-11", "XK_YXQZI: valid until");
	is_str(fld(c, "XK_JDRQ"), "2026-10-12", "XK_JDRQ: the decision date");
	ok(!str_empty(fld(c, "XK_XDR_MC")) && !str_eq(fld(c, "XK_XDR_MC"), "(none)"), "XK_XDR_MC: the applicant %s", fld(c, "XK_XDR_MC"));
	ok(json_object_get(json_object_get(c, "fields"), "CF_WSH") == NULL, "no CF_ field on a licence");
	json_decref(c);
	json_decref(pv);
	/* a coercive measure: the seed's five, 20 working days */
	long long co = kind_pub("coercion_seizure", "wx.li", "seizure_decision",
				"{\"facts\":\"擅自设置无线电台\",\"objects\":\"调频发射机一台\",\"measures\":[\"扣押\"],"
				"\"period_days\":30,\"doc_date\":\"2026-10-12\"}",
				"云工信强〔2026〕2号");
	ok(co > 0, "a seizure decision made its draft");
	s = text1("SELECT kind || '|' || due_on FROM publications WHERE id = ?", co);
	is_str(s, "coercion|2026-11-09", "kind coercion, 20 working days (10-13 .. 11-09)");
	free(s);
	struct actor wx = who("wx.head");
	ok(disclosure_preview(db, &wx, co, &pv, &e) == 0, "its preview (%s)", e.msg);
	c = json_loads(json_string_value(json_object_get(pv, "content")), 0, NULL);
	is_str(fld(c, "body"), "云南省工业和信息化厅", "执法主体");
	is_str(fld(c, "category"), "查封扣押决定书", "执法类别");
	ok(str_starts(fld(c, "conclusion"), "扣押：调频发射机一台"), "执法结论: %s", fld(c, "conclusion"));
	is_str(fld(c, "date"), "2026-10-12", "执法决定日期");
	ok(!str_eq(fld(c, "party"), "(none)"), "执法对象 %s", fld(c, "party"));
	ok(json_object_size(json_object_get(c, "fields")) == 5, "exactly the seed's five");
	json_decref(c);
	json_decref(pv);

	/* a clock into 2027, whose holiday notice is not loaded: provisional */
	long long late = kind_pub("coercion_seizure", "wx.li", "seizure_decision",
				  "{\"facts\":\"擅自设置无线电台\",\"objects\":\"发射天线一副\",\"measures\":[\"扣押\"],"
				  "\"period_days\":30,\"doc_date\":\"2026-12-28\"}",
				  "云工信强〔2026〕9号");
	json_t *g = NULL;
	int grc = disclosure_get(db, &wx, late, &g, &e);
	ok(grc == 0 && json_is_true(json_object_get(g, "due_provisional")) &&
		   strstr(json_string_value(json_object_get(g, "due_provisional_note")), "2027"),
	   "a clock into 2027 is provisional and says so: %s due %s", json_string_value(json_object_get(g, "due_provisional_note")),
	   json_string_value(json_object_get(g, "due_on")));
	json_decref(g);
}

static void test_minor(void)
{
	/* a person party of 16 on the decision day: the draft warns, publishing is refused */
	at("2026-10-12T02:00:00Z");
	struct actor li = who("wx.li"), head = who("wx.head");
	struct err e = ERR_INIT;
	json_t *pin = json_pack("{s:s,s:s,s:s,s:s}", "kind", "person", "name", "王小明", "id_type", "resident_id", "id_number",
				"530102201005011239");
	long long party = 0;
	if (party_create(db, &li, pin, &party, NULL, &e) < 0)
		testdb_bail("party_create", e.msg);
	json_decref(pin);
	long long old = count("SELECT MIN(id) FROM cases WHERE title LIKE '%伪基站%'");
	long long m[] = { count1("SELECT MIN(item_id) FROM case_matters WHERE case_id = ?", old) };
	long long p[] = { party };
	long long o[] = { people_user_by_username(db, "wx.li"), people_user_by_username(db, "wx.zhao") };
	struct case_input in = { .procedure = "penalty_general", .unit_id = count1("SELECT unit_id FROM cases WHERE id = ?", old),
				 .title = "王小明擅自设置无线电台案", .source = "inspection", .source_date = "2026-10-12",
				 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1, .officer_ids = o, .n_officers = 2 };
	long long cid = 0;
	if (case_open(db, &li, &in, &cid, NULL, &e) < 0)
		testdb_bail("case_open", e.msg);
	long long id = penalty_pub_in("王小明擅自设置无线电台案", "wx.li", "[\"罚款\"]", "500.00", "当事人擅自设置无线电台。");
	cur = id;
	json_t *g = NULL;
	disclosure_get(db, &head, id, &g, &e);
	const json_t *w0 = json_array_get(json_object_get(g, "warnings"), 0);
	ok(str_eq(json_string_value(json_object_get(w0, "exclusion")), "minor"), "the draft warns of a minor party");
	json_decref(g);
	char *sha = preview_sha("wx.head", id);
	REFUSED(disclosure_publish(db, &head, id, rowv(id), sha, false, &e_), ERR_CONFLICT, "exclusion",
		"publishing a minor's decision");
	free(sha);
	ok(disclosure_exclusion_request(db, &li, id, rowv(id), "minor", "当事人未满十八周岁", &e) == 0 &&
		   disclosure_exclusion_decide(db, &head, id, rowv(id), true, "同意不予公开", &e) == 0,
	   "not published, with the head's approval (%s)", e.msg);
}

/* The shared worked examples (../shared/data/deadline-examples.tsv) of 7
 * and 20 working days: a decision of that day drafts its publication due
 * on the example's day (a penalty for 7, a seizure for 20). */
static void test_examples(void)
{
	const char *shared = getenv("ZHIFA_SHARED");
	char path[512];
	snprintf(path, sizeof path, "%s/data/deadline-examples.tsv", str_empty(shared) ? "../shared" : shared);
	FILE *f = fopen(path, "r");
	ok(f != NULL, "examples file %s readable", path);
	if (!f)
		return;
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *save = NULL, *start = strtok_r(line, "\t", &save), *days = strtok_r(NULL, "\t", &save),
		     *due = strtok_r(NULL, "\t\n", &save);
		if (!start || !days || !due || (!str_eq(days, "7") && !str_eq(days, "20")))
			continue;
		char fields[300], number[64];
		long long id;
		snprintf(number, sizeof number, "云工信例〔%.4s〕%d号", start, ++n);
		if (str_eq(days, "7")) {
			snprintf(fields, sizeof fields, "{\"facts\":\"例\",\"penalty\":\"罚款\",\"measures\":[\"罚款\"],"
				 "\"fine\":\"100.00\",\"doc_date\":\"%s\"}", start);
			id = kind_pub("penalty_general", "wx.li", "penalty_decision", fields, number);
		} else {
			snprintf(fields, sizeof fields, "{\"facts\":\"例\",\"objects\":\"设备\",\"measures\":[\"扣押\"],"
				 "\"period_days\":30,\"doc_date\":\"%s\"}", start);
			id = kind_pub("coercion_seizure", "wx.li", "seizure_decision", fields, number);
		}
		char *got = text1("SELECT due_on FROM publications WHERE id = ?", id);
		is_str(got, due, "a decision of %s: published within %s working days, by %s", start, days, due);
		free(got);
	}
	fclose(f);
	ok(n >= 5, "%d examples of 7 and 20 working days", n);
}

int main(void)
{
	db = tp_open();
	seed();
	test_rules();
	test_draft();
	test_marks();
	test_publish();
	test_correct_withdraw();
	test_exclusion_and_gate();
	test_periods();
	test_kinds();
	test_minor();
	test_examples();
	vault_close(vault);
	db_close(db);
	return tap_done();
}
