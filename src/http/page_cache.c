/*
 * page_cache.c - public pages kept in memory (see page_cache.h): a hash
 * table of entries threaded on one LRU list, under one mutex.
 */
#include "core/core.h"
#include "http/page_cache.h"
#include "http/html_body.h"
#include <pthread.h>

struct entry {
	struct entry *hnext;           /* hash chain */
	struct entry *prev, *next;     /* LRU list, most recent first */
	unsigned long hash;
	char *key;
	int status;
	char *ctype;
	struct kv *headers;
	size_t nheaders;
	char *body;
	size_t body_len;
	size_t size;                   /* what it counts against max_bytes */
};

struct page_cache {
	pthread_mutex_t lock;
	size_t max_bytes, max_entries;
	struct entry **table;
	size_t nbuckets;               /* a power of two */
	struct entry *head, *tail;
	size_t entries, bytes;
	long long stamp;               /* -1: none yet */
	char day[11];
	unsigned long long hits, misses, evictions, flushes;
	/* the last stamp read (page_cache_stamp_recent) */
	long long read_stamp, read_began; /* read_began 0: none usable */
	unsigned long long read_gen;      /* advanced by page_cache_stamp_expire */
};

static unsigned long hash_str(const char *s)
{
	unsigned long h = 1469598103934665603UL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211UL;
	}
	return h;
}

struct page_cache *page_cache_new(size_t max_bytes, size_t max_entries)
{
	struct page_cache *pc = xcalloc(1, sizeof *pc);
	pthread_mutex_init(&pc->lock, NULL);
	pc->max_bytes = max_bytes ? max_bytes : 1;
	pc->max_entries = max_entries ? max_entries : 1;
	pc->nbuckets = 64;
	while (pc->nbuckets < pc->max_entries && pc->nbuckets < (1u << 20))
		pc->nbuckets <<= 1;
	pc->table = xcalloc(pc->nbuckets, sizeof *pc->table);
	pc->stamp = -1;
	return pc;
}

static void entry_free(struct entry *e)
{
	free(e->key);
	free(e->ctype);
	for (size_t i = 0; i < e->nheaders; i++) {
		free(e->headers[i].key);
		free(e->headers[i].val);
	}
	free(e->headers);
	free(e->body);
	free(e);
}

static void lru_unlink(struct page_cache *pc, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		pc->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		pc->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct page_cache *pc, struct entry *e)
{
	e->prev = NULL;
	e->next = pc->head;
	if (pc->head)
		pc->head->prev = e;
	pc->head = e;
	if (!pc->tail)
		pc->tail = e;
}

static void remove_entry(struct page_cache *pc, struct entry *e)
{
	struct entry **pp = &pc->table[e->hash & (pc->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(pc, e);
	pc->entries--;
	pc->bytes -= e->size;
	entry_free(e);
}

static void flush_all(struct page_cache *pc)
{
	while (pc->head)
		remove_entry(pc, pc->head);
	pc->flushes++;
}

void page_cache_free(struct page_cache *pc)
{
	if (!pc)
		return;
	flush_all(pc);
	free(pc->table);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
}

static struct entry *find(struct page_cache *pc, const char *key, unsigned long h)
{
	for (struct entry *e = pc->table[h & (pc->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && str_eq(e->key, key))
			return e;
	return NULL;
}

/* Under the lock: move the cache to stamp and day, dropping everything
 * kept under others. */
static void align(struct page_cache *pc, long long stamp, const char *day)
{
	if (pc->stamp == stamp && str_eq(pc->day, day))
		return;
	if (pc->head)
		flush_all(pc);
	pc->stamp = stamp;
	snprintf(pc->day, sizeof pc->day, "%s", day);
}

static void put_len(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:", strlen(s));
	buf_puts(b, s);
}

char *page_cache_key(const struct req *r)
{
	struct buf b;
	buf_init(&b, 0);
	/* the kind of answer first: /portal/... serves HTML or, asked for
	 * application/json, JSON */
	buf_putc(&b, r->want_json ? 'j' : 'h');
	put_len(&b, r->path);
	for (size_t i = 0; i < r->query.n; i++) {
		put_len(&b, r->query.items[i].key);
		put_len(&b, r->query.items[i].val);
	}
	return buf_detach(&b, NULL);
}

bool page_cache_get(struct page_cache *pc, const char *key, long long stamp, const char *day, struct req *r)
{
	unsigned long h = hash_str(key);
	pthread_mutex_lock(&pc->lock);
	align(pc, stamp, day);
	struct entry *e = find(pc, key, h);
	if (!e) {
		pc->misses++;
		pthread_mutex_unlock(&pc->lock);
		return false;
	}
	pc->hits++;
	lru_unlink(pc, e);
	lru_push(pc, e);
	r->status = e->status;
	r->ctype = req_strdup(r, e->ctype);
	for (size_t i = 0; i < e->nheaders; i++)
		kv_add(&r->headers, e->headers[i].key, strlen(e->headers[i].key), e->headers[i].val,
		       strlen(e->headers[i].val));
	html_set_bytes(r->out, e->body, e->body_len);
	pthread_mutex_unlock(&pc->lock);
	return true;
}

void page_cache_put(struct page_cache *pc, const char *key, long long stamp, const char *day, const struct req *r)
{
	size_t out_len;
	const char *out = html_bytes(r->out, &out_len);
	size_t size = sizeof(struct entry) + strlen(key) + 1 + out_len + 1;
	const char *ctype = r->ctype ? r->ctype : "text/html; charset=utf-8";
	size += strlen(ctype) + 1;
	for (size_t i = 0; i < r->headers.n; i++)
		size += sizeof(struct kv) + strlen(r->headers.items[i].key) + strlen(r->headers.items[i].val) + 2;
	if (size > pc->max_bytes / 8)
		return;
	struct entry *e = xcalloc(1, sizeof *e);
	e->hash = hash_str(key);
	e->key = xstrdup(key);
	e->status = r->status ? r->status : 200;
	e->ctype = xstrdup(ctype);
	e->nheaders = r->headers.n;
	e->headers = xcalloc(e->nheaders ? e->nheaders : 1, sizeof *e->headers);
	for (size_t i = 0; i < e->nheaders; i++) {
		e->headers[i].key = xstrdup(r->headers.items[i].key);
		e->headers[i].val = xstrdup(r->headers.items[i].val);
	}
	e->body = xmalloc(out_len + 1);
	if (out_len)
		memcpy(e->body, out, out_len);
	e->body[out_len] = '\0';
	e->body_len = out_len;
	e->size = size;

	pthread_mutex_lock(&pc->lock);
	if (pc->stamp != stamp || !str_eq(pc->day, day)) {
		/* the portal changed (or the day turned) while this was rendered */
		pthread_mutex_unlock(&pc->lock);
		entry_free(e);
		return;
	}
	struct entry *old = find(pc, key, e->hash);
	if (old)
		remove_entry(pc, old);
	while (pc->tail && (pc->bytes + size > pc->max_bytes || pc->entries + 1 > pc->max_entries)) {
		remove_entry(pc, pc->tail);
		pc->evictions++;
	}
	struct entry **bucket = &pc->table[e->hash & (pc->nbuckets - 1)];
	e->hnext = *bucket;
	*bucket = e;
	lru_push(pc, e);
	pc->entries++;
	pc->bytes += size;
	pthread_mutex_unlock(&pc->lock);
}

bool page_cache_stamp_recent(struct page_cache *pc, long long now, long long *stamp, unsigned long long *gen)
{
	pthread_mutex_lock(&pc->lock);
	bool ok = pc->read_began && now - pc->read_began < PAGE_CACHE_STAMP_NS && now >= pc->read_began;
	if (ok)
		*stamp = pc->read_stamp;
	*gen = pc->read_gen;
	pthread_mutex_unlock(&pc->lock);
	return ok;
}

void page_cache_stamp_note(struct page_cache *pc, unsigned long long gen, long long began, long long stamp)
{
	pthread_mutex_lock(&pc->lock);
	/* a read begun before a local change may predate it: not kept */
	if (gen == pc->read_gen && began >= pc->read_began) {
		pc->read_began = began;
		pc->read_stamp = stamp;
	}
	pthread_mutex_unlock(&pc->lock);
}

void page_cache_stamp_expire(struct page_cache *pc)
{
	pthread_mutex_lock(&pc->lock);
	pc->read_gen++;
	pc->read_began = 0;
	pthread_mutex_unlock(&pc->lock);
}

void page_cache_stats(struct page_cache *pc, struct page_cache_stats *out)
{
	pthread_mutex_lock(&pc->lock);
	out->entries = pc->entries;
	out->bytes = pc->bytes;
	out->hits = pc->hits;
	out->misses = pc->misses;
	out->evictions = pc->evictions;
	out->flushes = pc->flushes;
	pthread_mutex_unlock(&pc->lock);
}
