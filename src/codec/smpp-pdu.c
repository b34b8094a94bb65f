/*
 * smpp-pdu.c: SMPP 3.4 PDU encoding and decoding on byte buffers.
 *
 * Written here rather than taken from libsmpp34: that library leaks the
 * TLV it was filling when a body is malformed (found by fuzzing), cannot
 * hold a message_payload over 1024 octets (SMPP allows 64 KiB), and keeps
 * its error state in globals. This decoder reads through a cursor that
 * checks every length against the bytes left and allocates nothing.
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "codec/smpp-pdu.h"

/* A read cursor over a body; err sticks once set. */
struct smpp_rd {
	const uint8_t	*p;
	size_t		 left;
	int		 err;
};

/* A write cursor over an output buffer; err sticks once set. */
struct smpp_wr {
	uint8_t		*p;
	size_t		 len;
	size_t		 cap;
	int		 err;
};

static uint32_t
smpp_pdu_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}

int
smpp_pdu_header(const uint8_t *buf, size_t len, struct smpp_header *h)
{
	if (len < SMPP_HEADER_LEN)
		return (0);
	h->len = smpp_pdu_get32(buf);
	h->id = smpp_pdu_get32(buf + 4);
	h->status = smpp_pdu_get32(buf + 8);
	h->seq = smpp_pdu_get32(buf + 12);
	if (h->len < SMPP_HEADER_LEN || h->len > SMPP_PDU_MAX)
		return (-1);
	return (1);
}

static uint8_t
smpp_rd_u8(struct smpp_rd *r)
{
	uint8_t	v;

	if (r->err || r->left < 1) {
		r->err = 1;
		return (0);
	}
	v = r->p[0];
	r->p++;
	r->left--;
	return (v);
}

static uint16_t
smpp_rd_u16(struct smpp_rd *r)
{
	uint16_t	v;

	if (r->err || r->left < 2) {
		r->err = 1;
		return (0);
	}
	v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return (v);
}

/* A C-Octet String of at most max octets with its NUL (SMPP 3.4 3.1). */
static void
smpp_rd_cstr(struct smpp_rd *r, char *out, size_t max)
{
	const uint8_t	*nul;
	size_t		 n;

	out[0] = '\0';
	if (r->err)
		return;
	nul = memchr(r->p, '\0', r->left < max ? r->left : max);
	if (nul == NULL) {
		r->err = 1;
		return;
	}
	n = (size_t)(nul - r->p);
	memcpy(out, r->p, n);
	out[n] = '\0';
	r->p += n + 1;
	r->left -= n + 1;
}

static const uint8_t *
smpp_rd_bytes(struct smpp_rd *r, size_t n)
{
	const uint8_t	*p;

	if (r->err || r->left < n) {
		r->err = 1;
		return (NULL);
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return (p);
}

/* One optional parameter into sm; unknown tags are skipped. 0, or -1 if malformed. */
static int
smpp_pdu_tlv(struct smpp_sm *sm, uint16_t tag, const uint8_t *v, size_t len)
{
	size_t	n;

	switch (tag) {
	case SMPP_TLV_PAYLOAD:
		sm->has_payload = 1;
		sm->payload = v;
		sm->payload_len = len;
		break;
	case SMPP_TLV_SAR_REF:
		if (len != 2)
			return (-1);
		sm->sar_ref = (uint16_t)(v[0] << 8 | v[1]);
		sm->has_sar |= 1;
		break;
	case SMPP_TLV_SAR_TOTAL:
		if (len != 1)
			return (-1);
		sm->sar_total = v[0];
		sm->has_sar |= 2;
		break;
	case SMPP_TLV_SAR_SEQ:
		if (len != 1)
			return (-1);
		sm->sar_seq = v[0];
		sm->has_sar |= 4;
		break;
	case SMPP_TLV_RECEIPTED_ID:
		/* A C-Octet String up to 65 octets; some SMSCs leave out the NUL. */
		if (len == 0 || len > sizeof sm->receipted_id)
			return (-1);
		n = strnlen((const char *)v, len);
		if (n >= sizeof sm->receipted_id)
			return (-1);
		memcpy(sm->receipted_id, v, n);
		sm->receipted_id[n] = '\0';
		sm->has_receipted = 1;
		break;
	case SMPP_TLV_MESSAGE_STATE:
		if (len != 1)
			return (-1);
		sm->message_state = v[0];
		break;
	}
	return (0);
}

int
smpp_pdu_parse_sm(const uint8_t *body, size_t len, struct smpp_sm *sm)
{
	struct smpp_rd	 r = { body, len, 0 };
	const uint8_t	*v;
	uint16_t	 tag, tlen;

	memset(sm, 0, sizeof *sm);
	sm->message_state = -1;
	smpp_rd_cstr(&r, sm->service_type, sizeof sm->service_type);
	sm->src_ton = smpp_rd_u8(&r);
	sm->src_npi = smpp_rd_u8(&r);
	smpp_rd_cstr(&r, sm->src, sizeof sm->src);
	sm->dst_ton = smpp_rd_u8(&r);
	sm->dst_npi = smpp_rd_u8(&r);
	smpp_rd_cstr(&r, sm->dst, sizeof sm->dst);
	sm->esm_class = smpp_rd_u8(&r);
	sm->protocol_id = smpp_rd_u8(&r);
	sm->priority = smpp_rd_u8(&r);
	smpp_rd_cstr(&r, sm->schedule, sizeof sm->schedule);
	smpp_rd_cstr(&r, sm->validity, sizeof sm->validity);
	sm->registered_delivery = smpp_rd_u8(&r);
	sm->replace = smpp_rd_u8(&r);
	sm->data_coding = smpp_rd_u8(&r);
	sm->default_msg_id = smpp_rd_u8(&r);
	sm->sm_len = smpp_rd_u8(&r);
	sm->sm = smpp_rd_bytes(&r, sm->sm_len);
	if (r.err)
		return (SMPP_RINVCMDLEN);
	while (r.left > 0) {
		tag = smpp_rd_u16(&r);
		tlen = smpp_rd_u16(&r);
		v = smpp_rd_bytes(&r, tlen);
		if (r.err || smpp_pdu_tlv(sm, tag, v, tlen) == -1)
			return (SMPP_RINVOPTPARSTREAM);
	}
	/* Only the three sar_* together mean anything. */
	sm->has_sar = (sm->has_sar == 7);
	return (0);
}

int
smpp_pdu_parse_id(const uint8_t *body, size_t len, char *id, size_t idlen)
{
	struct smpp_rd	r = { body, len, 0 };

	if (idlen == 0)
		return (-1);
	id[0] = '\0';
	if (len == 0)
		return (0);
	smpp_rd_cstr(&r, id, idlen);
	return (r.err ? -1 : 0);
}

static void
smpp_wr_u8(struct smpp_wr *w, uint8_t v)
{
	if (w->err || w->cap - w->len < 1) {
		w->err = 1;
		return;
	}
	w->p[w->len++] = v;
}

static void
smpp_wr_u16(struct smpp_wr *w, uint16_t v)
{
	smpp_wr_u8(w, (uint8_t)(v >> 8));
	smpp_wr_u8(w, (uint8_t)v);
}

static void
smpp_wr_u32(struct smpp_wr *w, uint32_t v)
{
	smpp_wr_u16(w, (uint16_t)(v >> 16));
	smpp_wr_u16(w, (uint16_t)v);
}

static void
smpp_wr_bytes(struct smpp_wr *w, const void *p, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return;
	}
	if (n > 0)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

/* A C-Octet String for a field of max octets with the NUL. */
static void
smpp_wr_cstr(struct smpp_wr *w, const char *s, size_t max)
{
	size_t	n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (n + 1 > max) {
		w->err = 1;
		return;
	}
	smpp_wr_bytes(w, s, n + 1);
}

static void
smpp_wr_header(struct smpp_wr *w, uint32_t id, uint32_t status, uint32_t seq)
{
	smpp_wr_u32(w, 0);	/* the length, filled in by smpp_wr_end */
	smpp_wr_u32(w, id);
	smpp_wr_u32(w, status);
	smpp_wr_u32(w, seq);
}

static size_t
smpp_wr_end(struct smpp_wr *w)
{
	if (w->err || w->len > SMPP_PDU_MAX)
		return (0);
	w->p[0] = (uint8_t)(w->len >> 24);
	w->p[1] = (uint8_t)(w->len >> 16);
	w->p[2] = (uint8_t)(w->len >> 8);
	w->p[3] = (uint8_t)w->len;
	return (w->len);
}

size_t
smpp_pdu_header_only(uint8_t *out, size_t outlen, uint32_t id, uint32_t status,
    uint32_t seq)
{
	struct smpp_wr	w = { out, 0, outlen, 0 };

	smpp_wr_header(&w, id, status, seq);
	return (smpp_wr_end(&w));
}

size_t
smpp_pdu_bind(uint8_t *out, size_t outlen, uint32_t id, uint32_t seq,
    const char *system_id, const char *password, const char *system_type,
    const char *address_range)
{
	struct smpp_wr	w = { out, 0, outlen, 0 };

	smpp_wr_header(&w, id, 0, seq);
	smpp_wr_cstr(&w, system_id, 16);
	smpp_wr_cstr(&w, password, 9);
	smpp_wr_cstr(&w, system_type, 13);
	smpp_wr_u8(&w, 0x34);		/* interface_version */
	smpp_wr_u8(&w, 0);		/* addr_ton */
	smpp_wr_u8(&w, 0);		/* addr_npi */
	smpp_wr_cstr(&w, address_range, 41);
	return (smpp_wr_end(&w));
}

size_t
smpp_pdu_resp_id(uint8_t *out, size_t outlen, uint32_t id, uint32_t status,
    uint32_t seq, const char *message_id)
{
	struct smpp_wr	w = { out, 0, outlen, 0 };

	smpp_wr_header(&w, id, status, seq);
	smpp_wr_cstr(&w, message_id, 65);
	return (smpp_wr_end(&w));
}

static void
smpp_wr_tlv(struct smpp_wr *w, uint16_t tag, const void *v, size_t len)
{
	if (len > 0xffff) {
		w->err = 1;
		return;
	}
	smpp_wr_u16(w, tag);
	smpp_wr_u16(w, (uint16_t)len);
	smpp_wr_bytes(w, v, len);
}

size_t
smpp_pdu_sm(uint8_t *out, size_t outlen, uint32_t id, uint32_t seq,
    const struct smpp_sm *sm)
{
	struct smpp_wr	w = { out, 0, outlen, 0 };
	uint8_t		v[2];

	if (sm->sm_len > 254)
		return (0);
	smpp_wr_header(&w, id, 0, seq);
	smpp_wr_cstr(&w, sm->service_type, sizeof sm->service_type);
	smpp_wr_u8(&w, sm->src_ton);
	smpp_wr_u8(&w, sm->src_npi);
	smpp_wr_cstr(&w, sm->src, sizeof sm->src);
	smpp_wr_u8(&w, sm->dst_ton);
	smpp_wr_u8(&w, sm->dst_npi);
	smpp_wr_cstr(&w, sm->dst, sizeof sm->dst);
	smpp_wr_u8(&w, sm->esm_class);
	smpp_wr_u8(&w, sm->protocol_id);
	smpp_wr_u8(&w, sm->priority);
	smpp_wr_cstr(&w, sm->schedule, sizeof sm->schedule);
	smpp_wr_cstr(&w, sm->validity, sizeof sm->validity);
	smpp_wr_u8(&w, sm->registered_delivery);
	smpp_wr_u8(&w, sm->replace);
	smpp_wr_u8(&w, sm->data_coding);
	smpp_wr_u8(&w, sm->default_msg_id);
	smpp_wr_u8(&w, (uint8_t)sm->sm_len);
	smpp_wr_bytes(&w, sm->sm, sm->sm_len);
	if (sm->has_sar) {
		v[0] = (uint8_t)(sm->sar_ref >> 8);
		v[1] = (uint8_t)sm->sar_ref;
		smpp_wr_tlv(&w, SMPP_TLV_SAR_REF, v, 2);
		smpp_wr_tlv(&w, SMPP_TLV_SAR_TOTAL, &sm->sar_total, 1);
		smpp_wr_tlv(&w, SMPP_TLV_SAR_SEQ, &sm->sar_seq, 1);
	}
	if (sm->has_payload)
		smpp_wr_tlv(&w, SMPP_TLV_PAYLOAD, sm->payload, sm->payload_len);
	if (sm->has_receipted)
		smpp_wr_tlv(&w, SMPP_TLV_RECEIPTED_ID, sm->receipted_id,
		    strlen(sm->receipted_id) + 1);
	if (sm->message_state >= 0 && sm->message_state <= 0xff) {
		v[0] = (uint8_t)sm->message_state;
		smpp_wr_tlv(&w, SMPP_TLV_MESSAGE_STATE, v, 1);
	}
	return (smpp_wr_end(&w));
}

int
smpp_pdu_udh(const uint8_t *ud, size_t len, size_t *hdrlen, struct smpp_concat *c)
{
	size_t		i, udhl;
	uint8_t		iei, iel;
	const uint8_t	*v;

	memset(c, 0, sizeof *c);
	if (len < 1)
		return (-1);
	udhl = ud[0];
	if (udhl + 1 > len)
		return (-1);
	*hdrlen = udhl + 1;
	for (i = 1; i + 2 <= udhl + 1; i += 2 + iel) {
		iei = ud[i];
		iel = ud[i + 1];
		if (i + 2 + iel > udhl + 1)
			return (-1);
		v = ud + i + 2;
		if (iei == 0x00 && iel == 3) {
			c->ref = v[0];
			c->total = v[1];
			c->seq = v[2];
		} else if (iei == 0x08 && iel == 4) {
			c->ref = (unsigned)(v[0] << 8 | v[1]);
			c->total = v[2];
			c->seq = v[3];
		}
	}
	/* A part numbered 0 or past the total is not a part (TS 23.040 9.2.3.24.1). */
	if (c->seq == 0 || c->total == 0 || c->seq > c->total)
		memset(c, 0, sizeof *c);
	return (0);
}

/* One receipt field: its name and where its value goes. */
struct smpp_receipt_field {
	const char	*name;
	size_t		 off;
	size_t		 size;
};

static const struct smpp_receipt_field smpp_receipt_fields[] = {
	{ "id:", offsetof(struct smpp_receipt, id), sizeof ((struct smpp_receipt *)0)->id },
	{ "stat:", offsetof(struct smpp_receipt, stat), sizeof ((struct smpp_receipt *)0)->stat },
	{ "err:", offsetof(struct smpp_receipt, err), sizeof ((struct smpp_receipt *)0)->err },
};

int
smpp_pdu_receipt(const char *text, size_t len, struct smpp_receipt *rc)
{
	const struct smpp_receipt_field	*f;
	size_t				 i, j, n, k;
	char				*out;

	memset(rc, 0, sizeof *rc);
	for (i = 0; i < len; i++) {
		/* Fields start a word. */
		if (i > 0 && text[i - 1] != ' ')
			continue;
		for (j = 0; j < nitems(smpp_receipt_fields); j++) {
			f = &smpp_receipt_fields[j];
			n = strlen(f->name);
			if (len - i < n || strncasecmp(text + i, f->name, n) != 0)
				continue;
			out = (char *)rc + f->off;
			if (out[0] != '\0')
				break;		/* the first one counts */
			for (k = 0; i + n + k < len && k + 1 < f->size; k++) {
				if (text[i + n + k] == ' ' || text[i + n + k] == '\0')
					break;
				out[k] = text[i + n + k];
			}
			out[k] = '\0';
			break;
		}
	}
	return (rc->id[0] != '\0' || rc->stat[0] != '\0' ? 0 : -1);
}

/* Receipt states (SMPP 3.4 Appendix B and 5.2.28): the word, message_state, meaning. */
static const struct {
	const char	*stat;
	int		 message_state;
	int		 delivered;
} smpp_states[] = {
	{ "ENROUTE", 1, -1 },
	{ "DELIVRD", 2, 1 },
	{ "EXPIRED", 3, 0 },
	{ "DELETED", 4, 0 },
	{ "UNDELIV", 5, 0 },
	{ "ACCEPTD", 6, -1 },
	{ "UNKNOWN", 7, -1 },
	{ "REJECTD", 8, 0 },
};

int
smpp_pdu_state(const char *stat)
{
	size_t	i;

	for (i = 0; i < nitems(smpp_states); i++) {
		if (strcasecmp(stat, smpp_states[i].stat) == 0)
			return (smpp_states[i].delivered);
	}
	return (-1);
}

const char *
smpp_pdu_state_name(int message_state)
{
	size_t	i;

	for (i = 0; i < nitems(smpp_states); i++) {
		if (smpp_states[i].message_state == message_state)
			return (smpp_states[i].stat);
	}
	return (NULL);
}

static const struct {
	uint32_t	 id;
	const char	*name;
} smpp_cmds[] = {
	{ SMPP_GENERIC_NACK, "generic_nack" },
	{ SMPP_BIND_RECEIVER, "bind_receiver" },
	{ SMPP_BIND_RECEIVER_RESP, "bind_receiver_resp" },
	{ SMPP_BIND_TRANSMITTER, "bind_transmitter" },
	{ SMPP_BIND_TRANSMITTER_RESP, "bind_transmitter_resp" },
	{ SMPP_SUBMIT_SM, "submit_sm" },
	{ SMPP_SUBMIT_SM_RESP, "submit_sm_resp" },
	{ SMPP_DELIVER_SM, "deliver_sm" },
	{ SMPP_DELIVER_SM_RESP, "deliver_sm_resp" },
	{ SMPP_UNBIND, "unbind" },
	{ SMPP_UNBIND_RESP, "unbind_resp" },
	{ SMPP_BIND_TRANSCEIVER, "bind_transceiver" },
	{ SMPP_BIND_TRANSCEIVER_RESP, "bind_transceiver_resp" },
	{ SMPP_ENQUIRE_LINK, "enquire_link" },
	{ SMPP_ENQUIRE_LINK_RESP, "enquire_link_resp" },
};

const char *
smpp_pdu_cmd_name(uint32_t id)
{
	size_t	i;

	for (i = 0; i < nitems(smpp_cmds); i++) {
		if (smpp_cmds[i].id == id)
			return (smpp_cmds[i].name);
	}
	return (NULL);
}
