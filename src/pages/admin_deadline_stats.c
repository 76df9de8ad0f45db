/*
 * admin_deadline_stats.c - the deadline statistics of the back office:
 * overdue counts and on-time rates per unit and month for the supervisor,
 * administrator and leader, as the section of /admin/deadlines (a table
 * and an SVG chart) and as GET /admin/deadlines/stats.xlsx.
 *
 * Invariants: the month range is checked (YYYY-MM, from <= to) before any
 * query; the chart is generated markup written with h_printf from integers
 * and escaped unit names only.
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

/* The statistics section of /admin/deadlines (nothing when stats is not
 * an object). */
void deadline_stats_section(struct req *r, const json_t *stats)
{
	if (!json_is_object(stats))
		return;
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

int deadline_stats_model(struct req *r, json_t *m, bool *refused, struct err *e)
{
	json_t *range_error = NULL;
	*refused = false;
	char from[8], to[8];
	struct err se = ERR_INIT;
	if (stats_range(r, from, to, &se) < 0) {
		if (r->want_json) {
			*e = se;
			return -1;
		}
		/* HTML: the page stays, the form says what is wrong (400) */
		const char *fi = req_param(r, "from"), *ti = req_param(r, "to");
		range_error = json_pack("{s:s,s:s,s:s,s:s}", "field", se.field, "message", se.msg,
					"from_input", fi ? fi : "", "to_input", ti ? ti : "");
		month_from_today(-5, from);
		month_from_today(1, to);
	}
	json_t *rows = deadline_stats_monthly(r->db, 0, from, to, e);
	if (!rows) {
		json_decref(range_error);
		return -1;
	}
	json_t *st = json_pack("{s:s,s:s,s:o}", "from", from, "to", to, "rows", rows);
	if (range_error)
		json_object_set_new(st, "error", range_error);
	json_object_set_new(m, "stats", st);
	*refused = range_error != NULL;
	return 0;
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

