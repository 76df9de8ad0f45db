/*
 * seed_leaves.c - test helper: append leaves to a zhifa log through the
 * ledger API (ledger_append, one transaction per leaf), so the HTTP tests
 * have a log to verify while no zhifa command appends yet.
 *
 *   seed_leaves DBURL COUNT [FILE...]
 *
 * Appends COUNT leaves of type "test.seed" ({"n":i,"unit_id":1}), then one
 * leaf of type "test.file" per FILE holding the lowercase hex SHA-256 of
 * its content as "sha256".  Prints the index of every appended leaf, one
 * per line.  Exit 0 on success, 1 on failure.  It writes only through the
 * public ledger API, exactly as the domain modules will.
 *
 * Built by tests/http/test_log.py against the ASan objects of src/ (see
 * build_seed() there); not part of the zhifa binary.
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include <openssl/evp.h>

static int file_sha256(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	unsigned char chunk[65536], md[32];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		EVP_DigestUpdate(c, chunk, n);
	unsigned int len = 0;
	EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	fclose(f);
	hex_encode(md, 32, hex);
	return 0;
}

static int append_one(struct db *db, const char *type, json_t *fields)
{
	struct err e = ERR_INIT;
	long long idx = -1;
	if (db_begin(db) < 0) {
		fprintf(stderr, "seed_leaves: BEGIN: %s\n", db_errmsg(db));
		return -1;
	}
	if (ledger_append(db, type, fields, &idx, &e) < 0) {
		fprintf(stderr, "seed_leaves: %s\n", e.msg);
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) < 0) {
		fprintf(stderr, "seed_leaves: COMMIT: %s\n", db_errmsg(db));
		return -1;
	}
	printf("%lld\n", idx);
	return 0;
}

int main(int argc, char **argv)
{
	long long count;
	if (argc < 3 || str_to_ll(argv[2], 0, 100000, &count) < 0) {
		fprintf(stderr, "usage: seed_leaves DBURL COUNT [FILE...]\n");
		return 2;
	}
	struct buf berr;
	buf_init(&berr, 0);
	struct db *db = db_open(argv[1], &berr);
	if (!db) {
		fprintf(stderr, "seed_leaves: %s\n", buf_str(&berr));
		buf_release(&berr);
		return 1;
	}
	buf_release(&berr);
	int rc = 0;
	for (long long i = 0; i < count && rc == 0; i++) {
		json_t *f = json_pack("{s:I,s:i}", "n", (json_int_t)i, "unit_id", 1);
		rc = append_one(db, "test.seed", f);
		json_decref(f);
	}
	for (int i = 3; i < argc && rc == 0; i++) {
		char hex[65];
		if (file_sha256(argv[i], hex) < 0) {
			fprintf(stderr, "seed_leaves: cannot read %s\n", argv[i]);
			rc = -1;
			break;
		}
		json_t *f = json_pack("{s:s,s:i}", "sha256", hex, "unit_id", 1);
		rc = append_one(db, "test.file", f);
		json_decref(f);
	}
	db_close(db);
	return rc < 0 ? 1 : 0;
}
