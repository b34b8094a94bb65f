/* test-number.c: sender normalisation to E.164, and the local time zone. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/tz.h"
#include "codec/number.h"
#include "unit.h"

static const struct {
	const char		*in;
	const char		*cc;
	enum number_kind	 kind;
	const char		*out;
} number_cases[] = {
	/* national with trunk 0 */
	{ "0912345678", "84", NUMBER_E164, "+84912345678" },
	{ "(091) 234 5678", "84", NUMBER_E164, "+84912345678" },
	{ "091-234-5678", "84", NUMBER_E164, "+84912345678" },
	{ "  0912 345 678  ", "84", NUMBER_E164, "+84912345678" },
	{ "0912.345.678", "84", NUMBER_E164, "+84912345678" },
	{ "\t0912345678", "84", NUMBER_E164, "+84912345678" },
	{ "02438251234", "84", NUMBER_E164, "+842438251234" },
	{ "07911123456", "44", NUMBER_E164, "+447911123456" },
	{ "0912345678", "1", NUMBER_E164, "+1912345678" },
	{ "0912345678", "", NUMBER_INVALID, "" },
	{ "0912345678", NULL, NUMBER_INVALID, "" },
	{ "0912345678", "084", NUMBER_INVALID, "" },
	{ "0912345678", "8a", NUMBER_INVALID, "" },
	{ "0912345678", "8444", NUMBER_INVALID, "" },
	{ "0123", "84", NUMBER_INVALID, "" },	/* "+84123": too short */
	{ "0", "84", NUMBER_INVALID, "" },
	{ "0123456", "84", NUMBER_E164, "+84123456" },
	{ "0123456789012", "84", NUMBER_E164, "+84123456789012" },
	{ "01234567890123", "84", NUMBER_E164, "+841234567890123" },
	{ "012345678901234", "84", NUMBER_INVALID, "" },	/* 16 digits */
	/* "+" and country code */
	{ "+84912345678", "84", NUMBER_E164, "+84912345678" },
	{ "+84 91-234.5678", "84", NUMBER_E164, "+84912345678" },
	{ "(+84) 912 345 678", "84", NUMBER_E164, "+84912345678" },
	{ " +84912345678", "84", NUMBER_E164, "+84912345678" },
	{ "+447911123456", "84", NUMBER_E164, "+447911123456" },
	{ "+12125551234", "84", NUMBER_E164, "+12125551234" },
	{ "+12345678", "84", NUMBER_E164, "+12345678" },	/* 8 digits */
	{ "+1234567", "84", NUMBER_INVALID, "" },	/* 7 digits */
	{ "+123456789012345", "84", NUMBER_E164, "+123456789012345" },
	{ "+1234567890123456", "84", NUMBER_INVALID, "" },
	{ "+0912345678", "84", NUMBER_INVALID, "" },
	{ "+8088", "84", NUMBER_INVALID, "" },
	{ "+", "84", NUMBER_INVALID, "" },
	{ "++84912345678", "84", NUMBER_INVALID, "" },
	{ "84+912345678", "84", NUMBER_INVALID, "" },
	{ "+84912345678+", "84", NUMBER_INVALID, "" },
	/* "00" and country code */
	{ "0084912345678", "84", NUMBER_E164, "+84912345678" },
	{ "00 84 912 345 678", "84", NUMBER_E164, "+84912345678" },
	{ "00447911123456", "84", NUMBER_E164, "+447911123456" },
	{ "00123456789012345", "84", NUMBER_E164, "+123456789012345" },
	{ "001234567890123456", "84", NUMBER_INVALID, "" },
	{ "000912345678", "84", NUMBER_INVALID, "" },
	{ "001234", "84", NUMBER_INVALID, "" },
	{ "00", "84", NUMBER_INVALID, "" },
	/* bare digits */
	{ "84912345678", "84", NUMBER_E164, "+84912345678" },
	{ "84 912 345 678", "84", NUMBER_E164, "+84912345678" },
	{ "8491234567", "84", NUMBER_E164, "+8491234567" },	/* 10 */
	{ "447911123456", "84", NUMBER_E164, "+447911123456" },
	{ "123456789012345", "84", NUMBER_E164, "+123456789012345" },
	{ "1234567890123456", "84", NUMBER_INVALID, "" },
	{ "912345678", "84", NUMBER_E164, "+84912345678" },	/* 9: no 0 */
	{ "842345678", "84", NUMBER_E164, "+84842345678" },	/* 084 mobile */
	{ "84842345678", "84", NUMBER_E164, "+84842345678" },
	{ "12345678", "84", NUMBER_E164, "+8412345678" },	/* 8 */
	{ "912345678", "", NUMBER_INVALID, "" },
	/* short codes */
	{ "8088", "84", NUMBER_SHORT, "8088" },
	{ " 8088 ", "84", NUMBER_SHORT, "8088" },
	{ "80-88", "84", NUMBER_SHORT, "8088" },
	{ "123", "84", NUMBER_SHORT, "123" },
	{ "1234567", "84", NUMBER_SHORT, "1234567" },
	{ "8088", NULL, NUMBER_SHORT, "8088" },
	{ "12", "84", NUMBER_INVALID, "" },
	{ "1", "84", NUMBER_INVALID, "" },
	/* alphanumeric senders */
	{ "VIETTEL", "84", NUMBER_ALPHA, "VIETTEL" },
	{ "Bo Y Te", "84", NUMBER_ALPHA, "Bo Y Te" },
	{ "CHECKIN", "84", NUMBER_ALPHA, "CHECKIN" },
	{ "  BoYTe  ", "84", NUMBER_ALPHA, "BoYTe" },
	{ "MobiFone123", "84", NUMBER_ALPHA, "MobiFone123" },
	{ "VERYLONGSENDERNAME", "84", NUMBER_ALPHA, "VERYLONGSEN" },
	{ "0912345678x", "84", NUMBER_ALPHA, "0912345678x" },
	{ "+84abc", "84", NUMBER_ALPHA, "+84abc" },
	{ "Bộ Y Tế", "84", NUMBER_ALPHA, "Bộ Y Tế" },
	{ "Bộ Y Tế Việt Nam", "84", NUMBER_ALPHA, "Bộ Y Tế Việ" },
	{ "ĐĐĐĐĐĐĐĐĐĐĐĐA", "84", NUMBER_ALPHA, "ĐĐĐĐĐĐĐĐĐĐĐ" },
	{ "ệệệệệệệệệệệệA", "84", NUMBER_ALPHA, "ệệệệệệệ" },	/* 23 bytes */
	{ "A\r\nB\x1b" "C", "84", NUMBER_ALPHA, "ABC" },
	{ "A\xff", "84", NUMBER_INVALID, "" },
	{ "\xc3" "A", "84", NUMBER_INVALID, "" },
	/* junk */
	{ "", "84", NUMBER_INVALID, "" },
	{ "   ", "84", NUMBER_INVALID, "" },
	{ "-.()", "84", NUMBER_INVALID, "" },
	{ "09123#45", "84", NUMBER_INVALID, "" },
	{ "*101#", "84", NUMBER_INVALID, "" },
	{ "0912345678\n", "84", NUMBER_INVALID, "" },
	{ "0912,345,678", "84", NUMBER_INVALID, "" },
	{ "0912_345_678", "84", NUMBER_INVALID, "" },
	{ "０９１２３４５６７８", "84", NUMBER_INVALID, "" },
	{ "091\xe2\x80\x8b" "2345678", "84", NUMBER_INVALID, "" },
	{ "\xff\xfe", "84", NUMBER_INVALID, "" },
	{ "+-", "84", NUMBER_INVALID, "" },
};

START_TEST(test_normalize)
{
	char			out[NUMBER_MAX];
	enum number_kind	kind;
	size_t			i;

	for (i = 0; i < nitems(number_cases); i++) {
		memset(out, 'x', sizeof out);
		kind = number_normalize(number_cases[i].in, number_cases[i].cc,
		    out);
		ck_assert_msg(kind == number_cases[i].kind,
		    "case %zu \"%s\": kind %d, want %d (out \"%s\")", i,
		    number_cases[i].in, kind, number_cases[i].kind, out);
		ck_assert_msg(strcmp(out, number_cases[i].out) == 0,
		    "case %zu \"%s\": out \"%s\", want \"%s\"", i,
		    number_cases[i].in, out, number_cases[i].out);
	}
	ck_assert_uint_ge(nitems(number_cases), 30);
}
END_TEST

/* Huge inputs: no overflow, and the answer is INVALID (or a cut ALPHA). */
START_TEST(test_normalize_long)
{
	char			out[NUMBER_MAX], *in;
	size_t			n = 2000;

	in = malloc(n + 2);
	ck_assert_ptr_nonnull(in);
	memset(in, '9', n);
	in[n] = '\0';
	memset(out, 'x', sizeof out);
	ck_assert_int_eq(number_normalize(in, "84", out), NUMBER_INVALID);
	ck_assert_str_eq(out, "");

	in[0] = '+';
	ck_assert_int_eq(number_normalize(in, "84", out), NUMBER_INVALID);
	ck_assert_str_eq(out, "");

	memset(in, ' ', n);
	ck_assert_int_eq(number_normalize(in, "84", out), NUMBER_INVALID);
	memcpy(in + n - 10, "0912345678", 10);
	ck_assert_int_eq(number_normalize(in, "84", out), NUMBER_E164);
	ck_assert_str_eq(out, "+84912345678");

	memset(in, 'A', n);
	ck_assert_int_eq(number_normalize(in, "84", out), NUMBER_ALPHA);
	ck_assert_str_eq(out, "AAAAAAAAAAA");

	ck_assert_int_eq(number_normalize(NULL, "84", out), NUMBER_INVALID);
	ck_assert_str_eq(out, "");
	free(in);
}
END_TEST

#define T_CHECKIN	1631754900LL	/* 2021-09-16T01:15:00Z */
#define T_DAY		1631725200LL	/* 2021-09-16T00:00:00+07:00 */

static const struct {
	const char	*zone;
	long long	 t;
	const char	*shortform;
	const char	*iso;
	long long	 day;
} tz_cases[] = {
	{ "Asia/Ho_Chi_Minh", T_CHECKIN, "08:15 16/09",
	    "2021-09-16T08:15:00+07:00", T_DAY },
	{ "Asia/Ho_Chi_Minh", T_DAY, "00:00 16/09",
	    "2021-09-16T00:00:00+07:00", T_DAY },
	{ "Asia/Ho_Chi_Minh", T_DAY - 1, "23:59 15/09",
	    "2021-09-15T23:59:59+07:00", T_DAY - 86400 },
	{ "Asia/Ho_Chi_Minh", T_DAY + 86399, "23:59 16/09",
	    "2021-09-16T23:59:59+07:00", T_DAY },
	{ "Asia/Ho_Chi_Minh", 946684800, "07:00 01/01",
	    "2000-01-01T07:00:00+07:00", 946659600 },
	/* Saigon kept +08:00 from 1959 to 1975. */
	{ "Asia/Ho_Chi_Minh", 0, "08:00 01/01",
	    "1970-01-01T08:00:00+08:00", -28800 },
	{ "UTC", T_CHECKIN, "01:15 16/09", "2021-09-16T01:15:00+00:00",
	    1631750400 },
	{ "Asia/Kolkata", T_CHECKIN, "06:45 16/09",
	    "2021-09-16T06:45:00+05:30", 1631730600 },
	{ "Asia/Kathmandu", T_CHECKIN, "07:00 16/09",
	    "2021-09-16T07:00:00+05:45", 1631729700 },
	{ "America/New_York", T_CHECKIN, "21:15 15/09",
	    "2021-09-15T21:15:00-04:00", 1631678400 },
	/* 2021-03-14: New York's day of 23 hours, starting at EST. */
	{ "America/New_York", 1615777200, "23:00 14/03",
	    "2021-03-14T23:00:00-04:00", 1615698000 },
	{ "Etc/GMT+7", T_CHECKIN, "18:15 15/09",
	    "2021-09-15T18:15:00-07:00", 1631689200 },
};

START_TEST(test_tz)
{
	char	buf[64];
	size_t	i;

	for (i = 0; i < nitems(tz_cases); i++) {
		ck_assert_msg(tz_set(tz_cases[i].zone) == 0, "%s",
		    tz_cases[i].zone);
		tz_format_short(tz_cases[i].t, buf, sizeof buf);
		ck_assert_str_eq(buf, tz_cases[i].shortform);
		tz_format_iso(tz_cases[i].t, buf, sizeof buf);
		ck_assert_str_eq(buf, tz_cases[i].iso);
		ck_assert_msg(tz_day_start(tz_cases[i].t) == tz_cases[i].day,
		    "case %zu: day %lld, want %lld", i,
		    (long long)tz_day_start(tz_cases[i].t), tz_cases[i].day);
	}
}
END_TEST

static const char *tz_bad[] = {
	"", "Nowhere/Zone", "asia/ho_chi_minh ", "Asia", "Asia/",
	"/usr/share/zoneinfo/UTC", "/etc/passwd", "../../../etc/passwd",
	"Asia/../UTC", "..", "zone.tab", "tzdata.zi", "UTC\n", "UTC;rm",
	"Asia/Ho Chi Minh", ":UTC", "leapseconds",
	"Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

START_TEST(test_tz_bad)
{
	char	buf[64];
	size_t	i;

	ck_assert_int_eq(tz_set("Asia/Ho_Chi_Minh"), 0);
	for (i = 0; i < nitems(tz_bad); i++)
		ck_assert_msg(tz_set(tz_bad[i]) == -1, "%s", tz_bad[i]);
	ck_assert_int_eq(tz_set(NULL), -1);
	/* A refused name leaves the zone as it was. */
	tz_format_iso(T_CHECKIN, buf, sizeof buf);
	ck_assert_str_eq(buf, "2021-09-16T08:15:00+07:00");

	/* Small buffers are cut or left empty, never overrun. */
	memset(buf, 'x', sizeof buf);
	tz_format_short(T_CHECKIN, buf, 6);
	ck_assert_uint_lt(strlen(buf), 6);
	tz_format_iso(T_CHECKIN, buf, 11);
	ck_assert_uint_lt(strlen(buf), 11);
	buf[0] = 'x';
	tz_format_iso(T_CHECKIN, buf, 0);
	ck_assert_int_eq(buf[0], 'x');
}
END_TEST

static Suite *
number_suite(void)
{
	Suite	*s = suite_create("number");
	TCase	*tc_number = tcase_create("number");
	TCase	*tc_tz = tcase_create("tz");

	tcase_add_test(tc_number, test_normalize);
	tcase_add_test(tc_number, test_normalize_long);
	suite_add_tcase(s, tc_number);
	tcase_add_test(tc_tz, test_tz);
	tcase_add_test(tc_tz, test_tz_bad);
	suite_add_tcase(s, tc_tz);
	return s;
}

int
main(void)
{
	return unit_run(number_suite());
}
