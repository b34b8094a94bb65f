/*
 * fuzz-smpp.c: libFuzzer target for the SMPP 3.4 PDU layer (smpp-pdu.c).
 * The input is what an SMSC could write on the socket: a stream cut into
 * PDUs by command_length, each body read as the channel reads it
 * (deliver_sm, a resp's message_id, the UDH, a receipt text). Besides the
 * sanitizers it checks what smpp-pdu.h promises: strings end within their
 * fields, pointers stay within the body, and a parsed message packed again
 * parses to the same fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/smpp-pdu.h"
#include "fixture.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_within(const char *what, const uint8_t *p, size_t n, const uint8_t *body,
    size_t len)
{
	if (n > 0 && (p == NULL || p < body || p + n > body + len))
		fixture_fail(what);
}

/* A parsed message packed again must parse to the same fields. */
static void
fuzz_round_trip(const struct smpp_sm *sm)
{
	static uint8_t		out[SMPP_PDU_MAX];
	struct smpp_sm		again;
	struct smpp_header	h;
	size_t			len;

	len = smpp_pdu_sm(out, sizeof out, SMPP_DELIVER_SM, 1, sm);
	if (len == 0)
		return;		/* a payload too big to pack with the header: fine */
	if (smpp_pdu_header(out, len, &h) != 1 || h.len != len)
		fixture_fail("packed header");
	if (smpp_pdu_parse_sm(out + SMPP_HEADER_LEN, len - SMPP_HEADER_LEN, &again) != 0)
		fixture_fail("packed message does not parse");
	if (strcmp(again.src, sm->src) != 0 || strcmp(again.dst, sm->dst) != 0 ||
	    again.esm_class != sm->esm_class || again.data_coding != sm->data_coding ||
	    again.sm_len != sm->sm_len ||
	    (sm->sm_len > 0 && memcmp(again.sm, sm->sm, sm->sm_len) != 0) ||
	    again.has_sar != sm->has_sar || again.has_payload != sm->has_payload ||
	    (sm->has_payload && (again.payload_len != sm->payload_len ||
	    (sm->payload_len > 0 && memcmp(again.payload, sm->payload, sm->payload_len) != 0))) ||
	    (sm->has_sar && (again.sar_ref != sm->sar_ref || again.sar_total != sm->sar_total ||
	    again.sar_seq != sm->sar_seq)) ||
	    again.has_receipted != sm->has_receipted ||
	    (sm->has_receipted && strcmp(again.receipted_id, sm->receipted_id) != 0) ||
	    again.message_state != sm->message_state)
		fixture_fail("round trip changed a field");
}

static void
fuzz_body(const uint8_t *body, size_t len)
{
	struct smpp_sm		sm;
	struct smpp_concat	c;
	struct smpp_receipt	rc;
	const uint8_t		*data;
	size_t			n, hl;
	char			id[66];

	if (smpp_pdu_parse_id(body, len, id, sizeof id) == 0)
		fixture_check_str("message_id", id, sizeof id);
	if (smpp_pdu_parse_sm(body, len, &sm) != 0)
		return;
	fixture_check_str("service_type", sm.service_type, sizeof sm.service_type);
	fixture_check_str("source_addr", sm.src, sizeof sm.src);
	fixture_check_str("destination_addr", sm.dst, sizeof sm.dst);
	fixture_check_str("schedule", sm.schedule, sizeof sm.schedule);
	fixture_check_str("validity", sm.validity, sizeof sm.validity);
	fixture_check_str("receipted_message_id", sm.receipted_id, sizeof sm.receipted_id);
	fuzz_within("short_message", sm.sm, sm.sm_len, body, len);
	if (sm.has_payload)
		fuzz_within("message_payload", sm.payload, sm.payload_len, body, len);
	if (sm.message_state < -1 || sm.message_state > 255)
		fixture_fail("message_state");
	data = sm.has_payload && sm.payload_len > 0 ? sm.payload : sm.sm;
	n = sm.has_payload && sm.payload_len > 0 ? sm.payload_len : sm.sm_len;
	if (smpp_pdu_udh(data, n, &hl, &c) == 0) {
		if (hl > n || hl == 0)
			fixture_fail("udh length");
		if (c.seq != 0 && (c.total == 0 || c.seq > c.total))
			fixture_fail("udh part number");
	}
	if (smpp_pdu_receipt((const char *)data, n, &rc) == 0) {
		fixture_check_str("receipt id", rc.id, sizeof rc.id);
		fixture_check_str("receipt stat", rc.stat, sizeof rc.stat);
		fixture_check_str("receipt err", rc.err, sizeof rc.err);
		(void)smpp_pdu_state(rc.stat);
	}
	fuzz_round_trip(&sm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smpp_header	h;
	uint8_t			*pdu;
	int			rv;

	/* As smpp.c reads a stream: whole PDUs while their length is possible. */
	while ((rv = smpp_pdu_header(data, size, &h)) == 1) {
		if (h.len > size)
			break;
		/* An exact copy, so that reading past the PDU is caught. */
		pdu = xmalloc(h.len);
		memcpy(pdu, data, h.len);
		fuzz_body(pdu + SMPP_HEADER_LEN, h.len - SMPP_HEADER_LEN);
		free(pdu);
		data += h.len;
		size -= h.len;
	}
	return 0;
}
