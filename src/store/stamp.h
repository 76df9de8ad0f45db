/*
 * stamp.h - state stamps: one counter per kind of state that server
 * processes cache in memory (table state_stamps, migration 015).
 *
 * Protocol: whoever changes the state calls state_stamp_bump in the same
 * transaction as the change (for state kept outside the database, such as
 * the key files, right after the change is durable).  A cache reads the
 * stamp (state_stamp_get) *before* it loads the state and keeps the pair;
 * when a later read gives another stamp it reloads.  Reading the stamp
 * first means a cache may reload once too often, never too rarely.
 */
#ifndef ZHIFA_STAMP_H
#define ZHIFA_STAMP_H
#include "core/core.h"
#include "store/db.h"

#define STAMP_CALENDAR "calendar" /* calendar_years / calendar_days */
#define STAMP_KEYS "keys"         /* DATA/keys, the ledger's signing keys */
/* everything the public portal shows: published items, certificates (and
 * their status and photo), units, the names and units of their holders */
#define STAMP_PORTAL "portal"

/* The committed stamp of kind (0 when it has none yet), or -1 on a
 * storage error (db_errmsg). */
long long state_stamp_get(struct db *db, const char *kind);
/* Advance the stamp of kind; 0 or -1 (storage error). */
int state_stamp_bump(struct db *db, const char *kind);
#endif
