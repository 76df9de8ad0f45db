/*
 * admin_deadlines.c - the deadline lists and one deadline of the back
 * office; the statistics are admin_deadline_stats.c, the rules
 * admin_deadline_rules.c.
 *
 *   GET  /admin/deadlines[?unit=ID&state=S&from=YYYY-MM&to=YYYY-MM]
 *        everyone: their own open deadlines, most urgent first;
 *        a unit head (and the supervisor, administrator, leader): the
 *        deadlines of a unit in their scope (?unit=, default their own);
 *        the supervisor, administrator and leader: the statistics below
 *        (admin_deadline_stats.c);
 *   GET  /admin/deadlines.xlsx        a unit's deadlines as a workbook;
 *   GET  /admin/deadlines/{id}        one clock: its rule, dates and the
 *        history of its due date (its owner, or a unit head / supervisor /
 *        administrator / leader / archivist / reviewer with the unit in scope).
 *
 * Invariants: a unit outside the actor's data scope is a 403 whatever the
 * URL says (actor_unit_in_scope), never an empty list; the workbook is
 * written to a private temporary file (mkstemp) that is unlinked before
 * the response is sent.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "app/app.h"
#include "http/xlsx.h"
#include "http/form.h"
#include "http/list.h"
#include "pages/pages.h"
#include "pages/admin_deadlines.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "people/people.h"
#include <jansson.h>

static const char *state_label(const char *s)
{
	return dict_label("deadline_state", s);
}

/* The Chinese name of an object type (the dictionary's). */
static const char *object_label(const char *t)
{
	return dict_label("object_type", t);
}

/* ------------------------------------------------------ /admin/deadlines */

void page_deadline_due(struct req *r, const json_t *d)
{
	h_printf(r->out, "%s", js(d, "due_on"));
	if (json_is_true(json_object_get(d, "provisional")))
		h_printf(r->out, " <abbr class=\"badge prov\" title=\"%s\">暂定</abbr>", js(d, "provisional_note"));
}

/* A column head: sortable when v is given (the unit's list). */
/* The state of a clock as a badge; a paused one as a warning that says
 * since when and why: 已中止：听证（2026-03-02 起）. */
static void state_badge_html(struct req *r, const json_t *d)
{
	if (str_eq(js(d, "state"), "paused"))
		h_printf(r->out, "<span class=\"badge warn\">%s：%s（%s 起）</span>", state_label("paused"), js(d, "pause_reason"),
			 js(d, "paused_since"));
	else
		h_printf(r->out, "<span class=\"badge %s\">%s</span>", js(d, "state"), state_label(js(d, "state")));
}

static void dl_th(struct req *r, const struct list_view *v, const char *col, const char *label)
{
	if (v)
		list_th(r, v, col, label);
	else
		h_printf(r->out, "<th scope=\"col\">%s</th>", label);
}

static void deadline_rows(struct req *r, const json_t *list, const json_t *owners, const struct list_view *v)
{
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"dl\"><thead><tr>");
	dl_th(r, v, "rule_name", "事项");
	dl_th(r, v, "object_type", "对象");
	if (owners)
		dl_th(r, v, "owner_name", "经办人");
	dl_th(r, v, "started_on", "起算日");
	dl_th(r, v, "due_on", "截止日");
	dl_th(r, v, "state", "状态");
	h_raw(r->out, "</tr></thead><tbody>");
	size_t i;
	const json_t *d;
	json_array_foreach(list, i, d) {
		h_printf(r->out, "<tr><td><a href=\"/admin/deadlines/%lld\">%s</a></td><td>%s %s</td>", ji(d, "id"),
			 js(d, "rule_name"), object_label(js(d, "object_type")), js(d, "object_id"));
		if (owners)
			h_printf(r->out, "<td>%s</td>", str_empty(js(d, "owner_name")) ? "—" : js(d, "owner_name"));
		h_printf(r->out, "<td>%s</td><td>", js(d, "started_on"));
		page_deadline_due(r, d);
		h_raw(r->out, "</td><td>");
		state_badge_html(r, d);
		if (str_eq(js(d, "state"), "met"))
			h_printf(r->out, " %s%s", js(d, "met_on"),
				 json_is_true(json_object_get(d, "met_late")) ? "（逾期完成）" : "（按时）");
		h_raw(r->out, "</td></tr>");
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_deadlines(struct req *r, json_t *m)
{
	page_begin(r, "期限");
	h_raw(r->out, "<h1>期限</h1><p class=\"muted\">期限自事件发生的次日起算；按工作日计算的期限已扣除法定节假日并计入调休上班日。"
		       "<a href=\"/admin/deadlines/rules\">期限规则</a></p>");
	json_t *mine = json_object_get(m, "mine");
	h_printf(r->out, "<h2>我的未完成期限（%zu）</h2>", json_array_size(mine));
	if (!json_array_size(mine))
		h_raw(r->out, "<p class=\"muted\">目前没有需要您办理的期限。</p>");
	else
		deadline_rows(r, mine, NULL, NULL);

	json_t *unit = json_object_get(m, "unit");
	json_t *units = json_object_get(m, "units");
	if (json_is_array(units)) {
		if (json_is_object(unit))
			h_printf(r->out, "<h2>%s的期限</h2>", js(unit, "name"));
		else
			h_raw(r->out, "<h2>处室单位的期限</h2>");
		h_raw(r->out, "<form method=\"get\" action=\"/admin/deadlines\" class=\"search\">"
			       "<label for=\"unit\" class=\"visually-hidden\">处室单位</label><select id=\"unit\" name=\"unit\">");
		if (!json_is_object(unit))
			h_raw(r->out, "<option value=\"\">请选择处室单位</option>");
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u)
			h_printf(r->out, "<option value=\"%lld\"%s>%s</option>", ji(u, "id"),
				 ji(u, "id") == ji(unit, "id") ? " selected" : "", js(u, "name"));
		h_raw(r->out, "</select><label for=\"state\" class=\"visually-hidden\">状态</label><select id=\"state\" name=\"state\">");
		size_t nst;
		const struct dict_entry *states = dict_entries("deadline_state", &nst);
		h_raw(r->out, "<option value=\"\">全部状态</option>");
		for (size_t k = 0; k < nst; k++)
			h_printf(r->out, "<option value=\"%s\"%s>%s</option>", states[k].code,
				 str_eq(states[k].code, js(unit, "state")) ? " selected" : "", states[k].label);
		h_raw(r->out, "</select><button type=\"submit\" class=\"secondary\">查看</button></form>");
		json_t *list = json_object_get(unit, "deadlines");
		if (json_is_object(unit) && !json_array_size(list))
			h_raw(r->out, "<p class=\"muted\">没有符合条件的期限。</p>");
		else if (json_is_object(unit)) {
			static const char *const keys[] = { "unit", "state" };
			struct list_view v = { "/admin/deadlines", list_filter_query(r, keys, ARRAY_SIZE(keys)), js(m, "sort"),
					       json_is_true(json_object_get(m, "asc")) };
			deadline_rows(r, list, json_object_get(unit, "owners"), &v);
			h_raw(r->out, "<p class=\"actions\">");
			list_export_link(r, &v, "/admin/deadlines.xlsx");
			h_raw(r->out, "</p>");
		}
	}

	deadline_stats_section(r, json_object_get(m, "stats"));
	page_end(r);
}

/* id -> name of the people of a unit, for the 经办人 column. */
static json_t *owner_names(struct req *r, long long unit_id)
{
	json_t *people = NULL, *names = json_object();
	struct err e = ERR_INIT;
	if (people_user_list(r->db, &r->actor, unit_id, &people, &e) == 0) {
		size_t i;
		json_t *p;
		json_array_foreach(people, i, p) {
			char key[32];
			snprintf(key, sizeof key, "%lld", ji(p, "id"));
			json_object_set_new(names, key, json_string(js(p, "name")));
		}
	}
	json_decref(people);
	return names;
}

/* The unit's deadlines (as the list shows them) as a workbook. */
static void export_deadlines(struct req *r, const json_t *list, const char *unit_name, const char *state)
{
	json_t *rows = json_array();
	size_t i;
	const json_t *d;
	json_array_foreach(list, i, d) {
		const char *st = state_label(js(d, "state"));
		if (str_eq(js(d, "state"), "met"))
			st = req_printf(r, "%s %s%s", st, js(d, "met_on"),
					json_is_true(json_object_get(d, "met_late")) ? "（逾期完成）" : "（按时）");
		json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s]", js(d, "rule_name"), object_label(js(d, "object_type")),
						      js(d, "object_id"), js(d, "owner_name"), js(d, "started_on"),
						      js(d, "due_on"), st));
	}
	static const struct xlsx_col cols[] = {
		{ "事项", 24, XLSX_TEXT }, { "对象类型", 12, XLSX_TEXT }, { "对象编号", 14, XLSX_TEXT },
		{ "经办人", 10, XLSX_TEXT }, { "起算日", 12, XLSX_TEXT }, { "截止日", 12, XLSX_TEXT },
		{ "状态", 24, XLSX_TEXT },
	};
	char today[11];
	time_today_shanghai(today);
	xlsx_send(r, "期限", req_printf(r, "%s的期限%s%s（%s 导出，共 %zu 条）", unit_name, state ? "：" : "",
					 state ? state_label(state) : "", today, json_array_size(rows)),
		  cols, ARRAY_SIZE(cols), rows, req_printf(r, "期限_%s_%s.xlsx", unit_name, today),
		  req_printf(r, "deadlines-%s.xlsx", today));
	json_decref(rows);
}

static int serve_deadlines(struct req *r, bool xlsx)
{
	struct err e = ERR_INIT;
	bool stats_role = (r->actor.roles & STATS_ROLES) != 0;
	bool unit_role = stats_role || actor_has(&r->actor, ROLE_HEAD);
	json_t *mine = deadline_list_user(r->db, r->actor.user_id, 200, &e);
	if (!mine) {
		resp_err(r, &e);
		return 0;
	}
	json_t *m = json_pack("{s:o,s:n,s:n,s:n}", "mine", mine, "unit", "units", "stats");

	/* a unit's deadlines */
	const char *us = req_param(r, "unit");
	long long unit_id = 0;
	if (!str_empty(us) && str_to_ll(us, 1, INT64_MAX, &unit_id) < 0) {
		err_set(&e, ERR_INVALID, "unit", "参数 unit（处室单位编号）必须是正整数");
		goto fail;
	}
	if (unit_id && (!unit_role || !actor_unit_in_scope(r->db, &r->actor, unit_id))) {
		err_set(&e, ERR_FORBIDDEN, "unit", "无权查看该处室单位的期限");
		goto fail;
	}
	if (!unit_id && actor_has(&r->actor, ROLE_HEAD))
		unit_id = r->actor.unit_id;
	if (unit_role) {
		json_t *all = NULL, *units = json_array();
		if (people_unit_list(r->db, &r->actor, &all, &e) == 0) {
			size_t i;
			json_t *u;
			json_array_foreach(all, i, u)
				if (json_is_true(json_object_get(u, "in_scope")))
					json_array_append_new(units, json_pack("{s:I,s:s}", "id", (json_int_t)ji(u, "id"),
									       "name", js(u, "name")));
		}
		json_decref(all);
		json_object_set_new(m, "units", units);
	}
	if (unit_id) {
		const char *state = req_param(r, "state");
		if (str_empty(state))
			state = NULL;
		json_t *list = deadline_list_unit(r->db, unit_id, state, 500, &e);
		if (!list)
			goto fail;
		json_t *owners = owner_names(r, unit_id);
		size_t k;
		json_t *d;
		json_array_foreach(list, k, d) {
			char key[32];
			snprintf(key, sizeof key, "%lld", ji(d, "owner_user_id"));
			const char *who = json_string_value(json_object_get(owners, key));
			json_object_set_new(d, "owner_name", json_string(who ? who : ""));
		}
		json_decref(owners);
		static const struct list_col cols[] = {
			{ "rule_name", false }, { "object_type", false }, { "owner_name", false },
			{ "started_on", false }, { "due_on", false }, { "state", false },
		};
		const char *sort;
		bool asc;
		if (list_sort_parse(r, cols, ARRAY_SIZE(cols), "", true, &sort, &asc, &e) < 0) {
			json_decref(list);
			goto fail;
		}
		if (!str_empty(sort))
			list_sort_json(list, sort, false, asc);
		json_object_set_new(m, "sort", json_string(sort));
		json_object_set_new(m, "asc", json_boolean(asc));
		const char *uname = "";
		size_t i;
		json_t *u;
		json_array_foreach(json_object_get(m, "units"), i, u)
			if (ji(u, "id") == unit_id)
				uname = js(u, "name");
		json_object_set_new(m, "unit", json_pack("{s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)unit_id,
							 "name", uname, "state", state ? state : "", "deadlines", list,
							 "owners", owner_names(r, unit_id)));
		if (xlsx) {
			export_deadlines(r, list, uname, state);
			json_decref(m);
			return 0;
		}
	}

	if (xlsx) {
		err_set(&e, ERR_INVALID, "unit", "请选择要导出期限的处室单位");
		goto fail;
	}
	/* the statistics of every unit */
	bool refused = false;
	if (stats_role && deadline_stats_model(r, m, &refused, &e) < 0)
		goto fail;
	page_model(r, m, render_deadlines);
	if (refused)
		r->status = 400;
	return 0;
fail:
	json_decref(m);
	resp_err(r, &e);
	return 0;
}

/* ------------------------------------------------------ one deadline */

static void render_deadline(struct req *r, json_t *m)
{
	json_t *d = json_object_get(m, "deadline");
	page_begin(r, "期限详情");
	h_printf(r->out, "<nav aria-label=\"位置\" class=\"crumbs\"><a href=\"/admin/deadlines\">期限</a> › %s</nav>",
		 js(d, "rule_name"));
	h_printf(r->out, "<h1>%s</h1><dl class=\"facts\"><dt>对象</dt><dd>%s %s</dd><dt>起算日</dt><dd>%s（不计入期限）</dd>"
		 "<dt>期限</dt><dd>%lld 个%s</dd><dt>截止日</dt><dd>", js(d, "rule_name"), object_label(js(d, "object_type")),
		 js(d, "object_id"), js(d, "started_on"), ji(d, "days"),
		 str_eq(js(d, "day_kind"), "calendar") ? "自然日" : "工作日");
	page_deadline_due(r, d);
	if (json_is_true(json_object_get(d, "provisional")))
		h_printf(r->out, "<p class=\"hint\">%s</p>", js(d, "provisional_note"));
	h_raw(r->out, "</dd><dt>状态</dt><dd>");
	state_badge_html(r, d);
	if (str_eq(js(d, "state"), "met"))
		h_printf(r->out, " %s%s", js(d, "met_on"),
			 json_is_true(json_object_get(d, "met_late")) ? "（逾期完成）" : "（按时）");
	h_printf(r->out, "</dd><dt>依据</dt><dd>%s%s</dd>", js(d, "rule_source"),
		 json_is_true(json_object_get(d, "own_rule")) ? "（本部门规定）" : "");
	bool cal = str_eq(js(d, "day_kind"), "calendar");
	if (ji(d, "extension_days") > 0)
		h_printf(r->out, "<dt>可否延长</dt><dd>经%s批准可延长，每次至多 %lld 个%s，共 %lld 次；依据：%s%s</dd>",
			 dict_label("role", js(d, "extension_role")), ji(d, "extension_days"), cal ? "自然日" : "工作日",
			 ji(d, "extension_times"), js(d, "extension_basis"),
			 json_is_true(json_object_get(d, "extension_own_rule")) ? "（本部门规定，法律未规定延长）" : "");
	else
		h_raw(r->out, "<dt>可否延长</dt><dd>规则没有延长的规定</dd>");
	h_raw(r->out, "</dl>");
	json_t *pz = json_object_get(d, "pauses"), *xs = json_object_get(d, "extensions");
	h_raw(r->out, "<h2 id=\"pauses\">中止计算（不计入期限的期间）</h2>");
	if (!json_array_size(pz)) {
		h_raw(r->out, "<p class=\"muted\">没有中止计算的期间。</p>");
	} else {
		h_raw(r->out, "<p class=\"muted\">中止之日不计入期限，恢复之日起重新计入。</p><div class=\"table-wrap\"><table>"
			       "<thead><tr><th scope=\"col\">事由</th><th scope=\"col\">中止日</th><th scope=\"col\">恢复日</th>"
			       "<th scope=\"col\">不计天数</th><th scope=\"col\">依据</th></tr></thead><tbody>");
		size_t i;
		json_t *p;
		json_array_foreach(pz, i, p) {
			bool open = json_is_null(json_object_get(p, "to"));
			h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td>", js(p, "reason"), js(p, "from"),
				 open ? "尚在中止" : js(p, "to"));
			if (open)
				h_raw(r->out, "<td>—</td>");
			else
				h_printf(r->out, "<td>%lld 个%s</td>", ji(p, "days"), cal ? "自然日" : "工作日");
			h_printf(r->out, "<td>%s</td></tr>", js(p, "basis"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<h2 id=\"extensions\">延长</h2>");
	if (!json_array_size(xs)) {
		h_raw(r->out, "<p class=\"muted\">没有延长。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">延长</th>"
			       "<th scope=\"col\">批准人</th><th scope=\"col\">截止日</th><th scope=\"col\">依据</th></tr></thead><tbody>");
		size_t i;
		json_t *x;
		json_array_foreach(xs, i, x)
			h_printf(r->out, "<tr><td>%s</td><td>%lld 个%s</td><td>%s</td><td>%s → %s</td><td>%s</td></tr>",
				 js(x, "at_local"), ji(x, "days"), cal ? "自然日" : "工作日", js(x, "by"), js(x, "old_due"),
				 js(x, "new_due"), js(x, "basis"));
		h_raw(r->out, "</tbody></table></div>");
	}
	json_t *h = json_object_get(m, "history");
	h_raw(r->out, "<h2>截止日变更记录</h2>");
	if (!json_array_size(h)) {
		h_raw(r->out, "<p class=\"muted\">截止日自起算以来没有变更。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">原截止日</th>"
			       "<th scope=\"col\">新截止日</th><th scope=\"col\">原因</th></tr></thead><tbody>");
		size_t i;
		json_t *c;
		json_array_foreach(h, i, c)
			h_printf(r->out, "<tr><td>%s</td><td>%s%s</td><td>%s%s</td><td>%s</td></tr>", js(c, "at_local"),
				 js(c, "old_due"), json_is_true(json_object_get(c, "old_provisional")) ? "（暂定）" : "",
				 js(c, "new_due"), json_is_true(json_object_get(c, "new_provisional")) ? "（暂定）" : "",
				 js(c, "reason"));
		h_raw(r->out, "</tbody></table></div>");
	}
	page_end(r);
}

int page_admin_deadline(struct req *r)
{
	struct err e = ERR_INIT;
	long long id = req_param_id(r, 0);
	json_t *d = id > 0 ? deadline_get(r->db, id, &e) : NULL;
	if (!d) {
		if (id <= 0)
			err_set(&e, ERR_NOTFOUND, "id", "期限不存在");
		resp_err(r, &e);
		return 0;
	}
	/* who sees clocks beyond their own: the roles whose lists and
	 * dashboards show the clocks of the units in their scope */
	bool unit_role = (r->actor.roles & (STATS_ROLES | ROLE_HEAD | ROLE_ARCHIVIST | ROLE_REVIEWER)) != 0;
	bool mine = json_is_integer(json_object_get(d, "owner_user_id")) && ji(d, "owner_user_id") == r->actor.user_id;
	if (!mine && !(unit_role && actor_unit_in_scope(r->db, &r->actor, ji(d, "unit_id")))) {
		json_decref(d);
		err_set(&e, ERR_FORBIDDEN, "id", "无权查看该期限");
		resp_err(r, &e);
		return 0;
	}
	json_t *h = deadline_history(r->db, id, &e);
	if (!h) {
		json_decref(d);
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, json_pack("{s:o,s:o}", "deadline", d, "history", h), render_deadline);
}

int page_admin_deadlines(struct req *r)
{
	return serve_deadlines(r, false);
}

/* GET /admin/deadlines.xlsx?unit=&state=&sort=&dir=: a unit's deadlines. */
int page_admin_deadlines_list_xlsx(struct req *r)
{
	return serve_deadlines(r, true);
}

