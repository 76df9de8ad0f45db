/*
 * pdf.c - 执法文书 as PDF: pango lays the text out (Chinese line breaking,
 * Noto CJK through fontconfig), cairo's PDF surface writes the file and
 * embeds the font subsets.  See pdf.h.
 *
 * The page follows the 公文 layout of GB/T 9704-2012 roughly: A4, text
 * area 156 mm x 225 mm (top margin 37 mm, left 28 mm), the enforcement
 * body's name and the title centred at the head, the number right-aligned
 * under the title; body text in a serif face, headings and labels in a
 * bold sans face.
 *
 * The document is built as a list of blocks (a pango layout each, or a
 * row of signature images) and then flowed twice over the pages with the
 * same code: the first pass only counts the pages, the second draws them,
 * so that every page can say "第 N 页 共 M 页".  A layout is split
 * between pages at line boundaries (a PangoLayoutIter walks its lines).
 *
 * Thread safety: every call makes its own cairo surface, cairo context
 * and pango context; the pango font map is pango_cairo_font_map_get_default(),
 * which is per thread since pango 1.32.6, and fontconfig and cairo guard
 * their shared caches themselves.
 */
#include "core/core.h"
#include "records/pdf.h"
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pthread.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAKS_IGNORED_BEGIN() __lsan_disable()
#define LEAKS_IGNORED_END() __lsan_enable()
#else
#define LEAKS_IGNORED_BEGIN() ((void)0)
#define LEAKS_IGNORED_END() ((void)0)
#endif

/* ---- page geometry, in PDF points (1/72 inch) ---- */
#define MM(x) ((x) * 72.0 / 25.4)
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_TOP MM(37)
#define MARGIN_LEFT MM(28)
#define MARGIN_RIGHT MM(26)
#define MARGIN_BOTTOM MM(35)
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
#define TEXT_BOTTOM (PAGE_H - MARGIN_BOTTOM)

#define FONT_BODY "Noto Serif CJK SC"
#define FONT_HEAD "Noto Sans CJK SC"
#define SIZE_BODY 12.0      /* 小四 */
#define SIZE_BODYNAME 16.0  /* 三号 */
#define SIZE_TITLE 22.0     /* 二号 */
#define SIZE_FOOT 9.0       /* 小五 */
#define SIZE_NOTICE 10.5    /* 五号 */
#define PITCH_BODY 22.0     /* line pitch of the body: 30 lines to the page */
#define PITCH_NOTICE 18.0

#define BOX_PAD 8.0         /* inside the notice box */
#define IMG_MAX_W 150.0     /* a signature image is scaled to fit this box */
#define IMG_MAX_H 60.0
#define IMG_COLS 2
#define PNG_MAX_SIDE 8192   /* refused before decoding: no huge allocations */
#define PNG_MAX_PIXELS (16u * 1024u * 1024u)

/* cairo writes the current time as /CreationDate unless told otherwise;
 * an empty value makes it write none, so that equal input gives equal
 * bytes (the document's own date is in its fields). */
#define PDF_CREATE_DATE ""

enum block_kind { BLOCK_TEXT, BLOCK_IMAGES };

struct pimage {
	cairo_surface_t *surf;
	double w, h;          /* drawn size */
	PangoLayout *caption;
};

struct block {
	enum block_kind kind;
	PangoLayout *layout;  /* BLOCK_TEXT */
	double space_before;
	double pitch;         /* the least height of a line (0: its own) */
	bool boxed;           /* the notice: framed, continued on the next page */
	struct pimage *imgs;  /* BLOCK_IMAGES: one row of up to IMG_COLS */
	size_t n_imgs;
	double row_h;
};

struct doc {
	PangoContext *ctx;
	struct block *b;
	size_t n, cap;
	struct pimage *all_imgs;
	size_t n_all_imgs;
	const struct pdf_doc *d;
};

/* ---- the flow over pages ---- */
struct flow {
	cairo_t *cr;          /* NULL: count only */
	const struct doc *doc;
	int page;             /* 1-based */
	int total;            /* known in the drawing pass */
	double y;
	double box_top;       /* of the notice's part on this page, < 0 if none */
	PangoLayout *foot, *wm;
};

static PangoLayout *new_layout(PangoContext *ctx, const char *family, double size, bool bold, double width,
			       PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	return l;
}

static struct block *add_block(struct doc *doc, enum block_kind k, double space_before)
{
	if (doc->n == doc->cap) {
		doc->cap = doc->cap ? 2 * doc->cap : 16;
		doc->b = xrealloc(doc->b, doc->cap * sizeof(*doc->b));
	}
	struct block *b = &doc->b[doc->n++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	b->space_before = space_before;
	return b;
}

static struct block *add_text(struct doc *doc, PangoLayout *l, const char *text, double space_before, double pitch)
{
	pango_layout_set_text(l, text, -1);
	struct block *b = add_block(doc, BLOCK_TEXT, space_before);
	b->layout = l;
	b->pitch = pitch;
	return b;
}

static void draw_page_furniture(struct flow *f)
{
	cairo_t *cr = f->cr;
	if (f->wm) {
		int w, h;
		pango_layout_get_size(f->wm, &w, &h);
		cairo_save(cr);
		cairo_translate(cr, PAGE_W / 2, PAGE_H / 2);
		cairo_rotate(cr, -M_PI / 6);
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, -(double)w / PANGO_SCALE / 2, -(double)h / PANGO_SCALE / 2);
		pango_cairo_show_layout(cr, f->wm);
		cairo_restore(cr);
	}
}

static void draw_footer(struct flow *f)
{
	cairo_t *cr = f->cr;
	const struct pdf_doc *d = f->doc->d;
	int w, h;
	double y = TEXT_BOTTOM + MM(8);
	cairo_set_source_rgb(cr, 0, 0, 0);
	if (!str_empty(d->footer)) {
		pango_layout_set_text(f->foot, d->footer, -1);
		pango_layout_get_size(f->foot, &w, &h);
		cairo_move_to(cr, MARGIN_LEFT, y);
		pango_cairo_show_layout(cr, f->foot);
		y += (double)h / PANGO_SCALE + 2;
	}
	char num[64];
	snprintf(num, sizeof num, "第 %d 页 共 %d 页", f->page, f->total);
	pango_layout_set_text(f->foot, num, -1);
	cairo_move_to(cr, MARGIN_LEFT, y);
	pango_cairo_show_layout(cr, f->foot);
}

static void box_close(struct flow *f)
{
	if (f->box_top < 0)
		return;
	f->y += BOX_PAD;
	if (f->cr) {
		cairo_save(f->cr);
		cairo_set_source_rgb(f->cr, 0, 0, 0);
		cairo_set_line_width(f->cr, 0.8);
		cairo_rectangle(f->cr, MARGIN_LEFT, f->box_top, TEXT_W, f->y - f->box_top);
		cairo_stroke(f->cr);
		cairo_restore(f->cr);
	}
	f->box_top = -1;
}

static void page_start(struct flow *f)
{
	f->y = MARGIN_TOP;
	if (f->cr)
		draw_page_furniture(f);
}

static void page_break(struct flow *f, bool in_box)
{
	if (in_box)
		box_close(f);
	if (f->cr) {
		draw_footer(f);
		cairo_show_page(f->cr);
	}
	f->page++;
	page_start(f);
	if (in_box) {
		f->box_top = f->y;
		f->y += BOX_PAD;
	}
}

static void flow_text(struct flow *f, const struct block *b)
{
	PangoLayout *l = b->layout;
	double x0 = MARGIN_LEFT + (b->boxed ? BOX_PAD : 0);
	double reserve = b->boxed ? BOX_PAD : 0;
	if (f->y > MARGIN_TOP)
		f->y += b->space_before;
	if (b->boxed) {
		/* no empty frame at the foot of a page: open the box where
		 * its first line fits */
		if (f->y + 2 * BOX_PAD + b->pitch > TEXT_BOTTOM && f->y > MARGIN_TOP)
			page_break(f, false);
		f->box_top = f->y;
		f->y += BOX_PAD;
	}
	/* every line takes max(pitch, its height), its ink centred in it: the
	 * lines of all the fields keep one rhythm down the page */
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		double h = (double)logical.height / PANGO_SCALE;
		double box = h > b->pitch ? h : b->pitch;
		if (f->y + box + reserve > TEXT_BOTTOM && f->y > MARGIN_TOP + (b->boxed ? BOX_PAD : 0) + 0.01)
			page_break(f, b->boxed);
		if (f->cr) {
			PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
			double above = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
			cairo_move_to(f->cr, x0 + (double)logical.x / PANGO_SCALE, f->y + (box - h) / 2 + above);
			pango_cairo_show_layout_line(f->cr, line);
		}
		f->y += box;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (b->boxed)
		box_close(f);
}

static void flow_images(struct flow *f, const struct block *b)
{
	if (f->y > MARGIN_TOP)
		f->y += b->space_before;
	if (f->y + b->row_h > TEXT_BOTTOM && f->y > MARGIN_TOP)
		page_break(f, false);
	double col_w = TEXT_W / IMG_COLS;
	for (size_t i = 0; i < b->n_imgs; i++) {
		const struct pimage *im = &b->imgs[i];
		double x = MARGIN_LEFT + (double)i * col_w;
		int cw, ch;
		pango_layout_get_size(im->caption, &cw, &ch);
		if (f->cr) {
			cairo_move_to(f->cr, x, f->y);
			pango_cairo_show_layout(f->cr, im->caption);
			double iw = cairo_image_surface_get_width(im->surf);
			double ih = cairo_image_surface_get_height(im->surf);
			cairo_save(f->cr);
			cairo_translate(f->cr, x, f->y + (double)ch / PANGO_SCALE + 4);
			cairo_scale(f->cr, im->w / iw, im->h / ih);
			cairo_set_source_surface(f->cr, im->surf, 0, 0);
			cairo_paint(f->cr);
			cairo_restore(f->cr);
		}
	}
	f->y += b->row_h;
}

static int flow(const struct doc *doc, cairo_t *cr, int total)
{
	struct flow f = { .cr = cr, .doc = doc, .page = 1, .total = total, .box_top = -1 };
	if (cr) {
		f.foot = new_layout(doc->ctx, FONT_BODY, SIZE_FOOT, false, TEXT_W, PANGO_ALIGN_CENTER);
		if (!str_empty(doc->d->watermark)) {
			f.wm = new_layout(doc->ctx, FONT_HEAD, 120, true, 0, PANGO_ALIGN_LEFT);
			pango_layout_set_text(f.wm, doc->d->watermark, -1);
		}
	}
	page_start(&f);
	for (size_t i = 0; i < doc->n; i++) {
		const struct block *b = &doc->b[i];
		if (b->kind == BLOCK_TEXT)
			flow_text(&f, b);
		else
			flow_images(&f, b);
	}
	if (cr) {
		draw_footer(&f);
		cairo_show_page(cr);
		g_object_unref(f.foot);
		if (f.wm)
			g_object_unref(f.wm);
	}
	return f.page;
}

/* ---- input ---- */
static bool text_ok(const char *s)
{
	return !s || utf8_valid(s, strlen(s));
}

struct png_src {
	const unsigned char *p;
	size_t len, off;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int n)
{
	struct png_src *s = closure;
	if (s->len - s->off < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->off, n);
	s->off += n;
	return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode a PNG; NULL when it is not one (or too large to decode). */
static cairo_surface_t *png_decode(const unsigned char *p, size_t len)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	if (!p || len < 33 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
		return NULL;
	uint32_t w = be32(p + 16), h = be32(p + 20);
	if (w == 0 || h == 0 || w > PNG_MAX_SIDE || h > PNG_MAX_SIDE || (uint64_t)w * h > PNG_MAX_PIXELS)
		return NULL;
	struct png_src src = { p, len, 0 };
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &src);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return NULL;
	}
	return s;
}

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int n)
{
	return buf_add(closure, data, n) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static void doc_release(struct doc *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		if (doc->b[i].layout)
			g_object_unref(doc->b[i].layout);
	free(doc->b);
	for (size_t i = 0; i < doc->n_all_imgs; i++) {
		if (doc->all_imgs[i].surf)
			cairo_surface_destroy(doc->all_imgs[i].surf);
		if (doc->all_imgs[i].caption)
			g_object_unref(doc->all_imgs[i].caption);
	}
	free(doc->all_imgs);
	if (doc->ctx)
		g_object_unref(doc->ctx);
}

/* A label: the heading face (bold sans, like 黑体 on printed forms) from
 * start to end.  Two faces in all (serif regular, sans bold): each face
 * embedded is a CFF subset that cairo builds per file, the larger part of
 * the time a document takes. */
static void label_attrs(PangoAttrList *attrs, size_t start, size_t end)
{
	PangoAttribute *a = pango_attr_family_new(FONT_HEAD);
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(attrs, a);
	a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(attrs, a);
}

/* The label face from start to the first "：" of each line when it comes within the
 * first max_label characters ("执法人员：…" in the notice). */
static void bold_labels(PangoAttrList *attrs, const char *s, long max_label)
{
	const char *line = s;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		const char *colon = memmem(line, len, "：", strlen("："));
		if (colon && utf8_len(line, (size_t)(colon - line)) <= max_label)
			label_attrs(attrs, (size_t)(line - s), (size_t)(colon - s) + strlen("："));
		line += len + (eol ? 1 : 0);
	}
}

static PangoLayout *body_layout(struct doc *doc, double size, double width)
{
	PangoLayout *l = new_layout(doc->ctx, FONT_BODY, size, false, width, PANGO_ALIGN_LEFT);
	return l;
}

/* "label：text" with the label in bold */
static void add_field(struct doc *doc, const struct pdf_field *fd, double space_before)
{
	PangoLayout *l = body_layout(doc, SIZE_BODY, TEXT_W);
	const char *label = fd->label ? fd->label : "";
	const char *text = fd->text ? fd->text : "";
	if (str_empty(label)) {
		add_text(doc, l, text, space_before, PITCH_BODY);
		return;
	}
	char *s = xasprintf("%s：%s", label, text);
	PangoAttrList *attrs = pango_attr_list_new();
	label_attrs(attrs, 0, strlen(label) + strlen("："));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	add_text(doc, l, s, space_before, PITCH_BODY);
	free(s);
}

static int build(struct doc *doc, const struct pdf_doc *d, struct err *e)
{
	PangoLayout *l;
	if (!str_empty(d->body_name)) {
		l = new_layout(doc->ctx, FONT_HEAD, SIZE_BODYNAME, true, TEXT_W, PANGO_ALIGN_CENTER);
		add_text(doc, l, d->body_name, 0, 0);
	}
	l = new_layout(doc->ctx, FONT_HEAD, SIZE_TITLE, true, TEXT_W, PANGO_ALIGN_CENTER);
	add_text(doc, l, str_empty(d->title) ? "" : d->title, 6, 0);
	if (!str_empty(d->number)) {
		l = new_layout(doc->ctx, FONT_BODY, SIZE_BODY, false, TEXT_W, PANGO_ALIGN_RIGHT);
		add_text(doc, l, d->number, 4, 0);
	}
	for (size_t i = 0; i < d->n_fields; i++)
		add_field(doc, &d->fields[i], i == 0 ? 14 : 0);
	for (size_t i = 0; i < d->n_phrases; i++) {
		if (str_empty(d->phrases[i]))
			continue;
		l = body_layout(doc, SIZE_BODY, TEXT_W);
		pango_layout_set_indent(l, (int)(2 * SIZE_BODY * PANGO_SCALE));
		add_text(doc, l, d->phrases[i], i == 0 ? 8 : 0, PITCH_BODY);
	}
	if (!str_empty(d->notice)) {
		l = body_layout(doc, SIZE_NOTICE, TEXT_W - 2 * BOX_PAD);
		PangoAttrList *attrs = pango_attr_list_new();
		bold_labels(attrs, d->notice, 10);
		pango_layout_set_attributes(l, attrs);
		pango_attr_list_unref(attrs);
		struct block *bl = add_text(doc, l, d->notice, 14, PITCH_NOTICE);
		bl->boxed = true;
	}
	if (d->n_images) {
		doc->all_imgs = xcalloc(d->n_images, sizeof(*doc->all_imgs));
		for (size_t i = 0; i < d->n_images; i++) {
			struct pimage *im = &doc->all_imgs[i];
			doc->n_all_imgs = i + 1;
			im->surf = png_decode(d->images[i].png, d->images[i].len);
			if (!im->surf)
				return err_set(e, ERR_INVALID, "image", "第 %zu 个签名图像不是有效的 PNG 图片", i + 1);
			double iw = cairo_image_surface_get_width(im->surf);
			double ih = cairo_image_surface_get_height(im->surf);
			double sc = fmin(IMG_MAX_W / iw, IMG_MAX_H / ih);
			im->w = iw * sc;
			im->h = ih * sc;
			im->caption = new_layout(doc->ctx, FONT_HEAD, SIZE_BODY, true, TEXT_W / IMG_COLS - 6,
						 PANGO_ALIGN_LEFT);
			pango_layout_set_text(im->caption, d->images[i].caption ? d->images[i].caption : "", -1);
		}
		for (size_t i = 0; i < d->n_images; i += IMG_COLS) {
			struct block *b = add_block(doc, BLOCK_IMAGES, i == 0 ? 18 : 10);
			b->imgs = &doc->all_imgs[i];
			b->n_imgs = d->n_images - i < IMG_COLS ? d->n_images - i : IMG_COLS;
			for (size_t j = 0; j < b->n_imgs; j++) {
				int cw, ch;
				pango_layout_get_size(b->imgs[j].caption, &cw, &ch);
				double hh = (double)ch / PANGO_SCALE + 4 + b->imgs[j].h;
				if (hh > b->row_h)
					b->row_h = hh;
			}
		}
	}
	return 0;
}

/* ---- the libraries' lasting state ----
 * Two allocations of the libraries are never freed, and are not ours to
 * free; the leak checker of the sanitizer build is told to ignore exactly
 * those (nothing else is hidden from it):
 *  - fontconfig parses its configuration once per process (FcInit) and
 *    keeps part of it unreachable; done here once, up front (pango would
 *    do it on a thread of its own, out of the checker's reach here);
 *  - cairo 1.16's CFF subsetter (cairo_cff_font_read_cid_fontdict) does not
 *    free the index of the FDArray it read when it succeeds: 768 bytes per
 *    CID-keyed font (Noto CJK is one) per PDF, inside cairo_surface_finish.
 * At exit the calling thread's pango font map is released (its caches hold
 * fontconfig patterns); a thread that ends releases its own (pango keeps
 * it in a GPrivate with a destructor). */
static pthread_once_t libs_once = PTHREAD_ONCE_INIT;

static void libs_release(void)
{
	pango_cairo_font_map_set_default(NULL);
}

static void libs_init(void)
{
	LEAKS_IGNORED_BEGIN();
	if (!FcInit())
		log_warn("pdf: fontconfig did not initialise");
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(fm);
	PangoLayout *l = new_layout(ctx, FONT_BODY, SIZE_BODY, false, 0, PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, "文书", -1);
	int w, h;
	pango_layout_get_size(l, &w, &h);
	g_object_unref(l);
	g_object_unref(ctx);
	LEAKS_IGNORED_END();
	atexit(libs_release);
}

int pdf_render(const struct pdf_doc *d, struct buf *out, int *pages, struct err *e)
{
	if (pages)
		*pages = 0;
	if (!d)
		BUG("pdf_render without a document");
	bool ok = text_ok(d->body_name) && text_ok(d->title) && text_ok(d->number) && text_ok(d->notice) &&
		  text_ok(d->footer) && text_ok(d->watermark);
	for (size_t i = 0; ok && i < d->n_fields; i++)
		ok = text_ok(d->fields[i].label) && text_ok(d->fields[i].text);
	for (size_t i = 0; ok && i < d->n_phrases; i++)
		ok = text_ok(d->phrases[i]);
	for (size_t i = 0; ok && i < d->n_images; i++)
		ok = text_ok(d->images[i].caption);
	if (!ok)
		return err_set(e, ERR_INVALID, "text", "文书内容含有无效的 UTF-8 文字");

	pthread_once(&libs_once, libs_init);
	struct doc doc = { .d = d };
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	doc.ctx = pango_font_map_create_context(fm);
	pango_cairo_context_set_resolution(doc.ctx, 72);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(doc.ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(doc.ctx, pango_language_from_string("zh-cn"));

	int rc = build(&doc, d, e);
	if (rc < 0) {
		doc_release(&doc);
		return rc;
	}
	int total = flow(&doc, NULL, 0);

	size_t start = out->len;
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(pdf_write, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, PDF_CREATE_DATE);
	if (!str_empty(d->title))
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, d->title);
	if (!str_empty(d->body_name))
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, d->body_name);
	cairo_t *cr = cairo_create(surf);
	int drawn = flow(&doc, cr, total);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	LEAKS_IGNORED_BEGIN();
	cairo_surface_finish(surf);
	LEAKS_IGNORED_END();
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	doc_release(&doc);
	if (st != CAIRO_STATUS_SUCCESS || drawn != total) {
		buf_truncate(out, start);
		log_error("pdf_render: cairo: %s (pages %d/%d)", cairo_status_to_string(st), drawn, total);
		return err_set(e, ERR_INTERNAL, "", "生成 PDF 文件失败");
	}
	if (pages)
		*pages = total;
	return 0;
}
