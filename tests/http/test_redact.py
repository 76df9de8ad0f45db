#!/usr/bin/env python3
"""test_redact.py - the redaction engine from outside (issue 12,
Redaction): POST /api/v1/redact (who may call it, the answer's shape, staff
marks added and removed, bad input 400 naming the member, a 1 MiB text
accepted and a larger one refused) and `zhifa redact` (text, --marks JSON
without the masked text, standard input, usage errors exit 2, a file that
is not UTF-8 exit 1).  The identity numbers, cards and credit codes carry
correct check characters."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
BIN = os.environ.get("ZHIFA_BIN", os.path.join(harness.ROOT, "build/asan/zhifa"))

TEXT = ("当事人：云南滇峰商贸有限公司，统一社会信用代码：91530100MA6K1234X5，住所：云南省昆明市五华区护国街道东风西路123号3栋2单元501室。"
        "委托代理人：王小明，身份证号码：530102199003071238，联系电话：13812345678，电子邮箱：wxm@example.cn。"
        "证人张丽华证实，员工刘强将过期食品上架销售。执法人员：杨光、周涛（执法证号：53010012345、53010012346）。"
        "依据《中华人民共和国食品安全法》第一百二十四条第一款第五项，决定书文号：五市监罚〔2026〕12号，"
        "2026年12月1日决定处以罚款10,000元。账号：2402 0101 0400 1234 5，卡号6222020200112233446。")
SECRETS = ["护国街道", "东风西路123号", "王小明", "530102199003071238", "13812345678", "wxm@example.cn", "张丽华",
           "刘强", "2402 0101 0400 1234 5", "6222020200112233446"]
KEPT = ["云南滇峰商贸有限公司", "91530100MA6K1234X5", "云南省昆明市五华区", "杨光", "周涛", "53010012345",
        "《中华人民共和国食品安全法》第一百二十四条第一款第五项", "五市监罚〔2026〕12号", "2026年12月1日", "10,000元"]


class Api:
    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def post(self, obj, raw=None):
        h = {"Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": self.token}
        if raw is not None:
            return self.c.request("POST", "/api/v1/redact", body=raw, headers=h)
        return self.c.post_json("/api/v1/redact", obj, headers=h)


def run(t, args, stdin=None):
    p = subprocess.run([BIN, "redact"] + args, input=stdin, capture_output=True, timeout=60)
    for stream in (p.stdout, p.stderr):
        for mark in harness.SANITIZER_MARKS:
            if mark.encode() in stream:
                t.ok(False, "no sanitizer report in zhifa redact " + " ".join(args), stream[-2000:])
    return p


def b2c(text, off):
    """A byte offset of text's UTF-8 as a character index."""
    return len(text.encode()[:off].decode())


def test_cli(t):
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "decision.txt")
        with open(f, "w", encoding="utf-8") as fh:
            fh.write(TEXT)
        p = run(t, ["--party-kind", "org", "--party", "云南滇峰商贸有限公司", f])
        out = p.stdout.decode()
        t.is_(p.returncode, 0, "zhifa redact FILE exits 0")
        for s in SECRETS:
            t.ok(s not in out, "CLI: %s masked" % s)
        for s in KEPT:
            t.ok(s in out, "CLI: %s kept" % s)
        t.ok("【已隐去：居民身份证号码】" in out, "the mask names what was removed")
        p2 = run(t, ["--party-kind=org", "--party=云南滇峰商贸有限公司"], stdin=TEXT.encode())
        t.ok(p2.returncode == 0 and p2.stdout == p.stdout, "standard input gives the same text")
        p3 = run(t, ["--marks", "--party-kind", "org", "--party", "云南滇峰商贸有限公司", f])
        j = json.loads(p3.stdout.decode()) if p3.returncode == 0 else {}
        marks = j.get("marks") or []
        t.ok(p3.returncode == 0 and j.get("original_length") == len(TEXT.encode()) and len(marks) >= 9,
             "--marks prints JSON with the marks (%d)" % len(marks))
        t.ok(all(set(m) == {"start", "end", "kind", "kind_label", "reason"} for m in marks),
             "each mark has start, end, kind, kind_label, reason and not the text")
        t.ok(not any(s in p3.stdout.decode() for s in SECRETS), "--marks does not print the masked text")
        t.ok(all(marks[i]["end"] <= marks[i + 1]["start"] for i in range(len(marks) - 1)), "marks ordered, not overlapping")
        kinds = {m["kind"] for m in marks}
        t.ok({"id_card", "mobile", "email", "address", "name", "bank_account", "bank_card"} <= kinds,
             "the kinds found: %s" % sorted(kinds))
        p4 = run(t, ["--marks", "--with-text", f])
        j4 = json.loads(p4.stdout.decode()) if p4.returncode == 0 else {}
        t.ok(any(m.get("text") == "530102199003071238" for m in j4.get("marks", [])), "--with-text adds each mark's text")
        for args, why in ((["--party-kind", "company", f], "a bad party kind"), (["--bogus"], "an unknown option"),
                          (["--party"], "--party without a value"), ([f, f], "two files"),
                          (["--with-text", f], "--with-text without --marks")):
            p = run(t, args)
            t.ok(p.returncode == 2 and "用法" in p.stderr.decode(), "%s: usage in Chinese, exit 2" % why)
        bad = os.path.join(d, "bad.txt")
        with open(bad, "wb") as fh:
            fh.write("手机13812345678".encode() + b"\xff\xfe")
        p = run(t, [bad])
        t.ok(p.returncode == 1 and "UTF-8" in p.stderr.decode() and not p.stdout, "a file that is not UTF-8: exit 1, nothing printed")
        p = run(t, [os.path.join(d, "missing.txt")])
        t.ok(p.returncode == 1 and "无法打开" in p.stderr.decode(), "a missing file: exit 1")
        p = subprocess.run([BIN, "help"], capture_output=True, text=True)
        t.ok("redact" in p.stdout, "help lists redact")


def test_api(t):
    with harness.Server(t) as srv:
        off = Api(srv, "jn.zhang")
        t.is_(off.status, 303, "an officer logs in")
        r = off.post({"text": TEXT, "party_kind": "org", "party": "云南滇峰商贸有限公司"})
        j = r.json() if r.status == 200 else {}
        t.is_(r.status, 200, "POST /api/v1/redact answers 200 (%s)" % r.text[:200])
        red = j.get("redacted", "")
        for s in SECRETS:
            t.ok(s not in red, "API: %s masked" % s)
        for s in KEPT:
            t.ok(s in red, "API: %s kept" % s)
        t.is_(j.get("original_length"), len(TEXT.encode()), "original_length in bytes")
        marks = j.get("marks") or []
        t.ok(marks and all(m.get("kind_label") and m.get("reason") for m in marks), "each mark has its label and reason")
        # staff: add a secret, remove the witness's mark
        tb = TEXT.encode()
        secret = "过期食品".encode()
        a = tb.index(secret)
        wit = next(m for m in marks if TEXT.encode()[m["start"]:m["end"]] == "张丽华".encode())
        r = off.post({"text": TEXT, "party_kind": "org", "party": "云南滇峰商贸有限公司",
                      "add": [{"start": a, "end": a + len(secret), "reason": "商业秘密"}],
                      "remove": [{"start": wit["start"], "end": wit["end"]}]})
        j2 = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and "过期食品" not in j2.get("redacted", "") and "张丽华" in j2.get("redacted", ""),
             "a staff mark is masked and a removed mark is not")
        t.ok(any(m["kind"] == "manual" and m["reason"] == "商业秘密" for m in j2.get("marks", [])), "the staff mark has its reason")
        # officers and persons passed by the caller
        r = off.post({"text": "李四和王五在场。", "officers": ["王五"], "persons": [{"name": "李四", "role": "证人"}]})
        j3 = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and "李四" not in j3.get("redacted", "") and "王五" in j3.get("redacted", ""),
             "a known witness is masked, a known officer kept (%s)" % r.text[:200])
        # bad input: 400 naming the member
        for body, field in (({}, "text"), ({"text": 5}, "text"), ({"text": "x", "party_kind": "company"}, "party_kind"),
                            ({"text": "x", "party": 3}, "party"), ({"text": "x", "add": {}}, "add"),
                            ({"text": "x", "add": [{"start": 0}]}, "add[0].end"),
                            ({"text": "x", "add": [{"start": -1, "end": 1}]}, "add[0].start"),
                            ({"text": "x", "add": [{"start": 0, "end": 2}]}, "add"),
                            ({"text": "张三", "add": [{"start": 1, "end": 3}]}, "add"),
                            ({"text": "x", "remove": [{"start": 0, "end": 1}, {"start": 1, "end": 0}]}, "remove"),
                            ({"text": "x", "add": [{"start": 0, "end": 1, "reason": ""}]}, "add[0].reason"),
                            ({"text": "x", "officers": [""]}, "officers[0]"),
                            ({"text": "x", "persons": "李四"}, "persons")):
            r = off.post(body)
            err = (r.json().get("error") or {}) if r.status == 400 else {}
            t.ok(r.status == 400 and err.get("field") == field and err.get("message"),
                 "%s → 400 naming %s (%d %s)" % (json.dumps(body, ensure_ascii=False), field, r.status, r.text[:160]))
        r = off.post(None, raw=b"not json")
        t.is_(r.status, 400, "a body that is not JSON: 400")
        r = off.post(None, raw=b'{"text":"a","text":"b"}')
        t.is_(r.status, 400, "a duplicate member: 400")
        # 1 MiB of text is accepted, more is refused
        unit = "证人张丽华证实。"  # 24 bytes
        big = unit * (1024 * 1024 // len(unit.encode()))
        big += "a" * (1024 * 1024 - len(big.encode()))
        r = off.post({"text": big})
        j = r.json() if r.status == 200 else {}
        t.ok(r.status == 200 and j.get("original_length") == 1024 * 1024 and "张丽华" not in j.get("redacted", "x"),
             "a text of exactly 1 MiB is redacted (%d)" % r.status)
        r = off.post({"text": big + "a"})
        t.ok(r.status == 413 and (r.json().get("error") or {}).get("field") == "text", "1 MiB + 1 byte: 413 naming text")
        r = off.c.raw("POST", "/api/v1/redact", body=b"{" + b" " * (3 * 1024 * 1024) + b"}",
                      headers={"Content-Type": "application/json", "X-CSRF-Token": off.token,
                               "Cookie": "; ".join("%s=%s" % (c.name, c.value) for c in off.c.jar)})
        t.is_(r.status, 413, "a body of 3 MiB is refused with 413 before it is read")
        # who may call it
        for user, want in (("jn.head", 200), ("shenhe", 200), ("fenguan", 200), ("jiandu", 200),
                           ("dangan", 403), ("admin", 403)):
            a = Api(srv, user)
            r = a.post({"text": "手机13812345678"})
            t.is_(r.status, want, "%s: %d" % (user, want))
        anon = srv.client()
        r = anon.post_json("/api/v1/redact", {"text": "x"}, headers={"Accept": "application/json"})
        t.ok(r.status in (401, 403), "the public is refused (%d)" % r.status)
        # offsets are bytes on character boundaries
        r = off.post({"text": TEXT})
        for m in r.json().get("marks", []):
            b2c(TEXT, m["start"]), b2c(TEXT, m["end"])  # raises if not on a boundary
        t.ok(True, "every offset falls on a character boundary")


def main():
    t = harness.Tap()
    test_cli(t)
    test_api(t)
    t.done()


if __name__ == "__main__":
    main()
