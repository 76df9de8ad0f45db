/*
 * matter_view.h - HTML fragments of an enforcement matter shared by the
 * portal (portal.c) and the back office (admin_matters.c): the procedure
 * steps, the remedy channels and the public page's body, so both show
 * them the same way.
 */
#ifndef ZHIFA_MATTER_VIEW_H
#define ZHIFA_MATTER_VIEW_H
#include "http/http.h"
#include <jansson.h>

/* <ol class="steps"> with each step's name, note and time limit. */
void matter_steps_html(struct req *r, const json_t *procedure);
/* <ul> with each remedy channel: 行政复议/行政诉讼, body, time limit. */
void matter_remedy_html(struct req *r, const json_t *remedy);

/* The body of an item's public page (portal.c), after its title: the
 * properties, legal basis, materials, procedure, flowchart (an <img> of
 * flowchart_src), remedy channels and related lists of a portal model
 * (publicity_portal_item's shape).  The back office shows it as the
 * preview of a publication, so the preview is the public page. */
void portal_item_body(struct req *r, json_t *m, const char *flowchart_src);
#endif
