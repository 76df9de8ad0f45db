/*
 * test_records.c - 执法文书 (src/records/): the catalogue loaded and
 * validated, drafts prefilled from the case, edits with row_version,
 * signatures bound to the version signed (stale after an edit), every
 * refusal of finalising with nothing written (no signature or refusal
 * note, no recording, a wrong password counted as a failed login, missing
 * fields), finalising (number, PDF in the vault, leaves), a final document
 * frozen by the database, corrections, the case file, the gate, and a
 * process killed mid-finalise leaving a draft.  SQLite, or PostgreSQL
 * with ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include <signal.h>
#include "test_people_util.h"
#include "people/demo.h"
#include "publicity/publicity.h"
#include "cases/cases.h"
#include "cases/party.h"
#include "cases/procedure.h"
#include "cases/numbering.h"
#include "recording/vault.h"
#include "records/records.h"
#include "review/flow.h"
#include "review/review.h"
#include "records/media.h"
#include "ledger/ledger.h"
#include "store/blobs.h"

#include <cairo.h>
#include <sys/stat.h>
#include <sys/wait.h>

static struct db *db;
static struct vault *vault;
static char tmpdir[] = "/tmp/zhifa-records-XXXXXX";
static char *data_dir;
static long long seizure_case, hearing_case;

static struct actor who(const char *username)
{
	struct actor a;
	long long id = people_user_by_username(db, username);
	if (id <= 0 || people_actor_load(db, id, &a) < 0)
		testdb_bail("no demo user", username);
	snprintf(a.ip, sizeof a.ip, "test");
	return a;
}

static long long count(const char *sql)
{
	return db_scalar_int(db, -1, sql, (const struct db_val[]){ DB_END });
}

struct counts {
	long long docs, finals, sigs, leaves, oplog, blobs;
};
static struct counts snap(void)
{
	return (struct counts){ count("SELECT COUNT(*) FROM documents"),
				count("SELECT COUNT(*) FROM documents WHERE status = 'final'"),
				count("SELECT COUNT(*) FROM document_signatures"), count("SELECT COUNT(*) FROM ledger_leaves"),
				count("SELECT COUNT(*) FROM op_log"), count("SELECT COUNT(*) FROM blobs") };
}
static bool same(struct counts a, struct counts b)
{
	return a.docs == b.docs && a.finals == b.finals && a.sigs == b.sigs && a.leaves == b.leaves &&
	       a.oplog == b.oplog && a.blobs == b.blobs;
}
static bool chinese(const char *s)
{
	return s && (unsigned char)s[0] >= 0x80;
}

static void at(const char *utc)
{
	tp_set_now(time_utc_parse(utc));
}

/* A PNG of a scribble (a signature on the screen). */
static cairo_status_t png_out(void *c, const unsigned char *d, unsigned int n)
{
	buf_add(c, d, n);
	return CAIRO_STATUS_SUCCESS;
}
static void make_png(struct buf *b, int seed)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 120);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 3);
	cairo_move_to(cr, 10, 60);
	for (int i = 1; i < 12; i++)
		cairo_line_to(cr, 10 + i * 25, 60 + ((i * 37 + seed) % 50) - 25);
	cairo_stroke(cr);
	cairo_destroy(cr);
	cairo_surface_write_to_png_stream(s, png_out, b);
	cairo_surface_destroy(s);
}

static json_t *get_doc(const char *user, long long id)
{
	struct actor a = who(user);
	json_t *o = NULL;
	struct err e = ERR_INIT;
	if (records_get(db, &a, id, &o, &e) < 0)
		testdb_bail("records_get", e.msg);
	return o;
}
static const char *js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}
static int rowv(long long id)
{
	return (int)db_scalar_int(db, 0, "SELECT row_version FROM documents WHERE id = ?",
				  (const struct db_val[]){ DB_INT(id), DB_END });
}
/* A string member of the document (a copy). */
static char *doc_str(const char *user, long long id, const char *key)
{
	json_t *o = get_doc(user, id);
	char *s = xstrdup(js(o, key));
	json_decref(o);
	return s;
}
static bool doc_is(const char *user, long long id, const char *key, const char *want)
{
	char *s = doc_str(user, id, key);
	bool r = str_eq(s, want);
	free(s);
	return r;
}

static char *hash_of(long long id)
{
	json_t *o = get_doc("wx.li", id);
	char *h = xstrdup(js(o, "content_sha256"));
	json_decref(o);
	return h;
}

static long long create(const char *user, long long case_id, const char *code)
{
	struct actor a = who(user);
	struct record_create_input in = { .type_code = code };
	long long id = 0;
	struct err e = ERR_INIT;
	if (records_create(db, &a, case_id, &in, &id, &e) < 0)
		testdb_bail("records_create", e.msg);
	return id;
}

static int update(const char *user, long long id, const char *json, struct err *e)
{
	struct actor a = who(user);
	json_t *f = json_loads(json, 0, NULL);
	if (!f)
		testdb_bail("bad test JSON", json);
	int rc = records_update(db, &a, id, rowv(id), f, NULL, e);
	json_decref(f);
	return rc;
}

static int sign_screen(const char *user, long long id, const char *hash, struct err *e)
{
	struct actor a = who(user);
	struct buf png;
	buf_init(&png, 0);
	make_png(&png, (int)id);
	struct record_signature_input in = { .kind = "screen", .content_sha256 = hash, .signer_role = "party",
					     .signer_name = "张建国", .png = (const unsigned char *)png.data,
					     .png_len = png.len };
	int rc = records_sign(db, vault, &a, id, &in, NULL, e);
	buf_release(&png);
	return rc;
}

static int finalise(const char *user, long long id, const char *pw, struct err *e)
{
	struct actor a = who(user);
	return records_finalise(db, vault, &a, id, rowv(id), pw, NULL, e);
}

/* A refusal: kind and field as expected, a Chinese message, nothing written. */
#define REFUSED(call, kind_, field_, what)                                                                  \
	do {                                                                                                 \
		struct counts b_ = snap();                                                                   \
		struct err e_ = ERR_INIT;                                                                    \
		int rc_ = (call);                                                                            \
		ok(rc_ < 0 && e_.kind == (kind_) && str_eq(e_.field, field_) && chinese(e_.msg),           \
		   "%s: refused %d %s: %s", what, e_.kind, e_.field, e_.msg);                                \
		ok(same(b_, snap()), "%s: nothing written", what);                                          \
	} while (0)

static void seed(void)
{
	struct err e = ERR_INIT;
	int added = 0;
	records_init();
	review_init(); /* and "review" */
	if (people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 || party_demo_seed(db, &e) < 0 ||
	    procedure_ensure_defaults(db, &added, &e) < 0 ||
	    review_catalogue_ensure_defaults(db, &added, &e) < 0 || numbering_seed_defaults(db, &e) < 0)
		testdb_bail("demo seed", e.msg);
	int lrc = doc_types_ensure_defaults(db, &added, &e);
	ok(lrc == 0 && added == 30, "30 document types loaded (%d, %s)", added, e.msg);
	ok(doc_types_ensure_defaults(db, &added, &e) == 0 && added == 0, "a second start loads none");
	if (!mkdtemp(tmpdir))
		testdb_bail("mkdtemp", tmpdir);
	data_dir = xasprintf("%s/data", tmpdir);
	mkdir(data_dir, 0700);
	vault = vault_open(data_dir, &e);
	if (!vault)
		testdb_bail("vault_open", e.msg);
	records_demo_install(vault);
	at("2026-09-22T01:00:00Z");
	if (cases_demo_seed(db, &e) < 0)
		testdb_bail("cases demo", e.msg);
	seizure_case = count("SELECT MIN(id) FROM cases WHERE procedure_code = 'coercion_seizure'");
	hearing_case = db_scalar_int(db, 0, "SELECT MIN(id) FROM cases WHERE procedure_code = 'penalty_general' AND stage = 'hearing'",
				     (const struct db_val[]){ DB_END });
	if (seizure_case <= 0 || hearing_case <= 0)
		testdb_bail("demo cases", "");
}

static void test_catalogue(void)
{
	json_t *defs = doc_types_defaults(NULL);
	const char *need[] = { "立案审批表", "现场笔录（现场检查记录）", "询问通知书", "询问笔录", "勘验笔录", "抽样取证凭证",
			       "先行登记保存证据通知书", "查封扣押决定书", "查封扣押（场所、设施、财物）清单",
			       "责令限期整改指令书", "行政处罚告知书", "陈述申辩笔录", "听证告知书", "听证通知书", "听证笔录",
			       "听证报告书", "案件处理呈批表", "集体讨论记录", "行政处罚决定书", "不予行政处罚决定书",
			       "当场行政处罚决定书", "送达回证", "延期审批表", "结案审批表", "受理通知书", "不予受理通知书",
			       "准予行政许可决定书", "不予行政许可决定书" };
	int found = 0, party_sig_ok = 1, remedies_ok = 1, basis_ok = 1;
	const char *code;
	json_t *p;
	json_object_foreach(defs, code, p) {
		const json_t *d = json_object_get(p, "definition");
		for (size_t i = 0; i < ARRAY_SIZE(need); i++)
			found += str_eq(js(d, "name"), need[i]);
		if (!strstr(js(d, "basis"), "第"))
			basis_ok = 0;
		if (json_is_true(json_object_get(d, "remedies")) && !json_is_true(json_object_get(d, "handed_to_party")))
			remedies_ok = 0;
		if ((str_eq(code, "site_record") || str_eq(code, "inquiry_record") || str_eq(code, "hearing_record") ||
		     str_eq(code, "seizure_list") || str_eq(code, "service_receipt")) &&
		    !json_is_true(json_object_get(d, "party_signature")))
			party_sig_ok = 0;
	}
	is_int(found, 28, "every type the issue lists is in the catalogue");
	ok(basis_ok, "every type cites its basis by article");
	ok(party_sig_ok, "现场笔录, 询问笔录, 听证笔录, 查封扣押清单, 送达回证 need the party's signature");
	ok(remedies_ok, "remedies only on documents handed to the party");
	ok(str_eq(js(json_object_get(json_object_get(defs, "seizure_decision"), "definition"), "recording"), "full"),
	   "查封扣押决定书 needs full recording");
	json_decref(defs);
	/* validation names every problem */
	json_t *bad = json_loads("{\"code\":\"Bad\",\"name\":\"\",\"procedures\":[],\"stages\":[\"x\"],\"fields\":"
				 "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"bogus\"},{\"key\":\"a\",\"label\":\"乙\",\"type\":\"select\"}],"
				 "\"phrases\":[],\"signers\":[\"officers\"],\"handed_to_party\":false,\"numbered\":true,"
				 "\"number_kind\":\"nope\",\"party_signature\":true,\"recording\":\"full\",\"remedies\":true,\"rights\":[]}",
				 0, NULL);
	struct errs all = ERRS_INIT;
	ok(doc_type_validate(bad, &all) < 0 && errs_find(&all, "code") && errs_find(&all, "name") &&
		   errs_find(&all, "basis") && errs_find(&all, "procedures") && errs_find(&all, "fields[0]") &&
		   errs_find(&all, "fields[1]") && errs_find(&all, "fields") && errs_find(&all, "number_kind") &&
		   errs_find(&all, "recording") && errs_find(&all, "remedies") && errs_find(&all, "signers"),
	   "a broken definition: every problem named (%zu)", all.n);
	errs_release(&all);
	json_decref(bad);
	/* the list for a case: its procedure's types, the stage's first */
	struct actor a = who("wx.li");
	json_t *l = NULL;
	struct err e = ERR_INIT;
	ok(doc_types_list(db, &a, seizure_case, &l, &e) == 0, "types for the seizure case");
	json_t *items = json_object_get(l, "items");
	ok(json_array_size(items) > 2 && json_is_true(json_object_get(json_array_get(items, 0), "suggested")),
	   "the current stage's types first");
	size_t i;
	json_t *x;
	bool has_penalty = false;
	json_array_foreach(items, i, x) has_penalty = has_penalty || str_eq(js(x, "code"), "penalty_decision");
	ok(!has_penalty, "no 行政处罚决定书 for a seizure case");
	json_decref(l);
	struct actor out = who("jn.zhang");
	ok(doc_types_list(db, &out, seizure_case, &l, &e) < 0 && e.kind == ERR_NOTFOUND, "a case out of view is 404");
}

static long long list_id; /* the 查封扣押清单 finalised */

static void test_draft_sign_finalise(void)
{
	struct err e = ERR_INIT;
	struct actor li = who("wx.li");
	/* refusals of creating */
	struct record_create_input ci = { .type_code = "penalty_decision" };
	REFUSED(records_create(db, &li, seizure_case, &ci, NULL, &e_), ERR_INVALID, "type_code", "a type of another procedure");
	ci.type_code = "no_such_type";
	REFUSED(records_create(db, &li, seizure_case, &ci, NULL, &e_), ERR_INVALID, "type_code", "an unknown type");
	struct actor zhang = who("jn.zhang");
	ci.type_code = "seizure_list";
	REFUSED(records_create(db, &zhang, seizure_case, &ci, NULL, &e_), ERR_NOTFOUND, "id", "a case out of view");
	struct actor sup = who("jiandu");
	REFUSED(records_create(db, &sup, seizure_case, &ci, NULL, &e_), ERR_FORBIDDEN, "", "a supervisor reads only");
	ci = (struct record_create_input){ .type_code = "seizure_list", .correction_reason = "写错了" };
	REFUSED(records_create(db, &li, seizure_case, &ci, NULL, &e_), ERR_INVALID, "corrects_id",
		"a correction that names no original");

	struct counts b = snap();
	long long id = create("wx.li", seizure_case, "seizure_list");
	struct counts a1 = snap();
	ok(a1.docs == b.docs + 1 && a1.leaves == b.leaves + 1 && a1.oplog == b.oplog + 1, "draft: row, leaf, op_log");
	json_t *d = get_doc("wx.li", id);
	const json_t *f = json_object_get(d, "fields");
	ok(strstr(js(f, "officers"), "执法证号") && strstr(js(f, "officers"), "李"), "officers prefilled with certificates: %s",
	   js(f, "officers"));
	ok(!str_empty(js(f, "party")), "party prefilled: %s", js(f, "party"));
	ok(str_eq(js(d, "status"), "draft") && str_eq(js(d, "status_label"), "草稿"), "a draft");
	ok(json_array_size(json_object_get(d, "needs")) >= 3, "needs lists what is missing");
	json_decref(d);
	ok(count("SELECT COUNT(*) FROM op_log WHERE action = 'record.read'") > 0, "the read is in op_log");

	/* bad edits */
	REFUSED(update("wx.li", id, "{\"items\":\"不是清单\"}", &e_), ERR_INVALID, "fields.items", "a list that is no list");
	REFUSED(update("wx.li", id, "{\"colour\":\"红\"}", &e_), ERR_INVALID, "fields.colour", "an unknown field");
	REFUSED(update("wx.li", id, "{\"started_at\":\"2026-02-30T10:00\"}", &e_), ERR_INVALID, "fields.started_at",
		"an impossible date");
	{
		struct actor a = who("wx.li");
		json_t *fj = json_loads("{\"place\":\"官渡区\"}", 0, NULL);
		REFUSED(records_update(db, &a, id, rowv(id) - 1 + 5, fj, NULL, &e_), ERR_CONFLICT, "row_version",
			"a stale row_version");
		json_decref(fj);
	}
	const char *good = "{\"party\":\"张建国（居民身份证：5301********0018）\",\"place\":\"昆明市官渡区某小区 5 栋楼顶\","
			   "\"started_at\":\"2026-09-22T10:00\",\"ended_at\":\"2026-09-22T10:40\","
			   "\"items\":[{\"name\":\"调频发射机\",\"spec\":\"FM-300W\",\"quantity\":\"1\",\"unit\":\"台\"},"
			   "{\"name\":\"发射天线\",\"quantity\":2,\"unit\":\"副\"}],"
			   "\"officers\":\"李振宇（执法证号 53000000001）、赵丽萍（执法证号 53000000002）\"}";
	ok(update("wx.li", id, good, &e) == 0, "the draft filled in (%s)", e.msg);
	ok(doc_is("wx.li", id, "act_started_at", "2026-09-22T02:00:00Z"), "act start in UTC from Beijing time");

	/* finalising without the party's signature or a refusal note */
	REFUSED(finalise("wx.li", id, PEOPLE_DEMO_PASSWORD, &e_), ERR_CONFLICT, "signature",
		"finalise without a signature or refusal note");
	/* a signature for another version */
	REFUSED(sign_screen("wx.li", id, "0000000000000000000000000000000000000000000000000000000000000000", &e_),
		ERR_CONFLICT, "content_sha256", "a signature for another version");
	{
		struct actor a = who("wx.li");
		struct record_signature_input in = { .kind = "screen", .content_sha256 = hash_of(id), .signer_role = "party",
						     .signer_name = "张建国", .png = (const unsigned char *)"GIF89a-not-png",
						     .png_len = 14 };
		REFUSED(records_sign(db, vault, &a, id, &in, NULL, &e_), ERR_INVALID, "image", "an image that is no PNG");
		in = (struct record_signature_input){ .kind = "refused", .content_sha256 = in.content_sha256,
						      .signer_name = "张建国" };
		REFUSED(records_sign(db, vault, &a, id, &in, NULL, &e_), ERR_INVALID, "refusal_reason",
			"a refusal without a reason");
		free((char *)in.content_sha256);
	}
	char *h = hash_of(id);
	b = snap();
	ok(sign_screen("wx.li", id, h, &e) == 0, "the party signs on the screen (%s)", e.msg);
	a1 = snap();
	ok(a1.sigs == b.sigs + 1 && a1.blobs == b.blobs + 1 && a1.leaves == b.leaves + 2, "signature row, PNG in the vault, leaves");
	ok(count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.signed%'") >= 1, "record.signed leaf");
	free(h);
	/* an edit makes it stale */
	ok(update("wx.li", id, "{\"party\":\"张建国\",\"place\":\"昆明市官渡区某小区 5 栋楼顶（东侧）\",\"started_at\":\"2026-09-22T10:00\","
			       "\"ended_at\":\"2026-09-22T10:40\",\"items\":[{\"name\":\"调频发射机\"}],\"officers\":\"李振宇、赵丽萍\"}",
		  &e) == 0,
	   "edited after signing");
	d = get_doc("wx.li", id);
	ok(!json_is_true(json_object_get(json_array_get(json_object_get(d, "signatures"), 0), "current")),
	   "the signature is stale");
	json_decref(d);
	REFUSED(finalise("wx.li", id, PEOPLE_DEMO_PASSWORD, &e_), ERR_CONFLICT, "signature", "a stale signature does not count");
	h = hash_of(id);
	ok(sign_screen("wx.li", id, h, &e) == 0, "signed again (%s)", e.msg);
	free(h);
	/* the recording rule: a seizure is recorded in full */
	REFUSED(finalise("wx.li", id, PEOPLE_DEMO_PASSWORD, &e_), ERR_CONFLICT, "recording", "a seizure without video");
	{
		json_t *nd = get_doc("wx.li", id);
		char *needs = json_dumps(json_object_get(nd, "needs"), 0);
		ok(needs && strstr(needs, "音像") != NULL, "needs names the missing recording: %s", needs ? needs : "");
		free(needs);
		json_decref(nd);
	}
	/* a wrong password: refused, counted as a failed login */
	long long fails = count("SELECT failed_count FROM users WHERE username = 'wx.li'");
	REFUSED(finalise("wx.li", id, "wrong-password", &e_), ERR_CONFLICT, "recording", "(still no video)");
	{
		/* a video covering 10:00-10:40 */
		at("2026-09-22T03:00:00Z");
		unsigned char v[256] = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0,
					 'm', 'p', '4', '2', 'i', 's', 'o', 'm', 'r', 'e', 'c' };
		char *path = xasprintf("%s/v.mp4", tmpdir);
		FILE *fp = fopen(path, "wb");
		fwrite(v, 1, sizeof v, fp);
		fclose(fp);
		struct vault_stored st;
		ok(vault_store_path(vault, db, &li, path, NULL, &st, &e) == 0, "video stored");
		free(path);
		long long offs[2] = { people_user_by_username(db, "wx.li"), people_user_by_username(db, "wx.zhao") };
		struct media_input mi = { .document_id = id, .file_sha256 = st.sha256, .recorder_serial = "DSJ-01",
					  .officer_ids = offs, .n_officers = 2, .started_at = "2026-09-22 09:58",
					  .ended_at = "2026-09-22 10:45", .place = "官渡区", .statement_offset_s = 10,
					  .statement_offset_given = true, .summary = "扣押全程录像" };
		ok(media_attach(db, &li, seizure_case, &mi, NULL, NULL, &e) == 0, "video attached (%s)", e.msg);
	}
	REFUSED(finalise("wx.li", id, "wrong-password", &e_), ERR_INVALID, "password", "a wrong password");
	ok(count("SELECT failed_count FROM users WHERE username = 'wx.li'") == fails + 1,
	   "the wrong password counts like a failed login");
	REFUSED(finalise("wx.li", id, "", &e_), ERR_INVALID, "password", "no password");
	b = snap();
	long long confirmed = count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.confirmed%'");
	json_t *res = NULL;
	ok(records_finalise(db, vault, &li, id, rowv(id), PEOPLE_DEMO_PASSWORD, &res, &e) == 0, "finalised (%s)", e.msg);
	a1 = snap();
	ok(a1.finals == b.finals + 1 && a1.blobs == b.blobs + 1 && a1.sigs == b.sigs + 1, "final, PDF stored, confirmation row");
	ok(count("SELECT failed_count FROM users WHERE username = 'wx.li'") == 0, "the right password clears the count");
	d = get_doc("wx.li", id);
	ok(str_eq(js(d, "status"), "final") && json_integer_value(json_object_get(d, "pdf_pages")) >= 1 &&
		   strlen(js(d, "pdf_sha256")) == 64,
	   "final with its PDF (%lld pages)", (long long)json_integer_value(json_object_get(d, "pdf_pages")));
	/* the leaf names the PDF's hash where ledger_find finds it */
	unsigned char hb[32];
	hex_decode(js(d, "pdf_sha256"), hb, sizeof hb);
	long long idx = -1;
	const char *how = NULL;
	ok(ledger_find(db, hb, 1LL << 40, &idx, &how, &e) == 0, "ledger_find finds the PDF (%s)", how ? how : e.msg);
	struct buf leaf;
	buf_init(&leaf, 0);
	ledger_leaf(db, json_integer_value(json_object_get(d, "leaf_index")), &leaf, NULL, &e);
	ok(strstr(buf_str(&leaf), "\"type\":\"record.finalised\"") && strstr(buf_str(&leaf), js(d, "pdf_sha256")) &&
		   strstr(buf_str(&leaf), "\"sm3\"") && !strstr(buf_str(&leaf), "张建国"),
	   "record.finalised: ids and hashes only");
	buf_release(&leaf);
	ok(count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.confirmed%'") == confirmed + 1,
	   "record.confirmed leaf");
	/* the stored PDF is the one the leaf names */
	struct buf pdf;
	buf_init(&pdf, 0);
	char *fn = NULL;
	ok(records_pdf(db, vault, &li, id, &pdf, &fn, &e) == 0 && pdf.len > 1000 && memcmp(pdf.data, "%PDF", 4) == 0,
	   "the stored PDF is read back (%zu bytes)", pdf.len);
	free(fn);
	buf_release(&pdf);
	json_decref(res);
	/* frozen */
	REFUSED(update("wx.li", id, good, &e_), ERR_CONFLICT, "status", "an edit of a finalised document");
	REFUSED(sign_screen("wx.li", id, js(d, "content_sha256"), &e_), ERR_CONFLICT, "status", "signing a final document");
	REFUSED(finalise("wx.li", id, PEOPLE_DEMO_PASSWORD, &e_), ERR_CONFLICT, "status", "finalising twice");
	ok(db_exec(db, "UPDATE documents SET fields = '{}' WHERE id = ?", DB_INT(id)) < 0, "the database refuses to change a final row");
	ok(db_exec(db, "DELETE FROM documents WHERE id = ?", DB_INT(id)) < 0, "or to delete a document");
	ok(db_exec(db, "DELETE FROM document_signatures") < 0, "or a signature");
	json_decref(d);
	list_id = id;
}

static void test_refusal_and_correction(void)
{
	struct err e = ERR_INIT;
	/* a 询问笔录 on the hearing case: refusal with reason and witness */
	long long id = create("jn.zhang", hearing_case, "inquiry_record");
	ok(update("jn.zhang", id, "{\"place\":\"本厅 3 楼询问室\",\"started_at\":\"2026-09-22T09:00\",\"ended_at\":\"2026-09-22T09:50\","
				  "\"respondent\":\"王某\",\"officers\":\"张某、刘某\",\"recorder\":\"刘某\",\"credentials_shown\":true,"
				  "\"content\":\"问：你公司是否仍在使用淘汰电机？答：是。\"}",
		  &e) == 0,
	   "the inquiry record filled (%s)", e.msg);
	struct actor z = who("jn.zhang");
	char *h = doc_str("jn.zhang", id, "content_sha256");
	struct record_signature_input in = { .kind = "refused", .content_sha256 = h, .signer_name = "王某",
					     .refusal_reason = "当事人认为笔录内容对其不利，拒绝签名", .witness_name = "李四",
					     .witness_id_number = "530102199001011234" };
	ok(records_sign(db, vault, &z, id, &in, NULL, &e) == 0, "refusal noted with a witness (%s)", e.msg);
	json_t *d = get_doc("jn.zhang", id);
	const json_t *s0 = json_array_get(json_object_get(d, "signatures"), 0);
	ok(str_eq(js(s0, "witness_id_number"), "5301**********1234"), "the witness number is masked: %s",
	   js(s0, "witness_id_number"));
	json_decref(d);
	/* as_needed recording: a stated reason for none */
	struct media_input mi = { .document_id = id, .no_recording_reason = "询问在办公场所进行，文字记录已全面反映" };
	ok(media_attach(db, &z, hearing_case, &mi, NULL, NULL, &e) == 0, "no-recording reason given (%s)", e.msg);
	ok(finalise("jn.zhang", id, PEOPLE_DEMO_PASSWORD, &e) == 0, "finalised with the refusal note (%s)", e.msg);
	free(h);
	/* corrections */
	struct record_create_input ci = { .corrects_id = id };
	REFUSED(records_create(db, &z, hearing_case, &ci, NULL, &e_), ERR_INVALID, "correction_reason",
		"a correction without a reason");
	long long draft = create("jn.zhang", hearing_case, "inquiry_notice");
	ci = (struct record_create_input){ .corrects_id = draft, .correction_reason = "更正" };
	REFUSED(records_create(db, &z, hearing_case, &ci, NULL, &e_), ERR_INVALID, "corrects_id", "a correction of a draft");
	ci = (struct record_create_input){ .corrects_id = list_id, .correction_reason = "更正" };
	struct actor li = who("wx.li");
	(void)li;
	REFUSED(records_create(db, &z, hearing_case, &ci, NULL, &e_), ERR_INVALID, "corrects_id",
		"a correction naming a document of another case");
	ci = (struct record_create_input){ .corrects_id = id, .correction_reason = "询问地点记录有误，应为 4 楼询问室" };
	long long cid = 0;
	ok(records_create(db, &z, hearing_case, &ci, &cid, &e) == 0 && cid > 0, "a correction (%s)", e.msg);
	d = get_doc("jn.zhang", cid);
	ok(json_integer_value(json_object_get(d, "corrects_id")) == id &&
		   str_eq(js(json_object_get(d, "fields"), "place"), "本厅 3 楼询问室"),
	   "the correction names the original and starts from its fields");
	json_decref(d);
	ok(count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.corrected%'") == 1, "record.corrected leaf");
	REFUSED(records_create(db, &z, hearing_case, &ci, NULL, &e_), ERR_CONFLICT, "corrects_id", "a second correction");
	d = get_doc("jn.zhang", id);
	ok(str_eq(js(d, "status"), "final") && json_integer_value(json_object_get(d, "corrected_by_id")) == cid,
	   "the original stays, naming its correction");
	json_decref(d);
	/* the correction finalised: the original shows 已更正 */
	char *ch = doc_str("jn.zhang", cid, "content_sha256");
	struct record_signature_input rin = { .kind = "refused", .content_sha256 = ch, .signer_name = "王某",
					      .refusal_reason = "当事人拒绝在更正后的笔录上签名" };
	ok(records_sign(db, vault, &z, cid, &rin, NULL, &e) == 0, "refusal on the correction (%s)", e.msg);
	free(ch);
	struct media_input cmi = { .document_id = cid, .no_recording_reason = "更正笔录，无须另行录像" };
	ok(media_attach(db, &z, hearing_case, &cmi, NULL, NULL, &e) == 0 && finalise("jn.zhang", cid, PEOPLE_DEMO_PASSWORD, &e) == 0,
	   "the correction finalised (%s)", e.msg);
	/* the list in case-file order */
	json_t *l = NULL;
	ok(records_list(db, &z, hearing_case, &l, &e) == 0 && json_array_size(json_object_get(l, "items")) >= 3, "the list");
	size_t i;
	json_t *x;
	const char *label = "";
	json_array_foreach(json_object_get(l, "items"), i, x) if (json_integer_value(json_object_get(x, "id")) == id) label =
		js(x, "status_label");
	ok(str_eq(label, "已更正"), "the original is shown 已更正 (%s)", label);
	json_decref(l);
}

static void test_case_file_and_gate(void)
{
	struct err e = ERR_INIT;
	struct actor li = who("wx.li");
	json_t *cf = NULL;
	ok(records_case_file(db, &li, seizure_case, &cf, &e) == 0, "the case file (%s)", e.msg);
	json_t *items = json_object_get(cf, "items");
	bool doc = false, sig = false, media = false;
	size_t i;
	json_t *x;
	json_array_foreach(items, i, x) {
		doc = doc || (str_eq(js(x, "kind"), "document") && strlen(js(x, "sha256")) == 64);
		sig = sig || (str_eq(js(x, "kind"), "signature") && str_eq(js(x, "media_type"), "image/png"));
		media = media || str_eq(js(x, "kind"), "media");
	}
	ok(doc && sig && media, "documents, signature images and media with their hashes");
	json_decref(cf);
	/* the gate: leaving the seizure stage needs the decision too */
	json_t *needs = NULL;
	ok(case_needs(db, &li, seizure_case, &needs, &e) == 0, "needs of the seizure stage");
	bool list_met = false, decision_unmet = false;
	json_array_foreach(needs, i, x) {
		if (str_eq(js(x, "type"), "record") && strstr(js(x, "name"), "清单"))
			list_met = json_is_true(json_object_get(x, "met"));
		if (str_eq(js(x, "type"), "record") && strstr(js(x, "name"), "决定书"))
			decision_unmet = !json_is_true(json_object_get(x, "met")) && chinese(js(x, "message"));
	}
	ok(list_met && decision_unmet, "the 清单 is met, the 决定书 not yet");
	json_decref(needs);
}

/* Text of a PDF (pdftotext), caller frees. */
static char *pdf_text(const struct buf *pdf)
{
	char *path = xasprintf("%s/doc.pdf", tmpdir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(pdf->data, 1, pdf->len, f) != pdf->len || fclose(f) != 0)
		testdb_bail("write", path);
	char *cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	struct buf out;
	buf_init(&out, 0);
	char chunk[4096];
	size_t n;
	while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&out, chunk, n);
	if (p)
		pclose(p);
	free(cmd);
	free(path);
	/* pdftotext breaks lines where pango did: join them */
	struct buf j;
	buf_init(&j, 0);
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] != '\n' && out.data[i] != ' ')
			buf_putc(&j, out.data[i]);
	buf_release(&out);
	return buf_detach(&j, NULL);
}

/* A document handed to the party tells the officers, their certificates
 * and the remedies (事中公示); a scan of the paper signed counts. */
static void test_notice_and_scan(void)
{
	struct err e = ERR_INIT;
	struct actor li = who("wx.li");
	long long id = create("wx.li", seizure_case, "seizure_decision");
	struct buf pdf;
	buf_init(&pdf, 0);
	ok(records_pdf(db, vault, &li, id, &pdf, NULL, &e) == 0, "a draft 查封扣押决定书 rendered (%s)", e.msg);
	char *text = pdf_text(&pdf);
	struct db_res *r;
	bool certs = true;
	if (db_query(db, &r, "SELECT c.cert_no FROM case_officers o JOIN certificates c ON c.id = o.cert_id"
			     " WHERE o.case_id = ? AND o.until_act IS NULL", DB_INT(seizure_case)) == 0) {
		for (int i = 0; i < r->nrows; i++)
			certs = certs && strstr(text, db_text(r, i, 0)) != NULL;
		certs = certs && r->nrows >= 2;
		db_res_free(r);
	}
	ok(certs, "the officers' certificate numbers are in the PDF's text");
	ok(strstr(text, "李振宇") || strstr(text, "执法证号"), "the officers' names are in the text");
	ok(strstr(text, "六十日内") && strstr(text, "六个月内") && strstr(text, "行政复议") && strstr(text, "行政诉讼"),
	   "the remedies with their time limits are in the text");
	ok(strstr(text, "周小川") != NULL, "the assistant present is named (事中公示)");
	free(text);
	buf_release(&pdf);
	/* a scan: an image of the case's unit counts; a video does not */
	long long lid = create("wx.li", seizure_case, "seizure_list");
	unsigned char jpg[256] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
	snprintf((char *)jpg + 32, sizeof jpg - 32, "scan-%lld", lid);
	char *path = xasprintf("%s/scan.jpg", tmpdir);
	FILE *f = fopen(path, "wb");
	fwrite(jpg, 1, sizeof jpg, f);
	fclose(f);
	struct vault_stored st;
	ok(vault_store_path(vault, db, &li, path, NULL, &st, &e) == 0, "a scan stored (%s)", e.msg);
	free(path);
	char *h = hash_of(lid);
	struct record_signature_input in = { .kind = "scan", .content_sha256 = h, .signer_role = "party",
					     .signer_name = "张建国", .image_sha256 = "00" };
	REFUSED(records_sign(db, vault, &li, lid, &in, NULL, &e_), ERR_INVALID, "image_sha256", "a scan that is no file");
	struct db_res *vr;
	char vsha[65] = "";
	if (db_query(db, &vr, "SELECT sha256 FROM blobs WHERE media_type LIKE 'video/%' ORDER BY stored_at LIMIT 1") == 0) {
		if (vr->nrows)
			snprintf(vsha, sizeof vsha, "%s", db_text(vr, 0, 0));
		db_res_free(vr);
	}
	in.image_sha256 = vsha;
	REFUSED(records_sign(db, vault, &li, lid, &in, NULL, &e_), 415, "image_sha256", "a video as a scan");
	in.image_sha256 = st.sha256;
	ok(records_sign(db, vault, &li, lid, &in, NULL, &e) == 0, "the scan of the paper signed (%s)", e.msg);
	ok(count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.scan%'") == 1, "record.scan leaf");
	json_t *d = get_doc("wx.li", lid);
	bool sig_needed = false;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(d, "needs"), i, x) sig_needed = sig_needed || strstr(json_string_value(x), "签名");
	ok(!sig_needed && json_array_size(json_object_get(d, "needs")) > 0, "the scan counts; the fields are still needed");
	json_decref(d);
	free(h);
}

/* A process killed between the PDF and the final commit leaves a draft. */
static void test_crash(void)
{
	struct err e = ERR_INIT;
	long long id = create("jn.zhang", hearing_case, "hearing_report");
	ok(update("jn.zhang", id, "{\"cause\":\"案\",\"party\":\"某公司\",\"host\":\"陈某\",\"summary\":\"听证经过\",\"opinion\":\"维持\","
				  "\"doc_date\":\"2026-09-22\"}",
		  &e) == 0,
	   "a hearing report ready (%s)", e.msg);
	const char *url = testdb_last_url();
	long long leaves = count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.finalised%'");
	int rv = rowv(id);
	const char *points[] = { "after_pdf", "before_commit" };
	for (int k = 0; k < 2; k++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			setenv("ZHIFA_TEST_RECORDS_CRASH", points[k], 1);
			struct buf e2;
			buf_init(&e2, 0);
			struct db *c = db_open(url, &e2);
			struct vault *v = vault_open(data_dir, NULL);
			struct actor a;
			people_actor_load(c, people_user_by_username(c, "jn.zhang"), &a);
			struct err ce = ERR_INIT;
			records_finalise(c, v, &a, id, rv, PEOPLE_DEMO_PASSWORD, NULL, &ce);
			_exit(1); /* not reached: the crash point ends the process */
		}
		int st = 0;
		waitpid(pid, &st, 0);
		ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed %s", points[k]);
		ok(doc_is("jn.zhang", id, "status", "draft") &&
			   count("SELECT COUNT(*) FROM ledger_leaves WHERE leaf LIKE '%record.finalised%'") == leaves,
		   "after a kill %s the document is a draft, no leaf", points[k]);
	}
	ok(finalise("jn.zhang", id, PEOPLE_DEMO_PASSWORD, &e) == 0, "and it is finalised afterwards (%s)", e.msg);
}

int main(void)
{
	db = tp_open();
	seed();
	test_catalogue();
	test_draft_sign_finalise();
	test_refusal_and_correction();
	test_case_file_and_gate();
	test_notice_and_scan();
	test_crash();
	vault_close(vault);
	db_close(db);
	return tap_done();
}
