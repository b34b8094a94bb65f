/*
 * fuzz-fmt.c: libFuzzer target for the inbound HTTP formats (fmt.c). The
 * input is a request body: every SMS format (json, kannel, twilio,
 * africastalking) and every USSD format parses it as a form body, as a
 * JSON body, as a Kannel post-url body and (up to its first NUL) as a
 * query string. Whatever a parse takes is rendered back through every
 * format's response (JSON, TwiML, Kannel text, AT) and checked. Headers
 * are what a well-behaved sender would send: the route's secret, a valid
 * Twilio signature of the body, so that the fuzzer gets past them.
 * The same requests go to every outbound driver's delivery-report parser
 * (send.c) and to the report's secret check (chan-http.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "core/dialog.h"
#include "core/ussd.h"
#include "send/send.h"
#include "chan/chan-http.h"
#include "chan/fmt.h"

#define FUZZ_SECRET	"s3cret"
#define FUZZ_TOKEN	"twilio-auth-token"
#define FUZZ_URL	"https://example.org/sms/twilio"
#define FUZZ_DLR_SECRET	"0123456789abcdef0123456789abcdef"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* How a request carries the input. */
enum fuzz_mode {
	FUZZ_FORM,	/* POST application/x-www-form-urlencoded */
	FUZZ_JSON,	/* POST application/json */
	FUZZ_RAW,	/* POST text/plain; charset=..., X-Kannel-* headers */
	FUZZ_QUERY,	/* GET ?input */
	FUZZ_MODES
};

/* Charsets of a raw body, picked by the input's first byte; NULL: none. */
static const char *fuzz_charsets[] = {
	NULL, "UTF-8", "UTF-16BE", "UTF-16", "UTF-16LE", "ISO-8859-1",
	"\"WINDOWS-1252\"", "ucs-2", "x-unknown",
};

/* What the header callback answers from. */
struct fuzz_headers {
	enum fuzz_mode	 mode;
	const char	*body;
	size_t		 bodylen;
	char		 ct[96];
	char		 coding[8];
	char		*signature;	/* computed on demand */
};

static const char *
fuzz_header(void *arg, const char *name)
{
	struct fuzz_headers	*h = arg;

	if (strcasecmp(name, "Content-Type") == 0)
		return h->mode == FUZZ_QUERY ? NULL : h->ct;
	if (strcasecmp(name, "Authorization") == 0)
		return "Bearer " FUZZ_SECRET;
	if (strcasecmp(name, "X-Checkind-Secret") == 0)
		return FUZZ_SECRET;
	if (strcasecmp(name, "X-Twilio-Signature") == 0) {
		if (h->signature == NULL)
			h->signature = web_twilio_signature(FUZZ_TOKEN, FUZZ_URL,
			    h->body, h->bodylen);
		return h->signature;
	}
	if (h->mode != FUZZ_RAW)
		return NULL;
	if (strcasecmp(name, "X-Kannel-From") == 0)
		return "+84912345678";
	if (strcasecmp(name, "X-Kannel-To") == 0)
		return "8088";
	if (strcasecmp(name, "X-Kannel-Time") == 0)
		return "2021-09-16 01:15:00";
	if (strcasecmp(name, "X-Kannel-Coding") == 0)
		return h->coding;
	return NULL;
}

/* A string fmt took: present, NUL-free, no longer than max bytes. */
static void
fuzz_check_str(const char *s, size_t max)
{
	if (s != NULL && strlen(s) > max)
		abort();
}

/* Render a response in every format and check what they all promise. */
static void
fuzz_render(const char *text, size_t textlen)
{
	struct dialog_reply	 dr;
	struct fmt_response	 out;
	const struct fmt_entry	*f;
	static const char	*names[] = { "json", "kannel", "twilio", "africastalking" };
	char			*fixed;
	size_t			 i, j, n;

	fixed = web_utf8_fix(text, textlen, &n);
	if (u8_check((const uint8_t *)fixed, n) != NULL)
		abort();
	memset(&dr, 0, sizeof dr);
	dr.n = 2;
	dr.text[0] = xstrndup(fixed, n);	/* up to a NUL, as replies are */
	dr.text[1] = xstrdup("\xc4\x90\xc3\xa3 check-in <Ph\xe1\xbb\x9f & \"Th\xc3\xacn\">");
	for (i = 0; i < nitems(names); i++) {
		if ((f = fmt_find(names[i])) == NULL)
			abort();
		f->render(&dr, &out);
		if (out.status != 200 || out.body == NULL || out.content_type == NULL)
			abort();
		if (strcmp(names[i], "twilio") == 0) {
			/* XML 1.0 carries no C0 control but TAB, LF and CR. */
			for (j = 0; j < out.bodylen; j++) {
				if ((unsigned char)out.body[j] < 0x20 &&
				    strchr("\t\n\r", out.body[j]) == NULL)
					abort();
			}
		}
		fmt_response_free(&out);
	}
	dialog_reply_free(&dr);
	free(fixed);
}

/* A USSD screen with the input in it, rendered by every USSD format. */
static void
fuzz_ussd_render(const char *text)
{
	static const char		*names[] = { "africastalking", "json" };
	const struct fmt_ussd_entry	*f;
	struct ussd_resp		 r;
	struct fmt_response		 out;
	size_t				 i;

	r.end = strlen(text) % 2;
	r.text = (char *)text;
	for (i = 0; i < nitems(names); i++) {
		if ((f = fmt_ussd_find(names[i])) == NULL)
			abort();
		f->render(&r, &out);
		if (out.status != 200 || out.body == NULL)
			abort();
		fmt_response_free(&out);
		f->render(NULL, &out);
		fmt_response_free(&out);
	}
}

static void
fuzz_request(struct web_request *req, struct fuzz_headers *h, enum fuzz_mode mode,
    const char *data, size_t size, const char *query, const struct inbound_route *route)
{
	const char	*cs;

	memset(req, 0, sizeof *req);
	memset(h, 0, sizeof *h);
	h->mode = mode;
	req->route = route;
	req->url = FUZZ_URL;
	req->header = fuzz_header;
	req->hctx = h;
	switch (mode) {
	case FUZZ_FORM:
		strlcpy(h->ct, "application/x-www-form-urlencoded", sizeof h->ct);
		break;
	case FUZZ_JSON:
		strlcpy(h->ct, "application/json; charset=utf-8", sizeof h->ct);
		break;
	case FUZZ_RAW:
		cs = size > 0 ? fuzz_charsets[(unsigned char)data[0] %
		    nitems(fuzz_charsets)] : NULL;
		if (cs != NULL)
			snprintf(h->ct, sizeof h->ct, "text/plain; charset=%s", cs);
		else
			strlcpy(h->ct, "application/octet-stream", sizeof h->ct);
		snprintf(h->coding, sizeof h->coding, "%d",
		    size > 1 ? (unsigned char)data[1] % 4 - 1 : 0);
		req->query = "secret=" FUZZ_SECRET;
		break;
	case FUZZ_QUERY:
		req->query = query;
		return;
	default:
		abort();
	}
	req->post = 1;
	req->body = data;
	req->bodylen = size;
	h->body = data;
	h->bodylen = size;
}

/* Each SMS format on the input carried each way. */
static void
fuzz_sms(const char *data, size_t size, const char *query,
    const struct inbound_route *route)
{
	static const char	*names[] = { "json", "kannel", "twilio", "africastalking" };
	const struct fmt_entry	*f;
	struct web_request	 req;
	struct fuzz_headers	 h;
	struct fmt_inbound	 in;
	char			 err[256];
	size_t			 i;
	int			 mode, rc;

	for (i = 0; i < nitems(names); i++) {
		if ((f = fmt_find(names[i])) == NULL)
			abort();
		for (mode = 0; mode < FUZZ_MODES; mode++) {
			fuzz_request(&req, &h, (enum fuzz_mode)mode, data, size, query, route);
			err[0] = '\0';
			rc = f->parse(&req, &in, err, sizeof err);
			free(h.signature);
			log_debug("fuzz: format=%s mode=%d rc=%d err=\"%s\"", names[i], mode,
			    rc, err);
			if (rc != 0) {
				if (rc < 400 || rc > 499 || err[0] == '\0')
					abort();
				continue;
			}
			if (in.from == NULL || in.text == NULL)
				abort();
			fuzz_check_str(in.from, FMT_NUMBER_MAX);
			fuzz_check_str(in.to, FMT_NUMBER_MAX);
			fuzz_check_str(in.ext_id, FMT_ID_MAX);
			fuzz_render(in.text, in.textlen);
			fmt_inbound_free(&in);
		}
	}
}

/* Each USSD format on the input carried each way. */
static void
fuzz_ussd(const char *data, size_t size, const char *query,
    const struct inbound_route *route)
{
	static const char		*names[] = { "africastalking", "json" };
	const struct fmt_ussd_entry	*f;
	struct web_request		 req;
	struct fuzz_headers		 h;
	struct fmt_ussd_hold		 hold;
	struct ussd_req			 u;
	char				 err[256];
	size_t				 i;
	int				 mode, rc;

	for (i = 0; i < nitems(names); i++) {
		if ((f = fmt_ussd_find(names[i])) == NULL)
			abort();
		for (mode = 0; mode < FUZZ_MODES; mode++) {
			fuzz_request(&req, &h, (enum fuzz_mode)mode, data, size, query, route);
			err[0] = '\0';
			rc = f->parse(&req, &u, &hold, err, sizeof err);
			free(h.signature);
			log_debug("fuzz: ussd format=%s mode=%d rc=%d err=\"%s\"", names[i],
			    mode, rc, err);
			if (rc != 0) {
				if (rc < 400 || rc > 499 || err[0] == '\0')
					abort();
				continue;
			}
			if (u.session == NULL || u.from == NULL)
				abort();
			fuzz_check_str(u.from, FMT_NUMBER_MAX);
			fuzz_check_str(u.session, 127);
			if (u.history != NULL)
				fuzz_ussd_render(u.history);
			if (u.input != NULL)
				fuzz_ussd_render(u.input);
			fmt_ussd_hold_free(&hold);
		}
	}
}

/*
 * Every delivery-report parser on the input carried each way, for a route
 * that has a secret and an auth token, then the secret check of the query.
 */
static void
fuzz_dlr(const char *data, size_t size, const char *query)
{
	static const struct send_driver	*drivers[] = {
		&send_kannel, &send_africastalking, &send_twilio, &send_json,
		&send_null
	};
	static struct route		 r;
	struct web_request		 req;
	struct fuzz_headers		 h;
	struct send_dlr			 d;
	char				 err[256];
	size_t				 i;
	int				 mode, rc;

	r.name = (char *)"fuzz-out";
	r.password = (char *)FUZZ_TOKEN;
	r.dlr_secret = (char *)FUZZ_DLR_SECRET;
	for (i = 0; i < nitems(drivers); i++) {
		for (mode = 0; mode < FUZZ_MODES; mode++) {
			fuzz_request(&req, &h, (enum fuzz_mode)mode, data, size, query,
			    NULL);
			req.outbound = &r;
			err[0] = '\0';
			rc = drivers[i]->dlr(&req, &d, err, sizeof err);
			free(h.signature);
			log_debug("fuzz: dlr driver=%s mode=%d rc=%d err=\"%s\"",
			    drivers[i]->name, mode, rc, err);
			if (rc != 0) {
				if (rc < 400 || rc > 499 || err[0] == '\0')
					abort();
				continue;
			}
			if (d.delivered < -1 || d.delivered > 1 || d.outbox_id < 0 ||
			    (d.outbox_id == 0 && d.ext_id[0] == '\0'))
				abort();
			if (memchr(d.ext_id, '\0', sizeof d.ext_id) == NULL ||
			    memchr(d.state, '\0', sizeof d.state) == NULL)
				abort();
			fuzz_check_str(d.state, sizeof d.state - 1);
		}
	}
	/* Only the secret itself opens the door. */
	rc = chan_http_dlr_secret_ok(&r, query);
	if (rc != 0 && rc != 1)
		abort();
	if (rc == 1 && strstr(query, "secret=") == NULL)
		abort();
	r.dlr_secret = NULL;
	if (chan_http_dlr_secret_ok(&r, query) != 0)
		abort();
}

/* The helpers fmt.h offers on their own. */
static void
fuzz_helpers(const char *data, size_t size, const char *query)
{
	static const char	*params[] = { "text", "from", "Body", "sessionId" };
	char			*v, *fixed;
	size_t			 i, vlen, n;
	int64_t			 t;

	for (i = 0; i < nitems(params); i++) {
		if (web_form_get(data, size, params[i], &v, &vlen) == 1) {
			if (v == NULL || vlen > size || v[vlen] != '\0')
				abort();
			free(v);
		} else if (v != NULL)
			abort();
	}
	for (i = 0; i < 2; i++) {
		t = -1;
		if (web_time_parse(query, (int)i, &t) == 0 &&
		    (t < 0 || t > 253402300799LL))
			abort();
	}
	fixed = web_utf8_fix(data, size, &n);
	if (u8_check((const uint8_t *)fixed, n) != NULL)
		abort();
	free(fixed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inbound_route	 open, locked;
	static int			 init;
	char				*query;

	if (!init) {
		log_init(1, getenv("FUZZ_DEBUG") != NULL ? 1 : -1);
		/* One route asks for no secret, the other for one. */
		open.name = (char *)"fuzz-open";
		open.format = (char *)"json";
		open.auth_token = (char *)FUZZ_TOKEN;
		locked.name = (char *)"fuzz-locked";
		locked.format = (char *)"json";
		locked.secret = (char *)FUZZ_SECRET;
		locked.auth_token = (char *)FUZZ_TOKEN;
		init = 1;
	}
	query = xstrndup((const char *)data, size);
	fuzz_sms((const char *)data, size, query, size % 2 ? &locked : &open);
	fuzz_ussd((const char *)data, size, query, size % 2 ? &locked : &open);
	fuzz_helpers((const char *)data, size, query);
	fuzz_dlr((const char *)data, size, query);
	free(query);
	return 0;
}
