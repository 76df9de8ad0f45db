/*
 * party.h - the party register (当事人库): natural persons, organisations
 * and 个体工商户 the department's enforcement meets, kept once, versioned,
 * and linked to cases as (party_id, party_version).
 *
 * Kinds and fields (a JSON object of strings; unknown keys are ignored):
 *   person               name, id_type, id_number, birth_date (derived from
 *                        a 居民身份证 number; may be given for the other
 *                        documents), phone, address
 *   org                  name, uscc, legal_rep, address, contact, phone
 *   individual_business  name (字号), uscc, operator_name, operator_id_type,
 *                        operator_id_number, address, phone
 * and "note" (why a version was made, optional).  id_type: resident_id
 * (居民身份证: GB 11643-1999 check, core/ident.h), hk_macao_permit
 * (港澳居民来往内地通行证), taiwan_permit (台湾居民来往大陆通行证), passport
 * (护照), foreign_permanent_id (外国人永久居留身份证) - the documents with
 * which persons who hold no 居民身份证 are identified on the mainland; they
 * are checked for form only (5-20 letters and digits).  id_number, uscc
 * and operator_id_number are normalised (core/ident.h: trimmed, upper
 * case, so a final lower-case x is accepted and stored as X).
 *
 * Invariants:
 *  - one party per (id_type, id_number) / uscc: a second create is
 *    ERR_CONFLICT naming the field and the existing party's id;
 *  - every change is one transaction: the version row (append-only,
 *    canonical JSON with a random nonce, so the hash in the ledger cannot
 *    be found by trying identity numbers), the parties row, an audit_log
 *    row (object type "party") and the ledger leaf "party.version"
 *    {party, version, sha256} - never a name or a number;
 *  - update is optimistic: the caller gives the version it saw; another
 *    version is ERR_CONFLICT and nothing is written;
 *  - reading a record (party_get) writes op_log "party.read";
 *  - who: officers, heads, reviewers, leaders and supervisors read (the
 *    register is department-wide); officers and heads create and update;
 *    the system actor (user_id 0, ROLE_ADMIN: command line, demo) may
 *    write; administrators, archivists and the public may not (403).
 *  - minor: a person under 18 on the day asked (未成年人保护法第二条;
 *    行政处罚法第三十条 sets how minors are treated), from birth_date.
 */
#ifndef ZHIFA_PARTY_H
#define ZHIFA_PARTY_H
#include <jansson.h>
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"

#define PARTY_PER_PAGE 20

/* Whether a may read / change the register. */
bool party_can_read(const struct actor *a);
bool party_can_write(const struct actor *a);

/* Validate in (every problem into all, the first also into e) and create
 * a party at version 1; *id set.  ERR_INVALID naming the field (kind,
 * name, id_type, id_number, birth_date, uscc, operator_name,
 * operator_id_number, phone, address ...), ERR_CONFLICT for a known
 * number, ERR_FORBIDDEN.  all may be NULL. */
int party_create(struct db *db, const struct actor *a, const json_t *in, long long *id, struct errs *all,
		 struct err *e);
/* A new version of party id from in: fields absent from in keep their
 * current value, "" clears an optional one; kind cannot change.
 * expected_version must be the current version (else ERR_CONFLICT "该当事
 * 人信息已被他人修改…", nothing written; <= 0: ERR_INVALID naming
 * "version").  *new_version (may be NULL) set.  A change that changes
 * nothing is ERR_INVALID ("内容没有变化"). */
int party_update(struct db *db, const struct actor *a, long long id, const json_t *in, int expected_version,
		 int *new_version, struct errs *all, struct err *e);
/* Party id at version (0 = current) as
 *   {id, kind, kind_label, version, current_version, name, id_type,
 *    id_type_label, id_number, birth_date, minor (persons, today),
 *    phone, address, uscc, uscc_type, legal_rep, contact, operator_name,
 *    operator_id_type, operator_id_type_label, operator_id_number, note,
 *    created_at, created_by, created_by_name, updated_at}
 * (the fields of its kind).  Writes op_log "party.read" (its own
 * statement, not a transaction of the caller's).  ERR_NOTFOUND naming
 * "id" / "version", ERR_FORBIDDEN. */
int party_get(struct db *db, const struct actor *a, long long id, int version, json_t **out, struct err *e);
/* The versions of party id, newest first:
 *   {id, kind, current_version, items:[{version, name, sha256, note,
 *    created_at, created_by_name, leaf_index}]}  (no numbers). */
int party_versions(struct db *db, const struct actor *a, long long id, json_t **out, struct err *e);
/* The current version of party id (no permission check, no log; for the
 * cases layer linking a party).  ERR_NOTFOUND naming "party_id". */
int party_current_version(struct db *db, long long id, int *version, struct err *e);
/* Id, kind, kind_label, version, name and the masked number of party id
 * at version (0 = current), without permission check or log: what a case
 * page shows beside its parties.  ERR_NOTFOUND naming "party_id". */
int party_summary(struct db *db, long long id, int version, json_t **out, struct err *e);
/* Whether person party id (at version, 0 = current) was under 18 on date
 * ("YYYY-MM-DD", e.g. the day of the act: 《行政处罚法》第三十条 looks at
 * the age when the offence was committed).  false for an organisation or
 * a person without a birth date.  ERR_NOTFOUND naming "party_id",
 * ERR_INVALID naming "on" for a malformed date.  No permission check, no
 * log (the cases layer asks it for its own checks). */
int party_minor_on(struct db *db, long long id, int version, const char *date, bool *minor, struct err *e);
/* The party holding a credit code (normalised), 0 if none; -1 on a
 * storage failure.  For the cases layer's demo, which links by USCC. */
long long party_by_uscc(struct db *db, const char *uscc);
/* The same for a person's document: id_type (resident_id ...) and number. */
long long party_by_number(struct db *db, const char *id_type, const char *number);

struct party_filter {
	const char *q;     /* name substring, or identity number / credit code exact or prefix; NULL/"" all */
	const char *kind;  /* person | org | individual_business; NULL/"" all */
	long long page;    /* 1-based; <= 0 means 1 */
	int per_page;      /* <= 0 means PARTY_PER_PAGE; at most 100 */
};
/* Search the register, newest change first:
 *   {total, page, per_page, items:[{id, kind, kind_label, name,
 *    code (a person's number masked: first 4 and last 4), code_label,
 *    version, updated_at}]}
 * ERR_INVALID naming "kind" for an unknown kind, ERR_FORBIDDEN. */
int party_search(struct db *db, const struct actor *a, const struct party_filter *f, json_t **out,
		 struct err *e);

/* The Chinese name of an id_type / kind code (dictionary), "" if unknown. */
const char *party_id_type_label(const char *id_type);
const char *party_kind_label(const char *kind);

/* party_demo.c: the demo parties (zhifa init --demo), written as the
 * system actor; does nothing when a party with the first demo code
 * exists.  0 or -1. */
int party_demo_seed(struct db *db, struct err *e);
#endif
