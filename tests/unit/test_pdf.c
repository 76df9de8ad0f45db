/*
 * test_pdf.c - the document renderer (src/records/pdf.c), checked with
 * tools not written here (poppler-utils): a three-page 询问笔录 with the
 * notice to the party and two signature images; pdftotext finds the
 * officers' names and certificate numbers, the remedies and a long
 * paragraph in full, "第 N 页 共 3 页" on page N; pdffonts says every font
 * is embedded; pdfinfo says A4 and 3 pages; pdfimages counts the
 * signatures; no two words overlap and none leaves the text area
 * (pdftotext -bbox); equal input gives equal bytes; a bad PNG and text
 * that is not UTF-8 are refused; two threads render at once.
 * The pages are also rendered to build/screenshots/pdf-*.png to look at.
 */
#include "core/core.h"
#include "core/buf.h"
#include "core/err.h"
#include "records/pdf.h"
#include "tap.h"
#include "unit/pdf_sample.h"
#include <cairo.h>
#include <math.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MM(x) ((x) * 72.0 / 25.4)

static char tmpdir[] = "/tmp/zhifa-test-pdf.XXXXXX";

static bool have_tool(const char *name)
{
	char *cmd = xasprintf("command -v %s >/dev/null 2>&1", name);
	int rc = system(cmd);
	free(cmd);
	return rc == 0;
}

/* stdout of cmd, NUL-terminated (caller frees); NULL if it failed */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&b, chunk, n);
	int rc = pclose(p);
	buf_putc(&b, '\0');
	char *s = buf_detach(&b, NULL);
	if (rc != 0) {
		printf("# command failed (%d): %s\n", rc, cmd);
		free(s);
		return NULL;
	}
	return s;
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
		BUG("cannot write %s", path);
}

/* the value of "Key:   value" in pdfinfo's output, NULL if absent */
static char *info_value(const char *info, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = info; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':') {
			const char *v = p + kl + 1;
			while (*v == ' ')
				v++;
			const char *eol = strchr(v, '\n');
			return xstrndup(v, eol ? (size_t)(eol - v) : strlen(v));
		}
	}
	return NULL;
}

/* the text without any white space (line breaks, page breaks, spaces) */
static char *squeeze(const char *s)
{
	char *o = xmalloc(strlen(s) + 1), *q = o;
	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\t')
			*q++ = *s;
	*q = '\0';
	return o;
}

/* ---- word boxes of pdftotext -bbox ---- */
struct word {
	int page;
	double x0, y0, x1, y1;
	char text[128];
};

static double attr(const char *s, const char *name)
{
	char key[16];
	snprintf(key, sizeof key, "%s=\"", name);
	const char *p = strstr(s, key);
	return p ? strtod(p + strlen(key), NULL) : NAN;
}

static size_t parse_bbox(const char *html, struct word **out)
{
	size_t n = 0, cap = 0;
	struct word *w = NULL;
	int page = 0;
	for (const char *p = html; (p = strchr(p, '<')); p++) {
		if (str_starts(p, "<page ")) {
			page++;
		} else if (str_starts(p, "<word ")) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				w = xrealloc(w, cap * sizeof(*w));
			}
			struct word *x = &w[n++];
			x->page = page;
			x->x0 = attr(p, "xMin");
			x->y0 = attr(p, "yMin");
			x->x1 = attr(p, "xMax");
			x->y1 = attr(p, "yMax");
			const char *t = strchr(p, '>');
			const char *end = t ? strstr(t, "</word>") : NULL;
			size_t len = t && end ? (size_t)(end - t - 1) : 0;
			if (len >= sizeof x->text)
				len = sizeof x->text - 1;
			memcpy(x->text, t ? t + 1 : "", len);
			x->text[len] = '\0';
		}
	}
	*out = w;
	return n;
}

static void test_inquiry(void)
{
	struct sample s;
	sample_init(&s, PDF_SAMPLE_ROUNDS);
	struct buf pdf = BUF_INIT;
	struct err e = ERR_INIT;
	int pages = -1;
	int rc = pdf_render(&s.d, &pdf, &pages, &e);
	ok(rc == 0, "the 询问笔录 renders (%s)", e.msg);
	is_int(pages, 3, "it has three pages");
	ok(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0, "the output is a PDF (%zu bytes)", pdf.len);
	char *path = xasprintf("%s/inquiry.pdf", tmpdir);
	write_file(path, &pdf);

	/* pdfinfo: A4, pages */
	char *cmd = xasprintf("pdfinfo '%s'", path);
	char *info = run(cmd);
	free(cmd);
	char *v = info_value(info, "Page size");
	is_str(v, "595.28 x 841.89 pts (A4)", "pdfinfo: the page size is A4");
	free(v);
	char want[16];
	snprintf(want, sizeof want, "%d", pages);
	v = info_value(info, "Pages");
	is_str(v, want, "pdfinfo: the page count is %d", pages);
	free(v);
	v = info_value(info, "Title");
	is_str(v, "询问笔录", "pdfinfo: the title is the document type");
	free(v);
	v = info_value(info, "CreationDate");
	ok(!v, "no creation date that would change from one rendering to the next");
	free(v);
	free(info);

	/* pdffonts: every font embedded, and they are the Noto CJK faces */
	cmd = xasprintf("pdffonts '%s'", path);
	char *fonts = run(cmd);
	free(cmd);
	int nfonts = 0, nemb = 0, serif = 0, sans = 0;
	if (fonts) {
		char *line = strstr(fonts, "\n---");
		line = line ? strchr(line + 1, '\n') : NULL;
		while (line && *++line) {
			char *eol = strchr(line, '\n');
			if (eol)
				*eol = '\0';
			/* columns: name type encoding emb sub uni object ID, the
			 * type may have spaces ("CID Type 0C"): count from the end */
			char *tok[32];
			int nt = 0;
			char name[256] = "";
			char *save = NULL;
			for (char *t = strtok_r(line, " ", &save); t && nt < 32; t = strtok_r(NULL, " ", &save))
				tok[nt++] = t;
			if (nt >= 7) {
				snprintf(name, sizeof name, "%s", tok[0]);
				nfonts++;
				nemb += str_eq(tok[nt - 5], "yes");
				serif += strstr(name, "NotoSerifCJK") != NULL;
				sans += strstr(name, "NotoSansCJK") != NULL;
			}
			if (!eol)
				break;
			line = eol;
		}
	}
	ok(nfonts >= 2 && nemb == nfonts, "pdffonts: all %d fonts are embedded (%d embedded)", nfonts, nemb);
	ok(serif == 1 && sans == 1, "pdffonts: Noto Serif CJK for the body, Noto Sans CJK for the heads (%d, %d)",
	   serif, sans);
	is_int(nfonts, 2, "two faces in all (each embedded face costs a font subset)");
	free(fonts);

	/* pdftotext: the strings, in Chinese */
	cmd = xasprintf("pdftotext -enc UTF-8 '%s' -", path);
	char *text = run(cmd);
	free(cmd);
	char *flat = text ? squeeze(text) : xstrdup("");
	const char *must[] = { "云南省工业和信息化厅", "询问笔录", "云工信询〔2026〕12号", "张明", "53010020260001",
			       "李华", "53010020260002", "行政复议", "六十日", "行政诉讼", "六个月",
			       "云南省人民政府", "昆明市中级人民法院", "被询问人签名", "询问人签名",
			       "案件编号2026-0012", "你有权进行陈述和申辩", "没有了，以上所说均属实。" };
	for (size_t i = 0; i < ARRAY_SIZE(must); i++)
		ok(strstr(flat, must[i]), "pdftotext finds 「%s」", must[i]);
	char *lp = squeeze(long_para);
	ok(strstr(flat, lp), "the long paragraph is in the text in full, in order, when line breaks are removed");
	free(lp);
	char *nt = squeeze(notice_text);
	ok(strstr(flat, nt), "the notice is in the text in full");
	free(nt);
	const char *head = strstr(flat, "云南省工业和信息化厅询问笔录云工信询〔2026〕12号");
	ok(head && head - flat < 20, "the page begins with the body's name, the title and the number");
	ok(!strstr(flat, "草稿"), "a finalised document has no watermark");
	free(flat);
	free(text);

	/* page numbers: page N says 第 N 页 共 3 页 */
	for (int p = 1; p <= pages; p++) {
		cmd = xasprintf("pdftotext -enc UTF-8 -f %d -l %d '%s' -", p, p, path);
		char *pt = run(cmd);
		free(cmd);
		char w1[64];
		snprintf(w1, sizeof w1, "第%d页共%d页", p, pages);
		char *flat_p = squeeze(pt ? pt : "");
		ok(strstr(flat_p, w1), "page %d says 「第 %d 页 共 %d 页」", p, p, pages);
		free(flat_p);
		ok(pt && strstr(pt, "案件编号 2026-0012"), "page %d has the footer", p);
		free(pt);
	}

	/* pdfimages: the two signatures */
	cmd = xasprintf("pdfimages -list '%s'", path);
	char *imgs = run(cmd);
	free(cmd);
	int nimg = 0;
	for (const char *p = imgs; p && *p; p++) {
		int page, num;
		char type[16];
		if (sscanf(p, "%d %d %15s", &page, &num, type) == 3 && str_eq(type, "image"))
			nimg++;
		p = strchr(p, '\n');
		if (!p)
			break;
	}
	is_int(nimg, 2, "pdfimages lists the two signature images");
	free(imgs);

	/* word boxes: inside the text area (the margins of GB/T 9704 give
	 * 156 mm of width from 28 mm), and no two words overlap */
	cmd = xasprintf("pdftotext -bbox -enc UTF-8 '%s' -", path);
	char *bbox = run(cmd);
	free(cmd);
	struct word *w = NULL;
	size_t nw = bbox ? parse_bbox(bbox, &w) : 0;
	ok(nw > 100, "pdftotext -bbox gives the word boxes (%zu)", nw);
	size_t outside = 0, overlaps = 0;
	double left = MM(28) - 0.5, right = PAGE_W - MM(26) + 0.5, top = MM(37) - 1, bottom = PAGE_H - MM(12);
	for (size_t i = 0; i < nw; i++) {
		if (w[i].x0 < left || w[i].x1 > right || w[i].y0 < top || w[i].y1 > bottom) {
			if (outside++ < 3)
				printf("# outside the text area: p%d %.1f %.1f %.1f %.1f %s\n", w[i].page, w[i].x0,
				       w[i].y0, w[i].x1, w[i].y1, w[i].text);
		}
		for (size_t j = i + 1; j < nw && w[j].page == w[i].page; j++) {
			double ox = fmin(w[i].x1, w[j].x1) - fmax(w[i].x0, w[j].x0);
			double oy = fmin(w[i].y1, w[j].y1) - fmax(w[i].y0, w[j].y0);
			if (ox > 0.5 && oy > 0.5) {
				if (overlaps++ < 3)
					printf("# overlap on page %d: %s / %s\n", w[i].page, w[i].text, w[j].text);
			}
		}
	}
	is_int(outside, 0, "no word outside the text area");
	is_int(overlaps, 0, "no two words overlap");
	/* the number is right-aligned: it ends at the right margin */
	bool num_right = false;
	for (size_t i = 0; i < nw; i++)
		if (strstr(w[i].text, "12号") && w[i].page == 1)
			num_right = fabs(w[i].x1 - (PAGE_W - MM(26))) < 2;
	ok(num_right, "the number is right-aligned at the right margin");
	free(w);
	free(bbox);

	/* pictures to look at */
	if (mkdir("build/screenshots", 0755) == 0 || access("build/screenshots", W_OK) == 0) {
		if (system("rm -f build/screenshots/pdf-inquiry-*.png") != 0)
			printf("# could not remove the old screenshots\n");
		cmd = xasprintf("pdftoppm -r 80 -png '%s' build/screenshots/pdf-inquiry", path);
		char *o = run(cmd);
		free(cmd);
		ok(o && access("build/screenshots/pdf-inquiry-1.png", R_OK) == 0, "pdftoppm renders the pages");
		free(o);
	}

	/* determinism: the same input a second later gives the same bytes */
	sleep(1);
	struct buf again = BUF_INIT;
	rc = pdf_render(&s.d, &again, NULL, &e);
	ok(rc == 0 && again.len == pdf.len && memcmp(again.data, pdf.data, pdf.len) == 0,
	   "equal input gives equal bytes (%zu / %zu)", again.len, pdf.len);
	buf_release(&again);

	/* appended: out keeps what it had */
	struct buf pre = BUF_INIT;
	buf_puts(&pre, "PREFIX");
	rc = pdf_render(&s.d, &pre, NULL, &e);
	ok(rc == 0 && pre.len == pdf.len + 6 && memcmp(pre.data, "PREFIX", 6) == 0 &&
		   memcmp(pre.data + 6, pdf.data, pdf.len) == 0,
	   "the PDF is appended to what out holds");
	buf_release(&pre);

	free(path);
	buf_release(&pdf);
	sample_release(&s);
}

static void test_draft(void)
{
	struct sample s;
	sample_init(&s, 1);
	s.d.watermark = "草稿";
	s.d.n_images = 0;
	s.d.notice = "";
	s.d.number = "";
	struct buf pdf = BUF_INIT;
	struct err e = ERR_INIT;
	int pages = 0;
	ok(pdf_render(&s.d, &pdf, &pages, &e) == 0 && pages == 1, "a short draft renders on one page (%d)", pages);
	char *path = xasprintf("%s/draft.pdf", tmpdir);
	write_file(path, &pdf);
	/* -raw: the watermark is diagonal text */
	char *cmd = xasprintf("pdftotext -raw -enc UTF-8 '%s' -", path);
	char *text = run(cmd);
	free(cmd);
	char *flat = squeeze(text ? text : "");
	ok(strstr(flat, "草稿"), "the draft carries the watermark 草稿");
	ok(strstr(flat, "第1页共1页"), "第 1 页 共 1 页");
	free(flat);
	free(text);
	cmd = xasprintf("pdfimages -list '%s' | wc -l", path);
	text = run(cmd);
	free(cmd);
	ok(text && text[0] == '2', "no images without signatures (only the two header lines of pdfimages)");
	free(text);
	cmd = xasprintf("pdftoppm -r 60 -png '%s' build/screenshots/pdf-draft", path);
	free(run(cmd));
	free(cmd);
	free(path);
	buf_release(&pdf);
	sample_release(&s);

	/* nothing at all: still one page with its number */
	struct pdf_doc empty = { 0 };
	buf_init(&pdf, 0);
	ok(pdf_render(&empty, &pdf, &pages, &e) == 0 && pages == 1, "an empty document is one page");
	buf_release(&pdf);
}

static void test_refused(void)
{
	struct sample s;
	sample_init(&s, 1);
	struct buf pdf = BUF_INIT;
	struct err e = ERR_INIT;
	int pages = 7;
	buf_puts(&pdf, "keep");

	/* not a PNG */
	static const unsigned char junk[] = "GIF89a not a png at all, not at all, no....";
	s.images[1] = (struct pdf_image){ junk, sizeof junk, "询问人签名" };
	int rc = pdf_render(&s.d, &pdf, &pages, &e);
	ok(rc == -1 && e.kind == ERR_INVALID && str_eq(e.field, "image"), "a file that is not a PNG is refused (%s)",
	   e.field);
	ok(strstr(e.msg, "PNG") && strstr(e.msg, "第 2 个"), "the message names the image (%s)", e.msg);
	ok(pdf.len == 4 && pages == 0, "nothing is written");

	/* a PNG cut short */
	err_clear(&e);
	s.images[1] = (struct pdf_image){ (const unsigned char *)s.png2.data, s.png2.len / 2, "询问人签名" };
	rc = pdf_render(&s.d, &pdf, &pages, &e);
	ok(rc == -1 && e.kind == ERR_INVALID && str_eq(e.field, "image"), "a truncated PNG is refused");

	/* a PNG header claiming an enormous picture is refused before decoding */
	err_clear(&e);
	unsigned char *big = xmalloc(s.png2.len);
	memcpy(big, s.png2.data, s.png2.len);
	big[16] = 0x00, big[17] = 0x01, big[18] = 0x00, big[19] = 0x00; /* width 65536 */
	s.images[1] = (struct pdf_image){ big, s.png2.len, "询问人签名" };
	rc = pdf_render(&s.d, &pdf, &pages, &e);
	ok(rc == -1 && e.kind == ERR_INVALID && str_eq(e.field, "image"), "a PNG of 65536 pixels' width is refused");
	free(big);
	s.images[1] = (struct pdf_image){ (const unsigned char *)s.png2.data, s.png2.len, "询问人签名" };

	/* text that is not UTF-8, in a field, a label, the notice, a caption */
	const char *bad = "询问\xe5\x9c内容"; /* a character cut in half */
	struct pdf_field saved = s.fields[1];
	s.fields[1].text = bad;
	err_clear(&e);
	rc = pdf_render(&s.d, &pdf, &pages, &e);
	ok(rc == -1 && e.kind == ERR_INVALID && str_eq(e.field, "text"), "a field's text that is not UTF-8 is refused");
	ok(e.msg[0] && utf8_valid(e.msg, strlen(e.msg)), "with a message in Chinese (%s)", e.msg);
	s.fields[1] = saved;
	s.fields[1].label = "\xff\xfe";
	err_clear(&e);
	ok(pdf_render(&s.d, &pdf, &pages, &e) == -1 && str_eq(e.field, "text"), "a label that is not UTF-8 is refused");
	s.fields[1] = saved;
	s.d.notice = "\xc0\xaf";
	err_clear(&e);
	ok(pdf_render(&s.d, &pdf, &pages, &e) == -1 && str_eq(e.field, "text"), "an overlong encoding is refused");
	s.d.notice = "";
	s.images[0].caption = "签\x80名";
	err_clear(&e);
	ok(pdf_render(&s.d, &pdf, &pages, &e) == -1 && str_eq(e.field, "text"), "a caption that is not UTF-8 is refused");
	ok(pdf.len == 4 && memcmp(pdf.data, "keep", 4) == 0, "out is untouched after every refusal");
	s.images[0].caption = "被询问人签名";

	/* out with a size limit too small for the PDF: an internal error, out as it was */
	struct buf small;
	buf_init(&small, 2000);
	buf_puts(&small, "ab");
	err_clear(&e);
	rc = pdf_render(&s.d, &small, &pages, &e);
	ok(rc == -1 && e.kind == ERR_INTERNAL && small.len == 2, "a PDF that does not fit out is an internal error");
	buf_release(&small);

	buf_release(&pdf);
	sample_release(&s);
}

/* ---- the notice's frame never opens empty at the foot of a page ----
 * The frame's top and bottom edges are the only rows of the page dark over
 * most of the text width; between each pair there must be at least a line
 * of text (the two paddings of 8 pt and more). */
static int min_frame_height(const char *pgm_path, int *frames)
{
	FILE *f = fopen(pgm_path, "rb");
	int w, h, maxv, minh = 1 << 30;
	*frames = 0;
	if (!f || fscanf(f, "P5 %d %d %d", &w, &h, &maxv) != 3 || fgetc(f) == EOF) {
		if (f)
			fclose(f);
		return -1;
	}
	unsigned char *px = xmalloc((size_t)w * h);
	size_t got = fread(px, 1, (size_t)w * h, f);
	fclose(f);
	if (got != (size_t)w * h) {
		free(px);
		return -1;
	}
	int edge_start = -1, prev_edge = -1, edges = 0;
	for (int y = 0; y < h; y++) {
		int dark = 0;
		for (int x = 0; x < w; x++)
			dark += px[(size_t)y * w + x] < 200;
		bool rule = dark > w * 6 / 10;
		if (rule && edge_start < 0)
			edge_start = y;
		if (!rule && edge_start >= 0) {
			if (edges % 2 == 1) {
				int hh = edge_start - prev_edge;
				if (hh < minh)
					minh = hh;
				(*frames)++;
			}
			prev_edge = edge_start;
			edges++;
			edge_start = -1;
		}
	}
	free(px);
	return minh;
}

static void test_notice_frame(void)
{
	int steps = tap_under_valgrind() ? 3 : 30, frames_seen = 0, empty = 0, broken = 0;
	for (int k = 0; k < steps; k++) {
		struct sample s;
		sample_init(&s, 1);
		struct pdf_field *fields = xcalloc((size_t)k + 8, sizeof(*fields));
		memcpy(fields, s.fields, s.d.n_fields * sizeof(*fields));
		size_t n = s.d.n_fields;
		for (int i = 0; i < k; i++)
			fields[n++] = (struct pdf_field){ "备注", "无" };
		s.d.fields = fields;
		s.d.n_fields = n;
		s.d.n_images = 0;
		struct buf pdf = BUF_INIT;
		struct err e = ERR_INIT;
		int pages = 0;
		if (pdf_render(&s.d, &pdf, &pages, &e) < 0) {
			broken++;
			goto next;
		}
		char *path = xasprintf("%s/frame.pdf", tmpdir);
		write_file(path, &pdf);
		char *cmd = xasprintf("pdftoppm -r 72 -gray '%s' '%s/frame'", path, tmpdir);
		char *o = run(cmd);
		free(o);
		free(cmd);
		for (int p = 1; p <= pages; p++) {
			char *pgm = xasprintf("%s/frame-%d.pgm", tmpdir, p);
			int frames;
			int minh = min_frame_height(pgm, &frames);
			if (minh < 0)
				broken++;
			frames_seen += frames;
			if (frames && minh < 2 * 8 + 10) {
				if (empty++ < 3)
					printf("# %d filler fields: a frame of %d pt on page %d\n", k, minh, p);
			}
			unlink(pgm);
			free(pgm);
		}
		free(path);
next:
		buf_release(&pdf);
		free(fields);
		sample_release(&s);
	}
	is_int(broken, 0, "the documents render and rasterise");
	ok(frames_seen >= steps, "the notice's frame is found on the pages (%d frames)", frames_seen);
	is_int(empty, 0, "moved down the page line by line, the notice never leaves an empty frame at a page's foot");
}

/* ---- two threads at once ---- */
struct job {
	const struct pdf_doc *d;
	const struct buf *want;
	int same, runs;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < j->runs; i++) {
		struct buf b = BUF_INIT;
		struct err e = ERR_INIT;
		if (pdf_render(j->d, &b, NULL, &e) == 0 && b.len == j->want->len &&
		    memcmp(b.data, j->want->data, b.len) == 0)
			j->same++;
		buf_release(&b);
	}
	return NULL;
}

static void test_threads(void)
{
	struct sample s1, s2;
	sample_init(&s1, PDF_SAMPLE_ROUNDS);
	sample_init(&s2, 2);
	s2.d.watermark = "草稿";
	struct buf w1 = BUF_INIT, w2 = BUF_INIT;
	struct err e = ERR_INIT;
	pdf_render(&s1.d, &w1, NULL, &e);
	pdf_render(&s2.d, &w2, NULL, &e);
	int runs = tap_under_valgrind() ? 1 : 4;
	struct job j1 = { &s1.d, &w1, 0, runs }, j2 = { &s2.d, &w2, 0, runs };
	pthread_t t1, t2;
	pthread_create(&t1, NULL, worker, &j1);
	pthread_create(&t2, NULL, worker, &j2);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	ok(j1.same == runs && j2.same == runs,
	   "two threads rendering different documents at once get the same bytes as one thread (%d, %d of %d)", j1.same,
	   j2.same, runs);
	buf_release(&w1);
	buf_release(&w2);
	sample_release(&s1);
	sample_release(&s2);
}

int main(void)
{
	const char *tools[] = { "pdftotext", "pdffonts", "pdfinfo", "pdfimages", "pdftoppm" };
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++)
		if (!have_tool(tools[i])) {
			printf("1..0 # SKIP %s is not installed (poppler-utils)\n", tools[i]);
			return 0;
		}
	if (!mkdtemp(tmpdir))
		BUG("mkdtemp");
	test_inquiry();
	test_draft();
	test_refused();
	test_notice_frame();
	test_threads();
	if (getenv("KEEP")) printf("# kept %s\n", tmpdir); else {
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(cmd);
	}
	return tap_done();
}
