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
 * The disk flush is pipelined: a group is committed without waiting for
 * the disk (store_commit_later) and its jobs wait in `flushing' while a
 * thread, the flusher, runs store_sync; the loop meanwhile parses and
 * commits the next group. When a flush begun after a group's commit
 * returns, the flusher tells the loop through a pipe and the group is
 * answered: every acknowledgement still follows its commit on disk, and
 * one flush covers every group committed before it began. So while one
 * group is being flushed and the next is committed and waits for the
 * following flush, a third would wait for that same flush: it is not
 * committed apart, the queue grows until the flush returns and goes as one
 * bigger group (its pages written to the WAL once, not once a group).
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

struct inbound {
	struct event_base	*base;
	struct store		*st;
	const struct config	*cfg;		/* the running one: inbound_reload */
	void			(*kick)(void *);	/* replies were queued */
	void			*kick_arg;
	struct inbound_jobs	 queue;
	struct event		*commit;
	struct event		*sweep;
	int			 queued;	/* replies went to the outbox in this commit */
	int			 closing;	/* the last commit: no waiting for a lock */

	/* The flusher; (mu) marks what it shares with the loop. */
	struct inbound_jobs	 flushing;	/* committed, not yet answered */
	uint64_t		 committed;	/* group commits left to the flusher */
	uint64_t		 answered;	/* of those, flushed and answered */
	int			 held;		/* a commit waits for the flusher */
	int			 kick_flushed;	/* replies queued by those */
	pthread_t		 flusher;
	int			 flusher_running;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	uint64_t		 asked;		/* (mu) flush up to this group */
	uint64_t		 flushed;	/* (mu) flushed up to this group */
	int			 flush_failed;	/* (mu) */
	int			 stop;		/* (mu) */
	int			 wake[2];	/* the flusher's word to the loop */
	struct event		*flushed_ev;
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
inbound_handle(struct inbound *in, const struct dialog_msg *m, struct dialog_reply *reply)
{
	int	rc;

	rc = dialog_handle_in(in->st, in->cfg, m, reply);
	if (rc == DIALOG_OK && !reply->duplicate && reply->queued > 0)
		in->queued = 1;
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
inbound_part(struct inbound *in, struct inbound_job *job, int64_t now)
{
	struct store	*st = in->st;
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
	status = inbound_handle(in, &m, &job->reply);
	free(whole);
	return status;
}

static enum inbound_status
inbound_message(struct inbound *in, struct inbound_job *job, int64_t now)
{
	struct store		*st = in->st;
	struct dialog_msg	 m;
	char			 ext[STORE_KEY_MAX];
	int			 seen;

	if (job->total > 1)
		return inbound_part(in, job, now);
	/* A unique key is the message's id: the core knows its copies. */
	job->handled = 1;
	if (job->key == NULL || job->key_unique) {
		inbound_msg(job, job->key, job->text, job->textlen, job->sent_at, now, &m);
		return inbound_handle(in, &m, &job->reply);
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
	return inbound_handle(in, &m, &job->reply);
}

static enum inbound_status
inbound_receipt(struct inbound *in, struct inbound_job *job, int64_t now)
{
	int	matched;

	matched = store_outbox_dlr(in->st, job->outbox_id, job->channel, job->ext_id,
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

/* Tell every job of list what became of it, and free them. */
static void
inbound_answer(struct inbound_jobs *list)
{
	struct inbound_job	*job;

	while ((job = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, job, entry);
		inbound_done(job);
		inbound_job_free(job);
	}
}

/* Committed but not on disk: nothing of it may be acknowledged. */
static void
inbound_refuse(struct inbound_jobs *list)
{
	struct inbound_job	*job;

	TAILQ_FOREACH(job, list, entry) {
		dialog_reply_free(&job->reply);
		job->status = INBOUND_EFAIL;
	}
}

/* The flusher: flush to disk whatever groups the loop has committed. */
static void *
inbound_flusher(void *arg)
{
	struct inbound	*in = arg;
	uint64_t	 upto;
	int		 rc;

	pthread_mutex_lock(&in->mu);
	for (;;) {
		while (!in->stop && in->asked == in->flushed)
			pthread_cond_wait(&in->cv, &in->mu);
		if (in->stop)
			break;
		upto = in->asked;
		pthread_mutex_unlock(&in->mu);
		rc = store_sync(in->st);
		pthread_mutex_lock(&in->mu);
		in->flushed = upto;
		if (rc == -1)
			in->flush_failed = 1;
		/* A full pipe already holds word for the loop. */
		while (write(in->wake[1], "", 1) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

/* The flusher's word: answer the groups now on disk. */
static void
inbound_flushed(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct inbound_jobs	 done;
	struct inbound_job	*job;
	char			 buf[64];
	uint64_t		 upto;
	int			 failed;

	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&in->mu);
	upto = in->flushed;
	failed = in->flush_failed;
	in->flush_failed = 0;
	pthread_mutex_unlock(&in->mu);
	if (upto > in->answered)
		in->answered = upto;
	if (in->held) {
		in->held = 0;
		event_active(in->commit, EV_TIMEOUT, 0);
	}
	TAILQ_INIT(&done);
	while ((job = TAILQ_FIRST(&in->flushing)) != NULL && job->group <= upto) {
		TAILQ_REMOVE(&in->flushing, job, entry);
		TAILQ_INSERT_TAIL(&done, job, entry);
	}
	if (failed) {
		log_warnx("inbound: flushing to disk failed, %s",
		    "messages refused for a retry");
		inbound_refuse(&done);
	} else if (in->kick_flushed && TAILQ_EMPTY(&in->flushing)) {
		in->kick_flushed = 0;
		in->kick(in->kick_arg);
	}
	inbound_answer(&done);
}

/* Hand the groups committed so far to the flusher. */
static void
inbound_flush_later(struct inbound *in)
{
	pthread_mutex_lock(&in->mu);
	in->asked = in->committed;
	pthread_cond_signal(&in->cv);
	pthread_mutex_unlock(&in->mu);
}

/* Commit everything queued, then tell each channel what became of its messages. */
static void
inbound_commit(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct store		*st = in->st;
	struct inbound_jobs	 done;
	struct inbound_job	*job;
	struct timeval		 tv = { 0, INBOUND_LOCK_RETRY_MS * 1000 };
	int64_t			 now = time(NULL);
	int			 ok, own, later;

	if ((job = TAILQ_FIRST(&in->queue)) == NULL)
		return;
	/* Closing, or with no flusher, the commit waits for the disk itself. */
	later = in->flusher_running && !in->closing;
	if (later && in->committed - in->answered >= 2) {
		/* It would wait for the flush after next anyway: grow. */
		in->held = 1;
		return;
	}
	ok = later ? store_begin_later(st) : store_begin_try(st);
	if (ok == 1 && num_mono() - job->t0 < INBOUND_LOCK_WAIT && !in->closing) {
		/* Locked by another process: wait off the loop; more may join. */
		event_add(in->commit, &tv);
		return;
	}
	ok = ok == 0;
	TAILQ_INIT(&done);
	TAILQ_CONCAT(&done, &in->queue, entry);
	in->queued = 0;
	TAILQ_FOREACH(job, &done, entry) {
		/*
		 * A whole message writes nothing but through the core, which
		 * undoes its own work when it fails: no savepoint of ours.
		 */
		own = job->dlr || job->total > 1;
		if (!ok || (own && store_savepoint(st) == -1)) {
			job->status = INBOUND_EFAIL;
			continue;
		}
		job->status = job->dlr ? inbound_receipt(in, job, now) :
		    inbound_message(in, job, now);
		if (own)
			store_savepoint_end(st, job->status != INBOUND_EFAIL);
	}
	if (ok && (later ? store_commit_later(st) : store_commit(st)) == -1) {
		store_rollback(st);
		ok = 0;
	}
	if (!ok) {
		/* Nothing of this group is kept: every source must send again. */
		log_warnx("inbound: storage failed, %s", "messages refused for a retry");
		TAILQ_FOREACH(job, &done, entry) {
			/* A copy of something committed before is still answered. */
			if (job->status == INBOUND_DUPLICATE)
				continue;
			dialog_reply_free(&job->reply);
			job->status = INBOUND_EFAIL;
		}
	} else if (later) {
		/* Answered once on disk (inbound_flushed). */
		in->committed++;
		TAILQ_FOREACH(job, &done, entry)
			job->group = in->committed;
		TAILQ_CONCAT(&in->flushing, &done, entry);
		in->kick_flushed |= in->queued;
		inbound_flush_later(in);
		return;
	} else {
		/* This flush covers every group committed before. */
		in->answered = in->committed;
		TAILQ_CONCAT(&in->flushing, &done, entry);
		TAILQ_CONCAT(&done, &in->flushing, entry);
		if (in->queued || in->kick_flushed)
			in->kick(in->kick_arg);
		in->kick_flushed = 0;
	}
	inbound_answer(&done);
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

void
inbound_forget(struct inbound *in, void *arg)
{
	struct inbound_job	*job;

	TAILQ_FOREACH(job, &in->queue, entry) {
		if (job->arg == arg)
			job->cb = NULL;
	}
	TAILQ_FOREACH(job, &in->flushing, entry) {
		if (job->arg == arg)
			job->cb = NULL;
	}
}

/* Seconds between two looks for overdue parts. */
static int
inbound_sweep_every(const struct config *cfg)
{
	int	s = cfg->multipart_timeout / 4;

	return s < 1 ? 1 : s > INBOUND_SWEEP_MAX ? INBOUND_SWEEP_MAX : s;
}

/* Hand on the long messages whose parts did not all come in time. */
static void
inbound_sweep(evutil_socket_t fd, short events, void *arg)
{
	struct inbound		*in = arg;
	struct store		*st = in->st;
	const struct config	*cfg = in->cfg;
	struct part_set		 set;
	struct dialog_msg	 m;
	struct dialog_reply	 reply;
	enum inbound_status	 status;
	struct timeval		 tv = { inbound_sweep_every(cfg), 0 };
	int64_t			 now = time(NULL);
	int			 i, rc = 0;

	evtimer_add(in->sweep, &tv);
	in->queued = 0;
	if (store_begin(st) == -1)
		return;
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
		status = inbound_handle(in, &m, &reply);
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
		return;
	}
	if (in->queued)
		in->kick(in->kick_arg);
}

/*
 * Start the flusher. Without it (no pipe, no thread) every commit waits
 * for the disk on the loop, as it did before.
 */
static void
inbound_flusher_start(struct inbound *in)
{
	int	i;

	in->wake[0] = in->wake[1] = -1;
	if (pipe(in->wake) == -1) {
		log_warn("inbound: pipe");
		return;
	}
	for (i = 0; i < 2; i++) {
		if (fcntl(in->wake[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(in->wake[i], F_SETFD, FD_CLOEXEC) == -1)
			fatal("inbound: fcntl");
	}
	if ((in->flushed_ev = event_new(in->base, in->wake[0], EV_READ | EV_PERSIST,
	    inbound_flushed, in)) == NULL)
		fatalx("event_new");
	event_add(in->flushed_ev, NULL);
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	if (pthread_create(&in->flusher, NULL, inbound_flusher, in) != 0) {
		log_warnx("inbound: cannot start the flusher");
		return;
	}
	in->flusher_running = 1;
}

static void
inbound_flusher_stop(struct inbound *in)
{
	if (in->flusher_running) {
		pthread_mutex_lock(&in->mu);
		in->stop = 1;
		pthread_cond_signal(&in->cv);
		pthread_mutex_unlock(&in->mu);
		pthread_join(in->flusher, NULL);
		in->flusher_running = 0;
	}
	if (in->flushed_ev != NULL) {
		event_free(in->flushed_ev);
		in->flushed_ev = NULL;
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->cv);
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
	TAILQ_INIT(&in->flushing);
	if ((in->commit = event_new(base, -1, 0, inbound_commit, in)) == NULL ||
	    (in->sweep = evtimer_new(base, inbound_sweep, in)) == NULL)
		fatalx("event_new");
	evtimer_add(in->sweep, &tv);
	inbound_flusher_start(in);
	return in;
}

void
inbound_reload(struct inbound *in, const struct config *cfg)
{
	in->cfg = cfg;
}

void
inbound_queued(struct inbound *in)
{
	in->kick(in->kick_arg);
}

/*
 * Commit what is queued and answer everything, waiting for the disk here
 * (a closing commit flushes every group before it too).
 */
void
inbound_flush(struct inbound *in)
{
	struct inbound_jobs	 done;
	int			 closing = in->closing;

	in->closing = 1;
	inbound_commit(-1, 0, in);
	if (!TAILQ_EMPTY(&in->flushing)) {
		TAILQ_INIT(&done);
		TAILQ_CONCAT(&done, &in->flushing, entry);
		if (store_sync(in->st) == -1)
			inbound_refuse(&done);
		inbound_answer(&done);
	}
	in->closing = closing;
}

void
inbound_free(struct inbound *in)
{
	if (in == NULL)
		return;
	inbound_flush(in);
	in->closing = 1;
	inbound_flusher_stop(in);
	event_free(in->commit);
	event_free(in->sweep);
	free(in);
}
