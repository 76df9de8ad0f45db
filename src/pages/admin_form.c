/*
 * admin_form.c - the model-based form helpers of the back office (af_*,
 * pages.h), a thin layer over the one form module http/form.h: a page
 * model m carries the submitted "input" and its problems ("errors", a
 * list of {field, message}; "error", the first) after af_fail /
 * af_fail_all, and every helper renders through struct form with the ids
 * of these pages (id = NAME, message NAME-error).
 */
#include "core/core.h"
#include "http/http.h"
#include "http/html.h"
#include "http/layout.h"
#include "http/form.h"
#include "pages/pages.h"

const char *af_error_field(const json_t *m)
{
	return js(json_object_get(m, "error"), "field");
}

bool af_has_error(const json_t *m, const char *name)
{
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(m, "errors"), i, e)
		if (str_eq(js(e, "field"), name))
			return true;
	return str_eq(af_error_field(m), name);
}

const char *af_value(const json_t *m, const char *name, const char *dflt)
{
	json_t *in = json_object_get(m, "input");
	if (json_is_object(in))
		return js(in, name);
	return dflt ? dflt : "";
}

bool af_has_input(const json_t *m)
{
	return json_is_object(json_object_get(m, "input"));
}

/* The problems of m as a list (the caller releases it). */
static void m_errs(const json_t *m, struct errs *out)
{
	*out = (struct errs)ERRS_INIT;
	const json_t *list = json_object_get(m, "errors");
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
		errs_add(out, (int)ji(e, "status") ? (int)ji(e, "status") : ERR_INVALID, js(e, "field"), "%s",
			 js(e, "message"));
	const json_t *one = json_object_get(m, "error");
	if (!out->n && json_is_object(one))
		errs_add(out, (int)ji(one, "status"), js(one, "field"), "%s", js(one, "message"));
}

/* Run fn with a bare-id form over m's problems. */
#define WITH_FORM(r, m, fm, body)                   \
	do {                                        \
		struct errs errs_;                  \
		m_errs((m), &errs_);                \
		struct form fm;                     \
		form_init_bare(&fm, (r), &errs_);   \
		body;                               \
		errs_release(&errs_);               \
	} while (0)

static const struct {
	const char *code, *msg;
} ok_msgs[] = {
	{ "created", "已创建。" }, { "saved", "已保存。" }, { "deleted", "已删除。" },
	{ "password", "已设置新的初始密码，该用户下次登录时须修改密码。" },
	{ "locked", "账号已锁定，其所有会话已结束。" }, { "unlocked", "账号已解锁。" },
	{ "status", "证件状态已更新。" }, { "photo", "照片已更新。" }, { "1", "已保存。" },
	{ "released", "已解除该地址的登录限速，其失败次数已清零。" },
};

void af_alerts(struct req *r, const json_t *m)
{
	if (json_is_object(json_object_get(m, "error")) || json_array_size(json_object_get(m, "errors"))) {
		WITH_FORM(r, m, fm, form_summary(&fm));
		return;
	}
	const char *ok = req_param(r, "ok");
	if (str_empty(ok))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ok_msgs); i++)
		if (str_eq(ok, ok_msgs[i].code)) {
			h_printf(r->out, "<p class=\"alert ok\" role=\"status\">%s</p>", ok_msgs[i].msg);
			return;
		}
}

void af_field_error(struct req *r, const json_t *m, const char *name)
{
	WITH_FORM(r, m, fm, form_err_note(&fm, name));
}

void af_invalid_attrs(struct req *r, const json_t *m, const char *name)
{
	WITH_FORM(r, m, fm, form_err_attrs(&fm, name));
}

/* The pages' literal attrs may say "required": the field is then marked
 * （必填） and aria-required, and left to the server's check, which reports
 * every problem of the form at once (http/form.h).  Returns the attrs
 * without the word (owned by r). */
static const char *take_required(struct req *r, const char *attrs, unsigned *flags)
{
	*flags = 0;
	if (!attrs)
		return NULL;
	const char *p = strstr(attrs, "required");
	if (!p || (p > attrs && p[-1] != ' ') || (p[8] && p[8] != ' '))
		return attrs;
	*flags = FORM_REQUIRED;
	const char *rest = p[8] == ' ' ? p + 9 : p + 8;
	size_t head = (size_t)(p - attrs);
	while (head && attrs[head - 1] == ' ')
		head--;
	return req_printf(r, "%.*s%s%s", (int)head, attrs, head && *rest ? " " : "", rest);
}

void af_input(struct req *r, const json_t *m, const char *type, const char *name, const char *label,
	      const char *dflt, const char *attrs, const char *hint)
{
	unsigned flags;
	attrs = take_required(r, attrs, &flags);
	WITH_FORM(r, m, fm, form_input(&fm, type, name, label, af_value(m, name, dflt), flags, attrs, hint));
}

void af_textarea(struct req *r, const json_t *m, const char *name, const char *label, const char *dflt,
		 const char *attrs)
{
	unsigned flags;
	attrs = take_required(r, attrs, &flags);
	WITH_FORM(r, m, fm, form_textarea(&fm, name, label, af_value(m, name, dflt), 0, flags, attrs, NULL));
}

void af_checkbox(struct req *r, const json_t *m, const char *name, const char *label, bool dflt)
{
	bool on = af_has_input(m) ? !str_empty(af_value(m, name, NULL)) : dflt;
	WITH_FORM(r, m, fm, form_checkbox(&fm, name, label, on, NULL));
}

void af_select(struct req *r, const json_t *m, const char *name, const char *label, const char *hint,
	       const struct form_opt *opts, size_t n, const char *dflt, const char *none_label)
{
	WITH_FORM(r, m, fm, form_select(&fm, name, label, opts, n, af_value(m, name, dflt), none_label, 0, hint));
}

void af_unit_select(struct req *r, const json_t *m, const json_t *units, const char *id_attr, const char *name,
		    const char *label, long long selected, const char *none_label, bool only_in_scope,
		    long long exclude_id)
{
	char sel[24];
	snprintf(sel, sizeof sel, "%lld", selected);
	const char *cur = af_has_input(m) ? af_value(m, name, NULL) : sel;
	size_t n = json_array_size(units), k = 0, i;
	struct form_opt *opts = xcalloc(n ? n : 1, sizeof *opts);
	json_t *u;
	json_array_foreach(units, i, u) {
		long long id = ji(u, "id");
		if (id == exclude_id || (only_in_scope && !json_is_true(json_object_get(u, "in_scope"))))
			continue;
		struct buf lb;
		buf_init(&lb, 0);
		for (long long d = ji(u, "depth"); d > 0; d--)
			buf_puts(&lb, "　");
		buf_puts(&lb, js(u, "name"));
		opts[k++] = (struct form_opt){ req_printf(r, "%lld", id), req_own(r, buf_detach(&lb, NULL)) };
	}
	/* id_attr differs from name only on the filter form of /admin/users */
	WITH_FORM(r, m, fm, {
		if (!str_eq(id_attr, name)) {
			h_printf(r->out, "<div class=\"field\"><label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">",
				 id_attr, label, id_attr, name);
			if (none_label)
				h_printf(r->out, "<option value=\"\">%s</option>", none_label);
			for (size_t j = 0; j < k; j++)
				h_printf(r->out, "<option value=\"%s\"%s>%s</option>", opts[j].value,
					 str_eq(opts[j].value, cur) ? " selected" : "", opts[j].label);
			h_raw(r->out, "</select></div>");
		} else {
			form_select(&fm, name, label, opts, k, cur, none_label, 0, NULL);
		}
	});
	free(opts);
}

char *af_form_joined(struct req *r, const char *key)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < r->form.n; i++)
		if (str_eq(r->form.items[i].key, key)) {
			if (b.len)
				buf_putc(&b, ',');
			buf_puts(&b, r->form.items[i].val);
		}
	if (!b.len && r->method != M_POST) {
		const char *q = kv_get(&r->query, key);
		if (q)
			buf_puts(&b, q);
	}
	return req_own(r, buf_detach(&b, NULL));
}

int af_fail_all(struct req *r, json_t *m, const struct errs *all, void (*render)(struct req *, json_t *))
{
	struct err first;
	errs_first(all, &first);
	if (!first.kind) {
		first.kind = ERR_INTERNAL;
		snprintf(first.msg, sizeof first.msg, "系统内部错误，操作未完成，请稍后重试。");
	}
	if (r->want_json) {
		json_decref(m);
		resp_err(r, &first);
		return 0;
	}
	json_t *in = json_object();
	for (size_t i = 0; i < r->form.n; i++) {
		const char *k = r->form.items[i].key;
		if (str_eq(k, "_csrf") || strstr(k, "password") || json_object_get(in, k))
			continue;
		json_object_set_new(in, k, json_string(af_form_joined(r, k)));
	}
	json_object_set_new(m, "input", in);
	json_object_set_new(m, "error", json_pack("{s:i,s:s,s:s}", "status", first.kind, "field", first.field, "message",
						  first.msg[0] ? first.msg : "系统内部错误，操作未完成，请稍后重试。"));
	json_t *list = json_array();
	for (size_t i = 0; all && i < all->n; i++)
		json_array_append_new(list, json_pack("{s:i,s:s,s:s}", "status", all->v[i].kind, "field", all->v[i].field,
						      "message", all->v[i].msg));
	json_object_set_new(m, "errors", list);
	render(r, m);
	r->status = first.kind >= 400 && first.kind < 600 ? first.kind : 500;
	json_decref(m);
	return 0;
}

int af_fail(struct req *r, json_t *m, const struct err *e, void (*render)(struct req *, json_t *))
{
	struct errs one = ERRS_INIT;
	if (e->kind)
		errs_push(&one, e);
	else
		errs_add(&one, ERR_INTERNAL, e->field, "%s", e->msg[0] ? e->msg : "系统内部错误，操作未完成，请稍后重试。");
	int rc = af_fail_all(r, m, &one, render);
	errs_release(&one);
	return rc;
}

int af_done(struct req *r, const char *location, json_t *result)
{
	if (r->want_json) {
		if (!result)
			result = json_object();
		json_object_set_new(result, "ok", json_true());
		resp_json(r, 200, result);
		return 0;
	}
	json_decref(result);
	resp_redirect(r, location);
	return 0;
}

int af_param_id(struct req *r, const char *key, long long *out, struct err *e, const char *msg)
{
	const char *s = req_param(r, key);
	*out = 0;
	if (str_empty(s))
		return 0;
	if (str_to_ll(s, 1, 1000000000000LL, out) < 0)
		return err_set(e, ERR_INVALID, key, "%s", msg);
	return 0;
}
