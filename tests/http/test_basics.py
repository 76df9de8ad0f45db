#!/usr/bin/env python3
"""test_basics.py - what every response of the server must get right:
health check, 404 in Chinese, the HTML shell, security headers, request id,
CSRF on POST, body size limit, method check.  TAP on stdout."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def csp_directives(value):
    """Parse a Content-Security-Policy value into {directive: [sources]}."""
    out = {}
    for part in (value or "").split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def check_security_headers(t, r, where):
    csp = r.header("Content-Security-Policy")
    t.ok(csp, "%s: Content-Security-Policy present" % where)
    d = csp_directives(csp)
    script = d.get("script-src", d.get("default-src"))
    t.ok(script is not None, "%s: CSP restricts scripts (script-src or default-src)" % where, csp)
    t.ok(script is not None and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script,
         "%s: CSP script-src has no 'unsafe-inline'/'unsafe-eval'" % where, csp)
    t.ok("frame-ancestors" in d, "%s: CSP has frame-ancestors" % where, csp)
    t.is_((r.header("X-Content-Type-Options") or "").strip().lower(), "nosniff",
          "%s: X-Content-Type-Options: nosniff" % where)
    t.ok(r.header("Referrer-Policy"), "%s: Referrer-Policy present" % where)
    t.like(r.header("X-Request-Id"), r"^[A-Za-z0-9._-]{8,}$", "%s: X-Request-Id present" % where)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()

        r = c.get("/healthz")
        t.is_(r.status, 200, "GET /healthz is 200")

        r = c.get("/no/such/page-zhifa-test")
        t.is_(r.status, 404, "unknown route is 404")
        t.ok(harness.CJK.search(r.text), "404 body has a Chinese message", r.text[:500])
        check_security_headers(t, r, "404")

        r = c.get("/")
        t.is_(r.status, 200, "GET / is 200")
        t.like(r.header("Content-Type"), r"^text/html\b", "GET / is text/html")
        t.like(r.header("Content-Type"), r"(?i)charset=utf-8", "GET / declares UTF-8")
        t.like(r.text, r'<html[^>]*\blang="zh-CN"', 'GET / has <html lang="zh-CN">')
        t.html_valid(r, "GET / is valid HTML (tidy: no errors)")
        check_security_headers(t, r, "GET /")

        ids = {c.get("/healthz").header("X-Request-Id") for _ in range(3)}
        t.ok(len(ids) == 3 and None not in ids, "each request gets its own X-Request-Id", repr(ids))

        # CSRF: a POST /login without a token is refused, with or without session
        r = harness.Client(srv.base).post_form("/login", {"username": "admin", "password": "x"})
        t.is_(r.status, 403, "POST /login without _csrf and without session is 403")
        c2 = srv.client()
        r = c2.get("/login")
        t.is_(r.status, 200, "GET /login is 200")
        token = harness.extract_csrf(r.body)
        t.ok(token, "login form has a hidden _csrf input")
        r = c2.post_form("/login", {"username": "admin", "password": "x"})
        t.is_(r.status, 403, "POST /login without _csrf is 403")
        t.ok(harness.CJK.search(r.text), "403 body has a Chinese message", r.text[:500])
        r = c2.post_form("/login", {"username": "admin", "password": "x",
                                    "_csrf": (token or "") + "x"})
        t.is_(r.status, 403, "POST /login with a wrong _csrf is 403")
        r = c2.post_form("/login", {"username": "no-such-user", "password": "x", "_csrf": token or ""})
        t.ok(r.status not in (403, 500) and r.status < 500,
             "POST /login with the right _csrf passes the CSRF check (status %s)" % r.status)
        t.ok(r.status != 303 or not re.search(r"/admin", r.header("Location") or ""),
             "a wrong password does not log in")

        # size limit: 2 MiB body
        big = b"username=" + b"a" * (2 * 1024 * 1024)
        r = c.raw("POST", "/login", big, {"Content-Type": "application/x-www-form-urlencoded"})
        t.is_(r.status, 413, "2 MiB POST /login is 413")

        # method check
        r = c.request("DELETE", "/")
        t.is_(r.status, 405, "DELETE / is 405")
        t.ok(r.header("Allow"), "405 says which methods are allowed (Allow)")

        r = c.get("/healthz")
        t.is_(r.status, 200, "server still healthy after the bad requests")
    t.done()


if __name__ == "__main__":
    main()
