/*
 * admin_units.c - back-office pages for the unit tree (/admin/units): the
 * list with its form, one unit, deleting one, and the export.
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

/* ================= units ================= */

json_t *admin_unit_list(struct req *r)
{
	json_t *u = NULL;
	struct err e = ERR_INIT;
	if (people_unit_list(r->db, &r->actor, &u, &e) < 0 || !u)
		u = json_array();
	return u;
}

static const json_t *unit_find(const json_t *units, long long id)
{
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
		if (ji(u, "id") == id)
			return u;
	return NULL;
}

static void unit_fields(struct req *r, const json_t *m, const json_t *unit)
{
	const json_t *units = json_object_get(m, "units");
	char sort[24];
	snprintf(sort, sizeof sort, "%lld", unit ? ji(unit, "sort") : 0);
	af_input(r, m, "text", "name", "单位名称", unit ? js(unit, "name") : "", "required maxlength=\"64\"", NULL);
	af_input(r, m, "text", "code", "单位代码", unit ? js(unit, "code") : "", "required maxlength=\"32\"",
		 "1-32 位小写字母、数字、下划线或连字符");
	af_unit_select(r, m, units, "parent_id", "parent_id", "上级单位", unit ? ji(unit, "parent_id") : 0, "（无，顶级单位）", false,
		       unit ? ji(unit, "id") : 0);
	const char *kind = af_has_input(m) ? af_value(m, "kind", NULL) : unit ? js(unit, "kind") : "office";
	h_raw(r->out, "<div class=\"field\"><label for=\"kind\">单位类型 <span class=\"hint\">执法主体是以自己名义执法的行政机关或法律、法规授权的组织；"
		       "内设处室是其承办机构</span></label><select id=\"kind\" name=\"kind\"");
	if (str_eq(af_error_field(m), "kind"))
		h_raw(r->out, " aria-invalid=\"true\" aria-describedby=\"kind-error\"");
	h_printf(r->out, "><option value=\"office\"%s>内设机构（承办机构）</option><option value=\"body\"%s>执法主体</option></select>",
		 str_eq(kind, "body") ? "" : " selected", str_eq(kind, "body") ? " selected" : "");
	af_field_error(r, m, "kind");
	h_raw(r->out, "</div>");
	af_checkbox(r, m, "enforcement_power", "承担行政执法工作（执法主体本身或其承办机构）",
		    unit && json_is_true(json_object_get(unit, "enforcement_power")));
	af_checkbox(r, m, "is_reviewer", "法制审核机构（政策法规处）",
		    unit && json_is_true(json_object_get(unit, "is_reviewer")));
	af_input(r, m, "number", "sort", "排序", sort, "min=\"0\" max=\"99999\"", "同级单位中由小到大排列");
	h_raw(r->out, "<fieldset class=\"roles\"><legend>执法主体的公开信息（仅执法主体填写，在公示门户公开）</legend>");
	af_input(r, m, "text", "address", "办公地址", unit ? js(unit, "address") : "", "maxlength=\"100\"", NULL);
	af_input(r, m, "text", "phone", "联系电话", unit ? js(unit, "phone") : "", "maxlength=\"100\"", NULL);
	af_input(r, m, "text", "head_name", "负责人", unit ? js(unit, "head_name") : "", "maxlength=\"100\"", NULL);
	af_input(r, m, "text", "complaint_phone", "监督投诉电话", unit ? js(unit, "complaint_phone") : "", "maxlength=\"100\"", NULL);
	h_raw(r->out, "</fieldset>");
}

static void render_units(struct req *r, json_t *m)
{
	page_begin(r, "处室单位");
	h_raw(r->out, "<h1>处室单位</h1>");
	af_alerts(r, m);
	h_raw(r->out, "<p class=\"muted\">本厅的单位树。具有行政执法权的单位在公示门户「执法主体」中公开；"
		       "法制审核机构负责重大执法决定的法制审核和执法证件管理。"
		       "执法主体（本厅，或法律、法规授权的组织）在公示门户「执法主体」中公开其地址、电话、负责人和监督投诉电话；"
		       "承担执法工作的内设处室作为其承办机构列在它下面。</p>");
	struct list_view v = { "/admin/units", "", js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
	bool sorted = !str_empty(v.sort);
	h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">单位列表</caption><thead><tr>");
	list_th(r, &v, "name", "单位名称");
	list_th(r, &v, "code", "代码");
	list_th(r, &v, "parent_name", "上级单位");
	h_raw(r->out, "<th scope=\"col\">类型</th><th scope=\"col\">执法工作</th><th scope=\"col\">法制审核</th>");
	list_th(r, &v, "sort", "排序");
	h_raw(r->out, "<th scope=\"col\">操作</th></tr></thead><tbody>");
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(m, "shown"), i, u) {
		long long depth = sorted ? 0 : ji(u, "depth");
		h_printf(r->out, "<tr><td class=\"tree-d%lld\">%s</td><td><code>%s</code></td><td>%s</td>",
			 depth > 5 ? 5 : depth, js(u, "name"), js(u, "code"), str_empty(js(u, "parent_name")) ? "—" : js(u, "parent_name"));
		h_printf(r->out, "<td>%s</td><td>%s</td><td>%s</td><td>%lld</td>",
			 str_eq(js(u, "kind"), "body") ? "执法主体" : "内设机构",
			 json_is_true(json_object_get(u, "enforcement_power")) ? "承担" : "—",
			 json_is_true(json_object_get(u, "is_reviewer")) ? "是" : "—", ji(u, "sort"));
		h_printf(r->out, "<td><a href=\"/admin/units/%lld\">%s</a></td></tr>", ji(u, "id"),
			 admin_can_admin(r) ? "编辑" : "查看");
	}
	h_raw(r->out, "</tbody></table></div><p class=\"actions\">");
	if (sorted)
		h_raw(r->out, "<a href=\"/admin/units\">按单位树显示</a> ");
	list_export_link(r, &v, "/admin/units.xlsx");
	h_raw(r->out, "</p>");
	if (json_is_true(json_object_get(m, "can_manage"))) {
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"new-unit\"><h2 id=\"new-unit\">新建单位</h2>"
			       "<form method=\"post\" action=\"/admin/units\">");
		form_csrf(r);
		unit_fields(r, m, NULL);
		h_raw(r->out, "<button type=\"submit\">创建单位</button></form></section>");
	}
	page_end(r);
}

static const struct list_col unit_cols[] = {
	{ "name", false }, { "code", false }, { "parent_name", false }, { "sort", true },
};

/* The units model: the tree (or, with ?sort=, a flat list in that order);
 * NULL after answering a malformed sort. */
static json_t *units_model_sorted(struct req *r)
{
	const char *sort;
	bool asc;
	struct err e = ERR_INIT;
	if (r->method != M_POST && list_sort_parse(r, unit_cols, ARRAY_SIZE(unit_cols), "", true, &sort, &asc, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	if (r->method == M_POST)
		sort = "", asc = true;
	json_t *units = admin_unit_list(r);
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u) {
		const json_t *parent = unit_find(units, ji(u, "parent_id"));
		json_object_set_new(u, "parent_name", json_string(parent ? js(parent, "name") : ""));
	}
	json_t *shown = json_deep_copy(units);
	if (!str_empty(sort))
		list_sort_json(shown, sort, str_eq(sort, "sort"), asc);
	return json_pack("{s:o,s:o,s:b,s:s,s:b}", "units", units, "shown", shown, "can_manage", admin_can_admin(r), "sort", sort,
			 "asc", asc);
}

static json_t *units_model(struct req *r)
{
	json_t *m = units_model_sorted(r);
	return m ? m : json_pack("{s:[],s:[],s:b}", "units", "shown", "can_manage", admin_can_admin(r));
}

/* Read the unit form; -1 with e naming the field for a malformed number. */
static int unit_from_form(struct req *r, struct unit_input *in, struct err *e)
{
	memset(in, 0, sizeof *in);
	in->code = req_param(r, "code");
	in->name = req_param(r, "name");
	if (!in->code)
		in->code = "";
	if (!in->name)
		in->name = "";
	if (af_param_id(r, "parent_id", &in->parent_id, e, "上级单位无效，请从列表中选择") < 0)
		return -1;
	const char *s = req_param(r, "sort");
	long long sort = 0;
	if (!str_empty(s) && str_to_ll(s, 0, 99999, &sort) < 0)
		return err_set(e, ERR_INVALID, "sort", "排序须为 0 至 99999 的整数");
	in->sort = (int)sort;
	in->enforcement_power = !str_empty(req_param(r, "enforcement_power")) &&
				!str_eq(req_param(r, "enforcement_power"), "0");
	in->is_reviewer = !str_empty(req_param(r, "is_reviewer")) && !str_eq(req_param(r, "is_reviewer"), "0");
	in->kind = req_param(r, "kind");
	in->address = req_param(r, "address");
	in->phone = req_param(r, "phone");
	in->head_name = req_param(r, "head_name");
	in->complaint_phone = req_param(r, "complaint_phone");
	return 0;
}

int page_admin_units(struct req *r)
{
	if (r->method != M_POST) {
		json_t *m = units_model_sorted(r);
		return m ? page_model(r, m, render_units) : 0;
	}
	struct unit_input in;
	struct err e = ERR_INIT;
	long long id = 0;
	if (unit_from_form(r, &in, &e) < 0 || people_unit_create(r->db, &r->actor, &in, &id, &e) < 0)
		return af_fail(r, units_model(r), &e, render_units);
	return af_done(r, req_printf(r, "/admin/units/%lld?ok=created", id), json_pack("{s:I}", "id", (json_int_t)id));
}

void admin_render_unit(struct req *r, json_t *m)
{
	const json_t *u = json_object_get(m, "unit");
	const json_t *units = json_object_get(m, "units");
	const json_t *parent = unit_find(units, ji(u, "parent_id"));
	page_begin(r, req_printf(r, "单位：%s", js(u, "name")));
	h_printf(r->out, "<p class=\"noprint\"><a href=\"/admin/units\">← 返回单位列表</a></p><h1>%s</h1>", js(u, "name"));
	af_alerts(r, m);
	h_printf(r->out, "<dl class=\"props card\"><dt>单位代码</dt><dd><code>%s</code></dd><dt>上级单位</dt><dd>%s</dd>"
		 "<dt>单位类型</dt><dd>%s</dd><dt>办公地址</dt><dd>%s</dd><dt>联系电话</dt><dd>%s</dd><dt>负责人</dt><dd>%s</dd>"
		 "<dt>监督投诉电话</dt><dd>%s</dd><dt>行政执法工作</dt><dd>%s</dd><dt>法制审核机构</dt><dd>%s</dd><dt>排序</dt><dd>%lld</dd>"
		 "<dt>人员</dt><dd>%zu 人</dd></dl>",
		 js(u, "code"), parent ? js(parent, "name") : "（顶级单位）",
		 str_eq(js(u, "kind"), "body") ? "执法主体" : "内设机构（承办机构）",
		 str_empty(js(u, "address")) ? "—" : js(u, "address"), str_empty(js(u, "phone")) ? "—" : js(u, "phone"),
		 str_empty(js(u, "head_name")) ? "—" : js(u, "head_name"),
		 str_empty(js(u, "complaint_phone")) ? "—" : js(u, "complaint_phone"),
		 json_is_true(json_object_get(u, "enforcement_power")) ? "承担" : "不承担",
		 json_is_true(json_object_get(u, "is_reviewer")) ? "是" : "否", ji(u, "sort"),
		 json_array_size(json_object_get(m, "people")));
	admin_unit_leader_section(r, m);
	json_t *people = json_object_get(m, "people");
	if (json_array_size(people)) {
		h_raw(r->out, "<h2>本单位人员</h2><ul>");
		size_t i;
		json_t *p;
		json_array_foreach(people, i, p)
			h_printf(r->out, "<li><a href=\"/admin/users/%lld\">%s</a>（%s）</li>", ji(p, "id"), js(p, "name"),
				 js(p, "role_labels"));
		h_raw(r->out, "</ul>");
	}
	if (json_is_true(json_object_get(m, "can_manage"))) {
		h_printf(r->out, "<section class=\"card\" aria-labelledby=\"edit-unit\"><h2 id=\"edit-unit\">修改单位</h2>"
			 "<form method=\"post\" action=\"/admin/units/%lld\">", ji(u, "id"));
		form_csrf(r);
		unit_fields(r, m, u);
		h_raw(r->out, "<button type=\"submit\">保存修改</button></form></section>");
		h_printf(r->out, "<section class=\"card\" aria-labelledby=\"del-unit\"><h2 id=\"del-unit\">删除单位</h2>"
			 "<p class=\"muted\">只有没有下级单位、也没有人员的单位才能删除。</p>"
			 "<form method=\"post\" action=\"/admin/units/%lld/delete\">", ji(u, "id"));
		form_csrf(r);
		h_raw(r->out, "<button type=\"submit\" class=\"secondary\">删除此单位</button></form></section>");
	}
	page_end(r);
}

/* The model of unit id, or NULL after answering 404. */
json_t *admin_unit_model(struct req *r, long long id)
{
	json_t *units = admin_unit_list(r);
	const json_t *u = unit_find(units, id);
	if (!u) {
		json_decref(units);
		resp_error(r, 404, NULL, "单位不存在。");
		return NULL;
	}
	json_t *people = NULL;
	struct err e = ERR_INIT;
	if (people_user_list(r->db, &r->actor, id, &people, &e) < 0 || !people)
		people = json_array();
	json_t *m = json_pack("{s:O,s:o,s:o,s:b}", "unit", u, "units", units, "people", people, "can_manage",
			      admin_can_admin(r));
	admin_unit_leader_model(r, m, id);
	return m;
}

int page_admin_unit(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = id > 0 ? admin_unit_model(r, id) : NULL;
	if (!m) {
		if (id <= 0)
			resp_error(r, 404, NULL, "单位不存在。");
		return 0;
	}
	if (r->method != M_POST)
		return page_model(r, m, admin_render_unit);
	struct unit_input in;
	struct err e = ERR_INIT;
	if (unit_from_form(r, &in, &e) < 0 || people_unit_update(r->db, &r->actor, id, &in, &e) < 0)
		return af_fail(r, m, &e, admin_render_unit);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/units/%lld?ok=saved", id), NULL);
}

int page_admin_unit_delete(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = id > 0 ? admin_unit_model(r, id) : NULL;
	if (!m) {
		if (id <= 0)
			resp_error(r, 404, NULL, "单位不存在。");
		return 0;
	}
	struct err e = ERR_INIT;
	if (people_unit_delete(r->db, &r->actor, id, &e) < 0)
		return af_fail(r, m, &e, admin_render_unit);
	json_decref(m);
	return af_done(r, "/admin/units?ok=deleted", NULL);
}
/* GET /admin/units.xlsx: the units (tree order, or the list's sort). */
int page_admin_units_xlsx(struct req *r)
{
	json_t *m = units_model_sorted(r);
	if (!m)
		return 0;
	json_t *rows = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(m, "shown"), i, u)
		json_array_append_new(rows, json_pack("[s,s,s,s,s,I]", js(u, "name"), js(u, "code"), js(u, "parent_name"),
						      json_is_true(json_object_get(u, "enforcement_power")) ? "有" : "无",
						      json_is_true(json_object_get(u, "is_reviewer")) ? "是" : "否",
						      (json_int_t)ji(u, "sort")));
	static const struct xlsx_col cols[] = {
		{ "单位名称", 28, XLSX_TEXT }, { "代码", 12, XLSX_TEXT }, { "上级单位", 24, XLSX_TEXT },
		{ "执法权", 8, XLSX_TEXT }, { "法制审核", 10, XLSX_TEXT }, { "排序", 8, XLSX_NUMBER },
	};
	char today[11];
	time_today_shanghai(today);
	xlsx_send(r, "处室单位", req_printf(r, "处室单位（%s 导出）", today), cols, ARRAY_SIZE(cols), rows,
		  req_printf(r, "处室单位_%s.xlsx", today), req_printf(r, "units-%s.xlsx", today));
	json_decref(rows);
	json_decref(m);
	return 0;
}
