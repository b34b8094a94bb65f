/*
 * voice-fmt.c: the voice webhook formats, Twilio's and Africa's Talking's.
 * A parse turns one provider callback into a struct voice_req (strings in a
 * hold); a render turns the core's answer into the provider's XML. No
 * sockets here (chan-http.c).
 *
 * Each answer that waits for keys names the callback URL of its step: the
 * request's own URL (route url setting, or http://Host/path) with s=STEP in
 * its query, as <Gather action> / <GetDigits callbackUrl>, and the same URL
 * in a <Redirect> after it, which the provider follows when no key came:
 * a callback with s and no keys is silence. The XML is written here, its
 * few elements escaped by hand (web_xml_escape): no XML library is a
 * dependency yet, and the answers are a handful of fixed elements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "codec/web.h"
#include "config/config.h"
#include "core/dialog.h"
#include "core/voice.h"
#include "chan/fmt.h"

#define FMT_VOICE_STEP_MAX	1000000

static int	fmt_voice_twilio_parse(const struct web_request *, struct voice_req *,
		    struct fmt_ussd_hold *, char *, size_t);
static void	fmt_voice_twilio_render(const struct voice_resp *, const char *,
		    struct fmt_response *);
static int	fmt_voice_at_parse(const struct web_request *, struct voice_req *,
		    struct fmt_ussd_hold *, char *, size_t);
static void	fmt_voice_at_render(const struct voice_resp *, const char *,
		    struct fmt_response *);

const struct fmt_voice_entry fmt_voice_twilio = {
	.name = "twilio", .parse = fmt_voice_twilio_parse,
	.render = fmt_voice_twilio_render
};
const struct fmt_voice_entry fmt_voice_at = {
	.name = "africastalking", .parse = fmt_voice_at_parse,
	.render = fmt_voice_at_render
};

const struct fmt_voice_entry *
fmt_voice_find(const char *name)
{
	const struct inbound_format	*f;

	for (f = fmt_formats; name != NULL && f->name != NULL; f++) {
		if (strcmp(f->type, "voice") == 0 && strcmp(f->name, name) == 0)
			return f->voice;
	}
	return NULL;
}

/* A one-line reason (printable ASCII) and the status. */
static int
fmt_voice_fail(char *err, size_t errlen, int status, const char *why)
{
	if (err != NULL && errlen > 0)
		strlcpy(err, why, errlen);
	return status;
}

/*
 * Take a field into the hold: at most max bytes, no NUL. required: missing
 * or empty is a 400. 0 and *out (NULL if absent), or 400.
 */
static int
fmt_voice_take(struct fmt_ussd_hold *hold, const struct web_params *ps,
    const char *name, size_t max, int required, const char **out, char *err,
    size_t errlen)
{
	const struct web_param	*p = web_params_get(ps, name);
	char			 why[96];

	*out = NULL;
	if (p == NULL || p->valuelen == 0) {
		if (!required)
			return 0;
		snprintf(why, sizeof why, "missing %s", name);
		return fmt_voice_fail(err, errlen, 400, why);
	}
	if (p->valuelen > max || memchr(p->value, '\0', p->valuelen) != NULL) {
		snprintf(why, sizeof why, "bad %s", name);
		return fmt_voice_fail(err, errlen, 400, why);
	}
	if (hold->n == nitems(hold->strings))
		fatalx("fmt: voice hold full");
	hold->strings[hold->n] = web_copy(p->value, p->valuelen);
	*out = hold->strings[hold->n++];
	return 0;
}

/* Keys as pressed: 0-9, '*' and '#'; a final '#' (the end key) is dropped. */
static int
fmt_voice_digits(struct fmt_ussd_hold *hold, const struct web_params *ps,
    const char *name, const char **out, char *err, size_t errlen)
{
	char	*d;
	size_t	 n;
	int	 rc;

	if ((rc = fmt_voice_take(hold, ps, name, VOICE_DIGITS_MAX, 0, out, err,
	    errlen)) != 0)
		return rc;
	if (*out == NULL)
		return 0;
	d = hold->strings[hold->n - 1];
	n = strlen(d);
	if (strspn(d, "0123456789*#") != n)
		return fmt_voice_fail(err, errlen, 400, "bad keys");
	if (n > 0 && d[n - 1] == '#')
		d[n - 1] = '\0';
	return 0;
}

/* The step a callback answers: s= of the query, -1 when absent; 0 or 400. */
static int
fmt_voice_step(const struct web_request *req, long long *step, char *err,
    size_t errlen)
{
	char		*v = NULL;
	size_t		 n = 0;
	const char	*errstr;

	*step = -1;
	if (req->query == NULL ||
	    web_form_get(req->query, strlen(req->query), "s", &v, &n) != 1) {
		free(v);
		return 0;
	}
	*step = num_parse(v, 0, FMT_VOICE_STEP_MAX, &errstr);
	free(v);
	if (errstr != NULL)
		return fmt_voice_fail(err, errlen, 400, "bad step");
	return 0;
}

/*
 * Twilio's Voice webhook ("TwiML Voice: Twilio's request to your
 * application"): a form POST signed with X-Twilio-Signature, with CallSid,
 * AccountSid, From, To, CallStatus, Direction among others, and Digits
 * after a <Gather>. A CallStatus past in-progress (completed, busy,
 * failed, no-answer, canceled: the status callback, when pointed here)
 * ends the call.
 */
static int
fmt_voice_twilio_parse(const struct web_request *req, struct voice_req *v,
    struct fmt_ussd_hold *hold, char *err, size_t errlen)
{
	static const char	*over[] = {
		"completed", "busy", "failed", "no-answer", "canceled"
	};
	const struct inbound_route	*route = req->route;
	struct web_params		 ps = { NULL, 0, 0 };
	const char			*sig, *status;
	char				*want;
	size_t				 i;
	int				 ok, rc;

	memset(v, 0, sizeof *v);
	memset(hold, 0, sizeof *hold);
	if (!req->post)
		return fmt_voice_fail(err, errlen, 405, "use POST");
	if (route == NULL || route->auth_token == NULL)
		return fmt_voice_fail(err, errlen, 403, "no auth_token configured");
	if (req->header == NULL ||
	    (sig = req->header(req->hctx, "X-Twilio-Signature")) == NULL)
		return fmt_voice_fail(err, errlen, 403, "missing signature");
	want = web_twilio_signature(route->auth_token, req->url, req->body,
	    req->bodylen);
	ok = web_secret_equal(want, sig, strlen(sig));
	free(want);
	if (!ok)
		return fmt_voice_fail(err, errlen, 403, "bad signature");

	web_params_add(&ps, req->body, req->bodylen);
	if ((rc = fmt_voice_take(hold, &ps, "CallSid", VOICE_CALL_MAX, 1,
	    &v->call, err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "From", FMT_NUMBER_MAX, 1, &v->from,
	    err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "To", FMT_NUMBER_MAX, 0, &v->to,
	    err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "CallStatus", 32, 0, &status,
	    err, errlen)) != 0 ||
	    (rc = fmt_voice_digits(hold, &ps, "Digits", &v->digits, err,
	    errlen)) != 0 ||
	    (rc = fmt_voice_step(req, &v->step, err, errlen)) != 0)
		goto fail;
	for (i = 0; status != NULL && i < nitems(over); i++) {
		if (strcmp(status, over[i]) == 0)
			v->ended = 1;
	}
	v->channel = route->name;
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&ps);
	fmt_ussd_hold_free(hold);
	memset(v, 0, sizeof *v);
	return rc;
}

/*
 * Africa's Talking voice callback ("Voice: handle calls"): a form POST with
 * sessionId, direction, isActive (1 during the call; 0 in the final
 * notification, with durationInSeconds, amount...), callerNumber,
 * destinationNumber, and dtmfDigits after a <GetDigits>. AT signs nothing:
 * a route secret must come in the callback URL's query (?secret=...) or
 * the X-Checkind-Secret header, else the allow list is the only guard.
 */
static int
fmt_voice_at_parse(const struct web_request *req, struct voice_req *v,
    struct fmt_ussd_hold *hold, char *err, size_t errlen)
{
	const struct inbound_route	*route = req->route;
	struct web_params		 ps = { NULL, 0, 0 };
	const char			*active, *h;
	char				*sec = NULL;
	size_t				 n = 0;
	int				 ok, rc;

	memset(v, 0, sizeof *v);
	memset(hold, 0, sizeof *hold);
	if (!req->post)
		return fmt_voice_fail(err, errlen, 405, "use POST");
	if (route != NULL && route->secret != NULL) {
		ok = 0;
		if (req->query != NULL && web_form_get(req->query,
		    strlen(req->query), "secret", &sec, &n) == 1)
			ok = web_secret_equal(route->secret, sec, n);
		free(sec);
		if (!ok && req->header != NULL &&
		    (h = req->header(req->hctx, "X-Checkind-Secret")) != NULL)
			ok = web_secret_equal(route->secret, h, strlen(h));
		if (!ok)
			return fmt_voice_fail(err, errlen, 401,
			    "missing or wrong secret");
	}
	web_params_add(&ps, req->body, req->bodylen);
	if ((rc = fmt_voice_take(hold, &ps, "sessionId", VOICE_CALL_MAX, 1,
	    &v->call, err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "callerNumber", FMT_NUMBER_MAX, 1,
	    &v->from, err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "destinationNumber", FMT_NUMBER_MAX,
	    0, &v->to, err, errlen)) != 0 ||
	    (rc = fmt_voice_take(hold, &ps, "isActive", 8, 0, &active, err,
	    errlen)) != 0 ||
	    (rc = fmt_voice_digits(hold, &ps, "dtmfDigits", &v->digits, err,
	    errlen)) != 0 ||
	    (rc = fmt_voice_step(req, &v->step, err, errlen)) != 0)
		goto fail;
	v->ended = active != NULL && strcmp(active, "0") == 0;
	v->channel = route != NULL ? route->name : NULL;
	web_params_free(&ps);
	return 0;

fail:
	web_params_free(&ps);
	fmt_ussd_hold_free(hold);
	memset(v, 0, sizeof *v);
	return rc;
}

/* The callback URL of a step: url with s=STEP in place of any s= it had. */
static char *
fmt_voice_callback(const char *url, long long step)
{
	struct buf	 b = { NULL, 0, 0 };
	const char	*q, *p, *amp;
	char		 s[32];
	size_t		 n;

	if (url == NULL)
		url = "";
	q = strchr(url, '?');
	buf_add(&b, url, q != NULL ? (size_t)(q - url) : strlen(url));
	buf_str(&b, "?");
	for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0'; p = amp) {
		n = strcspn(p, "&");
		amp = p[n] == '&' ? p + n + 1 : p + n;
		if (n == 0 || (n >= 2 && strncmp(p, "s=", 2) == 0) ||
		    (n == 1 && *p == 's'))
			continue;
		buf_add(&b, p, n);
		buf_str(&b, "&");
	}
	snprintf(s, sizeof s, "s=%lld", step);
	buf_str(&b, s);
	buf_add(&b, "", 1);
	return b.p;
}

static void
fmt_voice_done(struct buf *b, struct fmt_response *out)
{
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->content_type = xstrdup("text/xml; charset=UTF-8");
	out->body = b->p;
	out->bodylen = b->len;
}

/*
 * What tells one voice XML from the other: the element of a recording, the
 * element waiting for keys and its attributes in order, the <Redirect> for
 * silence, the verb that ends a call. attrs is one letter an attribute:
 * c the callback URL (named callback), t timeout, n numDigits (when set),
 * f finishOnKey="#", F finishOnKey="#" only when numDigits is not set.
 */
struct fmt_voice_xml {
	const char	*play;		/* before a recording's URL */
	const char	*play_end;	/* after it */
	int		 say_language;	/* <Say language="..."> */
	const char	*gather;	/* the element waiting for keys */
	const char	*gather_fixed;	/* its fixed attributes */
	const char	*attrs;
	const char	*callback;
	const char	*redirect;
	const char	*hangup;
};

/*
 * TwiML: <Gather input="dtmf"> around the parts and a <Redirect> for
 * silence; the parts and <Hangup/>.
 */
static const struct fmt_voice_xml fmt_voice_twilio_xml = {
	.play = "<Play>", .play_end = "</Play>", .say_language = 1,
	.gather = "Gather", .gather_fixed = " input=\"dtmf\" method=\"POST\"",
	.attrs = "ctfn", .callback = "action",
	.redirect = "<Redirect method=\"POST\">", .hangup = "<Hangup/>"
};

/*
 * Africa's Talking: <GetDigits> with callbackUrl around the parts and a
 * <Redirect> for silence; the parts then the end of the document (AT hangs
 * up when no action is left). Its Say takes no language.
 */
static const struct fmt_voice_xml fmt_voice_at_xml = {
	.play = "<Play url=\"", .play_end = "\"/>", .say_language = 0,
	.gather = "GetDigits", .gather_fixed = "",
	.attrs = "tnFc", .callback = "callbackUrl",
	.redirect = "<Redirect>", .hangup = ""
};

/* <Say> (with its language if the format takes one) or the play element. */
static void
fmt_voice_parts(struct buf *b, const struct fmt_voice_xml *x,
    const struct voice_resp *r)
{
	size_t	i;

	for (i = 0; i < r->nparts; i++) {
		if (r->part[i].play) {
			buf_str(b, x->play);
			web_xml_escape(b, r->part[i].text, 1);
			buf_str(b, x->play_end);
			continue;
		}
		buf_str(b, "<Say");
		if (x->say_language && r->language[0] != '\0') {
			buf_str(b, " language=\"");
			web_xml_escape(b, r->language, 1);
			buf_str(b, "\"");
		}
		buf_str(b, ">");
		web_xml_escape(b, r->part[i].text, 1);
		buf_str(b, "</Say>");
	}
}

/* Open the element waiting for keys, its attributes in the format's order. */
static void
fmt_voice_gather(struct buf *b, const struct fmt_voice_xml *x,
    const struct voice_resp *r, const char *cb)
{
	const char	*a;
	char		 num[64];

	buf_str(b, "<");
	buf_str(b, x->gather);
	buf_str(b, x->gather_fixed);
	for (a = x->attrs; *a != '\0'; a++) {
		num[0] = '\0';
		switch (*a) {
		case 'c':
			buf_str(b, " ");
			buf_str(b, x->callback);
			buf_str(b, "=\"");
			web_xml_escape(b, cb, 1);
			buf_str(b, "\"");
			break;
		case 't':
			snprintf(num, sizeof num, " timeout=\"%d\"",
			    r->timeout > 0 ? r->timeout : 8);
			break;
		case 'n':
			if (r->num_digits > 0)
				snprintf(num, sizeof num, " numDigits=\"%d\"",
				    r->num_digits);
			break;
		case 'F':
			if (r->num_digits > 0)
				break;
			/* FALLTHROUGH */
		case 'f':
			strlcpy(num, " finishOnKey=\"#\"", sizeof num);
			break;
		}
		buf_str(b, num);
	}
	buf_str(b, ">");
}

/*
 * <Reject/> alone (the call is never answered); the parts and the end of
 * the call; the parts inside the element waiting for keys, then a
 * <Redirect> to the same callback for silence; an empty <Response/> for a
 * call that is over.
 */
static void
fmt_voice_render(const struct fmt_voice_xml *x, const struct voice_resp *r,
    const char *url, struct fmt_response *out)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*cb;

	buf_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
	switch (r != NULL ? r->action : VOICE_HANGUP) {
	case VOICE_REJECT:
		buf_str(&b, "<Response><Reject/></Response>");
		break;
	case VOICE_NONE:
		buf_str(&b, "<Response/>");
		break;
	case VOICE_GATHER:
		cb = fmt_voice_callback(url, r->step);
		buf_str(&b, "<Response>");
		fmt_voice_gather(&b, x, r, cb);
		fmt_voice_parts(&b, x, r);
		buf_str(&b, "</");
		buf_str(&b, x->gather);
		buf_str(&b, ">");
		buf_str(&b, x->redirect);
		web_xml_escape(&b, cb, 1);
		buf_str(&b, "</Redirect></Response>");
		free(cb);
		break;
	case VOICE_HANGUP:
	default:
		buf_str(&b, "<Response>");
		if (r != NULL)
			fmt_voice_parts(&b, x, r);
		buf_str(&b, x->hangup);
		buf_str(&b, "</Response>");
		break;
	}
	fmt_voice_done(&b, out);
}

static void
fmt_voice_twilio_render(const struct voice_resp *r, const char *url,
    struct fmt_response *out)
{
	fmt_voice_render(&fmt_voice_twilio_xml, r, url, out);
}

static void
fmt_voice_at_render(const struct voice_resp *r, const char *url,
    struct fmt_response *out)
{
	fmt_voice_render(&fmt_voice_at_xml, r, url, out);
}
