/*
 * blobs_fs.c - the folder back end of the blob store.
 *
 * Layout: ROOT/sha256/ab/<hex> (stored, mode 0444), ROOT/tmp/ (staging).
 * A blob counts as stored only when its path exists, and a path is only
 * ever created by link() of a staging file whose bytes were fsync'ed
 * before, followed by fsync of the directory: a crash at any moment
 * leaves either no path or a complete file.  Stale staging files are
 * never read as blobs.  Nothing here unlinks or rewrites a stored path.
 */
#include "core/core.h"
#include "store/blobs.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* mkdir -p, durably: every folder created is made durable in its parent
 * (fsync of the parent folder), so a crash cannot lose a folder that a
 * stored file's name was linked into.  0 or -1 with errno. */
static int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path);
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) == 0) {
			char *slash = strrchr(p, '/');
			char *parent = slash == p ? xstrdup("/") : xstrndup(p, (size_t)(slash - p));
			int sr = fsync_path(parent, O_RDONLY | O_DIRECTORY);
			free(parent);
			if (sr < 0) {
				rc = -1;
				break;
			}
		} else if (errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	int saved = errno;
	free(p);
	errno = saved;
	return rc;
}

/* Copy src into a new staging file of b (fsync'ed); its path, or NULL. */
static char *stage_copy(struct blobs *b, const char *src)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return NULL;
	char *dst = xasprintf("%s/copy-XXXXXX", b->staging);
	int out = mkostemp(dst, O_CLOEXEC);
	if (out < 0) {
		close(in);
		free(dst);
		return NULL;
	}
	enum { CHUNK = 1 << 20 };
	char *buf = xmalloc(CHUNK);
	int ok = 1;
	for (;;) {
		ssize_t n = read(in, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = n == 0;
			break;
		}
		for (ssize_t w = 0; w < n;) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				ok = 0;
				break;
			}
			w += k;
		}
		if (!ok)
			break;
	}
	free(buf);
	close(in);
	if (!ok || fsync(out) < 0) {
		close(out);
		unlink(dst);
		free(dst);
		return NULL;
	}
	close(out);
	return dst;
}

static int fs_put(struct blobs *b, const char *sha, const char *src, long long size, struct err *e)
{
	char *dir = xasprintf("%s/sha256/%.2s", b->root, sha);
	char *dst = xasprintf("%s/%s", dir, sha);
	int rc = -1;
	struct stat st;
	if (stat(src, &st) < 0 || st.st_size != size) {
		err_set(e, ERR_INTERNAL, "", "待保存的临时文件缺失或大小不符");
		goto out;
	}
	if (mkdir_p(dir, 0700) < 0) {
		err_set(e, ERR_INTERNAL, "", "无法创建存储目录：%s", strerror(errno));
		goto out;
	}
	/* the bytes first, then the name */
	if (fsync_path(src, O_RDONLY) < 0 || chmod(src, 0444) < 0) {
		err_set(e, ERR_INTERNAL, "", "无法将文件写入磁盘：%s", strerror(errno));
		goto out;
	}
	char *copy = NULL;
	int lr = link(src, dst);
	if (lr < 0 && errno == EXDEV) {
		/* src is on another volume: copy it into the store's own
		 * staging folder first, then link that */
		copy = stage_copy(b, src);
		if (!copy || chmod(copy, 0444) < 0) {
			err_set(e, ERR_INTERNAL, "", "无法将文件复制到存储卷：%s", strerror(errno));
			if (copy)
				unlink(copy);
			free(copy);
			goto out;
		}
		lr = link(copy, dst);
	}
	if (lr < 0) {
		if (errno != EEXIST) {
			err_set(e, ERR_INTERNAL, "", "无法保存文件：%s", strerror(errno));
			if (copy)
				unlink(copy);
			free(copy);
			goto out;
		}
		rc = 0; /* already stored: deduplicated */
	} else {
		rc = 1;
	}
	if (copy) {
		unlink(copy);
		free(copy);
	}
	if (fsync_path(dir, O_RDONLY | O_DIRECTORY) < 0) {
		err_set(e, ERR_INTERNAL, "", "无法将存储目录写入磁盘：%s", strerror(errno));
		rc = -1;
		goto out;
	}
	unlink(src);
out:
	free(dir);
	free(dst);
	return rc;
}

static int fs_stat(struct blobs *b, const char *sha, long long *size, struct err *e)
{
	char *p = blobs_fs_path(b, sha);
	struct stat st;
	int rc;
	if (stat(p, &st) == 0) {
		if (size)
			*size = st.st_size;
		rc = 1;
	} else if (errno == ENOENT || errno == ENOTDIR) {
		rc = 0;
	} else {
		rc = err_set(e, ERR_INTERNAL, "", "无法读取存储的文件：%s", strerror(errno));
	}
	free(p);
	return rc;
}

static int fs_read(struct blobs *b, const char *sha, blobs_sink fn, void *ctx, struct err *e)
{
	char *p = blobs_fs_path(b, sha);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOTFOUND, "sha256", "存储的文件不存在");
		return err_set(e, ERR_INTERNAL, "", "无法打开存储的文件：%s", strerror(errno));
	}
	enum { CHUNK = 256 * 1024 };
	char *buf = xmalloc(CHUNK);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(e, ERR_INTERNAL, "", "读取存储的文件失败：%s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (fn(ctx, buf, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	}
	free(buf);
	close(fd);
	return rc;
}

static void fs_close(struct blobs *b)
{
	(void)b;
}

static const struct blobs_ops fs_ops = {
	.kind = "fs", .put = fs_put, .stat = fs_stat, .read = fs_read, .close = fs_close,
};

struct blobs *blobs_open_fs(const char *root, struct err *e)
{
	char *tmp = xasprintf("%s/tmp", root);
	char *sha = xasprintf("%s/sha256", root);
	if (mkdir_p(root, 0700) < 0 || mkdir_p(tmp, 0700) < 0 || mkdir_p(sha, 0700) < 0) {
		err_set(e, ERR_INTERNAL, "", "无法创建文件存储目录 %s：%s", root, strerror(errno));
		free(tmp);
		free(sha);
		return NULL;
	}
	free(sha);
	struct blobs *b = xcalloc(1, sizeof *b);
	b->ops = &fs_ops;
	b->root = xstrdup(root);
	b->staging = tmp;
	return b;
}
