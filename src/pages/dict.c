/*
 * dict.c - GET /api/v1/dict[?kind=K]: the dictionary of codes (core/dict.h)
 * as open data: {"kinds":[{"kind","label","entries":[{"code","label"}]}]},
 * entries in their display order.  Read only, public: the names are the
 * ones every page shows.
 */
#include "core/core.h"
#include "core/dict.h"
#include "http/http.h"
#include "pages/pages.h"
#include <jansson.h>

int page_api_dict(struct req *r)
{
	const char *only = req_param(r, "kind");
	size_t n;
	const struct dict_entry *all = dict_all(&n);
	json_t *kinds = json_array();
	json_t *cur = NULL;
	const char *cur_kind = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!str_empty(only) && !str_eq(only, all[i].kind))
			continue;
		if (!str_eq(cur_kind, all[i].kind)) {
			cur_kind = all[i].kind;
			cur = json_pack("{s:s,s:s,s:[]}", "kind", cur_kind, "label", dict_kind_label(cur_kind), "entries");
			json_array_append_new(kinds, cur);
		}
		json_array_append_new(json_object_get(cur, "entries"),
				      json_pack("{s:s,s:s}", "code", all[i].code, "label", all[i].label));
	}
	if (!str_empty(only) && !json_array_size(kinds)) {
		json_decref(kinds);
		resp_error(r, 404, "kind", "没有这一类代码。");
		return 0;
	}
	resp_json(r, 200, json_pack("{s:o}", "kinds", kinds));
	return 0;
}
