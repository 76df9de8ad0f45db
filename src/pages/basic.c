/*
 * basic.c - health check, embedded static assets (with cache headers and
 * ETags) and the open API's index (JSON; for a browser asking for HTML, a
 * page describing the open data) and OpenAPI description.
 */
#include "core/core.h"
#include "core/embedded.h"
#include "http/http.h"
#include "http/layout.h"
#include "http/html.h"
#include "app/app.h"
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

/* The summary of GET path in the embedded OpenAPI document ("" if none). */
static const char *api_summary(json_t *doc, const char *path)
{
	json_t *get = json_object_get(json_object_get(json_object_get(doc, "paths"), path), "get");
	const char *s = json_string_value(json_object_get(get, "summary"));
	return s ? s : "";
}

/* GET /api/v1/ asked for by a browser: what the open data are, how to
 * fetch them, that they are free to use, and every public endpoint. */
static void api_index_page(struct req *r, json_t *m)
{
	const struct embedded_file *f = embedded_find("api/openapi.json");
	json_t *doc = f ? json_loadb((const char *)f->data, f->len, 0, NULL) : NULL;
	r->status = 200;
	page_begin(r, "开放数据接口");
	h_raw(r->out, "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol><li><a href=\"/\">首页</a></li>"
		       "<li aria-current=\"page\">开放数据接口</li></ol></nav>"
		       "<h1>开放数据接口</h1>"
		       "<p>本平台公示的行政执法信息——执法主体、执法人员、执法事项、服务指南、随机抽查事项清单、证件核验结果、"
		       "工作日历和公信验证日志——同时以机器可读的 JSON 格式开放，供公众、媒体和其他信息系统直接获取。</p>"
		       "<section class=\"card\"><h2>使用说明</h2><ul>"
		       "<li><strong>免费、免登录、免申请：</strong>以下接口无需注册账号或申请授权，任何人均可免费获取，"
		       "并可自由复制、转载和再利用；引用时请注明来源及获取时间。</li>"
		       "<li><strong>数据格式：</strong>返回 UTF-8 编码的 JSON。以 <code>/api/v1/</code> 开头的地址总是返回 JSON；"
		       "门户页面的地址在请求时声明接受 JSON（Accept 请求头，取值见接口说明）时也返回同样的数据。</li>"
		       "<li><strong>接口说明：</strong>每个接口的参数和返回字段见 "
		       "<a href=\"/api/v1/openapi.json\">OpenAPI 接口说明文档（openapi.json）</a>，可导入常用的接口调试工具阅读。</li>"
		       "<li><strong>真实性核验：</strong>公示信息的每个版本都记入公开的防篡改日志，可在"
		       "<a href=\"/log\">公信验证</a>页面核验。</li></ul>"
		       "<p>示例：<code>curl ");
	h_printf(r->out, "%s/api/v1/portal/matters</code></p></section>", r->app->cfg.public_url);
	h_raw(r->out, "<h2>公开接口</h2><div class=\"table-wrap\"><table class=\"cards\"><thead><tr><th scope=\"col\">接口地址</th>"
		       "<th scope=\"col\">内容</th></tr></thead><tbody>");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "public_endpoints"), i, p) {
		const char *path = json_string_value(p);
		bool has_param = strchr(path, '{') != NULL;
		h_raw(r->out, "<tr><th scope=\"row\" data-label=\"接口地址\"><code>");
		if (has_param)
			h_printf(r->out, "%s", path);
		else
			h_printf(r->out, "<a href=\"%s\">%s</a>", path, path);
		h_printf(r->out, "</code></th><td data-label=\"内容\">%s</td></tr>", api_summary(doc, path));
	}
	h_raw(r->out, "</tbody></table></div>");
	json_decref(doc);
	page_end(r);
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
	const char *acc = req_header(r, "Accept");
	if (acc && strstr(acc, "text/html")) { /* a browser: a page for people */
		api_index_page(r, m);
		json_decref(m);
		return 0;
	}
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
