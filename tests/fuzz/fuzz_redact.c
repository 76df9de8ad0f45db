/*
 * fuzz_redact.c - libFuzzer target for the redaction engine
 * (publicity/redact.h).
 *
 * Input: byte 0 picks the options (party kind, a party name, a staff mark
 * added and one removed, placed by bytes 1-4), the rest is the text.
 * Checks: never crashes or reads past the text (it is copied to a buffer
 * of exactly its length); text that is not UTF-8 is refused with field
 * "text" and no mark; otherwise the marks are sorted, do not overlap, lie
 * within the text, start and end on character boundaries, have a known
 * kind and a non-empty UTF-8 reason; the redacted text is exactly the
 * unmarked pieces joined by the masks, is valid UTF-8, and contains the
 * bytes of a detected mark only where the unmarked pieces of the original
 * already had them (a mask keeps nothing of what it hides); the staff
 * mark is covered; nothing intersecting the removed span is masked except
 * by staff; the same input gives the same marks twice.
 */
#include "core/core.h"
#include "publicity/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count(const char *h, size_t hn, const char *n, size_t nn)
{
	size_t c = 0;
	for (const char *p = h; nn && hn >= nn && (p = memmem(p, hn - (size_t)(p - h), n, nn)); p++) {
		c++;
		if ((size_t)(p - h) + nn >= hn)
			break;
	}
	return c;
}

static size_t snap(const char *t, size_t n, size_t i)
{
	if (i > n)
		i = n;
	while (i > 0 && i < n && ((unsigned char)t[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static bool boundary(const char *t, size_t n, size_t i)
{
	return i == 0 || i == n || ((unsigned char)t[i] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5)
		return 0;
	uint8_t opt = data[0];
	size_t n = size - 5;
	char *t = xmalloc(n ? n : 1); /* exactly the text: ASan sees any read past it */
	memcpy(t, data + 5, n);
	struct redact_opts o = { 0 };
	o.party_kind = (enum redact_party)(opt & 3);
	if (opt & 4)
		o.party = "云南滇峰商贸有限公司";
	struct redact_span add, rem;
	bool valid = utf8_valid(t, n);
	if ((opt & 8) && valid && n) {
		size_t a = snap(t, n, ((size_t)data[1] << 8 | data[2]) % (n + 1));
		size_t b = snap(t, n, a + 1 + data[3] % 16);
		if (b <= a)
			b = n;
		if (a < b) {
			add = (struct redact_span){ a, b, (opt & 16) ? "商业秘密" : NULL };
			o.add = &add;
			o.nadd = 1;
		}
	}
	if ((opt & 32) && valid && n) {
		size_t a = snap(t, n, ((size_t)data[4] * 7) % (n + 1));
		size_t b = snap(t, n, a + 1 + data[4] % 24);
		if (b <= a)
			b = n;
		if (a < b) {
			rem = (struct redact_span){ a, b, NULL };
			o.remove = &rem;
			o.nremove = 1;
		}
	}
	struct redact_marks m = REDACT_MARKS_INIT;
	struct err e = ERR_INIT;
	int rc = redact_detect(t, n, &o, &m, &e);
	if (!valid) {
		if (rc == 0 || strcmp(e.field, "text") != 0 || m.n != 0)
			BUG("text that is not UTF-8 was not refused (rc %d, field %s)", rc, e.field);
		goto out;
	}
	if (rc < 0)
		BUG("valid text refused: %s", e.msg);
	size_t at = 0;
	for (size_t k = 0; k < m.n; k++) {
		const struct redact_mark *x = &m.v[k];
		if (x->start < at || x->start >= x->end || x->end > n)
			BUG("mark %zu [%zu,%zu) not ordered or out of bounds (n %zu)", k, x->start, x->end, n);
		if (!boundary(t, n, x->start) || !boundary(t, n, x->end))
			BUG("mark %zu [%zu,%zu) not on character boundaries", k, x->start, x->end);
		if (!redact_kind_code(x->kind) || !x->reason[0] || !utf8_valid(x->reason, strlen(x->reason)))
			BUG("mark %zu: bad kind or reason", k);
		if (o.nremove && x->kind != REDACT_MANUAL && x->start < rem.end && rem.start < x->end)
			BUG("a mark intersects the removed span");
		at = x->end;
	}
	if (o.nadd) {
		bool covered = false;
		for (size_t k = 0; k < m.n; k++)
			covered = covered || (m.v[k].start <= add.start && m.v[k].end >= add.end && m.v[k].kind == REDACT_MANUAL);
		if (!covered)
			BUG("the staff mark [%zu,%zu) is not covered", add.start, add.end);
	}
	struct buf out, ref, kept;
	buf_init(&out, 0);
	buf_init(&ref, 0);
	buf_init(&kept, 0);
	redact_apply(t, n, &m, &out);
	at = 0;
	for (size_t k = 0; k < m.n; k++) {
		buf_add(&ref, t + at, m.v[k].start - at);
		buf_add(&kept, t + at, m.v[k].start - at);
		buf_putc(&kept, '\n'); /* the pieces apart: no occurrence across two */
		buf_puts(&ref, redact_mask(m.v[k].kind));
		at = m.v[k].end;
	}
	buf_add(&ref, t + at, n - at);
	buf_add(&kept, t + at, n - at);
	if (out.len != ref.len || memcmp(out.data, ref.data, out.len) != 0)
		BUG("redacted text is not the unmarked pieces joined by the masks");
	if (!utf8_valid(out.data, out.len))
		BUG("redacted text is not UTF-8");
	/* a detected span survives only where the original kept it anyway */
	static const char masks_all[] = "【已隐去：居民身份证号码手机号码电话号码银行卡号银行账号电子邮箱详细地址姓名】【已隐去】";
	for (size_t k = 0; k < m.n; k++) {
		const struct redact_mark *x = &m.v[k];
		size_t l = x->end - x->start;
		if (x->kind == REDACT_MANUAL || memchr(t + x->start, '\n', l) || memmem(masks_all, sizeof masks_all - 1, t + x->start, l))
			continue;
		/* occurrences across a piece and a mask: possible only when the
		 * span holds the characters of a mask's frame */
		if (memmem(t + x->start, l, "【", 3) || memmem(t + x->start, l, "】", 3))
			continue;
		size_t in_out = count(out.data, out.len, t + x->start, l), in_kept = count(kept.data, kept.len, t + x->start, l);
		if (in_out > in_kept)
			BUG("mark %zu [%zu,%zu) kind %s: its bytes appear %zu times in the output, %zu in the kept pieces",
			    k, x->start, x->end, redact_kind_code(x->kind), in_out, in_kept);
	}
	/* deterministic */
	struct redact_marks m2 = REDACT_MARKS_INIT;
	if (redact_detect(t, n, &o, &m2, &e) < 0 || m2.n != m.n)
		BUG("a second run differs");
	for (size_t k = 0; k < m.n; k++)
		if (m.v[k].start != m2.v[k].start || m.v[k].end != m2.v[k].end || m.v[k].kind != m2.v[k].kind)
			BUG("a second run differs at mark %zu", k);
	redact_marks_release(&m2);
	buf_release(&out);
	buf_release(&ref);
	buf_release(&kept);
out:
	redact_marks_release(&m);
	free(t);
	return 0;
}
