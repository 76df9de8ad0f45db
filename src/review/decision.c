/*
 * decision.c - classification of decision drafts and the gate on
 * finalising them (review/decision.h).
 */
#include "core/core.h"
#include "review/decision.h"
#include "review/review.h"
#include "review/flow.h"
#include "review/flow_int.h"
#include "records/decision.h"
#include "cases/cases.h"
#include "people/people.h"

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* A money field value ("150000.00") as a JSON number of yuan. */
static json_t *money(const json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || !s[0])
		return NULL;
	char *end;
	double d = strtod(s, &end);
	if (*end || !(d >= 0))
		return NULL;
	double r = (double)(long long)d;
	return r == d ? json_integer((json_int_t)d) : json_real(d);
}

/* A flag as the draft holds it (the catalogue's name of it, or the flag
 * itself) -> the flag. */
static const char *flag_of(const json_t *cdef, const char *v)
{
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(cdef, "flags"), i, f)
		if (str_eq(json_string_value(f), v))
			return json_string_value(f);
	const char *k;
	const json_t *name;
	json_object_foreach((json_t *)json_object_get(cdef, "flag_names"), k, name)
		if (str_eq(json_string_value(name), v))
			return k;
	return v; /* unknown: the classification names it */
}

int review_draft_requests(struct db *db, long long case_id, const json_t *review, const json_t *fields,
			  const json_t *catalogue_def, json_t **out, struct err *e)
{
	*out = NULL;
	json_t *kinds = NULL;
	bool hearing = false;
	if (case_review_facts(db, case_id, &kinds, &hearing, e) < 0)
		return -1;
	const char *proc = js(review, "procedure");
	json_t *base = json_pack("{s:s,s:b}", "procedure", proc, "hearing_held", hearing);
	json_t *v;
	if ((v = money(json_object_get(fields, js(review, "fine")))))
		json_object_set_new(base, "fine_yuan", v);
	if ((v = money(json_object_get(fields, js(review, "confiscation")))))
		json_object_set_new(base, "confiscation_yuan", v);
	json_t *measures = json_array();
	size_t i;
	const json_t *x;
	json_array_foreach(json_object_get(review, "measures_fixed"), i, x)
		json_array_append(measures, (json_t *)x);
	json_array_foreach(json_object_get(fields, js(review, "measures")), i, x)
		json_array_append(measures, (json_t *)x);
	json_object_set_new(base, "measures", measures);
	json_t *flags = json_array();
	json_array_foreach(json_object_get(fields, js(review, "flags")), i, x)
		json_array_append_new(flags, json_string(flag_of(catalogue_def, json_string_value(x))));
	json_object_set_new(base, "flags", flags);
	if (json_object_get(review, "site"))
		json_object_set_new(base, "site", json_boolean(json_is_true(json_object_get(fields, js(review, "site")))));
	json_t *reqs = json_array();
	if (json_array_size(kinds) == 0) {
		if (str_eq(proc, "penalty")) {
			json_decref(base);
			json_decref(kinds);
			json_decref(reqs);
			return err_set(e, ERR_INVALID, "party", "本案尚未登记当事人，不能认定是否属于重大执法决定（数额标准因当事人类别而不同）");
		}
		json_array_append(reqs, base);
	}
	json_array_foreach(kinds, i, x) {
		json_t *q = json_deep_copy(base);
		json_object_set(q, "party_kind", (json_t *)x);
		json_array_append_new(reqs, q);
	}
	json_decref(base);
	json_decref(kinds);
	*out = reqs;
	return 0;
}

int review_classify_draft(struct db *db, long long case_id, const json_t *review, const json_t *fields,
			  const char *drafted_on, json_t **out, struct err *e)
{
	*out = NULL;
	json_t *cat = NULL, *reqs = NULL;
	if (review_catalogue_in_force(db, drafted_on, &cat, e) < 0)
		return -1;
	const json_t *cdef = json_object_get(cat, "definition");
	if (review_draft_requests(db, case_id, review, fields, cdef, &reqs, e) < 0) {
		json_decref(cat);
		return -1;
	}
	json_t *reasons = json_array(), *rules = json_array(), *kinds = json_array();
	bool major = false;
	int rc = 0;
	size_t i;
	const json_t *q;
	json_array_foreach(reqs, i, q) {
		json_t *one = NULL;
		if (review_classify(cdef, q, &one, e) < 0) {
			rc = -1;
			break;
		}
		major = major || json_is_true(json_object_get(one, "major"));
		if (json_object_get(q, "party_kind"))
			json_array_append(kinds, json_object_get(q, "party_kind"));
		size_t j;
		const json_t *r;
		json_array_foreach(json_object_get(one, "rules"), j, r) {
			bool seen = false;
			size_t k;
			const json_t *s;
			json_array_foreach(reasons, k, s)
				seen = seen || str_eq(json_string_value(s), js(r, "reason"));
			if (!seen) {
				json_array_append_new(reasons, json_string(js(r, "reason")));
				json_array_append(rules, (json_t *)r);
			}
		}
		json_decref(one);
	}
	if (rc == 0)
		*out = json_pack("{s:b,s:O,s:O,s:O,s:O,s:O,s:O}", "major", major, "reasons", reasons, "rules", rules,
				 "catalogue_version", json_object_get(cat, "version"), "catalogue_effective_from",
				 json_object_get(cat, "effective_from"), "party_kinds", kinds, "requests", reqs);
	json_decref(reasons);
	json_decref(rules);
	json_decref(kinds);
	json_decref(reqs);
	json_decref(cat);
	return rc;
}

/* ---- the rows ---- */

/* The latest classification row of doc_id with material (NULL = any):
 * *major and *found. */
static int latest_row(struct db *db, long long doc_id, const char *material, bool *found, bool *major, struct err *e)
{
	struct db_res *r;
	int q = material ? db_query(db, &r, "SELECT major FROM review_classifications WHERE document_id = ?"
					    " AND material_sha256 = ? ORDER BY id DESC LIMIT 1",
				    DB_INT(doc_id), DB_TEXT(material))
			 : db_query(db, &r, "SELECT major FROM review_classifications WHERE document_id = ?"
					    " ORDER BY id DESC LIMIT 1",
				    DB_INT(doc_id));
	if (q < 0)
		return rv_db_fail(db, e);
	*found = r->nrows > 0;
	*major = *found && db_int(r, 0, 0) != 0;
	db_res_free(r);
	return 0;
}

/* Classify d and keep the answer (unless the same material was already
 * classified by the same catalogue version). */
static int classify_and_keep(struct db *db, const struct actor *a, const struct records_decision *d, bool *major,
			     struct err *e)
{
	json_t *res = NULL;
	if (review_classify_draft(db, d->case_id, json_object_get(d->def, "review"), d->fields, d->drafted_on, &res,
				  e) < 0)
		return -1;
	*major = json_is_true(json_object_get(res, "major"));
	long long ver = json_integer_value(json_object_get(res, "catalogue_version"));
	long long have = db_scalar_int(db, -1, "SELECT COUNT(*) FROM review_classifications WHERE document_id = ?"
					       " AND material_sha256 = ? AND catalogue_version = ?",
				       (const struct db_val[]){ DB_INT(d->doc_id), DB_TEXT(d->material), DB_INT(ver),
								DB_END });
	int rc = 0;
	if (have < 0) {
		rc = rv_db_fail(db, e);
	} else if (have == 0) {
		json_t *input = json_incref(json_object_get(res, "requests"));
		json_object_del(res, "requests");
		char *it = json_dumps(input, JSON_COMPACT | JSON_SORT_KEYS);
		char *rt = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
		char now[21];
		time_now_utc(now);
		if (db_exec(db, "INSERT INTO review_classifications(case_id, document_id, material_sha256, major,"
				" catalogue_version, input, result, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    DB_INT(d->case_id), DB_INT(d->doc_id), DB_TEXT(d->material), DB_INT(*major ? 1 : 0),
			    DB_INT(ver), DB_TEXT(it), DB_TEXT(rt), a && a->user_id > 0 ? DB_INT(a->user_id) : DB_NULL,
			    DB_TEXT(now)) < 0)
			rc = rv_db_fail(db, e);
		free(it);
		free(rt);
		json_decref(input);
	}
	json_decref(res);
	return rc;
}

/* drafted: classified and kept. */
static int on_drafted(struct db *db, const struct actor *a, const struct records_decision *d, struct err *e)
{
	bool major;
	struct err ce = ERR_INIT;
	if (classify_and_keep(db, a, d, &major, &ce) < 0) {
		/* no party yet, or no catalogue in force that day: the draft is
		 * kept unclassified; finalising asks again and refuses */
		if (ce.kind == ERR_INVALID || ce.kind == ERR_NOTFOUND)
			return 0;
		if (e)
			*e = ce;
		return -1;
	}
	return 0;
}

int review_case_major(struct db *db, long long case_id)
{
	long long n = db_scalar_int(db, -1, "SELECT (SELECT COUNT(*) FROM review_classifications WHERE case_id = ?"
					    " AND major = 1) + (SELECT COUNT(*) FROM review_rounds WHERE case_id = ?"
					    " AND major = 1)",
				    (const struct db_val[]){ DB_INT(case_id), DB_INT(case_id), DB_END });
	return n < 0 ? -1 : n > 0;
}

int review_cleared_material(struct db *db, long long case_id, char out[65])
{
	out[0] = 0;
	char msg[200];
	if (!review_gate_open(db, case_id, msg, sizeof msg))
		return 0;
	struct db_res *r;
	if (db_query(db, &r, "SELECT k.material_sha256 FROM review_clearances k WHERE k.round_id ="
			     " (SELECT MAX(id) FROM review_rounds WHERE case_id = ?)",
		     DB_INT(case_id)) < 0)
		return -1;
	if (r->nrows && db_cell(r, 0, 0))
		snprintf(out, 65, "%s", db_text(r, 0, 0));
	db_res_free(r);
	return 0;
}

static int on_may_finalise(struct db *db, const struct actor *a, const struct records_decision *d, struct err *e)
{
	bool found = false, major = false;
	if (latest_row(db, d->doc_id, d->material, &found, &major, e) < 0)
		return -1;
	if (!found) {
		struct err ce = ERR_INIT;
		if (classify_and_keep(db, a, d, &major, &ce) < 0) {
			if (e)
				*e = ce;
			if (e && ce.kind == ERR_INVALID)
				e->kind = ERR_CONFLICT;
			return -1;
		}
	}
	int cm = review_case_major(db, d->case_id);
	if (cm < 0)
		return rv_db_fail(db, e);
	if (!major && !cm)
		return 0;
	char msg[200] = "";
	if (!review_gate_open(db, d->case_id, msg, sizeof msg))
		return err_set(e, ERR_CONFLICT, "review",
			       "本案属于重大执法决定，须经法制审核同意（或分管负责人审定同意作出）后才能定稿：%s", msg);
	char cleared[65];
	if (review_cleared_material(db, d->case_id, cleared) < 0)
		return rv_db_fail(db, e);
	if (!str_eq(cleared, d->material))
		return err_set(e, ERR_CONFLICT, "review",
			       cleared[0] ? "决定书的内容（事实、处理措施或金额）与法制审核同意的不一致，须重新送法制审核"
					  : "法制审核时未附这份决定书草稿，须附拟作出的决定书重新送法制审核");
	return 0;
}

int review_document_classification(struct db *db, long long doc_id, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r;
	if (db_query(db, &r, "SELECT result, material_sha256, at FROM review_classifications WHERE document_id = ?"
			     " ORDER BY id DESC LIMIT 1",
		     DB_INT(doc_id)) < 0)
		return rv_db_fail(db, e);
	if (r->nrows) {
		json_t *res = json_loads(db_text(r, 0, 0), 0, NULL);
		if (!res)
			res = json_object();
		char local[20] = "";
		time_utc_to_shanghai(db_text(r, 0, 2), local);
		json_object_set_new(res, "material_sha256", json_string(db_text(r, 0, 1)));
		json_object_set_new(res, "at_local", json_string(local));
		*out = res;
	}
	db_res_free(r);
	return 0;
}

bool review_publication_allowed(struct db *db, long long case_id, char *msg, size_t msg_size)
{
	int m = review_case_major(db, case_id);
	if (m == 0)
		return true;
	if (m < 0) {
		snprintf(msg, msg_size, "法制审核状态读取失败");
		return false;
	}
	return review_gate_open(db, case_id, msg, msg_size);
}

/* The 政策法规处 (its head and reviewers) sees a case submitted to it,
 * whatever its stage: the case page, its documents, the review's own
 * 申请表 and 意见书 (case_set_visibility_hook). */
static bool sees_case(struct db *db, const struct actor *a, long long case_id)
{
	if (!actor_has(a, ROLE_HEAD | ROLE_REVIEWER) || !people_unit_is_reviewer(db, a->unit_id))
		return false;
	return db_scalar_int(db, 0, "SELECT COUNT(*) FROM review_rounds WHERE case_id = ?",
			     (const struct db_val[]){ DB_INT(case_id), DB_END }) > 0;
}

void review_decision_init(void)
{
	static const struct records_decision_hooks h = { on_drafted, on_may_finalise };
	records_set_decision_hooks(&h);
	case_set_visibility_hook(sees_case);
}
