#!/usr/bin/env python3
"""test_records_media.py - audio-visual records (音像记录) of a case over
HTTP: files uploaded to the vault (tus, as the phone's camera does, and the
plain form), attached through POST /api/v1/cases/{id}/media and the form
POST /cases/{id}/media; every refusal (statement moment outside the
recording, end before start, a document instead of a recording, an unknown
file, a case out of scope, a missing summary) a 4xx with a Chinese message
naming the field and nothing written (the case's records and the ledger's
size before and after); the late flag at the 24-hour boundary (二.(二).4)
on the case and on the supervisor's dashboard; the case page's section
with the camera input; the 出示证件 screen for the case's officers only.
TAP on stdout."""

import base64
import datetime
import os
import re
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from uploads_lib import b64, form_upload, page_csrf, tus, tus_create  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
CJK = re.compile("[\u4e00-\u9fff]")

MP4 = bytes([0, 0, 0, 0x18]) + b"ftypmp42" + bytes(4) + b"mp42isom" + b"\0" * 200
JPEG = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) + b"JFIF\0\1\1\0\0\1\0\1\0\0" + b"photo" * 40
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def login(srv, user):
    c = srv.client()
    r = c.login(user, PW)
    if r.status != 303:
        raise SystemExit("login %s failed: %s" % (user, r.status))
    c.token = harness.extract_csrf(c.get("/account/password", follow=True).body) or ""
    return c


def post_json(c, path, obj):
    return c.post_json(path, obj, headers={"X-CSRF-Token": c.token})


def db_one(srv, sql):
    if srv.db_url:
        out = subprocess.run(["psql", "-XAtq", srv.db_url, "-c", sql], capture_output=True, text=True)
        return int(out.stdout.strip() or "-1")
    con = sqlite3.connect(os.path.join(srv.data, "zhifa.db"))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def utc(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        li = login(srv, "wx.li")
        cases = li.get("/api/v1/cases?q=" + "%E9%BB%91%E5%B9%BF%E6%92%AD", headers=JSON).json()["items"]
        t.ok(cases, "the demo seizure case (黑广播) is in wx.li's view")
        cid = cases[0]["id"]
        case = li.get("/api/v1/cases/%d" % cid, headers=JSON).json()
        officer_ids = [o["user_id"] for o in case["officers"]]
        t.is_(len(officer_ids), 2, "two officers on the case")

        # ---- files: a video through tus (the camera upload), a photo and a PDF by form
        csrf = page_csrf(li)
        loc = tus_create(li, csrf, len(MP4), "filename %s,filetype %s" % (b64("现场.mp4"), b64("video/mp4")))
        r = tus(li, "PATCH", loc, MP4, {"Upload-Offset": "0", "X-CSRF-Token": csrf})
        video = r.header("Upload-Sha256")
        t.ok(r.status == 204 and video, "the video is stored through tus", r.status)
        r = form_upload(li, csrf, "现场.jpg", "image/jpeg", JPEG)
        photo = re.search(r"ok=([0-9a-f]{64})", r.header("Location") or "")
        photo = photo.group(1) if photo else None
        t.ok(r.status == 303 and photo, "the photo is stored by form", r.status)
        r = form_upload(li, csrf, "笔录.pdf", "application/pdf", PDF)
        pdf = re.search(r"ok=([0-9a-f]{64})", r.header("Location") or "")
        pdf = pdf.group(1) if pdf else None
        t.ok(r.status == 303 and pdf, "a PDF is stored by form", r.status)
        stored = parse_utc(li.get("/api/v1/vault/" + video, headers=JSON).json()["stored_at"])

        def state():
            """the case's records (as listed), the table's rows, the record.media leaves and log rows"""
            n = len(li.get("/api/v1/cases/%d/media" % cid, headers=JSON).json()["items"])
            return (n, db_one(srv, "SELECT COUNT(*) FROM record_media"),
                    db_one(srv, "SELECT COUNT(*) FROM ledger_leaves WHERE event_type = 'record.media'"),
                    db_one(srv, "SELECT COUNT(*) FROM op_log WHERE action = 'record.media'"))

        end = stored - datetime.timedelta(hours=2)
        start = end - datetime.timedelta(minutes=40)
        good = {"file_sha256": video, "recorder_serial": "DSJ-0031", "officer_ids": officer_ids,
                "started_at": utc(start), "ended_at": utc(end), "place": "官渡区某小区 5 栋楼顶",
                "statement_offset_s": 15, "summary": "出示证件，说明扣押事由，扣押发射设备一套"}

        def refused(client, body, status, field, what, path=None):
            before = state()
            r = post_json(client, path or "/api/v1/cases/%d/media" % cid, body)
            err = r.json().get("error", {}) if r.header("Content-Type", "").startswith("application/json") else {}
            t.ok(r.status == status and (field is None or err.get("field") == field)
                 and CJK.search(err.get("message", "")),
                 "%s: %d %s %s" % (what, r.status, err.get("field"), err.get("message")))
            t.is_(state(), before, "%s: nothing written" % what)

        refused(li, dict(good, statement_offset_s=2401), 400, "statement_offset_s", "statement moment after the end")
        refused(li, dict(good, ended_at=utc(start - datetime.timedelta(seconds=1))), 400, "ended_at",
                "end before start")
        refused(li, dict(good, ended_at=utc(datetime.datetime.utcnow() + datetime.timedelta(hours=2))), 400,
                "ended_at", "end in the future")
        refused(li, dict(good, file_sha256=pdf), 415, "file_sha256", "a PDF is not a recording")
        refused(li, dict(good, file_sha256="ab" * 32), 400, "file_sha256", "an unknown file")
        refused(li, dict(good, summary=""), 400, "summary", "a missing summary")
        refused(li, {k: v for k, v in good.items() if k != "summary"}, 400, "summary", "no summary at all")
        refused(li, {k: v for k, v in good.items() if k != "statement_offset_s"}, 400, "statement_offset_s",
                "no statement moment")
        refused(li, dict(good, recorder_serial=""), 400, "recorder_serial", "no recorder serial")
        refused(li, dict(good, officer_ids=[]), 400, "officer_ids", "no officers")
        zhang = login(srv, "jn.zhang")
        refused(zhang, good, 404, None, "a case out of scope")
        t.is_(zhang.get("/api/v1/cases/%d/media" % cid, headers=JSON).status, 404, "its list out of scope: 404")
        refused(login(srv, "jiandu"), good, 403, None, "the supervisor reads but does not attach")

        # ---- accepted, and the late flag at 24 h
        before = state()
        r = post_json(li, "/api/v1/cases/%d/media" % cid, good)
        row = r.json()
        t.ok(r.status == 201 and row.get("kind") == "video" and not row.get("late"), "a video attached (201)", r.text[:300])
        after = state()
        t.ok(after == tuple(x + 1 for x in before), "one row, one ledger leaf, one log row", repr((before, after)))
        leaf = srv.client().get("/api/v1/log/leaves/%d" % row["leaf_index"], headers=JSON)
        t.ok(leaf.status == 200, "its leaf is public (ids and hashes only)")
        body = base64.b64decode(leaf.json()["leaf"]).decode()
        t.ok('"type":"record.media"' in body and video in body and "官渡区" not in body and "DSJ" not in body,
             "the leaf names the file's hash, no place or serial", body)

        b24 = dict(good, ended_at=utc(stored - datetime.timedelta(hours=24)),
                   started_at=utc(stored - datetime.timedelta(hours=24, minutes=40)))
        r = post_json(li, "/api/v1/cases/%d/media" % cid, b24)
        t.ok(r.status == 201 and r.json().get("late") is False, "stored exactly 24 h after the end: not late", r.text[:200])
        b24s = dict(good, ended_at=utc(stored - datetime.timedelta(hours=24, seconds=1)),
                    started_at=utc(stored - datetime.timedelta(hours=24, minutes=40)))
        r = post_json(li, "/api/v1/cases/%d/media" % cid, b24s)
        t.ok(r.status == 201 and r.json().get("late") is True, "24 h and 1 s: late (迟延导出)", r.text[:200])
        ph = dict(good, file_sha256=photo, started_at=utc(end), ended_at=utc(end), statement_offset_s=0)
        r = post_json(li, "/api/v1/cases/%d/media" % cid, ph)
        t.ok(r.status == 201 and r.json().get("kind") == "photo", "a photo (start = end) attached", r.text[:200])

        # ---- the case page
        r = li.get("/cases/%d" % cid)
        t.is_(r.status, 200, "the case page")
        t.html_valid(r, "the case page with the 音像记录 section is valid HTML")
        for needle, what in [('id="media"', "the section"), ("迟延导出", "the late flag"),
                             ('href="/cases/%d/credentials"' % cid, "the 出示证件 link"),
                             ('accept="video/*,image/*" capture="environment"', "the camera input"),
                             ('data-done="/cases/%d#media"' % cid, "the tus uploader comes back to the case"),
                             ("/static/upload.js", "the resumable uploader"), ('id="media-form"', "the attach form"),
                             ("DSJ-0031", "the recorder"), ("00:00:15", "the statement moment"),
                             ("赵丽萍", "the officers")]:
            t.ok(needle in r.text, "case page: " + what)
        # the case's documents are offered: what a recording records, and
        # the form stating why an act was not recorded
        r = post_json(li, "/api/v1/cases/%d/documents" % cid, {"type_code": "site_record"})
        t.is_(r.status, 201, "a 现场笔录 drafted for the case")
        did = r.json().get("id") if r.status == 201 else 0
        r = li.get("/cases/%d" % cid)
        opts = re.findall(r'<select id="f-document_id"[^>]*>(.*?)</select>', r.text, re.S)
        t.ok(opts and ('<option value="%d"' % did) in opts[0], "case page: the attach form offers the case's documents")
        t.ok('id="media-reason-form"' in r.text and 'id="f-no_recording_reason-r"' in r.text,
             "case page: the form for the reason of no recording is shown")
        r = li.get("/cases/%d?media_file=%s" % (cid, photo))
        t.ok(re.search(r'<option value="%s" selected' % photo, r.text), "after an upload the file is chosen in the form")

        # ---- the form: a refusal shown beside its field with what was typed kept, then success
        n0 = state()
        local_start = (start + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
        local_end = (end + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
        pairs = [("file_sha256", video), ("recorder_serial", "DSJ-0099"), ("officer_ids", str(officer_ids[0])),
                 ("started_at", local_start), ("ended_at", local_end), ("place", "楼顶天台"),
                 ("statement_offset_s", "01:00:00"), ("summary", "现场扣押过程")]
        r = li.post_form("/cases/%d/media" % cid, pairs + [("_csrf", li.csrf("/cases/%d/media" % cid))])
        t.is_(r.status, 400, "form: statement moment past the end refused")
        t.ok('id="e-statement_offset_s"' in r.text and "语音说明的时刻须在记录之内" in r.text, "the message beside the field")
        t.ok('value="DSJ-0099"' in r.text and "现场扣押过程" in r.text, "what was typed is kept")
        t.html_valid(r, "the refused form is valid HTML")
        t.is_(state(), n0, "form refusal: nothing written")
        pairs = [p for p in pairs if p[0] != "statement_offset_s"] + [("statement_offset_s", "00:00:20")]
        r = li.post_form("/cases/%d/media" % cid, pairs + [("_csrf", li.csrf("/cases/%d/media" % cid))])
        t.ok(r.status == 303 and (r.header("Location") or "").startswith("/cases/%d?ok=media" % cid),
             "form: attached, back to the case", r.status)
        t.is_(state(), tuple(x + 1 for x in n0), "form: one more record, leaf and log row")

        # ---- the supervisors' dashboard
        r = login(srv, "jiandu").get("/admin")
        t.ok('id="late-media"' in r.text and case["title"][:10] in r.text, "the late upload on the supervisor's dashboard")
        r = login(srv, "jn.head").get("/admin")
        t.ok("目前没有迟延导出的音像记录" in r.text, "another division's head sees none")

        # ---- 出示证件
        r = li.get("/cases/%d/credentials" % cid)
        t.is_(r.status, 200, "出示证件 for an officer of the case")
        t.html_valid(r, "the 出示证件 screen is valid HTML")
        for o in case["officers"]:
            t.ok(o["name"] in r.text and o["cert_no"] in r.text, "shows %s with certificate %s" % (o["name"], o["cert_no"]))
        t.is_(r.text.count('/qr.svg"'), 2, "two QR codes of the public check")
        t.ok(case["body_name"] in r.text and "有效期" in r.text, "the body and the validity")
        qr = re.search(r'src="(/verify/c/[^"]+/qr\.svg)"', r.text)
        t.ok(qr and srv.client().get(qr.group(1)).status == 200, "the QR code is served publicly")
        t.is_(login(srv, "wx.head").get("/cases/%d/credentials" % cid).status, 403,
              "a head who is not an officer of the case: 403")
        t.is_(zhang.get("/cases/%d/credentials" % cid).status, 404, "out of scope: 404")

    # ---- the config key record_export_hours reaches the attach (here 1 hour)
    with harness.Server(t, env={"ZHIFA_RECORD_EXPORT_HOURS": "1"}) as srv:
        li = login(srv, "wx.li")
        cid = li.get("/api/v1/cases?q=" + "%E9%BB%91%E5%B9%BF%E6%92%AD", headers=JSON).json()["items"][0]["id"]
        ids = [o["user_id"] for o in li.get("/api/v1/cases/%d" % cid, headers=JSON).json()["officers"]]
        r = form_upload(li, page_csrf(li), "现场.mp4", "video/mp4", MP4)
        sha = re.search(r"ok=([0-9a-f]{64})", r.header("Location") or "").group(1)
        stored = parse_utc(li.get("/api/v1/vault/" + sha, headers=JSON).json()["stored_at"])
        body = {"file_sha256": sha, "recorder_serial": "DSJ-1", "officer_ids": ids, "place": "现场",
                "started_at": utc(stored - datetime.timedelta(hours=2)),
                "ended_at": utc(stored - datetime.timedelta(hours=1, seconds=1)), "statement_offset_s": 5,
                "summary": "说明"}
        r = post_json(li, "/api/v1/cases/%d/media" % cid, body)
        t.ok(r.status == 201 and r.json().get("late") is True and r.json().get("export_hours") == 1,
             "record_export_hours = 1: an upload 1 h 1 s after the end is late", r.text[:200])
    t.done()


if __name__ == "__main__":
    main()
