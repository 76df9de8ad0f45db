/*
 * records_file.c - the printable 卷内目录 of a case (GET /cases/{id}/file):
 * the finalised documents of the case file in case-file order
 * (records_case_file, records/records.h) with 序号, 文书名称, 文号, 日期,
 * 页数 and 起止页码 (the pages counted on from 1 across the file), then
 * the signature images and audio-visual records the file holds.
 *
 * Invariants: the order and the items are the domain's; a case outside
 * the reader's view is its 404 (and the read is in its operation log).
 * Print CSS (zhifa.css, body.file-index) leaves out the page chrome.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "pages/pages.h"
#include "records/records.h"

static void render_file(struct req *r, json_t *m)
{
	const json_t *c = json_object_get(m, "case"), *items = json_object_get(m, "items");
	const char *no = js(c, "case_no");
	page_begin(r, req_printf(r, "卷内目录 %s", no));
	h_printf(r->out, "<p class=\"noprint\"><a href=\"/cases/%lld#documents\">← 返回案件</a> "
			  "<button type=\"button\" class=\"secondary\" data-print>打印</button></p>",
		 ji(c, "id"));
	h_raw(r->out, "<div class=\"file-index\"><h1>卷内目录</h1>");
	h_printf(r->out, "<dl class=\"props file-head\"><dt>执法主体</dt><dd>%s</dd><dt>承办机构</dt><dd>%s</dd>"
			  "<dt>案号</dt><dd>%s</dd><dt>案由</dt><dd>%s</dd></dl>",
		 js(c, "body_name"), js(c, "unit_name"), str_empty(no) ? "（尚未编号）" : no, js(c, "title"));
	size_t i, n_docs = 0, n_sigs = 0, n_media = 0;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *k = js(it, "kind");
		if (str_eq(k, "document"))
			n_docs++;
		else if (str_eq(k, "signature"))
			n_sigs++;
		else
			n_media++;
	}
	if (!n_docs) {
		h_raw(r->out, "<p class=\"muted\" id=\"file-empty\">本案件尚无定稿的执法文书。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"file-toc\"><thead><tr><th scope=\"col\">序号</th><th scope=\"col\">文书名称</th>"
			       "<th scope=\"col\">文号</th><th scope=\"col\">日期</th><th scope=\"col\">页数</th>"
			       "<th scope=\"col\">起止页码</th></tr></thead><tbody>");
		long long page = 1;
		size_t seq = 0;
		json_array_foreach(items, i, it) {
			if (!str_eq(js(it, "kind"), "document"))
				continue;
			long long pages = ji(it, "pages");
			seq++;
			h_printf(r->out, "<tr><td>%zu</td><td><a href=\"/documents/%lld\">%s</a></td><td>%s</td><td class=\"nw\">%s</td>"
					  "<td>%lld</td><td class=\"nw\">",
				 seq, ji(it, "id"), js(it, "title"), str_empty(js(it, "number")) ? "—" : js(it, "number"),
				 js(it, "date"), pages);
			if (pages > 1)
				h_printf(r->out, "%lld–%lld", page, page + pages - 1);
			else
				h_printf(r->out, "%lld", page);
			h_raw(r->out, "</td></tr>");
			page += pages > 0 ? pages : 1;
		}
		h_printf(r->out, "</tbody></table></div><p class=\"muted\">共 %zu 份文书，%lld 页。</p>", seq, page - 1);
	}
	if (n_sigs || n_media)
		h_printf(r->out, "<p class=\"muted\">另附：签名图像 %zu 个，音像记录 %zu 个（见证据包）。</p>", n_sigs, n_media);
	h_raw(r->out, "</div><script src=\"/static/records.js\" defer></script>");
	page_end(r);
}

int page_case_file(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, NULL, "案件不存在或无权查看。");
		return 0;
	}
	if (records_case_file(r->db, &r->actor, id, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	return page_model(r, m, render_file);
}
