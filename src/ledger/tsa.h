/*
 * tsa.h - RFC 3161 time-stamps of signed checkpoints.
 *
 * When a time-stamping authority (TSA) is configured (config key tsa_url),
 * the server's "timestamp" job asks it to time-stamp every signed
 * checkpoint that has no token yet, and keeps the answer with the
 * checkpoint (table checkpoint_timestamps, migrations/007_tsa*.sql).
 *
 * Invariants:
 *  - the message imprint is SHA-256 of the checkpoint's whole signed note
 *    exactly as stored in ledger_checkpoints.note (body, blank line and
 *    signature lines), so the token dates the signatures too; anyone can
 *    check it with `openssl ts -verify -data note.txt -in token.tsr
 *    -CAfile ca.crt` (note.txt = GET /log/checkpoint of that size);
 *  - a request carries a random 63-bit nonce and certReq TRUE, no policy;
 *  - what is stored is the DER TimeStampResp exactly as received (base64
 *    in the table), and only after it was checked: status granted, one
 *    token, imprint and nonce as requested, and, when a CA file is
 *    configured (tsa_ca_file), a valid signature by a certificate that
 *    chains to it and is marked for time-stamping;
 *  - stored tokens are never changed or removed (triggers); at most one
 *    per checkpoint size (UNIQUE: two stampers settle on the first);
 *  - time-stamping never runs inside a caller's transaction, adds no leaf
 *    and never holds a lock while waiting for the network, so appends and
 *    checkpoint signing never wait for the authority; a failure leaves
 *    nothing behind and the checkpoint is tried again on the next run.
 */
#ifndef ZHIFA_LEDGER_TSA_H
#define ZHIFA_LEDGER_TSA_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/verify.h"

#define TSA_MAX_RESPONSE (1u << 20)  /* largest TimeStampResp accepted */
#define TSA_DEFAULT_TIMEOUT 5        /* seconds for one request, all included */

/* Facts read from a token that passed tsa_check. */
struct tsa_info {
	char gen_time[21];   /* genTime as UTC "YYYY-MM-DDTHH:MM:SSZ" */
	char serial[80];     /* serialNumber, upper-case hex */
	char policy[128];    /* the TSA policy OID, dotted */
};

/* Trust anchors for token signatures (a loaded CA file). */
struct tsa_trust;
/* Load the PEM certificates of ca_file.  NULL with ERR_INVALID (field
 * "tsa_ca_file") when the file cannot be read or holds no certificate. */
struct tsa_trust *tsa_trust_load(const char *ca_file, struct err *e);
void tsa_trust_free(struct tsa_trust *t);

/* Append to der the DER TimeStampReq for msg: version 1, SHA-256 message
 * imprint of the len bytes, a fresh random nonce in 1..2^63-1 (stored in
 * *nonce), certReq TRUE, no policy, no extensions.  0 or -1 (ERR_INTERNAL). */
int tsa_request(const void *msg, size_t len, struct buf *der, uint64_t *nonce, struct err *e);

/* POST the query (DER TimeStampReq) to url as application/timestamp-query
 * and append the reply body to resp.  The whole exchange is bounded by
 * timeout_seconds (connection: at most 3 s); only http and https, no
 * redirects, at most TSA_MAX_RESPONSE bytes.  0 on an HTTP 200 answer,
 * else -1 with ERR_INTERNAL and a message naming the failure (cannot
 * connect, timeout, HTTP status). */
int tsa_post(const char *url, const void *query, size_t qlen, long timeout_seconds, struct buf *resp,
	     struct err *e);

/* Check a DER TimeStampResp against the message it should date:
 *   - it parses as one DER TimeStampResp with nothing after it;
 *   - its status is granted (or grantedWithMods) and it holds a token;
 *   - the token's imprint is SHA-256 and equals SHA-256(msg);
 *   - the nonce equals *nonce (when nonce is not NULL);
 *   - its SignedData has version 3;
 *   - with trust not NULL: the CMS signature verifies and the signer's
 *     certificate chains to trust and is for time-stamping (critical
 *     extendedKeyUsage timeStamping), as OpenSSL's TS_RESP_verify_response,
 *     and every other certificate the token carries is valid under trust.
 * Without trust a changed byte outside the imprint, nonce and DER framing
 * can go unnoticed; with it, any change to the signed TSTInfo, the
 * certificates or the signature is caught (only unauthenticated framing
 * such as the PKIStatus value or algorithm parameters can slip).
 * Fills info (if not NULL).  0, or -1 with ERR_INVALID (field "token")
 * and a Chinese message naming the first check that failed. */
int tsa_check(const void *resp, size_t rlen, const void *msg, size_t mlen, const uint64_t *nonce,
	      const struct tsa_trust *trust, struct tsa_info *info, struct err *e);

/* Time-stamp the signed checkpoint of size at url (tsa_post with
 * timeout_seconds) and store the checked token (trust as in tsa_check,
 * NULL = signature not checked).  Outside
 * any transaction.  Sets *stored (if not NULL) false when the checkpoint
 * already had a token (someone else stamped it first; not an error).
 * -1 with ERR_NOTFOUND (no such checkpoint), ERR_INTERNAL (authority
 * unreachable, storage) or ERR_INVALID (the answer failed tsa_check). */
int tsa_stamp_checkpoint(struct db *db, const char *url, const struct tsa_trust *trust, long long size,
			 long timeout_seconds, bool *stored, struct err *e);

/* Time-stamp up to max signed checkpoints that have no token, newest
 * first, each with timeout_seconds.  Loads ca_file ("" or NULL = no
 * signature check) only when there is work.  Sets *stamped to the number
 * stored.  Stops at the first failure: -1 with its err (what was stored
 * before stays).  0 when nothing was pending. */
int tsa_stamp_pending(struct db *db, const char *url, const char *ca_file, int max, long timeout_seconds,
		      int *stamped, struct err *e);

/* Append the stored DER TimeStampResp of the checkpoint of size to der
 * (size <= 0: of the newest time-stamped checkpoint); *size_out (if not
 * NULL) gets the checkpoint size.  -1 with ERR_NOTFOUND when that
 * checkpoint has no token, ERR_INTERNAL on storage failure. */
int tsa_token(struct db *db, long long size, struct buf *der, long long *size_out, struct err *e);

struct tsa_verify_stats {
	long long tokens;     /* stored tokens checked */
	long long unstamped;  /* signed checkpoints without a token (not a discrepancy) */
};
/* The offline check of `zhifa verify`: every stored token is decoded and
 * checked with tsa_check against its checkpoint's stored note (trust NULL:
 * without the signature check), and the row's root, imprint and gen_time
 * against the checkpoint and the token.  Each discrepancy is one line in
 * r (ledger_report_add) naming the checkpoint size.  A database without
 * migration 007 has no tokens.  0 when the check ran, -1 with err
 * (ERR_INTERNAL) when it could not. */
int tsa_verify(struct db *db, const struct tsa_trust *trust, struct ledger_report *r, struct tsa_verify_stats *st,
	       struct err *e);
#endif
