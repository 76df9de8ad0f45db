/* Unit tests of the page cache (http/page_cache.h): hits copy what was
 * kept, a new stamp or day empties it, a put made under another stamp
 * than the cache's (the server always looks up first) is dropped, and the
 * byte and entry bounds evict the least recently used. */
#include "core/core.h"
#include "http/http.h"
#include "http/page_cache.h"
#include "http/html_body.h"
#include "tap.h"

static void req_init(struct req *r, const char *path)
{
	memset(r, 0, sizeof *r);
	r->out = html_new();
	r->path = xstrdup(path);
}

static void req_done(struct req *r)
{
	html_free(r->out);
	free(r->path);
	kv_free(&r->query);
	kv_free(&r->headers);
	for (size_t i = 0; i < r->nowned; i++)
		free(r->owned[i]);
	free(r->owned);
}

/* render: a page of n bytes of c under path */
static void render(struct req *r, const char *path, char c, size_t n)
{
	req_init(r, path);
	r->ctype = "text/html; charset=utf-8";
	char *body = xmalloc(n + 1);
	memset(body, c, n);
	html_set_bytes(r->out, body, n);
	free(body);
	resp_header(r, "Vary", "Accept");
}

static bool has(struct page_cache *pc, const char *path, long long stamp, const char *day, char *first)
{
	struct req r;
	req_init(&r, path);
	char *key = page_cache_key(&r);
	bool hit = page_cache_get(pc, key, stamp, day, &r);
	if (hit && first)
	{
		size_t len;
		const char *b = html_bytes(r.out, &len);
		*first = len ? b[0] : 0;
	}
	free(key);
	req_done(&r);
	return hit;
}

static void put(struct page_cache *pc, const char *path, long long stamp, const char *day, char c, size_t n)
{
	struct req r;
	render(&r, path, c, n);
	char *key = page_cache_key(&r);
	page_cache_put(pc, key, stamp, day, &r);
	free(key);
	req_done(&r);
}

static void test_keys(void)
{
	struct req a, b;
	req_init(&a, "/portal/matters");
	req_init(&b, "/portal/matters");
	kv_add(&a.query, "a", 1, "b=c", 3);
	kv_add(&b.query, "a=b", 3, "c", 1);
	char *ka = page_cache_key(&a), *kb = page_cache_key(&b);
	ok(!str_eq(ka, kb), "a=b=c and a%%3Db=c are different keys");
	free(kb);
	b.want_json = true;
	kv_free(&b.query);
	kv_add(&b.query, "a", 1, "b=c", 3);
	kb = page_cache_key(&b);
	ok(!str_eq(ka, kb), "HTML and JSON of one path and query are different keys");
	free(ka);
	free(kb);
	req_done(&a);
	req_done(&b);
}

static void test_hits_and_stamps(void)
{
	struct page_cache *pc = page_cache_new(1 << 20, 100);
	const char *d1 = "2026-12-01", *d2 = "2026-12-02";
	ok(!has(pc, "/a", 5, d1, NULL), "empty: a miss");
	put(pc, "/a", 5, d1, 'x', 100);
	struct req r;
	req_init(&r, "/a");
	char *key = page_cache_key(&r);
	ok(page_cache_get(pc, key, 5, d1, &r), "kept: a hit");
	is_int(r.status, 200, "... status 200");
	size_t blen;
	const char *bb = html_bytes(r.out, &blen);
	ok(blen == 100 && bb[99] == 'x', "... the body");
	is_str(r.ctype, "text/html; charset=utf-8", "... the content type");
	is_str(kv_get(&r.headers, "Vary"), "Accept", "... the handler's headers");
	free(key);
	req_done(&r);
	ok(!has(pc, "/a", 6, d1, NULL), "another stamp: a miss");
	ok(!has(pc, "/a", 5, d1, NULL), "... and the old entries are gone, even for the old stamp");
	put(pc, "/a", 5, d1, 'y', 10);
	ok(has(pc, "/a", 5, d1, NULL), "kept again under stamp 5");
	ok(!has(pc, "/a", 5, d2, NULL), "the next day: a miss");
	put(pc, "/a", 5, d1, 'z', 10);
	ok(!has(pc, "/a", 5, d2, NULL), "a page rendered on the previous day is not kept");
	ok(!has(pc, "/b", 7, d2, NULL), "the cache moves to stamp 7");
	put(pc, "/b", 6, d2, 'b', 10);
	ok(!has(pc, "/b", 7, d2, NULL), "a page rendered under an older stamp is not kept");
	put(pc, "/b", 7, d2, 'b', 10);
	put(pc, "/b", 7, d2, 'c', 10);
	char first = 0;
	ok(has(pc, "/b", 7, d2, &first) && first == 'c', "a second put replaces the entry");
	struct page_cache_stats s;
	page_cache_stats(pc, &s);
	is_int((long long)s.entries, 1, "one entry");
	ok(s.hits >= 3 && s.misses >= 5 && s.flushes >= 2, "hits, misses and flushes are counted");
	page_cache_free(pc);
}

static void test_bounds(void)
{
	/* 64 KiB: entries of ~4 KiB, at most 16 */
	struct page_cache *pc = page_cache_new(64 * 1024, 1000);
	const char *d = "2026-12-01";
	char path[32];
	ok(!has(pc, "/p/0", 1, d, NULL), "a new cache takes the stamp of its first lookup");
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof path, "/p/%d", i);
		put(pc, path, 1, d, 'a', 4000);
		if (i == 5)
			ok(has(pc, "/p/0", 1, d, NULL), "/p/0 used again after 5 others");
	}
	struct page_cache_stats s;
	page_cache_stats(pc, &s);
	ok(s.bytes <= 64 * 1024, "never more bytes than the bound");
	ok(s.entries >= 10 && s.entries <= 16, "as many ~4 KiB entries as fit in 64 KiB");
	ok(s.evictions >= 24, "the others were evicted");
	ok(has(pc, "/p/39", 1, d, NULL), "the most recent is kept");
	ok(!has(pc, "/p/1", 1, d, NULL), "the least recent went first");
	put(pc, "/big", 1, d, 'a', 9000);
	ok(!has(pc, "/big", 1, d, NULL), "a page larger than an eighth of the cache is not kept");
	page_cache_free(pc);

	pc = page_cache_new(1 << 20, 3);
	has(pc, "/q/0", 1, d, NULL);
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "/q/%d", i);
		put(pc, path, 1, d, 'a', 10);
	}
	page_cache_stats(pc, &s);
	is_int((long long)s.entries, 3, "never more entries than the bound");
	ok(!has(pc, "/q/0", 1, d, NULL) && !has(pc, "/q/1", 1, d, NULL) && has(pc, "/q/4", 1, d, NULL),
	   "the oldest two were evicted");
	page_cache_free(pc);
}

static void test_stamp_sharing(void)
{
	struct page_cache *pc = page_cache_new(1 << 20, 10);
	long long st = -1, t0 = 5000000000LL;
	unsigned long long gen;
	ok(!page_cache_stamp_recent(pc, t0, &st, &gen), "no stamp read yet");
	page_cache_stamp_note(pc, gen, t0, 7);
	ok(page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS / 2, &st, &gen) && st == 7,
	   "a read shared within the window");
	ok(!page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS, &st, &gen), "not after it");
	page_cache_stamp_note(pc, gen, t0 + PAGE_CACHE_STAMP_NS, 8);
	unsigned long long before;
	page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS + 1, &st, &before);
	page_cache_stamp_expire(pc);
	ok(!page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS + 2, &st, &gen), "a local change: read afresh");
	page_cache_stamp_note(pc, before, t0 + PAGE_CACHE_STAMP_NS + 1, 8);
	ok(!page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS + 3, &st, &gen),
	   "a read begun before the local change is not shared");
	page_cache_stamp_note(pc, gen, t0 + PAGE_CACHE_STAMP_NS + 3, 9);
	ok(page_cache_stamp_recent(pc, t0 + PAGE_CACHE_STAMP_NS + 4, &st, &gen) && st == 9, "one begun after it is");
	page_cache_free(pc);
}

int main(void)
{
	test_stamp_sharing();
	test_keys();
	test_hits_and_stamps();
	test_bounds();
	return tap_done();
}
