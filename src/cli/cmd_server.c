/*
 * cmd_server.c - `zhifa init`, `zhifa migrate` and `zhifa serve`.
 *
 * init creates the data folder (mode 0700), its zhifa.conf, the database
 * with every migration applied and, with --demo, the demo department.
 * serve loads the configuration (file < environment < flags), checks the
 * schema, starts the HTTP thread pool and a background thread, and stops
 * cleanly on SIGINT/SIGTERM.
 */
#include "core/core.h"
#include "core/config.h"
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "app/app.h"
#include "http/server.h"
#include "jobs/jobs.h"
#include "store/db.h"
#include "people/demo.h"
#include "cases/cases.h"
#include "people/people.h"
#include "publicity/publicity.h"
#include "ledger/ledger.h"
#include "calendar/deadline_demo.h"
#include "cases/party.h"
#include "cases/numbering.h"
#include "records/records.h"
#include "recording/vault.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static const char DEFAULT_CONF[] =
	"# zhifa 配置文件。环境变量 ZHIFA_<KEY> 和命令行参数优先于此文件。\n"
	"# listen = 127.0.0.1:8080\n"
	"# db = postgres://user@host/dbname      （默认：数据目录中的 SQLite 文件 zhifa.db）\n"
	"# threads = 2\n"
	"# session_idle_minutes = 30\n"
	"# max_body_kib = 1024\n"
	"# secure_cookies = 0                    （public_url 为 https:// 时默认为 1）\n"
	"# hsts = 0                              （发送 Strict-Transport-Security；public_url 为 https:// 时默认为 1）\n"
	"# site_name = 云南省工业和信息化厅\n"
	"# public_url = https://zfgs.example.gov.cn   (公众访问本站的地址，印在证件二维码中)\n"
	"# due_soon_days = 2                     (期限到期前几个工作日提示\"即将到期\")\n"
	"# record_export_hours = 24              (音像记录结束后多少小时内应导出到证据库，超过的标记\"迟延导出\")\n"
	"# log_requests = 0\n"
	"# max_conns_per_ip = 64                （同一地址最多的并发连接数；在反向代理之后请调大或设为 0）\n"
	"# head_timeout_seconds = 15            （连接须在此时间内发完请求头）\n";

int cmd_init(int argc, char **argv)
{
	struct cli_opts o;
	if (cli_parse(argc, argv, "data:,db:,demo", &o) < 0)
		return EXIT_USAGE;
	if (!o.data) {
		fprintf(stderr, "用法： zhifa init --data DIR [--demo] [--db URL]\n");
		return EXIT_USAGE;
	}
	if (mkdir(o.data, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "zhifa: 无法创建数据目录 %s: %s\n", o.data, strerror(errno));
		return EXIT_FAIL;
	}
	char path[700];
	snprintf(path, sizeof path, "%s/zhifa.conf", o.data);
	if (access(path, F_OK) != 0) {
		/* private (0600) like the keys: it may hold the database password */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!f && fd >= 0)
			close(fd);
		if (!f || fputs(DEFAULT_CONF, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "zhifa: 无法写入 %s\n", path);
			return EXIT_FAIL;
		}
	}
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	if (!db)
		return EXIT_FAIL;
	int rc = EXIT_OK;
	struct err e = ERR_INIT;
	snprintf(path, sizeof path, "%s/keys", o.data);
	if (access(path, F_OK) != 0) {
		if (ledger_keys_create(path, cfg.origin, &e) < 0) {
			fprintf(stderr, "zhifa: 无法创建账本签名密钥：%s\n", e.msg);
			db_close(db);
			return EXIT_FAIL;
		}
		printf("已创建账本签名密钥（Ed25519 与 SM2）: %s\n", path);
	}
	if (o.flag_demo) {
		long long have = db_scalar_int(db, 0, "SELECT COUNT(*) FROM units", (const struct db_val[]){ DB_END });
		if (have) {
			printf("数据库中已有数据，不再装入演示数据。\n");
			if (people_user_by_username(db, "admin") > 0)
				printf("演示账号（密码均为 %s）:\n%s", PEOPLE_DEMO_PASSWORD, people_demo_logins());
		} else {
			/* the demo cases' documents are finalised into the vault */
			struct vault *v = vault_open(o.data, &e);
			if (v)
				records_demo_install(v);
			if (!v || people_demo_seed(db, &e) < 0 || publicity_demo_seed(db, &e) < 0 ||
			    calendar_demo_deadlines(db, &e) < 0 || numbering_seed_defaults(db, &e) < 0 ||
			    party_demo_seed(db, &e) < 0 || cases_demo_seed(db, &e) < 0) {
				fprintf(stderr, "zhifa: 装入演示数据失败：%s\n", e.msg);
				rc = EXIT_FAIL;
			} else {
				printf("已装入演示数据。演示账号（密码均为 %s）:\n%s", PEOPLE_DEMO_PASSWORD,
				       people_demo_logins());
			}
			records_demo_install(NULL);
			vault_close(v);
		}
	}
	db_close(db);
	if (rc == EXIT_OK)
		printf("数据目录 %s 已就绪。启动：zhifa serve --data %s\n", o.data, o.data);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	struct cli_opts o;
	if (cli_parse(argc, argv, "data:,db:", &o) < 0)
		return EXIT_USAGE;
	if (!o.data && !o.db) {
		fprintf(stderr, "用法： zhifa migrate --data DIR [--db URL]\n");
		return EXIT_USAGE;
	}
	struct config cfg;
	struct db *db = cli_open_db(&o, &cfg);
	if (!db)
		return EXIT_FAIL;
	printf("数据库结构版本： %d\n", db_schema_version(db));
	db_close(db);
	return EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	struct cli_opts o;
	if (cli_parse(argc, argv, "data:,db:,listen:,threads:", &o) < 0)
		return EXIT_USAGE;
	if (!o.data) {
		fprintf(stderr, "用法： zhifa serve --data DIR [--listen ADDR:PORT] [--db URL]\n");
		return EXIT_USAGE;
	}
	/* SIGINT and SIGTERM are blocked before any thread starts, so every
	 * thread inherits the mask and none can take the signal; the main
	 * thread waits for it with sigwait, which cannot miss one that arrived
	 * early (it stays pending). */
	sigset_t stop_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct app app;
	memset(&app, 0, sizeof app);
	struct db *db = cli_open_db(&o, &app.cfg);
	if (!db)
		return EXIT_FAIL;
	db_close(db);
	struct buf err;
	buf_init(&err, 0);
	app.pool = db_pool_new(app.cfg.db_url, app.cfg.threads + 2, &err);
	if (!app.pool) {
		fprintf(stderr, "zhifa: %s\n", buf_str(&err));
		buf_release(&err);
		return EXIT_FAIL;
	}
	buf_release(&err);
	app_init_state(&app);
	if (server_start(&app) < 0) {
		app_release_state(&app);
		db_pool_free(app.pool);
		return EXIT_FAIL;
	}
	app_background_start(&app);
	printf("zhifa %s 正在服务：http://%s:%d/ （数据目录 %s，数据库 %s）\n", ZHIFA_VERSION,
	       app.cfg.listen_addr, app.cfg.port, app.cfg.data_dir,
	       str_starts(app.cfg.db_url, "postgres") ? "PostgreSQL" : "SQLite");
	fflush(stdout);
	int sig = 0;
	while (sigwait(&stop_set, &sig) != 0)
		;
	log_info("正在停止服务");
	app.stopping = 1;
	server_stop(&app);
	app_background_stop(&app);
	app_release_state(&app);
	db_pool_free(app.pool);
	return EXIT_OK;
}
