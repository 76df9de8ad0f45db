#!/bin/sh
# check-layers.sh [ROOT] - the include directions of src/, checked against
# the table between <!-- layers:begin --> and <!-- layers:end --> in
# ROOT/docs/architecture.md (ROOT defaults to the repository).
#
# Fails (exit 1, one Chinese line per problem, file:line) when
#   - a file in src/DIR/ includes "OTHER/..." and OTHER is neither DIR nor
#     listed as allowed for DIR (a layer above or beside its own);
#   - a folder of src/ holding C files has no row in the table;
#   - a file in src/pages/ runs SQL itself (db_query, db_exec, db_scalar_*,
#     db_begin/commit/rollback): pages call domain functions;
#   - a file in src/pages/ includes http/html_body.h or calls one of its
#     functions (h_trusted_markup, html_new, html_bytes...): the page body
#     is written through h_* only, and raw markup only as a literal.
# Prints "层次检查通过" and exits 0 otherwise.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
table="$root/docs/architecture.md"
[ -f "$table" ] || { echo "层次检查：找不到 $table" >&2; exit 1; }
rules=$(awk '/<!-- layers:begin -->/{on=1; next} /<!-- layers:end -->/{on=0}
	on && /^\|/ && !/^\| *folder/ && !/^\| *---/ {
		gsub(/^\| */, ""); gsub(/ *\|$/, ""); split($0, c, / *\| */);
		printf "%s:%s\n", c[1], c[2] }' "$table")
[ -n "$rules" ] || { echo "层次检查：$table 中没有层次表" >&2; exit 1; }
bad=0
cd "$root" || exit 1
for f in $(find src -name '*.[ch]' | sort); do
	rel=${f#src/}
	case "$rel" in
	*/*) dir=${rel%%/*} ;;
	*) dir=$rel ;;
	esac
	allowed=$(printf '%s\n' "$rules" | awk -F: -v d="$dir" '$1 == d { print $2; found = 1 } END { if (!found) print "?" }')
	if [ "$allowed" = "?" ]; then
		echo "$f: 目录 src/$dir 不在 docs/architecture.md 的层次表中"
		bad=$((bad + 1))
		continue
	fi
	out=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z_]*/' "$f" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s' "$line" | sed 's/.*include[[:space:]]*"\([a-z_]*\)\/.*/\1/')
		[ "$inc" = "$dir" ] && continue
		case " $allowed " in
		*" $inc "*) ;;
		*) echo "$f:$n: src/$dir 不得包含 $inc/ 的头文件（允许：${allowed:-无}）" ;;
		esac
	done)
	if [ -n "$out" ]; then
		printf '%s\n' "$out"
		bad=$((bad + $(printf '%s\n' "$out" | wc -l)))
	fi
	if [ "$dir" = pages ]; then
		sql=$(grep -nE '\bdb_(query|query_a|exec|scalar_int|scalar_text|begin|commit|rollback)[[:space:]]*\(' "$f")
		if [ -n "$sql" ]; then
			printf '%s\n' "$sql" | sed "s|^|$f:|; s|$|  ← 页面不得直接执行 SQL，请调用领域模块的函数|"
			bad=$((bad + $(printf '%s\n' "$sql" | wc -l)))
		fi
		raw=$(grep -nE 'include[[:space:]]*"http/html_body\.h"|\b(h_trusted_markup|html_(new|free|reset|bytes|detach|set_bytes))[[:space:]]*\(' "$f")
		if [ -n "$raw" ]; then
			printf '%s\n' "$raw" | sed "s|^|$f:|; s|$|  ← 页面只能用 h_printf 写出内容、用 h_raw 写出字面量标记，不得使用 http/html_body.h|"
			bad=$((bad + $(printf '%s\n' "$raw" | wc -l)))
		fi
	fi
done
if [ "$bad" -gt 0 ]; then
	echo "层次检查未通过：$bad 处问题（方向见 docs/architecture.md）"
	exit 1
fi
echo "层次检查通过"
