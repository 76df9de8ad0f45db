#!/usr/bin/env python3
"""test_hardening.py - the serving process itself: stop signals can never be
lost or taken by a worker thread, the data folder's files are private, and
HTTPS deployments get Secure cookies and HSTS.  TAP on stdout."""

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SIGINT_BIT = 1 << (signal.SIGINT - 1)
SIGTERM_BIT = 1 << (signal.SIGTERM - 1)


def thread_masks(pid):
    """{tid: blocked-signal mask} for every thread of pid (Linux /proc)."""
    out = {}
    base = "/proc/%d/task" % pid
    for tid in os.listdir(base):
        try:
            with open(os.path.join(base, tid, "status")) as f:
                for line in f:
                    if line.startswith("SigBlk:"):
                        out[int(tid)] = int(line.split()[1], 16)
        except OSError:
            pass
    return out


def test_signals(t):
    with harness.Server(t, demo=False) as srv:
        masks = thread_masks(srv.proc.pid)
        t.ok(len(masks) >= 3, "the server runs several threads (%d)" % len(masks))
        # the main thread waits in sigwait, which unblocks the set while it waits
        unblocked = [tid for tid, m in masks.items()
                     if tid != srv.proc.pid and not (m & SIGINT_BIT and m & SIGTERM_BIT)]
        t.ok(not unblocked, "SIGINT and SIGTERM are blocked in every thread but the waiting main one",
             "threads that could take the signal: %r" % unblocked)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        t.is_(rc, 0, "SIGTERM stops the server with exit status 0")
        t.like(srv.stderr_text(), "正在停止服务", "the stop is logged")
    # signals sent at once and in quick succession are not lost either
    with harness.Server(t, demo=False) as srv:
        srv.proc.send_signal(signal.SIGINT)
        srv.proc.send_signal(signal.SIGTERM)
        try:
            rc = srv.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            rc = None
        t.is_(rc, 0, "SIGINT then SIGTERM: one clean stop, exit status 0")


def main():
    t = harness.Tap()
    test_signals(t)
    t.done()


if __name__ == "__main__":
    main()
