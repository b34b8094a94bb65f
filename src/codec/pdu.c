/*
 * pdu.c: the SMS PDU codec a GSM modem speaks in PDU mode: SMS-DELIVER and
 * SMS-STATUS-REPORT in, SMS-SUBMIT out (3GPP TS 23.040 9.2.2), with the
 * user data header for concatenation (TS 23.040 9.2.3.24), GSM-7 packing
 * and the data coding scheme (TS 23.038 4, 6.1.2.1), and the service-centre
 * address a modem puts first (TS 27.005 3.1). Pure: no I/O, no allocation.
 * Every length read off the PDU is checked against what is there.
 */
#include <sys/types.h>

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "codec/gsm.h"
#include "codec/pdu.h"

#define PDU_DIGITS_MAX	20	/* TS 23.040 9.1.2.5: at most 10 octets of digits */
#define PDU_SMSC_MAX	11	/* TS 24.011 8.2.5.1: type and 10 octets of digits */
#define PDU_UDL7_MAX	160	/* septets in 140 octets */
#define PDU_UD_MAX	140	/* octets of user data */

/* First-octet bits (TS 23.040 9.2.3.1 to 9.2.3.5, 9.2.3.23, 9.2.3.26). */
#define PDU_MTI_MASK	0x03
#define PDU_MTI_SUBMIT	0x01
#define PDU_VPF_REL	0x10	/* TP-VPF 10: relative validity, one octet */
#define PDU_SRX		0x20	/* TP-SRI (DELIVER), TP-SRR (SUBMIT), TP-SRQ (REPORT) */
#define PDU_UDHI	0x40

/* Type of address (TS 23.040 9.1.2.5): bit 7 set, TON in bits 6-4, NPI in 3-0. */
#define PDU_TOA_INTL	0x91	/* international, ISDN/telephone */
#define PDU_TOA_UNKNOWN	0x81	/* unknown, ISDN/telephone */
#define PDU_TON_INTL	1
#define PDU_TON_ALPHA	5

/* Concatenation IEs (TS 23.040 9.2.3.24.1 and 9.2.3.24.8). */
#define PDU_IE_CONCAT8	0x00
#define PDU_IE_CONCAT16	0x08

/* A cursor over a PDU; every read is checked, and a failure says which field. */
struct pdu_rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	char		*err;
	size_t		 errlen;
};

static void	pdu_ie_concat8(const uint8_t *, struct pdu_concat *);
static void	pdu_ie_concat16(const uint8_t *, struct pdu_concat *);

/* Information elements we read; any other is skipped (TS 23.040 9.2.3.24). */
static const struct pdu_ie {
	uint8_t		 iei;
	uint8_t		 len;
	void		(*parse)(const uint8_t *, struct pdu_concat *);
} pdu_ies[] = {
	{ PDU_IE_CONCAT8, 3, pdu_ie_concat8 },
	{ PDU_IE_CONCAT16, 4, pdu_ie_concat16 },
};

/*
 * TS 23.038 4: the data coding groups, by their high bits. A general group
 * (00xx, 01xx) carries alphabet, class and compression in its low bits;
 * 1111 carries 7-bit or 8-bit and a class; the message waiting groups
 * (1100 to 1110) an alphabet of their own. The reserved groups 1000 to 1011
 * are read as the GSM 7-bit default alphabet: "Any reserved codings shall
 * be assumed to be the GSM 7 bit default alphabet ... by a receiving entity."
 */
enum pdu_dcs_kind { PDU_DCS_GENERAL, PDU_DCS_FIXED, PDU_DCS_CLASS };
static const struct pdu_dcs {
	uint8_t			mask;
	uint8_t			value;
	enum pdu_dcs_kind	kind;
	enum pdu_alphabet	alphabet;	/* for PDU_DCS_FIXED */
} pdu_dcs_groups[] = {
	{ 0xc0, 0x00, PDU_DCS_GENERAL, PDU_GSM7 },	/* 00xx general */
	{ 0xc0, 0x40, PDU_DCS_GENERAL, PDU_GSM7 },	/* 01xx automatic deletion */
	{ 0xc0, 0x80, PDU_DCS_FIXED, PDU_GSM7 },	/* 1000-1011 reserved */
	{ 0xf0, 0xc0, PDU_DCS_FIXED, PDU_GSM7 },	/* 1100 message waiting, discard */
	{ 0xf0, 0xd0, PDU_DCS_FIXED, PDU_GSM7 },	/* 1101 message waiting, store */
	{ 0xf0, 0xe0, PDU_DCS_FIXED, PDU_UCS2 },	/* 1110 message waiting, store, UCS2 */
	{ 0xf0, 0xf0, PDU_DCS_CLASS, PDU_GSM7 },	/* 1111 data coding/message class */
};

/* The alphabet bits 3-2 of a general group; 11 is reserved, read as GSM-7. */
static const enum pdu_alphabet pdu_dcs_alphabets[4] = {
	PDU_GSM7, PDU_8BIT, PDU_UCS2, PDU_GSM7
};

/* TS 23.040 9.1.2.3: semi-octet values; 0xf is a filler and is dropped. */
static const char pdu_bcd[16] = "0123456789*#abc";

/* TP-MTI of what a modem hands us (TS 23.040 9.2.3.1, MS receiving). */
static const struct pdu_mti {
	uint8_t		mti;
	enum pdu_type	type;
} pdu_mtis[] = {
	{ 0x00, PDU_DELIVER },
	{ 0x02, PDU_STATUS_REPORT },
};

/* Units per SMS-SUBMIT (TS 23.040 9.2.3.24.1): whole, or a part under an 8-bit or 16-bit IE. */
static const struct pdu_cap {
	size_t	single;
	size_t	part8;
	size_t	part16;
} pdu_caps[] = {
	[GSM_CODING_GSM7] = { 160, 153, 152 },	/* septets: 7 or 8 of them go to the UDH */
	[GSM_CODING_UCS2] = { 70, 67, 66 },	/* UTF-16 units: 6 or 7 octets of UDH */
};

/* Write a one-line reason to err; returns -1 for the caller to return. */
static int __attribute__((format(printf, 3, 4)))
pdu_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Take n octets at the cursor, or fail naming the field. */
static int
pdu_rd_take(struct pdu_rd *rd, size_t n, const uint8_t **out, const char *what)
{
	if (out != NULL)
		*out = rd->p + rd->off;
	if (n > rd->len - rd->off) {
		return pdu_error(rd->err, rd->errlen,
		    "truncated %s: %zu octets wanted, %zu left", what, n,
		    rd->len - rd->off);
	}
	rd->off += n;
	return 0;
}

static int
pdu_rd_u8(struct pdu_rd *rd, int *v, const char *what)
{
	const uint8_t	*p;

	if (pdu_rd_take(rd, 1, &p, what) == -1)
		return -1;
	*v = *p;
	return 0;
}

int
pdu_status_final(int st)
{
	/* TS 23.040 9.2.3.15 TP-Status. */
	if (st < 0 || st > 0x7f)
		return -1;	/* reserved: nothing to conclude */
	if (st <= 0x1f)
		return 1;	/* transaction completed */
	if (st <= 0x3f)
		return -1;	/* temporary error, SC still trying */
	return 0;		/* permanent error, or temporary and SC gave up */
}

/* One hex digit's value, or -1. */
static int
pdu_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
pdu_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outlen)
{
	size_t	i;
	int	hi, lo;

	if (hexlen % 2 != 0 || hexlen / 2 > outlen)
		return -1;
	if (hexlen / 2 > INT_MAX)
		return -1;
	for (i = 0; i < hexlen; i += 2) {
		if ((hi = pdu_hex_digit(hex[i])) == -1 ||
		    (lo = pdu_hex_digit(hex[i + 1])) == -1)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(hexlen / 2);
}

void
pdu_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char	digits[] = "0123456789ABCDEF";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

size_t
pdu_pack7(const uint8_t *septets, size_t n, int fill, uint8_t *out)
{
	size_t		i, bit, octets;
	unsigned	v;

	if (fill < 0 || fill > 7)
		return 0;
	octets = ((size_t)fill + 7 * n + 7) / 8;
	memset(out, 0, octets);
	/* Septet i occupies bits fill + 7i ..., least significant bit first. */
	for (i = 0; i < n; i++) {
		bit = (size_t)fill + 7 * i;
		v = (unsigned)(septets[i] & 0x7f) << (bit % 8);
		out[bit / 8] |= (uint8_t)v;
		if (v > 0xff)
			out[bit / 8 + 1] |= (uint8_t)(v >> 8);
	}
	return octets;
}

int
pdu_unpack7(const uint8_t *in, size_t inlen, size_t n, int fill, uint8_t *septets)
{
	size_t		i, bit;
	unsigned	v;

	if (fill < 0 || fill > 7)
		return -1;
	if (n > (SIZE_MAX - 7 - (size_t)fill) / 7 ||
	    ((size_t)fill + 7 * n + 7) / 8 > inlen)
		return -1;
	for (i = 0; i < n; i++) {
		bit = (size_t)fill + 7 * i;
		v = in[bit / 8];
		if (bit % 8 > 1)
			v |= (unsigned)in[bit / 8 + 1] << 8;
		septets[i] = (uint8_t)((v >> (bit % 8)) & 0x7f);
	}
	return 0;
}

/* Semi-octet digits (TS 23.040 9.1.2.3) after an optional "+"; stops at n digits. */
static void
pdu_bcd_text(const uint8_t *p, size_t ndigits, int plus, char *out, size_t outlen)
{
	size_t	i, o = 0;
	uint8_t	d;

	if (plus && ndigits > 0 && o + 1 < outlen)
		out[o++] = '+';
	for (i = 0; i < ndigits && o + 1 < outlen; i++) {
		d = (i % 2 == 0) ? p[i / 2] & 0x0f : p[i / 2] >> 4;
		if (d != 0x0f)
			out[o++] = pdu_bcd[d];
	}
	out[o] = '\0';
}

/*
 * The service-centre address (TS 24.011 8.2.5.1 as TS 27.005 3.1 puts it
 * first): its length counts octets, the type octet included; 0 means none.
 */
static int
pdu_read_smsc(struct pdu_rd *rd, char *smsc, size_t smsclen)
{
	const uint8_t	*p;
	int		 n;

	if (pdu_rd_u8(rd, &n, "SMSC address length") == -1)
		return -1;
	if (n > PDU_SMSC_MAX) {
		return pdu_error(rd->err, rd->errlen,
		    "SMSC address of %d octets (at most %d)", n, PDU_SMSC_MAX);
	}
	if (pdu_rd_take(rd, (size_t)n, &p, "SMSC address") == -1)
		return -1;
	smsc[0] = '\0';
	if (n > 1) {
		pdu_bcd_text(p + 1, 2 * (size_t)(n - 1),
		    ((p[0] >> 4) & 7) == PDU_TON_INTL, smsc, smsclen);
	}
	return 0;
}

/*
 * A TP address (TS 23.040 9.1.2.5): its length counts useful semi-octets;
 * digits in BCD, or, for an alphanumeric type, GSM-7 packed (TS 23.038
 * 6.2.1) in that many semi-octets. *ton gets the type of number.
 */
static int
pdu_read_addr(struct pdu_rd *rd, const char *what, char *out, size_t outlen,
    int *ton)
{
	const uint8_t	*p;
	uint8_t		 septets[PDU_DIGITS_MAX];
	size_t		 nsept;
	int		 n, toa;

	if (pdu_rd_u8(rd, &n, what) == -1 || pdu_rd_u8(rd, &toa, what) == -1)
		return -1;
	if (n > PDU_DIGITS_MAX) {
		return pdu_error(rd->err, rd->errlen,
		    "%s of %d digits (at most %d)", what, n, PDU_DIGITS_MAX);
	}
	if (pdu_rd_take(rd, ((size_t)n + 1) / 2, &p, what) == -1)
		return -1;
	*ton = (toa >> 4) & 7;
	if (*ton != PDU_TON_ALPHA) {
		pdu_bcd_text(p, (size_t)n, *ton == PDU_TON_INTL, out, outlen);
		return 0;
	}
	nsept = (size_t)n * 4 / 7;
	if (pdu_unpack7(p, ((size_t)n + 1) / 2, nsept, 0, septets) == -1 ||
	    gsm_decode_septets(septets, nsept, out, outlen) == -1) {
		return pdu_error(rd->err, rd->errlen, "%s: bad alphanumeric",
		    what);
	}
	return 0;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
pdu_days(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* One swapped semi-octet pair as a decimal number, or -1. */
static int
pdu_bcd2(uint8_t b)
{
	if ((b & 0x0f) > 9 || (b >> 4) > 9)
		return -1;
	return (b & 0x0f) * 10 + (b >> 4);
}

/*
 * TS 23.040 9.2.3.11: year, month, day, hour, minute, second, zone, each
 * two semi-octets, swapped. The zone counts quarter hours; bit 3 of the
 * octet (the high bit of its first semi-octet) is its sign. Gives UTC
 * seconds, or 0 for something that is no time (TS 23.040 leaves a
 * receiver nothing to do with it but ignore it).
 */
static void
pdu_scts(const uint8_t *p, int64_t *utc, int *tzq)
{
	static const int	 max[6] = { 99, 12, 31, 23, 59, 59 };
	int			 v[6], i, tz;

	*utc = 0;
	*tzq = 0;
	for (i = 0; i < 6; i++) {
		if ((v[i] = pdu_bcd2(p[i])) == -1 || v[i] > max[i])
			return;
	}
	if (v[1] == 0 || v[2] == 0 || (p[6] >> 4) > 9)
		return;
	tz = (p[6] & 0x07) * 10 + (p[6] >> 4);
	if (p[6] & 0x08)
		tz = -tz;
	*tzq = tz;
	*utc = pdu_days(2000 + v[0], v[1], v[2]) * 86400 + v[3] * 3600 +
	    v[4] * 60 + v[5] - (int64_t)tz * 900;
}

static int
pdu_read_scts(struct pdu_rd *rd, const char *what, int64_t *utc, int *tzq)
{
	const uint8_t	*p;
	int		 tz;

	if (pdu_rd_take(rd, 7, &p, what) == -1)
		return -1;
	pdu_scts(p, utc, tzq != NULL ? tzq : &tz);
	return 0;
}

/* The first octet after the SMSC address must have this TP-MTI. */
static int
pdu_read_first(struct pdu_rd *rd, enum pdu_type want, int *first)
{
	if (pdu_rd_u8(rd, first, "first octet") == -1)
		return -1;
	if ((*first & PDU_MTI_MASK) != (int)want) {
		return pdu_error(rd->err, rd->errlen, "TP-MTI %d, want %d",
		    *first & PDU_MTI_MASK, (int)want);
	}
	return 0;
}

/* TS 23.038 4: alphabet, class and compression from TP-DCS. */
static void
pdu_read_dcs(int dcs, struct pdu_deliver *d)
{
	const struct pdu_dcs	*g = NULL;
	size_t			 i;

	d->dcs = dcs;
	d->alphabet = PDU_GSM7;
	d->msg_class = -1;
	d->compressed = 0;
	for (i = 0; i < nitems(pdu_dcs_groups); i++) {
		if ((dcs & pdu_dcs_groups[i].mask) == pdu_dcs_groups[i].value) {
			g = &pdu_dcs_groups[i];
			break;
		}
	}
	if (g == NULL)
		return;
	switch (g->kind) {
	case PDU_DCS_GENERAL:
		d->alphabet = pdu_dcs_alphabets[(dcs >> 2) & 3];
		d->compressed = (dcs & 0x20) != 0;
		if (dcs & 0x10)
			d->msg_class = dcs & 3;
		break;
	case PDU_DCS_FIXED:
		d->alphabet = g->alphabet;
		break;
	case PDU_DCS_CLASS:
		d->alphabet = (dcs & 0x04) ? PDU_8BIT : PDU_GSM7;
		d->msg_class = dcs & 3;
		break;
	}
}

static void
pdu_ie_concat8(const uint8_t *p, struct pdu_concat *c)
{
	c->ref = p[0];
	c->total = p[1];
	c->seq = p[2];
	c->ref16 = 0;
}

static void
pdu_ie_concat16(const uint8_t *p, struct pdu_concat *c)
{
	c->ref = (unsigned)p[0] << 8 | p[1];
	c->total = p[2];
	c->seq = p[3];
	c->ref16 = 1;
}

/*
 * TS 23.040 9.2.3.24: the IEs of a user data header, each type, length,
 * data; an IE running past the header is an error, an IE we do not know (or
 * of a length its type does not have) is skipped. A repeated concatenation
 * IE: the last one counts (9.2.3.24 "the last occurrence ... shall be used").
 */
static int
pdu_read_udh(const uint8_t *h, size_t hlen, struct pdu_concat *concat,
    char *err, size_t errlen)
{
	struct pdu_concat	c;
	size_t			off = 0, i, ielen;
	uint8_t			iei;

	memset(concat, 0, sizeof *concat);
	while (off < hlen) {
		if (hlen - off < 2)
			return pdu_error(err, errlen, "UDH: truncated IE at %zu", off);
		iei = h[off];
		ielen = h[off + 1];
		if (ielen > hlen - off - 2) {
			return pdu_error(err, errlen,
			    "UDH: IE 0x%02x of %zu octets runs past the header",
			    iei, ielen);
		}
		for (i = 0; i < nitems(pdu_ies); i++) {
			if (pdu_ies[i].iei == iei && pdu_ies[i].len == ielen) {
				pdu_ies[i].parse(h + off + 2, &c);
				*concat = c;
			}
		}
		off += 2 + ielen;
	}
	/* A part numbered outside 1..total is no part: take the message whole. */
	if (concat->total == 0 || concat->seq == 0 ||
	    concat->seq > concat->total)
		memset(concat, 0, sizeof *concat);
	return 0;
}

/*
 * TS 23.040 9.2.3.16 and 9.2.3.24: TP-UDL and TP-UD. UDL counts septets for
 * uncompressed GSM-7 (the header and its fill bits included), octets
 * otherwise. GSM-7 text after a header starts at the next septet boundary.
 */
static int
pdu_read_ud(struct pdu_rd *rd, int udhi, struct pdu_deliver *d)
{
	const uint8_t	*ud;
	uint8_t		 septets[PDU_UDL7_MAX];
	size_t		 udl, octets, hlen = 0, hsept = 0, n;
	ssize_t		 w = 0;
	int		 v, septet_mode, fill = 0;

	if (pdu_rd_u8(rd, &v, "TP-UDL") == -1)
		return -1;
	udl = (size_t)v;
	septet_mode = d->alphabet == PDU_GSM7 && !d->compressed;
	if (udl > (septet_mode ? PDU_UDL7_MAX : PDU_UD_MAX)) {
		return pdu_error(rd->err, rd->errlen, "TP-UDL %zu too large",
		    udl);
	}
	octets = septet_mode ? (udl * 7 + 7) / 8 : udl;
	if (pdu_rd_take(rd, octets, &ud, "TP-UD") == -1)
		return -1;

	if (udhi) {
		if (octets < 1)
			return pdu_error(rd->err, rd->errlen, "UDHI without UDH");
		hlen = (size_t)ud[0] + 1;
		if (hlen > octets || (septet_mode && hlen * 8 > udl * 7)) {
			return pdu_error(rd->err, rd->errlen,
			    "UDHL %zu longer than the user data", hlen - 1);
		}
		if (pdu_read_udh(ud + 1, hlen - 1, &d->concat, rd->err,
		    rd->errlen) == -1)
			return -1;
		fill = (int)((7 - (hlen * 8) % 7) % 7);
		hsept = (hlen * 8 + (size_t)fill) / 7;
	}

	if (d->compressed) {
		/* TS 23.042 compression: we do not decompress; no text. */
		d->text[0] = '\0';
		d->textlen = 0;
		return 0;
	}
	switch (d->alphabet) {
	case PDU_GSM7:
		n = udl > hsept ? udl - hsept : 0;
		if (pdu_unpack7(ud + hlen, octets - hlen, n, fill, septets) == -1)
			return pdu_error(rd->err, rd->errlen, "TP-UD short");
		w = gsm_decode_septets(septets, n, d->text, sizeof d->text);
		break;
	case PDU_8BIT:
		w = gsm_decode_latin1(ud + hlen, udl - hlen, d->text,
		    sizeof d->text);
		break;
	case PDU_UCS2:
		w = gsm_decode_ucs2(ud + hlen, udl - hlen, d->text,
		    sizeof d->text);
		break;
	}
	if (w < 0)
		return pdu_error(rd->err, rd->errlen, "text too long");
	d->textlen = (size_t)w;
	return 0;
}

int
pdu_type(const uint8_t *pdu, size_t len)
{
	size_t	i, off;

	if (pdu == NULL || len < 1 || pdu[0] > PDU_SMSC_MAX)
		return -1;
	off = 1 + (size_t)pdu[0];
	if (off >= len)
		return -1;
	for (i = 0; i < nitems(pdu_mtis); i++) {
		if (pdu_mtis[i].mti == (pdu[off] & PDU_MTI_MASK))
			return (int)pdu_mtis[i].type;
	}
	return -1;
}

/* TS 23.040 9.2.2.1: SMS-DELIVER. */
int
pdu_decode_deliver(const uint8_t *pdu, size_t len, struct pdu_deliver *d,
    char *err, size_t errlen)
{
	struct pdu_rd	rd = { pdu, len, 0, err, errlen };
	int		first, dcs;

	if (pdu == NULL || d == NULL)
		return pdu_error(err, errlen, "no PDU");
	memset(d, 0, sizeof *d);
	d->msg_class = -1;
	if (pdu_read_smsc(&rd, d->smsc, sizeof d->smsc) == -1 ||
	    pdu_read_first(&rd, PDU_DELIVER, &first) == -1 ||
	    pdu_read_addr(&rd, "TP-OA", d->from, sizeof d->from,
	    &d->from_ton) == -1 ||
	    pdu_rd_u8(&rd, &d->pid, "TP-PID") == -1 ||
	    pdu_rd_u8(&rd, &dcs, "TP-DCS") == -1 ||
	    pdu_read_scts(&rd, "TP-SCTS", &d->scts, &d->tz_quarters) == -1)
		return -1;
	d->status_report = (first & PDU_SRX) != 0;
	pdu_read_dcs(dcs, d);
	return pdu_read_ud(&rd, (first & PDU_UDHI) != 0, d);
}

/*
 * TS 23.040 9.2.2.3: SMS-STATUS-REPORT. After TP-ST, an optional TP-PI says
 * which of TP-PID, TP-DCS and TP-UDL/UD follow (9.2.3.27); what it
 * announces must be there. The user data itself is not kept.
 */
static int
pdu_read_status_tail(struct pdu_rd *rd, int udhi)
{
	struct pdu_deliver	d;
	int			pi, ext, v;

	if (rd->off == rd->len)
		return 0;
	if (pdu_rd_u8(rd, &pi, "TP-PI") == -1)
		return -1;
	for (ext = pi; ext & 0x80; ) {
		if (pdu_rd_u8(rd, &ext, "TP-PI extension") == -1)
			return -1;
	}
	memset(&d, 0, sizeof d);
	if ((pi & 0x01) && pdu_rd_u8(rd, &v, "TP-PID") == -1)
		return -1;
	if (pi & 0x02) {
		if (pdu_rd_u8(rd, &v, "TP-DCS") == -1)
			return -1;
		pdu_read_dcs(v, &d);
	}
	if (pi & 0x04)
		return pdu_read_ud(rd, udhi, &d);
	return 0;
}

int
pdu_decode_status(const uint8_t *pdu, size_t len, struct pdu_status *s,
    char *err, size_t errlen)
{
	struct pdu_rd	rd = { pdu, len, 0, err, errlen };
	int		first, ton;

	if (pdu == NULL || s == NULL)
		return pdu_error(err, errlen, "no PDU");
	memset(s, 0, sizeof *s);
	if (pdu_read_smsc(&rd, s->smsc, sizeof s->smsc) == -1 ||
	    pdu_read_first(&rd, PDU_STATUS_REPORT, &first) == -1 ||
	    pdu_rd_u8(&rd, &s->mr, "TP-MR") == -1 ||
	    pdu_read_addr(&rd, "TP-RA", s->recipient, sizeof s->recipient,
	    &ton) == -1 ||
	    pdu_read_scts(&rd, "TP-SCTS", &s->scts, NULL) == -1 ||
	    pdu_read_scts(&rd, "TP-DT", &s->discharge, NULL) == -1 ||
	    pdu_rd_u8(&rd, &s->status, "TP-ST") == -1)
		return -1;
	return pdu_read_status_tail(&rd, (first & PDU_UDHI) != 0);
}

/*
 * TS 23.040 9.2.3.12.1: relative TP-VP, the smallest that is at least
 * `minutes`: 5-minute steps to 12 hours, 30-minute steps to 24 hours, days
 * to 30 days, weeks to 63 weeks.
 */
static uint8_t
pdu_vp(int minutes)
{
	long	m = minutes;

	if (m <= 720)
		return (uint8_t)(m <= 5 ? 0 : (m + 4) / 5 - 1);
	if (m <= 1440)
		return (uint8_t)(143 + (m - 720 + 29) / 30);
	if (m <= 30 * 1440)
		return (uint8_t)(166 + (m + 1439) / 1440);
	if (m <= 63 * 10080)
		return (uint8_t)(192 + (m + 10079) / 10080);
	return 255;
}

/* TP-DA (TS 23.040 9.1.2.5): "+" and digits international, digits unknown. */
static int
pdu_encode_addr(const char *to, uint8_t *out, size_t *outlen)
{
	const char	*s = to;
	size_t		 n, i;
	uint8_t		 toa = PDU_TOA_UNKNOWN;

	if (*s == '+') {
		toa = PDU_TOA_INTL;
		s++;
	}
	n = strlen(s);
	if (n == 0 || n > PDU_DIGITS_MAX || strspn(s, "0123456789") != n)
		return -1;
	out[0] = (uint8_t)n;
	out[1] = toa;
	memset(out + 2, 0xff, (n + 1) / 2);
	for (i = 0; i < n; i++) {
		if (i % 2 == 0)
			out[2 + i / 2] = (uint8_t)(0xf0 | (s[i] - '0'));
		else
			out[2 + i / 2] = (uint8_t)((out[2 + i / 2] & 0x0f) |
			    (s[i] - '0') << 4);
	}
	*outlen = 2 + (n + 1) / 2;
	return 0;
}

/*
 * Fill seg with the characters from *pos that fit cap units, never cutting
 * an escape pair or a surrogate pair; advance *pos. A UCS-2 unit is two
 * octets of seg.
 */
static void
pdu_part(const char *text, size_t len, size_t *pos, enum gsm_coding coding,
    size_t cap, struct gsm_segment *seg)
{
	uint8_t		one[4];
	size_t		n, octets = cap * (coding == GSM_CODING_UCS2 ? 2 : 1);
	ssize_t		w;

	seg->len = 0;
	while (*pos < len) {
		n = 1;
		while (*pos + n < len && ((uint8_t)text[*pos + n] & 0xc0) == 0x80)
			n++;
		w = gsm_encode(text + *pos, n, coding, one, sizeof one);
		if (w < 0 || seg->len + (size_t)w > octets)
			return;
		memcpy(seg->data + seg->len, one, (size_t)w);
		seg->len += (size_t)w;
		*pos += n;
	}
}

/* The concatenation UDH, UDHL first (TS 23.040 9.2.3.24.1, 9.2.3.24.8). */
static size_t
pdu_udh(const struct pdu_submit_opts *o, size_t total, size_t seq, uint8_t *h)
{
	if (o->ref16) {
		h[0] = 6;
		h[1] = PDU_IE_CONCAT16;
		h[2] = 4;
		h[3] = (uint8_t)((o->ref >> 8) & 0xff);
		h[4] = (uint8_t)(o->ref & 0xff);
		h[5] = (uint8_t)total;
		h[6] = (uint8_t)seq;
		return 7;
	}
	h[0] = 5;
	h[1] = PDU_IE_CONCAT8;
	h[2] = 3;
	h[3] = (uint8_t)(o->ref & 0xff);
	h[4] = (uint8_t)total;
	h[5] = (uint8_t)seq;
	return 6;
}

/* TS 23.040 9.2.2.2: one SMS-SUBMIT, behind a zero-length SMSC address. */
static void
pdu_submit_one(const uint8_t *da, size_t dalen, enum gsm_coding coding,
    const struct pdu_submit_opts *o, const struct gsm_segment *seg,
    size_t total, size_t seq, struct pdu_out *out)
{
	uint8_t	*b = out->bytes, *udlp;
	size_t	 n = 0, hlen = 0, hsept;
	int	 fill;

	b[n++] = 0x00;		/* SMSC: the modem's own */
	b[n] = PDU_MTI_SUBMIT;
	if (o->validity > 0)
		b[n] |= PDU_VPF_REL;
	if (o->status_report)
		b[n] |= PDU_SRX;
	if (total > 1)
		b[n] |= PDU_UDHI;
	n++;
	b[n++] = 0x00;		/* TP-MR: the modem sets it */
	memcpy(b + n, da, dalen);
	n += dalen;
	b[n++] = 0x00;		/* TP-PID: plain SME-to-SME */
	b[n++] = coding == GSM_CODING_UCS2 ? 0x08 : 0x00;	/* TP-DCS */
	if (o->validity > 0)
		b[n++] = pdu_vp(o->validity);
	udlp = &b[n++];
	if (total > 1)
		hlen = pdu_udh(o, total, seq, b + n);
	if (coding == GSM_CODING_UCS2) {
		*udlp = (uint8_t)(hlen + seg->len);
		memcpy(b + n + hlen, seg->data, seg->len);
		n += hlen + seg->len;
	} else {
		fill = (int)((7 - (hlen * 8) % 7) % 7);
		hsept = (hlen * 8 + (size_t)fill) / 7;
		*udlp = (uint8_t)(hsept + seg->len);
		n += hlen + pdu_pack7(seg->data, seg->len, fill, b + n + hlen);
	}
	out->len = n;
	out->tpdu_len = n - 1;
}

int
pdu_encode_submit(const char *to, const char *text, size_t len,
    const struct pdu_submit_opts *opts, struct pdu_out *out, size_t max,
    char *err, size_t errlen)
{
	static const struct pdu_submit_opts	 none;
	const struct pdu_submit_opts		*o = opts != NULL ? opts : &none;
	const struct pdu_cap			*cap;
	struct gsm_count			 gc;
	struct gsm_segment			 seg;
	uint8_t					 da[2 + PDU_DIGITS_MAX / 2];
	size_t					 dalen, pos, total, seq, units;

	if (to == NULL || out == NULL)
		return pdu_error(err, errlen, "no address or no room");
	if (pdu_encode_addr(to, da, &dalen) == -1)
		return pdu_error(err, errlen, "bad address");
	if (gsm_count(text, len, &gc) == -1)
		return pdu_error(err, errlen, "invalid UTF-8");
	cap = &pdu_caps[gc.coding];
	if (gc.units <= cap->single)
		units = cap->single;
	else
		units = o->ref16 ? cap->part16 : cap->part8;

	/* Count the parts first: each one carries the total. */
	for (total = 0, pos = 0; total == 0 || pos < len; total++) {
		if (total == 255 || total >= max) {
			return pdu_error(err, errlen,
			    "text needs more than %zu parts",
			    max < 255 ? max : (size_t)255);
		}
		pdu_part(text, len, &pos, gc.coding, units, &seg);
	}
	for (seq = 1, pos = 0; seq <= total; seq++) {
		pdu_part(text, len, &pos, gc.coding, units, &seg);
		pdu_submit_one(da, dalen, gc.coding, o, &seg, total, seq,
		    &out[seq - 1]);
	}
	return (int)total;
}
