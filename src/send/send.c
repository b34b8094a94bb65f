/*
 * send.c: the outbound drivers. Each builds the HTTP request that hands
 * one queued text to its route, judges the route's answer, and reads the
 * route's delivery reports. Pure: send-http.c does the sockets and
 * outbox.c decides when.
 *
 * What every driver shares: no answer, 408, 429 and 5xx are "try again"
 * (RFC 9110 15.5.9, RFC 6585 4, RFC 9110 15.6); any other 4xx is final.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "send/send.h"

#define SEND_PARAM_MAX	 256	/* longest delivery-report parameter kept */
#define SEND_LINE_MAX	 160	/* longest piece of an answer quoted in a reason */
#define SEND_DELAY_MAX	 2147483647LL	/* longest Retry-After in seconds */

/* A byte string that grows. */
/* A route's word for a state and what it means. */
struct send_word {
	const char		*word;
	int			 delivered;	/* delivery reports: 1, 0, -1 */
};

static void	send_kannel_build(const struct route *, const struct outbox_msg *,
		    struct send_req *);
static enum send_verdict send_kannel_verdict(const struct route *, long, const char *,
		    size_t, char *, size_t, char *, size_t);
static int	send_kannel_dlr(const struct web_request *, struct send_dlr *, char *,
		    size_t);
static void	send_at_build(const struct route *, const struct outbox_msg *,
		    struct send_req *);
static enum send_verdict send_at_verdict(const struct route *, long, const char *,
		    size_t, char *, size_t, char *, size_t);
static int	send_at_dlr(const struct web_request *, struct send_dlr *, char *,
		    size_t);
static void	send_twilio_build(const struct route *, const struct outbox_msg *,
		    struct send_req *);
static enum send_verdict send_twilio_verdict(const struct route *, long, const char *,
		    size_t, char *, size_t, char *, size_t);
static int	send_twilio_dlr(const struct web_request *, struct send_dlr *, char *,
		    size_t);
static void	send_json_build(const struct route *, const struct outbox_msg *,
		    struct send_req *);
static enum send_verdict send_json_verdict(const struct route *, long, const char *,
		    size_t, char *, size_t, char *, size_t);
static int	send_json_dlr(const struct web_request *, struct send_dlr *, char *,
		    size_t);
static void	send_null_build(const struct route *, const struct outbox_msg *,
		    struct send_req *);
static enum send_verdict send_null_verdict(const struct route *, long, const char *,
		    size_t, char *, size_t, char *, size_t);

const struct send_driver send_kannel = {
	.name = "kannel", .http = 1, .build = send_kannel_build,
	.verdict = send_kannel_verdict, .dlr = send_kannel_dlr
};
const struct send_driver send_africastalking = {
	.name = "africastalking", .http = 1, .build = send_at_build,
	.verdict = send_at_verdict, .dlr = send_at_dlr
};
const struct send_driver send_twilio = {
	.name = "twilio", .http = 1, .build = send_twilio_build,
	.verdict = send_twilio_verdict, .dlr = send_twilio_dlr
};
const struct send_driver send_json = {
	.name = "json", .http = 1, .build = send_json_build,
	.verdict = send_json_verdict, .dlr = send_json_dlr
};
const struct send_driver send_null = {
	.name = "null", .http = 0, .build = send_null_build,
	.verdict = send_null_verdict, .dlr = send_json_dlr
};
/* Links of their own send themselves (outbox_attach) and take receipts on their link. */
const struct send_driver send_channel = { .name = "channel", .channel = 1 };

void
send_req_free(struct send_req *req)
{
	size_t	i;

	if (req == NULL)
		return;
	free(req->url);
	free(req->body);
	for (i = 0; i < req->nheaders && i < SEND_HEADERS_MAX; i++)
		free(req->headers[i]);
	free(req->userpwd);
	memset(req, 0, sizeof *req);
}

/*
 * Add name=value to a query string or an application/x-www-form-urlencoded
 * body, the value percent-encoded but for RFC 3986 2.3 unreserved bytes.
 */
static void
send_form_add(struct buf *b, const char *name, const char *value)
{
	char	*enc;

	if ((enc = evhttp_uriencode(value, -1, 0)) == NULL)
		fatalx("evhttp_uriencode failed");
	if (b->len != 0)
		buf_str(b, "&");
	buf_str(b, name);
	buf_str(b, "=");
	buf_str(b, enc);
	free(enc);
}

/* base plus a query string, joined by '?' or, if base has a query, '&'. */
static char *
send_url_join(const char *base, const char *query)
{
	struct buf	 b = { NULL, 0, 0 };
	size_t		 n;

	buf_str(&b, base != NULL ? base : "");
	if (query != NULL && *query != '\0') {
		n = b.len;
		if (strchr(b.p, '?') == NULL)
			buf_str(&b, "?");
		else if (n != 0 && b.p[n - 1] != '?' && b.p[n - 1] != '&')
			buf_str(&b, "&");
		buf_str(&b, query);
	}
	return b.p;
}

/* Add a "Name: value" header line; a value that would split the header is left out. */
static void
send_header(struct send_req *req, const char *name, const char *value)
{
	if (strpbrk(value, "\r\n") != NULL) {
		log_warnx("send: header %s holds a line break, left out", name);
		return;
	}
	if (req->nheaders >= SEND_HEADERS_MAX)
		fatalx("send: too many headers");
	xasprintf(&req->headers[req->nheaders++], "%s: %s", name, value);
}

/* The text to send: valid UTF-8 (a bad byte made U+FFFD), never NULL. */
static char *
send_text(const struct outbox_msg *m)
{
	const char	*t = m->text != NULL ? m->text : "";
	size_t		 n;

	return web_utf8_fix(t, strlen(t), &n);
}

/*
 * Write a one-line reason. Bytes that could break a line or a log
 * (controls, non-ASCII quoted from an answer) become '?'.
 */
static void __attribute__((format(printf, 3, 4)))
send_reason(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 i;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (i = 0; err[i] != '\0'; i++) {
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			err[i] = '?';
	}
}

/* The first non-empty line of an answer, trimmed and cut, for a reason. */
static const char *
send_first_line(const char *body, size_t len, char *buf, size_t buflen)
{
	const char	*p = body, *end = body + len;
	size_t		 n;

	if (body == NULL)
		p = end = "";
	while (p < end && (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t'))
		p++;
	for (n = 0; p + n < end && p[n] != '\r' && p[n] != '\n' && p[n] != '\0'; n++)
		;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return "(empty answer)";
	if (n >= buflen)
		n = buflen - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* 1 if the answer starts with this prefix. */
static int
send_starts(const char *body, size_t len, const char *prefix)
{
	size_t	n = strlen(prefix);

	return body != NULL && len >= n && memcmp(body, prefix, n) == 0;
}

/* Take a route's message id if it fits and is printable ASCII; 0 if taken. */
static int
send_set_id(char *ext_id, size_t idlen, const char *s, size_t len)
{
	size_t	i;

	if (ext_id == NULL || idlen == 0 || s == NULL || len == 0 || len >= idlen)
		return -1;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return -1;
	}
	memcpy(ext_id, s, len);
	ext_id[len] = '\0';
	return 0;
}

/* A JSON message id, a string or an integer, into ext_id. */
static int
send_json_id(json_t *v, char *ext_id, size_t idlen)
{
	char	buf[32];

	if (json_is_string(v))
		return send_set_id(ext_id, idlen, json_string_value(v),
		    json_string_length(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return send_set_id(ext_id, idlen, buf, strlen(buf));
	}
	return -1;
}

/* Parse an answer as a JSON object, reading no further than len; NULL if it is not one. */
static json_t *
send_json_load(const char *body, size_t len)
{
	json_t		*root;
	json_error_t	 jerr;

	if (body == NULL || len == 0)
		return NULL;
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL)
		return NULL;
	if (!json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* A JSON string member, or NULL. */
static const char *
send_json_str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* No HTTP answer, 408, 429 and 5xx are worth another try. */
static int
send_retryable(long status)
{
	return status < 100 || status == 408 || status == 429 || status >= 500;
}

/* The judgement every driver shares for an answer that is not a success. */
static enum send_verdict
send_http_verdict(long status, const char *what, char *err, size_t errlen)
{
	if (status < 100) {
		send_reason(err, errlen, "no HTTP answer");
		return SEND_RETRY;
	}
	send_reason(err, errlen, "HTTP %ld: %s", status, what);
	return send_retryable(status) ? SEND_RETRY : SEND_FAIL;
}

/*
 * A delivery report's parameter, from the query and then from a form
 * body: 1 and its value in buf, 0 if absent or empty, -1 if it does not
 * fit or holds a NUL.
 */
static int
send_dlr_param(const struct web_request *req, const char *name, char *buf,
    size_t buflen)
{
	char	*v = NULL;
	size_t	 n = 0;
	int	 found = 0;

	if (req->query != NULL)
		found = web_form_get(req->query, strlen(req->query), name, &v, &n);
	if ((!found || n == 0) && req->post && req->body != NULL) {
		free(v);
		found = web_form_get(req->body, req->bodylen, name, &v, &n);
	}
	if (!found || n == 0) {
		free(v);
		return 0;
	}
	if (n >= buflen || memchr(v, '\0', n) != NULL) {
		free(v);
		return -1;
	}
	memcpy(buf, v, n + 1);
	free(v);
	return 1;
}

/* Our outbox id as a report carries it: a decimal in [1, INT64_MAX]; 0 if bad. */
static int64_t
send_parse_id(const char *s)
{
	const char	*errstr;
	long long	 v;

	v = num_parse(s, 1, INT64_MAX, &errstr);
	return errstr == NULL ? v : 0;
}

/* What a route's state word means; -1 (not final) for a word not in the table. */
static int
send_word_find(const struct send_word *t, size_t n, const char *word, int nocase)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((nocase ? strcasecmp(t[i].word, word) : strcmp(t[i].word, word)) == 0)
			return t[i].delivered;
	}
	return -1;
}

/* state = "WORD" or "WORD/DETAIL", printable ASCII only, cut to fit. */
static void
send_dlr_state(struct send_dlr *d, const char *word, const char *detail)
{
	size_t	i;

	if (detail != NULL && *detail != '\0')
		snprintf(d->state, sizeof d->state, "%s/%s", word, detail);
	else
		snprintf(d->state, sizeof d->state, "%s", word);
	for (i = 0; d->state[i] != '\0'; i++) {
		if ((unsigned char)d->state[i] < 0x20 || (unsigned char)d->state[i] >= 0x7f)
			d->state[i] = '?';
	}
}

/*
 * The route's delivery-report URL as given to the aggregator: dlr_url with
 * ?secret=DLR_SECRET (chan-http.c refuses a report without it) and then
 * more ("id=7"), after "&"; NULL if the route asks for no reports.
 * The secret needs no escaping (config_check_dlr_secret, or hex).
 */
static char *
send_dlr_url(const struct route *r, const char *more)
{
	char	*url;
	char	 sep;

	if (r->dlr_url == NULL || *r->dlr_url == '\0')
		return NULL;
	sep = strchr(r->dlr_url, '?') != NULL ? '&' : '?';
	if (r->dlr_secret != NULL)
		xasprintf(&url, "%s%csecret=%s%s%s", r->dlr_url, sep,
		    r->dlr_secret, more != NULL ? "&" : "", more != NULL ? more : "");
	else if (more != NULL)
		xasprintf(&url, "%s%c%s", r->dlr_url, sep, more);
	else
		url = xstrdup(r->dlr_url);
	return url;
}

/*
 * Kannel 1.4.5 cgi-bin/sendsms (user guide, "Sending SMS via HTTP"): a GET
 * with the text as UTF-8 and charset=UTF-8; coding=2 makes Kannel convert
 * it to UCS-2 (3GPP TS 23.038) where GSM-7 cannot carry it. dlr-mask=31
 * asks for every report type (1 delivered, 2 undeliverable, 4 buffered,
 * 8 SMSC accepted, 16 SMSC rejected), each sent to dlr-url with our outbox
 * id and Kannel's %d (type), %i (SMSC id) and %A (SMSC reply) filled in.
 */
static void
send_kannel_build(const struct route *r, const struct outbox_msg *m,
    struct send_req *req)
{
	struct buf		 q = { NULL, 0, 0 };
	struct gsm_count	 gc;
	char			*text, *dlr, more[96];
	int			 ucs2;

	memset(req, 0, sizeof *req);
	text = send_text(m);
	ucs2 = gsm_count(text, strlen(text), &gc) == -1 || gc.coding == GSM_CODING_UCS2;
	if (r->username != NULL)
		send_form_add(&q, "username", r->username);
	if (r->password != NULL)
		send_form_add(&q, "password", r->password);
	send_form_add(&q, "from", r->from != NULL ? r->from : "");
	send_form_add(&q, "to", m->number);
	send_form_add(&q, "text", text);
	send_form_add(&q, "charset", "UTF-8");
	send_form_add(&q, "coding", ucs2 ? "2" : "0");
	snprintf(more, sizeof more, "id=%lld&status=%%d&smsc=%%i&reply=%%A",
	    (long long)m->id);
	if ((dlr = send_dlr_url(r, more)) != NULL) {
		send_form_add(&q, "dlr-mask", "31");
		send_form_add(&q, "dlr-url", dlr);
		free(dlr);
	}
	req->post = 0;
	req->url = send_url_join(r->url, q.p);
	free(q.p);
	free(text);
}

/*
 * sendsms answers "202 0: Accepted for delivery" or "202 3: Queued for
 * later delivery"; errors come as 4xx (403 bad password, 400 a missing
 * or bad parameter) and 503 (bearerbox unreachable). There is no message
 * id in the answer: reports come back with our own id.
 */
static enum send_verdict
send_kannel_verdict(const struct route *r, long status, const char *body, size_t len,
    char *ext_id, size_t idlen, char *err, size_t errlen)
{
	char	line[SEND_LINE_MAX];

	(void)r;
	if (ext_id != NULL && idlen != 0)
		ext_id[0] = '\0';
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if (status == 202 || (status >= 200 && status < 300 &&
	    (send_starts(body, len, "0: Accepted") || send_starts(body, len, "3: Queued"))))
		return SEND_OK;
	if (status >= 200 && status < 300) {
		send_reason(err, errlen, "unexpected answer: %s",
		    send_first_line(body, len, line, sizeof line));
		return SEND_FAIL;
	}
	return send_http_verdict(status, send_first_line(body, len, line, sizeof line),
	    err, errlen);
}

/* Kannel's report types (gw/dlr.h DLR_*) as dlr-mask numbers them. */
static const struct send_kannel_type {
	int	type;
	int	delivered;
} send_kannel_types[] = {
	{ 1, 1 },	/* DLR_SUCCESS: delivered to the phone */
	{ 2, 0 },	/* DLR_FAIL: undeliverable */
	{ 4, -1 },	/* DLR_BUFFERED: queued on the SMSC */
	{ 8, -1 },	/* DLR_SMSC_SUCCESS: the SMSC accepted it */
	{ 16, 0 },	/* DLR_SMSC_FAIL: the SMSC rejected it */
};

/*
 * A Kannel report: GET dlr-url?id=OURS&status=%d&smsc=%i&reply=%A. The
 * state is the type, with the receipt's "stat:" word when the SMSC's
 * reply has one ("2/UNDELIV").
 */
static int
send_kannel_dlr(const struct web_request *req, struct send_dlr *d, char *err,
    size_t errlen)
{
	char		 id[32], st[16], reply[SEND_PARAM_MAX], word[16];
	const char	*errstr, *p;
	long long	 type;
	size_t		 i, n;

	memset(d, 0, sizeof *d);
	if (send_dlr_param(req, "id", id, sizeof id) != 1) {
		send_reason(err, errlen, "missing id");
		return 400;
	}
	if ((d->outbox_id = send_parse_id(id)) == 0) {
		send_reason(err, errlen, "bad id");
		return 400;
	}
	if (send_dlr_param(req, "status", st, sizeof st) != 1) {
		send_reason(err, errlen, "missing status");
		return 400;
	}
	type = num_parse(st, 0, 65535, &errstr);
	if (errstr != NULL) {
		send_reason(err, errlen, "bad status");
		return 400;
	}
	d->delivered = -1;
	for (i = 0; i < nitems(send_kannel_types); i++) {
		if (send_kannel_types[i].type == type)
			d->delivered = send_kannel_types[i].delivered;
	}
	word[0] = '\0';
	if (send_dlr_param(req, "reply", reply, sizeof reply) == 1 &&
	    (p = strstr(reply, "stat:")) != NULL) {
		p += 5;
		for (n = 0; n < sizeof word - 1 && ((p[n] >= 'A' && p[n] <= 'Z') ||
		    (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9')); n++)
			word[n] = p[n];
		word[n] = '\0';
	}
	snprintf(st, sizeof st, "%lld", type);
	send_dlr_state(d, st, word);
	return 0;
}

/*
 * Africa's Talking "Send message" (POST /version1/messaging): a form with
 * username, to, message and from (a sender id or short code; the
 * account's default without it), the API key in the apiKey header.
 */
static void
send_at_build(const struct route *r, const struct outbox_msg *m, struct send_req *req)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*text;

	memset(req, 0, sizeof *req);
	text = send_text(m);
	send_form_add(&b, "username", r->username != NULL ? r->username : "");
	send_form_add(&b, "to", m->number);
	send_form_add(&b, "message", text);
	if (r->from != NULL && *r->from != '\0')
		send_form_add(&b, "from", r->from);
	req->post = 1;
	req->url = xstrdup(r->url != NULL ? r->url : "");
	req->body = b.p != NULL ? b.p : xstrdup("");
	req->bodylen = b.len;
	send_header(req, "Content-Type", "application/x-www-form-urlencoded");
	send_header(req, "Accept", "application/json");
	if (r->api_key != NULL)
		send_header(req, "apiKey", r->api_key);
	free(text);
}

/*
 * Africa's Talking per-recipient status codes ("Sending messages",
 * SMSMessageData.Recipients[].statusCode). A wrong sender id or an empty
 * balance is the account's problem, not the message's: those wait for
 * the operator (up to outbox.max_age) instead of failing at once, as
 * Medic's CHT integration also does.
 */
static const struct send_at_code {
	int			 code;
	const char		*name;
	enum send_verdict	 verdict;
} send_at_codes[] = {
	{ 100, "Processed", SEND_OK },
	{ 101, "Sent", SEND_OK },
	{ 102, "Queued", SEND_OK },
	{ 401, "RiskHold", SEND_FAIL },
	{ 402, "InvalidSenderId", SEND_RETRY },
	{ 403, "InvalidPhoneNumber", SEND_FAIL },
	{ 404, "UnsupportedNumberType", SEND_FAIL },
	{ 405, "InsufficientBalance", SEND_RETRY },
	{ 406, "UserInBlacklist", SEND_FAIL },
	{ 407, "CouldNotRoute", SEND_FAIL },
	{ 409, "DoNotDisturbRejection", SEND_FAIL },
	{ 500, "InternalServerError", SEND_RETRY },
	{ 501, "GatewayError", SEND_RETRY },
	{ 502, "RejectedByGateway", SEND_RETRY },
};

/* The verdict for a status code (or, with code -1, a status name). */
static enum send_verdict
send_at_code_verdict(long long code, const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(send_at_codes); i++) {
		if (code == send_at_codes[i].code ||
		    (code == -1 && name != NULL && strcmp(name, send_at_codes[i].name) == 0))
			return send_at_codes[i].verdict;
	}
	if (code >= 100 && code < 200)
		return SEND_OK;
	if (code >= 500 && code < 600)
		return SEND_RETRY;
	return SEND_FAIL;
}

/*
 * {"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: ...","Recipients":
 * [{"statusCode":101,"number":"+2547...","status":"Success","messageId":
 * "ATXid_..."}]}}. The one recipient's statusCode decides; with no
 * recipient, the Message (an error name such as "InvalidSenderId") does.
 */
static enum send_verdict
send_at_verdict(const struct route *r, long status, const char *body, size_t len,
    char *ext_id, size_t idlen, char *err, size_t errlen)
{
	json_t			*root, *data, *recs, *rec, *v;
	const char		*word, *mid, *errstr;
	char			 line[SEND_LINE_MAX];
	long long		 code = -1;
	enum send_verdict	 verdict;

	(void)r;
	if (ext_id != NULL && idlen != 0)
		ext_id[0] = '\0';
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if (status < 200 || status >= 300)
		return send_http_verdict(status, send_first_line(body, len, line,
		    sizeof line), err, errlen);
	if ((root = send_json_load(body, len)) == NULL ||
	    !json_is_object(data = json_object_get(root, "SMSMessageData"))) {
		send_reason(err, errlen, "unreadable answer: %s",
		    send_first_line(body, len, line, sizeof line));
		json_decref(root);
		return SEND_FAIL;
	}
	recs = json_object_get(data, "Recipients");
	if (!json_is_array(recs) || json_array_size(recs) == 0 ||
	    !json_is_object(rec = json_array_get(recs, 0))) {
		word = send_json_str(data, "Message");
		verdict = send_at_code_verdict(-1, word);
		if (verdict == SEND_OK)
			verdict = SEND_FAIL;
		send_reason(err, errlen, "no recipient: %.120s",
		    word != NULL ? word : "(no message)");
		json_decref(root);
		return verdict;
	}
	word = send_json_str(rec, "status");
	v = json_object_get(rec, "statusCode");
	if (json_is_integer(v))
		code = json_integer_value(v);
	else if (json_is_string(v)) {
		code = num_parse(json_string_value(v), 0, 999, &errstr);
		if (errstr != NULL)
			code = -1;
	}
	if (code <= 0)
		code = -1;
	verdict = send_at_code_verdict(code, word);
	if (code == -1 && word == NULL)
		verdict = SEND_FAIL;
	if (verdict == SEND_OK) {
		mid = send_json_str(rec, "messageId");
		if (mid != NULL && send_set_id(ext_id, idlen, mid, strlen(mid)) == -1)
			log_warnx("send: africastalking messageId not usable, not kept");
	} else
		send_reason(err, errlen, "statusCode %lld %.100s", code,
		    word != NULL ? word : "");
	json_decref(root);
	return verdict;
}

/* Africa's Talking report statuses ("Delivery reports"). */
static const struct send_word send_at_words[] = {
	{ "Success", 1 },	/* on the handset: final */
	{ "Failed", 0 },	/* could not reach the handset: final */
	{ "Rejected", 0 },	/* rejected by the operator: final */
	{ "Sent", -1 },
	{ "Submitted", -1 },
	{ "Buffered", -1 },
};

/*
 * An Africa's Talking report: a form POST with id (the messageId the send
 * returned), status, phoneNumber, networkCode and, for Rejected and
 * Failed, failureReason (kept in the state: "Failed/UserInBlackList").
 */
static int
send_at_dlr(const struct web_request *req, struct send_dlr *d, char *err, size_t errlen)
{
	char	st[32], reason[64];

	memset(d, 0, sizeof *d);
	if (send_dlr_param(req, "id", d->ext_id, sizeof d->ext_id) != 1) {
		memset(d->ext_id, 0, sizeof d->ext_id);
		send_reason(err, errlen, "missing or bad id");
		return 400;
	}
	if (send_dlr_param(req, "status", st, sizeof st) != 1) {
		send_reason(err, errlen, "missing status");
		return 400;
	}
	if (send_dlr_param(req, "failureReason", reason, sizeof reason) != 1)
		reason[0] = '\0';
	d->delivered = send_word_find(send_at_words, nitems(send_at_words), st, 0);
	send_dlr_state(d, st, reason);
	return 0;
}

/*
 * Twilio "Create a Message" (POST .../Accounts/SID/Messages.json): a form
 * with To, From, Body and StatusCallback (our report URL with our outbox
 * id), HTTP basic auth with the account SID and auth token.
 */
static void
send_twilio_build(const struct route *r, const struct outbox_msg *m,
    struct send_req *req)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*text, *cb, more[32];

	memset(req, 0, sizeof *req);
	text = send_text(m);
	send_form_add(&b, "To", m->number);
	if (r->from != NULL && *r->from != '\0')
		send_form_add(&b, "From", r->from);
	send_form_add(&b, "Body", text);
	snprintf(more, sizeof more, "id=%lld", (long long)m->id);
	if ((cb = send_dlr_url(r, more)) != NULL) {
		send_form_add(&b, "StatusCallback", cb);
		free(cb);
	}
	req->post = 1;
	req->url = xstrdup(r->url != NULL ? r->url : "");
	req->body = b.p;
	req->bodylen = b.len;
	send_header(req, "Content-Type", "application/x-www-form-urlencoded");
	send_header(req, "Accept", "application/json");
	if (r->username != NULL)
		xasprintf(&req->userpwd, "%s:%s", r->username,
		    r->password != NULL ? r->password : "");
	free(text);
}

/*
 * Twilio error codes that a 4xx carries but that mean "later", not
 * "never" (Twilio error dictionary): 20429 too many requests, 21611 the
 * From number's queue is full.
 */
static const int send_twilio_later[] = { 20429, 21611 };

/*
 * 201 and the Message resource ({"sid":"SM...","status":"queued",...});
 * errors as {"code":21211,"message":"...","more_info":...,"status":400}.
 */
static enum send_verdict
send_twilio_verdict(const struct route *r, long status, const char *body, size_t len,
    char *ext_id, size_t idlen, char *err, size_t errlen)
{
	json_t			*root, *v;
	const char		*msg, *sid;
	char			 line[SEND_LINE_MAX];
	long long		 code = 0;
	enum send_verdict	 verdict;
	size_t			 i;

	(void)r;
	if (ext_id != NULL && idlen != 0)
		ext_id[0] = '\0';
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	root = send_json_load(body, len);
	if (status >= 200 && status < 300) {
		/* Accepted: a missing sid loses the reports, not the message. */
		sid = root != NULL ? send_json_str(root, "sid") : NULL;
		if (sid == NULL || send_set_id(ext_id, idlen, sid, strlen(sid)) == -1)
			log_warnx("send: twilio answer without a usable sid");
		json_decref(root);
		return SEND_OK;
	}
	if (root == NULL) {
		verdict = send_http_verdict(status, send_first_line(body, len, line,
		    sizeof line), err, errlen);
		return verdict;
	}
	if (json_is_integer(v = json_object_get(root, "code")))
		code = json_integer_value(v);
	msg = send_json_str(root, "message");
	snprintf(line, sizeof line, "%lld %s", code, msg != NULL ? msg : "");
	verdict = send_http_verdict(status, line, err, errlen);
	for (i = 0; i < nitems(send_twilio_later); i++) {
		if (code == send_twilio_later[i])
			verdict = SEND_RETRY;
	}
	json_decref(root);
	return verdict;
}

/* Twilio MessageStatus values (Message resource, "Message status values"). */
static const struct send_word send_twilio_words[] = {
	{ "delivered", 1 },
	{ "read", 1 },
	{ "undelivered", 0 },
	{ "failed", 0 },
	{ "canceled", 0 },
	{ "accepted", -1 },
	{ "scheduled", -1 },
	{ "queued", -1 },
	{ "sending", -1 },
	{ "sent", -1 },
};

/*
 * A Twilio status callback: a form POST with MessageSid, MessageStatus,
 * ErrorCode (kept in the state: "undelivered/30003") and many more, to
 * our StatusCallback URL with our id in its query. With the outbound
 * route known and its auth token set, X-Twilio-Signature must be right.
 */
static int
send_twilio_dlr(const struct web_request *req, struct send_dlr *d, char *err,
    size_t errlen)
{
	const struct route	*r = req->outbound;
	const char		*sig;
	char			 id[32], st[32], code[16], *want;
	int			 rc, ok;

	memset(d, 0, sizeof *d);
	if (!req->post) {
		send_reason(err, errlen, "use POST");
		return 405;
	}
	if (r != NULL && r->password != NULL) {
		if (req->header == NULL ||
		    (sig = req->header(req->hctx, "X-Twilio-Signature")) == NULL) {
			send_reason(err, errlen, "missing signature");
			return 403;
		}
		want = web_twilio_signature(r->password, req->url, req->body, req->bodylen);
		ok = strlen(want) == strlen(sig) &&
		    CRYPTO_memcmp(want, sig, strlen(want)) == 0;
		free(want);
		if (!ok) {
			send_reason(err, errlen, "bad signature");
			return 403;
		}
	}
	if ((rc = send_dlr_param(req, "id", id, sizeof id)) == -1 ||
	    (rc == 1 && (d->outbox_id = send_parse_id(id)) == 0)) {
		send_reason(err, errlen, "bad id");
		return 400;
	}
	if ((rc = send_dlr_param(req, "MessageSid", d->ext_id, sizeof d->ext_id)) == 0)
		rc = send_dlr_param(req, "SmsSid", d->ext_id, sizeof d->ext_id);
	if (rc != 1)
		memset(d->ext_id, 0, sizeof d->ext_id);
	if (rc == -1 || (d->outbox_id == 0 && d->ext_id[0] == '\0')) {
		send_reason(err, errlen, "missing or bad MessageSid");
		return 400;
	}
	if (send_dlr_param(req, "MessageStatus", st, sizeof st) != 1 &&
	    send_dlr_param(req, "SmsStatus", st, sizeof st) != 1) {
		send_reason(err, errlen, "missing MessageStatus");
		return 400;
	}
	if (send_dlr_param(req, "ErrorCode", code, sizeof code) != 1)
		code[0] = '\0';
	d->delivered = send_word_find(send_twilio_words, nitems(send_twilio_words), st, 1);
	send_dlr_state(d, st, code);
	return 0;
}

/* A JSON string of UTF-8 text already made valid. */
static json_t *
send_json_string(const char *s)
{
	json_t	*j;

	if ((j = json_string(s)) == NULL)
		fatalx("json_string failed");
	return j;
}

/*
 * The json driver, for an operator's or our own aggregator: POST
 * {"to","from","text","id","dlr_url"} ("from" and "dlr_url" when the
 * route has them; "id" our outbox id as a string), with
 * "Authorization: Bearer TOKEN" (RFC 6750 2.1) when the route has a token.
 */
static void
send_json_build(const struct route *r, const struct outbox_msg *m,
    struct send_req *req)
{
	json_t	*root;
	char	*text, id[32], *auth, *dlr;

	memset(req, 0, sizeof *req);
	text = send_text(m);
	if ((root = json_object()) == NULL)
		fatalx("json_object failed");
	snprintf(id, sizeof id, "%lld", (long long)m->id);
	json_object_set_new(root, "to", send_json_string(m->number));
	if (r->from != NULL && *r->from != '\0')
		json_object_set_new(root, "from", send_json_string(r->from));
	json_object_set_new(root, "text", send_json_string(text));
	json_object_set_new(root, "id", send_json_string(id));
	if ((dlr = send_dlr_url(r, NULL)) != NULL) {
		json_object_set_new(root, "dlr_url", send_json_string(dlr));
		free(dlr);
	}
	if ((req->body = json_dumps(root, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	json_decref(root);
	req->bodylen = strlen(req->body);
	req->post = 1;
	req->url = xstrdup(r->url != NULL ? r->url : "");
	send_header(req, "Content-Type", "application/json");
	send_header(req, "Accept", "application/json");
	if (r->token != NULL) {
		xasprintf(&auth, "Bearer %s", r->token);
		send_header(req, "Authorization", auth);
		free(auth);
	}
	free(text);
}

/* 2xx with an optional {"id": ...}; errors say {"error": "..."} or plain text. */
static enum send_verdict
send_json_verdict(const struct route *r, long status, const char *body, size_t len,
    char *ext_id, size_t idlen, char *err, size_t errlen)
{
	json_t			*root, *v;
	const char		*why;
	char			 line[SEND_LINE_MAX];
	enum send_verdict	 verdict;

	(void)r;
	if (ext_id != NULL && idlen != 0)
		ext_id[0] = '\0';
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	root = send_json_load(body, len);
	if (status >= 200 && status < 300) {
		if (root != NULL && (v = json_object_get(root, "id")) != NULL &&
		    !json_is_null(v) && send_json_id(v, ext_id, idlen) == -1)
			log_warnx("send: json answer id not usable, not kept");
		json_decref(root);
		return SEND_OK;
	}
	if (root == NULL || (why = send_json_str(root, "error")) == NULL)
		why = send_first_line(body, len, line, sizeof line);
	verdict = send_http_verdict(status, why, err, errlen);
	json_decref(root);
	return verdict;
}

/* The json driver's report words. */
static const struct send_word send_json_words[] = {
	{ "delivered", 1 },
	{ "failed", 0 },
	{ "undelivered", 0 },
	{ "rejected", 0 },
	{ "expired", 0 },
};

/*
 * A json report: POST {"id": our id (string or integer), "ext_id": the
 * aggregator's id, "status": "delivered" | "failed" | anything not final}.
 * At least one of id and ext_id.
 */
static int
send_json_dlr(const struct web_request *req, struct send_dlr *d, char *err,
    size_t errlen)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	const char	*st;
	int		 rc = 400;

	memset(d, 0, sizeof *d);
	if (!req->post) {
		send_reason(err, errlen, "use POST");
		return 405;
	}
	root = json_loadb(req->body != NULL ? req->body : "", req->bodylen,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		send_reason(err, errlen, "bad JSON: %s", jerr.text);
		return 400;
	}
	if (!json_is_object(root)) {
		send_reason(err, errlen, "body must be a JSON object");
		goto fail;
	}
	v = json_object_get(root, "id");
	if (json_is_integer(v) && json_integer_value(v) > 0)
		d->outbox_id = json_integer_value(v);
	else if (json_is_string(v))
		d->outbox_id = send_parse_id(json_string_value(v));
	if (v != NULL && !json_is_null(v) && d->outbox_id == 0) {
		send_reason(err, errlen, "bad id");
		goto fail;
	}
	v = json_object_get(root, "ext_id");
	if (v != NULL && !json_is_null(v) &&
	    send_json_id(v, d->ext_id, sizeof d->ext_id) == -1) {
		send_reason(err, errlen, "bad ext_id");
		goto fail;
	}
	if (d->outbox_id == 0 && d->ext_id[0] == '\0') {
		send_reason(err, errlen, "missing id");
		goto fail;
	}
	if ((st = send_json_str(root, "status")) == NULL || *st == '\0') {
		send_reason(err, errlen, "missing status");
		goto fail;
	}
	d->delivered = send_word_find(send_json_words, nitems(send_json_words), st, 1);
	send_dlr_state(d, st, NULL);
	rc = 0;
fail:
	json_decref(root);
	if (rc != 0)
		memset(d, 0, sizeof *d);
	return rc;
}

/* The null driver makes no request: outbox.c marks the row sent and logs it. */
static void
send_null_build(const struct route *r, const struct outbox_msg *m, struct send_req *req)
{
	(void)r;
	(void)m;
	memset(req, 0, sizeof *req);
}

static enum send_verdict
send_null_verdict(const struct route *r, long status, const char *body, size_t len,
    char *ext_id, size_t idlen, char *err, size_t errlen)
{
	(void)r;
	(void)status;
	(void)body;
	(void)len;
	if (ext_id != NULL && idlen != 0)
		ext_id[0] = '\0';
	if (err != NULL && errlen != 0)
		err[0] = '\0';
	return SEND_OK;
}

/*
 * Exponential backoff with jitter: base * 2^(attempts-1), cut to max, then
 * spread by +-20% so that a batch failed together does not retry together,
 * and cut to max again so the spread never exceeds it.
 */
double
send_backoff(double base, int max, int attempts, double rnd)
{
	double	d;

	if (attempts < 1)
		attempts = 1;
	if (attempts > 64)
		attempts = 64;
	if (!(rnd >= 0.0))		/* also NaN */
		rnd = 0.0;
	if (rnd > 1.0)
		rnd = 1.0;
	d = ldexp(base, attempts - 1);
	if (max > 0 && d > max)
		d = max;
	d *= 0.8 + 0.4 * rnd;
	if (d < 1.0 && base >= 1.0)
		d = 1.0;
	if (max > 0 && d > max)
		d = max;
	return d;
}

/*
 * Retry-After (RFC 9110 10.2.3): delay-seconds, or an HTTP-date (an
 * IMF-fixdate, or the obsolete RFC 850 and asctime forms, all of which
 * start with a day name), read by curl_getdate. A date in the past means
 * now.
 */
int64_t
send_retry_after(const char *value, int64_t now)
{
	char		 buf[64];
	const char	*errstr;
	long long	 v;
	time_t		 t;
	size_t		 n;

	if (value == NULL)
		return -1;
	value += strspn(value, " \t");
	n = strlen(value);
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, value, n);
	buf[n] = '\0';
	if (buf[0] >= '0' && buf[0] <= '9') {
		if (strspn(buf, "0123456789") != n)
			return -1;
		v = num_parse(buf, 0, SEND_DELAY_MAX, &errstr);
		if (errstr != NULL)
			return -1;
		return now + v;
	}
	if (!((buf[0] >= 'A' && buf[0] <= 'Z') || (buf[0] >= 'a' && buf[0] <= 'z')) ||
	    strpbrk(buf, "0123456789") == NULL || strchr(buf, ':') == NULL)
		return -1;
	if ((t = curl_getdate(buf, NULL)) == -1)
		return -1;
	return (int64_t)t < now ? now : (int64_t)t;
}
