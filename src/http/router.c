/*
 * router.c - matches a request against the route table.  Patterns are
 * literal segments, "{name}" capturing one non-empty segment, and a final
 * "*" capturing the rest.  A path that matches some route but not its
 * method answers 405; none, 404.
 */
#include "core/core.h"
#include "http/http.h"

static bool match(const char *pat, const char *path, struct req *r)
{
	int np = 0;
	const char *caps[4];
	size_t caplen[4];
	while (*pat) {
		if (pat[0] == '*' && pat[1] == '\0') {
			if (np == 4)
				return false;
			caps[np] = path;
			caplen[np++] = strlen(path);
			pat++;
			path += strlen(path);
			break;
		}
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (!close)
				BUG("bad route pattern %s", pat);
			size_t n = strcspn(path, "/");
			if (n == 0 || np == 4)
				return false;
			caps[np] = path;
			caplen[np++] = n;
			path += n;
			pat = close + 1;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	if (*path)
		return false;
	if (r) {
		for (int i = 0; i < np; i++)
			r->params[i] = req_own(r, xstrndup(caps[i], caplen[i]));
		r->nparams = np;
	}
	return true;
}

const struct route *route_match(struct req *r, int *status)
{
	bool path_seen = false;
	unsigned m = r->method == M_HEAD ? M_GET : r->method;
	for (size_t i = 0; i < routes_count; i++) {
		if (!match(routes[i].pattern, r->path, NULL))
			continue;
		path_seen = true;
		if (routes[i].methods & m) {
			match(routes[i].pattern, r->path, r);
			return &routes[i];
		}
	}
	*status = path_seen ? 405 : 404;
	return NULL;
}
