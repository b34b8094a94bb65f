/*
 * inbound.c: the one way in, for every channel. What the channels hand over
 * in one loop iteration is committed in one transaction, each message under
 * its own savepoint so that one failing message does not undo the others;
 * then every channel is told, and only then acknowledges. One disk flush
 * covers the whole group.
 *
 * Parts of long messages wait in the database (store_part_*): a restart
 * loses none, a part delivered twice is dropped, and a set still missing
 * parts after multipart_timeout is handled as what arrived.
 *
 * The loop only parses, queues and answers. A group's store work (begin,
 * each job through the core, commit) runs on a thread of its own, the
 * worker, on a connection of its own (`own'), so that no statement, lock
 * wait or PostgreSQL round trip of the resident's path holds the loop. The
 * disk flush is pipelined behind it: the worker commits without waiting
 * for the disk (store_commit_later) and takes the next group while a
 * second thread, the flusher, runs store_sync; when a flush begun after a
 * group's commit returns, the group goes to `done' and the loop is told
 * through a pipe, and answers it: every acknowledgement still follows its
 * commit on disk. While one group is being flushed and the next is
 * committed and waits for the following flush, a third would wait for that
 * same flush: the worker does not begin it, the pending list grows until
 * the flush returns and goes as one bigger group (its pages written to the
 * WAL once, not once a group). A group that fails is answered at once,
 * every job of it EFAIL (a copy of something committed before stays
 * DUPLICATE). Without a connection of its own (it cannot be opened), every
 * group is committed on the loop as it was before the worker.
 *
 * What the threads share, and how:
 * - pending, working, flushing, done, committed, flushed, wcfg, paused,
 *   stop, flush_failed, sweep_asked, sweeping, kick_asked: under mu; the flusher waits on fcv (signalled at
 *   a commit), the worker and the loop (pausing, draining) on cv,
 *   broadcast at every other change.
 *   A job moves queue (loop only) -> pending -> working -> flushing ->
 *   done -> answered on the loop; the thread that moves it holds mu, so
 *   whatever a thread wrote in a job is seen by the next one. The worker
 *   walks `working' without mu (only it moves jobs in and out of it); the
 *   loop may walk it under mu (inbound_forget) and write job->cb alone, a
 *   field no thread but the loop reads.
 * - own: the worker's alone, but for store_sync on the flusher (which
 *   reads only the WAL's descriptor, opened before the commit it follows)
 *   and store_set_max_size from the loop while the worker is paused.
 * - The configuration the worker reads (wcfg) and the process's time zone
 *   change only while it is paused (inbound_call_pause, inbound_reload,
 *   inbound_resume around a reload): the worker pauses itself after the
 *   reload's call, so the loop never waits for it, and nothing runs until
 *   the reload is over.
 * - The core on the worker touches: its store (own), the configuration
 *   (read only), metrics (metrics.c's mutex), log lines (one write each,
 *   stdio locks the stream; syslog is thread safe), the GSM table of
 *   codec/gsm.c (built here on the loop before the threads start), tz.c
 *   (localtime_r; setenv only while paused). It schedules no event and
 *   calls no channel: callbacks and the outbox kick run on the loop.
 * - The sweep of overdue parts runs on the worker too, between two groups
 *   (sweep_asked by the loop's timer, sweeping while it runs, kick_asked
 *   when it queued replies: the loop wakes the outbox).
 * - Other store work (inbound_call: a USSD step, the outbox, an official's
 *   write) goes the same way: calls (mu) -> run on the worker between two
 *   groups, before the next one (calling while it runs) -> called (mu) ->
 *   finished on the loop. What run reads and writes in its argument is
 *   handed over under mu both ways, as a job is.
 */
#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "config/config.h"
#include "store/store.h"
#include "core/dialog.h"
#include "core/inbound.h"
#include "core/metrics.h"

#define INBOUND_PART_KEEP	86400	/* seconds a handled part still recognises its copies */
#define INBOUND_SWEEP_MAX	30	/* seconds between two looks for overdue parts, at most */
#define INBOUND_SWEEP_SETS	64	/* overdue sets handled per look */

struct inbound_job {
	TAILQ_ENTRY(inbound_job) entry;
	int			 dlr;		/* a receipt, not a message */
	char			*channel;
	char			*from;
	char			*to;
	char			*text;
	size_t			 textlen;
	int64_t			 sent_at;
	int			 outbox;	/* replies queued for route, else returned */
	char			*route;
	char			*key;
	int			 key_unique;
	double			 dedup_from;
	double			 dedup_until;
	unsigned		 ref, total, seq;
	int64_t			 outbox_id;	/* reports */
	char			*ext_id;
	char			*state;
	int			 delivered;
	int			 matched;
	int			 handled;	/* went to the core (or was its copy) */
	struct dialog_reply	 reply;
	inbound_cb		 cb;
	void			*arg;
	uint64_t		 tag;
	enum inbound_status	 status;
	double			 t0;
	uint64_t		 group;		/* the group commit it was in */
};

TAILQ_HEAD(inbound_jobs, inbound_job);

/* Store work of another kind (inbound_call). */
struct inbound_callj {
	TAILQ_ENTRY(inbound_callj) entry;
	inbound_run		 run;
	void			(*done)(void *, int);
	void			*arg;
	int			 rc;
	int			 pause;		/* the worker pauses after it */
};

TAILQ_HEAD(inbound_calls, inbound_callj);

struct inbound {
	struct event_base	*base;
	struct store		*st;		/* the loop's: the sweep; every group without own */
	const struct config	*cfg;		/* the running one: inbound_reload */
	void			(*kick)(void *);	/* replies were queued */
	void			*kick_arg;
	struct inbound_jobs	 queue;		/* submitted in this loop iteration */
	struct event		*commit;
	struct event		*sweep;
	int			 closing;	/* the last commit: no waiting for a lock */

	/* The worker and the flusher; (mu) marks what they share with the loop. */
	struct store		*own;		/* the worker's connection */
	pthread_t		 worker;
	pthread_t		 flusher;
	int			 worker_running;
	int			 wait_ms;	/* the worker's busy timeout */
	int			 flusher_running;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* (mu) the worker's and the loop's wait */
	pthread_cond_t		 fcv;		/* (mu) the flusher's: committed */
	const struct config	*wcfg;		/* (mu) the worker's, replaced while paused */
	struct inbound_jobs	 pending;	/* (mu) handed to the worker */
	struct inbound_jobs	 working;	/* (mu) the group it runs now */
	struct inbound_jobs	 flushing;	/* (mu) committed, not yet on disk */
	struct inbound_jobs	 done;		/* (mu) for the loop to answer */
	uint64_t		 committed;	/* (mu) groups committed by the worker */
	uint64_t		 flushed;	/* (mu) of those, on disk */
	int			 flush_failed;	/* (mu) */
	int			 paused;	/* (mu) */
	int			 stop;		/* (mu) */
	int			 sweep_asked;	/* (mu) the sweep's time came */
	int			 sweeping;	/* (mu) the worker runs it */
	int			 kick_asked;	/* (mu) it queued replies */
	struct inbound_calls	 calls;		/* (mu) inbound_call's, to run */
	struct inbound_calls	 called;	/* (mu) run, for the loop to finish */
	int			 calling;	/* (mu) the worker runs calls */
	struct event		*call_ev;	/* without a worker: run calls on the loop */
	int			 wake[2];	/* the threads' word to the loop */
	struct event		*wake_ev;
	void			(*drained)(void *);	/* inbound_drain */
	void			*drained_arg;
};

static int	inbound_sweep_run(struct store *, const struct config *);

/* Where a job's store work runs: the worker's or the loop's store. */
struct inbound_ctx {
	struct store		*st;
	const struct config	*cfg;
	int			 queued;	/* replies went to the outbox */
};

static void
inbound_job_free(struct inbound_job *job)
{
	free(job->channel);
	free(job->from);
	free(job->to);
	free(job->text);
	free(job->route);
	free(job->key);
	free(job->ext_id);
	free(job->state);
	dialog_reply_free(&job->reply);
	free(job);
}

/* A handled message in the metrics: how it ended, and the replies it got. */
static void
inbound_count(const char *channel, enum inbound_status status,
    const struct dialog_reply *reply)
{
	static const char *const	 label[] = {
		[INBOUND_STORED] = "ok",
		[INBOUND_DUPLICATE] = "duplicate",
		[INBOUND_REFUSED] = "bad_request",
		[INBOUND_EFAIL] = "error",
	};

	metrics_add(METRIC_INBOUND, channel, label[status], 1);
	if (status == INBOUND_STORED)
		metrics_add(METRIC_REPLIES, channel, NULL, (double)(reply->n +
		    (size_t)reply->queued));
}

/* Hand one whole message to the core; the replies in *reply. */
static enum inbound_status
inbound_handle(struct inbound_ctx *c, const struct dialog_msg *m, struct dialog_reply *reply)
{
	int	rc;

	rc = dialog_handle_in(c->st, c->cfg, m, reply);
	if (rc == DIALOG_OK && !reply->duplicate && reply->queued > 0)
		c->queued = 1;
	switch (rc) {
	case DIALOG_OK:
		return reply->duplicate ? INBOUND_DUPLICATE : INBOUND_STORED;
	case DIALOG_ESENDER:
		return INBOUND_REFUSED;
	default:
		return INBOUND_EFAIL;
	}
}

/* The message of job, with this text, id and time: what the core is handed. */
static void
inbound_msg(const struct inbound_job *job, const char *ext_id, const char *text,
    size_t textlen, int64_t sent_at, int64_t now, struct dialog_msg *m)
{
	memset(m, 0, sizeof *m);
	m->channel = job->channel;
	m->ext_id = ext_id;
	m->from = job->from;
	m->to = job->to;
	m->text = text;
	m->textlen = textlen;
	m->sent_at = sent_at;
	m->received_at = now;
	m->outbox = job->outbox;
	m->route = job->route;
}

/* One part of a long message: keep it, and handle the message once it is whole. */
static enum inbound_status
inbound_part(struct inbound_ctx *c, struct inbound_job *job, int64_t now)
{
	struct store	*st = c->st;
	struct dialog_msg m;
	struct part_key	 k;
	enum inbound_status status;
	char		*whole;
	int64_t		 sent_at;
	int		 rc;

	memset(&k, 0, sizeof k);
	strlcpy(k.channel, job->channel, sizeof k.channel);
	strlcpy(k.number, job->from, sizeof k.number);
	k.ref = job->ref;
	k.total = job->total;
	rc = store_part_add(st, &k, job->seq, job->text, job->sent_at, now,
	    now - INBOUND_PART_KEEP);
	if (rc == -1)
		return INBOUND_EFAIL;
	if (rc == 0)
		return INBOUND_DUPLICATE;
	if ((rc = store_part_take(st, &k, &whole, &sent_at)) != 1)
		return rc == -1 ? INBOUND_EFAIL : INBOUND_STORED;
	metrics_add(METRIC_MULTIPART, job->channel, "complete", 1);
	log_debug("inbound: channel=%s ref=%u all %u parts", job->channel, job->ref,
	    job->total);
	job->handled = 1;
	inbound_msg(job, NULL, whole, strlen(whole), sent_at != 0 ? sent_at : job->sent_at,
	    now, &m);
	status = inbound_handle(c, &m, &job->reply);
	free(whole);
	return status;
}

static enum inbound_status
inbound_message(struct inbound_ctx *c, struct inbound_job *job, int64_t now)
{
	struct store		*st = c->st;
	struct dialog_msg	 m;
	char			 ext[STORE_KEY_MAX];
	int			 seen;

	if (job->total > 1)
		return inbound_part(c, job, now);
	/* A unique key is the message's id: the core knows its copies. */
	job->handled = 1;
	if (job->key == NULL || job->key_unique) {
		inbound_msg(job, job->key, job->text, job->textlen, job->sent_at, now, &m);
		return inbound_handle(c, &m, &job->reply);
	}
	/*
	 * A content hash may come back as a new message, even in the same
	 * second ("1", "1"): the stored id carries its time to the microsecond.
	 */
	seen = 0;
	if (job->dedup_until > job->dedup_from)
		seen = store_inbound_recent(st, job->channel, job->key, job->dedup_from,
		    job->dedup_until);
	store_inbound_key(ext, sizeof ext, job->key, num_wall());
	if (seen == -1)
		return INBOUND_EFAIL;
	if (seen == 1)
		return INBOUND_DUPLICATE;
	inbound_msg(job, ext, job->text, job->textlen, job->sent_at, now, &m);
	return inbound_handle(c, &m, &job->reply);
}

static enum inbound_status
inbound_receipt(struct inbound_ctx *c, struct inbound_job *job, int64_t now)
{
	int	matched;

	matched = store_outbox_dlr(c->st, job->outbox_id, job->channel, job->ext_id,
	    job->delivered, job->state, now);
	if (matched == -1)
		return INBOUND_EFAIL;
	job->matched = matched;
	return INBOUND_STORED;
}

/* Tell a job's channel what became of it. */
static void
inbound_done(struct inbound_job *job)
{
	struct inbound_result	r;
	char			esc[LOG_ESCAPE_MAX];

	if (job->dlr) {
		if (job->status != INBOUND_EFAIL) {
			metrics_add(METRIC_DLRS, job->channel, job->matched ? "1" : "0", 1);
			log_info("dlr route=%s outbox=%lld state=\"%s\" matched=%d",
			    job->channel, (long long)job->outbox_id, log_escape(job->state,
			    strlen(job->state), esc, sizeof esc), job->matched);
		}
	} else {
		metrics_latency(num_mono() - job->t0);
		if (job->handled)
			inbound_count(job->channel, job->status, &job->reply);
	}
	if (job->cb == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.status = job->status;
	r.reply = job->dlr ? NULL : &job->reply;
	r.matched = job->matched;
	job->cb(job->arg, job->tag, &r);
}

/*
 * Tell every job of list what became of it, and free them; then wake the
 * outbox if one of them queued replies (they are on disk now).
 */
static void
inbound_answer(struct inbound *in, struct inbound_jobs *list)
{
	struct inbound_job	*job;
	int			 queued = 0;

	while ((job = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, job, entry);
		if (job->status == INBOUND_STORED && !job->dlr && job->reply.queued > 0)
			queued = 1;
		inbound_done(job);
		inbound_job_free(job);
	}
	if (queued)
		in->kick(in->kick_arg);
}

/* Committed but not on disk: nothing of it may be acknowledged. */
static void
inbound_refuse(struct inbound_job *job)
{
	dialog_reply_free(&job->reply);
	job->status = INBOUND_EFAIL;
}

/*
 * Run a group's store work on st: begin, each job, commit (leaving the
 * flush to store_sync if later). 1 committed; 0 not, every job refused but
 * the copies of what was committed before; -1 the database is locked by
 * another process (nothing done: the caller may try again).
 */
static int
inbound_group(struct inbound_ctx *c, struct inbound_jobs *list, int later, int wait)
{
	struct store		*st = c->st;
	struct inbound_job	*job;
	int64_t			 now = time(NULL);
	int			 ok, own;

	ok = later ? store_begin_later(st) : store_begin_try(st);
	if (ok == 1 && wait)
		return -1;
	ok = ok == 0;
	c->queued = 0;
	TAILQ_FOREACH(job, list, entry) {
		/*
		 * A whole message writes nothing but through the core, which
		 * undoes its own work when it fails: no savepoint of ours.
		 */
		own = job->dlr || job->total > 1;
		if (!ok || (own && store_savepoint(st) == -1)) {
			job->status = INBOUND_EFAIL;
			continue;
		}
		job->status = job->dlr ? inbound_receipt(c, job, now) :
		    inbound_message(c, job, now);
		if (own)
			store_savepoint_end(st, job->status != INBOUND_EFAIL);
	}
	if (ok && (later ? store_commit_later(st) : store_commit(st)) == -1) {
		store_rollback(st);
		ok = 0;
	}
	if (ok)
		return 1;
	/* Nothing of this group is kept: every source must send again. */
	log_warnx("inbound: storage failed, %s", "messages refused for a retry");
	TAILQ_FOREACH(job, list, entry) {
		/* A copy of something committed before is still answered. */
		if (job->status == INBOUND_DUPLICATE)
			continue;
		inbound_refuse(job);
	}
	return 0;
}

/* Tell the loop that `done' holds answers (mu held: a full pipe already does). */
static void
inbound_wake(struct inbound *in)
{
	while (write(in->wake[1], "", 1) == -1 && errno == EINTR)
		;
}

/*
 * A message waits INBOUND_LOCK_WAIT at most for a lock held elsewhere, also
 * when it came while the group before it waited: the worker's busy timeout
 * is what its group's oldest message has left, set again only when that
 * moved by a tenth (on PostgreSQL a setting is a round trip).
 */
static void
inbound_wait_ms(struct inbound *in, int ms)
{
	if (abs(ms - in->wait_ms) < (int)(INBOUND_LOCK_WAIT * 1000) / 10)
		return;
	store_set_busy_timeout(in->own, ms);
	in->wait_ms = ms;
}

static void
inbound_wait_left(struct inbound *in, double t0)
{
	int	ms;

	ms = (int)((INBOUND_LOCK_WAIT - (num_mono() - t0)) * 1000);
	inbound_wait_ms(in, ms < 1 ? 1 : ms);
}

/*
 * On the worker (mu held, released meanwhile): run the calls made so far,
 * up to one that pauses the worker; the others wait for inbound_resume.
 * A call waits for a lock held elsewhere INBOUND_CALL_LOCK_WAIT_MS only:
 * the messages behind it must not wait that long twice (its caller tries
 * again later, or answers "retry later", as on the loop before).
 */
static void
inbound_calls_run(struct inbound *in)
{
	struct inbound_calls	 run, ran;
	struct inbound_callj	*cj;
	const struct config	*cfg = in->wcfg;
	int			 pause = 0;

	TAILQ_INIT(&run);
	TAILQ_INIT(&ran);
	TAILQ_CONCAT(&run, &in->calls, entry);
	in->calling = 1;
	pthread_mutex_unlock(&in->mu);
	while (!pause && (cj = TAILQ_FIRST(&run)) != NULL) {
		TAILQ_REMOVE(&run, cj, entry);
		inbound_wait_ms(in, INBOUND_CALL_LOCK_WAIT_MS);
		cj->rc = cj->run(in->own, cfg, cj->arg);
		pause = cj->pause;
		TAILQ_INSERT_TAIL(&ran, cj, entry);
	}
	pthread_mutex_lock(&in->mu);
	in->calling = 0;
	/* Those not run go back first, before the calls made meanwhile. */
	TAILQ_CONCAT(&run, &in->calls, entry);
	TAILQ_CONCAT(&in->calls, &run, entry);
	if (pause)
		in->paused = 1;
	TAILQ_CONCAT(&in->called, &ran, entry);
	inbound_wake(in);
	pthread_cond_broadcast(&in->cv);
}

/* On the loop: tell each call of list its result (rc -1 if fail: it never ran). */
static void
inbound_calls_finish(struct inbound_calls *list, int fail)
{
	struct inbound_callj	*cj;

	while ((cj = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, cj, entry);
		cj->done(cj->arg, fail ? -1 : cj->rc);
		free(cj);
	}
}

/*
 * The worker: run the groups the loop hands over, on its own connection.
 * A group waiting for the flush after next is not begun: it grows.
 */
static void *
inbound_worker(void *arg)
{
	struct inbound		*in = arg;
	struct inbound_ctx	 c;
	struct inbound_job	*job;
	int			 ok, queued, ready, calls_last = 0;

	c.st = in->own;
	pthread_mutex_lock(&in->mu);
	for (;;) {
		for (;;) {
			ready = !TAILQ_EMPTY(&in->pending) && !(in->flusher_running &&
			    in->committed - in->flushed >= 2);
			if (in->stop || (!in->paused && (in->sweep_asked || ready ||
			    !TAILQ_EMPTY(&in->calls))))
				break;
			pthread_cond_wait(&in->cv, &in->mu);
		}
		if (in->stop)
			break;
		/* Calls and groups take turns: a stream of either starves neither. */
		if (!in->sweep_asked && !TAILQ_EMPTY(&in->calls) && (!calls_last || !ready)) {
			inbound_calls_run(in);
			calls_last = 1;
			continue;
		}
		calls_last = 0;
		if (in->sweep_asked) {
			in->sweep_asked = 0;
			in->sweeping = 1;
			c.cfg = in->wcfg;
			pthread_mutex_unlock(&in->mu);
			queued = inbound_sweep_run(in->own, c.cfg);
			pthread_mutex_lock(&in->mu);
			in->sweeping = 0;
			if (queued) {
				in->kick_asked = 1;
				inbound_wake(in);
			}
			pthread_cond_broadcast(&in->cv);
			continue;
		}
		TAILQ_CONCAT(&in->working, &in->pending, entry);
		c.cfg = in->wcfg;
		pthread_mutex_unlock(&in->mu);
		/* A lock held elsewhere is waited for in the busy handler. */
		inbound_wait_left(in, TAILQ_FIRST(&in->working)->t0);
		ok = inbound_group(&c, &in->working, in->flusher_running, 0) == 1;
		pthread_mutex_lock(&in->mu);
		if (ok && in->flusher_running) {
			in->committed++;
			TAILQ_FOREACH(job, &in->working, entry)
				job->group = in->committed;
			TAILQ_CONCAT(&in->flushing, &in->working, entry);
			pthread_cond_signal(&in->fcv);
		} else {
			TAILQ_CONCAT(&in->done, &in->working, entry);
			inbound_wake(in);
		}
		pthread_cond_broadcast(&in->cv);
	}
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* The flusher: flush to disk whatever groups the worker has committed. */
static void *
inbound_flusher(void *arg)
{
	struct inbound		*in = arg;
	struct inbound_job	*job;
	uint64_t		 upto;
	int			 rc;

	pthread_mutex_lock(&in->mu);
	for (;;) {
		while (!in->stop && in->committed == in->flushed)
			pthread_cond_wait(&in->fcv, &in->mu);
		if (in->stop)
			break;
		upto = in->committed;
		pthread_mutex_unlock(&in->mu);
		rc = store_sync(in->own);
		pthread_mutex_lock(&in->mu);
		in->flushed = upto;
		if (rc == -1)
			in->flush_failed = 1;
		while ((job = TAILQ_FIRST(&in->flushing)) != NULL && job->group <= upto) {
			TAILQ_REMOVE(&in->flushing, job, entry);
			if (rc == -1)
				inbound_refuse(job);
			TAILQ_INSERT_TAIL(&in->done, job, entry);
		}
		inbound_wake(in);
		pthread_cond_broadcast(&in->cv);
	}
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* Nothing handed over is left unanswered: tell inbound_drain's caller. */
static void
inbound_check_drained(struct inbound *in)
{
	void	(*cb)(void *) = in->drained;
	int	 idle;

	if (cb == NULL || !TAILQ_EMPTY(&in->queue))
		return;
	pthread_mutex_lock(&in->mu);
	idle = TAILQ_EMPTY(&in->pending) && TAILQ_EMPTY(&in->working) &&
	    TAILQ_EMPTY(&in->flushing) && TAILQ_EMPTY(&in->done) &&
	    TAILQ_EMPTY(&in->calls) && !in->calling && TAILQ_EMPTY(&in->called);
	pthread_mutex_unlock(&in->mu);
	if (idle) {
		in->drained = NULL;
		cb(in->drained_arg);
	}
}

/* The threads' word: answer what is done. */
static void
inbound_woken(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct inbound_jobs	 done;
	struct inbound_calls	 called;
	char			 buf[64];
	int			 failed, kick;

	while (read(fd, buf, sizeof buf) > 0)
		;
	TAILQ_INIT(&done);
	TAILQ_INIT(&called);
	pthread_mutex_lock(&in->mu);
	TAILQ_CONCAT(&done, &in->done, entry);
	TAILQ_CONCAT(&called, &in->called, entry);
	failed = in->flush_failed;
	in->flush_failed = 0;
	kick = in->kick_asked;
	in->kick_asked = 0;
	pthread_mutex_unlock(&in->mu);
	if (failed)
		log_warnx("inbound: flushing to disk failed, %s",
		    "messages refused for a retry");
	inbound_answer(in, &done);
	if (kick)
		in->kick(in->kick_arg);
	inbound_calls_finish(&called, 0);
	inbound_check_drained(in);
}

/* Without a worker: run the calls made so far on the loop's store, and finish them. */
static void
inbound_calls_here(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct inbound_calls	 run;
	struct inbound_callj	*cj;

	TAILQ_INIT(&run);
	TAILQ_CONCAT(&run, &in->calls, entry);
	TAILQ_FOREACH(cj, &run, entry)
		cj->rc = cj->run(in->st, in->cfg, cj->arg);
	inbound_calls_finish(&run, 0);
	inbound_check_drained(in);
}

static void
inbound_call_add(struct inbound *in, inbound_run run, void (*done)(void *, int), void *arg,
    int pause)
{
	struct inbound_callj	*cj = xcalloc(1, sizeof *cj);

	cj->run = run;
	cj->done = done;
	cj->arg = arg;
	cj->pause = pause;
	if (!in->worker_running) {
		if (TAILQ_EMPTY(&in->calls))
			event_active(in->call_ev, EV_TIMEOUT, 0);
		TAILQ_INSERT_TAIL(&in->calls, cj, entry);
		return;
	}
	pthread_mutex_lock(&in->mu);
	TAILQ_INSERT_TAIL(&in->calls, cj, entry);
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

void
inbound_call(struct inbound *in, inbound_run run, void (*done)(void *, int), void *arg)
{
	inbound_call_add(in, run, done, arg, 0);
}

void
inbound_call_pause(struct inbound *in, inbound_run run, void (*done)(void *, int),
    void *arg)
{
	inbound_call_add(in, run, done, arg, 1);
}

/*
 * Without a worker: commit everything queued here, on the loop's store,
 * then tell each channel what became of its messages.
 */
static void
inbound_commit_here(struct inbound *in)
{
	struct inbound_ctx	 c = { in->st, in->cfg, 0 };
	struct inbound_jobs	 done;
	struct inbound_job	*job;
	struct timeval		 tv = { 0, INBOUND_LOCK_RETRY_MS * 1000 };

	if ((job = TAILQ_FIRST(&in->queue)) == NULL)
		return;
	TAILQ_INIT(&done);
	TAILQ_CONCAT(&done, &in->queue, entry);
	if (inbound_group(&c, &done, 0, num_mono() - job->t0 < INBOUND_LOCK_WAIT &&
	    !in->closing) == -1) {
		/* Locked by another process: wait off the loop; more may join. */
		TAILQ_CONCAT(&in->queue, &done, entry);
		event_add(in->commit, &tv);
		return;
	}
	inbound_answer(in, &done);
	inbound_check_drained(in);
}

/* Hand what this loop iteration queued to the worker, as one group. */
static void
inbound_commit(evutil_socket_t fd, short events, void *arg)
{
	struct inbound	*in = arg;

	if (!in->worker_running) {
		inbound_commit_here(in);
		return;
	}
	if (TAILQ_EMPTY(&in->queue))
		return;
	pthread_mutex_lock(&in->mu);
	TAILQ_CONCAT(&in->pending, &in->queue, entry);
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

static void
inbound_queue(struct inbound *in, struct inbound_job *job, inbound_cb cb, void *arg,
    uint64_t tag)
{
	job->cb = cb;
	job->arg = arg;
	job->tag = tag;
	job->t0 = num_mono();
	if (TAILQ_EMPTY(&in->queue))
		event_active(in->commit, EV_TIMEOUT, 0);
	TAILQ_INSERT_TAIL(&in->queue, job, entry);
}

void
inbound_submit(struct inbound *in, const struct inbound_sms *sms, inbound_cb cb, void *arg,
    uint64_t tag)
{
	struct inbound_job	*job = xcalloc(1, sizeof *job);

	job->channel = xstrdup(sms->channel);
	job->from = xstrdup(sms->from != NULL ? sms->from : "");
	job->to = sms->to != NULL ? xstrdup(sms->to) : NULL;
	job->textlen = sms->text != NULL ? sms->textlen : 0;
	job->text = xmalloc(job->textlen + 1);
	if (job->textlen > 0)
		memcpy(job->text, sms->text, job->textlen);
	job->text[job->textlen] = '\0';
	job->sent_at = sms->sent_at;
	job->outbox = sms->outbox;
	job->route = sms->route != NULL ? xstrdup(sms->route) : NULL;
	job->key = sms->key != NULL ? xstrdup(sms->key) : NULL;
	job->key_unique = sms->key_unique;
	job->dedup_from = sms->dedup_from;
	job->dedup_until = sms->dedup_until;
	if (sms->total > 1 && sms->seq >= 1 && sms->seq <= sms->total) {
		job->ref = sms->ref;
		job->total = sms->total;
		job->seq = sms->seq;
	}
	inbound_queue(in, job, cb, arg, tag);
}

void
inbound_submit_dlr(struct inbound *in, const struct inbound_dlr *dlr, inbound_cb cb,
    void *arg, uint64_t tag)
{
	struct inbound_job	*job = xcalloc(1, sizeof *job);

	job->dlr = 1;
	job->channel = xstrdup(dlr->channel);
	job->outbox_id = dlr->outbox_id;
	job->ext_id = xstrdup(dlr->ext_id != NULL ? dlr->ext_id : "");
	job->state = xstrdup(dlr->state != NULL ? dlr->state : "");
	job->delivered = dlr->delivered;
	inbound_queue(in, job, cb, arg, tag);
}

/* Drop arg's callbacks from jobs on every list. */
static void
inbound_forget_in(struct inbound_jobs *list, void *arg)
{
	struct inbound_job	*job;

	TAILQ_FOREACH(job, list, entry) {
		if (job->arg == arg)
			job->cb = NULL;
	}
}

void
inbound_forget(struct inbound *in, void *arg)
{
	inbound_forget_in(&in->queue, arg);
	if (!in->worker_running)
		return;
	pthread_mutex_lock(&in->mu);
	inbound_forget_in(&in->pending, arg);
	inbound_forget_in(&in->working, arg);
	inbound_forget_in(&in->flushing, arg);
	inbound_forget_in(&in->done, arg);
	pthread_mutex_unlock(&in->mu);
}

/* Seconds between two looks for overdue parts. */
static int
inbound_sweep_every(const struct config *cfg)
{
	int	s = cfg->multipart_timeout / 4;

	return s < 1 ? 1 : s > INBOUND_SWEEP_MAX ? INBOUND_SWEEP_MAX : s;
}

/*
 * Hand on the long messages whose parts did not all come in time, on st:
 * whether replies were queued in the outbox.
 */
static int
inbound_sweep_run(struct store *st, const struct config *cfg)
{
	struct inbound_ctx	 c = { st, cfg, 0 };
	struct part_set		 set;
	struct dialog_msg	 m;
	struct dialog_reply	 reply;
	enum inbound_status	 status;
	int64_t			 now = time(NULL);
	int			 i, rc = 0;

	if (store_begin(st) == -1)
		return 0;
	for (i = 0; i < INBOUND_SWEEP_SETS; i++) {
		if ((rc = store_savepoint(st)) == -1)
			break;
		if ((rc = store_part_expired(st, now - cfg->multipart_timeout, &set)) != 1) {
			store_savepoint_end(st, rc == 0);
			break;
		}
		/*
		 * Parts come from binds and modems, whose replies go back the way
		 * they came. A sender the core refuses must not keep the set
		 * waiting: it is done.
		 */
		memset(&m, 0, sizeof m);
		m.channel = set.key.channel;
		m.from = set.key.number;
		m.text = set.text;
		m.textlen = strlen(set.text);
		m.sent_at = set.sent_at;
		m.received_at = now;
		m.outbox = 1;
		m.route = set.key.channel;
		memset(&reply, 0, sizeof reply);
		status = inbound_handle(&c, &m, &reply);
		if (status == INBOUND_EFAIL) {
			store_savepoint_end(st, 0);
			dialog_reply_free(&reply);
			free(set.text);
			rc = -1;
			break;
		}
		inbound_count(set.key.channel, status, &reply);
		dialog_reply_free(&reply);
		store_savepoint_end(st, 1);
		log_warnx("inbound: channel=%s ref=%u only %u of %u parts came in %d s, "
		    "handled as it is", set.key.channel, set.key.ref, set.got, set.key.total,
		    cfg->multipart_timeout);
		metrics_add(METRIC_MULTIPART, set.key.channel, "incomplete", 1);
		free(set.text);
	}
	if (rc != -1)
		rc = store_part_forget(st, now - INBOUND_PART_KEEP);
	if (rc == -1 || store_commit(st) == -1) {
		store_rollback(st);
		return 0;
	}
	return c.queued;
}

/* The sweep's time: the worker's work when there is one. */
static void
inbound_sweep(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct timeval		 tv = { inbound_sweep_every(in->cfg), 0 };

	evtimer_add(in->sweep, &tv);
	if (in->worker_running) {
		pthread_mutex_lock(&in->mu);
		in->sweep_asked = 1;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
	} else if (inbound_sweep_run(in->st, in->cfg))
		in->kick(in->kick_arg);
}


/*
 * Start the worker on a connection of its own, and the flusher behind it.
 * Without them (no pipe, no connection, no thread) every group is
 * committed on the loop.
 */
static void
inbound_threads_start(struct inbound *in, const struct config *cfg)
{
	char	err[256];
	int	i;

	if (pipe(in->wake) == -1) {
		log_warn("inbound: pipe");
		in->wake[0] = in->wake[1] = -1;
		return;
	}
	for (i = 0; i < 2; i++) {
		if (fcntl(in->wake[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(in->wake[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("inbound: fcntl");
	}
	if ((in->wake_ev = event_new(in->base, in->wake[0], EV_READ | EV_PERSIST,
	    inbound_woken, in)) == NULL)
		fatalx("event_new");
	event_add(in->wake_ev, NULL);
	if ((in->own = store_open(cfg->database, err, sizeof err)) == NULL) {
		log_warnx("inbound: no connection of its own (%s): on the loop", err);
		return;
	}
	/*
	 * A lock held by another process is waited for here, off the loop;
	 * the WAL is written back by a checkpointer, not by its commits.
	 */
	in->wait_ms = (int)(INBOUND_LOCK_WAIT * 1000);
	store_set_busy_timeout(in->own, in->wait_ms);
	if (store_set_max_size(in->own, (int64_t)cfg->max_database_mb << 20) == -1 ||
	    (!cfg->durable && store_set_durable(in->own, 0) == -1) ||
	    store_checkpointer(in->own) == -1) {
		log_warnx("inbound: cannot set its connection up: on the loop");
		store_close(in->own);
		in->own = NULL;
		return;
	}
	in->wcfg = cfg;
	if (pthread_create(&in->flusher, NULL, inbound_flusher, in) == 0)
		in->flusher_running = 1;
	else
		log_warnx("inbound: cannot start the flusher");
	if (pthread_create(&in->worker, NULL, inbound_worker, in) == 0)
		in->worker_running = 1;
	else
		log_warnx("inbound: cannot start its store thread: on the loop");
}

static void
inbound_threads_stop(struct inbound *in)
{
	pthread_mutex_lock(&in->mu);
	in->stop = 1;
	pthread_cond_broadcast(&in->cv);
	pthread_cond_signal(&in->fcv);
	pthread_mutex_unlock(&in->mu);
	if (in->worker_running)
		pthread_join(in->worker, NULL);
	if (in->flusher_running)
		pthread_join(in->flusher, NULL);
	in->worker_running = in->flusher_running = 0;
	if (in->own != NULL) {
		store_close(in->own);
		in->own = NULL;
	}
	if (in->wake_ev != NULL) {
		event_free(in->wake_ev);
		in->wake_ev = NULL;
	}
	if (in->wake[0] != -1) {
		close(in->wake[0]);
		close(in->wake[1]);
		in->wake[0] = in->wake[1] = -1;
	}
}

struct inbound *
inbound_new(struct event_base *base, struct store *st, const struct config *cfg,
    void (*kick)(void *), void *kick_arg)
{
	struct inbound	*in = xcalloc(1, sizeof *in);
	struct timeval	 tv = { inbound_sweep_every(cfg), 0 };

	in->base = base;
	in->st = st;
	in->cfg = cfg;
	in->kick = kick;
	in->kick_arg = kick_arg;
	TAILQ_INIT(&in->queue);
	TAILQ_INIT(&in->pending);
	TAILQ_INIT(&in->working);
	TAILQ_INIT(&in->flushing);
	TAILQ_INIT(&in->done);
	TAILQ_INIT(&in->calls);
	TAILQ_INIT(&in->called);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	pthread_cond_init(&in->fcv, NULL);
	if ((in->commit = event_new(base, -1, 0, inbound_commit, in)) == NULL ||
	    (in->sweep = evtimer_new(base, inbound_sweep, in)) == NULL ||
	    (in->call_ev = event_new(base, -1, 0, inbound_calls_here, in)) == NULL)
		fatalx("event_new");
	evtimer_add(in->sweep, &tv);
	/* codec/gsm.c builds a table on first use: here, before any thread. */
	(void)gsm_septets('a');
	in->wake[0] = in->wake[1] = -1;
	inbound_threads_start(in, cfg);
	if (!in->worker_running) {
		/* Every group on the loop: nothing for the others to do. */
		inbound_threads_stop(in);
	}
	return in;
}

void
inbound_resume(struct inbound *in)
{
	if (!in->worker_running)
		return;
	pthread_mutex_lock(&in->mu);
	in->paused = 0;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

void
inbound_reload(struct inbound *in, const struct config *cfg)
{
	in->cfg = cfg;
	if (!in->worker_running)
		return;
	pthread_mutex_lock(&in->mu);
	in->wcfg = cfg;
	pthread_mutex_unlock(&in->mu);
	/* Paused: the worker is not using its connection. */
	store_set_max_size(in->own, (int64_t)cfg->max_database_mb << 20);
}

void
inbound_drain(struct inbound *in, void (*cb)(void *), void *arg)
{
	in->drained = cb;
	in->drained_arg = arg;
	inbound_check_drained(in);
}

void
inbound_queued(struct inbound *in)
{
	in->kick(in->kick_arg);
}

/*
 * Commit what is queued and answer everything, waiting here for the
 * worker, the disk, and (without a worker) for no lock held elsewhere.
 */
void
inbound_flush(struct inbound *in)
{
	struct inbound_jobs	 done;
	struct inbound_calls	 called;
	int			 closing = in->closing, failed;

	if (!in->worker_running) {
		in->closing = 1;
		inbound_commit_here(in);
		in->closing = closing;
		if (!TAILQ_EMPTY(&in->calls)) {
			event_del(in->call_ev);
			inbound_calls_here(-1, 0, in);
		}
		return;
	}
	TAILQ_INIT(&done);
	TAILQ_INIT(&called);
	pthread_mutex_lock(&in->mu);
	TAILQ_CONCAT(&in->pending, &in->queue, entry);
	pthread_cond_broadcast(&in->cv);
	for (;;) {
		/* Paused by a reload's call: its done, among the called, resumes. */
		while (!in->paused && (!TAILQ_EMPTY(&in->pending) ||
		    !TAILQ_EMPTY(&in->working) || !TAILQ_EMPTY(&in->flushing) ||
		    !TAILQ_EMPTY(&in->calls) || in->calling))
			pthread_cond_wait(&in->cv, &in->mu);
		if (!in->paused || TAILQ_EMPTY(&in->called))
			break;
		TAILQ_CONCAT(&called, &in->called, entry);
		pthread_mutex_unlock(&in->mu);
		inbound_calls_finish(&called, 0);
		pthread_mutex_lock(&in->mu);
	}
	TAILQ_CONCAT(&done, &in->done, entry);
	TAILQ_CONCAT(&called, &in->called, entry);
	failed = in->flush_failed;
	in->flush_failed = 0;
	pthread_mutex_unlock(&in->mu);
	if (failed)
		log_warnx("inbound: flushing to disk failed, %s",
		    "messages refused for a retry");
	inbound_answer(in, &done);
	inbound_calls_finish(&called, 0);
}

void
inbound_free(struct inbound *in)
{
	if (in == NULL)
		return;
	inbound_flush(in);
	inbound_threads_stop(in);
	/* Made after the flush (by a done callback): never run. */
	inbound_calls_finish(&in->called, 0);
	inbound_calls_finish(&in->calls, 1);
	pthread_mutex_destroy(&in->mu);
	pthread_cond_destroy(&in->cv);
	pthread_cond_destroy(&in->fcv);
	event_free(in->commit);
	event_free(in->sweep);
	event_free(in->call_ev);
	free(in);
}
