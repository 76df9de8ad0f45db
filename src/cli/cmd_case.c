/*
 * cmd_case.c - `zhifa case`: the case file on the command line.
 *
 *   zhifa case export --data DIR [--db URL] CASE_NUMBER --out FILE.zip --user LOGIN
 *   zhifa case finalise --data DIR [--db URL] --document ID --user LOGIN < password
 *
 * Writes the case package (records/package.h, docs/package.md) of the case
 * with that number (立案号, e.g. 云工信罚〔2026〕12号): every finalised
 * document, the signature images and the audio-visual originals, with the
 * manifest, the leaves, their proofs against one checkpoint signed for the
 * export, the verifier keys and 说明.txt.  Acts as the person LOGIN: the
 * case must be in that person's view (cases.h case_visible), and every
 * file read and the export are in the operation log under that name (an
 * export of evidence is always someone's act; the system actor of the
 * other commands sees no case).
 * Prints one line: "<zip path> <files> <bytes> <manifest sha256> <leaf>";
 * exit 0 when written, 1 on failure (Chinese message on stderr), 2 on usage
 * errors.
 *
 * finalise: 定稿 of document ID by the person LOGIN, who confirms with
 * their password (the first line of standard input), exactly as on the
 * page (records_finalise): the same checks, the same 法制审核 gate for a
 * major decision (review/decision.h).  Prints "<id> <number> <pdf sha256>
 * <leaf>".
 */
#include "core/core.h"
#include "core/err.h"
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "actor/actor.h"
#include "people/people.h"
#include "records/package.h"
#include "records/records.h"
#include <limits.h>
#include <sodium.h>
#include "recording/vault.h"

static int usage(void)
{
	fprintf(stderr, "用法: zhifa case export --data DIR [--db URL] 案件编号 --out 证据包.zip --user 导出人用户名\n"
			"      zhifa case finalise --data DIR [--db URL] --document 文书编号 --user 用户名 < 密码\n");
	return EXIT_USAGE;
}

static int case_export(int argc, char **argv)
{
	const char *out = NULL, *user = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0;
	for (int i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (str_starts(argv[i], "--out="))
			out = argv[i] + 6;
		else if (str_eq(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (str_starts(argv[i], "--user="))
			user = argv[i] + 7;
		else
			rest[nrest++] = argv[i];
	}
	struct cli_opts o;
	if (cli_parse(nrest, rest, "data:,db:", &o) < 0 || !o.data || o.npos != 1 || str_empty(out) || str_empty(user)) {
		if (o.data && o.npos == 1 && !str_empty(out) && str_empty(user))
			fprintf(stderr, "zhifa case: 请用 --user 给出导出人的用户名：导出按其查看权限进行，并以其名义记入操作日志\n");
		free(rest);
		return usage();
	}
	const char *case_no = o.pos[0];
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	free(rest);
	if (!db)
		return EXIT_FAIL;
	long long id = db_scalar_int(db, 0, "SELECT id FROM cases WHERE case_no = ?",
				     (const struct db_val[]){ DB_TEXT(case_no), DB_END });
	if (id <= 0) {
		fprintf(stderr, "zhifa case: 没有编号为「%s」的案件\n", case_no);
		db_close(db);
		return EXIT_FAIL;
	}
	struct actor who;
	long long uid = people_user_by_username(db, user);
	if (uid <= 0 || people_actor_load(db, uid, &who) < 0) {
		fprintf(stderr, "zhifa case: 没有用户名为「%s」的用户\n", user);
		db_close(db);
		return EXIT_FAIL;
	}
	snprintf(who.ip, sizeof who.ip, "local");
	struct err e = ERR_INIT;
	struct vault *v = vault_open(o.data, &e);
	if (!v) {
		fprintf(stderr, "zhifa case: 无法打开文件存储: %s\n", e.msg);
		db_close(db);
		return EXIT_FAIL;
	}
	char *keys = xasprintf("%s/keys", o.data);
	struct package_result res;
	int rc = package_export_case(db, v, keys, &who, id, out, &res, &e);
	if (rc < 0)
		fprintf(stderr, "zhifa case: %s\n", e.msg);
	else
		printf("%s %lld %lld %s %lld\n", out, res.files, res.bytes, res.manifest_sha256, res.leaf_index);
	free(keys);
	vault_close(v);
	db_close(db);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

static int case_finalise(int argc, char **argv)
{
	const char *user = NULL, *doc = NULL;
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0;
	for (int i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--user") && i + 1 < argc)
			user = argv[++i];
		else if (str_eq(argv[i], "--document") && i + 1 < argc)
			doc = argv[++i];
		else
			rest[nrest++] = argv[i];
	}
	struct cli_opts o;
	long long doc_id = 0;
	if (cli_parse(nrest, rest, "data:,db:", &o) < 0 || !o.data || o.npos != 0 || str_empty(user) || !doc ||
	    str_to_ll(doc, 1, LLONG_MAX, &doc_id) < 0) {
		free(rest);
		return usage();
	}
	free(rest);
	char password[256];
	if (!fgets(password, sizeof password, stdin)) {
		fprintf(stderr, "zhifa case: 请在标准输入的第一行给出定稿人的密码\n");
		return EXIT_FAIL;
	}
	password[strcspn(password, "\r\n")] = 0;
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	if (!db) {
		sodium_memzero(password, sizeof password);
		return EXIT_FAIL;
	}
	struct actor who;
	long long uid = people_user_by_username(db, user);
	if (uid <= 0 || people_actor_load(db, uid, &who) < 0) {
		fprintf(stderr, "zhifa case: 没有用户名为「%s」的用户\n", user);
		sodium_memzero(password, sizeof password);
		db_close(db);
		return EXIT_FAIL;
	}
	snprintf(who.ip, sizeof who.ip, "local");
	struct err e = ERR_INIT;
	struct vault *v = vault_open(o.data, &e);
	int rc = -1;
	json_t *res = NULL;
	if (!v) {
		fprintf(stderr, "zhifa case: 无法打开文件存储: %s\n", e.msg);
	} else {
		int rv = (int)db_scalar_int(db, 0, "SELECT row_version FROM documents WHERE id = ?",
					    (const struct db_val[]){ DB_INT(doc_id), DB_END });
		rc = records_finalise(db, v, &who, doc_id, rv, password, &res, &e);
		if (rc < 0)
			fprintf(stderr, "zhifa case: %s\n", e.msg);
		else
			printf("%lld %s %s %lld\n", doc_id,
			       json_string_value(json_object_get(res, "number")) ? json_string_value(json_object_get(res, "number")) : "-",
			       json_string_value(json_object_get(res, "pdf_sha256")),
			       (long long)json_integer_value(json_object_get(res, "leaf_index")));
		json_decref(res);
		vault_close(v);
	}
	sodium_memzero(password, sizeof password);
	db_close(db);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

int cmd_case(int argc, char **argv)
{
	if (argc >= 2 && str_eq(argv[1], "export"))
		return case_export(argc - 1, argv + 1);
	if (argc >= 2 && str_eq(argv[1], "finalise"))
		return case_finalise(argc - 1, argv + 1);
	return usage();
}
