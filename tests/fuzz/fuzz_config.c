/*
 * fuzz_config.c - libFuzzer target for config_parse (core/config.h), the
 * parser of DATA/zhifa.conf.
 *
 * Checks, for any text: the result is 0 or -1; -1 comes with a message that
 * names the line ("第 N 行"), 0 with no message; every string field stays
 * NUL-terminated within its array; numbers stay sane (port 1..65535 or the
 * default, threads and timeouts positive, max_body positive); parsing the
 * same text twice gives the same result (no hidden state).
 */
#include "core/core.h"
#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fields(const struct config *c)
{
	if (!memchr(c->data_dir, '\0', sizeof c->data_dir) || !memchr(c->listen_addr, '\0', sizeof c->listen_addr) ||
	    !memchr(c->db_url, '\0', sizeof c->db_url) || !memchr(c->origin, '\0', sizeof c->origin) ||
	    !memchr(c->site_name, '\0', sizeof c->site_name))
		BUG("config string field not terminated");
	if (c->port < 0 || c->port > 65535)
		BUG("port %d", c->port);
	if (c->threads <= 0 || c->session_idle_minutes <= 0 || c->max_body <= 0)
		BUG("threads %d idle %d max_body %ld", c->threads, c->session_idle_minutes, c->max_body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config a, b;
	struct buf ea, eb;
	config_defaults(&a, "/tmp/zhifa-fuzz-data");
	config_defaults(&b, "/tmp/zhifa-fuzz-data");
	buf_init(&ea, 0);
	buf_init(&eb, 0);
	int ra = config_parse(&a, (const char *)data, size, &ea);
	int rb = config_parse(&b, (const char *)data, size, &eb);
	if (ra != 0 && ra != -1)
		BUG("config_parse returned %d", ra);
	if (ra != rb || !str_eq(buf_str(&ea), buf_str(&eb)))
		BUG("config_parse is not deterministic");
	if (ra < 0 && !strstr(buf_str(&ea), "行"))
		BUG("error without a line number: %s", buf_str(&ea));
	if (ra == 0 && ea.len)
		BUG("success with a message: %s", buf_str(&ea));
	if (ra == 0)
		check_fields(&a);
	buf_release(&ea);
	buf_release(&eb);
	return 0;
}
