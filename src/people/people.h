/*
 * people.h - units (the unit tree), people, roles and data scope.
 *
 * Invariants:
 *  - Every function that reads or changes protected data takes the acting
 *    struct actor and checks it here (not in menus).  Units are managed by
 *    administrators only; people are managed by administrators only.
 *  - Data scope: an actor with ROLE_ADMIN or ROLE_SUPERVISOR reads all
 *    units; otherwise users.scope decides (own unit / unit and below / all).
 *  - Each change runs in one transaction and writes one operation-log row
 *    (audit_log) in it; on -1 nothing is written.
 *  - Password hashes never leave src/people/: no function returns them.
 *  - JSON results are new references the caller json_decref()s.
 */
#ifndef ZHIFA_PEOPLE_H
#define ZHIFA_PEOPLE_H
#include <jansson.h>
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

/* ---- units ---- */
struct unit_input {
	long long parent_id;      /* 0 = a root unit */
	const char *code;         /* 1-32 of [a-z0-9_-], unique */
	const char *name;         /* 1-64 characters, unique */
	bool enforcement_power;   /* 有执法权 */
	bool is_reviewer;         /* 政策法规处 (legal review) */
	int sort;                 /* display order among siblings */
	/* 执法主体 (migration 010): "body" for the department or an
	 * organisation authorised by law, "office" for a division (a body's
	 * 承办机构 when it has enforcement duties).  NULL or "" = "body" for a
	 * root unit, "office" otherwise.  An office with enforcement_power
	 * must have a body above it. */
	const char *kind;
	/* A body's public contacts (each 0-100 characters; NULL = ""; kept
	 * only on bodies): office address, phone, the person in charge, and
	 * the supervision/complaint phone (监督投诉电话). */
	const char *address, *phone, *head_name, *complaint_phone;
};

/* Create a unit (admin only).  *id_out (if not NULL) gets the new id.
 * Errors: ERR_FORBIDDEN; ERR_INVALID naming "code", "name" or "parent_id";
 * ERR_CONFLICT for a duplicate code or name. */
int people_unit_create(struct db *db, const struct actor *a, const struct unit_input *in,
		       long long *id_out, struct err *e);
/* Replace every field of unit id (admin only).  Moving a unit under itself
 * or one of its descendants is refused (ERR_INVALID, "parent_id"). */
int people_unit_update(struct db *db, const struct actor *a, long long id,
		       const struct unit_input *in, struct err *e);
/* Delete unit id (admin only); refused with ERR_CONFLICT while it has
 * sub-units or people. */
int people_unit_delete(struct db *db, const struct actor *a, long long id, struct err *e);
/* All units for any logged-in actor (the tree is not secret; pickers need
 * it), ordered parent first then sort, name: an array of {id, parent_id
 * (or null), code, name, enforcement_power, is_reviewer, sort, depth,
 * in_scope, kind, address, phone, head_name, complaint_phone, body_id
 * (the nearest body at or above it, 0 if none)}.  ERR_UNAUTH for the
 * public. */
int people_unit_list(struct db *db, const struct actor *a, json_t **out, struct err *e);
/* The 执法主体 of unit_id: the nearest unit of kind "body" at or above
 * it; 0 when none (or on a storage error). */
long long people_unit_body(struct db *db, long long unit_id);
/* The name of a unit / of a person (caller frees); NULL if there is none. */
char *people_unit_name(struct db *db, long long unit_id);
char *people_user_name(struct db *db, long long user_id);
/* Every unit as [{id, name}] in the tree's order (sort, id), only those
 * with enforcement duties when enforcing_only; the caller filters by its
 * own scope rule.  Empty on a storage failure (logged). */
json_t *people_units_brief(struct db *db, bool enforcing_only);
/* The unit with this code, 0 if none. */
long long people_unit_by_code(struct db *db, const char *code);
/* True when unit id is the 政策法规处 (is_reviewer = 1). */
bool people_unit_is_reviewer(struct db *db, long long unit_id);

/* ---- legal review: qualifications and leaders (review_people.c) ----
 * A 法制审核人员 may be assigned a review only with a recorded legal
 * qualification (the seed's 四.(三)): kind "lawyer" 法律职业资格 (number
 * required), "law_degree" 法学专业学历 or "legal_work" 从事法制工作经历
 * (note required).  Records are append-only; a withdrawal is a row of its
 * own.  Both change functions are the administrator's; each writes its
 * op_log row. */
struct qualification_input {
	long long user_id;
	const char *kind, *number, *issued_on /* YYYY-MM-DD or "" */, *note;
};
/* The label of a kind ("法律职业资格"), NULL when unknown. */
const char *people_qualification_label(const char *kind);
/* Errors: ERR_FORBIDDEN; ERR_NOTFOUND "user_id"; ERR_INVALID naming
 * "kind", "number", "issued_on" (not after today) or "note". */
int people_qualification_add(struct db *db, const struct actor *a, const struct qualification_input *in,
			     long long *id_out, struct err *e);
/* Withdraw record qual_id with a reason.  ERR_NOTFOUND "id", ERR_CONFLICT
 * when already withdrawn, ERR_INVALID "reason". */
int people_qualification_withdraw(struct db *db, const struct actor *a, long long qual_id, const char *reason,
				  struct err *e);
/* [{id, kind, kind_label, number, issued_on, note, recorded_at,
 *   withdrawn, withdrawn_reason, withdrawn_at}] of user_id, oldest first. */
json_t *people_qualifications(struct db *db, long long user_id);
/* Whether user_id may review now: the reviewer role, a unit that is the
 * 政策法规处, not locked, and a qualification not withdrawn.  false with
 * e (ERR_INVALID, field "reviewer_id", naming the person and what is
 * missing) otherwise. */
bool people_reviewer_qualified(struct db *db, long long user_id, struct err *e);
/* Set the 分管负责人 of unit_id from since_on ("" = today); leader_id 0
 * clears it.  The leader must hold the leader role.  Errors:
 * ERR_FORBIDDEN; ERR_NOTFOUND "unit_id"; ERR_INVALID "leader_id" or
 * "since_on". */
int people_unit_set_leader(struct db *db, const struct actor *a, long long unit_id, long long leader_id,
			   const char *since_on, struct err *e);
/* The current 分管负责人 of unit_id: its own, else that of the nearest
 * unit above that has one; 0 when none. */
long long people_unit_leader(struct db *db, long long unit_id);

/* ---- data scope: see actor/scope.h ---- */

/* ---- people ---- */
struct user_input {
	long long unit_id;
	const char *username;     /* 3-32 of [a-z0-9._-], unique; ignored by update */
	const char *name;         /* real name, 1-32 characters */
	const char *title;        /* 职务, may be NULL */
	unsigned roles;           /* bit set of enum role, non-zero */
	enum scope scope;         /* SCOPE_OWN..SCOPE_ALL; 0 = SCOPE_OWN */
	const char *password;     /* create only: checked against the policy */
	bool must_change;         /* create only: force a change at first login */
};

/* Create a person (admin only).  Errors: ERR_FORBIDDEN; ERR_INVALID naming
 * "username", "name", "unit_id", "roles", "scope" or "password";
 * ERR_CONFLICT for a taken username. */
int people_user_create(struct db *db, const struct actor *a, const struct user_input *in,
		       long long *id_out, struct err *e);
/* Check in as people_user_create (create) or people_user_update would,
 * adding every problem to all instead of stopping at the first (the
 * password policy is password_check_policy's); -1 when there was any.
 * Changes nothing. */
int people_user_check(struct db *db, const struct user_input *in, bool create, struct errs *all);
/* Change unit, name, title, roles and scope of user id (admin only).  An
 * administrator cannot remove ROLE_ADMIN from themselves. */
int people_user_update(struct db *db, const struct actor *a, long long id,
		       const struct user_input *in, struct err *e);
/* Set a new password for user id (admin reset): policy checked, failure
 * counters cleared, all the user's sessions ended; must_change as given. */
int people_user_set_password(struct db *db, const struct actor *a, long long id,
			     const char *password, bool must_change, struct err *e);
/* Lock (locked true) or unlock user id (admin only).  Locking ends the
 * user's sessions; unlocking also clears a failed-login lockout.  An
 * administrator cannot lock themselves. */
int people_user_lock(struct db *db, const struct actor *a, long long id, bool locked, struct err *e);
/* One person as {id, username, name, title, unit_id, unit_name, roles
 * [idents], role_labels, scope, locked (by an administrator), temp_locked
 * (after failed logins, while it lasts; then also lock_until, UTC, and
 * lock_until_local, Beijing time), must_change, last_login_at, created_at}: ERR_NOTFOUND, or ERR_FORBIDDEN ("无权查看其他处室的数据")
 * when the person's unit is outside a's scope. */
int people_user_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);
/* People a may read, ordered by unit then name: an array of the objects
 * of people_user_get.  unit_id > 0 restricts to that unit (ERR_FORBIDDEN
 * if outside the scope); 0 lists every unit in scope. */
int people_user_list(struct db *db, const struct actor *a, long long unit_id, json_t **out, struct err *e);
/* The id of username, 0 if none. */
long long people_user_by_username(struct db *db, const char *username);
/* True when user id must change the password before doing anything else. */
bool people_user_must_change(struct db *db, long long user_id);
/* Load user id as an actor (roles, scope, unit, names; ip and request_id
 * left empty).  0, or -1 when there is no such user. */
int people_actor_load(struct db *db, long long user_id, struct actor *out);
#endif
