#!/usr/bin/env python3
"""test_crash.py - nothing acknowledged is ever lost: files are uploaded
one after another while the server is killed with SIGKILL at a random
moment (three rounds); after each restart every upload the server had
acknowledged (201 with its SHA-256) is in the vault, and `zhifa verify`
finds the whole log and every stored file intact.  The same for the
docking-station command `zhifa store`, killed in the middle of a batch:
every file it printed is stored and verified.  TAP on stdout."""
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from uploads_lib import form_upload, page_csrf, restart, start, stop  # noqa: E402

PW = "Zhifa@2026demo"


def main():
    t = harness.Tap()
    rnd = random.Random(20261125)
    with harness.Server(t) as srv:
        data = os.path.join(srv.tmp, "data")
        acked = []
        for rnd_no in range(3):
            c = srv.client()
            c.login("jn.zhang", PW)
            csrf = page_csrf(c)
            halt = threading.Event()

            def worker():
                n = 0
                while not halt.is_set():
                    body = ("现场笔录 第%d轮 第%d份 %s\n" % (rnd_no, n, os.urandom(8).hex())).encode() * 200
                    n += 1
                    try:
                        r = form_upload(c, csrf, "r%d-%d.txt" % (rnd_no, n), "text/plain", body,
                                        accept="application/json")
                    except OSError:
                        return  # the server went away mid-request: not acknowledged
                    if r.status == 201:
                        acked.append(r.json()["sha256"])

            th = threading.Thread(target=worker)
            th.start()
            time.sleep(0.5 + rnd.random() * 1.5)
            ok = restart(srv, hard=True)
            halt.set()
            th.join(timeout=60)
            t.ok(ok, "round %d: server killed with SIGKILL and restarted" % rnd_no)
        t.ok(len(acked) >= 3, "uploads were acknowledged before the kills (%d)" % len(acked))
        c = srv.client()
        c.login("jn.zhang", PW)
        missing = [h for h in acked if c.get("/admin/vault/" + h).status != 200]
        t.ok(not missing, "every acknowledged upload survived (%d checked)" % len(acked), missing[:5])

        # zhifa store killed in the middle of a batch
        files = []
        for i in range(40):
            p = os.path.join(srv.tmp, "dock%02d.txt" % i)
            with open(p, "wb") as f:
                f.write(("执法记录仪导出 %d %s\n" % (i, os.urandom(8).hex())).encode() * 5000)
            files.append(p)
        proc = subprocess.Popen([srv.bin, "store", "--data", data] + files, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=srv._env())
        time.sleep(0.3 + rnd.random() * 0.5)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        printed = [l.split()[0] for l in out.decode().splitlines() if l.strip()]
        t.ok(proc.returncode == -signal.SIGKILL or len(printed) == len(files), "zhifa store was killed mid-batch")
        admin = srv.client()
        admin.login("admin", PW)
        missing = [h for h in printed if admin.get("/admin/vault/" + h).status != 200]
        t.ok(not missing, "every file zhifa store printed is stored (%d)" % len(printed), missing[:5])

        stop(srv, hard=False)
        p = subprocess.run([srv.bin, "verify", "--data", data], capture_output=True, text=True, timeout=600,
                           env=srv._env())
        t.is_(p.returncode, 0, "zhifa verify passes after the kills")
        if p.returncode:
            t.diag(p.stdout[-2000:] + p.stderr[-2000:])
        t.ok(start(srv), "the server starts again after verification")
    t.done()


if __name__ == "__main__":
    main()
