/*
 * admin-thread.c: a request's handler run whole on the store thread
 * (issue 16). admin_thread makes a deferred copy of the request (its
 * token, query, headers, body and URI copied: a reload or a closed
 * connection may free the originals), runs the handler on that copy
 * through inbound_call, keeps what it answers, and sends the kept answer
 * from the loop once the thread is done, or drops it if the client went
 * away (admin_gone). admin_defer and admin_finish serve any request
 * answered after its handler returned, as the heavy reads (admin-read.c).
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "base/base.h"
#include "config/config.h"
#include "core/inbound.h"
#include "send/outbox.h"
#include "officials/admin-req.h"

static void
admin_defer_add(struct admin *adm, struct admin_req *ar)
{
	adm->deferred = xreallocarray(adm->deferred, adm->ndeferred + 1,
	    sizeof *adm->deferred);
	adm->deferred[adm->ndeferred++] = ar;
}

static void
admin_defer_remove(struct admin *adm, struct admin_req *ar)
{
	size_t	i;

	for (i = 0; i < adm->ndeferred; i++) {
		if (adm->deferred[i] == ar) {
			adm->deferred[i] = adm->deferred[--adm->ndeferred];
			return;
		}
	}
}

/*
 * The connection of a request we answer later is going (httpd.c tells):
 * the answer will go nowhere. (When the client hung up, libevent has
 * already detached the request, which then frees itself as it is
 * answered.)
 */
void
admin_gone(struct evhttp_connection *conn, void *arg)
{
	struct admin	*adm = arg;
	size_t		 i;

	for (i = 0; i < adm->ndeferred; i++) {
		if (adm->deferred[i]->req != NULL &&
		    evhttp_request_get_connection(adm->deferred[i]->req) == conn)
			adm->deferred[i]->req = NULL;
	}
}

/*
 * A copy of a request to answer after its handler returned: what it
 * points to that a reload or a closed connection could free (the token,
 * the query string) is copied.
 */
struct admin_req *
admin_defer(struct admin_req *ar)
{
	struct admin_req	*copy;

	copy = xmalloc(sizeof *copy);
	*copy = *ar;
	copy->id = ar->id != NULL ? xstrdup(ar->id) : NULL;
	/* The request may be freed first, if its connection goes. */
	copy->query = xstrdup(ar->query);
	if (ar->token != NULL)
		copy->token = admin_token_copy(ar->token);
	copy->cfg = NULL;	/* may be replaced meanwhile: ask adm->cfg */
	/* What was copied of the request (admin_thread) is the copy's now. */
	ar->in_headers = NULL;
	ar->in_body = NULL;
	ar->uri = NULL;
	ar->out_headers = NULL;
	ar->out_type = NULL;
	ar->out_body = NULL;
	ar->deferred = 1;
	admin_defer_add(ar->adm, copy);
	return copy;
}

/* Free a deferred request, answered or handed to another copy. */
static void
admin_release(struct admin_req *ar)
{
	struct admin_token	*t = (struct admin_token *)(uintptr_t)ar->token;

	admin_defer_remove(ar->adm, ar);
	admin_token_free(t);
	free(ar->id);
	free((char *)(uintptr_t)ar->query);
	if (ar->in_headers != NULL) {
		evhttp_clear_headers(ar->in_headers);
		free(ar->in_headers);
	}
	if (ar->out_headers != NULL) {
		evhttp_clear_headers(ar->out_headers);
		free(ar->out_headers);
	}
	free(ar->in_body);
	free(ar->uri);
	free(ar->out_type);
	free(ar->out_body);
	free(ar);
}

void
admin_finish(struct admin_req *ar)
{
	admin_done(ar);
	admin_release(ar);
}

/* A request's store work on the store thread (admin_thread). */
struct admin_job {
	struct admin_req	*ar;
	int			(*run)(struct admin_req *, void *);
	void			(*answer)(struct admin_req *, void *, int);
	void			*arg;
	int			 ran;
};

/* On the store thread. */
static int
admin_thread_run(struct store *st, const struct config *cfg, void *arg)
{
	struct admin_job	*job = arg;
	struct admin_req	*ar = job->ar;

	ar->st = st;
	ar->cfg = cfg;
	ar->thread = 1;
	job->ran = 1;
	return job->run(ar, job->arg);
}

/* On the loop: the kept answer goes (if the client is still there). */
static void
admin_thread_done(void *arg, int rc)
{
	struct admin_job	*job = arg;
	struct admin_req	*ar = job->ar;
	struct admin		*adm = ar->adm;
	struct evkeyval		*kv;

	ar->thread = 0;
	ar->st = adm->st;
	ar->cfg = adm->cfg;
	if (!job->ran) {
		/*
		 * Never today: admin_stop's flush runs every admin call, and none
		 * is made after it. (An answer's arg would leak here.)
		 */
		ar->status = 0;
		admin_error(ar, 503, "shutting down, retry later");
		admin_finish(ar);
		free(job);
		return;
	}
	if (ar->out_headers != NULL && ar->req != NULL) {
		TAILQ_FOREACH(kv, ar->out_headers, next)
			evhttp_add_header(evhttp_request_get_output_headers(ar->req),
			    kv->key, kv->value);
	}
	if (ar->kick)
		outbox_kick(adm->outbox);
	if (job->answer != NULL)
		job->answer(ar, job->arg, rc);
	if (ar->out_type != NULL)
		admin_send(ar, ar->status, ar->out_type, ar->out_body, ar->out_len);
	if (ar->deferred)
		admin_release(ar);	/* another copy answers */
	else
		admin_finish(ar);
	free(job);
}

/*
 * Run the request's store work on the store thread (inbound_call): a copy
 * of ar with what run reads of the request (headers, body, URI) answers,
 * on the loop once it is done.
 */
void
admin_thread(struct admin_req *ar, int (*run)(struct admin_req *, void *),
    void (*answer)(struct admin_req *, void *, int), void *arg)
{
	struct admin_job	*job;
	struct admin_req	*copy;
	struct evkeyval		*kv;
	const char		*body;
	size_t			 len;
	int			 secure = admin_secure(ar);

	copy = admin_defer(ar);
	copy->secure = secure;
	copy->uri = xstrdup(evhttp_request_get_uri(ar->req));
	body = admin_body_bytes(ar, &len);
	copy->in_body = xmalloc(len + 1);
	memcpy(copy->in_body, body, len);
	copy->in_body[len] = '\0';
	copy->in_bodylen = len;
	copy->in_headers = xcalloc(1, sizeof *copy->in_headers);
	TAILQ_INIT(copy->in_headers);
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(ar->req), next)
		evhttp_add_header(copy->in_headers, kv->key, kv->value);

	job = xcalloc(1, sizeof *job);
	job->ar = copy;
	job->run = run;
	job->answer = answer;
	job->arg = arg;
	inbound_call(ar->adm->inbound, admin_thread_run, admin_thread_done, job);
}
