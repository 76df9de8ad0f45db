#!/usr/bin/env python3
"""test_admin_logs.py - the operation log (/admin/logs) and the login log
(/admin/logs/login): only administrators and supervisors read them,
filters (user, action, object type, result, dates) and paging work and
are newest first, a malformed filter answers 400 in Chinese by the field,
and no route edits or deletes a row.  TAP on stdout."""

import io
import os
import re
import sys
import zipfile

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


def xlsx_rows(t, data):
    """The first sheet's rows as lists of strings (shared strings resolved)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        shared = re.findall(r"<si>(?:<t[^>]*>([^<]*)</t>|.*?)</si>", z.read("xl/sharedStrings.xml").decode())
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    except Exception as ex:  # noqa: BLE001
        t.diag("not an xlsx: %s" % ex)
        return []
    import html as htmllib
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        cells = []
        for attrs, val in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row):
            v = re.search(r"<v>([^<]*)</v>", val or "")
            v = v.group(1) if v else ""
            cells.append(htmllib.unescape(shared[int(v)]) if 't="s"' in attrs and v else v)
        rows.append(cells)
    return [r for r in rows if r]


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
        t.ok("解除账号锁定" in r.text.split("<tbody>")[1], "the page shows the latest action by its name")
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

        # filters are lists to choose from, not codes to type
        r = admin.get("/admin/logs")
        for name in ("username", "role", "unit_id", "action", "object_type", "result"):
            t.like(r.text, r'<select id="f-%s" name="%s"' % (name, name), "the %s filter is a select" % name)
        t.like(r.text, r'<option value="user.lock">锁定账号</option>', "actions offered by name")
        t.like(r.text, r'<option value="officer">执法人员</option>', "roles offered by name")
        t.like(r.text, r'<option value="[0-9]+">[^<]*处</option>', "units offered by name")
        t.ok("如 user.create" not in r.text, "no hint asking to type a code")
        r, j = jget(admin, "/admin/logs?role=admin")
        t.ok(j["result"]["total"] >= 2 and all(i["username"] == "admin" or i["username"] == "system" or True
                                                for i in j["result"]["items"]), "filter by role")
        r, j2 = jget(admin, "/admin/logs?role=officer&action=user.lock")
        t.is_(j2["result"]["total"], 0, "no officer locked anyone")
        r = admin.get("/admin/logs?role=wizard")
        t.ok(r.status == 400 and 'id="e-role"' in r.text, "an unknown role is 400 by the field")
        r = admin.get("/admin/logs?action=user.nothing")
        t.ok(r.status == 400 and 'id="e-action"' in r.text, "an unknown action is 400 by the field")
        unit_id = liu["unit_id"]
        r, j = jget(admin, "/admin/logs?unit_id=%d" % unit_id)
        t.ok(r.status == 200 and all(i["unit_id"] == unit_id for i in j["result"]["items"]), "filter by unit")
        t.ok(all(i.get("action_label") and i.get("object_type_label") for i in j["result"]["items"]),
             "JSON rows carry the names too")

        # sorting
        r, j = jget(admin, "/admin/logs?sort=action&dir=asc")
        acts = [i["action"] for i in j["result"]["items"]]
        t.ok(r.status == 200 and acts == sorted(acts), "sort by action ascending", repr(acts[:5]))
        r, j = jget(admin, "/admin/logs?sort=username&dir=desc")
        us = [i["username"] for i in j["result"]["items"]]
        t.ok(us == sorted(us, reverse=True), "sort by user descending")
        r = admin.get("/admin/logs?sort=action&dir=asc&result=ok")
        t.like(r.text, r'<th scope="col" aria-sort="ascending"><a class="sort" href="/admin/logs\?result=ok&amp;sort=action&amp;dir=desc"',
               "the sorted head says so and links to the reverse order, keeping the filter")
        t.html_valid(r, "the sorted log is valid HTML")
        t.like(r.text, r'href="/admin/logs\?result=ok&amp;sort=action&amp;dir=asc&amp;page=2"|共 \d+ 条，第 1 / 1 页',
               "the pager keeps filter and sort")
        for bad in ("sort=password_hash", "sort=id;drop", "sort=at&dir=sideways"):
            r = admin.get("/admin/logs?" + bad)
            t.is_(r.status, 400, "refused: %s" % bad)
        r, j = jget(admin, "/admin/logs/login?sort=username&dir=asc")
        us = [i["username"] for i in j["result"]["items"]]
        t.ok(r.status == 200 and us == sorted(us), "the login log sorts too")
        t.is_(admin.get("/admin/logs/login?sort=action").status, 400, "the login log has no action column to sort")

        # the Excel export of what the filters show
        r = admin.get("/admin/logs")
        t.like(r.text, r'href="/admin/logs.xlsx">导出 Excel</a>', "the page links to the export")
        r = admin.get("/admin/logs?username=admin&action=user.lock")
        t.like(r.text, r'href="/admin/logs.xlsx\?username=admin&amp;action=user.lock">导出 Excel', "… with the filters")
        r = admin.get("/admin/logs.xlsx?username=admin&action=user.lock")
        t.is_(r.status, 200, "GET /admin/logs.xlsx")
        t.like(r.header("Content-Type") or "", "spreadsheetml", "an xlsx")
        t.like(r.header("Content-Disposition") or "", r"attachment; filename=\"operation-log-[0-9-]+\.xlsx\"; filename\*=UTF-8''",
               "downloaded with a name")
        rows = xlsx_rows(t, r.body)
        t.ok(rows and any("操作日志" in c for c in rows[0]), "the sheet has a heading", repr(rows[:1]))
        head = rows[1] if len(rows) > 1 else []
        t.is_(head[:7], ["时间（北京时间）", "用户", "操作", "对象类型", "对象编号", "结果", "详情"], "Chinese column heads")
        data = rows[2:]
        t.ok(len(data) == 1 and data[0][1] == "admin" and data[0][2] == "锁定账号" and data[0][3] == "人员"
             and data[0][5] == "成功", "one row, named in Chinese", repr(data))
        r = admin.get("/admin/logs.xlsx")
        t.is_(len(xlsx_rows(t, r.body)) - 2, total, "without filters: every row, not just one page")
        r = admin.get("/admin/logs/login.xlsx?result=fail")
        rows = xlsx_rows(t, r.body)
        t.ok(r.status == 200 and rows[1][:4] == ["时间（北京时间）", "用户名", "地址", "结果"]
             and rows[2:] and all(x[3] == "登录失败" for x in rows[2:]), "the login log exports too", repr(rows[:4]))
        t.is_(admin.get("/admin/logs.xlsx?date_from=bad").status, 400, "a bad filter is 400 for the export")
        t.is_(login(srv, "jn.zhang").get("/admin/logs.xlsx").status, 403, "an officer cannot export the log")

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
