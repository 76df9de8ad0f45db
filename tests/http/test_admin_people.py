#!/usr/bin/env python3
"""test_admin_people.py - the back-office pages for units (/admin/units),
people (/admin/users) and enforcement certificates (/admin/officers):
who may see and change what (403 by URL outside the scope), validation
errors answer 4xx with the Chinese message by the field and change
nothing, successes really change the data (checked via the JSON models),
POST without _csrf is 403, pages are valid HTML.  TAP on stdout."""

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
        raise SystemExit("login %s failed: %s %s" % (user, r.status, r.text[:300]))
    return c


def jget(c, path):
    r = c.get(path, headers=JSON)
    return r, (r.json() if r.header("Content-Type", "").startswith("application/json") else None)


def post(c, path, fields, csrf_from=None, json=False):
    f = dict(fields)
    f["_csrf"] = c.csrf(csrf_from or path)
    return c.post_form(path, f, headers=JSON if json else None)


def field_error(t, r, status, text, name):
    """A failed form: status, the message at the top (role=alert) and
    beside the field (class field-error)."""
    t.is_(r.status, status, name + ": status %d" % status)
    body = r.text
    t.ok('role="alert"' in body and text in body, name + ": Chinese message «%s» shown" % text, body[:2000])
    t.ok('class="field-error"' in body, name + ": message next to the field", body[:2000])


def units_by_code(c):
    _, j = jget(c, "/admin/units")
    return {u["code"]: u for u in j["units"]}


def users_by_name(c, path="/admin/users"):
    _, j = jget(c, path)
    return {u["username"]: u for u in j["users"]}


def test_units(t, srv):
    admin = login(srv, "admin")
    r = admin.get("/admin/units")
    t.is_(r.status, 200, "admin: GET /admin/units")
    t.html_valid(r, "units page is valid HTML")
    t.ok("节能与综合利用处" in r.text and 'method="post" action="/admin/units"' in r.text, "admin sees the tree and the create form")
    units = units_by_code(admin)
    t.ok(units["zcfgc"]["is_reviewer"] and units["jnc"]["enforcement_power"], "JSON model carries the flags")
    t.is_(units["wxdj-jc"]["parent_id"], units["wxdj"]["id"], "JSON model carries the parent")

    sup = login(srv, "jiandu")
    r = sup.get("/admin/units")
    t.is_(r.status, 200, "supervisor reads /admin/units")
    t.ok('method="post" action="/admin/units"' not in r.text, "supervisor gets no create form")
    r = sup.post_form("/admin/units", {"code": "x1", "name": "监督建的", "_csrf": sup.csrf("/admin/units")})
    t.is_(r.status, 403, "supervisor cannot create a unit")
    off = login(srv, "jn.zhang")
    t.is_(off.get("/admin/units").status, 403, "an officer cannot open /admin/units")

    # validation: bad code, input kept, nothing created
    n0 = len(units_by_code(admin))
    r = post(admin, "/admin/units", {"code": "Bad Code!", "name": "测试科", "parent_id": str(units["gxt"]["id"])})
    field_error(t, r, 400, "单位代码", "bad unit code")
    t.ok('value="测试科"' in r.text, "bad unit code: the name typed is kept")
    t.html_valid(r, "unit form with error is valid HTML")
    t.is_(len(units_by_code(admin)), n0, "bad unit code: nothing created")
    r = post(admin, "/admin/units", {"code": "t1", "name": "测试科", "sort": "abc"})
    field_error(t, r, 400, "排序", "bad sort")
    r = post(admin, "/admin/units", {"code": "jnc", "name": "重复代码科"})
    field_error(t, r, 409, "已被使用", "duplicate unit code")

    # without CSRF
    r = admin.post_form("/admin/units", {"code": "nocsrf", "name": "无令牌科"})
    t.is_(r.status, 403, "POST /admin/units without _csrf is 403")
    t.ok("nocsrf" not in units_by_code(admin), "without _csrf: nothing created")

    # create, edit, delete
    r = post(admin, "/admin/units", {"code": "test-ke", "name": "测试科", "parent_id": str(units["jnc"]["id"]),
                                     "enforcement_power": "1", "sort": "5"})
    t.is_(r.status, 303, "create unit redirects")
    t.like(r.header("Location"), r"^/admin/units/\d+\?ok=created$", "to the new unit with ok")
    u = units_by_code(admin).get("test-ke")
    t.ok(u and u["parent_id"] == units["jnc"]["id"] and u["enforcement_power"] and not u["is_reviewer"],
         "the unit exists with parent and flags", repr(u))
    r = admin.get(r.header("Location"))
    t.ok(r.status == 200 and "已创建" in r.text, "unit page confirms creation")
    t.html_valid(r, "unit edit page is valid HTML")
    uid = u["id"]
    r = post(admin, "/admin/units/%d" % uid, {"code": "test-ke", "name": "测试二科", "parent_id": str(units["jnc"]["id"])})
    t.is_(r.status, 303, "edit unit redirects")
    u = units_by_code(admin)["test-ke"]
    t.ok(u["name"] == "测试二科" and not u["enforcement_power"], "edit replaced name and flags", repr(u))
    r = post(admin, "/admin/units/%d" % units["jnc"]["id"],
             {"code": "jnc", "name": "节能与综合利用处", "parent_id": str(uid), "enforcement_power": "1"})
    field_error(t, r, 400, "下级单位", "moving a unit under its child")
    t.is_(units_by_code(admin)["jnc"]["parent_id"], units["gxt"]["id"], "the refused move changed nothing")
    r = post(admin, "/admin/units/%d/delete" % units["jnc"]["id"], {}, csrf_from="/admin/units/%d" % units["jnc"]["id"])
    t.is_(r.status, 409, "deleting a unit with people/children is refused (409)")
    t.ok("不能删除" in r.text and 'role="alert"' in r.text, "with the domain's message", r.text[:1500])
    t.ok("jnc" in units_by_code(admin), "the unit is still there")
    r = post(admin, "/admin/units/%d/delete" % uid, {}, csrf_from="/admin/units/%d" % uid)
    t.ok(r.status == 303 and "ok=deleted" in (r.header("Location") or ""), "empty unit deleted")
    t.ok("test-ke" not in units_by_code(admin), "and gone from the list")
    t.is_(admin.get("/admin/units/%d" % uid).status, 404, "deleted unit is 404")
    r = post(sup, "/admin/units/%d/delete" % units["bgs"]["id"], {}, csrf_from="/admin/units")
    t.is_(r.status, 403, "supervisor cannot delete a unit")


def test_users(t, srv):
    admin = login(srv, "admin")
    units = units_by_code(admin)
    r = admin.get("/admin/users")
    t.is_(r.status, 200, "admin: GET /admin/users")
    t.html_valid(r, "users page is valid HTML")
    r, j = jget(admin, "/admin/users")
    t.ok("password" not in r.text.replace("must_change", "") and "$argon2" not in r.text,
         "the users JSON has no password or hash")
    users = {u["username"]: u for u in j["users"]}
    t.ok(len(users) >= 24, "admin lists every person (%d)" % len(users))
    r, j = jget(admin, "/admin/users?unit_id=%d" % units["aqc"]["id"])
    t.ok(j and {u["unit_id"] for u in j["users"]} == {units["aqc"]["id"]}, "unit filter keeps one unit")

    head = login(srv, "jn.head")
    r, j = jget(head, "/admin/users")
    t.is_(r.status, 200, "a head reads the users in scope")
    t.ok(j and {u["unit_id"] for u in j["users"]} == {units["jnc"]["id"]}, "jn.head sees only 节能与综合利用处")
    t.is_(head.get("/admin/users/%d" % users["aq.ma"]["id"]).status, 403, "jn.head: another unit's person by URL is 403")
    t.is_(head.get("/admin/users?unit_id=%d" % units["aqc"]["id"]).status, 403, "jn.head: another unit's filter is 403")
    r = head.get("/admin/users/%d" % users["jn.zhang"]["id"])
    t.ok(r.status == 200 and "重置密码" not in r.text, "jn.head reads own officer, without admin forms")
    r = head.post_form("/admin/users/%d/lock" % users["jn.zhang"]["id"], {"_csrf": head.csrf("/admin/users")})
    t.is_(r.status, 403, "a head cannot lock")
    off = login(srv, "jn.zhang")
    t.is_(off.get("/admin/users").status, 403, "an officer cannot open /admin/users")
    sup = login(srv, "jiandu")
    r = sup.get("/admin/users")
    t.ok(r.status == 200 and 'method="post" action="/admin/users"' not in r.text, "supervisor reads, no create form")

    base = {"unit_id": str(units["aqc"]["id"]), "username": "aq.new", "name": "新同事", "title": "科员",
            "roles": "officer", "scope": "1", "password": "Xinmima#2026ok", "must_change": "1"}
    bad = dict(base, username="AB")
    r = post(admin, "/admin/users", bad)
    field_error(t, r, 400, "用户名", "bad username")
    t.ok('value="新同事"' in r.text and "Xinmima#2026ok" not in r.text, "bad username: input kept, password not echoed")
    t.html_valid(r, "user form with error is valid HTML")
    r = post(admin, "/admin/users", dict(base, password="short"))
    field_error(t, r, 400, "密码", "weak password")
    r = post(admin, "/admin/users", {k: v for k, v in base.items() if k != "roles"})
    field_error(t, r, 400, "角色", "no role")
    r = post(admin, "/admin/users", dict(base, username="jn.zhang"))
    field_error(t, r, 409, "已被使用", "taken username")
    t.ok("aq.new" not in users_by_name(admin), "failed creates changed nothing")
    r = sup.post_form("/admin/users", dict(base, _csrf=sup.csrf("/admin/users")))
    t.is_(r.status, 403, "supervisor cannot create a person")

    fields = list(base.items()) + [("roles", "head")]
    fields = [(k, v) for k, v in fields]
    fields.append(("_csrf", admin.csrf("/admin/users")))
    r = admin.post_form("/admin/users", fields)
    t.is_(r.status, 303, "create user redirects")
    new = users_by_name(admin).get("aq.new")
    t.ok(new and new["must_change"] and set(new["roles"]) == {"officer", "head"} and new["unit_id"] == units["aqc"]["id"],
         "new person: two roles, unit, must change password", repr(new))
    nid = new["id"]
    r = admin.get("/admin/users/%d?ok=created" % nid)
    t.ok(r.status == 200 and "已创建" in r.text, "user page confirms")
    t.html_valid(r, "user page is valid HTML")
    c = srv.client()
    r = c.login("aq.new", "Xinmima#2026ok")
    t.ok(r.status == 303 and "/account/password" in (r.header("Location") or ""), "new person must change password first")

    # edit
    r = post(admin, "/admin/users/%d" % nid, {"unit_id": str(units["jnc"]["id"]), "name": "新同事甲", "title": "",
                                               "roles": "officer", "scope": "2"})
    t.is_(r.status, 303, "edit user redirects")
    _, j = jget(admin, "/admin/users/%d" % nid)
    u = j["user"]
    t.ok(u["name"] == "新同事甲" and u["unit_id"] == units["jnc"]["id"] and u["roles"] == ["officer"] and u["scope"] == 2,
         "edit changed unit, name, roles, scope", repr(u))
    r = post(admin, "/admin/users/%d" % nid, {"unit_id": str(units["jnc"]["id"]), "name": "", "roles": "officer"})
    field_error(t, r, 400, "姓名", "empty name")
    admin_id = users_by_name(admin)["admin"]["id"]
    r = post(admin, "/admin/users/%d" % admin_id, {"unit_id": str(units["xxzx"]["id"]), "name": "李信安",
                                                    "roles": "officer", "scope": "3"})
    field_error(t, r, 400, "系统管理员", "admin cannot drop own admin role")
    t.ok("admin" in users_by_name(admin)["admin"]["roles"], "own admin role kept")

    # password reset
    r = post(admin, "/admin/users/%d/password" % nid, {"new_password": "abc"}, csrf_from="/admin/users/%d" % nid)
    field_error(t, r, 400, "密码", "weak reset password")
    r = post(admin, "/admin/users/%d/password" % nid, {"new_password": "Chongzhi#2026ab"},
             csrf_from="/admin/users/%d" % nid)
    t.ok(r.status == 303 and "ok=password" in (r.header("Location") or ""), "password reset redirects")
    c = srv.client()
    r = c.login("aq.new", "Chongzhi#2026ab")
    t.ok(r.status == 303 and "/account/password" in (r.header("Location") or ""), "reset password works, change forced")
    t.ok(c.login("aq.new", "Xinmima#2026ok").status != 303, "old password no longer works")

    # lock / unlock
    zid = users_by_name(admin)["jn.liu"]["id"]
    r = post(admin, "/admin/users/%d/lock" % zid, {}, csrf_from="/admin/users/%d" % zid)
    t.is_(r.status, 303, "lock redirects")
    t.ok(users_by_name(admin)["jn.liu"]["locked"], "the person is locked")
    t.ok(srv.client().login("jn.liu", PW).status >= 400, "a locked person cannot log in")
    r = admin.get("/admin/users/%d" % zid)
    t.ok("/unlock" in r.text, "the page now offers unlocking")
    r = post(admin, "/admin/users/%d/unlock" % zid, {}, csrf_from="/admin/users/%d" % zid)
    t.is_(r.status, 303, "unlock redirects")
    t.ok(not users_by_name(admin)["jn.liu"]["locked"], "the person is unlocked")
    t.is_(srv.client().login("jn.liu", PW).status, 303, "and can log in again")
    r = post(admin, "/admin/users/%d/lock" % admin_id, {}, csrf_from="/admin/users")
    t.ok(400 <= r.status < 500 and "不能锁定自己" in r.text, "admin cannot lock themselves")
    r = admin.post_form("/admin/users/%d/lock" % zid, {})
    t.is_(r.status, 403, "lock without _csrf is 403")
    t.ok(not users_by_name(admin)["jn.liu"]["locked"], "without _csrf: not locked")
    r = post(admin, "/admin/users/%d/lock" % zid, {}, csrf_from="/admin/users", json=True)
    t.ok(r.status == 200 and r.json().get("ok") is True, "JSON client: lock answers {ok:true}")
    post(admin, "/admin/users/%d/unlock" % zid, {}, csrf_from="/admin/users", json=True)
    t.is_(admin.get("/admin/users/999999").status, 404, "unknown person is 404")


def certs_by_no(c):
    _, j = jget(c, "/admin/officers")
    return {x["cert_no"]: x for x in j["certs"]}


def test_certs(t, srv):
    admin = login(srv, "admin")
    units = units_by_code(admin)
    users = users_by_name(admin)
    r = admin.get("/admin/officers")
    t.is_(r.status, 200, "admin: GET /admin/officers")
    t.html_valid(r, "officers page is valid HTML")
    certs = certs_by_no(admin)
    statuses = {x["status"] for x in certs.values()}
    t.ok({"valid", "suspended", "revoked", "expired"} <= statuses, "effective statuses shown", repr(statuses))
    t.ok('class="badge suspended"' in r.text and "暂扣" in r.text, "status badges on the page")
    r, j = jget(admin, "/admin/officers?status=revoked")
    t.ok(j and j["certs"] and all(x["status"] == "revoked" for x in j["certs"]), "status filter")

    head = login(srv, "jn.head")
    r, j = jget(head, "/admin/officers")
    t.is_(r.status, 200, "jn.head reads certificates")
    t.ok(j and j["certs"] and {x["unit_id"] for x in j["certs"]} == {units["jnc"]["id"]},
         "jn.head sees only own unit's certificates")
    t.ok(not j["can_manage"] and 'method="post" action="/admin/officers"' not in head.get("/admin/officers").text,
         "jn.head cannot issue")
    aq = [x for x in certs.values() if x["unit_id"] == units["aqc"]["id"]][0]
    t.is_(head.get("/admin/officers/%d" % aq["id"]).status, 403, "jn.head: another unit's certificate by URL is 403")
    t.is_(head.get("/admin/officers/%d/print" % aq["id"]).status, 403, "jn.head: another unit's print page is 403")
    jn = [x for x in certs.values() if x["unit_id"] == units["jnc"]["id"] and x["stored_status"] == "valid"][0]
    r = post(head, "/admin/officers/%d/status" % jn["id"], {"action": "suspend", "reason": "试试"},
             csrf_from="/admin/officers")
    t.is_(r.status, 403, "jn.head cannot suspend")
    t.is_(certs_by_no(admin)[jn["cert_no"]]["stored_status"], "valid", "refused suspend changed nothing")
    t.is_(login(srv, "jn.zhang").get("/admin/officers").status, 403, "an officer cannot open /admin/officers")

    fg = login(srv, "fagui.head")
    r = fg.get("/admin/officers")
    t.ok('method="post" action="/admin/officers"' in r.text, "政策法规处 head gets the issue form")
    base = {"user_id": str(users["jn.zhang"]["id"]), "cert_no": "53000119T001", "cert_type": "",
            "enf_scope": "节约能源监督检查", "issuer": "云南省人民政府", "valid_from": "2025-01-01", "valid_to": "2030-12-31"}
    r = post(fg, "/admin/officers", dict(base, valid_to="2024-12-31"))
    field_error(t, r, 400, "截止日期", "valid_to before valid_from")
    t.ok('value="53000119T001"' in r.text, "input kept")
    t.html_valid(r, "certificate form with error is valid HTML")
    r = post(fg, "/admin/officers", dict(base, enf_scope=""))
    field_error(t, r, 400, "执法范围", "empty scope")
    r = post(fg, "/admin/officers", dict(base, user_id=""))
    field_error(t, r, 400, "持证人", "no holder")
    r = post(fg, "/admin/officers", dict(base, cert_no=jn["cert_no"]))
    field_error(t, r, 409, "已存在", "duplicate number")
    t.ok("53000119T001" not in certs_by_no(admin), "failed issues changed nothing")
    r = fg.post_form("/admin/officers", base)
    t.is_(r.status, 403, "issue without _csrf is 403")

    r = post(fg, "/admin/officers", base)
    t.is_(r.status, 303, "issue redirects")
    c = certs_by_no(admin).get("53000119T001")
    t.ok(c and c["status"] == "valid" and c["cert_type"] == "行政执法证" and c["user_id"] == users["jn.zhang"]["id"],
         "new certificate is valid with the default type", repr(c))
    cid = c["id"]
    r = fg.get("/admin/officers/%d?ok=created" % cid)
    t.ok(r.status == 200 and "已创建" in r.text, "certificate page confirms")
    t.html_valid(r, "certificate page is valid HTML")

    r = post(fg, "/admin/officers/%d" % cid, dict(base, enf_scope="节约能源监督检查、节能行政处罚", user_id="1"))
    t.is_(r.status, 303, "correct certificate redirects")
    c = certs_by_no(admin)["53000119T001"]
    t.ok(c["enf_scope"] == "节约能源监督检查、节能行政处罚" and c["user_id"] == users["jn.zhang"]["id"],
         "scope corrected, holder unchanged")

    r = fg.get("/admin/officers/%d/print" % cid)
    t.is_(r.status, 200, "print page")
    t.ok('src="/verify/c/%s/qr.svg"' % c["public_token"] in r.text, "print card has the QR image")
    t.ok("/verify/c/%s" % c["public_token"] in r.text and "http://" in r.text, "print card writes the URL")
    t.ok('class="cert-photo"' in r.text, "print card has the photo box")
    t.html_valid(r, "print page is valid HTML")
    t.is_(fg.get("/verify/c/%s/qr.svg" % c["public_token"]).status, 200, "the QR image exists")

    path = "/admin/officers/%d/status" % cid
    r = post(fg, path, {"action": "suspend", "reason": ""}, csrf_from="/admin/officers/%d" % cid)
    field_error(t, r, 400, "原因", "suspend without reason")
    r = post(fg, path, {"action": "suspend", "reason": "涉嫌违规"}, csrf_from="/admin/officers/%d" % cid)
    t.is_(r.status, 303, "suspend redirects")
    t.is_(certs_by_no(admin)["53000119T001"]["status"], "suspended", "certificate is suspended")
    t.is_(fg.get("/api/v1/verify/c/%s" % c["public_token"]).json().get("status"), "suspended", "public check agrees")
    r = post(fg, path, {"action": "revoke", "reason": "调离"}, csrf_from="/admin/officers/%d" % cid)
    field_error(t, r, 400, "确认", "revoke without confirmation")
    t.is_(certs_by_no(admin)["53000119T001"]["status"], "suspended", "unconfirmed revoke changed nothing")
    r = post(fg, path, {"action": "restore"}, csrf_from="/admin/officers/%d" % cid)
    t.is_(r.status, 303, "restore redirects")
    t.is_(certs_by_no(admin)["53000119T001"]["status"], "valid", "certificate valid again")
    r = post(fg, path, {"action": "revoke", "reason": "调离执法岗位", "confirm": "1"}, csrf_from="/admin/officers/%d" % cid)
    t.is_(r.status, 303, "confirmed revoke redirects")
    t.is_(certs_by_no(admin)["53000119T001"]["status"], "revoked", "certificate revoked")
    r = post(fg, path, {"action": "restore"}, csrf_from="/admin/officers/%d" % cid)
    t.is_(r.status, 409, "revoked is final: restore refused (409)")
    r = post(fg, "/admin/officers/%d" % cid, base, csrf_from="/admin/officers/%d" % cid)
    t.is_(r.status, 409, "a revoked certificate cannot be edited")
    r = fg.get("/admin/officers/%d" % cid)
    t.ok("不能恢复或修改" in r.text and "/status" not in r.text, "revoked page offers no status forms")
    r = fg.get("/admin/officers/%d/print" % cid)
    t.ok("不应打印" in r.text, "print page warns about a revoked certificate")

    r = post(fg, "/admin/officers", dict(base, cert_no="53000119T002", valid_from="2099-01-01", valid_to="2099-12-31"))
    t.is_(r.status, 303, "issue a future certificate")
    c = certs_by_no(admin).get("53000119T002")
    t.ok(c and c["status"] == "pending" and c["status_label"] == "未生效", "a future certificate is pending", repr(c))
    r = fg.get("/admin/officers/%d" % c["id"])
    t.ok('class="badge pending"' in r.text, "pending badge shown")
    r = post(fg, "/admin/officers/%d/status" % c["id"], {"action": "suspend", "reason": "x"},
             csrf_from="/admin/officers", json=True)
    t.ok(r.status == 200 and r.json().get("status") == "suspended", "JSON client: suspend answers the new status")
    r = post(fg, "/admin/officers/%d/status" % c["id"], {"action": "bogus"}, csrf_from="/admin/officers", json=True)
    t.ok(r.status == 400 and r.json()["error"]["field"] == "action", "JSON client: a bad action names the field")


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        test_units(t, srv)
        test_users(t, srv)
        test_certs(t, srv)
    t.done()


if __name__ == "__main__":
    main()
