#!/usr/bin/env python3
"""test_cert_scopes.py - the coverage of an enforcement certificate on the
back-office certificate form (/admin/officers): which units' catalogue
matters (with the units below them) and which categories it covers; the
demo certificates' coverage; a bad unit or category is a 400 with the
Chinese message beside the field and nothing changed.  TAP on stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_admin_people import login, jget, field_error, units_by_code, users_by_name  # noqa: E402


def certs(c):
    _, j = jget(c, "/admin/officers")
    return j["certs"]


def post(c, path, pairs, csrf_from=None):
    return c.post_form(path, list(pairs) + [("_csrf", c.csrf(csrf_from or path))])


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        admin = login(srv, "admin")
        units = units_by_code(admin)
        users = users_by_name(admin)
        by_holder = {}
        for x in certs(admin):
            by_holder.setdefault(x["holder"], []).append(x)
        li = by_holder["李振宇"][0]
        t.is_([(s["unit_name"], s["category"]) for s in li["scopes"]], [("无线电管理局", "")],
              "demo: 李振宇 (无线电监测站) covers 无线电管理局's matters, every category")
        t.is_(li["scope_text"], "无线电管理局（含下属单位）：全部类别", "scope text")
        he = [x for x in by_holder["何永平"] if x["status"] == "valid"][0]
        t.is_([s["category"] for s in he["scopes"]], ["inspection"], "demo: 何永平 covers inspections only")

        fg = login(srv, "fagui.head")
        r = fg.get("/admin/officers")
        t.ok('name="scope_units"' in r.text and 'name="scope_categories"' in r.text and "涵盖的单位" in r.text,
             "the issue form offers units and categories")
        t.html_valid(r, "form with coverage is valid HTML")
        base = [("user_id", str(users["wx.zhao"]["id"])), ("cert_no", "53000119S001"), ("cert_type", ""),
                ("enf_scope", "无线电监测、干扰查处"), ("issuer", "云南省人民政府"), ("valid_from", "2025-01-01"),
                ("valid_to", "2030-12-31")]
        r = post(fg, "/admin/officers", base + [("scope_units", str(units["wxdj"]["id"])),
                                                ("scope_categories", "seizure")])
        field_error(t, r, 400, "事项类别", "unknown category")
        t.ok('value="coercion"' in r.text, "the form is shown again")
        r = post(fg, "/admin/officers", base + [("scope_units", "99999")])
        field_error(t, r, 400, "涵盖的单位不存在", "unknown unit")
        r = post(fg, "/admin/officers", base + [("scope_units", "abc")])
        field_error(t, r, 400, "涵盖的单位无效", "malformed unit")
        t.ok(not [x for x in certs(admin) if x["cert_no"] == "53000119S001"], "refusals changed nothing")

        r = post(fg, "/admin/officers", base + [("scope_units", str(units["wxdj"]["id"])),
                                                ("scope_units", str(units["wxdj-jc"]["id"])),
                                                ("scope_categories", "coercion"), ("scope_categories", "penalty")])
        t.is_(r.status, 303, "issued with coverage")
        c = [x for x in certs(admin) if x["cert_no"] == "53000119S001"][0]
        t.is_(sorted((s["unit_id"], s["category"]) for s in c["scopes"]),
              sorted([(units["wxdj"]["id"], "coercion"), (units["wxdj"]["id"], "penalty"),
                      (units["wxdj-jc"]["id"], "coercion"), (units["wxdj-jc"]["id"], "penalty")]),
              "every ticked unit with every ticked category")
        r = fg.get("/admin/officers/%d" % c["id"])
        t.ok("涵盖事项" in r.text and "无线电管理局（含下属单位）：行政强制、行政处罚" in r.text, "shown on the certificate page",
             r.text[:3000])
        t.ok(r.text.count('name="scope_categories" value="coercion" checked') == 1, "the edit form ticks what is covered")
        t.html_valid(r, "certificate page is valid HTML")
        edit = [p for p in base if p[0] != "user_id"]
        r = post(fg, "/admin/officers/%d" % c["id"], edit, csrf_from="/admin/officers/%d" % c["id"])
        t.is_(r.status, 303, "saved with nothing ticked")
        c = [x for x in certs(admin) if x["cert_no"] == "53000119S001"][0]
        t.is_([(s["unit_id"], s["category"]) for s in c["scopes"]], [(units["wxdj-jc"]["id"], "")],
              "nothing ticked: the holder's unit, every category")
        r = post(fg, "/admin/officers/%d" % c["id"], edit + [("scope_categories", "inspection")],
                 csrf_from="/admin/officers/%d" % c["id"])
        c = [x for x in certs(admin) if x["cert_no"] == "53000119S001"][0]
        t.is_([(s["unit_id"], s["category"]) for s in c["scopes"]], [(units["wxdj-jc"]["id"], "inspection")],
              "a category without a unit: the holder's unit")
        r = admin.get("/admin/officers.xlsx")
        t.is_(r.status, 200, "the Excel export still answers")
    t.done()


if __name__ == "__main__":
    main()
