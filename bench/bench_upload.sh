#!/bin/sh
# bench_upload.sh - upload throughput of the evidence vault: a file of
# BENCH_UPLOAD_MIB MiB (default 2048 = 2 GiB) sent over loopback with tus
# (one creation, then PATCH requests of BENCH_CHUNK_MIB MiB, default 64)
# to a release server, compared in the same run with `openssl speed` for
# SHA-256 and SM3 (the two hashes the server computes while the bytes
# stream in), and the server's peak resident memory (VmHWM) during the
# upload, which must stay far below the file size (nothing is buffered).
#
#   bench/bench_upload.sh            (after `make zhifa`; uses ./zhifa)
#
# Environment: ZHIFA_BIN (default ./zhifa), BENCH_UPLOAD_MIB, BENCH_CHUNK_MIB,
# BENCH_PORT (default 19061).  Everything lives in a temporary folder that
# is removed at the end; the server is stopped by its pid.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="${ZHIFA_BIN:-$ROOT/zhifa}"
MIB="${BENCH_UPLOAD_MIB:-2048}"
CHUNK="${BENCH_CHUNK_MIB:-64}"
PORT="${BENCH_PORT:-19061}"
TMP=$(mktemp -d /tmp/zhifa-bench-upload-XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
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

python3 - "$PORT" "$TMP/video.bin" "$CHUNK" "$PID" <<'PY'
import http.client, re, sys, time, urllib.parse, hashlib
port, path, chunk_mib, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
import os
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

r, page = req("GET", "/login")
csrf = re.search(rb'name="_csrf" value="([0-9a-f]+)"', page).group(1).decode()
anon = r.getheader("Set-Cookie", "").split(";")[0]
r, _ = req("POST", "/login", body=urllib.parse.urlencode({"username": "jn.zhang", "password": "Zhifa@2026demo", "_csrf": csrf}),
           headers={"Content-Type": "application/x-www-form-urlencoded"}, cookie=anon)
cookie = r.getheader("Set-Cookie").split(";")[0]
r, page = req("GET", "/admin/vault", cookie=cookie)
csrf = re.search(rb'data-csrf="([0-9a-f]+)"', page).group(1).decode()
r, _ = req("POST", "/api/v1/uploads", body=b"", cookie=cookie,
           headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(size), "X-CSRF-Token": csrf})
loc = r.getheader("Location")
chunk = chunk_mib << 20
off = 0
t0 = time.monotonic()
last = None
with open(path, "rb") as f:
    while off < size:
        n = min(chunk, size - off)
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        c.putrequest("PATCH", loc)
        for k, v in (("Tus-Resumable", "1.0.0"), ("Upload-Offset", str(off)), ("X-CSRF-Token", csrf),
                     ("Content-Type", "application/offset+octet-stream"), ("Content-Length", str(n)), ("Cookie", cookie)):
            c.putheader(k, v)
        c.endheaders()
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
dt = time.monotonic() - t0
hwm = "?"
with open("/proc/%d/status" % pid) as s:
    for line in s:
        if line.startswith("VmHWM"):
            hwm = line.split()[1]
print("upload: %d MiB in %.2f s = %.1f MiB/s (tus PATCH %d MiB chunks, loopback, fsync + SHA-256 + SM3 + store + leaf)"
      % (size >> 20, dt, (size / 1048576) / dt, chunk_mib))
print("upload: server peak RSS (VmHWM) %.1f MiB for a %d MiB file" % (int(hwm) / 1024, size >> 20))
print("upload: sha256 %s  leaf #%s" % (last.getheader("Upload-Sha256"), last.getheader("Upload-Leaf-Index")))
PY

echo "# openssl speed(同一次运行, 16 KiB 块, 单线程)"
for alg in sha256 sm3; do
	openssl speed -seconds 3 -bytes 16384 -evp $alg 2>/dev/null |
		awk -v a=$alg '$1 == a {v = $2; sub(/k$/, "", v); printf "openssl: %-6s %.1f MiB/s\n", a, v * 1000 / 1048576}'
done
echo "# 服务器在一次读取中同时计算两种哈希: 上限约为 1/(1/sha256 + 1/sm3), 另加写盘和 fsync。"
