/*
 * web.c: what webhooks carry, decoded: query strings and form bodies,
 * percent-encoding, UTF-8 repair, ISO 8601 times, Twilio's signature and
 * constant-time secret checks. Pure: the inbound formats (chan/fmt.c) and
 * the drivers' delivery-report parsers (send/send.c) share it.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistr.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "codec/web.h"

#define WEB_TIME_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */

/* An owned, NUL-terminated copy of n bytes that may hold NULs. */
char *
web_copy(const char *p, size_t n)
{
	char	*s;

	s = xmalloc(n + 1);
	if (n != 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Percent-decode one piece of a query or form ('+' is a space). */
static char *
web_uridecode(const char *p, size_t n, size_t *outlen)
{
	char	*tmp, *out;

	tmp = xstrndup(p, n);
	out = evhttp_uridecode(tmp, 1, outlen);
	free(tmp);
	if (out == NULL)
		fatalx("evhttp_uridecode failed");
	return out;
}

/*
 * Add the pairs of an application/x-www-form-urlencoded string (a query
 * or a form body): split on '&' and the first '=', then percent-decode
 * each side so that NULs and binary survive with their length.
 */
void
web_params_add(struct web_params *ps, const char *s, size_t len)
{
	const char		*end, *amp, *eq;
	struct web_param	*p;

	if (s == NULL)
		return;
	end = s + len;
	while (s < end) {
		if ((amp = memchr(s, '&', end - s)) == NULL)
			amp = end;
		if (amp != s) {
			if (ps->n == ps->cap) {
				ps->cap = ps->cap == 0 ? 16 : ps->cap * 2;
				ps->v = xreallocarray(ps->v, ps->cap, sizeof *ps->v);
			}
			p = &ps->v[ps->n++];
			if ((eq = memchr(s, '=', amp - s)) == NULL)
				eq = amp;
			p->name = web_uridecode(s, eq - s, &p->namelen);
			if (eq == amp)
				p->value = web_uridecode("", 0, &p->valuelen);
			else
				p->value = web_uridecode(eq + 1, amp - eq - 1, &p->valuelen);
		}
		s = amp + 1;
	}
}

void
web_params_free(struct web_params *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		free(ps->v[i].name);
		free(ps->v[i].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

/* The first parameter with this exact name, or NULL. */
const struct web_param *
web_params_get(const struct web_params *ps, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < ps->n; i++) {
		if (ps->v[i].namelen == n && memcmp(ps->v[i].name, name, n) == 0)
			return &ps->v[i];
	}
	return NULL;
}

int
web_form_get(const char *form, size_t formlen, const char *name, char **value,
    size_t *valuelen)
{
	struct web_params	 ps = { NULL, 0, 0 };
	const struct web_param	*p;

	*value = NULL;
	if (valuelen != NULL)
		*valuelen = 0;
	web_params_add(&ps, form, formlen);
	if ((p = web_params_get(&ps, name)) != NULL) {
		*value = web_copy(p->value, p->valuelen);
		if (valuelen != NULL)
			*valuelen = p->valuelen;
	}
	web_params_free(&ps);
	return *value != NULL;
}

/*
 * Compare a secret in constant time: both sides are hashed first so that
 * neither their bytes nor their lengths show in the timing.
 */
int
web_secret_equal(const char *want, const char *got, size_t gotlen)
{
	unsigned char	a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int	alen, blen;

	if (want == NULL || got == NULL)
		return 0;
	if (!EVP_Digest(want, strlen(want), a, &alen, EVP_sha256(), NULL) ||
	    !EVP_Digest(got, gotlen, b, &blen, EVP_sha256(), NULL))
		fatalx("EVP_Digest failed");
	return alen == blen && CRYPTO_memcmp(a, b, alen) == 0;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
web_days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
web_month_days(int y, int m)
{
	static const int	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Read exactly n decimal digits; the NUL at the end stops a short read. */
static int
web_digits(const char **sp, int n, int *out)
{
	const char	*s = *sp;
	int		 i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/*
 * ISO 8601 (RFC 3339 profile, a space allowed for the 'T' as Kannel's %t
 * and X-Kannel-Time write it) or decimal epoch seconds.
 */
int
web_time_parse(const char *s, int utc_default, int64_t *t)
{
	const char	*errstr;
	int		 y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	int64_t		 v;

	if (s == NULL || *s == '\0')
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		v = num_parse(s, 0, WEB_TIME_MAX, &errstr);
		if (errstr != NULL)
			return -1;
		*t = v;
		return 0;
	}
	if (web_digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    web_digits(&s, 2, &mo) == -1 || *s++ != '-' ||
	    web_digits(&s, 2, &d) == -1)
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (web_digits(&s, 2, &h) == -1 || *s++ != ':' ||
	    web_digits(&s, 2, &mi) == -1)
		return -1;
	if (*s == ':') {
		s++;
		if (web_digits(&s, 2, &sec) == -1)
			return -1;
		if (*s == '.' || *s == ',') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
		sign = 1;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '+' ? 1 : -1;
		if (web_digits(&s, 2, &oh) == -1)
			return -1;
		if (*s == ':')
			s++;
		if (*s != '\0' && web_digits(&s, 2, &om) == -1)
			return -1;
	}
	if (*s != '\0' || (sign == 0 && !utc_default))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > web_month_days(y, mo) ||
	    h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	v = web_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	if (sign != 0)
		v -= sign * (oh * 3600 + om * 60);
	if (v < 0 || v > WEB_TIME_MAX)
		return -1;
	*t = v;
	return 0;
}

/* Valid UTF-8 as it is, or a copy with each bad byte made U+FFFD. */
char *
web_utf8_fix(const char *s, size_t len, size_t *outlen)
{
	const uint8_t	*p = (const uint8_t *)s, *end = p + len;
	struct buf	 b = { NULL, 0, 0 };
	ucs4_t		 uc;
	uint8_t		 tmp[6];
	int		 n, m;

	if (u8_check(p, len) == NULL) {
		*outlen = len;
		return web_copy(s, len);
	}
	while (p < end) {
		n = u8_mbtouc(&uc, p, end - p);
		if ((m = u8_uctomb(tmp, uc, sizeof tmp)) > 0)
			buf_add(&b, tmp, m);
		p += n;
	}
	*outlen = b.len;
	return b.p;
}

void
web_xml_escape(struct buf *b, const char *s, int allspaces)
{
	char	*fixed;
	size_t	 i, n;

	fixed = web_utf8_fix(s, strlen(s), &n);
	for (i = 0; i < n; i++) {
		switch (fixed[i]) {
		case '&':
			buf_str(b, "&amp;");
			break;
		case '<':
			buf_str(b, "&lt;");
			break;
		case '>':
			buf_str(b, "&gt;");
			break;
		case '"':
			buf_str(b, "&quot;");
			break;
		case '\'':
			buf_str(b, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			if (allspaces)
				buf_str(b, " ");
			else
				buf_add(b, &fixed[i], 1);
			break;
		default:
			if ((unsigned char)fixed[i] < 0x20)
				buf_str(b, " ");
			else
				buf_add(b, &fixed[i], 1);
			break;
		}
	}
	free(fixed);
}

static int
web_twilio_cmp(const void *a, const void *b)
{
	const struct web_param	*pa = a, *pb = b;
	size_t			 n;
	int			 c;

	n = pa->namelen < pb->namelen ? pa->namelen : pb->namelen;
	if ((c = memcmp(pa->name, pb->name, n)) != 0)
		return c;
	if (pa->namelen != pb->namelen)
		return pa->namelen < pb->namelen ? -1 : 1;
	n = pa->valuelen < pb->valuelen ? pa->valuelen : pb->valuelen;
	if ((c = memcmp(pa->value, pb->value, n)) != 0)
		return c;
	if (pa->valuelen != pb->valuelen)
		return pa->valuelen < pb->valuelen ? -1 : 1;
	return 0;
}

/*
 * Twilio's request signature ("Webhooks security"): the full URL, then
 * every POST parameter sorted by name, name and value with nothing
 * between, HMAC-SHA1 with the auth token, base64.
 */
char *
web_twilio_signature(const char *auth_token, const char *url, const char *form,
    size_t formlen)
{
	struct web_params	 ps = { NULL, 0, 0 };
	struct buf		 b = { NULL, 0, 0 };
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	char			*out;
	size_t			 i;

	web_params_add(&ps, form, formlen);
	if (ps.n > 1)
		qsort(ps.v, ps.n, sizeof *ps.v, web_twilio_cmp);
	buf_str(&b, url != NULL ? url : "");
	for (i = 0; i < ps.n; i++) {
		buf_add(&b, ps.v[i].name, ps.v[i].namelen);
		buf_add(&b, ps.v[i].value, ps.v[i].valuelen);
	}
	if (auth_token == NULL)
		auth_token = "";
	if (HMAC(EVP_sha1(), auth_token, (int)strlen(auth_token),
	    (const unsigned char *)b.p, b.len, md, &mdlen) == NULL)
		fatalx("HMAC failed");
	out = xmalloc(4 * ((mdlen + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	free(b.p);
	web_params_free(&ps);
	return out;
}
