#!/usr/bin/env python3
"""test_disclosure_portal.py - 行政执法决定公示 on the public portal.

Decisions are written into the server's database by
tests/verifier/seed_disclosure.c (the fixture of the publication tables,
the real ledger and the search index), then the portal is read:
  * the list: HTML and JSON, keyset paging through every item, the filters,
    each bad parameter refused with a Chinese message and a 400;
  * search: two-character words, an abbreviation, two words, hostile input
    of any length or content answered 200;
  * one decision: current version, correction and ?history=1, 已撤下 with
    date and reason, 公示期已满; an unknown id 404;
  * open data: CSV (list and item) parsed, Atom parsed as XML, the 双公示
    CSV and Excel (CF_ columns);
  * 核验: the page, the proof API, `zhifa verify URL --publication ID`
    passing, and failing after one byte of the published row is changed in
    the database.
Run: make -s build/asan/zhifa && python3 tests/http/test_disclosure_portal.py
"""
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

ROOT = harness.ROOT
SEED = os.path.join(ROOT, "build/asan/tests/seed_disclosure")
ATOM = "{http://www.w3.org/2005/Atom}"


def build_seed(t):
    """Compile seed_disclosure.c against build/asan (the objects of src/)."""
    mk = open(os.path.join(ROOT, "Makefile"), encoding="utf-8").read().replace("\\\n", " ")
    pkgs = re.search(r"^PKGS := (.*)$", mk, re.M).group(1).split()
    cflags = subprocess.run(["pkg-config", "--cflags"] + pkgs, capture_output=True, text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs"] + pkgs, capture_output=True, text=True).stdout.split()
    objs = []
    for d, _, files in os.walk(os.path.join(ROOT, "src")):
        for f in files:
            if f.endswith(".c"):
                rel = os.path.relpath(os.path.join(d, f), ROOT)
                if rel != "src/main.c":
                    objs.append(os.path.join(ROOT, "build/asan", rel[:-2] + ".o"))
    objs.append(os.path.join(ROOT, "build/asan/build/gen/embedded.o"))
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        t.bail("先运行 make build/asan/zhifa(缺少 %s)" % missing[0])
    os.makedirs(os.path.dirname(SEED), exist_ok=True)
    src = os.path.join(ROOT, "tests/verifier/seed_disclosure.c")
    if os.path.exists(SEED) and all(os.path.getmtime(SEED) > os.path.getmtime(x) for x in objs + [src]):
        return
    cmd = (["cc", "-std=c17", "-D_GNU_SOURCE", "-pthread", "-I" + os.path.join(ROOT, "src"),
            "-I" + os.path.join(ROOT, "tests"), "-I" + os.path.join(ROOT, "build/gen")] + cflags +
           ["-g", "-O1", "-fsanitize=address,undefined", "-o", SEED, src] + sorted(objs) + libs +
           ["-lmagic", "-pthread", "-lm"])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        t.diag(p.stderr[-3000:])
        t.bail("无法编译 tests/verifier/seed_disclosure.c")


def db_url(srv):
    return srv.db_url or "sqlite:" + os.path.join(srv.tmp, "data", "zhifa.db")


def seed(srv, ops):
    p = subprocess.run([SEED, db_url(srv)], input=json.dumps(ops, ensure_ascii=False), capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        srv.tap.diag(p.stderr)
        srv.tap.bail("seed_disclosure 失败")
    return json.loads(p.stdout)


def sql(srv, statement):
    """Run one statement on the server's database behind its back."""
    if srv.db_url:
        p = harness._psql(srv.db_url, statement)
        if p.returncode != 0:
            srv.tap.diag(p.stderr)
        return p.returncode == 0
    con = sqlite3.connect(os.path.join(srv.tmp, "data", "zhifa.db"), timeout=30)
    try:
        con.executescript(statement)
        con.commit()
    finally:
        con.close()
    return True


def wait_checkpoint(c, size):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = c.get("/log/checkpoint")
        if r.status == 200 and int(r.text.split("\n")[1]) >= size:
            return r.text
        time.sleep(0.3)
    return None


def pub(title, party, no, date, kind="penalty", category="罚款", text="", fields=None, period=None):
    f = fields if fields is not None else {("CF_XDR_MC" if kind == "penalty" else "XK_XDR_MC"): party,
                                           ("CF_WSH" if kind == "penalty" else "XK_WSH"): no}
    op = {"op": "publish", "kind": kind, "title": title, "party": party, "category": category, "no": no,
          "date": date, "fields": f, "text": text}
    if period:
        op["period_ends_on"] = period
    return op


def chinese_error(t, r, status, field, name):
    t.is_(r.status, status, name + ": status %d" % status)
    try:
        err = r.json()["error"]
    except Exception:
        err = {}
    t.ok(harness.CJK.search(err.get("message", "")) and err.get("field") == field,
         name + ": Chinese message naming %s" % field, repr(err))


def main():
    t = harness.Tap()
    build_seed(t)
    J = {"Accept": "application/json"}
    with harness.Server(t) as srv:
        c = srv.client()
        r = c.get("/portal/decisions")
        t.is_(r.status, 200, "empty list answers")
        t.like(r.text, "没有找到符合条件的执法决定公示", "and says there is nothing")

        ops = [
            pub("某某化工有限公司超量储存危险化学品案", "某某化工有限公司", "工信罚〔2024〕1号", "2024-03-01",
                text="当事人超量储存危险化学品，罚款人民币50000元。",
                fields={"CF_XDR_MC": "某某化工有限公司", "CF_WSH": "工信罚〔2024〕1号", "CF_SY": "超量储存危险化学品",
                        "CF_NR_FK": "5", "CF_XDR_SHXYM": "91370000MA3C000001"}),
            pub("甲公司民用爆炸物品生产许可", "甲公司", "工信许〔2024〕7号", "2024-02-10", kind="licence",
                category="普通", text="准予民用爆炸物品生产许可。"),
            pub("某电子厂无线电干扰案", "某电子厂", "工信罚〔2024〕2号", "2024-03-05", category="警告",
                text="擅自设置无线电台站，给予警告。"),
            pub("<script>alert(1)</script>乙公司案", "乙公司<b>", "工信罚〔2024〕3号", "2024-03-06",
                text="<img src=x onerror=alert(1)>罚款。"),
        ]
        for i in range(41):
            ops.append(pub("批量公示案件%02d" % i, "批量公司%02d" % i, "工信罚〔2023〕%d号" % (100 + i),
                           "2023-%02d-%02d" % (1 + i % 12, 1 + i % 28), text="未按规定报送统计资料，罚款。"))
        ids = seed(srv, ops)
        a, b, cc, x = ids[0], ids[1], ids[2], ids[3]
        total = len(ids)

        # ---- the list
        r = c.get("/portal/decisions")
        t.is_(r.status, 200, "list 200")
        t.html_valid(r, "list is valid HTML")
        t.like(r.text, "行政执法决定公示", "list title")
        t.ok("<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text, "titles escaped")
        t.like(r.text, 'rel="next" href="/portal/decisions\\?cursor=', "a next-page link")
        t.ok(not re.search(r">(penalty|licence)<", r.text), "no codes shown for kinds")
        seen, url, pages = [], "/api/v1/portal/decisions", 0
        while url and pages < 10:
            m = c.get(url).json()
            seen += [it["id"] for it in m["items"]]
            url = m.get("next_url")
            pages += 1
        t.is_(len(seen), total, "JSON pages visit every decision")
        t.is_(len(set(seen)), total, "each once")
        t.is_(pages, 3, "in pages of 20")
        first = c.get("/api/v1/portal/decisions").json()["items"]
        t.is_(first[0]["id"], x, "newest decision first")
        t.is_(first[0]["kind_label"], "行政处罚", "kind named in Chinese")
        m = c.get("/api/v1/portal/decisions?kind=licence").json()
        t.ok([i["id"] for i in m["items"]] == [b], "kind filter")
        m = c.get("/api/v1/portal/decisions?from=2024-03-01&to=2024-03-05").json()
        t.is_(sorted(i["id"] for i in m["items"]), sorted([a, cc]), "date range")
        m = c.get("/api/v1/portal/decisions?category=" + urllib.parse.quote("警告")).json()
        t.ok([i["id"] for i in m["items"]] == [cc], "category filter")
        unit = first[0]["unit_id"]
        m = c.get("/api/v1/portal/decisions?unit=%d" % unit).json()
        t.is_(len(m["items"]), 20, "division filter")
        m = c.get("/api/v1/portal/decisions?unit=999999").json()
        t.is_(len(m["items"]), 0, "an unknown division: none")
        for q, field in (("kind=x", "kind"), ("from=2024-13-01", "from"), ("to=yesterday", "to"),
                         ("from=2024-05-01&to=2024-04-01", "from"), ("cursor=abc", "cursor"),
                         ("unit=-3", "unit"), ("body=abc", "body")):
            chinese_error(t, c.get("/api/v1/portal/decisions?" + q), 400, field, "bad " + q)
        r = c.get("/portal/decisions?kind=x")
        t.is_(r.status, 400, "bad filter on the page: 400")
        t.like(r.text, "决定类别", "the page names the parameter")

        # ---- search
        def s(q, extra=""):
            return c.get("/api/v1/portal/decisions?q=" + urllib.parse.quote(q) + extra)

        m = s("罚款").json()
        t.is_(len(m["items"]), 20, "罚款: a full page")
        found, url, pages = [], "/api/v1/portal/decisions?q=" + urllib.parse.quote("罚款"), 0
        while url and pages < 10:
            m = c.get(url).json()
            found += [i["id"] for i in m["items"]]
            url = m.get("next_url")
            pages += 1
        t.is_(len(set(found)), 43, "all 43 with 罚款 found over the pages")
        t.ok(a in found and x in found, "including the first and the fourth")
        m = s("警告").json()
        t.ok([i["id"] for i in m["items"]] == [cc], "two-character word 警告")
        m = s("危化品").json()
        t.ok([i["id"] for i in m["items"]] == [a], "abbreviation 危化品 finds 危险化学品")
        t.ok("危险化学品" in m["search"]["also_searched"], "and says it searched the standard term")
        m = s("民爆").json()
        t.ok([i["id"] for i in m["items"]] == [b], "民爆 finds 民用爆炸物品")
        m = s("化工 储存").json()
        t.ok([i["id"] for i in m["items"]] == [a], "two words")
        m = s("91370000MA3C000001").json()
        t.ok([i["id"] for i in m["items"]] == [a], "a credit code")
        m = s("罚款", "&kind=licence").json()
        t.is_(len(m["items"]), 0, "search with a filter")
        r = c.get("/portal/decisions?q=" + urllib.parse.quote("警告"))
        t.is_(r.status, 200, "search page 200")
        t.html_valid(r, "search page valid HTML")
        t.like(r.text, "某电子厂无线电干扰案", "search page lists the hit")
        # the server reads request heads up to 64 kB; below that any query is answered
        hostile = ["罚" * 2000, "'; DROP TABLE publications; --", "%_%_", "<script>", "😀" * 50, "\u3000 \t",
                   "a" * 30000, "\\x00", "工信罚〔2024〕1号" * 100]
        okall = True
        for q in hostile:
            for path in ("/api/v1/portal/decisions?q=", "/portal/decisions?q="):
                r = c.get(path + urllib.parse.quote(q))
                if r.status != 200:
                    t.diag("%s%s...: %d" % (path, q[:20], r.status))
                okall = okall and r.status == 200
        t.ok(okall, "hostile search input of any length or content: 200")
        m = s("a" * 30000).json()
        t.ok(m["search"]["truncated"], "a long query is said to be cut")
        r = c.raw("GET", "/api/v1/portal/decisions?q=%FF%FE")
        t.ok(r.status in (200, 400), "bytes that are not UTF-8: answered (%d)" % r.status)
        t.is_(c.get("/api/v1/portal/decisions").json()["items"][0]["id"], x, "nothing changed by it")

        # ---- one decision
        r = c.get("/portal/decisions/%d" % a)
        t.is_(r.status, 200, "detail 200")
        t.html_valid(r, "detail valid HTML")
        t.like(r.text, "超量储存危险化学品", "detail shows the fields")
        t.like(r.text, "违法事实", "with their Chinese names")
        t.ok("CF_SY" not in r.text, "and no field codes")
        t.like(r.text, 'href="/portal/decisions/%d/verify">核验' % a, "a 核验 link")
        r = c.get("/portal/decisions/%d" % x)
        t.ok("<script>alert(1)</script>" not in r.text and "<img src=x" not in r.text, "detail escapes")
        chinese_error(t, c.get("/api/v1/portal/decisions/999999"), 404, "", "unknown id")
        chinese_error(t, c.get("/api/v1/portal/decisions/%d?history=2" % a), 400, "history", "bad history")
        seed(srv, [{"op": "correct", "id": a, "note": "罚款金额表述更正",
                    "fields": {"CF_XDR_MC": "某某化工有限公司", "CF_WSH": "工信罚〔2024〕1号",
                               "CF_SY": "超量储存危险化学品", "CF_NR_FK": "5",
                               "CF_XDR_SHXYM": "91370000MA3C000001"},
                    "text": "当事人超量储存危险化学品，罚款人民币50000元（伍万元）。"},
                   {"op": "withdraw", "id": cc, "reason": "撤销", "note": "经行政复议决定撤销", "on": "2024-04-02"},
                   {"op": "expire", "id": b, "on": "2024-05-01"}])
        m = c.get("/api/v1/portal/decisions/%d?history=1" % a).json()
        t.is_(m["version"], 2, "corrected: version 2")
        t.is_(len(m["versions"]), 2, "history has both versions")
        r = c.get("/portal/decisions/%d" % a)
        t.like(r.text, "第 2 版", "page shows the version")
        t.like(r.text, "罚款金额表述更正", "and the correction note")
        r = c.get("/portal/decisions/%d?history=1" % a)
        t.html_valid(r, "history page valid HTML")
        t.like(r.text, "更正记录", "history table")
        t.like(r.text, "第 1 版的公示内容", "with the earlier version")
        r = c.get("/portal/decisions/%d" % cc)
        t.is_(r.status, 200, "withdrawn: the page stays")
        t.html_valid(r, "withdrawn page valid HTML")
        t.like(r.text, "已撤下", "says 已撤下")
        t.like(r.text, "2024-04-02", "with the date")
        t.like(r.text, "撤销", "and the reason")
        t.ok("擅自设置无线电台站" not in r.text, "without the content")
        m = c.get("/api/v1/portal/decisions").json()
        t.ok(cc not in [i["id"] for i in m["items"]] and b not in [i["id"] for i in m["items"]],
             "withdrawn and expired leave the list")
        t.is_(len(s("警告").json()["items"]), 0, "and the search")
        r = c.get("/portal/decisions/%d" % b)
        t.like(r.text, "公示期已满", "expired: the page says so")

        # ---- open data
        r = c.get("/portal/decisions.csv")
        t.is_(r.status, 200, "list CSV")
        t.like(r.header("Content-Type"), "text/csv", "CSV type")
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
        t.is_(rows[0][:3], ["编号", "决定类别", "标题"], "CSV header")
        t.is_(len(rows), 21, "header and a page of rows")
        t.ok(all(len(row) == len(rows[0]) for row in rows), "rectangular")
        r = c.get("/portal/decisions/%d/data.csv" % a)
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
        t.ok(["违法事实", "超量储存危险化学品"] in [row[:2] for row in rows] or
             any(row[0] == "CF_SY" and row[1] == "超量储存危险化学品" for row in rows), "item CSV")
        t.is_(c.get("/portal/decisions/%d/data.csv" % cc).status, 404, "no CSV of a withdrawn one")
        r = c.get("/portal/decisions.atom")
        t.like(r.header("Content-Type"), "application/atom\\+xml", "Atom type")
        try:
            feed = ET.fromstring(r.body)
            entries = feed.findall(ATOM + "entry")
            t.ok(len(entries) >= 40, "Atom parses, %d entries" % len(entries))
            titles = [e.find(ATOM + "title").text for e in entries]
            t.ok(any("<script>" in (x or "") for x in titles), "titles carried as text, escaped in XML")
            t.ok(any("更正" in (x or "") for x in titles), "the correction is an entry")
        except ET.ParseError as e:
            t.ok(False, "Atom parses", str(e))
        r = c.get("/portal/credit-export.csv?kind=penalty")
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"), newline="")))
        t.is_(rows[0][0], "CF_XDR_MC", "双公示 CSV: CF_ header")
        t.ok(any(row[0] == "某某化工有限公司" and "91370000MA3C000001" in row for row in rows), "with the fields")
        chinese_error(t, c.get("/portal/credit-export.csv?kind=coercion", headers=J), 400, "kind", "双公示 bad kind")
        r = c.get("/portal/credit-export.xlsx?kind=licence")
        t.is_(r.status, 200, "双公示 Excel")
        try:
            z = zipfile.ZipFile(io.BytesIO(r.body))
            names = z.namelist()
            shared = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in names else ""
            t.ok("xl/worksheets/sheet1.xml" in names and "XK_XDR_MC" in shared, "xlsx well-formed with XK_ columns")
        except zipfile.BadZipFile:
            t.ok(False, "xlsx well-formed")

        # ---- 核验
        note = wait_checkpoint(c, 1)
        size = int(c.get("/api/v1/log").json()["tree_size"])
        note = wait_checkpoint(c, size)
        t.ok(note, "a checkpoint covers the publications")
        r = c.get("/portal/decisions/%d/verify" % a)
        t.is_(r.status, 200, "核验 page")
        t.html_valid(r, "核验 page valid HTML")
        t.like(r.text, '<script src="/static/verify-publication.js" defer>', "loads its script")
        t.ok(c.get("/static/verify-publication.js").status == 200, "the script is served")
        m = c.get("/api/v1/portal/decisions/%d/proof" % a).json()
        t.ok(m["pending"] is False and m["content"] and m["leaf"] and m["inclusion"], "proof API")
        key = c.get("/log/key").text.strip()
        state = os.path.join(srv.tmp, "verify.state")
        p = subprocess.run([srv.bin, "verify", srv.base, "--key", key, "--state", state, "--publication", str(a)],
                           capture_output=True, text=True, timeout=120)
        t.ok(p.returncode == 0, "zhifa verify --publication passes", p.stdout + p.stderr)
        t.like(p.stdout, "所公示内容与账本登记的一致", "and says so")
        p = subprocess.run([srv.bin, "verify", srv.base, "--key", key, "--state", state, "--publication", str(a),
                            "--version", "1"], capture_output=True, text=True, timeout=120)
        t.ok(p.returncode == 0, "the first version verifies too", p.stdout)
        p = subprocess.run([srv.bin, "verify", srv.base, "--key", key, "--state", state, "--publication", str(cc)],
                           capture_output=True, text=True, timeout=120)
        t.ok(p.returncode == 0, "a withdrawn one: its hash still verifies", p.stdout)
        # one byte of the published row changed in the database
        if srv.db_url:
            ok = sql(srv, "ALTER TABLE publication_versions DISABLE TRIGGER USER;"
                          " UPDATE publication_versions SET content = replace(content, '50000', '60000')"
                          " WHERE publication_id = %d AND version = 2;"
                          " ALTER TABLE publication_versions ENABLE TRIGGER USER;" % a)
        else:
            ok = sql(srv, "DROP TRIGGER publication_versions_no_update;"
                          " UPDATE publication_versions SET content = replace(content, '50000', '60000')"
                          " WHERE publication_id = %d AND version = 2;" % a)
        t.ok(ok, "tampered one byte behind the server's back")
        m = c.get("/api/v1/portal/decisions/%d/proof" % a).json()
        t.like(m["content"], "60000", "the server now serves the changed bytes")
        p = subprocess.run([srv.bin, "verify", srv.base, "--key", key, "--state", state, "--publication", str(a)],
                           capture_output=True, text=True, timeout=120)
        t.is_(p.returncode, 1, "zhifa verify --publication fails on the tampered row")
        t.like(p.stdout, "不符", "naming the mismatch")
        p = subprocess.run([srv.bin, "verify", srv.base, "--key", key, "--publication", "abc"],
                           capture_output=True, text=True, timeout=60)
        t.is_(p.returncode, 2, "bad --publication: usage error")
    t.done()


if __name__ == "__main__":
    main()
