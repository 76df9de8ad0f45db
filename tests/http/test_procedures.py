#!/usr/bin/env python3
"""test_procedures.py - the enforcement procedures over HTTP
(src/pages/admin_procedures.c): the administrator reads the list and each
version as a readable table (stages, requirements, clocks, basis,
transitions, endings, versions) and adds a version through the form or
the JSON API; bad JSON, a definition with problems or a date in the past
answer 400 naming every problem in Chinese and write nothing; every other
role is refused.  TAP on stdout."""

import datetime
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}


def today():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d")


def visible(body):
    """The text a reader sees: tags, scripts and styles removed."""
    s = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", body)
    s = re.sub(r"(?s)<textarea[^>]*>.*?</textarea>", "", s)
    return html.unescape(re.sub(r"<[^>]+>", " ", s))


def versions_of(c, code):
    lst = c.get("/api/v1/procedures").json()["procedures"]
    return next(p for p in lst if p["code"] == code)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        c = srv.client()
        c.login("admin", PW)

        r = c.get("/admin/procedures")
        t.is_(r.status, 200, "admin opens the procedure list")
        t.html_valid(r, "the list is valid HTML")
        for name in ("行政处罚普通程序", "行政处罚简易程序", "行政许可", "查封、扣押", "行政检查", "行政征收征用", "其他行政执法行为"):
            t.ok(name in r.text, "the list names %s" % name)
        t.ok("2021-07-15" in r.text and "现行" in r.text, "with versions, dates and the one in force")
        t.ok("penalty_general" not in visible(r.text), "no codes on the page")
        t.ok('href="/admin/procedures"' in c.get("/admin").text, "the administrator's menu links to it")

        lst = c.get("/api/v1/procedures").json()
        codes = sorted(p["code"] for p in lst["procedures"])
        t.is_(codes, sorted(["penalty_general", "penalty_simple", "licence", "inspection", "coercion_seizure",
                             "levy", "other"]), "the JSON list has the seven default procedures")
        pg = versions_of(c, "penalty_general")
        pid = pg["current_id"]
        t.ok(pid and pg["versions"][0]["effective_from"] == "2021-07-15", "penalty_general v1 in force from 2021-07-15")

        r = c.get("/admin/procedures/%d" % pid)
        t.is_(r.status, 200, "admin opens the penalty procedure")
        t.html_valid(r, "the procedure page is valid HTML")
        text = visible(r.text)
        for word in ("立案", "调查取证", "告知", "听证", "法制审核", "负责人审查决定", "制作并送达决定书", "执行", "结案",
                     "立案审批", "处室负责人", "《中华人民共和国行政处罚法》第五十八条", "不予立案", "移送司法机关",
                     "当事人在告知后五日内要求听证", "立案号", "作出行政处罚决定（普通程序）", "本部门规定", "最少执法人员",
                     "投诉举报作出是否立案的决定"):
            t.ok(word in text, "the page shows %s" % word)
        t.ok(not re.search(r"\b(legal_review|case_penalty_decision|approval|officers|head)\b", text),
             "no stage, clock, requirement or role codes are shown")

        for p in lst["procedures"]:
            r = c.get("/admin/procedures/%d" % p["current_id"])
            t.ok(r.status == 200 and not harness.tidy_errors(r.body) and "依据" in r.text,
                 "the page of %s is valid HTML with its basis" % p["name"])
        lic = visible(c.get("/admin/procedures/%d" % versions_of(c, "licence")["current_id"]).text)
        for word in ("申请", "受理", "审查", "准予行政许可", "不予行政许可", "不予受理", "延长许可办理期限", "专家评审"):
            t.ok(word in lic, "the licence procedure shows %s" % word)
        sz = visible(c.get("/admin/procedures/%d" % versions_of(c, "coercion_seizure")["current_id"]).text)
        for word in ("实施查封、扣押", "解除查封、扣押", "延长查封、扣押期限", "（至多30日）", "分管负责人"):
            t.ok(word in sz, "the seizure procedure shows %s" % word)

        j = c.get("/api/v1/procedures/%d" % pid).json()
        t.ok(j["code"] == "penalty_general" and j["definition"]["initial"] == "filing" and len(j["sha256"]) == 64,
             "the JSON of one version carries the definition and its hash")
        t.is_(c.get("/api/v1/procedures/99999").status, 404, "an unknown version is 404")

        # the form
        r = c.get("/admin/procedures/%d/new-version" % pid)
        t.is_(r.status, 200, "the new-version form opens")
        t.html_valid(r, "the form is valid HTML")
        t.ok("<textarea" in r.text and "&quot;stages&quot;" in r.text, "prefilled with the current definition")
        token = harness.extract_csrf(r.body)
        base = j["definition"]

        def count_versions():
            return len(versions_of(c, "penalty_general")["versions"])

        n0 = count_versions()
        r = c.post_form("/admin/procedures/%d/new-version" % pid,
                        {"_csrf": token, "effective_from": today(), "definition": "{\"stages\": [ ,"})
        t.is_(r.status, 400, "malformed JSON is 400")
        t.ok("不是有效的 JSON" in r.text and "存在以下问题" in r.text, "named in Chinese in the summary")
        t.html_valid(r, "the refused form is valid HTML")

        bad = dict(base)
        bad["stages"] = [dict(s) for s in base["stages"]]
        del bad["stages"][1]["basis"]
        bad["transitions"] = [dict(x) for x in base["transitions"]]
        bad["transitions"][0]["to"] = "nowhere"
        bad["stages"][0] = dict(bad["stages"][0])
        bad["stages"][0]["requires"] = [dict(q) for q in bad["stages"][0]["requires"]]
        bad["stages"][0]["requires"][0]["role"] = "boss"
        import json as _json
        r = c.post_form("/admin/procedures/%d/new-version" % pid,
                        {"_csrf": token, "effective_from": today(), "definition": _json.dumps(bad, ensure_ascii=False)})
        t.is_(r.status, 400, "a definition with problems is 400")
        for msg in ("阶段「调查取证」缺少法律依据", "目标阶段「nowhere」不存在", "角色「boss」不存在"):
            t.ok(msg in r.text, "the form names: %s" % msg)
        t.ok("&quot;nowhere&quot;" in r.text, "what was typed is kept")

        r = c.post_form("/admin/procedures/%d/new-version" % pid,
                        {"_csrf": token, "effective_from": "2020-01-01", "definition": _json.dumps(base, ensure_ascii=False)})
        t.is_(r.status, 400, "an effective date in the past is 400")
        t.ok("早于今天" in r.text, "named: 不能溯及既往")
        t.is_(count_versions(), n0, "nothing was written by the refusals")

        changed = dict(base)
        changed["name"] = "行政处罚普通程序（修订）"
        r = c.post_form("/admin/procedures/%d/new-version" % pid,
                        {"_csrf": token, "effective_from": today(), "definition": _json.dumps(changed, ensure_ascii=False)})
        t.is_(r.status, 303, "a valid version is saved")
        loc = r.header("Location") or ""
        t.like(loc, r"^/admin/procedures/\d+$", "and shown")
        t.is_(count_versions(), n0 + 1, "one more version")
        r = c.get(loc)
        t.ok("行政处罚普通程序（修订）" in r.text and "第2版" in r.text and "现行" in r.text,
             "version 2 is in force from today")
        logs = c.get("/admin/logs?action=procedure.add", headers=JSON).json()
        t.ok(any(i.get("username") == "admin" for i in logs.get("result", {}).get("items", [])), "the operation log names the administrator")

        # the JSON API
        api_token = harness.extract_csrf(c.get("/admin/procedures/%d/new-version" % pid).body)
        body = {"code": "licence", "effective_from": today(), "definition": versions_of_def(c, "licence")}
        r = c.post_json("/api/v1/procedures", body)
        t.is_(r.status, 403, "the API refuses a POST without the CSRF token")
        r = c.post_json("/api/v1/procedures", body, headers={"X-CSRF-Token": api_token})
        t.is_(r.status, 201, "the API adds a licence version")
        t.ok(r.json().get("version") == 2 and r.json().get("code") == "licence", "answering the new version")
        bad2 = dict(body)
        bad2["definition"] = dict(body["definition"])
        bad2["definition"]["stages"] = body["definition"]["stages"] + [
            {"code": "orphan", "name": "孤立", "basis": "测试"}]
        bad2["definition"]["kind"] = "tax"
        r = c.post_json("/api/v1/procedures", bad2, headers={"X-CSRF-Token": api_token})
        t.is_(r.status, 400, "a bad definition through the API is 400")
        err = r.json().get("error", {})
        msgs = [e["message"] for e in err.get("errors", [])]
        t.ok(any("无法从起始阶段到达" in m for m in msgs) and any("执法类别「tax」不存在" in m for m in msgs),
             "every problem named in Chinese (%d)" % len(msgs))
        r = c.post_json("/api/v1/procedures", {"code": "licence"}, headers={"X-CSRF-Token": api_token})
        t.is_(r.status, 400, "a missing definition is 400")
        r = c.raw("POST", "/api/v1/procedures", body=b"{not json",
                  headers={"Content-Type": "application/json", "X-CSRF-Token": api_token, "Accept": "application/json",
                           "Cookie": "; ".join("%s=%s" % (k.name, k.value) for k in c.jar)})
        t.is_(r.status, 400, "a body that is not JSON is 400")
        t.is_(len(versions_of(c, "licence")["versions"]), 2, "the refused requests wrote nothing")

        # every other role is refused, and writes nothing
        for user in ("jiandu", "jn.head", "jn.zhang", "shenhe", "dangan", "fenguan"):
            o = srv.client()
            o.login(user, PW)
            t.is_(o.get("/admin/procedures").status, 403, "%s may not open the procedure list" % user)
            t.is_(o.get("/api/v1/procedures/%d" % pid, headers=JSON).status, 403, "%s may not read a version" % user)
            t.ok('href="/admin/procedures"' not in o.get("/admin").text, "%s has no menu entry" % user)
        o = srv.client()
        o.login("jn.head", PW)
        tok = harness.extract_csrf(o.get("/account/password").body)
        r = o.post_json("/api/v1/procedures", body, headers={"X-CSRF-Token": tok or ""})
        t.is_(r.status, 403, "a head may not add a version")
        r = o.post_form("/admin/procedures/%d/new-version" % pid,
                        {"_csrf": tok or "", "effective_from": today(), "definition": _json.dumps(base)})
        t.is_(r.status, 403, "nor through the form")
        t.is_(len(versions_of(c, "licence")["versions"]), 2, "nothing written")
        t.is_(count_versions(), n0 + 1, "nothing written")
        t.is_(srv.client().get("/api/v1/procedures").status in (302, 303, 401), True, "the public is sent to log in")
    defaults_once(t)
    t.done()


def defaults_once(t):
    """A fresh database and one from before migration 023 each get the
    default procedures exactly once (SQLite files; the PostgreSQL path is
    the same code, covered by test_procedure)."""
    import shutil
    import sqlite3
    import subprocess
    import tempfile
    binary = os.environ.get("ZHIFA_BIN") or os.path.join(harness.ROOT, "build/asan/zhifa")
    env = dict(os.environ)
    env.pop("ZHIFA_DB", None)
    tmp = tempfile.mkdtemp(prefix="zhifa-proc-")
    try:
        def migrate():
            return subprocess.run([binary, "migrate", "--data", tmp], capture_output=True, text=True, env=env,
                                  timeout=120)

        def rows(sql):
            con = sqlite3.connect(os.path.join(tmp, "zhifa.db"))
            try:
                return con.execute(sql).fetchone()[0]
            finally:
                con.close()
        p = migrate()
        t.ok(p.returncode == 0, "migrate a fresh database", p.stderr)
        t.is_(rows("SELECT COUNT(*) FROM procedures"), 7, "a fresh database gets the seven defaults")
        t.is_(rows("SELECT COUNT(DISTINCT code) FROM procedures WHERE version = 1 AND created_by = 'system'"), 7,
              "each as version 1 by the system")
        p = migrate()
        t.is_(rows("SELECT COUNT(*) FROM procedures"), 7, "a second start adds nothing")
        # make it a database from before migration 023
        con = sqlite3.connect(os.path.join(tmp, "zhifa.db"))
        con.executescript("DROP TABLE procedures; DELETE FROM schema_migrations WHERE version = 23;")
        con.commit()
        con.close()
        p = migrate()
        t.ok(p.returncode == 0, "an existing database is migrated", p.stderr)
        t.is_(rows("SELECT COUNT(*) FROM procedures"), 7, "and gets the seven defaults")
        migrate()
        t.is_(rows("SELECT COUNT(*) FROM procedures"), 7, "once")
        t.is_(rows("SELECT effective_from FROM procedures WHERE code = 'penalty_simple'"), "2021-07-15",
              "penalties from 2021-07-15")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def versions_of_def(c, code):
    p = versions_of(c, code)
    return c.get("/api/v1/procedures/%d" % p["current_id"]).json()["definition"]


if __name__ == "__main__":
    main()
