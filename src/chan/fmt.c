/*
 * fmt.c: the inbound HTTP formats. Each turns a request's parts into one
 * message (or an HTTP status and a one-line reason) and turns the core's
 * replies into that format's success response. No sockets here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <uniconv.h>
#include <unistr.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/web.h"
#include "config/config.h"
#include "core/dialog.h"
#include "core/ussd.h"
#include "chan/fmt.h"

#define WEB_TIME_MAX	253402300799LL	/* 9999-12-31T23:59:59Z */
#define FMT_CHARSET_MAX	40

/* A byte string that grows. */
/* A borrowed byte string: a parameter's value or a header's. */
struct fmt_str {
	const char	*p;
	size_t		 len;
};

static int	fmt_json_parse(const struct web_request *, struct fmt_inbound *,
		    char *, size_t);
static void	fmt_json_render(const struct dialog_reply *, struct fmt_response *);
static int	fmt_kannel_parse(const struct web_request *, struct fmt_inbound *,
		    char *, size_t);
static void	fmt_kannel_render(const struct dialog_reply *, struct fmt_response *);
static int	fmt_twilio_parse(const struct web_request *, struct fmt_inbound *,
		    char *, size_t);
static void	fmt_twilio_render(const struct dialog_reply *, struct fmt_response *);
static int	fmt_at_parse(const struct web_request *, struct fmt_inbound *,
		    char *, size_t);
static void	fmt_at_render(const struct dialog_reply *, struct fmt_response *);

static const struct fmt_entry fmt_json = {
	.name = "json", .parse = fmt_json_parse, .render = fmt_json_render
};
static const struct fmt_entry fmt_kannel = {
	.name = "kannel", .parse = fmt_kannel_parse, .render = fmt_kannel_render
};
static const struct fmt_entry fmt_twilio = {
	.name = "twilio", .parse = fmt_twilio_parse, .render = fmt_twilio_render
};
static const struct fmt_entry fmt_at = {
	.name = "africastalking", .parse = fmt_at_parse, .render = fmt_at_render
};

/* The format of type and name in fmt_formats, or NULL. */
static const struct inbound_format *
fmt_format(const char *type, const char *name)
{
	const struct inbound_format	*f;

	if (name == NULL)
		return NULL;
	for (f = fmt_formats; f->name != NULL; f++) {
		if (strcmp(f->type, type) == 0 && strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

const struct fmt_entry *
fmt_find(const char *name)
{
	const struct inbound_format	*f = fmt_format("sms", name);

	return f != NULL ? f->sms : NULL;
}

void
fmt_inbound_free(struct fmt_inbound *in)
{
	if (in == NULL)
		return;
	free(in->from);
	free(in->to);
	free(in->text);
	free(in->ext_id);
	memset(in, 0, sizeof *in);
}

void
fmt_response_free(struct fmt_response *r)
{
	if (r == NULL)
		return;
	free(r->content_type);
	free(r->body);
	free(r->header_name);
	free(r->header_value);
	memset(r, 0, sizeof *r);
}

/*
 * Write a one-line reason and return the status. Bytes that could break a
 * line or a log (controls, non-ASCII from a parser's message) become '?'.
 */
static int __attribute__((format(printf, 4, 5)))
fmt_fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i;

	if (err == NULL || errlen == 0)
		return status;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (i = 0; err[i] != '\0'; i++) {
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			err[i] = '?';
	}
	return status;
}

static const char *
fmt_header(const struct web_request *req, const char *name)
{
	if (req->header == NULL)
		return NULL;
	return req->header(req->hctx, name);
}

/*
 * A field that may come as a parameter or as a header: the first present
 * one in the preferred order. 1 if found.
 */
static int
fmt_field(const struct web_request *req, const struct web_params *ps,
    const char *param, const char *header, int header_first, struct fmt_str *out)
{
	const struct web_param	*p = NULL;
	const char		*h = NULL;

	if (param != NULL)
		p = web_params_get(ps, param);
	if (header != NULL)
		h = fmt_header(req, header);
	if (h != NULL && (header_first || p == NULL)) {
		out->p = h;
		out->len = strlen(h);
		return 1;
	}
	if (p != NULL) {
		out->p = p->value;
		out->len = p->valuelen;
		return 1;
	}
	out->p = NULL;
	out->len = 0;
	return 0;
}

/* Take a sender or receiver: NULL when empty, an error when too long or holding a NUL. */
static int
fmt_take_number(const char *what, const char *p, size_t len, char **out,
    char *err, size_t errlen)
{
	*out = NULL;
	if (p == NULL || len == 0)
		return 0;
	if (len > FMT_NUMBER_MAX)
		return fmt_fail(err, errlen, 400, "number too long");
	if (memchr(p, '\0', len) != NULL)
		return fmt_fail(err, errlen, 400, "bad %s", what);
	*out = web_copy(p, len);
	return 0;
}

/* Take a message id: NULL when empty. */
static int
fmt_take_id(const char *p, size_t len, char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (p == NULL || len == 0)
		return 0;
	if (len > FMT_ID_MAX)
		return fmt_fail(err, errlen, 400, "id too long");
	if (memchr(p, '\0', len) != NULL)
		return fmt_fail(err, errlen, 400, "bad id");
	*out = web_copy(p, len);
	return 0;
}

/*
 * UTF-16 bytes to UTF-8 (RFC 2781). Unpaired surrogates become U+FFFD;
 * U+0000 stays, with the length telling.
 */
static char *
fmt_utf16_to_utf8(const unsigned char *s, size_t len, int big, size_t *outlen)
{
	uint16_t	*units;
	size_t		 n = len / 2, i, o = 0;
	char		*out;
	ucs4_t		 uc;
	int		 k, m;

	out = xmalloc(n * 3 + 1);
	if (n == 0) {
		out[0] = '\0';
		*outlen = 0;
		return out;
	}
	units = xreallocarray(NULL, n, sizeof *units);
	for (i = 0; i < n; i++) {
		if (big)
			units[i] = (uint16_t)(s[2 * i] << 8 | s[2 * i + 1]);
		else
			units[i] = (uint16_t)(s[2 * i + 1] << 8 | s[2 * i]);
	}
	for (i = 0; i < n; i += k) {
		k = u16_mbtouc(&uc, units + i, n - i);
		m = u8_uctomb((uint8_t *)out + o, uc, n * 3 - o);
		if (m > 0)
			o += m;
	}
	free(units);
	out[o] = '\0';
	*outlen = o;
	return out;
}

enum fmt_cs {
	FMT_CS_UTF8,		/* taken as it is (invalid bytes cleaned later) */
	FMT_CS_UTF16BE,
	FMT_CS_UTF16LE,
	FMT_CS_UTF16,		/* byte order mark, else big-endian (RFC 2781 4.3) */
	FMT_CS_ICONV,		/* an 8-bit charset converted by iconv */
};

/* Charsets Kannel labels MO text with (%C, Content-Type), by IANA name and alias. */
static const struct fmt_charset {
	const char	*name;
	enum fmt_cs	 kind;
	const char	*iconv;
} fmt_charsets[] = {
	{ "UTF-8", FMT_CS_UTF8, NULL },
	{ "UTF8", FMT_CS_UTF8, NULL },
	{ "US-ASCII", FMT_CS_UTF8, NULL },
	{ "ASCII", FMT_CS_UTF8, NULL },
	{ "8-BIT", FMT_CS_UTF8, NULL },		/* Kannel's %C for coding 1 */
	{ "UTF-16BE", FMT_CS_UTF16BE, NULL },
	{ "UTF16BE", FMT_CS_UTF16BE, NULL },
	{ "UCS-2", FMT_CS_UTF16BE, NULL },
	{ "UCS2", FMT_CS_UTF16BE, NULL },
	{ "UCS-2BE", FMT_CS_UTF16BE, NULL },
	{ "UTF-16", FMT_CS_UTF16, NULL },
	{ "UTF16", FMT_CS_UTF16, NULL },
	{ "UTF-16LE", FMT_CS_UTF16LE, NULL },
	{ "UCS-2LE", FMT_CS_UTF16LE, NULL },
	{ "ISO-8859-1", FMT_CS_ICONV, "ISO-8859-1" },
	{ "ISO8859-1", FMT_CS_ICONV, "ISO-8859-1" },
	{ "ISO_8859-1", FMT_CS_ICONV, "ISO-8859-1" },
	{ "LATIN1", FMT_CS_ICONV, "ISO-8859-1" },
	{ "WINDOWS-1252", FMT_CS_ICONV, "CP1252" },
	{ "CP1252", FMT_CS_ICONV, "CP1252" },
};

static const struct fmt_charset *
fmt_charset_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(fmt_charsets); i++) {
		if (strlen(fmt_charsets[i].name) == len &&
		    strncasecmp(fmt_charsets[i].name, name, len) == 0)
			return &fmt_charsets[i];
	}
	return NULL;
}

/* The charset parameter of a Content-Type, quotes removed, or NULL. */
static const char *
fmt_content_charset(const char *ct, char *buf, size_t buflen)
{
	const char	*p;
	size_t		 n;

	if (ct == NULL)
		return NULL;
	for (p = strchr(ct, ';'); p != NULL; p = strchr(p, ';')) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		p += 7;
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		if (*p == '"') {
			p++;
			n = strcspn(p, "\"");
		} else
			n = strcspn(p, " \t;");
		if (n == 0 || n >= buflen)
			return NULL;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

/* 1 if the Content-Type is this media type (parameters ignored). */
static int
fmt_content_is(const char *ct, const char *type)
{
	size_t	n = strlen(type);

	if (ct == NULL)
		return 0;
	ct += strspn(ct, " \t");
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/*
 * Kannel MO text to UTF-8. The charset decides when given; else coding 2
 * (UCS-2, 3GPP TS 23.038) means UTF-16BE and anything else UTF-8.
 */
static int
fmt_kannel_text(const struct fmt_str *charset, int coding, const struct fmt_str *text,
    struct fmt_inbound *in, char *err, size_t errlen)
{
	const struct fmt_charset	*cs;
	const unsigned char		*s = (const unsigned char *)text->p;
	size_t				 len = text->len, n;
	uint8_t				*conv;
	enum fmt_cs			 kind;
	int				 big = 1;

	if (charset->len != 0) {
		if ((cs = fmt_charset_find(charset->p, charset->len)) == NULL)
			return fmt_fail(err, errlen, 415, "unsupported charset");
		kind = cs->kind;
	} else {
		cs = NULL;
		kind = coding == 2 ? FMT_CS_UTF16BE : FMT_CS_UTF8;
	}

	switch (kind) {
	case FMT_CS_UTF8:
		in->text = web_copy(text->p, len);
		in->textlen = len;
		return 0;
	case FMT_CS_UTF16:
		if (len >= 2 && s[0] == 0xff && s[1] == 0xfe) {
			big = 0;
			s += 2;
			len -= 2;
		} else if (len >= 2 && s[0] == 0xfe && s[1] == 0xff) {
			s += 2;
			len -= 2;
		}
		break;
	case FMT_CS_UTF16LE:
		big = 0;
		break;
	case FMT_CS_UTF16BE:
		break;
	case FMT_CS_ICONV:
		if (len == 0) {
			in->text = web_copy("", 0);
			return 0;
		}
		conv = u8_conv_from_encoding(cs->iconv, iconveh_question_mark,
		    text->p, len, NULL, NULL, &n);
		if (conv == NULL) {
			if (errno == ENOMEM)
				fatal("u8_conv_from_encoding");
			if (errno == EINVAL)
				return fmt_fail(err, errlen, 415, "unsupported charset");
			return fmt_fail(err, errlen, 400, "text not in its charset");
		}
		in->text = web_copy((const char *)conv, n);
		in->textlen = n;
		free(conv);
		return 0;
	}
	if (len % 2 != 0)
		return fmt_fail(err, errlen, 400, "odd UTF-16 length");
	in->text = fmt_utf16_to_utf8(s, len, big, &in->textlen);
	return 0;
}

/* A small decimal in [min, max] from a parameter or header; -1 if not one. */
static int
fmt_small_number(const struct fmt_str *v, long long min, long long max, long long *out)
{
	char		 buf[24];
	const char	*errstr;

	if (v->len == 0 || v->len >= sizeof buf || memchr(v->p, '\0', v->len) != NULL)
		return -1;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	*out = num_parse(buf, min, max, &errstr);
	return errstr == NULL ? 0 : -1;
}

/*
 * The route's shared secret, when it has one, as the "secret" parameter
 * or the X-Checkind-Secret header. 1 if there is none or it matches.
 */
static int
fmt_secret_ok(const struct web_request *req, const struct web_params *ps)
{
	const struct inbound_route	*route = req->route;
	const struct web_param		*p;
	const char			*h;

	if (route == NULL || route->secret == NULL)
		return 1;
	p = web_params_get(ps, "secret");
	h = fmt_header(req, "X-Checkind-Secret");
	return (p != NULL && web_secret_equal(route->secret, p->value, p->valuelen)) ||
	    (h != NULL && web_secret_equal(route->secret, h, strlen(h)));
}

/*
 * Kannel 1.4.5 sms-service. get-url: the query parameters documented in
 * the README (secret, from=%p, to=%P, text=%b, time=%T, id=%I, coding=%c,
 * charset=%C; smsc and udh accepted, others ignored). post-url: the body is
 * the text, described by Content-Type ("text/plain; charset=...", or
 * application/octet-stream for 8-bit) and X-Kannel-From (send-sender =
 * true), X-Kannel-To, X-Kannel-Time ("YYYY-MM-DD HH:MM:SS", UTC),
 * X-Kannel-Coding and X-Kannel-SMSC; query parameters apply to both.
 */
static int
fmt_kannel_parse(const struct web_request *req, struct fmt_inbound *in,
    char *err, size_t errlen)
{
	struct web_params		 ps = { NULL, 0, 0 };
	struct fmt_str			 from, to, id, tm, cod, cset, text;
	const char			*ct;
	char				 tbuf[64], csbuf[FMT_CHARSET_MAX];
	long long			 coding = 0;
	int				 rawbody, rc;

	memset(in, 0, sizeof *in);
	if (req->query != NULL)
		web_params_add(&ps, req->query, strlen(req->query));
	ct = fmt_header(req, "Content-Type");
	rawbody = req->post;
	if (req->post && fmt_content_is(ct, "application/x-www-form-urlencoded")) {
		web_params_add(&ps, req->body, req->bodylen);
		rawbody = 0;
	}

	if (!fmt_secret_ok(req, &ps)) {
		rc = fmt_fail(err, errlen, 401, "missing or wrong secret");
		goto fail;
	}

	fmt_field(req, &ps, "from", "X-Kannel-From", 0, &from);
	fmt_field(req, &ps, "to", "X-Kannel-To", 0, &to);
	fmt_field(req, &ps, "id", "X-Kannel-ID", 0, &id);
	fmt_field(req, &ps, "time", "X-Kannel-Time", 0, &tm);
	fmt_field(req, &ps, "coding", "X-Kannel-Coding", rawbody, &cod);
	if (rawbody && (req->bodylen != 0 || web_params_get(&ps, "text") == NULL)) {
		text.p = req->body != NULL ? req->body : "";
		text.len = req->bodylen;
		cset.p = fmt_content_charset(ct, csbuf, sizeof csbuf);
		cset.len = cset.p != NULL ? strlen(cset.p) : 0;
		if (cset.p == NULL)
			fmt_field(req, &ps, "charset", NULL, 0, &cset);
	} else {
		fmt_field(req, &ps, "text", NULL, 0, &text);
		fmt_field(req, &ps, "charset", NULL, 0, &cset);
		if (text.p == NULL)
			text.p = "";
	}

	if (from.len == 0) {
		rc = fmt_fail(err, errlen, 400, "missing from");
		goto fail;
	}
	if ((rc = fmt_take_number("from", from.p, from.len, &in->from, err, errlen)) != 0 ||
	    (rc = fmt_take_number("to", to.p, to.len, &in->to, err, errlen)) != 0 ||
	    (rc = fmt_take_id(id.p, id.len, &in->ext_id, err, errlen)) != 0)
		goto fail;

	/* Kannel writes -1 for an undefined coding. */
	if (cod.len != 0 && fmt_small_number(&cod, -1, 2, &coding) == -1) {
		rc = fmt_fail(err, errlen, 415, "unsupported coding");
		goto fail;
	}
	if ((rc = fmt_kannel_text(&cset, (int)coding, &text, in, err, errlen)) != 0)
		goto fail;

	/* Kannel's own time stamps are reliable; one we cannot read is left out. */
	if (tm.len != 0 && tm.len < sizeof tbuf && memchr(tm.p, '\0', tm.len) == NULL) {
		memcpy(tbuf, tm.p, tm.len);
		tbuf[tm.len] = '\0';
		if (web_time_parse(tbuf, 1, &in->sent_at) == -1) {
			in->sent_at = 0;
			log_debug("fmt: kannel time not understood, ignored");
		}
	}
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&ps);
	fmt_inbound_free(in);
	return rc;
}

/*
 * Kannel turns the response body into the reply SMS. A body that GSM-7
 * cannot carry gets X-Kannel-Coding: 2 so that Kannel (with
 * accept-x-kannel-headers) converts it from the charset to UCS-2. Replies
 * queued in the outbox leave through sendsms: the body is then empty, and
 * Kannel sends nothing for an empty body.
 */
static void
fmt_kannel_render(const struct dialog_reply *dr, struct fmt_response *out)
{
	struct buf		 b = { NULL, 0, 0 };
	struct gsm_count	 gc;
	size_t			 i, n;
	char			*s;

	memset(out, 0, sizeof *out);
	buf_add(&b, "", 0);
	for (i = 0; dr != NULL && dr->queued <= 0 && i < dr->n &&
	    i < DIALOG_REPLIES_MAX; i++) {
		if (dr->text[i] == NULL)
			continue;
		if (b.len != 0)
			buf_str(&b, "\n");
		s = web_utf8_fix(dr->text[i], strlen(dr->text[i]), &n);
		buf_add(&b, s, n);
		free(s);
	}
	out->status = 200;
	out->content_type = xstrdup("text/plain; charset=UTF-8");
	out->body = b.p;
	out->bodylen = b.len;
	if (b.len != 0 &&
	    (gsm_count(b.p, b.len, &gc) == -1 || gc.coding == GSM_CODING_UCS2)) {
		out->header_name = xstrdup("X-Kannel-Coding");
		out->header_value = xstrdup("2");
	}
}

/* A JSON string of UTF-8 text (invalid bytes made U+FFFD first). */
static json_t *
fmt_json_string(const char *s)
{
	json_t	*j;
	char	*fixed;
	size_t	 n;

	fixed = web_utf8_fix(s, strlen(s), &n);
	if ((j = json_stringn(fixed, n)) == NULL)
		fatalx("json_stringn failed");
	free(fixed);
	return j;
}

/* The Authorization header carries "Bearer SECRET" (RFC 6750 2.1). */
static int
fmt_bearer_ok(const struct web_request *req, const char *secret)
{
	const char	*h;
	size_t		 len;

	if ((h = fmt_header(req, "Authorization")) == NULL)
		return 0;
	h += strspn(h, " \t");
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return 0;
	h += 6;
	h += strspn(h, " \t");
	len = strlen(h);
	while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t'))
		len--;
	return web_secret_equal(secret, h, len);
}

/* An optional JSON string member: 0 and NULL if absent or null. */
static int
fmt_json_optstr(json_t *root, const char *key, const char **s, size_t *len,
    char *err, size_t errlen)
{
	json_t	*v;

	*s = NULL;
	*len = 0;
	if ((v = json_object_get(root, key)) == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return fmt_fail(err, errlen, 400, "%s must be a string", key);
	*s = json_string_value(v);
	*len = json_string_length(v);
	return 0;
}

/*
 * The json format: POST {"from","to","text","id","sent_at"}; with a route
 * secret, "Authorization: Bearer SECRET". Unknown members are ignored.
 */
static int
fmt_json_parse(const struct web_request *req, struct fmt_inbound *in,
    char *err, size_t errlen)
{
	const struct inbound_route	*route = req->route;
	json_t				*root, *v;
	json_error_t			 jerr;
	const char			*s;
	size_t				 len;
	char				 idbuf[32];
	int				 rc;

	memset(in, 0, sizeof *in);
	if (!req->post)
		return fmt_fail(err, errlen, 405, "use POST");
	if (route != NULL && route->secret != NULL && !fmt_bearer_ok(req, route->secret))
		return fmt_fail(err, errlen, 401, "missing or wrong token");

	/* Flags 0: invalid UTF-8 and \u0000 are refused by the parser. */
	root = json_loadb(req->body != NULL ? req->body : "", req->bodylen,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fmt_fail(err, errlen, 400, "bad JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		rc = fmt_fail(err, errlen, 400, "body must be a JSON object");
		goto fail;
	}

	if ((rc = fmt_json_optstr(root, "from", &s, &len, err, errlen)) != 0)
		goto fail;
	if (len == 0) {
		rc = fmt_fail(err, errlen, 400, "missing from");
		goto fail;
	}
	if ((rc = fmt_take_number("from", s, len, &in->from, err, errlen)) != 0)
		goto fail;
	if ((rc = fmt_json_optstr(root, "to", &s, &len, err, errlen)) != 0 ||
	    (rc = fmt_take_number("to", s, len, &in->to, err, errlen)) != 0)
		goto fail;

	if ((rc = fmt_json_optstr(root, "text", &s, &len, err, errlen)) != 0)
		goto fail;
	if (s == NULL) {
		rc = fmt_fail(err, errlen, 400, "missing text");
		goto fail;
	}
	in->text = web_copy(s, len);
	in->textlen = len;

	v = json_object_get(root, "id");
	if (v != NULL && json_is_integer(v)) {
		snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		in->ext_id = xstrdup(idbuf);
	} else if (v != NULL && !json_is_null(v) && !json_is_string(v)) {
		rc = fmt_fail(err, errlen, 400, "id must be a string or an integer");
		goto fail;
	} else if ((rc = fmt_json_optstr(root, "id", &s, &len, err, errlen)) != 0 ||
	    (rc = fmt_take_id(s, len, &in->ext_id, err, errlen)) != 0)
		goto fail;

	v = json_object_get(root, "sent_at");
	if (v != NULL && json_is_integer(v)) {
		if (json_integer_value(v) < 0 || json_integer_value(v) > WEB_TIME_MAX) {
			rc = fmt_fail(err, errlen, 400, "bad sent_at");
			goto fail;
		}
		in->sent_at = json_integer_value(v);
	} else if (v != NULL && json_is_string(v)) {
		if (web_time_parse(json_string_value(v), 0, &in->sent_at) == -1) {
			rc = fmt_fail(err, errlen, 400, "bad sent_at");
			goto fail;
		}
	} else if (v != NULL && !json_is_null(v)) {
		rc = fmt_fail(err, errlen, 400, "bad sent_at");
		goto fail;
	}
	json_decref(root);
	return 0;

fail:
	json_decref(root);
	fmt_inbound_free(in);
	return rc;
}

/*
 * {"replies":[...]}; when the replies went to the outbox instead,
 * {"replies":[],"queued":N} says how many will follow as new messages.
 */
static void
fmt_json_render(const struct dialog_reply *dr, struct fmt_response *out)
{
	json_t	*root, *arr;
	char	*s;
	size_t	 i;

	memset(out, 0, sizeof *out);
	if ((root = json_object()) == NULL || (arr = json_array()) == NULL)
		fatalx("json_object failed");
	for (i = 0; dr != NULL && dr->queued <= 0 && i < dr->n &&
	    i < DIALOG_REPLIES_MAX; i++) {
		if (dr->text[i] != NULL)
			json_array_append_new(arr, fmt_json_string(dr->text[i]));
	}
	json_object_set_new(root, "replies", arr);
	if (dr != NULL && dr->queued > 0)
		json_object_set_new(root, "queued", json_integer(dr->queued));
	if ((s = json_dumps(root, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	json_decref(root);
	out->status = 200;
	out->content_type = xstrdup("application/json");
	out->bodylen = strlen(s);
	out->body = web_copy(s, out->bodylen);
	free(s);
}

/*
 * The twilio format: a signed form POST with From, To, Body and
 * MessageSid among many other fields.
 */
static int
fmt_twilio_parse(const struct web_request *req, struct fmt_inbound *in,
    char *err, size_t errlen)
{
	const struct inbound_route	*route = req->route;
	struct web_params		 ps = { NULL, 0, 0 };
	struct fmt_str			 from, to, body, sid;
	const char			*sig;
	char				*want;
	int				 ok, rc;

	memset(in, 0, sizeof *in);
	if (!req->post)
		return fmt_fail(err, errlen, 405, "use POST");
	if (route == NULL || route->auth_token == NULL) {
		log_warnx("fmt: route=%s format=twilio has no auth_token",
		    route != NULL && route->name != NULL ? route->name : "?");
		return fmt_fail(err, errlen, 403, "no auth_token configured");
	}
	if ((sig = fmt_header(req, "X-Twilio-Signature")) == NULL)
		return fmt_fail(err, errlen, 403, "missing signature");
	want = web_twilio_signature(route->auth_token, req->url, req->body, req->bodylen);
	ok = web_secret_equal(want, sig, strlen(sig));
	free(want);
	if (!ok)
		return fmt_fail(err, errlen, 403, "bad signature");

	web_params_add(&ps, req->body, req->bodylen);
	fmt_field(req, &ps, "From", NULL, 0, &from);
	fmt_field(req, &ps, "To", NULL, 0, &to);
	fmt_field(req, &ps, "Body", NULL, 0, &body);
	if (!fmt_field(req, &ps, "MessageSid", NULL, 0, &sid))
		fmt_field(req, &ps, "SmsSid", NULL, 0, &sid);
	if (from.len == 0) {
		rc = fmt_fail(err, errlen, 400, "missing from");
		goto fail;
	}
	if ((rc = fmt_take_number("from", from.p, from.len, &in->from, err, errlen)) != 0 ||
	    (rc = fmt_take_number("to", to.p, to.len, &in->to, err, errlen)) != 0 ||
	    (rc = fmt_take_id(sid.p, sid.len, &in->ext_id, err, errlen)) != 0)
		goto fail;
	in->text = web_copy(body.p != NULL ? body.p : "", body.len);
	in->textlen = body.len;
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&ps);
	fmt_inbound_free(in);
	return rc;
}

/*
 * TwiML: one <Message> per reply, or an empty <Response/> when there is
 * none or they were queued in the outbox (sent through the REST API).
 */
static void
fmt_twilio_render(const struct dialog_reply *dr, struct fmt_response *out)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 i, count = 0;

	memset(out, 0, sizeof *out);
	buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	for (i = 0; dr != NULL && dr->queued <= 0 && i < dr->n &&
	    i < DIALOG_REPLIES_MAX; i++) {
		if (dr->text[i] == NULL)
			continue;
		if (count++ == 0)
			buf_str(&b, "<Response>");
		buf_str(&b, "<Message>");
		web_xml_escape(&b, dr->text[i], 0);
		buf_str(&b, "</Message>");
	}
	buf_str(&b, count == 0 ? "<Response/>" : "</Response>");
	out->status = 200;
	out->content_type = xstrdup("text/xml");
	out->body = b.p;
	out->bodylen = b.len;
}

/*
 * Africa's Talking SMS callback ("Receive message via callback"): a form
 * POST with from, to, text, date, id and linkId (only for premium
 * on-demand replies; ignored). AT signs nothing: a route secret, when set,
 * must come in the query of the callback URL registered with AT
 * ("/sms/at?secret=..."), else the route's allow list is the only guard.
 * date is "YYYY-MM-DD HH:MM:SS" or ISO 8601, taken as UTC without an
 * offset; one we cannot read is left out. text is UTF-8.
 */
static int
fmt_at_parse(const struct web_request *req, struct fmt_inbound *in,
    char *err, size_t errlen)
{
	struct web_params	 qs = { NULL, 0, 0 }, ps = { NULL, 0, 0 };
	struct fmt_str		 from, to, text, id, date;
	const char		*ct;
	char			 tbuf[64];
	int			 rc;

	memset(in, 0, sizeof *in);
	if (!req->post)
		return fmt_fail(err, errlen, 405, "use POST");
	if (req->query != NULL)
		web_params_add(&qs, req->query, strlen(req->query));
	if (!fmt_secret_ok(req, &qs)) {
		rc = fmt_fail(err, errlen, 401, "missing or wrong secret");
		goto fail;
	}
	ct = fmt_header(req, "Content-Type");
	if (ct != NULL && !fmt_content_is(ct, "application/x-www-form-urlencoded")) {
		rc = fmt_fail(err, errlen, 415, "use application/x-www-form-urlencoded");
		goto fail;
	}
	web_params_add(&ps, req->body, req->bodylen);
	fmt_field(req, &ps, "from", NULL, 0, &from);
	fmt_field(req, &ps, "to", NULL, 0, &to);
	fmt_field(req, &ps, "text", NULL, 0, &text);
	fmt_field(req, &ps, "id", NULL, 0, &id);
	fmt_field(req, &ps, "date", NULL, 0, &date);
	if (from.len == 0) {
		rc = fmt_fail(err, errlen, 400, "missing from");
		goto fail;
	}
	if ((rc = fmt_take_number("from", from.p, from.len, &in->from, err, errlen)) != 0 ||
	    (rc = fmt_take_number("to", to.p, to.len, &in->to, err, errlen)) != 0 ||
	    (rc = fmt_take_id(id.p, id.len, &in->ext_id, err, errlen)) != 0)
		goto fail;
	in->text = web_copy(text.p != NULL ? text.p : "", text.len);
	in->textlen = text.len;
	if (date.len != 0 && date.len < sizeof tbuf &&
	    memchr(date.p, '\0', date.len) == NULL) {
		memcpy(tbuf, date.p, date.len);
		tbuf[date.len] = '\0';
		if (web_time_parse(tbuf, 1, &in->sent_at) == -1) {
			in->sent_at = 0;
			log_debug("fmt: africastalking date not understood, ignored");
		}
	}
	web_params_free(&qs);
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&qs);
	web_params_free(&ps);
	fmt_inbound_free(in);
	return rc;
}

/*
 * Africa's Talking takes no reply in the callback's response: replies go
 * through the outbox. The answer is an empty 200 whatever happened.
 */
static void
fmt_at_render(const struct dialog_reply *dr, struct fmt_response *out)
{
	(void)dr;
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->content_type = xstrdup("text/plain");
	out->body = web_copy("", 0);
	out->bodylen = 0;
}

/*
 * USSD formats. A parse fills a struct ussd_req whose strings live in the
 * hold; channel is the inbound route's name and now is left for the caller.
 */

#define FMT_USSD_SESSION_MAX	127	/* bytes of a session id (the store has 128) */
#define FMT_USSD_SERVICE_MAX	64

static int	fmt_ussd_at_parse(const struct web_request *, struct ussd_req *,
		    struct fmt_ussd_hold *, char *, size_t);
static void	fmt_ussd_at_render(const struct ussd_resp *, struct fmt_response *);
static int	fmt_ussd_json_parse(const struct web_request *, struct ussd_req *,
		    struct fmt_ussd_hold *, char *, size_t);
static void	fmt_ussd_json_render(const struct ussd_resp *, struct fmt_response *);

static const struct fmt_ussd_entry fmt_ussd_at = {
	.name = "africastalking", .parse = fmt_ussd_at_parse, .render = fmt_ussd_at_render
};
static const struct fmt_ussd_entry fmt_ussd_json = {
	.name = "json", .parse = fmt_ussd_json_parse, .render = fmt_ussd_json_render
};

/*
 * Every inbound format, one entry each: what config_load checks of its
 * routes, and its parser and renderer. A USSD route answers every step
 * inline, the screen being the HTTP response; its route names the
 * outbound route of the confirmation SMS.
 */
const struct inbound_format fmt_formats[] = {
	{ .type = "sms", .name = "json",
	  .replies = INBOUND_REPLY_INLINE | INBOUND_REPLY_OUTBOX, .sms = &fmt_json },
	{ .type = "sms", .name = "kannel",
	  .replies = INBOUND_REPLY_INLINE | INBOUND_REPLY_OUTBOX, .sms = &fmt_kannel },
	{ .type = "sms", .name = "twilio", .signature = 1,
	  .replies = INBOUND_REPLY_INLINE | INBOUND_REPLY_OUTBOX, .sms = &fmt_twilio },
	{ .type = "sms", .name = "africastalking", .replies = INBOUND_REPLY_OUTBOX,
	  .why = "Africa's Talking does not take replies in the webhook response",
	  .sms = &fmt_at },
	{ .type = "ussd", .name = "africastalking", .replies = INBOUND_REPLY_INLINE,
	  .why = "the USSD screen is the HTTP response", .confirm = 1,
	  .ussd = &fmt_ussd_at },
	{ .type = "ussd", .name = "json", .replies = INBOUND_REPLY_INLINE,
	  .why = "the USSD screen is the HTTP response", .confirm = 1,
	  .ussd = &fmt_ussd_json },
	{ .type = "voice", .name = "twilio", .signature = 1,
	  .replies = INBOUND_REPLY_INLINE, .confirm = 1,
	  .why = "the call's next step is the HTTP response",
	  .voice = &fmt_voice_twilio },
	{ .type = "voice", .name = "africastalking", .replies = INBOUND_REPLY_INLINE,
	  .why = "the call's next step is the HTTP response", .confirm = 1,
	  .voice = &fmt_voice_at },
	{ .type = NULL, .name = NULL }
};

const struct fmt_ussd_entry *
fmt_ussd_find(const char *name)
{
	const struct inbound_format	*f = fmt_format("ussd", name);

	return f != NULL ? f->ussd : NULL;
}

void
fmt_ussd_hold_free(struct fmt_ussd_hold *hold)
{
	size_t	i;

	if (hold == NULL)
		return;
	for (i = 0; i < hold->n && i < nitems(hold->strings); i++)
		free(hold->strings[i]);
	memset(hold, 0, sizeof *hold);
}

/* Keep a copy of len bytes in the hold and return it. */
static const char *
fmt_ussd_keep(struct fmt_ussd_hold *hold, const char *p, size_t len)
{
	if (hold->n == nitems(hold->strings))
		fatalx("fmt: USSD hold full");
	hold->strings[hold->n] = web_copy(p != NULL ? p : "", len);
	return hold->strings[hold->n++];
}

/*
 * Take one field of a USSD request: at most max bytes (0: any), no NUL.
 * required: missing or empty is a 400. 0 and *out (NULL if absent), or 400.
 */
static int
fmt_ussd_take(struct fmt_ussd_hold *hold, const char *what, const char *p, size_t len,
    size_t max, int required, const char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (p == NULL || (required && len == 0)) {
		if (required)
			return fmt_fail(err, errlen, 400, "missing %s", what);
		return 0;
	}
	if (max != 0 && len > max)
		return fmt_fail(err, errlen, 400, "%s too long", what);
	if (memchr(p, '\0', len) != NULL)
		return fmt_fail(err, errlen, 400, "bad %s", what);
	*out = fmt_ussd_keep(hold, p, len);
	return 0;
}

/*
 * Africa's Talking USSD ("USSD API: handling sessions"): a form POST with
 * sessionId, serviceCode, phoneNumber, networkCode and text, every input
 * of the session so far joined by '*' ("" on the first request). The same
 * path may get AT's end-of-session notification (date, sessionId,
 * serviceCode, networkCode, phoneNumber, status, cost, durationInMillis,
 * hopsCount, input, lastAppResponse, errorMessage): a request with status
 * and no text is that, and ends the session. As for AT SMS, a route secret
 * must come in the callback URL's query or the X-Checkind-Secret header.
 */
static int
fmt_ussd_at_parse(const struct web_request *req, struct ussd_req *u,
    struct fmt_ussd_hold *hold, char *err, size_t errlen)
{
	struct web_params	 qs = { NULL, 0, 0 }, ps = { NULL, 0, 0 };
	struct fmt_str		 sid, from, service, text, status;
	const char		*ct;
	int			 rc;

	memset(u, 0, sizeof *u);
	memset(hold, 0, sizeof *hold);
	if (!req->post)
		return fmt_fail(err, errlen, 405, "use POST");
	if (req->query != NULL)
		web_params_add(&qs, req->query, strlen(req->query));
	if (!fmt_secret_ok(req, &qs)) {
		rc = fmt_fail(err, errlen, 401, "missing or wrong secret");
		goto fail;
	}
	ct = fmt_header(req, "Content-Type");
	if (ct != NULL && !fmt_content_is(ct, "application/x-www-form-urlencoded")) {
		rc = fmt_fail(err, errlen, 415, "use application/x-www-form-urlencoded");
		goto fail;
	}
	web_params_add(&ps, req->body, req->bodylen);
	fmt_field(req, &ps, "sessionId", NULL, 0, &sid);
	fmt_field(req, &ps, "phoneNumber", NULL, 0, &from);
	fmt_field(req, &ps, "serviceCode", NULL, 0, &service);
	fmt_field(req, &ps, "text", NULL, 0, &text);
	fmt_field(req, &ps, "status", NULL, 0, &status);
	if ((rc = fmt_ussd_take(hold, "sessionId", sid.p, sid.len,
	    FMT_USSD_SESSION_MAX, 1, &u->session, err, errlen)) != 0 ||
	    (rc = fmt_ussd_take(hold, "phoneNumber", from.p, from.len, FMT_NUMBER_MAX, 1,
	    &u->from, err, errlen)) != 0 ||
	    (rc = fmt_ussd_take(hold, "serviceCode", service.p, service.len,
	    FMT_USSD_SERVICE_MAX, 0, &u->service, err, errlen)) != 0)
		goto fail;
	if (text.p == NULL && status.p != NULL)
		u->ended = 1;
	else if ((rc = fmt_ussd_take(hold, "text", text.p != NULL ? text.p : "", text.len,
	    0, 0, &u->history, err, errlen)) != 0)
		goto fail;
	u->channel = req->route != NULL ? req->route->name : NULL;
	web_params_free(&qs);
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&qs);
	web_params_free(&ps);
	fmt_ussd_hold_free(hold);
	memset(u, 0, sizeof *u);
	return rc;
}

/*
 * "CON " and the screen to go on, "END " and the screen to finish; an
 * end-of-session notification (no screen) gets an empty 200.
 */
static void
fmt_ussd_at_render(const struct ussd_resp *r, struct fmt_response *out)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*s;
	size_t		 n;

	memset(out, 0, sizeof *out);
	buf_add(&b, "", 0);
	if (r != NULL && r->text != NULL) {
		buf_str(&b, r->end ? "END " : "CON ");
		s = web_utf8_fix(r->text, strlen(r->text), &n);
		buf_add(&b, s, n);
		free(s);
	}
	out->status = 200;
	out->content_type = xstrdup("text/plain; charset=UTF-8");
	out->body = b.p;
	out->bodylen = b.len;
}

/* A JSON string member of a USSD request into the hold: 0 or 400. */
static int
fmt_ussd_json_member(json_t *root, struct fmt_ussd_hold *hold, const char *key,
    size_t max, int required, const char **out, char *err, size_t errlen)
{
	const char	*s;
	size_t		 len;
	int		 rc;

	if ((rc = fmt_json_optstr(root, key, &s, &len, err, errlen)) != 0)
		return rc;
	return fmt_ussd_take(hold, key, s, len, max, required, out, err, errlen);
}

/*
 * The json USSD format: POST {"session","from","service","input"}, input
 * being the newest input only ("" or absent on the first request), and
 * "ended": true when the network reports the session over. With a route
 * secret, "Authorization: Bearer SECRET". Unknown members are ignored.
 */
static int
fmt_ussd_json_parse(const struct web_request *req, struct ussd_req *u,
    struct fmt_ussd_hold *hold, char *err, size_t errlen)
{
	const struct inbound_route	*route = req->route;
	json_t				*root, *v;
	json_error_t			 jerr;
	int				 rc;

	memset(u, 0, sizeof *u);
	memset(hold, 0, sizeof *hold);
	if (!req->post)
		return fmt_fail(err, errlen, 405, "use POST");
	if (route != NULL && route->secret != NULL && !fmt_bearer_ok(req, route->secret))
		return fmt_fail(err, errlen, 401, "missing or wrong token");
	root = json_loadb(req->body != NULL ? req->body : "", req->bodylen,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return fmt_fail(err, errlen, 400, "bad JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		rc = fmt_fail(err, errlen, 400, "body must be a JSON object");
		goto fail;
	}
	if ((rc = fmt_ussd_json_member(root, hold, "session", FMT_USSD_SESSION_MAX, 1,
	    &u->session, err, errlen)) != 0 ||
	    (rc = fmt_ussd_json_member(root, hold, "from", FMT_NUMBER_MAX, 1,
	    &u->from, err, errlen)) != 0 ||
	    (rc = fmt_ussd_json_member(root, hold, "service", FMT_USSD_SERVICE_MAX, 0,
	    &u->service, err, errlen)) != 0 ||
	    (rc = fmt_ussd_json_member(root, hold, "input", 0, 0, &u->input,
	    err, errlen)) != 0)
		goto fail;
	if (u->input == NULL)
		u->input = fmt_ussd_keep(hold, "", 0);
	v = json_object_get(root, "ended");
	if (v != NULL && !json_is_null(v) && !json_is_boolean(v)) {
		rc = fmt_fail(err, errlen, 400, "ended must be true or false");
		goto fail;
	}
	u->ended = v != NULL && json_is_true(v);
	u->channel = route != NULL ? route->name : NULL;
	json_decref(root);
	return 0;

fail:
	json_decref(root);
	fmt_ussd_hold_free(hold);
	memset(u, 0, sizeof *u);
	return rc;
}

/* {"text": the screen, "end": true|false}; no screen: {"text":"","end":true}. */
static void
fmt_ussd_json_render(const struct ussd_resp *r, struct fmt_response *out)
{
	json_t	*root;
	char	*s;

	memset(out, 0, sizeof *out);
	if ((root = json_object()) == NULL)
		fatalx("json_object failed");
	json_object_set_new(root, "text",
	    fmt_json_string(r != NULL && r->text != NULL ? r->text : ""));
	json_object_set_new(root, "end",
	    json_boolean(r == NULL || r->text == NULL || r->end));
	if ((s = json_dumps(root, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	json_decref(root);
	out->status = 200;
	out->content_type = xstrdup("application/json");
	out->bodylen = strlen(s);
	out->body = web_copy(s, out->bodylen);
	free(s);
}
