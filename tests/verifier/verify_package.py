#!/usr/bin/env python3
"""verify_package.py - an independent check of a zhifa case package, written
from docs/package.md and the public specifications only (no zhifa code), with
tools not written here:

  * `unzip` extracts the zip; `sha256sum -c SHA256SUMS` checks every file;
    `openssl dgst -sm3 -r` every SM3 of SM3SUMS; both sums files against
    manifest.json;
  * RFC 6962 / RFC 9162: leaf hash = SHA-256(0x00 || leaf) with hashlib, the
    inclusion proof of every file's leaf (RFC 9162 2.1.3.2) against the root
    of checkpoint.txt, and the leaf's JSON naming the file's SHA-256;
  * C2SP signed note: the Ed25519 line's key hash (SHA-256(name || 0x0A ||
    0x01 || key)[:4]) against keys/ledger-ed25519.vkey, and the signature
    with `openssl pkeyutl -verify -rawin` and keys/ledger-ed25519.pub.pem;
    the PEM's raw key equal to the verifier key's (with the `cryptography`
    package when installed, else from the DER); the SM2 line with `openssl
    pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`.

    verify_package.py FILE.zip      prints one line per failure, exit 0 only
                                    when everything holds
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")


def leaf_hash(b):
    return hashlib.sha256(b"\x00" + b).digest()


def node_hash(l, r):
    return hashlib.sha256(b"\x01" + l + r).digest()


def verify_inclusion(index, size, lh, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, lh
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if (fn & 1) == 0:
                while True:  # repeat ... until LSB(fn) or fn == 0
                    fn >>= 1
                    sn >>= 1
                    if (fn & 1) or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def openssl_verify(pem_path, msg, sig, sm2, tmp):
    mp, sp = os.path.join(tmp, "msg"), os.path.join(tmp, "sig")
    with open(mp, "wb") as f:
        f.write(msg)
    with open(sp, "wb") as f:
        f.write(sig)
    cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pem_path, "-rawin", "-in", mp, "-sigfile", sp]
    if sm2:
        cmd += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
    return subprocess.run(cmd, capture_output=True).returncode == 0


def pem_raw_ed25519(pem_bytes):
    try:
        from cryptography.hazmat.primitives import serialization
        k = serialization.load_pem_public_key(pem_bytes)
        return k.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    except ImportError:
        body = b"".join(l for l in pem_bytes.splitlines() if l and not l.startswith(b"-----"))
        der = base64.b64decode(body)
        assert der.startswith(ED25519_SPKI_PREFIX)
        return der[len(ED25519_SPKI_PREFIX):]


def check(zpath):
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "x")
        u = subprocess.run(["unzip", "-q", zpath, "-d", d], capture_output=True)
        if u.returncode != 0:
            return ["unzip failed: " + u.stderr.decode(errors="replace")]
        s = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=d, capture_output=True)
        if s.returncode != 0:
            fails.append("sha256sum -c: " + s.stdout.decode(errors="replace").strip())
        man = json.load(open(os.path.join(d, "manifest.json"), encoding="utf-8"))
        files = man["files"]
        want256 = "".join("%s  %s\n" % (f["sha256"], f["path"]) for f in files)
        wantsm3 = "".join("%s  %s\n" % (f["sm3"], f["path"]) for f in files)
        if open(os.path.join(d, "SHA256SUMS"), encoding="utf-8").read() != want256:
            fails.append("SHA256SUMS differs from manifest.json")
        if open(os.path.join(d, "SM3SUMS"), encoding="utf-8").read() != wantsm3:
            fails.append("SM3SUMS differs from manifest.json")
        for f in files:
            p = os.path.join(d, f["path"])
            o = subprocess.run(["openssl", "dgst", "-sm3", "-r", p], capture_output=True)
            got = o.stdout.split(b" ")[0].decode() if o.returncode == 0 else "?"
            if got != f["sm3"]:
                fails.append("sm3 of %s: %s != %s" % (f["path"], got, f["sm3"]))
            if os.path.getsize(p) != f["size"]:
                fails.append("size of %s" % f["path"])
        # checkpoint and keys
        note = open(os.path.join(d, "checkpoint.txt"), "rb").read()
        body, _, sigs = note.partition(b"\n\n")
        body += b"\n"
        origin, size_s, root_b64 = body.decode().split("\n")[:3]
        size, root = int(size_s), base64.b64decode(root_b64)
        vk = open(os.path.join(d, "keys/ledger-ed25519.vkey")).read().strip()
        name, khash, kb64 = vk.split("+", 2)
        kmat = base64.b64decode(kb64)
        if name != origin or kmat[0] != 1:
            fails.append("vkey name/type")
        if hashlib.sha256(name.encode() + b"\n" + kmat).digest()[:4].hex() != khash:
            fails.append("vkey hash")
        if pem_raw_ed25519(open(os.path.join(d, "keys/ledger-ed25519.pub.pem"), "rb").read()) != kmat[1:]:
            fails.append("ed25519 PEM is not the vkey's key")
        ed_ok = sm2_ok = False
        for line in sigs.decode().splitlines():
            if not line.startswith("\u2014 "):
                fails.append("bad signature line")
                continue
            _, lname, b = line.split(" ")
            raw = base64.b64decode(b)
            if lname != origin:
                continue
            if raw[:4].hex() == khash:
                ed_ok = openssl_verify(os.path.join(d, "keys/ledger-ed25519.pub.pem"), body, raw[4:], False, tmp)
            else:
                sm2_ok = openssl_verify(os.path.join(d, "keys/ledger-sm2.pub.pem"), body, raw[4:], True, tmp)
        if not ed_ok:
            fails.append("Ed25519 signature of the checkpoint does not verify")
        if not sm2_ok:
            fails.append("SM2 signature of the checkpoint does not verify")
        # leaves and proofs
        li = json.load(open(os.path.join(d, "leaves/INDEX.json")))
        leaves = {l["index"]: l for l in li["leaves"]}
        proofs = {p["index"]: p for p in json.load(open(os.path.join(d, "proofs/INDEX.json")))["proofs"]}
        # the export's own leaf names the manifest's SHA-256
        msha = hashlib.sha256(open(os.path.join(d, "manifest.json"), "rb").read()).hexdigest()
        x = li.get("export_leaf")
        if x not in leaves:
            fails.append("no export leaf")
        else:
            xl = json.loads(base64.b64decode(leaves[x]["leaf"]))
            if xl.get("type") != "case.exported" or xl.get("sha256") != msha:
                fails.append("export leaf does not name manifest.json " + msha)
        for f in files + [{"leaf_index": x, "sha256": msha, "path": "manifest.json"}]:
            i = f["leaf_index"]
            if i not in leaves or i not in proofs:
                fails.append("no leaf/proof %d" % i)
                continue
            lb = base64.b64decode(leaves[i]["leaf"])
            lh = leaf_hash(lb)
            if base64.b64decode(leaves[i]["hash"]) != lh:
                fails.append("leaf hash %d" % i)
            lj = json.loads(lb)
            if lj.get("index") != i or f["sha256"] not in json.dumps(lj):
                fails.append("leaf %d does not name %s" % (i, f["path"]))
            p = proofs[i]
            if p["size"] != size or not verify_inclusion(i, size, lh, [base64.b64decode(x) for x in p["proof"]], root):
                fails.append("inclusion proof of leaf %d" % i)
    return fails


if __name__ == "__main__":
    out = check(sys.argv[1])
    for l in out:
        print("FAIL:", l)
    if not out:
        print("OK: sha256sum, openssl sm3, RFC 6962 inclusion, Ed25519 and SM2 note signatures")
    sys.exit(1 if out else 0)
