/*
 * vault_read.c - reading the evidence vault: the list and one file in the
 * actor's scope, previews, and opening a file's bytes (with ranges) for
 * download.  See vault.h for the invariants.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/hash.h"
#include "recording/vault.h"
#include "recording/vault_int.h"
#include "recording/tus.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "actor/audit.h"
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>


/* ---- reading ---- */

static bool sees_all(const struct actor *a)
{
	return actor_has(a, ROLE_ADMIN | ROLE_SUPERVISOR) || a->scope == SCOPE_ALL;
}

static json_t *row_json(const struct db_res *r, int i)
{
	char local[20], sz[32];
	time_utc_to_shanghai(db_text(r, i, 4), local);
	size_text(db_int(r, i, 2), sz, sizeof sz);
	const char *type = db_text(r, i, 3);
	const char *pv = vault_preview_kind(type);
	return json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "sha256", db_text(r, i, 0), "sm3", db_text(r, i, 1), "size", (json_int_t)db_int(r, i, 2),
			 "media_type", type, "stored_at", db_text(r, i, 4), "stored_at_local", local, "leaf_index",
			 (json_int_t)db_int(r, i, 5), "user_id", (json_int_t)db_int(r, i, 6), "username",
			 db_text(r, i, 7), "unit_id", (json_int_t)db_int(r, i, 8), "unit_name", db_text(r, i, 9),
			 "user_name", db_text(r, i, 10), "filename", db_text(r, i, 11), "description", db_text(r, i, 12),
			 "kind", vault_kind_name(type), "size_text", sz, "preview", pv ? pv : "");
}

/* The columns of a file reference: the blob, who stored it (user name
 * and real name), the unit, and the first name and description given
 * for it in that unit. */
#define REF_COLS "r.sha256, b.sm3, b.size, b.media_type, r.stored_at, r.leaf_index, r.user_id," \
	" COALESCE(u.username, ''), r.unit_id, COALESCE(n.name, ''), COALESCE(u.name, '')," \
	" COALESCE((SELECT m.filename FROM blob_names m WHERE m.sha256 = r.sha256 AND m.unit_id = r.unit_id" \
	" AND m.filename <> '' ORDER BY m.id LIMIT 1), '')," \
	" COALESCE((SELECT m.description FROM blob_names m WHERE m.sha256 = r.sha256 AND m.unit_id = r.unit_id" \
	" AND m.description <> '' ORDER BY m.id LIMIT 1), '')" \
	" FROM blob_refs r JOIN blobs b ON b.sha256 = r.sha256 LEFT JOIN users u ON u.id = r.user_id" \
	" LEFT JOIN units n ON n.id = r.unit_id"

/* " AND r.unit_id IN (?, ...)" for a's scope into sql, values into vals
 * (from index *nv).  false when a sees nothing. */
static int scope_filter(struct db *db, const struct actor *a, struct buf *sql, struct db_val **vals, size_t *nv,
			bool *none)
{
	*none = false;
	if (sees_all(a))
		return 0;
	long long *ids = NULL;
	size_t n = 0;
	if (actor_scope_units(db, a, &ids, &n) < 0)
		return -1;
	if (n == 0) {
		free(ids);
		*none = true;
		return 0;
	}
	buf_puts(sql, " AND r.unit_id IN (");
	*vals = xrealloc(*vals, (*nv + n + 4) * sizeof **vals);
	for (size_t i = 0; i < n; i++) {
		buf_puts(sql, i ? ", ?" : "?");
		(*vals)[(*nv)++] = DB_INT(ids[i]);
	}
	buf_puts(sql, ")");
	free(ids);
	return 0;
}

int vault_list(struct db *db, const struct actor *a, int page, int per_page, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_UNAUTH, "", "请先登录。");
	if (page <= 0)
		page = 1;
	if (per_page <= 0)
		per_page = 50;
	if (per_page > 200)
		per_page = 200;
	struct buf where;
	buf_init(&where, 0);
	buf_puts(&where, " WHERE 1 = 1");
	struct db_val *vals = xcalloc(4, sizeof *vals);
	size_t nv = 0;
	bool none;
	if (scope_filter(db, a, &where, &vals, &nv, &none) < 0) {
		buf_release(&where);
		free(vals);
		return vault_db_fail(db, e);
	}
	json_t *items = json_array();
	long long total = 0;
	if (!none) {
		char *csql = xasprintf("SELECT COUNT(*) FROM blob_refs r%s", buf_str(&where));
		vals[nv] = DB_END;
		total = db_scalar_int(db, 0, csql, vals);
		free(csql);
		char *sql = xasprintf("SELECT " REF_COLS "%s ORDER BY r.id DESC LIMIT ? OFFSET ?", buf_str(&where));
		vals[nv] = DB_INT(per_page);
		vals[nv + 1] = DB_INT((long long)(page - 1) * per_page);
		vals[nv + 2] = DB_END;
		struct db_res *r = NULL;
		int rc = db_query_a(db, sql, vals, &r);
		free(sql);
		if (rc < 0) {
			json_decref(items);
			buf_release(&where);
			free(vals);
			return vault_db_fail(db, e);
		}
		for (int i = 0; i < r->nrows; i++)
			json_array_append_new(items, row_json(r, i));
		db_res_free(r);
	}
	buf_release(&where);
	free(vals);
	*out = json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "page", page, "per_page", per_page,
			 "items", items);
	return 0;
}

int vault_get(struct db *db, const struct actor *a, const char *sha256, json_t **out, struct err *e)
{
	*out = NULL;
	if (!actor_logged_in(a) && !actor_has(a, ROLE_ADMIN))
		return err_set(e, ERR_UNAUTH, "", "请先登录。");
	if (!hash_hex_valid(sha256))
		return err_set(e, ERR_NOTFOUND, "sha256", "没有这个文件（SHA-256 应为 64 位小写十六进制）。");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT " REF_COLS " WHERE r.sha256 = ? ORDER BY r.id", DB_TEXT(sha256)) < 0)
		return vault_db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "sha256", "没有这个文件。");
	}
	for (int i = 0; i < r->nrows; i++) {
		if (sees_all(a) || actor_unit_in_scope(db, a, db_int(r, i, 8))) {
			*out = row_json(r, i);
			long long unit = db_int(r, i, 8);
			db_res_free(r);
			/* every name and description given in that unit */
			json_t *names = json_array();
			struct db_res *m = NULL;
			if (db_query(db, &m, "SELECT m.filename, m.description, COALESCE(u.name, ''), m.stored_at"
					     " FROM blob_names m LEFT JOIN users u ON u.id = m.user_id"
					     " WHERE m.sha256 = ? AND m.unit_id = ? ORDER BY m.id",
				     DB_TEXT(sha256), DB_INT(unit)) == 0) {
				for (int k = 0; k < m->nrows; k++) {
					char local[20];
					time_utc_to_shanghai(db_text(m, k, 3), local);
					json_array_append_new(names, json_pack("{s:s, s:s, s:s, s:s}", "filename", db_text(m, k, 0),
									       "description", db_text(m, k, 1), "user_name",
									       db_text(m, k, 2), "stored_at_local", local));
				}
				db_res_free(m);
			}
			json_object_set_new(*out, "names", names);
			return 0;
		}
	}
	db_res_free(r);
	return err_set(e, ERR_FORBIDDEN, "", "该文件不属于您有权查看的单位。");
}

const char *vault_preview_kind(const char *media_type)
{
	static const char *const inline_types[][2] = {
		{ "image/jpeg", "image" }, { "image/png", "image" }, { "image/gif", "image" }, { "image/webp", "image" },
		{ "image/bmp", "image" }, { "video/mp4", "video" }, { "video/webm", "video" }, { "video/ogg", "video" },
		{ "audio/mpeg", "audio" }, { "audio/wav", "audio" }, { "audio/x-wav", "audio" }, { "audio/ogg", "audio" },
		{ "audio/mp4", "audio" }, { "audio/webm", "audio" }, { "application/pdf", "pdf" },
	};
	/* never SVG, HTML or anything a browser could run */
	for (size_t i = 0; i < ARRAY_SIZE(inline_types); i++)
		if (str_eq(media_type, inline_types[i][0]))
			return inline_types[i][1];
	return NULL;
}

static const char *type_extension(const char *t)
{
	static const char *const ext[][2] = {
		{ "image/jpeg", ".jpg" }, { "image/png", ".png" }, { "image/gif", ".gif" }, { "image/webp", ".webp" },
		{ "video/mp4", ".mp4" }, { "video/quicktime", ".mov" }, { "video/x-msvideo", ".avi" },
		{ "audio/mpeg", ".mp3" }, { "audio/wav", ".wav" }, { "audio/x-wav", ".wav" }, { "application/pdf", ".pdf" },
		{ "text/plain", ".txt" }, { "application/zip", ".zip" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		if (str_eq(t, ext[i][0]))
			return ext[i][1];
	return "";
}

struct fd_sink {
	int fd;
};

static int fd_sink_write(void *ctx, const void *data, size_t n)
{
	struct fd_sink *s = ctx;
	const char *c = data;
	while (n) {
		ssize_t k = write(s->fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* One byte range of a Range header over size bytes: 1 (from, len set),
 * 0 (absent, not one bytes range, or malformed: the whole file), -1
 * (unsatisfiable). */
static int range_parse(const char *h, long long size, long long *from, long long *len)
{
	if (!h || !str_starts(h, "bytes="))
		return 0;
	const char *p = h + 6;
	if (strchr(p, ','))
		return 0;
	const char *dash = strchr(p, '-');
	if (!dash)
		return 0;
	char a[24], b[24];
	size_t na = (size_t)(dash - p), nb = strlen(dash + 1);
	if (na >= sizeof a || nb >= sizeof b || (!na && !nb))
		return 0;
	memcpy(a, p, na);
	a[na] = '\0';
	memcpy(b, dash + 1, nb);
	b[nb] = '\0';
	long long first, last;
	if (!na) {
		/* the last N bytes */
		if (tus_parse_size(b, &last) < 0)
			return 0;
		if (last == 0 || size == 0)
			return -1;
		*len = last < size ? last : size;
		*from = size - *len;
		return 1;
	}
	if (tus_parse_size(a, &first) < 0 || (nb && tus_parse_size(b, &last) < 0))
		return 0;
	if (nb && last < first)
		return 0;
	if (first >= size)
		return -1;
	if (!nb || last >= size)
		last = size - 1;
	*from = first;
	*len = last - first + 1;
	return 1;
}

int vault_open_read(struct vault *v, struct db *db, const struct actor *a, const char *sha256, bool preview,
		    const char *range, struct vault_read *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->fd = -1;
	json_t *f = NULL;
	if (vault_get(db, a, sha256, &f, e) < 0)
		return -1;
	snprintf(out->media_type, sizeof out->media_type, "%s", json_string_value(json_object_get(f, "media_type")));
	const char *name = json_string_value(json_object_get(f, "filename"));
	if (name && *name)
		snprintf(out->filename, sizeof out->filename, "%s", name);
	else
		snprintf(out->filename, sizeof out->filename, "证据-%.12s%s", sha256, type_extension(out->media_type));
	out->preview = vault_preview_kind(out->media_type);
	long long size = (long long)json_integer_value(json_object_get(f, "size"));
	json_decref(f);
	int fd = -1;
	char *path = blobs_fs_path(v->b, sha256);
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
		if (fd < 0)
			return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_INTERNAL, "",
				       errno == ENOENT ? "存储的文件不存在。" : "无法打开存储的文件。");
	} else {
		/* an object store: fetched into an anonymous staging file */
		char *tmp = xasprintf("%s/read-XXXXXX", blobs_staging_dir(v->b));
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			free(tmp);
			return err_set(e, ERR_INTERNAL, "", "无法创建暂存文件：%s", strerror(errno));
		}
		unlink(tmp);
		free(tmp);
		struct fd_sink sk = { fd };
		if (blobs_read(v->b, sha256, fd_sink_write, &sk, e) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
			close(fd);
			if (!e || !e->kind)
				err_set(e, ERR_INTERNAL, "", "无法读取存储的文件。");
			return -1;
		}
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size != size) {
		close(fd);
		return err_set(e, ERR_INTERNAL, "", "存储的文件大小与记录不符，请联系管理员核验。");
	}
	out->size = size;
	out->from = 0;
	out->len = size;
	int rr = range_parse(range, size, &out->from, &out->len);
	if (rr < 0) {
		close(fd);
		out->from = 0;
		out->len = size;
		return err_set(e, 416, "Range", "请求的范围超出了文件的大小（%lld 字节）。", size);
	}
	out->partial = rr == 1;
	char detail[200], sz[32];
	size_text(size, sz, sizeof sz);
	if (out->partial)
		snprintf(detail, sizeof detail, "%s，%s，第 %lld–%lld 字节", vault_kind_name(out->media_type), sz, out->from,
			 out->from + out->len - 1);
	else
		snprintf(detail, sizeof detail, "%s，%s", vault_kind_name(out->media_type), sz);
	if (audit_log(db, a, preview ? "vault.preview" : "vault.download", "blob", sha256, "ok", detail) < 0) {
		close(fd);
		return vault_db_fail(db, e);
	}
	out->fd = fd;
	out->size = size;
	return 0;
}
