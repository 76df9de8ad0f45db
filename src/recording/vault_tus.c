/*
 * vault_tus.c - resumable uploads into the evidence vault (tus): creating
 * an upload, PATCH requests with one writer per upload (claims), finishing
 * a complete upload into the store, and expiry.  See vault.h for the
 * invariants.
 *
 * The upload row is first marked 'complete' with the hashes (after
 * fsync), so a crash between the steps is finished by the next request
 * that reads the upload (vault_upload_get), never lost.
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


#define UPLOAD_TTL_DAYS 7
/* A PATCH's claim on its upload lives this long unless renewed (every
 * CLAIM_RENEW seconds while bytes arrive). */
#define CLAIM_TTL 300
#define CLAIM_RENEW 60

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
		return vault_db_fail(db, e);
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
		return vault_db_fail(db, e);
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
		return vault_db_fail(db, e);
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
		rc = vault_record(db, &owner, u->owner, u->unit_id, &hr, detected, u->id, fname, desc, stored, e);
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
		return vault_db_fail(db, e);
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
		return vault_db_fail(db, e);
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
		vault_busy_err(e);
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
			if (vault_check_type(p->claimed, p->head, p->headlen, detected, sizeof detected, e) < 0) {
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
				vault_db_fail(db, e);
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
	if (hn <= 0 || vault_check_type(p->claimed, head, (size_t)hn, detected, sizeof detected, e) < 0) {
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
			vault_db_fail(db, e);
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
		return vault_db_fail(db, e);
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
			rc = vault_db_fail(db, e);
			break;
		}
		(*removed)++;
	}
	db_res_free(r);
	if (*removed)
		log_info("vault: 已清理 %d 个过期的未完成上传", *removed);
	return rc;
}
