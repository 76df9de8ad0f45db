/*
 * finalise.c - finalising a draft (password, required fields, the party's
 * signature, the recording rule, the number, the PDF in the vault, one
 * transaction that freezes it) and the PDF of a document (records.h).
 *
 * Order of finalising, so that a crash at any point leaves a draft:
 *  1. checks that write nothing (fields, signature, recording);
 *  2. the password (the people layer counts a wrong one as a failed login);
 *  3. a numbered type: the case's number of that kind, drawn in its own
 *     transaction when the case has none yet (numbering_next, issued to
 *     the case, so a retry after a crash and the stage that the law numbers
 *     - cases/case_util.c - reuse the same number: no gap, no second one);
 *  4. the PDF rendered and stored in the vault (outside any transaction of
 *     ours; a crash after it leaves an unreferenced file);
 *  5. one transaction: the row final with number, hashes and leaf index
 *     (checked against the row_version and content seen in 1), the leaves
 *     record.finalised and record.confirmed, the confirmation row, op_log.
 */
#include "core/core.h"
#include "records/records_int.h"
#include "records/pdf.h"
#include "records/media.h"
#include "recording/vault.h"
#include "store/blobs.h"
#include "cases/numbering.h"
#include "actor/audit.h"
#include "ledger/ledger.h"
#include "people/auth.h"
#include "people/people.h"

#define REMEDY_BASIS "（《中华人民共和国行政复议法》第二十条；《中华人民共和国行政诉讼法》第四十六条）"

static int buf_sink(void *ctx, const void *data, size_t n)
{
	return buf_add(ctx, data, n);
}

/* Read a vault blob whole (signature images, stored PDFs: small). */
static int blob_bytes(struct vault *v, const char *sha, struct buf *out, struct err *e)
{
	if (!v)
		return err_set(e, ERR_INTERNAL, "", "证据库不可用");
	return blobs_read(vault_blobs(v), sha, buf_sink, out, e);
}

/* The text of one field's value for the PDF. */
static void value_text(const json_t *f, const json_t *v, struct buf *b)
{
	const char *type = rec_js(f, "type");
	if (!v || json_is_null(v))
		return;
	if (str_eq(type, "check")) {
		buf_puts(b, json_is_true(v) ? "是" : "否");
	} else if (str_eq(type, "integer")) {
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (str_eq(type, "money")) {
		buf_printf(b, "%s 元", json_string_value(v));
	} else if (str_eq(type, "datetime")) {
		const char *s = json_string_value(v);
		buf_printf(b, "%.10s %.5s", s, strlen(s) > 11 ? s + 11 : "");
	} else if (str_eq(type, "multi")) {
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x)
			buf_printf(b, "%s%s", i ? "、" : "", json_string_value(x));
	} else if (str_eq(type, "list")) {
		size_t i;
		const json_t *row;
		json_array_foreach(v, i, row) {
			if (i)
				buf_putc(b, '\n');
			buf_printf(b, "%zu. %s", i + 1, rec_js(row, "name"));
			static const char *const cols[] = { "spec", "quantity", "unit", "note" };
			static const char *const labels[] = { "规格", "数量", "单位", "备注" };
			for (size_t c = 0; c < ARRAY_SIZE(cols); c++)
				if (!str_empty(rec_js(row, cols[c])))
					buf_printf(b, "；%s：%s", labels[c], rec_js(row, cols[c]));
		}
	} else if (json_is_string(v)) {
		buf_puts(b, json_string_value(v));
	}
}

/* The 事中公示 block of a document handed to the party. */
static void notice_text(const struct doc_row *d, const json_t *facts, struct buf *b)
{
	const json_t *def = d->def;
	buf_printf(b, "执法主体：%s\n", rec_js(facts, "body_name"));
	const char *off = json_string_value(json_object_get(d->fields, "officers"));
	buf_puts(b, "执法人员及执法证号：");
	if (!str_empty(off)) {
		buf_puts(b, off);
	} else {
		size_t i;
		const json_t *o;
		json_array_foreach(json_object_get(facts, "officers"), i, o)
			buf_printf(b, "%s%s（执法证号 %s）", i ? "、" : "", rec_js(o, "name"), rec_js(o, "cert_no"));
	}
	buf_puts(b, "\n执法辅助人员、专家：");
	size_t n = 0, i;
	const json_t *p;
	json_array_foreach(json_object_get(facts, "participants"), i, p) {
		buf_printf(b, "%s%s（%s%s%s）", n ? "、" : "", rec_js(p, "name"), rec_js(p, "kind_label"),
			   str_empty(rec_js(p, "organisation")) ? "" : "，", rec_js(p, "organisation"));
		n++;
	}
	if (!n)
		buf_puts(b, "无");
	const char *cause = json_string_value(json_object_get(d->fields, "cause"));
	buf_printf(b, "\n案由：%s", !str_empty(cause) ? cause : rec_js(facts, "title"));
	const char *basis = json_string_value(json_object_get(d->fields, "basis"));
	buf_printf(b, "\n法律依据：%s", !str_empty(basis) ? basis : rec_js(def, "basis"));
	const json_t *rights = json_object_get(def, "rights");
	bool statement = false, hearing = false;
	json_array_foreach(rights, i, p) {
		statement = statement || str_eq(json_string_value(p), "statement");
		hearing = hearing || str_eq(json_string_value(p), "hearing");
	}
	if (statement || hearing) {
		buf_puts(b, "\n当事人的权利：");
		if (statement)
			buf_puts(b, "依法享有陈述、申辩的权利（《中华人民共和国行政处罚法》第四十五条、《中华人民共和国行政强制法》第八条）");
		if (hearing)
			buf_printf(b, "%s符合法定情形的，依法享有要求听证的权利（《中华人民共和国行政处罚法》第六十三条、第六十四条；《中华人民共和国行政许可法》第四十七条）",
				   statement ? "；" : "");
	}
	if (rec_jb(def, "remedies")) {
		const char *rb = json_string_value(json_object_get(d->fields, "review_body"));
		const char *ct = json_string_value(json_object_get(d->fields, "court"));
		buf_printf(b, "\n救济途径和期限：如不服本决定，可以自知道该行政行为之日起六十日内向%s申请行政复议，"
			      "或者自知道或者应当知道作出行政行为之日起六个月内向%s提起行政诉讼" REMEDY_BASIS "。",
			   !str_empty(rb) ? rb : "本机关的行政复议机关", !str_empty(ct) ? ct : "有管辖权的人民法院");
	}
}

/* Render document d (number: the number to print, may be NULL) into out. */
static int render(struct db *db, struct vault *v, const struct doc_row *d, const struct case_brief *c,
		  const char *number, bool draft, struct buf *out, int *pages, struct err *e)
{
	json_t *facts = NULL;
	if (case_facts(db, c->id, &facts, e) < 0)
		return -1;
	const json_t *fdefs = json_object_get(d->def, "fields");
	size_t nf = json_array_size(fdefs);
	struct pdf_field *fields = xcalloc(nf + 8, sizeof *fields);
	struct buf *texts = xcalloc(nf + 8, sizeof *texts);
	size_t k = 0;
	size_t i;
	const json_t *f;
	json_array_foreach(fdefs, i, f) {
		if (json_is_false(json_object_get(f, "print")))
			continue; /* kept for the case, not printed on the document */
		buf_init(&texts[k], 0);
		value_text(f, json_object_get(d->fields, rec_js(f, "key")), &texts[k]);
		fields[k].label = rec_js(f, "label");
		fields[k].text = buf_str(&texts[k]);
		k++;
	}
	/* the signatures that count, and the refusal notes, as rows */
	char h[65];
	rec_content_sha256(d->case_id, d->type_code, d->type_version, d->fields, NULL, h);
	json_t *sigs = rec_signatures_json(db, d->id, h);
	size_t ns = json_array_size(sigs);
	struct pdf_image *imgs = xcalloc(ns + 1, sizeof *imgs);
	struct buf *imgbytes = xcalloc(ns + 1, sizeof *imgbytes);
	char **captions = xcalloc(ns + 1, sizeof *captions);
	size_t ni = 0;
	struct buf sigtext;
	buf_init(&sigtext, 0);
	int rc = -1;
	const json_t *s;
	json_array_foreach(sigs, i, s) {
		const char *kind = rec_js(s, "kind");
		if (!rec_jb(s, "current") || str_eq(kind, "confirm"))
			continue;
		if (str_eq(kind, "refused")) {
			buf_printf(&sigtext, "%s当事人%s拒绝签名。理由：%s", sigtext.len ? "\n" : "", rec_js(s, "signer_name"),
				   rec_js(s, "refusal_reason"));
			if (!str_empty(rec_js(s, "witness_name")))
				buf_printf(&sigtext, "；见证人：%s", rec_js(s, "witness_name"));
			buf_printf(&sigtext, "（执法人员 %s 注明，%s）", rec_js(s, "by_name"), rec_js(s, "at_local"));
			continue;
		}
		buf_init(&imgbytes[ni], 0);
		if (blob_bytes(v, rec_js(s, "image_sha256"), &imgbytes[ni], e) < 0)
			goto out;
		static const unsigned char magic[4] = { 0x89, 'P', 'N', 'G' };
		if (imgbytes[ni].len < 4 || memcmp(imgbytes[ni].data, magic, 4) != 0) {
			/* a scan that is no PNG (a JPEG, a PDF): named, not drawn */
			buf_printf(&sigtext, "%s%s%s签名：见纸质签名扫描件（SHA-256 %s）", sigtext.len ? "\n" : "",
				   records_signer_role_label(rec_js(s, "signer_role")), rec_js(s, "signer_name"),
				   rec_js(s, "image_sha256"));
			buf_release(&imgbytes[ni]);
			continue;
		}
		captions[ni] = xasprintf("%s：%s（%s）", records_signer_role_label(rec_js(s, "signer_role")),
					 rec_js(s, "signer_name"), rec_js(s, "at_local"));
		imgs[ni].png = (const unsigned char *)imgbytes[ni].data;
		imgs[ni].len = imgbytes[ni].len;
		imgs[ni].caption = captions[ni];
		ni++;
	}
	if (sigtext.len) {
		fields[k].label = "签名情况";
		fields[k].text = buf_str(&sigtext);
		k++;
	}
	const json_t *ph = json_object_get(d->def, "phrases");
	size_t np = json_array_size(ph);
	const char **phrases = xcalloc(np + 1, sizeof *phrases);
	for (i = 0; i < np; i++)
		phrases[i] = json_string_value(json_array_get(ph, i));
	struct buf notice, footer;
	buf_init(&notice, 0);
	buf_init(&footer, 0);
	if (rec_jb(d->def, "handed_to_party"))
		notice_text(d, facts, &notice);
	buf_printf(&footer, "%s%s%s · 文书 %lld", rec_js(facts, "body_name"), c->case_no[0] ? " · " : "", c->case_no, d->id);
	struct pdf_doc pd = {
		.body_name = rec_js(facts, "body_name"),
		.title = rec_js(d->def, "name"),
		.number = number ? number : "",
		.fields = fields,
		.n_fields = k,
		.phrases = phrases,
		.n_phrases = np,
		.notice = buf_str(&notice),
		.images = imgs,
		.n_images = ni,
		.footer = buf_str(&footer),
		.watermark = draft ? "草稿" : "",
	};
	rc = pdf_render(&pd, out, pages, e);
	free(phrases);
	buf_release(&notice);
	buf_release(&footer);
out:
	for (i = 0; i < nf + 8; i++)
		buf_release(&texts[i]);
	for (i = 0; i < ns + 1; i++) {
		buf_release(&imgbytes[i]);
		free(captions[i]);
	}
	free(texts);
	free(fields);
	free(imgs);
	free(imgbytes);
	free(captions);
	buf_release(&sigtext);
	json_decref(sigs);
	json_decref(facts);
	return rc;
}

/* Checks of step 1 (nothing written): the first problem into e. */
static int finalise_checks(struct db *db, const struct doc_row *d, struct err *e)
{
	size_t i;
	const json_t *f;
	json_array_foreach(json_object_get(d->def, "fields"), i, f) {
		if (!rec_jb(f, "required"))
			continue;
		const json_t *v = json_object_get(d->fields, rec_js(f, "key"));
		bool check = str_eq(rec_js(f, "type"), "check");
		if (!v || json_is_null(v) || (json_is_string(v) && str_empty(json_string_value(v))) ||
		    (json_is_array(v) && json_array_size(v) == 0) || (check && !json_is_true(v))) {
			char field[64];
			snprintf(field, sizeof field, "fields.%s", rec_js(f, "key"));
			return err_set(e, ERR_INVALID, field, check ? "定稿前须确认「%s」" : "定稿前请填写「%s」", rec_js(f, "label"));
		}
	}
	if (d->act_started_at[0] && d->act_ended_at[0] && strcmp(d->act_ended_at, d->act_started_at) < 0) {
		const char *end = NULL;
		json_array_foreach(json_object_get(d->def, "fields"), i, f)
			if (str_eq(rec_js(f, "act"), "end"))
				end = rec_js(f, "key");
		char field[64];
		snprintf(field, sizeof field, "fields.%s", end ? end : "ended_at");
		return err_set(e, ERR_INVALID, field, "结束时间早于开始时间");
	}
	if (rec_jb(d->def, "party_signature")) {
		char h[65];
		rec_content_sha256(d->case_id, d->type_code, d->type_version, d->fields, NULL, h);
		if (!rec_party_signed(db, d->id, h))
			return err_set(e, ERR_CONFLICT, "signature",
				       "「%s」须有当事人对当前版本的签名（屏幕签名或纸质签名扫描件），或执法人员注明当事人拒绝签名的理由（见证人在场的写明见证人），才能定稿",
				       rec_js(d->def, "name"));
	}
	/* the recording rule (二.(二).2): records/media.h */
	const char *need = rec_js(d->def, "recording");
	if (!str_empty(need) && !str_eq(need, "none") &&
	    media_check_document(db, d->id, need, d->act_started_at[0] ? d->act_started_at : NULL,
				 d->act_ended_at[0] ? d->act_ended_at : NULL, e) < 0)
		return -1;
	return 0;
}

/* The number of kind the case holds, else drawn now for the case in its
 * own transaction (step 3).  out "" when the type has none. */
static int take_number(struct db *db, const struct doc_row *d, const struct case_brief *c, char *out, size_t outsz,
		       struct err *e)
{
	out[0] = 0;
	if (!rec_jb(d->def, "numbered"))
		return 0;
	const char *kind = rec_js(d->def, "number_kind");
	char idstr[24], today[11];
	snprintf(idstr, sizeof idstr, "%lld", c->id);
	time_today_shanghai(today);
	for (int attempt = 0; attempt < 2; attempt++) {
		struct db_res *r;
		if (db_query(db, &r, "SELECT number FROM number_issued WHERE object_type = 'case' AND object_id = ? AND kind = ?"
				     " ORDER BY id LIMIT 1", DB_TEXT(idstr), DB_TEXT(kind)) < 0)
			return rec_db_fail(db, e);
		if (r->nrows) {
			snprintf(out, outsz, "%s", db_text(r, 0, 0));
			db_res_free(r);
			return 0;
		}
		db_res_free(r);
		if (attempt)
			break;
		if (db_begin(db) < 0)
			return rec_db_fail(db, e);
		/* another finaliser of the same case may be drawing now: the
		 * case row is locked first (PostgreSQL; SQLite serialises write
		 * transactions), so the second finds the first's number */
		if (db_exec(db, "UPDATE cases SET updated_at = updated_at WHERE id = ?", DB_INT(c->id)) < 0)
			return rec_tx_fail(db, e);
		long long have = db_scalar_int(db, -1, "SELECT COUNT(*) FROM number_issued WHERE object_type = 'case'"
						       " AND object_id = ? AND kind = ?",
					       (const struct db_val[]){ DB_TEXT(idstr), DB_TEXT(kind), DB_END });
		if (have < 0)
			return rec_tx_fail(db, e);
		if (have == 0) {
			char no[128];
			if (numbering_next(db, c->body_unit_id, kind, today, "case", idstr, no, sizeof no, NULL, e) < 0) {
				db_rollback(db);
				if (e && e->kind == ERR_NOTFOUND)
					snprintf(e->field, sizeof e->field, "number_kind");
				return -1;
			}
		}
		if (db_commit(db) < 0)
			return rec_tx_fail(db, e);
	}
	return err_set(e, ERR_INTERNAL, "", "取号失败，请稍后再试");
}

#ifdef ZHIFA_TEST_HOOKS
#include <stdlib.h>
#include <signal.h>
#include <unistd.h>
/* ZHIFA_TEST_RECORDS_CRASH=after_pdf|before_commit: the process is killed
 * there (SIGKILL: nothing of it runs afterwards, as when the machine loses
 * power mid-finalise; for the tests). */
static void crash_point(const char *where)
{
	const char *c = getenv("ZHIFA_TEST_RECORDS_CRASH");
	if (c && str_eq(c, where))
		kill(getpid(), SIGKILL);
}
#else
static void crash_point(const char *where)
{
	(void)where;
}
#endif

int records_finalise(struct db *db, struct vault *v, const struct actor *a, long long doc_id, int row_version,
		     const char *password, json_t **out, struct err *e)
{
	return rec_finalise(db, v, a, doc_id, row_version, password, false, out, e);
}

int records_issue(struct db *db, struct vault *v, const struct actor *a, long long case_id, const char *type_code,
		  const json_t *fields, long long *doc_id, struct err *e)
{
	struct record_create_input in = { .type_code = type_code };
	long long id = 0;
	if (rec_create(db, a, case_id, &in, fields, true, &id, e) < 0)
		return -1;
	if (doc_id)
		*doc_id = id;
	return rec_finalise(db, v, a, id, 1, NULL, true, NULL, e);
}

int rec_finalise(struct db *db, struct vault *v, const struct actor *a, long long doc_id, int row_version,
		 const char *password, bool issuer, json_t **out, struct err *e)
{
	if (out)
		*out = NULL;
	struct doc_row d;
	struct case_brief c;
	if (issuer) {
		if (rec_doc_load(db, doc_id, &d, e) < 0)
			return -1;
		if (case_brief_get(db, NULL, d.case_id, false, &c, e) < 0) {
			rec_doc_release(&d);
			return -1;
		}
	} else if (rec_doc_open(db, a, doc_id, true, &d, &c, e) < 0) {
		return -1;
	}
	int rc = -1;
	struct buf pdf;
	buf_init(&pdf, 0);
	if (str_eq(d.status, "final")) {
		err_set(e, ERR_CONFLICT, "status", "文书已定稿，不能再次定稿；如需更正，请制作更正文书");
		goto out;
	}
	if (row_version != d.row_version) {
		err_set(e, ERR_CONFLICT, "row_version", "该文书已被他人修改（当前第 %d 版，您看到的是第 %d 版），请刷新后重试",
			d.row_version, row_version);
		goto out;
	}
	if (!str_eq(c.status, "open") && !d.corrects_id) {
		err_set(e, ERR_CONFLICT, "status", "案件已结案或终结，不能定稿文书（更正文书除外）");
		goto out;
	}
	if (!v) {
		err_set(e, ERR_INTERNAL, "", "证据库不可用，不能定稿");
		goto out;
	}
	if (finalise_checks(db, &d, e) < 0)
		goto out;
	/* a decision: the 法制审核 gate (records/decision.h), asked before the
	 * password and again in the final transaction */
	char drafted[20], material[65];
	rec_local(d.created_at, drafted);
	drafted[10] = 0;
	if (rec_decision_may_finalise(db, a, d.case_id, d.id, d.type_code, d.def, d.fields, drafted, material, e) < 0)
		goto out;
	if (!issuer && people_password_confirm(db, a, password, e) < 0)
		goto out;
	char number[128];
	if (take_number(db, &d, &c, number, sizeof number, e) < 0)
		goto out;
	int pages = 0;
	if (render(db, v, &d, &c, number[0] ? number : NULL, false, &pdf, &pages, e) < 0)
		goto out;
	struct vault_writer w;
	struct vault_stored st;
	char fname[200];
	snprintf(fname, sizeof fname, "%s-%lld.pdf", rec_js(d.def, "name"), d.id);
	if (vault_writer_open(v, &w, e) < 0)
		goto out;
	if (vault_writer_describe(&w, "application/pdf", fname, NULL, e) < 0 || vault_writer_add(&w, pdf.data, pdf.len, e) < 0) {
		vault_writer_abort(&w);
		goto out;
	}
	if (vault_writer_commit(v, db, a, &w, "application/pdf", &st, e) < 0)
		goto out;
	crash_point("after_pdf");
	/* step 5: freeze */
	char draft_h[65], final_h[65], now[21];
	rec_content_sha256(d.case_id, d.type_code, d.type_version, d.fields, NULL, draft_h);
	rec_content_sha256(d.case_id, d.type_code, d.type_version, d.fields, number[0] ? number : NULL, final_h);
	time_now_utc(now);
	if (db_begin(db) < 0) {
		rec_db_fail(db, e);
		goto out;
	}
	if (rec_decision_may_finalise(db, a, d.case_id, d.id, d.type_code, d.def, d.fields, drafted, material, e) < 0) {
		db_rollback(db);
		goto out;
	}
	json_t *leaf = json_pack("{s:I,s:I,s:s,s:i,s:s,s:s,s:s,s:I,s:i,s:I}", "case_id", (json_int_t)d.case_id,
				 "document_id", (json_int_t)d.id, "doc_type", d.type_code, "version", d.type_version,
				 "content_sha256", final_h, "sha256", st.sha256, "sm3", st.sm3, "size", (json_int_t)st.size,
				 "pages", pages, "actor", (json_int_t)a->user_id);
	long long li = -1, ci = -1;
	int q = ledger_append(db, "record.finalised", leaf, &li, e);
	json_decref(leaf);
	if (q < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	struct db_res *r = NULL;
	if (db_query(db, &r, "UPDATE documents SET status = 'final', number = ?, content_sha256 = ?, pdf_sha256 = ?,"
			     " pdf_sm3 = ?, pdf_size = ?, pdf_pages = ?, leaf_index = ?, finalised_by = ?, finalised_at = ?,"
			     " updated_at = ?, review_material = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?"
			     " AND status = 'draft' AND content_sha256 = ? RETURNING id",
		     DB_TEXTN(rec_nz(number)), DB_TEXT(final_h), DB_TEXT(st.sha256), DB_TEXT(st.sm3),
		     DB_INT(st.size), DB_INT(pages), DB_INT(li), DB_INT(a->user_id), DB_TEXT(now), DB_TEXT(now),
		     DB_TEXTN(rec_nz(material)),
		     DB_INT(d.id), DB_INT(row_version), DB_TEXT(draft_h)) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	bool updated = r->nrows > 0;
	db_res_free(r);
	if (!updated) {
		db_rollback(db);
		err_set(e, ERR_CONFLICT, "row_version", "定稿期间文书被他人修改或已定稿，请刷新后重试");
		goto out;
	}
	/* the officer's confirmation: an act of their own (password re-entered) */
	leaf = json_pack("{s:I,s:I,s:s,s:I}", "case_id", (json_int_t)d.case_id, "document_id", (json_int_t)d.id,
			 "content_sha256", final_h, "actor", (json_int_t)a->user_id);
	q = ledger_append(db, "record.confirmed", leaf, &ci, e);
	json_decref(leaf);
	char idstr[24], detail[300];
	snprintf(idstr, sizeof idstr, "%lld", d.id);
	snprintf(detail, sizeof detail, "定稿%s%s%s（输入密码确认；PDF %d 页）", rec_js(d.def, "name"), number[0] ? " " : "",
		 number, pages);
	if (q < 0 ||
	    db_exec(db, "INSERT INTO document_signatures(document_id, kind, content_sha256, image_sha256, signer_role,"
			" signer_name, by_user, at, leaf_index) VALUES (?, 'confirm', ?, NULL, 'officer', ?, ?, ?, ?)",
		    DB_INT(d.id), DB_TEXT(final_h), DB_TEXT(a->name[0] ? a->name : a->username), DB_INT(a->user_id),
		    DB_TEXT(now), DB_INT(ci)) < 0 ||
	    audit_log(db, a, "record.finalise", "document", idstr, "ok", detail) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	const struct records_finalised fin = { d.id, d.case_id, d.corrects_id, d.type_code, d.def, d.fields,
					       number, final_h, st.sha256, now };
	if (rec_decision_finalised(db, a, &fin, e) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	crash_point("before_commit");
	if (db_commit(db) < 0) {
		rec_tx_fail(db, e);
		goto out;
	}
	rc = 0;
out:
	buf_release(&pdf);
	rec_doc_release(&d);
	if (rc == 0 && out) {
		/* the answer without a second record.read row */
		struct doc_row d2;
		if (rec_doc_load(db, doc_id, &d2, NULL) == 0) {
			*out = json_pack("{s:I,s:s,s:o,s:s,s:s,s:I,s:i,s:I,s:i}", "id", (json_int_t)d2.id, "status", d2.status,
					 "number", d2.number ? json_string(d2.number) : json_null(), "content_sha256",
					 d2.content_sha256, "pdf_sha256", d2.pdf_sha256, "pdf_size", (json_int_t)d2.pdf_size,
					 "pdf_pages", d2.pdf_pages, "leaf_index", (json_int_t)d2.leaf_index, "row_version",
					 d2.row_version);
			rec_doc_release(&d2);
		}
	}
	return rc;
}

int records_pdf(struct db *db, struct vault *v, const struct actor *a, long long doc_id, struct buf *out,
		char **filename, struct err *e)
{
	if (filename)
		*filename = NULL;
	struct doc_row d;
	struct case_brief c;
	if (rec_doc_open(db, a, doc_id, false, &d, &c, e) < 0)
		return -1;
	int rc = -1;
	if (str_eq(d.status, "final")) {
		size_t before = out->len;
		if (blob_bytes(v, d.pdf_sha256, out, e) < 0)
			goto out;
		char h[65];
		rec_sha256_hex(out->data + before, out->len - before, h);
		if (!str_eq(h, d.pdf_sha256)) {
			log_error("records: stored PDF of document %lld does not match its hash", d.id);
			err_set(e, ERR_INTERNAL, "", "存储的文书文件与登记的摘要不符，请联系系统管理员");
			goto out;
		}
	} else {
		int pages = 0;
		if (render(db, v, &d, &c, NULL, true, out, &pages, e) < 0)
			goto out;
	}
	char what[200];
	snprintf(what, sizeof what, "%s：%s", str_eq(d.status, "final") ? "下载文书" : "预览文书草稿", rec_js(d.def, "name"));
	rec_log_read(db, a, doc_id, what);
	if (filename)
		*filename = xasprintf("%s-%lld%s.pdf", rec_js(d.def, "name"), d.id, str_eq(d.status, "final") ? "" : "-草稿");
	rc = 0;
out:
	rec_doc_release(&d);
	return rc;
}
