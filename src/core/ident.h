/*
 * ident.h - the check of the two identifiers of the party register:
 * the 18-character citizen identity number (公民身份号码, GB 11643-1999)
 * and the unified social credit identifier (统一社会信用代码,
 * GB 32100-2015).  Pure functions over bytes, no allocation.
 *
 * Invariants:
 *  - a number is accepted only in its canonical spelling: ASCII, no white
 *    space, upper-case letters ('X' as the check character of GB 11643;
 *    the letters of GB 32100).  Input typed by people goes through
 *    ident_normalize first, which trims ASCII white space and upper-cases
 *    ASCII letters (so a lower-case 'x' is accepted and stored as 'X');
 *  - every function answers for any NUL-terminated input (a long, empty
 *    or non-ASCII string is refused, never read past its end).
 */
#ifndef ZHIFA_IDENT_H
#define ZHIFA_IDENT_H
#include "core/core.h"

#define IDENT_ID_CARD_LEN 18
#define IDENT_USCC_LEN 18

/* Why a number was refused (for the Chinese message naming the problem). */
enum ident_why {
	IDENT_OK = 0,
	IDENT_LENGTH,    /* not 18 characters */
	IDENT_CHARSET,   /* a character outside the standard's set */
	IDENT_AREA,      /* GB 11643: area code of no province; GB 32100: not 6 digits */
	IDENT_DATE,      /* GB 11643: the birth date does not exist */
	IDENT_FUTURE,    /* GB 11643: the birth date is after today */
	IDENT_OLD,       /* GB 11643: the birth date is before 1900-01-01 */
	IDENT_AUTHORITY, /* GB 32100: registration authority / type code (positions 1-2) */
	IDENT_CHECK,     /* the check character is wrong */
};

/* A Chinese sentence for why (static), e.g. "校验码错误". */
const char *ident_why_text(enum ident_why why);

/* Copy s into out (size n) without leading and trailing ASCII white
 * space, ASCII letters upper-cased.  The copy is cut at n - 1 bytes. */
void ident_normalize(const char *s, char *out, size_t n);

/* GB 11643-1999 公民身份号码: 6-digit address code (GB/T 2260), 8-digit
 * birth date YYYYMMDD, 3-digit sequence code, 1 check character computed
 * by ISO 7064:1983 MOD 11-2 (GB 11643-1999 clause 8.2: weights
 * W_i = 2^(i-1) mod 11 for i = 18 .. 2, a_1 = (12 - sum mod 11) mod 11,
 * 10 written 'X').  The address code must begin with a province-level
 * code of GB/T 2260 (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 台湾,
 * 81 香港, 82 澳门; 83 of the numbers of 港澳台居民居住证, which use
 * the same format); its other four digits are not checked against the
 * table (old numbers keep the codes of divisions since changed).  The birth date must exist, be on or after
 * 1900-01-01 and not after today (today "YYYY-MM-DD").  On success the
 * birth date "YYYY-MM-DD" is written to birth (if not NULL). */
enum ident_why ident_id_card_check(const char *s, const char *today, char birth[11]);
/* The same against today's date in Asia/Shanghai. */
bool ident_id_card_ok(const char *s, char birth[11]);
/* The check character of the first 17 digits of s ('0'..'9' or 'X');
 * '\0' when they are not 17 digits. */
char ident_id_card_check_char(const char *s17);

/* GB 32100-2015 统一社会信用代码: 18 characters of the set
 * 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V): position 1 the registration
 * authority (登记管理部门代码), 2 the type of organisation (机构类别代码)
 * - the pair must be one of the standard's table (clause 4.1 and its
 * amendment No. 1 of 2016) -, 3-8 the administrative division of the
 * registering authority (6 digits, GB/T 2260), 9-17 the subject
 * identifier (GB 11714 organisation code), 18 the check character:
 * C18 = 31 - (sum of C_i * W_i mod 31), 31 written 0, with the weights
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 (clause 4.3, after
 * GB/T 17710-2008 / ISO 7064 MOD 31-3 style pure system). */
enum ident_why ident_uscc_check(const char *s);
bool ident_uscc_ok(const char *s);
/* The check character of the first 17 characters of s; '\0' when they
 * are not 17 characters of the set. */
char ident_uscc_check_char(const char *s17);
/* The Chinese name of a USCC's authority + type pair (positions 1-2),
 * e.g. "工商 企业"; NULL when the pair is not in the table. */
const char *ident_uscc_type(const char *s);

/* Whether a person born on birth ("YYYY-MM-DD") is under 18 on date on
 * ("YYYY-MM-DD"): not yet past the 18th birthday (a person born on
 * 29 February has it on 1 March in a common year).  false for a
 * malformed date. */
bool ident_is_minor(const char *birth, const char *on);
#endif
