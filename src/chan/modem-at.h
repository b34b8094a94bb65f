/*
 * modem-at.h: the lines a GSM modem sends in AT command mode (3GPP TS
 * 27.007, 27.005), classified one at a time, and what their numbers mean.
 * Pure: no I/O, no allocation; modem.c keeps the state (which command is
 * running, whether a PDU line is due).
 */
#ifndef MODEM_AT_H
#define MODEM_AT_H

#include <stddef.h>

#include "send/send.h"

#define MODEM_AT_LINE_MAX	1024	/* bytes of one line we look at; longer is garbage */
#define MODEM_AT_MEM_MAX	8	/* a storage name: "SM", "ME", "SR", "MT" */
#define MODEM_AT_WORD_MAX	32	/* +CPIN: value ("READY", "SIM PIN") */

enum modem_at_kind {
	MODEM_AT_EMPTY = 0,	/* blank (the CR LF around every answer) */
	MODEM_AT_OTHER,		/* none of these: ignored, or garbage */
	MODEM_AT_ECHO,		/* "AT...": our own command echoed (before ATE0) */
	/* final result codes: end the running command */
	MODEM_AT_OK,
	MODEM_AT_ERROR,
	MODEM_AT_CME_ERROR,	/* +CME ERROR: <n> (27.007 9.2) */
	MODEM_AT_CMS_ERROR,	/* +CMS ERROR: <n> (27.005 3.2.5) */
	/* unsolicited result codes (27.005 3.4.1, 27.007) */
	MODEM_AT_CMTI,		/* +CMTI: <mem>,<index>: a message stored */
	MODEM_AT_CMT,		/* +CMT: [<alpha>],<length> then the PDU: delivered, not stored */
	MODEM_AT_CDS,		/* +CDS: <length> then the PDU: a status report */
	MODEM_AT_CDSI,		/* +CDSI: <mem>,<index>: a status report stored */
	MODEM_AT_RING,		/* RING, +CRING, NO CARRIER...: calls, ignored */
	/* information responses of the running command */
	MODEM_AT_CMGR,		/* +CMGR: <stat>,[<alpha>],<length> then the PDU */
	MODEM_AT_CMGL,		/* +CMGL: <index>,<stat>,[<alpha>],<length> then the PDU */
	MODEM_AT_CMGS,		/* +CMGS: <mr>[,<scts>] */
	MODEM_AT_CSQ,		/* +CSQ: <rssi>,<ber> */
	MODEM_AT_CPIN,		/* +CPIN: <code> */
	MODEM_AT_CPMS,		/* +CPMS: <used>,<total>,... */
};

/* One line, classified. Fields not used by its kind are 0 / "". */
struct modem_at_line {
	enum modem_at_kind	kind;
	int			final;		/* ends the running command */
	int			urc;		/* unsolicited: may come at any time */
	int			pdu_follows;	/* the next line is the PDU in hex */
	int			index;		/* CMTI, CDSI, CMGL */
	char			mem[MODEM_AT_MEM_MAX];	/* CMTI, CDSI */
	int			stat;		/* CMGR, CMGL: 0 unread .. 4 all */
	int			length;		/* CMT, CDS, CMGR, CMGL: TPDU octets */
	int			error;		/* CME/CMS ERROR: the number, -1 if text */
	int			mr;		/* CMGS: TP-MR */
	int			rssi;		/* CSQ */
	int			ber;
	int			used;		/* CPMS: messages in the first storage */
	int			total;
	char			word[MODEM_AT_WORD_MAX];	/* CPIN */
};

/*
 * Classify a line without its CR LF (leading and trailing blanks are
 * ignored). A line that starts like a known answer but whose fields do not
 * parse is MODEM_AT_OTHER: a garbled line never passes for a good one.
 * Returns the kind.
 */
enum modem_at_kind modem_at_parse(const char *line, size_t len, struct modem_at_line *);

/*
 * 1 if the line is a PDU as modems write them: hex digits, an even count,
 * at most 2 * maxoctets of them.
 */
int	modem_at_is_pdu(const char *line, size_t len, size_t maxoctets);

/*
 * What a +CMS ERROR on AT+CMGS means for the message: SEND_RETRY for the
 * modem's or the network's trouble, SEND_FAIL for the message's own fault.
 * *why gets a short name of the error.
 */
enum send_verdict modem_at_cms_verdict(int error, const char **why);

/* AT+CSQ's rssi (0-31) in dBm (TS 27.007 8.5); NaN for 99 or out of range. */
double	modem_at_csq_dbm(int rssi);

/* The speed_t constant of a baud rate, or 0 if the terminal cannot do it. */
unsigned int	modem_at_speed(int baud);

#endif
