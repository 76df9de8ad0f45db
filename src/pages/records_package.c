/*
 * records_package.c - POST /cases/{id}/package.zip: the case package
 * (records/package.h, docs/package.md) as a download, for those who have
 * the case in view (records_case_file decides; every file read and the
 * export are in the operation log, the export appends its case.exported
 * leaf).  The zip is written to a private folder in the blob store's
 * staging area (same file system, never in memory), opened, unlinked and
 * streamed (resp_file), so nothing of it stays behind.
 */
#include "core/core.h"
#include "core/err.h"
#include "http/http.h"
#include "app/app.h"
#include "recording/vault.h"
#include "records/package.h"
#include "pages/pages.h"
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

int page_case_package(struct req *r)
{
	long long id;
	if (r->nparams < 1 || str_to_ll(r->params[0], 1, INT64_MAX, &id) < 0) {
		resp_error(r, 404, "id", "案件不存在或无权查看。");
		return 0;
	}
	struct err e = ERR_INIT;
	struct vault *v = app_vault(r->app, &e);
	if (!v) {
		resp_err(r, &e);
		return 0;
	}
	char *dir = xasprintf("%s/package-XXXXXX", blobs_staging_dir(vault_blobs(v)));
	if (!mkdtemp(dir)) {
		free(dir);
		resp_error(r, 500, "", "无法创建证据包暂存文件夹。");
		return 0;
	}
	char *out = xasprintf("%s/package.zip", dir), *keys = xasprintf("%s/keys", r->app->cfg.data_dir);
	struct package_result res;
	int rc = package_export_case(r->db, v, keys, &r->actor, id, out, &res, &e);
	int fd = rc == 0 ? open(out, O_RDONLY | O_CLOEXEC) : -1;
	unlink(out);
	rmdir(dir);
	free(out);
	free(dir);
	free(keys);
	if (rc < 0 || fd < 0) {
		if (rc == 0)
			err_set(&e, ERR_INTERNAL, "", "无法读取刚写好的证据包。");
		resp_err(r, &e);
		return 0;
	}
	resp_header(r, "Content-Disposition",
		    req_printf(r, "attachment; filename=\"case-%lld-package.zip\"; filename*=UTF-8''%%E6%%A1%%88%%E5%%8D%%B7-%lld.zip",
			       id, id));
	resp_header(r, "X-Content-Type-Options", "nosniff");
	resp_header(r, "Cache-Control", "private, no-store");
	resp_file(r, 200, "application/zip", fd, 0, res.bytes);
	return 0;
}
