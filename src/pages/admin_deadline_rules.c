/*
 * admin_deadline_rules.c - the deadline rules of the back office:
 *   GET  /admin/deadlines/rules       the rule versions (everyone reads);
 *   POST /admin/deadlines/rules       add a rule version (admin only).
 * A refused version re-renders the form with every problem, the input
 * kept, and nothing changed.
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
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "people/people.h"
#include <jansson.h>

/* ------------------------------------------------------ /admin/deadlines/rules */

static void render_rules(struct req *r, json_t *m)
{
	page_begin(r, "期限规则");
	h_raw(r->out, "<h1>期限规则</h1><p class=\"muted\">规则按生效日期分版本：期限起算日适用当时有效的最新版本，"
		       "新增版本只影响此后起算的期限，已起算的期限不变。<a href=\"/admin/deadlines\">返回期限</a></p>");
	/* every problem of a refused version, as the summary and by each field */
	struct errs errs = ERRS_INIT;
	size_t k;
	json_t *ej;
	json_array_foreach(json_object_get(m, "errors"), k, ej)
		errs_add(&errs, ERR_INVALID, js(ej, "field"), "%s", js(ej, "message"));
	struct form fm;
	form_init(&fm, r, &errs, NULL);
	form_summary(&fm);
	if (json_is_integer(json_object_get(m, "saved")))
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">已保存：新增规则版本（编号 %lld）。</p>", ji(m, "saved"));
	h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">起算事件</th><th scope=\"col\">名称</th>"
		       "<th scope=\"col\">期限</th><th scope=\"col\">结束事件</th><th scope=\"col\">生效日期</th>"
		       "<th scope=\"col\">依据</th><th scope=\"col\">延长</th>");
	bool edit = json_is_true(json_object_get(m, "can_edit"));
	if (edit)
		h_raw(r->out, "<th scope=\"col\">操作</th>");
	h_raw(r->out, "</tr></thead><tbody>");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "rules"), i, x) {
		h_printf(r->out, "<tr id=\"rule-%lld\"><td>%s</td><td>%s</td><td>%lld 个%s</td><td>%s</td>"
			 "<td>%s", ji(x, "id"), dict_label("deadline_event", js(x, "event_code")), js(x, "name"), ji(x, "days"),
			 dict_label("day_kind", js(x, "day_kind")), dict_label("deadline_event", js(x, "ends_with")),
			 js(x, "effective_from"));
		if (json_is_true(json_object_get(x, "in_force")))
			h_raw(r->out, " <span class=\"badge ok\">现行</span>");
		else if (json_is_true(json_object_get(x, "future")))
			h_raw(r->out, " <span class=\"badge warn\">待生效</span>");
		h_printf(r->out, "</td><td>%s", js(x, "source"));
		if (json_is_true(json_object_get(x, "own_rule")))
			h_raw(r->out, " <span class=\"badge\">本部门规定</span>");
		h_raw(r->out, "</td><td>");
		if (ji(x, "extension_days") > 0) {
			h_printf(r->out, "经%s批准可延长 %lld 个%s（%lld 次）：%s", dict_label("role", js(x, "extension_role")),
				 ji(x, "extension_days"), dict_label("day_kind", js(x, "day_kind")), ji(x, "extension_times"),
				 js(x, "extension_basis"));
			if (json_is_true(json_object_get(x, "extension_own_rule")))
				h_raw(r->out, " <span class=\"badge\">本部门规定，法律未规定延长</span>");
		} else {
			h_raw(r->out, "不可延长");
		}
		h_raw(r->out, "</td>");
		if (edit)
			h_printf(r->out, "<td><a href=\"/admin/deadlines/rules?from_rule=%lld#add\">新增版本</a></td>", ji(x, "id"));
		h_raw(r->out, "</tr>");
	}
	h_raw(r->out, "</tbody></table></div>");
	if (edit) {
		json_t *form = json_object_get(m, "form");
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"add\"><h2 id=\"add\">新增规则版本</h2>"
			       "<form method=\"post\" action=\"/admin/deadlines/rules\">");
		form_csrf(r);
		form_select_dict(&fm, "event_code", "起算事件", "deadline_event", js(form, "event_code"), "请选择", FORM_REQUIRED,
				 "与已有规则相同即为该规则的新版本");
		form_input(&fm, "text", "name", "名称", js(form, "name"), FORM_REQUIRED, "maxlength=\"120\"", NULL);
		form_input(&fm, "number", "days", "期限天数", js(form, "days"), FORM_REQUIRED, "min=\"1\" max=\"3650\"", NULL);
		static const struct form_opt day_kinds[] = { { "working", "工作日" }, { "calendar", "自然日（到期日遇节假日顺延）" } };
		form_select(&fm, "day_kind", "天数类型", day_kinds, ARRAY_SIZE(day_kinds),
			    str_eq(js(form, "day_kind"), "calendar") ? "calendar" : "working", NULL, FORM_REQUIRED, NULL);
		form_select_dict(&fm, "ends_with", "结束事件", "deadline_event", js(form, "ends_with"), "请选择", FORM_REQUIRED,
				 "发生该事件即为按期完成");
		form_input(&fm, "date", "effective_from", "生效日期", js(form, "effective_from"), FORM_REQUIRED, NULL, NULL);
		form_textarea(&fm, "source", "依据（文件及条款）", js(form, "source"), 3, FORM_REQUIRED, "maxlength=\"500\"", NULL);
		form_checkbox(&fm, "own_rule", "本部门自定的规则（非法律、法规、规章规定）", str_eq(js(form, "own_rule"), "1"), NULL);
		form_input(&fm, "number", "extension_days", "每次可延长天数", js(form, "extension_days"), 0, "min=\"0\" max=\"3650\"",
			   "0 表示不可延长；天数类型与期限相同");
		form_input(&fm, "number", "extension_times", "可延长次数", js(form, "extension_times"), 0, "min=\"0\" max=\"10\"",
			   "不填为 1 次");
		static const struct form_opt roles[] = { { "", "（不可延长）" }, { "head", "处室负责人" }, { "leader", "行政机关负责人（分管负责人）" } };
		form_select(&fm, "extension_role", "批准延长的人", roles, ARRAY_SIZE(roles), js(form, "extension_role"), NULL, 0, NULL);
		form_textarea(&fm, "extension_basis", "延长的依据", js(form, "extension_basis"), 2, 0, "maxlength=\"500\"", NULL);
		form_checkbox(&fm, "extension_own_rule", "延长依据是本部门规定（法律本身未规定延长）",
			      str_eq(js(form, "extension_own_rule"), "1"), NULL);
		h_raw(r->out, "<button type=\"submit\">保存新版本</button></form></section>");
	}
	errs_release(&errs);
	page_end(r);
}

/* Mark each version in force today (the latest effective_from <= today of
 * its event_code) and the versions not yet in force. */
static void mark_in_force(json_t *rules)
{
	char today[11];
	time_today_shanghai(today);
	size_t i;
	json_t *x;
	json_array_foreach(rules, i, x) {
		bool future = strcmp(js(x, "effective_from"), today) > 0;
		json_t *next = json_array_get(rules, i + 1);
		bool superseded = next && str_eq(js(next, "event_code"), js(x, "event_code")) &&
				  strcmp(js(next, "effective_from"), today) <= 0;
		json_object_set_new(x, "in_force", json_boolean(!future && !superseded));
		json_object_set_new(x, "future", json_boolean(future));
	}
}

static json_t *rules_model(struct req *r, struct err *e)
{
	json_t *rules = deadline_rules_list(r->db, e);
	if (!rules)
		return NULL;
	mark_in_force(rules);
	return json_pack("{s:o,s:b,s:o}", "rules", rules, "can_edit", actor_has(&r->actor, ROLE_ADMIN), "form",
			 json_object());
}

static void form_keep(json_t *m, struct req *r)
{
	static const char *const fields[] = { "event_code", "name", "days", "day_kind", "ends_with", "effective_from", "source",
					      "own_rule", "extension_days", "extension_times", "extension_role", "extension_basis",
					      "extension_own_rule" };
	json_t *form = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = req_param(r, fields[i]);
		json_object_set_new(form, fields[i], json_string(v && utf8_valid(v, strlen(v)) ? v : ""));
	}
	json_object_set_new(m, "form", form);
}

static int rule_post(struct req *r)
{
	struct err e = ERR_INIT;
	if (!actor_has(&r->actor, ROLE_ADMIN)) {
		err_set(&e, ERR_FORBIDDEN, "", "只有系统管理员可以修改期限规则");
		resp_err(r, &e);
		return 0;
	}
	struct deadline_rule rule;
	memset(&rule, 0, sizeof rule);
	const char *code = req_param(r, "event_code"), *name = req_param(r, "name"), *days = req_param(r, "days"),
		   *kind = req_param(r, "day_kind"), *ends = req_param(r, "ends_with"),
		   *from = req_param(r, "effective_from"), *source = req_param(r, "source"),
		   *ext_days = req_param(r, "extension_days"), *ext_times = req_param(r, "extension_times"),
		   *ext_role = req_param(r, "extension_role"), *ext_basis = req_param(r, "extension_basis");
	long long ned = 0, nt = 0;
	long long nd = 0;
	long long id = 0;
	/* every field is checked, so the form reports all problems at once */
	struct errs all = ERRS_INIT;
	if (str_empty(code))
		errs_add(&all, ERR_INVALID, "event_code", "请选择起算事件");
	else if (!dict_has("deadline_event", code))
		errs_add(&all, ERR_INVALID, "event_code", "起算事件不正确，请从列表中选择");
	if (str_empty(name))
		errs_add(&all, ERR_INVALID, "name", "请填写规则名称");
	else if (strlen(name) >= sizeof rule.name)
		errs_add(&all, ERR_INVALID, "name", "规则名称过长（最多 42 个汉字）");
	if (str_empty(days) || str_to_ll(days, 1, 3650, &nd) < 0)
		errs_add(&all, ERR_INVALID, "days", "期限天数必须是 1 至 3650 之间的整数");
	if (!str_eq(kind, "working") && !str_eq(kind, "calendar"))
		errs_add(&all, ERR_INVALID, "day_kind", "天数类型只能是工作日或自然日");
	if (str_empty(ends))
		errs_add(&all, ERR_INVALID, "ends_with", "请选择结束事件");
	else if (!dict_has("deadline_event", ends))
		errs_add(&all, ERR_INVALID, "ends_with", "结束事件不正确，请从列表中选择");
	int32_t day;
	if (str_empty(from))
		errs_add(&all, ERR_INVALID, "effective_from", "请填写生效日期");
	else if (cal_date_parse(from, &day) < 0)
		errs_add(&all, ERR_INVALID, "effective_from", "生效日期不正确，应为 YYYY-MM-DD 形式的真实日期");
	if (str_empty(source))
		errs_add(&all, ERR_INVALID, "source", "请填写规则的依据（文件名称及条款）");
	else if (strlen(source) >= sizeof rule.source)
		errs_add(&all, ERR_INVALID, "source", "依据过长（最多 170 个汉字）");
	if (!str_empty(ext_days) && str_to_ll(ext_days, 0, 3650, &ned) < 0)
		errs_add(&all, ERR_INVALID, "extension_days", "可延长天数必须是 0 至 3650 之间的整数");
	if (!str_empty(ext_times) && str_to_ll(ext_times, 0, 10, &nt) < 0)
		errs_add(&all, ERR_INVALID, "extension_times", "可延长次数必须是 0 至 10 之间的整数");
	if (!str_empty(ext_role) && !str_eq(ext_role, "head") && !str_eq(ext_role, "leader"))
		errs_add(&all, ERR_INVALID, "extension_role", "批准延长的人不正确，请从列表中选择");
	if (ned > 0 && str_empty(ext_role))
		errs_add(&all, ERR_INVALID, "extension_role", "可以延长的规则须指明批准延长的人");
	if (ned > 0 && str_empty(ext_basis))
		errs_add(&all, ERR_INVALID, "extension_basis", "请填写延长期限的依据");
	else if (ext_basis && strlen(ext_basis) >= sizeof rule.extension_basis)
		errs_add(&all, ERR_INVALID, "extension_basis", "延长依据过长（最多 170 个汉字）");
	if (!all.n) {
		rule.own_rule = str_eq(req_param(r, "own_rule"), "1");
		rule.extension_days = (int)ned;
		rule.extension_times = (int)nt;
		snprintf(rule.extension_role, sizeof rule.extension_role, "%s", ned > 0 && ext_role ? ext_role : "");
		snprintf(rule.extension_basis, sizeof rule.extension_basis, "%s", ned > 0 && ext_basis ? ext_basis : "");
		rule.extension_own_rule = ned > 0 && str_eq(req_param(r, "extension_own_rule"), "1");
		snprintf(rule.event_code, sizeof rule.event_code, "%s", code);
		snprintf(rule.name, sizeof rule.name, "%s", name);
		rule.days = (int)nd;
		rule.calendar_days = str_eq(kind, "calendar");
		snprintf(rule.ends_with, sizeof rule.ends_with, "%s", ends);
		snprintf(rule.effective_from, sizeof rule.effective_from, "%s", from);
		snprintf(rule.source, sizeof rule.source, "%s", source);
		if (deadline_rule_add(r->db, &r->actor, &rule, &id, &e) == 0) {
			if (r->want_json) {
				resp_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
				return 0;
			}
			resp_redirect(r, req_printf(r, "/admin/deadlines/rules?ok=1&id=%lld#rule-%lld", id, id));
			return 0;
		}
		errs_push(&all, &e);
	}
	errs_first(&all, &e);
	if (e.kind >= 500 || e.kind < 400 || r->want_json) {
		errs_release(&all);
		resp_err(r, &e);
		return 0;
	}
	struct err le = ERR_INIT;
	json_t *m = rules_model(r, &le);
	if (!m) {
		errs_release(&all);
		resp_err(r, &le);
		return 0;
	}
	form_keep(m, r);
	json_object_set_new(m, "error", json_pack("{s:s,s:s}", "field", e.field, "message", e.msg));
	json_object_set_new(m, "errors", form_errs_json(&all));
	errs_release(&all);
	page_model(r, m, render_rules);
	r->status = e.kind;
	return 0;
}

int page_admin_deadline_rules(struct req *r)
{
	if (r->method == M_POST)
		return rule_post(r);
	struct err e = ERR_INIT;
	json_t *m = rules_model(r, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	long long id;
	if (str_eq(req_param(r, "ok"), "1") && str_to_ll(req_param(r, "id"), 1, INT64_MAX, &id) == 0)
		json_object_set_new(m, "saved", json_integer(id));
	/* ?from_rule=ID prefills the form with that version, as the base of a new one */
	long long base;
	if (str_to_ll(req_param(r, "from_rule"), 1, INT64_MAX, &base) == 0) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(m, "rules"), i, x) {
			if (ji(x, "id") != base)
				continue;
			char days[16];
			snprintf(days, sizeof days, "%lld", ji(x, "days"));
			char edays[16], etimes[16];
			snprintf(edays, sizeof edays, "%lld", ji(x, "extension_days"));
			snprintf(etimes, sizeof etimes, "%lld", ji(x, "extension_times"));
			json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "event_code", js(x, "event_code"), "name",
					      js(x, "name"), "days", days, "day_kind", js(x, "day_kind"), "ends_with",
					      js(x, "ends_with"), "effective_from", "", "source", js(x, "source"));
			json_object_set_new(f, "own_rule", json_string(json_is_true(json_object_get(x, "own_rule")) ? "1" : ""));
			json_object_set_new(f, "extension_days", json_string(edays));
			json_object_set_new(f, "extension_times", json_string(etimes));
			json_object_set_new(f, "extension_role", json_string(js(x, "extension_role")));
			json_object_set_new(f, "extension_basis", json_string(js(x, "extension_basis")));
			json_object_set_new(f, "extension_own_rule",
					    json_string(json_is_true(json_object_get(x, "extension_own_rule")) ? "1" : ""));
			json_object_set_new(m, "form", f);
		}
	}
	return page_model(r, m, render_rules);
}
