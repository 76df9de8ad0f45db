/*
 * config.h - zhifa's configuration: defaults, then the file
 * DATA/zhifa.conf ("key = value" lines, '#' comments), then environment
 * variables ZHIFA_<KEY> (upper case), then command-line flags; later wins.
 *
 * Keys:
 *   listen               ADDR:PORT to serve on (127.0.0.1:8080)
 *   db                   database URL; default sqlite:DATA/zhifa.db
 *   threads              HTTP worker threads (default: number of CPUs)
 *   session_idle_minutes idle session timeout (30)
 *   max_body_kib         largest request body accepted for forms (1024)
 *   secure_cookies       1 to mark cookies Secure (behind HTTPS); default 1 when
 *                        public_url is https://, else 0
 *   hsts                 1 to send Strict-Transport-Security (one year); default
 *                        1 when public_url is https://, else 0
 *   origin               the public name of this log / site (zhifa.local)
 *   site_name            the department's name shown on every page
 *   public_url           the address the public reaches this site at, used in
 *                        printed QR codes (http://127.0.0.1:8080); while it
 *                        is a loopback address the dashboard and the print
 *                        page warn that printed codes work on this machine only
 *   site_code            网站标识码 (the 10-character code of a government
 *                        website, e.g. 5300000001), shown in the footer when set
 *   icp_no               ICP备案号 (e.g. 滇ICP备00000000号), shown in the footer
 *                        when set, linked to https://beian.miit.gov.cn/
 *   police_no            公安机关备案号 (e.g. 滇公网安备 53010202000000号),
 *                        shown in the footer when set, linked to the record
 *                        at https://beian.mps.gov.cn/ by its digits
 *   contact_url          the 联系我们 link of the footer (http(s)://, mailto:
 *                        or a path from /); not shown while unset
 *   due_soon_days        working days before a deadline it turns "due soon" (2)
 *   record_export_hours  hours after a recording ends within which its file
 *                        should be in the evidence vault (24); a later upload
 *                        is flagged 迟延导出 on the case and the supervisors'
 *                        dashboard (实施方案 二.(二).4 及时导出)
 *   log_requests         1 to log every request, not only failures (0)
 *   max_conns_per_ip     open connections allowed from one client address (64;
 *                        0 = no limit).  Behind a reverse proxy every client
 *                        has the proxy's address: raise it there, or set 0
 *                        and let the proxy limit clients
 *   head_timeout_seconds time a connection has to send a complete request
 *                        head, counted from its start (or from the end of
 *                        its previous request), however slowly the bytes
 *                        trickle in (15)
 *   tsa_url              http(s) URL of an RFC 3161 time-stamping authority;
 *                        when set, every signed checkpoint is time-stamped
 *                        (ledger/tsa.h; "" = off, the default)
 *   tsa_ca_file          PEM file of the CA certificate(s) the authority's
 *                        signing certificate must chain to; when set, tokens
 *                        are signature-checked when stored and by
 *                        `zhifa verify` ("" = imprint and form checked only)
 *   portal_cache_kib     memory for public portal pages kept rendered
 *                        (http/page_cache.h), in KiB (32768; 0 = off)
 *   trusted_proxies      the reverse proxies (nginx …) in front of zhifa:
 *                        addresses or CIDR blocks, separated by commas or
 *                        spaces, IPv4 or IPv6 ("127.0.0.1, 10.0.0.0/8,
 *                        ::1"; at most CONFIG_MAX_PROXIES).  Only for a
 *                        connection from one of them are X-Forwarded-For
 *                        (its right-most address that is not a trusted
 *                        proxy) and X-Real-IP believed as the client's
 *                        address, for the login and operation logs and
 *                        the login throttle.  "" (the default) = none:
 *                        the connection's own address is the client's.
 */
#ifndef ZHIFA_CONFIG_H
#define ZHIFA_CONFIG_H
#include "core/core.h"

#define CONFIG_MAX_PROXIES 32

/* One trusted proxy entry: an address block. */
struct proxy_net {
	int family;               /* AF_INET or AF_INET6 */
	unsigned char addr[16];   /* network byte order; 4 bytes used for AF_INET */
	int prefix;               /* 0..32 or 0..128 */
};

struct config {
	char data_dir[512];
	char listen_addr[64];
	int port;
	char db_url[1024];
	int threads;
	int session_idle_minutes;
	long max_body;
	bool secure_cookies;
	bool hsts;             /* send Strict-Transport-Security */
	bool secure_cookies_set, hsts_set; /* set explicitly; else follow public_url */
	char origin[256];
	char site_name[256];
	bool log_requests;     /* log every request, not only failures */
	char public_url[256];
	int due_soon_days;
	int record_export_hours; /* 二.(二).4: later uploads are flagged late */
	int max_conns_per_ip;  /* 0 = unlimited */
	int head_timeout_s;    /* deadline for a complete request head */
	long portal_cache_kib; /* 0 = no page cache */
	char tsa_url[512];     /* "" = no time-stamping */
	char tsa_ca_file[512]; /* "" = token signatures not checked */
	struct proxy_net trusted_proxies[CONFIG_MAX_PROXIES];
	int ntrusted_proxies;
	/* the marks of a government site in the footer ("" = not shown) */
	char site_code[32];    /* 网站标识码 */
	char icp_no[128];      /* ICP备案号 */
	char police_no[128];   /* 公安机关备案号 */
	char contact_url[512]; /* 联系我们 */
};

void config_defaults(struct config *c, const char *data_dir);
/* Apply one "key", "value" pair; -1 with a message in err on bad value. */
int config_set(struct config *c, const char *key, const char *value, struct buf *err);
/* Parse text of a config file; -1 with "第 N 行: ..." in err. */
int config_parse(struct config *c, const char *text, size_t n, struct buf *err);
/* True when the textual address ip (IPv4, IPv6, or IPv4-mapped IPv6) is
 * in one of the trusted_proxies blocks. */
bool config_proxy_trusted(const struct config *c, const char *ip);
/* True when url (public_url) is empty or names this machine (127.x,
 * localhost, ::1, 0.0.0.0): a QR code carrying it cannot be opened from a
 * phone. */
bool config_public_url_local(const char *url);
/* Load DATA/zhifa.conf if present, then ZHIFA_* environment variables. */
int config_load(struct config *c, struct buf *err);
/* Settings that follow others unless set explicitly (secure_cookies and
 * hsts follow public_url); config_load calls it last. */
void config_finish(struct config *c);
#endif
