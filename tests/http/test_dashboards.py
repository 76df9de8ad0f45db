#!/usr/bin/env python3
"""test_dashboards.py - the back office's front page (pages/admin.c) per role:
the archivist (档案管理员) sees the archive clocks of the units in scope,
the reviewer (法制审核人员) the legal-review clocks and the catalogue drafts
waiting to be published, each with the pages they use; an officer sees
neither.  The clocks shown are exactly those of the deadline engine (checked
against every demo officer's own list); with none in scope the page says so
plainly.  TAP on stdout."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
OFFICERS = ("jn.zhang", "jn.liu", "aq.ma", "aq.zhu", "wx.li", "wx.zhao", "gf.wu", "hx.lin", "hx.song")


def login(srv, who, pw=PW):
    c = srv.client()
    r = c.login(who, pw)
    return c if r.status == 303 else None


def add_user(srv, username, unit, roles, scope):
    """zhifa user add on the server's database."""
    cmd = [srv.bin, "user", "add", username, "--name", "测试" + username, "--unit", unit, "--roles", roles,
           "--scope", scope, "--no-must-change", "--password-stdin", "--data", os.path.join(srv.tmp, "data")]
    if srv.db_url:
        cmd += ["--db", srv.db_url]
    p = subprocess.run(cmd, input=PW + "\n", capture_output=True, text=True, timeout=60, env=srv._env())
    return p.returncode, p.stderr


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        # what the engine holds, from each officer's own clocks
        arch, review = set(), {}
        for who in OFFICERS:
            c = login(srv, who)
            st = c.get("/admin", headers=JSON)
            for d in st.json()["deadlines"]:
                if d["ends_with"] == "archived":
                    arch.add(d["object_id"])
                if d["ends_with"] == "review_done":
                    review[d["object_id"]] = d["state"]
        t.ok(arch and review, "the demo has archive and review clocks (%d, %d)" % (len(arch), len(review)))

        # ---- the archivist ----
        a = login(srv, "dangan")
        r = a.get("/admin")
        t.is_(r.status, 200, "archivist's dashboard answers 200")
        t.html_valid(r, "archivist's dashboard is valid HTML")
        t.like(r.text, r'<h2 id="arch-h">案卷归档期限</h2>', "it has the archive section")
        t.ok("法制审核期限" not in r.text, "... and not the reviewer's")
        m = a.get("/admin", headers=JSON).json()
        shown = {d["object_id"] for k in ("overdue", "due_soon", "open") for d in m["archive"][k]}
        t.is_(shown, arch, "every unmet archive clock is shown, no other")
        t.is_(m["archive"]["open_total"] + len(m["archive"]["overdue"]) + len(m["archive"]["due_soon"]), len(arch),
              "the counts add up")
        t.ok(all(d["unit_name"] and d["owner_name"] for d in m["archive"]["open"]), "clocks name unit and owner")
        for oid in sorted(arch)[:3]:
            t.like(r.text, re.escape(oid), "clock %s listed" % oid)
        if not m["archive"]["overdue"]:
            t.like(r.text, "没有已超期的归档期限。", "it says plainly that none is overdue")
        if not m["archive"]["due_soon"]:
            t.like(r.text, "没有即将到期（两个工作日内）的归档期限。", "... and that none is due soon")
        t.like(r.text, r"还剩 \d+ 个工作日", "running clocks say the working days left")
        t.like(r.text, r'href="/admin/vault"', "link to the evidence vault")
        t.like(r.text, r'href="/admin/deadlines/rules"', "link to the deadline rules")

        # ---- the reviewer ----
        s = login(srv, "shenhe")
        r = s.get("/admin")
        t.is_(r.status, 200, "reviewer's dashboard answers 200")
        t.html_valid(r, "reviewer's dashboard is valid HTML")
        t.like(r.text, r'<h2 id="rev-h">法制审核期限</h2>', "it has the review section")
        t.ok("案卷归档期限" not in r.text, "... and not the archivist's")
        m = s.get("/admin", headers=JSON).json()
        got = {d["object_id"]: d["state"] for k in ("overdue", "due_soon", "open") for d in m["review"][k]}
        t.is_(got, review, "every unmet review clock is shown with its state")
        n_over = sum(1 for v in review.values() if v == "overdue")
        t.is_(len(m["review"]["overdue"]), n_over, "overdue ones under 已超期")
        if n_over:
            t.like(r.text, "已超期（%d）" % n_over, "... with their count")
            t.like(r.text, r"超过截止日 \d+ 天", "... and how late")
        due = [d["due_on"] for d in m["review"]["overdue"]]
        t.is_(due, sorted(due), "most urgent first")
        t.like(r.text, "目前没有待发布的公示内容。", "no drafts: it says so")
        for href in ("/admin/matters", "/admin/officers", "/admin/deadlines/rules"):
            t.like(r.text, 'href="%s"' % href, "link to " + href)

        # a draft appears for the reviewer
        o = login(srv, "jn.zhang")
        ocsrf = o.csrf("/admin/matters")
        lst = o.get("/admin/matters?status=published", headers=JSON).json()["items"]
        mid = lst[0]["id"]
        cur = o.get("/admin/matters/%d" % mid, headers=JSON).json()["published"]
        cur = dict(cur, authority=cur["authority"] + "（修订）")
        r = o.post_json("/admin/matters/%d/edit" % mid, {"content": cur}, headers={"X-CSRF-Token": ocsrf})
        t.is_(r.status, 200, "an officer edits a published matter")
        r = s.get("/admin")
        t.like(r.text, r'href="/admin/matters/%d">%s</a>' % (mid, re.escape(lst[0]["name"])),
               "the reviewer sees the draft waiting to be published")
        t.is_(s.get("/admin/matters/%d" % mid).status, 200, "... and may open it")

        # a person with both head and reviewer roles gets both
        f = login(srv, "fagui.head")
        r = f.get("/admin")
        t.ok("法制审核期限" in r.text and "我的未完成期限" in r.text, "head and reviewer: both dashboards")

        # an officer sees neither
        r = o.get("/admin")
        t.ok("案卷归档期限" not in r.text and "法制审核期限" not in r.text, "an officer sees neither role's section")
        m = o.get("/admin", headers=JSON).json()
        t.ok("archive" not in m and "review" not in m, "... nor in the model")

        # nothing in scope: said plainly
        rc, err = add_user(srv, "dangan.own", "bgs", "archivist,reviewer", "own")
        t.ok(rc == 0, "an archivist and reviewer of the office alone is added", err)
        b = login(srv, "dangan.own")
        t.ok(b, "... and logs in")
        if b:
            r = b.get("/admin")
            t.like(r.text, "目前没有归档期限。", "no archive clock in scope: said plainly")
            t.like(r.text, "目前没有法制审核期限。", "no review clock in scope: said plainly")
            m = b.get("/admin", headers=JSON).json()
            t.is_((m["archive"]["open_total"], len(m["review"]["overdue"])), (0, 0), "... and the model is empty")
            t.html_valid(r, "empty dashboard is valid HTML")
    t.done()


if __name__ == "__main__":
    main()
