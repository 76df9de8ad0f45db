#!/usr/bin/env python3
"""test_review_classify.py - which decisions are major (法制审核, issue 11):
POST /api/v1/review/classify on the demo catalogue, every threshold on both
sides of its boundary, every measure and flag rule, what is not major, bad
input 400 naming the member, and catalogue versions with effective dates
(GET/POST /api/v1/review/catalogue)."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"


class Api:
    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def post(self, path, obj):
        return self.c.post_json(path, obj, headers={"Accept": "application/json", "Content-Type": "application/json",
                                                    "X-CSRF-Token": self.token})

    def get(self, path):
        return self.c.get(path, headers={"Accept": "application/json"})


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


# (request, major, a reason it must give or None)
VECTORS = [
    # fines: person / individual business >= 10,000; organisation >= 100,000
    ({"procedure": "penalty", "party_kind": "person", "fine_yuan": 9999.99, "measures": ["罚款"]}, False, None),
    ({"procedure": "penalty", "party_kind": "person", "fine_yuan": 10000, "measures": ["罚款"]}, True,
     "罚款 10,000 元 ≥ 公民 10,000 元"),
    ({"procedure": "penalty", "party_kind": "individual_business", "fine_yuan": 9999, "measures": ["罚款"]}, False, None),
    ({"procedure": "penalty", "party_kind": "individual_business", "fine_yuan": 10000.00}, True,
     "罚款 10,000 元 ≥ 个体工商户 10,000 元"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": 99999.99, "measures": ["罚款"]}, False, None),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": 100000, "measures": ["罚款"]}, True,
     "罚款 100,000 元 ≥ 组织 100,000 元"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": 50000}, False, None),
    # confiscation: the same amounts
    ({"procedure": "penalty", "party_kind": "person", "confiscation_yuan": 9999.99,
      "measures": ["没收违法所得"]}, False, None),
    ({"procedure": "penalty", "party_kind": "person", "confiscation_yuan": 10000,
      "measures": ["没收违法所得"]}, True, "没收金额 10,000 元 ≥ 公民 10,000 元"),
    ({"procedure": "penalty", "party_kind": "org", "confiscation_yuan": 99999,
      "measures": ["没收非法财物"]}, False, None),
    ({"procedure": "penalty", "party_kind": "org", "confiscation_yuan": 100000.5,
      "measures": ["没收非法财物"]}, True, "没收金额 100,000.50 元 ≥ 组织 100,000 元"),
    # fine and confiscation are not added together
    ({"procedure": "penalty", "party_kind": "person", "fine_yuan": 6000, "confiscation_yuan": 6000}, False, None),
    # the measures of 行政处罚法 art. 9 (3)(4) that make a penalty major
    ({"procedure": "penalty", "party_kind": "org", "measures": ["吊销许可证件"]}, True, "决定含「吊销许可证件」"),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["降低资质等级"]}, True, "决定含「降低资质等级」"),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["限制开展生产经营活动"]}, True, None),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["责令停产停业"]}, True, None),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["责令关闭"]}, True, None),
    ({"procedure": "penalty", "party_kind": "person", "measures": ["限制从业"]}, True, None),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["暂扣许可证件"]}, False, None),
    ({"procedure": "penalty", "party_kind": "person", "measures": ["警告", "通报批评"]}, False, None),
    # a hearing held; the flags
    ({"procedure": "penalty", "party_kind": "person", "fine_yuan": 500, "hearing_held": True}, True, "经过听证程序"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": 500, "flags": ["减轻"]}, True, None),
    ({"procedure": "penalty", "party_kind": "org", "flags": ["从重"]}, True, None),
    ({"procedure": "penalty", "party_kind": "org", "flags": ["疑难复杂"]}, True, "案件情况疑难复杂、涉及多个法律关系"),
    ({"procedure": "penalty", "party_kind": "org", "flags": ["重大公共利益"]}, True, "涉及重大公共利益"),
    ({"procedure": "penalty", "party_kind": "org", "flags": ["重大社会影响"]}, True, "可能造成重大社会影响"),
    ({"procedure": "penalty", "party_kind": "person", "fine_yuan": 0, "measures": [], "flags": []}, False, None),
    # licences: refused after a hearing, revoked, withdrawn; nothing else
    ({"procedure": "licence", "measures": ["不予许可"], "hearing_held": True}, True, "经过听证程序"),
    ({"procedure": "licence", "measures": ["不予许可"]}, False, None),
    ({"procedure": "licence", "measures": ["准予许可"], "hearing_held": True}, False, None),
    ({"procedure": "licence", "measures": ["撤销"]}, True, "决定含「撤销」"),
    ({"procedure": "licence", "party_kind": "org", "measures": ["撤回"]}, True, "决定含「撤回」"),
    ({"procedure": "licence", "measures": ["准予许可"], "flags": ["疑难复杂"]}, False, None),
    # coercion: sealing or seizing a production or business site
    ({"procedure": "coercion", "measures": ["查封"], "site": True}, True, "对象为生产经营场所"),
    ({"procedure": "coercion", "measures": ["扣押"], "site": True}, True, None),
    ({"procedure": "coercion", "measures": ["扣押"]}, False, None),
    ({"procedure": "coercion", "measures": ["冻结"], "site": True}, False, None),
    ({"procedure": "coercion", "measures": ["查封"], "site": False, "flags": ["重大公共利益"]}, False, None),
]

BAD = [
    ({}, "procedure"),
    ({"procedure": "levy"}, "procedure"),
    ({"procedure": "penalty"}, "party_kind"),
    ({"procedure": "penalty", "party_kind": "company"}, "party_kind"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": -1}, "fine_yuan"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": "10000"}, "fine_yuan"),
    ({"procedure": "penalty", "party_kind": "org", "fine_yuan": 9999.995}, "fine_yuan"),
    ({"procedure": "penalty", "party_kind": "org", "confiscation_yuan": 1e13}, "confiscation_yuan"),
    ({"procedure": "penalty", "party_kind": "org", "measures": ["吊销营业执照X"]}, "measures"),
    ({"procedure": "penalty", "party_kind": "org", "measures": "罚款"}, "measures"),
    ({"procedure": "licence", "measures": ["罚款"]}, "measures"),
    ({"procedure": "penalty", "party_kind": "org", "flags": ["紧急"]}, "flags"),
    ({"procedure": "penalty", "party_kind": "org", "hearing_held": "yes"}, "hearing_held"),
    ({"procedure": "coercion", "measures": ["查封"], "site": 1}, "site"),
    ({"procedure": "penalty", "party_kind": "org", "on_date": "2026-13-01"}, "on_date"),
]


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        off = Api(srv, "jn.zhang")
        t.is_(off.status, 303, "an officer logs in")
        for req, major, reason in VECTORS:
            r = off.post("/api/v1/review/classify", req)
            j = r.json() if r.status == 200 else {}
            label = "%s → %s" % (req, "重大" if major else "非重大")
            t.ok(r.status == 200 and j.get("major") is major, label + " (%d %s)" % (r.status, r.text[:160]))
            if major:
                t.ok(j.get("reasons") and all(isinstance(x, str) and harness.CJK.search(x) for x in j["reasons"]),
                     "... with reasons in Chinese")
                if reason:
                    t.ok(any(reason in x for x in j.get("reasons", [])), "... the reason says %s (%s)" %
                         (reason, j.get("reasons")))
                t.ok(all(x.get("basis") for x in j.get("rules", [])), "... each rule with its basis")
            else:
                t.is_(j.get("reasons"), [], "... and no reason")
            t.is_(j.get("catalogue_version"), 1, "... by catalogue version 1")
        for req, field in BAD:
            r = off.post("/api/v1/review/classify", req)
            err = (r.json().get("error") or {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == field and harness.CJK.search(err.get("message", "")),
                 "bad input %s: 400 naming %s (%d %s)" % (req, field, r.status, r.text[:160]))
        r = off.c.post_json("/api/v1/review/classify", {"procedure": "penalty"},
                            headers={"Accept": "application/json", "Content-Type": "application/json"})
        t.is_(r.status, 403, "without the CSRF token: 403")
        anon = srv.client()
        r = anon.post_json("/api/v1/review/classify", {"procedure": "penalty"}, headers={"Accept": "application/json"})
        t.ok(r.status in (401, 403), "the public cannot classify (%d)" % r.status)

        # the catalogue and its versions
        r = off.get("/api/v1/review/catalogue")
        cat = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and cat.get("version") == 1 and len(cat.get("versions", [])) == 1,
             "the catalogue in force: version 1 (%d)" % r.status)
        rules = (cat.get("definition") or {}).get("rules", [])
        t.ok(rules and all(x.get("basis") for x in rules), "every rule has its basis (%d rules)" % len(rules))
        leaves = db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'review.catalogue'")
        t.is_(leaves, 1, "the default catalogue is one ledger leaf")

        defn = cat.get("definition") or {}
        r = off.post("/api/v1/review/catalogue", {"definition": defn, "effective_from": "2027-01-01", "note": "x"})
        t.is_(r.status, 403, "an officer cannot change the catalogue")
        adm = Api(srv, "admin")
        n0 = db_one(srv, "SELECT COUNT(*) FROM review_catalogues")
        bad = dict(defn)
        bad["rules"] = [dict(defn["rules"][0], op="=>")] + defn["rules"][1:]
        r = adm.post("/api/v1/review/catalogue", {"definition": bad, "effective_from": "2027-01-01", "note": "x"})
        err = (r.json().get("error") or {}) if r.status == 400 else {}
        t.ok(r.status == 400 and err.get("field") == "rules[0].op", "a bad comparator is refused naming rules[0].op (%s)"
             % r.text[:200])
        nocond = dict(defn)
        nocond["rules"] = defn["rules"] + [{"id": "all", "procedure": "penalty", "basis": "x"}]
        r = adm.post("/api/v1/review/catalogue", {"definition": nocond, "effective_from": "2027-01-01", "note": "x"})
        t.is_(r.status, 400, "a rule without conditions is refused")
        r = adm.post("/api/v1/review/catalogue", {"definition": defn, "effective_from": "2027-01-01", "note": ""})
        t.is_(r.status, 400, "a version without its note (the department's document) is refused")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM review_catalogues"), n0, "nothing written by the refusals")

        # version 2 from 2027-01-01 raises the organisation threshold to 200,000
        v2 = dict(defn)
        v2["rules"] = [dict(x, threshold_yuan=200000) if x["id"] == "penalty_fine_org" else x for x in defn["rules"]]
        r = adm.post("/api/v1/review/catalogue", {"definition": v2, "effective_from": "2027-01-01",
                                                  "note": "本厅〔2026〕1号文"})
        t.is_(r.status, 201, "an administrator adds version 2 effective 2027-01-01 (%s)" % r.text[:200])
        req = {"procedure": "penalty", "party_kind": "org", "fine_yuan": 150000, "on_date": "2026-12-31"}
        j = off.post("/api/v1/review/classify", req).json()
        t.ok(j.get("major") is True and j.get("catalogue_version") == 1, "drafted 2026-12-31: version 1, major")
        req["on_date"] = "2027-01-01"
        j = off.post("/api/v1/review/classify", req).json()
        t.ok(j.get("major") is False and j.get("catalogue_version") == 2, "drafted 2027-01-01: version 2, not major")
        r = adm.post("/api/v1/review/catalogue", {"definition": defn, "effective_from": "2026-06-01", "note": "x"})
        t.is_(r.status, 400, "a version may not take effect before the current one")
        r = off.get("/api/v1/review/catalogue?on_date=2027-02-01")
        t.ok(r.status == 200 and r.json().get("version") == 2 and len(r.json().get("versions")) == 2,
             "the catalogue in force on 2027-02-01 is version 2, two versions listed")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'review.catalogue'"), 2,
              "each version is a ledger leaf")
    t.done()


if __name__ == "__main__":
    main()
