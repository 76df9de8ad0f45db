/*
 * portal_read.c - reading what is public of 事后公开 (portal.h): the
 * list with its filters and keyset paging, one decision with its
 * versions, and the material of its 核验.
 */
#include "core/core.h"
#include "calendar/calendar.h"
#include "disclosure/portal.h"
#include "disclosure/search.h"
#include "ledger/ledger.h"

static const struct {
	const char *code, *label;
} kinds[] = {
	{ "penalty", "行政处罚" }, { "licence", "行政许可" }, { "coercion", "行政强制" },
	{ "inspection", "行政检查" }, { "other", "其他执法决定" },
};

const char *portal_kind_label(const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (str_eq(kind, kinds[i].code))
			return kinds[i].label;
	return NULL;
}

bool portal_kind_valid(const char *kind)
{
	return portal_kind_label(kind) != NULL;
}

static int db_fail(struct db *db, struct err *e)
{
	log_error("公开数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败,请稍后重试");
}

static bool date_ok(const char *s)
{
	int32_t d;
	return strlen(s) == 10 && cal_date_parse(s, &d) == 0;
}

/* List cursor "YYYY-MM-DD_ID"; search cursor "ID". */
static int cursor_parse(const char *c, bool search, char date[11], long long *id)
{
	if (search)
		return str_to_ll(c, 1, INT64_MAX, id);
	if (strlen(c) < 12 || c[10] != '_')
		return -1;
	memcpy(date, c, 10);
	date[10] = 0;
	if (!date_ok(date))
		return -1;
	return str_to_ll(c + 11, 1, INT64_MAX, id);
}

int portal_query_check(const struct portal_query *q, struct err *e)
{
	if (q->kind && !portal_kind_valid(q->kind))
		return err_set(e, ERR_INVALID, "kind", "参数「决定类别」不正确，应为行政处罚、行政许可、行政强制、行政检查或其他。");
	if (q->from && !date_ok(q->from))
		return err_set(e, ERR_INVALID, "from", "参数「决定日期自」不是有效日期（格式：2024-01-31）。");
	if (q->to && !date_ok(q->to))
		return err_set(e, ERR_INVALID, "to", "参数「决定日期至」不是有效日期（格式：2024-01-31）。");
	if (q->from && q->to && strcmp(q->from, q->to) > 0)
		return err_set(e, ERR_INVALID, "from", "「决定日期自」不能晚于「决定日期至」。");
	if (q->category && strlen(q->category) > 200)
		return err_set(e, ERR_INVALID, "category", "参数「类别」过长。");
	char d[11];
	long long id;
	if (q->cursor && cursor_parse(q->cursor, q->q && *q->q, d, &id) < 0)
		return err_set(e, ERR_INVALID, "cursor", "参数「翻页位置」不正确，请从第一页重新浏览。");
	return 0;
}

#define ITEM_COLS \
	"p.id, p.kind, p.title, p.party_name, p.category, p.decision_no, p.decision_date, p.current_version," \
	" p.published_at, b.name, u.name, p.body_unit_id, p.unit_id, p.state, p.period_ends_on, p.withdrawn_on," \
	" p.withdrawn_reason"
#define ITEM_FROM " FROM publications p JOIN units b ON b.id = p.body_unit_id JOIN units u ON u.id = p.unit_id"

static json_t *item_json(const struct db_res *r, int i)
{
	const char *kind = db_text(r, i, 1);
	const char *label = portal_kind_label(kind);
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:s,s:I,s:s}", "id", (json_int_t)db_int(r, i, 0),
			 "kind", kind, "kind_label", label ? label : "", "title", db_text(r, i, 2), "party_name",
			 db_text(r, i, 3), "category", db_text(r, i, 4), "decision_no", db_text(r, i, 5), "decision_date",
			 db_text(r, i, 6), "version", (json_int_t)db_int(r, i, 7), "published_at", db_text(r, i, 8),
			 "body_id", (json_int_t)db_int(r, i, 11), "body_name", db_text(r, i, 9), "unit_id",
			 (json_int_t)db_int(r, i, 12), "unit_name", db_text(r, i, 10));
}

/* The list SQL: one literal per leading filter, so that each can use its
 * index (publications_public_* of migration 034); the other filters are
 * "? = '' OR" tests. */
#define LIST_WHERE_TAIL \
	" AND (p.period_ends_on IS NULL OR p.period_ends_on >= ?)" \
	" AND (? = '' OR p.kind = ?) AND (? = 0 OR p.body_unit_id = ?) AND (? = 0 OR p.unit_id = ?)" \
	" AND (? = '' OR p.category = ?) AND (? = '' OR p.decision_date >= ?) AND (? = '' OR p.decision_date <= ?)" \
	" AND p.decision_date <= ? AND (p.decision_date < ? OR p.id < ?)" \
	" ORDER BY p.decision_date DESC, p.id DESC LIMIT ?"
static const char *const list_sql[] = {
	"SELECT " ITEM_COLS ITEM_FROM " WHERE p.state = 'published'" LIST_WHERE_TAIL,
	"SELECT " ITEM_COLS ITEM_FROM " WHERE p.state = 'published' AND p.unit_id = ?" LIST_WHERE_TAIL,
	"SELECT " ITEM_COLS ITEM_FROM " WHERE p.state = 'published' AND p.body_unit_id = ?" LIST_WHERE_TAIL,
	"SELECT " ITEM_COLS ITEM_FROM " WHERE p.state = 'published' AND p.kind = ?" LIST_WHERE_TAIL,
	"SELECT " ITEM_COLS ITEM_FROM " WHERE p.state = 'published' AND p.category = ?" LIST_WHERE_TAIL,
};

static json_t *list_plain(struct db *db, const struct portal_query *q, int limit, struct err *e)
{
	char cdate[11] = "9999-12-31";
	long long cid = INT64_MAX;
	if (q->cursor)
		cursor_parse(q->cursor, false, cdate, &cid);
	const char *kind = q->kind ? q->kind : "", *cat = q->category ? q->category : "";
	const char *from = q->from ? q->from : "", *to = q->to ? q->to : "";
	struct db_val v[24];
	size_t k = 0, which = 0;
	if (q->unit_id) {
		which = 1;
		v[k++] = DB_INT(q->unit_id);
	} else if (q->body_id) {
		which = 2;
		v[k++] = DB_INT(q->body_id);
	} else if (*kind) {
		which = 3;
		v[k++] = DB_TEXT(kind);
	} else if (*cat) {
		which = 4;
		v[k++] = DB_TEXT(cat);
	}
	v[k++] = DB_TEXT(q->today);
	v[k++] = DB_TEXT(kind);
	v[k++] = DB_TEXT(kind);
	v[k++] = DB_INT(q->body_id);
	v[k++] = DB_INT(q->body_id);
	v[k++] = DB_INT(q->unit_id);
	v[k++] = DB_INT(q->unit_id);
	v[k++] = DB_TEXT(cat);
	v[k++] = DB_TEXT(cat);
	v[k++] = DB_TEXT(from);
	v[k++] = DB_TEXT(from);
	v[k++] = DB_TEXT(to);
	v[k++] = DB_TEXT(to);
	v[k++] = DB_TEXT(cdate);
	v[k++] = DB_TEXT(cdate);
	v[k++] = DB_INT(cid);
	v[k++] = DB_INT(limit + 1);
	v[k] = DB_END;
	struct db_res *r = NULL;
	if (db_query_a(db, list_sql[which], v, &r) < 0) {
		db_fail(db, e);
		return NULL;
	}
	json_t *items = json_array();
	int n = r->nrows > limit ? limit : r->nrows;
	for (int i = 0; i < n; i++)
		json_array_append_new(items, item_json(r, i));
	json_t *next = json_null();
	if (r->nrows > limit) {
		char *c = xasprintf("%s_%lld", db_text(r, n - 1, 6), db_int(r, n - 1, 0));
		next = json_string(c);
		free(c);
	}
	db_res_free(r);
	return json_pack("{s:o,s:o,s:n}", "items", items, "next", next, "search");
}

static json_t *list_search(struct db *db, const struct portal_query *q, int limit, struct err *e)
{
	long long before = 0;
	char d[11];
	if (q->cursor)
		cursor_parse(q->cursor, true, d, &before);
	struct dsearch_query sq = { .q = q->q, .kind = q->kind, .body_id = q->body_id, .unit_id = q->unit_id,
				    .category = q->category, .from = q->from, .to = q->to, .before = before,
				    .limit = limit };
	json_t *s = disclosure_search(db, &sq, e);
	if (!s)
		return NULL;
	/* the page's rows in one query: 20 placeholders, 0 for the unused */
	json_t *items = json_array();
	json_t *ids = json_object_get(s, "ids");
	for (size_t off = 0; off < json_array_size(ids); off += 20) {
		struct db_val v[24];
		size_t k = 0;
		for (size_t i = 0; i < 20; i++) {
			json_t *idv = json_array_get(ids, off + i);
			v[k++] = DB_INT(idv ? json_integer_value(idv) : 0);
		}
		v[k++] = DB_TEXT(q->today);
		v[k] = DB_END;
		struct db_res *r = NULL;
		if (db_query_a(db, "SELECT " ITEM_COLS ITEM_FROM " WHERE p.id IN (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			       " AND p.state = 'published' AND (p.period_ends_on IS NULL OR p.period_ends_on >= ?)",
			       v, &r) < 0) {
			json_decref(items);
			json_decref(s);
			db_fail(db, e);
			return NULL;
		}
		/* in the search's order */
		for (size_t i = 0; i < 20 && off + i < json_array_size(ids); i++) {
			long long want = json_integer_value(json_array_get(ids, off + i));
			for (int j = 0; j < r->nrows; j++)
				if (db_int(r, j, 0) == want)
					json_array_append_new(items, item_json(r, j));
		}
		db_res_free(r);
	}
	json_t *next = json_null();
	if (json_is_integer(json_object_get(s, "next"))) {
		char *c = xasprintf("%lld", (long long)json_integer_value(json_object_get(s, "next")));
		next = json_string(c);
		free(c);
	}
	json_t *info = json_pack("{s:O,s:O,s:O,s:O}", "words", json_object_get(s, "words"), "also_searched",
				 json_object_get(s, "also_searched"), "partial", json_object_get(s, "partial"),
				 "truncated", json_object_get(s, "truncated"));
	json_decref(s);
	return json_pack("{s:o,s:o,s:o}", "items", items, "next", next, "search", info);
}

json_t *portal_decisions_list(struct db *db, const struct portal_query *q, struct err *e)
{
	if (portal_query_check(q, e) < 0)
		return NULL;
	int limit = q->limit <= 0 ? PORTAL_PAGE : q->limit > PORTAL_EXPORT_MAX ? PORTAL_EXPORT_MAX : q->limit;
	if (q->q && *q->q)
		return list_search(db, q, limit > 100 ? 100 : limit, e);
	return list_plain(db, q, limit, e);
}

/* ---- one decision ---- */

static int load_row(struct db *db, long long id, struct db_res **r, struct err *e)
{
	if (db_query(db, r, "SELECT " ITEM_COLS ITEM_FROM " WHERE p.id = ? AND p.current_version > 0", DB_INT(id)) < 0)
		return db_fail(db, e);
	if (!(*r)->nrows) {
		db_res_free(*r);
		*r = NULL;
		return err_set(e, ERR_NOTFOUND, "", "该执法决定没有公示。");
	}
	return 0;
}

/* "published", "withdrawn", "expired" or "ended_early" as the public sees it today. */
static const char *public_state(struct db *db, const struct db_res *r, const char *today, long long id)
{
	const char *st = db_text(r, 0, 13);
	if (str_eq(st, "withdrawn"))
		return "withdrawn";
	const char *ends = db_cell(r, 0, 14);
	bool over = str_eq(st, "expired") || (ends && strcmp(ends, today) < 0);
	if (!over && str_eq(st, "published"))
		return "published";
	long long early = db_scalar_int(db, 0,
					"SELECT COUNT(*) FROM publication_events WHERE publication_id = ? AND type = 'ended_early'",
					(const struct db_val[]){ DB_INT(id), DB_END });
	return early ? "ended_early" : "expired";
}

/* The latest event of type for the publication: {on, reason, note}. */
static json_t *event_json(struct db *db, long long id, const char *type, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r,
		     "SELECT on_date, reason, detail FROM publication_events WHERE publication_id = ? AND type = ?"
		     " ORDER BY id DESC LIMIT 1",
		     DB_INT(id), DB_TEXT(type)) < 0) {
		db_fail(db, e);
		return NULL;
	}
	json_t *o;
	if (r->nrows) {
		json_t *d = json_loads(db_text(r, 0, 2), 0, NULL);
		const char *note = json_string_value(json_object_get(d, "note"));
		o = json_pack("{s:s,s:s,s:s}", "on", db_text(r, 0, 0), "reason", db_text(r, 0, 1), "note", note ? note : "");
		json_decref(d);
	} else {
		o = json_pack("{s:s,s:s,s:s}", "on", "", "reason", "", "note", "");
	}
	db_res_free(r);
	return o;
}

json_t *portal_decision_item(struct db *db, long long id, bool history, const char *today, struct err *e)
{
	struct db_res *r = NULL;
	if (load_row(db, id, &r, e) < 0)
		return NULL;
	json_t *m = item_json(r, 0);
	const char *st = public_state(db, r, today, id);
	json_object_set_new(m, "state", json_string(st));
	json_object_set_new(m, "period_ends_on", db_cell(r, 0, 14) ? json_string(db_cell(r, 0, 14)) : json_null());
	bool published = str_eq(st, "published");
	if (!published) {
		/* what is no longer public is not shown again: not the party, nor a
		 * title naming it; the number, dates and bodies stay */
		const char *label = portal_kind_label(db_text(r, 0, 1));
		char *t = xasprintf("%s决定 %s", label ? label : "", db_text(r, 0, 5));
		json_object_set_new(m, "title", json_string(t));
		free(t);
		json_object_set_new(m, "party_name", json_string(""));
		json_object_set_new(m, "category", json_string(""));
	}
	if (str_eq(st, "withdrawn")) {
		json_t *w = event_json(db, id, "withdrawn", e);
		if (!w)
			goto fail;
		if (str_empty(json_string_value(json_object_get(w, "on"))) && db_cell(r, 0, 15))
			json_object_set_new(w, "on", json_string(db_cell(r, 0, 15)));
		/* the reason is the column's (撤销 | 确认违法 | 责令重新作出 | 变更) */
		json_object_set_new(w, "reason", json_string(db_text(r, 0, 16)));
		json_object_set_new(m, "withdrawal", w);
	} else if (!published) {
		bool early = str_eq(st, "ended_early");
		json_t *pe = early ? event_json(db, id, "ended_early", e) : json_pack("{s:s,s:s,s:s}", "on",
										      db_text(r, 0, 14), "reason", "", "note", "");
		if (!pe)
			goto fail;
		json_object_set_new(pe, "early", json_boolean(early));
		json_object_set_new(m, "period_end", pe);
	}
	db_res_free(r);
	r = NULL;
	if (db_query(db, &r,
		     "SELECT version, published_at, note, sha256, leaf_index, content FROM publication_versions"
		     " WHERE publication_id = ? ORDER BY version",
		     DB_INT(id)) < 0) {
		db_fail(db, e);
		goto fail;
	}
	long long cur = json_integer_value(json_object_get(m, "version"));
	json_object_set_new(m, "versions_count", json_integer(r->nrows));
	json_t *versions = json_array();
	for (int i = 0; i < r->nrows; i++) {
		json_t *v = json_pack("{s:I,s:s,s:s,s:s,s:I}", "version", (json_int_t)db_int(r, i, 0), "published_at",
				      db_text(r, i, 1), "note", db_text(r, i, 2), "sha256", db_text(r, i, 3), "leaf_index",
				      (json_int_t)db_int(r, i, 4));
		if (published)
			json_object_set_new(v, "content", json_loads(db_text(r, i, 5), 0, NULL));
		if (db_int(r, i, 0) == cur) {
			json_object_set_new(m, "sha256", json_string(db_text(r, i, 3)));
			json_object_set_new(m, "leaf_index", json_integer(db_int(r, i, 4)));
			json_object_set_new(m, "current_published_at", json_string(db_text(r, i, 1)));
			json_object_set_new(m, "current_note", json_string(db_text(r, i, 2)));
			if (published)
				json_object_set(m, "content", json_object_get(v, "content"));
		}
		json_array_append_new(versions, v);
	}
	db_res_free(r);
	if (history)
		json_object_set_new(m, "versions", versions);
	else
		json_decref(versions);
	return m;
fail:
	db_res_free(r);
	json_decref(m);
	return NULL;
}

json_t *portal_decision_proof(struct db *db, long long id, int version, const char *today, struct err *e)
{
	struct db_res *r = NULL;
	if (load_row(db, id, &r, e) < 0)
		return NULL;
	const char *st = public_state(db, r, today, id);
	long long ver = version > 0 ? version : db_int(r, 0, 7);
	db_res_free(r);
	if (db_query(db, &r,
		     "SELECT content, sha256, leaf_index, published_at FROM publication_versions"
		     " WHERE publication_id = ? AND version = ?",
		     DB_INT(id), DB_INT(ver)) < 0) {
		db_fail(db, e);
		return NULL;
	}
	if (!r->nrows) {
		db_res_free(r);
		err_set(e, ERR_NOTFOUND, "version", "该执法决定没有第 %lld 版。", ver);
		return NULL;
	}
	long long leaf = db_int(r, 0, 2);
	json_t *m = json_pack("{s:I,s:I,s:s,s:s,s:I,s:s}", "publication_id", (json_int_t)id, "version", (json_int_t)ver,
			      "state", st, "sha256", db_text(r, 0, 1), "leaf_index", (json_int_t)leaf, "published_at",
			      db_text(r, 0, 3));
	if (str_eq(st, "published"))
		json_object_set_new(m, "content", json_string(db_text(r, 0, 0)));
	db_res_free(r);
	struct buf note, lj, ij;
	buf_init(&note, 0);
	buf_init(&lj, 0);
	buf_init(&ij, 0);
	long long size = 0;
	struct err le = ERR_INIT;
	if (ledger_checkpoint_latest(db, &note, &size, &le) < 0 || size <= leaf) {
		if (le.kind && le.kind != ERR_NOTFOUND) {
			*e = le;
			goto fail;
		}
		json_object_set_new(m, "pending", json_true());
	} else {
		if (ledger_json_leaf(db, leaf, &lj, e) < 0 || ledger_json_inclusion(db, leaf, size, &ij, e) < 0)
			goto fail;
		json_object_set_new(m, "pending", json_false());
		json_object_set_new(m, "checkpoint", json_string(buf_str(&note)));
		json_object_set_new(m, "checkpoint_size", json_integer(size));
		json_object_set_new(m, "leaf", json_loads(buf_str(&lj), 0, NULL));
		json_object_set_new(m, "inclusion", json_loads(buf_str(&ij), 0, NULL));
	}
	buf_release(&note);
	buf_release(&lj);
	buf_release(&ij);
	return m;
fail:
	buf_release(&note);
	buf_release(&lj);
	buf_release(&ij);
	json_decref(m);
	return NULL;
}
