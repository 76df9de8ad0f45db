#!/usr/bin/env python3
"""test_lists.py - the back-office lists (users, units, certificates,
matters, deadlines; the logs in test_admin_logs.py): columns sort by
?sort=COL&dir=asc|desc (whitelisted columns only, 400 otherwise, aria-sort
on the sorted head, links keeping the filters), each list exports what its
filter shows to Excel (Chinese column heads, the rows in the list's order),
and one paginator serves every paged list.  TAP on stdout."""

import io
import os
import re
import sys
import zipfile
import html as htmllib

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


def xlsx_rows(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", z.read("xl/sharedStrings.xml").decode())
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet):
        cells = []
        for attrs, val in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", row):
            v = re.search(r"<v>([^<]*)</v>", val or "")
            v = v.group(1) if v else ""
            # an empty cell is left out of the sheet: place each by its column (r="C7")
            ref = re.search(r'r="([A-Z]+)\d+"', attrs)
            if ref:
                col = 0
                for ch in ref.group(1):
                    col = col * 26 + ord(ch) - 64
                cells.extend([""] * (col - 1 - len(cells)))
            cells.append(htmllib.unescape(shared[int(v)]) if 't="s"' in attrs and v else v)
        rows.append(cells)
    return [r for r in rows if r]


def check_export(t, c, path, heads, name):
    r = c.get(path)
    ok = r.status == 200 and "spreadsheetml" in (r.header("Content-Type") or "")
    t.ok(ok, "%s: %s is an xlsx" % (name, path), "status %s" % r.status)
    if not ok:
        return []
    rows = xlsx_rows(r.body)
    t.is_(rows[1][:len(heads)] if len(rows) > 1 else None, heads, "%s: Chinese column heads" % name)
    return rows[2:]


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        admin = login(srv, "admin")

        # ---- users ----
        r = admin.get("/admin/users?sort=name&dir=desc", headers=JSON)
        names = [u["name"] for u in r.json()["users"]]
        t.ok(r.status == 200 and names == sorted(names, reverse=True) and len(names) > 5, "users sort by name, descending")
        r = admin.get("/admin/users?sort=username&dir=asc")
        t.like(r.text, r'<th scope="col" aria-sort="ascending"><a class="sort" href="/admin/users\?sort=username&amp;dir=desc">用户名',
               "the sorted head has aria-sort and links to the reverse order")
        t.like(r.text, r'<th scope="col"><a class="sort" href="/admin/users\?sort=name&amp;dir=asc">姓名', "other heads sort too")
        t.html_valid(r, "sorted users page is valid HTML")
        unit = [u for u in admin.get("/admin/units", headers=JSON).json()["units"] if u["depth"] > 0][0]
        r = admin.get("/admin/users?unit_id=%d&sort=username" % unit["id"])
        t.like(r.text, r'href="/admin/users\?unit_id=%d&amp;sort=username&amp;dir=desc"' % unit["id"],
               "sort links keep the unit filter")
        t.like(r.text, r'href="/admin/users.xlsx\?unit_id=%d&amp;sort=username&amp;dir=asc">导出 Excel' % unit["id"],
               "the export link keeps filter and order")
        for bad in ("sort=password_hash", "sort=name&dir=up", "sort=name%20desc"):
            t.is_(admin.get("/admin/users?" + bad).status, 400, "users: %s refused" % bad)
        r = admin.get("/admin/users?sort=password_hash")
        t.ok("排序" in r.text, "… saying so in Chinese")
        want = [u["username"] for u in admin.get("/admin/users?unit_id=%d&sort=username" % unit["id"], headers=JSON).json()["users"]]
        rows = check_export(t, admin, "/admin/users.xlsx?unit_id=%d&sort=username" % unit["id"],
                            ["用户名", "姓名", "职务", "单位", "角色", "数据范围", "状态"], "users")
        t.is_([x[0] for x in rows], want, "users: the export has the list's rows in its order")
        t.ok(rows and all(harness.CJK.search(x[4]) for x in rows), "users: roles by name in the export")
        t.is_(login(srv, "jn.zhang").get("/admin/users.xlsx").status, 403, "an officer cannot export the users")

        # ---- units ----
        r = admin.get("/admin/units?sort=code&dir=asc", headers=JSON)
        codes = [u["code"] for u in r.json()["shown"]]
        t.ok(codes == sorted(codes), "units sort by code")
        r = admin.get("/admin/units?sort=code&dir=asc")
        t.like(r.text, r'aria-sort="ascending"><a class="sort" href="/admin/units\?sort=code&amp;dir=desc">代码', "units: aria-sort")
        t.ok('href="/admin/units">按单位树显示</a>' in r.text, "units: a way back to the tree")
        t.html_valid(r, "sorted units page is valid HTML")
        rows = check_export(t, admin, "/admin/units.xlsx?sort=code&dir=asc", ["单位名称", "代码", "上级单位"], "units")
        t.is_([x[1] for x in rows], codes, "units: export in the list's order")
        t.is_(admin.get("/admin/units?sort=id").status, 400, "units: sort by id refused")

        # ---- certificates ----
        r = admin.get("/admin/officers?sort=valid_to&dir=desc", headers=JSON)
        vt = [c["valid_to"] for c in r.json()["certs"]]
        t.ok(vt == sorted(vt, reverse=True) and len(vt) > 3, "certificates sort by end of validity")
        r = admin.get("/admin/officers?status=valid&sort=holder")
        t.like(r.text, r'href="/admin/officers.xlsx\?status=valid&amp;sort=holder&amp;dir=asc">导出 Excel', "certificates: export link")
        t.html_valid(r, "sorted certificates page is valid HTML")
        want = [c["cert_no"] for c in admin.get("/admin/officers?status=valid&sort=holder", headers=JSON).json()["certs"]]
        rows = check_export(t, admin, "/admin/officers.xlsx?status=valid&sort=holder",
                            ["持证人", "单位", "执法证号", "证件类型", "执法范围", "涵盖事项", "发证机关", "有效期自", "有效期至",
                             "状态"],
                            "certificates")
        t.is_([x[2] for x in rows], want, "certificates: the filtered rows in order")
        t.ok(rows and all(x[9] == "有效" for x in rows), "certificates: status by name")
        t.ok(rows and all("（含下属单位）" in x[5] for x in rows), "certificates: the matters covered")
        t.is_(admin.get("/admin/officers?sort=public_token").status, 400, "certificates: a secret column cannot sort")

        # ---- matters (sorted in SQL, paged) ----
        r = admin.get("/admin/matters?kind=matter&sort=name&dir=desc", headers=JSON)
        j = r.json()
        names = [i["name"] for i in j["items"]]
        t.ok(r.status == 200 and names == sorted(names, reverse=True), "matters sort by name in SQL")
        r2 = admin.get("/admin/matters?kind=matter&sort=name&dir=desc&page=2", headers=JSON).json()
        if r2["items"]:
            t.ok(r2["items"][0]["name"] <= names[-1], "… and page 2 continues the order")
        else:
            t.ok(j["total"] <= j["per_page"], "… all on one page")
        r = admin.get("/admin/matters?kind=matter&sort=unit_name&dir=asc")
        t.like(r.text, r'aria-sort="ascending"><a class="sort" href="/admin/matters\?kind=matter&amp;sort=unit_name&amp;dir=desc">执法主体',
               "matters: aria-sort, links keep the kind")
        t.html_valid(r, "sorted matters page is valid HTML")
        if j["total"] > j["per_page"]:
            t.like(r.text, r'<nav class="pager" aria-label="分页"><span>共 \d+ 条，第 1 / \d+ 页</span>'
                   r'<a href="/admin/matters\?kind=matter&amp;sort=unit_name&amp;dir=asc&amp;page=2" rel="next">下一页</a>',
                   "the one paginator keeps filter and order")
        else:
            t.ok("pager" not in r.text, "no paginator for one page")
        total = j["total"]
        rows = check_export(t, admin, "/admin/matters.xlsx?kind=matter&sort=name&dir=desc",
                            ["名称", "类别", "执法主体", "状态", "现行版本"], "matters")
        t.is_(len(rows), total, "matters: every item, not one page")
        t.is_([x[0] for x in rows[:len(names)]], names, "matters: in the list's order")
        t.is_(admin.get("/admin/matters?sort=search_text").status, 400, "matters: unknown sort refused")

        # ---- deadlines (a unit's list) ----
        head = login(srv, "jn.head")
        r = head.get("/admin/deadlines?sort=due_on&dir=desc", headers=JSON)
        dl = r.json()["unit"]["deadlines"]
        due = [d["due_on"] for d in dl]
        t.ok(r.status == 200 and due == sorted(due, reverse=True) and due, "a unit's deadlines sort by due date")
        r = head.get("/admin/deadlines?state=open&sort=owner_name")
        t.html_valid(r, "sorted deadlines page is valid HTML")
        t.like(r.text, r'href="/admin/deadlines.xlsx\?state=open&amp;sort=owner_name&amp;dir=asc">导出 Excel', "deadlines: export link")
        rows = check_export(t, head, "/admin/deadlines.xlsx?sort=due_on&dir=desc",
                            ["事项", "对象类型", "对象编号", "经办人", "起算日", "截止日", "状态"], "deadlines")
        t.is_([x[5] for x in rows], due, "deadlines: the unit's rows in order")
        t.ok(rows and all(harness.CJK.search(x[1]) and harness.CJK.search(x[6]) for x in rows),
             "deadlines: object types and states by name")
        t.is_(head.get("/admin/deadlines?sort=unit_id").status, 400, "deadlines: unknown sort refused")

        # ---- one paginator ----
        pagers = []
        for p in ("admin_logs.c", "admin_matters.c", "portal.c", "vault.c"):
            text = open(os.path.join(harness.ROOT, "src/pages", p), encoding="utf-8").read()
            if "上一页" in text or "下一页" in text:
                pagers.append(p)
        t.is_(pagers, [], "no page renders its own 上一页 / 下一页 (http/list.c does)")
    t.done()


if __name__ == "__main__":
    main()
