/*
 * portal_people.h - the public models of enforcement bodies and officers,
 * combining the people module (certificates) and publicity (matters).
 */
#ifndef ZHIFA_PORTAL_PEOPLE_H
#define ZHIFA_PORTAL_PEOPLE_H
#include "store/db.h"
#include <jansson.h>

/* { "bodies": [ {id, code, name, address, phone, head_name,
 *   complaint_phone, certified_officers, valid_officers, matters, offices:
 *   [ {id, code, name, certified_officers, matters} ]} ],
 *   "certified_officers": total, "valid_officers": total }.
 * certified_officers counts the people the public directory lists
 * (cert_publicly_listed); offices are the body's 承办机构 and the body's
 * matters include theirs.  Never NULL. */
json_t *portal_bodies_model(struct db *db);
/* { "unit_id", "keyword", "include_inactive", "total", "officers": [ {name,
 *   unit_id, unit_name, body_id, body_name, cert_no, cert_type, scope,
 *   valid_from, valid_to, status, status_label, token} ] }: the public
 * directory (people_public_officers), revoked and expired certificates
 * only with include_inactive; unit_id > 0 restricts to a 执法主体 (with
 * its 承办机构) or to one unit; the keyword (each word or one of its synonyms) is matched
 * against name, certificate number, unit, body and scope.  NULL on
 * failure. */
json_t *portal_officers_model(struct db *db, long long unit_id, const char *keyword, bool include_inactive);
/* The name of the 执法主体 of unit_id (caller frees), NULL if none. */
char *portal_body_name(struct db *db, long long unit_id);
#endif
