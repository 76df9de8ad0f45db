/*
 * fields.c - the draft of a publication: the fields of its kind
 * (disclosure_rules.json) filled from the decision document, the case
 * (party, body) and the numbers, and the full decision text.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "calendar/calendar.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "records/decision.h"

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void dsc_decision_date(const json_t *fields, const char *finalised_at, char out[11])
{
	int32_t d;
	const char *dd = js(fields, "doc_date");
	if (strlen(dd) == 10 && cal_date_parse(dd, &d) == 0) {
		snprintf(out, 11, "%s", dd);
		return;
	}
	const char *st = js(fields, "started_at"); /* YYYY-MM-DDTHH:MM, Beijing (the onsite decision) */
	char day[11];
	snprintf(day, sizeof day, "%.10s", st);
	if (strlen(st) >= 10 && cal_date_parse(day, &d) == 0) {
		snprintf(out, 11, "%s", day);
		return;
	}
	char bj[20];
	time_utc_to_shanghai(finalised_at, bj);
	snprintf(out, 11, "%.10s", bj);
}

/* yuan ("1234.50" or an integer) as 万元 ("0.12345"); "" when none. */
static void wan(const json_t *v, char out[40])
{
	out[0] = '\0';
	long long cents = 0;
	if (json_is_integer(v)) {
		cents = json_integer_value(v) * 100;
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		long long whole = 0, frac = 0;
		int fd = 0;
		bool dot = false;
		for (; *s; s++) {
			if (*s == '.' && !dot)
				dot = true;
			else if (*s >= '0' && *s <= '9' && !dot && whole < 100000000000000LL)
				whole = whole * 10 + (*s - '0');
			else if (*s >= '0' && *s <= '9' && dot && fd < 2)
				frac = frac * 10 + (*s - '0'), fd++;
			else if (!(*s >= '0' && *s <= '9'))
				return;
		}
		while (fd++ < 2)
			frac *= 10;
		cents = whole * 100 + frac;
	} else {
		return;
	}
	if (cents <= 0)
		return;
	/* 1 万元 = 1,000,000 fen */
	int n = snprintf(out, 40, "%lld.%06lld", cents / 1000000, cents % 1000000);
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}

/* The names of a "multi" value joined by 、 */
static void join(const json_t *arr, struct buf *b)
{
	size_t i;
	const json_t *x;
	json_array_foreach(arr, i, x) {
		if (!json_string_value(x))
			continue;
		if (b->len)
			buf_puts(b, "、");
		buf_puts(b, json_string_value(x));
	}
}

/* The measures the decision orders: the "multi" field the review names, or
 * the fixed ones, as an array (new). */
static json_t *measures_of(const json_t *def, const json_t *fields)
{
	const json_t *rv = json_object_get(def, "review");
	const json_t *m = json_object_get(fields, js(rv, "measures"));
	if (json_is_array(m))
		return json_deep_copy(m);
	const json_t *fixed = json_object_get(rv, "measures_fixed");
	if (json_is_array(fixed))
		return json_deep_copy(fixed);
	/* the onsite decision: its 行政处罚的种类 is a text (警告 / 罚款) */
	json_t *out = json_array();
	const char *p = js(fields, "penalty");
	if (strstr(p, "警告"))
		json_array_append_new(out, json_string("警告"));
	if (strstr(p, "罚款"))
		json_array_append_new(out, json_string("罚款"));
	return out;
}

struct party_info {
	char kind[24], name[128], uscc[40], legal_rep[64];
	long long id;
	int version;
};

static int party_of(struct db *db, long long case_id, struct party_info *pi, struct err *e)
{
	memset(pi, 0, sizeof *pi);
	struct db_res *r;
	if (db_query(db, &r, "SELECT pv.kind, pv.name, pv.code, pv.data, cp.party_id, cp.party_version FROM case_parties cp"
			     " JOIN party_versions pv ON pv.party_id = cp.party_id AND pv.version = cp.party_version"
			     " WHERE cp.case_id = ? ORDER BY cp.id LIMIT 1",
		     DB_INT(case_id)) < 0)
		return dsc_db_fail(db, e);
	if (r->nrows > 0) {
		snprintf(pi->kind, sizeof pi->kind, "%s", db_text(r, 0, 0));
		snprintf(pi->name, sizeof pi->name, "%s", db_text(r, 0, 1));
		if (!str_eq(pi->kind, "person"))
			snprintf(pi->uscc, sizeof pi->uscc, "%s", db_text(r, 0, 2));
		json_t *d = json_loads(db_text(r, 0, 3), 0, NULL);
		/* the 法定代表人 of an organisation, the 经营者 of an individual business */
		const char *rep = str_eq(pi->kind, "org") ? js(d, "legal_rep") : str_eq(pi->kind, "individual_business") ? js(d, "operator_name") : "";
		snprintf(pi->legal_rep, sizeof pi->legal_rep, "%s", rep);
		json_decref(d);
		pi->id = db_int(r, 0, 4);
		pi->version = (int)db_int(r, 0, 5);
	}
	db_res_free(r);
	return 0;
}

/* The full decision text: its name and number, then each printed field
 * with its label. */
static void full_text(const json_t *def, const json_t *fields, const char *number, struct buf *b)
{
	buf_printf(b, "%s\n", js(def, "name"));
	if (!str_empty(number))
		buf_printf(b, "%s\n", number);
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const json_t *pr = json_object_get(f, "print");
		if (json_is_false(pr))
			continue;
		const char *type = js(f, "type"), *key = js(f, "key");
		const json_t *v = json_object_get(fields, key);
		if (!v || str_eq(key, "case_no") || str_eq(type, "check"))
			continue;
		if (json_is_array(v)) {
			struct buf j;
			buf_init(&j, 0);
			join(v, &j);
			if (j.len)
				buf_printf(b, "%s：%s\n", js(f, "label"), buf_str(&j));
			buf_release(&j);
		} else if (json_is_string(v) && !str_empty(json_string_value(v))) {
			buf_printf(b, "%s：%s\n", js(f, "label"), json_string_value(v));
		} else if (json_is_integer(v)) {
			buf_printf(b, "%s：%lld\n", js(f, "label"), (long long)json_integer_value(v));
		}
	}
}

int dsc_build_draft(struct db *db, long long case_id, const char *kind, const char *type_code, const json_t *def,
		    const json_t *fields, const char *number, const char *decision_date, json_t **out, struct err *e)
{
	(void)type_code;
	*out = NULL;
	struct case_brief cb;
	if (case_brief_get(db, NULL, case_id, false, &cb, e) < 0)
		return -1;
	struct party_info pi;
	if (party_of(db, case_id, &pi, e) < 0)
		return -1;
	char body[200] = "", body_code[64] = "";
	{
		struct db_res *r;
		if (db_query(db, &r, "SELECT name FROM units WHERE id = ?", DB_INT(cb.body_unit_id)) < 0)
			return dsc_db_fail(db, e);
		if (r->nrows)
			snprintf(body, sizeof body, "%s", db_text(r, 0, 0));
		db_res_free(r);
	}
	const json_t *bc = json_object_get(json_object_get(disclosure_rules(), "body_codes"), body);
	if (json_is_string(bc))
		snprintf(body_code, sizeof body_code, "%s", json_string_value(bc));
	json_t *measures = measures_of(def, fields);
	const char *ban_until = json_string_value(json_object_get(fields, "ban_until"));
	char period[11];
	disclosure_period_end(kind, measures, decision_date, ban_until, period);

	struct buf mj, lic, concl, text;
	buf_init(&mj, 0);
	buf_init(&lic, 0);
	buf_init(&concl, 0);
	buf_init(&text, 0);
	join(measures, &mj);
	size_t i;
	const json_t *x;
	json_array_foreach(measures, i, x)
		if (str_eq(json_string_value(x), "暂扣许可证件") || str_eq(json_string_value(x), "吊销许可证件")) {
			if (lic.len)
				buf_puts(&lic, "、");
			buf_puts(&lic, json_string_value(x));
		}
	buf_puts(&concl, mj.len ? buf_str(&mj) : js(def, "name"));
	static const char *const detail_keys[] = { "reason", "objects", "content", "penalty" };
	for (size_t k = 0; k < ARRAY_SIZE(detail_keys); k++)
		if (!str_empty(js(fields, detail_keys[k]))) {
			buf_printf(&concl, "：%s", js(fields, detail_keys[k]));
			break;
		}
	full_text(def, fields, number, &text);
	char fine[40], conf[40];
	const json_t *rv = json_object_get(def, "review");
	wan(json_object_get(fields, str_empty(js(rv, "fine")) ? "fine" : js(rv, "fine")), fine);
	wan(json_object_get(fields, str_empty(js(rv, "confiscation")) ? "confiscation" : js(rv, "confiscation")), conf);

	json_t *fo = json_object();
	json_array_foreach(dsc_rules_fields(kind), i, x) {
		const char *from = js(x, "from");
		const char *v = "";
		if (str_eq(from, "party.name"))
			v = pi.name[0] ? pi.name : js(fields, "party");
		else if (str_eq(from, "party.kind_label"))
			v = pi.kind[0] ? party_kind_label(pi.kind) : "";
		else if (str_eq(from, "party.uscc"))
			v = pi.uscc;
		else if (str_eq(from, "party.legal_rep"))
			v = pi.legal_rep;
		else if (str_eq(from, "doc.number"))
			v = number ? number : "";
		else if (str_eq(from, "doc.type_name"))
			v = js(def, "name");
		else if (str_eq(from, "doc.facts"))
			v = js(fields, "facts");
		else if (str_eq(from, "doc.basis"))
			v = js(fields, "basis");
		else if (str_eq(from, "doc.measures"))
			v = buf_str(&mj);
		else if (str_eq(from, "doc.penalty"))
			v = js(fields, "penalty");
		else if (str_eq(from, "doc.fine_wan"))
			v = fine;
		else if (str_eq(from, "doc.confiscation_wan"))
			v = conf;
		else if (str_eq(from, "doc.licence_measures"))
			v = buf_str(&lic);
		else if (str_eq(from, "doc.content"))
			v = js(fields, "content");
		else if (str_eq(from, "doc.validity"))
			v = js(fields, "validity");
		else if (str_eq(from, "doc.certificate_name"))
			v = js(fields, "certificate_name");
		else if (str_eq(from, "doc.certificate_no"))
			v = js(fields, "certificate_no");
		else if (str_eq(from, "doc.conclusion"))
			v = buf_str(&concl);
		else if (str_eq(from, "case.cause"))
			v = !str_empty(js(fields, "cause")) ? js(fields, "cause") : cb.title;
		else if (str_eq(from, "case.matter"))
			v = !str_empty(js(fields, "matter")) ? js(fields, "matter") : cb.title;
		else if (str_eq(from, "decision_date"))
			v = decision_date;
		else if (str_eq(from, "period_ends_on"))
			v = period;
		else if (str_eq(from, "body.name"))
			v = body;
		else if (str_eq(from, "body.code"))
			v = body_code;
		json_object_set_new(fo, js(x, "key"), json_string(v));
	}

	/* the persons of the case whom the engine should know: officers (kept) */
	json_t *persons = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT u.name FROM case_officers o JOIN users u ON u.id = o.user_id WHERE o.case_id = ?"
			     " ORDER BY o.id",
		     DB_INT(case_id)) == 0) {
		for (int k = 0; k < r->nrows; k++)
			json_array_append_new(persons, json_pack("{s:s,s:b}", "name", db_text(r, k, 0), "officer", 1));
		db_res_free(r);
	}
	json_t *warnings = json_array();
	if (str_eq(pi.kind, "person") && pi.id > 0) {
		bool minor = false;
		struct err me = ERR_INIT;
		if (party_minor_on(db, pi.id, pi.version, decision_date, &minor, &me) == 0 && minor)
			json_array_append_new(warnings, json_pack("{s:s,s:s}", "exclusion", "minor", "text",
								  "当事人在决定之日未满十八周岁，应申请不予公开"));
	}
	const json_t *wo = dsc_rules_exclusion("warning_only");
	if (wo && dsc_measures_only(measures, json_object_get(wo, "measures_only")) && str_eq(kind, "penalty"))
		json_array_append_new(warnings, json_pack("{s:s,s:s}", "exclusion", "warning_only", "text",
							  "仅给予警告：按本厅规定可申请不予公开"));
	*out = json_pack("{s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:o}", "kind", kind, "fields", fo, "text",
			 buf_str(&text), "party_kind", pi.kind, "party", pi.name[0] ? pi.name : js(fields, "party"),
			 "persons", persons, "measures", measures, "category", buf_str(&mj), "period_ends_on", period,
			 "title", "", "warnings", warnings);
	char title[400];
	snprintf(title, sizeof title, "%s %s %s", pi.name[0] ? pi.name : "", js(def, "name"), number ? number : "");
	json_object_set_new(*out, "title", json_string(title));
	buf_release(&mj);
	buf_release(&lic);
	buf_release(&concl);
	buf_release(&text);
	return 0;
}
