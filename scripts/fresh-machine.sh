#!/bin/sh
# fresh-machine.sh - the README's `make run` on a freshly made Debian 12.
#
# 1. Builds a bare Debian 12 root with mmdebstrap, as a new user's machine:
#    `mmdebstrap --variant=apt --include=make,git,ca-certificates bookworm ROOT`.
# 2. Clones what is committed (HEAD; uncommitted changes are not part of the
#    check) into ROOT/root/zhifa, as root would clone it.  ../shared is not
#    copied: neither the build nor `make run` reads it (only the tests do).
# 3. In the root (chroot, as root, with /proc, /sys, /dev and resolv.conf)
#    runs `make run` exactly as the README writes it, in the background,
#    until the server answers on its port and serves the portal home page
#    (HTTP 200 on / with the title 行政执法公示平台).
# 4. Stops the server and checks, in the root, that scripts/deps.sh names
#    directly (not only through another package's dependencies) the package
#    of every pkg-config module in the Makefile's PKGS and of every -l library
#    the link uses (build-essential's own dependencies, e.g. libc6-dev, count
#    as named).
# 5. Unmounts everything and removes the root - also on failure or
#    interruption (trap).
# It exits 1 with a message in Chinese when `make run` stops before serving
# or when step 4 finds a package the list does not name.
#
# Packages come only through the host's own apt configuration, read at run
# time: the active files among /etc/apt/sources.list and
# /etc/apt/sources.list.d/*.list|*.sources, and the host's Acquire:: settings
# for proxies and release-date checks (apt-config dump).  Downloaded .deb
# archives are kept between runs in $ZHIFA_FRESH_CACHE (default
# /var/cache/zhifa-fresh; bind-mounted as the root's /var/cache/apt/archives,
# the packages being identical), but nothing installed carries over: the root
# is made anew each time.
#
# Port: `make run` serves 127.0.0.1:8080.  The chroot shares the host's
# network, so when 8080 already answers on the host the script picks a free
# port from 18480 on and hands it to `make run` through the documented
# environment override ZHIFA_LISTEN=127.0.0.1:PORT (README, "Configuration");
# the command itself is unchanged.
#
#   scripts/fresh-machine.sh          (as root; needs mmdebstrap, git, curl)
#
# Environment: ZHIFA_FRESH_CACHE (archive cache folder), ZHIFA_FRESH_TIMEOUT
# (seconds `make run` may take until it serves, default 1200), TMPDIR (where
# the root is made, default /var/tmp).  The log of `make run` is kept in
# build/fresh-machine.log.
set -eu
cd "$(dirname "$0")/.."
REPO=$(pwd)
say() { echo "fresh-machine: $*"; }
fail() { echo "fresh-machine: 失败: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "需要 root 权限(mmdebstrap、chroot 和 mount)"
for c in mmdebstrap git curl chroot setsid mount umount flock; do
	command -v "$c" >/dev/null 2>&1 || fail "缺少命令 $c(mmdebstrap 请用 apt-get install mmdebstrap 安装)"
done

CACHE=${ZHIFA_FRESH_CACHE:-/var/cache/zhifa-fresh}
TIMEOUT=${ZHIFA_FRESH_TIMEOUT:-1200}
LOG=$REPO/build/fresh-machine.log
REV=$(git rev-parse HEAD)
mkdir -p "$CACHE/archives/partial" build
: >"$LOG"

ROOT=""
PID=""
TMPF=""
T0=$(date +%s)
now() { echo $(($(date +%s) - T0)); }

# Every mount below the root, deepest first (a prefix sorts before its
# extensions, so a reverse sort puts children before their parents).
mounts_below() {
	awk -v r="$ROOT/" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

cleanup() {
	rc=$?
	set +e
	trap - EXIT INT TERM HUP
	if [ -n "$PID" ]; then
		# `make run` and the server run in their own process group ($PID)
		kill -TERM "-$PID" 2>/dev/null
		wait "$PID" 2>/dev/null # the leader first: as a zombie it would still count below
		i=0
		while kill -0 "-$PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
		kill -KILL "-$PID" 2>/dev/null
	fi
	if [ -n "$ROOT" ] && [ -d "$ROOT" ]; then
		for m in $(mounts_below); do
			umount "$m" 2>/dev/null || umount -l "$m"
		done
		if [ -n "$(mounts_below)" ]; then
			echo "fresh-machine: 失败: 仍有挂载点未卸载,未删除 $ROOT:" >&2
			mounts_below >&2
			rc=1
		else
			rm -rf --one-file-system "$ROOT"
		fi
	fi
	[ -n "$TMPF" ] && rm -f "$TMPF"
	say "清理完毕,共用时 $(now) 秒"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "fresh-machine: 已中断" >&2; exit 130' INT
trap 'echo "fresh-machine: 已中断" >&2; exit 143' TERM
trap 'echo "fresh-machine: 已中断" >&2; exit 129' HUP

# one run at a time per cache (apt locks the archive folder anyway)
exec 9>"$CACHE/lock"
flock -w 1800 9 || fail "另一次全新系统检查仍在运行($CACHE/lock)"

[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	say "注意: 工作区有未提交的改动,检查的是已提交的 $REV"

# --- the host's apt sources and Acquire settings ---
set --
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && grep -q '^[[:space:]]*[^#[:space:]]' "$f" && set -- "$@" "$f"
done
[ $# -gt 0 ] || fail "本机没有可用的 apt 软件源(/etc/apt/sources.list、/etc/apt/sources.list.d/)"
TMPF=$(mktemp /tmp/zhifa-fresh-apt.XXXXXX)
apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|Retries|(https?|ftp)::Proxy)' >"$TMPF" || true

# --- 1. the bare root ---
ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/zhifa-fresh.XXXXXX")
say "用 mmdebstrap 建立全新的 Debian 12 根目录 $ROOT ..."
t=$(now)
mmdebstrap --quiet --variant=apt --include=make,git,ca-certificates \
	--aptopt="$TMPF" --skip=essential/unlink \
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
	--setup-hook="sync-in $CACHE/archives /var/cache/apt/archives/" \
	--customize-hook="sync-out /var/cache/apt/archives $CACHE/archives" \
	bookworm "$ROOT" "$@" >>"$LOG" 2>&1 ||
	{ tail -n 30 "$LOG" >&2; fail "mmdebstrap 未能建立根目录(日志: $LOG)"; }
T_ROOT=$(($(now) - t))
say "根目录已建立(${T_ROOT} 秒)"

# --- 2. the committed checkout ---
git clone -q --no-hardlinks "$REPO" "$ROOT/root/zhifa"
git -C "$ROOT/root/zhifa" checkout -q --detach "$REV"
say "已复制提交 $(git rev-parse --short "$REV") 到 /root/zhifa"

# --- 3. make run inside the root ---
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind "$CACHE/archives" "$ROOT/var/cache/apt/archives"

port_free() { # nothing answers on 127.0.0.1:$1 (curl: 7 = could not connect)
	rc=0
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/" || rc=$?
	[ "$rc" = 7 ]
}
PORT=8080
LISTEN=""
if ! port_free $PORT; then
	PORT=18480
	while ! port_free $PORT; do
		PORT=$((PORT + 1))
		[ $PORT -lt 18600 ] || fail "找不到空闲端口(8080 与 18480-18599 都被占用)"
	done
	LISTEN="ZHIFA_LISTEN=127.0.0.1:$PORT"
	say "8080 端口已被占用,改用 $PORT(ZHIFA_LISTEN)"
fi

say "在根目录中以 root 运行 make run(日志: $LOG)..."
t=$(now)
# a clean login environment, as on a new machine (the host's proxy variables pass)
setsid chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
	${no_proxy:+no_proxy=$no_proxy} $LISTEN \
	sh -c 'cd /root/zhifa && exec make run' >>"$LOG" 2>&1 </dev/null &
PID=$!

served=""
while [ "$(($(now) - t))" -lt "$TIMEOUT" ]; do
	if ! kill -0 "$PID" 2>/dev/null; then
		st=0
		wait "$PID" || st=$?
		PID=""
		tail -n 40 "$LOG" >&2
		miss=$(sed -n 's/.*cannot find \(-l[^ :]*\).*/\1/p; s/.*fatal error: \([^:]*\): No such file.*/\1/p' "$LOG" |
			sort -u | tr '\n' ' ')
		[ -z "$miss" ] || echo "fresh-machine: 构建找不到 $miss(提供它的 -dev 软件包没有安装)" >&2
		fail "make run 在服务启动前就退出了(状态 $st):很可能 scripts/deps.sh 的 RUN_PKGS 缺少软件包(日志: $LOG)"
	fi
	code=$(curl -s -o "$ROOT/tmp/home.html" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/" 2>/dev/null) || code=000
	if [ "$code" = 200 ]; then
		grep -q '<title>[^<]*行政执法公示平台</title>' "$ROOT/tmp/home.html" ||
			fail "127.0.0.1:$PORT/ 回答了 200,但不是门户首页(标题不对)"
		served=yes
		break
	fi
	sleep 1
done
[ -n "$served" ] || fail "make run 在 $TIMEOUT 秒内没有在 127.0.0.1:$PORT 提供门户首页(日志: $LOG)"
T_RUN=$(($(now) - t))
say "全新的 Debian 12 上 make run 在 ${T_RUN} 秒后于 127.0.0.1:$PORT 提供了门户首页"

# stop the server before the list is checked and the root removed
kill -TERM "-$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
PID=""

# --- 4. the list names every package the link needs, directly ---
cat >"$ROOT/tmp/fresh-deps-check.sh" <<'CHECK'
# Run inside the root, in /root/zhifa, after `make run` built ./zhifa: every
# pkg-config module of the Makefile's PKGS and every -l library the link
# uses must come from a package that scripts/deps.sh names in RUN_PKGS (or
# from build-essential itself, e.g. libc6-dev for -lm).  Named directly: a
# package that is only pulled in by another one may stop coming along.
set -eu
named=" $(scripts/deps.sh list | tr '\n' ' ') $(dpkg-query -W -f='${Depends}' build-essential |
	sed 's/([^)]*)//g' | tr ',|' '  ') "
mk() { make -s --no-print-directory --eval "fresh-print: ; @echo $1" fresh-print; }
pkgs=$(mk '$(PKGS)')
libs=$(mk '$(LDLIBS)')
owner() { # the package that installed file $1
	p=$(dpkg -S "$1" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$p" ] || p=$(dpkg -S "$(readlink -f "$1")" 2>/dev/null | head -n 1 | cut -d: -f1)
	echo "$p"
}
bad=/tmp/fresh-deps-missing
: >"$bad"
need() { # package what
	if [ -z "$1" ]; then
		echo "没有软件包提供 $2" >>"$bad"
	else
		case "$named" in
		*" $1 "*) echo "  $2: $1" ;;
		*) echo "scripts/deps.sh 的 RUN_PKGS 没有列出 $1(它提供 $2)" >>"$bad" ;;
		esac
	fi
}
pkg-config --print-errors --exists $pkgs || { echo "pkg-config 找不到 Makefile 的 PKGS 中的模块" >&2; exit 1; }
for m in $pkgs; do
	need "$(owner "$(pkg-config --path "$m")")" "$m.pc"
done
for l in $libs; do
	case "$l" in -l*) ;; *) continue ;; esac
	f=$(gcc -print-file-name="lib${l#-l}.so")
	case "$f" in /*) need "$(owner "$(realpath -s "$f")")" "$l" ;; *) need "" "$l" ;; esac
done
[ ! -s "$bad" ] || { sort -u "$bad" >&2; exit 1; }
CHECK
say "检查 scripts/deps.sh 是否直接列出了链接所需的每个软件包:"
chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	sh -c 'cd /root/zhifa && sh /tmp/fresh-deps-check.sh' ||
	fail "依赖清单不完整:上面列出的软件包只是碰巧被别的软件包带进来,或根本没有安装"
say "依赖清单完整"
say "通过。用时: 建根目录 ${T_ROOT} 秒, make run 到服务可用 ${T_RUN} 秒, 到此共 $(now) 秒"
# drop archives no longer downloadable, so the cache does not grow forever
chroot "$ROOT" apt-get -qq autoclean >>"$LOG" 2>&1 || true
exit 0
