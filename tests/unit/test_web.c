/* Unit tests of the web layer's pure parts: escaping, URL and form
 * decoding, cookies, the router, and configuration parsing. */
#include "core/core.h"
#include "core/config.h"
#include "http/http.h"
#include "http/html_body.h"
#include "core/escape.h"
#include "http/client_addr.h"
#include "tap.h"

static void test_escape(void)
{
	struct html *h = html_new();
	h_printf(h, "<p title=\"%s\">%s</p>", "\"onclick=x'", "<script>alert(1)</script>&");
	is_str(html_bytes(h, NULL), "<p title=\"&quot;onclick=x&#39;\">&lt;script&gt;alert(1)&lt;/script&gt;&amp;</p>",
	       "h_printf escapes every %%s for text and attributes");
	html_reset(h);
	h_printf(h, "%d %lld %zu %u %%", -3, 1234567890123LL, (size_t)7, 9u);
	is_str(html_bytes(h, NULL), "-3 1234567890123 7 9 %", "h_printf numbers and %%%%");
	html_reset(h);
	h_raw(h, "<b>" "粗</b>");
	size_t n;
	const char *bytes = html_bytes(h, &n);
	ok(n == strlen("<b>粗</b>") && str_eq(bytes, "<b>粗</b>"), "h_raw writes a literal (concatenated) whole");
	html_free(h);

	struct buf b;
	buf_init(&b, 0);
	esc_markup(&b, "a`b\x01c\n", 6, 0);
	is_str(buf_str(&b), "a&#96;b\x01c\n", "the HTML escaper keeps control characters and escapes `");
	buf_reset(&b);
	esc_markup(&b, "<a\x01\tb\n\0z", 8, ESC_XML);
	is_str(buf_str(&b), "&lt;a \tb ", "the XML escaper writes control characters as a space and stops at NUL");
	buf_reset(&b);
	url_enc(&b, "执法 a/b?c=d&e");
	is_str(buf_str(&b), "%E6%89%A7%E6%B3%95%20a%2Fb%3Fc%3Dd%26e", "url_enc percent-encodes a component");
	buf_release(&b);
}

static void test_decode(void)
{
	struct buf b;
	buf_init(&b, 0);
	ok(url_dec(&b, "a+b%20%E6%89%A7", 15, true) == 0 && str_eq(buf_str(&b), "a b 执"), "url_dec form decoding");
	buf_reset(&b);
	ok(url_dec(&b, "%zz", 3, false) < 0, "url_dec refuses bad hex");
	buf_reset(&b);
	ok(url_dec(&b, "%4", 2, false) < 0, "url_dec refuses truncated escape");
	buf_reset(&b);
	ok(url_dec(&b, "%00", 3, false) < 0, "url_dec refuses NUL");
	buf_reset(&b);
	ok(url_dec(&b, "%C0%80", 6, false) < 0, "url_dec refuses invalid UTF-8");
	buf_release(&b);

	char u1[] = "/%2568ealthz", u2[] = "/a%00b", u3[] = "/%zz%4", u4[] = "%E6%89%A7+%2B";
	ok(http_unescape(NULL, NULL, u1) == 10 && str_eq(u1, "/%68ealthz"), "http_unescape decodes once");
	ok(http_unescape(NULL, NULL, u2) == 4 && str_eq(u2, "/a\xff" "b") && !path_acceptable(u2),
	   "http_unescape turns %%00 into a byte no UTF-8 check accepts");
	ok(!utf8_valid(u3, http_unescape(NULL, NULL, u3)), "http_unescape marks bad escapes");
	ok(http_unescape(NULL, NULL, u4) == 5 && str_eq(u4, "执+" "+"), "http_unescape leaves '+' alone");
	ok(path_acceptable("/portal/执法") && !path_acceptable("/a\nb") && !path_acceptable("x") &&
	   !path_acceptable("/\x7f"), "path_acceptable");

	struct kvlist l = { 0 };
	const char *body = "username=admin&password=a%26b%3Dc&empty=&flag&%E5%90%8D=%E5%BC%A0";
	ok(form_parse(&l, body, strlen(body)) == 0, "form_parse accepts a good body");
	is_str(kv_get(&l, "username"), "admin", "form field");
	is_str(kv_get(&l, "password"), "a&b=c", "escaped & and = inside a value");
	is_str(kv_get(&l, "empty"), "", "empty value");
	is_str(kv_get(&l, "flag"), "", "key without =");
	is_str(kv_get(&l, "名"), "张", "UTF-8 key and value");
	kv_free(&l);
	ok(form_parse(&l, "a=1&b=%FF", 9) < 0 && l.n == 0, "form_parse refuses bad UTF-8 and adds nothing");
	kv_free(&l);

}

static void test_router(void)
{
	struct req r;
	memset(&r, 0, sizeof r);
	int status = 0;
	r.method = M_GET;
	r.path = "/portal/matters/42";
	const struct route *rt = route_match(&r, &status);
	ok(rt && str_eq(rt->pattern, "/portal/matters/{id}") && str_eq(r.params[0], "42"), "route with a parameter");
	ok(req_param_id(&r, 0) == 42, "req_param_id");
	for (size_t i = 0; i < r.nowned; i++)
		free(r.owned[i]);
	free(r.owned);
	memset(&r, 0, sizeof r);
	r.method = M_GET;
	r.path = "/static/zhifa.css";
	rt = route_match(&r, &status);
	ok(rt && str_eq(r.params[0], "zhifa.css"), "tail wildcard route");
	for (size_t i = 0; i < r.nowned; i++)
		free(r.owned[i]);
	free(r.owned);
	memset(&r, 0, sizeof r);
	r.method = M_OTHER;
	r.path = "/";
	ok(!route_match(&r, &status) && status == 405, "known path, wrong method: 405");
	r.method = M_GET;
	r.path = "/no/such/page";
	ok(!route_match(&r, &status) && status == 404, "unknown path: 404");
	r.method = M_HEAD;
	r.path = "/healthz";
	ok(route_match(&r, &status) != NULL, "HEAD follows GET");
	/* Every POST-capable back-office route needs a login. */
	bool all = true;
	for (size_t i = 0; i < routes_count; i++)
		if (str_starts(routes[i].pattern, "/admin") && !(routes[i].flags & R_LOGIN))
			all = false;
	ok(all, "every /admin route requires login");
}

static void test_config(void)
{
	struct config c;
	struct buf err;
	buf_init(&err, 0);
	config_defaults(&c, "/tmp/x");
	is_str(c.db_url, "sqlite:/tmp/x/zhifa.db", "default database in the data folder");
	const char *good = "# comment\nlisten = 0.0.0.0:9000\n\nsession_idle_minutes=45\nsite_name = 测试厅\n";
	ok(config_parse(&c, good, strlen(good), &err) == 0, "good config parses");
	ok(str_eq(c.listen_addr, "0.0.0.0") && c.port == 9000 && c.session_idle_minutes == 45, "values applied");
	is_str(c.site_name, "测试厅", "Chinese value");
	buf_reset(&err);
	const char *bad = "listen = 1.2.3.4:80\nthreads = lots\n";
	ok(config_parse(&c, bad, strlen(bad), &err) < 0 && strstr(buf_str(&err), "第 2 行"), "bad value names the line");
	buf_reset(&err);
	ok(config_parse(&c, "nonsense\n", 9, &err) < 0 && strstr(buf_str(&err), "缺少"), "line without = refused");
	buf_reset(&err);
	ok(config_set(&c, "listen", "nocolon", &err) < 0, "listen without port refused");
	buf_reset(&err);
	ok(config_set(&c, "public_url", "javascript:alert(1)", &err) < 0, "public_url must be http(s)");
	buf_reset(&err);
	ok(config_set(&c, "unknown_key", "1", &err) < 0 && strstr(buf_str(&err), "未知配置项"), "unknown key refused");
	buf_reset(&err);

	config_defaults(&c, "/tmp/x");
	ok(c.max_conns_per_ip == 64 && c.head_timeout_s == 15, "connection limits have defaults");
	ok(config_set(&c, "max_conns_per_ip", "0", &err) == 0 && c.max_conns_per_ip == 0, "max_conns_per_ip 0 = unlimited");
	ok(config_set(&c, "head_timeout_seconds", "0", &err) < 0, "head_timeout_seconds must be at least 1");
	buf_reset(&err);
	config_finish(&c);
	ok(!c.secure_cookies && !c.hsts, "http public_url: no Secure cookies, no HSTS");
	ok(config_set(&c, "public_url", "https://zfgs.example.gov.cn/", &err) == 0, "https public_url");
	config_finish(&c);
	ok(c.secure_cookies && c.hsts, "https public_url: Secure cookies and HSTS by default");
	ok(config_set(&c, "hsts", "0", &err) == 0, "hsts = 0");
	config_finish(&c);
	ok(c.secure_cookies && !c.hsts, "an explicit hsts = 0 wins");
	buf_release(&err);
	buf_init(&err, 0);
	ok(config_set(&c, "contact_url", "javascript:alert(1)", &err) < 0, "contact_url must be http(s), mailto: or a path");
	buf_reset(&err);
	ok(config_set(&c, "contact_url", "//evil.example", &err) < 0, "a scheme-relative contact_url is refused");
	buf_reset(&err);
	ok(config_set(&c, "contact_url", "/portal/bodies", &err) == 0 && str_eq(c.contact_url, "/portal/bodies"),
	   "contact_url may be a path");
	ok(config_set(&c, "icp_no", "滇ICP备<b>", &err) < 0, "a mark with markup is refused");
	buf_reset(&err);
	ok(config_set(&c, "police_no", "滇公网安备 53010202000000号", &err) == 0 && str_eq(c.police_no, "滇公网安备 53010202000000号"),
	   "公安机关备案号 kept as written");
	ok(config_set(&c, "site_code", "53000000011234567890123456789012", &err) < 0, "an over-long 网站标识码 is refused");
	buf_release(&err);
	config_defaults(&c, "/tmp/x");
	ok(!c.site_code[0] && !c.icp_no[0] && !c.police_no[0] && !c.contact_url[0], "site marks are unset by default");
	ok(config_public_url_local(c.public_url), "the default public_url is this machine only");
	static const char *local[] = { "", "http://127.0.0.1:8080", "http://127.1.2.3", "http://LOCALHOST:80/x",
				       "https://a.localhost", "http://[::1]:8080/", "http://0.0.0.0:8080", "http://u@127.0.0.1/" };
	for (size_t i = 0; i < ARRAY_SIZE(local); i++)
		ok(config_public_url_local(local[i]), "local: '%s'", local[i]);
	static const char *outside[] = { "https://zhifa.gxt.yn.gov.cn", "http://10.0.0.5:8080", "https://127example.cn/",
					 "http://[2001:db8::1]:80" };
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++)
		ok(!config_public_url_local(outside[i]), "reachable: '%s'", outside[i]);
}

static void test_client_addr(void)
{
	struct config c;
	struct buf err;
	buf_init(&err, 0);
	char out[64];
	config_defaults(&c, "/tmp/x");
	client_addr_pick(&c, "127.0.0.1", "203.0.113.9", "203.0.113.8", out, sizeof out);
	is_str(out, "127.0.0.1", "no trusted proxies: X-Forwarded-For and X-Real-IP ignored");
	ok(config_set(&c, "trusted_proxies", "127.0.0.1, 10.0.0.0/8 fd00::/8", &err) == 0 && c.ntrusted_proxies == 3,
	   "trusted_proxies: addresses and CIDR blocks, IPv4 and IPv6");
	ok(config_proxy_trusted(&c, "10.200.3.4") && config_proxy_trusted(&c, "::ffff:10.1.1.1") &&
	   config_proxy_trusted(&c, "fd12::1") && !config_proxy_trusted(&c, "11.0.0.1") &&
	   !config_proxy_trusted(&c, "127.0.0.2") && !config_proxy_trusted(&c, "fe80::1"),
	   "membership by prefix (IPv4-mapped IPv6 as IPv4)");
	client_addr_pick(&c, "127.0.0.1", "203.0.113.9", NULL, out, sizeof out);
	is_str(out, "203.0.113.9", "from a trusted proxy: the forwarded address");
	client_addr_pick(&c, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3", NULL, out, sizeof out);
	is_str(out, "203.0.113.9", "the right-most address that is not a trusted proxy (a forged left part ignored)");
	client_addr_pick(&c, "127.0.0.1", "10.9.9.9,10.1.2.3", NULL, out, sizeof out);
	is_str(out, "10.9.9.9", "all hops trusted: the left-most");
	client_addr_pick(&c, "127.0.0.1", "junk, 203.0.113.12", NULL, out, sizeof out);
	is_str(out, "203.0.113.12", "a malformed entry left of the client does not matter");
	client_addr_pick(&c, "127.0.0.1", "203.0.113.12, junk", NULL, out, sizeof out);
	is_str(out, "127.0.0.1", "a malformed entry written by the proxy's client: the last trusted hop");
	client_addr_pick(&c, "127.0.0.1", " 2001:DB8::0:1 ", NULL, out, sizeof out);
	is_str(out, "2001:db8::1", "IPv6 written in canonical form");
	client_addr_pick(&c, "127.0.0.1", NULL, "198.51.100.5", out, sizeof out);
	is_str(out, "198.51.100.5", "X-Real-IP from a trusted proxy without X-Forwarded-For");
	client_addr_pick(&c, "127.0.0.1", NULL, "<script>", out, sizeof out);
	is_str(out, "127.0.0.1", "a malformed X-Real-IP is ignored");
	client_addr_pick(&c, "192.0.2.1", "203.0.113.9", "203.0.113.8", out, sizeof out);
	is_str(out, "192.0.2.1", "from an untrusted peer both headers are ignored");
	buf_reset(&err);
	ok(config_set(&c, "trusted_proxies", "10.0.0.0/33", &err) < 0 && strstr(buf_str(&err), "10.0.0.0/33"),
	   "a bad prefix is refused, naming the entry");
	buf_reset(&err);
	ok(config_set(&c, "trusted_proxies", "nginx.local", &err) < 0, "a host name is refused");
	ok(c.ntrusted_proxies == 3, "a refused value leaves the list as it was");
	buf_reset(&err);
	ok(config_set(&c, "trusted_proxies", "", &err) == 0 && c.ntrusted_proxies == 0, "empty: no trusted proxies");
	buf_release(&err);
}

int main(void)
{
	test_escape();
	test_decode();
	test_router();
	test_config();
	test_client_addr();
	return tap_done();
}
