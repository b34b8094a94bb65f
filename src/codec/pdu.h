/*
 * pdu.h: SMS PDUs as GSM modems exchange them in PDU mode (AT+CMGF=0).
 * The TPDU layouts follow 3GPP TS 23.040 (9.2.2: SMS-DELIVER, SMS-SUBMIT,
 * SMS-STATUS-REPORT; 9.2.3.24: the user data header), the alphabets and the
 * data coding scheme TS 23.038 (4, 6.2), and the service-centre address
 * that a modem puts in front of every TPDU TS 27.005 (3.1, <pdu>). Pure: no
 * I/O, no allocation.
 */
#ifndef PDU_H
#define PDU_H

#include <stddef.h>
#include <stdint.h>

#define PDU_MAX		176	/* octets: SMSC address (12) + TPDU (164) */
#define PDU_ADDR_MAX	24	/* an address as text: "+" and 20 digits, or 11 alphanumerics in UTF-8 */
#define PDU_TEXT_MAX	(140 * 3 + 1)	/* UTF-8 of one PDU's user data */

enum pdu_type {
	PDU_DELIVER = 0,	/* TP-MTI 00, from the network */
	PDU_STATUS_REPORT = 2,	/* TP-MTI 10 */
};

enum pdu_alphabet {
	PDU_GSM7 = 0,
	PDU_8BIT = 1,
	PDU_UCS2 = 2,
};

/* Concatenation (TS 23.040 9.2.3.24.1 and .8): total 0 when not a part. */
struct pdu_concat {
	unsigned	ref;		/* 0-255, or 0-65535 with ref16 */
	unsigned	total;
	unsigned	seq;		/* 1-based */
	int		ref16;
};

struct pdu_deliver {
	char			smsc[PDU_ADDR_MAX];	/* "+84..." or "" */
	char			from[PDU_ADDR_MAX];	/* "+84..." if international, digits if
							   national or unknown, the decoded name if
							   alphanumeric */
	int			from_ton;	/* type of number: 1 international, 2 national,
						   5 alphanumeric, 0 unknown */
	int			pid;
	int			dcs;
	enum pdu_alphabet	alphabet;
	int			msg_class;	/* -1 none, else 0-3 */
	int			compressed;	/* DCS says compressed: text is not decoded */
	int64_t			scts;		/* UTC seconds, the time zone applied; 0 if
						   the stamp is no valid date */
	int			tz_quarters;	/* the SCTS zone in signed quarter hours */
	int			status_report;	/* TP-SRI */
	struct pdu_concat	concat;
	char			text[PDU_TEXT_MAX];	/* UTF-8 of the user data after any
							   UDH; 8-bit data as Latin-1 */
	size_t			textlen;
};

struct pdu_status {
	char		smsc[PDU_ADDR_MAX];
	int		mr;		/* TP-MR of the SUBMIT it reports on */
	char		recipient[PDU_ADDR_MAX];
	int64_t		scts;		/* UTC seconds, 0 if no valid date */
	int64_t		discharge;	/* TP-DT, UTC seconds, 0 if no valid date */
	int		status;		/* TP-ST: 0x00-0x1f done (0 delivered), 0x20-0x3f
					   still trying, 0x40-0x7f failed */
};

/* What TP-ST means for the outbox: 1 delivered, 0 failed, -1 not final. Reserved values (0x80 and up): -1. */
int	pdu_status_final(int st);

/*
 * Hex text as AT+CMGR, AT+CMGL and +CMT give it, to octets. Returns the
 * length, or -1 for odd length, a non-hex digit, or more than outlen.
 */
int	pdu_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t outlen);
/* Octets to upper-case hex, NUL-terminated; out needs 2 * len + 1. */
void	pdu_hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * The type of a PDU that starts with the SMSC address (as modems give
 * them): PDU_DELIVER, PDU_STATUS_REPORT, or -1 if it is too short or of
 * another type.
 */
int	pdu_type(const uint8_t *pdu, size_t len);

/*
 * Decode an SMS-DELIVER / SMS-STATUS-REPORT that starts with the SMSC
 * address. Every length is checked against len: 0 on success, -1 with a
 * one-line reason in err. Unknown information elements in the UDH are
 * skipped; a concatenation IE with total 0 or seq outside 1..total is
 * ignored (the message is treated as whole).
 */
int	pdu_decode_deliver(const uint8_t *pdu, size_t len, struct pdu_deliver *,
	    char *err, size_t errlen);
int	pdu_decode_status(const uint8_t *pdu, size_t len, struct pdu_status *,
	    char *err, size_t errlen);

struct pdu_submit_opts {
	int		validity;	/* relative validity in minutes (TP-VP, rounded
					   up to what the format can say); 0 none */
	int		status_report;	/* TP-SRR: ask for a status report */
	unsigned	ref;		/* the concatenation reference for a long text */
	int		ref16;		/* use the 16-bit reference IE */
};

/* One SMS-SUBMIT, ready for AT+CMGS. */
struct pdu_out {
	uint8_t		bytes[PDU_MAX];	/* "00" (the modem's own SMSC) then the TPDU */
	size_t		len;
	size_t		tpdu_len;	/* len - 1: the number AT+CMGS=<n> wants */
};

/*
 * Encode text to `to` ("+84..." international, else national digits) as
 * one SMS-SUBMIT or, when it does not fit one, as concatenated parts with
 * opts->ref: GSM-7 when the default alphabet and its extension carry every
 * character, UCS-2 otherwise (gsm_split). TP-MR is left 0 (the modem sets
 * it). Returns the number of PDUs written to out, or -1 with err (invalid
 * UTF-8, a bad address, more than max parts).
 */
int	pdu_encode_submit(const char *to, const char *text, size_t len,
	    const struct pdu_submit_opts *, struct pdu_out *out, size_t max,
	    char *err, size_t errlen);

/*
 * GSM-7 packing (TS 23.038 6.1.2.1.1): n septets into octets after `fill`
 * fill bits (0-6, the UDH padding); returns the octets written. Unpack
 * reads n septets after fill bits; -1 if in is too short.
 */
size_t	pdu_pack7(const uint8_t *septets, size_t n, int fill, uint8_t *out);
int	pdu_unpack7(const uint8_t *in, size_t inlen, size_t n, int fill, uint8_t *septets);

#endif
