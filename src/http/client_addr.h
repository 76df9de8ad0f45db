/*
 * client_addr.h - the address of the client a request comes from, for the
 * login and operation logs and the login throttle.
 *
 * The connection's own address (the peer) is the client's unless the peer
 * is one of cfg.trusted_proxies (core/config.h).  From a trusted proxy:
 *  - X-Forwarded-For (all such headers, in order, joined by commas) is
 *    read from the right; every address that is itself a trusted proxy is
 *    skipped, and the first that is not is the client.  A malformed entry
 *    stops the walk: the last trusted hop before it is taken (what lies to
 *    its left was written by someone we do not trust).  If every entry is
 *    a trusted proxy, the left-most is taken.
 *  - without X-Forwarded-For, a well-formed X-Real-IP is the client;
 *  - otherwise the peer.
 * From any other peer both headers are ignored, so a client cannot choose
 * the address it is logged and throttled under.  Addresses are written in
 * canonical form (inet_ntop), an IPv4-mapped IPv6 address as IPv4.
 */
#ifndef ZHIFA_CLIENT_ADDR_H
#define ZHIFA_CLIENT_ADDR_H
#include "core/core.h"
#include "core/config.h"

/* Pick the client address from the peer address and the two headers (NULL
 * when absent) into out (n bytes). */
void client_addr_pick(const struct config *cfg, const char *peer, const char *xff, const char *real_ip,
		      char *out, size_t n);
#endif
