#!/usr/bin/env python3
"""test_instances.py - two `zhifa serve` processes on one database and one
data folder stay coherent (issue 8, defect 6):

  * the calendar: 2027 imported through instance A is used by instance B
    for the very next request (state stamp "calendar");
  * the signing keys: after `zhifa keys rotate`, both instances serve the
    new /log/key and the checkpoints they sign verify with it (stamp
    "keys");
  * PostgreSQL restarted under both (scripts/pg-test.sh restart): both keep
    answering - no 500, at most one 503 - sessions included; while it is
    down (halt ... resume) they answer a clean 503 in Chinese.

On SQLite the two processes share the data folder (zhifa.db) for the
calendar and keys parts; the restart part needs ZHIFA_TEST_DB and is
skipped otherwise.
"""

import json
import os
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "verifier"))
import harness  # noqa: E402
import verify_log as vl  # noqa: E402
from test_log import build_seed, seed, wait_checkpoint  # noqa: E402

PW = "Zhifa@2026demo"
DUE = "/api/v1/calendar/due?start=2026-12-30&n=5&strict=1"
Y2027 = {"years": {"2027": {"holidays": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10",
                                         "2027-02-11"], "workdays": []}}}


def login(srv):
    c = srv.client()
    r = c.login("admin", PW)
    if r.status != 303:
        srv.tap.bail("admin 登录失败: %s" % r.status)
    return c


def verifies(note, vkey):
    try:
        vl.Checkpoint(note.encode(), vkey)
        return True, ""
    except vl.VerifyError as e:
        return False, str(e)


def calendar_part(t, a, b):
    cb = b.client()
    r = cb.get(DUE)
    t.is_(r.status, 400, "B before the import: strict due date in 2027 is refused (2027 not loaded)")
    t.like(r.json().get("error", {}).get("message", ""), "2027", "… naming 2027")
    adm = login(a)
    token = adm.csrf("/admin/calendar")
    r = adm.post_form("/admin/calendar", {"_csrf": token or "", "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
                                          "json": json.dumps(Y2027)})
    t.is_(r.status, 303, "2027 imported through A")
    r = cb.get(DUE)
    t.is_(r.status, 200, "B right after the import answers the strict 2027 due date")
    j = r.json() if r.status == 200 else {}
    # 2026-12-30 + 5 working days: 31 Dec, (1 Jan holiday, 2-3 weekend), 4, 5, 6, 7 Jan
    t.is_((j.get("due"), j.get("provisional")), ("2027-01-07", False), "… counted on the imported 2027")
    rb = login(b).get("/admin/calendar?year=2027", headers={"Accept": "application/json"})
    m = rb.json() if rb.status == 200 else {}
    t.ok(m.get("year_loaded") and not m.get("year_provisional"), "B's calendar page shows 2027 as loaded", rb.status)
    # the command line changes the calendar of both running instances too
    due29 = "/api/v1/calendar/due?start=2029-01-01&n=1&strict=1"
    t.is_(a.client().get(due29).status, 400, "before the CLI import: 2029 is not loaded")
    f = os.path.join(a.tmp, "2029.json")
    with open(f, "w", encoding="utf-8") as fh:
        json.dump({"years": {"2029": {"holidays": ["2029-01-01"], "workdays": []}}}, fh)
    p = subprocess.run([a.bin, "calendar", "import", f, "--source", "国务院办公厅关于2029年部分节假日安排的通知（测试）",
                        "--data", a.data], capture_output=True, text=True, timeout=60, env=a._env())
    t.ok(p.returncode == 0, "zhifa calendar import 2029 while both serve", p.stderr)
    got = [(s.client().get(due29).status, s.client().get(due29).json().get("due")) for s in (a, b)]
    t.is_(got, [(200, "2029-01-02")] * 2, "both instances use the 2029 imported by the command line at once")


def keys_part(t, a, b):
    def key(s):
        return s.client().get("/log/key").text.strip()
    k1 = key(a)
    t.is_(key(b), k1, "both instances serve one key before the rotation")
    p = subprocess.run([a.bin, "keys", "rotate", "--data", a.data], capture_output=True, text=True, timeout=60,
                       env=a._env())
    t.is_(p.returncode, 0, "zhifa keys rotate while both serve")
    if p.returncode:
        t.diag(p.stderr)
    k2a, k2b = key(a), key(b)
    t.ok(k2a != k1 and k2a == k2b, "both instances serve the new /log/key", "%s / %s / %s" % (k1, k2a, k2b))
    ok_all, why = True, ""
    for round_ in range(3):
        idx = seed(a, 2)
        for s in (a, b):
            note = wait_checkpoint(s.client(), idx[-1] + 1)
            ok, w = verifies(note or "", k2a)
            if not ok:
                ok_all, why = False, "round %d via %s: %s" % (round_, s.base, w)
    t.ok(ok_all, "every checkpoint signed after the rotation (by either instance) verifies with the new key", why)


def restart_part(t, a, b, pg):
    port = urllib.parse.urlsplit(pg).port
    users = {s.base: login(s) for s in (a, b)}
    paths = ["/healthz", DUE, "/log/checkpoint", "/api/v1/log", "/"]
    for s in (a, b):
        t.is_([users[s.base].get(p).status for p in paths + ["/admin/calendar"]], [200] * 6,
              "before the restart %s answers" % s.base)
    p = subprocess.run([os.path.join(harness.ROOT, "scripts/pg-test.sh"), "restart"], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, PGTEST_PORT=str(port)))
    if p.returncode != 0:
        t.skip("restarting needs a scripts/pg-test.sh cluster behind ZHIFA_TEST_DB: %s" % p.stderr.strip())
        return
    t.ok(True, "PostgreSQL restarted")
    statuses = []
    deadline = time.monotonic() + 5
    for round_ in range(3):
        for s in (a, b):
            c = users[s.base]
            for path in paths + ["/admin/calendar", "/admin/logs"]:
                statuses.append((s.base, path, c.get(path).status))
        if time.monotonic() > deadline:
            break
    bad = [x for x in statuses if x[2] != 200 and x[2] != 503]
    t.ok(not bad, "after the restart no request fails (no 500)", bad)
    n503 = [x for x in statuses if x[2] == 503]
    t.ok(len(n503) <= 1, "at most one 503 around the restart", n503)
    for s in (a, b):
        t.is_(users[s.base].get(DUE).status, 200, "%s still counts on the 2027 calendar" % s.base)
    # an outage: while the database is down, answers are a clean 503 in
    # Chinese (never 500); when it is back, both answer again
    pgt = os.path.join(harness.ROOT, "scripts/pg-test.sh")
    env = dict(os.environ, PGTEST_PORT=str(port))
    subprocess.run([pgt, "halt"], capture_output=True, text=True, timeout=120, env=env)
    down = [(s.base, p_, s.client().get(p_, headers={"Accept": "application/json"})) for s in (a, b)
            for p_ in ("/log/checkpoint", "/api/v1/log/leaves/0")]
    t.ok(all(r.status == 503 for _, _, r in down), "database down: 503, not 500",
         [(x, y, r.status) for x, y, r in down])
    r = down[0][2]
    msg = r.json().get("error", {}).get("message", "") if r.status == 503 else ""
    t.like(msg, "数据库连接暂时中断", "… with a Chinese message")
    t.ok(harness.CJK.search(msg) and not any(w in msg for w in ("server", "connection", "PQ")),
         "… and no English or driver text", msg)
    t.is_(r.header("Retry-After"), "2", "… and Retry-After")
    t.ok(all(s.client().get(DUE).status == 200 for s in (a, b)),
         "database down: the cached calendar still answers the due-date API")
    p = subprocess.run([pgt, "resume"], capture_output=True, text=True, timeout=120, env=env)
    t.ok(p.returncode == 0, "PostgreSQL back", p.stderr)
    for s in (a, b):
        st = [users[s.base].get(p_).status for p_ in paths + ["/admin/calendar"]]
        t.is_(st, [200] * 6, "after the outage %s answers again, session included" % s.base)

    # a change still works on both, in a transaction, after the restart
    adm = users[a.base]
    token = adm.csrf("/admin/calendar")
    y = {"years": {"2028": {"holidays": ["2028-01-03"], "workdays": []}}}
    r = adm.post_form("/admin/calendar", {"_csrf": token or "", "source": "国务院办公厅关于2028年部分节假日安排的通知（测试）",
                                          "json": json.dumps(y)})
    t.is_(r.status, 303, "an import through A after the restart commits")
    r = b.client().get("/api/v1/calendar/due?start=2027-12-31&n=1&strict=1")
    t.ok(r.status == 200 and r.json().get("due") == "2028-01-04", "… and B uses it at once", r.text[:300])


def main():
    t = harness.Tap()
    build_seed(t)
    pg = os.environ.get("ZHIFA_TEST_DB", "")
    with harness.Server(t) as a:
        with harness.Server(t, share=a) as b:
            t.ok(a.base != b.base and a.data == b.data, "two instances on one data folder and database")
            calendar_part(t, a, b)
            keys_part(t, a, b)
            if pg:
                restart_part(t, a, b, pg)
            else:
                t.skip("restarting the database needs PostgreSQL (ZHIFA_TEST_DB); on SQLite both instances share one file")
    t.done()


if __name__ == "__main__":
    main()
