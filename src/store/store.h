/*
 * store.h: the database. This header is the whole face of storage: nothing
 * outside src/store/ speaks SQL. store_open() picks the backend by the
 * `database` setting (backend.h; SQLite for a path, in sqlite*.c), and
 * every other call goes to that backend. Times are UTC seconds; numbers
 * are E.164.
 *
 * Return conventions: functions returning int give -1 on a storage error
 * (logged), 0 for "not found" where a lookup can miss, 1 for "found", and 0
 * for success otherwise. Functions returning int64_t give a new row id, or
 * -1 on error. Strings in returned structs are owned by the struct and freed
 * with its _free function.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include "base/base.h"

struct store;

struct venue {
	int64_t	 id;
	char	 code[CODE_MAX];
	char	*name;
	char	*address;
	char	*ward;
	char	*district;
	char	*kind;
	char	*owner;		/* E.164 or NULL */
	int	 active;
	int64_t	 created_at;
};

struct checkin {
	int64_t	 id;
	int64_t	 venue_id;
	char	 number[NUMBER_MAX];
	int	 companions;
	int64_t	 sent_at;
	int64_t	 received_at;
	int64_t	 checked_out_at;	/* 0 while open */
};

/* A check-in with its venue, for a resident's own history. */
struct checkin_seen {
	struct checkin	 checkin;
	char		 code[CODE_MAX];
	const char	*venue_name;	/* valid during the callback only */
};

/* What a number's conversation is waiting for. */
enum session_kind {
	SESSION_NONE = 0,
	SESSION_QUESTION,	/* answer to question `step` of declaration decl_id */
	SESSION_DIDYOUMEAN,	/* "1" checks in at venue_id with companions */
	SESSION_COUNT,		/* a number 0..20 checks in at venue_id with that many */
	SESSION_REGISTER,	/* "1" confirms registration decl_id (issue 18) */
};

struct session {
	char			number[NUMBER_MAX];
	enum session_kind	kind;
	int64_t			venue_id;
	int64_t			decl_id;
	int			step;		/* index of the pending question */
	int			companions;
	char			qset[64];	/* the question set (venue kind) */
	int64_t			expires_at;
};

struct subscriber {
	int	lang;		/* enum lang, or -1 when never chosen */
	int	opted_out;	/* no exposure alerts */
	int64_t	help_at;	/* last unprompted help reply, 0 never */
};

/* Today's figures for one venue, for its owner. */
struct venue_day {
	char		 code[CODE_MAX];
	const char	*name;		/* valid during the callback only */
	int		 checkins;
	int		 people;
};

/*
 * Open the store the `database` setting names: a path is an SQLite file
 * (created with its folder if missing, switched to WAL, migrated up to the
 * current schema, its statements prepared); a postgresql:// URI is refused
 * until that backend is built. NULL and a reason in err on failure.
 */
struct store	*store_open(const char *database, char *err, size_t errlen);
const char	*store_shown(const char *database, char *buf, size_t len);
void		 store_close(struct store *);
/*
 * How long a statement waits for another process's write lock (default 5 s,
 * right for checkinctl). The daemon waits briefly and answers "retry later"
 * instead, so that its event loop never stalls behind a long export.
 */
void		 store_set_busy_timeout(struct store *, int ms);
/*
 * Let the database file grow to at most this many bytes (rounded down to
 * 4 KiB pages; 0: no limit): beyond it every write fails as if the disk
 * were full, and is answered so that its sender retries.
 */
int		 store_set_max_size(struct store *, int64_t bytes);
/*
 * Move WAL checkpoints to a thread with its own connection: commits then
 * only append to the WAL and never write the database file back on the
 * caller's thread (the daemon's event loop). Stopped by store_close.
 */
int		 store_checkpointer(struct store *);
/*
 * Durability of the following commits (outside a transaction): full, every
 * commit reaches the disk (the default: nothing is acknowledged before);
 * or not, for work that is simply redone after a crash (a purge).
 */
int		 store_set_durable(struct store *, int full);
/* The schema version (PRAGMA user_version). */
int		 store_version(struct store *);

/* Transactions: everything a message changes is committed together. */
int	store_begin(struct store *);
/*
 * Begin, or find the database locked by another connection (checkinctl,
 * the checkpointer's restart) after the busy timeout: 0 begun, 1 locked
 * (nothing logged: try again from a timer), -1 an error.
 */
int	store_begin_try(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);
/*
 * Nested work inside a transaction: store_savepoint_end(s, 1) keeps it,
 * store_savepoint_end(s, 0) undoes it alone (and returns -1), leaving the
 * transaction usable for the rest of a group commit.
 */
int	store_savepoint(struct store *);
int	store_savepoint_end(struct store *, int ok);
/*
 * A transaction whose commit may leave the flush to disk to store_sync, so
 * that another thread waits for the disk while this one goes on.
 * store_begin_later answers as store_begin_try; after store_commit_later
 * what was committed is durable once a store_sync begun after it returns
 * 0 (store_commit flushes it at once, as ever). store_sync may run on any
 * thread, beside the one using the store; it is a no-op when nothing was
 * left to it.
 */
int	store_begin_later(struct store *);
int	store_commit_later(struct store *);
int	store_sync(struct store *);

/*
 * Venues. store_venue_add always adds an active venue, allocating a random
 * unused code when v->code is empty; list and owned_today callbacks get
 * structs valid during the call only.
 */
int64_t	store_venue_add(struct store *, struct venue *, size_t code_payload);	/* allocates v->code, sets v->id */
int	store_venue_by_code(struct store *, const char *code, struct venue *);
int	store_venue_by_id(struct store *, int64_t id, struct venue *);
int	store_venue_list(struct store *, const char *ward, int include_inactive,
	    int (*cb)(const struct venue *, void *), void *arg);	/* cb returning non-zero stops */
int	store_venue_set_active(struct store *, const char *code, int active);	/* 0 ok, 1 no such code (!) */
int	store_venue_owned_today(struct store *, const char *owner, int64_t day_start,
	    int (*cb)(const struct venue_day *, void *), void *arg);	/* returns how many venues, -1 error */
void	store_venue_free(struct venue *);
/*
 * A venue's own phone number (E.164), called to check in there: the venue
 * of a number (1, 0 none, -1); set or clear (NULL) a venue's: 0, 1 no such
 * venue, 2 the number is another venue's, -1; read it: 1 and out, 0 none.
 */
int	store_venue_by_call_number(struct store *, const char *number, struct venue *);
int	store_venue_set_call_number(struct store *, const char *code, const char *number);
int	store_venue_call_number(struct store *, const char *code, char *out, size_t outlen);

/* Inbound messages: dedup by (channel, external id) and the replies given. */
int	store_inbound_find(struct store *, const char *channel, const char *ext_id,
	    char **replies);	/* 1 and the stored replies (a new string) if seen */
int64_t	store_inbound_add(struct store *, const char *channel, const char *ext_id,
	    const char *number, const char *text, int64_t received_at);
int	store_inbound_set_replies(struct store *, int64_t id, const char *replies);
/*
 * Messages known by a content hash rather than an id (SMPP) are stored
 * with the time they came: store_inbound_key writes that ext_id ("KEY@T",
 * T to the microsecond, ordered as text). store_inbound_recent: 1 if
 * channel has such a row of key with T in [from, until).
 */
#define STORE_KEY_MAX	160
void	store_inbound_key(char *out, size_t len, const char *key, double at);
int	store_inbound_recent(struct store *, const char *channel, const char *key, double from,
	    double until);

/* A number's recent messages, for the abuse limits. */
struct inbound_recent {
	int64_t	last_minute;		/* messages received in the last 60 s */
	int64_t	answered_hour;		/* of the last hour's, those that were answered */
	int64_t	same_answered_hour;	/* of those, with exactly this text */
};
/* Count number's messages before now, leaving out the row `except` (the one being handled). */
int	store_inbound_recent_from(struct store *, const char *number, int64_t now,
	    const char *text, int64_t except, struct inbound_recent *);
/*
 * The id the next inbound row, received at at, will have, so that the row
 * is written once, with its replies, when its handling ends
 * (store_inbound_add_replies, with the same received_at): inside a
 * transaction only. -1 on error.
 */
int64_t	store_inbound_reserve(struct store *, int64_t at);
int	store_inbound_add_replies(struct store *, int64_t id, const char *channel,
	    const char *ext_id, const char *number, const char *text, int64_t received_at,
	    const char *replies);

/*
 * Parts of long messages, waiting until their set is whole. A set is named
 * by channel, sender (as received), reference and total.
 */
struct part_key {
	char		channel[64];
	char		number[64];
	unsigned	ref;
	unsigned	total;
};
struct part_set {
	struct part_key	 key;
	char		*text;		/* the parts that came, joined in order */
	int64_t		 sent_at;	/* the earliest part's, 0 unknown */
	unsigned	 got;		/* how many of key.total */
};
/*
 * Keep part seq of a set: 1 kept, 0 a copy of a part still waiting or
 * received since dedup_since (dropped).
 */
int	store_part_add(struct store *, const struct part_key *, unsigned seq, const char *text,
	    int64_t sent_at, int64_t received_at, int64_t dedup_since);
/* When all of a set's parts are there: 1, their texts joined in order (*text, a new string), the set marked done. 0 if not yet. */
int	store_part_take(struct store *, const struct part_key *, char **text, int64_t *sent_at);
/* The oldest waiting set with a part received before `before`: 1 and what came of it (free set->text), the set marked done; 0 if none. */
int	store_part_expired(struct store *, int64_t before, struct part_set *);
/* Delete done parts received before `before`. */
int	store_part_forget(struct store *, int64_t before);

/*
 * Check-ins. daily_stats is kept in step by store_checkin_add. A check-in
 * left open can be closed (by RA, by the number's next check-in) for
 * STORE_OPEN_MAX seconds after it began; an older one stays open and
 * counts default_stay in traces.
 */
#define STORE_OPEN_MAX	86400
int64_t	store_checkin_add(struct store *, const struct checkin *, const char *channel,
	    int64_t inbound_id);
int	store_checkin_recent(struct store *, const char *number, int64_t venue_id,
	    int64_t since, struct checkin *);	/* the newest at venue with sent_at >= since */
int	store_checkin_open(struct store *, const char *number, int64_t venue_id,
	    int64_t at, struct checkin *);	/* the newest open one (at venue_id, or anywhere if 0) */
int	store_checkin_close(struct store *, int64_t id, int64_t at);
int	store_checkin_close_all(struct store *, const char *number, int64_t at);
int	store_checkin_history(struct store *, const char *number, int limit,
	    int (*cb)(const struct checkin_seen *, void *), void *arg);	/* newest first */

/* Health declarations. */
int64_t	store_declaration_start(struct store *, const char *number, int64_t venue_id,
	    int64_t checkin_id, int64_t at);
int	store_declaration_answer(struct store *, int64_t decl_id, const char *question,
	    const char *answer, int flagged, int64_t at);
int	store_declaration_finish(struct store *, int64_t decl_id, int flagged, int64_t at);
int	store_declaration_last(struct store *, const char *number,
	    int64_t *completed_at);	/* 1 and the time of the newest completed one */
int	store_declaration_flagged(struct store *, int64_t decl_id,
	    int *flagged);	/* *flagged = 1 if the declaration or any of its answers is flagged */

/* Sessions: one pending step per number. */
int	store_session_get(struct store *, const char *number, int64_t now,
	    struct session *);	/* 1 if one is live (expires_at > now) */
int	store_session_put(struct store *, const struct session *);
int	store_session_clear(struct store *, const char *number);

/* Subscribers: language, alert opt-out, help throttle. */
int	store_subscriber_get(struct store *, const char *number, struct subscriber *);	/* defaults if unknown */
int	store_subscriber_set_lang(struct store *, const char *number, int lang);
int	store_subscriber_set_optout(struct store *, const char *number, int opted_out);
int	store_subscriber_set_help_at(struct store *, const char *number, int64_t at);
/*
 * What the core reads of a number before it handles a message, in one go:
 * its subscriber row, its live session, its last completed declaration,
 * the abuse limits' counts (as store_inbound_recent_from, the message being
 * handled not yet stored) and whether a check-in of it is still open.
 */
struct resident {
	struct subscriber	 sub;		/* defaults if unknown */
	struct session		 session;
	int			 has_session;
	int64_t			 declared_at;	/* the last declaration completed, 0 none */
	struct inbound_recent	 recent;
	int			 open;		/* a check-in not checked out */
	/*
	 * The sent_at of its latest check-in, 0 if none: the lookups of a
	 * check-in (a repeat, the fraud signal) are skipped when it is older
	 * than they look. A backend that does not tell sets has_last 0.
	 */
	int			 has_last;
	int64_t			 last_checkin;
};
int	store_resident_get(struct store *, const char *number, int64_t now,
	    int64_t sent_at, const char *text, struct resident *);

/* The outbox: every outgoing text, and what became of it. */
enum outbox_state {
	OUTBOX_QUEUED = 0,	/* waiting for next_at */
	OUTBOX_SENDING,		/* handed to a sender; back to queued if the daemon dies */
	OUTBOX_SENT,		/* the route accepted it */
	OUTBOX_DELIVERED,	/* a delivery report said so */
	OUTBOX_FAILED,		/* given up: rejected, max_attempts, max_age, a failed report */
	OUTBOX_EXPIRED,		/* no longer made sense (its question timed out) */
	OUTBOX_STATE_COUNT
};

struct outbox_msg {
	int64_t			 id;
	char			 route[64];
	char			 number[NUMBER_MAX];
	char			*text;
	enum outbox_state	 state;
	int			 attempts;
	int64_t			 created_at;
	double			 next_at;	/* seconds, with a fraction: retries can be short */
	int64_t			 expires_at;	/* 0: never */
	int64_t			 updated_at;
	char			*ext_id;	/* the route's message id, or NULL */
	char			*dlr_state;	/* the last delivery report's state, or NULL */
	char			*error;		/* why it was retried or failed, or NULL */
	int64_t			 inbound_id;	/* the message it answers, or 0 */
};

const char *store_outbox_state_name(enum outbox_state);
int	 store_outbox_state_parse(const char *);	/* -1 if unknown */
int64_t	store_outbox_add(struct store *, const char *route, const char *number,
	    const char *text, int64_t now, int64_t expires_at, int64_t inbound_id);
/* Queued rows of a route with next_at <= now, oldest next_at first; cb non-zero stops. */
int	store_outbox_due(struct store *, const char *route, double now, int limit,
	    int (*cb)(const struct outbox_msg *, void *), void *arg);
/* The earliest next_at of a route's queued rows: 1 and *at, or 0 if none. */
int	store_outbox_next(struct store *, const char *route, double *at);
int	store_outbox_claim(struct store *, int64_t id, const char *route, int64_t now);	/* queued -> sending, attempts+1, route set; 1 claimed, 0 not queued */
int	store_outbox_sent(struct store *, int64_t id, const char *ext_id, int64_t now);
int	store_outbox_retry(struct store *, int64_t id, double next_at, const char *error,
	    int64_t now);	/* sending -> queued */
int	store_outbox_final(struct store *, int64_t id, enum outbox_state, const char *error,
	    int64_t now);	/* -> failed or expired */
/*
 * A delivery report: match by our id (if > 0) or by (route, ext_id), with
 * ext_id compared after normalising (hex and decimal forms, leading zeros).
 * delivered: 1 delivered, 0 failed, -1 an intermediate state (only dlr_state
 * changes). 1 if a row matched, 0 if none.
 */
int	store_outbox_dlr(struct store *, int64_t id, const char *route, const char *ext_id,
	    int delivered, const char *dlr_state, int64_t now);
int	store_outbox_requeue_sending(struct store *, int64_t now);	/* at start: sending -> queued; returns how many */
int	store_outbox_get(struct store *, int64_t id, struct outbox_msg *);
int	store_outbox_list(struct store *, int state /* -1 any */, const char *route /* NULL any */,
	    int limit, int (*cb)(const struct outbox_msg *, void *), void *arg);
int	store_outbox_requeue(struct store *, int64_t id, int64_t now);	/* failed/expired -> queued, attempts 0, its age counted from now; 0 ok, 1 no such row or not final */
int	store_outbox_cancel(struct store *, int64_t id, int64_t now);	/* queued -> failed "cancelled"; 0 ok, 1 not queued */
/* How many rows each route has in each state, by route name then state. */
int	store_outbox_count(struct store *, int (*cb)(const char *route, enum outbox_state,
	    int64_t count, void *), void *arg);
void	store_outbox_free(struct outbox_msg *);

/*
 * A route's token bucket, one for every node (daemon) on the store: rate
 * tokens a second, at most burst of them (burst >= 1), each row sent or
 * settled spending one. Take up to want (>= 1) whole tokens now: *granted
 * gets how many (0..want), *wait the seconds until the bucket holds a
 * whole token again (0 if it still does). Fewer than want with a wait of
 * 0: another node was taking from the bucket at that moment; try again
 * shortly. A route the store has never seen starts with a full bucket.
 * The refill runs on the store's clock where the nodes share one
 * (PostgreSQL's clock_timestamp()), else on now (Unix seconds, with a
 * fraction). Meant inside the transaction that claims the rows: a rollback
 * gives the tokens back, and the bucket is held until it ends.
 */
int	store_route_take(struct store *, const char *route, double rate, double burst,
	    int want, double now, int *granted, double *wait);

/*
 * Tracing. A stay runs from sent_at to checked_out_at, or for default_stay
 * seconds when it was never closed; a stay is "in" a window [from, to) when
 * it overlaps it.
 */
struct trace_row {
	char		 number[NUMBER_MAX];
	int		 companions;
	int64_t		 sent_at;
	int64_t		 received_at;
	int64_t		 checked_out_at;	/* 0 if open */
	int64_t		 stay_end;		/* checked_out_at or sent_at + default_stay */
	char		 code[CODE_MAX];
	const char	*venue_name;		/* valid during the callback */
	const char	*ward;
	const char	*address;
	/* contacts only: whose stay overlapped, and by how much */
	char		 contact_of[NUMBER_MAX];	/* the traced number */
	int64_t		 overlap_from;
	int64_t		 overlap_to;
};

int	store_trace_venue(struct store *, int64_t venue_id, int64_t from, int64_t to,
	    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);	/* ordered by sent_at */
int	store_trace_person(struct store *, const char *number, int64_t from, int64_t to,
	    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);
/* Everyone else whose stay at the same venue overlapped one of number's stays in the window. */
int	store_trace_contacts(struct store *, const char *number, int64_t from, int64_t to,
	    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);

/* Audit: who read personal data, what they asked, how many records came back. */
int	store_audit_add(struct store *, const char *actor, const char *action,
	    const char *subject, const char *query, int64_t records, int64_t at);

/* Exposure alerts: the distinct numbers at a venue in the window, not opted out. */
int	store_alert_numbers(struct store *, int64_t venue_id, int64_t from, int64_t to,
	    int default_stay, int (*cb)(const char *number, void *), void *arg);

/* The ward report for [from, to): one row per ward, ordered by ward. */
struct ward_row {
	const char	*ward;
	int64_t		 venues;		/* active venues with a code */
	int64_t		 venues_used;		/* of them, with at least one check-in in the period */
	int64_t		 checkins;
	int64_t		 visitors;		/* distinct numbers (within retention; daily sums beyond) */
	int64_t		 flagged;		/* flagged declarations at the ward's venues */
};
int	store_report_wards(struct store *, int64_t from, int64_t to,
	    int (*cb)(const struct ward_row *, void *), void *arg);
/* Active venues with no check-in since `since` (by daily_stats), by ward then name. */
int	store_report_inactive(struct store *, int64_t since,
	    int (*cb)(const struct venue *, int64_t last_checkin /* 0 never */, void *), void *arg);

/*
 * Check-ins per local day of [from, to) from daily_stats, of one venue or of
 * all (venue_id 0), oldest first; days without any are not given. cb non-zero stops.
 */
int	store_daily_series(struct store *, int64_t venue_id, int64_t from, int64_t to,
	    int (*cb)(int64_t day, int64_t checkins, void *), void *arg);

/*
 * Retention: delete at most `chunk` personal rows (check-ins, declarations and
 * answers, inbound texts, settled outbox rows, expired sessions) older than
 * `before`, oldest first. *deleted gets how many went; 0 means nothing is left.
 * daily_stats stay. dry_run counts what would go (chunk ignored) and deletes nothing.
 */
int	store_purge(struct store *, int64_t before, int chunk, int dry_run, int64_t *deleted);

/* Venue edits for the admin API: NULL fields stay as they are; active -1 leaves it. */
int	store_venue_update(struct store *, const char *code, const char *name,
	    const char *address, const char *ward, const char *kind, const char *owner,
	    int active);	/* 0 ok, 1 no such code */

/* The outbox for /metrics: queued rows and the oldest queued row's created_at per route. */
int	store_outbox_depth(struct store *, int (*cb)(const char *route, int64_t queued,
	    int64_t oldest, void *), void *arg);

/* USSD sessions, keyed by the operator's session id. */
struct ussd_session {
	char	 id[128];		/* the operator's session id */
	char	 number[NUMBER_MAX];
	char	 screen[32];		/* the menu screen waiting for input */
	char	 data[256];		/* the screen's state (code typed so far, venue id, ...) */
	int	 lang;
	int64_t	 updated_at;
	int	 ended;			/* 1 once END was sent or the network ended it */
};
int	store_ussd_get(struct store *, const char *id, struct ussd_session *);	/* 1 found */
int	store_ussd_put(struct store *, const struct ussd_session *);
/* The newest unfinished session of a number updated at or after since: 1 found. */
int	store_ussd_last(struct store *, const char *number, int64_t since, struct ussd_session *);
int	store_ussd_end(struct store *, const char *id, int64_t at);

/*
 * The secret of an outbound route's delivery reports when the configuration
 * gives none: made (random, hex) and kept at first use, the same ever after,
 * in buf (at least STORE_SECRET_LEN + 1 bytes). 0, or -1.
 */
#define STORE_SECRET_LEN	64
int	store_route_secret(struct store *, const char *route, char *buf, size_t len);

/*
 * Give every outbound route of a configuration without a dlr_secret its
 * kept one (store_route_secret), so that its delivery-report URLs carry it
 * and its reports are checked against it. 0, or -1 (logged).
 */
struct config;
int	store_dlr_secrets(struct store *, struct config *);

/* How many times officials looked up this number's records (audit rows naming it). */
int	store_audit_count_subject(struct store *, const char *number, int *count);

/*
 * A browser signed in to the admin listener with a token. Only a hash of
 * the cookie's value is kept, never the value, and the token's name and
 * the SHA-256 the configuration gave it: a reload that changes or removes
 * the token ends the session. Hashes are 64 lower-case hex digits.
 */
#define STORE_HASH_HEX		65	/* a SHA-256 in hex, with its NUL */
#define STORE_TOKEN_NAME	64	/* a token's name, with its NUL */
struct admin_session {
	char	 id_hash[STORE_HASH_HEX];
	char	 token_name[STORE_TOKEN_NAME];
	char	 token_sha256[STORE_HASH_HEX];
	int64_t	 created_at;
	int64_t	 used_at;
	int64_t	 expires_at;
};
/* Add a session; of its token's, only the keep newest stay. */
int	store_admin_session_add(struct store *, const struct admin_session *, int keep);
/* The session of that id hash if it has not expired by now: 1 found. */
int	store_admin_session_get(struct store *, const char *id_hash, int64_t now,
	    struct admin_session *);
int	store_admin_session_touch(struct store *, const char *id_hash, int64_t at);
int	store_admin_session_end(struct store *, const char *id_hash);
/* End the sessions that expired by now. */
int	store_admin_session_expire(struct store *, int64_t now);
/* The sessions not expired by now, by token name and age; cb's non-zero stops. */
int	store_admin_session_list(struct store *, int64_t now,
	    int (*cb)(const struct admin_session *, void *), void *arg);

/*
 * SQLite's plan for one of the store's statements, by name: "trace_venue",
 * "trace_person", "trace_contacts", "alert_numbers", "report_wards",
 * "report_inactive", "report_kept_from", "report_day_raw",
 * "report_day_stats", "purge_checkins", "purge_answers",
 * "purge_declarations", "purge_inbound", "purge_outbox", "purge_ussd",
 * "purge_sessions", "declaration_flagged", "outbox_depth", "ussd_last",
 * "admin_session_get".
 * The EXPLAIN QUERY PLAN steps joined with "; " in buf: for tests and
 * diagnostics (an index that stopped being used shows as a SCAN). 1 done,
 * 0 no such name, -1 error.
 */
int	store_plan(struct store *, const char *name, char *buf, size_t len);

/*
 * A connection of the same database for reads only, to be used by one
 * thread of its own (the daemon's reader threads): no migration, no
 * write; it reads a snapshot beside the daemon's writer. NULL and a
 * reason in err if it cannot be opened (an in-memory database has none).
 * Closed by store_close.
 */
struct store	*store_open_reader(const char *database, char *err, size_t errlen);
/*
 * Interrupt the statements of a reader that run past ms milliseconds from
 * now (0: no deadline); the interrupted call fails (-1) and
 * store_timed_out() then says 1 until the next store_deadline().
 */
int		 store_deadline(struct store *, int ms);
int		 store_timed_out(struct store *);
/* Interrupt what a reader runs now, from another thread (a stop). */
void		 store_interrupt(struct store *);

/*
 * The ward's own workflow (issue 18): a venue's life, inspectors and
 * inspections, registrations by SMS, fraud flags and the ward figures they
 * add. Strings are copied into the structs (cut to fit).
 */
#define STORE_TEXT_MAX	256	/* bytes of a name, address, note, reason */
#define STORE_WARD_MAX	128	/* bytes of a ward */

/* Beyond struct venue: listed (no code yet), committed, where it is. */
struct venue_life {
	int	 listed;		/* 1: a known business with no code yet */
	int64_t	 committed_at;		/* 0: no commitment signed */
	char	 committed_by[STORE_TEXT_MAX];	/* who signed */
	char	 committed_recorder[STORE_TOKEN_NAME];	/* who recorded it */
	int	 has_coords;
	double	 lat;
	double	 lon;
};
int	store_venue_life(struct store *, int64_t venue_id, struct venue_life *);	/* 1 found */
/* Add a listed business (no code: the code column holds a placeholder), inactive. */
int64_t	store_venue_add_listed(struct store *, struct venue *);
/* A listed venue gets a fresh code and becomes active: 0 and code, 1 not listed (or none). */
int	store_venue_activate(struct store *, int64_t venue_id, size_t code_payload,
	    char code[CODE_MAX]);
int	store_venue_commit(struct store *, int64_t venue_id, int64_t at, const char *by,
	    const char *recorder);	/* 0, 1 no such venue */
int	store_venue_coords(struct store *, int64_t venue_id, int has, double lat,
	    double lon);	/* 0, 1 no such venue */

struct inspector {
	char	 number[NUMBER_MAX];
	char	 name[STORE_TEXT_MAX];
	char	 ward[STORE_WARD_MAX];	/* "" the district's */
	int64_t	 created_at;
};
int	store_inspector_add(struct store *, const struct inspector *);	/* added or replaced */
int	store_inspector_del(struct store *, const char *number);	/* 0, 1 none */
int	store_inspector_get(struct store *, const char *number, struct inspector *);	/* 1 found */
int	store_inspector_list(struct store *, int (*cb)(const struct inspector *, void *),
	    void *arg);

struct inspection {
	int64_t	 id;
	int64_t	 venue_id;
	char	 code[CODE_MAX];		/* the venue's */
	char	 venue[STORE_TEXT_MAX];
	char	 ward[STORE_WARD_MAX];
	int64_t	 at;
	char	 inspector[STORE_TEXT_MAX];
	char	 result[16];			/* compliant, violation, closed */
	char	 note[STORE_TEXT_MAX * 2];
	int64_t	 fine;				/* -1: none */
	char	 channel[16];			/* api, dashboard, sms */
};
int64_t	store_inspection_add(struct store *, const struct inspection *);
/* Inspections at in [from, to), newest first, of one ward or all (NULL). */
int	store_inspection_list(struct store *, const char *ward, int64_t from, int64_t to,
	    int (*cb)(const struct inspection *, void *), void *arg);
/* A venue's newest inspection: 1 found. */
int	store_inspection_last(struct store *, int64_t venue_id, struct inspection *);

/* A registration's state: unconfirmed (its owner's 1 awaited), pending (the ward's), approved, rejected, cancelled. */
struct registration {
	int64_t	 id;
	char	 number[NUMBER_MAX];
	char	 name[STORE_TEXT_MAX];
	char	 address[STORE_TEXT_MAX];
	char	 ward[STORE_WARD_MAX];
	char	 state[16];
	char	 reason[STORE_TEXT_MAX];
	int64_t	 venue_id;			/* 0 until approved */
	int64_t	 created_at;
	int64_t	 decided_at;
	char	 decided_by[STORE_TOKEN_NAME];
};
int64_t	store_registration_add(struct store *, const struct registration *);
int	store_registration_get(struct store *, int64_t id, struct registration *);	/* 1 found */
/* The number's registration still unconfirmed or pending: 1 found. */
int	store_registration_open(struct store *, const char *number, struct registration *);
/* From state `from` to r->state with reason, venue and decider: 1 changed, 0 not in `from`. */
int	store_registration_set(struct store *, const char *from, const struct registration *);
/* Registrations of a ward (NULL all) in a state (NULL any), oldest first. */
int	store_registration_list(struct store *, const char *ward, const char *state,
	    int (*cb)(const struct registration *, void *), void *arg);
/* The wards of the venues, distinct (for matching a ward typed in an SMS). */
int	store_ward_names(struct store *, int (*cb)(const char *ward, void *), void *arg);

/* Fraud flags: a check-in far from the number's previous one, soon after it. */
struct checkin_place {
	int64_t	 checkin_id;
	int64_t	 venue_id;
	int64_t	 sent_at;
	double	 lat;
	double	 lon;
};
/* The number's check-ins with sent_at in [since, until] other than `except`, at venues with coordinates. */
int	store_checkin_places(struct store *, const char *number, int64_t since, int64_t until,
	    int64_t except, int (*cb)(const struct checkin_place *, void *), void *arg);
int64_t	store_flag_add(struct store *, int64_t checkin_id, int64_t venue_id,
	    int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m,
	    int64_t seconds, int64_t at);
struct flag_row {
	int64_t	 id;
	int64_t	 at;
	char	 code[CODE_MAX];
	char	 venue[STORE_TEXT_MAX];
	char	 ward[STORE_WARD_MAX];
	char	 prev_code[CODE_MAX];
	char	 prev_venue[STORE_TEXT_MAX];
	char	 prev_ward[STORE_WARD_MAX];
	int64_t	 distance_m;
	int64_t	 seconds;
};
/* Flags at in [from, to) at venues of one ward (NULL all), oldest first. */
int	store_flag_list(struct store *, const char *ward, int64_t from, int64_t to,
	    int (*cb)(const struct flag_row *, void *), void *arg);

/* A ward's lifecycle figures for [from, to), joined to struct ward_row by report.c. */
struct ward_life {
	const char	*ward;
	int64_t		 listed;	/* every business known: listed or with a code */
	int64_t		 with_code;	/* active, with a code */
	int64_t		 committed;	/* of them, commitment signed */
	int64_t		 used;		/* of them, with a check-in in the period */
	int64_t		 inspected;	/* venues inspected in the period */
	int64_t		 violations;	/* inspections finding a violation or closing */
	int64_t		 flags;		/* fraud flags in the period */
};
int	store_report_life(struct store *, int64_t day_from, int64_t from, int64_t to,
	    int (*cb)(const struct ward_life *, void *), void *arg);
/* An audit row with the wards the official sees (NULL: the district's). */
int	store_audit_add_scoped(struct store *, const char *actor, const char *action,
	    const char *subject, const char *query, const char *scope, int64_t records,
	    int64_t at);

#endif
