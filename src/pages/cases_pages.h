/*
 * cases_pages.h - what the case pages (cases.c: the list and its Excel
 * export; cases_new.c: opening a case; cases_view.c: the case page and
 * its actions) share.  Internal to src/pages/.
 *
 * Every permission, view and validation decision is the domain's
 * (cases/cases.h): these pages pass its ERR_* through, so a case outside
 * the reader's view answers the domain's 404 whatever the links show.
 * A failed POST re-renders its page with the status of the error, the
 * summary 存在以下问题 at the top, each message beside its field, and
 * everything the user typed (model keys "errors", "input", "form").
 */
#ifndef ZHIFA_CASES_PAGES_H
#define ZHIFA_CASES_PAGES_H
#include "http/http.h"
#include "http/form.h"
#include <jansson.h>

/* Roles that read cases (the list and the case page). */
#define CASE_READERS (ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST)

extern const char *const cp_kinds[6];   /* penalty licence inspection coercion levy other */
extern const char *const cp_sources[7]; /* complaint inspection random assigned transfer_in application other */

/* The problems a failed POST left in m ("errors" [{status, field,
 * message}]); only when m's "form" is form (NULL: any).  out is released
 * by the caller. */
void cp_errs(const json_t *m, const char *form, struct errs *out);
/* Set m's "errors", "error" (the first), "input" (every submitted value,
 * several joined by ',') and "form" = form. */
void cp_fail_model(struct req *r, json_t *m, const struct errs *all, const char *form);
/* The submitted value of name when m carries input for form (NULL: any),
 * else dflt. */
const char *cp_value(const json_t *m, const char *form, const char *name, const char *dflt);
/* True when the comma-separated csv holds item. */
bool cp_csv_has(const char *csv, const char *item);
/* Every value of key in the POST form as ids (owned by r); *bad set when
 * one is not a positive integer. */
long long *cp_form_ids(struct req *r, const char *key, size_t *n, bool *bad);
/* The procedures in force today: [{code, kind, kind_label, name, version,
 * stages: [{code, name}]}], in the order of the defaults file (new ref). */
json_t *cp_procedures(struct req *r);
/* The certificate holders the actor may read, each with their newest
 * certificate that is not revoked: [{user_id, name, unit_name, cert_no,
 * status, status_label, scope_text}] (cases_new.c). */
json_t *cp_officer_options(struct req *r);
/* A status badge. */
void cp_badge(struct req *r, const char *cls, const char *label);
#endif
