/*
 * search.c - the bigram index of published decisions and its queries
 * (search.h; the tables are migration 034).
 *
 * Indexing: the normalised text (dsearch_normalize) is cut into runs at
 * spaces; each pair of adjacent code points of a run is a term
 * c1 * 0x110000 + c2, and the last code point of a run also gives
 * c * 0x110000 + 0, so every character starts at least one term.
 *
 * A query word of two or more characters is looked up by its bigrams, one
 * of one character by the range of terms it starts.  Of all the query's
 * terms the rarest drives the scan (a bounded count per term, so probing
 * costs the same at any size); up to seven more are required by EXISTS on
 * the primary key, and every candidate is then checked against the stored
 * text, word by word, which also covers the words beyond those eight terms.
 * A query that is exactly a decision number finds it by its column first.
 * The SQL texts are literals (one per number of EXISTS terms), every value
 * bound.
 */
#include "core/core.h"
#include "disclosure/search.h"
#include "publicity/publicity.h"

#define PROBE_CAP 5000        /* postings counted per term when choosing the driver */
#define BATCH 1000            /* postings read per round trip, at most */
#define RANGE_ORDERED_MAX 50000 /* a one-character range this small is read in id order */
#define MAX_ALTS 4            /* the typed query and synonym variants */
#define MAX_EXISTS 7          /* terms required besides the driver, by EXISTS */

static int db_fail(struct db *db, struct err *e)
{
	log_error("公开检索数据库操作失败: %s", db_errmsg(db));
	return err_set(e, ERR_INTERNAL, "", "数据库操作失败,请稍后重试");
}

/* ---- text ---- */

/* One code point of UTF-8 at p (NUL-terminated); invalid bytes are
 * U+FFFD one byte at a time.  Sets *adv. */
static unsigned utf8_next(const unsigned char *p, size_t *adv)
{
	unsigned c = p[0];
	if (c < 0x80) {
		*adv = 1;
		return c;
	}
	int n = c >= 0xF5 ? -1 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
	if (n < 0) {
		*adv = 1;
		return 0xFFFD;
	}
	unsigned cp = c & (0x3F >> n);
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*adv = 1;
			return 0xFFFD;
		}
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
		*adv = 1;
		return 0xFFFD;
	}
	*adv = (size_t)n + 1;
	return cp;
}

static void utf8_put(struct buf *b, unsigned cp)
{
	char s[4];
	size_t n;
	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xC0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xE0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (char)(0xF0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		s[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(b, s, n);
}

/* Punctuation and symbols that separate words (after publicity's folding
 * of full-width forms to ASCII): ASCII punctuation, general punctuation,
 * CJK symbols and punctuation except 々〆〇, the middle dot, half-width
 * CJK punctuation, and U+FFFD (bytes that were not UTF-8). */
static bool is_separator(unsigned cp)
{
	if (cp < 0x80)
		return cp <= ' ' || (cp < '0' && cp > ' ') || (cp > '9' && cp < 'A') || (cp > 'Z' && cp < 'a') ||
		       (cp > 'z' && cp < 0x7F) || cp == 0x7F;
	if (cp == 0xB7 || cp == 0xA0)
		return true;
	if (cp >= 0x2000 && cp <= 0x206F)
		return true;
	if (cp >= 0x3000 && cp <= 0x303F)
		return !(cp >= 0x3005 && cp <= 0x3007);
	if (cp >= 0xFE30 && cp <= 0xFE4F) /* CJK compatibility forms */
		return true;
	if (cp >= 0xFF00 && cp <= 0xFF0F)
		return true;
	if (cp >= 0xFF5B && cp <= 0xFF65)
		return true;
	return cp == 0xFFFD || cp == 0xFEFF;
}

void dsearch_normalize(const char *s, struct buf *out)
{
	struct buf tmp;
	buf_init(&tmp, 0);
	publicity_search_normalize(s, &tmp);
	const unsigned char *p = (const unsigned char *)buf_str(&tmp);
	bool pending = false;
	size_t start = out->len;
	while (*p) {
		size_t adv;
		unsigned cp = utf8_next(p, &adv);
		p += adv;
		if (is_separator(cp)) {
			pending = true;
			continue;
		}
		if (pending && out->len > start)
			buf_putc(out, ' ');
		pending = false;
		utf8_put(out, cp);
	}
	buf_release(&tmp);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

size_t dsearch_terms(const char *norm, long long **terms)
{
	size_t n = 0, cap = 64;
	long long *t = xmalloc(cap * sizeof *t);
	const unsigned char *p = (const unsigned char *)(norm ? norm : "");
	unsigned prev = 0;
	while (true) {
		size_t adv = 0;
		unsigned cp = *p ? utf8_next(p, &adv) : 0;
		if (cp == ' ')
			cp = 0;
		if (prev) {
			if (n == cap) {
				cap *= 2;
				t = xrealloc(t, cap * sizeof *t);
			}
			t[n++] = (long long)prev * DSEARCH_TERM_BASE + cp;
		}
		if (!*p)
			break;
		prev = cp;
		p += adv;
	}
	qsort(t, n, sizeof *t, cmp_ll);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || t[m - 1] != t[i])
			t[m++] = t[i];
	*terms = t;
	return m;
}

/* Append " s" (normalised) when s is not empty, counting characters. */
static void text_add(struct buf *out, const char *s)
{
	if (str_empty(s))
		return;
	if (out->len)
		buf_putc(out, ' ');
	dsearch_normalize(s, out);
}

void dsearch_text(const char *title, const char *party, const char *category, const char *decision_no,
		  const char *body_name, const char *unit_name, const json_t *content, struct buf *out)
{
	struct buf b;
	buf_init(&b, 0);
	text_add(&b, title);
	text_add(&b, party);
	text_add(&b, category);
	text_add(&b, decision_no);
	text_add(&b, body_name);
	text_add(&b, unit_name);
	json_t *fields = json_object_get(content, "fields");
	const char *k;
	json_t *v;
	json_object_foreach(fields, k, v) {
		if (json_is_string(v))
			text_add(&b, json_string_value(v));
	}
	text_add(&b, json_string_value(json_object_get(content, "text")));
	/* cut at DSEARCH_MAX_TEXT characters */
	const char *s = buf_str(&b);
	size_t i = 0, chars = 0;
	while (s[i] && chars < DSEARCH_MAX_TEXT) {
		size_t adv;
		utf8_next((const unsigned char *)s + i, &adv);
		i += adv;
		chars++;
	}
	while (i > 0 && s[i - 1] == ' ')
		i--;
	buf_add(out, s, i);
	buf_release(&b);
}

/* ---- the index ---- */

static int terms_delete(struct db *db, long long id, const char *text, struct err *e)
{
	long long *t;
	size_t n = dsearch_terms(text, &t);
	for (size_t i = 0; i < n; i++)
		if (db_exec(db, "DELETE FROM publication_terms WHERE term = ? AND publication_id = ?", DB_INT(t[i]),
			    DB_INT(id)) < 0) {
			free(t);
			return db_fail(db, e);
		}
	free(t);
	return 0;
}

int disclosure_search_update(struct db *db, long long id, struct err *e)
{
	struct db_res *old = NULL;
	if (db_query(db, &old, "SELECT text FROM publication_search WHERE publication_id = ?", DB_INT(id)) < 0)
		return db_fail(db, e);
	if (old->nrows) {
		int rc = terms_delete(db, id, db_text(old, 0, 0), e);
		if (rc == 0 && db_exec(db, "DELETE FROM publication_search WHERE publication_id = ?", DB_INT(id)) < 0)
			rc = db_fail(db, e);
		if (rc < 0) {
			db_res_free(old);
			return -1;
		}
	}
	db_res_free(old);
	struct db_res *r = NULL;
	if (db_query(db, &r,
		     "SELECT p.current_version, p.kind, p.body_unit_id, p.unit_id, p.category, p.decision_date,"
		     " p.title, p.party_name, p.decision_no, b.name, u.name, v.content"
		     " FROM publications p JOIN units b ON b.id = p.body_unit_id JOIN units u ON u.id = p.unit_id"
		     " JOIN publication_versions v ON v.publication_id = p.id AND v.version = p.current_version"
		     " WHERE p.id = ? AND p.state = 'published'",
		     DB_INT(id)) < 0)
		return db_fail(db, e);
	int rc = 0;
	if (r->nrows) {
		json_t *content = json_loads(db_text(r, 0, 11), 0, NULL);
		struct buf text;
		buf_init(&text, 0);
		dsearch_text(db_text(r, 0, 6), db_text(r, 0, 7), db_text(r, 0, 4), db_text(r, 0, 8), db_text(r, 0, 9),
			     db_text(r, 0, 10), content, &text);
		json_decref(content);
		if (db_exec(db,
			    "INSERT INTO publication_search (publication_id, version, kind, body_unit_id, unit_id, category,"
			    " decision_date, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			    DB_INT(id), DB_INT(db_int(r, 0, 0)), DB_TEXT(db_text(r, 0, 1)), DB_INT(db_int(r, 0, 2)),
			    DB_INT(db_int(r, 0, 3)), DB_TEXT(db_text(r, 0, 4)), DB_TEXT(db_text(r, 0, 5)),
			    DB_TEXT(buf_str(&text))) < 0)
			rc = db_fail(db, e);
		long long *t = NULL;
		size_t n = rc ? 0 : dsearch_terms(buf_str(&text), &t);
		for (size_t i = 0; i < n && rc == 0; i++)
			if (db_exec(db, "INSERT INTO publication_terms (term, publication_id) VALUES (?, ?)", DB_INT(t[i]),
				    DB_INT(id)) < 0)
				rc = db_fail(db, e);
		free(t);
		buf_release(&text);
	}
	db_res_free(r);
	return rc;
}

/* ---- queries ---- */

struct words {
	char *w[DSEARCH_MAX_WORDS];
	int n;
};

static void words_release(struct words *ws)
{
	for (int i = 0; i < ws->n; i++)
		free(ws->w[i]);
	ws->n = 0;
}

/* Split normalised text at spaces into ws (at most DSEARCH_MAX_WORDS, in
 * all at most *chars_left characters); true when something was cut. */
static bool words_split(const char *norm, struct words *ws, long *chars_left)
{
	bool cut = false;
	const char *p = norm;
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (ws->n == DSEARCH_MAX_WORDS || *chars_left <= 0) {
			cut = true;
			break;
		}
		size_t i = 0;
		long chars = 0;
		while (i < len && chars < *chars_left) {
			size_t adv;
			utf8_next((const unsigned char *)p + i, &adv);
			i += adv;
			chars++;
		}
		if (i < len)
			cut = true;
		*chars_left -= chars;
		char *w = xmalloc(i + 1);
		memcpy(w, p, i);
		w[i] = 0;
		bool dup = false;
		for (int k = 0; k < ws->n; k++)
			dup = dup || str_eq(ws->w[k], w);
		if (dup)
			free(w);
		else
			ws->w[ws->n++] = w;
		p += len;
		while (*p == ' ')
			p++;
	}
	return cut;
}

struct filt {
	const char *kind, *category, *from, *to;
	long long body, unit;
};

/* The filter values bound after the EXISTS terms, in the order of FILTER_SQL. */
#define FILTER_SQL \
	" AND (? = '' OR s.kind = ?) AND (? = 0 OR s.body_unit_id = ?) AND (? = 0 OR s.unit_id = ?)" \
	" AND (? = '' OR s.category = ?) AND (? = '' OR s.decision_date >= ?) AND (? = '' OR s.decision_date <= ?)"
/* The driver's postings, each with its text when it passes the other
 * terms and the filters (NULL otherwise), in one round trip: the count and
 * the lowest id read are the rows' own. */
#define DRIVER_HEAD "SELECT t.publication_id, CASE WHEN 1 = 1"
#define DRIVER_TEXT " THEN (SELECT s.text FROM publication_search s WHERE s.publication_id = t.publication_id"
#define DRIVER_TAIL \
	") END FROM (SELECT publication_id FROM publication_terms WHERE term = ?" \
	" AND publication_id < ? ORDER BY publication_id DESC LIMIT ?) t ORDER BY t.publication_id DESC"
/* a scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a semi
 * join hashing every posting of a common term; this stays one primary-key
 * lookup per candidate on both databases ((term, publication_id) is unique) */
#define EXISTS_SQL \
	" AND (SELECT 1 FROM publication_terms u WHERE u.term = ? AND u.publication_id = t.publication_id) IS NOT NULL"

#define EX2 EXISTS_SQL EXISTS_SQL
#define EX4 EX2 EX2
static const char *const driver_sql[MAX_EXISTS + 1] = {
	DRIVER_HEAD DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EXISTS_SQL DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX2 DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX2 EXISTS_SQL DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX4 DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX4 EXISTS_SQL DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX4 EX2 DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
	DRIVER_HEAD EX4 EX2 EXISTS_SQL DRIVER_TEXT FILTER_SQL DRIVER_TAIL,
};

#define RANGE_SQL \
	"SELECT s.publication_id, s.text FROM (SELECT publication_id FROM publication_terms WHERE term >= ?" \
	" AND term < ? AND publication_id < ? ORDER BY publication_id DESC LIMIT ?) t" \
	" JOIN publication_search s ON s.publication_id = t.publication_id WHERE 1 = 1" FILTER_SQL
#define RANGE_ANY_SQL \
	"SELECT s.publication_id, s.text FROM (SELECT DISTINCT publication_id FROM (SELECT publication_id" \
	" FROM publication_terms WHERE term >= ? AND term < ? AND publication_id < ? LIMIT ?) r) t" \
	" JOIN publication_search s ON s.publication_id = t.publication_id WHERE 1 = 1" FILTER_SQL

static size_t bind_filters(struct db_val *v, size_t k, const struct filt *f)
{
	const char *kind = f->kind ? f->kind : "", *cat = f->category ? f->category : "";
	const char *from = f->from ? f->from : "", *to = f->to ? f->to : "";
	v[k++] = DB_TEXT(kind);
	v[k++] = DB_TEXT(kind);
	v[k++] = DB_INT(f->body);
	v[k++] = DB_INT(f->body);
	v[k++] = DB_INT(f->unit);
	v[k++] = DB_INT(f->unit);
	v[k++] = DB_TEXT(cat);
	v[k++] = DB_TEXT(cat);
	v[k++] = DB_TEXT(from);
	v[k++] = DB_TEXT(from);
	v[k++] = DB_TEXT(to);
	v[k++] = DB_TEXT(to);
	v[k] = DB_END;
	return k;
}

struct hits {
	long long *id;
	size_t n, cap;
	long long floor;   /* every match with floor <= id < before is in id[] */
	bool partial;
	long long read;    /* postings read */
};

static void hits_add(struct hits *h, long long id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->id[i] == id)
			return;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->id = xrealloc(h->id, h->cap * sizeof *h->id);
	}
	h->id[h->n++] = id;
}

static int cmp_desc(const void *a, const void *b)
{
	return -cmp_ll(a, b);
}

static bool text_has_all(const char *text, const struct words *ws)
{
	for (int i = 0; i < ws->n; i++)
		if (!strstr(text, ws->w[i]))
			return false;
	return true;
}

/* Keep the rows of r whose text holds every word. */
static void take_rows(struct hits *h, struct db_res *r, const struct words *ws)
{
	for (int i = 0; i < r->nrows; i++)
		if (db_cell(r, i, 1) && text_has_all(db_cell(r, i, 1), ws))
			hits_add(h, db_int(r, i, 0));
}

static long long probe(struct db *db, long long term, int *rc)
{
	long long n = db_scalar_int(db, -1,
				    "SELECT COUNT(*) FROM (SELECT 1 FROM publication_terms WHERE term = ? LIMIT 5000) x",
				    (const struct db_val[]){ DB_INT(term), DB_END });
	if (n < 0)
		*rc = -1;
	return n;
}

static long long probe_range(struct db *db, long long lo, long long hi, int *rc)
{
	long long n = db_scalar_int(db, -1,
				    "SELECT COUNT(*) FROM (SELECT 1 FROM publication_terms WHERE term >= ? AND term < ?"
				    " LIMIT 50001) x",
				    (const struct db_val[]){ DB_INT(lo), DB_INT(hi), DB_END });
	if (n < 0)
		*rc = -1;
	return n;
}

struct pterm {
	long long term, count;
};

static int cmp_pterm(const void *a, const void *b)
{
	const struct pterm *x = a, *y = b;
	return x->count < y->count ? -1 : x->count > y->count;
}

/* First code point of a one-character word. */
static unsigned first_cp(const char *w)
{
	size_t adv;
	return utf8_next((const unsigned char *)w, &adv);
}

static bool one_char(const char *w)
{
	size_t adv;
	utf8_next((const unsigned char *)w, &adv);
	return w[adv] == 0;
}

/* One alternative (a list of words, all required).  Fills h. */
static int search_alt(struct db *db, const struct words *ws, const struct filt *f, long long before, int limit,
		      struct hits *h, struct err *e)
{
	h->floor = 0;
	if (!ws->n)
		return 0;
	/* the terms of the words of two characters or more */
	struct pterm pt[64];
	size_t npt = 0;
	for (int i = 0; i < ws->n; i++) {
		if (one_char(ws->w[i]))
			continue;
		long long *t;
		size_t n = dsearch_terms(ws->w[i], &t);
		for (size_t k = 0; k < n; k++) {
			if (t[k] % DSEARCH_TERM_BASE == 0)
				continue; /* the end-of-run term of the word */
			bool dup = false;
			for (size_t j = 0; j < npt; j++)
				dup = dup || pt[j].term == t[k];
			if (!dup && npt < ARRAY_SIZE(pt))
				pt[npt++] = (struct pterm){ t[k], 0 };
		}
		free(t);
	}
	int rc = 0;
	if (!npt) {
		/* only one-character words: the range of terms the first one starts */
		long long lo = (long long)first_cp(ws->w[0]) * DSEARCH_TERM_BASE, hi = lo + DSEARCH_TERM_BASE;
		long long size = probe_range(db, lo, hi, &rc);
		if (rc < 0)
			return db_fail(db, e);
		/* every publication in the range holds the character: a page
		 * needs a few postings per hit (one may start several terms) */
		long long want = 8 * (long long)limit;
		bool ordered = size <= RANGE_ORDERED_MAX;
		struct db_val v[20] = { DB_INT(lo), DB_INT(hi), DB_INT(before), DB_INT(want) };
		bind_filters(v, 4, f);
		struct db_res *r = NULL;
		if (db_query_a(db, ordered ? RANGE_SQL : RANGE_ANY_SQL, v, &r) < 0)
			return db_fail(db, e);
		take_rows(h, r, ws);
		db_res_free(r);
		h->read += want;
		if (!ordered) {
			/* an unordered sample of a very common character */
			h->partial = true;
			h->floor = 0;
			return 0;
		}
		struct db_res *st = NULL;
		if (db_query(db, &st,
			     "SELECT COUNT(*), MIN(publication_id) FROM (SELECT publication_id FROM publication_terms"
			     " WHERE term >= ? AND term < ? AND publication_id < ? ORDER BY publication_id DESC LIMIT ?) x",
			     DB_INT(lo), DB_INT(hi), DB_INT(before), DB_INT(want)) < 0)
			return db_fail(db, e);
		/* when the scan stopped at its limit, the postings below its lowest id were not read */
		h->floor = db_int(st, 0, 0) >= want ? db_int(st, 0, 1) : 0;
		db_res_free(st);
		return 0;
	}
	for (size_t i = 0; i < npt; i++) {
		pt[i].count = probe(db, pt[i].term, &rc);
		if (rc < 0)
			return db_fail(db, e);
		if (pt[i].count == 0)
			return 0; /* a bigram no publication has */
	}
	qsort(pt, npt, sizeof *pt, cmp_pterm);
	size_t nex = npt - 1 > MAX_EXISTS ? MAX_EXISTS : npt - 1;
	long long cursor = before;
	/* a common driver fills a page from its first postings: start small,
	 * double while the text check or the filters reject candidates */
	long long step = 2 * (long long)limit;
	while (true) {
		long long want = DSEARCH_BUDGET - h->read;
		if (want <= 0) {
			h->partial = true;
			h->floor = cursor;
			return 0;
		}
		if (want > step)
			want = step;
		if (step < BATCH)
			step *= 2;
		struct db_val v[32];
		size_t k = 0;
		for (size_t j = 1; j <= nex; j++)
			v[k++] = DB_INT(pt[j].term);
		k = bind_filters(v, k, f);
		v[k++] = DB_INT(pt[0].term);
		v[k++] = DB_INT(cursor);
		v[k++] = DB_INT(want);
		v[k] = DB_END;
		struct db_res *r = NULL;
		if (db_query_a(db, driver_sql[nex], v, &r) < 0)
			return db_fail(db, e);
		take_rows(h, r, ws);
		long long got = r->nrows, low = got ? db_int(r, r->nrows - 1, 0) : 0;
		db_res_free(r);
		h->read += got;
		if ((long long)h->n >= limit) {
			qsort(h->id, h->n, sizeof *h->id, cmp_desc);
			h->n = (size_t)limit;
			h->floor = h->id[limit - 1];
			return 0;
		}
		if (got < want) {
			h->floor = 0; /* the driver's postings are exhausted */
			return 0;
		}
		cursor = low;
	}
}

/* The alternatives of ws: the words as typed, then each word replaced by
 * each of its synonyms' expansions (publicity's table), at most MAX_ALTS. */
static int alternatives(const struct words *ws, struct words alts[MAX_ALTS], json_t *also)
{
	int n = 1;
	alts[0].n = 0;
	for (int i = 0; i < ws->n; i++)
		alts[0].w[alts[0].n++] = xstrdup(ws->w[i]);
	for (int i = 0; i < ws->n && n < MAX_ALTS; i++) {
		char *vars[PUBLICITY_MAX_VARIANTS];
		int nv = publicity_word_variants(ws->w[i], vars, PUBLICITY_MAX_VARIANTS);
		for (int v = 1; v < nv && n < MAX_ALTS; v++) {
			struct buf b;
			buf_init(&b, 0);
			for (int j = 0; j < ws->n; j++) {
				if (j)
					buf_putc(&b, ' ');
				if (j == i)
					dsearch_normalize(vars[v], &b);
				else
					buf_puts(&b, ws->w[j]);
			}
			alts[n].n = 0;
			long left = 4 * DSEARCH_MAX_CHARS;
			words_split(buf_str(&b), &alts[n], &left);
			struct buf shown;
			buf_init(&shown, 0);
			dsearch_normalize(vars[v], &shown);
			json_array_append_new(also, json_string(buf_str(&shown)));
			buf_release(&shown);
			buf_release(&b);
			n++;
		}
		for (int v = 0; v < nv; v++)
			free(vars[v]);
	}
	return n;
}

json_t *disclosure_search(struct db *db, const struct dsearch_query *q, struct err *e)
{
	/* look at the first 1024 bytes at most, cut at a character boundary */
	const char *in = q->q ? q->q : "";
	size_t len = strlen(in);
	bool truncated = false;
	if (len > 1024) {
		len = 1024;
		while (len > 0 && ((unsigned char)in[len] & 0xC0) == 0x80)
			len--;
		truncated = true;
	}
	char *cut = xmalloc(len + 1);
	memcpy(cut, in, len);
	cut[len] = 0;
	struct buf norm;
	buf_init(&norm, 0);
	dsearch_normalize(cut, &norm);
	free(cut);
	struct words ws = { .n = 0 };
	long left = DSEARCH_MAX_CHARS;
	truncated = words_split(buf_str(&norm), &ws, &left) || truncated;
	buf_release(&norm);
	json_t *words = json_array(), *also = json_array(), *ids = json_array();
	for (int i = 0; i < ws.n; i++)
		json_array_append_new(words, json_string(ws.w[i]));
	int limit = q->limit < 1 ? 20 : q->limit > 100 ? 100 : q->limit;
	long long before = q->before > 0 ? q->before : INT64_MAX;
	struct filt f = { q->kind, q->category, q->from, q->to, q->body_id, q->unit_id };
	bool partial = false;
	long long next = 0;
	struct hits all = { 0 }, exact = { 0 };
	if (ws.n && q->before <= 0) {
		/* a decision number as printed on the decision: its own index */
		char *t = xstrdup(in);
		size_t tl = strlen(t);
		while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
			t[--tl] = 0;
		const char *p = t;
		while (*p == ' ' || *p == '\t')
			p++;
		struct db_res *r = NULL;
		int qrc = tl < 200 ? db_query(db, &r, "SELECT id FROM publications WHERE decision_no = ? AND state = 'published'"
					      " ORDER BY id DESC LIMIT 5", DB_TEXT(p)) : 0;
		free(t);
		if (qrc < 0) {
			words_release(&ws);
			json_decref(words);
			json_decref(also);
			json_decref(ids);
			db_fail(db, e);
			return NULL;
		}
		for (int i = 0; r && i < r->nrows; i++)
			hits_add(&exact, db_int(r, i, 0));
		db_res_free(r);
	}
	if (exact.n) {
		/* the decision itself; words of its number elsewhere are not searched */
		for (size_t i = 0; i < exact.n; i++)
			json_array_append_new(ids, json_integer(exact.id[i]));
	} else if (ws.n) {
		struct words alts[MAX_ALTS];
		int nalt = alternatives(&ws, alts, also);
		long long floor = 0;
		int rc = 0;
		for (int a = 0; a < nalt; a++) {
			struct hits h = { 0 };
			if (rc == 0 && search_alt(db, &alts[a], &f, before, limit, &h, e) < 0)
				rc = -1;
			if (h.floor > floor)
				floor = h.floor;
			partial = partial || h.partial;
			for (size_t i = 0; i < h.n; i++)
				hits_add(&all, h.id[i]);
			free(h.id);
			words_release(&alts[a]);
		}
		if (rc < 0) {
			free(all.id);
			free(exact.id);
			words_release(&ws);
			json_decref(words);
			json_decref(also);
			json_decref(ids);
			return NULL;
		}
		if (all.n)
			qsort(all.id, all.n, sizeof *all.id, cmp_desc);
		size_t keep = 0;
		while (keep < all.n && keep < (size_t)limit && all.id[keep] >= floor)
			keep++;
		for (size_t i = 0; i < keep; i++)
			json_array_append_new(ids, json_integer(all.id[i]));
		if (keep == (size_t)limit && keep > 0)
			next = all.id[keep - 1];
		else if (floor > 0)
			next = floor;
	}
	free(all.id);
	free(exact.id);
	words_release(&ws);
	return json_pack("{s:o,s:o,s:o,s:o,s:b,s:b}", "words", words, "also_searched", also, "ids", ids, "next",
			 next > 0 ? json_integer(next) : json_null(), "partial", partial, "truncated", truncated);
}
