/*
 * bench_redact.c - throughput of the redaction engine (publicity/redact.h)
 * on one core: detection and the redacted text of a 1 MiB decision text
 * (lines of 行政处罚决定书 / 询问笔录 with identity numbers, phones, cards,
 * accounts, e-mail, addresses, witnesses, officers, credit codes, decision
 * numbers, citations, amounts and dates; the witnesses' names vary), as
 * MiB/s, median of several runs; against SHA-256 of the same bytes in the
 * same run (OpenSSL EVP, what sha256sum computes), and their ratio.
 *   redact.mib_per_s 1.1
 *   redact.ref_sha256_mib_per_s 1900
 *   redact.marks_per_mib 9000
 */
#include "core/core.h"
#include "publicity/redact.h"
#include <openssl/evp.h>
#include <time.h>

#define RUNS 5

static const char *const lines[] = {
	"当事人：云南滇峰商贸有限公司，统一社会信用代码：91530100MA6K1234X5，住所：云南省昆明市五华区护国街道东风西路123号3栋2单元501室，法定代表人：李建国。\n",
	"委托代理人：王小明，男，身份证号码：530102199003071238，联系电话：13812345678，住址：云南省昆明市官渡区关上街道春城路88号。\n",
	"执法人员：杨光、周涛（执法证号：53010012345、53010012346）于2026年12月1日10时30分对当事人经营场所进行现场检查。\n",
	"当事人的行为违反了《中华人民共和国食品安全法》第三十四条第十项的规定，依据第一百二十四条第一款第五项，决定处以罚款10,000元。\n",
	"决定书文号：五市监罚〔2026〕12号。开户行：中国农业银行昆明五华支行，账号：2402 0101 0400 1234 5。\n",
	"联系人：赵敏，电话：0871-63123456转8021，电子邮箱：zhaomin88@163.com，当事人银行卡号6222020200112233446。\n",
	"经查，2026年11月12日，当事人在其经营场所销售超过保质期的牛奶12箱，货值金额1,280.50元，违法所得360元。\n",
};
static const char surnames[] = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
static const char given[] = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华";

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	struct buf t;
	buf_init(&t, 0);
	unsigned r = 7;
	for (size_t k = 0; t.len < REDACT_MAX_TEXT - 4096; k++) {
		buf_puts(&t, lines[k % ARRAY_SIZE(lines)]);
		r = r * 1103515245u + 12345u;
		/* 证人X某某证实… with a name of 3 characters (each 3 bytes) */
		buf_printf(&t, "证人%.3s%.3s%.3s证实了上述事实。\n", surnames + 3 * (r % 20), given + 3 * ((r >> 8) % 25),
			   given + 3 * ((r >> 16) % 25));
	}
	double mib = (double)t.len / (1024.0 * 1024.0), v[RUNS], h[RUNS];
	size_t nmarks = 0;
	for (int run = 0; run < RUNS; run++) {
		struct redact_marks m = REDACT_MARKS_INIT;
		struct err e = ERR_INIT;
		struct buf out;
		buf_init(&out, 0);
		double t0 = now_sec();
		if (redact_detect(t.data, t.len, NULL, &m, &e) < 0)
			die("redact_detect: %s", e.msg);
		redact_apply(t.data, t.len, &m, &out);
		v[run] = mib / (now_sec() - t0);
		nmarks = m.n;
		redact_marks_release(&m);
		buf_release(&out);
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdl;
		t0 = now_sec();
		for (int rep = 0; rep < 64; rep++)
			EVP_Digest(t.data, t.len, md, &mdl, EVP_sha256(), NULL);
		h[run] = 64 * mib / (now_sec() - t0);
	}
	qsort(v, RUNS, sizeof *v, cmp_double);
	qsort(h, RUNS, sizeof *h, cmp_double);
	printf("redact.text_bytes %zu\n", t.len);
	printf("redact.marks_per_mib %.0f\n", (double)nmarks / mib);
	printf("redact.mib_per_s %.2f\n", v[RUNS / 2]);
	printf("redact.ref_sha256_mib_per_s %.0f\n", h[RUNS / 2]);
	printf("redact.ratio_to_sha256 %.5f\n", v[RUNS / 2] / h[RUNS / 2]);
	buf_release(&t);
	return 0;
}
