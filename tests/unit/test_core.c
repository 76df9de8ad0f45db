/* Unit tests for core: buf, strings, UTF-8, hex, time. */
#include "core/core.h"
#include "core/dict.h"
#include "core/err.h"
#include "../tap.h"

int main(void)
{
	struct buf b;
	buf_init(&b, 8);
	ok(buf_puts(&b, "abcd") == 0, "buf_puts within max");
	ok(buf_puts(&b, "efghi") == -1 && b.overflow, "buf_puts past max fails");
	is_str(buf_str(&b), "abcd", "content unchanged after overflow");
	buf_release(&b);

	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	ok(b.len > 2000 && b.data[b.len] == '\0', "buf grows and stays NUL-terminated");
	buf_release(&b);

	long long v;
	ok(str_to_ll("42", 0, 100, &v) == 0 && v == 42, "str_to_ll parses");
	ok(str_to_ll("42x", 0, 100, &v) == -1, "str_to_ll refuses trailing junk");
	ok(str_to_ll("101", 0, 100, &v) == -1, "str_to_ll refuses out of range");
	ok(str_to_ll("", 0, 100, &v) == -1, "str_to_ll refuses empty");

	is_int(utf8_len("执法abc", strlen("执法abc")), 5, "utf8_len counts code points");
	ok(!utf8_valid("\xC0\x80", 2), "overlong encoding invalid");
	ok(!utf8_valid("\xED\xA0\x80", 3), "surrogate invalid");
	ok(!utf8_valid("\xE6\x89", 2), "truncated sequence invalid");

	unsigned char raw[3] = { 0x00, 0xAB, 0xFF }, back[3];
	char hex[7];
	hex_encode(raw, 3, hex);
	is_str(hex, "00abff", "hex_encode");
	ok(hex_decode(hex, back, 3) == 3 && memcmp(raw, back, 3) == 0, "hex_decode round trip");
	ok(hex_decode("0g", back, 3) == -1, "hex_decode refuses non-hex");
	ok(hex_valid("00abff", 6) && !hex_valid("00ABff", 6) && !hex_valid("00abf", 6) && !hex_valid("00abffa", 6) &&
	   !hex_valid("00abfg", 6) && !hex_valid(NULL, 0), "hex_valid: exactly n lower-case hex digits");
	ok(token_eq("abc", "abc") && !token_eq("abc", "abd") && !token_eq("abc", "abcd") && !token_eq("", "") &&
	   !token_eq(NULL, "abc") && !token_eq("abc", NULL), "token_eq: equal non-empty tokens only");
	char sz[32];
	size_text(980, sz, sizeof sz);
	is_str(sz, "980 字节", "size_text below 1 KB in bytes");
	size_text(150LL << 20, sz, sizeof sz);
	is_str(sz, "150 MB", "size_text without a decimal from 100 up");

	char ts[21], sh[20];
	time_unix_to_utc(0, ts);
	is_str(ts, "1970-01-01T00:00:00Z", "time_unix_to_utc epoch");
	is_int(time_utc_parse("2026-11-25T16:30:00Z"), 1795624200LL, "time_utc_parse");
	time_utc_to_shanghai("2026-11-25T16:30:00Z", sh);
	is_str(sh, "2026-11-26 00:30", "UTC shown in Asia/Shanghai");
	ok(time_utc_parse("2026-13-25T16:30:00Z") == -1, "bad month refused");

	buf_init(&b, 0);
	static const char evil[] = "GET /a\n2026 info  x\r\x1b[31m\\ 执法\xff\xe6\x89\x7f";
	log_escape(&b, evil, sizeof evil - 1);
	is_str(buf_str(&b), "GET /a\\x0A2026 info  x\\x0D\\x1B[31m\\\\ 执法\\xFF\\xE6\\x89\\x7F",
	       "log_escape: controls, DEL, stray bytes as \\xHH, backslash doubled, UTF-8 kept");
	buf_release(&b);

	/* messages are cut on character boundaries */
	char small[8];
	is_int((long long)utf8_sanitize(small, sizeof small, "执法执法", 12), 6, "utf8_sanitize clips before a character that does not fit");
	is_str(small, "执法", "... leaving whole characters");
	char big[64];
	utf8_sanitize(big, sizeof big, "a\xE6\x89" "b\xFF\xFE" "c\xE6", 8);
	is_str(big, "a…b…c…", "utf8_sanitize: each run of bad bytes becomes one ellipsis");
	struct err e = ERR_INIT;
	err_set(&e, 400, "start", "起算日期“%.40s”不对", "二二二二二二二二二二二二二二二二二二二二");
	ok(utf8_valid(e.msg, strlen(e.msg)), "err_set: a %%.40s cut inside a character still gives UTF-8");
	is_str(e.msg, "起算日期“二二二二二二二二二二二二二…”不对", "... marked with an ellipsis");
	char longer[1200];
	memset(longer, 0, sizeof longer);
	for (int i = 0; i < 399; i++)
		memcpy(longer + 3 * i, "执", 3);
	err_set(&e, 400, "", "x%s", longer); /* 1198 bytes into msg[512] */
	ok(utf8_valid(e.msg, strlen(e.msg)) && strlen(e.msg) == 511, "err_set: a message longer than msg[] is cut on a boundary");

	/* the dictionary of codes */
	is_str(dict_label("audit_action", "vault.upload_create"), "开始断点续传上传", "an action's name");
	is_str(dict_label("role", "officer"), "执法人员", "a role's name");
	ok(dict_find("role", "wizard") == NULL, "no name for an unknown code");
	ok(strstr(dict_label("role", "wizard"), "未登记") != NULL, "dict_label says an unknown code is not registered");
	is_str(dict_label("role", ""), "", "an empty code has an empty name");
	is_str(dict_kind_label("deadline_event"), "期限事件", "a kind's name");
	size_t nd;
	const struct dict_entry *de = dict_entries("deadline_state", &nd);
	ok(nd == 5 && str_eq(de[0].code, "overdue") && str_eq(de[3].code, "met") && str_eq(de[4].code, "paused"),
	   "entries in the file's order");
	ok(dict_entries("nothing", &nd) == NULL && nd == 0, "no entries for an unknown kind");

	/* all problems of a form */
	struct errs all = ERRS_INIT;
	errs_add(&all, ERR_INVALID, "name", "「%s」不能为空", "名称");
	struct err one = ERR_INIT;
	err_set(&one, ERR_CONFLICT, "code", "已存在");
	errs_push(&all, &one);
	errs_push(&all, &(struct err)ERR_INIT); /* kind 0: ignored */
	ok(all.n == 2 && all.kind == ERR_INVALID, "two problems kept, the first one's kind");
	ok(errs_find(&all, "code") && errs_find(&all, "code")->kind == ERR_CONFLICT, "errs_find");
	errs_first(&all, &one);
	is_str(one.msg, "「名称」不能为空", "errs_first");
	errs_release(&all);
	ok(all.n == 0 && all.v == NULL, "released");
	errs_add(&all, ERR_INVALID, "x", "“%.40s”", "二二二二二二二二二二二二二二二二二二二二");
	ok(all.n == 1 && utf8_valid(all.v[0].msg, strlen(all.v[0].msg)), "errs_add cuts on character boundaries too");
	errs_release(&all);
	return tap_done();
}
