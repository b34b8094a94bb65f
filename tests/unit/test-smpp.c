/*
 * test-smpp.c: the SMPP 3.4 PDU layer (smpp-pdu.c): headers and their
 * impossible lengths, short messages packed and parsed back, every
 * truncation of a body, broken strings and TLVs, user data headers,
 * receipt texts and states, and random bodies that must not crash.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/smpp-pdu.h"
#include "unit.h"

START_TEST(test_header)
{
	static const struct {
		uint32_t	len;
		int		want;
	} cases[] = {
		{ 0, -1 }, { 8, -1 }, { 15, -1 }, { 16, 1 }, { 17, 1 }, { 65536, 1 },
		{ 65537, -1 }, { 0x7fffffff, -1 }, { 0xffffffff, -1 },
	};
	struct smpp_header	h;
	uint8_t			b[16];
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		memset(b, 0, sizeof b);
		b[0] = (uint8_t)(cases[i].len >> 24);
		b[1] = (uint8_t)(cases[i].len >> 16);
		b[2] = (uint8_t)(cases[i].len >> 8);
		b[3] = (uint8_t)cases[i].len;
		b[7] = 5;
		b[15] = 42;
		ck_assert_int_eq(smpp_pdu_header(b, sizeof b, &h), cases[i].want);
		if (cases[i].want == 1) {
			ck_assert_uint_eq(h.len, cases[i].len);
			ck_assert_uint_eq(h.id, SMPP_DELIVER_SM);
			ck_assert_uint_eq(h.seq, 42);
		}
		ck_assert_int_eq(smpp_pdu_header(b, 15, &h), 0);
	}
}
END_TEST

/* A deliver_sm with every TLV we read; its packed length. */
static size_t
pack_sample(uint8_t *out, size_t outlen, struct smpp_sm *sm)
{
	static const uint8_t	text[] = { 0x00, 0x58, 0x00, 0x69, 0x00, 0x6e };
	static const uint8_t	payload[] = "a payload";

	memset(sm, 0, sizeof *sm);
	strlcpy(sm->src, "84912345678", sizeof sm->src);
	sm->src_ton = 1;
	sm->src_npi = 1;
	strlcpy(sm->dst, "8088", sizeof sm->dst);
	sm->esm_class = 0;
	sm->data_coding = 8;
	sm->sm = text;
	sm->sm_len = sizeof text;
	sm->has_sar = 1;
	sm->sar_ref = 0x1234;
	sm->sar_total = 3;
	sm->sar_seq = 2;
	sm->has_payload = 1;
	sm->payload = payload;
	sm->payload_len = sizeof payload - 1;
	sm->has_receipted = 1;
	strlcpy(sm->receipted_id, "abc123", sizeof sm->receipted_id);
	sm->message_state = 2;
	return smpp_pdu_sm(out, outlen, SMPP_DELIVER_SM, 7, sm);
}

START_TEST(test_sm_round_trip)
{
	struct smpp_sm		sm, got;
	struct smpp_header	h;
	uint8_t			pdu[512];
	size_t			len;

	len = pack_sample(pdu, sizeof pdu, &sm);
	ck_assert_uint_gt(len, SMPP_HEADER_LEN);
	ck_assert_int_eq(smpp_pdu_header(pdu, len, &h), 1);
	ck_assert_uint_eq(h.len, len);
	ck_assert_uint_eq(h.seq, 7);
	ck_assert_int_eq(smpp_pdu_parse_sm(pdu + 16, len - 16, &got), 0);
	ck_assert_str_eq(got.src, "84912345678");
	ck_assert_str_eq(got.dst, "8088");
	ck_assert_uint_eq(got.src_ton, 1);
	ck_assert_uint_eq(got.data_coding, 8);
	ck_assert_uint_eq(got.sm_len, 6);
	ck_assert_mem_eq(got.sm, sm.sm, 6);
	ck_assert_int_eq(got.has_sar, 1);
	ck_assert_uint_eq(got.sar_ref, 0x1234);
	ck_assert_uint_eq(got.sar_total, 3);
	ck_assert_uint_eq(got.sar_seq, 2);
	ck_assert_int_eq(got.has_payload, 1);
	ck_assert_uint_eq(got.payload_len, 9);
	ck_assert_mem_eq(got.payload, "a payload", 9);
	ck_assert_int_eq(got.has_receipted, 1);
	ck_assert_str_eq(got.receipted_id, "abc123");
	ck_assert_int_eq(got.message_state, 2);

	/* Too small a buffer: nothing. */
	ck_assert_uint_eq(smpp_pdu_sm(pdu, len - 1, SMPP_DELIVER_SM, 7, &sm), 0);
	/* short_message over 254 octets: nothing. */
	sm.sm_len = 255;
	ck_assert_uint_eq(smpp_pdu_sm(pdu, sizeof pdu, SMPP_DELIVER_SM, 7, &sm), 0);
}
END_TEST

START_TEST(test_sm_truncated)
{
	struct smpp_sm	sm, got;
	uint8_t		pdu[512], whole[512];
	size_t		len, blen, i, mand, at;

	len = pack_sample(pdu, sizeof pdu, &sm);
	blen = len - 16;
	memcpy(whole, pdu + 16, blen);
	/* The mandatory part ends 4 octets past short_message's start. */
	mand = 1 + 2 + 12 + 2 + 5 + 3 + 1 + 1 + 4 + 1 + 6;
	/*
	 * Every cut is refused but those between two TLVs (a body with fewer
	 * optional parameters); none crashes (ASan: each copy is exact).
	 */
	for (i = 0; i < blen; i++) {
		uint8_t	*copy = xmalloc(i + 1);
		int	 boundary = 0;

		for (at = mand; at <= i; at += 4 + (size_t)(whole[at + 2] << 8 | whole[at + 3])) {
			if (at == i)
				boundary = 1;
			if (at + 4 > blen)
				break;
		}
		memcpy(copy, whole, i);
		if (boundary)
			ck_assert_msg(smpp_pdu_parse_sm(copy, i, &got) == 0, "cut at %zu", i);
		else
			ck_assert_msg(smpp_pdu_parse_sm(copy, i, &got) != 0, "cut at %zu", i);
		free(copy);
	}
	ck_assert_int_eq(smpp_pdu_parse_sm(whole, blen, &got), 0);
}
END_TEST

START_TEST(test_sm_broken)
{
	static const uint8_t	no_nul[] = {
		0,  1, 1,  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
		'1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', 0,
	};
	struct smpp_sm	sm, got;
	uint8_t		pdu[512], body[512];
	size_t		len, blen, mand;

	/* source_addr of 22 octets: no NUL within its 21. */
	ck_assert_int_eq(smpp_pdu_parse_sm(no_nul, sizeof no_nul, &got), SMPP_RINVCMDLEN);

	len = pack_sample(pdu, sizeof pdu, &sm);
	blen = len - 16;
	memcpy(body, pdu + 16, blen);
	/* sm_length past the end of the body. */
	mand = 1 + 2 + 12 + 2 + 5 + 3 + 1 + 1 + 4;	/* up to sm_length */
	ck_assert_uint_eq(body[mand], 6);
	body[mand] = 250;
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen, &got), SMPP_RINVCMDLEN);
	body[mand] = 6;
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen, &got), 0);

	/* A TLV claiming more than there is. */
	memcpy(body + blen, "\x04\x24\x00\x50xx", 6);
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 6, &got), SMPP_RINVOPTPARSTREAM);
	/* Three octets: not even a TLV header. */
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 3, &got), SMPP_RINVOPTPARSTREAM);
	/* sar_total with two octets. */
	memcpy(body + blen, "\x02\x0e\x00\x02\x00\x03", 6);
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 6, &got), SMPP_RINVOPTPARSTREAM);
	/* An unknown TLV is skipped. */
	memcpy(body + blen, "\x14\x01\x00\x02\x00\x03", 6);
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 6, &got), 0);
	ck_assert_int_eq(got.has_sar, 1);
	/* receipted_message_id of 65 octets without a NUL. */
	body[blen] = 0x00;
	body[blen + 1] = 0x1e;
	body[blen + 2] = 0;
	body[blen + 3] = 65;
	memset(body + blen + 4, 'a', 65);
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 69, &got), SMPP_RINVOPTPARSTREAM);
	body[blen + 4 + 64] = '\0';
	ck_assert_int_eq(smpp_pdu_parse_sm(body, blen + 69, &got), 0);
	ck_assert_uint_eq(strlen(got.receipted_id), 64);
}
END_TEST

START_TEST(test_sar_incomplete)
{
	struct smpp_sm	sm, got;
	uint8_t		pdu[512];
	size_t		len;

	len = pack_sample(pdu, sizeof pdu, &sm);
	sm.has_payload = sm.has_receipted = 0;
	sm.message_state = -1;
	len = smpp_pdu_sm(pdu, sizeof pdu, SMPP_DELIVER_SM, 1, &sm);
	/* Drop the last two TLVs (total, seq: 5 octets each). */
	ck_assert_int_eq(smpp_pdu_parse_sm(pdu + 16, len - 16 - 10, &got), 0);
	ck_assert_int_eq(got.has_sar, 0);
	ck_assert_int_eq(smpp_pdu_parse_sm(pdu + 16, len - 16, &got), 0);
	ck_assert_int_eq(got.has_sar, 1);
}
END_TEST

START_TEST(test_bind)
{
	static const uint8_t	want[] = {
		0, 0, 0, 38, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1,
		'c', 'h', 'e', 'c', 'k', 'i', 'n', 'd', 0, 'p', 'w', 0, 0, 0x34, 0, 0,
		'^', '8', '4', '.', '*', 0,
	};
	uint8_t	pdu[128];
	size_t	len;

	len = smpp_pdu_bind(pdu, sizeof pdu, SMPP_BIND_TRANSCEIVER, 1, "checkind", "pw", "",
	    "^84.*");
	ck_assert_uint_eq(len, sizeof want);
	ck_assert_mem_eq(pdu, want, sizeof want);
	/* password: 8 characters at most; system_id 15. */
	ck_assert_uint_eq(smpp_pdu_bind(pdu, sizeof pdu, SMPP_BIND_TRANSCEIVER, 1, "x",
	    "123456789", "", ""), 0);
	ck_assert_uint_gt(smpp_pdu_bind(pdu, sizeof pdu, SMPP_BIND_TRANSCEIVER, 1,
	    "123456789012345", "12345678", "", ""), 0);
	ck_assert_uint_eq(smpp_pdu_bind(pdu, sizeof pdu, SMPP_BIND_TRANSCEIVER, 1,
	    "1234567890123456", "1", "", ""), 0);
	ck_assert_uint_eq(smpp_pdu_bind(pdu, 20, SMPP_BIND_TRANSCEIVER, 1, "x", "y", "", ""),
	    0);
}
END_TEST

START_TEST(test_resp_id)
{
	static const struct {
		const char	*body;
		size_t		 len;
		int		 want;
		const char	*id;
	} cases[] = {
		{ "abc123", 7, 0, "abc123" },
		{ "", 0, 0, "" },
		{ "", 1, 0, "" },
		{ "abc", 3, -1, "" },		/* no NUL */
		{ "0123456789abcdef0123456789abcdef", 33, -1, "" },	/* too long for 16 */
	};
	uint8_t	pdu[64];
	char	id[16];
	size_t	i, len;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_int_eq(smpp_pdu_parse_id((const uint8_t *)cases[i].body, cases[i].len,
		    id, sizeof id), cases[i].want);
		if (cases[i].want == 0)
			ck_assert_str_eq(id, cases[i].id);
	}
	len = smpp_pdu_resp_id(pdu, sizeof pdu, SMPP_DELIVER_SM_RESP, SMPP_RX_T_APPN, 9, "");
	ck_assert_uint_eq(len, 17);
	ck_assert_uint_eq(pdu[11], SMPP_RX_T_APPN);
	ck_assert_uint_eq(pdu[16], 0);
	ck_assert_uint_eq(smpp_pdu_header_only(pdu, sizeof pdu, SMPP_ENQUIRE_LINK, 0, 3), 16);
	ck_assert_uint_eq(smpp_pdu_header_only(pdu, 15, SMPP_ENQUIRE_LINK, 0, 3), 0);
}
END_TEST

START_TEST(test_udh)
{
	static const struct {
		uint8_t		ud[16];
		size_t		len;
		int		want;
		size_t		hdrlen;
		unsigned	ref, total, seq;
	} cases[] = {
		{ { 5, 0, 3, 0x42, 3, 1, 'x' }, 7, 0, 6, 0x42, 3, 1 },
		{ { 6, 8, 4, 0x12, 0x34, 2, 2 }, 7, 0, 7, 0x1234, 2, 2 },
		/* another IE first (a port address), then concatenation */
		{ { 11, 5, 4, 0, 1, 0, 2, 0, 3, 7, 4, 4 }, 12, 0, 12, 7, 4, 4 },
		/* an unknown IE alone: no concatenation */
		{ { 3, 0x24, 1, 1 }, 4, 0, 4, 0, 0, 0 },
		/* part 0, or past the total: not a part */
		{ { 5, 0, 3, 1, 3, 0 }, 6, 0, 6, 0, 0, 0 },
		{ { 5, 0, 3, 1, 3, 4 }, 6, 0, 6, 0, 0, 0 },
		/* a concatenation IE of the wrong length is skipped */
		{ { 4, 0, 2, 1, 3 }, 5, 0, 5, 0, 0, 0 },
		/* UDHL past the data */
		{ { 9, 0, 3, 1, 2, 1 }, 6, -1, 0, 0, 0, 0 },
		/* an IE running past the UDHL */
		{ { 4, 0, 3, 1, 2, 1 }, 6, -1, 0, 0, 0, 0 },
		{ { 0 }, 0, -1, 0, 0, 0, 0 },
		/* UDHL 0: an empty header */
		{ { 0, 'x' }, 2, 0, 1, 0, 0, 0 },
	};
	struct smpp_concat	c;
	size_t			i, hl;

	for (i = 0; i < nitems(cases); i++) {
		hl = 0;
		ck_assert_msg(smpp_pdu_udh(cases[i].ud, cases[i].len, &hl, &c) == cases[i].want,
		    "case %zu", i);
		if (cases[i].want == -1)
			continue;
		ck_assert_uint_eq(hl, cases[i].hdrlen);
		ck_assert_uint_eq(c.ref, cases[i].ref);
		ck_assert_uint_eq(c.total, cases[i].total);
		ck_assert_uint_eq(c.seq, cases[i].seq);
	}
}
END_TEST

START_TEST(test_receipt)
{
	static const struct {
		const char	*text;
		int		 want;
		const char	*id, *stat, *err;
	} cases[] = {
		{ "id:1234567 sub:001 dlvrd:001 submit date:2109160800 done date:2109160801 "
		  "stat:DELIVRD err:000 text:Xin chao", 0, "1234567", "DELIVRD", "000" },
		{ "id:0a1b sub:001 dlvrd:000 submit date:2109160800 done date:2109160801 "
		  "stat:UNDELIV err:034", 0, "0a1b", "UNDELIV", "034" },
		/* other order, lower case */
		{ "stat:expired id:77", 0, "77", "expired", "" },
		/* "text:" may hold anything, even "id:" */
		{ "id:1 stat:ENROUTE text:id:2 stat:DELIVRD", 0, "1", "ENROUTE", "" },
		/* "xid:" is not "id:" */
		{ "xid:5 foo", -1, "", "", "" },
		{ "", -1, "", "", "" },
		/* an id too long for its field is cut */
		{ "id:0123456789012345678901234567890123456789012345678901234567890123456789 "
		  "stat:DELIVRD", 0,
		  "0123456789012345678901234567890123456789012345678901234567890123",
		  "DELIVRD", "" },
	};
	struct smpp_receipt	rc;
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		ck_assert_msg(smpp_pdu_receipt(cases[i].text, strlen(cases[i].text), &rc) ==
		    cases[i].want, "case %zu", i);
		ck_assert_str_eq(rc.id, cases[i].id);
		ck_assert_str_eq(rc.stat, cases[i].stat);
		ck_assert_str_eq(rc.err, cases[i].err);
	}
	/* Not NUL-terminated: only len counts. */
	ck_assert_int_eq(smpp_pdu_receipt("id:12345", 5, &rc), 0);
	ck_assert_str_eq(rc.id, "12");
}
END_TEST

START_TEST(test_states)
{
	static const struct {
		const char	*stat;
		int		 delivered;
	} cases[] = {
		{ "DELIVRD", 1 }, { "delivrd", 1 }, { "UNDELIV", 0 }, { "REJECTD", 0 },
		{ "EXPIRED", 0 }, { "DELETED", 0 }, { "ENROUTE", -1 }, { "ACCEPTD", -1 },
		{ "UNKNOWN", -1 }, { "", -1 }, { "BOGUS", -1 },
	};
	size_t	i;

	for (i = 0; i < nitems(cases); i++)
		ck_assert_int_eq(smpp_pdu_state(cases[i].stat), cases[i].delivered);
	ck_assert_str_eq(smpp_pdu_state_name(2), "DELIVRD");
	ck_assert_str_eq(smpp_pdu_state_name(5), "UNDELIV");
	ck_assert_str_eq(smpp_pdu_state_name(8), "REJECTD");
	ck_assert_ptr_null(smpp_pdu_state_name(0));
	ck_assert_ptr_null(smpp_pdu_state_name(-1));
	ck_assert_str_eq(smpp_pdu_cmd_name(SMPP_SUBMIT_SM_RESP), "submit_sm_resp");
	ck_assert_ptr_null(smpp_pdu_cmd_name(0x777));
}
END_TEST

/* Random bodies (and random mutations of a good one) never crash the parsers. */
START_TEST(test_random)
{
	struct smpp_sm		sm, got;
	struct smpp_concat	c;
	struct smpp_receipt	rc;
	uint8_t			pdu[512], *b;
	size_t			len, n, i, j, hl;
	char			id[66];
	unsigned		seed = 12345;

	len = pack_sample(pdu, sizeof pdu, &sm);
	for (i = 0; i < 20000; i++) {
		n = (size_t)rand_r(&seed) % 300;
		b = xmalloc(n + 1);
		for (j = 0; j < n; j++)
			b[j] = (uint8_t)rand_r(&seed);
		if (i % 2 == 0 && n <= len - 16) {
			memcpy(b, pdu + 16, n);
			if (n > 0)
				b[(size_t)rand_r(&seed) % n] = (uint8_t)rand_r(&seed);
		}
		(void)smpp_pdu_parse_sm(b, n, &got);
		(void)smpp_pdu_parse_id(b, n, id, sizeof id);
		(void)smpp_pdu_udh(b, n, &hl, &c);
		(void)smpp_pdu_receipt((const char *)b, n, &rc);
		free(b);
	}
}
END_TEST

static Suite *
smpp_suite(void)
{
	Suite	*s = suite_create("smpp");
	TCase	*tc = tcase_create("pdu");

	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_sm_round_trip);
	tcase_add_test(tc, test_sm_truncated);
	tcase_add_test(tc, test_sm_broken);
	tcase_add_test(tc, test_sar_incomplete);
	tcase_add_test(tc, test_bind);
	tcase_add_test(tc, test_resp_id);
	tcase_add_test(tc, test_udh);
	tcase_add_test(tc, test_receipt);
	tcase_add_test(tc, test_states);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(smpp_suite());
}
