/*
 * fuzz-pdu.c: libFuzzer target for the SMS PDU codec (pdu.c) and the GSM
 * alphabets under it (gsm.c). The input is what a modem could hand over
 * after AT+CMGR: any octets as the PDU, and the same bytes read as the
 * hex text the modem prints. Besides the sanitizers, it checks what pdu.h
 * promises of a decoded PDU, and that a decoded text sent again as
 * SMS-SUBMIT and received as SMS-DELIVER comes back the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "base/base.h"
#include "codec/gsm.h"
#include "codec/pdu.h"
#include "fixture.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_PARTS	8

/* Well-formed UTF-8 of exactly len bytes, no NUL inside. */
static void
fuzz_check_utf8(const char *what, const char *s, size_t len)
{
	if (strlen(s) != len || u8_check((const uint8_t *)s, len) != NULL)
		fixture_fail(what);
}

/*
 * The SMS-DELIVER the recipient of one of our SMS-SUBMITs would get
 * (TS 23.040 9.2.2.1 against 9.2.2.2): same address, PID, DCS and user
 * data, no TP-MR or TP-VP.
 */
static size_t
fuzz_submit_to_deliver(const struct pdu_out *o, uint8_t *d)
{
	const uint8_t	*b = o->bytes;
	size_t		 i = 3, n = 0, alen;

	d[n++] = 0x00;
	d[n++] = (uint8_t)(b[1] & 0x40);
	alen = 2 + (b[i] + 1) / 2;
	memcpy(d + n, b + i, alen);
	n += alen;
	i += alen;
	d[n++] = b[i++];
	d[n++] = b[i++];
	if ((b[1] & 0x18) == 0x10)
		i++;
	memcpy(d + n, "\x12\x90\x61\x80\x51\x00\x82", 7);
	n += 7;
	memcpy(d + n, b + i, o->len - i);
	return n + o->len - i;
}

/* A decoded text, sent again and received again, is the same text. */
static void
fuzz_round_trip(const struct pdu_deliver *in)
{
	static struct pdu_out		out[FUZZ_PARTS];
	static struct pdu_deliver	part;
	static char			joined[FUZZ_PARTS * PDU_TEXT_MAX];
	struct pdu_submit_opts		o = { 0 };
	uint8_t				d[PDU_MAX];
	char				err[128];
	size_t				len, i;
	int				n;

	o.ref = 0x5aa5;
	o.ref16 = in->textlen % 2;
	n = pdu_encode_submit("+84912345678", in->text, in->textlen, &o, out,
	    FUZZ_PARTS, err, sizeof err);
	if (n < 1)
		fixture_fail("a decoded text does not encode");
	joined[0] = '\0';
	for (i = 0; i < (size_t)n; i++) {
		if (out[i].len > PDU_MAX || out[i].tpdu_len != out[i].len - 1)
			fixture_fail("SMS-SUBMIT length");
		len = fuzz_submit_to_deliver(&out[i], d);
		if (pdu_decode_deliver(d, len, &part, err, sizeof err) != 0)
			fixture_fail("our own SMS-SUBMIT does not decode");
		if (n > 1 && (part.concat.total != (unsigned)n ||
		    part.concat.seq != i + 1 || part.concat.ref16 != o.ref16 ||
		    part.concat.ref != (o.ref16 ? o.ref : (o.ref & 0xff))))
			fixture_fail("our own concatenation IE");
		if (n == 1 && part.concat.total != 0)
			fixture_fail("a concatenation IE on a whole text");
		strlcat(joined, part.text, sizeof joined);
	}
	if (strcmp(joined, in->text) != 0)
		fixture_fail("text changed through SMS-SUBMIT and back");
}

static void
fuzz_deliver(const uint8_t *pdu, size_t len)
{
	static struct pdu_deliver	d;
	char				err[128];
	const struct pdu_concat		*c = &d.concat;

	err[0] = '\0';
	if (pdu_decode_deliver(pdu, len, &d, err, sizeof err) != 0) {
		if (err[0] == '\0')
			fixture_fail("SMS-DELIVER refused without a reason");
		return;
	}
	if (pdu_type(pdu, len) != PDU_DELIVER)
		fixture_fail("decoded a DELIVER that pdu_type does not call one");
	fixture_check_str("smsc", d.smsc, sizeof d.smsc);
	fixture_check_str("from", d.from, sizeof d.from);
	fuzz_check_utf8("from", d.from, strlen(d.from));
	fuzz_check_utf8("text", d.text, d.textlen);
	if (d.textlen >= sizeof d.text)
		fixture_fail("textlen");
	if (d.alphabet != PDU_GSM7 && d.alphabet != PDU_8BIT &&
	    d.alphabet != PDU_UCS2)
		fixture_fail("alphabet");
	if (d.msg_class < -1 || d.msg_class > 3)
		fixture_fail("message class");
	if (d.tz_quarters < -79 || d.tz_quarters > 79)
		fixture_fail("time zone");
	if (c->total == 0 ? (c->seq != 0 || c->ref != 0) :
	    (c->seq < 1 || c->seq > c->total || c->total > 255 ||
	    c->ref > (c->ref16 ? 0xffffu : 0xffu)))
		fixture_fail("concatenation");
	fuzz_round_trip(&d);
}

static void
fuzz_status(const uint8_t *pdu, size_t len)
{
	struct pdu_status	s;
	char			err[128];
	int			final;

	err[0] = '\0';
	if (pdu_decode_status(pdu, len, &s, err, sizeof err) != 0) {
		if (err[0] == '\0')
			fixture_fail("STATUS-REPORT refused without a reason");
		return;
	}
	if (pdu_type(pdu, len) != PDU_STATUS_REPORT)
		fixture_fail("decoded a STATUS-REPORT that pdu_type does not call one");
	fixture_check_str("smsc", s.smsc, sizeof s.smsc);
	fixture_check_str("recipient", s.recipient, sizeof s.recipient);
	if (s.mr < 0 || s.mr > 255 || s.status < 0 || s.status > 255)
		fixture_fail("octet out of range");
	final = pdu_status_final(s.status);
	if (final < -1 || final > 1)
		fixture_fail("pdu_status_final");
}

/* Both decoders on an exact-size copy: reading one octet past it is a finding. */
static void
fuzz_pdu(const uint8_t *data, size_t size)
{
	uint8_t	*copy;
	int	 type;

	copy = xmalloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	type = pdu_type(copy, size);
	if (type != -1 && type != PDU_DELIVER && type != PDU_STATUS_REPORT)
		fixture_fail("pdu_type");
	fuzz_deliver(copy, size);
	fuzz_status(copy, size);
	free(copy);
}

/* The octets as a PDU, then (if they are hex) as the text a modem prints. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	bin[PDU_MAX];
	int	n;

	fuzz_pdu(data, size);
	n = pdu_hex_decode((const char *)data, size, bin, sizeof bin);
	if (n >= 0) {
		if ((size_t)n * 2 != size)
			fixture_fail("pdu_hex_decode length");
		fuzz_pdu(bin, (size_t)n);
	}
	return 0;
}
