/*
 * admin_matters_form.c - the drafting form of the catalogue's back office
 * (GET/POST /admin/matters/new and /admin/matters/{id}/edit) and the
 * input helpers shared with the item page (admin_matters.h).
 *
 * Invariants: see admin_matters.c.  Inputs are named after the content's
 * JSON path ("procedure[1].name" -> procedure_1_name, id f-procedure_1_name,
 * its message e-procedure_1_name); rows left entirely blank are dropped in
 * order before validation, and a failed save shows exactly the rows that
 * were sent, so row numbers in the domain's messages match the form.  The
 * owning unit is always the actor's unit (the domain allows no other).
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"
#include "people/people.h"
#include "pages/admin_matters.h"
#include "publicity/publicity.h"
#include <jansson.h>

#define MAX_BASIS 20
#define MAX_STEPS 30
#define MAX_REMEDY 4
#define MAX_FORM_ROWS 60 /* rows read from a form; more are ignored */


/* "basis[2].law" -> "basis_2_law", "materials[3]" -> "materials" (one
 * textarea), "name" -> "name". */
void am_field_to_name(const char *path, char *out, size_t n)
{
	size_t o = 0;
	if (str_starts(path, "materials[")) {
		snprintf(out, n, "materials");
		return;
	}
	for (const char *p = path; *p && o + 1 < n; p++) {
		if (*p == '[' || *p == '.') {
			if (o && out[o - 1] != '_')
				out[o++] = '_';
		} else if (*p != ']') {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* ---- the form renderer: inputs that show their own error (http/form.h) ---- */

static void map_field(const char *field, char *out, size_t n)
{
	am_field_to_name(field, out, n);
}

void am_form_init(struct am_form *fc, struct req *r, const struct err *e)
{
	memset(&fc->view, 0, sizeof fc->view);
	if (e && e->kind) {
		fc->one = *e;
		fc->view.v = &fc->one;
		fc->view.n = fc->view.cap = 1;
		fc->view.kind = e->kind;
	}
	form_init(&fc->f, r, &fc->view, map_field);
}

void am_form_init_all(struct am_form *fc, struct req *r, const struct errs *all)
{
	memset(&fc->view, 0, sizeof fc->view);
	form_init(&fc->f, r, all, map_field);
}

void am_err_attrs(struct am_form *fc, const char *name)
{
	form_err_attrs(&fc->f, name);
}

void am_err_note(struct am_form *fc, const char *name)
{
	form_err_note(&fc->f, name);
}

void am_label_for(struct am_form *fc, const char *name, const char *label, bool required, const char *hint)
{
	form_label(&fc->f, name, label, required ? FORM_REQUIRED : 0, hint);
}

void am_input_text(struct am_form *fc, const char *name, const char *label, const char *value,
		   int maxlen, bool required, const char *hint)
{
	char attrs[32];
	snprintf(attrs, sizeof attrs, "maxlength=\"%d\"", maxlen);
	form_input(&fc->f, "text", name, label, value, required ? FORM_REQUIRED : 0, attrs, hint);
}

static void input_area(struct am_form *fc, const char *name, const char *label, const char *value,
		       int rows, bool required, const char *hint)
{
	form_textarea(&fc->f, name, label, value, rows, required ? FORM_REQUIRED : 0, NULL, hint);
}

/* How many rows of a group to show: exactly the rows of the model after
 * an add/remove (exact), else one empty row more than filled, at least
 * min, at most max (never fewer than filled). */
static size_t rows_to_show(size_t have, size_t max, size_t min, bool exact)
{
	size_t n = exact ? have : have + 1;
	if (n < min && !exact)
		n = min;
	if (n > max)
		n = max;
	if (n < have)
		n = have;
	return n ? n : 1;
}

static void basis_rows(struct am_form *fc, const json_t *basis, bool required, bool exact)
{
	static const char *const heads[] = { "法律法规名称", "条款" };
	form_rows_begin(&fc->f, "basis", "法律依据",
			required ? "至少填写一条。每行填写法律、法规或规章的名称和条款，空行不保存。"
				 : "可不填。每行填写法律、法规或规章的名称和条款，空行不保存。",
			heads, ARRAY_SIZE(heads));
	size_t n = rows_to_show(json_array_size(basis), MAX_BASIS, 3, exact);
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(basis, i);
		char name[64], label[96];
		form_row_begin(&fc->f, i);
		snprintf(name, sizeof name, "basis_%zu_law", i);
		snprintf(label, sizeof label, "第%zu条依据的法律法规名称", i + 1);
		form_row_cell(&fc->f, name, label, json_is_string(row) ? json_string_value(row) : js(row, "law"), 100);
		snprintf(name, sizeof name, "basis_%zu_article", i);
		snprintf(label, sizeof label, "第%zu条依据的条款", i + 1);
		form_row_cell(&fc->f, name, label, js(row, "article"), 100);
		form_row_end(&fc->f, "basis", i, n > 1);
	}
	form_rows_end(&fc->f, "basis", n < MAX_BASIS);
}

static void procedure_rows(struct am_form *fc, const json_t *steps, bool exact)
{
	static const char *const heads[] = { "步骤名称", "说明", "时限" };
	form_rows_begin(&fc->f, "procedure", "执法程序", "按先后顺序填写，至少两步。空行不保存。", heads, ARRAY_SIZE(heads));
	size_t n = rows_to_show(json_array_size(steps), MAX_STEPS, 3, exact);
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(steps, i);
		char name[64], label[96];
		form_row_begin(&fc->f, i);
		snprintf(name, sizeof name, "procedure_%zu_name", i);
		snprintf(label, sizeof label, "第%zu步的步骤名称", i + 1);
		form_row_cell(&fc->f, name, label, json_is_string(row) ? json_string_value(row) : js(row, "name"), 60);
		snprintf(name, sizeof name, "procedure_%zu_note", i);
		snprintf(label, sizeof label, "第%zu步的说明", i + 1);
		form_row_cell(&fc->f, name, label, js(row, "note"), 200);
		snprintf(name, sizeof name, "procedure_%zu_time_limit", i);
		snprintf(label, sizeof label, "第%zu步的时限", i + 1);
		form_row_cell(&fc->f, name, label, js(row, "time_limit"), 50);
		form_row_end(&fc->f, "procedure", i, n > 1);
	}
	form_rows_end(&fc->f, "procedure", n < MAX_STEPS);
}

static void remedy_rows(struct am_form *fc, const json_t *remedy, bool exact)
{
	struct html *b = fc->f.r->out;
	static const char *const heads[] = { "类型", "受理机关", "期限" };
	form_rows_begin(&fc->f, "remedy", "救济渠道", "至少一条，最多四条。填写受理机关和申请期限，空行不保存。", heads,
			ARRAY_SIZE(heads));
	size_t n = rows_to_show(json_array_size(remedy), MAX_REMEDY, 2, exact);
	size_t ntypes;
	const struct dict_entry *types = dict_entries("remedy_type", &ntypes);
	for (size_t i = 0; i < n; i++) {
		const json_t *row = json_array_get(remedy, i);
		const char *type = js(row, "type");
		if (!row || str_empty(type))
			type = i % 2 ? "litigation" : "review";
		char name[64], label[96];
		form_row_begin(&fc->f, i);
		snprintf(name, sizeof name, "remedy_%zu_type", i);
		snprintf(label, sizeof label, "第%zu条救济渠道的类型", i + 1);
		h_printf(b, "<td><label class=\"visually-hidden\" for=\"%s\">%s</label><select id=\"%s\" name=\"%s\"",
			 form_id(&fc->f, name), label, form_id(&fc->f, name), name);
		am_err_attrs(fc, name);
		h_raw(b, ">");
		for (size_t k = 0; k < ntypes; k++)
			h_printf(b, "<option value=\"%s\"%s>%s</option>", types[k].code,
				 str_eq(type, types[k].code) ? " selected" : "", types[k].label);
		h_raw(b, "</select>");
		am_err_note(fc, name);
		h_raw(b, "</td>");
		snprintf(name, sizeof name, "remedy_%zu_body", i);
		snprintf(label, sizeof label, "第%zu条救济渠道的受理机关", i + 1);
		form_row_cell(&fc->f, name, label, js(row, "body"), 100);
		snprintf(name, sizeof name, "remedy_%zu_time_limit", i);
		snprintf(label, sizeof label, "第%zu条救济渠道的期限", i + 1);
		form_row_cell(&fc->f, name, label, js(row, "time_limit"), 100);
		form_row_end(&fc->f, "remedy", i, n > 1);
	}
	form_rows_end(&fc->f, "remedy", n < MAX_REMEDY);
}

/* materials: a string as typed, or the stored array joined by lines. */
static const char *materials_text(struct req *r, const json_t *c)
{
	const json_t *v = json_object_get(c, "materials");
	if (json_is_string(v))
		return json_string_value(v);
	struct buf b;
	buf_init(&b, 0);
	size_t i;
	const json_t *s;
	json_array_foreach(v, i, s) {
		if (i)
			buf_putc(&b, '\n');
		buf_puts(&b, json_is_string(s) ? json_string_value(s) : "");
	}
	return req_own(r, buf_detach(&b, NULL));
}

/* ---- reading a form into content ---- */

static bool blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (!(*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			return false;
	return true;
}

static const char *form_row(struct req *r, const char *group, size_t i, const char *key)
{
	char name[64];
	snprintf(name, sizeof name, "%s_%zu_%s", group, i, key);
	return req_param(r, name);
}

/* Rows of a repeated group, in order, skipping rows whose text keys are
 * all blank - unless keep_blank, when every row the form sent is kept as
 * typed (re-rendering after 添加一行 / 删除).  keys: the text keys; extra
 * (may be NULL): a key always copied but not counted for blankness (a
 * select). */
static json_t *form_rows(struct req *r, const char *group, const char *const *keys, size_t nkeys, const char *extra,
			 bool keep_blank)
{
	json_t *list = json_array();
	for (size_t i = 0; i < MAX_FORM_ROWS; i++) {
		bool any = false, sent = false;
		for (size_t k = 0; k < nkeys; k++) {
			const char *v = form_row(r, group, i, keys[k]);
			sent |= v != NULL;
			if (!blank(v))
				any = true;
		}
		if (!any && !(keep_blank && sent))
			continue;
		json_t *o = json_object();
		for (size_t k = 0; k < nkeys; k++) {
			const char *v = form_row(r, group, i, keys[k]);
			json_object_set_new(o, keys[k], json_string(v ? v : ""));
		}
		if (extra) {
			const char *v = form_row(r, group, i, extra);
			json_object_set_new(o, extra, json_string(v ? v : ""));
		}
		json_array_append_new(list, o);
	}
	return list;
}

static void form_str(struct req *r, json_t *c, const char *key)
{
	const char *v = req_param(r, key);
	json_object_set_new(c, key, json_string(v ? v : ""));
}

/* Content of the given kind from the submitted form (not validated);
 * keep_blank keeps the blank rows sent (see form_rows). */
static json_t *content_from_form(struct req *r, enum pub_kind kind, bool keep_blank)
{
	static const char *const basis_keys[] = { "law", "article" };
	static const char *const step_keys[] = { "name", "note", "time_limit" };
	static const char *const remedy_keys[] = { "body", "time_limit" };
	json_t *c = json_object();
	form_str(r, c, "name");
	switch (kind) {
	case PUB_MATTER:
		form_str(r, c, "category");
		form_str(r, c, "duties");
		form_str(r, c, "authority");
		json_object_set_new(c, "basis", form_rows(r, "basis", basis_keys, 2, NULL, keep_blank));
		json_object_set_new(c, "procedure", form_rows(r, "procedure", step_keys, 3, NULL, keep_blank));
		json_object_set_new(c, "remedy", form_rows(r, "remedy", remedy_keys, 2, "type", keep_blank));
		break;
	case PUB_GUIDE:
		form_str(r, c, "accepting_body");
		form_str(r, c, "approving_body");
		form_str(r, c, "conditions");
		form_str(r, c, "time_limit");
		form_str(r, c, "materials");
		form_str(r, c, "fees");
		form_str(r, c, "contact");
		json_object_set_new(c, "basis", form_rows(r, "basis", basis_keys, 2, NULL, keep_blank));
		break;
	case PUB_INSPECTION:
		form_str(r, c, "content");
		json_object_set_new(c, "basis", form_rows(r, "basis", basis_keys, 2, NULL, keep_blank));
		form_str(r, c, "method");
		form_str(r, c, "frequency");
		form_str(r, c, "inspecting_unit");
		break;
	}
	return c;
}

/* Apply the 添加一行 / 删除 button of the submitted form to the rows of
 * content (as typed, blank rows kept). */
static void apply_rows_action(struct req *r, json_t *content)
{
	static const char *const groups[] = { "basis", "procedure", "remedy" };
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		json_t *rows = json_object_get(content, groups[g]);
		if (!json_is_array(rows))
			continue;
		size_t idx = 0;
		switch (form_rows_action(r, groups[g], &idx)) {
		case FORM_ROWS_ADD:
			json_array_append_new(rows, json_object());
			break;
		case FORM_ROWS_DEL:
			/* the button names the row's input index; rows are read in order */
			json_array_remove(rows, idx < json_array_size(rows) ? idx : json_array_size(rows) - 1);
			break;
		case FORM_ROWS_NONE:
			break;
		}
	}
}

/* ---- units and matters for the selects ---- */

static const char *unit_name_of(struct req *r, long long unit_id)
{
	char *n = people_unit_name(r->db, unit_id);
	const char *name = n ? req_strdup(r, n) : "";
	free(n);
	return name;
}


/* Matters of the actor's unit (any status): [{id,name,status_label}]. */
static json_t *own_matters(struct req *r)
{
	struct err e = ERR_INIT;
	struct publicity_query q = { .unit_id = r->actor.unit_id, .per_page = 100 };
	json_t *l = r->actor.unit_id ? publicity_office_list(r->db, &r->actor, PUB_MATTER, &q, &e) : NULL;
	json_t *out = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(l, "items"), i, it)
		json_array_append_new(out, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ji(it, "id"), "name",
						     js(it, "name"), "status_label", js(it, "status_label")));
	json_decref(l);
	return out;
}

/* ---- the drafting form (new and edit) ---- */

/* Model: { "mode": "new"|"edit", "kind", "id" (edit), "unit_id",
 * "unit_name", "matter_id", "matter_name" (edit of a linked item),
 * "matters": [...] (new guide/inspection), "content": {...} } */
static void render_form_e(struct req *r, json_t *m, const struct errs *errs)
{
	enum pub_kind kind = am_model_kind(m);
	bool edit = str_eq(js(m, "mode"), "edit");
	bool exact = json_is_true(json_object_get(m, "exact_rows"));
	const json_t *c = json_object_get(m, "content");
	struct am_form fc;
	am_form_init_all(&fc, r, errs);
	const char *title = edit ? req_printf(r, "编辑%s", pub_kind_label(kind))
				 : req_printf(r, "起草%s", pub_kind_label(kind));
	page_begin(r, title);
	h_printf(r->out, "<p class=\"muted\"><a href=\"/admin/matters?kind=%s\">%s</a> › %s</p><h1>%s</h1>",
		 pub_kind_ident(kind), am_kind_title(kind), edit ? js(c, "name") : "新建", title);
	form_summary(&fc.f); /* every problem, each a link to its field */
	if (edit)
		h_raw(r->out, "<p class=\"hint\">保存后为草稿，已公示的版本在负责人发布新版本前保持不变。</p>");
	else
		h_raw(r->out, "<p class=\"hint\">保存后为草稿，由本处室负责人审核发布后向社会公示。</p>");
	if (edit)
		h_printf(r->out, "<form method=\"post\" action=\"/admin/matters/%lld/edit\" class=\"draft\">", ji(m, "id"));
	else
		h_raw(r->out, "<form method=\"post\" action=\"/admin/matters/new\" class=\"draft\">");
	form_csrf(r);
	/* Enter in a field submits the form's first button: make that the save
	 * button, not a row's 删除 */
	h_raw(r->out, "<button type=\"submit\" class=\"default-submit\" tabindex=\"-1\" aria-hidden=\"true\">保存草稿</button>");
	if (!edit)
		h_printf(r->out, "<input type=\"hidden\" name=\"kind\" value=\"%s\">", pub_kind_ident(kind));
	h_printf(r->out, "<dl class=\"props\"><dt>执法主体</dt><dd>%s</dd></dl>", js(m, "unit_name"));
	am_err_note(&fc, "unit_id");

	/* the linked matter */
	if (kind != PUB_MATTER) {
		if (edit) {
			if (ji(m, "matter_id"))
				h_printf(r->out, "<dl class=\"props\"><dt>所属执法事项</dt><dd><a href=\"/admin/matters/%lld\">%s</a></dd></dl>",
					 ji(m, "matter_id"), js(m, "matter_name"));
		} else {
			h_raw(r->out, "<div class=\"field\">");
			am_label_for(&fc, "matter_id", "所属执法事项", kind == PUB_GUIDE,
				  kind == PUB_GUIDE ? "本处室的执法事项" : "可不选");
			h_raw(r->out, "<select id=\"f-matter_id\" name=\"matter_id\"");
			am_err_attrs(&fc, "matter_id");
			h_printf(r->out, "><option value=\"\">%s</option>", kind == PUB_GUIDE ? "请选择" : "不关联执法事项");
			size_t i;
			json_t *o;
			json_array_foreach(json_object_get(m, "matters"), i, o)
				h_printf(r->out, "<option value=\"%lld\"%s>%s(%s)</option>", ji(o, "id"),
					 ji(o, "id") == ji(m, "matter_id") ? " selected" : "", js(o, "name"),
					 js(o, "status_label"));
			h_raw(r->out, "</select>");
			am_err_note(&fc, "matter_id");
			h_raw(r->out, "</div>");
		}
	}

	switch (kind) {
	case PUB_MATTER: {
		am_input_text(&fc, "name", "事项名称", js(c, "name"), 100, true, NULL);
		form_select_dict(&fc.f, "category", "事项类别", "pub_category", js(c, "category"), "请选择", FORM_REQUIRED, NULL);
		input_area(&fc, "duties", "职责", js(c, "duties"), 4, true, "本处室承担的执法职责");
		input_area(&fc, "authority", "权限", js(c, "authority"), 4, true, "可以采取的执法措施和权限范围");
		basis_rows(&fc, json_object_get(c, "basis"), true, exact);
		procedure_rows(&fc, json_object_get(c, "procedure"), exact);
		remedy_rows(&fc, json_object_get(c, "remedy"), exact);
		break;
	}
	case PUB_GUIDE:
		am_input_text(&fc, "name", "指南名称", js(c, "name"), 100, true, NULL);
		am_input_text(&fc, "accepting_body", "受理机构", js(c, "accepting_body"), 100, true, NULL);
		am_input_text(&fc, "approving_body", "决定机构", js(c, "approving_body"), 100, true, NULL);
		input_area(&fc, "conditions", "办理条件", js(c, "conditions"), 4, true, NULL);
		am_input_text(&fc, "time_limit", "办理时限", js(c, "time_limit"), 100, true, "如：20个工作日");
		input_area(&fc, "materials", "申请材料", materials_text(r, c), 6, true, "每行一项，最多50项");
		am_input_text(&fc, "fees", "收费标准", js(c, "fees"), 200, false, "不收费的填写“不收费”");
		am_input_text(&fc, "contact", "咨询方式", js(c, "contact"), 200, true, "电话、地址等");
		basis_rows(&fc, json_object_get(c, "basis"), false, exact);
		break;
	case PUB_INSPECTION:
		am_input_text(&fc, "name", "抽查事项名称", js(c, "name"), 100, true, NULL);
		input_area(&fc, "content", "检查内容", js(c, "content"), 4, true, NULL);
		basis_rows(&fc, json_object_get(c, "basis"), true, exact);
		am_input_text(&fc, "method", "检查方式", js(c, "method"), 200, true, "如：双随机抽查、书面检查、现场检查");
		am_input_text(&fc, "frequency", "抽查频次", js(c, "frequency"), 100, true, "如：每年一次");
		am_input_text(&fc, "inspecting_unit", "检查主体", js(c, "inspecting_unit"), 100, false,
			   "不填则为本处室名称");
		break;
	}
	h_raw(r->out, "<p class=\"actions\"><button type=\"submit\">保存草稿</button> ");
	if (edit)
		h_printf(r->out, "<a class=\"button secondary\" href=\"/admin/matters/%lld\">取消</a>", ji(m, "id"));
	else
		h_printf(r->out, "<a class=\"button secondary\" href=\"/admin/matters?kind=%s\">取消</a>", pub_kind_ident(kind));
	h_raw(r->out, "</p></form>");
	page_end(r);
}

static void render_form(struct req *r, json_t *m)
{
	render_form_e(r, m, NULL);
}

/* Answer a failed save: the form again (HTML) or the error (JSON). */
static int form_failed(struct req *r, json_t *m, const struct err *e)
{
	if (r->want_json || e->kind == ERR_FORBIDDEN || e->kind == ERR_UNAUTH || e->kind == ERR_NOTFOUND ||
	    e->kind >= 500) {
		json_decref(m);
		resp_err(r, e);
		return 0;
	}
	struct errs one = ERRS_INIT;
	errs_push(&one, e);
	r->status = am_err_status(e);
	render_form_e(r, m, &one);
	errs_release(&one);
	json_decref(m);
	return 0;
}

/* A form POST (not JSON) that asked for a row to be added or removed:
 * the form again with what was typed, nothing saved.  Returns true when
 * it answered. */
static bool rows_requested(struct req *r, json_t *m, enum pub_kind kind)
{
	if (!form_rows_requested(r))
		return false;
	json_t *content = content_from_form(r, kind, true);
	apply_rows_action(r, content);
	json_object_set_new(m, "content", content);
	json_object_set_new(m, "exact_rows", json_true());
	r->status = 200;
	render_form_e(r, m, NULL);
	json_decref(m);
	return true;
}

/* Check a form's content with the domain's validation, which reports
 * every problem; pre (may be NULL) is a problem found by the page.  On
 * problems: the form again with all of them (400), true returned. */
static bool form_invalid(struct req *r, json_t *m, enum pub_kind kind, const json_t *content, const struct err *pre)
{
	struct errs all = ERRS_INIT;
	if (pre && pre->kind)
		errs_push(&all, pre);
	json_t *canon = publicity_validate_all(kind, content, js(m, "unit_name"), &all);
	json_decref(canon);
	if (!all.n)
		return false;
	if (r->want_json) {
		struct err first;
		errs_first(&all, &first);
		resp_err(r, &first);
	} else {
		r->status = am_err_status(&all.v[0]);
		render_form_e(r, m, &all);
	}
	errs_release(&all);
	json_decref(m);
	return true;
}

int page_admin_matter_new(struct req *r)
{
	json_t *body = am_body_json(r);
	enum pub_kind kind = PUB_MATTER;
	const char *s = am_param_or_json(r, body, "kind");
	if (!str_empty(s) && !(kind = pub_kind_parse(s))) {
		json_decref(body);
		resp_error(r, 400, "kind", "参数「公示类型」不正确（应为执法事项、服务指南或随机抽查事项）。");
		return 0;
	}
	struct err e = ERR_INIT;
	if (!r->actor.unit_id) {
		json_decref(body);
		err_set(&e, ERR_FORBIDDEN, "unit_id", "您没有所属处室，不能起草公示内容。");
		resp_err(r, &e);
		return 0;
	}
	long long matter_id = 0;
	if (body) {
		const json_t *mv = json_object_get(body, "matter_id");
		if (json_is_integer(mv))
			matter_id = json_integer_value(mv);
		else if (mv && !json_is_null(mv))
			err_set(&e, ERR_INVALID, "matter_id", "「所属执法事项」不正确");
	} else {
		s = req_param(r, r->method == M_POST ? "matter_id" : "matter");
		if (!str_empty(s) && str_to_ll(s, 1, INT64_MAX, &matter_id) < 0)
			err_set(&e, ERR_INVALID, "matter_id", "「所属执法事项」不正确");
	}
	json_t *m = json_pack("{s:s,s:s,s:I,s:s,s:I}", "mode", "new", "kind", pub_kind_ident(kind), "unit_id",
			      (json_int_t)r->actor.unit_id, "unit_name", unit_name_of(r, r->actor.unit_id),
			      "matter_id", (json_int_t)matter_id);
	if (kind != PUB_MATTER)
		json_object_set_new(m, "matters", own_matters(r));
	if (r->method != M_POST) {
		json_decref(body);
		json_object_set_new(m, "content", json_object());
		if (e.kind)
			return form_failed(r, m, &e);
		return page_model(r, m, render_form);
	}
	if (!body && rows_requested(r, m, kind))
		return 0;
	json_t *content;
	if (body) {
		content = json_incref(json_object_get(body, "content"));
		if (!content)
			content = json_object();
	} else {
		content = content_from_form(r, kind, false);
	}
	json_decref(body);
	json_object_set(m, "content", content);
	/* the guide's matter is required (checked again by publicity_create) */
	if (!e.kind && kind == PUB_GUIDE && !matter_id)
		err_set(&e, ERR_INVALID, "matter_id", "「所属执法事项」不能为空");
	if (!r->want_json && (e.kind == 0 || e.kind == ERR_INVALID) && form_invalid(r, m, kind, content, &e)) {
		json_decref(content);
		return 0;
	}
	long long id = -1;
	if (!e.kind)
		id = publicity_create(r->db, &r->actor, kind, 0, kind == PUB_MATTER ? 0 : matter_id, content, &e);
	json_decref(content);
	if (id < 0)
		return form_failed(r, m, &e);
	json_decref(m);
	if (r->want_json) {
		resp_json(r, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "draft"));
		return 0;
	}
	resp_redirect(r, req_printf(r, "/admin/matters/%lld?ok=created", id));
	return 0;
}


int page_admin_matter_edit(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id < 0) {
		resp_error(r, 404, NULL, "公示内容不存在。");
		return 0;
	}
	struct err e = ERR_INIT;
	json_t *item = publicity_office_item(r->db, &r->actor, id, &e);
	if (!item) {
		resp_err(r, &e);
		return 0;
	}
	if (!json_is_true(json_object_get(item, "can_edit"))) {
		json_decref(item);
		err_set(&e, ERR_FORBIDDEN, "", "只有本处室的执法人员或负责人可以修改本处室的公示内容（谁执法谁公示）。");
		resp_err(r, &e);
		return 0;
	}
	enum pub_kind kind = am_model_kind(item);
	json_t *cur = json_object_get(item, "draft");
	if (!json_is_object(cur))
		cur = json_object_get(item, "published");
	json_t *m = json_pack("{s:s,s:s,s:I,s:I,s:s,s:I,s:s}", "mode", "edit", "kind", pub_kind_ident(kind),
			      "id", (json_int_t)id, "unit_id", (json_int_t)ji(item, "unit_id"), "unit_name",
			      js(item, "unit_name"), "matter_id", (json_int_t)ji(item, "matter_id"), "matter_name",
			      am_matter_name(r, ji(item, "matter_id")));
	json_object_set_new(m, "content", json_is_object(cur) ? json_deep_copy(cur) : json_object());
	json_decref(item);
	if (r->method != M_POST)
		return page_model(r, m, render_form);
	json_t *body = am_body_json(r);
	if (!body && rows_requested(r, m, kind))
		return 0;
	json_t *content;
	if (body) {
		content = json_incref(json_object_get(body, "content"));
		if (!content)
			content = json_object();
		json_decref(body);
	} else {
		content = content_from_form(r, kind, false);
	}
	json_object_set(m, "content", content);
	if (!r->want_json && form_invalid(r, m, kind, content, NULL)) {
		json_decref(content);
		return 0;
	}
	int rc = publicity_update(r->db, &r->actor, id, content, &e);
	json_decref(content);
	if (rc < 0)
		return form_failed(r, m, &e);
	json_decref(m);
	if (r->want_json) {
		resp_json(r, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "has_draft", 1));
		return 0;
	}
	resp_redirect(r, req_printf(r, "/admin/matters/%lld?ok=saved", id));
	return 0;
}

