/*
 * purge.c: retention on the event loop. Every purge.interval seconds (and
 * shortly after start) personal rows older than retention_days are deleted,
 * a chunk per transaction, the loop free between chunks. The chunk size
 * adapts so that one chunk holds the loop well under PURGE_STALL_MS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "store/store.h"
#include "core/metrics.h"
#include "officials/purge.h"

#define PURGE_FIRST_DELAY	1	/* seconds after start before the first purge */
#define PURGE_RETRY_DELAY	5	/* seconds before trying again after a storage error */
#define PURGE_STALL_MS		20.0	/* the longest a chunk may hold the loop */
#define PURGE_CHUNK_START	16	/* small: the first chunks run on a cold cache */
#define PURGE_CHUNK_MIN		4
#define PURGE_CHUNK_MAX		256	/* rows cost more in some tables than others */

struct purge {
	struct store		*st;
	const struct config	*cfg;		/* the running one: purge_reload */
	struct event	*timer;
	int		 chunk;		/* rows per transaction, adapted to the disk */
	int		 running;	/* a purge is under way */
	int64_t		 before;	/* its cut-off */
	int64_t		 deleted;
	int		 chunks;
	double		 longest_ms;
};

static void
purge_later(struct purge *p, int seconds)
{
	struct timeval	tv = { seconds, 0 };

	evtimer_add(p->timer, &tv);
}

/*
 * Keep a chunk near an eighth of the stall budget, leaving room for the
 * disk's hiccups: scale down at once in proportion when one was slow, grow
 * by doubling when they are quick.
 */
static void
purge_adapt(struct purge *p, double ms)
{
	double	target = PURGE_STALL_MS / 8;

	if (ms > target * 2)
		p->chunk = (int)((double)p->chunk * target / ms);
	else if (ms < target / 2)
		p->chunk *= 2;
	if (p->chunk < PURGE_CHUNK_MIN)
		p->chunk = PURGE_CHUNK_MIN;
	if (p->chunk > PURGE_CHUNK_MAX)
		p->chunk = PURGE_CHUNK_MAX;
}

/* One chunk; then the next at once (after other events), or the next purge. */
static void
purge_run(evutil_socket_t fd, short events, void *arg)
{
	struct purge		*p = arg;
	const struct config	*cfg = p->cfg;
	struct store		*st = p->st;
	int64_t			 n = 0;
	double			 t0, ms;

	if (!p->running) {
		p->running = 1;
		p->before = (int64_t)time(NULL) - (int64_t)cfg->retention_days * 86400;
		p->deleted = 0;
		p->chunks = 0;
		p->longest_ms = 0;
	}
	t0 = (num_mono() * 1e3);
	/* A purge lost in a crash is simply done again: no need to wait for the disk. */
	store_set_durable(st, 0);
	if (store_begin(st) == -1 ||
	    store_purge(st, p->before, p->chunk, 0, &n) == -1 ||
	    store_commit(st) == -1) {
		store_rollback(st);
		store_set_durable(st, cfg->durable);
		log_warnx("purge: storage busy or failing, trying again in %d s",
		    PURGE_RETRY_DELAY);
		purge_later(p, PURGE_RETRY_DELAY);
		return;
	}
	store_set_durable(st, cfg->durable);
	ms = (num_mono() * 1e3) - t0;
	if (ms > p->longest_ms)
		p->longest_ms = ms;
	p->chunks++;
	p->deleted += n;
	if (ms > PURGE_STALL_MS)
		log_debug("purge: slow chunk ms=%.1f rows=%lld chunk=%d", ms, (long long)n,
		    p->chunk);
	if (n > 0)
		metrics_add(METRIC_PURGED, NULL, NULL, (double)n);
	purge_adapt(p, ms);
	if (n > 0) {
		purge_later(p, 0);
		return;
	}
	p->running = 0;
	log_info("purge: deleted=%lld chunks=%d longest_ms=%.1f retention_days=%d",
	    (long long)p->deleted, p->chunks, p->longest_ms, cfg->retention_days);
	purge_later(p, cfg->purge_interval);
}

struct purge *
purge_start(struct event_base *base, struct store *st, const struct config *cfg)
{
	struct purge	*p;

	p = xcalloc(1, sizeof *p);
	p->st = st;
	p->cfg = cfg;
	p->chunk = PURGE_CHUNK_START;
	if ((p->timer = evtimer_new(base, purge_run, p)) == NULL)
		fatalx("evtimer_new");
	purge_later(p, PURGE_FIRST_DELAY);
	return p;
}

void
purge_reload(struct purge *p, const struct config *cfg)
{
	p->cfg = cfg;
}

void
purge_stop(struct purge *p)
{
	if (p == NULL)
		return;
	event_free(p->timer);
	free(p);
}
