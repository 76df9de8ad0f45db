/*
 * calendar.c - dates as day numbers, the holiday-file parser/validator and
 * the immutable working-day calendar (see calendar.h).
 *
 * Representation: the calendar covers the whole years y0..y1 (the first
 * and last loaded); day index i = day - day0.  bits has one bit per day
 * (1 = working day); cum[i] = number of working days with index < i;
 * nth[k] = index of the (k+1)-th working day; lim[i] = exclusive end index
 * of the run of contiguous loaded years containing day i, 0 when the year
 * of day i is not loaded.  Then, with k = cum[i+1] + n - 1, the n-th
 * working day after day i is nth[k], valid iff k < total and nth[k] <
 * lim[i]; otherwise the first missing year is the year of day0 + lim[i].
 */
#include "core/core.h"
#include "calendar/calendar.h"
#include "calendar/statutory.h"
#include "core/embedded.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

struct calendar {
	atomic_int refs;      /* -1: the process-wide embedded calendar */
	int y0, y1;
	int32_t day0, ndays, total;
	uint64_t *bits;
	int32_t *cum;         /* ndays + 1 */
	int32_t *nth;         /* total */
	int32_t *lim;         /* ndays */
	char **sources;       /* y1 - y0 + 1; NULL = year not loaded */
	struct calendar *prov; /* the same years plus the statutory holidays of
				  the years not loaded (statutory.h); NULL if
				  none can be computed */
};

/* ---- dates (Howard Hinnant's civil algorithms) ---- */

int32_t cal_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1);
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

void cal_civil_from_days(int32_t day, int *y, int *m, int *d)
{
	int z = day + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	const int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	const int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	if (y)
		*y = yy + (mm <= 2);
	if (m)
		*m = mm;
	if (d)
		*d = dd;
}

int cal_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)(((long long)day % 7 + 7 + 3) % 7);
	return w + 1;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int cal_date_parse(const char *s, int32_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day = cal_days_from_civil(y, m, d);
	return 0;
}

void cal_date_format(int32_t day, char out[11])
{
	int y, m, d;
	cal_civil_from_days(day, &y, &m, &d);
	unsigned uy = (unsigned)(y < 0 ? 0 : y % 10000);
	out[0] = (char)('0' + uy / 1000);
	out[1] = (char)('0' + uy / 100 % 10);
	out[2] = (char)('0' + uy / 10 % 10);
	out[3] = (char)('0' + uy % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

static int year_of(int32_t day)
{
	int y;
	cal_civil_from_days(day, &y, NULL, NULL);
	return y;
}

/* ---- sets of years ---- */

static void cal_year_release(struct cal_year *y)
{
	free(y->hol);
	free(y->work);
	free(y->source);
	memset(y, 0, sizeof(*y));
}

void cal_set_release(struct cal_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		cal_year_release(&s->years[i]);
	free(s->years);
	free(s->source);
	memset(s, 0, sizeof(*s));
}

const struct cal_year *cal_set_find(const struct cal_set *s, int year)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->years[i].year == year)
			return &s->years[i];
	return NULL;
}

static int32_t *dup_days(const int32_t *p, int n)
{
	int32_t *q = xmalloc(sizeof(int32_t) * (size_t)(n ? n : 1));
	if (n)
		memcpy(q, p, sizeof(int32_t) * (size_t)n);
	return q;
}

void cal_set_put(struct cal_set *s, const struct cal_year *y)
{
	struct cal_year copy = *y;
	copy.hol = dup_days(y->hol, y->nhol);
	copy.work = dup_days(y->work, y->nwork);
	copy.source = y->source ? xstrdup(y->source) : NULL;
	size_t pos = 0;
	while (pos < s->n && s->years[pos].year < y->year)
		pos++;
	if (pos < s->n && s->years[pos].year == y->year) {
		cal_year_release(&s->years[pos]);
		s->years[pos] = copy;
		return;
	}
	s->years = xrealloc(s->years, sizeof(*s->years) * (s->n + 1));
	memmove(&s->years[pos + 1], &s->years[pos], sizeof(*s->years) * (s->n - pos));
	s->years[pos] = copy;
	s->n++;
}

/* ---- the parser ---- */

/* Locates the strings of the document in document order: each key and
 * string value visited (in order) is searched from the cursor, so the
 * n-th occurrence of a repeated date is found at the right line. */
struct locator {
	const char *text;
	size_t len, cur;
	size_t line_pos; /* newlines before line_pos are counted in line */
	int line;
};

/* Line of the next occurrence of "s" at or after the cursor; 0 if not
 * found (then the cursor stays).  Linear in the text over all calls. */
static int locate(struct locator *l, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = l->cur; i + n + 2 <= l->len; i++) {
		if (l->text[i] != '"' || (i > 0 && l->text[i - 1] == '\\'))
			continue;
		if (memcmp(l->text + i + 1, s, n) == 0 && l->text[i + n + 1] == '"') {
			for (; l->line_pos < i; l->line_pos++)
				if (l->text[l->line_pos] == '\n')
					l->line++;
			l->cur = i + n + 2;
			return l->line;
		}
	}
	return 0;
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static const char *weekday_name(int w)
{
	static const char *names[8] = { "", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日" };
	return names[w];
}

/* Parse one list ("holidays" or "workdays") of year y into days; kinds is a
 * per-day-of-year marker (0 none, 1 holiday, 2 workday) shared by both
 * lists of the year to catch duplicates and contradictions. */
static int parse_list(json_t *arr, const char *key, int key_line, struct cal_year *y, bool workdays,
		      unsigned char kinds[367], struct locator *loc, struct err *e)
{
	if (!json_is_array(arr))
		return err_set(e, ERR_INVALID, "file", "第 %d 行: %d 年的“%s”必须是日期字符串的数组",
			       key_line, y->year, key);
	size_t n = json_array_size(arr);
	int32_t *days = xmalloc(sizeof(int32_t) * (n ? n : 1));
	int count = 0;
	int32_t jan1 = cal_days_from_civil(y->year, 1, 1);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		if (!json_is_string(v)) {
			free(days);
			return err_set(e, ERR_INVALID, "file", "第 %d 行附近: %d 年的“%s”中有一项不是日期字符串",
				       key_line, y->year, key);
		}
		const char *s = json_string_value(v);
		int line = locate(loc, s);
		int32_t d;
		int dy, dm, dd;
		const char *problem = NULL;
		char msg[300];
		if (cal_date_parse(s, &d) < 0) {
			snprintf(msg, sizeof(msg), "“%.40s”不是真实的日期(应为 YYYY-MM-DD)", s);
			problem = msg;
		} else if (cal_civil_from_days(d, &dy, &dm, &dd), dy != y->year) {
			snprintf(msg, sizeof(msg), "日期 %s 不在其所列的 %d 年内", s, y->year);
			problem = msg;
		} else if (workdays && cal_weekday(d) < 6) {
			snprintf(msg, sizeof(msg), "调休上班日 %s 是%s，不是星期六或星期日", s,
				 weekday_name(cal_weekday(d)));
			problem = msg;
		} else {
			int doy = (int)(d - jan1);
			unsigned char want = workdays ? 2 : 1;
			if (kinds[doy] == want) {
				snprintf(msg, sizeof(msg), "日期 %s 重复列出", s);
				problem = msg;
			} else if (kinds[doy]) {
				snprintf(msg, sizeof(msg), "日期 %s 同时列为放假日和调休上班日", s);
				problem = msg;
			} else {
				kinds[doy] = want;
			}
		}
		if (problem) {
			free(days);
			if (line)
				return err_set(e, ERR_INVALID, "file", "第 %d 行: %s", line, problem);
			return err_set(e, ERR_INVALID, "file", "%s", problem);
		}
		days[count++] = d;
	}
	qsort(days, (size_t)count, sizeof(int32_t), cmp_day);
	if (workdays) {
		y->work = days;
		y->nwork = count;
	} else {
		y->hol = days;
		y->nhol = count;
	}
	return 0;
}

int cal_set_parse(const char *text, size_t len, struct cal_set *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return err_set(e, ERR_INVALID, "file", "第 %d 行: 文件不是合法的 JSON(%s)", je.line > 0 ? je.line : 1,
			       je.text);
	struct locator loc = { text, len, 0, 0, 1 };
	int rc = -1;
	json_t *years = NULL;
	if (!json_is_object(root)) {
		err_set(e, ERR_INVALID, "file", "第 1 行: 文件应为 {\"source\": ..., \"years\": {...}} 形式的对象");
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val) {
		int kline = locate(&loc, key);
		if (strcmp(key, "source") == 0) {
			if (!json_is_string(val)) {
				err_set(e, ERR_INVALID, "file", "第 %d 行: “source”必须是字符串(来源通知)", kline);
				goto out;
			}
			locate(&loc, json_string_value(val));
			free(out->source);
			out->source = str_empty(json_string_value(val)) ? NULL : xstrdup(json_string_value(val));
		} else if (strcmp(key, "years") == 0) {
			years = val;
			if (!json_is_object(years)) {
				err_set(e, ERR_INVALID, "file", "第 %d 行: “years”必须是以年份为键的对象", kline);
				goto out;
			}
			const char *ykey;
			json_t *yval;
			json_object_foreach(years, ykey, yval) {
				int yline = locate(&loc, ykey);
				long long yn;
				if (strlen(ykey) != 4 || str_to_ll(ykey, 1900, 2999, &yn) < 0) {
					err_set(e, ERR_INVALID, "file", "第 %d 行: “%.40s”不是年份", yline, ykey);
					goto out;
				}
				if (!json_is_object(yval)) {
					err_set(e, ERR_INVALID, "file", "第 %d 行: %s 年的安排必须是含 holidays 和 workdays 的对象",
						yline, ykey);
					goto out;
				}
				struct cal_year y = { .year = (int)yn, .line = yline };
				unsigned char kinds[367] = { 0 };
				const char *fkey;
				json_t *fval;
				bool bad = false;
				json_object_foreach(yval, fkey, fval) {
					int fline = locate(&loc, fkey);
					if (strcmp(fkey, "holidays") == 0 || strcmp(fkey, "workdays") == 0) {
						bool w = fkey[0] == 'w';
						if ((w ? y.work : y.hol) != NULL) {
							bad = true; /* cannot happen: duplicates rejected */
							err_set(e, ERR_INVALID, "file", "第 %d 行: 重复的“%s”", fline, fkey);
						} else if (parse_list(fval, fkey, fline, &y, w, kinds, &loc, e) < 0) {
							bad = true;
						}
					} else if (strcmp(fkey, "source") == 0 && json_is_string(fval)) {
						locate(&loc, json_string_value(fval));
						free(y.source);
						y.source = xstrdup(json_string_value(fval));
					} else {
						bad = true;
						err_set(e, ERR_INVALID, "file", "第 %d 行: %s 年的安排中有未知字段“%.40s”",
							fline, ykey, fkey);
					}
					if (bad)
						break;
				}
				if (!bad && !y.hol && !y.work) {
					bad = true;
					err_set(e, ERR_INVALID, "file", "第 %d 行: %s 年的安排缺少 holidays 和 workdays", yline, ykey);
				}
				if (bad) {
					cal_year_release(&y);
					goto out;
				}
				if (!y.hol)
					y.hol = xmalloc(sizeof(int32_t));
				if (!y.work)
					y.work = xmalloc(sizeof(int32_t));
				/* keys are unique (JSON_REJECT_DUPLICATES), so put adds */
				cal_set_put(out, &y);
				cal_year_release(&y);
			}
		} else {
			err_set(e, ERR_INVALID, "file", "第 %d 行: 未知字段“%.40s”(只允许 source 和 years)", kline, key);
			goto out;
		}
	}
	if (!years || out->n == 0) {
		err_set(e, ERR_INVALID, "file", "文件中没有任何年份的节假日安排(缺少“years”)");
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc < 0)
		cal_set_release(out);
	return rc;
}

/* ---- building ---- */

static inline bool bit_get(const uint64_t *bits, int32_t i)
{
	return (bits[i >> 6] >> (i & 63)) & 1;
}

static struct calendar *build_one(const struct cal_set *set, struct err *e)
{
	if (!set || set->n == 0) {
		err_set(e, ERR_INVALID, "", "没有任何年份的节假日安排，无法建立工作日历");
		return NULL;
	}
	struct calendar *c = xcalloc(1, sizeof(*c));
	atomic_init(&c->refs, 1);
	c->y0 = set->years[0].year;
	c->y1 = set->years[set->n - 1].year;
	c->day0 = cal_days_from_civil(c->y0, 1, 1);
	c->ndays = cal_days_from_civil(c->y1 + 1, 1, 1) - c->day0;
	int nyears = c->y1 - c->y0 + 1;
	c->sources = xcalloc((size_t)nyears, sizeof(char *));
	c->bits = xcalloc((size_t)c->ndays / 64 + 1, sizeof(uint64_t));
	c->cum = xcalloc((size_t)c->ndays + 1, sizeof(int32_t));
	c->lim = xcalloc((size_t)c->ndays, sizeof(int32_t));

	for (size_t k = 0; k < set->n; k++) {
		const struct cal_year *y = &set->years[k];
		c->sources[y->year - c->y0] = xstrdup(y->source ? y->source : set->source ? set->source : "");
		int32_t a = cal_days_from_civil(y->year, 1, 1) - c->day0;
		int32_t b = cal_days_from_civil(y->year + 1, 1, 1) - c->day0;
		for (int32_t i = a; i < b; i++)
			if (cal_weekday(c->day0 + i) < 6)
				c->bits[i >> 6] |= 1ULL << (i & 63);
		for (int j = 0; j < y->nhol; j++) {
			int32_t i = y->hol[j] - c->day0;
			c->bits[i >> 6] &= ~(1ULL << (i & 63));
		}
		for (int j = 0; j < y->nwork; j++) {
			int32_t i = y->work[j] - c->day0;
			c->bits[i >> 6] |= 1ULL << (i & 63);
		}
	}
	/* runs of contiguous loaded years */
	for (int yi = 0; yi < nyears;) {
		if (!c->sources[yi]) {
			yi++;
			continue;
		}
		int yj = yi;
		while (yj + 1 < nyears && c->sources[yj + 1])
			yj++;
		int32_t a = cal_days_from_civil(c->y0 + yi, 1, 1) - c->day0;
		int32_t b = cal_days_from_civil(c->y0 + yj + 1, 1, 1) - c->day0;
		for (int32_t i = a; i < b; i++)
			c->lim[i] = b;
		yi = yj + 1;
	}
	for (int32_t i = 0; i < c->ndays; i++)
		c->cum[i + 1] = c->cum[i] + (bit_get(c->bits, i) ? 1 : 0);
	c->total = c->cum[c->ndays];
	c->nth = xmalloc(sizeof(int32_t) * (size_t)(c->total ? c->total : 1));
	for (int32_t i = 0, k = 0; i < c->ndays; i++)
		if (bit_get(c->bits, i))
			c->nth[k++] = i;
	return c;
}

/* The provisional companion of a calendar built from set: every year from
 * five years before the first loaded one (but not before the statutory
 * rules begin) to two years after the later of the last loaded one and
 * the current year, the years not in set filled with their statutory
 * holidays.  NULL when no year needs filling or none can be computed. */
static struct calendar *build_prov(const struct cal_set *set)
{
	int fy = statutory_first_year();
	if (fy == 0)
		return NULL;
	char today[11];
	time_today_shanghai(today);
	int this_year = (int)((today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0'));
	int y0 = set->years[0].year, y1 = set->years[set->n - 1].year;
	int from = y0 - 5 > fy ? y0 - 5 : fy;
	int to = (y1 > this_year ? y1 : this_year) + 2;
	struct cal_set merged = { 0 };
	for (size_t k = 0; k < set->n; k++)
		cal_set_put(&merged, &set->years[k]);
	merged.source = set->source ? xstrdup(set->source) : NULL;
	int added = 0;
	for (int y = from; y <= to; y++) {
		if (cal_set_find(set, y))
			continue;
		struct cal_year sy;
		struct err e = ERR_INIT;
		if (statutory_year(y, &sy, &e) < 0)
			continue;
		cal_set_put(&merged, &sy);
		cal_year_release(&sy);
		added++;
	}
	struct calendar *p = NULL;
	if (added)
		p = build_one(&merged, NULL);
	cal_set_release(&merged);
	return p;
}

struct calendar *calendar_build(const struct cal_set *set, struct err *e)
{
	struct calendar *c = build_one(set, e);
	if (c)
		c->prov = build_prov(set);
	return c;
}

static void calendar_free(struct calendar *c)
{
	if (c->prov)
		calendar_free(c->prov);
	int nyears = c->y1 - c->y0 + 1;
	for (int i = 0; i < nyears; i++)
		free(c->sources[i]);
	free(c->sources);
	free(c->bits);
	free(c->cum);
	free(c->nth);
	free(c->lim);
	free(c);
}

struct calendar *calendar_ref(const struct calendar *cc)
{
	struct calendar *c = (struct calendar *)cc;
	if (c && atomic_load(&c->refs) >= 0)
		atomic_fetch_add(&c->refs, 1);
	return c;
}

void calendar_unref(const struct calendar *cc)
{
	struct calendar *c = (struct calendar *)cc;
	if (!c || atomic_load(&c->refs) < 0)
		return;
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		calendar_free(c);
}

/* ---- the embedded calendar ---- */

int calendar_embedded_set(struct cal_set *out, struct err *e)
{
	const struct embedded_file *f = embedded_find("data/holidays-cn.json");
	if (!f) {
		memset(out, 0, sizeof(*out));
		return err_set(e, ERR_INTERNAL, "", "程序中缺少内置的节假日数据(data/holidays-cn.json)");
	}
	return cal_set_parse((const char *)f->data, f->len, out, e);
}

static pthread_once_t embedded_once = PTHREAD_ONCE_INIT;
static struct calendar *embedded_cal;
static struct err embedded_err;

static void embedded_init(void)
{
	struct cal_set set;
	if (calendar_embedded_set(&set, &embedded_err) < 0)
		return;
	embedded_cal = calendar_build(&set, &embedded_err);
	if (embedded_cal) {
		atomic_store(&embedded_cal->refs, -1);
		if (embedded_cal->prov)
			atomic_store(&embedded_cal->prov->refs, -1);
	}
	cal_set_release(&set);
}

const struct calendar *calendar_embedded(struct err *e)
{
	pthread_once(&embedded_once, embedded_init);
	if (!embedded_cal && e)
		*e = embedded_err;
	return embedded_cal;
}

/* ---- queries ---- */

bool calendar_year_loaded(const struct calendar *c, int year)
{
	return c && year >= c->y0 && year <= c->y1 && c->sources[year - c->y0] != NULL;
}

int calendar_first_year(const struct calendar *c)
{
	return c->y0;
}

int calendar_last_year(const struct calendar *c)
{
	return c->y1;
}

const char *calendar_year_source(const struct calendar *c, int year)
{
	return calendar_year_loaded(c, year) ? c->sources[year - c->y0] : "";
}

static int missing_year(struct err *e, int year)
{
	return err_set(e, ERR_CONFLICT, "date", "缺少 %d 年的节假日安排，无法计算期限", year);
}

int calendar_is_workday(const struct calendar *c, int32_t day, struct err *e)
{
	int64_t i = (int64_t)day - c->day0;
	if (i < 0 || i >= c->ndays || c->lim[i] == 0)
		return missing_year(e, year_of(day));
	return bit_get(c->bits, (int32_t)i) ? 1 : 0;
}

static int bad_count(struct err *e, int n)
{
	return err_set(e, ERR_INVALID, "n", "期限天数必须是正整数(至少 1 天)，收到 %d", n);
}

int calendar_due(const struct calendar *c, int32_t start, int n, int32_t *due, struct err *e)
{
	if (n < 1)
		return bad_count(e, n);
	int64_t i = (int64_t)start - c->day0;
	if (i < 0 || i >= c->ndays || c->lim[i] == 0)
		return missing_year(e, year_of(start));
	int64_t k = (int64_t)c->cum[i + 1] + n - 1;
	if (k >= c->total || c->nth[k] >= c->lim[i])
		return missing_year(e, year_of(c->day0 + c->lim[i]));
	*due = c->day0 + c->nth[k];
	return 0;
}

int calendar_due_days(const struct calendar *c, int32_t start, int n, int32_t *due, struct err *e)
{
	if (n < 1)
		return bad_count(e, n);
	int64_t end = (int64_t)start + n;
	if (end > INT32_MAX)
		return missing_year(e, 9999);
	int64_t i = end - c->day0;
	if (i < 0 || i >= c->ndays || c->lim[i] == 0)
		return missing_year(e, year_of((int32_t)end));
	int64_t k = c->cum[i]; /* index of the first working day at or after i */
	if (k >= c->total || c->nth[k] >= c->lim[i])
		return missing_year(e, year_of(c->day0 + c->lim[i]));
	*due = c->day0 + c->nth[k];
	return 0;
}

int calendar_workdays_between(const struct calendar *c, int32_t from, int32_t to, int *count, struct err *e)
{
	int64_t i = (int64_t)from - c->day0, j = (int64_t)to - c->day0;
	if (i < 0 || i >= c->ndays || c->lim[i] == 0)
		return missing_year(e, year_of(from));
	if (j < 0 || j >= c->ndays || c->lim[j] == 0)
		return missing_year(e, year_of(to));
	if (c->lim[i] != c->lim[j])
		return missing_year(e, year_of(c->day0 + (i < j ? c->lim[i] : c->lim[j])));
	*count = c->cum[j + 1] - c->cum[i + 1];
	return 0;
}

int calendar_due_str(const struct calendar *c, const char *start, int n, bool calendar_days,
		     char out[11], struct err *e)
{
	int32_t s, d;
	if (cal_date_parse(start, &s) < 0)
		return err_set(e, ERR_INVALID, "start", "起算日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", start ? start : "");
	if ((calendar_days ? calendar_due_days(c, s, n, &d, e) : calendar_due(c, s, n, &d, e)) < 0)
		return -1;
	cal_date_format(d, out);
	return 0;
}

/* ---- provisional computations ---- */

bool calendar_year_provisional(const struct calendar *c, int year)
{
	return c && !calendar_year_loaded(c, year) && c->prov && calendar_year_loaded(c->prov, year);
}

const char *calendar_provisional_source(const struct calendar *c, int year)
{
	return calendar_year_provisional(c, year) ? c->prov->sources[year - c->prov->y0] : "";
}

/* Record in b the years between days a and b that c has only provisionally. */
static void basis_fill(const struct calendar *c, int32_t a, int32_t z, struct cal_basis *b)
{
	if (!b)
		return;
	memset(b, 0, sizeof(*b));
	if (z < a) {
		int32_t t = a;
		a = z;
		z = t;
	}
	for (int y = year_of(a); y <= year_of(z); y++) {
		if (!calendar_year_provisional(c, y))
			continue;
		b->provisional = true;
		if (b->nyears < (int)(sizeof(b->years) / sizeof(b->years[0])))
			b->years[b->nyears++] = y;
	}
}

/* Whether a strict failure may be retried on the provisional calendar. */
static bool may_retry(const struct calendar *c, unsigned flags, const struct err *e)
{
	return !(flags & CAL_STRICT) && c->prov && e->kind == ERR_CONFLICT;
}

int calendar_is_workday_ex(const struct calendar *c, int32_t day, unsigned flags, struct cal_basis *b,
			   struct err *e)
{
	struct err se = ERR_INIT;
	if (b)
		memset(b, 0, sizeof(*b));
	int w = calendar_is_workday(c, day, &se);
	if (w >= 0)
		return w;
	if (!may_retry(c, flags, &se)) {
		if (e)
			*e = se;
		return -1;
	}
	w = calendar_is_workday(c->prov, day, e);
	if (w >= 0)
		basis_fill(c, day, day, b);
	return w;
}

int calendar_due_ex(const struct calendar *c, int32_t start, int n, bool calendar_days, unsigned flags,
		    int32_t *due, struct cal_basis *b, struct err *e)
{
	struct err se = ERR_INIT;
	if (b)
		memset(b, 0, sizeof(*b));
	int rc = calendar_days ? calendar_due_days(c, start, n, due, &se) : calendar_due(c, start, n, due, &se);
	if (rc == 0)
		return 0;
	if (!may_retry(c, flags, &se)) {
		if (e)
			*e = se;
		return -1;
	}
	rc = calendar_days ? calendar_due_days(c->prov, start, n, due, e) : calendar_due(c->prov, start, n, due, e);
	if (rc == 0)
		basis_fill(c, calendar_days ? start + n : start, *due, b);
	return rc;
}

int calendar_workdays_between_ex(const struct calendar *c, int32_t from, int32_t to, unsigned flags, int *count,
				 struct cal_basis *b, struct err *e)
{
	struct err se = ERR_INIT;
	if (b)
		memset(b, 0, sizeof(*b));
	if (calendar_workdays_between(c, from, to, count, &se) == 0)
		return 0;
	if (!may_retry(c, flags, &se)) {
		if (e)
			*e = se;
		return -1;
	}
	if (calendar_workdays_between(c->prov, from, to, count, e) < 0)
		return -1;
	basis_fill(c, from, to, b);
	return 0;
}

int calendar_due_str_ex(const struct calendar *c, const char *start, int n, bool calendar_days, unsigned flags,
			char out[11], struct cal_basis *b, struct err *e)
{
	int32_t s, d;
	if (b)
		memset(b, 0, sizeof(*b));
	if (cal_date_parse(start, &s) < 0)
		return err_set(e, ERR_INVALID, "start", "起算日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", start ? start : "");
	if (calendar_due_ex(c, s, n, calendar_days, flags, &d, b, e) < 0)
		return -1;
	cal_date_format(d, out);
	return 0;
}

void cal_basis_note(const struct cal_basis *b, char *out, size_t n)
{
	if (!b || !b->provisional) {
		if (n)
			out[0] = 0;
		return;
	}
	struct buf years = BUF_INIT;
	for (int i = 0; i < b->nyears; i++)
		buf_printf(&years, "%s%d", i ? "、" : "", b->years[i]);
	snprintf(out, n, "暂定：%s 年节假日安排尚未载入，按《全国年节及纪念日放假办法》规定的法定节假日推算（不含调休），载入该年安排后将重新计算",
		 buf_str(&years));
	buf_release(&years);
}

/* "七日前" (行政处罚法第六十四条(二), 行政许可法第四十八条(一)): the days
 * counted lie strictly between the notice and the event — the notice day is
 * the day the period starts on and is not counted (期间开始之日不计算在内),
 * and the event day is not time the party has to prepare.  So the notice is
 * in time when at least `days` (working) days lie in (notice, event). */
int calendar_days_before_ok(const struct calendar *cal, const char *notice, const char *event, int days,
			    bool working)
{
	int32_t n, ev;
	if (cal_date_parse(notice, &n) < 0 || cal_date_parse(event, &ev) < 0 || days < 1)
		return -1;
	if (ev <= n)
		return 0;
	if (!working)
		return ev - n - 1 >= days;
	int count;
	struct err e = ERR_INIT;
	if (calendar_workdays_between_ex(cal, n, ev - 1, 0, &count, NULL, &e) < 0)
		return -1;
	return count >= days;
}
