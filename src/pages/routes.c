/*
 * routes.c - the route table: method, path, handler, who may call it.
 * Read it top to bottom to know every URL zhifa serves.  POST routes are
 * CSRF-checked by the router; R_LOGIN routes need a session; the roles
 * column narrows to those roles (the domain layer checks unit scope).
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"

#define ANY_STAFF 0
#define MANAGERS (ROLE_HEAD | ROLE_ADMIN)

const struct route routes[] = {
	/* infrastructure */
	{ M_GET, "/healthz", page_healthz, R_PUBLIC, 0 },
	{ M_GET, "/static/*", page_static, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/", page_api_index, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/openapi.json", page_openapi, R_PUBLIC, 0 },

	/* the public portal: 事前公开 and the credential check */
	{ M_GET, "/", page_portal_home, R_PUBLIC, 0 },
	{ M_GET, "/portal/search", page_portal_search, R_PUBLIC, 0 },
	{ M_GET, "/portal/bodies", page_portal_bodies, R_PUBLIC, 0 },
	{ M_GET, "/portal/officers", page_portal_officers, R_PUBLIC, 0 },
	{ M_GET, "/portal/matters", page_portal_matters, R_PUBLIC, 0 },
	{ M_GET, "/portal/matters/{id}", page_portal_matter, R_PUBLIC, 0 },
	{ M_GET, "/portal/matters/{id}/flowchart.svg", page_portal_flowchart, R_PUBLIC, 0 },
	{ M_GET, "/portal/guides", page_portal_guides, R_PUBLIC, 0 },
	{ M_GET, "/portal/guides/{id}", page_portal_guide, R_PUBLIC, 0 },
	{ M_GET, "/portal/inspections", page_portal_inspections, R_PUBLIC, 0 },
	{ M_GET, "/portal/inspections/{id}", page_portal_inspection, R_PUBLIC, 0 },
	{ M_GET, "/verify/c/{token}", page_verify_cert, R_PUBLIC, 0 },
	{ M_GET, "/verify/c/{token}/qr.svg", page_verify_cert_qr, R_PUBLIC, 0 },
	/* the same models as JSON, under the open API */
	{ M_GET, "/api/v1/portal/bodies", page_portal_bodies, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/officers", page_portal_officers, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/matters", page_portal_matters, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/matters/{id}", page_portal_matter, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/guides", page_portal_guides, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/guides/{id}", page_portal_guide, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/inspections", page_portal_inspections, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/inspections/{id}", page_portal_inspection, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/portal/search", page_portal_search, R_PUBLIC, 0 },
	{ M_GET, "/api/v1/verify/c/{token}", page_verify_cert, R_PUBLIC, 0 },

	/* sign in and out */
	{ M_GET | M_POST, "/login", page_login, R_PUBLIC, 0 },
	{ M_POST, "/logout", page_logout, R_PUBLIC, 0 },
	{ M_GET | M_POST, "/account/password", page_account_password, R_LOGIN | R_NOFORCE, 0 },
};
const size_t routes_count = ARRAY_SIZE(routes);
