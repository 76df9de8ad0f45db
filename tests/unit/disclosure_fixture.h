/*
 * disclosure_fixture.h - test fixture of the public side of 事后公开: rows
 * of the publication tables (migration 033) written with plain SQL, each
 * publication and correction with its ledger leaf (ledger_append, the real
 * Merkle log) and its search index (disclosure_search_update), as the
 * publishing side does in its transaction.  Used by the unit tests and by
 * tests/verifier/seed_disclosure.c (the HTTP and browser tests).
 *
 * Header-only; include after core/core.h, store/db.h, ledger/ledger.h and
 * disclosure/search.h.  Every function runs one transaction and returns
 * 0 / an id, or -1 with a message on stderr.
 */
#ifndef ZHIFA_DISCLOSURE_FIXTURE_H
#define ZHIFA_DISCLOSURE_FIXTURE_H
#include "core/core.h"
#include "store/db.h"
#include "store/stamp.h"
#include "ledger/ledger.h"
#include "disclosure/search.h"
#include <openssl/evp.h>

struct fx_pub {
	const char *kind;           /* penalty | licence | ... */
	const char *title, *party, *category, *decision_no, *decision_date;
	const char *period_ends_on; /* NULL = none */
	json_t *fields;             /* borrowed; NULL = {} */
	const char *text;           /* NULL = "" */
	long long body_id, unit_id; /* 0 = the first body and its first office (made when none) */
};

static inline int fx_fail(struct db *db, const char *what)
{
	fprintf(stderr, "fixture: %s: %s\n", what, db_errmsg(db));
	db_rollback(db);
	return -1;
}

static inline void fx_sha256_hex(const char *s, size_t n, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(s, n, md, &len, EVP_sha256(), NULL);
	hex_encode(md, 32, hex);
}

static inline long long fx_scalar(struct db *db, const char *sql)
{
	return db_scalar_int(db, 0, sql, (const struct db_val[]){ DB_END });
}

/* The units, user, document type, case and document a publication hangs on. */
static inline int fx_base(struct db *db, long long *body, long long *unit, long long *user, long long *doc)
{
	char now[21];
	time_now_utc(now);
	*body = fx_scalar(db, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
	if (!*body) {
		if (db_exec(db, "INSERT INTO units (code, name, kind, created_at) VALUES ('fxbody', '测试厅', 'body', ?)",
			    DB_TEXT(now)) < 0)
			return -1;
		*body = fx_scalar(db, "SELECT id FROM units WHERE code = 'fxbody'");
	}
	if (!*unit) {
		*unit = db_scalar_int(db, 0, "SELECT id FROM units WHERE parent_id = ? ORDER BY id LIMIT 1",
				      (const struct db_val[]){ DB_INT(*body), DB_END });
		if (!*unit) {
			if (db_exec(db, "INSERT INTO units (parent_id, code, name, created_at) VALUES (?, 'fxoffice', '测试执法处', ?)",
				    DB_INT(*body), DB_TEXT(now)) < 0)
				return -1;
			*unit = fx_scalar(db, "SELECT id FROM units WHERE code = 'fxoffice'");
		}
	}
	*user = fx_scalar(db, "SELECT id FROM users ORDER BY id LIMIT 1");
	if (!*user) {
		if (db_exec(db, "INSERT INTO users (unit_id, username, name, created_at) VALUES (?, 'fxhead', '测试处长', ?)", DB_INT(*unit), DB_TEXT(now)) < 0)
			return -1;
		*user = fx_scalar(db, "SELECT id FROM users WHERE username = 'fxhead'");
	}
	long long dt = fx_scalar(db, "SELECT id FROM doc_types ORDER BY id LIMIT 1");
	if (!dt) {
		if (db_exec(db, "INSERT INTO doc_types (code, version, name, definition, sha256, effective_from, basis, created_at,"
			    " created_by) VALUES ('fx_doc', 1, '测试文书', '{}', '', '2020-01-01', '', ?, 'system')",
			    DB_TEXT(now)) < 0)
			return -1;
		dt = fx_scalar(db, "SELECT id FROM doc_types WHERE code = 'fx_doc'");
	}
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO cases (procedure_id, procedure_code, kind, body_unit_id, unit_id, title, source,"
		     " source_date, stage, opened_on, last_act_on, created_at, updated_at) VALUES (1, 'fx', 'penalty', ?, ?,"
		     " '测试案件', 'inspection', '2024-01-02', 'decided', '2024-01-02', '2024-01-02', ?, ?) RETURNING id",
		     DB_INT(*body), DB_INT(*unit), DB_TEXT(now), DB_TEXT(now)) < 0)
		return -1;
	long long case_id = db_int(r, 0, 0);
	db_res_free(r);
	if (db_query(db, &r, "INSERT INTO documents (case_id, doc_type_id, type_code, fields, created_by, created_at, updated_at,"
		     " content_sha256) SELECT ?, id, code, '{}', ?, ?, ?, '' FROM doc_types WHERE id = ? RETURNING id",
		     DB_INT(case_id), DB_INT(*user), DB_TEXT(now), DB_TEXT(now), DB_INT(dt)) < 0)
		return -1;
	*doc = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

/* The canonical content of a version. */
static inline char *fx_content(const char *kind, json_t *fields, const char *text)
{
	json_t *c = json_pack("{s:s,s:O,s:s}", "kind", kind, "fields", fields ? fields : json_object(), "text",
			      text ? text : "");
	if (!fields)
		json_decref(json_object_get(c, "fields"));
	char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(c);
	return s;
}

/* Version `version` of pid with content: the row, its leaf and its event. */
static inline int fx_version(struct db *db, long long pid, int version, const char *content, const char *note,
			     const char *prev_sha, long long user)
{
	char now[21], sha[65];
	time_now_utc(now);
	fx_sha256_hex(content, strlen(content), sha);
	json_t *leaf = version == 1
		? json_pack("{s:I,s:i,s:s,s:I}", "publication_id", (json_int_t)pid, "version", version, "sha256", sha, "actor",
			    (json_int_t)user)
		: json_pack("{s:I,s:i,s:s,s:s,s:s,s:I}", "publication_id", (json_int_t)pid, "version", version, "sha256", sha,
			    "previous_sha256", prev_sha, "note_sha256", sha, "actor", (json_int_t)user);
	struct err e = ERR_INIT;
	long long idx = -1;
	int rc = ledger_append(db, version == 1 ? "publication.published" : "publication.corrected", leaf, &idx, &e);
	json_decref(leaf);
	if (rc < 0) {
		fprintf(stderr, "fixture: ledger: %s\n", e.msg);
		return -1;
	}
	if (db_exec(db, "INSERT INTO publication_versions (publication_id, version, content, sha256, note, published_by,"
		    " published_at, leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_INT(pid), DB_INT(version), DB_TEXT(content), DB_TEXT(sha), DB_TEXT(note ? note : ""), DB_INT(user),
		    DB_TEXT(now), DB_INT(idx)) < 0)
		return -1;
	if (db_exec(db, "INSERT INTO publication_events (publication_id, type, version, by_user, at, on_date, leaf_index)"
		    " VALUES (?, ?, ?, ?, ?, substr(?, 1, 10), ?)",
		    DB_INT(pid), DB_TEXT(version == 1 ? "published" : "corrected"), DB_INT(version), DB_INT(user),
		    DB_TEXT(now), DB_TEXT(now), DB_INT(idx)) < 0)
		return -1;
	if (db_exec(db, "UPDATE publications SET state = 'published', current_version = ?, updated_at = ?,"
		    " published_at = COALESCE(published_at, ?), row_version = row_version + 1 WHERE id = ?",
		    DB_INT(version), DB_TEXT(now), DB_TEXT(now), DB_INT(pid)) < 0)
		return -1;
	return 0;
}

static inline int fx_after(struct db *db, long long pid)
{
	struct err e = ERR_INIT;
	if (disclosure_search_update(db, pid, &e) < 0) {
		fprintf(stderr, "fixture: search: %s\n", e.msg);
		return -1;
	}
	return state_stamp_bump(db, STAMP_PORTAL);
}

/* A published decision: returns its id. */
static inline long long fx_publish(struct db *db, const struct fx_pub *p)
{
	if (db_begin(db) < 0)
		return fx_fail(db, "begin");
	long long body = p->body_id, unit = p->unit_id, user, doc;
	if (fx_base(db, &body, &unit, &user, &doc) < 0)
		return fx_fail(db, "base rows");
	char now[21];
	time_now_utc(now);
	struct db_res *r = NULL;
	if (db_query(db, &r, "INSERT INTO publications (case_id, document_id, kind, body_unit_id, unit_id, decision_no,"
		     " decision_date, due_on, state, party_name, category, title, period_ends_on, updated_at)"
		     " SELECT case_id, id, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ? FROM documents WHERE id = ? RETURNING id",
		     DB_TEXT(p->kind), DB_INT(body), DB_INT(unit), DB_TEXT(p->decision_no ? p->decision_no : ""),
		     DB_TEXT(p->decision_date), DB_TEXT(p->decision_date), DB_TEXT(p->party ? p->party : ""),
		     DB_TEXT(p->category ? p->category : ""), DB_TEXT(p->title), DB_TEXTN(p->period_ends_on), DB_TEXT(now),
		     DB_INT(doc)) < 0)
		return fx_fail(db, "publication");
	long long pid = db_int(r, 0, 0);
	db_res_free(r);
	char *content = fx_content(p->kind, p->fields, p->text);
	int rc = fx_version(db, pid, 1, content, "", NULL, user);
	free(content);
	if (rc < 0 || fx_after(db, pid) < 0)
		return fx_fail(db, "version 1");
	if (db_commit(db) < 0)
		return fx_fail(db, "commit");
	return pid;
}

/* A correction: the next version with fields and text, and its note. */
static inline int fx_correct(struct db *db, long long pid, json_t *fields, const char *text, const char *note)
{
	if (db_begin(db) < 0)
		return fx_fail(db, "begin");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT p.kind, p.current_version, v.sha256, v.published_by FROM publications p"
		     " JOIN publication_versions v ON v.publication_id = p.id AND v.version = p.current_version WHERE p.id = ?",
		     DB_INT(pid)) < 0 || !r->nrows) {
		db_res_free(r);
		return fx_fail(db, "no such publication");
	}
	char *content = fx_content(db_text(r, 0, 0), fields, text);
	int rc = fx_version(db, pid, (int)db_int(r, 0, 1) + 1, content, note, db_text(r, 0, 2), db_int(r, 0, 3));
	free(content);
	db_res_free(r);
	if (rc < 0 || fx_after(db, pid) < 0)
		return fx_fail(db, "correction");
	return db_commit(db) < 0 ? fx_fail(db, "commit") : 0;
}

/* A withdrawal (reason 撤销 | 确认违法 | 责令重新作出 | 变更) on day on. */
static inline int fx_withdraw(struct db *db, long long pid, const char *reason, const char *note, const char *on)
{
	if (db_begin(db) < 0)
		return fx_fail(db, "begin");
	char now[21];
	time_now_utc(now);
	json_t *d = json_pack("{s:s}", "note", note);
	char *detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	int rc = db_exec(db, "UPDATE publications SET state = 'withdrawn', withdrawn_on = ?, withdrawn_reason = ?,"
			 " updated_at = ? WHERE id = ?", DB_TEXT(on), DB_TEXT(reason), DB_TEXT(now), DB_INT(pid));
	if (rc == 0)
		rc = db_exec(db, "INSERT INTO publication_events (publication_id, type, version, reason, detail, at, on_date)"
			     " SELECT id, 'withdrawn', current_version, ?, ?, ?, ? FROM publications WHERE id = ?",
			     DB_TEXT(reason), DB_TEXT(detail), DB_TEXT(now), DB_TEXT(on), DB_INT(pid));
	free(detail);
	if (rc < 0 || fx_after(db, pid) < 0)
		return fx_fail(db, "withdrawal");
	return db_commit(db) < 0 ? fx_fail(db, "commit") : 0;
}

/* The end of the period (early: after 信用修复) on day on. */
static inline int fx_expire(struct db *db, long long pid, bool early, const char *on)
{
	if (db_begin(db) < 0)
		return fx_fail(db, "begin");
	char now[21];
	time_now_utc(now);
	int rc = db_exec(db, "UPDATE publications SET state = 'expired', period_ends_on = ?, updated_at = ? WHERE id = ?",
			 DB_TEXT(on), DB_TEXT(now), DB_INT(pid));
	if (rc == 0)
		rc = db_exec(db, "INSERT INTO publication_events (publication_id, type, version, at, on_date)"
			     " SELECT id, ?, current_version, ?, ? FROM publications WHERE id = ?",
			     DB_TEXT(early ? "ended_early" : "expired"), DB_TEXT(now), DB_TEXT(on), DB_INT(pid));
	if (rc < 0 || fx_after(db, pid) < 0)
		return fx_fail(db, "expiry");
	return db_commit(db) < 0 ? fx_fail(db, "commit") : 0;
}

#endif
