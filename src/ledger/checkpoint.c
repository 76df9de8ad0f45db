/*
 * checkpoint.c - the log's signing keys (files in the keys directory, see
 * ledger.h) and signed checkpoints.  A checkpoint is signed outside any
 * transaction from the committed head and stored in ledger_checkpoints;
 * it never adds a leaf (that would change the tree it describes).
 */
#include "core/core.h"
#include "core/sign.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdatomic.h>

struct ledger_keys {
	atomic_int refs;         /* ledger_keys_ref / ledger_keys_free */
	char *origin;
	struct sign_key *key[2]; /* Ed25519, SM2 */
};

static const char *const key_file[2] = { "ledger-ed25519", "ledger-sm2" };

static int read_small(const char *path, struct buf *out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, ERR_NOTFOUND, "keys", "无法打开 %s: %s", path, strerror(errno));
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

/* Generate both pairs, write the private and public PEM files and append
 * their verifier keys to ledger-vkeys.txt. */
static int new_pairs(const char *dir, const char *origin, struct err *e)
{
	struct sign_key *k[2] = { NULL, NULL };
	struct buf lines;
	buf_init(&lines, 0);
	char now[21];
	time_now_utc(now);
	int rc = -1;
	for (int i = 0; i < 2; i++) {
		k[i] = sign_key_generate(i == 0 ? SIGN_ED25519 : SIGN_SM2, e);
		if (!k[i])
			goto out;
		note_vkey(origin, k[i], &lines);
		buf_printf(&lines, " %s\n", now);
	}
	/* public keys first: a crash leaves at worst an unused verifier key */
	char *vpath = xasprintf("%s/ledger-vkeys.txt", dir);
	int fd = open(vpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	bool wrote = fd >= 0 && write(fd, lines.data, lines.len) == (ssize_t)lines.len && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!wrote) {
		err_set(e, ERR_INTERNAL, "keys", "无法写入 %s: %s", vpath, strerror(errno));
		free(vpath);
		goto out;
	}
	free(vpath);
	for (int i = 0; i < 2; i++) {
		char *priv = xasprintf("%s/%s.pem", dir, key_file[i]);
		char *pub = xasprintf("%s/%s.pub.pem", dir, key_file[i]);
		int r = sign_key_save(k[i], false, pub, 0644, e);
		if (r == 0)
			r = sign_key_save(k[i], true, priv, 0600, e);
		free(priv);
		free(pub);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	sign_key_free(k[0]);
	sign_key_free(k[1]);
	buf_release(&lines);
	return rc;
}

int ledger_keys_create(const char *dir, const char *origin, struct err *e)
{
	size_t ol = origin ? strlen(origin) : 0;
	if (ol == 0 || ol > NOTE_NAME_MAX || strchr(origin, '+') || !utf8_valid(origin, ol))
		return err_set(e, ERR_INVALID, "origin", "账本来源名称无效: 不能为空, 不能含空白或 '+'");
	for (size_t i = 0; i < ol; i++)
		if ((unsigned char)origin[i] <= 0x20 || origin[i] == 0x7f)
			return err_set(e, ERR_INVALID, "origin", "账本来源名称无效: 不能为空, 不能含空白或 '+'");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(e, ERR_INTERNAL, "keys", "无法创建密钥目录 %s: %s", dir, strerror(errno));
	if (chmod(dir, 0700) < 0)
		return err_set(e, ERR_INTERNAL, "keys", "无法设置密钥目录 %s 的权限: %s", dir, strerror(errno));
	char *opath = xasprintf("%s/ledger-origin", dir);
	int fd = open(opath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int rc = errno == EEXIST ? err_set(e, ERR_CONFLICT, "keys", "密钥目录 %s 中已有账本密钥; 要换新密钥请用轮换", dir)
					 : err_set(e, ERR_INTERNAL, "keys", "无法写入 %s: %s", opath, strerror(errno));
		free(opath);
		return rc;
	}
	bool ok = write(fd, origin, ol) == (ssize_t)ol && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	close(fd);
	if (!ok) {
		err_set(e, ERR_INTERNAL, "keys", "无法写入 %s: %s", opath, strerror(errno));
		unlink(opath);
		free(opath);
		return -1;
	}
	free(opath);
	return new_pairs(dir, origin, e);
}

static char *load_origin(const char *dir, struct err *e)
{
	char *path = xasprintf("%s/ledger-origin", dir);
	struct buf b;
	buf_init(&b, 4096);
	int rc = read_small(path, &b, e);
	free(path);
	if (rc < 0) {
		buf_release(&b);
		return NULL;
	}
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		buf_truncate(&b, b.len - 1);
	if (b.len == 0) {
		buf_release(&b);
		err_set(e, ERR_INVALID, "keys", "密钥目录 %s 中的 ledger-origin 为空", dir);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

int ledger_keys_rotate(const char *dir, struct err *e)
{
	char *origin = load_origin(dir, e);
	if (!origin)
		return -1;
	int rc = new_pairs(dir, origin, e);
	free(origin);
	return rc;
}

struct ledger_keys *ledger_keys_load(const char *dir, struct err *e)
{
	struct ledger_keys *k = xcalloc(1, sizeof *k);
	atomic_init(&k->refs, 1);
	k->origin = load_origin(dir, e);
	if (!k->origin)
		goto fail;
	for (int i = 0; i < 2; i++) {
		char *path = xasprintf("%s/%s.pem", dir, key_file[i]);
		k->key[i] = sign_key_load(path, true, e);
		free(path);
		if (!k->key[i])
			goto fail;
		if (sign_key_alg(k->key[i]) != (i == 0 ? SIGN_ED25519 : SIGN_SM2)) {
			err_set(e, ERR_INVALID, "keys", "密钥文件 %s/%s.pem 的算法不对", dir, key_file[i]);
			goto fail;
		}
	}
	return k;
fail:
	ledger_keys_free(k);
	return NULL;
}

struct ledger_keys *ledger_keys_ref(struct ledger_keys *k)
{
	if (k)
		atomic_fetch_add(&k->refs, 1);
	return k;
}

void ledger_keys_free(struct ledger_keys *k)
{
	if (!k || atomic_fetch_sub(&k->refs, 1) != 1)
		return;
	sign_key_free(k->key[0]);
	sign_key_free(k->key[1]);
	free(k->origin);
	free(k);
}

const char *ledger_keys_origin(const struct ledger_keys *k) { return k->origin; }

const struct sign_key *ledger_keys_key(const struct ledger_keys *k, enum sign_alg alg)
{
	return k->key[alg == SIGN_ED25519 ? 0 : 1];
}

static int sign_now(struct db *db, const struct ledger_keys *keys, long long newest, bool *signed_new,
		    struct err *e)
{
	long long n = ledger_size(db, e);
	if (n < 0)
		return -1;
	if (n == 0 || n <= newest)
		return 0;
	unsigned char root[MERKLE_HASH];
	if (ledger_root(db, n, root, e) < 0)
		return -1;
	struct buf text, note;
	buf_init(&text, 0);
	buf_init(&note, 0);
	checkpoint_text(keys->origin, n, root, &text);
	int rc = note_sign(text.data, keys->origin, keys->key, 2, &note, e);
	if (rc == 0) {
		char hex[2 * MERKLE_HASH + 1], now[21];
		hex_encode(root, MERKLE_HASH, hex);
		time_now_utc(now);
		if (db_exec(db, "INSERT INTO ledger_checkpoints(size, root, note, signed_at) VALUES (?, ?, ?, ?)",
			    DB_INT(n), DB_TEXT(hex), DB_TEXT(note.data), DB_TEXT(now)) < 0) {
			if (db_errcode(db) != DBE_CONSTRAINT) {
				log_error("账本检查点写入失败: %s", db_errmsg(db));
				rc = err_set(e, ERR_INTERNAL, "", "账本存储失败(写入检查点)");
			}
			/* else: another process signed this size first */
		} else {
			*signed_new = true;
		}
	}
	buf_release(&text);
	buf_release(&note);
	return rc;
}

int ledger_checkpoint_maybe(struct db *db, const struct ledger_keys *keys, int min_interval_seconds,
			    bool *signed_new, struct err *e)
{
	*signed_new = false;
	struct db_res *r;
	if (db_query(db, &r, "SELECT size, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1") < 0) {
		log_error("读取检查点失败: %s", db_errmsg(db));
		return err_set(e, ERR_INTERNAL, "", "账本存储失败(读取检查点)");
	}
	long long newest = 0;
	if (r->nrows) {
		newest = db_int(r, 0, 0);
		long long at = time_utc_parse(db_text(r, 0, 1));
		if (at >= 0 && time_now_unix() - at < min_interval_seconds) {
			db_res_free(r);
			return 0;
		}
	}
	db_res_free(r);
	return sign_now(db, keys, newest, signed_new, e);
}

int ledger_checkpoint_sign(struct db *db, const struct ledger_keys *keys, bool *signed_new,
			   struct err *e)
{
	*signed_new = false;
	long long newest = db_scalar_int(db, 0, "SELECT MAX(size) FROM ledger_checkpoints",
					 (const struct db_val[]){ DB_END });
	return sign_now(db, keys, newest, signed_new, e);
}

int ledger_checkpoint_latest_at(struct db *db, struct buf *note, long long *size, char signed_at[21],
				struct err *e)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT size, note, signed_at FROM ledger_checkpoints ORDER BY size DESC LIMIT 1") < 0) {
		log_error("读取检查点失败: %s", db_errmsg(db));
		return err_set(e, ERR_INTERNAL, "", "账本存储失败(读取检查点)");
	}
	int rc = 0;
	if (!r->nrows) {
		rc = err_set(e, ERR_NOTFOUND, "checkpoint", "账本尚无已签名的检查点");
	} else {
		if (size)
			*size = db_int(r, 0, 0);
		buf_puts(note, db_text(r, 0, 1));
		if (signed_at)
			snprintf(signed_at, 21, "%s", db_text(r, 0, 2));
	}
	db_res_free(r);
	return rc;
}

int ledger_checkpoint_latest(struct db *db, struct buf *note, long long *size, struct err *e)
{
	return ledger_checkpoint_latest_at(db, note, size, NULL, e);
}
