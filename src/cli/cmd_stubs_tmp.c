#include "core/core.h"
#include "cli/cli.h"
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_user(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_migrate(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_init(int argc, char **argv) { (void)argc; (void)argv; return 1; }
int cmd_calendar(int argc, char **argv) { (void)argc; (void)argv; return 1; }
