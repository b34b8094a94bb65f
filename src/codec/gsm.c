/*
 * gsm.c: the GSM 7-bit default alphabet (3GPP TS 23.038 6.2.1), SMS segment
 * counting and splitting (TS 23.040 9.2.3.24.1), and the encoders and
 * decoders between UTF-8 and GSM-7 septets, UCS-2 (UTF-16BE) and Latin-1.
 */
#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include <unistr.h>

#include "base/base.h"
#include "codec/gsm.h"

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

/* The septet a character of the basic table is, or -1. */
static int
gsm_basic_septet(uint32_t cp)
{
	size_t	i;

	if (cp == GSM_NONE)
		return -1;
	for (i = 0; i < nitems(gsm_basic); i++) {
		if (gsm_basic[i] == cp)
			return (int)i;
	}
	return -1;
}

/*
 * The septets of one code point: one of the basic table, or the escape and
 * one of the extension table (TS 23.038 6.2.1.1). A character the alphabet
 * lacks becomes "?", the way SMSCs and gateways replace it.
 */
static size_t
gsm_to_septets(uint32_t cp, uint8_t out[2])
{
	size_t	i;
	int	s;

	if ((s = gsm_basic_septet(cp)) != -1) {
		out[0] = (uint8_t)s;
		return 1;
	}
	for (i = 0; i < nitems(gsm_ext); i++) {
		if (gsm_ext[i].cp == cp) {
			out[0] = 0x1b;
			out[1] = gsm_ext[i].septet;
			return 2;
		}
	}
	out[0] = 0x3f;
	return 1;
}

/* One code point as UTF-16BE octets (RFC 2781 2.1): 2, or 4 for a surrogate pair. */
static size_t
gsm_to_utf16(uint32_t cp, uint8_t out[4])
{
	uint32_t	hi, lo;

	if (cp < 0x10000) {
		out[0] = (uint8_t)(cp >> 8);
		out[1] = (uint8_t)cp;
		return 2;
	}
	cp -= 0x10000;
	hi = 0xd800 | (cp >> 10);
	lo = 0xdc00 | (cp & 0x3ff);
	out[0] = (uint8_t)(hi >> 8);
	out[1] = (uint8_t)hi;
	out[2] = (uint8_t)(lo >> 8);
	out[3] = (uint8_t)lo;
	return 4;
}

/* One code point in the coding: septets or UTF-16BE octets. */
static size_t
gsm_encode_one(enum gsm_coding coding, uint32_t cp, uint8_t out[4])
{
	if (coding == GSM_CODING_GSM7)
		return gsm_to_septets(cp, out);
	return gsm_to_utf16(cp, out);
}

int
gsm_split(const char *utf8, size_t len, enum gsm_coding *coding,
    struct gsm_segment *segs, size_t max)
{
	const uint8_t		*s = (const uint8_t *)utf8, *p;
	struct gsm_count	 gc;
	struct gsm_segment	*seg;
	uint8_t			 one[4];
	ucs4_t			 uc;
	size_t			 cap, nseg, w;
	int			 n;

	if (gsm_count(utf8, len, &gc) == -1 || segs == NULL)
		return -1;
	if (gc.segments > max)
		return -1;
	if (coding != NULL)
		*coding = gc.coding;

	/*
	 * The same walk as gsm_count's: a character that would not fit
	 * whole in the current part starts the next one. per_segment is in
	 * units; a UCS-2 unit is two octets.
	 */
	cap = gc.per_segment * (gc.coding == GSM_CODING_UCS2 ? 2 : 1);
	nseg = 1;
	seg = &segs[0];
	seg->len = 0;
	for (p = s; p < s + len; p += n) {
		n = u8_mbtoucr(&uc, p, s + len - p);
		w = gsm_encode_one(gc.coding, uc, one);
		if (seg->len + w > cap) {
			seg = &segs[nseg++];
			seg->len = 0;
		}
		memcpy(seg->data + seg->len, one, w);
		seg->len += w;
	}
	return (int)nseg;
}

ssize_t
gsm_encode(const char *utf8, size_t len, enum gsm_coding coding, uint8_t *out,
    size_t outlen)
{
	const uint8_t	*s = (const uint8_t *)utf8, *p;
	uint8_t		 one[4];
	ucs4_t		 uc;
	size_t		 used = 0, w;
	int		 n;

	if (utf8 == NULL && len != 0)
		return -1;
	if (coding != GSM_CODING_GSM7 && coding != GSM_CODING_UCS2)
		return -1;
	for (p = s; p < s + len; p += n) {
		if ((n = u8_mbtoucr(&uc, p, s + len - p)) < 0)
			return -1;
		w = gsm_encode_one(coding, uc, one);
		if (w > outlen - used)
			return -1;
		memcpy(out + used, one, w);
		used += w;
	}
	return (ssize_t)used;
}

/* Where a decoder writes: out of outlen, always NUL-terminated. */
struct gsm_out {
	char	*p;
	size_t	 len;
	size_t	 size;
	int	 full;
};

/* Append one code point as UTF-8 (RFC 3629 3), keeping room for the NUL. */
static void
gsm_out_put(struct gsm_out *o, uint32_t cp)
{
	uint8_t	b[4];
	size_t	n;

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;	/* no NUL inside a C string, no lone surrogate */
	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | (cp >> 6));
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | (cp >> 12));
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | (cp >> 18));
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (o->full || o->size == 0 || n > o->size - 1 - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, b, n);
	o->len += n;
}

/* NUL-terminate and give the decoder's answer. */
static ssize_t
gsm_out_end(struct gsm_out *o)
{
	if (o->size == 0)
		return -1;
	o->p[o->len] = '\0';
	if (o->full)
		return -1;
	return (ssize_t)o->len;
}

/* The character an escaped septet stands for (TS 23.038 6.2.1.1). */
static uint32_t
gsm_ext_cp(uint8_t septet)
{
	size_t	i;

	for (i = 0; i < nitems(gsm_ext); i++) {
		if (gsm_ext[i].septet == septet)
			return gsm_ext[i].cp;
	}
	/*
	 * "In the event that an MS receives a code where a symbol is not
	 * represented in the above table then the MS shall display ... the
	 * character shown in the main GSM 7 bit default alphabet table."
	 * Escape-escape is reserved for a further table: a space meanwhile.
	 */
	if (septet == 0x1b)
		return ' ';
	return gsm_basic[septet];
}

ssize_t
gsm_decode_septets(const uint8_t *septets, size_t n, char *out, size_t outlen)
{
	struct gsm_out	o = { out, 0, outlen, 0 };
	size_t		i;
	uint8_t		c;

	for (i = 0; i < n; i++) {
		c = septets[i] & 0x7f;
		if (c != 0x1b) {
			gsm_out_put(&o, gsm_basic[c]);
			continue;
		}
		if (++i == n)
			break;		/* a lone trailing escape */
		gsm_out_put(&o, gsm_ext_cp(septets[i] & 0x7f));
	}
	return gsm_out_end(&o);
}

ssize_t
gsm_decode_ucs2(const uint8_t *be, size_t n, char *out, size_t outlen)
{
	struct gsm_out	o = { out, 0, outlen, 0 };
	uint32_t	u, lo;
	size_t		i;

	for (i = 0; i + 1 < n; i += 2) {
		u = (uint32_t)be[i] << 8 | be[i + 1];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			lo = (uint32_t)be[i + 2] << 8 | be[i + 3];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		gsm_out_put(&o, u);	/* a lone surrogate becomes U+FFFD */
	}
	return gsm_out_end(&o);
}

ssize_t
gsm_decode_latin1(const uint8_t *in, size_t n, char *out, size_t outlen)
{
	struct gsm_out	o = { out, 0, outlen, 0 };
	size_t		i;

	for (i = 0; i < n; i++)
		gsm_out_put(&o, in[i]);
	return gsm_out_end(&o);
}
