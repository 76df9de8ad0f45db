#!/usr/bin/env python3
"""test_clocks_pages.py - the number schemes page and the deadline pages'
pauses and extensions, over HTTP with the demo data:
  * /admin/numbers: the seven default schemes of 云南省工业和信息化厅 (JSON
    and HTML), a new version added by the administrator (201, logged),
    a bad pattern refused with a Chinese message naming the field and
    nothing written, a supervisor's POST refused (403), an officer's GET 403;
  * /admin/deadlines/rules: the case clock rules with their basis, the
    penalty clock's extension marked as the department's own rule; a rule
    without a basis refused naming "source" and nothing written;
  * /admin/deadlines/{id}: a paused clock shown as 已中止：听证（… 起）, and
    an extended one with its approver.
TAP on stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        adm = srv.client()
        adm.login("admin", PW)
        r = adm.get("/admin/numbers", headers=JSON)
        t.is_(r.status, 200, "admin GET /admin/numbers")
        m = r.json()
        schemes = [s for s in m["schemes"] if s["body_name"] == "云南省工业和信息化厅"]
        t.is_(len(schemes), 7, "seven default schemes of the body")
        ex = {s["kind"]: s["example"] for s in schemes}
        t.ok(ex.get("penalty_filing", "").startswith("云工信罚立〔") and ex["penalty_filing"].endswith("〕1号"),
             "立案号 example: %s" % ex.get("penalty_filing"))
        t.ok(ex.get("licence_decision", "").startswith("云工信许〔"), "licence decision example")
        html = adm.get("/admin/numbers").text
        t.ok("云工信罚〔{year}〕{n}号" in html and "行政处罚决定书文号" in html, "the HTML lists patterns by their names")
        t.html_valid(adm.get("/admin/numbers"), "the numbers page is valid HTML")
        body = schemes[0]["body_unit_id"]
        token = adm.csrf("/admin/numbers")
        t.ok(token, "the administrator has the add-version form")
        n0 = len(m["schemes"])
        r = adm.post_form("/admin/numbers", {"_csrf": token, "body_unit_id": body, "kind": "penalty_decision",
                                             "pattern": "云工信罚〔2027〕{n}号", "effective_from": "2027-01-01"},
                          headers=JSON)
        t.is_(r.status, 400, "a pattern without {year} is refused")
        err = r.json().get("error", {})
        t.is_(err.get("field"), "pattern", "the refusal names the pattern")
        t.ok("{year}" in err.get("message", "") and "必须" in err.get("message", ""), "in Chinese: %s" % err.get("message"))
        r = adm.post_form("/admin/numbers", {"_csrf": token, "body_unit_id": body, "kind": "penalty_decision",
                                             "pattern": "云工信罚〔2027〕{n}号", "effective_from": "2027-01-01"})
        t.is_(r.status, 400, "the HTML form answers 400 too")
        t.ok("存在以下问题" in r.text and "云工信罚〔2027〕{n}号" in r.text, "with the summary and the input kept")
        t.is_(len(adm.get("/admin/numbers", headers=JSON).json()["schemes"]), n0, "nothing written")
        r = adm.post_form("/admin/numbers", {"_csrf": token, "body_unit_id": body, "kind": "penalty_decision",
                                             "pattern": "云工信罚〔{year}〕{n}号", "pad": "3",
                                             "effective_from": "2027-01-01", "basis": "本厅文书编号规则（2027 年）"},
                          headers=JSON)
        t.is_(r.status, 201, "a new version is added")
        m = adm.get("/admin/numbers", headers=JSON).json()
        new = [s for s in m["schemes"] if s["kind"] == "penalty_decision" and s["effective_from"] == "2027-01-01"]
        t.ok(len(new) == 1 and new[0]["future"] and new[0]["example"].endswith("〕001号"),
             "listed as not yet in force, padded")
        logs = adm.get("/admin/logs?action=number_scheme.add", headers=JSON)
        t.ok(logs.status == 200 and "number_scheme.add" in logs.text, "the addition is in the operation log")

        sup = srv.client()
        sup.login("jiandu", PW)
        t.is_(sup.get("/admin/numbers").status, 200, "the supervisor reads the schemes")
        t.ok("新增文号规则版本" not in sup.get("/admin/numbers").text, "without the form")
        stoken = sup.csrf("/account") or sup.csrf("/admin")
        r = sup.post_form("/admin/numbers", {"_csrf": stoken or "", "body_unit_id": body, "kind": "inspection",
                                             "pattern": "检{year}-{n}", "effective_from": "2027-01-01"}, headers=JSON)
        t.is_(r.status, 403, "the supervisor may not add a version")
        off = srv.client()
        off.login("jn.zhang", PW)
        t.is_(off.get("/admin/numbers").status, 403, "an officer is refused the numbers page")

        # ---- deadline rules ----
        rules = adm.get("/admin/deadlines/rules", headers=JSON).json()["rules"]
        by = {x["event_code"]: x for x in rules}
        for code, cite in (("case_penalty_decision", "第六十条"), ("case_service", "第六十一条"),
                           ("case_hearing_request", "第六十四条"), ("licence_decision", "第四十二条"),
                           ("licence_service", "第四十四条"), ("coercion_seizure", "第二十五条"),
                           ("licence_acceptance", "第三十二条"), ("case_archive", "二（二）5")):
            t.ok(code in by and cite in by[code]["source"], "%s cites %s" % (code, cite))
        pen = by.get("case_penalty_decision", {})
        t.ok(pen.get("day_kind") == "calendar" and pen.get("extension_days") == 30 and pen.get("extension_own_rule"),
             "the 90-day clock counts calendar days; its extension is the department's own rule")
        t.ok(by.get("case_complaint_decision", {}).get("own_rule"), "the complaint clock is the department's own rule")
        page = adm.get("/admin/deadlines/rules").text
        t.ok("本部门规定，法律未规定延长" in page, "the rule page says so")
        n_rules = len(rules)
        token = adm.csrf("/admin/deadlines/rules")
        r = adm.post_form("/admin/deadlines/rules", {"_csrf": token, "event_code": "case_service", "name": "送达",
                                                     "days": "7", "day_kind": "working", "ends_with": "served",
                                                     "effective_from": "2027-01-01", "source": ""}, headers=JSON)
        t.is_(r.status, 400, "a rule without a basis is refused")
        t.is_(r.json().get("error", {}).get("field"), "source", "naming source")
        r = adm.post_form("/admin/deadlines/rules", {"_csrf": token, "event_code": "case_service", "name": "送达",
                                                     "days": "7", "day_kind": "working", "ends_with": "served",
                                                     "effective_from": "2027-01-01", "source": "测试依据",
                                                     "extension_days": "5"}, headers=JSON)
        t.is_(r.status, 400, "an extension without its approver is refused")
        t.is_(r.json().get("error", {}).get("field"), "extension_role", "naming extension_role")
        t.is_(len(adm.get("/admin/deadlines/rules", headers=JSON).json()["rules"]), n_rules, "nothing written")

        # ---- a paused clock and an extended one ----
        lst = off.get("/admin/deadlines", headers=JSON).json()
        items = lst.get("mine") or lst.get("items") or lst.get("deadlines") or []
        if isinstance(lst, dict) and not items:
            for v in lst.values():
                if isinstance(v, list) and v and isinstance(v[0], dict) and "state" in v[0]:
                    items = v
                    break
        paused = [d for d in items if d.get("state") == "paused"]
        # the calendar demo's clock, and the demo case at 听证 (src/cases/demo.c) when it is his
        t.ok(len(paused) >= 1 and all(d["pause_reason"] == "听证" for d in paused),
             "the officer's paused clocks are paused for a hearing (%d)" % len(paused))
        if paused:
            p = off.get("/admin/deadlines/%d" % paused[0]["id"])
            t.is_(p.status, 200, "its page opens")
            t.ok("已中止：听证（%s 起）" % paused[0]["paused_since"] in p.text, "shown as 已中止：听证（… 起）")
            t.ok("中止之日不计入期限" in p.text, "the page says how a pause counts")
            t.html_valid(p, "the deadline page is valid HTML")
        wx = srv.client()
        wx.login("wx.li", PW)
        lst = wx.get("/admin/deadlines", headers=JSON).json()
        found = None
        for v in lst.values() if isinstance(lst, dict) else []:
            if isinstance(v, list):
                for d in v:
                    if isinstance(d, dict) and d.get("event_code") == "coercion_seizure":
                        found = d
        t.ok(found is not None, "wx.li has the seizure clock")
        if found:
            d = wx.get("/admin/deadlines/%d" % found["id"], headers=JSON).json()["deadline"]
            t.ok(len(d["extensions"]) == 1 and d["extensions"][0]["by"] == "王立新" and d["extensions"][0]["days"] == 30,
                 "extended once by 30 days, approved by 王立新")
            p = wx.get("/admin/deadlines/%d" % found["id"]).text
            t.ok("王立新" in p and "30 个自然日" in p, "the page shows the extension")
    t.done()


if __name__ == "__main__":
    main()
