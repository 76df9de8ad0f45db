/*
 * pages.h - the handlers of the route table (routes.c), one file per
 * family of pages.  Each builds one model (jansson) from the domain layer
 * and serves it as HTML or JSON (http/layout.h: page_model).
 */
#ifndef ZHIFA_PAGES_H
#define ZHIFA_PAGES_H
#include "http/http.h"

/* basic.c */
int page_healthz(struct req *r);
int page_static(struct req *r);
int page_api_index(struct req *r);
int page_openapi(struct req *r);
/* dict.c: GET /api/v1/dict - the dictionary of codes and their names */
int page_api_dict(struct req *r);
/* portal.c */
int page_portal_home(struct req *r);
int page_portal_search(struct req *r);
/* 行政执法决定公示 (portal_decisions.c) */
int page_portal_decisions(struct req *r);
int page_portal_decisions_csv(struct req *r);
int page_portal_decisions_atom(struct req *r);
int page_portal_decision(struct req *r);
int page_portal_decision_csv(struct req *r);
int page_portal_decision_verify(struct req *r);
int page_api_portal_decision_proof(struct req *r);
int page_portal_credit_csv(struct req *r);
int page_portal_credit_xlsx(struct req *r);
int page_portal_bodies(struct req *r);
int page_portal_officers(struct req *r);
int page_portal_matters(struct req *r);
int page_portal_matter(struct req *r);
int page_portal_flowchart(struct req *r);
int page_portal_guides(struct req *r);
int page_portal_guide(struct req *r);
int page_portal_inspections(struct req *r);
int page_portal_inspection(struct req *r);
/* verify.c */
int page_verify_cert(struct req *r);
int page_verify_cert_qr(struct req *r);
int page_verify_cert_photo(struct req *r);   /* GET /verify/c/{token}/photo: the holder's photo */
/* login.c */
int page_login(struct req *r);
int page_logout(struct req *r);
int page_account_password(struct req *r);
/* admin.c */
int page_admin_home(struct req *r);
int page_admin_deadline(struct req *r);         /* GET /admin/deadlines/{id}: one clock and its history */
struct json_t;
/* The due date of a deadline object, marked 暂定 (with its note as the
 * tooltip) when provisional; for deadline tables on any page. */
void page_deadline_due(struct req *r, const struct json_t *d);
/* admin_procedures.c: enforcement procedures (程序模板), for the administrator. */
int page_admin_procedures(struct req *r);             /* GET list; POST (JSON) add a version */
int page_admin_procedure(struct req *r);              /* GET /admin/procedures/{id}: one version */
int page_admin_procedure_new_version(struct req *r);  /* GET|POST /admin/procedures/{id}/new-version */
/* == admin_units.c, admin_users.c == */
#include <jansson.h>
#include "http/layout.h"
/* admin_units.c and admin_users.c: units (admin manages, supervisor reads) and people. */
int page_admin_units(struct req *r);            /* GET list + POST create */
int page_admin_unit(struct req *r);             /* GET /admin/units/{id} + POST update */
int page_admin_unit_delete(struct req *r);      /* POST /admin/units/{id}/delete */
int page_admin_users(struct req *r);            /* GET list (?unit_id=) + POST create */
int page_admin_user(struct req *r);             /* GET /admin/users/{id} + POST update */
int page_admin_user_password(struct req *r);    /* POST: new initial password, must_change forced */
int page_admin_user_lock(struct req *r);        /* POST /admin/users/{id}/lock */
int page_admin_user_unlock(struct req *r);      /* POST /admin/users/{id}/unlock */
int page_admin_users_xlsx(struct req *r);       /* GET /admin/users.xlsx: the list as a workbook */
int page_admin_units_xlsx(struct req *r);       /* GET /admin/units.xlsx */
/* admin_review_people.c: legal-review qualifications and unit leaders. */
int page_admin_user_qualifications(struct req *r);        /* POST /admin/users/{id}/qualifications */
int page_admin_user_qualification_withdraw(struct req *r); /* POST .../qualifications/{qid}/withdraw */
int page_admin_unit_leader(struct req *r);                /* POST /admin/units/{id}/leader */
/* admin_certs.c: enforcement certificates (执法证). */
int page_admin_officers(struct req *r);         /* GET list + POST create */
int page_admin_officer(struct req *r);          /* GET /admin/officers/{id} + POST update */
int page_admin_officer_status(struct req *r);   /* POST suspend / restore / revoke */
int page_admin_officer_print(struct req *r);    /* GET printable certificate card */
int page_admin_officer_photo(struct req *r);    /* POST /admin/officers/{id}/photo: upload or remove (streamed) */
int stream_officer_photo(struct req *r, const char *data, size_t n);
/* admin_logs.c: the operation log and the login log (read only). */
int page_admin_logs(struct req *r);             /* GET /admin/logs */
int page_admin_login_logs(struct req *r);       /* GET /admin/logs/login */
/* admin_login_guard.c: locked accounts and slowed-down addresses. */
int page_admin_login_guard(struct req *r);         /* GET /admin/login-guard */
int page_admin_login_guard_release(struct req *r); /* POST /admin/login-guard/release (ip=) */
int page_admin_officers_xlsx(struct req *r);    /* GET /admin/officers.xlsx: the list as a workbook */
int page_admin_logs_xlsx(struct req *r);        /* GET /admin/logs.xlsx: the filtered rows as a workbook */
int page_admin_login_logs_xlsx(struct req *r);  /* GET /admin/logs/login.xlsx */

/* Form helpers shared by admin_users.c and admin_certs.c (admin_form.c,
 * over http/form.h).  A model m may carry "errors" [{status, field,
 * message}], "error" (the first) and "input" (the submitted form,
 * passwords left out) after af_fail / af_fail_all; af_alerts shows the
 * error summary linking to every field in error. */
#include "http/form.h"
/* The field named by m's (first) error, "" if none. */
const char *af_error_field(const json_t *m);
/* True when one of m's errors names field name. */
bool af_has_error(const json_t *m, const char *name);
/* aria-invalid/aria-describedby for an input name holding an error. */
void af_invalid_attrs(struct req *r, const json_t *m, const char *name);
/* A labelled <select> of opts (value kept from the input or dflt). */
void af_select(struct req *r, const json_t *m, const char *name, const char *label, const char *hint,
	       const struct form_opt *opts, size_t n, const char *dflt, const char *none_label);
/* True when m carries the submitted input (a failed POST). */
bool af_has_input(const json_t *m);
/* The submitted value of name when m carries input (""), else dflt. */
const char *af_value(const json_t *m, const char *name, const char *dflt);
/* The error alert (role="alert") of m, or the confirmation for ?ok=<code>. */
void af_alerts(struct req *r, const json_t *m);
/* The message of m's error beside field name, when it names that field. */
void af_field_error(struct req *r, const json_t *m, const char *name);
/* A labelled <input> (id = name), value kept from the input or dflt (never
 * for type password); attrs is trusted literal markup; hint may be NULL. */
void af_input(struct req *r, const json_t *m, const char *type, const char *name, const char *label,
	      const char *dflt, const char *attrs, const char *hint);
void af_textarea(struct req *r, const json_t *m, const char *name, const char *label, const char *dflt,
		 const char *attrs);
/* A checkbox sending value 1; checked from the input or dflt. */
void af_checkbox(struct req *r, const json_t *m, const char *name, const char *label, bool dflt);
/* A <select> of the unit tree (people_unit_list array, indented by depth);
 * none_label adds an empty first option; exclude_id leaves one unit out. */
void af_unit_select(struct req *r, const json_t *m, const json_t *units, const char *id_attr, const char *name,
		    const char *label, long long selected, const char *none_label, bool only_in_scope,
		    long long exclude_id);
/* Every form value of key joined by ',' (the query's for GET); owned by r. */
char *af_form_joined(struct req *r, const char *key);
/* Answer a failed POST: JSON -> resp_err; HTML -> m gets error and input,
 * render(r, m) with status e->kind.  Takes m.  Returns 0. */
int af_fail(struct req *r, json_t *m, const struct err *e, void (*render)(struct req *, json_t *));
/* The same with every problem of all (at least one). */
int af_fail_all(struct req *r, json_t *m, const struct errs *all, void (*render)(struct req *, json_t *));
/* Answer a successful POST: JSON -> 200 result (+ "ok": true; takes it,
 * NULL = {}); HTML -> 303 to location.  Returns 0. */
int af_done(struct req *r, const char *location, json_t *result);
/* Parse the optional positive id parameter key into *out (0 when empty);
 * -1 with ERR_INVALID naming key and msg when malformed. */
int af_param_id(struct req *r, const char *key, long long *out, struct err *e, const char *msg);
/* == end admin_units.c, admin_users.c == */
/* == admin_matters.c == */
/* GET /admin/matters?kind=&status=&unit=&q=&page=: items in scope. */
int page_admin_matters(struct req *r);
/* GET /admin/matters.xlsx: the list's filtered, sorted items as a workbook. */
int page_admin_matters_xlsx(struct req *r);
/* GET the drafting form (?kind=, ?matter= preselects a guide's matter);
 * POST creates a draft (form or JSON {kind, matter_id, content}). */
int page_admin_matter_new(struct req *r);
/* GET /admin/matters/{id}: draft, published version, history, actions. */
int page_admin_matter(struct req *r);
/* GET /admin/matters/{id}/flowchart.svg?of=draft|published. */
int page_admin_matter_flowchart(struct req *r);
/* GET the pre-filled form; POST saves the draft (form or JSON {content}). */
int page_admin_matter_edit(struct req *r);
/* POST change_note: publish the draft as the next version. */
int page_admin_matter_publish(struct req *r);
/* POST reason: withdraw the published item. */
int page_admin_matter_withdraw(struct req *r);
/* == end admin_matters.c == */
/* == admin_calendar.c == */
/* admin_calendar.c: the working-day calendar (GET: everyone routed;
 * POST import: admin only, else 403) and the open calendar API */
int page_admin_calendar(struct req *r);
int page_api_calendar_due(struct req *r);
int page_api_calendar_is_workday(struct req *r);
/* admin_deadlines.c: own / unit deadlines; admin_deadline_stats.c: the
 * statistics and their Excel export; admin_deadline_rules.c: the rule
 * versions (POST: admin only, else 403) */
int page_admin_deadlines(struct req *r);
int page_admin_deadlines_xlsx(struct req *r);
int page_admin_deadlines_list_xlsx(struct req *r); /* GET /admin/deadlines.xlsx: a unit's deadlines */
int page_admin_deadline_rules(struct req *r);
/* admin_numbers.c: the number schemes, counters and issued numbers (GET:
 * admin, supervisor, leader; POST a new version: admin only, else 403) */
int page_admin_numbers(struct req *r);
/* == end admin_calendar.c == */
/* == log.c == */
/* log.c: the ledger's public read API and the portal page 公信验证 */
int page_log(struct req *r);             /* GET /log, /api/v1/log: checkpoint, keys, file check */
int page_log_checkpoint(struct req *r);  /* GET /log/checkpoint: newest signed note, text/plain */
int page_log_key(struct req *r);         /* GET /log/key: Ed25519 verifier key text */
int page_log_key_sm2(struct req *r);     /* GET /log/key/sm2: SM2 public key PEM + verifier key */
int page_log_tile(struct req *r);        /* GET /log/tile/...: C2SP tlog-tiles tile or entry bundle */
int page_log_leaf(struct req *r);        /* GET /api/v1/log/leaves/{index} */
int page_log_inclusion(struct req *r);   /* GET /api/v1/log/proof/inclusion?index&size */
int page_log_consistency(struct req *r); /* GET /api/v1/log/proof/consistency?from&to */
int page_log_by_hash(struct req *r);     /* GET /api/v1/log/proof/by-hash?hash[&size] */
/* == end log.c == */
/* == tsa == */
/* log_tsa.c: GET /log/checkpoint/timestamp?size=N: the checkpoint's RFC 3161
 * TimeStampResp (DER, application/timestamp-reply; no size = newest) */
int page_log_timestamp(struct req *r);
/* == end tsa == */
/* == cases.c, cases_new.c, cases_view.c == */
int page_cases(struct req *r);          /* GET /cases: the case list (filters, sort, page; ?format=xlsx) */
int page_cases_xlsx(struct req *r);     /* GET /cases.xlsx: the filtered list as a workbook */
int page_cases_new(struct req *r);      /* GET the opening form; POST opens a case */
int page_case(struct req *r);           /* GET /cases/{id}: the case page */
int page_case_act(struct req *r);       /* POST /cases/{id}/act: one action (row_version) */
int page_case_package(struct req *r);   /* GET /cases/{id}/package.zip: the case package (records/package.h; logged) */
/* == end cases == */
/* == vault.c == */
/* vault.c: the evidence vault pages and the tus upload server */
int page_vault(struct req *r);          /* GET /admin/vault, /api/v1/vault: files in scope + upload forms */
int page_vault_file(struct req *r);     /* GET /admin/vault/{sha256}: one file (403 outside scope) */
int page_vault_view(struct req *r);     /* GET /admin/vault/{sha256}/view: the file shown in place (logged) */
int page_vault_download(struct req *r); /* GET /admin/vault/{sha256}/download: the file as an attachment (logged) */
int page_vault_upload(struct req *r);   /* POST /admin/vault/upload: plain multipart upload (streamed) */
int stream_vault_form(struct req *r, const char *data, size_t n);
int page_tus_options(struct req *r);    /* OPTIONS /api/v1/uploads: tus capabilities */
int page_tus_create(struct req *r);     /* POST /api/v1/uploads: tus creation (201 + Location) */
int page_tus_head(struct req *r);       /* HEAD/GET /api/v1/uploads/{id}: Upload-Offset, Upload-Length */
int page_tus_patch(struct req *r);      /* PATCH /api/v1/uploads/{id}: append (204 + Upload-Offset) */
int stream_tus_patch(struct req *r, const char *data, size_t n);
/* == end vault.c == */
/* == parties.c == */
/* parties.c: the party register (当事人库), API and pages */
int page_api_parties(struct req *r);         /* GET ?q=&kind=&page= search; POST create (JSON) */
int page_api_party(struct req *r);           /* GET ?version=; PUT/PATCH with "version" */
int page_api_party_versions(struct req *r);  /* GET /api/v1/parties/{id}/versions */
int page_parties(struct req *r);             /* GET /parties: search list */
int page_party_new(struct req *r);           /* GET/POST /parties/new?kind= */
int page_party(struct req *r);               /* GET /parties/{id}?version= */
int page_party_edit(struct req *r);          /* GET/POST /parties/{id}/edit */
/* == end parties.c == */
/* == api_cases.c == */
int page_api_cases(struct req *r);     /* GET /api/v1/cases (list, filters); POST open (JSON) */
int page_api_case(struct req *r);      /* GET /api/v1/cases/{id} */
int page_api_case_acts(struct req *r); /* POST /api/v1/cases/{id}/acts (JSON, with row_version) */
/* == end api_cases.c == */
/* == api_review.c == */
/* api_records.c: 执法文书 over JSON (records/records.h) */
int page_api_doc_types(struct req *r);           /* GET /api/v1/doc-types[?case_id=] */
int page_api_case_documents(struct req *r);      /* GET list, POST draft: /api/v1/cases/{id}/documents */
int page_api_document(struct req *r);            /* GET, PUT /api/v1/documents/{id} */
int page_api_document_pdf(struct req *r);        /* GET /api/v1/documents/{id}/pdf */
int page_api_document_signatures(struct req *r); /* POST /api/v1/documents/{id}/signatures */
int page_api_document_finalise(struct req *r);   /* POST /api/v1/documents/{id}/finalise */
int page_api_review_classify(struct req *r);  /* POST /api/v1/review/classify (JSON) */
int page_api_review_catalogue(struct req *r); /* GET the catalogue in force and its versions; POST a version (admin) */
int page_api_case_review(struct req *r);      /* GET /api/v1/cases/{id}/review; POST one step {"action": ...} */
int page_api_review_queue(struct req *r);     /* GET /api/v1/review/queue */
/* review_pages.c: 法制审核 pages. */
void review_case_section(struct req *r, const json_t *c); /* the case page's section (nothing if not visible) */
int page_case_review(struct req *r);  /* GET/POST /cases/{id}/review: the review and the forms of the reader's steps */
int page_review_queue(struct req *r); /* GET /review: what awaits the reader */
int page_review_stats(struct req *r);      /* GET /review/stats (HTML or JSON) */
int page_review_stats_xlsx(struct req *r); /* GET /review/stats.xlsx */
/* == end api_review.c == */
/* == api_disclosure.c, disclosure_pages.c: 事后公开 for staff == */
int page_api_publications(struct req *r);        /* GET /api/v1/publications[?state=] */
int page_api_publication(struct req *r);         /* GET /api/v1/publications/{id} */
int page_api_publication_preview(struct req *r); /* GET /api/v1/publications/{id}/preview */
int page_api_publication_acts(struct req *r);    /* POST /api/v1/publications/{id}/acts {"action": ...} */
int page_publications(struct req *r);            /* GET /publications: the list with due-soon / overdue marks */
int page_publication(struct req *r);             /* GET/POST /publications/{id}: preview side by side and the acts */
/* == end disclosure == */
/* == records_docs.c, records_file.c: 执法文书 and the case file == */
/* The section 执法文书与案卷 of the case page (c: the case as case_get gives it). */
void records_docs_section(struct req *r, const json_t *c);
int page_case_documents(struct req *r);    /* GET the 新建文书 form; POST type_code drafts one */
int page_document(struct req *r);          /* GET /documents/{id}; POST saves the draft (row_version) */
int page_document_correct(struct req *r);  /* POST correction_reason: a correction of a final one */
int page_document_sign(struct req *r);     /* GET; POST kind=screen|scan|refused, bound to content_sha256 */
int page_document_finalise(struct req *r); /* GET what is missing; POST row_version + password */
int page_document_pdf(struct req *r);      /* GET the PDF (a draft with the watermark 草稿) */
int page_case_file(struct req *r);         /* GET /cases/{id}/file: the printable 卷内目录 */
/* == end records == */
/* == api_redact.c == */
int page_api_redact(struct req *r);                               /* POST /api/v1/redact (JSON) */
int stream_api_redact(struct req *r, const char *data, size_t n); /* its body, up to 2.25 MiB */
/* == end api_redact.c == */
#endif
