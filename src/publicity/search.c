/*
 * search.c - keyword search over the publicity catalogue.
 *
 * Chinese has no spaces between words, so search is a substring match:
 * every item stores a normalised search text (publicity_search_normalize of
 * its name, labels and descriptive fields) and each keyword becomes a bound
 * LIKE pattern "%word%" with '!' as the escape character, so '%' and '_'
 * typed by a user match themselves.  LIKE with a bound pattern and an
 * explicit ESCAPE is the same on SQLite and PostgreSQL; case differences
 * are removed beforehand by normalising both sides to lower-case ASCII.
 *
 * Synonyms: a small table of data (src/assets/data/synonyms.json, each
 * entry with its source) maps a short or colloquial term (民爆) to the
 * standard terms of the law and the catalogue (民用爆炸物品); the search
 * runs for the typed words and for each variant with a term replaced, and
 * merges the hits.
 */
#include "core/core.h"
#include "core/embedded.h"
#include <pthread.h>
#include "publicity/internal.h"

void publicity_search_normalize(const char *s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	bool pending_space = false;
	size_t start = out->len;
	while (*p) {
		unsigned cp_ascii = 0; /* an ASCII byte to emit, 0 = copy raw */
		size_t adv = 1;
		bool space = false;
		if (*p < 0x80) {
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
				space = true;
			else
				cp_ascii = *p;
		} else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			space = true; /* U+3000 ideographic space */
			adv = 3;
		} else if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
			/* U+FF01..U+FF5E full-width forms -> ASCII 0x21..0x7E */
			unsigned cp = ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			cp |= 0xF000u; /* EF xx xx is U+Fxxx */
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				cp_ascii = cp - 0xFEE0;
				adv = 3;
			}
		}
		if (space) {
			pending_space = true;
			p += adv;
			continue;
		}
		if (pending_space && out->len > start)
			buf_putc(out, ' ');
		pending_space = false;
		if (cp_ascii) {
			char c = (char)cp_ascii;
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			buf_putc(out, c);
			p += adv;
		} else {
			buf_putc(out, (char)*p);
			p++;
		}
	}
}

int publicity_keywords_split(const char *keywords, char **words, int max)
{
	struct buf b;
	buf_init(&b, 0);
	publicity_search_normalize(keywords, &b);
	int n = 0;
	const char *p = buf_str(&b);
	while (*p && n < max) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len)
			words[n++] = xstrndup(p, len);
		p += len + (sp ? 1 : 0);
	}
	buf_release(&b);
	return n;
}

/* ---- synonyms ---- */

struct synonym {
	char *term;
	char *exp[PUBLICITY_MAX_VARIANTS];
	int nexp;
};
static struct synonym *synonyms;
static size_t nsynonyms;
static pthread_once_t synonyms_once = PTHREAD_ONCE_INIT;

static char *normalized(const char *s)
{
	struct buf b;
	buf_init(&b, 0);
	publicity_search_normalize(s, &b);
	return buf_detach(&b, NULL);
}

static void synonyms_free(void)
{
	for (size_t i = 0; i < nsynonyms; i++) {
		free(synonyms[i].term);
		for (int k = 0; k < synonyms[i].nexp; k++)
			free(synonyms[i].exp[k]);
	}
	free(synonyms);
}

static void synonyms_load(void)
{
	const struct embedded_file *f = embedded_find("data/synonyms.json");
	json_error_t je;
	json_t *doc = f ? json_loadb((const char *)f->data, f->len, 0, &je) : NULL;
	json_t *list = json_object_get(doc, "synonyms");
	if (!json_is_array(list)) {
		log_error("搜索同义词表 data/synonyms.json 缺失或格式错误");
		json_decref(doc);
		return;
	}
	synonyms = xcalloc(json_array_size(list) + 1, sizeof *synonyms);
	size_t i, k;
	json_t *it, *x;
	json_array_foreach(list, i, it) {
		const char *term = json_string_value(json_object_get(it, "term"));
		if (str_empty(term))
			continue;
		struct synonym *sy = &synonyms[nsynonyms++];
		sy->term = normalized(term);
		json_array_foreach(json_object_get(it, "expansions"), k, x)
			if (json_is_string(x) && sy->nexp < PUBLICITY_MAX_VARIANTS)
				sy->exp[sy->nexp++] = normalized(json_string_value(x));
	}
	json_decref(doc);
	atexit(synonyms_free);
}

int publicity_word_variants(const char *word, char **out, int max)
{
	if (max <= 0)
		return 0;
	pthread_once(&synonyms_once, synonyms_load);
	int n = 0;
	out[n++] = xstrdup(word);
	for (size_t i = 0; i < nsynonyms && n < max; i++) {
		const char *at = strstr(word, synonyms[i].term);
		if (!at || str_empty(synonyms[i].term))
			continue;
		size_t pre = (size_t)(at - word), tl = strlen(synonyms[i].term);
		for (int k = 0; k < synonyms[i].nexp && n < max; k++) {
			struct buf b;
			buf_init(&b, 0);
			buf_add(&b, word, pre);
			buf_puts(&b, synonyms[i].exp[k]);
			buf_puts(&b, at + tl);
			out[n++] = buf_detach(&b, NULL);
		}
	}
	return n;
}

/* The keyword strings to search for keywords: the typed words first, then
 * each combination with one word replaced by one of its variants (at most
 * max strings, each xstrdup'd). */
static int keyword_variants(const char *keywords, char **out, int max)
{
	char *words[PUB_MAX_WORDS];
	int nw = publicity_keywords_split(keywords, words, PUB_MAX_WORDS), n = 0;
	out[n++] = xstrdup(keywords ? keywords : "");
	for (int w = 0; w < nw && n < max; w++) {
		char *vars[PUBLICITY_MAX_VARIANTS];
		int nv = publicity_word_variants(words[w], vars, PUBLICITY_MAX_VARIANTS);
		for (int v = 1; v < nv && n < max; v++) {
			struct buf b;
			buf_init(&b, 0);
			for (int j = 0; j < nw; j++) {
				if (j)
					buf_putc(&b, ' ');
				buf_puts(&b, j == w ? vars[v] : words[j]);
			}
			out[n++] = buf_detach(&b, NULL);
		}
		for (int v = 0; v < nv; v++)
			free(vars[v]);
	}
	for (int w = 0; w < nw; w++)
		free(words[w]);
	return n;
}

/* Append the entries of src not yet in dst (same "id"), up to limit. */
static void merge_items(json_t *dst, json_t *src, int limit)
{
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(src, i, a) {
		if ((int)json_array_size(dst) >= limit)
			return;
		bool seen = false;
		json_array_foreach(dst, j, b)
			seen |= json_integer_value(json_object_get(a, "id")) == json_integer_value(json_object_get(b, "id"));
		if (!seen)
			json_array_append(dst, a);
	}
}

void publicity_like_pattern(const char *word, struct buf *out)
{
	buf_putc(out, '%');
	for (const char *p = word; *p; p++) {
		if (*p == '!' || *p == '%' || *p == '_')
			buf_putc(out, '!');
		buf_putc(out, *p);
	}
	buf_putc(out, '%');
}

void pub_patterns_build(struct pub_patterns *p, const char *keywords)
{
	char *words[PUB_MAX_WORDS];
	p->n = publicity_keywords_split(keywords, words, PUB_MAX_WORDS);
	for (int i = 0; i < p->n; i++) {
		buf_init(&p->pat[i], 0);
		publicity_like_pattern(words[i], &p->pat[i]);
		free(words[i]);
	}
}

void pub_patterns_free(struct pub_patterns *p)
{
	for (int i = 0; i < p->n; i++)
		buf_release(&p->pat[i]);
	p->n = 0;
}

static void add_str(struct buf *raw, const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!str_empty(s)) {
		buf_puts(raw, s);
		buf_putc(raw, ' ');
	}
}

static void add_basis(struct buf *raw, const json_t *content)
{
	size_t i;
	const json_t *b;
	json_array_foreach(json_object_get(content, "basis"), i, b) {
		add_str(raw, b, "law");
		add_str(raw, b, "article");
	}
}

void pub_search_text(enum pub_kind kind, const json_t *content, const char *unit_name, struct buf *out)
{
	struct buf raw;
	buf_init(&raw, 0);
	add_str(&raw, content, "name");
	buf_puts(&raw, pub_kind_label(kind));
	buf_putc(&raw, ' ');
	if (unit_name) {
		buf_puts(&raw, unit_name);
		buf_putc(&raw, ' ');
	}
	size_t i;
	const json_t *it;
	switch (kind) {
	case PUB_MATTER: {
		const char *label = pub_category_label(json_string_value(json_object_get(content, "category")));
		if (label) {
			buf_puts(&raw, label);
			buf_putc(&raw, ' ');
		}
		add_str(&raw, content, "duties");
		add_str(&raw, content, "authority");
		add_basis(&raw, content);
		json_array_foreach(json_object_get(content, "procedure"), i, it)
			add_str(&raw, it, "name");
		json_array_foreach(json_object_get(content, "remedy"), i, it)
			add_str(&raw, it, "body");
		break;
	}
	case PUB_GUIDE:
		add_str(&raw, content, "accepting_body");
		add_str(&raw, content, "approving_body");
		add_str(&raw, content, "conditions");
		json_array_foreach(json_object_get(content, "materials"), i, it) {
			buf_puts(&raw, json_string_value(it));
			buf_putc(&raw, ' ');
		}
		add_basis(&raw, content);
		break;
	case PUB_INSPECTION:
		add_str(&raw, content, "content");
		add_str(&raw, content, "method");
		add_str(&raw, content, "inspecting_unit");
		add_basis(&raw, content);
		break;
	}
	publicity_search_normalize(buf_str(&raw), out);
	buf_release(&raw);
}

/* The search for one keyword string (see publicity_search). */
static json_t *search_one(struct db *db, const char *keywords, int limit, struct err *e)
{
	json_t *out = json_object();
	json_object_set_new(out, "keyword", json_string(keywords ? keywords : ""));
	static const struct {
		enum pub_kind kind;
		const char *key;
	} lists[] = { { PUB_MATTER, "matters" }, { PUB_GUIDE, "guides" }, { PUB_INSPECTION, "inspections" } };
	struct pub_patterns pp;
	pub_patterns_build(&pp, keywords);
	if (pp.n == 0) { /* nothing to look for: empty lists, not everything */
		for (size_t k = 0; k < ARRAY_SIZE(lists); k++)
			json_object_set_new(out, lists[k].key, json_array());
		json_object_set_new(out, "units", json_array());
		return out;
	}
	for (size_t k = 0; k < ARRAY_SIZE(lists); k++) {
		struct publicity_query q = { .keyword = keywords, .per_page = limit, .page = 1 };
		json_t *l = publicity_portal_list(db, lists[k].kind, &q, e);
		if (!l) {
			pub_patterns_free(&pp);
			json_decref(out);
			return NULL;
		}
		json_object_set(out, lists[k].key, json_object_get(l, "items"));
		json_decref(l);
	}

	/* units, by name */
	struct buf sql;
	buf_init(&sql, 0);
	struct db_val params[2 * PUB_MAX_WORDS + 2];
	int np = 0;
	buf_puts(&sql, "SELECT id, name, code FROM units WHERE 1=1");
	for (int i = 0; i < pp.n; i++) {
		buf_puts(&sql, " AND LOWER(name) LIKE ? ESCAPE '!'");
		params[np++] = DB_TEXT(buf_str(&pp.pat[i]));
	}
	buf_puts(&sql, " ORDER BY sort, id LIMIT ?");
	params[np++] = DB_INT(limit);
	params[np] = DB_END;
	struct db_res *r;
	int rc = db_query_a(db, buf_str(&sql), params, &r);
	buf_release(&sql);
	pub_patterns_free(&pp);
	if (rc < 0) {
		json_decref(out);
		pub_db_fail(db, e);
		return NULL;
	}
	json_t *units = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(units, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_int(r, i, 0),
						       "name", db_text(r, i, 1), "code", db_text(r, i, 2)));
	db_res_free(r);
	json_object_set_new(out, "units", units);
	return out;
}

json_t *publicity_search(struct db *db, const char *keywords, int limit, struct err *e)
{
	if (limit <= 0)
		limit = 20;
	if (limit > 100)
		limit = 100;
	char *kws[8];
	int nk = keyword_variants(keywords, kws, 8);
	json_t *out = NULL, *also = json_array();
	for (int k = 0; k < nk; k++) {
		json_t *one = search_one(db, kws[k], limit, e);
		if (!one) {
			json_decref(out);
			out = NULL;
			break;
		}
		if (!out) {
			out = one;
			continue;
		}
		json_array_append_new(also, json_string(kws[k]));
		static const char *keys[] = { "matters", "guides", "inspections", "units" };
		for (size_t j = 0; j < ARRAY_SIZE(keys); j++)
			merge_items(json_object_get(out, keys[j]), json_object_get(one, keys[j]), limit);
		json_decref(one);
	}
	for (int k = 0; k < nk; k++)
		free(kws[k]);
	if (!out) {
		json_decref(also);
		return NULL;
	}
	json_object_set_new(out, "keyword", json_string(keywords ? keywords : ""));
	json_object_set_new(out, "also_searched", also);
	return out;
}
