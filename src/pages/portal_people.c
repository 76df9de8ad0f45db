/* portal_people.c - public models of bodies and officers (see header). */
#include "core/core.h"
#include "pages/portal_people.h"
#include "people/certs.h"
#include "people/people.h"
#include "publicity/publicity.h"

static json_int_t matters_of(json_t *pub, json_int_t id)
{
	size_t j;
	json_t *p;
	json_array_foreach(json_object_get(pub, "units"), j, p)
		if (json_integer_value(json_object_get(p, "id")) == id)
			return json_integer_value(json_object_get(p, "matters"));
	return 0;
}

json_t *portal_bodies_model(struct db *db)
{
	json_t *bodies = NULL, *out = json_array();
	struct err e = ERR_INIT;
	json_int_t total = 0, valid = 0;
	if (people_public_bodies(db, &bodies, &e) < 0)
		log_error("执法主体列表读取失败： %s", e.msg);
	json_t *pub = publicity_portal_units(db, &e);
	size_t i, j;
	json_t *u, *o;
	json_array_foreach(bodies, i, u) {
		json_int_t id = json_integer_value(json_object_get(u, "id"));
		json_int_t matters = matters_of(pub, id);
		json_t *offices = json_array();
		json_array_foreach(json_object_get(u, "offices"), j, o) {
			json_int_t oid = json_integer_value(json_object_get(o, "id")), om = matters_of(pub, oid);
			matters += om;
			json_array_append_new(offices, json_pack("{s:I,s:O,s:O,s:O,s:I}", "id", oid,
								 "code", json_object_get(o, "code"),
								 "name", json_object_get(o, "name"),
								 "certified_officers", json_object_get(o, "officers"),
								 "matters", om));
		}
		json_int_t officers = json_integer_value(json_object_get(u, "officers"));
		total += officers;
		valid += json_integer_value(json_object_get(u, "valid_officers"));
		json_array_append_new(out, json_pack("{s:I,s:O,s:O,s:O,s:O,s:O,s:O,s:I,s:O,s:I,s:o}", "id", id,
						     "code", json_object_get(u, "code"), "name", json_object_get(u, "name"),
						     "address", json_object_get(u, "address"), "phone", json_object_get(u, "phone"),
						     "head_name", json_object_get(u, "head_name"),
						     "complaint_phone", json_object_get(u, "complaint_phone"),
						     "certified_officers", officers,
						     "valid_officers", json_object_get(u, "valid_officers"),
						     "matters", matters, "offices", offices));
	}
	json_decref(pub);
	json_decref(bodies);
	return json_pack("{s:o,s:I,s:I}", "bodies", out, "certified_officers", total, "valid_officers", valid);
}

static bool contains(const json_t *o, const char *key, const char *needle)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v && strstr(v, needle);
}

json_t *portal_officers_model(struct db *db, long long unit_id, const char *keyword, bool include_inactive)
{
	json_t *all = NULL;
	struct err e = ERR_INIT;
	struct officer_filter f = { .include_inactive = include_inactive };
	if (unit_id > 0 && people_unit_body(db, unit_id) == unit_id)
		f.body_id = unit_id;
	else
		f.unit_id = unit_id;
	if (people_public_officers(db, &f, &all, &e) < 0) {
		log_error("执法人员列表读取失败： %s", e.msg);
		return NULL;
	}
	json_t *list = json_array();
	char *words[8];
	int nw = keyword ? publicity_keywords_split(keyword, words, 8) : 0;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		bool keep = true;
		for (int w = 0; w < nw && keep; w++) {
			/* the word or one of its synonyms (publicity_word_variants) */
			char *vars[PUBLICITY_MAX_VARIANTS];
			int nv = publicity_word_variants(words[w], vars, PUBLICITY_MAX_VARIANTS);
			keep = false;
			for (int v = 0; v < nv; v++) {
				keep = keep || contains(o, "name", vars[v]) || contains(o, "cert_no", vars[v]) ||
				       contains(o, "unit_name", vars[v]) || contains(o, "body_name", vars[v]) ||
				       contains(o, "enf_scope", vars[v]);
				free(vars[v]);
			}
		}
		if (keep)
			json_array_append(list, o);
	}
	for (int w = 0; w < nw; w++)
		free(words[w]);
	json_decref(all);
	return json_pack("{s:I,s:s,s:b,s:I,s:o}", "unit_id", (json_int_t)unit_id, "keyword", keyword ? keyword : "",
			 "include_inactive", include_inactive, "total", (json_int_t)json_array_size(list),
			 "officers", list);
}

char *portal_body_name(struct db *db, long long unit_id)
{
	long long body = people_unit_body(db, unit_id);
	return body > 0 ? people_unit_name(db, body) : NULL;
}
