/*
 * tus.h - the request headers of tus 1.0 resumable uploads, parsed
 * strictly (they come from outside): Upload-Offset and Upload-Length,
 * Upload-Metadata, the overflow-safe check that a PATCH body fits, and the
 * cleaning of a file name and description that a client sends.
 *
 * Invariants: every function is pure (no I/O, no global state); outputs
 * are always NUL-terminated, valid UTF-8 and within their capacity;
 * on failure the outputs are emptied.
 */
#ifndef ZHIFA_TUS_H
#define ZHIFA_TUS_H
#include "core/core.h"

#define TUS_NAME_MAX 255      /* bytes of a cleaned file name */
#define TUS_DESC_MAX 1000     /* bytes of a cleaned description */

/* Upload-Offset / Upload-Length: one or more ASCII digits, nothing else
 * (no sign, no white space), at most INT64_MAX.  0 or -1 (*out left). */
int tus_parse_size(const char *s, long long *out);

/* Does a body of content_length bytes (< 0: unknown, always fits) at
 * offset fit into length bytes?  Never overflows. */
bool tus_fits(long long offset, long long content_length, long long length);

/* The values of an Upload-Metadata header ("key b64,key b64,key"):
 * "filetype" (or "type"), "filename" (or "name"), "description".  Keys are
 * non-empty ASCII without space or comma, each at most once; values
 * standard base64.  Unknown keys are allowed and ignored. */
struct tus_metadata {
	char type[128];                 /* lower case, parameters cut */
	char filename[TUS_NAME_MAX + 1];
	char description[TUS_DESC_MAX + 1];
};
/* NULL or "" is empty metadata.  0, or -1 when malformed (longer than
 * 8 KiB, a bad key or base64, a repeated key, a value that is not valid
 * UTF-8 or holds a NUL). */
int tus_metadata_parse(const char *md, struct tus_metadata *out);

/* A file name as a client sends it, cleaned for keeping and showing: the
 * last path component (after '/' or '\'), control characters dropped,
 * surrounding white space trimmed, cut on a UTF-8 boundary to
 * TUS_NAME_MAX bytes; "." and ".." become "".  -1 (out "") when in is
 * not valid UTF-8. */
int tus_clean_name(const char *in, size_t n, char *out, size_t cap);
/* A description: control characters other than newline dropped (CR LF
 * and CR become LF), trimmed, cut on a UTF-8 boundary to cap - 1 bytes.
 * -1 (out "") when not valid UTF-8. */
int tus_clean_text(const char *in, size_t n, char *out, size_t cap);
#endif
