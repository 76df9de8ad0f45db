/*
 * diff.c - the differences between two versions of an item's content,
 * field by field, for the confirmation page of publishing (see
 * publicity_diff in publicity.h).
 *
 * Each field is turned into plain text the way the public page shows it
 * (lists one entry per line), then the two texts are compared by lines
 * with a longest-common-subsequence table.  Invariants: the fields come in
 * the order of the public page; "changed" is true exactly when the two
 * texts differ; the line lists, read in order, give the old text from the
 * "same" and "del" lines and the new text from the "same" and "add" lines.
 */
#include "core/core.h"
#include "publicity/publicity.h"

/* Beyond this many cells of the LCS table (a 2000 x 2000 line text) the
 * comparison falls back to "all old lines removed, all new lines added". */
#define LCS_MAX_CELLS 4000000u

struct lines {
	size_t n;
	const char **s;
	size_t *len;
	char *copy;
};

static void lines_split(const char *text, struct lines *l)
{
	memset(l, 0, sizeof *l);
	if (str_empty(text))
		return;
	l->copy = xstrdup(text);
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	l->s = xcalloc(cap, sizeof *l->s);
	l->len = xcalloc(cap, sizeof *l->len);
	char *p = l->copy;
	for (;;) {
		char *nl = strchr(p, '\n');
		l->s[l->n] = p;
		l->len[l->n] = nl ? (size_t)(nl - p) : strlen(p);
		l->n++;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

static void lines_free(struct lines *l)
{
	free(l->s);
	free(l->len);
	free(l->copy);
	memset(l, 0, sizeof *l);
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

static void push(json_t *out, const char *op, const char *text)
{
	json_array_append_new(out, json_pack("{s:s,s:s}", "op", op, "text", text));
}

void publicity_line_diff(const char *old_text, const char *new_text, json_t *out)
{
	struct lines a, b;
	lines_split(old_text, &a);
	lines_split(new_text, &b);
	size_t n = a.n, m = b.n;
	/* common prefix and suffix first: most edits touch a few lines */
	size_t pre = 0, suf = 0;
	while (pre < n && pre < m && line_eq(&a, pre, &b, pre))
		pre++;
	while (suf < n - pre && suf < m - pre && line_eq(&a, n - 1 - suf, &b, m - 1 - suf))
		suf++;
	for (size_t i = 0; i < pre; i++)
		push(out, "same", a.s[i]);
	size_t an = n - pre - suf, bn = m - pre - suf;
	if (an && bn && (an + 1) * (bn + 1) <= LCS_MAX_CELLS) {
		/* t[i][j] = LCS length of a[pre+i..] and b[pre+j..] */
		unsigned *t = xcalloc((an + 1) * (bn + 1), sizeof *t);
#define T(i, j) t[(i) * (bn + 1) + (j)]
		for (size_t i = an; i-- > 0;)
			for (size_t j = bn; j-- > 0;)
				T(i, j) = line_eq(&a, pre + i, &b, pre + j) ? T(i + 1, j + 1) + 1
				  : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
		size_t i = 0, j = 0;
		while (i < an && j < bn) {
			if (line_eq(&a, pre + i, &b, pre + j)) {
				push(out, "same", a.s[pre + i]);
				i++;
				j++;
			} else if (T(i + 1, j) >= T(i, j + 1)) {
				push(out, "del", a.s[pre + i++]);
			} else {
				push(out, "add", b.s[pre + j++]);
			}
		}
		for (; i < an; i++)
			push(out, "del", a.s[pre + i]);
		for (; j < bn; j++)
			push(out, "add", b.s[pre + j]);
#undef T
		free(t);
	} else {
		for (size_t i = 0; i < an; i++)
			push(out, "del", a.s[pre + i]);
		for (size_t j = 0; j < bn; j++)
			push(out, "add", b.s[pre + j]);
	}
	for (size_t i = n - suf; i < n; i++)
		push(out, "same", a.s[i]);
	lines_free(&a);
	lines_free(&b);
}

/* ---- fields as text ---- */

static const char *str_of(const json_t *c, const char *key)
{
	const char *s = json_string_value(json_object_get(c, key));
	return s ? s : "";
}

static void text_basis(const json_t *c, struct buf *out)
{
	size_t i;
	const json_t *b;
	json_array_foreach(json_object_get(c, "basis"), i, b) {
		if (i)
			buf_putc(out, '\n');
		buf_puts(out, str_of(b, "law"));
		if (!str_empty(str_of(b, "article")))
			buf_printf(out, " %s", str_of(b, "article"));
	}
}

static void text_procedure(const json_t *c, struct buf *out)
{
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(c, "procedure"), i, s) {
		if (i)
			buf_putc(out, '\n');
		buf_printf(out, "%zu. %s", i + 1, str_of(s, "name"));
		if (!str_empty(str_of(s, "note")))
			buf_printf(out, " — %s", str_of(s, "note"));
		if (!str_empty(str_of(s, "time_limit")))
			buf_printf(out, "（时限：%s）", str_of(s, "time_limit"));
	}
}

static void text_remedy(const json_t *c, struct buf *out)
{
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(c, "remedy"), i, s) {
		if (i)
			buf_putc(out, '\n');
		buf_printf(out, "%s：%s", str_eq(str_of(s, "type"), "review") ? "行政复议" : "行政诉讼", str_of(s, "body"));
		if (!str_empty(str_of(s, "time_limit")))
			buf_printf(out, "，%s", str_of(s, "time_limit"));
	}
}

static void text_strings(const json_t *c, const char *key, struct buf *out)
{
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(c, key), i, s) {
		if (i)
			buf_putc(out, '\n');
		buf_printf(out, "%zu. %s", i + 1, json_is_string(s) ? json_string_value(s) : "");
	}
}

/* The text of one field of content c (NULL or not an object: ""). */
static void field_text(const json_t *c, const char *field, struct buf *out)
{
	if (!json_is_object(c))
		return;
	if (str_eq(field, "basis"))
		text_basis(c, out);
	else if (str_eq(field, "procedure"))
		text_procedure(c, out);
	else if (str_eq(field, "remedy"))
		text_remedy(c, out);
	else if (str_eq(field, "materials"))
		text_strings(c, "materials", out);
	else if (str_eq(field, "category")) {
		const char *label = pub_category_label(str_of(c, "category"));
		buf_puts(out, label ? label : str_of(c, "category"));
	} else
		buf_puts(out, str_of(c, field));
}

struct field {
	const char *key, *label;
};

static const struct field matter_fields[] = {
	{ "name", "名称" }, { "category", "事项类别" }, { "duties", "职责" }, { "authority", "权限" },
	{ "basis", "法律依据" }, { "procedure", "执法程序" }, { "remedy", "救济渠道" },
};
static const struct field guide_fields[] = {
	{ "name", "名称" }, { "accepting_body", "受理机构" }, { "approving_body", "审批机构" },
	{ "conditions", "受理条件" }, { "time_limit", "办理时限" }, { "fees", "收费标准" },
	{ "contact", "咨询方式" }, { "basis", "法律依据" }, { "materials", "申请材料" },
};
static const struct field inspection_fields[] = {
	{ "name", "名称" }, { "content", "抽查内容" }, { "method", "抽查方式" }, { "frequency", "抽查频次" },
	{ "inspecting_unit", "实施单位" }, { "basis", "法律依据" },
};

json_t *publicity_diff(enum pub_kind kind, const json_t *old_c, const json_t *new_c)
{
	const struct field *f;
	size_t nf;
	switch (kind) {
	case PUB_GUIDE:
		f = guide_fields;
		nf = ARRAY_SIZE(guide_fields);
		break;
	case PUB_INSPECTION:
		f = inspection_fields;
		nf = ARRAY_SIZE(inspection_fields);
		break;
	default:
		f = matter_fields;
		nf = ARRAY_SIZE(matter_fields);
		break;
	}
	json_t *list = json_array();
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	for (size_t k = 0; k < nf; k++) {
		buf_reset(&a);
		buf_reset(&b);
		field_text(old_c, f[k].key, &a);
		field_text(new_c, f[k].key, &b);
		json_t *lines = json_array();
		publicity_line_diff(buf_str(&a), buf_str(&b), lines);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:s,s:s,s:o}", "field", f[k].key, "label", f[k].label,
						      "changed", !str_eq(buf_str(&a), buf_str(&b)), "old", buf_str(&a),
						      "new", buf_str(&b), "lines", lines));
	}
	buf_release(&a);
	buf_release(&b);
	return list;
}
