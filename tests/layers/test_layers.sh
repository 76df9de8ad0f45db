#!/bin/sh
# test_layers.sh - scripts/check-layers.sh passes on the tree, and fails,
# naming the file and line, when a domain file includes http/, when a
# calendar file includes people/ (beside/above), when a page runs SQL,
# when a page reaches the http layer's side of the page body
# (http/html_body.h, h_trusted_markup), and when a folder has no row in the
# table; and the compile-time output checks (test_output_types.sh) hold.
# TAP on stdout.
set -u
cd "$(dirname "$0")/../.." || exit 1
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
out=$(scripts/check-layers.sh 2>&1); rc=$?
ok $rc "the tree keeps its layers"
[ $rc = 0 ] || printf '%s\n' "$out" | sed 's/^/# /'

tmp=$(mktemp -d /tmp/zhifa-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fresh() { rm -rf "$tmp/t"; mkdir -p "$tmp/t"; cp -r src docs "$tmp/t/"; }

fresh
printf '#include "http/http.h"\n' >> "$tmp/t/src/publicity/items.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q 'src/publicity/items.c:[0-9]*: src/publicity 不得包含 http/'
ok $? "a domain file including http/ fails, naming file and line"

fresh
printf '#include "people/people.h"\n' >> "$tmp/t/src/calendar/deadline.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q 'src/calendar/deadline.c:[0-9]*: src/calendar 不得包含 people/'
ok $? "the calendar reaching into people/ fails"

fresh
printf 'static void f(struct db *db) { db_exec(db, "DELETE FROM units"); }\n' >> "$tmp/t/src/pages/portal.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q 'src/pages/portal.c:[0-9]*:.*页面不得直接执行 SQL'
ok $? "a page running SQL fails"

fresh
printf '#include "http/html_body.h"\n' >> "$tmp/t/src/pages/portal.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q 'src/pages/portal.c:[0-9]*:.*不得使用 http/html_body.h'
ok $? "a page including http/html_body.h fails"

fresh
printf 'static void f(struct req *r, const char *s) { h_trusted_markup(r->out, s); }\n' >> "$tmp/t/src/pages/basic.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q 'src/pages/basic.c:[0-9]*:.*h_trusted_markup'
ok $? "a page calling h_trusted_markup fails"

out=$(sh tests/layers/test_output_types.sh 2>&1); rc=$?
ok $rc "the output discipline is checked by the compiler (test_output_types.sh)"
printf '%s\n' "$out" | sed 's/^/# /'

fresh
mkdir -p "$tmp/t/src/newthing" && printf '#include "core/core.h"\n' > "$tmp/t/src/newthing/a.c"
out=$(scripts/check-layers.sh "$tmp/t" 2>&1); rc=$?
[ $rc != 0 ] && printf '%s' "$out" | grep -q '目录 src/newthing 不在'
ok $? "a folder without a row in the table fails"
echo "1..$n"
exit $fail
