/*
 * vault.c - the evidence vault's store: set-up, content-type checks,
 * deduplication, writing a file in (vault_writer_*, vault_store_path), the
 * "file.stored" leaf with the operation log, and the verification hook.
 * Reading is vault_read.c, tus uploads vault_tus.c; see vault.h for the
 * invariants.
 *
 * Order of a store (crash safety): bytes fsync'ed in a staging/partial
 * file -> blob durable in the store (blobs_put) -> one transaction with
 * the blobs/blob_refs rows, the ledger leaf and the operation-log row.
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

/* ---- set-up ---- */

static long long env_mib(const char *name, long long dflt)
{
	const char *s = getenv(name);
	long long v;
	if (s && *s && str_to_ll(s, 1, 1LL << 30, &v) == 0)
		return v << 20;
	return dflt << 20;
}

struct vault *vault_open_with(struct blobs *b, const char *uploads_dir, long long max_size, struct err *e)
{
	if (sodium_init() < 0) {
		blobs_close(b);
		err_set(e, ERR_INTERNAL, "", "随机数生成器初始化失败");
		return NULL;
	}
	if (mkdir(uploads_dir, 0700) == 0) {
		/* the new folder durable in its parent */
		char *parent = xstrdup(uploads_dir);
		char *slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			int dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				fsync(dfd);
				close(dfd);
			}
		}
		free(parent);
	} else if (errno != EEXIST) {
		err_set(e, ERR_INTERNAL, "", "无法创建上传目录 %s：%s", uploads_dir, strerror(errno));
		blobs_close(b);
		return NULL;
	}
	struct vault *v = xcalloc(1, sizeof *v);
	v->b = b;
	v->uploads = xstrdup(uploads_dir);
	v->max = max_size > 0 ? max_size : 8LL << 30;
	v->form_max = env_mib("ZHIFA_VAULT_FORM_MAX_MIB", 64);
	if (v->form_max > v->max)
		v->form_max = v->max;
	pthread_mutex_init(&v->lock, NULL);
	char hn[64] = "";
	if (gethostname(hn, sizeof hn) < 0 || !hn[0])
		snprintf(hn, sizeof hn, "localhost");
	hn[sizeof hn - 1] = '\0';
	for (char *c = hn; *c; c++)
		if (*c == ' ')
			*c = '_';
	snprintf(v->host, sizeof v->host, "%s ", hn);
	return v;
}

struct vault *vault_open(const char *data_dir, struct err *e)
{
	struct blobs *b = blobs_open_data(data_dir, e);
	if (!b)
		return NULL;
	/* partial files live inside the blob store's own file system, so
	 * that the final link() never crosses a volume */
	char *up = xasprintf("%s/uploads", blobs_staging_dir(b));
	struct vault *v = vault_open_with(b, up, env_mib("ZHIFA_VAULT_MAX_MIB", 8192), e);
	free(up);
	if (v) {
		/* uploads begun by an earlier version in DATA/uploads are
		 * still found there (and moved when on the same volume) */
		char *old = xasprintf("%s/uploads", data_dir);
		struct stat st;
		if (strcmp(old, v->uploads) != 0 && stat(old, &st) == 0 && S_ISDIR(st.st_mode))
			v->old_uploads = old;
		else
			free(old);
	}
	return v;
}

const char *vault_uploads_dir(const struct vault *v)
{
	return v->uploads;
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (v->cache[i].used && !v->cache[i].busy)
			hash2_abort(&v->cache[i].h);
	pthread_mutex_destroy(&v->lock);
	blobs_close(v->b);
	free(v->uploads);
	free(v->old_uploads);
	free(v);
}

struct blobs *vault_blobs(struct vault *v) { return v->b; }
long long vault_max_size(const struct vault *v) { return v->max; }
long long vault_form_max_size(const struct vault *v) { return v->form_max; }

int vault_db_fail(struct db *db, struct err *e)
{
	log_error("vault: database: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败，文件未保存，请稍后重试。");
}

static void norm_type(const char *in, char *out, size_t cap);


const char *vault_kind_name(const char *media_type)
{
	const char *t = media_type ? media_type : "";
	if (str_starts(t, "video/"))
		return "视频";
	if (str_starts(t, "image/"))
		return "图片";
	if (str_starts(t, "audio/"))
		return "音频";
	if (str_starts(t, "text/") || strcmp(t, "application/pdf") == 0 || str_starts(t, "application/msword") ||
	    str_starts(t, "application/vnd.openxmlformats-officedocument") || str_starts(t, "application/vnd.ms-") ||
	    str_starts(t, "application/vnd.oasis.opendocument") || strcmp(t, "application/rtf") == 0 ||
	    strcmp(t, "application/json") == 0 || strcmp(t, "application/xml") == 0 || strcmp(t, "application/ofd") == 0)
		return "文档";
	return "其他";
}

/* The format of a media type in plain words ("PNG 图片", "MP4 视频",
 * "PDF 文档", "文本文件"). */
static void format_words(const char *media_type, char *out, size_t cap)
{
	static const char *const named[][2] = {
		{ "image/jpeg", "JPEG 图片" }, { "image/jpg", "JPEG 图片" }, { "image/png", "PNG 图片" },
		{ "image/gif", "GIF 图片" }, { "image/webp", "WebP 图片" }, { "image/tiff", "TIFF 图片" },
		{ "image/bmp", "BMP 图片" }, { "image/heic", "HEIC 图片" }, { "video/mp4", "MP4 视频" },
		{ "video/quicktime", "MOV 视频" }, { "video/x-msvideo", "AVI 视频" }, { "video/webm", "WebM 视频" },
		{ "video/3gpp", "3GP 视频" }, { "audio/mpeg", "MP3 音频" }, { "audio/wav", "WAV 音频" },
		{ "audio/x-wav", "WAV 音频" }, { "audio/ogg", "OGG 音频" }, { "audio/amr", "AMR 音频" },
		{ "application/pdf", "PDF 文档" }, { "application/zip", "ZIP 压缩包" },
		{ "application/msword", "Word 文档" },
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档" },
		{ "application/vnd.ms-excel", "Excel 表格" },
		{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格" },
		{ "application/octet-stream", "未能识别的二进制数据" }, { "inode/x-empty", "空文件" },
	};
	char t[128];
	norm_type(media_type, t, sizeof t);
	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		if (strcmp(t, named[i][0]) == 0) {
			snprintf(out, cap, "%s", named[i][1]);
			return;
		}
	if (str_starts(t, "text/"))
		snprintf(out, cap, "文本文件");
	else if (str_starts(t, "video/"))
		snprintf(out, cap, "视频");
	else if (str_starts(t, "image/"))
		snprintf(out, cap, "图片");
	else if (str_starts(t, "audio/"))
		snprintf(out, cap, "音频");
	else
		snprintf(out, cap, "其他格式的文件");
}

/* Too many files are being hashed at once (or threads or memory ran
 * out): 503, the client retries. */
int vault_busy_err(struct err *e)
{
	return err_set(e, VAULT_BUSY, "", "服务器正忙于处理其他文件，请稍后重试（已上传的内容不会丢失）。");
}

/* ---- content type ---- */

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;

/* The MIME type libmagic finds in the first bytes of the content. */
static void detect_type(const void *head, size_t n, char *out, size_t cap)
{
	pthread_mutex_lock(&magic_lock);
	if (!magic_cookie) {
		magic_cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
		if (magic_cookie && magic_load(magic_cookie, NULL) != 0) {
			log_error("vault: libmagic: %s", magic_error(magic_cookie));
			magic_close(magic_cookie);
			magic_cookie = NULL;
		}
	}
	const char *t = magic_cookie ? magic_buffer(magic_cookie, head, n) : NULL;
	snprintf(out, cap, "%s", t ? t : "application/octet-stream");
	pthread_mutex_unlock(&magic_lock);
}

/* Lower-case type without parameters. */
static void norm_type(const char *in, char *out, size_t cap)
{
	size_t i = 0;
	for (; in && in[i] && in[i] != ';' && in[i] != ' ' && i + 1 < cap; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
	out[i] = '\0';
}

static const char *alias(const char *t)
{
	static const char *const pairs[][2] = {
		{ "image/jpg", "image/jpeg" }, { "image/pjpeg", "image/jpeg" },
		{ "audio/mp4", "video/mp4" }, { "video/x-m4v", "video/mp4" }, { "audio/x-m4a", "video/mp4" },
		{ "audio/mp3", "audio/mpeg" }, { "audio/x-wav", "audio/wav" }, { "audio/wave", "audio/wav" },
		{ "audio/x-wave", "audio/wav" }, { "application/x-pdf", "application/pdf" },
		{ "application/x-zip-compressed", "application/zip" }, { "video/avi", "video/x-msvideo" },
		{ "video/msvideo", "video/x-msvideo" }, { "application/csv", "text/csv" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++)
		if (strcmp(t, pairs[i][0]) == 0)
			return pairs[i][1];
	return t;
}

static bool textual(const char *t)
{
	return str_starts(t, "text/") || strcmp(t, "application/json") == 0 ||
	       strcmp(t, "application/xml") == 0;
}

/* Does the detected type agree with the claim?  No claim agrees. */
static bool type_matches(const char *claimed_raw, const char *detected_raw)
{
	char c[128], d[128];
	norm_type(claimed_raw, c, sizeof c);
	norm_type(detected_raw, d, sizeof d);
	if (!c[0] || strcmp(c, "application/octet-stream") == 0)
		return true;
	const char *ca = alias(c), *da = alias(d);
	if (strcmp(ca, da) == 0)
		return true;
	/* text formats are recognised only as text by content */
	if (textual(ca) && textual(da))
		return true;
	/* MP4-family containers (QuickTime, 3GP) are often labelled either way */
	if ((strcmp(ca, "video/mp4") == 0 || strcmp(ca, "video/quicktime") == 0) &&
	    (strcmp(da, "video/mp4") == 0 || strcmp(da, "video/quicktime") == 0 || strcmp(da, "video/3gpp") == 0))
		return true;
	return false;
}

int vault_check_type(const char *claimed, const void *head, size_t n, char *detected, size_t cap, struct err *e)
{
	detect_type(head, n, detected, cap);
	if (!type_matches(claimed, detected)) {
		char cw[64], dw[64];
		format_words(claimed, cw, sizeof cw);
		format_words(detected, dw, sizeof dw);
		return err_set(e, 415, "type", "文件内容不是所声明的%s%s格式（按内容识别为%s），未保存。",
			       (unsigned char)cw[0] < 0x80 ? " " : "", cw, dw);
	}
	return 0;
}

/* ---- recording a durable blob ---- */

/* In one transaction: blobs row (first time), blob_refs row for the unit,
 * the leaf, the operation-log row, and (upload_id not NULL) the upload
 * marked stored.  Retries once on a constraint race. */
int vault_record(struct db *db, const struct actor *a, long long user_id, long long unit_id,
		 const struct hash2_result *hr, const char *media_type, const char *upload_id,
		 const char *filename, const char *description, struct vault_stored *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	snprintf(out->sha256, sizeof out->sha256, "%s", hr->sha256_hex);
	snprintf(out->sm3, sizeof out->sm3, "%s", hr->sm3_hex);
	out->size = (long long)hr->size;
	snprintf(out->media_type, sizeof out->media_type, "%s", media_type);
	for (int attempt = 0; attempt < 2; attempt++) {
		char now[21];
		time_now_utc(now);
		struct db_res *res = NULL;
		if (db_begin(db) < 0)
			return vault_db_fail(db, e);
		if (db_query(db, &res, "SELECT leaf_index FROM blob_refs WHERE sha256 = ? AND unit_id = ?",
			     DB_TEXT(hr->sha256_hex), DB_INT(unit_id)) < 0)
			goto fail;
		if (res->nrows) {
			out->duplicate = true;
			out->leaf_index = db_int(res, 0, 0);
			db_res_free(res);
			res = NULL;
			if (db_query(db, &res, "SELECT media_type FROM blobs WHERE sha256 = ?", DB_TEXT(hr->sha256_hex)) < 0)
				goto fail;
			if (res->nrows)
				snprintf(out->media_type, sizeof out->media_type, "%s", db_text(res, 0, 0));
			db_res_free(res);
			res = NULL;
			if (audit_log(db, a, "vault.store", "blob", hr->sha256_hex, "duplicate", "内容已保存过，未重复保存") < 0)
				goto fail;
		} else {
			db_res_free(res);
			res = NULL;
			long long have = db_scalar_int(db, 0, "SELECT COUNT(*) FROM blobs WHERE sha256 = ?",
						       (const struct db_val[]){ DB_TEXT(hr->sha256_hex), DB_END });
			json_t *f = json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "sha256", hr->sha256_hex, "sm3",
					      hr->sm3_hex, "size", (json_int_t)hr->size, "media_type", media_type,
					      "actor_id", (json_int_t)user_id, "unit_id", (json_int_t)unit_id);
			long long idx = -1;
			int rc = ledger_append(db, "file.stored", f, &idx, e);
			json_decref(f);
			if (rc < 0) {
				db_rollback(db);
				return -1;
			}
			if (!have && db_exec(db, "INSERT INTO blobs(sha256, sm3, size, media_type, stored_at, leaf_index, user_id, unit_id)"
					     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", DB_TEXT(hr->sha256_hex), DB_TEXT(hr->sm3_hex),
					     DB_INT(hr->size), DB_TEXT(media_type), DB_TEXT(now), DB_INT(idx), DB_INT(user_id),
					     DB_INT(unit_id)) < 0)
				goto fail;
			if (db_exec(db, "INSERT INTO blob_refs(sha256, unit_id, user_id, stored_at, leaf_index) VALUES (?, ?, ?, ?, ?)",
				    DB_TEXT(hr->sha256_hex), DB_INT(unit_id), DB_INT(user_id), DB_TEXT(now), DB_INT(idx)) < 0)
				goto fail;
			char detail[160], sz[32];
			size_text((long long)hr->size, sz, sizeof sz);
			/* for people: no media type codes (the type is in blobs) */
			snprintf(detail, sizeof detail, "%s，%s，存证序号 %lld", vault_kind_name(media_type), sz, idx);
			if (audit_log(db, a, "vault.store", "blob", hr->sha256_hex, "ok", detail) < 0)
				goto fail;
			out->leaf_index = idx;
		}
		/* what the person said about the file: kept beside the blob,
		 * never in the leaf (a name may carry personal data) */
		if (db_exec(db, "INSERT INTO blob_names(sha256, unit_id, user_id, filename, description, stored_at, upload_id)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?)", DB_TEXT(hr->sha256_hex), DB_INT(unit_id), DB_INT(user_id),
			    DB_TEXT(filename ? filename : ""), DB_TEXT(description ? description : ""), DB_TEXT(now),
			    upload_id ? DB_TEXT(upload_id) : DB_NULL) < 0)
			goto fail;
		if (upload_id && db_exec(db, "UPDATE uploads SET state = 'stored' WHERE id = ?", DB_TEXT(upload_id)) < 0)
			goto fail;
		if (db_commit(db) < 0)
			goto fail;
		return 0;
fail:
		db_res_free(res);
		{
			enum db_err code = db_errcode(db);
			if (code != DBE_CONSTRAINT || attempt == 1)
				log_error("vault: database: %s", db_errmsg(db));
			db_rollback(db);
			if (code != DBE_CONSTRAINT)
				break;
		}
		out->duplicate = false;
	}
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败，文件未登记，请稍后重试。");
}

/* ---- writer ---- */

int vault_writer_open(struct vault *v, struct vault_writer *w, struct err *e)
{
	memset(w, 0, sizeof *w);
	w->path = xasprintf("%s/in-XXXXXX", blobs_staging_dir(v->b));
	w->fd = mkostemp(w->path, O_CLOEXEC);
	if (w->fd < 0) {
		err_set(e, ERR_INTERNAL, "", "无法创建暂存文件：%s", strerror(errno));
		free(w->path);
		w->path = NULL;
		return -1;
	}
	hash2_init(&w->h);
	w->pipe = hash2_pipe_start(&w->h, w->fd, 0, HASH2_PIPE_DIRECT);
	if (!w->pipe) {
		vault_busy_err(e);
		vault_writer_abort(w);
		return -1;
	}
	w->max = v->max;
	return 0;
}

int vault_writer_add(struct vault_writer *w, const void *p, size_t n, struct err *e)
{
	long long end;
	if (n > (size_t)INT64_MAX || __builtin_add_overflow(w->written, (long long)n, &end) || end > w->max) {
		char lim[32];
		size_text(w->max, lim, sizeof lim);
		return err_set(e, ERR_TOOLARGE, "file", "文件超过了允许的大小上限（%s），未保存。", lim);
	}
	if (w->headlen < sizeof w->head) {
		size_t k = sizeof w->head - w->headlen < n ? sizeof w->head - w->headlen : n;
		memcpy(w->head + w->headlen, p, k);
		w->headlen += k;
		/* the type is checked as soon as the first bytes are in, not
		 * after the whole file was sent */
		if (w->headlen == sizeof w->head && !w->type_checked) {
			char detected[128];
			if (vault_check_type(w->claimed, w->head, w->headlen, detected, sizeof detected, e) < 0)
				return -1;
			w->type_checked = true;
		}
	}
	w->written += (long long)n;
	if (hash2_pipe_add(w->pipe, p, n) < 0)
		return err_set(e, ERR_INTERNAL, "", "写入暂存文件失败：%s", strerror(errno));
	return 0;
}

/* Stop the writer's pipe (all bytes written and hashed).  0 or -1 with
 * errno of a failed write. */
static int writer_drain(struct vault_writer *w)
{
	if (!w->pipe)
		return 0;
	int rc = hash2_pipe_finish(w->pipe);
	w->pipe = NULL;
	return rc;
}

void vault_writer_abort(struct vault_writer *w)
{
	writer_drain(w);
	if (w->fd >= 0 && w->path) {
		close(w->fd);
		unlink(w->path);
	}
	if (w->h.sha256)
		hash2_abort(&w->h);
	free(w->path);
	w->path = NULL;
	w->fd = -1;
}

int vault_writer_commit(struct vault *v, struct db *db, const struct actor *a, struct vault_writer *w,
			const char *claimed_type, struct vault_stored *out, struct err *e)
{
	char detected[128];
	if (claimed_type && *claimed_type && !w->claimed[0])
		snprintf(w->claimed, sizeof w->claimed, "%s", claimed_type);
	if (writer_drain(w) < 0) {
		err_set(e, ERR_INTERNAL, "", "写入暂存文件失败：%s", strerror(errno));
		vault_writer_abort(w);
		return -1;
	}
	if (w->written == 0) {
		vault_writer_abort(w);
		return err_set(e, ERR_INVALID, "file", "文件为空（0 字节），未保存。");
	}
	if (vault_check_type(w->claimed, w->head, w->headlen, detected, sizeof detected, e) < 0) {
		vault_writer_abort(w);
		return -1;
	}
	struct hash2_result hr;
	hash2_final(&w->h, &hr);
	int fd = w->fd;
	w->fd = -1;
	if (fsync(fd) < 0) {
		close(fd);
		unlink(w->path);
		free(w->path);
		w->path = NULL;
		return err_set(e, ERR_INTERNAL, "", "无法将文件写入磁盘：%s", strerror(errno));
	}
	close(fd);
	int rc = blobs_put(v->b, hr.sha256_hex, w->path, (long long)hr.size, e);
	if (rc < 0)
		unlink(w->path);
	free(w->path);
	w->path = NULL;
	if (rc < 0)
		return -1;
	return vault_record(db, a, a ? a->user_id : 0, a ? a->unit_id : 0, &hr, detected, NULL, w->filename, w->description,
		      out, e);
}

int vault_writer_describe(struct vault_writer *w, const char *claimed_type, const char *filename,
			  const char *description, struct err *e)
{
	char t[128] = "";
	if (claimed_type)
		norm_type(claimed_type, t, sizeof t);
	snprintf(w->claimed, sizeof w->claimed, "%s", t);
	if (filename && tus_clean_name(filename, strlen(filename), w->filename, sizeof w->filename) < 0)
		return err_set(e, ERR_INVALID, "file", "文件名不是有效的文字（须为 UTF-8 编码）。");
	if (description && tus_clean_text(description, strlen(description), w->description, sizeof w->description) < 0)
		return err_set(e, ERR_INVALID, "description", "说明不是有效的文字（须为 UTF-8 编码）。");
	return 0;
}

int vault_store_path(struct vault *v, struct db *db, const struct actor *a, const char *src,
		     const char *claimed_type, struct vault_stored *out, struct err *e)
{
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_NOTFOUND, "file", "无法打开文件：%s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ERR_INVALID, "file", "不是普通文件，未保存。");
	}
	struct vault_writer w;
	if (vault_writer_open(v, &w, e) < 0) {
		close(fd);
		return -1;
	}
	/* the command line: the file's own name, the claim given */
	if (vault_writer_describe(&w, claimed_type, src, NULL, e) < 0) {
		vault_writer_abort(&w);
		close(fd);
		return -1;
	}
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(e, ERR_INTERNAL, "file", "读取文件失败：%s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (vault_writer_add(&w, buf, (size_t)n, e) < 0) {
			rc = -1;
			break;
		}
	}
	free(buf);
	close(fd);
	if (rc < 0) {
		vault_writer_abort(&w);
		return -1;
	}
	return vault_writer_commit(v, db, a, &w, claimed_type, out, e);
}

/* ---- verification ---- */

struct rehash {
	struct hash2 h;
};

static int rehash_sink(void *ctx, const void *data, size_t n)
{
	struct rehash *r = ctx;
	hash2_update(&r->h, data, n);
	return 0;
}

static int verify_leaf(void *ctx, struct db *db, long long index, const json_t *leaf, struct ledger_report *rep,
		       struct err *e)
{
	(void)db;
	(void)e;
	struct vault *v = ctx;
	if (!str_eq(json_string_value(json_object_get(leaf, "type")), "file.stored"))
		return 0;
	const char *sha = json_string_value(json_object_get(leaf, "sha256"));
	const char *sm3 = json_string_value(json_object_get(leaf, "sm3"));
	json_t *sz = json_object_get(leaf, "size");
	if (!hash_hex_valid(sha) || !hash_hex_valid(sm3) || !json_is_integer(sz)) {
		ledger_report_add(rep, "叶子 #%lld: 文件存证叶子缺少有效的 sha256、sm3 或 size", index);
		return 0;
	}
	struct rehash rh;
	hash2_init(&rh.h);
	struct err re = ERR_INIT;
	if (blobs_read(v->b, sha, rehash_sink, &rh, &re) < 0) {
		hash2_abort(&rh.h);
		if (re.kind == ERR_NOTFOUND)
			ledger_report_add(rep, "叶子 #%lld: 存储的文件 %s 缺失", index, sha);
		else
			ledger_report_add(rep, "叶子 #%lld: 无法读取存储的文件 %s: %s", index, sha, re.msg);
		return 0;
	}
	struct hash2_result hr;
	hash2_final(&rh.h, &hr);
	if ((long long)hr.size != (long long)json_integer_value(sz))
		ledger_report_add(rep, "叶子 #%lld: 存储的文件 %s 大小为 %llu 字节，与记录的 %lld 字节不符", index, sha,
				  hr.size, (long long)json_integer_value(sz));
	if (strcmp(hr.sha256_hex, sha) != 0)
		ledger_report_add(rep, "叶子 #%lld: 存储的文件 %s 内容已被改动（重新计算的 SHA-256 为 %s）", index, sha,
				  hr.sha256_hex);
	if (strcmp(hr.sm3_hex, sm3) != 0)
		ledger_report_add(rep, "叶子 #%lld: 存储的文件 %s 的 SM3 与记录不符（重新计算为 %s）", index, sha, hr.sm3_hex);
	return 0;
}

void vault_verify_install(struct vault *v)
{
	ledger_verify_hook_add(verify_leaf, v);
}
