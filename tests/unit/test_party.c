/* Unit tests for the party register (cases/party.h): create per kind, the
 * identifier checks naming their fields, one party per number, versions
 * and the optimistic update, permissions per role, the op_log of reads,
 * the ledger leaf without personal data, search, append-only versions.
 * Runs on a fresh SQLite file, or on PostgreSQL when ZHIFA_TEST_DB is set. */
#include "core/core.h"
#include "cases/party.h"
#include "ledger/ledger.h"
#include "test_people_util.h"
#include <pthread.h>

/* One side of a race: its own connection, then party_update or
 * party_create at the barrier. */
struct racer {
	const char *url;
	const struct actor *a;
	pthread_barrier_t *bar;
	long long id;     /* update this party (0: create) */
	int expect;
	const char *json;
	int rc, kind;
};

static void *race_run(void *arg)
{
	struct racer *x = arg;
	struct buf be;
	buf_init(&be, 0);
	struct db *db = db_open(x->url, &be);
	buf_release(&be);
	if (!db) {
		x->rc = -2;
		pthread_barrier_wait(x->bar);
		return NULL;
	}
	json_error_t je;
	json_t *in = json_loads(x->json, 0, &je);
	struct err e = ERR_INIT;
	long long nid;
	pthread_barrier_wait(x->bar);
	x->rc = x->id ? party_update(db, x->a, x->id, in, x->expect, NULL, NULL, &e)
		      : party_create(db, x->a, in, &nid, NULL, &e);
	x->kind = e.kind;
	json_decref(in);
	db_close(db);
	return NULL;
}

/* Two racers at once; true when exactly one succeeded and the other was
 * refused with a 409. */
static bool race(struct racer *r1, struct racer *r2)
{
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, 2);
	r1->bar = r2->bar = &bar;
	pthread_t t1, t2;
	pthread_create(&t1, NULL, race_run, r1);
	pthread_create(&t2, NULL, race_run, r2);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&bar);
	return (r1->rc == 0 && r2->rc < 0 && r2->kind == ERR_CONFLICT) ||
	       (r2->rc == 0 && r1->rc < 0 && r1->kind == ERR_CONFLICT);
}

static json_t *J(const char *s)
{
	json_error_t je;
	json_t *j = json_loads(s, 0, &je);
	if (!j)
		testdb_bail("json", je.text);
	return j;
}

static int create(struct db *db, const struct actor *a, const char *json, long long *id, struct err *e)
{
	json_t *in = J(json);
	err_clear(e);
	int rc = party_create(db, a, in, id, NULL, e);
	json_decref(in);
	return rc;
}

static const char *js_str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static long long ji_int(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static long long count(struct db *db, const char *sql)
{
	return tp_count(db, sql);
}

int main(void)
{
	struct db *db = tp_open();
	char *url = xstrdup(testdb_last_url());
	struct tp_tree t;
	tp_make_tree(db, &t);
	struct actor officer = tp_actor(db, t.jn_officer), head = tp_actor(db, t.jn_head),
		     reviewer = tp_actor(db, t.reviewer), supervisor = tp_actor(db, t.supervisor),
		     admin = tp_actor(db, t.admin), aq = tp_actor(db, t.aq_officer);
	struct actor pub = { 0 };
	struct err e = ERR_INIT;
	long long id = 0, id2 = 0, ib = 0, pid = 0;

	/* ---- create ---- */
	ok(create(db, &officer, "{\"kind\":\"org\",\"name\":\"昆明云岭水泥有限公司\",\"uscc\":\"91530112ma6k1wn02h \","
				"\"legal_rep\":\"黄建华\",\"phone\":\"0871-65550202\",\"address\":\"昆明市西山区\"}",
		  &id, &e) == 0 && id > 0, "an officer registers an organisation (%s)", e.msg);
	is_int(count(db, "SELECT COUNT(*) FROM parties WHERE code = '91530112MA6K1WN02H'"), 1,
	       "the credit code is stored normalised (upper case, trimmed)");
	ok(create(db, &head, "{\"kind\":\"person\",\"name\":\"刘志强\",\"id_number\":\"11010519491231002x\",\"phone\":\"13900000707\"}",
		  &pid, &e) == 0, "a head registers a person with a lower-case x (%s)", e.msg);
	ok(create(db, &aq, "{\"kind\":\"individual_business\",\"name\":\"老街通讯器材经营部\",\"uscc\":\"92530102MA6N4TX05G\","
			   "\"operator_name\":\"王建国\",\"operator_id_number\":\"530102198805120033\"}",
		  &ib, &e) == 0, "an officer of another division registers a 个体工商户 (%s)", e.msg);

	/* bad identifiers name their field; nothing written */
	long long before = count(db, "SELECT COUNT(*) FROM party_versions");
	long long leaves = ledger_size(db, &e);
	ok(create(db, &officer, "{\"kind\":\"org\",\"name\":\"某公司\",\"uscc\":\"91350100M000100Y44\"}", &id2, &e) < 0 &&
	   e.kind == ERR_INVALID && str_eq(e.field, "uscc") && strstr(e.msg, "校验码"),
	   "a wrong USCC check character: 400 naming uscc (%s)", e.msg);
	ok(create(db, &officer, "{\"kind\":\"person\",\"name\":\"张三\",\"id_number\":\"110105194912310021\"}", &id2, &e) < 0 &&
	   e.kind == ERR_INVALID && str_eq(e.field, "id_number") && strstr(e.msg, "校验码"),
	   "a wrong identity-number check character: 400 naming id_number (%s)", e.msg);
	ok(create(db, &officer, "{\"kind\":\"person\",\"name\":\"张三\",\"id_number\":\"530102199002300019\"}", &id2, &e) < 0 &&
	   str_eq(e.field, "id_number") && strstr(e.msg, "出生日期不存在"), "19900230 refused (%s)", e.msg);
	ok(create(db, &officer, "{\"kind\":\"individual_business\",\"name\":\"某店\",\"uscc\":\"92530102MA6N4TX05G\","
				"\"operator_name\":\"王五\",\"operator_id_number\":\"530102198805120034\"}", &id2, &e) < 0 &&
	   str_eq(e.field, "operator_id_number"), "the operator's number is checked (%s)", e.msg);
	ok(create(db, &officer, "{\"kind\":\"company\",\"name\":\"某公司\"}", &id2, &e) < 0 && str_eq(e.field, "kind"),
	   "an unknown kind names kind");
	ok(create(db, &officer, "{\"kind\":\"org\",\"uscc\":\"91350100M000100Y43\"}", &id2, &e) < 0 && str_eq(e.field, "name"),
	   "a missing name names name");
	ok(create(db, &officer, "{\"kind\":\"person\",\"name\":\"John Smith\",\"id_type\":\"visa\",\"id_number\":\"E12345678\"}",
		  &id2, &e) < 0 && str_eq(e.field, "id_type"), "an unknown document type names id_type");
	{
		json_t *in = J("{\"kind\":\"person\",\"name\":\"\",\"id_number\":\"1\",\"phone\":\"abc\"}");
		struct errs all = ERRS_INIT;
		int rc = party_create(db, &officer, in, &id2, &all, &e);
		ok(rc < 0 && errs_find(&all, "name") && errs_find(&all, "phone") && errs_find(&all, "id_number"),
		   "every problem of a form is reported (%zu)", all.n);
		errs_release(&all);
		json_decref(in);
	}
	is_int(count(db, "SELECT COUNT(*) FROM party_versions"), before, "nothing written on bad input");
	is_int(ledger_size(db, &e), leaves, "no ledger leaf on bad input");

	/* one party per number */
	ok(create(db, &head, "{\"kind\":\"org\",\"name\":\"另一个名字\",\"uscc\":\"91530112MA6K1WN02H\"}", &id2, &e) < 0 &&
	   e.kind == ERR_CONFLICT && str_eq(e.field, "uscc") && strstr(e.msg, "编号"),
	   "a second party with the same USCC: 409 naming the existing party (%s)", e.msg);
	char want[32];
	snprintf(want, sizeof want, "编号 %lld", id);
	ok(strstr(e.msg, want) != NULL, "the message names party %lld", id);
	ok(create(db, &head, "{\"kind\":\"person\",\"name\":\"刘某\",\"id_number\":\"11010519491231002X\"}", &id2, &e) < 0 &&
	   e.kind == ERR_CONFLICT && str_eq(e.field, "id_number"), "and the same identity number: 409 naming id_number");
	ok(create(db, &head, "{\"kind\":\"person\",\"name\":\"Mary Lee\",\"id_type\":\"passport\",\"id_number\":\"e1234567\","
			     "\"birth_date\":\"2000-02-29\"}",
		  &id2, &e) == 0, "a passport holder is registered with a given birth date (%s)", e.msg);
	ok(create(db, &head, "{\"kind\":\"person\",\"name\":\"Ann Lee\",\"id_type\":\"passport\",\"id_number\":\"E7654321\","
			     "\"birth_date\":\"2001-02-29\"}",
		  &id2, &e) < 0 && str_eq(e.field, "birth_date"), "a birth date that does not exist is refused (%s)", e.msg);
	ok(create(db, &head, "{\"kind\":\"person\",\"name\":\"Ann Lee\",\"id_type\":\"passport\",\"id_number\":\"E7654321\","
			     "\"birth_date\":\"2099-01-01\"}",
		  &id2, &e) < 0 && str_eq(e.field, "birth_date"), "a birth date in the future is refused");

	/* permissions */
	ok(create(db, &reviewer, "{\"kind\":\"org\",\"name\":\"某公司\",\"uscc\":\"91350100M000100Y43\"}", &id2, &e) < 0 &&
	   e.kind == ERR_FORBIDDEN, "a reviewer may not register");
	ok(create(db, &admin, "{\"kind\":\"org\",\"name\":\"某公司\",\"uscc\":\"91350100M000100Y43\"}", &id2, &e) < 0 &&
	   e.kind == ERR_FORBIDDEN, "an administrator may not register");
	json_t *g = NULL;
	ok(party_get(db, &admin, id, 0, &g, &e) < 0 && e.kind == ERR_FORBIDDEN, "an administrator may not read");
	ok(party_get(db, &pub, id, 0, &g, &e) < 0 && e.kind == ERR_FORBIDDEN, "nor the public");

	/* get: data, minor flag, op_log */
	long long reads = count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'party.read'");
	ok(party_get(db, &supervisor, pid, 0, &g, &e) == 0, "a supervisor reads a person");
	is_str(js_str(g, "id_number"), "11010519491231002X", "the number, x normalised to X");
	is_str(js_str(g, "birth_date"), "1949-12-31", "the birth date derived from the number");
	ok(json_is_false(json_object_get(g, "minor")), "born 1949: no minor");
	is_str(js_str(g, "kind_label"), "自然人", "kind label");
	is_str(js_str(g, "id_type_label"), "居民身份证", "document type label");
	ok(json_object_get(g, "nonce") == NULL, "the nonce is not shown");
	json_decref(g);
	is_int(count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'party.read'"), reads + 1, "the read is in op_log");
	ok(create(db, &officer, "{\"kind\":\"person\",\"name\":\"赵小明\",\"id_number\":\"530111200903150021\"}", &id2, &e) == 0 &&
	   party_get(db, &reviewer, id2, 0, &g, &e) == 0 && json_is_true(json_object_get(g, "minor")),
	   "born 2009-03-15: a minor in 2026");
	json_decref(g);
	ok(party_get(db, &officer, 999999, 0, &g, &e) < 0 && e.kind == ERR_NOTFOUND, "an unknown party is 404");

	/* ---- update ---- */
	int nv = 0;
	json_t *in = J("{\"legal_rep\":\"李新\",\"note\":\"法定代表人变更\"}");
	ok(party_update(db, &officer, id, in, 1, &nv, NULL, &e) == 0 && nv == 2, "an update makes version 2 (%s)", e.msg);
	ok(party_update(db, &head, id, in, 1, &nv, NULL, &e) < 0 && e.kind == ERR_CONFLICT && str_eq(e.field, "version"),
	   "a stale version: 409 (%s)", e.msg);
	ok(party_update(db, &head, id, in, 0, &nv, NULL, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "version"),
	   "no version: 400 naming version");
	json_decref(in);
	in = J("{\"legal_rep\":\"李新\"}");
	ok(party_update(db, &head, id, in, 2, &nv, NULL, &e) < 0 && e.kind == ERR_INVALID, "no change: refused");
	json_decref(in);
	in = J("{\"uscc\":\"91530112MA6K1WN02G\"}");
	ok(party_update(db, &head, id, in, 2, &nv, NULL, &e) < 0 && str_eq(e.field, "uscc"), "a bad code on update names uscc");
	json_decref(in);
	in = J("{\"kind\":\"person\"}");
	ok(party_update(db, &head, id, in, 2, &nv, NULL, &e) < 0 && str_eq(e.field, "kind"), "the kind cannot change");
	json_decref(in);
	in = J("{\"uscc\":\"92530102MA6N4TX05G\"}");
	ok(party_update(db, &head, id, in, 2, &nv, NULL, &e) < 0 && e.kind == ERR_CONFLICT && str_eq(e.field, "uscc"),
	   "a code held by another party: 409 (%s)", e.msg);
	json_decref(in);
	in = J("{\"legal_rep\":\"x\"}");
	ok(party_update(db, &reviewer, id, in, 2, &nv, NULL, &e) < 0 && e.kind == ERR_FORBIDDEN, "a reviewer may not update");
	json_decref(in);
	int cv = 0;
	ok(party_current_version(db, id, &cv, &e) == 0 && cv == 2, "party_current_version is 2");
	ok(party_get(db, &officer, id, 1, &g, &e) == 0 && str_eq(js_str(g, "legal_rep"), "黄建华") &&
	   ji_int(g, "version") == 1 && ji_int(g, "current_version") == 2, "version 1 is kept as it was");
	json_decref(g);
	ok(party_get(db, &officer, id, 0, &g, &e) == 0 && str_eq(js_str(g, "legal_rep"), "李新") &&
	   str_eq(js_str(g, "note"), "法定代表人变更"), "the current version has the change and its note");
	json_decref(g);
	ok(party_get(db, &officer, id, 7, &g, &e) < 0 && e.kind == ERR_NOTFOUND && str_eq(e.field, "version"),
	   "a missing version is 404 naming version");
	json_t *vs = NULL;
	ok(party_versions(db, &supervisor, id, &vs, &e) == 0 && json_array_size(json_object_get(vs, "items")) == 2,
	   "two versions listed");
	json_decref(vs);

	{
		bool mn = true;
		ok(party_minor_on(db, id2, 1, "2026-01-01", &mn, &e) == 0 && mn, "version 1 (born 2009): a minor in 2026");
		ok(party_minor_on(db, id2, 1, "2027-03-16", &mn, &e) == 0 && !mn, "and an adult from 2027-03-16");
		ok(party_minor_on(db, id2, 1, "2027-03-15", &mn, &e) == 0 && mn, "still a minor on the 18th birthday");
		ok(party_minor_on(db, id, 0, "2026-01-01", &mn, &e) == 0 && !mn, "an organisation is no minor");
		ok(party_minor_on(db, id2, 0, "2026-02-30", &mn, &e) < 0 && str_eq(e.field, "on"), "a bad date names on");
		ok(party_minor_on(db, 999999, 0, "2026-01-01", &mn, &e) < 0 && str_eq(e.field, "party_id"),
		   "an unknown party names party_id");
	}
	/* a client PUTs back what it got, with a corrected number */
	ok(party_get(db, &officer, id2, 0, &g, &e) == 0, "get the person");
	json_object_set_new(g, "id_number", json_string("530102199003071238"));
	json_object_set_new(g, "note", json_string("证件号码录入错误，予以更正"));
	ok(party_update(db, &officer, id2, g, (int)ji_int(g, "version"), &nv, NULL, &e) == 0,
	   "a PUT of the model with a corrected number is saved (%s)", e.msg);
	json_decref(g);
	ok(party_get(db, &officer, id2, 0, &g, &e) == 0 && str_eq(js_str(g, "birth_date"), "1990-03-07"),
	   "the birth date follows the corrected number");
	json_decref(g);
	in = J("{\"birth_date\":\"1991-01-01\"}");
	ok(party_update(db, &officer, id2, in, nv, &nv, NULL, &e) < 0 && str_eq(e.field, "birth_date"),
	   "a birth date other than the number's is refused (%s)", e.msg);
	json_decref(in);

	/* the ledger leaves hold ids and hashes only */
	struct buf leaf;
	buf_init(&leaf, 0);
	long long last = ledger_size(db, &e) - 1;
	ok(ledger_leaf(db, last, &leaf, NULL, &e) == 0 && strstr(buf_str(&leaf), "\"type\":\"party.version\"") &&
	   !strstr(buf_str(&leaf), "李新") && !strstr(buf_str(&leaf), "91530112"), "the leaf has no name or number: %s",
	   buf_str(&leaf));
	buf_release(&leaf);
	is_int(count(db, "SELECT COUNT(*) FROM party_versions v JOIN ledger_leaves l ON l.idx = v.leaf_index"),
	       count(db, "SELECT COUNT(*) FROM party_versions"), "every version names its leaf");

	/* append-only */
	ok(db_exec(db, "UPDATE party_versions SET name = 'x'") < 0, "party_versions refuses UPDATE");
	ok(db_exec(db, "DELETE FROM party_versions") < 0, "party_versions refuses DELETE");
	ok(db_exec(db, "DELETE FROM parties") < 0, "parties refuses DELETE");

	/* ---- search ---- */
	json_t *s = NULL;
	struct party_filter f = { "水泥", NULL, 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 1, "search by name substring");
	json_decref(s);
	f = (struct party_filter){ "9", NULL, 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 2, "search by code prefix");
	json_decref(s);
	f = (struct party_filter){ "92530102MA6N4TX05G", NULL, 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 1 &&
	   json_integer_value(json_object_get(json_array_get(json_object_get(s, "items"), 0), "id")) == ib,
	   "search by the exact code");
	json_decref(s);
	f = (struct party_filter){ "110105", "person", 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 1 &&
	   str_eq(js_str(json_array_get(json_object_get(s, "items"), 0), "code"), "1101**********002X"),
	   "a person's number is masked in the list");
	json_decref(s);
	f = (struct party_filter){ "mary", NULL, 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 1, "name search ignores ASCII case");
	json_decref(s);
	f = (struct party_filter){ "%", NULL, 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 0, "%% matches itself only");
	json_decref(s);
	f = (struct party_filter){ NULL, NULL, 1, 2 };
	ok(party_search(db, &officer, &f, &s, &e) == 0 && ji_int(s, "total") == 5 &&
	   json_array_size(json_object_get(s, "items")) == 2, "paging");
	json_decref(s);
	f = (struct party_filter){ NULL, "company", 1, 0 };
	ok(party_search(db, &officer, &f, &s, &e) < 0 && str_eq(e.field, "kind"), "an unknown kind filter names kind");
	ok(party_search(db, &admin, &(struct party_filter){ 0 }, &s, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "an administrator may not search");
	json_t *sum = NULL;
	ok(party_summary(db, pid, 0, &sum, &e) == 0 && str_eq(js_str(sum, "code"), "1101**********002X") &&
	   str_eq(js_str(sum, "name"), "刘志强"), "party_summary: name and masked number");
	json_decref(sum);
	ok(party_by_uscc(db, "92530102ma6n4tx05g") == ib, "party_by_uscc finds the 个体工商户");

	/* ---- concurrent saves of the same version: one wins, the other is told ---- */
	{
		int won = 0;
		for (int round = 0; round < 4; round++) {
			int v = 0;
			party_current_version(db, id, &v, &e);
			char j1[64], j2[64];
			snprintf(j1, sizeof j1, "{\"contact\":\"甲%d\"}", round);
			snprintf(j2, sizeof j2, "{\"contact\":\"乙%d\"}", round);
			struct racer a1 = { url, &officer, NULL, id, v, j1, 0, 0 };
			struct racer a2 = { url, &head, NULL, id, v, j2, 0, 0 };
			if (race(&a1, &a2))
				won++;
			else
				printf("# round %d: %d/%d %d/%d\n", round, a1.rc, a1.kind, a2.rc, a2.kind);
		}
		is_int(won, 4, "two saves of one version at once: one new version, the other 409, every time");
		int v = 0;
		party_current_version(db, id, &v, &e);
		is_int(count(db, "SELECT COUNT(*) FROM party_versions WHERE party_id = (SELECT MAX(party_id) FROM party_versions"
				 " WHERE version > 3)"), v, "versions count 1..n without gaps");
		struct racer c1 = { url, &officer, NULL, 0, 0,
				    "{\"kind\":\"org\",\"name\":\"并发甲\",\"uscc\":\"91110108MA01A2B3CF\"}", 0, 0 };
		struct racer c2 = { url, &head, NULL, 0, 0,
				    "{\"kind\":\"org\",\"name\":\"并发乙\",\"uscc\":\"91110108MA01A2B3CF\"}", 0, 0 };
		ok(race(&c1, &c2), "two registrations of one credit code at once: one party, the other 409 (%d/%d %d/%d)",
		   c1.rc, c1.kind, c2.rc, c2.kind);
		is_int(count(db, "SELECT COUNT(*) FROM parties WHERE code = '91110108MA01A2B3CF'"), 1, "one party holds it");
	}
	free(url);
	db_close(db);

	/* the demo parties load (on a fresh database) and are idempotent */
	db = tp_open();
	ok(party_demo_seed(db, &e) == 0 && party_by_uscc(db, "91530100MA6K0MB019") > 0, "demo parties load (%s)", e.msg);
	long long n = count(db, "SELECT COUNT(*) FROM parties");
	ok(party_demo_seed(db, &e) == 0 && count(db, "SELECT COUNT(*) FROM parties") == n, "a second load adds nothing");
	db_close(db);
	return tap_done();
}
