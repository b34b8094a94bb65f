/*
 * inbound.h: the one way in, for every channel (HTTP webhooks, SMPP binds,
 * GSM modems). A message, one part of a long one, or a delivery report is
 * queued here; everything queued in one loop iteration is committed in one
 * transaction (group commit), each item under its own savepoint so that one
 * failing item does not undo the others: parts are kept until their message
 * is whole, whole messages go to the core with their replies returned or
 * queued in the outbox, delivery reports update the outbox. Only after the
 * commit is the channel told, so that it acknowledges (HTTP 200,
 * deliver_sm_resp, AT+CMGD) only what is on disk.
 *
 * Parts of a long message wait in the database, so a restart loses none; a
 * set still incomplete after multipart_timeout is handed to the core as what
 * arrived, in order, and logged.
 */
#ifndef INBOUND_H
#define INBOUND_H

#include <stddef.h>
#include <stdint.h>

/*
 * A group commit that finds the database locked by another process waits
 * for it INBOUND_LOCK_WAIT seconds on its store thread (or, committed on
 * the loop without one, tries again every INBOUND_LOCK_RETRY_MS from a
 * timer); then its messages are refused for a retry.
 */
#define INBOUND_LOCK_RETRY_MS	10
#define INBOUND_LOCK_WAIT	0.5
/* What inbound_call's work waits for such a lock (ms): the messages wait behind it. */
#define INBOUND_CALL_LOCK_WAIT_MS	20

struct event_base;
struct dialog_reply;
struct store;
struct config;
struct inbound;

struct inbound_sms {
	const char	*channel;	/* the route it came in on; replies go back on it */
	const char	*from;		/* as received: the core normalises it */
	const char	*to;		/* may be NULL */
	const char	*text;		/* UTF-8, decoded by the channel; may hold NULs */
	size_t		 textlen;
	int64_t		 sent_at;	/* the SMSC time stamp, 0 if unknown */
	/*
	 * The replies: returned to the callback (a webhook answers with them)
	 * unless outbox is set, then queued for route (NULL: by the number's
	 * prefix; an SMPP bind or a modem names itself).
	 */
	int		 outbox;
	const char	*route;
	/*
	 * Redeliveries. key identifies this message or part at its channel
	 * (a hash of its PDU), or is NULL.
	 *
	 * key_unique: the key is the message's id (a modem's PDU carries its
	 * SMSC time stamp): the same key ever again is a redelivery,
	 * acknowledged and not handled again.
	 *
	 * Otherwise the key is a hash of the content, kept with the time it
	 * came; a copy received in [dedup_from, dedup_until) is a redelivery,
	 * and none is looked for when both are 0. SMPP carries no message id
	 * and a resident may well send "1" twice; an SMSC redelivers what got
	 * no deliver_sm_resp, which happens when a bind breaks: so a bind asks
	 * only just after it (re)binds, about messages received before.
	 */
	const char	*key;
	int		 key_unique;
	double		 dedup_from;	/* wall seconds, with a fraction */
	double		 dedup_until;
	/* Concatenation (TS 23.040 9.2.3.24.1, or SMPP sar_* TLVs): total <= 1 for a whole message. */
	unsigned	 ref;
	unsigned	 total;
	unsigned	 seq;		/* 1-based */
};

/*
 * A delivery report for a text sent on route `channel`: our own outbox id
 * where the report carries it (a dlr-url we gave), else its id there ext_id.
 */
struct inbound_dlr {
	const char	*channel;
	int64_t		 outbox_id;
	const char	*ext_id;
	int		 delivered;	/* 1 delivered, 0 failed, -1 not final */
	const char	*state;		/* the route's own word ("DELIVRD", "0x00") */
};

enum inbound_status {
	INBOUND_STORED,		/* committed (a whole message handled, a part kept, a receipt
				   recorded, or a receipt matching no row): acknowledge */
	INBOUND_DUPLICATE,	/* a redelivery of something already committed: acknowledge */
	INBOUND_REFUSED,	/* the sender is not a phone number: nothing kept; acknowledge
				   (or refuse for good), never ask for a retry */
	INBOUND_EFAIL,		/* storage failed, nothing kept: make the source retry */
};

/* What became of one queued item, as its channel is told. */
struct inbound_result {
	enum inbound_status		 status;
	/* A message's replies (texts when not queued; queued, duplicate); NULL for reports. */
	const struct dialog_reply	*reply;
	int				 matched;	/* a report: it matched an outbox row */
};

/*
 * Called from the loop after the commit, never from inside inbound_submit.
 * arg must live until then (a channel or a pending request, not a
 * connection that may go): tag says which message it is about (a
 * connection generation and a sequence number, say).
 */
typedef void	(*inbound_cb)(void *arg, uint64_t tag, const struct inbound_result *);

/*
 * The group commit of every channel, on base: its store work on a thread
 * with a connection of its own to cfg's database (on st, the loop's, when
 * it cannot have one); kick(kick_arg) runs on the loop after a commit that
 * queued replies in the outbox.
 */
struct inbound	*inbound_new(struct event_base *base, struct store *st,
		    const struct config *cfg, void (*kick)(void *), void *kick_arg);
/*
 * A reload: the store thread reads the configuration and the time zone, so
 * they change only while it is paused. inbound_call_pause is inbound_call
 * whose store thread stays paused from the end of run until inbound_resume
 * (done's work, or later): no group and no call runs meanwhile; there,
 * inbound_reload says that cfg is the running configuration from now on,
 * and the old one may be freed.
 */
void		 inbound_reload(struct inbound *, const struct config *cfg);
void		 inbound_resume(struct inbound *);
void		 inbound_free(struct inbound *);	/* commits what is queued first */
/*
 * Store work that is not a message (a USSD step, a call's step, the
 * outbox's claims and results, an official's write): run(st, cfg, arg) on
 * the store thread between two groups, in transactions of its own on the
 * thread's connection st, cfg the running configuration; then done(arg, rc)
 * on the loop, rc what run returned. Calls run in the order they were
 * made. Without a store thread both run on the loop, from an event of
 * their own: done is never called from inside inbound_call. done is
 * always called: a call still waiting when the threads stop (made after
 * inbound_free's flush) gets rc -1 without running.
 */
typedef int	(*inbound_run)(struct store *, const struct config *, void *);
void		 inbound_call(struct inbound *, inbound_run run,
		    void (*done)(void *, int), void *arg);
void		 inbound_call_pause(struct inbound *, inbound_run run,
		    void (*done)(void *, int), void *arg);
/* Replies were queued outside a group commit (a USSD step): wake the outbox. */
void		 inbound_queued(struct inbound *);
/* Commit what is queued now, without waiting for a lock held elsewhere (a stop). */
void		 inbound_flush(struct inbound *);
/*
 * Call cb(arg) from the loop once everything handed over is answered (at
 * once if it is): a stop waits for it before it leaves the loop, so that
 * the answers are sent, not only written into the connections' buffers.
 */
void		 inbound_drain(struct inbound *, void (*cb)(void *), void *arg);
void	inbound_submit(struct inbound *, const struct inbound_sms *, inbound_cb, void *arg,
	    uint64_t tag);
void	inbound_submit_dlr(struct inbound *, const struct inbound_dlr *, inbound_cb,
	    void *arg, uint64_t tag);
/* Drop the callbacks of arg (a channel being freed); its messages are still committed. */
void	inbound_forget(struct inbound *, void *arg);

#endif
