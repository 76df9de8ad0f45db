#!/usr/bin/env python3
"""test_portal_cache.py - public portal pages kept rendered in memory
(http/page_cache.h, routes flagged R_CACHE), issue 8 "Portal speed":

  * a page served from the cache (X-Cache: HIT) carries the same body,
    content type and security headers as when it was rendered, and a new
    X-Request-Id of its own; HTML and JSON of one path are kept apart, and
    so are two queries;
  * publishing a new version and withdrawing an item show at once on the
    cached pages (detail, list, home); so does suspending a certificate on
    its credential page, and renaming a unit on the officer list (state
    stamp "portal");
  * with two `zhifa serve` processes on one data folder and database, a
    publication through one shows at once on the other's cached pages;
  * a logged-in reader's portal page (it names them) is never stored for
    the public, nor served to them; a stale session cookie is not cached;
  * the cache is bounded (portal_cache_kib): filling it evicts the least
    recently used pages, which are rendered afresh.
TAP on stdout."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
SECURITY = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
            "Cross-Origin-Opener-Policy", "Permissions-Policy", "Content-Type", "Cache-Control")


def jget(c, path):
    r = c.get(path, headers=JSON)
    try:
        return r.status, r.json()
    except ValueError:
        return r.status, None


def login(t, srv, user):
    c = srv.client()
    t.is_(c.login(user, PW).status, 303, "%s logs in" % user)
    return c


def published_matter(c):
    st, m = jget(c, "/admin/matters?kind=matter")
    for it in (m or {}).get("items", []):
        if it["status"] == "published" and not it["has_draft"]:
            return it["id"]
    return None


def publish_change(t, head, officer, mid, marker):
    """officer edits matter mid's duties to carry marker, head publishes it."""
    ocsrf, hcsrf = officer.csrf("/admin/matters"), head.csrf("/admin/matters")
    st, m = jget(officer, "/admin/matters/%d" % mid)
    content = dict(m["draft"] or m["published"])
    content["duties"] = "履行职责（%s）" % marker
    r = officer.post_json("/admin/matters/%d/edit" % mid, {"content": content}, headers={"X-CSRF-Token": ocsrf})
    t.is_(r.status, 200, "the officer edits the matter (%s)" % marker)
    st, jm = jget(head, "/admin/matters/%d/publish" % mid)
    r = head.post_form("/admin/matters/%d/publish" % mid, {"_csrf": hcsrf, "change_note": marker, "confirm": "1",
                                                          "draft_token": jm["draft_token"]})
    t.is_(r.status, 303, "the head publishes it (%s)" % marker)


def warm(t, c, path, what, headers=None):
    """GET path until it is a HIT (at most twice): the page is in the cache."""
    r = c.get(path, headers=headers or {})
    if r.header("X-Cache") != "HIT":
        r = c.get(path, headers=headers or {})
    t.is_((r.status, r.header("X-Cache")), (200, "HIT"), "%s is served from the cache" % what)
    return r


def headers_part(t, pub):
    r1 = pub.get("/portal/matters")
    r2 = pub.get("/portal/matters")
    t.is_((r1.status, r1.header("X-Cache")), (200, "MISS"), "first GET of the matter list is rendered (MISS)")
    t.is_((r2.status, r2.header("X-Cache")), (200, "HIT"), "the second comes from the cache (HIT)")
    t.is_(r2.body, r1.body, "... with the same body")
    for h in SECURITY:
        t.ok(r2.header(h) and r2.header(h) == r1.header(h), "... and the same %s" % h, (r1.header(h), r2.header(h)))
    t.ok(re.fullmatch(r"[0-9a-f]{16}", r2.header("X-Request-Id") or ""), "... a request id of its own")
    t.ok(r1.header("X-Request-Id") != r2.header("X-Request-Id"), "... not the first answer's")
    r3 = pub.get("/portal/matters")
    t.ok(r3.header("X-Request-Id") not in (r1.header("X-Request-Id"), r2.header("X-Request-Id")),
         "every cached answer has a fresh request id")
    t.ok(r2.header("Set-Cookie") is None, "no cookie in a cached answer")
    t.html_valid(r2, "the cached page is valid HTML")
    h = pub.raw("HEAD", "/portal/matters")
    t.is_((h.status, h.header("X-Cache"), h.body), (200, "HIT", b""), "HEAD is answered from the cache, no body")

    # HTML and JSON of one path, and two queries, are different entries
    rj = pub.get("/portal/matters", headers=JSON)
    t.is_((rj.status, rj.header("X-Cache")), (200, "MISS"), "JSON of the same path is its own entry")
    t.like(rj.header("Content-Type") or "", "application/json", "... and is JSON")
    rj2 = warm(t, pub, "/portal/matters", "the JSON list", JSON)
    t.like(rj2.header("Content-Type") or "", "application/json", "... cached as JSON")
    t.ok(rj2.json().get("items"), "... with its items")
    rq = pub.get("/portal/matters?category=penalty")
    t.is_(rq.header("X-Cache"), "MISS", "another query is its own entry")
    t.ok(rq.body != r1.body, "... with its own page")
    # not cacheable: search (any words) answers without the cache
    rs = pub.get("/portal/search?q=%E8%8A%82%E8%83%BD")
    rs = pub.get("/portal/search?q=%E8%8A%82%E8%83%BD")
    t.is_((rs.status, rs.header("X-Cache")), (200, None), "search is not cached")


def publish_part(t, srv, pub):
    head, officer = login(t, srv, "jn.head"), login(t, srv, "jn.zhang")
    mid = published_matter(head)
    t.ok(mid, "jn.head has a published matter")
    page = "/portal/matters/%d" % mid
    warm(t, pub, page, "the matter page")
    warm(t, pub, "/api/v1/portal/matters/%d" % mid, "the matter JSON")
    warm(t, pub, "/portal/matters", "the matter list")
    st, before = jget(pub, "/")
    warm(t, pub, "/", "the home page JSON", JSON)

    publish_change(t, head, officer, mid, "缓存测试一")
    r = pub.get(page)
    t.is_(r.header("X-Cache"), "MISS", "after the publication the matter page is rendered afresh")
    t.like(r.text, "缓存测试一", "... and shows the new version at once")
    st, j = jget(pub, "/api/v1/portal/matters/%d" % mid)
    t.like(j["content"]["duties"], "缓存测试一", "the JSON shows it at once too")
    warm(t, pub, page, "the new version")

    hcsrf = head.csrf("/admin/matters")
    r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": "缓存测试撤下", "confirm": "1"})
    t.is_(r.status, 303, "the head withdraws the matter")
    r = pub.get(page)
    t.like(r.text, "<h2>已撤下</h2>", "the matter page says 已撤下 at once")
    r = pub.get("/portal/matters", headers=JSON)
    t.ok(mid not in [it["id"] for it in r.json()["items"]], "the list leaves it out at once")
    st, after = jget(pub, "/")
    t.is_(after["stats"]["matters"], before["stats"]["matters"] - 1, "the home page counts one matter less at once")


def cert_part(t, srv, pub):
    admin = login(t, srv, "admin")
    st, m = jget(admin, "/admin/officers")
    cert = next(c for c in m["certs"] if c["stored_status"] == "valid")
    page = cert["verify_path"]
    warm(t, pub, page, "a credential page")
    t.like(pub.get(page).text, "有效", "... saying 有效")
    r = admin.post_form("/admin/officers/%d/status" % cert["id"],
                        {"_csrf": admin.csrf("/admin/officers/%d" % cert["id"]), "action": "suspend",
                         "reason": "缓存测试暂扣"})
    t.is_(r.status, 303, "admin suspends the certificate")
    r = pub.get(page)
    t.is_(r.header("X-Cache"), "MISS", "the credential page is rendered afresh")
    t.like(r.text, "暂扣", "... and shows the suspension at once")


def unit_part(t, srv, pub):
    admin = login(t, srv, "admin")
    st, j = jget(admin, "/admin/units")
    u = next(x for x in j["units"] if x["code"] == "jnc")
    warm(t, pub, "/portal/officers", "the officer list")
    t.like(pub.get("/portal/officers").text, u["name"], "... naming the unit " + u["name"])
    fields = {"_csrf": admin.csrf("/admin/units/%d" % u["id"]), "code": u["code"], "name": u["name"] + "（更名）",
              "parent_id": str(u["parent_id"]), "enforcement_power": "1" if u["enforcement_power"] else ""}
    r = admin.post_form("/admin/units/%d" % u["id"], fields)
    t.is_(r.status, 303, "admin renames the unit")
    r = pub.get("/portal/officers")
    t.is_(r.header("X-Cache"), "MISS", "the officer list is rendered afresh")
    t.like(r.text, re.escape(u["name"] + "（更名）"), "... with the new unit name at once")


def logged_in_part(t, srv, pub):
    head = login(t, srv, "jn.head")
    st, me = jget(head, "/admin")
    path = "/portal/guides"
    r = head.get(path)
    t.is_(r.status, 200, "a logged-in reader opens a portal page")
    t.ok(r.header("X-Cache") is None, "... which bypasses the cache")
    t.like(r.text, "退出", "... and is their own page (sign-out in the chrome)")
    name = re.search(r'<div class="who"><span>([^<·]+)', r.text)
    t.ok(name, "... naming them")
    r = head.get(path)
    t.ok(r.header("X-Cache") is None, "... every time")
    a = pub.get(path)
    t.is_(a.header("X-Cache"), "MISS", "the public's first GET of it is rendered, not the reader's page")
    t.ok(name and name.group(1).strip() not in a.text and "退出" not in a.text, "... it names nobody")
    a = pub.get(path)
    t.is_(a.header("X-Cache"), "HIT", "the public's page is then cached")
    r = head.get(path)
    t.ok(r.header("X-Cache") is None and "退出" in r.text, "the logged-in reader still gets their own page")
    # a stale session cookie: answered with the cookie cleared, not stored
    stale = srv.client()
    r = stale.get("/portal/inspections", headers={"Cookie": "zf_session=" + "0" * 64})
    t.ok(r.header("X-Cache") is None, "a stale session cookie bypasses the cache")
    r = pub.get("/portal/inspections")
    t.is_(r.header("X-Cache"), "MISS", "... and left nothing in it")
    t.ok(r.header("Set-Cookie") is None, "... the public's page sets no cookie")


def bounded_part(t, b):
    pub = b.client()
    # made-up query parameters are never cached: a flood of them cannot push pages out
    for _ in range(2):
        r = pub.get("/portal/matters?zz=1")
    t.is_((r.status, r.header("X-Cache")), (200, None), "a query parameter no page reads bypasses the cache")
    r = pub.get("/portal/matters?page=1&q=" + "x" * 101)
    r = pub.get("/portal/matters?page=1&q=" + "x" * 101)
    t.is_(r.header("X-Cache"), None, "... and so does an over-long value")
    warm(t, pub, "/portal/matters?page=1", "the first of many pages on the small cache")
    for i in range(2, 81):
        pub.get("/portal/matters?page=%d" % i)
    r = pub.get("/portal/matters?page=80")
    t.is_(r.header("X-Cache"), "HIT", "the most recent page is still kept")
    r = pub.get("/portal/matters?page=1")
    t.is_((r.status, r.header("X-Cache")), (200, "MISS"), "the least recent was evicted: rendered afresh")
    hits = sum(pub.get("/portal/matters?page=%d" % i).header("X-Cache") == "HIT" for i in range(2, 81))
    t.ok(hits < 40, "far fewer than the 80 pages of ~8 KiB fit in 128 KiB", hits)


def two_instances_part(t, a, b):
    pa, pb = a.client(), b.client()
    head, officer = login(t, a, "jn.head"), login(t, a, "jn.zhang")
    mid = published_matter(head)
    page = "/portal/matters/%d" % mid
    warm(t, pb, page, "B: the matter page")
    warm(t, pb, "/api/v1/portal/matters", "B: the matter list JSON")
    warm(t, pa, page, "A: the matter page")
    publish_change(t, head, officer, mid, "另一实例")
    r = pb.get(page)
    t.is_(r.header("X-Cache"), "MISS", "B renders the page afresh right after A published")
    t.like(r.text, "另一实例", "... showing the new version at once")
    st, j = jget(pb, "/api/v1/portal/matters")
    v = next(it["version"] for it in j["items"] if it["id"] == mid)
    st, ja = jget(pa, "/api/v1/portal/matters/%d" % mid)
    t.is_(v, ja["version"], "B's list shows A's new version at once")
    hcsrf = head.csrf("/admin/matters")
    warm(t, pb, page, "B: the new version")
    r = head.post_form("/admin/matters/%d/withdraw" % mid, {"_csrf": hcsrf, "reason": "另一实例撤下", "confirm": "1"})
    t.is_(r.status, 303, "A withdraws the matter")
    t.like(pb.get(page).text, "<h2>已撤下</h2>", "B shows the withdrawal at once")


def main():
    t = harness.Tap()
    with harness.Server(t) as a:
        pub = a.client()
        headers_part(t, pub)
        publish_part(t, a, pub)
        cert_part(t, a, pub)
        unit_part(t, a, pub)
        logged_in_part(t, a, pub)
        with harness.Server(t, share=a, env={"ZHIFA_PORTAL_CACHE_KIB": "128"}) as b:
            two_instances_part(t, a, b)
            bounded_part(t, b)
    t.done()


if __name__ == "__main__":
    main()
