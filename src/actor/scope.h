/*
 * scope.h - the data scope of an actor (数据范围): which units of the unit
 * tree a person may see and act on.  An actor with ROLE_ADMIN or
 * ROLE_SUPERVISOR sees every unit; otherwise users.scope decides: own unit
 * (SCOPE_OWN), own unit and those below it (SCOPE_SUBTREE), or all
 * (SCOPE_ALL).  The public (not logged in) sees no unit.  Below the three
 * systems, so that every domain module checks scope the same way.
 */
#ifndef ZHIFA_SCOPE_H
#define ZHIFA_SCOPE_H
#include "core/core.h"
#include "actor/actor.h"

struct db;

/* Whether unit_id lies in a's data scope. */
bool actor_unit_in_scope(struct db *db, const struct actor *a, long long unit_id);
/* The ids of every unit in a's scope, ascending (caller frees *ids; may be
 * NULL with *n 0).  0, or -1 on a storage failure. */
int actor_scope_units(struct db *db, const struct actor *a, long long **ids, size_t *n);
/* Whether the ascending ids (from actor_scope_units) contain id. */
bool actor_ids_contain(const long long *ids, size_t n, long long id);
/* Whether unit candidate is id or lies below it in the unit tree. */
bool actor_unit_below(struct db *db, long long candidate, long long id);
#endif
