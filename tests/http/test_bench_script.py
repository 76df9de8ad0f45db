"""test_bench_script.py - scripts/run-bench.sh (make bench) exits 0 when it
measured and non-zero, naming the benchmark, only when one failed.  It used
to exit 1 after printing every figure: its EXIT trap killed a server already
stopped, under set -e.  Runs the script with small figures (1 s of wrk, a
4 MiB upload) on free ports against ZHIFA_BIN, with a library benchmark of
our own in BENCH_LIB_DIR.  Nothing here touches the database, so the
PostgreSQL pass skips it.  TAP output."""
import os
import stat
import subprocess
import sys
import tempfile

import harness

if os.environ.get("ZHIFA_TEST_DB"):
    print("1..0 # SKIP no database in the benchmark script")
    sys.exit(0)

t = harness.Tap()
BIN = os.environ.get("ZHIFA_BIN", os.path.join(harness.ROOT, "build/asan/zhifa"))
BIN = os.path.abspath(BIN)


def script(path, body):
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def bench(tmp, lib_status=0, wrk_fails=False):
    lib = os.path.join(tmp, "lib%d%d" % (lib_status, wrk_fails))
    os.makedirs(lib)
    script(os.path.join(lib, "bench_fake"), "echo fake.figure 42\nexit %d\n" % lib_status)
    env = dict(os.environ)
    env.pop("ZHIFA_DB", None)
    env.update({"ZHIFA_BIN": BIN, "BENCH_LIB_DIR": lib, "BENCH_HTTP_PORT": str(harness.free_port()),
                "BENCH_PORT": str(harness.free_port()), "BENCH_WRK_SECONDS": "1", "BENCH_WRK_RUNS": "1",
                "BENCH_OPENSSL_SECONDS": "1", "BENCH_UPLOAD_MIB": "4", "BENCH_CHUNK_MIB": "1",
                "BENCH_RUNS": "1"})
    if wrk_fails:
        fake = os.path.join(tmp, "bin")
        os.makedirs(fake)
        script(os.path.join(fake, "wrk"), "echo 'unable to connect' >&2\nexit 1\n")
        env["PATH"] = fake + os.pathsep + env["PATH"]
    # the script writes build/bench.txt; keep the real one
    out = os.path.join(harness.ROOT, "build/bench.txt")
    saved = open(out, "rb").read() if os.path.exists(out) else None
    try:
        return subprocess.run(["sh", os.path.join(harness.ROOT, "scripts/run-bench.sh")], env=env,
                              capture_output=True, text=True, timeout=600)
    finally:
        if saved is None:
            os.path.exists(out) and os.unlink(out)
        else:
            with open(out, "wb") as f:
                f.write(saved)


with tempfile.TemporaryDirectory() as tmp:
    p = bench(tmp)
    t.is_(p.returncode, 0, "every benchmark measured: exit 0")
    if p.returncode:
        t.diag(p.stderr[-2000:])
    for fig in ("ref.openssl_sha256_16k_kBps", "fake.figure 42", "http.credential_page.rps_median",
                "http.matter_list.latency_p99", "server.peak_rss_kib", "upload median:",
                "ref.nginx_http.portal_home.rps_median", "http.matter.ratio", "http.officer_list.ratio",
                "load average before"):
        t.ok(fig in p.stdout, "prints " + fig)
    t.ok("失败" not in p.stderr, "no failure reported", p.stderr[-1000:])

    p = bench(tmp, lib_status=3, wrk_fails=True)
    t.ok(p.returncode != 0, "a failed benchmark: non-zero exit")
    t.like(p.stderr, r"bench_fake\(退出状态 3\)", "names the failed library benchmark and its status")
    t.like(p.stderr, r"http\.matter_list\(wrk", "names the HTTP benchmark whose wrk failed")
    t.ok("fake.figure 42" in p.stdout and "upload median:" in p.stdout,
         "the other benchmarks still ran")

t.done()
