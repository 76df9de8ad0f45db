/*
 * auth.c - login with lockout, server-side sessions, logout and password
 * change (see auth.h).  The slow password verification runs outside any
 * transaction; the failure counters are re-read inside the transaction
 * that updates them.
 */
#include "core/core.h"
#include "core/hash.h"
#include <sodium.h>
#include <arpa/inet.h>
#include "people/auth.h"
#include "actor/audit.h"
#include "people/password.h"
#include "people/people.h"
#include "people/internal.h"

static void random_hex(char out[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, out);
	sodium_memzero(raw, sizeof raw);
}

/* hex SHA-256 of a token; -1 if the token is not 64 hex digits. */
static int token_hash(const char *token, char out[65])
{
	if (!hash_hex_valid(token))
		return -1;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, 64);
	hex_encode(h, sizeof h, out);
	return 0;
}

static void beijing_time(long long t, char out[20])
{
	char utc[21];
	time_unix_to_utc(t, utc);
	time_utc_to_shanghai(utc, out);
}

static long long parse_or(const char *s, long long def)
{
	long long t = str_empty(s) ? -1 : time_utc_parse(s);
	return t < 0 ? def : t;
}

/* ---- the account: attempts admitted before the password is checked ----
 *
 * users.failed_count counts the attempts of the window starting at
 * failed_since that were admitted to a password check; a success resets
 * it.  Admission is one UPDATE ... RETURNING whose WHERE re-reads the row
 * (PostgreSQL re-checks it after waiting for a concurrent writer; SQLite
 * has one writer), so no more than PEOPLE_MAX_FAILS checks happen per
 * window, whatever the number of concurrent requests or processes. */

enum admit { ADMIT_OK = 0, ADMIT_REFUSED = 1 };

/* Admit one password check of user_id at now.  ADMIT_OK (the attempt is
 * counted), ADMIT_REFUSED (locked by an administrator, temporarily locked,
 * or PEOPLE_MAX_FAILS attempts already in the window), or -1 on a storage
 * error.  *count_out: the attempts of the window, this one included. */
static int admit_attempt(struct db *db, long long user_id, long long now, long long *count_out)
{
	char nowtext[21], wstart[21];
	time_unix_to_utc(now, nowtext);
	time_unix_to_utc(now - PEOPLE_LOCK_SECONDS, wstart);
	struct db_res *r = NULL;
	if (db_query(db, &r, "UPDATE users SET"
		     " failed_count = CASE WHEN failed_since IS NULL OR failed_since <= ? THEN 1 ELSE failed_count + 1 END,"
		     " failed_since = CASE WHEN failed_since IS NULL OR failed_since <= ? THEN ? ELSE failed_since END"
		     " WHERE id = ? AND locked = 0 AND (lock_until IS NULL OR lock_until <= ?)"
		     " AND (failed_since IS NULL OR failed_since <= ? OR failed_count < ?) RETURNING failed_count",
		     DB_TEXT(wstart), DB_TEXT(wstart), DB_TEXT(nowtext), DB_INT(user_id), DB_TEXT(nowtext),
		     DB_TEXT(wstart), DB_INT(PEOPLE_MAX_FAILS)) < 0)
		return -1;
	int rc = r->nrows == 1 ? ADMIT_OK : ADMIT_REFUSED;
	if (count_out)
		*count_out = r->nrows == 1 ? db_int(r, 0, 0) : PEOPLE_MAX_FAILS;
	db_res_free(r);
	return rc;
}

/* Why an attempt of user_id was refused, and until when (0 = no time). */
static int refusal_reason(struct db *db, long long user_id, long long now, const char **reason, long long *until)
{
	struct db_res *r = NULL;
	*reason = "账号已锁定";
	*until = 0;
	if (db_query(db, &r, "SELECT locked, lock_until, failed_since FROM users WHERE id = ?", DB_INT(user_id)) < 0)
		return -1;
	if (r->nrows == 1) {
		long long lock = parse_or(db_cell(r, 0, 1), 0), since = parse_or(db_cell(r, 0, 2), 0);
		if (db_int(r, 0, 0)) {
			*reason = "账号已被管理员锁定";
		} else if (lock > now) {
			*reason = "登录失败次数过多,账号临时锁定";
			*until = lock;
		} else {
			*reason = "本时段的尝试次数已用完(其余尝试正在核对)";
			*until = since + PEOPLE_LOCK_SECONDS;
		}
	}
	db_res_free(r);
	return 0;
}

/* After a wrong password of an admitted attempt (inside the caller's
 * transaction): when the window holds PEOPLE_MAX_FAILS attempts, lock the
 * account for PEOPLE_LOCK_SECONDS.  *lock_out: the lock end, 0 = none. */
static int record_wrong_password(struct db *db, long long user_id, long long now, long long *lock_out)
{
	char nowtext[21], wstart[21], lock[21];
	time_unix_to_utc(now, nowtext);
	time_unix_to_utc(now - PEOPLE_LOCK_SECONDS, wstart);
	time_unix_to_utc(now + PEOPLE_LOCK_SECONDS, lock);
	struct db_res *r = NULL;
	*lock_out = 0;
	if (db_query(db, &r, "UPDATE users SET lock_until = ? WHERE id = ? AND failed_count >= ? AND failed_since > ?"
		     " AND (lock_until IS NULL OR lock_until <= ?) RETURNING id",
		     DB_TEXT(lock), DB_INT(user_id), DB_INT(PEOPLE_MAX_FAILS), DB_TEXT(wstart), DB_TEXT(nowtext)) < 0)
		return -1;
	if (r->nrows == 1)
		*lock_out = now + PEOPLE_LOCK_SECONDS;
	db_res_free(r);
	return 0;
}

/* ---- the client address: slowed down, never locked ---- */

/* The wait in seconds before the next attempt from an address with count
 * failures in the window (0 up to PEOPLE_ADDR_FREE_FAILS). */
static long long address_step(long long count)
{
	long long k = count - PEOPLE_ADDR_FREE_FAILS;
	if (k <= 0)
		return 0;
	long long step = k > 8 ? PEOPLE_ADDR_MAX_DELAY : 1LL << (k - 1);
	return step > PEOPLE_ADDR_MAX_DELAY ? PEOPLE_ADDR_MAX_DELAY : step;
}

/* The key an address is counted under: an IPv4 address itself, an IPv6
 * address by its /64 (one subscriber's block: rotating addresses inside it
 * does not escape the slow-down), anything else as given. */
static void address_key(const char *ip, char out[64])
{
	unsigned char a[16];
	if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a, mapped, 12) == 0) {
			inet_ntop(AF_INET, a + 12, out, 64);
			return;
		}
		char text[INET6_ADDRSTRLEN];
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, text, sizeof text);
		snprintf(out, 64, "%s/64", text);
		return;
	}
	snprintf(out, 64, "%s", ip);
}

/* Count a failed check (or an unknown name) from ip in its window. */
static int record_address_failure(struct db *db, const char *client_ip, long long now)
{
	char ip[64];
	address_key(client_ip, ip);
	char nowtext[21], wstart[21];
	time_unix_to_utc(now, nowtext);
	time_unix_to_utc(now - PEOPLE_LOCK_SECONDS, wstart);
	return db_exec(db, "INSERT INTO login_throttle(ip, failed_count, failed_since) VALUES (?, 1, ?)"
		       " ON CONFLICT (ip) DO UPDATE SET"
		       " failed_count = CASE WHEN login_throttle.failed_since <= ? THEN 1"
		       " ELSE login_throttle.failed_count + 1 END,"
		       " failed_since = CASE WHEN login_throttle.failed_since <= ? THEN excluded.failed_since"
		       " ELSE login_throttle.failed_since END",
		       DB_TEXT(ip), DB_TEXT(nowtext), DB_TEXT(wstart), DB_TEXT(wstart));
}

int people_login_wait(struct db *db, const char *client_ip, long long *wait_seconds)
{
	*wait_seconds = 0;
	char ip[64];
	address_key(client_ip ? client_ip : "", ip);
	long long now = time_now_unix();
	char wstart[21];
	time_unix_to_utc(now - PEOPLE_LOCK_SECONDS, wstart);
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT failed_count FROM login_throttle WHERE ip = ? AND failed_since > ?", DB_TEXT(ip),
		     DB_TEXT(wstart)) < 0)
		return -1;
	long long count = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	long long step = address_step(count);
	if (!step)
		return 0;
	/* take the next slot: start = max(now, next_slot), at most
	 * PEOPLE_ADDR_MAX_DELAY ahead; the slot after it is start + step */
	r = NULL;
	if (db_query(db, &r, "UPDATE login_throttle SET next_slot = (CASE WHEN next_slot > ? THEN"
		     " (CASE WHEN next_slot > ? THEN ? ELSE next_slot END) ELSE ? END) + ? WHERE ip = ? RETURNING next_slot",
		     DB_INT(now), DB_INT(now + PEOPLE_ADDR_MAX_DELAY), DB_INT(now + PEOPLE_ADDR_MAX_DELAY), DB_INT(now),
		     DB_INT(step), DB_TEXT(ip)) < 0)
		return -1;
	long long start = r->nrows ? db_int(r, 0, 0) - step : now;
	db_res_free(r);
	*wait_seconds = start > now ? start - now : 0;
	return 0;
}

/* The one answer to every failed login: it does not tell an unknown name
 * from a wrong password or a locked account. */
static int login_refused(struct err *e)
{
	return err_set(e, ERR_UNAUTH, "password", "%s", PEOPLE_LOGIN_FAILED);
}

int people_login(struct db *db, const char *username, const char *password,
		 const char *client_ip, const char *user_agent,
		 struct session_out *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (str_empty(username))
		return err_set(e, ERR_INVALID, "username", "请输入用户名");
	if (str_empty(password))
		return err_set(e, ERR_INVALID, "password", "请输入密码");
	const char *ip = client_ip ? client_ip : "";
	const char *ua = user_agent ? user_agent : "";
	long long now = time_now_unix();
	char nowtext[21];
	time_unix_to_utc(now, nowtext);

	/* 1. the account */
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT id, password_hash, must_change FROM users WHERE username = ?", DB_TEXT(username)) < 0)
		return people_db_fail(db, e);
	long long uid = 0;
	bool must_change = false;
	char hash[PASSWORD_HASH_MAX] = "";
	if (r->nrows == 1) {
		uid = db_int(r, 0, 0);
		snprintf(hash, sizeof hash, "%s", db_text(r, 0, 1));
		must_change = db_int(r, 0, 2) != 0;
	}
	db_res_free(r);

	/* 2. admit the attempt before the (slow) check, counted atomically */
	if (uid) {
		int adm = admit_attempt(db, uid, now, NULL);
		if (adm < 0) {
			sodium_memzero(hash, sizeof hash);
			return people_db_fail(db, e);
		}
		if (adm == ADMIT_REFUSED) {
			sodium_memzero(hash, sizeof hash);
			const char *reason;
			long long until;
			if (refusal_reason(db, uid, now, &reason, &until) < 0)
				return people_db_fail(db, e);
			password_dummy_verify(password); /* same time as a check */
			audit_login(db, uid, username, ip, ua, "locked", reason);
			return login_refused(e);
		}
	}

	/* 3. the password (slow; outside any transaction) */
	bool good;
	if (uid) {
		good = password_verify(hash, password);
	} else {
		password_dummy_verify(password);
		good = false;
	}
	sodium_memzero(hash, sizeof hash);

	/* 4. record */
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!good) {
		long long lock = 0;
		if ((uid && record_wrong_password(db, uid, now, &lock) < 0) ||
		    record_address_failure(db, ip, now) < 0 ||
		    audit_login(db, uid, username, ip, ua, "fail",
				!uid ? "用户名不存在" : lock ? "密码错误,连续失败次数已满,账号临时锁定" : "密码错误") < 0 ||
		    db_commit(db) < 0)
			return people_tx_fail(db, e, true);
		return login_refused(e);
	}
	/* the success clears the count, unless the account was locked meanwhile
	 * (by an administrator, or by a concurrent attempt that filled the
	 * window): then even the right password is refused */
	r = NULL;
	if (db_query(db, &r, "UPDATE users SET failed_count = 0, failed_since = NULL, lock_until = NULL,"
		     " last_login_at = ?, last_login_ip = ? WHERE id = ? AND locked = 0 AND (lock_until IS NULL OR lock_until <= ?)"
		     " RETURNING id", DB_TEXT(nowtext), DB_TEXT(ip), DB_INT(uid), DB_TEXT(nowtext)) < 0)
		return people_tx_fail(db, e, true);
	bool still_open = r->nrows == 1;
	db_res_free(r);
	if (!still_open) {
		if (audit_login(db, uid, username, ip, ua, "locked", "密码正确,但账号已在核对期间被锁定") < 0 ||
		    db_commit(db) < 0)
			return people_tx_fail(db, e, true);
		return login_refused(e);
	}
	char token[65], th[65], csrf[65], exp[21];
	random_hex(token);
	random_hex(csrf);
	token_hash(token, th);
	time_unix_to_utc(now + PEOPLE_SESSION_LIFETIME, exp);
	if (db_exec(db, "DELETE FROM sessions WHERE expires_at < ?", DB_TEXT(nowtext)) < 0 ||
	    db_exec(db, "INSERT INTO sessions(token_hash, user_id, csrf, created_at, last_seen_at, expires_at, ip, user_agent)"
		    " VALUES (?,?,?,?,?,?,?,?)", DB_TEXT(th), DB_INT(uid), DB_TEXT(csrf), DB_TEXT(nowtext),
		    DB_TEXT(nowtext), DB_TEXT(exp), DB_TEXT(ip), DB_TEXT(ua)) < 0 ||
	    audit_login(db, uid, username, ip, ua, "ok", must_change ? "登录成功(须修改密码)" : "登录成功") < 0 ||
	    db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	memcpy(out->token, token, sizeof out->token);
	memcpy(out->csrf, csrf, sizeof out->csrf);
	memcpy(out->expires_at, exp, sizeof out->expires_at);
	out->user_id = uid;
	out->must_change = must_change;
	sodium_memzero(token, sizeof token);
	return 0;
}

int people_session_lookup(struct db *db, const char *token, long long idle_timeout_seconds,
			  struct actor *actor_out, char csrf_out[65])
{
	char th[65];
	memset(actor_out, 0, sizeof *actor_out);
	csrf_out[0] = '\0';
	if (token_hash(token, th) < 0)
		return -1;
	if (idle_timeout_seconds <= 0)
		idle_timeout_seconds = PEOPLE_IDLE_TIMEOUT;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT s.id, s.user_id, s.csrf, s.last_seen_at, s.expires_at, s.ip, u.locked"
		     " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", DB_TEXT(th)) < 0)
		return -1;
	if (r->nrows != 1) {
		db_res_free(r);
		return -1;
	}
	long long sid = db_int(r, 0, 0), uid = db_int(r, 0, 1);
	long long last = parse_or(db_cell(r, 0, 3), 0), exp = parse_or(db_cell(r, 0, 4), 0);
	bool locked = db_int(r, 0, 6) != 0;
	char csrf[65], ip[64];
	snprintf(csrf, sizeof csrf, "%s", db_text(r, 0, 2));
	snprintf(ip, sizeof ip, "%s", db_text(r, 0, 5));
	db_res_free(r);
	long long now = time_now_unix();
	if (locked || now >= exp || now - last >= idle_timeout_seconds) {
		db_exec(db, "DELETE FROM sessions WHERE id = ?", DB_INT(sid));
		return -1;
	}
	/* every request moves the idle end (at most one write per second), so
	 * the session ends exactly idle_timeout_seconds after the last one */
	if (now > last) {
		char nowtext[21];
		time_unix_to_utc(now, nowtext);
		db_exec(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", DB_TEXT(nowtext), DB_INT(sid));
	}
	if (people_actor_load(db, uid, actor_out) < 0)
		return -1;
	snprintf(actor_out->ip, sizeof actor_out->ip, "%s", ip);
	memcpy(csrf_out, csrf, 65);
	return 0;
}

int people_logout(struct db *db, const char *token)
{
	char th[65];
	if (token_hash(token, th) < 0)
		return 0;
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT s.user_id, u.username, s.ip, s.user_agent FROM sessions s"
		     " JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?", DB_TEXT(th)) < 0)
		return -1;
	int rc = 0;
	if (r->nrows == 1) {
		if (db_begin(db) < 0 ||
		    db_exec(db, "DELETE FROM sessions WHERE token_hash = ?", DB_TEXT(th)) < 0 ||
		    audit_login(db, db_int(r, 0, 0), db_text(r, 0, 1), db_text(r, 0, 2), db_text(r, 0, 3),
				"logout", "退出登录") < 0 ||
		    db_commit(db) < 0) {
			db_rollback(db);
			rc = -1;
		}
	}
	db_res_free(r);
	return rc;
}

int people_change_password(struct db *db, const struct actor *a, const char *keep_token,
			   const char *old_password, const char *new_password, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (str_empty(old_password))
		return err_set(e, ERR_INVALID, "old_password", "请输入原密码");
	long long tnow = time_now_unix();
	char when[20];
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT username, password_hash FROM users WHERE id = ?", DB_INT(a->user_id)) < 0)
		return people_db_fail(db, e);
	if (r->nrows != 1) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "", "人员不存在");
	}
	char username[64], hash[PASSWORD_HASH_MAX];
	snprintf(username, sizeof username, "%s", db_text(r, 0, 0));
	snprintf(hash, sizeof hash, "%s", db_text(r, 0, 1));
	db_res_free(r);
	/* admitted like a login attempt, before the check */
	long long count = 0;
	int adm = admit_attempt(db, a->user_id, tnow, &count);
	if (adm != ADMIT_OK) {
		/* locked (by failed logins or earlier wrong old passwords): refuse
		 * without checking, so the lock cannot be used as an oracle */
		sodium_memzero(hash, sizeof hash);
		const char *reason;
		long long until;
		if (adm < 0 || refusal_reason(db, a->user_id, tnow, &reason, &until) < 0)
			return people_db_fail(db, e);
		audit_login(db, a->user_id, username, a->ip, "", "locked", "修改密码被拒绝:账号临时锁定");
		if (until <= tnow)
			return err_set(e, ERR_LOCKED, "", "账号已被锁定,请联系系统管理员");
		beijing_time(until, when);
		return err_set(e, ERR_LOCKED, "", "密码错误次数过多,账号已临时锁定,请于 %s 后再试", when);
	}
	bool good = password_verify(hash, old_password);
	sodium_memzero(hash, sizeof hash);
	if (!good) {
		/* counted like a failed login of the account (not of the address:
		 * the attacker already holds a session) */
		long long lock = 0;
		if (db_begin(db) < 0)
			return people_db_fail(db, e);
		if (record_wrong_password(db, a->user_id, tnow, &lock) < 0 ||
		    (lock && db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_INT(a->user_id)) < 0) ||
		    audit_login(db, a->user_id, username, a->ip, "", lock ? "locked" : "password",
				lock ? "修改密码时原密码连续错误,账号临时锁定" : "修改密码时原密码错误") < 0 ||
		    db_commit(db) < 0)
			return people_tx_fail(db, e, true);
		if (lock) {
			beijing_time(lock, when);
			return err_set(e, ERR_LOCKED, "old_password",
				       "原密码不正确。连续错误 %d 次,账号已锁定 %d 分钟并已退出登录,请于 %s 后再试",
				       PEOPLE_MAX_FAILS, PEOPLE_LOCK_SECONDS / 60, when);
		}
		return err_set(e, ERR_INVALID, "old_password", "原密码不正确，再错 %lld 次账号将被临时锁定",
			       count < PEOPLE_MAX_FAILS ? (long long)PEOPLE_MAX_FAILS - count : 0);
	}
	/* the right old password clears the count at once (a refused new
	 * password must not use up attempts) */
	if (db_exec(db, "UPDATE users SET failed_count = 0, failed_since = NULL WHERE id = ?", DB_INT(a->user_id)) < 0)
		return people_db_fail(db, e);
	if (str_eq(old_password, new_password))
		return err_set(e, ERR_INVALID, "new_password", "新密码不能与原密码相同");
	if (password_check_policy(username, new_password, e) < 0) {
		if (e)
			snprintf(e->field, sizeof e->field, "new_password");
		return -1;
	}
	/* not one of the last PASSWORD_HISTORY passwords (slow: up to that many
	 * verifications, outside any transaction) */
	r = NULL;
	if (db_query(db, &r, "SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?",
		     DB_INT(a->user_id), DB_INT(PASSWORD_HISTORY)) < 0)
		return people_db_fail(db, e);
	bool reused = false;
	for (int i = 0; i < r->nrows && !reused; i++)
		reused = password_verify(db_text(r, i, 0), new_password);
	db_res_free(r);
	if (reused)
		return err_set(e, ERR_INVALID, "new_password", "新密码不能与最近 %d 次使用过的密码相同", PASSWORD_HISTORY);
	if (password_hash(new_password, hash, e) < 0)
		return -1;
	char now[21], keep[65] = "", ids[24];
	time_now_utc(now);
	snprintf(ids, sizeof ids, "%lld", a->user_id);
	if (keep_token && token_hash(keep_token, keep) < 0)
		keep[0] = '\0';
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	int bad = db_exec(db, "UPDATE users SET password_hash = ?, must_change = 0, password_changed_at = ?,"
			  " updated_at = ?, failed_count = 0, failed_since = NULL WHERE id = ?", DB_TEXT(hash), DB_TEXT(now), DB_TEXT(now), DB_INT(a->user_id)) < 0 ||
		  db_exec(db, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?", DB_INT(a->user_id),
			  DB_TEXT(keep)) < 0 ||
		  people_history_add(db, a->user_id, hash, now) < 0 ||
		  audit_log(db, a, "user.password_change", "user", ids, "ok", "") < 0 || db_commit(db) < 0;
	sodium_memzero(hash, sizeof hash);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}

int people_password_confirm(struct db *db, const struct actor *a, const char *password, struct err *e)
{
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录");
	if (str_empty(password))
		return err_set(e, ERR_INVALID, "password", "请输入本人的登录密码以确认");
	long long tnow = time_now_unix();
	char when[20];
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT username, password_hash FROM users WHERE id = ?", DB_INT(a->user_id)) < 0)
		return people_db_fail(db, e);
	if (r->nrows != 1) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "", "人员不存在");
	}
	char username[64], hash[PASSWORD_HASH_MAX];
	snprintf(username, sizeof username, "%s", db_text(r, 0, 0));
	snprintf(hash, sizeof hash, "%s", db_text(r, 0, 1));
	db_res_free(r);
	long long count = 0;
	int adm = admit_attempt(db, a->user_id, tnow, &count);
	if (adm != ADMIT_OK) {
		sodium_memzero(hash, sizeof hash);
		const char *reason;
		long long until;
		if (adm < 0 || refusal_reason(db, a->user_id, tnow, &reason, &until) < 0)
			return people_db_fail(db, e);
		audit_login(db, a->user_id, username, a->ip, "", "locked", "确认密码被拒绝:账号临时锁定");
		if (until <= tnow)
			return err_set(e, ERR_LOCKED, "password", "账号已被锁定,请联系系统管理员");
		beijing_time(until, when);
		return err_set(e, ERR_LOCKED, "password", "密码错误次数过多,账号已临时锁定,请于 %s 后再试", when);
	}
	bool good = password_verify(hash, password);
	sodium_memzero(hash, sizeof hash);
	if (!good) {
		long long lock = 0;
		if (db_begin(db) < 0)
			return people_db_fail(db, e);
		if (record_wrong_password(db, a->user_id, tnow, &lock) < 0 ||
		    (lock && db_exec(db, "DELETE FROM sessions WHERE user_id = ?", DB_INT(a->user_id)) < 0) ||
		    audit_login(db, a->user_id, username, a->ip, "", lock ? "locked" : "password",
				lock ? "确认密码连续错误,账号临时锁定" : "确认密码错误") < 0 ||
		    db_commit(db) < 0)
			return people_tx_fail(db, e, true);
		if (lock) {
			beijing_time(lock, when);
			return err_set(e, ERR_LOCKED, "password",
				       "密码不正确。连续错误 %d 次,账号已锁定 %d 分钟并已退出登录,请于 %s 后再试",
				       PEOPLE_MAX_FAILS, PEOPLE_LOCK_SECONDS / 60, when);
		}
		return err_set(e, ERR_INVALID, "password", "密码不正确，再错 %lld 次账号将被临时锁定",
			       count < PEOPLE_MAX_FAILS ? (long long)PEOPLE_MAX_FAILS - count : 0);
	}
	if (db_exec(db, "UPDATE users SET failed_count = 0, failed_since = NULL WHERE id = ?", DB_INT(a->user_id)) < 0)
		return people_db_fail(db, e);
	return 0;
}

int people_login_guard(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_has(a, ROLE_ADMIN | ROLE_SUPERVISOR))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员和监督人员可以查看登录锁定情况");
	long long now = time_now_unix();
	char nowtext[21], wstart[21];
	time_unix_to_utc(now, nowtext);
	time_unix_to_utc(now - PEOPLE_LOCK_SECONDS, wstart);
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT u.id, u.username, u.name, n.name, u.locked, u.lock_until, u.failed_count, u.failed_since"
		     " FROM users u JOIN units n ON n.id = u.unit_id WHERE u.locked = 1 OR u.lock_until > ?"
		     " OR (u.failed_count >= ? AND u.failed_since > ?) ORDER BY u.username",
		     DB_TEXT(nowtext), DB_INT(PEOPLE_MAX_FAILS), DB_TEXT(wstart)) < 0)
		return people_db_fail(db, e);
	json_t *accounts = json_array();
	for (int i = 0; i < r->nrows; i++) {
		bool by_admin = db_int(r, i, 4) != 0;
		long long lock = parse_or(db_cell(r, i, 5), 0), since = parse_or(db_cell(r, i, 7), 0);
		long long until = by_admin ? 0 : lock > now ? lock : since + PEOPLE_LOCK_SECONDS;
		char utc[21] = "", local[20] = "";
		if (until > 0) {
			time_unix_to_utc(until, utc);
			time_utc_to_shanghai(utc, local);
		}
		json_array_append_new(accounts, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)db_int(r, i, 0),
							  "username", db_text(r, i, 1), "name", db_text(r, i, 2),
							  "unit_name", db_text(r, i, 3), "kind", by_admin ? "admin" : "failures",
							  "until", utc, "until_local", local,
							  "failed_count", (json_int_t)db_int(r, i, 6)));
	}
	db_res_free(r);
	r = NULL;
	if (db_query(db, &r, "SELECT ip, failed_count, failed_since FROM login_throttle WHERE failed_count > ?"
		     " AND failed_since > ? ORDER BY failed_count DESC, ip", DB_INT(PEOPLE_ADDR_FREE_FAILS), DB_TEXT(wstart)) < 0) {
		json_decref(accounts);
		return people_db_fail(db, e);
	}
	json_t *addresses = json_array();
	for (int i = 0; i < r->nrows; i++) {
		long long since = parse_or(db_cell(r, i, 2), 0);
		char utc[21], since_local[20], until_local[20];
		time_utc_to_shanghai(db_text(r, i, 2), since_local);
		time_unix_to_utc(since + PEOPLE_LOCK_SECONDS, utc);
		time_utc_to_shanghai(utc, until_local);
		json_array_append_new(addresses, json_pack("{s:s,s:I,s:s,s:s,s:I}", "ip", db_text(r, i, 0),
							   "failed_count", (json_int_t)db_int(r, i, 1), "since_local", since_local,
							   "until_local", until_local,
							   "delay_seconds", (json_int_t)address_step(db_int(r, i, 1))));
	}
	db_res_free(r);
	*out = json_pack("{s:o,s:o,s:i,s:i,s:i}", "accounts", accounts, "addresses", addresses, "max_fails",
			 PEOPLE_MAX_FAILS, "lock_minutes", PEOPLE_LOCK_SECONDS / 60, "address_free_fails",
			 PEOPLE_ADDR_FREE_FAILS);
	return 0;
}

int people_address_release(struct db *db, const struct actor *a, const char *ip, struct err *e)
{
	if (!actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "", "只有系统管理员可以解除地址限速");
	if (str_empty(ip) || strlen(ip) > 63)
		return err_set(e, ERR_INVALID, "ip", "请指定要解除限速的地址");
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	struct db_res *r = NULL;
	if (db_query(db, &r, "DELETE FROM login_throttle WHERE ip = ? RETURNING failed_count", DB_TEXT(ip)) < 0)
		return people_tx_fail(db, e, true);
	bool found = r->nrows == 1;
	char detail[64] = "";
	if (found)
		snprintf(detail, sizeof detail, "失败次数 %lld 清零", db_int(r, 0, 0));
	db_res_free(r);
	if (!found) {
		err_set(e, ERR_NOTFOUND, "ip", "该地址没有登录失败记录");
		return people_tx_fail(db, e, false);
	}
	if (audit_log(db, a, "login.address_release", "address", ip, "ok", detail) < 0 || db_commit(db) < 0)
		return people_tx_fail(db, e, true);
	return 0;
}
