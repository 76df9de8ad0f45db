#!/bin/sh
# s3-test.sh start|stop|env - a throw-away S3-compatible server (s3rver,
# from tests/s3/node_modules, installed with `npm ci` from the lock file
# there) on loopback for the test run.
#
#   start  install s3rver if missing (npm ci in tests/s3), start it on
#          127.0.0.1:$S3TEST_PORT with its data in $S3TEST_DIR and the
#          bucket "zhifa" created, wait until it answers, then print the
#          environment lines (see env).
#   stop   stop the server (if running) and remove $S3TEST_DIR.
#   env    print the settings the tests read, as shell assignments:
#          ZHIFA_TEST_S3=http://127.0.0.1:PORT (tests/unit/test_vault.c
#          then also runs the S3 back end) and ZHIFA_S3_* (the same server
#          for ZHIFA_BLOBS=s3).
#
# Use from a test script:
#   eval "$(scripts/s3-test.sh start)" && export ZHIFA_TEST_S3 ZHIFA_S3_ENDPOINT \
#       ZHIFA_S3_BUCKET ZHIFA_S3_REGION ZHIFA_S3_ACCESS_KEY ZHIFA_S3_SECRET_KEY
#   ... tests ...
#   scripts/s3-test.sh stop
#
# Invariants: listens on 127.0.0.1 only; touches no directory but
# $S3TEST_DIR (and tests/s3/node_modules when installing); a leftover
# server from an interrupted run is stopped before a new one starts.
# Defaults: S3TEST_PORT=19010, S3TEST_DIR=/tmp/zhifa-s3test-$S3TEST_PORT.
# s3rver's fixed credentials are S3RVER / S3RVER.
set -eu

PORT="${S3TEST_PORT:-19010}"
DIR="${S3TEST_DIR:-/tmp/zhifa-s3test-$PORT}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
S3DIR="$ROOT/tests/s3"
BIN="$S3DIR/node_modules/s3rver/bin/s3rver.js"

print_env() {
	echo "ZHIFA_TEST_S3=http://127.0.0.1:$PORT"
	echo "ZHIFA_S3_ENDPOINT=http://127.0.0.1:$PORT"
	echo "ZHIFA_S3_BUCKET=zhifa"
	echo "ZHIFA_S3_REGION=us-east-1"
	echo "ZHIFA_S3_ACCESS_KEY=S3RVER"
	echo "ZHIFA_S3_SECRET_KEY=S3RVER"
}

stop() {
	if [ -f "$DIR/s3rver.pid" ]; then
		pid=$(cat "$DIR/s3rver.pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$DIR"
}

case "${1:-}" in
start)
	stop
	if [ ! -f "$BIN" ]; then
		(cd "$S3DIR" && npm ci --no-audit --no-fund >&2) || {
			echo "s3-test.sh: 无法安装 s3rver(tests/s3 中 npm ci 失败)" >&2
			exit 1
		}
	fi
	mkdir -p "$DIR/data"
	node "$BIN" -d "$DIR/data" -a 127.0.0.1 -p "$PORT" -s --no-vhost-buckets \
		--configure-bucket zhifa >"$DIR/s3rver.log" 2>&1 &
	echo $! >"$DIR/s3rver.pid"
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$(cat "$DIR/s3rver.pid")" 2>/dev/null; then
			echo "s3-test.sh: s3rver 未能在 127.0.0.1:$PORT 启动:" >&2
			cat "$DIR/s3rver.log" >&2 || true
			stop
			exit 1
		fi
		sleep 0.1
	done
	print_env
	;;
stop)
	stop
	;;
env)
	print_env
	;;
*)
	echo "用法: scripts/s3-test.sh start|stop|env" >&2
	exit 2
	;;
esac
