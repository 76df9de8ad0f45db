/*
 * auth.h - login, server-side sessions, logout and changing one's own
 * password.
 *
 * Invariants:
 *  - Tokens are 32 random bytes (libsodium randombytes_buf) as 64 hex
 *    digits; the database keeps only their SHA-256 (sessions.token_hash).
 *    Each session has its own random CSRF token (64 hex digits).
 *  - A session ends after idle_timeout seconds without use (default
 *    PEOPLE_IDLE_TIMEOUT) and PEOPLE_SESSION_LIFETIME seconds after login
 *    whatever the use; locking the user or resetting the password ends it.
 *  - Lockout: PEOPLE_MAX_FAILS failed logins within PEOPLE_LOCK_SECONDS
 *    lock the account, and separately the client address, for
 *    PEOPLE_LOCK_SECONDS; during the lockout even the right password is
 *    refused (with the Beijing time to retry).  Refused attempts do not
 *    extend the lockout.
 *  - Every attempt, successful or not, writes one login_log row.
 *  - A wrong old password in people_change_password counts as a failed
 *    login of the account (not of the address), so the lockout also stops
 *    guessing through the change form of a stolen session.
 */
#ifndef ZHIFA_AUTH_H
#define ZHIFA_AUTH_H
#include "core/err.h"
#include "store/db.h"
#include "people/actor.h"

#define PEOPLE_IDLE_TIMEOUT 1800        /* 30 minutes */
#define PEOPLE_SESSION_LIFETIME 43200   /* 12 hours */
#define PEOPLE_MAX_FAILS 5
#define PEOPLE_LOCK_SECONDS 900         /* 15 minutes */

struct session_out {
	char token[65];       /* the bearer token for the cookie (only here, never stored) */
	char csrf[65];        /* the session's CSRF token */
	long long user_id;
	bool must_change;     /* the user must change the password first */
	char expires_at[21];  /* absolute end, UTC */
};

/* Check username/password from client_ip (user_agent may be NULL) and on
 * success create a session in *out and return 0.  On failure returns -1:
 * ERR_INVALID (empty fields), ERR_UNAUTH ("用户名或密码错误"), ERR_LOCKED
 * (locked by an administrator, or too many failures of this account),
 * ERR_TOOMANY (too many failures from this address).  Unlike other
 * functions, a failed attempt still commits its login-log row and the
 * failure counters. */
int people_login(struct db *db, const char *username, const char *password,
		 const char *client_ip, const char *user_agent,
		 struct session_out *out, struct err *e);

/* Find the session of token: when alive, fill *actor_out (user, unit,
 * roles, scope, names; ip = the login address, request_id empty: the
 * caller sets both per request) and csrf_out, refresh last_seen (at most
 * once a minute) and return 0.  idle_timeout_seconds <= 0 means
 * PEOPLE_IDLE_TIMEOUT.  Returns -1 for an unknown, malformed, idle,
 * expired or locked-user session (an expired one is deleted). */
int people_session_lookup(struct db *db, const char *token, long long idle_timeout_seconds,
			  struct actor *actor_out, char csrf_out[65]);

/* End the session of token (no-op if unknown) and log the logout.
 * Returns 0, or -1 on a storage error. */
int people_logout(struct db *db, const char *token);

/* The logged-in actor changes their own password: old_password must be
 * right (ERR_INVALID "old_password"), new_password must pass the policy
 * and differ from the old one (ERR_INVALID "new_password").  Clears
 * must_change and the failure counters, ends the user's other sessions
 * (all but keep_token, which may be NULL) and writes an op_log row
 * "user.password_change".
 * A wrong old password is counted with the account's failed logins and
 * committed with a login_log row (result "password"); the failure that
 * reaches PEOPLE_MAX_FAILS within PEOPLE_LOCK_SECONDS locks the account
 * for PEOPLE_LOCK_SECONDS, ends all the user's sessions (keep_token
 * included), logs result "locked" and returns ERR_LOCKED (field
 * "old_password") with the Beijing time to retry.  While the account is
 * so locked every call is refused with ERR_LOCKED (logged "locked")
 * without checking the password. */
int people_change_password(struct db *db, const struct actor *a, const char *keep_token,
			   const char *old_password, const char *new_password, struct err *e);
#endif
