/*
 * test-gsm.c: GSM 03.38 alphabet membership, SMS segment counting and
 * splitting, and the encoders and decoders between UTF-8 and GSM-7, UCS-2
 * and Latin-1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/gsm.h"
#include "unit.h"

/* Code points and the septets they take (0: not in the alphabet). */
static const struct {
	uint32_t	cp;
	int		septets;
} septet_cases[] = {
	{ '@', 1 }, { 0x00a3, 1 }, { '$', 1 }, { 0x00a5, 1 }, { 0x00e8, 1 },
	{ 0x00e9, 1 }, { 0x00f9, 1 }, { 0x00ec, 1 }, { 0x00f2, 1 },
	{ 0x00c7, 1 }, { '\n', 1 }, { 0x00d8, 1 }, { 0x00f8, 1 }, { '\r', 1 },
	{ 0x00c5, 1 }, { 0x00e5, 1 }, { 0x0394, 1 }, { '_', 1 }, { 0x03a6, 1 },
	{ 0x0393, 1 }, { 0x039b, 1 }, { 0x03a9, 1 }, { 0x03a0, 1 },
	{ 0x03a8, 1 }, { 0x03a3, 1 }, { 0x0398, 1 }, { 0x039e, 1 },
	{ 0x00c6, 1 }, { 0x00e6, 1 }, { 0x00df, 1 }, { 0x00c9, 1 }, { ' ', 1 },
	{ '!', 1 }, { '"', 1 }, { '#', 1 }, { 0x00a4, 1 }, { '%', 1 },
	{ '&', 1 }, { '\'', 1 }, { '(', 1 }, { ')', 1 }, { '*', 1 }, { '+', 1 },
	{ ',', 1 }, { '-', 1 }, { '.', 1 }, { '/', 1 }, { '0', 1 }, { '9', 1 },
	{ ':', 1 }, { ';', 1 }, { '<', 1 }, { '=', 1 }, { '>', 1 }, { '?', 1 },
	{ 0x00a1, 1 }, { 'A', 1 }, { 'Z', 1 }, { 0x00c4, 1 }, { 0x00d6, 1 },
	{ 0x00d1, 1 }, { 0x00dc, 1 }, { 0x00a7, 1 }, { 0x00bf, 1 }, { 'a', 1 },
	{ 'z', 1 }, { 0x00e4, 1 }, { 0x00f6, 1 }, { 0x00f1, 1 }, { 0x00fc, 1 },
	{ 0x00e0, 1 },
	/* extension table */
	{ 0x000c, 2 }, { '^', 2 }, { '{', 2 }, { '}', 2 }, { '\\', 2 },
	{ '[', 2 }, { '~', 2 }, { ']', 2 }, { '|', 2 }, { 0x20ac, 2 },
	/* not in the alphabet */
	{ '`', 0 }, { '\t', 0 }, { 0x0000, 0 }, { 0x001b, 0 }, { 0x007f, 0 },
	{ 0x00e7, 0 },		/* small c cedilla: only the capital is there */
	{ 0x00ea, 0 },		/* ê */
	{ 0x01b0, 0 },		/* ư */
	{ 0x0111, 0 },		/* đ */
	{ 0x0110, 0 },		/* Đ */
	{ 0x1ea1, 0 },		/* ạ */
	{ 0x00e1, 0 },		/* á */
	{ 0x00c0, 0 },		/* À: only the small à is there */
	{ 0x03b1, 0 },		/* Greek small alpha */
	{ 0x0391, 0 },		/* Greek capital Alpha (looks like A) */
	{ 0x00a0, 0 },		/* no-break space */
	{ 0x2019, 0 },		/* right single quotation mark */
	{ 0x1f600, 0 },		/* emoji */
	{ 0xfeff, 0 }, { 0xffffffff, 0 }, { 0x110000, 0 },
};

START_TEST(test_septets)
{
	size_t	i;
	int	ascii = 0;
	uint32_t cp;

	for (i = 0; i < nitems(septet_cases); i++) {
		ck_assert_msg(gsm_septets(septet_cases[i].cp) ==
		    septet_cases[i].septets, "U+%04X: %d, want %d",
		    (unsigned int)septet_cases[i].cp,
		    gsm_septets(septet_cases[i].cp), septet_cases[i].septets);
	}
	/* Printable ASCII: all there but `, 9 of it in the extension. */
	for (cp = 0x20; cp < 0x7f; cp++)
		ascii += gsm_septets(cp) > 0;
	ck_assert_int_eq(ascii, 0x7f - 0x20 - 1);
}
END_TEST

#define LONG	700

/* Text built of runs: n copies of a UTF-8 piece, one after another. */
struct run {
	const char	*piece;
	size_t		 n;
};

static const struct {
	const char		*name;
	struct run		 runs[4];
	enum gsm_coding		 coding;
	size_t			 units;
	size_t			 segments;
	size_t			 per_segment;
} count_cases[] = {
	{ "empty", { { NULL, 0 } }, GSM_CODING_GSM7, 0, 1, 160 },
	{ "one char", { { "a", 1 } }, GSM_CODING_GSM7, 1, 1, 160 },
	{ "160 gsm", { { "a", 160 } }, GSM_CODING_GSM7, 160, 1, 160 },
	{ "161 gsm", { { "a", 161 } }, GSM_CODING_GSM7, 161, 2, 153 },
	{ "153*2", { { "a", 306 } }, GSM_CODING_GSM7, 306, 2, 153 },
	{ "153*2+1", { { "a", 307 } }, GSM_CODING_GSM7, 307, 3, 153 },
	{ "153*3", { { "a", 459 } }, GSM_CODING_GSM7, 459, 3, 153 },
	{ "gsm basic non-ascii", { { "@£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà",
	    1 } }, GSM_CODING_GSM7, 41, 1, 160 },
	{ "euro is 2", { { "€", 1 } }, GSM_CODING_GSM7, 2, 1, 160 },
	{ "extension all", { { "\f^{}\\[~]|€", 1 } }, GSM_CODING_GSM7, 20, 1,
	    160 },
	{ "80 euros fill one", { { "€", 80 } }, GSM_CODING_GSM7, 160, 1, 160 },
	{ "159 + euro", { { "a", 159 }, { "€", 1 } }, GSM_CODING_GSM7, 161, 2,
	    153 },
	{ "158 + euro", { { "a", 158 }, { "€", 1 } }, GSM_CODING_GSM7, 160, 1,
	    160 },
	/* The escape pair would straddle septets 153 and 154: it moves on. */
	{ "euro at 153", { { "a", 152 }, { "€", 1 }, { "a", 152 } },
	    GSM_CODING_GSM7, 306, 3, 153 },
	{ "euro fits 153", { { "a", 151 }, { "€", 1 }, { "a", 153 } },
	    GSM_CODING_GSM7, 306, 2, 153 },
	{ "euro after 153", { { "a", 153 }, { "€", 1 }, { "a", 151 } },
	    GSM_CODING_GSM7, 306, 2, 153 },
	{ "bracket at 153", { { "a", 152 }, { "[", 1 }, { "a", 10 } },
	    GSM_CODING_GSM7, 164, 2, 153 },
	{ "bracket at 306", { { "a", 305 }, { "[", 1 }, { "a", 1 } },
	    GSM_CODING_GSM7, 308, 3, 153 },
	{ "153 euros", { { "€", 153 } }, GSM_CODING_GSM7, 306, 3, 153 },
	{ "lf cr", { { "a\r\nb", 1 } }, GSM_CODING_GSM7, 4, 1, 160 },
	{ "vietnamese folded", { { "Ban da check-in tai Pho Hang Bac luc "
	    "08:15 16/09. Tra loi KB de khai bao y te.", 1 } },
	    GSM_CODING_GSM7, 78, 1, 160 },
	{ "backtick", { { "a`b", 1 } }, GSM_CODING_UCS2, 3, 1, 70 },
	{ "tab", { { "a\tb", 1 } }, GSM_CODING_UCS2, 3, 1, 70 },
	{ "small c cedilla", { { "ç", 1 } }, GSM_CODING_UCS2, 1, 1, 70 },
	{ "160 + backtick", { { "a", 160 }, { "`", 1 } }, GSM_CODING_UCS2, 161,
	    3, 67 },
	{ "70 u-horn", { { "ư", 70 } }, GSM_CODING_UCS2, 70, 1, 70 },
	{ "71 u-horn", { { "ư", 71 } }, GSM_CODING_UCS2, 71, 2, 67 },
	{ "134 u-horn", { { "ư", 134 } }, GSM_CODING_UCS2, 134, 2, 67 },
	{ "135 u-horn", { { "ư", 135 } }, GSM_CODING_UCS2, 135, 3, 67 },
	{ "vietnamese", { { "Bạn đã check-in tại Phố Hàng Bạc", 1 } },
	    GSM_CODING_UCS2, 32, 1, 70 },
	{ "euro in ucs2 is 1", { { "€ư", 35 } }, GSM_CODING_UCS2, 70, 1, 70 },
	{ "emoji", { { "😀", 1 } }, GSM_CODING_UCS2, 2, 1, 70 },
	{ "35 emoji", { { "😀", 35 } }, GSM_CODING_UCS2, 70, 1, 70 },
	{ "36 emoji", { { "😀", 36 } }, GSM_CODING_UCS2, 72, 2, 67 },
	/* The surrogate pair would straddle units 67 and 68: it moves on. */
	{ "emoji at 67", { { "a", 66 }, { "😀", 1 }, { "a", 66 } },
	    GSM_CODING_UCS2, 134, 3, 67 },
	{ "emoji fits 67", { { "a", 65 }, { "😀", 1 }, { "a", 67 } },
	    GSM_CODING_UCS2, 134, 2, 67 },
	{ "67 emoji", { { "😀", 67 } }, GSM_CODING_UCS2, 134, 3, 67 },
	{ "emoji before 70", { { "a", 68 }, { "😀", 1 } }, GSM_CODING_UCS2,
	    70, 1, 70 },
	{ "emoji after 69", { { "a", 69 }, { "😀", 1 } }, GSM_CODING_UCS2, 71,
	    2, 67 },
	{ "long gsm", { { "a", LONG } }, GSM_CODING_GSM7, LONG, 5, 153 },
	{ "long ucs2", { { "ư", LONG } }, GSM_CODING_UCS2, LONG, 11, 67 },
};

/* Concatenate a case's runs into buf; returns the length. */
static size_t
build(const struct run *runs, size_t nruns, char *buf, size_t size)
{
	size_t	len = 0, i, j, plen;

	for (i = 0; i < nruns && runs[i].piece != NULL; i++) {
		plen = strlen(runs[i].piece);
		for (j = 0; j < runs[i].n; j++) {
			ck_assert_uint_lt(len + plen, size);
			memcpy(buf + len, runs[i].piece, plen);
			len += plen;
		}
	}
	buf[len] = '\0';
	return len;
}

START_TEST(test_count)
{
	static char		buf[8192];
	struct gsm_count	gc;
	size_t			i, len;

	for (i = 0; i < nitems(count_cases); i++) {
		len = build(count_cases[i].runs, nitems(count_cases[i].runs),
		    buf, sizeof buf);
		memset(&gc, 0xa5, sizeof gc);
		ck_assert_msg(gsm_count(buf, len, &gc) == 0, "%s",
		    count_cases[i].name);
		ck_assert_msg(gc.coding == count_cases[i].coding,
		    "%s: coding %d", count_cases[i].name, gc.coding);
		ck_assert_msg(gc.units == count_cases[i].units,
		    "%s: units %zu, want %zu", count_cases[i].name, gc.units,
		    count_cases[i].units);
		ck_assert_msg(gc.segments == count_cases[i].segments,
		    "%s: segments %zu, want %zu", count_cases[i].name,
		    gc.segments, count_cases[i].segments);
		ck_assert_msg(gc.per_segment == count_cases[i].per_segment,
		    "%s: per segment %zu, want %zu", count_cases[i].name,
		    gc.per_segment, count_cases[i].per_segment);
	}
}
END_TEST

/* A NUL inside the length is a character the alphabet lacks. */
START_TEST(test_count_nul)
{
	struct gsm_count	gc;

	ck_assert_int_eq(gsm_count("a\0b", 3, &gc), 0);
	ck_assert_int_eq(gc.coding, GSM_CODING_UCS2);
	ck_assert_uint_eq(gc.units, 3);
	/* Only len bytes are read. */
	ck_assert_int_eq(gsm_count("ab`", 2, &gc), 0);
	ck_assert_int_eq(gc.coding, GSM_CODING_GSM7);
	ck_assert_uint_eq(gc.units, 2);
	ck_assert_int_eq(gsm_count(NULL, 0, &gc), 0);
	ck_assert_uint_eq(gc.units, 0);
	ck_assert_uint_eq(gc.segments, 1);
}
END_TEST

static const struct {
	const char	*name;
	const char	*bytes;
	size_t		 len;
} invalid_cases[] = {
	{ "lone continuation", "\x80", 1 },
	{ "0xff", "a\xff" "b", 3 },
	{ "0xfe", "\xfe", 1 },
	{ "truncated 2-byte", "abc\xc3", 4 },
	{ "truncated 3-byte", "\xe2\x82", 2 },
	{ "truncated 4-byte", "\xf0\x9f\x98", 3 },
	{ "cut by len", "\xc3\xa0", 1 },
	{ "overlong slash", "\xc0\xaf", 2 },
	{ "overlong nul", "\xc0\x80", 2 },
	{ "overlong 3-byte", "\xe0\x80\xaf", 3 },
	{ "surrogate", "\xed\xa0\x80", 3 },
	{ "beyond U+10FFFF", "\xf4\x90\x80\x80", 4 },
	{ "5-byte form", "\xf8\x88\x80\x80\x80", 5 },
	{ "bad continuation", "\xc3\x28", 2 },
};

START_TEST(test_count_invalid)
{
	struct gsm_count	gc;
	size_t			i;

	for (i = 0; i < nitems(invalid_cases); i++) {
		ck_assert_msg(gsm_count(invalid_cases[i].bytes,
		    invalid_cases[i].len, &gc) == -1, "%s",
		    invalid_cases[i].name);
	}
	ck_assert_int_eq(gsm_count(NULL, 5, &gc), -1);
	ck_assert_int_eq(gsm_count("abc", 3, NULL), -1);
}
END_TEST


/* Split cases: the length of every segment, in septets or octets. */
static const struct {
	const char		*name;
	struct run		 runs[4];
	enum gsm_coding		 coding;
	size_t			 nseg;
	size_t			 lens[4];
} split_cases[] = {
	{ "empty", { { NULL, 0 } }, GSM_CODING_GSM7, 1, { 0 } },
	{ "160 septets", { { "a", 160 } }, GSM_CODING_GSM7, 1, { 160 } },
	{ "161 septets", { { "a", 161 } }, GSM_CODING_GSM7, 2, { 153, 8 } },
	{ "80 euros", { { "€", 80 } }, GSM_CODING_GSM7, 1, { 160 } },
	/* The escape pair at septets 153 and 154 moves to the next part. */
	{ "euro at 153", { { "a", 152 }, { "€", 1 }, { "a", 10 } },
	    GSM_CODING_GSM7, 2, { 152, 12 } },
	{ "euro ends 153", { { "a", 151 }, { "€", 1 }, { "a", 10 } },
	    GSM_CODING_GSM7, 2, { 153, 10 } },
	{ "3 parts", { { "a", 307 } }, GSM_CODING_GSM7, 3, { 153, 153, 1 } },
	{ "70 units", { { "ư", 70 } }, GSM_CODING_UCS2, 1, { 140 } },
	{ "71 units", { { "ư", 71 } }, GSM_CODING_UCS2, 2, { 134, 8 } },
	{ "35 emoji", { { "😀", 35 } }, GSM_CODING_UCS2, 1, { 140 } },
	/* The surrogate pair at units 67 and 68 moves to the next part. */
	{ "emoji at 67", { { "a", 66 }, { "😀", 1 }, { "a", 66 } },
	    GSM_CODING_UCS2, 3, { 132, 134, 2 } },
	{ "emoji ends 67", { { "a", 65 }, { "😀", 1 }, { "a", 10 } },
	    GSM_CODING_UCS2, 2, { 134, 20 } },
};

START_TEST(test_split)
{
	static char		buf[8192];
	struct gsm_segment	segs[8];
	struct gsm_count	gc;
	enum gsm_coding		coding;
	size_t			i, j, len;
	int			n;

	for (i = 0; i < nitems(split_cases); i++) {
		len = build(split_cases[i].runs, nitems(split_cases[i].runs),
		    buf, sizeof buf);
		n = gsm_split(buf, len, &coding, segs, nitems(segs));
		ck_assert_msg(n == (int)split_cases[i].nseg, "%s: %d segments",
		    split_cases[i].name, n);
		ck_assert_msg(coding == split_cases[i].coding, "%s: coding",
		    split_cases[i].name);
		for (j = 0; j < (size_t)n; j++) {
			ck_assert_msg(segs[j].len == split_cases[i].lens[j],
			    "%s: segment %zu is %zu long, want %zu",
			    split_cases[i].name, j, segs[j].len,
			    split_cases[i].lens[j]);
		}
		/* gsm_count measures what gsm_split makes. */
		ck_assert_int_eq(gsm_count(buf, len, &gc), 0);
		ck_assert_uint_eq(gc.segments, (size_t)n);
		/* One segment fewer than needed is refused. */
		ck_assert_int_eq(gsm_split(buf, len, &coding, segs, (size_t)n - 1),
		    -1);
	}
}
END_TEST

/* The bytes at the boundaries: an escape pair and a surrogate pair move whole. */
START_TEST(test_split_bytes)
{
	static char		buf[1024];
	struct gsm_segment	segs[4];
	enum gsm_coding		coding;
	size_t			len;

	memset(buf, 'a', 152);
	memcpy(buf + 152, "€b", 4);
	len = 156;
	memset(buf + len, 'a', 10);
	len += 10;
	ck_assert_int_eq(gsm_split(buf, len, &coding, segs, 4), 2);
	ck_assert_int_eq(coding, GSM_CODING_GSM7);
	ck_assert_uint_eq(segs[0].len, 152);
	ck_assert_uint_eq(segs[0].data[151], 0x61);
	ck_assert_uint_eq(segs[1].len, 13);
	ck_assert_mem_eq(segs[1].data, "\x1b\x65\x62\x61", 4);

	memset(buf, 'a', 66);
	memcpy(buf + 66, "😀ư", 6);
	len = 72;
	memset(buf + len, 'a', 10);
	len += 10;
	ck_assert_int_eq(gsm_split(buf, len, &coding, segs, 4), 2);
	ck_assert_int_eq(coding, GSM_CODING_UCS2);
	ck_assert_uint_eq(segs[0].len, 132);
	ck_assert_mem_eq(segs[0].data + 130, "\x00\x61", 2);
	ck_assert_uint_eq(segs[1].len, 4 + 2 + 20);
	ck_assert_mem_eq(segs[1].data, "\xd8\x3d\xde\x00\x01\xb0\x00\x61", 8);

	ck_assert_int_eq(gsm_split("a\xff", 2, &coding, segs, 4), -1);
	ck_assert_int_eq(gsm_split("a", 1, &coding, segs, 0), -1);
}
END_TEST

/* UTF-8 in, septets or UTF-16BE out. */
static const struct {
	const char	*name;
	const char	*utf8;
	enum gsm_coding	 coding;
	const char	*out;
	size_t		 outlen;
} encode_cases[] = {
	{ "ascii", "hello", GSM_CODING_GSM7, "\x68\x65\x6c\x6c\x6f", 5 },
	{ "at and pound", "@£$", GSM_CODING_GSM7, "\x00\x01\x02", 3 },
	{ "extension", "€[]{}^~|\\", GSM_CODING_GSM7,
	    "\x1b\x65\x1b\x3c\x1b\x3e\x1b\x28\x1b\x29\x1b\x14\x1b\x3d\x1b\x40"
	    "\x1b\x2f", 18 },
	{ "greek and lf", "ΔΩ\n", GSM_CODING_GSM7, "\x10\x15\x0a", 3 },
	{ "not in gsm7 is ?", "a`ư", GSM_CODING_GSM7, "\x61\x3f\x3f", 3 },
	{ "ucs2 ascii", "Hi", GSM_CODING_UCS2, "\x00\x48\x00\x69", 4 },
	{ "ucs2 vietnamese", "Đạ", GSM_CODING_UCS2, "\x01\x10\x1e\xa1", 4 },
	{ "ucs2 euro", "€", GSM_CODING_UCS2, "\x20\xac", 2 },
	{ "ucs2 emoji", "😀", GSM_CODING_UCS2, "\xd8\x3d\xde\x00", 4 },
	{ "ucs2 U+10FFFF", "\xf4\x8f\xbf\xbf", GSM_CODING_UCS2,
	    "\xdb\xff\xdf\xff", 4 },
};

START_TEST(test_encode)
{
	uint8_t	out[64];
	size_t	i;
	ssize_t	n;

	for (i = 0; i < nitems(encode_cases); i++) {
		n = gsm_encode(encode_cases[i].utf8,
		    strlen(encode_cases[i].utf8), encode_cases[i].coding, out,
		    sizeof out);
		ck_assert_msg(n == (ssize_t)encode_cases[i].outlen,
		    "%s: %zd octets", encode_cases[i].name, n);
		ck_assert_msg(memcmp(out, encode_cases[i].out, (size_t)n) == 0,
		    "%s: bytes differ", encode_cases[i].name);
		/* One octet short is refused. */
		ck_assert_int_eq(gsm_encode(encode_cases[i].utf8,
		    strlen(encode_cases[i].utf8), encode_cases[i].coding, out,
		    (size_t)n - 1), -1);
	}
	ck_assert_int_eq(gsm_encode("a\xc3", 2, GSM_CODING_GSM7, out, 8), -1);
	ck_assert_int_eq(gsm_encode("\xed\xa0\x80", 3, GSM_CODING_UCS2, out, 8),
	    -1);
	ck_assert_int_eq(gsm_encode(NULL, 0, GSM_CODING_UCS2, out, 8), 0);
	ck_assert_int_eq(gsm_encode("", 0, GSM_CODING_GSM7, NULL, 0), 0);
}
END_TEST

/* Septets, UCS-2 and Latin-1 in, UTF-8 out. */
enum dec { DEC_SEPTETS, DEC_UCS2, DEC_LATIN1 };
static const struct {
	const char	*name;
	enum dec	 dec;
	const char	*in;
	size_t		 inlen;
	const char	*utf8;
} decode_cases[] = {
	{ "hello", DEC_SEPTETS, "\x68\x65\x6c\x6c\x6f", 5, "hello" },
	{ "at is zero", DEC_SEPTETS, "\x00\x01\x02\x11", 4, "@£$_" },
	{ "escape euro", DEC_SEPTETS, "\x1b\x65\x1b\x3c", 4, "€[" },
	{ "unknown escape is basic", DEC_SEPTETS, "\x1b\x41\x1b\x00", 4, "A@" },
	{ "escape escape is space", DEC_SEPTETS, "\x61\x1b\x1b\x62", 4, "a b" },
	{ "lone trailing escape", DEC_SEPTETS, "\x61\x1b", 2, "a" },
	{ "high bit ignored", DEC_SEPTETS, "\xe8\xe5", 2, "he" },
	{ "ucs2 vietnamese", DEC_UCS2, "\x01\x10\x1e\xa1", 4, "Đạ" },
	{ "ucs2 emoji", DEC_UCS2, "\xd8\x3d\xde\x00\x00\x21", 6, "😀!" },
	{ "ucs2 lone high", DEC_UCS2, "\xd8\x3d\x00\x21", 4, "\xef\xbf\xbd!" },
	{ "ucs2 lone high at end", DEC_UCS2, "\x00\x21\xd8\x3d", 4,
	    "!\xef\xbf\xbd" },
	{ "ucs2 lone low", DEC_UCS2, "\xde\x00\x00\x61", 4, "\xef\xbf\xbd" "a" },
	{ "ucs2 high high low", DEC_UCS2, "\xd8\x3d\xd8\x3d\xde\x00", 6,
	    "\xef\xbf\xbd😀" },
	{ "ucs2 odd octet dropped", DEC_UCS2, "\x00\x61\x00", 3, "a" },
	{ "ucs2 nul", DEC_UCS2, "\x00\x00", 2, "\xef\xbf\xbd" },
	{ "latin1", DEC_LATIN1, "caf\xe9 \xff", 6, "café ÿ" },
	{ "latin1 nul", DEC_LATIN1, "a\x00", 2, "a\xef\xbf\xbd" },
	{ "empty", DEC_UCS2, "", 0, "" },
};

static ssize_t
decode(enum dec dec, const uint8_t *in, size_t n, char *out, size_t outlen)
{
	switch (dec) {
	case DEC_SEPTETS:
		return gsm_decode_septets(in, n, out, outlen);
	case DEC_UCS2:
		return gsm_decode_ucs2(in, n, out, outlen);
	case DEC_LATIN1:
		return gsm_decode_latin1(in, n, out, outlen);
	}
	return -2;
}

START_TEST(test_decode)
{
	char	out[64];
	size_t	i, want;
	ssize_t	n;

	for (i = 0; i < nitems(decode_cases); i++) {
		want = strlen(decode_cases[i].utf8);
		memset(out, 'x', sizeof out);
		n = decode(decode_cases[i].dec,
		    (const uint8_t *)decode_cases[i].in, decode_cases[i].inlen,
		    out, sizeof out);
		ck_assert_msg(n == (ssize_t)want, "%s: %zd bytes, want %zu",
		    decode_cases[i].name, n, want);
		ck_assert_msg(strcmp(out, decode_cases[i].utf8) == 0,
		    "%s: \"%s\"", decode_cases[i].name, out);
		/* Exactly room for it and its NUL; one byte less is refused. */
		ck_assert_int_eq(decode(decode_cases[i].dec,
		    (const uint8_t *)decode_cases[i].in, decode_cases[i].inlen,
		    out, want + 1), (ssize_t)want);
		memset(out, 'x', sizeof out);
		ck_assert_int_eq(decode(decode_cases[i].dec,
		    (const uint8_t *)decode_cases[i].in, decode_cases[i].inlen,
		    out, want), -1);
		if (want > 0)
			ck_assert_uint_lt(strlen(out), want);
	}
	ck_assert_int_eq(gsm_decode_latin1((const uint8_t *)"a", 1, out, 0), -1);
}
END_TEST

/* Every character of both tables survives encode and decode. */
START_TEST(test_alphabet_round_trip)
{
	static const char	*all = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ "
	    "!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
	    "¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€";
	uint8_t			 septets[512];
	char			 out[512];
	ssize_t			 n;

	n = gsm_encode(all, strlen(all), GSM_CODING_GSM7, septets,
	    sizeof septets);
	ck_assert_int_eq(n, 127 + 2 * 10);
	ck_assert_int_eq(gsm_decode_septets(septets, (size_t)n, out, sizeof out),
	    (ssize_t)strlen(all));
	ck_assert_str_eq(out, all);
	n = gsm_encode(all, strlen(all), GSM_CODING_UCS2, septets,
	    sizeof septets);
	ck_assert_int_eq(n, 2 * (127 + 10));
	ck_assert_int_eq(gsm_decode_ucs2(septets, (size_t)n, out, sizeof out),
	    (ssize_t)strlen(all));
	ck_assert_str_eq(out, all);
}
END_TEST

static Suite *
gsm_suite(void)
{
	Suite	*s = suite_create("gsm");
	TCase	*tc = tcase_create("alphabet");

	tcase_add_test(tc, test_septets);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_count_nul);
	tcase_add_test(tc, test_count_invalid);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_split_bytes);
	tcase_add_test(tc, test_encode);
	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_alphabet_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(gsm_suite());
}
