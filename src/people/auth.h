/*
 * auth.h - login, server-side sessions, logout and changing one's own
 * password.
 *
 * Invariants:
 *  - Tokens are 32 random bytes (libsodium randombytes_buf) as 64 hex
 *    digits; the database keeps only their SHA-256 (sessions.token_hash).
 *    Each session has its own random CSRF token (64 hex digits).
 *  - A session ends idle_timeout seconds after its last use, to the second
 *    (default PEOPLE_IDLE_TIMEOUT; every lookup in a new second records
 *    the use) and PEOPLE_SESSION_LIFETIME seconds after login
 *    whatever the use; locking the user or resetting the password ends it.
 *  - Lockout (等保 level 3, GB/T 22239-2019 8.1.4.1 b: 登录失败处理, per
 *    account): every password check of an account is admitted and counted
 *    BEFORE the password is checked, by one atomic UPDATE; at most
 *    PEOPLE_MAX_FAILS checks are admitted per PEOPLE_LOCK_SECONDS window
 *    (whatever the number of concurrent requests or server processes),
 *    and the wrong password that fills the window locks the account for
 *    PEOPLE_LOCK_SECONDS.  A success clears the count.  During the lockout
 *    even the right password is refused; refused attempts do not extend it.
 *  - The client address is never locked: after PEOPLE_ADDR_FREE_FAILS
 *    failures (wrong passwords and unknown names) in the window from one
 *    address (an IPv6 address counts with its /64), each
 *    attempt from it waits for a slot (people_login_wait): 1, 2, 4 ...
 *    seconds apart, at most PEOPLE_ADDR_MAX_DELAY.  A right password of an
 *    unlocked account is never refused because of other accounts.
 *  - Every failed login gets the same answer (ERR_UNAUTH,
 *    PEOPLE_LOGIN_FAILED) whether the name is unknown, the password wrong
 *    or the account locked, and about the same time (a dummy check): the
 *    answer does not tell which accounts exist.  The login log says why.
 *  - Every attempt, successful or not, writes one login_log row.
 *  - A wrong old password in people_change_password counts as a failed
 *    login of the account (not of the address), so the lockout also stops
 *    guessing through the change form of a stolen session.
 */
#ifndef ZHIFA_AUTH_H
#define ZHIFA_AUTH_H
#include "core/err.h"
#include "store/db.h"
#include "actor/actor.h"
#include <jansson.h>

#define PEOPLE_IDLE_TIMEOUT 1800        /* 30 minutes */
#define PEOPLE_SESSION_LIFETIME 43200   /* 12 hours */
#define PEOPLE_MAX_FAILS 5
#define PEOPLE_LOCK_SECONDS 900         /* 15 minutes */
#define PEOPLE_ADDR_FREE_FAILS 20       /* failures per address and window before it is slowed */
#define PEOPLE_ADDR_MAX_DELAY 10        /* seconds: the longest wait of one attempt */
#define PEOPLE_LOGIN_FAILED "用户名或密码错误。连续输错 5 次，账号将锁定 15 分钟；如仍无法登录，请联系系统管理员。"

struct session_out {
	char token[65];       /* the bearer token for the cookie (only here, never stored) */
	char csrf[65];        /* the session's CSRF token */
	long long user_id;
	bool must_change;     /* the user must change the password first */
	char expires_at[21];  /* absolute end, UTC */
};

/* Check username/password from client_ip (user_agent may be NULL) and on
 * success create a session in *out and return 0.  On failure returns -1:
 * ERR_INVALID (empty fields), or ERR_UNAUTH with PEOPLE_LOGIN_FAILED for
 * every other refusal (unknown name, wrong password, locked account).
 * Unlike other functions, a failed attempt still commits its login-log
 * row and the counters.  Callers serving the network first wait
 * people_login_wait() seconds. */
int people_login(struct db *db, const char *username, const char *password,
		 const char *client_ip, const char *user_agent,
		 struct session_out *out, struct err *e);

/* How long an attempt from client_ip must wait before people_login, in
 * seconds (0 = none); takes the address's next slot, so concurrent
 * attempts from one address wait one after the other.  -1 on a storage
 * error. */
int people_login_wait(struct db *db, const char *client_ip, long long *wait_seconds);

/* What the administrator sees of the login guard (ROLE_ADMIN or
 * ROLE_SUPERVISOR, else ERR_FORBIDDEN): a new object
 *   {"accounts":[{id, username, name, unit_name, kind ("admin" = locked
 *     by an administrator, "failures" = after failed logins), until (UTC,
 *     "" for kind admin), until_local, failed_count}],
 *    "addresses":[{ip (IPv4, or an IPv6 /64 as "2001:db8:1:2::/64"), failed_count, since_local, until_local,
 *     delay_seconds (the step between attempts now)}],
 *    "max_fails", "lock_minutes", "address_free_fails"}
 * Accounts are unlocked with people_user_lock(..., false). */
int people_login_guard(struct db *db, const struct actor *a, json_t **out, struct err *e);
/* Clear the failure count (and so the slow-down) of address ip
 * (ROLE_ADMIN): ERR_NOTFOUND if it has none; writes op_log
 * "login.address_release". */
int people_address_release(struct db *db, const struct actor *a, const char *ip, struct err *e);

/* Find the session of token: when alive, fill *actor_out (user, unit,
 * roles, scope, names; ip = the login address, request_id empty: the
 * caller sets both per request) and csrf_out, record the use (last_seen,
 * at most one write per second) and return 0.  idle_timeout_seconds <= 0 means
 * PEOPLE_IDLE_TIMEOUT.  Returns -1 for an unknown, malformed, idle,
 * expired or locked-user session (an expired one is deleted). */
int people_session_lookup(struct db *db, const char *token, long long idle_timeout_seconds,
			  struct actor *actor_out, char csrf_out[65]);

/* End the session of token (no-op if unknown) and log the logout.
 * Returns 0, or -1 on a storage error. */
int people_logout(struct db *db, const char *token);

/* The logged-in actor changes their own password: old_password must be
 * right (ERR_INVALID "old_password"), new_password must pass the policy
 * and differ from the old one and from the last PASSWORD_HISTORY passwords
 * (ERR_INVALID "new_password"; people/password.h).  Clears
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
/* The logged-in actor confirms an act of their own by re-entering their
 * password (执法文书定稿).  Counted as a login attempt of the account
 * exactly as people_change_password counts a wrong old password: a wrong
 * one commits its login_log row (result "password") and the failure
 * count, and the failure that fills the window locks the account (its
 * sessions ended, ERR_LOCKED); while locked every call is ERR_LOCKED
 * without a check.  A wrong password is ERR_INVALID field "password"
 * ("密码不正确，再错 N 次账号将被临时锁定"); empty is ERR_INVALID.  The right
 * one clears the count (its own statement, before the caller's act).
 * Call outside any transaction. */
int people_password_confirm(struct db *db, const struct actor *a, const char *password, struct err *e);
#endif
