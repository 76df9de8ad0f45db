/*
 * media.c - audio-visual records of a case (media.h): attaching a vault
 * file or a reason for having none, the recording rule a document meets
 * at finalise (二.(二).2), the late-export flag (二.(二).4), and the reads.
 */
#include "core/core.h"
#include "records/media.h"
#include "cases/cases.h"
#include "actor/audit.h"
#include "actor/scope.h"
#include "ledger/ledger.h"
#include "core/hash.h"
#include "recording/vault.h"

static struct media_document_lookup doc_lookup;

void media_set_document_lookup(const struct media_document_lookup *l)
{
	if (l)
		doc_lookup = *l;
	else
		memset(&doc_lookup, 0, sizeof doc_lookup);
}

static int db_fail(struct db *db, struct err *e)
{
	log_error("音像记录数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败，请稍后重试");
}

const char *media_kind_label(const char *kind)
{
	if (str_eq(kind, "video"))
		return "录像";
	if (str_eq(kind, "audio"))
		return "录音";
	if (str_eq(kind, "photo"))
		return "照片";
	return NULL;
}

/* The kind of a vault media type, NULL when it is no photo, sound or video. */
static const char *kind_of_type(const char *media_type)
{
	if (str_starts(media_type, "video/"))
		return "video";
	if (str_starts(media_type, "audio/"))
		return "audio";
	if (str_starts(media_type, "image/") && !str_starts(media_type, "image/svg"))
		return "photo";
	return NULL;
}

static void sha256_hex(const char *s, char out[HASH_HEX])
{
	struct hash2 h;
	struct hash2_result r;
	hash2_init(&h);
	hash2_update(&h, s, strlen(s));
	hash2_final(&h, &r);
	memcpy(out, r.sha256_hex, HASH_HEX);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A moment given as UTC "YYYY-MM-DDTHH:MM:SSZ" or as Beijing time
 * "YYYY-MM-DD HH:MM[:SS]" / "YYYY-MM-DDTHH:MM[:SS]"; unix seconds, or -1. */
static long long parse_moment(const char *s)
{
	if (str_empty(s))
		return -1;
	size_t n = strlen(s);
	if (n == 20 && s[19] == 'Z')
		return time_utc_parse(s);
	if ((n != 16 && n != 19) || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
	    !all_digits(s + 8, 2) || (s[10] != ' ' && s[10] != 'T') || !all_digits(s + 11, 2) || s[13] != ':' ||
	    !all_digits(s + 14, 2) || (n == 19 && (s[16] != ':' || !all_digits(s + 17, 2))))
		return -1;
	char utc[21];
	snprintf(utc, sizeof utc, "%.10sT%.5s:%.2sZ", s, s + 11, n == 19 ? s + 17 : "00");
	long long t = time_utc_parse(utc);
	return t < 0 ? -1 : t - 8 * 3600;
}

static void local_text(const char *utc, char out[20])
{
	if (str_empty(utc))
		out[0] = '\0';
	else
		time_utc_to_shanghai(utc, out);
}

static void hms(long long s, char *out, size_t cap)
{
	if (s < 0)
		s = 0;
	if (s > 359999999) /* 99999 hours: the text fits every caller's buffer */
		s = 359999999;
	snprintf(out, cap, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

static int text_field(struct errs *all, const char *field, const char *label, const char *v, long max)
{
	if (str_empty(v))
		return errs_add(all, ERR_INVALID, field, "请填写%s", label);
	if (!utf8_valid(v, strlen(v)))
		return errs_add(all, ERR_INVALID, field, "%s含有无效字符", label);
	if (utf8_len(v, strlen(v)) > max)
		return errs_add(all, ERR_INVALID, field, "%s不能超过 %ld 个字", label, max);
	return 0;
}

/* ---- the case ---- */
struct mcase {
	long long id, unit_id;
	char status[16];
};

/* The case in a's view (the view rule of cases.h, asked without a read
 * being logged), or ERR_NOTFOUND. */
static int case_in_view(struct db *db, const struct actor *a, long long case_id, struct mcase *c, struct err *e)
{
	memset(c, 0, sizeof *c);
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	json_t *needs = NULL;
	if (case_needs(db, a, case_id, &needs, e) < 0)
		return -1;
	json_decref(needs);
	struct db_res *r;
	if (db_query(db, &r, "SELECT id, unit_id, status FROM cases WHERE id = ?", DB_INT(case_id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "案件不存在或无权查看");
	}
	c->id = db_int(r, 0, 0);
	c->unit_id = db_int(r, 0, 1);
	snprintf(c->status, sizeof c->status, "%s", db_text(r, 0, 2));
	db_res_free(r);
	return 0;
}

static bool is_case_officer(struct db *db, long long case_id, long long user_id, bool current_only)
{
	return db_scalar_int(db, 0,
			     current_only ? "SELECT COUNT(*) FROM case_officers WHERE case_id = ? AND user_id = ?"
					    " AND until_act IS NULL"
					  : "SELECT COUNT(*) FROM case_officers WHERE case_id = ? AND user_id = ?",
			     (const struct db_val[]){ DB_INT(case_id), DB_INT(user_id), DB_END }) > 0;
}

/* ---- attaching ---- */
struct vfile {
	char media_type[128];
	char stored_at[21];
	const char *kind;
};

static int check_file(struct db *db, const struct mcase *c, const char *sha, struct vfile *f, struct errs *all,
		      struct err *e)
{
	if (str_empty(sha))
		return errs_add(all, ERR_INVALID, "file_sha256", "请选择证据库中的照片、录音或录像文件");
	bool hex = strlen(sha) == 64;
	for (const char *p = sha; hex && *p; p++)
		hex = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
	if (!hex)
		return errs_add(all, ERR_INVALID, "file_sha256", "文件的 SHA-256 应为 64 位小写十六进制数字");
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT b.media_type, r.stored_at FROM blob_refs r JOIN blobs b ON b.sha256 = r.sha256"
		     " WHERE r.sha256 = ? AND r.unit_id = ?",
		     DB_TEXT(sha), DB_INT(c->unit_id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return errs_add(all, ERR_INVALID, "file_sha256", "证据库中没有该文件（须是本案承办机构存入的文件）");
	}
	snprintf(f->media_type, sizeof f->media_type, "%s", db_text(r, 0, 0));
	snprintf(f->stored_at, sizeof f->stored_at, "%s", db_text(r, 0, 1));
	db_res_free(r);
	f->kind = kind_of_type(f->media_type);
	if (!f->kind)
		return errs_add(all, 415, "file_sha256", "所选文件是%s，不是照片、录音或录像，不能作为音像记录",
				vault_kind_name(f->media_type));
	return 0;
}

static int check_document(struct db *db, const struct mcase *c, long long document_id, struct errs *all,
			  struct err *e)
{
	if (document_id == 0)
		return 0;
	long long cid = document_id > 0 && doc_lookup.case_of ? doc_lookup.case_of(db, document_id) : 0;
	if (cid < 0)
		return db_fail(db, e);
	if (cid != c->id)
		return errs_add(all, ERR_INVALID, "document_id", "本案没有该执法文书");
	return 0;
}

int media_attach(struct db *db, const struct actor *a, long long case_id, const struct media_input *in,
		 long long *id, struct errs *all, struct err *e)
{
	struct errs mine = ERRS_INIT;
	if (!all)
		all = &mine;
	size_t first = all->n;
	struct mcase c;
	if (case_in_view(db, a, case_id, &c, e) < 0)
		goto pass;
	if (!(actor_has(a, ROLE_OFFICER | ROLE_HEAD) && is_case_officer(db, c.id, a->user_id, true)) &&
	    !(actor_has(a, ROLE_HEAD) && actor_unit_in_scope(db, a, c.unit_id))) {
		err_set(e, ERR_FORBIDDEN, "", "只有本案的执法人员或承办机构负责人可以添加音像记录");
		goto pass;
	}
	if (!str_eq(c.status, "open")) {
		err_set(e, ERR_CONFLICT, "", "案件已结案或终结，不能再添加音像记录");
		goto pass;
	}
	int export_hours = in->export_hours > 0 ? in->export_hours : MEDIA_EXPORT_HOURS_DEFAULT;
	struct err de = ERR_INIT;
	if (check_document(db, &c, in->document_id, all, &de) < 0 && de.kind) {
		*e = de;
		goto pass;
	}

	bool reason_only = str_empty(in->file_sha256) && !str_empty(in->no_recording_reason);
	struct vfile f = { "", "", NULL };
	long long t0 = -1, t1 = -1;
	char started[21] = "", ended[21] = "";
	if (reason_only) {
		text_field(all, "no_recording_reason", "未录像的理由", in->no_recording_reason, 1000);
		if (in->document_id == 0)
			errs_add(all, ERR_INVALID, "document_id", "未录像的理由须针对一份执法文书：请选择文书");
	} else {
		if (!str_empty(in->no_recording_reason))
			errs_add(all, ERR_INVALID, "no_recording_reason", "已选择音像文件时不填写未录像的理由");
		struct err fe = ERR_INIT;
		if (check_file(db, &c, in->file_sha256, &f, all, &fe) < 0 && fe.kind) {
			*e = fe;
			goto pass;
		}
		text_field(all, "recorder_serial", "记录设备编号", in->recorder_serial, 64);
		if (in->n_officers == 0)
			errs_add(all, ERR_INVALID, "officer_ids", "请选择进行记录的执法人员");
		else if (in->n_officers > 10)
			errs_add(all, ERR_INVALID, "officer_ids", "记录人员最多 10 人");
		else
			for (size_t i = 0; i < in->n_officers; i++) {
				bool dup = false;
				for (size_t k = 0; k < i; k++)
					dup |= in->officer_ids[k] == in->officer_ids[i];
				if (dup || !is_case_officer(db, c.id, in->officer_ids[i], false)) {
					errs_add(all, ERR_INVALID, "officer_ids",
						 dup ? "记录人员重复" : "记录人员须是本案的执法人员");
					break;
				}
			}
		long long now = time_now_unix();
		t0 = parse_moment(in->started_at);
		t1 = parse_moment(in->ended_at);
		if (t0 < 0)
			errs_add(all, ERR_INVALID, "started_at", "请填写记录开始时间（年-月-日 时:分）");
		else if (t0 > now + 60)
			errs_add(all, ERR_INVALID, "started_at", "记录开始时间不能晚于现在");
		if (t1 < 0)
			errs_add(all, ERR_INVALID, "ended_at", "请填写记录结束时间（年-月-日 时:分）");
		else if (t1 > now + 60)
			errs_add(all, ERR_INVALID, "ended_at", "记录结束时间不能晚于现在");
		else if (t0 >= 0 && (t1 < t0 || (t1 == t0 && !str_eq(f.kind, "photo"))))
			errs_add(all, ERR_INVALID, "ended_at", "记录结束时间须晚于开始时间");
		text_field(all, "place", "记录地点", in->place, 200);
		if (!in->statement_offset_given)
			errs_add(all, ERR_INVALID, "statement_offset_s",
				 "请填写语音说明（执法部门、人员、事由、时间、地点）在记录中的时刻");
		else if (t0 >= 0 && t1 >= t0 && (in->statement_offset_s < 0 || in->statement_offset_s > t1 - t0)) {
			char len[64];
			hms(t1 - t0, len, sizeof len);
			errs_add(all, ERR_INVALID, "statement_offset_s", "语音说明的时刻须在记录之内（00:00:00 至 %s）",
				 len);
		} else if (in->statement_offset_s < 0)
			errs_add(all, ERR_INVALID, "statement_offset_s", "语音说明的时刻不能为负数");
		text_field(all, "summary", "文字说明", in->summary, 2000);
		if (t0 >= 0)
			time_unix_to_utc(t0, started);
		if (t1 >= 0)
			time_unix_to_utc(t1, ended);
	}
	if (all->n > first) {
		*e = all->v[first];
		goto pass;
	}

	bool late = false;
	if (!reason_only) {
		long long st = time_utc_parse(f.stored_at);
		late = st >= 0 && st - t1 > (long long)export_hours * 3600;
	}
	json_t *officers = json_array();
	for (size_t i = 0; !reason_only && i < in->n_officers; i++)
		json_array_append_new(officers, json_integer(in->officer_ids[i]));
	char *officers_text = json_dumps(officers, JSON_COMPACT);
	json_decref(officers);
	char now_utc[21];
	time_now_utc(now_utc);
	char text_hash[HASH_HEX];
	sha256_hex(reason_only ? in->no_recording_reason : in->summary, text_hash);

	if (db_begin(db) < 0) {
		free(officers_text);
		db_fail(db, e);
		goto pass;
	}
	long long size = ledger_size(db, e);
	struct db_res *r = NULL;
	if (size < 0)
		goto fail;
	if (db_query(db, &r,
		     "INSERT INTO record_media(case_id, document_id, file_sha256, kind, recorder_serial, officer_ids,"
		     " started_at, ended_at, place, statement_offset_s, summary, no_recording_reason, stored_at, late,"
		     " export_hours, attached_by, attached_at, leaf_index)"
		     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		     DB_INT(c.id), in->document_id ? DB_INT(in->document_id) : DB_NULL,
		     reason_only ? DB_NULL : DB_TEXT(in->file_sha256), reason_only ? DB_NULL : DB_TEXT(f.kind),
		     reason_only ? DB_NULL : DB_TEXT(in->recorder_serial), DB_TEXT(officers_text),
		     reason_only ? DB_NULL : DB_TEXT(started), reason_only ? DB_NULL : DB_TEXT(ended),
		     reason_only ? DB_NULL : DB_TEXT(in->place),
		     reason_only ? DB_NULL : DB_INT(in->statement_offset_s),
		     reason_only ? DB_NULL : DB_TEXT(in->summary),
		     reason_only ? DB_TEXT(in->no_recording_reason) : DB_NULL,
		     reason_only ? DB_NULL : DB_TEXT(f.stored_at), DB_INT(late ? 1 : 0), DB_INT(export_hours),
		     DB_INT(a->user_id), DB_TEXT(now_utc), DB_INT(size)) < 0 ||
	    r->nrows != 1) {
		db_fail(db, e);
		goto fail;
	}
	long long mid = db_int(r, 0, 0);
	db_res_free(r);
	r = NULL;
	json_t *leaf = json_pack("{sI sI so ss sb}", "case_id", (json_int_t)c.id, "media_id", (json_int_t)mid,
				 "document_id",
				 in->document_id ? json_integer(in->document_id) : json_null(),
				 reason_only ? "reason_sha256" : "summary_sha256", text_hash, "late", late);
	if (!reason_only) {
		json_object_set_new(leaf, "sha256", json_string(in->file_sha256));
		json_object_set_new(leaf, "kind", json_string(f.kind));
	}
	long long idx = -1;
	int lrc = ledger_append(db, "record.media", leaf, &idx, e);
	json_decref(leaf);
	if (lrc < 0 || idx != size)
		goto fail;
	char oid[24], detail[160];
	snprintf(oid, sizeof oid, "%lld", c.id);
	snprintf(detail, sizeof detail, "音像记录 %lld%s%s", mid, reason_only ? "（未录像理由）" : "",
		 late ? "（迟延导出）" : "");
	if (audit_log(db, a, "record.media", "case", oid, "ok", detail) < 0) {
		db_fail(db, e);
		goto fail;
	}
	if (db_commit(db) < 0) {
		db_fail(db, e);
		goto fail;
	}
	free(officers_text);
	if (id)
		*id = mid;
	errs_release(&mine);
	return 0;
fail:
	db_res_free(r);
	db_rollback(db);
	free(officers_text);
	if (!e->kind)
		err_set(e, ERR_INTERNAL, "", "数据库操作失败，请稍后重试");
pass:
	if (all->n == first)
		errs_push(all, e);
	errs_release(&mine);
	return -1;
}

/* ---- the recording rule ---- */
int media_check(struct db *db, long long case_id, long long document_id, const char *need,
		const char *act_started_at, const char *act_ended_at, struct err *e)
{
	if (str_empty(need) || str_eq(need, "none"))
		return 0;
	bool full = str_eq(need, "full");
	if (!full && !str_eq(need, "as_needed"))
		return err_set(e, ERR_INTERNAL, "recording", "文书类型的音像记录要求无效：%s", need);
	long long a0 = str_empty(act_started_at) ? -1 : time_utc_parse(act_started_at);
	long long a1 = str_empty(act_ended_at) ? -1 : time_utc_parse(act_ended_at);
	bool have_act = a0 >= 0 && a1 >= a0;
	char l0[20] = "", l1[20] = "";
	if (have_act) {
		local_text(act_started_at, l0);
		local_text(act_ended_at, l1);
	}
	if (full && !have_act)
		return err_set(e, ERR_CONFLICT, "recording",
			       "该文书记录的执法行为须全程音像记录：文书尚未载明行为的起止时间，无法核对录像");
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT document_id, file_sha256, kind, started_at, ended_at FROM record_media"
		     " WHERE document_id = ? OR (? > 0 AND case_id = ? AND document_id IS NULL) ORDER BY id",
		     DB_INT(document_id), DB_INT(case_id), DB_INT(case_id)) < 0)
		return db_fail(db, e);
	bool met = false;
	for (int i = 0; i < r->nrows && !met; i++) {
		bool of_doc = db_cell(r, i, 0) != NULL;
		bool file = db_cell(r, i, 1) != NULL;
		long long s = file ? time_utc_parse(db_text(r, i, 3)) : -1;
		long long t = file ? time_utc_parse(db_text(r, i, 4)) : -1;
		if (full) {
			met = file && str_eq(db_text(r, i, 2), "video") && have_act && s <= a0 && t >= a1;
		} else if (of_doc) {
			met = true; /* a recording of the document, or the reason for none */
		} else {
			met = file && have_act && s <= a1 && t >= a0;
		}
	}
	db_res_free(r);
	if (met)
		return 0;
	if (full)
		return err_set(e, ERR_CONFLICT, "recording",
			       "该文书记录的执法行为须全程音像记录：尚无覆盖 %s–%s 的录像", l0,
			       strlen(l1) > 11 && strncmp(l0, l1, 10) == 0 ? l1 + 11 : l1);
	return err_set(e, ERR_CONFLICT, "recording",
		       "该文书记录的执法行为须根据实际情况进行音像记录：请添加音像记录，或说明未录像的理由");
}

int media_check_document(struct db *db, long long document_id, const char *need, const char *act_started_at,
			 const char *act_ended_at, struct err *e)
{
	if (str_empty(need) || str_eq(need, "none"))
		return 0;
	long long case_id = doc_lookup.case_of ? doc_lookup.case_of(db, document_id) : 0;
	if (case_id < 0)
		return db_fail(db, e);
	return media_check(db, case_id, document_id, need, act_started_at, act_ended_at, e);
}

/* ---- reads ---- */
int media_for_case(struct db *db, long long case_id, json_t **items, struct err *e)
{
	*items = NULL;
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT m.id, m.kind, m.document_id, m.file_sha256, b.sm3, b.size, b.media_type,"
		     " COALESCE(f.leaf_index, b.leaf_index), m.leaf_index, m.started_at, m.ended_at, m.late"
		     " FROM record_media m JOIN blobs b ON b.sha256 = m.file_sha256"
		     " JOIN cases c ON c.id = m.case_id"
		     " LEFT JOIN blob_refs f ON f.sha256 = m.file_sha256 AND f.unit_id = c.unit_id"
		     " WHERE m.case_id = ? AND m.file_sha256 IS NOT NULL ORDER BY m.started_at, m.id",
		     DB_INT(case_id)) < 0)
		return db_fail(db, e);
	json_t *out = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *kind = db_text(r, i, 1);
		char local[20];
		local_text(db_text(r, i, 9), local);
		local[10] = '\0';
		const char *title = str_eq(kind, "video") ? "执法现场录像" : str_eq(kind, "audio") ? "执法现场录音"
											     : "执法现场照片";
		json_t *o = json_pack("{ss sI ss ss ss so ss ss sI ss sI sI ss ss sb}", "kind", "media", "id",
				      (json_int_t)db_int(r, i, 0), "media_kind", kind, "title", title, "date", local,
				      "document_id",
				      db_cell(r, i, 2) ? json_integer(db_int(r, i, 2)) : json_null(), "sha256",
				      db_text(r, i, 3), "sm3", db_text(r, i, 4), "size", (json_int_t)db_int(r, i, 5),
				      "media_type", db_text(r, i, 6), "leaf_index", (json_int_t)db_int(r, i, 7),
				      "media_leaf_index", (json_int_t)db_int(r, i, 8), "started_at", db_text(r, i, 9),
				      "ended_at", db_text(r, i, 10), "late", db_int(r, i, 11) != 0);
		json_array_append_new(out, o);
	}
	db_res_free(r);
	*items = out;
	return 0;
}

int media_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e)
{
	*out = NULL;
	struct mcase c;
	if (case_in_view(db, a, case_id, &c, e) < 0)
		return -1;
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT m.id, m.document_id, m.file_sha256, m.kind, COALESCE(b.media_type, ''), COALESCE(b.size, 0),"
		     " m.recorder_serial, m.officer_ids, m.started_at, m.ended_at, m.place, m.statement_offset_s,"
		     " m.summary, m.no_recording_reason, m.stored_at, m.late, m.export_hours, m.attached_by,"
		     " COALESCE(u.name, ''), m.attached_at, m.leaf_index"
		     " FROM record_media m LEFT JOIN blobs b ON b.sha256 = m.file_sha256"
		     " LEFT JOIN users u ON u.id = m.attached_by WHERE m.case_id = ? ORDER BY m.id",
		     DB_INT(c.id)) < 0)
		return db_fail(db, e);
	/* the names of the case's officers (every recorded officer is one): one query */
	json_t *names = json_object();
	struct db_res *u;
	if (db_query(db, &u,
		     "SELECT id, name FROM users WHERE id IN (SELECT user_id FROM case_officers WHERE case_id = ?)",
		     DB_INT(c.id)) < 0) {
		db_res_free(r);
		json_decref(names);
		return db_fail(db, e);
	}
	for (int i = 0; i < u->nrows; i++)
		json_object_set_new(names, db_text(u, i, 0), json_string(db_text(u, i, 1)));
	db_res_free(u);
	json_t *items = json_array();
	int late_count = 0;
	for (int i = 0; i < r->nrows; i++) {
		bool file = db_cell(r, i, 2) != NULL;
		const char *kind = db_text(r, i, 3);
		char sl[20], el[20], stl[20], al[20], sz[32] = "", stmt[64] = "", dur[64] = "";
		local_text(db_text(r, i, 8), sl);
		local_text(db_text(r, i, 9), el);
		local_text(db_text(r, i, 14), stl);
		local_text(db_text(r, i, 19), al);
		long long t0 = file ? time_utc_parse(db_text(r, i, 8)) : 0;
		long long t1 = file ? time_utc_parse(db_text(r, i, 9)) : 0;
		long long st = file ? time_utc_parse(db_text(r, i, 14)) : 0;
		if (file) {
			size_text(db_int(r, i, 5), sz, sizeof sz);
			hms(db_int(r, i, 11), stmt, sizeof stmt);
			hms(t1 - t0, dur, sizeof dur);
		}
		bool late = db_int(r, i, 15) != 0;
		late_count += late;
		json_t *officers = json_array();
		json_t *ids = json_loads(db_text(r, i, 7), 0, NULL);
		size_t k;
		json_t *v;
		json_array_foreach(ids, k, v)
		{
			long long uid = (long long)json_integer_value(v);
			char key[24];
			snprintf(key, sizeof key, "%lld", uid);
			const char *name = json_string_value(json_object_get(names, key));
			json_array_append_new(officers, json_pack("{sI ss}", "user_id", (json_int_t)uid, "name",
								  name ? name : ""));
		}
		json_decref(ids);
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(db_int(r, i, 0)));
		json_object_set_new(o, "document_id", db_cell(r, i, 1) ? json_integer(db_int(r, i, 1)) : json_null());
		json_object_set_new(o, "file_sha256", file ? json_string(db_text(r, i, 2)) : json_null());
		json_object_set_new(o, "kind", file ? json_string(kind) : json_null());
		json_object_set_new(o, "kind_label", json_string(file ? media_kind_label(kind) : "未录像"));
		json_object_set_new(o, "media_type", json_string(db_text(r, i, 4)));
		json_object_set_new(o, "size", json_integer(db_int(r, i, 5)));
		json_object_set_new(o, "size_text", json_string(sz));
		json_object_set_new(o, "recorder_serial", json_string(db_text(r, i, 6)));
		json_object_set_new(o, "officers", officers);
		json_object_set_new(o, "started_at", json_string(db_text(r, i, 8)));
		json_object_set_new(o, "ended_at", json_string(db_text(r, i, 9)));
		json_object_set_new(o, "started_local", json_string(sl));
		json_object_set_new(o, "ended_local", json_string(el));
		json_object_set_new(o, "duration_s", json_integer(t1 - t0));
		json_object_set_new(o, "duration_text", json_string(dur));
		json_object_set_new(o, "place", json_string(db_text(r, i, 10)));
		json_object_set_new(o, "statement_offset_s", json_integer(db_int(r, i, 11)));
		json_object_set_new(o, "statement_text", json_string(stmt));
		json_object_set_new(o, "summary", json_string(db_text(r, i, 12)));
		json_object_set_new(o, "no_recording_reason", json_string(db_text(r, i, 13)));
		json_object_set_new(o, "stored_at", json_string(db_text(r, i, 14)));
		json_object_set_new(o, "stored_local", json_string(stl));
		json_object_set_new(o, "late", json_boolean(late));
		json_object_set_new(o, "late_hours", json_integer(file && st > t1 ? (st - t1) / 3600 : 0));
		json_object_set_new(o, "export_hours", json_integer(db_int(r, i, 16)));
		json_object_set_new(o, "attached_by", json_integer(db_int(r, i, 17)));
		json_object_set_new(o, "attached_by_name", json_string(db_text(r, i, 18)));
		json_object_set_new(o, "attached_at_local", json_string(al));
		json_object_set_new(o, "leaf_index", json_integer(db_int(r, i, 20)));
		json_array_append_new(items, o);
	}
	db_res_free(r);
	json_decref(names);
	*out = json_pack("{so si}", "items", items, "late_count", late_count);
	return 0;
}

int media_candidates(struct db *db, const struct actor *a, long long case_id, int limit, json_t **out,
		     struct err *e)
{
	*out = NULL;
	struct mcase c;
	if (case_in_view(db, a, case_id, &c, e) < 0)
		return -1;
	if (limit <= 0)
		limit = 100;
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT r.sha256, b.media_type, b.size, r.stored_at,"
		     " COALESCE((SELECT m.filename FROM blob_names m WHERE m.sha256 = r.sha256 AND m.unit_id = r.unit_id"
		     " AND m.filename <> '' ORDER BY m.id LIMIT 1), ''),"
		     " COALESCE((SELECT m.description FROM blob_names m WHERE m.sha256 = r.sha256 AND m.unit_id = r.unit_id"
		     " AND m.description <> '' ORDER BY m.id LIMIT 1), ''),"
		     " (SELECT COUNT(*) FROM record_media x WHERE x.case_id = ? AND x.file_sha256 = r.sha256)"
		     " FROM blob_refs r JOIN blobs b ON b.sha256 = r.sha256"
		     " WHERE r.unit_id = ? AND (b.media_type LIKE 'video/%' OR b.media_type LIKE 'audio/%'"
		     " OR b.media_type LIKE 'image/%') ORDER BY r.id DESC LIMIT ?",
		     DB_INT(c.id), DB_INT(c.unit_id), DB_INT(limit)) < 0)
		return db_fail(db, e);
	json_t *items = json_array();
	for (int i = 0; i < r->nrows; i++) {
		const char *kind = kind_of_type(db_text(r, i, 1));
		if (!kind)
			continue;
		char sz[32], sl[20];
		size_text(db_int(r, i, 2), sz, sizeof sz);
		local_text(db_text(r, i, 3), sl);
		json_array_append_new(items, json_pack("{ss ss ss ss ss ss ss ss sb}", "sha256", db_text(r, i, 0), "kind",
						       kind, "kind_label", media_kind_label(kind), "media_type",
						       db_text(r, i, 1), "size_text", sz, "stored_local", sl, "filename",
						       db_text(r, i, 4), "description", db_text(r, i, 5), "attached",
						       db_int(r, i, 6) > 0));
	}
	db_res_free(r);
	*out = json_pack("{so}", "items", items);
	return 0;
}

bool media_may_attach(struct db *db, const struct actor *a, long long case_id)
{
	if (!actor_logged_in(a) || !actor_has(a, ROLE_OFFICER | ROLE_HEAD))
		return false;
	struct db_res *r;
	if (db_query(db, &r, "SELECT unit_id, status FROM cases WHERE id = ?", DB_INT(case_id)) < 0)
		return false;
	bool ok = r->nrows == 1 && str_eq(db_text(r, 0, 1), "open") &&
		  (is_case_officer(db, case_id, a->user_id, true) ||
		   (actor_has(a, ROLE_HEAD) && actor_unit_in_scope(db, a, db_int(r, 0, 0))));
	db_res_free(r);
	return ok;
}

int media_late_list(struct db *db, const struct actor *a, int limit, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	bool all_units = actor_has(a, ROLE_SUPERVISOR | ROLE_LEADER);
	if (!all_units && !actor_has(a, ROLE_HEAD))
		return err_set(e, ERR_FORBIDDEN, "", "只有监督人员、分管负责人和处室负责人可以查看迟延导出的音像记录");
	if (limit <= 0)
		limit = 50;
	struct db_res *r;
	if (db_query(db, &r,
		     "SELECT m.id, m.case_id, COALESCE(c.case_no, ''), c.title, c.unit_id, COALESCE(n.name, ''), m.kind,"
		     " m.ended_at, m.stored_at, m.export_hours FROM record_media m JOIN cases c ON c.id = m.case_id"
		     " LEFT JOIN units n ON n.id = c.unit_id WHERE m.late = 1 ORDER BY m.id DESC") < 0)
		return db_fail(db, e);
	long long *units = NULL;
	size_t nunits = 0;
	if (!all_units && actor_scope_units(db, a, &units, &nunits) < 0) {
		db_res_free(r);
		return db_fail(db, e);
	}
	json_t *items = json_array();
	int total = 0;
	for (int i = 0; i < r->nrows; i++) {
		if (!all_units && !actor_ids_contain(units, nunits, db_int(r, i, 4)))
			continue;
		total++;
		if ((int)json_array_size(items) >= limit)
			continue;
		char el[20], sl[20];
		local_text(db_text(r, i, 7), el);
		local_text(db_text(r, i, 8), sl);
		long long h = (time_utc_parse(db_text(r, i, 8)) - time_utc_parse(db_text(r, i, 7))) / 3600;
		json_array_append_new(items,
				      json_pack("{sI sI ss ss ss ss ss ss sI sI}", "id", (json_int_t)db_int(r, i, 0),
						"case_id", (json_int_t)db_int(r, i, 1), "case_no", db_text(r, i, 2),
						"title", db_text(r, i, 3), "unit_name", db_text(r, i, 5), "kind_label",
						media_kind_label(db_text(r, i, 6)) ? media_kind_label(db_text(r, i, 6))
										   : "",
						"ended_local", el, "stored_local", sl, "late_hours", (json_int_t)h,
						"export_hours", (json_int_t)db_int(r, i, 9)));
	}
	free(units);
	db_res_free(r);
	*out = json_pack("{so si}", "items", items, "total", total);
	return 0;
}
