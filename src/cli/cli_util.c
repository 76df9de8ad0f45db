/* cli_util.c - option parsing and database opening for the commands. */
#include "core/core.h"
#include "cli/cli_util.h"
#include "cases/procedure.h"
#include "review/review.h"
#include "review/flow.h"
#include "records/records.h"
#include "disclosure/disclosure.h"

static bool spec_has(const char *spec, const char *name, size_t n, bool *takes_value)
{
	const char *p = spec;
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t nlen = len && p[len - 1] == ':' ? len - 1 : len;
		if (nlen == n && memcmp(p, name, n) == 0) {
			*takes_value = nlen != len;
			return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

int cli_parse(int argc, char **argv, const char *spec, struct cli_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!str_starts(a, "--")) {
			if (o->npos == (int)ARRAY_SIZE(o->pos)) {
				fprintf(stderr, "zhifa: 参数过多\n");
				return -1;
			}
			o->pos[o->npos++] = a;
			continue;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		bool takes;
		if (!spec_has(spec, name, n, &takes)) {
			fprintf(stderr, "zhifa %s: 未知选项 --%.*s\n", argv[0], (int)n, name);
			return -1;
		}
		const char *val = NULL;
		if (takes) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "zhifa %s: 选项 --%.*s 需要一个值\n", argv[0], (int)n, name);
				return -1;
			}
		} else if (eq) {
			fprintf(stderr, "zhifa %s: 选项 --%.*s 不带值\n", argv[0], (int)n, name);
			return -1;
		}
#define OPT(s) (n == strlen(s) && memcmp(name, s, n) == 0)
		if (OPT("data")) o->data = val;
		else if (OPT("db")) o->db = val;
		else if (OPT("listen")) o->listen = val;
		else if (OPT("threads")) o->threads = val;
		else if (OPT("demo")) o->flag_demo = true;
#undef OPT
	}
	return 0;
}

struct db *cli_open_db(const struct cli_opts *o, struct config *cfg)
{
	struct buf err;
	buf_init(&err, 0);
	config_defaults(cfg, o->data ? o->data : "data");
	if (config_load(cfg, &err) < 0 ||
	    (o->db && config_set(cfg, "db", o->db, &err) < 0) ||
	    (o->listen && config_set(cfg, "listen", o->listen, &err) < 0) ||
	    (o->threads && config_set(cfg, "threads", o->threads, &err) < 0)) {
		fprintf(stderr, "zhifa: %s\n", buf_str(&err));
		buf_release(&err);
		return NULL;
	}
	struct db *db = db_open(cfg->db_url, &err);
	if (!db) {
		fprintf(stderr, "zhifa: %s\n", buf_str(&err));
		buf_release(&err);
		return NULL;
	}
	int n = db_migrate(db, &err);
	if (n < 0) {
		fprintf(stderr, "zhifa: %s\n", buf_str(&err));
		buf_release(&err);
		db_close(db);
		return NULL;
	}
	if (n > 0)
		log_info("已应用 %d 个数据库迁移", n);
	buf_release(&err);
	/* The default procedures (cases/procedure.h): every code not yet in
	 * the database, once. */
	struct err pe = ERR_INIT;
	int added = 0;
	records_init(); /* the requirement type "record", before procedures are validated */
	review_init();  /* and "review" (review/flow.h) */
	disclosure_init(); /* a finalised decision drafts its publication (disclosure.h) */
	if (procedure_ensure_defaults(db, &added, &pe) < 0) {
		fprintf(stderr, "zhifa: %s\n", pe.msg);
		db_close(db);
		return NULL;
	}
	if (added > 0)
		log_info("已载入 %d 个默认执法程序", added);
	/* the default catalogue of document types (records/records.h), once */
	if (doc_types_ensure_defaults(db, &added, &pe) < 0) {
		fprintf(stderr, "zhifa: %s\n", pe.msg);
		db_close(db);
		return NULL;
	}
	if (added > 0)
		log_info("已载入 %d 种默认执法文书", added);
	/* the default catalogue of major decisions (review/review.h), once */
	if (review_catalogue_ensure_defaults(db, &added, &pe) < 0) {
		fprintf(stderr, "zhifa: %s\n", pe.msg);
		db_close(db);
		return NULL;
	}
	return db;
}
