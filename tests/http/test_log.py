#!/usr/bin/env python3
"""test_log.py - the log's public read API, the page /log (公信验证) and
the outsider's verifiers (tests/verifier/verify_log.py, written from the
specs, and `zhifa verify URL`).

Leaves are appended while the server runs by tests/verifier/seed_leaves.c
(built here against the ASan objects of src/), which writes only through
ledger_append, as the domain modules do; no zhifa command appends yet.
"""

import base64
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "verifier"))
import harness  # noqa: E402
import verify_log as vl  # noqa: E402

ROOT = harness.ROOT
SEED = os.path.join(ROOT, "build/asan/tests/seed_leaves")


def build_seed(t):
    """Compile seed_leaves.c against build/asan (the objects of the current src/)."""
    mk = open(os.path.join(ROOT, "Makefile"), encoding="utf-8").read().replace("\\\n", " ")
    pkgs = re.search(r"^PKGS := (.*)$", mk, re.M).group(1).split()
    cflags = subprocess.run(["pkg-config", "--cflags"] + pkgs, capture_output=True, text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs"] + pkgs, capture_output=True, text=True).stdout.split()
    objs = []
    for d, _, files in os.walk(os.path.join(ROOT, "src")):
        for f in files:
            if f.endswith(".c"):
                rel = os.path.relpath(os.path.join(d, f), ROOT)
                if rel != "src/main.c":
                    objs.append(os.path.join(ROOT, "build/asan", rel[:-2] + ".o"))
    objs.append(os.path.join(ROOT, "build/asan/build/gen/embedded.o"))
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        t.bail("先运行 make test-build(缺少 %s)" % missing[0])
    os.makedirs(os.path.dirname(SEED), exist_ok=True)
    cmd = (["cc", "-std=c17", "-D_GNU_SOURCE", "-pthread", "-I" + os.path.join(ROOT, "src"),
            "-I" + os.path.join(ROOT, "build/gen")] + cflags +
           ["-g", "-O1", "-fsanitize=address,undefined", "-o", SEED,
            os.path.join(ROOT, "tests/verifier/seed_leaves.c")] + sorted(objs) + libs + ["-lmagic", "-pthread", "-lm"])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        t.diag(p.stderr[-3000:])
        t.bail("无法编译 tests/verifier/seed_leaves.c")


def seed(srv, count, files=()):
    url = srv.db_url or "sqlite:" + os.path.join(srv.tmp, "data", "zhifa.db")
    p = subprocess.run([SEED, url, str(count)] + list(files), capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        srv.tap.diag(p.stderr)
        srv.tap.bail("seed_leaves 失败")
    return [int(x) for x in p.stdout.split()]


def wait_checkpoint(c, size):
    """Poll /log/checkpoint until it covers `size` leaves (the server signs
    every 2 s when the tree grew); returns the note text or None."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = c.get("/log/checkpoint")
        if r.status == 200 and int(r.text.split("\n")[1]) >= size:
            return r.text
        time.sleep(0.3)
    return None


def zverify(srv, *args):
    p = subprocess.run([srv.bin, "verify", srv.base] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def other_vkey(name):
    """A valid Ed25519 verifier key of a different key pair under name."""
    with tempfile.TemporaryDirectory() as d:
        k = os.path.join(d, "k.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", k], check=True, capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", k, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
    material = b"\x01" + der[-32:]
    h = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
    return "%s+%s+%s" % (name, h.hex(), base64.b64encode(material).decode())


def main():
    t = harness.Tap()
    build_seed(t)
    tmp = tempfile.mkdtemp(prefix="zhifa-log-")
    files = []
    for i, content in enumerate([b"\xe6\x89\xa7\xe6\xb3\x95\xe6\x96\x87\xe4\xb9\xa6 #1\n", os.urandom(3000)]):
        f = os.path.join(tmp, "evidence%d.bin" % i)
        with open(f, "wb") as fh:
            fh.write(content)
        files.append(f)
    unregistered = os.path.join(tmp, "other.bin")
    with open(unregistered, "wb") as fh:
        fh.write(b"never recorded")
    state = os.path.join(tmp, "verify.state")

    with harness.Server(t) as srv:
        c = srv.client()
        base = srv.base

        # ---- the page before and after leaves exist
        r = c.get("/log")
        t.is_(r.status, 200, "/log answers before any leaf is seeded")
        t.html_valid(r, "/log is valid HTML")
        t.like(r.text, "公信验证", "/log has its title")
        t.like(r.text, r'<script src="/static/logcheck.js" defer>', "file check script is loaded from /static")
        t.like(r.text, "<noscript>.*需要启用 JavaScript", "without JavaScript the page says the file check needs it")
        t.ok("onclick" not in r.text and " style=" not in r.text, "no inline handlers or styles (CSP)")
        pre = c.get("/api/v1/log").json()
        before = pre["checkpoint"]["size"] if pre.get("checkpoint") else 0
        t.ok(pre["tree_size"] >= before, "JSON model has the tree size")

        idx = seed(srv, 5, files)
        t.is_(len(idx), 7, "seeded 5 leaves and 2 file leaves")
        n1 = idx[-1] + 1
        note1 = wait_checkpoint(c, n1)
        if not t.ok(note1, "a checkpoint covering the seeded leaves is signed"):
            t.bail("没有检查点")

        # ---- raw endpoints
        r = c.get("/log/checkpoint")
        t.like(r.header("Content-Type", ""), r"^text/plain; charset=utf-8", "checkpoint is text/plain")
        t.is_(r.header("Cache-Control"), "public, max-age=1", "checkpoint cached for one second")
        key = c.get("/log/key")
        t.is_(key.status, 200, "GET /log/key")
        vkey = key.text.strip()
        t.like(vkey, r"^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+$", "verifier key in signed-note form")
        sm2 = c.get("/log/key/sm2")
        t.like(sm2.text, r"-----BEGIN PUBLIC KEY-----", "SM2 public key as PEM")
        t.is_(c.get("/static/logcheck.js").status, 200, "logcheck.js is served")
        v = c.get("/static/vendor/sha256.min.js")
        t.ok(v.status == 200 and b"@license MIT" in v.body, "vendored js-sha256 served with its licence header")

        # ---- the independent verifier (specs + openssl)
        try:
            cp1 = vl.get_checkpoint(base, vkey)
            t.ok(True, "independent verifier: Ed25519 and SM2 signatures of the checkpoint verify")
        except vl.VerifyError as e:
            t.ok(False, "independent verifier: checkpoint signatures", str(e))
            t.bail("检查点无法验证")
        t.ok(cp1.size >= n1, "checkpoint covers the seeded leaves")
        leaves = {}
        ok = True
        for i in sorted({0, n1 - 1, (n1 - 1) // 2, idx[0], idx[-2]}):
            try:
                leaves[i] = vl.check_leaf(base, i, cp1)
            except vl.VerifyError as e:
                ok = t.ok(False, "leaf %d inclusion" % i, str(e))
        t.ok(ok and leaves, "independent verifier: leaf hashes recomputed and inclusion proofs verify")
        try:
            vl.check_tiles(base, cp1)
            t.ok(True, "independent verifier: root rebuilt from level-0 tiles and entry bundles")
        except vl.VerifyError as e:
            t.ok(False, "tiles", str(e))
        # the verifier is not vacuous: tampered inputs fail
        bad = note1.replace("\n%d\n" % cp1.size, "\n%d\n" % (cp1.size + 1), 1)
        try:
            vl.Checkpoint(bad.encode(), vkey)
            t.ok(False, "a tampered checkpoint is refused by the independent verifier")
        except vl.VerifyError:
            t.ok(True, "a tampered checkpoint is refused by the independent verifier")
        try:
            vl.Checkpoint(note1.encode(), other_vkey(cp1.origin))
            t.ok(False, "a checkpoint under another key is refused")
        except vl.VerifyError:
            t.ok(True, "a checkpoint under another key is refused")
        lh = vl.leaf_hash(leaves[0])
        pr = c.get("/api/v1/log/proof/inclusion?index=0&size=%d" % cp1.size).json()
        proof = [base64.b64decode(x) for x in pr["proof"]]
        t.ok(not vl.verify_inclusion(1, cp1.size, lh, proof, cp1.root), "an inclusion proof for the wrong index fails")

        # ---- by-hash
        fh = hashlib.sha256(open(files[0], "rb").read()).hexdigest()
        r = c.get("/api/v1/log/proof/by-hash?hash=" + fh)
        t.is_(r.status, 200, "by-hash finds a file recorded in a leaf")
        j = r.json()
        t.is_((j["index"], j["matched"]), (idx[5], "file_hash"), "by-hash names the leaf recording the file")
        leaf = base64.b64decode(j["leaf"])
        t.ok(fh in leaf.decode() and vl.verify_inclusion(j["index"], j["size"], vl.leaf_hash(leaf),
                                                         [base64.b64decode(x) for x in j["proof"]], cp1.root)
             and j["size"] == cp1.size, "by-hash proof verifies against the newest checkpoint")
        r = c.get("/api/v1/log/proof/by-hash?hash=%s&size=%d" % (base64.urlsafe_b64encode(lh).decode().rstrip("="), 3))
        t.ok(r.status == 200 and r.json()["index"] == 0 and r.json()["matched"] == "leaf_hash",
             "by-hash finds a leaf by its leaf hash (base64) at a given size")
        r = c.get("/api/v1/log/proof/by-hash?hash=" + "ab" * 32)
        t.is_(r.status, 404, "unknown hash: 404")
        t.like(r.json()["error"]["message"], "未登记", "unknown hash: Chinese message")

        # ---- bad parameters: 400, Chinese, naming the parameter
        for path, field in [
            ("/api/v1/log/leaves/x", "index"),
            ("/api/v1/log/leaves/-1", "index"),
            ("/api/v1/log/proof/inclusion?index=1", "size"),
            ("/api/v1/log/proof/inclusion?index=a&size=2", "index"),
            ("/api/v1/log/proof/inclusion?index=5&size=3", "index"),
            ("/api/v1/log/proof/inclusion?index=0&size=999999999", "size"),
            ("/api/v1/log/proof/inclusion?index=0&size=99999999999999999999999", "size"),
            ("/api/v1/log/proof/consistency?from=0&to=2", "from"),
            ("/api/v1/log/proof/consistency?from=3&to=2", "from"),
            ("/api/v1/log/proof/consistency?from=1&to=999999", "to"),
            ("/api/v1/log/proof/consistency?from=1", "to"),
            ("/api/v1/log/proof/by-hash?hash=zz", "hash"),
            ("/api/v1/log/proof/by-hash", "hash"),
            ("/api/v1/log/proof/by-hash?hash=%s&size=0" % fh, "size"),
            ("/log/tile/0/abc", "tile"),
            ("/log/tile/0/000.p/0", "tile"),
            ("/log/tile/0/000.p/300", "tile"),
        ]:
            r = c.get(path)
            try:
                err = r.json()["error"]
            except ValueError:
                err = {}
            t.ok(r.status == 400 and err.get("field") == field and harness.CJK.search(err.get("message", "")),
                 "%s -> 400 naming %s in Chinese" % (path, field), "%s %s" % (r.status, r.text[:300]))
        r = c.get("/api/v1/log/leaves/99999")
        t.is_(r.status, 404, "a leaf beyond the tree: 404")
        r = c.get("/log/tile/0/000")
        t.is_(r.status, 404, "a full tile the tree does not hold yet: 404")
        r = c.get("/log/tile/0/000.p/%d" % cp1.size)
        t.ok(r.status == 200 and len(r.body) == 32 * cp1.size and r.header("Content-Type") == "application/octet-stream"
             and "immutable" not in r.header("Cache-Control", ""), "partial tile: bytes, octet-stream, short cache")
        r = c.post_form("/log/checkpoint", {"x": "1"})
        t.ok(r.status in (403, 405), "POST to the read API is refused")

        # ---- zhifa verify URL
        rc, out = zverify(srv, "--key", vkey, "--state", state, "--file", files[1])
        t.is_(rc, 0, "zhifa verify URL --file passes on first run")
        t.like(out, "首次核验", "first run records the checkpoint")
        t.like(out, "登记在账本第 %d 号叶子" % idx[6], "zhifa verify names the file's leaf")
        saved = open(state, encoding="utf-8").read()
        t.like(saved, r"^%s\n%d\n" % (re.escape(cp1.origin), cp1.size), "state file holds the checkpoint body")

        # the log grows: a second checkpoint, consistency from the first
        seed(srv, 4)
        note2 = wait_checkpoint(c, cp1.size + 4)
        t.ok(note2, "a newer checkpoint is signed after more leaves")
        cp2 = vl.get_checkpoint(base, vkey)
        try:
            vl.check_consistency(base, cp1, cp2)
            t.ok(cp2.size > cp1.size, "independent verifier: consistency proof %d -> %d" % (cp1.size, cp2.size))
        except vl.VerifyError as e:
            t.ok(False, "independent verifier: consistency proof", str(e))
        ok = True
        for m in range(1, cp2.size + 1):
            old = vl.Checkpoint.__new__(vl.Checkpoint)
            old.size = m
            old.root = vl.mth([vl.leaf_hash(base64.b64decode(c.get("/api/v1/log/leaves/%d" % i).json()["leaf"]))
                               for i in range(m)])
            try:
                vl.check_consistency(base, old, cp2)
            except vl.VerifyError as e:
                ok = t.ok(False, "consistency %d -> %d" % (m, cp2.size), str(e))
        t.ok(ok, "consistency proofs verify from every size to %d" % cp2.size)
        rc, out = zverify(srv, "--key", vkey, "--state", state, "--hash", fh)
        t.is_(rc, 0, "zhifa verify passes again after the log grew")
        t.like(out, "一致性证明成立", "zhifa verify checked consistency with the saved checkpoint")
        t.like(open(state, encoding="utf-8").read(), r"\n%d\n" % cp2.size, "state advanced to the new checkpoint")

        rc, out = zverify(srv, "--key", vkey, "--state", state, "--file", unregistered)
        t.is_(rc, 1, "zhifa verify fails for a file that is not in the log")
        t.like(out, "没有登记", "and says it is not registered")
        rc, out = zverify(srv, "--key", other_vkey(cp1.origin), "--state", state)
        t.is_(rc, 1, "zhifa verify fails under a different pinned key")
        t.like(out, "签名无效", "and says the signature is invalid")

        # a state file from a different log
        good_state = open(state, encoding="utf-8").read()
        for desc, text in [
            ("same size, other root", "%s\n%d\n%s\n" % (cp2.origin, cp2.size, base64.b64encode(os.urandom(32)).decode())),
            ("smaller, other tree", "%s\n%d\n%s\n" % (cp2.origin, 2, base64.b64encode(os.urandom(32)).decode())),
            ("larger (rollback)", "%s\n%d\n%s\n" % (cp2.origin, cp2.size + 10, base64.b64encode(os.urandom(32)).decode())),
            ("other origin", "other.example/log\n%d\n%s\n" % (cp2.size, base64.b64encode(cp2.root).decode())),
        ]:
            with open(state, "w", encoding="utf-8") as fh_:
                fh_.write(text)
            rc, out = zverify(srv, "--key", vkey, "--state", state)
            t.is_(rc, 1, "zhifa verify fails when the state is from a different log (%s)" % desc)
            t.is_(open(state, encoding="utf-8").read(), text, "failed check leaves the state file as it was (%s)" % desc)
        with open(state, "w", encoding="utf-8") as fh_:
            fh_.write(good_state)
        rc, out = zverify(srv, "--state", state)
        t.is_(rc, 2, "zhifa verify URL without --key is a usage error")
        rc, out = zverify(srv, "--key", "nonsense", "--state", state)
        t.is_(rc, 2, "a malformed --key is a usage error")

        # the page with a checkpoint
        r = c.get("/log")
        t.html_valid(r, "/log with a checkpoint is valid HTML")
        t.like(r.text, re.escape(base64.b64encode(cp2.root).decode()) + "|%d" % cp2.size, "page shows the checkpoint")
        t.ok(vkey in r.text, "page shows the verifier key")
        m = c.get("/log", headers={"Accept": "application/json"}).json()
        t.ok(m["key"] == vkey and m["checkpoint"]["size"] >= cp2.size and m["checkpoint"]["note"].startswith(cp2.origin),
             "page model as JSON: key and checkpoint")

    t.done()


if __name__ == "__main__":
    main()
