/* test-modem.c: the AT line classifier (modem-at.c) and what its numbers mean. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "base/base.h"
#include "chan/modem-at.h"
#include "unit.h"

/* A line, its kind, and whether it ends a command / is unsolicited / has a PDU after it. */
static const struct {
	const char		*line;
	enum modem_at_kind	 kind;
	int			 final, urc, pdu;
} kind_cases[] = {
	{ "", MODEM_AT_EMPTY, 0, 0, 0 },
	{ "   ", MODEM_AT_EMPTY, 0, 0, 0 },
	{ "\r", MODEM_AT_EMPTY, 0, 0, 0 },
	{ "OK", MODEM_AT_OK, 1, 0, 0 },
	{ " OK ", MODEM_AT_OK, 1, 0, 0 },
	{ "OK\r", MODEM_AT_OK, 1, 0, 0 },
	{ "OKAY", MODEM_AT_OTHER, 0, 0, 0 },
	{ "ok", MODEM_AT_OTHER, 0, 0, 0 },
	{ "ERROR", MODEM_AT_ERROR, 1, 0, 0 },
	{ "ERRORS", MODEM_AT_OTHER, 0, 0, 0 },
	{ "COMMAND NOT SUPPORT", MODEM_AT_ERROR, 1, 0, 0 },
	{ "+CME ERROR: 10", MODEM_AT_CME_ERROR, 1, 0, 0 },
	{ "+CME ERROR: SIM not inserted", MODEM_AT_CME_ERROR, 1, 0, 0 },
	{ "+CMS ERROR: 500", MODEM_AT_CMS_ERROR, 1, 0, 0 },
	{ "+CMS ERROR:304", MODEM_AT_CMS_ERROR, 1, 0, 0 },
	{ "+CMTI: \"SM\",3", MODEM_AT_CMTI, 0, 1, 0 },
	{ "+CMTI: \"ME\",12", MODEM_AT_CMTI, 0, 1, 0 },
	{ "+CMTI: \"SM\"", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"SM\",x", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"SM\",-1", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"SM\",99999999999999", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"S M\",1", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"SM,1", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMT: ,24", MODEM_AT_CMT, 0, 1, 1 },
	{ "+CMT: \"\",24", MODEM_AT_CMT, 0, 1, 1 },
	{ "+CMT: \"a,b\",24", MODEM_AT_CMT, 0, 1, 1 },
	{ "+CMT: ,0", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMT: ,256", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CDS: 25", MODEM_AT_CDS, 0, 1, 1 },
	{ "+CDS: 25,1", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CDSI: \"SM\",7", MODEM_AT_CDSI, 0, 1, 0 },
	{ "+CDSI: \"SR\",0", MODEM_AT_CDSI, 0, 1, 0 },
	{ "RING", MODEM_AT_RING, 0, 1, 0 },
	{ "+CRING: VOICE", MODEM_AT_RING, 0, 1, 0 },
	{ "+CLIP: \"+84912345678\",145", MODEM_AT_RING, 0, 1, 0 },
	{ "NO CARRIER", MODEM_AT_RING, 0, 1, 0 },
	{ "+CMGR: 0,,24", MODEM_AT_CMGR, 0, 0, 1 },
	{ "+CMGR: 1,\"\",153", MODEM_AT_CMGR, 0, 0, 1 },
	{ "+CMGR: 5,,24", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMGR: 0,,", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMGL: 1,0,,24", MODEM_AT_CMGL, 0, 0, 1 },
	{ "+CMGL: 1,0,\"x\",24", MODEM_AT_CMGL, 0, 0, 1 },
	{ "+CMGL: 1,0,24", MODEM_AT_CMGL, 0, 0, 1 },
	{ "+CMGL: 1,0", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMGL: a,0,,24", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMGS: 42", MODEM_AT_CMGS, 0, 0, 0 },
	{ "+CMGS: 42,\"21/09/16,08:00:00+28\"", MODEM_AT_CMGS, 0, 0, 0 },
	{ "+CMGS: 256", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CSQ: 17,99", MODEM_AT_CSQ, 0, 0, 0 },
	{ "+CSQ: 17", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CSQ: 100,0", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CPIN: READY", MODEM_AT_CPIN, 0, 0, 0 },
	{ "+CPIN: SIM PIN", MODEM_AT_CPIN, 0, 0, 0 },
	{ "+CPMS: 3,30,3,30,3,30", MODEM_AT_CPMS, 0, 0, 0 },
	{ "+CPMS: \"SM\",3,30,\"SM\",3,30,\"SM\",3,30", MODEM_AT_CPMS, 0, 0, 0 },
	{ "AT+CMGR=3", MODEM_AT_ECHO, 0, 0, 0 },
	{ "ATE0", MODEM_AT_ECHO, 0, 0, 0 },
	{ "at", MODEM_AT_ECHO, 0, 0, 0 },
	{ "^RSSI:12", MODEM_AT_OTHER, 0, 0, 0 },
	{ "Call Ready", MODEM_AT_OTHER, 0, 0, 0 },
	{ "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
	  MODEM_AT_OTHER, 0, 0, 0 },
	{ "> ", MODEM_AT_OTHER, 0, 0, 0 },
	{ "O\x01K", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMTI: \"SM\",3\x7f", MODEM_AT_OTHER, 0, 0, 0 },
	{ "\xff\xfe\xfd", MODEM_AT_OTHER, 0, 0, 0 },
	{ "+CMS ERROR: 500,1,2,3,4,5,6,7,8,9,10,11,12", MODEM_AT_CMS_ERROR, 1, 0, 0 },
	{ "+CMS ERROR: \"unclosed", MODEM_AT_CMS_ERROR, 1, 0, 0 },
	{ "+CMS ERROR:", MODEM_AT_CMS_ERROR, 1, 0, 0 },
};

START_TEST(test_kinds)
{
	struct modem_at_line	l;
	size_t			i;

	for (i = 0; i < nitems(kind_cases); i++) {
		enum modem_at_kind k = modem_at_parse(kind_cases[i].line,
		    strlen(kind_cases[i].line), &l);

		ck_assert_msg(k == kind_cases[i].kind && l.kind == k, "%zu %s: kind %d, want %d",
		    i, kind_cases[i].line, k, kind_cases[i].kind);
		ck_assert_msg(l.final == kind_cases[i].final && l.urc == kind_cases[i].urc &&
		    l.pdu_follows == kind_cases[i].pdu, "%s: final %d urc %d pdu %d",
		    kind_cases[i].line, l.final, l.urc, l.pdu_follows);
	}
}
END_TEST

/* Parse a NUL-terminated line. */
#define P(s, l)	modem_at_parse((s), strlen(s), (l))

START_TEST(test_fields)
{
	struct modem_at_line	l;

	ck_assert_int_eq(P("+CMTI: \"SM\",17", &l), MODEM_AT_CMTI);
	ck_assert_str_eq(l.mem, "SM");
	ck_assert_int_eq(l.index, 17);

	ck_assert_int_eq(P("+CDSI: \"SR\",2", &l), MODEM_AT_CDSI);
	ck_assert_str_eq(l.mem, "SR");
	ck_assert_int_eq(l.index, 2);

	ck_assert_int_eq(P("+CMGL: 12,1,,153", &l), MODEM_AT_CMGL);
	ck_assert_int_eq(l.index, 12);
	ck_assert_int_eq(l.stat, 1);
	ck_assert_int_eq(l.length, 153);

	ck_assert_int_eq(P("+CMGL: 0,3,\"Bob, Jr\",22", &l), MODEM_AT_CMGL);
	ck_assert_int_eq(l.index, 0);
	ck_assert_int_eq(l.stat, 3);
	ck_assert_int_eq(l.length, 22);

	ck_assert_int_eq(P("+CMGR: 0,,24", &l), MODEM_AT_CMGR);
	ck_assert_int_eq(l.stat, 0);
	ck_assert_int_eq(l.length, 24);

	ck_assert_int_eq(P("+CMT: ,31", &l), MODEM_AT_CMT);
	ck_assert_int_eq(l.length, 31);

	ck_assert_int_eq(P("+CDS: 25", &l), MODEM_AT_CDS);
	ck_assert_int_eq(l.length, 25);

	ck_assert_int_eq(P("+CMGS: 255", &l), MODEM_AT_CMGS);
	ck_assert_int_eq(l.mr, 255);

	ck_assert_int_eq(P("+CSQ: 31,7", &l), MODEM_AT_CSQ);
	ck_assert_int_eq(l.rssi, 31);
	ck_assert_int_eq(l.ber, 7);

	ck_assert_int_eq(P("+CSQ: 99,99", &l), MODEM_AT_CSQ);
	ck_assert_int_eq(l.rssi, 99);

	ck_assert_int_eq(P("+CPIN: SIM PIN", &l), MODEM_AT_CPIN);
	ck_assert_str_eq(l.word, "SIM PIN");

	ck_assert_int_eq(P("+CMS ERROR: 332", &l), MODEM_AT_CMS_ERROR);
	ck_assert_int_eq(l.error, 332);
	ck_assert_int_eq(P("+CME ERROR: SIM busy", &l), MODEM_AT_CME_ERROR);
	ck_assert_int_eq(l.error, -1);

	ck_assert_int_eq(P("+CPMS: 3,30,3,30,3,30", &l), MODEM_AT_CPMS);
	ck_assert_int_eq(l.used, 3);
	ck_assert_int_eq(l.total, 30);
}
END_TEST

/* Lines are taken by length: bytes after len are not looked at. */
START_TEST(test_length)
{
	struct modem_at_line	l;
	char			buf[8];

	memcpy(buf, "OKXXXXX", 8);
	ck_assert_int_eq(modem_at_parse(buf, 2, &l), MODEM_AT_OK);
	ck_assert_int_eq(modem_at_parse("+CMTI: \"SM\",3", 12, &l), MODEM_AT_OTHER);
	/* a NUL inside a line makes it garbage, not a shorter line */
	ck_assert_int_eq(modem_at_parse("OK\0K", 4, &l), MODEM_AT_OTHER);
}
END_TEST

/* Long lines are garbage, whatever they start with. */
START_TEST(test_long)
{
	struct modem_at_line	l;
	char			*big = malloc(MODEM_AT_LINE_MAX + 2);

	memset(big, '1', MODEM_AT_LINE_MAX + 1);
	memcpy(big, "+CMGS: 1,", 9);
	big[MODEM_AT_LINE_MAX + 1] = '\0';
	ck_assert_int_eq(modem_at_parse(big, MODEM_AT_LINE_MAX + 1, &l), MODEM_AT_OTHER);
	ck_assert_int_eq(modem_at_parse(big, 8, &l), MODEM_AT_CMGS);
	free(big);
}
END_TEST

START_TEST(test_pdu)
{
	ck_assert_int_eq(modem_at_is_pdu("0791", 4, 176), 1);
	ck_assert_int_eq(modem_at_is_pdu("07911326040000F0", 16, 176), 1);
	ck_assert_int_eq(modem_at_is_pdu("07911326040000f0", 16, 176), 1);
	ck_assert_int_eq(modem_at_is_pdu("079", 3, 176), 0);
	ck_assert_int_eq(modem_at_is_pdu("", 0, 176), 0);
	ck_assert_int_eq(modem_at_is_pdu("07G1", 4, 176), 0);
	ck_assert_int_eq(modem_at_is_pdu("OK", 2, 176), 0);
	ck_assert_int_eq(modem_at_is_pdu("0791 ", 5, 176), 1);
	ck_assert_int_eq(modem_at_is_pdu("00112233", 8, 3), 0);
	ck_assert_int_eq(modem_at_is_pdu("001122", 6, 3), 1);
}
END_TEST

static const struct {
	int			error;
	enum send_verdict	verdict;
} cms_cases[] = {
	{ 500, SEND_RETRY }, { 332, SEND_RETRY }, { 331, SEND_RETRY }, { 38, SEND_RETRY },
	{ 41, SEND_RETRY }, { 42, SEND_RETRY }, { 314, SEND_RETRY }, { 192, SEND_RETRY },
	{ 304, SEND_FAIL }, { 305, SEND_FAIL }, { 1, SEND_FAIL }, { 21, SEND_FAIL },
	{ 195, SEND_FAIL }, { 96, SEND_FAIL }, { 128, SEND_FAIL },
	{ 0, SEND_RETRY }, { 999, SEND_RETRY }, { -1, SEND_RETRY }, { 512, SEND_RETRY },
};

START_TEST(test_cms)
{
	const char	*why;
	size_t		 i;

	for (i = 0; i < nitems(cms_cases); i++) {
		why = NULL;
		ck_assert_msg(modem_at_cms_verdict(cms_cases[i].error, &why) ==
		    cms_cases[i].verdict, "+CMS ERROR: %d", cms_cases[i].error);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

START_TEST(test_csq)
{
	ck_assert(modem_at_csq_dbm(0) == -113.0);
	ck_assert(modem_at_csq_dbm(1) == -111.0);
	ck_assert(modem_at_csq_dbm(17) == -79.0);
	ck_assert(modem_at_csq_dbm(31) == -51.0);
	ck_assert(isnan(modem_at_csq_dbm(99)));
	ck_assert(isnan(modem_at_csq_dbm(32)));
	ck_assert(isnan(modem_at_csq_dbm(-1)));
}
END_TEST

START_TEST(test_speed)
{
	ck_assert_uint_eq(modem_at_speed(115200), B115200);
	ck_assert_uint_eq(modem_at_speed(9600), B9600);
	ck_assert_uint_eq(modem_at_speed(12345), 0);
	ck_assert_uint_eq(modem_at_speed(0), 0);
}
END_TEST

static Suite *
modem_suite(void)
{
	Suite	*s = suite_create("modem");
	TCase	*tc = tcase_create("at");

	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_pdu);
	tcase_add_test(tc, test_cms);
	tcase_add_test(tc, test_csq);
	tcase_add_test(tc, test_speed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(modem_suite());
}
