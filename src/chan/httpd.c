/*
 * httpd.c: what the webhook and admin listeners share about serving HTTP:
 * reason phrases, and a listener that holds its clients to limits.
 *
 * libevent 2.1's evhttp has no cap on connections, and its timeout is per
 * read: a client sending a byte every few seconds (slow loris) never trips
 * it. So every connection is tracked here, from the bufferevent evhttp asks
 * for at accept (the one hook 2.1 gives there) to its close callback, in
 * one of three states:
 *
 *   NEW      accepted; evhttp is still making its connection. The adopt
 *            event, in the same loop iteration, finds it and moves on.
 *   WAITING  reading a request, or idle between two: on the clock, in
 *            h->waiting by the time its request began, oldest first.
 *   BUSY     its request is with the handler, or the answer is going out.
 *
 * A WAITING connection not done after timeout seconds is closed (one timer,
 * for the oldest). At max_connections the listener stops accepting; when a
 * client then waits in the backlog, the oldest WAITING connection is closed
 * to make room, so a crowd of idle or trickling connections cannot lock the
 * check-ins out, and the descriptors in use stay bounded. An accept() that
 * fails for want of descriptors pauses the listener a moment rather than
 * spin on a socket that stays readable.
 *
 * evhttp's framing is lenient: it takes the first of two Content-Length
 * headers, reads "+43" as 43, ignores a Transfer-Encoding that is not
 * exactly "chunked" and joins folded lines. Behind a proxy that frames
 * otherwise, that lets a request hide in another's body (RFC 9112 §6.3,
 * §11.2). So each request's header block is read here from the raw bytes,
 * before evhttp parses them: an evbuffer callback on the connection's input
 * sees every byte as it arrives. A request starts at the front of the
 * input when its connection is adopted, and again when an answer is done
 * (evhttp reads one request at a time). Bad framing gets 400 with a
 * one-line reason and the connection closes: at once if evhttp is still
 * reading the body, or instead of the handler if the request reached it.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/tree.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "chan/httpd.h"

#define HTTPD_BACKLOG		1024	/* connections the kernel holds for accept (somaxconn caps) */
#define HTTPD_PAUSE		1	/* seconds accept() rests after running out of descriptors */
#define HTTPD_WARN_EVERY	60.0	/* seconds between two warnings of one listener */
#define HTTPD_FD_SPARE		64	/* descriptors the rest of the daemon needs */
#define HTTPD_LINE_MAX		512	/* bytes of a header line the framing check reads */
#define HTTPD_CL_DIGITS		15	/* digits of a Content-Length, at most */

static const struct {
	int		 code;
	const char	*reason;
} httpd_reasons[] = {
	{ 200, "OK" },
	{ 201, "Created" },
	{ 303, "See Other" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 413, "Payload Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

/* What a listener warns of, each at most once a minute. */
enum httpd_warning {
	HTTPD_WARN_FULL = 0,	/* max_connections reached: idle ones make room */
	HTTPD_WARN_ACCEPT,	/* accept() failed: out of descriptors */
	HTTPD_NWARNINGS
};

/* Where the framing check is in the raw bytes of a connection's input. */
enum httpd_phase {
	HTTPD_HEAD = 0,		/* reading the request line and header block */
	HTTPD_PAST,		/* past the header block: body, or waiting */
	HTTPD_BAD		/* refused: nothing more is read */
};

/* What the header block said of the body's framing. */
struct httpd_frame {
	int		 lines;		/* lines read, the request line first */
	int		 lengths;	/* Content-Length headers */
	int		 codings;	/* Transfer-Encoding headers */
	const char	*bad;		/* why it is refused, or NULL */
};

enum httpd_state {
	HTTPD_NEW = 0,
	HTTPD_WAITING,
	HTTPD_BUSY,
	HTTPD_NSTATES
};

struct httpd_conn {
	TAILQ_ENTRY(httpd_conn)		 entry;	/* in the list of its state */
	RB_ENTRY(httpd_conn)		 node;	/* in h->conns once adopted */
	struct httpd			*h;
	struct bufferevent		*bev;
	struct evhttp_connection	*evcon;	/* NULL while NEW */
	enum httpd_state		 state;
	double				 since;	/* when its current request began */

	struct evbuffer_cb_entry	*scan;	/* the framing check, once adopted */
	enum httpd_phase		 phase;
	size_t				 line;	/* where the unread line starts in the input */
	struct httpd_frame		 frame;
};
TAILQ_HEAD(httpd_conns, httpd_conn);
RB_HEAD(httpd_tree, httpd_conn);

struct httpd {
	LIST_ENTRY(httpd)	 entry;		/* in httpd_all */
	char			*what;
	struct evhttp		*http;
	struct evconnlistener	*lev;		/* NULL once httpd_free began */
	struct httpd_limits	 limits;
	void			(*cb)(struct evhttp_request *, void *);
	void			(*gone)(struct evhttp_connection *, void *);
	void			*arg;

	struct httpd_tree	 conns;		/* adopted ones, by evcon */
	struct httpd_conns	 lists[HTTPD_NSTATES];
	size_t			 nconns;

	struct event		*adopt;		/* finds what evhttp made of NEW ones */
	struct event		*sweep;		/* the oldest WAITING one's deadline */
	struct event		*backlog;	/* full, and a client waits to be accepted */
	struct event		*resume;	/* the end of a pause after accept() failed */
	struct event		*refuse;	/* answers bad framing still being read */
	int			 paused;
	double			 warned[HTTPD_NWARNINGS];	/* when last logged, or 0 */
};

/* The listeners: an evconnlistener's error callback gets the evhttp, not us. */
static LIST_HEAD(, httpd) httpd_all = LIST_HEAD_INITIALIZER(httpd_all);

static void	httpd_closed(struct evhttp_connection *, void *);

const char *
httpd_reason(int code)
{
	size_t	i;

	for (i = 0; i < nitems(httpd_reasons); i++) {
		if (httpd_reasons[i].code == code)
			return httpd_reasons[i].reason;
	}
	return "Error";
}

static int
httpd_cmp(const struct httpd_conn *a, const struct httpd_conn *b)
{
	uintptr_t	x = (uintptr_t)a->evcon, y = (uintptr_t)b->evcon;

	return x < y ? -1 : x > y;
}
/* libbsd's tree.h wants the BSD __unused its cdefs.h leaves out on Linux. */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif
RB_GENERATE_STATIC(httpd_tree, httpd_conn, node, httpd_cmp)

/* A warning at most once a minute per listener and kind: no flood in the log. */
static void __attribute__((format(printf, 3, 4)))
httpd_warn(struct httpd *h, enum httpd_warning w, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;
	double	now = num_mono();

	if (h->warned[w] != 0 && now - h->warned[w] < HTTPD_WARN_EVERY)
		return;
	h->warned[w] = now;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", h->what, msg);
}

static struct httpd_conn *
httpd_find(struct httpd *h, struct evhttp_connection *evcon)
{
	struct httpd_conn	key;

	if (evcon == NULL)
		return NULL;
	key.evcon = evcon;
	return RB_FIND(httpd_tree, &h->conns, &key);
}

/* Move a connection to a state; WAITING starts its clock now. */
static void
httpd_move(struct httpd_conn *hc, enum httpd_state to)
{
	struct httpd	*h = hc->h;

	TAILQ_REMOVE(&h->lists[hc->state], hc, entry);
	hc->state = to;
	if (to == HTTPD_WAITING)
		hc->since = num_mono();
	TAILQ_INSERT_TAIL(&h->lists[to], hc, entry);
}

static void
httpd_conn_free(struct httpd_conn *hc)
{
	struct httpd	*h = hc->h;

	TAILQ_REMOVE(&h->lists[hc->state], hc, entry);
	if (hc->scan != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_input(hc->bev), hc->scan);
	if (hc->evcon != NULL)
		RB_REMOVE(httpd_tree, &h->conns, hc);
	h->nconns--;
	free(hc);
}

/*
 * Accept while there is room and no pause. When full, watch the listening
 * socket: a client waiting there makes the oldest WAITING connection go.
 */
static void
httpd_accepting(struct httpd *h)
{
	int	full = h->nconns >= (size_t)h->limits.max_connections;

	if (h->lev == NULL)
		return;
	if (!full && !h->paused) {
		event_del(h->backlog);
		evconnlistener_enable(h->lev);
		return;
	}
	evconnlistener_disable(h->lev);
	if (full && !h->paused && !TAILQ_EMPTY(&h->lists[HTTPD_WAITING]))
		event_add(h->backlog, NULL);
	else
		event_del(h->backlog);
}

/* Wake up at the oldest WAITING connection's deadline. */
static void
httpd_sweep_arm(struct httpd *h)
{
	struct httpd_conn	*hc = TAILQ_FIRST(&h->lists[HTTPD_WAITING]);
	struct timeval		 tv;
	double			 left;

	if (hc == NULL || evtimer_pending(h->sweep, NULL))
		return;
	left = hc->since + h->limits.timeout - num_mono();
	if (left < 0)
		left = 0;
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6) + 1000;
	if (tv.tv_usec >= 1000000) {
		tv.tv_sec++;
		tv.tv_usec -= 1000000;
	}
	evtimer_add(h->sweep, &tv);
}

/*
 * Close a WAITING connection. Its request, if it began one, never reached
 * the handler, so nobody holds it. The close callback is taken off first:
 * the bookkeeping here does not depend on evhttp calling it.
 */
static void
httpd_drop(struct httpd_conn *hc)
{
	struct evhttp_connection	*evcon = hc->evcon;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	httpd_conn_free(hc);
	evhttp_connection_free(evcon);
}

/* Whether name, len bytes, is want, case aside. */
static int
httpd_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

/*
 * One header of a request: what it says of the body's framing (RFC 9112
 * §6.1-6.3). Two Content-Length headers are refused even when equal: a
 * client that repeats it is broken or probing, and no proxy of ours adds one.
 */
static void
httpd_frame_header(struct httpd_frame *f, const char *name, size_t nlen,
    const char *v, size_t vlen)
{
	size_t	i;

	if (f->bad != NULL)
		return;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (httpd_is(name, nlen, "Content-Length")) {
		if (++f->lengths > 1) {
			f->bad = "Content-Length given more than once";
			return;
		}
		for (i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				break;
		}
		if (vlen == 0 || i < vlen || vlen > HTTPD_CL_DIGITS) {
			f->bad = "Content-Length is not a number of bytes";
			return;
		}
	} else if (httpd_is(name, nlen, "Transfer-Encoding")) {
		if (++f->codings > 1) {
			f->bad = "Transfer-Encoding given more than once";
			return;
		}
		if (!httpd_is(v, vlen, "chunked")) {
			f->bad = "Transfer-Encoding other than chunked";
			return;
		}
	}
	if (f->lengths > 0 && f->codings > 0)
		f->bad = "Transfer-Encoding with Content-Length";
}

/* One raw line of a header block, without its line end; maybe cut short. */
static void
httpd_frame_line(struct httpd_frame *f, const char *p, size_t len)
{
	const char	*colon;
	size_t		 nlen;

	if (f->lines++ == 0 || f->bad != NULL)
		return;				/* the request line is evhttp's */
	if (len > 0 && (p[0] == ' ' || p[0] == '\t')) {
		f->bad = "obsolete line folding";
		return;
	}
	if ((colon = memchr(p, ':', len)) == NULL)
		return;				/* evhttp refuses it */
	nlen = (size_t)(colon - p);
	if (nlen > 0 && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t')) {
		f->bad = "whitespace between a header's name and colon";
		return;
	}
	httpd_frame_header(f, p, nlen, colon + 1, len - nlen - 1);
}

/*
 * Read the whole lines of the header block that have arrived, from where
 * the last read stopped. Bad framing stops the reading, and the refuse
 * event answers unless the request reaches httpd_request first.
 */
static void
httpd_scan(struct httpd_conn *hc, struct evbuffer *in)
{
	struct evbuffer_ptr	 at, eol;
	char			 line[HTTPD_LINE_MAX];
	size_t			 len, n;

	while (hc->phase == HTTPD_HEAD) {
		if (evbuffer_ptr_set(in, &at, hc->line, EVBUFFER_PTR_SET) == -1)
			return;
		eol = evbuffer_search(in, "\n", 1, &at);
		if (eol.pos == -1)
			return;
		len = (size_t)eol.pos - hc->line;
		n = len < sizeof line ? len : sizeof line;
		if (n > 0 && evbuffer_copyout_from(in, &at, line, n) != (ev_ssize_t)n)
			return;
		hc->line = (size_t)eol.pos + 1;
		if (n == len && n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0) {
			/* Empty lines before the request line are ignored. */
			if (hc->frame.lines > 0)
				hc->phase = HTTPD_PAST;
		} else
			httpd_frame_line(&hc->frame, line, n);
		if (hc->frame.bad != NULL) {
			hc->phase = HTTPD_BAD;
			event_active(hc->h->refuse, EV_TIMEOUT, 0);
		}
	}
}

/* The connection's input changed: evhttp read from the front, or bytes came. */
static void
httpd_input(struct evbuffer *in, const struct evbuffer_cb_info *info, void *arg)
{
	struct httpd_conn	*hc = arg;

	if (info->n_deleted > 0)
		hc->line = hc->line > info->n_deleted ? hc->line - info->n_deleted : 0;
	if (info->n_added > 0)
		httpd_scan(hc, in);
}

/* A request starts at the front of the input. */
static void
httpd_frame_start(struct httpd_conn *hc)
{
	hc->phase = HTTPD_HEAD;
	hc->line = 0;
	memset(&hc->frame, 0, sizeof hc->frame);
	httpd_scan(hc, bufferevent_get_input(hc->bev));
}

/* Bad framing, checked once more on what evhttp parsed; NULL if none. */
static const char *
httpd_frame_parsed(struct evhttp_request *req)
{
	struct evkeyvalq	*hs = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	struct httpd_frame	 f;

	memset(&f, 0, sizeof f);
	TAILQ_FOREACH(kv, hs, next)
		httpd_frame_header(&f, kv->key, strlen(kv->key), kv->value,
		    strlen(kv->value));
	return f.bad;
}

/* 400 for bad framing, and the connection closes once it is out. */
static void
httpd_refuse_req(struct httpd *h, struct evhttp_request *req, const char *why)
{
	struct evbuffer	*body;

	log_info("%s: refused a request: %s", h->what, why);
	if ((body = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	evbuffer_add_printf(body, "%s\n", why);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Connection",
	    "close");
	evhttp_send_reply(req, 400, httpd_reason(400), body);
	evbuffer_free(body);
}

/*
 * Bad framing found while evhttp still reads the request: answer on the
 * socket and close, so that no byte after the header block is read as a
 * body or as the next request. When evhttp refused the headers too, its
 * answer, still unsent in this loop iteration, gives way to ours.
 */
static void
httpd_refuse(evutil_socket_t fd, short events, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc, *next;
	struct evbuffer		*out;
	char			 msg[256];
	int			 n;

	for (hc = TAILQ_FIRST(&h->lists[HTTPD_WAITING]); hc != NULL; hc = next) {
		next = TAILQ_NEXT(hc, entry);
		if (hc->phase != HTTPD_BAD)
			continue;
		out = bufferevent_get_output(hc->bev);
		evbuffer_drain(out, evbuffer_get_length(out));
		log_info("%s: refused a request: %s", h->what, hc->frame.bad);
		n = snprintf(msg, sizeof msg, "HTTP/1.1 400 %s\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
		    httpd_reason(400), strlen(hc->frame.bad) + 1, hc->frame.bad);
		if (n > 0 && (size_t)n < sizeof msg)
			(void)send(bufferevent_getfd(hc->bev), msg, (size_t)n,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
		httpd_drop(hc);
	}
	httpd_sweep_arm(h);
	httpd_accepting(h);
}

static void
httpd_sweep(evutil_socket_t fd, short events, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc;
	double			 now = num_mono();
	size_t			 n = 0;

	while ((hc = TAILQ_FIRST(&h->lists[HTTPD_WAITING])) != NULL &&
	    now - hc->since >= h->limits.timeout) {
		httpd_drop(hc);
		n++;
	}
	if (n > 0)
		log_debug("%s: closed %zu connections idle or unfinished after %d s",
		    h->what, n, h->limits.timeout);
	httpd_sweep_arm(h);
	httpd_accepting(h);
}

/* Full, and a client waits: the connection that has waited longest gives way. */
static void
httpd_backlog(evutil_socket_t fd, short events, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc;

	if (h->nconns >= (size_t)h->limits.max_connections &&
	    (hc = TAILQ_FIRST(&h->lists[HTTPD_WAITING])) != NULL) {
		httpd_warn(h, HTTPD_WARN_FULL, "%d connections open (max_connections): "
		    "closing the longest idle ones to make room",
		    h->limits.max_connections);
		httpd_drop(hc);
	}
	httpd_accepting(h);
}

static void
httpd_resume(evutil_socket_t fd, short events, void *arg)
{
	struct httpd	*h = arg;

	h->paused = 0;
	httpd_accepting(h);
}

/*
 * accept() failed with an error that is not transient (EMFILE, ENFILE,
 * ENOBUFS...): the socket stays readable and libevent would call accept()
 * again at once, so rest a moment.
 */
static void
httpd_accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpd	*h;
	struct timeval	 tv = { HTTPD_PAUSE, 0 };
	int		 e = EVUTIL_SOCKET_ERROR();

	LIST_FOREACH(h, &httpd_all, entry) {
		if (h->lev == lev)
			break;
	}
	if (h == NULL) {
		evconnlistener_disable(lev);
		return;
	}
	httpd_warn(h, HTTPD_WARN_ACCEPT, "accept: %s; not accepting for %d s",
	    strerror(e), HTTPD_PAUSE);
	h->paused = 1;
	evtimer_add(h->resume, &tv);
	httpd_accepting(h);
}

/*
 * evhttp accepted a connection and wants its bufferevent. Held by one more
 * reference until adopted, so that it cannot vanish under the adopt event.
 */
static struct bufferevent *
httpd_bev(struct event_base *base, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc;
	struct bufferevent	*bev;

	if ((bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_incref(bev);
	hc = xcalloc(1, sizeof *hc);
	hc->h = h;
	hc->bev = bev;
	hc->state = HTTPD_NEW;
	hc->since = num_mono();
	TAILQ_INSERT_TAIL(&h->lists[HTTPD_NEW], hc, entry);
	h->nconns++;
	event_active(h->adopt, EV_TIMEOUT, 0);
	/* Full: the listener stops before it accepts the next one. */
	httpd_accepting(h);
	return bev;
}

/*
 * The NEW connections: evhttp has given each bufferevent its callbacks,
 * whose argument is the evhttp_connection. Its close callback is ours from
 * now on; its clock runs from when it was accepted.
 */
static void
httpd_adopt(evutil_socket_t fd, short events, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc, *old;
	bufferevent_event_cb	 eventcb;
	void			*cbarg;
	double			 since;

	while ((hc = TAILQ_FIRST(&h->lists[HTTPD_NEW])) != NULL) {
		bufferevent_getcb(hc->bev, NULL, NULL, &eventcb, &cbarg);
		if (eventcb == NULL || cbarg == NULL) {
			/* evhttp gave up on it already. */
			bufferevent_decref(hc->bev);
			httpd_conn_free(hc);
			continue;
		}
		if (evhttp_connection_get_bufferevent(cbarg) != hc->bev)
			fatalx("%s: libevent's evhttp is not the 2.1 this was built for",
			    h->what);
		hc->evcon = cbarg;
		if ((old = RB_INSERT(httpd_tree, &h->conns, hc)) != NULL) {
			/* Gone without its close callback; its address is reused. */
			log_warnx("%s: a connection closed unnoticed", h->what);
			old->scan = NULL;	/* went with its bufferevent */
			httpd_conn_free(old);
			RB_INSERT(httpd_tree, &h->conns, hc);
		}
		since = hc->since;
		httpd_move(hc, HTTPD_WAITING);
		hc->since = since;
		evhttp_connection_set_closecb(hc->evcon, httpd_closed, hc);
		hc->scan = evbuffer_add_cb(bufferevent_get_input(hc->bev),
		    httpd_input, hc);
		if (hc->scan == NULL)
			fatalx("evbuffer_add_cb");
		httpd_frame_start(hc);
		bufferevent_decref(hc->bev);
	}
	httpd_sweep_arm(h);
	httpd_accepting(h);
}

static void
httpd_closed(struct evhttp_connection *evcon, void *arg)
{
	struct httpd_conn	*hc = arg;
	struct httpd		*h = hc->h;

	if (hc->state == HTTPD_BUSY && h->gone != NULL)
		h->gone(evcon, h->arg);
	httpd_conn_free(hc);
	httpd_accepting(h);
}

/* The answer is out: the connection waits for its next request, on the clock. */
static void
httpd_answered(struct evhttp_request *req, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc;

	if ((hc = httpd_find(h, evhttp_request_get_connection(req))) == NULL ||
	    hc->state != HTTPD_BUSY)
		return;
	httpd_move(hc, HTTPD_WAITING);
	/* evhttp reads the next request from what is left: check it first. */
	if (hc->phase != HTTPD_BAD)
		httpd_frame_start(hc);
	httpd_sweep_arm(h);
	httpd_accepting(h);
}

/* A whole request arrived: off the clock until answered. */
static void
httpd_request(struct evhttp_request *req, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*hc;
	const char		*bad;

	if (!TAILQ_EMPTY(&h->lists[HTTPD_NEW]))
		httpd_adopt(-1, 0, h);
	if ((hc = httpd_find(h, evhttp_request_get_connection(req))) != NULL &&
	    hc->state == HTTPD_WAITING) {
		httpd_move(hc, HTTPD_BUSY);
		evhttp_request_set_on_complete_cb(req, httpd_answered, h);
	}
	if (hc != NULL && hc->phase == HTTPD_BAD)
		bad = hc->frame.bad;
	else
		bad = httpd_frame_parsed(req);
	if (bad != NULL) {
		if (hc != NULL)
			hc->phase = HTTPD_BAD;
		httpd_refuse_req(h, req, bad);
		return;
	}
	h->cb(req, h->arg);
}

/* Warn when the open file limit cannot hold max_connections. */
static void
httpd_check_nofile(struct httpd *h)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return;
	if ((rlim_t)h->limits.max_connections + HTTPD_FD_SPARE > rl.rlim_cur)
		log_warnx("%s: max_connections %d is near or over the open file limit "
		    "(%llu); accept() will pause when descriptors run out", h->what,
		    h->limits.max_connections, (unsigned long long)rl.rlim_cur);
}

void
httpd_set_limits(struct httpd *h, const struct httpd_limits *l)
{
	h->limits = *l;
	if (h->limits.max_connections < 1)
		h->limits.max_connections = 1;
	if (h->limits.timeout < 1)
		h->limits.timeout = 1;
	/* Per read and write, for the connections accepted from now on. */
	evhttp_set_timeout(h->http, h->limits.timeout);
	evhttp_set_max_headers_size(h->http, (ev_ssize_t)h->limits.max_headers);
	evhttp_set_max_body_size(h->http, (ev_ssize_t)h->limits.max_body);
	httpd_check_nofile(h);
	/* The whole-request clock: for every connection, at once. */
	evtimer_del(h->sweep);
	httpd_sweep_arm(h);
	httpd_accepting(h);
}

size_t
httpd_connections(const struct httpd *h)
{
	return h->nconns;
}

/* A listening socket for "HOST:PORT"; NULL with errno set. */
static struct evconnlistener *
httpd_bind(struct event_base *base, const char *what, const char *listen)
{
	struct evutil_addrinfo	 hints, *ai = NULL;
	struct evconnlistener	*lev;
	char			 host[256], port[8];
	uint16_t		 p;
	int			 rc, saved;

	if (config_listen_split(listen, host, sizeof host, &p) == -1) {
		log_warnx("%s: bad listen address \"%s\"", what, listen);
		return NULL;
	}
	snprintf(port, sizeof port, "%u", (unsigned)p);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
	if ((rc = evutil_getaddrinfo(host, port, &hints, &ai)) != 0) {
		log_warnx("%s: cannot listen on %s: %s", what, listen,
		    evutil_gai_strerror(rc));
		return NULL;
	}
	/* Disabled until evhttp has set its accept callback on it. */
	lev = evconnlistener_new_bind(base, NULL, NULL, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE | LEV_OPT_DISABLED,
	    HTTPD_BACKLOG, ai->ai_addr, (int)ai->ai_addrlen);
	saved = errno;
	evutil_freeaddrinfo(ai);
	if (lev == NULL) {
		errno = saved;
		log_warn("%s: cannot listen on %s", what, listen);
	}
	return lev;
}

struct httpd *
httpd_listen(struct event_base *base, const char *what, const char *listen,
    uint16_t methods, const struct httpd_limits *limits,
    void (*cb)(struct evhttp_request *, void *),
    void (*gone)(struct evhttp_connection *, void *), void *arg)
{
	struct httpd	*h;
	size_t		 i;

	h = xcalloc(1, sizeof *h);
	if ((h->lev = httpd_bind(base, what, listen)) == NULL) {
		free(h);
		return NULL;
	}
	h->what = xstrdup(what);
	h->cb = cb;
	h->gone = gone;
	h->arg = arg;
	RB_INIT(&h->conns);
	for (i = 0; i < nitems(h->lists); i++)
		TAILQ_INIT(&h->lists[i]);
	if ((h->adopt = event_new(base, -1, 0, httpd_adopt, h)) == NULL ||
	    (h->sweep = evtimer_new(base, httpd_sweep, h)) == NULL ||
	    (h->backlog = event_new(base, evconnlistener_get_fd(h->lev), EV_READ,
	    httpd_backlog, h)) == NULL ||
	    (h->resume = evtimer_new(base, httpd_resume, h)) == NULL ||
	    (h->refuse = event_new(base, -1, 0, httpd_refuse, h)) == NULL)
		fatalx("event_new");

	if ((h->http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_allowed_methods(h->http, methods);
	evhttp_set_gencb(h->http, httpd_request, h);
	evhttp_set_bevcb(h->http, httpd_bev, h);
	/*
	 * A body over the limit is read and dropped before the 413 goes out:
	 * closing with unread input would send a reset that can destroy the
	 * answer before the client reads it. The clock bounds the reading.
	 */
	evhttp_set_flags(h->http, EVHTTP_SERVER_LINGERING_CLOSE);
	if (evhttp_bind_listener(h->http, h->lev) == NULL)
		fatalx("evhttp_bind_listener");
	evconnlistener_set_error_cb(h->lev, httpd_accept_error);
	LIST_INSERT_HEAD(&httpd_all, h, entry);
	httpd_set_limits(h, limits);
	log_info("%s: listening on %s max_connections=%d timeout=%d", what, listen,
	    h->limits.max_connections, h->limits.timeout);
	return h;
}

void
httpd_free(struct httpd *h)
{
	struct httpd_conn	*hc;
	size_t			 i;

	if (h == NULL)
		return;
	LIST_REMOVE(h, entry);
	event_del(h->backlog);
	/* evhttp_free closes the listener first, then each connection. */
	h->lev = NULL;
	evhttp_free(h->http);
	for (i = 0; i < nitems(h->lists); i++) {
		while ((hc = TAILQ_FIRST(&h->lists[i])) != NULL) {
			hc->scan = NULL;	/* evhttp_free took the bufferevent */
			if (hc->state == HTTPD_NEW)
				bufferevent_decref(hc->bev);
			httpd_conn_free(hc);
		}
	}
	event_free(h->adopt);
	event_free(h->sweep);
	event_free(h->backlog);
	event_free(h->resume);
	event_free(h->refuse);
	free(h->what);
	free(h);
}
