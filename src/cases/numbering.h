/*
 * numbering.h - document and case numbers (立案号, 决定书文号 …) from number
 * schemes kept as data.
 *
 * A scheme (table number_schemes) belongs to one 执法主体 (a unit of kind
 * body, people_unit_body) and one kind (penalty_filing, penalty_decision,
 * penalty_simple, licence_acceptance, licence_decision, coercion_decision,
 * inspection), and is versioned by effective_from: a number drawn on date
 * D uses the version with the latest effective_from <= D.  Its pattern
 * holds {year} and {n} (e.g. "云工信罚立〔{year}〕{n}号"); pad > 0 pads n
 * with zeros to that width.  Counters are per (body, kind, year), shared by
 * every version of the scheme, so a new version within a year continues
 * the sequence.  Every number issued is kept in number_issued
 * (append-only: UPDATE and DELETE refused by trigger).
 *
 * Invariants: within a (body, kind, year) the numbers issued are 1, 2, 3 …
 * without gaps and never reused, with any number of processes on one
 * database: numbering_next takes the counter row with an UPDATE …
 * RETURNING (a row lock on PostgreSQL held until the caller's transaction
 * ends; SQLite serialises write transactions), so a rolled-back act gives
 * its number back and no two acts get the same one.
 */
#ifndef ZHIFA_NUMBERING_H
#define ZHIFA_NUMBERING_H
#include "core/core.h"
#include "core/err.h"
#include "actor/actor.h"
#include <jansson.h>

struct db;

/* Next number of kind for body_unit_id in the year of date (YYYY-MM-DD),
 * recorded as issued to (object_type, object_id).  MUST be called inside
 * the caller's transaction (the act that uses the number); it opens none.
 * out gets e.g. "云工信罚立〔2026〕12号"; *seq (may be NULL) the 12.
 * Errors: ERR_INVALID for a bad date, kind or object; ERR_NOTFOUND when
 * the body has no scheme of that kind in force on date (the message names
 * the kind); ERR_CONFLICT when out is too small; ERR_INTERNAL on storage. */
int numbering_next(struct db *db, long long body_unit_id, const char *kind, const char *date,
		   const char *object_type, const char *object_id, char *out, size_t outsz, long long *seq,
		   struct err *e);

struct number_scheme_input {
	long long body_unit_id;
	const char *kind;
	const char *pattern;        /* contains {year} and {n} exactly once each */
	int pad;                    /* 0..9: zero padding of {n} */
	const char *effective_from; /* YYYY-MM-DD */
	const char *basis;          /* the rule or file the numbering follows; may be "" */
	const char *note;
};

/* Add a scheme version: the act of a (an administrator; the caller checks
 * the role), in its own transaction with the op_log row "number_scheme.add".
 * Refused: a unit that is not a body (ERR_INVALID "body_unit_id"), an
 * unknown kind ("kind"), a pattern without {year} and {n} ("pattern"),
 * pad out of range ("pad"), a bad date ("effective_from"), a second version
 * of the same body, kind and effective_from (ERR_CONFLICT). */
int numbering_scheme_add(struct db *db, const struct actor *a, const struct number_scheme_input *in,
			 long long *id, struct err *e);

/* Add the default schemes of the demo body (unit code "gxt", 云南省工业和
 * 信息化厅) for every kind it lacks, effective from 2018-01-01 (called by
 * `zhifa init --demo`; migration 022 does the same for a database that had
 * the body already).  No transaction of its own.  0 when there is no such
 * unit. */
int numbering_seed_defaults(struct db *db, struct err *e);

/* Whether kind is a known number kind; its name (e.g. "行政处罚立案号"). */
bool numbering_kind_ok(const char *kind);

/* Format a number with a pattern (exposed for the pages' preview and the
 * tests): "{year}" -> year, "{n}" -> n padded to pad.  -1 when it does not
 * fit in out. */
int numbering_format(const char *pattern, int pad, int year, long long n, char *out, size_t outsz);

/* Listings for the admin page: every scheme version [{id, body_unit_id,
 * body_name, kind, pattern, pad, effective_from, basis, note, created_by,
 * created_at, in_force (bool, as of today)}]; counters [{body_unit_id,
 * body_name, kind, year, last}]; the latest issued numbers (limit <= 0:
 * 200) [{id, body_unit_id, kind, year, seq, number, object_type,
 * object_id, issued_at, issued_at_local, scheme_id}], newest first;
 * schemes also carry example (the first number of this year) and future.  NULL + e on failure. */
json_t *numbering_schemes_list(struct db *db, struct err *e);
json_t *numbering_counters_list(struct db *db, struct err *e);
json_t *numbering_issued_list(struct db *db, const char *kind, int limit, struct err *e);
/* The bodies (units of kind body) as [{id, name}], for the scheme form. */
json_t *numbering_bodies(struct db *db, struct err *e);
#endif
