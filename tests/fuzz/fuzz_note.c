/*
 * fuzz_note.c - libFuzzer target for the signed-note and checkpoint
 * parsers (ledger/note.h) that `zhifa verify URL` runs on what a server
 * (possibly hostile) sends: note_vkey_parse, note_verify, checkpoint_parse.
 *
 * The input is split at the first NUL byte: before it a verifier key text,
 * after it a note.  Checks: every call returns 0 or -1, -1 with a message;
 * a note can never verify under a key it was not signed with (the key is
 * freshly generated, so any ed25519_ok/sm2_ok count is a forgery); the
 * text handed back is a prefix of the note; checkpoint_parse of the text
 * gives a size >= 0.
 */
#include "core/core.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t klen = nul ? (size_t)(nul - data) : size;
	char *ktext = xstrndup((const char *)data, klen);
	const char *note = nul ? (const char *)nul + 1 : "";
	size_t nlen = nul ? size - klen - 1 : 0;

	struct err e = ERR_INIT;
	struct note_verifier v;
	memset(&v, 0, sizeof(v));
	int rk = note_vkey_parse(ktext, &v, &e);
	if (rk != 0 && rk != -1)
		BUG("note_vkey_parse returned %d", rk);
	if (rk < 0 && !e.msg[0])
		BUG("vkey refused without a message");
	if (rk == 0)
		note_verifier_release(&v);

	/* a verifier of a key nobody else holds (made once per process):
	 * nothing may verify under it */
	static struct note_verifier mine;
	if (!mine.key) {
		snprintf(mine.name, sizeof(mine.name), "fuzz.example/log");
		mine.key = sign_key_generate(SIGN_ED25519, &e);
		if (!mine.key)
			BUG("key generation failed: %s", e.msg);
		mine.hash = note_key_hash(mine.name, mine.key);
	}
	struct note_check c = { 0 };
	struct buf text = BUF_INIT;
	err_clear(&e);
	int rv = note_verify(note, nlen, &mine, 1, &c, &text, &e);
	if (rv != 0 && rv != -1)
		BUG("note_verify returned %d", rv);
	if (rv < 0 && !e.msg[0])
		BUG("note refused without a message");
	if (rv == 0) {
		if (c.ed25519_ok || c.sm2_ok)
			BUG("a note verified under a key that never signed it");
		if (text.len > nlen || memcmp(text.data ? text.data : "", note, text.len) != 0)
			BUG("note text is not a prefix of the note");
		struct buf origin = BUF_INIT;
		long long sz = -1;
		unsigned char root[MERKLE_HASH];
		err_clear(&e);
		if (checkpoint_parse(buf_str(&text), &origin, &sz, root, &e) == 0 && sz < 0)
			BUG("checkpoint with a negative size");
		buf_release(&origin);
	}
	buf_release(&text);
	free(ktext);
	return 0;
}
