#!/usr/bin/env python3
"""test_route_matrix.py - every route of src/pages/routes.c against every
role, from outside.

ROUTES below is the access policy written down once more, apart from the
route table: method(s), path and who may pass the router - "public"
(anyone), "staff" (anyone signed in) or the roles by name.  The test
fails when routes.c has a route the table lacks (or the reverse), or
when their roles differ, so a new route or a changed role is a
deliberate change in two places.  Then, for each route and each of the
eight identities (the public and one demo user per role):
  - GET: someone outside the policy gets the router's refusal (401 or
    the login page for the public, 403 "您的角色无权访问此功能" for a
    role); someone inside gets no refusal of the router and no 5xx;
  - POST / PATCH without the CSRF token: refused (403, 401 for the
    public) before anything runs, for every identity;
  - POST with a valid CSRF token by a role outside the policy: 403.
Unit scope (another division's data by URL) is tested by test_roles.py
and each area's own tests.  TAP on stdout."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
ORDER = ["officer", "head", "reviewer", "leader", "archivist", "admin", "supervisor"]
# one demo user per role (src/people/demo.c); each holds that role only
USERS = {"officer": "jn.zhang", "head": "jn.head", "reviewer": "shenhe", "leader": "fenguan",
         "archivist": "dangan", "admin": "admin", "supervisor": "jiandu"}
ROLE_REFUSED = "您的角色无权访问此功能"

ROUTES = [
    ("GET", "/healthz", "public"),
    ("GET", "/static/*", "public"),
    ("GET", "/api/v1/", "public"),
    ("GET", "/api/v1/dict", "public"),
    ("GET", "/api/v1/openapi.json", "public"),
    ("GET", "/", "public"),
    ("GET", "/portal/search", "public"),
    ("GET", "/portal/bodies", "public"),
    ("GET", "/portal/officers", "public"),
    ("GET", "/portal/matters", "public"),
    ("GET", "/portal/matters/{id}", "public"),
    ("GET", "/portal/matters/{id}/flowchart.svg", "public"),
    ("GET", "/portal/guides", "public"),
    ("GET", "/portal/guides/{id}", "public"),
    ("GET", "/portal/inspections", "public"),
    ("GET", "/portal/inspections/{id}", "public"),
    ("GET", "/verify/c/{token}", "public"),
    ("GET", "/verify/c/{token}/qr.svg", "public"),
    ("GET", "/verify/c/{token}/photo", "public"),
    ("GET", "/api/v1/portal/bodies", "public"),
    ("GET", "/api/v1/portal/officers", "public"),
    ("GET", "/api/v1/portal/matters", "public"),
    ("GET", "/api/v1/portal/matters/{id}", "public"),
    ("GET", "/api/v1/portal/guides", "public"),
    ("GET", "/api/v1/portal/guides/{id}", "public"),
    ("GET", "/api/v1/portal/inspections", "public"),
    ("GET", "/api/v1/portal/inspections/{id}", "public"),
    ("GET", "/api/v1/portal/search", "public"),
    ("GET", "/portal/decisions", "public"),
    ("GET", "/portal/decisions.csv", "public"),
    ("GET", "/portal/decisions.atom", "public"),
    ("GET", "/portal/decisions/{id}", "public"),
    ("GET", "/portal/decisions/{id}/data.csv", "public"),
    ("GET", "/portal/decisions/{id}/verify", "public"),
    ("GET", "/portal/credit-export.csv", "public"),
    ("GET", "/portal/credit-export.xlsx", "public"),
    ("GET", "/api/v1/portal/decisions", "public"),
    ("GET", "/api/v1/portal/decisions/{id}", "public"),
    ("GET", "/api/v1/portal/decisions/{id}/proof", "public"),
    ("GET", "/api/v1/verify/c/{token}", "public"),
    ("GET POST", "/login", "public"),
    ("POST", "/logout", "public"),
    ("GET POST", "/account/password", "staff"),
    ("GET", "/admin", "staff"),
    ("GET POST", "/admin/units", "admin supervisor"),
    ("GET POST", "/admin/units/{id}", "admin supervisor"),
    ("POST", "/admin/units/{id}/delete", "admin"),
    ("GET POST", "/admin/users", "head admin supervisor"),
    ("GET POST", "/admin/users/{id}", "head admin supervisor"),
    ("POST", "/admin/users/{id}/password", "admin"),
    ("POST", "/admin/users/{id}/lock", "admin"),
    ("POST", "/admin/users/{id}/unlock", "admin"),
    ("POST", "/admin/users/{id}/qualifications", "admin"),
    ("POST", "/admin/users/{id}/qualifications/{id}/withdraw", "admin"),
    ("POST", "/admin/units/{id}/leader", "admin"),
    ("GET", "/admin/users.xlsx", "head admin supervisor"),
    ("GET", "/admin/units.xlsx", "admin supervisor"),
    ("GET POST", "/admin/officers", "head reviewer leader admin supervisor"),
    ("GET POST", "/admin/officers/{id}", "head reviewer leader admin supervisor"),
    ("POST", "/admin/officers/{id}/status", "head reviewer admin"),
    ("GET", "/admin/officers.xlsx", "head reviewer leader admin supervisor"),
    ("GET", "/admin/officers/{id}/print", "head reviewer leader admin supervisor"),
    ("POST", "/admin/officers/{id}/photo", "head reviewer admin"),
    ("GET", "/admin/logs", "admin supervisor"),
    ("GET", "/admin/logs/login", "admin supervisor"),
    ("GET", "/admin/login-guard", "admin supervisor"),
    ("POST", "/admin/login-guard/release", "admin"),
    ("GET", "/admin/logs.xlsx", "admin supervisor"),
    ("GET", "/admin/logs/login.xlsx", "admin supervisor"),
    ("GET", "/admin/matters", "officer head reviewer leader admin supervisor"),
    ("GET", "/admin/matters.xlsx", "officer head reviewer leader admin supervisor"),
    ("GET POST", "/admin/matters/new", "officer head"),
    ("GET", "/admin/matters/{id}", "officer head reviewer leader admin supervisor"),
    ("GET", "/admin/matters/{id}/flowchart.svg", "officer head reviewer leader admin supervisor"),
    ("GET POST", "/admin/matters/{id}/edit", "officer head"),
    ("GET POST", "/admin/matters/{id}/publish", "head"),
    ("GET POST", "/admin/matters/{id}/withdraw", "head"),
    ("GET POST", "/admin/calendar", "admin supervisor"),
    ("GET", "/admin/deadlines", "staff"),
    ("GET", "/admin/deadlines.xlsx", "staff"),
    ("GET", "/admin/deadlines/stats.xlsx", "leader admin supervisor"),
    ("GET POST", "/admin/deadlines/rules", "staff"),
    ("GET", "/admin/deadlines/{id}", "staff"),
    ("GET POST", "/admin/numbers", "leader admin supervisor"),
    ("GET", "/api/v1/calendar/due", "public"),
    ("GET", "/api/v1/calendar/is-workday", "public"),
    ("GET", "/log", "public"),
    ("GET", "/log/checkpoint", "public"),
    ("GET", "/log/key", "public"),
    ("GET", "/log/key/sm2", "public"),
    ("GET", "/log/tile/*", "public"),
    ("GET", "/api/v1/log", "public"),
    ("GET", "/api/v1/log/leaves/{index}", "public"),
    ("GET", "/api/v1/log/proof/inclusion", "public"),
    ("GET", "/api/v1/log/proof/consistency", "public"),
    ("GET", "/api/v1/log/proof/by-hash", "public"),
    ("GET", "/log/checkpoint/timestamp", "public"),
    ("GET", "/admin/vault", "staff"),
    ("GET", "/admin/vault/{sha256}", "staff"),
    ("GET", "/admin/vault/{sha256}/view", "staff"),
    ("GET", "/admin/vault/{sha256}/download", "staff"),
    ("POST", "/admin/vault/upload", "officer head"),
    ("GET", "/api/v1/vault", "staff"),
    ("GET", "/api/v1/vault/{sha256}", "staff"),
    ("OTHER", "/api/v1/uploads", "public"),
    ("POST", "/api/v1/uploads", "officer head"),
    ("GET", "/api/v1/uploads/{id}", "officer head"),
    ("OTHER", "/api/v1/uploads/{id}", "officer head"),
    ("GET POST", "/api/v1/parties", "officer head reviewer leader supervisor"),
    ("GET OTHER", "/api/v1/parties/{id}", "officer head reviewer leader supervisor"),
    ("GET", "/api/v1/parties/{id}/versions", "officer head reviewer leader supervisor"),
    ("GET", "/parties", "officer head reviewer leader supervisor"),
    ("GET POST", "/parties/new", "officer head"),
    ("GET", "/parties/{id}", "officer head reviewer leader supervisor"),
    ("GET POST", "/parties/{id}/edit", "officer head"),
    ("GET", "/admin/procedures", "admin"),
    ("GET", "/admin/procedures/{id}", "admin"),
    ("GET POST", "/admin/procedures/{id}/new-version", "admin"),
    ("GET POST", "/api/v1/procedures", "admin"),
    ("GET", "/api/v1/procedures/{id}", "admin"),
    ("GET", "/cases", "officer head reviewer leader archivist supervisor"),
    ("GET", "/cases.xlsx", "officer head reviewer leader archivist supervisor"),
    ("GET POST", "/cases/new", "officer head"),
    ("GET", "/cases/{id}", "officer head reviewer leader archivist supervisor"),
    ("POST", "/cases/{id}/act", "officer head reviewer leader"),
    ("GET POST", "/api/v1/cases", "officer head reviewer leader archivist supervisor"),
    ("GET", "/api/v1/cases/{id}", "officer head reviewer leader archivist supervisor"),
    ("POST", "/api/v1/cases/{id}/acts", "officer head reviewer leader"),
    ("POST", "/api/v1/review/classify", "officer head reviewer leader supervisor"),
    ("GET POST", "/api/v1/cases/{id}/review", "officer head reviewer leader archivist supervisor"),
    ("GET", "/api/v1/review/queue", "officer head reviewer leader"),
    ("GET POST", "/cases/{id}/review", "officer head reviewer leader archivist supervisor"),
    ("GET", "/review", "officer head reviewer leader"),
    ("GET", "/review/stats", "head reviewer leader supervisor"),
    ("GET", "/review/stats.xlsx", "head reviewer leader supervisor"),
    ("GET", "/api/v1/publications", "officer head leader supervisor"),
    ("GET", "/api/v1/publications/{id}", "officer head leader supervisor"),
    ("GET", "/api/v1/publications/{id}/preview", "officer head leader supervisor"),
    ("POST", "/api/v1/publications/{id}/acts", "officer head"),
    ("GET", "/publications", "officer head leader supervisor"),
    ("GET POST", "/publications/{id}", "officer head leader supervisor"),
    ("GET POST", "/api/v1/review/catalogue", "officer head reviewer leader admin supervisor"),
    ("GET", "/api/v1/doc-types", "officer head reviewer leader archivist admin supervisor"),
    ("GET POST", "/api/v1/cases/{id}/documents", "officer head reviewer leader archivist supervisor"),
    ("GET OTHER", "/api/v1/documents/{id}", "officer head reviewer leader archivist supervisor"),
    ("GET", "/api/v1/documents/{id}/pdf", "officer head reviewer leader archivist supervisor"),
    ("POST", "/api/v1/documents/{id}/signatures", "officer head"),
    ("POST", "/api/v1/documents/{id}/finalise", "officer head"),
    ("GET POST", "/cases/{id}/media", "officer head reviewer leader archivist supervisor"),
    ("GET", "/cases/{id}/credentials", "officer head"),
    ("POST", "/cases/{id}/package.zip", "officer head reviewer leader archivist supervisor"),
    ("GET POST", "/api/v1/cases/{id}/media", "officer head reviewer leader archivist supervisor"),
    ("GET POST", "/cases/{id}/documents", "officer head"),
    ("GET", "/cases/{id}/file", "officer head reviewer leader archivist supervisor"),
    ("GET POST", "/documents/{id}", "officer head reviewer leader archivist supervisor"),
    ("GET", "/documents/{id}/pdf", "officer head reviewer leader archivist supervisor"),
    ("GET POST", "/documents/{id}/sign", "officer head"),
    ("GET POST", "/documents/{id}/finalise", "officer head"),
    ("POST", "/documents/{id}/correct", "officer head"),
    ("POST", "/api/v1/redact", "officer head reviewer leader supervisor"),
]

# R_STREAM | R_NO_CSRF routes: the handler checks _csrf in the multipart body
STREAMED = ("/admin/officers/{id}/photo", "/admin/vault/upload")
MULTIPART = (b"--zfb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
             b"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--zfb--\r\n")

ROLE_NAMES = {"ROLE_OFFICER": "officer", "ROLE_HEAD": "head", "ROLE_REVIEWER": "reviewer",
              "ROLE_LEADER": "leader", "ROLE_ARCHIVIST": "archivist", "ROLE_ADMIN": "admin",
              "ROLE_SUPERVISOR": "supervisor"}


def routes_c():
    """(methods, path, who) for every row of the route table in routes.c."""
    here = os.path.dirname(os.path.abspath(__file__))
    src = open(os.path.join(here, "..", "..", "src", "pages", "routes.c"), encoding="utf-8").read()
    body = src[src.index("routes[] = {"):]
    # role sets named by a macro (#define CASE_READERS (ROLE_A | ROLE_B))
    macros = dict(re.findall(r"#define (\w+) \(((?:ROLE_\w+\s*\|?\s*)+)\)", src))
    out = []
    for m in re.finditer(r'\{\s*(M_[A-Z_ |]+),\s*"([^"]+)",\s*(\w+),\s*([^,}]+),\s*([^,}]+)', body):
        meth, path, _fn, flags, roles = m.groups()
        roles = roles.strip()
        if "R_LOGIN" not in flags:
            who = "public"
        elif roles in ("0", "ANY_STAFF"):
            who = "staff"
        else:
            roles = macros.get(roles, roles)
            names = {ROLE_NAMES[x.strip()] for x in roles.split("|")}
            who = " ".join(r for r in ORDER if r in names)
        out.append((meth.replace(" ", "").replace("M_", "").replace("|", " "), path, who))
    return out


def sample(path):
    """A concrete URL for a route pattern."""
    if path == "/static/*":
        return "/static/zhifa.css"
    if path == "/log/tile/*":
        return "/log/tile/0/000"
    p = path.replace("{sha256}", "0" * 64).replace("{token}", "A" * 24).replace("{index}", "0")
    return re.sub(r"\{[a-z_]+\}", "1", p)


def allowed(who, ident):
    if who == "public":
        return True
    if ident == "public":
        return False
    return who == "staff" or ident in who.split()


def main():
    t = harness.Tap()
    table = [(m, p, w) for (m, p, w) in ROUTES]
    code = routes_c()
    t.ok(len(code) > 50, "routes.c parsed (%d routes)" % len(code))
    missing = [r for r in code if r not in table]
    extra = [r for r in table if r not in code]
    t.ok(not missing, "every route of routes.c is in the policy table", "missing or changed: %r" % missing)
    t.ok(not extra, "every row of the policy table is a route of routes.c", "not in routes.c: %r" % extra)

    with harness.Server(t) as srv:
        clients = {"public": srv.client()}
        clients["public"].get("/login")
        for role, user in USERS.items():
            c = srv.client()
            r = c.login(user, PW)
            t.ok(r.status in (302, 303), "%s (%s) signs in" % (user, role))
            clients[role] = c
        tokens = {ident: harness.extract_csrf(c.get("/admin" if ident != "public" else "/login").body)
                  for ident, c in clients.items()}

        bad = []
        cells = 0
        for meths, path, who in code:
            url = sample(path)
            for ident in ["public"] + ORDER:
                c = clients[ident]
                ok = allowed(who, ident)
                if "GET" in meths.split():
                    cells += 1
                    r = c.get(url)
                    text = r.text if r.body else ""
                    refused = (r.status == 401 or (r.status in (302, 303) and "/login" in (r.header("Location") or ""))
                               or (r.status == 403 and ROLE_REFUSED in text))
                    if r.status >= 500:
                        bad.append("GET %s as %s: %d" % (url, ident, r.status))
                    elif ok and refused:
                        bad.append("GET %s as %s refused (%d), policy %r" % (url, ident, r.status, who))
                    elif not ok and not refused:
                        bad.append("GET %s as %s not refused (%d), policy %r" % (url, ident, r.status, who))
                for m in ("POST", "OTHER"):
                    if m not in meths.split():
                        continue
                    verb = "POST" if m == "POST" else "PATCH"
                    if m == "OTHER" and who == "public":
                        continue  # tus OPTIONS: capabilities only
                    cells += 1
                    # no token at all (the two streamed forms check it themselves,
                    # in the multipart body: send them one with a file and no _csrf)
                    cookie = "; ".join("%s=%s" % (k.name, k.value) for k in c.jar)
                    if path in STREAMED:
                        r = c.raw(verb, url, body=MULTIPART, headers={
                            "Content-Type": "multipart/form-data; boundary=zfb", "Cookie": cookie})
                    else:
                        r = c.raw(verb, url, body=b"x=1", headers={
                            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
                    if r.status >= 500 or r.status == 0:
                        bad.append("%s %s as %s without token: %d" % (verb, url, ident, r.status))
                    elif r.status not in (401, 403):
                        bad.append("%s %s as %s without token not refused (%d)" % (verb, url, ident, r.status))
                    if not ok and ident != "public" and tokens.get(ident):
                        cells += 1
                        r = c.request(verb, url, body=b"x=1", headers={
                            "Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRF-Token": tokens[ident]})
                        if not (r.status == 403 and ROLE_REFUSED in r.text):
                            bad.append("%s %s as %s with token not refused by role (%d)" % (verb, url, ident, r.status))
        t.ok(not bad, "%d route x identity cells behave as the policy says" % cells,
             "\n".join(bad[:40]) + ("\n… %d more" % (len(bad) - 40) if len(bad) > 40 else ""))
    t.done()


if __name__ == "__main__":
    main()
