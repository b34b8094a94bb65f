/*
 * smpp-pdu.h: SMPP 3.4 PDUs as bytes (pure, no sockets): the header, the
 * bodies an ESME sends (bind_*, submit_sm, the responses) and the ones it
 * reads (deliver_sm, submit_sm_resp, bind_*_resp), concatenation headers
 * and the text of delivery receipts. Every length read is checked against
 * the bytes there are; nothing is allocated.
 */
#ifndef SMPP_PDU_H
#define SMPP_PDU_H

#include <stddef.h>
#include <stdint.h>

#define SMPP_HEADER_LEN		16
#define SMPP_PDU_MAX		65536	/* command_length above this closes the connection */

/* command_id (SMPP 3.4 5.1.2.1) */
#define SMPP_GENERIC_NACK		0x80000000U
#define SMPP_BIND_RECEIVER		0x00000001U
#define SMPP_BIND_RECEIVER_RESP		0x80000001U
#define SMPP_BIND_TRANSMITTER		0x00000002U
#define SMPP_BIND_TRANSMITTER_RESP	0x80000002U
#define SMPP_SUBMIT_SM			0x00000004U
#define SMPP_SUBMIT_SM_RESP		0x80000004U
#define SMPP_DELIVER_SM			0x00000005U
#define SMPP_DELIVER_SM_RESP		0x80000005U
#define SMPP_UNBIND			0x00000006U
#define SMPP_UNBIND_RESP		0x80000006U
#define SMPP_BIND_TRANSCEIVER		0x00000009U
#define SMPP_BIND_TRANSCEIVER_RESP	0x80000009U
#define SMPP_ENQUIRE_LINK		0x00000015U
#define SMPP_ENQUIRE_LINK_RESP		0x80000015U
#define SMPP_RESP			0x80000000U	/* the bit of every response */

/* command_status (SMPP 3.4 5.1.3) */
#define SMPP_ROK		0x00
#define SMPP_RINVMSGLEN		0x01
#define SMPP_RINVCMDLEN		0x02
#define SMPP_RINVCMDID		0x03
#define SMPP_RINVBNDSTS		0x04
#define SMPP_RSYSERR		0x08
#define SMPP_RMSGQFUL		0x14
#define SMPP_RTHROTTLED		0x58
#define SMPP_RX_T_APPN		0x64
#define SMPP_RX_P_APPN		0x65
#define SMPP_RINVOPTPARSTREAM	0xc0

/* esm_class bits (SMPP 3.4 5.2.12) */
#define SMPP_ESM_RECEIPT	0x04
#define SMPP_ESM_TYPE_MASK	0x3c
#define SMPP_ESM_INTERMEDIATE	0x20
#define SMPP_ESM_UDHI		0x40

/* Optional parameters (SMPP 3.4 5.3.2) */
#define SMPP_TLV_RECEIPTED_ID	0x001e
#define SMPP_TLV_SAR_REF	0x020c
#define SMPP_TLV_SAR_TOTAL	0x020e
#define SMPP_TLV_SAR_SEQ	0x020f
#define SMPP_TLV_PAYLOAD	0x0424
#define SMPP_TLV_MESSAGE_STATE	0x0427

struct smpp_header {
	uint32_t	len;
	uint32_t	id;
	uint32_t	status;
	uint32_t	seq;
};

/*
 * The header at the start of buf: 0 if fewer than 16 bytes are there yet,
 * 1 if h is filled in, -1 if command_length is impossible (below 16 or
 * above SMPP_PDU_MAX): the stream cannot be resynchronised.
 */
int	smpp_pdu_header(const uint8_t *buf, size_t len, struct smpp_header *h);

/* A short message (deliver_sm, submit_sm: SMPP 3.4 4.4.1, 4.6.1) and the TLVs we use. */
struct smpp_sm {
	char		 service_type[6];
	uint8_t		 src_ton, src_npi;
	char		 src[21];
	uint8_t		 dst_ton, dst_npi;
	char		 dst[21];
	uint8_t		 esm_class;
	uint8_t		 protocol_id;
	uint8_t		 priority;
	char		 schedule[17];
	char		 validity[17];
	uint8_t		 registered_delivery;
	uint8_t		 replace;
	uint8_t		 data_coding;
	uint8_t		 default_msg_id;
	const uint8_t	*sm;		/* short_message, into the PDU */
	size_t		 sm_len;
	/* Optional parameters: the has_* flags say which came. */
	int		 has_payload;
	const uint8_t	*payload;	/* message_payload, into the PDU */
	size_t		 payload_len;
	int		 has_sar;	/* all three sar_* came */
	uint16_t	 sar_ref;
	uint8_t		 sar_total;
	uint8_t		 sar_seq;
	int		 has_receipted;
	char		 receipted_id[65];
	int		 message_state;	/* -1 if absent */
};

/*
 * Parse a deliver_sm or submit_sm body (the bytes after the header): 0,
 * or the command_status to answer with (SMPP_RINVCMDLEN for a truncated
 * field or a string without its NUL, SMPP_RINVOPTPARSTREAM for a broken
 * TLV). Unknown TLVs are skipped.
 */
int	smpp_pdu_parse_sm(const uint8_t *body, size_t len, struct smpp_sm *);

/*
 * The message_id of a submit_sm_resp (or deliver_sm_resp) body into id:
 * 0, or -1 if the body is not a NUL-terminated string that fits. An empty
 * body (allowed with an error status) gives "".
 */
int	smpp_pdu_parse_id(const uint8_t *body, size_t len, char *id, size_t idlen);

/*
 * Writers: each puts one whole PDU into out and returns its length, or 0
 * if it does not fit outlen or a string is too long for its field.
 */
size_t	smpp_pdu_header_only(uint8_t *out, size_t outlen, uint32_t id, uint32_t status,
	    uint32_t seq);
/* bind_transmitter, bind_receiver or bind_transceiver (SMPP 3.4 4.1). */
size_t	smpp_pdu_bind(uint8_t *out, size_t outlen, uint32_t id, uint32_t seq,
	    const char *system_id, const char *password, const char *system_type,
	    const char *address_range);
/* A response carrying a message_id (submit_sm_resp; deliver_sm_resp with ""). */
size_t	smpp_pdu_resp_id(uint8_t *out, size_t outlen, uint32_t id, uint32_t status,
	    uint32_t seq, const char *message_id);
/*
 * submit_sm or deliver_sm from sm: its fixed fields, short_message, and
 * the TLVs whose has_* flag is set (sar_*, message_payload,
 * receipted_message_id, message_state).
 */
size_t	smpp_pdu_sm(uint8_t *out, size_t outlen, uint32_t id, uint32_t seq,
	    const struct smpp_sm *);

/* Concatenation found in a user data header (3GPP TS 23.040 9.2.3.24.1, .8). */
struct smpp_concat {
	unsigned	ref;
	unsigned	total;
	unsigned	seq;		/* 0 if no concatenation IE came */
};

/*
 * The user data header at the start of ud (UDHI set): the octets it takes
 * (UDHL + 1) into *hdrlen and the concatenation IE (0x00 or 0x08) if any;
 * unknown IEs are skipped. -1 if the header runs past ud.
 */
int	smpp_pdu_udh(const uint8_t *ud, size_t len, size_t *hdrlen, struct smpp_concat *);

/*
 * A delivery receipt's text (SMPP 3.4 Appendix B): "id:IIII sub:SSS
 * dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD
 * err:E text:...". Fields may come in any order; missing ones stay empty.
 * 0 if at least id or stat was found, -1 otherwise.
 */
struct smpp_receipt {
	char	id[65];
	char	stat[16];
	char	err[8];
};
int	smpp_pdu_receipt(const char *text, size_t len, struct smpp_receipt *);

/*
 * What a receipt state means: 1 delivered, 0 failed for good, -1 not
 * final; the word from stat: (DELIVRD, UNDELIV, ...) or a message_state
 * value (SMPP 3.4 5.2.28) turned into that word by smpp_pdu_state_name.
 */
int	 smpp_pdu_state(const char *stat);
const char *smpp_pdu_state_name(int message_state);	/* NULL if unknown */

/* The name of a command_id for logs ("submit_sm"), or NULL. */
const char *smpp_pdu_cmd_name(uint32_t id);

#endif
