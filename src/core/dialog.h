/* dialog.h: the core. A message in, replies out, changes committed in between. */
#ifndef DIALOG_H
#define DIALOG_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct store;

#define DIALOG_REPLIES_MAX 4

/* One inbound SMS as every channel hands it over. */
struct dialog_msg {
	const char	*channel;	/* inbound route name */
	const char	*ext_id;	/* the sender's message id, or NULL */
	const char	*from;		/* as the channel got it: normalised here */
	const char	*to;
	const char	*text;		/* UTF-8, not yet cleaned */
	size_t		 textlen;
	int64_t		 sent_at;	/* SMSC time stamp, 0 if unknown */
	int64_t		 received_at;	/* when it reached us */
	int		 outbox;	/* queue the replies in the outbox instead of returning them */
	const char	*route;		/* outbound route for queued replies, NULL: by number prefix */
};

struct dialog_reply {
	size_t	 n;
	char	*text[DIALOG_REPLIES_MAX];
	int64_t	 expires_at[DIALOG_REPLIES_MAX];	/* 0, or when the text stops making sense */
	int	 queued;	/* replies put in the outbox (then n is 0) */
	int	 duplicate;	/* 1 if this was a retry of a message already handled */
	int64_t	 inbound_id;	/* the stored row, for logs */
};

#define DIALOG_OK		 0
#define DIALOG_ESTORE		-1	/* storage failed: nothing kept, the sender should retry */
#define DIALOG_ESENDER		-2	/* the sender is not a phone number: refused, nothing kept */

/*
 * Handle one message: parse it, act, remember, and produce the replies. All
 * changes are committed before this returns DIALOG_OK; the caller may then
 * acknowledge. On DIALOG_ESTORE nothing is kept and the caller answers so
 * that the sender retries (HTTP 5xx).
 */
int	dialog_handle(struct store *, const struct config *, const struct dialog_msg *,
	    struct dialog_reply *);
/*
 * dialog_handle inside the caller's transaction (a group commit): the
 * message's changes are undone alone on DIALOG_ESTORE; nothing is durable
 * until the caller commits, and no reply may go out before that.
 */
int	dialog_handle_in(struct store *, const struct config *, const struct dialog_msg *,
	    struct dialog_reply *);
void	dialog_reply_free(struct dialog_reply *);

struct parse_result;
struct venue;

/*
 * dialog_handle for a message whose meaning the caller already knows (a
 * USSD menu choice): p is acted on instead of parsing msg->text, which is
 * still stored as the inbound text.
 */
int	dialog_handle_parsed(struct store *, const struct config *,
	    const struct dialog_msg *, const struct parse_result *p, struct dialog_reply *);

/*
 * The venue a typed code means: 1 and the active venue with that code; 2
 * and the one active venue one typo away (did you mean); 0 if neither. -1 on
 * a storage error. *out is filled for 1 and 2 (free with store_venue_free).
 */
int	dialog_find_venue(struct store *, const struct config *, const char *code,
	    struct venue *out);

#endif
