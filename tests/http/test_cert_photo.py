#!/usr/bin/env python3
"""test_cert_photo.py - the officer's photo on the certificate: uploaded
by a certificate manager as a streamed form (JPEG or PNG recognised by
content, at most 2 MB, CSRF before the file), stored in the blob store by
its SHA-256 and never in a ledger leaf, shown on the printed card and on
the public credential page; refused uploads (other content, too large,
no CSRF, not a manager, revoked certificate) change nothing.  TAP."""

import base64
import hashlib
import os
import struct
import sys
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

JSON = {"Accept": "application/json"}
PW = os.environ.get("ZHIFA_DEMO_PASSWORD", "Zhifa@2026demo")


def png(w=30, h=42, rgb=(180, 40, 40)):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# A tiny but complete JPEG (SOI, APP0 JFIF, ..., EOI) is enough for the
# content check; the browser test shows a real image.
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9")


def multipart(fields, files):
    b = uuid.uuid4().hex
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (b, k, v)).encode())
    for k, name, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (b, k, name, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return b"".join(out), "multipart/form-data; boundary=" + b


def upload(c, cid, data, name="photo.png", ctype="image/png", csrf=True, json_=False):
    token = c.csrf("/admin/officers/%d" % cid) if csrf else ""
    body, ct = multipart([("_csrf", token)] if csrf else [], [("photo", name, ctype, data)])
    h = {"Content-Type": ct}
    if json_:
        h["Accept"] = "application/json"
    return c.request("POST", "/admin/officers/%d/photo" % cid, body=body, headers=h)


def main():
    t = harness.Tap()
    with harness.Server(t) as srv:
        admin = srv.client()
        t.is_(admin.login("admin", PW).status, 303, "admin logs in")
        certs = admin.get("/admin/officers", headers=JSON).json()["certs"]
        cert = next(c for c in certs if c["status"] == "valid")
        cid, token = cert["id"], cert["public_token"]
        revoked = next(c for c in certs if c["status"] == "revoked")
        pub = srv.client()
        t.is_(pub.get("/verify/c/%s/photo" % token).status, 404, "no photo yet: 404")
        t.ok(not pub.get("/api/v1/verify/c/" + token).json()["has_photo"], "credential JSON: has_photo false")
        r = admin.get("/admin/officers/%d" % cid)
        t.ok('enctype="multipart/form-data"' in r.text and 'name="photo"' in r.text and 'accept="image/jpeg,image/png"' in r.text,
             "the certificate page offers the photo upload")
        t.html_valid(r, "certificate page is valid HTML")
        leaves0 = admin.get("/api/v1/log").json()

        # Refused uploads change nothing.
        r = upload(admin, cid, b"GIF89a" + b"\x00" * 200, name="photo.png")
        t.is_(r.status, 400, "a GIF named .png: 400")
        t.ok("JPEG 或 PNG" in r.text and 'class="field-error"' in r.text and 'aria-invalid="true"' in r.text,
             "with the message on the photo field", r.text[-3000:])
        t.html_valid(r, "the refused form is valid HTML")
        r = upload(admin, cid, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        t.is_(r.status, 400, "a PNG signature with no image: 400")
        big = b"\xff\xd8\xff\xe0" + b"\x00" * (2 * 1024 * 1024 + 10) + b"\xff\xd9"
        r = upload(admin, cid, big, name="big.jpg", ctype="image/jpeg")
        t.is_(r.status, 413, "over 2 MB: 413")
        t.ok("不能超过 2 MB" in r.text, "saying the limit")
        r = upload(admin, cid, png(), csrf=False)
        t.is_(r.status, 403, "without CSRF: 403")
        t.is_(pub.get("/verify/c/%s/photo" % token).status, 404, "after the refusals there is still no photo")
        head = srv.client()
        head.login("aq.head", PW)
        r = upload(head, cid, png(), json_=True)
        t.ok(r.status in (403,), "a division head (not a certificate manager) cannot upload: %d" % r.status)
        r = upload(admin, revoked["id"], png(), json_=True)
        t.is_(r.status, 409, "a revoked certificate's photo cannot be changed")

        # A PNG, then a JPEG replacing it.
        img = png()
        r = upload(admin, cid, img)
        t.is_(r.status, 303, "PNG uploaded: redirect")
        t.like(r.header("Location"), r"^/admin/officers/%d\?ok=photo" % cid, "to the certificate page")
        t.ok("照片已更新" in admin.get(r.header("Location")).text, "the certificate page confirms it")
        p = pub.get("/verify/c/%s/photo" % token)
        t.ok(p.status == 200 and p.body == img and p.header("Content-Type") == "image/png", "the public photo is the PNG")
        t.ok("no-cache" in (p.header("Cache-Control") or ""), "revalidated, so a replaced photo shows")
        sha = hashlib.sha256(img).hexdigest()
        path = os.path.join(srv.tmp, "data", "blobs", "sha256", sha[:2], sha)
        t.ok(os.path.exists(path), "stored in the blob store under its SHA-256")
        r = pub.get("/verify/c/" + token)
        t.ok('src="/verify/c/%s/photo"' % token in r.text and "的照片" in r.text, "the credential page shows the photo")
        t.html_valid(r, "credential page with photo is valid HTML")
        r = admin.get("/admin/officers/%d/print" % cid)
        t.ok('<img class="cert-photo" src="/verify/c/%s/photo"' % token in r.text, "the printed card shows the photo")
        r = upload(admin, cid, JPEG, name="me.jpg", ctype="image/jpeg", json_=True)
        t.ok(r.status == 200 and r.json()["has_photo"], "JPEG replaces it (JSON answer)")
        p = pub.get("/verify/c/%s/photo" % token)
        t.ok(p.body == JPEG and p.header("Content-Type") == "image/jpeg", "the public photo is now the JPEG")
        leaves1 = admin.get("/api/v1/log").json()
        t.ok(isinstance(leaves0.get("tree_size"), int), "the log reports its size (%r)" % leaves0.get("tree_size"))
        new = []
        for i in range(leaves0["tree_size"], leaves1["tree_size"]):
            leaf = admin.get("/api/v1/log/leaves/%d" % i).json()
            new.append(base64.b64decode(leaf["leaf"]).decode("utf-8", "replace"))
        photo_sha = hashlib.sha256(JPEG).hexdigest()
        t.ok(all('"checkpoint.signed"' in x and sha not in x and photo_sha not in x for x in new),
             "no ledger leaf was written for the photos (only %d checkpoint leaves)" % len(new), repr(new))
        logs = admin.get("/admin/logs?action=cert.photo", headers=JSON)
        t.ok(logs.status == 200 and "cert.photo" in logs.text, "each change is in the operation log")

        # Remove.
        r = admin.post_form("/admin/officers/%d/photo" % cid, {"action": "remove", "_csrf": admin.csrf("/admin/officers/%d" % cid)})
        t.is_(r.status, 303, "remove the photo")
        t.is_(pub.get("/verify/c/%s/photo" % token).status, 404, "gone from the public page")
        t.ok("照片位置" in admin.get("/admin/officers/%d/print" % cid).text, "the card shows the empty photo box again")
    t.done()


if __name__ == "__main__":
    main()
