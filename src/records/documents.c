/*
 * documents.c - 执法文书 drafts: created (prefilled from the case, or
 * copied from the document a correction corrects), read, edited with
 * optimistic row_version, listed in case-file order (records.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "cases/procedure.h"
#include "actor/audit.h"
#include "calendar/calendar.h"
#include "ledger/ledger.h"
#include "people/people.h"
#include "records/media.h"
#include <limits.h>

#define DOC_COLS                                                                                              \
	"d.id, d.case_id, d.doc_type_id, d.type_code, d.status, d.fields, d.number, d.corrects_id,"           \
	" d.correction_reason, d.act_started_at, d.act_ended_at, d.created_by, d.created_at, d.updated_at," \
	" d.row_version, d.finalised_by, d.finalised_at, d.content_sha256, d.pdf_sha256, d.pdf_sm3,"        \
	" d.pdf_size, d.pdf_pages, d.leaf_index, t.definition, t.version"

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static void row_from(const struct db_res *r, int i, struct doc_row *d)
{
	memset(d, 0, sizeof *d);
	d->id = db_int(r, i, 0);
	d->case_id = db_int(r, i, 1);
	d->doc_type_id = db_int(r, i, 2);
	copy(d->type_code, sizeof d->type_code, db_text(r, i, 3));
	copy(d->status, sizeof d->status, db_text(r, i, 4));
	d->fields = json_loads(db_text(r, i, 5), 0, NULL);
	if (!json_is_object(d->fields)) {
		json_decref(d->fields);
		d->fields = json_object();
	}
	d->number = db_cell(r, i, 6) ? xstrdup(db_text(r, i, 6)) : NULL;
	d->corrects_id = db_int(r, i, 7);
	d->correction_reason = db_cell(r, i, 8) ? xstrdup(db_text(r, i, 8)) : NULL;
	copy(d->act_started_at, sizeof d->act_started_at, db_text(r, i, 9));
	copy(d->act_ended_at, sizeof d->act_ended_at, db_text(r, i, 10));
	d->created_by = db_int(r, i, 11);
	copy(d->created_at, sizeof d->created_at, db_text(r, i, 12));
	copy(d->updated_at, sizeof d->updated_at, db_text(r, i, 13));
	d->row_version = (int)db_int(r, i, 14);
	d->finalised_by = db_int(r, i, 15);
	copy(d->finalised_at, sizeof d->finalised_at, db_text(r, i, 16));
	copy(d->content_sha256, sizeof d->content_sha256, db_text(r, i, 17));
	copy(d->pdf_sha256, sizeof d->pdf_sha256, db_text(r, i, 18));
	copy(d->pdf_sm3, sizeof d->pdf_sm3, db_text(r, i, 19));
	d->pdf_size = db_int(r, i, 20);
	d->pdf_pages = (int)db_int(r, i, 21);
	d->leaf_index = db_cell(r, i, 22) ? db_int(r, i, 22) : -1;
	d->def = json_loads(db_text(r, i, 23), 0, NULL);
	if (!d->def)
		d->def = json_object();
	d->type_version = (int)db_int(r, i, 24);
}

int rec_doc_load(struct db *db, long long id, struct doc_row *d, struct err *e)
{
	memset(d, 0, sizeof *d);
	struct db_res *r;
	if (db_query(db, &r, "SELECT " DOC_COLS " FROM documents d JOIN doc_types t ON t.id = d.doc_type_id"
			     " WHERE d.id = ?", DB_INT(id)) < 0)
		return rec_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "文书不存在或无权查看");
	}
	row_from(r, 0, d);
	db_res_free(r);
	return 0;
}

void rec_doc_release(struct doc_row *d)
{
	free(d->number);
	free(d->correction_reason);
	json_decref(d->fields);
	json_decref(d->def);
	memset(d, 0, sizeof *d);
}

int rec_doc_open(struct db *db, const struct actor *a, long long id, bool write, struct doc_row *d,
		 struct case_brief *c, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (rec_doc_load(db, id, d, e) < 0)
		return -1;
	struct err ce = ERR_INIT;
	if (case_brief_get(db, a, d->case_id, write, c, &ce) < 0) {
		rec_doc_release(d);
		if (ce.kind == ERR_NOTFOUND)
			return err_set(e, ERR_NOTFOUND, "id", "文书不存在或无权查看");
		if (ce.kind == ERR_FORBIDDEN)
			return err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办处室负责人可以办理本案文书");
		if (e)
			*e = ce;
		return -1;
	}
	return 0;
}

void rec_content_sha256(long long case_id, const char *type, int version, const json_t *fields, const char *number,
			char out[65])
{
	json_t *o = json_pack("{s:I,s:O,s:o,s:s,s:i}", "case_id", (json_int_t)case_id, "fields", fields, "number",
			      number ? json_string(number) : json_null(), "type", type, "version", version);
	char *s = rec_canonical(o);
	rec_sha256_hex(s, strlen(s), out);
	free(s);
	json_decref(o);
}

void rec_local(const char *utc, char out[20])
{
	if (str_empty(utc)) {
		out[0] = 0;
		return;
	}
	time_utc_to_shanghai(utc, out);
}

void rec_log_read(struct db *db, const struct actor *a, long long id, const char *what)
{
	char idstr[24];
	snprintf(idstr, sizeof idstr, "%lld", id);
	audit_log(db, a, "record.read", "document", idstr, "ok", what);
}

int rec_stage_order(const json_t *proc_def, const json_t *type_def)
{
	const json_t *stages = json_object_get(proc_def, "stages");
	int best = INT_MAX / 2;
	size_t i, j;
	const json_t *s, *t;
	json_array_foreach(json_object_get(type_def, "stages"), j, t)
		json_array_foreach(stages, i, s)
			if (str_eq(rec_js(s, "code"), json_string_value(t)) && (int)i < best)
				best = (int)i;
	return best;
}

const char *records_status_label(const char *status, bool corrected)
{
	if (str_eq(status, "final"))
		return corrected ? "已更正" : "已定稿";
	return "草稿";
}

/* ---- field values ---- */

static bool blank(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && str_empty(json_string_value(v))) ||
	       (json_is_array(v) && json_array_size(v) == 0) || json_is_false(v);
}

/* "YYYY-MM-DDTHH:MM[:SS]" or with a space (Beijing), or UTC with Z: unix
 * seconds, -1 if malformed. */
static long long parse_datetime(const char *s)
{
	size_t n = strlen(s);
	char buf[24];
	if (n >= 20 && s[n - 1] == 'Z') {
		return time_utc_parse(s);
	}
	if (n != 16 && n != 19)
		return -1;
	snprintf(buf, sizeof buf, "%.10sT%.5s:%.2sZ", s, s + 11, n == 19 ? s + 17 : "00");
	if (s[10] != 'T' && s[10] != ' ')
		return -1;
	long long t = time_utc_parse(buf);
	if (t < 0)
		return -1;
	char back[21];
	time_unix_to_utc(t, back);
	if (strcmp(back, buf) != 0) /* 2026-02-30 and the like */
		return -1;
	return t - 8 * 3600;
}

static int value_err(struct err *e, const json_t *f, const char *fmt, const char *label)
{
	char field[64];
	snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
	return err_set(e, ERR_INVALID, field, fmt, label);
}

static bool text_ok(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return false;
	return true;
}

/* Check and normalise one value (not blank) of field f; *out the value
 * to store (new reference). */
static int check_value(const json_t *f, const json_t *v, json_t **out, struct err *e)
{
	*out = NULL;
	const char *type = rec_js(f, "type"), *label = rec_js(f, "label");
	const json_t *mxj = json_object_get(f, "max");
	long long mx = json_is_integer(mxj) ? json_integer_value(mxj) : -1;
	if (str_eq(type, "text") || str_eq(type, "textarea")) {
		if (!json_is_string(v))
			return value_err(e, f, "「%s」应为文字", label);
		const char *s = json_string_value(v);
		bool ml = str_eq(type, "textarea");
		long long lim = mx > 0 ? mx : (ml ? 20000 : 200);
		if (!text_ok(s, ml))
			return value_err(e, f, ml ? "「%s」含有不可见的控制字符" : "「%s」应为一行文字（不含换行或控制字符）", label);
		if (utf8_len(s, strlen(s)) > lim) {
			char field[64];
			snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
			return err_set(e, ERR_INVALID, field, "「%s」不能超过 %lld 个字", label, lim);
		}
		*out = json_string(s);
		return 0;
	}
	if (str_eq(type, "date")) {
		int32_t d;
		const char *s = json_string_value(v);
		if (!s || strlen(s) != 10 || cal_date_parse(s, &d) < 0)
			return value_err(e, f, "「%s」应为日期（年-月-日）", label);
		*out = json_string(s);
		return 0;
	}
	if (str_eq(type, "datetime")) {
		const char *s = json_string_value(v);
		long long t = s ? parse_datetime(s) : -1;
		if (t < 0)
			return value_err(e, f, "「%s」应为日期和时间（年-月-日 时:分）", label);
		char utc[21], local[20];
		time_unix_to_utc(t, utc);
		time_utc_to_shanghai(utc, local);
		local[10] = 'T';
		*out = json_string(local);
		return 0;
	}
	if (str_eq(type, "money")) {
		char buf[40];
		if (json_is_integer(v) && json_integer_value(v) >= 0) {
			snprintf(buf, sizeof buf, "%lld.00", (long long)json_integer_value(v));
		} else {
			const char *s = json_string_value(v);
			size_t n = s ? strlen(s) : 0, i = 0, intd = 0, frac = 0;
			bool dot = false, ok = n > 0 && n < 20;
			for (i = 0; ok && i < n; i++) {
				if (s[i] == '.' && !dot)
					dot = true;
				else if (s[i] >= '0' && s[i] <= '9')
					dot ? frac++ : intd++;
				else
					ok = false;
			}
			if (!ok || intd == 0 || intd > 13 || frac > 2 || (dot && frac == 0))
				return value_err(e, f, "「%s」应为金额（元，最多两位小数，如 2000.00）", label);
			long long whole = 0;
			char ib[16];
			snprintf(ib, sizeof ib, "%.*s", (int)intd, s);
			str_to_ll(ib, 0, LLONG_MAX, &whole);
			snprintf(buf, sizeof buf, "%lld.%c%c", whole, frac > 0 ? s[intd + 1] : '0', frac > 1 ? s[intd + 2] : '0');
		}
		*out = json_string(buf);
		return 0;
	}
	if (str_eq(type, "integer")) {
		long long n = 0;
		if (json_is_integer(v))
			n = json_integer_value(v);
		else if (!json_is_string(v) || str_to_ll(json_string_value(v), LLONG_MIN / 2, LLONG_MAX / 2, &n) < 0)
			return value_err(e, f, "「%s」应为整数", label);
		const json_t *mn = json_object_get(f, "min");
		if ((json_is_integer(mn) && n < json_integer_value(mn)) || (mx >= 0 && n > mx)) {
			char field[64];
			snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
			return err_set(e, ERR_INVALID, field, "「%s」应在 %lld 至 %lld 之间", label,
				       json_is_integer(mn) ? (long long)json_integer_value(mn) : 0LL, mx >= 0 ? mx : LLONG_MAX);
		}
		*out = json_integer(n);
		return 0;
	}
	if (str_eq(type, "select")) {
		const char *s = json_string_value(v);
		size_t i;
		const json_t *o;
		json_array_foreach(json_object_get(f, "options"), i, o)
			if (s && str_eq(json_string_value(o), s)) {
				*out = json_string(s);
				return 0;
			}
		return value_err(e, f, "「%s」应从所列选项中选择", label);
	}
	if (str_eq(type, "multi")) {
		/* the chosen options, in the order of the options, each once */
		const json_t *opts = json_object_get(f, "options");
		if (!json_is_array(v) || json_array_size(v) > json_array_size(opts))
			return value_err(e, f, "「%s」应为所列选项中的若干项", label);
		size_t i, j;
		const json_t *x, *o;
		json_array_foreach(v, i, x) {
			bool known = false;
			json_array_foreach(opts, j, o)
				known = known || (json_is_string(x) && str_eq(json_string_value(o), json_string_value(x)));
			if (!known)
				return value_err(e, f, "「%s」中有不在所列选项中的值", label);
		}
		json_t *picked = json_array();
		json_array_foreach(opts, j, o) {
			json_array_foreach(v, i, x)
				if (str_eq(json_string_value(o), json_string_value(x))) {
					json_array_append(picked, (json_t *)o);
					break;
				}
		}
		*out = picked;
		return 0;
	}
	if (str_eq(type, "check")) {
		if (!json_is_boolean(v))
			return value_err(e, f, "「%s」应为是或否", label);
		*out = json_boolean(json_is_true(v));
		return 0;
	}
	if (str_eq(type, "list")) {
		if (!json_is_array(v) || (mx > 0 && (long long)json_array_size(v) > mx) || json_array_size(v) > 1000)
			return value_err(e, f, "「%s」应为清单（每行：名称、规格、数量、单位、备注），行数不超过上限", label);
		static const char *const cols[] = { "name", "spec", "quantity", "unit", "note" };
		json_t *rows = json_array();
		size_t i;
		const json_t *row;
		json_array_foreach(v, i, row) {
			if (!json_is_object(row))
				goto bad_row;
			json_t *nr = json_object();
			for (size_t c = 0; c < ARRAY_SIZE(cols); c++) {
				const json_t *x = json_object_get(row, cols[c]);
				const char *s = json_is_string(x) ? json_string_value(x) : json_is_integer(x) ? NULL : "";
				char num[32];
				if (!s && json_is_integer(x)) {
					snprintf(num, sizeof num, "%lld", (long long)json_integer_value(x));
					s = num;
				}
				if (x && !json_is_string(x) && !json_is_integer(x) && !json_is_null(x)) {
					json_decref(nr);
					goto bad_row;
				}
				if (!text_ok(s, false) || utf8_len(s, strlen(s)) > 200) {
					json_decref(nr);
					goto bad_row;
				}
				json_object_set_new(nr, cols[c], json_string(s));
			}
			const char *k;
			const json_t *x;
			json_object_foreach((json_t *)row, k, x) {
				bool known = false;
				for (size_t c = 0; c < ARRAY_SIZE(cols); c++)
					known = known || str_eq(k, cols[c]);
				if (!known) {
					json_decref(nr);
					goto bad_row;
				}
			}
			if (str_empty(rec_js(nr, "name"))) {
				json_decref(nr);
				char field[64];
				snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
				json_decref(rows);
				return err_set(e, ERR_INVALID, field, "「%s」第 %zu 行缺少名称", label, i + 1);
			}
			json_array_append_new(rows, nr);
			continue;
bad_row:
			json_decref(rows);
			{
				char field[64];
				snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
				return err_set(e, ERR_INVALID, field,
					       "「%s」第 %zu 行格式不对（应有名称、规格、数量、单位、备注，每项不超过 200 字）", label,
					       i + 1);
			}
		}
		*out = rows;
		return 0;
	}
	return value_err(e, f, "「%s」的类型未知", label);
}

/* Check a complete fields object against def: every key known, every
 * value well-formed; *out the normalised object (blank values left out). */
static int check_fields(const json_t *def, const json_t *in, json_t **out, struct err *e)
{
	*out = NULL;
	if (!json_is_object(in))
		return err_set(e, ERR_INVALID, "fields", "fields 应为对象（字段代码: 值）");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)in, k, v) {
		if (!rec_def_field(def, k)) {
			char field[64];
			snprintf(field, sizeof field, "fields.%.50s", k);
			return err_set(e, ERR_INVALID, field, "「%s」没有「%.50s」这一项", rec_js(def, "name"), k);
		}
	}
	json_t *o = json_object();
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const json_t *val = json_object_get(in, rec_js(f, "key"));
		if (blank(val) && !(json_is_false(val) && str_eq(rec_js(f, "type"), "check")))
			continue;
		json_t *nv;
		if (check_value(f, val, &nv, e) < 0) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, rec_js(f, "key"), nv);
	}
	*out = o;
	return 0;
}

/* act_started_at / act_ended_at (UTC) from the fields marked "act". */
static void act_times(const json_t *def, const json_t *fields, char start[21], char end[21])
{
	start[0] = end[0] = 0;
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const char *act = rec_js(f, "act");
		const char *s = json_string_value(json_object_get(fields, rec_js(f, "key")));
		if (str_empty(act) || !s)
			continue;
		long long t = parse_datetime(s);
		if (t < 0)
			continue;
		time_unix_to_utc(t, str_eq(act, "start") ? start : end);
	}
	/* a document stating one moment (送达时间) records an act of that moment */
	if (start[0] && !end[0])
		memcpy(end, start, 21);
}

json_t *rec_needs(struct db *db, const struct doc_row *d)
{
	json_t *out = json_array();
	if (str_eq(d->status, "final"))
		return out;
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(d->def, "fields"), i, f) {
		if (!rec_jb(f, "required"))
			continue;
		const json_t *v = json_object_get(d->fields, rec_js(f, "key"));
		if (blank(v)) {
			char m[200];
			snprintf(m, sizeof m, str_eq(rec_js(f, "type"), "check") ? "须确认「%s」" : "请填写「%s」",
				 rec_js(f, "label"));
			json_array_append_new(out, json_string(m));
		}
	}
	if (d->act_started_at[0] && d->act_ended_at[0] && strcmp(d->act_ended_at, d->act_started_at) < 0)
		json_array_append_new(out, json_string("结束时间早于开始时间"));
	if (rec_jb(d->def, "party_signature")) {
		char h[65];
		rec_content_sha256(d->case_id, d->type_code, d->type_version, d->fields, NULL, h);
		if (!rec_party_signed(db, d->id, h))
			json_array_append_new(out, json_string("须有当事人对当前版本的签名（屏幕签名或纸质签名扫描件），或执法人员注明当事人拒绝签名的理由"));
	}
	/* the recording rule (二.(二).2), as finalising will ask it */
	const char *need = rec_js(d->def, "recording");
	struct err me = ERR_INIT;
	if (!str_empty(need) && !str_eq(need, "none") &&
	    media_check_document(db, d->id, need, rec_nz(d->act_started_at), rec_nz(d->act_ended_at), &me) < 0 &&
	    me.kind != ERR_INTERNAL)
		json_array_append_new(out, json_string(me.msg));
	return out;
}

/* ---- prefilling ---- */

static void prefill_value(const char *src, const json_t *facts, struct buf *b)
{
	size_t i;
	const json_t *x;
	if (str_eq(src, "party") || str_eq(src, "party_name")) {
		json_array_foreach(json_object_get(facts, "parties"), i, x) {
			const json_t *p = json_object_get(x, "party");
			if (!json_is_object(p))
				continue;
			if (b->len)
				buf_puts(b, str_eq(src, "party") ? "\n" : "、");
			buf_puts(b, rec_js(p, "name"));
			if (str_eq(src, "party") && !str_empty(rec_js(p, "code")))
				buf_printf(b, "（%s：%s）", rec_js(p, "code_label"), rec_js(p, "code"));
		}
	} else if (str_eq(src, "officers")) {
		json_array_foreach(json_object_get(facts, "officers"), i, x) {
			if (b->len)
				buf_puts(b, "、");
			buf_printf(b, "%s（执法证号 %s）", rec_js(x, "name"), rec_js(x, "cert_no"));
		}
	} else if (str_eq(src, "matter")) {
		json_array_foreach(json_object_get(facts, "matters"), i, x) {
			if (b->len)
				buf_puts(b, "、");
			buf_puts(b, rec_js(x, "name"));
		}
	} else if (str_eq(src, "basis")) {
		json_array_foreach(json_object_get(facts, "matters"), i, x) {
			if (str_empty(rec_js(x, "basis")))
				continue;
			if (b->len)
				buf_puts(b, "\n");
			buf_puts(b, rec_js(x, "basis"));
		}
	} else if (str_eq(src, "cause")) {
		buf_puts(b, rec_js(facts, "title"));
	} else if (str_eq(src, "case_no")) {
		buf_puts(b, rec_js(facts, "case_no"));
	} else if (str_eq(src, "body")) {
		buf_puts(b, rec_js(facts, "body_name"));
	}
}

/* The prefilled fields of a new draft (blank ones left out), cut to the
 * field's length limit. */
static json_t *prefill(const json_t *def, const json_t *facts)
{
	json_t *o = json_object();
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f) {
		const char *key = rec_js(f, "key"), *type = rec_js(f, "type");
		const json_t *dv = json_object_get(f, "default");
		if (!str_empty(rec_js(f, "prefill")) && (str_eq(type, "text") || str_eq(type, "textarea"))) {
			struct buf b;
			buf_init(&b, 0);
			prefill_value(rec_js(f, "prefill"), facts, &b);
			const json_t *mxj = json_object_get(f, "max");
			long long lim = json_is_integer(mxj) ? json_integer_value(mxj) : str_eq(type, "text") ? 200 : 20000;
			if (str_eq(type, "text")) /* one line */
				for (size_t k = 0; k < b.len; k++)
					if (b.data[k] == '\n')
						b.data[k] = ' ';
			if (b.len && utf8_len(buf_str(&b), b.len) <= lim)
				json_object_set_new(o, key, json_string(buf_str(&b)));
			buf_release(&b);
		} else if (dv) {
			json_t *nv = NULL;
			struct err e = ERR_INIT;
			if (check_value(f, dv, &nv, &e) == 0)
				json_object_set_new(o, key, nv);
		}
	}
	return o;
}

/* ---- creating ---- */

static bool array_has(const json_t *arr, const char *s)
{
	size_t i;
	const json_t *x;
	json_array_foreach(arr, i, x)
		if (str_eq(json_string_value(x), s))
			return true;
	return false;
}

int records_create(struct db *db, const struct actor *a, long long case_id, const struct record_create_input *in,
		   long long *id, struct err *e)
{
	return rec_create(db, a, case_id, in, NULL, false, id, e);
}

int rec_create(struct db *db, const struct actor *a, long long case_id, const struct record_create_input *in,
	       const json_t *given, bool issuer, long long *id, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	struct case_brief c;
	/* an issuer (records_issue) checked its own right to act on the case */
	if (case_brief_get(db, issuer ? NULL : a, case_id, !issuer, &c, e) < 0)
		return -1;
	struct doc_row orig = { 0 };
	bool correction = in->corrects_id != 0;
	const char *code = in->type_code;
	if (correction) {
		const char *reason = in->correction_reason;
		if (in->corrects_id < 0 || rec_doc_load(db, in->corrects_id, &orig, NULL) < 0 || orig.case_id != case_id) {
			rec_doc_release(&orig);
			return err_set(e, ERR_INVALID, "corrects_id", "更正文书须指明本案一份已定稿的文书（被更正的文书不存在或不属于本案）");
		}
		if (!str_eq(orig.status, "final")) {
			rec_doc_release(&orig);
			return err_set(e, ERR_INVALID, "corrects_id", "只能更正已定稿的文书；草稿可直接修改");
		}
		if (!str_empty(code) && !str_eq(code, orig.type_code)) {
			rec_doc_release(&orig);
			return err_set(e, ERR_INVALID, "type_code", "更正文书应与被更正的文书种类相同");
		}
		long long other = db_scalar_int(db, -1, "SELECT COALESCE(MAX(id), 0) FROM documents WHERE corrects_id = ?",
						(const struct db_val[]){ DB_INT(orig.id), DB_END });
		if (other != 0) {
			rec_doc_release(&orig);
			return other < 0 ? rec_db_fail(db, e)
					 : err_set(e, ERR_CONFLICT, "corrects_id", "该文书已有更正文书（第 %lld 号），不能再次更正", other);
		}
		if (str_empty(reason) || utf8_len(reason, strlen(reason)) > 1000 || !text_ok(reason, true)) {
			rec_doc_release(&orig);
			return err_set(e, ERR_INVALID, "correction_reason", "请写明更正的理由（1 至 1000 字）");
		}
		code = orig.type_code;
	} else {
		if (!str_empty(in->correction_reason))
			return err_set(e, ERR_INVALID, "corrects_id", "写了更正理由，但没有指明被更正的文书（corrects_id）");
		if (str_empty(code))
			return err_set(e, ERR_INVALID, "type_code", "请选择文书种类");
		if (!str_eq(c.status, "open"))
			return err_set(e, ERR_CONFLICT, "status", "案件已结案或终结，不能再制作文书（更正已定稿的文书除外）");
	}
	json_t *def = NULL;
	long long type_id = 0;
	struct err te = ERR_INIT;
	if (doc_type_for(db, code, NULL, &def, &type_id, &te) < 0) {
		rec_doc_release(&orig);
		if (te.kind == ERR_NOTFOUND)
			return err_set(e, ERR_INVALID, "type_code", "%s", te.msg);
		if (e)
			*e = te;
		return -1;
	}
	if (!array_has(json_object_get(def, "procedures"), c.procedure_code)) {
		err_set(e, ERR_INVALID, "type_code", "「%s」不是本案执法程序使用的文书", rec_js(def, "name"));
		json_decref(def);
		rec_doc_release(&orig);
		return -1;
	}
	if (json_object_get(def, "issued_by") && !issuer) {
		err_set(e, ERR_INVALID, "type_code", "「%s」由法制审核意见生成，不能直接制作", rec_js(def, "name"));
		json_decref(def);
		rec_doc_release(&orig);
		return -1;
	}
	int version = (int)db_scalar_int(db, 1, "SELECT version FROM doc_types WHERE id = ?",
					 (const struct db_val[]){ DB_INT(type_id), DB_END });
	json_t *fields = NULL;
	if (correction) {
		/* the corrected document's values, as far as the current version
		 * of the type still has them */
		json_t *tmp = json_object();
		const char *k;
		json_t *v;
		json_object_foreach(orig.fields, k, v)
			if (rec_def_field(def, k))
				json_object_set(tmp, k, v);
		struct err fe = ERR_INIT;
		if (check_fields(def, tmp, &fields, &fe) < 0)
			fields = json_object();
		json_decref(tmp);
	} else {
		json_t *facts = NULL;
		if (case_facts(db, case_id, &facts, e) < 0) {
			json_decref(def);
			return -1;
		}
		fields = prefill(def, facts);
		json_decref(facts);
		if (given) {
			/* the issuer's values over the prefill, checked like a save */
			json_t *merged = json_deep_copy(fields);
			json_object_update(merged, (json_t *)given);
			json_t *norm = NULL;
			int frc = check_fields(def, merged, &norm, e);
			json_decref(merged);
			if (frc < 0) {
				json_decref(fields);
				json_decref(def);
				return -1;
			}
			json_decref(fields);
			fields = norm;
		}
	}
	char h[65], now[21], ast[21], aen[21];
	rec_content_sha256(case_id, code, version, fields, NULL, h);
	act_times(def, fields, ast, aen);
	time_now_utc(now);
	char *ftext = rec_canonical(fields);
	long long nid = 0;
	if (db_begin(db) < 0) {
		free(ftext);
		json_decref(fields);
		json_decref(def);
		rec_doc_release(&orig);
		return rec_db_fail(db, e);
	}
	struct db_res *r = NULL;
	int rc = db_query(db, &r, "INSERT INTO documents(case_id, doc_type_id, type_code, status, fields, corrects_id,"
				  " correction_reason, act_started_at, act_ended_at, created_by, created_at, updated_at,"
				  " row_version, content_sha256) VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"
				  " RETURNING id",
			  DB_INT(case_id), DB_INT(type_id), DB_TEXT(code), DB_TEXT(ftext),
			  correction ? DB_INT(orig.id) : DB_NULL, DB_TEXTN(correction ? in->correction_reason : NULL),
			  DB_TEXTN(rec_nz(ast)), DB_TEXTN(rec_nz(aen)), DB_INT(a->user_id), DB_TEXT(now),
			  DB_TEXT(now), DB_TEXT(h));
	free(ftext);
	if (rc == 0) {
		nid = r->nrows ? db_int(r, 0, 0) : 0;
		db_res_free(r);
	}
	char idstr[24], detail[300];
	snprintf(idstr, sizeof idstr, "%lld", nid);
	if (correction)
		snprintf(detail, sizeof detail, "案件 %lld：制作%s（更正第 %lld 号文书）", case_id, rec_js(def, "name"), orig.id);
	else
		snprintf(detail, sizeof detail, "案件 %lld：制作%s（草稿）", case_id, rec_js(def, "name"));
	json_t *leaf = json_pack("{s:I,s:I,s:s,s:i,s:s,s:I}", "case_id", (json_int_t)case_id, "document_id",
				 (json_int_t)nid, "doc_type", code, "version", version, "content_sha256", h, "actor",
				 (json_int_t)a->user_id);
	if (rc < 0 || nid == 0 || audit_log(db, a, "record.create", "document", idstr, "ok", detail) < 0 ||
	    ledger_append(db, "record.created", leaf, NULL, e) < 0)
		rc = -1;
	json_decref(leaf);
	if (rc == 0) {
		/* a decision draft is classified as it is made (review) */
		char today[11];
		time_today_shanghai(today);
		rc = rec_decision_drafted(db, a, case_id, nid, code, def, fields, today, e);
	}
	if (rc == 0 && correction) {
		char rs[65];
		rec_sha256_hex(in->correction_reason, strlen(in->correction_reason), rs);
		leaf = json_pack("{s:I,s:I,s:I,s:s,s:I}", "case_id", (json_int_t)case_id, "document_id", (json_int_t)nid,
				 "corrects_id", (json_int_t)orig.id, "reason_sha256", rs, "actor", (json_int_t)a->user_id);
		if (ledger_append(db, "record.corrected", leaf, NULL, e) < 0)
			rc = -1;
		json_decref(leaf);
	}
	json_decref(fields);
	json_decref(def);
	rec_doc_release(&orig);
	if (rc < 0 || db_commit(db) < 0)
		return rec_tx_fail(db, e);
	if (id)
		*id = nid;
	return 0;
}

/* ---- reading ---- */

static json_t *str_or_null(const char *s)
{
	return str_empty(s) ? json_null() : json_string(s);
}

static long long corrected_by(struct db *db, long long id, bool *final)
{
	struct db_res *r;
	*final = false;
	if (db_query(db, &r, "SELECT id, status FROM documents WHERE corrects_id = ? ORDER BY id LIMIT 1", DB_INT(id)) < 0)
		return 0;
	long long c = r->nrows ? db_int(r, 0, 0) : 0;
	*final = r->nrows && str_eq(db_text(r, 0, 1), "final");
	db_res_free(r);
	return c;
}

/* The summary of a document (records_list). */
static json_t *summary(struct db *db, const struct doc_row *d)
{
	bool cfinal;
	long long cby = corrected_by(db, d->id, &cfinal);
	char cl[20], fl[20];
	rec_local(d->created_at, cl);
	rec_local(d->finalised_at, fl);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "case_id", json_integer(d->case_id));
	json_object_set_new(o, "type_code", json_string(d->type_code));
	json_object_set_new(o, "name", json_string(rec_js(d->def, "name")));
	json_object_set_new(o, "status", json_string(d->status));
	json_object_set_new(o, "status_label", json_string(records_status_label(d->status, cby && cfinal)));
	json_object_set_new(o, "number", str_or_null(d->number));
	json_object_set_new(o, "created_at_local", json_string(cl));
	json_object_set_new(o, "finalised_at_local", str_or_null(fl));
	json_object_set_new(o, "pdf_pages", d->pdf_pages ? json_integer(d->pdf_pages) : json_null());
	json_object_set_new(o, "pdf_sha256", str_or_null(d->pdf_sha256));
	json_object_set_new(o, "corrects_id", d->corrects_id ? json_integer(d->corrects_id) : json_null());
	json_object_set_new(o, "corrected_by_id", cby ? json_integer(cby) : json_null());
	json_object_set_new(o, "needs", rec_needs(db, d));
	return o;
}

int records_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct doc_row d;
	struct case_brief c;
	if (rec_doc_open(db, a, id, false, &d, &c, e) < 0)
		return -1;
	json_t *o = summary(db, &d);
	char *cb = people_user_name(db, d.created_by), *fb = d.finalised_by ? people_user_name(db, d.finalised_by) : NULL;
	json_object_set_new(o, "doc_type_id", json_integer(d.doc_type_id));
	json_object_set_new(o, "version", json_integer(d.type_version));
	json_object_set(o, "fields", d.fields);
	json_object_set(o, "definition", d.def);
	json_object_set_new(o, "row_version", json_integer(d.row_version));
	json_object_set_new(o, "content_sha256", json_string(d.content_sha256));
	json_object_set_new(o, "act_started_at", str_or_null(d.act_started_at));
	json_object_set_new(o, "act_ended_at", str_or_null(d.act_ended_at));
	json_object_set_new(o, "created_by", json_integer(d.created_by));
	json_object_set_new(o, "created_by_name", json_string(cb ? cb : ""));
	json_object_set_new(o, "created_at", json_string(d.created_at));
	json_object_set_new(o, "updated_at", json_string(d.updated_at));
	json_object_set_new(o, "finalised_by", d.finalised_by ? json_integer(d.finalised_by) : json_null());
	json_object_set_new(o, "finalised_by_name", str_or_null(fb));
	json_object_set_new(o, "finalised_at", str_or_null(d.finalised_at));
	json_object_set_new(o, "pdf_sm3", str_or_null(d.pdf_sm3));
	json_object_set_new(o, "pdf_size", d.pdf_size ? json_integer(d.pdf_size) : json_null());
	json_object_set_new(o, "leaf_index", d.leaf_index >= 0 ? json_integer(d.leaf_index) : json_null());
	json_object_set_new(o, "correction_reason", str_or_null(d.correction_reason));
	free(cb);
	free(fb);
	char h[65];
	rec_content_sha256(d.case_id, d.type_code, d.type_version, d.fields, NULL, h);
	json_object_set_new(o, "signatures", rec_signatures_json(db, d.id, h));
	json_object_set_new(o, "case", json_pack("{s:I,s:o,s:s,s:s,s:s}", "id", (json_int_t)c.id, "case_no",
						 str_or_null(c.case_no), "title", c.title, "stage", c.stage, "status",
						 c.status));
	char what[200];
	snprintf(what, sizeof what, "查看文书：%s", rec_js(d.def, "name"));
	rec_log_read(db, a, id, what);
	rec_doc_release(&d);
	*out = o;
	return 0;
}

int records_update(struct db *db, const struct actor *a, long long id, int row_version, const json_t *fields,
		   int *new_version, struct err *e)
{
	struct doc_row d;
	struct case_brief c;
	if (rec_doc_open(db, a, id, true, &d, &c, e) < 0)
		return -1;
	int rc = -1;
	json_t *norm = NULL;
	if (str_eq(d.status, "final")) {
		err_set(e, ERR_CONFLICT, "status", "文书已定稿，不能修改；如需更正，请制作更正文书");
		goto out;
	}
	if (row_version != d.row_version) {
		err_set(e, ERR_CONFLICT, "row_version", "该文书已被他人修改（当前第 %d 版，您看到的是第 %d 版），请刷新后重试",
			d.row_version, row_version);
		goto out;
	}
	if (!str_eq(c.status, "open") && !d.corrects_id) {
		err_set(e, ERR_CONFLICT, "status", "案件已结案或终结，不能修改文书");
		goto out;
	}
	if (check_fields(d.def, fields, &norm, e) < 0)
		goto out;
	char h[65], now[21], ast[21], aen[21];
	rec_content_sha256(d.case_id, d.type_code, d.type_version, norm, NULL, h);
	act_times(d.def, norm, ast, aen);
	time_now_utc(now);
	char *ftext = rec_canonical(norm);
	if (db_begin(db) < 0) {
		free(ftext);
		rec_db_fail(db, e);
		goto out;
	}
	struct db_res *r = NULL;
	int q = db_query(db, &r, "UPDATE documents SET fields = ?, content_sha256 = ?, act_started_at = ?, act_ended_at = ?,"
				 " updated_at = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?"
				 " AND status = 'draft' RETURNING row_version",
			 DB_TEXT(ftext), DB_TEXT(h), DB_TEXTN(rec_nz(ast)), DB_TEXTN(rec_nz(aen)),
			 DB_TEXT(now), DB_INT(id), DB_INT(row_version));
	free(ftext);
	if (q < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	int nv = r->nrows ? (int)db_int(r, 0, 0) : 0;
	db_res_free(r);
	if (!nv) {
		db_rollback(db);
		err_set(e, ERR_CONFLICT, "row_version", "该文书已被他人修改或已定稿，请刷新后重试");
		goto out;
	}
	char idstr[24], detail[200];
	snprintf(idstr, sizeof idstr, "%lld", id);
	snprintf(detail, sizeof detail, "修改%s（第 %d 版）", rec_js(d.def, "name"), nv);
	char drafted[20];
	rec_local(d.created_at, drafted);
	drafted[10] = 0;
	if (audit_log(db, a, "record.update", "document", idstr, "ok", detail) < 0 ||
	    rec_decision_drafted(db, a, d.case_id, id, d.type_code, d.def, norm, drafted, e) < 0 || db_commit(db) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	if (new_version)
		*new_version = nv;
	rc = 0;
out:
	json_decref(norm);
	rec_doc_release(&d);
	return rc;
}

int rec_case_docs(struct db *db, long long case_id, long long procedure_id, struct doc_row **out, size_t *n,
		  struct err *e)
{
	*out = NULL;
	*n = 0;
	json_t *pd = NULL;
	if (procedure_get(db, procedure_id, &pd, e) < 0)
		return -1;
	const json_t *pdef = json_object_get(pd, "definition");
	struct db_res *r;
	if (db_query(db, &r, "SELECT " DOC_COLS " FROM documents d JOIN doc_types t ON t.id = d.doc_type_id"
			     " WHERE d.case_id = ? ORDER BY d.id", DB_INT(case_id)) < 0) {
		json_decref(pd);
		return rec_db_fail(db, e);
	}
	struct doc_row *v = xcalloc((size_t)r->nrows + 1, sizeof *v);
	int *ord = xcalloc((size_t)r->nrows + 1, sizeof *ord);
	for (int i = 0; i < r->nrows; i++) {
		row_from(r, i, &v[i]);
		ord[i] = rec_stage_order(pdef, v[i].def);
	}
	size_t cnt = (size_t)r->nrows;
	db_res_free(r);
	json_decref(pd);
	/* insertion sort: stage order, then finalised_at (drafts last), created_at, id */
	for (size_t i = 1; i < cnt; i++)
		for (size_t j = i; j > 0; j--) {
			struct doc_row *x = &v[j - 1], *y = &v[j];
			const char *xa = x->finalised_at[0] ? x->finalised_at : "~", *ya = y->finalised_at[0] ? y->finalised_at : "~";
			int c = ord[j - 1] != ord[j] ? (ord[j - 1] < ord[j] ? -1 : 1) : strcmp(xa, ya);
			if (c == 0)
				c = strcmp(x->created_at, y->created_at);
			if (c == 0)
				c = x->id < y->id ? -1 : 1;
			if (c <= 0)
				break;
			struct doc_row t = *x;
			*x = *y;
			*y = t;
			int to = ord[j - 1];
			ord[j - 1] = ord[j];
			ord[j] = to;
		}
	free(ord);
	*out = v;
	*n = cnt;
	return 0;
}

int records_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e)
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
		json_array_append_new(items, summary(db, &v[i]));
		rec_doc_release(&v[i]);
	}
	free(v);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
