/*
 * admin_deadlines.c - the deadline pages of the back office.
 *
 *   GET  /admin/deadlines[?unit=ID&state=S&from=YYYY-MM&to=YYYY-MM]
 *        everyone: their own open deadlines, most urgent first;
 *        a unit head (and the supervisor, administrator, leader): the
 *        deadlines of a unit in their scope (?unit=, default their own);
 *        the supervisor, administrator and leader: overdue counts and
 *        on-time rates per unit and month, as a table and an SVG chart;
 *   GET  /admin/deadlines/{id}        one clock: its rule, dates and the
 *        history of its due date (its owner, or a unit head / supervisor /
 *        administrator / leader / archivist / reviewer with the unit in scope);
 *   GET  /admin/deadlines/stats.xlsx  the same table as an Excel workbook;
 *   GET  /admin/deadlines/rules       the rule versions (everyone reads);
 *   POST /admin/deadlines/rules       add a rule version (admin only).
 *
 * Invariants: a unit outside the actor's data scope is a 403 whatever the
 * URL says (actor_unit_in_scope), never an empty list; the chart is
 * generated markup built only from integers and HTML-escaped unit names,
 * and is the only h_raw of runtime data; the workbook is written to a
 * private temporary file (mkstemp) that is unlinked before the response
 * is sent.
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

#define STATS_ROLES (ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_LEADER)

static const char *state_label(const char *s)
{
	return dict_label("deadline_state", s);
}

/* The Chinese name of an object type (the dictionary's). */
static const char *object_label(const char *t)
{
	return dict_label("object_type", t);
}

/* "87.5%" from a rate in [0,1], "—" for null. */
static const char *rate_text(struct req *r, const json_t *rate)
{
	if (!json_is_number(rate))
		return "—";
	long long permille = (long long)(json_number_value(rate) * 1000.0 + 0.5);
	return req_printf(r, "%lld.%lld%%", permille / 10, permille % 10);
}

/* ------------------------------------------------------ month ranges */

static bool month_valid(const char *s)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	return s[0] != '0' && m >= 1 && m <= 12;
}

/* "YYYY-MM" shifted by delta months from today's month (Asia/Shanghai). */
static void month_from_today(int delta, char out[8])
{
	char today[11];
	time_today_shanghai(today);
	int32_t d;
	int y = 2026, m = 1;
	if (cal_date_parse(today, &d) == 0)
		cal_civil_from_days(d, &y, &m, NULL);
	unsigned idx = (unsigned)(y * 12 + (m - 1) + delta);
	unsigned yy = idx / 12 % 10000, mm = idx % 12 + 1;
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = (char)('0' + mm / 10);
	out[6] = (char)('0' + mm % 10);
	out[7] = '\0';
}

/* The range of the statistics: ?from and ?to, by default the last five
 * months, this month and the next. */
static int stats_range(struct req *r, char from[8], char to[8], struct err *e)
{
	const char *f = req_param(r, "from"), *t = req_param(r, "to");
	month_from_today(-5, from);
	month_from_today(1, to);
	if (!str_empty(f)) {
		if (!month_valid(f))
			return err_set(e, ERR_INVALID, "from", "参数 from（起始月份）须为 YYYY-MM 形式，例如 2026-06");
		memcpy(from, f, 8);
	}
	if (!str_empty(t)) {
		if (!month_valid(t))
			return err_set(e, ERR_INVALID, "to", "参数 to（截止月份）须为 YYYY-MM 形式，例如 2026-12");
		memcpy(to, t, 8);
	}
	if (strcmp(from, to) > 0)
		return err_set(e, ERR_INVALID, "to", "截止月份 %s 早于起始月份 %s", to, from);
	return 0;
}

/* ------------------------------------------------------ the SVG chart */

#define CH_W 760
#define CH_LABEL 250
#define CH_BAR 330
#define CH_ROW 26
#define CH_TOP 34

/* A horizontal bar per unit and month: the on-time rate as a green bar
 * on a grey 0-100% track, the overdue count in red beside it.  Only
 * integers and escaped names go into the markup. */
static void stats_chart(struct req *r, const json_t *rows)
{
	size_t n = json_array_size(rows);
	int height = CH_TOP + (int)n * CH_ROW + 10;
	struct html *b = r->out;
	h_printf(b, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		 "role=\"img\" aria-label=\"各单位各月期限按时完成率与超期数\" font-size=\"13\">", CH_W, height);
	/* the axis: 0, 50, 100 % */
	for (int p = 0; p <= 100; p += 50) {
		int x = CH_LABEL + CH_BAR * p / 100;
		h_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c3c9d1\"/>", x, CH_TOP - 6, x, height - 8);
		h_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#5b6470\">%d%%</text>", x, CH_TOP - 12, p);
	}
	size_t i;
	const json_t *row;
	json_array_foreach(rows, i, row) {
		int y = CH_TOP + (int)i * CH_ROW;
		const json_t *rate = json_object_get(row, "on_time_rate");
		h_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#1f2328\">%s %s</text>", CH_LABEL - 8,
			 y + 17, js(row, "month"), js(row, "unit_name"));
		h_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef1f4\"/>", CH_LABEL, y + 4, CH_BAR,
			 CH_ROW - 8);
		if (json_is_number(rate)) {
			double v = json_number_value(rate);
			int w = (int)(v * CH_BAR + 0.5);
			long long permille = (long long)(v * 1000.0 + 0.5);
			if (w > 0)
				h_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#1b7f3b\"/>", CH_LABEL,
					 y + 4, w, CH_ROW - 8);
			h_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#1f2328\">%lld.%lld%%</text>", CH_LABEL + CH_BAR + 8,
				 y + 17, permille / 10, permille % 10);
		} else {
			h_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#5b6470\">未到期</text>", CH_LABEL + CH_BAR + 8, y + 17);
		}
		long long over = ji(row, "overdue_count");
		if (over > 0)
			h_printf(b, "<text x=\"%d\" y=\"%d\" fill=\"#b71c1c\">超期 %lld</text>", CH_LABEL + CH_BAR + 80,
				 y + 17, over);
	}
	h_raw(b, "</svg><figcaption>绿色条为按时完成率（按时完成 ÷（已完成 + 超期未完成）），右侧红字为超期数"
		 "（逾期完成 + 超期未完成）。</figcaption></figure>");
}

/* ------------------------------------------------------ /admin/deadlines */

void page_deadline_due(struct req *r, const json_t *d)
{
	h_printf(r->out, "%s", js(d, "due_on"));
	if (json_is_true(json_object_get(d, "provisional")))
		h_printf(r->out, " <abbr class=\"badge prov\" title=\"%s\">暂定</abbr>", js(d, "provisional_note"));
}

/* A column head: sortable when v is given (the unit's list). */
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
		h_printf(r->out, "</td><td><span class=\"badge %s\">%s</span>", js(d, "state"), state_label(js(d, "state")));
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

	json_t *stats = json_object_get(m, "stats");
	if (json_is_object(stats)) {
		h_raw(r->out, "<h2 id=\"stats\">各单位期限统计</h2>");
		/* a refused range: the message on the form, what was typed kept,
		 * the table below for the default range */
		json_t *serr = json_object_get(stats, "error");
		const char *ef = json_is_object(serr) ? js(serr, "field") : "";
		const char *fv = json_is_object(serr) ? js(serr, "from_input") : js(stats, "from");
		const char *tv = json_is_object(serr) ? js(serr, "to_input") : js(stats, "to");
		if (json_is_object(serr))
			h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"stats-error\">统计月份有误：%s</p>",
				 js(serr, "message"));
		h_raw(r->out, "<form method=\"get\" action=\"/admin/deadlines#stats\" class=\"search\">"
			       "<label for=\"from\">起始月份</label>");
		h_printf(r->out, "<input type=\"month\" id=\"from\" name=\"from\" value=\"%s\" pattern=\"[0-9]{4}-[0-9]{2}\"", fv);
		if (str_eq(ef, "from"))
			h_raw(r->out, " aria-invalid=\"true\" aria-describedby=\"stats-error\"");
		h_printf(r->out, "><label for=\"to\">截止月份</label>"
			 "<input type=\"month\" id=\"to\" name=\"to\" value=\"%s\" pattern=\"[0-9]{4}-[0-9]{2}\"", tv);
		if (str_eq(ef, "to"))
			h_raw(r->out, " aria-invalid=\"true\" aria-describedby=\"stats-error\"");
		h_raw(r->out, ">");
		h_printf(r->out, "<button type=\"submit\" class=\"secondary\">统计</button>"
			 "<a class=\"button secondary\" href=\"/admin/deadlines/stats.xlsx?from=%s&amp;to=%s\">导出 Excel</a></form>",
			 js(stats, "from"), js(stats, "to"));
		if (json_is_object(serr))
			h_printf(r->out, "<p class=\"field-error\">%s。下表按默认月份统计。</p>", js(serr, "message"));
		json_t *rows = json_object_get(stats, "rows");
		h_printf(r->out, "<p class=\"muted\">按截止日所在月份统计，%s 至 %s。</p>", js(stats, "from"), js(stats, "to"));
		if (!json_array_size(rows)) {
			h_raw(r->out, "<p class=\"muted\">该时间段内没有期限。</p>");
		} else {
			h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">月份</th><th scope=\"col\">单位</th>"
				       "<th scope=\"col\">期限总数</th><th scope=\"col\">按时完成</th><th scope=\"col\">逾期完成</th>"
				       "<th scope=\"col\">超期未完成</th><th scope=\"col\">超期合计</th><th scope=\"col\">进行中</th>"
				       "<th scope=\"col\">按时完成率</th></tr></thead><tbody>");
			size_t i;
			json_t *s;
			json_array_foreach(rows, i, s)
				h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>"
					 "<td>%lld</td><td>%lld</td><td>%s</td></tr>",
					 js(s, "month"), js(s, "unit_name"), ji(s, "total"), ji(s, "met_on_time"), ji(s, "met_late"),
					 ji(s, "overdue_open"), ji(s, "overdue_count"), ji(s, "open"),
					 rate_text(r, json_object_get(s, "on_time_rate")));
			h_raw(r->out, "</tbody></table></div>");
			stats_chart(r, rows);
		}
	}
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
	json_t *range_error = NULL;
	if (stats_role) {
		char from[8], to[8];
		struct err se = ERR_INIT;
		if (stats_range(r, from, to, &se) < 0) {
			if (r->want_json) {
				e = se;
				goto fail;
			}
			/* HTML: the page stays, the form says what is wrong (400) */
			const char *fi = req_param(r, "from"), *ti = req_param(r, "to");
			range_error = json_pack("{s:s,s:s,s:s,s:s}", "field", se.field, "message", se.msg,
						"from_input", fi ? fi : "", "to_input", ti ? ti : "");
			month_from_today(-5, from);
			month_from_today(1, to);
		}
		json_t *rows = deadline_stats_monthly(r->db, 0, from, to, &e);
		if (!rows) {
			json_decref(range_error);
			goto fail;
		}
		json_t *st = json_pack("{s:s,s:s,s:o}", "from", from, "to", to, "rows", rows);
		if (range_error)
			json_object_set_new(st, "error", range_error);
		json_object_set_new(m, "stats", st);
	}
	page_model(r, m, render_deadlines);
	if (range_error)
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
	h_printf(r->out, "</dd><dt>状态</dt><dd><span class=\"badge %s\">%s</span>", js(d, "state"),
		 state_label(js(d, "state")));
	if (str_eq(js(d, "state"), "met"))
		h_printf(r->out, " %s%s", js(d, "met_on"),
			 json_is_true(json_object_get(d, "met_late")) ? "（逾期完成）" : "（按时）");
	h_printf(r->out, "</dd><dt>依据</dt><dd>%s</dd></dl>", js(d, "rule_source"));
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

/* ------------------------------------------------------ the Excel export */

int page_admin_deadlines_xlsx(struct req *r)
{
	struct err e = ERR_INIT;
	char from[8], to[8];
	if (stats_range(r, from, to, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *stats = deadline_stats_monthly(r->db, 0, from, to, &e);
	if (!stats) {
		resp_err(r, &e);
		return 0;
	}
	static const struct xlsx_col cols[] = {
		{ "月份", 10, XLSX_TEXT },       { "单位", 28, XLSX_TEXT },       { "期限总数", 12, XLSX_NUMBER },
		{ "按时完成", 12, XLSX_NUMBER }, { "逾期完成", 12, XLSX_NUMBER }, { "超期未完成", 12, XLSX_NUMBER },
		{ "超期合计", 12, XLSX_NUMBER }, { "进行中", 12, XLSX_NUMBER },   { "按时完成率", 12, XLSX_PERCENT },
	};
	json_t *rows = json_array();
	size_t i;
	const json_t *s;
	json_array_foreach(stats, i, s) {
		const json_t *rate = json_object_get(s, "on_time_rate");
		json_array_append_new(rows, json_pack("[s,s,I,I,I,I,I,I,o]", js(s, "month"), js(s, "unit_name"),
						      (json_int_t)ji(s, "total"), (json_int_t)ji(s, "met_on_time"),
						      (json_int_t)ji(s, "met_late"), (json_int_t)ji(s, "overdue_open"),
						      (json_int_t)ji(s, "overdue_count"), (json_int_t)ji(s, "open"),
						      json_is_number(rate) ? json_real(json_number_value(rate)) : json_string("—")));
	}
	json_decref(stats);
	xlsx_send(r, "期限统计", req_printf(r, "各单位期限统计（截止日 %s 至 %s）", from, to), cols, ARRAY_SIZE(cols), rows,
		  req_printf(r, "期限统计_%s_%s.xlsx", from, to), req_printf(r, "deadline-stats-%s-%s.xlsx", from, to));
	json_decref(rows);
	return 0;
}

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
		       "<th scope=\"col\">依据</th>");
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
		h_printf(r->out, "</td><td>%s</td>", js(x, "source"));
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
	static const char *const fields[] = { "event_code", "name", "days", "day_kind", "ends_with", "effective_from", "source" };
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
		   *from = req_param(r, "effective_from"), *source = req_param(r, "source");
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
	if (!all.n) {
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
	json_t *list = json_array();
	for (size_t i = 0; i < all.n; i++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "field", all.v[i].field, "message", all.v[i].msg));
	json_object_set_new(m, "errors", list);
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
			json_object_set_new(m, "form", json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "event_code", js(x, "event_code"),
								 "name", js(x, "name"), "days", days, "day_kind",
								 js(x, "day_kind"), "ends_with", js(x, "ends_with"),
								 "effective_from", "", "source", js(x, "source")));
		}
	}
	return page_model(r, m, render_rules);
}
