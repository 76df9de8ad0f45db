/*
 * Tests of passwords and login (src/people/password.c, auth.c): policy
 * cases, argon2id hashing and verification, login and the login log,
 * lockout after 5 failures per account (attempts admitted before the
 * check, also under 16 concurrent attempts), the address slowed down but
 * never locked, one neutral answer for every failure (fake clock
 * ZHIFA_FAKE_NOW), admin lock, sessions (token stored hashed, CSRF token,
 * idle timeout exactly after the last use, absolute lifetime), logout,
 * changing one's own password, common passwords and the password history.
 */
#include "test_people_util.h"
#include "people/password.h"
#include "people/auth.h"
#include <pthread.h>

static void test_policy(void)
{
	struct err e = ERR_INIT;
	ok(password_check_policy("zhang", "Abcdefgh12", &e) == 0, "10 chars, three classes accepted");
	ok(password_check_policy("zhang", "Abc12!", &e) < 0 && str_eq(e.field, "password"), "too short refused");
	ok(strstr(e.msg, "10") != NULL, "message names the minimum length");
	ok(password_check_policy("zhang", "abcdefghijkl", &e) < 0 && strstr(e.msg, "三类"), "one class refused");
	ok(password_check_policy("zhang", "abcdefgh1234", &e) < 0, "two classes refused");
	ok(password_check_policy("zhang", "abcdefgh123!", &e) == 0, "lower+digit+symbol accepted");
	ok(password_check_policy("zhang", "ABCDEFGH!!ab", &e) == 0, "upper+symbol+lower accepted");
	ok(password_check_policy("zhang", "xxZhang123!!", &e) < 0 && strstr(e.msg, "用户名"), "containing username refused");
	ok(password_check_policy("zhang", "", &e) < 0, "empty refused");
	ok(password_check_policy("zhang", "Abcdefgh1\t2", &e) < 0, "control character refused");
	ok(password_check_policy("zhang", "执法人员密码Ab1!", &e) == 0, "Chinese characters count as symbols");
	char longpw[200];
	memset(longpw, 'a', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	longpw[0] = 'A';
	longpw[1] = '1';
	ok(password_check_policy("zhang", longpw, &e) < 0, "over 128 bytes refused");
	/* common passwords (data/common-passwords.txt) */
	ok(password_check_policy("zhang", "Password123", &e) < 0 && strstr(e.msg, "常见") && str_eq(e.field, "password"),
	   "Password123 refused as a common password");
	ok(password_check_policy("zhang", "PASSWORD123", &e) < 0, "compared case-insensitively");
	ok(password_check_policy("zhang", "Password123!", &e) < 0, "also with trailing symbols");
	ok(password_check_policy("zhang", "Qwerty123456", &e) < 0, "Qwerty123456 refused");
	ok(password_check_policy("zhang", "Woaini1314", &e) < 0, "a common Chinese password refused");
	ok(password_is_common("1q2w3e4r5t") && !password_is_common("1q2w3e4r5") && !password_is_common(""),
	   "whole entries only");
	ok(password_check_policy("zhang", "Password123x", &e) == 0, "a longer password containing one is accepted");
	ok(!password_is_common("# common-passwords.txt - well-known weak passwords, one per line, lower"),
	   "comment lines are not entries");
}

static void test_hash(void)
{
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	struct err e = ERR_INIT;
	ok(password_hash("Abcdefgh12!", h1, &e) == 0 && str_starts(h1, "$argon2id$"), "argon2id hash");
	ok(password_hash("Abcdefgh12!", h2, &e) == 0 && strcmp(h1, h2) != 0, "salted: two hashes differ");
	ok(password_verify(h1, "Abcdefgh12!"), "verify right password");
	ok(!password_verify(h1, "Abcdefgh12?"), "wrong password fails");
	ok(!password_verify("", "Abcdefgh12!") && !password_verify("garbage", "x"), "empty or bad hash never matches");
	unsetenv("ZHIFA_PWHASH_FAST");
	ok(password_hash("Abcdefgh12!", h2, &e) == 0 && strstr(h2, "m=65536") != NULL,
	   "normal mode uses the interactive memory limit");
	setenv("ZHIFA_PWHASH_FAST", "1", 1);
	ok(password_verify(h2, "Abcdefgh12!"), "interactive hash verifies in fast mode");
}

static long long last_login_rows(struct db *db, const char *result)
{
	return db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE result = ?",
			     (const struct db_val[]){ DB_TEXT(result), DB_END });
}

static void test_login(struct db *db, struct tp_tree *t)
{
	struct session_out s;
	struct err e = ERR_INIT;
	ok(people_login(db, "jn.zhang", TP_PASSWORD, "10.1.1.1", "Firefox", &s, &e) == 0, "login succeeds");
	is_int(strlen(s.token), 64, "token is 64 hex digits");
	is_int(strlen(s.csrf), 64, "CSRF token returned");
	ok(strcmp(s.token, s.csrf) != 0, "CSRF differs from the token");
	is_int(s.user_id, t->jn_officer, "session user id");
	ok(!s.must_change, "must_change off for this account");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?",
			     (const struct db_val[]){ DB_TEXT(s.token), DB_END }), 0, "raw token not stored");
	is_int(tp_count(db, "SELECT COUNT(*) FROM sessions"), 1, "one session row (hash)");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE result = 'ok' AND username = 'jn.zhang'"
			     " AND ip = ? AND user_agent = 'Firefox'", (const struct db_val[]){ DB_TEXT("10.1.1.1"), DB_END }),
	       1, "login log: who, from where, result");

	struct actor a;
	char csrf[65];
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "session lookup");
	ok(a.user_id == t->jn_officer && a.unit_id == t->jnc && a.roles == ROLE_OFFICER && a.scope == SCOPE_OWN,
	   "actor loaded with unit, roles and scope");
	is_str(a.username, "jn.zhang", "actor username");
	is_str(a.name, "张执法", "actor name");
	is_str(csrf, s.csrf, "lookup returns the CSRF token");
	ok(people_session_lookup(db, "00", 0, &a, csrf) < 0, "malformed token refused");
	char wrong[65];
	memcpy(wrong, s.token, 65);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	ok(people_session_lookup(db, wrong, 0, &a, csrf) < 0, "unknown token refused");

	/* the idle end moves with every request: exactly 30 minutes after the last */
	tp_set_now(TP_NOW + 30);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "lookup after 30 s");
	char want[21];
	time_unix_to_utc(TP_NOW + 30, want);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM sessions WHERE last_seen_at = ?",
			     (const struct db_val[]){ DB_TEXT(want), DB_END }), 1, "last_seen recorded after 30 s");
	tp_set_now(TP_NOW + 30 + 1799);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0,
	   "29 min 59 s after the last request: still alive (not ended early)");
	tp_set_now(TP_NOW + 30 + 1799 + 1799);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "used again just before the end: alive");
	tp_set_now(TP_NOW + 30 + 1799 + 1799 + 1800);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) < 0, "exactly 30 minutes after the last request: ended");
	is_int(tp_count(db, "SELECT COUNT(*) FROM sessions"), 0, "idle session deleted");

	/* configurable idle timeout and absolute lifetime */
	long long t0 = TP_NOW + 10000;
	tp_set_now(t0);
	ok(people_login(db, "jn.zhang", TP_PASSWORD, "10.1.1.1", NULL, &s, &e) == 0, "login again");
	tp_set_now(t0 + 100);
	ok(people_session_lookup(db, s.token, 60, &a, csrf) < 0, "idle timeout parameter honoured");
	ok(people_login(db, "jn.zhang", TP_PASSWORD, "10.1.1.1", NULL, &s, &e) == 0, "login again");
	long long t1 = t0 + 100;
	for (long long k = 1; k <= 25; k++) { /* used every 29 minutes: idle never reached */
		tp_set_now(t1 + k * 1740);
		if (people_session_lookup(db, s.token, 0, &a, csrf) < 0)
			break;
	}
	ok(time_now_unix() >= t1 + 43200 && time_now_unix() < t1 + 43200 + 1740,
	   "absolute lifetime of 12 h ends an active session");

	/* logout */
	tp_set_now(t0 + 50000);
	ok(people_login(db, "jn.zhang", TP_PASSWORD, "10.1.1.1", NULL, &s, &e) == 0, "login again");
	ok(people_logout(db, s.token) == 0, "logout");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) < 0, "session gone after logout");
	is_int(last_login_rows(db, "logout"), 1, "logout logged");

	/* wrong password, unknown user */
	ok(people_login(db, "jn.zhang", "Wrong-pass-1", "10.1.1.2", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "wrong password refused");
	is_str(e.msg, PEOPLE_LOGIN_FAILED, "generic message");
	ok(people_login(db, "ghost", "Wrong-pass-1", "10.1.1.2", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "unknown user refused with the same kind");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE result = 'fail' AND user_id IS NULL"
			     " AND username = ?", (const struct db_val[]){ DB_TEXT("ghost"), DB_END }), 1,
	       "unknown name logged as typed");
	ok(people_login(db, "", "x", "10.1.1.2", NULL, &s, &e) < 0 && str_eq(e.field, "username"), "empty username");
}

/* The answer of a failed login, to compare answers. */
struct answer {
	int rc, kind;
	char field[64], msg[512];
};

static struct answer try_login(struct db *db, const char *user, const char *pw, const char *ip)
{
	struct session_out s;
	struct err e = ERR_INIT;
	struct answer an;
	memset(&an, 0, sizeof an);
	an.rc = people_login(db, user, pw, ip, NULL, &s, &e);
	an.kind = e.kind;
	snprintf(an.field, sizeof an.field, "%s", e.field);
	snprintf(an.msg, sizeof an.msg, "%s", e.msg);
	return an;
}

static bool same_answer(struct answer x, struct answer y)
{
	return x.rc == y.rc && x.kind == y.kind && str_eq(x.field, y.field) && str_eq(x.msg, y.msg);
}

static long long user_login_rows(struct db *db, const char *username, const char *result)
{
	return db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE username = ? AND result = ?",
			     (const struct db_val[]){ DB_TEXT(username), DB_TEXT(result), DB_END });
}

static void test_lockout(struct db *db, struct tp_tree *t)
{
	(void)t;
	struct session_out s;
	struct err e = ERR_INIT;
	long long t0 = TP_NOW + 200000;
	/* per account: 5 failures from 5 different addresses */
	for (int i = 0; i < 5; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "192.168.0.%d", i + 1);
		tp_set_now(t0 + i * 10);
		people_login(db, "aq.ma", "Wrong-pass-1", ip, NULL, &s, &e);
	}
	ok(e.kind == ERR_UNAUTH && str_eq(e.msg, PEOPLE_LOGIN_FAILED), "5th failure: the neutral answer");
	char lock_utc[21];
	time_unix_to_utc(t0 + 40 + 900, lock_utc);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM users WHERE username = 'aq.ma' AND lock_until = ?",
			     (const struct db_val[]){ DB_TEXT(lock_utc), DB_END }), 1,
	       "the 5th failure locks the account for 15 minutes");
	tp_set_now(t0 + 60);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "6th attempt refused even with the right password");
	is_int(user_login_rows(db, "aq.ma", "locked"), 1, "refusal logged as locked");
	is_int(user_login_rows(db, "aq.ma", "fail"), 5, "5 checked passwords logged as failures");
	tp_set_now(t0 + 40 + 899);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) < 0, "still locked at 14:59");
	tp_set_now(t0 + 40 + 900);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) == 0, "unlocked after 15 minutes");
	is_int(db_scalar_int(db, -1, "SELECT failed_count FROM users WHERE username = 'aq.ma'", (const struct db_val[]){ DB_END }),
	       0, "success clears the count");

	/* failures spread over more than the window do not lock */
	long long t2 = t0 + 5000;
	for (int i = 0; i < 6; i++) {
		tp_set_now(t2 + i * 400); /* 5 fails span 1600 s > 900 s */
		people_login(db, "aq.head", "Wrong-pass-1", "172.16.0.1", NULL, &s, &e);
	}
	tp_set_now(t2 + 2401);
	ok(people_login(db, "aq.head", TP_PASSWORD, "172.16.0.1", NULL, &s, &e) == 0,
	   "failures spread beyond 15 minutes do not lock");

	/* one account's failures do not lock another account out of the same address */
	long long t3 = t0 + 20000;
	for (int i = 0; i < 5; i++) {
		tp_set_now(t3 + i);
		people_login(db, "aq.head", "Wrong-pass-1", "203.0.113.7", NULL, &s, &e);
	}
	tp_set_now(t3 + 10);
	ok(people_login(db, "aq.head", TP_PASSWORD, "203.0.113.7", NULL, &s, &e) < 0, "account A is locked");
	ok(people_login(db, "jn.head", TP_PASSWORD, "203.0.113.7", NULL, &s, &e) == 0,
	   "five wrong passwords for A from one address do not lock out B from it");
	long long w = -1;
	ok(people_login_wait(db, "203.0.113.7", &w) == 0 && w == 0, "nor slow the address down");

	/* the address: slowed down after PEOPLE_ADDR_FREE_FAILS failures, never locked */
	long long t4 = t0 + 40000;
	const char *ip = "198.51.100.20";
	for (int i = 0; i < PEOPLE_ADDR_FREE_FAILS; i++) {
		char name[32];
		snprintf(name, sizeof name, "guess%d", i);
		tp_set_now(t4 + i);
		people_login(db, name, "Wrong-pass-1", ip, NULL, &s, &e);
	}
	tp_set_now(t4 + 30);
	ok(people_login_wait(db, ip, &w) == 0 && w == 0, "%d failures from an address: no wait yet",
	   PEOPLE_ADDR_FREE_FAILS);
	people_login(db, "guess-x", "Wrong-pass-1", ip, NULL, &s, &e);
	long long waits[6];
	for (int i = 0; i < 6; i++)
		people_login_wait(db, ip, &waits[i]);
	ok(waits[0] == 0 && waits[1] == 1 && waits[2] == 2 && waits[3] == 3,
	   "one more: attempts wait for slots 1 s apart (%lld %lld %lld %lld)", waits[0], waits[1], waits[2], waits[3]);
	for (int i = 0; i < 8; i++) {
		char name[32];
		snprintf(name, sizeof name, "guess-y%d", i);
		people_login(db, name, "Wrong-pass-1", ip, NULL, &s, &e);
	}
	tp_set_now(t4 + 100);
	long long w1, w2, w3;
	people_login_wait(db, ip, &w1);
	people_login_wait(db, ip, &w2);
	people_login_wait(db, ip, &w3);
	ok(w1 == 0 && w2 == PEOPLE_ADDR_MAX_DELAY && w3 == PEOPLE_ADDR_MAX_DELAY,
	   "the step grows, a wait never exceeds %d s (%lld %lld %lld)", PEOPLE_ADDR_MAX_DELAY, w1, w2, w3);
	ok(people_login(db, "jn.zhang", TP_PASSWORD, ip, NULL, &s, &e) == 0,
	   "the right password of an unlocked account is never refused because of the address");
	tp_set_now(t4 + 100 + PEOPLE_LOCK_SECONDS);
	ok(people_login_wait(db, ip, &w) == 0 && w == 0, "after the window the address waits no more");
	is_int(last_login_rows(db, "throttled"), 0, "no address refusals");

	/* IPv6: counted by /64, so rotating addresses inside it does not help */
	long long t6 = t0 + 50000;
	for (int i = 0; i <= PEOPLE_ADDR_FREE_FAILS; i++) {
		char v6[64];
		snprintf(v6, sizeof v6, "2001:db8:1:2::%x", i + 1);
		tp_set_now(t6 + i);
		people_login(db, "guess-v6", "Wrong-pass-1", v6, NULL, &s, &e);
	}
	people_login_wait(db, "2001:db8:1:2:ffff::1", &w1);
	people_login_wait(db, "2001:db8:1:2:abcd::9", &w2);
	people_login_wait(db, "2001:db8:1:3::1", &w3);
	ok(w1 == 0 && w2 == 1 && w3 == 0, "an IPv6 /64 is slowed as one address, the next /64 not (%lld %lld %lld)",
	   w1, w2, w3);
	is_int(tp_count(db, "SELECT COUNT(*) FROM login_throttle WHERE ip = '2001:db8:1:2::/64'"), 1,
	       "listed as its /64");

	/* the same answer for unknown, wrong and locked (timing aside) */
	long long t5 = t0 + 60000;
	tp_set_now(t5);
	struct actor admin = tp_actor(db, t->admin);
	struct answer unknown = try_login(db, "nobody.here", "Wrong-pass-1", "10.9.0.1");
	struct answer wrong = try_login(db, "jn.zhang", "Wrong-pass-1", "10.9.0.1");
	ok(people_user_lock(db, &admin, t->reviewer, true, &e) == 0, "admin locks the reviewer");
	struct answer admin_locked_right = try_login(db, "shenhe", TP_PASSWORD, "10.9.0.1");
	struct answer admin_locked_wrong = try_login(db, "shenhe", "Wrong-pass-1", "10.9.0.1");
	ok(people_user_lock(db, &admin, t->reviewer, false, &e) == 0, "and unlocks");
	for (int i = 0; i < 5; i++)
		try_login(db, "aq.ma", "Wrong-pass-1", "10.9.0.2");
	struct answer temp_locked = try_login(db, "aq.ma", TP_PASSWORD, "10.9.0.1");
	ok(unknown.rc < 0 && unknown.kind == ERR_UNAUTH && str_eq(unknown.msg, PEOPLE_LOGIN_FAILED),
	   "unknown name: 401 with the neutral message");
	ok(same_answer(unknown, wrong), "wrong password answers like an unknown name");
	ok(same_answer(unknown, admin_locked_right), "account locked by the administrator, right password: same answer");
	ok(same_answer(unknown, admin_locked_wrong), "account locked by the administrator, wrong password: same answer");
	ok(same_answer(unknown, temp_locked), "temporarily locked account, right password: same answer");
}

/* 16 concurrent wrong logins for one account, each on its own connection:
 * at most PEOPLE_MAX_FAILS passwords are checked. */
struct burst_arg {
	const char *url;
	int rc;
	pthread_barrier_t *go;
};

static void *burst_one(void *p)
{
	struct burst_arg *a = p;
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(a->url, &err);
	buf_release(&err);
	a->rc = 99;
	pthread_barrier_wait(a->go);
	if (!db)
		return NULL;
	struct session_out s;
	struct err e = ERR_INIT;
	a->rc = people_login(db, "fg.head", "Wrong-pass-1", "10.8.0.1", NULL, &s, &e) < 0 ? e.kind : 0;
	db_close(db);
	return NULL;
}

static void test_concurrent_burst(struct db *db)
{
	enum { N = 16 };
	pthread_t th[N];
	struct burst_arg args[N];
	pthread_barrier_t go;
	tp_set_now(TP_NOW + 300000);
	pthread_barrier_init(&go, NULL, N);
	for (int i = 0; i < N; i++) {
		args[i] = (struct burst_arg){ testdb_last_url(), 0, &go };
		pthread_create(&th[i], NULL, burst_one, &args[i]);
	}
	int refused = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		refused += args[i].rc == ERR_UNAUTH;
	}
	pthread_barrier_destroy(&go);
	is_int(refused, N, "all 16 concurrent wrong logins refused");
	long long checked = user_login_rows(db, "fg.head", "fail");
	ok(checked >= 1 && checked <= PEOPLE_MAX_FAILS, "at most %d passwords checked (%lld)", PEOPLE_MAX_FAILS, checked);
	is_int(checked + user_login_rows(db, "fg.head", "locked"), N, "every attempt logged");
	struct session_out s;
	struct err e = ERR_INIT;
	ok(people_login(db, "fg.head", TP_PASSWORD, "10.8.0.2", NULL, &s, &e) < 0, "then the right password is refused too");
}

static void test_admin_and_password(struct db *db, struct tp_tree *t)
{
	struct session_out s, s2;
	struct err e = ERR_INIT;
	struct actor admin = tp_actor(db, t->admin), a;
	char csrf[65];
	tp_set_now(TP_NOW + 400000);
	ok(people_login(db, "shenhe", TP_PASSWORD, "10.2.0.1", NULL, &s, &e) == 0, "reviewer logs in");
	ok(people_user_lock(db, &admin, t->reviewer, true, &e) == 0, "admin locks reviewer");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) < 0, "locking ends the session");
	ok(people_login(db, "shenhe", TP_PASSWORD, "10.2.0.1", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH &&
	   str_eq(e.msg, PEOPLE_LOGIN_FAILED), "locked account refused with the neutral answer");
	ok(db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE username = 'shenhe' AND result = 'locked'"
			 " AND reason LIKE '%管理员%'", (const struct db_val[]){ DB_END }) >= 1,
	   "the login log says the administrator locked it");
	ok(people_user_lock(db, &admin, t->reviewer, false, &e) == 0, "admin unlocks");

	/* admin-created account: forced change at first login */
	struct user_input in = { t->aqc, "aq.new", "新同志", "", ROLE_OFFICER, SCOPE_OWN, "First#Pass2026", true };
	long long id;
	ok(people_user_create(db, &admin, &in, &id, &e) == 0, "admin creates an account");
	ok(people_login(db, "aq.new", "First#Pass2026", "10.2.0.2", NULL, &s, &e) == 0 && s.must_change,
	   "first login says must_change");
	ok(people_login(db, "aq.new", "First#Pass2026", "10.2.0.3", NULL, &s2, &e) == 0, "second session");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "session usable");
	ok(people_change_password(db, &a, s.token, "wrong-old", "Second#Pass2026", &e) < 0 &&
	   str_eq(e.field, "old_password"), "wrong old password refused");
	ok(people_change_password(db, &a, s.token, "First#Pass2026", "First#Pass2026", &e) < 0 &&
	   str_eq(e.field, "new_password"), "same new password refused");
	ok(people_change_password(db, &a, s.token, "First#Pass2026", "weak", &e) < 0 &&
	   str_eq(e.field, "new_password"), "weak new password refused, field new_password");
	ok(people_change_password(db, &a, s.token, "First#Pass2026", "Second#Pass2026", &e) == 0, "password changed");
	ok(!people_user_must_change(db, id), "must_change cleared");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "current session kept");
	ok(people_session_lookup(db, s2.token, 0, &a, csrf) < 0, "other sessions ended");
	ok(people_login(db, "aq.new", "First#Pass2026", "10.2.0.2", NULL, &s, &e) < 0, "old password no longer works");
	ok(people_login(db, "aq.new", "Second#Pass2026", "10.2.0.2", NULL, &s, &e) == 0 && !s.must_change,
	   "new password works");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE action = 'user.password_change'"), 1, "change logged");
	is_int(tp_count(db, "SELECT COUNT(*) FROM login_log WHERE result = 'password' AND username = 'aq.new'"), 1,
	       "wrong old password logged in the login log");
}

/* The last PASSWORD_HISTORY passwords may not be chosen again. */
static void test_password_history(struct db *db, struct tp_tree *t)
{
	struct session_out s;
	struct err e = ERR_INIT;
	struct actor a;
	char csrf[65];
	tp_set_now(TP_NOW + 800000);
	ok(people_login(db, "jn1.wang", TP_PASSWORD, "10.4.0.1", NULL, &s, &e) == 0, "jn1.wang logs in");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "session");
	const char *pws[] = { TP_PASSWORD, "Hist#Pass2026a", "Hist#Pass2026b", "Hist#Pass2026c", "Hist#Pass2026d",
			      "Hist#Pass2026e" };
	for (int i = 1; i < 6; i++)
		ok(people_change_password(db, &a, s.token, pws[i - 1], pws[i], &e) == 0, "change %d", i);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM password_history WHERE user_id = ?",
			     (const struct db_val[]){ DB_INT(t->jn1_officer), DB_END }), PASSWORD_HISTORY,
	       "only the last %d hashes are kept", PASSWORD_HISTORY);
	for (int i = 1; i < 5; i++) {
		ok(people_change_password(db, &a, s.token, pws[5], pws[i], &e) < 0 && str_eq(e.field, "new_password") &&
		   strstr(e.msg, "最近 5 次"), "password %d of the last five refused", i);
	}
	ok(people_change_password(db, &a, s.token, pws[5], pws[0], &e) == 0,
	   "the sixth-last password may be chosen again");
	ok(people_change_password(db, &a, s.token, pws[0], pws[5], &e) < 0 && strstr(e.msg, "最近 5 次"),
	   "but not the one just replaced");
	ok(people_change_password(db, &a, s.token, pws[0], pws[1], &e) == 0, "the one that dropped out may");
	is_int(tp_count(db, "SELECT COUNT(*) FROM password_history WHERE password_hash NOT LIKE '$argon2id$%'"), 0,
	       "the history holds argon2id hashes only");
}

/* Guessing the old password through the change form of a held session is
 * limited by the account lockout. */
static void test_change_password_lockout(struct db *db, struct tp_tree *t)
{
	struct session_out s, s2;
	struct err e = ERR_INIT;
	struct actor a, a2;
	char csrf[65];
	long long t0 = TP_NOW + 600000;
	tp_set_now(t0);
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.1", NULL, &s, &e) == 0, "jn.head logs in");
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.2", NULL, &s2, &e) == 0, "second session");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "session usable");
	snprintf(a.ip, sizeof a.ip, "10.3.0.1");
	long long before = tp_count(db, "SELECT COUNT(*) FROM login_log WHERE username = 'jn.head'");
	for (int i = 0; i < 4; i++) {
		tp_set_now(t0 + 10 + i);
		people_change_password(db, &a, s.token, "Guess#Pass2026", "Another#Pass2026", &e);
		if (i == 0)
			ok(strstr(e.msg, "4") != NULL, "first wrong old password says how many tries remain");
	}
	ok(e.kind == ERR_INVALID && str_eq(e.field, "old_password"), "4th wrong old password: still only refused");
	ok(people_session_lookup(db, s.token, 0, &a2, csrf) == 0, "sessions alive before the lock");
	tp_set_now(t0 + 20);
	ok(people_change_password(db, &a, s.token, "Guess#Pass2026", "Another#Pass2026", &e) < 0 &&
	   e.kind == ERR_LOCKED, "5th wrong old password locks the account");
	char when[20], utc[21];
	time_unix_to_utc(t0 + 20 + PEOPLE_LOCK_SECONDS, utc);
	time_utc_to_shanghai(utc, when);
	ok(strstr(e.msg, when) != NULL, "lock message names the Beijing time to retry (%s)", when);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE username = 'jn.head' AND result = 'password'"
			     " AND ip = ?", (const struct db_val[]){ DB_TEXT("10.3.0.1"), DB_END }), 4,
	       "each wrong old password logged with the address");
	is_int(tp_count(db, "SELECT COUNT(*) FROM login_log WHERE username = 'jn.head'") - before, 5,
	       "every attempt logged");
	ok(people_session_lookup(db, s.token, 0, &a2, csrf) < 0, "current session ended by the lock");
	ok(people_session_lookup(db, s2.token, 0, &a2, csrf) < 0, "other session ended by the lock");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM sessions WHERE user_id = ?",
			     (const struct db_val[]){ DB_INT(t->jn_head), DB_END }), 0, "no sessions left");
	tp_set_now(t0 + 30);
	ok(people_change_password(db, &a, NULL, TP_PASSWORD, "Another#Pass2026", &e) < 0 && e.kind == ERR_LOCKED,
	   "during the lock even the right old password is refused");
	ok(strstr(e.msg, when) != NULL, "refusal names the retry time");
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.9", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "login refused during the lock");
	is_int(tp_count(db, "SELECT COUNT(*) FROM login_log WHERE username = 'jn.head' AND result = 'locked'"), 3, "lock and refusals logged as locked");
	tp_set_now(t0 + 20 + PEOPLE_LOCK_SECONDS);
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.1", NULL, &s, &e) == 0, "login works after the lock");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "new session");

	/* wrong old passwords and failed logins share one counter */
	for (int i = 0; i < 3; i++)
		people_change_password(db, &a, s.token, "Guess#Pass2026", "Another#Pass2026", &e);
	people_login(db, "jn.head", "Wrong-pass-1", "10.3.0.5", NULL, &s2, &e);
	ok(e.kind == ERR_UNAUTH, "4th failure (a login) not yet locked");
	ok(people_change_password(db, &a, s.token, "Guess#Pass2026", "Another#Pass2026", &e) < 0 &&
	   e.kind == ERR_LOCKED, "5th failure (change form) locks");

	/* a successful change clears the counter */
	tp_set_now(t0 + 5000);
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.1", NULL, &s, &e) == 0, "login after second lock");
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "session");
	for (int i = 0; i < 4; i++)
		people_change_password(db, &a, s.token, "Guess#Pass2026", "Another#Pass2026", &e);
	ok(people_change_password(db, &a, s.token, TP_PASSWORD, "Another#Pass2026", &e) == 0,
	   "right old password after 4 failures changes it");
	ok(people_change_password(db, &a, s.token, "Guess#Pass2026", "Third#Pass2026", &e) < 0 &&
	   e.kind == ERR_INVALID, "next wrong old password starts a new count");
	ok(people_session_lookup(db, s.token, 0, &a2, csrf) == 0, "session kept");
}

int main(void)
{
	struct db *db = tp_open();
	test_policy();
	test_hash();
	struct tp_tree t;
	tp_make_tree(db, &t);
	test_login(db, &t);
	test_lockout(db, &t);
	test_admin_and_password(db, &t);
	test_change_password_lockout(db, &t);
	test_concurrent_burst(db);
	test_password_history(db, &t);
	db_close(db);
	return tap_done();
}
