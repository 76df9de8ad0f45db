/*
 * page_cache.h - public pages kept in memory (routes flagged R_CACHE).
 *
 * What is kept: the status (200 only), the content type, the headers the
 * handler set (never Set-Cookie) and the body of a page rendered for the
 * public, keyed by HTML-or-JSON, path and query.  What is not: the
 * security headers and X-Request-Id, which the server adds to every
 * answer, cached or not.
 *
 * Coherence: the cache belongs to one state stamp (store/stamp.h,
 * STAMP_PORTAL) and one calendar day (certificate validity is judged
 * against today).  Each lookup passes the stamp the request just read and
 * today's date; when either differs from the cache's, every entry is
 * dropped first.  An entry is stored with the stamp read *before* its
 * page was rendered, and only while that is still the cache's stamp, so
 * a page is at worst rendered once too often, never served stale.
 *
 * Bounds: at most max_bytes of keys, headers and bodies and max_entries
 * entries; the least recently used go first.  Thread-safe (one mutex).
 */
#ifndef ZHIFA_PAGE_CACHE_H
#define ZHIFA_PAGE_CACHE_H
#include "core/core.h"
#include "http/http.h"

struct page_cache;

struct page_cache_stats {
	size_t entries, bytes;
	unsigned long long hits, misses, evictions, flushes;
};

/* A cache of at most max_bytes and max_entries (both > 0). */
struct page_cache *page_cache_new(size_t max_bytes, size_t max_entries);
void page_cache_free(struct page_cache *pc);

/* The cache key of r (its kind of answer, path and query), malloc'd. */
char *page_cache_key(const struct req *r);

/* Look key up under stamp and day (YYYY-MM-DD): on a hit, fill r's
 * status, content type, headers and body and return true. */
bool page_cache_get(struct page_cache *pc, const char *key, long long stamp, const char *day, struct req *r);

/* Keep r's answer under key, rendered after stamp was read on day.  Not
 * kept when the cache has moved to another stamp or day meanwhile, or
 * when the entry alone would take more than an eighth of the cache. */
void page_cache_put(struct page_cache *pc, const char *key, long long stamp, const char *day, const struct req *r);

void page_cache_stats(struct page_cache *pc, struct page_cache_stats *out);
#endif
