#!/bin/sh
# run-bench.sh - the benchmarks of `make bench` (never timed tests).
# Prints one "name value" line per figure, medians of several runs, and
# the same-run references (openssl speed; nginx serving each portal page's
# bytes as a static file) to compare against.  Results also
# go to build/bench.txt; docs/bench.md records them with commentary.
#
# Exit status: 0 when every benchmark measured; 1 when one failed (it is
# named on stderr; the others still run and print their figures).
#
# Environment (defaults in brackets; the small values are for tests):
# ZHIFA_BIN [./zhifa], BENCH_LIB_DIR [build/rel/bench] (its bench_* programs
# are run), BENCH_HTTP_PORT [18080], BENCH_NGINX_PORT [HTTP port + 1],
# BENCH_WRK_SECONDS [5], BENCH_WRK_RUNS [3], BENCH_OPENSSL_SECONDS [2],
# BENCH_ONLY ["" = everything; "portal" = only the HTTP part];
# BENCH_PG_PORT [55490]: the private PostgreSQL of the case list's second
# run (bench/bench_cases.c reads BENCH_CASES_N [100000] and BENCH_DB_URL)
# and of the published decisions' (bench/bench_disclosure.c reads
# BENCH_DISCLOSURE_N [1000000], BENCH_SAMPLES [300] and BENCH_DB_URL);
# BENCH_HTTP_DECISIONS [100000]: decisions loaded for the HTTP pages;
# bench/bench_upload.sh reads its own (BENCH_UPLOAD_MIB, BENCH_RUNS,
# BENCH_PORT ...); bench/bench_package.c BENCH_PACKAGE_MIB [2048] and
# BENCH_RUNS [3] (its data in build/bench-package, removed at the end).
#
# The portal pages (home, matter list, a matter, officer list, credential
# page) are measured against nginx serving the very same body bytes as a
# static file, in the same run, on loopback: the runs alternate nginx and
# zhifa (wrk -t2 -c64), and each page reports both medians and their ratio
# (http.NAME.ratio = zhifa / nginx).  The load average is printed first.
set -eu
cd "$(dirname "$0")/.."
OUT=build/bench.txt
BIN=${ZHIFA_BIN:-./zhifa}
LIB_DIR=${BENCH_LIB_DIR:-build/rel/bench}
PORT=${BENCH_HTTP_PORT:-18080}
WRK_SECONDS=${BENCH_WRK_SECONDS:-5}
WRK_RUNS=${BENCH_WRK_RUNS:-3}
SSL_SECONDS=${BENCH_OPENSSL_SECONDS:-2}
NGINX_PORT=${BENCH_NGINX_PORT:-$((PORT + 1))}
ONLY=${BENCH_ONLY:-}
mkdir -p build
: > "$OUT"
DATA=$(mktemp -d /tmp/zhifa-bench.XXXXXX)
PID=""
NGINX_PID=""
FAILED=""
PG_PORT=${BENCH_PG_PORT:-55490}
PG_UP=""
# The EXIT trap must not fail itself (under set -e a failing command in it,
# e.g. kill of a server already stopped, would replace the exit status).
cleanup() {
	rc=$?
	set +e
	if [ -n "$NGINX_PID" ]; then
		kill "$NGINX_PID" 2>/dev/null
	fi
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	if [ -n "$PG_UP" ]; then
		PGTEST_PORT=$PG_PORT scripts/pg-test.sh stop >/dev/null 2>&1
	fi
	rm -rf "$DATA"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { echo "$*" | tee -a "$OUT"; }
failed() { FAILED="$FAILED
  $1"; echo "bench: 失败: $1" >&2; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print 0; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# the middle one of wrk's latencies (12.5us, 1.20ms, 2.00s), by value
median_latency() {
	awk '{ v = $1 + 0; u = $1; sub(/^[0-9.]+/, "", u)
	       if (u == "ms") v *= 1000; else if (u == "s") v *= 1000000; else if (u == "m") v *= 60000000
	       print v, $1 }' | sort -n | awk '{a[NR]=$2} END {if (NR) print a[int((NR+1)/2)]}'
}
# run NAME CMD...: CMD's output to the screen and $OUT; a failure is recorded
run() {
	name=$1
	shift
	rm -f "$DATA/status"
	{ "$@" || echo $? > "$DATA/status"; } | tee -a "$OUT"
	[ ! -s "$DATA/status" ] || failed "$name(退出状态 $(cat "$DATA/status"))"
}

run_wrk() { # name url
	ok=yes
	for r in $(seq 1 "$WRK_RUNS"); do
		wrk -t2 -c64 -d"${WRK_SECONDS}s" --latency "$2" > "$DATA/wrk.$r" 2>&1 || ok=no
		# answers other than 2xx/3xx, or no figure at all: nothing was measured
		grep -q '^Requests/sec' "$DATA/wrk.$r" || ok=no
		! grep -q 'Non-2xx or 3xx responses' "$DATA/wrk.$r" || ok=no
		awk '/Requests\/sec/ {print $2}' "$DATA/wrk.$r" >> "$DATA/rps"
		awk '$1=="50%" {print $2}' "$DATA/wrk.$r" >> "$DATA/p50"
		awk '$1=="99%" {print $2}' "$DATA/wrk.$r" >> "$DATA/p99"
	done
	if [ $ok = no ]; then
		sed -n '1,20p' "$DATA/wrk.$r" >&2
		failed "$1(wrk 没有测出结果或服务回答了错误)"
	fi
	say "$1.rps_median $(median < "$DATA/rps")"
	say "$1.latency_p50 $(median_latency < "$DATA/p50")"
	say "$1.latency_p99 $(median_latency < "$DATA/p99")"
	rm -f "$DATA/rps" "$DATA/p50" "$DATA/p99"
}

say "# zhifa bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
say "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# wrk_once URL FILE: one wrk run; its requests/s appended to FILE, "no"
# printed when nothing was measured or the server answered an error
wrk_once() {
	wrk -t2 -c64 -d"${WRK_SECONDS}s" --latency "$1" > "$DATA/wrk.once" 2>&1 || echo no
	grep -q '^Requests/sec' "$DATA/wrk.once" || echo no
	! grep -q 'Non-2xx or 3xx responses' "$DATA/wrk.once" || echo no
	awk '/Requests\/sec/ {print $2}' "$DATA/wrk.once" >> "$2"
	awk '$1=="50%" {print $2}' "$DATA/wrk.once" >> "$2.p50"
	awk '$1=="99%" {print $2}' "$DATA/wrk.once" >> "$2.p99"
}

# run_pair NAME PATH: the zhifa page PATH against nginx serving its body
# (fetched once, anonymously) as a static file; runs alternate
run_pair() {
	name=$1
	file="$DATA/nginx/root/$name.html"
	if ! curl -fs "http://127.0.0.1:$PORT$2" -o "$file"; then
		failed "$name(取不到 $2)"
		return
	fi
	rm -f "$DATA/z" "$DATA/z.p50" "$DATA/z.p99" "$DATA/n" "$DATA/n.p50" "$DATA/n.p99"
	ok=yes
	for r in $(seq 1 "$WRK_RUNS"); do
		if [ -n "$NGINX_PID" ]; then
			[ -z "$(wrk_once "http://127.0.0.1:$NGINX_PORT/$name.html" "$DATA/n")" ] || ok=no
		fi
		[ -z "$(wrk_once "http://127.0.0.1:$PORT$2" "$DATA/z")" ] || ok=no
	done
	if [ $ok = no ]; then
		sed -n '1,20p' "$DATA/wrk.once" >&2
		failed "$name(wrk 没有测出结果或服务回答了错误)"
	fi
	z=$(median < "$DATA/z")
	say "$name.bytes $(wc -c < "$file")"
	say "$name.rps_median $z"
	say "$name.latency_p50 $(median_latency < "$DATA/z.p50")"
	say "$name.latency_p99 $(median_latency < "$DATA/z.p99")"
	if [ -n "$NGINX_PID" ]; then
		n=$(median < "$DATA/n")
		say "ref.nginx_$name.rps_median $n"
		say "$name.ratio $(awk -v z="$z" -v n="$n" 'BEGIN { if (n > 0) printf "%.2f", z / n; else print 0 }')"
	fi
}

# nginx serving static files from $DATA/nginx/root (same cores, loopback)
start_nginx() {
	command -v nginx >/dev/null 2>&1 || { failed "nginx(没有安装 nginx；scripts/deps.sh test)"; return; }
	mkdir -p "$DATA/nginx/root" "$DATA/nginx/tmp"
	# the workers may run as nobody: let them reach the files
	chmod 711 "$DATA"
	chmod -R a+rX "$DATA/nginx"
	cat > "$DATA/nginx/nginx.conf" <<-EOF
	worker_processes $(nproc);
	daemon off;
	pid $DATA/nginx/nginx.pid;
	error_log $DATA/nginx/error.log;
	events { worker_connections 1024; }
	http {
		access_log off;
		client_body_temp_path $DATA/nginx/tmp; proxy_temp_path $DATA/nginx/tmp;
		fastcgi_temp_path $DATA/nginx/tmp; uwsgi_temp_path $DATA/nginx/tmp; scgi_temp_path $DATA/nginx/tmp;
		server { listen 127.0.0.1:$NGINX_PORT; root $DATA/nginx/root; default_type text/html; }
	}
	EOF
	nginx -c "$DATA/nginx/nginx.conf" -p "$DATA/nginx" 2>"$DATA/nginx/stderr" &
	NGINX_PID=$!
	: > "$DATA/nginx/root/up.html"
	for i in $(seq 1 50); do
		curl -fs "http://127.0.0.1:$NGINX_PORT/up.html" >/dev/null 2>&1 && return
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$DATA/nginx/stderr" "$DATA/nginx/error.log" >&2 2>/dev/null
	failed "nginx(没有在 127.0.0.1:$NGINX_PORT 启动)"
	kill "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=""
}

if [ "$ONLY" != portal ]; then
# --- references measured in the same run ---
for alg in sha256 sm3; do
	v=$(openssl speed -seconds "$SSL_SECONDS" -bytes 16384 -evp $alg 2>/dev/null | awk '/^'"$alg"'|^SM3|^sha256/ {print $NF}' | tail -1 | tr -d k)
	[ -n "$v" ] || failed "ref.openssl_$alg(openssl speed 没有给出结果)"
	say "ref.openssl_${alg}_16k_kBps ${v:-0}"
done

# --- library benchmarks (calendar, ledger …) ---
for b in "$LIB_DIR"/bench_*; do
	[ -x "$b" ] || continue
	run "$(basename "$b")" "$b"
done

# --- the case list once more, on a private PostgreSQL (scripts/pg-test.sh;
# bench_cases ran on SQLite above): figures prefixed pg. ---
if [ -x "$LIB_DIR/bench_cases" ]; then
	if url=$(PGTEST_PORT=$PG_PORT scripts/pg-test.sh start 2>"$DATA/pg.log"); then
		PG_UP=yes
		export BENCH_DB_URL="$url"
		run bench_cases.pg sh -c '"$0" > "$1" && sed "s/^/pg./" "$1"' "$LIB_DIR/bench_cases" "$DATA/pg-cases.txt"
		unset BENCH_DB_URL
		PGTEST_PORT=$PG_PORT scripts/pg-test.sh stop >/dev/null 2>&1 || true
		PG_UP=""
	else
		cat "$DATA/pg.log" >&2
		failed "bench_cases.pg(PostgreSQL 没有启动)"
	fi
fi
# --- the published decisions' search and list once more, on PostgreSQL
# (bench_disclosure ran on SQLite above): figures prefixed pg. ---
if [ -x "$LIB_DIR/bench_disclosure" ]; then
	if url=$(PGTEST_PORT=$PG_PORT scripts/pg-test.sh start 2>"$DATA/pg.log"); then
		PG_UP=yes
		export BENCH_DB_URL="$url"
		run bench_disclosure.pg sh -c '"$0" > "$1" && sed "s/^/pg./" "$1"' "$LIB_DIR/bench_disclosure" "$DATA/pg-disclosure.txt"
		unset BENCH_DB_URL
		PGTEST_PORT=$PG_PORT scripts/pg-test.sh stop >/dev/null 2>&1 || true
		PG_UP=""
	else
		cat "$DATA/pg.log" >&2
		failed "bench_disclosure.pg(PostgreSQL 没有启动)"
	fi
fi
fi

# --- HTTP: the portal pages under concurrent load, against nginx static ---
"$BIN" init --data "$DATA/data" --demo >/dev/null
# published decisions for the pages of 行政执法决定公示 (BENCH_HTTP_DECISIONS [100000])
DECISION=""
if [ -x "$LIB_DIR/bench_disclosure" ]; then
	DECISION=$("$LIB_DIR/bench_disclosure" --seed "sqlite:$DATA/data/zhifa.db" "${BENCH_HTTP_DECISIONS:-100000}") ||
		failed "bench_disclosure --seed(没有写入执法决定公示)"
fi
"$BIN" serve --data "$DATA/data" --listen 127.0.0.1:$PORT >"$DATA/serve.log" 2>&1 &
PID=$!
up=""
for i in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && { up=yes; break; }
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$up" ]; then
	cat "$DATA/serve.log" >&2
	failed "http(服务没有在 127.0.0.1:$PORT 启动)"
else
	idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
	say "server.idle_rss_kib $idle_kb"
	TOKEN=$(curl -fs "http://127.0.0.1:$PORT/api/v1/portal/officers" | python3 -c 'import json,sys; o=json.load(sys.stdin)["officers"]; print(next(x["token"] for x in o if x["status"]=="valid"))')
	MATTER=$(curl -fs "http://127.0.0.1:$PORT/api/v1/portal/matters" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
	start_nginx
	run_wrk ref.http_healthz "http://127.0.0.1:$PORT/healthz"
	run_pair http.portal_home "/"
	run_pair http.matter_list "/portal/matters"
	run_pair http.matter "/portal/matters/$MATTER"
	run_pair http.officer_list "/portal/officers"
	run_pair http.credential_page "/verify/c/$TOKEN"
	if [ -n "$DECISION" ]; then
		run_pair http.decision_list "/portal/decisions"
		run_pair http.decision "/portal/decisions/$DECISION"
		run_pair http.decision_search "/portal/decisions?q=%E7%BD%9A%E6%AC%BE"
	fi
	say "server.peak_rss_kib $(awk '/VmHWM/ {print $2}' /proc/$PID/status)"
	say "server.after_rss_kib $(awk '/VmRSS/ {print $2}' /proc/$PID/status)"
fi
kill "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=""
if [ -n "$NGINX_PID" ]; then
	kill "$NGINX_PID" 2>/dev/null || true
	wait "$NGINX_PID" 2>/dev/null || true
	NGINX_PID=""
fi
say "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "$ONLY" != portal ] || exit_now=yes
# --- upload throughput of a 2 GiB file over loopback (tus), vs openssl speed ---
export ZHIFA_BIN="$BIN"
[ -n "${exit_now:-}" ] || run upload bench/bench_upload.sh

if [ -n "$FAILED" ]; then
	echo "bench: 以下基准失败:$FAILED" >&2
	exit 1
fi
exit 0
