/*
 * vault.c - the evidence vault: checks, deduplication, the "file.stored"
 * leaf, the operation log, tus uploads and the verification hook.  See
 * vault.h for the invariants.
 *
 * Order of a store (crash safety): bytes fsync'ed in a staging/partial
 * file -> blob durable in the store (blobs_put) -> one transaction with
 * the blobs/blob_refs rows, the ledger leaf and the operation-log row.
 * For tus, the upload row is first marked 'complete' with the hashes
 * (after fsync), so a crash between the steps is finished by the next
 * request that reads the upload (vault_upload_get), never lost.
 *
 * Running hashes of uploads between PATCH requests are kept in memory
 * (a small cache keyed by upload id, an optimisation only); after a
 * restart, or when evicted, they are rebuilt by reading the partial file
 * once.  Writers are kept apart by claims (see "claims" below), not by
 * the cache.
 */
#include "core/core.h"
#include "actor/scope.h"
#include "core/hash.h"
#include "recording/vault.h"
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

#define HEAD_BYTES 16384
#define UPLOAD_TTL_DAYS 7
#define CACHE_SLOTS 64
/* A PATCH's claim on its upload lives this long unless renewed (every
 * CLAIM_RENEW seconds while bytes arrive). */
#define CLAIM_TTL 300
#define CLAIM_RENEW 60

struct hcache {
	char id[33];
	struct hash2 h;
	long long offset;
	bool used, busy;
	unsigned long long stamp;
};

struct vault {
	struct blobs *b;
	char *uploads;
	char *old_uploads;      /* DATA/uploads of earlier versions, or NULL */
	long long max, form_max;
	pthread_mutex_t lock;
	struct hcache cache[CACHE_SLOTS];
	unsigned long long clock;
	char host[72];          /* "HOSTNAME " prefix of this process's claims */
};

struct vault_patch {
	struct vault *v;
	char id[33];
	char claimed[128];
	int fd;
	struct hash2 h;
	struct hash2_pipe *pipe; /* hashes and writes on helper threads */
	long long offset, start, length, owner, unit_id;
	int slot;
	char claim[128];        /* claimed_by of this PATCH ("" = none held) */
	long long renewed_at;   /* unix seconds of the claim's last renewal */
	/* the first bytes of the upload, checked against the claimed type as
	 * soon as they are in */
	unsigned char head[HEAD_BYTES];
	size_t headlen;
	bool head_done;
	bool type_refused;      /* the content is not the claimed type */
	char refused[512];      /* why (for the upload row) */
};

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

static int db_fail(struct db *db, struct err *e)
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
static int busy_err(struct err *e)
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

static int check_type(const char *claimed, const void *head, size_t n, char *detected, size_t cap, struct err *e)
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
static int record(struct db *db, const struct actor *a, long long user_id, long long unit_id,
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
			return db_fail(db, e);
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
			char detail[160];
			snprintf(detail, sizeof detail, "size=%llu type=%s leaf=%lld", hr->size, media_type, idx);
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
		busy_err(e);
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
			if (check_type(w->claimed, w->head, w->headlen, detected, sizeof detected, e) < 0)
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
	if (check_type(w->claimed, w->head, w->headlen, detected, sizeof detected, e) < 0) {
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
	return record(db, a, a ? a->user_id : 0, a ? a->unit_id : 0, &hr, detected, NULL, w->filename, w->description,
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
		return db_fail(db, e);
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
			return db_fail(db, e);
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
		return db_fail(db, e);
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
	char detail[200];
	if (out->partial)
		snprintf(detail, sizeof detail, "size=%lld type=%s range=%lld-%lld", size, out->media_type, out->from,
			 out->from + out->len - 1);
	else
		snprintf(detail, sizeof detail, "size=%lld type=%s", size, out->media_type);
	if (audit_log(db, a, preview ? "vault.preview" : "vault.download", "blob", sha256, "ok", detail) < 0) {
		close(fd);
		return db_fail(db, e);
	}
	out->fd = fd;
	out->size = size;
	return 0;
}

/* ---- tus uploads ---- */

static char *part_path(struct vault *v, const char *id)
{
	char *p = xasprintf("%s/%s.part", v->uploads, id);
	if (v->old_uploads && access(p, F_OK) != 0) {
		char *old = xasprintf("%s/%s.part", v->old_uploads, id);
		if (access(old, F_OK) == 0 && rename(old, p) != 0) {
			/* another volume: keep using it there (blobs_put copies
			 * across volumes) */
			free(p);
			return old;
		}
		free(old);
	}
	return p;
}

static bool id_valid(const char *id)
{
	return hex_valid(id, 32);
}

int vault_upload_create(struct vault *v, struct db *db, const struct actor *a, long long length,
			const char *metadata, char id[33], struct err *e)
{
	id[0] = '\0';
	if (!actor_logged_in(a))
		return err_set(e, ERR_UNAUTH, "", "请先登录。");
	if (length <= 0)
		return err_set(e, ERR_INVALID, "Upload-Length", "上传长度（Upload-Length）须为正整数，空文件不能上传。");
	if (length > v->max) {
		char lim[32];
		size_text(v->max, lim, sizeof lim);
		return err_set(e, ERR_TOOLARGE, "Upload-Length", "文件超过了允许的大小上限（%s），不能上传。", lim);
	}
	struct tus_metadata md;
	if (tus_metadata_parse(metadata, &md) < 0)
		return err_set(e, ERR_INVALID, "Upload-Metadata", "上传元数据（Upload-Metadata）格式不正确。");
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	hex_encode(raw, sizeof raw, id);
	char *path = part_path(v, id);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		free(path);
		id[0] = '\0';
		return err_set(e, ERR_INTERNAL, "", "无法创建上传文件：%s", strerror(errno));
	}
	close(fd);
	int dfd = open(v->uploads, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	char now[21], exp[21];
	time_now_utc(now);
	time_unix_to_utc(time_now_unix() + UPLOAD_TTL_DAYS * 86400LL, exp);
	char detail[96];
	snprintf(detail, sizeof detail, "length=%lld", length);
	if (db_begin(db) < 0 ||
	    db_exec(db, "INSERT INTO uploads(id, length, upload_offset, metadata, media_type, owner, unit_id, created_at,"
			" expires_at, state, filename, description) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
		    DB_TEXT(id), DB_INT(length), DB_TEXT(metadata ? metadata : ""), DB_TEXT(md.type), DB_INT(a->user_id),
		    DB_INT(a->unit_id), DB_TEXT(now), DB_TEXT(exp), DB_TEXT(md.filename), DB_TEXT(md.description)) < 0 ||
	    audit_log(db, a, "vault.upload_create", "upload", id, "ok", detail) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		unlink(path);
		free(path);
		id[0] = '\0';
		return db_fail(db, e);
	}
	free(path);
	return 0;
}

static int load_upload(struct db *db, const char *id, struct vault_upload *u, struct err *e)
{
	memset(u, 0, sizeof *u);
	if (!id_valid(id))
		return err_set(e, ERR_NOTFOUND, "id", "没有这个上传任务。");
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT length, upload_offset, media_type, state, COALESCE(sha256, ''), owner, unit_id,"
			     " expires_at, COALESCE(refused_reason, '') FROM uploads WHERE id = ?", DB_TEXT(id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "没有这个上传任务。");
	}
	snprintf(u->id, sizeof u->id, "%s", id);
	u->length = db_int(r, 0, 0);
	u->offset = db_int(r, 0, 1);
	snprintf(u->media_type, sizeof u->media_type, "%s", db_text(r, 0, 2));
	snprintf(u->state, sizeof u->state, "%s", db_text(r, 0, 3));
	snprintf(u->sha256, sizeof u->sha256, "%s", db_text(r, 0, 4));
	u->owner = db_int(r, 0, 5);
	u->unit_id = db_int(r, 0, 6);
	snprintf(u->expires_at, sizeof u->expires_at, "%s", db_text(r, 0, 7));
	snprintf(u->refused_reason, sizeof u->refused_reason, "%s", db_text(r, 0, 8));
	db_res_free(r);
	return 0;
}

/* Finish an upload left 'complete': blob durable (from the partial file,
 * or already in the store), then the record. */
static int finish_complete(struct vault *v, struct db *db, const struct actor *a, struct vault_upload *u,
			   struct vault_stored *stored, struct err *e)
{
	struct db_res *r = NULL;
	if (db_query(db, &r, "SELECT sha256, sm3, detected_type, state, filename, description FROM uploads WHERE id = ?",
		     DB_TEXT(u->id)) < 0)
		return db_fail(db, e);
	if (r->nrows == 0) {
		db_res_free(r);
		return err_set(e, ERR_NOTFOUND, "id", "没有这个上传任务。");
	}
	if (strcmp(db_text(r, 0, 3), "expired") == 0) {
		/* cleaned up by vault_uploads_expire while its last PATCH ran */
		db_res_free(r);
		char *gone = part_path(v, u->id);
		unlink(gone);
		free(gone);
		return err_set(e, 410, "", "该上传任务已过期，请重新上传。");
	}
	struct hash2_result hr;
	memset(&hr, 0, sizeof hr);
	snprintf(hr.sha256_hex, sizeof hr.sha256_hex, "%s", db_text(r, 0, 0));
	snprintf(hr.sm3_hex, sizeof hr.sm3_hex, "%s", db_text(r, 0, 1));
	hr.size = (unsigned long long)u->length;
	char detected[128];
	snprintf(detected, sizeof detected, "%s", db_text(r, 0, 2));
	char *fname = xstrdup(db_text(r, 0, 4)), *desc = xstrdup(db_text(r, 0, 5));
	db_res_free(r);
	if (!hash_hex_valid(hr.sha256_hex) || !hash_hex_valid(hr.sm3_hex)) {
		free(fname);
		free(desc);
		return err_set(e, ERR_INTERNAL, "", "上传记录的哈希缺失");
	}
	char *path = part_path(v, u->id);
	struct stat st;
	int rc;
	if (stat(path, &st) == 0) {
		rc = blobs_put(v->b, hr.sha256_hex, path, u->length, e);
	} else {
		long long have = 0;
		rc = blobs_stat(v->b, hr.sha256_hex, &have, e);
		if (rc == 0 || (rc == 1 && have != u->length))
			rc = err_set(e, ERR_INTERNAL, "", "上传的文件在保存过程中丢失");
	}
	free(path);
	struct actor owner = *a;
	if (rc >= 0)
		rc = record(db, &owner, u->owner, u->unit_id, &hr, detected, u->id, fname, desc, stored, e);
	free(fname);
	free(desc);
	if (rc < 0)
		return -1;
	snprintf(u->state, sizeof u->state, "stored");
	snprintf(u->sha256, sizeof u->sha256, "%s", hr.sha256_hex);
	u->offset = u->length;
	return 0;
}

/* Expired: marked so by vault_uploads_expire, or still open past its
 * expiry time. */
static bool upload_expired(const struct vault_upload *u)
{
	if (strcmp(u->state, "expired") == 0)
		return true;
	if (strcmp(u->state, "open") != 0)
		return false;
	char now[21];
	time_now_utc(now);
	return strcmp(now, u->expires_at) > 0;
}

int vault_upload_get(struct vault *v, struct db *db, const struct actor *a, const char *id,
		     struct vault_upload *out, struct err *e)
{
	if (load_upload(db, id, out, e) < 0)
		return -1;
	if (!a || a->user_id != out->owner)
		return err_set(e, ERR_FORBIDDEN, "", "这不是您创建的上传任务。");
	if (upload_expired(out))
		return err_set(e, 410, "", "该上传任务已过期，请重新上传。");
	if (strcmp(out->state, "complete") == 0) {
		struct vault_stored st;
		if (finish_complete(v, db, a, out, &st, e) < 0)
			return -1;
	}
	return 0;
}

/* The cache slot for id, taken (busy); its hash is valid when
 * slot.offset == offset.  -1 when another PATCH holds it. */
static int cache_take(struct vault *v, const char *id, long long offset, struct hash2 *h, bool *have)
{
	pthread_mutex_lock(&v->lock);
	int slot = -1, free_slot = -1, oldest = -1;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct hcache *c = &v->cache[i];
		if (c->used && strcmp(c->id, id) == 0)
			slot = i;
		else if (!c->used && free_slot < 0)
			free_slot = i;
		else if (c->used && !c->busy && (oldest < 0 || c->stamp < v->cache[oldest].stamp))
			oldest = i;
	}
	*have = false;
	if (slot >= 0) {
		struct hcache *c = &v->cache[slot];
		if (c->busy) {
			pthread_mutex_unlock(&v->lock);
			return -2;
		}
		if (c->offset == offset) {
			*h = c->h;
			*have = true;
		} else {
			hash2_abort(&c->h);
		}
	} else {
		slot = free_slot >= 0 ? free_slot : oldest;
		if (slot < 0) {
			pthread_mutex_unlock(&v->lock);
			return -1;
		}
		if (v->cache[slot].used)
			hash2_abort(&v->cache[slot].h);
	}
	struct hcache *c = &v->cache[slot];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", id);
	c->used = c->busy = true;
	c->stamp = ++v->clock;
	pthread_mutex_unlock(&v->lock);
	return slot;
}

/* Give the slot back: with the running hash (h not NULL) or emptied. */
static void cache_give(struct vault *v, int slot, struct hash2 *h, long long offset)
{
	pthread_mutex_lock(&v->lock);
	struct hcache *c = &v->cache[slot];
	if (h) {
		c->h = *h;
		c->offset = offset;
		c->busy = false;
		c->stamp = ++v->clock;
	} else {
		memset(c, 0, sizeof *c);
	}
	pthread_mutex_unlock(&v->lock);
}

/* ---- claims: one writer per upload ----
 * A PATCH holds the partial file's flock and the upload row's claim
 * (claimed_by, claimed_at) from its beginning to its end.  The claim is
 * taken with one conditional UPDATE (rows affected checked through
 * RETURNING), so of two writers in any processes or instances exactly one
 * succeeds; the offset check is part of the same statement.  A claim may
 * be taken over when it is older than CLAIM_TTL, or when it was made on
 * this host and we hold the file lock (its writer has ended). */

static int claim_take(struct vault *v, struct db *db, struct vault_patch *p, struct err *e)
{
	unsigned char rnd[8];
	char rhex[17];
	randombytes_buf(rnd, sizeof rnd);
	hex_encode(rnd, sizeof rnd, rhex);
	snprintf(p->claim, sizeof p->claim, "%s%ld %s", v->host, (long)getpid(), rhex);
	long long now = time_now_unix();
	struct db_res *r = NULL;
	if (db_query(db, &r,
		     "UPDATE uploads SET claimed_by = ?, claimed_at = ? WHERE id = ? AND state = 'open' AND upload_offset = ?"
		     " AND (claimed_by IS NULL OR claimed_at < ? OR substr(claimed_by, 1, ?) = ?) RETURNING id",
		     DB_TEXT(p->claim), DB_INT(now), DB_TEXT(p->id), DB_INT(p->start), DB_INT(now - CLAIM_TTL),
		     DB_INT((long long)strlen(v->host)), DB_TEXT(v->host)) < 0) {
		p->claim[0] = '\0';
		return db_fail(db, e);
	}
	int got = r->nrows;
	db_res_free(r);
	if (got == 1) {
		p->renewed_at = now;
		return 0;
	}
	p->claim[0] = '\0';
	/* why not: the offset moved or the upload ended meanwhile, or
	 * another writer holds it */
	struct vault_upload u;
	if (load_upload(db, p->id, &u, e) < 0)
		return -1;
	if (strcmp(u.state, "open") != 0)
		return err_set(e, ERR_CONFLICT, "Upload-Offset", "该上传已完成，不能再追加内容。");
	if (u.offset != p->start)
		return err_set(e, ERR_CONFLICT, "Upload-Offset",
			       "上传偏移量（Upload-Offset）为 %lld，与服务器已收到的 %lld 字节不符。", p->start, u.offset);
	return err_set(e, ERR_LOCKED, "", "该文件正在另一个连接中上传，请稍后再试。");
}

/* Run an UPDATE ... RETURNING id guarded by the PATCH's claim; 1 when it
 * changed the row, 0 when the claim was lost, -1 on a database error. */
static int claimed_update(struct db *db, const char *sql, const struct db_val *vals)
{
	struct db_res *r = NULL;
	if (db_query_a(db, sql, vals, &r) < 0)
		return -1;
	int got = r->nrows;
	db_res_free(r);
	return got == 1;
}

/* Give the claim back (db NULL: left to expire or to be taken over on
 * this host). */
static void claim_drop(struct db *db, struct vault_patch *p)
{
	if (!p->claim[0] || !db)
		return;
	if (db_exec(db, "UPDATE uploads SET claimed_by = NULL, claimed_at = NULL WHERE id = ? AND claimed_by = ?",
		    DB_TEXT(p->id), DB_TEXT(p->claim)) < 0)
		log_error("vault: database: %s", db_errmsg(db));
	p->claim[0] = '\0';
}

bool vault_patch_renew_due(const struct vault_patch *p)
{
	return p->claim[0] && time_now_unix() - p->renewed_at >= CLAIM_RENEW;
}

int vault_patch_renew(struct vault_patch *p, struct db *db, struct err *e)
{
	long long now = time_now_unix();
	struct db_res *r = NULL;
	if (db_query(db, &r, "UPDATE uploads SET claimed_at = ? WHERE id = ? AND claimed_by = ? RETURNING id",
		     DB_INT(now), DB_TEXT(p->id), DB_TEXT(p->claim)) < 0)
		return db_fail(db, e);
	int got = r->nrows;
	db_res_free(r);
	if (got != 1) {
		p->claim[0] = '\0';
		return err_set(e, ERR_LOCKED, "", "该文件已被另一个连接接管上传，本次上传的内容未保存。");
	}
	p->renewed_at = now;
	return 0;
}

struct vault_patch *vault_patch_begin(struct vault *v, struct db *db, const struct actor *a, const char *id,
				      long long offset, long long content_length, struct err *e)
{
	struct vault_upload u;
	if (load_upload(db, id, &u, e) < 0)
		return NULL;
	if (!a || a->user_id != u.owner) {
		err_set(e, ERR_FORBIDDEN, "", "这不是您创建的上传任务。");
		return NULL;
	}
	if (strcmp(u.state, "refused") == 0) {
		err_set(e, 410, "", "该上传已被拒收：%s", u.refused_reason);
		return NULL;
	}
	if (upload_expired(&u)) {
		err_set(e, 410, "", "该上传任务已过期，请重新上传。");
		return NULL;
	}
	if (strcmp(u.state, "open") != 0) {
		err_set(e, ERR_CONFLICT, "Upload-Offset", "该上传已完成，不能再追加内容。");
		return NULL;
	}
	if (offset != u.offset) {
		err_set(e, ERR_CONFLICT, "Upload-Offset", "上传偏移量（Upload-Offset）为 %lld，与服务器已收到的 %lld 字节不符。",
			offset, u.offset);
		return NULL;
	}
	if (!tus_fits(offset, content_length, u.length)) {
		err_set(e, ERR_TOOLARGE, "Upload-Length", "上传的内容超出了声明的文件长度（%lld 字节）。", u.length);
		return NULL;
	}
	struct vault_patch *p = xcalloc(1, sizeof *p);
	p->v = v;
	p->fd = -1;
	p->slot = -1;
	snprintf(p->id, sizeof p->id, "%s", id);
	snprintf(p->claimed, sizeof p->claimed, "%s", u.media_type);
	p->offset = p->start = offset;
	p->length = u.length;
	p->owner = u.owner;
	p->unit_id = u.unit_id;
	char *path = part_path(v, id);
	p->fd = open(path, O_RDWR | O_CLOEXEC);
	free(path);
	if (p->fd < 0) {
		err_set(e, ERR_INTERNAL, "", "上传的部分文件缺失，请重新上传。");
		vault_patch_abort(p, NULL);
		return NULL;
	}
	/* one writer at a time: the partial file's lock (every writer on
	 * this host, in any process) and the claim in the database (every
	 * instance); only then is the file cut back and written */
	if (flock(p->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			err_set(e, ERR_LOCKED, "", "该文件正在另一个连接中上传，请稍后再试。");
		else
			err_set(e, ERR_INTERNAL, "", "无法锁定上传文件：%s", strerror(errno));
		vault_patch_abort(p, NULL);
		return NULL;
	}
	if (claim_take(v, db, p, e) < 0) {
		vault_patch_abort(p, NULL);
		return NULL;
	}
	bool have = false;
	p->slot = cache_take(v, id, offset, &p->h, &have);
	if (p->slot == -2) {
		err_set(e, ERR_LOCKED, "", "该文件正在另一个连接中上传，请稍后再试。");
		vault_patch_abort(p, db);
		return NULL;
	}
	struct stat st;
	if (fstat(p->fd, &st) < 0 || st.st_size < offset || (st.st_size > offset && ftruncate(p->fd, offset) < 0)) {
		err_set(e, ERR_INTERNAL, "", "上传的部分文件缺失或不完整，请重新上传。");
		if (have)
			hash2_abort(&p->h);
		vault_patch_abort(p, db);
		return NULL;
	}
	if (!have) {
		hash2_init(&p->h);
		if (hash2_fd(&p->h, p->fd, offset) != offset) {
			err_set(e, ERR_INTERNAL, "", "无法读取已上传的部分文件");
			hash2_abort(&p->h);
			vault_patch_abort(p, db);
			return NULL;
		}
	}
	/* the head of the upload so far, for the type check */
	if (offset < HEAD_BYTES) {
		ssize_t hn = offset ? pread(p->fd, p->head, (size_t)offset, 0) : 0;
		if (hn != (ssize_t)offset) {
			err_set(e, ERR_INTERNAL, "", "无法读取已上传的部分文件");
			vault_patch_abort(p, db);
			return NULL;
		}
		p->headlen = (size_t)offset;
	} else {
		p->head_done = true;
	}
	p->pipe = hash2_pipe_start(&p->h, p->fd, offset, HASH2_PIPE_DIRECT);
	if (!p->pipe) {
		busy_err(e);
		/* the running hash is still good: keep it for the retry */
		close(p->fd);
		p->fd = -1;
		claim_drop(db, p);
		if (p->slot >= 0)
			cache_give(v, p->slot, &p->h, offset);
		else
			hash2_abort(&p->h);
		free(p);
		return NULL;
	}
	return p;
}

int vault_patch_write(struct vault_patch *p, const void *data, size_t n, struct err *e)
{
	long long end;
	if (n > (size_t)INT64_MAX || __builtin_add_overflow(p->offset, (long long)n, &end) || end > p->length)
		return err_set(e, ERR_TOOLARGE, "Upload-Length", "上传的内容超出了声明的文件长度（%lld 字节）。", p->length);
	if (!p->head_done) {
		size_t want = p->length < HEAD_BYTES ? (size_t)p->length : HEAD_BYTES;
		size_t k = want - p->headlen < n ? want - p->headlen : n;
		memcpy(p->head + p->headlen, data, k);
		p->headlen += k;
		if (p->headlen == want) {
			/* the first bytes are in: is it what was claimed?  Refused
			 * now, not after the whole file was sent */
			p->head_done = true;
			char detected[128];
			if (check_type(p->claimed, p->head, p->headlen, detected, sizeof detected, e) < 0) {
				p->type_refused = true;
				snprintf(p->refused, sizeof p->refused, "%s", e ? e->msg : "");
				return -1;
			}
		}
	}
	p->offset += (long long)n;
	if (hash2_pipe_add(p->pipe, data, n) < 0)
		return err_set(e, ERR_INTERNAL, "", "写入上传文件失败：%s", strerror(errno));
	return 0;
}

long long vault_patch_start(const struct vault_patch *p)
{
	return p->start;
}

void vault_patch_abort(struct vault_patch *p, struct db *db)
{
	if (!p)
		return;
	if (p->pipe)
		hash2_pipe_finish(p->pipe);
	p->pipe = NULL;
	if (p->type_refused && p->claim[0] && db) {
		/* the content is not what was claimed: the upload is refused
		 * and its partial file removed */
		int rc = claimed_update(db, "UPDATE uploads SET state = 'refused', refused_reason = ?, claimed_by = NULL,"
					    " claimed_at = NULL WHERE id = ? AND claimed_by = ? AND state = 'open' RETURNING id",
					(const struct db_val[]){ DB_TEXT(p->refused), DB_TEXT(p->id), DB_TEXT(p->claim), DB_END });
		if (rc == 1) {
			p->claim[0] = '\0';
			char *path = part_path(p->v, p->id);
			unlink(path);
			free(path);
		}
	}
	claim_drop(db, p);
	if (p->fd >= 0)
		close(p->fd);
	if (p->slot >= 0)
		cache_give(p->v, p->slot, NULL, 0);
	if (p->h.sha256)
		hash2_abort(&p->h);
	free(p);
}

int vault_patch_end(struct vault_patch *p, struct db *db, const struct actor *a, long long *offset,
		    struct vault_stored *stored, struct err *e)
{
	struct vault *v = p->v;
	memset(stored, 0, sizeof *stored);
	*offset = p->start;
	int drained = p->pipe ? hash2_pipe_finish(p->pipe) : 0;
	p->pipe = NULL;
	if (drained < 0) {
		err_set(e, ERR_INTERNAL, "", "写入上传文件失败：%s", strerror(errno));
		vault_patch_abort(p, db);
		return -1;
	}
	if (fsync(p->fd) < 0) {
		err_set(e, ERR_INTERNAL, "", "无法将上传内容写入磁盘：%s", strerror(errno));
		vault_patch_abort(p, db);
		return -1;
	}
	if (p->offset < p->length) {
		/* record the new offset and give the claim back, only if the
		 * claim is still ours */
		int rc = claimed_update(db, "UPDATE uploads SET upload_offset = ?, claimed_by = NULL, claimed_at = NULL"
					    " WHERE id = ? AND claimed_by = ? RETURNING id",
					(const struct db_val[]){ DB_INT(p->offset), DB_TEXT(p->id), DB_TEXT(p->claim), DB_END });
		if (rc <= 0) {
			if (rc < 0)
				db_fail(db, e);
			else
				err_set(e, ERR_LOCKED, "", "该文件已被另一个连接接管上传，本次上传的内容未保存。");
			p->claim[0] = '\0';
			vault_patch_abort(p, db);
			return -1;
		}
		p->claim[0] = '\0';
		*offset = p->offset;
		close(p->fd);
		if (p->slot >= 0)
			cache_give(v, p->slot, &p->h, p->offset);
		else
			hash2_abort(&p->h);
		free(p);
		return 0;
	}
	/* the last byte is in: check the content, record the hashes, store;
	 * the writer is closed before the file is linked into the store */
	unsigned char head[HEAD_BYTES];
	ssize_t hn = pread(p->fd, head, sizeof head, 0);
	close(p->fd);
	p->fd = -1;
	struct hash2_result hr;
	hash2_final(&p->h, &hr);
	char detected[128];
	struct vault_upload u;
	if (hn <= 0 || check_type(p->claimed, head, (size_t)hn, detected, sizeof detected, e) < 0) {
		if (hn <= 0)
			err_set(e, ERR_INTERNAL, "", "无法读取上传的文件");
		int rc = claimed_update(db, "UPDATE uploads SET upload_offset = ?, state = 'refused', refused_reason = ?,"
					    " claimed_by = NULL, claimed_at = NULL WHERE id = ? AND claimed_by = ? RETURNING id",
					(const struct db_val[]){ DB_INT(p->offset), DB_TEXT(e ? e->msg : ""), DB_TEXT(p->id),
								 DB_TEXT(p->claim), DB_END });
		p->claim[0] = '\0';
		if (rc == 1) {
			char *path = part_path(v, p->id);
			unlink(path);
			free(path);
			*offset = p->offset;
		}
		vault_patch_abort(p, db);
		return -1;
	}
	int rc = claimed_update(db, "UPDATE uploads SET upload_offset = ?, state = 'complete', sha256 = ?, sm3 = ?,"
				    " detected_type = ?, claimed_by = NULL, claimed_at = NULL"
				    " WHERE id = ? AND state = 'open' AND claimed_by = ? RETURNING id",
				(const struct db_val[]){ DB_INT(p->offset), DB_TEXT(hr.sha256_hex), DB_TEXT(hr.sm3_hex),
							 DB_TEXT(detected), DB_TEXT(p->id), DB_TEXT(p->claim), DB_END });
	if (rc <= 0) {
		if (rc < 0)
			db_fail(db, e);
		else
			err_set(e, ERR_LOCKED, "", "该文件已被另一个连接接管上传，本次上传的内容未保存。");
		p->claim[0] = '\0';
		vault_patch_abort(p, db);
		return -1;
	}
	p->claim[0] = '\0';
	*offset = p->offset;
	memset(&u, 0, sizeof u);
	snprintf(u.id, sizeof u.id, "%s", p->id);
	u.length = p->length;
	u.owner = p->owner;
	u.unit_id = p->unit_id;
	vault_patch_abort(p, db);
	return finish_complete(v, db, a, &u, stored, e);
}

/* ---- expiry ---- */

/* Forget the running hash kept for id, unless a PATCH holds it. */
static void cache_drop(struct vault *v, const char *id)
{
	pthread_mutex_lock(&v->lock);
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct hcache *c = &v->cache[i];
		if (c->used && !c->busy && strcmp(c->id, id) == 0) {
			hash2_abort(&c->h);
			memset(c, 0, sizeof *c);
		}
	}
	pthread_mutex_unlock(&v->lock);
}

int vault_uploads_expire(struct vault *v, struct db *db, const char *now_utc, int *removed, struct err *e)
{
	*removed = 0;
	char now[21];
	if (now_utc)
		snprintf(now, sizeof now, "%s", now_utc);
	else
		time_now_utc(now);
	long long t = time_utc_parse(now);
	if (t < 0)
		return err_set(e, ERR_INVALID, "now", "时间格式不正确：%s", now);
	char cutoff[21];
	time_unix_to_utc(t - VAULT_UPLOAD_GRACE_SECONDS, cutoff);
	struct db_res *r = NULL;
	/* an upload a PATCH is writing now (a live claim) is left alone */
	if (db_query(db, &r, "SELECT id, upload_offset, length FROM uploads WHERE state = 'open' AND expires_at < ?"
			     " AND (claimed_by IS NULL OR claimed_at < ?) ORDER BY expires_at, id",
		     DB_TEXT(cutoff), DB_INT(time_now_unix() - CLAIM_TTL)) < 0)
		return db_fail(db, e);
	int rc = 0;
	for (int i = 0; i < r->nrows; i++) {
		const char *id = db_text(r, i, 0);
		if (!id_valid(id))
			continue;
		/* the file first: a crash before the row is marked leaves an
		 * open, expired row that the next run finds again */
		char *path = part_path(v, id);
		int gone = unlink(path);
		int uerr = errno;
		free(path);
		if (gone < 0 && uerr != ENOENT) {
			log_error("vault: 无法删除过期上传 %s 的部分文件：%s", id, strerror(uerr));
			continue;
		}
		cache_drop(v, id);
		char detail[96];
		snprintf(detail, sizeof detail, "offset=%lld length=%lld", db_int(r, i, 1), db_int(r, i, 2));
		if (db_begin(db) < 0 ||
		    db_exec(db, "UPDATE uploads SET state = 'expired' WHERE id = ? AND state = 'open' AND expires_at < ?",
			    DB_TEXT(id), DB_TEXT(cutoff)) < 0 ||
		    audit_log(db, NULL, "vault.upload_expire", "upload", id, "ok", detail) < 0 || db_commit(db) < 0) {
			db_rollback(db);
			rc = db_fail(db, e);
			break;
		}
		(*removed)++;
	}
	db_res_free(r);
	if (*removed)
		log_info("vault: 已清理 %d 个过期的未完成上传", *removed);
	return rc;
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
