#!/bin/sh
# bench_upload.sh - upload throughput of the evidence vault: a file of
# BENCH_UPLOAD_MIB MiB (default 2048 = 2 GiB) sent over loopback with tus
# (one creation, then PATCH requests of BENCH_CHUNK_MIB MiB, default 64)
# to a release server, BENCH_RUNS times (default 3; each run changes the
# file's first bytes so that every run stores new content), compared in the
# same run with `openssl speed` for SHA-256 and SM3 (the two hashes the
# server computes while the bytes stream in) and with the same client
# sending to a null sink (an HTTP server that discards the body: the
# client's own ceiling, so the client is shown not to be the bottleneck),
# and the server's peak resident memory during the upload: VmHWM is reset
# (/proc/PID/clear_refs 5) after the login, whose Argon2id password hash
# alone takes 64 MiB for a moment, and read after the last PATCH.
#
#   bench/bench_upload.sh            (after `make zhifa`; uses ./zhifa)
#
# Environment: ZHIFA_BIN (default ./zhifa), BENCH_UPLOAD_MIB, BENCH_CHUNK_MIB,
# BENCH_RUNS, BENCH_PORT (default 19061; the null sink takes a port the kernel picks).
# Everything lives in a temporary folder that is removed at the end; the
# servers are stopped by their pids.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="${ZHIFA_BIN:-$ROOT/zhifa}"
MIB="${BENCH_UPLOAD_MIB:-2048}"
CHUNK="${BENCH_CHUNK_MIB:-64}"
PORT="${BENCH_PORT:-19061}"
RUNS="${BENCH_RUNS:-3}"
NPORT=0
TMP=$(mktemp -d /tmp/zhifa-bench-upload-XXXXXX)
PID=""
NPID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	[ -n "$NPID" ] && kill "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null || true
	chmod -R u+w "$TMP" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ -x "$BIN" ] || { echo "bench_upload: 没有 $BIN(先运行 make zhifa)" >&2; exit 1; }
"$BIN" init --data "$TMP/data" --demo >/dev/null 2>&1
"$BIN" serve --data "$TMP/data" --listen "127.0.0.1:$PORT" >"$TMP/server.log" 2>&1 &
PID=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "bench_upload: 服务未启动" >&2; cat "$TMP/server.log" >&2; exit 1; }
	sleep 0.05
done

echo "# 生成 $MIB MiB 测试文件"
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$TMP/video.bin"

# the null sink: reads each request body into one reused buffer, answers 204
cat >"$TMP/nullsink.py" <<'PY'
import os, socket, sys, threading
def serve(c):
    buf = bytearray(1 << 20); mv = memoryview(buf); f = b""
    try:
        while True:
            while b"\r\n\r\n" not in f:
                d = c.recv(65536)
                if not d:
                    return
                f += d
            head, f = f.split(b"\r\n\r\n", 1)
            cl = off = 0
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"content-length":
                    cl = int(v)
                elif k.strip().lower() == b"upload-offset":
                    off = int(v)
            left = cl - len(f); f = b""
            while left > 0:
                n = c.recv_into(mv, min(left, len(buf)))
                if not n:
                    return
                left -= n
            c.sendall(b"HTTP/1.1 204 No Content\r\nUpload-Offset: %d\r\nContent-Length: 0\r\n\r\n" % (off + cl))
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# a port the kernel picks (BENCH_PORT + 1 may be taken), written for the client
s.bind(("127.0.0.1", 0)); s.listen(16)
with open(sys.argv[1] + ".tmp", "w") as pf:
    pf.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 "$TMP/nullsink.py" "$TMP/nullsink.port" &
NPID=$!
i=0
until [ -s "$TMP/nullsink.port" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
NPORT=$(cat "$TMP/nullsink.port" 2>/dev/null || echo 0)

python3 - "$PORT" "$TMP/video.bin" "$CHUNK" "$PID" "$RUNS" "$NPORT" <<'PY' | tee "$TMP/results.txt"
import http.client, re, sys, time, urllib.parse, os, statistics
port, path, chunk_mib, pid, runs, nport = (int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                           int(sys.argv[5]), int(sys.argv[6]))
size = os.path.getsize(path)

def req(method, url, body=None, headers=None, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    c.request(method, url, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data

def status_kib(key):
    with open("/proc/%d/status" % pid) as s:
        for line in s:
            if line.startswith(key):
                return int(line.split()[1])
    return 0

def send(p, loc, csrf, cookie):
    """The tus PATCH loop: returns (seconds, last response)."""
    chunk = chunk_mib << 20
    off = 0
    last = None
    t0 = time.monotonic()
    with open(path, "rb") as f:
        while off < size:
            n = min(chunk, size - off)
            c = http.client.HTTPConnection("127.0.0.1", p, timeout=600)
            c.putrequest("PATCH", loc)
            for k, v in (("Tus-Resumable", "1.0.0"), ("Upload-Offset", str(off)), ("X-CSRF-Token", csrf),
                         ("Content-Type", "application/offset+octet-stream"), ("Content-Length", str(n)),
                         ("Cookie", cookie)):
                c.putheader(k, v)
            c.endheaders()
            f.seek(off)
            left = n
            while left:
                b = f.read(min(1 << 20, left))
                c.send(b)
                left -= len(b)
            r = c.getresponse()
            r.read()
            c.close()
            if r.status != 204:
                sys.exit("PATCH failed: %d" % r.status)
            off = int(r.getheader("Upload-Offset"))
            last = r
    return time.monotonic() - t0, last

r, page = req("GET", "/login")
csrf = re.search(rb'name="_csrf" value="([0-9a-f]+)"', page).group(1).decode()
anon = r.getheader("Set-Cookie", "").split(";")[0]
r, _ = req("POST", "/login", body=urllib.parse.urlencode({"username": "jn.zhang", "password": "Zhifa@2026demo", "_csrf": csrf}),
           headers={"Content-Type": "application/x-www-form-urlencoded"}, cookie=anon)
cookie = r.getheader("Set-Cookie").split(";")[0]
r, page = req("GET", "/admin/vault", cookie=cookie)
csrf = re.search(rb'data-csrf="([0-9a-f]+)"', page).group(1).decode()
login_hwm = status_kib("VmHWM")

speeds, hwms = [], []
for run in range(runs):
    with open(path, "r+b") as f:      # new content each run (no deduplication)
        f.write(b"zhifa-bench-run-%04d" % run)
    r, _ = req("POST", "/api/v1/uploads", body=b"", cookie=cookie,
               headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "X-CSRF-Token": csrf})
    loc = r.getheader("Location")
    with open("/proc/%d/clear_refs" % pid, "w") as cr:
        cr.write("5")                 # reset VmHWM: the peak of this upload only
    dt, last = send(port, loc, csrf, cookie)
    hwm = status_kib("VmHWM")
    speeds.append((size / 1048576) / dt)
    hwms.append(hwm / 1024)
    if last.getheader("Upload-Duplicate") != "0" or not last.getheader("Upload-Sha256"):
        sys.exit("upload not stored as new content")
    print("upload run %d: %d MiB in %.2f s = %.1f MiB/s, server peak RSS during the upload %.1f MiB, leaf #%s"
          % (run + 1, size >> 20, dt, speeds[-1], hwms[-1], last.getheader("Upload-Leaf-Index")))
dt, _ = send(nport, "/null", csrf, cookie)
print("client: %.1f MiB/s (the same tus client sending to a null sink: its own ceiling)" % ((size / 1048576) / dt))
print("upload median: %.1f MiB/s (tus PATCH %d MiB, loopback, SHA-256 + SM3 + write + fsync + store + leaf)"
      % (statistics.median(speeds), chunk_mib))
print("memory median: %.1f MiB peak RSS during the upload (%.1f MiB including the login's Argon2id)"
      % (statistics.median(hwms), login_hwm / 1024))
PY

echo "# openssl speed(同一次运行, 16 KiB 块, 单线程)"
for alg in sha256 sm3; do
	openssl speed -seconds 3 -bytes 16384 -evp $alg 2>/dev/null |
		awk -v a=$alg '$1 == a {v = $2; sub(/k$/, "", v); printf "openssl: %-6s %.1f MiB/s\n", a, v * 1000 / 1048576}'
done | tee "$TMP/openssl.txt"
awk '/^upload median/ {u = $3} /^openssl: sha256/ {s = $3} /^openssl: sm3/ {m = $3}
     END { low = s < m ? s : m; if (low > 0) printf "ratio: %.0f%% of the slower openssl hash (%.1f MiB/s); aim >= 80%%\n", 100 * u / low, low }' \
	"$TMP/results.txt" "$TMP/openssl.txt"
echo "# 服务器用三个线程并行计算 SM3、SHA-256 并写盘(core/hash.h 的 hash2_pipe), 上限约为较慢的 SM3。"
