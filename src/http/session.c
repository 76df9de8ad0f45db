/*
 * session.c - cookies to actor (see session.h).  The anonymous CSRF token
 * is 32 random bytes in hex, set once in zf_csrf and compared by the
 * router with the form's _csrf (double submit); after login the session's
 * own token takes over.
 */
#include "core/core.h"
#include "core/hash.h"
#include "http/session.h"
#include "app/app.h"
#include "people/auth.h"
#include "people/people.h"
#include <sodium.h>

void session_resolve(struct req *r)
{
	const char *tok = kv_get(&r->cookies, SESSION_COOKIE);
	if (!str_empty(tok)) {
		char ip[64], rid[40];
		snprintf(ip, sizeof ip, "%s", r->actor.ip);
		snprintf(rid, sizeof rid, "%s", r->actor.request_id);
		if (people_session_lookup(r->db, tok, (long long)r->app->cfg.session_idle_minutes * 60,
					  &r->actor, r->csrf) == 0) {
			snprintf(r->actor.ip, sizeof r->actor.ip, "%s", ip);
			snprintf(r->actor.request_id, sizeof r->actor.request_id, "%s", rid);
			return;
		}
		memset(&r->actor, 0, sizeof r->actor);
		snprintf(r->actor.ip, sizeof r->actor.ip, "%s", ip);
		snprintf(r->actor.request_id, sizeof r->actor.request_id, "%s", rid);
		r->session_expired = true;
		resp_session_cookie(r, NULL);
	}
	const char *anon = kv_get(&r->cookies, CSRF_COOKIE);
	if (hash_hex_valid(anon)) {
		snprintf(r->csrf, sizeof r->csrf, "%s", anon);
		return;
	}
	/* A fresh token; its cookie is only sent with pages that carry a form
	 * (session_finish), so cacheable public responses set no cookie. */
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, r->csrf);
	r->csrf_new = true;
}

void session_finish(struct req *r)
{
	if (!r->csrf_new || !r->csrf_used || actor_logged_in(&r->actor))
		return;
	char *h = req_printf(r, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", CSRF_COOKIE, r->csrf,
			     r->app->cfg.secure_cookies ? "; Secure" : "");
	resp_header(r, "Set-Cookie", h);
}

bool session_must_change(const struct req *r)
{
	return r->actor.must_change; /* loaded with the session */
}
