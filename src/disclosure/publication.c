/*
 * publication.c - publications: the draft made when a decision is
 * finalised (with its clock), reading, and publishing by the head of the
 * owning unit (docs/disclosure.md).
 */
#include "core/core.h"
#include "core/hash.h"
#include "core/dict.h"
#include "disclosure/disclosure_int.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "calendar/deadline.h"
#include "cases/cases.h"
#include "ledger/ledger.h"
#include "records/decision.h"
#include "review/decision.h"
#include "store/stamp.h"

static disclosure_change_fn listeners[4];
static size_t n_listeners;

int disclosure_on_change(disclosure_change_fn fn)
{
	for (size_t i = 0; i < n_listeners; i++)
		if (listeners[i] == fn)
			return 0;
	if (n_listeners == ARRAY_SIZE(listeners))
		return -1;
	listeners[n_listeners++] = fn;
	return 0;
}

int dsc_changed(struct db *db, long long id, struct err *e)
{
	for (size_t i = 0; i < n_listeners; i++)
		if (listeners[i](db, id, e) < 0)
			return -1;
	if (state_stamp_bump(db, "portal") < 0)
		return dsc_db_fail(db, e);
	return 0;
}

int dsc_db_fail(struct db *db, struct err *e)
{
	log_warn("disclosure: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库错误，请稍后重试");
}

void dsc_sha256_hex(const char *s, size_t n, char out[65])
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, s, n);
	hash2_final(&h, &hr);
	memcpy(out, hr.sha256_hex, 65);
}

void dsc_release(struct pub *p)
{
	json_decref(p->draft);
	p->draft = NULL;
}

static const char *cell(const struct db_res *r, int c)
{
	const char *s = db_cell(r, 0, c);
	return s ? s : "";
}

int dsc_load(struct db *db, long long id, struct pub *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, case_id, document_id, body_unit_id, unit_id, deadline_id, draft_document_id, kind,"
			     " state, decision_no, decision_date, due_on, period_ends_on, published_at, current_version,"
			     " row_version, include_text, draft FROM publications WHERE id = ?",
		     DB_INT(id)) < 0)
		return dsc_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "公示不存在或无权查看");
	}
	p->id = db_int(r, 0, 0);
	p->case_id = db_int(r, 0, 1);
	p->document_id = db_int(r, 0, 2);
	p->body_unit_id = db_int(r, 0, 3);
	p->unit_id = db_int(r, 0, 4);
	p->deadline_id = db_int(r, 0, 5);
	p->draft_document_id = db_int(r, 0, 6);
	snprintf(p->kind, sizeof p->kind, "%s", cell(r, 7));
	snprintf(p->state, sizeof p->state, "%s", cell(r, 8));
	snprintf(p->decision_no, sizeof p->decision_no, "%s", cell(r, 9));
	snprintf(p->decision_date, sizeof p->decision_date, "%s", cell(r, 10));
	snprintf(p->due_on, sizeof p->due_on, "%s", cell(r, 11));
	snprintf(p->period_ends_on, sizeof p->period_ends_on, "%s", cell(r, 12));
	snprintf(p->published_at, sizeof p->published_at, "%s", cell(r, 13));
	p->current_version = (int)db_int(r, 0, 14);
	p->row_version = (int)db_int(r, 0, 15);
	p->include_text = db_int(r, 0, 16) != 0;
	p->draft = json_loads(cell(r, 17), 0, NULL);
	if (!p->draft)
		p->draft = json_object();
	db_res_free(r);
	return 0;
}

bool dsc_can_read(struct db *db, const struct actor *a, long long unit_id)
{
	if (!actor_logged_in(a))
		return false;
	if (actor_has(a, ROLE_SUPERVISOR) || actor_has(a, ROLE_ADMIN))
		return true;
	return actor_unit_in_scope(db, a, unit_id);
}

int dsc_load_for(struct db *db, const struct actor *a, long long id, struct pub *p, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (dsc_load(db, id, p, e) < 0)
		return -1;
	if (!dsc_can_read(db, a, p->unit_id)) {
		dsc_release(p);
		return err_set(e, ERR_NOTFOUND, "id", "公示不存在或无权查看");
	}
	return 0;
}

bool dsc_is_head(struct db *db, const struct actor *a, const struct pub *p)
{
	/* the head of the 承办机构 or of the unit above it (a 局 over its 科):
	 * not a head elsewhere, whatever their scope */
	return actor_logged_in(a) && actor_has(a, ROLE_HEAD) && a->unit_id > 0 && actor_unit_below(db, p->unit_id, a->unit_id);
}

bool dsc_can_write(struct db *db, const struct actor *a, const struct pub *p)
{
	if (dsc_is_head(db, a, p))
		return true;
	struct case_brief cb;
	struct err e = ERR_INIT;
	return case_brief_get(db, a, p->case_id, true, &cb, &e) == 0;
}

int dsc_touch(struct db *db, const struct pub *p, int expected, struct err *e)
{
	char now[21];
	time_now_utc(now);
	struct db_res *r;
	if (db_query(db, &r, "UPDATE publications SET row_version = row_version + 1, updated_at = ? WHERE id = ?"
			     " AND row_version = ? RETURNING row_version",
		     DB_TEXT(now), DB_INT(p->id), DB_INT(expected)) < 0)
		return dsc_db_fail(db, e);
	int n = r->nrows;
	db_res_free(r);
	if (n != 1)
		return err_set(e, ERR_CONFLICT, "row_version", "公示已被他人修改，请刷新后重试");
	return 0;
}

int dsc_begin(struct db *db, const struct actor *a, long long id, int row_version, struct pub *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (db_begin(db) < 0)
		return dsc_db_fail(db, e);
	/* lock the row first (the same act by two heads waits), then load */
	if (db_exec(db, "UPDATE publications SET row_version = row_version WHERE id = ?", DB_INT(id)) < 0 ||
	    dsc_load_for(db, a, id, p, e) < 0) {
		if (e->kind == 0)
			dsc_db_fail(db, e);
		db_rollback(db);
		return -1;
	}
	if (p->row_version != row_version) {
		dsc_release(p);
		db_rollback(db);
		return err_set(e, ERR_CONFLICT, "row_version", "公示已被他人修改，请刷新后重试");
	}
	return 0;
}

int dsc_event(struct db *db, const struct actor *a, const struct pub *p, const char *type, int version,
	      const char *reason, json_t *detail, const char *leaf_type, json_t *leaf, long long *leaf_index,
	      struct err *e)
{
	char now[21], today[11];
	time_now_utc(now);
	time_today_shanghai(today);
	if (!detail)
		detail = json_object();
	char *dj = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	long long idx = -1;
	int rc = 0;
	if (leaf_type) {
		rc = ledger_append(db, leaf_type, leaf, &idx, e);
		json_decref(leaf);
	}
	long long uid = a ? a->user_id : 0;
	if (rc == 0 &&
	    db_exec(db, "INSERT INTO publication_events(publication_id, type, version, reason, detail, by_user, at, on_date,"
			" leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_INT(p->id), DB_TEXT(type), version > 0 ? DB_INT(version) : DB_NULL, DB_TEXT(reason ? reason : ""),
		    DB_TEXT(dj), uid > 0 ? DB_INT(uid) : DB_NULL, DB_TEXT(now), DB_TEXT(today),
		    leaf_type ? DB_INT(idx) : DB_NULL) < 0)
		rc = dsc_db_fail(db, e);
	free(dj);
	if (rc == 0) {
		char ids[24], action[48], what[300];
		snprintf(ids, sizeof ids, "%lld", p->id);
		snprintf(action, sizeof action, "publication.%s", type);
		snprintf(what, sizeof what, "%s %s%s%s", dict_label("publication_event", type), p->decision_no,
			 reason && reason[0] ? "：" : "", reason ? reason : "");
		if (audit_log(db, a, action, "publication", ids, "ok", what) < 0)
			rc = dsc_db_fail(db, e);
	}
	if (rc == 0 && leaf_index)
		*leaf_index = idx;
	return rc;
}

/* ---- the draft on finalising ---- */

/* The publication a correction document belongs to: the one whose first,
 * drafted or published document is corrects_id.  0 when none. */
static long long dsc_of_document(struct db *db, long long doc_id)
{
	return db_scalar_int(db, 0,
			     "SELECT MIN(id) FROM publications WHERE document_id = ? OR draft_document_id = ? OR id IN"
			     " (SELECT publication_id FROM publication_versions WHERE document_id = ?)",
			     (const struct db_val[]){ DB_INT(doc_id), DB_INT(doc_id), DB_INT(doc_id), DB_END });
}

int disclosure_on_finalised(struct db *db, const struct actor *a, const struct records_finalised *f, struct err *e)
{
	const json_t *pb = json_object_get(f->def, "publish");
	long long existing = f->corrects_id > 0 ? dsc_of_document(db, f->corrects_id) : 0;
	if (existing < 0)
		return dsc_db_fail(db, e);
	if (!pb && existing == 0)
		return 0; /* not a published decision */
	char date[11];
	dsc_decision_date(f->fields, f->finalised_at, date);
	char now[21];
	time_now_utc(now);
	if (existing > 0) {
		/* a correction: the draft of the publication's next version */
		struct pub p;
		if (dsc_load(db, existing, &p, e) < 0)
			return -1;
		json_t *draft = NULL;
		int rc = dsc_build_draft(db, f->case_id, p.kind, f->type_code, f->def, f->fields, f->number, date, &draft, e);
		char *dj = rc == 0 ? json_dumps(draft, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (rc == 0 && db_exec(db, "UPDATE publications SET draft = ?, draft_document_id = ?, row_version = row_version + 1,"
					   " updated_at = ? WHERE id = ?",
				       DB_TEXT(dj), DB_INT(f->doc_id), DB_TEXT(now), DB_INT(p.id)) < 0)
			rc = dsc_db_fail(db, e);
		if (rc == 0)
			rc = dsc_event(db, a, &p, "drafted", p.current_version + 1, "更正文书定稿",
				       json_pack("{s:I,s:I}", "document_id", (json_int_t)f->doc_id, "corrects_id",
						 (json_int_t)f->corrects_id),
				       NULL, NULL, NULL, e);
		free(dj);
		json_decref(draft);
		dsc_release(&p);
		return rc;
	}
	const char *kind = json_string_value(json_object_get(pb, "kind"));
	const char *rule = json_string_value(json_object_get(pb, "rule"));
	struct case_brief cb;
	if (case_brief_get(db, NULL, f->case_id, false, &cb, e) < 0)
		return -1;
	json_t *draft = NULL;
	if (dsc_build_draft(db, f->case_id, kind, f->type_code, f->def, f->fields, f->number, date, &draft, e) < 0)
		return -1;
	char *dj = json_dumps(draft, JSON_COMPACT | JSON_SORT_KEYS);
	const char *party = json_string_value(json_object_get(draft, "party"));
	const char *category = json_string_value(json_object_get(draft, "category"));
	const char *title = json_string_value(json_object_get(draft, "title"));
	struct db_res *r = NULL;
	int rc = 0;
	if (db_query(db, &r, "INSERT INTO publications(case_id, document_id, kind, body_unit_id, unit_id, decision_no,"
			     " decision_date, due_on, state, party_name, category, title, updated_at, draft, draft_document_id)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_INT(f->case_id), DB_INT(f->doc_id), DB_TEXT(kind), DB_INT(cb.body_unit_id), DB_INT(cb.unit_id),
		     DB_TEXT(f->number ? f->number : ""), DB_TEXT(date), DB_TEXT(date), DB_TEXT(party ? party : ""),
		     DB_TEXT(category ? category : ""), DB_TEXT(title ? title : ""), DB_TEXT(now), DB_TEXT(dj),
		     DB_INT(f->doc_id)) < 0 ||
	    r->nrows != 1)
		rc = dsc_db_fail(db, e);
	long long id = rc == 0 ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	free(dj);
	json_decref(draft);
	/* the clock: from the decision date, by the type's rule (7 or 20 working days) */
	long long did = 0;
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", id);
	if (rc == 0 && deadline_start(db, rule, cb.unit_id, 0, "publication", oid, date, &did, e) < 0)
		rc = -1;
	if (rc == 0 && db_exec(db, "UPDATE publications SET deadline_id = ?, due_on = (SELECT due_on FROM deadlines WHERE id = ?)"
				   " WHERE id = ?",
			       DB_INT(did), DB_INT(did), DB_INT(id)) < 0)
		rc = dsc_db_fail(db, e);
	struct pub p;
	if (rc == 0 && dsc_load(db, id, &p, e) == 0) {
		rc = dsc_event(db, a, &p, "drafted", 1, "",
			       json_pack("{s:I,s:s,s:s}", "document_id", (json_int_t)f->doc_id, "rule", rule, "due_on", p.due_on),
			       NULL, NULL, NULL, e);
		dsc_release(&p);
	} else if (rc == 0) {
		rc = -1;
	}
	return rc;
}

/* ---- publishing ---- */

/* Publish the next version of p (state draft: the first; published: a
 * correction with note).  In the caller's transaction. */
static int publish_version(struct db *db, const struct actor *a, struct pub *p, const char *preview_sha256,
			   const char *note, bool overdue_ack, struct err *e)
{
	char msg[300] = "";
	if (!review_publication_allowed(db, p->case_id, msg, sizeof msg))
		return err_set(e, ERR_CONFLICT, "review", "重大执法决定未通过法制审核，不得公示：%s", msg);
	/* a minor's identity is not published (未成年人保护法 第四条第（三）项,
	 * 第一百零三条): the
	 * exclusion is decided first */
	size_t wi;
	const json_t *w;
	json_array_foreach(json_object_get(p->draft, "warnings"), wi, w)
		if (str_eq(json_string_value(json_object_get(w, "exclusion")), "minor"))
			return err_set(e, ERR_CONFLICT, "exclusion",
				       "当事人在决定之日未满十八周岁，不得公开其身份信息，请申请不予公开（《中华人民共和国未成年人保护法》第四条第（三）项、第一百零三条）");
	char *content = NULL, sha[65];
	int stale = 0;
	if (dsc_render(db, p, &content, sha, NULL, &stale, e) < 0)
		return -1;
	int rc = 0;
	if (stale > 0)
		rc = err_set(e, ERR_CONFLICT, "marks", "有 %d 处工作人员的隐去标注因文书更正已失效，请重新标注或撤回后再发布", stale);
	else if (str_empty(preview_sha256) || !str_eq(preview_sha256, sha))
		rc = err_set(e, ERR_CONFLICT, "preview_sha256", "公示内容与预览不一致（或未预览），请重新预览后再发布");
	char today[11], now[21];
	time_today_shanghai(today);
	time_now_utc(now);
	bool first = p->current_version == 0;
	bool overdue = first && strcmp(today, p->due_on) > 0;
	if (rc == 0 && overdue && !overdue_ack)
		rc = err_set(e, ERR_INVALID, "overdue", "已超过公示期限（%s），须标注逾期后发布", p->due_on);
	int version = p->current_version + 1;
	long long idx = -1;
	/* the leaf names the exact bytes published */
	if (rc == 0) {
		json_t *leaf;
		if (first) {
			leaf = json_pack("{s:I,s:i,s:s,s:I}", "publication_id", (json_int_t)p->id, "version", version, "sha256",
					 sha, "actor", (json_int_t)a->user_id);
		} else {
			char prev[65] = "", nh[65];
			struct db_res *r;
			if (db_query(db, &r, "SELECT sha256 FROM publication_versions WHERE publication_id = ? AND version = ?",
				     DB_INT(p->id), DB_INT(p->current_version)) == 0) {
				if (r->nrows)
					snprintf(prev, sizeof prev, "%s", db_text(r, 0, 0));
				db_res_free(r);
			}
			if (str_eq(prev, sha)) {
				free(content);
				return err_set(e, ERR_CONFLICT, "preview_sha256", "更正后的内容与已公示的第%d版相同，无需更正",
					       p->current_version);
			}
			dsc_sha256_hex(note, strlen(note), nh);
			leaf = json_pack("{s:I,s:i,s:s,s:s,s:s,s:I}", "publication_id", (json_int_t)p->id, "version", version,
					 "sha256", sha, "previous_sha256", prev, "note_sha256", nh, "actor", (json_int_t)a->user_id);
		}
		rc = dsc_event(db, a, p, first ? "published" : "corrected", version, first ? "" : note,
			       json_pack("{s:s,s:b,s:s}", "sha256", sha, "overdue", overdue, "due_on", p->due_on),
			       first ? "publication.published" : "publication.corrected", leaf, &idx, e);
	}
	long long doc = p->draft_document_id ? p->draft_document_id : p->document_id;
	if (rc == 0 && db_exec(db, "INSERT INTO publication_versions(publication_id, version, content, sha256, note, published_by,"
				   " published_at, leaf_index, document_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       DB_INT(p->id), DB_INT(version), DB_TEXT(content), DB_TEXT(sha), DB_TEXT(first ? "" : note),
			       DB_INT(a->user_id), DB_TEXT(now), DB_INT(idx), DB_INT(doc)) < 0)
		rc = dsc_db_fail(db, e);
	if (rc == 0) {
		const json_t *d = p->draft;
		const char *period = json_string_value(json_object_get(d, "period_ends_on"));
		if (db_exec(db, "UPDATE publications SET state = 'published', current_version = ?, published_at = COALESCE(published_at, ?),"
				" period_ends_on = ?, party_name = ?, category = ?, title = ?,"
				" decision_no = ? WHERE id = ?",
			    DB_INT(version), DB_TEXT(now), DB_TEXTN(str_empty(period) ? NULL : period),
			    DB_TEXT(json_string_value(json_object_get(d, "party")) ? json_string_value(json_object_get(d, "party")) : ""),
			    DB_TEXT(json_string_value(json_object_get(d, "category")) ? json_string_value(json_object_get(d, "category")) : ""),
			    DB_TEXT(json_string_value(json_object_get(d, "title")) ? json_string_value(json_object_get(d, "title")) : ""),
			    DB_TEXT(p->decision_no), DB_INT(p->id)) < 0)
			rc = dsc_db_fail(db, e);
	}
	/* the clock is met on the day of the first publication */
	if (rc == 0 && first && p->deadline_id > 0) {
		long long met = db_scalar_int(db, -1, "SELECT COUNT(*) FROM deadlines WHERE id = ? AND state = 'met'",
					      (const struct db_val[]){ DB_INT(p->deadline_id), DB_END });
		if (met == 0 && deadline_meet(db, p->deadline_id, today, e) < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = dsc_changed(db, p->id, e);
	free(content);
	return rc;
}

int disclosure_publish(struct db *db, const struct actor *a, long long id, int row_version,
		       const char *preview_sha256, bool overdue_ack, struct err *e)
{
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	if (!dsc_is_head(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有承办机构负责人可以发布公示（谁执法谁公示）");
	else if (!str_eq(p.state, "draft"))
		rc = err_set(e, ERR_CONFLICT, "state", "该公示%s，不能再次发布；已公示的请发布更正", disclosure_state_label(p.state));
	if (rc == 0)
		rc = publish_version(db, a, &p, preview_sha256, "", overdue_ack, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(&p);
	return rc;
}

int disclosure_correct(struct db *db, const struct actor *a, long long id, int row_version,
		       const char *preview_sha256, const char *note, struct err *e)
{
	if (str_empty(note) || !utf8_valid(note, strlen(note)) || strlen(note) > 2000)
		return err_set(e, ERR_INVALID, "note", "请填写更正说明（不超过2000字节）");
	struct pub p;
	if (dsc_begin(db, a, id, row_version, &p, e) < 0)
		return -1;
	int rc = 0;
	if (!dsc_is_head(db, a, &p))
		rc = err_set(e, ERR_FORBIDDEN, "", "只有承办机构负责人可以发布更正（谁执法谁公示）");
	else if (!str_eq(p.state, "published"))
		rc = err_set(e, ERR_CONFLICT, "state", "只有已公示的决定可以更正（当前：%s）", disclosure_state_label(p.state));
	if (rc == 0)
		rc = publish_version(db, a, &p, preview_sha256, note, true, e);
	if (rc == 0)
		rc = dsc_touch(db, &p, row_version, e);
	if (rc == 0 && db_commit(db) < 0)
		rc = dsc_db_fail(db, e);
	if (rc < 0)
		db_rollback(db);
	dsc_release(&p);
	return rc;
}

/* ---- reading ---- */

/* "暂定：…" for a clock counted on years whose notice is not loaded (new). */
static json_t *provisional_note(const char *years)
{
	return json_sprintf("暂定：%s 年的节假日安排尚未公布，期限按法定节假日推算，公布后重新计算",
			    str_empty(years) ? "相关" : years);
}

static const char *clock_label(const char *s)
{
	return str_eq(s, "open")       ? "未到期"
	       : str_eq(s, "due_soon") ? "即将到期"
	       : str_eq(s, "overdue")  ? "已逾期"
	       : str_eq(s, "met")      ? "已按期办结"
				       : "";
}

/* Today's clock state of an unmet clock (due_soon within 2 days of due_on by the calendar is
 * what deadline_refresh keeps; overdue is decided here by the date, so a page is never behind). */
static const char *clock_state(const char *stored, const char *due_on, const char *today, const char *state)
{
	if (!str_eq(state, "draft"))
		return str_eq(stored, "met") ? "met" : stored;
	if (strcmp(today, due_on) > 0)
		return "overdue";
	return stored;
}

int disclosure_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e)
{
	*out = NULL;
	struct pub p;
	if (dsc_load_for(db, a, id, &p, e) < 0)
		return -1;
	struct db_res *r;
	if (db_query(db, &r, "SELECT p.party_name, p.category, p.title, p.withdrawn_on, p.withdrawn_reason, u.name,"
			     " COALESCE(d.state, ''), p.updated_at, COALESCE(d.provisional, 0), COALESCE(d.provisional_years, '')"
			     " FROM publications p JOIN units u ON u.id = p.unit_id"
			     " LEFT JOIN deadlines d ON d.id = p.deadline_id WHERE p.id = ?",
		     DB_INT(id)) < 0 || r->nrows != 1) {
		dsc_release(&p);
		return dsc_db_fail(db, e);
	}
	char today[11];
	time_today_shanghai(today);
	const char *cs = clock_state(cell(r, 6), p.due_on, today, p.state);
	json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:i,s:s,s:s,s:s,s:i,s:b}",
			      "id", (json_int_t)p.id, "case_id", (json_int_t)p.case_id, "document_id",
			      (json_int_t)p.document_id, "kind", p.kind, "kind_label", disclosure_kind_label(p.kind), "state",
			      p.state, "state_label", disclosure_state_label(p.state), "unit_id", (json_int_t)p.unit_id,
			      "unit_name", cell(r, 5), "body_unit_id", (json_int_t)p.body_unit_id, "decision_no",
			      p.decision_no, "decision_date", p.decision_date, "due_on", p.due_on, "clock_state", cs,
			      "clock_state_label", clock_label(cs), "overdue", str_eq(cs, "overdue"), "current_version",
			      p.current_version, "party_name", cell(r, 0), "category", cell(r, 1), "title", cell(r, 2),
			      "row_version", p.row_version, "include_text", p.include_text);
	json_object_set_new(o, "period_ends_on", p.period_ends_on[0] ? json_string(p.period_ends_on) : json_null());
	/* what the next version would set (the draft's period by the rules) */
	const char *dpe = json_string_value(json_object_get(p.draft, "period_ends_on"));
	json_object_set_new(o, "draft_period_ends_on", json_string(dpe ? dpe : ""));
	json_object_set_new(o, "withdrawn_on", db_cell(r, 0, 3) ? json_string(cell(r, 3)) : json_null());
	json_object_set_new(o, "withdrawn_reason", db_cell(r, 0, 4) ? json_string(cell(r, 4)) : json_null());
	json_object_set_new(o, "published_at", p.published_at[0] ? json_string(p.published_at) : json_null());
	json_object_set_new(o, "draft_document_id", json_integer(p.draft_document_id));
	/* a clock counted into a year whose holiday notice is not loaded (calendar.h) */
	bool prov = db_int(r, 0, 8) != 0;
	json_object_set_new(o, "due_provisional", json_boolean(prov));
	json_object_set_new(o, "due_provisional_note", prov ? provisional_note(cell(r, 9)) : json_string(""));
	const json_t *w = json_object_get(p.draft, "warnings");
	json_object_set_new(o, "warnings", w ? json_deep_copy(w) : json_array());
	db_res_free(r);
	json_t *versions = json_array(), *events = json_array();
	if (db_query(db, &r, "SELECT v.version, v.sha256, v.note, u.name, v.published_at, v.leaf_index, v.content"
			     " FROM publication_versions v JOIN users u ON u.id = v.published_by WHERE v.publication_id = ?"
			     " ORDER BY v.version",
		     DB_INT(id)) == 0) {
		for (int i = 0; i < r->nrows; i++) {
			char local[20];
			time_utc_to_shanghai(db_text(r, i, 4), local);
			json_array_append_new(versions, json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "version",
								  (int)db_int(r, i, 0), "sha256", db_text(r, i, 1), "note",
								  db_text(r, i, 2), "published_by", db_text(r, i, 3),
								  "published_at", db_text(r, i, 4), "published_at_local", local,
								  "leaf_index", (json_int_t)db_int(r, i, 5), "content",
								  db_text(r, i, 6)));
		}
		db_res_free(r);
	}
	json_t *pending = json_null();
	if (db_query(db, &r, "SELECT e.type, e.version, e.reason, e.detail, COALESCE(u.name, '系统'), e.at, e.on_date"
			     " FROM publication_events e LEFT JOIN users u ON u.id = e.by_user WHERE e.publication_id = ?"
			     " ORDER BY e.id",
		     DB_INT(id)) == 0) {
		for (int i = 0; i < r->nrows; i++) {
			json_t *detail = json_loads(db_text(r, i, 3), 0, NULL);
			const char *type = db_text(r, i, 0);
			char local[20];
			time_utc_to_shanghai(db_text(r, i, 5), local);
			json_array_append_new(events, json_pack("{s:s,s:s,s:i,s:s,s:o,s:s,s:s,s:s,s:s}", "type", type, "type_label",
								dict_label("publication_event", type), "version",
								(int)db_int(r, i, 1), "reason", db_text(r, i, 2), "detail",
								detail ? detail : json_object(), "by", db_text(r, i, 4), "at",
								db_text(r, i, 5), "at_local", local, "on_date", db_text(r, i, 6)));
			if (str_eq(type, "exclusion_requested")) {
				json_decref(pending);
				const json_t *x = dsc_rules_exclusion(db_text(r, i, 2));
				pending = json_pack("{s:s,s:s,s:s,s:s,s:s}", "reason", db_text(r, i, 2), "reason_label",
						    x ? json_string_value(json_object_get(x, "name")) : "", "note",
						    json_string_value(json_object_get(detail, "note")) ? json_string_value(json_object_get(detail, "note")) : "",
						    "by", db_text(r, i, 4), "at", db_text(r, i, 5));
			} else if (str_eq(type, "excluded") || str_eq(type, "exclusion_refused")) {
				json_decref(pending);
				pending = json_null();
			}
		}
		db_res_free(r);
	}
	json_object_set_new(o, "versions", versions);
	json_object_set_new(o, "events", events);
	json_object_set_new(o, "exclusion_pending", pending);
	bool head = dsc_is_head(db, a, &p);
	json_object_set_new(o, "can", json_pack("{s:b,s:b,s:b}", "publish", head, "decide", head, "write",
						 dsc_can_write(db, a, &p)));
	dsc_release(&p);
	*out = o;
	return 0;
}

/* The unit ids a sees as "(?, ?, …)" with their values; all units for a supervisor. */
static int scope_clause(struct db *db, const struct actor *a, struct buf *sql, struct db_val **vals, size_t *nv)
{
	*vals = NULL;
	*nv = 0;
	if (actor_has(a, ROLE_SUPERVISOR) || actor_has(a, ROLE_ADMIN) || a->scope == SCOPE_ALL)
		return 0;
	long long *ids = NULL;
	size_t n = 0;
	if (actor_scope_units(db, a, &ids, &n) < 0)
		return -1;
	*vals = xcalloc(n + 4, sizeof **vals);
	buf_puts(sql, " AND p.unit_id IN (");
	if (n == 0)
		buf_puts(sql, "-1");
	for (size_t i = 0; i < n; i++) {
		buf_puts(sql, i ? ", ?" : "?");
		(*vals)[(*nv)++] = DB_INT(ids[i]);
	}
	buf_puts(sql, ")");
	free(ids);
	return 0;
}

int disclosure_list(struct db *db, const struct actor *a, const char *state, int limit, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (state && !str_eq(state, "draft") && !str_eq(state, "published") && !str_eq(state, "not_published") &&
	    !str_eq(state, "withdrawn") && !str_eq(state, "expired"))
		return err_set(e, ERR_INVALID, "state", "状态应为待公示、已公示、不予公开、已撤下或公示期满");
	if (limit <= 0 || limit > 1000)
		limit = 500;
	char today[11];
	time_today_shanghai(today);
	struct buf sql;
	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT p.id, p.kind, p.state, u.name, p.decision_no, p.decision_date, p.due_on, COALESCE(d.state, ''),"
		       " p.title, p.party_name, p.current_version FROM publications p JOIN units u ON u.id = p.unit_id"
		       " LEFT JOIN deadlines d ON d.id = p.deadline_id WHERE 1 = 1");
	struct db_val *vals = NULL;
	size_t nv = 0;
	if (scope_clause(db, a, &sql, &vals, &nv) < 0) {
		buf_release(&sql);
		return dsc_db_fail(db, e);
	}
	if (!vals)
		vals = xcalloc(4, sizeof *vals);
	if (state) {
		buf_puts(&sql, " AND p.state = ?");
		vals[nv++] = DB_TEXT(state);
	}
	/* most urgent first: drafts past their day, drafts by due day, then the rest newest first */
	buf_puts(&sql, " ORDER BY CASE WHEN p.state = 'draft' AND p.due_on < ? THEN 0 WHEN p.state = 'draft' THEN 1 ELSE 2 END,"
		       " CASE WHEN p.state = 'draft' THEN p.due_on ELSE '' END, p.decision_date DESC, p.id DESC LIMIT ?");
	vals[nv++] = DB_TEXT(today);
	vals[nv++] = DB_INT(limit);
	vals[nv++] = DB_END;
	struct db_res *r;
	int rc = db_query_a(db, buf_str(&sql), vals, &r);
	buf_release(&sql);
	free(vals);
	if (rc < 0)
		return dsc_db_fail(db, e);
	json_t *arr = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *cs = clock_state(db_text(r, i, 7), db_text(r, i, 6), today, db_text(r, i, 2));
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id",
						     (json_int_t)db_int(r, i, 0), "kind", db_text(r, i, 1), "kind_label",
						     disclosure_kind_label(db_text(r, i, 1)), "state", db_text(r, i, 2),
						     "state_label", disclosure_state_label(db_text(r, i, 2)), "unit_name",
						     db_text(r, i, 3), "decision_no", db_text(r, i, 4), "decision_date",
						     db_text(r, i, 5), "due_on", db_text(r, i, 6), "clock_state", cs,
						     "clock_state_label", clock_label(cs), "title", db_text(r, i, 8),
						     "party_name", db_text(r, i, 9), "current_version", (int)db_int(r, i, 10)));
	}
	db_res_free(r);
	*out = arr;
	return 0;
}

int disclosure_counts(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	json_t *list = NULL;
	if (disclosure_list(db, a, NULL, 1000, &list, e) < 0)
		return -1;
	int drafts = 0, soon = 0, overdue = 0, published = 0;
	size_t i;
	const json_t *x;
	json_array_foreach(list, i, x) {
		const char *st = json_string_value(json_object_get(x, "state"));
		const char *cs = json_string_value(json_object_get(x, "clock_state"));
		drafts += str_eq(st, "draft");
		published += str_eq(st, "published");
		soon += str_eq(st, "draft") && str_eq(cs, "due_soon");
		overdue += str_eq(st, "draft") && str_eq(cs, "overdue");
	}
	json_decref(list);
	*out = json_pack("{s:i,s:i,s:i,s:i}", "drafts", drafts, "due_soon", soon, "overdue", overdue, "published", published);
	return 0;
}
