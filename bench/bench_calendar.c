/*
 * bench_calendar.c - throughput of the working-day calendar on one core:
 * due-date computations (random starts over 2018-2026, N in 1..30, working
 * and calendar days) and is-workday lookups per second, each the median of
 * several runs.  One line per figure: "calendar.due_per_sec 23400000".
 */
#include "core/core.h"
#include "calendar/calendar.h"
#include <time.h>

#define NQ (1 << 20)
#define RUNS 7

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

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

enum kind { K_DUE, K_DUE_DAYS, K_WORKDAY };

static volatile int64_t sink;

static double run_once(const struct calendar *c, const int32_t *starts, const int *ns, enum kind k)
{
	struct err e = ERR_INIT;
	int64_t acc = 0;
	double t0 = now_sec();
	for (int rep = 0; rep < 8; rep++)
		for (int i = 0; i < NQ; i++) {
			int32_t d = 0;
			switch (k) {
			case K_DUE:
				if (calendar_due(c, starts[i], ns[i], &d, &e) == 0)
					acc += d;
				break;
			case K_DUE_DAYS:
				if (calendar_due_days(c, starts[i], ns[i], &d, &e) == 0)
					acc += d;
				break;
			case K_WORKDAY:
				acc += calendar_is_workday(c, starts[i], &e);
				break;
			}
		}
	double t = now_sec() - t0;
	sink += acc;
	return 8.0 * NQ / t;
}

static double median(const struct calendar *c, const int32_t *starts, const int *ns, enum kind k)
{
	double r[RUNS];
	for (int i = 0; i < RUNS; i++)
		r[i] = run_once(c, starts, ns, k);
	qsort(r, RUNS, sizeof(double), cmp_double);
	return r[RUNS / 2];
}

int main(void)
{
	struct err e = ERR_INIT;
	const struct calendar *c = calendar_embedded(&e);
	if (!c)
		die("calendar: %s", e.msg);
	int32_t lo, hi;
	if (cal_date_parse("2018-01-01", &lo) < 0 || cal_date_parse("2026-11-30", &hi) < 0)
		BUG("dates");
	int32_t *starts = xmalloc(sizeof(int32_t) * NQ);
	int *ns = xmalloc(sizeof(int) * NQ);
	for (int i = 0; i < NQ; i++) {
		starts[i] = lo + (int32_t)(rnd() % (uint32_t)(hi - lo));
		ns[i] = 1 + (int)(rnd() % 30);
	}
	printf("calendar.due_per_sec %.0f\n", median(c, starts, ns, K_DUE));
	printf("calendar.due_calendar_days_per_sec %.0f\n", median(c, starts, ns, K_DUE_DAYS));
	printf("calendar.is_workday_per_sec %.0f\n", median(c, starts, ns, K_WORKDAY));
	free(starts);
	free(ns);
	return 0;
}
