/*
 * session.h - from cookies to the acting person.  A logged-in person has
 * a server-side session (cookie zf_session, HttpOnly, SameSite=Lax) whose
 * CSRF token lives with the session; the public gets a random CSRF token
 * in the zf_csrf cookie (double submit) so the login form is protected too.
 */
#ifndef ZHIFA_SESSION_H
#define ZHIFA_SESSION_H
#include "http/http.h"

#define SESSION_COOKIE "zf_session"
#define CSRF_COOKIE "zf_csrf"

/* Fill r->actor and r->csrf from the request's cookies. */
void session_resolve(struct req *r);
/* Before the response goes out: set the anonymous CSRF cookie if this
 * request made a token and a form on the page uses it. */
void session_finish(struct req *r);
/* True when the logged-in person must change the password first. */
bool session_must_change(const struct req *r);
#endif
