/*
 * bench_pdf.c - 执法文书 rendered per second: the three-page 询问笔录 of
 * tests/unit/pdf_sample.h (fields, a long questioning, phrases, the boxed
 * notice, two signature PNGs) through pdf_render(), on two threads at
 * once (each with its own documents, as two requests of the server) and
 * on one.  Each figure is the median of RUNS runs of BENCH_PDF_N
 * documents per thread.
 *
 * References, measured in the same run on the same two threads:
 *   pdf.ref_layout_per_sec - the same text laid out by pango alone (one
 *     layout per field at the same width and fonts, every line iterated):
 *     the shaping and line-breaking part of the work, no PDF;
 *   pdf.ref_empty3_per_sec - cairo writing a three-page PDF with nothing
 *     on it: the floor of the PDF surface itself;
 *   pdf.ref_text3_per_sec - cairo writing three pages with the same
 *     characters drawn by pango_cairo_show_layout, without pdf_render's
 *     pagination, notice box and images: what any pango/cairo renderer of
 *     this text pays, fonts subset and embedded.
 * pdf.ratio_to_text3 = pdf.inquiry3_per_sec / pdf.ref_text3_per_sec says
 * how much pdf_render adds over that.  Copying the output bytes (cp) would
 * be no reference: a 300 KB write takes microseconds, the work is
 * shaping and font subsetting.
 */
#include "core/core.h"
#include "core/buf.h"
#include "core/err.h"
#include "records/pdf.h"
#include "../tests/unit/pdf_sample.h"
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <time.h>

#define RUNS 5
#define THREADS 2

enum what { W_RENDER, W_LAYOUT, W_EMPTY3, W_TEXT3 };

struct job {
	enum what what;
	int n;
	size_t bytes;
	int pages;
	struct sample s;
};

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
	return buf_add(closure, data, n) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static PangoLayout *layout_for(PangoContext *ctx, const char *family, double size, const char *text)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(439.37 * PANGO_SCALE)); /* 156 mm, as pdf.c */
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	return l;
}

/* every text of the document, as pdf_render receives it */
static size_t texts(const struct pdf_doc *d, const char **out, size_t max)
{
	size_t n = 0;
	out[n++] = d->body_name;
	out[n++] = d->title;
	out[n++] = d->number;
	for (size_t i = 0; i < d->n_fields && n < max; i++)
		out[n++] = d->fields[i].text;
	for (size_t i = 0; i < d->n_phrases && n < max; i++)
		out[n++] = d->phrases[i];
	if (n < max)
		out[n++] = d->notice;
	return n;
}

/* the reference work: layout only, or three PDF pages (empty or with the text) */
static size_t reference(const struct pdf_doc *d, enum what w)
{
	struct buf out = BUF_INIT;
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(fm);
	pango_cairo_context_set_resolution(ctx, 72);
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	if (w != W_LAYOUT) {
		surf = cairo_pdf_surface_create_for_stream(sink_write, &out, 595.28, 841.89);
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, "");
		cr = cairo_create(surf);
	}
	if (w == W_EMPTY3) {
		for (int p = 0; p < 3; p++)
			cairo_show_page(cr);
	} else {
		const char *t[32];
		size_t nt = texts(d, t, 32);
		double y = 105;
		for (size_t i = 0; i < nt; i++) {
			PangoLayout *l = layout_for(ctx, i < 2 ? "Noto Sans CJK SC" : "Noto Serif CJK SC", 12, t[i]);
			PangoLayoutIter *it = pango_layout_get_iter(l);
			do {
				if (cr) {
					if (y > 740) {
						cairo_show_page(cr);
						y = 105;
					}
					cairo_move_to(cr, 79, y);
					pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
					y += 22;
				}
			} while (pango_layout_iter_next_line(it));
			pango_layout_iter_free(it);
			g_object_unref(l);
		}
		if (cr)
			cairo_show_page(cr);
	}
	if (cr) {
		cairo_destroy(cr);
		cairo_surface_finish(surf);
		cairo_surface_destroy(surf);
	}
	g_object_unref(ctx);
	size_t len = out.len;
	buf_release(&out);
	return len;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	for (int i = 0; i < j->n; i++) {
		if (j->what == W_RENDER) {
			struct buf out = BUF_INIT;
			struct err e = ERR_INIT;
			if (pdf_render(&j->s.d, &out, &j->pages, &e) < 0)
				die("pdf_render: %s", e.msg);
			j->bytes = out.len;
			buf_release(&out);
		} else {
			j->bytes = reference(&j->s.d, j->what);
		}
	}
	return NULL;
}

/* documents per second of THREADS (or one) threads doing n each */
static double run_once(struct job *jobs, int threads, enum what w, int n)
{
	pthread_t t[THREADS];
	for (int i = 0; i < threads; i++) {
		jobs[i].what = w;
		jobs[i].n = n;
	}
	double t0 = now_sec();
	for (int i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, worker, &jobs[i]) != 0)
			die("pthread_create");
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	return (double)threads * n / (now_sec() - t0);
}

static double median(struct job *jobs, int threads, enum what w, int n)
{
	double r[RUNS];
	for (int i = 0; i < RUNS; i++)
		r[i] = run_once(jobs, threads, w, n);
	qsort(r, RUNS, sizeof(double), cmp_double);
	return r[RUNS / 2];
}

int main(void)
{
	const char *env = getenv("BENCH_PDF_N");
	long long n = 20;
	if (env && str_to_ll(env, 1, 100000, &n) < 0)
		die("BENCH_PDF_N: a number 1..100000");
	struct job jobs[THREADS];
	memset(jobs, 0, sizeof jobs);
	for (int i = 0; i < THREADS; i++)
		sample_init(&jobs[i].s, PDF_SAMPLE_ROUNDS);
	/* warm up: fonts loaded on each thread */
	run_once(jobs, THREADS, W_RENDER, 1);
	if (jobs[0].pages != 3)
		die("bench_pdf: the sample has %d pages, not 3", jobs[0].pages);
	double render2 = median(jobs, THREADS, W_RENDER, (int)n);
	double render1 = median(jobs, 1, W_RENDER, (int)n);
	size_t bytes = jobs[0].bytes;
	double layout = median(jobs, THREADS, W_LAYOUT, (int)n);
	double empty3 = median(jobs, THREADS, W_EMPTY3, (int)n);
	double text3 = median(jobs, THREADS, W_TEXT3, (int)n);
	printf("pdf.inquiry3_per_sec %.1f\n", render2);
	printf("pdf.inquiry3_per_sec_1thread %.1f\n", render1);
	printf("pdf.inquiry3_bytes %zu\n", bytes);
	printf("pdf.ref_layout_per_sec %.1f\n", layout);
	printf("pdf.ref_empty3_per_sec %.1f\n", empty3);
	printf("pdf.ref_text3_per_sec %.1f\n", text3);
	printf("pdf.ratio_to_text3 %.2f\n", render2 / text3);
	for (int i = 0; i < THREADS; i++)
		sample_release(&jobs[i].s);
	return 0;
}
