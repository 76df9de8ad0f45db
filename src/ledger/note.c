/*
 * note.c - signed notes and checkpoint bodies (see note.h).  Parsing is
 * strict: a malformed note is refused rather than half-read.
 */
#include "core/core.h"
#include "ledger/note.h"
#include <openssl/sha.h>
#include <sodium.h>

#define EM_DASH "\xE2\x80\x94"

void b64_encode(const unsigned char *in, size_t n, struct buf *out)
{
	size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *tmp = xmalloc(cap);
	sodium_bin2base64(tmp, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	buf_puts(out, tmp);
	free(tmp);
}

long b64_decode(const char *in, size_t len, unsigned char *out, size_t outmax)
{
	size_t n = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, outmax, in, len, NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != in + len)
		return -1;
	return (long)n;
}

/* The key material after the name: 0x01 || raw (Ed25519) or
 * 0xff || "SM2" || DER (SM2). */
static int key_material(const struct sign_key *k, struct buf *out)
{
	if (sign_key_alg(k) == SIGN_ED25519)
		buf_putc(out, (char)0x01);
	else
		buf_add(out, "\xff" "SM2", 4);
	return sign_key_public_raw(k, out);
}

static uint32_t hash_of(const char *name, const struct buf *material)
{
	struct buf in;
	buf_init(&in, 0);
	buf_puts(&in, name);
	buf_putc(&in, '\n');
	buf_add(&in, material->data, material->len);
	unsigned char h[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)in.data, in.len, h);
	buf_release(&in);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

uint32_t note_key_hash(const char *name, const struct sign_key *k)
{
	struct buf m;
	buf_init(&m, 0);
	if (key_material(k, &m) < 0)
		BUG("public key export failed");
	uint32_t h = hash_of(name, &m);
	buf_release(&m);
	return h;
}

/* Key names: non-empty, no Unicode space, no '+' (signed-note). */
static bool name_ok(const char *name, size_t len)
{
	if (len == 0 || len > NOTE_NAME_MAX || !utf8_valid(name, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c == 0x7f || c == '+')
			return false;
	}
	return true;
}

int note_vkey(const char *name, const struct sign_key *k, struct buf *out)
{
	struct buf m;
	buf_init(&m, 0);
	if (key_material(k, &m) < 0) {
		buf_release(&m);
		return -1;
	}
	buf_printf(out, "%s+%08x+", name, hash_of(name, &m));
	b64_encode((const unsigned char *)m.data, m.len, out);
	buf_release(&m);
	return 0;
}

int note_vkey_parse(const char *text, struct note_verifier *v, struct err *e)
{
	memset(v, 0, sizeof *v);
	const char *p1 = strchr(text, '+');
	const char *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	if (!p1 || !p2 || p2 - p1 != 9 || !name_ok(text, (size_t)(p1 - text)))
		return err_set(e, ERR_INVALID, "key", "验证密钥格式错误: 应为 名称+8位十六进制+base64");
	unsigned char hb[4];
	char hex[9];
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	if (hex_decode(hex, hb, 4) != 4)
		return err_set(e, ERR_INVALID, "key", "验证密钥中的密钥哈希不是 8 位十六进制");
	size_t blen = strlen(p2 + 1);
	unsigned char *raw = xmalloc(blen + 1);
	long n = b64_decode(p2 + 1, blen, raw, blen + 1);
	int rc = -1;
	if (n < 2) {
		err_set(e, ERR_INVALID, "key", "验证密钥中的公钥不是有效的 base64");
		goto out;
	}
	if (raw[0] == 0x01)
		v->key = sign_key_from_public_raw(SIGN_ED25519, raw + 1, (size_t)n - 1, e);
	else if (raw[0] == 0xff && n > 4 && memcmp(raw + 1, "SM2", 3) == 0)
		v->key = sign_key_from_public_raw(SIGN_SM2, raw + 4, (size_t)n - 4, e);
	else
		err_set(e, ERR_INVALID, "key", "验证密钥的签名类型不受支持(只支持 Ed25519 和 SM2)");
	if (!v->key)
		goto out;
	memcpy(v->name, text, (size_t)(p1 - text));
	v->name[p1 - text] = '\0';
	v->hash = (uint32_t)hb[0] << 24 | (uint32_t)hb[1] << 16 | (uint32_t)hb[2] << 8 | hb[3];
	if (note_key_hash(v->name, v->key) != v->hash) {
		err_set(e, ERR_INVALID, "key", "验证密钥中的密钥哈希与公钥不符");
		note_verifier_release(v);
		goto out;
	}
	rc = 0;
out:
	free(raw);
	return rc;
}

void note_verifier_release(struct note_verifier *v)
{
	sign_key_free(v->key);
	v->key = NULL;
}

/* Note text: non-empty valid UTF-8 ending in '\n', no blank line, no
 * control characters but '\n'. */
static bool text_ok(const char *t, size_t len)
{
	if (len == 0 || t[len - 1] != '\n' || !utf8_valid(t, len))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return false;
		if (c == '\n' && (i == 0 || t[i - 1] == '\n'))
			return false;
	}
	return true;
}

int note_sign(const char *text, const char *name, struct sign_key *const *keys, size_t nkeys,
	      struct buf *out, struct err *e)
{
	size_t len = strlen(text);
	if (!text_ok(text, len))
		return err_set(e, ERR_INVALID, "note", "签名文本格式错误: 须以换行结尾且不含空行和控制字符");
	if (!name_ok(name, strlen(name)))
		return err_set(e, ERR_INVALID, "name", "密钥名称不能为空, 不能含空白或 '+'");
	struct buf lines;
	buf_init(&lines, 0);
	for (size_t i = 0; i < nkeys; i++) {
		unsigned char sig[4 + SIGN_MAX];
		size_t siglen;
		uint32_t h = note_key_hash(name, keys[i]);
		sig[0] = (unsigned char)(h >> 24);
		sig[1] = (unsigned char)(h >> 16);
		sig[2] = (unsigned char)(h >> 8);
		sig[3] = (unsigned char)h;
		if (sign_data(keys[i], text, len, sig + 4, &siglen, e) < 0) {
			buf_release(&lines);
			return -1;
		}
		buf_printf(&lines, EM_DASH " %s ", name);
		b64_encode(sig, 4 + siglen, &lines);
		buf_putc(&lines, '\n');
	}
	buf_add(out, text, len);
	buf_putc(out, '\n');
	buf_add(out, lines.data, lines.len);
	buf_release(&lines);
	return 0;
}

int note_verify(const char *note, size_t len, const struct note_verifier *v, size_t nv,
		struct note_check *c, struct buf *text, struct err *e)
{
	memset(c, 0, sizeof *c);
	/* the text ends at the last "\n\n" */
	const char *split = NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (note[i] == '\n' && note[i + 1] == '\n')
			split = note + i;
	if (!split || !text_ok(note, (size_t)(split - note) + 1))
		return err_set(e, ERR_INVALID, "note", "签名注记格式错误: 找不到正文与签名之间的空行");
	size_t tlen = (size_t)(split - note) + 1;
	const char *p = split + 2, *end = note + len;
	if (p == end || end[-1] != '\n')
		return err_set(e, ERR_INVALID, "note", "签名注记格式错误: 没有签名行, 或末行不以换行结尾");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)(nl - p);
		if (ll < 4 || memcmp(p, EM_DASH " ", 4) != 0)
			return err_set(e, ERR_INVALID, "note", "签名行格式错误: 应以 \"— \" 开头");
		const char *name = p + 4;
		const char *sp = memchr(name, ' ', (size_t)(nl - name));
		if (!sp || !name_ok(name, (size_t)(sp - name)))
			return err_set(e, ERR_INVALID, "note", "签名行格式错误: 密钥名称无效");
		unsigned char sig[4 + 256];
		long n = b64_decode(sp + 1, (size_t)(nl - sp - 1), sig, sizeof sig);
		if (n < 5)
			return err_set(e, ERR_INVALID, "note", "签名行格式错误: 签名不是有效的 base64");
		uint32_t h = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
		const struct note_verifier *match = NULL;
		for (size_t i = 0; i < nv; i++)
			if (v[i].hash == h && strlen(v[i].name) == (size_t)(sp - name) &&
			    memcmp(v[i].name, name, (size_t)(sp - name)) == 0)
				match = &v[i];
		if (!match)
			c->unknown++;
		else if (!sign_verify(match->key, note, tlen, sig + 4, (size_t)n - 4))
			c->bad++;
		else if (sign_key_alg(match->key) == SIGN_ED25519)
			c->ed25519_ok++;
		else
			c->sm2_ok++;
		p = nl + 1;
	}
	if (text)
		buf_add(text, note, tlen);
	return 0;
}

void checkpoint_text(const char *origin, long long size, const unsigned char root[MERKLE_HASH],
		     struct buf *out)
{
	buf_printf(out, "%s\n%lld\n", origin, size);
	b64_encode(root, MERKLE_HASH, out);
	buf_putc(out, '\n');
}

int checkpoint_parse(const char *text, struct buf *origin, long long *size,
		     unsigned char root[MERKLE_HASH], struct err *e)
{
	const char *l1 = strchr(text, '\n');
	const char *l2 = l1 ? strchr(l1 + 1, '\n') : NULL;
	const char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	if (!l3 || l1 == text)
		return err_set(e, ERR_INVALID, "checkpoint", "检查点格式错误: 至少应有来源、大小、根哈希三行");
	char num[24];
	size_t nl = (size_t)(l2 - l1 - 1);
	if (nl == 0 || nl >= sizeof num || (nl > 1 && l1[1] == '0'))
		return err_set(e, ERR_INVALID, "checkpoint", "检查点格式错误: 第二行应为树的大小");
	memcpy(num, l1 + 1, nl);
	num[nl] = '\0';
	for (size_t i = 0; i < nl; i++)
		if (num[i] < '0' || num[i] > '9')
			return err_set(e, ERR_INVALID, "checkpoint", "检查点格式错误: 树的大小 '%s' 不是十进制数", num);
	if (str_to_ll(num, 0, INT64_MAX, size) < 0)
		return err_set(e, ERR_INVALID, "checkpoint", "检查点格式错误: 树的大小超出范围");
	if (b64_decode(l2 + 1, (size_t)(l3 - l2 - 1), root, MERKLE_HASH) != MERKLE_HASH)
		return err_set(e, ERR_INVALID, "checkpoint", "检查点格式错误: 第三行应为 32 字节根哈希的 base64");
	if (origin)
		buf_add(origin, text, (size_t)(l1 - text));
	return 0;
}
