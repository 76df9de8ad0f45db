/*
 * gate.c - the requirement type "record" (执法文书) of the procedures: a
 * stage that requires {"type":"record","doc_type":CODE,...} is left only
 * when the case has a finalised document of that type (or of one of the
 * codes of "any_of").  Registered by records_init (procedure.h).
 */
#include "core/core.h"
#include "records/records_int.h"
#include "cases/procedure.h"

/* The codes a requirement names: doc_type, and any_of (one of them). */
static void req_check(const json_t *req, const char *field, struct errs *all)
{
	const json_t *any = json_object_get(req, "any_of");
	const char *one = json_string_value(json_object_get(req, "doc_type"));
	if (!one && !json_is_array(any))
		errs_add(all, ERR_INVALID, field, "执法文书要求须指明文书种类（doc_type 或 any_of）");
	if (any && (!json_is_array(any) || json_array_size(any) == 0))
		errs_add(all, ERR_INVALID, field, "any_of 应为文书种类代码的列表");
	size_t i;
	const json_t *x;
	json_array_foreach(any, i, x)
		if (str_empty(json_string_value(x)))
			errs_add(all, ERR_INVALID, field, "any_of 第%zu项不是文书种类代码", i + 1);
	if (one && str_empty(one))
		errs_add(all, ERR_INVALID, field, "doc_type 为空");
}

int rec_gate_eval(struct db *db, long long case_id, const json_t *req, int since_seq, const char *date, char *msg,
		  size_t msg_size);
int rec_gate_eval(struct db *db, long long case_id, const json_t *req, int since_seq, const char *date, char *msg,
		  size_t msg_size)
{
	(void)since_seq;
	(void)date;
	json_t *codes = json_array();
	const char *one = json_string_value(json_object_get(req, "doc_type"));
	if (one)
		json_array_append_new(codes, json_string(one));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(req, "any_of"), i, x)
		json_array_append(codes, x);
	int met = 0;
	json_array_foreach(codes, i, x) {
		long long n = db_scalar_int(db, -1, "SELECT COUNT(*) FROM documents WHERE case_id = ? AND type_code = ?"
						    " AND status = 'final'",
					    (const struct db_val[]){ DB_INT(case_id), DB_TEXT(json_string_value(x)), DB_END });
		if (n < 0) {
			met = -1;
			break;
		}
		if (n > 0) {
			met = 1;
			break;
		}
	}
	json_decref(codes);
	if (met == 0) {
		const char *name = json_string_value(json_object_get(req, "name"));
		snprintf(msg, msg_size, "尚缺已定稿的%s", !str_empty(name) ? name : "执法文书");
	}
	return met;
}

void rec_gate_register(void);
void rec_gate_register(void)
{
	if (procedure_requirement_register("record", "执法文书", req_check) < 0 ||
	    procedure_requirement_set_eval("record", rec_gate_eval) < 0)
		BUG("records: cannot register the requirement type record");
}
