#!/usr/bin/env python3
"""test_dict.py - the dictionary of codes (src/assets/data/dict.tsv, served
at /api/v1/dict): every code the code base can emit or store and a person
may read has a Chinese name, and pages show those names instead of codes.

The codes are collected from the source itself, so a new code without a
name fails here:
  * operation-log actions, object types and results: the literal
    arguments of every audit_log(...) call in src/ (pub_kind_ident(...)
    stands for the three kinds of publicity item);
  * login-log results: the literals of every audit_login(...) call and the
    list in actor/audit.h;
  * roles: the identifier table of actor/actor.c;
  * deadline events: event_code / ends_with of the rules seeded by the
    migrations and the events the code starts clocks with; deadline
    object types and states (the CHECK of migration 003); day kinds;
  * certificate statuses (stored and effective), publicity kinds,
    statuses and categories, remedy types.
TAP on stdout."""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SRC = os.path.join(harness.ROOT, "src")
PW = "Zhifa@2026demo"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def c_sources():
    return [p for p in glob.glob(os.path.join(SRC, "**", "*.c"), recursive=True)]


def calls(text, name):
    """The argument lists (split at top-level commas) of every call name(...)."""
    out = []
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        i, depth, args, cur, in_str = m.end(), 1, [], "", False
        while i < len(text) and depth:
            ch = text[i]
            if in_str:
                cur += ch
                if ch == "\\":
                    cur += text[i + 1]
                    i += 1
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
                cur += ch
            elif ch in "([{":
                depth += 1
                cur += ch
            elif ch in ")]}":
                depth -= 1
                if depth:
                    cur += ch
            elif ch == "," and depth == 1:
                args.append(cur.strip())
                cur = ""
            else:
                cur += ch
            i += 1
        args.append(cur.strip())
        out.append(args)
    return out


def literals(arg):
    return re.findall(r'"((?:[^"\\]|\\.)*)"', arg)


def emitted_codes():
    codes = {}

    def add(kind, code, where):
        codes.setdefault(kind, {}).setdefault(code, where)

    pub_kinds = ["matter", "guide", "inspection"]
    for path in c_sources():
        text = read(path)
        rel = os.path.relpath(path, harness.ROOT)
        for args in calls(text, "audit_log"):
            if len(args) < 7 or "const char *action" in args[2] or args[0].startswith("struct db"):
                continue  # the prototype / definition
            for lit in literals(args[2]):
                add("audit_action", lit, rel)
            if "pub_kind_ident" in args[3]:
                for k in pub_kinds:
                    add("object_type", k, rel)
            for lit in literals(args[3]):
                add("object_type", lit, rel)
            for lit in literals(args[5]):
                add("audit_result", lit, rel)
        for args in calls(text, "audit_login"):
            if len(args) >= 7 and not args[0].startswith("struct db"):
                for lit in literals(args[5]):
                    add("login_result", lit, rel)
        # clocks started by the code: start(db, cal, "event", unit, user, "otype", ...)
        for args in calls(text, "start") + calls(text, "deadline_start") + calls(text, "deadline_start_cal"):
            lits = [literals(a) for a in args]
            for i, l in enumerate(lits):
                if l and re.fullmatch(r"[a-z][a-z0-9_]*", l[0]) and i in (1, 2):
                    add("deadline_event", l[0], rel)
                if l and i in (5, 6) and re.fullmatch(r"[a-z]+", l[0]):
                    add("object_type", l[0], rel)
    audit_h = read(os.path.join(SRC, "actor/audit.h"))
    m = re.search(r'result one of ([^;]+);', audit_h)
    for lit in literals(m.group(1)) if m else []:
        add("login_result", lit, "actor/audit.h")
    actor = read(os.path.join(SRC, "actor/actor.c"))
    for ident in re.findall(r'\{ ROLE_\w+, "(\w+)"', actor):
        add("role", ident, "actor/actor.c")
    for sql_path in glob.glob(os.path.join(SRC, "store/migrations/*.sql")):
        sql = read(sql_path)
        rel = os.path.relpath(sql_path, harness.ROOT)
        for row in re.findall(r"INSERT INTO deadline_rules\([^)]*\)\s*VALUES\s*\('(\w+)',\s*'[^']*',\s*\d+,\s*'(\w+)',\s*'(\w+)'", sql):
            add("deadline_event", row[0], rel)
            add("day_kind", row[1], rel)
            add("deadline_event", row[2], rel)
        # the states of a publication (事后公开, 033) are not a clock's
        state_kind = "publication_state" if "CREATE TABLE publications" in sql else "deadline_state"
        for col, kind in (("state", state_kind), ("day_kind", "day_kind")):
            for chk in re.findall(r"\b%s TEXT[^\n]*CHECK \(%s IN \(([^)]*)\)" % (col, col), sql):
                for v in re.findall(r"'(\w+)'", chk):
                    add(kind, v, rel)
    certs = read(os.path.join(SRC, "people/certs.c"))
    for st in set(re.findall(r'return "(valid|suspended|revoked|expired|pending)"', certs)) | {"valid", "suspended", "revoked"}:
        add("cert_status", st, "people/certs.c")
    for k in pub_kinds:
        add("pub_kind", k, "publicity")
    for st in ("draft", "published", "withdrawn"):
        add("pub_status", st, "005_publicity.sql")
    demo = read(os.path.join(SRC, "publicity/demo.c"))
    for cat in re.findall(r'\\"category\\":\\"(\w+)\\"', demo):
        add("pub_category", cat, "publicity/demo.c")
    for v in ("review", "litigation"):
        add("remedy_type", v, "publicity/validate.c")
    for s in range(1, 4):
        add("scope", str(s), "actor/actor.h")
    return codes


def main():
    t = harness.Tap()
    codes = emitted_codes()
    n_actions = len(codes.get("audit_action", {}))
    t.ok(n_actions >= 20, "the source emits %d operation-log actions" % n_actions)
    t.ok(len(codes.get("deadline_event", {})) >= 8, "deadline events found in the source and migrations")
    t.ok(len(codes.get("pub_category", {})) >= 3, "categories found in the demo catalogue")
    with harness.Server(t) as srv:
        c = srv.client()
        r = c.get("/api/v1/dict")
        t.is_(r.status, 200, "GET /api/v1/dict")
        d = {k["kind"]: {e["code"]: e["label"] for e in k["entries"]} for k in r.json()["kinds"]}
        kinds = {k["kind"]: k["label"] for k in r.json()["kinds"]}
        for kind in sorted(codes):
            t.ok(kind in d and harness.CJK.search(kinds.get(kind, "")), "kind %s is in the dictionary with a name" % kind)
            for code, where in sorted(codes[kind].items()):
                label = d.get(kind, {}).get(code)
                t.ok(label and harness.CJK.search(label) and not re.search(r"[a-z]{3}", label),
                     "%s %s (from %s) has a Chinese name: %s" % (kind, code, where, label))
        r = c.get("/api/v1/dict?kind=role")
        t.ok(r.status == 200 and [k["kind"] for k in r.json()["kinds"]] == ["role"], "?kind= narrows to one kind")
        t.is_(c.get("/api/v1/dict?kind=nothing", headers={"Accept": "application/json"}).status, 404,
              "an unknown kind is 404")

        # pages show names, not codes
        admin = srv.client()
        t.is_(admin.login("admin", PW).status, 303, "admin logs in")
        j = admin.get("/admin/users", headers={"Accept": "application/json"}).json()
        liu = [u for u in j["users"] if u["username"] == "jn.liu"][0]
        tok = admin.csrf("/admin/users")
        admin.post_form("/admin/users/%d/lock" % liu["id"], {"_csrf": tok})
        admin.post_form("/admin/users/%d/unlock" % liu["id"], {"_csrf": tok})
        upd = [("_csrf", tok), ("unit_id", str(liu["unit_id"])), ("name", liu["name"]), ("title", liu.get("title") or ""),
               ("scope", str(liu["scope"]))] + [("roles", x) for x in liu["roles"]]
        r = admin.post_form("/admin/users/%d" % liu["id"], upd)
        t.is_(r.status, 303, "admin saves jn.liu unchanged (a logged change with roles)")
        r = admin.get("/admin/logs")
        body = r.text.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in r.text else ""
        t.ok("解除账号锁定" in body and "锁定账号" in body, "the log shows actions by name")
        t.ok(not re.search(r">\s*(user|unit|cert|vault|publicity|calendar|deadline_rule)\.[a-z_]+\s*<", body),
             "… and no action code in a cell")
        t.ok("<code>" not in body, "no code markup in the log's table")
        t.ok(not re.search(r"角色:[a-z]", r.text) and re.search("角色:[\u4e00-\u9fff]", r.text),
             "role details in Chinese (no 角色:officer)")
        off = srv.client()
        t.is_(off.login("jn.zhang", PW).status, 303, "an officer logs in")
        for path in ("/admin", "/admin/deadlines"):
            body = off.get(path).text
            t.ok(not re.search(r"<td>(case|decision|review|matter|publication|archive) ", body)
                 and not re.search(r">(overdue|due_soon|open|met)<", body), "%s names object types and states" % path)
        r = admin.get("/admin/deadlines/rules")
        body = r.text.split("<tbody>")[1].split("</tbody>")[0]
        for code in ("case_closed", "decision_made", "decision_licence_penalty", "archived"):
            t.ok(code not in body, "the rules table does not show %s" % code)
    t.done()


if __name__ == "__main__":
    main()
