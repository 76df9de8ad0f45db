#!/bin/sh
# run-bench.sh - the benchmarks of `make bench` (never timed tests).
# Prints one "name value" line per figure, medians of several runs, and
# the same-run references (openssl speed) to compare against.  Results also
# go to build/bench.txt; docs/bench.md records them with commentary.
set -eu
cd "$(dirname "$0")/.."
OUT=build/bench.txt
: > "$OUT"
say() { echo "$*" | tee -a "$OUT"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

say "# zhifa bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

# --- references measured in the same run ---
for alg in sha256 sm3; do
	v=$(openssl speed -seconds 2 -bytes 16384 -evp $alg 2>/dev/null | awk '/^'"$alg"'|^SM3|^sha256/ {print $NF}' | tail -1 | tr -d k)
	say "ref.openssl_${alg}_16k_kBps ${v:-0}"
done

# --- library benchmarks (calendar, ledger …) ---
for b in build/rel/bench/bench_*; do
	[ -x "$b" ] || continue
	"$b" | tee -a "$OUT"
done

# --- HTTP: portal matter list and a credential page under concurrent load ---
DATA=$(mktemp -d /tmp/zhifa-bench.XXXXXX)
PORT=18080
./zhifa init --data "$DATA" --demo >/dev/null
./zhifa serve --data "$DATA" --listen 127.0.0.1:$PORT >"$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for i in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
say "server.idle_rss_kib $idle_kb"
TOKEN=$(curl -fs "http://127.0.0.1:$PORT/api/v1/portal/officers" | python3 -c 'import json,sys; o=json.load(sys.stdin)["officers"]; print(next(x["token"] for x in o if x["status"]=="valid"))')
run_wrk() { # name url
	for run in 1 2 3; do
		wrk -t2 -c64 -d5s --latency "$2" > "$DATA/wrk.$run" 2>&1 || true
		awk '/Requests\/sec/ {print $2}' "$DATA/wrk.$run" >> "$DATA/rps"
		awk '$1=="50%" {print $2}' "$DATA/wrk.$run" >> "$DATA/p50"
		awk '$1=="99%" {print $2}' "$DATA/wrk.$run" >> "$DATA/p99"
	done
	say "$1.rps_median $(median < "$DATA/rps")"
	say "$1.latency_p50 $(sort "$DATA/p50" | sed -n 2p)"
	say "$1.latency_p99 $(sort "$DATA/p99" | sed -n 2p)"
	rm -f "$DATA/rps" "$DATA/p50" "$DATA/p99"
}
run_wrk ref.http_healthz "http://127.0.0.1:$PORT/healthz"
run_wrk http.credential_page "http://127.0.0.1:$PORT/verify/c/$TOKEN"
run_wrk http.matter_list "http://127.0.0.1:$PORT/portal/matters"
say "server.peak_rss_kib $(awk '/VmHWM/ {print $2}' /proc/$PID/status)"
say "server.after_rss_kib $(awk '/VmRSS/ {print $2}' /proc/$PID/status)"

# --- upload throughput of a 2 GiB file over loopback (tus), vs openssl speed ---
kill $PID 2>/dev/null || true
wait $PID 2>/dev/null || true
bench/bench_upload.sh | tee -a "$OUT"
exit 0
