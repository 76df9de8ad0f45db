/*
 * api_disclosure.c - 事后公开 over JSON for staff:
 *   GET  /api/v1/publications[?state=]        the publications of the reader's units, most urgent first
 *   GET  /api/v1/publications/{id}            one, with its versions and events
 *   GET  /api/v1/publications/{id}/preview    the next version: original and redacted with every mark,
 *                                              the exact content and its sha256
 *   POST /api/v1/publications/{id}/acts       {"action": mark | text | exclude | decide_exclusion |
 *                                              publish | correct | report_revocation | withdraw | end_early,
 *                                              "row_version", ...}
 *
 * Invariants: the domain (disclosure/disclosure.h) checks everything and
 * writes the logs; a refusal answers the API's error shape naming the JSON
 * member; nothing is written on any failure.
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "disclosure/disclosure.h"

static json_t *body_object(struct req *r)
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

int page_api_publications(struct req *r)
{
	json_t *items = NULL;
	struct err e = ERR_INIT;
	const char *state = req_param(r, "state");
	if (disclosure_list(r->db, &r->actor, str_empty(state) ? NULL : state, 500, &items, &e) < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *counts = NULL;
	if (disclosure_counts(r->db, &r->actor, &counts, &e) < 0)
		counts = json_object();
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "counts", counts));
	return 0;
}

int page_api_publication(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (id <= 0)
		resp_error(r, 404, "id", "公示不存在或无权查看");
	else if (disclosure_get(r->db, &r->actor, id, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	return 0;
}

int page_api_publication_preview(struct req *r)
{
	long long id = req_param_id(r, 0);
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (id <= 0)
		resp_error(r, 404, "id", "公示不存在或无权查看");
	else if (disclosure_preview(r->db, &r->actor, id, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	return 0;
}

static const char *s_of(const json_t *in, const char *k)
{
	return json_string_value(json_object_get(in, k));
}

/* An integer member, or fail naming it. */
static int int_of(struct req *r, const json_t *in, const char *k, long long *out)
{
	const json_t *v = json_object_get(in, k);
	if (!json_is_integer(v)) {
		char msg[120];
		snprintf(msg, sizeof msg, "「%s」应为整数", k);
		resp_error(r, 400, k, msg);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

int page_api_publication_acts(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0) {
		resp_error(r, 404, "id", "公示不存在或无权查看");
		return 0;
	}
	json_t *in = body_object(r);
	if (!in)
		return 0;
	const char *action = s_of(in, "action");
	long long rv = 0;
	struct err e = ERR_INIT;
	int rc = 0;
	if (int_of(r, in, "row_version", &rv) < 0) {
		json_decref(in);
		return 0;
	}
	if (rv < 1 || rv > 1000000000)
		rv = 0;
	if (str_eq(action, "mark")) {
		long long start = 0, end = 0, revokes = 0;
		const json_t *rk = json_object_get(in, "revokes");
		if (json_is_integer(rk))
			revokes = json_integer_value(rk);
		if (!str_eq(s_of(in, "op"), "revoke") && (int_of(r, in, "start", &start) < 0 || int_of(r, in, "end", &end) < 0)) {
			json_decref(in);
			return 0;
		}
		struct disclosure_mark_input mi = { .target = s_of(in, "target"), .op = s_of(in, "op"), .start = start,
						    .end = end, .revokes = revokes, .reason = s_of(in, "reason") };
		rc = disclosure_mark(r->db, &r->actor, id, (int)rv, &mi, NULL, &e);
	} else if (str_eq(action, "text")) {
		const json_t *inc = json_object_get(in, "include");
		if (!json_is_boolean(inc))
			rc = err_set(&e, ERR_INVALID, "include", "「include」应为 true 或 false（是否公开隐去处理后的决定书全文）");
		else
			rc = disclosure_set_text(r->db, &r->actor, id, (int)rv, json_is_true(inc), &e);
	} else if (str_eq(action, "exclude")) {
		rc = disclosure_exclusion_request(r->db, &r->actor, id, (int)rv, s_of(in, "reason"), s_of(in, "note"), &e);
	} else if (str_eq(action, "decide_exclusion")) {
		const json_t *ap = json_object_get(in, "approve");
		if (!json_is_boolean(ap))
			rc = err_set(&e, ERR_INVALID, "approve", "「approve」应为 true（批准不予公开）或 false（不批准）");
		else
			rc = disclosure_exclusion_decide(r->db, &r->actor, id, (int)rv, json_is_true(ap), s_of(in, "note"), &e);
	} else if (str_eq(action, "publish")) {
		const json_t *od = json_object_get(in, "overdue");
		if (od && !json_is_boolean(od))
			rc = err_set(&e, ERR_INVALID, "overdue", "「overdue」应为 true 或 false（逾期标注）");
		else
			rc = disclosure_publish(r->db, &r->actor, id, (int)rv, s_of(in, "preview_sha256"), json_is_true(od), &e);
	} else if (str_eq(action, "correct")) {
		rc = disclosure_correct(r->db, &r->actor, id, (int)rv, s_of(in, "preview_sha256"), s_of(in, "note"), &e);
	} else if (str_eq(action, "withdraw")) {
		rc = disclosure_withdraw(r->db, &r->actor, id, (int)rv, s_of(in, "reason"), s_of(in, "note"),
					 s_of(in, "event_date"), &e);
	} else if (str_eq(action, "report_revocation")) {
		rc = disclosure_report_revocation(r->db, &r->actor, id, (int)rv, s_of(in, "reason"), s_of(in, "note"),
						  s_of(in, "event_date"), &e);
	} else if (str_eq(action, "end_early")) {
		rc = disclosure_end_early(r->db, &r->actor, id, (int)rv, s_of(in, "note"), &e);
	} else {
		rc = err_set(&e, ERR_INVALID, "action",
			     "「action」应为 mark、text、exclude、decide_exclusion、publish、correct、report_revocation、withdraw 或 end_early");
	}
	json_decref(in);
	if (rc < 0) {
		resp_err(r, &e);
		return 0;
	}
	json_t *out = NULL;
	if (disclosure_get(r->db, &r->actor, id, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	return 0;
}
