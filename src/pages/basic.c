/*
 * basic.c - health check, embedded static assets (with cache headers and
 * ETags) and the open API's index and OpenAPI description.
 */
#include "core/core.h"
#include "core/embedded.h"
#include "http/http.h"
#include "http/layout.h"
#include "pages/pages.h"
#include <jansson.h>

int page_healthz(struct req *r)
{
	resp_text(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
	return 0;
}

static const char *content_type_for(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".json", "application/json" },
		{ ".woff2", "font/woff2" }, { ".txt", "text/plain; charset=utf-8" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (str_ends(path, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* FNV-1a of the content: a cheap, stable ETag for immutable embedded files. */
static unsigned long long fnv1a(const unsigned char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int page_static(struct req *r)
{
	const char *rest = r->params[0];
	if (strstr(rest, "..")) {
		resp_error(r, 404, NULL, "文件不存在。");
		return 0;
	}
	char *key = req_printf(r, "static/%s", rest);
	const struct embedded_file *f = embedded_find(key);
	if (!f) {
		resp_error(r, 404, NULL, "文件不存在。");
		return 0;
	}
	char *etag = req_printf(r, "\"%016llx\"", fnv1a(f->data, f->len));
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", "public, max-age=86400");
	const char *inm = req_header(r, "If-None-Match");
	if (inm && str_eq(inm, etag)) {
		r->status = 304;
		return 0;
	}
	resp_text(r, 200, content_type_for(rest), (const char *)f->data, f->len);
	return 0;
}

/* GET /api/v1/: the open API's index.  Lists each public (no login) GET
 * route under /api/v1/ once, in route-table order, and points at the
 * OpenAPI description; derived from the route table so it cannot drift. */
int page_api_index(struct req *r)
{
	json_t *paths = json_array();
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		if (!str_starts(rt->pattern, "/api/v1/") || (rt->flags & R_LOGIN) || !(rt->methods & M_GET))
			continue;
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = str_eq(routes[j].pattern, rt->pattern) && !(routes[j].flags & R_LOGIN) &&
			      (routes[j].methods & M_GET);
		if (!dup)
			json_array_append_new(paths, json_string(rt->pattern));
	}
	json_t *m = json_pack("{s:s,s:s,s:o,s:s}", "name", "zhifa 开放数据接口", "version", "v1",
			      "public_endpoints", paths, "openapi", "/api/v1/openapi.json");
	resp_json(r, 200, m);
	return 0;
}

int page_openapi(struct req *r)
{
	const struct embedded_file *f = embedded_find("api/openapi.json");
	if (!f) {
		resp_error(r, 404, NULL, "接口描述不存在。");
		return 0;
	}
	resp_header(r, "Cache-Control", "public, max-age=3600");
	resp_text(r, 200, "application/json; charset=utf-8", (const char *)f->data, f->len);
	return 0;
}
