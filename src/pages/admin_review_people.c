/*
 * admin_review_people.c - the people side of 法制审核 on the back-office
 * pages: a reviewer's recorded legal qualifications on the person's page
 * (POST /admin/users/{id}/qualifications, .../{qid}/withdraw) and the
 * 分管负责人 of a unit on the unit's page (POST /admin/units/{id}/leader).
 *
 * Invariants: the domain (people/people.h) checks the administrator and
 * every value and writes the operation log; a failed form re-renders the
 * page it came from with the message beside the field; JSON clients get
 * the API's error shape.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "pages/admin_people.h"
#include "people/people.h"

void admin_user_qualifications_section(struct req *r, json_t *m)
{
	const json_t *u = json_object_get(m, "user");
	const json_t *quals = json_object_get(m, "qualifications");
	bool reviewer = false;
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(u, "roles"), i, x) {
		if (str_eq(json_string_value(x), "reviewer"))
			reviewer = true;
	}
	bool manage = json_is_true(json_object_get(m, "can_manage"));
	if (!reviewer && json_array_size(quals) == 0)
		return;
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"quals\"><h2 id=\"quals\">法制审核资格</h2>"
		      "<p class=\"muted\">法制审核人员须具备法律职业资格或法律专业背景（实施方案四（三））；"
		      "未登记资格的人员不能被指派审核案件。</p>");
	if (json_array_size(quals) == 0) {
		h_raw(r->out, "<p>尚未登记任何资格。</p>");
	} else {
		h_raw(r->out, "<table><thead><tr><th scope=\"col\">种类</th><th scope=\"col\">编号</th>"
			      "<th scope=\"col\">取得日期</th><th scope=\"col\">说明</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		json_array_foreach(quals, i, x) {
			bool gone = json_is_true(json_object_get(x, "withdrawn"));
			char at[20] = "";
			if (gone)
				time_utc_to_shanghai(js(x, "withdrawn_at"), at);
			h_printf(r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", js(x, "kind_label"),
				 str_empty(js(x, "number")) ? "—" : js(x, "number"),
				 str_empty(js(x, "issued_on")) ? "—" : js(x, "issued_on"),
				 str_empty(js(x, "note")) ? "—" : js(x, "note"));
			if (gone) {
				h_printf(r->out, "<span class=\"badge\">已撤销</span> %s：%s", at, js(x, "withdrawn_reason"));
			} else {
				h_raw(r->out, "<span class=\"badge ok\">有效</span>");
				if (manage) {
					h_printf(r->out, "<form method=\"post\" class=\"inline\" action=\"/admin/users/%lld/"
						 "qualifications/%lld/withdraw\">", ji(u, "id"), ji(x, "id"));
					form_csrf(r);
					h_printf(r->out, "<label for=\"reason-%lld\">撤销原因</label>"
						 "<input id=\"reason-%lld\" name=\"reason\" required maxlength=\"500\">"
						 "<button type=\"submit\" class=\"secondary\">撤销</button></form>",
						 ji(x, "id"), ji(x, "id"));
				}
			}
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table>");
	}
	if (manage) {
		json_t *none = json_object();
		const json_t *fm = str_eq(js(m, "form"), "qualification") ? m : none;
		h_printf(r->out, "<h3>登记资格</h3><form method=\"post\" action=\"/admin/users/%lld/qualifications\">",
			 ji(u, "id"));
		form_csrf(r);
		static const struct form_opt kinds[] = {
			{ "lawyer", "法律职业资格" },
			{ "law_degree", "法学专业学历" },
			{ "legal_work", "从事法制工作经历" },
		};
		af_select(r, fm, "kind", "资格种类", NULL, kinds, ARRAY_SIZE(kinds), "lawyer", NULL);
		af_input(r, fm, "text", "number", "证书或学历编号", "", "maxlength=\"64\"", "法律职业资格须填写证书编号");
		af_input(r, fm, "date", "issued_on", "取得日期", "", NULL, NULL);
		af_input(r, fm, "text", "note", "说明", "", "maxlength=\"500\"", "从事法制工作经历须写明单位和年限");
		h_raw(r->out, "<button type=\"submit\">登记</button></form>");
		json_decref(none);
	}
	h_raw(r->out, "</section>");
}

int page_admin_user_qualifications(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = admin_user_model(r, id);
	if (!m)
		return 0;
	json_object_set_new(m, "form", json_string("qualification"));
	struct qualification_input in = { id, req_param(r, "kind"), req_param(r, "number"), req_param(r, "issued_on"),
					  req_param(r, "note") };
	struct err e = ERR_INIT;
	long long qid = 0;
	if (people_qualification_add(r->db, &r->actor, &in, &qid, &e) < 0)
		return af_fail(r, m, &e, admin_render_user);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=saved#quals", id),
		       json_pack("{s:I}", "id", (json_int_t)qid));
}

int page_admin_user_qualification_withdraw(struct req *r)
{
	long long id = req_param_id(r, 0), qid = req_param_id(r, 1);
	json_t *m = admin_user_model(r, id);
	if (!m)
		return 0;
	json_object_set_new(m, "form", json_string("qualification"));
	struct err e = ERR_INIT;
	bool mine = false;
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(m, "qualifications"), i, x) {
		if (ji(x, "id") == qid)
			mine = true;
	}
	if (!mine)
		err_set(&e, ERR_NOTFOUND, "id", "该资格记录不存在");
	if (e.kind || people_qualification_withdraw(r->db, &r->actor, qid, req_param(r, "reason"), &e) < 0)
		return af_fail(r, m, &e, admin_render_user);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/users/%lld?ok=saved#quals", id), NULL);
}

void admin_unit_leader_model(struct req *r, json_t *m, long long unit_id)
{
	long long leader = people_unit_leader(r->db, unit_id);
	char *name = leader > 0 ? people_user_name(r->db, leader) : NULL;
	json_object_set_new(m, "leader", leader > 0 ? json_pack("{s:I,s:s}", "id", (json_int_t)leader, "name",
								 name ? name : "")
						    : json_null());
	free(name);
	json_t *people = NULL, *opts = json_array();
	struct err e = ERR_INIT;
	if (admin_can_admin(r) && people_user_list(r->db, &r->actor, 0, &people, &e) == 0) {
		size_t i;
		const json_t *p;
		json_array_foreach(people, i, p) {
			size_t k;
			const json_t *role;
			json_array_foreach(json_object_get(p, "roles"), k, role) {
				if (str_eq(json_string_value(role), "leader"))
					json_array_append_new(opts, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ji(p, "id"),
									      "name", js(p, "name"), "title", js(p, "title")));
			}
		}
	}
	json_decref(people);
	json_object_set_new(m, "leader_options", opts);
}

void admin_unit_leader_section(struct req *r, json_t *m)
{
	const json_t *u = json_object_get(m, "unit");
	const json_t *leader = json_object_get(m, "leader");
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"leader\"><h2 id=\"leader\">分管负责人</h2>"
		 "<p>%s</p><p class=\"muted\">执法处室与政策法规处对法制审核意见不能达成一致时，双方意见报本处室的分管负责人审定"
		 "（实施方案二（三）3）。未单独设置的单位，由上级单位的分管负责人负责。</p>",
		 json_is_object(leader) ? js(leader, "name") : "（未设置）");
	if (json_is_true(json_object_get(m, "can_manage"))) {
		h_printf(r->out, "<form method=\"post\" action=\"/admin/units/%lld/leader\">", ji(u, "id"));
		form_csrf(r);
		const json_t *opts = json_object_get(m, "leader_options");
		size_t n = json_array_size(opts), i;
		struct form_opt *o = req_own(r, xcalloc(n ? n : 1, sizeof *o));
		const json_t *x;
		json_array_foreach(opts, i, x) {
			o[i].value = req_printf(r, "%lld", ji(x, "id"));
			o[i].label = req_printf(r, "%s（%s）", js(x, "name"), js(x, "title"));
		}
		json_t *none = json_object();
		const json_t *fm = str_eq(js(m, "form"), "leader") ? m : none;
		af_select(r, fm, "leader_id", "分管负责人", "须为具有分管负责人角色的人员", o, n,
			  json_is_object(leader) ? req_printf(r, "%lld", ji(leader, "id")) : "", "（不设置）");
		af_input(r, fm, "date", "since_on", "起始日期", "", NULL, "不填为今天");
		h_raw(r->out, "<button type=\"submit\">保存</button></form>");
		json_decref(none);
	}
	h_raw(r->out, "</section>");
}

int page_admin_unit_leader(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = id > 0 ? admin_unit_model(r, id) : NULL;
	if (!m) {
		if (id <= 0)
			resp_error(r, 404, NULL, "单位不存在。");
		return 0;
	}
	json_object_set_new(m, "form", json_string("leader"));
	struct err e = ERR_INIT;
	long long leader = 0;
	if (af_param_id(r, "leader_id", &leader, &e, "分管负责人选择有误") < 0 ||
	    people_unit_set_leader(r->db, &r->actor, id, leader, req_param(r, "since_on"), &e) < 0)
		return af_fail(r, m, &e, admin_render_unit);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/units/%lld?ok=saved#leader", id), NULL);
}
