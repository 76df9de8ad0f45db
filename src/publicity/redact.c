/*
 * redact.c - detection of what must not be published in a decision's text
 * and the redacted text (redact.h; what and why: docs/redaction.md).
 *
 * How it works: one context over the (validated) text collects
 *  - "keeps": spans that are never masked automatically - 统一社会信用代码
 *    (GB 32100 check), decision numbers (…〔2026〕12号, 第12号), legal
 *    citations (《…》第X条…), amounts (…元), dates and times, officers'
 *    names and certificate numbers, the party's name, organisations'
 *    names (which only protect against address marks);
 *  - candidate marks from each detector (numbers, e-mail, names by context,
 *    addresses); a name found once is masked at every occurrence.
 * Then the candidates that a keep covers are dropped, the spans staff
 * removed drop what they intersect, staff's own marks are added, and the
 * marks are sorted and merged.  Word lists are small static tables here:
 * detection stays a pure function of its input, with no start-up state.
 */
#include "core/core.h"
#include "core/ident.h"
#include "publicity/redact.h"

/* ------------------------------------------------------------ tables -- */

/* Common single-character surnames (《百家姓》 and the most frequent of
 * the 2020 census), one UTF-8 character each. */
static const char surnames1[] =
	"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

static const char *const surnames2[] = { "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
					 "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "西门", "南宫", "独孤",
					 "万俟", "轩辕", "呼延", "第五" };

/* Characters that usually come right after a name (the name ends before
 * them), and the subset that never ends a given name. */
static const char followers[] =
	"证说称陈在于的是为到等和与及作签系现住男女年身出电手联性民族当对向将被因经从至由已未不并也都均同共分指表确承"
	"提交反介告讲发看来去拒核以之工生先士某亦又即则便就把给让请要会能可应须曾已于向讯问答述反映处罚违未称称已"
	"参负拿买卖购销送收付取递开进离回帮做打找叫带用驾骑乘坐站走跑";
static const char strong_followers[] = "说称在于的是为到等和与及男女系住性对向被因从由已未不并也均签提交告以之";

/* Common words that begin with a surname character: never a name. */
static const char *const not_names[] = {
	"陈述", "陈列", "权限", "权利", "单位", "明确", "明显", "明知", "于是", "同意", "应当", "成年", "申请", "时间",
	"曾经", "高度", "全部", "全体", "周围", "金额", "方面", "方式", "任何", "何时", "管理", "马上", "包括", "安全",
	"关于", "余额", "支付", "解释", "程序", "车辆", "项目", "连续", "和解", "常规", "严重", "文件", "许可", "许多",
	"向其", "向本", "于本", "于当", "于其", "当事", "其他", "宁愿", "万元", "石材", "林地", "田地", "江边", "黄金",
	"白色", "蓝色", "华为", "商品", "商户", "商家", "单据", "计算", "平时", "都是", "那些", "那个", "季度", "齐全",
	"时候", "原因", "原来", "谈话", "简称", "查看", "查明", "查验", "查处", "查封", "查获", "晋升", "经营", "国家",
	"相关", "苏醒", "章程", "孔子", "和平", "尚未", "包装", "卫生", "柏油", "师傅", "伍佰", "武装", "云南", "史料",
};

/* Context words before the name of a natural person other than the party
 * (masked), longest first where one contains another. */
static const char *const person_cues[] = {
	"委托代理人", "法定代理人", "被询问人", "被调查人", "被检查人员", "同住成年家属", "在场人员", "陪同人员",
	"翻译人员", "见证人", "在场人", "陪同人", "代理人", "证人", "员工", "职工", "雇员", "店员",
	"营业员", "服务员", "收银员", "厨师", "保安", "负责人", "联系人", "举报人", "投诉人", "受害人",
	"被害人", "监护人", "鉴定人", "翻译", "家属", "配偶", "妻子", "丈夫", "消费者", "顾客", "患者",
	"驾驶员", "驾驶人", "司机", "房东", "出租人", "经办人", "签收人", "收件人", "送货人", "姓名",
	"母亲", "父亲", "儿子", "女儿", "哥哥", "姐姐", "弟弟", "妹妹", "朋友", "同事", "邻居",
	"询问对象", "知情人", "证明人", "报案人", "目击者", "业主", "租户", "承租人", "买受人", "购买人",
	"受害者", "伤者", "患儿", "未成年人",
};
/* Officers (kept): the words before their names.  询问人 and 检查人 are
 * officers only when not 被询问人 / 被检查人. */
static const char *const officer_cues[] = {
	"执法人员", "执法员", "承办人员", "承办人", "办案人员", "办案人", "检查人员", "检查人", "询问人",
	"调查人员", "调查人", "记录人", "主办人", "协办人", "审核人", "审批人", "送达人", "执法队员",
};
static const char *const cert_cues[] = { "执法证号", "执法证件号码", "执法证件号", "执法证编号", "执法证件编号",
					 "执法证" };
static const char *const id_cues[] = { "身份证", "公民身份号码", "身份号码", "证件号码", "证件号" };
static const char *const phone_cues[] = { "电话", "手机", "座机", "传真", "联系方式", "Tel", "TEL", "tel" };
static const char *const account_cues[] = { "账号", "帐号", "账户", "帐户", "开户", "卡号", "银行卡", "存折" };
static const char *const regno_cues[] = { "注册号", "营业执照", "信用代码", "执照号" };
static const char *const address_cues[] = { "住所地", "住址", "地址", "住所", "家住", "现住", "住在", "居住于",
					    "居住地", "居住", "户籍地", "户籍", "经营场所", "营业场所", "经营地点",
					    "位于", "坐落于", "坐落" };
/* Address components below the district, longest first. */
static const char *const addr_suffixes[] = {
	"村民委员会", "居民委员会", "村委会", "居委会", "街道办事处", "街道", "大道", "胡同", "小区", "社区",
	"花园", "大厦", "广场", "公寓", "新村", "号院", "号楼", "单元", "商铺", "门面", "村民小组", "小组",
	"路", "街", "巷", "弄", "镇", "乡", "村", "组", "屯", "号", "栋", "幢", "座", "楼", "层", "室",
	"户", "苑", "园", "铺",
};
/* Administrative divisions down to the district (kept). */
static const char *const admin_suffixes[] = { "自治区", "自治州", "自治县", "自治旗", "特别行政区", "地区", "省",
					      "市", "州", "盟", "区", "县", "旗" };
/* Characters that end an address (function words). */
static const char addr_stops[] = "的于在对向将被因从至到由是了及与等其该已并时未不没";
/* Characters of an organisation's name that end an address component
 * (…区市场监督管理局询问室 is no address). */
static const char addr_org_stops[] = "局厅委院队司所站";
static const char *const org_suffixes[] = {
	"股份有限公司", "有限责任公司", "有限公司", "分公司", "公司", "合作社", "经营部", "门市部", "商行",
	"事务所", "中心", "超市", "商店", "药店", "药房", "诊所", "医院", "酒店", "宾馆", "饭店", "餐厅",
	"小吃店", "店", "厂", "馆", "学校", "幼儿园", "协会", "委员会", "分局", "局", "工作室", "加油站",
	"企业", "集团", "办事处", "人民政府", "委员会", "执法队", "执法大队", "大队", "中队", "派出所", "司法所",
	"卫生院", "服务站", "管理所", "监督所", "供销社",
};
/* Numerals and the words of a legal citation's articles. */
static const char cite_chars[] = "第〇零一二三四五六七八九十百千条款项目章节之、和及（）";

/* ---------------------------------------------------------- context --- */

enum keep_scope { KEEP_ALL = 1, KEEP_NAME_ADDR = 2, KEEP_ADDR = 3 };

struct span {
	size_t s, e;
	int scope;
};
struct spans {
	struct span *v;
	size_t n, cap;
	size_t *pmax; /* after spans_index: the largest end of v[0..k] */
	size_t ni;    /* how many spans spans_index saw (later ones are not searched) */
};
/* Names looked for at every occurrence; past this many, a name is masked
 * where its context word found it only (the look-up is a pass over the
 * whole text per name). */
#define MAX_NAMES 512

struct names {
	char **v;
	char **why;
	size_t n, cap;
};

struct ctx {
	const char *t;
	size_t n;
	const struct redact_opts *o;
	struct redact_marks *m;
	struct spans keep;
	struct names masked, officers;
	/* a hashed set of the first characters of every context word and
	 * suffix: most positions of a text begin none, and are passed over
	 * without comparing each word (first_maybe) */
	uint8_t first[8192];
};

static uint32_t first_hash(const unsigned char *u)
{
	return ((uint32_t)u[0] * 961u + (uint32_t)u[1] * 31u + u[2]) & 0xFFFFu;
}

static void first_add(struct ctx *c, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strlen(list[k]) >= 3) {
			uint32_t h = first_hash((const unsigned char *)list[k]);
			c->first[h >> 3] |= (uint8_t)(1u << (h & 7));
		}
}

/* false when no word of the lists given to first_add can begin at i (a
 * position of a three-byte character; others answer true). */
static bool first_maybe(const struct ctx *c, size_t i)
{
	if (i + 3 > c->n)
		return false;
	uint32_t h = first_hash((const unsigned char *)c->t + i);
	return c->first[h >> 3] & (1u << (h & 7));
}

static void spans_add(struct spans *l, size_t s, size_t e, int scope)
{
	if (s >= e)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct span){ s, e, scope };
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* Sort by start and note the running largest end, so that the spans
 * meeting [s, e) are found without a look at every one (a 1 MiB text can
 * hold tens of thousands of keeps and marks). */
static void spans_index(struct spans *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, span_cmp);
	free(l->pmax);
	l->pmax = xmalloc((l->n + 1) * sizeof *l->pmax);
	for (size_t k = 0; k < l->n; k++)
		l->pmax[k] = k && l->pmax[k - 1] > l->v[k].e ? l->pmax[k - 1] : l->v[k].e;
	l->ni = l->n;
}

/* Calls f on each span of the indexed l meeting [s, e) until f returns true;
 * returns whether one did. */
static bool spans_meet(const struct spans *l, size_t s, size_t e, bool (*f)(const struct span *, const void *),
		       const void *arg)
{
	size_t lo = 0, hi = l->ni; /* first index with v.s >= e */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].s < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k-- > 0 && l->pmax[k] > s;)
		if (l->v[k].e > s && f(&l->v[k], arg))
			return true;
	return false;
}

static bool names_has(const struct names *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i]) == n && memcmp(l->v[i], s, n) == 0)
			return true;
	return false;
}

static void names_add(struct names *l, const char *s, size_t n, const char *why)
{
	if (!n || l->n >= MAX_NAMES || names_has(l, s, n))
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
		l->why = xrealloc(l->why, l->cap * sizeof *l->why);
	}
	l->v[l->n] = xstrndup(s, n);
	l->why[l->n++] = xstrdup(why ? why : "");
}

static void names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i]);
		free(l->why[i]);
	}
	free(l->v);
	free(l->why);
}

static void mark_add(struct redact_marks *m, size_t s, size_t e, enum redact_kind k, const char *reason)
{
	if (s >= e)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 32;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	struct redact_mark *x = &m->v[m->n++];
	x->start = s;
	x->end = e;
	x->kind = k;
	utf8_sanitize(x->reason, sizeof x->reason, reason, strlen(reason));
}

/* ------------------------------------------------------ byte helpers -- */

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static bool is_alnum(char ch) { return is_digit(ch) || is_alpha(ch); }

static bool lit_at(const struct ctx *c, size_t i, const char *lit)
{
	/* the first two bytes first: this is called for every position */
	if (i >= c->n || c->t[i] != lit[0])
		return lit[0] == '\0' && i <= c->n;
	if (lit[1] && (i + 1 >= c->n || c->t[i + 1] != lit[1]))
		return false;
	size_t l = strlen(lit);
	return c->n - i >= l && memcmp(c->t + i, lit, l) == 0;
}

static bool lit_before(const struct ctx *c, size_t i, const char *lit)
{
	size_t l = strlen(lit);
	return i >= l && i <= c->n && memcmp(c->t + i - l, lit, l) == 0;
}

/* The code point at i (the text is valid UTF-8) and its length; 0 at the end. */
static size_t cp_at(const struct ctx *c, size_t i, uint32_t *cp)
{
	if (i >= c->n) {
		*cp = 0;
		return 0;
	}
	const unsigned char *u = (const unsigned char *)c->t + i;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t l = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : 2;
	if (l > c->n - i)
		l = c->n - i; /* not reached on validated text */
	uint32_t v = u[0] & (0xFF >> (l + 1));
	for (size_t k = 1; k < l; k++)
		v = (v << 6) | (u[k] & 0x3F);
	*cp = v;
	return l;
}

static size_t prev_start(const struct ctx *c, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && ((unsigned char)c->t[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       cp == 0x3007;
}

/* Whether the character at i is one of set (a string of UTF-8 characters). */
static bool char_in(const struct ctx *c, size_t i, const char *set, size_t *len)
{
	uint32_t cp;
	size_t l = cp_at(c, i, &cp);
	if (!l || l == 1)
		return false;
	for (const char *p = set; *p;) {
		size_t pl = ((unsigned char)*p >= 0xF0) ? 4 : ((unsigned char)*p >= 0xE0) ? 3 : ((unsigned char)*p >= 0xC0) ? 2 : 1;
		if (pl == l && memcmp(p, c->t + i, l) == 0) {
			if (len)
				*len = l;
			return true;
		}
		p += pl;
	}
	return false;
}

/* The longest word of list at i; its length, 0 if none. */
static size_t word_at(const struct ctx *c, size_t i, const char *const *list, size_t n)
{
	size_t best = 0;
	for (size_t k = 0; k < n; k++)
		if (lit_at(c, i, list[k]) && strlen(list[k]) > best)
			best = strlen(list[k]);
	return best;
}

/* Start of the clause around i, at most max_chars characters back: after
 * the last 。；; or line break. */
static size_t clause_start(const struct ctx *c, size_t i, int max_chars, bool comma)
{
	size_t p = i;
	for (int k = 0; k < max_chars && p > 0; k++) {
		size_t q = prev_start(c, p);
		if (c->t[q] == '\n' || c->t[q] == ';' || lit_at(c, q, "。") || lit_at(c, q, "；"))
			break;
		if (comma && (lit_at(c, q, "，") || c->t[q] == ','))
			break;
		p = q;
	}
	return p;
}

/* Whether a word of list occurs in the clause before i (max_chars back;
 * a comma ends the clause too when comma). */
static bool cue_before_c(const struct ctx *c, size_t i, int max_chars, const char *const *list, size_t n, bool comma)
{
	size_t s = clause_start(c, i, max_chars, comma);
	for (size_t k = 0; k < n; k++)
		if (memmem(c->t + s, i - s, list[k], strlen(list[k])))
			return true;
	return false;
}

static bool cue_before(const struct ctx *c, size_t i, int max_chars, const char *const *list, size_t n)
{
	return cue_before_c(c, i, max_chars, list, n, true);
}

/* An extension after a phone number: 转8021, 分机8021, -8021, ext 8021. */
static size_t phone_ext(const struct ctx *c, size_t e)
{
	static const char *const w[] = { "转", "分机", "-", "ext", "EXT", "ext.", " ext ", "（分机", "(分机" };
	size_t l = word_at(c, e, w, ARRAY_SIZE(w));
	if (!l)
		return e;
	size_t p = e + l;
	while (p < c->n && c->t[p] == ' ')
		p++;
	size_t q = p;
	while (q < c->n && is_digit(c->t[q]) && q - p < 7)
		q++;
	if (q == p || (q < c->n && is_digit(c->t[q])))
		return e;
	if (lit_at(c, q, "）"))
		q += 3;
	else if (q < c->n && c->t[q] == ')')
		q++;
	return q;
}

/* ---------------------------------------------------------- numbers --- */

static bool luhn_ok(const char *d, size_t n)
{
	int sum = 0;
	for (size_t k = 0; k < n; k++) {
		int v = d[n - 1 - k] - '0';
		if (k % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* A 15-digit identity number of the first generation (GB 11643-1989):
 * address code (province of GB/T 2260), birth date YYMMDD of 19YY,
 * 3-digit sequence, no check digit. */
static bool old_id_ok(const char *d)
{
	char s18[19];
	/* the province and date rules of ident.c, on the 18-digit form */
	memcpy(s18, d, 6);
	s18[6] = '1', s18[7] = '9';
	memcpy(s18 + 8, d + 6, 9);
	s18[17] = '\0';
	char ck = ident_id_card_check_char(s18);
	if (!ck)
		return false;
	s18[17] = ck;
	s18[18] = '\0';
	return ident_id_card_check(s18, NULL, NULL) == IDENT_OK;
}

/* Maximal ASCII alphanumeric runs: credit codes (kept), identity numbers. */
static void scan_alnum_runs(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		if (!is_alnum(c->t[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < c->n && is_alnum(c->t[j]))
			j++;
		size_t l = j - i;
		if (l == 18 || l == 15) {
			char s[19];
			for (size_t k = 0; k < l; k++)
				s[k] = c->t[i + k] >= 'a' && c->t[i + k] <= 'z' ? (char)(c->t[i + k] - 32) : c->t[i + k];
			s[l] = '\0';
			if (l == 18 && ident_uscc_ok(s))
				spans_add(&c->keep, i, j, KEEP_ALL); /* GB 32100: an organisation's code */
			else if (l == 18 && ident_id_card_check(s, NULL, NULL) == IDENT_OK)
				mark_add(c->m, i, j, REDACT_ID_CARD, "居民身份证号码（校验码符合 GB 11643）：个人信息，不予公开");
			else if (l == 18 && strspn(s, "0123456789") >= 17 && (s[17] == 'X' || (s[17] >= '0' && s[17] <= '9')) &&
				 cue_before(c, i, 12, id_cues, ARRAY_SIZE(id_cues)))
				/* written down wrongly (the check digit fails), but named
				 * an identity number: still a person's, still masked */
				mark_add(c->m, i, j, REDACT_ID_CARD, "身份证号码（校验码不符，可能记录有误，仍按个人信息隐去）");
			else if (l == 15 && strspn(s, "0123456789") == 15 && old_id_ok(s) &&
				 !cue_before(c, i, 16, regno_cues, ARRAY_SIZE(regno_cues)))
				mark_add(c->m, i, j, REDACT_ID_CARD, "15 位居民身份证号码（旧号码）：个人信息，不予公开");
		}
		i = j;
	}
}

#define MAX_GROUPS 6

/* Digit groups joined by one space or hyphen: mobile and fixed phone
 * numbers, bank cards (Luhn), accounts after a cue word. */
static bool try_numbers(struct ctx *c, size_t i, const size_t *gs, const size_t *ge, int ng)
{
	char d[64];
	size_t dl = 0, len[MAX_GROUPS];
	for (int k = 0; k < ng; k++) {
		len[k] = ge[k] - gs[k];
		if (dl + len[k] >= sizeof d)
			return false;
		memcpy(d + dl, c->t + gs[k], len[k]);
		dl += len[k];
	}
	d[dl] = '\0';
	size_t start = i, end = ge[ng - 1];
	bool plus = i > 0 && c->t[i - 1] == '+';
	if (plus)
		start = i - 1;
	/* an identity number written in groups (5301 0219 9003 0712 38) */
	if (ng > 1 && (dl == 18 || (dl == 17 && end < c->n && (c->t[end] == 'X' || c->t[end] == 'x')))) {
		char id[19];
		memcpy(id, d, 17);
		id[17] = dl == 18 ? d[17] : 'X';
		id[18] = '\0';
		if (ident_id_card_check(id, NULL, NULL) == IDENT_OK) {
			mark_add(c->m, start, dl == 18 ? end : end + 1, REDACT_ID_CARD,
				 "居民身份证号码（校验码符合 GB 11643）：个人信息，不予公开");
			return true;
		}
	}
	if (end < c->n && is_alpha(c->t[end]))
		return false; /* only an identity number ends in X */
	/* an area code in brackets before the number: (0871)63123456, （0871）6312 3456 */
	size_t pe = i, ps;
	if (pe >= 1 && c->t[pe - 1] == ')')
		pe -= 1;
	else if (lit_before(c, pe, "）"))
		pe -= 3;
	if (pe < i && (dl == 7 || dl == 8) && d[0] != '0' && d[0] != '1' && ng <= 2) {
		ps = pe;
		while (ps > 0 && is_digit(c->t[ps - 1]) && pe - ps < 5)
			ps--;
		size_t open = 0;
		if (ps >= 1 && c->t[ps - 1] == '(')
			open = 1;
		else if (lit_before(c, ps, "（"))
			open = 3;
		if (open && c->t[ps] == '0' && (pe - ps == 3 || pe - ps == 4)) {
			mark_add(c->m, ps - open, phone_ext(c, end), REDACT_PHONE, "固定电话号码：通讯方式，不予公开");
			return true;
		}
	}
	/* mobile: 1[3-9] + 9 digits, optionally after +86 / 0086 / 86 */
	const char *md = d;
	size_t ml = dl;
	if ((ng >= 2 && ((len[0] == 2 && memcmp(d, "86", 2) == 0) || (len[0] == 4 && memcmp(d, "0086", 4) == 0)))) {
		md += len[0];
		ml -= len[0];
	} else if (ng == 1 && dl == 13 && memcmp(d, "86", 2) == 0) {
		md += 2;
		ml -= 2;
	}
	if (ml == 11 && md[0] == '1' && md[1] >= '3' && md[1] <= '9' && ng <= 4) {
		mark_add(c->m, start, end, REDACT_MOBILE, "手机号码：个人通讯方式，不予公开");
		return true;
	}
	/* fixed phone: 0 + area code (3-4 digits in all), 7-8 digits, extension */
	if (ng >= 2 && d[0] == '0' && (len[0] == 3 || len[0] == 4) && gs[1] - ge[0] == 1 && c->t[ge[0]] == '-') {
		size_t local = len[1];
		int used = 2;
		if ((local == 3 || local == 4) && ng >= 3 && len[2] == 4)
			local += len[2], used = 3;
		if ((local == 7 || local == 8) && c->t[gs[1]] != '0' && c->t[gs[1]] != '1') {
			end = ge[used - 1];
			if (used < ng && len[used] <= 6 && c->t[ge[used - 1]] == '-')
				end = ge[used]; /* 分机 */
			mark_add(c->m, start, phone_ext(c, end), REDACT_PHONE, "固定电话号码：通讯方式，不予公开");
			return true;
		}
	}
	bool groups4 = true;
	for (int k = 0; k + 1 < ng; k++)
		if (len[k] != 4 && !(k == 0 && len[k] == 6))
			groups4 = false;
	if (dl >= 16 && dl <= 19 && (ng == 1 || groups4) && luhn_ok(d, dl)) {
		mark_add(c->m, start, end, REDACT_BANK_CARD, "银行卡号（符合 Luhn 校验）：金融账户信息，属敏感个人信息");
		return true;
	}
	static const char *const open_cue[] = { "开户" };
	if (dl >= 8 && dl <= 32 &&
	    (cue_before(c, i, 30, account_cues, ARRAY_SIZE(account_cues)) ||
	     cue_before_c(c, i, 40, open_cue, 1, false))) {
		mark_add(c->m, start, end, REDACT_ACCOUNT, "银行账号（“账号”“开户”等之后）：金融账户信息，不予公开");
		return true;
	}
	if (cue_before(c, i, 12, phone_cues, ARRAY_SIZE(phone_cues)) &&
	    ((ng == 1 && (dl == 7 || dl == 8)) || (ng == 1 && d[0] == '0' && dl >= 10 && dl <= 12) ||
	     (ng == 2 && dl >= 7 && dl <= 12))) {
		mark_add(c->m, start, phone_ext(c, end), REDACT_PHONE, "电话号码：通讯方式，不予公开");
		return true;
	}
	return false;
}

/* Whether the ASCII letters right before i are a label such as Tel or
 * Mobile (TEL13812345678 is a number after its label). */
static bool label_before(const struct ctx *c, size_t i)
{
	static const char *const labels[] = { "Tel", "TEL", "tel", "Mobile", "mobile", "MOBILE", "Mob", "Phone", "phone",
					      "PHONE", "Fax", "FAX", "fax", "No", "NO", "no", "ID", "Id" };
	size_t s = i;
	while (s > 0 && is_alpha(c->t[s - 1]) && i - s < 8)
		s--;
	if (s == i || (s > 0 && is_alnum(c->t[s - 1])))
		return false;
	for (size_t k = 0; k < ARRAY_SIZE(labels); k++)
		if (strlen(labels[k]) == i - s && memcmp(labels[k], c->t + s, i - s) == 0)
			return true;
	return false;
}

static void scan_numbers(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		if (!is_digit(c->t[i]) || (i > 0 && is_digit(c->t[i - 1])) ||
		    (i > 0 && is_alpha(c->t[i - 1]) && !label_before(c, i))) {
			i++;
			continue;
		}
		size_t gs[MAX_GROUPS], ge[MAX_GROUPS];
		int ng = 0;
		size_t p = i;
		while (ng < MAX_GROUPS) {
			size_t q = p;
			while (q < c->n && is_digit(c->t[q]))
				q++;
			gs[ng] = p, ge[ng] = q, ng++;
			if (q + 1 < c->n && (c->t[q] == ' ' || c->t[q] == '-') && is_digit(c->t[q + 1]))
				p = q + 1;
			else
				break;
		}
		/* a business hotline (400-800-1234, 8008001234) is no one's private number */
		if ((ge[0] - gs[0] == 3 && ng >= 3 && ge[1] - gs[1] == 3 && ge[2] - gs[2] == 4) ||
		    (ng == 1 && ge[0] - gs[0] == 10)) {
			if (lit_at(c, gs[0], "400") || lit_at(c, gs[0], "800")) {
				i = ng == 1 ? ge[0] : ge[2]; /* passed over, never marked */
				continue;
			}
		}
		/* a run glued to letters (a code, a model number) is not a number of ours */
		size_t z = ge[ng - 1];
		bool xend = ng > 1 && z < c->n && (c->t[z] == 'X' || c->t[z] == 'x') && (z + 1 >= c->n || !is_alnum(c->t[z + 1]));
		bool glued = z < c->n && is_alpha(c->t[z]) && !xend;
		int done = 0;
		for (int k = ng; k >= 1 && !glued; k--) {
			bool next_ok = ge[k - 1] >= c->n || !is_alnum(c->t[ge[k - 1]]) || (xend && k == ng);
			if (next_ok && try_numbers(c, i, gs, ge, k)) {
				done = k;
				break;
			}
		}
		i = done ? ge[done - 1] : ge[0];
	}
}

static bool email_local(char ch) { return is_alnum(ch) || ch == '.' || ch == '_' || ch == '%' || ch == '+' || ch == '-'; }
static bool email_domain(char ch) { return is_alnum(ch) || ch == '.' || ch == '-'; }

static void scan_emails(struct ctx *c)
{
	for (size_t i = 1; i + 1 < c->n; i++) {
		if (c->t[i] != '@')
			continue;
		size_t s = i;
		while (s > 0 && email_local(c->t[s - 1]))
			s--;
		size_t e = i + 1;
		while (e < c->n && email_domain(c->t[e]))
			e++;
		while (e > i + 1 && (c->t[e - 1] == '.' || c->t[e - 1] == '-'))
			e--;
		while (s < i && c->t[s] == '.')
			s++;
		if (s == i)
			continue;
		/* a dot in the domain and a top-level label of two letters or more */
		size_t dot = e;
		while (dot > i + 1 && c->t[dot - 1] != '.')
			dot--;
		if (dot <= i + 2 || e - dot < 2)
			continue;
		bool tld = true;
		for (size_t k = dot; k < e; k++)
			tld = tld && is_alpha(c->t[k]);
		if (tld)
			mark_add(c->m, s, e, REDACT_EMAIL, "电子邮箱地址：个人通讯方式，不予公开");
	}
}

/* ------------------------------------------------------------ keeps --- */

/* Dates, times and amounts: digits with , . and the unit after them. */
static void scan_keeps_numeric(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		if (!is_digit(c->t[i]) || (i > 0 && is_alnum(c->t[i - 1]))) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < c->n && (is_digit(c->t[j]) || ((c->t[j] == ',' || c->t[j] == '.') && j + 1 < c->n && is_digit(c->t[j + 1]))))
			j++;
		size_t k = j;
		while (k < c->n && c->t[k] == ' ')
			k++;
		static const char *const units[] = { "万元", "亿元", "元", "万", "角" };
		size_t u = word_at(c, k, units, ARRAY_SIZE(units));
		if (u) {
			spans_add(&c->keep, lit_before(c, i, "人民币") ? i - strlen("人民币") : i, k + u, KEEP_ALL);
			i = k + u;
			continue;
		}
		/* 2026年12月1日, 10时30分 */
		if (lit_at(c, j, "年") || lit_at(c, j, "月") || lit_at(c, j, "日") || lit_at(c, j, "时") || lit_at(c, j, "分") || lit_at(c, j, "秒")) {
			size_t e = j + 3;
			while (e < c->n && is_digit(c->t[e])) {
				size_t f = e;
				while (f < c->n && is_digit(c->t[f]))
					f++;
				if (lit_at(c, f, "年") || lit_at(c, f, "月") || lit_at(c, f, "日") || lit_at(c, f, "时") ||
				    lit_at(c, f, "分") || lit_at(c, f, "秒") || lit_at(c, f, "号"))
					e = f + 3;
				else
					break;
			}
			spans_add(&c->keep, i, e, KEEP_ALL);
			i = e;
			continue;
		}
		/* 2026-12-01, 2026.12.01, 2026/12/01, 10:30(:00) */
		if (j - i == 4 && j + 1 < c->n && (c->t[j] == '-' || c->t[j] == '/' || c->t[j] == '.')) {
			char sep = c->t[j];
			size_t e = j + 1, m = e;
			while (m < c->n && is_digit(c->t[m]))
				m++;
			if (m - e >= 1 && m - e <= 2 && m + 1 < c->n && c->t[m] == sep) {
				size_t d = m + 1;
				while (d < c->n && is_digit(c->t[d]))
					d++;
				if (d - m - 1 >= 1 && d - m - 1 <= 2) {
					spans_add(&c->keep, i, d, KEEP_ALL);
					i = d;
					continue;
				}
			}
		}
		if (j - i <= 2 && j + 2 < c->n && c->t[j] == ':' && is_digit(c->t[j + 1])) {
			size_t e = j + 1;
			while (e < c->n && (is_digit(c->t[e]) || c->t[e] == ':'))
				e++;
			spans_add(&c->keep, i, e, KEEP_ALL);
			i = e;
			continue;
		}
		i = j;
	}
}

/* Decision numbers: …〔2026〕12号, …[2026]第12号, （2026）…号, and 第12号. */
static void scan_keeps_docnum(struct ctx *c)
{
	static const char *const open[] = { "〔", "[", "［", "（", "(", "【" };
	static const char *const close[] = { "〕", "]", "］", "）", ")", "】" };
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < ARRAY_SIZE(open); k++) {
			if (!lit_at(c, i, open[k]))
				continue;
			size_t p = i + strlen(open[k]), y = p;
			while (y < c->n && is_digit(c->t[y]))
				y++;
			if (y - p != 4)
				continue;
			size_t q = y;
			if (!lit_at(c, q, close[k]))
				continue;
			q += strlen(close[k]);
			/* the type words after the year, then the number and 号 */
			size_t r = q, guard = 0;
			while (r < c->n && !is_digit(c->t[r]) && guard++ < 8) {
				uint32_t cp;
				size_t l = cp_at(c, r, &cp);
				if (!is_cjk(cp))
					break;
				r += l;
			}
			size_t d = r;
			while (d < c->n && is_digit(c->t[d]))
				d++;
			if (d == r || !lit_at(c, d, "号"))
				continue;
			/* the issuing prefix back to a boundary (at most 16 characters) */
			size_t s = i;
			for (int g = 0; g < 16 && s > 0; g++) {
				size_t b = prev_start(c, s);
				uint32_t cp;
				cp_at(c, b, &cp);
				if (!is_cjk(cp) && !lit_at(c, b, "（") && !lit_at(c, b, "）") && c->t[b] != '(' && c->t[b] != ')')
					break;
				s = b;
			}
			spans_add(&c->keep, s, d + strlen("号"), KEEP_ALL);
		}
		if (lit_at(c, i, "第")) {
			size_t d = i + strlen("第"), e = d;
			while (e < c->n && is_digit(c->t[e]))
				e++;
			if (e > d && lit_at(c, e, "号"))
				spans_add(&c->keep, i, e + strlen("号"), KEEP_ALL);
		}
	}
}

/* Legal citations: 《…》 and the 第X条第X款第X项 after it. */
static void scan_keeps_citations(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!lit_at(c, i, "《"))
			continue;
		size_t e = i + strlen("《");
		int guard = 0;
		while (e < c->n && !lit_at(c, e, "》") && c->t[e] != '\n' && guard++ < 120) {
			uint32_t cp;
			e += cp_at(c, e, &cp);
		}
		if (!lit_at(c, e, "》"))
			continue;
		e += strlen("》");
		size_t l;
		while (e < c->n && (is_digit(c->t[e]) || char_in(c, e, cite_chars, &l)))
			e += is_digit(c->t[e]) ? 1 : l;
		spans_add(&c->keep, i, e, KEEP_ALL);
		i = e - 1;
	}
}

/* --------------------------------------------------------------- names - */

static bool surname_at(const struct ctx *c, size_t i, size_t *slen)
{
	for (size_t k = 0; k < ARRAY_SIZE(surnames2); k++)
		if (lit_at(c, i, surnames2[k])) {
			*slen = 2;
			return true;
		}
	*slen = 1;
	return char_in(c, i, surnames1, NULL);
}

/* A name at p: 2-4 CJK characters, a common surname first when
 * need_surname; its end, or 0.  Pseudonyms (张某, 李某某) are not names. */
static size_t name_at(const struct ctx *c, size_t p, bool need_surname)
{
	size_t off[6];
	int nc = 0;
	size_t q = p;
	off[0] = p;
	while (nc < 5) {
		uint32_t cp;
		size_t l = cp_at(c, q, &cp);
		if (!l || !is_cjk(cp))
			break;
		q += l;
		off[++nc] = q;
	}
	for (size_t k = 0; k < ARRAY_SIZE(not_names); k++)
		if (lit_at(c, p, not_names[k]))
			return 0;
	size_t sl = 1;
	bool has = surname_at(c, p, &sl);
	if (need_surname && !has)
		return 0;
	if (!has)
		sl = 1;
	if (!need_surname) {
		/* after 姓名：, the whole name up to a boundary, with the middle
		 * dot of transcribed names (阿依古丽·买买提), at most 12 characters */
		size_t e = p;
		int chars = 0;
		for (; chars < 13; chars++) {
			uint32_t cp;
			size_t l = cp_at(c, e, &cp);
			if (!l || !(is_cjk(cp) || cp == 0xB7 || cp == 0x2022 || cp == 0x30FB))
				break;
			e += l;
		}
		uint32_t nx;
		cp_at(c, e, &nx);
		if (chars >= 2 && chars <= 12 && !is_cjk(nx) && !lit_at(c, p, "某"))
			return e;
	}
	int maxc = sl == 2 || !need_surname ? 4 : 3, minc = (int)sl + 1;
	size_t fallback = 0;
	for (int L = maxc < nc ? maxc : nc; L >= minc; L--) {
		bool bad = false;
		for (int k = (int)sl; k < L && !bad; k++)
			bad = char_in(c, off[k], strong_followers, NULL) || lit_at(c, off[k], "某");
		if (bad)
			continue;
		if (L < nc && !char_in(c, off[L], followers, NULL)) {
			if (!fallback)
				fallback = off[L];
			continue;
		}
		return off[L];
	}
	/* no end is sure: the longest plausible one (rather a character too
	 * many masked than a name published) */
	return fallback;
}

static bool scope_within(const struct span *sp, const void *arg)
{
	return sp->scope <= *(const int *)arg;
}

/* Whether a keep of scope at most scope_max meets [s, e) (keeps indexed). */
static bool in_keep(const struct ctx *c, size_t s, size_t e, int scope_max)
{
	return spans_meet(&c->keep, s, e, scope_within, &scope_max);
}

/* After a cue: "：", ":", white space, 为, 是 (at most a few). */
static size_t skip_sep(const struct ctx *c, size_t p)
{
	for (int g = 0; g < 4; g++) {
		if (p < c->n && (c->t[p] == ':' || c->t[p] == ' ' || c->t[p] == '\t'))
			p++;
		else if (lit_at(c, p, "：") || lit_at(c, p, "为") || lit_at(c, p, "是") || lit_at(c, p, "　") ||
			 lit_at(c, p, "叫"))
			p += 3;
		else if (lit_at(c, p, "名叫"))
			p += 6;
		else
			break;
	}
	return p;
}

/* The list of names after a cue ("王五、赵六和钱七"); calls back each. */
struct org_q {
	size_t p;
	size_t *best;
};

static bool org_end(const struct span *sp, const void *arg)
{
	const struct org_q *q = arg;
	if (sp->scope == KEEP_ADDR && sp->s == q->p && sp->e > *q->best)
		*q->best = sp->e;
	return false;
}

/* The end of the organisation's name starting at p, or 0 (the keeps of
 * organisations' names are indexed before the people are looked for). */
static size_t org_at(const struct ctx *c, size_t p)
{
	size_t best = 0;
	spans_meet(&c->keep, p, p + 1, org_end, &(struct org_q){ p, &best });
	return best;
}

static void names_after(struct ctx *c, size_t p, bool need_surname, bool officer, const char *cue)
{
	p = skip_sep(c, p);
	if (lit_at(c, p, "代表")) /* 职工代表孔令辉, 消费者代表苏敏 */
		p = skip_sep(c, p + strlen("代表"));
	for (int g = 0; g < 8; g++) {
		/* "代理人：某某律师事务所律师冯丽": past the organisation to the person */
		size_t oe = org_at(c, p);
		if (oe) {
			static const char *const roles[] = { "律师", "员工", "职员", "工作人员", "的", "经理", "主任" };
			p = oe;
			size_t rl = word_at(c, p, roles, ARRAY_SIZE(roles));
			p = skip_sep(c, p + rl);
		}
		size_t e = name_at(c, p, need_surname);
		if (!e)
			return;
		if (officer) {
			names_add(&c->officers, c->t + p, e - p, NULL);
		} else {
			char why[160];
			if (strcmp(cue, "姓名") == 0)
				snprintf(why, sizeof why, "“姓名”之后的姓名：当事人以外的自然人姓名，不予公开");
			else
				snprintf(why, sizeof why, "%s的姓名：当事人以外的自然人姓名，不予公开", cue);
			names_add(&c->masked, c->t + p, e - p, why);
			/* here too, for a name past MAX_NAMES (dropped later like
			 * any name mark if a keep or the party covers it) */
			if (!names_has(&c->officers, c->t + p, e - p) &&
			    !(c->o && !str_empty(c->o->party) && strlen(c->o->party) == e - p &&
			      memcmp(c->o->party, c->t + p, e - p) == 0))
				mark_add(c->m, p, e, REDACT_NAME, why);
		}
		if (lit_at(c, e, "、") || lit_at(c, e, "和") || lit_at(c, e, "及") || lit_at(c, e, "与"))
			p = e + 3;
		else if (e < c->n && (c->t[e] == ' ' || c->t[e] == ','))
			p = e + 1;
		else if (lit_at(c, e, "，") && officer)
			p = e + 3;
		else
			return;
	}
}

static void scan_people(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if ((unsigned char)c->t[i] < 0xE0)
			continue;
		if (!first_maybe(c, i))
			continue;
		size_t l = word_at(c, i, officer_cues, ARRAY_SIZE(officer_cues));
		if (l && !lit_before(c, i, "被")) {
			names_after(c, i + l, true, true, NULL);
			i += l - 1;
			continue;
		}
		l = word_at(c, i, cert_cues, ARRAY_SIZE(cert_cues));
		if (l) {
			/* certificate numbers up to the end of the clause or bracket */
			size_t e = skip_sep(c, i + l);
			while (e < c->n && (is_alnum(c->t[e]) || c->t[e] == '-' || lit_at(c, e, "、") || c->t[e] == ' ' ||
					    lit_at(c, e, "，") || c->t[e] == ','))
				e += (unsigned char)c->t[e] >= 0x80 ? 3 : 1;
			spans_add(&c->keep, i, e, KEEP_ALL);
			i += l - 1;
			continue;
		}
		l = word_at(c, i, person_cues, ARRAY_SIZE(person_cues));
		if (l) {
			char cue[64];
			snprintf(cue, sizeof cue, "%.*s", (int)l, c->t + i);
			bool skip = false;
			if (strcmp(cue, "负责人") == 0)
				skip = lit_before(c, i, "法定代表人（") || lit_before(c, i, "法定代表人(") ||
				       lit_before(c, i, "主要") || lit_before(c, i, "单位") || lit_before(c, i, "企业") ||
				       lit_before(c, i, "公司") ||
				       (c->o && c->o->party_kind == REDACT_PARTY_ORG &&
					(i == 0 || c->t[i - 1] == '\n'));
			if (!skip)
				names_after(c, i + l, strcmp(cue, "姓名") != 0, false, cue);
			i += l - 1;
		}
	}
}

static uint32_t hash6(const char *p)
{
	uint32_t h = 2166136261u;
	for (int k = 0; k < 6; k++)
		h = (h ^ (unsigned char)p[k]) * 16777619u;
	return h;
}

static void mask_at(struct ctx *c, size_t k, size_t s)
{
	size_t nl = strlen(c->masked.v[k]);
	if (!in_keep(c, s, s + nl, KEEP_NAME_ADDR))
		mark_add(c->m, s, s + nl, REDACT_NAME, c->masked.why[k]);
}

/* Every occurrence of a masked name, except where kept: one pass over the
 * text with the names hashed on their first 6 bytes (two Chinese
 * characters); a shorter name (passed by the caller) is looked for alone. */
#define NAME_TABLE 2048
static void mask_names(struct ctx *c)
{
	const char *party = c->o && !str_empty(c->o->party) ? c->o->party : NULL;
	int head[NAME_TABLE], next[MAX_NAMES];
	bool any = false;
	for (size_t h = 0; h < NAME_TABLE; h++)
		head[h] = -1;
	for (size_t k = 0; k < c->masked.n; k++) {
		const char *nm = c->masked.v[k];
		size_t nl = strlen(nm);
		if ((party && strcmp(nm, party) == 0) || names_has(&c->officers, nm, nl))
			continue; /* the party's own name is kept (docs/redaction.md); so are officers' */
		if (nl >= 6) {
			uint32_t h = hash6(nm) % NAME_TABLE;
			next[k] = head[h];
			head[h] = (int)k;
			any = true;
			continue;
		}
		for (const char *p = c->t; (p = memmem(p, c->n - (size_t)(p - c->t), nm, nl)); p += nl) {
			mask_at(c, k, (size_t)(p - c->t));
			if ((size_t)(p - c->t) + nl >= c->n)
				break;
		}
	}
	for (size_t i = 0; any && i + 6 <= c->n;) {
		for (int k = head[hash6(c->t + i) % NAME_TABLE]; k >= 0; k = next[k]) {
			size_t nl = strlen(c->masked.v[k]);
			if (nl <= c->n - i && memcmp(c->t + i, c->masked.v[k], nl) == 0)
				mask_at(c, (size_t)k, i);
		}
		uint32_t cp;
		size_t l = cp_at(c, i, &cp);
		i += l ? l : 1;
	}
}

/* Keeps for every occurrence of a word (officers, the party). */
static void keep_all_of(struct ctx *c, const char *w, int scope)
{
	size_t wl = strlen(w);
	if (!wl)
		return;
	for (const char *p = c->t; (p = memmem(p, c->n - (size_t)(p - c->t), w, wl)); p += wl) {
		spans_add(&c->keep, (size_t)(p - c->t), (size_t)(p - c->t) + wl, scope);
		if ((size_t)(p - c->t) + wl >= c->n)
			break;
	}
}

/* ------------------------------------------------------------ addresses - */

static bool addr_char(const struct ctx *c, size_t i, size_t *len)
{
	uint32_t cp;
	size_t l = cp_at(c, i, &cp);
	if (!l)
		return false;
	*len = l;
	if (l == 1)
		return is_alnum(c->t[i]) || c->t[i] == '-' || c->t[i] == '#';
	if (cp == 0xFF0D || cp == 0x2014 || (cp >= 0xFF10 && cp <= 0xFF19)) /* － — fullwidth digits */
		return true;
	return is_cjk(cp) && !char_in(c, i, addr_stops, NULL);
}

/* An administrative suffix (province .. district) at i that really ends a
 * division name: not 小区, 社区, 市场, 超市 …  Its length or 0. */
static size_t anchor_at(const struct ctx *c, size_t i)
{
	if ((unsigned char)c->t[i] < 0xE0 || !first_maybe(c, i))
		return 0;
	size_t l = word_at(c, i, admin_suffixes, ARRAY_SIZE(admin_suffixes));
	if (!l)
		return 0;
	if (lit_at(c, i, "区")) {
		static const char *const no[] = { "小", "社", "园", "校", "厂", "景", "街", "营", "矿", "片", "辖", "库", "院", "市", "该", "本", "此", "全", "各", "地", "商", "城" };
		for (size_t k = 0; k < ARRAY_SIZE(no); k++)
			if (lit_before(c, i, no[k]) &&
			    !(strcmp(no[k], "城") == 0 && (lit_before(c, i, "西城") || lit_before(c, i, "东城"))))
				return 0;
	}
	if (lit_at(c, i, "市")) {
		static const char *const no[] = { "超", "菜", "门", "夜", "集", "城", "股", "上", "本", "该", "全", "各" };
		for (size_t k = 0; k < ARRAY_SIZE(no); k++)
			if (lit_before(c, i, no[k]))
				return 0;
		if (lit_at(c, i + 3, "场") || lit_at(c, i + 3, "民") || lit_at(c, i + 3, "级") || lit_at(c, i + 3, "政"))
			return 0;
	}
	if (lit_at(c, i, "县") && (lit_at(c, i + 3, "级") || lit_at(c, i + 3, "城")))
		return 0;
	if (i == 0)
		return 0;
	size_t b = prev_start(c, i);
	uint32_t cp;
	cp_at(c, b, &cp);
	return is_cjk(cp) ? l : 0; /* a division has a name before its suffix */
}

/* Components of an address below the district, from p: each a short name
 * and a suffix of addr_suffixes.  The end of the last one (and of the
 * alphanumeric tail such as "501" after "2单元"), or p when none. */
static size_t addr_chain(const struct ctx *c, size_t p)
{
	size_t q = p, last = p;
	for (int comp = 0; comp < 12; comp++) {
		size_t r = q, found = 0;
		int chars = 0;
		while (r < c->n && chars < 12) {
			if (r > q) {
				size_t sl = word_at(c, r, addr_suffixes, ARRAY_SIZE(addr_suffixes));
				if (sl) {
					found = r + sl;
					break;
				}
			}
			if (anchor_at(c, r) || char_in(c, r, addr_org_stops, NULL))
				return last;
			size_t l;
			if (!addr_char(c, r, &l))
				break;
			r += l;
			chars++;
		}
		if (!found)
			break;
		last = q = found;
	}
	if (last > p)
		while (last < c->n && (is_alnum(c->t[last]) || c->t[last] == '-' || c->t[last] == '#'))
			last++;
	return last;
}

/* The admin prefix (…省…市…区) from p, kept: its end. */
static size_t skip_admin(const struct ctx *c, size_t p)
{
	for (int g = 0; g < 5; g++) {
		size_t r = p, found = 0;
		for (int chars = 0; chars < 9 && r < c->n; chars++) {
			if (r > p) {
				size_t al = anchor_at(c, r);
				if (al) {
					found = r + al;
					break;
				}
			}
			size_t l;
			if (!addr_char(c, r, &l))
				break;
			r += l;
		}
		if (!found)
			break;
		p = found;
	}
	return p;
}

static const char addr_reason[] = "县级以下的详细地址（街道、道路、门牌、楼栋、房号、村组）：个人信息，不予公开";

static const char *const roads[] = { "大道", "胡同", "社区", "小区", "路", "街", "巷", "弄", "村", "镇", "乡" };

static void scan_addresses(struct ctx *c)
{
	for (size_t i = 0; i < c->n;) {
		if ((unsigned char)c->t[i] < 0xE0 || !first_maybe(c, i)) {
			uint32_t cp;
			size_t l = cp_at(c, i, &cp);
			i += l ? l : 1;
			continue;
		}
		size_t al = (unsigned char)c->t[i] >= 0xE0 ? anchor_at(c, i) : 0;
		if (al) {
			size_t e = addr_chain(c, i + al);
			if (e > i + al) {
				mark_add(c->m, i + al, e, REDACT_ADDRESS, addr_reason);
				i = e;
				continue;
			}
		}
		size_t cl = (unsigned char)c->t[i] >= 0xE0 ? word_at(c, i, address_cues, ARRAY_SIZE(address_cues)) : 0;
		if (cl) {
			size_t p = skip_sep(c, i + cl);
			if (lit_at(c, p, "于") || lit_at(c, p, "在"))
				p += 3;
			p = skip_admin(c, p);
			size_t e = addr_chain(c, p);
			if (e > p) {
				mark_add(c->m, p, e, REDACT_ADDRESS, addr_reason);
				i = e;
				continue;
			}
		}
		/* a road or village with a number: …路12号, …村3组 (up to 4 name characters before) */
		size_t rl = (unsigned char)c->t[i] >= 0xE0 ? word_at(c, i, roads, ARRAY_SIZE(roads)) : 0;
		if (rl && i + rl < c->n && is_digit(c->t[i + rl])) {
			size_t s = i;
			for (int g = 0; g < 4 && s > 0; g++) {
				size_t b = prev_start(c, s), l;
				if (!addr_char(c, b, &l) || anchor_at(c, b) || is_alnum(c->t[b]))
					break;
				s = b;
			}
			size_t e = addr_chain(c, s);
			if (s < i && e > i + rl) {
				mark_add(c->m, s, e, REDACT_ADDRESS, addr_reason);
				i = e;
				continue;
			}
		}
		uint32_t cp;
		size_t l = cp_at(c, i, &cp);
		i += l ? l : 1;
	}
}

/* Organisations' names: from an organisation suffix back to a boundary
 * (at most 30 characters); they protect against address marks only. */
static void scan_keeps_orgs(struct ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if ((unsigned char)c->t[i] < 0xE0)
			continue;
		if (!first_maybe(c, i))
			continue;
		size_t l = word_at(c, i, org_suffixes, ARRAY_SIZE(org_suffixes));
		if (!l)
			continue;
		size_t s = i;
		for (int g = 0; g < 30 && s > 0; g++) {
			size_t b = prev_start(c, s), al;
			if (!addr_char(c, b, &al) || is_digit(c->t[b]) || lit_at(c, b, "："))
				break;
			s = b;
		}
		if (s < i)
			spans_add(&c->keep, s, i + l, KEEP_ADDR);
		i += l - 1;
	}
}

/* ---------------------------------------------------------- assembly --- */

static int mark_cmp(const void *a, const void *b)
{
	const struct redact_mark *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static bool on_boundary(const char *t, size_t len, size_t i)
{
	return i == 0 || i == len || (i < len && ((unsigned char)t[i] & 0xC0) != 0x80);
}

static int check_span(const char *t, size_t len, const struct redact_span *sp, const char *field, size_t k,
		      struct err *e)
{
	if (sp->start >= sp->end || sp->end > len)
		return err_set(e, ERR_INVALID, field, "%s 第 %zu 项的范围无效：应满足 0 ≤ start < end ≤ 文本长度（%zu 字节）",
			       field, k + 1, len);
	if (!on_boundary(t, len, sp->start) || !on_boundary(t, len, sp->end))
		return err_set(e, ERR_INVALID, field, "%s 第 %zu 项的起止位置不在字符边界上（按 UTF-8 字节计）", field, k + 1);
	return 0;
}

/* Whether the keep sp drops the candidate mark arg: any keep drops a name,
 * a phone or an account it meets and any mark it holds; the party's name
 * drops names it meets and addresses it holds; an organisation's name
 * drops addresses it holds. */
static bool keep_drops(const struct span *sp, const void *arg)
{
	const struct redact_mark *x = arg;
	bool holds = x->start >= sp->s && x->end <= sp->e;
	if (sp->scope == KEEP_ALL)
		return holds || x->kind == REDACT_ADDRESS || x->kind == REDACT_NAME || x->kind == REDACT_ACCOUNT ||
		       x->kind == REDACT_PHONE;
	if (sp->scope == KEEP_NAME_ADDR)
		return x->kind == REDACT_ADDRESS ? holds : x->kind == REDACT_NAME;
	return x->kind == REDACT_ADDRESS && holds;
}

static bool any_span(const struct span *sp, const void *arg)
{
	(void)sp;
	(void)arg;
	return true;
}

int redact_detect(const char *text, size_t len, const struct redact_opts *o, struct redact_marks *out,
		  struct err *e)
{
	out->n = 0;
	if (len > REDACT_MAX_TEXT)
		return err_set(e, ERR_TOOLARGE, "text", "文本过长：至多 %u 字节", REDACT_MAX_TEXT);
	if (len && !text)
		return err_set(e, ERR_INVALID, "text", "缺少文本");
	if (len && !utf8_valid(text, len))
		return err_set(e, ERR_INVALID, "text", "文本不是有效的 UTF-8 编码");
	for (size_t k = 0; o && k < o->nadd; k++)
		if (check_span(text, len, &o->add[k], "add", k, e) < 0)
			return -1;
	for (size_t k = 0; o && k < o->nremove; k++)
		if (check_span(text, len, &o->remove[k], "remove", k, e) < 0)
			return -1;
	struct redact_marks cand = REDACT_MARKS_INIT;
	struct ctx c = { .t = text ? text : "", .n = len, .o = o, .m = &cand }; /* 8 KiB with its table */
	first_add(&c, officer_cues, ARRAY_SIZE(officer_cues));
	first_add(&c, cert_cues, ARRAY_SIZE(cert_cues));
	first_add(&c, person_cues, ARRAY_SIZE(person_cues));
	first_add(&c, admin_suffixes, ARRAY_SIZE(admin_suffixes));
	first_add(&c, address_cues, ARRAY_SIZE(address_cues));
	first_add(&c, roads, ARRAY_SIZE(roads));
	first_add(&c, org_suffixes, ARRAY_SIZE(org_suffixes));

	scan_keeps_numeric(&c);
	scan_keeps_docnum(&c);
	scan_keeps_citations(&c);
	scan_keeps_orgs(&c);
	spans_index(&c.keep);
	scan_alnum_runs(&c);
	scan_people(&c);
	for (size_t k = 0; o && k < o->npersons; k++) {
		const char *nm = o->persons[k].name;
		if (str_empty(nm) || !utf8_valid(nm, strlen(nm)))
			continue;
		if (o->persons[k].officer) {
			names_add(&c.officers, nm, strlen(nm), NULL);
		} else {
			char why[200];
			snprintf(why, sizeof why, "%s的姓名（案件登记的人员）：当事人以外的自然人姓名，不予公开",
				 str_empty(o->persons[k].role) ? "案件相关人员" : o->persons[k].role);
			names_add(&c.masked, nm, strlen(nm), why);
		}
	}
	for (size_t k = 0; k < c.officers.n; k++)
		keep_all_of(&c, c.officers.v[k], KEEP_ALL);
	if (o && !str_empty(o->party))
		keep_all_of(&c, o->party, KEEP_NAME_ADDR);
	spans_index(&c.keep); /* every keep is known from here on */
	struct spans rem = { 0 };
	for (size_t k = 0; o && k < o->nremove; k++)
		spans_add(&rem, o->remove[k].start, o->remove[k].end, 0);
	spans_index(&rem);
	scan_numbers(&c);
	scan_emails(&c);
	scan_addresses(&c);
	mask_names(&c);

	/* drop what a keep covers: any keep for numbers and names; for an
	 * address, a keep it intersects, or an organisation's name holding it */
	for (size_t k = 0; k < cand.n; k++) {
		struct redact_mark *x = &cand.v[k];
		bool drop = false;
		drop = spans_meet(&c.keep, x->start, x->end, keep_drops, x) ||
		       (rem.n && spans_meet(&rem, x->start, x->end, any_span, NULL));
		if (!drop)
			mark_add(out, x->start, x->end, x->kind, x->reason);
	}
	for (size_t k = 0; o && k < o->nadd; k++)
		mark_add(out, o->add[k].start, o->add[k].end, REDACT_MANUAL,
			 str_empty(o->add[k].reason) ? "工作人员标注：不予公开的内容" : o->add[k].reason);
	/* sort and merge overlapping marks (the first, widest, names the kind) */
	if (out->n > 1) {
		qsort(out->v, out->n, sizeof *out->v, mark_cmp);
		size_t w = 0;
		for (size_t k = 1; k < out->n; k++) {
			if (out->v[k].start < out->v[w].end) {
				if (out->v[k].end > out->v[w].end)
					out->v[w].end = out->v[k].end;
				if (out->v[k].kind == REDACT_MANUAL && out->v[w].kind != REDACT_MANUAL)
					out->v[w].kind = REDACT_MANUAL, memcpy(out->v[w].reason, out->v[k].reason, sizeof out->v[w].reason);
			} else {
				out->v[++w] = out->v[k];
			}
		}
		out->n = w + 1;
	}
	free(cand.v);
	free(c.keep.v);
	free(c.keep.pmax);
	free(rem.v);
	free(rem.pmax);
	names_free(&c.masked);
	names_free(&c.officers);
	return 0;
}

void redact_apply(const char *text, size_t len, const struct redact_marks *m, struct buf *out)
{
	size_t at = 0;
	for (size_t k = 0; k < m->n; k++) {
		const struct redact_mark *x = &m->v[k];
		if (x->start < at || x->end > len || x->start >= x->end)
			BUG("redact_apply: marks not sorted, overlapping or out of bounds");
		buf_add(out, text + at, x->start - at);
		buf_puts(out, redact_mask(x->kind));
		at = x->end;
	}
	buf_add(out, text + at, len - at);
}

void redact_marks_release(struct redact_marks *m)
{
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

static const struct {
	enum redact_kind k;
	const char *code, *label, *mask;
} kinds[] = {
	{ REDACT_ID_CARD, "id_card", "居民身份证号码", "【已隐去：居民身份证号码】" },
	{ REDACT_MOBILE, "mobile", "手机号码", "【已隐去：手机号码】" },
	{ REDACT_PHONE, "phone", "固定电话号码", "【已隐去：电话号码】" },
	{ REDACT_BANK_CARD, "bank_card", "银行卡号", "【已隐去：银行卡号】" },
	{ REDACT_ACCOUNT, "bank_account", "银行账号", "【已隐去：银行账号】" },
	{ REDACT_EMAIL, "email", "电子邮箱", "【已隐去：电子邮箱】" },
	{ REDACT_ADDRESS, "address", "详细地址", "【已隐去：详细地址】" },
	{ REDACT_NAME, "name", "自然人姓名", "【已隐去：姓名】" },
	{ REDACT_MANUAL, "manual", "工作人员标注", "【已隐去】" },
};

const char *redact_kind_code(enum redact_kind k)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].code;
	return NULL;
}

const char *redact_kind_label(enum redact_kind k)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].label;
	return "不予公开的内容";
}

const char *redact_mask(enum redact_kind k)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].mask;
	return "【已隐去】";
}

int redact_party_parse(const char *s, enum redact_party *out)
{
	if (str_empty(s))
		*out = REDACT_PARTY_UNKNOWN;
	else if (str_eq(s, "person") || str_eq(s, "公民") || str_eq(s, "自然人"))
		*out = REDACT_PARTY_PERSON;
	else if (str_eq(s, "org") || str_eq(s, "法人或其他组织") || str_eq(s, "法人"))
		*out = REDACT_PARTY_ORG;
	else if (str_eq(s, "individual_business") || str_eq(s, "个体工商户"))
		*out = REDACT_PARTY_INDIVIDUAL_BUSINESS;
	else
		return -1;
	return 0;
}
