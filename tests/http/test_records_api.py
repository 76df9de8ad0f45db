#!/usr/bin/env python3
"""test_records_api.py - 执法文书 over JSON on the demo department: the
catalogue for a case (the stage's types first), a draft prefilled from the
case (201), every refusal the issue lists answered 4xx with a Chinese
message naming the field and nothing written (a bad field, a stale
row_version, finalising without the party's signature or a refusal note, a
signature for another version, a stale signature after an edit, a seizure
without video, a wrong password, an edit of a finalised document, a
correction naming no original), a screen signature posted as a PNG data
URL, a refusal with reason and witness, finalising (number, PDF served,
leaves), corrections, reads in the operation log, another unit's document
by URL (404), CSRF.  TAP on stdout."""

import base64
import os
import sqlite3
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

PW = "Zhifa@2026demo"
J = {"Accept": "application/json"}


class Api:
    """A logged-in client with its session's CSRF token."""

    def __init__(self, srv, user):
        self.c = srv.client()
        self.status = self.c.login(user, PW).status
        self.token = harness.extract_csrf(self.c.get("/account/password", follow=True).body) or ""

    def h(self):
        return {"Accept": "application/json", "Content-Type": "application/json", "X-CSRF-Token": self.token}

    def post(self, path, obj, csrf=True):
        h = self.h()
        if not csrf:
            del h["X-CSRF-Token"]
        return self.c.post_json(path, obj, headers=h)

    def put(self, path, obj):
        import json
        return self.c.request("PUT", path, body=json.dumps(obj, ensure_ascii=False).encode(), headers=self.h())

    def get(self, path):
        return self.c.get(path, headers=J)


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def counts(srv):
    """What a records act writes (reads and the server's own jobs left out)."""
    return tuple(db_one(srv, sql) for sql in (
        "SELECT COUNT(*) FROM documents",
        "SELECT COUNT(*) FROM documents WHERE status = 'final'",
        "SELECT COALESCE(SUM(row_version), 0) FROM documents",
        "SELECT COUNT(*) FROM document_signatures",
        "SELECT COUNT(*) FROM ledger_leaves WHERE event_type LIKE 'record.%' OR event_type = 'file.stored'",
        "SELECT COUNT(*) FROM op_log WHERE object_type = 'document' AND action <> 'record.read'",
        "SELECT COUNT(*) FROM blobs"))


def png(seed=1):
    """A small valid PNG (grey scribble rows), built by hand."""
    w, h = 40, 12
    rows = b"".join(b"\x00" + bytes(((x * seed + y * 7) % 200) for x in range(w)) for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def data_url(b):
    return "data:image/png;base64," + base64.b64encode(b).decode()


def chinese(s):
    return bool(s) and any(ord(ch) > 0x2e80 for ch in s)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        li = Api(srv, "wx.li")
        zh = Api(srv, "jn.zhang")
        t.ok(li.status in (302, 303) and zh.status in (302, 303), "officers log in")
        seizure = db_one(srv, "SELECT MIN(id) FROM cases WHERE procedure_code = 'coercion_seizure'")
        hearing = db_one(srv, "SELECT MIN(id) FROM cases WHERE procedure_code = 'penalty_general' AND stage = 'hearing'")

        def refused(r, status, field, what, before):
            try:
                err = r.json()["error"]
            except Exception:  # noqa: BLE001
                err = {}
            t.ok(r.status == status and err.get("field") == field and chinese(err.get("message", "")),
                 "%s: %d %s %s" % (what, r.status, err.get("field"), err.get("message")))
            t.ok(counts(srv) == before, "%s: nothing written" % what)

        t.ok(db_one(srv, "SELECT COUNT(*) FROM documents d JOIN cases c ON c.id = d.case_id WHERE d.status = 'final'"
                         " AND d.type_code = 'onsite_penalty_decision' AND c.status = 'closed' AND d.number IS NOT NULL") == 1,
             "the demo's 当场处罚 case was closed with its numbered 当场行政处罚决定书")

        # ---- the catalogue ----
        r = li.get("/api/v1/doc-types?case_id=%d" % seizure)
        t.is_(r.status, 200, "GET /api/v1/doc-types?case_id")
        items = r.json()["items"]
        t.ok(items and items[0]["suggested"] and {"code", "name", "version", "definition"} <= set(items[0]),
             "the stage's types first, with their definitions")
        t.ok("seizure_list" in [x["code"] for x in items if x["suggested"]], "查封扣押清单 suggested at 实施查封、扣押")
        t.is_(zh.get("/api/v1/doc-types?case_id=%d" % seizure).status, 404, "a case out of view: 404")
        t.is_(len(Api(srv, "admin").get("/api/v1/doc-types").json()["items"]), 30, "the administrator reads the catalogue (with the 法制审核申请表 and 意见书)")

        # ---- a draft ----
        before = counts(srv)
        r = li.post("/api/v1/cases/%d/documents" % seizure, {"type_code": "seizure_list"})
        t.is_(r.status, 201, "POST a draft: 201")
        d = r.json()
        did = d["id"]
        t.ok(d["status"] == "draft" and "执法证号" in d["fields"].get("officers", ""), "prefilled officers with certificates")
        t.ok(r.headers.get("Location") == "/api/v1/documents/%d" % did, "Location of the document")
        t.ok(counts(srv)[0] == before[0] + 1, "one document row")
        b = counts(srv)
        refused(li.post("/api/v1/cases/%d/documents" % seizure, {"type_code": "penalty_decision"}), 400, "type_code",
                "a type of another procedure", b)
        refused(li.post("/api/v1/cases/%d/documents" % seizure, {"type_code": "seizure_list", "correction_reason": "写错"}),
                400, "corrects_id", "a correction that names no original", b)
        refused(li.post("/api/v1/cases/%d/documents" % seizure, {"type_code": "seizure_list"}, csrf=False), 403, "_csrf",
                "no CSRF token", b)

        reads = db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'record.read'")
        r = li.get("/api/v1/documents/%d" % did)
        t.ok(r.status == 200 and r.json()["case"]["id"] == seizure, "GET the document")
        t.is_(db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'record.read'"), reads + 1, "the read is logged")
        t.is_(zh.get("/api/v1/documents/%d" % did).status, 404, "another unit's document by URL: 404")
        rv = r.json()["row_version"]

        # ---- edits ----
        b = counts(srv)
        refused(li.put("/api/v1/documents/%d" % did, {"row_version": rv, "fields": {"items": "一台"}}), 400, "fields.items",
                "a list that is no list", b)
        refused(li.put("/api/v1/documents/%d" % did, {"row_version": rv + 3, "fields": {"place": "某地"}}), 409, "row_version",
                "a stale row_version", b)
        refused(li.put("/api/v1/documents/%d" % did, {"fields": {}}), 400, "row_version", "no row_version", b)
        fields = dict(d["fields"])
        fields.update({"place": "昆明市官渡区某小区 5 栋楼顶", "started_at": "2026-09-22T10:00", "ended_at": "2026-09-22T10:40",
                       "items": [{"name": "调频发射机", "spec": "FM-300W", "quantity": "1", "unit": "台"}]})
        r = li.put("/api/v1/documents/%d" % did, {"row_version": rv, "fields": fields})
        t.is_(r.status, 200, "PUT the fields")
        d = r.json()
        t.ok(d["act_started_at"] == "2026-09-22T02:00:00Z", "the act's start in UTC")

        # ---- signatures and finalising ----
        b = counts(srv)
        refused(li.post("/api/v1/documents/%d/finalise" % did, {"row_version": d["row_version"], "password": PW}), 409,
                "signature", "finalise without a signature or refusal note", b)
        refused(li.post("/api/v1/documents/%d/signatures" % did,
                        {"kind": "screen", "content_sha256": "0" * 64, "signer_role": "party", "signer_name": "张建国",
                         "image": data_url(png())}), 409, "content_sha256", "a signature for another version", b)
        refused(li.post("/api/v1/documents/%d/signatures" % did,
                        {"kind": "screen", "content_sha256": d["content_sha256"], "signer_role": "party",
                         "signer_name": "张建国", "image": "data:image/png;base64," + base64.b64encode(b"GIF89a...").decode()}),
                400, "image", "an image that is no PNG", b)
        refused(li.post("/api/v1/documents/%d/signatures" % did,
                        {"kind": "refused", "content_sha256": d["content_sha256"], "signer_name": "张建国"}),
                400, "refusal_reason", "a refusal without its reason", b)
        r = li.post("/api/v1/documents/%d/signatures" % did,
                    {"kind": "screen", "content_sha256": d["content_sha256"], "signer_role": "party",
                     "signer_name": "张建国", "image": data_url(png(3))})
        t.is_(r.status, 201, "the party signs on the screen")
        after = counts(srv)
        t.ok(after[3] == b[3] + 1 and after[6] == b[6] + 1, "a signature row and its PNG in the vault")
        fields["place"] = "昆明市官渡区某小区 5 栋楼顶（东侧）"
        d = li.put("/api/v1/documents/%d" % did, {"row_version": d["row_version"], "fields": fields}).json()
        t.ok(d["signatures"] and not d["signatures"][0]["current"], "an edit makes the signature stale")
        b = counts(srv)
        refused(li.post("/api/v1/documents/%d/finalise" % did, {"row_version": d["row_version"], "password": PW}), 409,
                "signature", "a stale signature does not count", b)
        r = li.post("/api/v1/documents/%d/signatures" % did,
                    {"kind": "screen", "content_sha256": d["content_sha256"], "signer_role": "party",
                     "signer_name": "张建国", "image": data_url(png(5))})
        t.is_(r.status, 201, "signed again")
        b = counts(srv)
        refused(li.post("/api/v1/documents/%d/finalise" % did, {"row_version": d["row_version"], "password": PW}), 409,
                "recording", "a seizure without a video covering it", b)

        # ---- a refusal noted, finalised, served as PDF ----
        r = zh.post("/api/v1/cases/%d/documents" % hearing, {"type_code": "inquiry_record"})
        t.is_(r.status, 201, "a 询问笔录 drafted")
        q = r.json()
        qf = dict(q["fields"])
        qf.update({"place": "本厅 3 楼询问室", "started_at": "2026-09-22T09:00", "ended_at": "2026-09-22T09:40",
                   "respondent": "王某", "recorder": "刘某", "credentials_shown": True, "content": "问：……答：……"})
        q = zh.put("/api/v1/documents/%d" % q["id"], {"row_version": q["row_version"], "fields": qf}).json()
        r = zh.post("/api/v1/documents/%d/signatures" % q["id"],
                    {"kind": "refused", "content_sha256": q["content_sha256"], "signer_name": "王某",
                     "refusal_reason": "当事人认为笔录对其不利，拒绝签名", "witness_name": "李四",
                     "witness_id_number": "530102199001011234"})
        t.is_(r.status, 201, "a refusal noted with reason and witness")
        r = zh.post("/api/v1/cases/%d/media" % hearing,
                    {"document_id": q["id"], "no_recording_reason": "在办公场所询问，文字记录已全面反映"})
        t.ok(r.status in (200, 201), "the reason for no recording (as needed) (%d)" % r.status)
        b = counts(srv)
        fails = db_one(srv, "SELECT failed_count FROM users WHERE username = 'jn.zhang'")
        refused(zh.post("/api/v1/documents/%d/finalise" % q["id"], {"row_version": q["row_version"], "password": "wrong"}),
                400, "password", "a wrong password", b)
        t.is_(db_one(srv, "SELECT failed_count FROM users WHERE username = 'jn.zhang'"), fails + 1,
              "counted like a failed login")
        r = zh.post("/api/v1/documents/%d/finalise" % q["id"], {"row_version": q["row_version"], "password": PW})
        t.is_(r.status, 200, "finalised (%s)" % r.body[:200])
        fin = r.json()
        t.ok(fin["status"] == "final" and len(fin["pdf_sha256"]) == 64 and fin["pdf_pages"] >= 1, "final with its PDF")
        t.ok(db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'record.finalised' AND leaf LIKE '%%%s%%'"
                    % fin["pdf_sha256"]) == 1, "record.finalised names the PDF's SHA-256")
        r = zh.c.get("/api/v1/documents/%d/pdf" % q["id"])
        t.ok(r.status == 200 and r.headers.get("Content-Type", "").startswith("application/pdf") and r.body[:4] == b"%PDF",
             "the PDF is served")
        import hashlib
        t.is_(hashlib.sha256(r.body).hexdigest(), fin["pdf_sha256"], "the PDF served is the one the leaf names")
        r = li.c.get("/api/v1/documents/%d/pdf" % did)
        t.ok(r.status == 200 and r.body[:4] == b"%PDF", "a draft renders on the fly")
        b = counts(srv)
        refused(zh.put("/api/v1/documents/%d" % q["id"], {"row_version": fin["row_version"], "fields": qf}), 409, "status",
                "an edit of a finalised document", b)
        refused(zh.post("/api/v1/cases/%d/documents" % hearing, {"corrects_id": q["id"]}), 400, "correction_reason",
                "a correction without its reason", b)
        r = zh.post("/api/v1/cases/%d/documents" % hearing, {"corrects_id": q["id"], "correction_reason": "询问地点有误"})
        t.is_(r.status, 201, "a correction drafted")
        t.ok(r.json()["corrects_id"] == q["id"], "it names the original")
        lst = zh.get("/api/v1/cases/%d/documents" % hearing).json()["items"]
        orig = next(x for x in lst if x["id"] == q["id"])
        t.ok(orig["status"] == "final" and orig["corrected_by_id"] == r.json()["id"], "the original stays, naming its correction")
        t.ok({"id", "type_code", "name", "status", "status_label", "number", "created_at_local", "finalised_at_local",
              "pdf_pages", "pdf_sha256", "corrects_id", "corrected_by_id", "needs"} <= set(orig), "summary members")
        sup = Api(srv, "jiandu")
        t.is_(sup.get("/api/v1/documents/%d" % q["id"]).status, 200, "the supervisor reads")
        t.is_(sup.post("/api/v1/documents/%d/finalise" % did, {"row_version": 1, "password": PW}).status, 403,
              "but does not finalise")
    t.done()


if __name__ == "__main__":
    main()
