#!/bin/sh
# long.sh FUZZER... - the long fuzz run of `make fuzz-long` (docs/fuzz.md).
#
# For each build/fuzz/fuzz_NAME:
#   1. replays every file in tests/fuzz/regress/NAME/ (as smoke.sh does);
#   2. fuzzes until FUZZ_LONG_RUNS executions (default 1,000,000) or the
#      target's time cap, whichever comes first, from a corpus kept in
#      build/fuzz/corpus-long/NAME/ (seeded from tests/fuzz/corpus/NAME/, grown
#      by every run, never written into the tree);
#   3. prints one line: executions, exec/s, libFuzzer's final cov: and ft:
#      figures, and the corpus size.
#
# Time caps (seconds per target):
#   FUZZ_LONG_TIME       ordinary targets (default 1200); these are fast
#                        (tens of thousands of exec/s) and reach 1M well before.
#   FUZZ_LONG_SLOW_TIME  targets that run the whole in-process server
#                        (those including fuzz_server.h, the fuzz_http_*
#                        except fuzz_http_parse; default 1800).  One input is a
#                        full HTTP exchange through libmicrohttpd, the router
#                        and SQLite (a few hundred exec/s on 2 cores), so 1M
#                        would take hours: they run for the time cap instead.
# A crash, sanitizer report, leak or timeout is kept as
# tests/fuzz/regress/NAME/crash-<sha1> (or leak-/timeout-/oom-) and counts as a
# failure; commit it once fixed.  Exits non-zero if any target failed.
# Run it niced when the machine is shared:  nice -n 19 make fuzz-long
set -u
cd "$(dirname "$0")/../.." || exit 1
runs="${FUZZ_LONG_RUNS:-1000000}"
fast_time="${FUZZ_LONG_TIME:-1200}"
slow_time="${FUZZ_LONG_SLOW_TIME:-1800}"
logdir=build/fuzz/long-logs
mkdir -p "$logdir"
trap 'exit 130' INT TERM PIPE HUP
n=0
failed=0
printf '%-18s %10s %8s %7s %7s %7s %6s  %s\n' target execs exec/s cov ft corpus secs result
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	n=$((n + 1))
	if [ ! -x "$bin" ]; then
		failed=$((failed + 1))
		echo "$name: $bin not built (make fuzz)"
		continue
	fi
	cap=$fast_time
	grep -q 'fuzz_server\.h' "tests/fuzz/fuzz_$name.c" 2>/dev/null && cap=$slow_time
	corpus="build/fuzz/corpus-long/$name"
	mkdir -p "tests/fuzz/regress/$name" "$corpus"
	[ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null
	log="$logdir/$name.log"
	: >"$log"
	status=ok
	regress=$(find "tests/fuzz/regress/$name" -type f ! -name '.*' | sort)
	if [ -n "$regress" ]; then
		# shellcheck disable=SC2086
		"$bin" -runs=1 $regress >"$log" 2>&1 || status="regression input crashes"
	fi
	start=$(date +%s)
	if [ "$status" = ok ]; then
		"$bin" -runs="$runs" -max_total_time="$cap" -max_len=4096 -timeout=10 \
			-print_final_stats=1 -artifact_prefix="tests/fuzz/regress/$name/" \
			"$corpus" >>"$log" 2>&1 ||
			status="CRASH (input kept in tests/fuzz/regress/$name/)"
	fi
	secs=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	# the last status line, "#N DONE cov: X ft: Y corp: ..." (or the last pulse)
	last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -n 1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	[ "${eps:-0}" = 0 ] && [ "$secs" -gt 0 ] && [ -n "$execs" ] && eps=$((execs / secs))
	files=$(find "$corpus" -type f | wc -l)
	[ "$status" = ok ] || failed=$((failed + 1))
	printf '%-18s %10s %8s %7s %7s %7s %6s  %s\n' "$name" "${execs:-?}" "${eps:-?}" \
		"${cov:-?}" "${ft:-?}" "$files" "$secs" "$status"
	[ "$status" = ok ] || tail -n 40 "$log" | sed 's/^/#   /'
done
echo "$n targets, $failed failed; logs in $logdir/"
[ "$failed" = 0 ]
