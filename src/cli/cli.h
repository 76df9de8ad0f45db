/*
 * cli.h - the commands of the zhifa binary.  Each takes argc/argv with
 * argv[0] the command name and returns the process exit status:
 *   0 success, 1 failure (message on stderr), 2 usage error.
 */
#ifndef ZHIFA_CLI_H
#define ZHIFA_CLI_H
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

int cli_main(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_redact(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_help(int argc, char **argv);
#endif
