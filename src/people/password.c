/*
 * password.c - password policy and argon2id hashing (see password.h).
 */
#include "core/core.h"
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include "people/password.h"
#include "core/embedded.h"

_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "hash buffer size");

static void sodium_ready(void)
{
	if (sodium_init() < 0)
		BUG("libsodium 初始化失败");
}

static bool fast_mode(void)
{
#ifdef ZHIFA_TEST_HOOKS
	return str_eq(getenv("ZHIFA_PWHASH_FAST"), "1"); /* test builds only */
#else
	return false;
#endif
}

/* Equal, ignoring ASCII case, to the line [line, line + n)? */
static bool line_eq_nocase(const char *line, size_t n, const char *pw, size_t pn)
{
	if (n != pn)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)line[i]) != tolower((unsigned char)pw[i]))
			return false;
	return true;
}

bool password_is_common(const char *password)
{
	const struct embedded_file *f = embedded_find(PASSWORD_COMMON_LIST);
	if (!f)
		BUG("程序中缺少内置的常见弱密码列表(%s)", PASSWORD_COMMON_LIST);
	size_t n = strlen(password);
	/* also without trailing symbols: "Password123!" is "password123" */
	size_t base = n;
	while (base > 0 && ispunct((unsigned char)password[base - 1]))
		base--;
	const char *p = (const char *)f->data, *end = p + f->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len && p[0] != '#' &&
		    (line_eq_nocase(p, len, password, n) || (base && base < n && line_eq_nocase(p, len, password, base))))
			return true;
		p = nl ? nl + 1 : end;
	}
	return false;
}

int password_check_policy(const char *username, const char *password, struct err *e)
{
	if (str_empty(password))
		return err_set(e, ERR_INVALID, "password", "密码不能为空");
	size_t n = strlen(password);
	if (n > 128)
		return err_set(e, ERR_INVALID, "password", "密码过长,最多 128 个字节");
	if (!utf8_valid(password, n))
		return err_set(e, ERR_INVALID, "password", "密码含有无效字符");
	if (utf8_len(password, n) < 10)
		return err_set(e, ERR_INVALID, "password", "密码长度至少 10 位");
	bool upper = false, lower = false, digit = false, symbol = false;
	for (const unsigned char *p = (const unsigned char *)password; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_INVALID, "password", "密码不能含有控制字符");
		if (*p >= 0x80)
			symbol = true;
		else if (isupper(*p))
			upper = true;
		else if (islower(*p))
			lower = true;
		else if (isdigit(*p))
			digit = true;
		else
			symbol = true;
	}
	if ((int)upper + (int)lower + (int)digit + (int)symbol < 3)
		return err_set(e, ERR_INVALID, "password",
			       "密码须至少包含大写字母、小写字母、数字、特殊符号中的三类");
	if (!str_empty(username) && strcasestr(password, username))
		return err_set(e, ERR_INVALID, "password", "密码不能包含用户名");
	if (password_is_common(password))
		return err_set(e, ERR_INVALID, "password", "该密码过于常见，容易被猜中，请换一个不常见的密码");
	return 0;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX], struct err *e)
{
	sodium_ready();
	unsigned long long ops = fast_mode() ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = fast_mode() ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(e, ERR_INTERNAL, "", "密码加密失败(内存不足)");
	return 0;
}

bool password_verify(const char *hash, const char *password)
{
	sodium_ready();
	if (str_empty(hash) || !password || strnlen(hash, PASSWORD_HASH_MAX) >= PASSWORD_HASH_MAX)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void password_dummy_verify(const char *password)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char dummy[2][PASSWORD_HASH_MAX]; /* [fast_mode()] */
	char hash[PASSWORD_HASH_MAX];
	int k = fast_mode() ? 1 : 0;
	pthread_mutex_lock(&lock);
	if (!dummy[k][0] && password_hash("zhifa-dummy-password", dummy[k], NULL) < 0)
		dummy[k][0] = '\0';
	memcpy(hash, dummy[k], sizeof hash);
	pthread_mutex_unlock(&lock);
	(void)password_verify(hash, password ? password : "");
}
