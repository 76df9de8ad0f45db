#!/usr/bin/env python3
"""test_login.py - signing in and out with the demo administrator: wrong
password refused without a session, right password gives a new HttpOnly
session cookie and /admin, no open redirect through ?next=, logout needs
CSRF and invalidates the session on the server.  TAP on stdout."""

import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

DEMO_USER = "admin"
DEMO_PASSWORD = "Zhifa@2026demo"  # PEOPLE_DEMO_PASSWORD in src/people/demo.h


def session_cookie(client):
    """The cookie of the jar that looks like the login session (name has 'sess')."""
    for c in client.jar:
        if "sess" in c.name.lower():
            return c
    return None


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        r = c.get("/login")
        t.is_(r.status, 200, "GET /login is 200")
        names = {n for n, _, _ in harness.form_inputs(r.body)}
        t.ok({"_csrf", "username", "password"} <= names, "login form has _csrf, username, password", repr(names))
        t.html_valid(r, "login page is valid HTML")

        r = c.login(DEMO_USER, "wrong-password")
        t.ok(400 <= r.status < 500, "wrong password is refused with 4xx (got %s)" % r.status)
        t.ok(harness.CJK.search(r.text), "refusal explains in Chinese")
        t.ok(session_cookie(c) is None, "no session cookie after a wrong password")
        r = c.get("/admin")
        t.ok(r.status in (302, 303) and "/login" in (r.header("Location") or ""),
             "/admin redirects to /login when not signed in (%s %s)" % (r.status, r.header("Location")))

        r = c.login(DEMO_USER, DEMO_PASSWORD)
        t.is_(r.status, 303, "right password: 303 See Other")
        t.ok((r.header("Location") or "").startswith("/"), "redirect stays on this site",
             r.header("Location"))
        set_cookies = r.headers.get_all("Set-Cookie") or []
        sess = session_cookie(c)
        t.ok(sess is not None, "a session cookie is set")
        sc = [h for h in set_cookies if sess and h.startswith(sess.name + "=")]
        t.ok(sc and "httponly" in sc[0].lower(), "session cookie is HttpOnly", repr(set_cookies))
        t.ok(sc and "samesite" in sc[0].lower(), "session cookie has SameSite", repr(set_cookies))
        r = c.get("/admin", follow=True)
        t.is_(r.status, 200, "signed in: /admin is 200")
        t.ok("password" not in {n for n, _, _ in harness.form_inputs(r.body)},
             "signed in: /admin is not the login form")
        t.html_valid(r, "/admin is valid HTML")
        check_token = harness.extract_csrf(r.body)
        t.ok(check_token, "admin page forms carry _csrf")

        # no open redirect through next=
        c3 = srv.client()
        token = c3.csrf("/login")
        r = c3.post_form("/login", {"username": DEMO_USER, "password": DEMO_PASSWORD, "_csrf": token or "",
                                    "next": "//evil.example/x"})
        loc = r.header("Location") or ""
        t.ok(r.status == 303 and loc.startswith("/") and not loc.startswith("//"),
             "next=//evil.example is not followed (Location %r)" % loc)
        # control characters and white space anywhere in next (browsers drop
        # tabs and newlines, so "/\t/evil.example/" would mean "//evil.example/")
        for bad in ("/\t/evil.example/", "/\n/evil.example/", "/ /evil.example/", "/\\evil.example/",
                    "/x/\t/y", "/\x0b/evil.example/", "/\u3000/evil.example/", "/\u00a0/evil.example/",
                    "/\u2028/evil.example/", "/\\/evil.example/", "http://evil.example/", "\t//evil.example/"):
            c4 = srv.client()
            token = c4.csrf("/login")
            r = c4.post_form("/login", {"username": DEMO_USER, "password": DEMO_PASSWORD, "_csrf": token or "",
                                        "next": bad})
            loc = r.header("Location") or ""
            t.ok(r.status == 303 and loc == "/admin", "next=%r falls back to /admin (Location %r)" % (bad, loc))
            # already signed in: GET /login?next= redirects the same way
            r = c4.get("/login?next=" + urllib.parse.quote(bad, safe=""))
            loc = r.header("Location") or ""
            t.ok(r.status == 303 and loc == "/admin", "signed in, GET next=%r goes to /admin (%r)" % (bad, loc))
        c4 = srv.client()
        token = c4.csrf("/login")
        r = c4.post_form("/login", {"username": DEMO_USER, "password": DEMO_PASSWORD, "_csrf": token or "",
                                    "next": "/admin/users?unit_id=2"})
        t.is_(r.header("Location"), "/admin/users?unit_id=2", "a local path with a query is kept")

        # the change form refuses a common password (data/common-passwords.txt)
        r = c.post_form("/account/password", {"_csrf": check_token or "", "old_password": DEMO_PASSWORD,
                                              "new_password": "Password123", "new_password2": "Password123"})
        t.ok(r.status == 400 and "常见" in r.text, "Password123 is refused as a common password (%d)" % r.status)
        t.is_(c.login(DEMO_USER, DEMO_PASSWORD).status, 303, "the old password still works")
        r = c.get("/admin", follow=True)
        check_token = harness.extract_csrf(r.body)
        sess = session_cookie(c)

        # logout: CSRF required, then the session is dead on the server
        old = sess.value if sess else ""
        r = c.post_form("/logout", {})
        t.is_(r.status, 403, "POST /logout without _csrf is 403")
        t.is_(c.get("/admin").status, 200, "still signed in after the refused logout")
        r = c.post_form("/logout", {"_csrf": check_token or ""})
        t.ok(r.status in (302, 303), "POST /logout with _csrf redirects (%s)" % r.status)
        r = c.get("/admin")
        t.ok(r.status in (302, 303) and "/login" in (r.header("Location") or ""),
             "after logout /admin redirects to /login")
        r = c.raw("GET", "/admin", headers={"Cookie": "%s=%s" % (sess.name if sess else "x", old)})
        t.ok(r.status in (302, 303, 401), "the old session cookie no longer works (%s)" % r.status)
    t.done()


if __name__ == "__main__":
    main()
