/*
 * matter_view.h - HTML fragments of an enforcement matter shared by the
 * portal (portal.c) and the back office (admin_matters.c): the procedure
 * steps and the remedy channels, so both show them the same way.
 */
#ifndef ZHIFA_MATTER_VIEW_H
#define ZHIFA_MATTER_VIEW_H
#include "http/http.h"
#include <jansson.h>

/* <ol class="steps"> with each step's name, note and time limit. */
void matter_steps_html(struct req *r, const json_t *procedure);
/* <ul> with each remedy channel: 行政复议/行政诉讼, body, time limit. */
void matter_remedy_html(struct req *r, const json_t *remedy);
#endif
