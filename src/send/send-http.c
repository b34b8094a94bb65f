/*
 * send-http.c: outbound HTTP requests on the event loop through libcurl's
 * multi-socket interface, in the structure of curl's hiperfifo example:
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to
 * wake it (CURLMOPT_TIMERFUNCTION); libevent tells curl what happened with
 * curl_multi_socket_action(). Nothing here blocks: no curl_easy_perform,
 * names are resolved by curl's threaded resolver.
 *
 * One multi handle per struct send_http holds the connection cache, so a
 * fresh easy handle per request still reuses the connection of the previous
 * request to the same host.
 *
 * A request's callback runs from the loop, after its easy handle has been
 * removed and cleaned up, so it may start new requests or free the whole
 * struct send_http; the latter is deferred until the loop callback that
 * delivered the result returns.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "send/send-http.h"
#include "send/send.h"

#define SEND_HTTP_BODY_MAX	(64 * 1024)	/* response bytes kept; the rest is read and dropped */
/*
 * Connections at once to one host: the largest route `inflight` (config.c).
 * The outbox limits requests per route; this is only a backstop, and must
 * not be lower, because a request curl holds back for a free connection
 * has its CURLOPT_TIMEOUT running and fails at once when it finally starts.
 */
#define SEND_HTTP_HOST_CONNS	256
#define SEND_HTTP_RETRY_AFTER	128	/* longest Retry-After value kept */
#define SEND_HTTP_USERAGENT	"checkind"

/* One request in flight. */
struct send_http_req {
	TAILQ_ENTRY(send_http_req) entry;
	struct send_http	*sh;
	CURL			*easy;
	struct curl_slist	*headers;
	struct event		*fail;		/* delivers an error found before curl ran */
	const char		*failmsg;

	char			*body;		/* NUL-terminated, at most SEND_HTTP_BODY_MAX */
	size_t			 bodylen;
	size_t			 bodysize;
	char			 retry_after[SEND_HTTP_RETRY_AFTER];
	int			 has_retry_after;
	char			 errbuf[CURL_ERROR_SIZE];

	send_http_cb		 cb;
	void			*arg;
};
TAILQ_HEAD(send_http_reqs, send_http_req);

/* One socket curl asked us to watch. */
struct send_http_sock {
	LIST_ENTRY(send_http_sock) entry;
	struct send_http	*sh;
	curl_socket_t		 fd;
	struct event		*ev;
};
LIST_HEAD(send_http_socks, send_http_sock);

struct send_http {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;		/* curl's one timeout */
	struct send_http_reqs	 reqs;
	struct send_http_socks	 socks;
	size_t			 nreqs;
	int			 depth;		/* loop callbacks of ours running */
	int			 dead;		/* send_http_free ran inside one of them */
};

static int	send_http_curl_ready;

static void	send_http_destroy(struct send_http *);

/* Leave one of our loop callbacks; finish a free deferred while it ran. */
static void
send_http_leave(struct send_http *sh)
{
	if (--sh->depth == 0 && sh->dead)
		send_http_destroy(sh);
}

/* Unlink a request and release its curl state; the body stays for the result. */
static void
send_http_req_detach(struct send_http_req *r)
{
	struct send_http	*sh = r->sh;

	TAILQ_REMOVE(&sh->reqs, r, entry);
	sh->nreqs--;
	if (r->easy != NULL) {
		curl_multi_remove_handle(sh->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	if (r->fail != NULL) {
		event_free(r->fail);
		r->fail = NULL;
	}
}

static void
send_http_req_free(struct send_http_req *r)
{
	free(r->body);
	free(r);
}

/*
 * Hand a finished request to its owner. The request is detached first and
 * the callback and its argument copied, so the callback may start requests
 * or free sh.
 */
static void
send_http_deliver(struct send_http_req *r, CURLcode rc, const char *failmsg)
{
	struct send_http_result	 res;
	send_http_cb		 cb = r->cb;
	void			*arg = r->arg;
	long			 status = 0;

	memset(&res, 0, sizeof res);
	if (r->easy != NULL)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	send_http_req_detach(r);

	res.transport_ok = failmsg == NULL && rc == CURLE_OK;
	res.status = status;
	if (!res.transport_ok) {
		if (failmsg != NULL)
			res.error = failmsg;
		else if (r->errbuf[0] != '\0')
			res.error = r->errbuf;
		else
			res.error = curl_easy_strerror(rc);
	}
	res.body = r->body != NULL ? r->body : "";
	res.bodylen = r->bodylen;
	res.retry_after = r->has_retry_after ? r->retry_after : NULL;
	log_debug("send-http: done ok=%d status=%ld bytes=%zu%s%s", res.transport_ok,
	    res.status, res.bodylen, res.error != NULL ? " error=" : "",
	    res.error != NULL ? res.error : "");
	cb(&res, arg);
	send_http_req_free(r);
}

/* Deliver every transfer curl has finished. */
static void
send_http_check(struct send_http *sh)
{
	CURLMsg			*msg;
	struct send_http_req	*r;
	char			*priv;
	int			 left;

	while (!sh->dead && (msg = curl_multi_info_read(sh->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		priv = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		if ((r = (struct send_http_req *)priv) == NULL)
			continue;
		send_http_deliver(r, msg->data.result, NULL);
	}
}

/* libevent: a socket curl watches is ready. */
static void
send_http_sock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct send_http_sock	*s = arg;
	struct send_http	*sh = s->sh;
	int			 action = 0, running;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	sh->depth++;
	/* s may be freed from here on (CURL_POLL_REMOVE). */
	curl_multi_socket_action(sh->multi, fd, action, &running);
	send_http_check(sh);
	send_http_leave(sh);
}

/* libevent: curl's timeout expired. */
static void
send_http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct send_http	*sh = arg;
	int			 running;

	sh->depth++;
	curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	send_http_check(sh);
	send_http_leave(sh);
}

/* libevent: a request that failed before curl could run it. */
static void
send_http_fail_cb(evutil_socket_t fd, short what, void *arg)
{
	struct send_http_req	*r = arg;
	struct send_http	*sh = r->sh;

	sh->depth++;
	send_http_deliver(r, CURLE_FAILED_INIT, r->failmsg);
	send_http_leave(sh);
}

static void
send_http_sock_free(struct send_http_sock *s)
{
	LIST_REMOVE(s, entry);
	event_free(s->ev);
	free(s);
}

/*
 * CURLMOPT_SOCKETFUNCTION: watch fd for what curl asks, or stop watching it.
 * Called from inside curl; it must not call back into curl other than
 * curl_multi_assign.
 */
static int
send_http_sock_fn(CURL *easy, curl_socket_t fd, int what, void *arg, void *sockp)
{
	struct send_http	*sh = arg;
	struct send_http_sock	*s = sockp;
	short			 kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			send_http_sock_free(s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->sh = sh;
		s->fd = fd;
		if ((s->ev = event_new(sh->base, fd, kind, send_http_sock_cb, s)) == NULL)
			fatalx("send-http: event_new");
		LIST_INSERT_HEAD(&sh->socks, s, entry);
		curl_multi_assign(sh->multi, fd, s);
	} else {
		event_del(s->ev);
		event_assign(s->ev, sh->base, fd, kind, send_http_sock_cb, s);
	}
	event_add(s->ev, NULL);
	return 0;
}

/*
 * CURLMOPT_TIMERFUNCTION: -1 removes the timer, 0 asks for
 * curl_multi_socket_action soon (from the loop, never from here), anything
 * else is a timeout in milliseconds.
 */
static int
send_http_timer_fn(CURLM *multi, long ms, void *arg)
{
	struct send_http	*sh = arg;
	struct timeval		 tv;

	if (ms < 0) {
		evtimer_del(sh->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(sh->timer, &tv);
	return 0;
}

/* CURLOPT_WRITEFUNCTION: keep the first SEND_HTTP_BODY_MAX bytes, read the rest. */
static size_t
send_http_write_fn(char *data, size_t size, size_t nmemb, void *arg)
{
	struct send_http_req	*r = arg;
	size_t			 len = size * nmemb, take, want;

	take = SEND_HTTP_BODY_MAX - r->bodylen;
	if (take > len)
		take = len;
	if (take == 0)
		return len;
	if (r->bodylen + take + 1 > r->bodysize) {
		want = r->bodysize == 0 ? 1024 : r->bodysize;
		while (want < r->bodylen + take + 1)
			want *= 2;
		if (want > SEND_HTTP_BODY_MAX + 1)
			want = SEND_HTTP_BODY_MAX + 1;
		r->body = xreallocarray(r->body, 1, want);
		r->bodysize = want;
	}
	memcpy(r->body + r->bodylen, data, take);
	r->bodylen += take;
	r->body[r->bodylen] = '\0';
	return len;
}

/*
 * CURLOPT_HEADERFUNCTION: catch Retry-After (RFC 9110 10.2.3), by
 * case-insensitive name. A new status line (an interim 1xx answer before
 * the final one) forgets what an earlier response said.
 */
static size_t
send_http_header_fn(char *data, size_t size, size_t nmemb, void *arg)
{
	static const char	 name[] = "Retry-After:";
	struct send_http_req	*r = arg;
	size_t			 len = size * nmemb, n = sizeof name - 1;
	const char		*v, *end;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		r->has_retry_after = 0;
		return len;
	}
	if (len < n || strncasecmp(data, name, n) != 0)
		return len;
	v = data + n;
	end = data + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	if ((size_t)(end - v) >= sizeof r->retry_after)
		return len;	/* no valid value is that long */
	memcpy(r->retry_after, v, end - v);
	r->retry_after[end - v] = '\0';
	r->has_retry_after = 1;
	return len;
}

/* Set up the easy handle for req; a curl error code if an option was refused. */
static CURLcode
send_http_setup(struct send_http_req *r, const struct send_req *req, int connect_timeout,
    int timeout)
{
	CURL		*e = r->easy;
	CURLcode	 rc = CURLE_OK;
	size_t		 i;

#define SEND_HTTP_SET(opt, val) do {					\
	if (rc == CURLE_OK)						\
		rc = curl_easy_setopt(e, opt, val);			\
} while (0)
	SEND_HTTP_SET(CURLOPT_PRIVATE, r);
	SEND_HTTP_SET(CURLOPT_ERRORBUFFER, r->errbuf);
	SEND_HTTP_SET(CURLOPT_NOSIGNAL, 1L);
	SEND_HTTP_SET(CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85.0 */
	SEND_HTTP_SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SEND_HTTP_SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SEND_HTTP_SET(CURLOPT_FOLLOWLOCATION, 0L);
	SEND_HTTP_SET(CURLOPT_USERAGENT, SEND_HTTP_USERAGENT);
	SEND_HTTP_SET(CURLOPT_WRITEFUNCTION, send_http_write_fn);
	SEND_HTTP_SET(CURLOPT_WRITEDATA, r);
	SEND_HTTP_SET(CURLOPT_HEADERFUNCTION, send_http_header_fn);
	SEND_HTTP_SET(CURLOPT_HEADERDATA, r);
	if (connect_timeout > 0)
		SEND_HTTP_SET(CURLOPT_CONNECTTIMEOUT, (long)connect_timeout);
	if (timeout > 0)
		SEND_HTTP_SET(CURLOPT_TIMEOUT, (long)timeout);
	if (req->post) {
		/* Size first: COPYPOSTFIELDS copies that many bytes (binary safe). */
		SEND_HTTP_SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->bodylen);
		SEND_HTTP_SET(CURLOPT_COPYPOSTFIELDS, req->body != NULL ? req->body : "");
	} else
		SEND_HTTP_SET(CURLOPT_HTTPGET, 1L);
	if (req->userpwd != NULL) {
		SEND_HTTP_SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SEND_HTTP_SET(CURLOPT_USERPWD, req->userpwd);
	}
	for (i = 0; i < req->nheaders && i < SEND_HEADERS_MAX; i++) {
		if (req->headers[i] != NULL)
			r->headers = curl_slist_append(r->headers, req->headers[i]);
	}
	/* No "Expect: 100-continue" wait before a large body. */
	r->headers = curl_slist_append(r->headers, "Expect:");
	if (r->headers == NULL)
		fatalx("send-http: curl_slist_append");
	SEND_HTTP_SET(CURLOPT_HTTPHEADER, r->headers);
#undef SEND_HTTP_SET
	return rc;
}

struct send_http *
send_http_new(struct event_base *base)
{
	struct send_http	*sh;
	CURLcode		 rc;

	if (!send_http_curl_ready) {
		if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
			log_warnx("send-http: curl_global_init: %s", curl_easy_strerror(rc));
			return NULL;
		}
		send_http_curl_ready = 1;
	}
	sh = xcalloc(1, sizeof *sh);
	sh->base = base;
	TAILQ_INIT(&sh->reqs);
	LIST_INIT(&sh->socks);
	if ((sh->multi = curl_multi_init()) == NULL) {
		log_warnx("send-http: curl_multi_init failed");
		free(sh);
		return NULL;
	}
	if ((sh->timer = evtimer_new(base, send_http_timer_cb, sh)) == NULL)
		fatalx("send-http: evtimer_new");
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, send_http_sock_fn);
	curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, send_http_timer_fn);
	curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
	curl_multi_setopt(sh->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)SEND_HTTP_HOST_CONNS);
	return sh;
}

/* Release the multi handle, the sockets and sh itself; no request is left. */
static void
send_http_destroy(struct send_http *sh)
{
	struct send_http_sock	*s;

	/* Closing cached connections may still call the socket and timer functions. */
	curl_multi_cleanup(sh->multi);
	while ((s = LIST_FIRST(&sh->socks)) != NULL)
		send_http_sock_free(s);
	event_free(sh->timer);
	free(sh);
}

void
send_http_free(struct send_http *sh)
{
	struct send_http_req	*r;

	if (sh == NULL || sh->dead)
		return;
	while ((r = TAILQ_FIRST(&sh->reqs)) != NULL) {
		send_http_req_detach(r);
		send_http_req_free(r);
	}
	if (sh->depth > 0) {
		/* Called from a result callback: finish when it returns. */
		sh->dead = 1;
		return;
	}
	send_http_destroy(sh);
}

void
send_http_start(struct send_http *sh, const struct send_req *req, int connect_timeout,
    int timeout, send_http_cb cb, void *arg)
{
	struct send_http_req	*r;
	struct timeval		 now = { 0, 0 };
	CURLcode		 rc;
	CURLMcode		 mrc;

	/* Freed from a result callback that now asks for more: nothing is sent. */
	if (sh->dead)
		return;
	r = xcalloc(1, sizeof *r);
	r->sh = sh;
	r->cb = cb;
	r->arg = arg;
	TAILQ_INSERT_TAIL(&sh->reqs, r, entry);
	sh->nreqs++;

	if (req->url == NULL)
		r->failmsg = "no URL";
	else if ((r->easy = curl_easy_init()) == NULL)
		r->failmsg = "curl_easy_init failed";
	else if ((rc = send_http_setup(r, req, connect_timeout, timeout)) != CURLE_OK)
		r->failmsg = curl_easy_strerror(rc);
	else if ((mrc = curl_multi_add_handle(sh->multi, r->easy)) != CURLM_OK)
		r->failmsg = curl_multi_strerror(mrc);
	if (r->failmsg == NULL) {
		/* curl's timer function now asks for a socket_action from the loop. */
		return;
	}
	log_warnx("send-http: cannot start request: %s", r->failmsg);
	if (r->easy != NULL) {
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	if ((r->fail = evtimer_new(sh->base, send_http_fail_cb, r)) == NULL)
		fatalx("send-http: evtimer_new");
	evtimer_add(r->fail, &now);
}

size_t
send_http_inflight(const struct send_http *sh)
{
	return sh != NULL ? sh->nreqs : 0;
}
