/*
 * main.c - entry point of the zhifa binary: dispatches to the command
 * table in src/cli/commands.c.  Exit codes: 0 success, 1 failure, 2 usage.
 */
#include "core/core.h"
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
