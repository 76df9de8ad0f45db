/*
 * html_body.h - the http layer's side of struct html (http/html.h): making
 * a page body, reading its bytes, and the one door for markup the http
 * layer itself was handed by a caller.  For src/http/ only: a file in
 * src/pages/ that includes this header or calls these functions fails
 * scripts/check-layers.sh.
 */
#ifndef ZHIFA_HTML_BODY_H
#define ZHIFA_HTML_BODY_H
#include "core/core.h"
#include "http/html.h"

struct html *html_new(void);
void html_free(struct html *h);
void html_reset(struct html *h);
/* The bytes written so far (never NULL) and their number. */
const char *html_bytes(const struct html *h, size_t *n);
/* Take the bytes (malloc'd, NUL-terminated, caller frees); h is empty after. */
char *html_detach(struct html *h, size_t *n);
/* Replace the body with n bytes that are not HTML (resp_text, resp_json). */
void html_set_bytes(struct html *h, const void *p, size_t n);
/* Markup that an http-layer helper was given by its caller as trusted
 * (the attrs of a form field, say).  Never for pages: they write literals
 * with h_raw and values with h_printf. */
void h_trusted_markup(struct html *h, const char *markup);
#endif
