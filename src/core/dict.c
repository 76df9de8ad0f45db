/*
 * dict.c - the dictionary of codes (see dict.h), parsed from the embedded
 * data/dict.tsv on first use.
 *
 * Invariants: after dict_load() the table is immutable; entries of one
 * kind are contiguous (the file lists each kind in one block, checked at
 * load: a kind that reappears later is a BUG of the data file).
 */
#include "core/core.h"
#include "core/dict.h"
#include "core/embedded.h"
#include <pthread.h>

static struct dict_entry *entries;   /* code rows */
static size_t nentries;
static struct dict_entry *kinds;     /* "*" rows: code = kind, label = its name */
static size_t nkinds;
static char *text;                   /* the file's text, split in place */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t unknown_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dict_entry *unknown;   /* labels made for unknown codes */
static size_t nunknown;

/* Linear search: a few hundred entries at most. */
static const struct dict_entry *find(const char *kind, const char *code)
{
	for (size_t i = 0; i < nentries; i++)
		if (str_eq(entries[i].kind, kind) && str_eq(entries[i].code, code))
			return &entries[i];
	return NULL;
}

static void dict_load(void)
{
	const struct embedded_file *f = embedded_find("data/dict.tsv");
	if (!f)
		BUG("the embedded dictionary data/dict.tsv is missing");
	text = xstrndup((const char *)f->data, f->len);
	size_t cap = 16, kcap = 16;
	entries = xmalloc(cap * sizeof *entries);
	kinds = xmalloc(kcap * sizeof *kinds);
	char *line = text;
	int lineno = 0;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (*line && *line != '#') {
			char *t1 = strchr(line, '\t');
			char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			if (!t1 || !t2 || strchr(t2 + 1, '\t'))
				BUG("data/dict.tsv line %d: want KIND<TAB>CODE<TAB>LABEL", lineno);
			*t1 = *t2 = '\0';
			struct dict_entry e = { line, t1 + 1, t2 + 1 };
			if (!*e.kind || !*e.code || !*e.label)
				BUG("data/dict.tsv line %d: empty column", lineno);
			if (str_eq(e.code, "*")) {
				for (size_t i = 0; i < nkinds; i++)
					if (str_eq(kinds[i].code, e.kind))
						BUG("data/dict.tsv line %d: kind %s named twice", lineno, e.kind);
				if (nkinds == kcap)
					kinds = xrealloc(kinds, (kcap *= 2) * sizeof *kinds);
				kinds[nkinds++] = (struct dict_entry){ e.kind, e.kind, e.label };
			} else {
				if (nentries && !str_eq(entries[nentries - 1].kind, e.kind))
					for (size_t i = 0; i < nentries; i++)
						if (str_eq(entries[i].kind, e.kind))
							BUG("data/dict.tsv line %d: kind %s is split", lineno, e.kind);
				if (find(e.kind, e.code))
					BUG("data/dict.tsv line %d: %s %s listed twice", lineno, e.kind, e.code);
				if (nentries == cap)
					entries = xrealloc(entries, (cap *= 2) * sizeof *entries);
				entries[nentries++] = e;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

static void ensure(void)
{
	pthread_once(&once, dict_load);
}

const char *dict_find(const char *kind, const char *code)
{
	if (!kind || !code)
		return NULL;
	ensure();
	const struct dict_entry *e = find(kind, code);
	return e ? e->label : NULL;
}

bool dict_has(const char *kind, const char *code)
{
	return dict_find(kind, code) != NULL;
}

const char *dict_label(const char *kind, const char *code)
{
	if (str_empty(code))
		return "";
	const char *l = dict_find(kind, code);
	if (l)
		return l;
	const char *out = NULL;
	pthread_mutex_lock(&unknown_lock);
	for (size_t i = 0; i < nunknown && !out; i++)
		if (str_eq(unknown[i].kind, kind) && str_eq(unknown[i].code, code))
			out = unknown[i].label;
	if (!out && nunknown < 256) {
		log_warn("dictionary: no label for %s %s", kind ? kind : "", code);
		unknown = xrealloc(unknown, (nunknown + 1) * sizeof *unknown);
		unknown[nunknown] = (struct dict_entry){ xstrdup(kind ? kind : ""), xstrdup(code),
							 xasprintf("未登记的代码（%s）", code) };
		out = unknown[nunknown++].label;
	}
	pthread_mutex_unlock(&unknown_lock);
	return out ? out : "未登记的代码";
}

const char *dict_kind_label(const char *kind)
{
	ensure();
	for (size_t i = 0; i < nkinds; i++)
		if (str_eq(kinds[i].code, kind))
			return kinds[i].label;
	return "";
}

const struct dict_entry *dict_entries(const char *kind, size_t *n)
{
	ensure();
	for (size_t i = 0; i < nentries; i++) {
		if (!str_eq(entries[i].kind, kind))
			continue;
		size_t j = i;
		while (j < nentries && str_eq(entries[j].kind, kind))
			j++;
		*n = j - i;
		return &entries[i];
	}
	*n = 0;
	return NULL;
}

const struct dict_entry *dict_all(size_t *n)
{
	ensure();
	*n = nentries;
	return entries;
}
