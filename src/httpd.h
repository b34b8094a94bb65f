/* httpd.h: what the webhook and admin listeners share about serving HTTP. */
#ifndef HTTPD_H
#define HTTPD_H

#include <stdint.h>
#include <sys/types.h>

struct event_base;
struct evhttp;
struct evhttp_request;

/* The reason phrase of a status code ("Not Found"), "Error" for others. */
const char	*httpd_reason(int code);

/*
 * An evhttp listening on a configured "HOST:PORT" (what names it in logs:
 * "http", "admin"): the methods that reach cb, a header size limit and a
 * timeout per request. NULL, logged, when the address is bad or taken.
 */
struct evhttp	*httpd_listen(struct event_base *, const char *what, const char *listen,
		    uint16_t methods, ssize_t max_headers, int timeout,
		    void (*cb)(struct evhttp_request *, void *), void *arg);

#endif
