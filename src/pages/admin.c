/*
 * admin.c - the back office's front page: who you are, what needs doing
 * (your open deadlines, drafts waiting to be published in your scope),
 * and for the administrator the warning, from 1 November, that next
 * year's holiday arrangement has not been loaded, and the warning that
 * public_url is a loopback address (printed QR codes would not work).
 *
 * Per role, what it acts on today: the archivist (档案管理员) the archive
 * clocks (a closed case's file to be bound and archived, rule ending with
 * "archived"), the reviewer (法制审核人员) the legal-review clocks (rule
 * ending with "review_done") and the catalogue drafts waiting to be
 * published, all within the person's data scope, overdue and due soon
 * first, with the pages they use; supervisors and leaders every
 * legal-review clock in their scope (due soon and overdue reviews, each
 * linked to its case's review).  Only clocks the deadline engine holds
 * are shown; when there are none the page says so.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "app/app.h"
#include "pages/pages.h"
#include "pages/records_pages.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "disclosure/disclosure.h"
#include "publicity/publicity.h"
#include "people/people.h"
#include "review/flow.h"
#include <limits.h>

/* Names of deadline states and object types: the dictionary's. */
static const char *state_label(const char *s)
{
	return dict_label("deadline_state", s);
}

static const char *object_label(const char *t)
{
	return dict_label("object_type", t);
}

/* ---- the archivist's and the reviewer's clocks ---- */

enum clock_kind { CLOCK_ARCHIVE, CLOCK_REVIEW };

static bool clock_is(const json_t *d, enum clock_kind k)
{
	if (k == CLOCK_ARCHIVE)
		return str_eq(js(d, "ends_with"), "archived") || str_eq(js(d, "object_type"), "archive");
	return str_eq(js(d, "ends_with"), "review_done") || str_eq(js(d, "object_type"), "review");
}

static int by_due(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(js(x, "due_on"), js(y, "due_on"));
	return c ? c : (ji(x, "id") > ji(y, "id")) - (ji(x, "id") < ji(y, "id"));
}

/* Sort an array of deadlines by due day (then id), in place. */
static void sort_by_due(json_t *list)
{
	size_t n = json_array_size(list);
	if (n < 2)
		return;
	json_t **v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(list, i));
	qsort(v, n, sizeof *v, by_due);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, v[i]);
	free(v);
}

/* Add to a clock what the dashboard shows: the unit's and the owner's
 * names, and how far the due day is (working days left, or calendar days
 * overdue; null when the calendar cannot count it). */
static void clock_annotate(struct req *r, json_t *d, const char *unit_name, const struct calendar *cal,
			   int32_t today)
{
	json_object_set_new(d, "unit_name", json_string(unit_name));
	char *owner = json_is_integer(json_object_get(d, "owner_user_id")) ? people_user_name(r->db, ji(d, "owner_user_id")) : NULL;
	json_object_set_new(d, "owner_name", json_string(owner ? owner : ""));
	free(owner);
	/* a review clock's object is a round of a case's 法制审核 */
	if (str_eq(js(d, "object_type"), "review")) {
		long long rid;
		if (str_to_ll(js(d, "object_id"), 1, LLONG_MAX, &rid) == 0)
			json_object_set_new(d, "case_id", json_integer(review_round_case(r->db, rid)));
	}
	int32_t due;
	json_object_set_new(d, "workdays_left", json_null());
	json_object_set_new(d, "days_overdue", json_null());
	if (cal_date_parse(js(d, "due_on"), &due) < 0)
		return;
	if (due < today) {
		json_object_set_new(d, "days_overdue", json_integer(today - due));
	} else if (cal) {
		int left;
		struct err e = ERR_INIT;
		if (calendar_workdays_between_ex(cal, today, due, 0, &left, NULL, &e) == 0)
			json_object_set_new(d, "workdays_left", json_integer(left));
	}
}

#define CLOCKS_OPEN_SHOWN 20

/* The unmet clocks of kind k of every unit in the actor's data scope:
 *   { "overdue": [...], "due_soon": [...], "open": [...] (the first
 *     CLOCKS_OPEN_SHOWN by due day), "open_total" }
 * each list ordered by due day. */
static json_t *clocks_in_scope(struct req *r, enum clock_kind k)
{
	json_t *over = json_array(), *soon = json_array(), *open = json_array();
	const struct calendar *cal = app_calendar(r->app, r->db);
	char today_s[11];
	time_today_shanghai(today_s);
	int32_t today = 0;
	cal_date_parse(today_s, &today);
	json_t *units = people_units_brief(r->db, false);
	size_t ui;
	json_t *unit;
	json_array_foreach(units, ui, unit) {
		{
			long long uid = ji(unit, "id");
			if (!actor_unit_in_scope(r->db, &r->actor, uid))
				continue;
			struct err e = ERR_INIT;
			json_t *list = deadline_list_unit(r->db, uid, NULL, 500, &e);
			size_t i;
			json_t *d;
			json_array_foreach(list, i, d) {
				const char *st = js(d, "state");
				if (!clock_is(d, k) || str_eq(st, "met"))
					continue;
				clock_annotate(r, d, js(unit, "name"), cal, today);
				json_array_append(str_eq(st, "overdue") ? over : str_eq(st, "due_soon") ? soon : open, d);
			}
			json_decref(list);
		}
	}
	json_decref(units);
	calendar_unref(cal);
	sort_by_due(over);
	sort_by_due(soon);
	sort_by_due(open);
	size_t total = json_array_size(open);
	while (json_array_size(open) > CLOCKS_OPEN_SHOWN)
		json_array_remove(open, json_array_size(open) - 1);
	return json_pack("{s:o,s:o,s:o,s:I}", "overdue", over, "due_soon", soon, "open", open,
			 "open_total", (json_int_t)total);
}

/* Catalogue items with changes waiting to be published, in the actor's
 * scope (the first 100 of each kind): [{id, kind, name, unit_name, status,
 * status_label}]. */
static json_t *pending_drafts(struct req *r)
{
	json_t *out = json_array();
	for (enum pub_kind k = PUB_MATTER; k <= PUB_INSPECTION; k++) {
		struct publicity_query q = { .per_page = 100 };
		json_t *l = publicity_office_list(r->db, &r->actor, k, &q, NULL);
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(l, "items"), i, it)
			if (json_is_true(json_object_get(it, "has_draft")))
				json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)ji(it, "id"),
								     "kind", pub_kind_ident(k), "kind_label", pub_kind_label(k),
								     "name", js(it, "name"), "unit_name", js(it, "unit_name"),
								     "status", js(it, "status"), "status_label", js(it, "status_label")));
		json_decref(l);
	}
	return out;
}

static void clock_rows(struct req *r, const json_t *list)
{
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"clocks\"><thead><tr><th scope=\"col\">对象</th><th scope=\"col\">期限</th>"
		       "<th scope=\"col\">处室（单位）</th><th scope=\"col\">承办人</th><th scope=\"col\">起算日</th>"
		       "<th scope=\"col\">截止日</th><th scope=\"col\">状态</th></tr></thead><tbody>");
	size_t i;
	const json_t *d;
	json_array_foreach(list, i, d) {
		if (ji(d, "case_id") > 0)
			h_printf(r->out, "<tr><td class=\"what\"><a href=\"/cases/%lld/review\">案件的法制审核</a></td>",
				 ji(d, "case_id"));
		else
			h_printf(r->out, "<tr><td class=\"what\">%s %s</td>", object_label(js(d, "object_type")),
				 js(d, "object_id"));
		h_printf(r->out, "<td data-label=\"期限\"><a href=\"/admin/deadlines/%lld\">%s</a></td>"
			 "<td data-label=\"处室（单位）\">%s</td><td data-label=\"承办人\">%s</td><td data-label=\"起算日\">%s</td>"
			 "<td data-label=\"截止日\">", ji(d, "id"),
			 js(d, "rule_name"), js(d, "unit_name"), str_empty(js(d, "owner_name")) ? "—" : js(d, "owner_name"),
			 js(d, "started_on"));
		page_deadline_due(r, d);
		h_printf(r->out, "</td><td data-label=\"状态\"><span class=\"badge %s\">%s</span>", js(d, "state"),
			 state_label(js(d, "state")));
		if (json_is_integer(json_object_get(d, "days_overdue")))
			h_printf(r->out, " 超过截止日 %lld 天", ji(d, "days_overdue"));
		else if (json_is_integer(json_object_get(d, "workdays_left")))
			h_printf(r->out, ji(d, "workdays_left") ? " 还剩 %lld 个工作日" : " 今天截止", ji(d, "workdays_left"));
		h_raw(r->out, "</td></tr>");
	}
	h_raw(r->out, "</tbody></table></div>");
}

/* One role's clocks: overdue, due soon, then the running ones. */
static void clocks_section(struct req *r, const json_t *c, const char *what, const char *none_yet)
{
	const json_t *over = json_object_get(c, "overdue"), *soon = json_object_get(c, "due_soon"),
		     *open = json_object_get(c, "open");
	long long open_total = ji(c, "open_total");
	if (!json_array_size(over) && !json_array_size(soon) && !open_total) {
		h_printf(r->out, "<p class=\"muted\">目前没有%s期限。%s</p>", what, none_yet);
		return;
	}
	if (json_array_size(over)) {
		h_printf(r->out, "<h3>已超期（%zu）</h3>", json_array_size(over));
		clock_rows(r, over);
	} else {
		h_printf(r->out, "<p>没有已超期的%s期限。</p>", what);
	}
	if (json_array_size(soon)) {
		h_printf(r->out, "<h3>即将到期（%zu）</h3>", json_array_size(soon));
		clock_rows(r, soon);
	} else {
		h_printf(r->out, "<p>没有即将到期（两个工作日内）的%s期限。</p>", what);
	}
	if (open_total) {
		h_printf(r->out, "<h3>进行中（%lld）</h3>", open_total);
		if (open_total > (long long)json_array_size(open))
			h_printf(r->out, "<p class=\"muted\">按截止日先后列出前 %zu 项。</p>", json_array_size(open));
		clock_rows(r, open);
	}
}

static void render_archivist(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section aria-labelledby=\"arch-h\"><h2 id=\"arch-h\">案卷归档期限</h2>"
		       "<p class=\"muted\">执法结束后 20 个工作日内装订成卷归档（云工信办〔2019〕26号 实施方案 二(二)5）。"
		       "以下为期限引擎中本人数据范围内尚未归档的案件；案件办理模块上线后，结案将自动开始计时。</p>");
	clocks_section(r, c, "归档", "结案后的归档期限会显示在这里。");
	h_raw(r->out, "<p><a href=\"/admin/deadlines/rules\">查看期限规则</a> · <a href=\"/admin/deadlines\">我的期限</a></p></section>");
}

static void render_reviewer(struct req *r, const json_t *c, const json_t *drafts)
{
	h_raw(r->out, "<section aria-labelledby=\"rev-h\"><h2 id=\"rev-h\">法制审核期限</h2>"
		       "<p class=\"muted\">法制审核原则上在 10 个工作日之内完成（云工信办〔2019〕26号 实施方案 二(三)3）。"
		       "政策法规处受理送审材料时开始计时，出具审核意见时完成；补正后重新计时。</p>");
	clocks_section(r, c, "法制审核", "受理送审后的审核期限会显示在这里。");
	h_raw(r->out, "<p><a href=\"/review\">法制审核工作台</a> · <a href=\"/review/stats\">法制审核统计</a></p>");
	h_raw(r->out, "</section><section aria-labelledby=\"drafts-h\"><h2 id=\"drafts-h\">待发布的公示内容</h2>"
		       "<p class=\"muted\">各处室（单位）已起草、尚未发布的执法事项、服务指南和随机抽查事项，可在发布前查阅其依据和程序；"
		       "发布由本处室负责人确认。</p>");
	if (!json_array_size(drafts)) {
		h_raw(r->out, "<p class=\"muted\">目前没有待发布的公示内容。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">类型</th>"
			       "<th scope=\"col\">处室（单位）</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		size_t i;
		const json_t *d;
		json_array_foreach(drafts, i, d)
			h_printf(r->out, "<tr><td><a href=\"/admin/matters/%lld\">%s</a></td><td>%s</td><td>%s</td>"
				 "<td><span class=\"badge %s\">%s</span> <span class=\"badge draft\">有待发布的修改</span></td></tr>",
				 ji(d, "id"), js(d, "name"), js(d, "kind_label"), js(d, "unit_name"), js(d, "status"),
				 js(d, "status_label"));
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<p><a href=\"/admin/matters\">执法事项目录</a> · <a href=\"/admin/officers\">执法人员与证件</a> · "
		       "<a href=\"/admin/deadlines/rules\">期限规则</a></p></section>");
}

/* The supervisors' and leaders' view of every 法制审核 clock. */
static void render_review_watch(struct req *r, const json_t *c)
{
	h_raw(r->out, "<section aria-labelledby=\"watch-h\"><h2 id=\"watch-h\">法制审核期限（监督）</h2>"
		       "<p class=\"muted\">各案件的法制审核原则上在受理后 10 个工作日之内完成（云工信办〔2019〕26号 实施方案 二(三)3）。"
		       "以下为本人数据范围内已超期、即将到期和进行中的审核。</p>");
	clocks_section(r, c, "法制审核", "受理送审后的审核期限会显示在这里。");
	h_raw(r->out, "<p><a href=\"/review\">法制审核案件</a> · <a href=\"/review/stats\">法制审核统计</a></p></section>");
}

static void render_home(struct req *r, json_t *m)
{
	page_begin(r, "工作台");
	h_printf(r->out, "<h1>工作台</h1><p>%s，您好。所在单位：%s。</p>", r->actor.name, js(m, "unit_name"));
	if (str_eq(req_param(r, "changed"), "1"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">密码已修改。</p>");
	json_t *qr = json_object_get(m, "public_url_warning");
	if (json_is_string(qr))
		h_printf(r->out, "<p class=\"alert warn\" role=\"alert\">%s</p>", json_string_value(qr));
	json_t *warn = json_object_get(m, "calendar_warning");
	if (json_is_string(warn))
		h_printf(r->out, "<p class=\"alert warn\" role=\"alert\">%s <a href=\"/admin/calendar\">导入节假日安排</a></p>",
			 json_string_value(warn));
	const json_t *arch = json_object_get(m, "archive"), *rev = json_object_get(m, "review");
	h_raw(r->out, "<div class=\"grid\">");
	if (json_is_object(arch))
		h_printf(r->out, "<a class=\"stat\" href=\"#arch-h\"><b>%zu</b>归档已超期</a><a class=\"stat\" href=\"#arch-h\"><b>%zu</b>归档即将到期</a>"
			 "<a class=\"stat\" href=\"#arch-h\"><b>%lld</b>归档进行中</a>",
			 json_array_size(json_object_get(arch, "overdue")), json_array_size(json_object_get(arch, "due_soon")),
			 ji(arch, "open_total"));
	const json_t *wt = json_object_get(m, "review_watch");
	if (json_is_object(wt))
		h_printf(r->out, "<a class=\"stat\" href=\"#watch-h\"><b>%zu</b>法制审核已超期</a>"
			 "<a class=\"stat\" href=\"#watch-h\"><b>%zu</b>法制审核即将到期</a>",
			 json_array_size(json_object_get(wt, "overdue")), json_array_size(json_object_get(wt, "due_soon")));
	if (json_is_object(rev))
		h_printf(r->out, "<a class=\"stat\" href=\"#rev-h\"><b>%zu</b>审核已超期</a><a class=\"stat\" href=\"#rev-h\"><b>%zu</b>审核即将到期</a>"
			 "<a class=\"stat\" href=\"#drafts-h\"><b>%zu</b>待发布的公示内容</a>",
			 json_array_size(json_object_get(rev, "overdue")), json_array_size(json_object_get(rev, "due_soon")),
			 json_array_size(json_object_get(m, "pending_drafts")));
	if ((!json_is_object(arch) && !json_is_object(rev)) || (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD)))
		h_printf(r->out, "<div class=\"stat\"><b>%lld</b>我的未完成期限</div>"
			 "<div class=\"stat\"><b>%lld</b>其中已超期</div><div class=\"stat\"><b>%lld</b>待发布的公示草稿</div>",
			 ji(m, "open_deadlines"), ji(m, "overdue_deadlines"), ji(m, "drafts"));
	h_raw(r->out, "</div>");
	if (json_is_object(arch))
		render_archivist(r, arch);
	if (json_is_object(rev))
		render_reviewer(r, rev, json_object_get(m, "pending_drafts"));
	const json_t *watch = json_object_get(m, "review_watch");
	if (json_is_object(watch))
		render_review_watch(r, watch);
	records_media_late_section(r, r->out, json_object_get(m, "late_media"));
	const json_t *pubs = json_object_get(m, "publications");
	if (json_is_object(pubs))
		h_printf(r->out, "<h2>事后公开</h2><p>待公示 %lld 项，其中已逾期 %lld 项、即将到期 %lld 项；已公示 %lld 项。"
				 " <a href=\"/publications\">查看公示</a></p>",
			 ji(pubs, "drafts"), ji(pubs, "overdue"), ji(pubs, "due_soon"), ji(pubs, "published"));
	h_raw(r->out, "<h2>我的期限</h2>");
	json_t *dl = json_object_get(m, "deadlines");
	if (!json_array_size(dl)) {
		h_raw(r->out, "<p class=\"muted\">目前没有需要您办理的期限。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">事项</th><th scope=\"col\">对象</th>"
			       "<th scope=\"col\">起算日</th><th scope=\"col\">截止日</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		size_t i;
		json_t *d;
		json_array_foreach(dl, i, d) {
			h_printf(r->out, "<tr><td><a href=\"/admin/deadlines/%lld\">%s</a></td><td>%s %s</td><td>%s</td><td>",
				 ji(d, "id"), js(d, "rule_name"), object_label(js(d, "object_type")), js(d, "object_id"),
				 js(d, "started_on"));
			page_deadline_due(r, d);
			h_printf(r->out, "</td><td><span class=\"badge %s\">%s</span></td></tr>", js(d, "state"),
				 state_label(js(d, "state")));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<h2>常用功能</h2><ul class=\"cats\">");
	if (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD))
		h_raw(r->out, "<li><a href=\"/admin/matters\">编制和发布执法事项</a></li>");
	else if (r->actor.roles & ROLE_REVIEWER)
		h_raw(r->out, "<li><a href=\"/admin/matters\">查阅执法事项目录</a></li>");
	if (r->actor.roles & (ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR))
		h_raw(r->out, "<li><a href=\"/admin/officers\">执法人员与证件</a></li>");
	h_raw(r->out, "<li><a href=\"/admin/deadlines\">期限</a></li>");
	if (r->actor.roles & (ROLE_ARCHIVIST | ROLE_REVIEWER))
		h_raw(r->out, "<li><a href=\"/admin/deadlines/rules\">期限规则</a></li>");
	if (r->actor.roles & ROLE_ARCHIVIST)
		h_raw(r->out, "<li><a href=\"/admin/vault\">执法全过程记录（证据库）</a></li>");
	if (r->actor.roles & ROLE_ADMIN)
		h_raw(r->out, "<li><a href=\"/admin/users\">用户管理</a></li><li><a href=\"/admin/units\">处室单位</a></li>"
			       "<li><a href=\"/admin/calendar\">工作日历</a></li>");
	if (r->actor.roles & (ROLE_ADMIN | ROLE_SUPERVISOR))
		h_raw(r->out, "<li><a href=\"/admin/logs\">操作日志与登录日志</a></li>");
	h_raw(r->out, "<li><a href=\"/\">查看公示门户</a></li></ul>");
	page_end(r);
}

int page_admin_home(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *dl = deadline_list_user(r->db, r->actor.user_id, 50, &e);
	if (!dl)
		dl = json_array();
	long long overdue = 0;
	size_t i;
	json_t *d;
	json_array_foreach(dl, i, d)
		if (str_eq(js(d, "state"), "overdue"))
			overdue++;
	char *un = people_unit_name(r->db, r->actor.unit_id);
	const char *unit_name = un ? req_strdup(r, un) : "";
	free(un);
	long long drafts = 0;
	if (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD)) {
		struct publicity_query q = { .status = "draft", .per_page = 1 };
		for (enum pub_kind k = PUB_MATTER; k <= PUB_INSPECTION; k++) {
			json_t *l = publicity_office_list(r->db, &r->actor, k, &q, &e);
			drafts += ji(l, "total");
			json_decref(l);
		}
	}
	json_t *m = json_pack("{s:s,s:s,s:o,s:I,s:I,s:I,s:n}", "name", r->actor.name, "unit_name", unit_name,
			      "deadlines", dl, "open_deadlines", (json_int_t)json_array_size(dl),
			      "overdue_deadlines", (json_int_t)overdue, "drafts", (json_int_t)drafts,
			      "calendar_warning");
	/* From 1 October the administrator is warned that next year's
	 * arrangement (announced each autumn) is missing: until it is imported,
	 * dates in that year are provisional (statutory holidays only). */
	char today[11];
	time_today_shanghai(today);
	int year = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
	int month = (today[5] - '0') * 10 + (today[6] - '0');
	const struct calendar *cal = app_calendar(r->app, r->db);
	if ((r->actor.roles & ROLE_ADMIN) && month >= 10 && cal && !calendar_year_loaded(cal, year + 1))
		json_object_set_new(m, "calendar_warning",
				    json_sprintf("尚未导入 %d 年的节假日安排（国务院办公厅通知）。在导入之前，落在 %d 年的期限只能按法定节假日暂定计算（不含调休），"
						 "导入后将自动重新计算。", year + 1, year + 1));
	calendar_unref(cal);
	if (r->actor.roles & ROLE_ARCHIVIST)
		json_object_set_new(m, "archive", clocks_in_scope(r, CLOCK_ARCHIVE));
	if ((r->actor.roles & (ROLE_SUPERVISOR | ROLE_LEADER)) && !(r->actor.roles & ROLE_REVIEWER))
		json_object_set_new(m, "review_watch", clocks_in_scope(r, CLOCK_REVIEW));
	if (r->actor.roles & ROLE_REVIEWER) {
		json_object_set_new(m, "review", clocks_in_scope(r, CLOCK_REVIEW));
		json_object_set_new(m, "pending_drafts", pending_drafts(r));
	}
	json_t *late = records_media_late_model(r);
	if (late)
		json_object_set_new(m, "late_media", late);
	/* Printed certificates carry public_url in their QR code. */
	if ((r->actor.roles & ROLE_ADMIN) && config_public_url_local(r->app->cfg.public_url))
		json_object_set_new(m, "public_url_warning",
				    json_sprintf("本站对外地址（配置项 public_url）为“%s”，只在本机有效：执法证件上打印的二维码在手机上无法打开。"
						 "请在 zhifa.conf 中把 public_url 设为公众可访问的地址（如 https://本部门网站域名）后重启服务，再打印证件。",
						 r->app->cfg.public_url));
	/* 事后公开: the publications of the units in scope (heads, leaders, supervisors, officers) */
	json_t *pc = NULL;
	struct err pe = ERR_INIT;
	if ((r->actor.roles & (ROLE_OFFICER | ROLE_HEAD | ROLE_LEADER | ROLE_SUPERVISOR)) &&
	    disclosure_counts(r->db, &r->actor, &pc, &pe) == 0)
		json_object_set_new(m, "publications", pc);
	return page_model(r, m, render_home);
}
