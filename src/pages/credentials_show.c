/*
 * credentials_show.c - 出示证件 (GET /cases/{id}/credentials): on the
 * officer's phone, held out to the party, the certificates of every
 * current officer of the case, large, each with the holder's photo, name,
 * certificate number, the 执法主体, the validity and the QR code of the
 * public credential check (/verify/c/{token}, the code printed on the
 * card), so the party can scan it on the spot (实施方案 二.(一): 执法人员
 * 应当主动出示执法证件; 《行政处罚法》第五十五条).
 *
 * Who: a current officer of the case (the case in their view, as
 * cases.h's rule; others: 404 outside view, 403 when not an officer of
 * it).  The certificate shown is each officer's newest valid one (else the
 * one the case's last act saw, with its status).  Every showing is a case
 * read (case_get logs it).
 */
#include "core/core.h"
#include "core/config.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "pages/records_pages.h"
#include "cases/cases.h"
#include "people/certs.h"
#include "app/app.h"

/* The certificate of an officer to show: the newest valid one, else the
 * one the case saw (new reference or NULL). */
static json_t *officer_cert(struct req *r, const json_t *o)
{
	struct actor sys;
	actor_system(&sys, "credentials");
	struct err e = ERR_INIT;
	json_t *list = NULL, *pick = NULL;
	if (cert_list(r->db, &sys, ji(o, "user_id"), &list, &e) == 0) {
		size_t i;
		json_t *c;
		json_array_foreach(list, i, c)
			if (str_eq(js(c, "status"), "valid")) {
				pick = json_incref(c);
				break;
			}
	}
	json_decref(list);
	if (!pick && ji(o, "cert_id") > 0 && cert_get(r->db, &sys, ji(o, "cert_id"), &pick, &e) < 0)
		pick = NULL;
	return pick;
}

static void render(struct req *r, json_t *m)
{
	const json_t *c = json_object_get(m, "case");
	page_begin(r, "出示执法证件");
	h_printf(r->out, "<div class=\"show-creds\"><p class=\"noprint\"><a href=\"/cases/%lld\">← 返回案件</a></p>"
			 "<h1>出示执法证件</h1><p class=\"show-creds-intro\">我们是<strong>%s</strong>的行政执法人员，正在依法办理"
			 "「%s」。这是我们的执法证件，请您核验；用手机扫描证件上的二维码，可在本部门网站上核验证件真伪。</p>",
		 ji(c, "id"), js(c, "body_name"), js(c, "title"));
	if (json_is_true(json_object_get(m, "qr_local")))
		h_raw(r->out, "<p class=\"alert error\" role=\"alert\" id=\"qr-local\">本站对外地址（配置项 public_url）只在本机有效，"
			       "当事人用手机扫码将打不开核验页面。请系统管理员设置公众可访问的地址。</p>");
	const json_t *certs = json_object_get(m, "certs");
	size_t i;
	json_t *x;
	json_array_foreach(certs, i, x) {
		const json_t *k = json_object_get(x, "cert");
		if (!json_is_object(k)) {
			h_printf(r->out, "<article class=\"show-cred\"><p class=\"alert error\" role=\"alert\">%s没有可出示的执法证件。</p></article>",
				 js(x, "name"));
			continue;
		}
		bool valid = str_eq(js(k, "status"), "valid");
		h_printf(r->out, "<article class=\"show-cred\" aria-label=\"%s的执法证件\"><header><strong>%s</strong><span>%s</span></header>",
			 js(k, "holder"), js(k, "cert_type"), js(k, "issuer"));
		h_raw(r->out, "<div class=\"show-cred-top\">");
		if (json_is_true(json_object_get(k, "has_photo")))
			h_printf(r->out, "<img class=\"show-cred-photo\" src=\"%s/photo\" alt=\"%s的照片\" width=\"120\" height=\"168\">",
				 js(k, "verify_path"), js(k, "holder"));
		else
			h_raw(r->out, "<div class=\"show-cred-photo\" aria-label=\"尚未上传照片\">照片</div>");
		h_printf(r->out, "<div><p class=\"show-cred-name\">%s</p><p class=\"show-cred-unit\">%s</p>"
				 "<p class=\"show-cred-no\"><small>执法证号</small><br>%s</p></div></div>",
			 js(k, "holder"), js(k, "unit_name"), js(k, "cert_no"));
		h_printf(r->out, "<dl class=\"show-cred-data\"><dt>执法主体</dt><dd>%s</dd><dt>执法范围</dt><dd>%s</dd>"
				 "<dt>有效期</dt><dd><span class=\"nowrap\">%s</span> 至 <span class=\"nowrap\">%s</span></dd>"
				 "<dt>状态</dt><dd><span class=\"badge %s\">%s</span></dd></dl>",
			 js(c, "body_name"), js(k, "enf_scope"), js(k, "valid_from"), js(k, "valid_to"),
			 valid ? "valid" : "overdue", js(k, "status_label"));
		if (!valid)
			h_printf(r->out, "<p class=\"alert error\" role=\"alert\">该证件当前状态为「%s」，持证人不得从事执法活动。</p>",
				 js(k, "status_label"));
		h_printf(r->out, "<div class=\"show-cred-qr\"><img src=\"%s/qr.svg\" alt=\"%s执法证件的核验二维码\" width=\"240\" height=\"240\">"
				 "<p>扫码核验证件真伪<br><span class=\"cert-url\">%s%s</span></p></div></article>",
			 js(k, "verify_path"), js(k, "holder"), js(m, "public_url"), js(k, "verify_path"));
	}
	h_raw(r->out, "</div>");
	page_end(r);
}

int page_case_credentials(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	if (case_get(r->db, &r->actor, id, &c, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	bool mine = false;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(c, "officers"), i, o)
		mine |= ji(o, "user_id") == r->actor.user_id;
	if (!mine) {
		json_decref(c);
		resp_error(r, 403, "", "只有本案的执法人员可以出示本案的执法证件");
		return 0;
	}
	json_t *certs = json_array();
	json_array_foreach(json_object_get(c, "officers"), i, o) {
		json_t *k = officer_cert(r, o);
		json_array_append_new(certs, json_pack("{sI ss so}", "user_id", (json_int_t)ji(o, "user_id"), "name",
						       js(o, "name"), "cert", k ? k : json_null()));
	}
	json_t *m = json_pack("{s:{s:I,s:s?,s:s,s:s,s:s},s:o,s:s,s:b}", "case", "id", (json_int_t)id, "case_no",
			      json_string_value(json_object_get(c, "case_no")), "title", js(c, "title"), "body_name",
			      js(c, "body_name"), "unit_name", js(c, "unit_name"), "certs", certs, "public_url",
			      r->app ? r->app->cfg.public_url : "", "qr_local",
			      r->app ? config_public_url_local(r->app->cfg.public_url) : false);
	json_decref(c);
	return page_model(r, m, render);
}
