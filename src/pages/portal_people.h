/*
 * portal_people.h - the public models of enforcement bodies and officers,
 * combining the people module (certificates) and publicity (matters).
 */
#ifndef ZHIFA_PORTAL_PEOPLE_H
#define ZHIFA_PORTAL_PEOPLE_H
#include "store/db.h"
#include <jansson.h>

/* { "bodies": [ {id, code, name, parent_name, certified_officers,
 *   matters} ], "certified_officers": total }.  Never NULL. */
json_t *portal_bodies_model(struct db *db);
/* { "unit_id", "keyword", "officers": [ {name, unit_id, unit_name, cert_no,
 *   cert_type, scope, valid_from, valid_to, status, status_label, token} ] }
 * with every certificate holder (any status: the public can see a revoked
 * certificate is revoked), filtered by unit and by a keyword matched
 * against name, certificate number, unit and scope.  NULL on failure. */
json_t *portal_officers_model(struct db *db, long long unit_id, const char *keyword);
#endif
