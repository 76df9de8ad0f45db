/*
 * test_publicity.c - the publicity catalogue (src/publicity/): validation
 * messages, draft -> publish by the owning unit's head only, versions,
 * portal visibility, withdrawal, search (two-character Chinese words, '%'
 * and '_' in keywords), the flowchart SVG, data scope and the demo seed.
 * Runs on a fresh SQLite file, or on PostgreSQL when ZHIFA_TEST_DB is set.
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "publicity/publicity.h"
#include "../tap.h"
#include "../testdb.h"

static struct db *db;
static long long unit_a, unit_a_child, unit_b, unit_c;
static long long u_officer_a, u_head_a, u_head_b, u_admin, u_head_child;

static long long insert_id(const char *sql, const struct db_val *params)
{
	struct db_res *r;
	if (db_query_a(db, sql, params, &r) < 0 || r->nrows != 1) {
		printf("Bail out! %s: %s\n", sql, db_errmsg(db));
		exit(1);
	}
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static long long mk_unit(const char *code, const char *name, long long parent, int power)
{
	return insert_id("INSERT INTO units(parent_id, code, name, enforcement_power, created_at)"
			 " VALUES (?,?,?,?,'2026-01-01T00:00:00Z') RETURNING id",
			 (const struct db_val[]){ parent ? DB_INT(parent) : DB_NULL, DB_TEXT(code), DB_TEXT(name),
						  DB_INT(power), DB_END });
}

static long long mk_user(long long unit, const char *username, const char *name, const char *role)
{
	long long id = insert_id("INSERT INTO users(unit_id, username, name, created_at)"
				 " VALUES (?,?,?,'2026-01-01T00:00:00Z') RETURNING id",
				 (const struct db_val[]){ DB_INT(unit), DB_TEXT(username), DB_TEXT(name), DB_END });
	if (db_exec(db, "INSERT INTO user_roles(user_id, role) VALUES (?,?)", DB_INT(id), DB_TEXT(role)) < 0) {
		printf("Bail out! user_roles: %s\n", db_errmsg(db));
		exit(1);
	}
	return id;
}

static struct actor actor_of(long long user, long long unit, unsigned roles, enum scope scope)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	a.user_id = user;
	a.unit_id = unit;
	a.roles = roles;
	a.scope = scope;
	snprintf(a.username, sizeof a.username, "u%lld", user);
	snprintf(a.ip, sizeof a.ip, "127.0.0.1");
	return a;
}

static json_t *matter_json(const char *name, const char *category)
{
	json_error_t je;
	json_t *j = json_loads(
		"{\"category\":\"inspection\",\"duties\":\"监督检查无线电台站\",\"authority\":\"现场检查\","
		"\"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第二十七条\"}],"
		"\"procedure\":[\"立案\",{\"name\":\"调查 <取证> & 询问\",\"note\":\"两名执法人员\",\"time_limit\":\"5日\"},"
		"{\"name\":\"作出决定并送达当事人,这是一个特别长的步骤名称需要在流程图中折行显示才能完整\"}],"
		"\"remedy\":[{\"type\":\"review\",\"body\":\"省人民政府\",\"time_limit\":\"60日内\"}]}",
		0, &je);
	if (!j) {
		printf("Bail out! matter json: %s\n", je.text);
		exit(1);
	}
	json_object_set_new(j, "name", json_string(name));
	json_object_set_new(j, "category", json_string(category));
	return j;
}

/* Expect validation of a mutated matter to fail with field and message. */
static void expect_invalid(json_t *m, const char *field, const char *msg, const char *what)
{
	struct err e = ERR_INIT;
	json_t *c = publicity_validate(PUB_MATTER, m, "某单位", &e);
	ok(!c && e.kind == ERR_INVALID, "%s: refused", what);
	is_str(e.field, field, "%s: field", what);
	is_str(e.msg, msg, "%s: message", what);
	json_decref(c);
	json_decref(m);
}

static void test_validation(void)
{
	json_t *m = matter_json("无线电台站检查", "inspection");
	json_object_set_new(m, "name", json_string("   "));
	expect_invalid(m, "name", "「事项名称」不能为空", "blank name");

	m = matter_json("x", "inspection");
	struct buf long_name = BUF_INIT;
	buf_init(&long_name, 0);
	for (int i = 0; i < 101; i++)
		buf_puts(&long_name, "字");
	json_object_set_new(m, "name", json_string(buf_str(&long_name)));
	buf_release(&long_name);
	expect_invalid(m, "name", "「事项名称」不能超过100个字(现有101个字)", "long name");

	expect_invalid(matter_json("检查", "bogus"), "category",
		       "「类别」不正确(应为行政检查、行政许可、行政处罚、行政征收征用、行政强制或其他)", "bad category");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "basis", json_array());
	expect_invalid(m, "basis", "「法律依据」至少一条", "no basis");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "basis", json_pack("[{s:s}]", "law", ""));
	expect_invalid(m, "basis[0].law", "「法律依据」第1条的「法律名称」不能为空", "empty law");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "procedure", json_pack("[s]", "立案"));
	expect_invalid(m, "procedure", "「程序步骤」至少两步", "one step");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "procedure", json_pack("[s,s]", "立案", ""));
	expect_invalid(m, "procedure[1].name", "「程序步骤」第2步的「步骤名称」不能为空", "empty step");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "duties", json_integer(3));
	expect_invalid(m, "duties", "「职责」应为文字", "duties not text");

	m = matter_json("检查", "inspection");
	json_object_set_new(m, "remedy", json_pack("[{s:s,s:s,s:s}]", "type", "appeal", "body", "x", "time_limit", "y"));
	expect_invalid(m, "remedy[0].type", "「救济渠道」第1条的类型不正确(应为行政复议或行政诉讼)", "bad remedy type");

	/* every problem at once, in form order */
	{
		json_t *bad = matter_json("", "nonsense");
		json_object_set_new(bad, "duties", json_string(" "));
		json_object_set_new(bad, "remedy", json_pack("[{s:s,s:s,s:s}]", "type", "appeal", "body", "", "time_limit", "y"));
		struct errs all = ERRS_INIT;
		ok(publicity_validate_all(PUB_MATTER, bad, NULL, &all) == NULL, "an invalid matter is refused");
		ok(all.n == 5, "five problems reported (%zu)", all.n);
		if (all.n == 5) {
			is_str(all.v[0].field, "name", "first problem: the name");
			is_str(all.v[1].field, "category", "then the category");
			is_str(all.v[2].field, "duties", "then the duties");
			is_str(all.v[3].field, "remedy[0].type", "then the remedy's type");
			is_str(all.v[4].field, "remedy[0].body", "then the remedy's body");
		}
		errs_release(&all);
		json_decref(bad);
	}

	/* canonical form: trimmed, unknown keys dropped, steps as objects */
	struct err e = ERR_INIT;
	m = matter_json("  无线电台站检查  ", "inspection");
	json_object_set_new(m, "extra", json_string("dropped"));
	json_t *c = publicity_validate(PUB_MATTER, m, NULL, &e);
	ok(c != NULL, "valid matter accepted");
	is_str(json_string_value(json_object_get(c, "name")), "无线电台站检查", "name trimmed");
	ok(!json_object_get(c, "extra"), "unknown key dropped");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(c, "procedure"), 0), "name")), "立案",
	       "bare step string becomes an object");
	json_decref(c);
	json_decref(m);

	/* guide and inspection */
	json_t *g = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", "许可指南", "accepting_body", "窗口",
			      "approving_body", "厅", "conditions", "条件", "time_limit", "20个工作日",
			      "materials", "申请书\n\n营业执照\n", "contact", "电话");
	c = publicity_validate(PUB_GUIDE, g, NULL, &e);
	ok(c && json_array_size(json_object_get(c, "materials")) == 2, "guide materials split by line");
	json_decref(c);
	json_object_set_new(g, "accepting_body", json_string(""));
	err_clear(&e);
	c = publicity_validate(PUB_GUIDE, g, NULL, &e);
	ok(!c && str_eq(e.field, "accepting_body") && str_eq(e.msg, "「受理机构」不能为空"), "guide accepting body required");
	json_decref(g);

	json_t *ins = json_pack("{s:s,s:s,s:[{s:s}],s:s,s:s}", "name", "台站检查", "content", "执照",
				"basis", "law", "无线电管理条例", "method", "双随机", "frequency", "每年");
	err_clear(&e);
	c = publicity_validate(PUB_INSPECTION, ins, "无线电管理局", &e);
	ok(c != NULL, "inspection item accepted");
	is_str(json_string_value(json_object_get(c, "inspecting_unit")), "无线电管理局", "inspecting unit defaults to unit");
	json_decref(c);
	json_decref(ins);
}

static long long count_rows(const char *sql, long long id)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_INT(id), DB_END });
}

static void test_lifecycle(void)
{
	struct actor officer_a = actor_of(u_officer_a, unit_a, ROLE_OFFICER, SCOPE_OWN);
	struct actor head_a = actor_of(u_head_a, unit_a, ROLE_HEAD | ROLE_OFFICER, SCOPE_OWN);
	struct actor head_b = actor_of(u_head_b, unit_b, ROLE_HEAD, SCOPE_OWN);
	struct actor admin = actor_of(u_admin, unit_c, ROLE_ADMIN, SCOPE_ALL);
	struct actor public_ = actor_of(0, 0, 0, SCOPE_NONE);
	struct err e = ERR_INIT;

	json_t *m = matter_json("无线电台站监督检查", "inspection");
	long long id = publicity_create(db, &officer_a, PUB_MATTER, 0, 0, m, &e);
	ok(id > 0, "officer of unit A drafts a matter (%s)", e.msg);
	long long ops = count_rows("SELECT COUNT(*) FROM op_log WHERE object_id = CAST(? AS TEXT)", id);
	ok(ops == 1, "create wrote one audit row");

	err_clear(&e);
	ok(publicity_create(db, &head_b, PUB_MATTER, unit_a, 0, m, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "head of unit B cannot draft for unit A");
	err_clear(&e);
	struct actor officer_c = actor_of(u_admin, unit_c, ROLE_OFFICER, SCOPE_OWN);
	ok(publicity_create(db, &officer_c, PUB_MATTER, 0, 0, m, &e) < 0 && e.kind == ERR_FORBIDDEN &&
	   str_eq(e.field, "unit_id"), "unit without enforcement power cannot draft");
	err_clear(&e);
	json_object_set_new(m, "name", json_string(""));
	ok(publicity_create(db, &officer_a, PUB_MATTER, 0, 0, m, &e) < 0 && e.kind == ERR_INVALID &&
	   str_eq(e.field, "name"), "invalid draft refused");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM pub_items", (const struct db_val[]){ DB_END }), 1,
	       "refused drafts wrote nothing");
	json_decref(m);

	/* not public yet */
	err_clear(&e);
	json_t *pv = publicity_portal_item(db, id, &e);
	ok(!pv && e.kind == ERR_NOTFOUND, "draft not visible on the portal");
	json_t *pl = publicity_portal_list(db, PUB_MATTER, NULL, &e);
	is_int(json_integer_value(json_object_get(pl, "total")), 0, "portal list empty before publishing");
	json_decref(pl);

	/* who can publish */
	err_clear(&e);
	ok(publicity_publish(db, &officer_a, id, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN, "officer cannot publish");
	err_clear(&e);
	ok(publicity_publish(db, &head_b, id, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN, "head of other unit cannot publish");
	err_clear(&e);
	ok(publicity_publish(db, &admin, id, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN, "admin cannot publish");
	err_clear(&e);
	ok(publicity_publish(db, &public_, id, NULL, &e) < 0 && e.kind == ERR_UNAUTH, "public cannot publish");
	err_clear(&e);
	is_int(publicity_publish(db, &head_a, id, "首次公示", &e), 1, "head of unit A publishes version 1");
	err_clear(&e);
	ok(publicity_publish(db, &head_a, id, NULL, &e) < 0 && e.kind == ERR_CONFLICT, "nothing left to publish");

	pv = publicity_portal_item(db, id, &e);
	ok(pv != NULL, "published matter visible");
	is_str(json_string_value(json_object_get(json_object_get(pv, "content"), "name")), "无线电台站监督检查",
	       "portal shows content");
	is_int(json_integer_value(json_object_get(pv, "version")), 1, "portal shows version 1");
	is_str(json_string_value(json_object_get(pv, "published_by_name")), "王处长", "published by the head");
	json_decref(pv);

	/* a change is a new version; the public keeps seeing v1 until published */
	m = matter_json("无线电台站监督检查(修订)", "inspection");
	err_clear(&e);
	ok(publicity_update(db, &officer_a, id, m, &e) == 0, "officer edits the published matter");
	err_clear(&e);
	ok(publicity_update(db, &head_b, id, m, &e) < 0 && e.kind == ERR_FORBIDDEN, "head of B cannot edit A's matter");
	json_decref(m);
	pv = publicity_portal_item(db, id, &e);
	is_str(json_string_value(json_object_get(json_object_get(pv, "content"), "name")), "无线电台站监督检查",
	       "public still sees version 1 while the change is a draft");
	json_decref(pv);
	json_t *oi0 = publicity_office_item(db, &head_a, id, &e);
	const char *tok = json_string_value(json_object_get(oi0, "draft_token"));
	ok(tok && strlen(tok) == 64, "office view gives the draft's token");
	err_clear(&e);
	ok(publicity_publish_confirmed(db, &head_a, id, "修订名称", "0000", &e) < 0 && e.kind == ERR_CONFLICT &&
	   str_eq(e.field, "draft_token"), "publishing a draft other than the one shown is refused");
	pv = publicity_portal_item(db, id, &e);
	is_int(json_integer_value(json_object_get(pv, "version")), 1, "... and published nothing");
	ok(json_is_null(json_object_get(json_array_get(json_object_get(pv, "versions"), 0), "effective_to")),
	   "the version in force has no end date");
	json_decref(pv);
	err_clear(&e);
	is_int(publicity_publish_confirmed(db, &head_a, id, "修订名称", tok, &e), 2, "second publish is version 2");
	json_decref(oi0);
	pv = publicity_portal_item(db, id, &e);
	is_str(json_string_value(json_object_get(json_object_get(pv, "content"), "name")), "无线电台站监督检查(修订)",
	       "public sees the latest version");
	json_t *versions = json_object_get(pv, "versions");
	is_int(json_array_size(versions), 2, "both versions listed");
	is_int(json_integer_value(json_object_get(json_array_get(versions, 0), "version")), 2, "newest first");
	is_str(json_string_value(json_object_get(json_array_get(versions, 0), "change_note")), "修订名称", "change note kept");
	ok(json_integer_value(json_object_get(json_array_get(versions, 1), "published_by")) == u_head_a,
	   "version 1 keeps its publisher");
	json_decref(pv);
	pv = publicity_portal_version(db, id, 1, &e);
	is_str(json_string_value(json_object_get(json_object_get(pv, "content"), "name")), "无线电台站监督检查",
	       "old version still readable");
	json_decref(pv);
	err_clear(&e);
	ok(!publicity_portal_version(db, id, 9, &e) && e.kind == ERR_NOTFOUND, "missing version is 404");
	ok(db_exec(db, "UPDATE pub_item_versions SET name = 'x' WHERE item_id = ?", DB_INT(id)) < 0,
	   "database refuses to change a published version");
	ok(db_exec(db, "DELETE FROM pub_item_versions WHERE item_id = ?", DB_INT(id)) < 0,
	   "database refuses to delete a published version");

	/* guide linked to the matter */
	json_t *g = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s}", "name", "台站检查须知", "accepting_body", "窗口",
			      "approving_body", "处", "conditions", "无", "time_limit", "当场", "materials", "身份证明",
			      "contact", "电话");
	err_clear(&e);
	long long gid = publicity_create(db, &officer_a, PUB_GUIDE, 0, 0, g, &e);
	ok(gid < 0 && str_eq(e.field, "matter_id"), "guide needs a matter");
	err_clear(&e);
	gid = publicity_create(db, &officer_a, PUB_GUIDE, 0, id, g, &e);
	ok(gid > 0, "guide created for the matter");
	json_decref(g);
	err_clear(&e);
	is_int(publicity_publish(db, &head_a, gid, NULL, &e), 1, "guide published");
	pv = publicity_portal_item(db, id, &e);
	is_int(json_array_size(json_object_get(pv, "guides")), 1, "matter view lists its guide");
	json_decref(pv);

	/* withdrawal */
	err_clear(&e);
	ok(publicity_withdraw(db, &head_a, id, "  ", &e) < 0 && str_eq(e.field, "reason") &&
	   str_eq(e.msg, "「撤下原因」不能为空"), "withdrawal needs a reason");
	err_clear(&e);
	ok(publicity_withdraw(db, &head_b, id, "错误", &e) < 0 && e.kind == ERR_FORBIDDEN, "head of B cannot withdraw");
	err_clear(&e);
	ok(publicity_withdraw(db, &head_a, id, "依据已废止", &e) == 0, "head of A withdraws");
	err_clear(&e);
	pv = publicity_portal_item(db, id, &e);
	ok(pv != NULL, "withdrawn matter keeps its public page");
	is_str(json_string_value(json_object_get(pv, "status")), "withdrawn", "... marked withdrawn");
	json_t *wd = json_object_get(pv, "withdrawal");
	is_str(json_string_value(json_object_get(wd, "reason")), "依据已废止", "... with the reason");
	ok(json_string_value(json_object_get(wd, "at")) != NULL, "... and the date");
	is_int(json_integer_value(json_object_get(wd, "version")), 2, "... of the version that was public");
	versions = json_object_get(pv, "versions");
	is_int(json_array_size(versions), 2, "... and its versions");
	is_str(json_string_value(json_object_get(json_array_get(versions, 0), "effective_to")),
	       json_string_value(json_object_get(wd, "at")), "version 2 was in force until the withdrawal");
	is_str(json_string_value(json_object_get(json_array_get(versions, 1), "effective_to")),
	       json_string_value(json_object_get(json_array_get(versions, 0), "published_at")),
	       "version 1 was in force until version 2");
	json_decref(pv);
	pv = publicity_portal_version(db, id, 1, &e);
	ok(pv && str_eq(json_string_value(json_object_get(pv, "status")), "withdrawn") &&
	   json_string_value(json_object_get(pv, "effective_to")),
	   "version 1 of a withdrawn matter readable, with its period");
	json_decref(pv);
	pl = publicity_search(db, "无线电台站", 20, &e);
	is_int(json_array_size(json_object_get(pl, "matters")), 0, "withdrawn matter not found by search");
	json_decref(pl);
	pl = publicity_portal_list(db, PUB_MATTER, NULL, &e);
	is_int(json_integer_value(json_object_get(pl, "total")), 0, "withdrawn matter not listed");
	json_decref(pl);
	err_clear(&e);
	ok(publicity_withdraw(db, &head_a, id, "再次", &e) < 0 && e.kind == ERR_CONFLICT, "cannot withdraw twice");
	json_t *oi = publicity_office_item(db, &head_a, id, &e);
	ok(oi && json_array_size(json_object_get(oi, "withdrawals")) == 1, "withdrawal recorded");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(oi, "withdrawals"), 0), "reason")),
	       "依据已废止", "withdrawal reason kept");
	is_str(json_string_value(json_object_get(oi, "status")), "withdrawn", "office sees status withdrawn");
	is_int(json_array_size(json_object_get(oi, "versions")), 2, "versions kept after withdrawal");
	json_decref(oi);
	is_int(count_rows("SELECT COUNT(*) FROM op_log WHERE object_type = 'matter' AND object_id = CAST(? AS TEXT)", id), 5,
	       "every change audited (create, publish, update, publish, withdraw)");
}

static void test_scope(void)
{
	struct actor officer_a = actor_of(u_officer_a, unit_a, ROLE_OFFICER, SCOPE_OWN);
	struct actor head_b = actor_of(u_head_b, unit_b, ROLE_HEAD, SCOPE_OWN);
	struct actor head_child = actor_of(u_head_child, unit_a_child, ROLE_HEAD, SCOPE_OWN);
	struct actor sub_a = actor_of(u_head_a, unit_a, ROLE_HEAD, SCOPE_SUBTREE);
	struct actor admin = actor_of(u_admin, unit_c, ROLE_ADMIN, SCOPE_ALL);
	struct err e = ERR_INIT;

	json_t *m = matter_json("子单位的检查事项", "inspection");
	long long cid = publicity_create(db, &head_child, PUB_MATTER, 0, 0, m, &e);
	ok(cid > 0, "child unit drafts");
	json_decref(m);
	m = matter_json("安全生产检查", "inspection");
	long long bid = publicity_create(db, &head_b, PUB_MATTER, 0, 0, m, &e);
	ok(bid > 0, "unit B drafts");
	json_decref(m);

	json_t *l = publicity_office_list(db, &officer_a, PUB_MATTER, NULL, &e);
	ok(l != NULL, "office list for officer A");
	bool sees_b = false, sees_child = false;
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it) {
		long long iid = json_integer_value(json_object_get(it, "id"));
		sees_b |= iid == bid;
		sees_child |= iid == cid;
	}
	ok(!sees_b, "actor of unit A does not list unit B's drafts");
	ok(!sees_child, "SCOPE_OWN does not list the child unit's drafts");
	json_decref(l);

	l = publicity_office_list(db, &sub_a, PUB_MATTER, NULL, &e);
	sees_b = sees_child = false;
	json_array_foreach(json_object_get(l, "items"), i, it) {
		long long iid = json_integer_value(json_object_get(it, "id"));
		sees_b |= iid == bid;
		sees_child |= iid == cid;
		if (iid == cid)
			is_str(json_string_value(json_object_get(it, "status")), "draft", "draft status listed");
	}
	ok(sees_child && !sees_b, "SCOPE_SUBTREE lists the child unit's drafts, not B's");
	json_decref(l);

	l = publicity_office_list(db, &admin, PUB_MATTER, NULL, &e);
	is_int(json_integer_value(json_object_get(l, "total")), 3, "SCOPE_ALL lists every unit's items");
	json_decref(l);

	err_clear(&e);
	struct publicity_query q = { .unit_id = unit_b };
	ok(!publicity_office_list(db, &officer_a, PUB_MATTER, &q, &e) && e.kind == ERR_FORBIDDEN,
	   "filtering on an out-of-scope unit is forbidden");
	err_clear(&e);
	ok(!publicity_office_item(db, &officer_a, bid, &e) && e.kind == ERR_FORBIDDEN,
	   "actor of unit A cannot open unit B's draft");
	struct actor nobody = actor_of(0, 0, 0, SCOPE_NONE);
	err_clear(&e);
	ok(!publicity_office_list(db, &nobody, PUB_MATTER, NULL, &e) && e.kind == ERR_UNAUTH, "public has no office list");
	json_t *oi = publicity_office_item(db, &head_b, bid, &e);
	ok(oi && json_is_true(json_object_get(oi, "can_publish")) && json_is_null(json_object_get(oi, "published")),
	   "office item of own draft: can publish, nothing published yet");
	json_decref(oi);
}

static json_t *search(const char *kw)
{
	struct err e = ERR_INIT;
	json_t *r = publicity_search(db, kw, 20, &e);
	if (!r)
		printf("# search failed: %s\n", e.msg);
	return r;
}

static size_t nmatters(json_t *r) { return json_array_size(json_object_get(r, "matters")); }

static void test_search(void)
{
	struct actor head_b = actor_of(u_head_b, unit_b, ROLE_HEAD, SCOPE_OWN);
	struct err e = ERR_INIT;
	const char *names[] = { "民用爆炸物品生产许可", "爆破作业检查", "100%_合格率抽查", "ABC 检测" };
	const char *cats[] = { "licence", "inspection", "inspection", "other" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		json_t *m = matter_json(names[i], cats[i]);
		if (i == 0)
			json_object_set_new(m, "duties", json_string("审查爆炸物品生产条件"));
		long long id = publicity_create(db, &head_b, PUB_MATTER, 0, 0, m, &e);
		json_decref(m);
		ok(id > 0 && publicity_publish(db, &head_b, id, NULL, &e) == 1, "published %s", names[i]);
	}

	json_t *r = search("爆炸");
	is_int(nmatters(r), 1, "two-character word 爆炸 finds one matter");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(r, "matters"), 0), "name")),
	       "民用爆炸物品生产许可", "found by name");
	json_decref(r);

	r = search("许可");
	ok(nmatters(r) >= 1, "许可 matches (name and category label)");
	json_decref(r);

	r = search("无线");
	is_int(nmatters(r), 4, "无线 matches the legal basis of every published matter");
	json_decref(r);

	r = search("爆");
	is_int(nmatters(r), 2, "single character matches two");
	json_decref(r);
	r = search("检查");
	is_int(nmatters(r), 4, "检查 is in every matter's duties");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(r, "matters"), 0), "name")),
	       "爆破作业检查", "the name match comes first (relevance)");
	json_decref(r);

	r = search("爆炸 许可");
	is_int(nmatters(r), 1, "keywords AND together");
	json_decref(r);
	r = search("爆炸\xE3\x80\x80现场"); /* ideographic space */
	is_int(nmatters(r), 1, "爆炸 AND 现场 (split at U+3000) match one");
	json_decref(r);
	r = search("爆炸 抽查");
	is_int(nmatters(r), 0, "爆炸 AND 抽查 match none");
	json_decref(r);

	r = search("%");
	is_int(nmatters(r), 1, "'%%' matches only a literal percent sign");
	json_decref(r);
	r = search("_");
	is_int(nmatters(r), 1, "'_' matches only a literal underscore");
	json_decref(r);
	r = search("0%_");
	is_int(nmatters(r), 1, "'0%%_' matches literally");
	json_decref(r);
	r = search("abc");
	is_int(nmatters(r), 1, "ASCII case-insensitive");
	json_decref(r);
	r = search("\xEF\xBC\xA1\xEF\xBC\xA2"); /* full-width ＡＢ */
	is_int(nmatters(r), 1, "full-width letters match");
	json_decref(r);
	r = search("   ");
	is_int(nmatters(r), 0, "blank search finds nothing");
	json_decref(r);
	r = search("安全生产");
	ok(json_array_size(json_object_get(r, "units")) == 1, "units searched by name");
	json_decref(r);

	struct publicity_query q = { .keyword = "爆", .category = "inspection" };
	json_t *l = publicity_portal_list(db, PUB_MATTER, &q, &e);
	is_int(json_integer_value(json_object_get(l, "total")), 1, "keyword and category filter combine");
	json_decref(l);
	q = (struct publicity_query){ .unit_id = unit_b, .per_page = 2, .page = 2 };
	l = publicity_portal_list(db, PUB_MATTER, &q, &e);
	is_int(json_integer_value(json_object_get(l, "total")), 4, "unit filter total");
	is_int(json_array_size(json_object_get(l, "items")), 2, "second page of two");
	json_decref(l);
	q = (struct publicity_query){ .category = "nonsense" };
	err_clear(&e);
	ok(!publicity_portal_list(db, PUB_MATTER, &q, &e) && e.kind == ERR_INVALID, "bad category filter refused");
}

static const char *op_at(const json_t *lines, size_t i)
{
	return json_string_value(json_object_get(json_array_get(lines, i), "op"));
}

static void test_diff(void)
{
	json_t *out = json_array();
	publicity_line_diff("甲\n乙\n丙\n丁", "甲\n丙\n戊\n丁", out);
	is_int(json_array_size(out), 5, "line diff: five lines");
	ok(str_eq(op_at(out, 0), "same") && str_eq(op_at(out, 1), "del") && str_eq(op_at(out, 2), "same") &&
	   str_eq(op_at(out, 3), "add") && str_eq(op_at(out, 4), "same"), "line diff: same del same add same");
	is_str(json_string_value(json_object_get(json_array_get(out, 3), "text")), "戊", "line diff: added text");
	json_decref(out);
	out = json_array();
	publicity_line_diff("", "新", out);
	ok(json_array_size(out) == 1 && str_eq(op_at(out, 0), "add"), "line diff from nothing is one addition");
	json_decref(out);
	out = json_array();
	publicity_line_diff("a\nb\nc", "x\ny", out);
	is_int(json_array_size(out), 5, "line diff with nothing in common: all removed, all added");
	json_decref(out);

	json_t *a = matter_json("事项甲", "inspection"), *b = matter_json("事项甲", "penalty");
	json_object_set_new(b, "duties", json_string("新的职责"));
	json_t *d = publicity_diff(PUB_MATTER, a, b);
	int changed = 0;
	size_t i;
	json_t *f;
	json_array_foreach(d, i, f) {
		const char *field = json_string_value(json_object_get(f, "field"));
		bool ch = json_is_true(json_object_get(f, "changed"));
		changed += ch;
		if (str_eq(field, "category")) {
			ok(ch, "diff: category changed");
			is_str(json_string_value(json_object_get(f, "old")), "行政检查", "diff: old category by its name");
			is_str(json_string_value(json_object_get(f, "new")), "行政处罚", "diff: new category by its name");
		}
		if (str_eq(field, "duties"))
			ok(ch && str_eq(json_string_value(json_object_get(f, "label")), "职责"), "diff: duties changed, labelled");
		if (str_eq(field, "name"))
			ok(!ch, "diff: unchanged name not marked");
	}
	is_int(changed, 2, "diff: exactly the two changed fields marked");
	json_decref(d);
	d = publicity_diff(PUB_MATTER, NULL, a);
	int all = 0;
	json_array_foreach(d, i, f)
		all += json_is_true(json_object_get(f, "changed")) || str_empty(json_string_value(json_object_get(f, "new")));
	is_int(all, (int)json_array_size(d), "diff against nothing published: every filled field is new");
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void test_flowchart(void)
{
	json_t *m = matter_json("流程 <测试> & \"引号\"", "inspection");
	struct buf svg;
	buf_init(&svg, 0);
	ok(publicity_flowchart_svg(m, &svg) == 0, "flowchart drawn");
	const char *s = buf_str(&svg);
	ok(str_starts(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""), "an SVG document");
	ok(strstr(s, "1. 立案") != NULL, "step 1 drawn");
	ok(strstr(s, "调查 &lt;取证&gt; &amp; 询问") != NULL, "step 2 escaped");
	ok(strstr(s, "作出决定并送达当事人") != NULL && strstr(s, "折行显示才能完整") != NULL, "long step wrapped, all text kept");
	ok(strstr(s, "流程 &lt;测试&gt; &amp; &quot;引号&quot;") != NULL, "title escaped");
	ok(strstr(s, "<测试>") == NULL && strstr(s, "& ") == NULL, "no raw < or & from content");
	ok(strstr(s, "救济渠道") != NULL && strstr(s, "行政复议：省人民政府") != NULL, "remedy side note");
	ok(strstr(s, "时限：5日") != NULL, "time limit shown");
	int rects = 0;
	for (const char *p = s; (p = strstr(p, "<rect")); p++)
		rects++;
	is_int(rects, 1 + 2 + 3 + 1, "background, start/end, three steps, remedy note");
	ok(str_ends(s, "</svg>\n"), "document closed");
	buf_release(&svg);
	json_t *wrapped = json_pack("{s:O}", "content", m);
	buf_init(&svg, 0);
	ok(publicity_flowchart_svg(wrapped, &svg) == 0 && strstr(buf_str(&svg), "1. 立案"), "accepts a model with content");
	buf_release(&svg);
	json_decref(wrapped);
	json_object_set_new(m, "procedure", json_array());
	buf_init(&svg, 0);
	ok(publicity_flowchart_svg(m, &svg) == -1, "no steps, no chart");
	buf_release(&svg);
	json_decref(m);
}

static void test_demo(void)
{
	struct db *saved = db;
	db = testdb_open();
	struct buf err;
	buf_init(&err, 0);
	if (db_migrate(db, &err) < 0) {
		printf("Bail out! migrate: %s\n", buf_str(&err));
		exit(1);
	}
	buf_release(&err);
	const char *units[] = { "节能与综合利用处", "安全生产处", "无线电管理局", "国防科工局", "监控化学品管理办公室" };
	long long ids[ARRAY_SIZE(units)];
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		char code[16];
		snprintf(code, sizeof code, "d%zu", i);
		ids[i] = mk_unit(code, units[i], 0, 1);
	}
	long long head = mk_user(ids[2], "wxhead", "李局长", "head");
	struct err e = ERR_INIT;
	int n = publicity_demo_seed(db, &e);
	ok(n >= 20, "demo seed loads the catalogue (%d items) %s", n, e.msg);
	is_int(publicity_demo_seed(db, &e), 0, "second run adds nothing");
	json_t *l = publicity_portal_list(db, PUB_MATTER, NULL, &e);
	ok(json_integer_value(json_object_get(l, "total")) >= 12, "a dozen published matters");
	json_decref(l);
	l = publicity_portal_list(db, PUB_INSPECTION, NULL, &e);
	ok(json_integer_value(json_object_get(l, "total")) >= 5, "5+ random inspection items");
	json_decref(l);
	l = publicity_portal_list(db, PUB_GUIDE, NULL, &e);
	ok(json_integer_value(json_object_get(l, "total")) >= 5, "service guides for the licences");
	json_decref(l);
	json_t *pu = publicity_portal_units(db, &e);
	is_int(json_array_size(json_object_get(pu, "units")), 5, "portal unit filter lists the five units");
	json_t *wx = json_array_get(json_object_get(pu, "units"), 2);
	is_str(json_string_value(json_object_get(wx, "name")), "无线电管理局", "units in unit order");
	is_int(json_integer_value(json_object_get(wx, "matters")), 4, "无线电管理局 has four matters");
	json_decref(pu);
	json_t *r = search("黑广播");
	ok(nmatters(r) == 1, "the 黑广播 seizure is found");
	json_t *first = json_array_get(json_object_get(r, "matters"), 0);
	is_str(json_string_value(json_object_get(first, "category")), "coercion", "as a coercive measure");
	json_t *pv = publicity_portal_item(db, json_integer_value(json_object_get(first, "id")), &e);
	is_str(json_string_value(json_object_get(pv, "published_by_name")), "李局长", "published by the unit's head");
	struct buf svg;
	buf_init(&svg, 0);
	ok(publicity_flowchart_svg(pv, &svg) == 0 && strstr(buf_str(&svg), "查封"), "demo flowchart drawn");
	buf_release(&svg);
	json_decref(pv);
	json_decref(r);
	ok(db_scalar_int(db, 1, "SELECT COUNT(*) FROM pub_item_versions WHERE published_by IS NULL AND unit_id = ?",
			 (const struct db_val[]){ DB_INT(ids[2]), DB_END }) == 0 &&
	   db_scalar_int(db, 0, "SELECT COUNT(*) FROM pub_item_versions WHERE published_by IS NULL AND unit_id = ?",
			 (const struct db_val[]){ DB_INT(ids[0]), DB_END }) > 0,
	   "units without a head get published_by NULL");
	(void)head;
	db_close(db);
	db = saved;
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
	unit_a = mk_unit("wxj", "无线电管理局", 0, 1);
	unit_a_child = mk_unit("wxj1", "无线电监测站", unit_a, 1);
	unit_b = mk_unit("aqc", "安全生产处", 0, 1);
	unit_c = mk_unit("bgs", "办公室", 0, 0);
	u_officer_a = mk_user(unit_a, "zhang", "张执法", "officer");
	u_head_a = mk_user(unit_a, "wang", "王处长", "head");
	u_head_b = mk_user(unit_b, "li", "李处长", "head");
	u_admin = mk_user(unit_c, "admin", "管理员", "admin");
	u_head_child = mk_user(unit_a_child, "zhao", "赵站长", "head");

	test_validation();
	test_lifecycle();
	test_scope();
	test_search();
	test_flowchart();
	test_diff();
	test_demo();
	db_close(db);
	return tap_done();
}
