/*
 * demo.c - the demo catalogue of 事前公开 (zhifa init --demo): enforcement
 * matters, service guides and random inspection items of the demo units of
 * a provincial department of industry and information technology.
 *
 * Invariants: the catalogue is JSON text below, parsed and loaded through
 * the same validation as user input (pub_system_create_publish), in one
 * transaction; units are found by name and skipped when absent or already
 * holding items, so running it twice adds nothing.  Articles are cited only
 * where the number is well known; otherwise the article is left empty.
 * Matters without "procedure"/"remedy" get the standard ones of their
 * category (std_procedure, std_remedy).
 */
#include "core/core.h"
#include "publicity/internal.h"

static const char demo_json[] =
"["
"{\"unit\":\"节能与综合利用处\",\"matters\":["
" {\"name\":\"工业节能监察\",\"category\":\"inspection\","
"  \"duties\":\"对工业领域用能单位执行节能法律、法规、规章和强制性节能标准的情况进行监督检查，依法查处违法用能行为。\","
"  \"authority\":\"进入用能单位现场检查，查阅、复制有关资料，要求用能单位说明情况；对违法用能行为责令限期整改。\","
"  \"basis\":[{\"law\":\"中华人民共和国节约能源法\",\"article\":\"第十二条\"},{\"law\":\"工业节能监察办法\",\"article\":\"\"}],"
"  \"inspections\":[{\"name\":\"重点用能单位节能监察\",\"content\":\"能源计量器具配备、单位产品能耗限额标准执行、国家明令淘汰的用能设备和生产工艺使用情况\","
"   \"basis\":[{\"law\":\"中华人民共和国节约能源法\",\"article\":\"第十二条\"}],\"method\":\"双随机抽取检查对象和执法人员，现场检查与书面核查相结合\",\"frequency\":\"每年抽查比例不低于重点用能单位总数的5%\"}]},"
" {\"name\":\"对使用国家明令淘汰的用能设备或者生产工艺的行政处罚\",\"category\":\"penalty\","
"  \"duties\":\"查处使用国家明令淘汰的用能设备或者生产工艺的违法行为。\","
"  \"authority\":\"责令停止使用，没收国家明令淘汰的用能设备；情节严重的，提出意见报请本级人民政府责令停业整顿或者关闭。\","
"  \"basis\":[{\"law\":\"中华人民共和国节约能源法\",\"article\":\"第七十一条\"},{\"law\":\"中华人民共和国行政处罚法\",\"article\":\"\"}]}"
"]},"
"{\"unit\":\"安全生产处\",\"matters\":["
" {\"name\":\"民用爆炸物品生产许可\",\"category\":\"licence\","
"  \"duties\":\"受理民用爆炸物品生产许可申请，审查申请企业的生产条件。\","
"  \"authority\":\"对符合条件的核发《民用爆炸物品生产许可证》，对不符合条件的书面说明理由。\","
"  \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第十一条\"},{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第十二条\"},{\"law\":\"中华人民共和国行政许可法\",\"article\":\"\"}],"
"  \"guide\":{\"name\":\"民用爆炸物品生产许可服务指南\",\"accepting_body\":\"省工业和信息化厅政务服务窗口\",\"approving_body\":\"民用爆炸物品行业主管部门\","
"   \"conditions\":\"符合国家产业结构规划和产业技术标准；厂房和专用仓库的设计、结构、建筑材料、安全距离以及防火、防爆、防雷、防静电等安全设备、设施符合国家有关标准和规范；生产设备、工艺符合有关安全生产的技术标准和规程；有具备相应资格的专业技术人员、安全生产管理人员和生产岗位人员；有健全的安全管理制度、岗位安全责任制度；法律、行政法规规定的其他条件。\","
"   \"time_limit\":\"自受理申请之日起20个工作日\",\"materials\":[\"民用爆炸物品生产许可申请书\",\"营业执照副本复印件\",\"安全评价报告\",\"厂房和专用仓库的设计、验收资料\",\"专业技术人员、安全生产管理人员资格证明\",\"安全管理制度和岗位安全责任制度\"],"
"   \"fees\":\"不收费\",\"contact\":\"0871-00000000(演示号码)\"}},"
" {\"name\":\"民用爆炸物品销售许可\",\"category\":\"licence\","
"  \"duties\":\"受理本省行政区域内民用爆炸物品销售企业的许可申请。\","
"  \"authority\":\"对符合条件的核发《民用爆炸物品销售许可证》。\","
"  \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第十八条\"}],"
"  \"guide\":{\"name\":\"民用爆炸物品销售许可服务指南\",\"accepting_body\":\"省工业和信息化厅政务服务窗口\",\"approving_body\":\"省工业和信息化厅\","
"   \"conditions\":\"符合对民用爆炸物品销售企业规划的要求；销售场所和专用仓库符合国家有关标准和规范；有具备相应资格的安全管理人员、仓库管理人员；有健全的安全管理制度、岗位安全责任制度。\","
"   \"time_limit\":\"自受理申请之日起30日\",\"materials\":[\"民用爆炸物品销售许可申请书\",\"营业执照副本复印件\",\"专用仓库安全评价报告\",\"安全管理人员、仓库管理人员资格证明\"],"
"   \"fees\":\"不收费\",\"contact\":\"0871-00000001(演示号码)\"}},"
" {\"name\":\"民用爆炸物品生产、销售安全监督检查\",\"category\":\"inspection\","
"  \"duties\":\"负责民用爆炸物品生产、销售的安全监督管理。\","
"  \"authority\":\"进入生产、销售企业现场检查，查阅有关资料，对发现的安全隐患责令限期整改。\","
"  \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第四条\"}],"
"  \"inspections\":[{\"name\":\"民用爆炸物品生产企业安全生产监督检查\",\"content\":\"生产许可条件保持情况、安全生产责任制落实、危险品生产线和专用仓库安全设施、从业人员资格\","
"   \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第四条\"}],\"method\":\"双随机抽取，现场检查\",\"frequency\":\"每年至少一次，抽查比例不低于20%\"},"
"   {\"name\":\"民用爆炸物品销售企业监督检查\",\"content\":\"销售许可条件、流向登记、专用仓库管理情况\","
"   \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第四条\"}],\"method\":\"双随机抽取，现场检查与信息系统核查相结合\",\"frequency\":\"每年抽查比例不低于10%\"}]},"
" {\"name\":\"对违法生产、销售民用爆炸物品的行政处罚\",\"category\":\"penalty\","
"  \"duties\":\"查处未经许可生产、销售民用爆炸物品以及超出许可范围生产、销售等违法行为。\","
"  \"authority\":\"责令停止非法生产、销售活动，罚款，没收非法生产、销售的民用爆炸物品及其违法所得。\","
"  \"basis\":[{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第四十四条\"},{\"law\":\"民用爆炸物品安全管理条例\",\"article\":\"第四十五条\"}]}"
"]},"
"{\"unit\":\"无线电管理局\",\"matters\":["
" {\"name\":\"无线电台(站)设置、使用许可\",\"category\":\"licence\","
"  \"duties\":\"受理本省行政区域内无线电台(站)设置、使用申请。\","
"  \"authority\":\"对符合条件的核发无线电台执照。\","
"  \"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第二十七条\"}],"
"  \"guide\":{\"name\":\"无线电台(站)设置、使用许可服务指南\",\"accepting_body\":\"省无线电管理局受理窗口\",\"approving_body\":\"省无线电管理局\","
"   \"conditions\":\"有可用的无线电频率；所使用的无线电发射设备依法取得无线电发射设备型号核准证且符合国家规定的产品质量要求；有熟悉无线电管理规定、具备相关业务技能的人员；有明确具体的用途，且技术方案可行；有能够保证无线电台(站)正常使用的电磁环境。\","
"   \"time_limit\":\"自受理申请之日起30个工作日\",\"materials\":[\"无线电台(站)设置使用申请表\",\"营业执照或者法人证书复印件\",\"无线电发射设备型号核准证复印件\",\"技术方案\"],"
"   \"fees\":\"按国家规定的无线电频率占用费标准收取\",\"contact\":\"0871-00000002(演示号码)\"}},"
" {\"name\":\"无线电频率使用许可\",\"category\":\"licence\","
"  \"duties\":\"受理本省行政区域内无线电频率使用申请。\","
"  \"authority\":\"对符合条件的颁发无线电频率使用许可证。\","
"  \"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第十四条\"}],"
"  \"guide\":{\"name\":\"无线电频率使用许可服务指南\",\"accepting_body\":\"省无线电管理局受理窗口\",\"approving_body\":\"省无线电管理局\","
"   \"conditions\":\"所申请的无线电频率符合无线电频率划分和使用规定，有明确具体的用途；使用无线电频率的技术方案可行；有相应的专业技术人员；对依法使用的其他无线电频率不会产生有害干扰。\","
"   \"time_limit\":\"自受理申请之日起20个工作日\",\"materials\":[\"无线电频率使用申请表\",\"营业执照或者法人证书复印件\",\"频率使用技术方案\"],"
"   \"fees\":\"按国家规定的无线电频率占用费标准收取\",\"contact\":\"0871-00000002(演示号码)\"}},"
" {\"name\":\"查封、扣押非法设置、使用的无线电发射设备(黑广播)\",\"category\":\"coercion\","
"  \"duties\":\"查处擅自设置、使用无线电台(站)，特别是非法广播电台(黑广播)、伪基站等违法行为。\","
"  \"authority\":\"对非法设置、使用的无线电发射设备及其附属设施依法实施查封、扣押；全程音像记录。\","
"  \"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第七十条\"},{\"law\":\"中华人民共和国行政强制法\",\"article\":\"第二十四条\"},{\"law\":\"中华人民共和国行政强制法\",\"article\":\"第二十五条\"}]},"
" {\"name\":\"对擅自设置、使用无线电台(站)的行政处罚\",\"category\":\"penalty\","
"  \"duties\":\"查处未经许可擅自使用无线电频率，或者擅自设置、使用无线电台(站)的违法行为。\","
"  \"authority\":\"责令改正，没收从事违法活动的设备和违法所得，并处罚款。\","
"  \"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第七十条\"}]}"
"],\"inspections\":[{\"name\":\"无线电台(站)设置、使用情况检查\",\"content\":\"无线电台执照、频率使用许可的有效性，实际使用频率、功率、发射设备与许可是否一致\","
" \"basis\":[{\"law\":\"中华人民共和国无线电管理条例\",\"article\":\"第二十七条\"}],\"method\":\"双随机抽取，现场监测与检查\",\"frequency\":\"每年抽查比例不低于5%\"}]},"
"{\"unit\":\"国防科工局\",\"matters\":["
" {\"name\":\"武器装备科研生产许可(初审)\",\"category\":\"licence\","
"  \"duties\":\"受理本省行政区域内单位从事武器装备科研生产许可的申请并进行初审。\","
"  \"authority\":\"对申请单位的条件进行审查，提出初审意见报国家国防科技工业主管部门。\","
"  \"basis\":[{\"law\":\"武器装备科研生产许可管理条例\",\"article\":\"\"}],"
"  \"guide\":{\"name\":\"武器装备科研生产许可(初审)服务指南\",\"accepting_body\":\"省国防科技工业局\",\"approving_body\":\"国家国防科技工业局\","
"   \"conditions\":\"具有法人资格；有与申请从事的武器装备科研生产活动相适应的专业技术人员、科研生产条件和检验检测、试验手段；有健全的质量管理体系和安全生产条件；有相应的保密资格。\","
"   \"time_limit\":\"按国家规定的审查期限办理\",\"materials\":[\"武器装备科研生产许可申请表\",\"法人资格证明\",\"质量管理体系认证证明\",\"保密资格证明\"],"
"   \"fees\":\"不收费\",\"contact\":\"0871-00000003(演示号码)\"}}"
"],\"inspections\":[{\"name\":\"武器装备科研生产许可单位监督检查\",\"content\":\"许可条件保持情况、许可范围内从事科研生产情况\","
" \"basis\":[{\"law\":\"武器装备科研生产许可管理条例\",\"article\":\"\"}],\"method\":\"双随机抽取，现场检查\",\"frequency\":\"每年一次\"}]},"
"{\"unit\":\"监控化学品管理办公室\",\"matters\":["
" {\"name\":\"第二类、第三类监控化学品生产特别许可(初审)\",\"category\":\"licence\","
"  \"duties\":\"受理本省行政区域内第二类、第三类监控化学品生产特别许可申请并进行初审。\","
"  \"authority\":\"审查申请单位的生产条件，提出初审意见。\","
"  \"basis\":[{\"law\":\"中华人民共和国监控化学品管理条例\",\"article\":\"\"}],"
"  \"guide\":{\"name\":\"监控化学品生产特别许可(初审)服务指南\",\"accepting_body\":\"省监控化学品管理办公室\",\"approving_body\":\"国务院化学工业主管部门\","
"   \"conditions\":\"生产工艺、设备和安全防护设施符合国家规定；有健全的监控化学品管理制度；有熟悉监控化学品管理规定的专职管理人员。\","
"   \"time_limit\":\"自受理申请之日起20个工作日内完成初审\",\"materials\":[\"监控化学品生产特别许可申请表\",\"营业执照副本复印件\",\"生产工艺和安全防护设施说明\",\"管理制度文本\"],"
"   \"fees\":\"不收费\",\"contact\":\"0871-00000004(演示号码)\"}},"
" {\"name\":\"监控化学品生产、经营、使用监督检查\",\"category\":\"inspection\","
"  \"duties\":\"监督检查监控化学品生产、经营、使用单位执行条例和年度申报的情况。\","
"  \"authority\":\"进入现场检查，查阅生产、经营、使用记录，核对年度数据申报。\","
"  \"basis\":[{\"law\":\"中华人民共和国监控化学品管理条例\",\"article\":\"\"}],"
"  \"inspections\":[{\"name\":\"监控化学品生产经营使用单位随机抽查\",\"content\":\"许可证件、年度数据申报、生产经营使用台账、储存安全\","
"   \"basis\":[{\"law\":\"中华人民共和国监控化学品管理条例\",\"article\":\"\"}],\"method\":\"双随机抽取，现场检查与台账核查\",\"frequency\":\"每年抽查比例不低于10%\"}]}"
"]}"
"]";

/* The standard procedure of a category, as JSON text. */
static const char *std_procedure(const char *category)
{
	if (str_eq(category, "licence"))
		return "[{\"name\":\"申请\",\"note\":\"申请人提交申请材料\"},"
		       "{\"name\":\"受理\",\"note\":\"材料齐全、符合法定形式的予以受理；不齐全的一次性告知补正\",\"time_limit\":\"5个工作日\"},"
		       "{\"name\":\"审查\",\"note\":\"书面审查，必要时现场核查\"},"
		       "{\"name\":\"决定\",\"note\":\"准予许可或者不予许可并说明理由\"},"
		       "{\"name\":\"送达与公示\",\"note\":\"送达许可决定，7个工作日内公示\",\"time_limit\":\"10个工作日\"}]";
	if (str_eq(category, "penalty"))
		return "[{\"name\":\"立案\",\"note\":\"发现违法线索，经负责人批准立案\"},"
		       "{\"name\":\"调查取证\",\"note\":\"两名以上执法人员出示执法证件，制作笔录，全过程记录\"},"
		       "{\"name\":\"法制审核\",\"note\":\"重大执法决定由政策法规处审核\",\"time_limit\":\"10个工作日\"},"
		       "{\"name\":\"告知\",\"note\":\"告知拟处罚的事实、理由、依据及陈述、申辩、听证权利\"},"
		       "{\"name\":\"决定\",\"note\":\"负责人审查后作出处罚决定\"},"
		       "{\"name\":\"送达\",\"note\":\"送达行政处罚决定书\",\"time_limit\":\"7日\"},"
		       "{\"name\":\"执行与公示\",\"note\":\"7个工作日内公开处罚决定\"}]";
	if (str_eq(category, "coercion"))
		return "[{\"name\":\"报告并经负责人批准\",\"note\":\"情况紧急的，24小时内补办批准手续\"},"
		       "{\"name\":\"出示证件、通知当事人到场\",\"note\":\"两名以上执法人员，全程音像记录\"},"
		       "{\"name\":\"告知并听取陈述、申辩\"},"
		       "{\"name\":\"制作现场笔录和查封、扣押清单\",\"note\":\"当事人签名或者注明拒绝签名\"},"
		       "{\"name\":\"送达查封、扣押决定书\"},"
		       "{\"name\":\"依法处理\",\"note\":\"查封、扣押期限不超过30日，情况复杂的经批准可延长不超过30日\",\"time_limit\":\"30日\"}]";
	return "[{\"name\":\"制定检查计划\",\"note\":\"年度计划报负责人批准\"},"
	       "{\"name\":\"随机抽取检查对象和执法人员\",\"note\":\"双随机、一公开\"},"
	       "{\"name\":\"现场检查\",\"note\":\"出示执法证件，制作现场检查笔录\"},"
	       "{\"name\":\"处理\",\"note\":\"发现问题的责令整改，涉嫌违法的依法立案\"},"
	       "{\"name\":\"结果公开\",\"note\":\"检查结果在20个工作日内公开\"}]";
}

static const char std_remedy[] =
	"[{\"type\":\"review\",\"body\":\"云南省人民政府或者中华人民共和国工业和信息化部\",\"time_limit\":\"自知道该行政行为之日起60日内\"},"
	"{\"type\":\"litigation\",\"body\":\"有管辖权的人民法院\",\"time_limit\":\"自知道或者应当知道作出行政行为之日起6个月内\"}]";

/* The publishing actor of a unit: its head, or NULL (the system). */
static bool unit_head(struct db *db, long long unit_id, struct actor *a)
{
	struct db_res *r;
	if (db_query(db, &r, "SELECT u.id, u.username, u.name FROM users u JOIN user_roles r ON r.user_id = u.id"
			     " WHERE u.unit_id = ? AND r.role = 'head' ORDER BY u.id LIMIT 1", DB_INT(unit_id)) < 0)
		return false;
	bool found = r->nrows > 0;
	if (found) {
		memset(a, 0, sizeof *a);
		a->user_id = db_int(r, 0, 0);
		a->unit_id = unit_id;
		a->roles = ROLE_HEAD | ROLE_OFFICER;
		a->scope = SCOPE_OWN;
		snprintf(a->username, sizeof a->username, "%s", db_text(r, 0, 1));
		snprintf(a->name, sizeof a->name, "%s", db_text(r, 0, 2));
		snprintf(a->ip, sizeof a->ip, "local");
		snprintf(a->request_id, sizeof a->request_id, "demo-seed");
	}
	db_res_free(r);
	return found;
}

static int load_inspections(struct db *db, const struct actor *a, long long unit_id, long long matter_id,
			    const json_t *list, struct err *e)
{
	size_t i;
	const json_t *it;
	int n = 0;
	json_array_foreach(list, i, it) {
		if (pub_system_create_publish(db, a, PUB_INSPECTION, unit_id, matter_id, it, e) < 0)
			return -1;
		n++;
	}
	return n;
}

static int load_unit(struct db *db, const json_t *u, struct err *e)
{
	const char *uname = json_string_value(json_object_get(u, "unit"));
	struct db_res *r;
	if (db_query(db, &r, "SELECT id FROM units WHERE name = ?", DB_TEXT(uname)) < 0)
		return pub_db_fail(db, e);
	long long unit_id = r->nrows ? db_int(r, 0, 0) : 0;
	db_res_free(r);
	if (!unit_id) {
		log_warn("演示数据: 单位「%s」不存在,跳过其公示事项", uname);
		return 0;
	}
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM pub_items WHERE unit_id = ?",
			  (const struct db_val[]){ DB_INT(unit_id), DB_END }) > 0)
		return 0;
	struct actor head;
	const struct actor *a = &head;
	if (!unit_head(db, unit_id, &head)) {
		log_warn("演示数据: 单位「%s」没有处室负责人,公示记录的发布人为空", uname);
		a = NULL;
	}
	int count = 0;
	size_t i;
	const json_t *m;
	json_array_foreach(json_object_get(u, "matters"), i, m) {
		json_t *c = json_deep_copy(m);
		json_object_del(c, "guide");
		json_object_del(c, "inspections");
		const char *cat = json_string_value(json_object_get(c, "category"));
		if (!json_object_get(c, "procedure"))
			json_object_set_new(c, "procedure", json_loads(std_procedure(cat), 0, NULL));
		if (!json_object_get(c, "remedy"))
			json_object_set_new(c, "remedy", json_loads(std_remedy, 0, NULL));
		long long id = pub_system_create_publish(db, a, PUB_MATTER, unit_id, 0, c, e);
		json_decref(c);
		if (id < 0)
			return -1;
		count++;
		const json_t *g = json_object_get(m, "guide");
		if (g) {
			if (pub_system_create_publish(db, a, PUB_GUIDE, unit_id, id, g, e) < 0)
				return -1;
			count++;
		}
		int n = load_inspections(db, a, unit_id, id, json_object_get(m, "inspections"), e);
		if (n < 0)
			return -1;
		count += n;
	}
	int n = load_inspections(db, a, unit_id, 0, json_object_get(u, "inspections"), e);
	return n < 0 ? -1 : count + n;
}

int publicity_demo_seed(struct db *db, struct err *e)
{
	json_error_t je;
	json_t *all = json_loads(demo_json, 0, &je);
	if (!all)
		BUG("demo catalogue JSON: %s at line %d column %d", je.text, je.line, je.column);
	if (db_begin(db) < 0) {
		json_decref(all);
		return pub_db_fail(db, e);
	}
	int total = 0;
	size_t i;
	const json_t *u;
	json_array_foreach(all, i, u) {
		int n = load_unit(db, u, e);
		if (n < 0) {
			db_rollback(db);
			json_decref(all);
			return -1;
		}
		total += n;
	}
	json_decref(all);
	if (db_commit(db) < 0) {
		pub_db_fail(db, e);
		db_rollback(db);
		return -1;
	}
	return total;
}
