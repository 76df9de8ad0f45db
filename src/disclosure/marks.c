/*
 * marks.c - redaction of a publication's draft (publicity/redact.h): the
 * engine's marks on every free-text field marked "redact" in the rules and
 * on the full decision text, the marks staff add or remove (kept in
 * publication_marks with reason, who and when; taken back by a 'revoke'
 * row), the preview (original and redacted side by side) and the exact
 * content publishing stores.  The original record is never changed: the
 * draft is a copy and the marks are offsets into it.
 */
#include "core/core.h"
#include "disclosure/disclosure_int.h"
#include "publicity/redact.h"
#include "actor/audit.h"
#include "review/decision.h"

static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* The staff marks of version of p still standing: {target: {add: [...], remove: [...]}} rows as JSON list. */
static int staff_marks(struct db *db, const struct pub *p, int version, json_t **out, struct err *e)
{
	*out = json_array();
	struct db_res *r;
	if (db_query(db, &r, "SELECT m.id, m.target, m.op, m.start_at, m.end_at, m.reason, u.name, m.at, m.span_sha256, m.version"
			     " FROM publication_marks m"
			     " JOIN users u ON u.id = m.by_user WHERE m.publication_id = ? AND m.version <= ? AND m.op <> 'revoke'"
			     " AND NOT EXISTS (SELECT 1 FROM publication_marks x WHERE x.revokes = m.id) ORDER BY m.id",
		     DB_INT(p->id), DB_INT(version)) < 0) {
		json_decref(*out);
		*out = NULL;
		return dsc_db_fail(db, e);
	}
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(*out, json_pack("{s:I,s:s,s:s,s:I,s:I,s:s,s:s,s:s,s:s,s:i}", "id",
						      (json_int_t)db_int(r, i, 0), "target", db_text(r, i, 1), "op",
						      db_text(r, i, 2), "start", (json_int_t)db_int(r, i, 3), "end",
						      (json_int_t)db_int(r, i, 4), "reason", db_text(r, i, 5), "by",
						      db_text(r, i, 6), "at", db_text(r, i, 7), "span_sha256",
						      db_text(r, i, 8), "version", (int)db_int(r, i, 9)));
	db_res_free(r);
	return 0;
}

/* Whether staff mark m still covers the bytes it was set on in text. */
static bool mark_fits(const json_t *m, const char *text)
{
	size_t len = strlen(text);
	json_int_t st = json_integer_value(json_object_get(m, "start")), en = json_integer_value(json_object_get(m, "end"));
	if (st < 0 || en <= st || (size_t)en > len)
		return false;
	char h[65];
	dsc_sha256_hex(text + st, (size_t)(en - st), h);
	return str_eq(h, js(m, "span_sha256"));
}

/* Redact text under the draft's party and persons and the staff marks of
 * target; marks (may be NULL) gets the marks as JSON. */
static int redact_one(const json_t *draft, const char *target, const char *text, const json_t *staff,
		      struct buf *out, json_t **marks, struct err *e)
{
	struct redact_opts o = { 0 };
	if (redact_party_parse(js(draft, "party_kind"), &o.party_kind) < 0)
		o.party_kind = REDACT_PARTY_UNKNOWN;
	o.party = js(draft, "party");
	const json_t *persons = json_object_get(draft, "persons");
	size_t np = json_array_size(persons), na = 0, nr = 0;
	struct redact_person *pv = xcalloc(np + 1, sizeof *pv);
	struct redact_span *add = xcalloc(json_array_size(staff) + 1, sizeof *add);
	struct redact_span *rem = xcalloc(json_array_size(staff) + 1, sizeof *rem);
	for (size_t i = 0; i < np; i++) {
		const json_t *x = json_array_get(persons, i);
		pv[i] = (struct redact_person){ js(x, "name"), json_is_true(json_object_get(x, "officer")), NULL };
	}
	o.persons = pv;
	o.npersons = np;
	size_t i;
	const json_t *m;
	json_array_foreach(staff, i, m) {
		if (!str_eq(js(m, "target"), target) || !mark_fits(m, text))
			continue; /* another target's, or stale (dsc_render counts those) */
		struct redact_span s = { (size_t)json_integer_value(json_object_get(m, "start")),
					 (size_t)json_integer_value(json_object_get(m, "end")), js(m, "reason") };
		if (str_eq(js(m, "op"), "add"))
			add[na++] = s;
		else
			rem[nr++] = s;
	}
	o.add = add;
	o.nadd = na;
	o.remove = rem;
	o.nremove = nr;
	struct redact_marks rm = REDACT_MARKS_INIT;
	int rc = redact_detect(text, strlen(text), &o, &rm, e);
	if (rc == 0) {
		redact_apply(text, strlen(text), &rm, out);
		if (marks) {
			*marks = json_array();
			for (size_t k = 0; k < rm.n; k++)
				json_array_append_new(*marks, json_pack("{s:I,s:I,s:s,s:s,s:s,s:b}", "start", (json_int_t)rm.v[k].start,
									"end", (json_int_t)rm.v[k].end, "kind",
									redact_kind_code(rm.v[k].kind), "kind_label",
									redact_kind_label(rm.v[k].kind), "reason",
									rm.v[k].reason, "staff", rm.v[k].kind == REDACT_MANUAL));
		}
	}
	redact_marks_release(&rm);
	free(pv);
	free(add);
	free(rem);
	return rc;
}

int dsc_render(struct db *db, const struct pub *p, char **content, char sha[65], json_t **preview, int *stale_out,
	       struct err *e)
{
	if (stale_out)
		*stale_out = 0;
	if (content)
		*content = NULL;
	if (preview)
		*preview = NULL;
	int version = p->current_version + 1;
	json_t *staff = NULL;
	if (staff_marks(db, p, version, &staff, e) < 0)
		return -1;
	const json_t *draft = p->draft;
	const json_t *df = json_object_get(draft, "fields");
	json_t *fields = json_object(), *targets = json_array();
	int rc = 0;
	size_t i;
	const json_t *f;
	json_array_foreach(dsc_rules_fields(p->kind), i, f) {
		const char *key = js(f, "key"), *orig = js(df, key);
		if (!json_is_true(json_object_get(f, "redact"))) {
			json_object_set_new(fields, key, json_string(orig));
			continue;
		}
		struct buf red;
		buf_init(&red, 0);
		json_t *marks = NULL;
		struct err re = ERR_INIT;
		if (redact_one(draft, key, orig, staff, &red, &marks, &re) < 0) {
			/* a stored staff mark no longer fits (cannot happen: the draft
			 * of a version does not change under its marks) */
			buf_release(&red);
			rc = err_set(e, ERR_CONFLICT, key, "字段「%s」的隐去标注无效：%s", js(f, "name"), re.msg);
			break;
		}
		json_object_set_new(fields, key, json_string(buf_str(&red)));
		json_array_append_new(targets, json_pack("{s:s,s:s,s:s,s:s,s:o}", "target", key, "name", js(f, "name"),
							 "original", orig, "redacted", buf_str(&red), "marks", marks));
		buf_release(&red);
	}
	struct buf text;
	buf_init(&text, 0);
	if (rc == 0) {
		json_t *marks = NULL;
		struct err re = ERR_INIT;
		if (redact_one(draft, "text", js(draft, "text"), staff, &text, &marks, &re) < 0) {
			rc = err_set(e, ERR_CONFLICT, "text", "决定书全文的隐去标注无效：%s", re.msg);
		} else {
			json_array_append_new(targets, json_pack("{s:s,s:s,s:s,s:s,s:o}", "target", "text", "name",
								 "决定书全文", "original", js(draft, "text"), "redacted",
								 buf_str(&text), "marks", marks));
		}
	}
	/* staff marks whose bytes a correction changed: listed, and they block publishing */
	json_t *stale = json_array();
	const json_t *sm;
	json_array_foreach(staff, i, sm) {
		const char *tg = js(sm, "target");
		const char *tx = str_eq(tg, "text") ? js(draft, "text") : js(df, tg);
		if (!mark_fits(sm, tx))
			json_array_append(stale, (json_t *)sm);
	}
	if (rc == 0 && stale_out)
		*stale_out = (int)json_array_size(stale);
	if (rc == 0) {
		json_t *item = json_pack("{s:s,s:O,s:s}", "kind", p->kind, "fields", fields, "text",
					 p->include_text ? buf_str(&text) : "");
		char *c = json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(item);
		char h[65];
		dsc_sha256_hex(c, strlen(c), h);
		if (sha)
			memcpy(sha, h, 65);
		if (preview) {
			*preview = json_pack("{s:i,s:s,s:s,s:s,s:O,s:O,s:O,s:b}", "version", version, "kind", p->kind, "content",
					     c, "sha256", h, "targets", targets, "staff_marks", staff, "stale_marks", stale,
					     "include_text", p->include_text);
		}
		if (content)
			*content = c;
		else
			free(c);
	}
	buf_release(&text);
	json_decref(stale);
	json_decref(fields);
	json_decref(targets);
	json_decref(staff);
	return rc;
}

int disclosure_preview(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct pub p;
	if (dsc_load_for(db, a, id, &p, e) < 0)
		return -1;
	int rc = dsc_render(db, &p, NULL, NULL, out, NULL, e);
	if (rc == 0) {
		char today[11], msg[300] = "";
		time_today_shanghai(today);
		bool allowed = review_publication_allowed(db, p.case_id, msg, sizeof msg);
		json_object_set_new(*out, "overdue", json_boolean(strcmp(today, p.due_on) > 0));
		json_object_set_new(*out, "due_on", json_string(p.due_on));
		json_object_set_new(*out, "allowed", json_boolean(allowed));
		json_object_set_new(*out, "allowed_reason", json_string(msg));
		json_object_set_new(*out, "state", json_string(p.state));
	}
	dsc_release(&p);
	return rc;
}

/* A redacted target of kind (a field marked "redact", or "text"): its original. */
static const char *target_text(const struct pub *p, const char *target, const char **name)
{
	if (str_eq(target, "text")) {
		*name = "决定书全文";
		return js(p->draft, "text");
	}
	size_t i;
	const json_t *f;
	json_array_foreach(dsc_rules_fields(p->kind), i, f)
		if (str_eq(js(f, "key"), target) && json_is_true(json_object_get(f, "redact"))) {
			*name = js(f, "name");
			return js(json_object_get(p->draft, "fields"), target);
		}
	return NULL;
}

int disclosure_mark(struct db *db, const struct actor *a, long long id, int row_version,
		    const struct disclosure_mark_input *in, long long *mark_id, struct err *e)
{
	const char *reason = in->reason ? in->reason : "";
	/* checks that need no database first */
	if (!str_eq(in->op, "add") && !str_eq(in->op, "remove") && !str_eq(in->op, "revoke"))
		return err_set(e, ERR_INVALID, "op", "标注操作应为添加隐去、取消自动隐去或撤回标注");
	if (str_empty(reason) || !utf8_valid(reason, strlen(reason)) || strlen(reason) > 500)
		return err_set(e, ERR_INVALID, "reason", "请填写标注理由（不超过500字节）");
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	if (!dsc_can_write(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有本案执法人员或承办机构负责人可以标注");
	else if (!str_eq(p.state, "draft") && !str_eq(p.state, "published"))
		rc = err_set(e, ERR_CONFLICT, "state", "该公示已%s，不能再标注", disclosure_state_label(p.state));
	int version = p.current_version + 1;
	const char *tname = "";
	const char *orig = NULL;
	if (rc == 0 && !str_eq(in->op, "revoke")) {
		orig = target_text(&p, in->target, &tname);
		if (!orig)
			rc = err_set(e, ERR_INVALID, "target", "标注的对象应为须隐去处理的公示字段或决定书全文");
	}
	if (rc == 0 && str_eq(in->op, "revoke")) {
		long long n = db_scalar_int(db, -1,
					    "SELECT COUNT(*) FROM publication_marks m WHERE m.id = ? AND m.publication_id = ?"
					    " AND m.version <= ? AND m.op <> 'revoke' AND NOT EXISTS (SELECT 1 FROM publication_marks x"
					    " WHERE x.revokes = m.id)",
					    (const struct db_val[]){ DB_INT(in->revokes), DB_INT(p.id), DB_INT(version), DB_END });
		if (n < 0)
			rc = dsc_db_fail(db, e);
		else if (n == 0)
			rc = err_set(e, ERR_INVALID, "revokes", "要撤回的标注不存在或已撤回");
	}
	if (rc == 0 && orig) {
		/* the span must be within the text and on character boundaries:
		 * the engine says so (and names the span) */
		struct redact_span s = { (size_t)(in->start < 0 ? 0 : in->start), (size_t)(in->end < 0 ? 0 : in->end), reason };
		struct redact_opts o = { 0 };
		if (str_eq(in->op, "add"))
			o.add = &s, o.nadd = 1;
		else
			o.remove = &s, o.nremove = 1;
		struct redact_marks rm = REDACT_MARKS_INIT;
		struct err re = ERR_INIT;
		if (in->start < 0 || in->end <= in->start || redact_detect(orig, strlen(orig), &o, &rm, &re) < 0)
			rc = err_set(e, ERR_INVALID, "start", "标注的位置不在「%s」的文字范围内或不在字符边界上", tname);
		redact_marks_release(&rm);
	}
	long long mid = 0;
	char span_h[65] = "";
	if (rc == 0 && orig)
		dsc_sha256_hex(orig + in->start, (size_t)(in->end - in->start), span_h);
	if (rc == 0) {
		char now[21];
		time_now_utc(now);
		struct db_res *r = NULL;
		if (db_query(db, &r, "INSERT INTO publication_marks(publication_id, version, target, op, start_at, end_at, revokes,"
				     " reason, by_user, at, span_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			     DB_INT(p.id), DB_INT(version), DB_TEXT(str_eq(in->op, "revoke") ? "" : in->target), DB_TEXT(in->op),
			     DB_INT(str_eq(in->op, "revoke") ? 0 : in->start), DB_INT(str_eq(in->op, "revoke") ? 0 : in->end),
			     str_eq(in->op, "revoke") ? DB_INT(in->revokes) : DB_NULL, DB_TEXT(reason), DB_INT(a->user_id),
			     DB_TEXT(now), DB_TEXT(span_h)) < 0 ||
		    r->nrows != 1)
			rc = dsc_db_fail(db, e);
		else
			mid = db_int(r, 0, 0);
		db_res_free(r);
	}
	if (rc == 0)
		rc = dsc_event(db, a, &p, "marked", version, reason,
			       json_pack("{s:I,s:s,s:s,s:I,s:I}", "mark_id", (json_int_t)mid, "op", in->op, "target",
					 in->target ? in->target : "", "start", (json_int_t)in->start, "end", (json_int_t)in->end),
			       NULL, NULL, NULL, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	else if (mark_id)
		*mark_id = mid;
	dsc_release(&p);
	return rc;
}

int disclosure_set_text(struct db *db, const struct actor *a, long long id, int row_version, bool include,
			struct err *e)
{
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	if (!dsc_can_write(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有本案执法人员或承办机构负责人可以修改公示草稿");
	else if (!str_eq(p.state, "draft") && !str_eq(p.state, "published"))
		rc = err_set(e, ERR_CONFLICT, "state", "该公示已%s，不能修改", disclosure_state_label(p.state));
	if (rc == 0 && db_exec(db, "UPDATE publications SET include_text = ? WHERE id = ?", DB_INT(include ? 1 : 0),
			       DB_INT(p.id)) < 0)
		rc = dsc_db_fail(db, e);
	if (rc == 0)
		rc = dsc_event(db, a, &p, "marked", p.current_version + 1, include ? "公开决定书全文（隐去处理后）" : "不公开决定书全文",
			       json_pack("{s:b}", "include_text", include), NULL, NULL, NULL, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(&p);
	return rc;
}
