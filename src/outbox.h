/*
 * outbox.h: draining the outbox. Each outbound route sends its due rows at
 * its rate (a token bucket) with at most `inflight` requests at once, retries
 * with backoff, and falls back to another route while it is down.
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stdint.h>

struct server;
struct outbox;

/* Requeue rows left "sending" by a previous run and start the route timers. */
struct outbox	*outbox_start(struct server *);
/* New rows were committed: look at the routes now rather than at the next poll. */
void		 outbox_kick(struct outbox *);
/* The configuration was replaced (routes may have changed). */
void		 outbox_reload(struct outbox *);
/*
 * Stop taking rows; requests in flight may finish for up to grace seconds,
 * then what is left goes back to "queued". done runs once nothing is in
 * flight.
 */
void		 outbox_stop(struct outbox *, int grace, void (*done)(void *), void *arg);
void		 outbox_free(struct outbox *);

#endif
