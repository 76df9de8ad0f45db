/*
 * records_init.c - what the records domain registers at start-up: the
 * requirement type "record" with its evaluator (gate.c) and the document
 * lookup of the audio-visual records (records/media.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "records/media.h"

void rec_gate_register(void);

static long long case_of(struct db *db, long long document_id)
{
	return db_scalar_int(db, -1, "SELECT COALESCE(MAX(case_id), 0) FROM documents WHERE id = ?",
			     (const struct db_val[]){ DB_INT(document_id), DB_END });
}

static json_t *docs_of(struct db *db, long long case_id)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT d.id, t.name, d.number, t.definition FROM documents d JOIN doc_types t ON"
			     " t.id = d.doc_type_id WHERE d.case_id = ? ORDER BY d.id", DB_INT(case_id)) < 0)
		return NULL;
	json_t *out = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *def = json_loads(db_text(r, i, 3), 0, NULL);
		json_array_append_new(out, json_pack("{s:I,s:s,s:o,s:s}", "id", (json_int_t)db_int(r, i, 0), "name",
						     db_text(r, i, 1), "number",
						     db_cell(r, i, 2) ? json_string(db_text(r, i, 2)) : json_null(),
						     "recording", rec_js(def, "recording")));
		json_decref(def);
	}
	db_res_free(r);
	return out;
}

void records_init(void)
{
	static const struct media_document_lookup lookup = { case_of, docs_of };
	rec_gate_register();
	media_set_document_lookup(&lookup);
}
