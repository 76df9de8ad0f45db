/*
 * bench_package.c - the case package (records/package.h) with a case of
 * BENCH_PACKAGE_MIB MiB of media (default 2048 = 2 GiB, in 8 files):
 *
 *   package.export_mib_per_s   package_write: every file streamed from the
 *                              vault into the zip with its SHA-256
 *                              recomputed, fsync, leaf, checkpoint, rename
 *   ref.cp_mib_per_s           `cp` of the same stored files, then `sync`
 *                              of the copies (the same durability), same run
 *   package.verify_mib_per_s   package_verify: the whole zip read, SHA-256
 *                              and SM3 of every file, the zip rewritten and
 *                              compared, leaves, proofs, signatures
 *   ref.sha256sum_sm3_mib_per_s `sha256sum` then `openssl dgst -sm3` over
 *                              the same stored files, same run
 * and the ratios.  BENCH_RUNS (default 3) alternating runs, medians.  All
 * data lives in build/bench-package (removed at the end); the files are in
 * the page cache for every run (24 GB machine), so the figures compare
 * CPU work, not the disk.
 */
#include "core/core.h"
#include "core/err.h"
#include "store/db.h"
#include "recording/vault.h"
#include "ledger/ledger.h"
#include "actor/actor.h"
#include "records/package.h"
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double timed_sh(const char *cmd)
{
	double t0 = now_s();
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_package: failed: %s\n", cmd);
		exit(1);
	}
	return now_s() - t0;
}

int main(void)
{
	const char *dir = getenv("BENCH_PACKAGE_DIR") ? getenv("BENCH_PACKAGE_DIR") : "build/bench-package";
	long long mib = getenv("BENCH_PACKAGE_MIB") ? atoll(getenv("BENCH_PACKAGE_MIB")) : 2048;
	int runs = getenv("BENCH_RUNS") ? (int)atoll(getenv("BENCH_RUNS")) : 3;
	if (mib < 8 || runs < 1 || runs > 9)
		return 1;
	char *cmd = xasprintf("rm -rf '%s' && mkdir -p '%s/cp'", dir, dir);
	if (system(cmd) != 0)
		return 1;
	free(cmd);
	char *url = xasprintf("%s/zhifa.db", dir), *keys = xasprintf("%s/keys", dir);
	struct buf berr;
	buf_init(&berr, 0);
	struct db *db = db_open(url, &berr);
	struct err e = ERR_INIT;
	if (!db || db_migrate(db, &berr) < 0 || ledger_keys_create(keys, "bench.zhifa/log", &e) < 0) {
		fprintf(stderr, "bench_package: %s %s\n", buf_str(&berr), e.msg);
		return 1;
	}
	struct vault *v = vault_open(dir, &e);
	if (!v)
		return 1;
	struct actor a;
	actor_system(&a, "bench");

	/* the media: 8 files of pseudo-random bytes, stored through the vault */
	enum { NFILES = 8 };
	long long per = mib / NFILES * (1 << 20);
	struct vault_stored st[NFILES];
	struct package_item items[NFILES];
	char paths[NFILES][64];
	struct buf blobs;
	buf_init(&blobs, 0);
	size_t chunk = 1 << 20;
	uint64_t *buf = xmalloc(chunk);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	double t0 = now_s();
	for (int f = 0; f < NFILES; f++) {
		struct vault_writer w;
		if (vault_writer_open(v, &w, &e) < 0)
			return 1;
		for (long long done = 0; done < per; done += (long long)chunk) {
			for (size_t i = 0; i < chunk / 8; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				buf[i] = x;
			}
			if (vault_writer_add(&w, buf, chunk, &e) < 0)
				return 1;
		}
		if (vault_writer_commit(v, db, &a, &w, NULL, &st[f], &e) < 0) {
			fprintf(stderr, "bench_package: store: %s\n", e.msg);
			return 1;
		}
		snprintf(paths[f], sizeof paths[f], "media/%02d-视频.mp4", f + 1);
		items[f] = (struct package_item){ "media", paths[f], st[f].sha256, st[f].sm3, st[f].size, st[f].leaf_index,
						  "video/mp4" };
		char *p = blobs_fs_path(vault_blobs(v), st[f].sha256);
		buf_printf(&blobs, " '%s'", p);
		free(p);
	}
	free(buf);
	double total = (double)per * NFILES / (1 << 20);
	printf("package.media_mib %.0f\n", total);
	printf("package.store_seconds %.1f\n", now_s() - t0);

	struct package_case c = { 1, "云工信罚〔2026〕1号", "基准案件", "云南省工业和信息化厅", "节能监察处" };
	char *zip = xasprintf("%s/case.zip", dir);
	double ex[9], cp[9], ve[9], rf[9];
	char *cpcmd = xasprintf("cp --reflink=never%s '%s/cp/' && sync '%s/cp/'*", buf_str(&blobs), dir, dir);
	char *rmcp = xasprintf("rm -f '%s/cp/'*", dir);
	char *refcmd = xasprintf("sha256sum%s > /dev/null && openssl dgst -sm3%s > /dev/null", buf_str(&blobs),
				 buf_str(&blobs));
	for (int r = 0; r < runs; r++) {
		unlink(zip);
		double s = now_s();
		struct package_result res;
		if (package_write(db, v, keys, &a, &c, items, NFILES, zip, &res, &e) < 0) {
			fprintf(stderr, "bench_package: export: %s\n", e.msg);
			return 1;
		}
		ex[r] = total / (now_s() - s);
		cp[r] = total / timed_sh(cpcmd);
		if (system(rmcp) != 0)
			return 1;
		struct package_report rep;
		package_report_init(&rep);
		s = now_s();
		if (package_verify(zip, NULL, 0, &rep, &e) < 0 || rep.problems) {
			fprintf(stderr, "bench_package: verify: %s%s\n", e.msg, buf_str(&rep.text));
			return 1;
		}
		ve[r] = total / (now_s() - s);
		package_report_release(&rep);
		rf[r] = total / timed_sh(refcmd);
		fprintf(stderr, "# run %d: export %.1f, cp %.1f, verify %.1f, sha256sum+sm3 %.1f MiB/s\n", r + 1, ex[r], cp[r],
			ve[r], rf[r]);
	}
	double mex = median(ex, runs), mcp = median(cp, runs), mve = median(ve, runs), mrf = median(rf, runs);
	printf("package.export_mib_per_s %.1f\n", mex);
	printf("ref.cp_mib_per_s %.1f\n", mcp);
	printf("package.export_ratio %.2f\n", mex / mcp);
	printf("package.verify_mib_per_s %.1f\n", mve);
	printf("ref.sha256sum_sm3_mib_per_s %.1f\n", mrf);
	printf("package.verify_ratio %.2f\n", mve / mrf);
	vault_close(v);
	db_close(db);
	cmd = xasprintf("chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	int rc = system(cmd);
	free(cmd);
	free(cpcmd);
	free(rmcp);
	free(refcmd);
	free(zip);
	free(url);
	free(keys);
	buf_release(&blobs);
	buf_release(&berr);
	return rc == 0 ? 0 : 1;
}
