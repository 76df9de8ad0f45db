/*
 * audit.c - the operation log and the login log (see audit.h).  This file
 * only ever INSERTs into op_log and login_log and SELECTs from them.
 */
#include "core/core.h"
#include "core/dict.h"
#include "people/audit.h"

static const char *actor_who(const struct actor *a)
{
	if (a && a->username[0])
		return a->username;
	return "system";
}

int audit_log(struct db *db, const struct actor *a, const char *action,
	      const char *object_type, const char *object_id,
	      const char *result, const char *detail)
{
	char now[21];
	time_now_utc(now);
	int r = db_exec(db, "INSERT INTO op_log(at, user_id, username, unit_id, ip, request_id, action,"
			" object_type, object_id, result, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			DB_TEXT(now),
			a && a->user_id ? DB_INT(a->user_id) : DB_NULL,
			DB_TEXT(actor_who(a)),
			a && a->unit_id ? DB_INT(a->unit_id) : DB_NULL,
			DB_TEXT(a ? a->ip : ""),
			DB_TEXT(a ? a->request_id : ""),
			DB_TEXT(action), DB_TEXT(object_type), DB_TEXT(object_id ? object_id : ""),
			DB_TEXT(result ? result : "ok"), DB_TEXT(detail ? detail : ""));
	if (r < 0)
		log_error("写入操作日志失败: %s", db_errmsg(db));
	return r;
}

int audit_login(struct db *db, long long user_id, const char *username,
		const char *ip, const char *user_agent,
		const char *result, const char *reason)
{
	char now[21], name[65], ua[257];
	time_now_utc(now);
	snprintf(name, sizeof name, "%s", username ? username : "");
	snprintf(ua, sizeof ua, "%s", user_agent ? user_agent : "");
	int r = db_exec(db, "INSERT INTO login_log(at, user_id, username, ip, user_agent, result, reason)"
			" VALUES (?,?,?,?,?,?,?)",
			DB_TEXT(now), user_id > 0 ? DB_INT(user_id) : DB_NULL, DB_TEXT(name),
			DB_TEXT(ip ? ip : ""), DB_TEXT(ua), DB_TEXT(result), DB_TEXT(reason ? reason : ""));
	if (r < 0)
		log_error("写入登录日志失败: %s", db_errmsg(db));
	return r;
}

/* Beijing date 'YYYY-MM-DD' (+days) to the UTC timestamp of its midnight. */
static int date_to_utc_start(const char *date, int plus_days, char out[21])
{
	char ts[21];
	if (!date || strlen(date) != 10)
		return -1;
	snprintf(ts, sizeof ts, "%sT00:00:00Z", date);
	long long t = time_utc_parse(ts);
	if (t < 0)
		return -1;
	char back[21];
	time_unix_to_utc(t, back);
	if (strncmp(back, date, 10) != 0) /* refuses 2026-02-30 */
		return -1;
	time_unix_to_utc(t + (long long)plus_days * 86400 - 8 * 3600, out);
	return 0;
}

enum { MAXP = 16 };
struct where {
	struct buf sql;
	struct db_val p[MAXP];
	int n;
	char from[21], to[21];
};

static void where_eq(struct where *w, const char *col, const char *v)
{
	if (str_empty(v) || w->n >= MAXP - 3)
		return;
	buf_printf(&w->sql, " AND %s = ?", col);
	w->p[w->n++] = DB_TEXT(v);
}

static int where_build(struct where *w, const struct audit_filter *f, bool oplog, struct err *e)
{
	buf_init(&w->sql, 0);
	buf_puts(&w->sql, " WHERE 1=1");
	w->n = 0;
	where_eq(w, "username", f->username);
	where_eq(w, "result", f->result);
	where_eq(w, "ip", f->ip);
	if (oplog) {
		where_eq(w, "action", f->action);
		where_eq(w, "object_type", f->object_type);
		where_eq(w, "object_id", f->object_id);
		if (f->unit_id > 0) {
			buf_puts(&w->sql, " AND unit_id = ?");
			w->p[w->n++] = DB_INT(f->unit_id);
		}
		if (!str_empty(f->role)) {
			if (!dict_has("role", f->role)) {
				buf_release(&w->sql);
				return err_set(e, ERR_INVALID, "role", "角色不正确，请从列表中选择");
			}
			buf_puts(&w->sql, " AND user_id IN (SELECT user_id FROM user_roles WHERE role = ?)");
			w->p[w->n++] = DB_TEXT(f->role);
		}
	}
	if (!str_empty(f->date_from)) {
		if (date_to_utc_start(f->date_from, 0, w->from) < 0) {
			buf_release(&w->sql);
			return err_set(e, ERR_INVALID, "date_from", "起始日期格式不正确,应为 YYYY-MM-DD");
		}
		buf_puts(&w->sql, " AND at >= ?");
		w->p[w->n++] = DB_TEXT(w->from);
	}
	if (!str_empty(f->date_to)) {
		if (date_to_utc_start(f->date_to, 1, w->to) < 0) {
			buf_release(&w->sql);
			return err_set(e, ERR_INVALID, "date_to", "截止日期格式不正确,应为 YYYY-MM-DD");
		}
		buf_puts(&w->sql, " AND at < ?");
		w->p[w->n++] = DB_TEXT(w->to);
	}
	return 0;
}

static const char *const sort_cols[] = { "at", "username", "action", "object_type", "result", "ip" };

bool audit_sort_ok(const char *col, bool oplog)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_cols); i++)
		if (str_eq(col, sort_cols[i]))
			return oplog || !(str_eq(col, "action") || str_eq(col, "object_type"));
	return false;
}

static json_t *cell_json(const struct db_res *r, int row, int col, bool integer)
{
	const char *v = db_cell(r, row, col);
	if (!v)
		return json_null();
	if (integer)
		return json_integer(db_int(r, row, col));
	return json_string(v);
}

static const char *js_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static int search(struct db *db, const struct actor *a, const struct audit_filter *f,
		  bool oplog, json_t **out, struct err *e)
{
	static const struct audit_filter none = { 0 };
	*out = NULL;
	if (!actor_has(a, ROLE_ADMIN | ROLE_SUPERVISOR))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员和监督人员可以查询日志");
	if (!f)
		f = &none;
	int page = f->page > 0 && !f->all ? f->page : 1;
	int per = f->all ? AUDIT_EXPORT_MAX : f->per_page > 0 ? f->per_page : 50;
	if (per > 200 && !f->all)
		per = 200;
	if (page > 1000000)
		page = 1000000;
	const char *sort = str_empty(f->sort) ? "at" : f->sort;
	if (!audit_sort_ok(sort, oplog))
		return err_set(e, ERR_INVALID, "sort", "排序的列不正确");
	struct where w;
	if (where_build(&w, f, oplog, e) < 0)
		return -1;
	const char *table = oplog ? "op_log" : "login_log";
	const char *cols = oplog
		? "id, at, user_id, username, unit_id, ip, request_id, action, object_type, object_id, result, detail"
		: "id, at, user_id, username, ip, user_agent, result, reason";
	struct db_res *r = NULL;
	int rc = -1;
	char *sql = xasprintf("SELECT COUNT(*) FROM %s%s", table, buf_str(&w.sql));
	w.p[w.n] = DB_END;
	long long total = db_scalar_int(db, -1, sql, w.p);
	free(sql);
	if (total < 0) {
		err_set(e, ERR_INTERNAL, "", "查询日志失败");
		goto out;
	}
	/* sort is one of sort_cols (checked above), so the ORDER BY text is a
	 * literal of this file; id breaks ties in the same direction */
	const char *dir = f->asc ? "ASC" : "DESC";
	sql = xasprintf("SELECT %s FROM %s%s ORDER BY %s %s, id %s LIMIT ? OFFSET ?", cols, table, buf_str(&w.sql),
			str_eq(sort, "at") ? "id" : sort, dir, dir);
	w.p[w.n] = DB_INT(per);
	w.p[w.n + 1] = DB_INT((long long)(page - 1) * per);
	w.p[w.n + 2] = DB_END;
	int q = db_query_a(db, sql, w.p, &r);
	free(sql);
	if (q < 0) {
		err_set(e, ERR_INTERNAL, "", "查询日志失败");
		goto out;
	}
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = json_object();
		for (int c = 0; c < r->ncols; c++) {
			const char *name = r->names[c];
			bool integer = strcmp(name, "id") == 0 || strcmp(name, "user_id") == 0 ||
				       strcmp(name, "unit_id") == 0;
			json_object_set_new(o, name, cell_json(r, i, c, integer));
		}
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 1), local);
		json_object_set_new(o, "at_local", json_string(local));
		if (oplog) {
			json_object_set_new(o, "action_label", json_string(dict_label("audit_action", js_str(o, "action"))));
			json_object_set_new(o, "object_type_label",
					    json_string(dict_label("object_type", js_str(o, "object_type"))));
			json_object_set_new(o, "result_label", json_string(dict_label("audit_result", js_str(o, "result"))));
		} else {
			json_object_set_new(o, "result_label", json_string(dict_label("login_result", js_str(o, "result"))));
		}
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:I,s:i,s:i,s:o}", "total", (json_int_t)total, "page", page,
			 "per_page", per, "items", items);
	rc = 0;
out:
	db_res_free(r);
	buf_release(&w.sql);
	return rc;
}

int audit_search(struct db *db, const struct actor *a, const struct audit_filter *f,
		 json_t **out, struct err *e)
{
	return search(db, a, f, true, out, e);
}

int audit_login_search(struct db *db, const struct actor *a, const struct audit_filter *f,
		       json_t **out, struct err *e)
{
	return search(db, a, f, false, out, e);
}
