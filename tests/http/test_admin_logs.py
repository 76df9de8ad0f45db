#!/usr/bin/env python3
"""test_admin_logs.py - the operation log (/admin/logs) and the login log
(/admin/logs/login): only administrators and supervisors read them,
filters (user, action, object type, result, dates) and paging work and
are newest first, a malformed filter answers 400 in Chinese by the field,
and no route edits or deletes a row.  TAP on stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}


def login(srv, user):
    c = srv.client()
    r = c.login(user, PW)
    if r.status != 303:
        raise SystemExit("login %s failed: %s" % (user, r.status))
    return c


def jget(c, path):
    r = c.get(path, headers=JSON)
    try:
        return r, r.json()
    except ValueError:
        return r, None


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        # a failed login and a change, so both logs have something to find
        t.ok(srv.client().login("jn.zhang", "wrong-password-1").status >= 400, "a wrong password is refused")
        admin = login(srv, "admin")
        _, j = jget(admin, "/admin/users")
        liu = [u for u in j["users"] if u["username"] == "jn.liu"][0]
        r = admin.post_form("/admin/users/%d/lock" % liu["id"], {"_csrf": admin.csrf("/admin/users")})
        t.is_(r.status, 303, "admin locks jn.liu (a logged change)")
        r = admin.post_form("/admin/users/%d/unlock" % liu["id"], {"_csrf": admin.csrf("/admin/users")})
        t.is_(r.status, 303, "admin unlocks jn.liu (a logged change)")

        r = admin.get("/admin/logs")
        t.is_(r.status, 200, "admin: GET /admin/logs")
        t.html_valid(r, "operation log page is valid HTML")
        t.ok("user.unlock" in r.text, "the page shows the latest action")
        r, j = jget(admin, "/admin/logs")
        items = j["result"]["items"]
        t.ok(items and items[0]["action"] == "user.unlock" and items[1]["action"] == "user.lock",
             "newest first", repr([i["action"] for i in items[:3]]))
        ats = [i["at"] for i in items]
        t.is_(ats, sorted(ats, reverse=True), "times descend")
        t.ok(items[0]["at_local"] and items[0]["username"] == "admin", "rows carry Beijing time and the user")

        r, j = jget(admin, "/admin/logs?action=user.lock&username=admin")
        acts = {i["action"] for i in j["result"]["items"]}
        t.ok(acts == {"user.lock"} and j["result"]["total"] == 1, "filter by action and user", repr(j["result"]))
        r, j = jget(admin, "/admin/logs?object_type=user&object_id=%d" % liu["id"])
        t.ok(j["result"]["total"] >= 2 and all(i["object_id"] == str(liu["id"]) for i in j["result"]["items"]),
             "filter by object type and id")
        r, j = jget(admin, "/admin/logs?result=ok&username=nobody-at-all")
        t.is_(j["result"]["total"], 0, "filter by unknown user finds nothing")
        r = admin.get("/admin/logs?username=nobody-at-all")
        t.ok(r.status == 200 and "没有符合条件的记录" in r.text, "empty result says so")
        r, j = jget(admin, "/admin/logs?date_from=2000-01-01&date_to=2000-01-02")
        t.is_(j["result"]["total"], 0, "a past date range finds nothing")
        r, j = jget(admin, "/admin/logs?date_from=2000-01-01")
        t.ok(j["result"]["total"] >= 3, "an open date range finds the rows")

        # paging: the demo seeding wrote many rows
        r, j = jget(admin, "/admin/logs")
        total = j["result"]["total"]
        t.ok(total > 50 and len(j["result"]["items"]) == 50, "first page has 50 of %d rows" % total)
        r = admin.get("/admin/logs?action=&page=1")
        t.ok('rel="next"' in r.text and "page=2" in r.text, "the page links to the next one")
        r, j2 = jget(admin, "/admin/logs?page=2")
        ids1 = {i["id"] for i in j["result"]["items"]}
        ids2 = {i["id"] for i in j2["result"]["items"]}
        t.ok(j2["result"]["page"] == 2 and ids2 and not (ids1 & ids2), "page 2 continues without overlap")
        t.ok(max(ids2) < min(ids1), "page 2 is older")
        r = admin.get("/admin/logs?username=admin&page=2")
        t.ok(r.status == 200, "page 2 with a filter")

        # malformed filters
        r = admin.get("/admin/logs?date_from=2026-13-45&username=admin")
        t.is_(r.status, 400, "a malformed date is 400")
        t.ok('role="alert"' in r.text and 'class="field-error"' in r.text and harness.CJK.search(r.text),
             "with a Chinese message by the field", r.text[:1500])
        t.ok('value="admin"' in r.text, "the filters are kept")
        t.html_valid(r, "the page with a filter error is valid HTML")
        r = admin.get("/admin/logs?date_from=2026-05-02&date_to=2026-05-01")
        t.ok(r.status == 400 and "截止日期" in r.text, "date_to before date_from is 400")
        r = admin.get("/admin/logs?page=abc")
        t.ok(r.status == 400 and "页码" in r.text, "a malformed page number is 400")
        r, j = jget(admin, "/admin/logs?date_to=bad")
        t.ok(r.status == 400 and j and j["error"]["field"] == "date_to", "JSON: the error names the field", repr(j))

        # the login log
        r = admin.get("/admin/logs/login")
        t.is_(r.status, 200, "admin: GET /admin/logs/login")
        t.html_valid(r, "login log page is valid HTML")
        r, j = jget(admin, "/admin/logs/login?result=fail")
        items = j["result"]["items"]
        t.ok(items and all(i["result"] == "fail" for i in items) and any(i["username"] == "jn.zhang" for i in items),
             "filter the failed logins", repr(items[:2]))
        r, j = jget(admin, "/admin/logs/login?username=admin&result=ok")
        t.ok(j["result"]["total"] >= 1 and j["result"]["items"][0]["ip"] == "127.0.0.1", "admin's login with the address")
        r = admin.get("/admin/logs/login?result=fail")
        t.ok("登录失败" in r.text and "jn.zhang" in r.text, "the page shows the failure in Chinese")
        r = admin.get("/admin/logs/login?date_from=x")
        t.is_(r.status, 400, "login log: a malformed date is 400")

        # who may read
        sup = login(srv, "jiandu")
        t.is_(sup.get("/admin/logs").status, 200, "supervisor reads the operation log")
        t.is_(sup.get("/admin/logs/login").status, 200, "supervisor reads the login log")
        for user in ("jn.head", "jn.zhang", "fagui.head", "fenguan"):
            c = login(srv, user)
            t.is_(c.get("/admin/logs").status, 403, "%s cannot read the operation log" % user)
            t.is_(c.get("/admin/logs/login", headers=JSON).status, 403, "%s cannot read the login log" % user)
        t.ok(srv.client().get("/admin/logs").status in (302, 303), "the public is sent to the login page")

        # nothing edits or deletes
        tok = admin.csrf("/admin/logs")
        for path in ("/admin/logs", "/admin/logs/login", "/admin/logs/1", "/admin/logs/1/delete"):
            r = admin.post_form(path, {"_csrf": tok})
            t.ok(r.status in (404, 405), "POST %s is refused (%d)" % (path, r.status))
        r, j = jget(admin, "/admin/logs")
        t.is_(j["result"]["total"], total, "the log is unchanged by those requests")
    t.done()


if __name__ == "__main__":
    main()
