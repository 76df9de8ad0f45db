#!/usr/bin/env python3
"""test_portal.py - the public window (事前公开) as the public uses it:
every page valid HTML and also served as JSON, two-character Chinese
keywords found, bad parameters answered 400 in Chinese, unknown items 404,
the credential check by QR token (valid, revoked, unguessable), the
flowchart as SVG drawn from the procedure steps.  TAP on stdout."""

import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        matters = c.get("/api/v1/portal/matters").json()
        t.ok(matters["total"] >= 12, "a dozen demo matters are published (%d)" % matters["total"])
        mid = matters["items"][0]["id"]
        guides = c.get("/api/v1/portal/guides").json()
        insp = c.get("/api/v1/portal/inspections").json()
        t.ok(guides["total"] > 0 and insp["total"] > 0, "guides and inspection items are published")
        officers = c.get("/api/v1/portal/officers").json()["officers"]
        valid = next(o for o in officers if o["status"] == "valid")
        revoked = next((o for o in officers if o["status"] == "revoked"), None)

        pages = ["/", "/portal/bodies", "/portal/officers", "/portal/matters", "/portal/matters/%d" % mid,
                 "/portal/guides", "/portal/guides/%d" % guides["items"][0]["id"], "/portal/inspections",
                 "/portal/inspections/%d" % insp["items"][0]["id"], "/portal/search?q=" + urllib.parse.quote("许可"),
                 "/verify/c/" + valid["token"], "/log", "/login"]
        for p in pages:
            r = c.get(p)
            t.is_(r.status, 200, "GET %s" % p)
            t.html_valid(r, "%s is valid HTML" % p)
            if p not in ("/login", "/log"):
                j = c.get(p, headers=JSON)
                t.ok(j.status == 200 and (j.header("Content-Type") or "").startswith("application/json"),
                     "%s also answers JSON" % p)

        # Matter detail: basis, procedure, remedy, flowchart from the steps.
        m = c.get("/api/v1/portal/matters/%d" % mid).json()
        content = m["content"]
        t.ok(content.get("basis") and content.get("procedure") and content.get("remedy"),
             "a matter lists legal basis, procedure and remedy channels")
        svg = c.get("/portal/matters/%d/flowchart.svg" % mid)
        t.ok(svg.status == 200 and "image/svg+xml" in (svg.header("Content-Type") or ""), "flowchart is SVG")
        t.ok(all(step["name"] in svg.text for step in content["procedure"]), "every procedure step is in the flowchart")

        # Bodies: certified officers counted per unit.
        bodies = c.get("/api/v1/portal/bodies").json()
        t.ok(all("certified_officers" in b for b in bodies["bodies"]), "each body has its count of certified officers")
        t.is_(sum(b["certified_officers"] for b in bodies["bodies"]), bodies["certified_officers"], "counts add up")

        # Two-character keywords.
        for word in ("许可", "爆炸", "无线", "节能"):
            s = c.get("/api/v1/portal/search?q=" + urllib.parse.quote(word)).json()
            n = sum(len(s[k]) for k in ("matters", "guides", "inspections", "units", "officers"))
            t.ok(n > 0, "two-character keyword %s finds something (%d)" % (word, n))
        one = c.get("/api/v1/portal/search?q=" + urllib.parse.quote("许可")).json()
        both = c.get("/api/v1/portal/search?q=" + urllib.parse.quote("许可 爆炸")).json()
        t.ok(0 < len(both["matters"]) < len(one["matters"]), "two keywords must both match (%d < %d)" %
             (len(both["matters"]), len(one["matters"])))
        s = c.get("/api/v1/portal/search?q=" + urllib.parse.quote("%_")).json()
        t.is_(len(s["matters"]), 0, "LIKE wildcards in the keyword match nothing")

        # Bad parameters: 400 with a Chinese message naming the field.
        for path, field in (("/portal/matters?unit=abc", "unit"), ("/portal/matters?page=0", "page"),
                            ("/portal/matters?category=bribery", "category"),
                            ("/portal/search?q=" + urllib.parse.quote("很" * 101), "q"),
                            ("/portal/matters/%d?version=x" % mid, "version")):
            r = c.get(path, headers=JSON)
            t.is_(r.status, 400, "bad parameter %s" % field)
            err = r.json().get("error", {}) if r.status == 400 else {}
            t.ok(err.get("field") == field and harness.CJK.search(err.get("message", "")),
                 "error names %s in Chinese" % field, err)
        r = c.get("/portal/matters?unit=abc")
        t.ok(r.status == 400 and "执法主体" in r.text, "the HTML error page names the field too")
        r = c.get("/portal/matters/999999")
        t.is_(r.status, 404, "unknown matter: 404")
        r = c.get("/portal/matters/abc")
        t.is_(r.status, 404, "non-numeric id: 404")
        r = c.get("/portal/matters?unit=%E0%A4")
        t.is_(r.status, 400, "invalid UTF-8 in the query: 400")

        # Credential check.
        r = c.get("/verify/c/" + valid["token"])
        t.ok("证件有效" in r.text and valid["cert_no"] in r.text and valid["name"] in r.text,
             "a valid certificate shows as valid with name and number")
        qr = c.get("/verify/c/%s/qr.svg" % valid["token"])
        t.ok(qr.status == 200 and qr.text.startswith("<svg"), "QR code as SVG")
        if revoked:
            r = c.get("/verify/c/" + revoked["token"])
            t.ok(revoked["status_label"] in r.text and "证件有效" not in r.text, "a revoked certificate shows as revoked")
        t.ok(len(valid["token"]) >= 22, "the token carries at least 128 bits")
        r = c.get("/verify/c/" + valid["token"][:-1] + ("A" if valid["token"][-1] != "A" else "B"))
        t.is_(r.status, 404, "a token one character off is not found")
        r = c.get("/verify/c/1")
        t.is_(r.status, 404, "a short guessable token is not found")

        # Portal pages are cacheable and set no cookies.
        r = c.get("/portal/matters")
        t.ok(r.header("Set-Cookie") is None, "a page without forms sets no cookie")
        css = c.get("/static/zhifa.css")
        t.ok("max-age" in (css.header("Cache-Control") or "") and css.header("ETag"), "static assets have cache headers")
        r = c.raw("GET", "/static/zhifa.css", headers={"If-None-Match": css.header("ETag")})
        t.is_(r.status, 304, "ETag revalidation: 304")
    t.done()


if __name__ == "__main__":
    main()
