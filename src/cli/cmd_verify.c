/*
 * cmd_verify.c - `zhifa verify`: the integrity check of the ledger.
 *
 *   zhifa verify --data DIR [--db URL]
 *     re-reads the whole log from the database (default: --db, else
 *     $ZHIFA_DB, else DIR/zhifa.db) and checks it against the verifier keys
 *     in DIR/keys (ledger/verify.h).  Prints every discrepancy, one per
 *     line, and a summary; exit 0 only when everything is intact, 1 when a
 *     discrepancy was found or the check could not run, 2 on usage errors.
 *
 *   zhifa verify URL --key KEYTEXT ...  (the outsider's check against a
 *     running server's read API) is not built yet: it needs an HTTP client
 *     library; it exits 2 with a message.
 */
#include "core/core.h"
#include "core/err.h"
#include "cli/cli.h"
#include "store/db.h"
#include "ledger/verify.h"
#include <sys/stat.h>

/* Declared here until cli/cli.h lists it (a repeated declaration is harmless). */
int cmd_verify(int argc, char **argv);

static int usage(void)
{
	fprintf(stderr, "用法: zhifa verify --data DIR [--db URL]\n");
	return EXIT_USAGE;
}

int cmd_verify(int argc, char **argv)
{
	const char *data = NULL, *url = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
			data = argv[++i];
		else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (str_starts(argv[i], "http://") || str_starts(argv[i], "https://")) {
			fprintf(stderr, "zhifa verify: 对运行中服务器的在线核验(%s)尚未实现; "
					"请在服务器上运行 zhifa verify --data DIR\n", argv[i]);
			return EXIT_USAGE;
		} else {
			fprintf(stderr, "zhifa verify: 无法识别的参数 '%s'\n", argv[i]);
			return usage();
		}
	}
	if (!data)
		return usage();
	if (!url)
		url = getenv("ZHIFA_DB");
	char *dflt = NULL;
	if (!url || !*url) {
		dflt = xasprintf("%s/zhifa.db", data);
		url = dflt;
	}
	if (!str_starts(url, "postgres://") && !str_starts(url, "postgresql://")) {
		struct stat st;
		const char *path = str_starts(url, "sqlite:") ? url + 7 : url;
		if (stat(path, &st) < 0) {
			fprintf(stderr, "zhifa verify: 数据库文件 %s 不存在\n", path);
			free(dflt);
			return EXIT_FAIL;
		}
	}
	struct buf berr;
	buf_init(&berr, 0);
	struct db *db = db_open(url, &berr);
	free(dflt);
	if (!db) {
		fprintf(stderr, "zhifa verify: %s\n", buf_str(&berr));
		buf_release(&berr);
		return EXIT_FAIL;
	}
	buf_release(&berr);
	char *keys = xasprintf("%s/keys", data);
	struct ledger_report r;
	struct err e = ERR_INIT;
	ledger_report_init(&r);
	int rc = ledger_verify(db, keys, &r, &e);
	int status;
	if (rc < 0) {
		fprintf(stderr, "zhifa verify: 核验无法进行: %s\n", e.msg);
		status = EXIT_FAIL;
	} else {
		fputs(buf_str(&r.text), stdout);
		if (r.problems) {
			printf("核验未通过: 发现 %d 处问题(已读 %lld 个叶子、%lld 个节点、%lld 个检查点)。\n", r.problems,
			       r.leaves, r.nodes, r.checkpoints);
			status = EXIT_FAIL;
		} else {
			printf("核验通过: %lld 个叶子、%lld 个节点、%lld 个检查点完好, 所有检查点签名有效且前后一致。\n",
			       r.leaves, r.nodes, r.checkpoints);
			status = EXIT_OK;
		}
	}
	fflush(stdout);
	ledger_report_release(&r);
	free(keys);
	db_close(db);
	return status;
}
