/*
 * admin_numbers.c - the number schemes of the back office (文号规则):
 *   GET  /admin/numbers   the scheme versions of every body, the counters
 *                         per year and the latest numbers issued (as JSON
 *                         too: {schemes, counters, issued});
 *   POST /admin/numbers   add a scheme version (admin only).
 * A refused version re-renders the form with every problem, the input
 * kept, and nothing changed.  A version never replaces the numbers issued
 * before it: the counter of the year continues.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"
#include "calendar/calendar.h"
#include "cases/numbering.h"
#include <jansson.h>

static void render_numbers(struct req *r, json_t *m)
{
	page_begin(r, "文号规则");
	h_raw(r->out, "<h1>文号规则</h1><p class=\"muted\">立案号、决定书文号等按执法主体、文号种类和年度连续编号，不跳号、不重号；"
		       "规则按生效日期分版本，新版本自生效日起使用，当年序号接续。</p>");
	struct errs errs = ERRS_INIT;
	size_t k;
	json_t *ej;
	json_array_foreach(json_object_get(m, "errors"), k, ej)
		errs_add(&errs, ERR_INVALID, js(ej, "field"), "%s", js(ej, "message"));
	struct form fm;
	form_init(&fm, r, &errs, NULL);
	form_summary(&fm);
	if (json_is_integer(json_object_get(m, "saved")))
		h_printf(r->out, "<p class=\"alert ok\" role=\"status\">已保存：新增文号规则版本（编号 %lld）。</p>", ji(m, "saved"));

	h_raw(r->out, "<h2 id=\"schemes\">现行及历史版本</h2><div class=\"table-wrap\"><table><thead><tr>"
		       "<th scope=\"col\">执法主体</th><th scope=\"col\">文号种类</th><th scope=\"col\">格式</th>"
		       "<th scope=\"col\">示例</th><th scope=\"col\">生效日期</th><th scope=\"col\">依据</th></tr></thead><tbody>");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(m, "schemes"), i, x) {
		h_printf(r->out, "<tr id=\"scheme-%lld\"><td>%s</td><td>%s</td><td>%s", ji(x, "id"), js(x, "body_name"),
			 dict_label("number_kind", js(x, "kind")), js(x, "pattern"));
		if (ji(x, "pad") > 0)
			h_printf(r->out, "（序号 %lld 位，不足补零）", ji(x, "pad"));
		h_printf(r->out, "</td><td>%s</td><td>%s", js(x, "example"), js(x, "effective_from"));
		if (json_is_true(json_object_get(x, "in_force")))
			h_raw(r->out, " <span class=\"badge ok\">现行</span>");
		else if (json_is_true(json_object_get(x, "future")))
			h_raw(r->out, " <span class=\"badge warn\">待生效</span>");
		h_printf(r->out, "</td><td>%s</td></tr>", str_empty(js(x, "basis")) ? "—" : js(x, "basis"));
	}
	h_raw(r->out, "</tbody></table></div>");

	h_raw(r->out, "<h2 id=\"counters\">各年度已用序号</h2>");
	if (!json_array_size(json_object_get(m, "counters"))) {
		h_raw(r->out, "<p class=\"muted\">尚未发出文号。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">年度</th><th scope=\"col\">执法主体</th>"
			       "<th scope=\"col\">文号种类</th><th scope=\"col\">最后序号</th></tr></thead><tbody>");
		json_array_foreach(json_object_get(m, "counters"), i, x)
			h_printf(r->out, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%lld</td></tr>", ji(x, "year"),
				 js(x, "body_name"), dict_label("number_kind", js(x, "kind")), ji(x, "last"));
		h_raw(r->out, "</tbody></table></div>");
	}

	h_raw(r->out, "<h2 id=\"issued\">最近发出的文号</h2>");
	if (!json_array_size(json_object_get(m, "issued"))) {
		h_raw(r->out, "<p class=\"muted\">尚未发出文号。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">文号</th><th scope=\"col\">种类</th>"
			       "<th scope=\"col\">对象</th><th scope=\"col\">发出时间</th></tr></thead><tbody>");
		json_array_foreach(json_object_get(m, "issued"), i, x)
			h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s %s</td><td>%s</td></tr>", js(x, "number"),
				 dict_label("number_kind", js(x, "kind")), dict_label("object_type", js(x, "object_type")),
				 js(x, "object_id"), js(x, "issued_at_local"));
		h_raw(r->out, "</tbody></table></div>");
	}

	if (json_is_true(json_object_get(m, "can_edit"))) {
		json_t *form = json_object_get(m, "form");
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"add\"><h2 id=\"add\">新增文号规则版本</h2>"
			       "<form method=\"post\" action=\"/admin/numbers\">");
		form_csrf(r);
		json_t *bodies = json_object_get(m, "bodies");
		size_t nb = json_array_size(bodies);
		struct form_opt *opts = xcalloc(nb ? nb : 1, sizeof *opts);
		char (*ids)[24] = xcalloc(nb ? nb : 1, sizeof *ids);
		json_array_foreach(bodies, i, x) {
			snprintf(ids[i], sizeof ids[i], "%lld", ji(x, "id"));
			opts[i] = (struct form_opt){ ids[i], js(x, "name") };
		}
		form_select(&fm, "body_unit_id", "执法主体", opts, nb, js(form, "body_unit_id"), "请选择", FORM_REQUIRED, NULL);
		free(opts);
		free(ids);
		form_select_dict(&fm, "kind", "文号种类", "number_kind", js(form, "kind"), "请选择", FORM_REQUIRED,
				 "与已有规则相同即为该种类的新版本");
		form_input(&fm, "text", "pattern", "格式", js(form, "pattern"), FORM_REQUIRED, "maxlength=\"60\"",
			   "用 {year} 表示年份、{n} 表示序号，如 云工信罚〔{year}〕{n}号");
		form_input(&fm, "number", "pad", "序号位数", js(form, "pad"), 0, "min=\"0\" max=\"9\"", "0 或不填表示不补零");
		form_input(&fm, "date", "effective_from", "生效日期", js(form, "effective_from"), FORM_REQUIRED, NULL, NULL);
		form_textarea(&fm, "basis", "依据", js(form, "basis"), 2, 0, "maxlength=\"200\"", NULL);
		form_textarea(&fm, "note", "说明", js(form, "note"), 2, 0, "maxlength=\"200\"", NULL);
		h_raw(r->out, "<button type=\"submit\">保存新版本</button></form></section>");
	}
	errs_release(&errs);
	page_end(r);
}

static json_t *numbers_model(struct req *r, struct err *e)
{
	json_t *s = numbering_schemes_list(r->db, e);
	json_t *c = s ? numbering_counters_list(r->db, e) : NULL;
	json_t *i = c ? numbering_issued_list(r->db, NULL, 100, e) : NULL;
	json_t *b = i ? numbering_bodies(r->db, e) : NULL;
	if (!b) {
		json_decref(s);
		json_decref(c);
		json_decref(i);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:o,s:o,s:b,s:o}", "schemes", s, "counters", c, "issued", i, "bodies", b, "can_edit",
			 actor_has(&r->actor, ROLE_ADMIN), "form", json_object());
}

static int numbers_post(struct req *r)
{
	struct err e = ERR_INIT;
	if (!actor_has(&r->actor, ROLE_ADMIN)) {
		err_set(&e, ERR_FORBIDDEN, "", "只有系统管理员可以修改文号规则");
		resp_err(r, &e);
		return 0;
	}
	const char *body = req_param(r, "body_unit_id"), *kind = req_param(r, "kind"), *pattern = req_param(r, "pattern"),
		   *pad = req_param(r, "pad"), *from = req_param(r, "effective_from"), *basis = req_param(r, "basis"),
		   *note = req_param(r, "note");
	struct errs all = ERRS_INIT;
	long long bid = 0, npad = 0;
	int32_t day;
	if (str_to_ll(body, 1, INT64_MAX, &bid) < 0)
		errs_add(&all, ERR_INVALID, "body_unit_id", "请选择执法主体");
	if (str_empty(kind) || !numbering_kind_ok(kind))
		errs_add(&all, ERR_INVALID, "kind", "请从列表中选择文号种类");
	if (str_empty(pattern))
		errs_add(&all, ERR_INVALID, "pattern", "请填写文号格式");
	if (!str_empty(pad) && str_to_ll(pad, 0, 9, &npad) < 0)
		errs_add(&all, ERR_INVALID, "pad", "序号位数必须是 0 至 9 之间的整数");
	if (str_empty(from))
		errs_add(&all, ERR_INVALID, "effective_from", "请填写生效日期");
	else if (cal_date_parse(from, &day) < 0)
		errs_add(&all, ERR_INVALID, "effective_from", "生效日期不正确，应为 YYYY-MM-DD 形式的真实日期");
	long long id = 0;
	if (!all.n) {
		struct number_scheme_input in = { .body_unit_id = bid, .kind = kind, .pattern = pattern, .pad = (int)npad,
						  .effective_from = from, .basis = basis ? basis : "", .note = note ? note : "" };
		if (numbering_scheme_add(r->db, &r->actor, &in, &id, &e) == 0) {
			if (r->want_json) {
				resp_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
				return 0;
			}
			resp_redirect(r, req_printf(r, "/admin/numbers?ok=1&id=%lld#scheme-%lld", id, id));
			return 0;
		}
		errs_push(&all, &e);
	}
	errs_first(&all, &e);
	if (e.kind >= 500 || e.kind < 400 || r->want_json) {
		errs_release(&all);
		resp_err(r, &e);
		return 0;
	}
	struct err le = ERR_INIT;
	json_t *m = numbers_model(r, &le);
	if (!m) {
		errs_release(&all);
		resp_err(r, &le);
		return 0;
	}
	static const char *const fields[] = { "body_unit_id", "kind", "pattern", "pad", "effective_from", "basis", "note" };
	json_t *form = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = req_param(r, fields[i]);
		json_object_set_new(form, fields[i], json_string(v && utf8_valid(v, strlen(v)) ? v : ""));
	}
	json_object_set_new(m, "form", form);
	json_object_set_new(m, "errors", form_errs_json(&all));
	errs_release(&all);
	page_model(r, m, render_numbers);
	r->status = e.kind;
	return 0;
}

int page_admin_numbers(struct req *r)
{
	if (r->method == M_POST)
		return numbers_post(r);
	struct err e = ERR_INIT;
	json_t *m = numbers_model(r, &e);
	if (!m) {
		resp_err(r, &e);
		return 0;
	}
	long long id;
	if (str_eq(req_param(r, "ok"), "1") && str_to_ll(req_param(r, "id"), 1, INT64_MAX, &id) == 0)
		json_object_set_new(m, "saved", json_integer(id));
	return page_model(r, m, render_numbers);
}
