/*
 * stamp.c - state stamps (see stamp.h).
 */
#include "store/stamp.h"

long long state_stamp_get(struct db *db, const char *kind)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT stamp FROM state_stamps WHERE kind = ?", DB_TEXT(kind)) < 0)
		return -1;
	long long v = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	return v;
}

int state_stamp_bump(struct db *db, const char *kind)
{
	return db_exec(db, "INSERT INTO state_stamps(kind, stamp) VALUES (?, 1) "
			   "ON CONFLICT (kind) DO UPDATE SET stamp = state_stamps.stamp + 1",
		       DB_TEXT(kind));
}
