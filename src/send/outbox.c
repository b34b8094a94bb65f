/*
 * outbox.c: draining the outbox. Every outgoing text is a row; each outbound
 * route claims its due rows (queued -> sending) at its rate, hands them to
 * its driver (send.c) over libcurl (send-http.c), and records the verdict:
 * sent, queued again after a backoff, or failed. Rows added by other
 * processes (checkinctl, alerts) are found by a poll once a second.
 *
 * A route's rate holds across every node sharing the store: its token
 * bucket is the store's (store_route_take), taken from in the transaction
 * that claims the rows, as many tokens as rows found due (one pass's
 * batch, at most the bucket's size), so that no node keeps tokens another
 * could use.
 *
 * Delivery is at least once. A row is claimed (committed as "sending")
 * before its request starts and its result is committed in the loop
 * iteration the answer arrives in; a crash between the two leaves it
 * "sending", and the next start queues it again. That window is one request
 * long: only a message in flight at a crash can be sent twice.
 *
 * No store call runs on the loop once it runs: every one goes through
 * inbound_call to the store thread, on its connection. A claim pass is
 * planned on the loop (which routes, their senders, how many rows each
 * sender has room for), run on the thread (a transaction a route: due rows,
 * tokens, claims) and comes back to the loop, which hands the claimed rows
 * to their senders. One pass is in flight at a time: a pass asked for
 * meanwhile (a kick, a completion, the poll) runs once it is back. The
 * verdicts gathered while a batch is being recorded go together in the
 * next one. Calls run in the order made, so verdicts handed over before a
 * pass are recorded before it claims. A claimed row that cannot be sent
 * when its pass comes back (a stop, its route changed by a reload, its
 * channel no longer ready) is queued again at once: its claim is given
 * back in the next batch of verdicts.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "store/store.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "send/outbox.h"
#include "send/send-http.h"
#include "send/send.h"

#define OUTBOX_POLL_MS		1000	/* look for rows committed by other processes */
#define OUTBOX_TICK_MS		10	/* shortest wait between two passes */
#define OUTBOX_BATCH		64	/* rows claimed per route per pass */
#define OUTBOX_DOWN_AFTER	3	/* consecutive failures that mark a route down */
#define OUTBOX_DOWN_FOR		30	/* seconds a down route's rows go to its fallback */
#define OUTBOX_BUCKET_SECONDS	0.05	/* a bucket holds this many seconds of its rate */

/* The sending state of one route, kept across reloads by name. */
struct outbox_route {
	char		name[64];
	double		resume;		/* monotonic seconds: its bucket is empty until then */
	int		inflight;
	int		reserved;	/* slots the claim pass in flight may fill */
	int		failures;	/* consecutive failed attempts */
	int64_t		down_until;
};

/* A channel's sender, attached under its route's name. */
struct outbox_attached {
	char			name[64];
	struct outbox_channel	ch;
};

/* One request (or one channel's message) in flight. */
struct outbox_job {
	TAILQ_ENTRY(outbox_job) entry;
	struct outbox	*ob;
	int		 channel;	/* sent by a channel: it holds the job until done */
	int64_t		 id;
	char		 route[64];	/* the route sending it (its slot is taken) */
	int		 attempts;
	int64_t		 created_at;
};

/* A verdict waiting to be committed with the others of this loop iteration. */
struct outbox_result {
	int64_t			id;
	enum outbox_state	state;		/* SENT, QUEUED (retry) or FAILED */
	double			next_at;
	char			ext_id[128];
	char			error[160];
};

/* A batch of verdicts, recorded on the store thread. */
struct outbox_record {
	struct outbox		*ob;		/* NULL once the outbox is freed */
	struct outbox_result	*results;
	size_t			 n;
	int			 requeue;	/* then queue "sending" rows again (a stop) */
	int			 requeued;
	int64_t			 now;
};

/* One route's part of a claim pass: planned on the loop, run on the store thread. */
struct outbox_plan {
	char			 route[64];	/* whose due rows */
	char			 sender[64];	/* the route sending them (or its fallback) */
	double			 rate, burst;
	int			 room;		/* rows to look at, at most */
	int			 sends;		/* HTTP or a channel sends; else the null driver */
	/* What the thread found. */
	int			 error;
	int			 granted;
	double			 wait;		/* until the sender's bucket holds a token */
	double			 next;		/* until its next pass; -1 waits for rows */
	size_t			 ndue;		/* rows found due */
	struct outbox_msg	 due[OUTBOX_BATCH];
	int			 claimed[OUTBOX_BATCH];	/* to hand to the sender */
};

/* A claim pass over every route: one inbound_call. */
struct outbox_claim {
	struct outbox		*ob;		/* NULL once the outbox is freed */
	int64_t			 now;
	double			 mono, wall;
	double			 next;		/* the earliest wait of the routes not in it */
	size_t			 nplans;
	struct outbox_plan	*plans;
};

struct outbox {
	struct event_base	*base;
	struct store		*st;		/* the loop's: the requeue at start only */
	struct inbound		*inb;		/* every other store call: inbound_call */
	const struct config	*cfg;		/* the running one: outbox_reload */
	struct send_http	*http;
	struct outbox_route	*routes;
	size_t			 nroutes;
	struct outbox_attached	*chans;
	size_t			 nchans;
	TAILQ_HEAD(, outbox_job) jobs;
	struct event		*timer;
	struct event		*flush;
	struct outbox_result	*results;
	size_t			 nresults, results_size;
	struct outbox_record	*record;	/* the batch being recorded */
	struct outbox_claim	*pass;		/* the claim pass in flight */
	int			 again;		/* a pass was asked for meanwhile */
	int			 stopping;
	int			 graced;	/* the grace is over: waiting for no request */
	int			 requeue;	/* the next batch queues "sending" rows again */
	struct event		*grace;
	void			(*done)(void *);
	void			*done_arg;
};

static void	outbox_schedule(struct outbox *, double);

static struct outbox_route *
outbox_route_state(struct outbox *ob, const char *name)
{
	size_t	i;

	for (i = 0; i < ob->nroutes; i++) {
		if (strcmp(ob->routes[i].name, name) == 0)
			return &ob->routes[i];
	}
	return NULL;
}

/* Make the route states match the configuration, keeping those still there. */
static void
outbox_routes_sync(struct outbox *ob)
{
	const struct config	*cfg = ob->cfg;
	struct outbox_route	*rs, *old;
	size_t			 i;

	rs = cfg->nroutes > 0 ? xcalloc(cfg->nroutes, sizeof *rs) : NULL;
	for (i = 0; i < cfg->nroutes; i++) {
		strlcpy(rs[i].name, cfg->routes[i].name, sizeof rs[i].name);
		if ((old = outbox_route_state(ob, rs[i].name)) != NULL)
			rs[i] = *old;
	}
	free(ob->routes);
	ob->routes = rs;
	ob->nroutes = cfg->nroutes;
}

static void	outbox_check_done(struct outbox *);

/* Keep a verdict for the next batch. */
static void
outbox_result_push(struct outbox *ob, const struct outbox_result *res)
{
	if (ob->nresults == ob->results_size) {
		ob->results_size = ob->results_size ? ob->results_size * 2 : 64;
		ob->results = xreallocarray(ob->results, ob->results_size,
		    sizeof *ob->results);
	}
	ob->results[ob->nresults++] = *res;
}

/* Queue a verdict: the verdicts of this loop iteration go in one batch. */
static void
outbox_result_add(struct outbox *ob, const struct outbox_result *res)
{
	outbox_result_push(ob, res);
	event_active(ob->flush, EV_TIMEOUT, 0);
}

/* On the store thread: record a batch in one transaction. */
static int
outbox_record_run(struct store *st, const struct config *cfg, void *arg)
{
	struct outbox_record	*rec = arg;
	struct outbox_result	*res;
	size_t			 i;
	int			 r = 0, n;

	rec->now = time(NULL);
	if (rec->n > 0 && (r = store_begin(st)) != -1) {
		for (i = 0; i < rec->n && r != -1; i++) {
			res = &rec->results[i];
			switch (res->state) {
			case OUTBOX_SENT:
				r = store_outbox_sent(st, res->id, res->ext_id[0] ?
				    res->ext_id : NULL, rec->now);
				break;
			case OUTBOX_QUEUED:
				r = store_outbox_retry(st, res->id, res->next_at, res->error,
				    rec->now);
				break;
			default:
				r = store_outbox_final(st, res->id, res->state, res->error,
				    rec->now);
				break;
			}
		}
		if (r == -1 || store_commit(st) == -1) {
			store_rollback(st);
			r = -1;
		}
	}
	if (rec->requeue && (n = store_outbox_requeue_sending(st, rec->now)) > 0)
		rec->requeued = n;
	return r;
}

/* Back on the loop: a failed batch is tried again, unless the outbox stops. */
static void
outbox_record_done(void *arg, int rc)
{
	struct outbox_record	*rec = arg;
	struct outbox		*ob = rec->ob;
	size_t			 i;

	if (ob != NULL) {
		ob->record = NULL;
		if (rec->requeued > 0)
			log_info("outbox: %d messages queued again for the next start",
			    rec->requeued);
		if (rc != 0 && rec->n > 0 && !ob->stopping) {
			/* The rows stay "sending" meanwhile. */
			log_warnx("outbox: cannot record %zu results, will retry", rec->n);
			for (i = 0; i < rec->n; i++)
				outbox_result_push(ob, &rec->results[i]);
			outbox_schedule(ob, 1.0);
		} else {
			if (rc != 0 && rec->n > 0)
				log_warnx("outbox: cannot record %zu results; they are sent"
				    " again after the next start", rec->n);
			if (ob->nresults > 0)
				event_active(ob->flush, EV_TIMEOUT, 0);
		}
	}
	free(rec->results);
	free(rec);
	if (ob != NULL)
		outbox_check_done(ob);
}

/*
 * Hand the verdicts gathered so far to the store thread, unless a batch is
 * being recorded: they go in the next, when it is back.
 */
static void
outbox_flush(evutil_socket_t fd, short events, void *arg)
{
	struct outbox		*ob = arg;
	struct outbox_record	*rec;

	if (ob->record != NULL || (ob->nresults == 0 && !ob->requeue))
		return;
	rec = xcalloc(1, sizeof *rec);
	rec->ob = ob;
	rec->results = ob->results;
	rec->n = ob->nresults;
	rec->requeue = ob->requeue;
	ob->results = NULL;
	ob->nresults = ob->results_size = 0;
	ob->requeue = 0;
	ob->record = rec;
	inbound_call(ob->inb, outbox_record_run, outbox_record_done, rec);
}

/* The verdict of one attempt, with retry policy applied. */
static void
outbox_judge(struct outbox *ob, const struct outbox_job *job, enum send_verdict v,
    const char *ext_id, const char *err, int64_t retry_after)
{
	const struct config	*cfg = ob->cfg;
	struct outbox_route	*rs = outbox_route_state(ob, job->route);
	struct outbox_result	 res;
	int64_t			 now = time(NULL);
	double			 wait;
	char			 why[LOG_ESCAPE_MAX];

	memset(&res, 0, sizeof res);
	res.id = job->id;
	if (err == NULL || *err == '\0')
		err = "error";
	strlcpy(res.error, err, sizeof res.error);
	/* The reason may quote the aggregator's answer: escape it for the log. */
	log_escape(err, strlen(err), why, sizeof why);
	switch (v) {
	case SEND_OK:
		res.state = OUTBOX_SENT;
		if (ext_id != NULL)
			strlcpy(res.ext_id, ext_id, sizeof res.ext_id);
		if (rs != NULL) {
			rs->failures = 0;
			rs->down_until = 0;
		}
		log_debug("outbox=%lld route=%s result=sent attempts=%d",
		    (long long)job->id, job->route, job->attempts);
		break;
	case SEND_RETRY:
		if (rs != NULL && ++rs->failures >= OUTBOX_DOWN_AFTER &&
		    rs->down_until <= now) {
			rs->down_until = now + OUTBOX_DOWN_FOR;
			log_warnx("outbox: route=%s down after %d failures", job->route,
			    rs->failures);
		}
		wait = send_backoff(cfg->outbox_retry_base, cfg->outbox_retry_max,
		    job->attempts, (double)arc4random() / 4294967296.0);
		if (retry_after > now && (double)(retry_after - now) > wait)
			wait = (double)(retry_after - now);
		res.next_at = num_wall() + wait;
		if (job->attempts >= cfg->outbox_max_attempts) {
			res.state = OUTBOX_FAILED;
			snprintf(res.error, sizeof res.error, "gave up after %d attempts: %s",
			    job->attempts, err);
		} else if (res.next_at - (double)job->created_at > cfg->outbox_max_age) {
			res.state = OUTBOX_FAILED;
			snprintf(res.error, sizeof res.error, "too old to retry: %s", err);
		} else
			res.state = OUTBOX_QUEUED;
		log_info("outbox=%lld route=%s result=%s attempts=%d reason=\"%s\"",
		    (long long)job->id, job->route, res.state == OUTBOX_QUEUED ? "retry" :
		    "failed", job->attempts, why);
		break;
	case SEND_FAIL:
		res.state = OUTBOX_FAILED;
		log_info("outbox=%lld route=%s result=failed attempts=%d reason=\"%s\"",
		    (long long)job->id, job->route, job->attempts, why);
		break;
	}
	metrics_add(METRIC_SENDS, job->route, res.state == OUTBOX_SENT ? "sent" :
	    res.state == OUTBOX_QUEUED ? "retry" : "failed", 1);
	outbox_result_add(ob, &res);
}

/*
 * All requests are done during a stop (or the grace is over), the claim
 * pass is back and every verdict recorded: tell the server.
 */
static void
outbox_check_done(struct outbox *ob)
{
	size_t	i;

	if (!ob->stopping || ob->done == NULL)
		return;
	if (!ob->graced) {
		for (i = 0; i < ob->nroutes; i++) {
			if (ob->routes[i].inflight > 0)
				return;
		}
		if (!TAILQ_EMPTY(&ob->jobs))
			return;
	}
	if (ob->pass != NULL || ob->record != NULL)
		return;		/* its done looks again */
	if (ob->nresults > 0 || ob->requeue) {
		outbox_flush(-1, 0, ob);
		return;
	}
	if (ob->grace != NULL)
		event_del(ob->grace);
	ob->done(ob->done_arg);
	ob->done = NULL;
}

/* A job is over: record its verdict, free its slot, look for more work. */
static void
outbox_job_finish(struct outbox_job *job, enum send_verdict v, const char *ext_id,
    const char *err, int64_t retry_after)
{
	struct outbox		*ob = job->ob;
	struct outbox_route	*rs = outbox_route_state(ob, job->route);

	if (rs != NULL && rs->inflight > 0)
		rs->inflight--;
	outbox_judge(ob, job, v, ext_id, err, retry_after);
	TAILQ_REMOVE(&ob->jobs, job, entry);
	free(job);
	outbox_check_done(ob);
	/*
	 * A slot is free: look again once this loop iteration is over rather
	 * than after the tick, so that a fast channel (an SMPP window) is not
	 * paced by it; the completions of one iteration share one pass.
	 */
	if (!ob->stopping)
		event_active(ob->timer, EV_TIMEOUT, 0);
}

static void
outbox_http_done(const struct send_http_result *hr, void *arg)
{
	struct outbox_job	*job = arg;
	struct outbox		*ob = job->ob;
	const struct route	*r = config_route(ob->cfg, job->route);
	const struct send_driver *drv = r != NULL ? r->drv->send : NULL;
	enum send_verdict	 v;
	char			 ext_id[128] = "", err[160] = "";
	int64_t			 retry_after = -1;

	if (!hr->transport_ok) {
		v = SEND_RETRY;
		strlcpy(err, hr->error != NULL ? hr->error : "transport error", sizeof err);
	} else if (drv == NULL) {
		v = SEND_RETRY;
		strlcpy(err, "route removed while sending", sizeof err);
	} else {
		v = drv->verdict(r, hr->status, hr->body, hr->bodylen, ext_id, sizeof ext_id,
		    err, sizeof err);
		if (hr->retry_after != NULL)
			retry_after = send_retry_after(hr->retry_after, time(NULL));
	}
	outbox_job_finish(job, v, ext_id, err, retry_after);
}

void
outbox_job_done(struct outbox_job *job, enum send_verdict v, const char *ext_id,
    const char *err, int retry_after)
{
	outbox_job_finish(job, v, ext_id, err, retry_after > 0 ?
	    (int64_t)time(NULL) + retry_after : -1);
}

static const struct outbox_channel *
outbox_channel_find(struct outbox *ob, const char *route)
{
	size_t	i;

	for (i = 0; i < ob->nchans; i++) {
		if (strcmp(ob->chans[i].name, route) == 0)
			return &ob->chans[i].ch;
	}
	return NULL;
}

void
outbox_attach(struct outbox *ob, const char *route, const struct outbox_channel *ch)
{
	struct outbox_attached	*a;

	outbox_detach(ob, route);
	ob->chans = xreallocarray(ob->chans, ob->nchans + 1, sizeof *ob->chans);
	a = &ob->chans[ob->nchans++];
	strlcpy(a->name, route, sizeof a->name);
	a->ch = *ch;
	outbox_schedule(ob, 0);
}

void
outbox_detach(struct outbox *ob, const char *route)
{
	size_t	i;

	for (i = 0; i < ob->nchans; i++) {
		if (strcmp(ob->chans[i].name, route) != 0)
			continue;
		ob->chans[i] = ob->chans[--ob->nchans];
		return;
	}
}

/* Start sending one claimed row through route r. */
static void
outbox_dispatch(struct outbox *ob, const struct route *r, const struct send_driver *drv,
    const struct outbox_msg *m)
{
	struct outbox_route	*rs = outbox_route_state(ob, r->name);
	const struct outbox_channel *ch;
	struct outbox_job	*job;
	struct send_req		 req;

	job = xcalloc(1, sizeof *job);
	job->ob = ob;
	job->id = m->id;
	strlcpy(job->route, r->name, sizeof job->route);
	job->attempts = m->attempts + 1;
	job->created_at = m->created_at;
	if (drv->channel) {
		job->channel = 1;
		rs->inflight++;
		TAILQ_INSERT_TAIL(&ob->jobs, job, entry);
		if ((ch = outbox_channel_find(ob, r->name)) == NULL)
			outbox_job_done(job, SEND_RETRY, NULL, "channel gone", 0);
		else
			ch->send(ch->arg, m, job);
		return;
	}
	memset(&req, 0, sizeof req);
	drv->build(r, m, &req);
	rs->inflight++;
	TAILQ_INSERT_TAIL(&ob->jobs, job, entry);
	send_http_start(ob->http, &req, r->connect_timeout, r->timeout, outbox_http_done, job);
	send_req_free(&req);
}

/* Keep a copy of a due row: tokens are taken for all of them at once. */
static int
outbox_pass_due(const struct outbox_msg *m, void *arg)
{
	struct outbox_plan	*p = arg;
	struct outbox_msg	*c;

	if (p->ndue == OUTBOX_BATCH)
		return 1;
	c = &p->due[p->ndue++];
	*c = *m;
	c->text = xstrdup(m->text);
	c->ext_id = NULL;
	c->dlr_state = NULL;
	c->error = NULL;
	return 0;
}

/* On the store thread: claim due row i, or settle it if it must not be sent. */
static int
outbox_pass_row(struct store *st, const struct config *cfg, int64_t now,
    struct outbox_plan *p, size_t i)
{
	const struct outbox_msg	*m = &p->due[i];
	int			 r;

	if (m->expires_at > 0 && now >= m->expires_at) {
		metrics_add(METRIC_SENDS, m->route, "expired", 1);
		r = store_outbox_final(st, m->id, OUTBOX_EXPIRED, "no longer relevant", now);
		return r == -1 ? (p->error = 1) : 0;
	}
	if (now - m->created_at > cfg->outbox_max_age) {
		r = store_outbox_final(st, m->id, OUTBOX_FAILED, "too old to send", now);
		return r == -1 ? (p->error = 1) : 0;
	}
	if ((r = store_outbox_claim(st, m->id, p->sender, now)) == -1)
		return p->error = 1;
	if (r == 0)
		return 0;
	if (!p->sends) {
		/* The null driver: sending is recording. */
		log_debug("outbox=%lld route=%s result=sent driver=null", (long long)m->id,
		    p->sender);
		return store_outbox_sent(st, m->id, NULL, now) == -1 ? (p->error = 1) : 0;
	}
	p->claimed[i] = 1;
	return 0;
}

/* The route that sends route r's rows now: r, or its fallback while r is down. */
static const struct route *
outbox_sender(struct outbox *ob, const struct route *r, int64_t now)
{
	struct outbox_route	*rs = outbox_route_state(ob, r->name), *fs;
	const struct route	*fb;

	if (rs == NULL || rs->down_until <= now || r->fallback == NULL)
		return r;
	if ((fb = config_route(ob->cfg, r->fallback)) == NULL)
		return r;
	if ((fs = outbox_route_state(ob, fb->name)) == NULL || fs->down_until > now)
		return r;
	return fb;
}

/*
 * On the loop: plan a pass over route r in c, as many rows as its sender's
 * free slots (less those an earlier plan of this pass may fill: a fallback
 * sends for two routes) and bucket size allow. Returns the seconds until
 * the route wants a pass, or -1 when it waits for rows, a completion or
 * the pass planned here.
 */
static double
outbox_route_plan(struct outbox *ob, struct outbox_claim *c, const struct route *r)
{
	const struct route	*sender = outbox_sender(ob, r, c->now);
	const struct send_driver *drv = sender->drv->send;
	struct outbox_route	*ss;
	struct outbox_plan	*p;
	double			 burst;
	int			 room, sends = drv->http || drv->channel;

	if (drv->channel) {
		const struct outbox_channel *ch = outbox_channel_find(ob, sender->name);

		/* Its channel kicks the outbox once it is up or no longer throttled. */
		if (ch == NULL || !ch->ready(ch->arg))
			return -1;
	}
	ss = outbox_route_state(ob, sender->name);
	if (c->mono < ss->resume)
		return ss->resume - c->mono;
	if (ss->inflight + ss->reserved >= sender->inflight)
		return -1;	/* a completion schedules the next pass */
	burst = sender->rate * OUTBOX_BUCKET_SECONDS;
	if (burst < 1)
		burst = 1;
	room = OUTBOX_BATCH;
	if (sends && room > sender->inflight - ss->inflight - ss->reserved)
		room = sender->inflight - ss->inflight - ss->reserved;
	if ((double)room > floor(burst))
		room = (int)floor(burst);
	if (sends)
		ss->reserved += room;
	p = &c->plans[c->nplans++];
	strlcpy(p->route, r->name, sizeof p->route);
	strlcpy(p->sender, sender->name, sizeof p->sender);
	p->rate = sender->rate;
	p->burst = burst;
	p->room = room;
	p->sends = sends;
	return -1;
}

/*
 * On the store thread: one route's pass. Find its due rows, take a token
 * for each from the sender's bucket (shared by the nodes) and claim those
 * the tokens cover, in one transaction.
 */
static int
outbox_plan_run(struct store *st, const struct config *cfg, struct outbox_claim *c,
    struct outbox_plan *p)
{
	double			 next_at, wall;
	size_t			 i;

	p->next = -1;
	if (store_begin(st) == -1) {
		p->next = 1;
		return -1;
	}
	if (store_outbox_due(st, p->route, c->wall, p->room, outbox_pass_due, p) == -1)
		goto fail;
	/* Every row looked at spends a token: a null route is rate-limited too. */
	if (p->ndue > 0 && store_route_take(st, p->sender, p->rate, p->burst,
	    (int)p->ndue, c->wall, &p->granted, &p->wait) == -1)
		goto fail;
	for (i = 0; i < (size_t)p->granted && !p->error; i++)
		outbox_pass_row(st, cfg, c->now, p, i);
	if (p->error || store_commit(st) == -1)
		goto fail;
	if ((size_t)p->granted < p->ndue || p->ndue == (size_t)p->room) {
		p->next = p->wait;
		return 0;
	}
	wall = num_wall();
	if (store_outbox_next(st, p->route, &next_at) == 1)
		p->next = next_at > wall ? next_at - wall : 0;
	return 0;

fail:
	store_rollback(st);
	for (i = 0; i < p->ndue; i++)
		free(p->due[i].text);
	memset(p->claimed, 0, sizeof p->claimed);
	p->ndue = 0;
	p->granted = 0;
	p->wait = 0;
	log_warnx("outbox: route=%s cannot claim rows", p->route);
	p->next = 1;
	return -1;
}

static int
outbox_claim_run(struct store *st, const struct config *cfg, void *arg)
{
	struct outbox_claim	*c = arg;
	size_t			 i;

	/* It may have waited for the thread: which rows are due is seen now. */
	c->now = time(NULL);
	c->wall = num_wall();
	/*
	 * After a route that could not (the database locked elsewhere, or
	 * failing), the others wait for the next pass: each would wait for the
	 * lock as long, with the check-ins behind them.
	 */
	for (i = 0; i < c->nplans; i++) {
		if (outbox_plan_run(st, cfg, c, &c->plans[i]) == -1)
			break;
	}
	for (i++; i < c->nplans; i++)
		c->plans[i].next = 1;
	return 0;
}

/* Give a claim back: the row is queued again, due now. */
static void
outbox_giveback(struct outbox *ob, const struct outbox_msg *m, const char *why)
{
	struct outbox_result	 res;

	memset(&res, 0, sizeof res);
	res.id = m->id;
	res.state = OUTBOX_QUEUED;
	res.next_at = num_wall();
	strlcpy(res.error, why, sizeof res.error);
	log_debug("outbox=%lld route=%s result=requeued reason=\"%s\"", (long long)m->id,
	    m->route, why);
	outbox_result_add(ob, &res);
}

/* Hand a row claimed by the pass to its sender, if it still can send it. */
static void
outbox_hand(struct outbox *ob, const struct outbox_plan *p, const struct outbox_msg *m)
{
	const struct route	*r = config_route(ob->cfg, p->sender);
	const struct send_driver *drv = r != NULL ? r->drv->send : NULL;
	const struct outbox_channel *ch;

	if (ob->stopping)
		outbox_giveback(ob, m, "not sent: stopping");
	else if (drv == NULL || !(drv->http || drv->channel) ||
	    outbox_route_state(ob, r->name) == NULL)
		outbox_giveback(ob, m, "not sent: route changed");
	else if (drv->channel && ((ch = outbox_channel_find(ob, r->name)) == NULL ||
	    !ch->ready(ch->arg)))
		outbox_giveback(ob, m, "not sent: channel not ready");
	else
		outbox_dispatch(ob, r, drv, m);
}

/*
 * Back on the loop: start the requests of the rows claimed, each once, and
 * sleep until the earliest route wants another pass (at once if one was
 * asked for meanwhile). rc -1: the store thread stopped, nothing ran.
 */
static void
outbox_claim_done(void *arg, int rc)
{
	struct outbox_claim	*c = arg;
	struct outbox		*ob = c->ob;
	struct outbox_plan	*p;
	struct outbox_route	*ss;
	double			 next;
	size_t			 i, j;

	/* The routes left out of the pass waited while it ran. */
	next = c->next - (num_mono() - c->mono);
	if (ob != NULL) {
		ob->pass = NULL;
		if (ob->again)
			next = 0;
		ob->again = 0;
		for (i = 0; i < ob->nroutes; i++)
			ob->routes[i].reserved = 0;
	}
	for (i = 0; i < c->nplans; i++) {
		p = &c->plans[i];
		for (j = 0; j < p->ndue; j++) {
			/* Without the outbox, a claim waits for the next start. */
			if (p->claimed[j] && ob != NULL)
				outbox_hand(ob, p, &p->due[j]);
			free(p->due[j].text);
		}
		if (rc != 0)
			continue;
		if (ob != NULL && p->wait > 0 &&
		    (ss = outbox_route_state(ob, p->sender)) != NULL)
			ss->resume = c->mono + p->wait;
		if (p->next >= 0 && p->next < next)
			next = p->next;
	}
	free(c->plans);
	free(c);
	if (ob == NULL)
		return;
	outbox_schedule(ob, next);
	outbox_check_done(ob);
}

/*
 * Record the verdicts so far, then plan a pass over every route and hand it
 * to the store thread; or, while one is in flight, run another once it is
 * back.
 */
static void
outbox_run(evutil_socket_t fd, short events, void *arg)
{
	struct outbox		*ob = arg;
	const struct config	*cfg = ob->cfg;
	struct outbox_claim	*c;
	double			 wait, next = OUTBOX_POLL_MS / 1000.0;
	size_t			 i;

	if (ob->stopping)
		return;
	/* Before the claims: calls run in the order made. */
	outbox_flush(-1, 0, ob);
	if (ob->pass != NULL) {
		ob->again = 1;
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->ob = ob;
	c->mono = num_mono();
	c->wall = num_wall();
	c->now = time(NULL);
	c->plans = cfg->nroutes > 0 ? xcalloc(cfg->nroutes, sizeof *c->plans) : NULL;
	for (i = 0; i < cfg->nroutes; i++) {
		wait = outbox_route_plan(ob, c, &cfg->routes[i]);
		if (wait >= 0 && wait < next)
			next = wait;
	}
	if (c->nplans == 0) {
		free(c->plans);
		free(c);
		outbox_schedule(ob, next);
		return;
	}
	c->next = next;
	ob->pass = c;
	ob->again = 0;
	inbound_call(ob->inb, outbox_claim_run, outbox_claim_done, c);
}

/* Wake the pass after at least the tick, at most `seconds`. */
static void
outbox_schedule(struct outbox *ob, double seconds)
{
	struct timeval	tv;

	if (ob->stopping)
		return;
	if (seconds < OUTBOX_TICK_MS / 1000.0)
		seconds = OUTBOX_TICK_MS / 1000.0;
	if (evtimer_pending(ob->timer, &tv)) {
		struct timeval	now, want;

		evutil_gettimeofday(&now, NULL);
		want.tv_sec = (time_t)seconds;
		want.tv_usec = (suseconds_t)((seconds - (double)want.tv_sec) * 1e6);
		evutil_timeradd(&now, &want, &want);
		if (evutil_timercmp(&tv, &want, <=))
			return;	/* already due sooner */
	}
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(ob->timer, &tv);
}

struct outbox *
outbox_start(struct event_base *base, struct store *st, const struct config *cfg,
    struct inbound *inb)
{
	struct outbox	*ob;
	int		 n;

	ob = xcalloc(1, sizeof *ob);
	ob->base = base;
	ob->st = st;
	ob->inb = inb;
	ob->cfg = cfg;
	TAILQ_INIT(&ob->jobs);
	/*
	 * The one store call on the loop's connection, synchronous: the loop
	 * does not run yet and the daemon serves nothing, so it holds nobody.
	 * From here on every store call is the store thread's (inbound_call).
	 */
	if ((n = store_outbox_requeue_sending(st, time(NULL))) == -1) {
		free(ob);
		return NULL;
	}
	if (n > 0)
		log_info("outbox: %d messages were in flight at the last stop, queued again",
		    n);
	if ((ob->http = send_http_new(base)) == NULL)
		fatalx("send_http_new");
	if ((ob->timer = evtimer_new(base, outbox_run, ob)) == NULL ||
	    (ob->flush = event_new(base, -1, 0, outbox_flush, ob)) == NULL)
		fatalx("evtimer_new");
	outbox_routes_sync(ob);
	outbox_schedule(ob, 0);
	return ob;
}

void
outbox_kick(struct outbox *ob)
{
	if (ob != NULL)
		outbox_schedule(ob, 0);
}

void
outbox_reload(struct outbox *ob, const struct config *cfg)
{
	ob->cfg = cfg;
	outbox_routes_sync(ob);
	outbox_schedule(ob, 0);
}

/*
 * Forget the requests cancelled with their send_http. A channel's jobs stay
 * until it reports on them (it still holds them), unless `all`.
 */
static void
outbox_jobs_free(struct outbox *ob, int all)
{
	struct outbox_job	*job, *next;
	struct outbox_route	*rs;

	for (job = TAILQ_FIRST(&ob->jobs); job != NULL; job = next) {
		next = TAILQ_NEXT(job, entry);
		if (job->channel && !all)
			continue;
		if ((rs = outbox_route_state(ob, job->route)) != NULL && rs->inflight > 0)
			rs->inflight--;
		TAILQ_REMOVE(&ob->jobs, job, entry);
		free(job);
	}
}

/*
 * The grace is over: cancel the requests, record the verdicts and queue
 * again what is still "sending" in one last batch (once the claim pass in
 * flight, if any, is back), then tell the server.
 */
static void
outbox_grace_over(evutil_socket_t fd, short events, void *arg)
{
	struct outbox	*ob = arg;

	log_info("outbox: %zu requests still in flight at the end of the grace period",
	    send_http_inflight(ob->http));
	send_http_free(ob->http);
	ob->http = NULL;
	outbox_jobs_free(ob, 0);
	ob->graced = 1;
	ob->requeue = 1;
	outbox_check_done(ob);
}

void
outbox_stop(struct outbox *ob, int grace, void (*done)(void *), void *arg)
{
	struct timeval	tv = { grace, 0 };

	ob->stopping = 1;
	ob->done = done;
	ob->done_arg = arg;
	evtimer_del(ob->timer);
	if ((ob->grace = evtimer_new(ob->base, outbox_grace_over, ob)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(ob->grace, &tv);
	outbox_check_done(ob);
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	/* After inbound_free every done has run; should one not have, it only frees. */
	if (ob->pass != NULL)
		ob->pass->ob = NULL;
	if (ob->record != NULL)
		ob->record->ob = NULL;
	if (ob->http != NULL)
		send_http_free(ob->http);
	outbox_jobs_free(ob, 1);
	if (ob->timer != NULL)
		event_free(ob->timer);
	if (ob->flush != NULL)
		event_free(ob->flush);
	if (ob->grace != NULL)
		event_free(ob->grace);
	free(ob->results);
	free(ob->routes);
	free(ob->chans);
	free(ob);
}
