/*
 * admin_people.h - what the unit pages (admin_units.c) and the people pages
 * (admin_users.c) share: the units the actor may see, and whether the
 * actor administers people.
 */
#ifndef ZHIFA_PAGES_ADMIN_PEOPLE_H
#define ZHIFA_PAGES_ADMIN_PEOPLE_H
#include "core/core.h"
#include "http/http.h"
#include <jansson.h>

/* The units in the actor's scope (people_unit_list), never NULL. */
json_t *admin_unit_list(struct req *r);

static inline bool admin_can_admin(const struct req *r)
{
	return actor_has(&r->actor, ROLE_ADMIN);
}
#endif
