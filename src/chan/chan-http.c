/*
 * chan-http.c: the HTTP listener for inbound SMS webhooks. A request is
 * matched to its inbound route by path, checked against the route's allowed
 * addresses, turned into a message by the route's format (fmt.c), handed to
 * the core, and answered only after the core has committed. A USSD step or
 * a voice callback is parsed here too, its store work done on the store
 * thread (inbound_call) on copies of what was parsed, and answered back on
 * the loop. The listener's limits (connections, whole-request timeout,
 * header and body sizes) are httpd.c's.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "core/ussd.h"
#include "core/voice.h"
#include "send/send.h"
#include "chan/chan-http.h"
#include "chan/fmt.h"
#include "chan/httpd.h"

#define CHAN_HTTP_MAX_HEADERS	8192	/* bytes of request headers */
#define CHAN_HTTP_URL_MAX	2048	/* bytes of a reconstructed request URL */
/*
 * libevent answers a body over its own limit with an HTML page; it reads up
 * to http.max_body and this much more, so that a body over http.max_body by
 * less gets our one-line 413. Small: every open connection may hold it.
 */
#define CHAN_HTTP_BODY_SLACK	(64 * 1024)
#define CHAN_HTTP_REASON_MAX	160	/* bytes of a refusal's reason in the log */
#define CHAN_HTTP_STEP_STRINGS	8	/* strings of a USSD step or a voice callback */

/*
 * A request whose message waits for its group's commit (core/inbound.c), or
 * whose USSD step or voice callback runs on the store thread (step).
 */
struct chan_http_pending {
	TAILQ_ENTRY(chan_http_pending)	 entry;
	struct chan_http		*ch;		/* NULL once the listener is gone */
	struct evhttp_request		*req;		/* NULL once the client is gone */
	const struct fmt_entry		*fmt;		/* NULL: a delivery report */
	char				*channel;	/* a copy: a reload may come between */
};

/*
 * A USSD step or a voice callback handed to the store thread
 * (inbound_call): the request parsed on the loop, every string of it a
 * copy of its own (the evhttp request and the format's hold may be gone by
 * the time the thread reads them), the answer filled by the thread and
 * rendered on the loop. The formats are static tables.
 */
struct chan_http_step {
	struct chan_http_pending	*p;		/* the client, the route's name */
	const struct fmt_ussd_entry	*ussd;		/* one of ussd and voice */
	const struct fmt_voice_entry	*voice;
	char				*url;		/* voice: the callback's own URL */
	char				*copy[CHAN_HTTP_STEP_STRINGS];	/* ur's, vr's */
	size_t				 ncopy;
	struct ussd_req			 ur;
	struct ussd_resp		 uresp;
	struct voice_req		 vr;
	struct voice_resp		 vresp;
	double				 t0;
};

struct chan_http {
	struct store			*st;
	const struct config		*cfg;		/* the running one: chan_http_reload */
	struct inbound			*in;		/* the group commit and the store thread */
	int				 closing;	/* the daemon is stopping */
	struct httpd			*httpd;
	TAILQ_HEAD(, chan_http_pending)	 pending;
};

static struct chan_http_pending *chan_http_pending_new(struct chan_http *,
		    struct evhttp_request *, const struct fmt_entry *, const char *);
static void	chan_http_pending_free(struct chan_http_pending *);
static void	chan_http_done(void *, uint64_t, const struct inbound_result *);

/* Answer with a status and a one-line plain-text reason. */
static void
chan_http_error(struct evhttp_request *req, int code, const char *why)
{
	struct evbuffer	*buf = evbuffer_new();

	if (buf == NULL)
		fatalx("evbuffer_new");
	evbuffer_add_printf(buf, "%s\n", why);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; charset=UTF-8");
	evhttp_send_reply(req, code, httpd_reason(code), buf);
	evbuffer_free(buf);
}

/*
 * A refusal's reason for an info-level log line. A parser's message may
 * quote the input (jansson's "... near '<text>'"): that part is a sender's
 * text or number, so it is cut here and shown only at debug level.
 */
static const char *
chan_http_log_reason(const char *route, int status, const char *why, char *buf,
    size_t len)
{
	const char	*near;
	size_t		 n = strlen(why);

	if ((near = strstr(why, " near ")) != NULL) {
		log_debug("chan=%s status=%d reason=\"%s\"", route, status,
		    log_escape(why, n, buf, len));
		n = (size_t)(near - why);
	}
	return log_escape(why, n, buf, len);
}

static const char *
chan_http_header(void *arg, const char *name)
{
	struct evhttp_request	*req = arg;

	return evhttp_find_header(evhttp_request_get_input_headers(req), name);
}

/* 1 if the peer is in a route's allow list (an empty one allows all). */
static int
chan_http_allowed(struct evhttp_request *req, const struct allow_net *allow,
    size_t nallow)
{
	struct evhttp_connection	*conn;
	const struct sockaddr		*sa;

	if (nallow == 0)
		return 1;
	if ((conn = evhttp_request_get_connection(req)) == NULL ||
	    (sa = evhttp_connection_get_addr(conn)) == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		return config_allow_match(allow, nallow, AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return config_allow_match(allow, nallow, AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	return 0;
}

/*
 * The URL the client asked for, as a signing client (Twilio) saw it: the
 * configured public URL if there is one, else built from Host.
 */
static void
chan_http_url(struct evhttp_request *req, const char *public_url, char *out, size_t len)
{
	const char	*host;

	if (public_url != NULL) {
		const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));

		snprintf(out, len, "%s%s%s", public_url, q != NULL ? "?" : "",
		    q != NULL ? q : "");
		return;
	}
	host = chan_http_header(req, "Host");
	snprintf(out, len, "http://%s%s", host != NULL ? host : "localhost",
	    evhttp_request_get_uri(req));
}

/* The parts of a request a format or a driver parses. */
static void
chan_http_web_request(struct evhttp_request *req, const char *url, struct web_request *fr)
{
	struct evbuffer	*body = evhttp_request_get_input_buffer(req);

	memset(fr, 0, sizeof *fr);
	fr->post = evhttp_request_get_command(req) == EVHTTP_REQ_POST;
	fr->query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	fr->bodylen = evbuffer_get_length(body);
	fr->body = fr->bodylen > 0 ? (const char *)evbuffer_pullup(body, -1) : "";
	fr->url = url;
	fr->header = chan_http_header;
	fr->hctx = req;
}

static void
chan_http_send(struct evhttp_request *req, struct fmt_response *resp)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*buf = evbuffer_new();

	if (buf == NULL)
		fatalx("evbuffer_new");
	if (resp->content_type != NULL)
		evhttp_add_header(out, "Content-Type", resp->content_type);
	if (resp->header_name != NULL && resp->header_value != NULL)
		evhttp_add_header(out, resp->header_name, resp->header_value);
	if (resp->bodylen > 0)
		evbuffer_add(buf, resp->body, resp->bodylen);
	evhttp_send_reply(req, resp->status, httpd_reason(resp->status), buf);
	evbuffer_free(buf);
}

/* One inbound message: parse, hand to the core, answer after commit. */
static void
chan_http_inbound(struct chan_http *ch, struct evhttp_request *req,
    const struct inbound_route *route)
{
	const struct fmt_entry	*fmt;
	struct web_request	 fr;
	struct fmt_inbound	 in;
	struct inbound_sms	 sms;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	char			 url[CHAN_HTTP_URL_MAX], err[256];
	char			 esc[CHAN_HTTP_REASON_MAX];
	int			 r;

	if ((fmt = route->fmt->sms) == NULL) {
		chan_http_error(req, 500, "route has no format");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST) {
		chan_http_error(req, 405, "use GET or POST");
		return;
	}
	chan_http_url(req, route->url, url, sizeof url);
	chan_http_web_request(req, url, &fr);
	fr.route = route;

	memset(&in, 0, sizeof in);
	err[0] = '\0';
	if ((r = fmt->parse(&fr, &in, err, sizeof err)) != 0) {
		metrics_add(METRIC_INBOUND, route->name, r == 401 || r == 403 ? "refused" :
		    "bad_request", 1);
		log_info("chan=%s status=%d reason=\"%s\"", route->name, r,
		    chan_http_log_reason(route->name, r, err, esc, sizeof esc));
		chan_http_error(req, r, err[0] != '\0' ? err : "bad request");
		fmt_inbound_free(&in);
		return;
	}

	/* Answered once its group of messages is committed (chan_http_done). */
	memset(&sms, 0, sizeof sms);
	sms.channel = route->name;
	sms.from = in.from;
	sms.to = in.to != NULL ? in.to : "";
	sms.text = in.text != NULL ? in.text : "";
	sms.textlen = in.text != NULL ? in.textlen : 0;
	sms.sent_at = in.sent_at;
	sms.outbox = strcmp(route->reply, "outbox") == 0;
	sms.route = route->route;
	sms.key = in.ext_id;		/* the aggregator's id: its retries are copies */
	sms.key_unique = 1;
	inbound_submit(ch->in, &sms, chan_http_done, chan_http_pending_new(ch, req, fmt,
	    route->name), 0);
	fmt_inbound_free(&in);
}

/*
 * The connection of a request we hold is going (httpd.c tells): forget the
 * request, keep its message. (When the client hung up, libevent has already
 * detached the request, which then frees itself as it is answered.)
 */
static void
chan_http_conn_closed(struct evhttp_connection *conn, void *arg)
{
	struct chan_http		*ch = arg;
	struct chan_http_pending	*p;

	TAILQ_FOREACH(p, &ch->pending, entry) {
		if (p->req != NULL && evhttp_request_get_connection(p->req) == conn)
			p->req = NULL;
	}
}

static struct chan_http_pending *
chan_http_pending_new(struct chan_http *ch, struct evhttp_request *req,
    const struct fmt_entry *fmt, const char *channel)
{
	struct chan_http_pending	*p = xcalloc(1, sizeof *p);

	p->ch = ch;
	p->req = req;
	p->fmt = fmt;
	p->channel = xstrdup(channel);
	TAILQ_INSERT_TAIL(&ch->pending, p, entry);
	return p;
}

/* Answer a pending request with what became of its message or report. */
static void
chan_http_answer(const struct chan_http_pending *p, const struct inbound_result *r)
{
	struct fmt_response	resp;

	if (p->fmt == NULL) {
		/* A delivery report; one matching nothing is 200 too: a retry never would. */
		if (r->status == INBOUND_EFAIL)
			chan_http_error(p->req, 503, "storage unavailable, retry later");
		else
			chan_http_error(p->req, 200, r->matched ? "ok" :
			    "ignored: no such message");
	} else if (r->status == INBOUND_STORED || r->status == INBOUND_DUPLICATE) {
		memset(&resp, 0, sizeof resp);
		p->fmt->render(r->reply, &resp);
		chan_http_send(p->req, &resp);
		fmt_response_free(&resp);
	} else if (r->status == INBOUND_REFUSED)
		chan_http_error(p->req, 400, "invalid sender number");
	else {
		log_warnx("chan=%s status=503 reason=\"storage failed\"", p->channel);
		chan_http_error(p->req, 503, "storage unavailable, retry later");
	}
}

static void
chan_http_pending_free(struct chan_http_pending *p)
{
	if (p->ch != NULL)
		TAILQ_REMOVE(&p->ch->pending, p, entry);
	free(p->channel);
	free(p);
}

/* A message's group is committed (or not): answer its request, if the client is still there. */
static void
chan_http_done(void *arg, uint64_t tag, const struct inbound_result *r)
{
	struct chan_http_pending	*p = arg;

	if (p->req != NULL)
		chan_http_answer(p, r);
	chan_http_pending_free(p);
}

/*
 * A USSD step or a voice callback, POST only: its URL and its parts as the
 * format parses them; -1 once answered 405.
 */
static int
chan_http_post(struct evhttp_request *req, const struct inbound_route *route,
    char *url, size_t urllen, struct web_request *fr)
{
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		chan_http_error(req, 405, "use POST");
		return -1;
	}
	chan_http_url(req, route->url, url, urllen);
	chan_http_web_request(req, url, fr);
	fr->route = route;
	return 0;
}

/* The answer of a call's step in the route's voice format. */
static void
chan_http_voice_send(struct evhttp_request *req,
    const struct fmt_voice_entry *fmt, const struct voice_resp *resp,
    const char *url)
{
	struct fmt_response	out;

	memset(&out, 0, sizeof out);
	fmt->render(resp, url, &out);
	chan_http_send(req, &out);
	fmt_response_free(&out);
}

/* A copy of str (NULL stays NULL) that step s owns. */
static const char *
chan_http_step_copy(struct chan_http_step *s, const char *str)
{
	if (str == NULL)
		return NULL;
	if (s->ncopy == nitems(s->copy))
		fatalx("chan_http_step_copy: too many strings");
	return s->copy[s->ncopy++] = xstrdup(str);
}

/* A step for the store thread, answering req on the route named channel. */
static struct chan_http_step *
chan_http_step_new(struct chan_http *ch, struct evhttp_request *req,
    const char *channel)
{
	struct chan_http_step	*s = xcalloc(1, sizeof *s);

	s->p = chan_http_pending_new(ch, req, NULL, channel);
	return s;
}

static void
chan_http_step_free(struct chan_http_step *s)
{
	size_t	i;

	for (i = 0; i < s->ncopy; i++)
		free(s->copy[i]);
	ussd_resp_free(&s->uresp);
	voice_resp_free(&s->vresp);
	free(s->url);
	chan_http_pending_free(s->p);
	free(s);
}

/* On the store thread: the step's statements, on its own connection. */
static int
chan_http_ussd_run(struct store *st, const struct config *cfg, void *arg)
{
	struct chan_http_step	*s = arg;

	return ussd_handle(st, cfg, &s->ur, &s->uresp);
}

/* On the loop, the step done: the screen is the answer. */
static void
chan_http_ussd_done(void *arg, int r)
{
	struct chan_http_step		*s = arg;
	struct chan_http_pending	*p = s->p;
	struct fmt_response		 out;

	metrics_latency(num_mono() - s->t0);
	switch (r) {
	case 0:
		metrics_add(METRIC_USSD_STEPS, p->channel, s->uresp.end ? "1" : "0", 1);
		if (p->req != NULL) {
			memset(&out, 0, sizeof out);
			s->ussd->render(&s->uresp, &out);
			chan_http_send(p->req, &out);
			fmt_response_free(&out);
		}
		/* A check-in may have queued its confirmation SMS. */
		if (p->ch != NULL)
			inbound_queued(p->ch->in);
		break;
	case DIALOG_ESENDER:
		if (p->req != NULL)
			chan_http_error(p->req, 400, "invalid phone number");
		break;
	default:
		metrics_add(METRIC_INBOUND, p->channel, "error", 1);
		if (p->req != NULL)
			chan_http_error(p->req, 503, "storage unavailable, retry later");
		break;
	}
	chan_http_step_free(s);
}

/*
 * One step of a USSD session: parsed here, its store work on the store
 * thread (chan_http_ussd_run), the screen is the answer (chan_http_ussd_done).
 */
static void
chan_http_ussd(struct chan_http *ch, struct evhttp_request *req,
    const struct inbound_route *route)
{
	const struct fmt_ussd_entry	*fmt = route->fmt->ussd;
	struct chan_http_step		*s;
	struct web_request		 fr;
	struct fmt_ussd_hold		 hold;
	struct ussd_req			 ur;
	char				 url[CHAN_HTTP_URL_MAX], err[256] = "";
	int				 r;

	if (fmt == NULL) {
		chan_http_error(req, 500, "route has no USSD format");
		return;
	}
	if (chan_http_post(req, route, url, sizeof url, &fr) == -1)
		return;
	memset(&hold, 0, sizeof hold);
	memset(&ur, 0, sizeof ur);
	if ((r = fmt->parse(&fr, &ur, &hold, err, sizeof err)) != 0) {
		metrics_add(METRIC_INBOUND, route->name, "bad_request", 1);
		chan_http_error(req, r, err[0] != '\0' ? err : "bad request");
		fmt_ussd_hold_free(&hold);
		return;
	}
	s = chan_http_step_new(ch, req, route->name);
	s->ussd = fmt;
	s->ur.channel = s->p->channel;
	s->ur.session = chan_http_step_copy(s, ur.session);
	s->ur.from = chan_http_step_copy(s, ur.from);
	s->ur.service = chan_http_step_copy(s, ur.service);
	s->ur.input = chan_http_step_copy(s, ur.input);
	s->ur.history = chan_http_step_copy(s, ur.history);
	s->ur.ended = ur.ended;
	s->ur.now = time(NULL);
	fmt_ussd_hold_free(&hold);
	s->t0 = num_mono();
	inbound_call(ch->in, chan_http_ussd_run, chan_http_ussd_done, s);
}

/* On the store thread: the callback's statements, on its own connection. */
static int
chan_http_voice_run(struct store *st, const struct config *cfg, void *arg)
{
	struct chan_http_step	*s = arg;

	return voice_handle(st, cfg, &s->vr, &s->vresp);
}

/* On the loop, the callback done: the answer is the call's next step. */
static void
chan_http_voice_done(void *arg, int r)
{
	struct chan_http_step		*s = arg;
	struct chan_http_pending	*p = s->p;

	metrics_latency(num_mono() - s->t0);
	switch (r) {
	case 0:
		metrics_add(METRIC_INBOUND, p->channel, "ok", 1);
		if (p->req != NULL)
			chan_http_voice_send(p->req, s->voice, &s->vresp, s->url);
		/* A check-in may have queued its confirmation SMS. */
		if (p->ch != NULL)
			inbound_queued(p->ch->in);
		break;
	case DIALOG_ESENDER:
		metrics_add(METRIC_INBOUND, p->channel, "refused", 1);
		voice_resp_free(&s->vresp);
		s->vresp.action = VOICE_HANGUP;
		if (p->req != NULL)
			chan_http_voice_send(p->req, s->voice, &s->vresp, s->url);
		break;
	default:
		metrics_add(METRIC_INBOUND, p->channel, "error", 1);
		if (p->req != NULL)
			chan_http_error(p->req, 503, "storage unavailable, retry later");
		break;
	}
	chan_http_step_free(s);
}

/*
 * One callback of a call: parsed here, its store work on the store thread
 * (chan_http_voice_run), the answer is its next step (chan_http_voice_done).
 * A callback the format refuses as malformed (400) gets a clean hang-up, so
 * that the caller hears the call end rather than the provider's error
 * message; a bad signature or secret is refused (403, 401) and changes
 * nothing.
 */
static void
chan_http_voice(struct chan_http *ch, struct evhttp_request *req,
    const struct inbound_route *route)
{
	const struct fmt_voice_entry	*fmt = route->fmt->voice;
	struct chan_http_step		*s;
	struct web_request		 fr;
	struct fmt_ussd_hold		 hold;
	struct voice_req		 vr;
	struct voice_resp		 resp;
	char				 url[CHAN_HTTP_URL_MAX], err[256] = "";
	int				 r;

	if (fmt == NULL) {
		chan_http_error(req, 500, "route has no voice format");
		return;
	}
	if (chan_http_post(req, route, url, sizeof url, &fr) == -1)
		return;
	memset(&hold, 0, sizeof hold);
	memset(&vr, 0, sizeof vr);
	if ((r = fmt->parse(&fr, &vr, &hold, err, sizeof err)) != 0) {
		metrics_add(METRIC_INBOUND, route->name, "bad_request", 1);
		log_info("chan=%s status=%d reason=\"%s\"", route->name,
		    r == 400 ? 200 : r, err);
		if (r == 400) {
			memset(&resp, 0, sizeof resp);
			resp.action = VOICE_HANGUP;
			chan_http_voice_send(req, fmt, &resp, url);
		} else
			chan_http_error(req, r, err[0] != '\0' ? err : "bad request");
		fmt_ussd_hold_free(&hold);
		return;
	}
	s = chan_http_step_new(ch, req, route->name);
	s->voice = fmt;
	s->url = xstrdup(url);
	s->vr.channel = s->p->channel;
	s->vr.call = chan_http_step_copy(s, vr.call);
	s->vr.from = chan_http_step_copy(s, vr.from);
	s->vr.to = chan_http_step_copy(s, vr.to);
	s->vr.digits = chan_http_step_copy(s, vr.digits);
	s->vr.step = vr.step;
	s->vr.ended = vr.ended;
	s->vr.now = time(NULL);
	fmt_ussd_hold_free(&hold);
	s->t0 = num_mono();
	inbound_call(ch->in, chan_http_voice_run, chan_http_voice_done, s);
}

/*
 * 1 if a delivery report carries its route's secret as ?secret= in the
 * query of the URL we gave (compared in constant time); a route without a
 * secret (none configured and none kept yet) takes no reports at all.
 */
int
chan_http_dlr_secret_ok(const struct route *r, const char *query)
{
	char	*v = NULL;
	size_t	 n = 0;
	int	 ok;

	if (r->dlr_secret == NULL || query == NULL ||
	    web_form_get(query, strlen(query), "secret", &v, &n) != 1) {
		free(v);
		return 0;
	}
	ok = web_secret_equal(r->dlr_secret, v, n);
	free(v);
	return ok;
}

/*
 * A delivery report for an outbound route: /dlr/ROUTE. It must come from
 * the route's allow list and carry its secret, or it is a 403 and changes
 * nothing. The route's driver reads it; it is committed on the same road
 * as the reports of binds and modems (core/inbound.c).
 */
static void
chan_http_dlr(struct chan_http *ch, struct evhttp_request *req, const char *name)
{
	const struct route		*r = config_route(ch->cfg, name);
	const struct send_driver	*drv;
	struct web_request		 fr;
	struct send_dlr			 dlr;
	struct inbound_dlr		 in;
	char				 url[CHAN_HTTP_URL_MAX], err[256] = "";
	char				 why[CHAN_HTTP_REASON_MAX];
	int				 status;

	if (r == NULL || (drv = r->drv->send)->dlr == NULL) {
		chan_http_error(req, 404, "no outbound route of that name");
		return;
	}
	if (!chan_http_allowed(req, r->allow, r->nallow)) {
		log_info("dlr route=%s status=403 reason=\"address not allowed\"",
		    r->name);
		chan_http_error(req, 403, "address not allowed for this route");
		return;
	}
	chan_http_url(req, r->dlr_url, url, sizeof url);
	chan_http_web_request(req, url, &fr);
	fr.outbound = r;
	if (!chan_http_dlr_secret_ok(r, fr.query)) {
		log_info("dlr route=%s status=403 reason=\"bad or missing secret\"",
		    r->name);
		chan_http_error(req, 403, "bad or missing secret");
		return;
	}
	memset(&dlr, 0, sizeof dlr);
	if ((status = drv->dlr(&fr, &dlr, err, sizeof err)) != 0) {
		log_info("dlr route=%s status=%d reason=\"%s\"", r->name, status,
		    chan_http_log_reason(r->name, status, err, why, sizeof why));
		chan_http_error(req, status, err[0] != '\0' ? err : "bad delivery report");
		return;
	}
	memset(&in, 0, sizeof in);
	in.channel = r->name;
	in.outbox_id = dlr.outbox_id;
	in.ext_id = dlr.ext_id;
	in.delivered = dlr.delivered;
	in.state = dlr.state;
	inbound_submit_dlr(ch->in, &in, chan_http_done, chan_http_pending_new(ch, req, NULL,
	    r->name), 0);
}

static void
chan_http_request(struct evhttp_request *req, void *arg)
{
	struct chan_http		*ch = arg;
	const struct evhttp_uri		*uri = evhttp_request_get_evhttp_uri(req);
	const struct inbound_route	*route;
	const char			*path;
	char				 why[64];

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || path[0] == '\0')
		path = "/";
	if (strcmp(path, "/healthz") == 0) {
		chan_http_error(req, 200, "ok");
		return;
	}
	if (ch->closing) {
		chan_http_error(req, 503, "shutting down, retry later");
		return;
	}
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) >
	    ch->cfg->http_max_body) {
		snprintf(why, sizeof why, "the body is larger than %zu bytes",
		    ch->cfg->http_max_body);
		chan_http_error(req, 413, why);
		return;
	}
	if (strncmp(path, "/dlr/", 5) == 0) {
		chan_http_dlr(ch, req, path + 5);
		return;
	}
	if ((route = config_inbound_by_path(ch->cfg, path)) == NULL) {
		chan_http_error(req, 404, "no inbound route at this path");
		return;
	}
	if (!chan_http_allowed(req, route->allow, route->nallow)) {
		log_info("chan=%s status=403 reason=\"address not allowed\"", route->name);
		chan_http_error(req, 403, "address not allowed for this route");
		return;
	}
	if (strcmp(route->type, "ussd") == 0)
		chan_http_ussd(ch, req, route);
	else if (strcmp(route->type, "voice") == 0)
		chan_http_voice(ch, req, route);
	else
		chan_http_inbound(ch, req, route);
}

/* The listener's limits from the configuration now in force. */
static void
chan_http_limits(const struct config *cfg, struct httpd_limits *l)
{
	memset(l, 0, sizeof *l);
	l->max_connections = cfg->http_max_connections;
	l->timeout = cfg->http_timeout;
	l->max_headers = CHAN_HTTP_MAX_HEADERS;
	l->max_body = cfg->http_max_body + CHAN_HTTP_BODY_SLACK;
}

void
chan_http_reload(struct chan_http *ch, const struct config *cfg)
{
	struct httpd_limits	l;

	ch->cfg = cfg;
	chan_http_limits(cfg, &l);
	httpd_set_limits(ch->httpd, &l);
}

struct chan_http *
chan_http_start(struct event_base *base, struct store *st, const struct config *cfg,
    struct inbound *in)
{
	struct chan_http	*ch;
	struct httpd_limits	 l;

	ch = xcalloc(1, sizeof *ch);
	ch->st = st;
	ch->cfg = cfg;
	ch->in = in;
	TAILQ_INIT(&ch->pending);
	chan_http_limits(cfg, &l);
	ch->httpd = httpd_listen(base, "http", cfg->http_listen,
	    EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH, &l, chan_http_request,
	    chan_http_conn_closed, ch);
	if (ch->httpd == NULL) {
		free(ch);
		return NULL;
	}
	return ch;
}

void
chan_http_closing(struct chan_http *ch)
{
	if (ch != NULL)
		ch->closing = 1;
}

void
chan_http_stop(struct chan_http *ch)
{
	struct chan_http_pending	*p;

	if (ch == NULL)
		return;
	/* Commit and answer what is parsed before the connections go. */
	if (!TAILQ_EMPTY(&ch->pending))
		inbound_flush(ch->in);
	/*
	 * A stop drains (inbound_drain) before it gets here, so nothing should
	 * be left; whatever is (its done still to come) forgets the listener.
	 */
	while ((p = TAILQ_FIRST(&ch->pending)) != NULL) {
		TAILQ_REMOVE(&ch->pending, p, entry);
		p->ch = NULL;
		p->req = NULL;
	}
	httpd_free(ch->httpd);
	free(ch);
}
