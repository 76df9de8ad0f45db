/*
 * routes.c - the route table: method, path, handler, who may call it.
 * Read it top to bottom to know every URL zhifa serves.  POST routes are
 * CSRF-checked by the router; R_LOGIN routes need a session; the roles
 * column narrows to those roles (the domain layer checks unit scope).
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "pages/records_pages.h"

/* The stream column is only written for R_STREAM routes. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define ANY_STAFF 0
#define MANAGERS (ROLE_HEAD | ROLE_ADMIN)
#define CASE_READERS (ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST)
/* who reads publications before they are public (disclosure.h checks the unit) */
#define PUB_READERS (ROLE_OFFICER | ROLE_HEAD | ROLE_LEADER | ROLE_SUPERVISOR)

const struct route routes[] = {
	/* infrastructure */
	{ M_GET, "/healthz", page_healthz, R_PUBLIC, 0 },
	{ M_GET, "/static/*", page_static, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/", page_api_index, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/dict", page_api_dict, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/openapi.json", page_openapi, R_PUBLIC, 0 },

	/* the public portal: 事前公开 and the credential check.  R_CACHE: kept
	 * rendered for the public (http/page_cache.h); search (any words) and
	 * the photo (a blob) are not */
	{ M_GET, "/", page_portal_home, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/search", page_portal_search, R_PUBLIC, 0 },
	{ M_GET, "/portal/bodies", page_portal_bodies, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/officers", page_portal_officers, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/matters", page_portal_matters, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/matters/{id}", page_portal_matter, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/matters/{id}/flowchart.svg", page_portal_flowchart, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/guides", page_portal_guides, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/guides/{id}", page_portal_guide, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/inspections", page_portal_inspections, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/inspections/{id}", page_portal_inspection, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/verify/c/{token}", page_verify_cert, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/verify/c/{token}/qr.svg", page_verify_cert_qr, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/verify/c/{token}/photo", page_verify_cert_photo, R_PUBLIC, 0 },
	/* the same models as JSON, under the open API */
	{ M_GET, "/api/v1/portal/bodies", page_portal_bodies, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/officers", page_portal_officers, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/matters", page_portal_matters, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/matters/{id}", page_portal_matter, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/guides", page_portal_guides, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/guides/{id}", page_portal_guide, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/inspections", page_portal_inspections, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/inspections/{id}", page_portal_inspection, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/search", page_portal_search, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/verify/c/{token}", page_verify_cert, R_PUBLIC | R_CACHE, 0 },

	/* == 行政执法决定公示, 事后公开 (portal_decisions.c): the list (its search
	 * too: the cache is bounded), one decision, its 核验, open data == */
	{ M_GET, "/portal/decisions", page_portal_decisions, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/decisions.csv", page_portal_decisions_csv, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/decisions.atom", page_portal_decisions_atom, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/decisions/{id}", page_portal_decision, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/decisions/{id}/data.csv", page_portal_decision_csv, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/decisions/{id}/verify", page_portal_decision_verify, R_PUBLIC, 0 },
	{ M_GET, "/portal/credit-export.csv", page_portal_credit_csv, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/portal/credit-export.xlsx", page_portal_credit_xlsx, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/decisions", page_portal_decisions, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/decisions/{id}", page_portal_decision, R_PUBLIC | R_CACHE, 0 },
	{ M_GET, "/api/v1/portal/decisions/{id}/proof", page_api_portal_decision_proof, R_PUBLIC, 0 },
	/* == end portal_decisions.c == */

	/* sign in and out */
	{ M_GET | M_POST, "/login", page_login, R_PUBLIC, 0 },
	{ M_POST, "/logout", page_logout, R_PUBLIC, 0 },
	{ M_GET | M_POST, "/account/password", page_account_password, R_LOGIN | R_NOFORCE, 0 },

	/* the back office: dashboard (admin.c) */
	{ M_GET, "/admin", page_admin_home, R_LOGIN, 0 },

	/* == units, people, certificates, logs (admin_units.c, admin_users.c) == */
	{ M_GET | M_POST, "/admin/units", page_admin_units, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/admin/units/{id}", page_admin_unit, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_POST, "/admin/units/{id}/delete", page_admin_unit_delete, R_LOGIN, ROLE_ADMIN },
	{ M_GET | M_POST, "/admin/users", page_admin_users, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_HEAD },
	{ M_GET | M_POST, "/admin/users/{id}", page_admin_user, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_HEAD },
	{ M_POST, "/admin/users/{id}/password", page_admin_user_password, R_LOGIN, ROLE_ADMIN },
	{ M_POST, "/admin/users/{id}/lock", page_admin_user_lock, R_LOGIN, ROLE_ADMIN },
	{ M_POST, "/admin/users/{id}/unlock", page_admin_user_unlock, R_LOGIN, ROLE_ADMIN },
	{ M_POST, "/admin/users/{id}/qualifications", page_admin_user_qualifications, R_LOGIN, ROLE_ADMIN },
	{ M_POST, "/admin/users/{id}/qualifications/{id}/withdraw", page_admin_user_qualification_withdraw, R_LOGIN,
	  ROLE_ADMIN },
	{ M_POST, "/admin/units/{id}/leader", page_admin_unit_leader, R_LOGIN, ROLE_ADMIN },
	{ M_GET, "/admin/users.xlsx", page_admin_users_xlsx, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_HEAD },
	{ M_GET, "/admin/units.xlsx", page_admin_units_xlsx, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/admin/officers", page_admin_officers, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET | M_POST, "/admin/officers/{id}", page_admin_officer, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_POST, "/admin/officers/{id}/status", page_admin_officer_status, R_LOGIN, ROLE_ADMIN | ROLE_HEAD | ROLE_REVIEWER },
	{ M_GET, "/admin/officers.xlsx", page_admin_officers_xlsx, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET, "/admin/officers/{id}/print", page_admin_officer_print, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	/* CSRF of the streamed photo form is checked by admin_certs.c (_csrf precedes the file part) */
	{ M_POST, "/admin/officers/{id}/photo", page_admin_officer_photo, R_LOGIN | R_STREAM | R_NO_CSRF,
	  ROLE_ADMIN | ROLE_HEAD | ROLE_REVIEWER, stream_officer_photo },
	{ M_GET, "/admin/logs", page_admin_logs, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET, "/admin/logs/login", page_admin_login_logs, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET, "/admin/login-guard", page_admin_login_guard, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_POST, "/admin/login-guard/release", page_admin_login_guard_release, R_LOGIN, ROLE_ADMIN },
	{ M_GET, "/admin/logs.xlsx", page_admin_logs_xlsx, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET, "/admin/logs/login.xlsx", page_admin_login_logs_xlsx, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	/* == end admin_units.c, admin_users.c == */

	/* == matters, guides, inspection items (admin_matters.c) == */
	{ M_GET, "/admin/matters", page_admin_matters, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET, "/admin/matters.xlsx", page_admin_matters_xlsx, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET | M_POST, "/admin/matters/new", page_admin_matter_new, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/admin/matters/{id}", page_admin_matter, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET, "/admin/matters/{id}/flowchart.svg", page_admin_matter_flowchart, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET | M_POST, "/admin/matters/{id}/edit", page_admin_matter_edit, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET | M_POST, "/admin/matters/{id}/publish", page_admin_matter_publish, R_LOGIN, ROLE_HEAD },
	{ M_GET | M_POST, "/admin/matters/{id}/withdraw", page_admin_matter_withdraw, R_LOGIN, ROLE_HEAD },
	/* == end admin_matters.c == */

	/* == calendar and deadlines (admin_calendar.c) == */
	{ M_GET | M_POST, "/admin/calendar", page_admin_calendar, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR },
	{ M_GET, "/admin/deadlines", page_admin_deadlines, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/deadlines.xlsx", page_admin_deadlines_list_xlsx, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/deadlines/stats.xlsx", page_admin_deadlines_xlsx, R_LOGIN,
	  ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_LEADER },
	{ M_GET | M_POST, "/admin/deadlines/rules", page_admin_deadline_rules, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/deadlines/{id}", page_admin_deadline, R_LOGIN, ANY_STAFF },
	{ M_GET | M_POST, "/admin/numbers", page_admin_numbers, R_LOGIN, ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_LEADER },
	{ M_GET, "/api/v1/calendar/due", page_api_calendar_due, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/calendar/is-workday", page_api_calendar_is_workday, R_PUBLIC, 0 },
	/* == end admin_calendar.c == */

	/* == enforcement procedures (admin_procedures.c) == */
	{ M_GET, "/admin/procedures", page_admin_procedures, R_LOGIN, ROLE_ADMIN },
	{ M_GET, "/admin/procedures/{id}", page_admin_procedure, R_LOGIN, ROLE_ADMIN },
	{ M_GET | M_POST, "/admin/procedures/{id}/new-version", page_admin_procedure_new_version, R_LOGIN, ROLE_ADMIN },
	{ M_GET | M_POST, "/api/v1/procedures", page_admin_procedures, R_LOGIN, ROLE_ADMIN },
	{ M_GET, "/api/v1/procedures/{id}", page_admin_procedure, R_LOGIN, ROLE_ADMIN },
	/* == end admin_procedures.c == */

	/* == the log and the evidence vault (log.c, vault.c) == */
	{ M_GET, "/log", page_log, R_PUBLIC, 0 },
	{ M_GET, "/log/checkpoint", page_log_checkpoint, R_PUBLIC, 0 },
	{ M_GET, "/log/key", page_log_key, R_PUBLIC, 0 },
	{ M_GET, "/log/key/sm2", page_log_key_sm2, R_PUBLIC, 0 },
	{ M_GET, "/log/tile/*", page_log_tile, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/log", page_log, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/log/leaves/{index}", page_log_leaf, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/log/proof/inclusion", page_log_inclusion, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/log/proof/consistency", page_log_consistency, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/log/proof/by-hash", page_log_by_hash, R_PUBLIC, 0 },
	/* == end log.c == */

	/* == tsa: RFC 3161 time-stamps of checkpoints (log_tsa.c) == */
	{ M_GET, "/log/checkpoint/timestamp", page_log_timestamp, R_PUBLIC, 0 },
	/* == end tsa == */

	/* == cases (cases.c, cases_new.c, cases_view.c): who sees which case is the domain's == */
	{ M_GET, "/cases", page_cases, R_LOGIN, CASE_READERS },
	{ M_GET, "/cases.xlsx", page_cases_xlsx, R_LOGIN, CASE_READERS },
	{ M_GET | M_POST, "/cases/new", page_cases_new, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/cases/{id}", page_case, R_LOGIN, CASE_READERS },
	{ M_POST, "/cases/{id}/act", page_case_act, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER },
	/* == end cases == */

	/* == vault.c == */
	{ M_GET, "/admin/vault", page_vault, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/vault/{sha256}", page_vault_file, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/vault/{sha256}/view", page_vault_view, R_LOGIN, ANY_STAFF },
	{ M_GET, "/admin/vault/{sha256}/download", page_vault_download, R_LOGIN, ANY_STAFF },
	/* CSRF of the streamed form is checked by vault.c (the _csrf part precedes the file part) */
	{ M_POST, "/admin/vault/upload", page_vault_upload, R_LOGIN | R_STREAM | R_NO_CSRF,
	  ROLE_OFFICER | ROLE_HEAD, stream_vault_form },
	{ M_GET, "/api/v1/vault", page_vault, R_LOGIN, ANY_STAFF },
	{ M_GET, "/api/v1/vault/{sha256}", page_vault_file, R_LOGIN, ANY_STAFF },
	/* tus 1.0 (core + creation): OPTIONS only reports capabilities */
	{ M_OTHER, "/api/v1/uploads", page_tus_options, R_PUBLIC | R_NO_CSRF, 0 },
	{ M_POST, "/api/v1/uploads", page_tus_create, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/api/v1/uploads/{id}", page_tus_head, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_OTHER, "/api/v1/uploads/{id}", page_tus_patch, R_LOGIN | R_STREAM, ROLE_OFFICER | ROLE_HEAD,
	  stream_tus_patch },
	/* == end vault.c == */

	/* == the party register (parties.c); the domain refuses writes by readers == */
	{ M_GET | M_POST, "/api/v1/parties", page_api_parties, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET | M_OTHER, "/api/v1/parties/{id}", page_api_party, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET, "/api/v1/parties/{id}/versions", page_api_party_versions, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET, "/parties", page_parties, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/parties/new", page_party_new, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/parties/{id}", page_party, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/parties/{id}/edit", page_party_edit, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	/* == end parties.c == */
	/* == cases over JSON (api_cases.c); the domain applies the view rule of cases.h == */
	{ M_GET | M_POST, "/api/v1/cases", page_api_cases, R_LOGIN, CASE_READERS },
	{ M_GET, "/api/v1/cases/{id}", page_api_case, R_LOGIN, CASE_READERS },
	{ M_POST, "/api/v1/cases/{id}/acts", page_api_case_acts, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER },
	{ M_POST, "/api/v1/review/classify", page_api_review_classify, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/api/v1/cases/{id}/review", page_api_case_review, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST },
	{ M_GET, "/api/v1/review/queue", page_api_review_queue, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER },
	{ M_GET | M_POST, "/cases/{id}/review", page_case_review, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST },
	{ M_GET, "/review", page_review_queue, R_LOGIN, ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER },
	{ M_GET, "/review/stats", page_review_stats, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET, "/review/stats.xlsx", page_review_stats_xlsx, R_LOGIN, ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR },
	{ M_GET | M_POST, "/api/v1/review/catalogue", page_api_review_catalogue, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ADMIN },
	/* == end api_cases.c == */
	/* == 事后公开 for staff (api_disclosure.c, disclosure_pages.c); the domain checks unit and role == */
	{ M_GET, "/api/v1/publications", page_api_publications, R_LOGIN, PUB_READERS },
	{ M_GET, "/api/v1/publications/{id}", page_api_publication, R_LOGIN, PUB_READERS },
	{ M_GET, "/api/v1/publications/{id}/preview", page_api_publication_preview, R_LOGIN, PUB_READERS },
	{ M_POST, "/api/v1/publications/{id}/acts", page_api_publication_acts, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/publications", page_publications, R_LOGIN, PUB_READERS },
	{ M_GET | M_POST, "/publications/{id}", page_publication, R_LOGIN, PUB_READERS },
	/* == end disclosure == */
	/* == 执法文书 over JSON (api_records.c); the domain applies the case view rule and checks who may write == */
	{ M_GET, "/api/v1/doc-types", page_api_doc_types, R_LOGIN,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST | ROLE_ADMIN },
	{ M_GET | M_POST, "/api/v1/cases/{id}/documents", page_api_case_documents, R_LOGIN, CASE_READERS },
	{ M_GET | M_OTHER, "/api/v1/documents/{id}", page_api_document, R_LOGIN, CASE_READERS },
	{ M_GET, "/api/v1/documents/{id}/pdf", page_api_document_pdf, R_LOGIN, CASE_READERS },
	{ M_POST, "/api/v1/documents/{id}/signatures", page_api_document_signatures, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_POST, "/api/v1/documents/{id}/finalise", page_api_document_finalise, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	/* == end api_records.c == */
	/* == audio-visual records and 出示证件 (records_media.c, credentials_show.c); the domain checks view and roles == */
	{ M_GET | M_POST, "/cases/{id}/media", page_case_media, R_LOGIN, CASE_READERS },
	{ M_GET, "/cases/{id}/credentials", page_case_credentials, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_POST, "/cases/{id}/package.zip", page_case_package, R_LOGIN, CASE_READERS },
	{ M_GET | M_POST, "/api/v1/cases/{id}/media", page_api_case_media, R_LOGIN, CASE_READERS },
	/* == end records_media.c == */
	/* == 执法文书 and the case file (records_docs.c, records_file.c); who writes is the domain's == */
	{ M_GET | M_POST, "/cases/{id}/documents", page_case_documents, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET, "/cases/{id}/file", page_case_file, R_LOGIN, CASE_READERS },
	{ M_GET | M_POST, "/documents/{id}", page_document, R_LOGIN, CASE_READERS },
	{ M_GET, "/documents/{id}/pdf", page_document_pdf, R_LOGIN, CASE_READERS },
	{ M_GET | M_POST, "/documents/{id}/sign", page_document_sign, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_GET | M_POST, "/documents/{id}/finalise", page_document_finalise, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	{ M_POST, "/documents/{id}/correct", page_document_correct, R_LOGIN, ROLE_OFFICER | ROLE_HEAD },
	/* == end records == */
	/* == redaction preview over JSON (api_redact.c); the body is taken by
	 * its own stream function (a 1 MiB text is past the shared limit) == */
	{ M_POST, "/api/v1/redact", page_api_redact, R_LOGIN | R_STREAM,
	  ROLE_OFFICER | ROLE_HEAD | ROLE_REVIEWER | ROLE_LEADER | ROLE_SUPERVISOR, stream_api_redact },
	/* == end api_redact.c == */
};
const size_t routes_count = ARRAY_SIZE(routes);
