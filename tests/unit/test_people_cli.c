/*
 * Tests of the 'zhifa user' command (src/cli/cmd_user.c), run as a child
 * process: ./build/asan/zhifa (or $ZHIFA_BIN) user add|passwd|lock|unlock|
 * list against the test database (--db URL: SQLite, or the PostgreSQL test
 * database when ZHIFA_TEST_DB is set).  Passwords go through stdin.
 */
#include "test_people_util.h"
#include "people/auth.h"
#include <sys/wait.h>

static const char *bin(void)
{
	const char *b = getenv("ZHIFA_BIN");
	return b && *b ? b : "./build/asan/zhifa";
}

/* Run "printf INPUT | zhifa user ARGS --db URL", capture stdout+stderr. */
static int run(const char *input, const char *args, char *out, size_t n)
{
	char *cmd = xasprintf("printf '%%s\\n' '%s' | %s user %s --db '%s' 2>&1", input, bin(), args, testdb_last_url());
	FILE *p = popen(cmd, "r");
	free(cmd);
	if (!p)
		return -1;
	size_t got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
	if (access(bin(), X_OK) != 0) {
		printf("1..0 # SKIP %s not built\n", bin());
		return 0;
	}
	struct db *db = tp_open();
	struct actor sys;
	actor_system(&sys, "test");
	tp_unit(db, &sys, 0, "jnc", "节能与综合利用处", true, false);
	char out[8192];
	struct session_out s;
	struct err e = ERR_INIT;

	int rc = run("Abcdef#12345", "add zhang --name 张三 --unit jnc --roles officer,head --title 科长", out, sizeof out);
	is_int(rc, 0, "user add exits 0");
	ok(strstr(out, "已创建用户 zhang") != NULL, "user add reports in Chinese");
	ok(people_login(db, "zhang", "Abcdef#12345", "10.0.0.5", NULL, &s, &e) == 0 && s.must_change,
	   "the new account logs in and must change the password");
	struct actor a = tp_actor(db, people_user_by_username(db, "zhang"));
	is_int(a.roles, ROLE_OFFICER | ROLE_HEAD, "roles saved");

	rc = run("short", "add li --name 李四 --unit jnc --roles officer", out, sizeof out);
	is_int(rc, 1, "weak password: exit 1");
	ok(strstr(out, "密码长度至少 10 位") != NULL, "policy message shown");
	rc = run("Abcdef#12345", "add li --name 李四 --unit nosuch --roles officer", out, sizeof out);
	ok(rc == 1 && strstr(out, "单位代码") != NULL, "unknown unit code refused");
	rc = run("Abcdef#12345", "add li --name 李四 --unit jnc --roles boss", out, sizeof out);
	is_int(rc, 2, "unknown role: usage error");
	rc = run("", "frobnicate zhang", out, sizeof out);
	is_int(rc, 2, "unknown subcommand: exit 2");

	rc = run("", "lock zhang", out, sizeof out);
	is_int(rc, 0, "user lock exits 0");
	ok(people_login(db, "zhang", "Abcdef#12345", "10.0.0.5", NULL, &s, &e) < 0 && e.kind == ERR_UNAUTH,
	   "locked account cannot log in");
	rc = run("", "unlock zhang", out, sizeof out);
	is_int(rc, 0, "user unlock exits 0");
	rc = run("Newpass#2026", "passwd zhang --no-must-change", out, sizeof out);
	is_int(rc, 0, "user passwd exits 0");
	ok(people_login(db, "zhang", "Newpass#2026", "10.0.0.5", NULL, &s, &e) == 0 && !s.must_change,
	   "new password works without forced change");
	rc = run("", "passwd nobody", out, sizeof out);
	ok(rc == 1 && strstr(out, "不存在") != NULL, "unknown user refused");

	rc = run("", "list", out, sizeof out);
	ok(rc == 0 && strstr(out, "zhang") && strstr(out, "张三") && strstr(out, "处室负责人"), "user list shows the account");
	ok(!strstr(out, "argon2"), "list shows no hash");
	ok(!strstr(out, "已锁定"), "nobody locked yet");
	for (int i = 0; i < 5; i++)
		people_login(db, "zhang", "Wrong#Pass2026", "10.0.0.6", NULL, &s, &e);
	rc = run("", "list", out, sizeof out);
	ok(rc == 0 && strstr(out, "已锁定"), "after five wrong passwords the list shows the account as 已锁定");
	rc = run("", "unlock zhang", out, sizeof out);
	ok(rc == 0 && people_login(db, "zhang", "Newpass#2026", "10.0.0.5", NULL, &s, &e) == 0,
	   "user unlock ends the lock");
	is_int(tp_count(db, "SELECT COUNT(*) FROM op_log WHERE username = 'cli'"), 5,
	       "CLI changes logged under 'cli' (add, lock, unlock, passwd, unlock)");
	db_close(db);
	return tap_done();
}
