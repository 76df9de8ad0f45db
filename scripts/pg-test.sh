#!/bin/sh
# pg-test.sh start|stop|restart|url - a private, throw-away PostgreSQL 15 cluster for
# the test run.
#
#   start  initdb a new cluster in $PGTEST_DIR, start it on 127.0.0.1:$PGTEST_PORT
#          (trust auth on loopback only, fsync off), wait until it accepts
#          connections, create the database zhifa_test and print its URL.
#   stop   stop the cluster (if running) and remove $PGTEST_DIR.
#   restart  stop the running cluster (fast shutdown: every session is
#          cut) and start it again on the same data directory and port.
#   halt / resume  the two halves of restart, for tests of an outage.
#   url    print the URL (postgres://postgres@127.0.0.1:PORT/zhifa_test).
#
# Invariants: never touches the system cluster (Debian's port 5432) nor any
# other directory than $PGTEST_DIR; a leftover cluster from an interrupted run
# in $PGTEST_DIR is stopped and removed before a new one starts.  PostgreSQL
# refuses to run as root, so as root the server runs as the `postgres` system
# user (runuser) and owns the directory; as another user it runs as that user.
# Defaults: PGTEST_PORT=55400, PGTEST_DIR=/tmp/zhifa-pgtest-$PGTEST_PORT.
set -eu

PORT="${PGTEST_PORT:-55400}"
DIR="${PGTEST_DIR:-/tmp/zhifa-pgtest-$PORT}"
DBNAME=zhifa_test
URL="postgres://postgres@127.0.0.1:$PORT/$DBNAME"

find_bin() {
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	p=$(command -v initdb 2>/dev/null) && { dirname "$p"; return 0; }
	echo "pg-test.sh: 找不到 PostgreSQL 的 initdb(请先运行 scripts/deps.sh test)" >&2
	return 1
}

# as_pg CMD...: run a command as the cluster owner.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

stop_cluster() {
	[ -d "$DIR" ] || return 0
	if [ -f "$DIR/data/postmaster.pid" ]; then
		BIN=$(find_bin)
		as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
		# pg_ctl may fail on a half-initialised directory: kill by pid file.
		if [ -f "$DIR/data/postmaster.pid" ]; then
			pid=$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null || true)
			case "$pid" in
			''|*[!0-9]*) ;;
			*)
				# only if that pid is still a postgres of this directory
				if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "postgres.*$DIR"; then
					kill -9 "$pid" 2>/dev/null || true
					sleep 1
				fi
				;;
			esac
		fi
	fi
	rm -rf "$DIR"
}

start_cluster() {
	BIN=$(find_bin)
	stop_cluster
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "pg-test.sh: 系统中没有 postgres 用户(请先安装 postgresql 软件包)" >&2
		exit 1
	fi
	mkdir -p "$DIR"
	chmod 700 "$DIR"
	[ "$(id -u)" = 0 ] && chown postgres "$DIR"
	if ! as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
		>"$DIR/initdb.log" 2>&1; then
		# older systems may lack the C.UTF-8 locale
		rm -rf "$DIR/data"
		as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C \
			>"$DIR/initdb.log" 2>&1 || {
			cat "$DIR/initdb.log" >&2
			echo "pg-test.sh: initdb 失败" >&2
			exit 1
		}
	fi
	# trust on loopback only: no unix-socket or remote access besides ours.
	cat >"$DIR/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
	if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null 2>&1; then
		cat "$DIR/server.log" >&2 2>/dev/null || true
		echo "pg-test.sh: PostgreSQL 无法在 127.0.0.1:$PORT 启动(端口是否被占用?)" >&2
		exit 1
	fi
	i=0
	until as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; do
		i=$((i + 1))
		if [ $i -ge 60 ]; then
			echo "pg-test.sh: PostgreSQL 在 60 秒内未就绪" >&2
			exit 1
		fi
		sleep 1
	done
	as_pg "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c "CREATE DATABASE $DBNAME" >/dev/null
	echo "$URL"
}

# halt: stop the running cluster (fast shutdown: every session is cut),
# keeping its data directory; resume: start it again on the same port.
halt_cluster() {
	BIN=$(find_bin)
	[ -f "$DIR/data/postmaster.pid" ] || { echo "pg-test.sh: $DIR 中没有运行的集群" >&2; exit 1; }
	as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 || {
		echo "pg-test.sh: PostgreSQL 无法停止" >&2
		exit 1
	}
}

resume_cluster() {
	BIN=$(find_bin)
	[ -d "$DIR/data" ] || { echo "pg-test.sh: $DIR 中没有集群" >&2; exit 1; }
	as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null 2>&1 || {
		cat "$DIR/server.log" >&2 2>/dev/null || true
		echo "pg-test.sh: PostgreSQL 无法重新启动" >&2
		exit 1
	}
	i=0
	until as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; do
		i=$((i + 1))
		[ $i -ge 60 ] && { echo "pg-test.sh: PostgreSQL 在 60 秒内未就绪" >&2; exit 1; }
		sleep 1
	done
}

case "${1:-}" in
start) start_cluster ;;
restart) halt_cluster; resume_cluster ;;
halt) halt_cluster ;;
resume) resume_cluster ;;
stop) stop_cluster ;;
url) echo "$URL" ;;
*) echo "usage: pg-test.sh start|stop|restart|halt|resume|url" >&2; exit 2 ;;
esac
