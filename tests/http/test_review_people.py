#!/usr/bin/env python3
"""test_review_people.py - who may review and who decides an escalation
(法制审核, issue 11): a reviewer's recorded legal qualifications on the
person's page, withdrawn with a reason; the 分管负责人 of a unit on the
unit's page, inherited by the units below; only the administrator changes
either; bad input names the field and changes nothing; the demo has
qualified reviewers and a leader."""
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
J = {"Accept": "application/json"}


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return out.stdout.strip()
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        v = con.execute(sql).fetchone()[0]
        return "" if v is None else str(v)
    finally:
        con.close()


def uid(srv, username):
    return int(db_one(srv, "SELECT id FROM users WHERE username = '%s'" % username))


def unit_id(srv, code):
    return int(db_one(srv, "SELECT id FROM units WHERE code = '%s'" % code))


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        adm = srv.client()
        t.is_(adm.login("admin", PW).status, 303, "admin logs in")
        shenhe, fagui, jn = uid(srv, "shenhe"), uid(srv, "fagui.head"), uid(srv, "jn.zhang")

        # the demo's reviewers are qualified
        j = adm.get("/admin/users/%d" % shenhe, headers=J).json()
        kinds = sorted(q["kind"] for q in j.get("qualifications", []))
        t.is_(kinds, ["law_degree", "legal_work"], "the demo reviewer 孙法明 has two recorded qualifications")
        page = adm.get("/admin/users/%d" % fagui)
        t.html_valid(page, "a reviewer's page is valid HTML")
        t.like(page.text, r"法制审核资格[\s\S]*法律职业资格[\s\S]*有效", "the page shows the qualification and its status")

        # adding: bad input refused, naming the field, nothing written
        n0 = db_one(srv, "SELECT COUNT(*) FROM legal_qualifications")
        url = "/admin/users/%d/qualifications" % jn
        csrf = adm.csrf("/admin/users/%d" % jn)
        for form, field, why in [
            ({"kind": "lawyer", "number": ""}, "number", "法律职业资格 without its number"),
            ({"kind": "judge"}, "kind", "an unknown kind"),
            ({"kind": "law_degree", "issued_on": "2999-01-01"}, "issued_on", "a date in the future"),
            ({"kind": "law_degree", "issued_on": "2020-02-30"}, "issued_on", "an impossible date"),
            ({"kind": "legal_work", "note": ""}, "note", "法制工作经历 without where and how long"),
        ]:
            form["_csrf"] = csrf
            r = adm.post_form(url, form, headers=J)
            err = (r.json().get("error") or {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == field and harness.CJK.search(err.get("message", "")),
                 "%s: 400 naming %s (%d %s)" % (why, field, r.status, r.text[:200]))
        form = {"kind": "lawyer", "number": "", "_csrf": csrf}
        r = adm.post_form(url, form)
        t.ok(r.status == 400 and "法律职业资格证书编号" in r.text, "the HTML form shows the message (%d)" % r.status)
        t.is_(db_one(srv, "SELECT COUNT(*) FROM legal_qualifications"), n0, "nothing written by the refusals")

        r = adm.post_form(url, {"kind": "lawyer", "number": "A2020<b>5301", "issued_on": "2020-03-01",
                                "_csrf": csrf})
        t.is_(r.status, 303, "the administrator records a 法律职业资格")
        page = adm.get("/admin/users/%d" % jn)
        t.ok("A2020&lt;b&gt;5301" in page.text and "A2020<b>5301" not in page.text, "the number is escaped on the page")
        qid = int(db_one(srv, "SELECT MAX(id) FROM legal_qualifications WHERE user_id = %d" % jn))
        t.is_(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'user.qualification' AND object_id = '%d'" % jn),
              "1", "the recording is in the operation log")

        # withdrawing: a reason is required; once only
        w = "/admin/users/%d/qualifications/%d/withdraw" % (jn, qid)
        r = adm.post_form(w, {"reason": "", "_csrf": csrf}, headers=J)
        t.is_(r.status, 400, "withdrawing without a reason is refused")
        r = adm.post_form(w, {"reason": "证书信息登记错误", "_csrf": csrf})
        t.is_(r.status, 303, "withdrawn with a reason")
        r = adm.post_form(w, {"reason": "again", "_csrf": csrf}, headers=J)
        t.is_(r.status, 409, "a second withdrawal is refused (409)")
        r = adm.post_form("/admin/users/%d/qualifications/%d/withdraw" % (shenhe, qid), {"reason": "x", "_csrf": csrf},
                          headers=J)
        t.is_(r.status, 404, "a record of another person cannot be withdrawn through this one")
        j = adm.get("/admin/users/%d" % jn, headers=J).json()
        q = [x for x in j["qualifications"] if x["id"] == qid]
        t.ok(q and q[0]["withdrawn"] and q[0]["withdrawn_reason"] == "证书信息登记错误",
             "the record stays, marked withdrawn with its reason")
        t.like(db_one(srv, "SELECT COUNT(*) FROM legal_qualifications WHERE id = %d" % qid), r"^1$",
               "the original row is kept (append-only)")

        # only the administrator
        head = srv.client()
        head.login("jn.head", PW)
        r = head.post_form(url, {"kind": "law_degree", "_csrf": head.csrf("/admin/users/%d" % jn)}, headers=J)
        t.is_(r.status, 403, "a division head cannot record qualifications")

        # the leader of a unit, inherited below
        gxt, jnc = unit_id(srv, "gxt"), unit_id(srv, "jnc")
        j = adm.get("/admin/units/%d" % jnc, headers=J).json()
        t.is_((j.get("leader") or {}).get("name"), "王立新", "a division answers to the department's 分管负责人 (inherited)")
        page = adm.get("/admin/units/%d" % jnc)
        t.html_valid(page, "the unit page is valid HTML")
        t.like(page.text, r"分管负责人[\s\S]*王立新", "the unit page shows the leader")
        csrf = adm.csrf("/admin/units/%d" % jnc)
        r = adm.post_form("/admin/units/%d/leader" % jnc, {"leader_id": str(jn), "_csrf": csrf}, headers=J)
        err = (r.json().get("error") or {}) if r.status == 400 else {}
        t.ok(r.status == 400 and err.get("field") == "leader_id", "an officer cannot be a 分管负责人 (%s)" % r.text[:200])
        r = adm.post_form("/admin/units/%d/leader" % jnc, {"leader_id": "x", "_csrf": csrf}, headers=J)
        t.is_(r.status, 400, "a malformed id is refused")
        r = adm.post_form("/admin/units/%d/leader" % jnc, {"leader_id": str(uid(srv, "fenguan")), "since_on": "2026-02-30",
                                                           "_csrf": csrf}, headers=J)
        t.is_(r.status, 400, "an impossible date is refused")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM unit_leaders"), "1", "nothing written by the refusals")
        r = adm.post_form("/admin/units/%d/leader" % jnc, {"leader_id": "", "_csrf": csrf})
        t.is_(r.status, 303, "the division's own row: no leader")
        j = adm.get("/admin/units/%d" % jnc, headers=J).json()
        t.is_(j.get("leader"), None, "an explicit 'none' is not overridden by the unit above")
        r = adm.post_form("/admin/units/%d/leader" % jnc, {"leader_id": str(uid(srv, "fenguan")), "_csrf": csrf})
        t.is_(r.status, 303, "set again")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM unit_leaders WHERE unit_id = %d" % jnc), "2", "the history is kept")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'unit.leader' AND object_id = '%d'" % jnc), "2",
              "each change is in the operation log")
        r = head.post_form("/admin/units/%d/leader" % gxt, {"leader_id": "", "_csrf": head.csrf("/cases")}, headers=J)
        t.is_(r.status, 403, "a division head cannot set leaders")
    t.done()


if __name__ == "__main__":
    main()
