/* gsm.c: the GSM 7-bit default alphabet and SMS segment counting. */
#include <stdint.h>
#include <string.h>

#include <unistr.h>

#include "checkind.h"
#include "gsm.h"

#define GSM_NONE	0xffffffffU	/* a septet that is no character (escape) */

/* Single-part and concatenated-part capacities (3GPP TS 23.040 9.2.3.24.1). */
#define GSM7_SINGLE	160
#define GSM7_PART	153	/* 160 less 7 septets of concatenation header */
#define UCS2_SINGLE	70
#define UCS2_PART	67	/* 140 octets less 6 of header, in UTF-16 units */

/*
 * 3GPP TS 23.038 6.2.1: the GSM 7-bit default alphabet, basic character set,
 * indexed by septet. 0x1b is the escape to the extension table. 0x09 is
 * capital C with cedilla as the specification has it.
 */
static const uint32_t gsm_basic[128] = {
	/* 0x00 */ 0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec,
	/* 0x08 */ 0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
	/* 0x10 */ 0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8,
	/* 0x18 */ 0x03a3, 0x0398, 0x039e, GSM_NONE, 0x00c6, 0x00e6, 0x00df, 0x00c9,
	/* 0x20 */ 0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027,
	/* 0x28 */ 0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
	/* 0x30 */ 0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,
	/* 0x38 */ 0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
	/* 0x40 */ 0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,
	/* 0x48 */ 0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
	/* 0x50 */ 0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,
	/* 0x58 */ 0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
	/* 0x60 */ 0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,
	/* 0x68 */ 0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
	/* 0x70 */ 0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,
	/* 0x78 */ 0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

/*
 * 3GPP TS 23.038 6.2.1.1: the default alphabet extension table, each sent as
 * escape (0x1b) and the septet given here.
 */
static const struct gsm_ext {
	uint8_t		septet;
	uint32_t	cp;
} gsm_ext[] = {
	{ 0x0a, 0x000c },	/* form feed */
	{ 0x14, 0x005e },	/* ^ */
	{ 0x28, 0x007b },	/* { */
	{ 0x29, 0x007d },	/* } */
	{ 0x2f, 0x005c },	/* \ */
	{ 0x3c, 0x005b },	/* [ */
	{ 0x3d, 0x007e },	/* ~ */
	{ 0x3e, 0x005d },	/* ] */
	{ 0x40, 0x007c },	/* | */
	{ 0x65, 0x20ac },	/* euro sign */
};

/* The capacities of each coding, in its units. */
static const struct gsm_limits {
	size_t		single;
	size_t		part;
} gsm_limits[] = {
	[GSM_CODING_GSM7] = { GSM7_SINGLE, GSM7_PART },
	[GSM_CODING_UCS2] = { UCS2_SINGLE, UCS2_PART },
};

int
gsm_septets(uint32_t cp)
{
	/* Latin-1 answers come from a table built on first use: every reply is measured. */
	static signed char	latin1[256];
	static int		latin1_ready;
	size_t			i;

	if (cp < 256 && latin1_ready == 1)
		return latin1[cp];
	if (!latin1_ready) {
		latin1_ready = -1;	/* fill it with the searches below */
		for (i = 0; i < nitems(latin1); i++)
			latin1[i] = (signed char)gsm_septets((uint32_t)i);
		latin1_ready = 1;
		if (cp < 256)
			return latin1[cp];
	}
	if (cp == GSM_NONE)
		return 0;
	for (i = 0; i < nitems(gsm_basic); i++) {
		if (gsm_basic[i] == cp)
			return 1;
	}
	for (i = 0; i < nitems(gsm_ext); i++) {
		if (gsm_ext[i].cp == cp)
			return 2;
	}
	return 0;
}

/* Units one code point takes: septets in GSM-7, UTF-16 code units in UCS-2. */
static size_t
gsm_units(enum gsm_coding coding, uint32_t cp)
{
	if (coding == GSM_CODING_GSM7)
		return (size_t)gsm_septets(cp);
	return cp >= 0x10000 ? 2 : 1;
}

int
gsm_count(const char *utf8, size_t len, struct gsm_count *gc)
{
	const uint8_t			*s = (const uint8_t *)utf8, *p;
	const struct gsm_limits		*lim;
	enum gsm_coding			 coding = GSM_CODING_GSM7;
	ucs4_t				 uc;
	size_t				 units = 0, cur = 0, parts = 1, w;
	int				 n;

	if (gc == NULL || (utf8 == NULL && len != 0))
		return -1;

	/* First pass: check the UTF-8 and choose the coding. */
	for (p = s; p < s + len; p += n) {
		if ((n = u8_mbtoucr(&uc, p, s + len - p)) < 0)
			return -1;
		if (gsm_septets(uc) == 0)
			coding = GSM_CODING_UCS2;
	}
	lim = &gsm_limits[coding];

	/*
	 * Second pass: fill parts so that no character is split between two
	 * of them (an escaped septet pair, or a UTF-16 surrogate pair).
	 */
	for (p = s; p < s + len; p += n) {
		n = u8_mbtoucr(&uc, p, s + len - p);
		w = gsm_units(coding, uc);
		units += w;
		if (cur + w > lim->part) {
			parts++;
			cur = 0;
		}
		cur += w;
	}

	memset(gc, 0, sizeof *gc);
	gc->coding = coding;
	gc->units = units;
	if (units <= lim->single) {
		gc->segments = 1;
		gc->per_segment = lim->single;
	} else {
		gc->segments = parts;
		gc->per_segment = lim->part;
	}
	return 0;
}
