/* portal_people.c - public models of bodies and officers (see header). */
#include "core/core.h"
#include "pages/portal_people.h"
#include "people/certs.h"
#include "publicity/publicity.h"

json_t *portal_bodies_model(struct db *db)
{
	json_t *bodies = NULL, *out = json_array();
	struct err e = ERR_INIT;
	long long total = 0;
	if (people_public_bodies(db, &bodies, &e) < 0)
		log_error("执法主体列表读取失败： %s", e.msg);
	json_t *pub = publicity_portal_units(db, &e);
	size_t i, j;
	json_t *u, *p;
	json_array_foreach(bodies, i, u) {
		json_int_t id = json_integer_value(json_object_get(u, "id")), matters = 0;
		json_array_foreach(json_object_get(pub, "units"), j, p)
			if (json_integer_value(json_object_get(p, "id")) == id)
				matters = json_integer_value(json_object_get(p, "matters"));
		json_int_t officers = json_integer_value(json_object_get(u, "officers"));
		total += officers;
		json_t *parent = json_object_get(u, "parent");
		json_array_append_new(out, json_pack("{s:I,s:O,s:O,s:s,s:I,s:I}", "id", id,
						     "code", json_object_get(u, "code"), "name", json_object_get(u, "name"),
						     "parent_name", json_is_string(parent) ? json_string_value(parent) : "",
						     "certified_officers", officers, "matters", matters));
	}
	json_decref(pub);
	json_decref(bodies);
	return json_pack("{s:o,s:I}", "bodies", out, "certified_officers", (json_int_t)total);
}

static bool contains(const json_t *o, const char *key, const char *needle)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v && strstr(v, needle);
}

json_t *portal_officers_model(struct db *db, long long unit_id, const char *keyword)
{
	json_t *all = NULL;
	struct err e = ERR_INIT;
	if (people_public_officers(db, false, unit_id, &all, &e) < 0) {
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
		for (int w = 0; w < nw && keep; w++)
			keep = contains(o, "name", words[w]) || contains(o, "cert_no", words[w]) ||
			       contains(o, "unit_name", words[w]) || contains(o, "enf_scope", words[w]);
		if (keep)
			json_array_append(list, o);
	}
	for (int w = 0; w < nw; w++)
		free(words[w]);
	json_decref(all);
	return json_pack("{s:I,s:s,s:o}", "unit_id", (json_int_t)unit_id, "keyword", keyword ? keyword : "",
			 "officers", list);
}
