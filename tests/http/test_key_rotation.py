#!/usr/bin/env python3
"""test_key_rotation.py - `zhifa keys rotate` while the server runs
(issue 8, defect 5): the running server signs new checkpoints with the
new key at once and /log/key serves that same key (one source of truth),
while checkpoints signed before stay verifiable with the old verifier
keys that `zhifa keys list` keeps.

Checked from outside only: the independent verifier
(tests/verifier/verify_log.py) and `zhifa verify URL --key ...`.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "verifier"))
import harness  # noqa: E402
import verify_log as vl  # noqa: E402
from test_log import build_seed, seed, wait_checkpoint, zverify  # noqa: E402


def keys_cmd(srv, *args):
    cmd = [srv.bin, "keys"] + list(args) + ["--data", os.path.join(srv.tmp, "data")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=srv._env())
    srv._check_sanitizer(p.stderr, "keys " + args[0])
    return p.returncode, p.stdout, p.stderr


def verifies(note, vkey, sm2=None):
    try:
        vl.Checkpoint(note.encode() if isinstance(note, str) else note, vkey, sm2)
        return True, ""
    except vl.VerifyError as e:
        return False, str(e)


def sm2_pem(c):
    b = c.get("/log/key/sm2").body
    return b[: b.index(b"-----END PUBLIC KEY-----") + 25]


def main():
    t = harness.Tap()
    build_seed(t)
    with harness.Server(t) as srv:
        c = srv.client()
        idx = seed(srv, 3)
        note1 = wait_checkpoint(c, idx[-1] + 1)
        if not t.ok(note1, "a checkpoint covers the first leaves"):
            t.bail("没有检查点")
        k1 = c.get("/log/key").text.strip()
        sm1 = sm2_pem(c)
        ok, why = verifies(note1, k1, sm1)
        t.ok(ok, "before the rotation the checkpoint verifies with /log/key (Ed25519 and SM2)", why)

        rc, out, err = keys_cmd(srv, "rotate")
        t.is_(rc, 0, "zhifa keys rotate succeeds while the server runs")
        t.diag(err) if rc else None
        t.ok("重启" not in out, "rotate does not ask for a restart", out)

        r = c.get("/log/key")
        k2 = r.text.strip()
        t.is_(r.status, 200, "/log/key after the rotation")
        t.ok(k2 and k2 != k1, "/log/key serves the new key right after the rotation", "%s vs %s" % (k1, k2))
        sm2 = sm2_pem(c)
        t.ok(sm2 != sm1, "/log/key/sm2 serves the new SM2 key")
        rc, listed, _ = keys_cmd(srv, "list")
        lines = [ln.split()[0] for ln in listed.splitlines() if "+" in ln.split(" ")[0]]
        t.ok(k1 in lines and k2 in lines, "zhifa keys list holds the old and the new verifier key", listed)
        t.ok(lines.index(k2) > lines.index(k1) if k1 in lines and k2 in lines else False,
             "the new key is listed after the old one")
        page = c.get("/api/v1/log").json()
        t.is_(page.get("key"), k2, "the /log page model shows the new key")

        # a new act of the log: the next checkpoint is signed by the new key
        idx2 = seed(srv, 2)
        note2 = wait_checkpoint(c, idx2[-1] + 1)
        if not t.ok(note2, "a checkpoint covers the leaves appended after the rotation"):
            t.bail("没有新检查点")
        ok, why = verifies(note2, k2, sm2)
        t.ok(ok, "the new checkpoint verifies with the key /log/key now serves (Ed25519 and SM2)", why)
        ok, _ = verifies(note2, k1)
        t.ok(not ok, "the new checkpoint is not signed with the old key")
        try:
            vl.get_checkpoint(srv.base)
            t.ok(True, "independent verifier: /log/checkpoint against /log/key and /log/key/sm2")
        except vl.VerifyError as e:
            t.ok(False, "independent verifier: /log/checkpoint against /log/key and /log/key/sm2", str(e))
        state = os.path.join(srv.tmp, "verify.state")
        code, out = zverify(srv, "--key", k2, "--state", state)
        t.is_(code, 0, "zhifa verify URL --key NEWKEY accepts the log")
        if code:
            t.diag(out[-2000:])
        code, out = zverify(srv, "--key", k1, "--state", state + ".old")
        t.ok(code != 0, "zhifa verify URL --key OLDKEY refuses the newest checkpoint")

        # the old checkpoint stays verifiable with the old verifier key
        ok, why = verifies(note1, k1, sm1)
        t.ok(ok, "the checkpoint signed before the rotation still verifies with the old listed key", why)

        # the rotation is in the operation log
        a = srv.client()
        t.is_(a.login("admin", "Zhifa@2026demo").status, 303, "admin logs in")
        r = a.get("/admin/logs?action=ledger.keys.rotate", headers={"Accept": "application/json"})
        items = r.json().get("result", {}).get("items", []) if r.status == 200 else []
        t.ok(len(items) == 1 and "轮换账本签名密钥" in items[0].get("detail", ""),
             "the rotation is in the operation log", r.text[:500])
    t.done()


if __name__ == "__main__":
    main()
