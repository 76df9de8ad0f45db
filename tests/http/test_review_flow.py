#!/usr/bin/env python3
"""test_review_flow.py - 法制审核 in rounds over JSON (issue 11): submission
with the classification and the snapshot, 补正, acceptance with the
10-working-day clock, assignment of a qualified reviewer, the opinion on
the checklist confirmed by password, resubmission with answers, escalation
to the division's 分管负责人 only after a resubmission, the leader's
decision opening the gate; who answers for what; every refusal a 4xx with
a Chinese message and nothing written."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
CHECK = ["subject", "officers", "party", "facts", "law", "procedure", "authority", "documents", "transfer"]


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
        return out.stdout.strip()
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        v = con.execute(sql).fetchone()[0]
        return "" if v is None else str(v)
    finally:
        con.close()


def written(srv):
    return (db_one(srv, "SELECT COUNT(*) FROM review_rounds"), db_one(srv, "SELECT COUNT(*) FROM review_events"),
            db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type LIKE 'review.%' AND event_type <> 'review.catalogue'"),
            db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action LIKE 'review.%' AND action <> 'review.read'"))


def checklist(problem_keys=()):
    return {k: ({"ok": False, "note": "问题：%s" % k} if k in problem_keys else {"ok": True, "note": ""}) for k in CHECK}


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        off, head, fagui, shenhe, leader = (Api(srv, u) for u in ("jn.zhang", "jn.head", "fagui.head", "shenhe",
                                                                   "fenguan"))
        t.ok(all(x.status == 303 for x in (off, head, fagui, shenhe, leader)), "the five people log in")
        cid = int(db_one(srv, "SELECT MIN(c.id) FROM cases c JOIN case_officers o ON o.case_id = c.id AND o.until_act IS NULL"
                              " JOIN users u ON u.id = o.user_id WHERE u.username = 'jn.zhang' AND c.kind = 'penalty'"
                              " AND c.status = 'open'"))
        url = "/api/v1/cases/%d/review" % cid
        r = off.get(url)
        t.ok(r.status == 200 and r.json().get("state") == "none" and "submit" in r.json().get("actions", []),
             "before submission: 未送审, the officer may submit (%d %s)" % (r.status, r.text[:200]))
        stage = db_one(srv, "SELECT stage FROM cases WHERE id = %d" % cid)
        if stage != "legal_review":
            r = shenhe.get(url)
            t.is_(r.status, 404, "a reviewer does not see a case that was not submitted to the 政策法规处")

        good = {"action": "submit", "decision": "拟对当事人罚款人民币十五万元", "report": "经调查，当事人……（调查终结报告）",
                "vouch": True, "party_kind": "org", "fine_yuan": 150000, "measures": ["罚款"]}
        before = written(srv)
        for bad, field in [(dict(good, decision=""), "decision"), (dict(good, report=""), "report"),
                           (dict(good, vouch=False), "vouch"), (dict(good, fine_yuan=-5), "fine_yuan"),
                           (dict(good, measures=["枪毙"]), "measures"), ({"action": "fly"}, "action")]:
            r = off.post(url, bad)
            err = (r.json().get("error") or {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == field and harness.CJK.search(err.get("message", "")),
                 "submission refused naming %s (%d %s)" % (field, r.status, r.text[:160]))
        t.is_(written(srv), before, "nothing written by the refused submissions")
        r = off.post(url, good)
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and j.get("state") == "submitted", "the officer submits (%d %s)" % (r.status, r.text[:200]))
        rnd = (j.get("rounds") or [{}])[0]
        t.ok(rnd.get("major") is True and any("罚款 150,000 元 ≥ 组织 100,000 元" in x
                                                for x in rnd.get("classification", {}).get("reasons", [])),
             "classified major with the reason")
        t.like(rnd.get("snapshot_sha256", ""), r"^[0-9a-f]{64}$", "the submission keeps a snapshot with its hash")
        r = off.post(url, good)
        t.is_(r.status, 409, "a second submission while one is under way is refused")

        # the 政策法规处: 补正, then acceptance
        r = shenhe.post(url, {"action": "assign", "reviewer_id": 1})
        t.is_(r.status, 403, "a reviewer cannot assign")
        r = off.post(url, {"action": "accept"})
        t.is_(r.status, 403, "the division cannot accept its own submission")
        before = written(srv)
        r = fagui.post(url, {"action": "return", "missing": ""})
        t.is_(r.status, 400, "a return without what is missing is refused")
        t.is_(written(srv), before, "... nothing written")
        r = fagui.post(url, {"action": "return", "missing": "缺少听证笔录和集体讨论记录"})
        t.ok(r.status == 200 and r.json().get("state") == "returned", "returned for 补正")
        r = fagui.post(url, {"action": "accept"})
        t.is_(r.status, 409, "a returned submission cannot be accepted before it is completed")
        r = off.post(url, {"action": "supplement", "note": "已补充听证笔录、集体讨论记录"})
        t.ok(r.status == 200 and r.json().get("state") == "submitted", "the division completes the materials")
        r = fagui.post(url, {"action": "accept"})
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and j.get("state") == "accepted", "accepted")
        clock = j.get("clock") or {}
        t.ok(clock.get("due_on") and clock.get("state") in ("open", "due_soon"),
             "the 10-working-day clock runs from acceptance (due %s)" % clock.get("due_on"))

        # assignment: only a qualified reviewer of the 政策法规处
        jn_id = int(db_one(srv, "SELECT id FROM users WHERE username = 'jn.zhang'"))
        sh_id = int(db_one(srv, "SELECT id FROM users WHERE username = 'shenhe'"))
        r = fagui.post(url, {"action": "assign", "reviewer_id": jn_id})
        err = (r.json().get("error") or {}) if r.status == 400 else {}
        t.ok(r.status == 400 and err.get("field") == "reviewer_id", "an officer of the division cannot be assigned")
        r = fagui.post(url, {"action": "assign", "reviewer_id": sh_id})
        t.ok(r.status == 200 and r.json().get("state") == "reviewing", "孙法明 assigned")

        # the opinion
        r = fagui.post(url, {"action": "opinion", "verdict": "agree", "checklist": checklist(), "password": PW})
        t.is_(r.status, 403, "only the assigned reviewer gives the opinion")
        before = written(srv)
        r = shenhe.post(url, {"action": "opinion", "verdict": "problems", "checklist": checklist(), "problems": ["x"],
                              "password": PW})
        t.is_(r.status, 400, "存在问题 without a point marked is refused")
        r = shenhe.post(url, {"action": "opinion", "verdict": "problems", "checklist": checklist(["facts"]),
                              "problems": [], "password": PW})
        t.is_(r.status, 400, "存在问题 without the problems listed is refused")
        partial = checklist()
        del partial["law"]
        r = shenhe.post(url, {"action": "opinion", "verdict": "agree", "checklist": partial, "password": PW})
        t.is_(r.status, 400, "an opinion with a point of the checklist left out is refused")
        r = shenhe.post(url, {"action": "opinion", "verdict": "problems", "checklist": checklist(["facts"]),
                              "problems": ["证据不足以证明违法所得数额"], "password": "wrong-Password-1"})
        err = (r.json().get("error") or {}) if r.status == 400 else {}
        t.ok(r.status == 400 and err.get("field") == "password", "a wrong password is refused naming password")
        t.is_(written(srv), before, "nothing written by the refused opinions")
        r = shenhe.post(url, {"action": "opinion", "verdict": "problems", "checklist": checklist(["facts"]),
                              "problems": ["证据不足以证明违法所得数额"], "suggestions": "补充调取账簿", "password": PW})
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and j.get("state") == "problems", "存在问题")
        t.is_((j.get("clock") or {}).get("state"), "met", "the opinion meets the clock")
        r = head.post(url, {"action": "escalate", "division_opinion": "证据充分"})
        t.is_(r.status, 409, "no escalation before a resubmission")

        # round 2
        r = off.post(url, dict(good))
        t.is_(r.status, 400, "a resubmission must answer the problems")
        r = off.post(url, dict(good, answers=[{"handled": False, "note": "账簿已调取，数额清楚，不同意该意见"}]))
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and len(j.get("rounds", [])) == 2 and j.get("state") == "submitted", "round 2 submitted")
        fagui.post(url, {"action": "accept"})
        r = shenhe.post(url, {"action": "claim"})
        t.ok(r.status == 200 and r.json().get("state") == "reviewing", "the reviewer claims round 2")
        r = shenhe.post(url, {"action": "opinion", "verdict": "problems", "checklist": checklist(["facts"]),
                              "problems": ["仍认为证据不足"], "password": PW})
        t.ok(r.status == 200 and r.json().get("state") == "problems", "still 存在问题")
        r = off.post(url, {"action": "escalate", "division_opinion": "x"})
        t.is_(r.status, 403, "an officer cannot escalate")
        r = leader.post(url, {"action": "decide", "verdict": "proceed", "reasons": "x"})
        t.is_(r.status, 409, "no decision before escalation")
        r = head.post(url, {"action": "escalate", "division_opinion": "证据确凿，建议按原拟决定作出"})
        t.ok(r.status == 200 and r.json().get("state") == "escalated", "the division head escalates both opinions")
        other = Api(srv, "aq.head")
        r = other.post(url, {"action": "decide", "verdict": "proceed", "reasons": "x"})
        t.ok(r.status in (403, 404), "another division's head cannot decide (%d)" % r.status)
        r = leader.post(url, {"action": "decide", "verdict": "modify", "reasons": "数额需核实"})
        t.is_(r.status, 400, "修改后作出 without instructions is refused")
        r = leader.post(url, {"action": "decide", "verdict": "modify", "reasons": "数额需核实",
                              "instructions": "按账簿核定违法所得后作出"})
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and j.get("state") == "decided" and j.get("gate_open") is True,
             "the leader decides 修改后作出: the gate opens")
        r = leader.post(url, {"action": "decide", "verdict": "refuse", "reasons": "again"})
        t.is_(r.status, 409, "a decided review cannot be decided again")
        r = off.post(url, dict(good, answers=[]))
        t.is_(r.status, 409, "a concluded review cannot be submitted again")

        # who answers for what; the ledger
        who = [(x["step"], x["person"]) for x in j.get("responsibility", [])]
        names = {p for _, p in who}
        t.ok({"张明", "高文华", "孙法明", "王立新"} <= names or len(names) >= 4,
             "the responsibility table names every person (%s)" % sorted(names))
        t.ok(any("分管负责人审定" in s for s, _ in who) and any("送审" in s for s, _ in who),
             "... every step")
        leaves = db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type LIKE 'review.%'"
                             " AND event_type <> 'review.catalogue'")
        events = db_one(srv, "SELECT COUNT(*) FROM review_events")
        rounds = db_one(srv, "SELECT COUNT(*) FROM review_rounds")
        t.is_(int(leaves), int(events) + int(rounds), "every step is a ledger leaf (%s)" % leaves)
        r = fagui.get("/api/v1/review/queue")
        t.ok(r.status == 200 and isinstance(r.json().get("items"), list), "the 政策法规处's queue answers")
        r = leader.get(url)
        t.is_(r.status, 200, "the leader reads the review")
    t.done()


if __name__ == "__main__":
    main()
