/*
 * fuzz-parse.c: libFuzzer target for the normaliser (text.c), the SMS
 * grammar (parse.c) and the code finder it falls back on (find.c). The input is an inbound SMS text as any channel could
 * hand it over: any bytes, invalid UTF-8 and NULs included. Besides the
 * sanitizers, it checks what text.h and parse.h promise of the results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/text.h"
#include "core/find.h"
#include "core/parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A broken promise is a finding: say which, and abort for libFuzzer. */
static __dead void
fuzz_fail(const char *what, const char *s)
{
	char	buf[256];

	fprintf(stderr, "fuzz-parse: %s: \"%s\"\n", what,
	    log_escape(s, strlen(s), buf, sizeof buf));
	abort();
}

/* Well-formed UTF-8 without NUL (strlen is the length). */
static void
fuzz_check_utf8(const char *what, const char *s)
{
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		fuzz_fail(what, s);
}

/* text_clean: no controls, trimmed, single spaces, at most TEXT_MAX bytes in. */
static void
fuzz_check_clean(const char *s)
{
	size_t	i, n = strlen(s);

	fuzz_check_utf8("text_clean: invalid UTF-8", s);
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		fuzz_fail("text_clean: not trimmed", s);
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			fuzz_fail("text_clean: control byte", s);
		if (s[i] == ' ' && s[i + 1] == ' ')
			fuzz_fail("text_clean: two spaces", s);
	}
}

/* What parse.h promises of a result. */
static void
fuzz_check_parse(const char *folded, size_t code_len, const struct parse_result *r)
{
	size_t	n;

	if ((int)r->kind < PARSE_EMPTY || r->kind > PARSE_UNKNOWN)
		fuzz_fail("parse: kind out of range", folded);
	if (strcmp(parse_kind_name(r->kind), "invalid") == 0)
		fuzz_fail("parse: kind without a name", folded);
	n = strnlen(r->code, sizeof r->code);
	if (n == sizeof r->code)
		fuzz_fail("parse: code not terminated", folded);
	if (strspn(r->code, "0123456789") != n)
		fuzz_fail("parse: code not digits", folded);
	switch (r->kind) {
	case PARSE_CHECKIN:
		if (n != code_len)
			fuzz_fail("parse: checkin with a code of the wrong length", folded);
		if (r->companions < 0 || r->companions > PARSE_COMPANIONS_MAX)
			fuzz_fail("parse: checkin with companions out of range", folded);
		break;
	case PARSE_BADCODE:
		if (n == code_len && code_len < CODE_MAX)
			fuzz_fail("parse: badcode with a good length", folded);
		break;
	case PARSE_BADCOUNT:
		if (r->companions >= 0 && r->companions <= PARSE_COMPANIONS_MAX)
			fuzz_fail("parse: badcount with a good count", folded);
		break;
	case PARSE_TWOCODES:
		if (!code_valid(r->code, code_len) ||
		    !code_valid(r->code2, code_len))
			fuzz_fail("parse: twocodes with an invalid code", folded);
		if (strcmp(r->code, r->code2) == 0)
			fuzz_fail("parse: twocodes with one code twice", folded);
		break;
	case PARSE_LANG:
		if ((int)r->lang < 0 || r->lang >= LANG_COUNT)
			fuzz_fail("parse: language out of range", folded);
		break;
	case PARSE_EMPTY:
		if (*folded != '\0')
			fuzz_fail("parse: empty for a text", folded);
		break;
	default:
		break;
	}
}

/* What find.h promises, on any bytes, not only folded text. */
static void
fuzz_check_find(const char *p, const char *end, size_t code_len)
{
	struct find_result	f;
	size_t			i, n;

	memset(&f, 0xa5, sizeof f);
	n = find_code(p, end, code_len, &f);
	if (n != f.ncodes || n > FIND_CODES)
		fuzz_fail("find: ncodes", "");
	for (i = 0; i < n; i++) {
		if (strnlen(f.codes[i], CODE_MAX) != code_len ||
		    strspn(f.codes[i], "0123456789") != code_len)
			fuzz_fail("find: a code of the wrong length", f.codes[i]);
		if (n > 1 && !code_valid(f.codes[i], code_len))
			fuzz_fail("find: one of two codes invalid", f.codes[i]);
	}
	if (n == 2 && strcmp(f.codes[0], f.codes[1]) == 0)
		fuzz_fail("find: one code twice", f.codes[0]);
	if (f.counted != 0 && f.counted != 1)
		fuzz_fail("find: counted", "");
	if (f.counted && f.companions < -1)
		fuzz_fail("find: companions", "");
}

/* text_cut: a prefix of s, well-formed, at most maxchars characters. */
static void
fuzz_check_cut(const char *s, size_t maxchars)
{
	char	*cut;
	size_t	 n;

	cut = text_cut(s, maxchars);
	fuzz_check_utf8("text_cut: invalid UTF-8", cut);
	n = strlen(cut);
	if (strncmp(cut, s, n) != 0)
		fuzz_fail("text_cut: not a prefix", cut);
	if (u8_mbsnlen((const uint8_t *)cut, n) > maxchars)
		fuzz_fail("text_cut: too long", cut);
	free(cut);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 init;
	struct parse_result	 r;
	char			*clean, *folded, *unacc;
	size_t			 len;

	if (!init) {
		log_init(1, -1);
		init = 1;
	}

	clean = text_clean((const char *)data, size);
	fuzz_check_clean(clean);
	folded = text_fold((const char *)data, size);
	fuzz_check_utf8("text_fold: invalid UTF-8", folded);
	unacc = text_unaccent(clean);
	fuzz_check_utf8("text_unaccent: invalid UTF-8", unacc);

	/* Every code length the configuration allows (code_digits 4..9, plus one). */
	for (len = 5; len <= 10; len++) {
		memset(&r, 0xa5, sizeof r);
		parse_message(folded, len, &r);
		fuzz_check_parse(folded, len, &r);
		fuzz_check_find(folded, folded + strlen(folded), len);
	}
	/* The finder reads raw bytes too: a buffer of exactly the input. */
	{
		char	*raw = xmalloc(size > 0 ? size : 1);

		memcpy(raw, data, size);
		fuzz_check_find(raw, raw + size, 7);
		free(raw);
	}

	fuzz_check_cut(clean, size % 200);
	fuzz_check_cut(folded, 182);

	free(unacc);
	free(folded);
	free(clean);
	return 0;
}
