/*
 * cmd_user.c - the 'user' command: manage accounts from the server's
 * console, acting as the system actor "cli" (every change is in the
 * operation log under that name).
 *
 *   zhifa user add USERNAME --name 姓名 --unit UNIT_CODE --roles officer[,head...]
 *                  [--scope own|subtree|all] [--title 职务] [--no-must-change]
 *                  [--password-stdin] --data DIR [--db URL]
 *   zhifa user passwd USERNAME [--no-must-change] [--password-stdin] --data DIR [--db URL]
 *   zhifa user lock USERNAME --data DIR [--db URL]
 *   zhifa user unlock USERNAME --data DIR [--db URL]
 *   zhifa user list --data DIR [--db URL]
 *
 * The database is --db URL, else $ZHIFA_DB, else DIR/zhifa.db; it is
 * migrated before use.  The password is read from standard input (one
 * line) when it is not a terminal or with --password-stdin; on a terminal
 * it is asked twice without echo.  It is never taken from the command line
 * (it would show in the process list).  New accounts and reset passwords
 * must be changed at first login unless --no-must-change.
 * Exit: 0 ok, 1 failure (Chinese message on stderr), 2 usage error.
 */
#include "core/core.h"
#include <termios.h>
#include <unistd.h>
#include "cli/cli.h"
#include "store/db.h"
#include "people/people.h"
#include "people/actor.h"

#define USER_USAGE \
	"用法:\n" \
	"  zhifa user add 用户名 --name 姓名 --unit 单位代码 --roles 角色[,角色] [--scope own|subtree|all]\n" \
	"                 [--title 职务] [--no-must-change] [--password-stdin] --data DIR [--db URL]\n" \
	"  zhifa user passwd 用户名 [--no-must-change] [--password-stdin] --data DIR [--db URL]\n" \
	"  zhifa user lock 用户名 --data DIR [--db URL]\n" \
	"  zhifa user unlock 用户名 --data DIR [--db URL]\n" \
	"  zhifa user list --data DIR [--db URL]\n" \
	"角色: officer head reviewer leader archivist admin supervisor\n"

struct user_opts {
	const char *sub, *username, *name, *unit, *roles, *scope, *title, *data, *db;
	bool no_must_change, password_stdin;
};

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "zhifa user: %s\n", why);
	fputs(USER_USAGE, stderr);
	return EXIT_USAGE;
}

static int parse_opts(int argc, char **argv, struct user_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--name") == 0) slot = &o->name;
		else if (strcmp(a, "--unit") == 0) slot = &o->unit;
		else if (strcmp(a, "--roles") == 0 || strcmp(a, "--role") == 0) slot = &o->roles;
		else if (strcmp(a, "--scope") == 0) slot = &o->scope;
		else if (strcmp(a, "--title") == 0) slot = &o->title;
		else if (strcmp(a, "--data") == 0) slot = &o->data;
		else if (strcmp(a, "--db") == 0) slot = &o->db;
		else if (strcmp(a, "--no-must-change") == 0) { o->no_must_change = true; continue; }
		else if (strcmp(a, "--password-stdin") == 0) { o->password_stdin = true; continue; }
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(USER_USAGE, stdout); return 1; }
		else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "zhifa user: 未知选项 %s\n", a);
			return usage(NULL);
		} else if (!o->sub) { o->sub = a; continue; }
		else if (!o->username) { o->username = a; continue; }
		else {
			fprintf(stderr, "zhifa user: 多余的参数 %s\n", a);
			return usage(NULL);
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "zhifa user: 选项 %s 缺少值\n", a);
			return usage(NULL);
		}
		*slot = argv[++i];
	}
	if (!o->sub)
		return usage("缺少子命令");
	return 0;
}

static struct db *open_db(const struct user_opts *o)
{
	char *url = NULL;
	if (o->db)
		url = xstrdup(o->db);
	else if (!str_empty(getenv("ZHIFA_DB")))
		url = xstrdup(getenv("ZHIFA_DB"));
	else if (o->data)
		url = xasprintf("%s/zhifa.db", o->data);
	else {
		usage("请用 --data DIR 或 --db URL 指定数据库");
		return NULL;
	}
	struct buf err;
	buf_init(&err, 0);
	struct db *db = db_open(url, &err);
	if (!db)
		fprintf(stderr, "zhifa user: 无法打开数据库: %s\n", buf_str(&err));
	else if (db_migrate(db, &err) < 0) {
		fprintf(stderr, "zhifa user: %s\n", buf_str(&err));
		db_close(db);
		db = NULL;
	}
	buf_release(&err);
	free(url);
	return db;
}

/* Read one line into out (without the newline); -1 at end of input. */
static int read_line(FILE *f, char *out, size_t n)
{
	if (!fgets(out, (int)n, f))
		return -1;
	size_t len = strlen(out);
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 0;
}

static int prompt_noecho(const char *prompt, char *out, size_t n)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = read_line(stdin, out, n);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputs("\n", stderr);
	}
	return rc;
}

static int get_password(const struct user_opts *o, char *out, size_t n)
{
	if (o->password_stdin || !isatty(STDIN_FILENO)) {
		if (read_line(stdin, out, n) < 0 || !out[0]) {
			fprintf(stderr, "zhifa user: 没有从标准输入读到密码\n");
			return -1;
		}
		return 0;
	}
	char again[256];
	if (prompt_noecho("新密码: ", out, n) < 0 || prompt_noecho("再次输入新密码: ", again, sizeof again) < 0)
		return -1;
	int same = strcmp(out, again) == 0;
	memset(again, 0, sizeof again);
	if (!same) {
		fprintf(stderr, "zhifa user: 两次输入的密码不一致\n");
		return -1;
	}
	return 0;
}

static int fail(const struct err *e)
{
	if (e->field[0])
		fprintf(stderr, "zhifa user: %s(%s)\n", e->msg, e->field);
	else
		fprintf(stderr, "zhifa user: %s\n", e->msg);
	return EXIT_FAIL;
}

static long long need_user(struct db *db, const char *username)
{
	long long id = people_user_by_username(db, username);
	if (!id)
		fprintf(stderr, "zhifa user: 用户“%s”不存在\n", username);
	return id;
}

static int do_add(struct db *db, const struct actor *sys, const struct user_opts *o)
{
	if (!o->name || !o->unit || !o->roles)
		return usage("add 需要 --name、--unit 和 --roles");
	struct user_input in = { .username = o->username, .name = o->name, .title = o->title,
				 .must_change = !o->no_must_change };
	in.unit_id = people_unit_by_code(db, o->unit);
	if (!in.unit_id) {
		fprintf(stderr, "zhifa user: 单位代码“%s”不存在\n", o->unit);
		return EXIT_FAIL;
	}
	in.roles = roles_parse_list(o->roles);
	if (!in.roles) {
		fprintf(stderr, "zhifa user: 角色“%s”无效\n", o->roles);
		return EXIT_USAGE;
	}
	in.scope = SCOPE_OWN;
	if (o->scope) {
		if (strcmp(o->scope, "own") == 0) in.scope = SCOPE_OWN;
		else if (strcmp(o->scope, "subtree") == 0) in.scope = SCOPE_SUBTREE;
		else if (strcmp(o->scope, "all") == 0) in.scope = SCOPE_ALL;
		else return usage("--scope 应为 own、subtree 或 all");
	}
	char pw[256];
	if (get_password(o, pw, sizeof pw) < 0)
		return EXIT_FAIL;
	in.password = pw;
	struct err e = ERR_INIT;
	long long id;
	int rc = people_user_create(db, sys, &in, &id, &e);
	memset(pw, 0, sizeof pw);
	if (rc < 0)
		return fail(&e);
	printf("已创建用户 %s(编号 %lld)%s\n", o->username, id, in.must_change ? ",首次登录须修改密码" : "");
	return EXIT_OK;
}

static int do_passwd(struct db *db, const struct actor *sys, const struct user_opts *o)
{
	long long id = need_user(db, o->username);
	if (!id)
		return EXIT_FAIL;
	char pw[256];
	if (get_password(o, pw, sizeof pw) < 0)
		return EXIT_FAIL;
	struct err e = ERR_INIT;
	int rc = people_user_set_password(db, sys, id, pw, !o->no_must_change, &e);
	memset(pw, 0, sizeof pw);
	if (rc < 0)
		return fail(&e);
	printf("已为 %s 设置新密码%s\n", o->username, o->no_must_change ? "" : ",下次登录须修改密码");
	return EXIT_OK;
}

static int do_lock(struct db *db, const struct actor *sys, const struct user_opts *o, bool lock)
{
	long long id = need_user(db, o->username);
	if (!id)
		return EXIT_FAIL;
	struct err e = ERR_INIT;
	if (people_user_lock(db, sys, id, lock, &e) < 0)
		return fail(&e);
	printf("已%s用户 %s\n", lock ? "锁定" : "解锁", o->username);
	return EXIT_OK;
}

static int do_list(struct db *db, const struct actor *sys)
{
	json_t *arr;
	struct err e = ERR_INIT;
	if (people_user_list(db, sys, 0, &arr, &e) < 0)
		return fail(&e);
	printf("%-16s %-10s %-24s %-28s %s\n", "用户名", "姓名", "单位", "角色", "状态");
	size_t i;
	json_t *u;
	json_array_foreach(arr, i, u) {
		const char *state = json_is_true(json_object_get(u, "locked")) ||
					    json_is_true(json_object_get(u, "temp_locked")) ? "已锁定"
				  : json_is_true(json_object_get(u, "must_change")) ? "待改密" : "正常";
		printf("%-16s %-10s %-24s %-28s %s\n", json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "name")), json_string_value(json_object_get(u, "unit_name")),
		       json_string_value(json_object_get(u, "role_labels")), state);
	}
	json_decref(arr);
	return EXIT_OK;
}

int cmd_user(int argc, char **argv)
{
	struct user_opts o;
	int p = parse_opts(argc, argv, &o);
	if (p == 1)
		return EXIT_OK;
	if (p)
		return p;
	bool list = strcmp(o.sub, "list") == 0;
	if (!list && strcmp(o.sub, "add") && strcmp(o.sub, "passwd") && strcmp(o.sub, "lock") && strcmp(o.sub, "unlock")) {
		fprintf(stderr, "zhifa user: 未知子命令 %s\n", o.sub);
		return usage(NULL);
	}
	if (!list && !o.username)
		return usage("缺少用户名");
	struct db *db = open_db(&o);
	if (!db)
		return EXIT_FAIL;
	struct actor sys;
	actor_system(&sys, "cli");
	int rc;
	if (list)
		rc = do_list(db, &sys);
	else if (strcmp(o.sub, "add") == 0)
		rc = do_add(db, &sys, &o);
	else if (strcmp(o.sub, "passwd") == 0)
		rc = do_passwd(db, &sys, &o);
	else
		rc = do_lock(db, &sys, &o, strcmp(o.sub, "lock") == 0);
	db_close(db);
	return rc;
}
