#!/usr/bin/env python3
"""test_review_pages.py - 法制审核 on the pages (issue 11): the review
section of the case page, /cases/{id}/review with the forms of exactly the
steps the reader may take, a whole run through the forms (submission, 补正,
acceptance, assignment, 存在问题, resubmission with answers, escalation, the
leader's decision), bad input shown in Chinese with what was typed and
nothing written, CSRF, the queue /review, escaping."""
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
CHECK = ["subject", "officers", "party", "facts", "law", "procedure", "authority", "documents", "transfer"]


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


def opinion(verdict, problem_keys=(), problems=""):
    f = {"action": "opinion", "verdict": verdict, "problems": problems, "password": PW}
    for k in CHECK:
        f["ok_" + k] = "0" if k in problem_keys else "1"
        f["note_" + k] = "问题：%s" % k if k in problem_keys else ""
    return f


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        users = {}
        for u in ("jn.zhang", "jn.head", "fagui.head", "shenhe", "fenguan"):
            c = srv.client()
            t.is_(c.login(u, PW).status, 303, "%s logs in" % u)
            users[u] = c
        off, head, fagui, shenhe, leader = (users[u] for u in ("jn.zhang", "jn.head", "fagui.head", "shenhe", "fenguan"))
        cid = int(db_one(srv, "SELECT MIN(c.id) FROM cases c JOIN case_officers o ON o.case_id = c.id AND o.until_act IS NULL"
                              " JOIN users u ON u.id = o.user_id WHERE u.username = 'jn.zhang' AND c.kind = 'penalty'"
                              " AND c.status = 'open'"))
        url = "/cases/%d/review" % cid

        st = fagui.get("/review/stats")
        t.ok(st.status == 200 and "尚无法制审核记录" in st.text, "statistics before any review: empty, no error")
        page = off.get("/cases/%d" % cid)
        t.like(page.text, r'id="review"[\s\S]*未送审[\s\S]*办理法制审核', "the case page has the review section")
        r = off.get(url)
        t.html_valid(r, "the review page is valid HTML")
        t.ok('value="submit"' in r.text and 'value="accept"' not in r.text, "the officer is offered submission only")
        t.like(r.text, r"罚款金额[\s\S]*吊销许可证件[\s\S]*疑难复杂", "with the amounts, the catalogue's measures and flags")

        csrf = off.csrf(url)
        n0 = db_one(srv, "SELECT COUNT(*) FROM review_rounds")
        bad = {"_csrf": csrf, "action": "submit", "decision": "拟罚款<script>alert(1)</script>", "report": "报告",
               "party_kind": "org", "fine_yuan": "150000", "measures": "罚款"}
        r = off.post_form(url, bad)
        t.ok(r.status == 400 and "送审须确认" in r.text, "without the declaration: 400 with the message (%d)" % r.status)
        t.ok("拟罚款&lt;script&gt;" in r.text and "<script>alert(1)" not in r.text, "what was typed is kept, escaped")
        r = off.post_form(url, dict(bad, vouch="1", fine_yuan="十五万"))
        t.ok(r.status == 400 and "金额" in r.text, "an amount that is no number: 400 naming it (%d)" % r.status)
        for odd in ("nan", "inf", "-inf"):
            r = off.post_form(url, dict(bad, vouch="1", fine_yuan=odd))
            t.ok(r.status == 400 and "金额" in r.text, "the amount %r is refused, not read as none (%d)" % (odd, r.status))
        t.is_(db_one(srv, "SELECT COUNT(*) FROM review_rounds"), n0, "nothing written by the refusals")
        r = off.post_form(url, {k: v for k, v in dict(bad, vouch="1").items() if k != "_csrf"})
        t.is_(r.status, 403, "without the CSRF token: 403")
        r = off.post_form(url, dict(bad, vouch="1"))
        t.is_(r.status, 303, "submitted through the form")
        page = off.get(url + "?ok=done")
        t.like(page.text, r"待受理[\s\S]*罚款 150,000 元 ≥ 组织 100,000 元", "the page shows the state and the reason")

        # the 政策法规处
        r = fagui.get(url)
        t.ok('value="accept"' in r.text and 'value="return"' in r.text, "the 政策法规处 head may accept or return")
        q = fagui.get("/review")
        t.html_valid(q, "the queue is valid HTML")
        t.like(q.text, r'href="/cases/%d/review"[\s\S]*待受理' % cid, "the queue lists the submission")
        t.like(q.text, r'<a href="/review" aria-current="page">法制审核</a>', "the back office's menu leads to it")
        fc = fagui.csrf(url)
        r = fagui.post_form(url, {"_csrf": fc, "action": "return", "missing": ""})
        t.is_(r.status, 400, "a return without what is missing is refused")
        t.is_(fagui.post_form(url, {"_csrf": fc, "action": "return", "missing": "缺少听证笔录"}).status, 303, "returned")
        oc = off.csrf(url)
        t.is_(off.post_form(url, {"_csrf": oc, "action": "supplement", "note": "已补充"}).status, 303, "supplemented")
        t.is_(fagui.post_form(url, {"_csrf": fc, "action": "accept"}).status, 303, "accepted")
        r = fagui.get(url)
        t.like(r.text, r"本轮审核期限：\d{4}-\d\d-\d\d 前", "the clock is shown")
        t.like(r.text, r'name="reviewer_id"[\s\S]*孙法明', "the assignment offers the reviewers")
        sh_id = db_one(srv, "SELECT id FROM users WHERE username = 'shenhe'")
        t.is_(fagui.post_form(url, {"_csrf": fc, "action": "assign", "reviewer_id": sh_id}).status, 303, "assigned")

        # the opinion
        r = shenhe.get(url)
        t.like(r.text, r"主体是否合法[\s\S]*是否涉嫌犯罪需要移送[\s\S]*登录密码", "the reviewer gets the checklist")
        sc = shenhe.csrf(url)
        f = opinion("problems", ["facts"], "")
        f["_csrf"] = sc
        r = shenhe.post_form(url, f)
        t.ok(r.status == 400 and "逐条列明问题" in r.text, "存在问题 without the problems: 400 (%d)" % r.status)
        f = opinion("problems", ["facts"], "证据不足\n违法所得数额未核实")
        f["_csrf"] = sc
        t.is_(shenhe.post_form(url, f).status, 303, "存在问题 with two problems")

        # round 2 through the form: an answer per problem
        r = off.get(url)
        t.like(r.text, r"问题 1：[\s\S]*证据不足[\s\S]*问题 2：[\s\S]*违法所得数额未核实", "the resubmission lists the problems")
        oc = off.csrf(url)
        sub2 = dict(bad, _csrf=oc, vouch="1", handled_0="1", answer_0="已补充证据", handled_1="0", answer_1="数额已由账簿证实")
        t.is_(off.post_form(url, sub2).status, 303, "resubmitted with answers")
        fagui.post_form(url, {"_csrf": fc, "action": "accept"})
        t.is_(shenhe.post_form(url, {"_csrf": sc, "action": "claim"}).status, 303, "claimed")
        f = opinion("problems", ["facts"], "仍认为证据不足")
        f["_csrf"] = sc
        shenhe.post_form(url, f)
        r = head.get(url)
        t.ok('value="escalate"' in r.text, "the division head may escalate after the second round")
        hc = head.csrf(url)
        t.is_(head.post_form(url, {"_csrf": hc, "action": "escalate", "division_opinion": "证据确凿"}).status, 303, "escalated")
        r = leader.get(url)
        t.like(r.text, r"分管负责人审定[\s\S]*同意作出[\s\S]*修改后作出", "the leader gets the decision form")
        lc = leader.csrf(url)
        r = leader.post_form(url, {"_csrf": lc, "action": "decide", "verdict": "modify", "reasons": "核实数额"})
        t.ok(r.status == 400 and "修改要求" in r.text, "修改后作出 without instructions: 400")
        r = leader.post_form(url, {"_csrf": lc, "action": "decide", "verdict": "proceed", "reasons": "证据确凿"})
        t.is_(r.status, 303, "the leader decides 同意作出")
        page = off.get(url)
        t.like(page.text, r"分管负责人已审定[\s\S]*可以作出决定", "the gate is open")
        t.like(page.text, r"责任记录[\s\S]*王立新[\s\S]*分管负责人", "the responsibility table names the leader")
        t.html_valid(page, "the concluded review is valid HTML")
        other = srv.client()
        other.login("aq.ma", PW)
        t.is_(other.get(url).status, 404, "an officer of another division gets 404")

        # statistics: per division and month
        st = fagui.get("/review/stats", headers={"Accept": "application/json"})
        rows = [x for x in st.json().get("items", [])] if st.status == 200 else []
        row = next((x for x in rows if x.get("unit_name") == "节能与综合利用处"), {})
        t.ok(row.get("reviews") == 1 and row.get("rounds") == 2 and row.get("first_round_decided") == 1
             and row.get("first_round_agree_rate") == 0 and row.get("escalations") == 1,
             "statistics: 1 case, 2 rounds, first round not agreed, 1 escalation (%s)" % row)
        t.ok(row.get("avg_workdays") is not None and row["avg_workdays"] >= 0, "with the working days taken")
        page = fagui.get("/review/stats")
        t.html_valid(page, "the statistics page is valid HTML")
        t.like(page.text, r"节能与综合利用处</td><td>1</td><td>2</td><td>0%</td>", "the page shows the row")
        x = fagui.get("/review/stats.xlsx")
        t.ok(x.status == 200 and "spreadsheetml" in x.header("Content-Type", "") and x.body[:2] == b"PK",
             "the statistics as an Excel workbook")
        t.is_(off.get("/review/stats").status, 403, "an officer does not get the statistics")
    t.done()


if __name__ == "__main__":
    main()
