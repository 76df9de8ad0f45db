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
/* portal.c */
int page_portal_home(struct req *r);
int page_portal_search(struct req *r);
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
/* login.c */
int page_login(struct req *r);
int page_logout(struct req *r);
int page_account_password(struct req *r);
#endif
