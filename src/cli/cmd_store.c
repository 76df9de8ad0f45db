/*
 * cmd_store.c - `zhifa store`: store files from the command line into the
 * evidence vault (e.g. body cameras emptied at a docking station).
 *
 *   zhifa store --data DIR [--db URL] [--unit CODE] [--type MIME] FILE...
 *
 * Each FILE is read once (hashed while copied), made durable in the blob
 * store and recorded with its "file.stored" ledger leaf, one transaction
 * per file.  For each file stored (or already stored: deduplicated) one
 * line goes to stdout, in argument order:
 *
 *   <sha256 hex> <sm3 hex> <leaf index>
 *
 * (lower-case hex, single spaces; for a duplicate, the leaf that first
 * recorded the content for that unit).  A file that cannot be stored
 * prints "zhifa store: FILE: <reason>" on stderr and no stdout line; the
 * others are still stored.  --unit attributes the files to the unit with
 * that code (default: none, unit 0); --type is the claimed media type,
 * checked against the content.  Exit 0 when every file was stored, 1 when
 * any failed, 2 on usage errors.
 */
#include "core/core.h"
#include "core/err.h"
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "actor/actor.h"
#include "people/people.h"
#include "recording/vault.h"

/* Declared here until cli/cli.h lists it. */
int cmd_store(int argc, char **argv);

static int usage(void)
{
	fprintf(stderr, "用法: zhifa store --data DIR [--db URL] [--unit 单位代码] [--type 媒体类型] 文件...\n");
	return EXIT_USAGE;
}

int cmd_store(int argc, char **argv)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	const char *unit = NULL, *type = NULL;
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	int nfiles = 0;
	bool opts_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (!opts_done && str_starts(a, "--")) {
			const char *eq = strchr(a, '=');
			size_t n = eq ? (size_t)(eq - a) : strlen(a);
			if (n == 6 && memcmp(a, "--data", 6) == 0)
				slot = &o.data;
			else if (n == 4 && memcmp(a, "--db", 4) == 0)
				slot = &o.db;
			else if (n == 6 && memcmp(a, "--unit", 6) == 0)
				slot = &unit;
			else if (n == 6 && memcmp(a, "--type", 6) == 0)
				slot = &type;
			else {
				fprintf(stderr, "zhifa store: 未知选项 %.*s\n", (int)n, a);
				free(files);
				return usage();
			}
			if (eq)
				*slot = eq + 1;
			else if (i + 1 < argc)
				*slot = argv[++i];
			else {
				fprintf(stderr, "zhifa store: 选项 %s 需要一个值\n", a);
				free(files);
				return usage();
			}
			continue;
		}
		files[nfiles++] = a;
	}
	if (!o.data || nfiles == 0) {
		free(files);
		return usage();
	}
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	if (!db) {
		free(files);
		return EXIT_FAIL;
	}
	struct actor who;
	actor_system(&who, "zhifa store");
	if (unit) {
		who.unit_id = people_unit_by_code(db, unit);
		if (who.unit_id <= 0) {
			fprintf(stderr, "zhifa store: 没有代码为 '%s' 的单位\n", unit);
			db_close(db);
			free(files);
			return EXIT_FAIL;
		}
	}
	struct err e = ERR_INIT;
	struct vault *v = vault_open(o.data, &e);
	if (!v) {
		fprintf(stderr, "zhifa store: 无法打开文件存储: %s\n", e.msg);
		db_close(db);
		free(files);
		return EXIT_FAIL;
	}
	int failed = 0;
	for (int i = 0; i < nfiles; i++) {
		struct vault_stored st;
		err_clear(&e);
		if (vault_store_path(v, db, &who, files[i], type, &st, &e) < 0) {
			fprintf(stderr, "zhifa store: %s: %s\n", files[i], e.msg);
			failed++;
			continue;
		}
		printf("%s %s %lld\n", st.sha256, st.sm3, st.leaf_index);
		fflush(stdout);
	}
	vault_close(v);
	db_close(db);
	free(files);
	return failed ? EXIT_FAIL : EXIT_OK;
}
