/*
 * portal_decisions.c - 行政执法决定公示 on the public portal (事后公开):
 * the list with filters, search and keyset paging, one decision (current
 * version, history, 已撤下 / 公示期满), its 核验 page, and open data (JSON,
 * CSV, Atom, the 双公示 export).  Models come from disclosure/portal.h.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/xlsx.h"
#include "app/app.h"
#include "pages/pages.h"
#include "pages/portal_people.h"
#include "disclosure/portal.h"
#include "disclosure/search.h"

static void crumbs(struct req *r, bool list_link, const char *here)
{
	h_raw(r->out, "<nav class=\"crumbs\" aria-label=\"当前位置\"><ol><li><a href=\"/\">首页</a></li>");
	if (list_link)
		h_raw(r->out, "<li><a href=\"/portal/decisions\">行政执法决定公示</a></li>");
	h_printf(r->out, "<li aria-current=\"page\">%s</li></ol></nav>", here);
}

static void today(char out[11])
{
	time_today_shanghai(out);
}

/* ---- the query ---- */

static const char *param(struct req *r, const char *k)
{
	const char *s = req_param(r, k);
	return str_empty(s) ? NULL : s;
}

static int unit_param(struct req *r, const char *k, const char *label, long long *out)
{
	const char *s = param(r, k);
	*out = 0;
	if (s && str_to_ll(s, 1, INT64_MAX, out) < 0) {
		resp_error(r, 400, k, req_printf(r, "参数「%s」不正确。", label));
		return -1;
	}
	return 0;
}

/* Fill q from the request; -1 after answering 400. */
static int query_from_req(struct req *r, struct portal_query *q, char day[11])
{
	memset(q, 0, sizeof *q);
	today(day);
	q->today = day;
	q->kind = param(r, "kind");
	q->category = param(r, "category");
	q->from = param(r, "from");
	q->to = param(r, "to");
	q->q = param(r, "q");
	q->cursor = param(r, "cursor");
	if (unit_param(r, "body", "执法主体", &q->body_id) < 0 || unit_param(r, "unit", "承办机构", &q->unit_id) < 0)
		return -1;
	struct err e = ERR_INIT;
	if (portal_query_check(q, &e) < 0) {
		resp_err(r, &e);
		return -1;
	}
	return 0;
}

/* The current filters as "k=v&" (URL-encoded), without the cursor. */
static const char *filter_query(struct req *r, const struct portal_query *q)
{
	struct buf b;
	buf_init(&b, 0);
	const char *keys[] = { "q", "kind", "category", "from", "to" };
	const char *vals[] = { q->q, q->kind, q->category, q->from, q->to };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!vals[i])
			continue;
		buf_printf(&b, "%s=", keys[i]);
		url_enc(&b, vals[i]);
		buf_putc(&b, '&');
	}
	if (q->body_id)
		buf_printf(&b, "body=%lld&", q->body_id);
	if (q->unit_id)
		buf_printf(&b, "unit=%lld&", q->unit_id);
	return req_own(r, buf_detach(&b, NULL));
}

/* ---- the list ---- */

static void filter_form(struct req *r, json_t *m)
{
	json_t *f = json_object_get(m, "filters");
	h_printf(r->out, "<form class=\"decisions-filter\" method=\"get\" action=\"/portal/decisions\" role=\"search\">"
		 "<div class=\"f wide\"><label for=\"dq\">关键词</label><input type=\"search\" id=\"dq\" name=\"q\" value=\"%s\" "
		 "placeholder=\"相对人、文号、违法行为等，两个字的词也可以\" maxlength=\"200\"></div>", js(f, "q"));
	h_raw(r->out, "<div class=\"f\"><label for=\"dk\">决定类别</label><select id=\"dk\" name=\"kind\"><option value=\"\">全部</option>");
	static const char *const kinds[] = { "penalty", "licence", "coercion", "inspection", "other" };
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		h_printf(r->out, "<option value=\"%s\"%s>%s</option>", kinds[i], str_eq(js(f, "kind"), kinds[i]) ? " selected" : "",
			 portal_kind_label(kinds[i]));
	h_raw(r->out, "</select></div><div class=\"f\"><label for=\"du\">承办机构</label><select id=\"du\" name=\"unit\"><option value=\"\">全部</option>");
	json_t *bodies = portal_bodies_model(r->db);
	size_t i, j;
	json_t *u, *o;
	long long unit = ji(f, "unit"), body = ji(f, "body");
	json_array_foreach(json_object_get(bodies, "bodies"), i, u) {
		/* a body is chosen as ?body=, a division as ?unit= */
		h_printf(r->out, "<optgroup label=\"%s\">", js(u, "name"));
		json_array_foreach(json_object_get(u, "offices"), j, o)
			h_printf(r->out, "<option value=\"%lld\"%s>%s</option>", ji(o, "id"), ji(o, "id") == unit ? " selected" : "",
				 js(o, "name"));
		h_raw(r->out, "</optgroup>");
	}
	h_raw(r->out, "</select></div>");
	if (body)
		h_printf(r->out, "<input type=\"hidden\" name=\"body\" value=\"%lld\">", body);
	json_decref(bodies);
	h_printf(r->out, "<div class=\"f\"><label for=\"dc\">处罚或许可类别</label><input type=\"text\" id=\"dc\" name=\"category\" "
		 "value=\"%s\" placeholder=\"如：罚款\" maxlength=\"100\"></div>"
		 "<div class=\"f\"><label for=\"df\">决定日期自</label><input type=\"date\" id=\"df\" name=\"from\" value=\"%s\"></div>"
		 "<div class=\"f\"><label for=\"dt\">决定日期至</label><input type=\"date\" id=\"dt\" name=\"to\" value=\"%s\"></div>"
		 "<div class=\"f\"><button type=\"submit\">查询</button></div></form>",
		 js(f, "category"), js(f, "from"), js(f, "to"));
}

static void decision_rows(struct req *r, json_t *items)
{
	h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards decisions\"><thead><tr>"
		       "<th scope=\"col\">决定</th><th scope=\"col\">类别</th><th scope=\"col\">行政相对人</th>"
		       "<th scope=\"col\">决定书文号</th><th scope=\"col\">决定日期</th><th scope=\"col\">执法主体 / 承办机构</th>"
		       "</tr></thead><tbody>");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		h_printf(r->out, "<tr><th scope=\"row\" data-label=\"决定\"><a href=\"/portal/decisions/%lld\">%s</a>",
			 ji(it, "id"), js(it, "title"));
		if (ji(it, "version") > 1)
			h_printf(r->out, " <span class=\"badge history\">已更正（第 %lld 版）</span>", ji(it, "version"));
		h_printf(r->out, "</th><td data-label=\"类别\">%s<br><small>%s</small></td><td data-label=\"行政相对人\">%s</td>"
			 "<td data-label=\"决定书文号\">%s</td><td data-label=\"决定日期\" class=\"nowrap\">%s</td>"
			 "<td data-label=\"执法主体 / 承办机构\">%s<br><small>%s</small></td></tr>",
			 js(it, "kind_label"), js(it, "category"), js(it, "party_name"), js(it, "decision_no"),
			 js(it, "decision_date"), js(it, "body_name"), js(it, "unit_name"));
	}
	h_raw(r->out, "</tbody></table></div>");
}

static void render_list(struct req *r, json_t *m)
{
	page_begin(r, "行政执法决定公示");
	crumbs(r, false, "行政执法决定公示");
	h_raw(r->out, "<h1>行政执法决定公示</h1><p>按照“谁执法谁公示”的原则，各执法处室（单位）在作出执法决定之日起 20 个工作日内"
		       "公示执法主体、对象、类别、结论、日期等信息；行政许可、行政处罚在 7 个工作日内公示。"
		       "公示内容已依法对国家秘密、商业秘密、个人隐私作适当处理；不准确的及时更正，"
		       "被依法撤销、确认违法或者要求重新作出的及时撤下。每条公示均可核验其真实性。</p>");
	filter_form(r, m);
	json_t *s = json_object_get(m, "search");
	if (json_is_object(s)) {
		json_t *also = json_object_get(s, "also_searched");
		if (json_array_size(also)) {
			h_raw(r->out, "<p class=\"muted\" id=\"also\">同时检索了规范用语：");
			size_t a;
			json_t *w;
			json_array_foreach(also, a, w)
				h_printf(r->out, "%s“%s”", a ? "、" : "", json_string_value(w));
			h_raw(r->out, "</p>");
		}
		if (json_is_true(json_object_get(s, "truncated")))
			h_printf(r->out, "<p class=\"muted\">关键词较长，只检索了前 %d 个字（最多 %d 个词）。</p>", DSEARCH_MAX_CHARS,
				 DSEARCH_MAX_WORDS);
		if (json_is_true(json_object_get(s, "partial")))
			h_raw(r->out, "<p class=\"muted\" id=\"partial\">为保证查询速度，本页只查找了部分公示信息；"
				       "请点“继续查找”查看更早的结果，或增加关键词、筛选条件缩小范围。</p>");
	}
	json_t *items = json_object_get(m, "items");
	const char *base = js(m, "filter_query");
	if (!json_array_size(items))
		h_raw(r->out, "<p class=\"muted\">没有找到符合条件的执法决定公示。</p>");
	else
		decision_rows(r, items);
	h_raw(r->out, "<nav class=\"pager\" aria-label=\"翻页\">");
	if (!str_empty(js(m, "cursor")))
		h_printf(r->out, "<a href=\"/portal/decisions?%s\">回到第一页</a> ", base);
	if (!str_empty(js(m, "next")))
		h_printf(r->out, "<a rel=\"next\" href=\"/portal/decisions?%scursor=%s\">%s</a>", base, js(m, "next"),
			 json_is_object(s) && json_is_true(json_object_get(s, "partial")) ? "继续查找" : "下一页");
	h_raw(r->out, "</nav>");
	h_printf(r->out, "<p class=\"opendata\">开放数据：<a href=\"/portal/decisions.csv?%s\">本页 CSV</a> · "
		 "<a href=\"/api/v1/portal/decisions?%s\">JSON</a> · <a href=\"/portal/decisions.atom\">订阅新公示（Atom）</a> · "
		 "双公示报送：<a href=\"/portal/credit-export.csv?kind=penalty\">行政处罚 CSV</a>、"
		 "<a href=\"/portal/credit-export.xlsx?kind=penalty\">Excel</a>，"
		 "<a href=\"/portal/credit-export.csv?kind=licence\">行政许可 CSV</a>、"
		 "<a href=\"/portal/credit-export.xlsx?kind=licence\">Excel</a></p>",
		 base, base);
	page_end(r);
}

/* The list model with the filters echoed for the page; NULL after answering. */
static json_t *list_model(struct req *r, int limit)
{
	struct portal_query q;
	char day[11];
	if (query_from_req(r, &q, day) < 0)
		return NULL;
	q.limit = limit;
	struct err e = ERR_INIT;
	json_t *m = portal_decisions_list(r->db, &q, &e);
	if (!m) {
		resp_err(r, &e);
		return NULL;
	}
	json_object_set_new(m, "filters", json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I}", "q", q.q ? q.q : "", "kind",
						    q.kind ? q.kind : "", "category", q.category ? q.category : "", "from",
						    q.from ? q.from : "", "to", q.to ? q.to : "", "body", (json_int_t)q.body_id,
						    "unit", (json_int_t)q.unit_id));
	json_object_set_new(m, "cursor", json_string(q.cursor ? q.cursor : ""));
	json_object_set_new(m, "filter_query", json_string(filter_query(r, &q)));
	return m;
}

int page_portal_decisions(struct req *r)
{
	json_t *m = list_model(r, 0);
	if (!m)
		return 0;
	if (r->want_json) {
		if (json_is_string(json_object_get(m, "next")))
			json_object_set_new(m, "next_url", json_string(req_printf(r, "/api/v1/portal/decisions?%scursor=%s",
										   js(m, "filter_query"), js(m, "next"))));
		json_object_del(m, "filter_query");
	}
	return page_model(r, m, render_list);
}

int page_portal_decisions_csv(struct req *r)
{
	json_t *m = list_model(r, 0);
	if (!m)
		return 0;
	struct buf b;
	buf_init(&b, 0);
	portal_csv_list(m, &b);
	resp_header(r, "Content-Disposition", "attachment; filename=\"decisions.csv\"");
	resp_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_release(&b);
	json_decref(m);
	return 0;
}

int page_portal_decisions_atom(struct req *r)
{
	char day[11];
	today(day);
	const char *base = r->app->cfg.public_url;
	char *b = xstrdup(base);
	for (size_t n = strlen(b); n > 0 && b[n - 1] == '/'; n--)
		b[n - 1] = 0;
	struct buf out;
	buf_init(&out, 0);
	struct err e = ERR_INIT;
	if (portal_atom(r->db, b, r->app->cfg.site_name, 50, day, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_text(r, 200, "application/atom+xml; charset=utf-8", out.data, out.len);
	buf_release(&out);
	free(b);
	return 0;
}

/* ---- one decision ---- */

static void prop(struct req *r, const char *label, const char *v)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, str_empty(v) ? "—" : v);
}

static void fields_dl(struct req *r, json_t *content)
{
	h_raw(r->out, "<dl class=\"props fields\">");
	json_t *fields = json_object_get(content, "fields");
	const char *k;
	/* in the order of the national sets; a member the portal has no
	 * Chinese name for is not shown under a code */
	for (size_t i = 0; (k = portal_field_key(i)); i++) {
		json_t *v = json_object_get(fields, k);
		if (json_is_string(v) && *json_string_value(v))
			prop(r, portal_field_label(k), json_string_value(v));
		else if (json_is_integer(v))
			h_printf(r->out, "<dt>%s</dt><dd>%lld</dd>", portal_field_label(k), (long long)json_integer_value(v));
	}
	h_raw(r->out, "</dl>");
	const char *text = json_string_value(json_object_get(content, "text"));
	if (!str_empty(text))
		h_printf(r->out, "<h2>决定书全文（已作适当处理）</h2><div class=\"fulltext\">%s</div>", text);
}

static void render_item(struct req *r, json_t *m)
{
	page_begin(r, js(m, "title"));
	crumbs(r, true, js(m, "title"));
	h_printf(r->out, "<h1>%s</h1>", js(m, "title"));
	const char *st = js(m, "state");
	long long id = ji(m, "id");
	if (str_eq(st, "withdrawn")) {
		json_t *w = json_object_get(m, "withdrawal");
		h_printf(r->out, "<section class=\"alert warn withdrawn\" role=\"status\"><h2>已撤下</h2>"
			 "<p>本执法决定公示已于 <strong>%s</strong> 撤下。</p><p>撤下原因：%s</p>",
			 js(w, "on"), js(w, "reason"));
		if (!str_empty(js(w, "note")))
			h_printf(r->out, "<p>说明：%s</p>", js(w, "note"));
		if (str_eq(js(m, "kind"), "penalty"))
			h_raw(r->out, "<p>《中华人民共和国行政处罚法》第四十八条第二款：公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，"
				       "行政机关应当在三日内撤回行政处罚决定信息并公开说明理由。</p>");
		h_raw(r->out, "</section>");
	} else if (!str_eq(st, "published")) {
		json_t *pe = json_object_get(m, "period_end");
		if (json_is_true(json_object_get(pe, "early")))
			h_printf(r->out, "<section class=\"alert warn expired\" role=\"status\"><h2>已停止公示</h2>"
				 "<p>经信用修复，本执法决定公示已于 <strong>%s</strong> 提前停止公示。</p></section>", js(pe, "on"));
		else
			h_printf(r->out, "<section class=\"alert warn expired\" role=\"status\"><h2>公示期已满</h2>"
				 "<p>本执法决定的公示期已于 <strong>%s</strong> 届满，不再公示。</p></section>", js(pe, "on"));
	}
	h_raw(r->out, "<section class=\"card\"><dl class=\"props\">");
	prop(r, "决定类别", js(m, "kind_label"));
	if (str_eq(st, "published")) {
		prop(r, "行政相对人", js(m, "party_name"));
		prop(r, "类别", js(m, "category"));
	}
	prop(r, "决定书文号", js(m, "decision_no"));
	prop(r, "决定日期", js(m, "decision_date"));
	prop(r, "执法主体", js(m, "body_name"));
	prop(r, "承办机构", js(m, "unit_name"));
	if (str_eq(st, "published")) {
		prop(r, "公示截止期", str_empty(js(m, "period_ends_on")) ? "长期" : js(m, "period_ends_on"));
		char when[20];
		time_utc_to_shanghai(js(m, "current_published_at"), when);
		h_printf(r->out, "<dt>公示版本</dt><dd>第 %lld 版，%s 公示", ji(m, "version"), when);
		if (ji(m, "versions_count") > 1)
			h_printf(r->out, "（已更正：%s）。<a href=\"/portal/decisions/%lld?history=1#versions\">查看更正记录</a>",
				 js(m, "current_note"), id);
		h_raw(r->out, "</dd>");
	}
	h_raw(r->out, "</dl></section>");
	if (str_eq(st, "published")) {
		h_raw(r->out, "<h2>公示内容</h2>");
		fields_dl(r, json_object_get(m, "content"));
	}
	h_printf(r->out, "<p class=\"verify-link\"><a class=\"button\" href=\"/portal/decisions/%lld/verify\">核验</a> "
		 "核验本公示是否与登记在公开账本中的内容一致、发布后未被改动。</p>", id);
	json_t *vs = json_object_get(m, "versions");
	if (json_array_size(vs)) {
		h_raw(r->out, "<h2 id=\"versions\">更正记录</h2><div class=\"table-wrap\"><table class=\"cards\"><thead><tr>"
			       "<th scope=\"col\">版本</th><th scope=\"col\">公示时间</th><th scope=\"col\">更正说明</th>"
			       "<th scope=\"col\">核验</th></tr></thead><tbody>");
		size_t i;
		json_t *v;
		json_array_foreach(vs, i, v) {
			char when[20];
			time_utc_to_shanghai(js(v, "published_at"), when);
			h_printf(r->out, "<tr><th scope=\"row\" data-label=\"版本\">第 %lld 版%s</th><td data-label=\"公示时间\">%s</td>"
				 "<td data-label=\"更正说明\">%s</td><td data-label=\"核验\"><a href=\"/portal/decisions/%lld/verify?version=%lld\">核验第 %lld 版</a></td></tr>",
				 ji(v, "version"), str_eq(st, "published") && ji(v, "version") == ji(m, "version") ? "（现行）" : "", when,
				 str_empty(js(v, "note")) ? "首次公示" : js(v, "note"), id, ji(v, "version"), ji(v, "version"));
		}
		h_raw(r->out, "</tbody></table></div>");
		json_array_foreach(vs, i, v) {
			if (ji(v, "version") == ji(m, "version") || !json_is_object(json_object_get(v, "content")))
				continue;
			h_printf(r->out, "<details class=\"old-version\"><summary>第 %lld 版的公示内容</summary>", ji(v, "version"));
			fields_dl(r, json_object_get(v, "content"));
			h_raw(r->out, "</details>");
		}
	}
	if (str_eq(st, "published"))
		h_printf(r->out, "<p class=\"opendata\">开放数据：<a href=\"/portal/decisions/%lld/data.csv\">CSV</a> · "
			 "<a href=\"/api/v1/portal/decisions/%lld\">JSON</a></p>", id, id);
	page_end(r);
}

/* NULL after answering. */
static json_t *item_model(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "该执法决定没有公示。");
		return NULL;
	}
	const char *h = req_param(r, "history");
	if (!str_empty(h) && !str_eq(h, "1") && !str_eq(h, "0")) {
		resp_error(r, 400, "history", "参数「更正记录」不正确，应为 1 或 0。");
		return NULL;
	}
	char day[11];
	today(day);
	struct err e = ERR_INIT;
	json_t *m = portal_decision_item(r->db, id, str_eq(h, "1"), day, &e);
	if (!m)
		resp_err(r, &e);
	return m;
}

int page_portal_decision(struct req *r)
{
	json_t *m = item_model(r);
	return m ? page_model(r, m, render_item) : 0;
}

int page_portal_decision_csv(struct req *r)
{
	json_t *m = item_model(r);
	if (!m)
		return 0;
	if (!str_eq(js(m, "state"), "published")) {
		json_decref(m);
		resp_error(r, 404, NULL, "该执法决定已不在公示中。");
		return 0;
	}
	struct buf b;
	buf_init(&b, 0);
	portal_csv_item(m, &b);
	resp_header(r, "Content-Disposition", req_printf(r, "attachment; filename=\"decision-%lld.csv\"", ji(m, "id")));
	resp_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_release(&b);
	json_decref(m);
	return 0;
}

/* ---- 核验 ---- */

static json_t *proof_model(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "该执法决定没有公示。");
		return NULL;
	}
	long long v = 0;
	const char *vs = req_param(r, "version");
	if (!str_empty(vs) && str_to_ll(vs, 1, 1000000, &v) < 0) {
		resp_error(r, 400, "version", "参数「版本」不正确。");
		return NULL;
	}
	char day[11];
	today(day);
	struct err e = ERR_INIT;
	json_t *m = portal_decision_proof(r->db, id, (int)v, day, &e);
	if (!m)
		resp_err(r, &e);
	return m;
}

static void render_verify(struct req *r, json_t *m)
{
	long long id = ji(m, "publication_id"), ver = ji(m, "version");
	page_begin(r, "核验执法决定公示");
	crumbs(r, true, "核验");
	h_printf(r->out, "<h1>核验执法决定公示</h1><p><a href=\"/portal/decisions/%lld\">返回公示页面</a></p>", id);
	h_raw(r->out, "<p>本平台每公示、更正、撤下一项执法决定，都在只能追加的公开账本中登记一条记录（叶子），记下所公示内容的 SHA-256 哈希；"
		       "账本的检查点由本厅的密钥签名。下面的核验在您的浏览器中完成：计算所公示内容的哈希，与账本叶子比对，"
		       "用包含证明算出账本的根哈希，再用验证密钥检查检查点的签名。任何一步不符，都说明内容在公示后被改动过。</p>");
	h_printf(r->out, "<section class=\"card\" id=\"pubverify\" data-id=\"%lld\" data-version=\"%lld\"><dl class=\"props\">"
		 "<dt>公示版本</dt><dd>第 %lld 版</dd><dt>所公示内容的 SHA-256</dt><dd><code class=\"hash\">%s</code></dd>"
		 "<dt>账本叶子序号</dt><dd>%lld</dd>",
		 id, ver, ver, js(m, "sha256"), ji(m, "leaf_index"));
	if (json_is_true(json_object_get(m, "pending"))) {
		h_raw(r->out, "</dl><p class=\"alert warn\" role=\"status\">账本的检查点尚未覆盖这条记录（检查点每隔几秒签名一次），请稍后刷新本页再核验。</p></section>");
		page_end(r);
		return;
	}
	h_printf(r->out, "<dt>检查点的树大小</dt><dd>%lld</dd></dl>", ji(m, "checkpoint_size"));
	h_raw(r->out, "<label for=\"vkey\">验证密钥（可换成您从本厅公告中取得的密钥）</label>"
		       "<input type=\"text\" id=\"vkey\" class=\"vkey\" spellcheck=\"false\" autocomplete=\"off\">"
		       "<p><button type=\"button\" id=\"verify-run\">开始核验</button></p>"
		       "<ol id=\"verify-steps\" class=\"verify-steps\" aria-live=\"polite\"></ol>"
		       "<p id=\"verify-result\" class=\"verify-result\" role=\"status\"></p>"
		       "<noscript><p class=\"alert warn\">在浏览器中核验需要启用 JavaScript；也可以使用下方的命令行工具核验。</p></noscript>"
		       "</section>");
	h_raw(r->out, "<h2>账本记录</h2><details><summary>叶子、包含证明和签名的检查点</summary><h3>叶子</h3>");
	json_t *leaf = json_object_get(m, "leaf");
	h_printf(r->out, "<pre class=\"note\">%s</pre><h3>包含证明</h3><pre class=\"note\">", js(leaf, "leaf"));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(json_object_get(m, "inclusion"), "proof"), i, p)
		h_printf(r->out, "%s\n", json_string_value(p));
	h_printf(r->out, "</pre><h3>检查点</h3><pre class=\"note\">%s</pre></details>", js(m, "checkpoint"));
	/* the command is for technical readers: folded, like the ledger's records */
	h_printf(r->out, "<h2>用命令行核验</h2><details><summary>供技术人员使用的命令</summary>"
		 "<p>安装本系统的程序后运行下面的命令（验证密钥见<a href=\"/log/key\">本平台的验证密钥</a>）：</p>"
		 "<pre class=\"cmd\">zhifa verify %s --key 验证密钥 --publication %lld</pre></details>", r->app->cfg.public_url, id);
	h_raw(r->out, "<script src=\"/static/verify-publication.js\" defer></script>");
	page_end(r);
}

int page_portal_decision_verify(struct req *r)
{
	json_t *m = proof_model(r);
	return m ? page_model(r, m, render_verify) : 0;
}

int page_api_portal_decision_proof(struct req *r)
{
	json_t *m = proof_model(r);
	if (m)
		resp_json(r, 200, m);
	return 0;
}

/* ---- 双公示 ---- */

static json_t *credit_model(struct req *r)
{
	char day[11];
	today(day);
	struct err e = ERR_INIT;
	json_t *m = portal_credit_export(r->db, req_param(r, "kind"), param(r, "from"), param(r, "to"), day, &e);
	if (!m)
		resp_err(r, &e);
	return m;
}

int page_portal_credit_csv(struct req *r)
{
	json_t *m = credit_model(r);
	if (!m)
		return 0;
	struct buf b;
	buf_init(&b, 0);
	portal_credit_csv(m, &b);
	resp_header(r, "Content-Disposition",
		    req_printf(r, "attachment; filename=\"shuanggongshi-%s.csv\"", js(m, "kind")));
	resp_text(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_release(&b);
	json_decref(m);
	return 0;
}

int page_portal_credit_xlsx(struct req *r)
{
	json_t *m = credit_model(r);
	if (!m)
		return 0;
	json_t *cols = json_object_get(m, "columns");
	size_t n = json_array_size(cols);
	struct xlsx_col *xc = xcalloc(n ? n : 1, sizeof *xc);
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cols, i);
		/* the platform reads the column keys; the Chinese name is the heading's business */
		xc[i].title = req_printf(r, "%s %s", js(c, "key"), js(c, "title"));
		xc[i].width = 18;
		xc[i].fmt = XLSX_TEXT;
	}
	bool pen = str_eq(js(m, "kind"), "penalty");
	xlsx_send(r, pen ? "行政处罚" : "行政许可", pen ? "双公示 行政处罚信息" : "双公示 行政许可信息", xc, n,
		  json_object_get(m, "rows"), pen ? "双公示-行政处罚.xlsx" : "双公示-行政许可.xlsx",
		  pen ? "shuanggongshi-penalty.xlsx" : "shuanggongshi-licence.xlsx");
	free(xc);
	json_decref(m);
	return 0;
}
