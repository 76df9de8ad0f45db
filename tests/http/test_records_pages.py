#!/usr/bin/env python3
"""test_records_pages.py - the pages of 执法文书 over HTTP: the section
执法文书与案卷 of the case page and 新建文书, the draft form rendered from
the catalogue (/documents/{id}: every problem in Chinese beside its field,
nothing changed; a stale row_version: 409 with the conflict message and
what was typed kept; values escaped), signing (/documents/{id}/sign: on
the screen with a PNG data URL bound to the content hash, a refusal with
its reason), finalising with the password (/documents/{id}/finalise: what
is missing listed first; a wrong password refused beside its field), the
PDF, a correction, the 卷内目录 (/cases/{id}/file), CSRF on every form,
and another division's head refused with 404.  TAP on stdout."""

import base64
import os
import re
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import uploads_lib  # noqa: E402

PW = "Zhifa@2026demo"
JSON = {"Accept": "application/json"}
PENALTY = "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚"
XSS = "<script>alert('x')</script>\"&"


def login(srv, user):
    c = srv.client()
    r = c.login(user, PW)
    if r.status != 303:
        raise SystemExit("login %s failed: %s" % (user, r.status))
    return c


def jget(c, path):
    r = c.get(path, headers=JSON)
    return r.json() if r.header("Content-Type", "").startswith("application/json") else None


def post(c, path, pairs, csrf_from=None, headers=None):
    return c.post_form(path, list(pairs) + [("_csrf", c.csrf(csrf_from or path))], headers=headers)


def png(w=60, h=30):
    """A small valid PNG: a black diagonal on white."""
    rows = b""
    for y in range(h):
        row = bytearray(b"\xff" * w)
        row[min(w - 1, y * w // h)] = 0
        rows += b"\x00" + bytes(row)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def field_errors(text):
    return dict(re.findall(r'<p class="field-error" id="e-([A-Za-z0-9_-]+)">([^<]*)</p>', text))


def problems(text):
    """The page's problems, for a diagnostic."""
    return re.findall(r'<p class="(?:field-error|alert error)"[^>]*>([^<]*)<', text) + \
        re.findall(r'<li class="unmet">([^<]*)<', text)


def chinese(msg):
    return bool(msg) and re.search(r"[\u4e00-\u9fff]", msg) and not re.search(r"[A-Za-z]{5,}", msg)


def open_case(t, zhang, title):
    form = jget(zhang, "/cases/new")
    matters = {m["name"]: m["id"] for m in form["matters"]}
    officers = {o["name"]: o["user_id"] for o in form["officers"]}
    pairs = [("procedure", "penalty_general"), ("unit_id", str(form["unit_id"])), ("title", title),
             ("source", "complaint"), ("source_date", form["today"]), ("matter_ids", str(matters[PENALTY])),
             ("party_ids", str(form["parties"][0]["id"])), ("officer_ids", str(officers["张晓峰"])),
             ("officer_ids", str(officers["刘海燕"])), ("on_date", form["today"])]
    r = post(zhang, "/cases/new", pairs)
    m = re.match(r"^/cases/(\d+)\?ok=opened$", r.header("Location") or "")
    if not m:
        t.bail("opening a case failed: %s %s" % (r.status, r.text[:500]))
    return int(m.group(1))


def no_recording(t, c, cid, did, doc):
    """The recording rule "as_needed" met by a stated reason for having no
    recording, through the audio-visual records API."""
    if doc["definition"].get("recording") != "as_needed":
        return
    r = c.post_json("/api/v1/cases/%d/media" % cid, {"document_id": did, "no_recording_reason": "当事人在办公室接受询问，文字记录已全面记录"},
                    headers={"X-CSRF-Token": c.csrf("/cases/%d" % cid)})
    t.ok(r.status == 201, "a reason for having no recording stated (%d)" % r.status, r.text[:300])


def doc_rows(text):
    return re.findall(r'<tr data-doc="(\d+)"', text)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        zhang = login(srv, "jn.zhang")
        cid = open_case(t, zhang, "某公司使用淘汰设备（文书页面测试）")

        # -- the case page: the section and 新建文书
        r = zhang.get("/cases/%d" % cid)
        t.is_(r.status, 200, "the case page")
        t.ok("执法文书与案卷" in r.text and 'action="/cases/%d/documents"' % cid in r.text,
             "the case page has 执法文书与案卷 and the 新建文书 form")
        t.ok("本环节常用" in r.text and 'href="/cases/%d/file"' % cid in r.text, "the current stage's types grouped first; the 卷内目录 link")
        t.html_valid(r, "the case page with the section is valid HTML")
        types = jget(zhang, "/cases/%d/documents" % cid)["items"]
        by_name = {x["name"]: x for x in types}
        t.ok("询问笔录" in by_name, "询问笔录 offered", repr(list(by_name))[:400])
        sug = [x["suggested"] for x in types]
        t.ok(sug == sorted(sug, reverse=True), "suggested types first")
        inquiry = by_name["询问笔录"]["code"]

        # -- drafting: bad input and CSRF write nothing
        before = doc_rows(zhang.get("/cases/%d" % cid).text)
        r = post(zhang, "/cases/%d/documents" % cid, [("type_code", "")], csrf_from="/cases/%d" % cid)
        t.is_(r.status, 400, "新建文书 without a type: 400")
        t.ok("请选择文书种类" in field_errors(r.text).get("type_code-new", "") and "存在以下问题" in r.text,
             "the message beside the type select", repr(field_errors(r.text)))
        r = post(zhang, "/cases/%d/documents" % cid, [("type_code", "no_such_type")], csrf_from="/cases/%d" % cid)
        t.ok(r.status == 400 and chinese(field_errors(r.text).get("type_code-new", "")), "an unknown type: 400 in Chinese",
             r.text[:800])
        t.html_valid(r, "the refused 新建文书 page is valid HTML")
        r = zhang.post_form("/cases/%d/documents" % cid, [("type_code", inquiry)])
        t.is_(r.status, 403, "新建文书 without _csrf: 403")
        t.is_(doc_rows(zhang.get("/cases/%d" % cid).text), before, "refusals drafted nothing")

        r = post(zhang, "/cases/%d/documents" % cid, [("type_code", inquiry)], csrf_from="/cases/%d" % cid)
        t.is_(r.status, 303, "drafting a 询问笔录: 303")
        m = re.match(r"^/documents/(\d+)\?ok=created$", r.header("Location") or "")
        t.ok(m, "to the draft", r.header("Location"))
        did = int(m.group(1))
        r = zhang.get("/documents/%d?ok=created" % did)
        t.is_(r.status, 200, "the draft form")
        t.html_valid(r, "the draft form is valid HTML")
        doc = jget(zhang, "/documents/%d" % did)
        fields = doc["definition"]["fields"]
        inputs = re.findall(r'name="(fields_[a-z0-9_]+)"', r.text)
        t.ok(all(("fields_" + f["key"]) in inputs or f["type"] == "list" for f in fields),
             "an input for every field of the catalogue", repr(inputs))
        t.ok('name="row_version" value="%d"' % doc["row_version"] in r.text, "the form carries row_version")
        t.ok(doc["content_sha256"] in r.text, "the content hash shown")
        dt = [f for f in fields if f["type"] == "datetime"]
        if dt:
            t.ok('type="datetime-local"' in r.text, "a datetime field is a datetime-local input")
        text = [f for f in fields if f["type"] in ("text", "textarea")]
        t.ok("张晓峰" in r.text, "prefilled from the case (the officers)")

        def save_pairs(values, rv=None):
            pairs = [("row_version", str(rv if rv is not None else jget(zhang, "/documents/%d" % did)["row_version"]))]
            for f in fields:
                k = "fields_" + f["key"]
                if f["type"] == "check":
                    if values.get(f["key"]):
                        pairs.append((k, "1"))
                elif f["type"] == "list":
                    continue
                else:
                    pairs.append((k, values.get(f["key"], "")))
            return pairs

        cur = {f["key"]: (doc["fields"].get(f["key"]) if isinstance(doc["fields"].get(f["key"]), str) else "")
               for f in fields}
        # bad input: a malformed datetime, beside its field, nothing changed
        if dt:
            bad = dict(cur, **{dt[0]["key"]: "明天下午"})
            r = post(zhang, "/documents/%d" % did, save_pairs(bad))
            t.is_(r.status, 400, "a malformed datetime: 400")
            errs = field_errors(r.text)
            name = "fields_" + dt[0]["key"]
            t.ok(chinese(errs.get(name, "")), "the Chinese message beside %s" % name, repr(errs))
            t.ok('aria-invalid="true"' in r.text and "明天下午" in r.text, "the field marked, what was typed kept")
            t.html_valid(r, "the refused save is valid HTML")
            after = jget(zhang, "/documents/%d" % did)
            t.ok(after["row_version"] == doc["row_version"] and after["fields"] == doc["fields"], "nothing changed")
        r = zhang.post_form("/documents/%d" % did, save_pairs(cur))
        t.is_(r.status, 403, "saving without _csrf: 403")

        # a good save, with markup in a text field: escaped on the page
        good = dict(cur)
        for f in fields:
            if f["type"] == "datetime":
                good[f["key"]] = "2026-11-30T10:00" if f.get("act") != "end" else "2026-11-30T10:40"
            elif f["type"] == "date":
                good[f["key"]] = "2026-11-30"
            elif f["type"] in ("text", "textarea") and not good.get(f["key"]):
                good[f["key"]] = "测试内容"
            elif f["type"] == "integer":
                good[f["key"]] = "1"
            elif f["type"] == "money":
                good[f["key"]] = "100.00"
            elif f["type"] == "check":
                good[f["key"]] = True
            elif f["type"] == "select" and f.get("options"):
                o = f["options"][0]
                good[f["key"]] = o if isinstance(o, str) else o.get("value")
        tkey = next(f["key"] for f in fields if f["type"] == "textarea")
        good[tkey] = "问：你是否知道该设备已被淘汰？\n答：知道。" + XSS
        r = post(zhang, "/documents/%d" % did, save_pairs(good))
        t.is_(r.status, 303, "saving the draft: 303", )
        if r.status != 303:
            t.diag(repr(field_errors(r.text)))
        r = zhang.get("/documents/%d" % did)
        t.ok("&lt;script&gt;alert(" in r.text and "<script>alert(" not in r.text, "what was typed is escaped")
        saved = jget(zhang, "/documents/%d" % did)
        t.ok(saved["row_version"] > doc["row_version"] and XSS in saved["fields"][tkey], "saved")

        # a stale save: 409, the message, what was typed kept
        r = post(zhang, "/documents/%d" % did, save_pairs(dict(good, **{tkey: "我的修改：不要丢"}), rv=doc["row_version"]))
        t.is_(r.status, 409, "a stale row_version: 409")
        t.ok('id="conflict"' in r.text and "我的修改：不要丢" in r.text, "the conflict message, what was typed kept", r.text[:2000])
        t.ok('name="row_version" value="%d"' % saved["row_version"] in r.text, "the form now carries the current row_version")
        t.ok(jget(zhang, "/documents/%d" % did)["fields"][tkey] == saved["fields"][tkey], "the stale save changed nothing")

        # -- out of scope: another division's head; readers read only
        aq = login(srv, "aq.head")
        for path in ("/documents/%d" % did, "/documents/%d/sign" % did, "/documents/%d/finalise" % did,
                     "/documents/%d/pdf" % did, "/cases/%d/file" % cid):
            t.is_(aq.get(path).status, 404, "another division's head: GET %s is 404" % path)
        r = post(aq, "/documents/%d" % did, save_pairs(good), csrf_from="/cases")
        t.is_(r.status, 404, "nor saves it")
        sup = login(srv, "jiandu")
        r = sup.get("/documents/%d" % did)
        t.is_(r.status, 200, "a supervisor reads the document")
        r = post(sup, "/documents/%d" % did, save_pairs(good), csrf_from="/cases")
        t.ok(r.status in (403, 404), "but does not save it (%d)" % r.status)

        # -- signing
        r = zhang.get("/documents/%d/sign" % did)
        t.is_(r.status, 200, "the signing page")
        t.html_valid(r, "the signing page is valid HTML")
        h = saved["content_sha256"]
        t.ok('id="sign-sha256">%s<' % h in r.text and r.text.count('name="content_sha256" value="%s"' % h) == 3,
             "the content hash shown and bound in the three forms")
        t.ok("/static/vendor/signature_pad.umd.min.js" in r.text and "/static/records.js" in r.text and "<canvas" in r.text,
             "the signature pad and its script")
        t.ok(not re.search(r"<script>|<style|style=\"", r.text), "no inline script or style (CSP)")
        js = zhang.get("/static/vendor/signature_pad.umd.min.js")
        t.ok(js.status == 200 and b"Signature Pad v5.1.4" in js.body, "signature_pad is served from the binary")
        base = [("content_sha256", h), ("signer_role", "party")]
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"), ("image", "")] + base)
        t.ok(r.status == 400 and "请在签名框内签名" in field_errors(r.text).get("image-screen", ""),
             "an empty signature: 400 beside the pad", repr(field_errors(r.text)))
        t.html_valid(r, "the refused signature page is valid HTML")
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"),
                                                     ("image", "data:image/png;base64,AAAA")] + base)
        t.ok(r.status == 400 and chinese(field_errors(r.text).get("image-screen", "")), "not a PNG: 400 in Chinese",
             repr(field_errors(r.text)))
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"),
                                                     ("image", "data:image/png;base64," + "A" * 720000)] + base)
        t.ok(r.status == 400 and "过大" in field_errors(r.text).get("image-screen", ""), "a signature image too large: 400 naming it",
             "%d %r" % (r.status, problems(r.text)))
        url = "data:image/png;base64," + base64.b64encode(png()).decode()
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"), ("image", url),
                                                     ("content_sha256", "0" * 64), ("signer_role", "party")])
        t.ok(r.status == 409 and 'id="stale-hash"' in r.text, "a signature of another version: 409", r.text[:1500])
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "refused"), ("signer_name", "李四"), ("refusal_reason", "")] + base)
        t.ok(r.status == 400 and "请填写拒签情况和理由" in field_errors(r.text).get("refusal_reason-refused", ""),
             "a refusal without its reason: 400 beside it")
        t.ok(not jget(zhang, "/documents/%d" % did)["signatures"], "refused signatures wrote nothing")
        r = zhang.post_form("/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"), ("image", url)] + base)
        t.is_(r.status, 403, "signing without _csrf: 403")
        r = post(zhang, "/documents/%d/sign" % did, [("kind", "screen"), ("signer_name", "李四"), ("image", url)] + base)
        t.is_(r.status, 303, "the party signs on the screen: 303")
        d = jget(zhang, "/documents/%d" % did)
        t.ok(len(d["signatures"]) == 1 and d["signatures"][0]["content_sha256"] == h and d["signatures"][0]["current"],
             "the signature binds the version shown")
        r = zhang.get("/documents/%d" % did)
        t.ok('data-kind="screen"' in r.text and "对应当前版本" in r.text, "the signature listed on the document")

        # -- finalising: the recording rule listed while unmet, then met by a stated reason
        if d["definition"].get("recording") == "as_needed":
            r = zhang.get("/documents/%d/finalise" % did)
            unmet = re.findall(r'<li class="unmet">([^<]*)<', r.text)
            t.ok(any("音像记录" in u for u in unmet), "the missing recording listed before the button", repr(unmet))
        no_recording(t, zhang, cid, did, d)
        d = jget(zhang, "/documents/%d" % did)
        r = zhang.get("/documents/%d/finalise" % did)
        t.is_(r.status, 200, "the finalise page")
        t.html_valid(r, "the finalise page is valid HTML")
        needs = d["needs"]
        t.ok(all(n in r.text for n in needs) and ('id="needs"' in r.text if needs else 'id="needs-none"' in r.text),
             "what is still missing listed before the button", repr(needs))
        t.ok(r.text.find('id="finalise-btn"') > r.text.find("定稿前还需要") if needs else True, "the list comes first")
        r = post(zhang, "/documents/%d/finalise" % did, [("row_version", str(d["row_version"])), ("password", "wrong-1")])
        t.ok(r.status == 400 and chinese(field_errors(r.text).get("password", "")), "a wrong password: 400 beside it",
             "%d %r" % (r.status, problems(r.text)))
        t.is_(jget(zhang, "/documents/%d" % did)["status"], "draft", "still a draft")
        r = post(zhang, "/documents/%d/finalise" % did, [("row_version", str(d["row_version"])), ("password", PW)])
        if r.status != 303 and "recording" in r.text + repr(d["needs"]):
            t.diag("finalising needs a recording: " + re.sub(r"\s+", " ", r.text[r.text.find("finalise-error"):][:300]))
        t.ok(r.status == 303, "finalising with the password: 303", "%d %r" % (r.status, problems(r.text)))
        r = zhang.get("/documents/%d?ok=final" % did)
        fin = jget(zhang, "/documents/%d" % did)
        t.ok(fin["status"] == "final" and "已定稿" in r.text and fin["pdf_sha256"] in r.text and fin["content_sha256"] in r.text,
             "the finalised document: 已定稿, its hashes")
        t.ok('name="fields_' not in r.text and 'action="/documents/%d"' % did not in r.text, "read only: no draft form")
        t.html_valid(r, "the finalised document is valid HTML")
        p = zhang.get("/documents/%d/pdf" % did)
        t.ok(p.status == 200 and p.header("Content-Type", "").startswith("application/pdf") and p.body[:5] == b"%PDF-",
             "the PDF: 200 application/pdf")
        r = post(zhang, "/documents/%d" % did, save_pairs(good, rv=fin["row_version"]))
        t.ok(r.status == 409 and 'id="doc-error"' in r.text, "saving a final document: 409 with the message (%d)" % r.status)
        t.is_(jget(zhang, "/documents/%d" % did)["content_sha256"], fin["content_sha256"], "the final document unchanged")

        # -- the case file
        r = zhang.get("/cases/%d/file" % cid)
        t.is_(r.status, 200, "the 卷内目录")
        t.html_valid(r, "the 卷内目录 is valid HTML")
        for h_ in ("序号", "文书名称", "文号", "日期", "页数", "起止页码"):
            t.ok("<th scope=\"col\">%s</th>" % h_ in r.text, "卷内目录 column %s" % h_)
        pages = fin["pdf_pages"]
        t.ok("询问笔录" in r.text and (">1</td>" in r.text if pages == 1 else ">1–%d<" % pages in r.text),
             "the document with its page range (%d pages)" % pages)

        # -- a correction
        r = post(zhang, "/documents/%d/correct" % did, [("correction_reason", "")], csrf_from="/documents/%d" % did)
        t.ok(r.status == 400 and "请填写更正理由" in field_errors(r.text).get("correction_reason", ""),
             "a correction without a reason: 400 beside it")
        r = post(zhang, "/documents/%d/correct" % did, [("correction_reason", "询问地点写错")], csrf_from="/documents/%d" % did)
        t.is_(r.status, 303, "a correction: 303")
        m = re.match(r"^/documents/(\d+)\?ok=created$", r.header("Location") or "")
        nid = int(m.group(1)) if m else 0
        r = zhang.get("/documents/%d" % did)
        t.ok('id="corrected-by"' in r.text and 'href="/documents/%d"' % nid in r.text and 'id="correct"' not in r.text,
             "the original links to its correction (a draft) and offers no second one")
        r = zhang.get("/documents/%d" % nid)
        t.ok(r.status == 200 and "询问地点写错" in r.text and 'id="corrects"' in r.text, "the correction names the original and why")

        # -- a list field (清单): rows added without JavaScript, then saved
        lt = next((x for x in types if any(f["type"] == "list" for f in x["definition"]["fields"])), None)
        if lt:
            key = next(f["key"] for f in lt["definition"]["fields"] if f["type"] == "list")
            r = post(zhang, "/cases/%d/documents" % cid, [("type_code", lt["code"])], csrf_from="/cases/%d" % cid)
            lid = int(re.match(r"^/documents/(\d+)", r.header("Location") or "/documents/0").group(1))
            ld = jget(zhang, "/documents/%d" % lid)
            g = "fields_" + key
            row0 = [(g + "_0_name", "电机<b>"), (g + "_0_spec", "Y2-132"), (g + "_0_quantity", "2"), (g + "_0_unit", "台"),
                    (g + "_0_note", "")]
            r = post(zhang, "/documents/%d" % lid, [("row_version", str(ld["row_version"])), ("_rows", g + ":add")] + row0)
            t.ok(r.status == 200 and 'name="%s_1_name"' % g in r.text and 'value="电机&lt;b&gt;"' in r.text,
                 "添加一行 re-renders the list with one row more, what was typed kept")
            t.is_(jget(zhang, "/documents/%d" % lid)["row_version"], ld["row_version"], "nothing saved by 添加一行")
            rows = row0 + [(g + "_1_name", "变压器"), (g + "_1_spec", ""), (g + "_1_quantity", "1"), (g + "_1_unit", "台"),
                           (g + "_1_note", "封存"), (g + "_2_name", ""), (g + "_2_spec", "")]
            r = post(zhang, "/documents/%d" % lid, [("row_version", str(ld["row_version"]))] + rows)
            got = jget(zhang, "/documents/%d" % lid)["fields"].get(key)
            t.ok(r.status == 303 and isinstance(got, list) and [x["name"] for x in got] == ["电机<b>", "变压器"],
                 "the rows saved in order, the blank row dropped", "%d %r %s" % (r.status, got, field_errors(r.text)))
        else:
            t.skip("no type with a list field in the catalogue")

        # -- a refusal on a 现场笔录
        scene = next((x for x in types if x["name"].startswith("现场笔录")), None)
        if scene:
            r = post(zhang, "/cases/%d/documents" % cid, [("type_code", scene["code"])], csrf_from="/cases/%d" % cid)
            sid = int(re.match(r"^/documents/(\d+)", r.header("Location") or "/documents/0").group(1))
            sd = jget(zhang, "/documents/%d" % sid)
            r = post(zhang, "/documents/%d/sign" % sid, [("kind", "refused"), ("signer_role", "party"), ("signer_name", "李四"),
                                                         ("content_sha256", sd["content_sha256"]),
                                                         ("refusal_reason", "当事人拒绝签字" + XSS), ("witness_name", "王五")])
            t.is_(r.status, 303, "a refusal with its reason and witness: 303")
            # a photo of the paper signed: uploaded to the vault, chosen, bound to the version
            r = uploads_lib.form_upload(zhang, uploads_lib.page_csrf(zhang), "签字页.png", "image/png", png(80, 40),
                                        accept="application/json")
            sha = r.json().get("sha256") if r.status in (200, 201) else None
            t.ok(sha, "a photo of the paper signed stored in the vault (%d)" % r.status)
            r = zhang.get("/documents/%d/sign?scan_file=%s" % (sid, sha))
            t.ok('<option value="%s" selected>' % sha in r.text and 'data-done="/documents/%d/sign#scan"' % sid in r.text and
                 'id="scan-stored"' in r.text,
                 "the sign page offers it chosen, and the upload comes back to it")
            r = post(zhang, "/documents/%d/sign" % sid, [("kind", "scan"), ("signer_role", "party"), ("signer_name", "李四"),
                                                         ("content_sha256", sd["content_sha256"]), ("image_sha256", "")])
            t.ok(r.status == 400 and "请选择" in field_errors(r.text).get("image_sha256-scan", ""), "a scan not chosen: 400 beside it")
            r = post(zhang, "/documents/%d/sign" % sid, [("kind", "scan"), ("signer_role", "party"), ("signer_name", "李四"),
                                                         ("content_sha256", sd["content_sha256"]), ("image_sha256", sha)])
            t.is_(r.status, 303, "the scan bound to the document: 303")
            r = zhang.get("/documents/%d" % sid)
            t.ok('data-kind="scan"' in r.text, "the scan listed on the document")
            t.ok('data-kind="refused"' in r.text and "当事人拒绝签字&lt;script&gt;" in r.text and "王五" in r.text,
                 "the refusal listed, escaped, with its witness")
        else:
            t.ok(False, "现场笔录 offered", repr(list(by_name)))
        r = zhang.get("/cases/%d" % cid)
        t.ok(len(doc_rows(r.text)) >= 3 and "更正第 %d 号文书" % did in r.text and "已定稿" in r.text, "the case page lists the documents")
    t.done()


if __name__ == "__main__":
    main()
