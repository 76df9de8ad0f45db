/*
 * hash.c - SHA-256 and SM3 in one pass (OpenSSL 3 EVP), and the pipe that
 * computes them (and writes the bytes) on separate threads.  See hash.h.
 *
 * Pipe invariants: slot k of the ring holds sequence number s with
 * s % HASH2_PIPE_SLOTS == k; the producer fills slots in sequence order
 * and publishes one (filled++) only when it is full or at the finish;
 * each worker w consumes published slots in order (done[w]++ after) and
 * only reads them (the writer may zero the padding past len); the
 * producer reuses a slot only when every done[w] is past it.  All
 * counters are read and written under mu, which also orders the slot
 * contents between threads.
 */
#include "core/core.h"
#include "core/hash.h"
#include <openssl/evp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIO_ALIGN 4096 /* covers 512-byte and 4 KiB logical blocks */

_Static_assert(HASH2_PIPE_SLOT % DIO_ALIGN == 0, "slots must be whole direct-I/O blocks");

static EVP_MD_CTX *md_start(const char *name)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	if (!md)
		BUG("OpenSSL has no %s digest", name);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, md, NULL) != 1)
		BUG("EVP_DigestInit_ex(%s) failed", name);
	EVP_MD_free(md);
	return c;
}

void hash2_init(struct hash2 *h)
{
	h->sha256 = md_start("SHA256");
	h->sm3 = md_start("SM3");
	h->n = 0;
}

void hash2_update(struct hash2 *h, const void *data, size_t n)
{
	if (!n)
		return;
	if (EVP_DigestUpdate(h->sha256, data, n) != 1 || EVP_DigestUpdate(h->sm3, data, n) != 1)
		BUG("EVP_DigestUpdate failed");
	h->n += n;
}

void hash2_final(struct hash2 *h, struct hash2_result *out)
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(h->sha256, out->sha256, &len) != 1 || len != HASH_LEN)
		BUG("SHA-256 final failed");
	if (EVP_DigestFinal_ex(h->sm3, out->sm3, &len) != 1 || len != HASH_LEN)
		BUG("SM3 final failed");
	hex_encode(out->sha256, HASH_LEN, out->sha256_hex);
	hex_encode(out->sm3, HASH_LEN, out->sm3_hex);
	out->size = h->n;
	hash2_abort(h);
}

void hash2_abort(struct hash2 *h)
{
	EVP_MD_CTX_free(h->sha256);
	EVP_MD_CTX_free(h->sm3);
	h->sha256 = h->sm3 = NULL;
}

long long hash2_fd(struct hash2 *h, int fd, long long limit)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf = xmalloc(CHUNK);
	/* through a pipe when one is free, else on this thread */
	struct hash2_pipe *p = hash2_pipe_start(h, -1, 0, 0);
	long long off = 0;
	while (limit < 0 || off < limit) {
		size_t want = CHUNK;
		if (limit >= 0 && (long long)want > limit - off)
			want = (size_t)(limit - off);
		ssize_t got = pread(fd, buf, want, off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			if (p)
				hash2_pipe_finish(p);
			free(buf);
			return -1;
		}
		if (got == 0)
			break;
		if (p)
			hash2_pipe_add(p, buf, (size_t)got);
		else
			hash2_update(h, buf, (size_t)got);
		off += got;
	}
	if (p)
		hash2_pipe_finish(p);
	free(buf);
	if (limit >= 0 && off != limit)
		return -1;
	return off;
}

bool hash_hex_valid(const char *s)
{
	return hex_valid(s, 2 * HASH_LEN);
}

/* ---- the pipe ---- */

enum { W_SM3, W_SHA, W_WRITE, W_MAX };

struct pipe_slot {
	long long off; /* file offset of the slot's byte 0 */
	size_t skip;   /* leading bytes read back from the file (direct-I/O
			* alignment): written again, not hashed */
	size_t len;    /* bytes in the slot, skip included */
};

struct pipe_worker {
	struct hash2_pipe *p;
	int kind;
	pthread_t thr;
};

struct hash2_pipe {
	struct hash2 *h;
	int fd, saved_flags;
	bool direct;     /* fd has O_DIRECT (the writer may clear it) */
	bool padded;     /* a direct write went past the last byte */
	bool restore;    /* fd's flags were changed: restore saved_flags */
	unsigned char *mem;
	struct pipe_slot slot[HASH2_PIPE_SLOTS];
	bool have_cur;   /* slot filled % SLOTS is being filled */
	long long next_off, end;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	unsigned long long filled, done[W_MAX];
	bool closing;
	int werr;        /* first write errno (set by the writer) */
	int nworkers;
	struct pipe_worker w[W_MAX];
};

static int pwrite_all(int fd, const unsigned char *c, size_t n, long long off)
{
	while (n) {
		ssize_t k = pwrite(fd, c, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0) {
			errno = EIO;
			return -1;
		}
		c += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

/* Write a slot to the file; 0 or an errno. */
static int slot_write(struct hash2_pipe *p, struct pipe_slot *s, unsigned char *buf)
{
	if (p->direct) {
		size_t wlen = (s->len + DIO_ALIGN - 1) / DIO_ALIGN * DIO_ALIGN;
		if (wlen > s->len) {
			memset(buf + s->len, 0, wlen - s->len);
			p->padded = true;
		}
		if (pwrite_all(p->fd, buf, wlen, s->off) == 0)
			return 0;
		if (errno != EINVAL)
			return errno;
		/* the file system refuses direct I/O here: ordinary writes */
		fcntl(p->fd, F_SETFL, p->saved_flags & ~O_DIRECT);
		p->direct = false;
	}
	if (pwrite_all(p->fd, buf + s->skip, s->len - s->skip, s->off + (long long)s->skip) < 0)
		return errno;
	return 0;
}

static void *pipe_worker_main(void *arg)
{
	struct pipe_worker *w = arg;
	struct hash2_pipe *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->done[w->kind] == p->filled && !p->closing)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->done[w->kind] == p->filled) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		unsigned long long seq = p->done[w->kind];
		pthread_mutex_unlock(&p->mu);
		size_t k = (size_t)(seq % HASH2_PIPE_SLOTS);
		struct pipe_slot *s = &p->slot[k];
		unsigned char *buf = p->mem + k * (size_t)HASH2_PIPE_SLOT;
		if (w->kind == W_WRITE) {
			/* after a failed write the rest is only consumed */
			if (!__atomic_load_n(&p->werr, __ATOMIC_RELAXED)) {
				int we = slot_write(p, s, buf);
				if (we)
					__atomic_store_n(&p->werr, we, __ATOMIC_RELAXED);
			}
		} else if (s->len > s->skip) {
			void *ctx = w->kind == W_SM3 ? p->h->sm3 : p->h->sha256;
			if (EVP_DigestUpdate(ctx, buf + s->skip, s->len - s->skip) != 1)
				BUG("EVP_DigestUpdate failed");
		}
		pthread_mutex_lock(&p->mu);
		p->done[w->kind]++;
		pthread_cond_broadcast(&p->room);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Fail the next n thread starts (tests: resource exhaustion). */
static int fail_threads;

void hash2_pipe_fail_threads(int n)
{
	__atomic_store_n(&fail_threads, n, __ATOMIC_RELAXED);
}

static int pipe_thread_start(struct pipe_worker *w)
{
	if (__atomic_load_n(&fail_threads, __ATOMIC_RELAXED) > 0) {
		__atomic_fetch_sub(&fail_threads, 1, __ATOMIC_RELAXED);
		return EAGAIN;
	}
	return pthread_create(&w->thr, NULL, pipe_worker_main, w);
}

/* Wait for the next slot to be free and make it current. */
static struct pipe_slot *slot_acquire(struct hash2_pipe *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		unsigned long long low = p->filled;
		for (int i = 0; i < p->nworkers; i++)
			if (p->done[p->w[i].kind] < low)
				low = p->done[p->w[i].kind];
		if (p->filled - low < HASH2_PIPE_SLOTS)
			break;
		pthread_cond_wait(&p->room, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	struct pipe_slot *s = &p->slot[p->filled % HASH2_PIPE_SLOTS];
	s->off = p->next_off;
	s->skip = s->len = 0;
	p->have_cur = true;
	return s;
}

static void slot_publish(struct hash2_pipe *p)
{
	struct pipe_slot *s = &p->slot[p->filled % HASH2_PIPE_SLOTS];
	p->next_off = s->off + (long long)s->len;
	p->have_cur = false;
	pthread_mutex_lock(&p->mu);
	p->filled++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

/* ---- the bound on concurrent pipes ---- */

static pthread_mutex_t pipes_mu = PTHREAD_MUTEX_INITIALIZER;
static int pipes_max, pipes_used;

static int pipes_default(void)
{
	const char *s = getenv("ZHIFA_HASH_PIPES");
	long long v;
	if (s && *s && str_to_ll(s, 1, 1024, &v) == 0)
		return (int)v;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 2 ? 2 : n > 64 ? 64 : (int)n;
}

void hash2_pipe_limit(int n)
{
	pthread_mutex_lock(&pipes_mu);
	pipes_max = n > 0 ? n : pipes_default();
	pthread_mutex_unlock(&pipes_mu);
}

int hash2_pipe_max(void)
{
	pthread_mutex_lock(&pipes_mu);
	if (!pipes_max)
		pipes_max = pipes_default();
	int n = pipes_max;
	pthread_mutex_unlock(&pipes_mu);
	return n;
}

static bool pipes_take(void)
{
	pthread_mutex_lock(&pipes_mu);
	if (!pipes_max)
		pipes_max = pipes_default();
	bool ok = pipes_used < pipes_max;
	if (ok)
		pipes_used++;
	pthread_mutex_unlock(&pipes_mu);
	return ok;
}

static void pipes_give(void)
{
	pthread_mutex_lock(&pipes_mu);
	pipes_used--;
	pthread_mutex_unlock(&pipes_mu);
}

struct hash2_pipe *hash2_pipe_start(struct hash2 *h, int fd, long long off, unsigned flags)
{
	if (!pipes_take()) {
		errno = EBUSY;
		return NULL;
	}
	struct hash2_pipe *p = xcalloc(1, sizeof *p);
	p->h = h;
	p->fd = fd;
	p->next_off = p->end = fd >= 0 ? off : 0;
	/* mmap, not malloc: the ring is returned to the system at the finish
	 * (a freed malloc block of this size may stay in a thread's arena) */
	size_t total = (size_t)HASH2_PIPE_SLOTS * HASH2_PIPE_SLOT;
	p->mem = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->mem == MAP_FAILED) {
		int saved = errno;
		log_error("hash: mmap of %zu bytes failed: %s", total, strerror(saved));
		free(p);
		pipes_give();
		errno = saved;
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->room, NULL);
	if (fd >= 0 && (flags & HASH2_PIPE_DIRECT)) {
		p->saved_flags = fcntl(fd, F_GETFL);
		long long lead = off % DIO_ALIGN;
		struct pipe_slot *s = slot_acquire(p);
		s->off = off - lead;
		/* the block holding off begins with bytes already in the file:
		 * read them back so that whole blocks are written */
		if (p->saved_flags >= 0 &&
		    (lead == 0 || pread(fd, p->mem, (size_t)lead, off - lead) == (ssize_t)lead) &&
		    fcntl(fd, F_SETFL, p->saved_flags | O_DIRECT) == 0) {
			p->direct = p->restore = true;
			s->skip = s->len = (size_t)lead;
		} else {
			s->off = off;
		}
	}
	int want = fd >= 0 ? 3 : 2;
	for (int i = 0; i < want; i++) {
		p->w[i].p = p;
		p->w[i].kind = i;
		int rc = pipe_thread_start(&p->w[i]);
		if (rc != 0) {
			/* no thread: stop those started, give everything back */
			log_error("hash: cannot start a thread: %s", strerror(rc));
			pthread_mutex_lock(&p->mu);
			p->closing = true;
			pthread_cond_broadcast(&p->work);
			pthread_mutex_unlock(&p->mu);
			for (int j = 0; j < p->nworkers; j++)
				pthread_join(p->w[j].thr, NULL);
			if (p->restore)
				fcntl(p->fd, F_SETFL, p->saved_flags);
			pthread_cond_destroy(&p->work);
			pthread_cond_destroy(&p->room);
			pthread_mutex_destroy(&p->mu);
			munmap(p->mem, total);
			free(p);
			pipes_give();
			errno = rc;
			return NULL;
		}
		p->nworkers = i + 1;
	}
	return p;
}

int hash2_pipe_add(struct hash2_pipe *p, const void *data, size_t n)
{
	const unsigned char *c = data;
	while (n) {
		struct pipe_slot *s = p->have_cur ? &p->slot[p->filled % HASH2_PIPE_SLOTS] : slot_acquire(p);
		size_t k = HASH2_PIPE_SLOT - s->len;
		if (k > n)
			k = n;
		memcpy(p->mem + (p->filled % HASH2_PIPE_SLOTS) * (size_t)HASH2_PIPE_SLOT + s->len, c, k);
		s->len += k;
		c += k;
		n -= k;
		p->h->n += k;
		p->end += (long long)k;
		if (s->len == HASH2_PIPE_SLOT)
			slot_publish(p);
	}
	int we = __atomic_load_n(&p->werr, __ATOMIC_RELAXED);
	if (we) {
		errno = we;
		return -1;
	}
	return 0;
}

int hash2_pipe_finish(struct hash2_pipe *p)
{
	if (p->have_cur && p->slot[p->filled % HASH2_PIPE_SLOTS].len > p->slot[p->filled % HASH2_PIPE_SLOTS].skip)
		slot_publish(p);
	pthread_mutex_lock(&p->mu);
	p->closing = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->w[i].thr, NULL);
	int err = p->werr;
	if (p->restore) {
		if (p->padded && !err && ftruncate(p->fd, p->end) < 0)
			err = errno;
		fcntl(p->fd, F_SETFL, p->saved_flags);
	}
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->room);
	pthread_mutex_destroy(&p->mu);
	munmap(p->mem, (size_t)HASH2_PIPE_SLOTS * HASH2_PIPE_SLOT);
	free(p);
	pipes_give();
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
