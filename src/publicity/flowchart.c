/*
 * flowchart.c - the 执法流程图 of a matter as SVG, drawn from its ordered
 * procedure steps: a title, 开始, one box per step (name wrapped to the
 * box width, note and time limit in smaller grey text), arrows between
 * them, 结束, and the remedy channels in a dashed side note beside the end.
 *
 * Invariants: every piece of text from the matter goes through xml_text(),
 * the escaper of the pages in its XML form (core/escape.h), so the output
 * is well-formed XML whatever the content; line breaking counts a CJK
 * character as two half-widths and an ASCII character as one and never
 * splits a UTF-8 sequence.
 */
#include "core/core.h"
#include "core/escape.h"
#include "publicity/publicity.h"

#define W 760
#define BOX_X 60
#define BOX_W 420
#define SIDE_X 510
#define SIDE_W 220
#define GAP 44

static void xml_text(struct buf *out, const char *s, size_t n)
{
	esc_markup(out, s, n, ESC_XML);
}

/* Length in bytes of the UTF-8 sequence starting with byte c. */
static size_t u8len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1;
}

/* Break s into lines of at most max half-widths; store up to maxlines
 * (start, length) pairs; the last line gets "…" appended by the caller if
 * truncated (returns -count when truncated). */
struct line {
	const char *s;
	size_t n;
};

static int wrap(const char *s, int max, struct line *lines, int maxlines)
{
	int count = 0, w = 0;
	const char *start = s;
	const char *p = s;
	while (*p) {
		size_t l = u8len((unsigned char)*p);
		for (size_t k = 1; k < l; k++)
			if (!p[k]) {
				l = k;
				break;
			}
		int cw = l == 1 ? 1 : 2;
		if (w + cw > max && p > start) {
			if (count == maxlines)
				return -count;
			lines[count++] = (struct line){ start, (size_t)(p - start) };
			start = p;
			w = 0;
		}
		w += cw;
		p += l;
	}
	if (p > start) {
		if (count == maxlines)
			return -count;
		lines[count++] = (struct line){ start, (size_t)(p - start) };
	}
	return count;
}

/* Emit wrapped text centred at cx (anchor middle) or left at x; returns the
 * y after the last line. */
static int text_block(struct buf *out, const char *s, int max, int x, int y, int size, int lh,
		      const char *attrs)
{
	struct line lines[12];
	int n = wrap(s, max, lines, 12);
	bool cut = n < 0;
	if (n < 0)
		n = -n;
	for (int i = 0; i < n; i++) {
		y += lh;
		buf_printf(out, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" %s>", x, y, size, attrs);
		xml_text(out, lines[i].s, lines[i].n);
		if (cut && i == n - 1)
			buf_puts(out, "…");
		buf_puts(out, "</text>\n");
	}
	return y;
}

static int lines_of(const char *s, int max)
{
	struct line lines[12];
	int n = wrap(s, max, lines, 12);
	return n < 0 ? -n : n;
}

static void arrow(struct buf *out, int x, int y1, int y2)
{
	buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-width=\"1.5\""
			" marker-end=\"url(#arrow)\"/>\n", x, y1, x, y2 - 2);
}

static void terminal(struct buf *out, int cx, int y, const char *label)
{
	buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"120\" height=\"36\" rx=\"18\" fill=\"#e8f0fb\""
			" stroke=\"#2b5797\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"15\" text-anchor=\"middle\">%s</text>\n",
		   cx - 60, y, cx, y + 23, label);
}

int publicity_flowchart_svg(const json_t *matter, struct buf *out)
{
	const json_t *c = matter;
	if (!json_object_get(c, "procedure") && json_is_object(json_object_get(c, "content")))
		c = json_object_get(c, "content");
	const json_t *steps = json_object_get(c, "procedure");
	if (!json_is_array(steps) || json_array_size(steps) == 0)
		return -1;
	const char *name = json_string_value(json_object_get(c, "name"));
	const int cx = BOX_X + BOX_W / 2;

	struct buf body;
	buf_init(&body, 0);
	int y = 10;
	y = text_block(&body, name ? name : "执法流程图", 60, W / 2, y, 20, 28,
		       "text-anchor=\"middle\" font-weight=\"bold\"");
	y += 4;
	buf_printf(&body, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" fill=\"#666\">执法流程图</text>\n",
		   W / 2, y + 16);
	y += 34;
	terminal(&body, cx, y, "开始");
	y += 36;

	size_t i;
	const json_t *st;
	json_array_foreach(steps, i, st) {
		const char *sname = json_is_string(st) ? json_string_value(st)
						       : json_string_value(json_object_get(st, "name"));
		const char *note = json_string_value(json_object_get(st, "note"));
		const char *limit = json_string_value(json_object_get(st, "time_limit"));
		char label[320];
		snprintf(label, sizeof label, "%zu. %s", i + 1, sname ? sname : "");
		struct buf sub;
		buf_init(&sub, 0);
		if (!str_empty(note))
			buf_puts(&sub, note);
		if (!str_empty(limit))
			buf_printf(&sub, "%s时限：%s", sub.len ? " " : "", limit);
		int nl = lines_of(label, 44), ns = sub.len ? lines_of(buf_str(&sub), 58) : 0;
		int h = 14 + nl * 22 + ns * 18 + (ns ? 4 : 0);
		arrow(&body, cx, y, y + GAP);
		y += GAP;
		buf_printf(&body, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#fff\""
				  " stroke=\"#2b5797\" stroke-width=\"1.5\"/>\n", BOX_X, y, BOX_W, h);
		int ty = text_block(&body, label, 44, cx, y + 2, 16, 22, "text-anchor=\"middle\"");
		if (ns)
			text_block(&body, buf_str(&sub), 58, cx, ty + 2, 13, 18, "text-anchor=\"middle\" fill=\"#555\"");
		buf_release(&sub);
		y += h;
	}
	arrow(&body, cx, y, y + GAP);
	y += GAP;
	int end_y = y;
	terminal(&body, cx, y, "结束");
	y += 36;

	/* remedy side note beside 结束 */
	const json_t *remedy = json_object_get(c, "remedy");
	if (json_is_array(remedy) && json_array_size(remedy) > 0) {
		struct buf note;
		buf_init(&note, 0);
		int sy = end_y - 10, ny = sy + 6;
		ny = text_block(&note, "救济渠道", 28, SIDE_X + 10, ny, 14, 20, "font-weight=\"bold\"");
		const json_t *rm;
		json_array_foreach(remedy, i, rm) {
			const char *type = json_string_value(json_object_get(rm, "type"));
			const char *rbody = json_string_value(json_object_get(rm, "body"));
			const char *tl = json_string_value(json_object_get(rm, "time_limit"));
			char line[1024];
			snprintf(line, sizeof line, "%s：%s%s%s", str_eq(type, "litigation") ? "行政诉讼" : "行政复议",
				 rbody ? rbody : "", str_empty(tl) ? "" : "，", tl ? tl : "");
			ny = text_block(&note, line, 28, SIDE_X + 10, ny + 2, 12, 17, "fill=\"#333\"");
		}
		int nh = ny - sy + 10;
		buf_printf(&body, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
			   cx + 60, end_y + 18, SIDE_X, end_y + 18);
		buf_printf(&body, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"#fffbe6\""
				  " stroke=\"#c9a227\" stroke-dasharray=\"5 3\"/>\n", SIDE_X, sy, SIDE_W, nh);
		buf_puts(&body, buf_str(&note));
		buf_release(&note);
		if (sy + nh + 10 > y)
			y = sy + nh + 10;
	}
	y += 16;

	/* The font is a presentation attribute, inherited by every <text>, not
	 * a <style> element: opened on its own, the SVG is a document under the
	 * site's CSP (style-src 'self'), which blocks inline style sheets. */
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
			" font-family=\"'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif\""
			" role=\"img\" aria-label=\"", W, y, W, y);
	if (name)
		xml_text(out, name, strlen(name));
	buf_puts(out, " 执法流程图\">\n<title>");
	if (name)
		xml_text(out, name, strlen(name));
	buf_puts(out, " 执法流程图</title>\n"
		      "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\""
		      " markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>\n");
	buf_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W, y);
	buf_puts(out, buf_str(&body));
	buf_puts(out, "</svg>\n");
	buf_release(&body);
	return 0;
}
