/*
 * layout.c - page chrome (see layout.h).  The navigation shows what a role
 * may use; the domain layer refuses the rest anyway.
 */
#include "core/core.h"
#include "http/layout.h"
#include "http/html.h"
#include "app/app.h"

struct nav_item {
	const char *href;
	const char *label;
	unsigned roles; /* 0 = every logged-in person */
};

static const struct nav_item back_nav[] = {
	{ "/admin", "工作台", 0 },
	{ "/cases", "案件", ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST },
	{ "/review", "法制审核", ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER },
	{ "/publications", "事后公开", ROLE_OFFICER | ROLE_HEAD | ROLE_LEADER | ROLE_SUPERVISOR },
	{ "/admin/matters", "执法事项", ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ "/admin/officers", "执法人员与证件", ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ "/admin/vault", "证据文件库", ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ARCHIVIST | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ "/admin/deadlines", "期限", 0 },
	{ "/parties", "当事人库", ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ "/admin/numbers", "文号规则", ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ "/admin/units", "处室单位", ROLE_ADMIN | ROLE_SUPERVISOR },
	{ "/admin/users", "用户", ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_HEAD },
	{ "/admin/calendar", "工作日历", ROLE_ADMIN | ROLE_SUPERVISOR },
	{ "/admin/procedures", "执法程序", ROLE_ADMIN },
	{ "/admin/logs", "日志审计", ROLE_ADMIN | ROLE_SUPERVISOR },
};

static void nav_link(struct req *r, const char *href, const char *label)
{
	h_printf(r->out, "<li><a href=\"%s\"", href);
	if (str_eq(r->path, href))
		h_raw(r->out, " aria-current=\"page\"");
	h_printf(r->out, ">%s</a></li>", label);
}

void page_begin(struct req *r, const char *title)
{
	const char *site = r->app ? r->app->cfg.site_name : "zhifa";
	bool back = str_starts(r->path, "/admin") || str_starts(r->path, "/account") || str_starts(r->path, "/parties") ||
		    str_starts(r->path, "/cases") || str_starts(r->path, "/documents") || str_starts(r->path, "/review") ||
		    str_starts(r->path, "/publications");
	r->ctype = "text/html; charset=utf-8";
	h_printf(r->out,
		 "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<title>%s - %s行政执法公示平台</title>\n"
		 "<link rel=\"stylesheet\" href=\"/static/zhifa.css\">\n"
		 "<link rel=\"icon\" href=\"/static/emblem.svg\" type=\"image/svg+xml\">\n</head>\n"
		 "<body class=\"%s\">\n<a class=\"skip\" href=\"#main\">跳到正文</a>\n"
		 "<header class=\"site\"><div class=\"wrap\"><a class=\"brand\" href=\"/\">"
		 "<img src=\"/static/emblem.svg\" alt=\"\" width=\"40\" height=\"40\">"
		 "<span><strong>%s</strong><small>行政执法公示平台</small></span></a>\n",
		 title, site, back ? "back" : "portal", site);
	h_raw(r->out, "<nav class=\"top\" aria-label=\"主导航\"><ul>");
	if (back && actor_logged_in(&r->actor)) {
		for (size_t i = 0; i < ARRAY_SIZE(back_nav); i++)
			if (!back_nav[i].roles || (r->actor.roles & back_nav[i].roles))
				nav_link(r, back_nav[i].href, back_nav[i].label);
	} else {
		static const struct { const char *href, *label; } portal_nav[] = {
			{ "/", "首页" }, { "/portal/bodies", "执法主体" }, { "/portal/officers", "执法人员" },
			{ "/portal/matters", "执法事项" }, { "/portal/guides", "服务指南" },
			{ "/portal/inspections", "随机抽查" }, { "/portal/decisions", "执法决定" }, { "/log", "公信验证" },
		};
		for (size_t i = 0; i < ARRAY_SIZE(portal_nav); i++)
			nav_link(r, portal_nav[i].href, portal_nav[i].label);
	}
	h_raw(r->out, "</ul></nav>\n<div class=\"who\">");
	if (actor_logged_in(&r->actor)) {
		h_printf(r->out, "<span>%s", r->actor.name);
		for (unsigned bit = 1; bit < (1u << ROLE_COUNT); bit <<= 1)
			if (r->actor.roles & bit)
				h_printf(r->out, " · %s", role_label(bit));
		h_raw(r->out, "</span> ");
		if (!back)
			h_raw(r->out, "<a href=\"/admin\">进入后台</a> ");
		h_raw(r->out, "<a href=\"/account/password\">修改密码</a> "
			       "<form method=\"post\" action=\"/logout\" class=\"inline\">");
		form_csrf(r);
		h_raw(r->out, "<button type=\"submit\" class=\"link\">退出</button></form>");
	} else {
		h_raw(r->out, "<a href=\"/login\">工作人员登录</a>");
	}
	h_raw(r->out, "</div></div></header>\n<main id=\"main\" class=\"wrap\">\n");
}

/* The marks of a Chinese government site, each shown only when configured
 * (config.h: site_code, icp_no, police_no, contact_url). */
static void footer_marks(struct req *r)
{
	const struct config *c = &r->app->cfg;
	if (str_empty(c->site_code) && str_empty(c->icp_no) && str_empty(c->police_no) && str_empty(c->contact_url))
		return;
	h_raw(r->out, "<p class=\"marks\">");
	const char *sep = "";
	if (!str_empty(c->contact_url)) {
		h_printf(r->out, "<a href=\"%s\">联系我们</a>", c->contact_url);
		sep = " ｜ ";
	}
	if (!str_empty(c->site_code)) {
		h_printf(r->out, "%s<span>网站标识码：%s</span>", sep, c->site_code);
		sep = " ｜ ";
	}
	if (!str_empty(c->icp_no)) {
		h_printf(r->out, "%s<a href=\"https://beian.miit.gov.cn/\" rel=\"noopener\">%s</a>", sep, c->icp_no);
		sep = " ｜ ";
	}
	if (!str_empty(c->police_no)) {
		char code[64];
		size_t n = 0;
		for (const char *p = c->police_no; *p && n + 1 < sizeof code; p++)
			if (*p >= '0' && *p <= '9')
				code[n++] = *p;
		code[n] = '\0';
		h_printf(r->out, "%s<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=%s\" rel=\"noopener\">%s</a>", sep,
			 code, c->police_no);
	}
	h_raw(r->out, "</p>");
}

void page_end(struct req *r)
{
	const char *site = r->app ? r->app->cfg.site_name : "zhifa";
	h_printf(r->out,
		 "\n</main>\n<footer class=\"site\"><div class=\"wrap\">"
		 "<p>主办单位：%s ｜ 技术支持：厅信息中心</p>"
		 "<p>本平台依据《行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度》建设，"
		 "公示信息可通过<a href=\"/log\">公信验证</a>核验其真实性。"
		 "开放数据：<a href=\"/api/v1/\">开放数据接口说明</a></p>",
		 site);
	if (r->app)
		footer_marks(r);
	h_raw(r->out, "</div></footer>\n</body>\n</html>\n");
}

int page_model(struct req *r, json_t *model, render_fn render)
{
	if (r->want_json) {
		resp_json(r, 200, model);
		return 0;
	}
	r->status = 200;
	render(r, model);
	json_decref(model);
	return 0;
}

void form_csrf(struct req *r)
{
	r->csrf_used = true;
	h_printf(r->out, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", r->csrf);
}

const char *js(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

long long ji(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}
