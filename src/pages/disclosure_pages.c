/*
 * disclosure_pages.c - 事后公开 on the back office: the list of a division
 * head's publications with due-soon and overdue marks (GET /publications)
 * and one publication (GET/POST /publications/{id}): the preview with the
 * original and the redacted text side by side and every mark, and the
 * forms of the acts (mark, full text, exclusion and its approval, publish,
 * correct, withdraw, end early).
 *
 * Invariants: the domain (disclosure/disclosure.h) decides who may do what
 * and checks every value; a failed act re-renders the page with the
 * Chinese message (4xx) and writes nothing.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "disclosure/disclosure.h"

static const char *badge_class(const char *state, const char *clock)
{
	if (str_eq(state, "draft"))
		return str_eq(clock, "overdue") ? "overdue" : str_eq(clock, "due_soon") ? "due_soon" : "draft";
	return state;
}

static void render_list(struct req *r, json_t *m)
{
	page_begin(r, "事后公开");
	const json_t *c = json_object_get(m, "counts");
	h_printf(r->out, "<h1>事后公开</h1><p class=\"muted\">执法决定定稿后生成公示草稿：行政许可、行政处罚 7 个工作日内，"
			 "其他执法决定 20 个工作日内公示（实施方案二（一）4）。由承办机构负责人预览后发布（谁执法谁公示）。</p>"
			 "<p>待公示 %lld 项，其中即将到期 %lld 项、已逾期 %lld 项；已公示 %lld 项。</p>",
		 ji(c, "drafts"), ji(c, "due_soon"), ji(c, "overdue"), ji(c, "published"));
	const json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p>暂无公示。</p>");
		page_end(r);
		return;
	}
	h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">决定</th><th scope=\"col\">类别</th>"
		      "<th scope=\"col\">承办机构</th><th scope=\"col\">决定日期</th><th scope=\"col\">公示期限</th>"
		      "<th scope=\"col\">状态</th><th scope=\"col\">版本</th></tr></thead><tbody>");
	size_t i;
	const json_t *x;
	json_array_foreach(items, i, x) {
		const char *st = js(x, "state"), *cs = js(x, "clock_state");
		/* a draft has no version yet: 「—」, not 「0」 */
		h_printf(r->out, "<tr><td><a href=\"/publications/%lld\">%s</a></td><td>%s</td><td>%s</td><td class=\"nowrap\">%s</td>"
				 "<td class=\"nowrap\">%s</td><td><span class=\"badge %s\">%s</span>%s%s</td><td>%s</td></tr>",
			 ji(x, "id"), str_empty(js(x, "title")) ? "（无标题）" : js(x, "title"), js(x, "kind_label"),
			 js(x, "unit_name"), js(x, "decision_date"), js(x, "due_on"), badge_class(st, cs), js(x, "state_label"),
			 str_eq(st, "draft") && !str_empty(js(x, "clock_state_label")) ? " " : "",
			 str_eq(st, "draft") ? js(x, "clock_state_label") : "",
			 ji(x, "current_version") > 0 ? req_printf(r, "第 %lld 版", ji(x, "current_version")) : "—");
	}
	h_raw(r->out, "</tbody></table></div>");
	page_end(r);
}

int page_publications(struct req *r)
{
	json_t *items = NULL, *counts = NULL;
	struct err e = ERR_INIT;
	const char *state = req_param(r, "state");
	if (disclosure_list(r->db, &r->actor, str_empty(state) ? NULL : state, 500, &items, &e) < 0 ||
	    disclosure_counts(r->db, &r->actor, &counts, &e) < 0) {
		json_decref(items);
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, json_pack("{s:o,s:o}", "items", items, "counts", counts), render_list);
}

/* ---- one publication ---- */

static void hidden_common(struct req *r, const json_t *p, const char *action)
{
	form_csrf(r);
	h_printf(r->out, "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"row_version\""
			 " value=\"%lld\">",
		 action, ji(p, "row_version"));
}

static void marks_table(struct req *r, const json_t *p, const json_t *t, bool can_write)
{
	const json_t *marks = json_object_get(t, "marks");
	if (!json_array_size(marks)) {
		h_raw(r->out, "<p class=\"muted\">无隐去内容。</p>");
		return;
	}
	h_raw(r->out, "<table><thead><tr><th scope=\"col\">隐去的内容</th><th scope=\"col\">类型</th><th scope=\"col\">理由</th>"
		      "<th scope=\"col\">操作</th></tr></thead><tbody>");
	const char *orig = js(t, "original");
	size_t olen = strlen(orig), i;
	const json_t *x;
	json_array_foreach(marks, i, x) {
		long long s = ji(x, "start"), en = ji(x, "end");
		char *span = (s >= 0 && en > s && (size_t)en <= olen) ? xstrndup(orig + s, (size_t)(en - s)) : xstrdup("");
		h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", span, js(x, "kind_label"), js(x, "reason"));
		free(span);
		if (can_write && !json_is_true(json_object_get(x, "staff"))) {
			h_printf(r->out, "<form method=\"post\" action=\"/publications/%lld\">", ji(p, "id"));
			hidden_common(r, p, "mark_remove");
			h_printf(r->out, "<input type=\"hidden\" name=\"target\" value=\"%s\"><input type=\"hidden\" name=\"start\""
					 " value=\"%lld\"><input type=\"hidden\" name=\"end\" value=\"%lld\">"
					 "<label>理由 <input name=\"remove_reason\" required maxlength=\"200\"></label> "
					 "<button type=\"submit\">取消隐去</button></form>",
				 js(t, "target"), s, en);
		}
		h_raw(r->out, "</td></tr>");
	}
	h_raw(r->out, "</tbody></table>");
}

/* The Chinese name of a redacted target (a field's name, or 决定书全文). */
static const char *target_name(const json_t *pv, const char *target)
{
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(pv, "targets"), i, t)
		if (str_eq(js(t, "target"), target))
			return js(t, "name");
	return "（已不在草稿中的字段）";
}

static void preview_section(struct req *r, const json_t *p, const json_t *pv, bool can_write)
{
	h_raw(r->out, "<h2>预览：原文与公示内容对照</h2><p class=\"muted\">原始文书不会被修改；隐去内容以“【已隐去：类型】”代替，"
		      "请逐项核对后发布。</p>");
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(pv, "targets"), i, t) {
		h_printf(r->out, "<h3>%s</h3><div class=\"table-wrap\"><table class=\"diff\"><thead><tr><th scope=\"col\">原文"
				 "</th><th scope=\"col\">公示内容</th></tr></thead><tbody><tr><td class=\"line\">%s</td>"
				 "<td class=\"line\">%s</td></tr></tbody></table></div>",
			 js(t, "name"), js(t, "original"), js(t, "redacted"));
		marks_table(r, p, t, can_write);
	}
	if (json_array_size(json_object_get(pv, "stale_marks")))
		h_printf(r->out, "<p class=\"alert warn\" role=\"alert\">有 %zu 处工作人员的标注因文书更正已失效（所标文字已移动或改变），"
				 "请撤回后重新标注，否则不能发布。</p>",
			 json_array_size(json_object_get(pv, "stale_marks")));
	const json_t *staff = json_object_get(pv, "staff_marks");
	if (json_array_size(staff)) {
		h_raw(r->out, "<h3>工作人员的标注</h3><table><thead><tr><th scope=\"col\">对象</th><th scope=\"col\">操作</th>"
			      "<th scope=\"col\">理由</th><th scope=\"col\">标注人</th><th scope=\"col\">时间</th>"
			      "<th scope=\"col\">撤回</th></tr></thead><tbody>");
		const json_t *x;
		json_array_foreach(staff, i, x) {
			char loc[20];
			time_utc_to_shanghai(js(x, "at"), loc);
			h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
				 target_name(pv, js(x, "target")),
				 str_eq(js(x, "op"), "add") ? "隐去" : "取消自动隐去", js(x, "reason"), js(x, "by"), loc);
			if (can_write) {
				h_printf(r->out, "<form method=\"post\" action=\"/publications/%lld\">", ji(p, "id"));
				hidden_common(r, p, "mark_revoke");
				h_printf(r->out, "<input type=\"hidden\" name=\"revokes\" value=\"%lld\"><input type=\"hidden\""
						 " name=\"reason\" value=\"撤回标注\"><button type=\"submit\">撤回</button></form>",
					 ji(x, "id"));
			}
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table>");
	}
}

static void act_forms(struct req *r, const json_t *p, const json_t *pv, const json_t *m)
{
	const json_t *can = json_object_get(p, "can");
	bool write = json_is_true(json_object_get(can, "write")), head = json_is_true(json_object_get(can, "publish"));
	const char *st = js(p, "state");
	long long id = ji(p, "id");
	bool open = str_eq(st, "draft") || str_eq(st, "published");
	if (write && open) {
		h_printf(r->out, "<h2>标注隐去内容</h2><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "mark_add");
		h_raw(r->out, "<div class=\"field\"><label for=\"f-target\">对象</label><select id=\"f-target\" name=\"target\">");
		size_t i;
		const json_t *t;
		json_array_foreach(json_object_get(pv, "targets"), i, t)
			h_printf(r->out, "<option value=\"%s\">%s</option>", js(t, "target"), js(t, "name"));
		h_raw(r->out, "</select></div>");
		af_input(r, m, "text", "phrase", "要隐去的文字（每处出现都隐去）", "", "required maxlength=\"500\"", NULL);
		af_input(r, m, "text", "mark_reason", "理由", "", "required maxlength=\"200\"", "如：商业秘密、个人隐私");
		h_raw(r->out, "<button type=\"submit\">隐去</button></form>");
		h_printf(r->out, "<form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "text");
		h_printf(r->out, "<input type=\"hidden\" name=\"include\" value=\"%s\"><p>%s <button type=\"submit\">%s</button></p></form>",
			 json_is_true(json_object_get(p, "include_text")) ? "0" : "1",
			 json_is_true(json_object_get(p, "include_text")) ? "公示内容包括隐去处理后的决定书全文。"
									   : "公示内容不包括决定书全文。",
			 json_is_true(json_object_get(p, "include_text")) ? "不公开全文" : "同时公开全文（隐去处理后）");
	}
	if (str_eq(st, "draft") && head) {
		h_printf(r->out, "<h2>发布公示</h2><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "publish");
		h_printf(r->out, "<input type=\"hidden\" name=\"preview_sha256\" value=\"%s\">", js(pv, "sha256"));
		if (json_is_true(json_object_get(pv, "overdue")))
			af_checkbox(r, m, "overdue", "已超过公示期限，按逾期公示发布（逾期标注）", false);
		if (!json_is_true(json_object_get(pv, "allowed")))
			h_printf(r->out, "<p class=\"alert\">%s</p>", js(pv, "allowed_reason"));
		h_raw(r->out, "<button type=\"submit\">按上述预览发布</button></form>");
	}
	/* the newest published version: a correction must differ from it */
	const json_t *vs = json_object_get(p, "versions");
	const json_t *last = json_array_size(vs) ? json_array_get(vs, json_array_size(vs) - 1) : NULL;
	bool same = last && str_eq(js(last, "sha256"), js(pv, "sha256"));
	if (str_eq(st, "published") && head && ji(p, "draft_document_id") > 0 && same)
		h_printf(r->out, "<h2>发布更正</h2><p class=\"muted\" id=\"correct-none\">公示内容与已公示的第 %lld 版相同，暂无可发布的更正。"
				 "发现错误时，由承办人员制作决定书的更正文书并定稿，或在上方标注隐去内容，再在此发布更正。</p>",
			 ji(last, "version"));
	if (str_eq(st, "published") && head && ji(p, "draft_document_id") > 0 && !same) {
		h_printf(r->out, "<h2>发布更正</h2><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "correct");
		h_printf(r->out, "<input type=\"hidden\" name=\"preview_sha256\" value=\"%s\">", js(pv, "sha256"));
		af_textarea(r, m, "correct_note", "更正说明", "", "required maxlength=\"2000\"");
		h_raw(r->out, "<button type=\"submit\">按上述预览发布更正</button></form>");
	}
	const json_t *pending = json_object_get(p, "exclusion_pending");
	if (str_eq(st, "draft") && write && !json_is_object(pending)) {
		h_printf(r->out, "<h2>申请不予公开</h2><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "exclude");
		h_raw(r->out, "<div class=\"field\"><label for=\"f-reason-x\">情形</label><select id=\"f-reason-x\" name=\"exclude_reason\">");
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(disclosure_rules(), "exclusions"), i, x)
			h_printf(r->out, "<option value=\"%s\">%s（%s）</option>", js(x, "code"), js(x, "name"), js(x, "basis"));
		h_raw(r->out, "</select></div>");
		af_textarea(r, m, "exclude_note", "说明", "", "required maxlength=\"2000\"");
		h_raw(r->out, "<button type=\"submit\">提交负责人审批</button></form>");
	}
	if (str_eq(st, "draft") && json_is_object(pending)) {
		h_printf(r->out, "<h2>不予公开申请</h2><p>%s：%s（%s，%s）</p>", js(pending, "reason_label"), js(pending, "note"),
			 js(pending, "by"), js(pending, "at"));
		if (head) {
			h_printf(r->out, "<form method=\"post\" action=\"/publications/%lld\">", id);
			hidden_common(r, p, "decide_exclusion");
			af_textarea(r, m, "decide_note", "审批意见", "", "required maxlength=\"2000\"");
			h_raw(r->out, "<button type=\"submit\" name=\"approve\" value=\"1\">批准不予公开</button> "
				      "<button type=\"submit\" name=\"approve\" value=\"0\">不批准</button></form>");
		}
	}
	if ((str_eq(st, "published") || str_eq(st, "expired")) && write && !head) {
		h_printf(r->out, "<h2>登记决定被撤销、变更等</h2><p class=\"muted\">登记后开始计算 3 个工作日的撤下期限，"
				 "由承办机构负责人撤下。</p><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "report_revocation");
		static const struct form_opt why[] = { { "撤销", "撤销" }, { "确认违法", "确认违法" },
						       { "责令重新作出", "责令重新作出" }, { "变更", "变更" } };
		af_select(r, m, "report_reason", "原因", NULL, why, ARRAY_SIZE(why), "", "（请选择）");
		af_input(r, m, "date", "report_date", "撤销（确认违法、变更等）的日期", "", "required", NULL);
		af_textarea(r, m, "report_note", "说明（复议决定书、判决书等）", "", "required maxlength=\"2000\"");
		h_raw(r->out, "<button type=\"submit\">登记</button></form>");
	}
	if ((str_eq(st, "published") || str_eq(st, "expired")) && head) {
		h_printf(r->out, "<h2>撤下</h2><p class=\"muted\">决定被依法撤销、确认违法、变更或责令重新作出的，"
				 "自该日起 3 个工作日内撤下并公开说明理由（行政处罚法第四十八条第二款）。</p>"
				 "<form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "withdraw");
		static const struct form_opt reasons[] = { { "撤销", "撤销" }, { "确认违法", "确认违法" },
							   { "责令重新作出", "责令重新作出" }, { "变更", "变更" } };
		af_select(r, m, "withdraw_reason", "原因", NULL, reasons, ARRAY_SIZE(reasons), "", "（请选择）");
		af_input(r, m, "date", "event_date", "撤销（确认违法、变更等）的日期", "", "required", NULL);
		af_textarea(r, m, "withdraw_note", "公开说明的理由", "", "required maxlength=\"2000\"");
		h_raw(r->out, "<button type=\"submit\">撤下</button></form>");
	}
	if (str_eq(st, "published") && head && !str_empty(js(p, "period_ends_on"))) {
		h_printf(r->out, "<h2>信用修复后提前终止公示</h2><form method=\"post\" action=\"/publications/%lld\">", id);
		hidden_common(r, p, "end_early");
		af_textarea(r, m, "end_note", "信用修复情况", "", "required maxlength=\"2000\"");
		h_raw(r->out, "<button type=\"submit\">提前终止公示</button></form>");
	}
}

static void render_one(struct req *r, json_t *m)
{
	const json_t *p = json_object_get(m, "publication"), *pv = json_object_get(m, "preview");
	page_begin(r, "公示");
	h_printf(r->out, "<p><a href=\"/publications\">← 事后公开</a></p><h1>%s</h1>", js(p, "title"));
	/* the message of the act just done; af_alerts for the rest (saved, errors) */
	static const struct {
		const char *ok, *msg;
	} done_msgs[] = {
		{ "published", "已发布公示，公众可在行政执法决定公示中查看。" },
		{ "corrected", "已发布更正，公示页面显示更正后的版本和更正记录。" },
		{ "withdrawn", "已撤下，公示页面显示撤下的日期和原因。" },
		{ "reported", "已登记。撤下期限自所登记的日期起 3 个工作日，请承办机构负责人撤下。" },
		{ "ended", "已提前终止公示。" },
	};
	const char *okp = req_param(r, "ok");
	bool said = false;
	for (size_t k = 0; !str_empty(okp) && k < ARRAY_SIZE(done_msgs); k++)
		if (str_eq(okp, done_msgs[k].ok)) {
			h_printf(r->out, "<p class=\"alert ok\" role=\"status\">%s</p>", done_msgs[k].msg);
			said = true;
		}
	if (!said)
		af_alerts(r, m);
	h_printf(r->out, "<dl class=\"facts\"><dt>类别</dt><dd>%s</dd><dt>承办机构</dt><dd>%s</dd><dt>决定书文号</dt><dd>%s</dd>"
			 "<dt>决定日期</dt><dd>%s</dd><dt>公示期限</dt><dd>%s <span class=\"badge %s\">%s</span></dd>"
			 "<dt>状态</dt><dd>%s%s</dd><dt>公示截止期</dt><dd>%s</dd></dl>",
		 js(p, "kind_label"), js(p, "unit_name"), js(p, "decision_no"), js(p, "decision_date"), js(p, "due_on"),
		 js(p, "clock_state"), js(p, "clock_state_label"), js(p, "state_label"),
		 ji(p, "current_version") > 0 ? req_printf(r, "（第 %lld 版）", ji(p, "current_version")) : "（尚未发布）",
		 !str_empty(js(p, "period_ends_on"))	    ? js(p, "period_ends_on")
		 : !str_empty(js(p, "draft_period_ends_on")) ? req_printf(r, "%s（发布后生效）", js(p, "draft_period_ends_on"))
							     : "—");
	if (json_is_true(json_object_get(p, "due_provisional")))
		h_printf(r->out, "<p class=\"alert warn\">公示期限%s</p>", js(p, "due_provisional_note"));
	if (str_eq(js(p, "state"), "withdrawn"))
		h_printf(r->out, "<p class=\"alert\">已撤下：%s，原因：%s</p>", js(p, "withdrawn_on"), js(p, "withdrawn_reason"));
	size_t i;
	const json_t *w;
	json_array_foreach(json_object_get(p, "warnings"), i, w)
		h_printf(r->out, "<p class=\"alert\">%s</p>", js(w, "text"));
	bool can_write = json_is_true(json_object_get(json_object_get(p, "can"), "write")) &&
			 (str_eq(js(p, "state"), "draft") || str_eq(js(p, "state"), "published"));
	if (pv)
		preview_section(r, p, pv, can_write);
	if (pv)
		act_forms(r, p, pv, m);
	const json_t *vs = json_object_get(p, "versions");
	if (json_array_size(vs)) {
		h_raw(r->out, "<h2>已公示的版本</h2><table><thead><tr><th scope=\"col\">版本</th><th scope=\"col\">发布人</th>"
			      "<th scope=\"col\">时间</th><th scope=\"col\">更正说明</th><th scope=\"col\">SHA-256</th></tr></thead><tbody>");
		const json_t *x;
		json_array_foreach(vs, i, x)
			h_printf(r->out, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td><code class=\"hash\">%s</code></td></tr>",
				 ji(x, "version"), js(x, "published_by"), js(x, "published_at_local"), js(x, "note"), js(x, "sha256"));
		h_raw(r->out, "</tbody></table>");
	}
	h_raw(r->out, "<h2>记录</h2><table><thead><tr><th scope=\"col\">事项</th><th scope=\"col\">说明</th>"
		      "<th scope=\"col\">人员</th><th scope=\"col\">时间</th></tr></thead><tbody>");
	const json_t *x;
	json_array_foreach(json_object_get(p, "events"), i, x)
		h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", js(x, "type_label"),
			 str_empty(js(x, "reason")) ? "—" : js(x, "reason"), js(x, "by"), js(x, "at_local"));
	h_raw(r->out, "</tbody></table>");
	page_end(r);
}

static json_t *one_model(struct req *r, long long id, struct err *e)
{
	json_t *p = NULL, *pv = NULL;
	if (disclosure_get(r->db, &r->actor, id, &p, e) < 0)
		return NULL;
	if (disclosure_preview(r->db, &r->actor, id, &pv, e) < 0) {
		json_decref(p);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "publication", p, "preview", pv);
}

static long long num(struct req *r, const char *k)
{
	long long v = -1;
	const char *s = req_param(r, k);
	if (!s || str_to_ll(s, 0, 1000000000000LL, &v) < 0)
		return -1;
	return v;
}

/* Mask every occurrence of phrase in target's original. */
static int mark_phrase(struct req *r, long long id, const json_t *pv, struct err *e)
{
	const char *target = req_param(r, "target"), *phrase = req_param(r, "phrase");
	if (str_empty(phrase))
		return err_set(e, ERR_INVALID, "phrase", "请填写要隐去的文字");
	const char *orig = NULL;
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(pv, "targets"), i, t)
		if (str_eq(js(t, "target"), target))
			orig = js(t, "original");
	if (!orig)
		return err_set(e, ERR_INVALID, "target", "标注的对象应为须隐去处理的公示字段或决定书全文");
	const char *at = strstr(orig, phrase);
	if (!at)
		return err_set(e, ERR_INVALID, "phrase", "原文中没有这段文字");
	int rv = (int)num(r, "row_version");
	while (at) {
		struct disclosure_mark_input in = { .target = target, .op = "add", .start = at - orig,
						    .end = (at - orig) + (long long)strlen(phrase), .reason = req_param(r, "mark_reason") };
		if (disclosure_mark(r->db, &r->actor, id, rv, &in, NULL, e) < 0)
			return -1;
		rv++;
		at = strstr(at + strlen(phrase), phrase);
	}
	return 0;
}

int page_publication(struct req *r)
{
	long long id = req_param_id(r, 0);
	struct err e = ERR_INIT;
	json_t *m = id > 0 ? one_model(r, id, &e) : NULL;
	if (!m) {
		if (id <= 0)
			err_set(&e, ERR_NOTFOUND, "id", "公示不存在或无权查看");
		resp_err(r, &e);
		return 0;
	}
	if (r->method != M_POST)
		return page_model(r, m, render_one);
	const char *action = req_param(r, "action");
	int rv = (int)num(r, "row_version");
	int rc;
	const json_t *pv = json_object_get(m, "preview");
	if (str_eq(action, "mark_add")) {
		rc = mark_phrase(r, id, pv, &e);
	} else if (str_eq(action, "mark_remove")) {
		struct disclosure_mark_input in = { .target = req_param(r, "target"), .op = "remove", .start = num(r, "start"),
						    .end = num(r, "end"), .reason = req_param(r, "remove_reason") };
		rc = disclosure_mark(r->db, &r->actor, id, rv, &in, NULL, &e);
	} else if (str_eq(action, "mark_revoke")) {
		struct disclosure_mark_input in = { .op = "revoke", .revokes = num(r, "revokes"), .reason = req_param(r, "reason") };
		rc = disclosure_mark(r->db, &r->actor, id, rv, &in, NULL, &e);
	} else if (str_eq(action, "text")) {
		rc = disclosure_set_text(r->db, &r->actor, id, rv, str_eq(req_param(r, "include"), "1"), &e);
	} else if (str_eq(action, "exclude")) {
		rc = disclosure_exclusion_request(r->db, &r->actor, id, rv, req_param(r, "exclude_reason"),
						  req_param(r, "exclude_note"), &e);
	} else if (str_eq(action, "decide_exclusion")) {
		rc = disclosure_exclusion_decide(r->db, &r->actor, id, rv, str_eq(req_param(r, "approve"), "1"),
						 req_param(r, "decide_note"), &e);
	} else if (str_eq(action, "publish")) {
		rc = disclosure_publish(r->db, &r->actor, id, rv, req_param(r, "preview_sha256"),
					str_eq(req_param(r, "overdue"), "1"), &e);
	} else if (str_eq(action, "correct")) {
		rc = disclosure_correct(r->db, &r->actor, id, rv, req_param(r, "preview_sha256"), req_param(r, "correct_note"), &e);
	} else if (str_eq(action, "withdraw")) {
		rc = disclosure_withdraw(r->db, &r->actor, id, rv, req_param(r, "withdraw_reason"), req_param(r, "withdraw_note"),
					 req_param(r, "event_date"), &e);
	} else if (str_eq(action, "report_revocation")) {
		rc = disclosure_report_revocation(r->db, &r->actor, id, rv, req_param(r, "report_reason"),
						  req_param(r, "report_note"), req_param(r, "report_date"), &e);
	} else if (str_eq(action, "end_early")) {
		rc = disclosure_end_early(r->db, &r->actor, id, rv, req_param(r, "end_note"), &e);
	} else {
		rc = err_set(&e, ERR_INVALID, "action", "未知的操作");
	}
	if (rc < 0) {
		/* the domain names its own fields; each form on the page has its own */
		static const struct {
			const char *action, *field, *input;
		} fmap[] = {
			{ "mark_add", "reason", "mark_reason" },     { "mark_add", "start", "phrase" },
			{ "mark_remove", "reason", "remove_reason" }, { "correct", "note", "correct_note" },
			{ "exclude", "reason", "exclude_reason" },   { "exclude", "note", "exclude_note" },
			{ "decide_exclusion", "note", "decide_note" }, { "withdraw", "reason", "withdraw_reason" },
			{ "withdraw", "note", "withdraw_note" },     { "end_early", "note", "end_note" },
			{ "report_revocation", "reason", "report_reason" }, { "report_revocation", "note", "report_note" },
			{ "report_revocation", "event_date", "report_date" },
		};
		for (size_t k = 0; k < ARRAY_SIZE(fmap); k++)
			if (str_eq(action, fmap[k].action) && str_eq(e.field, fmap[k].field)) {
				snprintf(e.field, sizeof e.field, "%s", fmap[k].input);
				break;
			}
		return af_fail(r, m, &e, render_one);
	}
	json_decref(m);
	/* what was done, for the message on the page (done_msgs) */
	static const struct {
		const char *action, *ok;
	} done[] = { { "publish", "published" }, { "correct", "corrected" }, { "withdraw", "withdrawn" },
		     { "report_revocation", "reported" }, { "end_early", "ended" } };
	const char *ok = "saved";
	for (size_t k = 0; k < ARRAY_SIZE(done); k++)
		if (str_eq(action, done[k].action))
			ok = done[k].ok;
	return af_done(r, req_printf(r, "/publications/%lld?ok=%s", id, ok), NULL);
}
