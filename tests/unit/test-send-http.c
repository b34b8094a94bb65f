/*
 * test-send-http.c: outbound HTTP through libcurl's multi-socket interface,
 * against a real evhttp server on the same event base (so every answer the
 * client gets proves the loop kept running while it waited).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "base/base.h"
#include "send/send-http.h"
#include "send/send.h"
#include "unit.h"

#define BODY_MAX	(64 * 1024)	/* what send-http.c keeps of a body */
#define BIG_LEN		(200 * 1024)
#define SLOW_MS		300
#define MANY		200
#define CHAIN		10
#define HUNG_MAX	64		/* > BUSY_CONNS */
#define PORTS_MAX	1024
#define BUSY_CONNS	40		/* requests hanging while another one must go through */

/* What one callback saw. */
struct rec {
	int		 calls;
	int		 in_start;	/* the callback ran inside send_http_start */
	int		 ok;
	long		 status;
	char		*body;
	size_t		 bodylen;
	int		 body_nul;	/* body[bodylen] was NUL */
	char		 retry_after[128];
	int		 has_retry_after;
	char		 error[256];
	int		 has_error;
	size_t		 inflight;	/* send_http_inflight() during the callback */
	struct timeval	 at;
};

static struct event_base	*base;
static struct evhttp		*http;
static struct send_http		*sh;
static int			 port;
static int			 dead_port;
static struct evhttp_request	*hung[HUNG_MAX];
static size_t			 nhung;
static unsigned short		 peers[PORTS_MAX];
static size_t			 npeers;
static int			 in_start;
static int			 done, want;
static struct event		*guard;
static int			 guard_fired;

static double
since(const struct timeval *t0, const struct timeval *t1)
{
	return (t1->tv_sec - t0->tv_sec) + (t1->tv_usec - t0->tv_usec) / 1e6;
}

/* Server side. */

static void
srv_reply(struct evhttp_request *req, int code, const char *body, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	ck_assert_ptr_nonnull(b);
	evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, NULL, b);
	evbuffer_free(b);
}

static void
srv_ok(struct evhttp_request *req)
{
	srv_reply(req, 200, "hello", 5);
}

static void
srv_err(struct evhttp_request *req)
{
	srv_reply(req, 500, "oops", 4);
}

static void
srv_busy(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "7");
	srv_reply(req, 429, "slow down", 9);
}

static void
srv_busy_date(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "rEtRy-aFtEr",
	    "  Wed, 21 Oct 2015 07:28:00 GMT  ");
	srv_reply(req, 503, "", 0);
}

static void
srv_redirect(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/ok");
	srv_reply(req, 302, "moved", 5);
}

static void
srv_empty(struct evhttp_request *req)
{
	evhttp_send_reply(req, 204, NULL, NULL);
}

static void
srv_hang(struct evhttp_request *req)
{
	ck_assert_uint_lt(nhung, HUNG_MAX);
	hung[nhung++] = req;
}

static void
srv_slow_fire(evutil_socket_t fd, short what, void *arg)
{
	srv_ok(arg);
}

static void
srv_slow(struct evhttp_request *req)
{
	struct timeval	tv = { 0, SLOW_MS * 1000 };

	ck_assert_int_eq(event_base_once(base, -1, EV_TIMEOUT, srv_slow_fire, req, &tv), 0);
}

static void
srv_big(struct evhttp_request *req)
{
	char	*big = malloc(BIG_LEN);
	size_t	 i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < BIG_LEN; i++)
		big[i] = 'A' + i % 26;
	srv_reply(req, 200, big, BIG_LEN);
	free(big);
}

static const char *
srv_header(struct evhttp_request *req, const char *name)
{
	const char	*v;

	v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
	return v != NULL ? v : "-";
}

/* Say what arrived: method, URI, a few headers, the body length, then the body. */
static void
srv_echo(struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct evbuffer	*b = evbuffer_new();
	const char	*method;

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		method = "GET";
		break;
	case EVHTTP_REQ_POST:
		method = "POST";
		break;
	default:
		method = "OTHER";
		break;
	}
	evbuffer_add_printf(b, "method=%s\nuri=%s\nauth=%s\nctype=%s\nx-test=%s\n"
	    "expect=%s\nlen=%zu\n", method, evhttp_request_get_uri(req),
	    srv_header(req, "Authorization"), srv_header(req, "Content-Type"),
	    srv_header(req, "X-Test"), srv_header(req, "Expect"),
	    evbuffer_get_length(in));
	evbuffer_add_buffer(b, in);
	evhttp_send_reply(req, 200, NULL, b);
	evbuffer_free(b);
}

static const struct {
	const char	*path;
	void		(*fn)(struct evhttp_request *);
} routes[] = {
	{ "/ok", srv_ok },
	{ "/err", srv_err },
	{ "/busy", srv_busy },
	{ "/busy-date", srv_busy_date },
	{ "/redirect", srv_redirect },
	{ "/empty", srv_empty },
	{ "/hang", srv_hang },
	{ "/slow", srv_slow },
	{ "/big", srv_big },
	{ "/echo", srv_echo },
};

static void
srv_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = evhttp_uri_get_path(uri);
	char			*addr;
	ev_uint16_t		 p;
	size_t			 i;

	evhttp_connection_get_peer(evhttp_request_get_connection(req), &addr, &p);
	for (i = 0; i < npeers && peers[i] != p; i++)
		;
	if (i == npeers && npeers < PORTS_MAX)
		peers[npeers++] = p;
	for (i = 0; i < nitems(routes); i++) {
		if (path != NULL && strcmp(path, routes[i].path) == 0) {
			routes[i].fn(req);
			return;
		}
	}
	srv_reply(req, 404, "no such page", 12);
}

/* Client side. */

static void
rec_cb(const struct send_http_result *res, void *arg)
{
	struct rec	*r = arg;

	r->calls++;
	r->in_start = in_start;
	r->ok = res->transport_ok;
	r->status = res->status;
	free(r->body);
	r->body = malloc(res->bodylen + 1);
	ck_assert_ptr_nonnull(r->body);
	ck_assert_ptr_nonnull(res->body);
	memcpy(r->body, res->body, res->bodylen);
	r->body[res->bodylen] = '\0';
	r->body_nul = res->body[res->bodylen] == '\0';
	r->bodylen = res->bodylen;
	r->has_retry_after = res->retry_after != NULL;
	if (res->retry_after != NULL)
		strlcpy(r->retry_after, res->retry_after, sizeof r->retry_after);
	r->has_error = res->error != NULL;
	if (res->error != NULL)
		strlcpy(r->error, res->error, sizeof r->error);
	r->inflight = send_http_inflight(sh);
	gettimeofday(&r->at, NULL);
	if (++done >= want)
		event_base_loopbreak(base);
}

static void
rec_clear(struct rec *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(r[i].body);
		memset(&r[i], 0, sizeof r[i]);
	}
}

/* Start a request as outbox.c would: the send_req is freed right after. */
static void
start_full(const char *url, int post, const void *body, size_t bodylen,
    const char *const *headers, const char *userpwd, int timeout, send_http_cb cb,
    void *arg)
{
	struct send_req	req;
	size_t		i;

	memset(&req, 0, sizeof req);
	req.url = xstrdup(url);
	req.post = post;
	if (body != NULL) {
		req.body = xmalloc(bodylen + 1);
		memcpy(req.body, body, bodylen);
		req.body[bodylen] = '\0';
		req.bodylen = bodylen;
	}
	for (i = 0; headers != NULL && headers[i] != NULL && i < SEND_HEADERS_MAX; i++)
		req.headers[req.nheaders++] = xstrdup(headers[i]);
	if (userpwd != NULL)
		req.userpwd = xstrdup(userpwd);
	in_start = 1;
	send_http_start(sh, &req, 2, timeout, cb, arg);
	in_start = 0;
	/* The request must not depend on the caller's copy. */
	memset(req.url, 'X', strlen(req.url));
	if (req.body != NULL)
		memset(req.body, 'X', req.bodylen);
	for (i = 0; i < req.nheaders; i++) {
		memset(req.headers[i], 'X', strlen(req.headers[i]));
		free(req.headers[i]);
	}
	free(req.url);
	free(req.body);
	free(req.userpwd);
}

static void
start_path(const char *path, int timeout, struct rec *r)
{
	char	url[128];

	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
	start_full(url, 0, NULL, 0, NULL, NULL, timeout, rec_cb, r);
}

static void
guard_cb(evutil_socket_t fd, short what, void *arg)
{
	guard_fired = 1;
	event_base_loopbreak(base);
}

/* Run the loop until n more callbacks have run or ms have passed; 1 if all ran. */
static int
run(int n, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	done = 0;
	want = n;
	guard_fired = 0;
	evtimer_add(guard, &tv);
	if (n > 0)
		event_base_loop(base, 0);
	else {
		while (!guard_fired)
			event_base_loop(base, EVLOOP_ONCE);
	}
	evtimer_del(guard);
	return done >= n && !guard_fired;
}

/* A port nothing listens on: bound once, then closed. */
static int
closed_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, p;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	p = ntohs(sin.sin_port);
	close(fd);
	return p;
}

static void
setup(void)
{
	struct evhttp_bound_socket	*bound;
	struct sockaddr_in		 sin;
	socklen_t			 len = sizeof sin;

	/* Talk to 127.0.0.1 directly whatever the environment says. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	http = evhttp_new(base);
	ck_assert_ptr_nonnull(http);
	evhttp_set_gencb(http, srv_cb, NULL);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	ck_assert_ptr_nonnull(bound);
	ck_assert_int_eq(getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	ck_assert_int_gt(port, 0);
	dead_port = closed_port();
	guard = evtimer_new(base, guard_cb, NULL);
	ck_assert_ptr_nonnull(guard);
	sh = send_http_new(base);
	ck_assert_ptr_nonnull(sh);
	nhung = 0;
	npeers = 0;
	in_start = 0;
}

static void
teardown(void)
{
	size_t	i;

	if (sh != NULL)
		send_http_free(sh);
	sh = NULL;
	for (i = 0; i < nhung; i++)
		srv_reply(hung[i], 503, "late", 4);
	nhung = 0;
	event_free(guard);
	evhttp_free(http);
	event_base_free(base);
}

/* Answers by status, body and Retry-After. */
static const struct {
	const char	*path;
	long		 status;
	const char	*body;
	const char	*retry_after;	/* NULL: none */
} answers[] = {
	{ "/ok", 200, "hello", NULL },
	{ "/err", 500, "oops", NULL },
	{ "/busy", 429, "slow down", "7" },
	{ "/busy-date", 503, "", "Wed, 21 Oct 2015 07:28:00 GMT" },
	{ "/redirect", 302, "moved", NULL },	/* not followed */
	{ "/empty", 204, "", NULL },
	{ "/nowhere", 404, "no such page", NULL },
	{ "/ok?x=1&y=%20", 200, "hello", NULL },
	{ "/slow", 200, "hello", NULL },
};

START_TEST(test_answers)
{
	struct rec	recs[nitems(answers)];
	size_t		i;

	memset(recs, 0, sizeof recs);
	for (i = 0; i < nitems(answers); i++)
		start_path(answers[i].path, 10, &recs[i]);
	ck_assert_uint_eq(send_http_inflight(sh), nitems(answers));
	ck_assert_int_eq(recs[0].calls, 0);	/* never from inside start */
	ck_assert(run(nitems(answers), 5000));
	for (i = 0; i < nitems(answers); i++) {
		ck_assert_msg(recs[i].calls == 1, "%s: %d calls", answers[i].path,
		    recs[i].calls);
		ck_assert_int_eq(recs[i].in_start, 0);
		ck_assert_msg(recs[i].ok, "%s: %s", answers[i].path, recs[i].error);
		ck_assert_int_eq(recs[i].has_error, 0);
		ck_assert_msg(recs[i].status == answers[i].status, "%s: status %ld",
		    answers[i].path, recs[i].status);
		ck_assert_str_eq(recs[i].body, answers[i].body);
		ck_assert_uint_eq(recs[i].bodylen, strlen(answers[i].body));
		ck_assert(recs[i].body_nul);
		if (answers[i].retry_after == NULL)
			ck_assert_msg(!recs[i].has_retry_after, "%s: Retry-After %s",
			    answers[i].path, recs[i].retry_after);
		else {
			ck_assert(recs[i].has_retry_after);
			ck_assert_str_eq(recs[i].retry_after, answers[i].retry_after);
		}
	}
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	rec_clear(recs, nitems(answers));
}
END_TEST

START_TEST(test_slow)
{
	struct rec	r;
	struct timeval	t0;

	memset(&r, 0, sizeof r);
	gettimeofday(&t0, NULL);
	start_path("/slow", 5, &r);
	ck_assert(run(1, 5000));
	ck_assert(r.ok);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "hello");
	ck_assert_msg(since(&t0, &r.at) >= (SLOW_MS - 20) / 1000.0, "slow after %.3f s",
	    since(&t0, &r.at));
	rec_clear(&r, 1);
}
END_TEST

START_TEST(test_big)
{
	struct rec	r;
	size_t		i;

	memset(&r, 0, sizeof r);
	start_path("/big", 10, &r);
	ck_assert(run(1, 5000));
	ck_assert(r.ok);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.bodylen, BODY_MAX);
	ck_assert(r.body_nul);
	for (i = 0; i < r.bodylen; i++)
		ck_assert_int_eq(r.body[i], 'A' + i % 26);
	rec_clear(&r, 1);
}
END_TEST

/* Transport failures: no HTTP answer, curl's message, and never inside start. */
START_TEST(test_refused)
{
	struct rec	r;
	char		url[128];

	memset(&r, 0, sizeof r);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", dead_port);
	start_full(url, 1, "a=b", 3, NULL, NULL, 5, rec_cb, &r);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.in_start, 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.status, 0);
	ck_assert(r.has_error);
	ck_assert_uint_gt(strlen(r.error), 0);
	ck_assert_uint_eq(r.bodylen, 0);
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	rec_clear(&r, 1);
}
END_TEST

/* Copy s to buf with "PORT" replaced by the server's port. */
static void
with_port(char *buf, size_t size, const char *s)
{
	const char	*p = strstr(s, "PORT");

	if (p == NULL)
		snprintf(buf, size, "%s", s);
	else
		snprintf(buf, size, "%.*s%d%s", (int)(p - s), s, port, p + 4);
}

/* URLs that give no HTTP answer: only http and https are allowed at all. */
static const char *bad_urls[] = {
	"ftp://127.0.0.1:PORT/",
	"file:///etc/passwd",
	"gopher://127.0.0.1:PORT/",
	"dict://127.0.0.1:PORT/",
	"telnet://127.0.0.1:PORT/",
	"not a url at all",
	"",
	"http://",
	"http://[::1/",
	"HTTP-but-not://127.0.0.1:PORT/",
	"scp://127.0.0.1:PORT/",
	"https://127.0.0.1:PORT/",	/* allowed, but no TLS there */
};

START_TEST(test_bad_url)
{
	struct rec	r;
	char		url[128];

	memset(&r, 0, sizeof r);
	with_port(url, sizeof url, bad_urls[_i]);
	start_full(url, 0, NULL, 0, NULL, NULL, 5, rec_cb, &r);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.in_start, 0);
	ck_assert_msg(r.ok == 0, "%s was fetched", url);
	ck_assert(r.has_error);
	ck_assert_uint_gt(strlen(r.error), 0);
	ck_assert_int_eq(npeers, 0);	/* nothing reached the server */
	rec_clear(&r, 1);
}
END_TEST

/* An option curl refuses (a URL over its 8 MB limit): still answered from the loop. */
START_TEST(test_refused_option)
{
	struct rec	r;
	char		*url;
	size_t		 len = 9 * 1000 * 1000;

	memset(&r, 0, sizeof r);
	url = malloc(len + 1);
	ck_assert_ptr_nonnull(url);
	memcpy(url, "http://127.0.0.1/", 17);
	memset(url + 17, 'a', len - 17);
	url[len] = '\0';
	start_full(url, 0, NULL, 0, NULL, NULL, 5, rec_cb, &r);
	free(url);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
	ck_assert(run(1, 2000));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.in_start, 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert(r.has_error);
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	rec_clear(&r, 1);
}
END_TEST

START_TEST(test_timeout)
{
	struct rec	r;
	struct timeval	t0;
	double		took;

	memset(&r, 0, sizeof r);
	gettimeofday(&t0, NULL);
	start_path("/hang", 1, &r);
	ck_assert(run(1, 5000));
	took = since(&t0, &r.at);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.ok, 0);
	ck_assert(r.has_error);
	ck_assert_msg(took >= 0.9 && took < 2.5, "timed out after %.3f s", took);
	ck_assert_uint_eq(nhung, 1);	/* the request did reach the server */
	rec_clear(&r, 1);
}
END_TEST

static void
tick_cb(evutil_socket_t fd, short what, void *arg)
{
	gettimeofday(arg, NULL);
	event_base_loopbreak(base);
}

/* A timer fires on time while a request hangs: nothing blocks the loop. */
START_TEST(test_loop_not_blocked)
{
	struct rec	 r;
	struct timeval	 t0, t1 = { 0, 0 }, tv = { 0, 50 * 1000 };
	struct event	*tick;
	double		 took;
	int		 i;

	memset(&r, 0, sizeof r);
	start_path("/hang", 10, &r);
	/* Let the request reach the server first. */
	for (i = 0; i < 200 && nhung == 0; i++)
		event_base_loop(base, EVLOOP_ONCE);
	ck_assert_uint_eq(nhung, 1);
	tick = evtimer_new(base, tick_cb, &t1);
	ck_assert_ptr_nonnull(tick);
	gettimeofday(&t0, NULL);
	evtimer_add(tick, &tv);
	event_base_loop(base, 0);
	took = since(&t0, &t1);
	event_free(tick);
	ck_assert_msg(took >= 0.045 && took < 0.5, "50 ms timer fired after %.3f s", took);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
}
END_TEST

/* Many requests at once: each callback exactly once. */
START_TEST(test_many)
{
	static struct rec	recs[MANY];
	size_t			i;

	memset(recs, 0, sizeof recs);
	for (i = 0; i < MANY; i++)
		start_path(i % 5 == 0 ? "/err" : "/ok", 20, &recs[i]);
	ck_assert_uint_eq(send_http_inflight(sh), MANY);
	ck_assert(run(MANY, 20000));
	/* Nothing more arrives later. */
	ck_assert(!run(1, 200));
	for (i = 0; i < MANY; i++) {
		ck_assert_int_eq(recs[i].calls, 1);
		ck_assert(recs[i].ok);
		ck_assert_int_eq(recs[i].status, i % 5 == 0 ? 500 : 200);
		ck_assert_str_eq(recs[i].body, i % 5 == 0 ? "oops" : "hello");
	}
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	ck_assert_uint_ge(npeers, 1);
	ck_assert_uint_le(npeers, MANY);
	rec_clear(recs, MANY);
}
END_TEST

/*
 * With many requests hanging on one host, a new one still gets a connection
 * of its own at once: curl must not hold it back (its timeout would run out
 * while it waits).
 */
START_TEST(test_busy_host)
{
	static struct rec	recs[BUSY_CONNS + 1];
	struct timeval		t0;
	size_t			i;

	memset(recs, 0, sizeof recs);
	for (i = 0; i < BUSY_CONNS; i++)
		start_path("/hang", 10, &recs[i]);
	gettimeofday(&t0, NULL);
	start_path("/ok", 1, &recs[BUSY_CONNS]);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(recs[BUSY_CONNS].calls, 1);
	ck_assert_msg(recs[BUSY_CONNS].ok, "%s", recs[BUSY_CONNS].error);
	ck_assert_int_eq(recs[BUSY_CONNS].status, 200);
	ck_assert(since(&t0, &recs[BUSY_CONNS].at) < 1.0);
	for (i = 0; i < BUSY_CONNS; i++)
		ck_assert_int_eq(recs[i].calls, 0);
	ck_assert_uint_eq(send_http_inflight(sh), BUSY_CONNS);
	rec_clear(recs, BUSY_CONNS + 1);
}
END_TEST

static struct rec	chain[CHAIN];
static int		chain_n;

/* Each answer starts the next request from inside its callback. */
static void
chain_cb(const struct send_http_result *res, void *arg)
{
	char	url[128];

	rec_cb(res, arg);
	if (++chain_n < CHAIN) {
		snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", port);
		start_full(url, 0, NULL, 0, NULL, NULL, 5, chain_cb, &chain[chain_n]);
		ck_assert_uint_eq(send_http_inflight(sh), 1);
	}
}

START_TEST(test_chain)
{
	char	url[128];
	int	i;

	memset(chain, 0, sizeof chain);
	chain_n = 0;
	snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", port);
	start_full(url, 0, NULL, 0, NULL, NULL, 5, chain_cb, &chain[0]);
	ck_assert(run(CHAIN, 5000));
	for (i = 0; i < CHAIN; i++) {
		ck_assert_int_eq(chain[i].calls, 1);
		ck_assert_int_eq(chain[i].in_start, 0);
		ck_assert(chain[i].ok);
		ck_assert_str_eq(chain[i].body, "hello");
		ck_assert_uint_eq(chain[i].inflight, 0);	/* its own is gone */
	}
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	/* One connection, reused for every request. */
	ck_assert_uint_eq(npeers, 1);
	rec_clear(chain, CHAIN);
}
END_TEST

/* POST body (binary), headers and basic auth reach the server intact. */
static const struct {
	int		 post;
	const char	*path;
	const char	*body;
	size_t		 bodylen;
	const char	*headers[SEND_HEADERS_MAX + 1];
	const char	*userpwd;
	const char	*want;		/* the echo, up to and including len= */
} echoes[] = {
	{ 1, "/echo", "from=%2B84912345678&text=hello", 30,
	    { "Content-Type: application/x-www-form-urlencoded", "X-Test: one", NULL },
	    "user:pa:ss",
	    "method=POST\nuri=/echo\nauth=Basic dXNlcjpwYTpzcw==\n"
	    "ctype=application/x-www-form-urlencoded\nx-test=one\nexpect=-\nlen=30\n" },
	{ 1, "/echo", "{\"to\":\"+84912345678\",\"text\":\"xin ch\xc3\xa0o\"}", 40,
	    { "Content-Type: application/json", "Authorization: Bearer t0k", NULL }, NULL,
	    "method=POST\nuri=/echo\nauth=Bearer t0k\nctype=application/json\n"
	    "x-test=-\nexpect=-\nlen=40\n" },
	{ 1, "/echo", "a\0b\0c", 5, { "Content-Type: application/octet-stream", NULL },
	    "gw:p@ss w0rd",
	    "method=POST\nuri=/echo\nauth=Basic Z3c6cEBzcyB3MHJk\n"
	    "ctype=application/octet-stream\nx-test=-\nexpect=-\nlen=5\n" },
	{ 1, "/echo", NULL, 0, { NULL }, NULL,
	    "method=POST\nuri=/echo\nauth=-\nctype=application/x-www-form-urlencoded\n"
	    "x-test=-\nexpect=-\nlen=0\n" },
	{ 0, "/echo?username=gw&to=%2B84912345678&text=a%20b", NULL, 0,
	    { "X-Test: get", NULL }, NULL,
	    "method=GET\nuri=/echo?username=gw&to=%2B84912345678&text=a%20b\nauth=-\n"
	    "ctype=-\nx-test=get\nexpect=-\nlen=0\n" },
	{ 1, "/echo", NULL, 0, { "X-Test: a", "X-Other: b", "X-Third: c", "X-Fourth: d",
	    "X-Fifth: e", "X-Test2: f", NULL }, "u:",
	    "method=POST\nuri=/echo\nauth=Basic dTo=\n"
	    "ctype=application/x-www-form-urlencoded\nx-test=a\nexpect=-\nlen=0\n" },
};

START_TEST(test_echo)
{
	struct rec	 r;
	char		 url[256];
	static char	 big[2 * 1024 * 1024];	/* over curl's 100-continue threshold (1 MB) */
	const void	*body = echoes[_i].body;
	size_t		 bodylen = echoes[_i].bodylen, wlen = strlen(echoes[_i].want);

	memset(&r, 0, sizeof r);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, echoes[_i].path);
	start_full(url, echoes[_i].post, body, bodylen, echoes[_i].headers,
	    echoes[_i].userpwd, 5, rec_cb, &r);
	ck_assert(run(1, 5000));
	ck_assert_msg(r.ok, "%s", r.error);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.bodylen, wlen + bodylen);
	ck_assert_msg(memcmp(r.body, echoes[_i].want, wlen) == 0, "echo:\n%s", r.body);
	if (bodylen > 0)
		ck_assert(memcmp(r.body + wlen, body, bodylen) == 0);
	rec_clear(&r, 1);

	/* A large body goes at once, without waiting for "100 Continue". */
	memset(big, 'z', sizeof big);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/echo", port);
	start_full(url, 1, big, sizeof big, NULL, NULL, 5, rec_cb, &r);
	ck_assert(run(1, 5000));
	ck_assert(r.ok);
	ck_assert_msg(strstr(r.body, "expect=-\nlen=2097152\n") != NULL, "echo:\n%.300s",
	    r.body);
	ck_assert_uint_eq(r.bodylen, BODY_MAX);
	rec_clear(&r, 1);
}
END_TEST

/* Freeing with requests in flight calls nobody (ASan checks the leaks). */
START_TEST(test_free_inflight)
{
	struct rec	recs[8];
	char		url[128];
	int		before[8];
	size_t		i;

	memset(recs, 0, sizeof recs);
	start_path("/hang", 10, &recs[0]);
	start_path("/hang", 10, &recs[1]);
	start_path("/slow", 10, &recs[2]);
	start_path("/slow", 10, &recs[3]);
	start_path("/big", 10, &recs[4]);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", dead_port);
	start_full(url, 0, NULL, 0, NULL, NULL, 10, rec_cb, &recs[5]);
	start_full("ftp://127.0.0.1/", 0, NULL, 0, NULL, NULL, 10, rec_cb, &recs[6]);
	start_path("/echo", 10, &recs[7]);
	ck_assert_uint_eq(send_http_inflight(sh), 8);
	/* A few loop turns so connections are open (the quick failures may be done). */
	for (i = 0; i < 3; i++)
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	ck_assert_int_eq(recs[0].calls + recs[1].calls, 0);
	ck_assert_uint_ge(send_http_inflight(sh), 2);
	for (i = 0; i < nitems(recs); i++)
		before[i] = recs[i].calls;
	send_http_free(sh);
	sh = NULL;
	ck_assert(!run(1, 600));
	for (i = 0; i < nitems(recs); i++)
		ck_assert_int_eq(recs[i].calls, before[i]);
	rec_clear(recs, nitems(recs));
}
END_TEST

/* Freeing right after starting, before the loop ever ran. */
START_TEST(test_free_at_once)
{
	struct rec	r;

	memset(&r, 0, sizeof r);
	start_path("/ok", 10, &r);
	send_http_free(sh);
	sh = NULL;
	ck_assert(!run(1, 200));
	ck_assert_int_eq(r.calls, 0);
	ck_assert_uint_eq(send_http_inflight(NULL), 0);
}
END_TEST

static struct rec	free_recs[4];

static void
free_cb(const struct send_http_result *res, void *arg)
{
	rec_cb(res, arg);
	send_http_free(sh);
	sh = NULL;
}

/* A callback may free the sender it is called from; the rest are cancelled. */
START_TEST(test_free_from_callback)
{
	char	url[128];
	int	i;

	memset(free_recs, 0, sizeof free_recs);
	/* Two answers that may arrive in the same loop turn. */
	snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", port);
	start_full(url, 0, NULL, 0, NULL, NULL, 5, free_cb, &free_recs[0]);
	start_full(url, 0, NULL, 0, NULL, NULL, 5, free_cb, &free_recs[1]);
	start_path("/hang", 5, &free_recs[2]);
	start_path("/slow", 5, &free_recs[3]);
	ck_assert(run(1, 5000));
	ck_assert_ptr_null(sh);
	ck_assert(!run(1, 600));
	ck_assert_int_eq(free_recs[0].calls + free_recs[1].calls, 1);
	ck_assert_int_eq(free_recs[2].calls, 0);
	ck_assert_int_eq(free_recs[3].calls, 0);
	for (i = 0; i < 4; i++)
		free(free_recs[i].body);
}
END_TEST

/* send_http_inflight follows starts and completions. */
START_TEST(test_inflight)
{
	struct rec	recs[3];

	memset(recs, 0, sizeof recs);
	ck_assert_uint_eq(send_http_inflight(sh), 0);
	start_path("/ok", 5, &recs[0]);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
	start_path("/slow", 5, &recs[1]);
	start_path("/hang", 5, &recs[2]);
	ck_assert_uint_eq(send_http_inflight(sh), 3);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(recs[0].calls, 1);
	ck_assert_uint_eq(recs[0].inflight, 2);
	ck_assert_uint_eq(send_http_inflight(sh), 2);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(recs[1].calls, 1);
	ck_assert_uint_eq(recs[1].inflight, 1);
	ck_assert_uint_eq(send_http_inflight(sh), 1);
	ck_assert_int_eq(recs[2].calls, 0);
	rec_clear(recs, 3);
}
END_TEST

/* Two senders on one base do not disturb each other. */
START_TEST(test_two_senders)
{
	struct send_http	*other, *mine = sh;
	struct rec		 a, b;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	other = send_http_new(base);
	ck_assert_ptr_nonnull(other);
	start_path("/ok", 5, &a);
	sh = other;
	start_path("/hang", 5, &b);
	ck_assert(run(1, 5000));
	ck_assert_int_eq(a.calls, 1);
	ck_assert(a.ok);
	ck_assert_uint_eq(send_http_inflight(other), 1);
	send_http_free(other);
	sh = mine;
	ck_assert(!run(1, 300));
	ck_assert_int_eq(b.calls, 0);
	rec_clear(&a, 1);
	rec_clear(&b, 1);
}
END_TEST

static Suite *
send_http_suite(void)
{
	Suite	*s = suite_create("send-http");
	TCase	*tc;

	tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_answers);
	tcase_add_test(tc, test_slow);
	tcase_add_test(tc, test_big);
	tcase_add_loop_test(tc, test_echo, 0, nitems(echoes));
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_refused);
	tcase_add_loop_test(tc, test_bad_url, 0, nitems(bad_urls));
	tcase_add_test(tc, test_refused_option);
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("loop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_loop_not_blocked);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_busy_host);
	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_inflight);
	tcase_add_test(tc, test_two_senders);
	suite_add_tcase(s, tc);

	tc = tcase_create("free");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_free_inflight);
	tcase_add_test(tc, test_free_at_once);
	tcase_add_test(tc, test_free_from_callback);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(send_http_suite());
}
