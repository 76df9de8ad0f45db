/* config.c - configuration from defaults, file, environment (see config.h). */
#include "core/core.h"
#include "core/config.h"
#include <unistd.h>
#include <arpa/inet.h>

void config_defaults(struct config *c, const char *data_dir)
{
	memset(c, 0, sizeof *c);
	snprintf(c->data_dir, sizeof c->data_dir, "%s", data_dir ? data_dir : "data");
	snprintf(c->listen_addr, sizeof c->listen_addr, "127.0.0.1");
	c->port = 8080;
	snprintf(c->db_url, sizeof c->db_url, "sqlite:%s/zhifa.db", c->data_dir);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	c->threads = n > 0 && n < 64 ? (int)n : 2;
	c->session_idle_minutes = 30;
	c->max_body = 1024 * 1024;
	snprintf(c->origin, sizeof c->origin, "zhifa.local/log");
	snprintf(c->site_name, sizeof c->site_name, "云南省工业和信息化厅");
	snprintf(c->public_url, sizeof c->public_url, "http://127.0.0.1:8080");
	c->due_soon_days = 2;
	c->record_export_hours = 24;
	c->max_conns_per_ip = 64;
	c->head_timeout_s = 15;
	c->portal_cache_kib = 32768;
}

/* Parse "ADDR" or "ADDR/PREFIX" (n bytes of text) into *out; -1 if not. */
static int parse_net(const char *s, size_t n, struct proxy_net *out)
{
	char text[64];
	if (n == 0 || n >= sizeof text)
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, text, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, text, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -1;
	int max = out->family == AF_INET ? 32 : 128;
	long long p = max;
	if (slash && str_to_ll(slash + 1, 0, max, &p) < 0)
		return -1;
	out->prefix = (int)p;
	return 0;
}

static int set_proxies(struct config *c, const char *value, struct buf *err)
{
	struct proxy_net list[CONFIG_MAX_PROXIES];
	int n = 0;
	for (const char *p = value; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		size_t len = strcspn(p, " ,\t");
		if (!len)
			break;
		if (n == CONFIG_MAX_PROXIES) {
			buf_printf(err, "trusted_proxies（可信代理）最多 %d 项", CONFIG_MAX_PROXIES);
			return -1;
		}
		if (parse_net(p, len, &list[n]) < 0) {
			buf_printf(err, "trusted_proxies（可信代理）中的 '%.*s' 不是有效的 IP 地址或网段（如 10.0.0.0/8）",
				   (int)(len > 64 ? 64 : len), p);
			return -1;
		}
		n++;
		p += len;
	}
	memcpy(c->trusted_proxies, list, sizeof list);
	c->ntrusted_proxies = n;
	return 0;
}

static bool net_contains(const struct proxy_net *net, int family, const unsigned char *addr)
{
	if (net->family != family)
		return false;
	int full = net->prefix / 8, rest = net->prefix % 8;
	if (memcmp(net->addr, addr, (size_t)full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

bool config_proxy_trusted(const struct config *c, const char *ip)
{
	unsigned char addr[16];
	int family;
	if (!ip || !c->ntrusted_proxies)
		return false;
	if (inet_pton(AF_INET, ip, addr) == 1) {
		family = AF_INET;
	} else if (inet_pton(AF_INET6, ip, addr) == 1) {
		family = AF_INET6;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(addr, mapped, 12) == 0) {
			memmove(addr, addr + 12, 4);
			family = AF_INET;
		}
	} else {
		return false;
	}
	for (int i = 0; i < c->ntrusted_proxies; i++)
		if (net_contains(&c->trusted_proxies[i], family, addr))
			return true;
	return false;
}

static int set_int(const char *key, const char *value, long long min, long long max, long long *out, struct buf *err)
{
	if (str_to_ll(value, min, max, out) < 0) {
		buf_printf(err, "配置项 %s 的值 '%s' 不正确，应为 %lld 到 %lld 之间的整数", key, value, min, max);
		return -1;
	}
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, struct buf *err)
{
	long long v;
	if (str_eq(key, "listen")) {
		const char *colon = strrchr(value, ':');
		if (!colon || colon == value || (size_t)(colon - value) >= sizeof c->listen_addr ||
		    str_to_ll(colon + 1, 1, 65535, &v) < 0) {
			buf_printf(err, "监听地址 '%s' 不正确，应为 地址：端口，例如 127.0.0.1:8080", value);
			return -1;
		}
		snprintf(c->listen_addr, sizeof c->listen_addr, "%.*s", (int)(colon - value), value);
		c->port = (int)v;
	} else if (str_eq(key, "db")) {
		if (str_empty(value) || strlen(value) >= sizeof c->db_url) {
			buf_printf(err, "数据库地址不正确");
			return -1;
		}
		snprintf(c->db_url, sizeof c->db_url, "%s", value);
	} else if (str_eq(key, "threads")) {
		if (set_int(key, value, 1, 256, &v, err) < 0)
			return -1;
		c->threads = (int)v;
	} else if (str_eq(key, "session_idle_minutes")) {
		if (set_int(key, value, 1, 24 * 60, &v, err) < 0)
			return -1;
		c->session_idle_minutes = (int)v;
	} else if (str_eq(key, "max_body_kib")) {
		if (set_int(key, value, 16, 1024 * 1024, &v, err) < 0)
			return -1;
		c->max_body = (long)v * 1024;
	} else if (str_eq(key, "secure_cookies")) {
		if (set_int(key, value, 0, 1, &v, err) < 0)
			return -1;
		c->secure_cookies = v;
		c->secure_cookies_set = true;
	} else if (str_eq(key, "hsts")) {
		if (set_int(key, value, 0, 1, &v, err) < 0)
			return -1;
		c->hsts = v;
		c->hsts_set = true;
	} else if (str_eq(key, "origin")) {
		if (str_empty(value) || strlen(value) >= sizeof c->origin || strchr(value, ' ') || strchr(value, '\n')) {
			buf_printf(err, "origin 不能为空，也不能含空格");
			return -1;
		}
		snprintf(c->origin, sizeof c->origin, "%s", value);
	} else if (str_eq(key, "site_name")) {
		if (str_empty(value) || strlen(value) >= sizeof c->site_name) {
			buf_printf(err, "site_name 不正确");
			return -1;
		}
		snprintf(c->site_name, sizeof c->site_name, "%s", value);
	} else if (str_eq(key, "public_url")) {
		if (!(str_starts(value, "http://") || str_starts(value, "https://")) || strlen(value) >= sizeof c->public_url ||
		    strpbrk(value, " \"<>'\\")) {
			buf_printf(err, "public_url 应以 http:// 或 https:// 开头，且不含空格和引号");
			return -1;
		}
		snprintf(c->public_url, sizeof c->public_url, "%s", value);
		size_t n = strlen(c->public_url);
		if (n > 8 && c->public_url[n - 1] == '/')
			c->public_url[n - 1] = '\0';
	} else if (str_eq(key, "due_soon_days")) {
		if (set_int(key, value, 1, 30, &v, err) < 0)
			return -1;
		c->due_soon_days = (int)v;
	} else if (str_eq(key, "record_export_hours")) {
		if (set_int(key, value, 1, 24 * 365, &v, err) < 0)
			return -1;
		c->record_export_hours = (int)v;
	} else if (str_eq(key, "max_conns_per_ip")) {
		if (set_int(key, value, 0, 100000, &v, err) < 0)
			return -1;
		c->max_conns_per_ip = (int)v;
	} else if (str_eq(key, "portal_cache_kib")) {
		if (set_int(key, value, 0, 4L * 1024 * 1024, &v, err) < 0)
			return -1;
		c->portal_cache_kib = (long)v;
	} else if (str_eq(key, "head_timeout_seconds")) {
		if (set_int(key, value, 1, 600, &v, err) < 0)
			return -1;
		c->head_timeout_s = (int)v;
	} else if (str_eq(key, "log_requests")) {
		if (set_int(key, value, 0, 1, &v, err) < 0)
			return -1;
		c->log_requests = v;
	} else if (str_eq(key, "tsa_url")) {
		if (!str_empty(value) &&
		    (!(str_starts(value, "http://") || str_starts(value, "https://")) || strlen(value) >= sizeof c->tsa_url ||
		     strpbrk(value, " \t\"<>'\\"))) {
			buf_printf(err, "tsa_url（时间戳服务地址）应以 http:// 或 https:// 开头，且不含空格和引号");
			return -1;
		}
		snprintf(c->tsa_url, sizeof c->tsa_url, "%s", value);
	} else if (str_eq(key, "tsa_ca_file")) {
		if (strlen(value) >= sizeof c->tsa_ca_file || strchr(value, '\n')) {
			buf_printf(err, "tsa_ca_file（时间戳服务的 CA 证书文件）路径不正确");
			return -1;
		}
		snprintf(c->tsa_ca_file, sizeof c->tsa_ca_file, "%s", value);
	} else if (str_eq(key, "trusted_proxies")) {
		if (set_proxies(c, value, err) < 0)
			return -1;
	} else if (str_eq(key, "site_code") || str_eq(key, "icp_no") || str_eq(key, "police_no")) {
		char *dst = str_eq(key, "site_code") ? c->site_code : str_eq(key, "icp_no") ? c->icp_no : c->police_no;
		size_t cap = str_eq(key, "site_code") ? sizeof c->site_code : sizeof c->icp_no;
		if (strlen(value) >= cap || !utf8_valid(value, strlen(value)) || strpbrk(value, "\n\r\t<>\"'&")) {
			buf_printf(err, "%s（%s）过长或含有不允许的字符", key,
				   str_eq(key, "site_code") ? "网站标识码" : str_eq(key, "icp_no") ? "ICP备案号" : "公安机关备案号");
			return -1;
		}
		snprintf(dst, cap, "%s", value);
	} else if (str_eq(key, "contact_url")) {
		if (!str_empty(value) &&
		    (!(str_starts(value, "http://") || str_starts(value, "https://") || str_starts(value, "mailto:") ||
		       (value[0] == '/' && value[1] != '/')) ||
		     strlen(value) >= sizeof c->contact_url || strpbrk(value, " \t\n\"<>'\\"))) {
			buf_printf(err, "contact_url（联系我们）应以 http://、https://、mailto: 或 / 开头，且不含空格和引号");
			return -1;
		}
		snprintf(c->contact_url, sizeof c->contact_url, "%s", value);
	} else {
		buf_printf(err, "未知配置项 '%s'", key);
		return -1;
	}
	return 0;
}

bool config_public_url_local(const char *url)
{
	if (str_empty(url))
		return true;
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	const char *at = strpbrk(h, "@/");
	if (at && *at == '@')
		h = at + 1;
	size_t n = strcspn(h, "/?#");
	char host[256];
	if (h[0] == '[') { /* [IPv6]:port */
		const char *close = memchr(h, ']', n);
		n = close ? (size_t)(close - h) + 1 : n;
	} else {
		const char *colon = memchr(h, ':', n);
		if (colon)
			n = (size_t)(colon - h);
	}
	if (n == 0 || n >= sizeof host)
		return true;
	memcpy(host, h, n);
	host[n] = '\0';
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return str_starts(host, "127.") || str_eq(host, "localhost") || str_ends(host, ".localhost") ||
	       str_eq(host, "[::1]") || str_eq(host, "0.0.0.0") || str_eq(host, "[::]");
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

int config_parse(struct config *c, const char *text, size_t n, struct buf *err)
{
	const char *p = text, *end = text + n;
	int line = 0;
	while (p < end) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;
		trim(&s, &e);
		if (s < e && *s != '#') {
			const char *eq = memchr(s, '=', (size_t)(e - s));
			if (!eq) {
				buf_printf(err, "配置文件第 %d 行： 缺少 '='", line);
				return -1;
			}
			const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
			trim(&ks, &ke);
			trim(&vs, &ve);
			char *key = xstrndup(ks, (size_t)(ke - ks)), *val = xstrndup(vs, (size_t)(ve - vs));
			struct buf sub;
			buf_init(&sub, 0);
			int r = config_set(c, key, val, &sub);
			if (r < 0)
				buf_printf(err, "配置文件第 %d 行：%s", line, buf_str(&sub));
			buf_release(&sub);
			free(key);
			free(val);
			if (r < 0)
				return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int config_load(struct config *c, struct buf *err)
{
	char path[600];
	snprintf(path, sizeof path, "%s/zhifa.conf", c->data_dir);
	FILE *f = fopen(path, "r");
	if (f) {
		struct buf text;
		buf_init(&text, 1 << 20);
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&text, chunk, got);
		fclose(f);
		int r = text.overflow ? (buf_printf(err, "配置文件过大"), -1) : config_parse(c, text.data, text.len, err);
		buf_release(&text);
		if (r < 0)
			return -1;
	}
	static const char *keys[] = { "listen", "db", "threads", "session_idle_minutes", "max_body_kib",
				      "secure_cookies", "origin", "site_name", "public_url", "due_soon_days",
				      "log_requests", "tsa_url", "tsa_ca_file", "trusted_proxies", "site_code", "icp_no",
				      "police_no", "contact_url", "max_conns_per_ip", "head_timeout_seconds", "hsts",
				      "portal_cache_kib", "record_export_hours" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char env[64];
		snprintf(env, sizeof env, "ZHIFA_");
		for (size_t j = 0; keys[i][j] && j < 50; j++) {
			char ch = keys[i][j];
			env[6 + j] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
			env[7 + j] = '\0';
		}
		const char *v = getenv(env);
		if (v && config_set(c, keys[i], v, err) < 0)
			return -1;
	}
	config_finish(c);
	return 0;
}

void config_finish(struct config *c)
{
	bool https = str_starts(c->public_url, "https://");
	if (!c->secure_cookies_set)
		c->secure_cookies = https;
	if (!c->hsts_set)
		c->hsts = https;
}
