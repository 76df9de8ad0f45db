/*
 * test_procedure.c - procedures as versioned data (src/cases/procedure.h):
 * the shipped defaults validate and load once; validation names every
 * problem (unknown stage, unreachable stage, a rule without basis, an
 * unknown requirement type or role, unknown clocks); the version in force
 * by date; adding a version (admin only, not retroactive, audit row and
 * ledger leaf, nothing written on refusal); the append-only trigger; the
 * accessors gates use.  SQLite, or PostgreSQL with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "cases/procedure.h"
#include "records/records.h"
#include "review/flow.h"
#include "test_people_util.h"
#include <sys/wait.h>

static json_t *defaults;

/* A fresh copy of a default definition. */
static json_t *def_copy(const char *code)
{
	json_t *d = json_object_get(json_object_get(defaults, code), "definition");
	if (!d)
		testdb_bail("default missing", code);
	return json_deep_copy(d);
}

static json_t *stage_at(json_t *def, size_t i)
{
	return json_array_get(json_object_get(def, "stages"), i);
}

static bool has_cjk(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0xe4 && *p <= 0xe9)
			return true;
	return false;
}

/* Validate def; true when refused with a problem naming field (exact)
 * whose Chinese message contains want. */
static bool refused_with(const json_t *def, const char *field, const char *want)
{
	struct errs all = ERRS_INIT;
	int rc = procedure_validate(def, &all);
	const struct err *e = errs_find(&all, field);
	bool okk = rc < 0 && all.kind == ERR_INVALID && e && has_cjk(e->msg) && (!want || strstr(e->msg, want));
	if (!okk) {
		printf("# rc=%d problems=%zu\n", rc, all.n);
		for (size_t i = 0; i < all.n && i < 5; i++)
			printf("#   %s: %s\n", all.v[i].field, all.v[i].msg);
	}
	errs_release(&all);
	return okk;
}

static void test_defaults_valid(void)
{
	struct err e = ERR_INIT;
	defaults = procedure_defaults(&e);
	ok(defaults != NULL, "the embedded defaults parse (%s)", e.msg);
	static const char *const codes[] = { "penalty_general", "penalty_simple", "licence", "inspection",
					      "coercion_seizure", "levy", "other" };
	is_int(json_object_size(defaults), ARRAY_SIZE(codes), "seven default procedures");
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		json_t *p = json_object_get(defaults, codes[i]);
		struct errs all = ERRS_INIT;
		int rc = procedure_validate(json_object_get(p, "definition"), &all);
		ok(p && rc == 0 && all.n == 0, "default %s validates (%s)", codes[i], all.n ? all.v[0].msg : "");
		errs_release(&all);
	}
	const char *pen = json_string_value(json_object_get(json_object_get(defaults, "penalty_general"),
							    "effective_from"));
	is_str(pen, "2021-07-15", "penalty procedures take effect with the revised law (2021-07-15)");
	is_str(json_string_value(json_object_get(json_object_get(defaults, "licence"), "effective_from")),
	       "2004-07-01", "licences from the Administrative Licensing Law's date");
	is_str(json_string_value(json_object_get(json_object_get(defaults, "coercion_seizure"), "effective_from")),
	       "2012-01-01", "seizure from the Administrative Coercion Law's date");
	json_t *simple = json_object_get(json_object_get(defaults, "penalty_simple"), "definition");
	is_int(procedure_min_officers(simple), 2, "simple procedure: two officers (art. 42; arts. 51-53 make no exception)");
}

static void test_validation_refuses(void)
{
	json_t *d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "transitions"), 0), "to", json_string("nowhere"));
	ok(refused_with(d, "transitions[0].to", "nowhere"), "a transition to an unknown stage is refused, naming it");
	json_decref(d);

	d = def_copy("penalty_general");
	json_array_append_new(json_object_get(d, "stages"),
			      json_pack("{s:s,s:s,s:s}", "code", "orphan", "name", "孤立阶段", "basis", "测试依据"));
	json_array_append_new(json_object_get(d, "transitions"),
			      json_pack("{s:s,s:s,s:s}", "from", "orphan", "to", "closed", "basis", "测试依据"));
	size_t last = json_array_size(json_object_get(d, "stages")) - 1;
	char f[32];
	snprintf(f, sizeof f, "stages[%zu]", last);
	ok(refused_with(d, f, "无法从起始阶段到达"), "an unreachable stage is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_del(stage_at(d, 1), "basis");
	ok(refused_with(d, "stages[1].basis", "缺少法律依据"), "a stage without basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(stage_at(d, 0), "requires"), 0), "basis", json_string("  "));
	ok(refused_with(d, "stages[0].requires[0].basis", "缺少法律依据"), "a requirement with a blank basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_del(json_array_get(json_object_get(d, "transitions"), 2), "basis");
	ok(refused_with(d, "transitions[2].basis", NULL), "a transition without basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_del(json_array_get(json_object_get(d, "endings"), 0), "basis");
	ok(refused_with(d, "endings[0].basis", NULL), "an ending without basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_del(json_array_get(json_object_get(d, "suspensions"), 0), "basis");
	ok(refused_with(d, "suspensions[0].basis", NULL), "a suspension without basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_del(d, "min_officers_basis");
	ok(refused_with(d, "min_officers_basis", NULL), "min_officers without basis is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(stage_at(d, 1), "requires"), 0), "type",
			    json_string("magic"));
	ok(refused_with(d, "stages[1].requires[0].type", "「magic」不存在"), "an unknown requirement type is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(stage_at(d, 0), "requires"), 0), "role",
			    json_string("boss"));
	ok(refused_with(d, "stages[0].requires[0].role", "「boss」不存在"), "an approval by an unknown role is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "endings"), 1), "role", json_string("nobody"));
	ok(refused_with(d, "endings[1].role", "nobody"), "an ending with an unknown role is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "extensions"), 0), "role", json_string("king"));
	ok(refused_with(d, "extensions[0].role", "king"), "an extension with an unknown role is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(d, "final", json_pack("[s]", "finished"));
	ok(refused_with(d, "final[0]", "不存在"), "an unknown final stage is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(d, "initial", json_string("start"));
	ok(refused_with(d, "initial", "不存在"), "an unknown initial stage is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(d, "kind", json_string("tax"));
	ok(refused_with(d, "kind", "tax"), "an unknown kind is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(stage_at(d, 2), "code", json_string("filing"));
	ok(refused_with(d, "stages[2].code", "重复"), "a duplicate stage code is refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "endings"), 0), "from", json_pack("[s]", "closed"));
	ok(refused_with(d, "endings[0].from", "结案阶段"), "an ending from the final stage is refused");
	json_decref(d);

	/* Several problems at once are all reported. */
	d = def_copy("penalty_general");
	json_object_del(stage_at(d, 1), "basis");
	json_object_set_new(json_array_get(json_object_get(d, "transitions"), 0), "to", json_string("nowhere"));
	json_object_set_new(json_array_get(json_object_get(d, "endings"), 1), "role", json_string("nobody"));
	struct errs all = ERRS_INIT;
	procedure_validate(d, &all);
	ok(errs_find(&all, "stages[1].basis") && errs_find(&all, "transitions[0].to") && errs_find(&all, "endings[1].role"),
	   "every problem is named (%zu problems)", all.n);
	errs_release(&all);
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "transitions"), 1), "requires",
			    json_pack("[{s:s,s:s}]", "type", "party", "basis", "x"));
	ok(refused_with(d, "transitions[1].requires", "起点阶段"), "requirements on a transition are refused");
	json_decref(d);

	d = def_copy("penalty_general");
	json_object_set_new(json_array_get(json_object_get(d, "endings"), 0), "meet_clocks", json_pack("[s]", "Bad Clock"));
	ok(refused_with(d, "endings[0].meet_clocks", "计时代码不合规范"), "a malformed clock code on an ending");
	json_decref(d);

	d = def_copy("penalty_general");
	json_t *many = json_object_get(d, "transitions");
	while (json_array_size(many) <= 200)
		json_array_append(many, json_array_get(many, 0));
	ok(refused_with(d, "transitions", "不能超过200项"), "more than 200 transitions are refused before any closer look");
	json_decref(d);

	json_t *notobj = json_string("x");
	ok(refused_with(notobj, "definition", NULL), "a definition that is not an object is refused");
	json_decref(notobj);
}

static void check_record(const json_t *req, const char *field, struct errs *all)
{
	if (!json_is_string(json_object_get(req, "record"))) {
		char f[96];
		snprintf(f, sizeof f, "%s.record", field);
		errs_add(all, ERR_INVALID, f, "记录要求缺少记录种类");
	}
}

static int eval_record(struct db *db, long long case_id, const json_t *req, int since_seq, const char *date,
		       char *msg, size_t msg_size)
{
	(void)db, (void)req, (void)since_seq, (void)date;
	snprintf(msg, msg_size, "%s", case_id == 7 ? "尚缺询问笔录" : "");
	return case_id != 7;
}

static void test_registry(void)
{
	ok(procedure_requirement_known("approval") && !procedure_requirement_known("memo"),
	   "built-in requirement types; record not yet known");
	is_str(procedure_requirement_label("officers"), "执法人员", "label of officers");
	json_t *d = def_copy("penalty_general");
	json_array_append_new(json_object_get(stage_at(d, 1), "requires"),
			      json_pack("{s:s,s:s}", "type", "memo", "basis", "《中华人民共和国行政处罚法》第四十七条"));
	ok(refused_with(d, "stages[1].requires[2].type", "memo"), "memo refused before it is registered");
	ok(procedure_requirement_register("memo", "记录", check_record) == 0, "a later issue registers memo");
	ok(refused_with(d, "stages[1].requires[2].record", "记录种类"), "the registered check runs");
	json_object_set_new(json_array_get(json_object_get(stage_at(d, 1), "requires"), 2), "record",
			    json_string("inquiry"));
	struct errs all = ERRS_INIT;
	ok(procedure_validate(d, &all) == 0, "memo accepted once registered");
	errs_release(&all);
	ok(procedure_requirement_register("Bad-Type", "x", NULL) < 0, "a malformed type name is refused");
	ok(procedure_requirement_eval("memo") == NULL, "no evaluator until one is set: never met");
	ok(procedure_requirement_set_eval("memo", eval_record) == 0 && procedure_requirement_eval("memo") == eval_record,
	   "the owning module sets its evaluator");
	ok(procedure_requirement_set_eval("review_x", eval_record) < 0, "no evaluator for a type not registered");
	char msg[64] = "";
	ok(procedure_requirement_eval("memo")(NULL, 7, NULL, 0, "2026-12-01", msg, sizeof msg) == 0 &&
	   str_eq(msg, "尚缺询问笔录"), "the evaluator answers with its message");
	json_decref(d);
}

static void test_accessors(void)
{
	json_t *d = def_copy("penalty_general");
	ok(procedure_transition_ok(d, "filing", "investigation"), "filing -> investigation allowed");
	ok(!procedure_transition_ok(d, "filing", "decision"), "filing -> decision not allowed");
	ok(procedure_transition_ok(d, "notice", "hearing"), "hearing from notice");
	ok(!procedure_transition_ok(d, "investigation", "hearing"), "no hearing without a notice");
	ok(!procedure_transition_ok(d, "closed", "filing"), "nothing leaves the final stage");
	is_str(procedure_stage_name(d, "legal_review"), "法制审核", "stage name");
	is_str(procedure_stage_name(d, "transferred_judicial"), "移送司法机关", "ending name");
	is_str(procedure_stage_name(d, "nope"), "", "unknown code: empty name");
	ok(procedure_stage(d, "filing") && !procedure_stage(d, "nope"), "procedure_stage");
	ok(procedure_is_final(d, "closed") && !procedure_is_final(d, "execution"), "final stage");
	ok(procedure_ending(d, "not_filed") && !procedure_ending(d, "filing"), "procedure_ending");
	ok(procedure_ending_allowed(d, "not_filed", "filing") && !procedure_ending_allowed(d, "not_filed", "decision"),
	   "不予立案 only at 立案");
	ok(procedure_suspension(d, "hearing") && procedure_extension(d, "case_penalty_decision") &&
		   !procedure_extension(d, "licence_decision"),
	   "suspension and extension lookups");
	json_t *next = procedure_next_stages(d, "notice");
	is_int(json_array_size(next), 4, "four ways out of 告知");
	json_decref(next);
	json_t *fs = json_object_get(procedure_stage(d, "filing"), "start_clocks");
	is_str(json_string_value(json_array_get(fs, 0)), "case_penalty_decision", "立案 starts the 90-day clock");
	is_str(json_string_value(json_object_get(procedure_stage(d, "filing"), "number")), "penalty_filing",
	       "立案 assigns the filing number");
	const json_t *tr = procedure_transition(d, "notice", "hearing");
	ok(tr && strstr(json_string_value(json_object_get(tr, "when")), "五日内"), "告知 -> 听证 only on request (when)");
	const json_t *dec = json_array_get(json_object_get(procedure_stage(d, "decision"), "requires"), 0);
	ok(str_eq(json_string_value(json_object_get(dec, "approval")), "decision") &&
		   str_eq(json_string_value(json_object_get(dec, "role")), "leader"),
	   "负责人审查决定 by a leader (art. 57)");
	ok(!procedure_transition(d, "filing", "decision"), "procedure_transition: NULL when not allowed");
	json_t *clocks = procedure_clocks(d);
	ok(json_array_size(clocks) == 5, "the penalty procedure names five clocks (%zu)", json_array_size(clocks));
	json_decref(clocks);
	json_decref(d);
	d = def_copy("licence");
	ok(procedure_ending_allowed(d, "not_accepted", "application"), "licence: 不予受理 from 申请");
	ok(procedure_transition_ok(d, "examination", "granted") && procedure_transition_ok(d, "examination", "refused"),
	   "licence: 准予 / 不予");
	json_decref(d);
	d = def_copy("licence");
	/* An ending without "from": any stage that is not final. */
	json_object_del(json_array_get(json_object_get(d, "endings"), 0), "from");
	ok(procedure_ending_allowed(d, "not_accepted", "hearing") && !procedure_ending_allowed(d, "not_accepted", "closed"),
	   "an ending without from: every stage but the final one");
	json_decref(d);
}

static long long count(struct db *db, const char *sql)
{
	return tp_count(db, sql);
}

static void test_store(struct db *db, struct tp_tree *t)
{
	struct err e = ERR_INIT;
	int added = -1;
	ok(procedure_ensure_defaults(db, &added, &e) == 0 && added == 7, "defaults loaded into a fresh database (%d, %s)",
	   added, e.msg);
	ok(procedure_ensure_defaults(db, &added, &e) == 0 && added == 0, "a second start loads nothing");
	is_int(count(db, "SELECT COUNT(*) FROM procedures"), 7, "seven rows");
	is_int(count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'procedure.add' AND object_type = 'procedure'"), 7,
	       "one op_log row per default");
	is_int(count(db, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'procedure.version'"), 7, "one ledger leaf per default");

	json_t *def = NULL;
	long long id1 = 0;
	ok(procedure_for(db, "penalty_general", "2026-09-21", &def, &id1, &e) == 0 && id1 > 0 && def,
	   "procedure_for finds the penalty procedure");
	is_str(json_string_value(json_object_get(def, "initial")), "filing", "its definition");
	json_decref(def);
	err_clear(&e);
	ok(procedure_for(db, "penalty_general", "2021-07-14", &def, NULL, &e) < 0 && e.kind == ERR_NOTFOUND &&
		   !def,
	   "nothing in force before 2021-07-15 (%s)", e.msg);
	err_clear(&e);
	ok(procedure_for(db, "penalty_general", "2026-02-30", NULL, NULL, &e) < 0 && e.kind == ERR_INVALID &&
		   strcmp(e.field, "date") == 0,
	   "a date that does not exist is refused");
	err_clear(&e);
	ok(procedure_for(db, "nosuch", "2026-09-21", NULL, NULL, &e) < 0 && e.kind == ERR_NOTFOUND, "unknown code");

	json_t *row = NULL;
	ok(procedure_get(db, id1, &row, &e) == 0 && json_integer_value(json_object_get(row, "version")) == 1 &&
		   strlen(json_string_value(json_object_get(row, "sha256"))) == 64,
	   "procedure_get: version 1 with its SHA-256");
	char *canon = procedure_canonical(json_object_get(row, "definition"));
	char sha[65];
	procedure_sha256(canon, sha);
	is_str(sha, json_string_value(json_object_get(row, "sha256")), "the stored hash is that of the canonical text");
	free(canon);
	json_decref(row);

	struct actor admin = tp_actor(db, t->admin), head = tp_actor(db, t->jn_head);
	json_t *d2 = def_copy("penalty_general");
	json_object_set_new(stage_at(d2, 1), "name", json_string("调查取证（第二版）"));
	long long before = count(db, "SELECT COUNT(*) FROM procedures");
	long long logs = count(db, "SELECT COUNT(*) FROM op_log");
	long long id2 = 0;
	struct errs all = ERRS_INIT;
	err_clear(&e);
	ok(procedure_add_version(db, &head, "penalty_general", d2, "2026-10-01", &id2, &all, &e) < 0 &&
		   e.kind == ERR_FORBIDDEN,
	   "a head may not add a version");
	errs_release(&all);
	err_clear(&e);
	ok(procedure_add_version(db, &admin, "penalty_general", d2, "2026-09-20", &id2, &all, &e) < 0 &&
		   e.kind == ERR_INVALID && errs_find(&all, "effective_from"),
	   "a version effective before today is refused (%s)", e.msg);
	errs_release(&all);
	json_t *bad = def_copy("penalty_general");
	json_object_del(stage_at(bad, 0), "basis");
	json_object_set_new(json_array_get(json_object_get(bad, "transitions"), 0), "to", json_string("x"));
	err_clear(&e);
	ok(procedure_add_version(db, &admin, "penalty_general", bad, "2026-10-01", &id2, &all, &e) < 0 &&
		   e.kind == ERR_INVALID && all.n >= 2,
	   "a bad definition is refused with every problem (%zu)", all.n);
	errs_release(&all);
	json_decref(bad);
	json_t *wrongkind = def_copy("licence");
	err_clear(&e);
	ok(procedure_add_version(db, &admin, "penalty_general", wrongkind, "2026-10-01", &id2, &all, &e) < 0 &&
		   errs_find(&all, "kind"),
	   "a version may not change the kind (%s)", e.msg);
	errs_release(&all);
	json_decref(wrongkind);
	json_t *badclock = def_copy("penalty_general");
	json_array_append_new(json_object_get(stage_at(badclock, 1), "start_clocks"), json_string("no_such_clock"));
	err_clear(&e);
	ok(procedure_add_version(db, &admin, "penalty_general", badclock, "2026-10-01", &id2, &all, &e) < 0 &&
		   errs_find(&all, "clocks") && strstr(errs_find(&all, "clocks")->msg, "no_such_clock"),
	   "a clock unknown to deadline_rules is refused");
	errs_release(&all);
	json_array_clear(json_object_get(stage_at(badclock, 1), "start_clocks"));
	json_array_append_new(json_object_get(stage_at(badclock, 1), "start_clocks"), json_string("case_filed"));
	ok(procedure_validate_db(db, badclock, &all) == 0, "a clock of deadline_rules is accepted");
	errs_release(&all);
	json_decref(badclock);
	is_int(count(db, "SELECT COUNT(*) FROM procedures"), before, "nothing written by the refusals");
	is_int(count(db, "SELECT COUNT(*) FROM op_log"), logs, "no op_log row either");

	err_clear(&e);
	ok(procedure_add_version(db, &admin, "penalty_general", d2, "2026-10-01", &id2, &all, &e) == 0 && id2 > id1,
	   "the administrator adds version 2 from 2026-10-01 (%s)", e.msg);
	errs_release(&all);
	long long id = 0;
	procedure_for(db, "penalty_general", "2026-09-30", NULL, &id, &e);
	is_int(id, id1, "a case opened on 2026-09-30 gets version 1");
	procedure_for(db, "penalty_general", "2026-10-01", &def, &id, &e);
	is_int(id, id2, "a case opened on 2026-10-01 gets version 2");
	is_str(procedure_stage_name(def, "investigation"), "调查取证（第二版）", "with the new definition");
	json_decref(def);
	ok(procedure_get(db, id1, &row, &e) == 0 &&
		   strcmp(procedure_stage_name(json_object_get(row, "definition"), "investigation"), "调查取证") == 0,
	   "a running case keeps version 1 by its procedure_id");
	json_decref(row);
	is_int(count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'procedure.add' AND username = 'admin'"), 1,
	       "the op_log names the administrator");
	struct db_res *r;
	db_query(db, &r, "SELECT leaf FROM ledger_leaves ORDER BY idx DESC LIMIT 1");
	ok(r && r->nrows == 1 && strstr(db_text(r, 0, 0), "\"procedure.version\"") &&
		   strstr(db_text(r, 0, 0), "\"version\":2"),
	   "ledger leaf procedure.version for version 2");
	db_res_free(r);
	/* Same effective date again: the higher version wins. */
	json_t *d3 = def_copy("penalty_general");
	long long id3 = 0;
	ok(procedure_add_version(db, &admin, "penalty_general", d3, "2026-10-01", &id3, &all, &e) == 0,
	   "version 3 on the same date");
	errs_release(&all);
	procedure_for(db, "penalty_general", "2026-10-05", NULL, &id, &e);
	is_int(id, id3, "on a tie of dates the higher version is in force");
	json_decref(d3);
	/* A brand-new code. */
	json_t *nd = def_copy("other");
	ok(procedure_add_version(db, &admin, "other_local", nd, "2026-09-21", &id, &all, &e) == 0,
	   "a new code from today");
	errs_release(&all);
	json_decref(nd);
	json_decref(d2);

	/* Listing for the administrator. */
	json_t *list = NULL;
	ok(procedure_list(db, &head, &list, &e) < 0 && e.kind == ERR_FORBIDDEN && !list, "list: head refused");
	ok(procedure_list(db, &admin, &list, &e) == 0 && json_array_size(list) == 8, "list: eight codes");
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "code")), "penalty_general") != 0)
			continue;
		is_int(json_array_size(json_object_get(c, "versions")), 3, "penalty_general has three versions");
		is_int(json_integer_value(json_object_get(c, "current_id")), id1, "version 1 in force today");
	}
	json_decref(list);
	json_t *view = NULL;
	ok(procedure_view(db, &admin, id2, &view, &e) == 0 && json_array_size(json_object_get(view, "versions")) == 3 &&
		   json_is_false(json_object_get(view, "current")),
	   "view of version 2: not yet in force, with the versions");
	json_decref(view);
	ok(procedure_view(db, &head, id2, &view, &e) < 0 && e.kind == ERR_FORBIDDEN, "view: head refused");

	/* Append-only. */
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE procedures SET name = 'x' WHERE id = %lld", id1);
	ok(db_exec(db, sql) < 0, "UPDATE refused by the trigger");
	snprintf(sql, sizeof sql, "DELETE FROM procedures WHERE id = %lld", id1);
	ok(db_exec(db, sql) < 0, "DELETE refused by the trigger");
	ok(procedure_get(db, id1, &row, &e) == 0 &&
		   strcmp(json_string_value(json_object_get(row, "name")), "行政处罚普通程序") == 0,
	   "the row is unchanged");
	json_decref(row);
	if (db_kind(db) == DB_PG)
		ok(db_exec(db, "TRUNCATE procedures") < 0, "TRUNCATE refused on PostgreSQL");
}

/* Two processes loading the defaults into one new database at the same
 * moment: each code is loaded once. */
static void test_concurrent_defaults(void)
{
	struct db *db = testdb_open();
	struct buf err;
	buf_init(&err, 0);
	if (db_migrate(db, &err) < 0)
		testdb_bail("db_migrate", buf_str(&err));
	buf_release(&err);
	const char *url = testdb_state.urls[testdb_state.n - 1];
	/* no connection crosses the fork (SQLite forbids using one in a child;
	   under valgrind the child's copy also counted as a lost block) */
	db_close(db);
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			struct buf e2;
			buf_init(&e2, 0);
			struct db *c = db_open(url, &e2);
			struct err e = ERR_INIT;
			int added = 0;
			int rc = c ? procedure_ensure_defaults(c, &added, &e) : -1;
			if (c)
				db_close(c);
			buf_release(&e2);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	int okk = 0;
	for (int k = 0; k < 2; k++) {
		int st = 0;
		waitpid(kids[k], &st, 0);
		okk += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	is_int(okk, 2, "two processes load the defaults at once, both succeed");
	buf_init(&err, 0);
	db = db_open(url, &err);
	if (!db)
		testdb_bail("db_open", buf_str(&err));
	buf_release(&err);
	is_int(tp_count(db, "SELECT COUNT(*) FROM procedures"), 7, "each default exactly once");
	is_int(tp_count(db, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'procedure.version'"), 7,
	       "one ledger leaf each");
	db_close(db);
}

int main(void)
{
	struct db *db = tp_open();
	struct tp_tree t;
	tp_make_tree(db, &t);
	records_init(); /* the requirement type "record" the default procedures name */
	review_init(); /* and "review" */
	test_defaults_valid();
	test_validation_refuses();
	test_accessors();
	test_store(db, &t);
	test_registry();
	test_concurrent_defaults();
	json_decref(defaults);
	db_close(db);
	return tap_done();
}
