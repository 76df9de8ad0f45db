/*
 * Unit tests for the case package (records/package.h): a package of
 * stored vault files (a Chinese path, a file of several read chunks, a
 * signature image, a file recorded by a leaf other than its file.stored
 * one) verifies; the case.exported leaf and the op_log row are written;
 * the checkpoint is signed when none covers the files; the independent
 * checker (tests/verifier/verify_package.py: unzip, sha256sum -c, openssl
 * dgst -sm3, hashlib RFC 6962 inclusion, openssl pkeyutl on the note)
 * accepts it and rejects a changed file; one flipped byte in every region
 * (a document, manifest.json, a leaf, a proof, the note, a key, a local
 * header, the central directory, the end record) and an added, a
 * removed or a renamed file make package_verify fail; a pinned foreign
 * key fails; the check does not depend on the time zone; a stored file
 * whose bytes changed stops the export and nothing is left under the
 * name or as .part; bad paths are refused.  Honours ZHIFA_TEST_DB.
 */
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "store/db.h"
#include "recording/vault.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "actor/actor.h"
#include "records/package.h"
#include "records/package_int.h"
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include "../tap.h"
#include "../testdb.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <signal.h>
#include <sys/wait.h>

static char tmpdir[] = "/tmp/zhifa-package-XXXXXX";

static long long add_unit(struct db *db, const char *code)
{
	struct db_res *r;
	long long id = -1;
	if (db_query(db, &r, "INSERT INTO units(code, name, created_at) VALUES (?, ?, '2026-01-01T00:00:00Z') RETURNING id",
		     DB_TEXT(code), DB_TEXT(code)) == 0 && r->nrows)
		id = db_int(r, 0, 0);
	db_res_free(r);
	return id;
}

static int store_bytes(struct vault *v, struct db *db, const struct actor *a, const void *p, size_t n,
		       struct vault_stored *st, struct err *e)
{
	struct vault_writer w;
	if (vault_writer_open(v, &w, e) < 0)
		return -1;
	if (vault_writer_add(&w, p, n, e) < 0) {
		vault_writer_abort(&w);
		return -1;
	}
	return vault_writer_commit(v, db, a, &w, NULL, st, e);
}

static void seed(struct db *db, int n)
{
	struct err e = ERR_INIT;
	for (int i = 0; i < n; i++) {
		json_t *f = json_pack("{s:i}", "n", i);
		if (db_begin(db) < 0 || ledger_append(db, "test.seed", f, NULL, &e) < 0 || db_commit(db) < 0)
			testdb_bail("seed", e.msg);
		json_decref(f);
	}
}

static struct buf file_bytes(const char *path)
{
	struct buf b;
	buf_init(&b, 0);
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	return b;
}

static void put_bytes(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data, 1, b->len, f) != b->len)
		testdb_bail("write", path);
	fclose(f);
}

/* Problems package_verify finds in path (or -1 when it could not run). */
static int problems(const char *path, const char *const *keys, size_t nkeys, struct buf *text)
{
	struct package_report r;
	package_report_init(&r);
	struct err e = ERR_INIT;
	int rc = package_verify(path, keys, nkeys, &r, &e);
	int n = rc < 0 ? -1 : r.problems;
	if (text) {
		buf_reset(text);
		buf_puts(text, buf_str(&r.text));
	}
	package_report_release(&r);
	return n;
}

static const char *memfind(const struct buf *b, const char *needle, size_t from)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= b->len; i++)
		if (memcmp(b->data + i, needle, n) == 0)
			return b->data + i;
	return NULL;
}

/* Flip one byte at off of the good zip into bad and check that it fails. */
static void flip_fails(const char *good, const char *bad, long long off, const char *what)
{
	struct buf b = file_bytes(good);
	if (off < 0 || (size_t)off >= b.len) {
		ok(0, "flip in %s: offset %lld not found", what, off);
		buf_release(&b);
		return;
	}
	b.data[off] ^= 0x01;
	put_bytes(bad, &b);
	struct buf text;
	buf_init(&text, 0);
	int n = problems(bad, NULL, 0, &text);
	ok(n > 0, "a flipped byte in %s (offset %lld) fails: %d problems", what, off, n);
	if (n > 0) {
		const char *nl = strchr(buf_str(&text), '\n');
		printf("#   %.*s\n", nl ? (int)(nl - buf_str(&text)) : 0, buf_str(&text));
	}
	buf_release(&text);
	buf_release(&b);
}

/* Offset of the data of entry name (by its local header), or -1. */
static long long entry_data(const char *zip, const char *name)
{
	struct buf b = file_bytes(zip);
	long long off = -1;
	size_t nl = strlen(name);
	for (size_t i = 0; i + 30 <= b.len && off < 0; i++) {
		const unsigned char *p = (const unsigned char *)b.data + i;
		if (memcmp(p, "PK\x03\x04", 4) != 0)
			continue;
		size_t n = p[26] | (size_t)p[27] << 8, x = p[28] | (size_t)p[29] << 8;
		if (n == nl && i + 30 + n <= b.len && memcmp(p + 30, name, n) == 0)
			off = (long long)(i + 30 + n + x);
	}
	buf_release(&b);
	return off;
}

/* Each line of a report as a TAP comment. */
static void diag_text(const struct buf *t)
{
	const char *p = buf_str(t);
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("#   %.*s\n", (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

/* A canonical zip (the exporter's own writer: valid CRCs, the layout the
 * verifier expects) of the entries of good, with the byte at off of
 * entry name xor'ed with 1: what a careful forger would make. */
static int fsink(void *ctx, const void *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n ? 0 : -1;
}

static void rezip(const char *good, const char *bad, const char *name, long long off)
{
	locale_t old = package_locale_enter();
	struct archive *rd = archive_read_new();
	archive_read_support_format_zip_seekable(rd);
	archive_read_open_filename(rd, good, 1 << 16);
	FILE *f = fopen(bad, "wb");
	struct archive *wr = package_zip_new(fsink, f);
	struct archive_entry *en;
	while (archive_read_next_header(rd, &en) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname_utf8(en);
		struct buf d;
		buf_init(&d, 0);
		char chunk[65536];
		la_ssize_t k;
		while ((k = archive_read_data(rd, chunk, sizeof chunk)) > 0)
			buf_add(&d, chunk, (size_t)k);
		if (str_eq(path, name) && off < (long long)d.len)
			d.data[off] ^= 1;
		package_zip_header(wr, path, (long long)d.len);
		archive_write_data(wr, d.data, d.len);
		archive_write_finish_entry(wr);
		buf_release(&d);
	}
	archive_write_close(wr);
	archive_write_free(wr);
	fclose(f);
	archive_read_free(rd);
	package_locale_leave(old);
}

static struct buf entry_bytes(const char *zip, const char *name)
{
	locale_t old = package_locale_enter();
	struct archive *rd = archive_read_new();
	archive_read_support_format_zip_seekable(rd);
	archive_read_open_filename(rd, zip, 1 << 16);
	struct archive_entry *en;
	struct buf d;
	buf_init(&d, 0);
	while (archive_read_next_header(rd, &en) == ARCHIVE_OK)
		if (str_eq(archive_entry_pathname_utf8(en), name)) {
			char chunk[65536];
			la_ssize_t k;
			while ((k = archive_read_data(rd, chunk, sizeof chunk)) > 0)
				buf_add(&d, chunk, (size_t)k);
			break;
		}
	archive_read_free(rd);
	package_locale_leave(old);
	return d;
}

/* A forged byte in entry name at the first needle (+ delta) fails with a
 * line containing want. */
static void forge_fails(const char *good, const char *bad, const char *name, const char *needle, long long delta,
			const char *want, const char *what)
{
	struct buf d = entry_bytes(good, name);
	const char *p = needle ? memfind(&d, needle, 0) : d.data;
	long long off = p ? (long long)(p - d.data) + delta : -1;
	buf_release(&d);
	if (off < 0) {
		ok(0, "forged %s: '%s' not found in %s", what, needle, name);
		return;
	}
	rezip(good, bad, name, off);
	struct buf text;
	buf_init(&text, 0);
	int n = problems(bad, NULL, 0, &text);
	ok(n > 0 && strstr(buf_str(&text), want), "forged %s (valid CRC, canonical zip) fails naming \"%s\"", what, want);
	diag_text(&text);
	buf_release(&text);
}

static long long offset_of(const char *zip, const char *needle, size_t from)
{
	struct buf b = file_bytes(zip);
	const char *p = memfind(&b, needle, from);
	long long off = p ? (long long)(p - b.data) : -1;
	buf_release(&b);
	return off;
}

static int sh(const char *fmt, const char *a1, const char *a2)
{
	char *cmd = xasprintf(fmt, a1, a2);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 1;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	struct db *db = testdb_open();
	struct buf berr;
	buf_init(&berr, 0);
	if (db_migrate(db, &berr) < 0)
		testdb_bail("migrate", buf_str(&berr));
	buf_release(&berr);
	long long unit = add_unit(db, "ua");
	char *data = xasprintf("%s/data", tmpdir), *keys = xasprintf("%s/data/keys", tmpdir);
	mkdir(data, 0700);
	struct err e = ERR_INIT;
	ok(ledger_keys_create(keys, "zhifa.test/log", &e) == 0, "keys: %s", e.msg);
	struct vault *v = vault_open(data, &e);
	ok(v != NULL, "vault opens: %s", e.msg);
	struct actor a;
	actor_system(&a, "test");
	a.unit_id = unit;

	/* the files: a "PDF", a PNG, 1.26 MiB of "video" (several read chunks) */
	seed(db, 5);
	const char pdf[] = "%PDF-1.4\n% 询问笔录 测试文书\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
					     0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89 };
	size_t vlen = (5u << 18) + 12345; /* 1.26 MiB: two read chunks */
	unsigned char *video = xmalloc(vlen);
	for (size_t i = 0; i < vlen; i++)
		video[i] = (unsigned char)((i * 2654435761u) >> 13);
	struct vault_stored s1, s2, s3;
	ok(store_bytes(v, db, &a, pdf, sizeof pdf - 1, &s1, &e) == 0, "pdf stored: %s", e.msg);
	seed(db, 3);
	ok(store_bytes(v, db, &a, png, sizeof png, &s2, &e) == 0, "png stored: %s", e.msg);
	ok(store_bytes(v, db, &a, video, vlen, &s3, &e) == 0, "video stored: %s", e.msg);
	seed(db, 2);
	/* a record leaf naming the PDF at top level (as record.finalised does) */
	long long rec_leaf = -1;
	json_t *rf = json_pack("{s:i,s:i,s:s,s:s,s:i}", "case_id", 7, "document_id", 3, "sha256", s1.sha256, "sm3", s1.sm3,
			       "pages", 1);
	ok(db_begin(db) == 0 && ledger_append(db, "record.finalised", rf, &rec_leaf, &e) == 0 && db_commit(db) == 0,
	   "record leaf: %s", e.msg);
	json_decref(rf);
	seed(db, 4);

	struct package_item items[] = {
		{ "document", "documents/01-询问笔录.pdf", s1.sha256, NULL, -1, rec_leaf, "application/pdf" },
		{ "signature", "signatures/01-文书3-签名1.png", s2.sha256, s2.sm3, s2.size, -1, "image/png" },
		{ "media", "media/01-视频.mp4", s3.sha256, NULL, -1, s3.leaf_index, NULL },
	};
	struct package_case c = { 7, "云工信罚〔2026〕12号", "某公司未按规定使用节能设备案", "云南省工业和信息化厅", "节能监察处" };
	char *zip = xasprintf("%s/案卷.zip", tmpdir), *bad = xasprintf("%s/bad.zip", tmpdir);
	char *part = xasprintf("%s.part", zip);
	struct package_result res;
	struct buf note;
	buf_init(&note, 0);
	long long cps = -1;
	struct err none = ERR_INIT;
	ok(ledger_checkpoint_latest(db, &note, &cps, &none) < 0, "no checkpoint yet");
	long long before = ledger_size(db, &e);
	ok(package_write(db, v, keys, &a, &c, items, ARRAY_SIZE(items), zip, &res, &e) == 0, "package written: %s", e.msg);
	ok(access(zip, F_OK) == 0 && access(part, F_OK) < 0, "the zip is under its name, no .part left");
	is_int(res.files, 3, "three files");
	ok(res.checkpoint_size == before + 1 && res.leaf_index == before,
	   "a checkpoint was signed covering every leaf and the export's own (size %lld, tree %lld)", res.checkpoint_size,
	   before);
	/* the case.exported leaf names the manifest's SHA-256 */
	struct buf leaf;
	buf_init(&leaf, 0);
	ok(ledger_leaf(db, res.leaf_index, &leaf, NULL, &e) == 0 && strstr(buf_str(&leaf), "\"type\":\"case.exported\"") &&
	   strstr(buf_str(&leaf), res.manifest_sha256) && strstr(buf_str(&leaf), "\"case_id\":7"),
	   "case.exported leaf: %s", buf_str(&leaf));
	buf_release(&leaf);
	is_int(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'case.export' AND object_id = '7'",
			     (const struct db_val[]){ DB_END }),
	       1, "the export is in the operation log");
	ok(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'vault.download'",
			 (const struct db_val[]){ DB_END }) >= 3,
	   "every file read is in the operation log");

	struct buf text;
	buf_init(&text, 0);
	is_int(problems(zip, NULL, 0, &text), 0, "package verifies");
	if (text.len)
		printf("# %s", buf_str(&text));

	/* tools not written here */
	ok(sh("python3 tests/verifier/verify_package.py '%s' >&2%s", zip, "") == 0,
	   "independent checker (unzip, sha256sum -c, openssl sm3, RFC 6962 in Python, openssl pkeyutl) accepts it");
	ok(sh("cd '%s' && rm -rf x && unzip -q '%s' -d x && cd x && sha256sum --quiet -c SHA256SUMS", tmpdir, zip) == 0,
	   "unzip + sha256sum -c SHA256SUMS");
	ok(sh("cd '%s/x' && test \"$(openssl dgst -sm3 -r media/01-视频.mp4 | cut -d' ' -f1)\" = %s", tmpdir, s3.sm3) == 0,
	   "openssl dgst -sm3 of the video equals the recorded SM3");
	ok(sh("cd '%s/x' && test -s '说明.txt' && grep -q 'sha256sum -c SHA256SUMS' '说明.txt' && grep -q 'openssl dgst -sm3' '说明.txt'%s",
	      tmpdir, "") == 0,
	   "说明.txt is there and names the tools");
	/* the note's commands exactly as 说明.txt gives them */
	ok(sh("cd '%s/x' && head -n 3 checkpoint.txt > cp.txt && sed -n 5p checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c +5 > sig.ed25519"
	      " && sed -n 6p checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c +5 > sig.sm2"
	      " && openssl pkeyutl -verify -pubin -inkey keys/ledger-ed25519.pub.pem -rawin -in cp.txt -sigfile sig.ed25519 >/dev/null"
	      " && openssl pkeyutl -verify -pubin -inkey keys/ledger-sm2.pub.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678"
	      " -in cp.txt -sigfile sig.sm2 >/dev/null && grep -q 'sed -n 6p checkpoint.txt' 说明.txt%s", tmpdir, "") == 0,
	   "the checkpoint's Ed25519 and SM2 signatures verify with the openssl commands of 说明.txt");

	/* one flipped byte anywhere */
	flip_fails(zip, bad, entry_data(zip, "documents/01-询问笔录.pdf") + 15, "a document");
	flip_fails(zip, bad, offset_of(zip, "\"format\"", 0) + 2, "manifest.json");
	flip_fails(zip, bad, offset_of(zip, "某公司", offset_of(zip, "\"case_no\"", 0)) + 1, "the case title in manifest.json");
	flip_fails(zip, bad, offset_of(zip, "\"leaf\": \"", entry_data(zip, "leaves/INDEX.json")) + 12, "a leaf");
	flip_fails(zip, bad, offset_of(zip, "\"proof\": [", entry_data(zip, "proofs/INDEX.json")) + 16, "a proof");
	flip_fails(zip, bad, offset_of(zip, "\xe2\x80\x94 zhifa.test/log ", entry_data(zip, "checkpoint.txt")) + 24,
		   "the note's signature");
	flip_fails(zip, bad, entry_data(zip, "checkpoint.txt") + 16, "the note's size line");
	flip_fails(zip, bad, entry_data(zip, "keys/ledger-ed25519.vkey") + 20, "the Ed25519 verifier key");
	flip_fails(zip, bad, entry_data(zip, "keys/ledger-ed25519.pub.pem") + 40, "the Ed25519 PEM");
	flip_fails(zip, bad, entry_data(zip, "keys/ledger-sm2.vkey") + 30, "the SM2 verifier key");
	flip_fails(zip, bad, entry_data(zip, "keys/ledger-sm2.pub.pem") + 40, "the SM2 PEM");
	flip_fails(zip, bad, entry_data(zip, "SM3SUMS") + 5, "SM3SUMS");
	flip_fails(zip, bad, entry_data(zip, "SHA256SUMS") + 5, "SHA256SUMS");
	flip_fails(zip, bad, entry_data(zip, "说明.txt") + 5, "说明.txt");
	flip_fails(zip, bad, entry_data(zip, "media/01-视频.mp4") + (1 << 20) + 3, "the video");
	flip_fails(zip, bad, entry_data(zip, "signatures/01-文书3-签名1.png") + 20, "the signature image");
	flip_fails(zip, bad, 10, "the first local header (time)");
	flip_fails(zip, bad, offset_of(zip, "PK\x01\x02", 0) + 8, "the central directory");
	flip_fails(zip, bad, offset_of(zip, "PK\x05\x06", 0) + 12, "the end record");
	flip_fails(zip, bad, offset_of(zip, "PK\x03\x04", 200) + 30, "a file name in a local header");
	struct buf zb = file_bytes(zip);
	flip_fails(zip, bad, (long long)zb.len - 1, "the last byte");
	buf_release(&zb);

	/* forgeries that keep the zip valid: the content checks alone */
	rezip(zip, bad, "", 0);
	is_int(problems(bad, NULL, 0, NULL), 0, "the test's rewrite of an unchanged package is identical");
	forge_fails(zip, bad, "documents/01-询问笔录.pdf", "测试", 0, "SHA-256 为", "document");
	forge_fails(zip, bad, "media/01-视频.mp4", NULL, (1 << 20) + 5, "media/01-视频.mp4 的 SHA-256", "video");
	forge_fails(zip, bad, "manifest.json", "某公司", 1, "manifest.json 被改动", "case title");
	forge_fails(zip, bad, "leaves/INDEX.json", "\"leaf\": \"", 12, "叶子", "leaf");
	forge_fails(zip, bad, "proofs/INDEX.json", "\"proof\": [\n", 8, "包含证明", "proof");
	forge_fails(zip, bad, "checkpoint.txt", "\n\n", 30, "签名", "note signature");
	forge_fails(zip, bad, "checkpoint.txt", "\n", 5, "签名", "note root");
	forge_fails(zip, bad, "keys/ledger-ed25519.vkey", "+", 12, "验证密钥", "Ed25519 verifier key");
	forge_fails(zip, bad, "keys/ledger-ed25519.pub.pem", "KEY-----\n", 20, "公钥文件", "Ed25519 PEM");
	forge_fails(zip, bad, "keys/ledger-sm2.pub.pem", "KEY-----\n", 40, "公钥文件", "SM2 PEM");
	forge_fails(zip, bad, "SHA256SUMS", NULL, 3, "SHA256SUMS 与 manifest.json 不符", "SHA256SUMS");

	/* added, removed, renamed files (python's zipfile: a tool not written here) */
	{
		char *cmd = xasprintf("cp '%s' '%s' && python3 -c \"import sys,zipfile; zipfile.ZipFile(sys.argv[1],'a').writestr('media/extra.txt','x')\" '%s'", zip, bad, bad);
		ok(system(cmd) == 0, "a file added with python's zipfile");
		free(cmd);
	}
	int np = problems(bad, NULL, 0, &text);
	ok(np > 0 && strstr(buf_str(&text), "media/extra.txt"), "an added file is named");
	diag_text(&text);
	{
		char *cmd = xasprintf("python3 -c \"import sys,zipfile\n"
				      "zi=zipfile.ZipFile(sys.argv[1]); zo=zipfile.ZipFile(sys.argv[2],'w')\n"
				      "for i in zi.infolist():\n"
				      "  if not i.filename.startswith('signatures/'): zo.writestr(i, zi.read(i.filename))\n"
				      "zo.close()\" '%s' '%s'", zip, bad);
		ok(system(cmd) == 0, "a copy without the signature image");
		free(cmd);
	}
	np = problems(bad, NULL, 0, &text);
	ok(np > 0 && strstr(buf_str(&text), "缺少文件 signatures/"), "a missing file is named");
	diag_text(&text);
	{
		char *cmd = xasprintf("cp '%s' '%s' && printf 'x' >> '%s'", zip, bad, bad);
		ok(system(cmd) == 0 && problems(bad, NULL, 0, NULL) > 0, "a byte appended at the end fails");
		free(cmd);
	}

	/* pinned keys */
	char *vk_path = xasprintf("%s/ledger-vkeys.txt", keys);
	struct buf vks = file_bytes(vk_path);
	char *line = xstrndup(buf_str(&vks), strcspn(buf_str(&vks), " "));
	const char *pin[] = { line };
	is_int(problems(zip, pin, 1, NULL), 0, "the checkpoint is signed by the pinned key");
	char *okeys = xasprintf("%s/other-keys", tmpdir);
	ledger_keys_create(okeys, "zhifa.test/log", &e);
	char *ovk_path = xasprintf("%s/ledger-vkeys.txt", okeys);
	struct buf ovks = file_bytes(ovk_path);
	char *oline = xstrndup(buf_str(&ovks), strcspn(buf_str(&ovks), " "));
	const char *opin[] = { oline };
	np = problems(zip, opin, 1, &text);
	ok(np > 0, "a pinned foreign key fails");
	diag_text(&text);

	/* the independent checker is no rubber stamp */
	{
		struct buf b = file_bytes(zip);
		const char *p = memfind(&b, "询问笔录 测试文书", 0);
		b.data[p - b.data + 3] ^= 1;
		put_bytes(bad, &b);
		buf_release(&b);
		ok(sh("python3 tests/verifier/verify_package.py '%s' >/dev/null 2>&1%s", bad, "") != 0,
		   "the independent checker rejects a changed document");
	}

	/* another time zone */
	setenv("TZ", "America/New_York", 1);
	tzset();
	is_int(problems(zip, NULL, 0, NULL), 0, "verifies in another time zone");
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();

	/* a second export: a new checkpoint covers its own leaf */
	long long cp_before = res.checkpoint_size;
	char *zip2 = xasprintf("%s/second.zip", tmpdir);
	struct package_item one[] = { items[1] };
	ok(package_write(db, v, keys, &a, &c, one, 1, zip2, &res, &e) == 0 && res.checkpoint_size > cp_before &&
	   res.leaf_index < res.checkpoint_size,
	   "second export's checkpoint (size %lld) covers its leaf %lld: %s", res.checkpoint_size, res.leaf_index, e.msg);
	is_int(problems(zip2, NULL, 0, NULL), 0, "second package verifies");

	/* refusals: nothing written */
	struct package_item badp[] = { { "file", "../x.pdf", s1.sha256, NULL, -1, -1, NULL } };
	char *zip3 = xasprintf("%s/third.zip", tmpdir), *part3 = xasprintf("%s/third.zip.part", tmpdir);
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, badp, 1, zip3, &res, &e) < 0 && e.kind == ERR_INVALID, "'..' refused: %s",
	   e.msg);
	struct package_item metap[] = { { "file", "manifest.json", s1.sha256, NULL, -1, -1, NULL } };
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, metap, 1, zip3, &res, &e) < 0 && e.kind == ERR_INVALID,
	   "a package file name refused: %s", e.msg);
	struct package_item dup[] = { items[0], items[0] };
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, dup, 2, zip3, &res, &e) < 0 && e.kind == ERR_INVALID, "a path twice refused: %s",
	   e.msg);
	struct package_item unknown[] = { { "file", "x.bin", "00000000000000000000000000000000000000000000000000000000000000ff",
					    NULL, -1, -1, NULL } };
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, unknown, 1, zip3, &res, &e) < 0 && e.kind == ERR_NOTFOUND,
	   "a file the vault does not hold: %s", e.msg);
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, items, 0, zip3, &res, &e) < 0 && e.kind == ERR_INVALID, "no files: %s", e.msg);

	/* a stored file whose bytes changed stops the export, nothing left */
	char *bp = blobs_fs_path(vault_blobs(v), s3.sha256);
	chmod(bp, 0644);
	int fd = open(bp, O_WRONLY);
	ok(fd >= 0 && pwrite(fd, "Z", 1, (1 << 20) + 7) == 1, "a byte of the stored video changed");
	if (fd >= 0)
		close(fd);
	long long exports = db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'case.export'",
					  (const struct db_val[]){ DB_END });
	err_clear(&e);
	ok(package_write(db, v, keys, &a, &c, items, ARRAY_SIZE(items), zip3, &res, &e) < 0 && e.kind == ERR_CONFLICT,
	   "export stops on a changed stored file: %s", e.msg);
	ok(access(zip3, F_OK) < 0 && access(part3, F_OK) < 0, "no zip and no .part left");
	is_int(db_scalar_int(db, 0, "SELECT COUNT(*) FROM op_log WHERE action = 'case.export'",
			     (const struct db_val[]){ DB_END }),
	       exports, "no export logged");
	free(bp);

	/* killed in the middle of an export: nothing under the final name */
	{
		size_t big = 64u << 20;
		unsigned char *bb = xmalloc(big);
		for (size_t i = 0; i < big; i++)
			bb[i] = (unsigned char)((i * 40503u) >> 7);
		struct vault_stored sb;
		ok(store_bytes(v, db, &a, bb, big, &sb, &e) == 0, "64 MiB file stored: %s", e.msg);
		free(bb);
		struct package_item kit[] = { { "media", "media/02-大文件.bin", sb.sha256, sb.sm3, sb.size, sb.leaf_index, NULL } };
		char *kzip = xasprintf("%s/killed.zip", tmpdir), *kpart = xasprintf("%s/killed.zip.part", tmpdir);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			struct buf cb;
			buf_init(&cb, 0);
			struct db *cdb = db_open(testdb_last_url(), &cb);
			struct err ce = ERR_INIT;
			struct vault *cv = vault_open(data, &ce);
			struct package_result cr;
			if (cdb && cv)
				package_write(cdb, cv, keys, &a, &c, kit, 1, kzip, &cr, &ce);
			_exit(0);
		}
		bool saw_part = false;
		for (int i = 0; i < 300000 && !saw_part; i++) { /* up to a minute: valgrind is slow */
			saw_part = access(kpart, F_OK) == 0;
			if (!saw_part)
				usleep(200);
		}
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		ok(saw_part && WIFSIGNALED(status), "the export was killed while writing FILE.zip.part");
		ok(access(kzip, F_OK) < 0, "no zip under the final name after the kill");
		unlink(kpart);
		free(kzip);
		free(kpart);
	}

	/* items from a case file (records_case_file's shape) */
	json_t *cf = json_loads("{\"case\":{\"id\":7},\"items\":["
				"{\"kind\":\"document\",\"id\":3,\"title\":\"询问/笔录\",\"number\":\"云工信罚〔2026〕12号\","
				"\"sha256\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"sm3\":\"bb\",\"size\":5,"
				"\"leaf_index\":9,\"media_type\":\"application/pdf\"},"
				"{\"kind\":\"signature\",\"document_id\":3,\"signature_id\":4,"
				"\"sha256\":\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\",\"media_type\":\"image/png\"},"
				"{\"kind\":\"media\",\"media_kind\":\"audio\",\"sha256\":null,\"media_type\":\"\"},"
				"{\"kind\":\"media\",\"media_kind\":\"video\","
				"\"sha256\":\"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\",\"media_type\":\"video/mp4\"}]}",
				0, NULL);
	struct package_item *ci = NULL;
	size_t cn = 0;
	ok(package_items_from_case_file(cf, &ci, &cn, &e) == 0 && cn == 3, "case file items (a note of no recording skipped)");
	if (cn == 3) {
		is_str(ci[0].path, "documents/01-询问_笔录-云工信罚〔2026〕12号.pdf", "document path");
		is_str(ci[1].path, "signatures/01-文书3-签名4.png", "signature path");
		is_str(ci[2].path, "media/01-视频-dddddddddddd.mp4", "media path");
		is_int(ci[0].leaf_index, 9, "leaf index kept");
		is_int(ci[1].leaf_index, -1, "unknown leaf index looked up later");
	}
	package_items_free(ci, cn);
	json_decref(cf);

	buf_release(&text);
	buf_release(&note);
	buf_release(&vks);
	buf_release(&ovks);
	free(line);
	free(oline);
	free(vk_path);
	free(ovk_path);
	free(okeys);
	free(zip);
	free(zip2);
	free(zip3);
	free(part3);
	free(bad);
	free(part);
	free(video);
	free(data);
	free(keys);
	vault_close(v);
	db_close(db);
	char *rm = xasprintf("chmod -R u+w %s && rm -rf %s", tmpdir, tmpdir);
	if (system(rm) != 0)
		printf("# could not remove %s\n", tmpdir);
	free(rm);
	return tap_done();
}
