/*
 * cmd_calendar.c - the 'calendar' command: due dates, working-day checks,
 * the loaded years, and importing a year's holiday arrangement.
 *
 *   zhifa calendar due START N [--calendar-days] [--strict] [--data DIR] [--db URL]
 *   zhifa calendar is-workday DATE [--strict] [--data DIR] [--db URL]
 *   zhifa calendar years [--data DIR] [--db URL]
 *   zhifa calendar import FILE [--replace] --source NOTICE --data DIR [--db URL] [--by USERNAME]
 *
 * Without --data/--db, due, is-workday and years use the embedded years;
 * with them, the calendar stored in that database (embedded + imported).
 * The database is --db URL, else $ZHIFA_DB, else DIR/zhifa.db; it is
 * migrated before use.  Exit: 0 ok, 1 failure (Chinese message on stderr),
 * 2 usage error.
 *
 * When due or is-workday needs a year whose notice is not loaded, the
 * answer is provisional (statutory holidays only, see calendar/statutory.h):
 * it is printed as usual, a warning "暂定：…" goes to stderr, and the exit
 * status is 0; --strict refuses instead (exit 1), as before.
 */
#include "core/core.h"
#include "cli/cli.h"
#include "calendar/calendar.h"
#include "calendar/deadline.h"
#include "store/db.h"
#include <sys/stat.h>

#define CAL_USAGE \
	"用法:\n" \
	"  zhifa calendar due START N [--calendar-days] [--strict] [--data DIR] [--db URL]\n" \
	"  zhifa calendar is-workday DATE [--strict] [--data DIR] [--db URL]\n" \
	"  zhifa calendar years [--data DIR] [--db URL]\n" \
	"  zhifa calendar import FILE [--replace] --source 通知名称 --data DIR [--db URL] [--by 用户名]\n"

struct cal_opts {
	const char *pos[5];
	int npos;
	const char *data, *db, *source, *by;
	bool calendar_days, replace, strict;
};

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "zhifa calendar: %s\n", why);
	fputs(CAL_USAGE, stderr);
	return EXIT_USAGE;
}

/* 0 ok, -1 usage error (already reported). */
static int parse_opts(int argc, char **argv, struct cal_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--calendar-days") == 0) {
			o->calendar_days = true;
			continue;
		}
		if (strcmp(a, "--replace") == 0) {
			o->replace = true;
			continue;
		}
		if (strcmp(a, "--strict") == 0) {
			o->strict = true;
			continue;
		}
		if (strcmp(a, "--data") == 0)
			slot = &o->data;
		else if (strcmp(a, "--db") == 0)
			slot = &o->db;
		else if (strcmp(a, "--source") == 0)
			slot = &o->source;
		else if (strcmp(a, "--by") == 0)
			slot = &o->by;
		if (slot) {
			if (i + 1 >= argc) {
				fprintf(stderr, "zhifa calendar: 选项 %s 缺少取值\n", a);
				return -1;
			}
			*slot = argv[++i];
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "zhifa calendar: 未知选项 %s\n", a);
			return -1;
		}
		if (o->npos >= (int)ARRAY_SIZE(o->pos)) {
			fprintf(stderr, "zhifa calendar: 多余的参数 %s\n", a);
			return -1;
		}
		o->pos[o->npos++] = a;
	}
	return 0;
}

/* Open and migrate the database of the options; NULL after a message. */
static struct db *open_db(const struct cal_opts *o)
{
	const char *url = o->db ? o->db : getenv("ZHIFA_DB");
	char *path = NULL;
	if (str_empty(url)) {
		struct stat st;
		if (!o->data || stat(o->data, &st) < 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "zhifa calendar: 数据目录“%s”不存在\n", o->data ? o->data : "");
			return NULL;
		}
		path = xasprintf("%s/zhifa.db", o->data);
		url = path;
	}
	struct buf err = BUF_INIT;
	buf_init(&err, 0);
	struct db *db = db_open(url, &err);
	if (!db) {
		fprintf(stderr, "zhifa calendar: 无法打开数据库: %s\n", buf_str(&err));
	} else if (db_migrate(db, &err) < 0) {
		fprintf(stderr, "zhifa calendar: 升级数据库结构失败: %s\n", buf_str(&err));
		db_close(db);
		db = NULL;
	}
	buf_release(&err);
	free(path);
	return db;
}

/* The calendar to use: embedded, or that of the database.  Caller unrefs. */
static const struct calendar *get_calendar(const struct cal_opts *o)
{
	struct err e = ERR_INIT;
	if (!o->data && !o->db) {
		const struct calendar *c = calendar_embedded(&e);
		if (!c)
			fprintf(stderr, "zhifa calendar: %s\n", e.msg);
		return c;
	}
	struct db *db = open_db(o);
	if (!db)
		return NULL;
	struct calendar *c = NULL;
	if (calendar_load(db, &c, &e) < 0)
		fprintf(stderr, "zhifa calendar: %s\n", e.msg);
	db_close(db);
	return c;
}

/* The warning of a provisional answer on stderr (nothing otherwise). */
static void warn_provisional(const struct cal_basis *b)
{
	char note[512];
	cal_basis_note(b, note, sizeof(note));
	fflush(stdout); /* the answer first, then the warning */
	if (note[0])
		fprintf(stderr, "zhifa calendar: %s；如需拒绝暂定结果，请加 --strict\n", note);
}

static int run_due(const struct cal_opts *o)
{
	if (o->npos != 3 || o->replace || o->source || o->by)
		return usage("due 需要起算日期和天数: due START N");
	long long n;
	if (str_to_ll(o->pos[2], -1000000, 1000000, &n) < 0)
		return usage("天数 N 必须是整数");
	const struct calendar *c = get_calendar(o);
	if (!c)
		return EXIT_FAIL;
	char out[11];
	struct err e = ERR_INIT;
	struct cal_basis b;
	int rc = calendar_due_str_ex(c, o->pos[1], (int)n, o->calendar_days, o->strict ? CAL_STRICT : 0, out, &b, &e);
	calendar_unref(c);
	if (rc < 0) {
		fprintf(stderr, "zhifa calendar: %s\n", e.msg);
		return EXIT_FAIL;
	}
	printf("%s\n", out);
	warn_provisional(&b);
	return EXIT_OK;
}

static int run_is_workday(const struct cal_opts *o)
{
	if (o->npos != 2 || o->calendar_days || o->replace || o->source || o->by)
		return usage("is-workday 需要一个日期: is-workday DATE");
	int32_t d;
	if (cal_date_parse(o->pos[1], &d) < 0) {
		fprintf(stderr, "zhifa calendar: 日期“%s”不是 YYYY-MM-DD 形式的真实日期\n", o->pos[1]);
		return EXIT_FAIL;
	}
	const struct calendar *c = get_calendar(o);
	if (!c)
		return EXIT_FAIL;
	struct err e = ERR_INIT;
	struct cal_basis b;
	int w = calendar_is_workday_ex(c, d, o->strict ? CAL_STRICT : 0, &b, &e);
	calendar_unref(c);
	if (w < 0) {
		fprintf(stderr, "zhifa calendar: %s\n", e.msg);
		return EXIT_FAIL;
	}
	printf("%s\n", w ? "yes" : "no");
	warn_provisional(&b);
	return EXIT_OK;
}

static int run_years(const struct cal_opts *o)
{
	if (o->npos != 1 || o->strict)
		return usage(NULL);
	const struct calendar *c = get_calendar(o);
	if (!c)
		return EXIT_FAIL;
	for (int y = calendar_first_year(c); y <= calendar_last_year(c); y++)
		if (calendar_year_loaded(c, y))
			printf("%d\t%s\n", y, calendar_year_source(c, y));
	calendar_unref(c);
	return EXIT_OK;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	buf_init(&b, 16 << 20);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0)
			break;
	bool bad = ferror(f) || b.overflow;
	fclose(f);
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

static int run_import(const struct cal_opts *o)
{
	if (o->npos != 2 || o->calendar_days)
		return usage("import 需要一个文件: import FILE --source 通知名称 --data DIR");
	if (!o->data && !o->db && str_empty(getenv("ZHIFA_DB")))
		return usage("import 需要 --data DIR(或 --db URL)");
	size_t len;
	char *text = read_file(o->pos[1], &len);
	if (!text) {
		fprintf(stderr, "zhifa calendar: 无法读取文件“%s”\n", o->pos[1]);
		return EXIT_FAIL;
	}
	struct db *db = open_db(o);
	if (!db) {
		free(text);
		return EXIT_FAIL;
	}
	struct err e = ERR_INIT;
	struct calendar_import_result res;
	int status = EXIT_OK;
	if (calendar_import(db, text, len, o->source, o->by ? o->by : "", o->replace, &res, &e) < 0) {
		fprintf(stderr, "zhifa calendar: %s: %s\n", o->pos[1], e.msg);
		/* the command-line way of doing what the message asks */
		if (e.kind == ERR_CONFLICT && res.conflict_year)
			fprintf(stderr, "zhifa calendar: 如需替换 %d 年的安排，请加 --replace\n", res.conflict_year);
		else if (strcmp(e.field, "source") == 0)
			fprintf(stderr, "zhifa calendar: 请用 --source 写明国务院办公厅的通知名称\n");
		status = EXIT_FAIL;
		goto out;
	}
	printf("已%s %s 年的节假日安排(放假 %d 天, 调休上班 %d 天)\n",
	       strcmp(res.action, "replace") == 0 ? "替换" : "导入", res.years, res.holidays, res.workdays);
	struct calendar *c = NULL;
	int n;
	if (calendar_load(db, &c, &e) < 0 || (n = deadline_recompute_all(db, c, &e)) < 0) {
		fprintf(stderr, "zhifa calendar: 节假日安排已导入，但重新计算期限失败: %s\n", e.msg);
		status = EXIT_FAIL;
	} else if (n > 0) {
		printf("已按新的日历重新计算 %d 个期限的到期日\n", n);
	}
	calendar_unref(c);
out:
	db_close(db);
	free(text);
	return status;
}

int cmd_calendar(int argc, char **argv)
{
	struct cal_opts o;
	if (argc < 2)
		return usage(NULL);
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		fputs(CAL_USAGE, stdout);
		return EXIT_OK;
	}
	/* positional 0 is the subcommand */
	if (parse_opts(argc, argv, &o) < 0)
		return usage(NULL);
	if (strcmp(sub, "due") == 0)
		return run_due(&o);
	if (strcmp(sub, "is-workday") == 0)
		return run_is_workday(&o);
	if (strcmp(sub, "years") == 0)
		return run_years(&o);
	if (strcmp(sub, "import") == 0)
		return run_import(&o);
	fprintf(stderr, "zhifa calendar: 未知的子命令“%s”\n", sub);
	return usage(NULL);
}
