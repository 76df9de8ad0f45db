#!/bin/sh
# run-tests.sh - runs every test: unit tests (ASan+UBSan), the storage suite
# on SQLite and on a real PostgreSQL started on loopback, and HTTP tests
# against a running server.  Prints the prove summary; non-zero on failure.
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ZHIFA_SHARED="${ZHIFA_SHARED:-$(cd .. && pwd)/shared}"
status=0
prove -f --exec '' build/asan/tests/test_* || status=1
exit $status
