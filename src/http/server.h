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
#endif
