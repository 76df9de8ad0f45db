/*
 * deadline.h - statutory deadlines ("clocks") counted on the working-day
 * calendar.
 *
 * A deadline rule (table deadline_rules) says which event starts a clock
 * (event_code, e.g. 'decision_licence_penalty'), how many days it runs,
 * whether they are working days or calendar days, and which event ends it.
 * Rules are versioned by effective_from: a clock uses the version with the
 * latest effective_from on or before the clock's start date, so a rule
 * change applies only to clocks started on or after its effective date.
 * The defaults (from 云工信办〔2019〕26号 and the Administrative Penalty
 * Law) are shipped in migration 003_calendar.sql.
 *
 * A deadline (table deadlines) is one clock on one object.  States:
 *   open      running, more than due_soon_days working days left;
 *   due_soon  at most due_soon_days working days left (today included);
 *   overdue   today is after due_on and it is not met;
 *   met       met_on is set; met_late = met_on > due_on.  Final.
 * due_on is the last day allowed (the start day is not counted).
 *
 * Transactions: deadline_start and deadline_meet each run one statement and
 * open no transaction, so callers can put them in their own (e.g. with the
 * act that starts the clock).  deadline_rule_add, deadline_refresh and
 * deadline_recompute_all open their own and must not be called inside one.
 */
#ifndef ZHIFA_DEADLINE_H
#define ZHIFA_DEADLINE_H
#include "core/core.h"
#include "core/err.h"
#include "calendar/calendar.h"
#include "actor/actor.h"
#include <jansson.h>

struct db;

#define DEADLINE_DUE_SOON_DEFAULT 2

struct deadline_rule {
	long long id;
	char event_code[64];
	char name[128];
	int days;                 /* >= 1 */
	bool calendar_days;       /* false: working days */
	char ends_with[64];       /* the event code that meets the deadline */
	char effective_from[11];  /* YYYY-MM-DD */
	char source[512];         /* the provision (the basis); required */
	bool own_rule;            /* the department's own rule, not the law's */
	int extension_days;       /* at most this many days per extension; 0 = none */
	int extension_times;      /* how many extensions a clock may have (>= 1 when extension_days > 0) */
	char extension_role[32];  /* role code that approves an extension ("head", "leader"), "" = none */
	char extension_basis[512];/* the provision allowing the extension */
	bool extension_own_rule;  /* the extension rests on the department's own rule */
};

/* The version of the rule for event_code in force on date (YYYY-MM-DD).
 * -1 with ERR_NOTFOUND when there is none. */
int deadline_rule_for(struct db *db, const char *event_code, const char *date,
		      struct deadline_rule *out, struct err *e);

/* Add a rule version: the act of a (the administrator; NULL = the
 * system), whose username goes into deadline_rules.created_by and whose
 * user, unit and address name the op_log row "deadline_rule.add" written
 * in the same transaction.  The caller checks permission.  Validates: event_code [a-z0-9_]{1,63}, name not empty,
 * days 1..3650, effective_from a real date, ends_with not empty, source
 * (the basis) not empty (ERR_INVALID "source"), extension_days 0..3650,
 * extension_times 0..10 (0 with extension_days > 0 means 1), and an
 * extension_role (head | leader) when extension_days > 0.  A second
 * version with the same event_code and effective_from is ERR_CONFLICT.
 * Clocks already started are not changed. */
int deadline_rule_add(struct db *db, const struct actor *a, const struct deadline_rule *r,
		      long long *id, struct err *e);

/* All rule versions, ordered by event_code and effective_from, as a JSON
 * array of objects {id, event_code, name, days, day_kind ('working' |
 * 'calendar'), ends_with, effective_from, source, own_rule (bool),
 * extension_days, extension_times, extension_role, extension_basis,
 * extension_own_rule (bool)}.  NULL + e on failure. */
json_t *deadline_rules_list(struct db *db, struct err *e);

/* Start a clock: the rule for event_code in force on start_date, due_on
 * computed on the calendar of the database (calendar_load).  owner_user_id
 * 0 = none.  object_type and object_id must not be empty.  Stores state
 * 'open'; *id receives the new id.  A count that needs a year whose notice
 * is not loaded is provisional (statutory holidays, calendar.h) and stored
 * as such (provisional, provisional_years); it fails (ERR_CONFLICT, naming
 * the year) only when even that cannot be computed. */
int deadline_start(struct db *db, const char *event_code, long long unit_id, long long owner_user_id,
		   const char *object_type, const char *object_id, const char *start_date,
		   long long *id, struct err *e);
/* The same with a calendar the caller already holds. */
int deadline_start_cal(struct db *db, const struct calendar *cal, const char *event_code,
		       long long unit_id, long long owner_user_id, const char *object_type,
		       const char *object_id, const char *start_date, long long *id, struct err *e);

/* Meet a clock on date (YYYY-MM-DD): state 'met', met_on = date,
 * met_late = date > due_on.  ERR_NOTFOUND for an unknown id, ERR_CONFLICT
 * when already met, ERR_INVALID for a bad date or one before started_on. */
int deadline_meet(struct db *db, long long id, const char *date, struct err *e);

/* Re-evaluate every unmet clock against today (YYYY-MM-DD): overdue when
 * today > due_on, due_soon when at most due_soon_days (<= 0: the default
 * 2) working days lie in (today, due_on], else open.  Clocks whose distance
 * cannot be counted (a year missing) keep their state.  One transaction;
 * *changed (may be NULL) receives the number of rows changed.  Meant for a
 * background thread of the server.  0 or -1 (logged) on storage failure. */
int deadline_refresh(struct db *db, const struct calendar *cal, const char *today,
		     int due_soon_days, int *changed);

/* Recompute due_on (and the provisional mark) of every unmet clock with its
 * rule on cal (after a calendar change), append a deadline_changes row for
 * each clock that changed, and record the run in calendar_changes (action
 * 'recompute').  One transaction; on any failure (e.g. a year missing for
 * one clock, named in e) nothing changes.  Returns the number of clocks
 * whose due_on changed, or -1.  States are brought up to date by the next
 * deadline_refresh. */
int deadline_recompute_all(struct db *db, const struct calendar *cal, struct err *e);

/* ---- listings for pages: JSON arrays of deadline objects
 * {id, rule_id, event_code, rule_name, ends_with, unit_id, owner_user_id (null),
 *  object_type, object_id, started_on, due_on, state ("paused" while
 *  suspended), paused (bool), paused_since (null), pause_reason (null),
 *  met_on (null),
 *  met_late (bool), created_at, provisional (bool), provisional_note ("暂定：…"
 *  or "")}.  NULL + e on failure. ---- */

/* One clock as a deadline object (above) plus rule_source, days,
 * day_kind ('working' | 'calendar'), own_rule, extension_days,
 * extension_times, extension_role, extension_basis, extension_own_rule,
 * pauses and extensions (as deadline_for_object); NULL with ERR_NOTFOUND
 * if unknown.
 * The caller checks that the actor may see it (owner or unit in scope). */
json_t *deadline_get(struct db *db, long long id, struct err *e);

/* The history of a clock's due date (table deadline_changes), oldest first:
 * [{at, at_local, by, old_due, new_due, old_provisional, new_provisional,
 *   reason}].  NULL + e on failure. */
json_t *deadline_history(struct db *db, long long id, struct err *e);

/* The unmet clocks owned by a user, most urgent first: overdue, due_soon,
 * open; then by due_on, then id.  limit <= 0: 500. */
json_t *deadline_list_user(struct db *db, long long user_id, int limit, struct err *e);
/* The clocks of a unit, state NULL for all states (met last) or one of
 * the four states; ordered as deadline_list_user.  limit <= 0: 500. */
json_t *deadline_list_unit(struct db *db, long long unit_id, const char *state, int limit, struct err *e);
/* Per unit and month of due_on (YYYY-MM between from_month and to_month
 * inclusive; NULL = unbounded), for one unit or all (unit_id 0): objects
 * {unit_id, unit_name, month, total, met_on_time, met_late, overdue_open,
 *  overdue_count (= met_late + overdue_open), open, on_time_rate (met on
 *  time / (met + overdue_open), null when that is 0)}, ordered by month,
 * unit_id. */
json_t *deadline_stats_monthly(struct db *db, long long unit_id, const char *from_month,
			       const char *to_month, struct err *e);

/* ---- suspension (periods not counted) and extension ----
 *
 * None of these opens a transaction: call them inside the caller's (the act
 * that suspends, resumes or extends).  Each change of due_on appends a
 * deadline_changes row with the reason in Chinese.
 *
 * Counting a pause: the clock is paused from the suspend day F to the resume
 * day T, and the days not counted are [F, T): the suspend day is NOT
 * counted, the resume day IS counted again.  (A pause suspended and resumed
 * on the same day therefore moves nothing.)  Days on or before started_on
 * are never counted anyway, so they are not "not counted" either.  A
 * calendar-day rule is moved by the calendar days in [F, T); a working-day
 * rule by the working days in [F, T).  due_on is always recomputed from
 * started_on: rule days + paused days + extension days, counted as the rule
 * counts (deadline_recompute_all keeps pauses and extensions).
 *
 * While paused, a clock's JSON state is "paused" (已中止), paused_since is
 * set, and deadline_refresh leaves it alone (it never becomes overdue). */

/* Pause clock id from date (YYYY-MM-DD) for reason (e.g. "听证") under basis
 * (the provision, e.g. "《中华人民共和国行政处罚法》第六十条").  The person
 * acting is named by the caller's own log (the case act).  Refused: unknown id (ERR_NOTFOUND), a met or an
 * already paused clock (ERR_CONFLICT), a date before started_on or after
 * due_on (ERR_INVALID "date"), an empty reason or basis (ERR_INVALID). */
int deadline_suspend(struct db *db, const struct calendar *cal, long long id, const char *date,
		     const char *reason, const char *basis, struct err *e);
/* Resume a paused clock on date (>= the suspend day): closes the pause and
 * moves due_on by the paused period (see above).  ERR_CONFLICT when the
 * clock is not paused. */
int deadline_resume(struct db *db, const struct calendar *cal, long long id, const char *date,
		    struct err *e);
/* Extend clock id by days (the rule's day kind), approved by `by` (the
 * approver's name as pages show it, e.g. "王立新"; the caller checks that
 * they hold the rule's extension_role),
 * under basis (e.g. the approval's reference).  Refused (ERR_CONFLICT) when
 * the rule has no extension, when the clock already had extension_times
 * extensions, or when it is met; days must be 1..extension_days
 * (ERR_INVALID "days"); basis must not be empty. */
int deadline_extend(struct db *db, const struct calendar *cal, long long id, int days, const char *by,
		    const char *basis, struct err *e);
/* Every clock of an object (e.g. "case", "42"), oldest first, as deadline
 * objects (below) plus rule_source, days, day_kind, own_rule,
 * extension_days, extension_times, extension_role, pauses [{from, to (null
 * while paused), reason, basis, days (counted days, null while paused)}],
 * extensions [{days, by, basis, at, at_local, old_due, new_due}] and note (e.g. "已中止：听证（2026-03-02
 * 起）" or "已延长 30 日（张三批准）", "" when neither).  NULL + e on failure. */
json_t *deadline_for_object(struct db *db, const char *object_type, const char *object_id, struct err *e);
/* Meet on date every unmet clock of the object whose rule ends with
 * ends_with (a paused one is resumed on date first); *met (may be NULL)
 * gets how many. */
int deadline_meet_event(struct db *db, const char *object_type, const char *object_id, const char *ends_with,
			const char *date, int *met, struct err *e);
/* The pauses and extensions of one clock, as in deadline_for_object. */
json_t *deadline_pauses(struct db *db, long long id, struct err *e);
json_t *deadline_extensions(struct db *db, long long id, struct err *e);
#endif
