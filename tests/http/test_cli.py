"""test_cli.py - the zhifa command line as an operator uses it: help,
version, usage errors with exit status 2, init (twice), migrate, keys
list/rotate, calendar due/is-workday, serve refusing a bad address.
TAP output; runs the ASan binary (ZHIFA_BIN)."""
import os
import shutil
import subprocess
import tempfile

import harness

t = harness.Tap()
BIN = os.environ.get("ZHIFA_BIN", os.path.join(harness.ROOT, "build/asan/zhifa"))


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("ZHIFA_DB", None)
    if env:
        e.update(env)
    p = subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=120, env=e)
    for stream in (p.stdout, p.stderr):
        for mark in harness.SANITIZER_MARKS:
            if mark in stream:
                t.ok(False, "no sanitizer report in zhifa " + " ".join(args), stream[-2000:])
    return p


p = run("help")
t.is_(p.returncode, 0, "help exits 0")
for cmd in ("init", "serve", "user", "migrate", "calendar", "store", "keys", "verify", "version"):
    t.ok(cmd in p.stdout, "help lists " + cmd)
t.ok("退出状态" in p.stdout, "help documents the exit codes")
p = run("version")
t.ok(p.returncode == 0 and p.stdout.startswith("zhifa "), "version")
p = run("frobnicate")
t.ok(p.returncode == 2 and "未知命令" in p.stderr, "unknown command: exit 2 with a Chinese message")
p = run("init")
t.ok(p.returncode == 2 and "用法" in p.stderr, "init without --data: usage, exit 2")
p = run("serve", "--data")
t.ok(p.returncode == 2 and "需要一个值" in p.stderr, "option without its value: exit 2")
p = run("init", "--bogus", "x")
t.ok(p.returncode == 2 and "未知选项" in p.stderr, "unknown option: exit 2")

d = tempfile.mkdtemp(prefix="zhifa-cli-")
try:
    data = os.path.join(d, "data")
    p = run("init", "--data", data)
    t.is_(p.returncode, 0, "init creates a data folder")
    t.ok(os.path.exists(os.path.join(data, "zhifa.db")), "database created")
    t.ok(os.path.exists(os.path.join(data, "zhifa.conf")), "config file created")
    mode = os.stat(os.path.join(data, "keys", "ledger-ed25519.pem")).st_mode & 0o777
    t.is_(mode, 0o600, "private signing key readable by the owner only")
    p = run("init", "--data", data)
    t.is_(p.returncode, 0, "init on an existing folder is harmless")
    p = run("migrate", "--data", data)
    t.ok(p.returncode == 0 and "数据库结构版本" in p.stdout, "migrate reports the schema version")

    p = run("keys", "list", "--data", data)
    before = [l for l in p.stdout.splitlines() if "+" in l]
    t.ok(p.returncode == 0 and len(before) == 2, "keys list: Ed25519 and SM2 verifier keys")
    p = run("keys", "rotate", "--data", data)
    after = [l for l in p.stdout.splitlines() if "+" in l]
    t.ok(p.returncode == 0 and len(after) == 4 and after[:2] == before, "keys rotate keeps the old keys listed")
    p = run("keys", "explode", "--data", data)
    t.is_(p.returncode, 2, "keys with an unknown action: exit 2")

    p = run("calendar", "due", "2026-09-30", "20")
    t.ok(p.returncode == 0 and p.stdout.strip() == "2026-11-03", "calendar due (National Day 2026)")
    p = run("calendar", "is-workday", "2026-10-10")
    t.ok(p.returncode == 0 and p.stdout.strip() == "yes", "2026-10-10 is an adjusted working Saturday")
    p = run("calendar", "due", "2026-12-30", "5")
    t.ok(p.returncode == 0 and p.stdout.strip() == "2027-01-07" and "暂定：2027 年" in p.stderr,
         "a count into 2027 is provisional: printed, warned on stderr, exit 0")
    p = run("calendar", "due", "2026-12-30", "5", "--strict")
    t.ok(p.returncode == 1 and "2027" in p.stderr, "--strict: a count into 2027 names the missing year")
    p = run("calendar", "due", "2026-02-30", "5")
    t.ok(p.returncode != 0 and p.stderr.strip() != "", "an impossible date is refused")

    conf = os.path.join(data, "zhifa.conf")
    with open(conf, "a", encoding="utf-8") as f:
        f.write("threads = many\n")
    p = run("serve", "--data", data)
    t.ok(p.returncode == 1 and "threads" in p.stderr, "a bad config value stops serve with the key named")
    p = run("serve", "--data", data, "--listen", "nowhere")
    t.ok(p.returncode == 1, "serve refuses a bad listen address")
    p = run("serve", "--data", data, env={"ZHIFA_THREADS": "2"}, )
    t.ok(p.returncode == 1, "environment does not hide a bad config file")
finally:
    shutil.rmtree(d, ignore_errors=True)
t.done()
