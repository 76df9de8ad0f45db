/*
 * password.h - the password policy (等保 level 3) and argon2id hashing via
 * libsodium's crypto_pwhash_str.
 *
 * Policy: at least 10 characters, at most 128 bytes, no control
 * characters, at least three of the four classes upper-case letter,
 * lower-case letter, digit, symbol (anything else printable), not
 * containing the username (case-insensitive), and not a common password
 * (PASSWORD_COMMON_LIST, compared case-insensitively, also without
 * trailing symbols).  The person's own change must also differ from the
 * last PASSWORD_HISTORY passwords (people/auth.h).
 *
 * Hashing uses OPSLIMIT/MEMLIMIT_INTERACTIVE; with the environment
 * variable ZHIFA_PWHASH_FAST=1 the minimum limits, so tests run fast under
 * ASan; honoured only by test builds (compiled with -DZHIFA_TEST_HOOKS, as
 * the Makefile's ASan build is), never by the release binary.  Verification reads the limits from the hash, so
 * either kind verifies anywhere.  Hashes never leave src/people/.
 */
#ifndef ZHIFA_PASSWORD_H
#define ZHIFA_PASSWORD_H
#include "core/err.h"

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define PASSWORD_HISTORY 5    /* passwords kept per person, the current one included */
/* The embedded list of well-known weak passwords (its sources are named
 * at its top). */
#define PASSWORD_COMMON_LIST "data/common-passwords.txt"

/* True when password is on the common-password list. */
bool password_is_common(const char *password);

/* Check password against the policy for username.  0 if acceptable; else
 * -1 with ERR_INVALID, field "password" and a Chinese message naming the
 * rule broken. */
int password_check_policy(const char *username, const char *password, struct err *e);

/* Hash password (argon2id) into out.  0, or -1 with ERR_INTERNAL when
 * libsodium fails (out of memory). */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX], struct err *e);

/* True when hash is a valid crypto_pwhash_str string that matches
 * password.  An empty or malformed hash never matches. */
bool password_verify(const char *hash, const char *password);

/* Spend about the time of one verification without any account (used for
 * unknown usernames, so timing does not reveal which names exist). */
void password_dummy_verify(const char *password);
#endif
