/*
 * test-pdu.c: the SMS PDU codec (3GPP TS 23.040, 23.038) against published
 * vectors byte for byte, round trips through SMS-SUBMIT and SMS-DELIVER,
 * and malformed input (every truncation, lengths that lie).
 *
 * Vector sources, named per vector below:
 *   [dreamfabric]  "SMS and the PDU format", dreamfabric.com/sms (the
 *                  classic "How are you?" DELIVER and "hellohello").
 *   [messaging]    python-messaging (pmarti/python-messaging),
 *                  messaging/test/test_sms.py: PDUs from real networks.
 *   [gsmmodem]     python-gsmmodem (faucamp/python-gsmmodem),
 *                  test/test_pdu.py: PDUs from real modems and networks.
 *
 * Times: TS 23.040 9.2.3.11 stores the zone as two swapped semi-octets in
 * quarter hours, the sign in bit 3 of the octet. So a zone octet 0x80 is
 * +08 quarters (+02:00), 0x40 is +01:00, 0x29 is -12 quarters (-03:00), and
 * 0x08 is -00 (UTC). The sources agree: [messaging] decodes its
 * "gmtplusone" vector (0x40) to 16:41 UTC for 17:41 BST and its Brazilian
 * vector (0x29) to UTC-3; [gsmmodem] encodes +02:00 as 0x80 and -08:00 as
 * 0x2B. The dreamfabric page reads its own 0x08 as "+2 hours" by not
 * swapping; by the specification it is UTC, and that is what is asserted.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/gsm.h"
#include "codec/pdu.h"
#include "unit.h"

/* Hex to octets through the codec's own helper (tested on its own below). */
static size_t
unhex(const char *hex, uint8_t *out, size_t outlen)
{
	int	n;

	n = pdu_hex_decode(hex, strlen(hex), out, outlen);
	ck_assert_msg(n >= 0, "bad test hex: %s", hex);
	return (size_t)n;
}

/* The expected decoding of an SMS-DELIVER. */
struct deliver_case {
	const char	*name;
	const char	*hex;
	const char	*smsc;
	const char	*from;
	int		 ton;
	int		 pid;
	int		 dcs;
	int		 alphabet;
	int		 msg_class;
	int64_t		 scts;
	int		 tzq;
	const char	*text;
	unsigned	 ref, total, seq;
	int		 ref16;
};

static const struct deliver_case delivers[] = {
	/* [dreamfabric], also [messaging] test_decoding_7bit_pdu. Zone 0x08 is -00: see the top. */
	{ "how are you",
	  "07911326040000F0040B911346610089F60000208062917314080CC8F71D1496"
	  "9741F977FD07",
	  "+31624000000", "+31641600986", 1, 0, 0x00, PDU_GSM7, -1,
	  1030390661, 0, "How are you?", 0, 0, 0, 0 },
	/* [messaging] test_decoding_ucs2_pdu: UCS-2, 2008-06-24 09:22:04 +02:00. */
	{ "ucs2 zte",
	  "07914306073011F0040B914316709807F2000880604290224080084E2D517490"
	  "1A8BAF",
	  "+34607003110", "+34610789702", 1, 0, 0x08, PDU_UCS2, -1,
	  1214292124, 8, "中兴通讯", 0, 0, 0, 0 },
	/* [messaging] test_decoding_number_alphanumeric: odd length (9 semi-octets). */
	{ "alphanumeric fonic",
	  "07919471060040340409D0C6A733390400009060920173018093CC74595C9683"
	  "8C4F6772085AD6DDE4320B444E9741D4B03C6D7EC3E9E9B71B9474D3CB727799"
	  "DEA286CFE5B9991DA6CBC3F432E85E9793CBA0F09A9EB6A7CB72BA0B9474D3CB"
	  "727799DE72D6E9FABAFB0CBAA7E56490BA4CD7D34170F91BE4ACD3F575F7794E"
	  "0F9F4161F1B92C2F8FD1EE32DD054AA2E520E3D3991C82A8E5701B",
	  "+491760000443", "FONIC", 5, 0, 0x00, PDU_GSM7, -1, 1246264630, 8,
	  "Lieber FONIC Kunde, die Tarifoption Internet-Tagesflatrate wurde "
	  "aktiviert. Internet-Nutzung wird jetzt pro Nutzungstag abgerechnet. "
	  "Ihr FONIC Team", 0, 0, 0, 0 },
	/* [messaging] test_decoding_number_alphanumeric: even length (18 semi-octets). */
	{ "alphanumeric tim",
	  "07919333852804000412D0F7FBDD454FB75D693A0000903002801153402BCD30"
	  "1E9F0605D9E971191483C140412A35690D52832063D2F9040599A058EE05A3BD"
	  "6430580E",
	  "+393358824000", "www.tim.it", 5, 0, 0x00, PDU_GSM7, -1, 1237533095,
	  4, "Maxxi Alice 100 ATTIVATA FINO AL 19/04/2009", 0, 0, 0, 0 },
	/* [gsmmodem] test_decode: 2013-03-08 15:02:16 +02:00. */
	{ "test2",
	  "06917228195339040B917228214365F700003130805120618005D4F29C2E03",
	  "+2782913593", "+27821234567", 1, 0, 0x00, PDU_GSM7, -1, 1362747736,
	  8, "Test2", 0, 0, 0, 0 },
	/* [gsmmodem] test_decode: 2007-04-12 23:25:42 +08:00 (zone 0x23). */
	{ "hong kong",
	  "07915892000000F0040B915892214365F700007040213252242331493A283D07"
	  "95C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377"
	  "BB1D7693E72E",
	  "+85290000000", "+85291234567", 1, 0, 0x00, PDU_GSM7, -1, 1176391542,
	  32, "It is easy to read text messages via AT commands.", 0, 0, 0, 0 },
	/* [gsmmodem] test_decode: the extension table in a DELIVER. */
	{ "extension chars",
	  "06917228195339040B917228214365F70000313062315352800A800D8A5E98D3"
	  "37A910",
	  "+2782913593", "+27821234567", 1, 0, 0x00, PDU_GSM7, -1, 1364297725,
	  8, "@{tést}!", 0, 0, 0, 0 },
	/* [gsmmodem] test_decode: UDH with an 8-bit concatenation IE, 1 of 1, national sender. */
	{ "udh 1 of 1",
	  "0591721891F1400781721881F800003160526104848059050003C30101916536"
	  "FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7"
	  "D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B"
	  "068BCD5C20",
	  "+2781191", "2781188", 0, 0, 0x00, PDU_GSM7, -1, 1372171248, 8,
	  "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire "
	  "on 01/07/2013. ", 0xc3, 1, 1, 0 },
	/*
	 * [messaging] test_decode_weird_multipart_german_pdu: two parts, ref
	 * 25, TP-PID 0x39, TP-DCS 0xF1 (group 1111: GSM-7, class 1), a euro
	 * sign, fill bits after the UDH.
	 */
	{ "german part 1",
	  "07919471227210244405852122F039F101506271217180A005000319020198E9"
	  "B2B82C0759DFE4B0F9ED2EB7967537B9CC02B5D37450122D2FCB41EE303DFD76"
	  "87D96537881A96A7CD6F383DFD7683F46134BBEC064DD36550DA0D22A7CBF372"
	  "1BE42CD3F5A0198B56036DCA20B8FC0D6A0A4170767D0EAAE540433A082E7F83"
	  "A6E5F93CFD76BB40D7B2DB0D9AA6CB2072BA3C2F83926EF31BE44E8FD17450BB"
	  "8C9683CA",
	  "+491722270142", "12220", 0, 0x39, 0xf1, PDU_GSM7, 1, 1274886737, 8,
	  "Lieber Vodafone-Kunde, mit Ihrer nationalen Tarifoption zahlen Sie "
	  "in diesem Netz 3,45 € pro MB plus 59 Ct pro Session. Wenn Sie diese "
	  "Info nicht mehr e", 25, 2, 1, 0 },
	{ "german part 2",
	  "07919471227210244405852122F039F1015062712181804F0500031902"
	  "02E4E8309B5E7683DAFC319A5E76B340F73D9A5D7683A6E93268FD9ED3CB6EF6"
	  "7B0E5AD172B19B2C2693C9602E90355D6683A6F0B007946E8382F5393BEC26BB"
	  "00",
	  "+491722270142", "12220", 0, 0x39, 0xf1, PDU_GSM7, 1, 1274886738, 8,
	  "rhalten möchten, wählen Sie kostenlos +4917212220. Viel Spaß im "
	  "Ausland.", 25, 2, 2, 0 },
	/* [messaging] test_decoding_datetime_gmtminusthree: zone 0x29 is -03:00. */
	{ "negative zone",
	  "0791553001000001040491578800000190115101112979CF340B342F9FEBE536"
	  "E83D0791C3E4F71C440E83E6F53068FE66A7C7697A781C7EBB4050F99BFE1EBF"
	  "D96F1D48068BC16030182E66ABD560B41988FC06D1D3F03768FA66A7C7697A78"
	  "1C7E83CCEF34282C2ECBE96F50B90D8AC55EB0DC4B068BC140B1994E16D3D162"
	  "2E",
	  "+550310000010", "+7588", 1, 0, 0x00, PDU_GSM7, -1, 1284228611, -12,
	  NULL, 0, 0, 0, 0 },
};

static void
check_deliver(const struct deliver_case *c, const struct pdu_deliver *d)
{
	ck_assert_msg(strcmp(d->smsc, c->smsc) == 0, "%s: smsc %s", c->name,
	    d->smsc);
	ck_assert_msg(strcmp(d->from, c->from) == 0, "%s: from %s", c->name,
	    d->from);
	ck_assert_msg(d->from_ton == c->ton, "%s: ton %d", c->name, d->from_ton);
	ck_assert_msg(d->pid == c->pid, "%s: pid %d", c->name, d->pid);
	ck_assert_msg(d->dcs == c->dcs, "%s: dcs %d", c->name, d->dcs);
	ck_assert_msg((int)d->alphabet == c->alphabet, "%s: alphabet %d",
	    c->name, d->alphabet);
	ck_assert_msg(d->msg_class == c->msg_class, "%s: class %d", c->name,
	    d->msg_class);
	ck_assert_msg(d->scts == c->scts, "%s: scts %lld, want %lld", c->name,
	    (long long)d->scts, (long long)c->scts);
	ck_assert_msg(d->tz_quarters == c->tzq, "%s: tz %d", c->name,
	    d->tz_quarters);
	if (c->text != NULL) {
		ck_assert_msg(strcmp(d->text, c->text) == 0,
		    "%s: text \"%s\"", c->name, d->text);
		ck_assert_uint_eq(d->textlen, strlen(c->text));
	}
	ck_assert_uint_eq(d->textlen, strlen(d->text));
	ck_assert_msg(d->concat.ref == c->ref && d->concat.total == c->total &&
	    d->concat.seq == c->seq && d->concat.ref16 == c->ref16,
	    "%s: concat %u %u/%u %d", c->name, d->concat.ref, d->concat.seq,
	    d->concat.total, d->concat.ref16);
	ck_assert_int_eq(d->compressed, 0);
	ck_assert_int_eq(d->status_report, 0);
}

START_TEST(test_deliver_vectors)
{
	const struct deliver_case	*c = &delivers[_i];
	struct pdu_deliver		 d;
	uint8_t				 pdu[PDU_MAX];
	char				 err[128];
	size_t				 len;

	len = unhex(c->hex, pdu, sizeof pdu);
	ck_assert_int_eq(pdu_type(pdu, len), PDU_DELIVER);
	err[0] = '\0';
	ck_assert_msg(pdu_decode_deliver(pdu, len, &d, err, sizeof err) == 0,
	    "%s: %s", c->name, err);
	check_deliver(c, &d);
	/* A DELIVER is no status report. */
	ck_assert_int_eq(pdu_decode_status(pdu, len, &(struct pdu_status){ 0 },
	    err, sizeof err), -1);
}
END_TEST

/*
 * The Brazilian vector's text, which its source does not state: 121
 * septets of plain GSM-7 from the operator Oi, whose own date (11/09/2010)
 * agrees with the SCTS.
 */
START_TEST(test_deliver_negative_zone_text)
{
	struct pdu_deliver	d;
	uint8_t			pdu[PDU_MAX];
	size_t			len;

	len = unhex(delivers[nitems(delivers) - 1].hex, pdu, sizeof pdu);
	ck_assert_int_eq(pdu_decode_deliver(pdu, len, &d, NULL, 0), 0);
	ck_assert_uint_eq(d.textlen, 121);
	ck_assert_str_eq(d.text, "Oi, seguem os dados da sua solicitacao. "
	    "Protocolo: 201000081655043 do tipo Solicitacao foi aberto em "
	    "11/09/2010 13:21:41.");
}
END_TEST

/* Every proper prefix of every vector is refused, without reading past it. */
START_TEST(test_deliver_truncated)
{
	const struct deliver_case	*c = &delivers[_i];
	struct pdu_deliver		 d;
	uint8_t				 pdu[PDU_MAX], *cut;
	char				 err[128];
	size_t				 len, n;

	len = unhex(c->hex, pdu, sizeof pdu);
	for (n = 0; n < len; n++) {
		/* A copy of exactly n octets, so ASan sees any overread. */
		cut = malloc(n > 0 ? n : 1);
		memcpy(cut, pdu, n);
		err[0] = '\0';
		ck_assert_msg(pdu_decode_deliver(cut, n, &d, err, sizeof err) ==
		    -1, "%s: %zu of %zu octets accepted", c->name, n, len);
		ck_assert_msg(err[0] != '\0', "%s: no reason at %zu", c->name, n);
		(void)pdu_type(cut, n);
		free(cut);
	}
}
END_TEST

struct status_case {
	const char	*name;
	const char	*hex;
	const char	*smsc;
	int		 mr;
	const char	*recipient;
	int64_t		 scts;
	int64_t		 discharge;
	int		 status;
	int		 final;
};

static const struct status_case statuses[] = {
	/* [messaging] test_decoding_delivery_status_report. */
	{ "delivered",
	  "0791538375000075061805810531F1019082416500400190824165004000",
	  "+353857000057", 24, "50131", 1285682160, 1285682160, 0x00, 1 },
	/* [messaging] test_decoding_delivery_status_report_without_smsc_address. */
	{ "no smsc",
	  "00060505810531F1010150610000400101506100004000",
	  "", 5, "50131", 1286290800, 1286290800, 0x00, 1 },
	/* [gsmmodem] test_decode SMS-STATUS-REPORT. */
	{ "international",
	  "0006D60B911326880736F4111011719551401110117195714000",
	  "", 214, "+31628870634", 1294765155, 1294765157, 0x00, 1 },
	/* [messaging] test_decode_sms_confirmation: TP-ST 0x43, permanent error (not obtainable). */
	{ "not obtainable",
	  "07914306073011F006270B913426565711F7012081111345400120811174054043",
	  "+34607003110", 39, "+43626575117", 1266489114, 1266490070, 0x43, 0 },
	/* [gsmmodem] "semi-invalid status report PDU captured from a ZTE modem": 0xB is "#". */
	{ "zte",
	  "0297F1061C0F910B487228297020F5317062419272803170624192138000",
	  "+1", 28, "+#08427829207025", 1374841767, 1374841771, 0x00, 1 },
};

START_TEST(test_status_vectors)
{
	const struct status_case	*c = &statuses[_i];
	struct pdu_status		 s;
	struct pdu_deliver		 d;
	uint8_t				 pdu[PDU_MAX], *cut;
	char				 err[128];
	size_t				 len, n;

	len = unhex(c->hex, pdu, sizeof pdu);
	ck_assert_int_eq(pdu_type(pdu, len), PDU_STATUS_REPORT);
	err[0] = '\0';
	ck_assert_msg(pdu_decode_status(pdu, len, &s, err, sizeof err) == 0,
	    "%s: %s", c->name, err);
	ck_assert_str_eq(s.smsc, c->smsc);
	ck_assert_int_eq(s.mr, c->mr);
	ck_assert_str_eq(s.recipient, c->recipient);
	ck_assert_msg(s.scts == c->scts, "%s: scts %lld", c->name,
	    (long long)s.scts);
	ck_assert_msg(s.discharge == c->discharge, "%s: dt %lld", c->name,
	    (long long)s.discharge);
	ck_assert_int_eq(s.status, c->status);
	ck_assert_int_eq(pdu_status_final(s.status), c->final);
	/* A status report is no DELIVER. */
	ck_assert_int_eq(pdu_decode_deliver(pdu, len, &d, err, sizeof err), -1);

	for (n = 0; n < len; n++) {
		cut = malloc(n > 0 ? n : 1);
		memcpy(cut, pdu, n);
		ck_assert_msg(pdu_decode_status(cut, n, &s, err, sizeof err) ==
		    -1, "%s: %zu of %zu octets accepted", c->name, n, len);
		free(cut);
	}
}
END_TEST

/*
 * TP-PI and the optional fields after TP-ST (TS 23.040 9.2.3.27): what it
 * announces must be there. Built on the "international" vector.
 */
START_TEST(test_status_optional)
{
	static const struct {
		const char	*tail;
		int		 ok;
	} tails[] = {
		{ "00", 1 },			/* TP-PI announcing nothing */
		{ "01", 0 },			/* TP-PID announced, missing */
		{ "0100", 1 },
		{ "0300", 0 },			/* TP-DCS missing */
		{ "030008", 1 },
		{ "07000800", 1 },		/* UDL 0 */
		{ "0700080400610062", 1 },	/* UCS-2 "ab" */
		{ "0700080400610", 0 },		/* odd hex: refused by unhex below */
		{ "07000806006100", 0 },	/* UDL beyond the data */
		{ "040548656C6C6F", 1 },	/* GSM-7 default: 5 septets in 5 octets */
		{ "0405", 0 },
		{ "8000", 1 },			/* extension bit: a second TP-PI octet */
		{ "80", 0 },
	};
	static const char	*base = "0006D60B911326880736F4111011719551401110117195714000";
	struct pdu_status	 s;
	uint8_t			 pdu[PDU_MAX];
	char			 hex[256];
	size_t			 i;
	int			 len;

	for (i = 0; i < nitems(tails); i++) {
		snprintf(hex, sizeof hex, "%s%s", base, tails[i].tail);
		len = pdu_hex_decode(hex, strlen(hex), pdu, sizeof pdu);
		if (len == -1) {
			ck_assert_int_eq(tails[i].ok, 0);
			continue;
		}
		ck_assert_msg(pdu_decode_status(pdu, (size_t)len, &s, NULL, 0) ==
		    (tails[i].ok ? 0 : -1), "tail %s", tails[i].tail);
		if (tails[i].ok)
			ck_assert_str_eq(s.recipient, "+31628870634");
	}
}
END_TEST

/* TP-UDHI in a status report: its user data starts with a header, checked as in a DELIVER. */
START_TEST(test_status_udh)
{
	static const struct {
		const char	*hex;
		int		 ok;
	} cases[] = {
		/* UDHI, TP-PI 04, UDL 6: UDH 02 24 00, 4 fill bits, "hi". */
		{ "0046D60B911326880736F41110117195514011101171957140000406022400804E03", 1 },
		/* UDHI, UDL 2 septets (2 octets) claiming a UDH of 6. */
		{ "0046D60B911326880736F411101171955140111011719571400004020524", 0 },
		/* The same without UDHI: two septets of text. */
		{ "0006D60B911326880736F411101171955140111011719571400004020524", 1 },
	};
	struct pdu_status	s;
	uint8_t			pdu[PDU_MAX];
	size_t			i, len;

	for (i = 0; i < nitems(cases); i++) {
		len = unhex(cases[i].hex, pdu, sizeof pdu);
		ck_assert_msg(pdu_decode_status(pdu, len, &s, NULL, 0) ==
		    (cases[i].ok ? 0 : -1), "case %zu", i);
	}
}
END_TEST

START_TEST(test_status_final)
{
	static const struct {
		int	st;
		int	final;
	} cases[] = {
		{ 0x00, 1 }, { 0x01, 1 }, { 0x02, 1 }, { 0x1f, 1 },
		{ 0x20, -1 }, { 0x25, -1 }, { 0x3f, -1 },
		{ 0x40, 0 }, { 0x45, 0 }, { 0x5f, 0 }, { 0x60, 0 }, { 0x65, 0 },
		{ 0x7f, 0 }, { 0x80, -1 }, { 0xff, -1 }, { -1, -1 },
	};
	size_t	i;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_msg(pdu_status_final(cases[i].st) == cases[i].final,
		    "TP-ST 0x%02x", cases[i].st);
	}
}
END_TEST

/* GSM-7 packing (TS 23.038 6.1.2.1.1). */
START_TEST(test_pack7)
{
	static const struct {
		const char	*name;
		const char	*septets;
		size_t		 n;
		int		 fill;
		const char	*hex;
	} cases[] = {
		/* [dreamfabric] "hellohello": 10 septets in 9 octets. */
		{ "hellohello", "hellohello", 10, 0, "E8329BFD4697D9EC37" },
		/* [gsmmodem] TestGsm7: 8 septets fill 7 octets exactly, 9 spill one. */
		{ "12345678", "12345678", 8, 0, "31D98C56B3DD70" },
		{ "123456789", "123456789", 9, 0, "31D98C56B3DD7039" },
		{ "Hello World!", "Hello World!", 12, 0, "C8329BFD065DDF72363904" },
		/* "hellohello" after one fill bit (an 8-bit concatenation UDH): hand-shifted. */
		{ "fill 1", "hellohello", 10, 1, "D06536FB8D2EB3D96F" },
		{ "empty", "", 0, 0, "" },
		{ "fill only", "", 0, 1, "00" },
	};
	uint8_t	out[64], want[64], back[64];
	size_t	i, n;
	int	wn;

	for (i = 0; i < nitems(cases); i++) {
		wn = pdu_hex_decode(cases[i].hex, strlen(cases[i].hex), want,
		    sizeof want);
		ck_assert_int_ge(wn, 0);
		memset(out, 0xee, sizeof out);
		n = pdu_pack7((const uint8_t *)cases[i].septets, cases[i].n,
		    cases[i].fill, out);
		ck_assert_msg(n == (size_t)wn, "%s: %zu octets", cases[i].name, n);
		ck_assert_msg(memcmp(out, want, n) == 0, "%s: bytes",
		    cases[i].name);
		ck_assert_int_eq(pdu_unpack7(out, n, cases[i].n, cases[i].fill,
		    back), 0);
		ck_assert_msg(memcmp(back, cases[i].septets, cases[i].n) == 0,
		    "%s: unpack", cases[i].name);
		if (n > 0) {
			ck_assert_int_eq(pdu_unpack7(out, n - 1, cases[i].n,
			    cases[i].fill, back), -1);
		}
	}
}
END_TEST

/* [gsmmodem] TestGsm7 "[{abc}]~": bytes 27, 222, 6, 21, 22, 143, 55, 169, 141, 111, 211, 3. */
START_TEST(test_pack7_escapes)
{
	static const uint8_t	septets[] = { 0x1b, 0x3c, 0x1b, 0x28, 0x61,
	    0x62, 0x63, 0x1b, 0x29, 0x1b, 0x3e, 0x1b, 0x3d };
	static const uint8_t	want[] = { 27, 222, 6, 21, 22, 143, 55, 169,
	    141, 111, 211, 3 };
	uint8_t			out[16], back[16];
	char			text[32];

	ck_assert_uint_eq(pdu_pack7(septets, sizeof septets, 0, out),
	    sizeof want);
	ck_assert_mem_eq(out, want, sizeof want);
	ck_assert_int_eq(pdu_unpack7(out, sizeof want, sizeof septets, 0, back),
	    0);
	ck_assert_int_eq(gsm_decode_septets(back, sizeof septets, text,
	    sizeof text), 8);
	ck_assert_str_eq(text, "[{abc}]~");
	ck_assert_int_eq(pdu_unpack7(out, sizeof want, sizeof septets, 7, back),
	    -1);
	ck_assert_int_eq(pdu_unpack7(out, sizeof want, 1, -1, back), -1);
	ck_assert_int_eq(pdu_unpack7(out, sizeof want, 1, 8, back), -1);
}
END_TEST

/* An SMS-SUBMIT and its expected octets. */
struct submit_case {
	const char	*name;
	const char	*to;
	const char	*text;
	int		 validity;
	int		 srr;
	const char	*hex;
};

static const struct submit_case submits[] = {
	/*
	 * Derived by hand: "hellohello" to +84912345678, no validity, no
	 * report. 00 (SMSC: the modem's), 01 (SMS-SUBMIT), 00 (TP-MR),
	 * 0B 91 4819325476F8 (11 digits, international, swapped, F filler),
	 * 00 (TP-PID), 00 (TP-DCS GSM-7), 0A (10 septets), E8329BFD4697D9EC37
	 * (the [dreamfabric] packing).
	 */
	{ "hellohello", "+84912345678", "hellohello", 0, 0,
	  "0001000B914819325476F800000AE8329BFD4697D9EC37" },
	/*
	 * The same with 24 hours' validity and a report: first octet 0x31
	 * (0x01 | TP-VPF 10 0x10 | TP-SRR 0x20); TP-VP A7 (167: 12 h + 24 * 30
	 * min, TS 23.040 9.2.3.12.1) after TP-DCS.
	 */
	{ "hellohello vp srr", "+84912345678", "hellohello", 1440, 1,
	  "0031000B914819325476F80000A70AE8329BFD4697D9EC37" },
	/* National digits: type 0x81. Hand-derived as above. */
	{ "hellohello national", "0912345678", "hellohello", 0, 0,
	  "0001000A8190214365870000" "0AE8329BFD4697D9EC37" },
	/* [gsmmodem] test_encodeSmsSubmit. */
	{ "hello world", "+27820001111", "Hello World!", 0, 0,
	  "0001000B917228001011F100000CC8329BFD065DDF72363904" },
	/* [messaging] test_encoding_validity: none, and 4 days (TP-VP 0xAA). */
	{ "hola", "+34616585119", "hola", 0, 0,
	  "0001000B914316565811F9000004E8373B0C" },
	{ "hola 4 days", "+34616585119", "hola", 4 * 1440, 0,
	  "0011000B914316565811F90000AA04E8373B0C" },
	/* [messaging] test_encoding_request_status. */
	{ "srr", "+34654123456", "hey yo", 0, 1,
	  "0021000B914356143254F6000006E8721E947F03" },
	/* [messaging] test_encoding_message_with_latin1_chars. */
	{ "latin1 in gsm7", "+34654123456", "Hölä", 4 * 1440, 0,
	  "0011000B914356143254F60000AA04483E7B0F" },
	{ "latin1 in gsm7 2", "+34654123456", "BÄRÇA äñ@", 0, 0,
	  "0001000B914356143254F6000009C2AD341104EDFB00" },
	/* [messaging] test_encoding_ucs2_message: national number, UCS-2. */
	{ "ucs2 russian", "655345678", "Русский", 4 * 1440, 0,
	  "001100098156355476F80008AA0E0420044304410441043A04380439" },
	/* [messaging] test_encoding_ucs2_message, without its SMSC address. */
	{ "ucs2 japanese", "+34616585119", "あ叶葉", 0, 0,
	  "0001000B914316565811F9000806304253F68449" },
};

START_TEST(test_submit_vectors)
{
	const struct submit_case	*c = &submits[_i];
	struct pdu_submit_opts		 o = { 0 };
	struct pdu_out			 out[4];
	char				 hex[2 * PDU_MAX + 1], err[128];

	o.validity = c->validity;
	o.status_report = c->srr;
	err[0] = '\0';
	ck_assert_msg(pdu_encode_submit(c->to, c->text, strlen(c->text), &o,
	    out, nitems(out), err, sizeof err) == 1, "%s: %s", c->name, err);
	pdu_hex_encode(out[0].bytes, out[0].len, hex);
	ck_assert_msg(strcmp(hex, c->hex) == 0, "%s:\n got %s\nwant %s",
	    c->name, hex, c->hex);
	ck_assert_uint_eq(out[0].tpdu_len, out[0].len - 1);
}
END_TEST

/* [messaging] test_encoding_multipart_7bit: 3 parts, 8-bit ref 136, 4 days, fill bit 1. */
START_TEST(test_submit_multipart_vector)
{
	static const char	*text = "Or walk with Kings - nor lose the common "
	    "touch, if neither foes nor loving friends can hurt you, If all men "
	    "count with you, but none too much; If you can fill the unforgiving "
	    "minute With sixty seconds' worth of distance run, Yours is the "
	    "Earth and everything thats in it, And - which is more - you will "
	    "be a Man, my son";
	static const char	*want[] = {
		"005100098156355476F80000AAA00500038803019E72D03DCC5E83EE693A1A"
		"B44CBBCF73500BE47ECB41ECF7BC0CA2A3CBA0F1BBDD7EBB41F4777D8C6681"
		"D26690BB9CA6A3CB7290F95D9E83DC6F3988FDB6A7DD6790599E2EBBC973D0"
		"38EC06A1EB723A28FFAEB340493328CC6683DA653768FCAEBBE9A07B9A8E06"
		"E5DF7516485CA783DC6F7719447FBF41EDFA18BD0325CDA0FCBB0E1A87DD",
		"005100098156355476F80000AAA005000388030240E6349B0DA2A3CBA0BADB"
		"FC969FD3F6B4FB0C6AA7DD757A19744DD3D1A0791A4FCF83E6E5F1DB4D9E9F"
		"40F7B79C8E06BDCD20727A4E0FBBC76590BCEE6681B2EFBA7C0E4ACF417474"
		"19540CCBE96850D84D0695ED65799E8E4EBBCF203A3A4C9F83D26E509ACE02"
		"05DD64500B7447A7C768507A0E6ABFE565500B947FD741F7349B0D129741",
		"005100098156355476F80000AA14050003880303C2A066D8CD02B5F3A0F9DB"
		"0D",
	};
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_out		 out[4];
	char			 hex[2 * PDU_MAX + 1];
	size_t			 i;

	o.validity = 4 * 1440;
	o.ref = 136;
	ck_assert_int_eq(pdu_encode_submit("655345678", text, strlen(text), &o,
	    out, nitems(out), NULL, 0), 3);
	for (i = 0; i < 3; i++) {
		pdu_hex_encode(out[i].bytes, out[i].len, hex);
		ck_assert_msg(strcmp(hex, want[i]) == 0,
		    "part %zu:\n got %s\nwant %s", i + 1, hex, want[i]);
	}
}
END_TEST

/*
 * [gsmmodem] test_encodeSmsSubmit_concatenated: 3 parts, ref 0. That
 * library sets TP-RD (reject duplicates, 0x04) in the first octet, which
 * we do not: the expected first octet 0x45 becomes 0x41, the rest is as
 * published.
 */
START_TEST(test_submit_multipart_vector2)
{
	static const char	*text = "Lorem ipsum dolor sit amet, consectetur "
	    "adipisicing elit, sed do eiusmod tempor incididunt ut labore et "
	    "dolore magna aliqua.Ut enim ad minim veniam, quinostrud exercitation "
	    "ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute "
	    "irure dolor in reprehenderit in voluptate velit esse cillum doloe "
	    "eu fugiat nulla pariatur.Excepteur sint occaecat cupidatat non "
	    "proident, sunt in culpa qui officia deserunt mollit anim id est "
	    "laborum";
	static const char	*want[] = {
		"0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688"
		"FC66BFE5A0799A0E0AB7CB741668FC76CFCB637A995E9783C2E4343C3D4F8F"
		"D3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE9683D2EE71"
		"9A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466"
		"A7E3F5B0AB4A0795DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD",
		"0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F938"
		"4D0FD3D36F37A8CE6687DBE337881D16BFE5E939C89D9EA741753A28CC4EC7"
		"EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B584FCF41E13A"
		"BD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2"
		"BFD975383D4C2F83EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA",
		"0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B"
		"1D06C1C3F274985E97BB8AF871194E2FD7E5A079DA4D07BDC7E370791CA683"
		"C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D947683C67536"
		"3C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06"
		"A5C9A0F29C0E6287C56F79BD0D",
	};
	struct pdu_out		 out[4];
	char			 hex[2 * PDU_MAX + 1];
	size_t			 i;

	ck_assert_int_eq(pdu_encode_submit("+15125551234", text, strlen(text),
	    NULL, out, nitems(out), NULL, 0), 3);
	for (i = 0; i < 3; i++) {
		pdu_hex_encode(out[i].bytes, out[i].len, hex);
		ck_assert_str_eq(hex + 4, want[i] + 4);
		ck_assert_int_eq(strncmp(hex, "0041", 4), 0);
	}
}
END_TEST

/* TS 23.040 9.2.3.12.1: relative TP-VP, rounded up. */
START_TEST(test_submit_validity)
{
	static const struct {
		int	minutes;
		int	vp;
	} cases[] = {
		{ 1, 0 }, { 5, 0 }, { 6, 1 }, { 10, 1 },
		{ 30, 5 },		/* [gsmmodem] */
		{ 720, 143 }, { 721, 144 }, { 750, 144 }, { 780, 145 },
		{ 960, 151 },		/* [gsmmodem] 16 hours */
		{ 1440, 167 }, { 1441, 168 }, { 2880, 168 }, { 2881, 169 },
		{ 4320, 169 },		/* [gsmmodem] 3 days */
		{ 43200, 196 },		/* [messaging] 30 days */
		{ 43201, 197 },
		{ 50400, 197 },		/* [gsmmodem] 5 weeks */
		{ 50401, 198 }, { 635040, 255 }, { 700000, 255 },
	};
	struct pdu_submit_opts	o = { 0 };
	struct pdu_out		out[1];
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		o.validity = cases[i].minutes;
		ck_assert_int_eq(pdu_encode_submit("+84912345678", "x", 1, &o,
		    out, 1, NULL, 0), 1);
		ck_assert_uint_eq(out[0].bytes[1], 0x11);
		/* SMSC, first, MR, 2 + 6 of address, PID, DCS: TP-VP is octet 13. */
		ck_assert_msg(out[0].bytes[13] == cases[i].vp,
		    "%d minutes: TP-VP %u, want %d", cases[i].minutes,
		    out[0].bytes[13], cases[i].vp);
	}
	o.validity = -5;
	ck_assert_int_eq(pdu_encode_submit("+84912345678", "x", 1, &o, out, 1,
	    NULL, 0), 1);
	ck_assert_uint_eq(out[0].bytes[1], 0x01);
}
END_TEST

/*
 * Turn an SMS-SUBMIT we made into the SMS-DELIVER the recipient would get
 * (TS 23.040 9.2.2.1): same address, PID, DCS and user data; no TP-MR or
 * TP-VP; a fixed SCTS of 2021-09-16 08:15:00 +07:00.
 */
static size_t
submit_to_deliver(const struct pdu_out *o, uint8_t *d)
{
	const uint8_t	*b = o->bytes;
	size_t		 i = 3, n = 0, alen;
	uint8_t		 first = b[1];

	ck_assert_uint_eq(b[0], 0x00);
	ck_assert_uint_eq(first & 0x03, 0x01);
	d[n++] = 0x00;
	d[n++] = (uint8_t)(first & 0x40);
	alen = 2 + (b[i] + 1) / 2;
	memcpy(d + n, b + i, alen);
	n += alen;
	i += alen;
	d[n++] = b[i++];	/* PID */
	d[n++] = b[i++];	/* DCS */
	if ((first & 0x18) == 0x10)
		i++;		/* TP-VP */
	memcpy(d + n, "\x12\x90\x61\x80\x51\x00\x82", 7);
	n += 7;
	memcpy(d + n, b + i, o->len - i);
	return n + o->len - i;
}

/*
 * Encode, turn every part into a DELIVER, decode, check each part, and
 * join the parts in order: the text comes back whole.
 */
static int
round_trip(const char *text, const struct pdu_submit_opts *o,
    enum pdu_alphabet alphabet, struct pdu_deliver *parts, size_t max)
{
	struct pdu_out	out[16];
	uint8_t		d[PDU_MAX];
	static char	joined[16 * PDU_TEXT_MAX];
	char		err[128];
	size_t		len, i;
	int		n;

	ck_assert_uint_le(max, nitems(out));
	n = pdu_encode_submit("+84912345678", text, strlen(text), o, out, max,
	    err, sizeof err);
	ck_assert_msg(n > 0, "encode: %s", err);
	joined[0] = '\0';
	for (i = 0; i < (size_t)n; i++) {
		ck_assert_uint_le(out[i].len, PDU_MAX);
		ck_assert_uint_eq(out[i].tpdu_len, out[i].len - 1);
		len = submit_to_deliver(&out[i], d);
		ck_assert_msg(pdu_decode_deliver(d, len, &parts[i], err,
		    sizeof err) == 0, "part %zu: %s", i + 1, err);
		ck_assert_str_eq(parts[i].from, "+84912345678");
		ck_assert_int_eq(parts[i].alphabet, alphabet);
		ck_assert_int_eq(parts[i].scts, 1631754900);
		ck_assert_int_eq(parts[i].tz_quarters, 28);
		/* No part carries half a character. */
		ck_assert_msg(strstr(parts[i].text, "\xef\xbf\xbd") == NULL,
		    "part %zu has U+FFFD", i + 1);
		if (n > 1) {
			ck_assert_uint_eq(parts[i].concat.total, (unsigned)n);
			ck_assert_uint_eq(parts[i].concat.seq, i + 1);
			ck_assert_uint_eq(parts[i].concat.ref,
			    o->ref16 ? o->ref & 0xffff : o->ref & 0xff);
			ck_assert_int_eq(parts[i].concat.ref16, o->ref16 != 0);
		} else
			ck_assert_uint_eq(parts[i].concat.total, 0);
		strlcat(joined, parts[i].text, sizeof joined);
	}
	ck_assert_str_eq(joined, text);
	return n;
}

/* A text of n copies of piece, between head and tail. */
static const char *
repeat(const char *head, const char *piece, size_t n, const char *tail)
{
	static char	buf[8192];
	size_t		i;

	strlcpy(buf, head, sizeof buf);
	for (i = 0; i < n; i++)
		strlcat(buf, piece, sizeof buf);
	strlcat(buf, tail, sizeof buf);
	return buf;
}

START_TEST(test_round_trip_gsm7)
{
	struct pdu_submit_opts	o = { 0 };
	struct pdu_deliver	p[4];

	ck_assert_int_eq(round_trip("Gia 5€ [a] {b} ~^|\\ @£$¥ ΔΩ\r\nok", &o,
	    PDU_GSM7, p, 4), 1);
	/* 160 septets: one SMS; 161: two parts of 153 and 8. */
	ck_assert_int_eq(round_trip(repeat("", "a", 160, ""), &o, PDU_GSM7, p,
	    4), 1);
	ck_assert_uint_eq(p[0].textlen, 160);
	ck_assert_int_eq(round_trip(repeat("", "€", 80, ""), &o, PDU_GSM7, p,
	    4), 1);
	o.ref = 0x1a7;		/* 8-bit: only the low octet travels */
	ck_assert_int_eq(round_trip(repeat("", "a", 161, ""), &o, PDU_GSM7, p,
	    4), 2);
	ck_assert_uint_eq(p[0].textlen, 153);
	ck_assert_uint_eq(p[1].textlen, 8);
	/* The escape pair would straddle septets 153 and 154: it moves on whole. */
	ck_assert_int_eq(round_trip(repeat("", "a", 152, "€[]{}"), &o, PDU_GSM7,
	    p, 4), 2);
	ck_assert_uint_eq(p[0].textlen, 152);
	ck_assert_str_eq(p[1].text, "€[]{}");
}
END_TEST

/*
 * Three GSM-7 parts: the UDH is 6 octets, so the text starts after one
 * fill bit, and the part holds 7 + 153 = 160 septets.
 */
START_TEST(test_round_trip_three_parts)
{
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_deliver	 p[4];
	struct pdu_out		 out[4];
	const char		*text;
	size_t			 i;

	text = repeat("Canh bao: ", "Ban da den Cho Dong Xuan, hay khai bao y te. ",
	    9, "Het.");
	o.ref = 0x42;
	ck_assert_int_eq(round_trip(text, &o, PDU_GSM7, p, 4), 3);
	ck_assert_int_eq(pdu_encode_submit("+84912345678", text, strlen(text),
	    &o, out, 4, NULL, 0), 3);
	for (i = 0; i < 3; i++) {
		/* 00 41 00 0B91 4819325476F8 00 00, then UDL at 13, UDH at 14. */
		ck_assert_uint_eq(out[i].bytes[1], 0x41);
		ck_assert_mem_eq(out[i].bytes + 14, "\x05\x00\x03\x42\x03", 5);
		ck_assert_uint_eq(out[i].bytes[19], i + 1);
		/* Bit 0 of the first text octet is the fill bit; "C" or "h" follow. */
		ck_assert_uint_eq(out[i].bytes[20] & 1, 0);
		ck_assert_uint_eq(out[i].bytes[20] >> 1, (unsigned)text[153 * i] & 0x7f);
	}
	ck_assert_uint_eq(out[0].bytes[13], 160);
	ck_assert_uint_eq(out[0].len, 14 + 140);
	ck_assert_uint_eq(out[2].bytes[13], 7 + strlen(text) - 306);
}
END_TEST

/* The parts pdu_encode_submit makes with an 8-bit ref are gsm_split's segments. */
START_TEST(test_parts_match_gsm_split)
{
	static const char	*texts[] = {
		"x", "Bạn đã check-in", NULL, NULL, NULL,
	};
	struct gsm_segment	 segs[8];
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_deliver	 p[8];
	enum gsm_coding		 coding;
	char			 seg_text[PDU_TEXT_MAX];
	size_t			 i, j;
	int			 n;
	char			 t2[2048], t3[2048], t4[2048];

	strlcpy(t2, repeat("", "a", 152, "€b"), sizeof t2);
	strlcat(t2, repeat("", "c", 200, ""), sizeof t2);
	strlcpy(t3, repeat("", "a", 66, "😀"), sizeof t3);
	strlcat(t3, repeat("", "ư", 100, ""), sizeof t3);
	strlcpy(t4, repeat("", "Hàng Bạc ", 40, ""), sizeof t4);
	texts[2] = t2;
	texts[3] = t3;
	texts[4] = t4;
	for (i = 0; i < nitems(texts); i++) {
		n = gsm_split(texts[i], strlen(texts[i]), &coding, segs,
		    nitems(segs));
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(round_trip(texts[i], &o,
		    coding == GSM_CODING_UCS2 ? PDU_UCS2 : PDU_GSM7, p, 8), n);
		for (j = 0; j < (size_t)n; j++) {
			if (coding == GSM_CODING_UCS2)
				gsm_decode_ucs2(segs[j].data, segs[j].len,
				    seg_text, sizeof seg_text);
			else
				gsm_decode_septets(segs[j].data, segs[j].len,
				    seg_text, sizeof seg_text);
			ck_assert_str_eq(p[j].text, seg_text);
		}
	}
}
END_TEST

START_TEST(test_round_trip_ucs2)
{
	static const char	*vi = "Bạn đã check-in tại Phố Hàng Bạc lúc "
	    "08:15 16/09. Trả lời KB để khai báo y tế. ";
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_deliver	 p[8];
	struct pdu_out		 out[8];
	int			 n;

	/* Vietnamese with diacritics is UCS-2; 70 units fit one SMS, 71 do not. */
	ck_assert_int_eq(round_trip(vi, &o, PDU_UCS2, p, 8), 2);
	ck_assert_int_eq(round_trip(repeat("", "ư", 70, ""), &o, PDU_UCS2, p,
	    8), 1);
	ck_assert_int_eq(round_trip(repeat("", "ư", 71, ""), &o, PDU_UCS2, p,
	    8), 2);
	ck_assert_uint_eq(strlen(p[0].text), 67 * 2);
	n = round_trip(repeat(vi, "", 0, vi), &o, PDU_UCS2, p, 8);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(pdu_encode_submit("+84912345678", vi, strlen(vi), &o,
	    out, 8, NULL, 0), 2);
	/* DCS 08, UDL 6 + 134 octets, UDH 05 00 03. */
	ck_assert_uint_eq(out[0].bytes[12], 0x08);
	ck_assert_uint_eq(out[0].bytes[13], 140);
	ck_assert_mem_eq(out[0].bytes + 14, "\x05\x00\x03\x00\x02\x01", 6);
	/* "B" "ạ" as UTF-16BE right after the header. */
	ck_assert_mem_eq(out[0].bytes + 20, "\x00\x42\x1e\xa1", 4);
}
END_TEST

/* Emoji are surrogate pairs, never split between parts. */
START_TEST(test_round_trip_emoji)
{
	struct pdu_submit_opts	o = { 0 };
	struct pdu_deliver	p[8];
	struct pdu_out		out[8];

	ck_assert_int_eq(round_trip(repeat("", "😀", 35, ""), &o, PDU_UCS2, p,
	    8), 1);
	ck_assert_int_eq(round_trip(repeat("", "😀", 36, ""), &o, PDU_UCS2, p,
	    8), 2);
	/* 33 pairs (66 units) in part one: the 34th would straddle 67 and 68. */
	ck_assert_uint_eq(strlen(p[0].text), 33 * 4);
	ck_assert_int_eq(round_trip(repeat("", "a", 66, "😀xyz"), &o, PDU_UCS2,
	    p, 8), 2);
	ck_assert_uint_eq(p[0].textlen, 66);
	ck_assert_str_eq(p[1].text, "😀xyz");
	ck_assert_int_eq(pdu_encode_submit("+84912345678",
	    repeat("", "a", 66, "😀xyz"), 66 + 7, &o, out, 8, NULL, 0), 2);
	ck_assert_uint_eq(out[0].bytes[13], 6 + 132);
	ck_assert_uint_eq(out[1].bytes[13], 6 + 4 + 6);
	ck_assert_mem_eq(out[1].bytes + 20, "\xd8\x3d\xde\x00\x00x", 6);
	/* A pair ending exactly at unit 67 stays. */
	ck_assert_int_eq(round_trip(repeat("", "a", 65, "😀wxyz"), &o, PDU_UCS2,
	    p, 8), 2);
	ck_assert_str_eq(p[1].text, "wxyz");
}
END_TEST

/*
 * 16-bit references (TS 23.040 9.2.3.24.8): the UDH is 7 octets, so a
 * GSM-7 part holds 8 + 152 septets with no fill bits and a UCS-2 part 66
 * units.
 */
START_TEST(test_round_trip_ref16)
{
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_deliver	 p[8];
	struct pdu_out		 out[8];
	const char		*text;

	o.ref16 = 1;
	o.ref = 0xbeef;
	text = repeat("", "0123456789", 40, "");
	ck_assert_int_eq(round_trip(text, &o, PDU_GSM7, p, 8), 3);
	ck_assert_uint_eq(p[0].textlen, 152);
	ck_assert_int_eq(pdu_encode_submit("+84912345678", text, strlen(text),
	    &o, out, 8, NULL, 0), 3);
	ck_assert_uint_eq(out[0].bytes[13], 160);
	ck_assert_mem_eq(out[0].bytes + 14, "\x06\x08\x04\xbe\xef\x03\x01", 7);
	/* No fill: the first septet "0" (0x30) sits at bit 0 of octet 21. */
	ck_assert_uint_eq(out[0].bytes[21] & 0x7f, 0x30);
	ck_assert_uint_eq(out[0].len, 14 + 140);

	ck_assert_int_eq(round_trip(repeat("", "ư", 133, ""), &o, PDU_UCS2, p,
	    8), 3);
	ck_assert_uint_eq(strlen(p[0].text), 66 * 2);
	ck_assert_int_eq(round_trip(repeat("", "a", 65, "😀bbbbbbbbbb"), &o,
	    PDU_UCS2, p, 8), 2);
	ck_assert_uint_eq(p[0].textlen, 65);
	ck_assert_str_eq(p[1].text, "😀bbbbbbbbbb");
	/* Whole texts have no UDH, whatever the reference size. */
	ck_assert_int_eq(round_trip("short", &o, PDU_GSM7, p, 8), 1);
}
END_TEST

START_TEST(test_submit_errors)
{
	static const char	*bad_to[] = {
		"", "+", "12a4", "+84 912", "++849", "-1",
		"123456789012345678901",	/* 21 digits */
	};
	struct pdu_submit_opts	 o = { 0 };
	struct pdu_out		 out[4];
	char			 err[128];
	size_t			 i;

	for (i = 0; i < nitems(bad_to); i++) {
		err[0] = '\0';
		ck_assert_msg(pdu_encode_submit(bad_to[i], "x", 1, &o, out, 4,
		    err, sizeof err) == -1, "to \"%s\"", bad_to[i]);
		ck_assert_str_eq(err, "bad address");
	}
	ck_assert_int_eq(pdu_encode_submit("12345678901234567890", "x", 1, &o,
	    out, 4, NULL, 0), 1);
	ck_assert_int_eq(pdu_encode_submit("+84912345678", "a\xc3", 2, &o, out,
	    4, err, sizeof err), -1);
	ck_assert_str_eq(err, "invalid UTF-8");
	ck_assert_int_eq(pdu_encode_submit("+84912345678",
	    repeat("", "a", 153 * 4 + 1, ""), 153 * 4 + 1, &o, out, 4, err,
	    sizeof err), -1);
	ck_assert_int_eq(pdu_encode_submit("+84912345678",
	    repeat("", "a", 153 * 4, ""), 153 * 4, &o, out, 4, err,
	    sizeof err), 4);
	ck_assert_int_eq(pdu_encode_submit("+84912345678", "x", 1, &o, out, 0,
	    err, sizeof err), -1);
	ck_assert_int_eq(pdu_encode_submit(NULL, "x", 1, &o, out, 1, NULL, 0),
	    -1);
	/* An empty text is one empty SMS. */
	ck_assert_int_eq(pdu_encode_submit("+84912345678", "", 0, &o, out, 1,
	    NULL, 0), 1);
	ck_assert_uint_eq(out[0].bytes[out[0].len - 1], 0);
}
END_TEST

/* A DELIVER template from a sender, with the given DCS and user data. */
static size_t
deliver_with(int first, int dcs, const char *ud_hex, uint8_t *pdu)
{
	char	hex[1024];
	int	n;

	/* No SMSC; +84912345678; PID 0; 2021-09-16 08:15:00 +07:00. */
	snprintf(hex, sizeof hex, "00%02X0B914819325476F800%02X12906180510082%s",
	    first, dcs, ud_hex);
	n = pdu_hex_decode(hex, strlen(hex), pdu, PDU_MAX);
	ck_assert_int_ge(n, 0);
	return (size_t)n;
}

/* TS 23.038 4: every coding group. */
START_TEST(test_dcs)
{
	static const struct {
		int	dcs;
		int	alphabet;
		int	msg_class;
		int	compressed;
	} cases[] = {
		{ 0x00, PDU_GSM7, -1, 0 }, { 0x04, PDU_8BIT, -1, 0 },
		{ 0x08, PDU_UCS2, -1, 0 },
		{ 0x0c, PDU_GSM7, -1, 0 },	/* reserved alphabet: GSM-7 */
		{ 0x10, PDU_GSM7, 0, 0 }, { 0x11, PDU_GSM7, 1, 0 },
		{ 0x16, PDU_8BIT, 2, 0 }, { 0x1b, PDU_UCS2, 3, 0 },
		{ 0x03, PDU_GSM7, -1, 0 },	/* class bits without bit 4: no class */
		{ 0x20, PDU_GSM7, -1, 1 }, { 0x38, PDU_UCS2, 0, 1 },
		{ 0x40, PDU_GSM7, -1, 0 }, { 0x48, PDU_UCS2, -1, 0 },
		{ 0x51, PDU_GSM7, 1, 0 }, { 0x64, PDU_8BIT, -1, 1 },
		{ 0x80, PDU_GSM7, -1, 0 }, { 0x9f, PDU_GSM7, -1, 0 },
		{ 0xa8, PDU_GSM7, -1, 0 }, { 0xbf, PDU_GSM7, -1, 0 },
		{ 0xc0, PDU_GSM7, -1, 0 }, { 0xc8, PDU_GSM7, -1, 0 },
		{ 0xd0, PDU_GSM7, -1, 0 }, { 0xdb, PDU_GSM7, -1, 0 },
		{ 0xe0, PDU_UCS2, -1, 0 }, { 0xe8, PDU_UCS2, -1, 0 },
		{ 0xf0, PDU_GSM7, 0, 0 }, { 0xf1, PDU_GSM7, 1, 0 },
		{ 0xf2, PDU_GSM7, 2, 0 }, { 0xf3, PDU_GSM7, 3, 0 },
		{ 0xf4, PDU_8BIT, 0, 0 }, { 0xf5, PDU_8BIT, 1, 0 },
		{ 0xf6, PDU_8BIT, 2, 0 }, { 0xf7, PDU_8BIT, 3, 0 },
	};
	struct pdu_deliver	d;
	uint8_t			pdu[PDU_MAX];
	size_t			i, len;

	for (i = 0; i < nitems(cases); i++) {
		len = deliver_with(0x00, cases[i].dcs, "00", pdu);
		ck_assert_int_eq(pdu_decode_deliver(pdu, len, &d, NULL, 0), 0);
		ck_assert_int_eq(d.dcs, cases[i].dcs);
		ck_assert_msg((int)d.alphabet == cases[i].alphabet,
		    "DCS 0x%02x: alphabet %d", cases[i].dcs, d.alphabet);
		ck_assert_msg(d.msg_class == cases[i].msg_class,
		    "DCS 0x%02x: class %d", cases[i].dcs, d.msg_class);
		ck_assert_msg(d.compressed == cases[i].compressed,
		    "DCS 0x%02x: compressed %d", cases[i].dcs, d.compressed);
		ck_assert_str_eq(d.text, "");
		ck_assert_int_eq(d.scts, 1631754900);
	}
}
END_TEST

/* User data in each alphabet, and the lengths it may claim. */
START_TEST(test_user_data)
{
	static const struct {
		const char	*name;
		int		 first;
		int		 dcs;
		const char	*ud;
		int		 ok;
		const char	*text;
		unsigned	 ref, total, seq;
		int		 ref16;
	} cases[] = {
		{ "8-bit as latin-1", 0x00, 0x04, "0348E900", 1, "Hé\xef\xbf\xbd", 0, 0, 0, 0 },
		{ "ucs2 odd length", 0x00, 0x08, "03004100", 1, "A", 0, 0, 0, 0 },
		{ "ucs2 emoji", 0x00, 0x08, "04D83DDE00", 1, "😀", 0, 0, 0, 0 },
		{ "compressed is not decoded", 0x00, 0x24, "03010203", 1, "", 0, 0, 0, 0 },
		{ "gsm7 udl too large", 0x00, 0x00, "A1", 0, NULL, 0, 0, 0, 0 },
		{ "ucs2 udl too large", 0x00, 0x08, "8D", 0, NULL, 0, 0, 0, 0 },
		/* Septet count larger than the data: 13 septets need 12 octets. */
		{ "septets beyond data", 0x00, 0x00, "0DC8F71D14969741F977FD07", 0, NULL, 0, 0, 0, 0 },
		{ "septets fit", 0x00, 0x00, "0CC8F71D14969741F977FD07", 1, "How are you?", 0, 0, 0, 0 },
		/* UDHL 9 in 5 octets of user data. */
		{ "udhl beyond ucs2 data", 0x40, 0x08, "0509000300020100", 0, NULL, 0, 0, 0, 0 },
		/*
		 * UDHL 6 (one IE 0x24 of 4 octets): 7 octets = 56 bits, more
		 * than UDL 7 septets (49 bits) though not more than its 7
		 * octets; with UDL 8 the header fills the user data exactly.
		 */
		{ "udhl beyond septets", 0x40, 0x00, "07062404AABBCCDD", 0, NULL, 0, 0, 0, 0 },
		{ "udhl fills septets", 0x40, 0x00, "08062404AABBCCDD", 1, "", 0, 0, 0, 0 },
		{ "udhi without data", 0x40, 0x08, "00", 0, NULL, 0, 0, 0, 0 },
		/* An IE that runs past the header. */
		{ "ie past udh", 0x40, 0x08, "0605000400020100", 0, NULL, 0, 0, 0, 0 },
		{ "ie header cut", 0x40, 0x08, "0706000300020124", 0, NULL, 0, 0, 0, 0 },
		/* Concatenation, 8-bit and 16-bit, in UCS-2 ("A" after the UDH). */
		{ "concat8", 0x40, 0x08, "080500037F0302" "0041", 1, "A", 0x7f, 3, 2, 0 },
		{ "concat16", 0x40, 0x08, "09060804ABCD0303" "0041", 1, "A", 0xabcd, 3, 3, 1 },
		/* An unknown IE (0x24, national language) first, then concat: skipped. */
		{ "unknown ie skipped", 0x40, 0x08, "0B0824010100030102010041", 1, "A", 1, 2, 1, 0 },
		/* Port addressing (0x05) after concat: skipped. */
		{ "port ie skipped", 0x40, 0x08, "0E0B0003010201050400000000" "0041", 1, "A", 1, 2, 1, 0 },
		/* A concatenation IE of the wrong length is no concatenation. */
		{ "concat wrong length", 0x40, 0x08, "09060004010201FF" "0041", 1, "A", 0, 0, 0, 0 },
		{ "concat total 0", 0x40, 0x08, "080500030A0001" "0041", 1, "A", 0, 0, 0, 0 },
		{ "concat seq 0", 0x40, 0x08, "080500030A0200" "0041", 1, "A", 0, 0, 0, 0 },
		{ "concat seq > total", 0x40, 0x08, "080500030A0203" "0041", 1, "A", 0, 0, 0, 0 },
		/* The last concatenation IE counts. */
		{ "concat twice", 0x40, 0x08, "0D0A000301020100030203020041", 1, "A", 2, 3, 2, 0 },
		{ "empty udh", 0x40, 0x08, "03000041", 1, "A", 0, 0, 0, 0 },
		/*
		 * GSM-7 after a 3-octet UDH (an empty IE 0x24): 24 bits, so 4
		 * fill bits and 4 septets of header, then "hi" (0x68 0x69) from
		 * bit 4 of octet 3: 0x68 << 4 = 0x680, 0x69 << 11 = 0x34800,
		 * together 0x34e80: octets 80 4E 03. UDL 4 + 2 = 6 septets.
		 */
		{ "gsm7 fill 4", 0x40, 0x00, "06022400804E03", 1, "hi", 0, 0, 0, 0 },
		{ "gsm7 fill 4 short", 0x40, 0x00, "06022400804E", 0, NULL, 0, 0, 0, 0 },
		{ "sri", 0x20, 0x00, "00", 1, "", 0, 0, 0, 0 },
	};
	struct pdu_deliver	d;
	uint8_t			pdu[PDU_MAX], *cut;
	char			err[128];
	size_t			i, len, n;
	int			r;

	for (i = 0; i < nitems(cases); i++) {
		len = deliver_with(cases[i].first, cases[i].dcs, cases[i].ud,
		    pdu);
		err[0] = '\0';
		r = pdu_decode_deliver(pdu, len, &d, err, sizeof err);
		ck_assert_msg(r == (cases[i].ok ? 0 : -1), "%s: %d (%s)",
		    cases[i].name, r, err);
		if (!cases[i].ok) {
			ck_assert_msg(err[0] != '\0', "%s: no reason",
			    cases[i].name);
			continue;
		}
		ck_assert_msg(strcmp(d.text, cases[i].text) == 0,
		    "%s: text \"%s\"", cases[i].name, d.text);
		ck_assert_msg(d.concat.ref == cases[i].ref &&
		    d.concat.total == cases[i].total &&
		    d.concat.seq == cases[i].seq &&
		    d.concat.ref16 == cases[i].ref16, "%s: concat",
		    cases[i].name);
		ck_assert_int_eq(d.status_report, cases[i].first == 0x20);
		for (n = 0; n < len; n++) {
			cut = malloc(n > 0 ? n : 1);
			memcpy(cut, pdu, n);
			ck_assert_msg(pdu_decode_deliver(cut, n, &d, NULL, 0) ==
			    -1, "%s: %zu octets accepted", cases[i].name, n);
			free(cut);
		}
	}
}
END_TEST

/* Addresses: length limits, semi-octet values, service-centre lengths. */
START_TEST(test_addresses)
{
	static const struct {
		const char	*name;
		const char	*hex;
		int		 ok;
		const char	*smsc;
		const char	*from;
		int		 ton;
	} cases[] = {
		/* 20 digits is the most; 21 is refused. */
		{ "20 digits", "0004149121436587092143658709000012906180510082" "00",
		  1, "", "+12345678901234567890", 1 },
		{ "21 digits", "000415912143658709214365870912000012906180510082" "00",
		  0, NULL, NULL, 0 },
		{ "255 digits", "0004FF91" "2143658709", 0, NULL, NULL, 0 },
		{ "empty address", "00040091000012906180510082" "00", 1, "", "", 1 },
		{ "odd digits", "0004099121436587F9000012906180510082" "00", 1, "",
		  "+123456789", 1 },
		/* The semi-octet after the count is not read, filler or not. */
		{ "unknown type", "000409812143658709000012906180510082" "00",
		  1, "", "123456789", 0 },
		{ "unknown type ok", "0004098121436587F9000012906180510082" "00",
		  1, "", "123456789", 0 },
		{ "national type", "000409A121436587F9000012906180510082" "00",
		  1, "", "123456789", 2 },
		/* Semi-octets * # a b c (TS 23.040 9.1.2.3). */
		{ "star hash", "000405A1BADCFE000012906180510082" "00", 1, "",
		  "*#abc", 2 },
		/* [gsmmodem] address fields: "abc" and "FRANCOIS" alphanumeric. */
		{ "alpha abc", "000406D061F118000012906180510082" "00", 1, "",
		  "abc", 5 },
		{ "alpha francois", "00040ED04669D0397C26A7000012906180510082" "00",
		  1, "", "FRANCOIS", 5 },
		/* [gsmmodem]: "a[]{}€", 12 septets in 20 semi-octets. */
		{ "alpha extension", "000414D0E10D6FE3DBA036A94D19000012906180510082"
		  "00", 1, "", "a[]{}€", 5 },
		/*
		 * 7 characters are 49 bits, 13 semi-octets in 7 octets: 7
		 * septets, not the 8 the octets could hold (no trailing "@").
		 */
		{ "alpha 13", "00040DD0436471B84C3A01000012906180510082" "00", 1, "",
		  "CHECKIN", 5 },
		/* SMSC of 11 octets (20 digits) is the most. */
		{ "smsc 11", "0B912143658709214365870904"
		  "0B914819325476F8000012906180510082" "00", 1,
		  "+12345678901234567890", "+84912345678", 1 },
		{ "smsc 12", "0C91214365870921436587090904"
		  "0B914819325476F8000012906180510082" "00", 0, NULL, NULL, 0 },
		{ "smsc type only", "019104" "0B914819325476F8000012906180510082"
		  "00", 1, "", "+84912345678", 1 },
		{ "smsc national", "0581214365F704" "0B914819325476F8000012906180510082"
		  "00", 1, "1234567", "+84912345678", 1 },
	};
	struct pdu_deliver	d;
	uint8_t			pdu[PDU_MAX];
	char			err[128];
	size_t			i;
	int			len, r;

	for (i = 0; i < nitems(cases); i++) {
		len = pdu_hex_decode(cases[i].hex, strlen(cases[i].hex), pdu,
		    sizeof pdu);
		ck_assert_msg(len > 0, "%s: hex", cases[i].name);
		err[0] = '\0';
		r = pdu_decode_deliver(pdu, (size_t)len, &d, err, sizeof err);
		ck_assert_msg(r == (cases[i].ok ? 0 : -1), "%s: %d (%s)",
		    cases[i].name, r, err);
		if (!cases[i].ok)
			continue;
		ck_assert_msg(strcmp(d.smsc, cases[i].smsc) == 0, "%s: smsc %s",
		    cases[i].name, d.smsc);
		ck_assert_msg(strcmp(d.from, cases[i].from) == 0, "%s: from %s",
		    cases[i].name, d.from);
		ck_assert_int_eq(d.from_ton, cases[i].ton);
	}
}
END_TEST

/* TS 23.040 9.2.3.11: time zones and stamps that are no time. */
START_TEST(test_scts)
{
	static const struct {
		const char	*scts;
		int64_t		 utc;
		int		 tzq;
	} cases[] = {
		/* [gsmmodem] TestTimestamp: 2007-04-12 23:25:42 at +08:00 and -08:00. */
		{ "70402132522423", 1176391542, 32 },
		{ "7040213252242B", 1176449142, -32 },
		/* [gsmmodem] 2015-11-27 00:00:00 at UTC and +02:00. */
		{ "51117200000000", 1448582400, 0 },
		{ "51117200000080", 1448575200, 8 },
		/* Vietnam, +07:00 = 28 quarters: "28" swapped is 0x82; and -05:45. */
		{ "12906180510082", 1631754900, 28 },
		{ "1290618051003A", 1631754900 + 7 * 3600 + 23 * 900, -23 },
		/* Leap day, year 2000 and the end of 2099. */
		{ "00209200000000", 951782400, 0 },
		{ "99211332959500", 4102444799, 0 },
		/* No time: month 13, day 0, hour 24, a hex digit, a bad zone digit. */
		{ "21317000000000", 0, 0 },
		{ "21100000000000", 0, 0 },
		{ "21906142000000", 0, 0 },
		{ "2A906180510082", 0, 0 },
		{ "129061805100A0", 0, 0 },
	};
	struct pdu_deliver	d;
	uint8_t			pdu[PDU_MAX];
	char			hex[128];
	size_t			i;
	int			len;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(hex, sizeof hex, "00040B914819325476F80000%s00",
		    cases[i].scts);
		len = pdu_hex_decode(hex, strlen(hex), pdu, sizeof pdu);
		ck_assert_int_gt(len, 0);
		ck_assert_int_eq(pdu_decode_deliver(pdu, (size_t)len, &d, NULL,
		    0), 0);
		ck_assert_msg(d.scts == cases[i].utc, "%s: %lld, want %lld",
		    cases[i].scts, (long long)d.scts, (long long)cases[i].utc);
		ck_assert_msg(d.tz_quarters == cases[i].tzq, "%s: tz %d",
		    cases[i].scts, d.tz_quarters);
	}
}
END_TEST

START_TEST(test_type)
{
	static const struct {
		const char	*hex;
		int		 type;
	} cases[] = {
		{ "", -1 },
		{ "00", -1 },
		{ "0004", PDU_DELIVER },
		{ "0044", PDU_DELIVER },
		{ "0006", PDU_STATUS_REPORT },
		{ "0001", -1 },		/* SMS-SUBMIT (a sent message read back) */
		{ "0003", -1 },		/* reserved */
		{ "07911326040000F0", -1 },
		{ "07911326040000F004", PDU_DELIVER },
		{ "0C9112131415161718191A1B1C04", -1 },	/* SMSC too long */
		{ "FF04", -1 },
	};
	uint8_t	pdu[PDU_MAX];
	size_t	i;
	int	len;

	for (i = 0; i < nitems(cases); i++) {
		len = pdu_hex_decode(cases[i].hex, strlen(cases[i].hex), pdu,
		    sizeof pdu);
		ck_assert_int_ge(len, 0);
		ck_assert_msg(pdu_type(pdu, (size_t)len) == cases[i].type,
		    "\"%s\"", cases[i].hex);
	}
	ck_assert_int_eq(pdu_type(NULL, 4), -1);
}
END_TEST

START_TEST(test_hex)
{
	uint8_t	out[8];
	char	hex[17];

	ck_assert_int_eq(pdu_hex_decode("00ff7fA0", 8, out, sizeof out), 4);
	ck_assert_mem_eq(out, "\x00\xff\x7f\xa0", 4);
	pdu_hex_encode(out, 4, hex);
	ck_assert_str_eq(hex, "00FF7FA0");
	pdu_hex_encode(out, 0, hex);
	ck_assert_str_eq(hex, "");
	ck_assert_int_eq(pdu_hex_decode("", 0, out, 0), 0);
	ck_assert_int_eq(pdu_hex_decode("0", 1, out, sizeof out), -1);
	ck_assert_int_eq(pdu_hex_decode("0g", 2, out, sizeof out), -1);
	ck_assert_int_eq(pdu_hex_decode("g0", 2, out, sizeof out), -1);
	ck_assert_int_eq(pdu_hex_decode(" 0", 2, out, sizeof out), -1);
	ck_assert_int_eq(pdu_hex_decode("0011", 4, out, 1), -1);
	ck_assert_int_eq(pdu_hex_decode("0011", 4, out, 2), 2);
	/* Only hexlen characters are read. */
	ck_assert_int_eq(pdu_hex_decode("0011zz", 4, out, 2), 2);
}
END_TEST

/* What a NULL or a short error buffer does. */
START_TEST(test_err_buffer)
{
	struct pdu_deliver	d;
	uint8_t			pdu[4] = { 0x00, 0x04, 0x0b, 0x91 };
	char			err[8];

	ck_assert_int_eq(pdu_decode_deliver(pdu, sizeof pdu, &d, NULL, 0), -1);
	memset(err, 'x', sizeof err);
	ck_assert_int_eq(pdu_decode_deliver(pdu, sizeof pdu, &d, err,
	    sizeof err), -1);
	ck_assert_uint_eq(strlen(err), sizeof err - 1);
	ck_assert_int_eq(pdu_decode_deliver(NULL, 0, &d, err, sizeof err), -1);
}
END_TEST

static Suite *
pdu_suite(void)
{
	Suite	*s = suite_create("pdu");
	TCase	*tc;

	tc = tcase_create("vectors");
	tcase_add_loop_test(tc, test_deliver_vectors, 0, nitems(delivers));
	tcase_add_test(tc, test_deliver_negative_zone_text);
	tcase_add_loop_test(tc, test_status_vectors, 0, nitems(statuses));
	tcase_add_test(tc, test_status_optional);
	tcase_add_test(tc, test_status_udh);
	tcase_add_test(tc, test_status_final);
	tcase_add_test(tc, test_pack7);
	tcase_add_test(tc, test_pack7_escapes);
	tcase_add_loop_test(tc, test_submit_vectors, 0, nitems(submits));
	tcase_add_test(tc, test_submit_multipart_vector);
	tcase_add_test(tc, test_submit_multipart_vector2);
	tcase_add_test(tc, test_submit_validity);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trips");
	tcase_add_test(tc, test_round_trip_gsm7);
	tcase_add_test(tc, test_round_trip_three_parts);
	tcase_add_test(tc, test_parts_match_gsm_split);
	tcase_add_test(tc, test_round_trip_ucs2);
	tcase_add_test(tc, test_round_trip_emoji);
	tcase_add_test(tc, test_round_trip_ref16);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_deliver_truncated, 0, nitems(delivers));
	tcase_add_test(tc, test_submit_errors);
	tcase_add_test(tc, test_dcs);
	tcase_add_test(tc, test_user_data);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_scts);
	tcase_add_test(tc, test_type);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_err_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(pdu_suite());
}
