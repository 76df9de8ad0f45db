/* matter_view.c - shared HTML fragments of a matter (see matter_view.h). */
#include "core/core.h"
#include "pages/matter_view.h"
#include "http/html.h"
#include "http/layout.h"

void matter_steps_html(struct req *r, const json_t *procedure)
{
	size_t i;
	const json_t *s;
	h_raw(r->out, "<ol class=\"steps\">");
	json_array_foreach(procedure, i, s) {
		h_printf(r->out, "<li><strong>%s</strong>", js(s, "name"));
		if (!str_empty(js(s, "note")))
			h_printf(r->out, " — %s", js(s, "note"));
		if (!str_empty(js(s, "time_limit")))
			h_printf(r->out, "（时限：%s）", js(s, "time_limit"));
		h_raw(r->out, "</li>");
	}
	h_raw(r->out, "</ol>");
}

void matter_remedy_html(struct req *r, const json_t *remedy)
{
	size_t i;
	const json_t *s;
	h_raw(r->out, "<ul>");
	json_array_foreach(remedy, i, s) {
		h_printf(r->out, "<li>%s：%s", str_eq(js(s, "type"), "review") ? "行政复议" : "行政诉讼", js(s, "body"));
		if (!str_empty(js(s, "time_limit")))
			h_printf(r->out, "，%s", js(s, "time_limit"));
		h_raw(r->out, "</li>");
	}
	h_raw(r->out, "</ul>");
}
