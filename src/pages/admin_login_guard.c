/*
 * admin_login_guard.c - /admin/login-guard: the accounts locked now (by an
 * administrator or after failed logins) and the client addresses being
 * slowed down after many failed logins (people/auth.h), with the buttons
 * to unlock an account (POST /admin/users/{id}/unlock) and to release an
 * address (POST /admin/login-guard/release).  Both write the operation log.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "people/auth.h"

static void render_guard(struct req *r, json_t *m)
{
	const json_t *g = json_object_get(m, "guard");
	bool can_manage = json_is_true(json_object_get(m, "can_manage"));
	page_begin(r, "登录锁定与限速");
	h_raw(r->out, "<p><a href=\"/admin/users\">← 返回用户列表</a></p><h1>登录锁定与限速</h1>");
	af_alerts(r, m);
	h_printf(r->out, "<p class=\"muted\">同一账号 15 分钟内连续 %lld 次密码错误，账号锁定 %lld 分钟；"
		 "同一地址 15 分钟内登录失败超过 %lld 次，此后每次登录须等待（逐次加长，最长 %d 秒），但不会被拒绝。"
		 "登录页面对所有失败给出相同的提示，工作人员账号被锁定时请由系统管理员在此解锁。</p>",
		 ji(g, "max_fails"), ji(g, "lock_minutes"), ji(g, "address_free_fails"), PEOPLE_ADDR_MAX_DELAY);

	const json_t *accounts = json_object_get(g, "accounts");
	h_printf(r->out, "<h2>已锁定的账号（%zu 个）</h2>", json_array_size(accounts));
	if (!json_array_size(accounts)) {
		h_raw(r->out, "<p>目前没有被锁定的账号。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">已锁定的账号</caption><thead><tr>"
			       "<th scope=\"col\">用户名</th><th scope=\"col\">姓名</th><th scope=\"col\">单位</th>"
			       "<th scope=\"col\">锁定原因</th><th scope=\"col\">自动解锁时间</th><th scope=\"col\">操作</th></tr></thead><tbody>");
		size_t i;
		json_t *u;
		json_array_foreach(accounts, i, u) {
			bool by_admin = str_eq(js(u, "kind"), "admin");
			h_printf(r->out, "<tr><td><a href=\"/admin/users/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
				 ji(u, "id"), js(u, "username"), js(u, "name"), js(u, "unit_name"),
				 by_admin ? "管理员锁定" : "密码连续错误", by_admin ? "—（须管理员解锁）" : js(u, "until_local"));
			if (can_manage) {
				h_printf(r->out, "<form method=\"post\" action=\"/admin/users/%lld/unlock\" class=\"inline\">", ji(u, "id"));
				form_csrf(r);
				h_raw(r->out, "<button type=\"submit\">解锁</button></form>");
			} else {
				h_raw(r->out, "—");
			}
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table></div>");
	}

	const json_t *addresses = json_object_get(g, "addresses");
	h_printf(r->out, "<h2>受限速的地址（%zu 个）</h2>", json_array_size(addresses));
	if (!json_array_size(addresses)) {
		h_raw(r->out, "<p>目前没有受限速的地址。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">受限速的地址</caption><thead><tr>"
			       "<th scope=\"col\">地址</th><th scope=\"col\">失败次数</th><th scope=\"col\">自</th>"
			       "<th scope=\"col\">每次登录等待</th><th scope=\"col\">自动解除时间</th><th scope=\"col\">操作</th></tr></thead><tbody>");
		size_t i;
		json_t *a;
		json_array_foreach(addresses, i, a) {
			h_printf(r->out, "<tr><td><code>%s</code></td><td>%lld</td><td>%s</td><td>%lld 秒</td><td>%s</td><td>",
				 js(a, "ip"), ji(a, "failed_count"), js(a, "since_local"), ji(a, "delay_seconds"),
				 js(a, "until_local"));
			if (can_manage) {
				h_raw(r->out, "<form method=\"post\" action=\"/admin/login-guard/release\" class=\"inline\">");
				form_csrf(r);
				h_printf(r->out, "<input type=\"hidden\" name=\"ip\" value=\"%s\"><button type=\"submit\">解除限速</button></form>",
					 js(a, "ip"));
			} else {
				h_raw(r->out, "—");
			}
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<p><a href=\"/admin/logs/login\">查看登录日志</a></p>");
	page_end(r);
}

static json_t *guard_model(struct req *r, struct err *e)
{
	json_t *g = NULL;
	if (people_login_guard(r->db, &r->actor, &g, e) < 0)
		return NULL;
	return json_pack("{s:o,s:b}", "guard", g, "can_manage", actor_has(&r->actor, ROLE_ADMIN));
}

int page_admin_login_guard(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *m = guard_model(r, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, m, render_guard);
}

int page_admin_login_guard_release(struct req *r)
{
	struct err e = ERR_INIT;
	const char *ip = req_param(r, "ip");
	if (people_address_release(r->db, &r->actor, ip ? ip : "", &e) < 0) {
		json_t *m = guard_model(r, &e);
		if (!m) {
			resp_err(r, &e);
			return 0;
		}
		return af_fail(r, m, &e, render_guard);
	}
	return af_done(r, "/admin/login-guard?ok=released", NULL);
}
