/*
 * verify.c - the public credential check opened from the QR code on an
 * officer's certificate: is the certificate valid today, with name, unit,
 * number and scope.  The token in the URL is random (>= 128 bits), so
 * pages cannot be guessed or enumerated; unknown tokens get a 404 that
 * says the certificate could not be verified.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/qr.h"
#include "app/app.h"
#include "pages/pages.h"
#include "people/certs.h"
#include "store/blobs.h"

static bool token_shape_ok(const char *t)
{
	size_t n = strlen(t);
	if (n < 16 || n > 64)
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* The dialable part of a phone text ("0871-12345678（演示）" -> "0871-12345678"). */
static const char *tel(struct req *r, const char *s)
{
	char *out = req_strdup(r, s);
	size_t n = 0;
	for (const char *p = s; *p; p++)
		if ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-')
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

static void render_cert(struct req *r, json_t *m)
{
	bool valid = str_eq(js(m, "status"), "valid");
	char today[11];
	time_today_shanghai(today);
	page_begin(r, "执法证件核验");
	h_printf(r->out, "<section class=\"verify card\"><h1>行政执法证件核验</h1>"
		 "<div class=\"status %s\" role=\"status\">%s</div>"
		 "<p>核验日期：%s（北京时间）</p><dl class=\"props\">",
		 valid ? "valid" : "invalid",
		 valid ? "✔ 证件有效" : req_printf(r, "✘ 证件%s，不得从事行政执法活动", js(m, "status_label")),
		 today);
	if (json_is_true(json_object_get(m, "has_photo")))
		h_printf(r->out, "<img class=\"verify-photo\" src=\"/verify/c/%s/photo\" alt=\"持证人%s的照片\" width=\"120\" height=\"168\">",
			 r->params[0], js(m, "name"));
	h_printf(r->out, "<dt>姓名</dt><dd>%s</dd><dt>执法主体</dt><dd>%s</dd><dt>承办机构</dt><dd>%s</dd><dt>执法证号</dt><dd>%s</dd>"
		 "<dt>证件类型</dt><dd>%s</dd><dt>执法范围</dt><dd>%s</dd><dt>发证机关</dt><dd>%s</dd>"
		 "<dt>有效期</dt><dd>%s 至 %s</dd><dt>状态</dt><dd><span class=\"badge %s\">%s</span></dd></dl>",
		 js(m, "name"), str_empty(js(m, "body")) ? "—" : js(m, "body"), js(m, "unit"), js(m, "cert_no"), js(m, "cert_type"), js(m, "enf_scope"),
		 js(m, "issuer"), js(m, "valid_from"), js(m, "valid_to"), js(m, "status"), js(m, "status_label"));
	h_raw(r->out, "<p class=\"muted\">执法人员开展执法活动时应主动出示执法证件。</p>");
	if (!str_empty(js(m, "body_phone")) || !str_empty(js(m, "complaint_phone"))) {
		h_printf(r->out, "<p class=\"verify-contact\">如对执法人员身份有疑问，请向%s核实", js(m, "body"));
		if (!str_empty(js(m, "body_phone")))
			h_printf(r->out, "：联系电话 <a href=\"tel:%s\">%s</a>", tel(r, js(m, "body_phone")), js(m, "body_phone"));
		if (!str_empty(js(m, "complaint_phone")))
			h_printf(r->out, "；监督投诉电话 <a href=\"tel:%s\">%s</a>", tel(r, js(m, "complaint_phone")), js(m, "complaint_phone"));
		h_raw(r->out, "。</p>");
	} else {
		h_printf(r->out, "<p class=\"muted\">如对执法人员身份有疑问，请向%s核实。</p>",
			 str_empty(js(m, "body")) ? "发证机关" : js(m, "body"));
	}
	h_printf(r->out, ""
		 "<p><img src=\"/verify/c/%s/qr.svg\" alt=\"本证件核验二维码\" width=\"160\" height=\"160\"></p></section>",
		 r->params[0]);
	page_end(r);
}

int page_verify_cert(struct req *r)
{
	const char *tok = r->params[0];
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (!token_shape_ok(tok) || cert_public_lookup(r->db, tok, &m, &e) < 0) {
		if (e.kind && e.kind != ERR_NOTFOUND)
			resp_err(r, &e);
		else
			resp_error(r, 404, NULL, "未能核验：该二维码对应的执法证件不存在。请警惕假冒执法人员，可向厅政策法规处核实。");
		return 0;
	}
	resp_header(r, "Cache-Control", "no-store");
	return page_model(r, m, render_cert);
}

int page_verify_cert_qr(struct req *r)
{
	const char *tok = r->params[0];
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (!token_shape_ok(tok) || cert_public_lookup(r->db, tok, &m, &e) < 0) {
		resp_error(r, 404, NULL, "执法证件不存在。");
		return 0;
	}
	json_decref(m);
	struct buf url, svg;
	buf_init(&url, 0);
	buf_init(&svg, 0);
	/* The printed code carries the configured public address of this site. */
	buf_printf(&url, "%s/verify/c/%s", r->app->cfg.public_url, tok);
	if (qr_svg(buf_str(&url), &svg) < 0)
		resp_error(r, 500, NULL, "二维码生成失败。");
	else {
		resp_text(r, 200, "image/svg+xml", svg.data, svg.len);
		resp_header(r, "Cache-Control", "public, max-age=86400");
	}
	buf_release(&url);
	buf_release(&svg);
	return 0;
}

/* GET /verify/c/{token}/photo: the holder's photo, for the credential
 * page and the printed card.  Reachable only by the unguessable token. */
int page_verify_cert_photo(struct req *r)
{
	const char *tok = r->params[0];
	struct err e = ERR_INIT;
	if (!token_shape_ok(tok)) {
		resp_error(r, 404, NULL, "该证件没有照片。");
		return 0;
	}
	struct blobs *b = blobs_open_data(r->app->cfg.data_dir, &e);
	if (!b) {
		resp_error(r, 500, NULL, "照片存储不可用，请稍后重试。");
		return 0;
	}
	struct buf img;
	buf_init(&img, 0);
	const char *type = NULL;
	if (cert_public_photo(r->db, b, tok, &img, &type, &e) < 0) {
		resp_error(r, e.kind == ERR_NOTFOUND ? 404 : 500, NULL,
			   e.kind == ERR_NOTFOUND ? "该证件没有照片。" : "照片读取失败，请稍后重试。");
	} else {
		resp_text(r, 200, type, img.data, img.len);
		resp_header(r, "Cache-Control", "private, no-cache");
	}
	buf_release(&img);
	blobs_close(b);
	return 0;
}
