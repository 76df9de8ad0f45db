/*
 * ledger_store.h - what the appending (ledger_append.c) and the reading
 * side (ledger.c) of the stored log share: the node key, the two-pass hash
 * source and the storage failure.  Inside src/ledger/ only.
 */
#ifndef ZHIFA_LEDGER_STORE_H
#define ZHIFA_LEDGER_STORE_H
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/merkle.h"

/* The key of the stored complete subtree (level, index) in ledger_nodes. */
#define NKEY(level, index) ((long long)(level) * (1LL << 48) + (long long)(index))
#define MAX_NEEDED 256

/* The two-pass hash source: run the RFC algorithm against it once to list
 * the hashes it needs, ledger_src_fetch them (with the head size), run it
 * again to get them. */
struct src {
	struct db *db;
	bool fetched;
	long long head; /* committed tree size, read with the hashes */
	int n;
	int level[MAX_NEEDED];
	uint64_t index[MAX_NEEDED];
	unsigned char hash[MAX_NEEDED][MERKLE_HASH];
	bool have[MAX_NEEDED];
};

int ledger_src_get(void *ctx, int level, uint64_t index, unsigned char out[MERKLE_HASH]);
int ledger_src_fetch(struct src *s);
/* Log the database error and set e to an internal storage failure; -1. */
int ledger_store_fail(struct db *db, struct err *e, const char *what);
#endif
