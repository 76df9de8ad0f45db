/*
 * lifecycle.c - what happens to a published item: withdrawal (行政处罚法
 * 第四十八条第二款: within three working days, 第八十五条, of the decision
 * being changed, revoked, confirmed illegal or void, with the reason made
 * public; the seed's 二.(一).5 adds 要求重新制作), the end of its publicity
 * period (rules as data, disclosure_rules.json "periods") and the early end
 * after 信用修复 with the head's approval.  Each is an event with its ledger
 * leaf naming the hash of the version concerned; the versions stay.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"

static int current_sha(struct db *db, const struct pub *p, char out[65], struct err *e)
{
	out[0] = '\0';
	struct db_res *r;
	if (db_query(db, &r, "SELECT sha256 FROM publication_versions WHERE publication_id = ? AND version = ?",
		     DB_INT(p->id), DB_INT(p->current_version)) < 0)
		return dsc_db_fail(db, e);
	if (r->nrows)
		snprintf(out, 65, "%s", db_text(r, 0, 0));
	db_res_free(r);
	return 0;
}

static int finish(struct db *db, struct pub *p, int rc, struct err *e)
{
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(p);
	return rc;
}

/* The unmet withdrawal clock of p (a revocation reported), 0 when none. */
static long long open_withdraw_clock(struct db *db, const struct pub *p)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", p->id);
	return db_scalar_int(db, -1,
			     "SELECT COALESCE(MAX(d.id), 0) FROM deadlines d JOIN deadline_rules r ON r.id = d.rule_id"
			     " WHERE r.event_code = 'publication_withdraw' AND d.object_type = 'publication_withdraw'"
			     " AND d.object_id = ? AND d.state <> 'met'",
			     (const struct db_val[]){ DB_TEXT(oid), DB_END });
}

static int event_date_ok(const char *event_date, const char *decision_date, struct err *e)
{
	int32_t ed;
	char today[11];
	time_today_shanghai(today);
	if (!event_date || strlen(event_date) != 10 || cal_date_parse(event_date, &ed) < 0)
		return err_set(e, ERR_INVALID, "event_date", "请填写决定被撤销（确认违法、变更等）的日期");
	if (strcmp(event_date, today) > 0)
		return err_set(e, ERR_INVALID, "event_date", "撤销（确认违法、变更等）的日期不能晚于今天");
	if (decision_date && strcmp(event_date, decision_date) < 0)
		return err_set(e, ERR_INVALID, "event_date", "撤销（确认违法、变更等）的日期不能早于决定日期 %s", decision_date);
	return 0;
}

int disclosure_report_revocation(struct db *db, const struct actor *a, long long id, int row_version,
				 const char *reason, const char *note, const char *event_date, struct err *e)
{
	if (!dsc_withdraw_reason_ok(reason))
		return err_set(e, ERR_INVALID, "reason", "请选择原因：撤销、确认违法、责令重新作出或变更");
	if (str_empty(note) || !utf8_valid(note, strlen(note)) || strlen(note) > 2000)
		return err_set(e, ERR_INVALID, "note", "请填写说明（如复议决定书、判决书的文号，不超过2000字节）");
	if (event_date_ok(event_date, NULL, e) < 0)
		return -1;
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	long long open = open_withdraw_clock(db, &p);
	if (!dsc_can_write(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有本案执法人员或承办机构负责人可以登记");
	else if (!str_eq(p.state, "published") && !str_eq(p.state, "expired"))
		rc = err_set(e, ERR_CONFLICT, "state", "只有已公示的决定需要撤下（当前：%s）", disclosure_state_label(p.state));
	else if (event_date_ok(event_date, p.decision_date, e) < 0)
		rc = -1;
	else if (open < 0)
		rc = dsc_db_fail(db, e);
	else if (open > 0)
		rc = err_set(e, ERR_CONFLICT, "reason", "已登记过，撤下期限正在计算");
	long long did = 0;
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", p.id);
	/* 行政处罚法 第四十八条第二款: three working days from the event */
	if (rc == 0 && deadline_start(db, "publication_withdraw", p.unit_id, 0, "publication_withdraw", oid, event_date,
				      &did, e) < 0)
		rc = -1;
	if (rc == 0)
		rc = dsc_event(db, a, &p, "revocation_reported", p.current_version, reason,
			       json_pack("{s:s,s:s,s:I}", "note", note, "event_date", event_date, "deadline_id", (json_int_t)did),
			       NULL, NULL, NULL, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	return finish(db, &p, rc, e);
}

int disclosure_withdraw(struct db *db, const struct actor *a, long long id, int row_version, const char *reason,
			const char *note, const char *event_date, struct err *e)
{
	if (!dsc_withdraw_reason_ok(reason))
		return err_set(e, ERR_INVALID, "reason", "请选择撤下的原因：撤销、确认违法、责令重新作出或变更");
	if (str_empty(note) || !utf8_valid(note, strlen(note)) || strlen(note) > 2000)
		return err_set(e, ERR_INVALID, "note", "请填写撤下的说明（公开说明理由，不超过2000字节）");
	char today[11];
	time_today_shanghai(today);
	/* the event date: the reported one when a revocation was reported, else given now */
	if (!str_empty(event_date) && event_date_ok(event_date, NULL, e) < 0)
		return -1;
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	if (!dsc_is_head(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有承办机构负责人可以撤下公示（谁执法谁公示）");
	else if (!str_eq(p.state, "published") && !str_eq(p.state, "expired"))
		rc = err_set(e, ERR_CONFLICT, "state", "只有已公示的决定可以撤下（当前：%s）", disclosure_state_label(p.state));
	long long did = rc == 0 ? open_withdraw_clock(db, &p) : 0;
	if (rc == 0 && did < 0)
		rc = dsc_db_fail(db, e);
	else if (rc == 0 && did == 0 && event_date_ok(event_date, p.decision_date, e) < 0)
		rc = -1;
	char sha[65] = "";
	if (rc == 0)
		rc = current_sha(db, &p, sha, e);
	/* the three-working-day clock from the event (started when the
	 * revocation was reported, else now), met today */
	char oid[24], due[11] = "", started[11] = "";
	snprintf(oid, sizeof oid, "%lld", p.id);
	if (rc == 0 && did == 0 &&
	    deadline_start(db, "publication_withdraw", p.unit_id, 0, "publication_withdraw", oid, event_date, &did, e) < 0)
		rc = -1;
	if (rc == 0 && deadline_meet(db, did, today, e) < 0)
		rc = -1;
	if (rc == 0) {
		struct db_res *r;
		if (db_query(db, &r, "SELECT due_on, started_on FROM deadlines WHERE id = ?", DB_INT(did)) < 0)
			rc = dsc_db_fail(db, e);
		else {
			if (r->nrows) {
				snprintf(due, sizeof due, "%s", db_text(r, 0, 0));
				snprintf(started, sizeof started, "%s", db_text(r, 0, 1));
			}
			db_res_free(r);
		}
	}
	if (rc == 0) {
		json_t *leaf = json_pack("{s:I,s:i,s:s,s:s,s:I}", "publication_id", (json_int_t)p.id, "version",
					 p.current_version, "sha256", sha, "reason", reason, "actor", (json_int_t)a->user_id);
		rc = dsc_event(db, a, &p, "withdrawn", p.current_version, reason,
			       json_pack("{s:s,s:s,s:s,s:b,s:I}", "note", note, "event_date", started, "due_on", due, "late",
					 strcmp(today, due) > 0, "deadline_id", (json_int_t)did),
			       "publication.withdrawn", leaf, NULL, e);
	}
	if (rc == 0 && db_exec(db, "UPDATE publications SET state = 'withdrawn', withdrawn_on = ?, withdrawn_reason = ? WHERE id = ?",
			       DB_TEXT(today), DB_TEXT(reason), DB_INT(p.id)) < 0)
		rc = dsc_db_fail(db, e);
	if (rc == 0)
		rc = dsc_changed(db, p.id, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	return finish(db, &p, rc, e);
}

int disclosure_end_early(struct db *db, const struct actor *a, long long id, int row_version, const char *note,
			 struct err *e)
{
	if (str_empty(note) || !utf8_valid(note, strlen(note)) || strlen(note) > 2000)
		return err_set(e, ERR_INVALID, "note", "请填写信用修复的情况（不超过2000字节）");
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	char today[11], min_end[11] = "";
	time_today_shanghai(today);
	/* the shortest period (three months) must have passed: 令2023年第58号 as
	 * the rules' periods.source states */
	json_t *none = json_pack("[s]", "警告");
	disclosure_period_end("penalty", none, p.decision_date, NULL, min_end);
	json_decref(none);
	if (!dsc_is_head(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "提前终止公示须由承办机构负责人批准");
	else if (!str_eq(p.state, "published"))
		rc = err_set(e, ERR_CONFLICT, "state", "只有公示中的决定可以提前终止公示（当前：%s）", disclosure_state_label(p.state));
	else if (!p.period_ends_on[0])
		rc = err_set(e, ERR_CONFLICT, "state", "该决定没有公示期限，不适用信用修复后提前终止");
	else if (min_end[0] && strcmp(today, min_end) < 0)
		rc = err_set(e, ERR_CONFLICT, "state", "最短公示期（三个月，至 %s）届满后方可提前终止公示", min_end);
	char sha[65] = "";
	if (rc == 0)
		rc = current_sha(db, &p, sha, e);
	if (rc == 0)
		rc = dsc_event(db, a, &p, "ended_early", p.current_version, note,
			       json_pack("{s:s,s:s}", "note", note, "period_ends_on", p.period_ends_on), "publication.ended_early",
			       json_pack("{s:I,s:i,s:s}", "publication_id", (json_int_t)p.id, "version", p.current_version,
					 "sha256", sha),
			       NULL, e);
	if (rc == 0 && db_exec(db, "UPDATE publications SET state = 'expired', period_ends_on = ? WHERE id = ?", DB_TEXT(today),
			       DB_INT(p.id)) < 0)
		rc = dsc_db_fail(db, e);
	if (rc == 0)
		rc = dsc_changed(db, p.id, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	return finish(db, &p, rc, e);
}

int disclosure_expire_due(struct db *db, const char *today, int *n, struct err *e)
{
	if (n)
		*n = 0;
	struct db_res *r;
	if (db_query(db, &r, "SELECT id FROM publications WHERE state = 'published' AND period_ends_on IS NOT NULL"
			     " AND period_ends_on < ? ORDER BY id LIMIT 10000",
		     DB_TEXT(today)) < 0)
		return dsc_db_fail(db, e);
	int rc = 0;
	for (int i = 0; i < r->nrows && rc == 0; i++) {
		struct pub p;
		if (db_begin(db) < 0) {
			rc = dsc_db_fail(db, e);
			break;
		}
		if (dsc_load(db, db_int(r, i, 0), &p, e) < 0) {
			db_rollback(db);
			rc = -1;
			break;
		}
		if (!str_eq(p.state, "published")) { /* changed meanwhile */
			db_rollback(db);
			dsc_release(&p);
			continue;
		}
		char sha[65] = "";
		rc = current_sha(db, &p, sha, e);
		if (rc == 0 && db_exec(db, "UPDATE publications SET state = 'expired', row_version = row_version + 1 WHERE id = ?"
					   " AND state = 'published'",
				       DB_INT(p.id)) < 0)
			rc = dsc_db_fail(db, e);
		if (rc == 0)
			rc = dsc_event(db, NULL, &p, "expired", p.current_version, "公示期满",
				       json_pack("{s:s}", "period_ends_on", p.period_ends_on), "publication.expired",
				       json_pack("{s:I,s:i,s:s}", "publication_id", (json_int_t)p.id, "version",
						 p.current_version, "sha256", sha),
				       NULL, e);
		if (rc == 0)
			rc = dsc_changed(db, p.id, e);
		rc = finish(db, &p, rc, e);
		if (rc == 0 && n)
			(*n)++;
	}
	db_res_free(r);
	return rc;
}
