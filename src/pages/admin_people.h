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

/* The model of person id / unit id (NULL after answering 404/403) and
 * their pages (admin_users.c, admin_units.c), for the forms of
 * admin_review_people.c that answer on them. */
json_t *admin_user_model(struct req *r, long long id);
void admin_render_user(struct req *r, json_t *m);
json_t *admin_unit_model(struct req *r, long long id);
void admin_render_unit(struct req *r, json_t *m);
/* admin_review_people.c: the legal-review qualifications on a person's
 * page, the 分管负责人 on a unit's page (model and section). */
void admin_user_qualifications_section(struct req *r, json_t *m);
void admin_unit_leader_model(struct req *r, json_t *m, long long unit_id);
void admin_unit_leader_section(struct req *r, json_t *m);

static inline bool admin_can_admin(const struct req *r)
{
	return actor_has(&r->actor, ROLE_ADMIN);
}
#endif
