/*
 * log_tsa.c - the RFC 3161 time-stamps of the log's checkpoints, public:
 *
 *   GET /log/checkpoint/timestamp?size=N
 *       the DER TimeStampResp kept for the checkpoint of tree size N
 *       (application/timestamp-reply); without size, the one of the newest
 *       time-stamped checkpoint.  The header X-Checkpoint-Size names the
 *       checkpoint.  Check it with
 *         openssl ts -verify -data note.txt -in token.tsr -CAfile ca.crt
 *       where note.txt is that checkpoint's signed note.
 *
 * Invariants: public and read-only; the bytes are the authority's answer
 * exactly as stored (ledger/tsa.h).  A bad size answers 400 (JSON, naming
 * "size"); a checkpoint without a token 404.  A token never changes once
 * stored, so a found one is cached for a day.
 */
#include "core/core.h"
#include "http/http.h"
#include "ledger/tsa.h"
#include "pages/pages.h"

int page_log_timestamp(struct req *r)
{
	long long size = 0;
	const char *s = req_param(r, "size");
	if (!str_empty(s) && str_to_ll(s, 1, INT64_MAX, &size) < 0) {
		r->want_json = true;
		resp_error(r, 400, "size", "参数「size」（检查点的树大小）不正确：应为正整数。");
		return 0;
	}
	struct buf der;
	buf_init(&der, 0);
	long long got = 0;
	struct err e = ERR_INIT;
	if (tsa_token(r->db, size, &der, &got, &e) < 0) {
		buf_release(&der);
		r->want_json = true;
		resp_err(r, &e);
		return 0;
	}
	resp_header(r, "X-Checkpoint-Size", req_printf(r, "%lld", got));
	resp_header(r, "Cache-Control", size > 0 ? "public, max-age=86400" : "public, max-age=1");
	resp_header(r, "Content-Disposition", req_printf(r, "attachment; filename=\"checkpoint-%lld.tsr\"", got));
	resp_text(r, 200, "application/timestamp-reply", der.data, der.len);
	buf_release(&der);
	return 0;
}
