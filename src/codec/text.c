/* text.c: normalising untrusted SMS text with libunistring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/text.h"

#define TEXT_REPLACEMENT	0xfffd	/* U+FFFD REPLACEMENT CHARACTER */

/* A range of code points, inclusive. */
struct text_range {
	ucs4_t	first;
	ucs4_t	last;
};

/*
 * Invisible characters that separate words without being White_Space in
 * the Unicode sense; phones and copy-paste from web pages insert them.
 */
static const struct text_range text_extra_spaces[] = {
	{ 0x180e, 0x180e },	/* MONGOLIAN VOWEL SEPARATOR */
	{ 0x200b, 0x200b },	/* ZERO WIDTH SPACE */
	{ 0x2060, 0x2060 },	/* WORD JOINER */
	{ 0xfeff, 0xfeff },	/* ZERO WIDTH NO-BREAK SPACE (BOM) */
};

/*
 * The bidirectional controls: embeddings and overrides (U+202A-202E),
 * isolates (U+2066-2069), the marks LRM, RLM and ALM. All are general
 * category Cf, which text_is_invisible refuses anyway; they are named so
 * that a reason can call them what they are, and so that a libunistring
 * with older Unicode data cannot miss one.
 */
static const struct text_range text_bidi[] = {
	{ 0x061c, 0x061c },	/* ARABIC LETTER MARK */
	{ 0x200e, 0x200f },	/* LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK */
	{ 0x202a, 0x202e },	/* LRE, RLE, PDF, LRO, RLO */
	{ 0x2066, 0x2069 },	/* LRI, RLI, FSI, PDI */
};

/*
 * The blocks of combining marks that accent Latin letters. text_unaccent
 * drops only these, so marks that are letters' vowels in other scripts
 * (Thai, Devanagari) survive. Vietnamese uses U+0300, U+0301, U+0302,
 * U+0303, U+0306, U+0309, U+031B and U+0323, all in the first block.
 */
static const struct text_range text_accent_blocks[] = {
	{ 0x0300, 0x036f },	/* Combining Diacritical Marks */
	{ 0x1ab0, 0x1aff },	/* Combining Diacritical Marks Extended */
	{ 0x1dc0, 0x1dff },	/* Combining Diacritical Marks Supplement */
	{ 0x20d0, 0x20ff },	/* Combining Diacritical Marks for Symbols */
	{ 0xfe20, 0xfe2f },	/* Combining Half Marks */
};

/* Letters with a stroke rather than a combining mark: no decomposition. */
static const struct {
	ucs4_t	uc;
	char	ascii;
} text_strokes[] = {
	{ 0x0110, 'D' },	/* LATIN CAPITAL LETTER D WITH STROKE */
	{ 0x0111, 'd' },	/* LATIN SMALL LETTER D WITH STROKE */
};

static int
text_in_ranges(ucs4_t uc, const struct text_range *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (uc >= r[i].first && uc <= r[i].last)
			return 1;
	}
	return 0;
}

/* The ASCII letter a stroked letter stands for, or 0. */
static char
text_stroke(ucs4_t uc)
{
	size_t	i;

	for (i = 0; i < nitems(text_strokes); i++) {
		if (text_strokes[i].uc == uc)
			return text_strokes[i].ascii;
	}
	return 0;
}

/* C0 controls (NUL included), DEL and C1 controls. */
static int
text_is_control(ucs4_t uc)
{
	return uc < 0x20 || (uc >= 0x7f && uc <= 0x9f);
}

/*
 * Invisible formatting characters: general category Cf (the bidirectional
 * controls, zero-width space, word joiner and the invisible operators
 * U+2060-2064, the BOM, the soft hyphen, the tags U+E0000-E007F, ...).
 * U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH JOINER are Cf as
 * well and are deliberately not spared: Vietnamese needs neither, they make
 * two names that look the same differ, and an emoji sequence they join
 * still reads as its emoji once they are gone.
 */
static int
text_is_invisible(ucs4_t uc)
{
	return uc_is_general_category(uc, UC_CATEGORY_Cf) ||
	    text_in_ranges(uc, text_bidi, nitems(text_bidi));
}

static int
text_is_space(ucs4_t uc)
{
	return uc_is_property_white_space(uc) ||
	    text_in_ranges(uc, text_extra_spaces, nitems(text_extra_spaces));
}

/*
 * Decode one character. u8_mbtouc gives U+FFFD for an invalid or truncated
 * sequence and consumes its maximal valid prefix (at least one byte), so
 * the walk always advances and never reads past n.
 */
static size_t
text_next(const uint8_t *s, size_t n, ucs4_t *uc)
{
	int	r;

	r = u8_mbtouc(uc, s, n);
	if (r < 1) {
		*uc = TEXT_REPLACEMENT;
		return 1;
	}
	return r;
}

/*
 * Re-encode in as well-formed UTF-8: invalid sequences become U+FFFD and,
 * if controls is set, control characters become spaces. Returns a malloc'd
 * buffer (not NUL-terminated) and its length in *outlen.
 */
static uint8_t *
text_sanitize(const uint8_t *in, size_t len, int controls, size_t *outlen)
{
	uint8_t	*out;
	size_t	 i, o, step;
	ucs4_t	 uc;

	/* An invalid byte grows to three (U+FFFD); nothing else grows. */
	out = xreallocarray(NULL, len + 1, 3);
	for (i = o = 0; i < len; i += step) {
		step = text_next(in + i, len - i, &uc);
		if (controls && text_is_control(uc))
			uc = ' ';
		o += u8_uctomb(out + o, uc, 4);
	}
	*outlen = o;
	return out;
}

/* Normalise s to nf; returns a malloc'd buffer and its length in *outlen. */
static uint8_t *
text_normalize(uninorm_t nf, const uint8_t *s, size_t n, size_t *outlen)
{
	uint8_t	*out;

	*outlen = 0;
	if (n == 0)
		return xmalloc(1);
	if ((out = u8_normalize(nf, s, n, NULL, outlen)) == NULL)
		fatal("%s: u8_normalize", __func__);
	return out;
}

/* Lower-case s (no language tailoring), the result normalised to nf. */
static uint8_t *
text_lower(uninorm_t nf, const uint8_t *s, size_t n, size_t *outlen)
{
	uint8_t	*out;

	*outlen = 0;
	if (n == 0)
		return xmalloc(1);
	if ((out = u8_tolower(s, n, NULL, nf, NULL, outlen)) == NULL)
		fatal("%s: u8_tolower", __func__);
	return out;
}

/*
 * Walk a well-formed UTF-8 buffer into a NUL-terminated string, trimming
 * whitespace and collapsing each run of it to one ASCII space. With fold
 * set, nonspacing marks are dropped and stroked letters made ASCII.
 */
static char *
text_squeeze(const uint8_t *s, size_t n, int fold)
{
	uint8_t	*out;
	size_t	 i, o, step;
	ucs4_t	 uc;
	char	 c;
	int	 space = 0;

	/* Output never outgrows input; the slack only keeps u8_uctomb honest. */
	out = xreallocarray(NULL, n + 2, 3);
	for (i = o = 0; i < n; i += step) {
		step = text_next(s + i, n - i, &uc);
		if (text_is_space(uc)) {
			space = 1;
			continue;
		}
		if (text_is_invisible(uc))
			continue;
		if (fold) {
			if (uc_is_general_category(uc, UC_CATEGORY_Mn))
				continue;
			if ((c = text_stroke(uc)) != 0)
				uc = (unsigned char)c;
		}
		if (space && o > 0)
			out[o++] = ' ';
		space = 0;
		o += u8_uctomb(out + o, uc, 4);
	}
	out[o] = '\0';
	return (char *)out;
}

/* How many bytes of in to look at: at most TEXT_MAX, cut between characters. */
static size_t
text_limit(const uint8_t *in, size_t len)
{
	size_t	cut;

	if (len <= TEXT_MAX)
		return len;
	/* Step back over at most three continuation bytes (RFC 3629 3). */
	cut = TEXT_MAX;
	while (cut > TEXT_MAX - 3 && (in[cut] & 0xc0) == 0x80)
		cut--;
	return cut;
}

char *
text_clean(const char *in, size_t len)
{
	uint8_t	*raw, *nfc;
	size_t	 rawlen, nfclen;
	char	*out;

	if (in == NULL)
		len = 0;
	len = text_limit((const uint8_t *)in, len);
	raw = text_sanitize((const uint8_t *)in, len, 1, &rawlen);
	nfc = text_normalize(UNINORM_NFC, raw, rawlen, &nfclen);
	free(raw);
	out = text_squeeze(nfc, nfclen, 0);
	free(nfc);
	return out;
}

char *
text_fold(const char *in, size_t len)
{
	char	*clean;
	uint8_t	*nfkd, *lower;
	size_t	 nfkdlen, lowerlen;
	char	*out;

	clean = text_clean(in, len);
	nfkd = text_normalize(UNINORM_NFKD, (uint8_t *)clean, strlen(clean),
	    &nfkdlen);
	free(clean);

	/*
	 * Lower-case after the decomposition (U+3392 SQUARE MHZ becomes "MHz"),
	 * and decompose again: U+0130 lower-cases to "i" plus U+0307, a mark
	 * text_squeeze then drops.
	 */
	lower = text_lower(UNINORM_NFKD, nfkd, nfkdlen, &lowerlen);
	free(nfkd);

	out = text_squeeze(lower, lowerlen, 1);
	free(lower);
	return out;
}

char *
text_unaccent(const char *in)
{
	uint8_t	*raw, *nfkd, *bare, *nfc;
	size_t	 rawlen, nfkdlen, barelen, nfclen, i, step;
	ucs4_t	 uc;
	char	 c, *out;

	if (in == NULL)
		in = "";
	raw = text_sanitize((const uint8_t *)in, strlen(in), 0, &rawlen);
	nfkd = text_normalize(UNINORM_NFKD, raw, rawlen, &nfkdlen);
	free(raw);

	bare = xreallocarray(NULL, nfkdlen + 2, 3);
	for (i = barelen = 0; i < nfkdlen; i += step) {
		step = text_next(nfkd + i, nfkdlen - i, &uc);
		if (text_in_ranges(uc, text_accent_blocks,
		    nitems(text_accent_blocks)) || text_is_invisible(uc))
			continue;
		if ((c = text_stroke(uc)) != 0)
			uc = (unsigned char)c;
		barelen += u8_uctomb(bare + barelen, uc, 4);
	}
	free(nfkd);

	/* Compose again what is left (Hangul jamo, marks of other scripts). */
	nfc = text_normalize(UNINORM_NFC, bare, barelen, &nfclen);
	free(bare);
	out = xmalloc(nfclen + 1);
	memcpy(out, nfc, nfclen);
	out[nfclen] = '\0';
	free(nfc);
	return out;
}

int
text_is_ascii(const char *s)
{
	if (s == NULL)
		return 1;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return 0;
	}
	return 1;
}

char *
text_cut(const char *s, size_t maxchars)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 len = strlen(s), off = 0, chars = 0;
	int		 n;

	while (off < len && chars < maxchars) {
		n = u8_mblen(p + off, len - off);
		if (n <= 0)
			n = 1;
		off += (size_t)n;
		chars++;
	}
	return xstrndup(s, off);
}

uint32_t
text_invisible(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 len, i, step;
	ucs4_t		 uc;

	if (s == NULL)
		return 0;
	len = strlen(s);
	for (i = 0; i < len; i += step) {
		step = text_next(p + i, len - i, &uc);
		if (text_is_invisible(uc))
			return uc;
	}
	return 0;
}

int
text_visible_check(const char *what, const char *s, char *err, size_t errlen)
{
	ucs4_t	uc;

	if ((uc = text_invisible(s)) == 0)
		return 0;
	snprintf(err, errlen, "%s holds U+%04X, %s", what, (unsigned)uc,
	    text_in_ranges(uc, text_bidi, nitems(text_bidi)) ?
	    "a bidirectional control" : "an invisible formatting character");
	return -1;
}

char *
text_strip_invisible(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 len, i, o, step;
	ucs4_t		 uc;
	uint8_t		*out;

	if (s == NULL)
		return xstrdup("");
	len = strlen(s);
	/*
	 * Re-encoded, not copied: kept as bytes, the halves of an invalid
	 * sequence either side of a dropped character would join into a new
	 * one ("\xe2\x80" U+FEFF "\xae" would become U+202E).
	 */
	out = xreallocarray(NULL, len + 1, 3);
	for (i = o = 0; i < len; i += step) {
		step = text_next(p + i, len - i, &uc);
		if (!text_is_invisible(uc))
			o += u8_uctomb(out + o, uc, 4);
	}
	out[o] = '\0';
	return (char *)out;
}
