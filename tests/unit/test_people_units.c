/*
 * Tests of src/people/people.c: the unit tree (validation, cycles,
 * deletion), data scope (own / subtree / all; admins and supervisors read
 * all), people management (validation, admin only, hashes never shown) and
 * the operation-log rows every change writes.
 */
#include "test_people_util.h"
#include "people/audit.h"

static bool json_has_username(json_t *arr, const char *username)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (str_eq(json_string_value(json_object_get(v, "username")), username))
			return true;
	return false;
}

static void test_units(struct db *db, struct tp_tree *t)
{
	struct actor admin = tp_actor(db, t->admin), officer = tp_actor(db, t->jn_officer);
	struct err e = ERR_INIT;
	long long id = 0, logs = tp_count(db, "SELECT COUNT(*) FROM op_log");

	struct unit_input bad = { t->root, "BAD CODE", "新处室", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &bad, &id, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "code"),
	   "bad unit code refused, field code");
	struct unit_input noname = { t->root, "new", "", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &noname, &id, &e) < 0 && str_eq(e.field, "name"), "empty name refused");
	struct unit_input dup = { t->root, "jnc", "另一个处", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &dup, &id, &e) < 0 && e.kind == ERR_CONFLICT, "duplicate code refused");
	struct unit_input noparent = { 99999, "x1", "无上级", false, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &admin, &noparent, &id, &e) < 0 && str_eq(e.field, "parent_id"),
	   "missing parent refused");
	struct unit_input good = { t->aqc, "aqc-1", "安全一科", true, false, 1, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &officer, &good, &id, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "officer cannot create units");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log"), logs, "refusals write nothing");
	ok(people_unit_create(db, &admin, &good, &id, &e) == 0 && id > 0, "admin creates a unit");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'unit.create' AND username = 'admin'"), 1,
	       "unit.create logged with the admin's name");

	struct unit_input cyc = { id, "aqc", "安全生产处", true, false, 0, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_update(db, &admin, t->aqc, &cyc, &e) < 0 && str_eq(e.field, "parent_id"),
	   "moving a unit under its own child refused");
	struct unit_input ren = { t->aqc, "aqc-1", "安全生产一科", true, false, 2, NULL, NULL, NULL, NULL, NULL };
	ok(people_unit_update(db, &admin, id, &ren, &e) == 0, "unit renamed");
	ok(people_unit_delete(db, &admin, t->aqc, &e) < 0 && e.kind == ERR_CONFLICT, "unit with children not deleted");
	ok(people_unit_delete(db, &admin, t->jnc1, &e) < 0 && e.kind == ERR_CONFLICT, "unit with people not deleted");
	ok(people_unit_delete(db, &admin, id, &e) == 0, "empty unit deleted");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action IN ('unit.update','unit.delete')"), 2,
	       "update and delete logged");

	json_t *list = NULL;
	ok(people_unit_list(db, &officer, &list, &e) == 0 && json_array_size(list) == 6, "unit list has all 6 units");
	json_t *first = json_array_get(list, 0);
	is_str(json_string_value(json_object_get(first, "code")), "gxt", "root first");
	size_t i;
	json_t *u;
	int jnc_at = -1, jnc1_at = -1;
	json_array_foreach(list, i, u) {
		if (str_eq(json_string_value(json_object_get(u, "code")), "jnc"))
			jnc_at = (int)i;
		if (str_eq(json_string_value(json_object_get(u, "code")), "jnc-1")) {
			jnc1_at = (int)i;
			is_int(json_integer_value(json_object_get(u, "depth")), 2, "sub-unit depth 2");
			ok(!json_is_true(json_object_get(u, "in_scope")), "sub-unit not in an own-scope officer's scope");
		}
	}
	ok(jnc1_at == jnc_at + 1, "child listed right after its parent");
	json_decref(list);
	struct actor public_actor = { 0 };
	ok(people_unit_list(db, &public_actor, &list, &e) < 0 && e.kind == ERR_UNAUTH, "public cannot list units");
	ok(people_unit_by_code(db, "zcfgc") == t->zcfgc && people_unit_is_reviewer(db, t->zcfgc), "reviewer unit found");
}

static void test_scope(struct db *db, struct tp_tree *t)
{
	struct actor head = tp_actor(db, t->jn_head), off = tp_actor(db, t->jn_officer),
		     sup = tp_actor(db, t->supervisor), admin = tp_actor(db, t->admin), aqh = tp_actor(db, t->aq_head);
	ok(people_unit_in_scope(db, &head, t->jnc) && people_unit_in_scope(db, &head, t->jnc1),
	   "subtree head sees own unit and sub-unit");
	ok(!people_unit_in_scope(db, &head, t->aqc), "head of 节能处 does not see 安全处");
	ok(people_unit_in_scope(db, &off, t->jnc) && !people_unit_in_scope(db, &off, t->jnc1),
	   "own-scope officer sees only own unit");
	ok(people_unit_in_scope(db, &sup, t->aqc) && people_unit_in_scope(db, &admin, t->jnc1),
	   "supervisor and admin see all");
	is_int(sup.scope, SCOPE_ALL, "supervisor loads with SCOPE_ALL");
	struct actor nobody = { 0 };
	ok(!people_unit_in_scope(db, &nobody, t->jnc) && !people_unit_in_scope(db, NULL, t->jnc),
	   "the public has no scope");

	long long *ids;
	size_t n;
	ok(people_scope_units(db, &head, &ids, &n) == 0 && n == 2 && ids[0] == t->jnc && ids[1] == t->jnc1,
	   "scope units of a subtree head");
	free(ids);
	ok(people_scope_units(db, &sup, &ids, &n) == 0 && n == 6, "scope units of the supervisor: all");
	free(ids);

	struct err e = ERR_INIT;
	json_t *list = NULL, *one = NULL;
	ok(people_user_get(db, &head, t->aq_officer, &one, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "division head of A cannot read B's person");
	ok(strstr(e.msg, "无权") != NULL, "refusal message in Chinese");
	ok(people_user_list(db, &head, t->aqc, &list, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "division head cannot list B's unit");
	ok(people_user_list(db, &head, 0, &list, &e) == 0, "head lists people in scope");
	ok(json_array_size(list) == 3 && json_has_username(list, "jn1.wang") && !json_has_username(list, "aq.ma"),
	   "head's list: own division and sub-unit only");
	json_decref(list);
	ok(people_user_list(db, &aqh, 0, &list, &e) == 0 && json_array_size(list) == 2, "other head sees own 2");
	json_decref(list);
	ok(people_user_list(db, &sup, 0, &list, &e) == 0 && json_array_size(list) == 9, "supervisor reads all 9");
	char *dump = json_dumps(list, 0);
	ok(dump && !strstr(dump, "argon2") && !strstr(dump, "password_hash"), "listing never contains hashes");
	free(dump);
	json_decref(list);
	ok(people_user_get(db, &off, t->jn_officer, &one, &e) == 0, "a person reads themselves");
	is_str(json_string_value(json_object_get(one, "unit_name")), "节能与综合利用处", "unit name in person json");
	is_str(json_string_value(json_object_get(one, "role_labels")), "执法人员", "role labels in person json");
	json_decref(one);
	ok(people_user_get(db, &off, t->jn1_officer, &one, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "own-scope officer cannot read the sub-unit's person");
}

static void test_users(struct db *db, struct tp_tree *t)
{
	struct actor admin = tp_actor(db, t->admin), head = tp_actor(db, t->jn_head);
	struct err e = ERR_INIT;
	long long id;
	struct user_input in = { t->jnc, "jn.new", "新同志", "科员", ROLE_OFFICER, SCOPE_OWN, "Abcdefgh12!", true };
	ok(people_user_create(db, &head, &in, &id, &e) < 0 && e.kind == ERR_FORBIDDEN, "head cannot create accounts");
	struct user_input weak = in;
	weak.password = "short1A";
	ok(people_user_create(db, &admin, &weak, &id, &e) < 0 && str_eq(e.field, "password"), "weak password refused");
	struct user_input badname = in;
	badname.username = "X";
	ok(people_user_create(db, &admin, &badname, &id, &e) < 0 && str_eq(e.field, "username"), "bad username refused");
	struct user_input noroles = in;
	noroles.roles = 0;
	ok(people_user_create(db, &admin, &noroles, &id, &e) < 0 && str_eq(e.field, "roles"), "no roles refused");
	struct user_input nounit = in;
	nounit.unit_id = 4242;
	ok(people_user_create(db, &admin, &nounit, &id, &e) < 0 && str_eq(e.field, "unit_id"), "bad unit refused");
	struct user_input taken = in;
	taken.username = "admin";
	taken.password = "Qwertyuio12!";
	ok(people_user_create(db, &admin, &taken, &id, &e) < 0 && e.kind == ERR_CONFLICT, "taken username refused");
	ok(people_user_create(db, &admin, &in, &id, &e) == 0, "admin creates an account");
	ok(people_user_must_change(db, id), "admin-created account must change password");
	struct user_input up = in;
	up.roles = ROLE_OFFICER | ROLE_HEAD;
	up.unit_id = t->aqc;
	ok(people_user_update(db, &admin, id, &up, &e) == 0, "admin updates roles and unit");
	struct actor moved = tp_actor(db, id);
	ok(moved.roles == (ROLE_OFFICER | ROLE_HEAD) && moved.unit_id == t->aqc, "roles and unit saved");
	struct user_input self = { t->xxzx, "admin", "李管理", "", ROLE_OFFICER, SCOPE_OWN, NULL, false };
	ok(people_user_update(db, &admin, t->admin, &self, &e) < 0 && str_eq(e.field, "roles"),
	   "admin cannot drop own admin role");
	ok(people_user_lock(db, &admin, t->admin, true, &e) < 0, "admin cannot lock self");
	ok(people_user_lock(db, &admin, id, true, &e) == 0, "admin locks an account");
	is_int(db_scalar_int(db, -1, "SELECT locked FROM users WHERE id = ?", (const struct db_val[]){ DB_INT(id), DB_END }),
	       1, "locked flag set");
	ok(people_user_lock(db, &admin, id, false, &e) == 0, "admin unlocks");
	ok(people_user_set_password(db, &admin, id, "jn.new-Abc123", false, &e) < 0 && str_eq(e.field, "password"),
	   "reset password containing the username refused");
	ok(people_user_set_password(db, &admin, id, "Newpass#2026x", false, &e) == 0, "admin resets password");
	ok(!people_user_must_change(db, id), "must_change as given");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE object_type = 'user' AND action IN"
			" ('user.update','user.lock','user.unlock','user.password_reset')"), 4, "each change logged");
	ok(people_user_by_username(db, "jn.new") == id && people_user_by_username(db, "nobody") == 0, "by username");
}

int main(void)
{
	struct db *db = tp_open();
	struct tp_tree t;
	tp_make_tree(db, &t);
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE username = 'test'"), 15, "set-up changes logged as 'test'");
	test_units(db, &t);
	test_scope(db, &t);
	test_users(db, &t);
	db_close(db);
	return tap_done();
}
