/*
 * admin_matters.c - the back office of the catalogue (事前公开): lists of
 * enforcement matters, service guides and random inspection items within
 * the actor's scope, the item page (working draft and latest published version, flowchart,
 * version history, withdrawals) and the publish / withdraw actions, each
 * behind a confirmation page (a preview of the public page and the
 * differences from the published version; the reason for a withdrawal).  The
 * structured drafting form (new and edit) is in admin_matters_form.c.
 *
 * Invariants: every permission and scope decision is the domain's
 * (publicity.h): these pages only pass its ERR_* through, so a URL for
 * another unit's item answers 403 whatever the links show.  Every model is
 * also served as JSON.  A form that fails validation is re-rendered with
 * the status of the error, the domain's Chinese message in an alert at the
 * top and next to the input named by the error's field, and every value
 * the user typed.  Form inputs are named after the content's JSON path
 * with "[i]." and "[i]" turned into "_i_" and "_i" (basis_0_law,
 * procedure_1_name, remedy_0_type), so an error field such as
 * "procedure[1].name" maps to exactly one input; rows left entirely blank
 * are dropped in order before validation, and the re-rendered form shows
 * the rows that were sent, so row numbers in messages match the form.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "http/xlsx.h"
#include "pages/pages.h"
#include "people/people.h"
#include "pages/matter_view.h"
#include "pages/admin_matters.h"
#include "publicity/publicity.h"
#include <jansson.h>

/* ---- small helpers ---- */

int am_err_status(const struct err *e)
{
	return e->kind >= 400 && e->kind < 500 ? e->kind : 500;
}

/* The full stop to put after a message ("" if it already has one). */
const char *am_stop_after(const char *msg)
{
	return str_ends(msg, "。") || str_ends(msg, "！") ? "" : "。";
}

const char *am_kind_title(enum pub_kind k)
{
	return k == PUB_GUIDE ? "服务指南" : k == PUB_INSPECTION ? "随机抽查事项" : "执法事项";
}

/* The portal's folder of a kind: /portal/matters, /portal/guides … */
static const char *portal_dir(enum pub_kind k)
{
	return k == PUB_GUIDE ? "guides" : k == PUB_INSPECTION ? "inspections" : "matters";
}

enum pub_kind am_model_kind(const json_t *m)
{
	enum pub_kind k = pub_kind_parse(js(m, "kind"));
	return k ? k : PUB_MATTER;
}

/* The request body as a JSON object when it was sent as application/json;
 * NULL otherwise (or when it does not parse). */
json_t *am_body_json(struct req *r)
{
	if (r->method != M_POST || !r->content_type || !str_starts(r->content_type, "application/json") || !r->body)
		return NULL;
	json_error_t je;
	json_t *j = json_loadb(r->body, r->body_len, 0, &je);
	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* A text parameter from the JSON body (if any) or the form/query. */
const char *am_param_or_json(struct req *r, const json_t *body, const char *key)
{
	if (body) {
		const json_t *v = json_object_get(body, key);
		return json_is_string(v) ? json_string_value(v) : NULL;
	}
	return req_param(r, key);
}

/* The linked matter's name as this actor sees it ("" if unreadable). */
const char *am_matter_name(struct req *r, long long matter_id)
{
	if (!matter_id)
		return "";
	json_t *mm = publicity_office_item(r->db, &r->actor, matter_id, NULL);
	const json_t *c = json_object_get(mm, "draft");
	if (!json_is_object(c))
		c = json_object_get(mm, "published");
	const char *name = req_strdup(r, js(c, "name"));
	json_decref(mm);
	return name;
}
/* Units with enforcement power within the actor's scope: [{id,name}]. */
static json_t *units_in_scope(struct req *r)
{
	json_t *all = people_units_brief(r->db, true), *list = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(all, i, u)
		if (publicity_unit_in_scope(r->db, &r->actor, ji(u, "id")))
			json_array_append(list, u);
	json_decref(all);
	return list;
}

/* ---- the list ---- */

static void render_list(struct req *r, json_t *m)
{
	enum pub_kind kind = am_model_kind(m);
	page_begin(r, am_kind_title(kind));
	h_printf(r->out, "<h1>%s</h1>", am_kind_title(kind));
	h_raw(r->out, "<nav class=\"tabs\" aria-label=\"公示类型\"><ul>");
	for (enum pub_kind k = PUB_MATTER; k <= PUB_INSPECTION; k++) {
		h_printf(r->out, "<li><a href=\"/admin/matters?kind=%s\"", pub_kind_ident(k));
		if (k == kind)
			h_raw(r->out, " aria-current=\"page\"");
		h_printf(r->out, ">%s</a></li>", pub_kind_label(k));
	}
	h_raw(r->out, "</ul></nav>");
	if (json_is_true(json_object_get(m, "can_create")))
		h_printf(r->out, "<p><a class=\"button\" href=\"/admin/matters/new?kind=%s\">起草新的%s</a></p>",
			 pub_kind_ident(kind), pub_kind_label(kind));

	/* filters */
	h_printf(r->out, "<form class=\"search\" method=\"get\" action=\"/admin/matters\">"
		    "<input type=\"hidden\" name=\"kind\" value=\"%s\">"
		    "<label for=\"fq\" class=\"visually-hidden\">关键词</label>"
		    "<input type=\"search\" id=\"fq\" name=\"q\" value=\"%s\" placeholder=\"关键词\" maxlength=\"100\">"
		    "<label for=\"fs\" class=\"visually-hidden\">状态</label><select id=\"fs\" name=\"status\">"
		    "<option value=\"\">全部状态</option>",
		 pub_kind_ident(kind), js(m, "keyword"));
	static const char *const statuses[] = { "draft", "published", "withdrawn" };
	for (size_t s = 0; s < ARRAY_SIZE(statuses); s++)
		h_printf(r->out, "<option value=\"%s\"%s>%s</option>", statuses[s],
			 str_eq(js(m, "status"), statuses[s]) ? " selected" : "", pub_status_label(statuses[s]));
	h_raw(r->out, "</select>");
	json_t *units = json_object_get(m, "units");
	if (json_array_size(units) > 1) {
		h_raw(r->out, "<label for=\"fu\" class=\"visually-hidden\">执法主体</label><select id=\"fu\" name=\"unit\">"
			       "<option value=\"\">全部处室（单位）</option>");
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u)
			h_printf(r->out, "<option value=\"%lld\"%s>%s</option>", ji(u, "id"),
				 ji(u, "id") == ji(m, "unit_id") ? " selected" : "", js(u, "name"));
		h_raw(r->out, "</select>");
	}
	h_raw(r->out, "<button type=\"submit\">筛选</button></form>");

	struct list_view v = { "/admin/matters", js(m, "query"), js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
	json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">没有符合条件的内容。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr>");
		list_th(r, &v, "name", "名称");
		if (kind == PUB_MATTER)
			list_th(r, &v, "category", "类别");
		list_th(r, &v, "unit_name", "执法主体");
		list_th(r, &v, "status", "状态");
		h_raw(r->out, "<th scope=\"col\">现行版本</th>");
		list_th(r, &v, "published_at", "公示时间");
		h_raw(r->out, "</tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			h_printf(r->out, "<tr><td><a href=\"/admin/matters/%lld\">%s</a></td>", ji(it, "id"), js(it, "name"));
			if (kind == PUB_MATTER)
				h_printf(r->out, "<td>%s</td>", js(it, "category_label"));
			h_printf(r->out, "<td>%s</td><td><span class=\"badge %s\">%s</span>", js(it, "unit_name"),
				 js(it, "status"), js(it, "status_label"));
			if (json_is_true(json_object_get(it, "has_draft")) && !str_eq(js(it, "status"), "draft"))
				h_raw(r->out, " <span class=\"badge draft\">有待发布的修改</span>");
			h_raw(r->out, "</td>");
			if (ji(it, "version")) {
				char when[20];
				time_utc_to_shanghai(js(it, "published_at"), when);
				h_printf(r->out, "<td>第 %lld 版</td><td>%s</td></tr>", ji(it, "version"), when);
			} else {
				h_raw(r->out, "<td>—</td><td>—</td></tr>");
			}
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	list_pager(r, &v, ji(m, "total"), ji(m, "page"), ji(m, "per_page"), true);
	h_raw(r->out, "<p class=\"actions\">");
	list_export_link(r, &v, "/admin/matters.xlsx");
	h_raw(r->out, "</p>");
	page_end(r);
}

static const struct list_col list_cols[] = {
	{ "name", false }, { "category", false }, { "unit_name", false }, { "status", false }, { "published_at", false },
};
static const char *const list_keys[] = { "kind", "q", "status", "unit" };

/* Read the list's query (filters, sort, page) into *q and *kind; answers
 * 400 and returns -1 on a malformed one. */
static int list_query(struct req *r, enum pub_kind *kind, struct publicity_query *q)
{
	*kind = PUB_MATTER;
	const char *s = req_param(r, "kind");
	if (!str_empty(s) && !(*kind = pub_kind_parse(s))) {
		resp_error(r, 400, "kind", "参数「公示类型」不正确（应为执法事项、服务指南或随机抽查事项）。");
		return -1;
	}
	*q = (struct publicity_query){ .per_page = 20 };
	struct err se = ERR_INIT;
	if (list_sort_parse(r, list_cols, ARRAY_SIZE(list_cols), "", true, &q->sort, &q->asc, &se) < 0) {
		resp_err(r, &se);
		return -1;
	}
	long long v;
	s = req_param(r, "unit");
	if (!str_empty(s)) {
		if (str_to_ll(s, 1, INT64_MAX, &v) < 0) {
			resp_error(r, 400, "unit", "参数「执法主体」不正确。");
			return -1;
		}
		q->unit_id = v;
	}
	s = req_param(r, "page");
	if (!str_empty(s)) {
		if (str_to_ll(s, 1, 100000, &v) < 0) {
			resp_error(r, 400, "page", "参数「页码」不正确。");
			return -1;
		}
		q->page = (int)v;
	}
	s = req_param(r, "status");
	if (!str_empty(s))
		q->status = s;
	s = req_param(r, "q");
	if (!str_empty(s)) {
		if (utf8_len(s, strlen(s)) > 100) {
			resp_error(r, 400, "q", "关键词过长（最多 100 个字）。");
			return -1;
		}
		q->keyword = s;
	}
	return 0;
}

int page_admin_matters(struct req *r)
{
	enum pub_kind kind;
	struct publicity_query q;
	if (list_query(r, &kind, &q) < 0)
		return 0;
	struct err e = ERR_INIT;
	json_t *m = publicity_office_list(r->db, &r->actor, kind, &q, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	json_object_set_new(m, "sort", json_string(q.sort ? q.sort : ""));
	json_object_set_new(m, "asc", json_boolean(q.asc));
	json_object_set_new(m, "query", json_string(list_filter_query(r, list_keys, ARRAY_SIZE(list_keys))));
	json_object_set_new(m, "unit_id", json_integer(q.unit_id));
	json_object_set_new(m, "status", json_string(q.status ? q.status : ""));
	json_object_set_new(m, "keyword", json_string(q.keyword ? q.keyword : ""));
	json_object_set_new(m, "units", units_in_scope(r));
	json_object_set_new(m, "can_create", json_boolean(actor_has(&r->actor, ROLE_OFFICER | ROLE_HEAD) &&
							  r->actor.unit_id > 0));
	return page_model(r, m, render_list);
}

/* GET /admin/matters.xlsx: every item the list's filters show, in its order. */
int page_admin_matters_xlsx(struct req *r)
{
	enum pub_kind kind;
	struct publicity_query q;
	if (list_query(r, &kind, &q) < 0)
		return 0;
	struct err e = ERR_INIT;
	json_t *rows = json_array();
	q.per_page = 100;
	for (q.page = 1; q.page <= 500; q.page++) {
		json_t *m = publicity_office_list(r->db, &r->actor, kind, &q, &e);
		if (!m) {
			json_decref(rows);
			resp_err(r, &e);
			return 0;
		}
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(m, "items"), i, it) {
			char when[20] = "";
			if (ji(it, "version"))
				time_utc_to_shanghai(js(it, "published_at"), when);
			json_array_append_new(rows, json_pack("[s,s,s,s,o,s]", js(it, "name"), js(it, "category_label"),
							      js(it, "unit_name"), js(it, "status_label"),
							      ji(it, "version") ? json_integer(ji(it, "version")) : json_null(), when));
		}
		bool last = (long long)q.page * q.per_page >= ji(m, "total");
		json_decref(m);
		if (last)
			break;
	}
	static const struct xlsx_col cols[] = {
		{ "名称", 36, XLSX_TEXT }, { "类别", 12, XLSX_TEXT }, { "执法主体", 24, XLSX_TEXT },
		{ "状态", 10, XLSX_TEXT }, { "现行版本", 10, XLSX_NUMBER }, { "公示时间（北京时间）", 18, XLSX_TEXT },
	};
	char today[11];
	time_today_shanghai(today);
	xlsx_send(r, am_kind_title(kind), req_printf(r, "%s（%s 导出，共 %zu 条）", am_kind_title(kind), today, json_array_size(rows)),
		  cols, ARRAY_SIZE(cols), rows, req_printf(r, "%s_%s.xlsx", am_kind_title(kind), today),
		  req_printf(r, "%s-%s.xlsx", pub_kind_ident(kind), today));
	json_decref(rows);
	return 0;
}

/* ---- the item page ---- */

static void prop(struct req *r, const char *label, const char *value)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, str_empty(value) ? "—" : value);
}

static void prop_basis(struct req *r, const json_t *basis)
{
	h_raw(r->out, "<dt>法律依据</dt><dd>");
	if (!json_array_size(basis)) {
		h_raw(r->out, "—</dd>");
		return;
	}
	h_raw(r->out, "<ul>");
	size_t i;
	const json_t *b;
	json_array_foreach(basis, i, b)
		h_printf(r->out, "<li>%s %s</li>", js(b, "law"), js(b, "article"));
	h_raw(r->out, "</ul></dd>");
}

/* One content object as a definition list.  which: "draft"|"published". */
static void render_content(struct req *r, const json_t *m, const json_t *c, const char *which)
{
	enum pub_kind kind = am_model_kind(m);
	h_raw(r->out, "<dl class=\"props\">");
	prop(r, "名称", js(c, "name"));
	size_t i;
	const json_t *s;
	switch (kind) {
	case PUB_MATTER: {
		const char *cat = pub_category_label(js(c, "category"));
		prop(r, "事项类别", cat ? cat : "");
		prop(r, "职责", js(c, "duties"));
		prop(r, "权限", js(c, "authority"));
		prop_basis(r, json_object_get(c, "basis"));
		h_raw(r->out, "<dt>执法程序</dt><dd>");
		matter_steps_html(r, json_object_get(c, "procedure"));
		h_raw(r->out, "</dd><dt>救济渠道</dt><dd>");
		matter_remedy_html(r, json_object_get(c, "remedy"));
		h_raw(r->out, "</dd></dl>");
		h_printf(r->out, "<figure class=\"flow\"><img src=\"/admin/matters/%lld/flowchart.svg?of=%s\" "
			    "alt=\"%s 执法流程图（步骤同上方“执法程序”）\"><figcaption><a href=\"/admin/matters/%lld/flowchart.svg?of=%s\">"
			    "打开流程图（SVG）</a></figcaption></figure>",
			 ji(m, "id"), which, js(c, "name"), ji(m, "id"), which);
		return;
	}
	case PUB_GUIDE:
		prop(r, "受理机构", js(c, "accepting_body"));
		prop(r, "决定机构", js(c, "approving_body"));
		prop(r, "办理条件", js(c, "conditions"));
		prop(r, "办理时限", js(c, "time_limit"));
		h_raw(r->out, "<dt>申请材料</dt><dd><ol>");
		json_array_foreach(json_object_get(c, "materials"), i, s)
			h_printf(r->out, "<li>%s</li>", json_is_string(s) ? json_string_value(s) : "");
		h_raw(r->out, "</ol></dd>");
		prop(r, "收费标准", js(c, "fees"));
		prop(r, "咨询方式", js(c, "contact"));
		prop_basis(r, json_object_get(c, "basis"));
		break;
	case PUB_INSPECTION:
		prop(r, "检查内容", js(c, "content"));
		prop_basis(r, json_object_get(c, "basis"));
		prop(r, "检查方式", js(c, "method"));
		prop(r, "抽查频次", js(c, "frequency"));
		prop(r, "检查主体", js(c, "inspecting_unit"));
		break;
	}
	h_raw(r->out, "</dl>");
}

static void related_list(struct req *r, const json_t *items, const char *title)
{
	if (!json_array_size(items))
		return;
	h_printf(r->out, "<h2>%s</h2><ul>", title);
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it)
		h_printf(r->out, "<li><a href=\"/admin/matters/%lld\">%s</a> <span class=\"badge %s\">%s</span></li>",
			 ji(it, "id"), js(it, "name"), js(it, "status"), js(it, "status_label"));
	h_raw(r->out, "</ul>");
}

static void render_item(struct req *r, json_t *m)
{
	enum pub_kind kind = am_model_kind(m);
	const json_t *draft = json_object_get(m, "draft"), *pub = json_object_get(m, "published");
	const char *name = json_is_object(draft) ? js(draft, "name") : js(pub, "name");
	const char *status = js(m, "status");
	long long id = ji(m, "id"), latest = ji(m, "latest_version");
	page_begin(r, name);
	h_printf(r->out, "<p class=\"muted\"><a href=\"/admin/matters?kind=%s\">%s</a> › %s</p>",
		 pub_kind_ident(kind), am_kind_title(kind), pub_kind_label(kind));
	h_printf(r->out, "<h1>%s</h1><p><span class=\"badge %s\">%s</span>", name, status, js(m, "status_label"));
	if (json_is_true(json_object_get(m, "has_draft")) && !str_eq(status, "draft"))
		h_raw(r->out, " <span class=\"badge draft\">有待发布的修改</span>");
	h_printf(r->out, " 执法主体：%s", js(m, "unit_name"));
	if (latest)
		h_printf(r->out, "，现行公示第 %lld 版", latest);
	h_raw(r->out, "</p>");

	const char *ok = req_param(r, "ok");
	if (str_eq(ok, "created") || str_eq(ok, "saved"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">已保存草稿。</p>");
	else if (str_eq(ok, "published"))
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">已发布，现行公示第 %lld 版。<a href=\"/portal/%s/%lld\">在公示门户查看</a></p>",
			 latest, portal_dir(kind), id);
	else if (str_eq(ok, "withdrawn"))
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">已撤下。公示门户的列表和搜索不再显示该内容；"
			 "<a href=\"/portal/%s/%lld\">公示页面</a>保留，注明已撤下、日期和原因，各历史版本仍可查阅。</p>",
			 portal_dir(kind), id);

	if (kind != PUB_MATTER && ji(m, "matter_id"))
		h_printf(r->out, "<p>所属执法事项：<a href=\"/admin/matters/%lld\">%s</a></p>", ji(m, "matter_id"),
			 js(m, "matter_name"));

	/* actions */
	bool can_edit = json_is_true(json_object_get(m, "can_edit"));
	bool can_publish = json_is_true(json_object_get(m, "can_publish"));
	bool can_withdraw = json_is_true(json_object_get(m, "can_withdraw"));
	if (can_edit || can_publish || can_withdraw) {
		h_raw(r->out, "<section class=\"card actions\"><h2>操作</h2>");
		if (can_edit) {
			h_printf(r->out, "<p><a class=\"button\" href=\"/admin/matters/%lld/edit\">%s</a>", id,
				 json_is_object(draft) ? "编辑草稿" : "修改内容（生成新草稿）");
			if (kind == PUB_MATTER)
				h_printf(r->out, " <a class=\"button secondary\" href=\"/admin/matters/new?kind=guide&amp;matter=%lld\">为本事项起草服务指南</a>"
					    " <a class=\"button secondary\" href=\"/admin/matters/new?kind=inspection&amp;matter=%lld\">起草随机抽查事项</a>",
					 id, id);
			h_raw(r->out, "</p>");
		}
		if (can_publish)
			h_printf(r->out, "<p><a class=\"button\" href=\"/admin/matters/%lld/publish\">预览并发布第 %lld 版</a> "
				 "<span class=\"hint\">先查看与现行版本的差异和公示页面预览，确认后才发布</span></p>", id, latest + 1);
		else if (json_is_object(draft) && can_edit)
			h_raw(r->out, "<p class=\"hint\">草稿须由本处室负责人审核发布后才向社会公示。</p>");
		if (can_withdraw)
			h_printf(r->out, "<p><a class=\"button secondary\" href=\"/admin/matters/%lld/withdraw\">撤下公示…</a> "
				 "<span class=\"hint\">须填写撤下原因并确认</span></p>", id);
		h_raw(r->out, "</section>");
	}

	/* the content */
	if (json_is_object(draft)) {
		h_raw(r->out, "<section class=\"card version\"><h2>工作草稿（未公示）</h2>");
		render_content(r, m, draft, "draft");
		h_raw(r->out, "</section>");
	}
	if (json_is_object(pub)) {
		char when[20];
		time_utc_to_shanghai(js(m, "published_at"), when);
		h_printf(r->out, "<section class=\"card version\"><h2>%s第 %lld 版</h2><p class=\"muted\">%s 由 %s 发布。</p>",
			 str_eq(status, "withdrawn") ? "已撤下的" : "现行公示", latest, when, js(m, "published_by_name"));
		render_content(r, m, pub, "published");
		h_raw(r->out, "</section>");
	}

	if (kind == PUB_MATTER) {
		related_list(r, json_object_get(m, "guides"), "服务指南");
		related_list(r, json_object_get(m, "inspections"), "随机抽查事项");
	}

	json_t *vs = json_object_get(m, "versions");
	h_raw(r->out, "<h2>版本记录</h2>");
	if (!json_array_size(vs)) {
		h_raw(r->out, "<p class=\"muted\">尚未发布。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">版本</th><th scope=\"col\">发布时间</th>"
			       "<th scope=\"col\">发布人</th><th scope=\"col\">变更说明</th></tr></thead><tbody>");
		size_t i;
		json_t *v;
		json_array_foreach(vs, i, v) {
			char when[20];
			time_utc_to_shanghai(js(v, "published_at"), when);
			h_printf(r->out, "<tr><td><a href=\"/portal/%s/%lld?version=%lld\">第 %lld 版</a></td>",
				 portal_dir(kind), id, ji(v, "version"), ji(v, "version"));
			h_printf(r->out, "<td>%s</td><td>%s</td><td>%s</td></tr>", when, js(v, "published_by_name"),
				 js(v, "change_note"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	json_t *ws = json_object_get(m, "withdrawals");
	if (json_array_size(ws)) {
		h_raw(r->out, "<h2>撤下记录</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">撤下时的版本</th>"
			       "<th scope=\"col\">时间</th><th scope=\"col\">撤下人</th><th scope=\"col\">原因</th></tr></thead><tbody>");
		size_t i;
		json_t *w;
		json_array_foreach(ws, i, w) {
			char when[20];
			time_utc_to_shanghai(js(w, "at"), when);
			h_printf(r->out, "<tr><td>第 %lld 版</td><td>%s</td><td>%s</td><td>%s</td></tr>", ji(w, "version"),
				 when, js(w, "by_name"), js(w, "reason"));
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	page_end(r);
}

/* The office model of item {id} with the related lists; NULL after
 * answering the error. */
static json_t *load_item(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "公示内容不存在。");
		return NULL;
	}
	struct err e = ERR_INIT;
	json_t *m = publicity_office_item(r->db, &r->actor, id, &e);
	if (!m) {
		resp_err(r, &e);
		return NULL;
	}
	if (am_model_kind(m) == PUB_MATTER) {
		struct publicity_query q = { .matter_id = id, .per_page = 100 };
		json_t *g = publicity_office_list(r->db, &r->actor, PUB_GUIDE, &q, NULL);
		json_t *ins = publicity_office_list(r->db, &r->actor, PUB_INSPECTION, &q, NULL);
		json_object_set_new(m, "guides", g ? json_incref(json_object_get(g, "items")) : json_array());
		json_object_set_new(m, "inspections", ins ? json_incref(json_object_get(ins, "items")) : json_array());
		json_decref(g);
		json_decref(ins);
	} else {
		json_object_set_new(m, "matter_name", json_string(am_matter_name(r, ji(m, "matter_id"))));
	}
	return m;
}

int page_admin_matter(struct req *r)
{
	json_t *m = load_item(r);
	return m ? page_model(r, m, render_item) : 0;
}

int page_admin_matter_flowchart(struct req *r)
{
	json_t *m = load_item(r);
	if (!m)
		return 0;
	const char *of = req_param(r, "of");
	const json_t *c = json_object_get(m, str_eq(of, "published") ? "published" : "draft");
	if (!json_is_object(c))
		c = json_object_get(m, str_eq(of, "published") ? "draft" : "published");
	struct buf svg;
	buf_init(&svg, 0);
	if (am_model_kind(m) != PUB_MATTER || !json_is_object(c) || publicity_flowchart_svg(c, &svg) < 0)
		resp_error(r, 404, NULL, "该事项没有执法程序，无法生成流程图。");
	else
		resp_text(r, 200, "image/svg+xml; charset=utf-8", svg.data, svg.len);
	buf_release(&svg);
	json_decref(m);
	return 0;
}

/* ---- publishing and withdrawing: preview, then confirm ----
 *
 * GET …/publish shows the public page as it will appear (the portal's own
 * body renderer over the draft) and, field by field, what differs from the
 * version now public; its form POSTs confirm=1 with the draft's token, so
 * what is published is what was shown (a later edit makes the domain
 * refuse, 409).  GET …/withdraw shows what the public page will say and
 * asks for the reason.  A POST without confirm=1 (JSON: "confirm": true)
 * publishes or withdraws nothing: a browser gets the confirmation page, a
 * program a 409 naming the field "confirm". */

/* One side of a field's difference: old = the "same" and "del" lines, new
 * = the "same" and "add" lines, the changed ones marked <del> / <ins>. */
static void diff_side(struct req *r, const json_t *f, bool old_side, const char *label)
{
	const char *skip = old_side ? "add" : "del", *mine = old_side ? "del" : "add";
	h_printf(r->out, "<td data-label=\"%s\">", label);
	size_t i, n = 0;
	const json_t *l;
	json_array_foreach(json_object_get(f, "lines"), i, l) {
		const char *op = js(l, "op");
		if (str_eq(op, skip))
			continue;
		n++;
		if (str_eq(op, mine))
			h_printf(r->out, old_side ? "<div class=\"line\"><del>%s</del></div>" : "<div class=\"line\"><ins>%s</ins></div>",
				 js(l, "text"));
		else
			h_printf(r->out, "<div class=\"line\">%s</div>", js(l, "text"));
	}
	if (!n)
		h_raw(r->out, "—");
	h_raw(r->out, "</td>");
}

static void render_diff(struct req *r, const json_t *m)
{
	const json_t *diff = json_object_get(m, "diff");
	long long latest = ji(m, "latest_version");
	size_t i;
	const json_t *f;
	struct buf names;
	buf_init(&names, 0);
	int changed = 0;
	json_array_foreach(diff, i, f)
		if (json_is_true(json_object_get(f, "changed"))) {
			if (changed++)
				buf_puts(&names, "、");
			buf_puts(&names, js(f, "label"));
		}
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">与已公示版本的差异</h2>");
	/* a withdrawn item has no version in force: compare with the withdrawn one */
	const char *was = str_eq(js(m, "status"), "withdrawn") ? "已撤下的" : "现行";
	if (!latest)
		h_raw(r->out, "<p>本条尚未公示过，以下全部内容将首次公示。</p>");
	else if (!changed)
		h_printf(r->out, "<p>草稿与%s第 %lld 版内容相同，发布后只是版本号和变更说明不同。</p>", was, latest);
	else
		h_printf(r->out, "<p>与%s第 %lld 版相比，共 <strong>%d</strong> 项有修改：%s。修改的项目已标出，删去的文字带删除线，新增的文字加底色。</p>",
			 was, latest, changed, buf_str(&names));
	buf_release(&names);
	const char *old_h = latest ? req_printf(r, "%s（第 %lld 版）", was, latest) : "现行（尚未公示）";
	const char *new_h = req_printf(r, "发布后（第 %lld 版）", latest + 1);
	h_printf(r->out, "<div class=\"table-wrap\"><table class=\"diff\"><thead><tr><th scope=\"col\">项目</th>"
		 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>", old_h, new_h);
	json_array_foreach(diff, i, f) {
		bool ch = json_is_true(json_object_get(f, "changed"));
		h_printf(r->out, "<tr class=\"%s\"><th scope=\"row\">%s", ch ? "changed" : "same", js(f, "label"));
		if (ch)
			h_raw(r->out, " <span class=\"badge changed\">已修改</span>");
		h_raw(r->out, "</th>");
		diff_side(r, f, true, old_h);
		diff_side(r, f, false, new_h);
		h_raw(r->out, "</tr>");
	}
	h_raw(r->out, "</tbody></table></div></section>");
}

/* The publish confirmation page.  m: the office model with "diff" and
 * "preview" (a portal model of the draft). */
static void render_publish_e(struct req *r, json_t *m, const struct err *e, const char *note)
{
	enum pub_kind kind = am_model_kind(m);
	const json_t *draft = json_object_get(m, "draft");
	long long id = ji(m, "id"), latest = ji(m, "latest_version");
	struct am_form fc;
	am_form_init(&fc, r, e);
	page_begin(r, req_printf(r, "确认发布：%s", js(draft, "name")));
	h_printf(r->out, "<p class=\"muted\"><a href=\"/admin/matters?kind=%s\">%s</a> › <a href=\"/admin/matters/%lld\">%s</a> › 确认发布</p>",
		 pub_kind_ident(kind), am_kind_title(kind), id, js(draft, "name"));
	h_printf(r->out, "<h1>确认发布第 %lld 版</h1>", latest + 1);
	if (fc.view.n)
		h_printf(r->out, "<div class=\"alert error\" role=\"alert\"><p>未发布：%s%s</p></div>", fc.one.msg,
			 am_stop_after(fc.one.msg));
	h_printf(r->out, "<p>请核对下方的差异和公示页面预览。确认后，草稿将作为第 %lld 版向社会公示%s，发布人、时间和内容摘要记入操作日志和存证账本。</p>",
		 latest + 1, latest ? req_printf(r, "，第 %lld 版转为历史版本，仍可查阅", latest) : "");
	render_diff(r, m);

	h_printf(r->out, "<form class=\"card confirm\" method=\"post\" action=\"/admin/matters/%lld/publish\">", id);
	form_csrf(r);
	h_printf(r->out, "<input type=\"hidden\" name=\"confirm\" value=\"1\"><input type=\"hidden\" name=\"draft_token\" value=\"%s\">",
		 js(m, "draft_token"));
	am_input_text(&fc, "change_note", "变更说明", note ? note : (latest ? "" : "首次公示"), 200, false,
		      "向公众说明本次修改的内容，最多200字，显示在公示页面的版本记录中");
	h_printf(r->out, "<p class=\"actions\"><button type=\"submit\">确认发布为第 %lld 版</button> "
		 "<a class=\"button secondary\" href=\"/admin/matters/%lld\">返回，不发布</a></p></form>", latest + 1, id);

	json_t *pv = json_object_get(m, "preview");
	h_printf(r->out, "<section class=\"preview\" aria-labelledby=\"pv-h\"><h2 id=\"pv-h\">公示页面预览</h2>"
		 "<p class=\"muted\">以下是发布后公众在公示门户 /portal/%s/%lld 看到的内容（预览，尚未公示）。</p>"
		 "<div class=\"preview-page\"><h1>%s</h1>",
		 portal_dir(kind), id, js(draft, "name"));
	portal_item_body(r, pv, req_printf(r, "/admin/matters/%lld/flowchart.svg?of=draft", id));
	h_raw(r->out, "</div></section>");
	page_end(r);
}

static void render_publish(struct req *r, json_t *m)
{
	render_publish_e(r, m, NULL, NULL);
}

/* The office model of item {id} for the publish confirmation: "diff"
 * against the published version and "preview", the public page's model of
 * the draft.  NULL after answering (404/403, or 409 without a draft). */
static json_t *load_publish(struct req *r)
{
	json_t *m = load_item(r);
	if (!m)
		return NULL;
	const json_t *draft = json_object_get(m, "draft");
	if (!json_is_object(draft)) {
		json_decref(m);
		resp_error(r, 409, NULL, "没有待发布的修改。");
		return NULL;
	}
	if (!json_is_true(json_object_get(m, "can_publish"))) {
		json_decref(m);
		resp_error(r, 403, NULL, "只有本单位负责人可以发布本单位的公示内容（谁执法谁公示）。");
		return NULL;
	}
	enum pub_kind kind = am_model_kind(m);
	const json_t *pub = json_object_get(m, "published");
	json_object_set_new(m, "diff", publicity_diff(kind, json_is_object(pub) ? pub : NULL, draft));
	char now[21];
	time_now_utc(now);
	json_t *pv = json_pack("{s:I,s:s,s:I,s:s,s:I,s:I,s:s,s:s,s:O}", "id", (json_int_t)ji(m, "id"),
			       "kind", pub_kind_ident(kind), "unit_id", (json_int_t)ji(m, "unit_id"),
			       "unit_name", js(m, "unit_name"), "version", (json_int_t)(ji(m, "latest_version") + 1),
			       "latest_version", (json_int_t)(ji(m, "latest_version") + 1), "published_at", now,
			       "published_by_name", r->actor.name, "content", draft);
	if (kind == PUB_MATTER) {
		/* the related lists the public will see: published ones */
		json_t *cur = publicity_portal_item(r->db, ji(m, "id"), NULL);
		json_object_set_new(pv, "guides", json_incref(json_object_get(cur, "guides")));
		json_object_set_new(pv, "inspections", json_incref(json_object_get(cur, "inspections")));
		json_decref(cur);
		if (!json_object_get(pv, "guides"))
			json_object_set_new(pv, "guides", json_array());
		if (!json_object_get(pv, "inspections"))
			json_object_set_new(pv, "inspections", json_array());
	}
	json_object_set_new(m, "preview", pv);
	return m;
}

/* NULL, empty or only white space? */
static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* The withdrawal confirmation page. */
static void render_withdraw_e(struct req *r, json_t *m, const struct err *e, const char *reason)
{
	enum pub_kind kind = am_model_kind(m);
	const json_t *pub = json_object_get(m, "published");
	long long id = ji(m, "id"), latest = ji(m, "latest_version");
	struct am_form fc;
	am_form_init(&fc, r, e);
	page_begin(r, req_printf(r, "确认撤下：%s", js(pub, "name")));
	h_printf(r->out, "<p class=\"muted\"><a href=\"/admin/matters?kind=%s\">%s</a> › <a href=\"/admin/matters/%lld\">%s</a> › 确认撤下</p>",
		 pub_kind_ident(kind), am_kind_title(kind), id, js(pub, "name"));
	h_printf(r->out, "<h1>确认撤下“%s”</h1>", js(pub, "name"));
	if (fc.view.n)
		h_printf(r->out, "<div class=\"alert error\" role=\"alert\"><p>未撤下：%s%s</p></div>", fc.one.msg,
			 am_stop_after(fc.one.msg));
	char when[20];
	time_utc_to_shanghai(js(m, "published_at"), when);
	h_printf(r->out, "<section class=\"card\"><h2>撤下后</h2><ul>"
		 "<li>现行第 %lld 版（%s 发布）不再作为现行公示内容，公示门户的列表和搜索中不再出现；</li>"
		 "<li>公示页面 <a href=\"/portal/%s/%lld\">/portal/%s/%lld</a> 保留，注明“已撤下”、撤下日期和下面填写的撤下原因；</li>"
		 "<li>第 1 至第 %lld 版作为历史版本仍可查阅；以后修改并重新发布，将作为新的版本恢复公示。</li></ul></section>",
		 latest, when, portal_dir(kind), id, portal_dir(kind), id, latest);
	h_printf(r->out, "<form class=\"card confirm\" method=\"post\" action=\"/admin/matters/%lld/withdraw\">", id);
	form_csrf(r);
	h_raw(r->out, "<input type=\"hidden\" name=\"confirm\" value=\"1\"><div class=\"field\">");
	am_label_for(&fc, "reason", "撤下原因", true, "向公众说明撤下的原因，将显示在公示页面上，并记录撤下人和时间，最多500字");
	h_raw(r->out, "<textarea id=\"f-reason\" name=\"reason\" rows=\"4\" maxlength=\"500\" required");
	am_err_attrs(&fc, "reason");
	h_printf(r->out, ">%s</textarea>", reason ? reason : "");
	am_err_note(&fc, "reason");
	h_printf(r->out, "</div><p class=\"actions\"><button type=\"submit\" class=\"danger\">确认撤下</button> "
		 "<a class=\"button secondary\" href=\"/admin/matters/%lld\">返回，不撤下</a></p></form>", id);
	char today[11];
	time_today_shanghai(today);
	h_printf(r->out, "<section class=\"preview\" aria-labelledby=\"pv-h\"><h2 id=\"pv-h\">公示页面预览</h2>"
		 "<div class=\"preview-page\"><h1>%s</h1><section class=\"alert warn withdrawn\"><h2>已撤下</h2>"
		 "<p>本%s已于 <strong>%s</strong> 撤下，不再作为现行公示内容。</p><p>撤下原因：%s</p>"
		 "<p>撤下前公示的是第 %lld 版。各版本仍可在下方版本记录中查阅。</p></section></div></section>",
		 js(pub, "name"), am_kind_title(kind), today, blank(reason) ? "（您填写的撤下原因）" : reason, latest);
	page_end(r);
}

static void render_withdraw(struct req *r, json_t *m)
{
	render_withdraw_e(r, m, NULL, NULL);
}

/* The office model for the withdrawal confirmation; NULL after answering. */
static json_t *load_withdraw(struct req *r)
{
	json_t *m = load_item(r);
	if (!m)
		return NULL;
	if (!str_eq(js(m, "status"), "published")) {
		json_decref(m);
		resp_error(r, 409, NULL, "只有已公示的内容可以撤下。");
		return NULL;
	}
	if (!json_is_true(json_object_get(m, "can_withdraw"))) {
		json_decref(m);
		resp_error(r, 403, NULL, "只有本单位负责人可以撤下本单位的公示内容（谁执法谁公示）。");
		return NULL;
	}
	return m;
}

/* Was the confirmation step taken?  Form: confirm=1; JSON: "confirm": true. */
static bool confirmed(struct req *r, const json_t *body)
{
	if (body) {
		const json_t *c = json_object_get(body, "confirm");
		return json_is_true(c) || str_eq(json_string_value(c), "1");
	}
	const char *c = req_param(r, "confirm");
	return str_eq(c, "1") || str_eq(c, "true");
}

/* Publish or withdraw (POST), or show the confirmation page (GET, or a POST
 * that skipped it); failures of the user's input re-render the page. */
static int item_action(struct req *r, bool publish)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "公示内容不存在。");
		return 0;
	}
	if (r->method != M_POST) {
		json_t *m = publish ? load_publish(r) : load_withdraw(r);
		return m ? page_model(r, m, publish ? render_publish : render_withdraw) : 0;
	}
	json_t *body = am_body_json(r);
	const char *text = am_param_or_json(r, body, publish ? "change_note" : "reason");
	const char *kept = text ? req_strdup(r, text) : NULL;
	const char *token = am_param_or_json(r, body, "draft_token");
	token = token ? req_strdup(r, token) : NULL;
	bool yes = confirmed(r, body);
	json_decref(body);
	if (!yes || (publish && !r->want_json && str_empty(token))) {
		/* the confirmation step was skipped: nothing changes */
		if (r->want_json) {
			resp_error(r, 409, "confirm", publish ? "发布前须先预览差异并确认：请先 GET 本地址查看预览，再带 confirm 和 draft_token 提交。"
							      : "撤下前须先确认：请带 confirm 和撤下原因提交。");
			return 0;
		}
		json_t *m = publish ? load_publish(r) : load_withdraw(r);
		if (!m)
			return 0;
		if (publish)
			render_publish_e(r, m, NULL, kept);
		else
			render_withdraw_e(r, m, NULL, kept);
		json_decref(m);
		return 0;
	}
	struct err e = ERR_INIT;
	int rc = publish ? publicity_publish_confirmed(r->db, &r->actor, id, kept, str_empty(token) ? NULL : token, &e)
			 : publicity_withdraw(r->db, &r->actor, id, kept, &e);
	if (rc < 0) {
		if (r->want_json || (e.kind != ERR_INVALID && e.kind != ERR_CONFLICT)) {
			resp_err(r, &e);
			return 0;
		}
		json_t *m = publish ? load_publish(r) : load_withdraw(r);
		if (!m)
			return 0; /* answered, e.g. 409 when nothing is left to publish */
		r->status = am_err_status(&e);
		if (publish)
			render_publish_e(r, m, &e, kept);
		else
			render_withdraw_e(r, m, &e, kept);
		json_decref(m);
		return 0;
	}
	if (r->want_json) {
		resp_json(r, 200, publish ? json_pack("{s:I,s:i}", "id", (json_int_t)id, "version", rc)
					  : json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "withdrawn"));
		return 0;
	}
	resp_redirect(r, req_printf(r, "/admin/matters/%lld?ok=%s", id, publish ? "published" : "withdrawn"));
	return 0;
}

int page_admin_matter_publish(struct req *r) { return item_action(r, true); }
int page_admin_matter_withdraw(struct req *r) { return item_action(r, false); }
