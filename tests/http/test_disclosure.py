#!/usr/bin/env python3
"""test_disclosure.py - 事后公开 over HTTP on the demo department: the demo's
finalised 当场处罚决定书 has its publication draft; every bad input of the
issue is refused 4xx with a Chinese message naming the field and nothing
written (an officer publishing, publishing without the preview, a
withdrawal without a reason, an exclusion without a note or approved by an
officer, a bad row_version, another division's publication by URL, a POST
without the CSRF token); the head publishes after the preview (the stored
content is the previewed one, its hash in the ledger), corrects and
withdraws it; the pages show the preview side by side and re-render a
failed act with its message.  TAP on stdout."""

import hashlib
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
J = {"Accept": "application/json"}


class Api:
    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def h(self, csrf=True):
        h = {"Accept": "application/json", "Content-Type": "application/json"}
        if csrf:
            h["X-CSRF-Token"] = self.token
        return h

    def act(self, pid, obj, csrf=True):
        return self.c.post_json("/api/v1/publications/%d/acts" % pid, obj, headers=self.h(csrf))

    def get(self, path):
        return self.c.get(path, headers=J)


def db_rows(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return [line.split("|") for line in out.stdout.splitlines()]
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return [[str(c) for c in row] for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def db_one(srv, sql):
    rows = db_rows(srv, sql)
    return rows[0][0] if rows else None


def counts(srv):
    return tuple(db_one(srv, sql) for sql in (
        "SELECT COUNT(*) FROM publication_versions",
        "SELECT COUNT(*) FROM publication_events",
        "SELECT COUNT(*) FROM publication_marks",
        "SELECT COALESCE(SUM(row_version), 0) FROM publications",
        "SELECT COUNT(*) FROM ledger_leaves WHERE event_type LIKE 'publication.%'",
        "SELECT COUNT(*) FROM op_log WHERE object_type = 'publication'"))


def chinese(s):
    return bool(s) and any(ord(ch) > 0x2e80 for ch in s)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        head = Api(srv, "jn.head")
        zhang = Api(srv, "jn.zhang")
        other = Api(srv, "aq.head")
        t.ok(head.status in (302, 303) and zhang.status in (302, 303) and other.status in (302, 303), "users log in")

        r = head.get("/api/v1/publications")
        items = r.json().get("items", []) if r.status == 200 else []
        t.ok(r.status == 200 and len(items) >= 1, "the head lists the division's publications")
        pid = int(db_one(srv, "SELECT MIN(p.id) FROM publications p JOIN documents d ON d.id = p.document_id"
                              " WHERE d.type_code = 'onsite_penalty_decision'") or 0)
        t.ok(pid > 0, "the demo's 当场处罚决定书 has its publication draft")
        pub = head.get("/api/v1/publications/%d" % pid).json()
        t.is_(pub.get("state"), "draft", "a draft")
        t.ok(pub.get("due_on", "") > pub.get("decision_date", "z"), "its clock: due %s" % pub.get("due_on"))

        def refused(resp, status, field, what, before):
            try:
                err = resp.json()["error"]
            except Exception:  # noqa: BLE001
                err = {}
            t.ok(resp.status == status and err.get("field") == field and chinese(err.get("message", "")),
                 "%s: %d %s %s" % (what, resp.status, err.get("field"), err.get("message")))
            t.ok(counts(srv) == before, "%s: nothing written" % what)

        rv = pub["row_version"]
        pv = head.get("/api/v1/publications/%d/preview" % pid).json()
        sha = pv["sha256"]
        b = counts(srv)
        refused(zhang.act(pid, {"action": "publish", "row_version": rv, "preview_sha256": sha}), 403, "",
                "an officer publishes", b)
        refused(head.act(pid, {"action": "publish", "row_version": rv}), 409, "preview_sha256",
                "publishing without the preview", b)
        refused(head.act(pid, {"action": "publish", "row_version": "1", "preview_sha256": sha}), 400, "row_version",
                "a row_version that is no integer", b)
        refused(head.act(pid, {"action": "publish", "row_version": rv + 7, "preview_sha256": sha}), 409, "row_version",
                "a stale row_version", b)
        refused(head.act(pid, {"action": "withdraw", "row_version": rv, "note": "复议撤销", "event_date": "2026-01-01"}),
                400, "reason", "a withdrawal without a reason", b)
        refused(zhang.act(pid, {"action": "exclude", "row_version": rv, "reason": "privacy"}), 400, "note",
                "an exclusion without its note", b)
        refused(zhang.act(pid, {"action": "decide_exclusion", "row_version": rv, "approve": True, "note": "同意"}), 403, "",
                "an exclusion approved by an officer", b)
        refused(head.act(pid, {"action": "decide_exclusion", "row_version": rv, "approve": True, "note": "同意"}), 409,
                "approve", "an exclusion approved without a request", b)
        refused(zhang.act(pid, {"action": "mark", "row_version": rv, "op": "add", "target": "CF_SY", "start": 0,
                                "end": 1, "reason": "商业秘密"}), 400, "start", "a mark off a character boundary", b)
        refused(zhang.act(pid, {"action": "fly", "row_version": rv}), 400, "action", "an unknown action", b)
        r = other.act(pid, {"action": "publish", "row_version": rv, "preview_sha256": sha})
        refused(r, 404, "id", "another division's head publishes", b)
        r = other.get("/api/v1/publications/%d" % pid)
        t.is_(r.status, 404, "another division's head cannot read it")
        r = head.act(pid, {"action": "publish", "row_version": rv, "preview_sha256": sha}, csrf=False)
        t.is_(r.status, 403, "a POST without the CSRF token is refused")
        t.ok(counts(srv) == b, "and writes nothing")

        # a staff mark through the API, then publish what was previewed
        r = zhang.act(pid, {"action": "mark", "row_version": rv, "op": "add", "target": "CF_SY", "start": 0, "end": 6,
                            "reason": "商业秘密：工艺"})
        t.is_(r.status, 200, "the officer marks a span")
        pv = head.get("/api/v1/publications/%d/preview" % pid).json()
        rv = r.json()["row_version"]
        r = head.act(pid, {"action": "publish", "row_version": rv, "preview_sha256": sha})
        t.ok(r.status == 409 and r.json()["error"]["field"] == "preview_sha256",
             "the preview seen before the mark no longer fits")
        sha = pv["sha256"]
        b = counts(srv)
        r = head.act(pid, {"action": "publish", "row_version": rv, "preview_sha256": sha})
        t.is_(r.status, 200, "the head publishes after the preview")
        after = counts(srv)
        t.ok(int(after[0]) == int(b[0]) + 1 and int(after[4]) == int(b[4]) + 1, "one version, one leaf")
        content = db_one(srv, "SELECT content FROM publication_versions WHERE publication_id = %d AND version = 1" % pid)
        t.is_(content, pv["content"], "the stored content is exactly the previewed one")
        t.is_(hashlib.sha256(content.encode("utf-8")).hexdigest(), sha, "its SHA-256 is the previewed hash")
        t.ok("【已隐去】" in content, "with the staff mark applied")
        leaf = db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'publication.published'")
        t.ok(int(leaf or 0) >= 1, "a publication.published leaf")
        pub = r.json()
        t.is_(pub.get("state"), "published", "published")

        # correction and withdrawal
        rv = pub["row_version"]
        b = counts(srv)
        pv = head.get("/api/v1/publications/%d/preview" % pid).json()
        refused(head.act(pid, {"action": "correct", "row_version": rv, "preview_sha256": pv["sha256"], "note": ""}), 400,
                "note", "a correction without its note", b)
        refused(head.act(pid, {"action": "withdraw", "row_version": rv, "reason": "看情况", "note": "x",
                               "event_date": "2026-01-01"}), 400, "reason", "a withdrawal with a reason not of the list", b)
        refused(head.act(pid, {"action": "withdraw", "row_version": rv, "reason": "撤销", "note": ""}), 400, "note",
                "a withdrawal without its note", b)
        refused(zhang.act(pid, {"action": "withdraw", "row_version": rv, "reason": "撤销", "note": "复议撤销",
                                "event_date": pub["decision_date"]}), 403, "", "an officer withdraws", b)
        refused(head.act(pid, {"action": "correct", "row_version": rv, "preview_sha256": pv["sha256"], "note": "重新发布"}),
                409, "preview_sha256", "a correction identical to the published version", b)
        r = zhang.act(pid, {"action": "text", "row_version": rv, "include": True})
        t.is_(r.status, 200, "the officer adds the redacted full text")
        rv = r.json()["row_version"]
        pv = head.get("/api/v1/publications/%d/preview" % pid).json()
        t.ok("当场行政处罚决定书" in pv["content"], "the content now carries the full text")
        r = head.act(pid, {"action": "correct", "row_version": rv, "preview_sha256": pv["sha256"], "note": "补充公开决定书全文"})
        t.is_(r.status, 200, "a correction is a new version")
        pub = r.json()
        t.is_(len(pub.get("versions", [])), 2, "two versions kept")
        b = counts(srv)
        refused(zhang.act(pid, {"action": "report_revocation", "row_version": pub["row_version"], "reason": "撤销",
                                "note": "", "event_date": pub["decision_date"]}), 400, "note",
                "a revocation reported without its note", b)
        r = zhang.act(pid, {"action": "report_revocation", "row_version": pub["row_version"], "reason": "撤销",
                            "note": "云政复决〔2026〕88号", "event_date": pub["decision_date"]})
        t.is_(r.status, 200, "the officer reports the revocation (the 3-working-day clock starts)")
        pub = r.json()
        t.ok(int(db_one(srv, "SELECT COUNT(*) FROM deadlines WHERE object_type = 'publication_withdraw'"
                             " AND object_id = '%d' AND state <> 'met'" % pid) or 0) == 1, "its clock is open")
        r = head.act(pid, {"action": "withdraw", "row_version": pub["row_version"], "reason": "撤销",
                           "note": "行政复议决定撤销本决定", "event_date": pub["decision_date"]})
        t.is_(r.status, 200, "the head withdraws it")
        pub = r.json()
        t.ok(pub.get("state") == "withdrawn" and pub.get("withdrawn_reason") == "撤销" and pub.get("withdrawn_on"),
             "已撤下 with date and reason")

        # pages
        r = head.c.get("/publications")
        t.ok(r.status == 200 and "事后公开" in r.text, "the list page")
        r = head.c.get("/publications/%d" % pid)
        t.ok(r.status == 200 and "原文" in r.text and "公示内容" in r.text and "已撤下" in r.text,
             "the publication page: side by side, 已撤下")
        t.ok("违法事实" in r.text and "CF_SY" not in r.text.replace('value="CF_SY"', ""),
             "the staff mark's field is named in Chinese, not by its code")
        tok = harness.extract_csrf(r.body) or ""
        r = head.c.post_form("/publications/%d" % pid, {"_csrf": tok, "action": "end_early", "row_version": "1",
                                                         "note": "信用修复"})
        t.ok(400 <= r.status < 500 and chinese(r.text), "a failed act re-renders with its message (%d)" % r.status)
        r = other.c.get("/publications/%d" % pid)
        t.is_(r.status, 404, "another division's page: 404")
        r = head.c.get("/admin")
        t.ok(r.status == 200 and "事后公开" in r.text and "/publications" in r.text, "the head's 工作台 shows the block")
        sup = Api(srv, "jiandu")
        r = sup.c.get("/admin")
        t.ok(r.status == 200 and "事后公开" in r.text, "so does the supervisors'")
        r = sup.get("/api/v1/publications/%d" % pid)
        t.is_(r.status, 200, "a supervisor reads a publication")
        r = sup.act(pid, {"action": "end_early", "row_version": 1, "note": "x"})
        t.is_(r.status, 403, "but acts on none (router)")
    t.done()


if __name__ == "__main__":
    main()
