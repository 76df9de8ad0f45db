/*
 * review_pages.c - 法制审核 on the back office: the review section of the
 * case page, the review page of a case with the forms of the steps the
 * reader may take now (GET/POST /cases/{id}/review), and the queue
 * (GET /review).
 *
 * Invariants: the domain (review/flow.h) decides who may do what and
 * checks every value; a page only offers the forms of the actions the
 * domain lists for the reader, and a failed step re-renders the page
 * with the Chinese message and what was typed (4xx).
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "app/app.h"
#include "http/xlsx.h"
#include "pages/pages.h"
#include "review/flow.h"
#include "review/review.h"
#include "people/people.h"
#include "core/dict.h"
#include <math.h>

static bool has_action(const json_t *rv, const char *a)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(rv, "actions"), i, x) {
		if (str_eq(json_string_value(x), a))
			return true;
	}
	return false;
}

static const char *state_class(const char *state)
{
	if (str_eq(state, "agreed") || str_eq(state, "decided"))
		return "ok";
	if (str_eq(state, "problems") || str_eq(state, "returned") || str_eq(state, "escalated"))
		return "warn";
	return "";
}

static void responsibility_table(struct req *r, const json_t *rv)
{
	const json_t *rows = json_object_get(rv, "responsibility");
	if (!json_array_size(rows))
		return;
	/* one card per step on a phone (table.cards, labelled from data-label) */
	h_raw(r->out, "<h3>责任记录</h3><div class=\"table-wrap\"><table class=\"cards resp\"><thead><tr><th scope=\"col\">步骤</th>"
		      "<th scope=\"col\">人员</th><th scope=\"col\">身份</th><th scope=\"col\">负责事项</th>"
		      "<th scope=\"col\">时间</th></tr></thead><tbody>");
	size_t i;
	const json_t *x;
	json_array_foreach(rows, i, x)
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"步骤\">%s</th><td data-label=\"人员\" class=\"nw\">%s</td><td data-label=\"身份\">%s</td>"
			 "<td data-label=\"负责事项\">%s</td><td data-label=\"时间\" class=\"nw\">%s</td></tr>",
			 js(x, "step"), js(x, "person"), js(x, "role"), js(x, "answers_for"), js(x, "at_local"));
	h_raw(r->out, "</tbody></table></div>");
}

void review_case_section(struct req *r, const json_t *c)
{
	json_t *rv = NULL;
	struct err e = ERR_INIT;
	if (review_get(r->db, &r->actor, ji(c, "id"), &rv, &e) < 0)
		return; /* not for this reader */
	const char *state = js(rv, "state");
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"h-review\" id=\"review\"><h2 id=\"h-review\">法制审核</h2>"
		 "<p>状态：<span class=\"badge %s\">%s</span> %s</p>",
		 state_class(state), js(rv, "state_label"),
		 json_is_true(json_object_get(rv, "gate_open")) ? "（可以作出决定）" : "");
	const json_t *clock = json_object_get(rv, "clock");
	if (json_is_object(clock) && !str_empty(js(clock, "due_on")))
		h_printf(r->out, "<p>审核期限：%s 前（%s）</p>", js(clock, "due_on"), dict_label("deadline_state", js(clock, "state")));
	h_printf(r->out, "<p><a href=\"/cases/%lld/review\">%s</a></p></section>", ji(c, "id"),
		 json_array_size(json_object_get(rv, "actions")) ? "办理法制审核" : "查看法制审核记录");
	json_decref(rv);
}

/* ---- the forms ---- */

static const json_t *last_round(const json_t *rv)
{
	const json_t *rounds = json_object_get(rv, "rounds");
	size_t n = json_array_size(rounds);
	return n ? json_array_get(rounds, n - 1) : NULL;
}

/* The newest event of type in round (NULL when none). */
static const json_t *last_event(const json_t *round, const char *type)
{
	const json_t *found = NULL, *ev;
	size_t i;
	json_array_foreach(json_object_get(round, "events"), i, ev) {
		if (str_eq(js(ev, "type"), type))
			found = ev;
	}
	return found;
}

/* A resubmission starts from what the last round submitted (the form's
 * kept input, as af_value reads it): the division changes what the
 * opinion asked for instead of typing the whole proposal again.  The
 * declaration is not carried over: it is made anew for every round. */
static json_t *resubmission_input(const json_t *rv)
{
	const json_t *prop = json_object_get(last_round(rv), "proposal");
	if (!json_is_object(prop))
		return NULL;
	json_t *in = json_object();
	const char *texts[] = { "decision", "report", "party_kind" };
	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		json_object_set_new(in, texts[i], json_string(js(prop, texts[i])));
	const char *amounts[] = { "fine_yuan", "confiscation_yuan" };
	for (size_t i = 0; i < ARRAY_SIZE(amounts); i++) {
		const json_t *v = json_object_get(prop, amounts[i]);
		if (!json_is_number(v))
			continue;
		double d = json_number_value(v);
		char buf[40];
		snprintf(buf, sizeof buf, d == floor(d) ? "%.0f" : "%.2f", d);
		json_object_set_new(in, amounts[i], json_string(buf));
	}
	const char *lists[] = { "measures", "flags" };
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		struct buf b;
		buf_init(&b, 0);
		size_t k;
		const json_t *x;
		json_array_foreach(json_object_get(prop, lists[i]), k, x)
			buf_printf(&b, "%s%s", k ? "," : "", json_string_value(x) ? json_string_value(x) : "");
		json_object_set_new(in, lists[i], json_string(buf_str(&b)));
		buf_release(&b);
	}
	const char *flags[] = { "hearing_held", "site" };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		json_object_set_new(in, flags[i], json_string(json_is_true(json_object_get(prop, flags[i])) ? "1" : ""));
	return json_pack("{s:o}", "input", in);
}

static void textarea(struct req *r, const json_t *m, const char *name, const char *label, const char *hint)
{
	af_textarea(r, m, name, label, "", "rows=\"4\" required");
	if (hint)
		h_printf(r->out, "<p class=\"hint\">%s</p>", hint);
}

static void checkboxes(struct req *r, const json_t *m, const char *name, const char *legend, const json_t *names)
{
	const char *joined = af_value(m, name, "");
	h_printf(r->out, "<fieldset><legend>%s</legend>", legend);
	size_t i;
	const json_t *x;
	json_array_foreach(names, i, x) {
		const char *v = json_string_value(x);
		bool on = false;
		/* the kept input is "a,b,c" */
		const char *p = joined;
		size_t n = strlen(v);
		while (p && *p) {
			if (strncmp(p, v, n) == 0 && (p[n] == ',' || p[n] == 0))
				on = true;
			p = strchr(p, ',');
			if (p)
				p++;
		}
		h_printf(r->out, "<label class=\"check\"><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> %s</label>", name, v,
			 on ? " checked" : "", v);
	}
	h_raw(r->out, "</fieldset>");
}

/* The catalogue's answer for a decision draft, in words. */
static void classification_note(struct req *r, const json_t *cls)
{
	if (!json_is_object(cls)) {
		h_raw(r->out, "<p>尚未认定是否属于重大执法决定（请先在决定书草稿中登记当事人并填写处罚内容）。</p>");
		return;
	}
	bool major = json_is_true(json_object_get(cls, "major"));
	h_printf(r->out, "<p data-major=\"%s\"><strong>%s</strong>（按第 %lld 版重大执法决定目录认定）", major ? "1" : "0",
		 major ? "属于重大执法决定，须经法制审核" : "不属于重大执法决定", ji(cls, "catalogue_version"));
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(cls, "reasons"), i, x)
		h_printf(r->out, "%s%s", i ? "；" : "：", json_string_value(x));
	h_raw(r->out, "</p>");
}

static void submit_form(struct req *r, const json_t *m, const json_t *rv, const char *kind, const json_t *cat)
{
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"f-submit\"><h2 id=\"f-submit\">送法制审核</h2>");
	h_printf(r->out, "<form method=\"post\" action=\"/cases/%lld/review\">", ji(rv, "case_id"));
	form_csrf(r);
	h_raw(r->out, "<input type=\"hidden\" name=\"action\" value=\"submit\">");
	textarea(r, m, "decision", "拟作出的决定", NULL);
	textarea(r, m, "report", "调查终结报告", NULL);
	const json_t *draft = json_object_get(rv, "decision_draft");
	if (json_is_object(draft)) {
		/* the decision draft goes with the submission and is classified
		 * from its own fields and the case (review/decision.h) */
		h_printf(r->out, "<div class=\"notice\" id=\"decision-draft\"><p>随同送审的决定书草稿："
				 "<a href=\"/documents/%lld\">%s</a>（草稿）</p>",
			 ji(draft, "id"), js(draft, "name"));
		classification_note(r, json_object_get(draft, "classification"));
		h_raw(r->out, "<p class=\"hint\">是否属于重大执法决定，按决定书草稿的处罚种类、金额、适用情形和本案当事人类别、是否经过听证认定；"
			      "审核同意后决定书草稿的事实、处理措施或金额如有改动，须重新送审。</p></div>");
		goto answers;
	}
	static const struct form_opt kinds[] = {
		{ "person", "公民" },
		{ "org", "法人或者其他组织" },
		{ "individual_business", "个体工商户" },
	};
	af_select(r, m, "party_kind", "当事人类别", "数额标准因类别而不同", kinds, ARRAY_SIZE(kinds), "", "（请选择）");
	if (str_eq(kind, "penalty")) {
		af_input(r, m, "text", "fine_yuan", "罚款金额（元）", "", "inputmode=\"decimal\"", NULL);
		af_input(r, m, "text", "confiscation_yuan", "没收金额（元）", "", "inputmode=\"decimal\"", "没收违法所得、没收非法财物");
	}
	const json_t *measures = json_object_get(json_object_get(json_object_get(cat, "definition"), "measures"), kind);
	if (json_array_size(measures))
		checkboxes(r, m, "measures", "处理措施", measures);
	af_checkbox(r, m, "hearing_held", "经过听证程序", false);
	if (str_eq(kind, "coercion"))
		af_checkbox(r, m, "site", "查封、扣押的是生产经营场所", false);
	checkboxes(r, m, "flags", "案件情形", json_object_get(json_object_get(cat, "definition"), "flags"));
answers:;
	/* a resubmission answers every problem of the last opinion */
	const json_t *problems = json_object_get(json_object_get(last_event(last_round(rv), "opinion"), "detail"), "problems");
	size_t i;
	if (json_array_size(problems)) {
		h_raw(r->out, "<fieldset><legend>对上一轮审核意见的答复（逐条）</legend>");
		const json_t *p;
		json_array_foreach(problems, i, p) {
			char n1[40], n2[40];
			snprintf(n1, sizeof n1, "handled_%zu", i);
			snprintf(n2, sizeof n2, "answer_%zu", i);
			h_printf(r->out, "<p><strong>问题 %zu：</strong>%s</p>", i + 1, json_string_value(p));
			static const struct form_opt hs[] = { { "1", "已按意见处理" }, { "0", "不同意，说明理由" } };
			af_select(r, m, n1, "处理情况", NULL, hs, ARRAY_SIZE(hs), "1", NULL);
			af_textarea(r, m, n2, "答复", "", "rows=\"2\" required");
		}
		h_raw(r->out, "</fieldset>");
	}
	af_checkbox(r, m, "vouch", "本处室对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、程序的合法性负责", false);
	h_raw(r->out, "<button type=\"submit\">送审</button></form></section>");
}

/* lead (NULL = none): what the step answers, shown above the form as a
 * paragraph of class lead_class */
static void simple_form(struct req *r, long long case_id, const char *action, const char *title, const char *lead_class,
			const char *lead, const char *field, const char *label, const char *button)
{
	h_printf(r->out, "<section class=\"card\"><h2>%s</h2>", title);
	if (!str_empty(lead))
		h_printf(r->out, "<p class=\"%s\">%s</p>", lead_class, lead);
	h_printf(r->out, "<form method=\"post\" action=\"/cases/%lld/review\">", case_id);
	form_csrf(r);
	h_printf(r->out, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
	if (field) {
		json_t *none = json_object();
		textarea(r, none, field, label, NULL);
		json_decref(none);
	}
	h_printf(r->out, "<button type=\"submit\">%s</button></form></section>", button);
}

static void assign_form(struct req *r, long long case_id)
{
	json_t *people = NULL;
	struct err e = ERR_INIT;
	if (people_user_list(r->db, &r->actor, r->actor.unit_id, &people, &e) < 0)
		return;
	size_t n = json_array_size(people), i, k = 0;
	struct form_opt *o = req_own(r, xcalloc(n ? n : 1, sizeof *o));
	const json_t *p;
	json_array_foreach(people, i, p) {
		size_t j;
		const json_t *role;
		json_array_foreach(json_object_get(p, "roles"), j, role) {
			if (str_eq(json_string_value(role), "reviewer")) {
				o[k].value = req_printf(r, "%lld", ji(p, "id"));
				o[k].label = req_printf(r, "%s（%s）", js(p, "name"), js(p, "title"));
				k++;
			}
		}
	}
	json_decref(people);
	h_printf(r->out, "<section class=\"card\"><h2>分配审核人员</h2><form method=\"post\" action=\"/cases/%lld/review\">",
		 case_id);
	form_csrf(r);
	h_raw(r->out, "<input type=\"hidden\" name=\"action\" value=\"assign\">");
	json_t *none = json_object();
	af_select(r, none, "reviewer_id", "审核人员", "须已登记法律职业资格或法律专业背景，且未参与本案", o, k, "", "（请选择）");
	json_decref(none);
	h_raw(r->out, "<button type=\"submit\">分配</button></form></section>");
}

static void opinion_form(struct req *r, const json_t *m, long long case_id)
{
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"f-op\"><h2 id=\"f-op\">出具审核意见</h2>"
		 "<form method=\"post\" action=\"/cases/%lld/review\">", case_id);
	form_csrf(r);
	h_raw(r->out, "<input type=\"hidden\" name=\"action\" value=\"opinion\"><fieldset><legend>审核要点</legend>");
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++) {
		const char *k = review_checklist_keys[i];
		char ok_name[40], note_name[40];
		snprintf(ok_name, sizeof ok_name, "ok_%s", k);
		snprintf(note_name, sizeof note_name, "note_%s", k);
		bool problem = str_eq(af_value(m, ok_name, "1"), "0");
		h_printf(r->out, "<div class=\"check-item\"><p><strong>%d. %s</strong></p>"
			 "<label class=\"check\"><input type=\"radio\" name=\"%s\" value=\"1\"%s> 无问题</label> "
			 "<label class=\"check\"><input type=\"radio\" name=\"%s\" value=\"0\"%s> 存在问题</label>",
			 i + 1, review_checklist_labels[i], ok_name, problem ? "" : " checked", ok_name,
			 problem ? " checked" : "");
		af_input(r, m, "text", note_name, "说明", "", "maxlength=\"2000\"", NULL);
		h_raw(r->out, "</div>");
	}
	h_raw(r->out, "</fieldset>");
	static const struct form_opt verdicts[] = { { "agree", "同意" }, { "problems", "存在问题" } };
	af_select(r, m, "verdict", "审核意见", NULL, verdicts, ARRAY_SIZE(verdicts), "agree", NULL);
	af_textarea(r, m, "problems", "存在的问题（每行一条）", "", "rows=\"4\"");
	af_textarea(r, m, "suggestions", "处理建议", "", "rows=\"3\"");
	af_input(r, m, "password", "password", "登录密码", NULL, "required autocomplete=\"current-password\"",
		 "审核人员本人确认；密码输错会计入登录失败次数");
	h_raw(r->out, "<button type=\"submit\">出具意见</button></form></section>");
}

static void decide_form(struct req *r, const json_t *m, long long case_id)
{
	h_printf(r->out, "<section class=\"card\"><h2>分管负责人审定</h2><form method=\"post\" action=\"/cases/%lld/review\">",
		 case_id);
	form_csrf(r);
	h_raw(r->out, "<input type=\"hidden\" name=\"action\" value=\"decide\">");
	static const struct form_opt vs[] = { { "proceed", "同意作出" }, { "refuse", "不同意作出" }, { "modify", "修改后作出" } };
	af_select(r, m, "verdict", "审定结论", NULL, vs, ARRAY_SIZE(vs), "", "（请选择）");
	af_textarea(r, m, "reasons", "理由", "", "rows=\"3\" required");
	af_textarea(r, m, "instructions", "修改要求（修改后作出时必填）", "", "rows=\"3\"");
	h_raw(r->out, "<button type=\"submit\">审定</button></form></section>");
}

/* ---- the review page ---- */

/* The points of an opinion's checklist marked 存在问题, or given a note. */
static void checklist_view(struct req *r, const json_t *detail)
{
	const json_t *cl = json_object_get(detail, "checklist");
	bool any = false;
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++) {
		const json_t *it = json_object_get(cl, review_checklist_keys[i]);
		bool problem = json_is_false(json_object_get(it, "ok"));
		if (!it || (!problem && str_empty(js(it, "note"))))
			continue;
		if (!any)
			h_raw(r->out, "<p>审核要点：</p><ul>");
		any = true;
		h_printf(r->out, "<li>%s（%s）%s%s</li>", review_checklist_labels[i], problem ? "存在问题" : "无问题",
			 str_empty(js(it, "note")) ? "" : "：", js(it, "note"));
	}
	if (any)
		h_raw(r->out, "</ul>");
}

/* Once escalated: the 政策法规处's last opinion and the division's
 * opinion side by side (one above the other on a phone), for the
 * 分管负责人 to decide between (实施方案二（三）3). */
static void both_opinions(struct req *r, const json_t *rv)
{
	const json_t *round = last_round(rv);
	const json_t *op = last_event(round, "opinion"), *esc = last_event(round, "escalated");
	if (!op || !esc)
		return;
	const json_t *d = json_object_get(op, "detail");
	h_printf(r->out, "<section class=\"card\" id=\"both\" aria-labelledby=\"h-both\"><h2 id=\"h-both\">双方意见"
		 "（第 %lld 轮）</h2><div class=\"grid\"><div class=\"opinion-office\"><h3>政策法规处的审核意见</h3>"
		 "<p>审核意见：%s — %s（%s）</p>",
		 ji(round, "round_no"), js(op, "verdict_label"), js(op, "by_name"), js(op, "at_local"));
	const json_t *probs = json_object_get(d, "problems");
	if (json_array_size(probs)) {
		h_raw(r->out, "<p>存在的问题：</p><ol>");
		size_t i;
		const json_t *p;
		json_array_foreach(probs, i, p)
			h_printf(r->out, "<li>%s</li>", json_string_value(p));
		h_raw(r->out, "</ol>");
	}
	checklist_view(r, d);
	if (!str_empty(js(d, "suggestions")))
		h_printf(r->out, "<p>处理建议：%s</p>", js(d, "suggestions"));
	h_printf(r->out, "</div><div class=\"opinion-division\"><h3>承办处室的意见</h3><p>报请审定 — %s（%s）</p>"
		 "<p class=\"pre\">%s</p>",
		 js(esc, "by_name"), js(esc, "at_local"), js(esc, "text"));
	const json_t *answers = json_object_get(round, "answers");
	if (json_array_size(answers)) {
		h_raw(r->out, "<p>本轮送审时对上一轮问题的答复：</p><ol>");
		size_t i;
		const json_t *x;
		json_array_foreach(answers, i, x)
			h_printf(r->out, "<li>%s：%s</li>", json_is_true(json_object_get(x, "handled")) ? "已处理" : "不同意",
				 js(x, "note"));
		h_raw(r->out, "</ol>");
	}
	h_raw(r->out, "</div></div></section>");
}

static void round_view(struct req *r, const json_t *round)
{
	const json_t *cls = json_object_get(round, "classification");
	h_printf(r->out, "<section class=\"card\"><h2>第 %lld 轮送审</h2><dl class=\"props\"><dt>送审人</dt><dd>%s（%s）</dd>"
		 "<dt>是否重大</dt><dd>%s</dd>",
		 ji(round, "round_no"), js(round, "submitted_by_name"), js(round, "submitted_at_local"),
		 json_is_true(json_object_get(round, "major")) ? "重大执法决定" : "非重大（自愿送审）");
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(cls, "reasons"), i, x)
		h_printf(r->out, "<dt>判断理由</dt><dd>%s</dd>", json_string_value(x));
	const json_t *prop = json_object_get(round, "proposal");
	if (ji(round, "application_document_id") > 0)
		h_printf(r->out, "<dt>申请表</dt><dd><a class=\"application-doc\" href=\"/documents/%lld\">重大执法决定法制审核申请表</a>"
				 "（<a href=\"/documents/%lld/pdf\" target=\"_blank\" rel=\"noopener\">打印版</a>）</dd>",
			 ji(round, "application_document_id"), ji(round, "application_document_id"));
	const json_t *dd = json_object_get(prop, "decision_document");
	if (json_is_object(dd))
		h_printf(r->out, "<dt>决定书草稿</dt><dd><a href=\"/documents/%lld\">%s</a>（送审时的决定内容摘要 <code class=\"hash\">%s</code>）</dd>",
			 ji(dd, "id"), js(dd, "name"), js(dd, "material_sha256"));
	h_printf(r->out, "<dt>拟作出的决定</dt><dd class=\"pre\">%s</dd><dt>调查终结报告</dt><dd class=\"pre\">%s</dd>"
		 "<dt>送审材料摘要</dt><dd><code>%s</code>（%zu 份材料）</dd></dl>",
		 js(prop, "decision"), js(prop, "report"), js(round, "snapshot_sha256"),
		 json_array_size(json_object_get(json_object_get(round, "snapshot"), "items")));
	const json_t *answers = json_object_get(round, "answers");
	if (json_array_size(answers)) {
		h_raw(r->out, "<h3>对上一轮问题的答复</h3><ol>");
		json_array_foreach(answers, i, x)
			h_printf(r->out, "<li>%s：%s</li>", json_is_true(json_object_get(x, "handled")) ? "已处理" : "不同意",
				 js(x, "note"));
		h_raw(r->out, "</ol>");
	}
	h_raw(r->out, "<h3>经过</h3><ol class=\"timeline\">");
	json_array_foreach(json_object_get(round, "events"), i, x) {
		bool named = (str_eq(js(x, "type"), "assigned") || str_eq(js(x, "type"), "claimed")) &&
			     !str_empty(js(x, "reviewer_name"));
		h_printf(r->out, "<li><strong>%s</strong>%s%s%s%s%s — %s（%s）", js(x, "type_label"),
			 str_empty(js(x, "verdict_label")) ? "" : "：", js(x, "verdict_label"), named ? "：" : "",
			 named ? js(x, "reviewer_name") : "", "", js(x, "by_name"), js(x, "at_local"));
		if (!str_empty(js(x, "text")))
			h_printf(r->out, "<p class=\"pre\">%s</p>", js(x, "text"));
		const json_t *d = json_object_get(x, "detail");
		const json_t *probs = json_object_get(d, "problems");
		if (json_array_size(probs)) {
			h_raw(r->out, "<p>存在的问题：</p><ol>");
			size_t k;
			const json_t *p;
			json_array_foreach(probs, k, p)
				h_printf(r->out, "<li>%s</li>", json_string_value(p));
			h_raw(r->out, "</ol>");
		}
		if (str_eq(js(x, "type"), "opinion"))
			checklist_view(r, d);
		if (!str_empty(js(d, "suggestions")))
			h_printf(r->out, "<p>处理建议：%s</p>", js(d, "suggestions"));
		if (!str_empty(js(d, "instructions")))
			h_printf(r->out, "<p>修改要求：%s</p>", js(d, "instructions"));
		if (ji(x, "document_id") > 0)
			h_printf(r->out, "<p><a class=\"opinion-doc\" href=\"/documents/%lld\">法制审核意见书</a>"
					 "（<a href=\"/documents/%lld/pdf\" target=\"_blank\" rel=\"noopener\">打印版</a>）</p>",
				 ji(x, "document_id"), ji(x, "document_id"));
		h_raw(r->out, "</li>");
	}
	h_raw(r->out, "</ol></section>");
}

static void render_review(struct req *r, json_t *m)
{
	const json_t *rv = json_object_get(m, "review");
	long long id = ji(rv, "case_id");
	page_begin(r, "法制审核");
	h_printf(r->out, "<p><a href=\"/cases/%lld#review\">← 返回案件</a></p><h1>法制审核 <span class=\"badge %s\">%s</span></h1>",
		 id, state_class(js(rv, "state")), js(rv, "state_label"));
	const json_t *err = json_object_get(m, "error");
	if (json_is_object(err))
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\">%s</p>", js(err, "message"));
	else if (str_eq(req_param(r, "ok"), "done"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">已办理，记入法制审核记录和公信账本。</p>");
	h_printf(r->out, "<p>%s</p>", json_is_true(json_object_get(rv, "gate_open"))
					? "法制审核已同意（或分管负责人已审定同意作出），可以作出决定。"
					: "未经法制审核或者审核未通过的，不得作出决定（《中华人民共和国行政处罚法》第五十八条）。");
	const json_t *clock = json_object_get(rv, "clock");
	if (json_is_object(clock) && !str_empty(js(clock, "due_on")))
		h_printf(r->out, "<p>本轮审核期限：%s 前（10 个工作日，实施方案二（三）3；%s）</p>", js(clock, "due_on"),
			 dict_label("deadline_state", js(clock, "state")));
	if (str_eq(js(rv, "state"), "escalated") || str_eq(js(rv, "state"), "decided"))
		both_opinions(r, rv);
	const char *kind = js(m, "kind");
	const json_t *fm = json_object_get(m, "input") ? m : NULL;
	json_t *none = json_object();
	if (!fm)
		fm = none;
	if (has_action(rv, "submit")) {
		json_t *again = str_eq(js(m, "form"), "submit") ? NULL : resubmission_input(rv);
		submit_form(r, again ? again : str_eq(js(m, "form"), "submit") ? fm : none, rv, kind,
			    json_object_get(m, "catalogue"));
		json_decref(again);
	}
	if (has_action(rv, "accept"))
		simple_form(r, id, "accept", "受理", NULL, NULL, NULL, NULL, "材料齐全，受理");
	if (has_action(rv, "return"))
		simple_form(r, id, "return", "退回补正", NULL, NULL, "missing", "需要补正的材料", "退回补正");
	if (has_action(rv, "supplement")) {
		const json_t *ret = last_event(last_round(rv), "returned");
		simple_form(r, id, "supplement", "补正材料", "alert warn",
			    ret ? req_printf(r, "政策法规处（%s）要求补正：%s", js(ret, "by_name"), js(ret, "text")) : NULL,
			    "note", "补正说明", "补正后重新报送");
	}
	if (has_action(rv, "assign"))
		assign_form(r, id);
	if (has_action(rv, "claim"))
		simple_form(r, id, "claim", "认领审核", NULL, NULL, NULL, NULL, "由我审核");
	if (has_action(rv, "opinion"))
		opinion_form(r, str_eq(js(m, "form"), "opinion") ? fm : none, id);
	if (has_action(rv, "escalate"))
		simple_form(r, id, "escalate", "报分管负责人审定", "muted",
			    "再次送审后仍不能达成一致的，写明本处室的意见，与政策法规处的审核意见一并报分管负责人审定（实施方案二（三）3）。",
			    "division_opinion", "本处室的意见", "将双方意见报分管负责人审定");
	if (has_action(rv, "decide"))
		decide_form(r, str_eq(js(m, "form"), "decide") ? fm : none, id);
	json_decref(none);
	size_t i;
	const json_t *round;
	json_array_foreach(json_object_get(rv, "rounds"), i, round)
		round_view(r, round);
	responsibility_table(r, rv);
	page_end(r);
}

/* The form's step as the domain's JSON. */
static json_t *step_from_form(struct req *r, const char *action)
{
	json_t *in = json_pack("{s:s}", "action", action);
	const char *text_keys[] = { "decision", "report", "party_kind", "missing", "note", "division_opinion", "reasons",
				    "instructions", "suggestions", "verdict" };
	for (size_t i = 0; i < ARRAY_SIZE(text_keys); i++) {
		const char *v = req_param(r, text_keys[i]);
		if (!str_empty(v))
			json_object_set_new(in, text_keys[i], json_string(v));
	}
	const char *amounts[] = { "fine_yuan", "confiscation_yuan" };
	for (size_t i = 0; i < ARRAY_SIZE(amounts); i++) {
		const char *v = req_param(r, amounts[i]);
		if (str_empty(v))
			continue;
		char *end = NULL;
		double d = strtod(v, &end);
		/* not a finite number ("十五万", "nan", "inf"): passed as text, so
		 * that the domain names it rather than reading no amount */
		bool num = end && end != v && *end == 0 && isfinite(d);
		json_object_set_new(in, amounts[i], num ? json_real(d) : json_string(v));
	}
	const char *lists[] = { "measures", "flags" };
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
		json_t *arr = json_array();
		char *joined = af_form_joined(r, lists[i]);
		for (char *p = joined; p && *p;) {
			char *c = strchr(p, ',');
			if (c)
				*c = 0;
			if (*p)
				json_array_append_new(arr, json_string(p));
			p = c ? c + 1 : NULL;
		}
		json_object_set_new(in, lists[i], arr);
	}
	json_object_set_new(in, "hearing_held", json_boolean(!str_empty(req_param(r, "hearing_held"))));
	json_object_set_new(in, "site", json_boolean(!str_empty(req_param(r, "site"))));
	json_object_set_new(in, "vouch", json_boolean(!str_empty(req_param(r, "vouch"))));
	json_t *answers = json_array();
	for (int i = 0; i < 50; i++) {
		char n1[24], n2[24];
		snprintf(n1, sizeof n1, "handled_%d", i);
		snprintf(n2, sizeof n2, "answer_%d", i);
		if (!req_param(r, n1) && !req_param(r, n2))
			break;
		json_array_append_new(answers, json_pack("{s:b,s:s}", "handled", str_eq(req_param(r, n1), "1"), "note",
							 req_param(r, n2) ? req_param(r, n2) : ""));
	}
	json_object_set_new(in, "answers", answers);
	json_t *cl = json_object();
	for (int i = 0; i < REVIEW_CHECKLIST_N; i++) {
		char ok_name[40], note_name[40];
		snprintf(ok_name, sizeof ok_name, "ok_%s", review_checklist_keys[i]);
		snprintf(note_name, sizeof note_name, "note_%s", review_checklist_keys[i]);
		const char *ok = req_param(r, ok_name);
		if (!ok)
			continue;
		json_object_set_new(cl, review_checklist_keys[i],
				    json_pack("{s:b,s:s}", "ok", str_eq(ok, "1"), "note",
					      req_param(r, note_name) ? req_param(r, note_name) : ""));
	}
	json_object_set_new(in, "checklist", cl);
	json_t *problems = json_array();
	const char *pt = req_param(r, "problems");
	if (pt) {
		char *copy = req_own(r, xstrdup(pt));
		for (char *p = copy; p && *p;) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = 0;
			size_t n = strlen(p);
			while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
				p[--n] = 0;
			if (*p)
				json_array_append_new(problems, json_string(p));
			p = nl ? nl + 1 : NULL;
		}
	}
	json_object_set_new(in, "problems", problems);
	return in;
}

static int do_step(struct req *r, long long id, const char *action, struct err *e)
{
	json_t *in = step_from_form(r, action);
	int rc;
	long long round = 0, reviewer = 0;
	if (str_eq(action, "submit"))
		rc = review_submit(r->db, app_vault(r->app, NULL), &r->actor, id, in, &round, e);
	else if (str_eq(action, "accept"))
		rc = review_accept(r->db, &r->actor, id, e);
	else if (str_eq(action, "return"))
		rc = review_return(r->db, &r->actor, id, req_param(r, "missing"), e);
	else if (str_eq(action, "supplement"))
		rc = review_supplement(r->db, &r->actor, id, req_param(r, "note"), e);
	else if (str_eq(action, "assign"))
		rc = af_param_id(r, "reviewer_id", &reviewer, e, "请选择审核人员") < 0 ? -1
		     : reviewer <= 0 ? err_set(e, ERR_INVALID, "reviewer_id", "请选择审核人员")
				     : review_assign(r->db, &r->actor, id, reviewer, e);
	else if (str_eq(action, "claim"))
		rc = review_claim(r->db, &r->actor, id, e);
	else if (str_eq(action, "opinion"))
		rc = review_opinion(r->db, app_vault(r->app, NULL), &r->actor, id, in, req_param(r, "password"), e);
	else if (str_eq(action, "escalate"))
		rc = review_escalate(r->db, &r->actor, id, req_param(r, "division_opinion"), e);
	else if (str_eq(action, "decide"))
		rc = review_decide(r->db, &r->actor, id, req_param(r, "verdict"), req_param(r, "reasons"),
				   req_param(r, "instructions"), e);
	else
		rc = err_set(e, ERR_INVALID, "action", "未知的法制审核操作");
	json_decref(in);
	return rc;
}

static json_t *review_model(struct req *r, long long id)
{
	json_t *rv = NULL, *cat = NULL;
	struct err e = ERR_INIT;
	if (id <= 0 || review_get(r->db, &r->actor, id, &rv, &e) < 0) {
		if (id <= 0)
			err_set(&e, ERR_NOTFOUND, "id", "案件不存在或无权查看");
		resp_err(r, &e);
		return NULL;
	}
	struct err ce = ERR_INIT;
	if (review_catalogue_in_force(r->db, NULL, &cat, &ce) < 0)
		cat = json_object();
	/* the case's kind picks the measures offered */
	return json_pack("{s:o,s:o,s:s}", "review", rv, "catalogue", cat, "kind", js(rv, "kind"));
}

int page_case_review(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = review_model(r, id);
	if (!m)
		return 0;
	if (r->method != M_POST)
		return page_model(r, m, render_review);
	const char *action = req_param(r, "action");
	json_object_set_new(m, "form", json_string(action ? action : ""));
	struct err e = ERR_INIT;
	if (do_step(r, id, action ? action : "", &e) < 0)
		return af_fail(r, m, &e, render_review);
	json_decref(m);
	return af_done(r, req_printf(r, "/cases/%lld/review?ok=done", id), NULL);
}

static void render_queue(struct req *r, json_t *m)
{
	page_begin(r, "法制审核");
	h_raw(r->out, "<h1>法制审核</h1><p class=\"muted\">政策法规处：待受理、待分配、审核中的送审及其期限；分管负责人："
		      "报请审定的案件；承办处室：本处室的送审。</p>");
	if (actor_has(&r->actor, ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER))
		h_raw(r->out, "<p><a href=\"/review/stats\">法制审核统计</a></p>");
	const json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p>没有待办的法制审核。</p>");
		page_end(r);
		return;
	}
	/* one card per review on a phone (table.cards) */
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards\"><thead><tr><th scope=\"col\">案件</th><th scope=\"col\">承办机构</th>"
		      "<th scope=\"col\">轮次</th><th scope=\"col\">状态</th><th scope=\"col\">审核人员</th>"
		      "<th scope=\"col\">期限</th><th scope=\"col\">送审时间</th></tr></thead><tbody>");
	size_t i;
	const json_t *x;
	json_array_foreach(items, i, x) {
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"案件\"><a href=\"/cases/%lld/review\">%s</a> %s</th><td data-label=\"承办机构\">%s</td>"
			 "<td data-label=\"轮次\">第 %lld 轮</td><td data-label=\"状态\"><span class=\"badge %s\">%s</span></td>"
			 "<td data-label=\"审核人员\">%s</td><td data-label=\"期限\">%s%s</td><td data-label=\"送审时间\">%s</td></tr>",
			 ji(x, "case_id"), str_empty(js(x, "case_no")) ? "（未编号）" : js(x, "case_no"), js(x, "title"),
			 js(x, "unit_name"), ji(x, "round_no"), state_class(js(x, "state")), js(x, "state_label"),
			 str_empty(js(x, "reviewer_name")) ? "—" : js(x, "reviewer_name"),
			 str_empty(js(x, "due_on")) ? "—" : js(x, "due_on"),
			 str_eq(js(x, "clock_state"), "overdue") ? "（已逾期）"
			 : str_eq(js(x, "clock_state"), "due_soon") ? "（即将到期）" : "",
			 js(x, "submitted_at_local"));
	}
	h_raw(r->out, "</tbody></table></div>");
	page_end(r);
}

int page_review_queue(struct req *r)
{
	json_t *q = NULL;
	struct err e = ERR_INIT;
	if (review_queue(r->db, &r->actor, &q, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, q, render_queue);
}

/* ---- statistics ---- */

static const char *rate_text(struct req *r, const json_t *v)
{
	return json_is_number(v) ? req_printf(r, "%.0f%%", json_number_value(v) * 100.0) : "—";
}

static const char *days_text(struct req *r, const json_t *v)
{
	return json_is_number(v) ? req_printf(r, "%.1f", json_number_value(v)) : "—";
}

static void render_stats(struct req *r, json_t *m)
{
	page_begin(r, "法制审核统计");
	h_raw(r->out, "<p><a href=\"/review\">← 法制审核待办</a></p><h1>法制审核统计</h1>"
		      "<p class=\"muted\">按承办机构和首次送审的月份统计。平均用时为受理至出具意见的工作日数；"
		      "逾期为超过 10 个工作日审核期限的送审轮次（实施方案二（三）3）。</p>"
		      "<p><a href=\"/review/stats.xlsx\">导出 Excel</a></p>");
	const json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p>尚无法制审核记录。</p>");
		page_end(r);
		return;
	}
	h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">月份</th><th scope=\"col\">承办机构</th>"
		      "<th scope=\"col\">送审案件</th><th scope=\"col\">送审轮次</th><th scope=\"col\">首轮同意率</th>"
		      "<th scope=\"col\">平均用时（工作日）</th><th scope=\"col\">逾期</th><th scope=\"col\">报请审定</th>"
		      "</tr></thead><tbody>");
	size_t i;
	const json_t *x;
	json_array_foreach(items, i, x)
		h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%lld</td><td>%lld</td><td>%s</td><td>%s</td><td>%lld</td>"
			 "<td>%lld</td></tr>",
			 js(x, "month"), js(x, "unit_name"), ji(x, "reviews"), ji(x, "rounds"),
			 rate_text(r, json_object_get(x, "first_round_agree_rate")),
			 days_text(r, json_object_get(x, "avg_workdays")), ji(x, "overdue"), ji(x, "escalations"));
	h_raw(r->out, "</tbody></table></div>");
	page_end(r);
}

static int stats_model(struct req *r, json_t **out)
{
	struct err e = ERR_INIT;
	if (review_stats(r->db, &r->actor, out, &e) < 0) {
		resp_err(r, &e);
		return -1;
	}
	return 0;
}

int page_review_stats(struct req *r)
{
	json_t *m = NULL;
	if (stats_model(r, &m) < 0)
		return 0;
	return page_model(r, m, render_stats);
}

int page_review_stats_xlsx(struct req *r)
{
	json_t *m = NULL;
	if (stats_model(r, &m) < 0)
		return 0;
	static const struct xlsx_col cols[] = {
		{ "月份", 10, XLSX_TEXT },	      { "承办机构", 24, XLSX_TEXT },	{ "送审案件", 10, XLSX_NUMBER },
		{ "送审轮次", 10, XLSX_NUMBER },    { "首轮同意率", 12, XLSX_PERCENT }, { "平均用时（工作日）", 16, XLSX_NUMBER },
		{ "逾期", 8, XLSX_NUMBER },	      { "报请审定", 10, XLSX_NUMBER },
	};
	json_t *rows = json_array();
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(m, "items"), i, x) {
		json_t *rate = json_object_get(x, "first_round_agree_rate"), *days = json_object_get(x, "avg_workdays");
		json_array_append_new(rows, json_pack("[s,s,I,I,O,O,I,I]", js(x, "month"), js(x, "unit_name"),
						      (json_int_t)ji(x, "reviews"), (json_int_t)ji(x, "rounds"), rate, days,
						      (json_int_t)ji(x, "overdue"), (json_int_t)ji(x, "escalations")));
	}
	xlsx_send(r, "法制审核统计", "法制审核统计（按承办机构和月份）", cols, ARRAY_SIZE(cols), rows, "法制审核统计.xlsx",
		  "review-stats.xlsx");
	json_decref(rows);
	json_decref(m);
	return 0;
}
