/*
 * login.c - sign in (with the page asked for kept in ?next=), sign out,
 * and changing one's own password (forced at first login).
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/session.h"
#include "app/app.h"
#include "pages/pages.h"
#include "people/auth.h"
#include <jansson.h>

/* Only a local path is accepted as a redirect target: it starts with
 * exactly one '/' (not "//" or "/\\", which browsers treat as another
 * host), and nothing in it is a control character, white space or a
 * backslash (browsers drop tabs and newlines from URLs, so "/\t/evil"
 * would become "//evil").  Anything else, and /login itself, gives /admin. */
static const char *safe_next(const char *next)
{
	if (str_empty(next) || next[0] != '/' || next[1] == '/' || next[1] == '\\' || str_starts(next, "/login"))
		return "/admin";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '\\')
			return "/admin";
	/* non-ASCII white space and invisible marks: U+0085, U+00A0, U+1680,
	 * U+2000-U+200F, U+2028-U+202F, U+205F, U+3000 and U+FEFF */
	static const char *const ws[] = { "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80", "\xe2\x81\x9f",
					  "\xe3\x80\x80", "\xef\xbb\xbf" };
	for (size_t i = 0; i < ARRAY_SIZE(ws); i++) {
		const char *hit = strstr(next, ws[i]);
		if (!hit)
			continue;
		if (i != 3)
			return "/admin";
		/* U+2000..U+200F, U+2028..U+202F: the third byte decides */
		for (; hit; hit = strstr(hit + 2, ws[i])) {
			unsigned char b = (unsigned char)hit[2];
			if ((b >= 0x80 && b <= 0x8f) || (b >= 0xa8 && b <= 0xaf))
				return "/admin";
		}
	}
	return next;
}

static void login_form(struct req *r, int status, const char *msg, const char *username)
{
	r->status = status;
	const char *next = req_param(r, "next");
	page_begin(r, "工作人员登录");
	h_raw(r->out, "<section class=\"login card\"><h1>工作人员登录</h1>");
	if (str_eq(req_param(r, "expired"), "1") && !msg)
		h_raw(r->out, "<p class=\"alert warn\" role=\"status\">登录已超时，请重新登录。登录后将回到您刚才访问的页面。</p>");
	if (msg)
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\">%s</p>", msg);
	h_raw(r->out, "<form method=\"post\" action=\"/login\">");
	form_csrf(r);
	h_printf(r->out, "<input type=\"hidden\" name=\"next\" value=\"%s\">"
		 "<div class=\"field\"><label for=\"username\">用户名</label>"
		 "<input type=\"text\" id=\"username\" name=\"username\" value=\"%s\" autocomplete=\"username\" autofocus required maxlength=\"64\"></div>"
		 "<div class=\"field\"><label for=\"password\">密码</label>"
		 "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required maxlength=\"256\"></div>"
		 "<button type=\"submit\">登录</button></form>"
		 "<p class=\"muted\">连续 5 次输入错误，账号将被锁定 15 分钟。会话 %d 分钟无操作自动退出。</p></section>",
		 safe_next(next), username ? username : "", r->app->cfg.session_idle_minutes);
	page_end(r);
}

int page_login(struct req *r)
{
	if (r->method != M_POST) {
		if (actor_logged_in(&r->actor) && !r->want_json) {
			resp_redirect(r, safe_next(req_param(r, "next")));
			return 0;
		}
		login_form(r, 200, NULL, NULL);
		return 0;
	}
	const char *user = req_param(r, "username"), *pass = req_param(r, "password");
	struct session_out s;
	struct err e = ERR_INIT;
	if (!r->resumed && !str_empty(user) && !str_empty(pass)) {
		/* an address that failed too often waits for its slot (auth.h);
		 * the request is held without a thread, then this runs again */
		long long wait = 0;
		if (people_login_wait(r->db, r->actor.ip, &wait) < 0) {
			resp_error(r, 500, NULL, "系统内部错误，操作未完成，请稍后重试。");
			return 0;
		}
		if (wait > 0) {
			req_defer(r, wait * 1000);
			return 0;
		}
	}
	if (people_login(r->db, user ? user : "", pass ? pass : "", r->actor.ip, req_header(r, "User-Agent"), &s, &e) < 0) {
		if (r->want_json)
			resp_err(r, &e);
		else
			login_form(r, e.kind >= 400 && e.kind < 500 ? e.kind : 500, e.msg, user);
		return 0;
	}
	resp_session_cookie(r, s.token);
	if (r->want_json) {
		resp_json(r, 200, json_pack("{s:I,s:s,s:b}", "user_id", (json_int_t)s.user_id, "csrf", s.csrf,
					    "must_change", s.must_change));
		return 0;
	}
	resp_redirect(r, s.must_change ? "/account/password?first=1" : safe_next(req_param(r, "next")));
	return 0;
}

int page_logout(struct req *r)
{
	const char *tok = kv_get(&r->cookies, SESSION_COOKIE);
	if (!str_empty(tok))
		people_logout(r->db, tok);
	resp_session_cookie(r, NULL);
	resp_redirect(r, "/");
	return 0;
}

static void password_form(struct req *r, int status, const struct err *e)
{
	r->status = status;
	page_begin(r, "修改密码");
	h_raw(r->out, "<section class=\"login card\"><h1>修改密码</h1>");
	if (str_eq(req_param(r, "first"), "1"))
		h_raw(r->out, "<p class=\"alert warn\">为保障账号安全，首次登录须修改初始密码后才能使用系统。</p>");
	if (e && e->kind)
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\">%s</p>", e->msg);
	h_raw(r->out, "<form method=\"post\" action=\"/account/password\">");
	form_csrf(r);
	h_raw(r->out, "<div class=\"field\"><label for=\"old_password\">当前密码</label>"
		       "<input type=\"password\" id=\"old_password\" name=\"old_password\" autocomplete=\"current-password\" required></div>"
		       "<div class=\"field\"><label for=\"new_password\">新密码 <span class=\"hint\">至少 10 位，含大写字母、小写字母、数字、符号中的三类，不得包含用户名，不得使用常见密码，不得与最近 5 次用过的密码相同</span></label>"
		       "<input type=\"password\" id=\"new_password\" name=\"new_password\" autocomplete=\"new-password\" required></div>"
		       "<div class=\"field\"><label for=\"new_password2\">再次输入新密码</label>"
		       "<input type=\"password\" id=\"new_password2\" name=\"new_password2\" autocomplete=\"new-password\" required></div>"
		       "<button type=\"submit\">修改密码</button></form></section>");
	page_end(r);
}

int page_account_password(struct req *r)
{
	if (r->method != M_POST) {
		password_form(r, 200, NULL);
		return 0;
	}
	struct err e = ERR_INIT;
	const char *oldp = req_param(r, "old_password"), *newp = req_param(r, "new_password"),
		   *newp2 = req_param(r, "new_password2");
	if (newp2 && !str_eq(newp, newp2)) {
		err_set(&e, ERR_INVALID, "new_password2", "两次输入的新密码不一致。");
	} else if (people_change_password(r->db, &r->actor, kv_get(&r->cookies, SESSION_COOKIE),
					  oldp ? oldp : "", newp ? newp : "", &e) == 0) {
		if (r->want_json)
			resp_json(r, 200, json_pack("{s:b}", "ok", 1));
		else
			resp_redirect(r, "/admin?changed=1");
		return 0;
	}
	if (r->want_json)
		resp_err(r, &e);
	else
		password_form(r, e.kind >= 400 && e.kind < 500 ? e.kind : 500, &e);
	return 0;
}
