/*
 * flow_stats.c - 法制审核 statistics per 承办机构 and month (flow.h): the
 * reviews submitted, the rounds, the share agreed in the first round, the
 * working days from acceptance to opinion, the rounds past their clock and
 * the escalations.
 */
#include "core/core.h"
#include "review/flow.h"
#include "review/flow_int.h"
#include "people/people.h"
#include "actor/scope.h"
#include "calendar/calendar.h"

struct cell {
	long long unit_id;
	char unit_name[128];
	char month[8]; /* YYYY-MM (Beijing) of the first submission */
	int cases, rounds, first_decided, first_agreed, timed, workdays, overdue, escalations;
};

static struct cell *cell_for(struct cell **cells, size_t *n, long long unit, const char *name, const char *month)
{
	for (size_t i = 0; i < *n; i++)
		if ((*cells)[i].unit_id == unit && strcmp((*cells)[i].month, month) == 0)
			return &(*cells)[i];
	*cells = xrealloc(*cells, (*n + 1) * sizeof **cells);
	struct cell *c = &(*cells)[(*n)++];
	memset(c, 0, sizeof *c);
	c->unit_id = unit;
	snprintf(c->unit_name, sizeof c->unit_name, "%s", name);
	snprintf(c->month, sizeof c->month, "%s", month);
	return c;
}

static int cell_cmp(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;
	int m = strcmp(y->month, x->month); /* newest month first */
	return m ? m : strcmp(x->unit_name, y->unit_name);
}

int review_stats(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	bool all = actor_has(a, ROLE_LEADER | ROLE_SUPERVISOR) ||
		   (actor_has(a, ROLE_HEAD | ROLE_REVIEWER) && people_unit_is_reviewer(db, a->unit_id));
	if (!all && !actor_has(a, ROLE_HEAD))
		return err_set(e, ERR_FORBIDDEN, "", "只有处室负责人、政策法规处、分管负责人和监督人员可以查看法制审核统计");
	struct calendar *cal = NULL;
	if (calendar_load(db, &cal, e) < 0)
		return -1;
	struct db_res *r;
	/* every round with the case's unit and the case's first submission */
	if (db_query(db, &r, "SELECT r.id, r.case_id, c.unit_id, u.name, r.round_no,"
			     " (SELECT MIN(f.submitted_at) FROM review_rounds f WHERE f.case_id = r.case_id)"
			     " FROM review_rounds r JOIN cases c ON c.id = r.case_id JOIN units u ON u.id = c.unit_id"
			     " ORDER BY r.case_id, r.round_no") < 0) {
		calendar_unref(cal);
		return rv_db_fail(db, e);
	}
	struct cell *cells = NULL;
	size_t n = 0;
	int rc = 0;
	for (int i = 0; i < r->nrows && rc == 0; i++) {
		long long unit = db_int(r, i, 2);
		if (!all && !actor_unit_in_scope(db, a, unit))
			continue;
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 5), local);
		char month[8];
		snprintf(month, sizeof month, "%.7s", local);
		struct cell *c = cell_for(&cells, &n, unit, db_text(r, i, 3), month);
		int round_no = (int)db_int(r, i, 4);
		c->rounds++;
		if (round_no == 1)
			c->cases++;
		struct db_res *ev;
		if (db_query(db, &ev, "SELECT type, COALESCE(verdict, ''), on_date FROM review_events WHERE round_id = ? ORDER BY id",
			     DB_INT(db_int(r, i, 0))) < 0) {
			rc = rv_db_fail(db, e);
			break;
		}
		char accepted[11] = "";
		for (int k = 0; k < ev->nrows; k++) {
			const char *t = db_text(ev, k, 0);
			if (str_eq(t, "accepted"))
				snprintf(accepted, sizeof accepted, "%s", db_text(ev, k, 2));
			else if (str_eq(t, "escalated"))
				c->escalations++;
			else if (str_eq(t, "opinion")) {
				if (round_no == 1) {
					c->first_decided++;
					if (str_eq(db_text(ev, k, 1), "agree"))
						c->first_agreed++;
				}
				int32_t d0, d1;
				int wd;
				struct err ce = ERR_INIT;
				if (accepted[0] && cal_date_parse(accepted, &d0) == 0 &&
				    cal_date_parse(db_text(ev, k, 2), &d1) == 0 &&
				    calendar_workdays_between(cal, d0, d1, &wd, &ce) == 0) {
					c->timed++;
					c->workdays += wd;
				}
			}
		}
		db_res_free(ev);
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", db_int(r, i, 0));
		long long late = db_scalar_int(db, 0, "SELECT COUNT(*) FROM deadlines WHERE object_type = 'review' AND object_id = ?"
						      " AND (state = 'overdue' OR met_late = 1)",
					       (const struct db_val[]){ DB_TEXT(oid), DB_END });
		if (late > 0)
			c->overdue++;
	}
	db_res_free(r);
	calendar_unref(cal);
	if (rc < 0) {
		free(cells);
		return -1;
	}
	if (n)
		qsort(cells, n, sizeof *cells, cell_cmp);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct cell *c = &cells[i];
		json_t *o = json_pack("{s:I,s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i}", "unit_id", (json_int_t)c->unit_id, "unit_name",
				      c->unit_name, "month", c->month, "reviews", c->cases, "rounds", c->rounds,
				      "first_round_decided", c->first_decided, "first_round_agreed", c->first_agreed, "overdue",
				      c->overdue, "escalations", c->escalations);
		json_object_set_new(o, "first_round_agree_rate",
				    c->first_decided ? json_real((double)c->first_agreed / c->first_decided) : json_null());
		json_object_set_new(o, "avg_workdays", c->timed ? json_real((double)c->workdays / c->timed) : json_null());
		json_array_append_new(items, o);
	}
	free(cells);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
