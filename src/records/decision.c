/*
 * decision.c - decision documents and the hooks of the modules above the
 * records (records/decision.h).
 */
#include "core/core.h"
#include "records/decision.h"
#include "records/records_int.h"

static struct records_decision_hooks hooks;
static records_finalised_fn finalised[4];
static size_t n_finalised;

void records_set_decision_hooks(const struct records_decision_hooks *h)
{
	hooks = *h;
}

int records_on_finalised(records_finalised_fn fn)
{
	for (size_t i = 0; i < n_finalised; i++)
		if (finalised[i] == fn)
			return 0;
	if (n_finalised == ARRAY_SIZE(finalised))
		return -1;
	finalised[n_finalised++] = fn;
	return 0;
}

bool records_is_decision(const json_t *def)
{
	return json_is_object(json_object_get(def, "review"));
}

void records_decision_material(const char *type_code, const json_t *def, const json_t *fields, char out[65])
{
	json_t *m = json_object();
	size_t i;
	const json_t *k;
	json_array_foreach(json_object_get(json_object_get(def, "review"), "material"), i, k) {
		const char *key = json_string_value(k);
		const json_t *v = key ? json_object_get(fields, key) : NULL;
		if (key)
			json_object_set_new(m, key, v ? json_deep_copy(v) : json_null());
	}
	json_t *all = json_pack("{s:s,s:o}", "type", type_code, "material", m);
	char *text = rec_canonical(all);
	rec_sha256_hex(text, strlen(text), out);
	free(text);
	json_decref(all);
}

static void fill(struct records_decision *d, long long case_id, long long doc_id, const char *type_code,
		 const json_t *def, const json_t *fields, const char *drafted_on)
{
	memset(d, 0, sizeof *d);
	d->case_id = case_id;
	d->doc_id = doc_id;
	d->type_code = type_code;
	d->def = def;
	d->fields = fields;
	d->drafted_on = drafted_on;
	records_decision_material(type_code, def, fields, d->material);
}

int rec_decision_drafted(struct db *db, const struct actor *a, long long case_id, long long doc_id,
			 const char *type_code, const json_t *def, const json_t *fields, const char *drafted_on,
			 struct err *e)
{
	if (!records_is_decision(def) || !hooks.drafted)
		return 0;
	struct records_decision d;
	fill(&d, case_id, doc_id, type_code, def, fields, drafted_on);
	return hooks.drafted(db, a, &d, e);
}

int rec_decision_may_finalise(struct db *db, const struct actor *a, long long case_id, long long doc_id,
			      const char *type_code, const json_t *def, const json_t *fields, const char *drafted_on,
			      char material[65], struct err *e)
{
	material[0] = 0;
	if (!records_is_decision(def))
		return 0;
	struct records_decision d;
	fill(&d, case_id, doc_id, type_code, def, fields, drafted_on);
	memcpy(material, d.material, 65);
	if (!hooks.may_finalise)
		return err_set(e, ERR_CONFLICT, "review", "法制审核功能未启用，执法决定文书不能定稿");
	return hooks.may_finalise(db, a, &d, e);
}

int rec_decision_finalised(struct db *db, const struct actor *a, const struct records_finalised *f, struct err *e)
{
	for (size_t i = 0; i < n_finalised; i++)
		if (finalised[i](db, a, f, e) < 0)
			return -1;
	return 0;
}

int records_decision_draft(struct db *db, long long case_id, json_t **out, struct err *e)
{
	*out = NULL;
	long long id = db_scalar_int(db, -1, "SELECT COALESCE(MAX(d.id), 0) FROM documents d JOIN decision_doc_types t"
					     " ON t.type_code = d.type_code WHERE d.case_id = ? AND d.status = 'draft'",
				     (const struct db_val[]){ DB_INT(case_id), DB_END });
	if (id < 0)
		return rec_db_fail(db, e);
	if (id == 0)
		return 0;
	struct doc_row d;
	if (rec_doc_load(db, id, &d, e) < 0)
		return -1;
	if (records_is_decision(d.def)) {
		char m[65], day[20];
		records_decision_material(d.type_code, d.def, d.fields, m);
		rec_local(d.created_at, day);
		day[10] = 0;
		*out = json_pack("{s:I,s:s,s:s,s:O,s:O,s:s,s:i,s:s}", "id", (json_int_t)d.id, "type_code", d.type_code,
				 "name", rec_js(d.def, "name"), "fields", d.fields, "review",
				 json_object_get(d.def, "review"), "material_sha256", m, "row_version", d.row_version,
				 "drafted_on", day);
	}
	rec_doc_release(&d);
	return 0;
}
