/*
 * dict.h - the dictionary of codes (字典): the Chinese name of every code
 * a person may read (operation-log actions, object types, roles, statuses,
 * deadline events ...), grouped by kind and ordered as selects show them.
 *
 * The data is the embedded file data/dict.tsv (src/assets/data/dict.tsv),
 * parsed once on first use, so the domain layer, the CLI, pages, filters
 * and exports all read the same names without a database round trip, and
 * the names always match the codes this binary emits.  Entries are never
 * changed at run time; returned pointers live as long as the process.
 */
#ifndef ZHIFA_DICT_H
#define ZHIFA_DICT_H
#include "core/core.h"

struct dict_entry {
	const char *kind;
	const char *code;
	const char *label;
};

/* The label of code in kind, NULL when the dictionary has none. */
const char *dict_find(const char *kind, const char *code);
/* The label of code in kind; for an unknown code (a dictionary gap, which
 * the tests forbid) "未登记的代码（CODE）", owned by the dictionary, and a
 * warning in the log.  "" for an empty or NULL code. */
const char *dict_label(const char *kind, const char *code);
/* The name of a kind itself ("操作类型"), "" when unknown. */
const char *dict_kind_label(const char *kind);
/* The entries of kind in dictionary order (*n set); NULL and 0 if none. */
const struct dict_entry *dict_entries(const char *kind, size_t *n);
/* All entries of all kinds, in file order (kind rows excluded). */
const struct dict_entry *dict_all(size_t *n);
/* True when code is an entry of kind. */
bool dict_has(const char *kind, const char *code);
#endif
