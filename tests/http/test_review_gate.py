#!/usr/bin/env python3
"""test_review_gate.py - a major demo decision pushed to its end without the
法制审核 is refused at every door (《中华人民共和国行政处罚法》第五十八条):
the JSON API, the page's form, the command line (`zhifa case finalise`),
a direct write into the database; the draft page says it is major and
why; the submission takes the draft with it; after 同意 the same
decision is finalised through the API; a decision changed after 同意 is
refused again until a new round agrees.  TAP on stdout."""

import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_records_api import Api, db_one, chinese  # noqa: E402

PW = "Zhifa@2026demo"


def db_exec(srv, sql):
    """Run sql directly; (ok, error text)."""
    if srv.db_url:
        p = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", srv.db_url, "-c", sql],
                           capture_output=True, text=True)
        return p.returncode == 0, p.stderr
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        con.execute(sql)
        con.commit()
        return True, ""
    except sqlite3.DatabaseError as ex:
        return False, str(ex)
    finally:
        con.close()


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        zhao = Api(srv, "wx.zhao")
        t.ok(zhao.status in (302, 303), "the officer logs in")
        cid = db_one(srv, "SELECT MIN(id) FROM cases WHERE stage = 'legal_review'")
        t.ok(cid > 0, "the demo's radio case waits in 法制审核")

        # the decision drafted: 罚款 150,000 元 against an organisation
        r = zhao.post("/api/v1/cases/%d/documents" % cid, {"type_code": "penalty_decision"})
        t.is_(r.status, 201, "a 行政处罚决定书 drafted")
        d = r.json()
        did = d["id"]
        fields = dict(d["fields"], facts="当事人未经许可擅自设置、使用无线电台（站），有监测记录、现场检查记录为证。",
                      penalty="罚款人民币壹拾伍万元", measures=["罚款"], fine="150000", doc_date="2026-09-22")
        r = zhao.put("/api/v1/documents/%d" % did, {"row_version": d["row_version"], "fields": fields})
        t.is_(r.status, 200, "saved (%s)" % r.body[:200])
        page = zhao.c.get("/documents/%d" % did).text
        t.like(page, r'id="decision-class"[^>]*data-major="1"[\s\S]*罚款 150,000 元 ≥ 组织 100,000 元',
               "the draft page: major, with the reason")
        t.like(page, r'href="/cases/%d/review"' % cid, "and the way to the review")
        finals = ("SELECT COUNT(*) FROM documents WHERE case_id = %d AND status = 'final' AND type_code = 'penalty_decision'"
                  % cid)
        n_final = db_one(srv, finals)

        # the API
        rv = zhao.get("/api/v1/documents/%d" % did).json()["row_version"]
        r = zhao.post("/api/v1/documents/%d/finalise" % did, {"row_version": rv, "password": PW})
        err = (r.json().get("error") or {}) if r.status == 409 else {}
        t.ok(r.status == 409 and err.get("field") == "review" and "法制审核" in err.get("message", ""),
             "the API refuses: 409 naming the review (%d %s)" % (r.status, r.body[:200]))
        # the page
        form = zhao.c.get("/documents/%d/finalise" % did).text
        t.like(form, r'id="decision-class"', "the finalising page says it is major")
        r = zhao.c.post_form("/documents/%d/finalise" % did,
                             {"_csrf": harness.extract_csrf(form), "row_version": str(rv), "password": PW})
        t.ok(400 <= r.status < 500 and "法制审核" in r.text and chinese(r.text),
             "the page refuses (%d)" % r.status)
        # the command line
        p = subprocess.run([srv.bin, "case", "finalise", "--data", srv.data, "--document", str(did), "--user", "wx.zhao"],
                           input=PW + "\n", capture_output=True, text=True, timeout=120, env=srv._env())
        t.ok(p.returncode == 1 and "法制审核" in p.stderr, "zhifa case finalise refuses: exit 1 (%s)" % p.stderr.strip())
        for mark in harness.SANITIZER_MARKS:
            t.ok(mark not in p.stderr, "no sanitizer report from the command")
        # the database
        ok, msg = db_exec(srv, "UPDATE documents SET status = 'final' WHERE id = %d" % did)
        t.ok(not ok and "法制审核" in msg, "a direct UPDATE is refused by the database (%s)" % msg.strip()[:120])
        ok, msg = db_exec(srv, "INSERT INTO documents(case_id, doc_type_id, type_code, status, fields, created_by,"
                               " created_at, updated_at, row_version, content_sha256) SELECT case_id, doc_type_id,"
                               " type_code, 'final', fields, created_by, created_at, updated_at, 1, content_sha256"
                               " FROM documents WHERE id = %d" % did)
        t.ok(not ok and "法制审核" in msg, "a direct INSERT of a final decision is refused (%s)" % msg.strip()[:120])
        t.is_(db_one(srv, finals), n_final, "no final decision on the case")
        # the stage: 法制审核 → 决定 is shut too
        r = zhao.post("/api/v1/cases/%d/acts" % cid, {"action": "advance", "to": "decision",
                                                      "row_version": zhao.get("/api/v1/cases/%d" % cid).json()["row_version"]})
        t.ok(r.status == 409 and "法制审核" in r.body.decode("utf-8", "replace"),
             "leaving 法制审核 without 同意: 409 (%d)" % r.status)

        # the review: the draft goes with the submission
        fg, sh = Api(srv, "fagui.head"), Api(srv, "shenhe")
        url = "/api/v1/cases/%d/review" % cid
        rv_page = zhao.c.get("/cases/%d/review" % cid).text
        t.like(rv_page, r'id="decision-draft"[\s\S]*行政处罚决定书[\s\S]*属于重大执法决定', "the submission form shows the draft and why")
        t.ok('name="fine_yuan"' not in rv_page, "and asks no amounts the draft already holds")
        r = zhao.post(url, {"action": "submit", "decision": "拟罚款人民币壹拾伍万元", "report": "调查终结报告：事实清楚，证据确凿。",
                            "vouch": True})
        j = r.json() if r.status == 200 else {}
        rnd = (j.get("rounds") or [{}])[-1]
        t.ok(r.status == 200 and rnd.get("major") is True and
             (rnd.get("proposal") or {}).get("decision_document", {}).get("id") == did,
             "submitted with the draft (%d %s)" % (r.status, r.body[:200]))
        checklist = {k: {"ok": True, "note": ""} for k in ("subject", "officers", "party", "facts", "law", "procedure",
                                                           "authority", "documents", "transfer")}

        watched = []

        def agree():
            t.is_(fg.post(url, {"action": "accept"}).status, 200, "accepted")
            if not watched:
                # the running clock on the supervisors' dashboard, linked to the case
                sup = Api(srv, "jiandu")
                home = sup.c.get("/admin").text
                t.like(home, r'id="watch-h"[\s\S]*href="/cases/%d/review"[\s\S]*还剩 \d+ 个工作日' % cid,
                       "the supervisor's dashboard shows the review clock")
                watched.append(1)
            t.is_(sh.post(url, {"action": "claim"}).status, 200, "claimed")
            r2 = sh.post(url, {"action": "opinion", "verdict": "agree", "checklist": checklist, "problems": [],
                               "password": PW})
            t.ok(r2.status == 200 and r2.json().get("gate_open") is True, "同意: the gate opens (%d %s)" % (r2.status, r2.body[:160]))

        agree()
        # changed after 同意: shut again
        rv = zhao.get("/api/v1/documents/%d" % did).json()["row_version"]
        t.is_(zhao.put("/api/v1/documents/%d" % did, {"row_version": rv, "fields": dict(fields, fine="160000")}).status, 200,
              "the fine changed after 同意")
        j = zhao.get(url).json()
        t.ok(j.get("gate_open") is False and "重新送法制审核" in j.get("gate_message", "") and "submit" in j.get("actions", []),
             "the gate shuts and a new submission is offered (%s)" % j.get("gate_message"))
        rv = zhao.get("/api/v1/documents/%d" % did).json()["row_version"]
        r = zhao.post("/api/v1/documents/%d/finalise" % did, {"row_version": rv, "password": PW})
        t.ok(r.status == 409 and "重新送法制审核" in r.body.decode("utf-8", "replace"), "the changed decision is refused (%d)" % r.status)
        r = zhao.post(url, {"action": "submit", "decision": "拟罚款人民币壹拾陆万元", "report": "调查终结报告（修改后）。",
                            "vouch": True})
        t.ok(r.status == 200 and len(r.json().get("rounds", [])) == 2, "round 2 submitted without answers to problems")
        agree()
        rv = zhao.get("/api/v1/documents/%d" % did).json()["row_version"]
        r = zhao.post("/api/v1/documents/%d/finalise" % did, {"row_version": rv, "password": PW})
        t.ok(r.status == 200 and r.json().get("status") == "final", "the decision the reviewer saw is finalised (%d %s)"
             % (r.status, r.body[:200]))
        t.is_(db_one(srv, finals), n_final + 1, "one final decision")
        j = zhao.get(url).json()
        docs = [ev.get("document_id") for rd in j.get("rounds", []) for ev in rd.get("events", []) if ev.get("type") == "opinion"]
        t.ok(len(docs) == 2 and all(docs), "each opinion has its 法制审核意见书 (%s)" % docs)
        pdf = zhao.c.get("/documents/%d/pdf" % docs[-1]) if docs and docs[-1] else None
        t.ok(pdf is not None and pdf.status == 200 and pdf.body[:4] == b"%PDF", "the officer opens the 法制审核意见书 PDF")
        page = zhao.c.get("/cases/%d/review" % cid).text
        t.like(page, r'class="opinion-doc" href="/documents/%d"' % docs[-1], "the review page links it")
    t.done()


if __name__ == "__main__":
    main()
