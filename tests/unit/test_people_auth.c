/*
 * Tests of passwords and login (src/people/password.c, auth.c): policy
 * cases, argon2id hashing and verification, login and the login log,
 * lockout after 5 failures per account and per client address (fake clock
 * ZHIFA_FAKE_NOW), admin lock, sessions (token stored hashed, CSRF token,
 * idle timeout, absolute lifetime, touch at most once a minute), logout and
 * changing one's own password.
 */
#include "test_people_util.h"
#include "people/password.h"
#include "people/auth.h"

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

	/* touch at most once a minute */
	tp_set_now(TP_NOW + 30);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "lookup after 30 s");
	char want[21];
	time_unix_to_utc(TP_NOW, want);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM sessions WHERE last_seen_at = ?",
			     (const struct db_val[]){ DB_TEXT(want), DB_END }), 1, "last_seen not touched within a minute");
	tp_set_now(TP_NOW + 1700);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) == 0, "lookup after 28 min: still alive");
	time_unix_to_utc(TP_NOW + 1700, want);
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM sessions WHERE last_seen_at = ?",
			     (const struct db_val[]){ DB_TEXT(want), DB_END }), 1, "last_seen touched");
	tp_set_now(TP_NOW + 1700 + 1801);
	ok(people_session_lookup(db, s.token, 0, &a, csrf) < 0, "idle over 30 minutes: session ended");
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
	is_str(e.msg, "用户名或密码错误", "generic message");
	ok(people_login(db, "ghost", "Wrong-pass-1", "10.1.1.2", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "unknown user refused with the same kind");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM login_log WHERE result = 'fail' AND user_id IS NULL"
			     " AND username = ?", (const struct db_val[]){ DB_TEXT("ghost"), DB_END }), 1,
	       "unknown name logged as typed");
	ok(people_login(db, "", "x", "10.1.1.2", NULL, &s, &e) < 0 && str_eq(e.field, "username"), "empty username");
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
	ok(e.kind == ERR_LOCKED && strstr(e.msg, "后再试"), "5th failure locks the account, says when to retry");
	tp_set_now(t0 + 60);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) < 0 && e.kind == ERR_LOCKED,
	   "6th attempt refused even with the right password");
	char when[20], utc[21];
	time_unix_to_utc(t0 + 40 + 900, utc);
	time_utc_to_shanghai(utc, when);
	ok(strstr(e.msg, when) != NULL, "message names the Beijing time to retry (%s)", when);
	ok(last_login_rows(db, "locked") >= 1, "refusal logged as locked");
	tp_set_now(t0 + 40 + 899);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) < 0, "still locked at 14:59");
	tp_set_now(t0 + 40 + 900);
	ok(people_login(db, "aq.ma", TP_PASSWORD, "192.168.0.9", NULL, &s, &e) == 0, "unlocked after 15 minutes");

	/* failures spread over more than the window do not lock */
	long long t2 = t0 + 5000;
	for (int i = 0; i < 6; i++) {
		tp_set_now(t2 + i * 400); /* 5 fails span 1600 s > 900 s */
		people_login(db, "aq.head", "Wrong-pass-1", "172.16.0.1", NULL, &s, &e);
	}
	tp_set_now(t2 + 2401);
	ok(people_login(db, "aq.head", TP_PASSWORD, "172.16.0.1", NULL, &s, &e) == 0,
	   "failures spread beyond 15 minutes do not lock");

	/* per address: 5 failures with different unknown names from one address */
	long long t3 = t0 + 20000;
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "guess%d", i);
		tp_set_now(t3 + i);
		people_login(db, name, "Wrong-pass-1", "203.0.113.7", NULL, &s, &e);
	}
	ok(e.kind == ERR_TOOMANY, "5th failure from one address throttles it");
	tp_set_now(t3 + 10);
	ok(people_login(db, "jn.head", TP_PASSWORD, "203.0.113.7", NULL, &s, &e) < 0 && e.kind == ERR_TOOMANY,
	   "right password of another account refused from that address");
	ok(strstr(e.msg, "后再试") != NULL, "address message says when to retry");
	ok(people_login(db, "jn.head", TP_PASSWORD, "203.0.113.8", NULL, &s, &e) == 0, "other address not affected");
	is_int(last_login_rows(db, "throttled"), 1, "throttled attempt logged");
	tp_set_now(t3 + 4 + 900);
	ok(people_login(db, "jn.head", TP_PASSWORD, "203.0.113.7", NULL, &s, &e) == 0, "address free after 15 minutes");
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
	ok(people_login(db, "shenhe", TP_PASSWORD, "10.2.0.1", NULL, &s, &e) < 0 && e.kind == ERR_LOCKED &&
	   strstr(e.msg, "管理员"), "locked account refused");
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
	ok(people_login(db, "jn.head", TP_PASSWORD, "10.3.0.9", NULL, &s, &e) < 0 && e.kind == ERR_LOCKED,
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
	db_close(db);
	return tap_done();
}
