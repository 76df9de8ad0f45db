/*
 * classify.c - whether a decision is major, by a catalogue definition
 * (review.h): every rule whose conditions all hold gives one reason.
 * Amounts are compared in fen (integers): no rounding at a boundary.
 */
#include "core/core.h"
#include "review/review.h"
#include "review/review_int.h"
#include <math.h>

#define AMOUNT_MAX_YUAN 10000000000LL /* 100 亿元 */

static const char *party_kind_name(const char *k)
{
	if (str_eq(k, "person"))
		return "公民";
	if (str_eq(k, "org"))
		return "组织";
	if (str_eq(k, "individual_business"))
		return "个体工商户";
	return "";
}

/* An amount member in fen: 0 when absent; -1 after err when not a number
 * >= 0 with at most two decimals (or too large). */
static long long amount_fen(const json_t *in, const char *key, struct err *e)
{
	const json_t *v = json_object_get(in, key);
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n >= 0 && n <= AMOUNT_MAX_YUAN)
			return (long long)n * 100;
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d >= 0 && d <= (double)AMOUNT_MAX_YUAN) {
			/* a decimal with two places is, times 100, an integer up
			 * to the rounding of binary fractions (a few ulp): 9999.99
			 * is 999999 fen, 9999.995 is refused, never rounded up */
			double f = d * 100.0, r = round(f);
			double tol = fmax(1e-6, 8 * (nextafter(r, INFINITY) - r));
			if (fabs(f - r) <= tol)
				return (long long)r;
			err_set(e, ERR_INVALID, key, "金额最多保留两位小数（元）");
			return -1;
		}
	}
	err_set(e, ERR_INVALID, key, "金额应为 0 至 100 亿之间的数（元）");
	return -1;
}

/* 1234567 fen -> "12,345.67"; whole yuan without decimals. */
static void yuan_text(long long fen, char *out, size_t cap)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", fen / 100);
	size_t n = strlen(digits), w = 0;
	for (size_t i = 0; i < n && w + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[w++] = ',';
		out[w++] = digits[i];
	}
	out[w] = 0;
	if (fen % 100 && w + 4 < cap)
		snprintf(out + w, cap - w, ".%02lld", fen % 100);
}

/* A string array member whose every element is in allowed (a JSON array);
 * NULL member = empty.  -1 after err naming the member and the value. */
static int names_ok(const json_t *in, const char *key, const json_t *allowed, const char *what, struct err *e)
{
	const json_t *v = json_object_get(in, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > 32)
		return err_set(e, ERR_INVALID, key, "%s应为名称的数组（至多 32 项）", what);
	size_t i;
	const json_t *x;
	json_array_foreach(v, i, x) {
		if (!json_is_string(x))
			return err_set(e, ERR_INVALID, key, "%s应为名称（字符串）", what);
		if (!rv_has_string(allowed, json_string_value(x)))
			return err_set(e, ERR_INVALID, key, "「%.60s」不是本目录中的%s", json_string_value(x), what);
	}
	return 0;
}

static int bool_member(const json_t *in, const char *key, bool *out, struct err *e)
{
	const json_t *v = json_object_get(in, key);
	*out = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return err_set(e, ERR_INVALID, key, "应为 true 或 false");
	*out = json_is_true(v);
	return 0;
}

/* Does one rule match?  On a match the reason goes to reason. */
static bool rule_matches(const json_t *def, const json_t *rule, const json_t *in, const char *procedure,
			 const char *party_kind, long long fine, long long conf, bool hearing, bool site,
			 struct buf *reason)
{
	if (!str_eq(json_string_value(json_object_get(rule, "procedure")), procedure))
		return false;
	struct buf b;
	buf_init(&b, 0);
	bool ok = true;
	const json_t *kinds = json_object_get(rule, "party_kinds");
	const char *amount = json_string_value(json_object_get(rule, "amount"));
	if (kinds && !rv_has_string(kinds, party_kind ? party_kind : ""))
		ok = false;
	if (ok && amount) {
		long long have = str_eq(amount, "fine_yuan") ? fine : conf;
		long long limit = (long long)json_integer_value(json_object_get(rule, "threshold_yuan")) * 100;
		bool strict = str_eq(json_string_value(json_object_get(rule, "op")), ">");
		if (strict ? have > limit : have >= limit) {
			char h[40], l[40];
			yuan_text(have, h, sizeof h);
			yuan_text(limit, l, sizeof l);
			/* the party kind of the threshold: the one the decision has
			 * (a rule may cover several kinds) */
			buf_printf(&b, "%s %s 元 %s %s %s 元", str_eq(amount, "fine_yuan") ? "罚款" : "没收金额", h,
				   strict ? ">" : "≥", kinds ? party_kind_name(party_kind) : "", l);
		} else {
			ok = false;
		}
	}
	const json_t *any = json_object_get(rule, "measures_any");
	if (ok && any) {
		const json_t *have = json_object_get(in, "measures");
		bool found = false;
		size_t i;
		const json_t *x;
		json_array_foreach(any, i, x) {
			if (rv_has_string(have, json_string_value(x))) {
				if (!found)
					buf_printf(&b, "%s决定含「%s」", b.len ? "，" : "", json_string_value(x));
				else
					buf_printf(&b, "、「%s」", json_string_value(x));
				found = true;
			}
		}
		ok = found;
	}
	if (ok && json_is_true(json_object_get(rule, "hearing_held"))) {
		ok = hearing;
		if (ok)
			buf_printf(&b, "%s经过听证程序", b.len ? "，" : "");
	}
	if (ok && json_is_true(json_object_get(rule, "site"))) {
		ok = site;
		if (ok)
			buf_printf(&b, "%s对象为生产经营场所", b.len ? "，" : "");
	}
	const json_t *flags = json_object_get(rule, "flags_any");
	if (ok && flags) {
		const json_t *have = json_object_get(in, "flags");
		const json_t *names = json_object_get(def, "flag_names");
		bool found = false;
		size_t i;
		const json_t *x;
		json_array_foreach(flags, i, x) {
			const char *f = json_string_value(x);
			if (!rv_has_string(have, f))
				continue;
			const char *name = json_string_value(json_object_get(names, f));
			buf_printf(&b, "%s%s", found || b.len ? "；" : "", name ? name : f);
			found = true;
		}
		ok = found;
	}
	if (ok)
		buf_puts(reason, buf_str(&b));
	buf_release(&b);
	return ok;
}

int review_classify(const json_t *def, const json_t *in, json_t **out, struct err *e)
{
	*out = NULL;
	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "", "请求体应为 JSON 对象");
	const char *procedure = json_string_value(json_object_get(in, "procedure"));
	if (!rv_one_of(procedure, rv_procedures, sizeof rv_procedures / sizeof *rv_procedures))
		return err_set(e, ERR_INVALID, "procedure", "决定种类（procedure）应为 penalty（行政处罚）、licence（行政许可）或 coercion（行政强制）");
	const json_t *pk = json_object_get(in, "party_kind");
	const char *party_kind = json_string_value(pk);
	if (pk && !json_is_null(pk) && !rv_one_of(party_kind, rv_party_kinds, sizeof rv_party_kinds / sizeof *rv_party_kinds))
		return err_set(e, ERR_INVALID, "party_kind", "当事人类别（party_kind）应为 person（公民）、org（法人或其他组织）或 individual_business（个体工商户）");
	if (str_eq(procedure, "penalty") && !party_kind)
		return err_set(e, ERR_INVALID, "party_kind", "行政处罚须说明当事人类别（party_kind）：数额标准因类别而不同");
	long long fine = amount_fen(in, "fine_yuan", e);
	if (fine < 0)
		return -1;
	long long conf = amount_fen(in, "confiscation_yuan", e);
	if (conf < 0)
		return -1;
	bool hearing, site;
	if (bool_member(in, "hearing_held", &hearing, e) < 0 || bool_member(in, "site", &site, e) < 0)
		return -1;
	const json_t *measures = json_object_get(json_object_get(def, "measures"), procedure);
	if (names_ok(in, "measures", measures, "处理措施", e) < 0 ||
	    names_ok(in, "flags", json_object_get(def, "flags"), "情形", e) < 0)
		return -1;
	json_t *reasons = json_array(), *rules = json_array();
	size_t i;
	const json_t *rule;
	json_array_foreach(json_object_get(def, "rules"), i, rule) {
		struct buf reason;
		buf_init(&reason, 0);
		if (rule_matches(def, rule, in, procedure, party_kind, fine, conf, hearing, site, &reason)) {
			json_array_append_new(reasons, json_string(buf_str(&reason)));
			json_array_append_new(rules, json_pack("{s:s,s:s,s:s}", "id",
							       json_string_value(json_object_get(rule, "id")), "reason",
							       buf_str(&reason), "basis",
							       json_string_value(json_object_get(rule, "basis"))));
		}
		buf_release(&reason);
	}
	*out = json_pack("{s:b,s:o,s:o}", "major", json_array_size(reasons) > 0, "reasons", reasons, "rules", rules);
	return 0;
}
