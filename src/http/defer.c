/* defer.c - the timer thread that resumes suspended connections (see defer.h). */
#include "core/core.h"
#include "http/defer.h"
#include <microhttpd.h>
#include <pthread.h>
#include <time.h>

struct waiting {
	struct MHD_Connection *conn;
	struct timespec due; /* CLOCK_MONOTONIC */
};

struct deferq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool stopping;
	size_t n;
	struct waiting items[DEFER_MAX];
};

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void *defer_main(void *arg)
{
	struct deferq *q = arg;
	pthread_mutex_lock(&q->lock);
	while (!q->stopping) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		struct timespec next = { now.tv_sec + 3600, 0 };
		for (size_t i = 0; i < q->n;) {
			if (!ts_before(&now, &q->items[i].due)) {
				MHD_resume_connection(q->items[i].conn);
				q->items[i] = q->items[--q->n];
				continue;
			}
			if (ts_before(&q->items[i].due, &next))
				next = q->items[i].due;
			i++;
		}
		pthread_cond_timedwait(&q->cond, &q->lock, &next);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct deferq *defer_start(void)
{
	struct deferq *q = xcalloc(1, sizeof *q);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&q->lock, NULL);
	if (pthread_create(&q->thread, NULL, defer_main, q) != 0) {
		pthread_cond_destroy(&q->cond);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return NULL;
	}
	return q;
}

int defer_add(struct deferq *q, struct MHD_Connection *c, long long ms)
{
	pthread_mutex_lock(&q->lock);
	if (q->stopping || q->n == DEFER_MAX) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	MHD_suspend_connection(c);
	struct timespec due;
	clock_gettime(CLOCK_MONOTONIC, &due);
	due.tv_sec += (time_t)(ms / 1000);
	due.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}
	q->items[q->n++] = (struct waiting){ c, due };
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void defer_stop(struct deferq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	for (size_t i = 0; i < q->n; i++)
		MHD_resume_connection(q->items[i].conn);
	q->n = 0;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
