/* httpd.c: what the webhook and admin listeners share about serving HTTP. */
#include <event2/http.h>

#include "checkind.h"
#include "config.h"
#include "httpd.h"
#include "log.h"

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

struct evhttp *
httpd_listen(struct event_base *base, const char *what, const char *listen,
    uint16_t methods, ssize_t max_headers, int timeout,
    void (*cb)(struct evhttp_request *, void *), void *arg)
{
	struct evhttp	*http;
	char		 host[256];
	uint16_t	 port;

	if (config_listen_split(listen, host, sizeof host, &port) == -1) {
		log_warnx("%s: bad listen address \"%s\"", what, listen);
		return NULL;
	}
	if ((http = evhttp_new(base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_allowed_methods(http, methods);
	evhttp_set_max_headers_size(http, max_headers);
	evhttp_set_timeout(http, timeout);
	evhttp_set_gencb(http, cb, arg);
	if (evhttp_bind_socket_with_handle(http, host, port) == NULL) {
		log_warn("%s: cannot listen on %s", what, listen);
		evhttp_free(http);
		return NULL;
	}
	log_info("%s: listening on %s", what, listen);
	return http;
}
