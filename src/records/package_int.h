/*
 * package_int.h - what package.c and package_verify.c share: the one
 * configuration of the zip writer (the verifier rewrites a package with it
 * and compares every byte) and the rules for paths in the package.
 */
#ifndef ZHIFA_PACKAGE_INT_H
#define ZHIFA_PACKAGE_INT_H
#include "core/core.h"
#include <archive.h>
#include <locale.h>

#define PACKAGE_README "说明.txt"

/* Receives the zip's bytes in order; 0, or -1 to stop. */
typedef int (*package_zip_sink)(void *ctx, const void *p, size_t n);
/* A libarchive writer of the canonical zip (stored entries, UTF-8 names,
 * no padding) feeding sink.  NULL on failure. */
struct archive *package_zip_new(package_zip_sink sink, void *ctx);
/* The header of one entry: a regular file of size bytes, mode 0644,
 * owner 0, no time.  0 or -1. */
int package_zip_header(struct archive *a, const char *path, long long size);
/* Switch this thread to a UTF-8 locale (libarchive converts names
 * through it); returns the previous one for package_locale_leave. */
locale_t package_locale_enter(void);
void package_locale_leave(locale_t old);
/* A path allowed for a file in the package: relative, UTF-8, no empty,
 * "." or ".." component, no control or reserved characters, <= 240 bytes. */
bool package_path_ok(const char *p);
/* One of the package's own files (说明.txt, manifest.json, the sums,
 * checkpoint.txt, keys/, leaves/, proofs/). */
bool package_meta_path(const char *p);
#endif
