/*
 * cases_new.c - opening a case (/cases/new): the procedure, the 承办机构,
 * the 案由, where it came from (source, the day the department learned of
 * it, the 双随机 inspection item), the matters from the published
 * catalogue, the parties from the register, the officers (with their
 * certificates' status and coverage), the act date.  GET shows the form;
 * POST opens the case (case_open) and goes to its page.
 *
 * Invariants: every problem case_open finds is shown at once - in the
 * summary 存在以下问题 and beside its field - with everything typed kept;
 * nothing is written then.  The party search works without JavaScript (the
 * 查找 button re-renders the form with the register's matches, keeping the
 * form) and with it (/static/cases.js asks /api/v1/parties as one types).
 * The layout is one column on a phone (390 px) and a grid at a desk.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"
#include "pages/cases_pages.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "people/people.h"
#include "people/certs.h"
#include "publicity/publicity.h"
#include "actor/scope.h"
#include <limits.h>

/* Published items of a kind: [{id, name, unit_name, category_label}],
 * those of the actor's unit and the units above it (whose matters its
 * officers handle) first, then the rest of the catalogue. */
static json_t *catalogue(struct req *r, enum pub_kind kind)
{
	struct err e = ERR_INIT;
	json_t *out = json_array(), *rest = json_array();
	struct publicity_query q = { .per_page = 100 };
	for (q.page = 1; q.page <= 20; q.page++) {
		json_t *l = publicity_portal_list(r->db, kind, &q, &e);
		if (!l)
			break;
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(l, "items"), i, it) {
			bool near = r->actor.unit_id > 0 && actor_unit_below(r->db, r->actor.unit_id, ji(it, "unit_id"));
			json_array_append_new(near ? out : rest,
					      json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)ji(it, "id"), "name",
							js(it, "name"), "unit_name", js(it, "unit_name"), "category_label",
							js(it, "category_label")));
		}
		bool last = (long long)q.page * q.per_page >= ji(l, "total");
		json_decref(l);
		if (last)
			break;
	}
	json_array_extend(out, rest);
	json_decref(rest);
	return out;
}

/* The units the actor may open a case for: own unit, or those in a head's scope. */
static json_t *open_units(struct req *r)
{
	json_t *all = people_units_brief(r->db, true), *out = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(all, i, u)
		if (ji(u, "id") == r->actor.unit_id ||
		    (actor_has(&r->actor, ROLE_HEAD) && actor_unit_in_scope(r->db, &r->actor, ji(u, "id"))))
			json_array_append(out, u);
	json_decref(all);
	return out;
}

/* The certificate holders the actor may read, each with their newest
 * certificate: [{user_id, name, unit_name, cert_no, status, status_label,
 * scope_text}]. */
json_t *cp_officer_options(struct req *r)
{
	json_t *certs = NULL, *out = json_array();
	struct err e = ERR_INIT;
	if (cert_list(r->db, &r->actor, 0, &certs, &e) < 0)
		return out;
	size_t i;
	json_t *c;
	json_array_foreach(certs, i, c) {
		bool seen = false;
		size_t k;
		json_t *o;
		json_array_foreach(out, k, o)
			seen |= ji(o, "user_id") == ji(c, "user_id");
		if (seen || str_eq(js(c, "status"), "revoked"))
			continue;
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "user_id", (json_int_t)ji(c, "user_id"),
						     "name", js(c, "holder"), "unit_name", js(c, "unit_name"), "cert_no",
						     js(c, "cert_no"), "status", js(c, "status"), "status_label",
						     js(c, "status_label"), "scope_text", js(c, "scope_text")));
	}
	json_decref(certs);
	return out;
}

/* The parties offered: those ticked (from the input) and the register's
 * matches for party_q (or its most recent). */
static json_t *party_options(struct req *r, const json_t *m)
{
	json_t *out = json_array();
	struct err e = ERR_INIT;
	if (!party_can_read(&r->actor))
		return out;
	const char *ticked = cp_value(m, NULL, "party_ids", "");
	for (const char *p = ticked; p && *p;) {
		long long id;
		const char *q = strchr(p, ',');
		char num[24];
		snprintf(num, sizeof num, "%.*s", (int)(q ? (size_t)(q - p) : strlen(p)), p);
		json_t *s = NULL;
		if (str_to_ll(num, 1, LLONG_MAX, &id) == 0 && party_summary(r->db, id, 0, &s, &e) == 0 && s) {
			json_object_set_new(s, "id", json_integer(id));
			json_array_append_new(out, s);
		}
		p = q ? q + 1 : NULL;
	}
	struct party_filter f = { .q = cp_value(m, NULL, "party_q", ""), .per_page = 10 };
	json_t *found = NULL;
	if (party_search(r->db, &r->actor, &f, &found, &e) == 0) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(found, "items"), i, it) {
			bool seen = false;
			size_t k;
			json_t *o;
			json_array_foreach(out, k, o)
				seen |= ji(o, "id") == ji(it, "id");
			if (!seen)
				json_array_append(out, it);
		}
	}
	json_decref(found);
	return out;
}

static json_t *new_model(struct req *r)
{
	char today[11];
	time_today_shanghai(today);
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:I}", "procedures", cp_procedures(r), "units", open_units(r),
			 "matters", catalogue(r, PUB_MATTER), "inspections", catalogue(r, PUB_INSPECTION), "officers",
			 cp_officer_options(r), "today", today, "unit_id", (json_int_t)r->actor.unit_id);
}

/* A group of checkboxes name = id for each of arr, in a fieldset that
 * carries the group's error (id f-NAME, so the summary links to it). */
static void checks_begin(struct form *fm, const char *name, const char *legend, const char *hint)
{
	struct req *r = fm->r;
	h_printf(r->out, "<fieldset class=\"checks\" id=\"%s\"", form_id(fm, name));
	form_err_attrs(fm, name);
	h_printf(r->out, "><legend>%s<span class=\"req\">（必填）</span></legend>", legend);
	if (!str_empty(hint))
		h_printf(r->out, "<p class=\"hint\">%s</p>", hint);
	form_err_note(fm, name);
}

static void check_item(struct req *r, const char *name, long long id, bool on, const char *label, const char *note)
{
	h_printf(r->out, "<label class=\"check-row\"><input type=\"checkbox\" name=\"%s\" value=\"%lld\"%s><span>%s", name, id,
		 on ? " checked" : "", label);
	if (!str_empty(note))
		h_printf(r->out, "<small>%s</small>", note);
	h_raw(r->out, "</span></label>");
}

static void render_new(struct req *r, json_t *m)
{
	struct errs errs;
	cp_errs(m, "open", &errs);
	struct form fm;
	form_init(&fm, r, &errs, NULL);
	page_begin(r, "立案 / 受理");
	h_raw(r->out, "<p><a href=\"/cases\">← 返回案件列表</a></p><h1>立案 / 受理</h1>"
		       "<p class=\"muted\">依申请的许可案件从「受理」开始，其余案件从「立案」开始；执法人员不少于程序规定的人数，"
		       "每人须持有在立案日有效、且涵盖所选执法事项的执法证。</p>");
	form_summary(&fm);
	h_raw(r->out, "<form method=\"post\" action=\"/cases/new\" class=\"case-form\" novalidate>");
	form_csrf(r);
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-what\"><h2 id=\"h-what\">案件</h2><div class=\"form-grid\">");
	/* procedure, grouped by kind */
	const char *proc = cp_value(m, NULL, "procedure", "");
	h_raw(r->out, "<div class=\"field\">");
	form_label(&fm, "procedure", "执法程序", FORM_REQUIRED, NULL);
	h_printf(r->out, "<select id=\"%s\" name=\"procedure\"", form_id(&fm, "procedure"));
	form_err_attrs(&fm, "procedure");
	h_raw(r->out, "><option value=\"\">（请选择）</option>");
	const char *group = NULL;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "procedures"), i, p) {
		if (!group || !str_eq(group, js(p, "kind"))) {
			if (group)
				h_raw(r->out, "</optgroup>");
			h_printf(r->out, "<optgroup label=\"%s\">", js(p, "kind_label"));
			group = js(p, "kind");
		}
		h_printf(r->out, "<option value=\"%s\"%s>%s</option>", js(p, "code"), str_eq(proc, js(p, "code")) ? " selected" : "",
			 js(p, "name"));
	}
	if (group)
		h_raw(r->out, "</optgroup>");
	h_raw(r->out, "</select>");
	form_err_note(&fm, "procedure");
	h_raw(r->out, "</div>");
	/* unit */
	json_t *units = json_object_get(m, "units");
	size_t nu = json_array_size(units);
	struct form_opt *uo = xcalloc(nu ? nu : 1, sizeof *uo);
	json_t *u;
	json_array_foreach(units, i, u)
		uo[i] = (struct form_opt){ req_printf(r, "%lld", ji(u, "id")), js(u, "name") };
	form_select(&fm, "unit_id", "承办机构", uo, nu, cp_value(m, NULL, "unit_id", req_printf(r, "%lld", ji(m, "unit_id"))),
		    nu == 1 ? NULL : "（请选择）", FORM_REQUIRED, "以本厅（执法主体）名义办理");
	free(uo);
	h_raw(r->out, "</div>");
	form_input(&fm, "text", "title", "案由", cp_value(m, NULL, "title", ""), FORM_REQUIRED, "maxlength=\"200\"",
		   "例如：某公司使用国家明令淘汰的用能设备");
	h_raw(r->out, "</section><section class=\"card\" aria-labelledby=\"h-source\"><h2 id=\"h-source\">案件来源</h2><div class=\"form-grid\">");
	struct form_opt so[ARRAY_SIZE(cp_sources)];
	for (size_t k = 0; k < ARRAY_SIZE(cp_sources); k++)
		so[k] = (struct form_opt){ cp_sources[k], case_source_label(cp_sources[k]) };
	form_select(&fm, "source", "来源", so, ARRAY_SIZE(so), cp_value(m, NULL, "source", ""), "（请选择）", FORM_REQUIRED, NULL);
	form_input(&fm, "date", "source_date", "发现（收到）日期", cp_value(m, NULL, "source_date", js(m, "today")), FORM_REQUIRED,
		   NULL, "本机关知道案件线索的日期");
	json_t *insp = json_object_get(m, "inspections");
	size_t ni = json_array_size(insp);
	struct form_opt *io = xcalloc(ni ? ni : 1, sizeof *io);
	json_t *it;
	json_array_foreach(insp, i, it)
		io[i] = (struct form_opt){ req_printf(r, "%lld", ji(it, "id")), req_printf(r, "%s（%s）", js(it, "name"), js(it, "unit_name")) };
	form_select(&fm, "inspection_item_id", "随机抽查事项", io, ni, cp_value(m, NULL, "inspection_item_id", ""), "（不适用）", 0,
		    "仅「双随机抽查」须选择，取自已公示的随机抽查事项清单");
	free(io);
	h_raw(r->out, "</div>");
	form_textarea(&fm, "source_note", "来源说明", cp_value(m, NULL, "source_note", ""), 2, 0, "maxlength=\"1000\"",
		      "如举报人、交办文件，可不填");
	h_raw(r->out, "</section>");

	/* matters */
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-matters\"><h2 id=\"h-matters\">执法事项</h2>");
	checks_begin(&fm, "matter_ids", "涉及的执法事项", "取自已公示的执法事项清单，可选多项；事项类别和法律依据随事项带入");
	const char *mat = cp_value(m, NULL, "matter_ids", "");
	json_array_foreach(json_object_get(m, "matters"), i, it)
		check_item(r, "matter_ids", ji(it, "id"), cp_csv_has(mat, req_printf(r, "%lld", ji(it, "id"))), js(it, "name"),
			   req_printf(r, "%s · %s", js(it, "category_label"), js(it, "unit_name")));
	h_raw(r->out, "</fieldset></section>");

	/* parties */
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-parties\"><h2 id=\"h-parties\">当事人</h2>");
	h_printf(r->out, "<fieldset class=\"checks\" id=\"%s\"", form_id(&fm, "party_ids"));
	form_err_attrs(&fm, "party_ids");
	h_raw(r->out, "><legend>当事人（申请人）</legend><p class=\"hint\">从当事人库中选择；库中没有的，请先在当事人库登记</p>");
	form_err_note(&fm, "party_ids");
	h_printf(r->out, "<div class=\"party-search\"><label for=\"f-party_q\">查找当事人</label><input type=\"search\" id=\"f-party_q\" "
		 "name=\"party_q\" value=\"%s\" maxlength=\"60\" placeholder=\"名称、统一社会信用代码或证件号码\" autocomplete=\"off\" "
		 "data-party-search=\"/api/v1/parties\"><button type=\"submit\" name=\"_find\" value=\"1\" class=\"secondary\" "
		 "formnovalidate>查找</button></div><div id=\"party-results\" aria-live=\"polite\">",
		 cp_value(m, NULL, "party_q", ""));
	const char *pty = cp_value(m, NULL, "party_ids", "");
	json_t *parties = json_object_get(m, "parties");
	json_array_foreach(parties, i, it)
		check_item(r, "party_ids", ji(it, "id"), cp_csv_has(pty, req_printf(r, "%lld", ji(it, "id"))), js(it, "name"),
			   req_printf(r, "%s%s%s", js(it, "kind_label"), str_empty(js(it, "code")) ? "" : " · ", js(it, "code")));
	if (!json_array_size(parties))
		h_raw(r->out, "<p class=\"muted\">没有找到当事人。</p>");
	h_raw(r->out, "</div></fieldset></section>");

	/* officers */
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-officers\"><h2 id=\"h-officers\">执法人员</h2>");
	checks_begin(&fm, "officer_ids", "承办的执法人员", "不少于两人（《中华人民共和国行政处罚法》第四十二条），证件须在立案日有效并涵盖所选事项");
	const char *off = cp_value(m, NULL, "officer_ids", "");
	json_array_foreach(json_object_get(m, "officers"), i, it)
		check_item(r, "officer_ids", ji(it, "user_id"), cp_csv_has(off, req_printf(r, "%lld", ji(it, "user_id"))),
			   req_printf(r, "%s（%s）", js(it, "name"), js(it, "unit_name")),
			   req_printf(r, "执法证 %s · %s · 涵盖：%s", js(it, "cert_no"), js(it, "status_label"), js(it, "scope_text")));
	if (!json_array_size(json_object_get(m, "officers")))
		h_raw(r->out, "<p class=\"muted\">您的数据范围内没有持证的执法人员。</p>");
	h_raw(r->out, "</fieldset></section>");

	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-when\"><h2 id=\"h-when\">立案</h2><div class=\"form-grid\">");
	form_input(&fm, "date", "on_date", "立案（受理）日期", cp_value(m, NULL, "on_date", js(m, "today")), FORM_REQUIRED, NULL,
		   "不能晚于今天");
	h_raw(r->out, "</div>");
	form_textarea(&fm, "note", "备注", cp_value(m, NULL, "note", ""), 2, 0, "maxlength=\"1000\"", "可不填");
	h_raw(r->out, "</section><p class=\"actions\"><button type=\"submit\">立案</button> <a href=\"/cases\">取消</a></p></form>"
		       "<script src=\"/static/cases.js\" defer></script>");
	errs_release(&errs);
	page_end(r);
}

int page_cases_new(struct req *r)
{
	json_t *m = new_model(r);
	if (r->method != M_POST) {
		json_object_set_new(m, "parties", party_options(r, m));
		return page_model(r, m, render_new);
	}
	struct errs all = ERRS_INIT;
	if (!str_empty(req_param(r, "_find"))) { /* the party search without JavaScript: show the form again */
		cp_fail_model(r, m, &all, "open");
		json_object_set_new(m, "parties", party_options(r, m));
		return page_model(r, m, render_new);
	}
	struct case_input in = { 0 };
	bool bad_m = false, bad_p = false, bad_o = false, bad_u = false, bad_i = false;
	in.procedure = req_param(r, "procedure");
	long long v = 0;
	const char *s = req_param(r, "unit_id");
	if (!str_empty(s) && str_to_ll(s, 1, LLONG_MAX, &v) < 0)
		bad_u = true;
	in.unit_id = v;
	in.title = req_param(r, "title");
	in.source = req_param(r, "source");
	in.source_date = req_param(r, "source_date");
	in.source_note = req_param(r, "source_note");
	v = 0;
	s = req_param(r, "inspection_item_id");
	if (!str_empty(s) && str_to_ll(s, 1, LLONG_MAX, &v) < 0)
		bad_i = true;
	in.inspection_item_id = v;
	in.matter_ids = cp_form_ids(r, "matter_ids", &in.n_matters, &bad_m);
	in.party_ids = cp_form_ids(r, "party_ids", &in.n_parties, &bad_p);
	in.officer_ids = cp_form_ids(r, "officer_ids", &in.n_officers, &bad_o);
	in.on_date = req_param(r, "on_date");
	in.note = req_param(r, "note");
	if (bad_u)
		errs_add(&all, ERR_INVALID, "unit_id", "承办机构无效，请从列表中选择");
	if (bad_i)
		errs_add(&all, ERR_INVALID, "inspection_item_id", "随机抽查事项无效，请从列表中选择");
	if (bad_m)
		errs_add(&all, ERR_INVALID, "matter_ids", "执法事项无效，请从列表中选择");
	if (bad_p)
		errs_add(&all, ERR_INVALID, "party_ids", "当事人无效，请从列表中选择");
	if (bad_o)
		errs_add(&all, ERR_INVALID, "officer_ids", "执法人员无效，请从列表中选择");
	long long id = 0;
	struct err e = ERR_INIT;
	if (!all.n && case_open(r->db, &r->actor, &in, &id, &all, &e) == 0) {
		errs_release(&all);
		json_decref(m);
		return af_done(r, req_printf(r, "/cases/%lld?ok=opened", id), json_pack("{s:I}", "id", (json_int_t)id));
	}
	if (!all.n)
		errs_push(&all, &e);
	if (r->want_json) {
		struct err first;
		errs_first(&all, &first);
		errs_release(&all);
		json_decref(m);
		resp_err(r, &first);
		return 0;
	}
	cp_fail_model(r, m, &all, "open");
	json_object_set_new(m, "parties", party_options(r, m));
	int status = all.v[0].kind >= 400 && all.v[0].kind < 600 ? all.v[0].kind : 500;
	errs_release(&all);
	render_new(r, m);
	r->status = status;
	json_decref(m);
	return 0;
}
