/*
 * cert_scope.c - which catalogue matters a certificate covers, and whether
 * a person holds a certificate valid on a given day for a set of matters
 * (see certs.h, migration 025).
 *
 * Coverage is data, not the free-text 执法范围: rows (unit, category) in
 * cert_scopes, a unit covering its own matters and those of every unit
 * below it.  Validity on a day is read from the certificate's dates and
 * its status history (cert_status_changes), so an act dated before a
 * suspension is judged by the status of that day.
 *
 * The law: 行政处罚法 第四十二条 (执法人员应当具有行政执法资格, 不得少于
 * 两人), 行政许可法 第三十四条, 行政强制法 第十七条、第十八条 (由具备资格的
 * 行政执法人员实施).  The number of officers is the procedure's rule; here
 * only each person's certificate is judged.
 */
#include "core/core.h"
#include "core/dict.h"
#include "people/certs.h"
#include "people/people.h"
#include "people/internal.h"

static const char *const categories[] = { "inspection", "licence", "penalty", "levy", "coercion", "other" };

static bool category_known(const char *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(categories); i++)
		if (str_eq(c, categories[i]))
			return true;
	return false;
}

static const char *category_label(const char *c)
{
	if (str_empty(c))
		return "全部类别";
	const char *l = dict_find("pub_category", c);
	return l ? l : c;
}

int cert_scopes_check(struct db *db, const struct cert_input *in, struct errs *all)
{
	size_t before = all->n;
	if (!in || !in->scopes)
		return 0;
	if (in->n_scopes > CERT_SCOPES_MAX)
		errs_add(all, ERR_INVALID, "scope_units", "涵盖范围不能超过 %d 项", CERT_SCOPES_MAX);
	for (size_t i = 0; i < in->n_scopes && i < CERT_SCOPES_MAX; i++) {
		const struct cert_scope *s = &in->scopes[i];
		if (s->unit_id < 0 || (s->unit_id > 0 && !db_scalar_int(db, 0, "SELECT COUNT(*) FROM units WHERE id = ?",
						      (const struct db_val[]){ DB_INT(s->unit_id), DB_END }))) {
			if (!errs_find(all, "scope_units"))
				errs_add(all, ERR_INVALID, "scope_units", "涵盖的单位不存在，请从列表中选择");
		}
		if (!str_empty(s->category) && !category_known(s->category) && !errs_find(all, "scope_categories"))
			errs_add(all, ERR_INVALID, "scope_categories", "事项类别“%s”无效，应为行政许可、行政处罚、行政强制、"
				 "行政征收征用、行政检查或其他", s->category);
	}
	return all->n > before ? -1 : 0;
}

int cert_scopes_write(struct db *db, long long cert_id, long long holder_unit, const struct cert_input *in,
		      bool replace)
{
	if (replace && db_exec(db, "DELETE FROM cert_scopes WHERE cert_id = ?", DB_INT(cert_id)) < 0)
		return -1;
	size_t n = in && in->scopes ? in->n_scopes : 0;
	if (n == 0)
		return db_exec(db, "INSERT INTO cert_scopes(cert_id, unit_id, category) VALUES (?, ?, NULL)",
			       DB_INT(cert_id), DB_INT(holder_unit));
#define UNIT_OF(k) (in->scopes[k].unit_id ? in->scopes[k].unit_id : holder_unit)
	for (size_t i = 0; i < n; i++) {
		const struct cert_scope *s = &in->scopes[i];
		bool dup = false, wider = false;
		for (size_t j = 0; j < i; j++)
			dup |= UNIT_OF(j) == UNIT_OF(i) && str_eq(in->scopes[j].category ? in->scopes[j].category : "",
								  s->category ? s->category : "");
		for (size_t j = 0; j < n; j++) /* every category of the same unit makes one category redundant */
			wider |= j != i && !str_empty(s->category) && UNIT_OF(j) == UNIT_OF(i) &&
				 str_empty(in->scopes[j].category);
		if (dup || wider)
			continue;
		if (db_exec(db, "INSERT INTO cert_scopes(cert_id, unit_id, category) VALUES (?, ?, ?)", DB_INT(cert_id),
			    DB_INT(UNIT_OF(i)), str_empty(s->category) ? DB_NULL : DB_TEXT(s->category)) < 0)
			return -1;
	}
#undef UNIT_OF
	return 0;
}

/* The coverage of one certificate as JSON rows and a sentence. */
static void scopes_of(const struct db_res *r, long long cert_id, json_t *o)
{
	json_t *arr = json_array();
	struct buf text;
	buf_init(&text, 0);
	long long last_unit = -1;
	for (int i = 0; i < r->nrows; i++) {
		if (db_int(r, i, 0) != cert_id)
			continue;
		const char *cat = db_cell(r, i, 3) ? db_text(r, i, 3) : "";
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s}", "unit_id", (json_int_t)db_int(r, i, 1),
						     "unit_name", db_text(r, i, 2), "category", cat,
						     "category_label", category_label(cat)));
		if (db_int(r, i, 1) != last_unit) {
			buf_printf(&text, "%s%s（含下属单位）：", text.len ? "；" : "", db_text(r, i, 2));
			last_unit = db_int(r, i, 1);
		} else
			buf_puts(&text, "、");
		buf_puts(&text, category_label(cat));
	}
	json_object_set_new(o, "scopes", arr);
	json_object_set_new(o, "scope_text", json_string(buf_str(&text)));
	buf_release(&text);
}

int cert_scopes_attach(struct db *db, json_t *certs)
{
	struct db_res *r = NULL;
	/* whole table, in the order a person reads it: unit by tree order, every category first */
	if (db_query(db, &r, "SELECT s.cert_id, s.unit_id, u.name, s.category FROM cert_scopes s JOIN units u ON"
		     " u.id = s.unit_id ORDER BY s.cert_id, u.sort, u.id, CASE WHEN s.category IS NULL THEN 0 ELSE 1 END,"
		     " s.category") < 0)
		return -1;
	if (json_is_object(certs))
		scopes_of(r, json_integer_value(json_object_get(certs, "id")), certs);
	else {
		size_t i;
		json_t *c;
		json_array_foreach(certs, i, c)
			scopes_of(r, json_integer_value(json_object_get(c, "id")), c);
	}
	db_res_free(r);
	return 0;
}

const char *cert_status_on(struct db *db, long long cert_id, const char *date, char *since)
{
	struct db_res *r = NULL;
	const char *st = "valid";
	if (since)
		since[0] = '\0';
	if (db_query(db, &r, "SELECT status, on_date FROM cert_status_changes WHERE cert_id = ? AND on_date <= ?"
		     " ORDER BY on_date DESC, id DESC LIMIT 1", DB_INT(cert_id), DB_TEXT(date)) < 0)
		return NULL;
	if (r->nrows == 1) {
		const char *s = db_text(r, 0, 0);
		st = str_eq(s, "suspended") ? "suspended" : str_eq(s, "revoked") ? "revoked" : "valid";
		if (since)
			snprintf(since, 11, "%s", db_text(r, 0, 1));
	}
	db_res_free(r);
	return st;
}

static bool date_shape_ok(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	char ts[21], back[21];
	snprintf(ts, sizeof ts, "%sT00:00:00Z", s);
	long long t = time_utc_parse(ts);
	if (t < 0)
		return false;
	time_unix_to_utc(t, back);
	return strncmp(back, s, 10) == 0;
}

struct matter {
	long long id, unit_id;
	char *name, *category;
};

/* True when unit is at or below top in the tree u (id, parent_id). */
static bool unit_under(const struct db_res *u, long long unit, long long top)
{
	for (int depth = 0; depth < 64 && unit > 0; depth++) {
		if (unit == top)
			return true;
		long long parent = 0;
		for (int i = 0; i < u->nrows; i++)
			if (db_int(u, i, 0) == unit) {
				parent = db_cell(u, i, 1) ? db_int(u, i, 1) : 0;
				break;
			}
		unit = parent;
	}
	return false;
}

/* The first matter of ms that certificate cert_id (rows of sc: cert_id,
 * unit_id, category) does not cover, -1 when it covers all. */
static int first_uncovered(const struct db_res *sc, const struct db_res *u, long long cert_id,
			   const struct matter *ms, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		bool covered = false;
		for (int i = 0; i < sc->nrows && !covered; i++)
			covered = db_int(sc, i, 0) == cert_id && unit_under(u, ms[k].unit_id, db_int(sc, i, 1)) &&
				  (!db_cell(sc, i, 2) || str_eq(db_text(sc, i, 2), ms[k].category));
		if (!covered)
			return (int)k;
	}
	return -1;
}

static void matters_free(struct matter *ms, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ms[i].name);
		free(ms[i].category);
	}
	free(ms);
}

int cert_check_officer(struct db *db, long long user_id, const long long *matter_ids, size_t n,
		       const char *date, long long *cert_id, struct err *e)
{
	char today[11];
	if (cert_id)
		*cert_id = 0;
	if (!date) {
		time_today_shanghai(today);
		date = today;
	}
	if (!date_shape_ok(date))
		return err_set(e, ERR_INVALID, "on_date", "日期格式不正确，应为 YYYY-MM-DD");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT name FROM users WHERE id = ?", DB_INT(user_id)) < 0)
		return people_db_fail(db, e);
	if (r->nrows != 1) {
		db_res_free(r);
		return err_set(e, ERR_INVALID, "officers", "执法人员不存在（编号 %lld）", user_id);
	}
	char *name = xstrdup(db_text(r, 0, 0));
	db_res_free(r);
	struct matter *ms = xcalloc(n ? n : 1, sizeof *ms);
	size_t nm = 0;
	int rc = -1;
	struct db_res *certs = NULL, *sc = NULL, *u = NULL;
	for (size_t i = 0; i < n; i++) {
		if (db_query(db, &r, "SELECT i.id, COALESCE(v.unit_id, i.unit_id), COALESCE(v.category, i.category),"
			     " COALESCE(v.name, i.name) FROM pub_items i LEFT JOIN pub_item_versions v ON v.item_id = i.id"
			     " AND v.version = i.latest_version WHERE i.id = ? AND i.kind = 'matter'",
			     DB_INT(matter_ids[i])) < 0) {
			people_db_fail(db, e);
			goto out;
		}
		if (r->nrows != 1) {
			db_res_free(r);
			err_set(e, ERR_INVALID, "matters", "执法事项不存在（编号 %lld）", matter_ids[i]);
			goto out;
		}
		ms[nm++] = (struct matter){ db_int(r, 0, 0), db_int(r, 0, 1), xstrdup(db_text(r, 0, 3)),
					    xstrdup(db_text(r, 0, 2)) };
		db_res_free(r);
	}
	/* newest first: the renewal is judged before the certificate it replaced */
	if (db_query(db, &certs, "SELECT id, valid_from, valid_to FROM certificates WHERE user_id = ?"
		     " ORDER BY valid_from DESC, id DESC", DB_INT(user_id)) < 0 ||
	    db_query(db, &sc, "SELECT s.cert_id, s.unit_id, s.category FROM cert_scopes s JOIN certificates c ON"
		     " c.id = s.cert_id WHERE c.user_id = ?", DB_INT(user_id)) < 0 ||
	    db_query(db, &u, "SELECT id, parent_id FROM units") < 0) {
		people_db_fail(db, e);
		goto out;
	}
	if (certs->nrows == 0) {
		err_set(e, ERR_INVALID, "officers", "%s没有执法证，不能参与执法", name);
		goto out;
	}
	/* the reason given for the best certificate that fails: one in force
	 * on date but not covering, else one suspended/revoked on date, else
	 * the nearest by date */
	int uncovered_cert = -1, uncovered_matter = -1, blocked = -1;
	char blocked_since[11] = "";
	const char *blocked_status = NULL;
	for (int i = 0; i < certs->nrows; i++) {
		const char *from = db_text(certs, i, 1), *to = db_text(certs, i, 2);
		if (strcmp(date, from) < 0 || strcmp(date, to) > 0)
			continue;
		char since[11];
		const char *st = cert_status_on(db, db_int(certs, i, 0), date, since);
		if (!st) {
			people_db_fail(db, e);
			goto out;
		}
		if (!str_eq(st, "valid")) {
			if (blocked < 0) {
				blocked = i;
				blocked_status = st;
				memcpy(blocked_since, since, sizeof since);
			}
			continue;
		}
		int k = first_uncovered(sc, u, db_int(certs, i, 0), ms, nm);
		if (k < 0) {
			if (cert_id)
				*cert_id = db_int(certs, i, 0);
			rc = 0;
			goto out;
		}
		if (uncovered_cert < 0) {
			uncovered_cert = i;
			uncovered_matter = k;
		}
	}
	if (uncovered_cert >= 0)
		err_set(e, ERR_INVALID, "officers", "%s的执法证不涵盖执法事项「%s」", name, ms[uncovered_matter].name);
	else if (blocked >= 0)
		err_set(e, ERR_INVALID, "officers", "%s的执法证已%s（%s 起），不能参与执法", name,
			str_eq(blocked_status, "revoked") ? "注销" : "暂扣",
			blocked_since[0] ? blocked_since : db_text(certs, blocked, 1));
	else {
		/* no certificate in force on date: the latest that ended before it, else the earliest to come */
		int past = -1, future = -1;
		for (int i = 0; i < certs->nrows; i++) {
			if (strcmp(db_text(certs, i, 2), date) < 0 && past < 0)
				past = i;
			if (strcmp(db_text(certs, i, 1), date) > 0)
				future = i;
		}
		if (past >= 0)
			err_set(e, ERR_INVALID, "officers", "%s的执法证已于 %s 过期，不能参与执法", name, db_text(certs, past, 2));
		else
			err_set(e, ERR_INVALID, "officers", "%s的执法证自 %s 起生效，%s 尚未生效，不能参与执法", name,
				db_text(certs, future, 1), date);
	}
out:
	db_res_free(certs);
	db_res_free(sc);
	db_res_free(u);
	matters_free(ms, nm);
	free(name);
	return rc;
}
