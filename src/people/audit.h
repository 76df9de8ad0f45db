/*
 * audit.h - the operation log (who did what to which object, when, from
 * where, with what result) and the login log (every login attempt).
 *
 * Invariants: rows are append-only - the database refuses UPDATE and
 * DELETE on op_log and login_log (triggers of migration 002) - and nothing
 * in zhifa deletes them, so they are kept well past the 180 days required.
 * Only administrators and supervisors may search them.
 */
#ifndef ZHIFA_AUDIT_H
#define ZHIFA_AUDIT_H
#include <jansson.h>
#include "core/err.h"
#include "store/db.h"
#include "people/actor.h"

/* Append one row.  Call inside the caller's transaction so the log row
 * commits or rolls back with the act.  a may be NULL (the system); the row
 * names a->username (or "system").  result: "ok" or a short failure code;
 * detail: free text, may be "" or NULL.  Returns 0, or -1 on a storage
 * error (logged). */
int audit_log(struct db *db, const struct actor *a, const char *action,
	      const char *object_type, const char *object_id,
	      const char *result, const char *detail);

/* Append one login-log row: user_id 0 when the name is unknown; username as
 * typed (cut to 64 bytes); result one of "ok", "fail", "locked",
 * "throttled", "logout", "password"; reason in Chinese.  Returns 0 or -1. */
int audit_login(struct db *db, long long user_id, const char *username,
		const char *ip, const char *user_agent,
		const char *result, const char *reason);

/* Search filters; NULL or "" fields do not filter. */
struct audit_filter {
	const char *username;    /* exact */
	const char *action;      /* exact (operation log only) */
	const char *object_type; /* exact (operation log only) */
	const char *object_id;   /* exact (operation log only) */
	const char *result;      /* exact */
	const char *ip;          /* exact */
	const char *date_from;   /* 'YYYY-MM-DD', Beijing date, inclusive */
	const char *date_to;     /* 'YYYY-MM-DD', Beijing date, inclusive */
	long long unit_id;       /* the acting person's unit (operation log only); 0: any */
	const char *role;        /* a role identifier the acting person holds now (operation log only) */
	const char *sort;        /* a column of audit_sort_columns (NULL/"": time) */
	bool asc;                /* ascending (default: newest / largest first) */
	int page;                /* 1-based; <= 0 means 1 */
	int per_page;            /* <= 0 means 50; at most 200, or AUDIT_EXPORT_MAX when all */
	bool all;                /* an export: every row from page 1, up to AUDIT_EXPORT_MAX */
};

#define AUDIT_EXPORT_MAX 20000

/* The sortable columns: "at", "username", "action", "object_type",
 * "result", "ip" (login log: "at", "username", "ip", "result").  Returns
 * true when col may sort the given log. */
bool audit_sort_ok(const char *col, bool oplog);

/* Search the operation log (audit_search) or the login log
 * (audit_login_search), newest first.  Only for actors with ROLE_ADMIN or
 * ROLE_SUPERVISOR (else ERR_FORBIDDEN); a malformed date gives ERR_INVALID
 * naming "date_from"/"date_to".  On success *out is a new object
 *   {"total":N,"page":P,"per_page":K,"items":[{...}, ...]}
 * where op-log items have id, at (UTC), at_local (Beijing "YYYY-MM-DD
 * HH:MM"), user_id (or null), username, unit_id (or null), ip, request_id,
 * action, object_type, object_id, result, detail; login-log items have id,
 * at, at_local, user_id, username, ip, user_agent, result, reason.
 * Codes come with their dictionary names (core/dict.h): action_label,
 * object_type_label and result_label (op log), result_label (login log).
 * An unknown sort column or role is ERR_INVALID naming "sort" / "role".
 * The caller owns *out (json_decref). */
int audit_search(struct db *db, const struct actor *a, const struct audit_filter *f,
		 json_t **out, struct err *e);
int audit_login_search(struct db *db, const struct actor *a, const struct audit_filter *f,
		       json_t **out, struct err *e);
#endif
