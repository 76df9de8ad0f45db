/*
 * form.c - labelled inputs with their own errors, the error summary and
 * repeated rows (see form.h).
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/form.h"
#include "http/html_body.h"

void form_init(struct form *f, struct req *r, const struct errs *errs, form_map_fn map)
{
	f->r = r;
	f->errs = errs && errs->n ? errs : NULL;
	f->map = map;
	f->bare = false;
	f->suffix = "";
}

void form_init_bare(struct form *f, struct req *r, const struct errs *errs)
{
	form_init(f, r, errs, NULL);
	f->bare = true;
}

void form_suffix(struct form *f, const char *suffix)
{
	f->suffix = suffix ? suffix : "";
}

const char *form_id(const struct form *f, const char *name)
{
	return req_printf(f->r, "%s%s%s", f->bare ? "" : "f-", name, f->suffix);
}

const char *form_msg_id(const struct form *f, const char *name)
{
	return f->bare ? req_printf(f->r, "%s%s-error", name, f->suffix) : req_printf(f->r, "e-%s%s", name, f->suffix);
}

static void map_name(const struct form *f, const char *field, char *out, size_t n)
{
	if (f->map)
		f->map(field, out, n);
	else
		snprintf(out, n, "%s", field);
}

const struct err *form_error(const struct form *f, const char *name)
{
	for (size_t i = 0; f->errs && i < f->errs->n; i++) {
		char nm[64];
		map_name(f, f->errs->v[i].field, nm, sizeof nm);
		if (str_eq(nm, name))
			return &f->errs->v[i];
	}
	return NULL;
}

/* The script that focuses the summary and enhances repeated rows, once. */
static void script_once(struct form *f)
{
	if (!strstr(html_bytes(f->r->out, NULL), "/static/forms.js"))
		h_raw(f->r->out, "<script src=\"/static/forms.js\" defer></script>");
}

json_t *form_errs_json(const struct errs *all)
{
	json_t *list = json_array();
	for (size_t i = 0; i < all->n; i++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "field", all->v[i].field, "message", all->v[i].msg));
	return list;
}

void form_summary(struct form *f)
{
	if (!f->errs)
		return;
	struct html *b = f->r->out;
	h_raw(b, "<div class=\"error-summary\" id=\"error-summary\" role=\"alert\" tabindex=\"-1\" "
		 "aria-labelledby=\"error-summary-title\"><h2 id=\"error-summary-title\">存在以下问题</h2><ul>");
	for (size_t i = 0; i < f->errs->n; i++) {
		char nm[64];
		map_name(f, f->errs->v[i].field, nm, sizeof nm);
		if (str_empty(nm))
			h_printf(b, "<li>%s</li>", f->errs->v[i].msg);
		else
			h_printf(b, "<li><a href=\"#%s\">%s</a></li>", form_id(f, nm), f->errs->v[i].msg);
	}
	h_raw(b, "</ul></div>");
	script_once(f);
}

void form_label(struct form *f, const char *name, const char *label, unsigned flags, const char *hint)
{
	struct html *b = f->r->out;
	h_printf(b, "<label for=\"%s\"", form_id(f, name));
	if (flags & FORM_HIDDEN_LABEL)
		h_raw(b, " class=\"visually-hidden\"");
	h_printf(b, ">%s", label);
	if (flags & FORM_REQUIRED)
		h_raw(b, "<span class=\"req\">（必填）</span>");
	if (!str_empty(hint))
		h_printf(b, " <span class=\"hint\">%s</span>", hint);
	h_raw(b, "</label>");
}

void form_err_attrs(struct form *f, const char *name)
{
	if (form_error(f, name))
		h_printf(f->r->out, " aria-invalid=\"true\" aria-describedby=\"%s\"", form_msg_id(f, name));
}

void form_err_note(struct form *f, const char *name)
{
	const struct err *e = form_error(f, name);
	if (e)
		h_printf(f->r->out, "<p class=\"field-error\" id=\"%s\">%s</p>", form_msg_id(f, name), e->msg);
}

static void common_attrs(struct form *f, const char *name, unsigned flags, const char *attrs)
{
	struct html *b = f->r->out;
	h_printf(b, " id=\"%s\" name=\"%s\"", form_id(f, name), name);
	if (flags & FORM_REQUIRED)
		h_raw(b, " aria-required=\"true\"");
	if (!str_empty(attrs)) {
		h_raw(b, " ");
		h_trusted_markup(b, attrs); /* trusted literal of the caller */
	}
	form_err_attrs(f, name);
}

void form_input(struct form *f, const char *type, const char *name, const char *label, const char *value,
		unsigned flags, const char *attrs, const char *hint)
{
	struct html *b = f->r->out;
	h_raw(b, "<div class=\"field\">");
	form_label(f, name, label, flags, hint);
	h_printf(b, "<input type=\"%s\"", type);
	common_attrs(f, name, flags, attrs);
	if (!str_eq(type, "password"))
		h_printf(b, " value=\"%s\"", value ? value : "");
	h_raw(b, ">");
	form_err_note(f, name);
	h_raw(b, "</div>");
}

void form_textarea(struct form *f, const char *name, const char *label, const char *value, int rows,
		   unsigned flags, const char *attrs, const char *hint)
{
	struct html *b = f->r->out;
	h_raw(b, "<div class=\"field\">");
	form_label(f, name, label, flags, hint);
	h_raw(b, "<textarea");
	if (rows > 0)
		h_printf(b, " rows=\"%d\"", rows);
	common_attrs(f, name, flags, attrs);
	h_printf(b, ">%s</textarea>", value ? value : "");
	form_err_note(f, name);
	h_raw(b, "</div>");
}

void form_select(struct form *f, const char *name, const char *label, const struct form_opt *opts, size_t n,
		 const char *selected, const char *none_label, unsigned flags, const char *hint)
{
	struct html *b = f->r->out;
	h_raw(b, "<div class=\"field\">");
	form_label(f, name, label, flags, hint);
	h_raw(b, "<select");
	common_attrs(f, name, flags, NULL);
	h_raw(b, ">");
	if (none_label)
		h_printf(b, "<option value=\"\">%s</option>", none_label);
	for (size_t i = 0; i < n; i++)
		h_printf(b, "<option value=\"%s\"%s>%s</option>", opts[i].value,
			 str_eq(opts[i].value, selected) ? " selected" : "", opts[i].label);
	h_raw(b, "</select>");
	form_err_note(f, name);
	h_raw(b, "</div>");
}

void form_select_dict(struct form *f, const char *name, const char *label, const char *kind, const char *selected,
		      const char *none_label, unsigned flags, const char *hint)
{
	size_t n;
	const struct dict_entry *d = dict_entries(kind, &n);
	struct form_opt *opts = xcalloc(n ? n : 1, sizeof *opts);
	for (size_t i = 0; i < n; i++)
		opts[i] = (struct form_opt){ d[i].code, d[i].label };
	form_select(f, name, label, opts, n, selected, none_label, flags, hint);
	free(opts);
}

void form_checkbox(struct form *f, const char *name, const char *label, bool checked, const char *hint)
{
	struct html *b = f->r->out;
	h_printf(b, "<div class=\"field\"><label class=\"check\" for=\"%s\"><input type=\"checkbox\" id=\"%s\" "
		    "name=\"%s\" value=\"1\"%s", form_id(f, name), form_id(f, name), name, checked ? " checked" : "");
	form_err_attrs(f, name);
	h_printf(b, "> %s", label);
	if (!str_empty(hint))
		h_printf(b, " <span class=\"hint\">%s</span>", hint);
	h_raw(b, "</label>");
	form_err_note(f, name);
	h_raw(b, "</div>");
}

/* ---- repeated rows ---- */

enum form_rows_act form_rows_action(struct req *r, const char *group, size_t *index)
{
	const char *v = r->method == M_POST ? kv_get(&r->form, "_rows") : NULL;
	size_t gl = strlen(group);
	if (!v || strncmp(v, group, gl) != 0 || v[gl] != ':')
		return FORM_ROWS_NONE;
	const char *act = v + gl + 1;
	if (str_eq(act, "add"))
		return FORM_ROWS_ADD;
	long long i;
	if (str_starts(act, "del:") && str_to_ll(act + 4, 0, 999, &i) == 0) {
		*index = (size_t)i;
		return FORM_ROWS_DEL;
	}
	return FORM_ROWS_NONE;
}

bool form_rows_requested(struct req *r)
{
	return r->method == M_POST && !str_empty(kv_get(&r->form, "_rows"));
}

void form_rows_begin(struct form *f, const char *group, const char *legend, const char *hint,
		     const char *const *heads, size_t nheads)
{
	struct html *b = f->r->out;
	h_printf(b, "<fieldset class=\"rows\" id=\"%s\" data-rows=\"%s\"", form_id(f, group), group);
	form_err_attrs(f, group);
	h_printf(b, "><legend>%s</legend>", legend);
	if (!str_empty(hint))
		h_printf(b, "<p class=\"hint\">%s</p>", hint);
	form_err_note(f, group);
	h_raw(b, "<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">序号</th>");
	for (size_t i = 0; i < nheads; i++)
		h_printf(b, "<th scope=\"col\">%s</th>", heads[i]);
	h_raw(b, "<th scope=\"col\"><span class=\"visually-hidden\">操作</span></th></tr></thead><tbody>");
	script_once(f);
}

void form_row_begin(struct form *f, size_t i)
{
	h_printf(f->r->out, "<tr data-row=\"%zu\"><td class=\"row-no\">%zu</td>", i, i + 1);
}

void form_row_cell(struct form *f, const char *name, const char *label, const char *value, int maxlen)
{
	struct html *b = f->r->out;
	h_printf(b, "<td><label class=\"visually-hidden\" for=\"%s\">%s</label>"
		    "<input type=\"text\" id=\"%s\" name=\"%s\" maxlength=\"%d\"",
		 form_id(f, name), label, form_id(f, name), name, maxlen);
	form_err_attrs(f, name);
	h_printf(b, " value=\"%s\">", value ? value : "");
	form_err_note(f, name);
	h_raw(b, "</td>");
}

void form_row_end(struct form *f, const char *group, size_t i, bool can_delete)
{
	struct html *b = f->r->out;
	h_raw(b, "<td>");
	if (can_delete)
		h_printf(b, "<button type=\"submit\" class=\"link row-del\" name=\"_rows\" value=\"%s:del:%zu\" "
			    "aria-label=\"删除第%zu行\">删除</button>", group, i, i + 1);
	h_raw(b, "</td></tr>");
}

void form_rows_end(struct form *f, const char *group, bool can_add)
{
	struct html *b = f->r->out;
	h_raw(b, "</tbody></table></div>");
	if (can_add)
		h_printf(b, "<p><button type=\"submit\" class=\"secondary row-add\" name=\"_rows\" value=\"%s:add\">"
			    "添加一行</button></p>", group);
	h_raw(b, "</fieldset>");
}
