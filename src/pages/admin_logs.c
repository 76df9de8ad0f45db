/*
 * admin_logs.c - the operation log (/admin/logs) and the login log
 * (/admin/logs/login) for administrators and supervisors: filters (user,
 * action, object type, object id, result, address, Beijing date range)
 * and paging, newest first.
 *
 * Invariants: read only - the logs are append-only (people/audit.h) and no
 * route here changes them; the domain (audit_search) checks the role
 * again.  A malformed filter answers 400 with the Chinese message beside
 * the field and the filters kept.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "people/audit.h"

enum log_kind { LOG_OP, LOG_LOGIN };

struct filter_def {
	const char *key, *label;
	unsigned kinds; /* 1 << LOG_OP | 1 << LOG_LOGIN */
};

static const struct filter_def filters[] = {
	{ "username", "用户名", 3 },
	{ "action", "操作", 1 },
	{ "object_type", "对象类型", 1 },
	{ "object_id", "对象编号", 1 },
	{ "result", "结果", 3 },
	{ "ip", "登录地址", 2 },
	{ "date_from", "日期自", 3 },
	{ "date_to", "日期至", 3 },
};

static const char *const login_results[][2] = {
	{ "ok", "登录成功" }, { "fail", "登录失败" }, { "locked", "账号锁定" }, { "throttled", "地址限制" },
	{ "logout", "退出" }, { "password", "修改密码" },
};

static const char *login_result_label(const char *res)
{
	for (size_t i = 0; i < ARRAY_SIZE(login_results); i++)
		if (str_eq(res, login_results[i][0]))
			return login_results[i][1];
	return res;
}

/* The query string of the current filters (each "k=v&"), for the pager. */
static const char *filter_query(struct req *r, const json_t *m)
{
	struct buf b;
	buf_init(&b, 0);
	const json_t *f = json_object_get(m, "filters");
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)f, k, v) {
		if (str_empty(json_string_value(v)))
			continue;
		buf_printf(&b, "%s=", k);
		url_enc(&b, json_string_value(v));
		buf_putc(&b, '&');
	}
	return req_own(r, buf_detach(&b, NULL));
}

static void render_filters(struct req *r, const json_t *m, enum log_kind kind)
{
	const json_t *f = json_object_get(m, "filters");
	json_t *mm = json_pack("{s:O}", "input", f); /* af_* read the kept values from "input" */
	json_t *err = json_object_get(m, "error");
	if (err)
		json_object_set(mm, "error", err);
	h_printf(&r->out, "<form method=\"get\" action=\"%s\" class=\"card log-filter\"><div class=\"grid\">",
		 kind == LOG_OP ? "/admin/logs" : "/admin/logs/login");
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		if (!(filters[i].kinds & (1u << kind)))
			continue;
		const char *key = filters[i].key;
		if (kind == LOG_LOGIN && str_eq(key, "result")) {
			const char *cur = js(f, "result");
			h_raw(&r->out, "<div class=\"field\"><label for=\"result\">结果</label><select id=\"result\" name=\"result\">"
				       "<option value=\"\">（全部）</option>");
			for (size_t j = 0; j < ARRAY_SIZE(login_results); j++)
				h_printf(&r->out, "<option value=\"%s\"%s>%s</option>", login_results[j][0],
					 str_eq(cur, login_results[j][0]) ? " selected" : "", login_results[j][1]);
			h_raw(&r->out, "</select>");
			af_field_error(r, mm, "result");
			h_raw(&r->out, "</div>");
		} else if (str_starts(key, "date_")) {
			af_input(r, mm, "date", key, filters[i].label, "", NULL, "北京时间");
		} else {
			af_input(r, mm, "text", key, filters[i].label, "", "maxlength=\"64\"",
				 str_eq(key, "action") ? "如 user.create" : str_eq(key, "result") ? "如 ok" : NULL);
		}
	}
	h_printf(&r->out, "</div><button type=\"submit\">查询</button> <a href=\"%s\">清除条件</a></form>",
		 kind == LOG_OP ? "/admin/logs" : "/admin/logs/login");
	json_decref(mm);
}

static void pager(struct req *r, const json_t *res, const char *q)
{
	long long total = ji(res, "total"), page = ji(res, "page"), per = ji(res, "per_page");
	long long pages = per > 0 ? (total + per - 1) / per : 1;
	if (pages < 1)
		pages = 1;
	h_printf(&r->out, "<nav class=\"pager\" aria-label=\"分页\"><span>共 %lld 条，第 %lld / %lld 页</span>", total, page,
		 pages);
	if (page > 1)
		h_printf(&r->out, "<a href=\"?%spage=%lld\" rel=\"prev\">上一页</a>", q, page - 1);
	if (page < pages)
		h_printf(&r->out, "<a href=\"?%spage=%lld\" rel=\"next\">下一页</a>", q, page + 1);
	h_raw(&r->out, "</nav>");
}

static void tabs(struct req *r, enum log_kind kind)
{
	h_printf(&r->out, "<nav aria-label=\"日志类别\"><ul class=\"cats\"><li><a href=\"/admin/logs\"%s>操作日志</a></li>"
		 "<li><a href=\"/admin/logs/login\"%s>登录日志</a></li></ul></nav>",
		 kind == LOG_OP ? " aria-current=\"page\"" : "", kind == LOG_LOGIN ? " aria-current=\"page\"" : "");
}

static void result_badge(struct req *r, const char *res, bool login)
{
	bool good = str_eq(res, "ok") || (login && (str_eq(res, "logout") || str_eq(res, "password")));
	h_printf(&r->out, "<span class=\"badge %s\">%s</span>", good ? "ok" : "bad",
		 login ? login_result_label(res) : str_eq(res, "ok") ? "成功" : res);
}

static void render_common_head(struct req *r, json_t *m, enum log_kind kind)
{
	page_begin(r, kind == LOG_OP ? "操作日志" : "登录日志");
	h_printf(&r->out, "<h1>%s</h1>", kind == LOG_OP ? "操作日志" : "登录日志");
	tabs(r, kind);
	af_alerts(r, m);
	h_raw(&r->out, "<p class=\"muted\">日志只能追加，任何人（包括系统管理员）都不能修改或删除，保存期限不少于 180 天。时间为北京时间。</p>");
	render_filters(r, m, kind);
}

static void render_op(struct req *r, json_t *m)
{
	render_common_head(r, m, LOG_OP);
	const json_t *res = json_object_get(m, "result");
	const json_t *items = json_object_get(res, "items");
	if (!json_array_size(items)) {
		h_raw(&r->out, "<p class=\"muted\">没有符合条件的记录。</p>");
	} else {
		h_raw(&r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">操作日志</caption><thead><tr>"
			       "<th scope=\"col\">时间</th><th scope=\"col\">用户</th><th scope=\"col\">地址</th>"
			       "<th scope=\"col\">操作</th><th scope=\"col\">对象</th><th scope=\"col\">结果</th>"
			       "<th scope=\"col\">详情</th><th scope=\"col\">请求号</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td><code>%s</code></td><td>%s %s</td><td>",
				 js(it, "at_local"), js(it, "username"), js(it, "ip"), js(it, "action"), js(it, "object_type"),
				 js(it, "object_id"));
			result_badge(r, js(it, "result"), false);
			h_printf(&r->out, "</td><td>%s</td><td><small>%s</small></td></tr>", js(it, "detail"), js(it, "request_id"));
		}
		h_raw(&r->out, "</tbody></table></div>");
	}
	if (res)
		pager(r, res, filter_query(r, m));
	page_end(r);
}

static void render_login(struct req *r, json_t *m)
{
	render_common_head(r, m, LOG_LOGIN);
	const json_t *res = json_object_get(m, "result");
	const json_t *items = json_object_get(res, "items");
	if (!json_array_size(items)) {
		h_raw(&r->out, "<p class=\"muted\">没有符合条件的记录。</p>");
	} else {
		h_raw(&r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">登录日志</caption><thead><tr>"
			       "<th scope=\"col\">时间</th><th scope=\"col\">用户名</th><th scope=\"col\">地址</th>"
			       "<th scope=\"col\">结果</th><th scope=\"col\">说明</th><th scope=\"col\">浏览器</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", js(it, "at_local"), js(it, "username"),
				 js(it, "ip"));
			result_badge(r, js(it, "result"), true);
			h_printf(&r->out, "</td><td>%s</td><td><small>%s</small></td></tr>", js(it, "reason"), js(it, "user_agent"));
		}
		h_raw(&r->out, "</tbody></table></div>");
	}
	if (res)
		pager(r, res, filter_query(r, m));
	page_end(r);
}

static int serve_log(struct req *r, enum log_kind kind)
{
	struct audit_filter af = { 0 };
	struct err e = ERR_INIT;
	json_t *fj = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		if (!(filters[i].kinds & (1u << kind)))
			continue;
		const char *v = req_param(r, filters[i].key);
		v = v ? v : "";
		json_object_set_new(fj, filters[i].key, json_string(v));
		const char *k = filters[i].key;
		if (str_eq(k, "username"))
			af.username = v;
		else if (str_eq(k, "action"))
			af.action = v;
		else if (str_eq(k, "object_type"))
			af.object_type = v;
		else if (str_eq(k, "object_id"))
			af.object_id = v;
		else if (str_eq(k, "result"))
			af.result = v;
		else if (str_eq(k, "ip"))
			af.ip = v;
		else if (str_eq(k, "date_from"))
			af.date_from = v;
		else if (str_eq(k, "date_to"))
			af.date_to = v;
	}
	const char *p = req_param(r, "page");
	long long page = 1;
	json_t *res = NULL;
	if (!str_empty(p) && str_to_ll(p, 1, 1000000, &page) < 0)
		err_set(&e, ERR_INVALID, "page", "页码须为正整数");
	af.page = (int)page;
	af.per_page = 50;
	if (!e.kind && !str_empty(af.date_from) && !str_empty(af.date_to) && strcmp(af.date_from, af.date_to) > 0)
		err_set(&e, ERR_INVALID, "date_to", "截止日期不能早于起始日期");
	int rc = e.kind ? -1
		 : kind == LOG_OP ? audit_search(r->db, &r->actor, &af, &res, &e)
				  : audit_login_search(r->db, &r->actor, &af, &res, &e);
	render_fn render = kind == LOG_OP ? render_op : render_login;
	if (rc < 0) {
		if (r->want_json || e.kind == ERR_FORBIDDEN || e.kind == ERR_UNAUTH || e.kind >= 500) {
			json_decref(fj);
			resp_err(r, &e);
			return 0;
		}
		/* a malformed filter: the page again, filters kept, message by the field */
		json_t *m = json_pack("{s:o,s:{s:i,s:s,s:s}}", "filters", fj, "error", "status", e.kind, "field", e.field,
				      "message", e.msg);
		render(r, m);
		r->status = e.kind;
		json_decref(m);
		return 0;
	}
	return page_model(r, json_pack("{s:o,s:o}", "filters", fj, "result", res), render);
}

int page_admin_logs(struct req *r)
{
	return serve_log(r, LOG_OP);
}

int page_admin_login_logs(struct req *r)
{
	return serve_log(r, LOG_LOGIN);
}
