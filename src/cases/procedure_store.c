/*
 * procedure_store.c - the table procedures: versions in force on a day,
 * reading, adding a version, and loading the embedded defaults (see
 * procedure.h).
 */
#include "core/core.h"
#include "core/embedded.h"
#include "cases/procedure.h"
#include "actor/audit.h"
#include "calendar/calendar.h"
#include "ledger/ledger.h"

static int db_fail(struct db *db, struct err *e)
{
	log_error("procedures: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

static bool date_ok(const char *s)
{
	int32_t d;
	return s && cal_date_parse(s, &d) == 0;
}

static bool code_ok(const char *s)
{
	if (!s || !(s[0] >= 'a' && s[0] <= 'z') || strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

#define ROW_COLS "id, code, version, kind, name, effective_from, basis, created_at, created_by, sha256"

/* Row r (columns ROW_COLS, then definition when with_def) as an object. */
static json_t *row_json(const struct db_res *r, int i, bool with_def, struct err *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_int(r, i, 0)));
	json_object_set_new(o, "code", json_string(db_text(r, i, 1)));
	json_object_set_new(o, "version", json_integer(db_int(r, i, 2)));
	json_object_set_new(o, "kind", json_string(db_text(r, i, 3)));
	json_object_set_new(o, "kind_label", json_string(procedure_kind_label(db_text(r, i, 3))));
	json_object_set_new(o, "name", json_string(db_text(r, i, 4)));
	json_object_set_new(o, "effective_from", json_string(db_text(r, i, 5)));
	json_object_set_new(o, "basis", json_string(db_text(r, i, 6)));
	json_object_set_new(o, "created_at", json_string(db_text(r, i, 7)));
	json_object_set_new(o, "created_by", json_string(db_text(r, i, 8)));
	json_object_set_new(o, "sha256", json_string(db_text(r, i, 9)));
	if (with_def) {
		json_error_t je;
		json_t *d = json_loads(db_text(r, i, 10), 0, &je);
		if (!d) {
			json_decref(o);
			log_error("procedures: definition %lld unreadable: %s", db_int(r, i, 0), je.text);
			err_set(e, ERR_INTERNAL, "", "执法程序定义无法读取");
			return NULL;
		}
		json_object_set_new(o, "definition", d);
	}
	return o;
}

int procedure_for(struct db *db, const char *code, const char *date, json_t **def, long long *id,
		  struct err *e)
{
	if (def)
		*def = NULL;
	if (!date_ok(date))
		return err_set(e, ERR_INVALID, "date", "日期「%s」不是有效的日期（应为 年-月-日）", date ? date : "");
	if (!code_ok(code))
		return err_set(e, ERR_NOTFOUND, "procedure", "执法程序「%s」不存在", code ? code : "");
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, definition FROM procedures WHERE code = ? AND effective_from <= ?"
			     " ORDER BY effective_from DESC, version DESC LIMIT 1",
		     DB_TEXT(code), DB_TEXT(date)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "procedure", "执法程序「%s」在 %s 没有生效的版本", code, date);
	}
	if (def) {
		json_error_t je;
		*def = json_loads(db_text(r, 0, 1), 0, &je);
		if (!*def) {
			db_res_free(r);
			return err_set(e, ERR_INTERNAL, "", "执法程序定义无法读取");
		}
	}
	if (id)
		*id = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

int procedure_get(struct db *db, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r;
	if (db_query(db, &r, "SELECT " ROW_COLS ", definition FROM procedures WHERE id = ?", DB_INT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "执法程序版本不存在");
	}
	*out = row_json(r, 0, true, e);
	db_res_free(r);
	return *out ? 0 : -1;
}

/* The versions of one code (or of every code when code is NULL), newest
 * version first within a code, each with "current" set for the version in
 * force today.  Returns the array of {code, kind, kind_label, name,
 * current_id, versions}. */
static int versions_by_code(struct db *db, const char *code, json_t **out, struct err *e)
{
	char today[11];
	time_today_shanghai(today);
	struct db_res *r;
	int rc = code ? db_query(db, &r, "SELECT " ROW_COLS " FROM procedures WHERE code = ?"
					 " ORDER BY code, version DESC", DB_TEXT(code))
		      : db_query(db, &r, "SELECT " ROW_COLS " FROM procedures ORDER BY code, version DESC");
	if (rc < 0)
		return db_fail(db, e);
	json_t *list = json_array();
	json_t *cur = NULL;
	for (int i = 0; i < r->nrows; i++) {
		if (!cur || strcmp(json_string_value(json_object_get(cur, "code")), db_text(r, i, 1)) != 0) {
			cur = json_object();
			json_object_set_new(cur, "code", json_string(db_text(r, i, 1)));
			json_object_set_new(cur, "kind", json_string(db_text(r, i, 3)));
			json_object_set_new(cur, "kind_label", json_string(procedure_kind_label(db_text(r, i, 3))));
			/* the name of the newest version */
			json_object_set_new(cur, "name", json_string(db_text(r, i, 4)));
			json_object_set_new(cur, "current_id", json_null());
			json_object_set_new(cur, "versions", json_array());
			json_array_append_new(list, cur);
		}
		json_t *v = row_json(r, i, false, e);
		json_object_set_new(v, "current", json_false());
		json_array_append_new(json_object_get(cur, "versions"), v);
	}
	db_res_free(r);
	/* The version in force today: latest effective_from <= today, then
	 * the highest version. */
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		json_t *best = NULL;
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(c, "versions"), k, v) {
			const char *ef = json_string_value(json_object_get(v, "effective_from"));
			if (strcmp(ef, today) > 0)
				continue;
			if (!best || strcmp(ef, json_string_value(json_object_get(best, "effective_from"))) > 0)
				best = v; /* versions run newest first, so ties keep the higher version */
		}
		if (best) {
			json_object_set_new(best, "current", json_true());
			json_object_set(c, "current_id", json_object_get(best, "id"));
		}
	}
	*out = list;
	return 0;
}

int procedure_list(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以查看执法程序");
	return versions_by_code(db, NULL, out, e);
}

int procedure_view(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以查看执法程序");
	json_t *p, *list;
	if (procedure_get(db, id, &p, e) < 0)
		return -1;
	if (versions_by_code(db, json_string_value(json_object_get(p, "code")), &list, e) < 0) {
		json_decref(p);
		return -1;
	}
	json_t *c = json_array_get(list, 0);
	json_t *versions = json_object_get(c, "versions");
	json_object_set(p, "versions", versions);
	bool current = json_integer_value(json_object_get(c, "current_id")) == id &&
		       json_is_integer(json_object_get(c, "current_id"));
	json_object_set_new(p, "current", json_boolean(current));
	json_decref(list);
	json_t *names = json_object(), *clocks = procedure_clocks(json_object_get(p, "definition"));
	size_t i;
	json_t *ck;
	json_array_foreach(clocks, i, ck) {
		const char *code = json_string_value(ck);
		struct db_res *r;
		if (db_query(db, &r, "SELECT name FROM deadline_rules WHERE event_code = ? ORDER BY effective_from DESC"
				     " LIMIT 1", DB_TEXT(code)) < 0) {
			json_decref(clocks);
			json_decref(names);
			json_decref(p);
			return db_fail(db, e);
		}
		const char *name = r->nrows ? db_text(r, 0, 0) : procedure_clock_pending_name(code);
		json_object_set_new(names, code, json_string(name ? name : "未登记的计时"));
		db_res_free(r);
	}
	json_decref(clocks);
	json_object_set_new(p, "clock_names", names);
	*out = p;
	return 0;
}

/* Insert one version inside the caller's transaction, with its op_log row
 * and ledger leaf.  by = the username for created_by. */
static int insert_version(struct db *db, const struct actor *a, const char *code, int version, const json_t *def,
			  const char *effective_from, const char *note, long long *id, struct err *e)
{
	char *text = procedure_canonical(def);
	char sha[65], now[21];
	procedure_sha256(text, sha);
	time_now_utc(now);
	const char *by = a && a->username[0] ? a->username : "system";
	const json_t *basis = json_object_get(def, "basis");
	struct db_res *r;
	int rc = db_query(db, &r, "INSERT INTO procedures(code, version, kind, name, effective_from, definition,"
				  " sha256, basis, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_TEXT(code), DB_INT(version), DB_TEXT(json_string_value(json_object_get(def, "kind"))),
			  DB_TEXT(json_string_value(json_object_get(def, "name"))), DB_TEXT(effective_from),
			  DB_TEXT(text), DB_TEXT(sha), DB_TEXT(json_string_value(basis)), DB_TEXT(now), DB_TEXT(by));
	free(text);
	if (rc < 0)
		return -2; /* the caller tells a constraint apart */
	long long nid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char ids[24], detail[200];
	snprintf(ids, sizeof ids, "%lld", nid);
	snprintf(detail, sizeof detail, "%s 第%d版，%s起施行%s", code, version, effective_from, note ? note : "");
	if (audit_log(db, a, "procedure.add", "procedure", ids, "ok", detail) < 0)
		return db_fail(db, e);
	json_t *f = json_pack("{s:I,s:s,s:i,s:I,s:s}", "id", (json_int_t)nid, "code", code, "version", version,
			      "actor", (json_int_t)(a ? a->user_id : 0), "sha256", sha);
	rc = ledger_append(db, "procedure.version", f, NULL, e);
	json_decref(f);
	if (rc < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

int procedure_add_version(struct db *db, const struct actor *a, const char *code, const json_t *def,
			  const char *effective_from, long long *id, struct errs *all, struct err *e)
{
	struct errs local = ERRS_INIT;
	struct errs *l = all ? all : &local;
	int rc = -1;
	if (!actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		goto out;
	}
	if (!actor_has(a, ROLE_ADMIN)) {
		err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以增加执法程序版本");
		goto out;
	}
	size_t before = l->n;
	char today[11];
	time_today_shanghai(today);
	if (!code_ok(code))
		errs_add(l, ERR_INVALID, "code", "程序代码不合规范（小写字母开头，只含小写字母、数字和下划线，不超过32个字符）");
	if (!date_ok(effective_from))
		errs_add(l, ERR_INVALID, "effective_from", "施行日期「%s」不是有效的日期（应为 年-月-日）",
			 effective_from ? effective_from : "");
	else if (strcmp(effective_from, today) < 0)
		errs_add(l, ERR_INVALID, "effective_from", "施行日期 %s 早于今天（%s）：新版本不能溯及既往", effective_from,
			 today);
	procedure_validate_db(db, def, l);
	if (l->n == before && json_is_object(def)) {
		char *text = procedure_canonical(def);
		if (strlen(text) > PROCEDURE_MAX_BYTES)
			errs_add(l, ERR_TOOLARGE, "definition", "程序定义过长（超过%d KB）", PROCEDURE_MAX_BYTES / 1024);
		free(text);
	}
	if (l->n > before) {
		errs_first(l, e);
		if (!e || !e->kind)
			err_set(e, ERR_INVALID, "definition", "执法程序定义有误");
		goto out;
	}
	if (db_begin(db) < 0) {
		db_fail(db, e);
		goto out;
	}
	struct db_res *r;
	if (db_query(db, &r, "SELECT kind, version FROM procedures WHERE code = ? ORDER BY version DESC LIMIT 1",
		     DB_TEXT(code)) < 0) {
		db_fail(db, e);
		db_rollback(db);
		goto out;
	}
	int version = 1;
	const char *kind = json_string_value(json_object_get(def, "kind"));
	if (r->nrows) {
		if (strcmp(db_text(r, 0, 0), kind) != 0) {
			errs_add(l, ERR_INVALID, "kind", "执法类别不能改变：程序「%s」是%s，新版本写的是%s", code,
				 procedure_kind_label(db_text(r, 0, 0)), procedure_kind_label(kind));
			errs_first(l, e);
			db_res_free(r);
			db_rollback(db);
			goto out;
		}
		version = (int)db_int(r, 0, 1) + 1;
	}
	db_res_free(r);
	int irc = insert_version(db, a, code, version, def, effective_from, NULL, id, e);
	if (irc == -2) {
		if (db_errcode(db) == DBE_CONSTRAINT)
			err_set(e, ERR_CONFLICT, "code", "程序「%s」刚被他人增加了新版本，请刷新后重试", code);
		else
			db_fail(db, e);
	}
	if (irc < 0 || db_commit(db) < 0) {
		if (irc == 0)
			db_fail(db, e);
		db_rollback(db);
		goto out;
	}
	rc = 0;
out:
	errs_release(&local);
	return rc;
}

json_t *procedure_defaults(struct err *e)
{
	const struct embedded_file *f = embedded_find(PROCEDURE_DEFAULTS_FILE);
	if (!f) {
		err_set(e, ERR_INTERNAL, "", "缺少默认执法程序文件");
		return NULL;
	}
	json_error_t je;
	json_t *doc = json_loadb((const char *)f->data, f->len, 0, &je);
	json_t *list = json_object_get(doc, "procedures");
	if (!json_is_array(list)) {
		json_decref(doc);
		err_set(e, ERR_INTERNAL, "", "默认执法程序文件格式错误：%s", je.text);
		return NULL;
	}
	json_t *out = json_object();
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		const char *ef = json_string_value(json_object_get(p, "effective_from"));
		json_t *def = json_object_get(p, "definition");
		if (!code_ok(code) || !date_ok(ef) || !json_is_object(def)) {
			json_decref(out);
			json_decref(doc);
			err_set(e, ERR_INTERNAL, "", "默认执法程序文件第%zu项格式错误", i + 1);
			return NULL;
		}
		json_object_set_new(out, code, json_pack("{s:s,s:O}", "effective_from", ef, "definition", def));
	}
	json_decref(doc);
	return out;
}

static int load_defaults_once(struct db *db, const json_t *defaults, int *added, struct err *e)
{
	*added = 0;
	if (db_begin(db) < 0)
		return db_fail(db, e);
	const char *code;
	json_t *p;
	json_object_foreach((json_t *)defaults, code, p) {
		long long have = db_scalar_int(db, -1, "SELECT COUNT(*) FROM procedures WHERE code = ?",
					       (const struct db_val[]){ DB_TEXT(code), DB_END });
		if (have < 0) {
			db_rollback(db);
			return db_fail(db, e);
		}
		if (have > 0)
			continue;
		int rc = insert_version(db, NULL, code, 1, json_object_get(p, "definition"),
					json_string_value(json_object_get(p, "effective_from")), "（默认）", NULL, e);
		if (rc < 0) {
			if (rc == -2)
				rc = db_errcode(db) == DBE_CONSTRAINT ? -2 : db_fail(db, e);
			db_rollback(db);
			return rc;
		}
		(*added)++;
	}
	if (db_commit(db) < 0) {
		db_rollback(db);
		return db_errcode(db) == DBE_CONSTRAINT ? -2 : db_fail(db, e);
	}
	return 0;
}

int procedure_ensure_defaults(struct db *db, int *added, struct err *e)
{
	int n = 0;
	if (added)
		*added = 0;
	json_t *defaults = procedure_defaults(e);
	if (!defaults)
		return -1;
	/* The shipped definitions must pass the same validation as an
	 * administrator's. */
	const char *code;
	json_t *p;
	json_object_foreach(defaults, code, p) {
		struct errs all = ERRS_INIT;
		if (procedure_validate_db(db, json_object_get(p, "definition"), &all) < 0) {
			err_set(e, ERR_INTERNAL, "", "默认执法程序「%s」有误：%s", code, all.n ? all.v[0].msg : "");
			errs_release(&all);
			json_decref(defaults);
			return -1;
		}
		errs_release(&all);
	}
	int rc = load_defaults_once(db, defaults, &n, e);
	if (rc == -2) /* another instance loaded them at the same moment */
		rc = load_defaults_once(db, defaults, &n, e);
	if (rc == -2)
		rc = err_set(e, ERR_CONFLICT, "", "默认执法程序载入冲突，请重试");
	json_decref(defaults);
	if (rc == 0 && added)
		*added = n;
	return rc;
}
