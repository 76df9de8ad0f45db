/*
 * audit.h - the operation log: who did what to which object, when, from
 * where, with what result.  Rows are append-only (the database refuses
 * UPDATE and DELETE) and never deleted, so they are kept well past the
 * 180 days required.
 */
#ifndef ZHIFA_AUDIT_H
#define ZHIFA_AUDIT_H
#include "store/db.h"
#include "people/actor.h"

/* Append one row.  Call inside the caller's transaction so the log row
 * commits or rolls back with the act.  a may be NULL (the system).
 * result: "ok" or a short failure code; detail: free text, may be "". */
int audit_log(struct db *db, const struct actor *a, const char *action,
	      const char *object_type, const char *object_id,
	      const char *result, const char *detail);
#endif
