/*
 * embedded.h - files compiled into the binary by tools/embed.c: static
 * assets (src/assets/...) under their path, migrations as
 * "migrations/NNN_name.sql".  The table ends with a NULL path.
 */
#ifndef ZHIFA_EMBEDDED_H
#define ZHIFA_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
	const char *path;
	const unsigned char *data; /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];

/* Find an embedded file by path; NULL if absent. */
const struct embedded_file *embedded_find(const char *path);
#endif
