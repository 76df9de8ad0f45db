/*
 * demo.c - the demonstration department (see demo.h).  The tables below
 * are the single source of both the seed and people_demo_logins().
 */
#include "core/core.h"
#include <pthread.h>
#include "people/demo.h"
#include "people/people.h"
#include "people/certs.h"
#include "people/password.h"
#include "people/internal.h"

static const struct demo_unit {
	const char *code, *parent, *name;
	int power, reviewer;
} units[] = {
	{ "gxt", NULL, "云南省工业和信息化厅", 1, 0 }, /* the 执法主体 */
	{ "bgs", "gxt", "办公室", 0, 0 },
	{ "zcfgc", "gxt", "政策法规处", 0, 1 },
	{ "xxzx", "gxt", "信息中心", 0, 0 },
	{ "jnc", "gxt", "节能与综合利用处", 1, 0 },
	{ "aqc", "gxt", "安全生产处", 1, 0 },
	{ "wxdj", "gxt", "无线电管理局", 1, 0 },
	{ "wxdj-pl", "wxdj", "无线电管理局频率管理科", 1, 0 },
	{ "wxdj-jc", "wxdj", "无线电监测站", 1, 0 },
	{ "gfkgj", "gxt", "国防科工局", 1, 0 },
	{ "jkhxp", "gxt", "监控化学品管理办公室", 1, 0 },
};

/* The public contacts of the demo 执法主体: plainly marked as demonstration
 * values, so nobody dials them. */
#define DEMO_BODY_ADDRESS "云南省昆明市（演示地址）"
#define DEMO_BODY_PHONE "0871-12345678（演示）"
#define DEMO_BODY_HEAD "刘建国（演示）"
#define DEMO_BODY_COMPLAINT "0871-12345679（演示）"

enum { C_NONE, C_VALID, C_SUSPENDED, C_REVOKED, C_EXPIRED_RENEWED };

static const struct demo_user {
	const char *username, *name, *title, *unit, *roles;
	enum scope scope;
	int cert;
	const char *enf_scope;
	/* the catalogue matters covered (cert_scopes): "UNIT:CAT,CAT;UNIT:" -
	 * a unit code (its matters and those below it) and the categories,
	 * none = every category */
	const char *cover;
} users[] = {
	{ "admin", "李信安", "系统管理员", "xxzx", "admin", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "jiandu", "赵明理", "监督员", "bgs", "supervisor", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "fenguan", "王立新", "副厅长", "gxt", "leader", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "dangan", "周雅琴", "档案员", "bgs", "archivist", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "fagui.head", "高文华", "处长", "zcfgc", "head,reviewer", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "shenhe", "孙法明", "法制审核员", "zcfgc", "reviewer", SCOPE_ALL, C_NONE, NULL, NULL },
	{ "jn.head", "陈节华", "处长", "jnc", "head", SCOPE_SUBTREE, C_NONE, NULL, NULL },
	{ "jn.zhang", "张晓峰", "主任科员", "jnc", "officer", SCOPE_OWN, C_VALID, "节约能源监督检查、节能行政处罚",
	  "jnc:inspection,penalty" },
	{ "jn.liu", "刘海燕", "科员", "jnc", "officer", SCOPE_OWN, C_VALID, "节约能源监督检查、节能行政处罚",
	  "jnc:inspection,penalty" },
	{ "jn.he", "何永平", "科员", "jnc", "officer", SCOPE_OWN, C_EXPIRED_RENEWED, "节约能源监督检查", "jnc:inspection" },
	{ "aq.head", "杨安国", "处长", "aqc", "head", SCOPE_SUBTREE, C_NONE, NULL, NULL },
	{ "aq.ma", "马建军", "副处长", "aqc", "officer", SCOPE_OWN, C_VALID,
	  "民用爆炸物品安全生产监督检查、许可审查、行政处罚", "aqc:" },
	{ "aq.luo", "罗春梅", "主任科员", "aqc", "officer", SCOPE_OWN, C_SUSPENDED, "民用爆炸物品安全生产监督检查",
	  "aqc:inspection" },
	{ "aq.zhu", "朱文斌", "科员", "aqc", "officer", SCOPE_OWN, C_VALID, "民用爆炸物品安全生产监督检查、许可审查",
	  "aqc:inspection,licence" },
	{ "wx.head", "段志远", "局长", "wxdj", "head", SCOPE_SUBTREE, C_NONE, NULL, NULL },
	{ "wx.li", "李振宇", "科长", "wxdj-jc", "officer", SCOPE_OWN, C_VALID, "无线电台(站)监督检查、查处非法设台(黑广播)",
	  "wxdj:" },
	{ "wx.zhao", "赵丽萍", "工程师", "wxdj-jc", "officer", SCOPE_OWN, C_VALID, "无线电监测、干扰查处",
	  "wxdj:inspection,coercion,penalty" },
	{ "wx.yang", "杨光辉", "科员", "wxdj-pl", "officer", SCOPE_OWN, C_REVOKED, "无线电频率使用监督检查",
	  "wxdj:inspection,licence" },
	{ "gf.head", "邓卫东", "局长", "gfkgj", "head", SCOPE_SUBTREE, C_NONE, NULL, NULL },
	{ "gf.wu", "吴国强", "主任科员", "gfkgj", "officer", SCOPE_OWN, C_VALID, "武器装备科研生产许可监督检查",
	  "gfkgj:inspection,licence" },
	{ "gf.xu", "徐红英", "科员", "gfkgj", "officer", SCOPE_OWN, C_VALID, "武器装备科研生产许可监督检查",
	  "gfkgj:inspection,licence" },
	{ "hx.head", "黄志诚", "主任", "jkhxp", "head", SCOPE_SUBTREE, C_NONE, NULL, NULL },
	{ "hx.lin", "林晓东", "主任科员", "jkhxp", "officer", SCOPE_OWN, C_VALID, "监控化学品生产、经营、使用监督检查",
	  "jkhxp:inspection,licence" },
	{ "hx.song", "宋佳慧", "科员", "jkhxp", "officer", SCOPE_OWN, C_VALID, "监控化学品生产、经营、使用监督检查",
	  "jkhxp:inspection,licence" },
};

static const char *unit_name(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (str_eq(units[i].code, code))
			return units[i].name;
	return "";
}

/* The coverage rows of a "UNIT:CAT,CAT;UNIT:" spec (strings point into
 * buf, which holds a copy of spec). */
static size_t parse_cover(struct db *db, const char *spec, char *buf, size_t bufsz, struct cert_scope *out,
			  size_t max)
{
	size_t n = 0;
	snprintf(buf, bufsz, "%s", spec ? spec : "");
	for (char *unit = buf; unit && *unit && n < max;) {
		char *next = strchr(unit, ';'), *cats = strchr(unit, ':');
		if (next)
			*next++ = '\0';
		if (cats)
			*cats++ = '\0';
		long long uid = people_unit_by_code(db, unit);
		if (!cats || !*cats)
			out[n++] = (struct cert_scope){ uid, NULL };
		for (char *c = cats; c && *c && n < max;) {
			char *comma = strchr(c, ',');
			if (comma)
				*comma++ = '\0';
			out[n++] = (struct cert_scope){ uid, c };
			c = comma;
		}
		unit = next;
	}
	return n;
}

static int add_cert(struct db *db, const struct actor *sys, long long uid, int *serial, const struct demo_user *d,
		    const char *from, const char *to, struct err *e)
{
	char no[32], buf[256];
	struct cert_scope sc[16];
	snprintf(no, sizeof no, "53000119%04d", ++*serial);
	struct cert_input c = { uid, no, "行政执法证", d->enf_scope, "云南省人民政府", from, to, sc, 0 };
	c.n_scopes = parse_cover(db, d->cover, buf, sizeof buf, sc, ARRAY_SIZE(sc));
	long long id;
	return cert_create(db, sys, &c, &id, NULL, e) < 0 ? -1 : (int)id;
}

/* The legal-review side of the demo: the reviewers' recorded
 * qualifications (a demonstration number, plainly marked) and the deputy
 * director responsible for every division (set on the department, which
 * its divisions inherit). */
static int demo_review_people(struct db *db, const struct actor *sys, struct err *e)
{
	static const struct { const char *user, *kind, *number, *issued_on, *note; } quals[] = {
		{ "fagui.head", "lawyer", "A20095301000000（演示）", "2009-03-01", "" },
		{ "shenhe", "law_degree", "", "2012-07-01", "法学学士（演示）" },
		{ "shenhe", "legal_work", "", "", "在本厅政策法规处从事法制工作五年以上（演示）" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(quals); i++) {
		long long uid = db_scalar_int(db, 0, "SELECT id FROM users WHERE username = ?",
					      (const struct db_val[]){ DB_TEXT(quals[i].user), DB_END });
		struct qualification_input q = { uid, quals[i].kind, quals[i].number, quals[i].issued_on, quals[i].note };
		if (people_qualification_add(db, sys, &q, NULL, e) < 0)
			return -1;
	}
	long long leader = db_scalar_int(db, 0, "SELECT id FROM users WHERE username = 'fenguan'",
					 (const struct db_val[]){ DB_END });
	return people_unit_set_leader(db, sys, people_unit_by_code(db, "gxt"), leader, "2019-01-01", e);
}

int people_demo_seed(struct db *db, struct err *e)
{
	if (db_scalar_int(db, 0, "SELECT COUNT(*) FROM units", (const struct db_val[]){ DB_END }) > 0)
		return err_set(e, ERR_CONFLICT, "", "数据库中已有单位,不能装入演示数据");
	struct actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		struct unit_input u = {
			.parent_id = units[i].parent ? people_unit_by_code(db, units[i].parent) : 0,
			.code = units[i].code, .name = units[i].name,
			.enforcement_power = units[i].power, .is_reviewer = units[i].reviewer,
			.sort = (int)i * 10,
		};
		if (!u.parent_id) { /* the department is the 执法主体; its divisions are 承办机构 */
			u.kind = "body";
			u.address = DEMO_BODY_ADDRESS;
			u.phone = DEMO_BODY_PHONE;
			u.head_name = DEMO_BODY_HEAD;
			u.complaint_phone = DEMO_BODY_COMPLAINT;
		}
		if (people_unit_create(db, &sys, &u, NULL, e) < 0)
			return -1;
	}
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(PEOPLE_DEMO_PASSWORD, hash, e) < 0) /* once: the same password for all */
		return -1;
	int serial = 0, rc = 0;
	for (size_t i = 0; i < ARRAY_SIZE(users) && rc == 0; i++) {
		const struct demo_user *d = &users[i];
		struct user_input in = {
			.unit_id = people_unit_by_code(db, d->unit), .username = d->username, .name = d->name,
			.title = d->title, .roles = roles_parse_list(d->roles), .scope = d->scope,
			.must_change = false,
		};
		long long uid, cid;
		if (people_user_create_hashed(db, &sys, &in, hash, &uid, e) < 0) {
			rc = -1;
			break;
		}
		switch (d->cert) {
		case C_VALID:
			rc = add_cert(db, &sys, uid, &serial, d, "2024-03-01", "2029-02-28", e) < 0 ? -1 : 0;
			break;
		case C_SUSPENDED:
		case C_REVOKED:
			cid = add_cert(db, &sys, uid, &serial, d, "2023-07-01", "2028-06-30", e);
			/* dated in the demo's past, so that its cases show the reason with a date */
			rc = cid < 0 ? -1 : people_cert_set_status_on(db, &sys, cid, d->cert == C_REVOKED ? "revoked" : "suspended",
								      d->cert == C_REVOKED ? "调离执法岗位,证件注销" : "涉嫌违规执法,暂扣证件待查",
								      d->cert == C_REVOKED ? "2026-05-15" : "2026-03-01", e);
			break;
		case C_EXPIRED_RENEWED: /* history: an expired certificate, then its renewal */
			rc = add_cert(db, &sys, uid, &serial, d, "2019-01-01", "2023-12-31", e) < 0 ||
			     add_cert(db, &sys, uid, &serial, d, "2024-01-01", "2028-12-31", e) < 0 ? -1 : 0;
			break;
		default:
			break;
		}
	}
	sodium_memzero_str(hash);
	if (rc == 0)
		rc = demo_review_people(db, &sys, e);
	return rc;
}

static pthread_once_t logins_once = PTHREAD_ONCE_INIT;
static char *logins_text;

/* Append s padded with spaces to a terminal width of w columns (CJK
 * characters count as two columns). */
static void pad(struct buf *b, const char *s, int w)
{
	int cols = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			cols += *p >= 0xE0 ? 2 : 1;
	buf_puts(b, s);
	for (; cols < w; cols++)
		buf_putc(b, ' ');
}

static void logins_build(void)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "  ");
	pad(&b, "用户名", 13);
	pad(&b, "角色", 27);
	buf_puts(&b, "单位\n");
	for (size_t i = 0; i < ARRAY_SIZE(users); i++) {
		struct buf roles;
		buf_init(&roles, 0);
		roles_format(roles_parse_list(users[i].roles), true, &roles);
		buf_puts(&b, "  ");
		pad(&b, users[i].username, 13);
		pad(&b, buf_str(&roles), 27);
		buf_printf(&b, "%s\n", unit_name(users[i].unit));
		buf_release(&roles);
	}
	logins_text = buf_detach(&b, NULL);
}

const char *people_demo_logins(void)
{
	pthread_once(&logins_once, logins_build);
	return logins_text;
}
