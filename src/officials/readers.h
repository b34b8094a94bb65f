/*
 * readers.h: the officials' heavy reads off the event loop. A small pool
 * of threads (admin.readers), each with its own read-only connection to
 * the database, runs what the loop hands it and hands the result back to
 * the loop, so that no official's query ever holds up a check-in. A
 * statement running past admin.query_timeout is interrupted. At most
 * READERS_QUEUE a reader wait; one token has at most READERS_PER_OWNER
 * reads in flight.
 */
#ifndef READERS_H
#define READERS_H

struct event_base;
struct store;
struct readers;

#define READERS_QUEUE		4	/* reads waiting, per reader thread */
#define READERS_PER_OWNER	4	/* reads in flight of one token */

/* How a read ended, as the loop is told. */
enum readers_end {
	READERS_DONE,		/* run returned its result */
	READERS_TIMEOUT,	/* a statement ran past the query timeout */
	READERS_STOPPED,	/* the daemon stops: never run, or cut short */
};

/* Why a read was not queued. */
enum readers_refusal {
	READERS_OK,
	READERS_FULL,		/* the queue is full */
	READERS_BUSY_OWNER,	/* this token already has its share in flight */
};

/*
 * n threads (at least 1) reading database, each statement interrupted
 * past timeout seconds. NULL and a reason in err when a connection cannot
 * be opened (an in-memory database).
 */
struct readers	*readers_start(struct event_base *, const char *database, int n,
		    int timeout, char *err, size_t errlen);
/* The configuration was replaced: the query timeout from the next read on. */
void		 readers_reload(struct readers *, int timeout);
/*
 * Run run(reader, arg) on a reader thread, then done(arg, rc, end) on the
 * loop, rc what run returned. owner names who asks (a token's name).
 */
enum readers_refusal readers_submit(struct readers *, const char *owner,
		    int (*run)(struct store *, void *),
		    void (*done)(void *, int, enum readers_end), void *arg);
/* An unlinked temporary file beside the database for a read's answer, or -1. */
int		 readers_spool(struct readers *);
/* Reads waiting and running, for a Retry-After. */
int		 readers_pending(struct readers *);
/*
 * Interrupt the reads running and wait for them, then tell every read not yet told
 * (READERS_STOPPED for those never run); close the connections.
 */
void		 readers_stop(struct readers *);

#endif
