/*
 * testdb.h - a fresh, empty database for each test that needs storage.
 *
 *   #include "../testdb.h"
 *   struct db *db = testdb_open();     // fresh database, never NULL
 *   ... db_migrate(db, &err) ... tests ...
 *   db_close(db);
 *
 * Without ZHIFA_TEST_DB the database is a new SQLite file
 * /tmp/zhifa-test-XXXXXX.db.  With ZHIFA_TEST_DB=postgres://.../DBNAME it is
 * a new PostgreSQL database zhifa_t_<pid>_<n> created on that server (via a
 * connection to DBNAME), so every test starts from an empty schema.
 * Everything created is removed at exit (atexit; the SQLite file with its
 * -wal/-shm, the PostgreSQL database with DROP DATABASE ... WITH (FORCE)),
 * only by the process that created it (a forked child's exit keeps it).
 * On a set-up failure the test prints "Bail out!" and exits 1.
 *
 * Header-only (static inline, like tap.h); include after core/core.h and
 * store/db.h.
 */
#ifndef ZHIFA_TESTDB_H
#define ZHIFA_TESTDB_H
#include "core/core.h"
#include "store/db.h"
#include <errno.h>
#include <unistd.h>

#define TESTDB_MAX 64

static struct {
	int n;
	pid_t owner;
	char *urls[TESTDB_MAX];   /* URL of each database made */
	char *names[TESTDB_MAX];  /* PostgreSQL database name, or SQLite file path */
	char last[1024];
} testdb_state;

/* True when the tests run on PostgreSQL (ZHIFA_TEST_DB is set). */
static inline bool testdb_is_pg(void)
{
	const char *u = getenv("ZHIFA_TEST_DB");
	return u && *u;
}

static inline void testdb_bail(const char *what, const char *detail)
{
	printf("Bail out! %s: %s\n", what, detail ? detail : "");
	fflush(stdout);
	exit(1);
}

/* The URL `url` with its database name (the path) replaced by `name`. */
static inline char *testdb_url_with_db(const char *url, const char *name)
{
	const char *hs = strstr(url, "://");
	hs = hs ? hs + 3 : url;
	const char *slash = strchr(hs, '/');
	const char *q = strchr(hs, '?');
	if (q && slash && slash > q)
		slash = NULL;
	struct buf b;
	buf_init(&b, 0);
	if (slash)
		buf_add(&b, url, (size_t)(slash - url));
	else if (q)
		buf_add(&b, url, (size_t)(q - url));
	else
		buf_puts(&b, url);
	buf_printf(&b, "/%s%s", name, q ? q : "");
	return buf_detach(&b, NULL);
}

static inline void testdb_cleanup(void)
{
	if (getpid() != testdb_state.owner)
		return;
	struct db *admin = NULL;
	for (int i = 0; i < testdb_state.n; i++) {
		if (str_starts(testdb_state.urls[i], "postgres")) {
			if (!admin) {
				struct buf e;
				buf_init(&e, 0);
				admin = db_open(getenv("ZHIFA_TEST_DB"), &e);
				buf_release(&e);
			}
			if (admin) {
				char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", testdb_state.names[i]);
				if (db_exec_script(admin, sql) < 0)
					fprintf(stderr, "testdb: 无法删除测试数据库 %s: %s\n",
						testdb_state.names[i], db_errmsg(admin));
				free(sql);
			}
		} else {
			const char *p = testdb_state.names[i];
			char *wal = xasprintf("%s-wal", p), *shm = xasprintf("%s-shm", p);
			unlink(p);
			unlink(wal);
			unlink(shm);
			free(wal);
			free(shm);
		}
		free(testdb_state.urls[i]);
		free(testdb_state.names[i]);
	}
	testdb_state.n = 0;
	db_close(admin);
}

/* Create a fresh empty database and return its URL (for db_open or
 * db_pool_new; valid until exit).  Bails out on failure. */
static inline const char *testdb_fresh_url(void)
{
	if (testdb_state.n == 0 && testdb_state.owner == 0) {
		testdb_state.owner = getpid();
		atexit(testdb_cleanup);
	}
	if (testdb_state.n == TESTDB_MAX)
		testdb_bail("testdb", "too many test databases");
	char *url, *name;
	if (testdb_is_pg()) {
		const char *base = getenv("ZHIFA_TEST_DB");
		name = xasprintf("zhifa_t_%ld_%d", (long)getpid(), testdb_state.n);
		struct buf e;
		buf_init(&e, 0);
		struct db *admin = db_open(base, &e);
		if (!admin)
			testdb_bail("cannot connect to ZHIFA_TEST_DB", buf_str(&e));
		buf_release(&e);
		char *drop = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
		char *create = xasprintf("CREATE DATABASE %s", name);
		int rc = -1;
		/* CREATE DATABASE copies template1 and fails while another
		 * session is creating one at the same moment: retry a little. */
		for (int attempt = 0; attempt < 50 && rc < 0; attempt++) {
			db_exec_script(admin, drop);
			rc = db_exec_script(admin, create);
			if (rc < 0)
				usleep(100 * 1000);
		}
		if (rc < 0)
			testdb_bail("CREATE DATABASE failed", db_errmsg(admin));
		free(drop);
		free(create);
		db_close(admin);
		url = testdb_url_with_db(base, name);
	} else {
		char path[] = "/tmp/zhifa-test-XXXXXX.db";
		int fd = mkstemps(path, 3);
		if (fd < 0)
			testdb_bail("mkstemps", strerror(errno));
		close(fd);
		name = xstrdup(path);
		url = xasprintf("sqlite:%s", path);
	}
	testdb_state.urls[testdb_state.n] = url;
	testdb_state.names[testdb_state.n] = name;
	testdb_state.n++;
	snprintf(testdb_state.last, sizeof testdb_state.last, "%s", url);
	return url;
}

/* The URL of the database made by the last testdb_open()/testdb_fresh_url(),
 * e.g. to open a second connection to it; "" if none yet. */
static inline const char *testdb_last_url(void)
{
	return testdb_state.last;
}

/* Open a connection to a fresh empty database (see above); never NULL. */
static inline struct db *testdb_open(void)
{
	const char *url = testdb_fresh_url();
	struct buf e;
	buf_init(&e, 0);
	struct db *db = db_open(url, &e);
	if (!db)
		testdb_bail("db_open of the test database failed", buf_str(&e));
	buf_release(&e);
	return db;
}
#endif
