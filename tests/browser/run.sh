#!/bin/sh
# run.sh - starts a demo server (the ASan build) on a free loopback port,
# runs the Playwright tests in Debian's chromium against it, stops it, and
# fails on any sanitizer report in the server's log.  TAP on stdout.
# Usage: run.sh [tests/browser/NAME.test.mjs] (default: portal.test.mjs);
# scripts/run-tests.sh runs it once for every tests/browser/*.test.mjs.
set -u
cd "$(dirname "$0")/../.."
TEST=$(basename "${1:-portal.test.mjs}")
BIN=${ZHIFA_BIN:-build/asan/zhifa}
DATA=$(mktemp -d /tmp/zhifa-browser.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" init --data "$DATA" --demo >/dev/null 2>"$DATA/init.log" || { echo "Bail out! init failed"; cat "$DATA/init.log"; exit 1; }
"$BIN" serve --data "$DATA" --listen 127.0.0.1:$PORT >/dev/null 2>"$DATA/serve.log" &
PID=$!
for i in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
(cd tests/browser && ZHIFA_URL="http://127.0.0.1:$PORT" ZHIFA_DATA="$DATA" ZHIFA_SHOTS="$(pwd)/../../build/screenshots" node "$TEST")
rc=$?
kill -TERM $PID 2>/dev/null
wait $PID 2>/dev/null
if grep -qE "ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer" "$DATA/serve.log"; then
	echo "not ok 999 - server log has a sanitizer report"
	sed 's/^/# /' "$DATA/serve.log" | head -60
	rc=1
fi
rm -rf "$DATA"
exit $rc
