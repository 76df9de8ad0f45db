/*
 * list.c - paging, sorting and filter query strings of list pages (see
 * list.h).
 */
#include "core/core.h"
#include "http/list.h"
#include "http/html.h"

const char *list_filter_query(struct req *r, const char *const *keys, size_t nkeys)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < nkeys; i++) {
		const char *v = req_param(r, keys[i]);
		if (str_empty(v))
			continue;
		buf_printf(&b, "%s=", keys[i]);
		url_enc(&b, v);
		buf_putc(&b, '&');
	}
	return req_own(r, buf_detach(&b, NULL));
}

int list_sort_parse(struct req *r, const struct list_col *cols, size_t ncols, const char *dflt, bool dflt_asc,
		    const char **sort, bool *asc, struct err *e)
{
	const char *s = req_param(r, "sort"), *d = req_param(r, "dir");
	*sort = dflt;
	*asc = dflt_asc;
	if (!str_empty(s)) {
		const char *hit = NULL;
		for (size_t i = 0; i < ncols && !hit; i++)
			if (str_eq(cols[i].col, s))
				hit = cols[i].col;
		if (!hit)
			return err_set(e, ERR_INVALID, "sort", "不能按该列排序，请点击表头中可排序的列");
		*sort = hit;
	}
	if (!str_empty(d)) {
		if (!str_eq(d, "asc") && !str_eq(d, "desc"))
			return err_set(e, ERR_INVALID, "dir", "排序方向不正确，应为升序或降序");
		*asc = str_eq(d, "asc");
	}
	return 0;
}

int list_page_parse(struct req *r, long long *page, struct err *e)
{
	const char *p = req_param(r, "page");
	*page = 1;
	if (!str_empty(p) && str_to_ll(p, 1, 1000000, page) < 0)
		return err_set(e, ERR_INVALID, "page", "页码须为正整数");
	return 0;
}

struct sort_item {
	json_t *v;
	size_t pos;
};

static __thread const char *t_key;
static __thread bool t_numeric, t_asc;

static int cmp_items(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	const json_t *vx = json_object_get(x->v, t_key), *vy = json_object_get(y->v, t_key);
	int c;
	if (t_numeric) {
		long long ix = json_is_integer(vx) ? json_integer_value(vx) : 0;
		long long iy = json_is_integer(vy) ? json_integer_value(vy) : 0;
		c = ix < iy ? -1 : ix > iy;
	} else {
		const char *sx = json_is_string(vx) ? json_string_value(vx) : "";
		const char *sy = json_is_string(vy) ? json_string_value(vy) : "";
		c = strcmp(sx, sy);
	}
	if (!t_asc)
		c = -c;
	if (!c) /* stable */
		c = x->pos < y->pos ? -1 : x->pos > y->pos;
	return c;
}

void list_sort_json(json_t *arr, const char *key, bool numeric, bool asc)
{
	size_t n = json_array_size(arr);
	if (n < 2 || str_empty(key))
		return;
	struct sort_item *it = xcalloc(n, sizeof *it);
	for (size_t i = 0; i < n; i++)
		it[i] = (struct sort_item){ json_incref(json_array_get(arr, i)), i };
	t_key = key;
	t_numeric = numeric;
	t_asc = asc;
	qsort(it, n, sizeof *it, cmp_items);
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, it[i].v);
	free(it);
}

/* The raw (unescaped) URL base?filters[sort=..&dir=..&]; the caller
 * escapes it when writing it into an attribute. */
static void link_url(struct buf *b, const struct list_view *v, const char *base, const char *sort, bool asc)
{
	buf_printf(b, "%s?%s", base ? base : "", v->query ? v->query : "");
	if (!str_empty(sort))
		buf_printf(b, "sort=%s&dir=%s&", sort, asc ? "asc" : "desc");
}

static void trim_url(struct buf *b)
{
	while (b->len && (b->data[b->len - 1] == '&' || b->data[b->len - 1] == '?'))
		b->data[--b->len] = '\0';
}

void list_th(struct req *r, const struct list_view *v, const char *col, const char *label)
{
	bool cur = str_eq(v->sort, col);
	bool next_asc = cur ? !v->asc : true;
	struct buf href;
	buf_init(&href, 0);
	link_url(&href, v, v->base, col, next_asc);
	trim_url(&href);
	if (!cur)
		h_raw(r->out, "<th scope=\"col\">");
	else if (v->asc)
		h_raw(r->out, "<th scope=\"col\" aria-sort=\"ascending\">");
	else
		h_raw(r->out, "<th scope=\"col\" aria-sort=\"descending\">");
	h_printf(r->out, "<a class=\"sort\" href=\"%s\">%s<span class=\"sort-mark\" aria-hidden=\"true\">%s</span>"
		 "<span class=\"visually-hidden\">（%s）</span></a></th>",
		 buf_str(&href), label,
		 cur ? (v->asc ? "▲" : "▼") : "⇅",
		 cur ? (v->asc ? "升序排列，点击改为降序" : "降序排列，点击改为升序") : "点击按此列排序");
	buf_release(&href);
}

void list_pager(struct req *r, const struct list_view *v, long long total, long long page, long long per,
		bool hide_single)
{
	long long pages = per > 0 ? (total + per - 1) / per : 1;
	if (pages < 1)
		pages = 1;
	if (hide_single && pages <= 1)
		return;
	h_printf(r->out, "<nav class=\"pager\" aria-label=\"分页\"><span>共 %lld 条，第 %lld / %lld 页</span>", total,
		 page, pages);
	for (int k = 0; k < 2; k++) {
		long long to = k == 0 ? page - 1 : page + 1;
		if (to < 1 || to > pages)
			continue;
		struct buf q;
		buf_init(&q, 0);
		link_url(&q, v, v->base, v->sort, v->asc);
		buf_printf(&q, "page=%lld", to);
		h_printf(r->out, "<a href=\"%s\" rel=\"%s\">%s</a>", buf_str(&q), k == 0 ? "prev" : "next",
			 k == 0 ? "上一页" : "下一页");
		buf_release(&q);
	}
	h_raw(r->out, "</nav>");
}

void list_export_link(struct req *r, const struct list_view *v, const char *path)
{
	struct buf q;
	buf_init(&q, 0);
	link_url(&q, v, path, v->sort, v->asc);
	trim_url(&q);
	h_printf(r->out, "<a class=\"button secondary export\" href=\"%s\">导出 Excel</a>", buf_str(&q));
	buf_release(&q);
}
