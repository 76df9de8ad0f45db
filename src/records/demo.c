/*
 * demo.c - documents for the demo cases and the tests: a draft filled with
 * demonstration values, signed on the screen by the party when the type
 * needs it, finalised with the demo password, through the same functions
 * a person uses (records.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "records/media.h"
#include "people/demo.h"
#include <cairo.h>

static cairo_status_t png_out(void *c, const unsigned char *d, unsigned int n)
{
	return buf_add(c, d, n) < 0 ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A drawn signature (a few strokes) as PNG. */
static void signature_png(struct buf *b, long long seed)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 320, 120);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0.05, 0.05, 0.2);
	cairo_set_line_width(cr, 3.5);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_move_to(cr, 20, 70);
	for (int i = 1; i < 14; i++)
		cairo_curve_to(cr, 20 + i * 20, 30 + (int)((i * 53 + seed) % 60), 30 + i * 20, 90 - (int)((i * 31 + seed) % 50),
			       40 + i * 20, 60 + (int)((i * 17 + seed) % 30) - 15);
	cairo_stroke(cr);
	cairo_destroy(cr);
	cairo_surface_write_to_png_stream(s, png_out, b);
	cairo_surface_destroy(s);
}

/* A demonstration value for field f (NULL when it keeps its prefill). */
static json_t *demo_value(const json_t *f, const char *today)
{
	const char *type = rec_js(f, "type"), *label = rec_js(f, "label");
	if (str_eq(type, "text"))
		return json_sprintf("%.150s（演示）", label);
	if (str_eq(type, "textarea"))
		return json_sprintf("%s：演示内容，据实填写。", label);
	if (str_eq(type, "date"))
		return json_string(today);
	if (str_eq(type, "datetime"))
		return json_sprintf(str_eq(rec_js(f, "act"), "end") ? "%sT10:30" : "%sT10:00", today);
	if (str_eq(type, "money"))
		return json_string("200.00");
	if (str_eq(type, "integer")) {
		const json_t *mn = json_object_get(f, "min");
		return json_integer(json_is_integer(mn) ? json_integer_value(mn) : 1);
	}
	if (str_eq(type, "select"))
		return json_incref(json_array_get(json_object_get(f, "options"), 0));
	if (str_eq(type, "multi"))
		return rec_jb(f, "required") ? json_pack("[O]", json_array_get(json_object_get(f, "options"), 0))
					     : json_array();
	if (str_eq(type, "check"))
		return json_true();
	if (str_eq(type, "list"))
		return json_pack("[{s:s,s:s,s:s,s:s}]", "name", "演示物品", "spec", "—", "quantity", "1", "unit", "件");
	return NULL;
}

int records_demo_document(struct db *db, struct vault *v, const struct actor *a, long long case_id, const char *code,
			  long long *id, struct err *e)
{
	struct record_create_input in = { .type_code = code };
	long long did = 0;
	if (records_create(db, a, case_id, &in, &did, e) < 0)
		return -1;
	struct doc_row d;
	if (rec_doc_load(db, did, &d, e) < 0)
		return -1;
	char today[11];
	time_today_shanghai(today);
	json_t *fields = json_deep_copy(d.fields);
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(d.def, "fields"), i, f) {
		const char *key = rec_js(f, "key");
		const json_t *have = json_object_get(fields, key);
		if (have && !(json_is_string(have) && str_empty(json_string_value(have))))
			continue;
		json_t *val = demo_value(f, today);
		if (val)
			json_object_set_new(fields, key, val);
	}
	int rc = records_update(db, a, did, d.row_version, fields, NULL, e);
	json_decref(fields);
	bool party_sig = rec_jb(d.def, "party_signature");
	char need[16];
	snprintf(need, sizeof need, "%s", rec_js(d.def, "recording"));
	rec_doc_release(&d);
	if (rc < 0 || rec_doc_load(db, did, &d, e) < 0)
		return -1;
	if (party_sig) {
		struct buf png;
		buf_init(&png, 0);
		signature_png(&png, did);
		const char *party = "当事人";
		struct record_signature_input si = { .kind = "screen", .content_sha256 = d.content_sha256,
						     .signer_role = "party", .signer_name = party,
						     .png = (const unsigned char *)png.data, .png_len = png.len };
		rc = records_sign(db, v, a, did, &si, NULL, e);
		buf_release(&png);
	}
	int rv = d.row_version;
	rec_doc_release(&d);
	if (rc < 0)
		return -1;
	if (str_eq(need, "as_needed")) {
		struct media_input mi = { .document_id = did,
					  .no_recording_reason = "演示数据：未进行音像记录，文字记录已全面反映执法过程" };
		if (media_attach(db, a, case_id, &mi, NULL, NULL, e) < 0)
			return -1;
	}
	if (records_finalise(db, v, a, did, rv, PEOPLE_DEMO_PASSWORD, NULL, e) < 0)
		return -1;
	if (id)
		*id = did;
	return 0;
}

static struct vault *demo_vault;

static int demo_record(struct db *db, const struct actor *a, long long case_id, const char *doc_type, struct err *e)
{
	return records_demo_document(db, demo_vault, a, case_id, doc_type, NULL, e);
}

void records_demo_install(struct vault *v)
{
	demo_vault = v;
	cases_demo_set_record(v ? demo_record : NULL);
}
