/*
 * Tests of enforcement certificates and the public reads (src/people/
 * certs.c) and of the demo seed (demo.c): validation, who may manage,
 * status transitions (valid <-> suspended, any -> revoked, final),
 * automatic expiry by the Beijing date (fake clock), the public token
 * (unguessable, lookup shows no other personal data), scope of reads,
 * public lists and counts, 执法主体 and 承办机构; then the demo department
 * on a fresh database.
 */
#include "test_people_util.h"
#include "people/certs.h"
#include "people/demo.h"
#include "people/auth.h"
#include "store/blobs.h"
#include "core/hash.h"

static void test_certs(struct db *db, struct tp_tree *t)
{
	struct actor admin = tp_actor(db, t->admin), fg = tp_actor(db, t->fg_head), head = tp_actor(db, t->jn_head),
		     aqh = tp_actor(db, t->aq_head);
	struct err e = ERR_INIT;
	long long id = 0, id2 = 0;
	char token[CERT_TOKEN_LEN + 1], token2[CERT_TOKEN_LEN + 1];
	struct cert_input in = { t->jn_officer, "530001190001", NULL, "节约能源监督检查", "云南省人民政府",
				 "2024-01-01", "2026-12-31", NULL, 0 };
	ok(cert_can_manage(db, &fg) && cert_can_manage(db, &admin) && !cert_can_manage(db, &head),
	   "admin and 政策法规处 manage certificates, a division head does not");
	ok(cert_create(db, &head, &in, &id, token, &e) < 0 && e.kind == ERR_FORBIDDEN, "head cannot issue");
	struct cert_input bad = in;
	bad.valid_to = "2023-12-31";
	ok(cert_create(db, &fg, &bad, &id, token, &e) < 0 && str_eq(e.field, "valid_to"), "end before start refused");
	bad = in;
	bad.valid_from = "2024-13-01";
	ok(cert_create(db, &fg, &bad, &id, token, &e) < 0 && str_eq(e.field, "valid_from"), "bad date refused");
	bad = in;
	bad.cert_no = "";
	ok(cert_create(db, &fg, &bad, &id, token, &e) < 0 && str_eq(e.field, "cert_no"), "empty number refused");
	bad = in;
	bad.user_id = 99999;
	ok(cert_create(db, &fg, &bad, &id, token, &e) < 0 && str_eq(e.field, "user_id"), "unknown holder refused");
	ok(cert_create(db, &fg, &in, &id, token, &e) == 0, "政策法规处 issues a certificate");
	ok(cert_create(db, &fg, &in, &id2, token2, &e) < 0 && e.kind == ERR_CONFLICT, "duplicate number refused");
	is_int(strlen(token), CERT_TOKEN_LEN, "token is 24 base64url characters (144 bits)");
	ok(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == CERT_TOKEN_LEN,
	   "token alphabet is base64url");
	struct cert_input in2 = { t->aq_officer, "530001190002", "行政执法证", "民用爆炸物品监督检查", "云南省人民政府",
				  "2024-01-01", "2028-12-31", NULL, 0 };
	ok(cert_create(db, &admin, &in2, &id2, token2, &e) == 0 && strcmp(token, token2) != 0, "tokens differ");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'cert.create'"), 2, "issuing logged");

	/* public lookup */
	json_t *o = NULL;
	ok(cert_public_lookup(db, token, &o, &e) == 0, "public lookup by token");
	is_str(json_string_value(json_object_get(o, "name")), "张执法", "holder name");
	is_str(json_string_value(json_object_get(o, "unit")), "节能与综合利用处", "holder unit");
	is_str(json_string_value(json_object_get(o, "cert_no")), "530001190001", "certificate number");
	is_str(json_string_value(json_object_get(o, "status")), "valid", "status valid");
	is_str(json_string_value(json_object_get(o, "cert_type")), "行政执法证", "default type");
	ok(!json_object_get(o, "username") && !json_object_get(o, "user_id") && !json_object_get(o, "public_token"),
	   "no other personal data on the public page");
	json_decref(o);
	ok(cert_public_lookup(db, "AAAAAAAAAAAAAAAAAAAAAAAA", &o, &e) < 0 && e.kind == ERR_NOTFOUND, "unknown token");
	ok(cert_public_lookup(db, "x' OR '1'='1", &o, &e) < 0 && e.kind == ERR_NOTFOUND, "junk token");

	/* transitions */
	ok(cert_set_status(db, &head, id, "suspended", "", &e) < 0 && e.kind == ERR_FORBIDDEN, "head cannot suspend");
	ok(cert_set_status(db, &fg, id, "valid", "", &e) < 0 && e.kind == ERR_CONFLICT, "valid -> valid refused");
	ok(cert_set_status(db, &fg, id, "bogus", "", &e) < 0 && str_eq(e.field, "status"), "unknown status refused");
	ok(cert_set_status(db, &fg, id, "suspended", "调查中", &e) == 0, "valid -> suspended");
	ok(cert_public_lookup(db, token, &o, &e) == 0, "lookup");
	is_str(json_string_value(json_object_get(o, "status_label")), "暂扣", "public page shows 暂扣");
	json_decref(o);
	ok(cert_set_status(db, &fg, id, "valid", "", &e) == 0, "suspended -> valid");
	ok(cert_set_status(db, &fg, id, "revoked", "调离", &e) == 0, "valid -> revoked");
	ok(cert_set_status(db, &fg, id, "valid", "", &e) < 0 && e.kind == ERR_CONFLICT, "revoked is final");
	ok(cert_update(db, &fg, id, &in, &e) < 0 && e.kind == ERR_CONFLICT, "revoked cannot be edited");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'cert.status'"), 3, "transitions logged");

	/* automatic expiry at Beijing midnight after valid_to = 2028-12-31 */
	tp_set_now(time_utc_parse("2028-12-31T15:59:59Z")); /* 23:59:59 Beijing */
	ok(cert_public_lookup(db, token2, &o, &e) == 0, "lookup on the last day");
	is_str(json_string_value(json_object_get(o, "status")), "valid", "valid on the last day");
	json_decref(o);
	tp_set_now(time_utc_parse("2028-12-31T16:00:00Z")); /* 2029-01-01 00:00 Beijing */
	ok(cert_public_lookup(db, token2, &o, &e) == 0, "lookup the next day");
	is_str(json_string_value(json_object_get(o, "status")), "expired", "expired automatically");
	is_str(json_string_value(json_object_get(o, "status_label")), "已过期", "label 已过期");
	json_decref(o);
	tp_set_now(TP_NOW);
	is_str(cert_effective_status("valid", "2027-01-01", "2030-01-01", "2026-09-21"), "pending", "not yet valid");
	is_str(cert_effective_status("suspended", "2020-01-01", "2025-01-01", "2026-09-21"), "expired",
	       "suspended and past: expired");
	is_str(cert_effective_status("revoked", "2020-01-01", "2025-01-01", "2026-09-21"), "revoked", "revoked stays");

	/* history and scope of reads */
	struct cert_input renew = { t->jn_officer, "530001190003", "", "节约能源监督检查", "云南省人民政府",
				    "2026-01-01", "2030-12-31", NULL, 0 };
	long long id3;
	ok(cert_create(db, &admin, &renew, &id3, NULL, &e) == 0, "new certificate for the same person");
	json_t *list = NULL;
	ok(cert_list(db, &head, t->jn_officer, &list, &e) == 0 && json_array_size(list) == 2,
	   "head reads own officer's certificate history");
	is_str(json_string_value(json_object_get(json_array_get(list, 0), "cert_no")), "530001190003", "newest first");
	json_decref(list);
	ok(cert_list(db, &head, t->aq_officer, &list, &e) < 0 && e.kind == ERR_FORBIDDEN,
	   "head cannot read another division's certificates");
	ok(cert_get(db, &aqh, id3, &o, &e) < 0 && e.kind == ERR_FORBIDDEN, "nor get one");
	ok(cert_list(db, &aqh, 0, &list, &e) == 0 && json_array_size(list) == 1, "listing filtered by scope");
	json_decref(list);
	ok(cert_get(db, &fg, id3, &o, &e) == 0, "政策法规处 reads all");
	ok(str_starts(json_string_value(json_object_get(o, "verify_path")), "/verify/c/"), "verify path");
	json_decref(o);

	/* public lists: one rule (cert_publicly_listed) for the directory and the counts */
	ok(cert_publicly_listed("valid") && cert_publicly_listed("suspended") && cert_publicly_listed("pending") &&
	   !cert_publicly_listed("revoked") && !cert_publicly_listed("expired"),
	   "listed: valid, suspended, pending; not revoked or expired");
	ok(people_public_officers(db, NULL, &list, &e) == 0 && json_array_size(list) == 2,
	   "public directory: the revoked certificate is left out by default");
	json_t *first = json_array_get(list, 0);
	ok(json_string_value(json_object_get(first, "token")) && json_string_value(json_object_get(first, "unit_name")),
	   "public officer rows carry the verify token and unit name");
	is_str(json_string_value(json_object_get(first, "body_name")), "云南省工业和信息化厅",
	       "an officer of a division is listed under the department (执法主体)");
	ok(!json_object_get(first, "user_id") && !json_object_get(first, "username"), "no account data in public rows");
	json_decref(list);
	struct officer_filter f = { .unit_id = t->jnc, .include_inactive = true };
	ok(people_public_officers(db, &f, &list, &e) == 0 && json_array_size(list) == 2,
	   "asked for: all of one unit incl. revoked");
	json_decref(list);
	f = (struct officer_filter){ .body_id = t->root };
	ok(people_public_officers(db, &f, &list, &e) == 0 && json_array_size(list) == 2,
	   "officers of the 执法主体 include its divisions'");
	json_decref(list);
	ok(people_public_bodies(db, &list, &e) == 0 && json_array_size(list) == 1,
	   "one 执法主体: the department, not its divisions");
	json_t *body = json_array_get(list, 0);
	is_str(json_string_value(json_object_get(body, "name")), "云南省工业和信息化厅", "the body is the department");
	is_int(json_integer_value(json_object_get(body, "officers")), 2, "its officers: the two listed in the directory");
	is_int(json_array_size(json_object_get(body, "offices")), 3, "its 承办机构: the three divisions with enforcement duties");
	json_decref(list);

	/* suspension shows in the directory with its status and still counts as listed */
	ok(cert_set_status(db, &fg, id2, "suspended", "调查中", &e) == 0, "suspend the 安全生产处 certificate");
	ok(people_public_officers(db, NULL, &list, &e) == 0 && json_array_size(list) == 2, "still listed");
	size_t i;
	json_t *c;
	int suspended = 0;
	json_array_foreach(list, i, c)
		suspended += str_eq(json_string_value(json_object_get(c, "status")), "suspended") &&
			     str_eq(json_string_value(json_object_get(c, "status_label")), "暂扣");
	is_int(suspended, 1, "with the status 暂扣");
	json_decref(list);
	ok(people_public_bodies(db, &list, &e) == 0, "bodies");
	body = json_array_get(list, 0);
	is_int(json_integer_value(json_object_get(body, "officers")), 2, "listed officers counted");
	is_int(json_integer_value(json_object_get(body, "valid_officers")), 1, "of whom one is valid today");
	json_decref(list);
	ok(cert_set_status(db, &fg, id2, "valid", "", &e) == 0, "restore it");

	/* the 执法主体 model: kinds and contacts */
	struct actor sys;
	actor_system(&sys, "test");
	struct unit_input root_office = { 0, "orphan", "无主体的处室", true, false, 0, "office", NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &sys, &root_office, NULL, &e) < 0 && str_eq(e.field, "kind"),
	   "an enforcement office without a body above it is refused");
	struct unit_input badkind = { t->root, "k1", "类型错误", false, false, 0, "division", NULL, NULL, NULL, NULL };
	ok(people_unit_create(db, &sys, &badkind, NULL, &e) < 0 && str_eq(e.field, "kind"), "unknown kind refused");
	struct unit_input auth = { t->root, "wxdj", "无线电管理机构", true, false, 0, "body", "昆明市某路 1 号",
				   "0871-1000000", "某局长", "0871-1000001" };
	long long auth_id = 0;
	ok(people_unit_create(db, &sys, &auth, &auth_id, &e) == 0, "an organisation authorised by law is a body of its own");
	struct unit_input sub = { auth_id, "wxdj-jc", "监测站", true, false, 0, NULL, "不应保存", NULL, NULL, NULL };
	long long sub_id = 0;
	ok(people_unit_create(db, &sys, &sub, &sub_id, &e) == 0, "its station is an office under it");
	is_int(people_unit_body(db, sub_id), auth_id, "the station's body is the authorised organisation");
	is_int(people_unit_body(db, t->jnc1), t->root, "a section's body is the department");
	is_int(tp_count(db, "SELECT COUNT(*) FROM units WHERE code = 'wxdj-jc' AND address = ''"), 1,
	       "contact fields are kept only on bodies");
	struct unit_input longphone = auth;
	longphone.phone = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789X";
	ok(people_unit_update(db, &admin, auth_id, &longphone, &e) < 0 && str_eq(e.field, "phone"), "phone over 100 characters refused");
	ok(people_public_bodies(db, &list, &e) == 0 && json_array_size(list) == 2, "two bodies now");
	json_t *b2 = json_array_get(list, 1);
	is_str(json_string_value(json_object_get(b2, "complaint_phone")), "0871-1000001", "complaint phone is public");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(b2, "offices"), 0), "name")), "监测站",
	       "the station is listed as its 承办机构");
	json_decref(list);
	ok(cert_public_lookup(db, token2, &o, &e) == 0, "lookup");
	is_str(json_string_value(json_object_get(o, "body")), "云南省工业和信息化厅", "credential check names the body");
	json_decref(o);
}

static void test_photo(struct db *db, struct tp_tree *t)
{
	struct actor admin = tp_actor(db, t->admin), head = tp_actor(db, t->jn_head);
	struct err e = ERR_INIT;
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 0xFF, 0xD9 };
	static const unsigned char notjpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 0, 0 };
	static const unsigned char gif[] = { 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, 0 };
	is_str(cert_photo_type(jpeg, sizeof jpeg), "image/jpeg", "a whole JPEG is recognised");
	ok(!cert_photo_type(notjpeg, sizeof notjpeg), "a JPEG without its end marker is not");
	ok(!cert_photo_type(gif, sizeof gif), "a GIF is not a photo");
	ok(!cert_photo_type(NULL, 0), "nothing is not a photo");
	char dir[] = "/tmp/zhifa-photo-XXXXXX";
	if (!mkdtemp(dir))
		testdb_bail("mkdtemp", "failed");
	struct blobs *b = blobs_open_fs(dir, &e);
	ok(b != NULL, "blob store");
	long long id = 0;
	struct cert_input in = { t->jn1_officer, "530001199001", NULL, "节约能源监督检查", "云南省人民政府",
				 "2024-01-01", "2029-12-31", NULL, 0 };
	char token[CERT_TOKEN_LEN + 1];
	ok(cert_create(db, &admin, &in, &id, token, &e) == 0, "a certificate for the photo");
	ok(cert_set_photo(db, b, &head, id, jpeg, sizeof jpeg, &e) < 0 && e.kind == ERR_FORBIDDEN, "a head cannot set it");
	ok(cert_set_photo(db, b, &admin, id, gif, sizeof gif, &e) < 0 && str_eq(e.field, "photo"), "a GIF is refused");
	static unsigned char big[CERT_PHOTO_MAX + 1];
	ok(cert_set_photo(db, b, &admin, id, big, sizeof big, &e) < 0 && str_eq(e.field, "photo"), "too large is refused");
	is_int(tp_count(db, "SELECT COUNT(*) FROM certificates WHERE photo_sha256 IS NOT NULL"), 0, "refusals stored nothing");
	ok(cert_set_photo(db, b, &admin, id, jpeg, sizeof jpeg, &e) == 0, "the administrator sets the photo");
	struct buf out;
	buf_init(&out, 0);
	const char *type = NULL;
	ok(cert_public_photo(db, b, token, &out, &type, &e) == 0 && out.len == sizeof jpeg &&
	   memcmp(out.data, jpeg, sizeof jpeg) == 0 && str_eq(type, "image/jpeg"), "read back by the public token");
	buf_release(&out);
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, jpeg, sizeof jpeg);
	hash2_final(&h, &hr);
	is_int(blobs_stat(b, hr.sha256_hex, NULL, &e), 1, "stored in the blob store under its SHA-256");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'cert.photo'"), 1, "logged once");
	json_t *o = NULL;
	ok(cert_public_lookup(db, token, &o, &e) == 0 && json_is_true(json_object_get(o, "has_photo")), "lookup: has_photo");
	json_decref(o);
	ok(cert_set_photo(db, b, &admin, id, NULL, 0, &e) == 0, "removed");
	buf_init(&out, 0);
	ok(cert_public_photo(db, b, token, &out, &type, &e) < 0 && e.kind == ERR_NOTFOUND, "no photo after removal");
	buf_release(&out);
	ok(cert_set_status(db, &admin, id, "revoked", "测试", &e) == 0, "revoke");
	ok(cert_set_photo(db, b, &admin, id, jpeg, sizeof jpeg, &e) < 0 && e.kind == ERR_CONFLICT, "a revoked certificate's photo is final");
	blobs_close(b);
	char *cmd = xasprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(cmd);
}

static void test_demo(void)
{
	struct db *db = tp_open();
	struct err e = ERR_INIT;
	ok(people_demo_seed(db, &e) == 0, "demo seed loads");
	if (e.kind)
		printf("#   %s\n", e.msg);
	ok(people_demo_seed(db, &e) < 0 && e.kind == ERR_CONFLICT, "demo seed refuses a non-empty database");
	is_int(tp_count(db, "SELECT COUNT(*) FROM units WHERE is_reviewer = 1"), 1, "one reviewer unit");
	ok(tp_count(db, "SELECT COUNT(*) FROM units WHERE enforcement_power = 1") >= 5, "enforcement divisions");
	ok(tp_count(db, "SELECT COUNT(*) FROM users WHERE must_change = 1") == 0, "demo accounts need no change");
	unsigned seen = 0;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT DISTINCT role FROM user_roles") == 0) {
		for (int k = 0; k < r->nrows; k++)
			seen |= role_parse(db_text(r, k, 0));
		db_res_free(r);
	}
	is_int(seen, (1u << ROLE_COUNT) - 1, "every role has a demo account");
	is_int(tp_count(db, "SELECT COUNT(*) FROM certificates WHERE status = 'suspended'"), 1, "one suspended");
	is_int(tp_count(db, "SELECT COUNT(*) FROM certificates WHERE status = 'revoked'"), 1, "one revoked");
	json_t *list;
	struct officer_filter all = { .include_inactive = true };
	ok(people_public_officers(db, &all, &list, &e) == 0, "public officers, all");
	size_t i;
	json_t *o;
	int expired = 0;
	json_array_foreach(list, i, o)
		expired += str_eq(json_string_value(json_object_get(o, "status")), "expired");
	is_int(expired, 1, "one expired certificate");
	is_int(json_array_size(list), 14, "14 certificates in all");
	json_decref(list);
	ok(people_public_officers(db, NULL, &list, &e) == 0, "public directory");
	is_int(json_array_size(list), 12, "12 listed: neither the revoked nor the expired one");
	json_decref(list);
	ok(people_public_bodies(db, &list, &e) == 0 && json_array_size(list) == 1, "one demo 执法主体");
	o = json_array_get(list, 0);
	is_str(json_string_value(json_object_get(o, "name")), "云南省工业和信息化厅", "the department");
	is_int(json_integer_value(json_object_get(o, "officers")), 12, "counts the 12 listed officers");
	is_int(json_integer_value(json_object_get(o, "valid_officers")), 11, "11 of them valid");
	ok(!str_empty(json_string_value(json_object_get(o, "phone"))) &&
	   !str_empty(json_string_value(json_object_get(o, "complaint_phone"))) &&
	   !str_empty(json_string_value(json_object_get(o, "address"))) &&
	   !str_empty(json_string_value(json_object_get(o, "head_name"))), "with address, phone, head and complaint phone");
	json_t *offs = json_object_get(o, "offices");
	bool division_is_office = false, no_office_is_body = true;
	json_array_foreach(offs, i, o) {
		division_is_office |= str_eq(json_string_value(json_object_get(o, "name")), "安全生产处");
		no_office_is_body &= !str_eq(json_string_value(json_object_get(o, "name")), "云南省工业和信息化厅");
	}
	ok(division_is_office && no_office_is_body, "divisions are its 承办机构");
	json_decref(list);
	struct session_out s;
	ok(people_login(db, "admin", PEOPLE_DEMO_PASSWORD, "127.0.0.1", NULL, &s, &e) == 0 && !s.must_change,
	   "demo admin logs in with the demo password");
	ok(people_login(db, "jn.zhang", PEOPLE_DEMO_PASSWORD, "127.0.0.1", NULL, &s, &e) == 0, "demo officer logs in");
	const char *logins = people_demo_logins();
	ok(strstr(logins, "admin") && strstr(logins, "系统管理员") && !strstr(logins, PEOPLE_DEMO_PASSWORD) &&
	   strstr(logins, "jiandu") && strstr(logins, "政策法规处"), "demo logins table");
	db_close(db);
}

int main(void)
{
	struct db *db = tp_open();
	struct tp_tree t;
	tp_make_tree(db, &t);
	test_certs(db, &t);
	test_photo(db, &t);
	db_close(db);
	test_demo();
	return tap_done();
}
