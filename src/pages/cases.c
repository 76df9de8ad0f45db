/*
 * cases.c - the case list of officers, heads and readers (/cases): filters
 * (kind, stage, status, matter, unit, officer, party, source, overdue / due
 * soon, words), sorting, paging, the Excel export (/cases.xlsx or
 * ?format=xlsx) of every row the filters select; and the helpers the case
 * pages share (cases_pages.h).
 *
 * Invariants: the filter state lives in the URL only (every link - the
 * paginator, the column heads, the export - carries it); which cases a
 * reader sees is the domain's (case_list), as is the refusal of a bad
 * filter value (400 naming it) or of a unit outside the reader's view.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "http/xlsx.h"
#include "pages/pages.h"
#include "pages/cases_pages.h"
#include "cases/cases.h"
#include "cases/procedure.h"
#include "cases/party.h"
#include "people/people.h"
#include "people/certs.h"
#include "publicity/publicity.h"
#include "actor/scope.h"
#include <limits.h>

const char *const cp_kinds[6] = { "penalty", "licence", "inspection", "coercion", "levy", "other" };
const char *const cp_sources[7] = { "complaint", "inspection", "random", "assigned", "transfer_in", "application", "other" };

/* ---- shared helpers ---- */

void cp_errs(const json_t *m, const char *form, struct errs *out)
{
	*out = (struct errs)ERRS_INIT;
	if (form && !str_eq(js(m, "form"), form))
		return;
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(m, "errors"), i, e)
		errs_add(out, ji(e, "status") ? (int)ji(e, "status") : ERR_INVALID, js(e, "field"), "%s", js(e, "message"));
}

void cp_fail_model(struct req *r, json_t *m, const struct errs *all, const char *form)
{
	json_t *in = json_object();
	for (size_t i = 0; i < r->form.n; i++) {
		const char *k = r->form.items[i].key;
		if (str_eq(k, "_csrf") || json_object_get(in, k))
			continue;
		json_object_set_new(in, k, json_string(af_form_joined(r, k)));
	}
	json_t *list = json_array();
	for (size_t i = 0; all && i < all->n; i++)
		json_array_append_new(list, json_pack("{s:i,s:s,s:s}", "status", all->v[i].kind, "field", all->v[i].field,
						      "message", all->v[i].msg));
	if (all && all->n)
		json_object_set_new(m, "error", json_pack("{s:i,s:s,s:s}", "status", all->v[0].kind, "field",
							  all->v[0].field, "message", all->v[0].msg));
	json_object_set_new(m, "errors", list);
	json_object_set_new(m, "input", in);
	json_object_set_new(m, "form", json_string(form ? form : ""));
}

const char *cp_value(const json_t *m, const char *form, const char *name, const char *dflt)
{
	const json_t *in = json_object_get(m, "input");
	if (json_is_object(in) && (!form || str_eq(js(m, "form"), form)))
		return js(in, name);
	return dflt ? dflt : "";
}

bool cp_csv_has(const char *csv, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = csv; p && *p;) {
		const char *q = strchr(p, ',');
		size_t len = q ? (size_t)(q - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p = q ? q + 1 : NULL;
	}
	return false;
}

long long *cp_form_ids(struct req *r, const char *key, size_t *n, bool *bad)
{
	size_t cap = 0;
	for (size_t i = 0; i < r->form.n; i++)
		cap += str_eq(r->form.items[i].key, key);
	long long *ids = req_own(r, xcalloc(cap ? cap : 1, sizeof *ids));
	*n = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, key))
			continue;
		long long v;
		if (str_empty(r->form.items[i].val))
			continue;
		if (str_to_ll(r->form.items[i].val, 1, LLONG_MAX, &v) < 0) {
			*bad = true;
			continue;
		}
		bool dup = false;
		for (size_t k = 0; k < *n; k++)
			dup |= ids[k] == v;
		if (!dup)
			ids[(*n)++] = v;
	}
	return ids;
}

json_t *cp_procedures(struct req *r)
{
	struct err e = ERR_INIT;
	json_t *defaults = procedure_defaults(&e), *out = json_array();
	if (!defaults)
		return out;
	char today[11];
	time_today_shanghai(today);
	const char *code;
	json_t *v;
	json_object_foreach(defaults, code, v) {
		(void)v;
		json_t *def = NULL;
		long long id = 0;
		if (procedure_for(r->db, code, today, &def, &id, &e) < 0 || !def)
			continue;
		json_t *stages = json_array();
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(def, "stages"), i, s)
			json_array_append_new(stages, json_pack("{s:s,s:s}", "code", js(s, "code"), "name", js(s, "name")));
		const char *kind = js(def, "kind");
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:I,s:o}", "code", code, "kind", kind, "kind_label",
						     procedure_kind_label(kind), "name", js(def, "name"), "id", (json_int_t)id,
						     "stages", stages));
		json_decref(def);
	}
	json_decref(defaults);
	return out;
}

void cp_badge(struct req *r, const char *cls, const char *label)
{
	h_printf(r->out, "<span class=\"badge %s\">%s</span>", cls, label);
}

/* ---- the list ---- */

static const struct list_col list_cols[] = {
	{ "opened_on", false }, { "case_no", false }, { "title", false }, { "stage", false },
	{ "unit", false }, { "updated_at", false }, { "source_date", false },
};
static const char *const list_keys[] = { "kind", "stage", "status", "matter", "unit", "officer", "party",
					 "source", "due", "q" };

/* An optional positive id parameter; -1 after answering 400. */
static int param_id(struct req *r, const char *key, const char *label, long long *out)
{
	const char *s = req_param(r, key);
	*out = 0;
	if (str_empty(s))
		return 0;
	if (str_to_ll(s, 1, LLONG_MAX, out) < 0) {
		resp_error(r, 400, key, req_printf(r, "参数「%s」不正确。", label));
		return -1;
	}
	return 0;
}

/* The filter of the request; -1 after answering 400. */
static int list_filter(struct req *r, struct case_filter *f)
{
	*f = (struct case_filter){ .per_page = 20 };
	struct err e = ERR_INIT;
	if (list_sort_parse(r, list_cols, ARRAY_SIZE(list_cols), "", false, &f->sort, &f->asc, &e) < 0) {
		resp_err(r, &e);
		return -1;
	}
	if (str_empty(f->sort))
		f->sort = NULL;
	long long page = 1;
	if (list_page_parse(r, &page, &e) < 0) {
		resp_err(r, &e);
		return -1;
	}
	f->page = page > INT_MAX ? INT_MAX : (int)page;
	if (param_id(r, "matter", "执法事项", &f->matter_id) < 0 || param_id(r, "unit", "承办机构", &f->unit_id) < 0 ||
	    param_id(r, "officer", "执法人员", &f->officer_id) < 0 || param_id(r, "party", "当事人", &f->party_id) < 0)
		return -1;
	const char *q = req_param(r, "q");
	if (!str_empty(q) && utf8_len(q, strlen(q)) > 100) {
		resp_error(r, 400, "q", "关键词过长（最多 100 个字）。");
		return -1;
	}
#define TXT(k) (str_empty(req_param(r, k)) ? NULL : req_param(r, k))
	f->kind = TXT("kind");
	f->stage = TXT("stage");
	f->status = TXT("status");
	f->source = TXT("source");
	f->due = TXT("due");
	f->q = TXT("q");
#undef TXT
	return 0;
}

/* Options of the filters: units, officers, matters, parties, stages. */
static void filter_options(struct req *r, json_t *m, const char *kind)
{
	/* units with enforcement duties the reader may filter by */
	json_t *all = people_units_brief(r->db, true), *units = json_array();
	bool every = actor_has(&r->actor, ROLE_LEADER | ROLE_SUPERVISOR | ROLE_ARCHIVIST);
	size_t i;
	json_t *u;
	json_array_foreach(all, i, u)
		if (every || actor_unit_in_scope(r->db, &r->actor, ji(u, "id")))
			json_array_append(units, u);
	json_decref(all);
	json_object_set_new(m, "units", units);
	/* officers: holders of the certificates the reader may read */
	json_t *certs = NULL, *officers = json_array();
	struct err e = ERR_INIT;
	if (cert_list(r->db, &r->actor, 0, &certs, &e) == 0) {
		json_t *c;
		json_array_foreach(certs, i, c) {
			bool seen = false;
			size_t k;
			json_t *o;
			json_array_foreach(officers, k, o)
				seen |= ji(o, "id") == ji(c, "user_id");
			if (!seen)
				json_array_append_new(officers, json_pack("{s:I,s:s}", "id", (json_int_t)ji(c, "user_id"),
									  "name", js(c, "holder")));
		}
		list_sort_json(officers, "name", false, true);
	}
	json_decref(certs);
	json_object_set_new(m, "officers", officers);
	/* matters: the published catalogue */
	struct publicity_query pq = { .per_page = 100 };
	json_t *mat = publicity_portal_list(r->db, PUB_MATTER, &pq, &e), *matters = json_array();
	json_t *it;
	json_array_foreach(json_object_get(mat, "items"), i, it)
		json_array_append_new(matters, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ji(it, "id"), "name",
							 js(it, "name"), "unit_name", js(it, "unit_name")));
	json_decref(mat);
	json_object_set_new(m, "matters", matters);
	/* parties: the register's most recent (the filter by one party) */
	json_t *ps = NULL, *parties = json_array();
	struct party_filter pf = { .per_page = 100 };
	if (party_can_read(&r->actor) && party_search(r->db, &r->actor, &pf, &ps, &e) == 0)
		json_array_foreach(json_object_get(ps, "items"), i, it)
			json_array_append_new(parties, json_pack("{s:I,s:s}", "id", (json_int_t)ji(it, "id"), "name",
								 js(it, "name")));
	json_decref(ps);
	json_object_set_new(m, "parties", parties);
	/* stages of the procedures in force (of the kind asked for) */
	json_t *procs = cp_procedures(r), *stages = json_array(), *p;
	json_array_foreach(procs, i, p) {
		if (!str_empty(kind) && !str_eq(js(p, "kind"), kind))
			continue;
		size_t k;
		json_t *s;
		json_array_foreach(json_object_get(p, "stages"), k, s) {
			bool seen = false;
			size_t j;
			json_t *o;
			json_array_foreach(stages, j, o)
				seen |= str_eq(js(o, "code"), js(s, "code"));
			if (!seen)
				json_array_append(stages, s);
		}
	}
	json_decref(procs);
	json_object_set_new(m, "stages", stages);
}

static void select_open(struct req *r, const char *id, const char *name, const char *label, const char *none)
{
	h_printf(r->out, "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\"><option value=\"\">%s</option>",
		 id, label, id, name, none);
}

static void option(struct req *r, const char *value, const char *label, const char *cur)
{
	h_printf(r->out, "<option value=\"%s\"%s>%s</option>", value, str_eq(value, cur) ? " selected" : "", label);
}

/* A select of the objects {id, name} of arr. */
static void select_ids(struct req *r, const json_t *m, const char *arr, const char *name, const char *label,
		       const char *none)
{
	select_open(r, req_printf(r, "f-%s", name), name, label, none);
	const char *cur = js(json_object_get(m, "filter"), name);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(m, arr), i, o) {
		const char *v = req_printf(r, "%lld", ji(o, "id"));
		if (!str_empty(js(o, "unit_name")))
			option(r, v, req_printf(r, "%s（%s）", js(o, "name"), js(o, "unit_name")), cur);
		else
			option(r, v, js(o, "name"), cur);
	}
	h_raw(r->out, "</select></div>");
}

static void filters_form(struct req *r, const json_t *m)
{
	const json_t *f = json_object_get(m, "filter");
	h_raw(r->out, "<form class=\"filters card\" method=\"get\" action=\"/cases\" aria-label=\"筛选案件\">"
		       "<div class=\"filter-grid\">");
	h_printf(r->out, "<div class=\"field\"><label for=\"f-q\">关键词</label><input type=\"search\" id=\"f-q\" name=\"q\" "
		 "value=\"%s\" maxlength=\"100\" placeholder=\"案由或立案号\"></div>", js(f, "q"));
	select_open(r, "f-kind", "kind", "执法类别", "全部类别");
	for (size_t i = 0; i < ARRAY_SIZE(cp_kinds); i++)
		option(r, cp_kinds[i], case_kind_label(cp_kinds[i]), js(f, "kind"));
	h_raw(r->out, "</select></div>");
	select_open(r, "f-stage", "stage", "办理环节", "全部环节");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(m, "stages"), i, s)
		option(r, js(s, "code"), js(s, "name"), js(f, "stage"));
	h_raw(r->out, "</select></div>");
	select_open(r, "f-status", "status", "案件状态", "全部状态");
	static const char *const statuses[] = { "open", "closed", "ended" };
	for (size_t k = 0; k < ARRAY_SIZE(statuses); k++)
		option(r, statuses[k], case_status_label(statuses[k]), js(f, "status"));
	h_raw(r->out, "</select></div>");
	select_open(r, "f-source", "source", "案件来源", "全部来源");
	for (size_t k = 0; k < ARRAY_SIZE(cp_sources); k++)
		option(r, cp_sources[k], case_source_label(cp_sources[k]), js(f, "source"));
	h_raw(r->out, "</select></div>");
	select_open(r, "f-due", "due", "办理期限", "不限");
	option(r, "overdue", "已超期", js(f, "due"));
	option(r, "due_soon", "即将到期", js(f, "due"));
	h_raw(r->out, "</select></div>");
	select_ids(r, m, "matters", "matter", "执法事项", "全部事项");
	if (json_array_size(json_object_get(m, "units")) > 1)
		select_ids(r, m, "units", "unit", "承办机构", "全部处室（单位）");
	select_ids(r, m, "officers", "officer", "执法人员", "全部人员");
	if (json_array_size(json_object_get(m, "parties")))
		select_ids(r, m, "parties", "party", "当事人", "全部当事人");
	h_raw(r->out, "</div><p class=\"actions\"><button type=\"submit\">筛选</button> <a href=\"/cases\">清除条件</a></p></form>");
}

static void render_list(struct req *r, json_t *m)
{
	page_begin(r, "案件");
	h_raw(r->out, "<h1>案件</h1>");
	if (json_is_true(json_object_get(m, "can_open")))
		h_raw(r->out, "<p><a class=\"button\" href=\"/cases/new\">立案 / 受理</a></p>");
	filters_form(r, m);
	struct list_view v = { "/cases", js(m, "query"), js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
	json_t *items = json_object_get(m, "items");
	h_printf(r->out, "<p class=\"muted\" id=\"case-count\">共 %lld 件。</p>", ji(m, "total"));
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\">没有符合条件的案件。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards case-list\"><caption class=\"visually-hidden\">案件列表</caption><thead><tr>");
		list_th(r, &v, "case_no", "立案号");
		list_th(r, &v, "title", "案由");
		h_raw(r->out, "<th scope=\"col\">类别</th>");
		list_th(r, &v, "stage", "环节");
		list_th(r, &v, "unit", "承办机构");
		h_raw(r->out, "<th scope=\"col\">当事人</th><th scope=\"col\">执法人员</th>");
		list_th(r, &v, "opened_on", "立案日期");
		h_raw(r->out, "<th scope=\"col\">最近期限</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			const char *no = json_is_string(json_object_get(it, "case_no")) ? js(it, "case_no") : "（尚未编号）";
			h_printf(r->out, "<tr><td data-label=\"立案号\"><a href=\"/cases/%lld\">%s</a></td><td data-label=\"案由\">"
				 "<a href=\"/cases/%lld\">%s</a></td><td data-label=\"类别\" class=\"nw\">%s</td><td data-label=\"环节\">%s",
				 ji(it, "id"), no, ji(it, "id"), js(it, "title"), js(it, "kind_label"), js(it, "stage_label"));
			if (!str_eq(js(it, "status"), "open")) {
				h_raw(r->out, " ");
				cp_badge(r, js(it, "status"), js(it, "status_label"));
			}
			h_printf(r->out, "</td><td data-label=\"承办机构\">%s</td><td data-label=\"当事人\">", js(it, "unit_name"));
			size_t k;
			json_t *n;
			json_array_foreach(json_object_get(it, "parties"), k, n)
				h_printf(r->out, "%s%s", k ? "、" : "", json_string_value(n) ? json_string_value(n) : "");
			h_raw(r->out, "</td><td data-label=\"执法人员\">");
			json_array_foreach(json_object_get(it, "officers"), k, n)
				h_printf(r->out, "%s%s", k ? "、" : "", json_string_value(n) ? json_string_value(n) : "");
			h_printf(r->out, "</td><td data-label=\"立案日期\" class=\"nw\">%s</td><td data-label=\"最近期限\" class=\"nw\">", js(it, "opened_on"));
			if (json_is_string(json_object_get(it, "next_due"))) {
				h_printf(r->out, "%s ", js(it, "next_due"));
				const char *st = js(it, "due_state");
				if (!str_empty(st))
					cp_badge(r, st, dict_label("deadline_state", st));
			} else
				h_raw(r->out, "—");
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	list_pager(r, &v, ji(m, "total"), ji(m, "page"), ji(m, "per_page"), true);
	h_raw(r->out, "<p class=\"actions\">");
	list_export_link(r, &v, "/cases.xlsx");
	h_raw(r->out, "</p>");
	page_end(r);
}

static int send_xlsx(struct req *r, struct case_filter *f);

int page_cases(struct req *r)
{
	struct case_filter f;
	if (list_filter(r, &f) < 0)
		return 0;
	if (str_eq(req_param(r, "format"), "xlsx"))
		return send_xlsx(r, &f);
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (case_list(r->db, &r->actor, &f, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *filter = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(list_keys); i++)
		json_object_set_new(filter, list_keys[i], json_string(req_param(r, list_keys[i]) ? req_param(r, list_keys[i]) : ""));
	json_object_set_new(m, "filter", filter);
	json_object_set_new(m, "sort", json_string(f.sort ? f.sort : ""));
	json_object_set_new(m, "asc", json_boolean(f.asc));
	json_object_set_new(m, "query", json_string(list_filter_query(r, list_keys, ARRAY_SIZE(list_keys))));
	json_object_set_new(m, "can_open", json_boolean(actor_has(&r->actor, ROLE_OFFICER | ROLE_HEAD)));
	if (!r->want_json)
		filter_options(r, m, f.kind);
	return page_model(r, m, render_list);
}

static int send_xlsx(struct req *r, struct case_filter *f)
{
	f->all = true;
	f->page = 1;
	f->per_page = CASE_EXPORT_MAX;
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (case_list(r->db, &r->actor, f, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *rows = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(m, "items"), i, it) {
		struct buf parties, officers;
		buf_init(&parties, 0);
		buf_init(&officers, 0);
		size_t k;
		json_t *n;
		json_array_foreach(json_object_get(it, "parties"), k, n)
			buf_printf(&parties, "%s%s", k ? "、" : "", json_string_value(n) ? json_string_value(n) : "");
		json_array_foreach(json_object_get(it, "officers"), k, n)
			buf_printf(&officers, "%s%s", k ? "、" : "", json_string_value(n) ? json_string_value(n) : "");
		const char *st = js(it, "due_state");
		json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s,s,s,s,s,s]",
						      json_is_string(json_object_get(it, "case_no")) ? js(it, "case_no") : "",
						      js(it, "title"), js(it, "kind_label"), js(it, "stage_label"),
						      js(it, "status_label"), js(it, "unit_name"), js(it, "source_label"),
						      buf_str(&parties), buf_str(&officers), js(it, "opened_on"),
						      json_is_string(json_object_get(it, "next_due")) ? js(it, "next_due") : "",
						      str_empty(st) ? "" : dict_label("deadline_state", st)));
		buf_release(&parties);
		buf_release(&officers);
	}
	static const struct xlsx_col cols[] = {
		{ "立案号", 22, XLSX_TEXT }, { "案由", 36, XLSX_TEXT }, { "类别", 10, XLSX_TEXT }, { "环节", 10, XLSX_TEXT },
		{ "状态", 8, XLSX_TEXT }, { "承办机构", 20, XLSX_TEXT }, { "来源", 10, XLSX_TEXT }, { "当事人", 24, XLSX_TEXT },
		{ "执法人员", 16, XLSX_TEXT }, { "立案日期", 12, XLSX_TEXT }, { "最近期限", 12, XLSX_TEXT },
		{ "期限状态", 10, XLSX_TEXT },
	};
	char today[11];
	time_today_shanghai(today);
	long long total = ji(m, "total");
	const char *heading = total > (long long)json_array_size(rows)
				      ? req_printf(r, "案件（%s 导出，共 %lld 件，本表为前 %zu 件）", today, total, json_array_size(rows))
				      : req_printf(r, "案件（%s 导出，共 %zu 件）", today, json_array_size(rows));
	xlsx_send(r, "案件", heading, cols, ARRAY_SIZE(cols), rows, req_printf(r, "案件_%s.xlsx", today),
		  req_printf(r, "cases-%s.xlsx", today));
	json_decref(rows);
	json_decref(m);
	return 0;
}

/* GET /cases.xlsx: the list's rows as a workbook. */
int page_cases_xlsx(struct req *r)
{
	struct case_filter f;
	if (list_filter(r, &f) < 0)
		return 0;
	return send_xlsx(r, &f);
}
