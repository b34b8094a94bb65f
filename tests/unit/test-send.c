/* test-send.c: the outbound drivers: build, verdict, delivery reports, backoff. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "config/config.h"
#include "store/store.h"
#include "send/send.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "unit.h"

#define VI_TEXT		"C\xe1\xba\xa3m \xc6\xa1n b\xe1\xba\xa1n \xc4\x91\xc3\xa3 check-in " \
			"t\xe1\xba\xa1i Ph\xe1\xbb\x9f Th\xc3\xacn"
#define ASCII_TEXT	"Da ghi nhan: Pho Thin, Hang Bac, 08:00. Cam on!"
#define NASTY_TEXT	"a&b=c+d%20e#f?g\nh/i;j\"k'l"
#define KANNEL_URL	"http://127.0.0.1:13013/cgi-bin/sendsms"
#define DLR_URL		"http://127.0.0.1:8080/dlr/kannel"

/* Percent-decode n bytes of a query or form piece ('+' is a space), independently of fmt.c. */
/* The sender of the route driver called name, from the one driver table. */
static const struct send_driver *
send_driver_find(const char *name)
{
	const struct route_driver	*d = config_driver_find(route_drivers, name);

	return d != NULL ? d->send : NULL;
}

static char *
test_decode(const char *s, size_t n)
{
	char	*out, hex[3] = { 0, 0, 0 };
	size_t	 i, o = 0;

	out = malloc(n + 1);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			ck_assert_msg(i + 2 < n, "short escape in %.*s", (int)n, s);
			hex[0] = s[i + 1];
			hex[1] = s[i + 2];
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* The decoded value of name in a query or form (a new string), or NULL. */
static char *
form_get(const char *form, const char *name)
{
	const char	*p = form, *amp, *eq;
	size_t		 nlen = strlen(name);

	while (p != NULL && *p != '\0') {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		eq = memchr(p, '=', amp - p);
		if (eq != NULL && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0)
			return test_decode(eq + 1, amp - eq - 1);
		p = *amp == '&' ? amp + 1 : amp;
	}
	return NULL;
}

/* How many name=value pairs a query or form holds. */
static size_t
form_count(const char *form)
{
	size_t	n = 1;

	if (form == NULL || *form == '\0')
		return 0;
	for (; *form != '\0'; form++)
		n += *form == '&';
	return n;
}

/* Check one form field: want NULL means it must be absent. */
static void
check_field(const char *form, const char *name, const char *want)
{
	char	*got = form_get(form, name);

	if (want == NULL)
		ck_assert_msg(got == NULL, "%s present: \"%s\"", name, got);
	else {
		ck_assert_msg(got != NULL, "%s missing in %s", name, form);
		ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\", want \"%s\"", name, got,
		    want);
	}
	free(got);
}

/* 1 if the request has exactly this header line. */
static int
has_header(const struct send_req *req, const char *line)
{
	size_t	i;

	for (i = 0; i < req->nheaders; i++) {
		if (strcmp(req->headers[i], line) == 0)
			return 1;
	}
	return 0;
}

/* 1 if the request has a header of this name. */
static int
has_header_name(const struct send_req *req, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < req->nheaders; i++) {
		if (strncasecmp(req->headers[i], name, n) == 0 && req->headers[i][n] == ':')
			return 1;
	}
	return 0;
}

static void
route_init(struct route *r, const char *driver, const char *url)
{
	memset(r, 0, sizeof *r);
	r->name = (char *)driver;
	r->driver = (char *)driver;
	r->url = (char *)url;
	r->rate = 10.0;
	r->inflight = 4;
}

static void
msg_init(struct outbox_msg *m, int64_t id, const char *number, const char *text)
{
	memset(m, 0, sizeof *m);
	m->id = id;
	strlcpy(m->number, number, sizeof m->number);
	m->text = (char *)text;
}

/* Build with the named driver after filling req with junk: build must not trust it. */
static void
build(const char *driver, const struct route *r, const struct outbox_msg *m,
    struct send_req *req)
{
	const struct send_driver	*d = send_driver_find(driver);

	ck_assert_ptr_nonnull(d);
	memset(req, 0xa5, sizeof *req);
	d->build(r, m, req);
}

/* The query string of a GET request's URL, after checking the part before it. */
static const char *
url_query(const struct send_req *req, const char *base)
{
	size_t	n = strlen(base);

	ck_assert_ptr_nonnull(req->url);
	ck_assert_msg(strncmp(req->url, base, n) == 0, "url %s", req->url);
	ck_assert_msg(req->url[n] == '?' || req->url[n] == '&', "url %s", req->url);
	return req->url + n + 1;
}

START_TEST(test_kannel_build_ascii)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;
	const char		*q;

	route_init(&r, "kannel", KANNEL_URL);
	r.username = (char *)"gw";
	r.password = (char *)"p&w =?%";
	r.from = (char *)"8088";
	r.dlr_url = (char *)DLR_URL;
	msg_init(&m, 42, "+84912345678", ASCII_TEXT);
	build("kannel", &r, &m, &req);
	ck_assert_int_eq(req.post, 0);
	ck_assert_ptr_null(req.body);
	ck_assert_uint_eq(req.bodylen, 0);
	ck_assert_uint_eq(req.nheaders, 0);
	ck_assert_ptr_null(req.userpwd);
	q = url_query(&req, KANNEL_URL);
	ck_assert(req.url[strlen(KANNEL_URL)] == '?');
	check_field(q, "username", "gw");
	check_field(q, "password", "p&w =?%");
	check_field(q, "from", "8088");
	check_field(q, "to", "+84912345678");
	check_field(q, "text", ASCII_TEXT);
	check_field(q, "charset", "UTF-8");
	check_field(q, "coding", "0");
	check_field(q, "dlr-mask", "31");
	check_field(q, "dlr-url", DLR_URL "?id=42&status=%d&smsc=%i&reply=%A");
	ck_assert_uint_eq(form_count(q), 9);
	/* Nothing but RFC 3986 unreserved bytes and the separators in the query. */
	ck_assert_uint_eq(strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-._~%&="), strlen(q));
	send_req_free(&req);
	ck_assert_ptr_null(req.url);
	send_req_free(&req);
}
END_TEST

START_TEST(test_kannel_build_ucs2)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;
	const char		*q;

	route_init(&r, "kannel", KANNEL_URL);
	msg_init(&m, 7, "+84987654321", VI_TEXT);
	build("kannel", &r, &m, &req);
	q = url_query(&req, KANNEL_URL);
	check_field(q, "text", VI_TEXT);
	check_field(q, "charset", "UTF-8");
	check_field(q, "coding", "2");
	check_field(q, "from", "");
	check_field(q, "username", NULL);
	check_field(q, "password", NULL);
	check_field(q, "dlr-url", NULL);
	check_field(q, "dlr-mask", NULL);
	ck_assert_uint_eq(form_count(q), 5);
	send_req_free(&req);
}
END_TEST

/* Which texts go as UCS-2 (coding=2) and which as GSM-7 (coding=0). */
static const struct ccase {
	const char	*text;
	const char	*coding;
	const char	*sent;		/* NULL: the text itself */
} ccases[] = {
	{ ASCII_TEXT, "0", NULL },
	{ "", "0", NULL },
	{ "Gia 5\xe2\x82\xac [x] {y} ~|^\\", "0", NULL },	/* extension table */
	{ "\xc3\xa9\xc3\xa8\xc3\xb9\xc3\xac\xc3\xb2 \xc3\x84\xc3\x96", "0", NULL },	/* basic table */
	{ "Vi\xe1\xbb\x87t Nam", "2", NULL },
	{ "\xc4\x91i", "2", NULL },			/* d with stroke */
	{ "ok \xf0\x9f\x98\x80", "2", NULL },		/* emoji */
	{ "a\xff" "b", "2", "a\xef\xbf\xbd" "b" },	/* invalid UTF-8 made U+FFFD */
	{ NASTY_TEXT, "0", NULL },
};

START_TEST(test_kannel_build_coding)
{
	const struct ccase	*c = &ccases[_i];
	struct route		 r;
	struct outbox_msg	 m;
	struct send_req		 req;
	const char		*q;

	route_init(&r, "kannel", KANNEL_URL);
	r.from = (char *)"8088";
	msg_init(&m, 1, "+84912345678", c->text);
	build("kannel", &r, &m, &req);
	q = url_query(&req, KANNEL_URL);
	check_field(q, "coding", c->coding);
	check_field(q, "text", c->sent != NULL ? c->sent : c->text);
	send_req_free(&req);
}
END_TEST

START_TEST(test_kannel_build_joins)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;
	const char		*q;

	route_init(&r, "kannel", KANNEL_URL "?smsc=viettel");
	r.dlr_url = (char *)DLR_URL "?k=v";
	msg_init(&m, 9007199254740993LL, "+84912345678", "x");
	build("kannel", &r, &m, &req);
	q = url_query(&req, KANNEL_URL);
	check_field(q, "smsc", "viettel");
	check_field(q, "to", "+84912345678");
	check_field(q, "dlr-url", DLR_URL "?k=v&id=9007199254740993&status=%d&smsc=%i&reply=%A");
	send_req_free(&req);

	/* The route's report secret comes first, before Kannel's escapes. */
	r.dlr_secret = (char *)"0123456789abcdef";
	build("kannel", &r, &m, &req);
	q = url_query(&req, KANNEL_URL);
	check_field(q, "dlr-url", DLR_URL "?k=v&secret=0123456789abcdef"
	    "&id=9007199254740993&status=%d&smsc=%i&reply=%A");
	send_req_free(&req);
	r.dlr_secret = NULL;

	/* A text that is NULL is sent empty, not crashed on. */
	route_init(&r, "kannel", KANNEL_URL);
	msg_init(&m, 2, "+84912345678", NULL);
	build("kannel", &r, &m, &req);
	check_field(url_query(&req, KANNEL_URL), "text", "");
	send_req_free(&req);
}
END_TEST

START_TEST(test_at_build)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;

	route_init(&r, "africastalking", "https://api.africastalking.com/version1/messaging");
	r.username = (char *)"sandbox";
	r.api_key = (char *)"atsk_123";
	r.from = (char *)"8088";
	r.dlr_url = (char *)DLR_URL;
	msg_init(&m, 5, "+84861234567", VI_TEXT " & =");
	build("africastalking", &r, &m, &req);
	ck_assert_int_eq(req.post, 1);
	ck_assert_str_eq(req.url, "https://api.africastalking.com/version1/messaging");
	ck_assert_ptr_nonnull(req.body);
	ck_assert_uint_eq(req.bodylen, strlen(req.body));
	check_field(req.body, "username", "sandbox");
	check_field(req.body, "to", "+84861234567");
	check_field(req.body, "message", VI_TEXT " & =");
	check_field(req.body, "from", "8088");
	ck_assert_uint_eq(form_count(req.body), 4);
	ck_assert(has_header(&req, "apiKey: atsk_123"));
	ck_assert(has_header(&req, "Accept: application/json"));
	ck_assert(has_header(&req, "Content-Type: application/x-www-form-urlencoded"));
	ck_assert_uint_eq(req.nheaders, 3);
	ck_assert_ptr_null(req.userpwd);
	send_req_free(&req);

	/* No from: the account's default sender; no api key: no header. */
	r.from = NULL;
	r.api_key = NULL;
	build("africastalking", &r, &m, &req);
	check_field(req.body, "from", NULL);
	ck_assert_uint_eq(form_count(req.body), 3);
	ck_assert(!has_header_name(&req, "apiKey"));
	send_req_free(&req);

	/* A key that would split the header is left out. */
	r.api_key = (char *)"k\r\nX-Evil: 1";
	build("africastalking", &r, &m, &req);
	ck_assert(!has_header_name(&req, "apiKey"));
	ck_assert(!has_header_name(&req, "X-Evil"));
	send_req_free(&req);
}
END_TEST

START_TEST(test_twilio_build)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;
	const char		*url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json";

	route_init(&r, "twilio", url);
	r.username = (char *)"AC1";
	r.password = (char *)"authtoken";
	r.from = (char *)"+15005550006";
	r.dlr_url = (char *)"https://gw.example.org/dlr/tw";
	msg_init(&m, 77, "+84912345678", VI_TEXT);
	build("twilio", &r, &m, &req);
	ck_assert_int_eq(req.post, 1);
	ck_assert_str_eq(req.url, url);
	check_field(req.body, "To", "+84912345678");
	check_field(req.body, "From", "+15005550006");
	check_field(req.body, "Body", VI_TEXT);
	check_field(req.body, "StatusCallback", "https://gw.example.org/dlr/tw?id=77");
	ck_assert_uint_eq(form_count(req.body), 4);
	send_req_free(&req);
	r.dlr_secret = (char *)"s3cret-s3cret-s3cret";
	build("twilio", &r, &m, &req);
	check_field(req.body, "StatusCallback",
	    "https://gw.example.org/dlr/tw?secret=s3cret-s3cret-s3cret&id=77");
	r.dlr_secret = NULL;
	ck_assert_uint_eq(req.bodylen, strlen(req.body));
	ck_assert_str_eq(req.userpwd, "AC1:authtoken");
	ck_assert(has_header(&req, "Content-Type: application/x-www-form-urlencoded"));
	ck_assert(!has_header_name(&req, "Authorization"));
	send_req_free(&req);

	r.dlr_url = NULL;
	r.from = NULL;
	build("twilio", &r, &m, &req);
	check_field(req.body, "StatusCallback", NULL);
	check_field(req.body, "From", NULL);
	ck_assert_uint_eq(form_count(req.body), 2);
	send_req_free(&req);

	r.username = NULL;
	build("twilio", &r, &m, &req);
	ck_assert_ptr_null(req.userpwd);
	send_req_free(&req);
}
END_TEST

START_TEST(test_json_build)
{
	struct route		r;
	struct outbox_msg	m;
	struct send_req		req;
	json_t			*root;
	json_error_t		 jerr;

	route_init(&r, "json", "http://127.0.0.1:9000/send");
	r.token = (char *)"t0k";
	r.from = (char *)"8088";
	r.dlr_url = (char *)"http://127.0.0.1:8080/dlr/agg";
	msg_init(&m, 123, "+84912345678", VI_TEXT "\n\"q\"");
	build("json", &r, &m, &req);
	ck_assert_int_eq(req.post, 1);
	ck_assert_str_eq(req.url, "http://127.0.0.1:9000/send");
	ck_assert(has_header(&req, "Authorization: Bearer t0k"));
	ck_assert(has_header(&req, "Content-Type: application/json"));
	ck_assert_ptr_null(req.userpwd);
	root = json_loadb(req.body, req.bodylen, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(root != NULL, "bad JSON: %s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "to")), "+84912345678");
	ck_assert_str_eq(json_string_value(json_object_get(root, "from")), "8088");
	ck_assert_str_eq(json_string_value(json_object_get(root, "text")), VI_TEXT "\n\"q\"");
	ck_assert_str_eq(json_string_value(json_object_get(root, "id")), "123");
	ck_assert_str_eq(json_string_value(json_object_get(root, "dlr_url")),
	    "http://127.0.0.1:8080/dlr/agg");
	ck_assert_uint_eq(json_object_size(root), 5);
	json_decref(root);
	send_req_free(&req);

	r.dlr_secret = (char *)"0123456789abcdef0123";
	build("json", &r, &m, &req);
	root = json_loadb(req.body, req.bodylen, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(root != NULL, "bad JSON: %s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(root, "dlr_url")),
	    "http://127.0.0.1:8080/dlr/agg?secret=0123456789abcdef0123");
	json_decref(root);
	send_req_free(&req);
	r.dlr_secret = NULL;

	r.token = NULL;
	r.from = NULL;
	r.dlr_url = NULL;
	msg_init(&m, 1, "+84912345678", "a\xff");
	build("json", &r, &m, &req);
	ck_assert(!has_header_name(&req, "Authorization"));
	root = json_loadb(req.body, req.bodylen, 0, &jerr);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "text")), "a\xef\xbf\xbd");
	ck_assert_ptr_null(json_object_get(root, "from"));
	ck_assert_ptr_null(json_object_get(root, "dlr_url"));
	json_decref(root);
	send_req_free(&req);
}
END_TEST

START_TEST(test_null_build)
{
	const struct send_driver	*d = send_driver_find("null");
	struct route			 r;
	struct outbox_msg		 m;
	struct send_req			 req;
	char				 id[16] = "junk", err[64] = "junk";

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->http, 0);
	route_init(&r, "null", NULL);
	msg_init(&m, 1, "+84912345678", "x");
	build("null", &r, &m, &req);
	ck_assert_ptr_null(req.url);
	ck_assert_ptr_null(req.body);
	ck_assert_uint_eq(req.nheaders, 0);
	ck_assert_ptr_null(req.userpwd);
	send_req_free(&req);
	ck_assert_int_eq(d->verdict(&r, 0, NULL, 0, id, sizeof id, err, sizeof err), SEND_OK);
	ck_assert_str_eq(id, "");
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_find)
{
	static const char	*names[] = { "kannel", "africastalking", "twilio", "json",
	    "null" };
	const struct send_driver *d;
	size_t			 i;

	for (i = 0; i < nitems(names); i++) {
		d = send_driver_find(names[i]);
		ck_assert_ptr_nonnull(d);
		ck_assert_str_eq(d->name, names[i]);
		ck_assert_ptr_nonnull(d->build);
		ck_assert_ptr_nonnull(d->verdict);
		ck_assert_ptr_nonnull(d->dlr);
		ck_assert_int_eq(d->http, strcmp(names[i], "null") != 0);
	}
	ck_assert_ptr_null(config_driver_find(route_drivers, NULL));
	ck_assert_ptr_null(config_driver_find(route_drivers, ""));
	ck_assert_ptr_null(config_driver_find(route_drivers, "Kannel"));
	ck_assert_ptr_null(config_driver_find(route_drivers, "smtp"));
	/* Channels send themselves: no request to build. */
	ck_assert_ptr_nonnull(send_driver_find("smpp"));
	ck_assert_int_eq(send_driver_find("smpp")->channel, 1);
	ck_assert_int_eq(send_driver_find("modem")->channel, 1);
	ck_assert_ptr_null(send_driver_find("modem")->build);
	ck_assert_ptr_nonnull(config_driver_find(route_drivers, "smpp")->link);
	ck_assert_ptr_nonnull(config_driver_find(route_drivers, "modem")->link);
	ck_assert_ptr_null(config_driver_find(route_drivers, "kannel")->link);
	send_req_free(NULL);
}
END_TEST

#define AT_OK(code, st, mid) \
	"{\"SMSMessageData\":{\"Message\":\"Sent to 1/1 Total Cost: KES 0.8000\"," \
	"\"Recipients\":[{\"statusCode\":" code ",\"number\":\"+84861234567\"," \
	"\"status\":\"" st "\",\"cost\":\"KES 0.8000\",\"messageId\":\"" mid "\"}]}}"
#define AT_ERR(code, st) \
	"{\"SMSMessageData\":{\"Message\":\"Sent to 0/1 Total Cost: 0\"," \
	"\"Recipients\":[{\"statusCode\":" code ",\"number\":\"+84861234567\"," \
	"\"status\":\"" st "\",\"cost\":\"0\",\"messageId\":\"None\"}]}}"
#define TW_ERR(code, msg, st) \
	"{\"code\":" code ",\"message\":\"" msg "\",\"more_info\":" \
	"\"https://www.twilio.com/docs/errors/" code "\",\"status\":" st "}"
#define ID127	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID200	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

struct vcase {
	const char		*driver;
	long			 status;
	const char		*body;
	size_t			 len;		/* 0: strlen(body) */
	enum send_verdict	 verdict;
	const char		*ext_id;	/* NULL: must stay empty */
	const char		*reason;	/* must appear in err (RETRY and FAIL) */
	const char		*absent;	/* must not appear in err */
};

static const struct vcase vcases[] = {
	/* kannel */
	{ "kannel", 202, "0: Accepted for delivery", 0, SEND_OK, NULL, NULL, NULL },
	{ "kannel", 202, "3: Queued for later delivery", 0, SEND_OK, NULL, NULL, NULL },
	{ "kannel", 200, "0: Accepted for delivery\n", 0, SEND_OK, NULL, NULL, NULL },
	{ "kannel", 200, "3: Queued for later delivery", 0, SEND_OK, NULL, NULL, NULL },
	{ "kannel", 202, "", 0, SEND_OK, NULL, NULL, NULL },
	{ "kannel", 200, "Sending failed.", 0, SEND_FAIL, NULL, "unexpected answer: Sending failed.", NULL },
	{ "kannel", 200, "", 0, SEND_FAIL, NULL, "empty answer", NULL },
	{ "kannel", 200, "0: Accepted for delivery", 5, SEND_FAIL, NULL, "0: Ac", "delivery" },
	{ "kannel", 403, "Authorization failed for sendsms", 0, SEND_FAIL, NULL,
	  "HTTP 403: Authorization failed for sendsms", NULL },
	{ "kannel", 400, "Missing receiver number, rejected\nsecond line", 0, SEND_FAIL, NULL,
	  "HTTP 400: Missing receiver number, rejected", "second" },
	{ "kannel", 400, "\r\n\r\n  Sender missing and no global set, rejected  ", 0, SEND_FAIL,
	  NULL, "HTTP 400: Sender missing and no global set, rejected", NULL },
	{ "kannel", 503, "Sending failed.", 0, SEND_RETRY, NULL, "HTTP 503", NULL },
	{ "kannel", 500, "", 0, SEND_RETRY, NULL, "HTTP 500: (empty answer)", NULL },
	{ "kannel", 429, "slow down", 0, SEND_RETRY, NULL, "429", NULL },
	{ "kannel", 408, "", 0, SEND_RETRY, NULL, "408", NULL },
	{ "kannel", 404, "<html><body>Not Found</body></html>", 0, SEND_FAIL, NULL, "404", NULL },
	{ "kannel", 301, "", 0, SEND_FAIL, NULL, "301", NULL },
	{ "kannel", 0, NULL, 0, SEND_RETRY, NULL, "no HTTP answer", NULL },
	{ "kannel", 403, "bad\x01\x7f\xc3\xa9", 0, SEND_FAIL, NULL, "bad????", NULL },

	/* africastalking */
	{ "africastalking", 201, AT_OK("101", "Success", "ATXid_0123abcd"), 0, SEND_OK,
	  "ATXid_0123abcd", NULL, NULL },
	{ "africastalking", 200, AT_OK("100", "Success", "ATXid_1"), 0, SEND_OK, "ATXid_1",
	  NULL, NULL },
	{ "africastalking", 201, AT_OK("102", "Success", "ATXid_2"), 0, SEND_OK, "ATXid_2",
	  NULL, NULL },
	{ "africastalking", 201, AT_OK("\"101\"", "Success", "ATXid_3"), 0, SEND_OK, "ATXid_3",
	  NULL, NULL },
	{ "africastalking", 201, AT_OK("101", "Success", "ATX id"), 0, SEND_OK, NULL, NULL, NULL },
	{ "africastalking", 201, AT_OK("101", "Success", ID200), 0, SEND_OK, NULL, NULL, NULL },
	{ "africastalking", 201, AT_OK("101", "Success", ID127), 0, SEND_OK, ID127, NULL, NULL },
	{ "africastalking", 201, AT_OK("101", "Success", ID127 "b"), 0, SEND_OK, NULL, NULL, NULL },
	{ "africastalking", 201, AT_ERR("403", "InvalidPhoneNumber"), 0, SEND_FAIL, NULL,
	  "statusCode 403 InvalidPhoneNumber", "None" },
	{ "africastalking", 201, AT_ERR("401", "RiskHold"), 0, SEND_FAIL, NULL, "RiskHold", NULL },
	{ "africastalking", 201, AT_ERR("404", "UnsupportedNumberType"), 0, SEND_FAIL, NULL,
	  "404", NULL },
	{ "africastalking", 201, AT_ERR("406", "UserInBlacklist"), 0, SEND_FAIL, NULL,
	  "UserInBlacklist", NULL },
	{ "africastalking", 201, AT_ERR("407", "CouldNotRoute"), 0, SEND_FAIL, NULL, "407", NULL },
	{ "africastalking", 201, AT_ERR("409", "DoNotDisturbRejection"), 0, SEND_FAIL, NULL,
	  "409", NULL },
	{ "africastalking", 201, AT_ERR("402", "InvalidSenderId"), 0, SEND_RETRY, NULL,
	  "InvalidSenderId", NULL },
	{ "africastalking", 201, AT_ERR("405", "InsufficientBalance"), 0, SEND_RETRY, NULL,
	  "InsufficientBalance", NULL },
	{ "africastalking", 201, AT_ERR("500", "InternalServerError"), 0, SEND_RETRY, NULL,
	  "500", NULL },
	{ "africastalking", 201, AT_ERR("501", "GatewayError"), 0, SEND_RETRY, NULL, "501", NULL },
	{ "africastalking", 201, AT_ERR("502", "RejectedByGateway"), 0, SEND_RETRY, NULL,
	  "502", NULL },
	{ "africastalking", 201, AT_ERR("499", "Whatever"), 0, SEND_FAIL, NULL, "499", NULL },
	{ "africastalking", 201, AT_ERR("503", "Later"), 0, SEND_RETRY, NULL, "503", NULL },
	{ "africastalking", 201, AT_ERR("\"x\"", "Odd"), 0, SEND_FAIL, NULL, "Odd", NULL },
	{ "africastalking", 201,
	  "{\"SMSMessageData\":{\"Message\":\"InvalidSenderId\",\"Recipients\":[]}}", 0,
	  SEND_RETRY, NULL, "no recipient: InvalidSenderId", NULL },
	{ "africastalking", 201,
	  "{\"SMSMessageData\":{\"Message\":\"Sent to 0/1\",\"Recipients\":[]}}", 0,
	  SEND_FAIL, NULL, "no recipient", NULL },
	{ "africastalking", 201, "{\"SMSMessageData\":{}}", 0, SEND_FAIL, NULL,
	  "no recipient", NULL },
	{ "africastalking", 201, "Sent to 1/1", 0, SEND_FAIL, NULL, "unreadable answer", NULL },
	{ "africastalking", 201, "[1,2]", 0, SEND_FAIL, NULL, "unreadable", NULL },
	{ "africastalking", 201, AT_OK("101", "Success", "ATXid_4"), 40, SEND_FAIL, NULL,
	  "unreadable", NULL },
	{ "africastalking", 401, "The supplied authentication is invalid", 0, SEND_FAIL, NULL,
	  "HTTP 401: The supplied authentication is invalid", NULL },
	{ "africastalking", 400, "Invalid phone number", 0, SEND_FAIL, NULL, "400", NULL },
	{ "africastalking", 500, "Internal error", 0, SEND_RETRY, NULL, "500", NULL },
	{ "africastalking", 502, "<html>Bad Gateway</html>", 0, SEND_RETRY, NULL, "502", NULL },
	{ "africastalking", 429, "", 0, SEND_RETRY, NULL, "429", NULL },
	{ "africastalking", 0, "", 0, SEND_RETRY, NULL, "no HTTP answer", NULL },

	/* twilio */
	{ "twilio", 201, "{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}",
	  0, SEND_OK, "SM0123456789abcdef0123456789abcdef", NULL, NULL },
	{ "twilio", 200, "{\"status\":\"queued\",\"sid\":\"SM1\"}", 0, SEND_OK, "SM1", NULL, NULL },
	{ "twilio", 201, "{\"status\":\"queued\"}", 0, SEND_OK, NULL, NULL, NULL },
	{ "twilio", 201, "<Response/>", 0, SEND_OK, NULL, NULL, NULL },
	{ "twilio", 400, TW_ERR("21211", "The 'To' number 123 is not a valid phone number.", "400"),
	  0, SEND_FAIL, NULL, "HTTP 400: 21211 The 'To' number 123", NULL },
	{ "twilio", 400, TW_ERR("21610", "Attempt to send to unsubscribed recipient", "400"), 0,
	  SEND_FAIL, NULL, "21610", NULL },
	{ "twilio", 400, TW_ERR("21614", "'To' number is not a valid mobile number", "400"), 0,
	  SEND_FAIL, NULL, "21614", NULL },
	{ "twilio", 400, TW_ERR("21408", "Permission to send an SMS has not been enabled", "400"),
	  0, SEND_FAIL, NULL, "21408", NULL },
	{ "twilio", 400, TW_ERR("21611", "This 'From' number has exceeded the maximum number "
	  "of queued messages", "400"), 0, SEND_RETRY, NULL, "21611", NULL },
	{ "twilio", 429, TW_ERR("20429", "Too Many Requests", "429"), 0, SEND_RETRY, NULL,
	  "20429", NULL },
	{ "twilio", 401, TW_ERR("20003", "Authenticate", "401"), 0, SEND_FAIL, NULL,
	  "HTTP 401: 20003 Authenticate", NULL },
	{ "twilio", 404, TW_ERR("20404", "The requested resource was not found", "404"), 0,
	  SEND_FAIL, NULL, "20404", NULL },
	{ "twilio", 500, "", 0, SEND_RETRY, NULL, "500", NULL },
	{ "twilio", 503, "<html>Service Unavailable</html>", 0, SEND_RETRY, NULL,
	  "Service Unavailable", NULL },
	{ "twilio", 400, "{\"code\":", 0, SEND_FAIL, NULL, "HTTP 400", NULL },

	/* json */
	{ "json", 200, "{\"id\":\"abc-1\"}", 0, SEND_OK, "abc-1", NULL, NULL },
	{ "json", 202, "{\"id\":12345,\"status\":\"queued\"}", 0, SEND_OK, "12345", NULL, NULL },
	{ "json", 201, "{\"id\":-3}", 0, SEND_OK, "-3", NULL, NULL },
	{ "json", 200, "", 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 204, NULL, 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 200, "OK", 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 200, "{\"id\":null}", 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 200, "{\"id\":1.5}", 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 200, "{\"id\":\"" ID200 "\"}", 0, SEND_OK, NULL, NULL, NULL },
	{ "json", 200, "{\"id\":\"abc-1\"}", 8, SEND_OK, NULL, NULL, NULL },
	{ "json", 400, "{\"error\":\"bad number\"}", 0, SEND_FAIL, NULL, "HTTP 400: bad number",
	  NULL },
	{ "json", 422, "plain reason\nsecond", 0, SEND_FAIL, NULL, "HTTP 422: plain reason",
	  "second" },
	{ "json", 400, "{\"error\":42}", 0, SEND_FAIL, NULL, "HTTP 400: {\"error\":42}", NULL },
	{ "json", 429, "", 0, SEND_RETRY, NULL, "429", NULL },
	{ "json", 500, "{\"error\":\"db down\"}", 0, SEND_RETRY, NULL, "db down", NULL },
	{ "json", 401, "", 0, SEND_FAIL, NULL, "401", NULL },
	{ "json", 0, NULL, 0, SEND_RETRY, NULL, "no HTTP answer", NULL },

	/* null */
	{ "null", 0, NULL, 0, SEND_OK, NULL, NULL, NULL },
	{ "null", 500, "x", 0, SEND_OK, NULL, NULL, NULL },
};

START_TEST(test_verdict_case)
{
	const struct vcase		*c = &vcases[_i];
	const struct send_driver	*d = send_driver_find(c->driver);
	struct route			 r;
	char				 id[128], err[200];
	size_t				 len;
	enum send_verdict		 v;

	ck_assert_ptr_nonnull(d);
	route_init(&r, c->driver, "http://x/");
	memset(id, 'j', sizeof id);
	id[sizeof id - 1] = '\0';
	memset(err, 'j', sizeof err);
	err[sizeof err - 1] = '\0';
	len = c->body == NULL ? 0 : c->len != 0 ? c->len : strlen(c->body);
	v = d->verdict(&r, c->status, c->body, len, id, sizeof id, err, sizeof err);
	ck_assert_msg(v == c->verdict, "%s #%d (%ld): verdict %d, want %d (%s)", c->driver, _i,
	    c->status, v, c->verdict, err);
	if (c->ext_id == NULL)
		ck_assert_msg(id[0] == '\0', "%s #%d: ext_id \"%s\"", c->driver, _i, id);
	else
		ck_assert_msg(strcmp(id, c->ext_id) == 0, "%s #%d: ext_id \"%s\"", c->driver, _i,
		    id);
	if (v == SEND_OK)
		ck_assert_msg(err[0] == '\0', "%s #%d: err \"%s\"", c->driver, _i, err);
	else {
		ck_assert_msg(err[0] != '\0', "%s #%d: no reason", c->driver, _i);
		ck_assert(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL);
	}
	if (c->reason != NULL)
		ck_assert_msg(strstr(err, c->reason) != NULL, "%s #%d: err \"%s\" lacks \"%s\"",
		    c->driver, _i, err, c->reason);
	if (c->absent != NULL)
		ck_assert_msg(strstr(err, c->absent) == NULL, "%s #%d: err \"%s\" has \"%s\"",
		    c->driver, _i, err, c->absent);
}
END_TEST

/* Small buffers: the id and the reason are cut, never overrun. */
START_TEST(test_verdict_small)
{
	const struct send_driver	*d;
	struct route			 r;
	char				 buf[16], id[8], err[12];

	route_init(&r, "twilio", "http://x/");
	d = send_driver_find("twilio");
	memset(buf, 'z', sizeof buf);
	ck_assert_int_eq(d->verdict(&r, 201, "{\"sid\":\"SM12345678\"}", 20, buf, 4, buf + 8, 4),
	    SEND_OK);
	ck_assert_str_eq(buf, "");		/* does not fit: left empty */
	ck_assert_int_eq(buf[8], '\0');
	ck_assert_int_eq(d->verdict(&r, 201, "{\"sid\":\"SM1\"}", 13, id, sizeof id, err,
	    sizeof err), SEND_OK);
	ck_assert_str_eq(id, "SM1");
	ck_assert_int_eq(d->verdict(&r, 400, "a very long reason indeed", 25, id, sizeof id,
	    err, sizeof err), SEND_FAIL);
	ck_assert_uint_eq(strlen(err), sizeof err - 1);
	ck_assert_int_eq(d->verdict(&r, 400, "x", 1, NULL, 0, NULL, 0), SEND_FAIL);
	d = send_driver_find("kannel");
	ck_assert_int_eq(d->verdict(&r, 503, "x", 1, NULL, 0, NULL, 0), SEND_RETRY);
}
END_TEST

struct dcase {
	const char	*driver;
	int		 post;
	const char	*query;
	const char	*body;
	int		 status;	/* 0: parsed */
	const char	*reason;
	int64_t		 outbox_id;
	const char	*ext_id;
	int		 delivered;
	const char	*state;
};

static const struct dcase dcases[] = {
	/* kannel: GET dlr-url?id=&status=%d&smsc=%i&reply=%A */
	{ "kannel", 0, "id=42&status=1&smsc=viettel&reply=id%3A0123+sub%3A001+dlvrd%3A001+"
	  "submit+date%3A2109160800+done+date%3A2109160801+stat%3ADELIVRD+err%3A000+text%3A",
	  NULL, 0, NULL, 42, "", 1, "1/DELIVRD" },
	{ "kannel", 0, "id=42&status=2&smsc=viettel&reply=id%3A1+stat%3AUNDELIV+err%3A001",
	  NULL, 0, NULL, 42, "", 0, "2/UNDELIV" },
	{ "kannel", 0, "id=42&status=4&smsc=viettel&reply=", NULL, 0, NULL, 42, "", -1, "4" },
	{ "kannel", 0, "id=42&status=8&smsc=viettel&reply=ACK%2F", NULL, 0, NULL, 42, "", -1, "8" },
	{ "kannel", 0, "id=42&status=16&smsc=viettel&reply=NACK%2F0x00000045%2FInvalid",
	  NULL, 0, NULL, 42, "", 0, "16" },
	{ "kannel", 0, "id=42&status=32", NULL, 0, NULL, 42, "", -1, "32" },
	{ "kannel", 0, "status=1&id=9223372036854775807", NULL, 0, NULL, INT64_MAX, "", 1, "1" },
	{ "kannel", 1, NULL, "id=7&status=1", 0, NULL, 7, "", 1, "1" },
	{ "kannel", 0, "id=42&status=1&reply=stat%3ADELIVRD%00y", NULL, 0, NULL, 42, "", 1, "1" },
	{ "kannel", 0, "id=42&status=2&reply=stat%3AUNDELIVERABLE_AND_MORE", NULL, 0, NULL, 42,
	  "", 0, "2/UNDELIVERABLE" },
	{ "kannel", 0, "status=1", NULL, 400, "missing id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=&status=1", NULL, 400, "missing id", 0, NULL, 0, NULL },
	{ "kannel", 0, NULL, NULL, 400, "missing id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=abc&status=1", NULL, 400, "bad id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=0&status=1", NULL, 400, "bad id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=-5&status=1", NULL, 400, "bad id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=99999999999999999999&status=1", NULL, 400, "bad id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=4%002&status=1", NULL, 400, "id", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=42", NULL, 400, "missing status", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=42&status=%25d", NULL, 400, "bad status", 0, NULL, 0, NULL },
	{ "kannel", 0, "id=42&status=x", NULL, 400, "bad status", 0, NULL, 0, NULL },

	/* africastalking: form POST id, status, phoneNumber, networkCode, failureReason */
	{ "africastalking", 1, NULL, "id=ATXid_1&status=Success&phoneNumber=%2B84861234567"
	  "&networkCode=45204&retryCount=0", 0, NULL, 0, "ATXid_1", 1, "Success" },
	{ "africastalking", 1, NULL, "phoneNumber=%2B84861234567&failureReason=UserInBlackList"
	  "&status=Failed&id=ATXid_2", 0, NULL, 0, "ATXid_2", 0, "Failed/UserInBlackList" },
	{ "africastalking", 1, NULL, "id=ATXid_3&status=Rejected&failureReason=InsufficientCredit",
	  0, NULL, 0, "ATXid_3", 0, "Rejected/InsufficientCredit" },
	{ "africastalking", 1, NULL, "id=ATXid_4&status=Sent", 0, NULL, 0, "ATXid_4", -1, "Sent" },
	{ "africastalking", 1, NULL, "id=ATXid_5&status=Submitted", 0, NULL, 0, "ATXid_5", -1,
	  "Submitted" },
	{ "africastalking", 1, NULL, "id=ATXid_6&status=Buffered", 0, NULL, 0, "ATXid_6", -1,
	  "Buffered" },
	{ "africastalking", 1, NULL, "id=ATXid_7&status=Exploded", 0, NULL, 0, "ATXid_7", -1,
	  "Exploded" },
	{ "africastalking", 1, NULL, "id=ATXid_8&status=success", 0, NULL, 0, "ATXid_8", -1,
	  "success" },
	{ "africastalking", 1, NULL, "status=Success", 400, "id", 0, NULL, 0, NULL },
	{ "africastalking", 1, NULL, "id=ATXid_9", 400, "missing status", 0, NULL, 0, NULL },
	{ "africastalking", 1, NULL, "id=" ID200 "&status=Success", 400, "id", 0, NULL, 0, NULL },
	{ "africastalking", 1, NULL, "id=" ID127 "b&status=Success", 400, "id", 0, NULL, 0, NULL },
	{ "africastalking", 1, NULL, "id=" ID127 "&status=Success", 0, NULL, 0, ID127, 1,
	  "Success" },
	{ "africastalking", 1, NULL, "", 400, "id", 0, NULL, 0, NULL },

	/* twilio: our id in the query, the rest a form */
	{ "twilio", 1, "id=42", "MessageSid=SM1&MessageStatus=delivered&AccountSid=AC1"
	  "&From=%2B15005550006&To=%2B84912345678&ApiVersion=2010-04-01", 0, NULL, 42, "SM1", 1,
	  "delivered" },
	{ "twilio", 1, "id=42", "MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003", 0,
	  NULL, 42, "SM1", 0, "undelivered/30003" },
	{ "twilio", 1, "id=43", "MessageSid=SM2&MessageStatus=failed&ErrorCode=30008", 0, NULL,
	  43, "SM2", 0, "failed/30008" },
	{ "twilio", 1, "id=44", "MessageSid=SM3&MessageStatus=sent", 0, NULL, 44, "SM3", -1,
	  "sent" },
	{ "twilio", 1, "id=45", "MessageSid=SM4&MessageStatus=queued", 0, NULL, 45, "SM4", -1,
	  "queued" },
	{ "twilio", 1, NULL, "SmsSid=SM5&SmsStatus=delivered", 0, NULL, 0, "SM5", 1, "delivered" },
	{ "twilio", 1, "id=46", "MessageStatus=canceled", 0, NULL, 46, "", 0, "canceled" },
	{ "twilio", 1, "id=47", "MessageSid=SM6", 400, "missing MessageStatus", 0, NULL, 0, NULL },
	{ "twilio", 1, NULL, "MessageStatus=delivered", 400, "MessageSid", 0, NULL, 0, NULL },
	{ "twilio", 1, "id=abc", "MessageSid=SM7&MessageStatus=sent", 400, "bad id", 0, NULL, 0, NULL },
	{ "twilio", 0, "id=42&MessageSid=SM1&MessageStatus=delivered", NULL, 405, "POST", 0, NULL, 0, NULL },

	/* json */
	{ "json", 1, NULL, "{\"id\":\"42\",\"status\":\"delivered\"}", 0, NULL, 42, "", 1,
	  "delivered" },
	{ "json", 1, NULL, "{\"id\":42,\"ext_id\":\"x-1\",\"status\":\"failed\"}", 0, NULL, 42,
	  "x-1", 0, "failed" },
	{ "json", 1, NULL, "{\"ext_id\":77,\"status\":\"sent\"}", 0, NULL, 0, "77", -1, "sent" },
	{ "json", 1, NULL, "{\"id\":null,\"ext_id\":\"e\",\"status\":\"Delivered\"}", 0, NULL, 0,
	  "e", 1, "Delivered" },
	{ "json", 1, NULL, "{\"status\":\"delivered\"}", 400, "missing id", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":\"4x\",\"status\":\"delivered\"}", 400, "bad id", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":0,\"status\":\"delivered\"}", 400, "bad id", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":1.5,\"status\":\"delivered\"}", 400, "bad id", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"ext_id\":[],\"status\":\"delivered\"}", 400, "bad ext_id", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":42}", 400, "missing status", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":42,\"status\":5}", 400, "missing status", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "{\"id\":42,\"status\":\"delivered\",\"id\":43}", 400, "bad JSON", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "id=42&status=delivered", 400, "bad JSON", 0, NULL, 0, NULL },
	{ "json", 1, NULL, "[42]", 400, "object", 0, NULL, 0, NULL },
	{ "json", 0, "id=42&status=delivered", NULL, 405, "POST", 0, NULL, 0, NULL },

	/* null reads reports as json does */
	{ "null", 1, NULL, "{\"id\":5,\"status\":\"delivered\"}", 0, NULL, 5, "", 1, "delivered" },
};

START_TEST(test_dlr_case)
{
	const struct dcase		*c = &dcases[_i];
	const struct send_driver	*d = send_driver_find(c->driver);
	struct web_request		 req;
	struct send_dlr			 dlr;
	char				 err[200];
	int				 rc;

	ck_assert_ptr_nonnull(d);
	memset(&req, 0, sizeof req);
	req.post = c->post;
	req.query = c->query;
	req.body = c->body;
	req.bodylen = c->body != NULL ? strlen(c->body) : 0;
	req.url = "http://127.0.0.1:8080/dlr/x";
	req.header = unit_header;
	memset(&dlr, 0xa5, sizeof dlr);
	err[0] = '\0';
	rc = d->dlr(&req, &dlr, err, sizeof err);
	ck_assert_msg(rc == c->status, "%s #%d: rc %d, want %d (%s)", c->driver, _i, rc,
	    c->status, err);
	if (rc != 0) {
		ck_assert_msg(err[0] != '\0', "%s #%d: no reason", c->driver, _i);
		if (c->reason != NULL)
			ck_assert_msg(strstr(err, c->reason) != NULL,
			    "%s #%d: reason \"%s\" lacks \"%s\"", c->driver, _i, err, c->reason);
		return;
	}
	ck_assert_msg(dlr.outbox_id == c->outbox_id, "%s #%d: id %lld", c->driver, _i,
	    (long long)dlr.outbox_id);
	ck_assert_msg(memchr(dlr.ext_id, '\0', sizeof dlr.ext_id) != NULL, "ext_id unterminated");
	ck_assert_msg(strcmp(dlr.ext_id, c->ext_id) == 0, "%s #%d: ext_id \"%s\"", c->driver,
	    _i, dlr.ext_id);
	ck_assert_msg(dlr.delivered == c->delivered, "%s #%d: delivered %d", c->driver, _i,
	    dlr.delivered);
	ck_assert_msg(memchr(dlr.state, '\0', sizeof dlr.state) != NULL, "state unterminated");
	ck_assert_msg(strcmp(dlr.state, c->state) == 0, "%s #%d: state \"%s\"", c->driver, _i,
	    dlr.state);
}
END_TEST

/* A long failure reason is cut to the state's size. */
START_TEST(test_dlr_state_cut)
{
	struct web_request	req;
	struct send_dlr		dlr;
	char			err[64];
	const char		*body = "id=ATXid_1&status=Rejected&failureReason="
	    "UserAccountSuspendedForAVeryLongTime";

	memset(&req, 0, sizeof req);
	req.post = 1;
	req.body = body;
	req.bodylen = strlen(body);
	ck_assert_int_eq(send_driver_find("africastalking")->dlr(&req, &dlr, err, sizeof err), 0);
	ck_assert_uint_eq(strlen(dlr.state), sizeof dlr.state - 1);
	ck_assert(strncmp(dlr.state, "Rejected/UserAccountSuspended", 29) == 0);
	ck_assert_int_eq(dlr.delivered, 0);
}
END_TEST

/* With the outbound route known, a Twilio callback must carry a good signature. */
START_TEST(test_twilio_dlr_signature)
{
	const struct send_driver	*d = send_driver_find("twilio");
	struct route			 r;
	struct web_request		 req;
	struct send_dlr			 dlr;
	struct unit_hdr		 hdrs[2] = { { NULL, NULL }, { NULL, NULL } };
	const char			*url = "https://gw.example.org/dlr/tw?id=42";
	const char			*body = "MessageSid=SM1&MessageStatus=delivered&AccountSid=AC1";
	char				*sig, err[64];

	route_init(&r, "twilio", "https://api.twilio.com/x");
	r.password = (char *)"authtoken";
	sig = web_twilio_signature("authtoken", url, body, strlen(body));
	memset(&req, 0, sizeof req);
	req.post = 1;
	req.query = "id=42";
	req.body = body;
	req.bodylen = strlen(body);
	req.url = url;
	req.header = unit_header;
	req.hctx = hdrs;
	req.outbound = &r;

	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 403);
	ck_assert(strstr(err, "missing signature") != NULL);
	hdrs[0].name = "X-Twilio-Signature";
	hdrs[0].value = sig;
	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 0);
	ck_assert_int_eq(dlr.outbox_id, 42);
	ck_assert_int_eq(dlr.delivered, 1);
	req.body = "MessageSid=SM1&MessageStatus=failed&AccountSid=AC1";
	req.bodylen = strlen(req.body);
	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 403);
	ck_assert(strstr(err, "bad signature") != NULL);
	req.body = body;
	req.url = "https://gw.example.org/dlr/tw?id=43";
	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 403);
	/* No auth token on the route: unsigned callbacks are taken. */
	r.password = NULL;
	hdrs[0].name = NULL;
	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 0);
	/* No header callback at all with a token: refused, not crashed. */
	r.password = (char *)"authtoken";
	req.header = NULL;
	ck_assert_int_eq(d->dlr(&req, &dlr, err, sizeof err), 403);
	free(sig);
}
END_TEST

START_TEST(test_backoff)
{
	double	d, r;
	int	a;

	/* base 10: attempt 1 in [8, 12], attempt 3 in [32, 48] */
	for (r = 0.0; r < 1.0; r += 0.01) {
		d = send_backoff(10.0, 3600, 1, r);
		ck_assert_msg(d >= 8.0 && d <= 12.0, "attempt 1 rnd %f: %f", r, d);
		d = send_backoff(10.0, 3600, 3, r);
		ck_assert_msg(d >= 32.0 && d <= 48.0, "attempt 3 rnd %f: %f", r, d);
	}
	ck_assert(fabs(send_backoff(10.0, 3600, 1, 0.0) - 8.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 1, 0.5) - 10.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 3, 0.5) - 40.0) < 1e-9);
	ck_assert(send_backoff(10.0, 3600, 1, 0.999) > 11.9);
	/* The middle doubles with each attempt until the cap. */
	for (a = 1; a <= 8; a++)
		ck_assert(fabs(send_backoff(10.0, 3600, a, 0.5) - 10.0 * (1 << (a - 1))) < 1e-9);
	/* Never above max, whatever the jitter; still spread below it. */
	for (a = 1; a <= 200; a++) {
		for (r = 0.0; r < 1.0; r += 0.05) {
			d = send_backoff(10.0, 3600, a, r);
			ck_assert_msg(d >= 1.0 && d <= 3600.0 && isfinite(d), "a %d: %f", a, d);
		}
	}
	ck_assert(fabs(send_backoff(10.0, 3600, 12, 0.0) - 2880.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 12, 0.999) - 3600.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 100000, 0.25) - 3240.0) < 1e-9);
	ck_assert(send_backoff(10.0, 3600, 2147483647, 0.5) <= 3600.0);
	/* attempts below 1 count as 1; odd rnd values are clamped. */
	ck_assert(fabs(send_backoff(10.0, 3600, 0, 0.5) - 10.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, -7, 0.5) - 10.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 1, NAN) - 8.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 1, -3.0) - 8.0) < 1e-9);
	ck_assert(fabs(send_backoff(10.0, 3600, 1, 7.0) - 12.0) < 1e-9);
	/* Never under 1 s unless the base is. */
	ck_assert(fabs(send_backoff(1.0, 3600, 1, 0.0) - 1.0) < 1e-9);
	ck_assert(fabs(send_backoff(0.5, 3600, 1, 0.0) - 0.4) < 1e-9);
	/* A cap below the base wins. */
	ck_assert(fabs(send_backoff(100.0, 30, 1, 0.999) - 30.0) < 1e-9);
}
END_TEST

struct racase {
	const char	*value;
	int64_t		 now;
	int64_t		 want;
};

static const struct racase racases[] = {
	{ "120", 1000, 1120 },
	{ " 120\t", 1000, 1120 },
	{ "0", 1000, 1000 },
	{ "007", 1000, 1007 },
	{ "2147483647", 0, 2147483647LL },
	{ "Wed, 21 Oct 2015 07:28:00 GMT", 1445412000, 1445412480 },
	{ "Wed, 21 Oct 2015 07:28:00 GMT", 1445413000, 1445413000 },	/* past: now */
	{ "Wednesday, 21-Oct-15 07:28:00 GMT", 1445412000, 1445412480 },
	{ "Wed Oct 21 07:28:00 2015", 1445412000, 1445412480 },
	{ "Fri, 31 Dec 9999 23:59:59 GMT", 0, 253402300799LL },
	{ NULL, 1000, -1 },
	{ "", 1000, -1 },
	{ "   ", 1000, -1 },
	{ "garbage", 1000, -1 },
	{ "-5", 1000, -1 },
	{ "+5", 1000, -1 },
	{ "1.5", 1000, -1 },
	{ "120s", 1000, -1 },
	{ "12 0", 1000, -1 },
	{ "2147483648", 1000, -1 },
	{ "99999999999999999999999", 1000, -1 },
	{ "Sun", 1000, -1 },
	{ "Sunday", 1000, -1 },
	{ "Wed, 32 Oct 2015 07:28:00 GMT", 1000, -1 },
	{ "Wed, 21 Oct 2015 25:28:00 GMT", 1000, -1 },
	{ "Xyz, 21 Oct 2015 07:28:00 GMT", 1000, -1 },
	{ "Wed, 21 Oct 2015 07:28:00 GMT and a lot of trailing words to overflow", 1000, -1 },
};

START_TEST(test_retry_after_case)
{
	const struct racase	*c = &racases[_i];
	int64_t			 got;

	got = send_retry_after(c->value, c->now);
	ck_assert_msg(got == c->want, "\"%s\": %lld, want %lld", c->value != NULL ? c->value :
	    "(null)", (long long)got, (long long)c->want);
}
END_TEST

static Suite *
send_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("send");
	tc = tcase_create("build");
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_kannel_build_ascii);
	tcase_add_test(tc, test_kannel_build_ucs2);
	tcase_add_loop_test(tc, test_kannel_build_coding, 0, nitems(ccases));
	tcase_add_test(tc, test_kannel_build_joins);
	tcase_add_test(tc, test_at_build);
	tcase_add_test(tc, test_twilio_build);
	tcase_add_test(tc, test_json_build);
	tcase_add_test(tc, test_null_build);
	suite_add_tcase(s, tc);
	tc = tcase_create("verdict");
	tcase_add_loop_test(tc, test_verdict_case, 0, nitems(vcases));
	tcase_add_test(tc, test_verdict_small);
	suite_add_tcase(s, tc);
	tc = tcase_create("dlr");
	tcase_add_loop_test(tc, test_dlr_case, 0, nitems(dcases));
	tcase_add_test(tc, test_dlr_state_cut);
	tcase_add_test(tc, test_twilio_dlr_signature);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry");
	tcase_add_test(tc, test_backoff);
	tcase_add_loop_test(tc, test_retry_after_case, 0, nitems(racases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(send_suite());
}
