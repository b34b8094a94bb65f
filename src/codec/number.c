/* number.c: senders and receivers as gateways hand them over, made E.164. */
#include <stdint.h>
#include <string.h>

#include <unistr.h>

#include "codec/number.h"

#define NUMBER_E164_MIN		8	/* digits after "+", country code included */
#define NUMBER_E164_MAX		15	/* ITU-T E.164 section 6.1 */
#define NUMBER_RAW_MAX		17	/* "00" and 15 digits */
#define NUMBER_ALPHA_CHARS	11	/* 3GPP TS 23.040 9.1.2.5: 11 characters */

/* How a matched rule turns its digits (prefix removed) into the normal form. */
enum number_form {
	NUMBER_FORM_INTL,	/* digits are country code and number */
	NUMBER_FORM_NATIONAL,	/* digits follow the configured country code */
	NUMBER_FORM_SHORT,	/* digits kept as they are */
};

/*
 * The shapes of a numeric address, tried in order; the first whose "+",
 * prefix and digit count match decides. Digits of 8 or 9 with neither "+"
 * nor "0" are read as a national number whose trunk 0 the SMSC dropped
 * (Vietnamese mobile numbers have 9 digits after the 0, and some SMSCs
 * deliver them so). From 10 digits on, bare digits are read as an
 * international number whose "+" was dropped (an SMPP source_addr with TON
 * international carries no "+"); this covers "84912345678" and a foreign
 * number alike. 1, 2 or more than 15 bare digits fit no rule.
 */
static const struct number_rule {
	int			 plus;
	const char		*prefix;
	size_t			 min;		/* digits, prefix included */
	size_t			 max;
	enum number_form	 form;
} number_rules[] = {
	/* "+" and country code */
	{ 1, "", 0, NUMBER_RAW_MAX, NUMBER_FORM_INTL },
	/* "00" (international prefix) and country code */
	{ 0, "00", 0, NUMBER_RAW_MAX, NUMBER_FORM_INTL },
	/* national number with its trunk 0 */
	{ 0, "0", 0, NUMBER_RAW_MAX, NUMBER_FORM_NATIONAL },
	/* short code such as 8088 */
	{ 0, "", 3, 7, NUMBER_FORM_SHORT },
	/* national number whose trunk 0 was dropped */
	{ 0, "", 8, 9, NUMBER_FORM_NATIONAL },
	/* country code and number whose "+" was dropped */
	{ 0, "", 10, NUMBER_E164_MAX, NUMBER_FORM_INTL },
};

/* 1 if c only separates digit groups: "+84 (91) 234-56.78". */
static int
number_is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' ||
	    c == ')';
}

/* 1 if s holds an ASCII letter anywhere. */
static int
number_has_letter(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			return 1;
	}
	return 0;
}

/*
 * Copy an alphanumeric sender: valid UTF-8 only, without surrounding
 * whitespace and control characters, cut to 11 characters and to out.
 */
static enum number_kind
number_alpha(const char *in, char out[NUMBER_MAX])
{
	const uint8_t	*s = (const uint8_t *)in, *end;
	size_t		 len, o = 0, chars = 0;
	ucs4_t		 uc;
	int		 n;

	len = strlen(in);
	if (u8_check(s, len) != NULL)
		return NUMBER_INVALID;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	end = s + len;
	for (; s < end && chars < NUMBER_ALPHA_CHARS; s += n) {
		n = u8_mbtoucr(&uc, s, end - s);
		if (uc < 0x20 || (uc >= 0x7f && uc < 0xa0))
			continue;
		if (o + (size_t)n >= NUMBER_MAX)
			break;
		memcpy(out + o, s, n);
		o += n;
		chars++;
	}
	out[o] = '\0';
	return NUMBER_ALPHA;
}

/* 1 if cc is a country code: 1 to 3 digits, the first not 0. */
static int
number_cc_ok(const char *cc)
{
	size_t	i;

	if (cc == NULL || cc[0] < '1' || cc[0] > '9')
		return 0;
	for (i = 0; cc[i] != '\0'; i++) {
		if (i >= 3 || cc[i] < '0' || cc[i] > '9')
			return 0;
	}
	return 1;
}

/* Write "+" cc digits to out if that is a plausible E.164 number. */
static enum number_kind
number_e164(const char *cc, const char *digits, char out[NUMBER_MAX])
{
	size_t	total;

	if (digits[0] == '0')
		return NUMBER_INVALID;
	total = strlen(cc) + strlen(digits);
	if (total < NUMBER_E164_MIN || total > NUMBER_E164_MAX)
		return NUMBER_INVALID;
	out[0] = '+';
	memcpy(out + 1, cc, strlen(cc));
	memcpy(out + 1 + strlen(cc), digits, strlen(digits) + 1);
	return NUMBER_E164;
}

enum number_kind
number_normalize(const char *in, const char *country_code,
    char out[NUMBER_MAX])
{
	const struct number_rule	*r;
	char				 digits[NUMBER_RAW_MAX + 1];
	const char			*p, *rest;
	size_t				 n = 0, i, plen;
	int				 plus = 0;

	out[0] = '\0';
	if (in == NULL)
		return NUMBER_INVALID;
	if (number_has_letter(in))
		return number_alpha(in, out);

	for (p = in; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == NUMBER_RAW_MAX)
				return NUMBER_INVALID;
			digits[n++] = *p;
		} else if (*p == '+' && !plus && n == 0)
			plus = 1;
		else if (!number_is_separator(*p))
			return NUMBER_INVALID;
	}
	digits[n] = '\0';
	if (n == 0)
		return NUMBER_INVALID;

	for (i = 0; i < nitems(number_rules); i++) {
		r = &number_rules[i];
		plen = strlen(r->prefix);
		if (r->plus != plus || n < r->min || n > r->max ||
		    strncmp(digits, r->prefix, plen) != 0)
			continue;
		rest = digits + plen;
		switch (r->form) {
		case NUMBER_FORM_INTL:
			return number_e164("", rest, out);
		case NUMBER_FORM_NATIONAL:
			if (!number_cc_ok(country_code))
				return NUMBER_INVALID;
			return number_e164(country_code, rest, out);
		case NUMBER_FORM_SHORT:
			memcpy(out, digits, n + 1);
			return NUMBER_SHORT;
		}
	}
	return NUMBER_INVALID;
}
