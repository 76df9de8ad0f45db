#!/bin/sh
# run-tests.sh - runs every test after `make test-build` (called by make test):
#
#   0. the layer check (tests/layers/test_layers.sh: scripts/check-layers.sh
#      against the table in docs/architecture.md);
#   1. unit tests build/asan/tests/test_* (ASan+UBSan) on SQLite, with prove;
#   1b. the same unit tests built without sanitizers (build/plain/tests/test_*)
#      under valgrind (memcheck), on SQLite only: any memcheck error or
#      definite leak fails that file (--error-exitcode; library noise is
#      suppressed in tests/valgrind.supp, each entry with its reason);
#      ZHIFA_UNDER_VALGRIND=1 tells tests to lighten their slowest parts
#      (test_vault: 3 of its 6 pipe chunkings); about 100 s of CPU, 15 files;
#   2. a private PostgreSQL (scripts/pg-test.sh) and the same unit tests again
#      with ZHIFA_TEST_DB set, so every storage test runs on PostgreSQL;
#   3. the HTTP tests tests/http/test_*.py against build/asan/zhifa, once on
#      SQLite and once on PostgreSQL;
#   4. the seeded fuzz loop (make fuzz-smoke; clang is required, its absence
#      or a fuzzer build failure counts as a failure).
#
# Any sanitizer report fails the test that produced it (ASan/UBSan abort on
# the first report, LeakSanitizer exits non-zero; the HTTP harness fails a
# test whose server printed a report).  PostgreSQL is stopped on every exit path (trap).
# The last line is exactly "N passed, N failed, N skipped" where N counts TEST FILES
# (one unit-test binary, HTTP test file or fuzz target per stage = one test
# file; a file fails if any of its assertions fails).  Exits non-zero if
# anything failed.
#
# Environment: ZHIFA_SHARED defaults to the `shared` folder next to the
# repository; for local use only, ZHIFA_SKIP_PG=1 skips the PostgreSQL stages
# ZHIFA_SKIP_VALGRIND=1 the valgrind stage, and ZHIFA_SKIP_FUZZ=1 the fuzz stage (skipped stages count nothing).
set -u
cd "$(dirname "$0")/.." || exit 1
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:check_initialization_order=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=1"
export LSAN_OPTIONS="exitcode=1"
export ZHIFA_SHARED="${ZHIFA_SHARED:-$(cd .. && pwd)/shared}"
unset ZHIFA_TEST_DB

passed=0
failed=0
skipped=0
failures=""
pg_started=0
TMPD=$(mktemp -d /tmp/zhifa-run-tests.XXXXXX)

cleanup() {
	if [ "${s3_started:-0}" = 1 ]; then
		scripts/s3-test.sh stop >/dev/null 2>&1 || true
		s3_started=0
	fi
	if [ "$pg_started" = 1 ]; then
		scripts/pg-test.sh stop >/dev/null 2>&1 || true
		pg_started=0
	fi
	rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

# run_prove LABEL EXEC FILE...: runs prove on the files, counts per file
# from prove's per-file lines ("file .. ok" or anything else = failed).
run_prove() {
	label=$1
	exec_with=$2
	shift 2
	if [ $# = 0 ]; then
		echo "== $label: 没有测试文件"
		return 0
	fi
	echo "== $label"
	out="$TMPD/prove.out"
	prove -f --exec "$exec_with" "$@" 2>&1 | tee "$out"
	for f in "$@"; do
		# prove prints "path ...... ok" for a passing file
		if awk -v f="$f" 'index($0, f " ") == 1 && $0 ~ /\.\. ok( |$)/ { found = 1 }
			END { exit !found }' "$out"; then
			passed=$((passed + 1))
		elif awk -v f="$f" 'index($0, f " ") == 1 && $0 ~ /\.\. skipped: / { found = 1 }
			END { exit !found }' "$out"; then
			# the whole file skipped itself with a reason (e.g. nothing to
			# test on this database): neither passed nor failed
			skipped=$((skipped + 1))
		else
			failed=$((failed + 1))
			failures="$failures
  $label: $f"
		fi
	done
}

unit_tests=""
for f in build/asan/tests/test_*; do
	[ -f "$f" ] && [ -x "$f" ] && unit_tests="$unit_tests $f"
done
http_tests=$(ls tests/http/test_*.py 2>/dev/null || true)

if [ -z "$unit_tests" ]; then
	echo "没有找到单元测试:请先运行 make test-build" >&2
	failed=$((failed + 1))
fi

# S3-compatible object store (s3rver on loopback) for the blob store tests
s3_started=0
if [ "${ZHIFA_SKIP_S3:-0}" != 1 ]; then
	if s3env=$(scripts/s3-test.sh start); then
		eval "$s3env"
		export ZHIFA_TEST_S3 ZHIFA_S3_ENDPOINT ZHIFA_S3_BUCKET ZHIFA_S3_REGION ZHIFA_S3_ACCESS_KEY ZHIFA_S3_SECRET_KEY
		s3_started=1
	else
		echo "S3 测试服务器 (s3rver) 无法启动" >&2
		failed=$((failed + 1))
		failures="$failures
  S3: scripts/s3-test.sh start"
	fi
fi

# 0. the structure: include directions and no SQL in pages (docs/architecture.md)
run_prove "结构检查" "sh" tests/layers/test_layers.sh

# 1. unit tests on SQLite
# shellcheck disable=SC2086
run_prove "单元测试 (SQLite)" "" $unit_tests

# 1b. the same under valgrind (no ASan: valgrind cannot run ASan binaries)
plain_tests=""
for f in build/plain/tests/test_*; do
	[ -f "$f" ] && [ -x "$f" ] && plain_tests="$plain_tests $f"
done
if [ "${ZHIFA_SKIP_VALGRIND:-0}" = 1 ]; then
	echo "== 跳过 valgrind 阶段 (ZHIFA_SKIP_VALGRIND=1)"
elif ! command -v valgrind >/dev/null 2>&1; then
	echo "== valgrind 阶段失败:没有 valgrind(scripts/deps.sh test 安装)"
	failed=$((failed + 1))
	failures="$failures
  valgrind: not installed"
elif [ -z "$plain_tests" ]; then
	echo "没有找到 build/plain/tests:请先运行 make test-build" >&2
	failed=$((failed + 1))
	failures="$failures
  valgrind: build/plain/tests missing"
else
	export ZHIFA_UNDER_VALGRIND=1
	# shellcheck disable=SC2086
	run_prove "单元测试 (valgrind, SQLite)" "valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=no --suppressions=tests/valgrind.supp" $plain_tests
	unset ZHIFA_UNDER_VALGRIND
fi

# 2. the same on PostgreSQL, then 3. HTTP tests on SQLite and on PostgreSQL
if [ "${ZHIFA_SKIP_PG:-0}" = 1 ]; then
	echo "== 跳过 PostgreSQL 阶段 (ZHIFA_SKIP_PG=1)"
	# shellcheck disable=SC2086
	run_prove "HTTP 测试 (SQLite)" "python3" $http_tests
else
	echo "== 启动测试用 PostgreSQL"
	if url=$(scripts/pg-test.sh start); then
		pg_started=1
		export ZHIFA_TEST_DB="$url"
		# shellcheck disable=SC2086
		run_prove "单元测试 (PostgreSQL)" "" $unit_tests
		unset ZHIFA_TEST_DB
		# shellcheck disable=SC2086
		run_prove "HTTP 测试 (SQLite)" "python3" $http_tests
		export ZHIFA_TEST_DB="$url"
		# shellcheck disable=SC2086
		run_prove "HTTP 测试 (PostgreSQL)" "python3" $http_tests
		unset ZHIFA_TEST_DB
		scripts/pg-test.sh stop >/dev/null 2>&1 || true
		pg_started=0
	else
		echo "PostgreSQL 无法启动" >&2
		failed=$((failed + 1))
		failures="$failures
  PostgreSQL: scripts/pg-test.sh start"
	fi
fi

# 4. the portal and back office in a real browser (Debian's chromium via
#    Playwright); screenshots land in build/screenshots/
if [ "${ZHIFA_SKIP_BROWSER:-0}" = 1 ]; then
	echo "== 跳过浏览器测试 (ZHIFA_SKIP_BROWSER=1)"
else
	# shellcheck disable=SC2046
	run_prove "浏览器测试 (chromium)" "sh tests/browser/run.sh" $(ls tests/browser/*.test.mjs)
fi

# 5. fuzz smoke: one line per fuzz target ("ok N - fuzz NAME ...")
if [ "${ZHIFA_SKIP_FUZZ:-0}" = 1 ]; then
	echo "== 跳过模糊测试 (ZHIFA_SKIP_FUZZ=1)"
elif ! command -v clang >/dev/null 2>&1; then
	echo "== 模糊测试失败:没有 clang(scripts/deps.sh test 安装 clang 与 libclang-rt-14-dev)"
	failed=$((failed + 1))
	failures="$failures
  fuzz: clang missing"
else
	echo "== 模糊测试 (make fuzz-smoke)"
	make -s fuzz-smoke >"$TMPD/fuzz.out" 2>&1
	fuzz_rc=$?
	cat "$TMPD/fuzz.out"
	fp=$(grep -c '^ok [0-9]* - fuzz ' "$TMPD/fuzz.out")
	ff=$(grep -c '^not ok [0-9]* - fuzz ' "$TMPD/fuzz.out")
	passed=$((passed + fp))
	failed=$((failed + ff))
	[ "$ff" -gt 0 ] && failures="$failures
  fuzz: $(grep '^not ok' "$TMPD/fuzz.out" | tr '\n' ' ')"
	if [ "$fuzz_rc" != 0 ] && [ "$ff" = 0 ]; then
		# the build of the fuzzers failed
		failed=$((failed + 1))
		failures="$failures
  fuzz: make fuzz-smoke failed (build)"
	fi
fi

if [ "$failed" -gt 0 ]; then
	echo "失败:$failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
