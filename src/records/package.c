/*
 * package.c - writing the case package (package.h; docs/package.md).
 */
#include "core/core.h"
#include "core/err.h"
#include "core/hash.h"
#include "records/package.h"
#include "records/package_int.h"
#include "ledger/note.h"
#include "ledger/merkle.h"
#include "actor/audit.h"
#include "records/records.h"
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/stat.h>

#define CHUNK (1u << 20)

/* ---- the canonical zip writer (shared with package_verify.c) ---- */

struct zip_out {
	package_zip_sink sink;
	void *ctx;
};

static la_ssize_t zip_write_cb(struct archive *a, void *ud, const void *p, size_t n)
{
	(void)a;
	struct zip_out *o = ud;
	return o->sink(o->ctx, p, n) < 0 ? -1 : (la_ssize_t)n;
}

static int zip_free_cb(struct archive *a, void *ud)
{
	(void)a;
	free(ud);
	return ARCHIVE_OK;
}

/* libarchive converts names through the thread's locale: UTF-8 names
 * need a UTF-8 one, whatever the process runs with. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

locale_t package_locale_enter(void)
{
	pthread_once(&utf8_once, utf8_init);
	return utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
}

void package_locale_leave(locale_t old)
{
	if (old)
		uselocale(old);
}

struct archive *package_zip_new(package_zip_sink sink, void *ctx)
{
	struct archive *a = archive_write_new();
	if (!a)
		return NULL;
	struct zip_out *o = xcalloc(1, sizeof *o);
	o->sink = sink;
	o->ctx = ctx;
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_options(a, "zip:compression=store,zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
	    archive_write_open2(a, o, NULL, zip_write_cb, NULL, zip_free_cb) != ARCHIVE_OK) {
		archive_write_free(a);
		return NULL;
	}
	return a;
}

/* Every entry: a regular file, mode 0644, owner 0, no time (the zip then
 * holds the DOS minimum 1980-01-01 whatever the time zone), UTF-8 name. */
int package_zip_header(struct archive *a, const char *path, long long size)
{
	struct archive_entry *en = archive_entry_new();
	archive_entry_set_pathname_utf8(en, path);
	archive_entry_set_filetype(en, AE_IFREG);
	archive_entry_set_perm(en, 0644);
	archive_entry_set_size(en, size);
	archive_entry_set_uid(en, 0);
	archive_entry_set_gid(en, 0);
	int rc = archive_write_header(a, en);
	archive_entry_free(en);
	return rc == ARCHIVE_OK ? 0 : -1;
}

bool package_path_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n == 0 || n > 240 || !utf8_valid(p, n) || p[0] == '/' || p[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
		    c == '>' || c == '|')
			return false;
	}
	/* no empty, "." or ".." component */
	const char *s = p;
	while (*s) {
		size_t l = strcspn(s, "/");
		if (l == 0 || (l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += l;
		if (*s == '/')
			s++;
	}
	return true;
}

/* The package's own files, never an evidence path. */
bool package_meta_path(const char *p)
{
	static const char *const fixed[] = { PACKAGE_README, "manifest.json", "SHA256SUMS", "SM3SUMS",
					     "checkpoint.txt", "leaves/INDEX.json", "proofs/INDEX.json" };
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		if (str_eq(p, fixed[i]))
			return true;
	return str_starts(p, "keys/") || str_starts(p, "leaves/") || str_starts(p, "proofs/");
}

/* ---- writing to the .part file ---- */

struct fd_out {
	int fd;
	long long n;
	bool failed;
	int err;
};

static int fd_sink(void *ctx, const void *p, size_t n)
{
	struct fd_out *o = ctx;
	const char *c = p;
	while (n) {
		ssize_t w = write(o->fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->failed = true;
			o->err = errno ? errno : EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		o->n += w;
	}
	return 0;
}

static int zip_fail(struct archive *a, const struct fd_out *o, struct err *e)
{
	if (o && o->failed)
		return err_set(e, ERR_INTERNAL, "out", "写入证据包失败：%s", strerror(o->err));
	log_error("writing the case package: %s", archive_error_string(a) ? archive_error_string(a) : "?");
	return err_set(e, ERR_INTERNAL, "out", "写入证据包失败（压缩包写入出错，详见服务日志）");
}

static int add_mem(struct archive *a, const struct fd_out *o, const char *path, const void *p, size_t n,
		   struct err *e)
{
	if (package_zip_header(a, path, (long long)n) < 0)
		return zip_fail(a, o, e);
	const char *c = p;
	while (n) {
		size_t k = n < CHUNK ? n : CHUNK;
		if (archive_write_data(a, c, k) != (la_ssize_t)k)
			return zip_fail(a, o, e);
		c += k;
		n -= k;
	}
	return archive_write_finish_entry(a) == ARCHIVE_OK ? 0 : zip_fail(a, o, e);
}

/* SHA-256 of a stream on a helper thread, one chunk at a time, so that
 * hashing overlaps the reading, the CRC-32 and the writing of the main
 * thread (inline when no thread can be started). */
struct sha_thread {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *md;
	const unsigned char *p;
	size_t n;
	bool busy, quit, started;
};

static void *sha_main(void *arg)
{
	struct sha_thread *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->busy && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (!s->busy)
			break;
		const unsigned char *p = s->p;
		size_t n = s->n;
		pthread_mutex_unlock(&s->mu);
		EVP_DigestUpdate(s->md, p, n);
		pthread_mutex_lock(&s->mu);
		s->busy = false;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void sha_start(struct sha_thread *s, EVP_MD_CTX *md)
{
	memset(s, 0, sizeof *s);
	s->md = md;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->started = pthread_create(&s->t, NULL, sha_main, s) == 0;
}

/* Wait until the chunk given last is hashed. */
static void sha_wait(struct sha_thread *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

/* Hash n bytes at p (left alone by the caller until the next sha_give or
 * sha_wait returns). */
static void sha_give(struct sha_thread *s, const unsigned char *p, size_t n)
{
	if (!s->started) {
		EVP_DigestUpdate(s->md, p, n);
		return;
	}
	pthread_mutex_lock(&s->mu);
	while (s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
	s->p = p;
	s->n = n;
	s->busy = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static void sha_stop(struct sha_thread *s)
{
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		while (s->busy)
			pthread_cond_wait(&s->cv, &s->mu);
		s->quit = true;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->t, NULL);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
}

/* Stream one stored file into the zip, recomputing its SHA-256 (chunk:
 * two buffers of CHUNK bytes, one read and written while the other is
 * hashed). */
static int add_blob(struct archive *a, const struct fd_out *o, struct vault *v, struct db *db,
		    const struct actor *who, const struct package_item *it, unsigned char *chunk, struct err *e)
{
	struct vault_read rd;
	if (vault_open_read(v, db, who, it->sha256, false, NULL, &rd, e) < 0) {
		if (e->kind == ERR_NOTFOUND || e->kind == ERR_FORBIDDEN)
			return err_set(e, ERR_NOTFOUND, "items", "文件库中没有文件 %s（%s）", it->path, it->sha256);
		return -1;
	}
	if (rd.size != it->size) {
		close(rd.fd);
		return err_set(e, ERR_CONFLICT, "items", "文件 %s 的大小 %lld 与记录的 %lld 不符", it->path, rd.size, it->size);
	}
	posix_fadvise(rd.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	int rc = -1;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		err_set(e, ERR_INTERNAL, "", "无法计算 SHA-256");
		goto out;
	}
	if (package_zip_header(a, it->path, rd.size) < 0) {
		zip_fail(a, o, e);
		goto out;
	}
	struct sha_thread sh;
	sha_start(&sh, md);
	long long left = rd.size;
	int k = 0;
	bool ok = true;
	while (left > 0 && ok) {
		unsigned char *b = chunk + (size_t)k * CHUNK; /* not the buffer being hashed */
		ssize_t r = read(rd.fd, b, left < CHUNK ? (size_t)left : CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err_set(e, ERR_INTERNAL, "items", "读取文件 %s 失败：%s", it->path, r < 0 ? strerror(errno) : "文件变短了");
			ok = false;
			break;
		}
		sha_give(&sh, b, (size_t)r);
		if (archive_write_data(a, b, (size_t)r) != r) {
			zip_fail(a, o, e);
			ok = false;
			break;
		}
		left -= r;
		k ^= 1;
	}
	sha_wait(&sh);
	sha_stop(&sh);
	if (!ok)
		goto out;
	unsigned char d[32];
	unsigned int dl = 0;
	char hex[HASH_HEX];
	EVP_DigestFinal_ex(md, d, &dl);
	hex_encode(d, 32, hex);
	if (!str_eq(hex, it->sha256)) {
		err_set(e, ERR_CONFLICT, "items", "存储的文件 %s 已与登记的 SHA-256 不符（登记 %s，实际 %s），导出中止，请管理员运行 zhifa verify",
			it->path, it->sha256, hex);
		goto out;
	}
	if (archive_write_finish_entry(a) != ARCHIVE_OK) {
		zip_fail(a, o, e);
		goto out;
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	close(rd.fd);
	return rc;
}

/* ---- the parts ---- */

/* Resolved copy of an item (every field known). */
struct pitem {
	const struct package_item *in;
	char sm3[HASH_HEX];
	long long size;
	long long leaf;
	char media_type[128];
};

static int resolve(struct db *db, const struct actor *a, const struct package_item *in, struct pitem *out,
		   struct err *e)
{
	memset(out, 0, sizeof *out);
	out->in = in;
	if (!package_path_ok(in->path) || package_meta_path(in->path))
		return err_set(e, ERR_INVALID, "items", "证据包中的文件路径「%s」不可用", in->path ? in->path : "");
	if (!in->sha256 || !hash_hex_valid(in->sha256))
		return err_set(e, ERR_INVALID, "items", "文件 %s 没有有效的 SHA-256", in->path);
	json_t *f = NULL;
	if (vault_get(db, a, in->sha256, &f, e) < 0) {
		if (e->kind == ERR_NOTFOUND || e->kind == ERR_FORBIDDEN) {
			err_clear(e);
			return err_set(e, ERR_NOTFOUND, "items", "文件库中没有文件 %s（%s）", in->path, in->sha256);
		}
		return -1;
	}
	const char *sm3 = json_string_value(json_object_get(f, "sm3"));
	snprintf(out->sm3, sizeof out->sm3, "%s", sm3 ? sm3 : "");
	out->size = json_integer_value(json_object_get(f, "size"));
	const char *mt = in->media_type ? in->media_type : json_string_value(json_object_get(f, "media_type"));
	snprintf(out->media_type, sizeof out->media_type, "%s", mt ? mt : "application/octet-stream");
	json_decref(f);
	if (in->sm3 && !str_eq(in->sm3, out->sm3))
		return err_set(e, ERR_CONFLICT, "items", "文件 %s 的 SM3 与文件库记录的不符", in->path);
	if (in->size >= 0 && in->size != out->size)
		return err_set(e, ERR_CONFLICT, "items", "文件 %s 的大小与文件库记录的不符", in->path);
	out->leaf = in->leaf_index;
	if (out->leaf < 0) {
		unsigned char h[32];
		hex_decode(in->sha256, h, 32);
		if (ledger_find(db, h, LEDGER_MAX_SIZE, &out->leaf, NULL, e) < 0) {
			if (e->kind == ERR_NOTFOUND) {
				err_clear(e);
				return err_set(e, ERR_NOTFOUND, "items", "账本中没有登记文件 %s 的叶子", in->path);
			}
			return -1;
		}
	}
	return 0;
}

/* The checkpoint: the newest, or one signed now when it does not cover
 * max_leaf. */
static int pick_checkpoint(struct db *db, const char *keys_dir, long long max_leaf, struct buf *note,
			   long long *size, struct err *e)
{
	struct err none = ERR_INIT;
	buf_reset(note);
	if (ledger_checkpoint_latest(db, note, size, &none) == 0 && *size > max_leaf)
		return 0;
	struct ledger_keys *k = ledger_keys_load(keys_dir, e);
	if (!k)
		return -1;
	bool signed_new = false;
	int rc = ledger_checkpoint_act(db, k, 0, &signed_new, e);
	ledger_keys_free(k);
	if (rc < 0)
		return -1;
	buf_reset(note);
	if (ledger_checkpoint_latest(db, note, size, e) < 0)
		return -1;
	if (*size <= max_leaf)
		return err_set(e, ERR_INTERNAL, "checkpoint", "无法取得覆盖全部文件的检查点（最新检查点大小 %lld）", *size);
	return 0;
}

/* Verifier keys of keys_dir/ledger-vkeys.txt that verify the note, one
 * Ed25519 and one SM2 (the newest that verifies). */
static int note_keys(const char *keys_dir, const char *note, struct buf *vk_ed, struct buf *vk_sm2,
		     struct buf *pem_ed, struct buf *pem_sm2, struct err *e)
{
	char *path = xasprintf("%s/ledger-vkeys.txt", keys_dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		err_set(e, ERR_INTERNAL, "keys", "无法打开 %s：%s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, " \r\n")] = 0;
		if (!line[0])
			continue;
		struct note_verifier v;
		struct err ve = ERR_INIT;
		if (note_vkey_parse(line, &v, &ve) < 0)
			continue;
		struct note_check c;
		if (note_verify(note, strlen(note), &v, 1, &c, NULL, &ve) == 0 && c.bad == 0) {
			bool ed = sign_key_alg(v.key) == SIGN_ED25519;
			struct buf *vk = ed ? vk_ed : vk_sm2, *pem = ed ? pem_ed : pem_sm2;
			if ((ed ? c.ed25519_ok : c.sm2_ok) > 0) {
				buf_reset(vk);
				buf_reset(pem);
				buf_puts(vk, line);
				sign_key_pem(v.key, false, pem);
			}
		}
		note_verifier_release(&v);
	}
	fclose(f);
	if (!vk_ed->len || !vk_sm2->len)
		return err_set(e, ERR_INTERNAL, "keys", "密钥目录中没有签署该检查点的 Ed25519 和 SM2 验证密钥");
	return 0;
}

static void readme(struct buf *b, const struct package_case *c, const char *exported_at, long long files,
		   long long cp_size, const char *root_hex, const char *vk_ed)
{
	char local[20] = "";
	time_utc_to_shanghai(exported_at, local);
	buf_printf(b,
		   "案卷证据包说明\n"
		   "==============\n\n"
		   "案件编号：%s\n案件名称：%s\n执法主体：%s\n导出时间（北京时间）：%s\n"
		   "证据文件：%lld 个\n检查点：树的大小 %lld，根哈希（十六进制）%s\n\n",
		   c->case_no ? c->case_no : "", c->title ? c->title : "", c->body ? c->body : "", local, files, cp_size,
		   root_hex);
	buf_puts(b,
		 "本证据包中的每一个文件（执法文书 PDF、签名图片、音像记录原件）都与执法机关账本中登记时的内容逐字节相同。"
		 "账本是只能追加、不能修改的默克尔树日志（RFC 6962 / RFC 9162），由执法机关的密钥定期签名。"
		 "以下每一步都只用通用工具，不需要本系统，也不需要联网。\n\n"
		 "一、解压\n"
		 "    unzip 证据包.zip -d 案卷 && cd 案卷\n"
		 "    （压缩包内各文件的修改时间统一为 1980-01-01，与内容无关；导出时间见 manifest.json 的 exported_at。）\n\n"
		 "二、核对 SHA-256\n"
		 "    sha256sum -c SHA256SUMS\n"
		 "    每个文件都应显示“确定”或“OK”。SHA256SUMS 与 manifest.json 中 files 的 sha256 相同。\n\n"
		 "三、核对 SM3（国密杂凑算法，GB/T 32905）\n"
		 "    while read -r h f; do r=$(openssl dgst -sm3 -r \"$f\" | cut -d' ' -f1); "
		 "[ \"$r\" = \"$h\" ] && echo \"$f: 相符\" || echo \"$f: 不符\"; done < SM3SUMS\n\n"
		 "四、核对账本登记（叶子与包含证明）\n"
		 "    leaves/INDEX.json 中每一项是一个账本叶子：leaf 为叶子原始字节的 Base64，hash 为叶子哈希"
		 " SHA-256(0x00 ‖ 叶子字节) 的 Base64，index 为叶子序号。叶子是 JSON，其 sha256 一项就是所登记文件的 SHA-256。\n"
		 "    manifest.json 中每个文件的 leaf_index 指明登记它的叶子。\n"
		 "    proofs/INDEX.json 中每一项与执法机关网站 /api/v1/log/proof/inclusion 的返回相同：index、size、proof"
		 "（Base64 哈希，RFC 9162 第 2.1.3 节的审计路径）。用任何 RFC 6962 / RFC 9162 验证程序，"
		 "由叶子哈希和审计路径算出的根哈希应等于 checkpoint.txt 中的根哈希（第三行，Base64）。\n\n"
		 "五、核对检查点签名\n"
		 "    checkpoint.txt 是 C2SP 签名笔记（signed note）：空行前的正文为“来源、树的大小、根哈希”三行，"
		 "空行后每行一个签名“— 来源 Base64(4 字节密钥标识 ‖ 签名)”。第一行签名为 Ed25519，第二行为 SM2（SM3 摘要，"
		 "区分标识 1234567812345678）。keys/ 中有对应的公钥：\n"
		 "      keys/ledger-ed25519.vkey    签名笔记格式的 Ed25519 验证密钥（与网站 /log/key 相同）\n"
		 "      keys/ledger-ed25519.pub.pem Ed25519 公钥（PEM）\n"
		 "      keys/ledger-sm2.pub.pem     SM2 公钥（PEM，末行注释为其验证密钥，与网站 /log/key/sm2 相同）\n"
		 "    用 OpenSSL 核对：正文（空行之前的三行，含最后的换行）存为 cp.txt，签名行的 Base64 解码后"
		 "去掉前 4 个字节（密钥标识）即为签名：\n"
		 "      head -n 3 checkpoint.txt > cp.txt\n"
		 "      sed -n 5p checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c +5 > sig.ed25519\n"
		 "      sed -n 6p checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c +5 > sig.sm2\n"
		 "      openssl pkeyutl -verify -pubin -inkey keys/ledger-ed25519.pub.pem -rawin -in cp.txt -sigfile sig.ed25519\n"
		 "      openssl pkeyutl -verify -pubin -inkey keys/ledger-sm2.pub.pem -rawin -digest sm3 "
		 "-pkeyopt distid:1234567812345678 -in cp.txt -sigfile sig.sm2\n"
		 "    两条命令都应显示 Signature Verified Successfully。\n"
		 "    也可用任何支持 Ed25519 签名笔记的验证程序（如 Go 的 golang.org/x/mod/sumdb/note）核对。\n\n"
		 "六、核对公钥\n"
		 "    以上证明的是“这些文件已由持有该密钥的机关登记”。请通过正式文件或执法机关网站“公信验证”页（/log/key）"
		 "核对 keys/ledger-ed25519.vkey 与公布的验证密钥一致：\n      ");
	buf_printf(b, "%s\n\n", vk_ed);
	buf_puts(b,
		 "七、一次完成全部核对\n"
		 "    zhifa verify --package 证据包.zip [--key 公布的验证密钥]\n"
		 "    列出每一处不符；全部相符时退出状态为 0。\n\n"
		 "八、清单本身的登记\n"
		 "    导出本身也登记在账本中：leaves/INDEX.json 的 export_leaf 指明的叶子（类型 case.exported）的 sha256"
		 " 就是本包 manifest.json 的 SHA-256，它的包含证明也在 proofs/INDEX.json 中。按第四步核对它，"
		 "即可确认案件编号、名称和文件清单都是导出时的原样：\n"
		 "      sha256sum manifest.json\n"
		 "    在执法机关网站“公信验证”页用该值查询，或运行 zhifa verify 网站地址 --key 公布的验证密钥 --file manifest.json，"
		 "也可联网确认。\n");
}

static int fsync_dir_of(const char *path)
{
	char *d = xstrdup(path);
	int fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static json_t *parse_body(const struct buf *b)
{
	return json_loadb(buf_str(b), b->len, 0, NULL);
}

static int write_package(struct db *db, struct vault *v, const char *keys_dir, const struct actor *a,
			 const struct package_case *c, const struct package_item *items, size_t n,
			 const char *out_path, struct package_result *res, struct err *e)
{
	memset(res, 0, sizeof *res);
	if (n == 0)
		return err_set(e, ERR_INVALID, "items", "该案件没有可导出的已定稿文书或音像记录");
	if (str_empty(out_path) || str_ends(out_path, "/"))
		return err_set(e, ERR_INVALID, "out", "请给出证据包的文件名（如 案卷.zip）");
	struct pitem *pi = xcalloc(n, sizeof *pi);
	long long max_leaf = -1;
	int rc = -1;
	for (size_t i = 0; i < n; i++) {
		if (resolve(db, a, &items[i], &pi[i], e) < 0)
			goto free_items;
		for (size_t j = 0; j < i; j++)
			if (str_eq(items[j].path, items[i].path)) {
				err_set(e, ERR_INVALID, "items", "证据包中的文件路径「%s」重复", items[i].path);
				goto free_items;
			}
		if (pi[i].leaf > max_leaf)
			max_leaf = pi[i].leaf;
	}

	struct buf note, vk_ed, vk_sm2, pem_ed, pem_sm2, tmp, man, sums256, sumsm3, text;
	buf_init(&note, 0);
	buf_init(&vk_ed, 0);
	buf_init(&vk_sm2, 0);
	buf_init(&pem_ed, 0);
	buf_init(&pem_sm2, 0);
	buf_init(&tmp, 0);
	buf_init(&man, 0);
	buf_init(&sums256, 0);
	buf_init(&sumsm3, 0);
	buf_init(&text, 0);
	json_t *leaves = json_array(), *proofs = json_array(), *files = json_array(), *manifest = NULL;
	char *part = NULL;
	int fd = -1;
	struct archive *ar = NULL;
	unsigned char *chunk = NULL;
	long long cp_size = 0;
	bool committed = false;
	struct fd_out fo = { -1, 0, false, 0 };
	char cid[32];
	snprintf(cid, sizeof cid, "%lld", c->id);

	/* the manifest */
	char now[21];
	time_now_utc(now);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(files, json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "path", items[i].path, "kind",
						       items[i].kind ? items[i].kind : "file", "sha256", items[i].sha256,
						       "sm3", pi[i].sm3, "size", (json_int_t)pi[i].size, "leaf_index",
						       (json_int_t)pi[i].leaf, "media_type", pi[i].media_type));
		buf_printf(&sums256, "%s  %s\n", items[i].sha256, items[i].path);
		buf_printf(&sumsm3, "%s  %s\n", pi[i].sm3, items[i].path);
	}
	manifest = json_pack("{s:s,s:s,s:s,s:{s:I,s:s,s:s,s:s,s:s},s:o}", "format", PACKAGE_FORMAT, "exported_at", now,
			     "zip_writer", archive_version_string(), "case", "id", (json_int_t)c->id, "case_no",
			     c->case_no ? c->case_no : "", "title", c->title ? c->title : "", "body", c->body ? c->body : "",
			     "unit", c->unit ? c->unit : "", "files", files);
	files = NULL;
	char *ms = json_dumps(manifest, JSON_INDENT(2) | JSON_SORT_KEYS);
	buf_puts(&man, ms);
	buf_putc(&man, '\n');
	free(ms);
	{
		unsigned char d[32];
		unsigned int dl = 0;
		EVP_Digest(man.data, man.len, d, &dl, EVP_sha256(), NULL);
		hex_encode(d, 32, res->manifest_sha256);
	}

	/* the zip: the files first, streamed and their SHA-256 checked */
	part = xasprintf("%s.part", out_path);
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(e, ERR_INVALID, "out", "无法创建文件 %s：%s", part, strerror(errno));
		goto out;
	}
	fo.fd = fd;
	ar = package_zip_new(fd_sink, &fo);
	if (!ar) {
		err_set(e, ERR_INTERNAL, "", "无法初始化压缩包写入");
		goto out;
	}
	chunk = xmalloc(2 * (size_t)CHUNK);
	for (size_t i = 0; i < n; i++) {
		struct package_item it = items[i];
		it.size = pi[i].size;
		if (add_blob(ar, &fo, v, db, a, &it, chunk, e) < 0)
			goto out;
	}

	/* the export is an act of the log: its leaf names the manifest, so
	 * the checkpoint below covers the manifest too */
	json_t *lf = json_pack("{s:I,s:s,s:I}", "case_id", (json_int_t)c->id, "sha256", res->manifest_sha256, "files",
			       (json_int_t)n);
	char detail[256];
	snprintf(detail, sizeof detail, "files=%zu manifest=%s out=%.100s", n, res->manifest_sha256, out_path);
	if (db_begin(db) < 0 || ledger_append(db, "case.exported", lf, &res->leaf_index, e) < 0 ||
	    audit_log(db, a, "case.export", "case", cid, "ok", detail) < 0 || db_commit(db) < 0) {
		if (!e->kind)
			err_set(e, ERR_INTERNAL, "", "记录导出失败：%s", db_errmsg(db));
		db_rollback(db);
		json_decref(lf);
		goto out;
	}
	json_decref(lf);
	committed = true;

	/* the checkpoint, its keys, the leaves and their proofs */
	if (pick_checkpoint(db, keys_dir, res->leaf_index > max_leaf ? res->leaf_index : max_leaf, &note, &cp_size, e) < 0 ||
	    note_keys(keys_dir, buf_str(&note), &vk_ed, &vk_sm2, &pem_ed, &pem_sm2, e) < 0)
		goto out;
	struct buf origin;
	buf_init(&origin, 0);
	unsigned char root[MERKLE_HASH];
	long long nsz = 0;
	const char *blank = strstr(buf_str(&note), "\n\n");
	char *body = blank ? xstrndup(buf_str(&note), (size_t)(blank - buf_str(&note)) + 1) : xstrdup("");
	int prc = checkpoint_parse(body, &origin, &nsz, root, e);
	free(body);
	buf_release(&origin);
	if (prc < 0)
		goto out;
	char root_hex[2 * MERKLE_HASH + 1];
	hex_encode(root, MERKLE_HASH, root_hex);
	for (size_t i = 0; i <= n; i++) {
		long long idx = i < n ? pi[i].leaf : res->leaf_index;
		bool seen = false;
		for (size_t j = 0; j < i && j < n; j++)
			seen = seen || pi[j].leaf == idx;
		if (seen)
			continue;
		buf_reset(&tmp);
		if (ledger_json_leaf(db, idx, &tmp, e) < 0)
			goto out;
		json_array_append_new(leaves, parse_body(&tmp));
		buf_reset(&tmp);
		if (ledger_json_inclusion(db, idx, cp_size, &tmp, e) < 0)
			goto out;
		json_array_append_new(proofs, parse_body(&tmp));
	}
	readme(&text, c, now, (long long)n, cp_size, root_hex, buf_str(&vk_ed));

	/* the package's own files, after the evidence */
	json_t *lo = json_pack("{s:I,s:I,s:O}", "checkpoint_size", (json_int_t)cp_size, "export_leaf",
			       (json_int_t)res->leaf_index, "leaves", leaves);
	json_t *po = json_pack("{s:I,s:O}", "checkpoint_size", (json_int_t)cp_size, "proofs", proofs);
	char *lj0 = json_dumps(lo, JSON_INDENT(1) | JSON_SORT_KEYS);
	char *pj0 = json_dumps(po, JSON_INDENT(1) | JSON_SORT_KEYS);
	char *lj = xasprintf("%s\n", lj0), *pj = xasprintf("%s\n", pj0);
	free(lj0);
	free(pj0);
	json_decref(lo);
	json_decref(po);
	buf_printf(&vk_ed, "\n");
	buf_printf(&pem_sm2, "# signed-note verifier key: %s\n", buf_str(&vk_sm2));
	buf_printf(&vk_sm2, "\n");
	int mrc = add_mem(ar, &fo, PACKAGE_README, text.data, text.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "manifest.json", man.data, man.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "SHA256SUMS", sums256.data, sums256.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "SM3SUMS", sumsm3.data, sumsm3.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "checkpoint.txt", note.data, note.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "keys/ledger-ed25519.vkey", vk_ed.data, vk_ed.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "keys/ledger-ed25519.pub.pem", pem_ed.data, pem_ed.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "keys/ledger-sm2.vkey", vk_sm2.data, vk_sm2.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "keys/ledger-sm2.pub.pem", pem_sm2.data, pem_sm2.len, e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "leaves/INDEX.json", lj, strlen(lj), e);
	if (mrc == 0)
		mrc = add_mem(ar, &fo, "proofs/INDEX.json", pj, strlen(pj), e);
	free(lj);
	free(pj);
	if (mrc < 0)
		goto out;
	if (archive_write_close(ar) != ARCHIVE_OK) {
		zip_fail(ar, &fo, e);
		goto out;
	}
	archive_write_free(ar);
	ar = NULL;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		err_set(e, ERR_INTERNAL, "out", "写入证据包失败：%s", strerror(errno));
		goto out;
	}
	fd = -1;
	res->bytes = fo.n;
	res->files = (long long)n;
	res->checkpoint_size = cp_size;

	if (rename(part, out_path) < 0) {
		err_set(e, ERR_INTERNAL, "out", "无法把证据包改名为 %s：%s", out_path, strerror(errno));
		goto out;
	}
	fsync_dir_of(out_path);
	rc = 0;
out:
	if (ar)
		archive_write_free(ar);
	if (fd >= 0)
		close(fd);
	if (rc < 0 && part)
		unlink(part);
	if (rc < 0 && committed) {
		/* the leaf and the first row stay: the export was begun */
		char why[300];
		snprintf(why, sizeof why, "%.280s", e->msg);
		audit_log(db, a, "case.export", "case", cid, "failed", why);
	}
	free(part);
	free(chunk);
	json_decref(leaves);
	json_decref(proofs);
	json_decref(files);
	json_decref(manifest);
	buf_release(&note);
	buf_release(&vk_ed);
	buf_release(&vk_sm2);
	buf_release(&pem_ed);
	buf_release(&pem_sm2);
	buf_release(&tmp);
	buf_release(&man);
	buf_release(&sums256);
	buf_release(&sumsm3);
	buf_release(&text);
free_items:
	free(pi);
	return rc;
}

int package_write(struct db *db, struct vault *v, const char *keys_dir, const struct actor *a,
		  const struct package_case *c, const struct package_item *items, size_t n,
		  const char *out_path, struct package_result *res, struct err *e)
{
	locale_t old = package_locale_enter();
	int rc = write_package(db, v, keys_dir, a, c, items, n, out_path, res, e);
	package_locale_leave(old);
	return rc;
}

int package_export_case(struct db *db, struct vault *v, const char *keys_dir, const struct actor *a, long long case_id,
			const char *out_path, struct package_result *res, struct err *e)
{
	memset(res, 0, sizeof *res);
	json_t *cf = NULL;
	if (records_case_file(db, a, case_id, &cf, e) < 0)
		return -1;
	struct package_item *items = NULL;
	size_t n = 0;
	int rc = package_items_from_case_file(cf, &items, &n, e);
	if (rc == 0) {
		const json_t *cj = json_object_get(cf, "case");
		struct package_case c = { case_id, json_string_value(json_object_get(cj, "case_no")),
					  json_string_value(json_object_get(cj, "title")),
					  json_string_value(json_object_get(cj, "body_name")),
					  json_string_value(json_object_get(cj, "unit_name")) };
		rc = package_write(db, v, keys_dir, a, &c, items, n, out_path, res, e);
	}
	package_items_free(items, n);
	json_decref(cf);
	return rc;
}

/* ---- items of a case file ---- */

/* A name part safe for a zip path: no '/', control or reserved
 * characters, at most 60 bytes of whole UTF-8 characters. */
static void clean_part(const char *s, struct buf *out)
{
	size_t start = out->len;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		unsigned char ch = *p;
		if (ch < 0x20 || ch == 0x7f || strchr("/\\:*?\"<>|", ch))
			ch = '_';
		if (out->len - start >= 60 && (ch & 0xC0) != 0x80)
			break;
		buf_putc(out, (char)ch);
	}
	while (out->len > start && (out->data[out->len - 1] == '.' || out->data[out->len - 1] == ' '))
		buf_truncate(out, out->len - 1);
}

static const char *ext_of(const char *mt)
{
	static const struct { const char *t, *x; } m[] = {
		{ "application/pdf", ".pdf" }, { "image/png", ".png" }, { "image/jpeg", ".jpg" },
		{ "image/heic", ".heic" }, { "image/webp", ".webp" }, { "video/mp4", ".mp4" },
		{ "video/quicktime", ".mov" }, { "video/x-matroska", ".mkv" }, { "video/webm", ".webm" },
		{ "audio/mpeg", ".mp3" }, { "audio/mp4", ".m4a" }, { "audio/x-wav", ".wav" }, { "audio/wav", ".wav" },
		{ "audio/ogg", ".ogg" },
	};
	for (size_t i = 0; mt && i < ARRAY_SIZE(m); i++)
		if (str_eq(mt, m[i].t))
			return m[i].x;
	return ".bin";
}

int package_items_from_case_file(const json_t *cf, struct package_item **items, size_t *n, struct err *e)
{
	const json_t *arr = json_object_get(cf, "items");
	size_t cnt = json_array_size(arr);
	*items = NULL;
	*n = 0;
	struct package_item *it = xcalloc(cnt ? cnt : 1, sizeof *it);
	int ndoc = 0, nmedia = 0;
	size_t i;
	const json_t *x;
	size_t m = 0;
	json_array_foreach(arr, i, x) {
		const char *kind = json_string_value(json_object_get(x, "kind"));
		const char *sha = json_string_value(json_object_get(x, "sha256"));
		if (!sha && str_eq(kind, "media"))
			continue; /* a note that no recording was made: no file */
		if (!sha || !hash_hex_valid(sha)) {
			package_items_free(it, m);
			return err_set(e, ERR_INVALID, "items", "案卷第 %zu 项没有有效的 SHA-256", i + 1);
		}
		const char *mt = json_string_value(json_object_get(x, "media_type"));
		struct buf p;
		buf_init(&p, 0);
		if (str_eq(kind, "document")) {
			buf_printf(&p, "documents/%02d-", ++ndoc);
			clean_part(json_string_value(json_object_get(x, "title")), &p);
			const char *num = json_string_value(json_object_get(x, "number"));
			if (!str_empty(num)) {
				buf_putc(&p, '-');
				clean_part(num, &p);
			}
			buf_puts(&p, ext_of(mt ? mt : "application/pdf"));
		} else if (str_eq(kind, "signature")) {
			long long did = json_integer_value(json_object_get(x, "document_id"));
			long long sid = json_integer_value(json_object_get(x, "signature_id"));
			buf_printf(&p, "signatures/%02d-文书%lld-签名%lld%s", ndoc, did, sid ? sid : (long long)i + 1,
				   ext_of(mt ? mt : "image/png"));
		} else {
			buf_printf(&p, "media/%02d-", ++nmedia);
			const char *mk = json_string_value(json_object_get(x, "media_kind"));
			const char *title = json_string_value(json_object_get(x, "title"));
			clean_part(!str_empty(title) ? title
				   : str_eq(mk, "video") ? "视频" : str_eq(mk, "audio") ? "录音" : str_eq(mk, "photo") ? "照片"
				   : "音像记录", &p);
			const char *date = json_string_value(json_object_get(x, "date"));
			if (!str_empty(date)) {
				buf_putc(&p, '-');
				clean_part(date, &p);
			}
			buf_printf(&p, "-%.12s%s", sha, ext_of(mt));
		}
		it[m].kind = xstrdup(kind ? kind : "file");
		it[m].path = buf_detach(&p, NULL);
		it[m].sha256 = xstrdup(sha);
		const char *sm3 = json_string_value(json_object_get(x, "sm3"));
		it[m].sm3 = sm3 ? xstrdup(sm3) : NULL;
		it[m].size = json_is_integer(json_object_get(x, "size")) ? json_integer_value(json_object_get(x, "size")) : -1;
		it[m].leaf_index = json_is_integer(json_object_get(x, "leaf_index"))
					   ? json_integer_value(json_object_get(x, "leaf_index"))
					   : -1;
		it[m].media_type = mt ? xstrdup(mt) : NULL;
		m++;
	}
	*items = it;
	*n = m;
	return 0;
}

void package_items_free(struct package_item *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++) {
		free((char *)items[i].kind);
		free((char *)items[i].path);
		free((char *)items[i].sha256);
		free((char *)items[i].sm3);
		free((char *)items[i].media_type);
	}
	free(items);
}
