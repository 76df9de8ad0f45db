/*
 * cli_util.h - option parsing shared by the commands, and opening the
 * database of a data folder with its configuration applied.
 */
#ifndef ZHIFA_CLI_UTIL_H
#define ZHIFA_CLI_UTIL_H
#include "core/config.h"
#include "store/db.h"

struct cli_opts {
	const char *data, *db, *listen, *threads;
	bool flag_demo;
	const char *pos[8]; /* positional arguments */
	int npos;
};

/* spec: comma-separated option names, "name:" takes a value ("--name V"
 * or "--name=V").  Unknown options are a usage error (message printed). */
int cli_parse(int argc, char **argv, const char *spec, struct cli_opts *o);
/* Load the configuration of o->data (file, environment, flags) into cfg,
 * open its database and apply pending migrations.  NULL on failure
 * (message printed). */
struct db *cli_open_db(const struct cli_opts *o, struct config *cfg);
#endif
