#!/usr/bin/env python3
"""test_openapi.py - the open API's description (GET /api/v1/openapi.json)
against the route table and against what the server really answers.

Checks:
  * the document is served, parses, is OpenAPI 3 with Chinese summaries;
  * every route of src/pages/routes.c is in "paths" with its methods, and
    nothing documented is missing from the route table (a trailing "*"
    pattern is documented as prefix + one path parameter);
  * every public GET without path parameters answers 200 with the
    documented content type (JSON when it documents JSON, required query
    parameters taken from the document's examples; an operation marked
    x-zhifa-requires-config, e.g. time-stamps without a TSA, may answer
    its documented 404 error instead), and its JSON matches
    the documented schema (types, required keys, enums, patterns); so do
    the public item pages and, logged in as a program, the back office's
    GET models;
  * program login (POST /login, Accept: application/json, double-submit
    CSRF) returns the session's token, which a POST needs in X-CSRF-Token;
  * errors (400, 401, 403, 404, 405, 409) have the documented shape
    {"error":{"status","message","field","request_id"}}.
Run: make -s test-build && python3 tests/http/test_openapi.py
"""
import os
import re
import secrets
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROUTES_C = os.path.join(harness.ROOT, "src/pages/routes.c")
JSON_ACCEPT = {"Accept": "application/json"}
PW = "Zhifa@2026demo"
METHOD_OPS = {"M_GET": {"get", "head"}, "M_POST": {"post"}, "M_OTHER": {"options", "patch", "put", "delete"}}


# ------------------------------------------------------------ routes.c ----
def parse_routes(path=ROUTES_C):
    """[(methods set, pattern, public bool)] from the route table's lines
    `{ M_GET | M_POST, "/path", handler, FLAGS, ...`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = []
    for m in re.finditer(r'\{\s*(M_[A-Z]+(?:\s*\|\s*M_[A-Z]+)*)\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*([A-Z_|\s0-9]+?)\s*[,}]', text):
        methods = {x.strip() for x in m.group(1).split("|")}
        flags = {x.strip() for x in m.group(3).split("|")}
        out.append((methods, m.group(2), "R_LOGIN" not in flags))
    return out


def doc_path_for(pattern, documented):
    """The documented path of a route pattern, or None."""
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        for p in documented:
            if p.startswith(prefix) and re.fullmatch(r"\{[^}/]+\}", p[len(prefix):]):
                return p
        return None
    return pattern if pattern in documented else None


# ------------------------------------------------------- schema checks ----
class Schemas:
    """A small validator for the OpenAPI 3.0 schema subset the document uses."""

    def __init__(self, doc):
        self.doc = doc

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            node = self.doc
            for part in s["$ref"].lstrip("#/").split("/"):
                node = node[part]
            s = node
        return s

    def errors(self, value, schema, where="$", out=None, extra=None):
        """Violations of schema by value (list of strings); keys present in
        value but not documented go to extra (when a list is given)."""
        out = [] if out is None else out
        s = self.resolve(schema)
        if value is None:
            if not s.get("nullable"):
                out.append("%s: null but not nullable" % where)
            return out
        for part in s.get("allOf", []):
            self.errors(value, part, where, out, extra)
        t = s.get("type")
        ok = {"object": isinstance(value, dict), "array": isinstance(value, list),
              "string": isinstance(value, str), "boolean": isinstance(value, bool),
              "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, (int, float)) and not isinstance(value, bool)}.get(t, True)
        if not ok:
            out.append("%s: %r is not %s" % (where, value if not isinstance(value, (dict, list)) else type(value).__name__, t))
            return out
        if "enum" in s and value not in s["enum"]:
            out.append("%s: %r not in %r" % (where, value, s["enum"]))
        if t == "string" and "pattern" in s and not re.search(s["pattern"], value):
            out.append("%s: %r does not match %s" % (where, value, s["pattern"]))
        if t == "integer":
            if "minimum" in s and value < s["minimum"]:
                out.append("%s: %r < %r" % (where, value, s["minimum"]))
            if "maximum" in s and value > s["maximum"]:
                out.append("%s: %r > %r" % (where, value, s["maximum"]))
        if t == "object":
            props = s.get("properties", {})
            for k in s.get("required", []):
                if k not in value:
                    out.append("%s: required key %r missing" % (where, k))
            for k, v in value.items():
                if k in props:
                    self.errors(v, props[k], "%s.%s" % (where, k), out, extra)
                elif isinstance(s.get("additionalProperties"), dict):
                    self.errors(v, s["additionalProperties"], "%s.%s" % (where, k), out, extra)
                elif props and extra is not None and s.get("additionalProperties") is not True:
                    extra.append("%s.%s" % (where, k))
        if t == "array" and "items" in s:
            for n, v in enumerate(value):
                self.errors(v, s["items"], "%s[%d]" % (where, n), out, extra)
        return out


def response_of(doc, path, method, status):
    op = doc["paths"][path][method]
    r = op["responses"].get(str(status))
    if r and "$ref" in r:
        node = doc
        for part in r["$ref"].lstrip("#/").split("/"):
            node = node[part]
        r = node
    return r


def params_of(doc, path, method):
    item = doc["paths"][path]
    return list(item.get("parameters", [])) + list(item[method].get("parameters", []))


def with_examples(doc, path, method, overrides=None):
    """path + ?required query parameters from their examples."""
    qs = []
    for prm in params_of(doc, path, method):
        if prm["in"] == "query" and prm.get("required"):
            v = (overrides or {}).get(prm["name"], prm.get("example"))
            qs.append((prm["name"], str(v)))
    return path + ("?" + urllib.parse.urlencode(qs) if qs else "")


# ------------------------------------------------------------- checks ----
def check_model(t, sch, doc, c, doc_path, url, name, headers=JSON_ACCEPT):
    """GET url with JSON asked for; assert 200, JSON and the documented schema."""
    r = c.get(url, headers=headers)
    t.is_(r.status, 200, "%s: 200" % name)
    t.like(r.header("Content-Type", ""), r"^application/json", "%s: JSON content type" % name)
    try:
        body = r.json()
    except ValueError as e:
        t.ok(False, "%s: body parses as JSON" % name, str(e) + "\n" + r.text[:300])
        return None
    resp = response_of(doc, doc_path, "get", 200)
    schema = resp["content"]["application/json"]["schema"]
    extra = []
    errs = sch.errors(body, schema, extra=extra)
    t.ok(not errs, "%s: matches the documented schema" % name, "\n".join(errs[:20]))
    if extra:
        t.diag("%s: keys not in the document: %s" % (name, ", ".join(sorted(set(extra))[:20])))
    return body


def check_error(t, sch, r, status, name, field=None):
    t.is_(r.status, status, "%s: status %d" % (name, status))
    t.like(r.header("Content-Type", ""), r"^application/json", "%s: JSON" % name)
    try:
        body = r.json()
    except ValueError:
        t.ok(False, "%s: error body is JSON" % name, r.text[:300])
        return
    errs = sch.errors(body, {"$ref": "#/components/schemas/Error"})
    t.ok(not errs, "%s: error has the documented shape" % name, "\n".join(errs) + "\n" + r.text[:300])
    e = body.get("error", {}) if isinstance(body, dict) else {}
    t.is_(e.get("status"), status, "%s: error.status is the HTTP status" % name)
    t.is_(e.get("request_id"), r.header("X-Request-Id"), "%s: error.request_id = X-Request-Id" % name)
    t.ok(harness.CJK.search(e.get("message", "")), "%s: message in Chinese" % name, e.get("message"))
    if field is not None:
        t.is_(e.get("field"), field, "%s: error.field names %s" % (name, field or "nothing"))


def main():
    t = harness.Tap()
    routes = parse_routes()
    t.ok(len(routes) > 30, "routes.c parsed (%d routes)" % len(routes))
    with harness.Server(t) as srv:
        c = srv.client()
        r = c.get("/api/v1/openapi.json")
        t.is_(r.status, 200, "GET /api/v1/openapi.json")
        t.like(r.header("Content-Type", ""), r"^application/json", "served as JSON")
        try:
            doc = r.json()
        except ValueError as e:
            t.bail("openapi.json does not parse: %s" % e)
        t.like(doc.get("openapi", ""), r"^3\.\d+\.\d+$", "OpenAPI 3 document")
        t.ok(doc.get("info", {}).get("title") and doc["info"].get("version"), "info.title and info.version")
        sec = doc.get("components", {}).get("securitySchemes", {})
        t.ok(sec.get("cookieAuth", {}).get("in") == "cookie" and sec["cookieAuth"].get("name") == "zf_session",
             "cookie security scheme zf_session")
        t.ok(sec.get("csrfHeader", {}).get("in") == "header" and sec["csrfHeader"].get("name") == "X-CSRF-Token",
             "CSRF header security scheme X-CSRF-Token")
        sch = Schemas(doc)
        paths = doc.get("paths", {})

        # -- the route table against the document, both ways
        missing, wrong_ops, used = [], [], set()
        for methods, pattern, _ in routes:
            dp = doc_path_for(pattern, paths)
            if not dp:
                missing.append(pattern)
                continue
            used.add(dp)
            ops = set(k for k in paths[dp] if k != "parameters")
            for m in methods:
                if not ops & METHOD_OPS[m]:
                    wrong_ops.append("%s %s" % (m, pattern))
        t.ok(not missing, "every route of routes.c is documented", "missing: " + ", ".join(missing))
        t.ok(not wrong_ops, "every route's methods are documented", ", ".join(wrong_ops))
        extra = sorted(set(paths) - used)
        t.ok(not extra, "nothing documented is absent from routes.c", "not routed: " + ", ".join(extra))
        allowed = {}
        for methods, pattern, _ in routes:
            dp = doc_path_for(pattern, paths)
            if dp:
                for m in methods:
                    allowed.setdefault(dp, set()).update(METHOD_OPS[m])
        bad_ops = ["%s %s" % (op, p) for p, item in paths.items() for op in item
                   if op != "parameters" and op not in allowed.get(p, set())]
        t.ok(not bad_ops, "no documented method the route table does not route", ", ".join(bad_ops))

        # -- every operation: a Chinese summary, responses; refs resolve
        no_cjk = [p + " " + m for p, item in paths.items() for m, o in item.items()
                  if m != "parameters" and not harness.CJK.search(o.get("summary", ""))]
        t.ok(not no_cjk, "every operation has a Chinese summary", ", ".join(no_cjk))
        bad_refs = []

        def walk(node):
            if isinstance(node, dict):
                if "$ref" in node:
                    try:
                        sch.resolve(node)
                    except (KeyError, TypeError):
                        bad_refs.append(node["$ref"])
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(doc)
        t.ok(not bad_refs, "every $ref resolves", ", ".join(bad_refs))
        for code in ("400", "401", "403", "404", "405", "409", "413"):
            refs = [k for k, v in doc["components"]["responses"].items()
                    if v["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                    and code in [cc for p in paths.values() for o in p.values() if isinstance(o, dict) and "responses" in o
                                 for cc, rr in o["responses"].items() if rr.get("$ref", "").endswith("/" + k)]]
            t.ok(refs, "status %s is documented with the common error shape" % code)

        # -- every public GET without path parameters answers as documented
        leaf = c.get("/api/v1/log/leaves/0").json()
        overrides = {"hash": leaf.get("hash", "")}
        seen = set()
        for methods, pattern, public in routes:
            if not public or "M_GET" not in methods or "{" in pattern or "*" in pattern or pattern in seen:
                continue
            seen.add(pattern)
            if pattern not in paths or "get" not in paths[pattern]:
                continue
            resp = response_of(doc, pattern, "get", 200)
            content = (resp or {}).get("content", {})
            url = with_examples(doc, pattern, "get", overrides)
            needs = paths[pattern]["get"].get("x-zhifa-requires-config")
            if needs:
                # e.g. time-stamps exist only with a TSA configured: the test
                # server has none, so the documented 404 error is the answer
                r = c.get(url, headers=JSON_ACCEPT)
                if r.status == 200:
                    t.ok(any(r.header("Content-Type", "").startswith(k) for k in content),
                         "GET %s: documented content type" % url)
                else:
                    t.ok(response_of(doc, pattern, "get", 404), "GET %s: 404 documented (needs %s)" % (url, needs))
                    check_error(t, sch, r, 404, "GET %s without %s" % (url, needs))
            elif "application/json" in content:
                check_model(t, sch, doc, c, pattern, url, "GET " + url)
            else:
                r = c.get(url, headers=JSON_ACCEPT)
                t.is_(r.status, 200, "GET %s: 200" % url)
                ct = r.header("Content-Type", "")
                t.ok(any(ct.startswith(k) for k in content), "GET %s: documented content type" % url,
                     "got %s, documented %s" % (ct, list(content)))

        # -- public item pages (path parameters from the lists)
        for plural in ("matters", "guides", "inspections"):
            lst = c.get("/api/v1/portal/" + plural).json()
            if t.ok(lst.get("items"), "demo has published " + plural):
                iid = lst["items"][0]["id"]
                for prefix in ("", "/api/v1"):
                    dp = prefix + "/portal/%s/{id}" % plural
                    check_model(t, sch, doc, c, dp, dp.replace("{id}", str(iid)), "GET " + dp)
        offs = c.get("/api/v1/portal/officers").json().get("officers", [])
        if t.ok(offs, "demo has officers"):
            for dp in ("/verify/c/{token}", "/api/v1/verify/c/{token}"):
                check_model(t, sch, doc, c, dp, dp.replace("{token}", offs[0]["token"]), "GET " + dp)
        check_model(t, sch, doc, c, "/api/v1/log/leaves/{index}", "/api/v1/log/leaves/0", "GET a leaf")
        r = c.get("/portal/matters/%d/flowchart.svg" % c.get("/api/v1/portal/matters").json()["items"][0]["id"])
        t.like(r.header("Content-Type", ""), r"^image/svg\+xml", "flowchart is SVG as documented")

        # -- errors
        check_error(t, sch, c.get("/api/v1/no-such-thing"), 404, "unknown /api/v1 path", "")
        check_error(t, sch, c.get("/portal/no-such-page", headers=JSON_ACCEPT), 404, "unknown page with Accept JSON")
        check_error(t, sch, c.get("/api/v1/portal/matters/999999999"), 404, "unknown matter")
        check_error(t, sch, c.get("/api/v1/portal/matters?page=x"), 400, "bad page", "page")
        check_error(t, sch, c.get("/api/v1/calendar/due?start=2026-02-30&n=5"), 400, "impossible date", "start")
        check_error(t, sch, c.get("/api/v1/calendar/is-workday"), 400, "missing date", "date")
        check_error(t, sch, c.get("/api/v1/log/proof/inclusion?index=5&size=2"), 400, "index beyond size", "index")
        check_error(t, sch, c.request("DELETE", "/api/v1/portal/matters"), 405, "DELETE")
        check_error(t, sch, c.get("/api/v1/vault"), 401, "back office without login")
        check_error(t, sch, c.get("/admin/units", headers=JSON_ACCEPT), 401, "admin page without login")

        # -- program login: double-submit CSRF, then the session's token
        prog = srv.client()
        anon = secrets.token_hex(32)
        r = prog.post_form("/login", {"username": "admin", "password": PW}, headers=JSON_ACCEPT)
        check_error(t, sch, r, 403, "login without CSRF token", "_csrf")
        r = prog.post_form("/login", {"username": "admin", "password": PW},
                           headers={"Accept": "application/json", "X-CSRF-Token": anon, "Cookie": "zf_csrf=" + anon})
        t.is_(r.status, 200, "program login: 200")
        login = r.json() if r.status == 200 else {}
        errs = sch.errors(login, response_of(doc, "/login", "post", 200)["content"]["application/json"]["schema"])
        t.ok(not errs, "login answer matches the document", "\n".join(errs))
        t.ok(prog.cookie("zf_session"), "login set the zf_session cookie")
        csrf = login.get("csrf", "")
        t.like(csrf, r"^[0-9a-f]{64}$", "login returned the session's CSRF token")
        bad = prog.post_form("/login", {"username": "admin", "password": "wrong-Password-1"},
                             headers={"Accept": "application/json", "X-CSRF-Token": csrf})
        check_error(t, sch, bad, 401, "wrong password", "password")

        # -- the back office's GET models as JSON
        admin_gets = [p for m, p, public in routes if not public and "M_GET" in m and "{" not in p]
        for p in sorted(set(admin_gets)):
            resp = response_of(doc, p, "get", 200)
            if resp and "application/json" in resp.get("content", {}):
                if p == "/admin/matters/new" or p.startswith("/parties") or p.startswith("/api/v1/parties") \
                        or p.startswith("/api/v1/cases") or p.startswith("/cases") \
                        or p in ("/api/v1/review/queue", "/review", "/review/stats") \
                        or p.startswith("/api/v1/publications") or p.startswith("/publications"):
                    continue  # drafting is for officers and heads, below; the register is not the admin's
                check_model(t, sch, doc, prog, p, p, "admin GET " + p)
        ids = {
            "/admin/units/{id}": prog.get("/admin/units", headers=JSON_ACCEPT).json()["units"][-1]["id"],
            "/admin/users/{id}": prog.get("/admin/users", headers=JSON_ACCEPT).json()["users"][0]["id"],
            "/admin/officers/{id}": prog.get("/admin/officers", headers=JSON_ACCEPT).json()["certs"][0]["id"],
            "/admin/matters/{id}": prog.get("/admin/matters", headers=JSON_ACCEPT).json()["items"][0]["id"],
        }
        ids["/admin/officers/{id}/print"] = ids["/admin/officers/{id}"]
        for dp, iid in ids.items():
            check_model(t, sch, doc, prog, dp, dp.replace("{id}", str(iid)), "admin GET " + dp)

        # a state-changing POST: refused without the header, runs with it
        mid = ids["/admin/matters/{id}"]
        head = srv.client()
        r = head.post_form("/login", {"username": "jn.head", "password": PW},
                           headers={"Accept": "application/json", "X-CSRF-Token": anon, "Cookie": "zf_csrf=" + anon})
        hcsrf = r.json().get("csrf", "") if r.status == 200 else ""
        t.ok(hcsrf, "head logs in as a program")
        check_model(t, sch, doc, head, "/admin/matters/new", "/admin/matters/new?kind=guide", "head GET /admin/matters/new")
        # cases are not the admin's: read as the division head
        cl = check_model(t, sch, doc, head, "/api/v1/cases", "/api/v1/cases", "head GET /api/v1/cases")
        if cl and cl.get("items"):
            check_model(t, sch, doc, head, "/api/v1/cases/{id}", "/api/v1/cases/%d" % cl["items"][0]["id"],
                        "head GET /api/v1/cases/{id}")
        # publications are the division's (disclosure): read as its head
        pl = check_model(t, sch, doc, head, "/api/v1/publications", "/api/v1/publications", "head GET /api/v1/publications")
        if pl and pl.get("items"):
            for dp in ("/api/v1/publications/{id}", "/api/v1/publications/{id}/preview"):
                check_model(t, sch, doc, head, dp, dp.replace("{id}", str(pl["items"][0]["id"])), "head GET " + dp)
        # the case pages' models (cases.c, cases_new.c, cases_view.c)
        for p in ("/cases", "/cases/new"):
            check_model(t, sch, doc, head, p, p, "head GET " + p)
        if cl and cl.get("items"):
            check_model(t, sch, doc, head, "/cases/{id}", "/cases/%d" % cl["items"][0]["id"], "head GET /cases/{id}")
        own = head.get("/admin/matters", headers=JSON_ACCEPT).json()["items"]
        mine = [it for it in own if it.get("status") == "published"]
        if t.ok(mine, "head has a published item"):
            mid = mine[0]["id"]
            check_model(t, sch, doc, head, "/admin/matters/{id}/edit", "/admin/matters/%d/edit" % mid, "head GET edit form")
            url = "/admin/matters/%d/publish" % mid
            r = head.post_form(url, {"change_note": "无修改"}, headers=JSON_ACCEPT)
            check_error(t, sch, r, 403, "POST without X-CSRF-Token", "_csrf")
            r = head.post_form(url, {"change_note": "无修改"}, headers={"Accept": "application/json", "X-CSRF-Token": hcsrf})
            check_error(t, sch, r, 409, "publish with nothing to publish")
            r = head.post_form("/admin/matters/%d/withdraw" % mid, {"reason": "接口测试撤回"},
                               headers={"Accept": "application/json", "X-CSRF-Token": hcsrf})
            check_error(t, sch, r, 409, "withdraw without confirm", "confirm")
            check_model(t, sch, doc, head, "/admin/matters/{id}/withdraw", "/admin/matters/%d/withdraw" % mid,
                        "head GET the withdrawal confirmation")
            r = head.post_form("/admin/matters/%d/withdraw" % mid, {"reason": "接口测试撤回", "confirm": "1"},
                               headers={"Accept": "application/json", "X-CSRF-Token": hcsrf})
            t.is_(r.status, 200, "withdraw with X-CSRF-Token: 200")
            schema = response_of(doc, "/admin/matters/{id}/withdraw", "post", 200)["content"]["application/json"]["schema"]
            errs = sch.errors(r.json() if r.status == 200 else None, schema)
            t.ok(not errs, "withdraw answer matches the document", "\n".join(errs))
            check_model(t, sch, doc, head, "/api/v1/portal/matters/{id}", "/api/v1/portal/matters/%d" % mid,
                        "a withdrawn item keeps its public page")
            lst = head.get("/api/v1/portal/matters?per_page=100").json()["items"]
            t.ok(all(it["id"] != mid for it in lst), "withdrawn item leaves the portal's list")

        # -- the party register as an officer (administrators may not read it)
        off = srv.client()
        r = off.post_form("/login", {"username": "jn.zhang", "password": PW},
                          headers={"Accept": "application/json", "X-CSRF-Token": anon, "Cookie": "zf_csrf=" + anon})
        ocsrf = r.json().get("csrf", "") if r.status == 200 else ""
        for p in ("/parties", "/api/v1/parties", "/parties/new"):
            check_model(t, sch, doc, off, p, p, "officer GET " + p)
        pid = off.get("/api/v1/parties", headers=JSON_ACCEPT).json()["items"][0]["id"]
        for dp in ("/parties/{id}", "/parties/{id}/edit", "/api/v1/parties/{id}", "/api/v1/parties/{id}/versions"):
            check_model(t, sch, doc, off, dp, dp.replace("{id}", str(pid)), "officer GET " + dp)
        r = off.post_json("/api/v1/parties", {"kind": "org", "name": "接口测试", "uscc": "91350100M000100Y44"},
                          headers={"X-CSRF-Token": ocsrf})
        check_error(t, sch, r, 400, "a wrong check character", "uscc")
        r = off.post_json("/api/v1/parties", {"kind": "org", "name": "接口测试", "uscc": "91350100M000100Y43"},
                          headers={"X-CSRF-Token": ocsrf})
        t.is_(r.status, 201, "officer POST /api/v1/parties: 201")
        schema = response_of(doc, "/api/v1/parties", "post", 201)["content"]["application/json"]["schema"]
        errs = sch.errors(r.json() if r.status == 201 else None, schema)
        t.ok(not errs, "the created party's answer matches the document", "\n".join(errs))
        r = off.post_json("/api/v1/parties", {"kind": "org", "name": "接口测试", "uscc": "91350100M000100Y43"},
                          headers={"X-CSRF-Token": ocsrf})
        check_error(t, sch, r, 409, "a known credit code", "uscc")

        # -- the index lists exactly the public /api/v1/ GET routes
        idx = c.get("/api/v1/").json()
        want = sorted({p for m, p, public in routes if public and "M_GET" in m and p.startswith("/api/v1/")})
        t.is_(sorted(idx.get("public_endpoints", [])), want, "/api/v1/ lists the public /api/v1/ GET routes")
        t.is_(idx.get("openapi"), "/api/v1/openapi.json", "/api/v1/ points at the OpenAPI document")
    t.done()


if __name__ == "__main__":
    main()
