/*
 * records_docs.c - the pages of 执法文书 (records/records.h): the section
 * 执法文书与案卷 of the case page, drafting a document (POST
 * /cases/{id}/documents), the document (/documents/{id}: the draft form
 * rendered from the catalogue's fields, or a finalised document read
 * only), signing (/documents/{id}/sign: on the screen, a scan of the
 * paper signed, or the officers' note of a refusal), finalising with the
 * officer's password (/documents/{id}/finalise), a correction
 * (/documents/{id}/correct) and the PDF (/documents/{id}/pdf).
 *
 * Invariants: every decision (who may write, the view rule, the checks of
 * every field, the signature and recording rules) is the domain's: these
 * pages pass its ERR_* through, so a document outside the reader's view is
 * its 404.  A failed POST shows the page again with the status of the
 * error, the summary 存在以下问题 and each message beside its field, and
 * what was typed kept; a stale row_version is the domain's 409 with the
 * document as it now is.  Inputs of a field KEY are named fields_KEY
 * (list rows fields_KEY_I_COL), so the domain's "fields.KEY" and
 * "fields.KEY[I].COL" map onto them.  JavaScript is only for the
 * signature pad (/static/records.js); every form works without it.
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "app/app.h"
#include "pages/pages.h"
#include "pages/cases_pages.h"
#include "records/records.h"
#include "review/decision.h"
#include "review/flow.h"
#include "recording/vault.h"
#include <limits.h>
#include <sodium.h>

#define LIST_MAX_ROWS 200
static const char *const list_cols[] = { "name", "spec", "quantity", "unit", "note" };
static const char *const list_heads[] = { "名称", "规格", "数量", "单位", "备注" };

static const char *txt(const json_t *o, const char *key, const char *none)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : none;
}

/* "fields.items[2].name" -> "fields_items_2_name" (the input's name). */
static void map_field(const char *field, char *out, size_t n)
{
	size_t o = 0;
	for (const char *p = field; *p && o + 1 < n; p++) {
		if (*p == '[' || *p == '.') {
			if (o && out[o - 1] != '_')
				out[o++] = '_';
		} else if (*p != ']') {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* A value of the fields as text for a form or the read-only view. */
static const char *val_text(struct req *r, const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return req_printf(r, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v)) {
		char b[64];
		snprintf(b, sizeof b, "%.2f", json_real_value(v));
		return req_strdup(r, b);
	}
	return "";
}

static bool val_true(const json_t *v)
{
	return json_is_true(v) || (json_is_string(v) && (str_eq(json_string_value(v), "1") || str_eq(json_string_value(v), "true")));
}

/* The domain's error answered as it is when it is not about the form. */
static bool answer_plain(struct req *r, const struct err *e)
{
	if (r->want_json || e->kind == ERR_NOTFOUND || e->kind == ERR_FORBIDDEN || e->kind == ERR_UNAUTH ||
	    e->kind >= 500) {
		resp_err(r, e);
		return true;
	}
	return false;
}

static void status_badge(struct req *r, const json_t *d)
{
	const char *st = js(d, "status");
	/* 已更正 once the correction naming it is final (the domain's label) */
	const char *label = txt(d, "status_label", records_status_label(st, false));
	bool corrected = str_eq(label, records_status_label("final", true));
	const char *cls = corrected ? "withdrawn" : str_eq(st, "final") ? "valid" : "draft";
	h_printf(r->out, "<span class=\"badge %s\" data-status=\"%s\">%s</span>", cls, corrected ? "corrected" : st, label);
}

/* ---- the section of the case page ---- */

static void type_select(struct req *r, struct form *fm, const json_t *types, const char *selected)
{
	h_raw(r->out, "<div class=\"field\">");
	form_label(fm, "type_code", "文书种类", FORM_REQUIRED, "本环节常用的文书列在前面");
	h_printf(r->out, "<select id=\"%s\" name=\"type_code\"", form_id(fm, "type_code"));
	form_err_attrs(fm, "type_code");
	h_raw(r->out, "><option value=\"\">请选择</option>");
	for (int pass = 0; pass < 2; pass++) {
		bool any = false;
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(types, "items"), i, t) {
			bool sug = json_is_true(json_object_get(t, "suggested"));
			if (sug != (pass == 0))
				continue;
			if (!any)
				h_printf(r->out, "<optgroup label=\"%s\">", pass == 0 ? "本环节常用" : "其他文书");
			any = true;
			h_printf(r->out, "<option value=\"%s\"%s>%s</option>", js(t, "code"),
				 str_eq(selected, js(t, "code")) ? " selected" : "", js(t, "name"));
		}
		if (any)
			h_raw(r->out, "</optgroup>");
	}
	h_raw(r->out, "</select>");
	form_err_note(fm, "type_code");
	h_raw(r->out, "</div>");
}

/* The 新建文书 form (the case page, or on its own after a refusal). */
static void create_form(struct req *r, long long case_id, const struct errs *errs, const char *selected)
{
	json_t *types = NULL;
	struct err e = ERR_INIT;
	if (doc_types_list(r->db, &r->actor, case_id, &types, &e) < 0 || !json_array_size(json_object_get(types, "items"))) {
		json_decref(types);
		h_raw(r->out, "<p class=\"muted\">本案件的执法程序没有可制作的文书种类。</p>");
		return;
	}
	struct form fm;
	form_init(&fm, r, errs, NULL);
	form_suffix(&fm, "-new");
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/cases/%lld/documents\" class=\"doc-new\" novalidate>", case_id);
	form_csrf(r);
	type_select(r, &fm, types, selected);
	h_raw(r->out, "<button type=\"submit\">新建文书</button></form>");
	json_decref(types);
}

void records_docs_section(struct req *r, const json_t *c)
{
	long long case_id = ji(c, "id");
	json_t *list = NULL;
	struct err e = ERR_INIT;
	h_printf(r->out, "<section class=\"card\" aria-labelledby=\"h-docs\" id=\"documents\"><h2 id=\"h-docs\">执法文书与案卷</h2>"
			  "<p><a href=\"/cases/%lld/file\">卷内目录（可打印）</a></p>"
			  "<form method=\"post\" action=\"/cases/%lld/package.zip\" class=\"inline\">",
		 case_id, case_id);
	/* a POST with the CSRF token: the export is an act of record (its
	 * own ledger leaf and log row), which no link from elsewhere may do */
	form_csrf(r);
	h_raw(r->out, "<button type=\"submit\" class=\"secondary\">下载案卷证据包（压缩文件，可离线核验）</button></form>");
	if (records_list(r->db, &r->actor, case_id, &list, &e) < 0) {
		h_printf(r->out, "<p class=\"alert error\">%s</p></section>", e.kind >= 500 ? "文书列表暂时无法读取，请稍后重试。" : e.msg);
		return;
	}
	const json_t *items = json_object_get(list, "items");
	if (!json_array_size(items)) {
		h_raw(r->out, "<p class=\"muted\" id=\"no-documents\">本案件尚无执法文书。</p>");
	} else {
		h_raw(r->out, "<div class=\"table-wrap\"><table class=\"cards docs\"><thead><tr><th scope=\"col\">文书名称</th>"
			       "<th scope=\"col\">文号</th><th scope=\"col\">状态</th><th scope=\"col\">日期</th>"
			       "<th scope=\"col\">页数</th><th scope=\"col\">PDF</th></tr></thead><tbody>");
		size_t i;
		json_t *d;
		json_array_foreach(items, i, d) {
			bool final = str_eq(js(d, "status"), "final");
			h_printf(r->out, "<tr data-doc=\"%lld\"><th scope=\"row\" data-label=\"文书名称\"><a href=\"/documents/%lld\">%s</a>",
				 ji(d, "id"), ji(d, "id"), js(d, "name"));
			if (json_is_integer(json_object_get(d, "corrects_id")))
				h_printf(r->out, " <small class=\"muted\">（更正第 %lld 号文书）</small>", ji(d, "corrects_id"));
			h_printf(r->out, "</th><td data-label=\"文号\">%s</td><td data-label=\"状态\">", txt(d, "number", "—"));
			status_badge(r, d);
			if (!final && json_array_size(json_object_get(d, "needs"))) {
				h_raw(r->out, "<br><small class=\"muted\">尚缺：");
				size_t k;
				json_t *n;
				json_array_foreach(json_object_get(d, "needs"), k, n)
					h_printf(r->out, "%s%s", k ? "；" : "", json_is_string(n) ? json_string_value(n) : "");
				h_raw(r->out, "</small>");
			}
			h_printf(r->out, "</td><td data-label=\"日期\" class=\"nw\">%s</td><td data-label=\"页数\">",
				 final ? js(d, "finalised_at_local") : js(d, "created_at_local"));
			if (final)
				h_printf(r->out, "%lld", ji(d, "pdf_pages"));
			else
				h_raw(r->out, "—");
			h_printf(r->out, "</td><td data-label=\"PDF\" class=\"nw\"><a href=\"/documents/%lld/pdf\" target=\"_blank\" rel=\"noopener\">%s</a></td></tr>",
				 ji(d, "id"), final ? "PDF" : "预览（草稿）");
		}
		h_raw(r->out, "</tbody></table></div>");
	}
	json_decref(list);
	if (str_eq(js(c, "status"), "open") && (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD))) {
		h_raw(r->out, "<h3>新建文书</h3>");
		create_form(r, case_id, NULL, "");
	}
	h_raw(r->out, "</section>");
}

/* GET /cases/{id}/documents: the 新建文书 form on its own page; POST drafts
 * a document of type_code and goes to its form. */
int page_case_documents(struct req *r)
{
	long long case_id = req_param_id(r, 0);
	struct errs all = ERRS_INIT;
	struct err e = ERR_INIT;
	if (r->method == M_POST) {
		struct record_create_input in = { .type_code = req_param(r, "type_code") };
		long long id = 0;
		if (str_empty(in.type_code))
			errs_add(&all, ERR_INVALID, "type_code", "请选择文书种类");
		else if (records_create(r->db, &r->actor, case_id, &in, &id, &e) == 0)
			return af_done(r, req_printf(r, "/documents/%lld?ok=created", id), json_pack("{s:I}", "id", (json_int_t)id));
		else if (answer_plain(r, &e))
			return 0;
		else
			errs_push(&all, &e);
		if (r->want_json) {
			struct err first;
			errs_first(&all, &first);
			resp_err(r, &first);
			errs_release(&all);
			return 0;
		}
	}
	json_t *types = NULL;
	if (doc_types_list(r->db, &r->actor, case_id, &types, &e) < 0) {
		errs_release(&all);
		resp_err(r, &e);
		return 0;
	}
	if (r->want_json) {
		resp_json(r, 200, types);
		return 0;
	}
	json_decref(types);
	page_begin(r, "新建文书");
	h_printf(r->out, "<p><a href=\"/cases/%lld#documents\">← 返回案件</a></p><h1>新建文书</h1>", case_id);
	create_form(r, case_id, &all, req_param(r, "type_code"));
	page_end(r);
	r->status = all.n ? (all.kind ? all.kind : 400) : 200;
	errs_release(&all);
	return 0;
}

/* ---- one document ---- */

static void doc_head(struct req *r, const json_t *d, const char *sub)
{
	const json_t *c = json_object_get(d, "case");
	page_begin(r, req_printf(r, "%s%s%s", js(d, "name"), sub ? " · " : "", sub ? sub : ""));
	h_printf(r->out, "<nav class=\"crumbs\" aria-label=\"位置\"><ol><li><a href=\"/cases\">案件</a></li>"
			  "<li><a href=\"/cases/%lld#documents\">%s</a></li>",
		 ji(c, "id"), txt(c, "case_no", txt(c, "title", "案件")));
	if (sub)
		h_printf(r->out, "<li><a href=\"/documents/%lld\">%s</a></li><li aria-current=\"page\">%s</li></ol></nav>", ji(d, "id"),
			 js(d, "name"), sub);
	else
		h_printf(r->out, "<li aria-current=\"page\">%s</li></ol></nav>", js(d, "name"));
	h_printf(r->out, "<h1>%s%s%s ", js(d, "name"), sub ? " · " : "", sub ? sub : "");
	status_badge(r, d);
	h_raw(r->out, "</h1>");
}

static void hash_line(struct req *r, const char *label, const char *hash, const char *id)
{
	if (str_empty(hash))
		return;
	h_printf(r->out, "<dt>%s</dt><dd><code class=\"hash\" id=\"%s\">%s</code></dd>", label, id, hash);
}

static void signatures_list(struct req *r, const json_t *d)
{
	const json_t *sigs = json_object_get(d, "signatures");
	h_raw(r->out, "<section class=\"card\" id=\"signatures\" aria-labelledby=\"h-sigs\"><h2 id=\"h-sigs\">签名与拒签记录</h2>");
	if (!json_array_size(sigs)) {
		h_raw(r->out, "<p class=\"muted\">尚无签名。</p></section>");
		return;
	}
	h_raw(r->out, "<ul class=\"items sigs\">");
	size_t i;
	json_t *s;
	json_array_foreach(sigs, i, s) {
		bool cur = json_is_true(json_object_get(s, "current"));
		h_printf(r->out, "<li data-kind=\"%s\"><strong>%s</strong> %s（%s）", js(s, "kind"),
			 txt(s, "kind_label", records_signature_kind_label(js(s, "kind"))), js(s, "signer_name"),
			 txt(s, "signer_role_label", records_signer_role_label(js(s, "signer_role"))));
		h_printf(r->out, " <span class=\"badge %s\">%s</span>", cur ? "valid" : "pending",
			 cur ? "对应当前版本" : "对应此前的版本，已不计入");
		if (!str_empty(txt(s, "refusal_reason", "")))
			h_printf(r->out, "<br>拒签理由：%s", js(s, "refusal_reason"));
		if (!str_empty(txt(s, "witness_name", "")))
			h_printf(r->out, "<br>见证人：%s %s", js(s, "witness_name"), txt(s, "witness_id_number", ""));
		h_printf(r->out, "<br><span class=\"muted\">%s 由 %s 记录</span>", js(s, "at_local"), js(s, "by_name"));
		if (!str_empty(txt(s, "image_sha256", "")))
			h_printf(r->out, "<br><a href=\"/admin/vault/%s\">签名图像</a> <code class=\"hash\">%s</code>", js(s, "image_sha256"),
				 js(s, "image_sha256"));
		h_printf(r->out, "<br><small class=\"muted\">所签版本：<code class=\"hash\">%s</code></small></li>", js(s, "content_sha256"));
	}
	h_raw(r->out, "</ul></section>");
}

static void needs_list(struct req *r, const json_t *d, const char *title)
{
	const json_t *needs = json_object_get(d, "needs");
	if (!json_array_size(needs)) {
		h_raw(r->out, "<p class=\"alert ok\" id=\"needs-none\">定稿所需的签名、音像记录和必填内容均已具备。</p>");
		return;
	}
	h_printf(r->out, "<div class=\"alert warn\" id=\"needs\"><strong>%s</strong><ul class=\"needs\">", title);
	size_t i;
	json_t *n;
	json_array_foreach(needs, i, n)
		h_printf(r->out, "<li class=\"unmet\">%s</li>", json_is_string(n) ? json_string_value(n) : "");
	h_raw(r->out, "</ul></div>");
}

/* The value of field input name: what was posted (a failed save), else
 * the document's. */
static const char *in_value(struct req *r, bool posted, const char *name, const json_t *v)
{
	if (posted)
		return req_param(r, name) ? req_param(r, name) : "";
	return val_text(r, v);
}

/* The rows of a list field: posted (with a row added or removed) or the
 * document's. */
static json_t *list_rows(struct req *r, bool posted, const char *key, const json_t *v)
{
	if (!posted)
		return json_is_array(v) ? json_incref((json_t *)v) : json_array();
	json_t *rows = json_array();
	for (size_t i = 0; i < LIST_MAX_ROWS; i++) {
		json_t *row = json_object();
		bool seen = false;
		for (size_t k = 0; k < ARRAY_SIZE(list_cols); k++) {
			const char *s = req_param(r, req_printf(r, "fields_%s_%zu_%s", key, i, list_cols[k]));
			if (s)
				seen = true;
			json_object_set_new(row, list_cols[k], json_string(s ? s : ""));
		}
		if (!seen) {
			json_decref(row);
			break;
		}
		json_array_append_new(rows, row);
	}
	return rows;
}

static void list_field(struct req *r, struct form *fm, const json_t *f, bool posted, const json_t *v)
{
	const char *key = js(f, "key");
	char group[80];
	snprintf(group, sizeof group, "fields_%s", key);
	json_t *rows = list_rows(r, posted, key, v);
	size_t at;
	enum form_rows_act act = posted ? form_rows_action(r, group, &at) : FORM_ROWS_NONE;
	if (act == FORM_ROWS_ADD && json_array_size(rows) < LIST_MAX_ROWS)
		json_array_append_new(rows, json_object());
	else if (act == FORM_ROWS_DEL && at < json_array_size(rows))
		json_array_remove(rows, at);
	if (!json_array_size(rows))
		json_array_append_new(rows, json_object());
	bool req = json_is_true(json_object_get(f, "required"));
	form_rows_begin(fm, group, req ? req_printf(r, "%s（必填）", js(f, "label")) : js(f, "label"),
			"每行一项，填写名称、规格、数量、单位；空行不保存。", list_heads, ARRAY_SIZE(list_heads));
	size_t n = json_array_size(rows);
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(rows, i);
		form_row_begin(fm, i);
		for (size_t k = 0; k < ARRAY_SIZE(list_cols); k++)
			form_row_cell(fm, req_printf(r, "%s_%zu_%s", group, i, list_cols[k]),
				      req_printf(r, "第%zu行的%s", i + 1, list_heads[k]), val_text(r, json_object_get(row, list_cols[k])),
				      k == 4 ? 200 : 100);
		form_row_end(fm, group, i, n > 1);
	}
	form_rows_end(fm, group, n < LIST_MAX_ROWS);
	json_decref(rows);
}

/* One field of the draft form, by its catalogue type. */
static void draft_field(struct req *r, struct form *fm, const json_t *f, bool posted, const json_t *v)
{
	const char *key = js(f, "key"), *type = js(f, "type"), *label = js(f, "label");
	const char *name = req_printf(r, "fields_%s", key);
	unsigned flags = json_is_true(json_object_get(f, "required")) ? FORM_REQUIRED : 0;
	long long max = ji(f, "max");
	const char *value = in_value(r, posted, name, v);
	const char *hint = txt(f, "hint", NULL);
	if (str_eq(type, "textarea")) {
		form_textarea(fm, name, label, value, max > 2000 ? 10 : 4, flags,
			      max > 0 ? req_printf(r, "maxlength=\"%lld\"", max) : NULL, hint);
	} else if (str_eq(type, "date")) {
		form_input(fm, "date", name, label, value, flags, NULL, hint);
	} else if (str_eq(type, "datetime")) {
		/* datetime-local sends YYYY-MM-DDTHH:MM; a stored value with
		 * seconds or a zone is shown to the minute */
		char dt[17] = "";
		snprintf(dt, sizeof dt, "%s", value);
		form_input(fm, "datetime-local", name, label, strlen(value) >= 16 ? req_strdup(r, dt) : value, flags, NULL,
			   hint ? hint : "北京时间");
	} else if (str_eq(type, "money")) {
		form_input(fm, "text", name, label, value, flags, "inputmode=\"decimal\" maxlength=\"20\"",
			   hint ? hint : "单位：元，最多两位小数");
	} else if (str_eq(type, "integer")) {
		form_input(fm, "text", name, label, value, flags, "inputmode=\"numeric\" maxlength=\"12\"", hint);
	} else if (str_eq(type, "select")) {
		const json_t *opts = json_object_get(f, "options");
		size_t n = json_array_size(opts);
		struct form_opt *o = xcalloc(n ? n : 1, sizeof *o);
		for (size_t i = 0; i < n; i++) {
			const json_t *x = json_array_get(opts, i);
			if (json_is_string(x))
				o[i] = (struct form_opt){ json_string_value(x), json_string_value(x) };
			else
				o[i] = (struct form_opt){ js(x, "value"), txt(x, "label", js(x, "value")) };
		}
		form_select(fm, name, label, o, n, value, "请选择", flags, hint);
		free(o);
	} else if (str_eq(type, "multi")) {
		/* one box per option: fields_KEY__N = "1" */
		h_printf(r->out, "<fieldset class=\"field multi\" id=\"%s\"><legend>%s%s</legend>", form_id(fm, name), label,
			 flags & FORM_REQUIRED ? "（必填）" : "");
		if (!str_empty(hint))
			h_printf(r->out, "<p class=\"hint\">%s</p>", hint);
		size_t i;
		const json_t *o;
		json_array_foreach(json_object_get(f, "options"), i, o) {
			const char *box = req_printf(r, "%s__%zu", name, i);
			bool on = false;
			if (posted) {
				on = str_eq(req_param(r, box), "1");
			} else {
				size_t j;
				const json_t *x;
				json_array_foreach(v, j, x)
					on = on || str_eq(json_string_value(x), json_string_value(o));
			}
			form_checkbox(fm, box, json_string_value(o), on, NULL);
		}
		form_err_note(fm, name);
		h_raw(r->out, "</fieldset>");
	} else if (str_eq(type, "check")) {
		bool on = posted ? str_eq(req_param(r, name), "1") : val_true(v);
		form_checkbox(fm, name, label, on, hint);
	} else if (str_eq(type, "list")) {
		list_field(r, fm, f, posted, v);
	} else {
		form_input(fm, "text", name, label, value, flags, max > 0 ? req_printf(r, "maxlength=\"%lld\"", max) : NULL,
			   hint);
	}
}

/* The fields as the form sent them, by the definition (every key). */
static json_t *posted_fields(struct req *r, const json_t *def)
{
	json_t *out = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const char *key = js(f, "key"), *type = js(f, "type");
		const char *name = req_printf(r, "fields_%s", key);
		const char *s = req_param(r, name);
		if (str_eq(type, "check")) {
			json_object_set_new(out, key, json_boolean(str_eq(s, "1")));
		} else if (str_eq(type, "multi")) {
			json_t *picked = json_array();
			size_t k;
			json_t *o;
			json_array_foreach(json_object_get(f, "options"), k, o)
				if (str_eq(req_param(r, req_printf(r, "%s__%zu", name, k)), "1"))
					json_array_append(picked, o);
			json_object_set_new(out, key, picked);
		} else if (str_eq(type, "list")) {
			json_t *rows = list_rows(r, true, key, NULL), *kept = json_array();
			size_t k;
			json_t *row;
			json_array_foreach(rows, k, row) {
				bool blank = true;
				for (size_t c = 0; c < ARRAY_SIZE(list_cols); c++)
					if (!str_empty(js(row, list_cols[c])))
						blank = false;
				if (!blank)
					json_array_append(kept, row);
			}
			json_decref(rows);
			json_object_set_new(out, key, kept);
		} else if (str_eq(type, "integer")) {
			long long v;
			if (!str_empty(s) && str_to_ll(s, LLONG_MIN / 2, LLONG_MAX / 2, &v) == 0)
				json_object_set_new(out, key, json_integer(v));
			else
				json_object_set_new(out, key, json_string(s ? s : ""));
		} else {
			json_object_set_new(out, key, json_string(s ? s : ""));
		}
	}
	return out;
}

static void read_only_fields(struct req *r, const json_t *d)
{
	const json_t *def = json_object_get(d, "definition"), *fields = json_object_get(d, "fields");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-content\"><h2 id=\"h-content\">文书内容</h2><dl class=\"props doc-fields\">");
	if (!str_empty(txt(d, "number", "")))
		h_printf(r->out, "<dt>文号</dt><dd id=\"doc-number\">%s</dd>", js(d, "number"));
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const json_t *v = json_object_get(fields, js(f, "key"));
		const char *type = js(f, "type");
		h_printf(r->out, "<dt>%s</dt><dd class=\"pre\">", js(f, "label"));
		if (str_eq(type, "check")) {
			h_printf(r->out, "%s", val_true(v) ? "是" : "否");
		} else if (str_eq(type, "multi")) {
			if (!json_array_size(v))
				h_raw(r->out, "—");
			size_t k;
			json_t *x;
			json_array_foreach(v, k, x)
				h_printf(r->out, "%s%s", k ? "、" : "", val_text(r, x));
		} else if (str_eq(type, "list")) {
			if (!json_array_size(v))
				h_raw(r->out, "—");
			else {
				h_raw(r->out, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">序号</th>");
				for (size_t k = 0; k < ARRAY_SIZE(list_heads); k++)
					h_printf(r->out, "<th scope=\"col\">%s</th>", list_heads[k]);
				h_raw(r->out, "</tr></thead><tbody>");
				size_t k;
				json_t *row;
				json_array_foreach(v, k, row) {
					h_printf(r->out, "<tr><td>%zu</td>", k + 1);
					for (size_t c = 0; c < ARRAY_SIZE(list_cols); c++)
						h_printf(r->out, "<td>%s</td>", val_text(r, json_object_get(row, list_cols[c])));
					h_raw(r->out, "</tr>");
				}
				h_raw(r->out, "</tbody></table></div>");
			}
		} else {
			const char *s = val_text(r, v);
			if (str_eq(type, "datetime") && strlen(s) >= 16 && s[10] == 'T') {
				char *t = req_strdup(r, s);
				t[10] = ' ';
				s = t;
			}
			h_printf(r->out, "%s", str_empty(s) ? "—" : s);
		}
		h_raw(r->out, "</dd>");
	}
	h_raw(r->out, "</dl></section>");
}

/* The document page: the draft form or the finalised document.  all: the
 * problems of a failed POST (NULL on GET); posted: show what was typed. */
/* A decision draft: whether it is major by the catalogue, with the
 * reasons, and what the 法制审核 gate says (review/decision.h). */
static void decision_note(struct req *r, const json_t *d)
{
	if (!json_is_object(json_object_get(json_object_get(d, "definition"), "review")) ||
	    str_eq(js(d, "status"), "final"))
		return;
	json_t *cls = NULL;
	struct err e = ERR_INIT;
	if (review_document_classification(r->db, ji(d, "id"), &cls, &e) < 0 || !cls) {
		h_raw(r->out, "<p class=\"alert warn\" id=\"decision-class\">尚未认定是否属于重大执法决定：请先登记当事人，"
			      "填写处罚种类、金额和适用情形后保存。</p>");
		return;
	}
	long long case_id = ji(json_object_get(d, "case"), "id");
	bool major = json_is_true(json_object_get(cls, "major")) || review_case_major(r->db, case_id) == 1;
	char msg[256] = "";
	bool open = major && review_gate_open(r->db, case_id, msg, sizeof msg);
	h_printf(r->out, "<div class=\"alert %s\" id=\"decision-class\" data-major=\"%s\"><p><strong>%s</strong>",
		 major && !open ? "warn" : "ok", major ? "1" : "0",
		 major ? "属于重大执法决定，须经法制审核同意后才能定稿" : "不属于重大执法决定");
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(cls, "reasons"), i, x)
		h_printf(r->out, "%s%s", i ? "；" : "：", json_string_value(x));
	h_printf(r->out, "（第 %lld 版重大执法决定目录）</p>", ji(cls, "catalogue_version"));
	if (major)
		h_printf(r->out, "<p>%s <a href=\"/cases/%lld/review\">办理法制审核</a></p>",
			 open ? "法制审核已同意。" : msg, case_id);
	h_raw(r->out, "</div>");
	json_decref(cls);
}

static void render_doc(struct req *r, const json_t *d, const struct errs *all, bool posted)
{
	long long id = ji(d, "id");
	bool final = str_eq(js(d, "status"), "final");
	doc_head(r, d, NULL);
	const char *ok = req_param(r, "ok");
	if (str_eq(ok, "created"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">文书草稿已建立，内容已按案件信息预先填写，请核对补充后保存。</p>");
	else if (str_eq(ok, "saved"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">已保存。</p>");
	else if (str_eq(ok, "signed"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">签名已记录。</p>");
	else if (str_eq(ok, "final"))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\">文书已定稿，内容已固定并登记存证。</p>");
	if (json_is_integer(json_object_get(d, "corrected_by_id")))
		h_printf(r->out, "<p class=\"alert warn\" id=\"corrected-by\">%s<a href=\"/documents/%lld\">更正文书</a>%s。</p>",
			 str_eq(js(d, "status_label"), records_status_label("final", true)) ? "本文书已被更正，见" : "已制作",
			 ji(d, "corrected_by_id"),
			 str_eq(js(d, "status_label"), records_status_label("final", true)) ? "" : "（草稿，定稿后本文书标注“已更正”）");
	if (json_is_integer(json_object_get(d, "corrects_id")))
		h_printf(r->out, "<p class=\"alert warn\" id=\"corrects\">本文书更正<a href=\"/documents/%lld\">原文书</a>，更正理由：%s</p>",
			 ji(d, "corrects_id"), js(d, "correction_reason"));
	h_raw(r->out, "<dl class=\"props card doc-head\">");
	h_printf(r->out, "<dt>案件</dt><dd><a href=\"/cases/%lld\">%s</a></dd>", ji(json_object_get(d, "case"), "id"),
		 js(json_object_get(d, "case"), "title"));
	h_printf(r->out, "<dt>制作</dt><dd>%s %s</dd>", js(d, "created_by_name"), js(d, "created_at_local"));
	if (final) {
		h_printf(r->out, "<dt>定稿</dt><dd>%s %s</dd><dt>页数</dt><dd>%lld</dd>", js(d, "finalised_by_name"),
			 js(d, "finalised_at_local"), ji(d, "pdf_pages"));
		hash_line(r, "内容摘要（SHA-256）", js(d, "content_sha256"), "content-sha256");
		hash_line(r, "PDF 摘要（SHA-256）", js(d, "pdf_sha256"), "pdf-sha256");
		hash_line(r, "PDF 摘要（SM3）", js(d, "pdf_sm3"), "pdf-sm3");
		if (json_is_integer(json_object_get(d, "leaf_index")))
			h_printf(r->out, "<dt>存证序号</dt><dd>%lld</dd>", ji(d, "leaf_index"));
	} else {
		hash_line(r, "当前内容摘要（SHA-256）", js(d, "content_sha256"), "content-sha256");
	}
	h_raw(r->out, "</dl>");
	h_printf(r->out, "<p class=\"doc-links\"><a class=\"button secondary\" id=\"pdf-link\" href=\"/documents/%lld/pdf\" "
			  "target=\"_blank\" rel=\"noopener\">%s</a>",
		 id, final ? "查看 PDF" : "预览 PDF（草稿）");
	if (!final)
		h_printf(r->out, " <a class=\"button secondary\" href=\"/documents/%lld/sign\">签名或拒签</a>"
				  " <a class=\"button\" href=\"/documents/%lld/finalise\">定稿</a>",
			 id, id);
	h_raw(r->out, "</p>");

	if (final) {
		if (all && all->n && !str_eq(all->v[0].field, "correction_reason"))
			h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"doc-error\">%s</p>", all->v[0].msg);
		read_only_fields(r, d);
		signatures_list(r, d);
		if (!json_is_integer(json_object_get(d, "corrected_by_id")) && (r->actor.roles & (ROLE_OFFICER | ROLE_HEAD))) {
			struct form fm;
			form_init(&fm, r, all, NULL);
			h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-correct\" id=\"correct\"><h2 id=\"h-correct\">更正</h2>"
				       "<p class=\"muted\">定稿的文书不能修改。发现错误时制作更正文书：原文书保留并标注“已更正”。</p>");
			form_summary(&fm);
			h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld/correct\" novalidate>", id);
			form_csrf(r);
			form_textarea(&fm, "correction_reason", "更正理由", posted ? req_param(r, "correction_reason") : "", 3,
				      FORM_REQUIRED, "maxlength=\"1000\"", "写明原文书的错误和更正的内容");
			h_raw(r->out, "<button type=\"submit\">制作更正文书</button></form></section>");
		}
		page_end(r);
		return;
	}

	needs_list(r, d, "定稿前还需要：");
	decision_note(r, d);
	const json_t *def = json_object_get(d, "definition"), *fields = json_object_get(d, "fields");
	struct form fm;
	form_init(&fm, r, all, map_field);
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-draft\"><h2 id=\"h-draft\">文书内容</h2>");
	const struct err *first = all && all->n ? &all->v[0] : NULL;
	if (first && first->kind == ERR_CONFLICT && str_eq(first->field, "row_version"))
		h_printf(r->out, "<p class=\"alert warn\" id=\"conflict\">%s 页面已更新为文书的最新版本，您填写的内容已保留，请核对后重新保存。</p>",
			 first->msg);
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld\" class=\"doc-form\" novalidate>"
			  "<input type=\"hidden\" name=\"row_version\" value=\"%lld\">",
		 id, ji(d, "row_version"));
	form_csrf(r);
	h_raw(r->out, "<button type=\"submit\" class=\"default-submit\" tabindex=\"-1\" aria-hidden=\"true\">保存</button>");
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
		draft_field(r, &fm, f, posted, json_object_get(fields, js(f, "key")));
	h_raw(r->out, "<p class=\"hint\">保存后文书内容摘要会变化，此前的签名对应旧版本，须重新签名。</p>"
		       "<button type=\"submit\">保存草稿</button></form></section>");
	const json_t *phrases = json_object_get(def, "phrases");
	if (json_array_size(phrases)) {
		h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-phrases\"><h2 id=\"h-phrases\">文书固定用语</h2>");
		json_array_foreach(phrases, i, f)
			h_printf(r->out, "<p>%s</p>", json_is_string(f) ? json_string_value(f) : "");
		h_raw(r->out, "</section>");
	}
	signatures_list(r, d);
	page_end(r);
}

static json_t *get_doc(struct req *r, long long id)
{
	json_t *d = NULL;
	struct err e = ERR_INIT;
	if (id <= 0) {
		resp_error(r, 404, NULL, "文书不存在或无权查看");
		return NULL;
	}
	if (records_get(r->db, &r->actor, id, &d, &e) < 0) {
		resp_err(r, &e);
		return NULL;
	}
	return d;
}

/* Answer a failed POST of a document page: its page again, with all. */
static int fail_page(struct req *r, long long id, struct errs *all,
		     void (*render)(struct req *, const json_t *, const struct errs *, bool))
{
	struct err first;
	errs_first(all, &first);
	if (answer_plain(r, &first)) {
		errs_release(all);
		return 0;
	}
	json_t *d = get_doc(r, id); /* as it now is: a conflict shows the other's change */
	if (d) {
		render(r, d, all, true);
		r->status = first.kind >= 400 && first.kind < 600 ? first.kind : 500;
		json_decref(d);
	}
	errs_release(all);
	return 0;
}

static int parse_row_version(struct req *r, struct errs *all)
{
	long long v = 0;
	const char *s = req_param(r, "row_version");
	if (str_empty(s) || str_to_ll(s, 1, INT_MAX, &v) < 0)
		errs_add(all, ERR_INVALID, "row_version", "文书版本号无效，请刷新页面后重试");
	return (int)v;
}

/* GET /documents/{id}; POST saves the draft (row_version, fields_*). */
int page_document(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (r->method != M_POST) {
		json_t *d = get_doc(r, id);
		if (!d)
			return 0;
		if (r->want_json) {
			resp_json(r, 200, d);
			return 0;
		}
		render_doc(r, d, NULL, false);
		json_decref(d);
		return 0;
	}
	json_t *d = get_doc(r, id);
	if (!d)
		return 0;
	if (form_rows_requested(r)) {
		/* a row added or removed: the form again, nothing saved */
		render_doc(r, d, NULL, true);
		json_decref(d);
		return 0;
	}
	struct errs all = ERRS_INIT;
	int rv = parse_row_version(r, &all);
	json_t *fields = posted_fields(r, json_object_get(d, "definition"));
	json_decref(d);
	struct err e = ERR_INIT;
	if (!all.n && records_update(r->db, &r->actor, id, rv, fields, NULL, &e) == 0) {
		json_decref(fields);
		return af_done(r, req_printf(r, "/documents/%lld?ok=saved", id), NULL);
	}
	json_decref(fields);
	if (!all.n)
		errs_push(&all, &e);
	return fail_page(r, id, &all, render_doc);
}

/* POST /documents/{id}/correct: a correction of a final document. */
int page_document_correct(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *d = get_doc(r, id);
	if (!d)
		return 0;
	struct record_create_input in = { .type_code = js(d, "type_code"), .corrects_id = id,
					  .correction_reason = req_param(r, "correction_reason") };
	long long case_id = ji(d, "case_id");
	if (!case_id)
		case_id = ji(json_object_get(d, "case"), "id");
	struct errs all = ERRS_INIT;
	struct err e = ERR_INIT;
	long long nid = 0;
	if (str_empty(in.correction_reason))
		errs_add(&all, ERR_INVALID, "correction_reason", "请填写更正理由");
	else if (records_create(r->db, &r->actor, case_id, &in, &nid, &e) == 0) {
		json_decref(d);
		return af_done(r, req_printf(r, "/documents/%lld?ok=created", nid), json_pack("{s:I}", "id", (json_int_t)nid));
	} else
		errs_push(&all, &e);
	json_decref(d);
	return fail_page(r, id, &all, render_doc);
}

/* ---- signing ---- */

static void sign_intro(struct req *r, const json_t *d)
{
	h_printf(r->out, "<div class=\"card sign-hash\"><p>签名确认的是文书的当前版本，其内容摘要（SHA-256）为：</p>"
			  "<p><code class=\"hash\" id=\"sign-sha256\">%s</code></p>"
			  "<p class=\"muted\">签名前请让签名人阅读文书内容（可<a href=\"/documents/%lld/pdf\" target=\"_blank\" rel=\"noopener\">"
			  "打开 PDF</a>）。签名后再修改文书，此签名即不再计入。</p></div>",
		 js(d, "content_sha256"), ji(d, "id"));
}

static const char *kind_posted(struct req *r, bool posted, const char *kind, const char *name, const char *dflt)
{
	return posted && str_eq(req_param(r, "kind"), kind) && req_param(r, name) ? req_param(r, name) : dflt;
}

static const struct form_opt signer_roles[] = {
	{ "party", "当事人" }, { "witness", "见证人" }, { "officer", "执法人员" }
};

/* The party's name as the draft was prefilled from the case ("" if
 * none): the field prefilled with party_name, else the first line of the
 * one prefilled with party, without its identity number. */
static const char *party_name(struct req *r, const json_t *d)
{
	const json_t *fields = json_object_get(d, "fields");
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(json_object_get(d, "definition"), "fields"), i, f) {
			if (!str_eq(js(f, "prefill"), pass == 0 ? "party_name" : "party"))
				continue;
			const char *v = js(fields, js(f, "key"));
			size_t n = strcspn(v, "\n");
			const char *paren = strstr(v, "（");
			if (paren && (size_t)(paren - v) < n)
				n = (size_t)(paren - v);
			if (n && utf8_len(v, n) <= 64)
				return req_printf(r, "%.*s", (int)n, v);
		}
	}
	return "";
}

static void render_sign(struct req *r, const json_t *d, const struct errs *all, bool posted)
{
	long long id = ji(d, "id");
	doc_head(r, d, "签名");
	if (str_eq(js(d, "status"), "final")) {
		h_printf(r->out, "<p class=\"alert warn\">文书已定稿，不能再签名。<a href=\"/documents/%lld\">返回文书</a></p>", id);
		page_end(r);
		return;
	}
	const char *failed = posted ? req_param(r, "kind") : "";
	const struct err *first = all && all->n ? &all->v[0] : NULL;
	if (first && str_eq(first->field, "content_sha256"))
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"stale-hash\">%s</p>", first->msg);
	sign_intro(r, d);
	h_raw(r->out, "<nav class=\"sign-ways\" aria-label=\"签名方式\"><a href=\"#screen\">在屏幕上签名</a> · "
		       "<a href=\"#scan\">纸质签名的照片或扫描件</a> · <a href=\"#refused\">当事人拒绝签名</a></nav>");

	/* on the screen */
	struct form fm;
	form_init(&fm, r, str_eq(failed, "screen") ? all : NULL, NULL);
	form_suffix(&fm, "-screen");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-screen\" id=\"screen\"><h2 id=\"h-screen\">在屏幕上签名</h2>");
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld/sign\" data-sigpad novalidate>"
			  "<input type=\"hidden\" name=\"kind\" value=\"screen\"><input type=\"hidden\" name=\"content_sha256\" value=\"%s\">",
		 id, js(d, "content_sha256"));
	form_csrf(r);
	form_select(&fm, "signer_role", "签名人身份", signer_roles, ARRAY_SIZE(signer_roles),
		    kind_posted(r, posted, "screen", "signer_role", "party"), NULL, FORM_REQUIRED, NULL);
	form_input(&fm, "text", "signer_name", "签名人姓名", kind_posted(r, posted, "screen", "signer_name", party_name(r, d)),
		   FORM_REQUIRED, "maxlength=\"64\" autocomplete=\"off\"", NULL);
	h_printf(r->out, "<div class=\"sigpad\" data-sigpad-box hidden><p class=\"sigpad-label\" id=\"sig-label\">请签名人在下框内手写签名</p>"
			  "<div class=\"sigpad-area\"><canvas id=\"sig-canvas\" tabindex=\"0\" aria-labelledby=\"sig-label\"></canvas></div>"
			  "<p class=\"sigpad-tools\"><button type=\"button\" class=\"secondary\" data-sig=\"undo\">撤销一笔</button> "
			  "<button type=\"button\" class=\"secondary\" data-sig=\"clear\">清除重签</button></p>"
			  "<p class=\"field-error\" data-sigpad-msg hidden role=\"alert\"></p></div>"
			  "<p class=\"alert warn\" data-sigpad-nojs>在屏幕上签名需要浏览器启用脚本；也可以上传纸质签名的照片或扫描件。</p>"
			  "<input type=\"hidden\" name=\"image\" value=\"\">");
	form_err_note(&fm, "image");
	h_raw(r->out, "<button type=\"submit\">确认签名</button></form></section>");

	/* a photo or scan of the paper signed */
	form_init(&fm, r, str_eq(failed, "scan") ? all : NULL, NULL);
	form_suffix(&fm, "-scan");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-scan\" id=\"scan\"><h2 id=\"h-scan\">纸质签名的照片或扫描件</h2>");
	form_summary(&fm);
	if (!posted && !str_empty(req_param(r, "scan_file")))
		h_raw(r->out, "<p class=\"alert ok\" role=\"status\" id=\"scan-stored\">文件已存入证据文件库，已在下面选好，请填写签名人后确认。</p>");
	/* the vault's upload (http: multipart; with JavaScript resumable, by
	 * /static/upload.js, coming back here with the file chosen) */
	h_raw(r->out, "<form method=\"post\" action=\"/admin/vault/upload\" enctype=\"multipart/form-data\" id=\"vault-form\">");
	form_csrf(r);
	h_printf(r->out, "<input type=\"hidden\" id=\"description\" name=\"description\" value=\"%s 纸质签名\">"
			  "<div class=\"field\"><label for=\"file\">拍摄或选择签了字的纸质文书</label>"
			  "<input type=\"file\" id=\"file\" name=\"file\" accept=\"image/*,application/pdf\" capture=\"environment\" required"
			  " aria-describedby=\"file-hint\"><p class=\"hint\" id=\"file-hint\">照片或扫描件存入证据文件库（保存后不能修改或删除）；"
			  "上传完成后回到本页，下面已选好该文件。未启用脚本时，上传后请回到本页选择。</p></div>"
			  "<button type=\"submit\" class=\"secondary\">上传</button></form>"
			  "<div id=\"tus-upload\" hidden data-csrf=\"%s\" data-endpoint=\"/api/v1/uploads\" data-done=\"/documents/%lld/sign#scan\""
			  " data-done-param=\"scan_file\"><label for=\"tus-progress\">上传进度</label>"
			  "<progress id=\"tus-progress\" max=\"100\" value=\"0\">0%%</progress>"
			  "<p id=\"tus-status\" role=\"status\" aria-live=\"polite\" class=\"muted\"></p></div>",
		 js(d, "name"), r->csrf, id);
	json_t *files = NULL;
	struct err e = ERR_INIT;
	size_t nopts = 0;
	struct form_opt *opts = NULL;
	if (vault_list(r->db, &r->actor, 1, 50, &files, &e) == 0) {
		const json_t *items = json_object_get(files, "items");
		opts = xcalloc(json_array_size(items) + 1, sizeof *opts);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			const char *mt = js(it, "media_type");
			if (!str_starts(mt, "image/") && !str_eq(mt, "application/pdf"))
				continue;
			opts[nopts++] = (struct form_opt){ js(it, "sha256"),
							   req_printf(r, "%s（%s，%s）", txt(it, "filename", txt(it, "description", js(it, "kind"))),
								      js(it, "size_text"), js(it, "stored_at_local")) };
		}
	}
	h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld/sign\" novalidate>"
			  "<input type=\"hidden\" name=\"kind\" value=\"scan\"><input type=\"hidden\" name=\"content_sha256\" value=\"%s\">",
		 id, js(d, "content_sha256"));
	form_csrf(r);
	form_select(&fm, "signer_role", "签名人身份", signer_roles, ARRAY_SIZE(signer_roles),
		    kind_posted(r, posted, "scan", "signer_role", "party"), NULL, FORM_REQUIRED, NULL);
	form_input(&fm, "text", "signer_name", "签名人姓名", kind_posted(r, posted, "scan", "signer_name", party_name(r, d)),
		   FORM_REQUIRED, "maxlength=\"64\" autocomplete=\"off\"", NULL);
	form_select(&fm, "image_sha256", "照片或扫描件", opts, nopts,
		    kind_posted(r, posted, "scan", "image_sha256", req_param(r, "scan_file") ? req_param(r, "scan_file") : ""),
		    nopts ? "请选择" : "证据文件库中尚无图片或 PDF 文件", FORM_REQUIRED, "最近保存的图片和 PDF 文件");
	free(opts);
	json_decref(files);
	h_raw(r->out, "<button type=\"submit\">确认</button></form></section>");

	/* a refusal */
	form_init(&fm, r, str_eq(failed, "refused") ? all : NULL, NULL);
	form_suffix(&fm, "-refused");
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-refused\" id=\"refused\"><h2 id=\"h-refused\">当事人拒绝签名</h2>"
		       "<p class=\"muted\">当事人拒绝签名的，由执法人员注明拒签的情况和理由；有见证人在场的，记录见证人。</p>");
	form_summary(&fm);
	h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld/sign\" novalidate>"
			  "<input type=\"hidden\" name=\"kind\" value=\"refused\"><input type=\"hidden\" name=\"content_sha256\" value=\"%s\">"
			  "<input type=\"hidden\" name=\"signer_role\" value=\"party\">",
		 id, js(d, "content_sha256"));
	form_csrf(r);
	form_input(&fm, "text", "signer_name", "当事人姓名或名称", kind_posted(r, posted, "refused", "signer_name", party_name(r, d)),
		   FORM_REQUIRED, "maxlength=\"64\" autocomplete=\"off\"", NULL);
	form_textarea(&fm, "refusal_reason", "拒签情况和理由", kind_posted(r, posted, "refused", "refusal_reason", ""), 3,
		      FORM_REQUIRED, "maxlength=\"500\"", "例如：当事人对笔录内容无异议，但拒绝签字，称需请示公司负责人");
	form_input(&fm, "text", "witness_name", "见证人姓名", kind_posted(r, posted, "refused", "witness_name", ""), 0,
		   "maxlength=\"64\" autocomplete=\"off\"", "有见证人在场时填写");
	form_input(&fm, "text", "witness_id_number", "见证人身份证件号码", kind_posted(r, posted, "refused", "witness_id_number", ""), 0,
		   "maxlength=\"30\" autocomplete=\"off\"", "可不填；显示时隐去部分号码");
	h_raw(r->out, "<button type=\"submit\">记录拒签</button></form></section>");
	h_raw(r->out, "<script src=\"/static/vendor/signature_pad.umd.min.js\" defer></script>"
		       "<script src=\"/static/records.js\" defer></script>"
		       "<script src=\"/static/vendor/tus.min.js\" defer></script><script src=\"/static/upload.js\" defer></script>");
	page_end(r);
}

/* "data:image/png;base64,...." -> the PNG bytes (owned by r); NULL when
 * not such a URL. */
static unsigned char *data_url_png(struct req *r, const char *s, size_t *len)
{
	static const char pre[] = "data:image/png;base64,";
	if (!str_starts(s, pre))
		return NULL;
	const char *b64 = s + sizeof pre - 1;
	size_t n = strlen(b64);
	if (!n || n > (size_t)RECORD_SIGNATURE_MAX * 4 / 3 + 8)
		return NULL;
	unsigned char *out = req_own(r, xmalloc(n));
	if (sodium_base642bin(out, n, b64, n, NULL, len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return NULL;
	return out;
}

/* GET /documents/{id}/sign; POST kind=screen|scan|refused. */
int page_document_sign(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (r->method != M_POST) {
		json_t *d = get_doc(r, id);
		if (!d)
			return 0;
		render_sign(r, d, NULL, false);
		json_decref(d);
		return 0;
	}
	struct record_signature_input in = {
		.kind = req_param(r, "kind"), .content_sha256 = req_param(r, "content_sha256"),
		.signer_role = req_param(r, "signer_role"), .signer_name = req_param(r, "signer_name"),
		.image_sha256 = req_param(r, "image_sha256"), .refusal_reason = req_param(r, "refusal_reason"),
		.witness_name = req_param(r, "witness_name"), .witness_id_number = req_param(r, "witness_id_number"),
	};
	struct errs all = ERRS_INIT;
	struct err e = ERR_INIT;
	if (str_eq(in.kind, "screen")) {
		const char *img = req_param(r, "image");
		if (str_empty(img))
			errs_add(&all, ERR_INVALID, "image", "请在签名框内签名");
		else if (strlen(img) > (size_t)RECORD_SIGNATURE_MAX * 4 / 3 + 64)
			errs_add(&all, ERR_INVALID, "image", "签名图像过大（不超过 %d KiB），请清除后重新签名", RECORD_SIGNATURE_MAX / 1024);
		else if (!(in.png = data_url_png(r, img, &in.png_len)))
			errs_add(&all, ERR_INVALID, "image", "签名图像无效，请清除后重新签名");
	} else if (str_eq(in.kind, "scan")) {
		if (str_empty(in.image_sha256))
			errs_add(&all, ERR_INVALID, "image_sha256", "请选择纸质签名的照片或扫描件");
	} else if (str_eq(in.kind, "refused")) {
		if (str_empty(in.refusal_reason))
			errs_add(&all, ERR_INVALID, "refusal_reason", "请填写拒签情况和理由");
	} else {
		errs_add(&all, ERR_INVALID, "kind", "签名方式无效，请刷新页面后重试");
	}
	if (!all.n) {
		struct vault *v = app_vault(r->app, &e);
		if (v && records_sign(r->db, v, &r->actor, id, &in, NULL, &e) == 0)
			return af_done(r, req_printf(r, "/documents/%lld?ok=signed#signatures", id), NULL);
		errs_push(&all, &e);
	}
	return fail_page(r, id, &all, render_sign);
}

/* ---- finalising ---- */

static void render_finalise(struct req *r, const json_t *d, const struct errs *all, bool posted)
{
	(void)posted;
	long long id = ji(d, "id");
	doc_head(r, d, "定稿");
	if (str_eq(js(d, "status"), "final")) {
		h_printf(r->out, "<p class=\"alert ok\">文书已定稿。<a href=\"/documents/%lld\">查看文书</a></p>", id);
		page_end(r);
		return;
	}
	h_raw(r->out, "<p>定稿后文书内容固定，不能再修改：系统编号、生成 PDF 并登记存证。请核对内容后输入您的登录密码确认。</p>");
	needs_list(r, d, "定稿前还需要：");
	decision_note(r, d);
	const char *rec = js(json_object_get(d, "definition"), "recording");
	if (str_eq(rec, "full") || str_eq(rec, "as_needed"))
		h_printf(r->out, "<p class=\"muted\" id=\"recording-rule\">%s音像记录和未录像的理由在案件页的<a href=\"/cases/%lld#media\">音像记录</a>中添加。</p>",
			 str_eq(rec, "full") ? "本文书记录的执法行为须全程音像记录。" : "本文书记录的执法行为须根据实际情况进行音像记录。",
			 ji(d, "case_id"));
	struct form fm;
	form_init(&fm, r, all, map_field);
	const struct err *first = all && all->n ? &all->v[0] : NULL;
	bool field_err = false;
	for (size_t i = 0; all && i < all->n; i++)
		if (str_starts(all->v[i].field, "fields."))
			field_err = true;
	if (first && !str_eq(first->field, "password"))
		h_printf(r->out, "<p class=\"alert error\" role=\"alert\" id=\"finalise-error\">%s</p>", first->msg);
	if (field_err)
		h_printf(r->out, "<p><a href=\"/documents/%lld\">返回文书补充内容</a></p>", id);
	h_raw(r->out, "<section class=\"card\" aria-labelledby=\"h-final\"><h2 id=\"h-final\">确认定稿</h2>");
	h_printf(r->out, "<dl class=\"props\"><dt>当前内容摘要（SHA-256）</dt><dd><code class=\"hash\">%s</code></dd></dl>",
		 js(d, "content_sha256"));
	h_printf(r->out, "<form method=\"post\" action=\"/documents/%lld/finalise\" novalidate>"
			  "<input type=\"hidden\" name=\"row_version\" value=\"%lld\">",
		 id, ji(d, "row_version"));
	form_csrf(r);
	form_input(&fm, "password", "password", "登录密码", "", FORM_REQUIRED, "autocomplete=\"current-password\"",
		   "执法人员本人确认：密码输错会计入登录失败次数");
	h_raw(r->out, "<button type=\"submit\" id=\"finalise-btn\">确认定稿</button></form></section>");
	page_end(r);
}

/* GET /documents/{id}/finalise; POST row_version + password. */
int page_document_finalise(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (r->method != M_POST) {
		json_t *d = get_doc(r, id);
		if (!d)
			return 0;
		render_finalise(r, d, NULL, false);
		json_decref(d);
		return 0;
	}
	struct errs all = ERRS_INIT;
	int rv = parse_row_version(r, &all);
	const char *pw = req_param(r, "password");
	if (str_empty(pw))
		errs_add(&all, ERR_INVALID, "password", "请输入您的登录密码");
	struct err e = ERR_INIT;
	if (!all.n) {
		struct vault *v = app_vault(r->app, &e);
		if (v && records_finalise(r->db, v, &r->actor, id, rv, pw, NULL, &e) == 0)
			return af_done(r, req_printf(r, "/documents/%lld?ok=final", id), NULL);
		errs_push(&all, &e);
	}
	return fail_page(r, id, &all, render_finalise);
}

/* ---- the PDF ---- */

/* GET /documents/{id}/pdf: a draft rendered now (watermark 草稿), a final
 * one as stored. */
int page_document_pdf(struct req *r)
{
	long long id = req_param_id(r, 0);
	struct err e = ERR_INIT;
	struct vault *v = app_vault(r->app, &e);
	struct buf out;
	buf_init(&out, 0);
	char *name = NULL;
	if (id <= 0) {
		resp_error(r, 404, NULL, "文书不存在或无权查看");
		buf_release(&out);
		return 0;
	}
	if (!v || records_pdf(r->db, v, &r->actor, id, &out, &name, &e) < 0) {
		buf_release(&out);
		free(name);
		resp_err(r, &e);
		return 0;
	}
	struct buf cd;
	buf_init(&cd, 0);
	buf_puts(&cd, "inline; filename=\"document.pdf\"; filename*=UTF-8''");
	url_enc(&cd, name ? name : "document.pdf");
	resp_header(r, "Content-Disposition", buf_str(&cd));
	buf_release(&cd);
	free(name);
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Cache-Control", "private, no-store");
	resp_header(r, "Content-Security-Policy", "default-src 'none'; object-src 'self'; style-src 'unsafe-inline';"
						  " img-src 'self' data:; frame-ancestors 'none'");
	resp_text(r, 200, "application/pdf", out.data, out.len);
	buf_release(&out);
	return 0;
}
