/*
 * statutory.c - statutory holidays from the rules file and liblunar-date
 * (see statutory.h).
 *
 * The rules file is parsed once per process (pthread_once).  One
 * liblunar-date object serves the process (created on first use, never
 * freed: the library's own free leaves part of each object behind); its
 * use is serialised by a mutex because it keeps no promise about
 * concurrent use.
 *
 * The solar term: liblunar-date names solar terms only through
 * lunar_date_get_holiday(), whose text depends on the process's locale
 * (gettext).  The term's text is therefore taken from a reference day on
 * which the term is known to fall - 清明 on 2026-04-05, the day the
 * 《国务院办公厅关于2026年部分节假日安排的通知》 gives for 清明节 - and
 * the term of another year is the one day in early April whose holiday
 * text contains the same text.
 */
#include "core/core.h"
#include "calendar/statutory.h"
#include "core/embedded.h"
#include <jansson.h>
#include <lunar-date/lunar-date.h>
#include <pthread.h>

enum hkind { H_SOLAR, H_LUNAR, H_TERM };

struct hrule {
	enum hkind kind;
	int month, day, offset, days;
	int32_t from, until;         /* day numbers; until INT32_MAX if open */
	struct statutory_rule shown;
};

static struct hrule *rules;
static struct statutory_rule *shown;
static size_t nrules;
static int first_year;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lunar_lock = PTHREAD_MUTEX_INITIALIZER;
static LunarDate *the_lunar; /* guarded by lunar_lock */

static void copy_str(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/* Parse the rules file; on any problem leave nrules 0 (nothing provisional
 * can then be computed, and callers report the missing year as before). */
static void load_rules(void)
{
	const struct embedded_file *f = embedded_find("data/statutory-holidays.json");
	if (!f)
		return;
	json_error_t je;
	json_t *root = json_loadb((const char *)f->data, f->len, 0, &je);
	json_t *sets = root ? json_object_get(root, "sets") : NULL;
	if (!json_is_array(sets)) {
		json_decref(root);
		return;
	}
	size_t cap = 0, n = 0;
	struct hrule *rs = NULL;
	size_t i;
	json_t *set;
	bool bad = false;
	json_array_foreach(sets, i, set) {
		const char *from = json_string_value(json_object_get(set, "from"));
		const char *until = json_string_value(json_object_get(set, "until"));
		const char *basis = json_string_value(json_object_get(set, "basis"));
		int32_t f0, u0 = INT32_MAX;
		if (!from || cal_date_parse(from, &f0) < 0 || (until && cal_date_parse(until, &u0) < 0) || !basis) {
			bad = true;
			break;
		}
		size_t j;
		json_t *h;
		json_array_foreach(json_object_get(set, "holidays"), j, h) {
			const char *kind = json_string_value(json_object_get(h, "kind"));
			struct hrule r = { .from = f0, .until = u0 };
			r.month = (int)json_integer_value(json_object_get(h, "month"));
			r.day = (int)json_integer_value(json_object_get(h, "day"));
			r.offset = (int)json_integer_value(json_object_get(h, "offset"));
			r.days = (int)json_integer_value(json_object_get(h, "days"));
			if (str_eq(kind, "solar"))
				r.kind = H_SOLAR;
			else if (str_eq(kind, "lunar"))
				r.kind = H_LUNAR;
			else if (str_eq(kind, "term") && str_eq(json_string_value(json_object_get(h, "term")), "清明"))
				r.kind = H_TERM;
			else
				bad = true;
			if (r.days < 1 || r.days > 7 || r.offset < -3 || r.offset > 3 ||
			    (r.kind != H_TERM && (r.month < 1 || r.month > 12 || r.day < 1 || r.day > 30)))
				bad = true;
			if (bad)
				break;
			copy_str(r.shown.from, sizeof(r.shown.from), from);
			copy_str(r.shown.until, sizeof(r.shown.until), until);
			copy_str(r.shown.name, sizeof(r.shown.name), json_string_value(json_object_get(h, "name")));
			copy_str(r.shown.text, sizeof(r.shown.text), json_string_value(json_object_get(h, "text")));
			copy_str(r.shown.basis, sizeof(r.shown.basis), basis);
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				rs = xrealloc(rs, cap * sizeof(*rs));
			}
			rs[n++] = r;
		}
		if (bad)
			break;
	}
	json_decref(root);
	if (bad || n == 0) {
		free(rs);
		return;
	}
	int fy = 9999;
	shown = xcalloc(n, sizeof(*shown));
	for (size_t k = 0; k < n; k++) {
		int y;
		cal_civil_from_days(rs[k].from, &y, NULL, NULL);
		if (y < fy)
			fy = y;
		shown[k] = rs[k].shown;
	}
	rules = rs;
	nrules = n;
	first_year = fy;
}

int statutory_first_year(void)
{
	pthread_once(&once, load_rules);
	return nrules ? first_year : 0;
}

const struct statutory_rule *statutory_rules(size_t *n)
{
	pthread_once(&once, load_rules);
	*n = nrules;
	return shown;
}

/* The solar day of lunar year/month/day (not a leap month); -1 on failure.
 * Caller holds lunar_lock. */
static int lunar_to_day(LunarDate *ld, int year, int month, int day, int32_t *out)
{
	GError *ge = NULL;
	lunar_date_set_lunar_date(ld, (GDateYear)year, (GDateMonth)month, (GDateDay)day, 12, FALSE, &ge);
	if (ge) {
		g_error_free(ge);
		return -1;
	}
	gchar *s = lunar_date_strftime(ld, "%(year)-%(month)-%(day)");
	int y = 0, m = 0, d = 0;
	int ok = s && sscanf(s, "%d-%d-%d", &y, &m, &d) == 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
	g_free(s);
	if (!ok)
		return -1;
	*out = cal_days_from_civil(y, m, d);
	return 0;
}

/* The library's holiday text of a solar day ("" if none; caller frees). */
static gchar *holiday_text(LunarDate *ld, int32_t day)
{
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	GError *ge = NULL;
	lunar_date_set_solar_date(ld, (GDateYear)y, (GDateMonth)m, (GDateDay)d, 12, &ge);
	if (ge) {
		g_error_free(ge);
		return g_strdup("");
	}
	gchar *s = lunar_date_get_holiday(ld, "|");
	return s ? s : g_strdup("");
}

/* The day of 清明 in year: the one day of 1-10 April whose holiday text
 * contains the reference day's text.  -1 when none or more than one. */
static int qingming_day(LunarDate *ld, int year, int32_t *out)
{
	gchar *ref = holiday_text(ld, cal_days_from_civil(2026, 4, 5));
	int found = 0;
	if (ref[0]) {
		for (int d = 1; d <= 10; d++) {
			int32_t day = cal_days_from_civil(year, 4, d);
			gchar *t = holiday_text(ld, day);
			if (strstr(t, ref)) {
				found++;
				*out = day;
			}
			g_free(t);
		}
	}
	g_free(ref);
	return found == 1 ? 0 : -1;
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int statutory_year(int year, struct cal_year *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	pthread_once(&once, load_rules);
	int32_t jan1 = cal_days_from_civil(year, 1, 1), next = cal_days_from_civil(year + 1, 1, 1);
	int32_t days[64];
	int nd = 0;
	bool covered = false, failed = false;
	const char *basis = "";
	pthread_mutex_lock(&lunar_lock);
	if (!the_lunar)
		the_lunar = lunar_date_new();
	LunarDate *ld = the_lunar;
	for (size_t k = 0; k < nrules && !failed; k++) {
		const struct hrule *r = &rules[k];
		if (r->until < jan1 || r->from >= next)
			continue;
		covered = true;
		basis = r->shown.basis;
		int32_t first = 0; /* set by every branch; gcc -O1 cannot tell */
		if (r->kind == H_SOLAR)
			first = cal_days_from_civil(year, r->month, r->day);
		else if (r->kind == H_LUNAR)
			failed = lunar_to_day(ld, year, r->month, r->day, &first) < 0;
		else
			failed = qingming_day(ld, year, &first) < 0;
		if (failed)
			break;
		first += r->offset;
		for (int i = 0; i < r->days; i++) {
			int32_t d = first + i;
			if (d < jan1 || d >= next || d < r->from || d > r->until)
				continue;
			bool dup = false;
			for (int j = 0; j < nd; j++)
				dup |= days[j] == d;
			if (!dup && nd < (int)(sizeof(days) / sizeof(days[0])))
				days[nd++] = d;
		}
	}
	pthread_mutex_unlock(&lunar_lock);
	if (!covered)
		return err_set(e, ERR_CONFLICT, "date", "缺少 %d 年的节假日安排，且该年不在法定节假日规则的适用范围内，无法计算期限", year);
	if (failed)
		return err_set(e, ERR_INTERNAL, "date", "无法推算 %d 年的农历节日日期", year);
	qsort(days, (size_t)nd, sizeof(days[0]), cmp_day);
	out->year = year;
	out->nhol = nd;
	out->hol = xmalloc(sizeof(int32_t) * (size_t)(nd ? nd : 1));
	memcpy(out->hol, days, sizeof(int32_t) * (size_t)nd);
	out->nwork = 0;
	out->work = xmalloc(sizeof(int32_t));
	out->source = xasprintf("暂定：%d 年节假日安排尚未载入，按%s推算（不含调休）", year, basis);
	return 0;
}
