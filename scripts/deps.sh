#!/bin/sh
# deps.sh run|test - install the Debian packages zhifa needs, only those
# that are missing.  Works as root on a fresh Debian 12 (uses sudo otherwise).
# deps.sh list - print RUN_PKGS, one a line (for scripts/fresh-machine.sh).
set -eu
# RUN_PKGS must name every package that `pkg-config --libs` of the Makefile's
# PKGS needs, even when another -dev package would seem to bring it along:
# libxlsxwriter-dev's .pc names -lz but does not depend on zlib1g-dev.
# scripts/fresh-machine.sh checks this list on a bare Debian 12 root.
RUN_PKGS="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libpq-dev
libjansson-dev libssl-dev libsodium-dev libqrencode-dev libxlsxwriter-dev zlib1g-dev
libcurl4-openssl-dev libmagic-dev liblunar-date-dev libglib2.0-dev fonts-noto-cjk
libcairo2-dev libpango1.0-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev libarchive-dev"
TEST_PKGS="$RUN_PKGS postgresql sqlite3 curl python3 perl tidy wrk nginx-light chromium
libclang-rt-14-dev clang mmdebstrap strace valgrind poppler-utils"
case "${1:-run}" in
run) want=$RUN_PKGS ;;
test) want=$TEST_PKGS ;;
list) printf '%s\n' $RUN_PKGS; exit 0 ;;
*) echo "usage: deps.sh run|test|list" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm (for Playwright and s3rver): any installed version will do
# (this machine kind may ship them outside Debian's packages).
if [ "${1:-run}" = test ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	echo "安装缺少的软件包:$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
if [ "${1:-run}" = test ] && [ ! -d tests/browser/node_modules/playwright-core ]; then
	(cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
exit 0
