/* Unit tests of the web layer's pure parts: escaping, URL and form
 * decoding, cookies, the router, and configuration parsing. */
#include "core/core.h"
#include "core/config.h"
#include "http/http.h"
#include "http/html.h"
#include "tap.h"

static void test_escape(void)
{
	struct buf b;
	buf_init(&b, 0);
	h_printf(&b, "<p title=\"%s\">%s</p>", "\"onclick=x'", "<script>alert(1)</script>&");
	is_str(buf_str(&b), "<p title=\"&quot;onclick=x&#39;\">&lt;script&gt;alert(1)&lt;/script&gt;&amp;</p>",
	       "h_printf escapes every %%s for text and attributes");
	buf_reset(&b);
	h_printf(&b, "%d %lld %zu %u %%", -3, 1234567890123LL, (size_t)7, 9u);
	is_str(buf_str(&b), "-3 1234567890123 7 9 %", "h_printf numbers and %%%%");
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
}

int main(void)
{
	test_escape();
	test_decode();
	test_router();
	test_config();
	return tap_done();
}
