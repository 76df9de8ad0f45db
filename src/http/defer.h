/*
 * defer.h - holding a request for a while without holding a thread: the
 * connection is suspended (MHD_suspend_connection, from its handler's
 * thread) and one timer thread resumes it when its time comes, after which
 * the server calls the route's handler again (see req_defer in http.h).
 * Used by the login throttle: an address that failed too often waits for
 * its slot, and the HTTP threads keep serving everyone else meanwhile.
 *
 * Invariants: defer_add suspends the connection itself, under the queue's
 * lock, so the timer cannot resume it first; every connection added is
 * resumed exactly once — when due, or by defer_stop (server shutdown),
 * which resumes all that are left before it returns.  At most DEFER_MAX
 * connections wait at once; past that defer_add refuses (the connection
 * is not suspended) and the caller answers at once.
 */
#ifndef ZHIFA_DEFER_H
#define ZHIFA_DEFER_H
#include "core/core.h"

#define DEFER_MAX 512

struct MHD_Connection;
struct deferq;

/* Start the timer thread; NULL if it cannot be started. */
struct deferq *defer_start(void);
/* Suspend c (from its handler's thread) and resume it after ms
 * milliseconds.  -1, with c left as it was, when the queue is full or
 * stopped. */
int defer_add(struct deferq *q, struct MHD_Connection *c, long long ms);
/* Resume every waiting connection, stop the thread and free q. */
void defer_stop(struct deferq *q);
#endif
