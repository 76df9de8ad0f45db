/*
 * cmd_keys.c - `zhifa keys list|rotate --data DIR`: the ledger's
 * checkpoint signing keys.  list prints every verifier key ever used
 * (DATA/keys/ledger-vkeys.txt, oldest first; the last is current);
 * rotate replaces both private keys (Ed25519 and SM2) by fresh ones while
 * the old verifier keys stay listed, so old checkpoints stay verifiable.
 *
 * Running servers (any number, on the same database and keys folder)
 * pick up the new keys without a restart: after the key files are
 * written, rotate bumps the keys' state stamp (store/stamp.h) in one
 * transaction with an operation-log row; each server compares the stamp
 * when it next signs or serves /log/key and reloads.  The database is
 * opened first, so a rotation that could not be announced is not made.
 */
#include "core/core.h"
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "ledger/ledger.h"
#include "people/audit.h"
#include "store/stamp.h"

static int list_keys(const char *dir)
{
	char path[700];
	snprintf(path, sizeof path, "%s/ledger-vkeys.txt", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "zhifa keys: 找不到 %s（数据目录是否已用 zhifa init 创建？）\n", path);
		return EXIT_FAIL;
	}
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		fputs(line, stdout);
		n++;
	}
	fclose(f);
	printf("共 %d 个验证公钥；最后两个（Ed25519 与 SM2）为当前使用的公钥。\n", n);
	return EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
	struct cli_opts o;
	if (cli_parse(argc, argv, "data:,db:", &o) < 0)
		return EXIT_USAGE;
	if (!o.data || o.npos != 1 || !(str_eq(o.pos[0], "list") || str_eq(o.pos[0], "rotate"))) {
		fprintf(stderr, "用法: zhifa keys list|rotate --data DIR [--db URL]\n");
		return EXIT_USAGE;
	}
	char dir[600];
	snprintf(dir, sizeof dir, "%s/keys", o.data);
	if (str_eq(o.pos[0], "list"))
		return list_keys(dir);
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	if (!db) {
		fprintf(stderr, "zhifa keys: 无法打开数据库，未轮换密钥（运行中的服务须经数据库得知新密钥）\n");
		return EXIT_FAIL;
	}
	struct err e = ERR_INIT;
	if (ledger_keys_rotate(dir, &e) < 0) {
		fprintf(stderr, "zhifa keys: 轮换密钥失败：%s\n", e.msg);
		db_close(db);
		return EXIT_FAIL;
	}
	int rc = EXIT_OK;
	if (db_begin(db) < 0 || state_stamp_bump(db, STAMP_KEYS) < 0 ||
	    audit_log(db, NULL, "ledger.keys.rotate", "ledger_keys", "", "ok",
		      "轮换账本签名密钥（Ed25519 与 SM2）；旧验证公钥保留") < 0 ||
	    db_commit(db) < 0) {
		fprintf(stderr, "zhifa keys: 新密钥已写入 %s，但未能通知运行中的服务（%s）；请重启 zhifa serve\n", dir,
			db_errmsg(db));
		db_rollback(db);
		rc = EXIT_FAIL;
	} else {
		printf("已轮换账本签名密钥（Ed25519 与 SM2）。运行中的服务随即改用新密钥签名；旧公钥仍保留，历史检查点可继续核验。\n");
	}
	db_close(db);
	return rc == EXIT_OK ? list_keys(dir) : rc;
}
