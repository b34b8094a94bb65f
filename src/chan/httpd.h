/* httpd.h: what the webhook and admin listeners share about serving HTTP. */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct evhttp_connection;
struct evhttp_request;
struct httpd;

/* The reason phrase of a status code ("Not Found"), "Error" for others. */
const char	*httpd_reason(int code);

/* What a listener grants its clients; changed on SIGHUP by httpd_set_limits. */
struct httpd_limits {
	int	max_connections;	/* open at once; the oldest idle one makes room */
	int	timeout;		/* seconds to send a whole request, or to stay idle */
	size_t	max_headers;		/* bytes of the request line and headers */
	size_t	max_body;		/* bytes of a body read at most (libevent answers 413) */
};

/*
 * An HTTP listener on a configured "HOST:PORT" (what names it in logs:
 * "http", "admin"): the methods that reach cb, and limits. gone, if not
 * NULL, learns of a connection that closes while cb's request on it is
 * unanswered. NULL, logged, when the address is bad or taken.
 */
struct httpd	*httpd_listen(struct event_base *, const char *what, const char *listen,
		    uint16_t methods, const struct httpd_limits *,
		    void (*cb)(struct evhttp_request *, void *),
		    void (*gone)(struct evhttp_connection *, void *), void *arg);
void		 httpd_set_limits(struct httpd *, const struct httpd_limits *);
/* Connections open now. */
size_t		 httpd_connections(const struct httpd *);
/* Close the listener and every connection; NULL is ignored. */
void		 httpd_free(struct httpd *);

#endif
