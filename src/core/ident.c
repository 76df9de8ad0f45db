/*
 * ident.c - GB 11643-1999 and GB 32100-2015 identifier checks (ident.h).
 */
#include "core/core.h"
#include "core/ident.h"

const char *ident_why_text(enum ident_why why)
{
	switch (why) {
	case IDENT_OK: return "格式正确";
	case IDENT_LENGTH: return "应为 18 位";
	case IDENT_CHARSET: return "含有不允许的字符";
	case IDENT_AREA: return "地址码（行政区划代码）无效";
	case IDENT_DATE: return "出生日期不存在";
	case IDENT_FUTURE: return "出生日期晚于今天";
	case IDENT_OLD: return "出生日期早于 1900 年";
	case IDENT_AUTHORITY: return "登记管理部门代码或机构类别代码无效";
	case IDENT_CHECK: return "校验码错误";
	}
	return "格式错误";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void ident_normalize(const char *s, char *out, size_t n)
{
	if (!n)
		return;
	out[0] = '\0';
	if (!s)
		return;
	while (is_space(*s))
		s++;
	size_t len = strlen(s);
	while (len && is_space(s[len - 1]))
		len--;
	if (len > n - 1) {
		len = n - 1;
		while (len && is_space(s[len - 1])) /* the cut may end in white space */
			len--;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	out[len] = '\0';
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* "YYYY-MM-DD" into y, m, d; false when malformed or not a real date. */
static bool parse_date(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2))
		return false;
	*y = num(s, 4), *m = num(s + 5, 2), *d = num(s + 8, 2);
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

/* GB 11643-1999 8.2: W_i = 2^(i-1) mod 11, i = 18 (first digit) .. 2. */
static const int id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };

char ident_id_card_check_char(const char *s17)
{
	if (!s17 || strnlen(s17, 17) < 17 || !digits(s17, 17))
		return '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s17[i] - '0') * id_weights[i];
	int a1 = (12 - sum % 11) % 11;
	return a1 == 10 ? 'X' : (char)('0' + a1);
}

/* Province-level codes of GB/T 2260 (the first two digits of an address
 * code), and 83 of the residence permits of Taiwan residents. */
static bool province_ok(int p)
{
	static const int ok[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
				  44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83 };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (ok[i] == p)
			return true;
	return false;
}

enum ident_why ident_id_card_check(const char *s, const char *today, char birth[11])
{
	if (!s || strnlen(s, IDENT_ID_CARD_LEN + 1) != IDENT_ID_CARD_LEN)
		return IDENT_LENGTH;
	if (!digits(s, 17) || !((s[17] >= '0' && s[17] <= '9') || s[17] == 'X'))
		return IDENT_CHARSET;
	/* GB 11643-1999 6.2: the address code is a code of GB/T 2260; its
	 * first two digits name the province.  The rest is not checked
	 * against the table: numbers issued long ago keep the codes of
	 * divisions since merged or renamed, and some carry a prefecture- or
	 * province-level code (xx0000 also in the 港澳台居民居住证) */
	if (!province_ok(num(s, 2)))
		return IDENT_AREA;
	/* 6.3: the birth date is YYYYMMDD (GB/T 7408) */
	int y = num(s + 6, 4), m = num(s + 10, 2), d = num(s + 12, 2);
	if (m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return IDENT_DATE;
	if (y < 1900)
		return IDENT_OLD;
	char b[11] = { s[6], s[7], s[8], s[9], '-', s[10], s[11], '-', s[12], s[13], '\0' };
	if (today && strcmp(b, today) > 0)
		return IDENT_FUTURE;
	/* 6.5 and 8.2: the check character */
	if (ident_id_card_check_char(s) != s[17])
		return IDENT_CHECK;
	if (birth)
		memcpy(birth, b, sizeof b);
	return IDENT_OK;
}

bool ident_id_card_ok(const char *s, char birth[11])
{
	char today[11];
	time_today_shanghai(today);
	return ident_id_card_check(s, today, birth) == IDENT_OK;
}

/* GB 32100-2015 4.3: the 31 characters and their values 0..30. */
static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };

static int uscc_value(char c)
{
	if (c == '\0')
		return -1;
	const char *p = strchr(uscc_chars, c);
	return p ? (int)(p - uscc_chars) : -1;
}

char ident_uscc_check_char(const char *s17)
{
	if (!s17 || strnlen(s17, 17) < 17)
		return '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s17[i]);
		if (v < 0)
			return '\0';
		sum += v * uscc_weights[i];
	}
	int c18 = 31 - sum % 31;
	return uscc_chars[c18 == 31 ? 0 : c18];
}

/* GB 32100-2015 4.1, table 1 (登记管理部门代码 / 机构类别代码), with the
 * registration authorities added by its amendment No. 1 (2016). */
static const struct {
	char auth, type;
	const char *name;
} uscc_types[] = {
	{ '1', '1', "机构编制 机关" },
	{ '1', '2', "机构编制 事业单位" },
	{ '1', '3', "机构编制 中央编办直接管理机构编制的群众团体" },
	{ '1', '9', "机构编制 其他" },
	{ '2', '1', "外交 外国常驻新闻机构" },
	{ '2', '9', "外交 其他" },
	{ '3', '1', "司法行政 律师执业机构" },
	{ '3', '2', "司法行政 公证处" },
	{ '3', '3', "司法行政 基层法律服务所" },
	{ '3', '4', "司法行政 司法鉴定机构" },
	{ '3', '5', "司法行政 仲裁委员会" },
	{ '3', '9', "司法行政 其他" },
	{ '4', '1', "文化 外国在华文化中心" },
	{ '4', '9', "文化 其他" },
	{ '5', '1', "民政 社会团体" },
	{ '5', '2', "民政 民办非企业单位" },
	{ '5', '3', "民政 基金会" },
	{ '5', '9', "民政 其他" },
	{ '6', '1', "旅游 外国旅游部门常驻代表机构" },
	{ '6', '2', "旅游 港澳台地区旅游部门常驻内地（大陆）代表机构" },
	{ '6', '9', "旅游 其他" },
	{ '7', '1', "宗教 宗教活动场所" },
	{ '7', '2', "宗教 宗教院校" },
	{ '7', '9', "宗教 其他" },
	{ '8', '1', "工会 基层工会" },
	{ '8', '9', "工会 其他" },
	{ '9', '1', "工商 企业" },
	{ '9', '2', "工商 个体工商户" },
	{ '9', '3', "工商 农民专业合作社" },
	{ 'A', '1', "中央军委改革和编制办公室 军队事业单位" },
	{ 'A', '9', "中央军委改革和编制办公室 其他" },
	{ 'N', '1', "农业 组级集体经济组织" },
	{ 'N', '2', "农业 村级集体经济组织" },
	{ 'N', '3', "农业 乡镇级集体经济组织" },
	{ 'N', '9', "农业 其他" },
	{ 'Y', '1', "其他" },
};

const char *ident_uscc_type(const char *s)
{
	if (!s || strnlen(s, 2) < 2)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(uscc_types); i++)
		if (uscc_types[i].auth == s[0] && uscc_types[i].type == s[1])
			return uscc_types[i].name;
	return NULL;
}

enum ident_why ident_uscc_check(const char *s)
{
	if (!s || strnlen(s, IDENT_USCC_LEN + 1) != IDENT_USCC_LEN)
		return IDENT_LENGTH;
	for (int i = 0; i < IDENT_USCC_LEN; i++)
		if (uscc_value(s[i]) < 0)
			return IDENT_CHARSET;
	if (!ident_uscc_type(s))
		return IDENT_AUTHORITY;
	if (!digits(s + 2, 6))
		return IDENT_AREA;
	if (ident_uscc_check_char(s) != s[17])
		return IDENT_CHECK;
	return IDENT_OK;
}

bool ident_uscc_ok(const char *s)
{
	return ident_uscc_check(s) == IDENT_OK;
}

bool ident_is_minor(const char *birth, const char *on)
{
	int by, bm, bd, y, m, d;
	if (!parse_date(birth, &by, &bm, &bd) || !parse_date(on, &y, &m, &d))
		return false;
	/* the 18th birthday; 29 February becomes 1 March in a common year */
	int ay = by + 18, am = bm, ad = bd;
	if (am == 2 && ad == 29 && !leap(ay))
		am = 3, ad = 1;
	/* 周岁 counts from the day after the birthday (最高人民法院《关于审理
	 * 未成年人刑事案件具体应用法律若干问题的解释》第二条, applied alike to
	 * 《行政处罚法》第三十条): still a minor on the 18th birthday itself */
	long on_k = (long)y * 10000 + m * 100 + d, adult_k = (long)ay * 10000 + am * 100 + ad;
	return on_k <= adult_k;
}
