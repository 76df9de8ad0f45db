/*
 * case_file.c - the case file (案卷): the finalised documents of a case in
 * case-file order with their PDFs' hashes and leaves, the images of their
 * signatures, then the audio-visual records (records.h, records/media.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "records/media.h"
#include "actor/audit.h"
#include "people/people.h"

/* The file.stored leaf of a vault file: the reference of unit_id, else
 * the oldest. */
static json_t *blob_item(struct db *db, const char *sha, long long unit_id)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT b.sm3, b.size, b.media_type, f.leaf_index FROM blobs b JOIN blob_refs f ON"
			     " f.sha256 = b.sha256 WHERE b.sha256 = ? ORDER BY CASE WHEN f.unit_id = ? THEN 0 ELSE 1 END,"
			     " f.id LIMIT 1", DB_TEXT(sha), DB_INT(unit_id)) < 0)
		return NULL;
	json_t *o = NULL;
	if (r->nrows)
		o = json_pack("{s:s,s:s,s:I,s:s,s:I}", "sha256", sha, "sm3", db_text(r, 0, 0), "size",
			      (json_int_t)db_int(r, 0, 1), "media_type", db_text(r, 0, 2), "leaf_index",
			      (json_int_t)db_int(r, 0, 3));
	db_res_free(r);
	return o;
}

int records_case_file(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	struct case_brief c;
	if (case_brief_get(db, a, case_id, false, &c, e) < 0)
		return -1;
	struct doc_row *v;
	size_t n;
	if (rec_case_docs(db, case_id, c.procedure_id, &v, &n, e) < 0)
		return -1;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct doc_row *d = &v[i];
		if (str_eq(d->status, "final")) {
			char local[20];
			rec_local(d->finalised_at, local);
			local[10] = 0;
			json_array_append_new(items, json_pack("{s:s,s:I,s:s,s:s,s:s,s:i,s:s,s:s,s:I,s:I,s:s}", "kind",
							       "document", "id", (json_int_t)d->id, "title",
							       rec_js(d->def, "name"), "number", d->number ? d->number : "",
							       "date", local, "pages", d->pdf_pages, "sha256", d->pdf_sha256,
							       "sm3", d->pdf_sm3, "size", (json_int_t)d->pdf_size,
							       "leaf_index", (json_int_t)d->leaf_index, "media_type",
							       "application/pdf"));
			/* the images of the signatures the final version counts */
			char h[65];
			rec_content_sha256(d->case_id, d->type_code, d->type_version, d->fields, NULL, h);
			struct db_res *r;
			if (db_query(db, &r, "SELECT id, image_sha256 FROM document_signatures WHERE document_id = ?"
					     " AND content_sha256 = ? AND image_sha256 IS NOT NULL ORDER BY id",
				     DB_INT(d->id), DB_TEXT(h)) == 0) {
				for (int k = 0; k < r->nrows; k++) {
					json_t *b = blob_item(db, db_text(r, k, 1), c.unit_id);
					if (!b)
						continue;
					json_object_set_new(b, "kind", json_string("signature"));
					json_object_set_new(b, "document_id", json_integer(d->id));
					json_object_set_new(b, "signature_id", json_integer(db_int(r, k, 0)));
					json_array_append_new(items, b);
				}
				db_res_free(r);
			}
		}
		rec_doc_release(d);
	}
	free(v);
	json_t *media = NULL;
	if (media_for_case(db, case_id, &media, e) < 0) {
		json_decref(items);
		return -1;
	}
	json_array_extend(items, media);
	json_decref(media);
	char *unit = people_unit_name(db, c.unit_id), *body = people_unit_name(db, c.body_unit_id);
	*out = json_pack("{s:{s:I,s:s,s:s,s:s,s:s},s:o}", "case", "id", (json_int_t)c.id, "case_no", c.case_no, "title",
			 c.title, "unit_name", unit ? unit : "", "body_name", body ? body : "", "items", items);
	free(unit);
	free(body);
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", case_id);
	audit_log(db, a, "record.case_file", "case", idstr, "ok", "读取案卷（文书、签名、音像记录）");
	return 0;
}
