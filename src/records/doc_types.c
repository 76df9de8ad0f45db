/*
 * doc_types.c - the catalogue of document types as versioned data (table
 * doc_types, append-only): validation of a definition, the embedded
 * defaults (src/assets/data/doc_types.json) loaded once per code, the
 * version in force on a day, and the list offered for a case.
 */
#include "core/core.h"
#include "core/embedded.h"
#include "records/records_int.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "actor/audit.h"
#include "calendar/calendar.h"
#include "ledger/ledger.h"
#include <openssl/sha.h>

int rec_db_fail(struct db *db, struct err *e)
{
	log_error("records: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

int rec_tx_fail(struct db *db, struct err *e)
{
	const char *msg = db_errmsg(db);
	db_rollback(db);
	if (e && e->kind)
		return -1;
	log_error("records: %s", msg ? msg : "");
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

char *rec_canonical(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!s)
		BUG("records: canonical JSON failed");
	return s;
}

void rec_sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char h[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)s, n, h);
	hex_encode(h, sizeof h, out);
}

const char *rec_js(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

bool rec_jb(const json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

const json_t *rec_def_field(const json_t *def, const char *key)
{
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
		if (str_eq(rec_js(f, "key"), key))
			return f;
	return NULL;
}

/* ---- validation ---- */

static bool ident_ok(const char *s, size_t max)
{
	if (!s || !(s[0] >= 'a' && s[0] <= 'z') || strlen(s) > max)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(s, list[i]))
			return true;
	return false;
}

static const char *const field_types[] = { "text", "textarea", "date", "datetime", "money",
					   "integer", "select", "multi", "list", "check" };
static const char *const prefills[] = { "party", "party_name", "officers", "matter", "basis", "cause", "case_no", "body" };
static const char *const signers[] = { "officers", "party", "witness", "approvers" };
static const char *const rights[] = { "statement", "hearing" };
static const char *const field_keys[] = { "key", "label", "type", "required", "max", "min", "options",
					  "act", "prefill", "default", "hint", "print" };
static const char *const def_keys[] = { "code", "name", "basis", "procedures", "stages", "fields", "prefill",
					"phrases", "signers", "handed_to_party", "numbered", "number_kind",
					"party_signature", "recording", "remedies", "rights", "review", "publish",
					"issued_by" };

static void strings_check(const json_t *v, const char *key, const char *label, const char *const *allowed,
			  size_t n_allowed, bool need_one, struct errs *all)
{
	if (!json_is_array(v)) {
		errs_add(all, ERR_INVALID, key, "%s应为列表", label);
		return;
	}
	if (need_one && json_array_size(v) == 0)
		errs_add(all, ERR_INVALID, key, "%s至少要有一项", label);
	size_t i;
	const json_t *x;
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		if (!s || (allowed && !in_list(s, allowed, n_allowed)) || (!allowed && !ident_ok(s, 32)))
			errs_add(all, ERR_INVALID, key, "%s第%zu项「%s」不是可用的值", label, i + 1, s ? s : "");
	}
}

static void field_check(const json_t *f, size_t i, struct errs *all, bool *act_start, bool *act_end)
{
	char p[64];
	snprintf(p, sizeof p, "fields[%zu]", i);
	if (!json_is_object(f)) {
		errs_add(all, ERR_INVALID, p, "第%zu个字段应为对象", i + 1);
		return;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)f, k, v)
		if (!in_list(k, field_keys, ARRAY_SIZE(field_keys)))
			errs_add(all, ERR_INVALID, p, "第%zu个字段有未知的属性「%s」", i + 1, k);
	const char *key = rec_js(f, "key"), *type = rec_js(f, "type");
	if (!ident_ok(key, 32))
		errs_add(all, ERR_INVALID, p, "第%zu个字段的代码「%s」不合规范（小写字母开头，只含小写字母、数字和下划线）", i + 1, key);
	if (str_empty(rec_js(f, "label")) || utf8_len(rec_js(f, "label"), strlen(rec_js(f, "label"))) > 60)
		errs_add(all, ERR_INVALID, p, "字段「%s」缺少名称（或超过 60 字）", key);
	if (!in_list(type, field_types, ARRAY_SIZE(field_types)))
		errs_add(all, ERR_INVALID, p, "字段「%s」的类型「%s」未知", key, type);
	const json_t *req = json_object_get(f, "required");
	if (req && !json_is_boolean(req))
		errs_add(all, ERR_INVALID, p, "字段「%s」的 required 应为 true 或 false", key);
	const json_t *mx = json_object_get(f, "max"), *mn = json_object_get(f, "min");
	if ((mx && (!json_is_integer(mx) || json_integer_value(mx) < 1)) || (mn && !json_is_integer(mn)))
		errs_add(all, ERR_INVALID, p, "字段「%s」的上下限应为整数", key);
	if (mx && mn && json_is_integer(mx) && json_is_integer(mn) && json_integer_value(mn) > json_integer_value(mx))
		errs_add(all, ERR_INVALID, p, "字段「%s」的下限大于上限", key);
	const json_t *pr = json_object_get(f, "print");
	if (pr && !json_is_boolean(pr))
		errs_add(all, ERR_INVALID, p, "字段「%s」的 print 应为 true 或 false（false：不印入文书）", key);
	if (str_eq(type, "select") || str_eq(type, "multi")) {
		const json_t *o = json_object_get(f, "options");
		if (!json_is_array(o) || json_array_size(o) == 0 || json_array_size(o) > 64)
			errs_add(all, ERR_INVALID, p, "选择字段「%s」须列出可选项（options，至多 64 项）", key);
		size_t j;
		const json_t *x;
		json_array_foreach(o, j, x)
			if (str_empty(json_string_value(x)))
				errs_add(all, ERR_INVALID, p, "选择字段「%s」的第%zu个可选项为空", key, j + 1);
	} else if (json_object_get(f, "options")) {
		errs_add(all, ERR_INVALID, p, "只有选择字段可以有 options（字段「%s」）", key);
	}
	const char *act = rec_js(f, "act");
	if (json_object_get(f, "act")) {
		if (!str_eq(act, "start") && !str_eq(act, "end"))
			errs_add(all, ERR_INVALID, p, "字段「%s」的 act 应为 start 或 end", key);
		else if (!str_eq(type, "datetime"))
			errs_add(all, ERR_INVALID, p, "标明行为起止的字段「%s」应为日期时间（datetime）", key);
		bool *seen = str_eq(act, "start") ? act_start : act_end;
		if (*seen)
			errs_add(all, ERR_INVALID, p, "行为的%s时间只能由一个字段标明", str_eq(act, "start") ? "开始" : "结束");
		*seen = true;
	}
	if (json_object_get(f, "prefill") && !in_list(rec_js(f, "prefill"), prefills, ARRAY_SIZE(prefills)))
		errs_add(all, ERR_INVALID, p, "字段「%s」的预填来源「%s」未知", key, rec_js(f, "prefill"));
	const json_t *dv = json_object_get(f, "default");
	if (dv && !json_is_string(dv) && !json_is_boolean(dv) && !json_is_integer(dv))
		errs_add(all, ERR_INVALID, p, "字段「%s」的默认值应为文字、数字或 true/false", key);
}

/* "review" (records/decision.h): a decision type's procedure and the keys
 * of its fields that say what it decides. */
static void review_check(const json_t *def, struct errs *all)
{
	const json_t *rv = json_object_get(def, "review");
	if (!rv)
		return;
	if (!json_is_object(rv)) {
		errs_add(all, ERR_INVALID, "review", "review 应为对象（执法决定的法制审核认定依据）");
		return;
	}
	static const char *const keys[] = { "procedure", "material", "fine", "confiscation", "measures",
					    "measures_fixed", "flags", "site" };
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)rv, k, v)
		if (!in_list(k, keys, ARRAY_SIZE(keys)))
			errs_add(all, ERR_INVALID, "review", "review 有未知的属性「%s」", k);
	static const char *const procs[] = { "penalty", "licence", "coercion" };
	if (!in_list(rec_js(rv, "procedure"), procs, ARRAY_SIZE(procs)))
		errs_add(all, ERR_INVALID, "review.procedure", "review.procedure 应为 penalty、licence 或 coercion");
	const json_t *mat = json_object_get(rv, "material");
	if (!json_is_array(mat) || json_array_size(mat) == 0)
		errs_add(all, ERR_INVALID, "review.material", "review.material 应列出决定内容所在的字段（至少一项）");
	size_t i;
	const json_t *x;
	json_array_foreach(mat, i, x)
		if (!rec_def_field(def, json_string_value(x)))
			errs_add(all, ERR_INVALID, "review.material", "review.material 第%zu项「%s」不是本文书的字段", i + 1,
				 json_string_value(x) ? json_string_value(x) : "");
	static const struct {
		const char *member, *type, *what;
	} refs[] = {
		{ "fine", "money", "罚款金额" },	    { "confiscation", "money", "没收金额" },
		{ "measures", "multi", "处理措施" }, { "flags", "multi", "适用情形" },
		{ "site", "check", "生产经营场所" },
	};
	for (size_t j = 0; j < ARRAY_SIZE(refs); j++) {
		const json_t *m = json_object_get(rv, refs[j].member);
		if (!m)
			continue;
		const json_t *f = rec_def_field(def, json_string_value(m));
		if (!f || !str_eq(rec_js(f, "type"), refs[j].type))
			errs_add(all, ERR_INVALID, "review", "review.%s 应为本文书一个 %s 类型字段的代码（%s）", refs[j].member,
				 refs[j].type, refs[j].what);
	}
	const json_t *fixed = json_object_get(rv, "measures_fixed");
	if (fixed && !json_is_array(fixed))
		errs_add(all, ERR_INVALID, "review.measures_fixed", "review.measures_fixed 应为处理措施名称的列表");
	json_array_foreach(fixed, i, x)
		if (str_empty(json_string_value(x)))
			errs_add(all, ERR_INVALID, "review.measures_fixed", "review.measures_fixed 第%zu项为空", i + 1);
}

/* "publish" (事后公开, src/disclosure/): the decision is published as kind
 * on the clock of deadline rule rule, on the stated basis. */
static void publish_check(const json_t *def, struct errs *all)
{
	const json_t *pb = json_object_get(def, "publish");
	if (!pb)
		return;
	if (!json_is_object(pb)) {
		errs_add(all, ERR_INVALID, "publish", "publish 应为对象（事后公开的类别、时限规则及依据）");
		return;
	}
	static const char *const keys[] = { "kind", "rule", "basis" };
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)pb, k, v)
		if (!in_list(k, keys, ARRAY_SIZE(keys)))
			errs_add(all, ERR_INVALID, "publish", "publish 有未知的属性「%s」", k);
	static const char *const kinds[] = { "penalty", "licence", "coercion", "inspection", "other" };
	if (!in_list(rec_js(pb, "kind"), kinds, ARRAY_SIZE(kinds)))
		errs_add(all, ERR_INVALID, "publish.kind", "publish.kind 应为 penalty、licence、coercion、inspection 或 other");
	const char *rule = rec_js(pb, "rule");
	bool rule_ok = !str_empty(rule) && strlen(rule) < 64;
	for (const char *c = rule; rule_ok && *c; c++)
		rule_ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
	if (!rule_ok)
		errs_add(all, ERR_INVALID, "publish.rule", "publish.rule 应为公示时限规则的代码（小写字母、数字、下划线）");
	if (str_empty(rec_js(pb, "basis")))
		errs_add(all, ERR_INVALID, "publish.basis", "publish.basis 应写明公示的依据");
}

int doc_type_validate(const json_t *def, struct errs *all)
{
	size_t before = all->n;
	if (!json_is_object(def)) {
		errs_add(all, ERR_INVALID, "definition", "文书种类定义应为 JSON 对象");
		return -1;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)def, k, v)
		if (!in_list(k, def_keys, ARRAY_SIZE(def_keys)))
			errs_add(all, ERR_INVALID, k, "文书种类定义有未知的属性「%s」", k);
	if (!ident_ok(rec_js(def, "code"), 40))
		errs_add(all, ERR_INVALID, "code", "文书种类代码「%s」不合规范（小写字母开头，只含小写字母、数字和下划线）", rec_js(def, "code"));
	const char *name = rec_js(def, "name");
	if (str_empty(name) || utf8_len(name, strlen(name)) > 60)
		errs_add(all, ERR_INVALID, "name", "缺少文书名称（或超过 60 字）");
	if (str_empty(rec_js(def, "basis")))
		errs_add(all, ERR_INVALID, "basis", "文书「%s」缺少法律依据（basis，应逐条引用）", name);
	strings_check(json_object_get(def, "procedures"), "procedures", "所属执法程序", NULL, 0, true, all);
	strings_check(json_object_get(def, "stages"), "stages", "所属环节", NULL, 0, true, all);
	strings_check(json_object_get(def, "signers"), "signers", "签名人", signers, ARRAY_SIZE(signers), true, all);
	strings_check(json_object_get(def, "rights"), "rights", "告知的权利", rights, ARRAY_SIZE(rights), false, all);
	const json_t *ph = json_object_get(def, "phrases");
	if (!json_is_array(ph)) {
		errs_add(all, ERR_INVALID, "phrases", "固定用语（phrases）应为列表");
	} else {
		size_t i;
		const json_t *x;
		json_array_foreach(ph, i, x)
			if (str_empty(json_string_value(x)))
				errs_add(all, ERR_INVALID, "phrases", "固定用语第%zu项为空", i + 1);
	}
	const json_t *fields = json_object_get(def, "fields");
	bool act_start = false, act_end = false;
	if (!json_is_array(fields) || json_array_size(fields) == 0) {
		errs_add(all, ERR_INVALID, "fields", "文书至少要有一个字段");
	} else {
		size_t i;
		const json_t *f;
		json_array_foreach(fields, i, f) {
			field_check(f, i, all, &act_start, &act_end);
			for (size_t j = 0; j < i; j++)
				if (str_eq(rec_js(f, "key"), rec_js(json_array_get(fields, j), "key")))
					errs_add(all, ERR_INVALID, "fields", "字段代码「%s」重复", rec_js(f, "key"));
		}
	}
	static const char *const bools[] = { "handed_to_party", "numbered", "party_signature", "remedies" };
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++)
		if (!json_is_boolean(json_object_get(def, bools[i])))
			errs_add(all, ERR_INVALID, bools[i], "%s 应为 true 或 false", bools[i]);
	const json_t *nk = json_object_get(def, "number_kind");
	if (rec_jb(def, "numbered")) {
		if (!numbering_kind_ok(json_string_value(nk)))
			errs_add(all, ERR_INVALID, "number_kind", "编号的文书须指明已有的文号种类（number_kind），「%s」不是",
				 rec_js(def, "number_kind"));
	} else if (nk && !json_is_null(nk)) {
		errs_add(all, ERR_INVALID, "number_kind", "不编号的文书不能有文号种类（number_kind 应为 null）");
	}
	const char *rec = rec_js(def, "recording");
	if (!str_eq(rec, "full") && !str_eq(rec, "as_needed") && !str_eq(rec, "none"))
		errs_add(all, ERR_INVALID, "recording", "音像记录要求（recording）应为 full、as_needed 或 none");
	if (str_eq(rec, "full") && (!act_start || !act_end))
		errs_add(all, ERR_INVALID, "recording", "须全程音像记录的文书要有标明行为起止时间的字段（act: start / end）");
	if (rec_jb(def, "remedies") && !rec_jb(def, "handed_to_party"))
		errs_add(all, ERR_INVALID, "remedies", "印有救济途径的文书应交付当事人（handed_to_party）");
	if (rec_jb(def, "party_signature")) {
		bool party = false;
		size_t i;
		const json_t *x;
		json_array_foreach(json_object_get(def, "signers"), i, x)
			party = party || str_eq(json_string_value(x), "party");
		if (!party)
			errs_add(all, ERR_INVALID, "signers", "须当事人签名的文书，签名人应包括当事人（party）");
	}
	review_check(def, all);
	const json_t *ib = json_object_get(def, "issued_by");
	if (ib && !str_eq(json_string_value(ib), "review"))
		errs_add(all, ERR_INVALID, "issued_by", "issued_by 只能为 review（由法制审核意见生成的文书）");
	publish_check(def, all);
	const json_t *pre = json_object_get(def, "prefill");
	if (pre && !json_is_object(pre))
		errs_add(all, ERR_INVALID, "prefill", "prefill 应为对象");
	if (all->n > before) {
		all->kind = ERR_INVALID;
		return -1;
	}
	if (strlen(rec_js(def, "basis")) > 4000)
		errs_add(all, ERR_INVALID, "basis", "法律依据过长");
	char *text = rec_canonical(def);
	if (strlen(text) > DOC_TYPE_MAX_BYTES)
		errs_add(all, ERR_TOOLARGE, "definition", "文书种类定义过长（超过%d KB）", DOC_TYPE_MAX_BYTES / 1024);
	free(text);
	return all->n > before ? -1 : 0;
}

/* The procedures and stages a definition names exist in the procedures
 * in force on date (the defaults' check; procedures loaded first). */
static int validate_against_procedures(struct db *db, const json_t *def, const char *date, struct errs *all)
{
	size_t before = all->n;
	size_t i;
	const json_t *p;
	json_t *stages_seen = json_object();
	json_array_foreach(json_object_get(def, "procedures"), i, p) {
		json_t *pd = NULL;
		struct err e = ERR_INIT;
		if (procedure_for(db, json_string_value(p), date, &pd, NULL, &e) < 0) {
			errs_add(all, ERR_INVALID, "procedures", "文书「%s」所属的执法程序「%s」不存在", rec_js(def, "name"),
				 json_string_value(p));
			continue;
		}
		size_t j;
		const json_t *s;
		json_array_foreach(json_object_get(def, "stages"), j, s)
			if (procedure_stage(pd, json_string_value(s)))
				json_object_set_new(stages_seen, json_string_value(s), json_true());
		json_decref(pd);
	}
	const json_t *s;
	json_array_foreach(json_object_get(def, "stages"), i, s)
		if (!json_object_get(stages_seen, json_string_value(s)))
			errs_add(all, ERR_INVALID, "stages", "文书「%s」所属的环节「%s」不在其任何执法程序中", rec_js(def, "name"),
				 json_string_value(s));
	json_decref(stages_seen);
	return all->n > before ? -1 : 0;
}

/* ---- storage ---- */

static int insert_version(struct db *db, const struct actor *a, const char *code, int version, const json_t *def,
			  const char *effective_from, long long *id, struct err *e)
{
	char *text = rec_canonical(def);
	char sha[65], now[21];
	rec_sha256_hex(text, strlen(text), sha);
	time_now_utc(now);
	const char *by = a && a->username[0] ? a->username : "system";
	struct db_res *r;
	int rc = db_query(db, &r, "INSERT INTO doc_types(code, version, name, definition, sha256, effective_from, basis,"
				  " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_TEXT(code), DB_INT(version), DB_TEXT(rec_js(def, "name")), DB_TEXT(text), DB_TEXT(sha),
			  DB_TEXT(effective_from), DB_TEXT(rec_js(def, "basis")), DB_TEXT(now), DB_TEXT(by));
	free(text);
	if (rc < 0)
		return -2;
	long long nid = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	char ids[24], detail[200];
	snprintf(ids, sizeof ids, "%lld", nid);
	snprintf(detail, sizeof detail, "%s 第%d版，%s起施行", code, version, effective_from);
	if (audit_log(db, a, "doc_type.add", "doc_type", ids, "ok", detail) < 0)
		return rec_db_fail(db, e);
	json_t *f = json_pack("{s:I,s:s,s:i,s:I,s:s}", "id", (json_int_t)nid, "code", code, "version", version, "actor",
			      (json_int_t)(a ? a->user_id : 0), "definition_sha256", sha);
	rc = ledger_append(db, "doc_type.version", f, NULL, e);
	json_decref(f);
	if (rc < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

json_t *doc_types_defaults(struct err *e)
{
	const struct embedded_file *f = embedded_find(DOC_TYPES_DEFAULTS_FILE);
	if (!f) {
		err_set(e, ERR_INTERNAL, "", "缺少默认执法文书种类文件");
		return NULL;
	}
	json_error_t je;
	json_t *doc = json_loadb((const char *)f->data, f->len, 0, &je);
	json_t *list = json_object_get(doc, "doc_types");
	if (!json_is_array(list)) {
		json_decref(doc);
		err_set(e, ERR_INTERNAL, "", "默认执法文书种类文件格式错误：%s", je.text);
		return NULL;
	}
	json_t *out = json_object();
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		const char *ef = json_string_value(json_object_get(p, "effective_from"));
		json_t *def = json_object_get(p, "definition");
		int32_t d;
		if (!ident_ok(code, 40) || !ef || cal_date_parse(ef, &d) < 0 || !json_is_object(def) ||
		    !str_eq(rec_js(def, "code"), code) || json_object_get(out, code)) {
			json_decref(out);
			json_decref(doc);
			err_set(e, ERR_INTERNAL, "", "默认执法文书种类文件第%zu项格式错误", i + 1);
			return NULL;
		}
		json_object_set_new(out, code, json_pack("{s:s,s:O,s:i}", "effective_from", ef, "definition", def, "order",
							 (int)i));
	}
	json_decref(doc);
	return out;
}

static int load_defaults_once(struct db *db, const json_t *defaults, int *added, struct err *e)
{
	*added = 0;
	if (db_begin(db) < 0)
		return rec_db_fail(db, e);
	const char *code;
	json_t *p;
	json_object_foreach((json_t *)defaults, code, p) {
		long long have = db_scalar_int(db, -1, "SELECT COUNT(*) FROM doc_types WHERE code = ?",
					       (const struct db_val[]){ DB_TEXT(code), DB_END });
		if (have < 0) {
			db_rollback(db);
			return rec_db_fail(db, e);
		}
		if (have > 0)
			continue;
		int rc = insert_version(db, NULL, code, 1, json_object_get(p, "definition"),
					json_string_value(json_object_get(p, "effective_from")), NULL, e);
		if (rc < 0) {
			if (rc == -2)
				rc = db_errcode(db) == DBE_CONSTRAINT ? -2 : rec_db_fail(db, e);
			db_rollback(db);
			return rc;
		}
		(*added)++;
	}
	if (db_commit(db) < 0) {
		db_rollback(db);
		return db_errcode(db) == DBE_CONSTRAINT ? -2 : rec_db_fail(db, e);
	}
	return 0;
}

int doc_types_ensure_defaults(struct db *db, int *added, struct err *e)
{
	if (added)
		*added = 0;
	json_t *defaults = doc_types_defaults(e);
	if (!defaults)
		return -1;
	char today[11];
	time_today_shanghai(today);
	const char *code;
	json_t *p;
	json_object_foreach(defaults, code, p) {
		struct errs all = ERRS_INIT;
		const json_t *def = json_object_get(p, "definition");
		if (doc_type_validate(def, &all) < 0 || validate_against_procedures(db, def, today, &all) < 0) {
			err_set(e, ERR_INTERNAL, "", "默认执法文书种类「%s」有误：%s（%s）", code, all.n ? all.v[0].msg : "",
				all.n ? all.v[0].field : "");
			errs_release(&all);
			json_decref(defaults);
			return -1;
		}
		errs_release(&all);
	}
	int n = 0;
	int rc = load_defaults_once(db, defaults, &n, e);
	if (rc == -2) /* another instance loaded them at the same moment */
		rc = load_defaults_once(db, defaults, &n, e);
	if (rc == -2)
		rc = err_set(e, ERR_CONFLICT, "", "默认执法文书种类载入冲突，请重试");
	json_decref(defaults);
	if (rc == 0 && added)
		*added = n;
	return rc;
}

int doc_type_for(struct db *db, const char *code, const char *date, json_t **def, long long *id, struct err *e)
{
	if (def)
		*def = NULL;
	char today[11];
	if (str_empty(date)) {
		time_today_shanghai(today);
		date = today;
	}
	if (!ident_ok(code, 40))
		return err_set(e, ERR_NOTFOUND, "type_code", "文书种类「%.40s」不存在", code ? code : "");
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, definition FROM doc_types WHERE code = ? AND effective_from <= ?"
			     " ORDER BY effective_from DESC, version DESC LIMIT 1", DB_TEXT(code), DB_TEXT(date)) < 0)
		return rec_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "type_code", "文书种类「%s」不存在或在 %s 尚未施行", code, date);
	}
	if (def) {
		*def = json_loads(db_text(r, 0, 1), 0, NULL);
		if (!*def) {
			db_res_free(r);
			return err_set(e, ERR_INTERNAL, "", "文书种类定义无法读取");
		}
	}
	if (id)
		*id = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

#define ROW_COLS "id, code, version, name, effective_from, basis, created_at, created_by, sha256, definition"

static json_t *row_json(const struct db_res *r, int i)
{
	json_t *d = json_loads(db_text(r, i, 9), 0, NULL);
	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_int(r, i, 0), "code",
			 db_text(r, i, 1), "version", (json_int_t)db_int(r, i, 2), "name", db_text(r, i, 3),
			 "effective_from", db_text(r, i, 4), "basis", db_text(r, i, 5), "created_at", db_text(r, i, 6),
			 "created_by", db_text(r, i, 7), "sha256", db_text(r, i, 8), "definition",
			 d ? d : json_object());
}

int doc_type_get(struct db *db, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct db_res *r;
	if (db_query(db, &r, "SELECT " ROW_COLS " FROM doc_types WHERE id = ?", DB_INT(id)) < 0)
		return rec_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "文书种类不存在");
	}
	*out = row_json(r, 0);
	db_res_free(r);
	return 0;
}

static bool array_has(const json_t *arr, const char *s)
{
	size_t i;
	const json_t *x;
	json_array_foreach(arr, i, x)
		if (str_eq(json_string_value(x), s))
			return true;
	return false;
}

int doc_types_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	struct case_brief c;
	if (case_id > 0 && case_brief_get(db, a, case_id, false, &c, e) < 0)
		return -1;
	char today[11];
	time_today_shanghai(today);
	/* the version in force today of every code: newest effective_from
	 * <= today, then the highest version (read in that order, first wins) */
	struct db_res *r;
	if (db_query(db, &r, "SELECT " ROW_COLS " FROM doc_types WHERE effective_from <= ?"
			     " ORDER BY code, effective_from DESC, version DESC", DB_TEXT(today)) < 0)
		return rec_db_fail(db, e);
	json_t *defaults = doc_types_defaults(NULL);
	json_t *first = json_array(), *rest = json_array();
	const char *prev = NULL;
	for (int i = 0; i < r->nrows; i++) {
		if (prev && str_eq(prev, db_text(r, i, 1)))
			continue;
		prev = db_text(r, i, 1);
		json_t *o = row_json(r, i);
		const json_t *def = json_object_get(o, "definition");
		bool suggested = false;
		if (case_id > 0) {
			/* a document another step issues (法制审核意见书) is not drafted by hand */
			if (!array_has(json_object_get(def, "procedures"), c.procedure_code) ||
			    json_object_get(def, "issued_by")) {
				json_decref(o);
				continue;
			}
			suggested = array_has(json_object_get(def, "stages"), c.stage);
		}
		json_t *d = json_object_get(defaults, db_text(r, i, 1));
		json_object_set_new(o, "order", json_integer(d ? json_integer_value(json_object_get(d, "order")) : 1000));
		json_object_set_new(o, "suggested", json_boolean(suggested));
		json_array_append_new(suggested ? first : rest, o);
	}
	db_res_free(r);
	json_decref(defaults);
	/* catalogue order within each group (the defaults file's order, then
	 * the code) */
	json_t *lists[2] = { first, rest };
	json_t *items = json_array();
	for (int l = 0; l < 2; l++) {
		size_t n = json_array_size(lists[l]);
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0; j--) {
				json_t *x = json_array_get(lists[l], j - 1), *y = json_array_get(lists[l], j);
				if (json_integer_value(json_object_get(x, "order")) <=
				    json_integer_value(json_object_get(y, "order")))
					break;
				json_incref(x);
				json_array_set(lists[l], j - 1, y);
				json_array_set_new(lists[l], j, x);
			}
		json_array_extend(items, lists[l]);
		json_decref(lists[l]);
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
