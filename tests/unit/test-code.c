/* test-code.c: Damm check digits, venue code checks, grouping, neighbours. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/code.h"
#include "unit.h"

#define CODE_LEN	7
#define RANDOM_CODES	10000

/* Known Damm vectors: payload and its check digit. */
static const struct {
	const char	*payload;
	int		 check;
} damm_cases[] = {
	{ "572", 4 },		/* the worked example of the algorithm */
	{ "", 0 },
	{ "0", 0 },
	{ "1", 3 },
	{ "5", 9 },
	{ "9", 2 },
	{ "00", 0 },
	{ "123456", 6 },
	{ "000000", 0 },
	{ "999999", 0 },
	{ "112946", 0 },
	{ "432112", 0 },
	{ "2", 1 },
};

START_TEST(test_damm_vectors)
{
	char	buf[CODE_MAX];
	size_t	i;

	for (i = 0; i < nitems(damm_cases); i++) {
		ck_assert_msg(code_damm(damm_cases[i].payload,
		    strlen(damm_cases[i].payload)) == damm_cases[i].check,
		    "damm(%s) = %d, want %d", damm_cases[i].payload,
		    code_damm(damm_cases[i].payload,
		    strlen(damm_cases[i].payload)), damm_cases[i].check);
		/* With its check digit appended the table runs to 0. */
		strcpy(buf, damm_cases[i].payload);
		buf[strlen(buf) + 1] = '\0';
		buf[strlen(buf)] = '0' + damm_cases[i].check;
		ck_assert_int_eq(code_damm(buf, strlen(buf)), 0);
	}
	ck_assert_int_eq(code_damm("12a4", 4), -1);
	ck_assert_int_eq(code_damm("12 4", 4), -1);
	ck_assert_int_eq(code_damm("1234", 2), 5);	/* only n digits count */
	ck_assert_int_eq(code_damm(NULL, 0), 0);
	ck_assert_int_eq(code_damm(NULL, 3), -1);
}
END_TEST

static const struct {
	const char	*code;
	size_t		 len;
	int		 valid;
} valid_cases[] = {
	{ "5724", 4, 1 },
	{ "5724", 7, 0 },
	{ "1234566", 7, 1 },
	{ "0000000", 7, 1 },
	{ "9999990", 7, 1 },
	{ "1234560", 7, 0 },	/* wrong check digit */
	{ "2134566", 7, 0 },	/* transposed */
	{ "1234659", 7, 0 },	/* transposed */
	{ "1234567", 7, 0 },	/* check digit typo */
	{ "123456", 7, 0 },	/* too short */
	{ "12345660", 7, 0 },	/* too long */
	{ "1234566 ", 7, 0 },
	{ " 1234566", 7, 0 },
	{ "123 4566", 7, 0 },
	{ "123-4569", 7, 0 },
	{ "12345a9", 7, 0 },
	{ "１234569", 7, 0 },	/* full-width digit: not ASCII */
	{ "", 7, 0 },
	{ "", 0, 0 },
	{ "0", 1, 0 },		/* no payload */
	{ "00", 2, 1 },
	{ "123456789012345", 15, 1 },
	{ "1234567890123456", 16, 0 },	/* longer than CODE_MAX allows */
	{ "-123456", 7, 0 },
	{ "\x80\x81\x82\x83\x84\x85\x86", 7, 0 },
};

START_TEST(test_valid)
{
	size_t	i;

	for (i = 0; i < nitems(valid_cases); i++) {
		ck_assert_msg(code_valid(valid_cases[i].code,
		    valid_cases[i].len) == valid_cases[i].valid,
		    "case %zu: code_valid(\"%s\", %zu) != %d", i,
		    valid_cases[i].code, valid_cases[i].len,
		    valid_cases[i].valid);
	}
	ck_assert_int_eq(code_valid(NULL, 7), 0);
	ck_assert_int_eq(code_valid(NULL, 0), 0);
	ck_assert_int_eq(code_damm("12345678901234", 14), 5);
}
END_TEST

/*
 * The design's promise: every single-digit error and every adjacent
 * transposition of two different digits turns a valid code invalid.
 */
START_TEST(test_random_typos)
{
	char	code[CODE_MAX], typo[CODE_MAX], c;
	size_t	i, pos, subs = 0, swaps = 0;
	int	d, zeros = 0;

	for (i = 0; i < RANDOM_CODES; i++) {
		memset(code, 'x', sizeof code);
		code_make(code, CODE_LEN - 1);
		/* Plain ifs: a passing ck_assert costs a message to the runner. */
		if (strlen(code) != CODE_LEN || !code_valid(code, CODE_LEN))
			ck_abort_msg("made %s", code);
		if (code[0] == '0')
			zeros++;
		for (pos = 0; pos < CODE_LEN; pos++) {
			for (d = '0'; d <= '9'; d++) {
				if (d == code[pos])
					continue;
				strcpy(typo, code);
				typo[pos] = (char)d;
				if (code_valid(typo, CODE_LEN))
					ck_abort_msg("%s -> %s passes", code,
					    typo);
				subs++;
			}
		}
		for (pos = 0; pos + 1 < CODE_LEN; pos++) {
			if (code[pos] == code[pos + 1])
				continue;
			strcpy(typo, code);
			c = typo[pos];
			typo[pos] = typo[pos + 1];
			typo[pos + 1] = c;
			if (code_valid(typo, CODE_LEN))
				ck_abort_msg("%s -> %s passes", code, typo);
			swaps++;
		}
	}
	ck_assert_uint_eq(subs, (size_t)RANDOM_CODES * CODE_LEN * 9);
	ck_assert_uint_gt(swaps, (size_t)RANDOM_CODES * 5);
	/* Payload digits are uniform: about a tenth start with 0. */
	ck_assert_int_gt(zeros, RANDOM_CODES / 20);
	ck_assert_int_lt(zeros, RANDOM_CODES / 5);
}
END_TEST

/* All 10^6 payloads, exhaustively: no typo of any code is another code. */
START_TEST(test_exhaustive_payloads)
{
	char		code[CODE_MAX], typo[CODE_MAX], c;
	unsigned int	v;
	size_t		pos;
	int		d;

	for (v = 0; v < 1000000; v++) {
		snprintf(code, sizeof code, "%06u", v);
		code[6] = '0' + code_damm(code, 6);
		code[7] = '\0';
		for (pos = 0; pos < CODE_LEN; pos++) {
			for (d = '0'; d <= '9'; d++) {
				if (d == code[pos])
					continue;
				strcpy(typo, code);
				typo[pos] = (char)d;
				if (code_damm(typo, CODE_LEN) == 0)
					ck_abort_msg("%s -> %s", code, typo);
			}
			if (pos + 1 < CODE_LEN && code[pos] != code[pos + 1]) {
				strcpy(typo, code);
				c = typo[pos];
				typo[pos] = typo[pos + 1];
				typo[pos + 1] = c;
				if (code_damm(typo, CODE_LEN) == 0)
					ck_abort_msg("%s -> %s", code, typo);
			}
		}
	}
}
END_TEST

START_TEST(test_make_lengths)
{
	char	code[CODE_MAX];
	size_t	payload;

	for (payload = 1; payload <= CODE_MAX - 2; payload++) {
		code_make(code, payload);
		ck_assert_uint_eq(strlen(code), payload + 1);
		ck_assert(code_valid(code, payload + 1));
	}
	/* Too long a payload is cut to what CODE_MAX holds. */
	code_make(code, 100);
	ck_assert_uint_eq(strlen(code), CODE_MAX - 1);
	ck_assert(code_valid(code, CODE_MAX - 1));
	code_make(code, 0);
	ck_assert_str_eq(code, "0");
}
END_TEST

static const struct {
	const char	*code;
	size_t		 outlen;
	const char	*want;
} group_cases[] = {
	{ "1234567", 16, "123 4567" },
	{ "1234566", 9, "123 4566" },
	{ "1234567", 8, "123 456" },	/* cut, still terminated */
	{ "1234567", 1, "" },
	{ "12345678", 16, "123 45678" },
	{ "1234", 16, "123 4" },
	{ "123", 16, "123" },
	{ "12", 16, "12" },
	{ "1", 16, "1" },
	{ "", 16, "" },
	{ "123456789012345", 32, "123 456789012345" },
};

START_TEST(test_group)
{
	char	out[32];
	size_t	i;

	for (i = 0; i < nitems(group_cases); i++) {
		memset(out, 'x', sizeof out);
		code_group(group_cases[i].code, out, group_cases[i].outlen);
		ck_assert_str_eq(out, group_cases[i].want);
	}
	memset(out, 'x', sizeof out);
	code_group(NULL, out, sizeof out);
	ck_assert_str_eq(out, "");
	out[0] = 'x';
	code_group("1234567", out, 0);
	ck_assert_int_eq(out[0], 'x');
}
END_TEST

/* How many positions a and b differ in, and whether b is a swap of a. */
static int
one_typo(const char *a, const char *b)
{
	size_t	i, len = strlen(a), diff = 0, first = 0;

	if (strlen(b) != len)
		return 0;
	for (i = 0; i < len; i++) {
		if (a[i] != b[i]) {
			if (diff == 0)
				first = i;
			diff++;
		}
	}
	if (diff == 1)
		return 1;
	return diff == 2 && first + 1 < len && a[first] == b[first + 1] &&
	    a[first + 1] == b[first] && a[first] != b[first];
}

/* Check the contract of code_neighbours on one input; returns the count. */
static size_t
check_neighbours(const char *code)
{
	char	out[CODE_NEIGHBOURS_MAX][CODE_MAX];
	size_t	n, i, j;

	n = code_neighbours(code, out, CODE_NEIGHBOURS_MAX);
	ck_assert_uint_le(n, CODE_NEIGHBOURS_MAX);
	for (i = 0; i < n; i++) {
		ck_assert_msg(code_valid(out[i], strlen(code)), "%s", out[i]);
		ck_assert_str_ne(out[i], code);
		ck_assert_msg(one_typo(code, out[i]), "%s vs %s", code, out[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(out[i], out[j]);
	}
	return n;
}

/* 1 if want is among the neighbours of code. */
static int
has_neighbour(const char *code, const char *want)
{
	char	out[CODE_NEIGHBOURS_MAX][CODE_MAX];
	size_t	n, i;

	n = code_neighbours(code, out, CODE_NEIGHBOURS_MAX);
	for (i = 0; i < n; i++) {
		if (strcmp(out[i], want) == 0)
			return 1;
	}
	return 0;
}

static const char *neighbour_inputs[] = {
	"1234560", "1234567", "2134566", "1243566", "0000001", "9999999",
	"1111111", "5724000", "0000000", "1234566", "5725", "99", "0123456",
	"123456789012340",
};

START_TEST(test_neighbours)
{
	char	out[CODE_NEIGHBOURS_MAX][CODE_MAX], code[CODE_MAX];
	char	typo[CODE_MAX], c;
	size_t	i, n, pos;
	int	d;

	for (i = 0; i < nitems(neighbour_inputs); i++)
		check_neighbours(neighbour_inputs[i]);

	/* A valid code has no valid neighbour (that is Damm's promise). */
	ck_assert_uint_eq(check_neighbours("1234566"), 0);
	ck_assert_uint_eq(check_neighbours("0000000"), 0);

	/* Every typo of a valid code leads back to it. */
	ck_assert(has_neighbour("1234560", "1234566"));
	ck_assert(has_neighbour("2134566", "1234566"));
	ck_assert(has_neighbour("1234656", "1234566"));
	ck_assert(has_neighbour("0000001", "0000000"));
	for (i = 0; i < 200; i++) {
		code_make(code, CODE_LEN - 1);
		for (pos = 0; pos < CODE_LEN; pos++) {
			d = '0' + (code[pos] - '0' + 1 + (int)(i % 9)) % 10;
			strcpy(typo, code);
			typo[pos] = (char)d;
			check_neighbours(typo);
			ck_assert_msg(has_neighbour(typo, code), "%s %s", typo,
			    code);
			if (pos + 1 < CODE_LEN && code[pos] != code[pos + 1]) {
				strcpy(typo, code);
				c = typo[pos];
				typo[pos] = typo[pos + 1];
				typo[pos + 1] = c;
				ck_assert(has_neighbour(typo, code));
			}
		}
	}

	/* Junk gives nothing; max is respected. */
	ck_assert_uint_eq(code_neighbours("12a4567", out, CODE_NEIGHBOURS_MAX),
	    0);
	ck_assert_uint_eq(code_neighbours("", out, CODE_NEIGHBOURS_MAX), 0);
	ck_assert_uint_eq(code_neighbours("5", out, CODE_NEIGHBOURS_MAX), 0);
	ck_assert_uint_eq(code_neighbours(NULL, out, CODE_NEIGHBOURS_MAX), 0);
	ck_assert_uint_eq(code_neighbours("12345678901234567", out,
	    CODE_NEIGHBOURS_MAX), 0);
	n = code_neighbours("1234560", out, CODE_NEIGHBOURS_MAX);
	ck_assert_uint_gt(n, 1);
	ck_assert_uint_eq(code_neighbours("1234560", out, 1), 1);
	ck_assert_uint_eq(code_neighbours("1234560", out, 0), 0);
}
END_TEST

static Suite *
code_suite(void)
{
	Suite	*s = suite_create("code");
	TCase	*tc = tcase_create("damm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_damm_vectors);
	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_random_typos);
	tcase_add_test(tc, test_exhaustive_payloads);
	tcase_add_test(tc, test_make_lengths);
	tcase_add_test(tc, test_group);
	tcase_add_test(tc, test_neighbours);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(code_suite());
}
