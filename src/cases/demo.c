/*
 * demo.c - the demo cases (zhifa init --demo): one or more cases in every
 * default procedure and at different stages across the divisions of the
 * demo department, built only through case_open and case_act as the demo
 * people (src/people/demo.c) on the demo catalogue (src/publicity/demo.c)
 * and demo parties (src/cases/party_demo.c), so that each follows every
 * rule a real case does.  All names are invented.
 *
 * Dates: the demo catalogue is published when the demo is loaded, and a
 * case may only rest on a matter published on or before its act date, so
 * every demo act is dated the day the demo is loaded.  Nothing is added
 * when a case exists already.
 */
#include "core/core.h"
#include "cases/case_int.h"
#include "cases/party.h"
#include "cases/numbering.h"
#include "people/people.h"
#include "calendar/calendar.h"
#include "cases/procedure.h"

struct demo {
	struct db *db;
	struct err *e;
	char today[11];
	int failed;
};

static long long user(struct demo *d, const char *username)
{
	long long id = people_user_by_username(d->db, username);
	if (id <= 0 && !d->failed) {
		err_set(d->e, ERR_INTERNAL, "", "演示案件缺少演示账号 %s", username);
		d->failed = 1;
	}
	return id;
}

static long long matter(struct demo *d, const char *kind, const char *name)
{
	long long id = db_scalar_int(d->db, 0, "SELECT id FROM pub_items WHERE kind = ? AND name = ?",
				     (const struct db_val[]){ DB_TEXT(kind), DB_TEXT(name), DB_END });
	if (id <= 0 && !d->failed) {
		err_set(d->e, ERR_INTERNAL, "", "演示案件缺少演示公示事项「%s」", name);
		d->failed = 1;
	}
	return id;
}

static long long org(struct demo *d, const char *uscc)
{
	long long id = party_by_uscc(d->db, uscc);
	if (id <= 0 && !d->failed) {
		err_set(d->e, ERR_INTERNAL, "", "演示案件缺少演示当事人 %s", uscc);
		d->failed = 1;
	}
	return id;
}

static struct actor as(struct demo *d, const char *username)
{
	struct actor a;
	memset(&a, 0, sizeof a);
	long long id = user(d, username);
	if (id > 0 && people_actor_load(d->db, id, &a) < 0 && !d->failed) {
		err_set(d->e, ERR_INTERNAL, "", "无法载入演示账号 %s", username);
		d->failed = 1;
	}
	snprintf(a.ip, sizeof a.ip, "demo");
	return a;
}

static long long open_case(struct demo *d, const char *username, struct case_input *in)
{
	if (d->failed)
		return 0;
	struct actor a = as(d, username);
	long long id = 0;
	in->on_date = d->today;
	if (!in->source_date)
		in->source_date = d->today;
	if (d->failed || case_open(d->db, &a, in, &id, NULL, d->e) < 0) {
		d->failed = 1;
		return 0;
	}
	return id;
}

static int rowv(struct demo *d, long long id)
{
	return (int)db_scalar_int(d->db, 0, "SELECT row_version FROM cases WHERE id = ?",
				  (const struct db_val[]){ DB_INT(id), DB_END });
}

static cases_demo_record_fn demo_record;

void cases_demo_set_record(cases_demo_record_fn fn)
{
	demo_record = fn;
}

/* The documents the current stage of case id requires and lacks, made by
 * the registered function as a (cases_demo_set_record). */
static void demo_documents(struct demo *d, long long id, const struct actor *a)
{
	struct case_row c;
	if (case_load(d->db, id, &c, d->e) < 0) {
		d->failed = 1;
		return;
	}
	json_t *def = case_definition(d->db, c.procedure_id, d->e);
	json_t *needs = def ? gates_needs(d->db, &c, def, c.stage, d->today) : NULL;
	size_t i;
	json_t *x;
	const json_t *st = procedure_stage(def, c.stage);
	json_array_foreach(needs, i, x) {
		if (!str_eq(case_js(x, "type"), "record") || json_is_true(json_object_get(x, "met")))
			continue;
		const json_t *req = json_array_get(json_object_get(st, "requires"), i);
		const char *code = case_js(req, "doc_type");
		if (!code[0])
			code = json_string_value(json_array_get(json_object_get(req, "any_of"), 0));
		if (!demo_record || !code || demo_record(d->db, a, id, code, d->e) < 0) {
			if (!demo_record)
				err_set(d->e, ERR_INTERNAL, "", "演示案件需要制作执法文书，但文书模块未注册");
			d->failed = 1;
			break;
		}
	}
	json_decref(needs);
	json_decref(def);
	case_row_release(&c);
}

/* Finalised documents of a case file, by username (the demo's records). */
static void case_file(struct demo *d, long long id, const char *username, const char *const *codes, size_t n)
{
	if (d->failed || id <= 0)
		return;
	struct actor a = as(d, username);
	for (size_t k = 0; k < n && !d->failed; k++)
		if (!demo_record || demo_record(d->db, &a, id, codes[k], d->e) < 0) {
			if (!demo_record)
				err_set(d->e, ERR_INTERNAL, "", "演示案件需要制作执法文书，但文书模块未注册");
			d->failed = 1;
		}
}

static void step(struct demo *d, long long id, const char *username, struct case_act_input in)
{
	if (d->failed || id <= 0)
		return;
	struct actor a = as(d, username);
	if (!d->failed && (str_eq(in.action, "advance") || str_eq(in.action, "close")))
		demo_documents(d, id, &a);
	if (d->failed)
		return;
	in.row_version = rowv(d, id);
	in.on_date = d->today;
	if (d->failed || case_act(d->db, &a, id, &in, d->e) < 0)
		d->failed = 1;
}

static void advance(struct demo *d, long long id, const char *username, const char *to)
{
	step(d, id, username, (struct case_act_input){ .action = "advance", .to = to });
}

static void approve(struct demo *d, long long id, const char *username, const char *approval, const char *note)
{
	step(d, id, username, (struct case_act_input){ .action = "approve", .approval = approval, .reason = note });
}

int cases_demo_seed(struct db *db, struct err *e)
{
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM cases", (const struct db_val[]){ DB_END }) > 0)
		return 0;
	if (numbering_seed_defaults(db, e) < 0)
		return -1;
	struct demo d = { .db = db, .e = e };
	time_today_shanghai(d.today);

	/* 1. 无线电管理局: 查封、扣押 an illegal broadcasting station (黑广播), 无线电管理条例 */
	{
		long long m[] = { matter(&d, "matter", "查封、扣押非法设置、使用的无线电发射设备(黑广播)") };
		long long o[] = { user(&d, "wx.li"), user(&d, "wx.zhao") };
		long long p[] = { party_by_number(db, "resident_id", "530102197508080018") };
		if (p[0] <= 0)
			p[0] = org(&d, "91530111MA6P5WX06G");
		struct case_input in = { .procedure = "coercion_seizure",
					 .unit_id = people_unit_by_code(db, "wxdj-jc"),
					 .title = "昆明市官渡区某小区楼顶非法设置广播电台（黑广播）干扰民航导航频率案",
					 .source = "complaint",
					 .source_note = "民航云南空管分局报告 87.6MHz 附近出现非法广播干扰，经监测定位至官渡区某小区楼顶",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2,
					 .note = "依据《中华人民共和国无线电管理条例》第七十条、第七十一条，拟对非法设置的无线电发射设备实施扣押" };
		long long id = open_case(&d, "wx.li", &in);
		approve(&d, id, "fenguan", "coercion", "同意实施扣押");
		advance(&d, id, "wx.li", "seizure");
		step(&d, id, "wx.li", (struct case_act_input){ .action = "participant", .p_kind = "assistant",
								 .p_name = "周小川", .p_id_type = "工作证",
								 .p_id_number = "WXJC-2026-017",
								 .p_organisation = "云南省无线电监测站",
								 .p_title = "监测技术员（协助定位、拆除设备）" });
	}

	/* 2. 安全生产处: a 民用爆炸物品 production licence under examination */
	{
		long long m[] = { matter(&d, "matter", "民用爆炸物品生产许可") };
		long long o[] = { user(&d, "aq.ma"), user(&d, "aq.zhu") };
		long long p[] = { org(&d, "91530100MA6K0MB019") };
		struct case_input in = { .procedure = "licence", .unit_id = people_unit_by_code(db, "aqc"),
					 .title = "云南滇中民爆化工有限公司乳化炸药生产线新建项目民用爆炸物品生产许可申请",
					 .source = "application", .source_note = "经政务服务窗口提交申请材料六项",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "aq.ma", &in);
		advance(&d, id, "aq.ma", "acceptance");
		advance(&d, id, "aq.zhu", "examination");
		step(&d, id, "aq.ma", (struct case_act_input){ .action = "participant", .p_kind = "expert",
								 .p_name = "钱国栋", .p_id_type = "工作证",
								 .p_id_number = "KJ-0921",
								 .p_organisation = "昆明理工大学化学工程学院",
								 .p_title = "教授（安全评价专家）" });
	}

	/* 3. 节能与综合利用处: an energy-saving penalty with a hearing; the clock is suspended */
	{
		long long m[] = { matter(&d, "matter", "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚") };
		long long o[] = { user(&d, "jn.zhang"), user(&d, "jn.liu") };
		long long p[] = { org(&d, "91530112MA6K1WN02H") };
		struct case_input in = { .procedure = "penalty_general", .unit_id = people_unit_by_code(db, "jnc"),
					 .title = "昆明云岭水泥有限公司使用国家明令淘汰的用能设备案",
					 .source = "inspection",
					 .source_note = "工业节能监察中发现该公司仍在使用列入淘汰目录的高耗能电机 12 台",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "jn.zhang", &in);
		approve(&d, id, "jn.head", "filing", "同意立案");
		advance(&d, id, "jn.zhang", "investigation");
		advance(&d, id, "jn.zhang", "notice");
		approve(&d, id, "jn.head", "notice", "同意告知拟处罚决定及听证权利");
		/* the hearing held 10 working days after the notice (at least 7: 第六十四条第（二）项) */
		char hearing_on[11] = "";
		struct calendar *cal = NULL;
		int32_t t, h;
		if (calendar_load(db, &cal, e) < 0 || cal_date_parse(d.today, &t) < 0 || calendar_due(cal, t, 10, &h, e) < 0)
			d.failed = 1;
		else
			cal_date_format(h, hearing_on);
		calendar_unref(cal);
		step(&d, id, "jn.liu", (struct case_act_input){ .action = "advance", .to = "hearing", .event_on = hearing_on });
		step(&d, id, "jn.zhang", (struct case_act_input){ .action = "suspend", .suspension = "hearing",
								    .reason = "当事人申请听证，听证期间不计入办案期限" });
		static const char *const file[] = { "filing_approval", "inquiry_record", "penalty_notice" };
		case_file(&d, id, "jn.zhang", file, ARRAY_SIZE(file));
	}

	/* 4. a simple-procedure decision on the spot, carried to 结案 */
	{
		long long m[] = { matter(&d, "matter", "对使用国家明令淘汰的用能设备或者生产工艺的行政处罚") };
		long long o[] = { user(&d, "jn.zhang"), user(&d, "jn.liu") };
		long long p[] = { org(&d, "91530300MA6L2GT03W") };
		struct case_input in = { .procedure = "penalty_simple", .unit_id = people_unit_by_code(db, "jnc"),
					 .title = "曲靖南盘江机械制造有限公司当场警告案",
					 .source = "inspection", .source_note = "现场检查发现淘汰设备一台，当事人当场停用",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2,
					 .note = "违法事实确凿、情节轻微，依《中华人民共和国行政处罚法》第五十一条当场作出警告" };
		long long id = open_case(&d, "jn.zhang", &in);
		advance(&d, id, "jn.zhang", "record");
		approve(&d, id, "jn.head", "record", "已备案");
		advance(&d, id, "jn.zhang", "execution");
		approve(&d, id, "jn.head", "close", "同意结案");
		step(&d, id, "jn.zhang", (struct case_act_input){ .action = "close" });
	}

	/* 5. a 双随机 inspection that found nothing */
	{
		long long m[] = { matter(&d, "matter", "民用爆炸物品生产、销售安全监督检查") };
		long long o[] = { user(&d, "aq.ma"), user(&d, "aq.zhu") };
		long long p[] = { org(&d, "91530100MA6K0MB019") };
		struct case_input in = { .procedure = "inspection", .unit_id = people_unit_by_code(db, "aqc"),
					 .title = "2026 年度民用爆炸物品生产企业双随机抽查（云南滇中民爆化工有限公司）",
					 .source = "random",
					 .inspection_item_id = matter(&d, "inspection", "民用爆炸物品生产企业安全生产监督检查"),
					 .source_note = "随机抽取检查对象与执法人员",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "aq.ma", &in);
		advance(&d, id, "aq.ma", "inspection");
		advance(&d, id, "aq.zhu", "result");
		approve(&d, id, "aq.head", "close", "未发现问题，同意办结");
		step(&d, id, "aq.ma", (struct case_act_input){ .action = "close", .reason = "检查未发现违法违规问题" });
	}

	/* 6. a case transferred to the judicial organs for a suspected crime */
	{
		long long m[] = { matter(&d, "matter", "对擅自设置、使用无线电台(站)的行政处罚") };
		long long o[] = { user(&d, "wx.li"), user(&d, "wx.zhao") };
		long long p[] = { org(&d, "92530102MA6N4TX05G") };
		struct case_input in = { .procedure = "penalty_general", .unit_id = people_unit_by_code(db, "wxdj-jc"),
					 .title = "昆明市五华区老街通讯器材经营部销售、架设“伪基站”设备案",
					 .source = "transfer_in", .source_note = "市公安局通报线索",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "wx.li", &in);
		approve(&d, id, "wx.head", "filing", "同意立案");
		advance(&d, id, "wx.li", "investigation");
		step(&d, id, "fenguan", (struct case_act_input){ .action = "end", .ending = "transferred_judicial",
								   .reason = "涉嫌扰乱无线电通讯管理秩序罪，依《行政执法机关移送涉嫌犯罪案件的规定》移送公安机关" });
	}
	/* 7. a radio penalty submitted to 法制审核 (the 政策法规处's reviewers see it) */
	{
		long long m[] = { matter(&d, "matter", "对擅自设置、使用无线电台(站)的行政处罚") };
		long long o[] = { user(&d, "wx.zhao"), user(&d, "wx.li") };
		long long p[] = { org(&d, "91530111MA6P5WX06G") };
		struct case_input in = { .procedure = "penalty_general", .unit_id = people_unit_by_code(db, "wxdj-jc"),
					 .title = "昆明恒通无线电设备有限公司擅自设置、使用无线电台（站）案",
					 .source = "inspection", .source_note = "无线电监测中发现未经许可的固定台站信号",
					 .matter_ids = m, .n_matters = 1, .party_ids = p, .n_parties = 1,
					 .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "wx.zhao", &in);
		approve(&d, id, "wx.head", "filing", "同意立案");
		advance(&d, id, "wx.zhao", "investigation");
		advance(&d, id, "wx.zhao", "notice");
		approve(&d, id, "wx.head", "notice", "同意告知");
		advance(&d, id, "wx.zhao", "legal_review");
		/* the case file the 政策法规处 reviews (二.(三).2) */
		static const char *const file[] = { "filing_approval", "site_record", "inquiry_record", "penalty_notice" };
		case_file(&d, id, "wx.zhao", file, ARRAY_SIZE(file));
	}

	/* 8. a licence application not accepted (不予受理), an ending with its reason */
	{
		long long m[] = { matter(&d, "matter", "民用爆炸物品销售许可") };
		long long o[] = { user(&d, "aq.ma"), user(&d, "aq.zhu") };
		long long p[] = { org(&d, "91530400MA6M3DX04T") };
		struct case_input in = { .procedure = "licence", .unit_id = people_unit_by_code(db, "aqc"),
					 .title = "玉溪星辰电子科技有限公司民用爆炸物品销售许可申请",
					 .source = "application", .matter_ids = m, .n_matters = 1, .party_ids = p,
					 .n_parties = 1, .officer_ids = o, .n_officers = 2 };
		long long id = open_case(&d, "aq.ma", &in);
		step(&d, id, "aq.head", (struct case_act_input){ .action = "end", .ending = "not_accepted",
								   .reason = "申请事项依法不属于本机关职权范围（《中华人民共和国行政许可法》第三十二条第一款第二项），已告知向有关行政机关申请" });
	}
	return d.failed ? -1 : 0;
}
