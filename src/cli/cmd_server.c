/* cmd_server.c - init, migrate and serve (placeholder). */
#include "core/core.h"
#include "cli/cli.h"

int cmd_init(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAIL; }
int cmd_migrate(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAIL; }
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; return EXIT_FAIL; }
