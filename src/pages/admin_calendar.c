/*
 * admin_calendar.c - the working-day calendar in the back office and the
 * open calendar API.
 *
 *   GET  /admin/calendar[?year=YYYY]   loaded years with their source
 *        notices, the change log, a month grid of one year (休 / 班);
 *   POST /admin/calendar               import a holiday file (admin only):
 *        multipart file field "file" or the pasted JSON in "json", the
 *        source notice "source" (required) and "replace" (checkbox);
 *   GET  /api/v1/calendar/due?start=YYYY-MM-DD&n=N[&calendar_days=1]
 *   GET  /api/v1/calendar/is-workday?date=YYYY-MM-DD
 *
 * Invariants: a refused import changes nothing (calendar_import runs in
 * one transaction) and re-renders the form with the user's input and a
 * 4xx status; a successful one is followed, in this order, by
 * app_calendar_reload and deadline_recompute_all, so every page served
 * afterwards counts on the new calendar.  The API never guesses: a date
 * in a year that is not loaded is a 400 naming the year.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "app/app.h"
#include "pages/pages.h"
#include "calendar/calendar.h"
#include "calendar/statutory.h"
#include "calendar/deadline.h"
#include <jansson.h>

/* ------------------------------------------------------------ helpers */

static bool can_import(const struct req *r)
{
	return actor_has(&r->actor, ROLE_ADMIN);
}

static const char *action_label(const char *a)
{
	return str_eq(a, "add") ? "新增" : str_eq(a, "replace") ? "替换" : str_eq(a, "recompute") ? "重新计算期限" : a;
}


/* The twelve months of a loaded year: [{month, first_weekday, days:[{day,
 * date, kind}]}] with kind "workday", "weekend", "holiday" (法定节假日,
 * 休) or "adjusted" (调休上班的周末, 班).  The working-day status comes
 * from the calendar itself; the data only tells a holiday weekend from a
 * plain one. */
static json_t *year_grid(struct db *db, const struct calendar *cal, int year)
{
	char marks[367];
	calendar_year_marks(db, year, marks);
	int32_t jan1 = cal_days_from_civil(year, 1, 1);
	json_t *months = json_array();
	for (int m = 1; m <= 12; m++) {
		int32_t first = cal_days_from_civil(year, m, 1);
		int32_t next = m == 12 ? cal_days_from_civil(year + 1, 1, 1) : cal_days_from_civil(year, m + 1, 1);
		json_t *days = json_array();
		for (int32_t d = first; d < next; d++) {
			struct err e = ERR_INIT;
			int wd = cal_weekday(d);
			int work = calendar_is_workday_ex(cal, d, 0, NULL, &e);
			char mark = marks[d - jan1];
			const char *kind;
			if (work < 0)
				kind = "unknown";
			else if (work)
				kind = wd >= 6 ? "adjusted" : "workday";
			else
				kind = (mark == 'h' || wd < 6) ? "holiday" : "weekend";
			char ds[11];
			cal_date_format(d, ds);
			json_array_append_new(days, json_pack("{s:i,s:s,s:s}", "day", (int)(d - first + 1), "date", ds,
							      "kind", kind));
		}
		json_array_append_new(months, json_pack("{s:i,s:i,s:o}", "month", m, "first_weekday", cal_weekday(first),
							"days", days));
	}
	return months;
}


static json_t *change_by_id(json_t *changes, long long id)
{
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c)
		if (ji(c, "id") == id)
			return c;
	return NULL;
}

/* ------------------------------------------------------------ the page */

static void field_error(struct req *r, json_t *m, const char *field)
{
	json_t *err = json_object_get(m, "error");
	if (err && str_eq(js(err, "field"), field))
		h_printf(r->out, "<p class=\"field-error\" id=\"%s-error\">%s</p>", field, js(err, "message"));
}

static const char *described_by(json_t *m, const char *field, const char *attr)
{
	json_t *err = json_object_get(m, "error");
	return err && str_eq(js(err, "field"), field) ? attr : "";
}

static void render_month(struct req *r, const json_t *month)
{
	static const char *const names[] = { "一", "二", "三", "四", "五", "六", "日" };
	long long mo = ji(month, "month");
	h_printf(r->out, "<table class=\"cal-month\"><caption>%lld 月</caption><thead><tr>", mo);
	for (int i = 0; i < 7; i++)
		h_printf(r->out, "<th scope=\"col\"><abbr title=\"星期%s\">%s</abbr></th>", names[i], names[i]);
	h_raw(r->out, "</tr></thead><tbody><tr>");
	int col = (int)ji(month, "first_weekday") - 1;
	for (int i = 0; i < col; i++)
		h_raw(r->out, "<td></td>");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(month, "days"), i, d) {
		const char *kind = js(d, "kind");
		if (str_eq(kind, "holiday"))
			h_printf(r->out, "<td class=\"hol\" title=\"%s 法定节假日\">%lld<small>休</small></td>",
				 js(d, "date"), ji(d, "day"));
		else if (str_eq(kind, "adjusted"))
			h_printf(r->out, "<td class=\"adj\" title=\"%s 调休上班\">%lld<small>班</small></td>",
				 js(d, "date"), ji(d, "day"));
		else if (str_eq(kind, "weekend"))
			h_printf(r->out, "<td class=\"wkend\">%lld</td>", ji(d, "day"));
		else
			h_printf(r->out, "<td>%lld</td>", ji(d, "day"));
		if (++col == 7 && i + 1 < json_array_size(json_object_get(month, "days"))) {
			h_raw(r->out, "</tr><tr>");
			col = 0;
		}
	}
	for (; col < 7; col++)
		h_raw(r->out, "<td></td>");
	h_raw(r->out, "</tr></tbody></table>");
}

static void render_import_form(struct req *r, json_t *m)
{
	json_t *form = json_object_get(m, "form");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"import-h\"><h2 id=\"import-h\">导入节假日安排</h2>"
		       "<p class=\"hint\">国务院办公厅每年发布下一年部分节假日安排的通知后，请将其整理为 JSON 文件"
		       "（格式：<code>{\"source\": \"通知名称\", \"years\": {\"2027\": {\"holidays\": [\"2027-01-01\", …], "
		       "\"workdays\": [\"2027-02-07\", …]}}}</code>，holidays 为放假日期，workdays 为调休上班的周六、周日）导入。"
		       "导入后系统自动重新计算所有未完成期限的截止日。</p>"
		       "<form method=\"post\" action=\"/admin/calendar\" enctype=\"multipart/form-data\">");
	form_csrf(r);
	h_printf(r->out, "<div class=\"field\"><label for=\"source\">来源通知（必填）</label>"
		 "<input type=\"text\" id=\"source\" name=\"source\" maxlength=\"500\" required value=\"%s\"%s>",
		 js(form, "source"), described_by(m, "source", " aria-invalid=\"true\" aria-describedby=\"source-error\""));
	field_error(r, m, "source");
	h_raw(r->out, "<p class=\"hint\">例如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）</p></div>");
	h_printf(r->out, "<div class=\"field\"><label for=\"file\">节假日安排文件（JSON）</label>"
		 "<input type=\"file\" id=\"file\" name=\"file\" accept=\".json,application/json\"%s>",
		 described_by(m, "file", " aria-invalid=\"true\" aria-describedby=\"file-error\""));
	field_error(r, m, "file");
	h_raw(r->out, "</div>");
	h_printf(r->out, "<div class=\"field\"><label for=\"json\">或直接粘贴 JSON 内容</label>"
		 "<textarea id=\"json\" name=\"json\" rows=\"8\" spellcheck=\"false\"%s>%s</textarea>",
		 described_by(m, "json", " aria-invalid=\"true\" aria-describedby=\"json-error\""), js(form, "json"));
	field_error(r, m, "json");
	h_raw(r->out, "</div>");
	h_printf(r->out, "<div class=\"field check\"><input type=\"checkbox\" id=\"replace\" name=\"replace\" value=\"1\"%s>"
		 "<label for=\"replace\">替换已有年份（已有的年份将被文件中的安排替换）</label></div>"
		 "<button type=\"submit\">导入</button></form></section>",
		 json_is_true(json_object_get(form, "replace")) ? " checked" : "");
}

static void render_calendar(struct req *r, json_t *m)
{
	page_begin(r, "工作日历");
	h_raw(r->out, "<h1>工作日历</h1>");
	json_t *err = json_object_get(m, "error");
	if (err)
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\">导入未完成，未作任何改动：%s</p>", js(err, "message"));
	json_t *res = json_object_get(m, "imported");
	if (res) {
		h_printf(r->out, "<div class=\"alert ok\" role=\"status\"><p>已保存：%s（来源：%s）。</p>",
			 js(res, "detail"), js(res, "source"));
		if (json_is_integer(json_object_get(m, "recomputed")))
			h_printf(r->out, "<p>已按新的工作日历重新计算未完成期限，其中 %lld 个期限的截止日发生变化。</p>",
				 ji(m, "recomputed"));
		h_raw(r->out, "</div>");
	}
	if (!str_empty(js(m, "recompute_error")))
		h_printf(r->out, "<p class=\"alert warn\" role=\"alert\">节假日安排已导入，但重新计算期限未完成：%s</p>",
			 js(m, "recompute_error"));
	h_printf(r->out, "<p>已装入 %lld 年至 %lld 年的节假日安排。期限按工作日计算时，事件发生当日不计入。</p>",
		 ji(m, "first_year"), ji(m, "last_year"));
	/* consecutive years from the same notice share one row */
	h_raw(r->out, "<h2>已装入的年份</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">年份</th>"
		       "<th scope=\"col\">来源通知</th><th scope=\"col\">月历</th></tr></thead><tbody>");
	json_t *years = json_object_get(m, "years");
	size_t ny = json_array_size(years);
	for (size_t i = 0; i < ny;) {
		json_t *y = json_array_get(years, i);
		bool loaded = json_is_true(json_object_get(y, "loaded"));
		size_t j = i + 1;
		while (j < ny && json_is_true(json_object_get(json_array_get(years, j), "loaded")) == loaded &&
		       str_eq(js(json_array_get(years, j), "source"), js(y, "source")))
			j++;
		long long y0 = ji(y, "year"), y1 = ji(json_array_get(years, j - 1), "year");
		if (y0 == y1)
			h_printf(r->out, "<tr><td>%lld</td>", y0);
		else
			h_printf(r->out, "<tr><td>%lld–%lld</td>", y0, y1);
		if (loaded) {
			h_printf(r->out, "<td>%s</td><td>", js(y, "source"));
			for (size_t k = i; k < j; k++) {
				long long yy = ji(json_array_get(years, k), "year");
				h_printf(r->out, "<a href=\"/admin/calendar?year=%lld#grid\">%lld</a> ", yy, yy);
			}
			h_raw(r->out, "</td></tr>");
		} else {
			h_raw(r->out, "<td><span class=\"badge bad\">未装入</span></td><td>");
			for (size_t k = i; k < j; k++) {
				long long yy = ji(json_array_get(years, k), "year");
				if (json_is_true(json_object_get(json_array_get(years, k), "provisional")))
					h_printf(r->out, "<a href=\"/admin/calendar?year=%lld#grid\">%lld（暂定）</a> ", yy, yy);
			}
			h_raw(r->out, "</td></tr>");
		}
		i = j;
	}
	h_raw(r->out, "</tbody></table></div>");
	if (json_is_true(json_object_get(m, "can_import")))
		render_import_form(r, m);
	long long year = ji(m, "year");
	h_printf(r->out, "<h2 id=\"grid\">%lld 年月历%s</h2>", year,
		 json_is_true(json_object_get(m, "year_provisional")) ? "（暂定）" : "");
	h_raw(r->out, "<form method=\"get\" action=\"/admin/calendar\" class=\"search\"><label for=\"year\" class=\"visually-hidden\">年份</label>");
	h_printf(r->out, "<input type=\"number\" id=\"year\" name=\"year\" min=\"1000\" max=\"9999\" value=\"%lld\">"
		 "<button type=\"submit\" class=\"secondary\">查看</button></form>", year);
	json_t *months = json_object_get(m, "months");
	size_t i;
	if (!json_array_size(months)) {
		h_printf(r->out, "<p class=\"alert warn\" role=\"status\">尚未装入 %lld 年的节假日安排，且该年不在可按法定节假日暂定推算的范围内，"
			 "无法显示该年的月历，也无法计算落在该年的期限。</p>", year);
	} else {
		if (json_is_true(json_object_get(m, "year_provisional")))
			h_printf(r->out, "<p class=\"alert warn\" role=\"status\">%s。"
				 "国务院办公厅公布该年安排后请导入，落在该年的期限将自动重新计算。</p>", js(m, "year_source"));
		else
			h_printf(r->out, "<p class=\"muted\">来源：%s</p>", js(m, "year_source"));
		h_raw(r->out, "<p class=\"cal-legend\"><span class=\"hol\">休</span> 法定节假日（放假）"
			       "　<span class=\"adj\">班</span> 调休上班的周末　<span class=\"wkend\">周末</span> 休息日</p>");
		h_raw(r->out, "<div class=\"cal-grid\">");
		json_t *mo;
		json_array_foreach(months, i, mo)
			render_month(r, mo);
		h_raw(r->out, "</div>");
	}
	h_raw(r->out, "<h2>变更记录</h2>");
	json_t *changes = json_object_get(m, "changes");
	if (!json_array_size(changes)) {
		h_raw(r->out, "<p class=\"muted\">尚无变更记录（目前使用程序内置的节假日安排）。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">时间</th><th scope=\"col\">操作人</th>"
			       "<th scope=\"col\">操作</th><th scope=\"col\">年份</th><th scope=\"col\">内容</th>"
			       "<th scope=\"col\">来源通知</th></tr></thead><tbody>");
		json_t *c;
		json_array_foreach(changes, i, c)
			h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
				 js(c, "at_local"), js(c, "by"), action_label(js(c, "action")), js(c, "years"),
				 js(c, "detail"), js(c, "source"));
		h_raw(r->out, "</tbody></table></div>");
	}
	page_end(r);
}

/* The page model; year 0 = the current year (Asia/Shanghai). */
static json_t *calendar_model(struct req *r, int year, struct err *e)
{
	const struct calendar *cal = app_calendar(r->app, r->db);
	if (!cal) {
		err_set(e, ERR_INTERNAL, "", "工作日历未能加载");
		return NULL;
	}
	if (year == 0) {
		char today[11];
		time_today_shanghai(today);
		int32_t d;
		cal_date_parse(today, &d);
		cal_civil_from_days(d, &year, NULL, NULL);
	}
	int first = calendar_first_year(cal), last = calendar_last_year(cal);
	json_t *years = json_array();
	/* the loaded years, and after them the next year while it is only provisional */
	int shown_last = calendar_year_provisional(cal, last + 1) ? last + 1 : last;
	for (int y = first; y <= shown_last; y++)
		json_array_append_new(years, json_pack("{s:i,s:b,s:b,s:s}", "year", y, "loaded", calendar_year_loaded(cal, y),
						       "provisional", calendar_year_provisional(cal, y),
						       "source", calendar_year_source(cal, y)));
	bool loaded = calendar_year_loaded(cal, year), prov = calendar_year_provisional(cal, year);
	json_t *m = json_pack("{s:i,s:i,s:o,s:o,s:i,s:b,s:b,s:s,s:o,s:b}", "first_year", first, "last_year", last,
			      "years", years, "changes", calendar_changes_list(r->db, 50), "year", year, "year_loaded", loaded,
			      "year_provisional", prov,
			      "year_source", loaded ? calendar_year_source(cal, year) : calendar_provisional_source(cal, year),
			      "months", loaded || prov ? year_grid(r->db, cal, year) : json_array(), "can_import", can_import(r));
	calendar_unref(cal);
	return m;
}

static int parse_year(struct req *r, int *year, struct err *e)
{
	const char *ys = req_param(r, "year");
	long long y = 0;
	if (!str_empty(ys) && str_to_ll(ys, 1000, 9999, &y) < 0)
		return err_set(e, ERR_INVALID, "year", "参数 year（年份）必须是 1000 至 9999 之间的整数");
	*year = (int)y;
	return 0;
}

static int import_post(struct req *r)
{
	struct err e = ERR_INIT;
	if (!can_import(r)) {
		err_set(&e, ERR_FORBIDDEN, "", "只有系统管理员可以导入节假日安排");
		resp_err(r, &e);
		return 0;
	}
	const char *source = req_param(r, "source");
	const char *file = kv_get(&r->form, "file");
	const char *pasted = kv_get(&r->form, "json");
	bool replace = str_eq(kv_get(&r->form, "replace"), "1") || str_eq(kv_get(&r->form, "replace"), "on") ||
		       str_eq(kv_get(&r->form, "replace"), "true");
	const char *text = !str_empty(file) ? file : pasted;
	const char *used = !str_empty(file) ? "file" : "json";
	char src[600] = "";
	if (source) {
		/* trim surrounding blanks */
		while (*source == ' ' || *source == '\t' || *source == '\r' || *source == '\n')
			source++;
		snprintf(src, sizeof src, "%s", source);
		size_t n = strlen(src);
		while (n && (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\r' || src[n - 1] == '\n'))
			src[--n] = '\0';
	}
	struct calendar_import_result res;
	if (str_empty(src)) {
		err_set(&e, ERR_INVALID, "source", "请填写来源通知（国务院办公厅关于部分节假日安排的通知名称及文号）");
	} else if (strlen(source) > 500) {
		err_set(&e, ERR_INVALID, "source", "来源通知过长（最多 500 字节）");
	} else if (str_empty(text)) {
		err_set(&e, ERR_INVALID, "file", "请选择节假日安排文件（JSON），或在文本框中粘贴 JSON 内容");
	} else if (calendar_import(r->db, text, strlen(text), src, r->actor.username, replace, &res, &e) < 0) {
		/* an existing year: name the checkbox of this form */
		if (e.kind == ERR_CONFLICT && res.conflict_year)
			err_set(&e, ERR_CONFLICT, "file", "第 %d 行: %d 年的节假日安排已存在，如需替换请勾选「替换已有年份」",
				res.conflict_line, res.conflict_year);
		/* the file's problems are shown next to what the user filled in */
		if (str_eq(e.field, "file") && str_eq(used, "json"))
			snprintf(e.field, sizeof e.field, "json");
	} else {
		/* the new calendar first, then the clocks counted on it */
		json_t *out = json_pack("{s:s,s:s,s:i,s:i,s:I,s:n,s:n}", "years", res.years, "action", res.action,
					"holidays", res.holidays, "workdays", res.workdays,
					"change_id", (json_int_t)res.change_id, "recomputed", "recompute_error");
		struct err re = ERR_INIT;
		int changed = -1;
		if (app_calendar_reload(r->app, r->db) < 0) {
			err_set(&re, ERR_INTERNAL, "", "重新加载工作日历失败，请重启服务");
		} else {
			const struct calendar *cal = app_calendar(r->app, NULL); /* just reloaded */
			changed = cal ? deadline_recompute_all(r->db, cal, &re) : -1;
			calendar_unref(cal);
		}
		if (changed >= 0)
			json_object_set_new(out, "recomputed", json_integer(changed));
		else
			json_object_set_new(out, "recompute_error", json_string(re.msg[0] ? re.msg : "工作日历未能加载"));
		if (r->want_json) {
			resp_json(r, 200, out);
			return 0;
		}
		char y4[5] = "";
		memcpy(y4, res.years, 4); /* the first imported year, shown after the redirect */
		char *loc = changed >= 0
			? req_printf(r, "/admin/calendar?ok=1&change=%lld&recomputed=%d&year=%s", res.change_id, changed, y4)
			: req_printf(r, "/admin/calendar?ok=1&change=%lld&recompute_failed=1&year=%s", res.change_id, y4);
		json_decref(out);
		resp_redirect(r, loc);
		return 0;
	}
	/* refused: the form again with the input kept and the problem named */
	if (e.kind >= 500 || e.kind < 400) {
		resp_err(r, &e);
		return 0;
	}
	if (r->want_json) {
		resp_err(r, &e);
		return 0;
	}
	int year = 0;
	struct err ye = ERR_INIT;
	parse_year(r, &year, &ye);
	json_t *m = calendar_model(r, year, &ye);
	if (!m) {
		resp_err(r, &ye);
		return 0;
	}
	json_object_set_new(m, "error", json_pack("{s:s,s:s}", "field", str_empty(e.field) ? used : e.field,
						  "message", e.msg));
	json_object_set_new(m, "form", json_pack("{s:s,s:s,s:b}", "source", source ? source : "",
						 "json", pasted ? pasted : "", "replace", replace));
	page_model(r, m, render_calendar);
	r->status = e.kind;
	return 0;
}

int page_admin_calendar(struct req *r)
{
	if (r->method == M_POST)
		return import_post(r);
	struct err e = ERR_INIT;
	int year = 0;
	if (parse_year(r, &year, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *m = calendar_model(r, year, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	long long change = 0;
	if (str_eq(req_param(r, "ok"), "1") && str_to_ll(req_param(r, "change"), 1, INT64_MAX, &change) == 0) {
		json_t *c = change_by_id(json_object_get(m, "changes"), change);
		if (c)
			json_object_set(m, "imported", c);
		long long n;
		if (str_to_ll(req_param(r, "recomputed"), 0, INT32_MAX, &n) == 0)
			json_object_set_new(m, "recomputed", json_integer(n));
		if (str_eq(req_param(r, "recompute_failed"), "1"))
			json_object_set_new(m, "recompute_error",
					    json_string("有期限落在尚未装入节假日安排的年份，请查看变更记录并补充导入"));
	}
	return page_model(r, m, render_calendar);
}

/* ------------------------------------------------------------ the API */

static void api_error(struct req *r, int status, const char *field, const char *msg)
{
	r->want_json = true;
	resp_error(r, status, field, msg);
}

/* The optional strict=1|true|0|false parameter; -1 after answering 400. */
static int strict_param(struct req *r, unsigned *flags)
{
	const char *st = req_param(r, "strict");
	*flags = 0;
	if (str_empty(st) || str_eq(st, "0") || str_eq(st, "false"))
		return 0;
	if (str_eq(st, "1") || str_eq(st, "true")) {
		*flags = CAL_STRICT;
		return 0;
	}
	api_error(r, 400, "strict", "参数 strict 只能是 1（拒绝暂定结果）或 0");
	return -1;
}

/* Add provisional, provisional_years and note to an answer. */
static void add_basis(json_t *o, const struct cal_basis *b)
{
	json_t *years = json_array();
	for (int i = 0; i < b->nyears; i++)
		json_array_append_new(years, json_integer(b->years[i]));
	char note[512];
	cal_basis_note(b, note, sizeof(note));
	json_object_set_new(o, "provisional", json_boolean(b->provisional));
	json_object_set_new(o, "provisional_years", years);
	json_object_set_new(o, "note", json_string(note));
}

int page_api_calendar_due(struct req *r)
{
	const char *start = req_param(r, "start"), *ns = req_param(r, "n"), *cd = req_param(r, "calendar_days");
	int32_t d;
	long long n;
	if (str_empty(start))
		return api_error(r, 400, "start", "缺少参数 start（起算日，YYYY-MM-DD）"), 0;
	if (cal_date_parse(start, &d) < 0)
		return api_error(r, 400, "start", "参数 start 不是 YYYY-MM-DD 形式的真实日期"), 0;
	if (str_empty(ns))
		return api_error(r, 400, "n", "缺少参数 n（期限天数）"), 0;
	if (str_to_ll(ns, 1, 3650, &n) < 0)
		return api_error(r, 400, "n", "参数 n（期限天数）必须是 1 至 3650 之间的整数"), 0;
	bool calendar_days = false;
	if (!str_empty(cd)) {
		if (str_eq(cd, "1") || str_eq(cd, "true"))
			calendar_days = true;
		else if (!str_eq(cd, "0") && !str_eq(cd, "false"))
			return api_error(r, 400, "calendar_days", "参数 calendar_days 只能是 1（自然日）或 0（工作日）"), 0;
	}
	unsigned flags;
	if (strict_param(r, &flags) < 0)
		return 0;
	const struct calendar *cal = app_calendar(r->app, r->db);
	if (!cal)
		return api_error(r, 500, "", "工作日历未能加载"), 0;
	char due[11];
	struct err e = ERR_INIT;
	struct cal_basis b;
	int rc = calendar_due_str_ex(cal, start, (int)n, calendar_days, flags, due, &b, &e);
	calendar_unref(cal);
	if (rc < 0)
		return api_error(r, 400,
				 str_eq(e.field, "date") || str_empty(e.field) ? "start" : e.field, e.msg), 0;
	r->want_json = true;
	json_t *o = json_pack("{s:s,s:I,s:b,s:s}", "start", start, "n", (json_int_t)n, "calendar_days", calendar_days,
			      "due", due);
	add_basis(o, &b);
	resp_json(r, 200, o);
	return 0;
}

int page_api_calendar_is_workday(struct req *r)
{
	const char *date = req_param(r, "date");
	int32_t d;
	if (str_empty(date))
		return api_error(r, 400, "date", "缺少参数 date（日期，YYYY-MM-DD）"), 0;
	if (cal_date_parse(date, &d) < 0)
		return api_error(r, 400, "date", "参数 date 不是 YYYY-MM-DD 形式的真实日期"), 0;
	unsigned flags;
	if (strict_param(r, &flags) < 0)
		return 0;
	const struct calendar *cal = app_calendar(r->app, r->db);
	if (!cal)
		return api_error(r, 500, "", "工作日历未能加载"), 0;
	struct err e = ERR_INIT;
	struct cal_basis b;
	int w = calendar_is_workday_ex(cal, d, flags, &b, &e);
	calendar_unref(cal);
	if (w < 0)
		return api_error(r, 400, "date", e.msg), 0;
	r->want_json = true;
	json_t *o = json_pack("{s:s,s:b}", "date", date, "workday", w);
	add_basis(o, &b);
	resp_json(r, 200, o);
	return 0;
}
