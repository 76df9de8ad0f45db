/*
 * people.c - units, people, roles and data scope (see people.h).
 *
 * Every changing function: check the actor, validate, db_begin, change,
 * audit_log, db_commit; any failure rolls back and returns -1 with e set.
 * Uniqueness is checked with a SELECT before writing so that PostgreSQL
 * transactions are not aborted by constraint errors in the normal case.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/dict.h"
#include "people/people.h"
#include "actor/audit.h"
#include "people/password.h"
#include "people/internal.h"
#include "store/stamp.h"

int people_db_fail(struct db *db, struct err *e)
{
	log_error("people: 数据库错误: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误,请稍后重试");
}

int people_tx_fail(struct db *db, struct err *e, bool db_error)
{
	if (db_error)
		people_db_fail(db, e);
	db_rollback(db);
	return -1;
}

bool people_text_ok(const char *s, long minc, long maxc)
{
	if (!s)
		return minc == 0;
	size_t n = strlen(s);
	long len = utf8_len(s, n);
	if (len < minc || len > maxc)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool ident_ok(const char *s, size_t minl, size_t maxl, const char *extra)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	if (n < minl || n > maxl)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(extra, *p)))
			return false;
	return true;
}

static void id_text(long long id, char out[24])
{
	snprintf(out, 24, "%lld", id);
}

/* ---------------- units ---------------- */

static bool unit_exists(struct db *db, long long id)
{
	return db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE id = ?",
			     (const struct db_val[]){ DB_INT(id), DB_END }) > 0;
}

/* The kind a unit is stored with (see struct unit_input). */
static const char *unit_kind(const struct unit_input *in)
{
	if (!str_empty(in->kind))
		return in->kind;
	return in->parent_id > 0 ? "office" : "body";
}

/* A body's contact field as stored: '' on offices. */
static const char *contact(const struct unit_input *in, const char *v)
{
	return str_eq(unit_kind(in), "body") && v ? v : "";
}

static int unit_validate(struct db *db, const struct unit_input *in, long long self, struct err *e)
{
	if (!in)
		return err_set(e, ERR_INVALID, "", "缺少单位信息");
	if (!ident_ok(in->code, 1, 32, "_-"))
		return err_set(e, ERR_INVALID, "code", "单位代码须为 1-32 位小写字母、数字、下划线或连字符");
	if (!people_text_ok(in->name, 1, 64))
		return err_set(e, ERR_INVALID, "name", "单位名称不能为空,且不超过 64 个字");
	if (in->parent_id < 0 || (in->parent_id > 0 && !unit_exists(db, in->parent_id)))
		return err_set(e, ERR_INVALID, "parent_id", "上级单位不存在");
	if (!str_empty(in->kind) && !str_eq(in->kind, "body") && !str_eq(in->kind, "office"))
		return err_set(e, ERR_INVALID, "kind", "单位类型无效，应为执法主体或承办机构（内设机构）");
	static const struct { size_t off; const char *field, *label; } contacts[] = {
		{ offsetof(struct unit_input, address), "address", "办公地址" },
		{ offsetof(struct unit_input, phone), "phone", "联系电话" },
		{ offsetof(struct unit_input, head_name), "head_name", "负责人" },
		{ offsetof(struct unit_input, complaint_phone), "complaint_phone", "监督投诉电话" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(contacts); i++) {
		const char *v = *(const char *const *)((const char *)in + contacts[i].off);
		if (v && !people_text_ok(v, 0, 100))
			return err_set(e, ERR_INVALID, contacts[i].field, "%s不超过 100 个字", contacts[i].label);
	}
	if (str_eq(unit_kind(in), "office") && in->enforcement_power &&
	    (in->parent_id <= 0 || people_unit_body(db, in->parent_id) <= 0))
		return err_set(e, ERR_INVALID, "kind",
			       "承担执法工作的内设机构须隶属于一个执法主体：请选择上级执法主体，或把本单位设为执法主体");
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE code = ? AND id <> ?",
			  (const struct db_val[]){ DB_TEXT(in->code), DB_INT(self), DB_END }))
		return err_set(e, ERR_CONFLICT, "code", "单位代码“%s”已被使用", in->code);
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE name = ? AND id <> ?",
			  (const struct db_val[]){ DB_TEXT(in->name), DB_INT(self), DB_END }))
		return err_set(e, ERR_CONFLICT, "name", "单位名称“%s”已存在", in->name);
	return 0;
}

static int need_admin(const struct actor *a, struct err *e, const char *what)
{
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以%s", what);
	return 0;
}

int people_unit_create(struct db *db, const struct actor *a, const struct unit_input *in,
		       long long *id_out, struct err *e)
{
	if (need_admin(a, e, "管理单位") < 0)
		return -1;
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (unit_validate(db, in, 0, e) < 0)
		return people_tx_fail(db, e, false);
	char now[21], ids[24];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO units(parent_id, code, name, enforcement_power, is_reviewer, sort, created_at,"
		     " kind, address, phone, head_name, complaint_phone) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
		     in->parent_id > 0 ? DB_INT(in->parent_id) : DB_NULL, DB_TEXT(in->code), DB_TEXT(in->name),
		     DB_INT(in->enforcement_power ? 1 : 0), DB_INT(in->is_reviewer ? 1 : 0), DB_INT(in->sort),
		     DB_TEXT(now), DB_TEXT(unit_kind(in)), DB_TEXT(contact(in, in->address)),
		     DB_TEXT(contact(in, in->phone)), DB_TEXT(contact(in, in->head_name)),
		     DB_TEXT(contact(in, in->complaint_phone))) < 0 || r->nrows != 1) {
		db_res_free(r);
		return people_tx_fail(db, e, true);
	}
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	id_text(id, ids);
	if (audit_log(db, a, "unit.create", "unit", ids, "ok", in->name) < 0 ||
	    state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	if (id_out)
		*id_out = id;
	return 0;
}

/* True when candidate is id or below it. */

int people_unit_update(struct db *db, const struct actor *a, long long id,
		       const struct unit_input *in, struct err *e)
{
	if (need_admin(a, e, "管理单位") < 0)
		return -1;
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!unit_exists(db, id)) {
		err_set(e, ERR_NOTFOUND, "", "单位不存在");
		return people_tx_fail(db, e, false);
	}
	if (unit_validate(db, in, id, e) < 0)
		return people_tx_fail(db, e, false);
	if (in->parent_id > 0 && actor_unit_below(db, in->parent_id, id)) {
		err_set(e, ERR_INVALID, "parent_id", "不能把单位移到它自己或它的下级单位之下");
		return people_tx_fail(db, e, false);
	}
	char now[21], ids[24];
	time_now_utc(now);
	id_text(id, ids);
	if (db_exec(db, "UPDATE units SET parent_id = ?, code = ?, name = ?, enforcement_power = ?, is_reviewer = ?,"
		    " sort = ?, updated_at = ?, kind = ?, address = ?, phone = ?, head_name = ?, complaint_phone = ?"
		    " WHERE id = ?",
		    in->parent_id > 0 ? DB_INT(in->parent_id) : DB_NULL, DB_TEXT(in->code), DB_TEXT(in->name),
		    DB_INT(in->enforcement_power ? 1 : 0), DB_INT(in->is_reviewer ? 1 : 0), DB_INT(in->sort),
		    DB_TEXT(now), DB_TEXT(unit_kind(in)), DB_TEXT(contact(in, in->address)),
		    DB_TEXT(contact(in, in->phone)), DB_TEXT(contact(in, in->head_name)),
		    DB_TEXT(contact(in, in->complaint_phone)), DB_INT(id)) < 0 ||
	    audit_log(db, a, "unit.update", "unit", ids, "ok", in->name) < 0 ||
	    state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

int people_unit_delete(struct db *db, const struct actor *a, long long id, struct err *e)
{
	if (need_admin(a, e, "管理单位") < 0)
		return -1;
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!unit_exists(db, id)) {
		err_set(e, ERR_NOTFOUND, "", "单位不存在");
		return people_tx_fail(db, e, false);
	}
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE parent_id = ?",
			  (const struct db_val[]){ DB_INT(id), DB_END })) {
		err_set(e, ERR_CONFLICT, "", "该单位还有下级单位,不能删除");
		return people_tx_fail(db, e, false);
	}
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM users WHERE unit_id = ?",
			  (const struct db_val[]){ DB_INT(id), DB_END })) {
		err_set(e, ERR_CONFLICT, "", "该单位还有人员,不能删除");
		return people_tx_fail(db, e, false);
	}
	char ids[24];
	id_text(id, ids);
	if (db_exec(db, "DELETE FROM units WHERE id = ?", DB_INT(id)) < 0 ||
	    audit_log(db, a, "unit.delete", "unit", ids, "ok", "") < 0 ||
	    state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

long long people_unit_body(struct db *db, long long unit_id)
{
	for (int depth = 0; unit_id > 0 && depth < 64; depth++) {
		struct db_res *r = NULL;
		if (db_query(db, &r, "SELECT kind, parent_id FROM units WHERE id = ?", DB_INT(unit_id)) < 0)
			return 0;
		if (r->nrows != 1) {
			db_res_free(r);
			return 0;
		}
		bool body = str_eq(db_text(r, 0, 0), "body");
		long long parent = db_cell(r, 0, 1) ? db_int(r, 0, 1) : 0;
		db_res_free(r);
		if (body)
			return unit_id;
		unit_id = parent;
	}
	return 0;
}

long long people_unit_by_code(struct db *db, const char *code)
{
	return db_scalar_int(db, 0, "SELECT id FROM units WHERE code = ?",
			     (const struct db_val[]){ DB_TEXT(code ? code : ""), DB_END });
}

bool people_unit_is_reviewer(struct db *db, long long unit_id)
{
	return db_scalar_int(db, 0, "SELECT is_reviewer FROM units WHERE id = ?",
			     (const struct db_val[]){ DB_INT(unit_id), DB_END }) == 1;
}

/* ---------------- scope ---------------- */






int people_unit_list(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	*out = NULL;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	long long *scope_ids;
	size_t nscope;
	struct db_res *r = NULL;
	if (actor_scope_units(db, a, &scope_ids, &nscope) < 0)
		return people_db_fail(db, e);
	if (db_query(db, &r, "SELECT id, parent_id, code, name, enforcement_power, is_reviewer, sort,"
		     " kind, address, phone, head_name, complaint_phone FROM units ORDER BY sort, id") < 0) {
		free(scope_ids);
		return people_db_fail(db, e);
	}
	/* Depth-first order: roots, then each unit's children after it. */
	int n = r->nrows;
	bool *done = xcalloc((size_t)n + 1, sizeof *done);
	int *stack = xcalloc((size_t)n + 1, sizeof *stack), *depth = xcalloc((size_t)n + 1, sizeof *depth);
	json_t *arr = json_array();
	for (int root = 0; root < n; root++) {
		if (done[root])
			continue;
		long long p = db_int(r, root, 1);
		bool has_parent = false;
		for (int j = 0; j < n && p; j++)
			if (db_int(r, j, 0) == p)
				has_parent = true;
		if (has_parent)
			continue;
		int sp = 0;
		stack[sp] = root;
		depth[sp++] = 0;
		while (sp > 0) {
			sp--;
			int i = stack[sp], d = depth[sp];
			if (done[i])
				continue;
			done[i] = true;
			long long id = db_int(r, i, 0);
			json_t *o = json_pack("{s:I,s:o,s:s,s:s,s:b,s:b,s:I,s:i,s:b}",
					      "id", (json_int_t)id,
					      "parent_id", db_cell(r, i, 1) ? json_integer(db_int(r, i, 1)) : json_null(),
					      "code", db_text(r, i, 2), "name", db_text(r, i, 3),
					      "enforcement_power", (int)db_int(r, i, 4), "is_reviewer", (int)db_int(r, i, 5),
					      "sort", (json_int_t)db_int(r, i, 6), "depth", d,
					      "in_scope", (int)actor_ids_contain(scope_ids, nscope, id));
			json_object_set_new(o, "kind", json_string(db_text(r, i, 7)));
			json_object_set_new(o, "address", json_string(db_text(r, i, 8)));
			json_object_set_new(o, "phone", json_string(db_text(r, i, 9)));
			json_object_set_new(o, "head_name", json_string(db_text(r, i, 10)));
			json_object_set_new(o, "complaint_phone", json_string(db_text(r, i, 11)));
			/* the nearest body: this unit, or the one its parent (listed before it) has */
			long long body = str_eq(db_text(r, i, 7), "body") ? id : 0;
			if (!body && db_cell(r, i, 1)) {
				size_t k;
				json_t *prev;
				json_array_foreach(arr, k, prev)
					if (json_integer_value(json_object_get(prev, "id")) == db_int(r, i, 1))
						body = json_integer_value(json_object_get(prev, "body_id"));
			}
			json_object_set_new(o, "body_id", json_integer(body));
			json_array_append_new(arr, o);
			/* push children in reverse so the first sorted child comes out first */
			for (int j = n - 1; j >= 0; j--)
				if (!done[j] && db_int(r, j, 1) == id) {
					stack[sp] = j;
					depth[sp++] = d + 1;
				}
		}
	}
	free(done);
	free(stack);
	free(depth);
	free(scope_ids);
	db_res_free(r);
	*out = arr;
	return 0;
}

/* ---------------- people ---------------- */

unsigned people_load_roles(struct db *db, long long user_id)
{
	struct db_res *r = NULL;
	unsigned mask = 0;
	if (db_query(db, &r, "SELECT role FROM user_roles WHERE user_id = ?", DB_INT(user_id)) < 0)
		return 0;
	for (int i = 0; i < r->nrows; i++)
		mask |= role_parse(db_text(r, i, 0));
	db_res_free(r);
	return mask;
}

static int save_roles(struct db *db, long long user_id, unsigned roles)
{
	if (db_exec(db, "DELETE FROM user_roles WHERE user_id = ?", DB_INT(user_id)) < 0)
		return -1;
	for (unsigned bit = 1; bit < (1u << ROLE_COUNT); bit <<= 1)
		if ((roles & bit) &&
		    db_exec(db, "INSERT INTO user_roles(user_id, role) VALUES (?, ?)",
			    DB_INT(user_id), DB_TEXT(role_ident(bit))) < 0)
			return -1;
	return 0;
}

int people_user_check(struct db *db, const struct user_input *in, bool create, struct errs *all)
{
	size_t before = all->n;
	if (!in)
		return errs_add(all, ERR_INVALID, "", "缺少人员信息");
	bool name_ok = ident_ok(in->username, 3, 32, "._-");
	if (create && !name_ok)
		errs_add(all, ERR_INVALID, "username", "用户名须为 3-32 位小写字母、数字、点、下划线或连字符");
	if (!people_text_ok(in->name, 1, 32))
		errs_add(all, ERR_INVALID, "name", "姓名不能为空,且不超过 32 个字");
	if (in->title && !people_text_ok(in->title, 0, 32))
		errs_add(all, ERR_INVALID, "title", "职务不超过 32 个字");
	if (in->unit_id <= 0 || !unit_exists(db, in->unit_id))
		errs_add(all, ERR_INVALID, "unit_id", "所属单位不存在");
	if (!in->roles || (in->roles & ~((1u << ROLE_COUNT) - 1)))
		errs_add(all, ERR_INVALID, "roles", "请至少选择一个有效角色");
	if (in->scope != 0 && (in->scope < SCOPE_OWN || in->scope > SCOPE_ALL))
		errs_add(all, ERR_INVALID, "scope", "数据范围无效");
	if (create && name_ok && db_scalar_int(db, 0, "SELECT COUNT(*) FROM users WHERE username = ?",
					       (const struct db_val[]){ DB_TEXT(in->username), DB_END }))
		errs_add(all, ERR_CONFLICT, "username", "用户名“%s”已被使用", in->username);
	return all->n > before ? -1 : 0;
}

static int user_validate(struct db *db, const struct user_input *in, bool create, struct err *e)
{
	struct errs all = ERRS_INIT;
	int rc = people_user_check(db, in, create, &all);
	if (rc < 0)
		errs_first(&all, e);
	errs_release(&all);
	return rc;
}

static bool user_exists(struct db *db, long long id)
{
	return db_scalar_int(db, 0, "SELECT COUNT(*) FROM users WHERE id = ?",
			     (const struct db_val[]){ DB_INT(id), DB_END }) > 0;
}

int people_history_add(struct db *db, long long user_id, const char *hash, const char *now)
{
	if (db_exec(db, "INSERT INTO password_history(user_id, password_hash, created_at) VALUES (?,?,?)",
		    DB_INT(user_id), DB_TEXT(hash), DB_TEXT(now)) < 0)
		return -1;
	return db_exec(db, "DELETE FROM password_history WHERE user_id = ? AND id NOT IN"
		       " (SELECT id FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
		       DB_INT(user_id), DB_INT(user_id), DB_INT(PASSWORD_HISTORY));
}

int people_user_create(struct db *db, const struct actor *a, const struct user_input *in,
		       long long *id_out, struct err *e)
{
	if (need_admin(a, e, "管理人员账号") < 0)
		return -1;
	if (!in)
		return err_set(e, ERR_INVALID, "", "缺少人员信息");
	if (password_check_policy(in->username, in->password, e) < 0)
		return -1;
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(in->password, hash, e) < 0) /* slow: outside the transaction */
		return -1;
	int rc = people_user_create_hashed(db, a, in, hash, id_out, e);
	sodium_memzero_str(hash);
	return rc;
}

int people_user_create_hashed(struct db *db, const struct actor *a, const struct user_input *in,
			      const char *hash, long long *id_out, struct err *e)
{
	if (need_admin(a, e, "管理人员账号") < 0)
		return -1;
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (user_validate(db, in, true, e) < 0)
		return people_tx_fail(db, e, false);
	char now[21], ids[24];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO users(unit_id, username, name, title, scope, password_hash, must_change,"
		     " password_changed_at, created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
		     DB_INT(in->unit_id), DB_TEXT(in->username), DB_TEXT(in->name), DB_TEXT(in->title ? in->title : ""),
		     DB_INT(in->scope ? in->scope : SCOPE_OWN), DB_TEXT(hash), DB_INT(in->must_change ? 1 : 0),
		     DB_TEXT(now), DB_TEXT(now)) < 0 || r->nrows != 1) {
		db_res_free(r);
		return people_tx_fail(db, e, true);
	}
	long long id = db_int(r, 0, 0);
	db_res_free(r);
	id_text(id, ids);
	struct buf d;
	buf_init(&d, 0);
	buf_printf(&d, "%s %s 角色:", in->username, in->name);
	roles_format(in->roles, true, &d);
	int bad = save_roles(db, id, in->roles) < 0 || (!str_empty(hash) && people_history_add(db, id, hash, now) < 0) ||
		  audit_log(db, a, "user.create", "user", ids, "ok", buf_str(&d)) < 0 ||
		  state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0;
	buf_release(&d);
	if (bad)
		return people_tx_fail(db, e, true);
	if (id_out)
		*id_out = id;
	return 0;
}

int people_user_update(struct db *db, const struct actor *a, long long id,
		       const struct user_input *in, struct err *e)
{
	if (need_admin(a, e, "管理人员账号") < 0)
		return -1;
	if (in && a->user_id == id && !(in->roles & ROLE_ADMIN))
		return err_set(e, ERR_INVALID, "roles", "不能取消自己的系统管理员角色");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!user_exists(db, id)) {
		err_set(e, ERR_NOTFOUND, "", "人员不存在");
		return people_tx_fail(db, e, false);
	}
	if (user_validate(db, in, false, e) < 0)
		return people_tx_fail(db, e, false);
	char now[21], ids[24];
	time_now_utc(now);
	id_text(id, ids);
	struct buf d;
	buf_init(&d, 0);
	char scope[16];
	snprintf(scope, sizeof scope, "%d", in->scope ? (int)in->scope : SCOPE_OWN);
	struct db_res *ur = NULL;
	db_query(db, &ur, "SELECT name FROM units WHERE id = ?", DB_INT(in->unit_id));
	buf_printf(&d, "%s 单位:%s 数据范围:%s 角色:", in->name, ur && ur->nrows ? db_text(ur, 0, 0) : "",
		   dict_label("scope", scope));
	db_res_free(ur);
	roles_format(in->roles, true, &d);
	int bad = db_exec(db, "UPDATE users SET unit_id = ?, name = ?, title = ?, scope = ?, updated_at = ? WHERE id = ?",
			  DB_INT(in->unit_id), DB_TEXT(in->name), DB_TEXT(in->title ? in->title : ""),
			  DB_INT(in->scope ? in->scope : SCOPE_OWN), DB_TEXT(now), DB_INT(id)) < 0 ||
		  save_roles(db, id, in->roles) < 0 ||
		  audit_log(db, a, "user.update", "user", ids, "ok", buf_str(&d)) < 0 ||
		  state_stamp_bump(db, STAMP_PORTAL) < 0 || db_commit(db) < 0;
	buf_release(&d);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}

int people_user_set_password(struct db *db, const struct actor *a, long long id,
			     const char *password, bool must_change, struct err *e)
{
	if (need_admin(a, e, "重置密码") < 0)
		return -1;
	char username[64] = "";
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT username FROM users WHERE id = ?", DB_INT(id)) < 0)
		return people_db_fail(db, e);
	if (r->nrows == 1)
		snprintf(username, sizeof username, "%s", db_text(r, 0, 0));
	int found = r->nrows == 1;
	db_res_free(r);
	if (!found)
		return err_set(e, ERR_NOTFOUND, "", "人员不存在");
	if (password_check_policy(username, password, e) < 0)
		return -1;
	char hash[PASSWORD_HASH_MAX], now[21], ids[24];
	if (password_hash(password, hash, e) < 0)
		return -1;
	time_now_utc(now);
	id_text(id, ids);
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	int bad = db_exec(db, "UPDATE users SET password_hash = ?, must_change = ?, failed_count = 0, failed_since = NULL,"
			  " lock_until = NULL, password_changed_at = ?, updated_at = ? WHERE id = ?",
			  DB_TEXT(hash), DB_INT(must_change ? 1 : 0), DB_TEXT(now), DB_TEXT(now), DB_INT(id)) < 0 ||
		  db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_INT(id)) < 0 ||
		  people_history_add(db, id, hash, now) < 0 ||
		  audit_log(db, a, "user.password_reset", "user", ids, "ok", username) < 0 || db_commit(db) < 0;
	sodium_memzero_str(hash);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}

int people_user_lock(struct db *db, const struct actor *a, long long id, bool locked, struct err *e)
{
	if (need_admin(a, e, "锁定或解锁账号") < 0)
		return -1;
	if (locked && a->user_id == id)
		return err_set(e, ERR_INVALID, "", "不能锁定自己的账号");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!user_exists(db, id)) {
		err_set(e, ERR_NOTFOUND, "", "人员不存在");
		return people_tx_fail(db, e, false);
	}
	char now[21], ids[24];
	time_now_utc(now);
	id_text(id, ids);
	int bad;
	if (locked)
		bad = db_exec(db, "UPDATE users SET locked = 1, updated_at = ? WHERE id = ?", DB_TEXT(now), DB_INT(id)) < 0 ||
		      db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_INT(id)) < 0;
	else
		bad = db_exec(db, "UPDATE users SET locked = 0, failed_count = 0, failed_since = NULL, lock_until = NULL,"
			      " updated_at = ? WHERE id = ?", DB_TEXT(now), DB_INT(id)) < 0;
	if (bad || audit_log(db, a, locked ? "user.lock" : "user.unlock", "user", ids, "ok", "") < 0 ||
	    db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

#define USER_COLS "SELECT u.id, u.username, u.name, u.title, u.unit_id, n.name, u.scope, u.locked," \
		  " u.must_change, u.last_login_at, u.created_at, u.lock_until FROM users u JOIN units n ON n.id = u.unit_id"

static json_t *user_json(struct db *db, const struct db_res *r, int i)
{
	long long id = db_int(r, i, 0);
	unsigned roles = people_load_roles(db, id);
	json_t *idents = json_array();
	for (unsigned bit = 1; bit < (1u << ROLE_COUNT); bit <<= 1)
		if (roles & bit)
			json_array_append_new(idents, json_string(role_ident(bit)));
	struct buf labels;
	buf_init(&labels, 0);
	roles_format(roles, true, &labels);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:o,s:s,s:i,s:b,s:b,s:o,s:s}",
			      "id", (json_int_t)id, "username", db_text(r, i, 1), "name", db_text(r, i, 2),
			      "title", db_text(r, i, 3), "unit_id", (json_int_t)db_int(r, i, 4),
			      "unit_name", db_text(r, i, 5), "roles", idents, "role_labels", buf_str(&labels),
			      "scope", (int)db_int(r, i, 6), "locked", (int)db_int(r, i, 7),
			      "must_change", (int)db_int(r, i, 8),
			      "last_login_at", db_cell(r, i, 9) ? json_string(db_cell(r, i, 9)) : json_null(),
			      "created_at", db_text(r, i, 10));
	/* locked after failed logins (auth.h), while it lasts */
	long long until = str_empty(db_cell(r, i, 11)) ? -1 : time_utc_parse(db_cell(r, i, 11));
	if (until > time_now_unix()) {
		char local[20];
		time_utc_to_shanghai(db_cell(r, i, 11), local);
		json_object_set_new(o, "lock_until", json_string(db_cell(r, i, 11)));
		json_object_set_new(o, "lock_until_local", json_string(local));
	}
	json_object_set_new(o, "temp_locked", json_boolean(until > time_now_unix()));
	buf_release(&labels);
	return o;
}

int people_user_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	struct db_res *r = NULL;
	if (db_query(db, &r, USER_COLS " WHERE u.id = ?", DB_INT(id)) < 0)
		return people_db_fail(db, e);
	int rc = 0;
	if (r->nrows != 1)
		rc = err_set(e, ERR_NOTFOUND, "", "人员不存在");
	else if (id != a->user_id && !actor_unit_in_scope(db, a, db_int(r, 0, 4)))
		rc = err_set(e, ERR_FORBIDDEN, "", "无权查看其他处室的数据");
	else
		*out = user_json(db, r, 0);
	db_res_free(r);
	return rc;
}

int people_user_list(struct db *db, const struct actor *a, long long unit_id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (unit_id > 0 && !actor_unit_in_scope(db, a, unit_id))
		return err_set(e, ERR_FORBIDDEN, "", "无权查看其他处室的数据");
	long long *ids;
	size_t n;
	if (actor_scope_units(db, a, &ids, &n) < 0)
		return people_db_fail(db, e);
	struct db_res *r = NULL;
	int q = unit_id > 0 ? db_query(db, &r, USER_COLS " WHERE u.unit_id = ? ORDER BY n.sort, n.id, u.id", DB_INT(unit_id))
			    : db_query(db, &r, USER_COLS " ORDER BY n.sort, n.id, u.id");
	if (q < 0) {
		free(ids);
		return people_db_fail(db, e);
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++)
		if (actor_ids_contain(ids, n, db_int(r, i, 4)))
			json_array_append_new(arr, user_json(db, r, i));
	free(ids);
	db_res_free(r);
	*out = arr;
	return 0;
}

long long people_user_by_username(struct db *db, const char *username)
{
	return db_scalar_int(db, 0, "SELECT id FROM users WHERE username = ?",
			     (const struct db_val[]){ DB_TEXT(username ? username : ""), DB_END });
}

bool people_user_must_change(struct db *db, long long user_id)
{
	return db_scalar_int(db, 1, "SELECT must_change FROM users WHERE id = ?",
			     (const struct db_val[]){ DB_INT(user_id), DB_END }) != 0;
}

int people_actor_load(struct db *db, long long user_id, struct actor *out)
{
	struct db_res *r = NULL;
	memset(out, 0, sizeof *out);
	if (db_query(db, &r, "SELECT id, unit_id, username, name, scope, must_change FROM users WHERE id = ?",
		     DB_INT(user_id)) < 0)
		return -1;
	if (r->nrows != 1) {
		db_res_free(r);
		return -1;
	}
	out->user_id = db_int(r, 0, 0);
	out->unit_id = db_int(r, 0, 1);
	snprintf(out->username, sizeof out->username, "%s", db_text(r, 0, 2));
	snprintf(out->name, sizeof out->name, "%s", db_text(r, 0, 3));
	long long s = db_int(r, 0, 4);
	out->scope = s >= SCOPE_OWN && s <= SCOPE_ALL ? (enum scope)s : SCOPE_OWN;
	out->must_change = db_int(r, 0, 5) != 0;
	db_res_free(r);
	out->roles = people_load_roles(db, user_id);
	if (out->roles & (ROLE_ADMIN | ROLE_SUPERVISOR))
		out->scope = SCOPE_ALL;
	return 0;
}

/* ---- names, for pages that show them ---- */

static char *name_of(struct db *db, const char *sql, long long id)
{
	struct db_res *r = NULL;
	char *name = NULL;
	if (id > 0 && db_query(db, &r, sql, DB_INT(id)) == 0 && r->nrows == 1)
		name = xstrdup(db_text(r, 0, 0));
	db_res_free(r);
	return name;
}

char *people_unit_name(struct db *db, long long unit_id)
{
	return name_of(db, "SELECT name FROM units WHERE id = ?", unit_id);
}

char *people_user_name(struct db *db, long long user_id)
{
	return name_of(db, "SELECT name FROM users WHERE id = ?", user_id);
}

json_t *people_units_brief(struct db *db, bool enforcing_only)
{
	json_t *list = json_array();
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, name FROM units WHERE (? = 0 OR enforcement_power = 1) ORDER BY sort, id",
		     DB_INT(enforcing_only)) < 0) {
		log_error("读取单位列表失败: %s", db_errmsg(db));
		return list;
	}
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(list, json_pack("{s:I,s:s}", "id", (json_int_t)db_int(r, i, 0), "name", db_text(r, i, 1)));
	db_res_free(r);
	return list;
}
