/* Unit tests for publicity/redact.h: a corpus of lines of 行政处罚决定书,
 * 询问笔录 and 现场检查笔录 (made up; the identity numbers, cards and
 * credit codes carry correct check characters computed by the standards'
 * formulas), each with what must be masked and what must survive, then
 * near misses, staff marks, boundaries and invalid input. */
#include "core/core.h"
#include "core/ident.h"
#include "publicity/redact.h"
#include "../tap.h"

struct line {
	const char *kind;  /* person / org / individual_business / NULL */
	const char *party; /* the party's name or NULL */
	const char *text;
	const char *masked[6]; /* must not appear in the output */
	const char *kept[8];   /* must appear in the output */
};

static const struct line corpus[] = {
	/* ---- 行政处罚决定书 of an organisation ---- */
	{ "org", "云南滇峰商贸有限公司", "当事人：云南滇峰商贸有限公司，统一社会信用代码：91530100MA6K1234X5，住所：云南省昆明市五华区护国街道东风西路123号3栋2单元501室，法定代表人：李建国。",
	  { "护国街道", "东风西路", "123号", "501室" }, { "云南滇峰商贸有限公司", "91530100MA6K1234X5", "云南省昆明市五华区", "李建国" } },
	{ "org", "云南滇峰商贸有限公司", "委托代理人：王小明，男，身份证号码：530102199003071238，联系电话：13812345678，住址：云南省昆明市官渡区关上街道春城路88号。",
	  { "王小明", "530102199003071238", "13812345678", "关上街道", "春城路88号" }, { "委托代理人", "云南省昆明市官渡区" } },
	{ "org", "云南滇峰商贸有限公司", "证人张丽华证实，当天下午她在店内看到员工刘强将过期食品上架销售。",
	  { "张丽华", "刘强" }, { "证人", "员工", "过期食品" } },
	{ "org", NULL, "执法人员：杨光、周涛（执法证号：53010012345、53010012346）于2026年12月1日10时30分对当事人经营场所进行现场检查。",
	  { NULL }, { "杨光", "周涛", "53010012345", "53010012346", "2026年12月1日10时30分" } },
	{ "org", NULL, "当事人的行为违反了《中华人民共和国食品安全法》第三十四条第十项的规定。",
	  { NULL }, { "《中华人民共和国食品安全法》第三十四条第十项" } },
	{ "org", NULL, "依据《中华人民共和国食品安全法》第一百二十四条第一款第五项，决定处以罚款10,000元，没收违法所得人民币3500元。",
	  { NULL }, { "第一百二十四条第一款第五项", "10,000元", "人民币3500元" } },
	{ "org", NULL, "决定书文号：五市监罚〔2026〕12号。",
	  { NULL }, { "五市监罚〔2026〕12号" } },
	{ "org", NULL, "开户行：中国农业银行昆明五华支行，账号：2402 0101 0400 1234 5。",
	  { "2402 0101 0400 1234 5" }, { "中国农业银行昆明五华支行" } },
	{ "org", NULL, "联系人：赵敏，电话：0871-63123456转8021，电子邮箱：zhaomin88@163.com。",
	  { "赵敏", "63123456", "8021", "zhaomin88@163.com", "163.com" }, { "联系人", "电子邮箱" } },
	{ "org", NULL, "当事人银行卡号6222020200112233446，另有编号6222020200112233447不是卡号。",
	  { "6222020200112233446" }, { "6222020200112233447" } },
	{ "person", "陈大勇", "被询问人：陈大勇，身份证号：11010519491231002X，手机：+86 138-1234-5678，家住昆明市盘龙区拓东街道小康社区12组。",
	  { "11010519491231002X", "138-1234-5678", "拓东街道", "小康社区", "12组" }, { "陈大勇", "昆明市盘龙区" } },
	{ NULL, NULL, "号码530102199003071239校验码错误，不是身份证号。",
	  { NULL }, { "530102199003071239" } },
	/* named an identity number although its check digit fails (a slip of
	 * the pen): still a person's number */
	{ "org", NULL, "证人孙敏，身份证号码：530102199003071239，当场签字确认。",
	  { "530102199003071239", "孙敏" }, { "证人", "当场签字确认" } },
	{ "org", NULL, "询问人：杨光 记录人：周涛",
	  { NULL }, { "杨光", "周涛" } },
	{ "org", "昆明市盘龙区鑫源小吃店", "当事人：昆明市盘龙区鑫源小吃店，经营者：马晓东，统一社会信用代码：92530102MA6N7788AY。",
	  { NULL }, { "昆明市盘龙区鑫源小吃店", "92530102MA6N7788AY", "马晓东" } },
	{ "org", NULL, "经查，2026年11月12日，当事人在其经营场所销售超过保质期的牛奶12箱，货值金额1,280.50元，违法所得360元。",
	  { NULL }, { "2026年11月12日", "1,280.50元", "360元", "12箱" } },
	{ "org", NULL, "上述事实有营业执照复印件、法定代表人身份证明、现场检查笔录（2026年11月12日）、询问笔录二份、照片8张为证。",
	  { NULL }, { "2026年11月12日", "照片8张" } },
	{ "org", NULL, "本局于2026年11月20日向当事人送达了《行政处罚告知书》（五市监罚告〔2026〕38号），当事人在法定期限内未提出陈述、申辩。",
	  { NULL }, { "2026年11月20日", "五市监罚告〔2026〕38号", "《行政处罚告知书》" } },
	{ "org", NULL, "如不服本处罚决定，可在收到本决定书之日起六十日内依法向昆明市五华区人民政府申请行政复议，或者在六个月内依法向昆明市五华区人民法院提起行政诉讼。",
	  { NULL }, { "昆明市五华区人民政府", "昆明市五华区人民法院", "六十日" } },
	{ "org", NULL, "昆明市五华区市场监督管理局 2026年12月1日",
	  { NULL }, { "昆明市五华区市场监督管理局", "2026年12月1日" } },
	{ "org", NULL, "当事人统一社会信用代码915300002165248019，注册资本人民币500万元。",
	  { NULL }, { "915300002165248019", "人民币500万元" } },
	{ "org", NULL, "云南省市场监督管理局依据《云南省食品小作坊和食品摊贩管理条例》第二十条作出决定。",
	  { NULL }, { "云南省市场监督管理局", "《云南省食品小作坊和食品摊贩管理条例》第二十条" } },
	{ "org", NULL, "依据《昆明市道路交通安全条例》第四十五条，对当事人处以罚款人民币2000元。",
	  { NULL }, { "《昆明市道路交通安全条例》第四十五条", "人民币2000元" } },
	{ "org", NULL, "该公司员工李娜（身份证号码：530103199208153313）负责收银，其工号为A1023。",
	  { "李娜", "530103199208153313" }, { "A1023", "负责收银" } },
	{ "org", NULL, "现场负责人孙伟，联系电话138 7150 2233，陪同检查。",
	  { "孙伟", "138 7150 2233" }, { "陪同检查" } },
	{ "org", NULL, "当事人开户银行：中国建设银行昆明东风支行，账户：53001234567890123456。",
	  { "53001234567890123456" }, { "中国建设银行昆明东风支行" } },
	{ "org", NULL, "收款人：云南省财政厅，账号6217001234567890122，请注明决定书文号。",
	  { "6217001234567890122" }, { "云南省财政厅", "决定书文号" } },
	{ "org", NULL, "举报人郑某某反映，该店于2026年10月起销售无中文标签的进口食品。",
	  { NULL }, { "郑某某", "2026年10月" } },
	{ "org", NULL, "投诉人黄晓燕，手机号码15912345678，电子邮箱huangxy@qq.com，投诉称购买的月饼已过期。",
	  { "黄晓燕", "15912345678", "huangxy@qq.com" }, { "投诉人", "月饼已过期" } },
	{ "org", NULL, "当事人通过微信收款，付款人账户6228480012345678903，共计收取货款4,600元。",
	  { "6228480012345678903" }, { "4,600元" } },
	{ "org", NULL, "见证人：欧阳明辉，在场人：钱小雨。",
	  { "欧阳明辉", "钱小雨" }, { "见证人", "在场人" } },
	/* ---- 询问笔录 ---- */
	{ "person", "张伟", "被询问人：张伟，性别：男，民族：汉族，身份证号码：53262119880101002X，住址：云南省文山壮族苗族自治州文山市开化街道凤凰路21号。",
	  { "53262119880101002X", "开化街道", "凤凰路21号" }, { "张伟", "云南省文山壮族苗族自治州文山市" } },
	{ "person", "张伟", "询问人：杨光、周涛，记录人：周涛，询问地点：五华区市场监督管理局询问室。",
	  { NULL }, { "杨光", "周涛", "五华区市场监督管理局" } },
	{ "person", "张伟", "问：我们是昆明市五华区市场监督管理局的执法人员杨光、周涛，这是我们的执法证件（出示执法证件，证号53010012345、53010012346）。",
	  { NULL }, { "杨光", "周涛", "53010012345", "53010012346" } },
	{ "person", "张伟", "答：看清楚了。我叫张伟，电话是0871-65123456，手机18687654321。",
	  { "65123456", "18687654321" }, { "张伟" } },
	{ "person", "张伟", "问：店里还有哪些人？答：还有我老婆和一个员工叫何小军，他住在西山区马街镇中村社区3组。",
	  { "何小军", "马街镇", "中村社区", "3组" }, { "西山区" } },
	{ "person", "张伟", "答：进货是找昆明市官渡区螺蛳湾批发市场的一个老板，姓名：罗志刚，电话13577889900。",
	  { "罗志刚", "13577889900" }, { "螺蛳湾批发市场" } },
	{ "person", "张伟", "答：货款是转到他的银行卡6212262502001234569里面的，一共8,000元。",
	  { "6212262502001234569" }, { "8,000元" } },
	{ "person", "张伟", "问：以上笔录是否属实？答：属实。被询问人签名：张伟 2026年11月12日",
	  { NULL }, { "张伟", "2026年11月12日" } },
	{ "person", "张伟", "委托代理人：云南明法律师事务所律师冯丽，执业证号15301201010234567。",
	  { "冯丽" }, { "云南明法律师事务所", "律师" } },
	{ "person", "李小红", "当事人李小红的法定代理人：李大山（父亲），身份证号码：532502197506221212。",
	  { "李大山", "532502197506221212" }, { "李小红" } },
	{ "person", NULL, "被询问人：段志明，旧身份证号码：530102850315123。",
	  { "段志明", "530102850315123" }, { "旧身份证号码" } },
	{ "org", NULL, "当事人营业执照注册号：530102000123456，已换发新照。",
	  { NULL }, { "530102000123456" } },
	{ "person", NULL, "被调查人：施文静，电子邮件 shi.wenjing-2026@example.com.cn。",
	  { "施文静", "shi.wenjing-2026@example.com.cn" }, { "被调查人" } },
	{ "person", NULL, "被询问人：宋佳，联系方式：0086-139-8765-4321。",
	  { "宋佳", "139-8765-4321" }, { "联系方式" } },
	{ "person", NULL, "被询问人：谢东，座机（0871）68123456。",
	  { "谢东", "68123456" }, { "座机" } },
	/* ---- 现场检查笔录 ---- */
	{ "individual_business", "五华区好又多便利店", "检查地点：昆明市五华区龙翔街道学府路45号附1号，当事人：五华区好又多便利店（经营者：吕正平）。",
	  { "龙翔街道", "学府路45号" }, { "昆明市五华区", "五华区好又多便利店", "吕正平" } },
	{ "individual_business", "五华区好又多便利店", "检查人员：杨光（执法证号53010012345）、周涛（执法证号53010012346），在场人员：店员韦小芳。",
	  { "韦小芳" }, { "杨光", "周涛", "53010012345", "53010012346" } },
	{ "individual_business", "五华区好又多便利店", "检查时间：2026年11月12日9时15分至10时05分。",
	  { NULL }, { "2026年11月12日9时15分", "10时05分" } },
	{ "individual_business", "五华区好又多便利店", "现场发现货架上摆放标示生产日期为2025-09-01、保质期12个月的酸奶20盒，单价6.5元。",
	  { NULL }, { "2025-09-01", "12个月", "20盒", "6.5元" } },
	{ "individual_business", "五华区好又多便利店", "执法人员对现场拍照6张，并当场送达《责令改正通知书》（五市监责改〔2026〕101号）。",
	  { NULL }, { "6张", "《责令改正通知书》", "五市监责改〔2026〕101号" } },
	{ "individual_business", "五华区好又多便利店", "当事人经营者身份证号码530128200109095624，联系电话：13708712345。",
	  { "530128200109095624", "13708712345" }, { "当事人经营者" } },
	{ "individual_business", "五华区好又多便利店", "陪同人员：社区网格员段丽，手机号13987654321。",
	  { "13987654321" }, { "陪同人员" } },
	{ "person", NULL, "当事人住所：曲靖市麒麟区南宁街道寥廓南路188号龙城花园7幢1单元602室。",
	  { "南宁街道", "寥廓南路188号", "龙城花园", "602室" }, { "曲靖市麒麟区" } },
	{ "person", NULL, "当事人户籍地：大理白族自治州祥云县祥城镇东山村委会大营村第五村民小组。",
	  { "祥城镇", "东山村", "大营村" }, { "大理白族自治州祥云县" } },
	{ "person", NULL, "地址：环城西路298号。",
	  { "环城西路298号" }, { "地址" } },
	{ "person", NULL, "执法人员在滇池路1234号门口发现当事人占道经营。",
	  { "滇池路1234号" }, { "执法人员", "占道经营" } },
	{ "org", NULL, "依据《中华人民共和国行政处罚法》第五十一条、第五十二条，当场作出处罚决定，决定书编号：昆五华市监简罚〔2026〕第0088号。",
	  { NULL }, { "《中华人民共和国行政处罚法》第五十一条、第五十二条", "昆五华市监简罚〔2026〕第0088号" } },
	{ "org", NULL, "云昆市监罚字[2026]15号决定书已于2026年12月1日送达。",
	  { NULL }, { "云昆市监罚字[2026]15号", "2026年12月1日" } },
	{ "org", NULL, "罚没款合计人民币12,345.67元，折合1.234567万元。",
	  { NULL }, { "人民币12,345.67元", "1.234567万元" } },
	{ "org", NULL, "当事人客服电话400-800-1234，网址www.dianfeng.com。",
	  { NULL }, { "400-800-1234", "www.dianfeng.com" } },
	{ "org", NULL, "订单号202611120001234567，快递单号SF1234567890123。",
	  { NULL }, { "SF1234567890123" } },
	{ "org", NULL, "货物批号20261112，数量3,000件，合计金额15,000元。",
	  { NULL }, { "20261112", "3,000件", "15,000元" } },
	{ "org", "昆明春城物业服务有限公司", "当事人昆明春城物业服务有限公司（统一社会信用代码91530102MA6L5566QW）管理的春城小区3栋电梯未按期检验。",
	  { NULL }, { "昆明春城物业服务有限公司", "91530102MA6L5566QW", "电梯未按期检验" } },
	{ "org", NULL, "受害人母亲许静，联系电话：0871-63112233-808。",
	  { "许静", "63112233", "808" }, { "受害人" } },
	{ "org", NULL, "职工代表孔令辉、消费者代表苏敏参加了听证。",
	  { "孔令辉", "苏敏" }, { "职工代表", "消费者代表", "参加了听证" } },
	{ "org", NULL, "听证主持人由法制机构负责人担任，听证员2名，书记员1名。",
	  { NULL }, { "听证主持人", "听证员2名" } },
	{ "org", NULL, "驾驶员邓建军驾驶云A12345号货车运输，车上装载冻品500公斤。",
	  { "邓建军" }, { "500公斤" } },
	{ "org", NULL, "证人证言：证人田野称，其于2026年11月3日在该店购买了两瓶白酒。",
	  { "田野" }, { "2026年11月3日", "两瓶白酒" } },
	{ "org", NULL, "前述证人田野另称，店主曾要求其删除网上评价。",
	  { "田野" }, { "删除网上评价" } },
	{ "org", NULL, "电子邮箱 complaint@scjgj.km.gov.cn 为本局投诉举报邮箱。",
	  { "complaint@scjgj.km.gov.cn" }, { "投诉举报邮箱" } },
	{ "org", NULL, "18位数字123456789012345678不是身份证号，也不是卡号。",
	  { NULL }, { "123456789012345678" } },
	{ "person", NULL, "被询问人基本情况：姓名：阿依古丽·买买提，性别：女，身份证号码：11010519491231002x。",
	  { "阿依古丽", "买买提", "11010519491231002x" }, { "性别：女" } },
	{ "org", NULL, "当事人的行为违反了《中华人民共和国食品安全法》第三十四条第（十）项之规定。",
	  { NULL }, { "《中华人民共和国食品安全法》第三十四条第（十）项" } },
	{ "org", "昆明市五华区护国路小吃店", "当事人：昆明市五华区护国路小吃店，经营者：杨丽。当事人在五华区护国路12号经营场所内销售过期食品。",
	  { "护国路12号" }, { "昆明市五华区护国路小吃店", "杨丽", "五华区" } },
	{ "org", NULL, "当事人陈述称其不知道食品已过期。证人陈述与当事人陈述一致。委托代理人权限为特别授权。",
	  { NULL }, { "当事人陈述称", "证人陈述与当事人陈述一致", "委托代理人权限为特别授权" } },
	{ "person", NULL, "被询问人：方圆，身份证号码 5301 0219 9003 0712 38，另一人 1101 0519 4912 3100 2X。",
	  { "方圆", "5301 0219 9003 0712 38", "1101 0519 4912 3100 2X" }, { "身份证号码" } },
	{ "org", NULL, "办公电话（0871）63123456，传真(0871)6312 3457。",
	  { "63123456", "0871", "6312 3457" }, { "办公电话", "传真" } },
	{ "org", NULL, "昆明市五华区护国街道办事处于2026年12月1日会同昆明市五华区护国街道社区卫生服务中心开展检查。",
	  { NULL }, { "昆明市五华区护国街道办事处", "昆明市五华区护国街道社区卫生服务中心", "2026年12月1日" } },
	{ "org", NULL, "Tel:0871-65123456, TEL13812345678, Mobile+8613912345678, 型号ABC13812345678。",
	  { "65123456", "TEL13812345678", "13912345678" }, { "ABC13812345678" } },
	{ "org", NULL, "经询问知情人蒋文涛、购买人邱雅琴，二人均证实当事人销售了该批产品。",
	  { "蒋文涛", "邱雅琴" }, { "知情人", "购买人", "二人均证实" } },
	{ "org", NULL, "16位数字6225881234567899未通过校验，且前面没有账号提示，不是卡号。",
	  { NULL }, { "6225881234567899" } },
};

static char *run(const struct line *l, struct redact_marks *m)
{
	struct redact_opts o = { 0 };
	ok(redact_party_parse(l->kind, &o.party_kind) == 0, "party kind %s parses", l->kind ? l->kind : "(none)");
	o.party = l->party;
	struct err e = ERR_INIT;
	if (redact_detect(l->text, strlen(l->text), &o, m, &e) < 0) {
		ok(0, "redact_detect failed: %s", e.msg);
		return xstrdup("");
	}
	struct buf out;
	buf_init(&out, 0);
	redact_apply(l->text, strlen(l->text), m, &out);
	return buf_detach(&out, NULL);
}

static bool marks_sane(const char *t, size_t n, const struct redact_marks *m)
{
	size_t at = 0;
	for (size_t k = 0; k < m->n; k++) {
		const struct redact_mark *x = &m->v[k];
		if (x->start < at || x->start >= x->end || x->end > n)
			return false;
		if ((x->start < n && ((unsigned char)t[x->start] & 0xC0) == 0x80) ||
		    (x->end < n && ((unsigned char)t[x->end] & 0xC0) == 0x80))
			return false;
		if (!redact_kind_code(x->kind) || !utf8_valid(x->reason, strlen(x->reason)) || !x->reason[0])
			return false;
		at = x->end;
	}
	return true;
}

static void test_corpus(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(corpus); i++) {
		const struct line *l = &corpus[i];
		struct redact_marks m = REDACT_MARKS_INIT;
		char *out = run(l, &m);
		ok(marks_sane(l->text, strlen(l->text), &m), "line %zu: marks ordered, in bounds, on boundaries", i + 1);
		for (int k = 0; k < 6 && l->masked[k]; k++)
			if (!ok(!strstr(out, l->masked[k]), "line %zu: \"%s\" masked", i + 1, l->masked[k]))
				printf("#   output: %s\n", out);
		for (int k = 0; k < 8 && l->kept[k]; k++)
			if (!ok(strstr(out, l->kept[k]) != NULL, "line %zu: \"%s\" kept", i + 1, l->kept[k]))
				printf("#   output: %s\n", out);
		free(out);
		redact_marks_release(&m);
	}
}

/* The kind of the single mark covering s in text, 0 if none. */
static int kind_of(const char *text, const char *s, const struct redact_opts *o)
{
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	int k = -1;
	if (redact_detect(text, strlen(text), o, &m, &e) == 0) {
		k = 0;
		const char *at = strstr(text, s);
		size_t a = at ? (size_t)(at - text) : 0, b = a + strlen(s);
		for (size_t i = 0; at && i < m.n; i++)
			if (m.v[i].start <= a && m.v[i].end >= b)
				k = (int)m.v[i].kind;
	}
	redact_marks_release(&m);
	return k;
}

static void test_kinds(void)
{
	is_int(kind_of("身份证530102199003071238。", "530102199003071238", NULL), REDACT_ID_CARD, "ID number: kind id_card");
	is_int(kind_of("编号530102199003071239。", "530102199003071239", NULL), 0,
	       "wrong check digit and no identity cue: not an ID number");
	is_int(kind_of("身份证530102199003071239。", "530102199003071239", NULL), REDACT_ID_CARD,
	       "wrong check digit after 身份证: masked all the same (a person's number written down wrongly)");
	is_int(kind_of("号码530102199013071238。", "530102199013071238", NULL), 0, "month 13: not an ID number");
	is_int(kind_of("手机13812345678", "13812345678", NULL), REDACT_MOBILE, "mobile");
	is_int(kind_of("手机12812345678", "12812345678", NULL), 0, "12x is no mobile prefix");
	is_int(kind_of("电话8613812345678", "8613812345678", NULL), REDACT_MOBILE, "mobile with 86");
	is_int(kind_of("138123456789", "138123456789", NULL), 0, "12 digits: no mobile");
	is_int(kind_of("号码010-12345678", "010-12345678", NULL), 0, "local number starting with 1, no cue: not a phone");
	is_int(kind_of("电话010-82345678", "010-82345678", NULL), REDACT_PHONE, "Beijing phone");
	is_int(kind_of("卡号6222020200112233446", "6222020200112233446", NULL), REDACT_BANK_CARD, "Luhn card");
	is_int(kind_of("数字6222020200112233447", "6222020200112233447", NULL), 0, "16-19 digits failing Luhn, no cue");
	is_int(kind_of("账号6222020200112233447", "6222020200112233447", NULL), REDACT_ACCOUNT, "failing Luhn after 账号: account");
	is_int(kind_of("代码91530100MA6K1234X5", "91530100MA6K1234X5", NULL), 0, "credit code never masked");
	is_int(kind_of("账号：915300002165248019", "915300002165248019", NULL), 0, "a digit-only credit code after 账号 stays");
	is_int(kind_of("邮箱a.b@c.cn", "a.b@c.cn", NULL), REDACT_EMAIL, "e-mail");
	is_int(kind_of("邮箱a@b", "a@b", NULL), 0, "no domain dot: no e-mail");
	is_int(kind_of("邮箱a@b.c", "a@b.c", NULL), 0, "one-letter top level: no e-mail");
	is_int(kind_of("2026年12月1日", "2026年12月1日", NULL), 0, "date kept");
	is_int(kind_of("罚款10,000元", "10,000元", NULL), 0, "amount kept");
	is_int(kind_of("证人张三说", "张三", NULL), REDACT_NAME, "witness");
	is_int(kind_of("证人张三丰说", "张三丰", NULL), REDACT_NAME, "three-character name");
	is_int(kind_of("住址：五华区护国路12号", "护国路12号", NULL), REDACT_ADDRESS, "address");
	struct redact_person ps[] = { { "李四", false, "证人" }, { "王五", true, "执法人员" } };
	struct redact_opts o = { .persons = ps, .npersons = 2 };
	is_int(kind_of("李四和王五在场", "李四", &o), REDACT_NAME, "known witness masked without a cue");
	is_int(kind_of("证人王五说", "王五", &o), 0, "known officer kept even after a cue");
	struct redact_opts po = { .party_kind = REDACT_PARTY_PERSON, .party = "赵六" };
	is_int(kind_of("姓名：赵六，证人：钱七", "赵六", &po), 0, "a natural-person party's own name is kept");
	is_int(kind_of("姓名：赵六，证人：钱七", "钱七", &po), REDACT_NAME, "another person's name masked");
	is_int(kind_of("证人张某说", "张某", NULL), 0, "pseudonyms are not masked");
}

static void test_staff_marks(void)
{
	const char *t = "当事人称配方为祖传秘方甲乙丙，证人张三在场。";
	const char *secret = strstr(t, "甲乙丙"), *wit = strstr(t, "张三");
	struct redact_span add = { (size_t)(secret - t), (size_t)(secret - t) + strlen("甲乙丙"), "商业秘密" };
	struct redact_span rem = { (size_t)(wit - t), (size_t)(wit - t) + strlen("张三"), NULL };
	struct redact_opts o = { .add = &add, .nadd = 1, .remove = &rem, .nremove = 1 };
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	ok(redact_detect(t, strlen(t), &o, &m, &e) == 0, "staff marks accepted");
	struct buf out;
	buf_init(&out, 0);
	redact_apply(t, strlen(t), &m, &out);
	ok(!strstr(buf_str(&out), "甲乙丙") && strstr(buf_str(&out), "【已隐去】"), "added mark masked: %s", buf_str(&out));
	ok(strstr(buf_str(&out), "张三") != NULL, "removed mark not masked");
	ok(m.n == 1 && m.v[0].kind == REDACT_MANUAL && strcmp(m.v[0].reason, "商业秘密") == 0, "one manual mark with its reason");
	buf_release(&out);

	struct redact_span bad = { 1, 4, NULL };
	o = (struct redact_opts){ .add = &bad, .nadd = 1 };
	ok(redact_detect(t, strlen(t), &o, &m, &e) < 0 && strcmp(e.field, "add") == 0 && m.n == 0,
	   "a span inside a character is refused (field %s: %s)", e.field, e.msg);
	struct redact_span past = { 0, strlen(t) + 1, NULL };
	o = (struct redact_opts){ .remove = &past, .nremove = 1 };
	ok(redact_detect(t, strlen(t), &o, &m, &e) < 0 && strcmp(e.field, "remove") == 0, "a span past the end is refused");
	struct redact_span empty = { 3, 3, NULL };
	o = (struct redact_opts){ .add = &empty, .nadd = 1 };
	ok(redact_detect(t, strlen(t), &o, &m, &e) < 0, "an empty span is refused");
	redact_marks_release(&m);
}

static void test_input(void)
{
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	ok(redact_detect("\xE5\xBC", 2, NULL, &m, &e) < 0 && strcmp(e.field, "text") == 0, "a cut character is refused: %s", e.msg);
	ok(redact_detect("ab\xFF", 3, NULL, &m, &e) < 0, "a byte that is not UTF-8 is refused");
	ok(redact_detect("", 0, NULL, &m, &e) == 0 && m.n == 0, "empty text: no marks");
	ok(redact_detect(NULL, 0, NULL, &m, &e) == 0 && m.n == 0, "NULL text of length 0: no marks");
	/* not NUL-terminated: the text ends inside the buffer, nothing after it is read */
	char b[32];
	memcpy(b, "手机13812345678999", 20);
	ok(redact_detect(b, 3 + 3 + 11, NULL, &m, &e) == 0 && m.n == 1 && m.v[0].end == 17, "length respected (mark ends at the length)");
	/* a NUL byte inside */
	const char z[] = "手机\0" "13812345678";
	ok(redact_detect(z, sizeof z - 1, NULL, &m, &e) == 0 && m.n == 1, "a NUL byte is an ordinary character");
	char *big = xmalloc(REDACT_MAX_TEXT + 1);
	memset(big, 'a', REDACT_MAX_TEXT + 1);
	ok(redact_detect(big, REDACT_MAX_TEXT + 1, NULL, &m, &e) < 0 && e.kind == ERR_TOOLARGE, "more than 1 MiB refused");
	ok(redact_detect(big, REDACT_MAX_TEXT, NULL, &m, &e) == 0, "exactly 1 MiB accepted");
	free(big);
	/* a name masked once is masked everywhere; the mask keeps nothing */
	const char *t = "证人刘强称，刘强当天在店内。";
	ok(redact_detect(t, strlen(t), NULL, &m, &e) == 0 && m.n == 2, "both occurrences of a witness's name marked");
	struct buf out;
	buf_init(&out, 0);
	redact_apply(t, strlen(t), &m, &out);
	is_str(buf_str(&out), "证人【已隐去：姓名】称，【已隐去：姓名】当天在店内。", "redacted text");
	buf_release(&out);
	redact_marks_release(&m);
	enum redact_party pk;
	ok(redact_party_parse("robot", &pk) < 0, "unknown party kind refused");
	ok(redact_party_parse("个体工商户", &pk) == 0 && pk == REDACT_PARTY_INDIVIDUAL_BUSINESS, "Chinese party kind");
}

int main(void)
{
	test_corpus();
	test_kinds();
	test_staff_marks();
	test_input();
	return tap_done();
}
