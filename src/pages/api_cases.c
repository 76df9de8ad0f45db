/*
 * api_cases.c - cases over JSON: GET/POST /api/v1/cases (the list with its
 * filters; opening a case), GET /api/v1/cases/{id} (one case with its
 * timeline, clocks, needs and actions) and POST /api/v1/cases/{id}/acts
 * (one act, with the row_version the client saw).
 *
 * Invariants: the domain (cases/cases.h) checks roles, scope and every
 * rule and writes the logs; the route table only narrows by role.  Errors
 * answer {"error":{"status","message","field","request_id"}} with field
 * naming the JSON key; nothing is written on any failure.
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "cases/cases.h"
#include <limits.h>

#define API_MAX_IDS 50

/* The JSON object body; NULL after answering 400. */
static json_t *json_body(struct req *r)
{
	json_error_t je;
	json_t *j = r->body_len ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		resp_error(r, 400, "", "请求体应为 JSON 对象（Content-Type: application/json）");
		return NULL;
	}
	return j;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An integer member (or a string of digits): 0 when absent, -1 when
 * malformed. */
static long long jint(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	long long n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	if (json_is_string(v) && (str_empty(json_string_value(v)) ||
				  str_to_ll(json_string_value(v), 0, LLONG_MAX, &n) == 0))
		return n;
	return -1;
}

/* An array of ids; *n 0 when absent.  -1 after answering 400. */
static int jids(struct req *r, const json_t *o, const char *key, long long *out, size_t *n)
{
	*n = 0;
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > API_MAX_IDS) {
		resp_error(r, 400, key, "应为编号的数组（至多 50 个）");
		return -1;
	}
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		long long id = 0;
		if (json_is_integer(x))
			id = json_integer_value(x);
		else if (!json_is_string(x) || str_to_ll(json_string_value(x), 1, LLONG_MAX, &id) < 0)
			id = 0;
		if (id <= 0) {
			resp_error(r, 400, key, "编号应为正整数");
			return -1;
		}
		out[(*n)++] = id;
	}
	return 0;
}

static int bad_int(struct req *r, const char *key)
{
	resp_error(r, 400, key, "应为非负整数");
	return 0;
}

static int api_list(struct req *r)
{
	struct case_filter f = { 0 };
	const struct {
		const char *key;
		long long *dst;
	} ints[] = { { "matter_id", &f.matter_id }, { "unit_id", &f.unit_id }, { "officer_id", &f.officer_id },
		     { "party_id", &f.party_id } };
	for (size_t i = 0; i < ARRAY_SIZE(ints); i++) {
		const char *s = kv_get(&r->query, ints[i].key);
		if (!str_empty(s) && str_to_ll(s, 1, LLONG_MAX, ints[i].dst) < 0)
			return bad_int(r, ints[i].key);
	}
	long long page = 1, per = 0;
	const char *ps = kv_get(&r->query, "page"), *pp = kv_get(&r->query, "per_page");
	if (!str_empty(ps) && str_to_ll(ps, 1, 1000000, &page) < 0)
		return bad_int(r, "page");
	if (!str_empty(pp) && str_to_ll(pp, 1, 100, &per) < 0) {
		resp_error(r, 400, "per_page", "每页条数应为 1 至 100");
		return 0;
	}
	f.page = (int)page;
	f.per_page = (int)per;
	f.kind = kv_get(&r->query, "kind");
	f.stage = kv_get(&r->query, "stage");
	f.status = kv_get(&r->query, "status");
	f.source = kv_get(&r->query, "source");
	f.due = kv_get(&r->query, "due");
	f.q = kv_get(&r->query, "q");
	f.sort = kv_get(&r->query, "sort");
	f.asc = str_eq(kv_get(&r->query, "order"), "asc");
	json_t *m = NULL;
	struct err e = ERR_INIT;
	if (case_list(r->db, &r->actor, &f, &m, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	resp_json(r, 200, m);
	return 0;
}

static int api_open(struct req *r)
{
	json_t *in = json_body(r);
	if (!in)
		return 0;
	long long matters[API_MAX_IDS], parties[API_MAX_IDS], officers[API_MAX_IDS];
	struct case_input ci = { 0 };
	long long unit = jint(in, "unit_id"), insp = jint(in, "inspection_item_id");
	if (unit < 0 || insp < 0) {
		bad_int(r, unit < 0 ? "unit_id" : "inspection_item_id");
		goto out;
	}
	if (jids(r, in, "matter_ids", matters, &ci.n_matters) < 0 || jids(r, in, "party_ids", parties, &ci.n_parties) < 0 ||
	    jids(r, in, "officer_ids", officers, &ci.n_officers) < 0)
		goto out;
	ci.procedure = jstr(in, "procedure");
	ci.unit_id = unit;
	ci.title = jstr(in, "title");
	ci.source = jstr(in, "source");
	ci.source_date = jstr(in, "source_date");
	ci.source_note = jstr(in, "source_note");
	ci.inspection_item_id = insp;
	ci.matter_ids = matters;
	ci.party_ids = parties;
	ci.officer_ids = officers;
	ci.on_date = jstr(in, "on_date");
	ci.note = jstr(in, "note");
	long long id = 0;
	struct err e = ERR_INIT;
	struct errs all = ERRS_INIT;
	if (case_open(r->db, &r->actor, &ci, &id, &all, &e) < 0) {
		errs_release(&all);
		resp_err(r, &e);
		goto out;
	}
	errs_release(&all);
	resp_header(r, "Location", req_printf(r, "/api/v1/cases/%lld", id));
	resp_json(r, 201, json_pack("{s:b,s:I,s:i}", "ok", 1, "id", (json_int_t)id, "row_version", 1));
out:
	json_decref(in);
	return 0;
}

int page_api_cases(struct req *r)
{
	return r->method == M_POST ? api_open(r) : api_list(r);
}

int page_api_case(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	json_t *c = NULL;
	struct err e = ERR_INIT;
	if (case_get(r->db, &r->actor, id, &c, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	resp_json(r, 200, c);
	return 0;
}

int page_api_case_acts(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	json_t *in = json_body(r);
	if (!in)
		return 0;
	long long officers[API_MAX_IDS];
	struct case_act_input ai = { 0 };
	long long rv = jint(in, "row_version"), days = jint(in, "days");
	if (rv <= 0 || rv > INT_MAX) {
		resp_error(r, 400, "row_version", "缺少案件版本号（row_version），请刷新后重试");
		goto out;
	}
	if (days < 0 || days > 3650) {
		bad_int(r, "days");
		goto out;
	}
	if (jids(r, in, "officer_ids", officers, &ai.n_officers) < 0)
		goto out;
	ai.action = jstr(in, "action");
	ai.row_version = (int)rv;
	ai.on_date = jstr(in, "on_date");
	ai.reason = jstr(in, "reason");
	ai.to = jstr(in, "to");
	ai.event_on = jstr(in, "event_on");
	ai.approval = jstr(in, "approval");
	ai.ending = jstr(in, "ending");
	ai.officer_ids = officers;
	const json_t *p = json_object_get(in, "participant");
	if (!json_is_object(p))
		p = in;
	ai.p_kind = jstr(p, json_object_get(p, "kind") ? "kind" : "p_kind");
	ai.p_name = jstr(p, json_object_get(p, "name") ? "name" : "p_name");
	ai.p_id_type = jstr(p, json_object_get(p, "id_type") ? "id_type" : "p_id_type");
	ai.p_id_number = jstr(p, json_object_get(p, "id_number") ? "id_number" : "p_id_number");
	ai.p_organisation = jstr(p, json_object_get(p, "organisation") ? "organisation" : "p_organisation");
	ai.p_title = jstr(p, json_object_get(p, "title") ? "title" : "p_title");
	ai.suspension = jstr(in, "suspension");
	ai.clock = jstr(in, "clock");
	ai.days = (int)days;
	struct err e = ERR_INIT;
	if (case_act(r->db, &r->actor, id, &ai, &e) < 0) {
		resp_err(r, &e);
		goto out;
	}
	resp_json(r, 200, json_pack("{s:b,s:I,s:i}", "ok", 1, "id", (json_int_t)id, "row_version", (int)rv + 1));
out:
	json_decref(in);
	return 0;
}
