/*
 * redact.h - what must not be published in the text of a decision
 * (行政执法决定公示): detection of personal identifiers with the reason
 * for each mark, and the redacted text.  docs/redaction.md says what is
 * masked, what is kept and on which basis.
 *
 * Invariants:
 *  - the input is bytes with a length (NUL bytes allowed); it must be
 *    valid UTF-8, else redact_detect refuses it (ERR_INVALID, field
 *    "text") and produces no mark: a mark on a broken text could not be
 *    guaranteed to fall on character boundaries;
 *  - every mark has start < end <= len, both on UTF-8 character
 *    boundaries; the marks are sorted by start and do not overlap
 *    (overlapping detections are merged into one mark);
 *  - nothing is read past text + len; no global state (thread safe);
 *  - the original text is never changed: redact_apply writes a new text in
 *    which each marked span is replaced by a mask that keeps no character
 *    of the original: "【已隐去：<kind label>】" ("【已隐去】" for a mark
 *    added by staff).  The redacted text is not the same length.
 */
#ifndef ZHIFA_REDACT_H
#define ZHIFA_REDACT_H
#include "core/core.h"
#include "core/err.h"

/* The largest text accepted (the API's limit too). */
#define REDACT_MAX_TEXT (1024u * 1024u)
/* The longest reason kept with a mark (bytes, cut on a character boundary). */
#define REDACT_REASON_MAX 256

enum redact_kind {
	REDACT_ID_CARD = 1, /* 居民身份证号码 (GB 11643, 18 digits, or 15 of the old numbers) */
	REDACT_MOBILE,      /* 手机号码 */
	REDACT_PHONE,       /* 固定电话号码 */
	REDACT_BANK_CARD,   /* 银行卡号 (Luhn) */
	REDACT_ACCOUNT,     /* 银行账号 (after 账号/账户/开户 …) */
	REDACT_EMAIL,       /* 电子邮箱 */
	REDACT_ADDRESS,     /* 县级以下的详细地址 */
	REDACT_NAME,        /* 当事人以外的自然人姓名 */
	REDACT_MANUAL,      /* 工作人员标注 */
};

enum redact_party {
	REDACT_PARTY_UNKNOWN = 0,
	REDACT_PARTY_PERSON,              /* 公民 */
	REDACT_PARTY_ORG,                 /* 法人或其他组织 */
	REDACT_PARTY_INDIVIDUAL_BUSINESS, /* 个体工商户 */
};

/* A person of the case whom the caller knows: officers' names are kept,
 * everybody else's (witnesses, agents, …) masked wherever it appears. */
struct redact_person {
	const char *name;
	bool officer;
	const char *role; /* e.g. "证人"; NULL for a generic reason */
};

/* A span of the text set by staff: added (with its reason, NULL for the
 * generic one) or removed (every detected mark intersecting it is
 * dropped; a mark added by staff is never dropped). */
struct redact_span {
	size_t start, end;
	const char *reason;
};

struct redact_opts {
	enum redact_party party_kind;
	const char *party; /* the party's name, NULL or "" when not given */
	const struct redact_person *persons;
	size_t npersons;
	const struct redact_span *add;
	size_t nadd;
	const struct redact_span *remove;
	size_t nremove;
};

struct redact_mark {
	size_t start, end;
	enum redact_kind kind;
	char reason[REDACT_REASON_MAX];
};

struct redact_marks {
	struct redact_mark *v;
	size_t n, cap;
};

#define REDACT_MARKS_INIT { NULL, 0, 0 }

/* Detect what must be masked in text[0..len) (o may be NULL: no party,
 * no staff marks).  0 with out filled (its previous content replaced), or
 * -1 with e set: text not valid UTF-8 or longer than REDACT_MAX_TEXT
 * (field "text"), a staff span out of bounds, empty or not on character
 * boundaries (field "add" / "remove", the message naming the index). */
int redact_detect(const char *text, size_t len, const struct redact_opts *o, struct redact_marks *out,
		  struct err *e);

/* The redacted text of text[0..len) under marks m (as redact_detect
 * made them: sorted, not overlapping, within len) appended to out. */
void redact_apply(const char *text, size_t len, const struct redact_marks *m, struct buf *out);

void redact_marks_release(struct redact_marks *m);

/* "id_card", "mobile", … (the API's kind); NULL for an unknown kind. */
const char *redact_kind_code(enum redact_kind k);
/* "居民身份证号码", "手机号码", … */
const char *redact_kind_label(enum redact_kind k);
/* The mask that replaces a mark of kind k (static). */
const char *redact_mask(enum redact_kind k);
/* "person" / "org" / "individual_business" (also 公民 / 法人或其他组织 /
 * 个体工商户) into *out; -1 for anything else (NULL and "" give UNKNOWN). */
int redact_party_parse(const char *s, enum redact_party *out);
#endif
