#!/usr/bin/env python3
"""test_hardening.py - the serving process itself: stop signals can never be
lost or taken by a worker thread, the data folder's files are private, and
HTTPS deployments get Secure cookies and HSTS.  TAP on stdout."""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SIGINT_BIT = 1 << (signal.SIGINT - 1)
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def thread_masks(pid):
    """{tid: blocked-signal mask} for every thread of pid (Linux /proc)."""
    out = {}
    base = "/proc/%d/task" % pid
    for tid in os.listdir(base):
        try:
            with open(os.path.join(base, tid, "status")) as f:
                for line in f:
                    if line.startswith("SigBlk:"):
                        out[int(tid)] = int(line.split()[1], 16)
        except OSError:
            pass
    return out


def test_signals(t):
    with harness.Server(t, demo=False) as srv:
        masks = thread_masks(srv.proc.pid)
        t.ok(len(masks) >= 3, "the server runs several threads (%d)" % len(masks))
        # the main thread waits in sigwait, which unblocks the set while it waits
        unblocked = [tid for tid, m in masks.items()
                     if tid != srv.proc.pid and not (m & SIGINT_BIT and m & SIGTERM_BIT)]
        t.ok(not unblocked, "SIGINT and SIGTERM are blocked in every thread but the waiting main one",
             "threads that could take the signal: %r" % unblocked)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        t.is_(rc, 0, "SIGTERM stops the server with exit status 0")
        t.like(srv.stderr_text(), "正在停止服务", "the stop is logged")
    # signals sent at once and in quick succession are not lost either
    with harness.Server(t, demo=False) as srv:
        srv.proc.send_signal(signal.SIGINT)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        t.is_(rc, 0, "SIGINT then SIGTERM: one clean stop, exit status 0")


def test_private_files(t):
    with harness.Server(t, demo=False) as srv:
        data = os.path.join(srv.tmp, "data")
        names = ["zhifa.conf"]
        if not os.environ.get("ZHIFA_TEST_DB"):
            names += [n for n in ("zhifa.db", "zhifa.db-wal", "zhifa.db-shm") if os.path.exists(os.path.join(data, n))]
            t.ok("zhifa.db" in names, "the SQLite database is in the data folder")
        for n in names:
            mode = stat.S_IMODE(os.stat(os.path.join(data, n)).st_mode)
            t.is_(oct(mode), oct(0o600), "%s is created 0600" % n)
    # other commands that open a new SQLite database create it private too
    tmp = tempfile.mkdtemp(prefix="zhifa-perm-")
    try:
        db = os.path.join(tmp, "other.db")
        env = dict(os.environ)
        env.pop("ZHIFA_DB", None)
        env.setdefault("ZHIFA_SHARED", os.path.join(os.path.dirname(harness.ROOT), "shared"))
        p = subprocess.run([os.environ.get("ZHIFA_BIN") or os.path.join(harness.ROOT, "build/asan/zhifa"),
                            "migrate", "--db", "sqlite:" + db], capture_output=True, timeout=120, env=env)
        t.ok(p.returncode == 0, "zhifa migrate --db sqlite:NEW succeeds", p.stderr.decode("utf-8", "replace"))
        if os.path.exists(db):
            t.is_(oct(stat.S_IMODE(os.stat(db).st_mode)), oct(0o600), "a database made by migrate is 0600")
        else:
            t.ok(False, "migrate created the database file")
    finally:
        for n in os.listdir(tmp):
            os.unlink(os.path.join(tmp, n))
        os.rmdir(tmp)


def hash_costs(db):
    import sqlite3
    con = sqlite3.connect(db)
    try:
        return [h for (h,) in con.execute("SELECT password_hash FROM users WHERE password_hash <> ''")]
    finally:
        con.close()


def test_hooks(t):
    """ZHIFA_FAKE_NOW and ZHIFA_PWHASH_FAST exist for the test build only."""
    rel = os.path.join(harness.ROOT, "zhifa")
    asan = os.environ.get("ZHIFA_BIN") or os.path.join(harness.ROOT, "build/asan/zhifa")
    if not t.ok(os.access(rel, os.X_OK), "the release binary ./zhifa is built (make test-build)"):
        return
    tmp = tempfile.mkdtemp(prefix="zhifa-hooks-")
    env = dict(os.environ)
    env.pop("ZHIFA_DB", None)
    env.pop("ZHIFA_TEST_DB", None)
    env.setdefault("ZHIFA_SHARED", os.path.join(os.path.dirname(harness.ROOT), "shared"))
    env["ZHIFA_FAKE_NOW"] = "1780000000"   # 2026-05-28T20:26:40Z
    env["ZHIFA_PWHASH_FAST"] = "1"
    try:
        for name, binary in (("release ./zhifa", rel), ("test build", asan)):
            data = os.path.join(tmp, name.split()[0])
            p = subprocess.run([binary, "init", "--data", data, "--demo"], capture_output=True, timeout=300, env=env)
            if not t.ok(p.returncode == 0, "%s: init --demo" % name, p.stderr.decode("utf-8", "replace")[-2000:]):
                continue
            hashes = hash_costs(os.path.join(data, "zhifa.db"))
            fast = [h for h in hashes if "m=8," in h]
            # a listen address that cannot be served: the error is logged with the time
            p = subprocess.run([binary, "serve", "--data", data, "--listen", "999.0.0.1:1"],
                               capture_output=True, timeout=60, env=env)
            err = p.stderr.decode("utf-8", "replace")
            faked = "2026-05-28T20:26:40Z" in err
            if binary == rel:
                t.ok(hashes and not fast, "release ./zhifa ignores ZHIFA_PWHASH_FAST (full-cost hashes)", hashes[:2])
                t.ok(not faked and err, "release ./zhifa ignores ZHIFA_FAKE_NOW", err[-500:])
            else:
                t.ok(hashes and len(fast) == len(hashes), "the test build honours ZHIFA_PWHASH_FAST", hashes[:2])
                t.ok(faked, "the test build honours ZHIFA_FAKE_NOW", err[-500:])
    finally:
        subprocess.run(["rm", "-rf", tmp])


def test_flowchart_csp(t):
    """Opened on its own, the flowchart SVG is a document under the site's
    CSP (style-src 'self'): an inline <style> or style="" in it is blocked,
    so its look must come from presentation attributes only."""
    import xml.etree.ElementTree as ET
    with harness.Server(t) as srv:
        c = srv.client()
        mid = c.get("/api/v1/portal/matters").json()["items"][0]["id"]
        r = c.get("/portal/matters/%d/flowchart.svg" % mid)
        t.is_(r.status, 200, "the flowchart SVG is served")
        csp = r.header("Content-Security-Policy") or ""
        t.ok("style-src 'self'" in csp and "unsafe-inline" not in csp, "its CSP allows no inline style", csp)
        try:
            root = ET.fromstring(r.body)
        except ET.ParseError as e:
            root = None
            t.diag(str(e))
        t.ok(root is not None, "the SVG is well-formed XML")
        if root is not None:
            ns = "{http://www.w3.org/2000/svg}"
            styles = root.findall(".//%sstyle" % ns)
            inline = [el.tag for el in root.iter() if "style" in el.attrib]
            t.ok(not styles, "no <style> element, which the CSP would block")
            t.ok(not inline, "no style attribute, which the CSP would block", inline[:3])
            t.like(root.get("font-family") or "", "Noto Sans CJK SC", "the font is a presentation attribute of <svg>")


def set_cookies(r):
    return r.headers.get_all("Set-Cookie") or [] if r.headers is not None else []


def test_https_defaults(t):
    """With public_url on https, cookies are Secure and HSTS is sent, by
    default and on every kind of response."""
    env = {"ZHIFA_PUBLIC_URL": "https://zfgs.example.gov.cn"}
    with harness.Server(t, demo=False, env=env) as srv:
        c = srv.client()
        r = c.get("/login")
        cookies = set_cookies(r)
        t.ok(cookies and all("; Secure" in v for v in cookies), "https public_url: cookies are Secure", cookies)
        t.like(r.header("Strict-Transport-Security") or "", r"^max-age=\d{7,}", "https public_url: HSTS is sent")
        t.ok(c.get("/no/such/page").header("Strict-Transport-Security"), "... on error pages too")
        t.ok(c.get("/%zz").header("Strict-Transport-Security"), "... and on answers made before routing")
    with harness.Server(t, demo=False, env=dict(env, ZHIFA_SECURE_COOKIES="0", ZHIFA_HSTS="0")) as srv:
        r = srv.client().get("/login")
        t.ok(not any("Secure" in v for v in set_cookies(r)) and not r.header("Strict-Transport-Security"),
             "secure_cookies = 0 and hsts = 0 set explicitly still win")
    with harness.Server(t, demo=False) as srv:
        r = srv.client().get("/login")
        t.ok(not any("Secure" in v for v in set_cookies(r)) and not r.header("Strict-Transport-Security"),
             "http public_url (the default): no Secure cookies, no HSTS")


def main():
    t = harness.Tap()
    test_https_defaults(t)
    test_flowchart_csp(t)
    test_hooks(t)
    test_signals(t)
    test_private_files(t)
    t.done()


if __name__ == "__main__":
    main()
