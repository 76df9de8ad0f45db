/*
 * review_people.c - who may review (法制审核人员 with a recorded legal
 * qualification, the seed's 四.(三)) and who decides when a division and
 * the 政策法规处 cannot agree (the division's 分管负责人, the seed's
 * 二.(三).3).  Migration 030; see people.h.
 */
#include "core/core.h"
#include "people/people.h"
#include "people/internal.h"
#include "actor/audit.h"
#include "calendar/calendar.h"

static const struct {
	const char *kind, *label;
} qual_kinds[] = {
	{ "lawyer", "法律职业资格" },
	{ "law_degree", "法学专业学历" },
	{ "legal_work", "从事法制工作经历" },
};

const char *people_qualification_label(const char *kind)
{
	for (size_t i = 0; i < sizeof qual_kinds / sizeof *qual_kinds; i++)
		if (str_eq(kind, qual_kinds[i].kind))
			return qual_kinds[i].label;
	return NULL;
}

static bool date_ok(const char *s)
{
	int32_t d;
	return s && strlen(s) == 10 && cal_date_parse(s, &d) == 0;
}

static bool user_exists(struct db *db, long long id)
{
	return id > 0 && db_scalar_int(db, 0, "SELECT COUNT(*) FROM users WHERE id = ?",
				       (const struct db_val[]){ DB_INT(id), DB_END }) > 0;
}

int people_qualification_add(struct db *db, const struct actor *a, const struct qualification_input *in,
			     long long *id_out, struct err *e)
{
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以登记法制审核资格");
	if (!user_exists(db, in->user_id))
		return err_set(e, ERR_NOTFOUND, "user_id", "人员不存在");
	if (!people_qualification_label(in->kind))
		return err_set(e, ERR_INVALID, "kind", "资格种类应为法律职业资格、法学专业学历或从事法制工作经历");
	const char *number = in->number ? in->number : "";
	if (!people_text_ok(number, str_eq(in->kind, "lawyer") ? 1 : 0, 64))
		return err_set(e, ERR_INVALID, "number",
			       str_eq(in->kind, "lawyer") ? "请填写法律职业资格证书编号（至多 64 字）" : "编号至多 64 字");
	char today[11];
	time_today_shanghai(today);
	if (!str_empty(in->issued_on) && (!date_ok(in->issued_on) || strcmp(in->issued_on, today) > 0))
		return err_set(e, ERR_INVALID, "issued_on", "取得日期应为不晚于今天的有效日期（YYYY-MM-DD）");
	const char *note = in->note ? in->note : "";
	if (!people_text_ok(note, str_eq(in->kind, "legal_work") ? 1 : 0, 500))
		return err_set(e, ERR_INVALID, "note",
			       str_eq(in->kind, "legal_work") ? "请写明从事法制工作的单位和年限（至多 500 字）" : "说明至多 500 字");
	char now[21];
	time_now_utc(now);
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	struct db_res *r;
	if (db_query(db, &r, "INSERT INTO legal_qualifications(user_id, action, kind, number, issued_on, note,"
			     " recorded_by, recorded_at) VALUES (?, 'recorded', ?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_INT(in->user_id), DB_TEXT(in->kind), DB_TEXT(number),
		     str_empty(in->issued_on) ? DB_NULL : DB_TEXT(in->issued_on), DB_TEXT(note), DB_INT(a->user_id),
		     DB_TEXT(now)) < 0)
		return people_tx_fail(db, e, true);
	long long id = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char ids[24], detail[160];
	snprintf(ids, sizeof ids, "%lld", in->user_id);
	snprintf(detail, sizeof detail, "登记%s（记录 %lld）", people_qualification_label(in->kind), id);
	if (audit_log(db, a, "user.qualification", "user", ids, "ok", detail) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	if (id_out)
		*id_out = id;
	return 0;
}

int people_qualification_withdraw(struct db *db, const struct actor *a, long long qual_id, const char *reason,
				  struct err *e)
{
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以撤销法制审核资格");
	if (!people_text_ok(reason, 1, 500))
		return err_set(e, ERR_INVALID, "reason", "请写明撤销的原因（至多 500 字）");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	struct db_res *r;
	if (db_query(db, &r, "SELECT q.user_id, q.kind, (SELECT COUNT(*) FROM legal_qualifications w"
			     " WHERE w.withdraws_id = q.id) FROM legal_qualifications q WHERE q.id = ? AND q.action = 'recorded'",
		     DB_INT(qual_id)) < 0)
		return people_tx_fail(db, e, true);
	if (r->nrows == 0 || db_int(r, 0, 2) > 0) {
		bool gone = r->nrows == 0;
		db_res_free(r);
		db_rollback(db);
		return gone ? err_set(e, ERR_NOTFOUND, "id", "该资格记录不存在")
			    : err_set(e, ERR_CONFLICT, "id", "该资格已经撤销");
	}
	long long uid = db_int(r, 0, 0);
	char kind[16];
	snprintf(kind, sizeof kind, "%s", db_text(r, 0, 1));
	db_res_free(r);
	char now[21];
	time_now_utc(now);
	char ids[24], detail[160];
	snprintf(ids, sizeof ids, "%lld", uid);
	snprintf(detail, sizeof detail, "撤销%s（记录 %lld）", people_qualification_label(kind), qual_id);
	if (db_exec(db, "INSERT INTO legal_qualifications(user_id, action, withdraws_id, kind, number, note, recorded_by,"
			" recorded_at) VALUES (?, 'withdrawn', ?, ?, '', ?, ?, ?)",
		    DB_INT(uid), DB_INT(qual_id), DB_TEXT(kind), DB_TEXT(reason), DB_INT(a->user_id), DB_TEXT(now)) < 0 ||
	    audit_log(db, a, "user.qualification_withdrawn", "user", ids, "ok", detail) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

json_t *people_qualifications(struct db *db, long long user_id)
{
	json_t *out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT q.id, q.kind, q.number, COALESCE(q.issued_on, ''), q.note, q.recorded_at,"
			     " COALESCE(w.note, ''), COALESCE(w.recorded_at, ''), w.id FROM legal_qualifications q"
			     " LEFT JOIN legal_qualifications w ON w.withdraws_id = q.id"
			     " WHERE q.user_id = ? AND q.action = 'recorded' ORDER BY q.id",
		     DB_INT(user_id)) < 0)
		return out;
	for (int i = 0; i < r->nrows; i++) {
		bool withdrawn = db_cell(r, i, 8) != NULL;
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "id",
						     (json_int_t)db_int(r, i, 0), "kind", db_text(r, i, 1), "kind_label",
						     people_qualification_label(db_text(r, i, 1)), "number",
						     db_text(r, i, 2), "issued_on", db_text(r, i, 3), "note",
						     db_text(r, i, 4), "recorded_at", db_text(r, i, 5), "withdrawn",
						     withdrawn, "withdrawn_reason", db_text(r, i, 6), "withdrawn_at",
						     db_text(r, i, 7)));
	}
	db_res_free(r);
	return out;
}

bool people_reviewer_qualified(struct db *db, long long user_id, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT u.locked, un.is_reviewer, u.name FROM users u JOIN units un ON un.id = u.unit_id"
			     " WHERE u.id = ?", DB_INT(user_id)) < 0) {
		people_db_fail(db, e);
		return false;
	}
	if (r->nrows == 0) {
		db_res_free(r);
		err_set(e, ERR_NOTFOUND, "reviewer_id", "人员不存在");
		return false;
	}
	char name[128];
	snprintf(name, sizeof name, "%s", db_text(r, 0, 2));
	bool locked = db_int(r, 0, 0) != 0, in_office = db_int(r, 0, 1) != 0;
	db_res_free(r);
	unsigned roles = people_load_roles(db, user_id);
	if (!(roles & ROLE_REVIEWER) || !in_office) {
		err_set(e, ERR_INVALID, "reviewer_id", "%s不是政策法规处的法制审核人员", name);
		return false;
	}
	if (locked) {
		err_set(e, ERR_INVALID, "reviewer_id", "%s的账号已锁定", name);
		return false;
	}
	long long n = db_scalar_int(db, 0, "SELECT COUNT(*) FROM legal_qualifications q WHERE q.user_id = ?"
					   " AND q.action = 'recorded' AND NOT EXISTS (SELECT 1 FROM"
					   " legal_qualifications w WHERE w.withdraws_id = q.id)",
				    (const struct db_val[]){ DB_INT(user_id), DB_END });
	if (n <= 0) {
		err_set(e, ERR_INVALID, "reviewer_id", "%s尚未登记法律职业资格或法律专业背景，不能担任法制审核人员", name);
		return false;
	}
	return true;
}

int people_unit_set_leader(struct db *db, const struct actor *a, long long unit_id, long long leader_id,
			   const char *since_on, struct err *e)
{
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以设置分管负责人");
	if (unit_id <= 0 || db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE id = ?",
					  (const struct db_val[]){ DB_INT(unit_id), DB_END }) <= 0)
		return err_set(e, ERR_NOTFOUND, "unit_id", "单位不存在");
	if (leader_id > 0) {
		if (!user_exists(db, leader_id))
			return err_set(e, ERR_INVALID, "leader_id", "所选人员不存在");
		if (!(people_load_roles(db, leader_id) & ROLE_LEADER))
			return err_set(e, ERR_INVALID, "leader_id", "所选人员没有分管负责人角色");
	}
	char today[11];
	time_today_shanghai(today);
	if (str_empty(since_on))
		since_on = today;
	if (!date_ok(since_on))
		return err_set(e, ERR_INVALID, "since_on", "起始日期应为有效日期（YYYY-MM-DD）");
	char now[21];
	time_now_utc(now);
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	char ids[24], detail[200];
	char *who = leader_id > 0 ? people_user_name(db, leader_id) : NULL;
	snprintf(ids, sizeof ids, "%lld", unit_id);
	snprintf(detail, sizeof detail, "分管负责人：%s（自 %s）", who ? who : "无", since_on);
	free(who);
	if (db_exec(db, "INSERT INTO unit_leaders(unit_id, leader_user_id, since_on, set_by, set_at) VALUES (?, ?, ?, ?, ?)",
		    DB_INT(unit_id), leader_id > 0 ? DB_INT(leader_id) : DB_NULL, DB_TEXT(since_on), DB_INT(a->user_id),
		    DB_TEXT(now)) < 0 ||
	    audit_log(db, a, "unit.leader", "unit", ids, "ok", detail) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}

long long people_unit_leader(struct db *db, long long unit_id)
{
	/* the unit's newest row in force today, else the nearest unit above
	 * with one */
	char today[11];
	time_today_shanghai(today);
	for (int depth = 0; unit_id > 0 && depth < 32; depth++) {
		struct db_res *r;
		if (db_query(db, &r, "SELECT leader_user_id FROM unit_leaders WHERE unit_id = ? AND since_on <= ?"
				     " ORDER BY since_on DESC, id DESC LIMIT 1",
			     DB_INT(unit_id), DB_TEXT(today)) < 0)
			return 0;
		if (r->nrows) {
			long long id = db_int(r, 0, 0);
			db_res_free(r);
			return id;
		}
		db_res_free(r);
		unit_id = db_scalar_int(db, 0, "SELECT COALESCE(parent_id, 0) FROM units WHERE id = ?",
					(const struct db_val[]){ DB_INT(unit_id), DB_END });
	}
	return 0;
}
