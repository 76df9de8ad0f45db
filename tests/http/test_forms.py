#!/usr/bin/env python3
"""test_forms.py - the back office's forms (http/form.h): a form reports all
its problems at once, as an error summary at the top («存在以下问题», each
problem a link to its field) and as a message on each field (aria-invalid,
aria-describedby), with nothing saved; repeated rows (legal basis,
procedure steps, remedies) are added and removed by submit buttons without
JavaScript, keeping what was typed; labels and hints are never escaped
markup (the certificate restore form).  TAP on stdout."""

import os
import re
import sys
import urllib.parse

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


def summary_links(text):
    m = re.search(r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1"[^>]*>'
                  r'<h2 id="error-summary-title">存在以下问题</h2><ul>(.*?)</ul></div>', text, re.S)
    return re.findall(r'<li><a href="#([^"]+)">', m.group(1)) if m else None


def matter_total(c, q):
    r = c.get("/admin/matters?kind=matter&q=" + urllib.parse.quote(q), headers=JSON)
    return r.json()["total"]


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        off = login(srv, "jn.zhang")
        csrf = off.csrf("/admin/matters/new?kind=matter")
        NAME = "表单测试事项"

        # ---- several problems at once on the drafting form ----
        bad = {"_csrf": csrf, "kind": "matter", "name": "", "category": "", "duties": "", "authority": "权限",
               "basis_0_law": "", "procedure_0_name": "受理", "remedy_0_type": "review", "remedy_0_body": "",
               "remedy_0_time_limit": "60日内"}
        r = off.post_form("/admin/matters/new", bad)
        t.is_(r.status, 400, "a draft with several problems is 400")
        links = summary_links(r.text)
        t.ok(links is not None, "an error summary titled 存在以下问题 at the top", r.text[:300])
        want = ["f-name", "f-category", "f-duties", "f-basis", "f-procedure", "f-remedy_0_body"]
        t.is_(links, want, "every problem listed, each a link to its field")
        for target in want:
            t.like(r.text, r'id="%s"' % target, "the link target %s exists" % target)
        for name in ("name", "category", "duties", "remedy_0_body"):
            t.like(r.text, r'id="f-%s"[^>]*aria-invalid="true" aria-describedby="e-%s"' % (name, name),
                   "%s is marked invalid and described by its message" % name)
            t.like(r.text, r'<p class="field-error" id="e-%s">' % name, "the message sits on %s" % name)
        t.like(r.text, r'id="f-authority"[^>]*value="权限"|id="f-authority"[^>]*>权限<', "what was typed is kept")
        t.ok(r.text.index("error-summary") < r.text.index('action="/admin/matters/new"'), "the summary comes before the form")
        t.like(r.text, r'<script src="/static/forms.js" defer></script>', "the script moving focus to the summary")
        t.html_valid(r, "the form with all its problems is valid HTML")
        t.is_(matter_total(off, "权限"), 0, "nothing was saved")

        # ---- repeated rows without JavaScript ----
        typed = {"_csrf": csrf, "kind": "matter", "name": NAME, "category": "inspection", "duties": "职责",
                 "authority": "权限", "basis_0_law": "《甲法》", "basis_0_article": "第一条",
                 "basis_1_law": "《乙法》", "basis_1_article": "第二条",
                 "procedure_0_name": "受理", "procedure_0_note": "", "procedure_0_time_limit": "",
                 "procedure_1_name": "审查", "procedure_1_note": "书面审查", "procedure_1_time_limit": "5日",
                 "procedure_2_name": "决定", "procedure_2_note": "", "procedure_2_time_limit": "",
                 "remedy_0_type": "review", "remedy_0_body": "云南省人民政府", "remedy_0_time_limit": "60日内"}
        r = off.post_form("/admin/matters/new", dict(typed, _rows="basis:add"))
        t.is_(r.status, 200, "添加一行 re-renders the form (200)")
        t.ok(summary_links(r.text) is None, "… without errors")
        t.like(r.text, r'id="f-basis_0_law"[^>]*value="《甲法》"', "… keeping the first basis row")
        t.like(r.text, r'id="f-basis_1_article"[^>]*value="第二条"', "… and the second")
        t.like(r.text, r'id="f-basis_2_law"[^>]*value=""', "… with one new empty row")
        t.ok('id="f-basis_3_law"' not in r.text, "… exactly one")
        t.like(r.text, r'id="f-procedure_1_note"[^>]*value="书面审查"', "… other groups kept too")
        t.like(r.text, r'<button type="submit" class="secondary row-add" name="_rows" value="basis:add">添加一行</button>',
               "the add button is a plain submit button")
        t.html_valid(r, "the re-rendered form is valid HTML")
        form_html = r.text.split('action="/admin/matters/new"')[1]
        first = re.search(r"<button [^>]*>", form_html).group(0)
        t.ok("_rows" not in first and "submit" in first, "the form's first (default, Enter) button saves, not a row button",
             first)
        t.is_(matter_total(off, NAME), 0, "adding a row saved nothing")

        r = off.post_form("/admin/matters/new", dict(typed, _rows="procedure:del:1"))
        t.is_(r.status, 200, "删除 re-renders the form")
        t.like(r.text, r'id="f-procedure_0_name"[^>]*value="受理"', "… step 1 stays")
        t.like(r.text, r'id="f-procedure_1_name"[^>]*value="决定"', "… step 3 moves up")
        t.ok('value="审查"' not in r.text and 'id="f-procedure_2_name"' not in r.text, "… the deleted step is gone")
        t.like(r.text, r'<button type="submit" class="link row-del" name="_rows" value="procedure:del:0" aria-label="删除第1行">删除</button>',
               "each row has its delete button, named for screen readers")
        t.is_(matter_total(off, NAME), 0, "deleting a row saved nothing")

        # the rows as typed then save normally
        r = off.post_form("/admin/matters/new", typed)
        t.is_(r.status, 303, "the same form without a row button is saved")
        t.is_(matter_total(off, NAME), 1, "… once")

        # ---- the rules form: all problems at once (see also test_calendar_pages) ----
        adm = login(srv, "admin")
        tok = adm.csrf("/admin/deadlines/rules")
        r = adm.post_form("/admin/deadlines/rules", {"_csrf": tok, "event_code": "", "name": "", "days": "x",
                                                     "day_kind": "working", "ends_with": "", "effective_from": "",
                                                     "source": ""})
        t.is_(summary_links(r.text), ["f-event_code", "f-name", "f-days", "f-ends_with", "f-effective_from", "f-source"],
              "the rules form lists its six problems")

        # ---- the user form (admin_people.c on the same helpers) ----
        tok = adm.csrf("/admin/users")
        n_users = len(adm.get("/admin/users", headers=JSON).json()["users"])
        r = adm.post_form("/admin/users", {"_csrf": tok, "unit_id": "", "username": "X", "name": "", "title": "",
                                           "scope": "1", "password": "short"})
        t.is_(r.status, 400, "a person with several problems is 400")
        t.is_(summary_links(r.text), ["unit_id", "roles", "username", "name", "password"],
              "unit, roles, user name, name and password listed at once")
        t.like(r.text, r'id="username"[^>]*aria-invalid="true" aria-describedby="username-error"', "the user name is marked")
        t.html_valid(r, "the user form with its problems is valid HTML")
        t.is_(len(adm.get("/admin/users", headers=JSON).json()["users"]), n_users, "nobody was created")
        head = login(srv, "jn.head")
        r = head.post_form("/admin/users", {"_csrf": head.csrf("/admin/users"), "username": ""})
        t.is_(r.status, 403, "a head is refused before the form is checked")

        # ---- the certificate form ----
        fg = login(srv, "fagui.head")
        tok = fg.csrf("/admin/officers")
        users = {u["username"]: u for u in adm.get("/admin/users", headers=JSON).json()["users"]}
        before = len(fg.get("/admin/officers", headers=JSON).json()["certs"])
        r = fg.post_form("/admin/officers", {"_csrf": tok, "user_id": "", "cert_no": "", "cert_type": "",
                                            "enf_scope": "", "issuer": "云南省人民政府", "valid_from": "2026-13-01",
                                            "valid_to": "2025-01-01"})
        t.is_(r.status, 400, "a certificate with several problems is 400")
        t.is_(summary_links(r.text), ["user_id", "cert_no", "enf_scope", "valid_from"],
              "holder, number, scope and start date listed at once")
        t.like(r.text, r'<select id="user_id" name="user_id" aria-invalid="true" aria-describedby="user_id-error">',
               "the holder select is marked invalid")
        t.like(r.text, r'<label for="cert_no">执法证号<span class="req">（必填）</span></label>', "required fields say so")
        t.html_valid(r, "the certificate form with its problems is valid HTML")
        t.is_(len(fg.get("/admin/officers", headers=JSON).json()["certs"]), before, "nothing was issued")

        # ---- the restore form: the hint is markup, not escaped text ----
        certs = fg.get("/admin/officers", headers=JSON).json()["certs"]
        cid = [c for c in certs if c["stored_status"] == "valid"][0]["id"]
        tok = fg.csrf("/admin/officers/%d" % cid)
        r = fg.post_form("/admin/officers/%d/status" % cid, {"_csrf": tok, "action": "revoke", "reason": ""})
        t.is_(r.status, 400, "revoke without reason or confirmation is 400")
        t.is_(summary_links(r.text), ["reason-revoke", "confirm-revoke"], "both problems of the revoke form at once")
        t.html_valid(r, "the certificate page with the revoke problems is valid HTML")
        r = fg.post_form("/admin/officers/%d/status" % cid, {"_csrf": tok, "action": "suspend", "reason": "表单测试"})
        t.is_(r.status, 303, "suspended")
        r = fg.get("/admin/officers/%d" % cid)
        t.like(r.text, r'<label for="reason-restore">原因 <span class="hint">可不填</span></label>',
               "the restore form's hint is a hint")
        t.ok("&lt;span" not in r.text, "no escaped markup on the page")
        t.html_valid(r, "the certificate page is valid HTML")
        r = fg.post_form("/admin/officers/%d/status" % cid, {"_csrf": fg.csrf("/admin/officers/%d" % cid),
                                                            "action": "restore", "reason": ""})
        t.is_(r.status, 303, "restored without a reason")
    t.done()


if __name__ == "__main__":
    main()
