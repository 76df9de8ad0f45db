/*
 * test_records_media.c - audio-visual records (src/records/media.c) on the
 * demo department: attaching vault files of the case's unit, every refusal
 * with nothing written, the recording rule of a document (full: a video
 * covering the act; as_needed: a recording or a reason), the late-export
 * flag at its boundary, the reads, the leaf without personal data and the
 * append-only table.  SQLite, or PostgreSQL with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "test_people_util.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "recording/vault.h"
#include "records/media.h"
#include "records/records.h"
#include "review/flow.h"
#include "review/review.h"
#include "ledger/ledger.h"
#include "core/config.h"

#include <sys/stat.h>

static struct db *db;
static struct vault *vault;
static char tmpdir[] = "/tmp/zhifa-media-XXXXXX";
static long long seizure_case; /* demo case 1: 查封扣押, unit 无线电监测站, wx.li + wx.zhao */

static struct actor who(const char *username)
{
	struct actor a;
	long long id = people_user_by_username(db, username);
	if (id <= 0 || people_actor_load(db, id, &a) < 0)
		testdb_bail("no demo user", username);
	snprintf(a.ip, sizeof a.ip, "test");
	return a;
}

static long long demo_media;

static long long count(const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}

struct counts {
	long long media, leaves, oplog;
};
static struct counts snap(void)
{
	return (struct counts){ count("record_media"), count("ledger_leaves"), count("op_log") };
}
static bool same(struct counts a, struct counts b)
{
	return a.media == b.media && a.leaves == b.leaves && a.oplog == b.oplog;
}

static void at(const char *utc)
{
	tp_set_now(time_utc_parse(utc));
}

/* Store bytes in the vault as username at time now (UTC); the sha256. */
static char *store(const char *username, const char *now, const void *bytes, size_t n)
{
	at(now);
	char *path = xasprintf("%s/in.bin", tmpdir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0)
		testdb_bail("write", path);
	struct actor a = who(username);
	struct vault_stored st;
	struct err e = ERR_INIT;
	if (vault_store_path(vault, db, &a, path, NULL, &st, &e) < 0)
		testdb_bail("vault_store_path", e.msg);
	free(path);
	return xasprintf("%s", st.sha256);
}

/* A tiny MP4 (ftyp box) / JPEG / WAV / PDF head, made unique by tag. */
static char *store_video(const char *now, const char *tag)
{
	unsigned char b[256] = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0,
				 'm', 'p', '4', '2', 'i', 's', 'o', 'm' };
	snprintf((char *)b + 32, sizeof b - 32, "%s", tag);
	return store("wx.li", now, b, sizeof b);
}
static char *store_photo(const char *now, const char *tag)
{
	unsigned char b[256] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
	snprintf((char *)b + 32, sizeof b - 32, "%s", tag);
	return store("wx.li", now, b, sizeof b);
}
static char *store_pdf(const char *now)
{
	const char *s = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
	return store("wx.li", now, s, strlen(s));
}

static long long fake_case_of(struct db *d, long long document_id)
{
	(void)d;
	return document_id >= 500 && document_id < 600 ? seizure_case : 0;
}

static long long officer_ids[2];

static struct media_input video_in(const char *sha)
{
	return (struct media_input){ .file_sha256 = sha, .recorder_serial = "DSJ-2026-0031",
				     .officer_ids = officer_ids, .n_officers = 2,
				     .started_at = "2026-09-22 10:00", .ended_at = "2026-09-22 10:40",
				     .place = "昆明市官渡区某小区 5 栋楼顶", .statement_offset_s = 12,
				     .statement_offset_given = true,
				     .summary = "李振宇、赵丽萍出示执法证件，说明扣押事由，当事人在场，扣押发射设备一套" };
}

static void refused(const char *user, struct media_input in, int kind, const char *field, const char *what)
{
	struct counts before = snap();
	struct actor a = who(user);
	struct err e = ERR_INIT;
	struct errs all = ERRS_INIT;
	long long id = 0;
	int rc = media_attach(db, &a, seizure_case, &in, &id, &all, &e);
	ok(rc < 0 && e.kind == kind && (!field || str_eq(e.field, field)) && e.msg[0] && (unsigned char)e.msg[0] >= 0x80,
	   "%s: refused %d %s: %s", what, e.kind, e.field, e.msg);
	ok(same(before, snap()), "%s: nothing written", what);
	errs_release(&all);
}

static long long attach(const char *user, struct media_input in, const char *what)
{
	struct actor a = who(user);
	struct err e = ERR_INIT;
	long long id = 0;
	struct counts before = snap();
	int rc = media_attach(db, &a, seizure_case, &in, &id, NULL, &e);
	struct counts after = snap();
	ok(rc == 0 && id > 0 && after.media == before.media + 1 && after.leaves == before.leaves + 1 &&
		   after.oplog == before.oplog + 1,
	   "%s: attached (%s)", what, e.msg);
	return id;
}

static bool late_of(long long id)
{
	return db_scalar_int(db, -1, "SELECT late FROM record_media WHERE id = ?",
			     (const struct db_val[]){ DB_INT(id), DB_END }) == 1;
}

int main(void)
{
	db = tp_open();
	records_init(); /* the requirement type "record" the default procedures name */
	review_init(); /* and "review" */
	struct err e = ERR_INIT;
	int added = 0;
	if (people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 || party_demo_seed(db, &e) < 0 ||
	    procedure_ensure_defaults(db, &added, &e) < 0 ||
	    review_catalogue_ensure_defaults(db, &added, &e) < 0 || numbering_seed_defaults(db, &e) < 0 ||
	    doc_types_ensure_defaults(db, &added, &e) < 0)
		testdb_bail("demo seed", e.msg);
	if (!mkdtemp(tmpdir))
		testdb_bail("mkdtemp", tmpdir);
	char *data = xasprintf("%s/data", tmpdir);
	mkdir(data, 0700);
	vault = vault_open(data, &e);
	if (!vault)
		testdb_bail("vault_open", e.msg);
	records_demo_install(vault); /* the demo cases finalise the documents their stages require */
	at("2026-09-22T01:00:00Z");
	if (cases_demo_seed(db, &e) < 0)
		testdb_bail("cases demo", e.msg);
	demo_media = count("record_media"); /* the demo's own case files */
	seizure_case = db_scalar_int(db, 0, "SELECT id FROM cases WHERE procedure_code = 'coercion_seizure' ORDER BY id",
				     (const struct db_val[]){ DB_END });
	if (seizure_case <= 0)
		testdb_bail("no seizure case", "");
	officer_ids[0] = people_user_by_username(db, "wx.li");
	officer_ids[1] = people_user_by_username(db, "wx.zhao");
	struct media_document_lookup lk = { fake_case_of, NULL };
	media_set_document_lookup(&lk);

	/* files: the act ran 10:00-10:40 Beijing = 02:00-02:40 UTC */
	char *video = store_video("2026-09-22T05:00:00Z", "full");
	char *short_video = store_video("2026-09-22T05:00:00Z", "short");
	char *photo = store_photo("2026-09-22T05:00:00Z", "photo");
	char *pdf = store_pdf("2026-09-22T05:00:00Z");
	char *other_unit = NULL;
	{
		unsigned char b[64] = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0,
					'm', 'p', '4', '2', 'i', 's', 'o', 'm', 'j', 'n' };
		other_unit = store("jn.zhang", "2026-09-22T05:00:00Z", b, sizeof b);
	}
	at("2026-09-22T06:00:00Z");

	/* ---- refusals, each with nothing written ---- */
	struct media_input in = video_in(video);
	in.statement_offset_s = 2401;
	refused("wx.li", in, ERR_INVALID, "statement_offset_s", "statement moment after the end");
	in.statement_offset_s = -1;
	refused("wx.li", in, ERR_INVALID, "statement_offset_s", "negative statement moment");
	in = video_in(video);
	in.statement_offset_given = false;
	refused("wx.li", in, ERR_INVALID, "statement_offset_s", "statement moment missing");
	in = video_in(video);
	in.ended_at = "2026-09-22 09:59";
	refused("wx.li", in, ERR_INVALID, "ended_at", "end before start");
	in.ended_at = "2026-09-22 10:00";
	refused("wx.li", in, ERR_INVALID, "ended_at", "a video ending when it starts");
	in.ended_at = "2026-09-23 10:00";
	refused("wx.li", in, ERR_INVALID, "ended_at", "end in the future");
	in = video_in(video);
	in.started_at = "2026-09-22 25:00";
	refused("wx.li", in, ERR_INVALID, "started_at", "start not a time");
	in = video_in(pdf);
	refused("wx.li", in, 415, "file_sha256", "a PDF is no recording");
	in = video_in("0000000000000000000000000000000000000000000000000000000000000000");
	refused("wx.li", in, ERR_INVALID, "file_sha256", "unknown file");
	in = video_in("xyz");
	refused("wx.li", in, ERR_INVALID, "file_sha256", "malformed hash");
	in = video_in(other_unit);
	refused("wx.li", in, ERR_INVALID, "file_sha256", "a file of another unit");
	in = video_in(video);
	in.summary = "";
	refused("wx.li", in, ERR_INVALID, "summary", "missing summary");
	in = video_in(video);
	in.recorder_serial = NULL;
	refused("wx.li", in, ERR_INVALID, "recorder_serial", "missing recorder serial");
	in = video_in(video);
	in.place = "";
	refused("wx.li", in, ERR_INVALID, "place", "missing place");
	in = video_in(video);
	in.n_officers = 0;
	refused("wx.li", in, ERR_INVALID, "officer_ids", "no officers");
	long long stranger = people_user_by_username(db, "jn.zhang");
	in.officer_ids = &stranger;
	in.n_officers = 1;
	refused("wx.li", in, ERR_INVALID, "officer_ids", "an officer not of the case");
	in = video_in(video);
	refused("jn.zhang", in, ERR_NOTFOUND, NULL, "case out of scope is 404");
	refused("jiandu", in, ERR_FORBIDDEN, NULL, "a supervisor reads but does not attach");
	in.document_id = 77;
	refused("wx.li", in, ERR_INVALID, "document_id", "a document of no case");
	in = (struct media_input){ .no_recording_reason = "当事人不在场，文字记录已能全面反映" };
	refused("wx.li", in, ERR_INVALID, "document_id", "a reason without a document");
	in = (struct media_input){ 0 };
	refused("wx.li", in, ERR_INVALID, "file_sha256", "nothing at all");
	{
		/* every problem of the form is listed */
		struct media_input bad = video_in(video);
		bad.summary = "";
		bad.place = "";
		bad.statement_offset_s = 99999;
		struct actor a = who("wx.li");
		struct errs all = ERRS_INIT;
		err_clear(&e);
		media_attach(db, &a, seizure_case, &bad, NULL, &all, &e);
		ok(all.n == 3 && errs_find(&all, "summary") && errs_find(&all, "place") &&
			   errs_find(&all, "statement_offset_s"),
		   "all problems are listed (%zu)", all.n);
		errs_release(&all);
	}

	/* ---- the recording rule before anything is attached ---- */
	const char *a0 = "2026-09-22T02:00:00Z", *a1 = "2026-09-22T02:40:00Z";
	err_clear(&e);
	ok(media_check_document(db, 501, "full", a0, a1, &e) < 0 && e.kind == ERR_CONFLICT &&
		   str_eq(e.field, "recording") && strstr(e.msg, "10:00") && strstr(e.msg, "10:40"),
	   "full without a video: refused (%s)", e.msg);
	err_clear(&e);
	ok(media_check_document(db, 501, "as_needed", a0, a1, &e) < 0 && e.kind == ERR_CONFLICT &&
		   str_eq(e.field, "recording"),
	   "as_needed without anything: refused (%s)", e.msg);
	ok(media_check_document(db, 501, "none", a0, a1, &e) == 0 && media_check_document(db, 501, NULL, a0, a1, &e) == 0,
	   "none: nothing needed");
	err_clear(&e);
	ok(media_check_document(db, 501, "full", NULL, NULL, &e) < 0 && e.kind == ERR_CONFLICT,
	   "full without act times: refused (%s)", e.msg);

	/* a photo of the document and a shorter video of the case do not cover a seizure */
	in = video_in(photo);
	in.document_id = 501;
	in.ended_at = "2026-09-22 10:45";
	in.statement_offset_s = 0;
	attach("wx.li", in, "a photo of the document");
	in = video_in(short_video);
	in.started_at = "2026-09-22 10:05";
	attach("wx.zhao", in, "a shorter video of the case");
	err_clear(&e);
	ok(media_check_document(db, 501, "full", a0, a1, &e) < 0 && e.kind == ERR_CONFLICT,
	   "full: a photo and a shorter video do not cover the act (%s)", e.msg);
	ok(media_check_document(db, 501, "as_needed", a0, a1, &e) == 0, "as_needed: the photo of the document counts");
	ok(media_check(db, seizure_case, 0, "as_needed", a0, a1, &e) == 0,
	   "as_needed: a case video meeting the act counts");
	err_clear(&e);
	ok(media_check(db, seizure_case, 0, "as_needed", "2026-09-21T02:00:00Z", "2026-09-21T02:40:00Z", &e) < 0,
	   "as_needed: a case video of another time does not");

	/* the covering video, attached to the case (no document) */
	long long full_id = attach("wx.li", video_in(video), "the full video of the case");
	ok(media_check_document(db, 501, "full", a0, a1, &e) == 0, "full: a case video covering the act meets it");
	ok(media_check_document(db, 502, "full", "2026-09-22T01:59:00Z", a1, &e) < 0,
	   "full: an act starting before the video is not covered");
	ok(media_check(db, 0, 999, "full", a0, a1, &e) < 0, "full: without the case, case rows do not count");
	ok(!late_of(full_id), "stored 2 h 20 min after the end: not late");

	/* as_needed with a stated reason */
	err_clear(&e);
	ok(media_check_document(db, 503, "as_needed", a0, "2026-09-22T02:01:00Z", &e) == 0,
	   "as_needed: meets a case row in its time");
	ok(media_check_document(db, 504, "as_needed", "2026-09-20T02:00:00Z", "2026-09-20T02:10:00Z", &e) < 0,
	   "as_needed: another day, nothing");
	in = (struct media_input){ .document_id = 504, .no_recording_reason = "送达时当事人在场并签收，文字记录已能全面反映" };
	long long reason_id = attach("wx.li", in, "a reason for no recording");
	ok(media_check_document(db, 504, "as_needed", "2026-09-20T02:00:00Z", "2026-09-20T02:10:00Z", &e) == 0,
	   "as_needed: the reason counts");
	ok(media_check_document(db, 504, "full", "2026-09-20T02:00:00Z", "2026-09-20T02:10:00Z", &e) < 0,
	   "full: a reason does not");
	in.summary = "x";
	in.file_sha256 = video;
	refused("wx.li", in, ERR_INVALID, "no_recording_reason", "a file and a reason at once");

	/* ---- the late flag at 24 h (二.(二).4) ---- */
	char *v24 = store_video("2026-09-23T02:40:00Z", "exactly 24h");
	char *v24s = store_video("2026-09-23T02:40:01Z", "24h and a second");
	long long on_time = attach("wx.li", video_in(v24), "stored exactly 24 h after the end");
	long long late = attach("wx.li", video_in(v24s), "stored 24 h and 1 s after the end");
	ok(!late_of(on_time), "exactly 24 h: not late");
	ok(late_of(late), "24 h + 1 s: late");
	struct media_input in12 = video_in(v24);
	in12.export_hours = 12;
	long long late12 = attach("wx.li", in12, "the same file with record_export_hours = 12");
	ok(late_of(late12), "the configured limit applies (12 h)");

	/* the config key (core/config.h) */
	{
		struct config cfg;
		struct buf cerr;
		buf_init(&cerr, 0);
		config_defaults(&cfg, "/tmp");
		ok(cfg.record_export_hours == MEDIA_EXPORT_HOURS_DEFAULT, "record_export_hours defaults to 24");
		ok(config_set(&cfg, "record_export_hours", "12", &cerr) == 0 && cfg.record_export_hours == 12,
		   "record_export_hours = 12 is taken");
		ok(config_set(&cfg, "record_export_hours", "0", &cerr) < 0, "record_export_hours = 0 is refused");
		buf_release(&cerr);
	}

	/* ---- reads ---- */
	json_t *list = NULL;
	struct actor li = who("wx.li");
	ok(media_list(db, &li, seizure_case, &list, &e) == 0 && json_array_size(json_object_get(list, "items")) == 7 &&
		   json_integer_value(json_object_get(list, "late_count")) == 2,
	   "the case lists 7 records, 2 late");
	json_t *first = json_array_get(json_object_get(list, "items"), 0);
	ok(str_eq(json_string_value(json_object_get(first, "kind_label")), "照片") &&
		   str_eq(json_string_value(json_object_get(first, "started_local")), "2026-09-22 10:00") &&
		   json_array_size(json_object_get(first, "officers")) == 2,
	   "items carry labels, Beijing times and officers");
	json_decref(list);
	struct actor jn = who("jn.zhang");
	err_clear(&e);
	ok(media_list(db, &jn, seizure_case, &list, &e) < 0 && e.kind == ERR_NOTFOUND, "out of scope: 404");
	json_t *items = NULL;
	ok(media_for_case(db, seizure_case, &items, &e) == 0 && json_array_size(items) == 6,
	   "media_for_case: the 6 files (no reason row)");
	json_t *m0 = json_array_get(items, 0);
	ok(str_eq(json_string_value(json_object_get(m0, "kind")), "media") &&
		   strlen(json_string_value(json_object_get(m0, "sha256"))) == 64 &&
		   json_integer_value(json_object_get(m0, "leaf_index")) > 0 &&
		   json_integer_value(json_object_get(m0, "size")) > 0 && json_object_get(m0, "sm3"),
	   "media_for_case: the package shape");
	json_decref(items);
	struct actor sup = who("jiandu");
	ok(media_late_list(db, &sup, 0, &list, &e) == 0 && json_integer_value(json_object_get(list, "total")) == 2,
	   "the supervisor sees the 2 late uploads");
	json_decref(list);
	struct actor jnh = who("jn.head");
	ok(media_late_list(db, &jnh, 0, &list, &e) == 0 && json_integer_value(json_object_get(list, "total")) == 0,
	   "a head of another division sees none");
	json_decref(list);
	struct actor wxh = who("wx.head");
	ok(media_late_list(db, &wxh, 0, &list, &e) == 0 && json_integer_value(json_object_get(list, "total")) == 2,
	   "the head of the unit above sees them");
	json_decref(list);
	err_clear(&e);
	ok(media_late_list(db, &li, 0, &list, &e) < 0 && e.kind == ERR_FORBIDDEN, "an officer has no late list");

	/* ---- leaves: ids and hashes only ---- */
	struct db_res *r;
	int leaves = 0, bad = 0;
	if (db_query(db, &r, "SELECT leaf FROM ledger_leaves WHERE leaf LIKE '%record.media%' ORDER BY idx") == 0) {
		for (int i = 0; i < r->nrows; i++) {
			const char *leaf = db_text(r, i, 0);
			leaves++;
			if (strstr(leaf, "李振宇") || strstr(leaf, "官渡区") || strstr(leaf, "DSJ-") || strstr(leaf, "送达"))
				bad++;
		}
		db_res_free(r);
	}
	ok(leaves == 7 + demo_media && bad == 0, "%d record.media leaves (%lld of the demo), none with names, places or text",
	   leaves, demo_media);
	long long leaf_idx = db_scalar_int(db, -1, "SELECT leaf_index FROM record_media WHERE id = ?",
					   (const struct db_val[]){ DB_INT(full_id), DB_END });
	struct buf leaf;
	buf_init(&leaf, 0);
	ok(ledger_leaf(db, leaf_idx, &leaf, NULL, &e) == 0 && strstr(buf_str(&leaf), "\"type\":\"record.media\"") &&
		   strstr(buf_str(&leaf), video) && strstr(buf_str(&leaf), "summary_sha256"),
	   "the row's leaf_index is its record.media leaf, naming the file");
	buf_release(&leaf);

	/* ---- append-only ---- */
	ok(db_exec(db, "UPDATE record_media SET summary = 'x' WHERE id = ?", DB_INT(full_id)) < 0,
	   "UPDATE refused: %s", db_errmsg(db));
	ok(db_exec(db, "DELETE FROM record_media WHERE id = ?", DB_INT(reason_id)) < 0, "DELETE refused: %s",
	   db_errmsg(db));
	ok(count("record_media") == 7 + demo_media, "rows unchanged");

	free(video);
	free(short_video);
	free(photo);
	free(pdf);
	free(other_unit);
	free(v24);
	free(v24s);
	free(data);
	vault_close(vault);
	db_close(db);
	return tap_done();
}
