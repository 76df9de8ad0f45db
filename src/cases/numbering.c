/*
 * numbering.c - number schemes as data and gapless numbers (numbering.h).
 *
 * How a number is drawn (numbering_next, inside the act's transaction):
 *   1. the scheme version in force on the act's date;
 *   2. the counter of (body, kind, year): UPDATE ... SET last = last + 1
 *      RETURNING last.  On PostgreSQL this takes the row lock, held until
 *      the act commits or rolls back, so a concurrent act of the same kind
 *      waits and then sees the committed value; a rolled-back act releases
 *      its number with everything else.  On SQLite the write transaction
 *      itself serialises writers.  The first number of a year inserts the
 *      counter row (INSERT ... ON CONFLICT DO NOTHING); when a concurrent
 *      act inserted it first, the UPDATE is tried again;
 *   3. the number is formatted and appended to number_issued, whose UNIQUE
 *      (body, kind, year, seq) would refuse a duplicate if the above ever
 *      failed.
 */
#include "core/core.h"
#include "cases/numbering.h"
#include "store/db.h"
#include "actor/audit.h"
#include "calendar/calendar.h"
#include "core/dict.h"

static const char *const kinds[] = { "penalty_filing",	   "penalty_decision",	"penalty_simple", "licence_acceptance",
				     "licence_decision",   "coercion_decision", "inspection" };

bool numbering_kind_ok(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (str_eq(kind, kinds[i]))
			return true;
	return false;
}

static int storage_error(struct db *db, struct err *e, const char *what)
{
	log_error("%s: %s", what, db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "%s，请稍后再试", what);
}

int numbering_format(const char *pattern, int pad, int year, long long n, char *out, size_t outsz)
{
	struct buf b = BUF_INIT;
	const char *p = pattern;
	while (*p) {
		if (str_starts(p, "{year}")) {
			buf_printf(&b, "%d", year);
			p += 6;
		} else if (str_starts(p, "{n}")) {
			buf_printf(&b, "%0*lld", pad > 0 ? pad : 1, n);
			p += 3;
		} else {
			buf_add(&b, p, 1);
			p++;
		}
	}
	int rc = b.len < outsz ? 0 : -1;
	if (rc == 0)
		memcpy(out, buf_str(&b), b.len + 1);
	else if (outsz)
		out[0] = 0;
	buf_release(&b);
	return rc;
}

static int count_of(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* 1 when unit id is a body (执法主体), 0 when not, -1 on storage failure. */
static int is_body(struct db *db, long long id)
{
	long long v = db_scalar_int(db, -1, "SELECT CASE WHEN kind = 'body' THEN 1 ELSE 0 END FROM units WHERE id = ?",
				    (const struct db_val[]){ DB_INT(id), DB_END });
	return v < 0 ? 0 : (int)v;
}

int numbering_next(struct db *db, long long body_unit_id, const char *kind, const char *date,
		   const char *object_type, const char *object_id, char *out, size_t outsz, long long *seq,
		   struct err *e)
{
	int32_t day;
	if (cal_date_parse(date, &day) < 0)
		return err_set(e, ERR_INVALID, "date", "编号日期“%.40s”不是 YYYY-MM-DD 形式的真实日期", date ? date : "");
	if (!numbering_kind_ok(kind))
		return err_set(e, ERR_INVALID, "kind", "未知的文号种类“%.40s”", kind ? kind : "");
	if (str_empty(object_type) || str_empty(object_id))
		return err_set(e, ERR_INVALID, "object_id", "编号必须指明所属对象");
	int year;
	cal_civil_from_days(day, &year, NULL, NULL);
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, pattern, pad FROM number_schemes WHERE body_unit_id = ? AND kind = ?"
		     " AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1",
		     DB_INT(body_unit_id), DB_TEXT(kind), DB_TEXT(date)) < 0)
		return storage_error(db, e, "读取文号规则失败");
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "kind", "该执法主体没有在 %s 有效的“%s”规则，请系统管理员先设置文号规则", date,
			       dict_label("number_kind", kind));
	}
	long long scheme_id = db_int(r, 0, 0);
	char pattern[512];
	snprintf(pattern, sizeof pattern, "%s", db_text(r, 0, 1));
	int pad = (int)db_int(r, 0, 2);
	db_res_free(r);

	char now[21];
	time_now_utc(now);
	long long n = 0;
	for (int attempt = 0; attempt < 2 && n == 0; attempt++) {
		if (db_query(db, &r, "UPDATE number_counters SET last = last + 1, updated_at = ? WHERE body_unit_id = ?"
			     " AND kind = ? AND year = ? RETURNING last", DB_TEXT(now), DB_INT(body_unit_id), DB_TEXT(kind),
			     DB_INT(year)) < 0)
			return storage_error(db, e, "取号失败");
		n = r->nrows ? db_int(r, 0, 0) : 0;
		db_res_free(r);
		if (n)
			break;
		/* the year's first number */
		if (db_query(db, &r, "INSERT INTO number_counters(body_unit_id, kind, year, last, updated_at)"
			     " VALUES (?, ?, ?, 1, ?) ON CONFLICT DO NOTHING RETURNING last", DB_INT(body_unit_id),
			     DB_TEXT(kind), DB_INT(year), DB_TEXT(now)) < 0)
			return storage_error(db, e, "取号失败");
		n = r->nrows ? db_int(r, 0, 0) : 0;
		db_res_free(r);
	}
	if (n == 0)
		return err_set(e, ERR_INTERNAL, "", "取号失败，请稍后再试");
	char num[512];
	if (numbering_format(pattern, pad, year, n, num, sizeof num) < 0 || strlen(num) >= outsz)
		return err_set(e, ERR_CONFLICT, "", "文号过长");
	if (db_exec(db, "INSERT INTO number_issued(body_unit_id, kind, year, seq, number, scheme_id, object_type, object_id,"
		    " issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", DB_INT(body_unit_id), DB_TEXT(kind), DB_INT(year),
		    DB_INT(n), DB_TEXT(num), DB_INT(scheme_id), DB_TEXT(object_type), DB_TEXT(object_id), DB_TEXT(now)) < 0) {
		if (db_errcode(db) == DBE_CONSTRAINT)
			return err_set(e, ERR_CONFLICT, "", "文号“%s”已经使用过（两个版本的规则格式相同？），请检查文号规则", num);
		return storage_error(db, e, "保存文号失败");
	}
	memcpy(out, num, strlen(num) + 1);
	if (seq)
		*seq = n;
	return 0;
}

static int scheme_validate(struct db *db, const struct number_scheme_input *in, struct err *e)
{
	int32_t d;
	if (in->body_unit_id <= 0 || !is_body(db, in->body_unit_id))
		return err_set(e, ERR_INVALID, "body_unit_id", "文号规则只能属于执法主体（本厅或法律授权的组织）");
	if (!numbering_kind_ok(in->kind))
		return err_set(e, ERR_INVALID, "kind", "请从列表中选择文号种类");
	if (str_empty(in->pattern) || count_of(in->pattern, "{year}") != 1 || count_of(in->pattern, "{n}") != 1)
		return err_set(e, ERR_INVALID, "pattern", "文号格式必须各含一次 {year}（年份）和 {n}（序号），如 云工信罚〔{year}〕{n}号");
	if (strlen(in->pattern) > 200 || !utf8_valid(in->pattern, strlen(in->pattern)))
		return err_set(e, ERR_INVALID, "pattern", "文号格式过长或含有无效字符");
	if (in->pad < 0 || in->pad > 9)
		return err_set(e, ERR_INVALID, "pad", "序号位数必须在 0 至 9 之间（0 表示不补零）");
	if (cal_date_parse(in->effective_from, &d) < 0)
		return err_set(e, ERR_INVALID, "effective_from", "生效日期不是 YYYY-MM-DD 形式的真实日期");
	if ((in->basis && strlen(in->basis) > 600) || (in->note && strlen(in->note) > 600))
		return err_set(e, ERR_INVALID, in->basis && strlen(in->basis) > 600 ? "basis" : "note", "依据或说明过长");
	return 0;
}

int numbering_scheme_add(struct db *db, const struct actor *a, const struct number_scheme_input *in, long long *id,
			 struct err *e)
{
	if (scheme_validate(db, in, e) < 0)
		return -1;
	char now[21];
	time_now_utc(now);
	const char *who = a && !str_empty(a->username) ? a->username : "system";
	if (db_begin(db) < 0)
		return storage_error(db, e, "数据库繁忙");
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note,"
		     " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", DB_INT(in->body_unit_id),
		     DB_TEXT(in->kind), DB_TEXT(in->pattern), DB_INT(in->pad), DB_TEXT(in->effective_from),
		     DB_TEXT(in->basis ? in->basis : ""), DB_TEXT(in->note ? in->note : ""), DB_TEXT(who), DB_TEXT(now)) < 0) {
		bool dup = db_errcode(db) == DBE_CONSTRAINT;
		db_rollback(db);
		if (dup)
			return err_set(e, ERR_CONFLICT, "effective_from", "该执法主体“%s”在 %s 生效的版本已存在",
				       dict_label("number_kind", in->kind), in->effective_from);
		return storage_error(db, e, "保存文号规则失败");
	}
	long long nid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char oid[32], detail[900];
	snprintf(oid, sizeof oid, "%lld", nid);
	snprintf(detail, sizeof detail, "%s: %s, 自 %s 起生效(操作人 %s)", in->kind, in->pattern, in->effective_from, who);
	if (audit_log(db, a, "number_scheme.add", "number_scheme", oid, "ok", detail) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return storage_error(db, e, "保存文号规则失败");
	}
	if (id)
		*id = nid;
	return 0;
}

int numbering_seed_defaults(struct db *db, struct err *e)
{
	static const struct {
		const char *kind, *pattern, *basis;
	} defs[] = {
		{ "penalty_filing", "云工信罚立〔{year}〕{n}号", "本厅执法文书编号规则" },
		{ "penalty_decision", "云工信罚〔{year}〕{n}号", "本厅执法文书编号规则" },
		{ "penalty_simple", "云工信简罚〔{year}〕{n}号",
		  "《中华人民共和国行政处罚法》第五十二条：填写预定格式、编有号码的行政处罚决定书" },
		{ "licence_acceptance", "云工信许受〔{year}〕{n}号",
		  "《中华人民共和国行政许可法》第三十二条第二款：出具加盖本行政机关专用印章和注明日期的书面凭证" },
		{ "licence_decision", "云工信许〔{year}〕{n}号", "本厅执法文书编号规则" },
		{ "coercion_decision", "云工信强〔{year}〕{n}号", "本厅执法文书编号规则" },
		{ "inspection", "云工信检〔{year}〕{n}号", "本厅执法文书编号规则" },
	};
	long long body = db_scalar_int(db, 0, "SELECT id FROM units WHERE code = 'gxt'", (const struct db_val[]){ DB_END });
	if (body <= 0)
		return 0;
	char now[21];
	time_now_utc(now);
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++)
		if (db_exec(db, "INSERT INTO number_schemes(body_unit_id, kind, pattern, pad, effective_from, basis, note,"
			    " created_by, created_at) SELECT ?, ?, ?, 0, '2018-01-01', ?, '', 'system', ? WHERE NOT EXISTS"
			    " (SELECT 1 FROM number_schemes WHERE body_unit_id = ? AND kind = ?)", DB_INT(body),
			    DB_TEXT(defs[i].kind), DB_TEXT(defs[i].pattern), DB_TEXT(defs[i].basis), DB_TEXT(now), DB_INT(body),
			    DB_TEXT(defs[i].kind)) < 0)
			return storage_error(db, e, "保存文号规则失败");
	return 0;
}

/* ---- listings ---- */

json_t *numbering_schemes_list(struct db *db, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT s.id, s.body_unit_id, u.name, s.kind, s.pattern, s.pad, s.effective_from, s.basis,"
		     " s.note, s.created_by, s.created_at FROM number_schemes s JOIN units u ON u.id = s.body_unit_id"
		     " ORDER BY s.body_unit_id, s.kind, s.effective_from") < 0) {
		storage_error(db, e, "读取文号规则失败");
		return NULL;
	}
	char today[11];
	time_today_shanghai(today);
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		bool future = strcmp(db_text(r, i, 6), today) > 0;
		bool superseded = i + 1 < r->nrows && db_int(r, i + 1, 1) == db_int(r, i, 1) &&
				  str_eq(db_text(r, i + 1, 3), db_text(r, i, 3)) && strcmp(db_text(r, i + 1, 6), today) <= 0;
		char example[512];
		int32_t d;
		int y = 2026;
		if (cal_date_parse(today, &d) == 0)
			cal_civil_from_days(d, &y, NULL, NULL);
		numbering_format(db_text(r, i, 4), (int)db_int(r, i, 5), y, 1, example, sizeof example);
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)db_int(r, i, 0), "body_unit_id", (json_int_t)db_int(r, i, 1), "body_name",
				      db_text(r, i, 2), "kind", db_text(r, i, 3), "pattern", db_text(r, i, 4), "pad",
				      (json_int_t)db_int(r, i, 5), "effective_from", db_text(r, i, 6), "basis",
				      db_text(r, i, 7), "note", db_text(r, i, 8), "created_by", db_text(r, i, 9), "created_at",
				      db_text(r, i, 10), "example", example);
		json_object_set_new(o, "in_force", json_boolean(!future && !superseded));
		json_object_set_new(o, "future", json_boolean(future));
		json_array_append_new(arr, o);
	}
	db_res_free(r);
	return arr;
}

json_t *numbering_counters_list(struct db *db, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT c.body_unit_id, u.name, c.kind, c.year, c.last FROM number_counters c"
		     " JOIN units u ON u.id = c.body_unit_id ORDER BY c.year DESC, c.body_unit_id, c.kind") < 0) {
		storage_error(db, e, "读取文号计数失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:I}", "body_unit_id", (json_int_t)db_int(r, i, 0),
						     "body_name", db_text(r, i, 1), "kind", db_text(r, i, 2), "year",
						     (json_int_t)db_int(r, i, 3), "last", (json_int_t)db_int(r, i, 4)));
	db_res_free(r);
	return arr;
}

json_t *numbering_issued_list(struct db *db, const char *kind, int limit, struct err *e)
{
	struct db_res *r = NULL;
	if (kind && !numbering_kind_ok(kind)) {
		err_set(e, ERR_INVALID, "kind", "未知的文号种类");
		return NULL;
	}
	if (db_query(db, &r, "SELECT id, body_unit_id, kind, year, seq, number, object_type, object_id, issued_at, scheme_id"
		     " FROM number_issued WHERE (? = '' OR kind = ?) ORDER BY id DESC LIMIT ?", DB_TEXT(kind ? kind : ""),
		     DB_TEXT(kind ? kind : ""), DB_INT(limit > 0 ? limit : 200)) < 0) {
		storage_error(db, e, "读取已发文号失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		char local[20];
		time_utc_to_shanghai(db_text(r, i, 8), local);
		json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
				      (json_int_t)db_int(r, i, 0), "body_unit_id", (json_int_t)db_int(r, i, 1), "kind",
				      db_text(r, i, 2), "year", (json_int_t)db_int(r, i, 3), "seq", (json_int_t)db_int(r, i, 4),
				      "number", db_text(r, i, 5), "object_type", db_text(r, i, 6), "object_id",
				      db_text(r, i, 7), "issued_at", db_text(r, i, 8), "issued_at_local", local, "scheme_id",
				      (json_int_t)db_int(r, i, 9));
		json_array_append_new(arr, o);
	}
	db_res_free(r);
	return arr;
}

json_t *numbering_bodies(struct db *db, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, name FROM units WHERE kind = 'body' ORDER BY sort, id") < 0) {
		storage_error(db, e, "读取执法主体失败");
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)db_int(r, i, 0), "name", db_text(r, i, 1)));
	db_res_free(r);
	return arr;
}
