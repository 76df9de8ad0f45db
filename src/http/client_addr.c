/* client_addr.c - the client's address behind trusted proxies (see client_addr.h). */
#include "core/core.h"
#include "http/client_addr.h"
#include <arpa/inet.h>

/* Canonical text of the address in s[0..len) (trimmed), into out; -1 if it
 * is not an IPv4 or IPv6 address. */
static int canon(const char *s, size_t len, char *out, size_t n)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	char text[64];
	unsigned char addr[16];
	if (len == 0 || len >= sizeof text)
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	char buf[INET6_ADDRSTRLEN];
	if (inet_pton(AF_INET, text, addr) == 1) {
		inet_ntop(AF_INET, addr, buf, sizeof buf);
	} else if (inet_pton(AF_INET6, text, addr) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(addr, mapped, 12) == 0)
			inet_ntop(AF_INET, addr + 12, buf, sizeof buf);
		else
			inet_ntop(AF_INET6, addr, buf, sizeof buf);
	} else {
		return -1;
	}
	snprintf(out, n, "%s", buf);
	return 0;
}

void client_addr_pick(const struct config *cfg, const char *peer, const char *xff, const char *real_ip,
		      char *out, size_t n)
{
	char peer_c[INET6_ADDRSTRLEN + 1];
	if (!peer || canon(peer, strlen(peer), peer_c, sizeof peer_c) < 0)
		snprintf(peer_c, sizeof peer_c, "%s", peer ? peer : "?");
	snprintf(out, n, "%s", peer_c);
	if (!config_proxy_trusted(cfg, peer_c))
		return;
	if (!str_empty(xff)) {
		/* from the right: skip trusted hops; the first other one is the client */
		const char *end = xff + strlen(xff);
		char hop[INET6_ADDRSTRLEN + 1];
		while (end > xff) {
			const char *start = end;
			while (start > xff && start[-1] != ',')
				start--;
			if (canon(start, (size_t)(end - start), hop, sizeof hop) < 0)
				return; /* out holds the last trusted hop */
			snprintf(out, n, "%s", hop);
			if (!config_proxy_trusted(cfg, hop))
				return;
			end = start > xff ? start - 1 : xff;
		}
		return;
	}
	char real[INET6_ADDRSTRLEN + 1];
	if (!str_empty(real_ip) && canon(real_ip, strlen(real_ip), real, sizeof real) == 0)
		snprintf(out, n, "%s", real);
}
