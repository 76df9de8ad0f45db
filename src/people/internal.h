/*
 * internal.h - helpers shared by the files of src/people/ only.  Nothing
 * outside src/people/ includes this.
 */
#ifndef ZHIFA_PEOPLE_INTERNAL_H
#define ZHIFA_PEOPLE_INTERNAL_H
#include <sodium.h>
#include "core/err.h"
#include "store/db.h"
#include "people/people.h"

/* Log the database error and set ERR_INTERNAL; returns -1. */
int people_db_fail(struct db *db, struct err *e);
/* Roll back; if db_error, first set e as people_db_fail does.  Returns -1. */
int people_tx_fail(struct db *db, struct err *e, bool db_error);
/* Valid UTF-8 of minc..maxc code points without control characters
 * (NULL counts as empty). */
bool people_text_ok(const char *s, long minc, long maxc);
/* Bit set of the roles of user_id (0 on error). */
unsigned people_load_roles(struct db *db, long long user_id);
/* Binary search in an ascending id array. */
/* people_user_create with an already computed hash (in->password is
 * ignored); used by people_user_create and the demo seed. */
int people_user_create_hashed(struct db *db, const struct actor *a, const struct user_input *in,
			      const char *hash, long long *id_out, struct err *e);
/* Record hash as user_id's newest password and keep only the last
 * PASSWORD_HISTORY (inside the caller's transaction). */
int people_history_add(struct db *db, long long user_id, const char *hash, const char *now);
struct cert_input;
struct errs;
/* cert_scope.c: check in->scopes (units exist, known categories), adding
 * problems naming scope_units / scope_categories to all; -1 when any. */
int cert_scopes_check(struct db *db, const struct cert_input *in, struct errs *all);
/* Write the coverage of cert_id (replacing the old one when replace): in's
 * scopes, or holder_unit with every category when there are none. */
int cert_scopes_write(struct db *db, long long cert_id, long long holder_unit, const struct cert_input *in,
		      bool replace);
/* Add "scopes" and "scope_text" to a cert_get object or to each object of
 * an array of them. */
int cert_scopes_attach(struct db *db, json_t *certs);
/* cert_set_status with the date the change applies from (on_date, when
 * before today; NULL = today).  For the demo's history only. */
int people_cert_set_status_on(struct db *db, const struct actor *a, long long id, const char *status,
			      const char *reason, const char *on_date, struct err *e);
/* Wipe a NUL-terminated secret. */
static inline void sodium_memzero_str(char *s) { sodium_memzero(s, strlen(s)); }
#endif
