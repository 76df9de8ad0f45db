/*
 * cmd_keys.c - `zhifa keys list|rotate --data DIR`: the ledger's
 * checkpoint signing keys.  list prints every verifier key ever used
 * (DATA/keys/ledger-vkeys.txt, oldest first; the last is current);
 * rotate replaces both private keys (Ed25519 and SM2) by fresh ones while
 * the old verifier keys stay listed, so old checkpoints stay verifiable.
 * A running server picks up new keys when restarted.
 */
#include "core/core.h"
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "ledger/ledger.h"

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
	if (cli_parse(argc, argv, "data:", &o) < 0)
		return EXIT_USAGE;
	if (!o.data || o.npos != 1 || !(str_eq(o.pos[0], "list") || str_eq(o.pos[0], "rotate"))) {
		fprintf(stderr, "用法: zhifa keys list|rotate --data DIR\n");
		return EXIT_USAGE;
	}
	char dir[600];
	snprintf(dir, sizeof dir, "%s/keys", o.data);
	if (str_eq(o.pos[0], "list"))
		return list_keys(dir);
	struct err e = ERR_INIT;
	if (ledger_keys_rotate(dir, &e) < 0) {
		fprintf(stderr, "zhifa keys: 轮换密钥失败：%s\n", e.msg);
		return EXIT_FAIL;
	}
	printf("已轮换账本签名密钥（Ed25519 与 SM2）。旧公钥仍保留，历史检查点可继续核验。重启 zhifa serve 后生效。\n");
	return list_keys(dir);
}
