/*
 * outbox.h: draining the outbox. Each outbound route sends its due rows at
 * its rate (a token bucket) with at most `inflight` requests at once, retries
 * with backoff, and falls back to another route while it is down.
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stdint.h>

#include "send/send.h"

struct event_base;
struct store;
struct config;
struct outbox;
struct outbox_job;
struct outbox_msg;
struct inbound;

/*
 * Requeue rows left "sending" by a previous run (on st, before the loop
 * runs) and start the route timers. Every later store call runs on the
 * store thread of inb (inbound_call).
 */
struct outbox	*outbox_start(struct event_base *, struct store *, const struct config *,
		    struct inbound *);
/* New rows were committed: look at the routes now rather than at the next poll. */
void		 outbox_kick(struct outbox *);
/* The configuration was replaced (routes may have changed). */
void		 outbox_reload(struct outbox *, const struct config *);
/*
 * Stop taking rows; requests in flight may finish for up to grace seconds,
 * then what is left goes back to "queued". done runs once nothing is in
 * flight.
 */
void		 outbox_stop(struct outbox *, int grace, void (*done)(void *), void *arg);
void		 outbox_free(struct outbox *);

/*
 * A sender that is not an HTTP request (an SMPP bind, a GSM modem),
 * attached by its channel under its route's name. The route's rate and
 * inflight (the SMPP window) still apply; rows wait while it is not ready.
 */
struct outbox_channel {
	/* 1 if it can take a message now (bound; modem initialised; not throttled). */
	int	(*ready)(void *arg);
	/*
	 * Start sending m; m and its text are valid during the call only (copy
	 * what is kept). m->text may need several SMS: the channel splits it.
	 * outbox_job_done(job, ...) must follow exactly once, later or from
	 * inside this call.
	 */
	void	(*send)(void *arg, const struct outbox_msg *m, struct outbox_job *job);
	void	*arg;
};

/* Attach (copying *ch) or detach a channel's sender; call outbox_kick when it becomes ready. */
void	outbox_attach(struct outbox *, const char *route, const struct outbox_channel *ch);
void	outbox_detach(struct outbox *, const char *route);
/*
 * What became of a channel's message: ext_id is its id at the route (of
 * the first part when it took several; NULL if none), err a one-line
 * reason for RETRY and FAIL, retry_after the seconds to wait at least
 * before the next attempt (0: the backoff decides).
 */
void	outbox_job_done(struct outbox_job *, enum send_verdict, const char *ext_id,
	    const char *err, int retry_after);

#endif
