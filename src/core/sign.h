/*
 * sign.h - signing keys and signatures over OpenSSL 3 EVP: Ed25519
 * (RFC 8032) and SM2 (GB/T 32918.2 with SM3, distinguishing identifier
 * "1234567812345678", the GB/T 35276 default).
 *
 * Invariants: a struct sign_key always holds a key of its alg (private or
 * public only); an Ed25519 signature is 64 raw bytes; an SM2 signature is
 * the DER SEQUENCE { r INTEGER, s INTEGER } (at most SIGN_MAX bytes), the
 * form `openssl pkeyutl -verify -rawin -digest sm3` reads.  Public keys
 * in raw form are the 32 key bytes (Ed25519) or the DER
 * SubjectPublicKeyInfo (SM2).  Knows nothing of the domain.
 */
#ifndef ZHIFA_SIGN_H
#define ZHIFA_SIGN_H
#include "core/core.h"
#include "core/err.h"

enum sign_alg { SIGN_ED25519 = 1, SIGN_SM2 = 2 };

#define SIGN_MAX 80          /* largest signature of either algorithm */
#define SIGN_SM2_ID "1234567812345678"

struct sign_key;

/* Generate a fresh private key of alg.  NULL only on an OpenSSL failure
 * (err filled, ERR_INTERNAL). */
struct sign_key *sign_key_generate(enum sign_alg alg, struct err *e);
/* Load a PEM private key ("PRIVATE KEY", PKCS#8) or public key ("PUBLIC
 * KEY") from text; the algorithm is taken from the key.  NULL with
 * ERR_INVALID when the text is no Ed25519 or SM2 key. */
struct sign_key *sign_key_from_pem(const char *pem, size_t len, bool is_private, struct err *e);
/* Load from a PEM file, as sign_key_from_pem. */
struct sign_key *sign_key_load(const char *path, bool is_private, struct err *e);
/* The public half of raw form (see top); NULL with ERR_INVALID if bad. */
struct sign_key *sign_key_from_public_raw(enum sign_alg alg, const unsigned char *raw, size_t len,
					  struct err *e);
void sign_key_free(struct sign_key *k);

enum sign_alg sign_key_alg(const struct sign_key *k);
bool sign_key_is_private(const struct sign_key *k);
/* Append the PEM text of the private key (PKCS#8, unencrypted) or of the
 * public key (SubjectPublicKeyInfo) to out.  0 or -1. */
int sign_key_pem(const struct sign_key *k, bool private_part, struct buf *out);
/* Write the PEM to path atomically (temporary file + rename) with the
 * given mode (0600 for private keys).  0 or -1 with err filled. */
int sign_key_save(const struct sign_key *k, bool private_part, const char *path, int mode,
		  struct err *e);
/* Append the raw public key (see top) to out.  0 or -1. */
int sign_key_public_raw(const struct sign_key *k, struct buf *out);

/* Sign msg with a private key: Ed25519 pure, or SM2 with SM3 and
 * SIGN_SM2_ID.  Writes the signature into sig (SIGN_MAX bytes) and its
 * length into *siglen.  0 or -1 (ERR_INTERNAL). */
int sign_data(const struct sign_key *k, const void *msg, size_t len, unsigned char *sig,
	      size_t *siglen, struct err *e);
/* True when sig is a valid signature of msg under k's public key. */
bool sign_verify(const struct sign_key *k, const void *msg, size_t len, const unsigned char *sig,
		 size_t siglen);
#endif
