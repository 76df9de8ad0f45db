#!/usr/bin/env python3
"""test_qr_public_url.py - printed certificates carry public_url in their
QR code: while it is a loopback address (the default), the administrator's
dashboard and the print page say so and the printed card states that the
code works on this machine only; with a real address, no warning and the
card points there.  TAP on stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}
PW = os.environ.get("ZHIFA_DEMO_PASSWORD", "Zhifa@2026demo")


def check(t, srv, local):
    tag = "loopback public_url" if local else "real public_url"
    admin = srv.client()
    t.is_(admin.login("admin", PW).status, 303, "%s: admin logs in" % tag)
    r = admin.get("/admin")
    t.is_("public_url" in r.text and "无法打开" in r.text, local, "%s: dashboard warning shown: %s" % (tag, local))
    j = admin.get("/admin", headers=JSON).json()
    t.is_(bool(j.get("public_url_warning")), local, "%s: dashboard model carries the warning: %s" % (tag, local))
    certs = admin.get("/admin/officers", headers=JSON).json()["certs"]
    cid = next(c["id"] for c in certs if c["status"] == "valid")
    r = admin.get("/admin/officers/%d/print" % cid)
    t.is_(r.status, 200, "%s: print page" % tag)
    t.html_valid(r, "%s: print page is valid HTML" % tag)
    t.is_('id="qr-local"' in r.text, local, "%s: print page warns (noprint): %s" % (tag, local))
    t.is_('<p class="cert-qr-local">二维码仅限本机，不能用于核验</p>' in r.text, local, "%s: the printed card itself says so: %s" % (tag, local))
    pj = admin.get("/admin/officers/%d/print" % cid, headers=JSON).json()
    t.is_(pj["qr_local"], local, "%s: model qr_local" % tag)
    if not local:
        t.ok(pj["verify_url"].startswith("https://zhifa.example.gov.cn/verify/c/"), "the card shows the real address")
    head = srv.client()
    head.login("aq.head", PW)
    r = head.get("/admin")
    t.ok("public_url" not in r.text, "%s: a division head's dashboard has no configuration warning" % tag)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        check(t, srv, True)
    # an https public_url makes cookies Secure by default, which this plain-HTTP
    # client would not send back; in production a proxy speaks HTTPS
    with harness.Server(t, env={"ZHIFA_PUBLIC_URL": "https://zhifa.example.gov.cn",
                                "ZHIFA_SECURE_COOKIES": "0"}) as srv:
        check(t, srv, False)
    t.done()


if __name__ == "__main__":
    main()
