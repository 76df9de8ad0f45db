/*
 * portal.c - the public window (一个窗口), 事前公开: home, search, the
 * catalogue of enforcement matters with legal basis, procedure, remedy
 * channels and flowchart, service guides and random inspection lists.
 * No login; published items only; every model is also served as JSON.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "app/app.h"
#include "pages/pages.h"
#include "pages/portal_people.h"
#include "pages/matter_view.h"
#include "publicity/publicity.h"

/* The categories of enforcement: the dictionary's (core/dict.h). */
static const struct dict_entry *categories_list(size_t *n)
{
	return dict_entries("pub_category", n);
}

/* ---- shared fragments ---- */

/* The breadcrumb trail: 首页 › [parent ›] here. */
static void crumbs(struct req *r, const char *parent_href, const char *parent, const char *here)
{
	h_raw(r->out, "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol><li><a href=\"/\">首页</a></li>");
	if (parent)
		h_printf(r->out, "<li><a href=\"%s\">%s</a></li>", parent_href, parent);
	h_printf(r->out, "<li aria-current=\"page\">%s</li></ol></nav>", here);
}

static void search_box(struct req *r, const char *q)
{
	h_printf(r->out, "<form class=\"search\" method=\"get\" action=\"/portal/search\" role=\"search\">"
		 "<label for=\"q\" class=\"visually-hidden\">关键词</label>"
		 "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" placeholder=\"输入关键词，如：许可、民爆、无线电\" maxlength=\"100\">"
		 "<button type=\"submit\">搜索</button></form>", q ? q : "");
}

static void item_href(struct buf *b, const char *kind, long long id)
{
	const char *base = str_eq(kind, "guide") ? "/portal/guides/" :
			   str_eq(kind, "inspection") ? "/portal/inspections/" : "/portal/matters/";
	buf_printf(b, "%s%lld", base, id);
}

static void list_items(struct req *r, json_t *items, bool with_category)
{
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">没有找到符合条件的公示信息。</p>");
		return;
	}
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards\"><thead><tr><th scope=\"col\">名称</th>");
	if (with_category)
		h_raw(r->out, "<th scope=\"col\">类别</th>");
	h_raw(r->out, "<th scope=\"col\">承办机构</th><th scope=\"col\">版本</th><th scope=\"col\">公示时间</th></tr></thead><tbody>");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		struct buf href;
		buf_init(&href, 0);
		item_href(&href, js(it, "kind"), ji(it, "id"));
		char when[20];
		time_utc_to_shanghai(js(it, "published_at"), when);
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"名称\"><a href=\"%s\">%s</a></th>", buf_str(&href),
			 js(it, "name"));
		if (with_category)
			h_printf(r->out, "<td data-label=\"类别\">%s</td>", js(it, "category_label"));
		h_printf(r->out, "<td data-label=\"承办机构\">%s</td><td data-label=\"版本\" class=\"nowrap\">第 %lld 版</td>"
			 "<td data-label=\"公示时间\" class=\"nowrap\">%s</td></tr>", js(it, "unit_name"), ji(it, "version"), when);
		buf_release(&href);
	}
	h_raw(r->out, "</tbody></table></div>");
}

/* The one paginator (http/list.h), links relative to the current page. */
static void pager(struct req *r, json_t *m, const char *base_query)
{
	struct list_view v = { "", base_query, "", false };
	list_pager(r, &v, ji(m, "total"), ji(m, "page"), ji(m, "per_page"), true);
}

static int query_from_req(struct req *r, struct publicity_query *q)
{
	memset(q, 0, sizeof *q);
	long long v;
	const char *s = req_param(r, "unit");
	if (!str_empty(s)) {
		if (str_to_ll(s, 1, INT64_MAX, &v) < 0) {
			resp_error(r, 400, "unit", "参数「执法主体或承办机构」不正确。");
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
	s = req_param(r, "category");
	if (!str_empty(s)) {
		if (!pub_category_label(s)) {
			resp_error(r, 400, "category", "参数「类别」不正确。");
			return -1;
		}
		q->category = s;
	}
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

/* The query string of the current filters, for the pager links. */
static const char *filter_query(struct req *r, const struct publicity_query *q)
{
	struct buf b;
	buf_init(&b, 0);
	if (q->unit_id)
		buf_printf(&b, "unit=%lld&", q->unit_id);
	if (q->category) {
		buf_puts(&b, "category=");
		url_enc(&b, q->category);
		buf_putc(&b, '&');
	}
	if (q->keyword) {
		buf_puts(&b, "q=");
		url_enc(&b, q->keyword);
		buf_putc(&b, '&');
	}
	return req_own(r, buf_detach(&b, NULL));
}

/* The filter form; units is an array of {id, name}. */
static void filter_form(struct req *r, const char *action, const struct publicity_query *q, bool categories,
			json_t *units)
{
	h_printf(r->out, "<form class=\"search\" method=\"get\" action=\"%s\">", action);
	h_printf(r->out, "<label for=\"fq\" class=\"visually-hidden\">关键词</label>"
		 "<input type=\"search\" id=\"fq\" name=\"q\" value=\"%s\" placeholder=\"关键词\" maxlength=\"100\">",
		 q->keyword ? q->keyword : "");
	h_raw(r->out, "<label for=\"fu\" class=\"visually-hidden\">承办机构</label><select id=\"fu\" name=\"unit\"><option value=\"\">全部承办机构</option>");
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
		h_printf(r->out, "<option value=\"%lld\"%s>%s</option>", ji(u, "id"),
			 ji(u, "id") == q->unit_id ? " selected" : "", js(u, "name"));
	h_raw(r->out, "</select>");
	if (categories) {
		h_raw(r->out, "<label for=\"fc\" class=\"visually-hidden\">类别</label><select id=\"fc\" name=\"category\"><option value=\"\">全部类别</option>");
		size_t ncat;
		const struct dict_entry *cats = categories_list(&ncat);
		for (size_t c = 0; c < ncat; c++)
			h_printf(r->out, "<option value=\"%s\"%s>%s</option>", cats[c].code,
				 str_eq(q->category, cats[c].code) ? " selected" : "", cats[c].label);
		h_raw(r->out, "</select>");
	}
	h_raw(r->out, "<button type=\"submit\">筛选</button></form>");
}

/* Units with published items, for the filters of the catalogue pages. */
static json_t *catalogue_units(struct db *db)
{
	struct err e = ERR_INIT;
	json_t *m = publicity_portal_units(db, &e);
	json_t *units = json_incref(json_object_get(m, "units"));
	json_decref(m);
	return units ? units : json_array();
}

/* ---- home ---- */

/* The status of officers counted: "N 人" and, when some certificates are
 * suspended or not yet in force, how many of them are valid today. */
static void officer_count(struct req *r, long long listed, long long valid)
{
	h_printf(r->out, "%lld 人", listed);
	if (valid != listed)
		h_printf(r->out, "<small class=\"muted\">（证件有效 %lld 人）</small>", valid);
}

static void render_home(struct req *r, json_t *m)
{
	page_begin(r, "首页");
	h_raw(r->out, "<section class=\"hero card\"><h1>行政执法信息公示</h1>"
		       "<p>按照“谁执法谁公示”的原则，本平台统一公示本厅的执法主体、承办机构、执法人员、"
		       "执法事项、服务指南、执法流程图和随机抽查事项清单。</p>");
	search_box(r, NULL);
	h_raw(r->out, "</section>");
	json_t *st = json_object_get(m, "stats");
	h_printf(r->out, "<div class=\"grid\">"
		 "<a class=\"stat\" href=\"/portal/bodies\"><b>%lld</b>执法主体</a>"
		 "<a class=\"stat\" href=\"/portal/officers\"><b>%lld</b>持证执法人员</a>"
		 "<a class=\"stat\" href=\"/portal/matters\"><b>%lld</b>公示执法事项</a>"
		 "<a class=\"stat\" href=\"/portal/inspections\"><b>%lld</b>随机抽查事项</a></div>",
		 ji(st, "bodies"), ji(st, "certified_officers"), ji(st, "matters"), ji(st, "inspections"));
	if (ji(st, "valid_officers") != ji(st, "certified_officers"))
		h_printf(r->out, "<p class=\"muted\">持证执法人员中，证件今天有效的 %lld 人；证件暂扣或未生效的，"
			 "在<a href=\"/portal/officers\">执法人员名录</a>中标明状态，不得从事行政执法活动。</p>",
			 ji(st, "valid_officers"));
	h_raw(r->out, "<h2>执法主体、承办机构及持证执法人员</h2>");
	size_t i, j;
	json_t *u, *o;
	json_array_foreach(json_object_get(m, "bodies"), i, u) {
		h_printf(r->out, "<div class=\"table-wrap\"><table class=\"cards\"><caption>执法主体：<a href=\"/portal/bodies#body-%lld\">%s</a></caption>"
			 "<thead><tr><th scope=\"col\">承办机构</th><th scope=\"col\">持证执法人员</th><th scope=\"col\">执法事项</th></tr></thead><tbody>",
			 ji(u, "id"), js(u, "name"));
		json_array_foreach(json_object_get(u, "offices"), j, o)
			h_printf(r->out, "<tr><th scope=\"row\" data-label=\"承办机构\"><a href=\"/portal/matters?unit=%lld\">%s</a></th>"
				 "<td data-label=\"持证执法人员\"><a href=\"/portal/officers?unit=%lld\">%lld 人</a></td>"
				 "<td data-label=\"执法事项\">%lld 项</td></tr>",
				 ji(o, "id"), js(o, "name"), ji(o, "id"), ji(o, "certified_officers"), ji(o, "matters"));
		h_raw(r->out, "</tbody></table></div>");
	}
	h_raw(r->out, "<h2>执法类别</h2><ul class=\"cats\">");
	size_t ncat;
	const struct dict_entry *cats = categories_list(&ncat);
	for (size_t c = 0; c < ncat; c++)
		h_printf(r->out, "<li><a href=\"/portal/matters?category=%s\">%s</a></li>", cats[c].code, cats[c].label);
	h_raw(r->out, "</ul><h2>核验执法证件</h2><p>执法人员出示执法证件时，请扫描证件上的二维码，核验证件是否真实有效。"
		       "也可在<a href=\"/portal/officers\">执法人员名录</a>中按姓名或证号查询。</p>");
	page_end(r);
}

int page_portal_home(struct req *r)
{
	json_t *bodies = portal_bodies_model(r->db);
	struct err e = ERR_INIT;
	struct publicity_query q = { .per_page = 1 };
	json_t *matters = publicity_portal_list(r->db, PUB_MATTER, &q, &e);
	json_t *insp = publicity_portal_list(r->db, PUB_INSPECTION, &q, &e);
	json_t *m = json_pack("{s:s,s:{s:I,s:I,s:I,s:I,s:I},s:O}", "site", r->app->cfg.site_name, "stats",
			      "bodies", (json_int_t)json_array_size(json_object_get(bodies, "bodies")),
			      "certified_officers", (json_int_t)ji(bodies, "certified_officers"),
			      "valid_officers", (json_int_t)ji(bodies, "valid_officers"),
			      "matters", (json_int_t)ji(matters, "total"),
			      "inspections", (json_int_t)ji(insp, "total"),
			      "bodies", json_object_get(bodies, "bodies"));
	json_decref(bodies);
	json_decref(matters);
	json_decref(insp);
	return page_model(r, m, render_home);
}

/* ---- bodies and officers (models from pages/portal_people.c) ---- */

static void contact_prop(struct req *r, const char *label, const char *v)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, str_empty(v) ? "未公布" : v);
}

static void render_bodies(struct req *r, json_t *m)
{
	page_begin(r, "执法主体");
	crumbs(r, NULL, NULL, "执法主体");
	h_raw(r->out, "<h1>执法主体</h1><p>行政执法主体是以自己的名义实施行政执法并承担法律责任的行政机关或法律、法规授权的组织。"
		       "本厅内设处室（单位）是执法主体的<strong>承办机构</strong>，以执法主体的名义承办执法工作，"
		       "按照“谁执法谁公示”的原则负责本机构执法信息的审核、发布和更新。</p>");
	size_t i, j;
	json_t *u, *o;
	json_array_foreach(json_object_get(m, "bodies"), i, u) {
		h_printf(r->out, "<section class=\"card body\" id=\"body-%lld\" aria-labelledby=\"body-%lld-h\">"
			 "<h2 id=\"body-%lld-h\">%s</h2><dl class=\"props\">", ji(u, "id"), ji(u, "id"), ji(u, "id"), js(u, "name"));
		contact_prop(r, "办公地址", js(u, "address"));
		contact_prop(r, "联系电话", js(u, "phone"));
		contact_prop(r, "负责人", js(u, "head_name"));
		contact_prop(r, "监督投诉电话", js(u, "complaint_phone"));
		h_printf(r->out, "<dt>持证执法人员</dt><dd><a href=\"/portal/officers?unit=%lld\">", ji(u, "id"));
		officer_count(r, ji(u, "certified_officers"), ji(u, "valid_officers"));
		h_printf(r->out, "</a></dd><dt>公示执法事项</dt><dd>%lld 项</dd></dl>", ji(u, "matters"));
		json_t *offices = json_object_get(u, "offices");
		if (json_array_size(offices)) {
			h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards\"><caption>承办机构</caption><thead><tr>"
				       "<th scope=\"col\">承办机构</th><th scope=\"col\">持证执法人员</th><th scope=\"col\">公示事项</th>"
				       "</tr></thead><tbody>");
			json_array_foreach(offices, j, o)
				h_printf(r->out, "<tr><th scope=\"row\" data-label=\"承办机构\">%s</th>"
					 "<td data-label=\"持证执法人员\"><a href=\"/portal/officers?unit=%lld\">%lld 人</a></td>"
					 "<td data-label=\"公示事项\"><a href=\"/portal/matters?unit=%lld\">%lld 项</a></td></tr>",
					 js(o, "name"), ji(o, "id"), ji(o, "certified_officers"), ji(o, "id"), ji(o, "matters"));
			h_raw(r->out, "</tbody></table></div>");
		}
		h_raw(r->out, "</section>");
	}
	h_raw(r->out, "<p>全部持证执法人员合计 <strong>");
	officer_count(r, ji(m, "certified_officers"), ji(m, "valid_officers"));
	h_raw(r->out, "</strong>。对执法行为有异议的，可拨打执法主体的监督投诉电话，或依法申请行政复议、提起行政诉讼。</p>");
	page_end(r);
}

int page_portal_bodies(struct req *r)
{
	return page_model(r, portal_bodies_model(r->db), render_bodies);
}

static void officer_filter_form(struct req *r, json_t *m)
{
	long long unit = ji(m, "unit_id");
	h_printf(r->out, "<form class=\"search\" method=\"get\" action=\"/portal/officers\">"
		 "<label for=\"fq\" class=\"visually-hidden\">姓名、证号或执法范围</label>"
		 "<input type=\"search\" id=\"fq\" name=\"q\" value=\"%s\" placeholder=\"姓名、证号或执法范围\" maxlength=\"100\">"
		 "<label for=\"fu\" class=\"visually-hidden\">执法主体或承办机构</label><select id=\"fu\" name=\"unit\">"
		 "<option value=\"\">全部执法主体</option>", js(m, "keyword"));
	json_t *bodies = portal_bodies_model(r->db);
	size_t i, j;
	json_t *u, *o;
	json_array_foreach(json_object_get(bodies, "bodies"), i, u) {
		h_printf(r->out, "<option value=\"%lld\"%s>%s</option>", ji(u, "id"), ji(u, "id") == unit ? " selected" : "",
			 js(u, "name"));
		json_array_foreach(json_object_get(u, "offices"), j, o)
			h_printf(r->out, "<option value=\"%lld\"%s>　%s</option>", ji(o, "id"),
				 ji(o, "id") == unit ? " selected" : "", js(o, "name"));
	}
	json_decref(bodies);
	h_printf(r->out, "</select><label class=\"check\" for=\"fall\"><input type=\"checkbox\" id=\"fall\" name=\"all\" value=\"1\"%s> "
		 "包括已注销/过期的证件</label><button type=\"submit\">筛选</button></form>",
		 json_is_true(json_object_get(m, "include_inactive")) ? " checked" : "");
}

/* One officer in a list: name, status and where to check the credential. */
static void officer_rows(struct req *r, json_t *list)
{
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards\"><thead><tr><th scope=\"col\">姓名</th>"
		       "<th scope=\"col\">状态</th><th scope=\"col\">执法主体 / 承办机构</th>"
		       "<th scope=\"col\">执法证号</th><th scope=\"col\">执法范围</th><th scope=\"col\">有效期至</th>"
		       "</tr></thead><tbody>");
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o)
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"姓名\">%s</th>"
			 "<td data-label=\"状态\"><span class=\"badge %s\">%s</span></td>"
			 "<td data-label=\"所属单位\">%s<br><small>%s</small></td>"
			 "<td data-label=\"执法证号\"><a class=\"nowrap\" href=\"/verify/c/%s\">%s</a></td>"
			 "<td data-label=\"执法范围\">%s</td><td data-label=\"有效期至\" class=\"nowrap\">%s</td></tr>",
			 js(o, "name"), js(o, "status"), js(o, "status_label"), js(o, "body_name"), js(o, "unit_name"),
			 js(o, "token"), js(o, "cert_no"), js(o, "scope"), js(o, "valid_to"));
	h_raw(r->out, "</tbody></table></div>");
}

static void render_officers(struct req *r, json_t *m)
{
	page_begin(r, "执法人员");
	crumbs(r, NULL, NULL, "执法人员");
	h_raw(r->out, "<h1>行政执法人员名录</h1><p>公示持有行政执法证件的人员姓名、所属执法主体和承办机构、执法证号和证件状态。"
		       "执法人员执法时应主动出示执法证件；证件“暂扣”“未生效”的人员不得从事行政执法活动。"
		       "已注销或已过期的证件默认不列出，可勾选“包括已注销/过期的证件”查看，扫码核验仍可查询其状态。</p>");
	officer_filter_form(r, m);
	json_t *list = json_object_get(m, "officers");
	if (!json_array_size(list)) {
		h_raw(r->out, "<p class=\"muted\">没有找到符合条件的执法人员。</p>");
	} else {
		h_printf(r->out, "<p class=\"muted\">共 %zu 条。</p>", json_array_size(list));
		officer_rows(r, list);
	}
	page_end(r);
}

int page_portal_officers(struct req *r)
{
	struct publicity_query q;
	if (query_from_req(r, &q) < 0)
		return 0;
	const char *all = req_param(r, "all");
	if (!str_empty(all) && !str_eq(all, "1") && !str_eq(all, "0")) {
		resp_error(r, 400, "all", "参数「包括已注销/过期」不正确，应为 1 或 0。");
		return 0;
	}
	json_t *m = portal_officers_model(r->db, q.unit_id, q.keyword, str_eq(all, "1"));
	if (!m) {
		resp_error(r, 500, NULL, "系统内部错误，请稍后重试。");
		return 0;
	}
	return page_model(r, m, render_officers);
}

/* ---- lists of matters, guides, inspections ---- */

static const char *list_title(const char *kind)
{
	return str_eq(kind, "guide") ? "服务指南" : str_eq(kind, "inspection") ? "随机抽查事项清单" : "行政执法事项";
}

static void render_list(struct req *r, json_t *m)
{
	const char *kind = js(m, "kind");
	const char *action = str_eq(kind, "guide") ? "/portal/guides" :
			     str_eq(kind, "inspection") ? "/portal/inspections" : "/portal/matters";
	page_begin(r, list_title(kind));
	crumbs(r, NULL, NULL, list_title(kind));
	h_printf(r->out, "<h1>%s</h1>", list_title(kind));
	if (str_eq(kind, "matter"))
		h_raw(r->out, "<p>各执法处室（单位）会同政策法规处编制的行政执法事项，列明执法主体、职责、权限、依据、程序和救济渠道。</p>");
	else if (str_eq(kind, "guide"))
		h_raw(r->out, "<p>列明有关执法事项的名称、受理机构、审批机构、受理条件、办理时限等。</p>");
	else
		h_raw(r->out, "<p>列明抽查内容、依据、方式、频次等。</p>");
	struct publicity_query q = { .unit_id = ji(m, "unit_id"), .category = js(m, "category"), .keyword = js(m, "keyword") };
	if (str_empty(q.category))
		q.category = NULL;
	if (str_empty(q.keyword))
		q.keyword = NULL;
	json_t *units = catalogue_units(r->db);
	filter_form(r, action, &q, str_eq(kind, "matter"), units);
	json_decref(units);
	list_items(r, json_object_get(m, "items"), str_eq(kind, "matter"));
	pager(r, m, filter_query(r, &q));
	page_end(r);
}

static int portal_list(struct req *r, enum pub_kind kind)
{
	struct publicity_query q;
	if (query_from_req(r, &q) < 0)
		return 0;
	struct err e = ERR_INIT;
	json_t *m = publicity_portal_list(r->db, kind, &q, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	json_object_set_new(m, "unit_id", json_integer(q.unit_id));
	json_object_set_new(m, "category", json_string(q.category ? q.category : ""));
	json_object_set_new(m, "keyword", json_string(q.keyword ? q.keyword : ""));
	return page_model(r, m, render_list);
}

int page_portal_matters(struct req *r) { return portal_list(r, PUB_MATTER); }
int page_portal_guides(struct req *r) { return portal_list(r, PUB_GUIDE); }
int page_portal_inspections(struct req *r) { return portal_list(r, PUB_INSPECTION); }

/* ---- one item ---- */

static void basis_list(struct req *r, json_t *basis)
{
	if (!json_array_size(basis)) {
		h_raw(r->out, "<p class=\"muted\">—</p>");
		return;
	}
	h_raw(r->out, "<ul>");
	size_t i;
	json_t *b;
	json_array_foreach(basis, i, b)
		h_printf(r->out, "<li>%s %s</li>", js(b, "law"), js(b, "article"));
	h_raw(r->out, "</ul>");
}

static void prop(struct req *r, const char *label, const char *value)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, str_empty(value) ? "—" : value);
}

static void versions_table(struct req *r, json_t *m, const char *base)
{
	json_t *vs = json_object_get(m, "versions");
	if (!json_array_size(vs))
		return;
	h_raw(r->out, "<h2 id=\"versions\">版本记录</h2><div class=\"table-wrap\"><table class=\"cards\"><thead><tr><th scope=\"col\">版本</th>"
		       "<th scope=\"col\">有效期</th><th scope=\"col\">发布人</th><th scope=\"col\">变更说明</th></tr></thead><tbody>");
	size_t i;
	json_t *v;
	json_array_foreach(vs, i, v) {
		char from[20], to[20];
		time_utc_to_shanghai(js(v, "effective_from"), from);
		bool current = json_is_null(json_object_get(v, "effective_to"));
		if (!current)
			time_utc_to_shanghai(js(v, "effective_to"), to);
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"版本\"><a href=\"%s?version=%lld\">第 %lld 版</a> <span class=\"badge %s\">%s</span></th>"
			 "<td data-label=\"有效期\">%s 至 %s</td><td data-label=\"发布人\">%s</td><td data-label=\"变更说明\">%s</td></tr>",
			 base, ji(v, "version"), ji(v, "version"), current ? "published" : "history",
			 current ? "现行" : "历史版本", from, current ? "今" : to, js(v, "published_by_name"),
			 js(v, "change_note"));
	}
	h_raw(r->out, "</tbody></table></div>");
}

/* The page of a withdrawn item: 已撤下, when, why, and where its versions are. */
static void withdrawn_notice(struct req *r, json_t *m, const char *kind)
{
	json_t *w = json_object_get(m, "withdrawal");
	char at[20];
	time_utc_to_shanghai(js(w, "at"), at);
	h_printf(r->out, "<section class=\"alert warn withdrawn\" role=\"status\"><h2>已撤下</h2>"
		 "<p>本%s已于 <strong>%s</strong> 撤下，不再作为现行公示内容。</p>"
		 "<p>撤下原因：%s</p><p>撤下前公示的是第 %lld 版。各版本仍可在下方<a href=\"#versions\">版本记录</a>中查阅。</p></section>",
		 str_eq(kind, "guide") ? "服务指南" : str_eq(kind, "inspection") ? "随机抽查事项" : "执法事项",
		 at, js(w, "reason"), ji(w, "version"));
	h_printf(r->out, "<section class=\"card\"><dl class=\"props\"><dt>执法主体</dt><dd>%s</dd><dt>承办机构</dt><dd>%s</dd></dl></section>",
		 js(m, "body_name"), js(m, "unit_name"));
}

/* The banner of a historical version: 历史版本, its period, what replaced it. */
static void history_notice(struct req *r, json_t *m, const char *base)
{
	char from[20], to[20];
	time_utc_to_shanghai(js(m, "effective_from"), from);
	bool in_force = json_is_null(json_object_get(m, "effective_to")) && !str_eq(js(m, "status"), "withdrawn");
	if (in_force) {
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">您正在查看第 %lld 版，即现行公示版本（自 %s 起有效）。</p>",
			 ji(m, "version"), from);
		return;
	}
	if (json_is_null(json_object_get(m, "effective_to")))
		snprintf(to, sizeof to, "撤下");
	else
		time_utc_to_shanghai(js(m, "effective_to"), to);
	h_printf(r->out, "<div class=\"alert warn history\" role=\"note\"><p><strong>历史版本</strong>：您正在查看第 %lld 版，"
		 "有效期 %s 至 %s，现已不再有效。</p>", ji(m, "version"), from, to);
	if (str_eq(js(m, "status"), "withdrawn"))
		h_printf(r->out, "<p>该公示内容已撤下。<a href=\"%s\">查看撤下说明</a></p></div>", base);
	else
		h_printf(r->out, "<p><a href=\"%s\">查看现行第 %lld 版</a></p></div>", base, ji(m, "latest_version"));
}

static void render_item(struct req *r, json_t *m)
{
	const char *kind = js(m, "kind");
	json_t *c = json_object_get(m, "content");
	struct buf base;
	buf_init(&base, 0);
	item_href(&base, kind, ji(m, "id"));
	page_begin(r, js(c, "name"));
	crumbs(r, str_eq(kind, "guide") ? "/portal/guides" : str_eq(kind, "inspection") ? "/portal/inspections" : "/portal/matters",
	       list_title(kind), js(c, "name"));
	h_printf(r->out, "<h1>%s</h1>", js(c, "name"));
	bool historical = json_is_true(json_object_get(m, "historical"));
	if (!historical && str_eq(js(m, "status"), "withdrawn")) {
		withdrawn_notice(r, m, kind);
		versions_table(r, m, buf_str(&base));
		buf_release(&base);
		page_end(r);
		return;
	}
	if (historical)
		history_notice(r, m, buf_str(&base));
	const char *vq = historical ? req_printf(r, "?version=%lld", ji(m, "version")) : "";
	portal_item_body(r, m, req_printf(r, "%s/flowchart.svg%s", buf_str(&base), vq));
	versions_table(r, m, buf_str(&base));
	buf_release(&base);
	page_end(r);
}

void portal_item_body(struct req *r, json_t *m, const char *flowchart_src)
{
	const char *kind = js(m, "kind");
	json_t *c = json_object_get(m, "content");
	char when[20];
	time_utc_to_shanghai(js(m, "published_at"), when);
	h_raw(r->out, "<section class=\"card\"><dl class=\"props\">");
	prop(r, "执法主体", js(m, "body_name"));
	prop(r, "承办机构", js(m, "unit_name"));
	if (str_eq(kind, "matter")) {
		prop(r, "事项类别", pub_category_label(js(c, "category")));
		prop(r, "职责", js(c, "duties"));
		prop(r, "权限", js(c, "authority"));
	} else if (str_eq(kind, "guide")) {
		prop(r, "受理机构", js(c, "accepting_body"));
		prop(r, "审批机构", js(c, "approving_body"));
		prop(r, "受理条件", js(c, "conditions"));
		prop(r, "办理时限", js(c, "time_limit"));
		prop(r, "收费标准", js(c, "fees"));
		prop(r, "咨询方式", js(c, "contact"));
	} else {
		prop(r, "抽查内容", js(c, "content"));
		prop(r, "抽查方式", js(c, "method"));
		prop(r, "抽查频次", js(c, "frequency"));
		prop(r, "实施单位", js(c, "inspecting_unit"));
	}
	h_printf(r->out, "<dt>公示版本</dt><dd>第 %lld 版，%s 由 %s 发布</dd></dl></section>",
		 ji(m, "version"), when, js(m, "published_by_name"));
	h_raw(r->out, "<h2>法律依据</h2>");
	basis_list(r, json_object_get(c, "basis"));
	if (str_eq(kind, "guide")) {
		h_raw(r->out, "<h2>申请材料</h2><ol>");
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(c, "materials"), i, s)
			h_printf(r->out, "<li>%s</li>", json_is_string(s) ? json_string_value(s) : "");
		h_raw(r->out, "</ol>");
	}
	if (str_eq(kind, "matter")) {
		h_raw(r->out, "<h2>执法程序</h2>");
		matter_steps_html(r, json_object_get(c, "procedure"));
		h_raw(r->out, "<h2>执法流程图</h2>");
		h_printf(r->out, "<figure class=\"flow\"><img src=\"%s\" alt=\"%s 执法流程图（步骤同上方“执法程序”）\">"
			 "<figcaption><a href=\"%s\">打开流程图（SVG）</a></figcaption></figure>",
			 flowchart_src, js(c, "name"), flowchart_src);
		h_raw(r->out, "<h2>救济渠道</h2>");
		matter_remedy_html(r, json_object_get(c, "remedy"));
		json_t *g = json_object_get(m, "guides");
		if (json_array_size(g)) {
			h_raw(r->out, "<h2>服务指南</h2>");
			list_items(r, g, false);
		}
		json_t *ins = json_object_get(m, "inspections");
		if (json_array_size(ins)) {
			h_raw(r->out, "<h2>随机抽查事项</h2>");
			list_items(r, ins, false);
		}
	}
}

/* ?version=N or the latest; NULL after answering an error. */
static json_t *load_item(struct req *r, enum pub_kind want)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "公示信息不存在。");
		return NULL;
	}
	struct err e = ERR_INIT;
	json_t *m;
	const char *ver = req_param(r, "version");
	long long v = 0;
	if (!str_empty(ver) && str_to_ll(ver, 1, 1000000, &v) < 0) {
		resp_error(r, 400, "version", "参数「版本」不正确。");
		return NULL;
	}
	if (v) {
		m = publicity_portal_version(r->db, id, (int)v, &e);
		if (m) {
			json_object_set_new(m, "historical", json_true());
			/* keep the version list and related items on a historical view */
			json_t *cur = publicity_portal_item(r->db, id, NULL);
			if (cur) {
				json_object_set(m, "versions", json_object_get(cur, "versions"));
				json_decref(cur);
			}
		}
	} else {
		m = publicity_portal_item(r->db, id, &e);
		if (m)
			json_object_set_new(m, "latest_version", json_integer(ji(m, "version")));
	}
	if (!m) {
		resp_err(r, &e);
		return NULL;
	}
	if (pub_kind_parse(js(m, "kind")) != want) {
		json_decref(m);
		resp_error(r, 404, NULL, "公示信息不存在。");
		return NULL;
	}
	char *body = portal_body_name(r->db, ji(m, "unit_id"));
	json_object_set_new(m, "body_name", json_string(body ? body : ""));
	free(body);
	return m;
}

int page_portal_matter(struct req *r)
{
	json_t *m = load_item(r, PUB_MATTER);
	return m ? page_model(r, m, render_item) : 0;
}

int page_portal_guide(struct req *r)
{
	json_t *m = load_item(r, PUB_GUIDE);
	return m ? page_model(r, m, render_item) : 0;
}

int page_portal_inspection(struct req *r)
{
	json_t *m = load_item(r, PUB_INSPECTION);
	return m ? page_model(r, m, render_item) : 0;
}

int page_portal_flowchart(struct req *r)
{
	json_t *m = load_item(r, PUB_MATTER);
	if (!m)
		return 0;
	if (!json_is_true(json_object_get(m, "historical")) && str_eq(js(m, "status"), "withdrawn")) {
		/* no chart is in force; each version's chart stays at ?version=N */
		json_decref(m);
		resp_error(r, 404, NULL, "该事项已撤下，请查看各历史版本的流程图。");
		return 0;
	}
	struct buf svg;
	buf_init(&svg, 0);
	if (publicity_flowchart_svg(m, &svg) < 0) {
		resp_error(r, 404, NULL, "该事项没有执法程序，无法生成流程图。");
	} else {
		resp_text(r, 200, "image/svg+xml; charset=utf-8", svg.data, svg.len);
		resp_header(r, "Cache-Control", "public, max-age=300");
	}
	buf_release(&svg);
	json_decref(m);
	return 0;
}

/* ---- search ---- */

static void render_search(struct req *r, json_t *m)
{
	page_begin(r, "搜索");
	crumbs(r, NULL, NULL, "搜索");
	h_raw(r->out, "<h1>搜索公示信息</h1>");
	search_box(r, js(m, "keyword"));
	json_t *also = json_object_get(m, "also_searched");
	if (json_array_size(also)) {
		h_raw(r->out, "<p class=\"muted\" id=\"also\">同时搜索了规范用语：");
		size_t a;
		json_t *w;
		json_array_foreach(also, a, w)
			h_printf(r->out, "%s“%s”", a ? "、" : "", json_string_value(w));
		h_raw(r->out, "</p>");
	}
	if (str_empty(js(m, "keyword"))) {
		h_raw(r->out, "<p class=\"muted\">请输入关键词。两个字的词（如“许可”“爆炸”）也可以检索。</p>");
		page_end(r);
		return;
	}
	static const struct { const char *key, *title; } groups[] = {
		{ "matters", "执法事项" }, { "guides", "服务指南" }, { "inspections", "随机抽查事项" },
	};
	long long total = 0;
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		json_t *items = json_object_get(m, groups[g].key);
		total += (long long)json_array_size(items);
		if (!json_array_size(items))
			continue;
		h_printf(r->out, "<h2>%s(%zu)</h2>", groups[g].title, json_array_size(items));
		list_items(r, items, g == 0);
	}
	json_t *units = json_object_get(m, "units");
	if (json_array_size(units)) {
		total += (long long)json_array_size(units);
		h_printf(r->out, "<h2>执法主体和承办机构（%zu）</h2><ul>", json_array_size(units));
		size_t i;
		json_t *u;
		json_array_foreach(units, i, u)
			h_printf(r->out, "<li><a href=\"/portal/matters?unit=%lld\">%s</a></li>", ji(u, "id"), js(u, "name"));
		h_raw(r->out, "</ul>");
	}
	json_t *officers = json_object_get(m, "officers");
	if (json_array_size(officers)) {
		total += (long long)json_array_size(officers);
		h_printf(r->out, "<h2>执法人员（%zu）</h2>", json_array_size(officers));
		officer_rows(r, officers);
	}
	if (!total)
		h_printf(r->out, "<p class=\"muted\">没有找到与“%s”有关的公示信息。</p>", js(m, "keyword"));
	page_end(r);
}

int page_portal_search(struct req *r)
{
	const char *q = req_param(r, "q");
	if (q && utf8_len(q, strlen(q)) > 100) {
		resp_error(r, 400, "q", "关键词过长（最多 100 个字）。");
		return 0;
	}
	json_t *m;
	if (str_empty(q)) {
		m = json_pack("{s:s,s:[],s:[],s:[],s:[],s:[],s:[]}", "keyword", "", "matters", "guides", "inspections",
			      "units", "officers", "also_searched");
	} else {
		struct err e = ERR_INIT;
		m = publicity_search(r->db, q, 20, &e);
		if (!m) {
			resp_err(r, &e);
			return 0;
		}
		json_t *off = portal_officers_model(r->db, 0, q, false);
		if (off)
			json_object_set(m, "officers", json_object_get(off, "officers"));
		else
			json_object_set_new(m, "officers", json_array());
		json_decref(off);
	}
	return page_model(r, m, render_search);
}
