/*
 * blobs.c - the back-end independent part of the blob store: argument
 * checks, dispatch, and choosing the back end of a data folder from the
 * environment.  See blobs.h.
 */
#include "core/core.h"
#include "core/hash.h"
#include "store/blobs.h"

struct blobs *blobs_open_data(const char *data_dir, struct err *e)
{
	const char *kind = getenv("ZHIFA_BLOBS");
	char *root = xasprintf("%s/blobs", data_dir);
	struct blobs *b;
	if (!kind || !*kind || strcmp(kind, "fs") == 0) {
		b = blobs_open_fs(root, e);
	} else if (strcmp(kind, "s3") == 0) {
		struct blobs_s3_config c = {
			.endpoint = getenv("ZHIFA_S3_ENDPOINT"),
			.bucket = getenv("ZHIFA_S3_BUCKET"),
			.region = getenv("ZHIFA_S3_REGION"),
			.access_key = getenv("ZHIFA_S3_ACCESS_KEY"),
			.secret_key = getenv("ZHIFA_S3_SECRET_KEY"),
		};
		char *staging = xasprintf("%s/tmp", root);
		b = blobs_open_s3(&c, staging, e);
		free(staging);
	} else {
		err_set(e, ERR_INTERNAL, "", "未知的文件存储后端 ZHIFA_BLOBS=%s（应为 fs 或 s3）", kind);
		b = NULL;
	}
	free(root);
	return b;
}

void blobs_close(struct blobs *b)
{
	if (!b)
		return;
	b->ops->close(b);
	free(b->staging);
	free(b->root);
	free(b);
}

const char *blobs_kind(const struct blobs *b)
{
	return b->ops->kind;
}

const char *blobs_staging_dir(const struct blobs *b)
{
	return b->staging;
}

int blobs_put(struct blobs *b, const char *sha256_hex, const char *src, long long size, struct err *e)
{
	if (!hash_hex_valid(sha256_hex))
		BUG("blobs_put: bad hash name");
	return b->ops->put(b, sha256_hex, src, size, e);
}

int blobs_stat(struct blobs *b, const char *sha256_hex, long long *size, struct err *e)
{
	if (!hash_hex_valid(sha256_hex))
		return 0;
	return b->ops->stat(b, sha256_hex, size, e);
}

int blobs_read(struct blobs *b, const char *sha256_hex, blobs_sink fn, void *ctx, struct err *e)
{
	if (!hash_hex_valid(sha256_hex))
		return err_set(e, ERR_NOTFOUND, "sha256", "文件哈希格式不正确");
	return b->ops->read(b, sha256_hex, fn, ctx, e);
}

char *blobs_fs_path(const struct blobs *b, const char *sha256_hex)
{
	if (strcmp(b->ops->kind, "fs") != 0 || !hash_hex_valid(sha256_hex))
		return NULL;
	return xasprintf("%s/sha256/%.2s/%s", b->root, sha256_hex, sha256_hex);
}
