/*
 * media.h - audio-visual records (音像记录) of a case: a photo, a sound
 * recording or a video from the evidence vault attached to the case or to
 * one of its documents, with what the seed asks of it, and the recording
 * rule a document must meet before it is finalised.
 *
 * The law (《云南省工业和信息化厅关于全面推行行政执法公示制度执法全过程
 * 记录制度重大执法决定法制审核制度的实施方案》 二.(二)):
 *  - 2. 规范音像记录: acts touching liberty, life or major property
 *    (查封扣押, 强制拆除, the 执法办案场所) are recorded in full ("full");
 *    现场执法, 调查取证, 听证, 留置送达, 公告送达 as circumstances require
 *    ("as_needed"); the officers state unit, officers, cause, time and
 *    place by voice after starting the recording and write a short summary
 *    afterwards;
 *  - 4. 严格管理使用: originals are never forged, cut, edited or deleted,
 *    are not public, and are exported promptly (及时导出): a file stored
 *    more than record_export_hours (config, default 24) after its
 *    recording ended is flagged late.
 *
 * Table record_media (migration 028), append-only on SQLite and
 * PostgreSQL.  A row names a vault file of the case's unit (kind video |
 * audio | photo from the vault's media type) with recorder serial,
 * officers, started_at/ended_at (UTC), place, statement_offset_s and
 * summary, or - for an "as_needed" document without a recording - the
 * reason why none was made (file_sha256 NULL).
 *
 * Every attachment: one transaction with the row, an op_log row
 * ("record.media", object "case") and the ledger leaf "record.media"
 * {case_id, document_id, media_id, sha256 (the file), kind, late,
 * summary_sha256 | reason_sha256} - ids and hashes only.
 */
#ifndef ZHIFA_RECORDS_MEDIA_H
#define ZHIFA_RECORDS_MEDIA_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

/* The default of the config key record_export_hours (二.(二).4 及时导出). */
#define MEDIA_EXPORT_HOURS_DEFAULT 24

/* the recording rule of a document at finalise: need = definition "recording";
 * full: a video row for the document (or the case) whose [started_at, ended_at] covers
 *       [act_started_at, act_ended_at]; as_needed: any media row for the document or a
 *       no_recording_reason row; none: 0.  -1 with ERR_CONFLICT field "recording" and a Chinese
 *       message ("查封扣押须全程音像记录：尚无覆盖 10:00–10:40 的视频")
 * The case of the document comes from the lookup set with
 * media_set_document_lookup (rows of the case without a document count
 * only when it is set); act times are UTC "YYYY-MM-DDTHH:MM:SSZ" (NULL or
 * "" = not stated: "full" is then refused, "as_needed" counts every media
 * row of the document and no case row).  need NULL, "" or "none": 0. */
int media_check_document(struct db *db, long long document_id, const char *need,
			 const char *act_started_at, const char *act_ended_at, struct err *e);
/* As media_check_document with the document's case given (case_id 0:
 * rows of the document only).  Case rows (document_id NULL) count when
 * their times cover the act ("full": videos only; "as_needed": any kind
 * whose times meet the act's). */
int media_check(struct db *db, long long case_id, long long document_id, const char *need,
		const char *act_started_at, const char *act_ended_at, struct err *e);

/* The media files of a case for its case file and package, oldest first
 * (no-recording rows are not files and are left out):
 * [{"kind":"media","id":N,"media_kind":"video"|"audio"|"photo",
 *   "title":"现场执法录像","date":"YYYY-MM-DD" (Beijing, of started_at),
 *   "document_id":N|null,"sha256","sm3","size","media_type",
 *   "leaf_index": the file.stored leaf of the case's unit,
 *   "media_leaf_index": the record.media leaf,
 *   "started_at","ended_at","late":bool}]
 * No view check (the caller's).  *items is a new array. */
int media_for_case(struct db *db, long long case_id, json_t **items, struct err *e);

/* ---- the documents of migration 027 (src/records/documents.c) ----
 * How this module learns the case of a document (and lists a case's
 * documents for the attach form) without reading the documents table
 * itself.  case_of: the case id of document_id, 0 when unknown, -1 on a
 * storage error.  list (may be NULL): [{id, name, number, recording}] of
 * the documents of case_id (new reference), NULL on error.  Set once at
 * start-up (records_init); NULL resets. */
struct media_document_lookup {
	long long (*case_of)(struct db *db, long long document_id);
	json_t *(*list)(struct db *db, long long case_id);
};
void media_set_document_lookup(const struct media_document_lookup *l);

/* ---- attaching ---- */
struct media_input {
	long long document_id;          /* 0 = the case */
	const char *file_sha256;        /* a vault file of the case's unit; NULL/"" with no_recording_reason */
	const char *recorder_serial;    /* 1..64 characters */
	const long long *officer_ids;   /* 1..10 officers of the case (current or former) */
	size_t n_officers;
	const char *started_at;         /* UTC "YYYY-MM-DDTHH:MM:SSZ", or Beijing "YYYY-MM-DD HH:MM[:SS]" /
					   "YYYY-MM-DDTHH:MM[:SS]" (a datetime-local field) */
	const char *ended_at;           /* after started_at (a photo: equal allowed), not in the future */
	const char *place;              /* 1..200 characters */
	long long statement_offset_s;   /* within [0, ended - started] */
	bool statement_offset_given;    /* false: refused as missing */
	const char *summary;            /* 1..2000 characters */
	const char *no_recording_reason;/* instead of a file: 1..1000 characters, needs document_id */
	int export_hours;               /* record_export_hours; <= 0 = MEDIA_EXPORT_HOURS_DEFAULT */
};

/* Attach in one transaction (row, op_log, leaf).  Who: a current officer
 * of the case or a head whose scope holds the case's unit; the case open.
 * Errors: ERR_NOTFOUND (case unknown or out of view: "案件不存在或无权查
 * 看"), ERR_FORBIDDEN, ERR_CONFLICT (case closed or ended), ERR_INVALID
 * naming "document_id", "file_sha256" (unknown in the unit), 415 naming
 * "file_sha256" (not a photo, sound or video), ERR_INVALID naming
 * "recorder_serial", "officer_ids", "started_at", "ended_at", "place",
 * "statement_offset_s", "summary", "no_recording_reason".  Every problem
 * is added to all (may be NULL), the first copied to e.  Nothing is
 * written on -1.  *id (may be NULL) gets the new row's id. */
int media_attach(struct db *db, const struct actor *a, long long case_id, const struct media_input *in,
		 long long *id, struct errs *all, struct err *e);

/* The audio-visual records of a case in a's view, oldest first:
 * {"items":[{id, document_id, file_sha256, kind, kind_label, media_type,
 *   size, size_text, recorder_serial, officers:[{user_id, name}],
 *   started_at, ended_at, started_local, ended_local, duration_s,
 *   duration_text, place, statement_offset_s, statement_text ("00:00:12"),
 *   summary, no_recording_reason, stored_at, stored_local, late: bool,
 *   late_hours (hours between end and storing), export_hours, attached_by,
 *   attached_by_name, attached_at_local, leaf_index}], "late_count": N}
 * ERR_NOTFOUND as media_attach. */
int media_list(struct db *db, const struct actor *a, long long case_id, json_t **out, struct err *e);

/* Late uploads (二.(二).4) of the cases a may see, newest first, at most
 * limit (<= 0: 50): {"items":[{id, case_id, case_no, title, unit_name,
 * kind_label, ended_local, stored_local, late_hours, export_hours}],
 * "total": N}.  For supervisors, leaders and heads (others: ERR_FORBIDDEN);
 * a head sees the cases of the units in scope. */
int media_late_list(struct db *db, const struct actor *a, int limit, json_t **out, struct err *e);

/* The vault files of the case's unit that can be attached (photos,
 * sound, video), newest first, at most limit (<= 0: 100), for the attach
 * form: {"items":[{sha256, kind, kind_label, media_type, size_text,
 * stored_local, filename, description, attached: bool (already attached
 * to this case)}]}.  ERR_NOTFOUND as media_attach. */
int media_candidates(struct db *db, const struct actor *a, long long case_id, int limit, json_t **out,
		     struct err *e);
/* Whether a may attach records to case_id now (media_attach's role,
 * scope and status rule), without writing anything. */
bool media_may_attach(struct db *db, const struct actor *a, long long case_id);

/* Words for people: "录像", "录音", "照片" (NULL for an unknown kind). */
const char *media_kind_label(const char *kind);
#endif
