/*
 * read.c - the read models of the publicity catalogue: portal lists and
 * views (published items only, latest version, public version history)
 * and the back-office lists and views (drafts included, within the
 * actor's data scope).  See publicity.h for the model shapes.
 *
 * Invariants: the portal reads only rows with status 'published' and the
 * version row numbered latest_version; the back office never returns an
 * item of a unit outside the actor's scope.  Every filter value and
 * keyword pattern is bound; the SQL text is built from literals only.
 */
#include "core/core.h"
#include "publicity/internal.h"

#define MAX_PARAMS 40

struct sqlp {
	struct buf sql;
	struct db_val v[MAX_PARAMS + 1];
	int n;
};

static void p_add(struct sqlp *p, struct db_val v)
{
	if (p->n >= MAX_PARAMS)
		BUG("too many SQL parameters");
	p->v[p->n++] = v;
	p->v[p->n] = DB_END;
}

static json_t *parse_content(const char *text)
{
	json_error_t je;
	json_t *j = text ? json_loads(text, 0, &je) : NULL;
	if (text && !j)
		log_error("公示内容 JSON 损坏: %s", je.text);
	return j ? j : json_null();
}

static const char *cell_by(const struct db_res *r, int row, const char *name)
{
	int c = db_col(r, name);
	return c < 0 ? NULL : db_cell(r, row, c);
}

static json_int_t int_by(const struct db_res *r, int row, const char *name)
{
	int c = db_col(r, name);
	return c < 0 ? 0 : (json_int_t)db_int(r, row, c);
}

json_t *pub_entry_from_row(const struct db_res *r, int row)
{
	const char *cat = cell_by(r, row, "category");
	const char *label = pub_category_label(cat);
	const char *pubat = cell_by(r, row, "published_at");
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:s?}",
			      "id", int_by(r, row, "id"),
			      "kind", cell_by(r, row, "kind") ? cell_by(r, row, "kind") : "",
			      "name", cell_by(r, row, "name") ? cell_by(r, row, "name") : "",
			      "category", cat ? cat : "",
			      "category_label", label ? label : "",
			      "unit_id", int_by(r, row, "unit_id"),
			      "unit_name", cell_by(r, row, "unit_name") ? cell_by(r, row, "unit_name") : "",
			      "version", int_by(r, row, "version"),
			      "published_at", pubat);
	json_object_set_new(o, "matter_id", int_by(r, row, "matter_id") ? json_integer(int_by(r, row, "matter_id")) : json_null());
	const char *status = cell_by(r, row, "status");
	if (status) {
		json_object_set_new(o, "status", json_string(status));
		json_object_set_new(o, "status_label", json_string(pub_status_label(status)));
		json_object_set_new(o, "has_draft", json_boolean(int_by(r, row, "has_draft") != 0));
		json_object_set_new(o, "latest_version", json_integer(int_by(r, row, "latest_version")));
	}
	return o;
}

/* The shared list query.  a == NULL: portal (published, latest version);
 * otherwise the back office within a's scope. */
static json_t *list_items(struct db *db, const struct actor *a, enum pub_kind kind,
			  const struct publicity_query *qin, struct err *e)
{
	struct publicity_query q = qin ? *qin : (struct publicity_query){ 0 };
	if (!str_empty(q.sort) && !publicity_sort_ok(q.sort, a != NULL)) {
		err_set(e, ERR_INVALID, "sort", "不能按该列排序");
		return NULL;
	}
	if (!pub_kind_parse(pub_kind_ident(kind))) {
		err_set(e, ERR_INVALID, "kind", "公示类型不正确");
		return NULL;
	}
	if (!str_empty(q.category) && !pub_category_label(q.category)) {
		err_set(e, ERR_INVALID, "category", "「类别」不正确");
		return NULL;
	}
	if (!str_empty(q.status) && str_empty(pub_status_label(q.status))) {
		err_set(e, ERR_INVALID, "status", "「状态」不正确");
		return NULL;
	}
	if (q.page <= 0)
		q.page = 1;
	if (q.page > 100000)
		q.page = 100000;
	if (q.per_page <= 0)
		q.per_page = 20;
	if (q.per_page > 100)
		q.per_page = 100;
	if (a && !actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		return NULL;
	}
	if (a && q.unit_id && !publicity_unit_in_scope(db, a, q.unit_id)) {
		err_set(e, ERR_FORBIDDEN, "unit_id", "无权查看该单位的公示内容");
		return NULL;
	}
	if (a && a->scope == SCOPE_NONE) {
		err_set(e, ERR_FORBIDDEN, "", "无数据查看范围");
		return NULL;
	}

	struct pub_patterns pp;
	pub_patterns_build(&pp, q.keyword);
	/* columns: the portal reads the latest version, the office the working copy */
	const char *src = a ? "i" : "v";
	struct sqlp w = { .n = 0 };
	buf_init(&w.sql, 0);
	w.v[0] = DB_END;
	buf_printf(&w.sql, " FROM pub_items i %s JOIN pub_item_versions v ON v.item_id = i.id"
			   " AND v.version = i.latest_version JOIN units u ON u.id = i.unit_id"
			   " WHERE i.kind = ?", a ? "LEFT" : "");
	p_add(&w, DB_TEXT(pub_kind_ident(kind)));
	if (!a) {
		buf_puts(&w.sql, " AND i.status = 'published'");
	} else {
		if (a->scope == SCOPE_OWN) {
			buf_puts(&w.sql, " AND i.unit_id = ?");
			p_add(&w, DB_INT(a->unit_id));
		} else if (a->scope == SCOPE_SUBTREE) {
			buf_puts(&w.sql, " AND i.unit_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = ?"
					 " UNION SELECT c.id FROM units c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)");
			p_add(&w, DB_INT(a->unit_id));
		}
		if (!str_empty(q.status)) {
			buf_puts(&w.sql, " AND i.status = ?");
			p_add(&w, DB_TEXT(q.status));
		}
	}
	if (q.unit_id) {
		buf_puts(&w.sql, " AND i.unit_id = ?");
		p_add(&w, DB_INT(q.unit_id));
	}
	if (!str_empty(q.category)) {
		buf_printf(&w.sql, " AND %s.category = ?", src);
		p_add(&w, DB_TEXT(q.category));
	}
	if (q.matter_id) {
		buf_puts(&w.sql, " AND i.matter_id = ?");
		p_add(&w, DB_INT(q.matter_id));
	}
	for (int k = 0; k < pp.n; k++) {
		buf_printf(&w.sql, " AND %s.search_text LIKE ? ESCAPE '!'", src);
		p_add(&w, DB_TEXT(buf_str(&pp.pat[k])));
	}

	json_t *out = NULL;
	struct db_res *r = NULL;
	struct buf sql;
	buf_init(&sql, 0);
	buf_printf(&sql, "SELECT COUNT(*)%s", buf_str(&w.sql));
	long long total = db_scalar_int(db, -1, buf_str(&sql), w.v);
	if (total < 0) {
		pub_db_fail(db, e);
		goto done;
	}

	buf_reset(&sql);
	buf_printf(&sql, "SELECT i.id, i.kind, %s.name AS name, %s.category AS category, i.unit_id,"
			 " u.name AS unit_name, i.matter_id, v.version, v.published_at", src, src);
	if (a)
		buf_puts(&sql, ", i.status, i.has_draft, i.latest_version");
	buf_puts(&sql, buf_str(&w.sql));
	buf_puts(&sql, " ORDER BY ");
	if (!str_empty(q.sort)) {
		/* publicity_sort_ok checked q.sort: the column text is a literal here */
		const char *col = str_eq(q.sort, "name") ? "name" : str_eq(q.sort, "category") ? "category"
				: str_eq(q.sort, "unit_name") ? "u.name" : str_eq(q.sort, "published_at") ? "v.published_at"
				: "i.status";
		if (str_eq(col, "name") || str_eq(col, "category"))
			buf_printf(&sql, "%s.%s %s, ", src, col, q.asc ? "ASC" : "DESC");
		else
			buf_printf(&sql, "%s %s, ", col, q.asc ? "ASC" : "DESC");
	}
	for (int k = 0; k < pp.n; k++) {
		buf_printf(&sql, "%sCASE WHEN %s.search_name LIKE ? ESCAPE '!' THEN 0 ELSE 1 END",
			   k ? " + " : "(", src);
		p_add(&w, DB_TEXT(buf_str(&pp.pat[k])));
	}
	if (pp.n)
		buf_puts(&sql, "), ");
	buf_printf(&sql, "u.sort, u.id, %s.name, i.id LIMIT ? OFFSET ?", src);
	p_add(&w, DB_INT(q.per_page));
	p_add(&w, DB_INT((long long)(q.page - 1) * q.per_page));
	if (db_query_a(db, buf_str(&sql), w.v, &r) < 0) {
		pub_db_fail(db, e);
		goto done;
	}
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(items, pub_entry_from_row(r, i));
	out = json_pack("{s:s,s:I,s:i,s:i,s:o}", "kind", pub_kind_ident(kind), "total", (json_int_t)total,
			"page", q.page, "per_page", q.per_page, "items", items);
done:
	db_res_free(r);
	buf_release(&sql);
	buf_release(&w.sql);
	pub_patterns_free(&pp);
	return out;
}

bool publicity_sort_ok(const char *col, bool office)
{
	static const char *const cols[] = { "name", "category", "unit_name", "published_at" };
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
		if (str_eq(col, cols[i]))
			return true;
	return office && str_eq(col, "status");
}

json_t *publicity_portal_list(struct db *db, enum pub_kind kind, const struct publicity_query *q, struct err *e)
{
	return list_items(db, NULL, kind, q, e);
}

json_t *publicity_office_list(struct db *db, const struct actor *a, enum pub_kind kind,
			      const struct publicity_query *q, struct err *e)
{
	if (!actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		return NULL;
	}
	return list_items(db, a, kind, q, e);
}

/* Version history of an item, newest first, with the period each version
 * was in force: from its publication to the next version's publication or
 * its own withdrawal, whichever came first (null while still in force). */
static json_t *versions_of(struct db *db, long long id, struct err *e)
{
	struct db_res *r, *w;
	if (db_query(db, &r, "SELECT v.version, v.published_at, v.published_by, p.name, v.change_note"
			     " FROM pub_item_versions v LEFT JOIN users p ON p.id = v.published_by"
			     " WHERE v.item_id = ? ORDER BY v.version DESC", DB_INT(id)) < 0) {
		pub_db_fail(db, e);
		return NULL;
	}
	if (db_query(db, &w, "SELECT version, at FROM pub_withdrawals WHERE item_id = ? ORDER BY at, id", DB_INT(id)) < 0) {
		db_res_free(r);
		pub_db_fail(db, e);
		return NULL;
	}
	json_t *list = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *from = db_text(r, i, 1);
		/* rows are newest first: row i - 1 is the next version */
		const char *to = i > 0 ? db_text(r, i - 1, 1) : NULL;
		for (int k = 0; k < w->nrows; k++)
			if (db_int(w, k, 0) == db_int(r, i, 0) && strcmp(db_text(w, k, 1), from) >= 0) {
				if (!to || strcmp(db_text(w, k, 1), to) < 0)
					to = db_text(w, k, 1);
				break;
			}
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "version", (json_int_t)db_int(r, i, 0),
				      "published_at", from, "published_by_name", db_text(r, i, 3),
				      "change_note", db_text(r, i, 4), "effective_from", from);
		json_object_set_new(o, "effective_to", to ? json_string(to) : json_null());
		json_object_set_new(o, "published_by", db_cell(r, i, 2) ? json_integer(db_int(r, i, 2)) : json_null());
		json_array_append_new(list, o);
	}
	db_res_free(w);
	db_res_free(r);
	return list;
}

/* Header row of an item with its latest version (may be absent). */
static int load_head(struct db *db, long long id, int version, struct db_res **out, struct err *e)
{
	if (db_query(db, out, "SELECT i.id, i.kind, i.unit_id, u.name, i.matter_id, i.status, i.latest_version,"
			      " v.content, v.published_at, p.name, v.change_note, v.version, i.has_draft, i.draft_json"
			      " FROM pub_items i JOIN units u ON u.id = i.unit_id"
			      " LEFT JOIN pub_item_versions v ON v.item_id = i.id AND v.version ="
			      " (CASE WHEN ? > 0 THEN ? ELSE i.latest_version END)"
			      " LEFT JOIN users p ON p.id = v.published_by WHERE i.id = ?",
		     DB_INT(version), DB_INT(version), DB_INT(id)) < 0)
		return pub_db_fail(db, e);
	if ((*out)->nrows == 0) {
		db_res_free(*out);
		*out = NULL;
		return err_set(e, ERR_NOTFOUND, "id", "公示内容不存在");
	}
	return 0;
}

static json_t *head_model(const struct db_res *r)
{
	json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:I,s:I}", "id", (json_int_t)db_int(r, 0, 0),
			      "kind", db_text(r, 0, 1), "unit_id", (json_int_t)db_int(r, 0, 2),
			      "unit_name", db_text(r, 0, 3), "version", (json_int_t)db_int(r, 0, 11),
			      "latest_version", (json_int_t)db_int(r, 0, 6));
	json_object_set_new(o, "matter_id", db_cell(r, 0, 4) ? json_integer(db_int(r, 0, 4)) : json_null());
	json_object_set_new(o, "published_at", db_cell(r, 0, 8) ? json_string(db_text(r, 0, 8)) : json_null());
	json_object_set_new(o, "published_by_name", json_string(db_text(r, 0, 9)));
	json_object_set_new(o, "change_note", json_string(db_text(r, 0, 10)));
	return o;
}

/* Portal visibility of a loaded item: published, or withdrawn (its page
 * and versions stay readable, saying so). */
static int portal_visible(const struct db_res *r, struct err *e)
{
	const char *status = db_text(r, 0, 5);
	if (!str_eq(status, "published") && !str_eq(status, "withdrawn"))
		return err_set(e, ERR_NOTFOUND, "id", "公示内容不存在");
	return 0;
}

/* The latest withdrawal of item id as { version, at, reason }, or null;
 * NULL on a storage failure. */
static json_t *last_withdrawal(struct db *db, long long id, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT version, at, reason FROM pub_withdrawals WHERE item_id = ?"
			     " ORDER BY at DESC, id DESC LIMIT 1", DB_INT(id)) < 0) {
		pub_db_fail(db, e);
		return NULL;
	}
	json_t *o = r->nrows ? json_pack("{s:I,s:s,s:s}", "version", (json_int_t)db_int(r, 0, 0), "at",
					  db_text(r, 0, 1), "reason", db_text(r, 0, 2))
			     : json_null();
	db_res_free(r);
	return o;
}

json_t *publicity_portal_item(struct db *db, long long id, struct err *e)
{
	struct db_res *r;
	if (load_head(db, id, 0, &r, e) < 0)
		return NULL;
	if (portal_visible(r, e) < 0) {
		db_res_free(r);
		return NULL;
	}
	json_t *o = head_model(r);
	json_object_set_new(o, "content", parse_content(db_cell(r, 0, 7)));
	bool matter = str_eq(db_text(r, 0, 1), "matter");
	bool withdrawn = str_eq(db_text(r, 0, 5), "withdrawn");
	json_object_set_new(o, "status", json_string(db_text(r, 0, 5)));
	db_res_free(r);
	json_t *v = versions_of(db, id, e);
	if (!v)
		goto fail;
	json_object_set_new(o, "versions", v);
	json_t *wd = withdrawn ? last_withdrawal(db, id, e) : json_null();
	if (!wd)
		goto fail;
	json_object_set_new(o, "withdrawal", wd);
	if (matter) {
		struct publicity_query q = { .matter_id = id, .per_page = 100 };
		json_t *g = publicity_portal_list(db, PUB_GUIDE, &q, e);
		if (!g)
			goto fail;
		json_object_set(o, "guides", json_object_get(g, "items"));
		json_decref(g);
		json_t *ins = publicity_portal_list(db, PUB_INSPECTION, &q, e);
		if (!ins)
			goto fail;
		json_object_set(o, "inspections", json_object_get(ins, "items"));
		json_decref(ins);
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *publicity_portal_version(struct db *db, long long id, int version, struct err *e)
{
	struct db_res *r;
	if (version <= 0) {
		err_set(e, ERR_INVALID, "version", "「版本号」不正确");
		return NULL;
	}
	if (load_head(db, id, version, &r, e) < 0)
		return NULL;
	if (portal_visible(r, e) < 0) {
		db_res_free(r);
		return NULL;
	}
	if (!db_cell(r, 0, 7)) {
		db_res_free(r);
		err_set(e, ERR_NOTFOUND, "version", "该版本不存在");
		return NULL;
	}
	json_t *o = head_model(r);
	json_object_set_new(o, "content", parse_content(db_cell(r, 0, 7)));
	json_object_set_new(o, "status", json_string(db_text(r, 0, 5)));
	db_res_free(r);
	json_t *vs = versions_of(db, id, e);
	if (!vs) {
		json_decref(o);
		return NULL;
	}
	size_t i;
	json_t *v;
	json_array_foreach(vs, i, v)
		if (json_integer_value(json_object_get(v, "version")) == version) {
			json_object_set(o, "effective_from", json_object_get(v, "effective_from"));
			json_object_set(o, "effective_to", json_object_get(v, "effective_to"));
		}
	json_decref(vs);
	return o;
}

json_t *publicity_office_item(struct db *db, const struct actor *a, long long id, struct err *e)
{
	if (!actor_logged_in(a)) {
		err_set(e, ERR_UNAUTH, "", "请先登录");
		return NULL;
	}
	struct db_res *r;
	if (load_head(db, id, 0, &r, e) < 0)
		return NULL;
	long long unit_id = db_int(r, 0, 2);
	if (!publicity_unit_in_scope(db, a, unit_id)) {
		db_res_free(r);
		err_set(e, ERR_FORBIDDEN, "id", "无权查看其他单位的公示内容");
		return NULL;
	}
	json_t *o = head_model(r);
	const char *status = db_text(r, 0, 5);
	bool has_draft = db_int(r, 0, 12) != 0;
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "status_label", json_string(pub_status_label(status)));
	json_object_set_new(o, "has_draft", json_boolean(has_draft));
	json_object_set_new(o, "draft", has_draft ? parse_content(db_cell(r, 0, 13)) : json_null());
	char tok[HASH_HEX] = "";
	if (has_draft && db_cell(r, 0, 13))
		pub_draft_token(db_cell(r, 0, 13), tok);
	json_object_set_new(o, "draft_token", json_string(tok));
	json_object_set_new(o, "published", parse_content(db_cell(r, 0, 7)));
	bool own = a->unit_id == unit_id;
	json_object_set_new(o, "can_edit", json_boolean(own && actor_has(a, ROLE_OFFICER | ROLE_HEAD)));
	json_object_set_new(o, "can_publish", json_boolean(own && actor_has(a, ROLE_HEAD) && has_draft));
	json_object_set_new(o, "can_withdraw", json_boolean(own && actor_has(a, ROLE_HEAD) &&
							    str_eq(status, "published")));
	db_res_free(r);
	json_t *v = versions_of(db, id, e);
	if (!v) {
		json_decref(o);
		return NULL;
	}
	json_object_set_new(o, "versions", v);
	if (db_query(db, &r, "SELECT w.version, w.at, p.name, w.reason FROM pub_withdrawals w"
			     " LEFT JOIN users p ON p.id = w.by_user WHERE w.item_id = ? ORDER BY w.id DESC",
		     DB_INT(id)) < 0) {
		json_decref(o);
		pub_db_fail(db, e);
		return NULL;
	}
	json_t *wl = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(wl, json_pack("{s:I,s:s,s:s,s:s}", "version", (json_int_t)db_int(r, i, 0),
						    "at", db_text(r, i, 1), "by_name", db_text(r, i, 2),
						    "reason", db_text(r, i, 3)));
	db_res_free(r);
	json_object_set_new(o, "withdrawals", wl);
	return o;
}

json_t *publicity_portal_units(struct db *db, struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT u.id, u.name,"
			     " SUM(CASE WHEN i.kind = 'matter' THEN 1 ELSE 0 END),"
			     " SUM(CASE WHEN i.kind = 'guide' THEN 1 ELSE 0 END),"
			     " SUM(CASE WHEN i.kind = 'inspection' THEN 1 ELSE 0 END)"
			     " FROM units u JOIN pub_items i ON i.unit_id = u.id AND i.status = 'published'"
			     " GROUP BY u.id, u.name, u.sort ORDER BY u.sort, u.id") < 0) {
		pub_db_fail(db, e);
		return NULL;
	}
	json_t *list = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(list, json_pack("{s:I,s:s,s:I,s:I,s:I}", "id", (json_int_t)db_int(r, i, 0),
						      "name", db_text(r, i, 1), "matters", (json_int_t)db_int(r, i, 2),
						      "guides", (json_int_t)db_int(r, i, 3),
						      "inspections", (json_int_t)db_int(r, i, 4)));
	db_res_free(r);
	return json_pack("{s:o}", "units", list);
}
