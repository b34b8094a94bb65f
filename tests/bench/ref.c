/*
 * ref.c: the benchmark's reference server, the ceiling of this machine.
 *
 * The same libevent evhttp as checkind, on 127.0.0.1:PORT, answering every
 * POST /sms/json with 200 and {"replies":["ok"]} after reading (and
 * ignoring) the body: no parsing, no database, no work. Whatever checkind
 * loses against it in the same run is checkind's own cost.
 *
 * Built and run by scripts/bench only:
 *	cc -O2 -o ref ref.c $(pkg-config --cflags --libs libevent)
 *	./ref PORT
 * SIGTERM or SIGINT ends it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define REF_BODY	"{\"replies\":[\"ok\"]}"
#define REF_PATH	"/sms/json"
#define REF_MAX_BODY	16384	/* as checkind's http.max_body default */

static struct evbuffer	*ref_reply;

/* Answer a request: 200 and the fixed JSON to POST /sms/json, 404 else. */
static void
ref_request(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path;
	struct evbuffer		*in = evhttp_request_get_input_buffer(req);

	(void)arg;
	/* Read the body as a real handler would, then drop it. */
	evbuffer_drain(in, evbuffer_get_length(in));

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || strcmp(path, REF_PATH) != 0 ||
	    evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_send_error(req, 404, "Not Found");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	/* evhttp_send_reply drains the buffer it is given: send a copy. */
	evhttp_send_reply(req, 200, "OK", ref_reply);
	evbuffer_add(ref_reply, REF_BODY, sizeof REF_BODY - 1);
}

static void
ref_signal(evutil_socket_t sig, short what, void *arg)
{
	struct event_base	*base = arg;

	(void)sig;
	(void)what;
	event_base_loopexit(base, NULL);
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*term, *intr;
	char			*end;
	long			 port;

	if (argc != 2) {
		fprintf(stderr, "usage: ref PORT\n");
		return 2;
	}
	port = strtol(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
		fprintf(stderr, "ref: bad port: %s\n", argv[1]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);

	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL ||
	    (ref_reply = evbuffer_new()) == NULL) {
		fprintf(stderr, "ref: out of memory\n");
		return 1;
	}
	evbuffer_add(ref_reply, REF_BODY, sizeof REF_BODY - 1);
	evhttp_set_max_body_size(http, REF_MAX_BODY);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, ref_request, NULL);
	if (evhttp_bind_socket(http, "127.0.0.1", (unsigned short)port) != 0) {
		fprintf(stderr, "ref: cannot listen on 127.0.0.1:%ld\n", port);
		return 1;
	}

	term = evsignal_new(base, SIGTERM, ref_signal, base);
	intr = evsignal_new(base, SIGINT, ref_signal, base);
	if (term == NULL || intr == NULL || event_add(term, NULL) != 0 ||
	    event_add(intr, NULL) != 0) {
		fprintf(stderr, "ref: cannot catch signals\n");
		return 1;
	}

	event_base_dispatch(base);

	event_free(term);
	event_free(intr);
	evhttp_free(http);
	evbuffer_free(ref_reply);
	event_base_free(base);
	return 0;
}
