/*
 * admin_logs.c - the operation log (/admin/logs) and the login log
 * (/admin/logs/login) for administrators and supervisors: filters chosen
 * from lists (user, role, unit, kind of operation, object type, result;
 * object number, address and Beijing dates typed), sortable columns,
 * paging (newest first by default) and the Excel export of what the
 * filters show (/admin/logs.xlsx, /admin/logs/login.xlsx).
 *
 * Invariants: read only - the logs are append-only (actor/audit.h) and no
 * route here changes them; the domain (audit_search) checks the role
 * again.  Every code shown (action, object type, result, role) is shown by
 * its dictionary name (core/dict.h), on the page and in the workbook.  A
 * malformed filter answers 400 with the Chinese message beside the field
 * and the filters kept.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "http/list.h"
#include "http/xlsx.h"
#include "pages/pages.h"
#include "actor/audit.h"
#include "people/people.h"

enum log_kind { LOG_OP, LOG_LOGIN };

enum filter_type { F_TEXT, F_DATE, F_DICT, F_USER, F_UNIT };

struct filter_def {
	const char *key, *label;
	unsigned kinds; /* 1 << LOG_OP | 1 << LOG_LOGIN */
	enum filter_type type;
	const char *dict_op, *dict_login; /* the dictionary kind of a F_DICT filter per log */
};

static const struct filter_def filters[] = {
	{ "username", "用户", 3, F_USER, NULL, NULL },
	{ "role", "角色", 1, F_DICT, "role", NULL },
	{ "unit_id", "单位", 1, F_UNIT, NULL, NULL },
	{ "action", "操作类型", 1, F_DICT, "audit_action", NULL },
	{ "object_type", "对象类型", 1, F_DICT, "object_type", NULL },
	{ "object_id", "对象编号", 1, F_TEXT, NULL, NULL },
	{ "result", "结果", 3, F_DICT, "audit_result", "login_result" },
	{ "ip", "登录地址", 2, F_TEXT, NULL, NULL },
	{ "date_from", "日期自", 3, F_DATE, NULL, NULL },
	{ "date_to", "日期至", 3, F_DATE, NULL, NULL },
};

static const char *const filter_keys[] = { "username", "role", "unit_id", "action", "object_type",
					   "object_id", "result", "ip", "date_from", "date_to" };

static const struct list_col op_cols[] = {
	{ "at", false }, { "username", false }, { "action", false }, { "object_type", false },
	{ "result", false }, { "ip", false },
};
static const struct list_col login_cols[] = {
	{ "at", false }, { "username", false }, { "ip", false }, { "result", false },
};

static const char *path_of(enum log_kind kind)
{
	return kind == LOG_OP ? "/admin/logs" : "/admin/logs/login";
}

static void render_filters(struct req *r, const json_t *m, enum log_kind kind, struct form *fm)
{
	const json_t *f = json_object_get(m, "filters");
	h_printf(r->out, "<form method=\"get\" action=\"%s\" class=\"card log-filter\"><div class=\"grid\">", path_of(kind));
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		const struct filter_def *d = &filters[i];
		if (!(d->kinds & (1u << kind)))
			continue;
		const char *cur = js(f, d->key);
		switch (d->type) {
		case F_DATE:
			form_input(fm, "date", d->key, d->label, cur, 0, NULL, "北京时间");
			break;
		case F_TEXT:
			form_input(fm, "text", d->key, d->label, cur, 0, "maxlength=\"64\"", NULL);
			break;
		case F_DICT:
			form_select_dict(fm, d->key, d->label, kind == LOG_OP ? d->dict_op : d->dict_login, cur, "（全部）", 0,
					 NULL);
			break;
		case F_USER:
		case F_UNIT: {
			const json_t *list = json_object_get(m, d->type == F_USER ? "users" : "units");
			size_t n = json_array_size(list), k;
			struct form_opt *opts = xcalloc(n ? n : 1, sizeof *opts);
			const json_t *o;
			json_array_foreach(list, k, o)
				opts[k] = (struct form_opt){ js(o, "value"), js(o, "label") };
			form_select(fm, d->key, d->label, opts, n, cur, "（全部）", 0, NULL);
			free(opts);
			break;
		}
		}
	}
	h_printf(r->out, "</div><button type=\"submit\">查询</button> <a href=\"%s\">清除条件</a></form>", path_of(kind));
}

static void tabs(struct req *r, enum log_kind kind)
{
	h_printf(r->out, "<nav aria-label=\"日志类别\"><ul class=\"cats\"><li><a href=\"/admin/logs\"%s>操作日志</a></li>"
		 "<li><a href=\"/admin/logs/login\"%s>登录日志</a></li></ul></nav>",
		 kind == LOG_OP ? " aria-current=\"page\"" : "", kind == LOG_LOGIN ? " aria-current=\"page\"" : "");
}

static void result_badge(struct req *r, const json_t *it, bool login)
{
	const char *res = js(it, "result");
	bool good = str_eq(res, "ok") || (login && (str_eq(res, "logout") || str_eq(res, "password")));
	h_printf(r->out, "<span class=\"badge %s\">%s</span>", good ? "ok" : "bad", js(it, "result_label"));
}

/* The view (filters and sort) of the model, for links. */
static struct list_view view_of(const json_t *m, enum log_kind kind)
{
	return (struct list_view){ path_of(kind), js(m, "query"), js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
}

static void render_common_head(struct req *r, json_t *m, enum log_kind kind)
{
	page_begin(r, kind == LOG_OP ? "操作日志" : "登录日志");
	h_printf(r->out, "<h1>%s</h1>", kind == LOG_OP ? "操作日志" : "登录日志");
	tabs(r, kind);
	struct errs errs = ERRS_INIT;
	const json_t *err = json_object_get(m, "error");
	if (err)
		errs_add(&errs, (int)ji(err, "status"), js(err, "field"), "%s", js(err, "message"));
	struct form fm;
	form_init(&fm, r, &errs, NULL);
	form_summary(&fm);
	h_raw(r->out, "<p class=\"muted\">日志只能追加，任何人（包括系统管理员）都不能修改或删除，保存期限不少于 180 天。时间为北京时间。</p>");
	render_filters(r, m, kind, &fm);
	errs_release(&errs);
}

static void render_tail(struct req *r, json_t *m, enum log_kind kind)
{
	const json_t *res = json_object_get(m, "result");
	struct list_view v = view_of(m, kind);
	if (res) {
		list_pager(r, &v, ji(res, "total"), ji(res, "page"), ji(res, "per_page"), false);
		h_raw(r->out, "<p class=\"actions\">");
		list_export_link(r, &v, kind == LOG_OP ? "/admin/logs.xlsx" : "/admin/logs/login.xlsx");
		h_printf(r->out, " <span class=\"muted\">导出当前筛选条件下的全部记录（最多 %d 条）。</span></p>", AUDIT_EXPORT_MAX);
	}
	page_end(r);
}

static void render_op(struct req *r, json_t *m)
{
	render_common_head(r, m, LOG_OP);
	const json_t *res = json_object_get(m, "result");
	const json_t *items = json_object_get(res, "items");
	struct list_view v = view_of(m, LOG_OP);
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">没有符合条件的记录。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"log\"><caption class=\"visually-hidden\">操作日志</caption>"
			       "<thead><tr>");
		list_th(r, &v, "at", "时间");
		list_th(r, &v, "username", "用户");
		list_th(r, &v, "action", "操作");
		list_th(r, &v, "object_type", "对象");
		list_th(r, &v, "result", "结果");
		h_raw(r->out, "<th scope=\"col\">详情</th>");
		list_th(r, &v, "ip", "地址");
		h_raw(r->out, "</tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(r->out, "<tr><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td><td>%s %s</td><td>",
				 js(it, "at_local"), js(it, "username"), js(it, "action_label"), js(it, "object_type_label"),
				 js(it, "object_id"));
			result_badge(r, it, false);
			h_printf(r->out, "</td><td class=\"detail\">%s</td><td>%s<br><small title=\"请求号\">%s</small></td></tr>",
				 js(it, "detail"), js(it, "ip"), js(it, "request_id"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	render_tail(r, m, LOG_OP);
}

static void render_login(struct req *r, json_t *m)
{
	render_common_head(r, m, LOG_LOGIN);
	const json_t *res = json_object_get(m, "result");
	const json_t *items = json_object_get(res, "items");
	struct list_view v = view_of(m, LOG_LOGIN);
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">没有符合条件的记录。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"log\"><caption class=\"visually-hidden\">登录日志</caption>"
			       "<thead><tr>");
		list_th(r, &v, "at", "时间");
		list_th(r, &v, "username", "用户名");
		list_th(r, &v, "ip", "地址");
		list_th(r, &v, "result", "结果");
		h_raw(r->out, "<th scope=\"col\">说明</th><th scope=\"col\">浏览器</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(r->out, "<tr><td class=\"nowrap\">%s</td><td>%s</td><td>%s</td><td>", js(it, "at_local"),
				 js(it, "username"), js(it, "ip"));
			result_badge(r, it, true);
			h_printf(r->out, "</td><td>%s</td><td class=\"detail\"><small>%s</small></td></tr>", js(it, "reason"),
				 js(it, "user_agent"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	render_tail(r, m, LOG_LOGIN);
}

/* The people and units offered by the selects: [{value, label}]. */
static json_t *user_options(struct req *r)
{
	json_t *people = NULL, *out = json_array();
	struct err e = ERR_INIT;
	if (people_user_list(r->db, &r->actor, 0, &people, &e) == 0) {
		size_t i;
		json_t *p;
		json_array_foreach(people, i, p)
			json_array_append_new(out, json_pack("{s:s,s:s}", "value", js(p, "username"), "label",
							     req_printf(r, "%s（%s）", js(p, "name"), js(p, "username"))));
	}
	json_decref(people);
	json_array_append_new(out, json_pack("{s:s,s:s}", "value", "system", "label", "系统（自动任务）"));
	return out;
}

static json_t *unit_options(struct req *r)
{
	json_t *units = NULL, *out = json_array();
	struct err e = ERR_INIT;
	if (people_unit_list(r->db, &r->actor, &units, &e) == 0) {
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u)
			json_array_append_new(out, json_pack("{s:s,s:s}", "value", req_printf(r, "%lld", ji(u, "id")), "label",
							     js(u, "name")));
	}
	json_decref(units);
	return out;
}

/* Read the filters, sort and page into af (strings borrowed from r) and
 * the model's "filters"; -1 with e on a malformed one. */
static int read_filters(struct req *r, enum log_kind kind, struct audit_filter *af, json_t *fj, struct err *e)
{
	memset(af, 0, sizeof *af);
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		const struct filter_def *d = &filters[i];
		if (!(d->kinds & (1u << kind)))
			continue;
		const char *v = req_param(r, d->key);
		v = v ? v : "";
		json_object_set_new(fj, d->key, json_string(v));
		const char *k = d->key;
		if (str_eq(k, "username"))
			af->username = v;
		else if (str_eq(k, "role"))
			af->role = v;
		else if (str_eq(k, "action"))
			af->action = v;
		else if (str_eq(k, "object_type"))
			af->object_type = v;
		else if (str_eq(k, "object_id"))
			af->object_id = v;
		else if (str_eq(k, "result"))
			af->result = v;
		else if (str_eq(k, "ip"))
			af->ip = v;
		else if (str_eq(k, "date_from"))
			af->date_from = v;
		else if (str_eq(k, "date_to"))
			af->date_to = v;
		else if (str_eq(k, "unit_id") && !str_empty(v) && str_to_ll(v, 1, INT64_MAX, &af->unit_id) < 0)
			return err_set(e, ERR_INVALID, "unit_id", "单位不正确，请从列表中选择");
		if (d->type == F_DICT && !str_empty(v) && !dict_has(kind == LOG_OP ? d->dict_op : d->dict_login, v))
			return err_set(e, ERR_INVALID, d->key, "「%s」不正确，请从列表中选择", d->label);
	}
	long long page;
	if (list_page_parse(r, &page, e) < 0)
		return -1;
	af->page = (int)page;
	af->per_page = 50;
	const char *sort;
	bool asc;
	if (list_sort_parse(r, kind == LOG_OP ? op_cols : login_cols, kind == LOG_OP ? ARRAY_SIZE(op_cols) : ARRAY_SIZE(login_cols),
			    "", false, &sort, &asc, e) < 0)
		return -1;
	af->sort = sort;
	af->asc = asc;
	if (!str_empty(af->date_from) && !str_empty(af->date_to) && strcmp(af->date_from, af->date_to) > 0)
		return err_set(e, ERR_INVALID, "date_to", "截止日期不能早于起始日期");
	return 0;
}

static int serve_log(struct req *r, enum log_kind kind)
{
	struct audit_filter af;
	struct err e = ERR_INIT;
	json_t *fj = json_object();
	json_t *res = NULL;
	int rc = read_filters(r, kind, &af, fj, &e);
	if (rc == 0)
		rc = kind == LOG_OP ? audit_search(r->db, &r->actor, &af, &res, &e)
				    : audit_login_search(r->db, &r->actor, &af, &res, &e);
	render_fn render = kind == LOG_OP ? render_op : render_login;
	if (rc < 0 && (r->want_json || e.kind == ERR_FORBIDDEN || e.kind == ERR_UNAUTH || e.kind >= 500)) {
		json_decref(fj);
		resp_err(r, &e);
		return 0;
	}
	json_t *m = json_pack("{s:o,s:s,s:s,s:b}", "filters", fj, "query",
			      list_filter_query(r, filter_keys, ARRAY_SIZE(filter_keys)), "sort", af.sort ? af.sort : "",
			      "asc", af.asc);
	if (!r->want_json) {
		json_object_set_new(m, "users", user_options(r));
		if (kind == LOG_OP)
			json_object_set_new(m, "units", unit_options(r));
	}
	if (rc < 0) {
		/* a malformed filter: the page again, filters kept, message by the field */
		json_object_set_new(m, "error", json_pack("{s:i,s:s,s:s}", "status", e.kind, "field", e.field, "message", e.msg));
		render(r, m);
		r->status = e.kind;
		json_decref(m);
		return 0;
	}
	json_object_set_new(m, "result", res);
	if (r->want_json) {
		json_t *out = json_pack("{s:O,s:O}", "filters", json_object_get(m, "filters"), "result", res);
		json_decref(m);
		resp_json(r, 200, out);
		return 0;
	}
	return page_model(r, m, render);
}

int page_admin_logs(struct req *r)
{
	return serve_log(r, LOG_OP);
}

int page_admin_login_logs(struct req *r)
{
	return serve_log(r, LOG_LOGIN);
}

/* ---- the Excel export ---- */

static int export_log(struct req *r, enum log_kind kind)
{
	struct audit_filter af;
	struct err e = ERR_INIT;
	json_t *fj = json_object();
	json_t *res = NULL;
	int rc = read_filters(r, kind, &af, fj, &e);
	json_decref(fj);
	af.all = true;
	if (rc == 0)
		rc = kind == LOG_OP ? audit_search(r->db, &r->actor, &af, &res, &e)
				    : audit_login_search(r->db, &r->actor, &af, &res, &e);
	if (rc < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *rows = json_array();
	size_t i;
	json_t *it;
	char today[11];
	time_today_shanghai(today);
	if (kind == LOG_OP) {
		static const struct xlsx_col cols[] = {
			{ "时间（北京时间）", 18, XLSX_TEXT }, { "用户", 14, XLSX_TEXT }, { "操作", 22, XLSX_TEXT },
			{ "对象类型", 14, XLSX_TEXT }, { "对象编号", 12, XLSX_TEXT }, { "结果", 10, XLSX_TEXT },
			{ "详情", 48, XLSX_TEXT }, { "地址", 16, XLSX_TEXT }, { "请求号", 24, XLSX_TEXT },
		};
		json_array_foreach(json_object_get(res, "items"), i, it)
			json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s,s,s]", js(it, "at_local"), js(it, "username"),
							      js(it, "action_label"), js(it, "object_type_label"),
							      js(it, "object_id"), js(it, "result_label"), js(it, "detail"),
							      js(it, "ip"), js(it, "request_id")));
		xlsx_send(r, "操作日志", req_printf(r, "操作日志（%s 导出，共 %lld 条）", today, ji(res, "total")), cols,
			  ARRAY_SIZE(cols), rows, req_printf(r, "操作日志_%s.xlsx", today),
			  req_printf(r, "operation-log-%s.xlsx", today));
	} else {
		static const struct xlsx_col cols[] = {
			{ "时间（北京时间）", 18, XLSX_TEXT }, { "用户名", 14, XLSX_TEXT }, { "地址", 16, XLSX_TEXT },
			{ "结果", 10, XLSX_TEXT }, { "说明", 30, XLSX_TEXT }, { "浏览器", 48, XLSX_TEXT },
		};
		json_array_foreach(json_object_get(res, "items"), i, it)
			json_array_append_new(rows, json_pack("[s,s,s,s,s,s]", js(it, "at_local"), js(it, "username"), js(it, "ip"),
							      js(it, "result_label"), js(it, "reason"), js(it, "user_agent")));
		xlsx_send(r, "登录日志", req_printf(r, "登录日志（%s 导出，共 %lld 条）", today, ji(res, "total")), cols,
			  ARRAY_SIZE(cols), rows, req_printf(r, "登录日志_%s.xlsx", today),
			  req_printf(r, "login-log-%s.xlsx", today));
	}
	json_decref(rows);
	json_decref(res);
	return 0;
}

int page_admin_logs_xlsx(struct req *r)
{
	return export_log(r, LOG_OP);
}

int page_admin_login_logs_xlsx(struct req *r)
{
	return export_log(r, LOG_LOGIN);
}
