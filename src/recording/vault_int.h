/*
 * vault_int.h - what the three parts of the evidence vault share: the
 * store (vault.c), the reading side (vault_read.c) and the tus uploads
 * (vault_tus.c).  Inside src/recording/ only.
 */
#ifndef ZHIFA_VAULT_INT_H
#define ZHIFA_VAULT_INT_H
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "actor/actor.h"
#include "recording/vault.h"
#include <pthread.h>

/* The first bytes of a file that decide its type. */
#define HEAD_BYTES 16384
/* Running hashes of uploads kept between PATCH requests. */
#define CACHE_SLOTS 64

struct hcache {
	char id[33];
	struct hash2 h;
	long long offset;
	bool used, busy;
	unsigned long long stamp;
};

struct vault {
	struct blobs *b;
	char *uploads;
	char *old_uploads;      /* DATA/uploads of earlier versions, or NULL */
	long long max, form_max;
	pthread_mutex_t lock;
	struct hcache cache[CACHE_SLOTS];
	unsigned long long clock;
	char host[72];          /* "HOSTNAME " prefix of this process's claims */
};

/* Log the database error; set e to "not saved, try again" (500); -1. */
int vault_db_fail(struct db *db, struct err *e);
/* Set e to VAULT_BUSY (the hashing helpers are all in use); -1. */
int vault_busy_err(struct err *e);
/* Detect the type of the first n bytes into detected; -1 with e set when
 * it is not the claimed one. */
int vault_check_type(const char *claimed, const void *head, size_t n, char *detected, size_t cap, struct err *e);
/* In one transaction: blobs row (first time), blob_refs row for the unit,
 * the leaf, the operation-log row, and (upload_id not NULL) the upload
 * marked stored.  Retries once on a constraint race. */
int vault_record(struct db *db, const struct actor *a, long long user_id, long long unit_id,
		 const struct hash2_result *hr, const char *media_type, const char *upload_id,
		 const char *filename, const char *description, struct vault_stored *out, struct err *e);
#endif
