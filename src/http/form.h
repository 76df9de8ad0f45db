/*
 * form.h - the one form-rendering module of the back office.
 *
 * A struct form renders labelled inputs that carry their own errors, the
 * way GOV.UK's design system does:
 *   - the error summary at the top (form_summary): a box titled
 *     「存在以下问题」 listing every problem as a link to its field
 *     (#f-NAME); it takes the focus when the page loads;
 *   - on the field itself: the message <p class="field-error"
 *     id="e-NAME">, and aria-invalid / aria-describedby on the input.
 * Input ids are "f-" + name, messages "e-" + name (form_init); the older
 * pages' scheme id = name, message name + "-error" is form_init_bare's.
 * A page with several forms using one input name gives each form an id
 * suffix (form_suffix) so ids stay unique.  A field's label and
 * its hint are separate arguments, both escaped; no caller passes markup
 * for either.  Required fields say （必填） in the label and carry
 * aria-required, but not the HTML required attribute, so the server sees
 * every form and reports all problems at once.
 *
 * Errors name domain fields ("basis[2].law"); form_init's map turns them
 * into input names ("basis_2_law"); NULL map = the same name.
 *
 * Repeated rows (form_rows_*): a table whose rows can be added and removed
 * by submit buttons named "_rows" (value "GROUP:add" or "GROUP:del:I"), so
 * it works without JavaScript: the handler re-renders the form with what
 * was typed and one row more or less (form_rows_action).  With JavaScript
 * (/static/forms.js) the same buttons add and remove rows in place.
 */
#ifndef ZHIFA_FORM_H
#define ZHIFA_FORM_H
#include "http/http.h"
#include <jansson.h>

typedef void (*form_map_fn)(const char *field, char *out, size_t n);

struct form {
	struct req *r;
	const struct errs *errs; /* NULL or empty: nothing to show */
	form_map_fn map;
	bool bare;               /* ids NAME / NAME-error instead of f-NAME / e-NAME */
	const char *suffix;      /* appended to every id ("" by default) */
};

enum form_flags {
	FORM_REQUIRED = 1 << 0, /* （必填） in the label, aria-required */
	FORM_HIDDEN_LABEL = 1 << 1, /* label only for screen readers (table cells) */
};

struct form_opt {
	const char *value, *label;
};

void form_init(struct form *f, struct req *r, const struct errs *errs, form_map_fn map);
/* The same with ids NAME and messages NAME-error. */
void form_init_bare(struct form *f, struct req *r, const struct errs *errs);
/* Append suffix (a literal, e.g. "-restore") to every id of the form. */
void form_suffix(struct form *f, const char *suffix);
/* The id of input name / of its message, in a buffer owned by the request. */
const char *form_id(const struct form *f, const char *name);
const char *form_msg_id(const struct form *f, const char *name);
/* The error naming input name (after the map), NULL if none. */
const struct err *form_error(const struct form *f, const char *name);
/* The error summary: nothing when there is no error; an error naming no
 * field is listed without a link. */
void form_summary(struct form *f);
/* Every problem of all as a JSON list [{field, message}, ...] (a new
 * reference), for a page model's "errors". */
json_t *form_errs_json(const struct errs *all);
/* <label for="f-NAME">LABEL（必填） <span class="hint">HINT</span></label> */
void form_label(struct form *f, const char *name, const char *label, unsigned flags, const char *hint);
/* aria-invalid and aria-describedby when name holds an error. */
void form_err_attrs(struct form *f, const char *name);
/* The field's message, when name holds an error. */
void form_err_note(struct form *f, const char *name);
/* A labelled <input type=TYPE> in a <div class="field">; attrs is
 * trusted literal markup of the caller (may be NULL). */
void form_input(struct form *f, const char *type, const char *name, const char *label, const char *value,
		unsigned flags, const char *attrs, const char *hint);
void form_textarea(struct form *f, const char *name, const char *label, const char *value, int rows,
		   unsigned flags, const char *attrs, const char *hint);
/* A labelled <select>; none_label (may be NULL) adds an empty first option. */
void form_select(struct form *f, const char *name, const char *label, const struct form_opt *opts, size_t n,
		 const char *selected, const char *none_label, unsigned flags, const char *hint);
/* A <select> of the dictionary's entries of kind (core/dict.h). */
void form_select_dict(struct form *f, const char *name, const char *label, const char *kind, const char *selected,
		      const char *none_label, unsigned flags, const char *hint);
/* A checkbox sending value 1. */
void form_checkbox(struct form *f, const char *name, const char *label, bool checked, const char *hint);

/* ---- repeated rows ---- */
enum form_rows_act { FORM_ROWS_NONE = 0, FORM_ROWS_ADD, FORM_ROWS_DEL };
/* The row action of the submitted form for group: FORM_ROWS_ADD,
 * FORM_ROWS_DEL (*index set) or FORM_ROWS_NONE. */
enum form_rows_act form_rows_action(struct req *r, const char *group, size_t *index);
/* True when the submitted form asked for any row action (nothing saved). */
bool form_rows_requested(struct req *r);
/* Open a repeated group: <fieldset id="f-GROUP" data-rows="GROUP"> with
 * legend, hint, its group error, and a table with the given column heads. */
void form_rows_begin(struct form *f, const char *group, const char *legend, const char *hint,
		     const char *const *heads, size_t nheads);
/* Open row i (<tr data-row>, the row number as its first cell). */
void form_row_begin(struct form *f, size_t i);
/* One cell: a visually hidden label and a text input NAME with its error. */
void form_row_cell(struct form *f, const char *name, const char *label, const char *value, int maxlen);
/* Close row i of group with its 删除 button (label names the row). */
void form_row_end(struct form *f, const char *group, size_t i, bool can_delete);
/* Close the group with its 添加一行 button (when can_add). */
void form_rows_end(struct form *f, const char *group, bool can_add);
#endif
