/* test-text.c: normalising untrusted SMS text (text.c). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>

#include "base/base.h"
#include "codec/text.h"
#include "unit.h"

#define FFFD	"\xef\xbf\xbd"	/* U+FFFD REPLACEMENT CHARACTER */

/* An input given with its length (it may hold NUL bytes) and the result. */
struct text_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

static const struct text_case clean_cases[] = {
	/* NFC: decomposed "Hà Nội" (a + U+0300, o + U+0323 + U+0302) is composed. */
	{ "Ha\xcc\x80 No\xcc\xa3\xcc\x82i", 0, "H\xc3\xa0 N\xe1\xbb\x99i" },
	/* The marks in the other order compose to the same. */
	{ "No\xcc\x82\xcc\xa3i", 0, "N\xe1\xbb\x99i" },
	{ "H\xc3\xa0 N\xe1\xbb\x99i", 0, "H\xc3\xa0 N\xe1\xbb\x99i" },
	{ "MA\xcc\x83", 0, "M\xc3\x83" },
	/* Invalid UTF-8. */
	{ "abc\xff", 0, "abc" FFFD },
	{ "\xff\xfe", 0, FFFD FFFD },
	{ "ok\xe1\xba", 0, "ok" FFFD },			/* truncated at the end */
	{ "\xe1\xba" "a", 0, FFFD "a" },			/* truncated in the middle */
	{ "\x80x", 0, FFFD "x" },			/* lone continuation byte */
	{ "\xed\xa0\x80", 0, FFFD },			/* UTF-16 surrogate */
	{ "\xf4\x90\x80\x80", 0, FFFD },		/* above U+10FFFF */
	/* NUL and control characters. */
	{ "a\0b", 3, "a b" },
	{ "\0\0" "1234567\0", 10, "1234567" },
	{ "a\x01\x02\x1b" "b", 0, "a b" },
	{ "a\x7f" "b", 0, "a b" },
	{ "a\x7f", 0, "a" },
	{ "a\xc2\x85" "b", 0, "a b" },			/* C1 NEL */
	{ "a\xc2\x9f" "b", 0, "a b" },			/* C1 APC */
	/* Trimming and collapsing whitespace. */
	{ "  a \t\r\n b  ", 0, "a b" },
	{ "a\xc2\xa0\xc2\xa0" "b", 0, "a b" },		/* U+00A0 */
	{ "\xe3\x80\x80" "ma\xe3\x80\x80" "123", 0, "ma 123" },	/* U+3000 */
	{ "a\xe2\x80\x8b" "b", 0, "a b" },		/* U+200B */
	{ "\xef\xbb\xbf" "1234567", 0, "1234567" },	/* BOM */
	{ "a\xe2\x80\xa8" "b\xe2\x80\xaf" "c", 0, "a b c" },	/* U+2028, U+202F */
	{ "", 0, "" },
	{ "   ", 0, "" },
	{ "\xc2\xa0 \t\xe3\x80\x80", 0, "" },
	/* Invisible formatting characters are dropped, not made spaces. */
	{ "abc\xe2\x80\xae" "fdp.exe", 0, "abcfdp.exe" },		/* U+202E RLO */
	{ "\xe2\x81\xa6" "a\xe2\x81\xa9", 0, "a" },		/* U+2066, U+2069 */
	{ "a\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c" "b", 0, "ab" },	/* LRM, RLM, ALM */
	{ "a\xe2\x80\x8c\xe2\x80\x8d" "b", 0, "ab" },		/* ZWNJ, ZWJ */
	{ "so\xc2\xad" "ft", 0, "soft" },			/* soft hyphen */
	{ "a\xe2\x81\xa4" "b", 0, "ab" },			/* U+2064 */
	{ "1\xf3\xa0\x80\x81" "2", 0, "12" },			/* U+E0001 tag */
	/* What is not whitespace or control stays. */
	{ "\xef\xbc\x91\xef\xbc\x92", 0, "\xef\xbc\x91\xef\xbc\x92" },	/* "１２" */
	{ "Xin ch\xc3\xa0o \xf0\x9f\x98\x80", 0, "Xin ch\xc3\xa0o \xf0\x9f\x98\x80" },
	{ "KH\xc3\x94NG", 0, "KH\xc3\x94NG" },
};

static const struct text_case fold_cases[] = {
	{ "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96"
	    "\xef\xbc\x97", 0, "1234567" },			/* "１２３４５６７" */
	{ "\xef\xbc\xad\xef\xbc\xa1\xe3\x80\x80\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93",
	    0, "ma 123" },					/* "ＭＡ　１２３" */
	{ "\xef\xbc\x8b\xef\xbc\x92", 0, "+2" },		/* "＋２" */
	{ "M\xc3\x83", 0, "ma" },				/* "MÃ" */
	{ "MA\xcc\x83", 0, "ma" },				/* decomposed */
	{ "KH\xc3\x94NG", 0, "khong" },				/* "KHÔNG" */
	{ "\xc4\x90\xe1\xbb\x93ng \xc3\xbd", 0, "dong y" },	/* "Đồng ý" */
	{ "C\xc3\x93", 0, "co" },				/* "CÓ" */
	{ "Hu\xe1\xbb\xb7", 0, "huy" },				/* "Huỷ" */
	{ "H\xe1\xbb\xa7y", 0, "huy" },				/* "Hủy" */
	{ "Tr\xe1\xba\xa7n H\xc6\xb0ng \xc4\x90\xe1\xba\xa1o", 0, "tran hung dao" },
	{ "\xc4\x90\xe1\xba\xa0I", 0, "dai" },			/* "ĐẠI" */
	{ "L\xe1\xbb\x8a" "CH S\xe1\xbb\xac", 0, "lich su" },	/* "LỊCH SỬ" */
	{ "  Hello \t World  ", 0, "hello world" },
	{ "\xc4\xb0", 0, "i" },					/* U+0130 */
	{ "\xc3\x9f", 0, "\xc3\x9f" },				/* "ß" has no ASCII form */
	{ "\xe4\xb8\xad\xe6\x96\x87", 0, "\xe4\xb8\xad\xe6\x96\x87" },	/* "中文" */
	{ "a \xc2\xb4 b", 0, "a b" },				/* spacing acute */
	{ "\xef\xac\x81", 0, "fi" },				/* "ﬁ" */
	{ "\xe2\x80\xa6", 0, "..." },				/* "…" */
	{ "\xe2\x91\xa0", 0, "1" },				/* "①" */
	{ "\xe3\x8e\x92", 0, "mhz" },				/* U+3392 */
	{ "ok\xff", 0, "ok" FFFD },
	{ "CI\0" "1234567", 10, "ci 1234567" },
	{ "", 0, "" },
	{ "\xc2\xa0", 0, "" },
};

static const struct text_case unaccent_cases[] = {
	{ "Ph\xe1\xbb\x9f Th\xc3\xacn \xc4\x90inh Ti\xc3\xaan Ho\xc3\xa0ng", 0,
	    "Pho Thin Dinh Tien Hoang" },
	{ "Tr\xe1\xba\xa7n H\xc6\xb0ng \xc4\x90\xe1\xba\xa1o", 0, "Tran Hung Dao" },
	{ "Ho\xc3\xa0n Ki\xe1\xba\xbfm", 0, "Hoan Kiem" },
	{ "Ch\xc6\xb0\xc6\xa1ng D\xc6\xb0\xc6\xa1ng", 0, "Chuong Duong" },
	{ "C\xe1\xbb\xad" "a \xc4\x90\xc3\xb4ng", 0, "Cua Dong" },
	{ "L\xc3\xbd Th\xc3\xa1i T\xe1\xbb\x95", 0, "Ly Thai To" },
	{ "\xc4\x90\xe1\xbb\x92NG XU\xc3\x82N", 0, "DONG XUAN" },
	{ "Ha\xcc\x80ng Ba\xcc\xa3" "c", 0, "Hang Bac" },	/* decomposed input */
	{ "B\xc3\xa1nh m\xc3\xac  25", 0, "Banh mi  25" },	/* spacing kept */
	{ "Caf\xc3\xa9 \xe2\x91\xa0", 0, "Cafe 1" },
	{ "\xef\xbc\xa1\xef\xbc\xa2", 0, "AB" },		/* full-width */
	{ "ABC def", 0, "ABC def" },
	{ "", 0, "" },
	{ "x\xff", 0, "x" FFFD },
	{ "\xed\x95\x9c\xea\xb5\xad", 0, "\xed\x95\x9c\xea\xb5\xad" },	/* Hangul */
	{ "\xe0\xb8\x97\xe0\xb8\xb5\xe0\xb9\x88", 0,
	    "\xe0\xb8\x97\xe0\xb8\xb5\xe0\xb9\x88" },	/* Thai marks stay */
	{ "Ph\xe1\xbb\x9f\xe2\x80\xae" "abc", 0, "Phoabc" },	/* U+202E dropped */
};

/* Invisible formatting characters: which are, and the reason given. */
static const struct {
	const char	*in;
	uint32_t	 first;		/* 0: none */
	const char	*reason;
} invisible_cases[] = {
	{ "Ph\xe1\xbb\x9f Th\xc3\xacn", 0, NULL },
	{ "", 0, NULL },
	{ "a b\tc", 0, NULL },			/* controls are not this check's */
	{ "\xe2\x80\xaa", 0x202a, "name holds U+202A, a bidirectional control" },
	{ "x\xe2\x80\xab", 0x202b, "name holds U+202B, a bidirectional control" },
	{ "x\xe2\x80\xac", 0x202c, "name holds U+202C, a bidirectional control" },
	{ "x\xe2\x80\xad", 0x202d, "name holds U+202D, a bidirectional control" },
	{ "Shop\xe2\x80\xae" "gnp.exe", 0x202e,
	    "name holds U+202E, a bidirectional control" },
	{ "\xe2\x81\xa6", 0x2066, "name holds U+2066, a bidirectional control" },
	{ "\xe2\x81\xa7", 0x2067, "name holds U+2067, a bidirectional control" },
	{ "\xe2\x81\xa8", 0x2068, "name holds U+2068, a bidirectional control" },
	{ "\xe2\x81\xa9", 0x2069, "name holds U+2069, a bidirectional control" },
	{ "\xe2\x80\x8e", 0x200e, "name holds U+200E, a bidirectional control" },
	{ "\xe2\x80\x8f", 0x200f, "name holds U+200F, a bidirectional control" },
	{ "\xd8\x9c", 0x061c, "name holds U+061C, a bidirectional control" },
	{ "a\xe2\x80\x8b", 0x200b, "name holds U+200B, an invisible formatting character" },
	{ "a\xe2\x80\x8c", 0x200c, "name holds U+200C, an invisible formatting character" },
	{ "a\xe2\x80\x8d", 0x200d, "name holds U+200D, an invisible formatting character" },
	{ "a\xe2\x81\xa0", 0x2060, "name holds U+2060, an invisible formatting character" },
	{ "a\xe2\x81\xa4", 0x2064, "name holds U+2064, an invisible formatting character" },
	{ "\xef\xbb\xbf" "a", 0xfeff, "name holds U+FEFF, an invisible formatting character" },
	{ "a\xc2\xad", 0x00ad, "name holds U+00AD, an invisible formatting character" },
	{ "a\xf3\xa0\x80\x81", 0xe0001,
	    "name holds U+E0001, an invisible formatting character" },
	/* The first one is named. */
	{ "a\xe2\x80\x8b\xe2\x80\xae", 0x200b,
	    "name holds U+200B, an invisible formatting character" },
	/* Not Cf: no-break space, a combining mark, an emoji, U+FFFD. */
	{ "a\xc2\xa0" "b", 0, NULL },
	{ "e\xcc\x81", 0, NULL },
	{ "\xf0\x9f\x98\x80", 0, NULL },
	{ "\xff", 0, NULL },
};

/* What text_strip_invisible keeps: everything else, as valid UTF-8. */
static const struct text_case strip_cases[] = {
	{ "Ph\xe1\xbb\x9f\xe2\x80\xae Th\xc3\xacn", 0, "Ph\xe1\xbb\x9f Th\xc3\xacn" },
	{ "\xe2\x81\xa6\xe2\x80\x8f\xd8\x9c\xe2\x80\x8b\xef\xbb\xbf", 0, "" },
	{ "  a\tb  ", 0, "  a\tb  " },
	{ "x\xffy\xe2\x80\xaez", 0, "x" FFFD "yz" },		/* invalid made U+FFFD */
	/* Found by fuzz-csv: the halves of U+202E around a BOM must not join. */
	{ "Shop\xe2\xdc\xa9\xe2\x80\xef\xbb\xbf\xaeg=n", 0,
	    "Shop" FFFD "\xdc\xa9" FFFD FFFD "g=n" },
	{ "\xe2\x80\xef\xbb\xbf\xae", 0, FFFD FFFD },
	{ "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x8d\xb3", 0,
	    "\xf0\x9f\x91\xa8\xf0\x9f\x8d\xb3" },		/* ZWJ sequence */
	{ "", 0, "" },
};

static size_t
case_len(const struct text_case *c)
{
	return c->len != 0 ? c->len : strlen(c->in);
}

START_TEST(test_clean)
{
	const struct text_case	*c = &clean_cases[_i];
	char			*out;

	out = text_clean(c->in, case_len(c));
	ck_assert_msg(strcmp(out, c->want) == 0, "clean case %d: got \"%s\"",
	    _i, out);
	ck_assert_ptr_null(u8_check((const uint8_t *)out, strlen(out)));
	free(out);
}
END_TEST

START_TEST(test_fold)
{
	const struct text_case	*c = &fold_cases[_i];
	char			*out;

	out = text_fold(c->in, case_len(c));
	ck_assert_msg(strcmp(out, c->want) == 0, "fold case %d: got \"%s\"",
	    _i, out);
	free(out);
}
END_TEST

START_TEST(test_unaccent)
{
	const struct text_case	*c = &unaccent_cases[_i];
	char			*out;

	out = text_unaccent(c->in);
	ck_assert_msg(strcmp(out, c->want) == 0, "unaccent case %d: got \"%s\"",
	    _i, out);
	free(out);
}
END_TEST

START_TEST(test_ascii)
{
	static const struct {
		const char	*in;
		int		 want;
	} cases[] = {
		{ "", 1 },
		{ "abc 123 +-?", 1 },
		{ "\x7f\x01", 1 },
		{ "H\xc3\xa0", 0 },
		{ "\x80", 0 },
		{ "Pho Thin", 1 },
	};
	size_t	i;

	for (i = 0; i < nitems(cases); i++)
		ck_assert_int_eq(text_is_ascii(cases[i].in), cases[i].want);
}
END_TEST

/* Folding what text_unaccent leaves gives the folded original. */
START_TEST(test_unaccent_fold)
{
	const char	*in = "Ph\xe1\xbb\x9f Th\xc3\xacn \xc4\x90inh";
	char		*bare, *a, *b;

	bare = text_unaccent(in);
	ck_assert_int_eq(text_is_ascii(bare), 1);
	a = text_fold(bare, strlen(bare));
	b = text_fold(in, strlen(in));
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, "pho thin dinh");
	free(bare);
	free(a);
	free(b);
}
END_TEST

/* A NULL input is an empty one. */
START_TEST(test_null)
{
	char	*out;

	out = text_clean(NULL, 5);
	ck_assert_str_eq(out, "");
	free(out);
	out = text_fold(NULL, 0);
	ck_assert_str_eq(out, "");
	free(out);
	out = text_unaccent(NULL);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/* A 100 kB input is cut to TEXT_MAX bytes, between characters. */
START_TEST(test_long)
{
	size_t	 n = 100 * 1024, i;
	char	*in, *out;

	in = xmalloc(n);

	memset(in, 'a', n);
	out = text_clean(in, n);
	ck_assert_uint_eq(strlen(out), TEXT_MAX);
	free(out);

	/* "ộ" is three bytes: 1365 of them fit, the 1366th would be cut. */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(in + i, "\xe1\xbb\x99", 3);
	out = text_clean(in, i);
	ck_assert_uint_eq(strlen(out), (TEXT_MAX / 3) * 3);
	ck_assert_ptr_null(u8_check((const uint8_t *)out, strlen(out)));
	free(out);
	out = text_fold(in, i);
	ck_assert_uint_eq(strlen(out), TEXT_MAX / 3);
	ck_assert_int_eq(text_is_ascii(out), 1);
	free(out);

	/* Exactly TEXT_MAX bytes are kept whole. */
	memset(in, 'b', TEXT_MAX);
	out = text_clean(in, TEXT_MAX);
	ck_assert_uint_eq(strlen(out), TEXT_MAX);
	free(out);

	memset(in, '\0', n);
	out = text_clean(in, n);
	ck_assert_str_eq(out, "");
	free(out);

	/* Junk: every byte value over and over. */
	for (i = 0; i < n; i++)
		in[i] = (char)(i * 7 + i / 256);
	out = text_clean(in, n);
	ck_assert_ptr_null(u8_check((const uint8_t *)out, strlen(out)));
	free(out);
	out = text_fold(in, n);
	ck_assert_ptr_null(u8_check((const uint8_t *)out, strlen(out)));
	free(out);

	/* U+FDFA decomposes to 18 characters: fold must grow, not overflow. */
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(in + i, "\xef\xb7\xba", 3);
	out = text_fold(in, i);
	ck_assert_uint_gt(strlen(out), TEXT_MAX);
	ck_assert_ptr_null(u8_check((const uint8_t *)out, strlen(out)));
	free(out);

	free(in);
}
END_TEST

START_TEST(test_invisible)
{
	char	err[128];
	int	rc;

	ck_assert_uint_eq(text_invisible(invisible_cases[_i].in),
	    invisible_cases[_i].first);
	strlcpy(err, "untouched", sizeof err);
	rc = text_visible_check("name", invisible_cases[_i].in, err, sizeof err);
	if (invisible_cases[_i].reason == NULL) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(err, "untouched");
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, invisible_cases[_i].reason);
	}
}
END_TEST

START_TEST(test_strip_invisible)
{
	char	*out = text_strip_invisible(strip_cases[_i].in);

	ck_assert_str_eq(out, strip_cases[_i].want);
	free(out);
}
END_TEST

/* Every Cf character of the BMP goes, whatever text_clean is handed. */
START_TEST(test_invisible_all)
{
	uint8_t		 buf[8];
	char		*s, *out;
	ucs4_t		 uc;
	int		 n;

	for (uc = 0x80; uc < 0x10000; uc++) {
		if (uc >= 0xd800 && uc <= 0xdfff)
			continue;
		n = u8_uctomb(buf, uc, sizeof buf);
		ck_assert_int_gt(n, 0);
		xasprintf(&s, "a%.*sb", n, (char *)buf);
		if (uc_is_general_category(uc, UC_CATEGORY_Cf)) {
			ck_assert_uint_eq(text_invisible(s), uc);
			out = text_clean(s, strlen(s));
			ck_assert_msg(strcmp(out, "ab") == 0 || strcmp(out, "a b") == 0,
			    "U+%04X kept by text_clean", (unsigned)uc);
			free(out);
			out = text_unaccent(s);
			ck_assert_msg(strcmp(out, "ab") == 0, "U+%04X kept by text_unaccent",
			    (unsigned)uc);
			free(out);
		} else
			ck_assert_msg(text_invisible(s) == 0, "U+%04X refused", (unsigned)uc);
		free(s);
	}
}
END_TEST

static Suite *
text_suite(void)
{
	Suite	*s = suite_create("text");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_clean, 0, nitems(clean_cases));
	tcase_add_loop_test(tc, test_fold, 0, nitems(fold_cases));
	tcase_add_loop_test(tc, test_unaccent, 0, nitems(unaccent_cases));
	tcase_add_loop_test(tc, test_invisible, 0, nitems(invisible_cases));
	tcase_add_loop_test(tc, test_strip_invisible, 0, nitems(strip_cases));
	tcase_add_test(tc, test_invisible_all);
	tcase_add_test(tc, test_ascii);
	tcase_add_test(tc, test_unaccent_fold);
	tcase_add_test(tc, test_null);
	tcase_add_test(tc, test_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(text_suite());
}
