#!/usr/bin/env python3
"""test_parties.py - the party register (当事人库) over HTTP: valid and
invalid identity numbers and credit codes through POST /api/v1/parties
(400 naming id_number / uscc with a Chinese message, nothing written),
one party per number (409 naming the existing party), versions and the
stale-version 409 on PUT/PATCH, permissions per role on the API and the
pages, the op_log of reads, the demo parties, the pages and their forms.
TAP on stdout."""

import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
J = {"Accept": "application/json"}

# Vectors computed from the standards' formulas (GB 11643-1999 MOD 11-2,
# GB 32100-2015 weights mod 31); the bad ones change one character.
GOOD_IDS = ["11010519491231002X", "530102199003071238", "440304198402290013", "11010519491231002x"]
BAD_IDS = [("110105194912310021", "校验码"), ("530102199003071239", "校验码"), ("530102199002300019", "出生日期"),
           ("00010119900101001X", "地址码"), ("5301021990030712", "18 位")]
GOOD_USCC = ["91350100M000100Y43", "91110108MA01A2B3CF", "Y1110000MA0000000U", "12100000000000000F"]
BAD_USCC = [("91350100M000100Y44", "校验码"), ("91350100M000100O43", "字符"), ("94350100M000100Y43", "登记管理部门"),
            ("91350100M000100Y4", "18 位")]


class Api:
    """A logged-in client with its session's CSRF token."""

    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def h(self, extra=None):
        h = {"Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": self.token}
        h.update(extra or {})
        return h

    def post(self, obj):
        return self.c.post_json("/api/v1/parties", obj, headers=self.h())

    def put(self, pid, obj, method="PUT"):
        body = harness.jsonlib.dumps(obj, ensure_ascii=False).encode("utf-8")
        return self.c.request(method, "/api/v1/parties/%d" % pid, body=body, headers=self.h())

    def get(self, path):
        return self.c.get(path, headers=J)


def db_count(srv, sql):
    """One integer from the server's database (SQLite file or PostgreSQL)."""
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        off = Api(srv, "jn.zhang")
        t.ok(off.status == 303 and off.token, "an officer logs in and has a CSRF token")

        # -- the demo parties
        lst = off.get("/api/v1/parties?per_page=100").json()
        t.ok(lst.get("total", 0) >= 8, "the demo register has its parties (%s)" % lst.get("total"))
        demo = {it["code"]: it for it in lst.get("items", [])}
        for code in ("91530100MA6K0MB019", "91530112MA6K1WN02H", "91530300MA6L2GT03W", "91530400MA6M3DX04T",
                     "91530111MA6P5WX06G", "92530102MA6N4TX05G"):
            t.ok(code in demo, "demo party %s is listed" % code)
        people = [it for it in lst.get("items", []) if it["kind"] == "person"]
        t.ok(people and all("*" in p["code"] for p in people), "persons' numbers are masked in the list")

        # -- valid identifiers are accepted
        ids = {}
        for n, num in enumerate(GOOD_IDS[:3]):
            r = off.post({"kind": "person", "name": "测试人%d" % n, "id_number": num, "phone": "13800000000"})
            t.is_(r.status, 201, "valid identity number %s accepted" % num)
            if r.status == 201:
                ids[num] = r.json()["id"]
        r = off.post({"kind": "person", "name": "重复", "id_number": GOOD_IDS[3]})
        t.ok(r.status == 409 and r.json()["error"]["field"] == "id_number" and
             str(ids.get("11010519491231002X")) in r.json()["error"]["message"],
             "a lower-case x is the same number: 409 naming the existing party (%s)" % r.text[:200])
        orgs = {}
        for n, code in enumerate(GOOD_USCC):
            r = off.post({"kind": "org", "name": "测试单位%d" % n, "uscc": code, "legal_rep": "某某"})
            t.is_(r.status, 201, "valid credit code %s accepted" % code)
            if r.status == 201:
                orgs[code] = r.json()["id"]
                t.is_(r.header("Location"), "/api/v1/parties/%d" % orgs[code], "201 with its Location")

        # -- invalid ones: 400 naming the field, Chinese message, nothing written
        before = db_count(srv, "SELECT COUNT(*) FROM party_versions")
        leaves = db_count(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type <> 'checkpoint.signed'")
        for num, word in BAD_IDS:
            r = off.post({"kind": "person", "name": "错误号码", "id_number": num})
            err = r.json().get("error", {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == "id_number" and word in err.get("message", "") and
                 harness.CJK.search(err.get("message", "")), "identity number %s refused: %s" % (num, err.get("message")))
        for code, word in BAD_USCC:
            r = off.post({"kind": "org", "name": "错误代码", "uscc": code})
            err = r.json().get("error", {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == "uscc" and word in err.get("message", ""),
                 "credit code %s refused: %s" % (code, err.get("message")))
        r = off.post({"kind": "individual_business", "name": "某店", "uscc": "92530102MA6N00031P",
                      "operator_name": "王五", "operator_id_number": "530102199003071239"})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "operator_id_number", "the operator's number is checked")
        r = off.post({"kind": "robot", "name": "x"})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "kind", "unknown kind: 400 naming kind")
        r = off.c.request("POST", "/api/v1/parties", body=b"{not json", headers=off.h())
        t.is_(r.status, 400, "malformed JSON: 400")
        t.is_(db_count(srv, "SELECT COUNT(*) FROM party_versions"), before, "nothing written on bad input")
        t.is_(db_count(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type <> 'checkpoint.signed'"), leaves, "no ledger leaf on bad input")

        # -- duplicates
        r = off.post({"kind": "org", "name": "另一名称", "uscc": "91350100m000100y43"})
        t.ok(r.status == 409 and r.json()["error"]["field"] == "uscc" and
             ("编号 %d" % orgs.get("91350100M000100Y43", -1)) in r.json()["error"]["message"],
             "a second create with the same credit code: 409 naming the existing party")

        # -- an 个体工商户
        r = off.post({"kind": "individual_business", "name": "某某小吃店", "uscc": "92530102MA6N00031P",
                      "operator_name": "王五", "operator_id_number": "530102199003071238"})
        t.is_(r.status, 201, "a 个体工商户 with its operator is registered")

        # -- read, versions, op_log
        pid = orgs.get("91350100M000100Y43")
        reads = db_count(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'party.read'")
        p = off.get("/api/v1/parties/%d" % pid).json()
        t.ok(p.get("version") == 1 and p.get("uscc") == "91350100M000100Y43" and p.get("kind_label") == "法人或其他组织",
             "GET a party: version 1 with its code and labels")
        t.is_(db_count(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'party.read'"), reads + 1,
              "the read is in the operation log")
        person = off.get("/api/v1/parties/%d" % ids["530102199003071238"]).json()
        t.ok(person.get("birth_date") == "1990-03-07" and person.get("minor") is False, "birth date derived, not a minor")
        kid = off.post({"kind": "person", "name": "少年", "id_number": "530102201006150011"})
        if t.is_(kid.status, 201, "a person born 2010 is registered"):
            kp = "/api/v1/parties/%d" % kid.json()["id"]
            t.is_(off.get(kp).json().get("minor"), True, "a minor today")
            r = off.get(kp + "?on=2028-06-16").json()
            t.ok(r.get("minor") is False and r.get("minor_on") == "2028-06-16", "an adult on 2028-06-16 (?on=)")
            t.is_(off.get(kp + "?on=2028-06-15").json().get("minor"), True, "still a minor on the 18th birthday")
            r = off.get(kp + "?on=2028-02-30")
            t.ok(r.status == 400 and r.json()["error"]["field"] == "on", "a bad ?on= date: 400 naming on")

        r = off.put(pid, {"version": 1, "legal_rep": "新代表", "note": "法定代表人变更"})
        t.ok(r.status == 200 and r.json().get("version") == 2, "PUT with the current version makes version 2")
        r = off.put(pid, {"version": 1, "legal_rep": "又一个"}, method="PATCH")
        err = r.json().get("error", {}) if r.status == 409 else {}
        t.ok(r.status == 409 and err.get("field") == "version" and "刷新" in err.get("message", ""),
             "PATCH with a stale version: 409 (%s)" % err.get("message"))
        r = off.put(pid, {"legal_rep": "无版本"})
        t.ok(r.status == 400 and r.json()["error"]["field"] == "version", "no version: 400 naming version")
        r = off.put(pid, {"version": 2, "uscc": "91350100M000100Y44"}, method="PATCH")
        t.ok(r.status == 400 and r.json()["error"]["field"] == "uscc", "a bad code on update: 400 naming uscc")
        t.is_(off.get("/api/v1/parties/%d" % pid).json().get("legal_rep"), "新代表", "the stale change wrote nothing")
        v1 = off.get("/api/v1/parties/%d?version=1" % pid).json()
        t.ok(v1.get("legal_rep") == "某某" and v1.get("current_version") == 2, "version 1 is kept as it was")
        vs = off.get("/api/v1/parties/%d/versions" % pid).json()
        t.ok([v["version"] for v in vs.get("items", [])] == [2, 1] and all(len(v["sha256"]) == 64 for v in vs["items"]),
             "the versions list, newest first, with hashes")
        r = off.c.request("DELETE", "/api/v1/parties/%d" % pid, headers=off.h())
        t.is_(r.status, 405, "DELETE is not allowed")
        t.is_(off.get("/api/v1/parties/999999").status, 404, "an unknown party: 404")
        t.is_(off.get("/api/v1/parties/%d?version=9" % pid).status, 404, "an unknown version: 404")

        # ledger leaves: ids and hashes only
        con_leaf = db_count(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'party.version'")
        t.ok(con_leaf >= 10, "party.version leaves are written (%d)" % con_leaf)
        leaf = off.c.get("/api/v1/log/leaves/%d" % (db_count(srv, "SELECT MAX(idx) FROM ledger_leaves WHERE event_type = 'party.version'")), headers=J)
        import base64
        body = base64.b64decode(leaf.json()["leaf"]).decode("utf-8") if leaf.status == 200 else ""
        t.ok('"type":"party.version"' in body and "王五" not in body and "530102199003071238" not in body,
             "the newest leaf holds no name or number: %s" % body)

        # search
        r = off.get("/api/v1/parties?q=%E6%B5%8B%E8%AF%95%E5%8D%95%E4%BD%8D")  # 测试单位
        t.is_(r.json().get("total"), 4, "search by name substring")
        r = off.get("/api/v1/parties?q=9153&kind=org")
        t.ok(r.json().get("total", 0) >= 5, "search by code prefix and kind")
        t.is_(off.get("/api/v1/parties?kind=robot").status, 400, "an unknown kind filter: 400")
        t.is_(off.get("/api/v1/parties?page=x").status, 400, "a bad page: 400")

        # -- permissions per role
        for user, can_read, can_write in (("jn.head", True, True), ("shenhe", True, False), ("fenguan", True, False),
                                          ("jiandu", True, False), ("admin", False, False), ("dangan", False, False)):
            a = Api(srv, user)
            r = a.get("/api/v1/parties")
            t.is_(r.status, 200 if can_read else 403, "%s %s the register" % (user, "reads" if can_read else "may not read"))
            r = a.get("/api/v1/parties/%d" % pid)
            t.is_(r.status, 200 if can_read else 403, "%s: GET one party" % user)
            r = a.get("/parties")
            t.is_(r.status, 200 if can_read else 403, "%s: the /parties page" % user)
            r = a.post({"kind": "org", "name": "权限测试", "uscc": "91530102MA6K000111"})
            t.is_(r.status, 201 if can_write else 403, "%s %s create" % (user, "may" if can_write else "may not"))
            if can_write and r.status == 201:
                r = a.put(r.json()["id"], {"version": 1, "contact": "某人"})
                t.is_(r.status, 200, "%s may update" % user)
            r = a.put(pid, {"version": 2, "contact": "不允许"})
            t.ok(r.status in ((403,) if not can_write else (200,)), "%s: PUT answers %d" % (user, r.status))
            t.is_(a.c.get("/parties/new").status, 200 if can_write else 403, "%s: the new-party form" % user)
            home = a.c.get("/admin").text
            t.is_('href="/parties"' in home, can_read, "%s: the menu %s 当事人库" % (user, "has" if can_read else "has no"))
        anon = srv.client()
        t.is_(anon.get("/api/v1/parties").status, 401, "the public: 401")
        r = off.c.request("POST", "/api/v1/parties", body=b'{"kind":"org"}',
                          headers={"Content-Type": "application/json", "Accept": "application/json"})
        t.ok(r.status == 403 and r.json()["error"]["field"] == "_csrf", "POST without the CSRF header: 403")

        # -- pages
        r = off.c.get("/parties?q=%E6%B0%B4%E6%B3%A5")  # 水泥
        t.ok(r.status == 200 and "昆明云岭水泥有限公司" in r.text and "当事人库" in r.text, "the list page finds 水泥")
        t.html_valid(r, "the list page is valid HTML")
        r = off.c.get("/parties/%d" % pid)
        t.ok(r.status == 200 and "版本历史" in r.text and "第 2 版" in r.text and "91350100M000100Y43" in r.text,
             "the party page shows data and history")
        t.html_valid(r, "the party page is valid HTML")
        minor = [it for it in lst.get("items", []) if it["name"] == "赵小明"]
        if t.ok(minor, "the demo minor is listed"):
            r = off.c.get("/parties/%d" % minor[0]["id"])
            t.ok("未成年人" in r.text and "第三十条" in r.text, "a minor is marked on the page")
        for kind in ("person", "org", "individual_business"):
            r = off.c.get("/parties/new?kind=" + kind)
            t.ok(r.status == 200 and "登记当事人" in r.text and
                 ('href="/parties/new?kind=%s" aria-current="page"' % kind) in r.text, "the new form for %s" % kind)
            t.html_valid(r, "the %s form is valid HTML" % kind)
        tok = harness.extract_csrf(off.c.get("/parties/new?kind=person").body)
        before = db_count(srv, "SELECT COUNT(*) FROM party_versions")
        r = off.c.post_form("/parties/new?kind=person", {"_csrf": tok, "kind": "person", "name": "",
                                                         "id_number": "530102199002300019", "phone": "abc"})
        t.ok(r.status == 400 and "存在以下问题" in r.text and "出生日期不存在" in r.text and "请填写" in r.text and
             "530102199002300019" in r.text, "a bad form shows every problem and keeps what was typed")
        t.is_(db_count(srv, "SELECT COUNT(*) FROM party_versions"), before, "and writes nothing")
        r = off.c.post_form("/parties/new?kind=person", {"_csrf": tok, "kind": "person", "name": "表单登记",
                                                         "id_number": "440304198402290013", "id_type": "resident_id"})
        t.ok(r.status == 409 and "已登记为当事人" in r.text, "a known number from the form: 409 with the message")
        r = off.c.post_form("/parties/new?kind=org", {"_csrf": tok, "kind": "org", "name": "表单登记公司",
                                                      "uscc": " 91530103ma6k00022k "})
        t.ok(r.status in (302, 303) and "/parties/" in (r.header("Location") or ""), "the form registers an organisation")
        new_id = int((r.header("Location") or "/0?").split("/")[-1].split("?")[0] or 0)
        r = off.c.get("/parties/%d/edit" % new_id)
        t.ok(r.status == 200 and 'name="version" value="1"' in r.text, "the edit form carries the version")
        etok = harness.extract_csrf(r.body)
        r = off.c.post_form("/parties/%d/edit" % new_id, {"_csrf": etok, "version": "1", "name": "表单登记公司",
                                                          "uscc": "91530103MA6K00022K", "legal_rep": "张三",
                                                          "note": "补充法定代表人"})
        t.ok(r.status in (302, 303), "the edit form saves version 2")
        r = off.c.post_form("/parties/%d/edit" % new_id, {"_csrf": etok, "version": "1", "name": "表单登记公司",
                                                          "uscc": "91530103MA6K00022K", "legal_rep": "李四"})
        t.ok(r.status == 409 and "已被他人修改" in r.text and "李四" in r.text,
             "a stale edit form: 409, the message, and what was typed is kept")
        t.is_(off.get("/api/v1/parties/%d" % new_id).json().get("legal_rep"), "张三", "nothing lost or overwritten")
    t.done()


if __name__ == "__main__":
    main()
