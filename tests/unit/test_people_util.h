/*
 * test_people_util.h - shared set-up for the tests of src/people/: a fresh
 * migrated database (tests/testdb.h: SQLite, or PostgreSQL when
 * ZHIFA_TEST_DB is set), fast password hashing, a fake clock, and a small
 * unit tree with one person per role.
 *
 *   root (gxt) ── zcfgc (政策法规处, reviewer)
 *              ├─ xxzx  (信息中心)
 *              ├─ jnc   (节能处, enforcement) ── jnc-1 (节能一科)
 *              └─ aqc   (安全处, enforcement)
 */
#ifndef TEST_PEOPLE_UTIL_H
#define TEST_PEOPLE_UTIL_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "people/actor.h"
#include "people/people.h"
#include "../tap.h"
#include "../testdb.h"

#define TP_PASSWORD "Str0ng!Passw0rd"
#define TP_NOW 1790000000LL /* 2026-09-21T14:13:20Z */

static inline void tp_set_now(long long t)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", t);
	setenv("ZHIFA_FAKE_NOW", v, 1);
}

static inline struct db *tp_open(void)
{
	setenv("ZHIFA_PWHASH_FAST", "1", 1);
	tp_set_now(TP_NOW);
	struct db *db = testdb_open();
	struct buf err;
	buf_init(&err, 0);
	if (db_migrate(db, &err) < 0)
		testdb_bail("db_migrate", buf_str(&err));
	buf_release(&err);
	printf("# backend: %s\n", db_kind(db) == DB_PG ? "PostgreSQL" : "SQLite");
	return db;
}

struct tp_tree {
	long long root, zcfgc, xxzx, jnc, jnc1, aqc;
	long long admin, supervisor, jn_head, jn_officer, jn1_officer, aq_head, aq_officer, reviewer, fg_head;
};

static inline long long tp_unit(struct db *db, const struct actor *sys, long long parent, const char *code,
				const char *name, bool power, bool reviewer)
{
	struct unit_input in = { parent, code, name, power, reviewer, 0, NULL, NULL, NULL, NULL, NULL };
	struct err e = ERR_INIT;
	long long id = 0;
	if (people_unit_create(db, sys, &in, &id, &e) < 0)
		testdb_bail("people_unit_create", e.msg);
	return id;
}

static inline long long tp_user(struct db *db, const struct actor *sys, long long unit, const char *username,
				const char *name, unsigned roles, enum scope scope)
{
	struct user_input in = { unit, username, name, "", roles, scope, TP_PASSWORD, false };
	struct err e = ERR_INIT;
	long long id = 0;
	if (people_user_create(db, sys, &in, &id, &e) < 0)
		testdb_bail("people_user_create", e.msg);
	return id;
}

static inline void tp_make_tree(struct db *db, struct tp_tree *t)
{
	struct actor sys;
	actor_system(&sys, "test");
	t->root = tp_unit(db, &sys, 0, "gxt", "云南省工业和信息化厅", false, false);
	t->zcfgc = tp_unit(db, &sys, t->root, "zcfgc", "政策法规处", false, true);
	t->xxzx = tp_unit(db, &sys, t->root, "xxzx", "信息中心", false, false);
	t->jnc = tp_unit(db, &sys, t->root, "jnc", "节能与综合利用处", true, false);
	t->jnc1 = tp_unit(db, &sys, t->jnc, "jnc-1", "节能一科", true, false);
	t->aqc = tp_unit(db, &sys, t->root, "aqc", "安全生产处", true, false);
	t->admin = tp_user(db, &sys, t->xxzx, "admin", "李管理", ROLE_ADMIN, SCOPE_OWN);
	t->supervisor = tp_user(db, &sys, t->root, "jiandu", "赵监督", ROLE_SUPERVISOR, SCOPE_OWN);
	t->jn_head = tp_user(db, &sys, t->jnc, "jn.head", "陈处长", ROLE_HEAD, SCOPE_SUBTREE);
	t->jn_officer = tp_user(db, &sys, t->jnc, "jn.zhang", "张执法", ROLE_OFFICER, SCOPE_OWN);
	t->jn1_officer = tp_user(db, &sys, t->jnc1, "jn1.wang", "王科员", ROLE_OFFICER, SCOPE_OWN);
	t->aq_head = tp_user(db, &sys, t->aqc, "aq.head", "杨处长", ROLE_HEAD, SCOPE_SUBTREE);
	t->aq_officer = tp_user(db, &sys, t->aqc, "aq.ma", "马执法", ROLE_OFFICER, SCOPE_OWN);
	t->reviewer = tp_user(db, &sys, t->zcfgc, "shenhe", "孙审核", ROLE_REVIEWER, SCOPE_ALL);
	t->fg_head = tp_user(db, &sys, t->zcfgc, "fg.head", "高处长", ROLE_HEAD | ROLE_REVIEWER, SCOPE_ALL);
}

/* Load user id as an actor; bails out if absent. */
static inline struct actor tp_actor(struct db *db, long long id)
{
	struct actor a;
	if (people_actor_load(db, id, &a) < 0)
		testdb_bail("people_actor_load", "no such user");
	snprintf(a.ip, sizeof a.ip, "10.0.0.1");
	return a;
}

static inline long long tp_count(struct db *db, const char *sql)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}
#endif
