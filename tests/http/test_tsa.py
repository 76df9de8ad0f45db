#!/usr/bin/env python3
"""test_tsa.py - RFC 3161 time-stamps of checkpoints in the running server.

The authority is `openssl ts -reply` behind tests/tsa/tsa_server.py with a
throw-away CA (ports 19350-19399).  Checks: with tsa_url set every new
checkpoint gets a token, served by GET /log/checkpoint/timestamp?size=N
and accepted by `openssl ts -verify -data note.txt -in token.tsr -CAfile
ca.crt`; `zhifa verify --data DIR` checks the tokens; an authority that is
down is logged and retried while appends and signing go on; without
tsa_url nothing is asked and nothing logged.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "verifier"))
import harness  # noqa: E402
import test_log  # noqa: E402  (build_seed, seed, wait_checkpoint)

ROOT = harness.ROOT
TSA = os.path.join(ROOT, "tests", "tsa", "tsa_server.py")


def requests_seen(d):
    try:
        with open(os.path.join(d, "requests")) as f:
            return len(f.read().splitlines())
    except OSError:
        return 0


def wait_token(c, size, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = c.get("/log/checkpoint/timestamp?size=%d" % size)
        if r.status == 200:
            return r
        time.sleep(0.3)
    return None


def checkpoint_size(note):
    return int(note.split("\n")[1])


def main():
    t = harness.Tap()
    test_log.build_seed(t)
    tmp = tempfile.mkdtemp(prefix="zhifa-tsa-")
    tsadir = os.path.join(tmp, "tsa")
    subprocess.run([sys.executable, TSA, "make-ca", tsadir], check=True)
    cafile = os.path.join(tsadir, "ca.crt")
    port_file = os.path.join(tsadir, "port")
    tsa = subprocess.Popen([sys.executable, TSA, "serve", tsadir, "--port-file", port_file, "--ports", "19350-19399"],
                           stderr=open(os.path.join(tsadir, "server.log"), "wb"))
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(port_file) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not os.path.exists(port_file):
            t.bail("tsa_server.py did not start")
        with open(port_file) as f:
            tsa_url = "http://127.0.0.1:%d/" % int(f.read())

        env = {"ZHIFA_TSA_URL": tsa_url, "ZHIFA_TSA_CA_FILE": cafile}
        with harness.Server(t, env=env) as srv:
            c = srv.client()
            want = max(test_log.seed(srv, 3)) + 1
            note = test_log.wait_checkpoint(c, want)
            t.ok(note is not None, "a checkpoint is signed")
            size = checkpoint_size(note)
            r = wait_token(c, size)
            t.ok(r is not None, "the checkpoint of size %d gets a time-stamp token" % size)
            if r is None:
                t.diag(srv.stderr_text()[-3000:])
                t.bail("no token")
            t.is_(r.header("Content-Type"), "application/timestamp-reply", "served as application/timestamp-reply")
            t.is_(r.header("X-Checkpoint-Size"), str(size), "X-Checkpoint-Size names the checkpoint")
            # the independent check with the openssl command line
            npath, tpath = os.path.join(tmp, "note.txt"), os.path.join(tmp, "token.tsr")
            with open(npath, "w", encoding="utf-8") as f:
                f.write(note)
            with open(tpath, "wb") as f:
                f.write(r.body)
            p = subprocess.run(["openssl", "ts", "-verify", "-data", npath, "-in", tpath, "-CAfile", cafile],
                               capture_output=True, text=True)
            t.ok(p.returncode == 0 and "Verification: OK" in p.stdout,
                 "openssl ts -verify accepts the token for the checkpoint's note", p.stdout + p.stderr)
            r2 = c.get("/log/checkpoint/timestamp")
            t.ok(r2.status == 200 and int(r2.header("X-Checkpoint-Size")) >= size,
                 "without size: the newest token")
            r3 = c.get("/log/checkpoint/timestamp?size=abc")
            t.ok(r3.status == 400 and r3.json()["error"]["field"] == "size", "a bad size answers 400 naming size")
            r4 = c.get("/log/checkpoint/timestamp?size=999999")
            t.ok(r4.status == 404 and harness.CJK.search(r4.json()["error"]["message"]),
                 "a checkpoint without token answers 404 with a Chinese message")

            # zhifa verify checks the stored tokens (signatures via the CA)
            data = os.path.join(srv.tmp, "data")
            venv = dict(os.environ, ZHIFA_TSA_CA_FILE=cafile)
            venv.pop("ZHIFA_TEST_DB", None)
            cmd = [srv.bin, "verify", "--data", data]
            if srv.db_url:
                cmd += ["--db", srv.db_url]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=venv)
            t.ok(p.returncode == 0 and "时间戳令牌" in p.stdout and "签名已按" in p.stdout,
                 "zhifa verify passes and checked the token signatures", p.stdout + p.stderr)

            # the authority goes down: logged, retried, appends and signing go on
            open(os.path.join(tsadir, "fail"), "w").close()
            before = requests_seen(tsadir)
            want = max(test_log.seed(srv, 2)) + 1
            note2 = test_log.wait_checkpoint(c, want)
            t.ok(note2 is not None, "appends and checkpoint signing go on while the authority is down")
            size2 = checkpoint_size(note2) if note2 else want
            deadline = time.monotonic() + 20
            while requests_seen(tsadir) < before + 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            t.ok(requests_seen(tsadir) >= before + 2, "the authority is asked again on a later run")
            t.is_(c.get("/log/checkpoint/timestamp?size=%d" % size2).status, 404, "no token while it is down")
            t.ok("检查点时间戳失败" in srv.stderr_text() and "503" in srv.stderr_text(),
                 "the failure is logged", srv.stderr_text()[-2000:])
            os.unlink(os.path.join(tsadir, "fail"))
            t.ok(wait_token(c, size2) is not None, "once the authority is back the checkpoint gets its token")
            t.ok("时间戳服务已恢复" in srv.stderr_text(), "the recovery is logged")

        # without tsa_url: nothing asked, nothing logged
        before = requests_seen(tsadir)
        with harness.Server(t) as srv:
            c = srv.client()
            want = max(test_log.seed(srv, 2)) + 1
            note = test_log.wait_checkpoint(c, want)
            t.ok(note is not None, "without tsa_url checkpoints are signed as before")
            time.sleep(2.5)
            r = c.get("/log/checkpoint/timestamp?size=%d" % checkpoint_size(note))
            t.is_(r.status, 404, "no token without tsa_url")
            t.is_(requests_seen(tsadir), before, "the authority is never asked")
            t.ok("时间戳" not in srv.stderr_text(), "and nothing about time-stamps is logged")
    finally:
        tsa.terminate()
        tsa.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    t.done()


if __name__ == "__main__":
    main()
