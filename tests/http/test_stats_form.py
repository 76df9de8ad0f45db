#!/usr/bin/env python3
"""test_stats_form.py - the deadline statistics form (/admin/deadlines):
a reversed or malformed month range answers 400 with the page still
there, the message on the form next to the field, what was typed kept and
the table shown for the default range; JSON clients get the error object.
Also: the badge and focus colours in zhifa.css meet WCAG AA (computed from
the stylesheet as served).  TAP on stdout."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}
PW = os.environ.get("ZHIFA_DEMO_PASSWORD", "Zhifa@2026demo")


def lum(h):
    h = h.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    c = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def contrast(a, b):
    a, b = lum(a), lum(b)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        sup = srv.client()
        t.is_(sup.login("jiandu", PW).status, 303, "supervisor logs in")
        r = sup.get("/admin/deadlines?from=2026-10&to=2026-01")
        t.is_(r.status, 400, "reversed month range: 400")
        t.ok("<h1>" in r.text and 'id="stats"' in r.text and 'name="from"' in r.text,
             "the page and its form are still there", r.text[:500])
        t.ok('role="alert"' in r.text and "截止月份 2026-01 早于起始月份 2026-10" in r.text, "the message is on the form")
        t.ok('name="to" value="2026-01" pattern="[0-9]{4}-[0-9]{2}" aria-invalid="true"' in r.text,
             "the field in error is marked and keeps what was typed", r.text[r.text.find('id="stats"'):][:1500])
        t.ok('value="2026-10"' in r.text, "the other field keeps its value too")
        t.ok("我的期限" in r.text or "期限" in r.text, "the rest of the page is shown")
        t.html_valid(r, "page with the error is valid HTML")
        r = sup.get("/admin/deadlines?from=2026-13")
        t.is_(r.status, 400, "malformed month: 400")
        t.ok("起始月份" in r.text and 'name="from" value="2026-13"' in r.text and 'aria-invalid="true"' in r.text,
             "named on the form")
        r = sup.get("/admin/deadlines?from=2026-10&to=2026-01", headers=JSON)
        t.is_(r.status, 400, "JSON: 400")
        t.is_(r.json()["error"]["field"], "to", "JSON: the error object names the field")
        t.is_(sup.get("/admin/deadlines?from=2026-01&to=2026-10").status, 200, "a good range is 200")

        css = srv.client().get("/static/zhifa.css").text
        root = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css))
        t.ok(contrast(root["warn"], "#fff6e6") >= 4.5, "amber badge text %s on #fff6e6: %.2f:1 >= 4.5"
             % (root["warn"], contrast(root["warn"], "#fff6e6")))
        t.ok(contrast(root["focus"], "#ffffff") >= 3, "focus ring %s on white: %.2f:1 >= 3"
             % (root["focus"], contrast(root["focus"], "#ffffff")))
        t.ok(contrast(root["focus-dark"], "#b71c1c") >= 3, "focus ring in the red header: %.2f:1 >= 3"
             % contrast(root["focus-dark"], "#b71c1c"))
        t.ok("#f6b93b" not in css.split("@media")[0].split("a:focus")[1][:120], "the old 1.8:1 amber ring is gone")
    t.done()


if __name__ == "__main__":
    main()
