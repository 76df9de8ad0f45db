#!/usr/bin/env python3
"""test_portal_officers.py - who the portal shows as 执法人员: the status
beside every officer (directory and search), revoked and expired
certificates out of the directory unless asked for (包括已注销/过期), the
home page's count equal to the directory's, and the credential check
still answering for revoked ones.  TAP on stdout."""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}


def q(s):
    return urllib.parse.quote(s)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        listed = c.get("/api/v1/portal/officers").json()
        everyone = c.get("/api/v1/portal/officers?all=1").json()
        statuses = sorted({o["status"] for o in listed["officers"]})
        t.is_(statuses, ["suspended", "valid"], "the directory lists valid and suspended certificates only")
        t.is_(len(everyone["officers"]), 14, "asked for (all=1): all 14 certificates")
        t.ok({"revoked", "expired"} <= {o["status"] for o in everyone["officers"]}, "including revoked and expired")
        home = c.get("/", headers=JSON).json()
        t.is_(home["stats"]["certified_officers"], len(listed["officers"]),
              "the home page counts exactly the officers the directory lists (%d)" % len(listed["officers"]))
        bodies = c.get("/api/v1/portal/bodies").json()
        t.is_(bodies["certified_officers"], listed["total"], "and so do the bodies")
        t.is_(home["stats"]["valid_officers"], 11, "of whom 11 are valid today")

        r = c.get("/portal/officers")
        t.html_valid(r, "directory is valid HTML")
        rows = re.findall(r"<tr><th scope=\"row\".*?</tr>", r.text)
        t.is_(len(rows), len(listed["officers"]), "one row per listed certificate")
        t.ok(all('class="badge ' in row for row in rows), "every row shows its status")
        t.ok("杨光辉" not in r.text, "the revoked officer is not in the directory by default")
        t.ok('name="all"' in r.text and "包括已注销/过期" in r.text, "the filter offers 包括已注销/过期")
        r = c.get("/portal/officers?all=1")
        t.ok("杨光辉" in r.text and "已注销" in r.text and "已过期" in r.text, "with it, revoked and expired are shown")
        t.ok('id="fall" name="all" value="1" checked' in r.text, "and the box stays ticked")
        r = c.get("/portal/officers?all=yes")
        t.is_(r.status, 400, "a bad all= is 400")
        t.ok("包括已注销/过期" in r.text, "with a Chinese message naming it")

        # Search: the suspended officer carries his status; the revoked one is not an officer.
        r = c.get("/portal/search?q=" + q("爆炸"))
        t.ok("罗春梅" in r.text, "search 爆炸 finds the suspended officer")
        row = re.search(r"<tr><th scope=\"row\" data-label=\"姓名\">罗春梅</th>.*?</tr>", r.text)
        t.ok(row and 'badge suspended">暂扣<' in row.group(0), "shown as 暂扣", r.text[-3000:])
        t.html_valid(r, "search page is valid HTML")
        s = c.get("/api/v1/portal/search?q=" + q("无线电")).json()
        names = [o["name"] for o in s["officers"]]
        t.ok("李振宇" in names and "杨光辉" not in names, "search 无线电: the revoked officer is not listed", repr(names))
        t.ok(all(o.get("status_label") for o in s["officers"]), "search rows carry the status")

        # The credential check still answers for revoked and expired certificates.
        for st, label in (("revoked", "已注销"), ("expired", "已过期")):
            o = next(x for x in everyone["officers"] if x["status"] == st)
            r = c.get("/verify/c/" + o["token"])
            t.ok(r.status == 200 and label in r.text and "不得从事行政执法活动" in r.text,
                 "credential check answers for a %s certificate" % st)
    t.done()


if __name__ == "__main__":
    main()
