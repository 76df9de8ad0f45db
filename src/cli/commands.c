/*
 * commands.c - the table of zhifa's commands (name, handler, usage, summary)
 * and the help and version commands.
 */
#include "core/core.h"
#include "cli/cli.h"

static const struct cli_command commands[] = {
	{ "init", cmd_init, "zhifa init --data DIR [--demo]", "创建数据目录、数据库和密钥（--demo 装入演示数据）" },
	{ "serve", cmd_serve, "zhifa serve --data DIR [--listen ADDR:PORT] [--db URL]", "启动服务（门户、后台和开放接口）" },
	{ "user", cmd_user, "zhifa user add|passwd|lock|unlock|list ... --data DIR [--db URL]", "管理用户账号" },
	{ "migrate", cmd_migrate, "zhifa migrate --data DIR [--db URL]", "把数据库结构升级到当前版本" },
	{ "calendar", cmd_calendar, "zhifa calendar due|is-workday|years|import ...", "工作日历：计算期限、判断工作日、导入节假日安排" },
	{ "store", cmd_store, "zhifa store --data DIR [--db URL] [--unit CODE] [--type MIME] FILE...", "把文件存入证据文件库，每个文件输出一行：SHA-256、SM3 和存证序号" },
	{ "case", cmd_case, "zhifa case export --data DIR [--db URL] CASE_NUMBER --out FILE.zip --user LOGIN | zhifa case finalise --data DIR [--db URL] --document ID --user LOGIN < PASSWORD", "导出案卷证据包（全部已定稿文书、签名图片和音像记录原件，附清单、账本叶子、包含证明、签名检查点和核验说明）；以本人名义定稿文书（密码从标准输入读取，与页面定稿相同的检查，含重大执法决定的法制审核）" },
	{ "keys", cmd_keys, "zhifa keys list|rotate --data DIR [--db URL]", "账本签名密钥：列出全部验证公钥，或轮换签名密钥" },
	{ "verify", cmd_verify, "zhifa verify --data DIR [--db URL] | zhifa verify --package FILE.zip [--key VKEY] | zhifa verify URL --key VKEY [--state FILE] [--file F | --hash HEX]", "核验账本：重算全部叶子、节点哈希和检查点签名，列出所有不符之处" },
	{ "redact", cmd_redact, "zhifa redact [--party-kind person|org|individual_business] [--party NAME] [--marks] [FILE]", "隐去决定文书中的个人信息（身份证号、电话、银行账号、地址、他人姓名等），输出公开文本或标注" },
	{ "version", cmd_version, "zhifa version", "显示版本" },
	{ "help", cmd_help, "zhifa help [COMMAND]", "显示帮助" },
};

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("zhifa %s\n", ZHIFA_VERSION);
	return EXIT_OK;
}

int cmd_help(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(argv[1], commands[i].name) == 0) {
				printf("用法：%s\n  %s\n", commands[i].usage, commands[i].summary);
				return EXIT_OK;
			}
		fprintf(stderr, "zhifa: 未知命令 '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	printf("zhifa %s - 行政执法三项制度（公示、全过程记录、法制审核）系统\n\n命令：\n", ZHIFA_VERSION);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-58s %s\n", commands[i].usage, commands[i].summary);
	printf("\n退出状态： 0 成功， 1 失败， 2 用法错误。\n"
	       "配置： 数据目录中的 zhifa.conf，可被环境变量 ZHIFA_* 和命令行参数覆盖。\n");
	return EXIT_OK;
}

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		cmd_help(0, NULL);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(0, NULL);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(0, NULL);
	fprintf(stderr, "zhifa: 未知命令 '%s'。运行 'zhifa help' 查看可用命令。\n", argv[1]);
	return EXIT_USAGE;
}
