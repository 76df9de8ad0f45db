/*
 * layout.h - the page chrome shared by the portal and the back office:
 * doctype, head, the department's header, navigation by role, footer.
 * Every HTML page is page_begin(...) + content + page_end(...).
 *
 * page_model() is how a page serves its data model twice: as JSON when
 * the client asked for JSON (Accept: application/json or /api/v1/...),
 * otherwise through the page's HTML renderer.
 */
#ifndef ZHIFA_LAYOUT_H
#define ZHIFA_LAYOUT_H
#include "http/http.h"
#include <jansson.h>

void page_begin(struct req *r, const char *title);
void page_end(struct req *r);

typedef void (*render_fn)(struct req *r, json_t *model);
/* Serve model (takes the reference) as JSON or via render. */
int page_model(struct req *r, json_t *model, render_fn render);

/* The hidden CSRF field for forms. */
void form_csrf(struct req *r);
/* Helpers reading a json model safely ("" / 0 when absent). */
const char *js(const json_t *o, const char *key);
long long ji(const json_t *o, const char *key);
#endif
