#!/bin/sh
# smoke.sh RUNS FUZZER... - the bounded, seeded fuzz loop of `make fuzz-smoke`.
#
# For each build/fuzz/fuzz_NAME:
#   1. replays every file in tests/fuzz/regress/NAME/ (inputs that once
#      crashed; they must never crash again);
#   2. runs RUNS iterations with -seed=1 starting from the checked-in corpus
#      tests/fuzz/corpus/NAME/ (copied to a temporary directory, so the run
#      does not litter the tree with generated inputs).
# A crash, sanitizer report, leak or timeout fails the run, and the crashing
# input is kept as tests/fuzz/regress/NAME/crash-<sha1> (or leak-/timeout-)
# so that it is replayed from then on.  Prints one TAP line per fuzzer; exits
# non-zero if any failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
runs="${1:-20000}"
shift || true
tmp=$(mktemp -d /tmp/zhifa-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM PIPE HUP
n=0
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		failed=$((failed + 1))
		echo "not ok $n - fuzz $name: $bin not built (make fuzz)"
		continue
	fi
	mkdir -p "tests/fuzz/regress/$name" "$tmp/$name"
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$tmp/$name/" 2>/dev/null
	log="$tmp/$name.log"
	status=ok
	regress=$(find "tests/fuzz/regress/$name" -type f ! -name '.*' | sort)
	if [ -n "$regress" ]; then
		# shellcheck disable=SC2086
		"$bin" -runs=1 $regress >"$log" 2>&1 || status="regression input crashes"
	fi
	if [ "$status" = ok ]; then
		"$bin" -runs="$runs" -seed=1 -max_len=4096 -timeout=10 -max_total_time=120 \
			-print_final_stats=0 \
			-artifact_prefix="tests/fuzz/regress/$name/" "$tmp/$name" >"$log" 2>&1 ||
			status="crash (input kept in tests/fuzz/regress/$name/)"
	fi
	if [ "$status" = ok ]; then
		echo "ok $n - fuzz $name ($runs runs, seed 1)"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz $name: $status"
		tail -n 40 "$log" | sed 's/^/#   /'
	fi
done
echo "1..$n"
[ "$failed" = 0 ]
