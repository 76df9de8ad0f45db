/*
 * exclusions.c - not publishing a decision: requested with a reason of the
 * rules (disclosure_rules.json "exclusions", each with its basis:
 * 《政府信息公开条例》第十四条、第十五条, 《未成年人保护法》第四条第（三）项、第一百零三条,
 * 行政处罚法 第四十八条第一款 with the department's rule on 警告-only
 * penalties) and a note, and approved or refused by the head of the owning
 * unit.  Only the approval changes the state (not_published); the clock is
 * then met, since the decision on publication was taken.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "calendar/deadline.h"

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* The pending request of p (the latest exclusion_requested after the last
 * decision on one): its reason into reason, "" when none. */
static int pending(struct db *db, const struct pub *p, char reason[64], struct err *e)
{
	reason[0] = '\0';
	struct db_res *r;
	if (db_query(db, &r, "SELECT type, reason FROM publication_events WHERE publication_id = ? AND type IN"
			     " ('exclusion_requested', 'excluded', 'exclusion_refused') ORDER BY id DESC LIMIT 1",
		     DB_INT(p->id)) < 0)
		return dsc_db_fail(db, e);
	if (r->nrows && str_eq(db_text(r, 0, 0), "exclusion_requested"))
		snprintf(reason, 64, "%s", db_text(r, 0, 1));
	db_res_free(r);
	return 0;
}

static int note_ok(const char *note, struct err *e)
{
	if (str_empty(note) || !utf8_valid(note, strlen(note)) || strlen(note) > 2000)
		return err_set(e, ERR_INVALID, "note", "请填写说明（不超过2000字节）");
	return 0;
}

int disclosure_exclusion_request(struct db *db, const struct actor *a, long long id, int row_version,
				 const char *reason, const char *note, struct err *e)
{
	const json_t *x = dsc_rules_exclusion(reason);
	if (!x)
		return err_set(e, ERR_INVALID, "reason", "请选择不予公开的情形（国家秘密、商业秘密、个人隐私、未成年人等）");
	if (note_ok(note, e) < 0)
		return -1;
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	char pend[64];
	if (!dsc_can_write(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有本案执法人员或承办机构负责人可以申请不予公开");
	else if (!str_eq(p.state, "draft"))
		rc = err_set(e, ERR_CONFLICT, "state", "该公示%s，不能申请不予公开", disclosure_state_label(p.state));
	else if (pending(db, &p, pend, e) < 0)
		rc = -1;
	else if (pend[0])
		rc = err_set(e, ERR_CONFLICT, "reason", "已有待负责人审批的不予公开申请");
	const json_t *kinds = json_object_get(x, "kinds");
	if (rc == 0 && json_is_array(kinds)) {
		bool fits = false;
		size_t i;
		const json_t *k;
		json_array_foreach(kinds, i, k)
			fits = fits || str_eq(json_string_value(k), p.kind);
		if (!fits)
			rc = err_set(e, ERR_INVALID, "reason", "「%s」不适用于%s", js(x, "name"), disclosure_kind_label(p.kind));
	}
	const json_t *only = json_object_get(x, "measures_only");
	if (rc == 0 && json_is_array(only) && !dsc_measures_only(json_object_get(p.draft, "measures"), only))
		rc = err_set(e, ERR_INVALID, "reason", "该决定不是「%s」", js(x, "name"));
	if (rc == 0)
		rc = dsc_event(db, a, &p, "exclusion_requested", 0, reason,
			       json_pack("{s:s,s:s,s:s}", "note", note, "name", js(x, "name"), "basis", js(x, "basis")), NULL,
			       NULL, NULL, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(&p);
	return rc;
}

int disclosure_exclusion_decide(struct db *db, const struct actor *a, long long id, int row_version, bool approve,
				const char *note, struct err *e)
{
	if (note_ok(note, e) < 0)
		return -1;
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	char pend[64] = "";
	if (!dsc_is_head(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "不予公开须由承办机构负责人批准");
	else if (!str_eq(p.state, "draft"))
		rc = err_set(e, ERR_CONFLICT, "state", "该公示%s，不能审批不予公开", disclosure_state_label(p.state));
	else if (pending(db, &p, pend, e) < 0)
		rc = -1;
	else if (!pend[0])
		rc = err_set(e, ERR_CONFLICT, "approve", "没有待审批的不予公开申请");
	const json_t *x = dsc_rules_exclusion(pend);
	if (rc == 0) {
		json_t *leaf = approve ? json_pack("{s:I,s:s,s:I}", "publication_id", (json_int_t)p.id, "reason", pend, "actor",
						    (json_int_t)a->user_id)
				       : NULL;
		rc = dsc_event(db, a, &p, approve ? "excluded" : "exclusion_refused", 0, pend,
			       json_pack("{s:s,s:s}", "note", note, "basis", js(x, "basis")),
			       approve ? "publication.excluded" : NULL, leaf, NULL, e);
	}
	if (rc == 0 && approve && db_exec(db, "UPDATE publications SET state = 'not_published' WHERE id = ?", DB_INT(p.id)) < 0)
		rc = dsc_db_fail(db, e);
	if (rc == 0 && approve && p.deadline_id > 0) {
		char today[11];
		time_today_shanghai(today);
		long long met = db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadlines WHERE id = ? AND state = 'met'",
					      (const struct db_val[]){ DB_INT(p.deadline_id), DB_END });
		if (met == 0 && deadline_meet(db, p.deadline_id, today, e) < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(&p);
	return rc;
}
