/*
 * parties.c - the party register (当事人库) over HTTP: the JSON API
 * /api/v1/parties and the back-office pages /parties, /parties/new,
 * /parties/{id} and /parties/{id}/edit.
 *
 * Invariants:
 *  - the domain (cases/party.h) checks roles and writes the logs; the
 *    route table only narrows by role;
 *  - errors answer in the shape of every other API,
 *    {"error":{"status","message","field","request_id"}}, field naming the
 *    JSON key ("id_number", "uscc", "version" ...); a failed form shows
 *    every problem beside its field with what was typed; nothing is
 *    written on any failure;
 *  - a person's number is shown in full only on the record page (whose
 *    read is logged); lists show it masked.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "http/form.h"
#include "pages/pages.h"
#include "cases/party.h"

static const char *const form_keys[] = { "kind", "name", "id_type", "id_number", "birth_date", "uscc",
					  "legal_rep", "contact", "operator_name", "operator_id_type",
					  "operator_id_number", "phone", "address", "note" };

/* The request's JSON body (a PUT/PATCH/POST with a JSON content type) or
 * its form fields as a JSON object of strings.  NULL after answering 400
 * for a malformed body. */
static json_t *body_object(struct req *r)
{
	const char *ct = r->content_type ? r->content_type : "";
	if (str_starts(ct, "application/json") || (r->method == M_OTHER && r->body_len)) {
		json_error_t je;
		json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
		if (!json_is_object(j)) {
			json_decref(j);
			resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
			return NULL;
		}
		return j;
	}
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(form_keys); i++) {
		const char *v = kv_get(&r->form, form_keys[i]);
		if (v)
			json_object_set_new(o, form_keys[i], json_string(v));
	}
	const char *v = kv_get(&r->form, "version");
	if (v)
		json_object_set_new(o, "version", json_string(v));
	return o;
}

/* The "version" member: an integer or a string of digits; 0 when absent
 * or malformed. */
static int version_of(const json_t *o)
{
	const json_t *v = json_object_get(o, "version");
	if (json_is_integer(v))
		return json_integer_value(v) > 0 && json_integer_value(v) < 1000000 ? (int)json_integer_value(v) : 0;
	long long n;
	if (json_is_string(v) && str_to_ll(json_string_value(v), 1, 999999, &n) == 0)
		return (int)n;
	return 0;
}

/* ?version= (0 when absent); -1 after answering 400. */
static int query_version(struct req *r)
{
	const char *s = kv_get(&r->query, "version");
	long long v = 0;
	if (!str_empty(s) && str_to_ll(s, 1, 999999, &v) < 0) {
		resp_error(r, 400, "version", "版本号应为正整数");
		return -1;
	}
	return (int)v;
}

/* The list model for ?q=&kind=&page=; NULL after answering an error. */
static json_t *list_model(struct req *r)
{
	long long page = 1;
	struct err e = ERR_INIT;
	if (list_page_parse(r, &page, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	const char *q = kv_get(&r->query, "q"), *kind = kv_get(&r->query, "kind");
	struct party_filter f = { q, kind, page, 0 };
	json_t *m = NULL;
	if (party_search(r->db, &r->actor, &f, &m, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	json_object_set_new(m, "q", json_string(q ? q : ""));
	json_object_set_new(m, "kind", json_string(kind ? kind : ""));
	json_object_set_new(m, "can_write", json_boolean(party_can_write(&r->actor)));
	return m;
}

/* ================= the JSON API ================= */

int page_api_parties(struct req *r)
{
	if (r->method != M_POST) {
		json_t *m = list_model(r);
		if (m)
			resp_json(r, 200, m);
		return 0;
	}
	json_t *in = body_object(r);
	if (!in)
		return 0;
	long long id = 0;
	struct err e = ERR_INIT;
	int rc = party_create(r->db, &r->actor, in, &id, NULL, &e);
	json_decref(in);
	if (rc < 0) {
		resp_err(r, &e);
		return 0;
	}
	resp_header(r, "Location", req_printf(r, "/api/v1/parties/%lld", id));
	resp_json(r, 201, json_pack("{s:b,s:I,s:i}", "ok", 1, "id", (json_int_t)id, "version", 1));
	return 0;
}

int page_api_party(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0) {
		resp_error(r, 404, "id", "当事人不存在");
		return 0;
	}
	struct err e = ERR_INIT;
	if (r->method == M_OTHER) {
		if (!str_eq(r->method_str, "PUT") && !str_eq(r->method_str, "PATCH")) {
			resp_header(r, "Allow", "GET, HEAD, PUT, PATCH");
			resp_error(r, 405, NULL, "该地址不支持此请求方法。");
			return 0;
		}
		json_t *in = body_object(r);
		if (!in)
			return 0;
		int nv = 0;
		int rc = party_update(r->db, &r->actor, id, in, version_of(in), &nv, NULL, &e);
		json_decref(in);
		if (rc < 0) {
			resp_err(r, &e);
			return 0;
		}
		resp_json(r, 200, json_pack("{s:b,s:I,s:i}", "ok", 1, "id", (json_int_t)id, "version", nv));
		return 0;
	}
	int v = query_version(r);
	if (v < 0)
		return 0;
	json_t *p = NULL;
	if (party_get(r->db, &r->actor, id, v, &p, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	/* ?on=YYYY-MM-DD: minor on that day (e.g. of the offence), not today */
	const char *on = kv_get(&r->query, "on");
	if (on) {
		bool minor = false;
		if (party_minor_on(r->db, id, v, on, &minor, &e) < 0) {
			json_decref(p);
			resp_err(r, &e);
			return 0;
		}
		json_object_set_new(p, "minor", json_boolean(minor));
		json_object_set_new(p, "minor_on", json_string(on));
	}
	resp_json(r, 200, p);
	return 0;
}

int page_api_party_versions(struct req *r)
{
	long long id = req_param_id(r, 0);
	struct err e = ERR_INIT;
	json_t *m = NULL;
	if (id <= 0) {
		resp_error(r, 404, "id", "当事人不存在");
		return 0;
	}
	if (party_versions(r->db, &r->actor, id, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	resp_json(r, 200, m);
	return 0;
}

/* ================= pages ================= */

static const char *dash(const char *s)
{
	return str_empty(s) ? "—" : s;
}

static void render_list(struct req *r, json_t *m)
{
	page_begin(r, "当事人库");
	h_raw(r->out, "<h1>当事人库</h1><p class=\"muted\">本厅执法中遇到的自然人、法人或其他组织和个体工商户，"
		       "登记一次，供各案件使用；每次更正都保留历史版本。</p>");
	h_raw(r->out, "<form method=\"get\" action=\"/parties\" class=\"search\" role=\"search\">"
		       "<div class=\"field\"><label for=\"q\">名称、姓名或证件号码、统一社会信用代码</label>");
	h_printf(r->out, "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" maxlength=\"100\"></div>", js(m, "q"));
	h_raw(r->out, "<div class=\"field\"><label for=\"kind\">类型</label><select id=\"kind\" name=\"kind\"><option value=\"\">（全部）</option>");
	size_t n;
	const struct dict_entry *kinds = dict_entries("party_kind", &n);
	for (size_t i = 0; i < n; i++)
		h_printf(r->out, "<option value=\"%s\"%s>%s</option>", kinds[i].code,
			 str_eq(kinds[i].code, js(m, "kind")) ? " selected" : "", kinds[i].label);
	h_raw(r->out, "</select></div><button type=\"submit\">查询</button></form>");
	if (json_is_true(json_object_get(m, "can_write")))
		h_raw(r->out, "<p class=\"actions\"><a class=\"button\" href=\"/parties/new\">登记当事人</a></p>");
	json_t *items = json_object_get(m, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p>没有符合条件的当事人。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">当事人列表</caption><thead><tr>"
			       "<th scope=\"col\">名称（姓名）</th><th scope=\"col\">类型</th><th scope=\"col\">证件或代码</th>"
			       "<th scope=\"col\">版本</th><th scope=\"col\">最近更新</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			char at[20];
			time_utc_to_shanghai(js(it, "updated_at"), at);
			h_printf(r->out, "<tr><td><a href=\"/parties/%lld\">%s</a></td><td>%s</td><td>%s：<code>%s</code></td>"
				 "<td>第 %lld 版</td><td>%s</td></tr>", ji(it, "id"), js(it, "name"), js(it, "kind_label"),
				 js(it, "code_label"), js(it, "code"), ji(it, "version"), at);
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	const char *keys[] = { "q", "kind" };
	struct list_view v = { "/parties", list_filter_query(r, keys, ARRAY_SIZE(keys)), "", false };
	list_pager(r, &v, ji(m, "total"), ji(m, "page"), ji(m, "per_page"), true);
	page_end(r);
}

int page_parties(struct req *r)
{
	json_t *m = list_model(r);
	return m ? page_model(r, m, render_list) : 0;
}

/* ---- the form (new and edit) ---- */

static const struct form_opt id_type_opts[] = {
	{ "resident_id", "居民身份证" }, { "hk_macao_permit", "港澳居民来往内地通行证" },
	{ "taiwan_permit", "台湾居民来往大陆通行证" }, { "passport", "护照" },
	{ "foreign_permanent_id", "外国人永久居留身份证" },
};

/* The value of key: what was typed (a failed POST), else the party's. */
static const char *val(const json_t *m, const char *key)
{
	if (af_has_input(m))
		return af_value(m, key, NULL);
	return js(json_object_get(m, "party"), key);
}

static void kind_fields(struct req *r, const json_t *m, const char *kind)
{
	if (str_eq(kind, "person")) {
		af_input(r, m, "text", "name", "姓名", val(m, "name"), "required maxlength=\"100\"", NULL);
		af_select(r, m, "id_type", "证件类型", "只有居民身份证号码按 GB 11643 校验", id_type_opts,
			  ARRAY_SIZE(id_type_opts), str_empty(val(m, "id_type")) ? "resident_id" : val(m, "id_type"), NULL);
		af_input(r, m, "text", "id_number", "证件号码", val(m, "id_number"),
			 "required maxlength=\"32\" autocomplete=\"off\" spellcheck=\"false\"",
			 "居民身份证号码为 18 位，末位可为 X；出生日期由号码得出");
		af_input(r, m, "text", "birth_date", "出生日期", val(m, "birth_date"), "maxlength=\"10\" placeholder=\"1990-01-31\"",
			 "持其他证件的填写；年-月-日");
	} else if (str_eq(kind, "org")) {
		af_input(r, m, "text", "name", "名称", val(m, "name"), "required maxlength=\"100\"", NULL);
		af_input(r, m, "text", "uscc", "统一社会信用代码", val(m, "uscc"),
			 "required maxlength=\"18\" autocomplete=\"off\" spellcheck=\"false\"", "18 位，按 GB 32100 校验");
		af_input(r, m, "text", "legal_rep", "法定代表人（负责人）", val(m, "legal_rep"), "maxlength=\"50\"", NULL);
		af_input(r, m, "text", "contact", "联系人", val(m, "contact"), "maxlength=\"50\"", NULL);
	} else {
		af_input(r, m, "text", "name", "字号（名称）", val(m, "name"), "required maxlength=\"100\"", NULL);
		af_input(r, m, "text", "uscc", "统一社会信用代码", val(m, "uscc"),
			 "required maxlength=\"18\" autocomplete=\"off\" spellcheck=\"false\"", "18 位，按 GB 32100 校验");
		af_input(r, m, "text", "operator_name", "经营者姓名", val(m, "operator_name"), "required maxlength=\"50\"", NULL);
		af_select(r, m, "operator_id_type", "经营者证件类型", NULL, id_type_opts, ARRAY_SIZE(id_type_opts),
			  str_empty(val(m, "operator_id_type")) ? "resident_id" : val(m, "operator_id_type"), NULL);
		af_input(r, m, "text", "operator_id_number", "经营者证件号码", val(m, "operator_id_number"),
			 "maxlength=\"32\" autocomplete=\"off\" spellcheck=\"false\"", NULL);
	}
	af_input(r, m, "tel", "phone", "联系电话", val(m, "phone"), "maxlength=\"40\"", NULL);
	af_input(r, m, "text", "address", str_eq(kind, "person") ? "住址" : "住所（经营场所）", val(m, "address"),
		 "maxlength=\"200\"", NULL);
}

static void render_new(struct req *r, json_t *m)
{
	const char *kind = js(m, "kind");
	page_begin(r, "登记当事人");
	h_raw(r->out, "<p class=\"noprint\"><a href=\"/parties\">← 返回当事人库</a></p><h1>登记当事人</h1>");
	af_alerts(r, m);
	h_raw(r->out, "<nav class=\"tabs\" aria-label=\"当事人类型\"><ul>");
	size_t n;
	const struct dict_entry *kinds = dict_entries("party_kind", &n);
	for (size_t i = 0; i < n; i++)
		if (str_eq(kinds[i].code, kind))
			h_printf(r->out, "<li><a href=\"/parties/new?kind=%s\" aria-current=\"page\">%s</a></li>", kinds[i].code,
				 kinds[i].label);
		else
			h_printf(r->out, "<li><a href=\"/parties/new?kind=%s\">%s</a></li>", kinds[i].code, kinds[i].label);
	h_raw(r->out, "</ul></nav>");
	h_printf(r->out, "<form method=\"post\" action=\"/parties/new?kind=%s\"><input type=\"hidden\" name=\"kind\" value=\"%s\">",
		 kind, kind);
	form_csrf(r);
	kind_fields(r, m, kind);
	h_raw(r->out, "<button type=\"submit\">登记</button></form>");
	page_end(r);
}

static const char *kind_param(struct req *r)
{
	const char *k = req_param(r, "kind");
	return str_eq(k, "org") || str_eq(k, "individual_business") ? k : "person";
}

int page_party_new(struct req *r)
{
	const char *kind = kind_param(r);
	json_t *m = json_pack("{s:s,s:{}}", "kind", kind, "party");
	if (r->method != M_POST)
		return page_model(r, m, render_new);
	json_t *in = body_object(r);
	if (!in) {
		json_decref(m);
		return 0;
	}
	json_object_set_new(in, "kind", json_string(kind));
	long long id = 0;
	struct err e = ERR_INIT;
	struct errs all = ERRS_INIT;
	int rc = party_create(r->db, &r->actor, in, &id, &all, &e);
	json_decref(in);
	if (rc < 0) {
		if (!all.n)
			errs_push(&all, &e);
		rc = af_fail_all(r, m, &all, render_new);
		errs_release(&all);
		return rc;
	}
	errs_release(&all);
	json_decref(m);
	return af_done(r, req_printf(r, "/parties/%lld?ok=created", id), json_pack("{s:I,s:i}", "id", (json_int_t)id, "version", 1));
}

/* ---- one party ---- */

static void prop(struct req *r, const char *label, const char *value)
{
	h_printf(r->out, "<dt>%s</dt><dd>%s</dd>", label, dash(value));
}

static void render_party(struct req *r, json_t *m)
{
	const json_t *p = json_object_get(m, "party");
	const char *kind = js(p, "kind");
	bool old = ji(p, "version") != ji(p, "current_version");
	page_begin(r, req_printf(r, "当事人：%s", js(p, "name")));
	h_printf(r->out, "<p class=\"noprint\"><a href=\"/parties\">← 返回当事人库</a></p><h1>%s</h1>", js(p, "name"));
	af_alerts(r, m);
	if (old)
		h_printf(r->out, "<p class=\"alert\" role=\"status\">这是第 %lld 版（历史版本），当前为第 %lld 版。"
			 "<a href=\"/parties/%lld\">查看当前版本</a></p>", ji(p, "version"), ji(p, "current_version"), ji(p, "id"));
	h_raw(r->out, "<dl class=\"props card\">");
	prop(r, "类型", js(p, "kind_label"));
	if (str_eq(kind, "person")) {
		prop(r, "姓名", js(p, "name"));
		prop(r, "证件类型", js(p, "id_type_label"));
		prop(r, "证件号码", js(p, "id_number"));
		prop(r, "出生日期", js(p, "birth_date"));
		if (json_is_true(json_object_get(p, "minor")))
			h_raw(r->out, "<dt>未成年人</dt><dd><strong>是（未满十八周岁）</strong>，"
				       "依《中华人民共和国行政处罚法》第三十条处理</dd>");
		prop(r, "住址", js(p, "address"));
	} else {
		prop(r, str_eq(kind, "org") ? "名称" : "字号（名称）", js(p, "name"));
		prop(r, "统一社会信用代码", js(p, "uscc"));
		prop(r, "代码所示登记类别", js(p, "uscc_type"));
		if (str_eq(kind, "org")) {
			prop(r, "法定代表人（负责人）", js(p, "legal_rep"));
			prop(r, "联系人", js(p, "contact"));
		} else {
			prop(r, "经营者姓名", js(p, "operator_name"));
			prop(r, "经营者证件类型", js(p, "operator_id_type_label"));
			prop(r, "经营者证件号码", js(p, "operator_id_number"));
		}
		prop(r, "住所（经营场所）", js(p, "address"));
	}
	prop(r, "联系电话", js(p, "phone"));
	char at[20];
	time_utc_to_shanghai(js(p, "version_at"), at);
	h_printf(r->out, "<dt>本版本</dt><dd>第 %lld 版，%s 由 %s 保存%s%s</dd></dl>", ji(p, "version"), at,
		 js(p, "created_by_name"), str_empty(js(p, "note")) ? "" : "；说明：", js(p, "note"));
	if (json_is_true(json_object_get(m, "can_write")) && !old)
		h_printf(r->out, "<p class=\"actions\"><a class=\"button\" href=\"/parties/%lld/edit\">更正信息</a></p>",
			 ji(p, "id"));
	h_raw(r->out, "<h2>版本历史</h2><div class=\"table-wrap\"><table><caption class=\"visually-hidden\">版本历史</caption>"
		       "<thead><tr><th scope=\"col\">版本</th><th scope=\"col\">名称（姓名）</th><th scope=\"col\">保存时间</th>"
		       "<th scope=\"col\">保存人</th><th scope=\"col\">说明</th><th scope=\"col\">存证记录序号</th></tr></thead><tbody>");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(json_object_get(m, "versions"), "items"), i, v) {
		time_utc_to_shanghai(js(v, "created_at"), at);
		h_printf(r->out, "<tr><td><a href=\"/parties/%lld?version=%lld\">第 %lld 版</a></td><td>%s</td><td>%s</td>"
			 "<td>%s</td><td>%s</td>", ji(p, "id"), ji(v, "version"), ji(v, "version"), js(v, "name"), at,
			 js(v, "created_by_name"), dash(js(v, "note")));
		if (json_is_integer(json_object_get(v, "leaf_index")))
			h_printf(r->out, "<td>%lld</td></tr>", ji(v, "leaf_index"));
		else
			h_raw(r->out, "<td>—</td></tr>");
	}
	h_raw(r->out, "</tbody></table></div>");
	page_end(r);
}

/* The model of party id at version (0 = current): {party, versions,
 * can_write}; NULL after answering an error. */
static json_t *party_model(struct req *r, long long id, int version)
{
	struct err e = ERR_INIT;
	json_t *p = NULL, *vs = NULL;
	if (id <= 0) {
		resp_error(r, 404, "id", "当事人不存在");
		return NULL;
	}
	if (party_get(r->db, &r->actor, id, version, &p, &e) < 0 || party_versions(r->db, &r->actor, id, &vs, &e) < 0) {
		json_decref(p);
		resp_err(r, &e);
		return NULL;
	}
	return json_pack("{s:o,s:o,s:b}", "party", p, "versions", vs, "can_write", party_can_write(&r->actor));
}

int page_party(struct req *r)
{
	int v = query_version(r);
	if (v < 0)
		return 0;
	json_t *m = party_model(r, req_param_id(r, 0), v);
	return m ? page_model(r, m, render_party) : 0;
}

static void render_edit(struct req *r, json_t *m)
{
	const json_t *p = json_object_get(m, "party");
	page_begin(r, req_printf(r, "更正当事人信息：%s", js(p, "name")));
	h_printf(r->out, "<p class=\"noprint\"><a href=\"/parties/%lld\">← 返回当事人</a></p><h1>更正当事人信息</h1>"
		 "<p class=\"muted\">%s · 当前为第 %lld 版。保存后形成新的版本，原版本保留。</p>",
		 ji(p, "id"), js(p, "kind_label"), ji(p, "current_version"));
	af_alerts(r, m);
	h_printf(r->out, "<form method=\"post\" action=\"/parties/%lld/edit\">", ji(p, "id"));
	form_csrf(r);
	const char *seen = af_has_input(m) ? af_value(m, "version", NULL) : NULL;
	if (seen)
		h_printf(r->out, "<input type=\"hidden\" name=\"version\" value=\"%s\">", seen);
	else
		h_printf(r->out, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", ji(p, "current_version"));
	kind_fields(r, m, js(p, "kind"));
	af_input(r, m, "text", "note", "更正说明", "", "maxlength=\"200\"", "例如：法定代表人变更、住所变更");
	h_raw(r->out, "<button type=\"submit\">保存为新版本</button></form>");
	page_end(r);
}

int page_party_edit(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = party_model(r, id, 0);
	if (!m)
		return 0;
	if (r->method != M_POST) {
		if (!party_can_write(&r->actor)) {
			json_decref(m);
			resp_error(r, 403, NULL, "只有执法人员和处室负责人可以修改当事人信息");
			return 0;
		}
		return page_model(r, m, render_edit);
	}
	json_t *in = body_object(r);
	if (!in) {
		json_decref(m);
		return 0;
	}
	struct err e = ERR_INIT;
	struct errs all = ERRS_INIT;
	int nv = 0;
	int rc = party_update(r->db, &r->actor, id, in, version_of(in), &nv, &all, &e);
	json_decref(in);
	if (rc < 0) {
		if (!all.n)
			errs_push(&all, &e);
		rc = af_fail_all(r, m, &all, render_edit);
		errs_release(&all);
		return rc;
	}
	errs_release(&all);
	json_decref(m);
	return af_done(r, req_printf(r, "/parties/%lld?ok=saved", id), json_pack("{s:I,s:i}", "id", (json_int_t)id, "version", nv));
}
