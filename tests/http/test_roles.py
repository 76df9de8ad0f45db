#!/usr/bin/env python3
"""test_roles.py - what each demo role sees, over HTTP: the back-office
navigation and the pages each role may open (others 403), another unit's
data refused by URL, six wrong passwords locking the account (and the
right password refused while locked, other accounts not), an expired session sent back to the
login page keeping the page asked for.  TAP on stdout."""

import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"

# user -> (pages that must answer 200, pages that must answer 403)
ROLES = {
    "admin": (["/admin", "/admin/users", "/admin/units", "/admin/logs", "/admin/calendar", "/admin/officers",
               "/admin/numbers"],
              ["/parties", "/parties/new", "/api/v1/parties", "/parties/1", "/api/v1/parties/1",
               "/api/v1/parties/1/versions", "/parties/1/edit"]),
    "jiandu": (["/admin", "/admin/logs", "/admin/units", "/admin/calendar", "/admin/deadlines", "/admin/numbers",
                "/parties", "/api/v1/parties", "/parties/1", "/api/v1/parties/1", "/api/v1/parties/1/versions"],
               ["/parties/new", "/parties/1/edit"]),
    "jn.zhang": (["/admin", "/admin/matters", "/admin/deadlines", "/parties", "/parties/new", "/api/v1/parties",
                  "/parties/1", "/api/v1/parties/1", "/api/v1/parties/1/versions", "/parties/1/edit"],
                 ["/admin/users", "/admin/units", "/admin/logs", "/admin/officers", "/admin/numbers"]),
    "jn.head": (["/admin", "/admin/matters", "/admin/officers", "/admin/users", "/parties", "/parties/new",
                 "/api/v1/parties", "/parties/1", "/api/v1/parties/1", "/api/v1/parties/1/versions", "/parties/1/edit"],
                ["/admin/logs", "/admin/units", "/admin/numbers"]),
    "shenhe": (["/admin", "/admin/officers", "/parties", "/api/v1/parties", "/parties/1", "/api/v1/parties/1",
                "/api/v1/parties/1/versions"],
               ["/admin/logs", "/admin/users", "/admin/numbers", "/parties/new", "/parties/1/edit"]),
    "dangan": (["/admin", "/admin/deadlines"], ["/admin/logs", "/admin/users", "/admin/officers", "/admin/numbers",
                                                "/parties", "/parties/new", "/api/v1/parties", "/parties/1",
                                                "/api/v1/parties/1", "/api/v1/parties/1/versions", "/parties/1/edit"]),
    "fenguan": (["/admin", "/admin/matters", "/admin/numbers", "/parties", "/api/v1/parties", "/parties/1",
                 "/api/v1/parties/1", "/api/v1/parties/1/versions"],
                ["/admin/logs", "/admin/users", "/parties/new", "/parties/1/edit"]),
}
# cases over JSON (api_cases.c): demo case 3 is 节能与综合利用处's open penalty, 4 its closed one
for _u in ("jiandu", "jn.zhang", "jn.head", "fenguan"):
    ROLES[_u][0].extend(["/api/v1/cases", "/api/v1/cases/3"])
ROLES["shenhe"][0].append("/api/v1/cases")
ROLES["dangan"][0].extend(["/api/v1/cases", "/api/v1/cases/4"])
ROLES["admin"][1].extend(["/api/v1/cases", "/api/v1/cases/3"])
NAV_ADMIN_ONLY = ('href="/admin/users"', 'href="/admin/logs"')
# the enforcement procedures (admin_procedures.c): the administrator only
PROCEDURE_ROUTES = ["/admin/procedures", "/admin/procedures/1", "/admin/procedures/1/new-version",
                    "/api/v1/procedures", "/api/v1/procedures/1"]
for _user, (_allowed, _denied) in ROLES.items():
    (_allowed if _user == "admin" else _denied).extend(PROCEDURE_ROUTES)

# the case pages (cases.c, cases_new.c, cases_view.c): every route x role, with the status expected.
# Demo case 3 is 节能与综合利用处's open penalty, 4 its closed one.  403: the role may not use the
# route; 404: the domain does not show that case to the person; 400: the form reached the domain
# (empty: refused naming the fields); 409: an act with a stale row_version reached the case.
CASE_USERS = ("admin", "jiandu", "fenguan", "dangan", "fagui.head", "shenhe", "jn.head", "jn.zhang", "aq.head",
              "aq.ma", "wx.li")
READERS = set(CASE_USERS) - {"admin"}
OPENERS = {"fagui.head", "jn.head", "jn.zhang", "aq.head", "aq.ma", "wx.li"}
SEES_3 = {"jiandu", "fenguan", "fagui.head", "jn.head", "jn.zhang"}
ACTORS = {"fenguan", "fagui.head", "shenhe", "jn.head", "jn.zhang", "aq.head", "aq.ma", "wx.li"}


def case_matrix(user):
    """[(method, path, expected status)] of every case page route for user."""
    read = 200 if user in READERS else 403
    return [
        ("GET", "/cases", read),
        ("GET", "/cases?format=xlsx", read),
        ("GET", "/cases.xlsx", read),
        ("GET", "/cases/new", 200 if user in OPENERS else 403),
        ("POST", "/cases/new", 400 if user in OPENERS else 403),
        ("GET", "/cases/3", 403 if user == "admin" else 200 if user in SEES_3 else 404),
        ("GET", "/cases/4", 403 if user == "admin" else 200 if user in SEES_3 | {"dangan"} else 404),
        ("POST", "/cases/3/act", 403 if user not in ACTORS else 409 if user in SEES_3 else 404),
    ]


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        for user, (allowed, denied) in ROLES.items():
            c = srv.client()
            r = c.login(user, PW)
            t.ok(r.status in (302, 303), "%s logs in" % user)
            for path in allowed:
                r = c.get(path)
                t.is_(r.status, 200, "%s may open %s" % (user, path))
            for path in denied:
                r = c.get(path)
                t.is_(r.status, 403, "%s is refused %s" % (user, path))
            home = c.get("/admin").text
            if user == "jn.zhang":
                t.ok(not any(n in home for n in NAV_ADMIN_ONLY), "an officer's menu has no users or logs")
                t.ok('href="/parties"' in home, "an officer's menu has the party register")
            if user in ("admin", "dangan"):
                t.ok('href="/parties"' not in home, "%s's menu has no party register" % user)
            if user == "admin":
                t.ok(all(n in home for n in NAV_ADMIN_ONLY), "the administrator's menu has users and logs")

        # The case pages: every route x role.
        for user in CASE_USERS:
            c = srv.client()
            c.login(user, PW)
            token = harness.extract_csrf(c.get("/admin", follow=True).body)
            for method, path, want in case_matrix(user):
                if method == "GET":
                    r = c.get(path)
                else:
                    fields = {"_csrf": token or ""}
                    if path.endswith("/act"):
                        fields.update({"action": "advance", "row_version": "99999"})
                    r = c.post_form(path, fields)
                t.is_(r.status, want, "%s: %s %s" % (user, method, path))

        # Another unit's data by URL: jn.head asks for 安全生产处's people.
        admin = srv.client()
        admin.login("admin", PW)
        units = admin.get("/admin/units", headers={"Accept": "application/json"}).json()
        flat = units.get("units") or units.get("items") or []
        aq = next((u for u in flat if u.get("name") == "安全生产处"), None)
        t.ok(aq is not None, "the 安全生产处 unit is listed for the administrator")
        if aq:
            c = srv.client()
            c.login("jn.head", PW)
            r = c.get("/admin/users?unit_id=%d" % aq["id"])
            t.is_(r.status, 403, "a division head cannot list another division's people by URL")
            r = c.get("/admin/matters?unit=%d" % aq["id"])
            t.is_(r.status, 403, "nor another division's matters")

        # Six wrong passwords lock the account; the right one is then refused too,
        # with the same answer as any failure; another account is not affected.
        c = srv.client()
        statuses = [c.login("aq.ma", "Wrong#Password1").status for _ in range(6)]
        t.ok(all(400 <= s < 500 for s in statuses), "wrong passwords refused (%s)" % statuses)
        r = c.login("aq.ma", PW)
        t.ok(r.status == 401 and "用户名或密码错误" in r.text,
             "after six failures even the right password is refused, with the neutral answer (%d)" % r.status)
        other = srv.client()
        r = other.login("aq.luo", PW)
        t.is_(r.status, 303, "another account logs in from the same address")

        # An expired or unknown session goes back to the login page with ?next=.
        c = srv.client()
        r = c.raw("GET", "/admin/matters?kind=guide", headers={"Cookie": "zf_session=" + "0" * 64})
        loc = r.header("Location") or ""
        t.ok(r.status in (302, 303) and loc.startswith("/login?next=") and
             urllib.parse.unquote(loc).find("/admin/matters?kind=guide") > 0 and "expired=1" in loc,
             "an expired session is sent to the login page keeping the page asked for (%s)" % loc)
    t.done()


if __name__ == "__main__":
    main()
