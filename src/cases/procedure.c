/*
 * procedure.c - enforcement procedures as versioned data: validation of a
 * definition, the registry of requirement types, accessors, and the
 * append-only table procedures (see procedure.h).
 */
#include "core/core.h"
#include "core/hash.h"
#include "cases/procedure.h"
#include <ctype.h>
#include <stdarg.h>

/* ---- requirement types ---- */

static void check_approval(const json_t *req, const char *field, struct errs *all);

struct req_type {
	char type[32];
	char label[64];
	procedure_req_check_fn check;
	procedure_req_eval_fn eval; /* NULL: never met (gates.c) */
};

#define REQ_TYPES_MAX 16
static struct req_type req_types[REQ_TYPES_MAX] = {
	{ "officers", "执法人员", NULL, NULL },
	{ "party", "当事人", NULL, NULL },
	{ "matter", "执法事项", NULL, NULL },
	{ "approval", "审批", check_approval, NULL },
};
static size_t n_req_types = 4;

static struct req_type *req_find(const char *type)
{
	if (!type)
		return NULL;
	for (size_t i = 0; i < n_req_types; i++)
		if (strcmp(req_types[i].type, type) == 0)
			return &req_types[i];
	return NULL;
}

int procedure_requirement_register(const char *type, const char *label, procedure_req_check_fn check)
{
	size_t n = type ? strlen(type) : 0;
	if (n == 0 || n > 31 || !label)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(type[i] >= 'a' && type[i] <= 'z') && type[i] != '_')
			return -1;
	struct req_type *t = req_find(type);
	if (!t) {
		if (n_req_types >= REQ_TYPES_MAX)
			return -1;
		t = &req_types[n_req_types++];
		snprintf(t->type, sizeof t->type, "%s", type);
	}
	snprintf(t->label, sizeof t->label, "%s", label);
	t->check = check;
	return 0;
}

bool procedure_requirement_known(const char *type)
{
	return req_find(type) != NULL;
}

int procedure_requirement_set_eval(const char *type, procedure_req_eval_fn eval)
{
	struct req_type *t = req_find(type);
	if (!t)
		return -1;
	t->eval = eval;
	return 0;
}

procedure_req_eval_fn procedure_requirement_eval(const char *type)
{
	const struct req_type *t = req_find(type);
	return t ? t->eval : NULL;
}

const char *procedure_requirement_label(const char *type)
{
	const struct req_type *t = req_find(type);
	return t ? t->label : "";
}

/* The case clocks of issue 9 (deadline_rules event codes) that a
 * definition may name before their rules are in the database. */
static const struct { const char *code, *name; } pending_clocks[] = {
	{ "case_penalty_decision", "作出行政处罚决定（普通程序）" },
	{ "case_service", "送达行政处罚决定书（当事人不在场）" },
	{ "case_hearing_request", "当事人提出听证要求" },
	{ "licence_acceptance", "受理行政许可申请或一次告知补正" },
	{ "licence_decision", "作出行政许可决定" },
	{ "licence_service", "颁发、送达行政许可证件" },
	{ "coercion_seizure", "查封、扣押期限" },
	{ "case_archive", "结案后装订成卷归档" },
	{ "case_complaint_decision", "投诉举报作出是否立案的决定" },
};

bool procedure_clock_pending(const char *event_code)
{
	return procedure_clock_pending_name(event_code) != NULL;
}

const char *procedure_clock_pending_name(const char *event_code)
{
	if (!event_code)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pending_clocks); i++)
		if (strcmp(pending_clocks[i].code, event_code) == 0)
			return pending_clocks[i].name;
	return NULL;
}

static const struct { const char *ident, *label; } kinds[] = {
	{ "penalty", "行政处罚" }, { "licence", "行政许可" }, { "inspection", "行政检查" },
	{ "coercion", "行政强制" }, { "levy", "行政征收征用" }, { "other", "其他" },
};

const char *procedure_kind_label(const char *kind)
{
	if (kind)
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
			if (strcmp(kinds[i].ident, kind) == 0)
				return kinds[i].label;
	return "";
}

/* ---- small JSON helpers ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool text_ok(const char *s, long max)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	bool blank = true;
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			blank = false;
	if (blank)
		return false;
	return utf8_len(s, n) <= max;
}

/* [a-z][a-z0-9_]{0,max-1} */
static bool code_ok(const char *s, size_t max)
{
	if (!s || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	size_t n = strlen(s);
	if (n > max)
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* ---- validation ---- */

#define BASIS_MAX 1000
#define NAME_MAX_CHARS 100
#define STAGES_MAX 60
#define LIST_MAX 200 /* transitions, endings, suspensions, extensions, requirements */

struct vctx {
	const json_t *def;
	const json_t *stages; /* the array, or NULL */
	struct errs *all;
	int problems;
};

static void problem(struct vctx *v, const char *field, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void problem(struct vctx *v, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->problems++;
	errs_add(v->all, ERR_INVALID, field, "%s", msg);
}

static const json_t *stage_by_code(const json_t *stages, const char *code)
{
	size_t i;
	const json_t *s;
	if (!code || !json_is_array(stages))
		return NULL;
	json_array_foreach(stages, i, s) {
		const char *c = jstr(s, "code");
		if (c && strcmp(c, code) == 0)
			return s;
	}
	return NULL;
}

/* "阶段「立案」" or "第3个阶段" when the stage has no usable name. */
static void stage_label(const json_t *s, size_t i, char *out, size_t n)
{
	const char *name = jstr(s, "name");
	if (name && text_ok(name, NAME_MAX_CHARS))
		snprintf(out, n, "阶段「%s」", name);
	else
		snprintf(out, n, "第%zu个阶段", i + 1);
}

static void need_basis(struct vctx *v, const json_t *o, const char *field, const char *what)
{
	char f[160];
	snprintf(f, sizeof f, "%s%sbasis", field, field[0] ? "." : "");
	const json_t *b = json_object_get(o, "basis");
	if (!b)
		problem(v, f, "%s缺少法律依据", what);
	else if (!json_is_string(b))
		problem(v, f, "%s的法律依据必须是文字", what);
	else if (utf8_len(json_string_value(b), strlen(json_string_value(b))) > BASIS_MAX)
		problem(v, f, "%s的法律依据不能超过%d个字", what, BASIS_MAX);
	else if (!text_ok(json_string_value(b), BASIS_MAX))
		problem(v, f, "%s缺少法律依据", what);
}

static void need_name(struct vctx *v, const json_t *o, const char *field, const char *what)
{
	char f[160];
	snprintf(f, sizeof f, "%s%sname", field, field[0] ? "." : "");
	if (!text_ok(jstr(o, "name"), NAME_MAX_CHARS))
		problem(v, f, "%s缺少名称（不超过%d个字）", what, NAME_MAX_CHARS);
}

static void need_role(struct vctx *v, const json_t *o, const char *field, const char *what)
{
	char f[160];
	snprintf(f, sizeof f, "%s.role", field);
	const char *r = jstr(o, "role");
	if (!r)
		problem(v, f, "%s缺少有权审批的角色", what);
	else if (!role_parse(r))
		problem(v, f, "%s的角色「%s」不存在", what, r);
}

static void check_own_rule(struct vctx *v, const json_t *o, const char *field, const char *what)
{
	const json_t *x = json_object_get(o, "own_rule");
	if (x && !json_is_boolean(x)) {
		char f[160];
		snprintf(f, sizeof f, "%s.own_rule", field);
		problem(v, f, "%s的“是否本部门规定”必须是真或假", what);
	}
}

/* The approval members of one requirement (registry check of "approval"). */
static void check_approval(const json_t *req, const char *field, struct errs *all)
{
	char f[160];
	const char *code = jstr(req, "approval");
	if (!code_ok(code, 32)) {
		snprintf(f, sizeof f, "%s.approval", field);
		errs_add(all, ERR_INVALID, f, "审批要求缺少审批代码（小写字母、数字和下划线，不超过32个字符）");
	}
	const char *r = jstr(req, "role");
	snprintf(f, sizeof f, "%s.role", field);
	if (!r)
		errs_add(all, ERR_INVALID, f, "审批要求缺少有权审批的角色");
	else if (!role_parse(r))
		errs_add(all, ERR_INVALID, f, "审批要求的角色「%s」不存在", r);
	if (!text_ok(jstr(req, "name"), NAME_MAX_CHARS)) {
		snprintf(f, sizeof f, "%s.name", field);
		errs_add(all, ERR_INVALID, f, "审批要求缺少名称");
	}
}

/* A list of clock codes (may be absent). */
static void check_clocks(struct vctx *v, const json_t *o, const char *key, const char *field, const char *what,
			 bool required)
{
	char f[160];
	snprintf(f, sizeof f, "%s.%s", field, key);
	const json_t *a = json_object_get(o, key);
	if (!a) {
		if (required)
			problem(v, f, "%s没有列出计时", what);
		return;
	}
	if (!json_is_array(a)) {
		problem(v, f, "%s的计时必须是列表", what);
		return;
	}
	if (required && json_array_size(a) == 0)
		problem(v, f, "%s没有列出计时", what);
	size_t i;
	const json_t *c;
	json_array_foreach(a, i, c) {
		if (!json_is_string(c) || !code_ok(json_string_value(c), 63))
			problem(v, f, "%s的第%zu个计时代码不合规范", what, i + 1);
	}
}

static void check_requirements(struct vctx *v, const json_t *s, const char *field, const char *what)
{
	const json_t *reqs = json_object_get(s, "requires");
	char f[160];
	if (!reqs)
		return;
	if (!json_is_array(reqs)) {
		snprintf(f, sizeof f, "%s.requires", field);
		problem(v, f, "%s的离开条件必须是列表", what);
		return;
	}
	size_t i;
	const json_t *r;
	json_array_foreach(reqs, i, r) {
		char rw[256];
		snprintf(f, sizeof f, "%.60s.requires[%zu]", field, i);
		snprintf(rw, sizeof rw, "%s的第%zu项离开条件", what, i + 1);
		if (!json_is_object(r)) {
			problem(v, f, "%s必须是对象", rw);
			continue;
		}
		const char *type = jstr(r, "type");
		const struct req_type *t = req_find(type);
		char tf[170];
		snprintf(tf, sizeof tf, "%s.type", f);
		if (!type)
			problem(v, tf, "%s缺少类型", rw);
		else if (!t)
			problem(v, tf, "%s的类型「%s」不存在（可用：执法人员、当事人、执法事项、审批等已登记的类型）",
				rw, type);
		else if (t->check) {
			struct errs mine = ERRS_INIT;
			t->check(r, f, &mine);
			for (size_t k = 0; k < mine.n; k++) {
				problem(v, mine.v[k].field, "%s：%.300s", rw, mine.v[k].msg);
			}
			errs_release(&mine);
		}
		need_basis(v, r, f, rw);
		check_own_rule(v, r, f, rw);
	}
}

/* Index of a stage code in stages, or -1. */
static long stage_index(const json_t *stages, const char *code)
{
	size_t i;
	const json_t *s;
	if (!code)
		return -1;
	json_array_foreach(stages, i, s) {
		const char *c = jstr(s, "code");
		if (c && strcmp(c, code) == 0)
			return (long)i;
	}
	return -1;
}

static bool in_string_array(const json_t *a, const char *s)
{
	size_t i;
	const json_t *x;
	if (!s || !json_is_array(a))
		return false;
	json_array_foreach(a, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
			return true;
	return false;
}

static void check_stages(struct vctx *v)
{
	const json_t *stages = json_object_get(v->def, "stages");
	if (!json_is_array(stages) || json_array_size(stages) == 0) {
		problem(v, "stages", "程序至少要有一个阶段");
		return;
	}
	if (json_array_size(stages) > STAGES_MAX) {
		problem(v, "stages", "阶段不能超过%d个", STAGES_MAX);
		return;
	}
	v->stages = stages;
	size_t i;
	const json_t *s;
	json_array_foreach(stages, i, s) {
		char f[64], what[160];
		snprintf(f, sizeof f, "stages[%zu]", i);
		stage_label(s, i, what, sizeof what);
		if (!json_is_object(s)) {
			problem(v, f, "第%zu个阶段必须是对象", i + 1);
			continue;
		}
		const char *code = jstr(s, "code");
		char cf[80];
		snprintf(cf, sizeof cf, "%s.code", f);
		if (!code_ok(code, 32))
			problem(v, cf, "%s的代码不合规范（小写字母开头，只含小写字母、数字和下划线，不超过32个字符）", what);
		else if (stage_index(stages, code) != (long)i)
			problem(v, cf, "%s的代码与前面的阶段重复", what);
		need_name(v, s, f, what);
		need_basis(v, s, f, what);
		const json_t *num = json_object_get(s, "number");
		if (num && !(json_is_string(num) && code_ok(json_string_value(num), 32))) {
			snprintf(cf, sizeof cf, "%s.number", f);
			problem(v, cf, "%s的编号种类不合规范", what);
		}
		check_clocks(v, s, "start_clocks", f, what, false);
		check_clocks(v, s, "meet_clocks", f, what, false);
		check_requirements(v, s, f, what);
		/* notice_before: the event this stage schedules (e.g. the hearing) must be
		   notified at least days before it: {days, working, name, basis} */
		const json_t *nb = json_object_get(s, "notice_before");
		if (nb) {
			snprintf(cf, sizeof cf, "%s.notice_before", f);
			json_int_t d = json_integer_value(json_object_get(nb, "days"));
			const json_t *w = json_object_get(nb, "working");
			if (!json_is_object(nb) || !json_is_integer(json_object_get(nb, "days")) || d < 1 || d > 365 ||
			    (w && !json_is_boolean(w)))
				problem(v, cf, "%s的提前通知规定不合规范（days 为 1 至 365 的整数，working 为 true 或 false）", what);
			else {
				need_name(v, nb, cf, "提前通知规定");
				need_basis(v, nb, cf, "提前通知规定");
			}
		}
		const json_t *note = json_object_get(s, "note");
		if (note && !json_is_string(note)) {
			snprintf(cf, sizeof cf, "%s.note", f);
			problem(v, cf, "%s的说明必须是文字", what);
		}
	}
}

static const char *stage_display(const json_t *stages, const char *code)
{
	const json_t *s = stage_by_code(stages, code);
	const char *n = s ? jstr(s, "name") : NULL;
	return n ? n : code;
}

static void check_transitions(struct vctx *v)
{
	const json_t *tr = json_object_get(v->def, "transitions");
	if (!json_is_array(tr)) {
		problem(v, "transitions", "程序缺少阶段之间的流转（列表）");
		return;
	}
	size_t i;
	const json_t *t;
	json_array_foreach(tr, i, t) {
		char f[64], what[64];
		snprintf(f, sizeof f, "transitions[%zu]", i);
		snprintf(what, sizeof what, "第%zu条流转", i + 1);
		if (!json_is_object(t)) {
			problem(v, f, "%s必须是对象", what);
			continue;
		}
		const char *from = jstr(t, "from"), *to = jstr(t, "to");
		char ff[80];
		bool ok = true;
		if (!v->stages || stage_index(v->stages, from) < 0) {
			snprintf(ff, sizeof ff, "%s.from", f);
			problem(v, ff, "%s的起点阶段「%s」不存在", what, from ? from : "");
			ok = false;
		}
		if (!v->stages || stage_index(v->stages, to) < 0) {
			snprintf(ff, sizeof ff, "%s.to", f);
			problem(v, ff, "%s的目标阶段「%s」不存在", what, to ? to : "");
			ok = false;
		}
		if (ok && strcmp(from, to) == 0) {
			snprintf(ff, sizeof ff, "%s.to", f);
			problem(v, ff, "%s的起点和目标是同一个阶段「%s」", what, stage_display(v->stages, from));
		}
		if (ok) {
			for (size_t k = 0; k < i; k++) {
				const json_t *p = json_array_get(tr, k);
				if (str_eq(jstr(p, "from"), from) && str_eq(jstr(p, "to"), to)) {
					problem(v, f, "%s（%s → %s）与第%zu条重复", what, stage_display(v->stages, from),
						stage_display(v->stages, to), k + 1);
					break;
				}
			}
		}
		need_basis(v, t, f, what);
		if (json_object_get(t, "requires")) {
			snprintf(ff, sizeof ff, "%s.requires", f);
			problem(v, ff, "%s不能设置条件：离开条件请写在起点阶段中", what);
		}
		const json_t *when = json_object_get(t, "when");
		if (when && !json_is_string(when)) {
			snprintf(ff, sizeof ff, "%s.when", f);
			problem(v, ff, "%s的适用情形必须是文字", what);
		}
	}
}

static void check_graph(struct vctx *v)
{
	const json_t *stages = v->stages;
	const json_t *tr = json_object_get(v->def, "transitions");
	const char *initial = jstr(v->def, "initial");
	if (!initial) {
		problem(v, "initial", "程序缺少起始阶段");
		return;
	}
	if (!stages)
		return;
	long start = stage_index(stages, initial);
	if (start < 0) {
		problem(v, "initial", "起始阶段「%s」不存在", initial);
		return;
	}
	const json_t *final = json_object_get(v->def, "final");
	if (!json_is_array(final) || json_array_size(final) == 0) {
		problem(v, "final", "程序缺少结案阶段");
	} else {
		size_t i;
		const json_t *x;
		json_array_foreach(final, i, x) {
			char f[64];
			snprintf(f, sizeof f, "final[%zu]", i);
			if (!json_is_string(x) || stage_index(stages, json_string_value(x)) < 0) {
				problem(v, f, "结案阶段「%s」不存在", json_is_string(x) ? json_string_value(x) : "");
				continue;
			}
			size_t k;
			const json_t *t;
			json_array_foreach(tr, k, t)
				if (str_eq(jstr(t, "from"), json_string_value(x))) {
					problem(v, f, "结案阶段「%s」不能再流转到其他阶段",
						stage_display(stages, json_string_value(x)));
					break;
				}
		}
	}
	/* Reachability from the initial stage. */
	size_t n = json_array_size(stages);
	bool *seen = xcalloc(n, sizeof *seen);
	size_t *queue = xcalloc(n, sizeof *queue);
	size_t qh = 0, qt = 0;
	seen[start] = true;
	queue[qt++] = (size_t)start;
	while (qh < qt) {
		const char *from = jstr(json_array_get(stages, queue[qh++]), "code");
		size_t k;
		const json_t *t;
		json_array_foreach(tr, k, t) {
			if (!str_eq(jstr(t, "from"), from))
				continue;
			long to = stage_index(stages, jstr(t, "to"));
			if (to >= 0 && !seen[to]) {
				seen[to] = true;
				queue[qt++] = (size_t)to;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(stages, i);
		char f[64], what[160];
		snprintf(f, sizeof f, "stages[%zu]", i);
		stage_label(s, i, what, sizeof what);
		if (!seen[i])
			problem(v, f, "%s无法从起始阶段到达", what);
		const char *code = jstr(s, "code");
		bool out = false, fin = in_string_array(final, code);
		size_t k;
		const json_t *t;
		json_array_foreach(tr, k, t)
			if (str_eq(jstr(t, "from"), code))
				out = true;
		if (code && !out && !fin)
			problem(v, f, "%s既不是结案阶段，也没有可流转的下一阶段", what);
	}
	free(seen);
	free(queue);
}

static void check_endings(struct vctx *v)
{
	const json_t *en = json_object_get(v->def, "endings");
	if (!en)
		return;
	if (!json_is_array(en)) {
		problem(v, "endings", "其他终结方式必须是列表");
		return;
	}
	const json_t *final = json_object_get(v->def, "final");
	size_t i;
	const json_t *x;
	json_array_foreach(en, i, x) {
		char f[64], what[160], ff[80];
		snprintf(f, sizeof f, "endings[%zu]", i);
		const char *name = jstr(x, "name");
		if (name && text_ok(name, NAME_MAX_CHARS))
			snprintf(what, sizeof what, "终结方式「%s」", name);
		else
			snprintf(what, sizeof what, "第%zu种终结方式", i + 1);
		if (!json_is_object(x)) {
			problem(v, f, "%s必须是对象", what);
			continue;
		}
		const char *code = jstr(x, "code");
		snprintf(ff, sizeof ff, "%s.code", f);
		if (!code_ok(code, 32)) {
			problem(v, ff, "%s的代码不合规范", what);
		} else {
			if (v->stages && stage_index(v->stages, code) >= 0)
				problem(v, ff, "%s的代码与阶段代码重复", what);
			for (size_t k = 0; k < i; k++)
				if (str_eq(jstr(json_array_get(en, k), "code"), code)) {
					problem(v, ff, "%s的代码与前面的终结方式重复", what);
					break;
				}
		}
		need_name(v, x, f, what);
		need_role(v, x, f, what);
		need_basis(v, x, f, what);
		check_own_rule(v, x, f, what);
		check_clocks(v, x, "meet_clocks", f, what, false);
		const json_t *from = json_object_get(x, "from");
		if (from) {
			snprintf(ff, sizeof ff, "%s.from", f);
			if (!json_is_array(from) || json_array_size(from) == 0) {
				problem(v, ff, "%s的适用阶段必须是非空列表", what);
			} else {
				size_t k;
				const json_t *s;
				json_array_foreach(from, k, s) {
					const char *sc = json_is_string(s) ? json_string_value(s) : "";
					if (!v->stages || stage_index(v->stages, sc) < 0)
						problem(v, ff, "%s的适用阶段「%s」不存在", what, sc);
					else if (in_string_array(final, sc))
						problem(v, ff, "%s不能从结案阶段「%s」进入", what, stage_display(v->stages, sc));
				}
			}
		}
	}
}

static void check_suspensions(struct vctx *v)
{
	const json_t *su = json_object_get(v->def, "suspensions");
	if (!su)
		return;
	if (!json_is_array(su)) {
		problem(v, "suspensions", "不计入期限的情形必须是列表");
		return;
	}
	size_t i;
	const json_t *x;
	json_array_foreach(su, i, x) {
		char f[64], what[160], ff[80];
		snprintf(f, sizeof f, "suspensions[%zu]", i);
		const char *name = jstr(x, "name");
		if (name && text_ok(name, NAME_MAX_CHARS))
			snprintf(what, sizeof what, "不计入期限的情形「%s」", name);
		else
			snprintf(what, sizeof what, "第%zu种不计入期限的情形", i + 1);
		if (!json_is_object(x)) {
			problem(v, f, "%s必须是对象", what);
			continue;
		}
		const char *code = jstr(x, "code");
		snprintf(ff, sizeof ff, "%s.code", f);
		if (!code_ok(code, 32))
			problem(v, ff, "%s的代码不合规范", what);
		else
			for (size_t k = 0; k < i; k++)
				if (str_eq(jstr(json_array_get(su, k), "code"), code)) {
					problem(v, ff, "%s的代码与前面的情形重复", what);
					break;
				}
		need_name(v, x, f, what);
		need_basis(v, x, f, what);
		check_clocks(v, x, "clocks", f, what, true);
		check_own_rule(v, x, f, what);
	}
}

static void check_extensions(struct vctx *v)
{
	const json_t *ex = json_object_get(v->def, "extensions");
	if (!ex)
		return;
	if (!json_is_array(ex)) {
		problem(v, "extensions", "延长期限的规则必须是列表");
		return;
	}
	size_t i;
	const json_t *x;
	json_array_foreach(ex, i, x) {
		char f[64], what[160], ff[80];
		snprintf(f, sizeof f, "extensions[%zu]", i);
		const char *name = jstr(x, "name");
		if (name && text_ok(name, NAME_MAX_CHARS))
			snprintf(what, sizeof what, "延长规则「%s」", name);
		else
			snprintf(what, sizeof what, "第%zu条延长规则", i + 1);
		if (!json_is_object(x)) {
			problem(v, f, "%s必须是对象", what);
			continue;
		}
		const char *clock = jstr(x, "clock");
		snprintf(ff, sizeof ff, "%s.clock", f);
		if (!code_ok(clock, 63))
			problem(v, ff, "%s缺少计时代码", what);
		else
			for (size_t k = 0; k < i; k++)
				if (str_eq(jstr(json_array_get(ex, k), "clock"), clock)) {
					problem(v, ff, "%s与前面的规则延长同一个计时", what);
					break;
				}
		need_name(v, x, f, what);
		need_role(v, x, f, what);
		need_basis(v, x, f, what);
		check_own_rule(v, x, f, what);
		const json_t *days = json_object_get(x, "days");
		if (days && !(json_is_integer(days) && json_integer_value(days) >= 1 && json_integer_value(days) <= 365)) {
			snprintf(ff, sizeof ff, "%s.days", f);
			problem(v, ff, "%s的延长天数必须是1到365之间的整数", what);
		}
	}
}

static bool too_long(struct vctx *v, const json_t *a, const char *field, const char *what)
{
	if (json_array_size(a) <= LIST_MAX)
		return false;
	problem(v, field, "%s不能超过%d项", what, LIST_MAX);
	return true;
}

int procedure_validate(const json_t *def, struct errs *all)
{
	struct vctx v = { def, NULL, all, 0 };
	if (!json_is_object(def)) {
		problem(&v, "definition", "程序定义必须是一个 JSON 对象");
		return -1;
	}
	/* Bound the work before looking closer (the checks are quadratic in
	 * the list lengths). */
	bool big = too_long(&v, json_object_get(def, "transitions"), "transitions", "流转") |
		   too_long(&v, json_object_get(def, "endings"), "endings", "终结方式") |
		   too_long(&v, json_object_get(def, "suspensions"), "suspensions", "不计入期限的情形") |
		   too_long(&v, json_object_get(def, "extensions"), "extensions", "延长规则") |
		   too_long(&v, json_object_get(def, "final"), "final", "结案阶段");
	size_t si;
	const json_t *st;
	json_array_foreach(json_object_get(def, "stages"), si, st) {
		if (si >= STAGES_MAX)
			break;
		big |= too_long(&v, json_object_get(st, "requires"), "stages", "一个阶段的离开条件");
	}
	if (big)
		return -1;
	const char *kind = jstr(def, "kind");
	if (!kind)
		problem(&v, "kind", "程序缺少执法类别");
	else if (!*procedure_kind_label(kind))
		problem(&v, "kind", "执法类别「%s」不存在（可用：行政处罚、行政许可、行政检查、行政强制、行政征收征用、其他）",
			kind);
	need_name(&v, def, "", "程序");
	need_basis(&v, def, "", "程序");
	const json_t *mo = json_object_get(def, "min_officers");
	if (!mo || !json_is_integer(mo) || json_integer_value(mo) < 1 || json_integer_value(mo) > 10)
		problem(&v, "min_officers", "最少执法人员数必须是1到10之间的整数");
	const json_t *mob = json_object_get(def, "min_officers_basis");
	if (!json_is_string(mob) || !text_ok(json_string_value(mob), BASIS_MAX))
		problem(&v, "min_officers_basis", "最少执法人员数缺少法律依据");
	check_stages(&v);
	check_transitions(&v);
	check_graph(&v);
	check_endings(&v);
	check_suspensions(&v);
	check_extensions(&v);
	return v.problems ? -1 : 0;
}

/* Every clock code a definition names, each once, appended to out. */
static void collect_clock(json_t *out, const json_t *c)
{
	if (!json_is_string(c))
		return;
	size_t i;
	const json_t *x;
	json_array_foreach(out, i, x)
		if (json_equal(x, c))
			return;
	json_array_append(out, (json_t *)c);
}

static json_t *definition_clocks(const json_t *def)
{
	json_t *out = json_array();
	size_t i, k;
	const json_t *s, *c;
	json_array_foreach(json_object_get(def, "stages"), i, s) {
		json_array_foreach(json_object_get(s, "start_clocks"), k, c)
			collect_clock(out, c);
		json_array_foreach(json_object_get(s, "meet_clocks"), k, c)
			collect_clock(out, c);
	}
	json_array_foreach(json_object_get(def, "endings"), i, s)
		json_array_foreach(json_object_get(s, "meet_clocks"), k, c)
			collect_clock(out, c);
	json_array_foreach(json_object_get(def, "suspensions"), i, s)
		json_array_foreach(json_object_get(s, "clocks"), k, c)
			collect_clock(out, c);
	json_array_foreach(json_object_get(def, "extensions"), i, s)
		collect_clock(out, json_object_get(s, "clock"));
	return out;
}

int procedure_validate_db(struct db *db, const json_t *def, struct errs *all)
{
	int rc = procedure_validate(def, all);
	if (!json_is_object(def))
		return rc;
	json_t *clocks = definition_clocks(def);
	size_t i;
	const json_t *c;
	json_array_foreach(clocks, i, c) {
		const char *code = json_string_value(c);
		if (!code_ok(code, 63) || procedure_clock_pending(code))
			continue;
		long long n = db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadline_rules WHERE event_code = ?",
					    (const struct db_val[]){ DB_TEXT(code), DB_END });
		if (n < 0) {
			errs_add(all, ERR_INTERNAL, "", "数据库错误，请稍后重试");
			rc = -1;
		} else if (n == 0) {
			errs_add(all, ERR_INVALID, "clocks", "计时「%s」在期限规则中不存在", code);
			rc = -1;
		}
	}
	json_decref(clocks);
	return rc;
}

/* ---- accessors ---- */

const json_t *procedure_stage(const json_t *def, const char *code)
{
	return stage_by_code(json_object_get(def, "stages"), code);
}

const json_t *procedure_ending(const json_t *def, const char *code)
{
	size_t i;
	const json_t *x;
	if (!code)
		return NULL;
	json_array_foreach(json_object_get(def, "endings"), i, x)
		if (str_eq(jstr(x, "code"), code))
			return x;
	return NULL;
}

const char *procedure_stage_name(const json_t *def, const char *code)
{
	const json_t *s = procedure_stage(def, code);
	if (!s)
		s = procedure_ending(def, code);
	const char *n = s ? jstr(s, "name") : NULL;
	return n ? n : "";
}

const json_t *procedure_transition(const json_t *def, const char *from, const char *to)
{
	size_t i;
	const json_t *t;
	if (!from || !to)
		return NULL;
	json_array_foreach(json_object_get(def, "transitions"), i, t)
		if (str_eq(jstr(t, "from"), from) && str_eq(jstr(t, "to"), to))
			return procedure_stage(def, to) ? t : NULL;
	return NULL;
}

bool procedure_transition_ok(const json_t *def, const char *from, const char *to)
{
	return procedure_transition(def, from, to) != NULL;
}

json_t *procedure_clocks(const json_t *def)
{
	return definition_clocks(def);
}

json_t *procedure_next_stages(const json_t *def, const char *from)
{
	json_t *out = json_array();
	size_t i;
	const json_t *t;
	json_array_foreach(json_object_get(def, "transitions"), i, t)
		if (str_eq(jstr(t, "from"), from) && jstr(t, "to"))
			json_array_append_new(out, json_string(jstr(t, "to")));
	return out;
}

bool procedure_is_final(const json_t *def, const char *stage)
{
	return in_string_array(json_object_get(def, "final"), stage);
}

bool procedure_ending_allowed(const json_t *def, const char *ending, const char *stage)
{
	const json_t *en = procedure_ending(def, ending);
	if (!en || !procedure_stage(def, stage))
		return false;
	const json_t *from = json_object_get(en, "from");
	if (from)
		return in_string_array(from, stage);
	return !procedure_is_final(def, stage);
}

const json_t *procedure_suspension(const json_t *def, const char *code)
{
	size_t i;
	const json_t *x;
	if (!code)
		return NULL;
	json_array_foreach(json_object_get(def, "suspensions"), i, x)
		if (str_eq(jstr(x, "code"), code))
			return x;
	return NULL;
}

const json_t *procedure_extension(const json_t *def, const char *clock)
{
	size_t i;
	const json_t *x;
	if (!clock)
		return NULL;
	json_array_foreach(json_object_get(def, "extensions"), i, x)
		if (str_eq(jstr(x, "clock"), clock))
			return x;
	return NULL;
}

int procedure_min_officers(const json_t *def)
{
	const json_t *mo = json_object_get(def, "min_officers");
	if (!json_is_integer(mo))
		return 2;
	json_int_t n = json_integer_value(mo);
	return n < 1 ? 1 : n > 10 ? 10 : (int)n;
}

/* ---- canonical form ---- */

char *procedure_canonical(const json_t *def)
{
	char *s = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		BUG("json_dumps failed");
	return s;
}

void procedure_sha256(const char *canonical, char out[65])
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, canonical, strlen(canonical));
	hash2_final(&h, &hr);
	memcpy(out, hr.sha256_hex, 65);
}
