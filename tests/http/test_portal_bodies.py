#!/usr/bin/env python3
"""test_portal_bodies.py - 执法主体 and 承办机构 on the portal: the
department is the body (not its divisions), shown with its 承办机构,
address, phone, person in charge and complaint channel; officers of
sub-units count under their body; the credential check gives the body's
phone; matters name body and 承办机构; the administrator edits the fields
on the unit form (bad input: 400 with a Chinese message, nothing changed).
TAP on stdout."""

import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}
PW = os.environ.get("ZHIFA_DEMO_PASSWORD", "Zhifa@2026demo")


def post(c, path, fields):
    f = dict(fields)
    f["_csrf"] = c.csrf(path)
    return c.post_form(path, f)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        m = c.get("/api/v1/portal/bodies").json()
        bodies = m["bodies"]
        t.is_([b["name"] for b in bodies], ["云南省工业和信息化厅"], "the one 执法主体 is the department")
        b = bodies[0]
        offices = {o["name"]: o for o in b["offices"]}
        t.ok("安全生产处" in offices and "无线电监测站" in offices and "节能与综合利用处" in offices,
             "divisions with enforcement duties are its 承办机构", repr(list(offices)))
        t.ok("办公室" not in offices and "政策法规处" not in offices, "divisions without enforcement duties are not")
        t.ok(all(b[k] for k in ("address", "phone", "head_name", "complaint_phone")),
             "the body has address, phone, person in charge and complaint phone")
        t.is_(b["certified_officers"], sum(o["certified_officers"] for o in b["offices"]),
              "officers of the 承办机构 (sub-units included) count under the body")
        t.is_(offices["无线电监测站"]["certified_officers"], 2, "the station under 无线电管理局 has its two officers")
        t.is_(m["certified_officers"], b["certified_officers"], "the total is the body's")

        r = c.get("/portal/bodies")
        t.is_(r.status, 200, "GET /portal/bodies")
        t.html_valid(r, "bodies page is valid HTML")
        for word in ("承办机构", "监督投诉电话", "负责人", "办公地址", b["phone"], b["complaint_phone"], b["address"],
                     "安全生产处"):
            t.ok(word in r.text, "bodies page shows %s" % word)

        home = c.get("/", headers=JSON).json()
        t.is_(home["stats"]["bodies"], 1, "home counts one 执法主体")
        r = c.get("/")
        t.ok("执法主体：" in r.text and "承办机构" in r.text, "home shows the body with its 承办机构")

        # The credential check gives the body's phone.
        officers = c.get("/api/v1/portal/officers").json()["officers"]
        li = next(o for o in officers if o["name"] == "李振宇")
        t.is_(li["body_name"], "云南省工业和信息化厅", "an officer of a station is listed under the department")
        j = c.get("/api/v1/verify/c/" + li["token"]).json()
        t.is_(j["body_phone"], b["phone"], "credential check JSON carries the body's phone")
        r = c.get("/verify/c/" + li["token"])
        t.ok(b["phone"] in r.text and "tel:0871-12345678" in r.text, "credential page gives the phone, dialable",
             r.text[-2500:])
        t.ok("执法主体" in r.text and "云南省工业和信息化厅" in r.text and "无线电监测站" in r.text,
             "and names body and 承办机构")

        # A matter names its body and its 承办机构.
        items = c.get("/api/v1/portal/matters").json()["items"]
        mid = items[0]["id"]
        mj = c.get("/api/v1/portal/matters/%d" % mid).json()
        t.is_(mj["body_name"], "云南省工业和信息化厅", "matter JSON names the body")
        r = c.get("/portal/matters/%d" % mid)
        t.ok("<dt>执法主体</dt><dd>云南省工业和信息化厅</dd>" in r.text and "<dt>承办机构</dt>" in r.text,
             "matter page: 执法主体 is the department, 承办机构 the division")
        r = c.get("/portal/matters")
        t.ok("承办机构" in r.text and "全部承办机构" in r.text, "the catalogue's unit column and filter say 承办机构")

        # The administrator edits the body's fields.
        admin = srv.client()
        t.is_(admin.login("admin", PW).status, 303, "admin logs in")
        units = {u["code"]: u for u in admin.get("/admin/units", headers=JSON).json()["units"]}
        gxt = units["gxt"]
        t.is_(gxt["kind"], "body", "unit JSON: the department is of kind body")
        t.is_(units["aqc"]["kind"], "office", "a division is of kind office")
        t.is_(units["wxdj-jc"]["body_id"], gxt["id"], "the station's body is the department")
        r = admin.get("/admin/units/%d" % gxt["id"])
        t.ok('name="complaint_phone"' in r.text and 'name="kind"' in r.text and 'name="head_name"' in r.text,
             "the unit form has kind and the contact fields")
        t.html_valid(r, "unit form is valid HTML")
        fields = {"code": "gxt", "name": gxt["name"], "kind": "body", "sort": "0",
                  "address": "昆明市测试路 8 号", "phone": "0871-87654321", "head_name": "测试负责人",
                  "complaint_phone": "12345"}
        r = post(admin, "/admin/units/%d" % gxt["id"], fields)
        t.is_(r.status, 303, "saving the body's contacts redirects")
        r = c.get("/portal/bodies")
        t.ok("昆明市测试路 8 号" in r.text and "0871-87654321" in r.text and "测试负责人" in r.text and "12345" in r.text,
             "the portal shows the new contacts")
        bad = dict(fields, phone="1" * 101)
        r = post(admin, "/admin/units/%d" % gxt["id"], bad)
        t.is_(r.status, 400, "a phone over 100 characters: 400")
        t.ok("联系电话不超过 100 个字" in r.text and 'class="field-error"' in r.text, "with the message on the field")
        t.ok("0871-87654321" in c.get("/portal/bodies").text, "and nothing changed")
        r = post(admin, "/admin/units", {"code": "orphan", "name": "无主体科", "kind": "office", "enforcement_power": "1"})
        t.is_(r.status, 400, "an enforcement office with no body above it: 400")
        t.ok("须隶属于一个执法主体" in r.text, "saying it needs a body")
        r = post(admin, "/admin/units", {"code": "k2", "name": "类型错", "kind": "chu", "parent_id": str(gxt["id"])})
        t.is_(r.status, 400, "unknown kind: 400")
        units2 = {u["code"] for u in admin.get("/admin/units", headers=JSON).json()["units"]}
        t.ok("orphan" not in units2 and "k2" not in units2, "refused units were not created")
    t.done()


if __name__ == "__main__":
    main()
