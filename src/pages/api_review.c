/*
 * api_review.c - 法制审核 over JSON: POST /api/v1/review/classify (is a
 * decision major, by the catalogue in force on the day: before drafting,
 * an officer asks), GET /api/v1/review/catalogue (the version in force,
 * with ?on_date=, and every version) and POST /api/v1/review/catalogue (an
 * administrator adds a version).
 *
 * Invariants: the domain (review/review.h) checks everything and writes
 * the logs; errors answer the API's error shape with field naming the
 * JSON member; nothing is written on any failure.
 */
#include "core/core.h"
#include "http/http.h"
#include "pages/pages.h"
#include "app/app.h"
#include "review/review.h"
#include "review/flow.h"

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

int page_api_review_classify(struct req *r)
{
	json_t *in = body_object(r);
	if (!in)
		return 0;
	const json_t *day = json_object_get(in, "on_date");
	if (day && !json_is_null(day) && !json_is_string(day)) {
		json_decref(in);
		resp_error(r, 400, "on_date", "日期应为 YYYY-MM-DD 格式的字符串");
		return 0;
	}
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (review_classify_on(r->db, json_string_value(day), in, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	json_decref(in);
	return 0;
}

int page_api_review_catalogue(struct req *r)
{
	struct err e = ERR_INIT;
	if (r->method == M_POST) {
		json_t *in = body_object(r);
		if (!in)
			return 0;
		int version = 0;
		struct errs all = ERRS_INIT;
		if (review_catalogue_add(r->db, &r->actor, json_object_get(in, "definition"),
					 json_string_value(json_object_get(in, "effective_from")),
					 json_string_value(json_object_get(in, "note")), &version, &all, &e) < 0) {
			resp_err(r, &e);
		} else {
			resp_json(r, 201, json_pack("{s:b,s:i}", "ok", 1, "version", version));
		}
		errs_release(&all);
		json_decref(in);
		return 0;
	}
	json_t *cur = NULL, *versions = NULL;
	if (review_catalogue_in_force(r->db, req_param(r, "on_date"), &cur, &e) < 0 ||
	    review_catalogue_versions(r->db, &versions, &e) < 0) {
		json_decref(cur);
		resp_err(r, &e);
		return 0;
	}
	json_object_set_new(cur, "versions", json_incref(json_object_get(versions, "items")));
	json_decref(versions);
	resp_json(r, 200, cur);
	return 0;
}

/* GET /api/v1/cases/{id}/review: the review of a case. */
static int review_show(struct req *r, long long id)
{
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (review_get(r->db, &r->actor, id, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	return 0;
}

static const char *body_str(const json_t *in, const char *k)
{
	return json_string_value(json_object_get(in, k));
}

/* POST /api/v1/cases/{id}/review {"action": ..., ...}: one step. */
int page_api_case_review(struct req *r)
{
	long long id = req_param_id(r, 0);
	if (id <= 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看");
		return 0;
	}
	if (r->method != M_POST)
		return review_show(r, id);
	json_t *in = body_object(r);
	if (!in)
		return 0;
	const char *action = body_str(in, "action");
	struct err e = ERR_INIT;
	int rc;
	long long round = 0;
	if (str_eq(action, "submit")) {
		rc = review_submit(r->db, app_vault(r->app, NULL), &r->actor, id, in, &round, &e);
	} else if (str_eq(action, "accept")) {
		rc = review_accept(r->db, &r->actor, id, &e);
	} else if (str_eq(action, "return")) {
		rc = review_return(r->db, &r->actor, id, body_str(in, "missing"), &e);
	} else if (str_eq(action, "supplement")) {
		rc = review_supplement(r->db, &r->actor, id, body_str(in, "note"), &e);
	} else if (str_eq(action, "assign")) {
		const json_t *v = json_object_get(in, "reviewer_id");
		rc = json_is_integer(v) && json_integer_value(v) > 0
			     ? review_assign(r->db, &r->actor, id, (long long)json_integer_value(v), &e)
			     : err_set(&e, ERR_INVALID, "reviewer_id", "请选择审核人员（编号）");
	} else if (str_eq(action, "claim")) {
		rc = review_claim(r->db, &r->actor, id, &e);
	} else if (str_eq(action, "opinion")) {
		rc = review_opinion(r->db, app_vault(r->app, NULL), &r->actor, id, in, body_str(in, "password"), &e);
	} else if (str_eq(action, "escalate")) {
		rc = review_escalate(r->db, &r->actor, id, body_str(in, "division_opinion"), &e);
	} else if (str_eq(action, "decide")) {
		rc = review_decide(r->db, &r->actor, id, body_str(in, "verdict"), body_str(in, "reasons"),
				   body_str(in, "instructions"), &e);
	} else {
		rc = err_set(&e, ERR_INVALID, "action",
			     "操作（action）应为 submit、accept、return、supplement、assign、claim、opinion、escalate 或 decide");
	}
	json_decref(in);
	if (rc < 0) {
		resp_err(r, &e);
		return 0;
	}
	return review_show(r, id);
}

/* GET /api/v1/review/queue: what awaits the actor. */
int page_api_review_queue(struct req *r)
{
	json_t *out = NULL;
	struct err e = ERR_INIT;
	if (review_queue(r->db, &r->actor, &out, &e) < 0)
		resp_err(r, &e);
	else
		resp_json(r, 200, out);
	return 0;
}
