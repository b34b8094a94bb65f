/*
 * store.h: the database. This header is the whole face of storage: nothing
 * outside store.c speaks SQL. Times are UTC seconds; numbers are E.164.
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
#include "checkind.h"

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
 * Open (creating the file and its folder if missing), switch to WAL, apply
 * the numbered migrations up to the current schema, prepare statements.
 * NULL and a reason in err on failure.
 */
struct store	*store_open(const char *path, char *err, size_t errlen);
void		 store_close(struct store *);
/*
 * How long a statement waits for another process's write lock (default 5 s,
 * right for checkinctl). The daemon waits briefly and answers "retry later"
 * instead, so that its event loop never stalls behind a long export.
 */
void		 store_set_busy_timeout(struct store *, int ms);
/* The schema version (PRAGMA user_version). */
int		 store_version(struct store *);

/* Transactions: everything a message changes is committed together. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

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

/* Inbound messages: dedup by (channel, external id) and the replies given. */
int	store_inbound_find(struct store *, const char *channel, const char *ext_id,
	    char **replies);	/* 1 and the stored replies (a new string) if seen */
int64_t	store_inbound_add(struct store *, const char *channel, const char *ext_id,
	    const char *number, const char *text, int64_t received_at);
int	store_inbound_set_replies(struct store *, int64_t id, const char *replies);

/* Check-ins. daily_stats is kept in step by store_checkin_add. */
int64_t	store_checkin_add(struct store *, const struct checkin *, const char *channel,
	    int64_t inbound_id);
int	store_checkin_recent(struct store *, const char *number, int64_t venue_id,
	    int64_t since, struct checkin *);	/* the newest at venue with sent_at >= since */
int	store_checkin_open(struct store *, const char *number, int64_t venue_id,
	    struct checkin *);	/* the newest open one (at venue_id, or anywhere if 0) */
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

/* How many times officials looked up this number's records (audit rows naming it). */
int	store_audit_count_subject(struct store *, const char *number, int *count);

#endif
