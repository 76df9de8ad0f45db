/*
 * server.h - the HTTP server of `zhifa serve` (libmicrohttpd), on the
 * long-lived state of app/app.h.
 */
#ifndef ZHIFA_SERVER_H
#define ZHIFA_SERVER_H
#include "app/app.h"

/* Start serving on cfg.listen; returns 0 or -1 with a message logged. */
int server_start(struct app *app);
void server_stop(struct app *app);
/* In-process serving, for tests and fuzz targets: the same request handling
 * on a daemon with no listening socket and no threads of its own. */
int server_start_inprocess(struct app *app);
/* Send req[0..n) on a new connection (from 127.0.0.1), close the sending
 * side, and run the daemon until it closes the connection; what it
 * answered is appended to out.  -1 if it had not closed within a bound
 * (about 20 s of waiting), else 0. */
int server_exchange(struct app *app, const char *req, size_t n, struct buf *out);
#endif
