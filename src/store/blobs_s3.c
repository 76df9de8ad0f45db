/*
 * blobs_s3.c - the S3-compatible back end of the blob store (libcurl,
 * its built-in AWS SigV4 signing, path-style URLs ENDPOINT/BUCKET/KEY).
 *
 * Key of a blob: "sha256/ab/<64 hex>".  A put first asks (HEAD) whether
 * the key exists (deduplicated: nothing is sent); otherwise a single PUT
 * (x-amz-content-sha256 = the content's SHA-256, so the store checks the
 * bytes) or, above the threshold, a multipart upload whose parts are read
 * straight from the staging file (constant memory); a failed multipart
 * upload is aborted.  The local staging file is removed only after the
 * store answered 200.  Nothing here deletes or overwrites a stored object.
 */
#include "core/core.h"
#include "store/blobs.h"
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

struct s3 {
	char *endpoint, *bucket, *sigv4, *userpwd;
	long long part_size, threshold;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* request body: a byte range of a file, or memory */
struct s3_in {
	int fd;
	long long off, left;
	const char *mem;
	size_t memlen;
};

/* response: streamed to a sink (2xx only) or collected */
struct s3_out {
	CURL *h;
	blobs_sink fn;
	void *ctx;
	struct buf body;      /* the body when not streamed, or an error body */
	char etag[128];
	bool sink_failed;
};

static size_t rd_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct s3_in *in = ud;
	size_t want = size * nmemb;
	if ((long long)want > in->left)
		want = (size_t)in->left;
	if (!want)
		return 0;
	ssize_t got;
	do
		got = pread(in->fd, p, want, in->off);
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		return CURL_READFUNC_ABORT;
	in->off += got;
	in->left -= got;
	return (size_t)got;
}

static size_t wr_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct s3_out *o = ud;
	size_t n = size * nmemb;
	long code = 0;
	curl_easy_getinfo(o->h, CURLINFO_RESPONSE_CODE, &code);
	if (o->fn && code / 100 == 2) {
		if (o->fn(o->ctx, p, n) < 0) {
			o->sink_failed = true;
			return 0;
		}
		return n;
	}
	if (o->body.len < 1024 * 1024)
		buf_add(&o->body, p, n);
	return n;
}

static size_t hdr_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct s3_out *o = ud;
	size_t n = size * nmemb;
	if (n > 5 && strncasecmp(p, "ETag:", 5) == 0) {
		const char *v = p + 5;
		size_t len = n - 5;
		while (len && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
			len--;
		if (len < sizeof o->etag) {
			memcpy(o->etag, v, len);
			o->etag[len] = '\0';
		}
	}
	return n;
}

/* One signed request.  method: GET, HEAD, PUT (body from in), POST (body
 * from in->mem), DELETE.  key "" addresses the bucket.  query may be NULL.
 * Returns the HTTP status, or -1 on a transport failure (err filled). */
static long s3_do(struct s3 *s, const char *method, const char *key, const char *query,
		  struct s3_in *in, const char *content_sha, struct s3_out *out, long long *clen,
		  struct err *e)
{
	CURL *h = curl_easy_init();
	if (!h)
		return err_set(e, ERR_INTERNAL, "", "无法初始化对象存储请求");
	char *url = xasprintf("%s/%s%s%s%s%s", s->endpoint, s->bucket, *key ? "/" : "", key,
			      query ? "?" : "", query ? query : "");
	struct curl_slist *hdrs = NULL;
	char *shahdr = xasprintf("x-amz-content-sha256: %s", content_sha ? content_sha : "UNSIGNED-PAYLOAD");
	hdrs = curl_slist_append(hdrs, shahdr);
	hdrs = curl_slist_append(hdrs, "Expect:");
	out->h = h;
	buf_init(&out->body, 0);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_AWS_SIGV4, s->sigv4);
	curl_easy_setopt(h, CURLOPT_USERPWD, s->userpwd);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, wr_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, hdr_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, rd_cb);
		curl_easy_setopt(h, CURLOPT_READDATA, in);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)in->left);
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, in && in->mem ? in->mem : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(in && in->mem ? in->memlen : 0));
		hdrs = curl_slist_append(hdrs, "Content-Type: application/xml");
	} else if (strcmp(method, "DELETE") == 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	CURLcode rc = curl_easy_perform(h);
	long code = -1;
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && out->sink_failed)) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (clen) {
			curl_off_t cl = -1;
			curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
			*clen = cl;
		}
	} else {
		err_set(e, ERR_INTERNAL, "", "对象存储请求失败（%s %s）：%s", method, key, curl_easy_strerror(rc));
	}
	curl_slist_free_all(hdrs);
	free(shahdr);
	free(url);
	curl_easy_cleanup(h);
	return code;
}

static char *obj_key(const char *sha)
{
	return xasprintf("sha256/%.2s/%s", sha, sha);
}

static int s3_stat(struct blobs *b, const char *sha, long long *size, struct err *e)
{
	struct s3 *s = b->impl;
	char *key = obj_key(sha);
	struct s3_out o = { 0 };
	long long cl = -1;
	long code = s3_do(s, "HEAD", key, NULL, NULL, NULL, &o, &cl, e);
	buf_release(&o.body);
	free(key);
	if (code == 200) {
		if (size)
			*size = cl;
		return 1;
	}
	if (code == 404)
		return 0;
	if (code > 0)
		err_set(e, ERR_INTERNAL, "", "对象存储查询失败（HTTP %ld）", code);
	return -1;
}

/* The text between <tag> and </tag> in xml, or NULL (caller frees). */
static char *xml_get(const char *xml, const char *tag)
{
	char open[64], close_[64];
	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close_, sizeof close_, "</%s>", tag);
	const char *a = strstr(xml, open);
	if (!a)
		return NULL;
	a += strlen(open);
	const char *z = strstr(a, close_);
	return z ? xstrndup(a, (size_t)(z - a)) : NULL;
}

static int s3_multipart(struct s3 *s, const char *key, int fd, long long size, struct err *e)
{
	struct s3_out o = { 0 };
	long code = s3_do(s, "POST", key, "uploads=", NULL, NULL, &o, NULL, e);
	char *upload_id = code == 200 ? xml_get(buf_str(&o.body), "UploadId") : NULL;
	buf_release(&o.body);
	if (!upload_id) {
		if (code > 0)
			err_set(e, ERR_INTERNAL, "", "对象存储无法开始分段上传（HTTP %ld）", code);
		return -1;
	}
	CURL *esc = curl_easy_init();
	char *uid_enc = curl_easy_escape(esc, upload_id, 0);
	struct buf done;
	buf_init(&done, 0);
	buf_puts(&done, "<CompleteMultipartUpload>");
	int rc = 0;
	long long off = 0;
	for (int part = 1; off < size; part++) {
		long long n = size - off < s->part_size ? size - off : s->part_size;
		struct s3_in in = { .fd = fd, .off = off, .left = n };
		char *q = xasprintf("partNumber=%d&uploadId=%s", part, uid_enc);
		struct s3_out po = { 0 };
		code = s3_do(s, "PUT", key, q, &in, NULL, &po, NULL, e);
		free(q);
		buf_release(&po.body);
		if (code != 200 || !po.etag[0]) {
			if (code > 0)
				err_set(e, ERR_INTERNAL, "", "对象存储分段 %d 上传失败（HTTP %ld）", part, code);
			rc = -1;
			break;
		}
		buf_printf(&done, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", part, po.etag);
		off += n;
	}
	buf_puts(&done, "</CompleteMultipartUpload>");
	char *q = xasprintf("uploadId=%s", uid_enc);
	if (rc == 0) {
		struct s3_in in = { .mem = done.data, .memlen = done.len };
		struct s3_out co = { 0 };
		code = s3_do(s, "POST", key, q, &in, NULL, &co, NULL, e);
		if (code != 200 || strstr(buf_str(&co.body), "<Error>")) {
			if (code > 0)
				err_set(e, ERR_INTERNAL, "", "对象存储无法完成分段上传（HTTP %ld）", code);
			rc = -1;
		}
		buf_release(&co.body);
	}
	if (rc < 0) {
		struct s3_out ao = { 0 };
		struct err ignore = ERR_INIT;
		s3_do(s, "DELETE", key, q, NULL, NULL, &ao, NULL, &ignore);
		buf_release(&ao.body);
	}
	free(q);
	buf_release(&done);
	curl_free(uid_enc);
	curl_easy_cleanup(esc);
	free(upload_id);
	return rc;
}

static int s3_put(struct blobs *b, const char *sha, const char *src, long long size, struct err *e)
{
	struct s3 *s = b->impl;
	long long have = 0;
	int st = s3_stat(b, sha, &have, e);
	if (st < 0)
		return -1;
	if (st == 1 && have == size) {
		unlink(src);
		return 0;
	}
	int fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "", "无法打开待上传的临时文件：%s", strerror(errno));
	char *key = obj_key(sha);
	int rc;
	if (size > s->threshold) {
		rc = s3_multipart(s, key, fd, size, e);
	} else {
		struct s3_in in = { .fd = fd, .off = 0, .left = size };
		struct s3_out o = { 0 };
		long code = s3_do(s, "PUT", key, NULL, &in, sha, &o, NULL, e);
		buf_release(&o.body);
		rc = code == 200 ? 0 : -1;
		if (code > 0 && code != 200)
			err_set(e, ERR_INTERNAL, "", "对象存储保存失败（HTTP %ld）", code);
	}
	close(fd);
	free(key);
	if (rc < 0)
		return -1;
	unlink(src);
	return 1;
}

static int s3_read(struct blobs *b, const char *sha, blobs_sink fn, void *ctx, struct err *e)
{
	struct s3 *s = b->impl;
	char *key = obj_key(sha);
	struct s3_out o = { .fn = fn, .ctx = ctx };
	long code = s3_do(s, "GET", key, NULL, NULL, NULL, &o, NULL, e);
	buf_release(&o.body);
	free(key);
	if (o.sink_failed)
		return -1;
	if (code == 200)
		return 0;
	if (code == 404)
		return err_set(e, ERR_NOTFOUND, "sha256", "存储的文件不存在");
	if (code > 0)
		err_set(e, ERR_INTERNAL, "", "对象存储读取失败（HTTP %ld）", code);
	return -1;
}

static void s3_close(struct blobs *b)
{
	struct s3 *s = b->impl;
	if (!s)
		return;
	free(s->endpoint);
	free(s->bucket);
	free(s->sigv4);
	if (s->userpwd)
		explicit_bzero(s->userpwd, strlen(s->userpwd));
	free(s->userpwd);
	free(s);
}

static const struct blobs_ops s3_ops = {
	.kind = "s3", .put = s3_put, .stat = s3_stat, .read = s3_read, .close = s3_close,
};

struct blobs *blobs_open_s3(const struct blobs_s3_config *c, const char *staging_dir, struct err *e)
{
	if (!c->endpoint || !*c->endpoint || !c->bucket || !*c->bucket || !c->access_key || !c->secret_key) {
		err_set(e, ERR_INTERNAL, "", "对象存储配置不完整（需要 endpoint、bucket、access key 和 secret key）");
		return NULL;
	}
	pthread_once(&curl_once, curl_init_once);
	if (mkdir(staging_dir, 0700) < 0 && errno != EEXIST) {
		char *parent = xstrdup(staging_dir);
		char *slash = strrchr(parent, '/');
		if (slash) {
			*slash = '\0';
			mkdir(parent, 0700);
		}
		free(parent);
		if (mkdir(staging_dir, 0700) < 0 && errno != EEXIST) {
			err_set(e, ERR_INTERNAL, "", "无法创建暂存目录 %s：%s", staging_dir, strerror(errno));
			return NULL;
		}
	}
	struct s3 *s = xcalloc(1, sizeof *s);
	size_t el = strlen(c->endpoint);
	while (el && c->endpoint[el - 1] == '/')
		el--;
	s->endpoint = xstrndup(c->endpoint, el);
	s->bucket = xstrdup(c->bucket);
	s->sigv4 = xasprintf("aws:amz:%s:s3", c->region && *c->region ? c->region : "us-east-1");
	s->userpwd = xasprintf("%s:%s", c->access_key, c->secret_key);
	s->part_size = c->part_size > 0 ? c->part_size : 16LL << 20;
	if (s->part_size < 5LL << 20)
		s->part_size = 5LL << 20;
	s->threshold = c->multipart_threshold > 0 ? c->multipart_threshold : 64LL << 20;
	struct blobs *b = xcalloc(1, sizeof *b);
	b->ops = &s3_ops;
	b->impl = s;
	b->staging = xstrdup(staging_dir);
	struct s3_out o = { 0 };
	long code = s3_do(s, "HEAD", "", NULL, NULL, NULL, &o, NULL, e);
	buf_release(&o.body);
	if (code != 200) {
		if (code > 0)
			err_set(e, ERR_INTERNAL, "", "对象存储桶 %s 不可用（HTTP %ld）", c->bucket, code);
		blobs_close(b);
		return NULL;
	}
	return b;
}
