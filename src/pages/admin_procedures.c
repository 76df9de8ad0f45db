/*
 * admin_procedures.c - the enforcement procedures (程序模板) for the
 * administrator:
 *   GET  /admin/procedures                 every procedure with its versions;
 *   GET  /admin/procedures/{id}            one version: stages with what each
 *                                          requires, its clocks and basis,
 *                                          transitions, endings, versions;
 *   GET|POST /admin/procedures/{id}/new-version
 *                                          a new version of that procedure: the
 *                                          definition as JSON and its date;
 *   GET|POST /api/v1/procedures            the list as JSON / add a version
 *                                          ({code, effective_from, definition});
 *   GET  /api/v1/procedures/{id}           one version as JSON.
 * A refused version answers 400 with every problem named in Chinese (the
 * form keeps what was typed) and nothing is written.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"
#include "cases/procedure.h"
#include <jansson.h>

/* Names of the number kinds a definition names: the dictionary's when it
 * has them, else these. */
static const struct { const char *code, *label; } number_names[] = {
	{ "penalty_filing", "立案号" },
	{ "penalty_decision", "行政处罚决定书文号" },
	{ "penalty_simple", "当场行政处罚决定书编号" },
	{ "licence_acceptance", "受理通知书编号" },
	{ "licence_decision", "行政许可决定书文号" },
	{ "coercion_decision", "查封、扣押决定书文号" },
	{ "inspection", "检查编号" },
};

/* The clock's name from the model's clock_names. */
static const char *clock_label(const json_t *m, const char *code)
{
	const char *l = js(json_object_get(m, "clock_names"), code);
	return l[0] ? l : "未登记的计时";
}

static const char *number_label(const char *code)
{
	const char *l = dict_find("number_kind", code);
	if (l)
		return l;
	for (size_t i = 0; i < ARRAY_SIZE(number_names); i++)
		if (str_eq(number_names[i].code, code))
			return number_names[i].label;
	return "编号";
}

static const char *role_name(const char *ident)
{
	return str_empty(ident) ? "" : dict_label("role", ident);
}

/* "（本部门规定）" after a rule the department set itself. */
static void own_mark(struct req *r, const json_t *o)
{
	if (json_is_true(json_object_get(o, "own_rule")))
		h_raw(r->out, " <span class=\"badge pending\">本部门规定</span>");
}

static void status_badge(struct req *r, const json_t *v, const char *today)
{
	if (json_is_true(json_object_get(v, "current")))
		h_raw(r->out, " <span class=\"badge ok\">现行</span>");
	else if (strcmp(js(v, "effective_from"), today) > 0)
		h_raw(r->out, " <span class=\"badge warn\">待生效</span>");
	else
		h_raw(r->out, " <span class=\"badge history\">已被替代</span>");
}

/* ------------------------------------------------------------- the list */

static void render_list(struct req *r, json_t *m)
{
	char today[11];
	time_today_shanghai(today);
	page_begin(r, "执法程序");
	h_raw(r->out, "<h1>执法程序</h1><p class=\"muted\">每类执法行为按程序模板办理：阶段、可流转的下一阶段、离开各阶段前须具备的条件、"
		       "起止的计时和每条规则的法律依据。修改程序即增加一个带施行日期的新版本；已立案的案件继续适用立案时的版本。</p>");
	h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">程序</th><th scope=\"col\">执法类别</th>"
		       "<th scope=\"col\">版本（施行日期）</th><th scope=\"col\">操作</th></tr></thead><tbody>");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "procedures"), i, p) {
		json_t *versions = json_object_get(p, "versions");
		long long show = json_is_integer(json_object_get(p, "current_id")) ? ji(p, "current_id")
										   : ji(json_array_get(versions, 0), "id");
		h_printf(r->out, "<tr><td><a href=\"/admin/procedures/%lld\">%s</a></td><td>%s</td><td><ul class=\"bare\">",
			 show, js(p, "name"), js(p, "kind_label"));
		size_t k;
		json_t *v;
		json_array_foreach(versions, k, v) {
			h_printf(r->out, "<li><a href=\"/admin/procedures/%lld\">第%lld版</a>（%s起施行）", ji(v, "id"),
				 ji(v, "version"), js(v, "effective_from"));
			status_badge(r, v, today);
			h_raw(r->out, "</li>");
		}
		h_printf(r->out, "</ul></td><td><a href=\"/admin/procedures/%lld/new-version\">增加新版本</a></td></tr>", show);
	}
	h_raw(r->out, "</tbody></table></div>");
	page_end(r);
}

static json_t *body_json(struct req *r)
{
	if (!r->content_type || !str_starts(r->content_type, "application/json") || !r->body)
		return NULL;
	return json_loadb(r->body, r->body_len, 0, NULL);
}

static void errs_json(json_t *m, const struct errs *all)
{
	json_object_set_new(m, "errors", form_errs_json(all));
}

/* POST /api/v1/procedures: {code, effective_from, definition} as JSON. */
static int api_add(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *in = body_json(r);
	if (!json_is_object(in)) {
		json_decref(in);
		err_set(&e, ERR_INVALID, "definition", "请求内容必须是 JSON 对象：{程序代码 code、施行日期 effective_from、定义 definition}");
		resp_err(r, &e);
		return 0;
	}
	const char *code = json_string_value(json_object_get(in, "code"));
	const char *from = json_string_value(json_object_get(in, "effective_from"));
	struct errs all = ERRS_INIT;
	long long id = 0;
	if (procedure_add_version(r->db, &r->actor, code, json_object_get(in, "definition"), from, &id, &all, &e) == 0) {
		json_decref(in);
		errs_release(&all);
		json_t *out = NULL;
		if (procedure_get(r->db, id, &out, &e) < 0) {
			resp_err(r, &e);
			return 0;
		}
		resp_json(r, 201, out);
		return 0;
	}
	json_decref(in);
	if (!e.kind)
		errs_first(&all, &e);
	if (e.kind != ERR_INVALID || !all.n) {
		errs_release(&all);
		resp_err(r, &e);
		return 0;
	}
	json_t *err = json_pack("{s:i,s:s,s:s,s:s}", "status", e.kind, "message", "执法程序版本未保存，存在以下问题", "field",
				e.field, "request_id", r->rid);
	errs_json(err, &all);
	errs_release(&all);
	resp_json(r, e.kind, json_pack("{s:o}", "error", err));
	return 0;
}

int page_admin_procedures(struct req *r)
{
	if (r->method == M_POST)
		return api_add(r);
	struct err e = ERR_INIT;
	json_t *list = NULL;
	if (procedure_list(r->db, &r->actor, &list, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, json_pack("{s:o}", "procedures", list), render_list);
}

/* ----------------------------------------------------------- one version */

static void clock_list(struct req *r, const json_t *m, const json_t *a, const char *prefix)
{
	size_t i;
	const json_t *c;
	json_array_foreach(a, i, c)
		h_printf(r->out, "<li>%s：%s</li>", prefix, clock_label(m, json_string_value(c)));
}

static void render_requirement(struct req *r, const json_t *q)
{
	const char *type = js(q, "type");
	h_printf(r->out, "<li><strong>%s</strong>", procedure_requirement_label(type)[0] ? procedure_requirement_label(type)
											 : "未登记的条件");
	if (str_eq(type, "approval"))
		h_printf(r->out, "：%s（由%s审批）", js(q, "name"), role_name(js(q, "role")));
	else if (!str_empty(js(q, "name")) && !str_eq(js(q, "name"), procedure_requirement_label(type)))
		h_printf(r->out, "：%s", js(q, "name"));
	own_mark(r, q);
	h_printf(r->out, "<br><span class=\"muted\">依据：%s</span></li>", js(q, "basis"));
}

static void render_stages(struct req *r, const json_t *m, const json_t *def)
{
	h_raw(r->out, "<h2 id=\"stages\">阶段</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">序号</th>"
		       "<th scope=\"col\">阶段</th><th scope=\"col\">进入时</th><th scope=\"col\">离开前须具备</th>"
		       "<th scope=\"col\">可流转到</th><th scope=\"col\">依据</th></tr></thead><tbody>");
	const char *initial = js(def, "initial");
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(def, "stages"), i, s) {
		const char *code = js(s, "code");
		h_printf(r->out, "<tr id=\"stage-%s\"><td>%zu</td><td>%s", code, i + 1, js(s, "name"));
		if (str_eq(code, initial))
			h_raw(r->out, " <span class=\"badge pending\">起始</span>");
		if (procedure_is_final(def, code))
			h_raw(r->out, " <span class=\"badge ok\">结案</span>");
		h_raw(r->out, "</td><td><ul class=\"bare\">");
		if (!str_empty(js(s, "number")))
			h_printf(r->out, "<li>编号：%s</li>", number_label(js(s, "number")));
		clock_list(r, m, json_object_get(s, "start_clocks"), "开始计时");
		clock_list(r, m, json_object_get(s, "meet_clocks"), "完成计时");
		h_raw(r->out, "</ul></td><td><ul class=\"bare\">");
		size_t k;
		const json_t *q;
		json_array_foreach(json_object_get(s, "requires"), k, q)
			render_requirement(r, q);
		h_raw(r->out, "</ul></td><td><ul class=\"bare\">");
		const json_t *t;
		json_array_foreach(json_object_get(def, "transitions"), k, t) {
			if (!str_eq(js(t, "from"), code))
				continue;
			h_printf(r->out, "<li><a href=\"#stage-%s\">%s</a>", js(t, "to"), procedure_stage_name(def, js(t, "to")));
			if (!str_empty(js(t, "when")))
				h_printf(r->out, "（%s）", js(t, "when"));
			h_raw(r->out, "</li>");
		}
		h_printf(r->out, "</ul></td><td>%s</td></tr>", js(s, "basis"));
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_transitions(struct req *r, const json_t *def)
{
	h_raw(r->out, "<h2 id=\"transitions\">流转</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">从</th>"
		       "<th scope=\"col\">到</th><th scope=\"col\">适用情形</th><th scope=\"col\">依据</th></tr></thead><tbody>");
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(def, "transitions"), i, t)
		h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", procedure_stage_name(def, js(t, "from")),
			 procedure_stage_name(def, js(t, "to")), str_empty(js(t, "when")) ? "—" : js(t, "when"), js(t, "basis"));
	h_raw(r->out, "</tbody></table></div>");
}

static void render_endings(struct req *r, const json_t *m, const json_t *def)
{
	const json_t *en = json_object_get(def, "endings");
	if (json_array_size(en) == 0)
		return;
	h_raw(r->out, "<h2 id=\"endings\">其他终结方式</h2><p class=\"muted\">不予立案、撤案、移送、终止等不是删除：须写明理由，"
		       "经有权审批的人员批准，案件及其全部记录保留。</p><div class=\"table-wrap\"><table><thead><tr>"
		       "<th scope=\"col\">终结方式</th><th scope=\"col\">可在以下阶段</th><th scope=\"col\">审批</th>"
		       "<th scope=\"col\">依据</th></tr></thead><tbody>");
	size_t i;
	const json_t *x;
	json_array_foreach(en, i, x) {
		h_printf(r->out, "<tr><td>%s", js(x, "name"));
		own_mark(r, x);
		h_raw(r->out, "</td><td>");
		const json_t *from = json_object_get(x, "from");
		if (!from) {
			h_raw(r->out, "结案前任一阶段");
		} else {
			size_t k;
			const json_t *s;
			json_array_foreach(from, k, s)
				h_printf(r->out, "%s%s", k ? "、" : "", procedure_stage_name(def, json_string_value(s)));
		}
		h_printf(r->out, "</td><td>%s</td><td>%s", role_name(js(x, "role")), js(x, "basis"));
		size_t q;
		const json_t *c;
		json_array_foreach(json_object_get(x, "meet_clocks"), q, c)
			h_printf(r->out, "<br><span class=\"muted\">完成计时：%s</span>", clock_label(m, json_string_value(c)));
		h_raw(r->out, "</td></tr>");
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_clock_rules(struct req *r, const json_t *m, const json_t *def)
{
	const json_t *su = json_object_get(def, "suspensions"), *ex = json_object_get(def, "extensions");
	if (json_array_size(su) == 0 && json_array_size(ex) == 0)
		return;
	h_raw(r->out, "<h2 id=\"clocks\">期限的扣除与延长</h2><div class=\"table-wrap\"><table><thead><tr>"
		       "<th scope=\"col\">规则</th><th scope=\"col\">计时</th><th scope=\"col\">审批</th>"
		       "<th scope=\"col\">依据</th></tr></thead><tbody>");
	size_t i, k;
	const json_t *x, *c;
	json_array_foreach(su, i, x) {
		h_printf(r->out, "<tr><td>%s期间不计入", js(x, "name"));
		own_mark(r, x);
		h_raw(r->out, "</td><td>");
		json_array_foreach(json_object_get(x, "clocks"), k, c)
			h_printf(r->out, "%s%s", k ? "、" : "", clock_label(m, json_string_value(c)));
		h_printf(r->out, "</td><td>—</td><td>%s</td></tr>", js(x, "basis"));
	}
	json_array_foreach(ex, i, x) {
		h_printf(r->out, "<tr><td>%s", js(x, "name"));
		if (json_is_integer(json_object_get(x, "days")))
			h_printf(r->out, "（至多%lld日）", ji(x, "days"));
		own_mark(r, x);
		h_printf(r->out, "</td><td>%s</td><td>%s</td><td>%s</td></tr>", clock_label(m, js(x, "clock")),
			 role_name(js(x, "role")), js(x, "basis"));
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_versions(struct req *r, const json_t *m)
{
	char today[11];
	time_today_shanghai(today);
	h_raw(r->out, "<h2 id=\"versions\">版本</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">版本</th>"
		       "<th scope=\"col\">施行日期</th><th scope=\"col\">状态</th><th scope=\"col\">增加时间</th>"
		       "<th scope=\"col\">增加人</th></tr></thead><tbody>");
	size_t i;
	const json_t *v;
	json_array_foreach(json_object_get(m, "versions"), i, v) {
		char at[20];
		time_utc_to_shanghai(js(v, "created_at"), at);
		if (ji(v, "id") == ji(m, "id"))
			h_printf(r->out, "<tr><td>第%lld版（本页）</td>", ji(v, "version"));
		else
			h_printf(r->out, "<tr><td><a href=\"/admin/procedures/%lld\">第%lld版</a></td>", ji(v, "id"),
				 ji(v, "version"));
		h_printf(r->out, "<td>%s</td><td>", js(v, "effective_from"));
		status_badge(r, v, today);
		h_printf(r->out, "</td><td>%s</td><td>%s</td></tr>", at,
			 str_eq(js(v, "created_by"), "system") ? "系统（默认程序）" : js(v, "created_by"));
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_one(struct req *r, json_t *m)
{
	char today[11];
	time_today_shanghai(today);
	const json_t *def = json_object_get(m, "definition");
	page_begin(r, js(m, "name"));
	h_printf(r->out, "<nav aria-label=\"位置\" class=\"crumbs\"><a href=\"/admin/procedures\">执法程序</a> › %s</nav>"
		 "<h1>%s <small>第%lld版</small></h1><p>",
		 js(m, "name"), js(m, "name"), ji(m, "version"));
	status_badge(r, m, today);
	h_printf(r->out, " <a href=\"/admin/procedures/%lld/new-version\">以此为基础增加新版本</a></p>", ji(m, "id"));
	h_printf(r->out, "<dl class=\"props\"><dt>执法类别</dt><dd>%s</dd><dt>施行日期</dt><dd>%s</dd>"
		 "<dt>法律依据</dt><dd>%s</dd><dt>最少执法人员</dt><dd>%d人（依据：%s）</dd>"
		 "<dt>定义摘要（SHA-256）</dt><dd><code>%s</code></dd></dl>",
		 js(m, "kind_label"), js(m, "effective_from"), js(m, "basis"), procedure_min_officers(def),
		 js(def, "min_officers_basis"), js(m, "sha256"));
	render_stages(r, m, def);
	render_transitions(r, def);
	render_endings(r, m, def);
	render_clock_rules(r, m, def);
	render_versions(r, m);
	page_end(r);
}

int page_admin_procedure(struct req *r)
{
	struct err e = ERR_INIT;
	long long id = req_param_id(r, 0);
	json_t *m = NULL;
	if (id <= 0) {
		err_set(&e, ERR_NOTFOUND, "id", "执法程序版本不存在");
		resp_err(r, &e);
		return 0;
	}
	if (procedure_view(r->db, &r->actor, id, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, m, render_one);
}

/* ------------------------------------------------------- a new version */

static void map_field(const char *field, char *out, size_t n)
{
	snprintf(out, n, "%s", str_eq(field, "effective_from") ? "effective_from" : "definition");
}

static void render_new(struct req *r, json_t *m)
{
	struct errs errs = ERRS_INIT;
	size_t k;
	json_t *ej;
	json_array_foreach(json_object_get(m, "errors"), k, ej)
		errs_add(&errs, ERR_INVALID, js(ej, "field"), "%s", js(ej, "message"));
	page_begin(r, "增加执法程序版本");
	h_printf(r->out, "<nav aria-label=\"位置\" class=\"crumbs\"><a href=\"/admin/procedures\">执法程序</a> › "
		 "<a href=\"/admin/procedures/%lld\">%s</a></nav>"
		 "<h1>增加新版本：%s</h1>", ji(m, "id"), js(m, "name"), js(m, "name"));
	h_printf(r->out, "<p class=\"muted\">新版本为第%lld版，自施行日期起立案（或受理）的案件适用；施行日期不能早于今天，"
		 "已立案的案件继续适用原版本。定义为 JSON：每个阶段、离开条件、流转、终结方式、期限扣除和延长规则都须写明法律依据。</p>",
		 ji(m, "next_version"));
	struct form fm;
	form_init(&fm, r, &errs, map_field);
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/admin/procedures/%lld/new-version\">", ji(m, "id"));
	form_csrf(r);
	form_input(&fm, "date", "effective_from", "施行日期", js(m, "effective_from"), FORM_REQUIRED, NULL,
		   "年-月-日，不早于今天");
	form_textarea(&fm, "definition", "程序定义（JSON）", js(m, "definition_text"), 30, FORM_REQUIRED,
		      "spellcheck=\"false\"", "以当前版本为底稿修改");
	h_raw(r->out, "<button type=\"submit\">校验并保存新版本</button></form>");
	errs_release(&errs);
	page_end(r);
}

int page_admin_procedure_new_version(struct req *r)
{
	struct err e = ERR_INIT;
	long long id = req_param_id(r, 0);
	json_t *base = NULL;
	if (id <= 0) {
		err_set(&e, ERR_NOTFOUND, "id", "执法程序版本不存在");
		resp_err(r, &e);
		return 0;
	}
	if (procedure_view(r->db, &r->actor, id, &base, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	const json_t *versions = json_object_get(base, "versions");
	json_t *m = json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "name", js(base, "name"), "code", js(base, "code"),
			      "next_version", (json_int_t)(ji(json_array_get(versions, 0), "version") + 1));
	if (r->method != M_POST) {
		char *text = json_dumps(json_object_get(base, "definition"), JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_object_set_new(m, "definition_text", json_string(text ? text : ""));
		free(text);
		char today[11];
		time_today_shanghai(today);
		json_object_set_new(m, "effective_from", json_string(today));
		json_decref(base);
		return page_model(r, m, render_new);
	}
	const char *from = req_param(r, "effective_from"), *text = req_param(r, "definition");
	struct errs all = ERRS_INIT;
	json_t *def = NULL;
	if (str_empty(text)) {
		errs_add(&all, ERR_INVALID, "definition", "请填写程序定义（JSON）");
	} else {
		json_error_t je;
		def = json_loads(text, 0, &je);
		if (!def)
			errs_add(&all, ERR_INVALID, "definition", "程序定义不是有效的 JSON：第%d行第%d列附近有语法错误", je.line,
				 je.column);
	}
	long long nid = 0;
	if (def && procedure_add_version(r->db, &r->actor, js(base, "code"), def, from, &nid, &all, &e) == 0) {
		json_decref(def);
		json_decref(base);
		json_decref(m);
		errs_release(&all);
		resp_redirect(r, req_printf(r, "/admin/procedures/%lld", nid));
		return 0;
	}
	json_decref(def);
	json_decref(base);
	if (!e.kind)
		errs_first(&all, &e);
	if (e.kind != ERR_INVALID || r->want_json) {
		errs_release(&all);
		json_decref(m);
		resp_err(r, &e);
		return 0;
	}
	json_object_set_new(m, "definition_text", json_string(text && utf8_valid(text, strlen(text)) ? text : ""));
	json_object_set_new(m, "effective_from", json_string(from && utf8_valid(from, strlen(from)) ? from : ""));
	errs_json(m, &all);
	errs_release(&all);
	page_model(r, m, render_new);
	r->status = ERR_INVALID;
	return 0;
}
