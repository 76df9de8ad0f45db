/*
 * Unit tests for the evidence vault: streaming SHA-256 + SM3 against
 * one-shot OpenSSL digests and the GB/T 32905 "abc" vector; the
 * parallel hash pipe (many chunkings, writes at unaligned offsets with and
 * without direct I/O, a failed write); the folder
 * back end (atomic link, a staging file never counts, dedupe, mode 0444);
 * the vault (ledger leaf without file names, dedupe per unit, refusal of
 * empty / oversized / mislabelled content with nothing stored, unit
 * scope); tus uploads (offset checks, resume after a "restart" and after
 * stray bytes past the recorded offset, final hashes); clean-up of
 * expired uploads (file deleted, row marked, 410; finished, fresh and
 * grace-day uploads untouched); `verify` finding a
 * flipped byte and a missing file; the S3 back end against a real
 * S3-compatible server when ZHIFA_TEST_S3 is set (scripts/s3-test.sh).
 * Honours ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "store/db.h"
#include "store/blobs.h"
#include "recording/vault.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "actor/actor.h"
#include <jansson.h>
#include "../tap.h"
#include "../testdb.h"
#include <openssl/evp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/zhifa-vault-XXXXXX";

static void oneshot(const char *md, const void *p, size_t n, char hex[HASH_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(p, n, d, &len, EVP_get_digestbyname(md), NULL);
	hex_encode(d, len, hex);
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, p, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

/* Files of a folder (dot files and sub-folders such as the tus
 * partial files' "uploads" are not counted). */
static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	if (!d)
		return -1;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && de->d_type != DT_DIR)
			n++;
	closedir(d);
	return n;
}

static void test_hash(void)
{
	struct hash2 h;
	struct hash2_result r;
	hash2_init(&h);
	hash2_update(&h, "abc", 3);
	hash2_final(&h, &r);
	is_str(r.sm3_hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", "SM3(abc) test vector");
	is_str(r.sha256_hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256(abc)");
	is_int(r.size, 3, "size counted");

	size_t n = 3 * 1024 * 1024 + 17;
	unsigned char *buf = xmalloc(n);
	randombytes_buf(buf, n);
	hash2_init(&h);
	size_t off = 0;
	while (off < n) {
		size_t k = 1 + randombytes_uniform(200000);
		if (k > n - off)
			k = n - off;
		hash2_update(&h, buf + off, k);
		off += k;
	}
	hash2_final(&h, &r);
	char want[HASH_HEX];
	oneshot("SHA256", buf, n, want);
	is_str(r.sha256_hex, want, "streamed SHA-256 equals one-shot digest");
	oneshot("SM3", buf, n, want);
	is_str(r.sm3_hex, want, "streamed SM3 equals one-shot digest");

	/* hash2_fd over a file prefix */
	char *p = xasprintf("%s/prefix.bin", tmpdir);
	write_file(p, buf, n);
	int fd = open(p, O_RDONLY);
	hash2_init(&h);
	ok(hash2_fd(&h, fd, 1000) == 1000, "hash2_fd reads the prefix");
	hash2_final(&h, &r);
	oneshot("SM3", buf, 1000, want);
	is_str(r.sm3_hex, want, "hash2_fd prefix digest");
	hash2_init(&h);
	ok(hash2_fd(&h, fd, (long long)n + 1) < 0, "hash2_fd fails when the file is shorter than asked");
	hash2_abort(&h);
	close(fd);
	unlink(p);
	free(p);
	free(buf);
	ok(hash_hex_valid(r.sha256_hex) && !hash_hex_valid("ABC") && !hash_hex_valid(NULL), "hash_hex_valid");
}


/* The parallel pipe: digests equal one-shot digests for many chunkings
 * (slot boundaries crossed, 1-byte chunks, chunks larger than the ring),
 * the bytes land in the file at their offsets (direct I/O from an
 * unaligned offset after a prefix already hashed; ordinary writes), and a
 * failed write is reported. */
static void test_pipe(void)
{
	size_t n = HASH2_PIPE_SLOT * HASH2_PIPE_SLOTS + HASH2_PIPE_SLOT / 2 + 12345; /* the ring wraps */
	unsigned char *buf = xmalloc(n);
	randombytes_buf(buf, n);
	char want_sha[HASH_HEX], want_sm3[HASH_HEX];
	oneshot("SHA256", buf, n, want_sha);
	oneshot("SM3", buf, n, want_sm3);
	size_t maxes[] = { 64, 4096, 65536, 1000003, HASH2_PIPE_SLOT, 3 * HASH2_PIPE_SLOT + 7 };
	int good = 0;
	/* under valgrind (about 30x slower on 18 MiB per round): every other
	 * chunking, still both the smallest and the ring-crossing largest */
	size_t step = tap_under_valgrind() ? 2 : 1, rounds = 0;
	for (size_t t = 0; t < ARRAY_SIZE(maxes); t += step) {
		if (t + step >= ARRAY_SIZE(maxes))
			t = ARRAY_SIZE(maxes) - 1;
		rounds++;
		struct hash2 h;
		hash2_init(&h);
		struct hash2_pipe *p = hash2_pipe_start(&h, -1, 0, 0);
		size_t off = 0;
		while (off < n) {
			/* tiny chunks for the first 100 KiB, then up to maxes[t] */
			size_t lim = off < 100000 ? 7 : maxes[t];
			size_t k = 1 + randombytes_uniform((uint32_t)lim);
			if (k > n - off)
				k = n - off;
			hash2_pipe_add(p, buf + off, k);
			off += k;
		}
		ok(hash2_pipe_finish(p) == 0, "pipe %zu finishes", t);
		struct hash2_result r;
		hash2_final(&h, &r);
		if (str_eq(r.sha256_hex, want_sha) && str_eq(r.sm3_hex, want_sm3) && r.size == n)
			good++;
		else
			tap_diag(r.sm3_hex);
	}
	is_int(good, (long long)rounds, "pipe digests equal one-shot digests for every chunking (%zu of %zu)", rounds,
	       ARRAY_SIZE(maxes));

	/* to a file: a prefix already there and hashed, then the rest from an
	 * unaligned offset, with and without direct I/O */
	unsigned flags[] = { HASH2_PIPE_DIRECT, 0 };
	for (size_t t = 0; t < ARRAY_SIZE(flags); t++) {
		char *path = xasprintf("%s/pipe-%zu.bin", tmpdir, t);
		size_t pre = 5000 + t;
		write_file(path, buf, pre);
		int fd = open(path, O_RDWR);
		struct hash2 h;
		hash2_init(&h);
		hash2_update(&h, buf, pre);
		struct hash2_pipe *p = hash2_pipe_start(&h, fd, (long long)pre, flags[t]);
		size_t off = pre, end = n - 777; /* not a whole block */
		int add_fail = 0;
		while (off < end) {
			size_t k = 1 + randombytes_uniform(300000);
			if (k > end - off)
				k = end - off;
			if (hash2_pipe_add(p, buf + off, k) < 0)
				add_fail++;
			off += k;
		}
		ok(hash2_pipe_finish(p) == 0 && add_fail == 0, "pipe to a file finishes (flags %u)", flags[t]);
		struct stat st;
		ok(fstat(fd, &st) == 0 && st.st_size == (off_t)end, "file ends at the last byte (flags %u)", flags[t]);
		ok((fcntl(fd, F_GETFL) & O_DIRECT) == 0, "the descriptor's flags are restored");
		unsigned char *back = xmalloc(end);
		ok(pread(fd, back, end, 0) == (ssize_t)end && memcmp(back, buf, end) == 0,
		   "file holds the prefix and every byte at its offset (flags %u)", flags[t]);
		struct hash2_result r;
		hash2_final(&h, &r);
		char w[HASH_HEX];
		oneshot("SM3", buf, end, w);
		is_str(r.sm3_hex, w, "SM3 of prefix + piped bytes");
		oneshot("SHA256", buf, end, w);
		is_str(r.sha256_hex, w, "SHA-256 of prefix + piped bytes");
		is_int((long long)r.size, (long long)end, "size counts both");
		free(back);
		close(fd);
		unlink(path);
		free(path);
	}

	/* a write that fails (read-only descriptor) is reported */
	char *path = xasprintf("%s/pipe-ro.bin", tmpdir);
	write_file(path, "x", 1);
	int fd = open(path, O_RDONLY);
	struct hash2 h;
	hash2_init(&h);
	struct hash2_pipe *p = hash2_pipe_start(&h, fd, 0, HASH2_PIPE_DIRECT);
	for (int i = 0; i < 3; i++)
		hash2_pipe_add(p, buf, HASH2_PIPE_SLOT);
	errno = 0;
	ok(hash2_pipe_finish(p) < 0 && errno == EBADF, "failed write reported (errno %d)", errno);
	hash2_abort(&h);
	close(fd);
	unlink(path);
	free(path);
	free(buf);
}

static void test_fs(void)
{
	struct err e = ERR_INIT;
	char *root = xasprintf("%s/fsroot", tmpdir);
	struct blobs *b = blobs_open_fs(root, &e);
	ok(b != NULL, "folder back end opens: %s", e.msg);
	is_str(blobs_kind(b), "fs", "kind fs");
	const char *content = "evidence bytes\n";
	struct hash2 h;
	struct hash2_result r;
	hash2_init(&h);
	hash2_update(&h, content, strlen(content));
	hash2_final(&h, &r);

	/* a staging file that was never put does not count */
	char *stage = xasprintf("%s/in-partial", blobs_staging_dir(b));
	write_file(stage, content, strlen(content));
	is_int(blobs_stat(b, r.sha256_hex, NULL, &e), 0, "a staging (temp) file is not a stored blob");
	struct err re = ERR_INIT;
	ok(blobs_read(b, r.sha256_hex, NULL, NULL, &re) < 0 && re.kind == ERR_NOTFOUND, "reading it: not found");

	is_int(blobs_put(b, r.sha256_hex, stage, (long long)strlen(content), &e), 1, "put stores: %s", e.msg);
	ok(access(stage, F_OK) != 0, "staging file moved away");
	char *path = blobs_fs_path(b, r.sha256_hex);
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0444, "stored file is read-only (0444)");
	long long size = 0;
	is_int(blobs_stat(b, r.sha256_hex, &size, &e), 1, "stat finds it");
	is_int(size, (long long)strlen(content), "size");

	write_file(stage, content, strlen(content));
	is_int(blobs_put(b, r.sha256_hex, stage, (long long)strlen(content), &e), 0, "second put deduplicated");
	ok(access(stage, F_OK) != 0, "duplicate staging file removed");
	ok(stat(path, &st) == 0 && st.st_nlink == 1, "still one stored file");

	/* a put whose size does not match the staging file is refused */
	write_file(stage, "xyz", 3);
	ok(blobs_put(b, "0000000000000000000000000000000000000000000000000000000000000000", stage, 4, &e) < 0,
	   "put with a wrong size refused");
	unlink(stage);
	free(stage);
	free(path);
	free(root);
	blobs_close(b);
}

static long long blob_rows(struct db *db)
{
	return db_scalar_int(db, -1, "SELECT COUNT(*) FROM blobs", (const struct db_val[]){ DB_END });
}

static long long add_unit(struct db *db, const char *code)
{
	struct db_res *r = NULL;
	long long id = -1;
	if (db_query(db, &r, "INSERT INTO units(code, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z') RETURNING id",
		     DB_TEXT(code), DB_TEXT(code)) == 0 && r->nrows)
		id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static void officer(struct actor *a, long long user, long long unit)
{
	memset(a, 0, sizeof *a);
	a->user_id = user;
	a->unit_id = unit;
	a->roles = ROLE_OFFICER;
	a->scope = SCOPE_OWN;
	snprintf(a->username, sizeof a->username, "u%lld", user);
}

static int store_bytes(struct vault *v, struct db *db, const struct actor *a, const void *p, size_t n,
		       const char *type, struct vault_stored *st, struct err *e)
{
	struct vault_writer w;
	if (vault_writer_open(v, &w, e) < 0)
		return -1;
	if (vault_writer_add(&w, p, n, e) < 0) {
		vault_writer_abort(&w);
		return -1;
	}
	return vault_writer_commit(v, db, a, &w, type, st, e);
}

static void test_vault(struct db *db, struct vault *v, long long unit_a, long long unit_b)
{
	struct err e = ERR_INIT;
	struct actor a, b;
	officer(&a, 11, unit_a);
	officer(&b, 12, unit_b);
	char *staging = xasprintf("%s/data/blobs/tmp", tmpdir);
	const char *text = "现场检查笔录：企业节能设备运行情况。\n";
	struct vault_stored st, st2;
	long long size0 = ledger_size(db, &e);
	ok(store_bytes(v, db, &a, text, strlen(text), "text/plain", &st, &e) == 0, "text file stored: %s", e.msg);
	char want[HASH_HEX];
	oneshot("SHA256", text, strlen(text), want);
	is_str(st.sha256, want, "sha256 of the stored file");
	oneshot("SM3", text, strlen(text), want);
	is_str(st.sm3, want, "sm3 of the stored file");
	is_int(st.leaf_index, size0, "leaf appended");
	ok(!st.duplicate, "not a duplicate");
	is_str(st.media_type, "text/plain", "type detected from the content");
	struct buf leaf;
	buf_init(&leaf, 0);
	ok(ledger_leaf(db, st.leaf_index, &leaf, NULL, &e) == 0, "leaf readable");
	ok(strstr(leaf.data, "\"type\":\"file.stored\"") && strstr(leaf.data, st.sha256) && strstr(leaf.data, st.sm3) &&
	   strstr(leaf.data, "\"unit_id\":") && strstr(leaf.data, "\"actor_id\":11") && strstr(leaf.data, "\"size\":"),
	   "leaf holds type, sha256, sm3, size, actor and unit: %s", leaf.data);
	ok(!strstr(leaf.data, "name") && !strstr(leaf.data, "现场"), "leaf holds no file name or content");
	buf_release(&leaf);

	is_int(count_dir(staging), 0, "no staging file left");

	ok(store_bytes(v, db, &a, text, strlen(text), "text/plain", &st2, &e) == 0 && st2.duplicate,
	   "same content, same unit: deduplicated");
	is_int(st2.leaf_index, st.leaf_index, "duplicate answers the first leaf");
	is_int(ledger_size(db, &e), size0 + 1, "no new leaf for a duplicate");
	ok(store_bytes(v, db, &b, text, strlen(text), NULL, &st2, &e) == 0 && !st2.duplicate,
	   "same content, other unit: recorded for that unit");
	is_int(st2.leaf_index, size0 + 1, "its own leaf");
	is_int(blob_rows(db), 1, "bytes stored once");

	/* refusals store nothing */
	long long leaves = ledger_size(db, &e);
	err_clear(&e);
	ok(store_bytes(v, db, &a, text, strlen(text), "image/png", &st2, &e) < 0 && e.kind == 415 &&
	   str_eq(e.field, "type") && strstr(e.msg, "不是所声明的 PNG 图片格式") && strstr(e.msg, "文本文件") &&
	   !strstr(e.msg, "image/png"),
	   "text claimed as PNG refused: %s", e.msg);
	err_clear(&e);
	ok(store_bytes(v, db, &a, "", 0, NULL, &st2, &e) < 0 && e.kind == ERR_INVALID && str_eq(e.field, "file"),
	   "empty file refused: %s", e.msg);
	struct vault_writer w;
	vault_writer_open(v, &w, &e);
	w.max = 10;
	err_clear(&e);
	ok(vault_writer_add(&w, text, strlen(text), &e) < 0 && e.kind == ERR_TOOLARGE, "oversized refused: %s", e.msg);
	vault_writer_abort(&w);
	is_int(ledger_size(db, &e), leaves, "refusals append no leaf");
	is_int(blob_rows(db), 1, "refusals add no blob");
	is_int(count_dir(staging), 0, "refusals leave no staging file");

	/* a PNG claimed as PNG is accepted */
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1,
		8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
	};
	ok(store_bytes(v, db, &a, png, sizeof png, "image/png", &st2, &e) == 0, "PNG stored: %s", e.msg);
	is_str(st2.media_type, "image/png", "PNG detected");

	/* store from a path (the command line) */
	char *p = xasprintf("%s/cli.txt", tmpdir);
	write_file(p, "docking station file\n", 21);
	ok(vault_store_path(v, db, &a, p, NULL, &st2, &e) == 0, "vault_store_path: %s", e.msg);
	ok(access(p, F_OK) == 0, "source file left in place");
	free(p);
	err_clear(&e);
	ok(vault_store_path(v, db, &a, "/nonexistent/x", NULL, &st2, &e) < 0 && e.kind == ERR_NOTFOUND, "missing file");

	/* listing and scope */
	json_t *list = NULL;
	ok(vault_list(db, &a, 1, 50, &list, &e) == 0, "list for unit A");
	is_int(json_integer_value(json_object_get(list, "total")), 3, "A sees its three files");
	json_decref(list);
	ok(vault_list(db, &b, 1, 50, &list, &e) == 0, "list for unit B");
	is_int(json_integer_value(json_object_get(list, "total")), 1, "B sees its one file");
	json_decref(list);
	json_t *one = NULL;
	err_clear(&e);
	ok(vault_get(db, &b, st2.sha256, &one, &e) < 0 && e.kind == ERR_FORBIDDEN, "B gets 403 for A's file");
	ok(vault_get(db, &a, st2.sha256, &one, &e) == 0 && str_eq(json_string_value(json_object_get(one, "sha256")), st2.sha256),
	   "A reads its file");
	json_decref(one);
	struct actor pub;
	memset(&pub, 0, sizeof pub);
	ok(vault_list(db, &pub, 1, 50, &list, &e) < 0 && e.kind == ERR_UNAUTH, "the public sees nothing");

	/* the tables refuse changes */
	ok(db_exec(db, "UPDATE blobs SET size = 1") < 0, "blobs refuses UPDATE");
	ok(db_exec(db, "DELETE FROM blob_refs") < 0, "blob_refs refuses DELETE");
	free(staging);
	/* the name, description and uploader are kept beside the blob */
	{
		struct vault_writer wn;
		const char named[] = "现场勘验笔录：门锁完好。\n";
		ok(vault_writer_open(v, &wn, &e) == 0 && vault_writer_describe(&wn, "text/plain", "现场勘验笔录.txt",
									       "2026年12月1日 张三家门口", &e) == 0 &&
		   vault_writer_add(&wn, named, sizeof named - 1, &e) == 0, "named writer");
		struct vault_stored sn;
		ok(vault_writer_commit(v, db, &a, &wn, NULL, &sn, &e) == 0, "named file stored: %s", e.msg);
		buf_init(&leaf, 0);
		ok(ledger_leaf(db, sn.leaf_index, &leaf, NULL, &e) == 0 && !strstr(leaf.data, "name") &&
		   !strstr(leaf.data, "现场") && !strstr(leaf.data, "张三"), "its leaf holds neither name nor description");
		buf_release(&leaf);
		json_t *got = NULL;
		ok(vault_get(db, &a, sn.sha256, &got, &e) == 0, "vault_get");
		is_str(json_string_value(json_object_get(got, "filename")), "现场勘验笔录.txt", "original name kept");
		is_str(json_string_value(json_object_get(got, "description")), "2026年12月1日 张三家门口", "description kept");
		is_str(json_string_value(json_object_get(got, "kind")), "文档", "kind in words: 文档");
		is_int(json_array_size(json_object_get(got, "names")), 1, "one naming");
		json_decref(got);
		/* reading: in scope, logged; outside scope 403, nothing logged */
		long long logged = db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'vault.download'",
						 (const struct db_val[]){ DB_END });
		struct vault_read rd;
		ok(vault_open_read(v, db, &a, sn.sha256, false, NULL, &rd, &e) == 0 && rd.size == (long long)sizeof named - 1,
		   "file opened for reading: %s", e.msg);
		char back[128] = "";
		ok(rd.fd >= 0 && read(rd.fd, back, sizeof back) == (ssize_t)sizeof named - 1 &&
		   memcmp(back, named, sizeof named - 1) == 0, "the bytes read are the file's");
		if (rd.fd >= 0)
			close(rd.fd);
		is_str(rd.filename, "现场勘验笔录.txt", "read under its original name");
		ok(rd.preview == NULL, "text is not shown in place");
		is_int(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'vault.download'",
				     (const struct db_val[]){ DB_END }), logged + 1, "the read is in the operation log");
		err_clear(&e);
		ok(vault_open_read(v, db, &b, sn.sha256, true, NULL, &rd, &e) < 0 && e.kind == ERR_FORBIDDEN,
		   "another unit's officer: 403");
		is_int(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action LIKE 'vault.%' AND action <> 'vault.store'"
				     " AND action NOT LIKE 'vault.upload%' AND user_id = 12", (const struct db_val[]){ DB_END }),
		       0, "and no read is logged for it");
		/* ranges (video seeking) */
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=3-7", &rd, &e) == 0 && rd.partial && rd.from == 3 &&
		   rd.len == 5, "range 3-7");
		close(rd.fd);
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=-4", &rd, &e) == 0 && rd.partial &&
		   rd.from == (long long)sizeof named - 1 - 4 && rd.len == 4, "suffix range: the last 4 bytes");
		close(rd.fd);
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=5-", &rd, &e) == 0 && rd.partial &&
		   rd.len == (long long)sizeof named - 1 - 5, "open range 5-");
		close(rd.fd);
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=0-1,4-5", &rd, &e) == 0 && !rd.partial &&
		   rd.len == (long long)sizeof named - 1, "several ranges: the whole file");
		close(rd.fd);
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=9-2", &rd, &e) == 0 && !rd.partial,
		   "a reversed range is ignored");
		close(rd.fd);
		err_clear(&e);
		ok(vault_open_read(v, db, &a, sn.sha256, true, "bytes=100000-", &rd, &e) < 0 && e.kind == 416,
		   "a range past the end: 416");
		char sz[32];
		size_text(3040870, sz, sizeof sz);
		is_str(sz, "2.9 MB", "2.9 MB");
		size_text(980, sz, sizeof sz);
		is_str(sz, "980 字节", "980 字节");
		size_text(8LL << 30, sz, sizeof sz);
		is_str(sz, "8.0 GB", "8.0 GB");
		is_str(vault_kind_name("video/mp4"), "视频", "视频");
		is_str(vault_kind_name("image/jpeg"), "图片", "图片");
		is_str(vault_kind_name("audio/mpeg"), "音频", "音频");
		is_str(vault_kind_name("application/pdf"), "文档", "文档");
		ok(vault_preview_kind("image/svg+xml") == NULL && vault_preview_kind("text/html") == NULL,
		   "SVG and HTML are never shown in place");
	}
}

static void test_tus(struct db *db, struct vault **vp, const char *data, long long unit_a)
{
	struct vault *v = *vp;
	struct err e = ERR_INIT;
	struct actor a, other;
	officer(&a, 21, unit_a);
	officer(&other, 22, unit_a);
	size_t n = 300000;
	char *body = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		body[i] = (char)('a' + i % 26);
	body[n - 1] = '\n';
	char id[33];
	/* "filetype dGV4dC9wbGFpbg==" = text/plain */
	ok(vault_upload_create(v, db, &a, (long long)n, "filename bW92aWUudHh0,filetype dGV4dC9wbGFpbg==", id, &e) == 0,
	   "upload created: %s", e.msg);
	is_int(strlen(id), 32, "id is 32 hex");
	char tmpid[33];
	err_clear(&e);
	ok(vault_upload_create(v, db, &a, vault_max_size(v) + 1, NULL, tmpid, &e) < 0 &&
	   e.kind == ERR_TOOLARGE, "over the limit: 413");
	err_clear(&e);
	ok(vault_upload_create(v, db, &a, 0, NULL, tmpid, &e) < 0 && e.kind == ERR_INVALID, "length 0 refused");
	ok(vault_upload_create(v, db, &a, 10, "filetype !!!", tmpid, &e) < 0 && str_eq(e.field, "Upload-Metadata"),
	   "bad metadata refused");

	struct vault_upload u;
	ok(vault_upload_get(v, db, &a, id, &u, &e) == 0 && u.offset == 0 && u.length == (long long)n, "HEAD: offset 0");
	err_clear(&e);
	ok(vault_upload_get(v, db, &other, id, &u, &e) < 0 && e.kind == ERR_FORBIDDEN, "another person: 403");
	err_clear(&e);
	ok(vault_upload_get(v, db, &a, "zz", &u, &e) < 0 && e.kind == ERR_NOTFOUND, "unknown id: 404");

	struct vault_patch *p = vault_patch_begin(v, db, &a, id, 0, 100000, &e);
	ok(p != NULL, "PATCH 1 begins: %s", e.msg);
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 0, 10, &e) == NULL && e.kind == ERR_LOCKED, "a concurrent PATCH: 423");
	{
		/* another process on the same data folder and database: its
		 * own vault (own cache) must still be kept out */
		struct vault *v2 = vault_open(data, &e);
		err_clear(&e);
		struct vault_patch *p2 = vault_patch_begin(v2, db, &a, id, 0, 10, &e);
		ok(p2 == NULL && e.kind == ERR_LOCKED, "a PATCH through a second vault (process): 423");
		if (p2)
			vault_patch_abort(p2, db);
		vault_close(v2);
	}
	vault_patch_write(p, body, 60000, &e);
	vault_patch_write(p, body + 60000, 40000, &e);
	long long off = -1;
	struct vault_stored st;
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == 100000 && st.size == 0, "PATCH 1 ends at 100000");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 50, 10, &e) == NULL && e.kind == ERR_CONFLICT && str_eq(e.field, "Upload-Offset"),
	   "wrong offset: 409");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 100000, (long long)n, &e) == NULL && e.kind == ERR_TOOLARGE,
	   "body past the length: 413");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 100000, INT64_MAX, &e) == NULL && e.kind == ERR_TOOLARGE,
	   "Content-Length near INT64_MAX: 413, no overflow");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 100000, INT64_MAX - 99999, &e) == NULL && e.kind == ERR_TOOLARGE,
	   "offset + Content-Length = INT64_MAX + 1: 413");

	/* claims in the database: another instance's live claim keeps us
	 * out (423) whatever the cache says; a claim past its lifetime, or one
	 * of a writer on this host that no longer holds the file, is taken
	 * over */
	db_exec(db, "UPDATE uploads SET claimed_by = 'elsewhere.example 77 00', claimed_at = ? WHERE id = ?",
		DB_INT(time_now_unix()), DB_TEXT(id));
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 100000, 10, &e) == NULL && e.kind == ERR_LOCKED,
	   "a live claim of another instance: 423");
	is_int(db_scalar_int(db, 0, "SELECT upload_offset FROM uploads WHERE id = ?",
			     (const struct db_val[]){ DB_TEXT(id), DB_END }), 100000, "offset untouched by the refused PATCH");
	db_exec(db, "UPDATE uploads SET claimed_at = ? WHERE id = ?", DB_INT(time_now_unix() - 3600), DB_TEXT(id));
	err_clear(&e);
	p = vault_patch_begin(v, db, &a, id, 100000, 10, &e);
	ok(p != NULL, "a claim an hour old is taken over: %s", e.msg);
	vault_patch_abort(p, db);
	ok(db_scalar_int(db, 1, "SELECT COUNT(*) FROM uploads WHERE id = ? AND claimed_by IS NOT NULL",
			 (const struct db_val[]){ DB_TEXT(id), DB_END }) == 0, "abort gives the claim back");
	{
		char hn[64] = "";
		gethostname(hn, sizeof hn);
		char *mine = xasprintf("%s 999999 00", hn);
		db_exec(db, "UPDATE uploads SET claimed_by = ?, claimed_at = ? WHERE id = ?", DB_TEXT(mine),
			DB_INT(time_now_unix()), DB_TEXT(id));
		free(mine);
		err_clear(&e);
		p = vault_patch_begin(v, db, &a, id, 100000, 10, &e);
		ok(p != NULL, "a fresh claim of a writer on this host that holds no lock is taken over: %s", e.msg);
		/* the claim stolen while writing: the end records nothing */
		vault_patch_write(p, body + 100000, 10, &e);
		db_exec(db, "UPDATE uploads SET claimed_by = 'elsewhere.example 77 01', claimed_at = ? WHERE id = ?",
			DB_INT(time_now_unix()), DB_TEXT(id));
		err_clear(&e);
		ok(vault_patch_end(p, db, &a, &off, &st, &e) < 0 && e.kind == ERR_LOCKED && off == 100000,
		   "a PATCH whose claim was taken over records nothing: 423");
		is_int(db_scalar_int(db, 0, "SELECT upload_offset FROM uploads WHERE id = ?",
				     (const struct db_val[]){ DB_TEXT(id), DB_END }), 100000, "offset still 100000");
		db_exec(db, "UPDATE uploads SET claimed_by = NULL, claimed_at = NULL WHERE id = ?", DB_TEXT(id));
	}

	/* PATCH 2 is cut off after 50000 bytes: they are kept */
	p = vault_patch_begin(v, db, &a, id, 100000, 150000, &e);
	vault_patch_write(p, body + 100000, 50000, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == 150000, "interrupted PATCH keeps its bytes");

	/* "restart": a new vault (no cached hash state), and stray bytes
	 * past the recorded offset as a kill -9 mid-write would leave */
	vault_close(v);
	*vp = v = vault_open(data, &e);
	char *part = xasprintf("%s/%s.part", vault_uploads_dir(v), id);
	int fd = open(part, O_WRONLY | O_APPEND);
	ok(fd >= 0 && write(fd, "GARBAGE", 7) == 7, "stray bytes appended to the partial file");
	close(fd);
	ok(vault_upload_get(v, db, &a, id, &u, &e) == 0 && u.offset == 150000, "HEAD after restart: 150000");
	p = vault_patch_begin(v, db, &a, id, 150000, (long long)n - 150000, &e);
	ok(p != NULL, "resume after restart: %s", e.msg);
	vault_patch_write(p, body + 150000, n - 150000, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == (long long)n && st.size == (long long)n,
	   "final PATCH stores the file: %s", e.msg);
	char want[HASH_HEX];
	oneshot("SHA256", body, n, want);
	is_str(st.sha256, want, "SHA-256 of the resumed upload equals the one-shot digest");
	oneshot("SM3", body, n, want);
	is_str(st.sm3, want, "SM3 likewise");
	ok(access(part, F_OK) != 0, "partial file gone");
	ok(vault_upload_get(v, db, &a, id, &u, &e) == 0 && str_eq(u.state, "stored") && u.offset == (long long)n,
	   "upload is stored");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, (long long)n, 0, &e) == NULL && e.kind == ERR_CONFLICT, "PATCH after the end: 409");
	free(part);

	/* a mislabelled tus upload is refused and marked so */
	char id2[33];
	/* filetype image/jpeg */
	ok(vault_upload_create(v, db, &a, 20, "filetype aW1hZ2UvanBlZw==", id2, &e) == 0, "second upload created");
	p = vault_patch_begin(v, db, &a, id2, 0, 20, &e);
	long long leaves = ledger_size(db, &e);
	err_clear(&e);
	ok(vault_patch_write(p, "plain text, not jpeg", 20, &e) < 0 && e.kind == 415 && strstr(e.msg, "JPEG 图片"),
	   "mislabelled upload refused as its bytes arrive: %s", e.msg);
	vault_patch_abort(p, db);
	is_int(ledger_size(db, &e), leaves, "no leaf for it");
	ok(vault_upload_get(v, db, &a, id2, &u, &e) == 0 && str_eq(u.state, "refused"), "marked refused");
	{
		char *gone = xasprintf("%s/%s.part", vault_uploads_dir(v), id2);
		ok(access(gone, F_OK) != 0, "its partial file removed");
		free(gone);
	}

	/* a large mislabelled upload is refused on its first 16 KiB, not
	 * after the whole file: the first write past 16 KiB fails */
	char id4[33];
	ok(vault_upload_create(v, db, &a, 11LL << 20, "filetype aW1hZ2UvcG5n,filename 6K+B5o2uLnBuZw==", id4, &e) == 0,
	   "an 11 MiB upload claimed as PNG");
	p = vault_patch_begin(v, db, &a, id4, 0, 11LL << 20, &e);
	char *chunk = xmalloc(8192);
	memset(chunk, 'x', 8192);
	err_clear(&e);
	ok(vault_patch_write(p, chunk, 8192, &e) == 0, "first 8 KiB accepted (not yet enough to tell)");
	ok(vault_patch_write(p, chunk, 8192, &e) < 0 && e.kind == 415, "refused at 16 KiB: %s", e.msg);
	vault_patch_abort(p, db);
	free(chunk);
	ok(vault_upload_get(v, db, &a, id4, &u, &e) == 0 && str_eq(u.state, "refused") && u.offset == 0,
	   "marked refused, nothing kept");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id4, 0, 10, &e) == NULL && e.kind == 410, "further PATCHes: 410");

	/* a form-style writer: refused on the first 16 KiB too */
	{
		struct vault_writer w;
		ok(vault_writer_open(v, &w, &e) == 0, "writer opens");
		ok(vault_writer_describe(&w, "video/mp4", "../../现场\x01视频.mp4", "说明\r\n第二行", &e) == 0, "described");
		is_str(w.filename, "现场视频.mp4", "name cleaned (path and control characters dropped)");
		is_str(w.description, "说明\n第二行", "description cleaned");
		char *big = xmalloc(20000);
		memset(big, 'y', 20000);
		err_clear(&e);
		ok(vault_writer_add(&w, big, 20000, &e) < 0 && e.kind == 415 && strstr(e.msg, "MP4 视频"),
		   "text claimed as MP4 refused on the first chunk: %s", e.msg);
		vault_writer_abort(&w);
		free(big);
		ok(vault_writer_open(v, &w, &e) == 0, "writer opens");
		err_clear(&e);
		ok(vault_writer_describe(&w, NULL, "x.txt", "\xff\xfe", &e) < 0 && str_eq(e.field, "description"),
		   "a description that is not UTF-8 is refused");
		vault_writer_abort(&w);
	}

	/* a crash between 'complete' and the record: finished by the next read */
	char id3[33];
	ok(vault_upload_create(v, db, &a, 5, NULL, id3, &e) == 0, "third upload created");
	part = xasprintf("%s/%s.part", vault_uploads_dir(v), id3);
	write_file(part, "hello", 5);
	struct hash2 h;
	struct hash2_result hr;
	hash2_init(&h);
	hash2_update(&h, "hello", 5);
	hash2_final(&h, &hr);
	db_exec(db, "UPDATE uploads SET upload_offset = 5, state = 'complete', sha256 = ?, sm3 = ?, detected_type = 'text/plain' WHERE id = ?",
		DB_TEXT(hr.sha256_hex), DB_TEXT(hr.sm3_hex), DB_TEXT(id3));
	ok(vault_upload_get(v, db, &a, id3, &u, &e) == 0 && str_eq(u.state, "stored"), "left 'complete' -> stored on read");
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM blobs WHERE sha256 = ?", (const struct db_val[]){ DB_TEXT(hr.sha256_hex), DB_END }) == 1,
	   "and recorded");
	free(part);
	free(body);
}

/* Resource exhaustion: a bounded number of hashing pipes (EBUSY past
 * it), a thread that cannot start: NULL, never an abort; the vault then
 * answers 503 (VAULT_BUSY) and keeps working afterwards. */
static void test_busy(struct db *db, struct vault *v, long long unit_a)
{
	struct hash2 h1, h2;
	hash2_init(&h1);
	hash2_init(&h2);
	hash2_pipe_limit(1);
	is_int(hash2_pipe_max(), 1, "pipe bound set to 1");
	struct hash2_pipe *p1 = hash2_pipe_start(&h1, -1, 0, 0);
	ok(p1 != NULL, "first pipe starts");
	errno = 0;
	struct hash2_pipe *p2 = hash2_pipe_start(&h2, -1, 0, 0);
	ok(p2 == NULL && errno == EBUSY, "second pipe past the bound: NULL, EBUSY");

	/* hash2_fd still hashes (on the calling thread) */
	char *path = xasprintf("%s/busy.bin", tmpdir);
	write_file(path, "abcdefgh", 8);
	int fd = open(path, O_RDONLY);
	struct hash2_result hr;
	ok(hash2_fd(&h2, fd, -1) == 8, "hash2_fd without a free pipe reads the file");
	hash2_final(&h2, &hr);
	close(fd);
	char want[HASH_HEX];
	oneshot("SHA256", "abcdefgh", 8, want);
	is_str(hr.sha256_hex, want, "and hashes it right");

	/* the vault answers 503 while the pipe is taken */
	struct err e = ERR_INIT;
	struct vault_writer w;
	ok(vault_writer_open(v, &w, &e) < 0 && e.kind == VAULT_BUSY, "writer without a free pipe: 503 (%s)", e.msg);
	struct actor a;
	officer(&a, 41, unit_a);
	char id[33];
	ok(vault_upload_create(v, db, &a, 8, NULL, id, &e) == 0, "upload created");
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 0, 8, &e) == NULL && e.kind == VAULT_BUSY, "PATCH without a free pipe: 503");
	ok(db_scalar_int(db, 1, "SELECT COUNT(*) FROM uploads WHERE id = ? AND claimed_by IS NOT NULL",
			 (const struct db_val[]){ DB_TEXT(id), DB_END }) == 0, "the refused PATCH holds no claim");
	hash2_pipe_finish(p1);
	hash2_abort(&h1);

	/* a thread that cannot be started */
	hash2_init(&h1);
	hash2_pipe_fail_threads(1);
	errno = 0;
	p1 = hash2_pipe_start(&h1, -1, 0, 0);
	ok(p1 == NULL && errno == EAGAIN, "a thread that cannot start: NULL, EAGAIN (no abort)");
	hash2_pipe_fail_threads(0);
	p1 = hash2_pipe_start(&h1, -1, 0, 0);
	ok(p1 != NULL, "the bound was given back: the next pipe starts");
	hash2_pipe_finish(p1);
	hash2_abort(&h1);
	hash2_pipe_fail_threads(2);
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, id, 0, 8, &e) == NULL && e.kind == VAULT_BUSY, "PATCH when no thread starts: 503");
	hash2_pipe_fail_threads(0);
	hash2_pipe_limit(0);

	/* and afterwards everything works */
	struct vault_patch *p = vault_patch_begin(v, db, &a, id, 0, 8, &e);
	ok(p != NULL, "PATCH after the pressure: %s", e.msg);
	long long off;
	struct vault_stored st;
	if (p) {
		vault_patch_write(p, "abcdefgh", 8, &e);
		ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && str_eq(st.sha256, want), "stored: %s", e.msg);
	}
	unlink(path);
	free(path);
}

/* The blob store on a volume of its own (DATA/blobs a link to another
 * file system): a tus upload still ends in the store (its partial file is
 * staged inside the store, so link() never crosses volumes), and a
 * partial file of an earlier version left in DATA/uploads on the other
 * volume is copied across. */
static void test_volumes(struct db *db, long long unit_a)
{
	char vol[] = "/dev/shm/zhifa-vol-XXXXXX";
	if (!mkdtemp(vol)) {
		ok(1, "# SKIP no /dev/shm for a second volume");
		return;
	}
	char *data = xasprintf("%s/data-vol", tmpdir);
	char *blobs = xasprintf("%s/blobs", data);
	mkdir(data, 0700);
	struct stat s1, s2;
	if (symlink(vol, blobs) < 0 || stat(data, &s1) < 0 || stat(vol, &s2) < 0 || s1.st_dev == s2.st_dev) {
		ok(1, "# SKIP %s and /dev/shm are one file system", tmpdir);
		goto out;
	}
	struct err e = ERR_INIT;
	struct vault *v = vault_open(data, &e);
	ok(v != NULL, "vault with its store on another volume: %s", e.msg);
	struct actor a;
	officer(&a, 31, unit_a);
	const char body[] = "evidence on its own volume\n";
	size_t n = sizeof body - 1;
	char id[33];
	ok(vault_upload_create(v, db, &a, (long long)n, NULL, id, &e) == 0, "upload created");
	struct vault_patch *p = vault_patch_begin(v, db, &a, id, 0, (long long)n, &e);
	ok(p != NULL, "PATCH begins: %s", e.msg);
	long long off = 0;
	struct vault_stored st;
	if (p) {
		vault_patch_write(p, body, n, &e);
		ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && st.size == (long long)n,
		   "tus upload stored across volumes: %s", e.msg);
	}
	char *stored = blobs_fs_path(vault_blobs(v), st.sha256);
	ok(stored && access(stored, R_OK) == 0, "the file is in the store");
	free(stored);

	/* a partial file where an earlier version kept them (DATA/uploads,
	 * the other volume) */
	const char body2[] = "begun by an earlier version\n";
	size_t n2 = sizeof body2 - 1;
	char id2[33];
	ok(vault_upload_create(v, db, &a, (long long)n2, NULL, id2, &e) == 0, "second upload created");
	vault_close(v);
	char *olddir = xasprintf("%s/uploads", data);
	mkdir(olddir, 0700);
	char *newpart = xasprintf("%s/tmp/uploads/%s.part", blobs, id2);
	char *oldpart = xasprintf("%s/%s.part", olddir, id2);
	unlink(newpart);
	write_file(oldpart, "", 0);
	v = vault_open(data, &e);
	p = vault_patch_begin(v, db, &a, id2, 0, (long long)n2, &e);
	ok(p != NULL, "PATCH of the old partial file begins: %s", e.msg);
	if (p) {
		vault_patch_write(p, body2, n2, &e);
		ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && st.size == (long long)n2,
		   "old partial file stored across volumes (copied): %s", e.msg);
	}
	char want[HASH_HEX];
	oneshot("SHA256", body2, n2, want);
	is_str(st.sha256, want, "with the content's SHA-256");
	vault_close(v);
	free(olddir);
	free(newpart);
	free(oldpart);
out:;
	char *rm = xasprintf("chmod -R u+w %s && rm -rf %s", vol, vol);
	if (system(rm) != 0)
		printf("# could not remove %s\n", vol);
	free(rm);
	free(blobs);
	free(data);
}

/* vault_uploads_expire: an expired partial upload loses its file and
 * answers 410; an unexpired one, one inside the grace day, a finished one
 * and the stored blobs are untouched. */
static void test_expire(struct db *db, struct vault *v, const char *data, long long unit_a)
{
	(void)data;
	struct err e = ERR_INIT;
	struct actor a;
	officer(&a, 23, unit_a);
	long long now = time_now_unix();
	char fake[32];
	long long off;
	struct vault_stored st;

	/* created 9 days ago: expired 2 days ago, with 4 bytes received */
	snprintf(fake, sizeof fake, "%lld", now - 9 * 86400LL);
	setenv("ZHIFA_FAKE_NOW", fake, 1);
	char old_id[33], done_id[33];
	ok(vault_upload_create(v, db, &a, 10, NULL, old_id, &e) == 0, "old upload created: %s", e.msg);
	struct vault_patch *p = vault_patch_begin(v, db, &a, old_id, 0, 4, &e);
	ok(p != NULL, "old upload: PATCH begins: %s", e.msg);
	vault_patch_write(p, "part", 4, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == 4, "old upload holds 4 bytes");
	/* created 9 days ago and finished then */
	static const char done_body[] = "finished long ago, expiry test\n";
	size_t dn = sizeof done_body - 1;
	ok(vault_upload_create(v, db, &a, (long long)dn, NULL, done_id, &e) == 0, "finished upload created");
	p = vault_patch_begin(v, db, &a, done_id, 0, (long long)dn, &e);
	vault_patch_write(p, done_body, dn, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && st.size == (long long)dn, "finished upload stored: %s", e.msg);
	char done_sha[HASH_HEX];
	snprintf(done_sha, sizeof done_sha, "%s", st.sha256);
	/* created 7 days and 1 hour ago: expired an hour ago (grace day) */
	snprintf(fake, sizeof fake, "%lld", now - 7 * 86400LL - 3600);
	setenv("ZHIFA_FAKE_NOW", fake, 1);
	char grace_id[33];
	ok(vault_upload_create(v, db, &a, 10, NULL, grace_id, &e) == 0, "recently expired upload created");
	unsetenv("ZHIFA_FAKE_NOW");
	/* created now */
	char new_id[33];
	ok(vault_upload_create(v, db, &a, 10, NULL, new_id, &e) == 0, "fresh upload created");
	p = vault_patch_begin(v, db, &a, new_id, 0, 3, &e);
	vault_patch_write(p, "abc", 3, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == 3, "fresh upload holds 3 bytes");

	char *old_part = xasprintf("%s/%s.part", vault_uploads_dir(v), old_id);
	char *grace_part = xasprintf("%s/%s.part", vault_uploads_dir(v), grace_id);
	char *new_part = xasprintf("%s/%s.part", vault_uploads_dir(v), new_id);
	ok(access(old_part, F_OK) == 0, "old partial file exists before the clean-up");
	struct vault_upload u;
	err_clear(&e);
	ok(vault_upload_get(v, db, &a, old_id, &u, &e) < 0 && e.kind == 410, "expired upload already answers 410");
	long long blobs_before = blob_rows(db), leaves = ledger_size(db, &e);

	int removed = -1;
	err_clear(&e);
	ok(vault_uploads_expire(v, db, "not a time", &removed, &e) < 0 && e.kind == ERR_INVALID && removed == 0,
	   "malformed now refused");
	err_clear(&e);
	ok(vault_uploads_expire(v, db, NULL, &removed, &e) == 0, "expire runs: %s", e.msg);
	is_int(removed, 1, "one upload expired");
	ok(access(old_part, F_OK) != 0 && errno == ENOENT, "its partial file is deleted");
	ok(access(grace_part, F_OK) == 0, "the one inside the grace day keeps its file");
	ok(access(new_part, F_OK) == 0, "the fresh one keeps its file");
	struct db_res *r = NULL;
	ok(db_query(db, &r, "SELECT state, upload_offset, length FROM uploads WHERE id = ?", DB_TEXT(old_id)) == 0 &&
	   r->nrows == 1 && str_eq(db_text(r, 0, 0), "expired") && db_int(r, 0, 1) == 4 && db_int(r, 0, 2) == 10,
	   "row kept, marked expired, offset and length unchanged");
	db_res_free(r);
	is_int(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'vault.upload_expire' AND object_id = ?",
			     (const struct db_val[]){ DB_TEXT(old_id), DB_END }),
	       1, "operation log names the expired upload");
	err_clear(&e);
	ok(vault_upload_get(v, db, &a, old_id, &u, &e) < 0 && e.kind == 410, "HEAD of the expired upload: 410 (%s)", e.msg);
	err_clear(&e);
	ok(vault_patch_begin(v, db, &a, old_id, 4, 2, &e) == NULL && e.kind == 410, "PATCH of the expired upload: 410");
	err_clear(&e);
	ok(vault_upload_get(v, db, &a, done_id, &u, &e) == 0 && str_eq(u.state, "stored"), "finished upload untouched");
	long long have = -1;
	ok(blobs_stat(vault_blobs(v), done_sha, &have, &e) == 1 && have == (long long)dn, "its blob is still stored");
	is_int(blob_rows(db), blobs_before, "no blob row removed");
	is_int(ledger_size(db, &e), leaves, "no leaf added");
	ok(vault_upload_get(v, db, &a, new_id, &u, &e) == 0 && str_eq(u.state, "open") && u.offset == 3,
	   "fresh upload still open at offset 3");
	p = vault_patch_begin(v, db, &a, new_id, 3, 2, &e);
	ok(p != NULL, "fresh upload still takes a PATCH: %s", e.msg);
	vault_patch_write(p, "de", 2, &e);
	ok(vault_patch_end(p, db, &a, &off, &st, &e) == 0 && off == 5, "and keeps its bytes");
	err_clear(&e);
	ok(vault_uploads_expire(v, db, NULL, &removed, &e) == 0 && removed == 0, "a second run finds nothing");

	/* a day later the one in its grace day goes too */
	char later[21];
	time_unix_to_utc(now + 86400, later);
	ok(vault_uploads_expire(v, db, later, &removed, &e) == 0 && removed == 1, "a day later: the grace-day one expires");
	ok(access(grace_part, F_OK) != 0, "its file is deleted");
	ok(access(new_part, F_OK) == 0, "the fresh one still keeps its file");
	free(old_part);
	free(grace_part);
	free(new_part);
}

static void test_verify(struct db *db, struct vault *v, const char *data)
{
	struct err e = ERR_INIT;
	char *keys = xasprintf("%s/keys", data);
	ok(ledger_keys_create(keys, "zhifa.test/log", &e) == 0, "keys: %s", e.msg);
	vault_verify_install(v);
	struct ledger_report r;
	ledger_report_init(&r);
	ok(ledger_verify(db, keys, &r, &e) == 0 && r.problems == 0, "verify passes: %s", buf_str(&r.text));
	ledger_report_release(&r);

	/* flip one byte of a stored file */
	struct db_res *res = NULL;
	db_query(db, &res, "SELECT sha256 FROM blobs ORDER BY leaf_index LIMIT 1");
	char *sha = xstrdup(db_text(res, 0, 0));
	db_res_free(res);
	char *path = blobs_fs_path(vault_blobs(v), sha);
	chmod(path, 0644);
	int fd = open(path, O_RDWR);
	char c;
	ok(fd >= 0 && pread(fd, &c, 1, 3) == 1, "read a byte of the stored file");
	c ^= 0x01;
	ok(pwrite(fd, &c, 1, 3) == 1, "flip it");
	close(fd);
	ledger_report_init(&r);
	ok(ledger_verify(db, keys, &r, &e) == 0 && r.problems >= 1 && strstr(buf_str(&r.text), sha) &&
	   strstr(buf_str(&r.text), "改动"), "verify reports the flipped byte: %s", buf_str(&r.text));
	ledger_report_release(&r);
	unlink(path);
	ledger_report_init(&r);
	ok(ledger_verify(db, keys, &r, &e) == 0 && strstr(buf_str(&r.text), "缺失"), "verify reports a missing file: %s",
	   buf_str(&r.text));
	ledger_report_release(&r);
	free(path);
	free(sha);
	free(keys);
}

static int sink_hash(void *ctx, const void *p, size_t n)
{
	hash2_update(ctx, p, n);
	return 0;
}

static void test_s3(void)
{
	const char *ep = getenv("ZHIFA_TEST_S3");
	if (!ep || !*ep) {
		ok(1, "# SKIP S3 back end: ZHIFA_TEST_S3 not set (scripts/s3-test.sh start)");
		return;
	}
	struct err e = ERR_INIT;
	struct blobs_s3_config c = {
		.endpoint = ep, .bucket = "zhifa", .region = "us-east-1", .access_key = "S3RVER",
		.secret_key = "S3RVER", .part_size = 5LL << 20, .multipart_threshold = 6LL << 20,
	};
	char *staging = xasprintf("%s/s3stage", tmpdir);
	struct blobs *b = blobs_open_s3(&c, staging, &e);
	if (!ok(b != NULL, "S3 back end opens: %s", e.msg)) {
		free(staging);
		return;
	}
	struct blobs_s3_config bad = c;
	bad.bucket = "no-such-bucket";
	struct err e2 = ERR_INIT;
	struct blobs *nb = blobs_open_s3(&bad, staging, &e2);
	ok(nb == NULL && e2.kind == ERR_INTERNAL, "a missing bucket is refused: %s", e2.msg);
	blobs_close(nb);
	size_t sizes[] = { 1000, 11 * 1024 * 1024 + 5 };
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		size_t n = sizes[k];
		unsigned char *buf = xmalloc(n);
		randombytes_buf(buf, n);
		char sha[HASH_HEX], sm3[HASH_HEX];
		oneshot("SHA256", buf, n, sha);
		oneshot("SM3", buf, n, sm3);
		char *src = xasprintf("%s/obj", staging);
		write_file(src, buf, n);
		is_int(blobs_stat(b, sha, NULL, &e), 0, "S3: absent before put (%zu bytes)", n);
		is_int(blobs_put(b, sha, src, (long long)n, &e), 1, "S3: put %s (%zu bytes): %s",
		       n > 6 * 1024 * 1024 ? "multipart" : "single", n, e.msg);
		ok(access(src, F_OK) != 0, "S3: staging file removed after the store answered");
		long long have = 0;
		ok(blobs_stat(b, sha, &have, &e) == 1 && have == (long long)n, "S3: stat finds the object with its size");
		struct hash2 h;
		hash2_init(&h);
		ok(blobs_read(b, sha, sink_hash, &h, &e) == 0, "S3: read back");
		struct hash2_result r;
		hash2_final(&h, &r);
		is_str(r.sha256_hex, sha, "S3: read-back SHA-256");
		is_str(r.sm3_hex, sm3, "S3: read-back SM3");
		write_file(src, buf, n);
		is_int(blobs_put(b, sha, src, (long long)n, &e), 0, "S3: second put deduplicated");
		free(src);
		free(buf);
	}
	struct err re = ERR_INIT;
	struct hash2 h;
	hash2_init(&h);
	ok(blobs_read(b, "1111111111111111111111111111111111111111111111111111111111111111",
		      sink_hash, &h, &re) < 0 && re.kind == ERR_NOTFOUND,
	   "S3: unknown object: not found");
	hash2_abort(&h);
	blobs_close(b);
	free(staging);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	test_hash();
	test_pipe();
	test_fs();

	struct db *db = testdb_open();
	struct buf berr;
	buf_init(&berr, 0);
	if (db_migrate(db, &berr) < 0)
		testdb_bail("migrate", buf_str(&berr));
	buf_release(&berr);
	long long unit_a = add_unit(db, "ua"), unit_b = add_unit(db, "ub");
	ok(unit_a > 0 && unit_b > 0, "units");
	char *data = xasprintf("%s/data", tmpdir);
	mkdir(data, 0700);
	struct err e = ERR_INIT;
	struct vault *v = vault_open(data, &e);
	ok(v != NULL, "vault opens: %s", e.msg);
	test_vault(db, v, unit_a, unit_b);
	test_tus(db, &v, data, unit_a);
	test_expire(db, v, data, unit_a);
	test_busy(db, v, unit_a);
	test_verify(db, v, data);
	test_volumes(db, unit_a);
	test_s3();
	vault_close(v);
	db_close(db);
	char *rm = xasprintf("chmod -R u+w %s && rm -rf %s", tmpdir, tmpdir);
	if (system(rm) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(rm);
	free(data);
	return tap_done();
}
