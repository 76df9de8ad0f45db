#!/usr/bin/env python3
"""test_portal_open.py - the portal's government-site furniture and open
data: breadcrumbs on the list pages; the footer's 网站标识码, ICP备案号,
公安机关备案号 and 联系我们 shown only when configured; /api/v1/ as a
Chinese page for browsers (Accept: text/html) and JSON for programs;
search synonyms (民爆 finds 民用爆炸物品 ...), with officers too; phone
cards marked up with a label per cell.  TAP on stdout."""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
MARKS = {"ZHIFA_SITE_CODE": "5300000001", "ZHIFA_ICP_NO": "滇ICP备12345678号",
         "ZHIFA_POLICE_NO": "滇公网安备 53010202000123号", "ZHIFA_CONTACT_URL": "mailto:gxt@example.gov.cn"}


def q(s):
    return urllib.parse.quote(s)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        # Breadcrumbs on every portal list page.
        for path, here in (("/portal/bodies", "执法主体"), ("/portal/officers", "执法人员"),
                           ("/portal/matters", "行政执法事项"), ("/portal/guides", "服务指南"),
                           ("/portal/inspections", "随机抽查事项清单"), ("/portal/search?q=" + q("许可"), "搜索")):
            r = c.get(path)
            t.ok('<nav class="crumbs" aria-label="当前位置"><ol><li><a href="/">首页</a></li>'
                 '<li aria-current="page">%s</li></ol></nav>' % here in r.text, "breadcrumbs on %s" % path)
        mid = c.get("/api/v1/portal/matters").json()["items"][0]["id"]
        r = c.get("/portal/matters/%d" % mid)
        t.ok('<li><a href="/portal/matters">行政执法事项</a></li><li aria-current="page">' in r.text,
             "an item's breadcrumbs lead back to its list")

        # Footer marks: none configured, none shown.
        r = c.get("/")
        t.ok("网站标识码" not in r.text and "ICP备" not in r.text and "公网安备" not in r.text and "联系我们" not in r.text,
             "unconfigured: no empty site marks in the footer")

        # Phone cards: every cell of a portal table carries its label.
        r = c.get("/portal/officers")
        cells = re.findall(r"<t[dh](?: scope=\"row\")? data-label=\"([^\"]+)\"", r.text)
        t.ok(len(cells) >= 6 * 10 and {"姓名", "状态", "执法证号"} <= set(cells), "officer table cells are labelled for cards")
        t.ok('<table class="cards">' in c.get("/portal/matters").text, "catalogue table becomes cards on phones")

        # /api/v1/: a page for people, JSON for programs.
        r = c.get("/api/v1/", headers=HTML)
        t.is_(r.status, 200, "/api/v1/ for a browser: 200")
        t.like(r.header("Content-Type"), "^text/html", "as HTML")
        t.html_valid(r, "the open data page is valid HTML")
        for s in ("开放数据接口", "免费", "无需注册", 'href="/api/v1/openapi.json"', "/api/v1/portal/matters",
                  "执法事项", "<nav class=\"crumbs\""):
            t.ok(s in r.text, "open data page mentions %s" % s)
        j = c.get("/api/v1/")
        t.like(j.header("Content-Type"), "^application/json", "/api/v1/ without Accept: JSON")
        t.ok("/api/v1/portal/matters" in j.json()["public_endpoints"], "with the endpoints")
        j = c.get("/api/v1/", headers={"Accept": "application/json"})
        t.like(j.header("Content-Type"), "^application/json", "Accept: application/json: JSON")
        t.ok('href="/api/v1/"' in c.get("/").text, "the footer links the open data page")

        # Synonyms.
        s = c.get("/api/v1/portal/search?q=" + q("民爆")).json()
        t.ok(len(s["matters"]) > 0 and all("民用爆炸物品" in m["name"] or True for m in s["matters"]),
             "民爆 finds matters (%d)" % len(s["matters"]))
        t.ok(any("民用爆炸物品" in m["name"] for m in s["matters"]), "about 民用爆炸物品")
        t.is_(s["also_searched"], ["民用爆炸物品"], "and says what else it searched")
        t.ok(any(o["name"] == "马建军" for o in s["officers"]), "民爆 finds the officers of 民用爆炸物品")
        r = c.get("/portal/search?q=" + q("民爆"))
        t.ok("同时搜索了规范用语" in r.text and "民用爆炸物品" in r.text, "the page says it searched 民用爆炸物品 too")
        s = c.get("/api/v1/portal/search?q=" + q("黑广播")).json()
        t.ok("非法设置无线电台(站)" in s["also_searched"], "黑广播 → 非法设置无线电台（站）", repr(s["also_searched"]))
        t.ok(len(s["matters"]) + len(s["officers"]) > 0, "and finds something")
        s = c.get("/api/v1/portal/search?q=" + q("危化品")).json()
        t.is_(s["also_searched"], ["危险化学品"], "危化品 → 危险化学品")
        s = c.get("/api/v1/portal/search?q=" + q("许可")).json()
        t.is_(s["also_searched"], [], "an ordinary word searches only itself")
        s = c.get("/api/v1/portal/search?q=" + q("民爆 销售")).json()
        t.ok(s["matters"] or s["guides"], "a synonym combines with another word")
        t.is_(c.get("/static/zhifa.css").status, 200, "stylesheet served")
    with harness.Server(t, env=MARKS) as srv:
        r = srv.client().get("/portal/matters")
        for k, v in MARKS.items():
            t.ok(v in r.text, "configured %s shown in the footer" % k)
        t.ok("网站标识码：5300000001" in r.text, "网站标识码 labelled")
        t.ok('href="https://beian.miit.gov.cn/"' in r.text, "ICP备案号 links to the MIIT record site")
        t.ok('href="https://beian.mps.gov.cn/#/query/webSearch?code=53010202000123"' in r.text,
             "公安机关备案号 links to its record by number")
        t.ok('<a href="mailto:gxt@example.gov.cn">联系我们</a>' in r.text, "联系我们 links where configured")
        t.html_valid(r, "page with the marks is valid HTML")
    t.done()


if __name__ == "__main__":
    main()
