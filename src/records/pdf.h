/*
 * pdf.h - 执法文书 as PDF: A4, the enforcement body's name at the head, the
 * document's number, its fields, fixed legal phrases, the notice to the
 * party (事中公示), signature images, and "第 N 页 共 M 页" on every page;
 * laid out by pango (Chinese line breaking) on cairo's PDF surface, fonts
 * embedded (Noto CJK through fontconfig).
 *
 * Invariants: the same input gives the same bytes (no changing creation
 * date in the file); nothing is written by hand as PDF operators.
 */
#ifndef ZHIFA_PDF_H
#define ZHIFA_PDF_H
#include "core/core.h"
#include "core/buf.h"
#include "core/err.h"

struct pdf_field {
	const char *label; /* may be "" (a paragraph without a label) */
	const char *text;  /* may be long: wrapped */
};
struct pdf_image {
	const unsigned char *png; /* PNG bytes (a signature on screen, a scan) */
	size_t len;
	const char *caption;      /* e.g. "当事人签名" */
};
struct pdf_doc {
	const char *body_name;    /* 执法主体, printed at the head */
	const char *title;        /* document type name, e.g. "询问笔录" */
	const char *number;       /* document number, or "" */
	const struct pdf_field *fields;
	size_t n_fields;
	const char *const *phrases; /* fixed legal phrases, each a paragraph */
	size_t n_phrases;
	const char *notice;       /* 事中公示 block (documents handed to the party), or "" */
	const struct pdf_image *images;
	size_t n_images;
	const char *footer;       /* small text at the foot of every page, or "" */
	const char *watermark;    /* "草稿" on drafts, "" on finalised documents */
};

/* Render d as an A4 PDF into out (appended); *pages (may be NULL) gets the
 * page count.  0, or -1 with ERR_INVALID (a PNG that does not decode, text
 * that is not UTF-8; field "image" / "text") or ERR_INTERNAL.
 * Thread-safe. */
int pdf_render(const struct pdf_doc *d, struct buf *out, int *pages, struct err *e);

#endif
