/*
 * Unit tests for RFC 3161 time-stamps of checkpoints (ledger/tsa.h)
 * against a real authority: `openssl ts -reply` behind
 * tests/tsa/tsa_server.py, with a throw-away CA made by the openssl
 * command line.  Covers the request's form, stamping of pending
 * checkpoints, the stored token (also checked independently with
 * `openssl ts -verify`), refusal of wrong / tampered / untrusted answers,
 * an authority that is down (nothing stored, appends unaffected, stamped
 * on the retry), the append-only triggers, tsa_verify and
 * `zhifa verify --data DIR` finding a flipped byte and a token for the
 * wrong checkpoint.  Honours ZHIFA_TEST_DB (tests/testdb.h).
 * Run from the repository root (prove does).
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "ledger/tsa.h"
#include "../tap.h"
#include "../testdb.h"
#include <openssl/ts.h>
#include <openssl/evp.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>

int cmd_verify(int argc, char **argv);

static char dir[64];          /* the temporary directory */
static char tsadir[128];      /* CA, TSA certificate, server state */
static char url[128];         /* the authority */
static char cafile[160];
static pid_t tsa_pid;

static void stop_tsa(void)
{
	if (tsa_pid > 0) {
		kill(tsa_pid, SIGTERM);
		waitpid(tsa_pid, NULL, 0);
		tsa_pid = 0;
	}
}

static void rm_rf(void)
{
	stop_tsa();
	if (dir[0]) {
		char *cmd = xasprintf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
	}
}

static void sh(const char *cmd)
{
	if (system(cmd) != 0)
		testdb_bail("command failed", cmd);
}

static void start_tsa(void)
{
	char *pf = xasprintf("%s/port", tsadir);
	unlink(pf);
	char *log = xasprintf("%s/server.log", tsadir);
	tsa_pid = fork();
	if (tsa_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execlp("python3", "python3", "tests/tsa/tsa_server.py", "serve", tsadir, "--port-file", pf, "--ports",
		       "19300-19349", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(pf, "r");
		int port = 0;
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port > 0) {
			snprintf(url, sizeof url, "http://127.0.0.1:%d/tsa", port);
			free(pf);
			free(log);
			return;
		}
		usleep(50 * 1000);
	}
	testdb_bail("tsa_server.py did not start", log);
}

static void set_fail(bool on)
{
	char *p = xasprintf("%s/fail", tsadir);
	if (on) {
		FILE *f = fopen(p, "w");
		if (f)
			fclose(f);
	} else {
		unlink(p);
	}
	free(p);
}

static long requests_seen(void)
{
	char *p = xasprintf("%s/requests", tsadir);
	FILE *f = fopen(p, "r");
	free(p);
	long n = 0;
	int c;
	while (f && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static void append(struct db *db, int n)
{
	for (int i = 0; i < n; i++) {
		struct err e = ERR_INIT;
		json_t *f = json_pack("{s:i}", "n", i);
		if (db_begin(db) < 0 || ledger_append(db, "test.event", f, NULL, &e) < 0 || db_commit(db) < 0)
			BUG("append: %s %s", e.msg, db_errmsg(db));
		json_decref(f);
	}
}

static long long sign(struct db *db, struct ledger_keys *k)
{
	bool signed_new = false;
	struct err e = ERR_INIT;
	if (ledger_checkpoint_sign(db, k, &signed_new, &e) < 0)
		BUG("sign: %s", e.msg);
	return ledger_size(db, &e);
}

static char *note_of(struct db *db, long long size)
{
	struct db_res *res = NULL;
	if (db_query(db, &res, "SELECT note FROM ledger_checkpoints WHERE size = ?", DB_INT(size)) < 0 || res->nrows != 1)
		BUG("note of %lld", size);
	char *n = xstrdup(db_text(res, 0, 0));
	db_res_free(res);
	return n;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n)
		BUG("write %s", path);
	fclose(f);
}

/* A checked answer of the authority for msg (not stored). */
static void fetch_token(const char *msg, struct buf *der)
{
	struct buf q;
	buf_init(&q, 0);
	uint64_t nonce;
	struct err e = ERR_INIT;
	if (tsa_request(msg, strlen(msg), &q, &nonce, &e) < 0 || tsa_post(url, q.data, q.len, 5, der, &e) < 0)
		BUG("fetch_token: %s", e.msg);
	buf_release(&q);
}

static void test_request(void)
{
	const char *msg = "zhifa.test/log\n3\nAAAA\n";
	struct buf q;
	buf_init(&q, 0);
	uint64_t nonce = 0;
	struct err e = ERR_INIT;
	is_int(tsa_request(msg, strlen(msg), &q, &nonce, &e), 0, "tsa_request builds a query");
	const unsigned char *p = (const unsigned char *)q.data;
	TS_REQ *req = d2i_TS_REQ(NULL, &p, (long)q.len);
	ok(req && p == (const unsigned char *)q.data + q.len, "the query is one DER TimeStampReq");
	if (req) {
		is_int(TS_REQ_get_version(req), 1, "version 1");
		ok(TS_REQ_get_cert_req(req), "certReq TRUE");
		uint64_t n = 0;
		ok(ASN1_INTEGER_get_uint64(&n, TS_REQ_get_nonce(req)) == 1 && n == nonce && n > 0,
		   "nonce present and as returned");
		TS_MSG_IMPRINT *imp = TS_REQ_get_msg_imprint(req);
		const ASN1_OBJECT *o = NULL;
		X509_ALGOR_get0(&o, NULL, NULL, TS_MSG_IMPRINT_get_algo(imp));
		is_int(OBJ_obj2nid(o), NID_sha256, "imprint algorithm SHA-256");
		unsigned char md[32];
		EVP_Digest(msg, strlen(msg), md, NULL, EVP_sha256(), NULL);
		ASN1_OCTET_STRING *m = TS_MSG_IMPRINT_get_msg(imp);
		ok(ASN1_STRING_length(m) == 32 && memcmp(ASN1_STRING_get0_data(m), md, 32) == 0,
		   "imprint is SHA-256 of the message");
		ok(TS_REQ_get_policy_id(req) == NULL, "no policy asked for");
		TS_REQ_free(req);
	}
	uint64_t n2 = 0;
	buf_reset(&q);
	tsa_request(msg, strlen(msg), &q, &n2, &e);
	ok(n2 != nonce, "a fresh nonce each time");
	buf_release(&q);
}

static void test_check(const char *note, const struct buf *der, const struct tsa_trust *trust)
{
	struct err e = ERR_INIT;
	struct tsa_info info;
	is_int(tsa_check(der->data, der->len, note, strlen(note), NULL, trust, &info, &e), 0,
	       "stored token passes tsa_check with the CA");
	is_str(info.policy, "1.2.3.4.1", "policy of the authority");
	ok(info.serial[0] != 0, "serial number read (%s)", info.serial);
	long long gt = time_utc_parse(info.gen_time), now = time_now_unix();
	ok(gt > 0 && gt > now - 3600 && gt < now + 3600, "genTime is now (%s)", info.gen_time);

	char *other = xasprintf("%sx", note);
	err_clear(&e);
	ok(tsa_check(der->data, der->len, other, strlen(other), NULL, NULL, NULL, &e) < 0 &&
	   strstr(e.msg, "消息摘要") && str_eq(e.field, "token"),
	   "a token for another message is refused: %s", e.msg);
	free(other);
	uint64_t wrong = 12345;
	err_clear(&e);
	ok(tsa_check(der->data, der->len, note, strlen(note), &wrong, NULL, NULL, &e) < 0 && strstr(e.msg, "nonce"),
	   "a token with another nonce is refused: %s", e.msg);
	err_clear(&e);
	ok(tsa_check(der->data, der->len - 1, note, strlen(note), NULL, NULL, NULL, &e) < 0 && strstr(e.msg, "无法解析"),
	   "a truncated token does not parse: %s", e.msg);
	struct buf longer;
	buf_init(&longer, 0);
	buf_add(&longer, der->data, der->len);
	buf_putc(&longer, 0);
	err_clear(&e);
	ok(tsa_check(longer.data, longer.len, note, strlen(note), NULL, NULL, NULL, &e) < 0 && strstr(e.msg, "多余"),
	   "trailing bytes are refused: %s", e.msg);
	buf_release(&longer);

	/* With the CA, a flipped byte is caught wherever it changes what the
	 * token attests: the TSTInfo (signed content), the certificates and
	 * the signature value.  Unauthenticated framing (the PKIStatus value,
	 * algorithm parameters, version numbers) may slip; at most 3 %. */
	TS_RESP *parsed = NULL;
	const unsigned char *pp = (const unsigned char *)der->data;
	parsed = d2i_TS_RESP(NULL, &pp, (long)der->len);
	unsigned char *tstder = NULL;
	int tstlen = parsed ? i2d_TS_TST_INFO(TS_RESP_get_tst_info(parsed), &tstder) : -1;
	unsigned char *tstat = tstlen > 0 ? memmem(der->data, der->len, tstder, (size_t)tstlen) : NULL;
	ok(tstat != NULL, "the TSTInfo is found in the token");
	size_t tst0 = tstat ? (size_t)(tstat - (unsigned char *)der->data) : 0, tst1 = tst0 + (size_t)(tstlen > 0 ? tstlen : 0);
	PKCS7 *p7 = parsed ? TS_RESP_get_token(parsed) : NULL;
	STACK_OF(PKCS7_SIGNER_INFO) *sis = p7 ? PKCS7_get_signer_info(p7) : NULL;
	ASN1_OCTET_STRING *sig = sis && sk_PKCS7_SIGNER_INFO_num(sis) == 1 ? sk_PKCS7_SIGNER_INFO_value(sis, 0)->enc_digest : NULL;
	size_t sig0 = sig ? der->len - (size_t)ASN1_STRING_length(sig) : der->len;
	ok(sig && memcmp(der->data + sig0, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig)) == 0,
	   "the signature value ends the token");
	int tried = 0, caught = 0, must = 0, must_caught = 0;
	unsigned char *copy = xmalloc(der->len);
	for (size_t i = 0; i < der->len; i++) {
		bool essential = (i >= tst0 && i < tst1) || i >= sig0;
		if (!essential && i % 16)
			continue; /* a sample of the rest, to stay fast */
		memcpy(copy, der->data, der->len);
		copy[i] ^= 0x01;
		tried++;
		must += essential;
		err_clear(&e);
		if (tsa_check(copy, der->len, note, strlen(note), NULL, trust, NULL, &e) < 0) {
			caught++;
			must_caught += essential;
		} else if (essential) {
			printf("# flipped byte at %zu not caught\n", i);
		}
	}
	ok(must > 150 && must_caught == must, "a flipped byte in the TSTInfo or the signature is always caught (%d bytes)", must);
	ok(caught * 100 >= tried * 97, "%d of %d flipped bytes caught with the CA", caught, tried);
	OPENSSL_free(tstder);
	TS_RESP_free(parsed);
	/* without the CA, a flipped byte of the imprint is still caught */
	unsigned char md[32];
	EVP_Digest(note, strlen(note), md, NULL, EVP_sha256(), NULL);
	memcpy(copy, der->data, der->len);
	unsigned char *at = memmem(copy, der->len, md, 32);
	ok(at != NULL, "the imprint is in the token");
	if (at) {
		at[7] ^= 0x80;
		err_clear(&e);
		ok(tsa_check(copy, der->len, note, strlen(note), NULL, NULL, NULL, &e) < 0, "a flipped imprint byte is caught without the CA");
	}
	free(copy);

	/* another CA does not vouch for this authority */
	char *cmd = xasprintf("python3 tests/tsa/tsa_server.py make-ca %s/other", dir);
	sh(cmd);
	free(cmd);
	char *ocafile = xasprintf("%s/other/ca.crt", dir);
	struct tsa_trust *other_ca = tsa_trust_load(ocafile, &e);
	ok(other_ca != NULL, "other CA loads");
	err_clear(&e);
	ok(tsa_check(der->data, der->len, note, strlen(note), NULL, other_ca, NULL, &e) < 0 && strstr(e.msg, "签名无效"),
	   "a token not chaining to the configured CA is refused: %s", e.msg);
	tsa_trust_free(other_ca);
	free(ocafile);
	char *missing = xasprintf("%s/no-such-ca.pem", dir);
	err_clear(&e);
	ok(!tsa_trust_load(missing, &e) && str_eq(e.field, "tsa_ca_file"), "a missing CA file is refused: %s", e.msg);
	free(missing);
}

static char *run_verify(const char *dbarg, int *status)
{
	char *out = xasprintf("%s/verify.out", dir);
	char *argv[] = { "verify", "--data", dir, "--db", (char *)dbarg, NULL };
	fflush(stdout);
	int saved = dup(1);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, 1);
	close(fd);
	*status = cmd_verify(5, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	FILE *f = fopen(out, "r");
	struct buf b;
	buf_init(&b, 0);
	char chunk[4096];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	free(out);
	return buf_detach(&b, NULL);
}

int main(void)
{
	if (access("tests/tsa/tsa_server.py", R_OK) < 0)
		testdb_bail("run from the repository root", "tests/tsa/tsa_server.py not found");
	snprintf(dir, sizeof dir, "/tmp/zhifa-tsa-XXXXXX");
	if (!mkdtemp(dir))
		BUG("mkdtemp");
	atexit(rm_rf);
	snprintf(tsadir, sizeof tsadir, "%s/tsa", dir);
	snprintf(cafile, sizeof cafile, "%s/ca.crt", tsadir);
	char *cmd = xasprintf("python3 tests/tsa/tsa_server.py make-ca %s", tsadir);
	sh(cmd);
	free(cmd);
	start_tsa();

	test_request();

	struct db *db = testdb_open();
	const char *dburl = testdb_last_url();
	struct buf berr;
	buf_init(&berr, 0);
	if (db_migrate(db, &berr) < 0)
		testdb_bail("migrate", buf_str(&berr));
	buf_release(&berr);
	char *keysdir = xasprintf("%s/keys", dir);
	struct err e = ERR_INIT;
	if (ledger_keys_create(keysdir, "tsa.test/log", &e) < 0)
		BUG("keys: %s", e.msg);
	struct ledger_keys *keys = ledger_keys_load(keysdir, &e);
	if (!keys)
		BUG("keys: %s", e.msg);

	/* nothing to do yet */
	int stamped = -1;
	is_int(tsa_stamp_pending(db, url, cafile, 4, 5, &stamped, &e), 0, "no checkpoint: nothing to stamp");
	is_int(stamped, 0, "none stamped");
	is_int(requests_seen(), 0, "the authority was not asked");

	/* a checkpoint gets its token */
	append(db, 3);
	long long s1 = sign(db, keys);
	is_int(tsa_stamp_pending(db, url, cafile, 4, 5, &stamped, &e), 0, "stamping the pending checkpoint");
	is_int(stamped, 1, "one checkpoint stamped");
	is_int(tsa_stamp_pending(db, url, cafile, 4, 5, &stamped, &e), 0, "again");
	is_int(stamped, 0, "an already stamped checkpoint is not stamped again");
	is_int(requests_seen(), 1, "one request in all");

	struct buf der;
	buf_init(&der, 0);
	long long got = 0;
	is_int(tsa_token(db, s1, &der, &got, &e), 0, "tsa_token finds the stored token");
	is_int(got, s1, "for that size");
	char *note1 = note_of(db, s1);
	struct tsa_trust *trust = tsa_trust_load(cafile, &e);
	ok(trust != NULL, "the test CA loads");
	test_check(note1, &der, trust);

	/* the independent check with the openssl command line */
	char *np = xasprintf("%s/note.txt", dir), *tp = xasprintf("%s/token.tsr", dir);
	write_file(np, note1, strlen(note1));
	write_file(tp, der.data, der.len);
	cmd = xasprintf("openssl ts -verify -data %s -in %s -CAfile %s >/dev/null 2>&1", np, tp, cafile);
	is_int(system(cmd), 0, "openssl ts -verify accepts the stored token for the checkpoint's note");
	write_file(np, "tampered\n", 9);
	ok(system(cmd) != 0, "... and refuses it for another text");
	free(cmd);
	free(np);
	free(tp);

	/* the table is append-only */
	ok(db_exec(db, "UPDATE checkpoint_timestamps SET token = 'x'") < 0, "UPDATE of a token refused");
	ok(db_exec(db, "DELETE FROM checkpoint_timestamps") < 0, "DELETE of a token refused");
	is_int(db_scalar_int(db, -1, "SELECT COUNT(*) FROM checkpoint_timestamps", (const struct db_val[]){ DB_END }), 1,
	       "the token is still there");

	/* an authority that is down: nothing stored, appends unaffected, retried */
	set_fail(true);
	append(db, 2);
	long long s2 = sign(db, keys);
	err_clear(&e);
	ok(tsa_stamp_pending(db, url, cafile, 4, 5, &stamped, &e) < 0 && e.kind == ERR_INTERNAL && strstr(e.msg, "503"),
	   "an authority answering 503 is a failure: %s", e.msg);
	err_clear(&e);
	ok(tsa_stamp_pending(db, "http://127.0.0.1:1/", cafile, 4, 5, &stamped, &e) < 0 && e.kind == ERR_INTERNAL &&
	   strstr(e.msg, "无法连接"),
	   "an unreachable authority is a failure: %s", e.msg);
	err_clear(&e);
	ok(tsa_token(db, s2, &der, NULL, &e) < 0 && e.kind == ERR_NOTFOUND, "nothing stored for the new checkpoint");
	append(db, 1);
	is_int(ledger_size(db, &e), s2 + 1, "appends go on while the authority is down");
	set_fail(false);
	is_int(tsa_stamp_pending(db, url, cafile, 4, 5, &stamped, &e), 0, "retry once the authority is back");
	is_int(stamped, 1, "the missed checkpoint is stamped");

	/* an answer that does not chain to the configured CA is not stored */
	long long s3 = sign(db, keys);
	char *ocafile = xasprintf("%s/other/ca.crt", dir);
	err_clear(&e);
	ok(tsa_stamp_pending(db, url, ocafile, 4, 5, &stamped, &e) < 0 && e.kind == ERR_INVALID,
	   "an answer signed outside the configured CA is refused: %s", e.msg);
	err_clear(&e);
	ok(tsa_token(db, s3, &der, NULL, &e) < 0, "... and not stored");
	free(ocafile);
	is_int(tsa_stamp_pending(db, url, "", 4, 5, &stamped, &e), 0, "without a CA file the token is stored");

	/* tsa_verify and zhifa verify on an intact store */
	struct ledger_report r;
	ledger_report_init(&r);
	struct tsa_verify_stats st;
	is_int(tsa_verify(db, trust, &r, &st, &e), 0, "tsa_verify runs");
	is_int(r.problems, 0, "intact tokens: no discrepancy");
	is_int(st.tokens, 3, "three tokens checked");
	is_int(st.unstamped, 0, "every checkpoint stamped");
	ledger_report_release(&r);

	char *conf = xasprintf("%s/zhifa.conf", dir), *conftext = xasprintf("tsa_ca_file = %s\n", cafile);
	write_file(conf, conftext, strlen(conftext));
	int status = -1;
	char *out = run_verify(dburl, &status);
	is_int(status, 0, "zhifa verify passes with intact tokens");
	ok(strstr(out, "检查了 3 个时间戳令牌") && strstr(out, "签名已按"), "and says it checked the tokens' signatures");
	free(out);

	/* a flipped byte in a stored token, and a token for the wrong checkpoint */
	append(db, 1);
	long long s4 = sign(db, keys);
	char *note4 = note_of(db, s4);
	struct buf bad;
	buf_init(&bad, 0);
	fetch_token(note4, &bad);
	bad.data[bad.len / 2] ^= 0x04;
	struct buf b64;
	buf_init(&b64, 0);
	b64_encode((const unsigned char *)bad.data, bad.len, &b64);
	unsigned char md[32];
	char hex[65];
	EVP_Digest(note4, strlen(note4), md, NULL, EVP_sha256(), NULL);
	hex_encode(md, 32, hex);
	struct db_res *cp = NULL;
	db_query(db, &cp, "SELECT root FROM ledger_checkpoints WHERE size = ?", DB_INT(s4));
	is_int(db_exec(db,
		       "INSERT INTO checkpoint_timestamps(size, root, imprint, token, tsa_url, gen_time, serial, requested_at, "
		       "stored_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '01', '2026-01-01T00:00:00Z', "
		       "'2026-01-01T00:00:00Z')",
		       DB_INT(s4), DB_TEXT(db_text(cp, 0, 0)), DB_TEXT(hex), DB_TEXT(buf_str(&b64)), DB_TEXT(url)),
	       0, "a token with a flipped byte planted");
	db_res_free(cp);

	append(db, 1);
	long long s5 = sign(db, keys);
	char *note5 = note_of(db, s5);
	buf_reset(&bad);
	fetch_token(note4, &bad); /* a good token, but of checkpoint s4 */
	buf_reset(&b64);
	b64_encode((const unsigned char *)bad.data, bad.len, &b64);
	EVP_Digest(note5, strlen(note5), md, NULL, EVP_sha256(), NULL);
	hex_encode(md, 32, hex);
	db_query(db, &cp, "SELECT root FROM ledger_checkpoints WHERE size = ?", DB_INT(s5));
	is_int(db_exec(db,
		       "INSERT INTO checkpoint_timestamps(size, root, imprint, token, tsa_url, gen_time, serial, requested_at, "
		       "stored_at) VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '01', '2026-01-01T00:00:00Z', "
		       "'2026-01-01T00:00:00Z')",
		       DB_INT(s5), DB_TEXT(db_text(cp, 0, 0)), DB_TEXT(hex), DB_TEXT(buf_str(&b64)), DB_TEXT(url)),
	       0, "a token of another checkpoint planted");
	db_res_free(cp);

	ledger_report_init(&r);
	is_int(tsa_verify(db, trust, &r, &st, &e), 0, "tsa_verify runs on the tampered store");
	is_int(r.problems, 2, "two discrepancies");
	char *l4 = xasprintf("检查点 %lld 的时间戳", s4), *l5 = xasprintf("检查点 %lld 的时间戳: 时间戳令牌的消息摘要", s5);
	ok(strstr(buf_str(&r.text), l4) != NULL, "the flipped byte is reported for checkpoint %lld", s4);
	ok(strstr(buf_str(&r.text), l5) != NULL, "the wrong checkpoint's token is reported for %lld", s5);
	for (const char *l = buf_str(&r.text); *l;) {
		size_t n = strcspn(l, "\n");
		printf("# %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	ledger_report_release(&r);

	out = run_verify(dburl, &status);
	is_int(status, 1, "zhifa verify fails on the tampered tokens");
	ok(strstr(out, l4) && strstr(out, l5), "and lists both discrepancies");
	free(out);

	free(l4);
	free(l5);
	free(note4);
	free(note5);
	free(conf);
	free(conftext);
	buf_release(&bad);
	buf_release(&b64);
	buf_release(&der);
	free(note1);
	tsa_trust_free(trust);
	ledger_keys_free(keys);
	free(keysdir);
	db_close(db);
	stop_tsa();
	return tap_done();
}
