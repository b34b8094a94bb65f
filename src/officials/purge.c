/*
 * purge.c: retention, off the event loop. A thread with its own connection
 * to the database deletes the personal rows older than retention_days
 * every purge.interval seconds (and shortly after start), one short
 * transaction at a time, pausing between them so that the store thread's
 * writes always find the lock free soon: first the days of check-ins and
 * messages wholly past the limit, a day's table dropped whole a
 * transaction (the store's day tables: about 0.1 s of write lock for a
 * million check-ins on SQLite), then the other rows in chunks along the
 * time indexes. A chunk grows or shrinks so that its transaction holds
 * the write lock about PURGE_TXN_MS. The thread calls again until a call
 * deletes nothing; the loop only counts what it deleted into the metrics.
 * Without a connection of its own (an in-memory database) the purge runs
 * on the loop in chunks as small as PURGE_LOOP_CHUNK (a day's table still
 * goes whole there).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "store/store.h"
#include "core/metrics.h"
#include "officials/purge.h"

#define PURGE_FIRST_DELAY	1	/* seconds after start before the first purge */
#define PURGE_RETRY_DELAY	5	/* seconds before trying again after a storage error */
#define PURGE_TXN_MS		10.0	/* the write lock one chunk may hold */
#define PURGE_GAP_MS		1	/* the lock left free between two chunks */
#define PURGE_CHUNK_START	500
#define PURGE_CHUNK_MIN		50
#define PURGE_CHUNK_MAX		50000
#define PURGE_LOOP_CHUNK	64	/* rows a chunk on the loop deletes */
#define PURGE_COUNT_MS		500	/* the loop takes the thread's count this often */
#define PURGE_BUSY_MS		5000	/* the thread may wait this long for the lock */

struct purge {
	struct store		*st;		/* the loop's: only without a thread */
	struct store		*own;		/* the thread's connection, or NULL */
	const struct config	*cfg;		/* the loop's view: purge_reload */
	struct event		*timer;		/* counts, or the loop's own chunks */

	pthread_t		 tid;
	int			 started;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 stop;
	int			 retention_days;	/* the thread's copies */
	int			 interval;
	int			 durable;
	int64_t			 uncounted;	/* deleted, not yet in the metrics */

	/* A purge on the loop (no thread). */
	int			 running;
	int64_t			 before;
	int64_t			 deleted;
	int			 chunks;
	double			 longest_ms;
};

/*
 * Keep a chunk's transaction near PURGE_TXN_MS: scale in proportion to
 * the last one's time, at most doubling.
 */
static int
purge_adapt(int chunk, double ms)
{
	double	next;

	if (ms < 0.1)
		ms = 0.1;
	next = (double)chunk * PURGE_TXN_MS / ms;
	if (next > chunk * 2.0)
		next = chunk * 2.0;
	if (next < PURGE_CHUNK_MIN)
		next = PURGE_CHUNK_MIN;
	if (next > PURGE_CHUNK_MAX)
		next = PURGE_CHUNK_MAX;
	return (int)next;
}

/* Sleep ms on the condition, or less if stopped: 1 if stopped. */
static int
purge_wait(struct purge *p, int ms)
{
	struct timespec	ts;
	int		stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->mu);
	while (!p->stop && pthread_cond_timedwait(&p->cv, &p->mu, &ts) != ETIMEDOUT)
		;
	stop = p->stop;
	pthread_mutex_unlock(&p->mu);
	return stop;
}

/*
 * Begin a chunk's transaction. The thread's connection does not wait in
 * SQLite's busy handler, whose sleeps grow to 100 ms and would leave the
 * lock to the loop's commits for ever under load: it tries again every
 * millisecond, for PURGE_BUSY_MS at most. 0 begun, -1 failed or stopped.
 */
static int
purge_begin(struct purge *p)
{
	double	until = num_mono() + PURGE_BUSY_MS / 1e3;
	int	rc;

	while ((rc = store_begin_try(p->own)) == 1) {
		if (num_mono() > until || purge_wait(p, 1))
			return -1;
	}
	return rc;
}

/* One whole purge on the thread: 0 done (or stopped), -1 a storage error. */
static int
purge_once(struct purge *p)
{
	int64_t	 before, n, deleted = 0;
	double	 t0, start, ms, longest = 0, wall;
	int	 chunk = PURGE_CHUNK_START, chunks = 0, days, durable;

	pthread_mutex_lock(&p->mu);
	days = p->retention_days;
	durable = p->durable;
	pthread_mutex_unlock(&p->mu);
	before = (int64_t)time(NULL) - (int64_t)days * 86400;
	start = num_mono();
	/* A purge lost in a crash is simply done again: no need to wait for the disk. */
	store_set_durable(p->own, 0);
	for (;;) {
		t0 = num_mono();
		if (purge_begin(p) == -1 ||
		    store_purge(p->own, before, chunk, 0, &n) == -1 ||
		    store_commit(p->own) == -1) {
			store_rollback(p->own);
			store_set_durable(p->own, durable);
			return -1;
		}
		ms = (num_mono() - t0) * 1e3;
		if (ms > longest)
			longest = ms;
		chunks++;
		deleted += n;
		pthread_mutex_lock(&p->mu);
		p->uncounted += n;
		pthread_mutex_unlock(&p->mu);
		if (n == 0)
			break;		/* nothing older is left */
		chunk = purge_adapt(chunk, ms);
		if (purge_wait(p, PURGE_GAP_MS))
			break;
	}
	store_set_durable(p->own, durable);
	wall = num_mono() - start;
	log_info("purge: deleted=%lld chunks=%d longest_ms=%.1f retention_days=%d"
	    " seconds=%.2f rows_per_s=%.0f", (long long)deleted, chunks, longest,
	    days, wall, wall > 0 ? (double)deleted / wall : 0);
	return 0;
}

static void *
purge_main(void *arg)
{
	struct purge	*p = arg;
	int		 wait = PURGE_FIRST_DELAY * 1000, interval, stop;

	while (!purge_wait(p, wait)) {
		pthread_mutex_lock(&p->mu);
		interval = p->interval;
		pthread_mutex_unlock(&p->mu);
		if (purge_once(p) == -1) {
			pthread_mutex_lock(&p->mu);
			stop = p->stop;
			pthread_mutex_unlock(&p->mu);
			if (stop)
				break;		/* stopped while it waited */
			log_warnx("purge: storage busy or failing, trying again in %d s",
			    PURGE_RETRY_DELAY);
			wait = PURGE_RETRY_DELAY * 1000;
		} else
			wait = interval * 1000;
	}
	return NULL;
}

static void
purge_later(struct purge *p, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(p->timer, &tv);
}

/* The loop: what the thread deleted, into the metrics. */
static void
purge_count(evutil_socket_t fd, short events, void *arg)
{
	struct purge	*p = arg;
	int64_t		 n;

	(void)fd;
	(void)events;
	pthread_mutex_lock(&p->mu);
	n = p->uncounted;
	p->uncounted = 0;
	pthread_mutex_unlock(&p->mu);
	if (n > 0)
		metrics_add(METRIC_PURGED, NULL, NULL, (double)n);
	purge_later(p, PURGE_COUNT_MS);
}

/* Without a thread: one small chunk on the loop, then the next. */
static void
purge_run(evutil_socket_t fd, short events, void *arg)
{
	struct purge		*p = arg;
	const struct config	*cfg = p->cfg;
	struct store		*st = p->st;
	int64_t			 n = 0;
	double			 t0, ms;

	(void)fd;
	(void)events;
	if (!p->running) {
		p->running = 1;
		p->before = (int64_t)time(NULL) - (int64_t)cfg->retention_days * 86400;
		p->deleted = 0;
		p->chunks = 0;
		p->longest_ms = 0;
	}
	t0 = num_mono();
	store_set_durable(st, 0);
	if (store_begin(st) == -1 ||
	    store_purge(st, p->before, PURGE_LOOP_CHUNK, 0, &n) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		store_set_durable(st, cfg->durable);
		log_warnx("purge: storage busy or failing, trying again in %d s",
		    PURGE_RETRY_DELAY);
		purge_later(p, PURGE_RETRY_DELAY * 1000);
		return;
	}
	store_set_durable(st, cfg->durable);
	ms = (num_mono() - t0) * 1e3;
	if (ms > p->longest_ms)
		p->longest_ms = ms;
	p->chunks++;
	p->deleted += n;
	if (n > 0) {
		metrics_add(METRIC_PURGED, NULL, NULL, (double)n);
		purge_later(p, 0);
		return;
	}
	p->running = 0;
	log_info("purge: deleted=%lld chunks=%d longest_ms=%.1f retention_days=%d",
	    (long long)p->deleted, p->chunks, p->longest_ms, cfg->retention_days);
	purge_later(p, cfg->purge_interval * 1000);
}

struct purge *
purge_start(struct event_base *base, struct store *st, const struct config *cfg)
{
	struct purge	*p;
	char		 err[256];

	p = xcalloc(1, sizeof *p);
	p->st = st;
	p->cfg = cfg;
	p->retention_days = cfg->retention_days;
	p->interval = cfg->purge_interval;
	p->durable = cfg->durable;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if ((p->own = store_open(cfg->database, err, sizeof err)) != NULL) {
		/* purge_begin waits for the lock itself. */
		store_set_busy_timeout(p->own, 0);
		if (pthread_create(&p->tid, NULL, purge_main, p) == 0)
			p->started = 1;
		else {
			log_warnx("purge: cannot start its thread: on the loop");
			store_close(p->own);
			p->own = NULL;
		}
	} else
		log_info("purge: no connection of its own (%s): on the loop", err);
	if ((p->timer = evtimer_new(base, p->started ? purge_count : purge_run,
	    p)) == NULL)
		fatalx("evtimer_new");
	purge_later(p, p->started ? PURGE_COUNT_MS : PURGE_FIRST_DELAY * 1000);
	return p;
}

void
purge_reload(struct purge *p, const struct config *cfg)
{
	p->cfg = cfg;
	pthread_mutex_lock(&p->mu);
	p->retention_days = cfg->retention_days;
	p->interval = cfg->purge_interval;
	p->durable = cfg->durable;
	pthread_mutex_unlock(&p->mu);
}

void
purge_stop(struct purge *p)
{
	if (p == NULL)
		return;
	if (p->started) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->tid, NULL);
	}
	store_close(p->own);
	event_free(p->timer);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
