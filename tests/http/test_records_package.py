#!/usr/bin/env python3
"""test_records_package.py - the case package from outside (docs/package.md):
POST /cases/{id}/package.zip (with the CSRF token) for those with the case in view (zip, logged,
a case.exported leaf), refused for the public and for a case out of view;
`zhifa case export ... --out FILE.zip --user LOGIN` (usage errors, an
unknown case or user, an unwritable folder leaving nothing behind);
`zhifa verify --package` passing on both and failing with Chinese lines on a
changed byte; the independent checker (tests/verifier/verify_package.py:
unzip, sha256sum, openssl, hashlib) accepting the download.  The demo's
penalty_simple case has a finalised 当场行政处罚决定书 with the party's
signature.  TAP; runs the ASan binary; honours ZHIFA_TEST_DB."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
CASE_NO = "云工信简罚〔2026〕1号"
CHECKER = os.path.join(harness.ROOT, "tests/verifier/verify_package.py")

t = harness.Tap()


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def run(srv, *args):
    p = subprocess.run([srv.bin] + list(args), capture_output=True, text=True, timeout=300, env=srv._env())
    for stream in (p.stdout, p.stderr):
        for mark in harness.SANITIZER_MARKS:
            if mark in stream:
                t.ok(False, "no sanitizer report in zhifa " + " ".join(args), stream[-2000:])
    return p


with harness.Server(t) as srv:
    tmp = tempfile.mkdtemp(prefix="zhifa-pkg-")
    c = srv.client()
    c.login("jiandu", PW)
    r = c.get("/api/v1/cases?per_page=100")
    items = r.json().get("items", []) if r.status == 200 else []
    case = next((x for x in items if x.get("case_no") == CASE_NO), None)
    t.ok(case is not None, "the demo has the case " + CASE_NO)
    cid = case["id"] if case else 0

    # --- the download: a POST with the form's token (the export is an act of record) ---
    r = c.get("/cases/%d/package.zip" % cid)
    t.is_(r.status, 405, "a GET does not export (405)")
    r = c.post_form("/cases/%d/package.zip" % cid, {})
    t.is_(r.status, 403, "a POST without the CSRF token is refused")
    page = c.get("/cases/%d" % cid)
    t.like(page.text, r'action="/cases/%d/package.zip"' % cid, "the case page has the download form")
    r = c.post_form("/cases/%d/package.zip" % cid, {"_csrf": c.csrf("/cases/%d" % cid)})
    t.is_(r.status, 200, "supervisor downloads the package")
    t.is_(r.header("Content-Type", "").split(";")[0], "application/zip", "as application/zip")
    t.ok("attachment" in r.header("Content-Disposition", ""), "as an attachment")
    dl = os.path.join(tmp, "download.zip")
    with open(dl, "wb") as f:
        f.write(r.body)
    z = zipfile.ZipFile(io.BytesIO(r.body))
    names = z.namelist()
    t.ok(any(n.startswith("documents/") and n.endswith(".pdf") for n in names), "a document PDF in the zip")
    t.ok(any(n.startswith("signatures/") for n in names), "the party's signature image in the zip")
    t.ok("说明.txt" in names and "manifest.json" in names and "checkpoint.txt" in names, "说明.txt, manifest, note")
    man = json.loads(z.read("manifest.json"))
    t.is_(man["case"]["case_no"], CASE_NO, "manifest names the case")
    p = run(srv, "verify", "--package", dl)
    t.is_(p.returncode, 0, "zhifa verify --package passes on the download")
    t.ok("核验通过" in p.stdout, "and says so in Chinese", p.stdout + p.stderr)
    p = subprocess.run([sys.executable, CHECKER, dl], capture_output=True, text=True)
    t.is_(p.returncode, 0, "the independent checker accepts the download")
    if p.returncode:
        t.diag(p.stdout + p.stderr)

    # pinned key: the one the site publishes
    key = c.get("/log/key").text.strip()
    p = run(srv, "verify", "--package", dl, "--key", key)
    t.is_(p.returncode, 0, "signed by the key /log/key publishes")

    # a changed byte
    b = bytearray(r.body)
    off = b.find(b"%PDF")
    b[off + 100] ^= 1
    bad = os.path.join(tmp, "bad.zip")
    with open(bad, "wb") as f:
        f.write(bytes(b))
    p = run(srv, "verify", "--package", bad)
    t.is_(p.returncode, 1, "a changed byte in the document: exit 1")
    t.ok("核验未通过" in p.stdout and "documents/" in p.stdout, "names the document in Chinese", p.stdout)

    # not a package at all, a missing file, no file named
    junk = os.path.join(tmp, "junk.zip")
    with open(junk, "w") as f:
        f.write("这不是压缩包\n")
    p = run(srv, "verify", "--package", junk)
    t.ok(p.returncode == 1 and "不是可读的 zip" in p.stdout, "a file that is no zip: exit 1 saying so", p.stdout + p.stderr)
    p = run(srv, "verify", "--package", os.path.join(tmp, "missing.zip"))
    t.ok(p.returncode == 1 and "无法打开证据包" in p.stderr, "a missing file: exit 1 saying so", p.stderr)
    p = run(srv, "verify", "--package")
    t.is_(p.returncode, 2, "--package without a file: usage, exit 2")
    # a zip of other files with the same names is no package of this body
    with zipfile.ZipFile(os.path.join(tmp, "other.zip"), "w") as zo:
        for n in names:
            zo.writestr(n, b"x")
    p = run(srv, "verify", "--package", os.path.join(tmp, "other.zip"))
    t.ok(p.returncode == 1 and p.stdout.count("\n") > 10, "a look-alike zip: exit 1 with many lines", p.stdout)

    # the case's own officer and the division head download it too (their unit's files)
    for who in ("jn.zhang", "jn.head"):
        o = srv.client()
        o.login(who, PW)
        r = o.post_form("/cases/%d/package.zip" % cid, {"_csrf": o.csrf("/cases/%d" % cid)})
        t.ok(r.status == 200 and r.body[:2] == b"PK", "%s (the case's division) downloads it (%d)" % (who, r.status))

    # refused: the public, an officer of another division
    pub = srv.client()
    r = pub.post_form("/cases/%d/package.zip" % cid, {"_csrf": "x"})
    t.ok(r.status in (302, 303, 401), "the public is refused (%d)" % r.status)
    other = srv.client()
    other.login("aq.ma", PW)
    r = other.post_form("/cases/%d/package.zip" % cid, {"_csrf": other.csrf("/cases")})
    t.is_(r.status, 404, "an officer of another division gets 404")
    r = c.post_form("/cases/999999/package.zip", {"_csrf": c.csrf("/cases")})
    t.is_(r.status, 404, "an unknown case: 404")

    # --- the command line ---
    out = os.path.join(tmp, "cli.zip")
    p = run(srv, "case", "export", "--data", srv.data, CASE_NO, "--out", out, "--user", "jiandu")
    t.is_(p.returncode, 0, "zhifa case export writes the package")
    t.ok(os.path.exists(out) and not os.path.exists(out + ".part"), "under its name, no .part left")
    p = run(srv, "verify", "--package", out)
    t.is_(p.returncode, 0, "the exported package verifies")
    p = run(srv, "case", "export", "--data", srv.data, CASE_NO, "--out", out)
    t.ok(p.returncode == 2 and "--user" in p.stderr, "without --user: exit 2 naming --user", p.stderr)
    p = run(srv, "case", "export", "--data", srv.data, "不存在的编号", "--out", out, "--user", "jiandu")
    t.ok(p.returncode == 1 and "没有编号为" in p.stderr, "an unknown case number: exit 1", p.stderr)
    p = run(srv, "case", "export", "--data", srv.data, CASE_NO, "--out", out, "--user", "nobody")
    t.ok(p.returncode == 1 and "没有用户名为" in p.stderr, "an unknown user: exit 1", p.stderr)
    p = run(srv, "case", "export", "--data", srv.data, CASE_NO, "--out", out, "--user", "aq.ma")
    t.ok(p.returncode == 1 and p.stderr.strip(), "a case out of the user's view: exit 1", p.stderr)
    nodir = os.path.join(tmp, "no", "such", "x.zip")
    p = run(srv, "case", "export", "--data", srv.data, CASE_NO, "--out", nodir, "--user", "jiandu")
    t.ok(p.returncode == 1 and not os.path.exists(nodir) and not os.path.exists(nodir + ".part"),
         "an unwritable folder: exit 1, nothing left", p.stderr)
    p = run(srv, "help")
    t.ok("case export" in p.stdout, "help lists case export")

    # --- logged ---
    t.ok(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'case.export' AND result = 'ok'") >= 2,
         "the exports are in the operation log")
    t.ok(db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'case.exported'") >= 2,
         "each export appended its case.exported leaf")
    t.is_(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'case.export' AND result <> 'ok'"), 0,
          "the refused exports left no export row")
    msha = hashlib.sha256(z.read("manifest.json")).hexdigest()
    r = c.get("/api/v1/log/proof/by-hash?hash=" + msha)
    t.ok(r.status == 200 and r.json().get("matched") == "file_hash", "the manifest's SHA-256 is found in the log")
t.done()
