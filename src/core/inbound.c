/*
 * inbound.c: the way in for the SMPP and modem channels. What they hand over
 * in one loop iteration is committed in one transaction, each message under
 * its own savepoint so that one failing message does not undo the others;
 * then every channel is told, and only then acknowledges.
 *
 * Parts of long messages wait in the database (store_part_*): a restart
 * loses none, a part delivered twice is dropped, and a set still missing
 * parts after multipart_timeout is handled as what arrived.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	char			*key;
	int			 key_unique;
	double			 dedup_from;
	double			 dedup_until;
	unsigned		 ref, total, seq;
	char			*ext_id;	/* receipts */
	char			*state;
	int			 delivered;
	inbound_cb		 cb;
	void			*arg;
	uint64_t		 tag;
	enum inbound_status	 status;
	double			 t0;
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
};

static void
inbound_job_free(struct inbound_job *job)
{
	free(job->channel);
	free(job->from);
	free(job->to);
	free(job->text);
	free(job->key);
	free(job->ext_id);
	free(job->state);
	free(job);
}

/* Hand one whole message to the core; its replies go to the outbox, back on its channel. */
static enum inbound_status
inbound_handle(struct inbound *in, const char *channel, const char *ext_id, const char *from,
    const char *to, const char *text, int64_t sent_at, int64_t now)
{
	struct dialog_msg	m;
	struct dialog_reply	reply;
	int			rc;

	memset(&m, 0, sizeof m);
	m.channel = channel;
	m.ext_id = ext_id;
	m.from = from;
	m.to = to;
	m.text = text;
	m.textlen = strlen(text);
	m.sent_at = sent_at;
	m.received_at = now;
	m.outbox = 1;
	m.route = channel;
	memset(&reply, 0, sizeof reply);
	rc = dialog_handle_in(in->st, in->cfg, &m, &reply);
	metrics_add(METRIC_INBOUND, channel, rc == DIALOG_OK ? (reply.duplicate ?
	    "duplicate" : "ok") : rc == DIALOG_ESENDER ? "bad_request" : "error", 1);
	if (rc == DIALOG_OK && !reply.duplicate) {
		metrics_add(METRIC_REPLIES, channel, NULL, (double)reply.queued);
		if (reply.queued > 0)
			in->queued = 1;
	}
	dialog_reply_free(&reply);
	switch (rc) {
	case DIALOG_OK:
		return reply.duplicate ? INBOUND_DUPLICATE : INBOUND_STORED;
	case DIALOG_ESENDER:
		return INBOUND_REFUSED;
	default:
		return INBOUND_EFAIL;
	}
}

/* One part of a long message: keep it, and handle the message once it is whole. */
static enum inbound_status
inbound_part(struct inbound *in, const struct inbound_job *job, int64_t now)
{
	struct store	*st = in->st;
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
	status = inbound_handle(in, job->channel, NULL, job->from, job->to, whole,
	    sent_at != 0 ? sent_at : job->sent_at, now);
	free(whole);
	return status;
}

static enum inbound_status
inbound_message(struct inbound *in, const struct inbound_job *job, int64_t now)
{
	struct store	*st = in->st;
	char		 ext[STORE_KEY_MAX];
	int		 seen;

	if (job->total > 1)
		return inbound_part(in, job, now);
	/* A unique key is the message's id: the core knows its copies. */
	if (job->key == NULL || job->key_unique)
		return inbound_handle(in, job->channel, job->key, job->from, job->to,
		    job->text, job->sent_at, now);
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
	if (seen == 1) {
		metrics_add(METRIC_INBOUND, job->channel, "duplicate", 1);
		return INBOUND_DUPLICATE;
	}
	return inbound_handle(in, job->channel, ext, job->from, job->to, job->text,
	    job->sent_at, now);
}

static enum inbound_status
inbound_receipt(struct inbound *in, const struct inbound_job *job, int64_t now)
{
	int	matched;

	matched = store_outbox_dlr(in->st, 0, job->channel, job->ext_id,
	    job->delivered, job->state, now);
	if (matched == -1)
		return INBOUND_EFAIL;
	metrics_add(METRIC_DLRS, job->channel, matched ? "1" : "0", 1);
	if (!matched)
		log_debug("inbound: channel=%s receipt for unknown id", job->channel);
	return INBOUND_STORED;
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
	int			 ok;

	if ((job = TAILQ_FIRST(&in->queue)) == NULL)
		return;
	ok = store_begin_try(st);
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
		if (!ok || store_savepoint(st) == -1) {
			job->status = INBOUND_EFAIL;
			continue;
		}
		job->status = job->dlr ? inbound_receipt(in, job, now) :
		    inbound_message(in, job, now);
		store_savepoint_end(st, job->status != INBOUND_EFAIL);
	}
	if (ok && store_commit(st) == -1) {
		store_rollback(st);
		ok = 0;
	}
	if (!ok) {
		/* Nothing of this group is kept: every source must send again. */
		log_warnx("inbound: storage failed, %s", "messages refused for a retry");
		TAILQ_FOREACH(job, &done, entry) {
			if (job->status != INBOUND_DUPLICATE)
				job->status = INBOUND_EFAIL;
		}
	} else if (in->queued)
		in->kick(in->kick_arg);
	while ((job = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, job, entry);
		if (!job->dlr)
			metrics_latency(num_mono() - job->t0);
		if (job->cb != NULL)
			job->cb(job->arg, job->tag, job->status);
		inbound_job_free(job);
	}
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
	job->text = xstrndup(sms->text != NULL ? sms->text : "", sms->textlen);
	job->textlen = strlen(job->text);
	job->sent_at = sms->sent_at;
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
		/* A sender the core refuses must not keep the set waiting: it is done. */
		if (inbound_handle(in, set.key.channel, NULL, set.key.number, NULL,
		    set.text, set.sent_at, now) == INBOUND_EFAIL) {
			store_savepoint_end(st, 0);
			free(set.text);
			rc = -1;
			break;
		}
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
	if ((in->commit = event_new(base, -1, 0, inbound_commit, in)) == NULL ||
	    (in->sweep = evtimer_new(base, inbound_sweep, in)) == NULL)
		fatalx("event_new");
	evtimer_add(in->sweep, &tv);
	return in;
}

void
inbound_reload(struct inbound *in, const struct config *cfg)
{
	in->cfg = cfg;
}

void
inbound_free(struct inbound *in)
{
	if (in == NULL)
		return;
	in->closing = 1;
	inbound_commit(-1, 0, in);
	event_free(in->commit);
	event_free(in->sweep);
	free(in);
}
