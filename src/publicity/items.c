/*
 * items.c - the lifecycle of publicity items: create a draft, update the
 * draft, publish it as a new immutable version, withdraw (see publicity.h).
 *
 * Invariants kept here: every action is one transaction that first touches
 * the item's row (taking its row lock on PostgreSQL; SQLite's BEGIN
 * IMMEDIATE already holds the write lock), then reads, checks and writes,
 * and writes its audit_log() row before committing; any failure rolls the
 * whole action back.  pub_items.status is 'draft' until the first publish,
 * then 'published' or 'withdrawn'; latest_version is the highest version
 * row; has_draft = 1 exactly when draft_json holds unpublished content.
 */
#include "core/core.h"
#include "publicity/internal.h"
#include "actor/audit.h"
#include "ledger/ledger.h"
#include "core/hash.h"
#include "store/stamp.h"

int pub_db_fail(struct db *db, struct err *e)
{
	log_error("公示数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败,请稍后重试");
}

char *pub_canonical(const json_t *content)
{
	char *s = json_dumps(content, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		BUG("json_dumps failed");
	return s;
}

/* ---- scope ---- */

bool publicity_unit_in_scope(struct db *db, const struct actor *a, long long unit_id)
{
	if (!actor_logged_in(a) || unit_id <= 0)
		return false;
	switch (a->scope) {
	case SCOPE_ALL:
		return true;
	case SCOPE_OWN:
		return a->unit_id == unit_id;
	case SCOPE_SUBTREE: {
		/* walk up from unit_id; bounded against a cyclic tree */
		long long u = unit_id;
		for (int depth = 0; u > 0 && depth < 64; depth++) {
			if (u == a->unit_id)
				return true;
			u = db_scalar_int(db, 0, "SELECT parent_id FROM units WHERE id = ?",
					  (const struct db_val[]){ DB_INT(u), DB_END });
		}
		return false;
	}
	default:
		return false;
	}
}

/* ---- item rows ---- */

struct item {
	long long id, unit_id, matter_id;
	enum pub_kind kind;
	char status[16];
	bool has_draft;
	int latest_version;
	char unit_name[256];
};

/* Load an item; ERR_NOTFOUND if absent. */
static int item_load(struct db *db, long long id, struct item *it, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT i.id, i.kind, i.unit_id, i.matter_id, i.status, i.has_draft,"
			     " i.latest_version, u.name FROM pub_items i JOIN units u ON u.id = i.unit_id"
			     " WHERE i.id = ?", DB_INT(id)) < 0)
		return pub_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "公示事项不存在");
	}
	memset(it, 0, sizeof *it);
	it->id = db_int(r, 0, 0);
	it->kind = pub_kind_parse(db_text(r, 0, 1));
	it->unit_id = db_int(r, 0, 2);
	it->matter_id = db_int(r, 0, 3);
	snprintf(it->status, sizeof it->status, "%s", db_text(r, 0, 4));
	it->has_draft = db_int(r, 0, 5) != 0;
	it->latest_version = (int)db_int(r, 0, 6);
	snprintf(it->unit_name, sizeof it->unit_name, "%s", db_text(r, 0, 7));
	db_res_free(r);
	if (!it->kind)
		BUG("pub_items %lld has unknown kind", id);
	return 0;
}

/* May the actor draft items of unit_id? */
static int check_drafter(const struct actor *a, long long unit_id, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (!actor_has(a, ROLE_OFFICER | ROLE_HEAD))
		return err_set(e, ERR_FORBIDDEN, "", "只有执法人员或处室负责人可以起草公示内容");
	if (a->unit_id != unit_id)
		return err_set(e, ERR_FORBIDDEN, "unit_id", "只能起草本单位的公示内容(谁执法谁公示)");
	return 0;
}

/* May the actor publish or withdraw items of unit_id? */
static int check_publisher(const struct actor *a, long long unit_id, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (!actor_has(a, ROLE_HEAD))
		return err_set(e, ERR_FORBIDDEN, "", "只有本单位负责人可以发布或撤下公示内容");
	if (a->unit_id != unit_id)
		return err_set(e, ERR_FORBIDDEN, "unit_id", "只有本单位负责人可以发布或撤下本单位的公示内容(谁执法谁公示)");
	return 0;
}

static void id_str(long long id, char out[24]) { snprintf(out, 24, "%lld", id); }

/* Validate content for an item of unit; fill canonical text, name, category,
 * search columns.  Returns the canonical object or NULL. */
struct prepared {
	json_t *canon;
	char *text;
	const char *name, *category;
	struct buf sname, stext;
};

static void prepared_free(struct prepared *p)
{
	json_decref(p->canon);
	free(p->text);
	buf_release(&p->sname);
	buf_release(&p->stext);
	memset(p, 0, sizeof *p);
}

static int prepare(struct db *db, enum pub_kind kind, long long matter_id, const json_t *content,
		   const char *unit_name, struct prepared *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	p->canon = publicity_validate(kind, content, unit_name, e);
	if (!p->canon)
		return -1;
	p->text = pub_canonical(p->canon);
	p->name = json_string_value(json_object_get(p->canon, "name"));
	p->category = kind == PUB_MATTER ? json_string_value(json_object_get(p->canon, "category")) : "inspection";
	buf_init(&p->sname, 0);
	buf_init(&p->stext, 0);
	publicity_search_normalize(p->name, &p->sname);
	pub_search_text(kind, p->canon, unit_name, &p->stext);
	if (kind == PUB_GUIDE) { /* a guide takes the category of its matter */
		struct db_res *r;
		if (db_query(db, &r, "SELECT category FROM pub_items WHERE id = ?", DB_INT(matter_id)) < 0) {
			prepared_free(p);
			return pub_db_fail(db, e);
		}
		p->category = "licence";
		static const char *const cats[] = { "inspection", "licence", "penalty", "levy", "coercion", "other" };
		for (size_t i = 0; r->nrows && i < ARRAY_SIZE(cats); i++)
			if (str_eq(cats[i], db_text(r, 0, 0)))
				p->category = cats[i]; /* a static string, unlike the cell */
		db_res_free(r);
	}
	return 0;
}


/* Check a matter link: must be a matter of the same unit. */
static int check_matter_link(struct db *db, enum pub_kind kind, long long unit_id, long long matter_id, struct err *e)
{
	if (kind == PUB_MATTER) {
		if (matter_id)
			return err_set(e, ERR_INVALID, "matter_id", "执法事项不能关联其他事项");
		return 0;
	}
	if (!matter_id) {
		if (kind == PUB_GUIDE)
			return err_set(e, ERR_INVALID, "matter_id", "「所属执法事项」不能为空");
		return 0;
	}
	struct db_res *r;
	if (db_query(db, &r, "SELECT kind, unit_id FROM pub_items WHERE id = ?", DB_INT(matter_id)) < 0)
		return pub_db_fail(db, e);
	int rc = 0;
	if (r->nrows == 0 || !str_eq(db_text(r, 0, 0), "matter"))
		rc = err_set(e, ERR_INVALID, "matter_id", "「所属执法事项」不存在");
	else if (db_int(r, 0, 1) != unit_id)
		rc = err_set(e, ERR_INVALID, "matter_id", "「所属执法事项」不属于本单位");
	db_res_free(r);
	return rc;
}

static long long do_create(struct db *db, const struct actor *a, enum pub_kind kind, long long unit_id,
			   long long matter_id, const json_t *content, bool system, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT name, enforcement_power FROM units WHERE id = ?", DB_INT(unit_id)) < 0)
		return pub_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_INVALID, "unit_id", "单位不存在");
	}
	char *unit_name = xstrdup(db_text(r, 0, 0));
	bool power = db_int(r, 0, 1) != 0;
	db_res_free(r);
	struct prepared p;
	long long id = -1;
	if (!power && !system) {
		err_set(e, ERR_FORBIDDEN, "unit_id", "本单位不承担行政执法工作(既不是执法主体,也不是其承办机构),不能公示执法事项");
		goto out_name;
	}
	if (check_matter_link(db, kind, unit_id, matter_id, e) < 0)
		goto out_name;
	if (prepare(db, kind, matter_id, content, unit_name, &p, e) < 0)
		goto out_name;
	char now[21];
	time_now_utc(now);
	long long uid = a && a->user_id ? a->user_id : 0;
	if (db_query(db, &r, "INSERT INTO pub_items(kind, unit_id, matter_id, status, has_draft, draft_json, name,"
			     " category, search_name, search_text, latest_version, created_at, created_by,"
			     " updated_at, updated_by) VALUES (?,?,?,'draft',1,?,?,?,?,?,0,?,?,?,?) RETURNING id",
		     DB_TEXT(pub_kind_ident(kind)), DB_INT(unit_id), matter_id ? DB_INT(matter_id) : DB_NULL,
		     DB_TEXT(p.text), DB_TEXT(p.name), DB_TEXT(p.category), DB_TEXT(buf_str(&p.sname)),
		     DB_TEXT(buf_str(&p.stext)), DB_TEXT(now), uid ? DB_INT(uid) : DB_NULL, DB_TEXT(now),
		     uid ? DB_INT(uid) : DB_NULL) < 0) {
		pub_db_fail(db, e);
		goto out;
	}
	id = r->nrows ? db_int(r, 0, 0) : -1;
	db_res_free(r);
	char ids[24];
	id_str(id, ids);
	if (id <= 0 || audit_log(db, a, "publicity.create", pub_kind_ident(kind), ids, "ok", p.name) < 0) {
		id = pub_db_fail(db, e);
		goto out;
	}
out:
	prepared_free(&p);
out_name:
	free(unit_name);
	return id;
}

long long publicity_create(struct db *db, const struct actor *a, enum pub_kind kind, long long unit_id,
			   long long matter_id, const json_t *content, struct err *e)
{
	if (!pub_kind_parse(pub_kind_ident(kind)))
		return err_set(e, ERR_INVALID, "kind", "公示类型不正确");
	if (unit_id == 0 && a)
		unit_id = a->unit_id;
	if (check_drafter(a, unit_id, e) < 0)
		return -1;
	if (db_begin(db) < 0)
		return pub_db_fail(db, e);
	long long id = do_create(db, a, kind, unit_id, matter_id, content, false, e);
	if (id < 0 || db_commit(db) < 0) {
		if (id >= 0)
			pub_db_fail(db, e);
		db_rollback(db);
		return -1;
	}
	return id;
}

/* Begin a transaction on an item: lock its row and load it. */
static int begin_on(struct db *db, long long id, struct item *it, struct err *e)
{
	if (db_begin(db) < 0)
		return pub_db_fail(db, e);
	if (db_exec(db, "UPDATE pub_items SET latest_version = latest_version WHERE id = ?", DB_INT(id)) < 0) {
		pub_db_fail(db, e);
		db_rollback(db);
		return -1;
	}
	if (item_load(db, id, it, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static int finish(struct db *db, int rc, struct err *e)
{
	if (rc < 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) < 0) {
		pub_db_fail(db, e);
		db_rollback(db);
		return -1;
	}
	return rc;
}

int publicity_update(struct db *db, const struct actor *a, long long id, const json_t *content, struct err *e)
{
	struct item it;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (begin_on(db, id, &it, e) < 0)
		return -1;
	int rc = check_drafter(a, it.unit_id, e);
	struct prepared p;
	if (rc == 0 && (rc = prepare(db, it.kind, it.matter_id, content, it.unit_name, &p, e)) == 0) {
		char now[21], ids[24];
		time_now_utc(now);
		id_str(id, ids);
		if (db_exec(db, "UPDATE pub_items SET has_draft = 1, draft_json = ?, name = ?, category = ?,"
				" search_name = ?, search_text = ?, updated_at = ?, updated_by = ? WHERE id = ?",
			    DB_TEXT(p.text), DB_TEXT(p.name), DB_TEXT(p.category), DB_TEXT(buf_str(&p.sname)),
			    DB_TEXT(buf_str(&p.stext)), DB_TEXT(now), DB_INT(a->user_id), DB_INT(id)) < 0 ||
		    audit_log(db, a, "publicity.update", pub_kind_ident(it.kind), ids, "ok", p.name) < 0)
			rc = pub_db_fail(db, e);
		prepared_free(&p);
	}
	return finish(db, rc, e);
}

/* Publish the pending draft of a locked, loaded item.  by = publisher user
 * id (0 = system).  Returns the new version or -1. */
/* Append the leaf of a publication act to the ledger: the item, its kind,
 * version, unit and actor, and the SHA-256 and SM3 of the published
 * canonical content (for "published") or of the withdrawal reason (for
 * "withdrawn"), so anyone holding the text can prove it was in the log.
 * Runs in the caller's transaction. */
static int ledger_publication(struct db *db, const struct actor *a, const char *event, const struct item *it,
			      int version, const char *text, struct err *e)
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, text, strlen(text));
	hash2_final(&h, &hr);
	json_t *f = json_pack("{s:I,s:s,s:i,s:I,s:I,s:s,s:s}", "item", (json_int_t)it->id, "kind",
			      pub_kind_ident(it->kind), "version", version, "unit", (json_int_t)it->unit_id,
			      "actor", (json_int_t)(a ? a->user_id : 0), "sha256", hr.sha256_hex, "sm3", hr.sm3_hex);
	int rc = ledger_append(db, event, f, NULL, e);
	json_decref(f);
	return rc;
}

void pub_draft_token(const char *draft_json, char out[HASH_HEX])
{
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, draft_json, strlen(draft_json));
	hash2_final(&h, &hr);
	memcpy(out, hr.sha256_hex, HASH_HEX);
}

static int do_publish(struct db *db, const struct actor *a, const struct item *it, const char *note,
		      const char *expect_token, struct err *e)
{
	if (!it->has_draft)
		return err_set(e, ERR_CONFLICT, "", "没有待发布的修改");
	if (note && utf8_len(note, strlen(note)) > 200)
		return err_set(e, ERR_INVALID, "change_note", "「变更说明」不能超过200个字");
	struct db_res *r;
	if (db_query(db, &r, "SELECT draft_json, name, category, search_name, search_text FROM pub_items"
			     " WHERE id = ?", DB_INT(it->id)) < 0)
		return pub_db_fail(db, e);
	if (r->nrows == 0 || !db_cell(r, 0, 0)) {
		db_res_free(r);
		BUG("pub_items %lld: has_draft without draft_json", it->id);
	}
	if (expect_token) {
		char tok[HASH_HEX];
		pub_draft_token(db_text(r, 0, 0), tok);
		if (!str_eq(tok, expect_token)) {
			db_res_free(r);
			return err_set(e, ERR_CONFLICT, "draft_token",
				       "预览之后草稿又被修改过，请重新预览并确认后再发布");
		}
	}
	int version = it->latest_version + 1;
	char now[21], ids[24];
	time_now_utc(now);
	id_str(it->id, ids);
	long long by = a && a->user_id ? a->user_id : 0;
	int rc = version;
	if (db_exec(db, "INSERT INTO pub_item_versions(item_id, version, kind, unit_id, name, category, content,"
			" search_name, search_text, change_note, published_at, published_by)"
			" VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		    DB_INT(it->id), DB_INT(version), DB_TEXT(pub_kind_ident(it->kind)), DB_INT(it->unit_id),
		    DB_TEXT(db_text(r, 0, 1)), DB_TEXT(db_text(r, 0, 2)), DB_TEXT(db_text(r, 0, 0)),
		    DB_TEXT(db_text(r, 0, 3)), DB_TEXT(db_text(r, 0, 4)), DB_TEXT(note ? note : ""),
		    DB_TEXT(now), by ? DB_INT(by) : DB_NULL) < 0 ||
	    db_exec(db, "UPDATE pub_items SET status = 'published', has_draft = 0, draft_json = NULL,"
			" latest_version = ?, updated_at = ?, updated_by = ? WHERE id = ?",
		    DB_INT(version), DB_TEXT(now), by ? DB_INT(by) : DB_NULL, DB_INT(it->id)) < 0) {
		rc = pub_db_fail(db, e);
	} else {
		char detail[600];
		snprintf(detail, sizeof detail, "第%d版 %s", version, db_text(r, 0, 1));
		if (audit_log(db, a, "publicity.publish", pub_kind_ident(it->kind), ids, "ok", detail) < 0 ||
		    state_stamp_bump(db, STAMP_PORTAL) < 0)
			rc = pub_db_fail(db, e);
		else if (ledger_publication(db, a, "publicity.published", it, version, db_text(r, 0, 0), e) < 0)
			rc = -1;
	}
	db_res_free(r);
	return rc;
}

int publicity_publish(struct db *db, const struct actor *a, long long id, const char *change_note, struct err *e)
{
	return publicity_publish_confirmed(db, a, id, change_note, NULL, e);
}

int publicity_publish_confirmed(struct db *db, const struct actor *a, long long id, const char *change_note,
				const char *expect_token, struct err *e)
{
	struct item it;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (begin_on(db, id, &it, e) < 0)
		return -1;
	int rc = check_publisher(a, it.unit_id, e);
	if (rc == 0)
		rc = do_publish(db, a, &it, change_note, expect_token, e);
	return finish(db, rc, e);
}

int publicity_withdraw(struct db *db, const struct actor *a, long long id, const char *reason, struct err *e)
{
	struct item it;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (begin_on(db, id, &it, e) < 0)
		return -1;
	int rc = check_publisher(a, it.unit_id, e);
	char *why = NULL;
	if (rc == 0 && !str_eq(it.status, "published"))
		rc = err_set(e, ERR_CONFLICT, "", "只有已公示的内容可以撤下");
	if (rc == 0) {
		const char *s = reason ? reason : "";
		size_t n = strlen(s);
		while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
			s++;
			n--;
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		long len = utf8_len(s, n);
		if (n == 0)
			rc = err_set(e, ERR_INVALID, "reason", "「撤下原因」不能为空");
		else if (len < 0)
			rc = err_set(e, ERR_INVALID, "reason", "「撤下原因」不是有效的 UTF-8 文字");
		else if (len > 500)
			rc = err_set(e, ERR_INVALID, "reason", "「撤下原因」不能超过500个字");
		else
			why = xstrndup(s, n);
	}
	if (rc == 0) {
		char now[21], ids[24];
		time_now_utc(now);
		id_str(id, ids);
		if (db_exec(db, "INSERT INTO pub_withdrawals(item_id, version, at, by_user, reason) VALUES (?,?,?,?,?)",
			    DB_INT(id), DB_INT(it.latest_version), DB_TEXT(now), DB_INT(a->user_id), DB_TEXT(why)) < 0 ||
		    db_exec(db, "UPDATE pub_items SET status = 'withdrawn', updated_at = ?, updated_by = ? WHERE id = ?",
			    DB_TEXT(now), DB_INT(a->user_id), DB_INT(id)) < 0 ||
		    audit_log(db, a, "publicity.withdraw", pub_kind_ident(it.kind), ids, "ok", why) < 0 ||
		    state_stamp_bump(db, STAMP_PORTAL) < 0)
			rc = pub_db_fail(db, e);
		else if (ledger_publication(db, a, "publicity.withdrawn", &it, it.latest_version, why, e) < 0)
			rc = -1;
	}
	free(why);
	return finish(db, rc, e);
}

/* ---- for the demo loader (demo.c): no permission checks, caller's
 * transaction. ---- */
long long pub_system_create_publish(struct db *db, const struct actor *a, enum pub_kind kind, long long unit_id,
				    long long matter_id, const json_t *content, struct err *e)
{
	long long id = do_create(db, a, kind, unit_id, matter_id, content, true, e);
	if (id < 0)
		return -1;
	struct item it;
	if (item_load(db, id, &it, e) < 0 || do_publish(db, a, &it, "首次公示", NULL, e) < 0)
		return -1;
	return id;
}
