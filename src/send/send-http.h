/*
 * send-http.h: HTTP requests on the event loop, through libcurl's
 * multi-socket interface (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION
 * driven by libevent, the structure of curl's hiperfifo example).
 * Connections are reused between requests to the same host.
 */
#ifndef SEND_HTTP_H
#define SEND_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct send_req;
struct send_http;

/* The outcome of one request. */
struct send_http_result {
	int		 transport_ok;	/* 0: no HTTP answer (connect error, timeout, reset) */
	const char	*error;		/* curl's message when !transport_ok */
	long		 status;	/* HTTP status */
	const char	*body;		/* response body (NUL-terminated), valid during the callback */
	size_t		 bodylen;
	const char	*retry_after;	/* the Retry-After header, or NULL */
};

typedef void (*send_http_cb)(const struct send_http_result *, void *arg);

struct send_http *send_http_new(struct event_base *);
/* Cancel every request in flight (their callbacks are not called) and free. */
void	send_http_free(struct send_http *);
/*
 * Start a request; the callback runs exactly once, from the event loop,
 * never from inside this call. Response bodies are cut at 64 kB.
 */
void	send_http_start(struct send_http *, const struct send_req *, int connect_timeout,
	    int timeout, send_http_cb, void *arg);
/* Requests in flight. */
size_t	send_http_inflight(const struct send_http *);

#endif
