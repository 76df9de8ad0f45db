/*
 * admin.c - the back office's front page: who you are, what needs doing
 * (your open deadlines, drafts waiting to be published in your scope),
 * and for the administrator the warning, from 1 November, that next
 * year's holiday arrangement has not been loaded.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/app.h"
#include "pages/pages.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "publicity/publicity.h"

/* Names of deadline states and object types: the dictionary's. */
static const char *state_label(const char *s)
{
	return dict_label("deadline_state", s);
}

static const char *object_label(const char *t)
{
	return dict_label("object_type", t);
}

static void render_home(struct req *r, json_t *m)
{
	page_begin(r, "工作台");
	h_printf(&r->out, "<h1>工作台</h1><p>%s，您好。所在单位：%s。</p>", r->actor.name, js(m, "unit_name"));
	if (str_eq(req_param(r, "changed"), "1"))
		h_raw(&r->out, "<p class=\"alert ok\" role=\"status\">密码已修改。</p>");
	json_t *warn = json_object_get(m, "calendar_warning");
	if (json_is_string(warn))
		h_printf(&r->out, "<p class=\"alert warn\" role=\"alert\">%s <a href=\"/admin/calendar\">导入节假日安排</a></p>",
			 json_string_value(warn));
	h_printf(&r->out, "<div class=\"grid\"><div class=\"stat\"><b>%lld</b>我的未完成期限</div>"
		 "<div class=\"stat\"><b>%lld</b>其中已超期</div><div class=\"stat\"><b>%lld</b>待发布的公示草稿</div></div>",
		 ji(m, "open_deadlines"), ji(m, "overdue_deadlines"), ji(m, "drafts"));
	h_raw(&r->out, "<h2>我的期限</h2>");
	json_t *dl = json_object_get(m, "deadlines");
	if (!json_array_size(dl)) {
		h_raw(&r->out, "<p class=\"muted\">目前没有需要您办理的期限。</p>");
	} else {
		h_raw(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">事项</th><th scope=\"col\">对象</th>"
			       "<th scope=\"col\">起算日</th><th scope=\"col\">截止日</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		size_t i;
		json_t *d;
		json_array_foreach(dl, i, d)
			h_printf(&r->out, "<tr><td>%s</td><td>%s %s</td><td>%s</td><td>%s</td><td><span class=\"badge %s\">%s</span></td></tr>",
				 js(d, "rule_name"), object_label(js(d, "object_type")), js(d, "object_id"), js(d, "started_on"),
				 js(d, "due_on"), js(d, "state"), state_label(js(d, "state")));
		h_raw(&r->out, "</tbody></table></div>");
	}
	h_raw(&r->out, "<h2>常用功能</h2><ul class=\"cats\">");
	if (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD))
		h_raw(&r->out, "<li><a href=\"/admin/matters\">编制和发布执法事项</a></li>");
	if (r->actor.roles & (ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR))
		h_raw(&r->out, "<li><a href=\"/admin/officers\">执法人员与证件</a></li>");
	h_raw(&r->out, "<li><a href=\"/admin/deadlines\">期限</a></li>");
	if (r->actor.roles & ROLE_ADMIN)
		h_raw(&r->out, "<li><a href=\"/admin/users\">用户管理</a></li><li><a href=\"/admin/units\">处室单位</a></li>"
			       "<li><a href=\"/admin/calendar\">工作日历</a></li>");
	if (r->actor.roles & (ROLE_ADMIN | ROLE_SUPERVISOR))
		h_raw(&r->out, "<li><a href=\"/admin/logs\">操作日志与登录日志</a></li>");
	h_raw(&r->out, "<li><a href=\"/\">查看公示门户</a></li></ul>");
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
	struct db_res *res = NULL;
	const char *unit_name = "";
	if (db_query(r->db, &res, "SELECT name FROM units WHERE id = ?", DB_INT(r->actor.unit_id)) == 0 && res->nrows)
		unit_name = req_strdup(r, db_text(res, 0, 0));
	db_res_free(res);
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
	/* From 1 November the administrator is warned that next year's
	 * arrangement (announced each autumn) is missing. */
	char today[11];
	time_today_shanghai(today);
	int year = (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
	int month = (today[5] - '0') * 10 + (today[6] - '0');
	const struct calendar *cal = app_calendar(r->app);
	if ((r->actor.roles & ROLE_ADMIN) && month >= 11 && cal && !calendar_year_loaded(cal, year + 1))
		json_object_set_new(m, "calendar_warning",
				    json_sprintf("尚未导入 %d 年的节假日安排（国务院办公厅通知），%d 年的期限将无法计算。", year + 1, year + 1));
	calendar_unref(cal);
	return page_model(r, m, render_home);
}
