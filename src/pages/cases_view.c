/*
 * cases_view.c - the case page (/cases/{id}) and its actions (POST
 * /cases/{id}/act).
 *
 * The page: the header (立案号, 案由, procedure at its version, stage,
 * 承办机构 and 执法主体, status), what the current stage still needs, a form
 * for each action the signed-in person may take now (case_actions: nothing
 * else is offered), the parties at the versions the case holds, the
 * officers with their certificates, assistants and experts, the matters,
 * the clocks (due dates, 暂定 marks, pauses and extensions) and the
 * timeline of every act.
 *
 * Invariants: each action form carries the row_version the page showed;
 * a stale save is the domain's 409 - the page is shown again with the
 * case as it now is, the conflict message above the form that failed and
 * everything the user typed in it kept.  A case outside the reader's view
 * is the domain's 404.  Every label is the domain's or the dictionary's.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "http/list.h"
#include "pages/pages.h"
#include "pages/cases_pages.h"
#include "pages/records_pages.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "cases/procedure.h"
#include <limits.h>

static const char *txt(const json_t *o, const char *key, const char *none)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : none;
}

/* The key of an action's form: action and what it names. */
static const char *action_key(struct req *r, const json_t *a)
{
	const char *what = txt(a, "to", txt(a, "approval", txt(a, "ending", txt(a, "suspension", txt(a, "clock", "")))));
	return req_printf(r, "%s:%s", js(a, "action"), what);
}

static void prop(struct req *r, const char *label, const char *value)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, str_empty(value) ? "—" : value);
}

static void header(struct req *r, const json_t *c)
{
	const json_t *p = json_object_get(c, "procedure");
	h_raw(r->out, "<dl class=\"props card case-head\">");
	prop(r, "立案号", txt(c, "case_no", "（尚未编号）"));
	if (json_is_string(json_object_get(c, "decision_no")))
		prop(r, "决定书文号", js(c, "decision_no"));
	prop(r, "执法类别", js(c, "kind_label"));
	prop(r, "执法程序", req_printf(r, "%s（第 %lld 版）", js(p, "name"), ji(p, "version")));
	h_printf(r->out, "<dt>当前环节</dt><dd><strong id=\"case-stage\">%s</strong> ", js(c, "stage_label"));
	cp_badge(r, js(c, "status"), js(c, "status_label"));
	if (!str_empty(txt(c, "ending_label", "")))
		h_printf(r->out, " %s", js(c, "ending_label"));
	h_raw(r->out, "</dd>");
	prop(r, "承办机构", js(c, "unit_name"));
	prop(r, "执法主体", js(c, "body_name"));
	prop(r, "案件来源", req_printf(r, "%s（%s 发现）", js(c, "source_label"), js(c, "source_date")));
	const json_t *ii = json_object_get(c, "inspection_item");
	if (json_is_object(ii))
		prop(r, "随机抽查事项", js(ii, "name"));
	if (!str_empty(txt(c, "source_note", "")))
		prop(r, "来源说明", js(c, "source_note"));
	prop(r, "立案日期", req_printf(r, "%s（%s）", js(c, "opened_on"), js(c, "opened_by_name")));
	if (json_is_string(json_object_get(c, "closed_on")))
		prop(r, "结案日期", js(c, "closed_on"));
	h_raw(r->out, "</dl>");
}

static void needs_section(struct req *r, const json_t *c)
{
	const json_t *needs = json_object_get(c, "needs");
	if (!str_eq(js(c, "status"), "open"))
		return;
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"h-needs\" id=\"needs\"><h2 id=\"h-needs\">「%s」环节还需要</h2>",
		 js(c, "stage_label"));
	if (!json_array_size(needs)) {
		h_raw(r->out, "<p class=\"muted\">本环节没有规定的前提条件。</p></section>");
		return;
	}
	h_raw(r->out, "<ul class=\"needs\">");
	size_t i;
	json_t *n;
	json_array_foreach(needs, i, n) {
		bool met = json_is_true(json_object_get(n, "met"));
		h_printf(r->out, "<li class=\"%s\"><span class=\"badge %s\">%s</span> %s", met ? "met" : "unmet",
			 met ? "valid" : "overdue", met ? "已具备" : "尚缺", txt(n, "name", procedure_requirement_label(js(n, "type"))));
		if (!met && !str_empty(txt(n, "message", "")))
			h_printf(r->out, "：%s", js(n, "message"));
		if (!str_empty(txt(n, "basis", "")))
			h_printf(r->out, " <small class=\"muted\">（%s）</small>", js(n, "basis"));
		h_raw(r->out, "</li>");
	}
	h_raw(r->out, "</ul></section>");
}

/* The fields of one action's form. */
static void act_fields(struct req *r, const json_t *m, struct form *fm, const json_t *a, const char *key)
{
	const json_t *c = json_object_get(m, "case");
	const char *action = js(a, "action");
	form_input(fm, "date", "on_date", "日期", cp_value(m, key, "on_date", js(m, "today")), FORM_REQUIRED, NULL, "办理该事项的日期，不能晚于今天");
	if (str_eq(action, "officers")) {
		h_printf(r->out, "<fieldset class=\"checks\" id=\"%s\"", form_id(fm, "officer_ids"));
		form_err_attrs(fm, "officer_ids");
		h_raw(r->out, "><legend>执法人员（新的完整名单）<span class=\"req\">（必填）</span></legend>");
		form_err_note(fm, "officer_ids");
		struct buf cur;
		buf_init(&cur, 0);
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(c, "officers"), i, o)
			buf_printf(&cur, "%s%lld", cur.len ? "," : "", ji(o, "user_id"));
		const char *ticked = cp_value(m, key, "officer_ids", buf_str(&cur));
		json_array_foreach(json_object_get(m, "officer_options"), i, o)
			h_printf(r->out, "<label class=\"check-row\"><input type=\"checkbox\" name=\"officer_ids\" value=\"%lld\"%s>"
				 "<span>%s（%s）<small>执法证 %s · %s · 涵盖：%s</small></span></label>",
				 ji(o, "user_id"), cp_csv_has(ticked, req_printf(r, "%lld", ji(o, "user_id"))) ? " checked" : "",
				 js(o, "name"), js(o, "unit_name"), js(o, "cert_no"), js(o, "status_label"), js(o, "scope_text"));
		buf_release(&cur);
		h_raw(r->out, "</fieldset>");
	} else if (str_eq(action, "participant")) {
		static const struct form_opt kinds[] = { { "assistant", "执法辅助人员" }, { "expert", "专家" } };
		form_select(fm, "p_kind", "身份", kinds, ARRAY_SIZE(kinds), cp_value(m, key, "p_kind", "assistant"), NULL,
			    FORM_REQUIRED, NULL);
		form_input(fm, "text", "p_name", "姓名", cp_value(m, key, "p_name", ""), FORM_REQUIRED, "maxlength=\"60\"", NULL);
		static const char *const types[] = { "resident_id", "hk_macao_permit", "taiwan_permit", "passport",
						     "foreign_permanent_id" };
		struct form_opt to[ARRAY_SIZE(types)];
		for (size_t k = 0; k < ARRAY_SIZE(types); k++)
			to[k] = (struct form_opt){ types[k], party_id_type_label(types[k]) };
		form_select(fm, "p_id_type", "证件类型", to, ARRAY_SIZE(to), cp_value(m, key, "p_id_type", "resident_id"), NULL,
			    FORM_REQUIRED, NULL);
		form_input(fm, "text", "p_id_number", "证件号码", cp_value(m, key, "p_id_number", ""), FORM_REQUIRED,
			   "maxlength=\"30\" autocomplete=\"off\"", NULL);
		form_input(fm, "text", "p_organisation", "所在单位", cp_value(m, key, "p_organisation", ""), 0, "maxlength=\"100\"", NULL);
		form_input(fm, "text", "p_title", "职务或专业", cp_value(m, key, "p_title", ""), 0, "maxlength=\"60\"",
			   "须告知当事人其身份（向当事人出示）");
	} else if (str_eq(action, "advance") && json_is_object(json_object_get(a, "notice_before"))) {
		const json_t *nb = json_object_get(a, "notice_before");
		form_input(fm, "date", "event_on", "举行日期", cp_value(m, key, "event_on", ""), FORM_REQUIRED, NULL,
			   req_printf(r, "须在举行的%lld个%s前%s（%s）", ji(nb, "days"),
				      json_is_true(json_object_get(nb, "working")) ? "工作日" : "日", js(nb, "name"),
				      js(nb, "basis")));
	} else if (str_eq(action, "extend")) {
		form_input(fm, "number", "days", "延长天数", cp_value(m, key, "days", ""), 0, "min=\"1\" max=\"365\"",
			   "不填即为规则允许的天数");
	}
	bool need_reason = str_eq(action, "end");
	form_textarea(fm, "reason", need_reason ? "理由" : "说明", cp_value(m, key, "reason", ""), 2, need_reason ? FORM_REQUIRED : 0,
		      "maxlength=\"1000\"", need_reason ? "终结案件须写明理由（事实和依据）" : "可不填");
}

static void actions_section(struct req *r, const json_t *m)
{
	const json_t *c = json_object_get(m, "case");
	const json_t *acts = json_object_get(c, "actions");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-actions\" id=\"actions\"><h2 id=\"h-actions\">可办理的事项</h2>");
	if (!json_array_size(acts)) {
		h_printf(r->out, "<p class=\"muted\" id=\"no-actions\">%s</p></section>",
			 str_eq(js(c, "status"), "open") ? "您对本案件没有可办理的事项（仅可查看）。" : "本案件已办结，只能查看。");
		return;
	}
	bool opened = false;
	size_t i;
	json_t *a;
	json_array_foreach(acts, i, a) {
		const char *key = action_key(r, a);
		bool allowed = json_is_true(json_object_get(a, "allowed"));
		bool failed = str_eq(js(m, "form"), key);
		struct errs errs;
		cp_errs(m, key, &errs);
		struct form fm;
		form_init(&fm, r, &errs, NULL);
		form_suffix(&fm, req_printf(r, "-a%zu", i));
		bool open = failed || (allowed && !opened);
		opened |= open;
		h_printf(r->out, "<details class=\"act\" data-action=\"%s\"%s><summary>%s", js(a, "action"), open ? " open" : "",
			 js(a, "label"));
		if (!allowed)
			h_raw(r->out, " <span class=\"badge overdue\">条件未具备</span>");
		h_raw(r->out, "</summary>");
		if (failed && ji(json_object_get(m, "error"), "status") == ERR_CONFLICT)
			h_raw(r->out, "<p class=\"alert warn\">页面已更新为案件的最新状态，您填写的内容已保留，请核对后重新提交。</p>");
		form_summary(&fm);
		if (!allowed) {
			h_raw(r->out, "<ul class=\"needs\">");
			size_t k;
			json_t *n;
			json_array_foreach(json_object_get(a, "needs"), k, n)
				h_printf(r->out, "<li class=\"unmet\">%s</li>", json_string_value(n) ? json_string_value(n) : "");
			h_raw(r->out, "</ul>");
		}
		h_printf(r->out, "<form method=\"post\" action=\"/cases/%lld/act\" novalidate><input type=\"hidden\" name=\"action\" value=\"%s\">"
			 "<input type=\"hidden\" name=\"row_version\" value=\"%lld\">",
			 ji(c, "id"), js(a, "action"), ji(c, "row_version"));
		static const char *const named[] = { "to", "approval", "ending", "suspension", "clock" };
		for (size_t k = 0; k < ARRAY_SIZE(named); k++)
			if (!str_empty(txt(a, named[k], "")))
				h_printf(r->out, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", named[k], js(a, named[k]));
		form_csrf(r);
		act_fields(r, m, &fm, a, key);
		h_printf(r->out, "<button type=\"submit\"%s%s>%s</button></form></details>", allowed ? "" : " disabled",
			 str_eq(js(a, "action"), "end") ? " class=\"danger\"" : "", js(a, "label"));
		errs_release(&errs);
	}
	h_raw(r->out, "</section>");
}

static void parties_section(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-parties\"><h2 id=\"h-parties\">当事人</h2>");
	const json_t *ps = json_object_get(c, "parties");
	if (!json_array_size(ps)) {
		h_raw(r->out, "<p class=\"muted\">尚未确定当事人。</p></section>");
		return;
	}
	h_raw(r->out, "<ul class=\"items\">");
	size_t i;
	json_t *p;
	json_array_foreach(ps, i, p) {
		const json_t *pp = json_object_get(p, "party");
		const char *code = txt(pp, "uscc", txt(pp, "id_number", txt(pp, "code", "")));
		h_printf(r->out, "<li><strong>%s</strong>", js(pp, "name"));
		if (json_is_true(json_object_get(pp, "minor")))
			h_raw(r->out, " <span class=\"badge warn\">未成年人</span>");
		h_printf(r->out, "<br><span class=\"muted\">%s · %s · %s · 本案所用信息为第 %lld 版</span></li>", txt(p, "role_label", "当事人"),
			 js(pp, "kind_label"), str_empty(code) ? "无证照号码" : code, ji(p, "party_version"));
	}
	h_raw(r->out, "</ul></section>");
}

static void officers_section(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-officers\"><h2 id=\"h-officers\">执法人员</h2>");
	const json_t *os = json_object_get(c, "officers");
	if (!json_array_size(os))
		h_raw(r->out, "<p class=\"muted\">尚未指定执法人员。</p>");
	else {
		h_raw(r->out, "<ul class=\"items\">");
		size_t i;
		json_t *o;
		json_array_foreach(os, i, o) {
			h_printf(r->out, "<li><strong>%s</strong> <span class=\"muted\">%s</span><br>执法证 %s ", js(o, "name"),
				 js(o, "unit_name"), js(o, "cert_no"));
			cp_badge(r, js(o, "cert_status"), js(o, "cert_status_label"));
			h_raw(r->out, "</li>");
		}
		h_raw(r->out, "</ul>");
	}
	const json_t *former = json_object_get(c, "former_officers");
	if (json_array_size(former)) {
		h_raw(r->out, "<p class=\"muted\">曾参与的执法人员：");
		size_t i;
		json_t *o;
		json_array_foreach(former, i, o)
			h_printf(r->out, "%s%s", i ? "、" : "", js(o, "name"));
		h_raw(r->out, "</p>");
	}
	const json_t *ps = json_object_get(c, "participants");
	if (json_array_size(ps)) {
		h_raw(r->out, "<h3>执法辅助人员和专家</h3><ul class=\"items\">");
		size_t i;
		json_t *p;
		json_array_foreach(ps, i, p)
			h_printf(r->out, "<li><strong>%s</strong> %s<br><span class=\"muted\">%s %s · %s · %s</span></li>",
				 js(p, "name"), js(p, "kind_label"), party_id_type_label(js(p, "id_type")), js(p, "id_number"),
				 txt(p, "organisation", "单位未填"), txt(p, "title", "职务未填"));
		h_raw(r->out, "</ul>");
	}
	h_raw(r->out, "</section>");
}

static void matters_section(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-matters\"><h2 id=\"h-matters\">执法事项</h2><ul class=\"items\">");
	size_t i;
	json_t *mt;
	json_array_foreach(json_object_get(c, "matters"), i, mt)
		h_printf(r->out, "<li><a href=\"/portal/matters/%lld\">%s</a><br><span class=\"muted\">%s · 第 %lld 版</span></li>",
			 ji(mt, "item_id"), js(mt, "name"), js(mt, "category_label"), ji(mt, "version"));
	h_raw(r->out, "</ul></section>");
}

static void clocks_section(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-clocks\" id=\"clocks\"><h2 id=\"h-clocks\">办理期限</h2>");
	const json_t *cl = json_object_get(c, "clocks");
	if (!json_array_size(cl)) {
		h_raw(r->out, "<p class=\"muted\">本案件目前没有计时的期限。</p></section>");
		return;
	}
	h_raw(r->out, "<ul class=\"items clocks\">");
	size_t i;
	json_t *d;
	json_array_foreach(cl, i, d) {
		h_printf(r->out, "<li><strong>%s</strong> ", js(d, "rule_name"));
		if (json_is_string(json_object_get(d, "met_on")))
			h_printf(r->out, "<span class=\"badge %s\">%s（%s）</span>", json_is_true(json_object_get(d, "met_late")) ? "overdue" : "valid",
				 json_is_true(json_object_get(d, "met_late")) ? "逾期完成" : "已完成", js(d, "met_on"));
		else
			cp_badge(r, js(d, "state"), dict_label("deadline_state", js(d, "state")));
		h_printf(r->out, "<br>%s 起算，截止 ", js(d, "started_on"));
		page_deadline_due(r, d);
		size_t k;
		json_t *p;
		json_array_foreach(json_object_get(d, "pauses"), k, p) {
			if (json_is_string(json_object_get(p, "to")))
				h_printf(r->out, "<br>中止：%s，%s 至 %s（不计 %lld 日）", js(p, "reason"), js(p, "from"), js(p, "to"),
					 ji(p, "days"));
			else
				h_printf(r->out, "<br><strong>中止中</strong>：%s，%s 起", js(p, "reason"), js(p, "from"));
		}
		json_array_foreach(json_object_get(d, "extensions"), k, p)
			h_printf(r->out, "<br>延长 %lld 日（%s），截止日 %s → %s", ji(p, "days"), js(p, "by"), js(p, "old_due"), js(p, "new_due"));
		if (!str_empty(txt(d, "rule_source", "")))
			h_printf(r->out, "<br><small class=\"muted\">依据：%s%s</small>", js(d, "rule_source"),
				 json_is_true(json_object_get(d, "own_rule")) ? "（本机关规定）" : "");
		h_raw(r->out, "</li>");
	}
	h_raw(r->out, "</ul></section>");
}

/* One act of the timeline. */
static void timeline_act(struct req *r, const json_t *m, const json_t *a)
{
	h_printf(r->out, "<li data-act=\"%s\"><time>%s</time> <strong>%s</strong>", js(a, "type"), js(a, "on_date"),
		 js(a, "type_label"));
	if (!str_empty(txt(a, "stage_to_label", "")) && !str_eq(js(a, "stage_from"), js(a, "stage_to")))
		h_printf(r->out, " %s%s%s", txt(a, "stage_from_label", ""), str_empty(txt(a, "stage_from_label", "")) ? "" : " → ",
			 js(a, "stage_to_label"));
	const json_t *det = json_object_get(a, "detail"), *names = json_object_get(m, "names");
	const char *code = txt(a, "approval", txt(a, "ending", txt(a, "suspension", txt(det, "suspension", txt(det, "clock", "")))));
	const char *what = str_empty(code) ? "" : js(names, code);
	if (!str_empty(what))
		h_printf(r->out, "（%s）", what);
	h_printf(r->out, " <span class=\"muted\">%s</span>", txt(a, "by_name", ""));
	const char *text = txt(det, "text", "");
	if (!str_empty(text))
		h_printf(r->out, "<p>%s</p>", text);
	h_raw(r->out, "</li>");
}

/* The timeline: every act, and every clock's start and end, by date (the
 * acts of a day first, in their order, then the clocks of that day). */
static void timeline_section(struct req *r, const json_t *m)
{
	const json_t *c = json_object_get(m, "case");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-timeline\" id=\"timeline\"><h2 id=\"h-timeline\">办案记录</h2>"
		       "<ol class=\"timeline\">");
	json_t *events = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(c, "acts"), i, a)
		json_array_append_new(events, json_pack("{s:s,s:i,s:O}", "date", js(a, "on_date"), "order", 0, "act", a));
	json_array_foreach(json_object_get(c, "clocks"), i, a) {
		json_array_append_new(events, json_pack("{s:s,s:i,s:O,s:s}", "date", js(a, "started_on"), "order", 1, "clock", a,
							"what", "started"));
		if (json_is_string(json_object_get(a, "met_on")))
			json_array_append_new(events, json_pack("{s:s,s:i,s:O,s:s}", "date", js(a, "met_on"), "order", 2, "clock", a,
								"what", "met"));
	}
	list_sort_json(events, "order", true, true);
	list_sort_json(events, "date", false, true); /* stable: within a day, acts before clocks */
	json_array_foreach(events, i, a) {
		const json_t *d = json_object_get(a, "clock");
		if (!d) {
			timeline_act(r, m, json_object_get(a, "act"));
			continue;
		}
		if (str_eq(js(a, "what"), "started")) {
			h_printf(r->out, "<li data-act=\"clock\" class=\"clock\"><time>%s</time> <strong>开始计时</strong> %s，截止 ",
				 js(d, "started_on"), js(d, "rule_name"));
			page_deadline_due(r, d);
			h_raw(r->out, "</li>");
		} else
			h_printf(r->out, "<li data-act=\"clock\" class=\"clock\"><time>%s</time> <strong>%s</strong> %s</li>", js(d, "met_on"),
				 json_is_true(json_object_get(d, "met_late")) ? "逾期完成" : "期限内完成", js(d, "rule_name"));
	}
	json_decref(events);
	h_raw(r->out, "</ol></section>");
}

static void render_case(struct req *r, json_t *m)
{
	const json_t *c = json_object_get(m, "case");
	const char *no = txt(c, "case_no", "");
	page_begin(r, req_printf(r, "%s%s%s", no, *no ? " " : "", js(c, "title")));
	h_printf(r->out, "<p><a href=\"/cases\">← 返回案件列表</a></p><h1>%s</h1>", js(c, "title"));
	const char *ok = req_param(r, "ok");
	if (str_eq(ok, "opened"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">案件已登记。</p>");
	else if (str_eq(ok, "acted"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">已办理，记入办案记录。</p>");
	else if (str_eq(ok, "media"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">音像记录已添加。</p>");
	const json_t *err = json_object_get(m, "error");
	if (json_is_object(err))
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"act-error\">%s</p>", js(err, "message"));
	header(r, c);
	h_raw(r->out, "<div class=\"case-cols\"><div class=\"case-main\">");
	needs_section(r, c);
	actions_section(r, m);
	records_docs_section(r, c);
	review_case_section(r, c);
	records_media_section(r, r->out, (json_t *)c);
	timeline_section(r, m);
	h_raw(r->out, "</div><div class=\"case-side\">");
	parties_section(r, c);
	officers_section(r, c);
	matters_section(r, c);
	clocks_section(r, c);
	h_raw(r->out, "</div></div>");
	page_end(r);
}

/* The names the procedure gives its approvals, endings, suspensions and
 * extensions, by code: what the timeline shows for an act's code. */
static json_t *rule_names(struct req *r, long long procedure_id)
{
	json_t *p = NULL, *out = json_object();
	struct err e = ERR_INIT;
	if (procedure_get(r->db, procedure_id, &p, &e) < 0 || !p)
		return out;
	const json_t *def = json_object_get(p, "definition");
	size_t i, k;
	json_t *x, *q;
	json_array_foreach(json_object_get(def, "stages"), i, x)
		json_array_foreach(json_object_get(x, "requires"), k, q)
			if (str_eq(js(q, "type"), "approval") && !str_empty(js(q, "approval")))
				json_object_set_new(out, js(q, "approval"), json_string(js(q, "name")));
	static const char *const groups[] = { "endings", "suspensions" };
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++)
		json_array_foreach(json_object_get(def, groups[g]), i, x)
			json_object_set_new(out, js(x, "code"), json_string(js(x, "name")));
	json_array_foreach(json_object_get(def, "extensions"), i, x)
		json_object_set_new(out, js(x, "clock"), json_string(js(x, "name")));
	json_decref(p);
	return out;
}

/* The page's model for case id; NULL after answering the domain's error. */
static json_t *case_model(struct req *r, long long id)
{
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, NULL, "案件不存在或无权查看。");
		return NULL;
	}
	if (case_get(r->db, &r->actor, id, &c, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	char today[11];
	time_today_shanghai(today);
	json_t *m = json_pack("{s:o,s:s}", "case", c, "today", today);
	json_object_set_new(m, "names", rule_names(r, ji(json_object_get(c, "procedure"), "id")));
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(c, "actions"), i, a)
		if (str_eq(js(a, "action"), "officers")) {
			json_object_set_new(m, "officer_options", cp_officer_options(r));
			break;
		}
	return m;
}

int page_case(struct req *r)
{
	json_t *m = case_model(r, req_param_id(r, 0));
	if (!m)
		return 0;
	return page_model(r, m, render_case);
}

int page_case_act(struct req *r)
{
	long long id = req_param_id(r, 0);
	struct case_act_input in = { 0 };
	struct errs all = ERRS_INIT;
	in.action = req_param(r, "action");
	long long v = 0;
	const char *s = req_param(r, "row_version");
	if (!str_empty(s) && str_to_ll(s, 1, INT_MAX, &v) < 0)
		errs_add(&all, ERR_INVALID, "row_version", "案件版本号无效，请刷新页面后重试");
	in.row_version = (int)v; /* 0 (absent): the domain refuses it, after the view check */
	in.on_date = req_param(r, "on_date");
	in.reason = req_param(r, "reason");
	in.to = req_param(r, "to");
	in.event_on = req_param(r, "event_on");
	in.approval = req_param(r, "approval");
	in.ending = req_param(r, "ending");
	in.suspension = req_param(r, "suspension");
	in.clock = req_param(r, "clock");
	bool bad = false;
	in.officer_ids = cp_form_ids(r, "officer_ids", &in.n_officers, &bad);
	if (bad)
		errs_add(&all, ERR_INVALID, "officer_ids", "执法人员无效，请从列表中选择");
	in.p_kind = req_param(r, "p_kind");
	in.p_name = req_param(r, "p_name");
	in.p_id_type = req_param(r, "p_id_type");
	in.p_id_number = req_param(r, "p_id_number");
	in.p_organisation = req_param(r, "p_organisation");
	in.p_title = req_param(r, "p_title");
	s = req_param(r, "days");
	if (!str_empty(s)) {
		if (str_to_ll(s, 1, 3650, &v) < 0)
			errs_add(&all, ERR_INVALID, "days", "延长天数应为 1 至 3650 之间的整数");
		else
			in.days = (int)v;
	}
	struct err e = ERR_INIT;
	if (!all.n && case_act(r->db, &r->actor, id, &in, &e) == 0) {
		errs_release(&all);
		return af_done(r, req_printf(r, "/cases/%lld?ok=acted#timeline", id), NULL);
	}
	if (!all.n)
		errs_push(&all, &e);
	struct err first;
	errs_first(&all, &first);
	if (r->want_json || first.kind == ERR_NOTFOUND || first.kind == ERR_FORBIDDEN) {
		errs_release(&all);
		resp_err(r, &first);
		return 0;
	}
	json_t *m = case_model(r, id); /* the case as it is now: a conflict shows the other's change */
	if (!m) {
		errs_release(&all);
		return 0;
	}
	/* the form that failed: the action and what it names, as the page keyed it */
	json_t *a = json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:s?}", "action", in.action ? in.action : "", "to", in.to, "approval",
			      in.approval, "ending", in.ending, "suspension", in.suspension, "clock", in.clock);
	const char *key = action_key(r, a);
	json_decref(a);
	cp_fail_model(r, m, &all, key);
	render_case(r, m);
	r->status = first.kind >= 400 && first.kind < 600 ? first.kind : 500;
	errs_release(&all);
	json_decref(m);
	return 0;
}
