/*
 * calendar.h - the Chinese working-day calendar and the period arithmetic
 * built on it.
 *
 * A working day is Monday to Friday that is not an official holiday, plus
 * any Saturday or Sunday that the State Council's yearly notice makes a
 * working day (调休).  The arrangements are data: the years 2018-2026 are
 * embedded (src/assets/data/holidays-cn.json), an administrator imports
 * further years into the database (calendar_import), and calendar_load
 * combines the two, imported years replacing embedded ones.
 *
 * Dates are day numbers: days since 1970-01-01 (int32_t, may be negative).
 *
 * Invariants of struct calendar:
 *   - immutable once built; any number of threads may read it at once.
 *     A reload builds a new one; holders keep theirs alive with
 *     calendar_ref/calendar_unref (atomic reference count).
 *   - nothing is guessed silently: a strict computation that touches a day
 *     of a year that is not loaded fails with "缺少 YYYY 年的节假日安排，
 *     无法计算期限", naming the first such year.  The _ex functions without
 *     CAL_STRICT then compute a provisional answer on the statutory
 *     holidays of that year (statutory.h: weekends plus the holidays of
 *     《全国年节及纪念日放假办法》 art. 2, no 调休) and say so in a struct
 *     cal_basis; callers show such dates as 暂定 and store that they are.
 *   - period counting: the day of the triggering event is never counted.
 *     calendar_due(start, n) is the day on which the n-th working day after
 *     start falls (n >= 1), computed in O(1) with a prefix count of working
 *     days over the loaded range and the inverse index.
 */
#ifndef ZHIFA_CALENDAR_H
#define ZHIFA_CALENDAR_H
#include "core/core.h"
#include "core/err.h"

struct db;
struct calendar;

/* ---- dates ---- */

/* Parse exactly "YYYY-MM-DD" (year 1000..9999) naming a real date (leap
 * years checked) into a day number.  0 on success, -1 otherwise. */
int cal_date_parse(const char *s, int32_t *day);
/* Format a day number as "YYYY-MM-DD" into out[11]. */
void cal_date_format(int32_t day, char out[11]);
/* Day number of year-month-day (no validation). */
int32_t cal_days_from_civil(int y, int m, int d);
/* Year, month (1-12), day (1-31) of a day number; any pointer may be NULL. */
void cal_civil_from_days(int32_t day, int *y, int *m, int *d);
/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int cal_weekday(int32_t day);

/* ---- one year's arrangement, as parsed from JSON or read from the DB ---- */
struct cal_year {
	int year;
	int line;            /* line of the year key in the source text, 0 if none */
	int nhol, nwork;
	int32_t *hol;        /* official days off, ascending */
	int32_t *work;       /* Saturdays/Sundays that are working days, ascending */
	char *source;        /* the notice it came from (may be NULL) */
};

struct cal_set {
	struct cal_year *years; /* ascending by year, no duplicates */
	size_t n;
	char *source;           /* top-level "source" of a JSON file, may be NULL */
};

/* Parse and validate a holiday file {"source": "...", "years": {"2026":
 * {"holidays": [...], "workdays": [...]}}}.  Refuses, with a Chinese message
 * naming the line of the offending string ("第 12 行: ..."): malformed JSON;
 * a wrong shape; a year key that is not a year; a date that is not a real
 * date; a date outside the year it is listed under; a "workdays" date that
 * is not a Saturday or Sunday; a date listed as both holiday and workday;
 * a date listed twice; an empty file.  On failure *out is left empty. */
int cal_set_parse(const char *text, size_t len, struct cal_set *out, struct err *e);
/* Free the contents of a set (not the struct itself); leaves it empty. */
void cal_set_release(struct cal_set *s);
/* Find a year in a set; NULL if absent. */
const struct cal_year *cal_set_find(const struct cal_set *s, int year);
/* Add or replace a year (deep copy of y). */
void cal_set_put(struct cal_set *s, const struct cal_year *y);

/* ---- the calendar ---- */

/* Build a calendar from a set of years (which need not be contiguous;
 * days in years between them count as "not loaded").  Refcount 1.
 * Returns NULL and fills e when the set is empty. */
struct calendar *calendar_build(const struct cal_set *set, struct err *e);
/* The calendar of the embedded years only, built once per process and
 * shared (never freed; calendar_unref on it is a no-op). NULL + e when the
 * embedded data is missing or invalid. */
const struct calendar *calendar_embedded(struct err *e);
/* The embedded years, parsed (caller releases with cal_set_release). */
int calendar_embedded_set(struct cal_set *out, struct err *e);
/* Build the calendar of a database: embedded years, replaced or extended by
 * the years imported into calendar_years/calendar_days.  Refcount 1. */
int calendar_load(struct db *db, struct calendar **out, struct err *e);

/* Take / drop a reference; the last unref frees. NULL-safe. */
struct calendar *calendar_ref(const struct calendar *c);
void calendar_unref(const struct calendar *c);

/* Whether the arrangement of that year is loaded (the dashboard warns from
 * 1 November when next year's is missing). */
bool calendar_year_loaded(const struct calendar *c, int year);
/* First and last loaded year. */
int calendar_first_year(const struct calendar *c);
int calendar_last_year(const struct calendar *c);
/* Source notice of a loaded year, "" if unknown. */
const char *calendar_year_source(const struct calendar *c, int year);

/* 1 if day is a working day, 0 if not, -1 (and e filled, naming the year)
 * if its year is not loaded. */
int calendar_is_workday(const struct calendar *c, int32_t day, struct err *e);

/* The due date of a period of n working days (n >= 1) started by an event
 * on day start: the day of the n-th working day after start, start itself
 * not counted (start may be a day off).  0 on success; -1 with e filled
 * when n < 1 or when the count needs a year that is not loaded (the start's
 * own year included). O(1). */
int calendar_due(const struct calendar *c, int32_t start, int n, int32_t *due, struct err *e);

/* The due date of a period of n calendar days (n >= 1): start + n, moved
 * to the next working day when that is a day off.  Only the end day and
 * the days it moves over must lie in loaded years (the start's need not).
 * -1 with e filled when n < 1 or a needed year is not loaded. O(1). */
int calendar_due_days(const struct calendar *c, int32_t start, int n, int32_t *due, struct err *e);

/* Number of working days in (from, to]; negative (minus the working days in
 * (to, from]) when to < from.  -1 return with e filled when a day between
 * them lies in a year that is not loaded. */
int calendar_workdays_between(const struct calendar *c, int32_t from, int32_t to, int *count, struct err *e);

/* Whether a notice given on `notice` comes at least `days` (working days
 * when working, else calendar days) before an event on `event`, e.g. the
 * hearing notified "听证的七日前" (《中华人民共和国行政处罚法》第六十四条
 * (二); working days by 第八十五条).  The counted days lie strictly between
 * the two: neither the notice day (期间开始之日不计算在内) nor the event day
 * counts, so a hearing on Monday 2026-03-16 needs the notice by Wednesday
 * 2026-03-04 (the 7 working days 03-05, 03-06 and 03-09..03-13 between).
 * 1 yes, 0 no, -1 for a bad date or a count that cannot be made even
 * provisionally. */
int calendar_days_before_ok(const struct calendar *cal, const char *notice, const char *event, int days,
			    bool working);

/* String conveniences for the CLI and pages: start is "YYYY-MM-DD"; out
 * receives "YYYY-MM-DD".  calendar_days selects calendar_due_days. */
int calendar_due_str(const struct calendar *c, const char *start, int n, bool calendar_days,
		     char out[11], struct err *e);

/* ---- provisional answers ---- */

/* What a computation rested on: provisional when a day it counted lies in
 * a year whose notice is not loaded (years: those years, ascending). */
struct cal_basis {
	bool provisional;
	int nyears;
	int years[4];
};

#define CAL_STRICT 1u  /* refuse instead of computing provisionally */

/* Whether the year is not loaded but can be computed provisionally. */
bool calendar_year_provisional(const struct calendar *c, int year);
/* The note of a provisional year ("暂定：…"), "" if it is not one. */
const char *calendar_provisional_source(const struct calendar *c, int year);

/* As calendar_is_workday / calendar_due (calendar_days: calendar_due_days)
 * / calendar_workdays_between / calendar_due_str, but without CAL_STRICT
 * in flags a year that is not loaded is taken at its statutory holidays,
 * and b (may be NULL) says whether and in which years that happened.
 * Errors as the strict functions when even that is impossible. */
int calendar_is_workday_ex(const struct calendar *c, int32_t day, unsigned flags, struct cal_basis *b,
			   struct err *e);
int calendar_due_ex(const struct calendar *c, int32_t start, int n, bool calendar_days, unsigned flags,
		    int32_t *due, struct cal_basis *b, struct err *e);
int calendar_workdays_between_ex(const struct calendar *c, int32_t from, int32_t to, unsigned flags, int *count,
				 struct cal_basis *b, struct err *e);
int calendar_due_str_ex(const struct calendar *c, const char *start, int n, bool calendar_days, unsigned flags,
			char out[11], struct cal_basis *b, struct err *e);
/* The warning for a provisional answer, in Chinese, naming its years
 * ("暂定：2027 年节假日安排尚未载入，…"); "" when b is not provisional. */
void cal_basis_note(const struct cal_basis *b, char *out, size_t n);

/* ---- the stored calendar (calendar_store.c) ---- */

struct calendar_import_result {
	char years[256];     /* "2027" or "2026,2027" */
	char action[16];     /* "add" or "replace" */
	int holidays, workdays;
	long long change_id; /* calendar_changes.id */
	/* when refused because a year is already present and replace was not
	 * asked: that year and its line in the file (else both 0), so a caller
	 * can name its own way of asking for a replacement */
	int conflict_year, conflict_line;
};

/* Import the years of a holiday file (text of len bytes) into the database,
 * in one transaction, and record the change (calendar_changes, op_log).
 * source: the notice, or NULL to take the file's "source"; a missing source
 * is refused (ERR_INVALID "source").  by: the username of the
 * administrator ("" = system).  A year already present (imported, or
 * embedded) is refused unless replace (ERR_CONFLICT "file", with
 * res->conflict_year/conflict_line set).  Messages are neutral about the
 * interface (they name no command-line flag or form control).
 * On any problem nothing is changed and e names the line and problem.
 * Deadlines are not recomputed here: call deadline_recompute_all after. */
int calendar_import(struct db *db, const char *text, size_t len, const char *source,
		    const char *by, bool replace, struct calendar_import_result *res,
		    struct err *e);

/* The official days off and adjusted working weekends of one year as the
 * stored (imported) or embedded data list them, or for a provisional year
 * its statutory holidays: marks[i] for day i of the year is 'h' (holiday),
 * 'w' (working weekend) or 0. */
void calendar_year_marks(struct db *db, int year, char marks[367]);
/* The latest limit rows of calendar_changes, newest first, as
 * [{id, at, at_local, by, action, years, source, detail}] (empty on a
 * storage failure, which is logged). */
struct json_t;
struct json_t *calendar_changes_list(struct db *db, int limit);

/* Append a row to calendar_changes (inside the caller's transaction). */
int calendar_change_record(struct db *db, const char *by, const char *action,
			   const char *years, const char *source, const char *detail,
			   long long *id);
#endif
