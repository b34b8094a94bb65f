/*
 * find.c: a venue code and a companion count anywhere in a folded text,
 * for the messages that are not a command of the grammar (parse.c): "toi
 * o quan pho, ma so 123 4567 nhe", "*1234567#", "12O 4567 +2 nguoi". The
 * Damm check digit and the dialog's active venue make this lenience safe;
 * what looks like a phone number, a date, an amount or a one-time password
 * is left alone. The words are tables: they are phrases, not grammar.
 */
#include <string.h>

#include "base/base.h"
#include "codec/code.h"
#include "core/find.h"

#define FIND_TOKENS_MAX		96	/* words and numbers in one text */
#define FIND_DIGITS_MAX		16	/* digits kept of one number */
#define FIND_SEP_MAX		3	/* separator characters inside a code */
#define FIND_COUNT_DIGITS	3	/* longest companion count */
#define FIND_SUBST_MIN		2	/* real digits a number with an O or l needs */
#define FIND_COUNT_GLUED	20	/* "+N" glued, before more digits */
#define FIND_RUNS_MAX		8	/* runs of code_len digits looked at */

/* Labels glued to a code: "ma1234567", "code:1234567" is two words. */
static const char *find_labels[] = {
	"ci", "ma", "ms", "maso", "so", "qr", "code", "checkin", "no", "id",
};

/* Words before a companion count: "them 2", "cung 2", "va 2 ban", "with 2". */
static const char *find_count_before[] = {
	"them",		/* "thêm" */
	"cung",		/* "cùng" */
	"va",		/* "và" */
	"voi",		/* "với" */
	"kem",		/* "kèm" */
	"with",
	"and",
	"plus",
};

/* Words after a companion count: "2 nguoi", "2 ban", "2 people". */
static const char *find_count_after[] = {
	"nguoi",	/* "người" */
	"ng",
	"ban",		/* "bạn" */
	"nua",		/* "nữa": "them 2 nua" */
	"people",
	"persons",
	"person",
	"pax",
	"friends",
	"friend",
	"others",
	"guests",
};

/* Words that make the number before them an amount: "1.500.000 dong". */
static const char *find_currencies[] = {
	"k", "d", "dong", "vnd", "tr", "trieu", "nghin", "ngan", "ty", "xu",
	"usd", "dollars", "dollar",
};

/* Words that make the number after them something else than a code. */
static const char *find_not_codes[] = {
	"sdt", "dt", "thoai", "tel", "phone", "hotline", "zalo", "fax",
	"otp", "pin", "mk", "stk", "khoan", "gia", "tien", "price",
};

/* Words that make a whole text a one-time password, never a check-in. */
static const char *find_passwords[] = {
	"otp", "passcode", "verification",
};

enum find_kind {
	FIND_WORD,	/* letters */
	FIND_NUM,	/* digits (maybe after a label, or with O and l) */
	FIND_COUNT,	/* a count glued to its word: "x3", "2nguoi" */
	FIND_OTHER,	/* "200k", "10h30", "abc123" */
};

struct find_token {
	const char	*s, *e;
	enum find_kind	 kind;
	int		 pure;		/* FIND_NUM of digits alone */
	size_t		 ndigits;
	char		 digits[FIND_DIGITS_MAX + 1];
	int		 value;		/* FIND_COUNT */
	int		 used;		/* taken for a companion count */
};

struct find_ctx {
	const char		*p, *end;
	struct find_token	 t[FIND_TOKENS_MAX];
	size_t			 n;
};

static int
find_is_letter(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
find_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 1 if [s, e) is one of the words of table. */
static int
find_word_in(const char *s, const char *e, const char **table, size_t n)
{
	size_t	i, len = e - s;

	for (i = 0; i < n; i++) {
		if (table[i][0] == *s && strlen(table[i]) == len &&
		    memcmp(table[i], s, len) == 0)
			return 1;
	}
	return 0;
}

static int
find_token_is(const struct find_token *t, const char **table, size_t n)
{
	return t->kind == FIND_WORD && find_word_in(t->s, t->e, table, n);
}

/* The value of up to FIND_COUNT_DIGITS digits [s, e), or -1. */
static int
find_number(const char *s, const char *e)
{
	int	v = 0;

	if (e - s < 1 || e - s > FIND_COUNT_DIGITS)
		return -1;
	for (; s < e; s++)
		v = v * 10 + (*s - '0');
	return v;
}

/* Keep the digits [s, e) in t, O and l read as 0 and 1. */
static void
find_keep(struct find_token *t, const char *s, const char *e)
{
	char	c;

	t->kind = FIND_NUM;
	t->pure = 1;
	for (; s < e; s++) {
		c = *s;
		if (c == 'o')
			c = '0';
		else if (c == 'l' || c == 'i')
			c = '1';
		if (c != *s)
			t->pure = 0;
		if (t->ndigits < FIND_DIGITS_MAX)
			t->digits[t->ndigits] = c;
		t->ndigits++;
	}
	t->digits[t->ndigits < FIND_DIGITS_MAX ? t->ndigits : FIND_DIGITS_MAX] = '\0';
}

/* What the token [t->s, t->e) is. */
static void
find_classify(struct find_token *t)
{
	const char	*q, *mid;
	size_t		 digits = 0, letters = 0, subst = 0;

	for (q = t->s; q < t->e; q++) {
		if (find_is_digit(*q))
			digits++;
		else {
			letters++;
			if (*q == 'o' || *q == 'l' || *q == 'i')
				subst++;
		}
	}
	t->kind = FIND_OTHER;
	if (digits == 0) {
		t->kind = FIND_WORD;
		return;
	}
	if (letters == 0) {
		find_keep(t, t->s, t->e);
		return;
	}
	/* Letters then digits: "ma1234567", "x3". */
	for (mid = t->s; mid < t->e && find_is_letter(*mid); mid++)
		;
	if (mid > t->s && (size_t)(t->e - mid) == digits) {
		if (find_word_in(t->s, mid, find_labels, nitems(find_labels))) {
			find_keep(t, mid, t->e);
			return;
		}
		if (mid - t->s == 1 && *t->s == 'x' &&
		    (t->value = find_number(mid, t->e)) != -1) {
			t->kind = FIND_COUNT;
			t->value = t->value > 0 ? t->value - 1 : -1;
			return;
		}
	}
	/* Digits then letters: "2nguoi", "3ng". */
	for (mid = t->s; mid < t->e && find_is_digit(*mid); mid++)
		;
	if ((size_t)(mid - t->s) == digits && find_word_in(mid, t->e,
	    find_count_after, nitems(find_count_after)) &&
	    (t->value = find_number(t->s, mid)) != -1) {
		t->kind = FIND_COUNT;
		return;
	}
	/* A keypad slip: "12O4567", "l234567". */
	if (subst == letters && letters <= 2 && letters < digits &&
	    digits >= FIND_SUBST_MIN)
		find_keep(t, t->s, t->e);
}

/* 1 if [s, e) has min to max characters, all of set (never a NUL). */
static int
find_gap_of(const char *s, const char *e, const char *set, size_t min,
    size_t max)
{
	if ((size_t)(e - s) < min || (size_t)(e - s) > max)
		return 0;
	for (; s < e; s++) {
		if (*s == '\0' || strchr(set, *s) == NULL)
			return 0;
	}
	return 1;
}

/* Do tokens i and i + 1 belong to one run of digits? */
static int
find_joined(const struct find_ctx *c, size_t i)
{
	return i + 1 < c->n && c->t[i].kind == FIND_NUM &&
	    c->t[i + 1].kind == FIND_NUM && !c->t[i].used &&
	    !c->t[i + 1].used &&
	    find_gap_of(c->t[i].e, c->t[i + 1].s, " .-", 1, FIND_SEP_MAX);
}

/* The characters before token i: from the previous token, or the start. */
static const char *
find_gap_start(const struct find_ctx *c, size_t i)
{
	return i > 0 ? c->t[i - 1].e : c->p;
}

/* The companion count token i says, -1 if none, -2 if an absurd one ("x0"). */
static int
find_count_at(const struct find_ctx *c, size_t i)
{
	const struct find_token	*t = &c->t[i];
	const char		*gs = find_gap_start(c, i), *q;
	int			 v;

	if (t->kind == FIND_COUNT)
		return t->value < 0 ? -2 : t->value;
	if (t->kind != FIND_NUM || !t->pure)
		return -1;
	if ((v = find_number(t->s, t->e)) == -1)
		return -1;
	/* "2 nguoi" even right after the code: "123 4567 2 nguoi". */
	if (i + 1 < c->n && find_token_is(&c->t[i + 1], find_count_after,
	    nitems(find_count_after)) &&
	    find_gap_of(t->e, c->t[i + 1].s, " ", 1, 1))
		return v;
	/* "+2 123 4567": glued to its "+", a count, but not "+84 912 345 678". */
	if (t->s > c->p && t->s[-1] == '+' && v <= FIND_COUNT_GLUED)
		return v;
	if (find_joined(c, i))
		return -1;
	/* "+ 2", "(1234567) +2", "1234567#, +2". */
	for (q = t->s; q > gs && q[-1] == ' '; q--)
		;
	if (q > gs && q[-1] == '+')
		return v;
	if (i > 0 && find_gap_of(gs, t->s, "+ ", 1, 3)) {
		if (find_token_is(&c->t[i - 1], find_count_before,
		    nitems(find_count_before)))
			return v;
		if (c->t[i - 1].e - c->t[i - 1].s == 1 && *c->t[i - 1].s == 'x')
			return v > 0 ? v - 1 : -2;
	}
	return -1;
}

/* Is the run of tokens [i, j] something else than a code? */
static int
find_not_code(const struct find_ctx *c, size_t i, size_t j)
{
	const char	*gs = find_gap_start(c, i), *q;
	size_t		 k, len, ngroups = j - i + 1;
	int		 dots = 1, thousands = 1;

	/* "+84 912 345 678", "$1234567". */
	for (q = c->t[i].s; q > gs && q[-1] == ' '; q--)
		;
	if (q > gs && (q[-1] == '+' || q[-1] == '$'))
		return 1;
	if (i > 0 && find_token_is(&c->t[i - 1], find_not_codes,
	    nitems(find_not_codes)) && find_gap_of(gs, c->t[i].s, " :.-", 1, 3))
		return 1;
	if (j + 1 < c->n && find_token_is(&c->t[j + 1], find_currencies,
	    nitems(find_currencies)) && find_gap_of(c->t[j].e, c->t[j + 1].s,
	    " ", 0, 1))
		return 1;
	/* "2.11.2021", "2-11-2021". */
	if (ngroups == 3 && c->t[i].ndigits <= 2 && c->t[i + 1].ndigits <= 2 &&
	    c->t[j].ndigits == 4)
		return 1;
	/* "1.500.000": an amount, not a code. */
	for (k = i; k <= j; k++) {
		len = c->t[k].ndigits;
		if (k == i ? len > 3 : len != 3)
			thousands = 0;
		if (k > i && (c->t[k].s - c->t[k - 1].e != 1 ||
		    c->t[k].s[-1] != '.'))
			dots = 0;
	}
	return ngroups >= 3 && thousands && dots;
}

size_t
find_code(const char *p, const char *end, size_t code_len,
    struct find_result *r)
{
	struct find_ctx	 c;
	char		 runs[FIND_RUNS_MAX][CODE_MAX];
	const char	*q;
	size_t		 i, j, k, n, nruns = 0, nvalid;
	int		 v;

	memset(r, 0, sizeof *r);
	if (code_len == 0 || code_len >= CODE_MAX || code_len > FIND_DIGITS_MAX)
		return 0;

	/* A run has more digits than O and l: too few digits, no code. */
	for (q = p, n = 0; q < end; q++)
		n += find_is_digit(*q);
	if (n * 2 <= code_len)
		return 0;

	/* Words and numbers: runs of ASCII letters and digits. */
	c.p = p;
	c.end = end;
	c.n = 0;
	for (q = p; q < end;) {
		if (!find_is_letter(*q) && !find_is_digit(*q)) {
			q++;
			continue;
		}
		if (c.n == nitems(c.t))
			return 0;
		memset(&c.t[c.n], 0, sizeof c.t[c.n]);
		c.t[c.n].s = q;
		while (q < end && (find_is_letter(*q) || find_is_digit(*q)))
			q++;
		c.t[c.n].e = q;
		find_classify(&c.t[c.n]);
		if (find_token_is(&c.t[c.n], find_passwords,
		    nitems(find_passwords)))
			return 0;
		c.n++;
	}

	/* Companion counts first, so that their digits never join a code. */
	for (i = 0; i < c.n; i++) {
		if ((v = find_count_at(&c, i)) == -1)
			continue;
		c.t[i].used = 1;
		if (v == -2 || v > 999)
			v = -1;
		if (r->counted && r->companions != v)
			v = -1;
		r->counted = 1;
		r->companions = v;
	}

	/* Runs of digits, each a token or tokens joined by separators. */
	for (i = 0; i < c.n; i = j + 1) {
		j = i;
		if (c.t[i].kind != FIND_NUM || c.t[i].used)
			continue;
		for (n = c.t[i].ndigits; find_joined(&c, j); j++)
			n += c.t[j + 1].ndigits;
		if (n != code_len || find_not_code(&c, i, j) ||
		    nruns == nitems(runs))
			continue;
		runs[nruns][0] = '\0';
		for (k = i; k <= j; k++)
			strlcat(runs[nruns], c.t[k].digits, sizeof runs[nruns]);
		for (k = 0; k < nruns && strcmp(runs[k], runs[nruns]) != 0; k++)
			;
		if (k == nruns)
			nruns++;
	}

	/* One run whatever its check digit; among several, the valid ones. */
	if (nruns == 1) {
		strlcpy(r->codes[0], runs[0], sizeof r->codes[0]);
		return r->ncodes = 1;
	}
	for (i = 0, nvalid = 0; i < nruns && nvalid < FIND_CODES; i++) {
		if (code_valid(runs[i], code_len))
			strlcpy(r->codes[nvalid++], runs[i], sizeof r->codes[0]);
	}
	return r->ncodes = nvalid;
}
