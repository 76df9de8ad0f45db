/*
 * rules.c - the rules of 事后公开 as data (src/assets/data/disclosure_rules.json):
 * the fields of each kind, the exclusions with their basis, the publicity
 * periods and the reasons of a withdrawal.
 */
#include "core/core.h"
#include "core/embedded.h"
#include "calendar/calendar.h"
#include "core/dict.h"
#include "disclosure/disclosure_int.h"
#include <pthread.h>

static json_t *rules;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const kinds[] = { "penalty", "licence", "coercion", "inspection", "other" };
/* where a field's value comes from (fields.c resolves each) */
static const char *const sources[] = { "party.name",	"party.kind_label", "party.uscc",	  "party.legal_rep",
				       "doc.number",	"doc.type_name",    "doc.facts",	  "doc.basis",
				       "doc.measures",	"doc.penalty",	    "doc.fine_wan",	  "doc.confiscation_wan",
				       "doc.licence_measures", "doc.content", "doc.validity",	  "doc.certificate_name",
				       "doc.certificate_no", "doc.conclusion", "case.cause",	  "case.matter",
				       "decision_date", "period_ends_on",   "body.name",	  "body.code" };

static bool in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(s, list[i]))
			return true;
	return false;
}

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void fields_check(const char *kind, const json_t *list, struct errs *all)
{
	if (!json_is_array(list) || json_array_size(list) == 0) {
		errs_add(all, ERR_INVALID, "fields", "公示字段「%s」应为非空列表", kind);
		return;
	}
	size_t i;
	const json_t *f;
	json_array_foreach(list, i, f) {
		if (str_empty(js(f, "key")) || str_empty(js(f, "name")))
			errs_add(all, ERR_INVALID, "fields", "公示字段「%s」第%zu项缺少代码或名称", kind, i + 1);
		if (!in(js(f, "from"), sources, ARRAY_SIZE(sources)))
			errs_add(all, ERR_INVALID, "fields", "公示字段「%s」第%zu项的来源「%s」未知", kind, i + 1, js(f, "from"));
		for (size_t j = 0; j < i; j++)
			if (str_eq(js(json_array_get(list, j), "key"), js(f, "key")))
				errs_add(all, ERR_INVALID, "fields", "公示字段「%s」的代码「%s」重复", kind, js(f, "key"));
	}
}

int disclosure_rules_validate(const json_t *r, struct errs *all)
{
	size_t before = all->n;
	if (!json_is_object(r))
		return errs_add(all, ERR_INVALID, "rules", "公示规则应为 JSON 对象");
	const json_t *fields = json_object_get(r, "fields");
	fields_check("penalty", json_object_get(fields, "penalty"), all);
	fields_check("licence", json_object_get(fields, "licence"), all);
	fields_check("other", json_object_get(fields, "other"), all);
	const json_t *ex = json_object_get(r, "exclusions");
	if (!json_is_array(ex) || json_array_size(ex) == 0)
		errs_add(all, ERR_INVALID, "exclusions", "不予公开的情形应为非空列表");
	size_t i;
	const json_t *x;
	json_array_foreach(ex, i, x) {
		if (str_empty(js(x, "code")) || str_empty(js(x, "name")))
			errs_add(all, ERR_INVALID, "exclusions", "不予公开的情形第%zu项缺少代码或名称", i + 1);
		if (str_empty(js(x, "basis")))
			errs_add(all, ERR_INVALID, "exclusions", "不予公开的情形「%s」缺少依据", js(x, "name"));
	}
	const json_t *pe = json_object_get(r, "periods");
	if (!json_is_object(pe) || str_empty(js(pe, "source")))
		errs_add(all, ERR_INVALID, "periods", "公示期限规则应写明来源");
	const json_t *pp = json_object_get(pe, "penalty");
	if (!json_is_integer(json_object_get(pp, "months")) || json_integer_value(json_object_get(pp, "months")) < 1)
		errs_add(all, ERR_INVALID, "periods", "行政处罚的公示期限（月）应为正整数");
	const json_t *wr = json_object_get(r, "withdraw_reasons");
	if (!json_is_array(wr) || json_array_size(wr) == 0)
		errs_add(all, ERR_INVALID, "withdraw_reasons", "撤下的原因应为非空列表");
	json_array_foreach(wr, i, x)
		if (str_empty(js(x, "code")) || str_empty(js(x, "basis")))
			errs_add(all, ERR_INVALID, "withdraw_reasons", "撤下的原因第%zu项缺少代码或依据", i + 1);
	return all->n > before ? -1 : 0;
}

static void load(void)
{
	const struct embedded_file *f = embedded_find("data/disclosure_rules.json");
	json_error_t je;
	json_t *r = f ? json_loadb((const char *)f->data, f->len, 0, &je) : NULL;
	struct errs all = ERRS_INIT;
	if (!r || disclosure_rules_validate(r, &all) < 0) {
		log_warn("disclosure: 公示规则无效：%s", all.n ? all.v[0].msg : (f ? je.text : "缺少文件"));
		json_decref(r);
		r = NULL;
	}
	errs_release(&all);
	rules = r;
}

const json_t *disclosure_rules(void)
{
	pthread_once(&once, load);
	return rules;
}

const json_t *dsc_rules_fields(const char *kind)
{
	const json_t *f = json_object_get(disclosure_rules(), "fields");
	if (str_eq(kind, "penalty") || str_eq(kind, "licence"))
		return json_object_get(f, kind);
	return json_object_get(f, "other"); /* the seed's five */
}

const json_t *dsc_rules_exclusion(const char *code)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(disclosure_rules(), "exclusions"), i, x)
		if (!str_empty(code) && str_eq(js(x, "code"), code))
			return x;
	return NULL;
}

bool dsc_withdraw_reason_ok(const char *reason)
{
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(disclosure_rules(), "withdraw_reasons"), i, x)
		if (!str_empty(reason) && str_eq(js(x, "code"), reason))
			return true;
	return false;
}

/* Whether every measure is one of only (and there is at least one). */
bool dsc_measures_only(const json_t *measures, const json_t *only)
{
	if (!json_is_array(measures) || json_array_size(measures) == 0)
		return false;
	size_t i, j;
	const json_t *m, *o;
	json_array_foreach(measures, i, m) {
		bool found = false;
		json_array_foreach(only, j, o)
			found = found || str_eq(json_string_value(m), json_string_value(o));
		if (!found)
			return false;
	}
	return true;
}

/* date + months, the day clamped to the month's end (2026-08-31 + 6 = 2027-02-28). */
static void add_months(const char *date, long long months, char out[11])
{
	int32_t day;
	out[0] = '\0';
	if (cal_date_parse(date, &day) < 0)
		return;
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	long long total = (long long)y * 12 + (m - 1) + months;
	y = (int)(total / 12);
	m = (int)(total % 12) + 1;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > last)
		d = last;
	cal_date_format(cal_days_from_civil(y, m, d), out);
}

void disclosure_period_end(const char *kind, const json_t *measures, const char *date, const char *ban_until,
			   char out[11])
{
	out[0] = '\0';
	const json_t *pe = json_object_get(disclosure_rules(), "periods");
	if (!in(kind, kinds, ARRAY_SIZE(kinds)) || !str_eq(kind, "penalty"))
		return; /* only penalties have a period in the rules (licence, coercion, other: null) */
	const json_t *light = json_object_get(pe, "penalty_light");
	long long months = json_integer_value(json_object_get(json_object_get(pe, "penalty"), "months"));
	if (dsc_measures_only(measures, json_object_get(light, "measures_only")))
		months = json_integer_value(json_object_get(light, "months"));
	add_months(date, months, out);
	/* the longer period when a 限制从业 lasts longer */
	const char *longer = js(pe, "longer_measure");
	bool has = false;
	size_t i;
	const json_t *m;
	json_array_foreach(measures, i, m)
		has = has || str_eq(json_string_value(m), longer);
	int32_t a, b;
	if (has && ban_until && cal_date_parse(ban_until, &b) == 0 && cal_date_parse(out, &a) == 0 && b > a)
		cal_date_format(b, out);
}

const char *disclosure_state_label(const char *state)
{
	return dict_label("publication_state", state);
}

const char *disclosure_kind_label(const char *kind)
{
	return str_eq(kind, "penalty")	  ? "行政处罚"
	       : str_eq(kind, "licence")  ? "行政许可"
	       : str_eq(kind, "coercion") ? "行政强制"
	       : str_eq(kind, "inspection") ? "行政检查"
					    : "其他执法决定";
}
