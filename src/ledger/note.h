/*
 * note.h - C2SP signed notes (https://c2sp.org/signed-note) and
 * tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).
 *
 * A signed note is the text (non-empty, ends in '\n', no blank line),
 * a blank line, and one line per signature:
 *   "\u2014 <name> <base64(4-byte key hash || signature)>\n"
 * The signed message is the text exactly (with its final newline).
 *
 * Ed25519 (type 0x01, as the spec):
 *   key hash  = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]
 *   signature = the 64-byte Ed25519 signature of the text
 *   verifier key text = name "+" hex8(key hash) "+" base64(0x01 || key)
 * SM2 (type 0xff with identifier "SM2", as the spec allows for other
 * algorithms; GB/T 32918.2 with SM3, ID "1234567812345678"):
 *   key material = 0xff || "SM2" || DER SubjectPublicKeyInfo
 *   key hash  = SHA-256(name || 0x0A || key material)[:4]
 *   signature = DER SEQUENCE { r, s } of the text, as made and checked by
 *     `openssl pkeyutl -sign|-verify -rawin -digest sm3 -pkeyopt
 *      distid:1234567812345678`
 *   verifier key text = name "+" hex8(key hash) "+" base64(key material)
 * Key hashes are big-endian 32-bit numbers.
 */
#ifndef ZHIFA_NOTE_H
#define ZHIFA_NOTE_H
#include "core/core.h"
#include "core/err.h"
#include "core/sign.h"
#include "ledger/merkle.h"

#define NOTE_NAME_MAX 200

struct note_verifier {
	char name[NOTE_NAME_MAX + 1];
	uint32_t hash;
	struct sign_key *key; /* public key; owned */
};

/* Key hash of k under name (see top). */
uint32_t note_key_hash(const char *name, const struct sign_key *k);
/* Append the verifier key text of k under name.  0 or -1. */
int note_vkey(const char *name, const struct sign_key *k, struct buf *out);
/* Parse verifier key text into v (caller releases).  0, or -1 with
 * ERR_INVALID naming what is wrong. */
int note_vkey_parse(const char *text, struct note_verifier *v, struct err *e);
void note_verifier_release(struct note_verifier *v);

/* Append text, a blank line and one signature line per private key in
 * keys (all under name) to out.  ERR_INVALID if text is not a valid note
 * text or name not a valid key name. */
int note_sign(const char *text, const char *name, struct sign_key *const *keys, size_t nkeys,
	      struct buf *out, struct err *e);

struct note_check {
	int ed25519_ok;   /* signature lines verified by a known Ed25519 key */
	int sm2_ok;       /* ... by a known SM2 key */
	int bad;          /* lines of a known key that do not verify */
	int unknown;      /* lines of no known key (ignored, as the spec says) */
};
/* Split the note, append its text to text (if not NULL) and check every
 * signature line against the verifiers.  -1 with ERR_INVALID when the
 * note is malformed; otherwise 0 with the counts in *c. */
int note_verify(const char *note, size_t len, const struct note_verifier *v, size_t nv,
		struct note_check *c, struct buf *text, struct err *e);

/* Checkpoint body "<origin>\n<size>\n<base64 root>\n" appended to out. */
void checkpoint_text(const char *origin, long long size, const unsigned char root[MERKLE_HASH],
		     struct buf *out);
/* Parse a checkpoint body (extension lines after the third are allowed
 * and ignored).  origin (if not NULL) receives the origin.  0 or -1 with
 * ERR_INVALID. */
int checkpoint_parse(const char *text, struct buf *origin, long long *size,
		     unsigned char root[MERKLE_HASH], struct err *e);

/* Base64 (standard alphabet, padded) of n bytes appended to out. */
void b64_encode(const unsigned char *in, size_t n, struct buf *out);
/* Decode base64 of exactly len characters; bytes or -1. */
long b64_decode(const char *in, size_t len, unsigned char *out, size_t outmax);
#endif
