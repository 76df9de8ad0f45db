/*
 * certs.h - enforcement officers' certificates (执法证) and the public
 * reads of the portal (enforcement bodies, certified officers, the QR
 * credential page).
 *
 * Invariants:
 *  - Stored status is valid, suspended or revoked.  Transitions:
 *    valid -> suspended -> valid, and any -> revoked (final).
 *  - The status shown is computed at read time with today's date in
 *    Asia/Shanghai: revoked stays revoked; otherwise after valid_to it is
 *    expired, before valid_from pending; otherwise the stored status.
 *  - Each certificate has a random public token (18 bytes = 144 bits,
 *    base64url, 24 characters) for the credential page /verify/c/<token>;
 *    the public lookup returns only name, unit, certificate data, validity
 *    and status - no other personal data.
 *  - Certificates are managed by administrators and by heads/reviewers of
 *    the 政策法规处 (is_reviewer unit); others read those of their scope.
 *  - Changes run in one transaction with an operation-log row.
 */
#ifndef ZHIFA_CERTS_H
#define ZHIFA_CERTS_H
#include <jansson.h>
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

#define CERT_TOKEN_LEN 24
/* Largest photo accepted (bytes). */
#define CERT_PHOTO_MAX (2 * 1024 * 1024)

struct blobs;

/* One row of a certificate's coverage (migration 025): the catalogue
 * matters of unit_id (0 = the holder's unit) and of every unit below it, of one category
 * (inspection|licence|penalty|levy|coercion|other) or of every category
 * (category NULL or ""). */
struct cert_scope {
	long long unit_id;
	const char *category;
};
/* At most this many coverage rows per certificate. */
#define CERT_SCOPES_MAX 64

struct cert_input {
	long long user_id;        /* the holder */
	const char *cert_no;      /* unique, 1-64 characters */
	const char *cert_type;    /* e.g. 行政执法证; NULL or "" = 行政执法证 */
	const char *enf_scope;    /* 执法范围, 1-500 characters */
	const char *issuer;       /* 发证机关, 1-64 characters */
	const char *valid_from;   /* YYYY-MM-DD */
	const char *valid_to;     /* YYYY-MM-DD, not before valid_from */
	/* The matters covered.  n_scopes 0: on create the holder's unit,
	 * every category; on update unchanged when scopes is NULL, else the
	 * holder's unit, every category.  Duplicates are merged. */
	const struct cert_scope *scopes;
	size_t n_scopes;
};

/* The status shown for a stored status and validity on date today
 * ('YYYY-MM-DD'): "valid", "suspended", "revoked", "expired" or "pending". */
const char *cert_effective_status(const char *stored, const char *valid_from,
				  const char *valid_to, const char *today);
/* Chinese label of a shown status: 有效, 暂扣, 已注销, 已过期, 未生效. */
const char *cert_status_label(const char *status);
/* True when a may manage certificates (admin, or head/reviewer of the
 * 政策法规处). */
bool cert_can_manage(struct db *db, const struct actor *a);

/* Issue a certificate (status valid).  *id_out and token_out (may be NULL,
 * else CERT_TOKEN_LEN+1 bytes) get the id and the public token.  Errors:
 * ERR_FORBIDDEN; ERR_INVALID naming user_id, cert_no, enf_scope, issuer,
 * valid_from or valid_to; ERR_CONFLICT for a duplicate cert_no. */
int cert_create(struct db *db, const struct actor *a, const struct cert_input *in,
		long long *id_out, char *token_out, struct err *e);
/* Check in as cert_create / cert_update (self: the certificate being
 * corrected, 0 when new) would, adding every problem to all rather than
 * stopping at the first; -1 when there was any.  Changes nothing. */
int cert_check(struct db *db, const struct cert_input *in, long long self, struct errs *all);
/* Correct the data of certificate id (holder cannot change; status
 * unchanged).  Revoked certificates cannot be edited (ERR_CONFLICT). */
int cert_update(struct db *db, const struct actor *a, long long id,
		const struct cert_input *in, struct err *e);
/* Move certificate id to status "valid", "suspended" or "revoked";
 * reason (may be "") goes to the operation log.  A transition not allowed
 * gives ERR_CONFLICT; an unknown status ERR_INVALID ("status"). */
int cert_set_status(struct db *db, const struct actor *a, long long id,
		    const char *status, const char *reason, struct err *e);
/* One certificate {id, user_id, holder, unit_id, unit_name, cert_no,
 * cert_type, enf_scope, issuer, valid_from, valid_to, stored_status,
 * status, status_label, public_token, verify_path, has_photo, scopes:
 * [{unit_id, unit_name, category (""= every), category_label}],
 * scope_text (e.g. "无线电管理局（含下属单位）：全部类别")}; ERR_FORBIDDEN when the
 * holder's unit is outside a's scope (managers read all). */
int cert_get(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);
/* Certificates a may read, newest first, as an array of cert_get objects;
 * user_id > 0 restricts to one person (their history). */
int cert_list(struct db *db, const struct actor *a, long long user_id, json_t **out, struct err *e);

/* ---- coverage and validity on a day (migration 025) ---- */
/* Whether user_id may act, on date (YYYY-MM-DD; NULL = today in Beijing),
 * on every matter of matter_ids (pub_items ids of kind matter; their unit
 * and category from the catalogue, the latest published version when
 * there is one): 0 with *cert_id (may be NULL) = a certificate of the
 * person that is valid on date - not suspended or revoked on that date
 * (by its status history), not expired, already in force - and whose
 * coverage includes every matter.  Otherwise -1 with ERR_INVALID, field
 * "officers" and a Chinese message naming the person and the reason, e.g.
 * "罗春梅的执法证已暂扣（2026-03-01 起），不能参与执法" or
 * "何永平的执法证不涵盖执法事项「…」"; an unknown matter is ERR_INVALID
 * naming "matters", a malformed date "on_date".  Reads only; callable
 * inside the caller's transaction. */
int cert_check_officer(struct db *db, long long user_id, const long long *matter_ids, size_t n,
		       const char *date, long long *cert_id, struct err *e);
/* The stored status of certificate cert_id on date by its history
 * ("valid", "suspended" or "revoked"); since (11 bytes, may be NULL) gets
 * the date that status applies from ("" when it was never changed). */
const char *cert_status_on(struct db *db, long long cert_id, const char *date, char *since);

/* ---- the holder's photo (migration 010) ----
 * JPEG or PNG, recognised by its content (not its name or claimed type),
 * at most CERT_PHOTO_MAX bytes, stored in the blob store under its
 * SHA-256; the certificate keeps only that hash and the media type.  A
 * photo is personal data: it is never written to a ledger leaf, and the
 * public reach it only through the certificate's unguessable token. */
/* "image/jpeg" or "image/png" when the bytes are a whole JPEG (SOI ...
 * EOI) or PNG (signature, IHDR first, IEND last); NULL otherwise. */
const char *cert_photo_type(const unsigned char *data, size_t n);
/* Store data as the photo of certificate id (managers only; not on a
 * revoked certificate), replacing any earlier one; data NULL removes it.
 * Errors: ERR_FORBIDDEN; ERR_NOTFOUND; ERR_CONFLICT (revoked); ERR_INVALID
 * naming "photo" for an empty, unknown-format or too large file;
 * ERR_INTERNAL when the store fails.  One transaction with an operation-log
 * row "cert.photo" (detail: the hash, never the bytes). */
int cert_set_photo(struct db *db, struct blobs *b, const struct actor *a, long long id,
		   const unsigned char *data, size_t n, struct err *e);
/* The photo of the certificate with public token: its bytes appended to
 * out and its media type (static string) in *type.  ERR_NOTFOUND when the
 * certificate or its photo is absent. */
int cert_public_photo(struct db *db, struct blobs *b, const char *token, struct buf *out, const char **type,
		      struct err *e);

/* ---- public (no actor) ---- */
/* The credential page: {name, unit, cert_no, cert_type, enf_scope, issuer,
 * valid_from, valid_to, status, status_label, body (the 执法主体's name),
 * body_phone, body_address, complaint_phone, has_photo} or ERR_NOTFOUND.  Answers for
 * every certificate, revoked and expired ones included. */
int cert_public_lookup(struct db *db, const char *token, json_t **out, struct err *e);

/* The one rule of the public directory: a certificate is publicly listed
 * while its shown status is valid, suspended or pending (the status shown
 * beside it); revoked and expired ones only when asked for. */
bool cert_publicly_listed(const char *status);

struct officer_filter {
	long long body_id;        /* > 0: officers of this 执法主体 (its 承办机构 included) */
	long long unit_id;        /* > 0: officers of this unit only */
	bool include_inactive;    /* also revoked and expired certificates (包括已注销/过期) */
};
/* The public directory, one row per certificate: [{name, unit_id, unit,
 * unit_name (= unit), body_id, body_name, cert_no, cert_type, enf_scope,
 * scope (= enf_scope), valid_from, valid_to, status, status_label, token
 * (of /verify/c/<token>)}] ordered by unit then name; officers whose unit
 * has no 执法主体 above it are not listed.  f may be NULL (the default
 * listing). */
int people_public_officers(struct db *db, const struct officer_filter *f, json_t **out, struct err *e);
/* The 执法主体 (units of kind "body"): [{id, code, name, address, phone,
 * head_name, complaint_phone, officers, valid_officers, offices: [{id,
 * code, name, officers}]}] where offices are its 承办机构 (units with
 * enforcement duties whose nearest body it is) and officers counts the
 * distinct people with a publicly listed certificate (cert_publicly_listed)
 * in the body or any unit under it - the same people the directory lists;
 * valid_officers those of them whose certificate is valid today. */
int people_public_bodies(struct db *db, json_t **out, struct err *e);
#endif
