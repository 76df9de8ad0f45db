/*
 * actor.c - role names (identifier and Chinese label) and the actors the
 * system itself uses.  The table below is the single source of the role
 * identifiers stored in user_roles.role; their Chinese names are the
 * dictionary's (kind "role", core/dict.h).
 */
#include "core/core.h"
#include "core/dict.h"
#include "people/actor.h"

static const struct {
	unsigned role;
	const char *ident;
} roles[ROLE_COUNT] = {
	{ ROLE_OFFICER, "officer" },
	{ ROLE_HEAD, "head" },
	{ ROLE_REVIEWER, "reviewer" },
	{ ROLE_LEADER, "leader" },
	{ ROLE_ARCHIVIST, "archivist" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_SUPERVISOR, "supervisor" },
};

const char *role_ident(unsigned role)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].role == role)
			return roles[i].ident;
	return "";
}

const char *role_label(unsigned role)
{
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].role == role)
			return dict_label("role", roles[i].ident);
	return "";
}

unsigned role_parse(const char *ident)
{
	if (!ident)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (strcmp(roles[i].ident, ident) == 0)
			return roles[i].role;
	return 0;
}

unsigned roles_parse_list(const char *list)
{
	unsigned mask = 0;
	if (str_empty(list))
		return 0;
	const char *p = list;
	while (*p) {
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		char one[32];
		if (n == 0 || n >= sizeof one)
			return 0;
		memcpy(one, p, n);
		one[n] = '\0';
		unsigned r = role_parse(one);
		if (!r)
			return 0;
		mask |= r;
		p += n;
		if (*p == ',')
			p++;
	}
	return mask;
}

void roles_format(unsigned roles_mask, bool labels, struct buf *out)
{
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		if (!(roles_mask & roles[i].role))
			continue;
		if (!first)
			buf_puts(out, labels ? "、" : ",");
		buf_puts(out, labels ? dict_label("role", roles[i].ident) : roles[i].ident);
		first = false;
	}
}

void actor_system(struct actor *out, const char *who)
{
	memset(out, 0, sizeof *out);
	out->roles = ROLE_ADMIN;
	out->scope = SCOPE_ALL;
	snprintf(out->username, sizeof out->username, "%s", who ? who : "system");
	snprintf(out->name, sizeof out->name, "%s", who ? who : "system");
	snprintf(out->ip, sizeof out->ip, "local");
}
