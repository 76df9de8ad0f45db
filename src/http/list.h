/*
 * list.h - what every list page of the back office shares: the one
 * paginator, sortable column heads and the query strings that keep the
 * filters in the links (paging, sorting, the Excel export).
 *
 * Sorting: ?sort=COL&dir=asc|desc.  COL must be one of the page's
 * whitelisted columns (list_sort_parse refuses the rest with a 400
 * naming "sort"), so a sort column never comes from the request text
 * itself: callers get back the whitelist's own literal.  Lists read in one
 * query are sorted in memory (list_sort_json); the logs sort in SQL with
 * the literal column name.
 */
#ifndef ZHIFA_LIST_H
#define ZHIFA_LIST_H
#include "http/http.h"
#include <jansson.h>

struct list_col {
	const char *col;    /* the ?sort= value and the JSON key */
	bool numeric;       /* compare as integers (else as text, byte order) */
};

struct list_view {
	const char *base;   /* the list's path, e.g. "/admin/logs" ("" = relative) */
	const char *query;  /* the current filters as "k=v&k=v&" (URL-encoded), may be "" */
	const char *sort;   /* the current sort column ("" = the list's default order) */
	bool asc;
};

/* The filters among keys present in the request, as "k=v&..." (owned by r). */
const char *list_filter_query(struct req *r, const char *const *keys, size_t nkeys);
/* Read ?sort= and ?dir= against cols: *sort = the whitelisted literal (or
 * dflt when absent), *asc from dir (default dflt_asc).  -1 with a 400 in e
 * naming "sort" or "dir" when unknown. */
int list_sort_parse(struct req *r, const struct list_col *cols, size_t ncols, const char *dflt, bool dflt_asc,
		    const char **sort, bool *asc, struct err *e);
/* Read ?page= (1 when absent); -1 with a 400 naming "page" when malformed. */
int list_page_parse(struct req *r, long long *page, struct err *e);
/* Sort a JSON array of objects in place by key (stable; numeric or text). */
void list_sort_json(json_t *arr, const char *key, bool numeric, bool asc);
/* A sortable column head: <th scope="col" aria-sort=...><a href=...>label
 * with an arrow</a></th>; a second click reverses the order. */
void list_th(struct req *r, const struct list_view *v, const char *col, const char *label);
/* The paginator: 共 N 条，第 P / Q 页, 上一页 / 下一页 keeping filters and
 * sort.  Nothing when hide_single and there is only one page. */
void list_pager(struct req *r, const struct list_view *v, long long total, long long page, long long per,
		bool hide_single);
/* The 导出 Excel link to path with the current filters and sort. */
void list_export_link(struct req *r, const struct list_view *v, const char *path);
#endif
