#!/usr/bin/env python3
"""test_cases_api.py - cases over JSON on the demo department: the list
with its filters and paging per role, one case with its timeline, clocks,
needs and actions (the read in the operation log), another unit's case
refused by URL (404), opening a case (201) and the refusals that write
nothing (one officer where two are needed, a future date, an unknown
matter, admin), acts with their row_version (a stale one is 409 and writes
nothing), approvals by role, the CSRF check.  TAP on stdout."""

import datetime
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
J = {"Accept": "application/json"}


class Api:
    """A logged-in client with its session's CSRF token."""

    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def h(self):
        return {"Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": self.token}

    def post(self, path, obj):
        return self.c.post_json(path, obj, headers=self.h())

    def get(self, path):
        return self.c.get(path, headers=J)


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def counts(srv):
    """Rows an act writes (the server's own jobs - checkpoints, clock states - left out)."""
    return tuple(db_one(srv, "SELECT COUNT(*) FROM %s" % t)
                 for t in ("cases", "case_acts", "case_officers", "case_participants", "deadlines",
                           "op_log WHERE object_type = 'case' AND action <> 'case.read'",
                           "ledger_leaves WHERE event_type LIKE 'case.%'"))


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        zh = Api(srv, "jn.zhang")
        t.ok(zh.status in (302, 303), "jn.zhang logs in")
        r = zh.get("/api/v1/cases")
        t.is_(r.status, 200, "GET /api/v1/cases")
        m = r.json()
        t.ok(m["total"] == 2 and len(m["items"]) == 2, "the officer sees the two cases of 节能与综合利用处 (%s)" % m["total"])
        it = m["items"][0]
        keys = {"id", "case_no", "title", "kind", "kind_label", "stage", "stage_label", "status", "status_label",
                "unit_id", "unit_name", "parties", "officers", "opened_on", "next_due", "due_state", "source_label"}
        t.ok(keys <= set(it), "list items carry the contract's members")
        t.ok(all(isinstance(x, str) and x for x in it["officers"]) and it["parties"], "officers and parties by name")
        hearing = next((x for x in m["items"] if x["stage"] == "hearing"), None)
        t.ok(hearing is not None and hearing["stage_label"] == "听证", "the energy-saving case is at 听证")
        t.ok(hearing is not None and hearing["due_state"] == "paused" and hearing["next_due"],
             "its clock shows as suspended in the list")
        cid = hearing["id"] if hearing else 0

        reads = db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'case.read'")
        r = zh.get("/api/v1/cases/%d" % cid)
        t.is_(r.status, 200, "GET /api/v1/cases/{id}")
        c = r.json()
        t.ok(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'case.read'") == reads + 1,
             "the read is in the operation log")
        t.ok(len(c["acts"]) == 7 and c["acts"][0]["type"] == "opened", "the timeline holds the seven acts")
        t.ok(c["suspension"] == "hearing", "the clock is suspended for the hearing")
        pen = [k for k in c["clocks"] if k.get("event_code") == "case_penalty_decision"]
        t.ok(pen and pen[0].get("pauses"), "the 90-day clock shows its pause")
        t.ok(len(c["officers"]) == 2 and all(o["cert_no"] for o in c["officers"]), "officers with certificates")
        t.ok(any(a["action"] == "resume" for a in c["actions"]), "the officer may resume the clock")
        t.ok(not any(a["action"] == "extend" for a in c["actions"]), "the officer is not offered the leader's extension")
        t.ok(c["case_no"] and "〔" in c["case_no"], "立案号 %s" % c["case_no"])
        officer_ids = [o["user_id"] for o in c["officers"]]
        party_id = c["parties"][0]["party_id"]
        matter_id = c["matters"][0]["item_id"]

        # another division's case by URL
        listing = Api(srv, "fenguan").get("/api/v1/cases").json()
        t.is_(listing["total"], 8, "the leader sees all eight demo cases")
        other = next(x["id"] for x in listing["items"] if x["kind"] == "coercion")
        r = zh.get("/api/v1/cases/%d" % other)
        t.is_(r.status, 404, "an officer cannot open another division's case by URL")
        r = Api(srv, "wx.head").get("/api/v1/cases/%d" % other)
        t.is_(r.status, 200, "its own head can")
        da = Api(srv, "dangan").get("/api/v1/cases").json()
        t.ok(da["total"] == 2 and all(x["status"] == "closed" for x in da["items"]), "the archivist sees closed cases")
        adm = Api(srv, "admin")
        t.is_(adm.get("/api/v1/cases").status, 403, "admin: no case list")

        # filters
        fg = Api(srv, "fenguan")
        t.is_(fg.get("/api/v1/cases?kind=licence").json()["total"], 2, "filter by kind")
        t.is_(fg.get("/api/v1/cases?status=ended").json()["total"], 2, "filter by status (移送司法机关, 不予受理)")
        sh = Api(srv, "shenhe").get("/api/v1/cases").json()
        t.ok(sh["total"] == 1 and sh["items"][0]["stage"] == "legal_review",
             "the reviewer sees the case submitted to 法制审核")
        t.is_(fg.get("/api/v1/cases?source=random").json()["total"], 1, "filter by source")
        t.is_(fg.get("/api/v1/cases?party_id=%d" % party_id).json()["total"], 1, "filter by party")
        t.is_(fg.get("/api/v1/cases?officer_id=%d" % officer_ids[0]).json()["total"], 2, "filter by officer")
        t.is_(fg.get("/api/v1/cases?matter_id=%d" % matter_id).json()["total"], 2, "filter by matter")
        r = fg.get("/api/v1/cases?per_page=2&page=2&sort=title&order=asc")
        t.ok(r.status == 200 and len(r.json()["items"]) == 2 and r.json()["page"] == 2, "sort and paging")
        for q, field in (("due=later", "due"), ("sort=secret", "sort"), ("kind=x", "kind"), ("page=x", "page")):
            r = fg.get("/api/v1/cases?" + q)
            t.ok(r.status == 400 and r.json()["error"]["field"] == field, "bad filter %s: 400 naming %s" % (q, field))

        # opening a case
        body = {"procedure": "penalty_general", "title": "接口立案测试", "source": "complaint",
                "source_date": c["opened_on"], "matter_ids": [matter_id], "party_ids": [party_id],
                "officer_ids": officer_ids}
        for what, change, field in (
                ("one officer where two are needed", {"officer_ids": officer_ids[:1]}, "officer_ids"),
                ("a future date", {"on_date": "2099-01-01"}, "on_date"),
                ("an unknown matter", {"matter_ids": [987654]}, "matter_ids"),
                ("no title", {"title": ""}, "title"),
                ("matter ids not numbers", {"matter_ids": ["x"]}, "matter_ids")):
            before = counts(srv)
            b = dict(body)
            b.update(change)
            r = zh.post("/api/v1/cases", b)
            err = r.json().get("error", {}) if r.status >= 400 else {}
            t.ok(r.status == 400 and err.get("field") == field and err.get("message"),
                 "open refused: %s (%s %s)" % (what, r.status, err.get("message")))
            t.ok(counts(srv) == before, "open refused: %s: nothing written" % what)
        before = counts(srv)
        t.is_(adm.post("/api/v1/cases", body).status, 403, "admin cannot open a case")
        t.is_(zh.c.post_json("/api/v1/cases", body, headers={"Accept": "application/json"}).status, 403,
              "POST without the CSRF header: 403")
        t.ok(counts(srv) == before, "refused: nothing written")
        r = zh.post("/api/v1/cases", body)
        t.is_(r.status, 201, "POST /api/v1/cases opens a case")
        new_id = r.json()["id"]
        t.ok(r.header("Location") == "/api/v1/cases/%d" % new_id, "Location of the new case")

        # acts
        def act(api, obj, rv=None):
            obj = dict(obj)
            obj["row_version"] = rv if rv is not None else api.get("/api/v1/cases/%d" % new_id).json()["row_version"]
            return api.post("/api/v1/cases/%d/acts" % new_id, obj)

        r = act(zh, {"action": "advance", "to": "investigation"})
        t.ok(r.status == 409 and "立案审批" in r.json()["error"]["message"], "advance before 立案审批: 409")
        r = act(zh, {"action": "approve", "approval": "filing"})
        t.is_(r.status, 403, "an officer cannot approve 立案")
        jh = Api(srv, "jn.head")
        r = act(jh, {"action": "approve", "approval": "filing", "reason": "同意立案"})
        t.is_(r.status, 200, "the head approves 立案")
        rv = r.json()["row_version"]
        r = act(zh, {"action": "advance", "to": "investigation"}, rv)
        t.is_(r.status, 200, "advance to 调查取证")
        liu = Api(srv, "jn.liu")
        before = counts(srv)
        r = act(liu, {"action": "advance", "to": "notice"}, rv)
        t.ok(r.status == 409 and r.json()["error"]["field"] == "row_version" and "已被他人修改" in r.json()["error"]["message"],
             "a stale row_version: 409 (%s)" % r.json().get("error", {}).get("message"))
        t.ok(counts(srv) == before, "a stale row_version writes nothing")
        r = act(zh, {"action": "fly"})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "action", "unknown action: 400")
        r = zh.post("/api/v1/cases/%d/acts" % new_id, {"action": "advance", "to": "notice"})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "row_version", "no row_version: 400")

        # 告知, then 听证 notified 7 working days before it is held (行政处罚法第六十四条第（二）项)
        r = act(zh, {"action": "advance", "to": "notice"})
        t.is_(r.status, 200, "advance to 告知 (%s)" % r.json().get("error", {}).get("message"))
        r = act(jh, {"action": "approve", "approval": "notice"})
        t.is_(r.status, 200, "the head approves 告知")
        page = zh.c.get("/cases/%d" % new_id)
        t.ok('name="event_on"' in page.text and "举行日期" in page.text,
             "the case page asks the hearing date with the advance to 听证")
        # the notice is the day of the latest act (the server's Beijing date)
        acts = zh.get("/api/v1/cases/%d" % new_id).json()["acts"]
        today = datetime.date.fromisoformat(acts[-1]["on_date"])
        before = counts(srv)
        r = act(zh, {"action": "advance", "to": "hearing", "event_on": (today + datetime.timedelta(days=1)).isoformat()})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "event_on" and "工作日" in r.json()["error"]["message"],
             "a hearing the next day: 400 naming event_on (%s)" % r.json().get("error", {}).get("message"))
        t.ok(counts(srv) == before, "the refused hearing writes nothing")
        r = act(zh, {"action": "advance", "to": "hearing", "event_on": (today + datetime.timedelta(days=30)).isoformat()})
        t.is_(r.status, 200, "a hearing 30 days after the notice (%s)" % r.json().get("error", {}).get("message"))
        r = act(zh, {"action": "participant", "participant": {"kind": "assistant", "name": "辅助甲",
                                                             "id_type": "工作证", "id_number": "FZ-1",
                                                             "organisation": "云南省节能监察中心"}})
        t.is_(r.status, 200, "an assistant registered")
        r = act(fg, {"action": "end", "ending": "withdrawn", "reason": "不应由本机关管辖"})
        t.is_(r.status, 403, "撤案 needs the head (the leader holds another role)")
        r = act(jh, {"action": "end", "ending": "withdrawn", "reason": "违法事实不能成立"})
        t.is_(r.status, 200, "撤案 by the head with a reason")
        c = zh.get("/api/v1/cases/%d" % new_id).json()
        t.ok(c["status"] == "ended" and c["ending"] == "withdrawn" and c["actions"] == [],
             "the case is ended, kept, and offers no action")
        t.ok(db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%%辅助甲%%' OR leaf LIKE '%%接口立案测试%%'") == 0,
             "no personal data or free text in the ledger")
    t.done()


if __name__ == "__main__":
    main()
