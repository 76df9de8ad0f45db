/*
 * verify.h - the full offline check of a stored log: every leaf re-read
 * and re-hashed, every stored subtree hash recomputed, every checkpoint's
 * signatures checked against the verifier keys in the keys directory, its
 * root against the recomputed tree, and each checkpoint's consistency with
 * the previous one.  Every discrepancy becomes one line in Chinese naming
 * what was found and where (leaf index, node level/index, checkpoint size).
 *
 * Other modules add their own checks per leaf with ledger_verify_hook_add
 * (e.g. the blob store checks that each file named by hash in a leaf is
 * present and still has that hash).
 */
#ifndef ZHIFA_LEDGER_VERIFY_H
#define ZHIFA_LEDGER_VERIFY_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include <jansson.h>

struct ledger_report {
	int problems;              /* discrepancies found; 0 = intact */
	long long leaves;          /* leaves read */
	long long nodes;           /* stored subtree hashes checked */
	long long checkpoints;     /* checkpoints checked */
	struct buf text;           /* one line per discrepancy */
};

void ledger_report_init(struct ledger_report *r);
void ledger_report_release(struct ledger_report *r);
/* Add one discrepancy line (a '\n' is added) and count it. */
void ledger_report_add(struct ledger_report *r, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A per-leaf check: called for every leaf whose JSON parses, in index
 * order, with the parsed leaf (borrowed).  Reports discrepancies with
 * ledger_report_add; returns 0, or -1 to abort the run (it cannot run at
 * all, e.g. the blob store is unreachable; err filled). */
typedef int (*ledger_leaf_hook)(void *ctx, struct db *db, long long index, const json_t *leaf,
				struct ledger_report *r, struct err *e);
/* Register a hook for all later ledger_verify runs (at start-up, before
 * threads; at most 16). */
void ledger_verify_hook_add(ledger_leaf_hook fn, void *ctx);

/* Verify the whole log in db against the verifier keys listed in
 * keys_dir/ledger-vkeys.txt.  Returns 0 when the check ran (r->problems
 * says whether everything is intact), -1 with err when it could not run
 * (database unreachable, schema missing). */
int ledger_verify(struct db *db, const char *keys_dir, struct ledger_report *r, struct err *e);
#endif
