/* audit.c - the operation log (see audit.h). */
#include "core/core.h"
#include "people/audit.h"

int audit_log(struct db *db, const struct actor *a, const char *action,
	      const char *object_type, const char *object_id,
	      const char *result, const char *detail)
{
	char now[21];
	time_now_utc(now);
	int r = db_exec(db, "INSERT INTO op_log(at, user_id, username, unit_id, ip, request_id, action,"
			" object_type, object_id, result, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			DB_TEXT(now),
			a && a->user_id ? DB_INT(a->user_id) : DB_NULL,
			DB_TEXT(a && a->user_id ? a->username : "system"),
			a && a->unit_id ? DB_INT(a->unit_id) : DB_NULL,
			DB_TEXT(a ? a->ip : ""),
			DB_TEXT(a ? a->request_id : ""),
			DB_TEXT(action), DB_TEXT(object_type), DB_TEXT(object_id ? object_id : ""),
			DB_TEXT(result ? result : "ok"), DB_TEXT(detail ? detail : ""));
	if (r < 0)
		log_error("写入操作日志失败: %s", db_errmsg(db));
	return r;
}
