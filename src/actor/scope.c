/*
 * scope.c - data scope: which units an actor may see (see scope.h).
 */
#include "core/core.h"
#include "actor/scope.h"
#include "store/db.h"
#include <stdlib.h>

bool actor_unit_below(struct db *db, long long candidate, long long id)
{
	for (int depth = 0; candidate > 0 && depth < 64; depth++) {
		if (candidate == id)
			return true;
		candidate = db_scalar_int(db, 0, "SELECT parent_id FROM units WHERE id = ?",
					  (const struct db_val[]){ DB_INT(candidate), DB_END });
	}
	return false;
}

static enum scope effective_scope(const struct actor *a)
{
	if (actor_has(a, ROLE_ADMIN | ROLE_SUPERVISOR))
		return SCOPE_ALL;
	return a->scope;
}

bool actor_unit_in_scope(struct db *db, const struct actor *a, long long unit_id)
{
	if (!a || unit_id <= 0 || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return false;
	switch (effective_scope(a)) {
	case SCOPE_ALL:
		return true;
	case SCOPE_SUBTREE:
		return a->unit_id > 0 && actor_unit_below(db, unit_id, a->unit_id);
	case SCOPE_OWN:
		return unit_id == a->unit_id;
	default:
		return false;
	}
}

static int cmp_ll(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;
	return (a > b) - (a < b);
}

int actor_scope_units(struct db *db, const struct actor *a, long long **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	if (!a || (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN)))
		return 0;
	struct db_res *r = NULL;
	int rc;
	switch (effective_scope(a)) {
	case SCOPE_ALL:
		rc = db_query(db, &r, "SELECT id FROM units ORDER BY id");
		break;
	case SCOPE_SUBTREE:
		rc = db_query(db, &r, "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = ?"
			      " UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
			      " SELECT id FROM sub", DB_INT(a->unit_id));
		break;
	case SCOPE_OWN:
		rc = db_query(db, &r, "SELECT id FROM units WHERE id = ?", DB_INT(a->unit_id));
		break;
	default:
		return 0;
	}
	if (rc < 0)
		return -1;
	*ids = xcalloc((size_t)r->nrows + 1, sizeof **ids);
	for (int i = 0; i < r->nrows; i++)
		(*ids)[i] = db_int(r, i, 0);
	*n = (size_t)r->nrows;
	db_res_free(r);
	qsort(*ids, *n, sizeof **ids, cmp_ll);
	return 0;
}

bool actor_ids_contain(const long long *ids, size_t n, long long id)
{
	return n && bsearch(&id, ids, n, sizeof *ids, cmp_ll) != NULL;
}
