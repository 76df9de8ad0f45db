/*
 * actor.h - who is acting: the logged-in person (or the public), with
 * roles and data scope.  Every domain function that reads or changes
 * protected data takes a const struct actor * and checks it itself; the
 * menus only hide what the domain would refuse anyway.
 *
 * Data scope: SCOPE_OWN = the person's own unit only; SCOPE_SUBTREE = own
 * unit and all units below it in the unit tree; SCOPE_ALL = every unit.
 */
#ifndef ZHIFA_ACTOR_H
#define ZHIFA_ACTOR_H
#include "core/core.h"

enum role {
	ROLE_OFFICER = 1 << 0,    /* 执法人员 */
	ROLE_HEAD = 1 << 1,       /* 处室负责人 */
	ROLE_REVIEWER = 1 << 2,   /* 法制审核人员 */
	ROLE_LEADER = 1 << 3,     /* 分管负责人 */
	ROLE_ARCHIVIST = 1 << 4,  /* 档案管理员 */
	ROLE_ADMIN = 1 << 5,      /* 系统管理员 */
	ROLE_SUPERVISOR = 1 << 6, /* 监督 */
};
#define ROLE_COUNT 7

enum scope { SCOPE_NONE = 0, SCOPE_OWN = 1, SCOPE_SUBTREE = 2, SCOPE_ALL = 3 };

struct actor {
	long long user_id;     /* 0 = the public (not logged in) */
	long long unit_id;     /* 0 = none */
	unsigned roles;        /* bit set of enum role */
	enum scope scope;
	char username[64];
	char name[64];         /* display name */
	char ip[64];           /* client address, for the logs */
	char request_id[40];
	bool must_change;      /* must change the password before anything else */
};

static inline bool actor_has(const struct actor *a, unsigned role) { return a && (a->roles & role); }
static inline bool actor_logged_in(const struct actor *a) { return a && a->user_id > 0; }

/* Role names: the identifier ("officer") and the Chinese label ("执法人员"). */
const char *role_ident(unsigned role);
const char *role_label(unsigned role);
/* Parse an identifier; 0 if unknown. */
unsigned role_parse(const char *ident);
/* Parse a comma-separated list of identifiers ("officer,head") into a
 * bit set; 0 if the list is empty or any name is unknown. */
unsigned roles_parse_list(const char *list);
/* Append the roles of the bit set to out, in enum order: identifiers joined
 * by ',' (labels false) or Chinese labels joined by '、' (labels true). */
void roles_format(unsigned roles, bool labels, struct buf *out);
/* Fill out with the system actor used by the command line and start-up
 * code: user_id 0, ROLE_ADMIN, SCOPE_ALL, username/name = who ("system" if
 * NULL), ip "local".  Audit rows written with it name who. */
void actor_system(struct actor *out, const char *who);
#endif
