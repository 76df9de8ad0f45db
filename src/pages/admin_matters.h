/*
 * admin_matters.h - helpers shared by the two files of the catalogue's
 * back office: admin_matters.c (list, item page, publish, withdraw) and
 * admin_matters_form.c (drafting form).  Internal to those two files.
 *
 * An am_form renders inputs that carry their own error: the input named
 * like the error's field (see am_field_to_name) gets aria-invalid and
 * aria-describedby, and the message is printed right under it.
 */
#ifndef ZHIFA_PAGES_ADMIN_MATTERS_H
#define ZHIFA_PAGES_ADMIN_MATTERS_H
#include "http/http.h"
#include "publicity/publicity.h"
#include "http/form.h"
#include <jansson.h>

/* ---- admin_matters.c ---- */

/* e->kind if it is a 4xx status, else 500. */
int am_err_status(const struct err *e);
/* The full stop to print after msg: "" if it already ends with one. */
const char *am_stop_after(const char *msg);
/* 执法事项 / 服务指南 / 随机抽查事项 as a page title. */
const char *am_kind_title(enum pub_kind k);
/* The kind named by model["kind"]; PUB_MATTER when absent or unknown. */
enum pub_kind am_model_kind(const json_t *m);
/* The POST body as a new JSON object when sent as application/json,
 * NULL otherwise (or when it is not a JSON object). */
json_t *am_body_json(struct req *r);
/* Text parameter key from body (when not NULL) or from the form/query;
 * NULL when absent or not a string. */
const char *am_param_or_json(struct req *r, const json_t *body, const char *key);
/* Name of matter matter_id (working copy, else published) as the actor
 * may see it; "" when 0 or unreadable.  Owned by the request. */
const char *am_matter_name(struct req *r, long long matter_id);

/* ---- admin_matters_form.c ---- */

/* Map an error field (a JSON path) to the input name used in the forms:
 * "basis[2].law" -> "basis_2_law", "materials[3]" -> "materials",
 * "name" -> "name".  out is always NUL-terminated. */
void am_field_to_name(const char *path, char *out, size_t n);

/* The form context of the catalogue's pages: a struct form (http/form.h)
 * with ids f-NAME / e-NAME and errors mapped by am_field_to_name.  It can
 * show one error (am_form_init, for the item page's small forms) or all
 * problems of a draft (am_form_init_all). */
struct am_form {
	struct form f;
	struct err one;       /* the single error of am_form_init */
	struct errs view;     /* a list of that one error (no allocation) */
};

/* Start a form context for r showing e (NULL or kind 0: no error). */
void am_form_init(struct am_form *fc, struct req *r, const struct err *e);
/* Start a form context showing every problem in all (may be NULL). */
void am_form_init_all(struct am_form *fc, struct req *r, const struct errs *all);
/* aria-invalid/aria-describedby attributes if input name holds an error. */
void am_err_attrs(struct am_form *fc, const char *name);
/* <p class="field-error" id="e-NAME"> with the message if name holds one. */
void am_err_note(struct am_form *fc, const char *name);
/* <label for="f-NAME">, with （必填） when required and a hint if any. */
void am_label_for(struct am_form *fc, const char *name, const char *label, bool required, const char *hint);
/* A labelled one-line text input id f-NAME with its error. */
void am_input_text(struct am_form *fc, const char *name, const char *label, const char *value,
		   int maxlen, bool required, const char *hint);

#endif
