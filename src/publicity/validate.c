/*
 * validate.c - checking and canonicalising the content of publicity items
 * (see publicity.h for the shapes), and the kind/category/status labels.
 *
 * Invariants: publicity_validate never keeps a reference into its input;
 * the object it returns holds exactly the known keys of the kind, every
 * string trimmed of ASCII white space and within its length limit (counted
 * in characters), so json_dumps(JSON_SORT_KEYS|JSON_COMPACT) of it is the
 * canonical text stored in the database.  Every problem is reported (not
 * only the first), each with the JSON key path as the field and a Chinese
 * message naming the field by its label.
 */
#include "core/core.h"
#include "core/dict.h"
#include "publicity/publicity.h"

/* Kind, status and category names are the dictionary's (core/dict.h). */
const char *pub_category_label(const char *ident)
{
	return dict_find("pub_category", ident);
}

const char *pub_kind_ident(enum pub_kind k)
{
	switch (k) {
	case PUB_MATTER: return "matter";
	case PUB_GUIDE: return "guide";
	case PUB_INSPECTION: return "inspection";
	}
	return "";
}

const char *pub_kind_label(enum pub_kind k)
{
	const char *l = dict_find("pub_kind", pub_kind_ident(k));
	return l ? l : "";
}

enum pub_kind pub_kind_parse(const char *ident)
{
	if (str_eq(ident, "matter"))
		return PUB_MATTER;
	if (str_eq(ident, "guide"))
		return PUB_GUIDE;
	if (str_eq(ident, "inspection"))
		return PUB_INSPECTION;
	return 0;
}

const char *pub_status_label(const char *status)
{
	const char *l = dict_find("pub_status", status);
	return l ? l : "";
}

/* ---- helpers ---- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

/* Read string key of obj (missing or null = ""), trim it, check it and
 * store it in out under the same key.  label names the field in messages;
 * field is the JSON path used as err field. */
static int take_str(const json_t *obj, const char *key, json_t *out, const char *field,
		    const char *label, bool required, long maxlen, struct errs *e)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = "";
	size_t n = 0;
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return errs_add(e, ERR_INVALID, field, "「%s」应为文字", label);
		s = json_string_value(v);
		n = json_string_length(v);
	}
	if (memchr(s, '\0', n))
		return errs_add(e, ERR_INVALID, field, "「%s」含有非法字符", label);
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	if (required && n == 0)
		return errs_add(e, ERR_INVALID, field, "「%s」不能为空", label);
	long len = utf8_len(s, n);
	if (len < 0)
		return errs_add(e, ERR_INVALID, field, "「%s」不是有效的 UTF-8 文字", label);
	if (len > maxlen)
		return errs_add(e, ERR_INVALID, field, "「%s」不能超过%ld个字(现有%ld个字)", label, maxlen, len);
	json_object_set_new(out, key, json_stringn(s, n));
	return 0;
}

/* Store in *arr the array under key, or NULL when missing/null (jansson
 * treats NULL as an empty array); -1 (and e set) when it is not an array. */
static int get_array(const json_t *obj, const char *key, const char *label, const json_t **arr, struct errs *e)
{
	const json_t *v = json_object_get(obj, key);
	*arr = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return errs_add(e, ERR_INVALID, key, "「%s」应为列表", label);
	*arr = v;
	return 0;
}

/* basis: [{"law","article"}] with min..max entries. */
static int take_basis(const json_t *in, json_t *out, size_t min, struct errs *e)
{
	const json_t *arr;
	if (get_array(in, "basis", "法律依据", &arr, e) < 0)
		return -1;
	size_t n = json_array_size(arr);
	if (n < min)
		return errs_add(e, ERR_INVALID, "basis", "「法律依据」至少一条");
	if (n > 20)
		return errs_add(e, ERR_INVALID, "basis", "「法律依据」不能超过20条");
	json_t *list = json_array();
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(arr, i);
		char field[64], label[64];
		json_t *o = json_object();
		json_array_append_new(list, o);
		if (json_is_string(it)) {
			json_t *tmp = json_pack("{s:O}", "law", it);
			snprintf(field, sizeof field, "basis[%zu].law", i);
			snprintf(label, sizeof label, "法律依据」第%zu条的「法律名称", i + 1);
			int r = take_str(tmp, "law", o, field, label, true, 100, e);
			json_decref(tmp);
			if (r < 0)
				bad = true;
			json_object_set_new(o, "article", json_string(""));
			continue;
		}
		if (!json_is_object(it)) {
			bad = errs_add(e, ERR_INVALID, "basis", "「法律依据」第%zu条格式不正确", i + 1) < 0;
			continue;
		}
		snprintf(field, sizeof field, "basis[%zu].law", i);
		snprintf(label, sizeof label, "法律依据」第%zu条的「法律名称", i + 1);
		if (take_str(it, "law", o, field, label, true, 100, e) < 0)
			bad = true;
		snprintf(field, sizeof field, "basis[%zu].article", i);
		snprintf(label, sizeof label, "法律依据」第%zu条的「条款", i + 1);
		if (take_str(it, "article", o, field, label, false, 100, e) < 0)
			bad = true;
	}
	if (bad) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(out, "basis", list);
	return 0;
}

static int take_procedure(const json_t *in, json_t *out, struct errs *e)
{
	const json_t *arr;
	if (get_array(in, "procedure", "程序步骤", &arr, e) < 0)
		return -1;
	size_t n = json_array_size(arr);
	if (n < 2)
		return errs_add(e, ERR_INVALID, "procedure", "「程序步骤」至少两步");
	if (n > 30)
		return errs_add(e, ERR_INVALID, "procedure", "「程序步骤」不能超过30步");
	json_t *list = json_array();
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(arr, i);
		json_t *tmp = NULL;
		char field[64], label[64];
		if (json_is_string(it))
			it = tmp = json_pack("{s:O}", "name", it);
		if (!json_is_object(it)) {
			bad = errs_add(e, ERR_INVALID, "procedure", "「程序步骤」第%zu步格式不正确", i + 1) < 0;
			continue;
		}
		json_t *o = json_object();
		json_array_append_new(list, o);
		snprintf(field, sizeof field, "procedure[%zu].name", i);
		snprintf(label, sizeof label, "程序步骤」第%zu步的「步骤名称", i + 1);
		int r = take_str(it, "name", o, field, label, true, 60, e);
		snprintf(field, sizeof field, "procedure[%zu].note", i);
		snprintf(label, sizeof label, "程序步骤」第%zu步的「说明", i + 1);
		r |= take_str(it, "note", o, field, label, false, 200, e);
		snprintf(field, sizeof field, "procedure[%zu].time_limit", i);
		snprintf(label, sizeof label, "程序步骤」第%zu步的「时限", i + 1);
		r |= take_str(it, "time_limit", o, field, label, false, 50, e);
		json_decref(tmp);
		if (r < 0)
			bad = true;
	}
	if (bad) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(out, "procedure", list);
	return 0;
}

static int take_remedy(const json_t *in, json_t *out, struct errs *e)
{
	const json_t *arr;
	if (get_array(in, "remedy", "救济渠道", &arr, e) < 0)
		return -1;
	size_t n = json_array_size(arr);
	if (n < 1)
		return errs_add(e, ERR_INVALID, "remedy", "「救济渠道」至少一条");
	if (n > 4)
		return errs_add(e, ERR_INVALID, "remedy", "「救济渠道」不能超过4条");
	json_t *list = json_array();
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		const json_t *it = json_array_get(arr, i);
		char field[64], label[64];
		if (!json_is_object(it)) {
			bad = errs_add(e, ERR_INVALID, "remedy", "「救济渠道」第%zu条格式不正确", i + 1) < 0;
			continue;
		}
		json_t *o = json_object();
		json_array_append_new(list, o);
		const char *type = json_string_value(json_object_get(it, "type"));
		if (!str_eq(type, "review") && !str_eq(type, "litigation")) {
			snprintf(field, sizeof field, "remedy[%zu].type", i);
			bad = errs_add(e, ERR_INVALID, field, "「救济渠道」第%zu条的类型不正确(应为行政复议或行政诉讼)", i + 1) < 0;
		} else {
			json_object_set_new(o, "type", json_string(type));
		}
		snprintf(field, sizeof field, "remedy[%zu].body", i);
		snprintf(label, sizeof label, "救济渠道」第%zu条的「受理机关", i + 1);
		if (take_str(it, "body", o, field, label, true, 100, e) < 0)
			bad = true;
		snprintf(field, sizeof field, "remedy[%zu].time_limit", i);
		snprintf(label, sizeof label, "救济渠道」第%zu条的「期限", i + 1);
		if (take_str(it, "time_limit", o, field, label, true, 100, e) < 0)
			bad = true;
	}
	if (bad) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(out, "remedy", list);
	return 0;
}

static int take_materials(const json_t *in, json_t *out, struct errs *e)
{
	const json_t *v = json_object_get(in, "materials");
	json_t *split = NULL;
	if (json_is_string(v)) { /* one per line, as typed in a textarea */
		split = json_array();
		const char *s = json_string_value(v);
		while (*s) {
			const char *nl = strchr(s, '\n');
			size_t len = nl ? (size_t)(nl - s) : strlen(s);
			size_t a = 0;
			while (a < len && is_space(s[a]))
				a++;
			if (a < len)
				json_array_append_new(split, json_stringn(s, len));
			s += len + (nl ? 1 : 0);
		}
		v = split;
	}
	if (v && !json_is_null(v) && !json_is_array(v)) {
		json_decref(split);
		return errs_add(e, ERR_INVALID, "materials", "「申请材料」应为列表");
	}
	size_t n = json_array_size(v);
	json_t *list = json_array();
	int rc = 0;
	if (n < 1)
		rc = errs_add(e, ERR_INVALID, "materials", "「申请材料」至少一项");
	else if (n > 50)
		rc = errs_add(e, ERR_INVALID, "materials", "「申请材料」不能超过50项");
	int bad = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char field[64], label[64];
		json_t *tmp = json_pack("{s:O}", "m", json_array_get(v, i));
		json_t *o = json_object();
		snprintf(field, sizeof field, "materials[%zu]", i);
		snprintf(label, sizeof label, "申请材料第%zu项", i + 1);
		if (take_str(tmp, "m", o, field, label, true, 200, e) == 0)
			json_array_append(list, json_object_get(o, "m"));
		else
			bad = -1;
		json_decref(o);
		json_decref(tmp);
	}
	json_decref(split);
	if (rc < 0 || bad < 0) {
		json_decref(list);
		return -1;
	}
	json_object_set_new(out, "materials", list);
	return 0;
}

static int validate_matter(const json_t *in, json_t *out, struct errs *e)
{
	int r = take_str(in, "name", out, "name", "事项名称", true, 100, e);
	const json_t *c = json_object_get(in, "category");
	const char *cat = json_string_value(c);
	if (str_empty(cat))
		r = errs_add(e, ERR_INVALID, "category", "「类别」不能为空");
	else if (!pub_category_label(cat))
		r = errs_add(e, ERR_INVALID, "category", "「类别」不正确(应为行政检查、行政许可、行政处罚、行政征收征用、行政强制或其他)");
	else
		json_object_set_new(out, "category", json_string(cat));
	/* every check runs, so the form can report all problems at once */
	r |= take_str(in, "duties", out, "duties", "职责", true, 2000, e);
	r |= take_str(in, "authority", out, "authority", "权限", true, 2000, e);
	r |= take_basis(in, out, 1, e);
	r |= take_procedure(in, out, e);
	r |= take_remedy(in, out, e);
	return r < 0 ? -1 : 0;
}

static int validate_guide(const json_t *in, json_t *out, struct errs *e)
{
	int r = take_str(in, "name", out, "name", "指南名称", true, 100, e);
	r |= take_str(in, "accepting_body", out, "accepting_body", "受理机构", true, 100, e);
	r |= take_str(in, "approving_body", out, "approving_body", "决定机构", true, 100, e);
	r |= take_str(in, "conditions", out, "conditions", "办理条件", true, 2000, e);
	r |= take_str(in, "time_limit", out, "time_limit", "办理时限", true, 100, e);
	r |= take_materials(in, out, e);
	r |= take_str(in, "fees", out, "fees", "收费标准", false, 200, e);
	r |= take_str(in, "contact", out, "contact", "咨询方式", true, 200, e);
	r |= take_basis(in, out, 0, e);
	return r < 0 ? -1 : 0;
}

static int validate_inspection(const json_t *in, json_t *out, const char *unit_name, struct errs *e)
{
	int r = take_str(in, "name", out, "name", "抽查事项名称", true, 100, e);
	r |= take_str(in, "content", out, "content", "检查内容", true, 1000, e);
	r |= take_basis(in, out, 1, e);
	r |= take_str(in, "method", out, "method", "检查方式", true, 200, e);
	r |= take_str(in, "frequency", out, "frequency", "抽查频次", true, 100, e);
	r |= take_str(in, "inspecting_unit", out, "inspecting_unit", "检查主体", false, 100, e);
	if (r < 0)
		return -1;
	if (str_empty(json_string_value(json_object_get(out, "inspecting_unit"))) && !str_empty(unit_name))
		json_object_set_new(out, "inspecting_unit", json_string(unit_name));
	return 0;
}

json_t *publicity_validate_all(enum pub_kind kind, const json_t *content, const char *unit_name, struct errs *e)
{
	if (!json_is_object(content)) {
		errs_add(e, ERR_INVALID, "", "内容格式不正确");
		return NULL;
	}
	json_t *out = json_object();
	int r;
	switch (kind) {
	case PUB_MATTER: r = validate_matter(content, out, e); break;
	case PUB_GUIDE: r = validate_guide(content, out, e); break;
	case PUB_INSPECTION: r = validate_inspection(content, out, unit_name, e); break;
	default: r = errs_add(e, ERR_INVALID, "kind", "公示类型不正确"); break;
	}
	if (r < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *publicity_validate(enum pub_kind kind, const json_t *content, const char *unit_name, struct err *e)
{
	struct errs all = ERRS_INIT;
	json_t *out = publicity_validate_all(kind, content, unit_name, &all);
	if (!out)
		errs_first(&all, e);
	errs_release(&all);
	return out;
}
