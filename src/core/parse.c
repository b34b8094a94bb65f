/* parse.c: what a resident's SMS means (DESIGN.md, "What a visitor can text"). */
#include <string.h>

#include "base/base.h"
#include "codec/msg.h"
#include "core/find.h"
#include "core/parse.h"

#define PARSE_BADCODE_MIN	4	/* fewer digits alone are not taken for a code */
#define PARSE_BADCODE_MAX	12	/* more digits alone are not taken for a code */
#define PARSE_SEP_MAX		3	/* separator characters between two code digits */
#define PARSE_COUNT_DIGITS	6	/* longest companion count kept in a BADCOUNT */
#define PARSE_WORD_COUNT_DIGITS	3	/* longest count after "them" or "va" */

/*
 * The keywords are data (codec/msg.c's built-in table, or the
 * configuration's): what each meaning is here.
 */
static const enum parse_kind parse_kw_kinds[KW_COUNT] = {
	[KW_CHECKIN] = PARSE_CHECKIN,
	[KW_CHECKOUT] = PARSE_CHECKOUT,
	[KW_YES] = PARSE_YES,
	[KW_NO] = PARSE_NO,
	[KW_DECLARE] = PARSE_DECLARE,
	[KW_HELP] = PARSE_HELP,
	[KW_STOP] = PARSE_STOP,
	[KW_START] = PARSE_START,
	[KW_HISTORY] = PARSE_HISTORY,
	[KW_STATS] = PARSE_STATS,
	[KW_INSPECT] = PARSE_UNKNOWN,		/* core/ward.c reads these */
	[KW_RESULT_OK] = PARSE_UNKNOWN,
	[KW_RESULT_VIOLATION] = PARSE_UNKNOWN,
	[KW_RESULT_CLOSED] = PARSE_UNKNOWN,
	[KW_REGISTER] = PARSE_UNKNOWN,
	[KW_LANG] = PARSE_LANG,
};

/* A keyword before a code (checkin, checkout), not a whole message. */
static int
parse_kw_prefix(const struct msg_keyword *k)
{
	return k->kw == KW_CHECKIN || k->kw == KW_CHECKOUT;
}

/* What may introduce a companion count after the code: "+2", "them 2". */
static const char *parse_count_words[] = {
	"+",
	"them",		/* "thêm" */
	"va",		/* "và" */
};

/* What may follow a companion count: "+2 nguoi". */
static const char *parse_count_units[] = {
	"nguoi",	/* "người" */
	"ng",
	"people",
	"persons",
	"person",
	"pax",
};

static const char *parse_names[] = {
	[PARSE_EMPTY] = "empty",
	[PARSE_CHECKIN] = "checkin",
	[PARSE_BADCODE] = "badcode",
	[PARSE_BADCOUNT] = "badcount",
	[PARSE_CHECKOUT] = "checkout",
	[PARSE_YES] = "yes",
	[PARSE_NO] = "no",
	[PARSE_DECLARE] = "declare",
	[PARSE_HELP] = "help",
	[PARSE_LANG] = "lang",
	[PARSE_STOP] = "stop",
	[PARSE_START] = "start",
	[PARSE_HISTORY] = "history",
	[PARSE_STATS] = "stats",
	[PARSE_TWOCODES] = "twocodes",
	[PARSE_UNKNOWN] = "unknown",
};

/* Punctuation a resident may end a message with; it means nothing. */
static const char parse_trailing[] = ".!?,;:";

/* What may glue a keyword to its code: "ma: 123", "ci#123", "ma-123". */
static const char parse_glue[] = " :.#=-";

/* What may group the digits of a code: "123 4567", "123.4567", "123-4567". */
static const char parse_separators[] = " .-";

static int
parse_is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
parse_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
parse_is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

/* 1 if c (never NUL) is one of set. */
static int
parse_in(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

/*
 * If [p, end) starts with word and the word is not the start of a longer
 * word, the length of word; else 0.
 */
static size_t
parse_starts(const char *p, const char *end, const char *word)
{
	size_t	len;

	if (p >= end || *p != word[0])
		return 0;
	len = strlen(word);
	if ((size_t)(end - p) < len || memcmp(p, word, len) != 0)
		return 0;
	if (p + len < end && parse_is_letter(word[len - 1]) &&
	    parse_is_letter(p[len]))
		return 0;
	return len;
}

/* The whole-message command that [p, end) is, or NULL. */
static const struct msg_keyword *
parse_find_word(const struct msg_keyword *kw, size_t nkw, const char *p,
    const char *end)
{
	size_t	i, len = end - p;

	for (i = 0; i < nkw; i++) {
		if (kw[i].word[0] == *p && !parse_kw_prefix(&kw[i]) &&
		    (unsigned)kw[i].kw < KW_COUNT && strlen(kw[i].word) == len &&
		    memcmp(kw[i].word, p, len) == 0)
			return &kw[i];
	}
	return NULL;
}

/* The longest keyword [p, end) starts with, or NULL. */
static const struct msg_keyword *
parse_find_prefix(const struct msg_keyword *kw, size_t nkw, const char *p,
    const char *end, size_t *lenp)
{
	const struct msg_keyword	*best = NULL;
	size_t				 i, len;

	*lenp = 0;
	for (i = 0; i < nkw; i++) {
		if (!parse_kw_prefix(&kw[i]) || kw[i].word[0] == '\0')
			continue;
		len = parse_starts(p, end, kw[i].word);
		if (len > *lenp) {
			best = &kw[i];
			*lenp = len;
		}
	}
	return best;
}

/* The first word of table that [p, end) starts with: its length, or 0. */
static size_t
parse_find_in(const char *p, const char *end, const char **table, size_t n)
{
	size_t	i, len;

	for (i = 0; i < n; i++) {
		if ((len = parse_starts(p, end, table[i])) != 0)
			return len;
	}
	return 0;
}

static const char *
parse_skip_spaces(const char *p, const char *end)
{
	while (p < end && parse_is_space(*p))
		p++;
	return p;
}

/*
 * Read the digits of a code from *pp: digits, and between two digits at
 * most PARSE_SEP_MAX separators. The first CODE_MAX - 1 digits go to code.
 * Returns how many digits there were.
 */
static size_t
parse_digits(const char **pp, const char *end, char code[CODE_MAX])
{
	const char	*p = *pp, *q;
	size_t		 n = 0;

	while (p < end) {
		if (parse_is_digit(*p)) {
			if (n < CODE_MAX - 1)
				code[n] = *p;
			n++;
			p++;
			continue;
		}
		for (q = p; q < end && q - p < PARSE_SEP_MAX &&
		    parse_in(*q, parse_separators); q++)
			;
		if (q == p || q == end || !parse_is_digit(*q))
			break;
		p = q;
	}
	code[n < CODE_MAX - 1 ? n : CODE_MAX - 1] = '\0';
	*pp = p;
	return n;
}

/*
 * Read a companion count ("+2", "+ 2 nguoi", "them 2") from *pp. Returns 0
 * if there is none, 1 with the count in *count (-1 if absurdly long), -1 if
 * the introducing word has no number after it.
 */
static int
parse_count(const char **pp, const char *end, int *count)
{
	const char	*p, *digits, *errstr;
	char		 buf[PARSE_COUNT_DIGITS + 1];
	size_t		 len, n;

	p = parse_skip_spaces(*pp, end);
	len = parse_find_in(p, end, parse_count_words,
	    nitems(parse_count_words));
	if (len == 0)
		return 0;
	p = parse_skip_spaces(p + len, end);
	for (digits = p; p < end && parse_is_digit(*p); p++)
		;
	if ((n = p - digits) == 0)
		return -1;
	/* "va 765 4321" is another code, not a count: the finder's. */
	if (len != 1 && n > PARSE_WORD_COUNT_DIGITS)
		return -1;
	if (n > PARSE_COUNT_DIGITS)
		*count = -1;
	else {
		memcpy(buf, digits, n);
		buf[n] = '\0';
		*count = num_parse(buf, 0, 999999, &errstr);
	}
	p = parse_skip_spaces(p, end);
	p += parse_find_in(p, end, parse_count_units,
	    nitems(parse_count_units));
	*pp = p;
	return 1;
}

/* [KW] CODE [+N] and RA [CODE]: fills r, or makes it PARSE_UNKNOWN. */
static void
parse_code(const struct msg_keyword *kws, size_t nkws, const char *p,
    const char *end, size_t code_len, struct parse_result *r)
{
	const struct msg_keyword	*kw;
	enum parse_kind			 kind = PARSE_CHECKIN;
	size_t				 len, n;
	int				 count = 0, counted;

	r->kind = PARSE_UNKNOWN;
	if ((kw = parse_find_prefix(kws, nkws, p, end, &len)) != NULL) {
		kind = parse_kw_kinds[kw->kw];
		for (p += len; p < end && parse_in(*p, parse_glue); p++)
			;
		if (p == end) {
			/* "ra" alone closes the last check-in; "ci" alone is no code. */
			if (kind == PARSE_CHECKOUT)
				r->kind = PARSE_CHECKOUT;
			return;
		}
	}
	if (!parse_is_digit(*p))
		return;
	n = parse_digits(&p, end, r->code);
	if ((counted = parse_count(&p, end, &count)) == -1)
		return;
	if (parse_skip_spaces(p, end) != end)
		return;
	if (counted && kind == PARSE_CHECKOUT)
		return;

	/* A code_len no code buffer can hold makes every code a wrong one. */
	if (n != code_len || code_len >= CODE_MAX) {
		if (kw != NULL ||
		    (n >= PARSE_BADCODE_MIN && n <= PARSE_BADCODE_MAX))
			r->kind = PARSE_BADCODE;
		return;
	}
	r->companions = count;
	if (count < 0 || count > PARSE_COMPANIONS_MAX)
		r->kind = PARSE_BADCOUNT;
	else
		r->kind = kind;
}

/*
 * Is k a command word of its own, one that starts with a letter: not a
 * check-in, yes, no or a language (checkout, stop, help, ...)?
 */
static int
parse_commands(const struct msg_keyword *k)
{
	if (!parse_is_letter(k->word[0]))
		return 0;
	switch (k->kw) {
	case KW_CHECKIN:
	case KW_YES:
	case KW_NO:
	case KW_LANG:
	case KW_RESULT_OK:		/* words of a KT, common words alone */
	case KW_RESULT_VIOLATION:
	case KW_RESULT_CLOSED:
		return 0;
	default:
		return 1;
	}
}

/*
 * Does a word of [p, end) give the text a meaning of its own: a command
 * other than yes, no, a language or a check-in ("stop 1234567", "ra
 * 1234567 +2", "kb 1234567")? Then no code is looked for in it. Only
 * words that start with a letter are looked for.
 */
static int
parse_commanded(const struct msg_keyword *kws, size_t nkws, const char *p,
    const char *end)
{
	const char	*q;
	uint32_t	 first = 0;	/* the letters a command word starts with */
	size_t		 i;

	for (i = 0; i < nkws; i++) {
		if (parse_commands(&kws[i]))
			first |= 1U << (kws[i].word[0] - 'a');
	}
	for (q = p; q < end; q++) {
		if (!parse_is_letter(*q) || (first & (1U << (*q - 'a'))) == 0 ||
		    (q > p && (parse_is_letter(q[-1]) || parse_is_digit(q[-1]))))
			continue;
		for (i = 0; i < nkws; i++) {
			if (kws[i].word[0] == *q && parse_commands(&kws[i]) &&
			    parse_starts(q, end, kws[i].word) != 0)
				return 1;
		}
	}
	return 0;
}

/* A code anywhere in a text the grammar does not place (find.h). */
static void
parse_anywhere(const struct msg_keyword *kws, size_t nkws, const char *p,
    const char *end, size_t code_len, struct parse_result *r)
{
	struct find_result	f;

	if (find_code(p, end, code_len, &f) == 0 ||
	    parse_commanded(kws, nkws, p, end))
		return;
	strlcpy(r->code, f.codes[0], sizeof r->code);
	if (f.ncodes > 1) {
		strlcpy(r->code2, f.codes[1], sizeof r->code2);
		r->kind = PARSE_TWOCODES;
		return;
	}
	r->companions = f.counted ? f.companions : 0;
	if (r->companions < 0 || r->companions > PARSE_COMPANIONS_MAX)
		r->kind = PARSE_BADCOUNT;
	else
		r->kind = PARSE_CHECKIN;
}

void
parse_message(const char *folded, size_t code_len, struct parse_result *r)
{
	parse_message_words(NULL, folded, code_len, r);
}

void
parse_message_words(const struct msg_texts *words, const char *folded,
    size_t code_len, struct parse_result *r)
{
	const struct msg_keyword	*w, *kws;
	const char			*p, *end;
	size_t				 nkws;

	memset(r, 0, sizeof *r);
	r->lang = LANG_VI;
	r->kind = PARSE_EMPTY;
	if (folded == NULL)
		return;

	p = folded;
	end = p + strlen(p);
	p = parse_skip_spaces(p, end);
	while (end > p && parse_is_space(end[-1]))
		end--;
	if (p == end)
		return;
	r->kind = PARSE_UNKNOWN;
	if (end - p > PARSE_LINE_MAX)
		return;
	kws = msg_keywords(words, &nkws);

	/* "?" is a command; "co." and "1234567!" are the same as without. */
	if ((w = parse_find_word(kws, nkws, p, end)) == NULL) {
		while (end - p > 1 && (parse_in(end[-1], parse_trailing) ||
		    parse_is_space(end[-1])))
			end--;
		w = parse_find_word(kws, nkws, p, end);
	}
	if (w != NULL) {
		r->kind = parse_kw_kinds[w->kw];
		if (w->kw == KW_LANG)
			r->lang = (enum lang)w->lang;
		return;
	}
	parse_code(kws, nkws, p, end, code_len, r);
	if (r->kind == PARSE_UNKNOWN)
		parse_anywhere(kws, nkws, p, end, code_len, r);
	if (r->kind == PARSE_UNKNOWN) {
		memset(r->code, 0, sizeof r->code);
		r->companions = 0;
	}
}

const char *
parse_kind_name(enum parse_kind kind)
{
	if ((size_t)kind >= nitems(parse_names) || parse_names[kind] == NULL)
		return "invalid";
	return parse_names[kind];
}
