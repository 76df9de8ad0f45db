/*
 * party_demo.c - the demo parties of `zhifa init --demo` (party.h).  All
 * names, numbers and addresses are invented; the credit codes and the
 * identity numbers carry correct check characters (GB 32100-2015,
 * GB 11643-1999) so that they pass the register's checks.  The demo
 * cases (src/cases/demo.c) find them by credit code or number, so the
 * codes below are stable.
 */
#include "core/core.h"
#include "actor/actor.h"
#include "cases/party.h"

static const char *const demo_parties[] = {
	"{\"kind\":\"org\",\"name\":\"云南滇中民爆化工有限公司\",\"uscc\":\"91530100MA6K0MB019\","
	"\"legal_rep\":\"周德明\",\"contact\":\"孙丽\",\"phone\":\"0871-65550101\","
	"\"address\":\"云南省昆明市安宁市工业园区化工路 8 号\"}",
	"{\"kind\":\"org\",\"name\":\"昆明云岭水泥有限公司\",\"uscc\":\"91530112MA6K1WN02H\","
	"\"legal_rep\":\"黄建华\",\"contact\":\"李晓燕\",\"phone\":\"0871-65550202\","
	"\"address\":\"云南省昆明市西山区碧鸡街道水泥厂路 12 号\"}",
	"{\"kind\":\"org\",\"name\":\"曲靖南盘江机械制造有限公司\",\"uscc\":\"91530300MA6L2GT03W\","
	"\"legal_rep\":\"陈国栋\",\"contact\":\"何静\",\"phone\":\"0874-3330303\","
	"\"address\":\"云南省曲靖市麒麟区经济技术开发区南盘江路 66 号\"}",
	"{\"kind\":\"org\",\"name\":\"玉溪星辰电子科技有限公司\",\"uscc\":\"91530400MA6M3DX04T\","
	"\"legal_rep\":\"杨光辉\",\"contact\":\"段敏\",\"phone\":\"0877-2020404\","
	"\"address\":\"云南省玉溪市红塔区高新区星辰路 3 号\"}",
	"{\"kind\":\"org\",\"name\":\"昆明恒通无线电设备有限公司\",\"uscc\":\"91530111MA6P5WX06G\","
	"\"legal_rep\":\"赵永刚\",\"contact\":\"钱芳\",\"phone\":\"0871-65550606\","
	"\"address\":\"云南省昆明市官渡区春城路 188 号\"}",
	"{\"kind\":\"individual_business\",\"name\":\"昆明市五华区老街通讯器材经营部\",\"uscc\":\"92530102MA6N4TX05G\","
	"\"operator_name\":\"王建国\",\"operator_id_type\":\"resident_id\",\"operator_id_number\":\"530102198805120033\","
	"\"phone\":\"13800000505\",\"address\":\"云南省昆明市五华区正义路老街 21 号\"}",
	"{\"kind\":\"person\",\"name\":\"刘志强\",\"id_type\":\"resident_id\",\"id_number\":\"530102197508080018\","
	"\"phone\":\"13900000707\",\"address\":\"云南省昆明市五华区青年路 100 号\"}",
	"{\"kind\":\"person\",\"name\":\"赵小明\",\"id_type\":\"resident_id\",\"id_number\":\"530111200903150021\","
	"\"phone\":\"13700000808\",\"address\":\"云南省昆明市官渡区关上街道 9 号\"}",
};

int party_demo_seed(struct db *db, struct err *e)
{
	long long have = party_by_uscc(db, "91530100MA6K0MB019");
	if (have < 0)
		return err_set(e, ERR_INTERNAL, "", "数据库操作失败，请稍后重试");
	if (have > 0)
		return 0;
	struct actor sys;
	actor_system(&sys, "demo");
	for (size_t i = 0; i < ARRAY_SIZE(demo_parties); i++) {
		json_error_t je;
		json_t *in = json_loads(demo_parties[i], 0, &je);
		if (!in)
			BUG("demo party %zu: %s", i, je.text);
		long long id;
		int rc = party_create(db, &sys, in, &id, NULL, e);
		json_decref(in);
		if (rc < 0)
			return -1;
	}
	return 0;
}
