/*
 * admin_users.c - back-office pages for the people (/admin/users): the list
 * with its form, one person, password reset, locking and the export.
 *
 * Invariants:
 *  - Every page builds one jansson model from people.h and serves it as
 *    HTML or JSON (page_model); the domain checks role and unit scope, the
 *    route table only narrows by role.  Another unit's person by URL is the
 *    domain's ERR_FORBIDDEN, passed through as 403.
 *  - A failed POST re-renders the form with the status of the error, the
 *    Chinese message at the top (role="alert") and beside the named field,
 *    and the user's input kept (never a password); nothing is changed.
 *  - A successful POST redirects (303) to the page showing the result with
 *    ?ok=<what>; JSON clients get {"ok":true,...}.
 *  - No model carries a password or a password hash (people.h never
 *    returns them).
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "http/xlsx.h"
#include "pages/pages.h"
#include "pages/admin_people.h"
#include "people/people.h"
#include "people/password.h"

/* The attributes marking an input as one in error. */
static void invalid_attrs(struct req *r, const json_t *m, const char *name)
{
	af_invalid_attrs(r, m, name);
}

/* ================= people ================= */

static const char *scope_label(long long s)
{
	char code[24];
	snprintf(code, sizeof code, "%lld", s == SCOPE_ALL || s == SCOPE_SUBTREE ? s : (long long)SCOPE_OWN);
	return dict_label("scope", code);
}

/* Locked by an administrator, or after failed logins while that lasts. */
static bool user_is_locked(const json_t *u)
{
	return json_is_true(json_object_get(u, "locked")) || json_is_true(json_object_get(u, "temp_locked"));
}

static void user_status_badges(struct req *r, const json_t *u)
{
	bool any = false;
	if (json_is_true(json_object_get(u, "locked"))) {
		h_raw(r->out, "<span class=\"badge bad\">已锁定</span> ");
		any = true;
	} else if (json_is_true(json_object_get(u, "temp_locked"))) {
		h_printf(r->out, "<span class=\"badge bad\" title=\"密码连续错误，%s 自动解锁\">已锁定</span> ",
			 js(u, "lock_until_local"));
		any = true;
	}
	if (json_is_true(json_object_get(u, "must_change"))) {
		h_raw(r->out, "<span class=\"badge warn\">须修改密码</span>");
		any = true;
	}
	if (!any)
		h_raw(r->out, "<span class=\"badge ok\">正常</span>");
}

static void scope_select(struct req *r, const json_t *m, long long selected)
{
	char sel[8];
	snprintf(sel, sizeof sel, "%lld", selected ? selected : SCOPE_OWN);
	const char *cur = af_has_input(m) ? af_value(m, "scope", NULL) : sel;
	h_raw(r->out, "<div class=\"field\"><label for=\"scope\">数据范围 <span class=\"hint\">可查看哪些单位的数据"
		       "（系统管理员和监督人员总是全部）</span></label><select id=\"scope\" name=\"scope\"");
	invalid_attrs(r, m, "scope");
	h_raw(r->out, ">");
	for (int s = SCOPE_OWN; s <= SCOPE_ALL; s++) {
		char v[16];
		snprintf(v, sizeof v, "%d", s);
		h_printf(r->out, "<option value=\"%d\"%s>%s</option>", s, str_eq(cur, v) ? " selected" : "", scope_label(s));
	}
	h_raw(r->out, "</select>");
	af_field_error(r, m, "scope");
	h_raw(r->out, "</div>");
}

static void roles_checkboxes(struct req *r, const json_t *m, unsigned current)
{
	unsigned on = af_has_input(m) ? roles_parse_list(af_value(m, "roles", NULL)) : current;
	h_raw(r->out, "<fieldset class=\"field roles\"><legend>角色</legend>");
	for (unsigned bit = 1; bit < (1u << ROLE_COUNT); bit <<= 1)
		h_printf(r->out, "<label class=\"check\" for=\"role-%s\"><input type=\"checkbox\" id=\"role-%s\" name=\"roles\" "
			 "value=\"%s\"%s> %s</label> ", role_ident(bit), role_ident(bit), role_ident(bit),
			 (on & bit) ? " checked" : "", role_label(bit));
	af_field_error(r, m, "roles");
	h_raw(r->out, "</fieldset>");
}

static unsigned json_roles(const json_t *u)
{
	unsigned roles = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(u, "roles"), i, v)
		roles |= role_parse(json_string_value(v));
	return roles;
}

/* Fields shared by the create and edit forms (u NULL = create). */
static void user_fields(struct req *r, const json_t *m, const json_t *u)
{
	const json_t *units = json_object_get(m, "units");
	af_unit_select(r, m, units, "unit_id", "unit_id", "所属单位", u ? ji(u, "unit_id") : 0, u ? NULL : "（请选择）", false, 0);
	if (!u)
		af_input(r, m, "text", "username", "用户名", "", "required maxlength=\"32\" autocomplete=\"off\"",
			 "3-32 位小写字母、数字、点、下划线或连字符，创建后不能修改");
	af_input(r, m, "text", "name", "姓名", u ? js(u, "name") : "", "required maxlength=\"32\"", NULL);
	af_input(r, m, "text", "title", "职务", u ? js(u, "title") : "", "maxlength=\"32\"", "可不填");
	roles_checkboxes(r, m, u ? json_roles(u) : 0);
	scope_select(r, m, u ? ji(u, "scope") : SCOPE_OWN);
}

static void render_users(struct req *r, json_t *m)
{
	const json_t *units = json_object_get(m, "units");
	long long filter = ji(m, "unit_id");
	page_begin(r, "用户");
	h_raw(r->out, "<h1>用户</h1>");
	af_alerts(r, m);
	h_raw(r->out, "<form method=\"get\" action=\"/admin/users\" class=\"search\">");
	{
		/* the filter select is not part of an error model */
		json_t *none = json_object();
		af_unit_select(r, none, units, "filter-unit", "unit_id", "按单位筛选", filter, "（全部单位）", true, 0);
		json_decref(none);
	}
	h_raw(r->out, "<button type=\"submit\">筛选</button></form>");
	if (actor_has(&r->actor, ROLE_ADMIN | ROLE_SUPERVISOR))
		h_raw(r->out, "<p><a href=\"/admin/login-guard\">登录锁定与限速</a>：查看被锁定的账号和受限速的地址，并可解锁。</p>");
	json_t *users = json_object_get(m, "users");
	h_printf(r->out, "<p class=\"muted\">共 %zu 人。</p>", json_array_size(users));
	struct list_view v = { "/admin/users", js(m, "query"), js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
	h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">用户列表</caption><thead><tr>");
	list_th(r, &v, "username", "用户名");
	list_th(r, &v, "name", "姓名");
	list_th(r, &v, "title", "职务");
	list_th(r, &v, "unit_name", "单位");
	h_raw(r->out, "<th scope=\"col\">角色</th>");
	list_th(r, &v, "scope", "数据范围");
	h_raw(r->out, "<th scope=\"col\">状态</th>");
	list_th(r, &v, "last_login_at", "最近登录");
	h_raw(r->out, "</tr></thead><tbody>");
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		char last[20] = "—";
		if (!str_empty(js(u, "last_login_at")))
			time_utc_to_shanghai(js(u, "last_login_at"), last);
		h_printf(r->out, "<tr><td><a href=\"/admin/users/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td>"
			 "<td>%s</td><td>%s</td><td>", ji(u, "id"), js(u, "username"), js(u, "name"), js(u, "title"),
			 js(u, "unit_name"), js(u, "role_labels"), scope_label(ji(u, "scope")));
		user_status_badges(r, u);
		h_printf(r->out, "</td><td>%s</td></tr>", last);
	}
	h_raw(r->out, "</tbody></table></div><p class=\"actions\">");
	list_export_link(r, &v, "/admin/users.xlsx");
	h_raw(r->out, "</p>");
	if (json_is_true(json_object_get(m, "can_manage"))) {
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"new-user\"><h2 id=\"new-user\">新建用户</h2>"
			       "<form method=\"post\" action=\"/admin/users\">");
		form_csrf(r);
		user_fields(r, m, NULL);
		af_input(r, m, "password", "password", "初始密码", NULL, "required autocomplete=\"new-password\"",
			 "至少 10 位，含大写字母、小写字母、数字、符号中的三类，不得包含用户名，不得使用常见密码");
		af_checkbox(r, m, "must_change", "首次登录时须修改密码", true);
		h_raw(r->out, "<button type=\"submit\">创建用户</button></form></section>");
	}
	page_end(r);
}

/* The users model; NULL after answering an error (e.g. 403 for a unit
 * filter outside the scope). */
static json_t *users_model(struct req *r)
{
	struct err e = ERR_INIT;
	long long unit_id = 0;
	const char *f = r->method == M_POST ? NULL : req_param(r, "unit_id");
	if (!str_empty(f) && str_to_ll(f, 1, 1000000000000LL, &unit_id) < 0) {
		resp_error(r, 400, "unit_id", "参数「单位」不正确。");
		return NULL;
	}
	json_t *users = NULL;
	if (people_user_list(r->db, &r->actor, unit_id, &users, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	static const struct list_col cols[] = {
		{ "username", false }, { "name", false }, { "title", false }, { "unit_name", false },
		{ "scope", true }, { "last_login_at", false },
	};
	const char *sort = "";
	bool asc = true;
	if (r->method != M_POST && list_sort_parse(r, cols, ARRAY_SIZE(cols), "", true, &sort, &asc, &e) < 0) {
		json_decref(users);
		resp_err(r, &e);
		return NULL;
	}
	if (!str_empty(sort))
		list_sort_json(users, sort, str_eq(sort, "scope"), asc);
	static const char *const keys[] = { "unit_id" };
	return json_pack("{s:o,s:o,s:I,s:b,s:s,s:b,s:s}", "users", users, "units", admin_unit_list(r), "unit_id",
			 (json_int_t)unit_id, "can_manage", admin_can_admin(r), "sort", sort, "asc", asc, "query",
			 r->method == M_POST ? "" : list_filter_query(r, keys, ARRAY_SIZE(keys)));
}

/* Read the person form into in (strings borrowed from r), adding every
 * problem found to all, then the domain's checks (people_user_check) and,
 * for a new account, the password policy: so the form reports all its
 * problems at once.  -1 when there was any. */
static int user_from_form(struct req *r, struct user_input *in, bool create, struct errs *all)
{
	memset(in, 0, sizeof *in);
	struct err e = ERR_INIT;
	if (af_param_id(r, "unit_id", &in->unit_id, &e, "所属单位无效，请从列表中选择") < 0)
		errs_push(all, &e);
	else if (in->unit_id <= 0)
		errs_add(all, ERR_INVALID, "unit_id", "请选择所属单位");
	in->username = req_param(r, "username");
	in->name = req_param(r, "name");
	in->title = req_param(r, "title");
	if (!in->username)
		in->username = "";
	if (!in->name)
		in->name = "";
	const char *roles = af_form_joined(r, "roles");
	if (str_empty(roles))
		errs_add(all, ERR_INVALID, "roles", "请至少选择一个角色");
	else if (!(in->roles = roles_parse_list(roles)))
		errs_add(all, ERR_INVALID, "roles", "角色无效，请从列表中选择");
	const char *s = req_param(r, "scope");
	long long scope = SCOPE_OWN;
	if (!str_empty(s) && str_to_ll(s, SCOPE_OWN, SCOPE_ALL, &scope) < 0)
		errs_add(all, ERR_INVALID, "scope", "数据范围无效，请从列表中选择");
	in->scope = (enum scope)scope;
	struct errs dom = ERRS_INIT;
	people_user_check(r->db, in, create, &dom);
	for (size_t i = 0; i < dom.n; i++)
		if (!errs_find(all, dom.v[i].field)) /* one message per field */
			errs_push(all, &dom.v[i]);
	errs_release(&dom);
	if (create) {
		in->password = req_param(r, "password");
		in->must_change = !str_empty(req_param(r, "must_change")) && !str_eq(req_param(r, "must_change"), "0");
		if (str_empty(in->password))
			errs_add(all, ERR_INVALID, "password", "请填写初始密码");
		else if (password_check_policy(in->username, in->password, &e) < 0)
			errs_push(all, &e);
	}
	return all->n ? -1 : 0;
}

int page_admin_users(struct req *r)
{
	json_t *m = users_model(r);
	if (!m)
		return 0;
	if (r->method != M_POST)
		return page_model(r, m, render_users);
	struct user_input in;
	struct err e = ERR_INIT;
	long long id = 0;
	struct errs all = ERRS_INIT;
	if (!admin_can_admin(r)) /* refused before anything is checked */
		err_set(&e, ERR_FORBIDDEN, "", "只有系统管理员可以管理人员账号");
	if (e.kind)
		return af_fail(r, m, &e, render_users);
	if (user_from_form(r, &in, true, &all) < 0) {
		int rc = af_fail_all(r, m, &all, render_users);
		errs_release(&all);
		return rc;
	}
	if (people_user_create(r->db, &r->actor, &in, &id, &e) < 0)
		return af_fail(r, m, &e, render_users);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=created", id), json_pack("{s:I}", "id", (json_int_t)id));
}

void admin_render_user(struct req *r, json_t *m)
{
	const json_t *u = json_object_get(m, "user");
	long long id = ji(u, "id");
	char last[20] = "—", created[20] = "—";
	if (!str_empty(js(u, "last_login_at")))
		time_utc_to_shanghai(js(u, "last_login_at"), last);
	if (!str_empty(js(u, "created_at")))
		time_utc_to_shanghai(js(u, "created_at"), created);
	page_begin(r, req_printf(r, "用户：%s", js(u, "name")));
	h_printf(r->out, "<p><a href=\"/admin/users\">← 返回用户列表</a></p><h1>%s（%s）</h1>", js(u, "name"),
		 js(u, "username"));
	af_alerts(r, m);
	h_printf(r->out, "<dl class=\"props card\"><dt>用户名</dt><dd>%s</dd><dt>姓名</dt><dd>%s</dd><dt>职务</dt><dd>%s</dd>"
		 "<dt>所属单位</dt><dd>",
		 js(u, "username"), js(u, "name"), str_empty(js(u, "title")) ? "—" : js(u, "title"));
	/* only those who may open the unit pages get the link */
	if (actor_has(&r->actor, ROLE_ADMIN | ROLE_SUPERVISOR))
		h_printf(r->out, "<a href=\"/admin/units/%lld\">%s</a>", ji(u, "unit_id"), js(u, "unit_name"));
	else
		h_printf(r->out, "%s", js(u, "unit_name"));
	h_printf(r->out, "</dd><dt>角色</dt><dd>%s</dd><dt>数据范围</dt><dd>%s</dd><dt>状态</dt><dd>", js(u, "role_labels"),
		 scope_label(ji(u, "scope")));
	user_status_badges(r, u);
	h_printf(r->out, "</dd><dt>最近登录</dt><dd>%s</dd><dt>创建时间</dt><dd>%s</dd></dl>", last, created);
	admin_user_qualifications_section(r, m);
	if (!json_is_true(json_object_get(m, "can_manage"))) {
		page_end(r);
		return;
	}
	const char *which = js(m, "form");
	json_t *none = json_object();
	/* Only the form that failed shows the error and the kept input. */
	const json_t *fm_edit = str_eq(which, "edit") || str_empty(which) ? m : none;
	const json_t *fm_pw = str_eq(which, "password") ? m : none;
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"edit-user\"><h2 id=\"edit-user\">修改人员信息</h2>"
		 "<form method=\"post\" action=\"/admin/users/%lld\">", id);
	form_csrf(r);
	user_fields(r, fm_edit, u);
	h_raw(r->out, "<button type=\"submit\">保存修改</button></form></section>");
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"reset-pw\"><h2 id=\"reset-pw\">重置密码</h2>"
		 "<p class=\"muted\">设置新的初始密码后，该用户的所有会话立即结束，下次登录时须修改密码。</p>"
		 "<form method=\"post\" action=\"/admin/users/%lld/password\">", id);
	form_csrf(r);
	af_input(r, fm_pw, "password", "new_password", "新的初始密码", NULL, "required autocomplete=\"new-password\"",
		 "至少 10 位，含大写字母、小写字母、数字、符号中的三类，不得包含用户名，不得使用常见密码");
	h_raw(r->out, "<button type=\"submit\">设置密码</button></form></section>");
	bool locked = user_is_locked(u);
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"lock-user\"><h2 id=\"lock-user\">%s</h2><p class=\"muted\">%s</p>"
		 "<form method=\"post\" action=\"/admin/users/%lld/%s\">",
		 locked ? "解锁账号" : "锁定账号",
		 locked ? "解锁后该用户可以重新登录，登录失败次数同时清零。" : "锁定后该用户不能登录，已登录的会话立即结束。",
		 id, locked ? "unlock" : "lock");
	form_csrf(r);
	h_printf(r->out, "<button type=\"submit\"%s>%s</button></form></section>", locked ? "" : " class=\"secondary\"",
		 locked ? "解锁" : "锁定");
	json_decref(none);
	page_end(r);
}

/* The model of person id, or NULL after answering (404/403). */
json_t *admin_user_model(struct req *r, long long id)
{
	json_t *u = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, NULL, "人员不存在。");
		return NULL;
	}
	if (people_user_get(r->db, &r->actor, id, &u, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:b,s:o}", "user", u, "units", admin_unit_list(r), "can_manage", admin_can_admin(r),
			 "qualifications", people_qualifications(r->db, id));
}

int page_admin_user(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = admin_user_model(r, id);
	if (!m)
		return 0;
	if (r->method != M_POST)
		return page_model(r, m, admin_render_user);
	struct user_input in;
	struct err e = ERR_INIT;
	json_object_set_new(m, "form", json_string("edit"));
	struct errs all = ERRS_INIT;
	if (!admin_can_admin(r)) /* refused before anything is checked */
		err_set(&e, ERR_FORBIDDEN, "", "只有系统管理员可以管理人员账号");
	if (e.kind)
		return af_fail(r, m, &e, admin_render_user);
	if (user_from_form(r, &in, false, &all) < 0) {
		int rc = af_fail_all(r, m, &all, admin_render_user);
		errs_release(&all);
		return rc;
	}
	if (people_user_update(r->db, &r->actor, id, &in, &e) < 0)
		return af_fail(r, m, &e, admin_render_user);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=saved", id), NULL);
}

int page_admin_user_password(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = admin_user_model(r, id);
	if (!m)
		return 0;
	struct err e = ERR_INIT;
	const char *pw = req_param(r, "new_password");
	json_object_set_new(m, "form", json_string("password"));
	if (str_empty(pw))
		err_set(&e, ERR_INVALID, "new_password", "请填写新的初始密码");
	if (e.kind || people_user_set_password(r->db, &r->actor, id, pw, true, &e) < 0) {
		/* the domain names the policy's field "password"; the form's is new_password */
		if (str_eq(e.field, "password"))
			snprintf(e.field, sizeof e.field, "new_password");
		return af_fail(r, m, &e, admin_render_user);
	}
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=password", id), NULL);
}

static int lock_common(struct req *r, bool locked)
{
	long long id = req_param_id(r, 0);
	json_t *m = admin_user_model(r, id);
	if (!m)
		return 0;
	struct err e = ERR_INIT;
	json_object_set_new(m, "form", json_string("lock"));
	if (people_user_lock(r->db, &r->actor, id, locked, &e) < 0)
		return af_fail(r, m, &e, admin_render_user);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=%s", id, locked ? "locked" : "unlocked"), NULL);
}

int page_admin_user_lock(struct req *r)
{
	return lock_common(r, true);
}

int page_admin_user_unlock(struct req *r)
{
	return lock_common(r, false);
}

/* ================= exports ================= */

/* GET /admin/users.xlsx: the people the list shows (filter and order). */
int page_admin_users_xlsx(struct req *r)
{
	json_t *m = users_model(r);
	if (!m)
		return 0;
	json_t *rows = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(m, "users"), i, u) {
		char last[20] = "";
		if (!str_empty(js(u, "last_login_at")))
			time_utc_to_shanghai(js(u, "last_login_at"), last);
		const char *state = json_is_true(json_object_get(u, "locked")) ? "已锁定"
				  : json_is_true(json_object_get(u, "must_change")) ? "须修改密码" : "正常";
		json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s,s]", js(u, "username"), js(u, "name"), js(u, "title"),
						      js(u, "unit_name"), js(u, "role_labels"), scope_label(ji(u, "scope")),
						      state, last));
	}
	static const struct xlsx_col cols[] = {
		{ "用户名", 14, XLSX_TEXT }, { "姓名", 10, XLSX_TEXT }, { "职务", 14, XLSX_TEXT }, { "单位", 24, XLSX_TEXT },
		{ "角色", 24, XLSX_TEXT }, { "数据范围", 16, XLSX_TEXT }, { "状态", 12, XLSX_TEXT },
		{ "最近登录（北京时间）", 18, XLSX_TEXT },
	};
	char today[11];
	time_today_shanghai(today);
	xlsx_send(r, "用户", req_printf(r, "用户（%s 导出，共 %zu 人）", today, json_array_size(rows)), cols, ARRAY_SIZE(cols),
		  rows, req_printf(r, "用户_%s.xlsx", today), req_printf(r, "users-%s.xlsx", today));
	json_decref(rows);
	json_decref(m);
	return 0;
}

