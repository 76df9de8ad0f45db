/*
 * seed_disclosure.c - test helper: publications, corrections, withdrawals
 * and period ends written into a zhifa database by the fixture of
 * tests/unit/disclosure_fixture.h (plain SQL on the tables of migration
 * 033, the real ledger, the search index), so the HTTP and browser tests of
 * the public side have decisions to show while the publishing side is
 * built elsewhere.
 *
 *   seed_disclosure DBURL < OPS.json
 *
 * OPS is a JSON array of operations:
 *   {"op":"publish","kind","title","party","category","no","date",
 *    "fields":{...},"text","period_ends_on"}          -> the new id
 *   {"op":"correct","id","fields","text","note"}      -> 0
 *   {"op":"withdraw","id","reason","note","on"}       -> 0
 *   {"op":"expire","id","early":bool,"on"}            -> 0
 * Prints the JSON array of results.  Exit 0, or 1 on the first failure.
 * Built by tests/http/test_disclosure_portal.py against build/asan.
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "disclosure/search.h"
#include "../unit/disclosure_fixture.h"

static const char *s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seed_disclosure DBURL < OPS.json\n");
		return 2;
	}
	json_error_t je;
	json_t *ops = json_loadf(stdin, 0, &je);
	if (!json_is_array(ops)) {
		fprintf(stderr, "seed_disclosure: bad JSON: %s\n", je.text);
		return 2;
	}
	struct buf berr;
	buf_init(&berr, 0);
	struct db *db = db_open(argv[1], &berr);
	if (!db) {
		fprintf(stderr, "seed_disclosure: %s\n", buf_str(&berr));
		return 1;
	}
	buf_release(&berr);
	json_t *out = json_array();
	size_t i;
	json_t *op;
	int rc = 0;
	json_array_foreach(ops, i, op) {
		const char *what = s(op, "op");
		long long id = json_integer_value(json_object_get(op, "id")), res = 0;
		if (str_eq(what, "publish")) {
			struct fx_pub p = { .kind = s(op, "kind"), .title = s(op, "title"), .party = s(op, "party"),
					    .category = s(op, "category"), .decision_no = s(op, "no"),
					    .decision_date = s(op, "date"), .period_ends_on = s(op, "period_ends_on"),
					    .fields = json_object_get(op, "fields"), .text = s(op, "text"),
					    .unit_id = json_integer_value(json_object_get(op, "unit")) };
			res = p.kind && p.title && p.decision_date ? fx_publish(db, &p) : -1;
		} else if (str_eq(what, "correct")) {
			res = fx_correct(db, id, json_object_get(op, "fields"), s(op, "text"), s(op, "note"));
		} else if (str_eq(what, "withdraw")) {
			res = fx_withdraw(db, id, s(op, "reason"), s(op, "note") ? s(op, "note") : "", s(op, "on"));
		} else if (str_eq(what, "expire")) {
			res = fx_expire(db, id, json_is_true(json_object_get(op, "early")), s(op, "on"));
		} else {
			fprintf(stderr, "seed_disclosure: unknown op %s\n", what ? what : "(none)");
			res = -1;
		}
		if (res < 0) {
			rc = 1;
			break;
		}
		json_array_append_new(out, json_integer(res));
	}
	char *txt = json_dumps(out, JSON_COMPACT);
	printf("%s\n", txt);
	free(txt);
	json_decref(out);
	json_decref(ops);
	db_close(db);
	return rc;
}
