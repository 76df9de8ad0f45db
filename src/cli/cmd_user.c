/* cmd_user.c - the 'user' command (placeholder until its module lands). */
#include "core/core.h"
#include "cli/cli.h"

int cmd_user(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "zhifa: 'user' 命令尚不可用\n");
	return EXIT_FAIL;
}
