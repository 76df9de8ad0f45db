/* Unit tests for core/ident.h: GB 11643-1999 identity numbers and
 * GB 32100-2015 unified social credit identifiers.  The check characters
 * of the vectors were computed independently of this code (by the
 * standards' formulas); 11010519491231002X is the example of GB 11643-1999
 * and 91350100M000100Y43 a code printed in the standard's explanations. */
#include "core/core.h"
#include "core/ident.h"
#include "../tap.h"

static void id_ok(const char *s, const char *birth)
{
	char b[11] = "";
	enum ident_why w = ident_id_card_check(s, "2026-12-01", b);
	ok(w == IDENT_OK && strcmp(b, birth) == 0, "%s accepted, born %s (got %d, %s)", s, birth, (int)w, b);
}

static void id_bad(const char *s, enum ident_why want, const char *why)
{
	char b[11] = "untouched";
	enum ident_why w = ident_id_card_check(s, "2026-12-01", b);
	ok(w == want && strcmp(b, "untouched") == 0, "%s refused: %s (got %d)", s ? s : "(null)", why, (int)w);
}

static void us_ok(const char *s)
{
	enum ident_why w = ident_uscc_check(s);
	ok(w == IDENT_OK && ident_uscc_ok(s), "%s accepted (got %d)", s, (int)w);
}

static void us_bad(const char *s, enum ident_why want, const char *why)
{
	enum ident_why w = ident_uscc_check(s);
	ok(w == want && !ident_uscc_ok(s), "%s refused: %s (got %d)", s ? s : "(null)", why, (int)w);
}

int main(void)
{
	/* ---- GB 11643-1999 ---- */
	id_ok("11010519491231002X", "1949-12-31");
	id_ok("530102199003071238", "1990-03-07");
	id_ok("440304198402290013", "1984-02-29");
	id_ok("530102190001010019", "1900-01-01");
	id_ok("530102201006150011", "2010-06-15");
	id_ok("810000199505050014", "1995-05-05");
	id_ok("830000199505050018", "1995-05-05");
	is_int(ident_id_card_check_char("11010519491231002"), 'X', "check character 10 is written X");
	is_int(ident_id_card_check_char("1101051949123100"), 0, "16 digits have no check character");
	is_int(ident_id_card_check_char("1101051949123100A"), 0, "a letter among the 17 digits has none");

	id_bad("110105194912310021", IDENT_CHECK, "wrong check character (X expected)");
	id_bad("530102199003071239", IDENT_CHECK, "wrong check character (8 expected)");
	id_bad("530102199003071283", IDENT_CHECK, "two digits swapped");
	id_bad("11010519491231002x", IDENT_CHARSET, "lower-case x (the domain normalises before checking)");
	id_bad("530102199002300019", IDENT_DATE, "19900230 does not exist");
	id_bad("440304198502290010", IDENT_DATE, "1985-02-29: 1985 is no leap year");
	id_bad("530102199013010010", IDENT_DATE, "month 13");
	id_bad("530102199000010010", IDENT_DATE, "month 00");
	id_bad("110105189912310015", IDENT_OLD, "born 1899");
	id_bad("110105209912310010", IDENT_FUTURE, "born 2099");
	id_bad("00010119900101001X", IDENT_AREA, "province 00");
	id_bad("190012310000000000", IDENT_AREA, "province 19 does not exist");
	id_bad("910101199001010015", IDENT_AREA, "province 91 does not exist");
	ok(ident_id_card_check("530000199001010011", "2026-12-01", NULL) == IDENT_OK,
	   "a province-level address code is accepted (old numbers, residence permits)");
	id_bad("53010219900307123", IDENT_LENGTH, "17 characters");
	id_bad("5301021990030712380", IDENT_LENGTH, "19 characters");
	id_bad("", IDENT_LENGTH, "empty");
	id_bad(NULL, IDENT_LENGTH, "NULL");
	id_bad("53010219900307123８", IDENT_LENGTH, "a full-width digit makes it longer than 18 bytes");
	id_bad("5301021990 3071238", IDENT_CHARSET, "a space inside");
	{
		char today[11] = "2026-12-01", b[11];
		char s[19] = "11010520261201001";
		s[17] = ident_id_card_check_char(s), s[18] = '\0';
		ok(ident_id_card_check(s, today, b) == IDENT_OK && strcmp(b, "2026-12-01") == 0, "born today accepted");
		ok(ident_id_card_check(s, "2026-11-30", b) == IDENT_FUTURE, "born tomorrow refused");
	}

	/* normalisation */
	char n[32];
	ident_normalize("  11010519491231002x\t", n, sizeof n);
	is_str(n, "11010519491231002X", "ident_normalize trims and upper-cases");
	ident_normalize("91350100m000100y43", n, sizeof n);
	is_str(n, "91350100M000100Y43", "ident_normalize upper-cases a credit code");
	ident_normalize("   ", n, sizeof n);
	is_str(n, "", "white space only gives empty");
	ident_normalize("123456", n, 4);
	is_str(n, "123", "ident_normalize cuts at the buffer");
	ident_normalize("12 \t456", n, 5);
	is_str(n, "12", "a cut ending in white space is trimmed too");
	ident_normalize(NULL, n, sizeof n);
	is_str(n, "", "NULL gives empty");

	/* ---- GB 32100-2015 ---- */
	us_ok("91350100M000100Y43");
	us_ok("91110000100000000R");
	us_ok("91110108MA01A2B3CF");
	us_ok("12100000000000000F");
	us_ok("Y1110000MA0000000U");
	us_ok("93530100MA6P0001XY");
	us_ok("51530000MA6Q000211");
	us_ok("31530000MA0000001X");
	us_ok("N2530100MA6R000315");
	us_ok("92530102MA6N00031P");
	is_int(ident_uscc_check_char("91350100M000100Y4"), '3', "check character of the standard's example");
	is_int(ident_uscc_check_char("91350100M000100I4"), 0, "I is not in the character set");

	us_bad("91350100M000100Y44", IDENT_CHECK, "wrong check character");
	us_bad("91350100M000100Y4I", IDENT_CHARSET, "check character I is not in the set");
	us_bad("91110108MA01A2B3CG", IDENT_CHECK, "wrong check character G");
	us_bad("91350100M000100O43", IDENT_CHARSET, "O is not in the set");
	us_bad("91350100M000100S43", IDENT_CHARSET, "S is not in the set");
	us_bad("91350100m000100y43", IDENT_CHARSET, "lower case (the domain normalises before checking)");
	us_bad("94350100M000100Y43", IDENT_AUTHORITY, "工商 has no type 4");
	us_bad("01350100M000100Y43", IDENT_AUTHORITY, "authority 0 does not exist");
	us_bad("B1350100M000100Y43", IDENT_AUTHORITY, "authority B does not exist");
	us_bad("913A0100M000100Y43", IDENT_AREA, "letter in the division code");
	us_bad("91350100M000100Y4", IDENT_LENGTH, "17 characters");
	us_bad("", IDENT_LENGTH, "empty");
	us_bad(NULL, IDENT_LENGTH, "NULL");
	is_str(ident_uscc_type("92530102MA6N00031P"), "工商 个体工商户", "the type of a 个体工商户");
	ok(ident_uscc_type("9") == NULL && ident_uscc_type("95") == NULL, "no type for a short or unknown pair");

	/* every single-character change of a valid code is refused */
	{
		const char *good = "91350100M000100Y43";
		static const char set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
		int accepted = 0;
		for (int i = 0; i < 18; i++)
			for (const char *c = set; *c; c++) {
				if (*c == good[i])
					continue;
				char t[19];
				memcpy(t, good, 19);
				t[i] = *c;
				if (ident_uscc_ok(t))
					accepted++;
			}
		is_int(accepted, 0, "no single-character substitution of a valid credit code passes");
		const char *gid = "530102199003071238";
		accepted = 0;
		for (int i = 0; i < 18; i++)
			for (char c = '0'; c <= '9'; c++) {
				if (c == gid[i])
					continue;
				char t[19];
				memcpy(t, gid, 19);
				t[i] = c;
				if (ident_id_card_check(t, "2026-12-01", NULL) == IDENT_OK)
					accepted++;
			}
		is_int(accepted, 0, "no single-digit substitution of a valid identity number passes");
	}

	/* ---- minors (未成年人保护法第二条: 未满十八周岁) ---- */
	ok(ident_is_minor("2010-06-15", "2026-12-01"), "16 years old is a minor");
	ok(ident_is_minor("2008-12-01", "2026-12-01"), "on the 18th birthday itself still a minor");
	ok(!ident_is_minor("2008-11-30", "2026-12-01"), "the day after the 18th birthday an adult");
	ok(ident_is_minor("2008-02-29", "2026-03-01"), "born 29 February: 18th birthday on 1 March");
	ok(!ident_is_minor("2008-02-29", "2026-03-02"), "and an adult the day after");
	ok(!ident_is_minor("1990-03-07", "2026-12-01"), "36 years old is no minor");
	ok(!ident_is_minor("1990-02-30", "2026-12-01") && !ident_is_minor("x", "2026-12-01"),
	   "malformed dates are not minors");
	for (int w = IDENT_OK; w <= IDENT_CHECK; w++)
		ok(strlen(ident_why_text((enum ident_why)w)) > 0, "reason %d has a text", w);
	return tap_done();
}
