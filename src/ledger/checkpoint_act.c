/*
 * checkpoint_act.c - signing a checkpoint is itself an act of the log:
 * after a new checkpoint of size N with root R is signed, a leaf
 * "checkpoint.signed" {"size": N, "root": base64(R)} is appended, so the
 * log records its own signed states (a later checkpoint covers it).
 *
 * Invariant (no endless loop): a checkpoint is signed only when the tree
 * grew by something other than that record; when the only leaf after the
 * latest checkpoint is its own "checkpoint.signed" record, nothing is
 * signed.  The record is appended in its own transaction, after signing.
 */
#include "core/core.h"
#include "ledger/ledger.h"

/* True when the tree holds exactly one leaf past the latest checkpoint
 * and that leaf is a checkpoint record. */
static bool only_own_record(struct db *db, long long size, long long cp_size)
{
	if (size != cp_size + 1 || size <= 0)
		return false;
	struct buf leaf;
	buf_init(&leaf, 0);
	struct err e = ERR_INIT;
	bool yes = false;
	if (ledger_leaf(db, size - 1, &leaf, NULL, &e) == 0) {
		json_t *j = json_loadb(leaf.data, leaf.len, 0, NULL);
		yes = j && str_eq(json_string_value(json_object_get(j, "type")), "checkpoint.signed");
		json_decref(j);
	}
	buf_release(&leaf);
	return yes;
}

int ledger_checkpoint_act(struct db *db, const struct ledger_keys *keys, int min_interval_seconds,
			  bool *signed_new, struct err *e)
{
	*signed_new = false;
	long long size = ledger_size(db, e);
	if (size < 0)
		return -1;
	struct buf note;
	buf_init(&note, 0);
	long long cp_size = -1;
	struct err none = ERR_INIT;
	if (ledger_checkpoint_latest(db, &note, &cp_size, &none) < 0)
		cp_size = -1;
	int rc = 0;
	if (cp_size >= 0 && only_own_record(db, size, cp_size))
		goto out;
	if (ledger_checkpoint_maybe(db, keys, min_interval_seconds, signed_new, e) < 0) {
		rc = -1;
		goto out;
	}
	if (!*signed_new)
		goto out;
	buf_reset(&note);
	if (ledger_checkpoint_latest(db, &note, &cp_size, e) < 0) {
		rc = -1;
		goto out;
	}
	/* the note: origin, size, base64 root, each on its own line */
	const char *l2 = strchr(buf_str(&note), '\n');
	const char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	const char *end = l3 ? strchr(l3 + 1, '\n') : NULL;
	if (!end)
		BUG("checkpoint note without a root line");
	char *root = xstrndup(l3 + 1, (size_t)(end - l3 - 1));
	json_t *f = json_pack("{s:I,s:s}", "size", (json_int_t)cp_size, "root", root);
	free(root);
	if (db_begin(db) < 0 || ledger_append(db, "checkpoint.signed", f, NULL, e) < 0 || db_commit(db) < 0) {
		if (!e->kind)
			err_set(e, ERR_INTERNAL, "", "记录检查点签名失败：%s", db_errmsg(db));
		db_rollback(db);
		rc = -1;
	}
	json_decref(f);
out:
	buf_release(&note);
	return rc;
}
