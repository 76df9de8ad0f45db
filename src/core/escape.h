/*
 * escape.h - the one HTML/XML text escaper.  The page output layer
 * (http/html.c) and the SVG flowchart (publicity/flowchart.c) both write
 * every runtime string through it, so the two cannot drift apart.
 *
 *   esc_markup(out, s, n, 0)        & < > " ' ` as entities; safe in text
 *                                   and in quoted attributes of HTML.
 *   esc_markup(out, s, n, ESC_XML)  the same, and XML 1.0 well-formed:
 *                                   stops at a NUL byte and writes control
 *                                   characters other than tab as a space.
 */
#ifndef ZHIFA_ESCAPE_H
#define ZHIFA_ESCAPE_H
#include "core/core.h"

enum esc_flags { ESC_XML = 1 << 0 };
void esc_markup(struct buf *out, const char *s, size_t n, unsigned flags);
#endif
