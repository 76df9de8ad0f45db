/*
 * auth.c - login with lockout, server-side sessions, logout and password
 * change (see auth.h).  The slow password verification runs outside any
 * transaction; the failure counters are re-read inside the transaction
 * that updates them.
 */
#include "core/core.h"
#include <sodium.h>
#include "people/auth.h"
#include "people/audit.h"
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
	if (!token || strlen(token) != 64)
		return -1;
	for (const char *p = token; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
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

/* Count one more failure in the window starting at since (0 = none):
 * resets the window when it has passed, and locks when the count reaches
 * PEOPLE_MAX_FAILS.  Outputs the new count, window start and lock end
 * (0 = not locked). */
static void count_failure(long long now, long long count, long long since,
			  long long *ncount, long long *nsince, long long *nlock)
{
	if (since <= 0 || now - since >= PEOPLE_LOCK_SECONDS) {
		count = 0;
		since = now;
	}
	count++;
	*nlock = 0;
	if (count >= PEOPLE_MAX_FAILS) {
		*nlock = now + PEOPLE_LOCK_SECONDS;
		count = 0;
	}
	*ncount = count;
	*nsince = since;
}

static void utc_or_empty(long long t, char out[21])
{
	if (t > 0)
		time_unix_to_utc(t, out);
	else
		out[0] = '\0';
}

/* Record a failed password of the account user_id (inside the caller's
 * transaction; the counters are re-read here).  Outputs the lock end (0 =
 * not locked) and the failure count in the current window (0 after a
 * lock). */
static int record_account_failure(struct db *db, long long user_id, long long now,
				  long long *acct_lock, long long *count_out)
{
	struct db_res *r = NULL;
	long long c, s, l;
	char since[21], lock[21];
	*acct_lock = 0;
	if (count_out)
		*count_out = 0;
	if (db_query(db, &r, "SELECT failed_count, failed_since FROM users WHERE id = ?", DB_INT(user_id)) < 0)
		return -1;
	long long oc = r->nrows ? db_int(r, 0, 0) : 0, os = r->nrows ? parse_or(db_cell(r, 0, 1), 0) : 0;
	db_res_free(r);
	count_failure(now, oc, os, &c, &s, &l);
	utc_or_empty(s, since);
	utc_or_empty(l, lock);
	if (db_exec(db, "UPDATE users SET failed_count = ?, failed_since = ?, lock_until = ? WHERE id = ?",
		    DB_INT(c), DB_TEXT(since), l ? DB_TEXT(lock) : DB_NULL, DB_INT(user_id)) < 0)
		return -1;
	*acct_lock = l;
	if (count_out)
		*count_out = c;
	return 0;
}

/* Record a failed attempt; returns the account and address lock ends. */
static int record_failure(struct db *db, long long user_id, long long now, const char *ip,
			  long long *acct_lock, long long *ip_lock)
{
	struct db_res *r = NULL;
	long long c, s, l;
	char since[21], lock[21];
	*acct_lock = *ip_lock = 0;
	if (user_id > 0 && record_account_failure(db, user_id, now, acct_lock, NULL) < 0)
		return -1;
	if (db_query(db, &r, "SELECT failed_count, failed_since FROM login_throttle WHERE ip = ?", DB_TEXT(ip)) < 0)
		return -1;
	long long oc = r->nrows ? db_int(r, 0, 0) : 0, os = r->nrows ? parse_or(db_cell(r, 0, 1), 0) : 0;
	db_res_free(r);
	count_failure(now, oc, os, &c, &s, &l);
	utc_or_empty(s, since);
	utc_or_empty(l, lock);
	if (db_exec(db, "INSERT INTO login_throttle(ip, failed_count, failed_since, lock_until) VALUES (?,?,?,?)"
		    " ON CONFLICT (ip) DO UPDATE SET failed_count = excluded.failed_count,"
		    " failed_since = excluded.failed_since, lock_until = excluded.lock_until",
		    DB_TEXT(ip), DB_INT(c), DB_TEXT(since), l ? DB_TEXT(lock) : DB_NULL) < 0)
		return -1;
	*ip_lock = l;
	return 0;
}

/* A refusal before the password is checked: log it (own statement) and
 * set e. */
static int refuse(struct db *db, long long user_id, const char *username, const char *ip, const char *ua,
		  const char *result, const char *reason, struct err *e, int kind, const char *fmt, const char *when)
{
	audit_login(db, user_id, username, ip, ua, result, reason);
	return err_set(e, kind, "", fmt, when);
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
	char when[20];

	/* 1. the client address */
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT lock_until FROM login_throttle WHERE ip = ?", DB_TEXT(ip)) < 0)
		return people_db_fail(db, e);
	long long ip_lock = r->nrows ? parse_or(db_cell(r, 0, 0), 0) : 0;
	db_res_free(r);
	r = NULL;
	if (ip_lock > now) {
		beijing_time(ip_lock, when);
		return refuse(db, 0, username, ip, ua, "throttled", "该地址登录失败次数过多", e, ERR_TOOMANY,
			      "该地址登录失败次数过多,请于 %s 后再试", when);
	}

	/* 2. the account */
	if (db_query(db, &r, "SELECT id, password_hash, locked, lock_until, must_change FROM users WHERE username = ?",
		     DB_TEXT(username)) < 0)
		return people_db_fail(db, e);
	long long uid = 0, acct_lock = 0;
	bool admin_locked = false, must_change = false;
	char hash[PASSWORD_HASH_MAX] = "";
	if (r->nrows == 1) {
		uid = db_int(r, 0, 0);
		snprintf(hash, sizeof hash, "%s", db_text(r, 0, 1));
		admin_locked = db_int(r, 0, 2) != 0;
		acct_lock = parse_or(db_cell(r, 0, 3), 0);
		must_change = db_int(r, 0, 4) != 0;
	}
	db_res_free(r);
	if (admin_locked)
		return refuse(db, uid, username, ip, ua, "locked", "账号已被管理员锁定", e, ERR_LOCKED,
			      "账号已被锁定,请联系系统管理员%s", "");
	if (acct_lock > now) {
		beijing_time(acct_lock, when);
		return refuse(db, uid, username, ip, ua, "locked", "登录失败次数过多,账号临时锁定", e, ERR_LOCKED,
			      "登录失败次数过多,账号已临时锁定,请于 %s 后再试", when);
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
	char nowtext[21];
	time_unix_to_utc(now, nowtext);
	if (db_begin(db) < 0)
		return people_db_fail(db, e);
	if (!good) {
		long long al, il;
		if (record_failure(db, uid, now, ip, &al, &il) < 0 ||
		    audit_login(db, uid, username, ip, ua, "fail", uid ? "密码错误" : "用户名不存在") < 0 ||
		    db_commit(db) < 0)
			return people_tx_fail(db, e, true);
		if (al) {
			beijing_time(al, when);
			return err_set(e, ERR_LOCKED, "", "用户名或密码错误。连续失败 %d 次,账号已锁定 %d 分钟,请于 %s 后再试",
				       PEOPLE_MAX_FAILS, PEOPLE_LOCK_SECONDS / 60, when);
		}
		if (il) {
			beijing_time(il, when);
			return err_set(e, ERR_TOOMANY, "", "用户名或密码错误。该地址登录失败次数过多,请于 %s 后再试", when);
		}
		return err_set(e, ERR_UNAUTH, "password", "用户名或密码错误");
	}
	char token[65], th[65], csrf[65], exp[21];
	random_hex(token);
	random_hex(csrf);
	token_hash(token, th);
	time_unix_to_utc(now + PEOPLE_SESSION_LIFETIME, exp);
	if (db_exec(db, "UPDATE users SET failed_count = 0, failed_since = NULL, lock_until = NULL,"
		    " last_login_at = ?, last_login_ip = ? WHERE id = ?", DB_TEXT(nowtext), DB_TEXT(ip), DB_INT(uid)) < 0 ||
	    db_exec(db, "DELETE FROM sessions WHERE expires_at < ?", DB_TEXT(nowtext)) < 0 ||
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
	if (locked || now >= exp || now - last > idle_timeout_seconds) {
		db_exec(db, "DELETE FROM sessions WHERE id = ?", DB_INT(sid));
		return -1;
	}
	if (now - last >= 60) {
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
	if (db_query(db, &r, "SELECT username, password_hash, lock_until FROM users WHERE id = ?",
		     DB_INT(a->user_id)) < 0)
		return people_db_fail(db, e);
	if (r->nrows != 1) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "", "人员不存在");
	}
	char username[64], hash[PASSWORD_HASH_MAX];
	snprintf(username, sizeof username, "%s", db_text(r, 0, 0));
	snprintf(hash, sizeof hash, "%s", db_text(r, 0, 1));
	long long acct_lock = parse_or(db_cell(r, 0, 2), 0);
	db_res_free(r);
	if (acct_lock > tnow) {
		/* locked (by failed logins or earlier wrong old passwords): refuse
		 * without checking, so the lock cannot be used as an oracle */
		sodium_memzero(hash, sizeof hash);
		beijing_time(acct_lock, when);
		return refuse(db, a->user_id, username, a->ip, "", "locked", "修改密码被拒绝:账号临时锁定", e,
			      ERR_LOCKED, "密码错误次数过多,账号已临时锁定,请于 %s 后再试", when);
	}
	bool good = password_verify(hash, old_password);
	sodium_memzero(hash, sizeof hash);
	if (!good) {
		/* counted like a failed login of the account (not of the address:
		 * the attacker already holds a session) */
		long long lock = 0, count = 0;
		if (db_begin(db) < 0)
			return people_db_fail(db, e);
		if (record_account_failure(db, a->user_id, tnow, &lock, &count) < 0 ||
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
		return err_set(e, ERR_INVALID, "old_password", "原密码不正确,再错 %lld 次账号将被临时锁定",
			       (long long)PEOPLE_MAX_FAILS - count);
	}
	if (str_eq(old_password, new_password))
		return err_set(e, ERR_INVALID, "new_password", "新密码不能与原密码相同");
	if (password_check_policy(username, new_password, e) < 0) {
		if (e)
			snprintf(e->field, sizeof e->field, "new_password");
		return -1;
	}
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
		  audit_log(db, a, "user.password_change", "user", ids, "ok", "") < 0 || db_commit(db) < 0;
	sodium_memzero(hash, sizeof hash);
	if (bad)
		return people_tx_fail(db, e, true);
	return 0;
}
