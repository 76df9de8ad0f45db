#!/bin/sh
# test_output_types.sh - the output discipline of http/html.h holds at
# compile time: a page that passes a variable to h_raw, or applies buf_* to
# the page body, does not compile; the same page with a literal and h_printf
# does (so the failures are the checks, not a broken harness).  TAP.
set -u
cd "$(dirname "$0")/../.." || exit 1
cc=${CC:-cc}
cflags="-std=c17 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -fsyntax-only"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d /tmp/zhifa-types.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
head='#include "core/core.h"
#include "http/http.h"
#include "http/html.h"'

compiles() { printf '%s\n%s\n' "$head" "$2" > "$tmp/$1.c"; LC_ALL=C $cc $cflags "$tmp/$1.c" > "$tmp/$1.log" 2>&1; }

compiles good 'void page(struct req *r, const char *name);
void page(struct req *r, const char *name)
{
	h_raw(r->out, "<p>" "固定</p>");
	h_printf(r->out, "<p>%s</p>", name);
}'
rc=$?
ok $rc "a page writing a literal with h_raw and a value with h_printf compiles"
[ $rc = 0 ] || sed 's/^/# /' "$tmp/good.log"

compiles var 'void page(struct req *r, const char *name);
void page(struct req *r, const char *name)
{
	h_raw(r->out, name);
}'
[ $? != 0 ] && grep -Eq "(in definition of|expanded from) macro .h_raw" "$tmp/var.log"
ok $? "h_raw with a variable does not compile (the macro refuses it)"

compiles tern 'void page(struct req *r, bool on);
void page(struct req *r, bool on)
{
	h_raw(r->out, on ? "<b>" : "<i>");
}'
[ $? != 0 ] && grep -Eq "(in definition of|expanded from) macro .h_raw" "$tmp/tern.log"
ok $? "h_raw with a ternary of literals does not compile"

compiles bufputs 'void page(struct req *r, const char *name);
void page(struct req *r, const char *name)
{
	buf_puts(r->out, name);
}'
[ $? != 0 ] && grep -q "incompatible pointer type" "$tmp/bufputs.log"
ok $? "buf_puts on the page body does not compile"

compiles peek 'void page(struct req *r, const char *name);
void page(struct req *r, const char *name)
{
	buf_puts(&r->out->b, name);
}'
[ $? != 0 ] && grep -Eq "(undefined|incomplete definition of) type .struct html" "$tmp/peek.log"
ok $? "the page body is opaque: its buffer cannot be reached"

compiles door 'void page(struct req *r, const char *name);
void page(struct req *r, const char *name)
{
	h_trusted_markup(r->out, name);
}'
[ $? != 0 ]
ok $? "without http/html_body.h a page cannot call h_trusted_markup"
echo "1..$n"
exit $fail
