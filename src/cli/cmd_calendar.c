/* cmd_calendar.c - the 'calendar' command (placeholder until its module lands). */
#include "core/core.h"
#include "cli/cli.h"

int cmd_calendar(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "zhifa: 'calendar' 命令尚不可用\n");
	return EXIT_FAIL;
}
