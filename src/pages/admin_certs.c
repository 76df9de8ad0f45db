/*
 * admin_certs.c - back-office pages for enforcement certificates (执法证):
 * the list in the actor's scope (/admin/officers), issuing, correcting,
 * suspending / restoring / revoking, and a printable certificate card with
 * the QR code of the public credential page.
 *
 * Invariants:
 *  - Reads and changes go through people/certs.h, which checks the actor:
 *    managers are administrators and the heads/reviewers of the 政策法规处;
 *    others read their scope, and another unit's certificate by URL is the
 *    domain's 403.
 *  - The shown status is always the effective one computed by the domain
 *    (valid / suspended / revoked / expired / pending).
 *  - The holder's photo is uploaded as a streamed form (POST
 *    /admin/officers/{id}/photo): the _csrf part must come before the file,
 *    the first bytes must be those of a JPEG or PNG and the file at most
 *    CERT_PHOTO_MAX bytes - a refused upload keeps nothing of it; the
 *    domain checks the whole file again and stores it (people/certs.h).
 *  - Revoking is final, so the form needs a reason and a ticked
 *    confirmation ("confirm"); suspending needs a reason.  Both are checked
 *    here before the domain is called, so a refused request changes nothing.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/list.h"
#include "http/xlsx.h"
#include "app/app.h"
#include "pages/pages.h"
#include "people/people.h"
#include "people/certs.h"
#include "store/blobs.h"
#include <microhttpd.h>
#include <limits.h>

static void badge(struct req *r, const json_t *c)
{
	h_printf(r->out, "<span class=\"badge %s\">%s</span>", js(c, "status"), js(c, "status_label"));
}

static bool is_true(const json_t *m, const char *key)
{
	return json_is_true(json_object_get(m, key));
}

/* People whose units a may read: the holders offered by the create form. */
static json_t *holders(struct req *r)
{
	json_t *u = NULL;
	struct err e = ERR_INIT;
	if (people_user_list(r->db, &r->actor, 0, &u, &e) < 0 || !u)
		u = json_array();
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(u, i, p)
		json_array_append_new(out, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)ji(p, "id"), "name",
						     js(p, "name"), "unit_name", js(p, "unit_name"), "unit_id",
						     (json_int_t)ji(p, "unit_id")));
	json_decref(u);
	return out;
}

static void holder_select(struct req *r, const json_t *m)
{
	const json_t *hs = json_object_get(m, "holders");
	size_t n = json_array_size(hs), i;
	struct form_opt *opts = xcalloc(n ? n : 1, sizeof *opts);
	json_t *p;
	json_array_foreach(hs, i, p)
		opts[i] = (struct form_opt){ req_printf(r, "%lld", ji(p, "id")),
					     req_printf(r, "%s（%s）", js(p, "name"), js(p, "unit_name")) };
	af_select(r, m, "user_id", "持证人", "本人所在单位须在您的数据范围内", opts, n, "", "（请选择）");
	free(opts);
}

static const char *const scope_cats[] = { "inspection", "licence", "penalty", "levy", "coercion", "other" };

/* True when the comma-separated list csv holds item. */
static bool csv_has(const char *csv, const char *item)
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

/* The coverage of a certificate: which units' matters (each with the units
 * below it) and which categories.  Checked boxes from the failed input, else
 * from c's scopes, else none (= the holder's unit, every category). */
static void scope_fields(struct req *r, const json_t *m, const json_t *c)
{
	struct buf units, cats;
	buf_init(&units, 0);
	buf_init(&cats, 0);
	if (af_has_input(m)) {
		buf_puts(&units, af_value(m, "scope_units", ""));
		buf_puts(&cats, af_value(m, "scope_categories", ""));
	} else if (c) {
		size_t i;
		json_t *s;
		bool every = false;
		json_array_foreach(json_object_get(c, "scopes"), i, s) {
			buf_printf(&units, "%s%lld", units.len ? "," : "", ji(s, "unit_id"));
			every |= str_empty(js(s, "category"));
			if (!str_empty(js(s, "category")))
				buf_printf(&cats, "%s%s", cats.len ? "," : "", js(s, "category"));
		}
		if (every) /* a row of every category: no category ticked */
			cats.len = 0, buf_puts(&cats, "");
	}
	json_t *list = people_units_brief(r->db, true);
	h_raw(r->out, "<fieldset class=\"roles\" id=\"scope_units\"");
	af_invalid_attrs(r, m, "scope_units");
	h_raw(r->out, "><legend>涵盖的单位</legend><p class=\"hint\">持证人可办理所选单位（含其下属单位）执法事项清单中的事项；"
		       "不选即为持证人所在单位</p>");
	af_field_error(r, m, "scope_units");
	size_t i;
	json_t *u;
	json_array_foreach(list, i, u) {
		char id[24];
		snprintf(id, sizeof id, "%lld", ji(u, "id"));
		h_printf(r->out, "<label class=\"check\"><input type=\"checkbox\" name=\"scope_units\" value=\"%s\"%s> %s</label> ",
			 id, csv_has(buf_str(&units), id) ? " checked" : "", js(u, "name"));
	}
	h_raw(r->out, "</fieldset><fieldset class=\"roles\" id=\"scope_categories\"");
	af_invalid_attrs(r, m, "scope_categories");
	h_raw(r->out, "><legend>涵盖的事项类别</legend><p class=\"hint\">不选即为全部类别</p>");
	af_field_error(r, m, "scope_categories");
	for (size_t k = 0; k < ARRAY_SIZE(scope_cats); k++) {
		const char *label = dict_find("pub_category", scope_cats[k]);
		h_printf(r->out, "<label class=\"check\"><input type=\"checkbox\" name=\"scope_categories\" value=\"%s\"%s> %s</label> ",
			 scope_cats[k], csv_has(buf_str(&cats), scope_cats[k]) ? " checked" : "", label ? label : scope_cats[k]);
	}
	h_raw(r->out, "</fieldset>");
	json_decref(list);
	buf_release(&units);
	buf_release(&cats);
}

/* The data fields of a certificate (c NULL = issuing a new one). */
static void cert_fields(struct req *r, const json_t *m, const json_t *c)
{
	af_input(r, m, "text", "cert_no", "执法证号", c ? js(c, "cert_no") : "", "required maxlength=\"64\"", NULL);
	af_input(r, m, "text", "cert_type", "证件类型", c ? js(c, "cert_type") : "行政执法证", "maxlength=\"32\"",
		 "不填即为行政执法证");
	af_textarea(r, m, "enf_scope", "执法范围", c ? js(c, "enf_scope") : "", "required maxlength=\"500\" rows=\"3\"");
	af_input(r, m, "text", "issuer", "发证机关", c ? js(c, "issuer") : "云南省人民政府", "required maxlength=\"64\"", NULL);
	af_input(r, m, "date", "valid_from", "有效期自", c ? js(c, "valid_from") : "", "required", "格式 YYYY-MM-DD");
	af_input(r, m, "date", "valid_to", "有效期至", c ? js(c, "valid_to") : "", "required", "格式 YYYY-MM-DD");
	scope_fields(r, m, c);
}


static void render_officers(struct req *r, json_t *m)
{
	page_begin(r, "执法人员与证件");
	h_raw(r->out, "<h1>执法人员与证件</h1>");
	af_alerts(r, m);
	const char *st = js(m, "status");
	h_raw(r->out, "<form method=\"get\" action=\"/admin/officers\" class=\"search\"><label for=\"filter-status\">按状态筛选</label>"
		       "<select id=\"filter-status\" name=\"status\"><option value=\"\">（全部）</option>");
	size_t nst;
	const struct dict_entry *sts = dict_entries("cert_status", &nst);
	for (size_t i = 0; i < nst; i++)
		h_printf(r->out, "<option value=\"%s\"%s>%s</option>", sts[i].code, str_eq(st, sts[i].code) ? " selected" : "",
			 sts[i].label);
	h_raw(r->out, "</select><button type=\"submit\">筛选</button></form>");
	json_t *certs = json_object_get(m, "certs");
	h_printf(r->out, "<p class=\"muted\">共 %zu 本证件。状态按今天（北京时间）计算：超过有效期为「已过期」，未到起始日为「未生效」。</p>",
		 json_array_size(certs));
	struct list_view v = { "/admin/officers", js(m, "query"), js(m, "sort"), json_is_true(json_object_get(m, "asc")) };
	h_raw(r->out, "<div class=\"table-wrap\"><table><caption class=\"visually-hidden\">执法证件列表</caption><thead><tr>");
	list_th(r, &v, "holder", "持证人");
	list_th(r, &v, "unit_name", "单位");
	list_th(r, &v, "cert_no", "执法证号");
	list_th(r, &v, "cert_type", "类型");
	h_raw(r->out, "<th scope=\"col\">执法范围</th>");
	list_th(r, &v, "issuer", "发证机关");
	list_th(r, &v, "valid_to", "有效期");
	list_th(r, &v, "status", "状态");
	h_raw(r->out, "<th scope=\"col\">操作</th></tr></thead><tbody>");
	size_t i;
	json_t *c;
	json_array_foreach(certs, i, c) {
		h_printf(r->out, "<tr><td>%s</td><td>%s</td><td><a href=\"/admin/officers/%lld\">%s</a></td><td>%s</td>"
			 "<td>%s<br><span class=\"muted\">涵盖：%s</span></td><td>%s</td><td>%s 至 %s</td><td>",
			 js(c, "holder"), js(c, "unit_name"), ji(c, "id"), js(c, "cert_no"), js(c, "cert_type"),
			 js(c, "enf_scope"), js(c, "scope_text"), js(c, "issuer"), js(c, "valid_from"), js(c, "valid_to"));
		badge(r, c);
		h_printf(r->out, "</td><td><a href=\"/admin/officers/%lld\">%s</a> <a href=\"/admin/officers/%lld/print\">打印</a></td></tr>",
			 ji(c, "id"), is_true(m, "can_manage") ? "管理" : "详情", ji(c, "id"));
	}
	h_raw(r->out, "</tbody></table></div><p class=\"actions\">");
	list_export_link(r, &v, "/admin/officers.xlsx");
	h_raw(r->out, "</p>");
	if (is_true(m, "can_manage")) {
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"new-cert\"><h2 id=\"new-cert\">发放执法证</h2>"
			       "<form method=\"post\" action=\"/admin/officers\">");
		form_csrf(r);
		holder_select(r, m);
		cert_fields(r, m, NULL);
		h_raw(r->out, "<button type=\"submit\">登记证件</button></form></section>");
	}
	page_end(r);
}

/* The list model; NULL after answering an error. */
static json_t *officers_model(struct req *r)
{
	json_t *all = NULL;
	struct err e = ERR_INIT;
	if (cert_list(r->db, &r->actor, 0, &all, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	const char *st = r->method == M_POST ? NULL : req_param(r, "status");
	if (!str_empty(st)) {
		if (!dict_has("cert_status", st)) {
			json_decref(all);
			resp_error(r, 400, "status", "参数「状态」不正确。");
			return NULL;
		}
		json_t *keep = json_array();
		size_t i;
		json_t *c;
		json_array_foreach(all, i, c)
			if (str_eq(js(c, "status"), st))
				json_array_append(keep, c);
		json_decref(all);
		all = keep;
	}
	static const struct list_col cols[] = {
		{ "holder", false }, { "unit_name", false }, { "cert_no", false }, { "cert_type", false },
		{ "issuer", false }, { "valid_to", false }, { "status", false },
	};
	const char *sort = "";
	bool asc = true;
	if (r->method != M_POST && list_sort_parse(r, cols, ARRAY_SIZE(cols), "", true, &sort, &asc, &e) < 0) {
		json_decref(all);
		resp_err(r, &e);
		return NULL;
	}
	if (!str_empty(sort))
		list_sort_json(all, sort, false, asc);
	static const char *const keys[] = { "status" };
	bool manage = cert_can_manage(r->db, &r->actor);
	return json_pack("{s:o,s:s,s:b,s:o,s:s,s:b,s:s}", "certs", all, "status", st ? st : "", "can_manage", manage,
			 "holders", manage ? holders(r) : json_array(), "sort", sort, "asc", asc, "query",
			 r->method == M_POST ? "" : list_filter_query(r, keys, ARRAY_SIZE(keys)));
}

/* Read the certificate form into in (strings borrowed from r); a
 * malformed holder id is added to all. */
static void cert_from_form(struct req *r, struct cert_input *in, bool create, struct errs *all)
{
	memset(in, 0, sizeof *in);
	if (create) {
		struct err e = ERR_INIT;
		if (af_param_id(r, "user_id", &in->user_id, &e, "持证人无效，请从列表中选择") < 0) {
			errs_push(all, &e);
			in->user_id = -1;
		}
	}
	in->cert_no = req_param(r, "cert_no");
	in->cert_type = req_param(r, "cert_type");
	in->enf_scope = req_param(r, "enf_scope");
	in->issuer = req_param(r, "issuer");
	in->valid_from = req_param(r, "valid_from");
	in->valid_to = req_param(r, "valid_to");
	if (!in->cert_no)
		in->cert_no = "";
	if (!in->enf_scope)
		in->enf_scope = "";
	if (!in->issuer)
		in->issuer = "";
	if (!in->valid_from)
		in->valid_from = "";
	if (!in->valid_to)
		in->valid_to = "";
	/* coverage: every ticked unit with every ticked category (none = every category) */
	size_t nu = 0, nc = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		nu += str_eq(r->form.items[i].key, "scope_units");
		nc += str_eq(r->form.items[i].key, "scope_categories");
	}
	struct cert_scope *sc = req_own(r, xcalloc((nu ? nu : 1) * (nc ? nc : 1), sizeof *sc));
	size_t n = 0;
	bool bad = false;
	for (size_t i = 0; i < r->form.n; i++) {
		if (!str_eq(r->form.items[i].key, "scope_units"))
			continue;
		long long uid = 0;
		if (str_to_ll(r->form.items[i].val, 1, LLONG_MAX, &uid) < 0) {
			bad = true;
			continue;
		}
		if (!nc)
			sc[n++] = (struct cert_scope){ uid, NULL };
		for (size_t k = 0; k < r->form.n; k++)
			if (str_eq(r->form.items[k].key, "scope_categories"))
				sc[n++] = (struct cert_scope){ uid, r->form.items[k].val };
	}
	if (bad)
		errs_add(all, ERR_INVALID, "scope_units", "涵盖的单位无效，请从列表中选择");
	/* no unit ticked: the holder's unit, with the ticked categories */
	if (!n && nc && !bad) {
		for (size_t k = 0; k < r->form.n; k++)
			if (str_eq(r->form.items[k].key, "scope_categories"))
				sc[n++] = (struct cert_scope){ 0, r->form.items[k].val };
	}
	in->scopes = sc;
	in->n_scopes = n;
}


int page_admin_officers(struct req *r)
{
	json_t *m = officers_model(r);
	if (!m)
		return 0;
	if (r->method != M_POST)
		return page_model(r, m, render_officers);
	struct cert_input in;
	struct err e = ERR_INIT;
	long long id = 0;
	char token[CERT_TOKEN_LEN + 1] = "";
	struct errs all = ERRS_INIT;
	cert_from_form(r, &in, true, &all);
	/* The holder must be one of the people this actor may read. */
	bool offered = false;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "holders"), i, p)
		offered |= ji(p, "id") == in.user_id;
	bool manage = cert_can_manage(r->db, &r->actor);
	if (manage) {
		/* every problem at once: the holder and each field */
		if (in.user_id > 0 && !offered)
			errs_add(&all, ERR_INVALID, "user_id", "持证人不存在或不在您的数据范围内");
		struct errs chk = ERRS_INIT;
		cert_check(r->db, &in, 0, &chk);
		for (size_t k = 0; k < chk.n; k++)
			if (!errs_find(&all, chk.v[k].field)) /* one message per field */
				errs_push(&all, &chk.v[k]);
		errs_release(&chk);
		if (all.n) {
			int rc = af_fail_all(r, m, &all, render_officers);
			errs_release(&all);
			return rc;
		}
	}
	errs_release(&all);
	if (cert_create(r->db, &r->actor, &in, &id, token, &e) < 0)
		return af_fail(r, m, &e, render_officers);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/officers/%lld?ok=created", id),
		       json_pack("{s:I,s:s}", "id", (json_int_t)id, "public_token", token));
}

/* The problems of m when the failed form was act (else none). */
static void form_errs_of(const json_t *m, const char *act, struct errs *out)
{
	*out = (struct errs)ERRS_INIT;
	const json_t *err = json_object_get(m, "error");
	if (!str_eq(js(m, "form"), act) || !json_is_object(err))
		return;
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(m, "errors"), i, e)
		errs_add(out, ERR_INVALID, js(e, "field"), "%s", js(e, "message"));
	if (!out->n)
		errs_add(out, ERR_INVALID, js(err, "field"), "%s", js(err, "message"));
}

static void status_forms(struct req *r, const json_t *m, const json_t *c)
{
	long long id = ji(c, "id");
	const char *stored = js(c, "stored_status");
	if (str_eq(stored, "revoked")) {
		h_raw(r->out, "<p class=\"muted\">该证件已注销。注销是最终状态，不能恢复或修改；如需继续执法，请发放新证件。</p>");
		return;
	}
	/* suspend or restore: a reason is required to suspend, optional to restore */
	bool suspended = str_eq(stored, "suspended");
	const char *act = suspended ? "restore" : "suspend";
	struct errs errs;
	struct form fm;
	form_errs_of(m, act, &errs);
	form_init_bare(&fm, r, &errs);
	form_suffix(&fm, suspended ? "-restore" : "-suspend");
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">%s</h2>", act, act,
		 suspended ? "恢复证件（解除暂扣）" : "暂扣证件");
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/admin/officers/%lld/status\"><input type=\"hidden\" name=\"action\" value=\"%s\">",
		 id, act);
	form_csrf(r);
	form_textarea(&fm, "reason", "原因", errs.n ? af_value(m, "reason", "") : "", 2, suspended ? 0 : FORM_REQUIRED,
		      "maxlength=\"500\"", suspended ? "可不填" : NULL);
	h_printf(r->out, "<button type=\"submit\"%s>%s</button></form></section>", suspended ? "" : " class=\"secondary\"",
		 suspended ? "恢复为有效" : "暂扣");
	errs_release(&errs);
	/* revoke: final, so a reason and a ticked confirmation */
	form_errs_of(m, "revoke", &errs);
	form_init_bare(&fm, r, &errs);
	form_suffix(&fm, "-revoke");
	h_raw(r->out, "<section class=\"card danger\" aria-labelledby=\"h-revoke\"><h2 id=\"h-revoke\">注销证件</h2>"
		       "<p class=\"alert warn\">注销后证件永久失效，不能恢复；二维码核验页面将显示「已注销」。</p>");
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/admin/officers/%lld/status\"><input type=\"hidden\" name=\"action\" value=\"revoke\">",
		 id);
	form_csrf(r);
	form_textarea(&fm, "reason", "注销原因", errs.n ? af_value(m, "reason", "") : "", 2, FORM_REQUIRED,
		      "maxlength=\"500\"", NULL);
	form_checkbox(&fm, "confirm", "我确认注销此证件，注销后不能恢复", false, NULL);
	h_raw(r->out, "<button type=\"submit\" class=\"danger\">注销证件</button></form></section>");
	errs_release(&errs);
}

/* The holder's photo and, for managers, the upload and remove forms. */
static void photo_section(struct req *r, const json_t *m, const json_t *c)
{
	bool has = is_true(c, "has_photo"), manage = is_true(m, "can_manage") && !str_eq(js(c, "stored_status"), "revoked");
	const json_t *err = json_object_get(m, "error");
	bool mine = str_eq(js(m, "form"), "photo") && json_is_object(err);
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-photo\" id=\"photo-section\"><h2 id=\"h-photo\">持证人照片</h2>");
	if (has)
		h_printf(r->out, "<p><img class=\"cert-photo-img\" src=\"/verify/c/%s/photo\" alt=\"%s的照片\" width=\"120\" height=\"168\"></p>",
			 js(c, "public_token"), js(c, "holder"));
	else
		h_raw(r->out, "<p class=\"muted\">尚未上传照片。照片印在证件卡上，并在扫码核验页面显示，便于群众核对执法人员身份。</p>");
	if (manage) {
		h_printf(r->out, "<form method=\"post\" action=\"/admin/officers/%lld/photo\" enctype=\"multipart/form-data\">", ji(c, "id"));
		form_csrf(r);
		h_printf(r->out, "<div class=\"field\"><label for=\"photo\">%s <span class=\"hint\">JPEG 或 PNG 图片，不超过 %d MB；"
			 "按文件内容识别格式；宜用近期免冠正面证件照</span></label><input type=\"file\" id=\"photo\" name=\"photo\" "
			 "accept=\"image/jpeg,image/png\" required", has ? "更换照片" : "上传照片", CERT_PHOTO_MAX / (1024 * 1024));
		if (mine && str_eq(js(err, "field"), "photo"))
			h_raw(r->out, " aria-invalid=\"true\" aria-describedby=\"photo-error\"");
		h_raw(r->out, ">");
		if (mine)
			h_printf(r->out, "<p class=\"field-error\" id=\"photo-error\">%s</p>", js(err, "message"));
		h_printf(r->out, "</div><button type=\"submit\">%s</button></form>", has ? "更换照片" : "上传照片");
		if (has) {
			h_printf(r->out, "<form method=\"post\" action=\"/admin/officers/%lld/photo\" class=\"inline-form\">"
				 "<input type=\"hidden\" name=\"action\" value=\"remove\">", ji(c, "id"));
			form_csrf(r);
			h_raw(r->out, "<button type=\"submit\" class=\"secondary\">删除照片</button></form>");
		}
	}
	h_raw(r->out, "</section>");
}

static void render_officer(struct req *r, json_t *m)
{
	const json_t *c = json_object_get(m, "cert");
	long long id = ji(c, "id");
	page_begin(r, req_printf(r, "执法证 %s", js(c, "cert_no")));
	h_printf(r->out, "<p><a href=\"/admin/officers\">← 返回证件列表</a></p><h1>执法证 %s</h1>", js(c, "cert_no"));
	const char *form = js(m, "form");
	if (!str_eq(form, "suspend") && !str_eq(form, "restore") && !str_eq(form, "revoke"))
		af_alerts(r, m); /* a status form shows its problems above itself */
	h_printf(r->out, "<dl class=\"props card\"><dt>持证人</dt><dd>%s</dd><dt>所属单位</dt><dd>%s</dd><dt>执法证号</dt><dd>%s</dd>"
		 "<dt>证件类型</dt><dd>%s</dd><dt>执法范围</dt><dd>%s</dd><dt>涵盖事项</dt><dd>%s</dd><dt>发证机关</dt><dd>%s</dd>"
		 "<dt>有效期</dt><dd>%s 至 %s</dd><dt>状态</dt><dd>",
		 js(c, "holder"), js(c, "unit_name"), js(c, "cert_no"), js(c, "cert_type"), js(c, "enf_scope"),
		 js(c, "scope_text"), js(c, "issuer"), js(c, "valid_from"), js(c, "valid_to"));
	badge(r, c);
	h_printf(r->out, "</dd><dt>公开核验</dt><dd><a href=\"%s\">%s</a></dd></dl>", js(c, "verify_path"), js(c, "verify_path"));
	h_printf(r->out, "<p><a class=\"button secondary\" href=\"/admin/officers/%lld/print\">打印证件卡</a></p>", id);
	photo_section(r, m, c);
	json_t *hist = json_object_get(m, "history");
	if (json_array_size(hist) > 1) {
		h_raw(r->out, "<h2>持证人的全部证件</h2><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">执法证号</th>"
			       "<th scope=\"col\">有效期</th><th scope=\"col\">状态</th></tr></thead><tbody>");
		size_t i;
		json_t *h;
		json_array_foreach(hist, i, h) {
			h_printf(r->out, "<tr><td><a href=\"/admin/officers/%lld\">%s</a></td><td>%s 至 %s</td><td>", ji(h, "id"),
				 js(h, "cert_no"), js(h, "valid_from"), js(h, "valid_to"));
			badge(r, h);
			h_raw(r->out, "</td></tr>");
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	if (is_true(m, "can_manage")) {
		const char *failed = js(m, "form");
		json_t *none = json_object();
		if (!str_eq(js(c, "stored_status"), "revoked")) {
			h_printf(r->out, "<section class=\"card\" aria-labelledby=\"edit-cert\"><h2 id=\"edit-cert\">更正证件信息</h2>"
				 "<form method=\"post\" action=\"/admin/officers/%lld\">", id);
			form_csrf(r);
			cert_fields(r, str_eq(failed, "edit") ? m : none, c);
			h_raw(r->out, "<button type=\"submit\">保存修改</button></form></section>");
		}
		status_forms(r, m, c);
		json_decref(none);
	}
	page_end(r);
}

/* The model of certificate id, or NULL after answering (404/403). */
static json_t *officer_model(struct req *r, long long id)
{
	json_t *c = NULL, *hist = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, NULL, "执法证件不存在。");
		return NULL;
	}
	if (cert_get(r->db, &r->actor, id, &c, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	if (cert_list(r->db, &r->actor, ji(c, "user_id"), &hist, &e) < 0 || !hist)
		hist = json_array();
	return json_pack("{s:o,s:o,s:b}", "cert", c, "history", hist, "can_manage", cert_can_manage(r->db, &r->actor));
}

int page_admin_officer(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = officer_model(r, id);
	if (!m)
		return 0;
	if (r->method != M_POST)
		return page_model(r, m, render_officer);
	struct cert_input in;
	struct err e = ERR_INIT;
	json_object_set_new(m, "form", json_string("edit"));
	struct errs all = ERRS_INIT;
	cert_from_form(r, &in, false, &all);
	in.user_id = ji(json_object_get(m, "cert"), "user_id"); /* the holder never changes */
	if (cert_can_manage(r->db, &r->actor) && cert_check(r->db, &in, id, &all) < 0) {
		int rc = af_fail_all(r, m, &all, render_officer);
		errs_release(&all);
		return rc;
	}
	errs_release(&all);
	if (cert_update(r->db, &r->actor, id, &in, &e) < 0)
		return af_fail(r, m, &e, render_officer);
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/officers/%lld?ok=saved", id), NULL);
}

int page_admin_officer_status(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = officer_model(r, id);
	if (!m)
		return 0;
	struct err e = ERR_INIT;
	const char *action = req_param(r, "action"), *status = req_param(r, "status");
	const char *reason = req_param(r, "reason");
	if (str_empty(action))
		action = str_eq(status, "valid") ? "restore" : str_eq(status, "suspended") ? "suspend" :
			 str_eq(status, "revoked") ? "revoke" : "";
	const char *to = str_eq(action, "restore") ? "valid" : str_eq(action, "suspend") ? "suspended" :
			 str_eq(action, "revoke") ? "revoked" : NULL;
	json_object_set_new(m, "form", json_string(action ? action : ""));
	struct errs all = ERRS_INIT;
	if (!to)
		errs_add(&all, ERR_INVALID, "action", "操作无效，应为暂扣、恢复或注销");
	if (to && !str_eq(action, "restore") && str_empty(reason))
		errs_add(&all, ERR_INVALID, "reason", "请填写%s的原因", str_eq(action, "revoke") ? "注销" : "暂扣");
	if (str_eq(action, "revoke") && !str_eq(req_param(r, "confirm"), "1"))
		errs_add(&all, ERR_INVALID, "confirm", "注销不能恢复，请勾选确认后再提交");
	if (!all.n && cert_set_status(r->db, &r->actor, id, to, reason ? reason : "", &e) < 0)
		errs_push(&all, &e);
	if (all.n) {
		int rc = af_fail_all(r, m, &all, render_officer);
		errs_release(&all);
		return rc;
	}
	json_decref(m);
	return af_done(r, req_printf(r, "/admin/officers/%lld?ok=status", id), json_pack("{s:s}", "status", to));
}

static void render_print(struct req *r, json_t *m)
{
	const json_t *c = json_object_get(m, "cert");
	page_begin(r, req_printf(r, "打印执法证 %s", js(c, "cert_no")));
	h_printf(r->out, "<div class=\"noprint\"><p><a href=\"/admin/officers/%lld\">← 返回证件</a></p>"
		 "<p class=\"muted\">请使用浏览器的打印功能（Ctrl+P）打印本页，纸张选择 A6 或按实际尺寸打印。</p>", ji(c, "id"));
	if (!str_eq(js(c, "status"), "valid"))
		h_printf(r->out, "<p class=\"alert warn\" role=\"alert\">该证件当前状态为「%s」，不应打印发放。</p>", js(c, "status_label"));
	bool local = json_is_true(json_object_get(m, "qr_local"));
	if (local)
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"qr-local\">二维码不能在本机以外使用：本站对外地址（配置项 public_url）"
			 "为“%s”，只在本机有效，公众用手机扫码将打不开核验页面。请系统管理员先把 public_url 设为公众可访问的地址，"
			 "再打印发放。现在打印的证件卡上会注明“二维码仅限本机，不能用于核验”。</p>", js(m, "public_url"));
	h_raw(r->out, "</div>");
	h_printf(r->out, "<article class=\"cert-card\" aria-label=\"执法证件卡\"><header><strong>%s</strong>"
		 "<span>%s</span></header><div class=\"cert-body\">",
		 js(c, "cert_type"), js(c, "issuer"));
	if (is_true(c, "has_photo"))
		h_printf(r->out, "<img class=\"cert-photo\" src=\"/verify/c/%s/photo\" alt=\"持证人照片\" width=\"95\" height=\"132\">",
			 js(c, "public_token"));
	else
		h_raw(r->out, "<div class=\"cert-photo\" aria-label=\"照片位置（尚未上传照片）\">照片</div>");
	h_printf(r->out, "<dl class=\"cert-data\"><dt>姓名</dt><dd>%s</dd><dt>单位</dt><dd>%s</dd><dt>证号</dt><dd>%s</dd>"
		 "<dt>执法范围</dt><dd>%s</dd><dt>有效期</dt><dd><span class=\"nowrap\">%s</span> 至 <span class=\"nowrap\">%s</span></dd></dl></div>",
		 js(c, "holder"), js(c, "unit_name"), js(c, "cert_no"),
		 js(c, "enf_scope"), js(c, "valid_from"), js(c, "valid_to"));
	h_printf(r->out, "<div class=\"cert-qr\"><img src=\"%s/qr.svg\" alt=\"证件核验二维码\" width=\"120\" height=\"120\">"
		 "<p>扫码核验证件真伪：<br><span class=\"cert-url\">%s</span></p>",
		 js(c, "verify_path"), js(m, "verify_url"));
	if (local)
		h_raw(r->out, "<p class=\"cert-qr-local\">二维码仅限本机，不能用于核验</p>");
	h_raw(r->out, "</div></article>");
	page_end(r);
}

int page_admin_officer_print(struct req *r)
{
	json_t *m = officer_model(r, req_param_id(r, 0));
	if (!m)
		return 0;
	/* the same public address the QR code carries (pages/verify.c) */
	json_object_set_new(m, "verify_url", json_sprintf("%s%s", r->app->cfg.public_url,
							  js(json_object_get(m, "cert"), "verify_path")));
	json_object_set_new(m, "public_url", json_string(r->app->cfg.public_url));
	json_object_set_new(m, "qr_local", json_boolean(config_public_url_local(r->app->cfg.public_url)));
	return page_model(r, m, render_print);
}

/* ---- the holder's photo (streamed form) ---- */

struct photo_up {
	struct MHD_PostProcessor *pp;
	struct buf data;
	bool have_file, csrf_ok;
	char csrf[80];
	size_t csrf_len;
	char action[16];
	const char *want_csrf;
	struct err e;
};


/* The first bytes of a JPEG (FF D8 FF) or a PNG (its 8-byte signature):
 * 1 yes, 0 no, -1 not enough bytes yet. */
static int photo_magic(const unsigned char *d, size_t n)
{
	static const unsigned char jpeg[3] = { 0xFF, 0xD8, 0xFF };
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if ((n >= 3 && memcmp(d, jpeg, 3) == 0) || (n >= 8 && memcmp(d, png, 8) == 0))
		return 1;
	if ((n < 3 && memcmp(d, jpeg, n) == 0) || (n < 8 && memcmp(d, png, n) == 0))
		return -1;
	return 0;
}

_Static_assert(CERT_PHOTO_MAX == 2 * 1024 * 1024, "the messages say 2 MB");

static void photo_fail(struct photo_up *f, int kind, const char *msg)
{
	if (!f->e.kind)
		err_set(&f->e, kind, "photo", "%s", msg);
	buf_release(&f->data);
	buf_init(&f->data, 0);
}

static enum MHD_Result photo_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				  const char *content_type, const char *transfer_encoding, const char *data,
				  uint64_t off, size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	struct photo_up *f = cls;
	if (!key || f->e.kind)
		return MHD_YES;
	if (strcmp(key, "_csrf") == 0) {
		if (f->csrf_len + size < sizeof f->csrf) {
			memcpy(f->csrf + f->csrf_len, data, size);
			f->csrf_len += size;
			f->csrf[f->csrf_len] = '\0';
		}
		return MHD_YES;
	}
	if (strcmp(key, "action") == 0) {
		size_t have = strlen(f->action);
		if (have + size < sizeof f->action)
			memcpy(f->action + have, data, size), f->action[have + size] = '\0';
		return MHD_YES;
	}
	if (strcmp(key, "photo") != 0)
		return MHD_YES;
	if (!f->have_file) {
		f->have_file = true;
		if (!f->csrf_ok && token_eq(f->csrf, f->want_csrf))
			f->csrf_ok = true;
		if (!f->csrf_ok) {
			err_set(&f->e, ERR_FORBIDDEN, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
			return MHD_YES;
		}
	}
	if (f->data.len + size > CERT_PHOTO_MAX) {
		photo_fail(f, 413, "照片文件过大：不能超过 2 MB，请压缩后重新上传。");
		return MHD_YES;
	}
	buf_add(&f->data, data, size);
	if (photo_magic((const unsigned char *)f->data.data, f->data.len) == 0)
		photo_fail(f, ERR_INVALID, "照片须为 JPEG 或 PNG 图片：所选文件的开头不是图片格式（按文件内容识别，不看文件名）。");
	return MHD_YES;
}

static void photo_free(struct req *r)
{
	struct photo_up *f = r->stream_ctx;
	if (!f)
		return;
	if (f->pp)
		MHD_destroy_post_processor(f->pp);
	buf_release(&f->data);
	free(f);
	r->stream_ctx = NULL;
}

int stream_officer_photo(struct req *r, const char *data, size_t n)
{
	struct photo_up *f = r->stream_ctx;
	if (n == (size_t)-1) {
		photo_free(r);
		return 0;
	}
	if (!data) {
		f = xcalloc(1, sizeof *f);
		r->stream_ctx = f;
		buf_init(&f->data, 0);
		f->want_csrf = r->csrf;
		const char *h = req_header(r, "X-CSRF-Token");
		if (h && token_eq(h, r->csrf))
			f->csrf_ok = true;
		if (!r->content_type || (!str_starts(r->content_type, "multipart/form-data") &&
					 !str_starts(r->content_type, "application/x-www-form-urlencoded"))) {
			err_set(&f->e, 415, "photo", "请以 multipart/form-data 表单上传照片。");
			return 0;
		}
		f->pp = MHD_create_post_processor(r->conn, 64 * 1024, photo_iter, f);
		if (!f->pp)
			err_set(&f->e, ERR_INVALID, "photo", "无法解析上传的表单。");
		return 0;
	}
	if (!f || !f->pp || f->e.kind)
		return 0; /* discard the rest; the handler answers */
	if (MHD_post_process(f->pp, data, n) != MHD_YES)
		photo_fail(f, ERR_INVALID, "上传的表单格式不正确。");
	return 0;
}

int page_admin_officer_photo(struct req *r)
{
	struct photo_up *f = r->stream_ctx;
	long long id = req_param_id(r, 0);
	struct err e = ERR_INIT;
	if (!f) {
		photo_free(r);
		resp_error(r, 500, NULL, "上传状态丢失，请重新提交。");
		return 0;
	}
	if (f->pp && !f->e.kind) {
		MHD_destroy_post_processor(f->pp); /* flushes the last part */
		f->pp = NULL;
	}
	if (!f->e.kind && !f->csrf_ok && token_eq(f->csrf, r->csrf))
		f->csrf_ok = true;
	if (!f->e.kind && !f->csrf_ok)
		err_set(&f->e, ERR_FORBIDDEN, "_csrf", "安全令牌（CSRF）缺失或无效，请刷新页面后重新提交。");
	bool remove = str_eq(f->action, "remove");
	if (!f->e.kind && !remove && !f->have_file)
		err_set(&f->e, ERR_INVALID, "photo", "请选择照片文件。");
	e = f->e;
	if (!e.kind) {
		struct blobs *b = blobs_open_data(r->app->cfg.data_dir, &e);
		if (b) {
			cert_set_photo(r->db, b, &r->actor, id, remove ? NULL : (const unsigned char *)f->data.data,
				       remove ? 0 : f->data.len, &e);
			blobs_close(b);
		}
	}
	photo_free(r);
	if (!e.kind)
		return af_done(r, req_printf(r, "/admin/officers/%lld?ok=photo#photo-section", id),
			       json_pack("{s:b}", "has_photo", !remove));
	if (r->want_json || e.kind == ERR_FORBIDDEN || e.kind == ERR_NOTFOUND) {
		resp_err(r, &e);
		return 0;
	}
	json_t *m = officer_model(r, id);
	if (!m)
		return 0;
	json_object_set_new(m, "form", json_string("photo"));
	return af_fail(r, m, &e, render_officer);
}

/* GET /admin/officers.xlsx: the certificates the list shows (status
 * filter and order). */
int page_admin_officers_xlsx(struct req *r)
{
	json_t *m = officers_model(r);
	if (!m)
		return 0;
	json_t *rows = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(m, "certs"), i, c)
		json_array_append_new(rows, json_pack("[s,s,s,s,s,s,s,s,s,s]", js(c, "holder"), js(c, "unit_name"), js(c, "cert_no"),
						      js(c, "cert_type"), js(c, "enf_scope"), js(c, "scope_text"), js(c, "issuer"),
						      js(c, "valid_from"), js(c, "valid_to"), js(c, "status_label")));
	static const struct xlsx_col cols[] = {
		{ "持证人", 10, XLSX_TEXT }, { "单位", 22, XLSX_TEXT }, { "执法证号", 16, XLSX_TEXT },
		{ "证件类型", 12, XLSX_TEXT }, { "执法范围", 36, XLSX_TEXT }, { "涵盖事项", 36, XLSX_TEXT },
		{ "发证机关", 18, XLSX_TEXT },
		{ "有效期自", 12, XLSX_TEXT }, { "有效期至", 12, XLSX_TEXT }, { "状态", 10, XLSX_TEXT },
	};
	char today[11];
	time_today_shanghai(today);
	xlsx_send(r, "执法证件", req_printf(r, "执法人员与证件（%s 导出，共 %zu 本）", today, json_array_size(rows)), cols,
		  ARRAY_SIZE(cols), rows, req_printf(r, "执法证件_%s.xlsx", today), req_printf(r, "certificates-%s.xlsx", today));
	json_decref(rows);
	json_decref(m);
	return 0;
}
