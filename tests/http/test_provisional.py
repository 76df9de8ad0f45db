#!/usr/bin/env python3
"""test_provisional.py - dates in a year whose holiday notice is not loaded
(issue: deadlines into next year in December).  The server runs with its
clock set to 2026-12-10 (ZHIFA_FAKE_NOW, honoured by the test build only),
so the demo's 20-working-day archive clocks run into 2027, which is not
embedded.  Checks: the CLI answers provisionally with a warning on stderr
and exit 0, --strict refuses; the API marks provisional; the demo creates
such clocks and the pages mark them 暂定 with the note as tooltip; the
detail page (scope-checked) shows the note; the calendar page shows a
provisional 2027 grid; the dashboard warns the administrator from
1 October only; importing 2027 recomputes the clocks, clears the mark, and
the change shows in the clock's history.  TAP on stdout."""

import calendar as pycal
import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_calendar_pages import PW, get_json, post_multipart  # noqa: E402


def fake_now(y, m, d):
    # noon in Asia/Shanghai (UTC+8)
    return str(pycal.timegm(datetime.datetime(y, m, d, 4, 0, 0).timetuple()))


def login(srv, user):
    c = srv.client()
    r = c.login(user, PW)
    assert r.status == 303, (user, r.status)
    return c


def test_cli(t, binary):
    p = subprocess.run([binary, "calendar", "due", "2026-12-15", "20"], capture_output=True, text=True)
    t.is_((p.returncode, p.stdout.strip()), (0, "2027-01-13"), "CLI: 20 working days from 2026-12-15 = 2027-01-13, exit 0")
    t.like(p.stderr, "暂定：2027 年节假日安排尚未载入", "CLI warns on stderr that the date is provisional")
    p = subprocess.run([binary, "calendar", "due", "2026-12-15", "20", "--strict"], capture_output=True, text=True)
    t.is_((p.returncode, p.stdout), (1, ""), "CLI --strict refuses (exit 1, nothing printed)")
    t.like(p.stderr, "缺少 2027 年的节假日安排", "… naming the missing year")
    p = subprocess.run([binary, "calendar", "due", "2026-06-01", "5"], capture_output=True, text=True)
    t.is_((p.returncode, p.stderr), (0, ""), "CLI: no warning inside loaded years")
    p = subprocess.run([binary, "calendar", "is-workday", "2027-02-05"], capture_output=True, text=True)
    t.is_((p.returncode, p.stdout.strip()), (0, "no"), "CLI: 2027-02-05 (农历除夕) is not a working day")
    t.like(p.stderr, "暂定", "… provisionally")


def provisional_clocks(c):
    r, m = get_json(c, "/admin/deadlines")
    return [d for d in (m or {}).get("mine", []) if d.get("provisional")]


def test_pages(t, srv):
    off = login(srv, "jn.zhang")
    prov = provisional_clocks(off)
    t.ok(len(prov) >= 1, "the demo started clocks that run into 2027 (%d provisional)" % len(prov))
    t.ok(all(d["due_on"].startswith("2027-") and d["provisional_note"].startswith("暂定：2027 年") for d in prov),
         "… due in 2027, each with its note", prov[:1])
    r = off.get("/admin/deadlines")
    t.html_valid(r, "deadlines page with provisional dates is valid HTML")
    t.like(r.text, r'<abbr class="badge prov" title="暂定：2027 年节假日安排尚未载入[^"]*">暂定</abbr>',
           "deadlines page marks the date 暂定 with the note as tooltip")
    r = off.get("/admin")
    t.like(r.text, r'<abbr class="badge prov"', "the dashboard marks it too")
    did = prov[0]["id"] if prov else 0
    r = off.get("/admin/deadlines/%d" % did)
    t.is_(r.status, 200, "owner opens the deadline")
    t.html_valid(r, "deadline page is valid HTML")
    t.like(r.text, "载入该年安排后将重新计算", "… with the note in words")
    t.like(r.text, "截止日自起算以来没有变更", "… and an empty history")
    other = login(srv, "aq.ma")
    t.is_(other.get("/admin/deadlines/%d" % did).status, 403, "an officer of another division gets 403")
    t.is_(login(srv, "jn.head").get("/admin/deadlines/%d" % did).status, 200, "the division head may look")
    t.is_(off.get("/admin/deadlines/999999").status, 404, "unknown deadline is 404")
    return did


def test_calendar_and_import(t, srv, did):
    adm = login(srv, "admin")
    r = adm.get("/admin")
    t.like(r.text, "尚未导入 2027 年的节假日安排", "December: the dashboard warns that 2027 is missing")
    t.like(r.text, 'href="/admin/calendar"', "… with a link to the import page")
    r = adm.get("/admin/calendar?year=2027")
    t.is_(r.status, 200, "calendar page for 2027")
    t.html_valid(r, "provisional calendar page is valid HTML")
    t.like(r.text, "2027 年月历（暂定）", "2027 is shown as a provisional grid")
    t.like(r.text, "国务院令第795号", "… naming the rule it rests on")
    _, m = get_json(adm, "/admin/calendar?year=2027")
    feb = {d["date"]: d["kind"] for d in m["months"][1]["days"]} if m and m.get("months") else {}
    t.is_((feb.get("2027-02-05"), feb.get("2027-02-08"), feb.get("2027-02-10")), ("holiday", "holiday", "workday"),
          "provisional grid: 除夕 and 初三 off, 02-10 a working day")
    r = adm.get("/admin/calendar")
    t.like(r.text, "2027（暂定）", "the year list offers the provisional 2027")

    token = harness.extract_csrf(adm.get("/admin/calendar").body)
    hol = ["2027-01-01", "2027-01-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]
    src = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
    r = post_multipart(adm, "/admin/calendar", {"_csrf": token or "", "source": src},
                       {"file": ("2027.json", json.dumps({"years": {"2027": {"holidays": hol, "workdays": []}}}).encode())})
    t.is_(r.status, 303, "2027 imported")
    off = login(srv, "jn.zhang")
    t.is_(len(provisional_clocks(off)), 0, "after the import no clock is provisional")
    r, m = get_json(off, "/admin/deadlines/%d" % did)
    hist = (m or {}).get("history") or []
    t.ok(len(hist) == 1 and hist[0]["old_provisional"] and not hist[0]["new_provisional"],
         "the clock's history records the change from provisional", hist)
    t.like(hist[0]["reason"] if hist else "", "载入 2027 年节假日安排后重新计算", "… with its reason in Chinese")
    r = off.get("/admin/deadlines/%d" % did)
    t.like(r.text, "（暂定）", "the history table shows the old date as 暂定")
    t.ok('class="badge prov"' not in r.text, "the date is no longer marked 暂定")


def main():
    t = harness.Tap()
    binary = os.environ.get("ZHIFA_BIN") or os.path.join(harness.ROOT, "build/asan/zhifa")
    test_cli(t, binary)
    with harness.Server(t, env={"ZHIFA_FAKE_NOW": fake_now(2026, 12, 10)}) as srv:
        did = test_pages(t, srv)
        test_calendar_and_import(t, srv, did)
    with harness.Server(t, env={"ZHIFA_FAKE_NOW": fake_now(2026, 9, 30)}) as srv:
        t.ok("尚未导入 2027 年" not in login(srv, "admin").get("/admin").text, "30 September: no warning yet")
    with harness.Server(t, env={"ZHIFA_FAKE_NOW": fake_now(2026, 10, 1)}) as srv:
        t.like(login(srv, "admin").get("/admin").text, "尚未导入 2027 年的节假日安排", "1 October: the warning appears")
    t.done()


if __name__ == "__main__":
    main()
