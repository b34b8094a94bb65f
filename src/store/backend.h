/*
 * backend.h: what a storage backend provides, for src/store/ only. Like
 * OpenSMTPD's queue backends: each is a table of operations, picked at
 * store_open() by the first whose match() accepts the `database` setting.
 * The store_*() functions of store.h hand each call to the table of the
 * store they are given, after the rules that do not depend on the backend.
 *
 * An operation's arguments and results are those of the store_*() function
 * of the same name (store.h), unless said otherwise here.
 */
#ifndef STORE_BACKEND_H
#define STORE_BACKEND_H

/* Included after store/store.h, whose types it uses. */

/* A backend's store begins with this; the backend's own state follows. */
struct store {
	const struct store_backend	*ops;
};

struct store_backend {
	const char	*name;
	/* 1 if the `database` setting names a store of this backend. */
	int		 (*match)(const char *database);

	/* Opening, closing, tuning. */
	struct store	*(*open)(const char *database, char *err, size_t errlen);
	void		 (*close)(struct store *);
	void		 (*set_busy_timeout)(struct store *, int ms);
	int		 (*set_max_size)(struct store *, int64_t bytes);
	int		 (*checkpointer)(struct store *);
	int		 (*set_durable)(struct store *, int full);
	int		 (*version)(struct store *);
	int		 (*plan)(struct store *, const char *name, char *buf,
			    size_t len);

	/* Transactions and savepoints. */
	int		 (*begin)(struct store *);
	int		 (*begin_try)(struct store *);
	int		 (*commit)(struct store *);
	void		 (*rollback)(struct store *);
	int		 (*savepoint)(struct store *);
	int		 (*savepoint_end)(struct store *, int ok);
	int		 (*begin_later)(struct store *);
	int		 (*commit_later)(struct store *);
	int		 (*sync)(struct store *);	/* any thread */

	/* Venues. */
	/* Insert v with its code: 0 and v->id, 1 if the code is taken. */
	int		 (*venue_insert)(struct store *, struct venue *);
	int		 (*venue_by_code)(struct store *, const char *code,
			    struct venue *);
	int		 (*venue_by_id)(struct store *, int64_t id,
			    struct venue *);
	int		 (*venue_list)(struct store *, const char *ward,
			    int include_inactive,
			    int (*cb)(const struct venue *, void *), void *arg);
	int		 (*venue_set_active)(struct store *, const char *code,
			    int active);
	int		 (*venue_owned_today)(struct store *, const char *owner,
			    int64_t day_start,
			    int (*cb)(const struct venue_day *, void *),
			    void *arg);
	int		 (*venue_update)(struct store *, const char *code,
			    const char *name, const char *address,
			    const char *ward, const char *kind,
			    const char *owner, int active);
	int		 (*venue_by_call_number)(struct store *,
			    const char *number, struct venue *);
	int		 (*venue_set_call_number)(struct store *,
			    const char *code, const char *number);
	int		 (*venue_call_number)(struct store *, const char *code,
			    char *out, size_t outlen);

	/* Check-ins, declarations, sessions, subscribers. */
	/* Also told the local day of c->sent_at: [day, next). */
	int64_t		 (*checkin_add)(struct store *, const struct checkin *,
			    const char *channel, int64_t inbound_id,
			    int64_t day, int64_t next);
	int		 (*checkin_recent)(struct store *, const char *number,
			    int64_t venue_id, int64_t since, struct checkin *);
	/* Open check-ins begun since since. */
	int		 (*checkin_open)(struct store *, const char *number,
			    int64_t venue_id, int64_t since, struct checkin *);
	int		 (*checkin_close)(struct store *, int64_t id,
			    int64_t at);
	int		 (*checkin_close_all)(struct store *,
			    const char *number, int64_t at, int64_t since);
	int		 (*checkin_history)(struct store *, const char *number,
			    int limit,
			    int (*cb)(const struct checkin_seen *, void *),
			    void *arg);
	int64_t		 (*declaration_start)(struct store *,
			    const char *number, int64_t venue_id,
			    int64_t checkin_id, int64_t at);
	int		 (*declaration_answer)(struct store *, int64_t decl_id,
			    const char *question, const char *answer,
			    int flagged, int64_t at);
	int		 (*declaration_finish)(struct store *, int64_t decl_id,
			    int flagged, int64_t at);
	int		 (*declaration_last)(struct store *,
			    const char *number, int64_t *completed_at);
	int		 (*declaration_flagged)(struct store *,
			    int64_t decl_id, int *flagged);
	int		 (*session_get)(struct store *, const char *number,
			    int64_t now, struct session *);
	int		 (*session_put)(struct store *,
			    const struct session *);
	int		 (*session_clear)(struct store *, const char *number);
	int		 (*subscriber_get)(struct store *, const char *number,
			    struct subscriber *);
	int		 (*subscriber_set_lang)(struct store *,
			    const char *number, int lang);
	int		 (*subscriber_set_optout)(struct store *,
			    const char *number, int opted_out);
	int		 (*subscriber_set_help_at)(struct store *,
			    const char *number, int64_t at);
	/*
	 * Told the starts of the last hour and minute rather than now, and
	 * since when check-ins matter (open ones, the newest).
	 */
	int		 (*resident_get)(struct store *, const char *number,
			    int64_t now, int64_t since, int64_t hour,
			    int64_t minute, const char *text, struct resident *);

	/* Inbound messages, parts of long ones, USSD sessions. */
	int		 (*inbound_find)(struct store *, const char *channel,
			    const char *ext_id, char **replies);
	int64_t		 (*inbound_add)(struct store *, const char *channel,
			    const char *ext_id, const char *number,
			    const char *text, int64_t received_at);
	int		 (*inbound_set_replies)(struct store *, int64_t id,
			    const char *replies);
	int		 (*inbound_recent)(struct store *, const char *channel,
			    const char *key, double from, double until);
	/* Told the starts of the last hour and minute rather than now. */
	int		 (*inbound_recent_from)(struct store *,
			    const char *number, int64_t hour, int64_t minute,
			    const char *text, int64_t except,
			    struct inbound_recent *);
	int64_t		 (*inbound_reserve)(struct store *, int64_t at);
	int		 (*inbound_add_replies)(struct store *, int64_t id,
			    const char *channel, const char *ext_id,
			    const char *number, const char *text,
			    int64_t received_at, const char *replies);
	int		 (*part_add)(struct store *, const struct part_key *,
			    unsigned seq, const char *text, int64_t sent_at,
			    int64_t received_at, int64_t dedup_since);
	int		 (*part_take)(struct store *, const struct part_key *,
			    char **text, int64_t *sent_at);
	int		 (*part_expired)(struct store *, int64_t before,
			    struct part_set *);
	int		 (*part_forget)(struct store *, int64_t before);
	int		 (*ussd_get)(struct store *, const char *id,
			    struct ussd_session *);
	int		 (*ussd_put)(struct store *,
			    const struct ussd_session *);
	int		 (*ussd_last)(struct store *, const char *number,
			    int64_t since, struct ussd_session *);
	int		 (*ussd_end)(struct store *, const char *id, int64_t at);

	/*
	 * Generated secrets of outbound routes. get: 1 with the secret in
	 * buf, 0 if the route has none yet (or it does not fit), -1. add:
	 * keep secret for route unless it has one already: 0, -1.
	 */
	int		 (*route_secret_get)(struct store *, const char *route,
			    char *buf, size_t len);
	int		 (*route_secret_add)(struct store *, const char *route,
			    const char *secret, int64_t now);

	/* The outbox and delivery reports. */
	int64_t		 (*outbox_add)(struct store *, const char *route,
			    const char *number, const char *text, int64_t now,
			    int64_t expires_at, int64_t inbound_id);
	int		 (*outbox_due)(struct store *, const char *route,
			    double now, int limit,
			    int (*cb)(const struct outbox_msg *, void *),
			    void *arg);
	int		 (*outbox_next)(struct store *, const char *route,
			    double *at);
	int		 (*outbox_claim)(struct store *, int64_t id,
			    const char *route, int64_t now);
	/* ext_id with its matching key (store_outbox_key()), or both NULL. */
	int		 (*outbox_sent)(struct store *, int64_t id,
			    const char *ext_id, const char *ext_key,
			    int64_t now);
	int		 (*outbox_retry)(struct store *, int64_t id,
			    double next_at, const char *error, int64_t now);
	/* Only told failed or expired. */
	int		 (*outbox_final)(struct store *, int64_t id,
			    enum outbox_state, const char *error, int64_t now);
	/*
	 * A delivery report, in two steps; which state follows which is
	 * decided between them, above the backend. dlr_find: the row of
	 * route with our id (if > 0), else with ext_key: 1 with *rid and
	 * *state, 0, -1. dlr_set: from state to next if the row is still
	 * in state (1, else 0), noting dlr_state (NULL keeps it) and now;
	 * a change of state replaces the error by error (NULL: none); the
	 * row gains ext_id and ext_key if it had none.
	 */
	int		 (*outbox_dlr_find)(struct store *, int64_t id,
			    const char *route, const char *ext_key,
			    int64_t *rid, int *state);
	int		 (*outbox_dlr_set)(struct store *, int64_t id,
			    enum outbox_state state, enum outbox_state next,
			    const char *dlr_state, const char *error,
			    const char *ext_id, const char *ext_key,
			    int64_t now);
	int		 (*outbox_requeue_sending)(struct store *, int64_t now);
	int		 (*outbox_get)(struct store *, int64_t id,
			    struct outbox_msg *);
	int		 (*outbox_list)(struct store *, int state,
			    const char *route, int limit,
			    int (*cb)(const struct outbox_msg *, void *),
			    void *arg);
	int		 (*outbox_requeue)(struct store *, int64_t id,
			    int64_t now);
	int		 (*outbox_cancel)(struct store *, int64_t id,
			    int64_t now);
	int		 (*outbox_count)(struct store *,
			    int (*cb)(const char *, enum outbox_state, int64_t,
			    void *), void *arg);
	int		 (*outbox_depth)(struct store *,
			    int (*cb)(const char *, int64_t, int64_t, void *),
			    void *arg);

	/* Traces, alerts, audit, reports. */
	int		 (*trace_venue)(struct store *, int64_t venue_id,
			    int64_t from, int64_t to, int default_stay,
			    int (*cb)(const struct trace_row *, void *),
			    void *arg);
	int		 (*trace_person)(struct store *, const char *number,
			    int64_t from, int64_t to, int default_stay,
			    int (*cb)(const struct trace_row *, void *),
			    void *arg);
	int		 (*trace_contacts)(struct store *, const char *number,
			    int64_t from, int64_t to, int default_stay,
			    int (*cb)(const struct trace_row *, void *),
			    void *arg);
	int		 (*alert_numbers)(struct store *, int64_t venue_id,
			    int64_t from, int64_t to, int default_stay,
			    int (*cb)(const char *, void *), void *arg);
	int		 (*audit_add)(struct store *, const char *actor,
			    const char *action, const char *subject,
			    const char *query, int64_t records, int64_t at);
	int		 (*audit_count_subject)(struct store *,
			    const char *number, int *count);
	/*
	 * Reports are told the start of the local day holding their first
	 * time (day_from, day_since); the ward report also the first day
	 * whose check-ins are all kept (INT64_MAX: none), which the caller
	 * finds from report_oldest (1 and the oldest check-in's time, 0 if
	 * none) and report_day (the check-ins kept in [day, next) and those
	 * daily_stats counted on day).
	 */
	int		 (*report_oldest)(struct store *, int64_t *oldest);
	int		 (*report_day)(struct store *, int64_t day,
			    int64_t next, int64_t *kept, int64_t *counted);
	int		 (*report_wards)(struct store *, int64_t day_from,
			    int64_t from, int64_t to, int64_t kept,
			    int (*cb)(const struct ward_row *, void *),
			    void *arg);
	int		 (*report_inactive)(struct store *, int64_t day_since,
			    int64_t since,
			    int (*cb)(const struct venue *, int64_t, void *),
			    void *arg);
	int		 (*daily_series)(struct store *, int64_t venue_id,
			    int64_t day_from, int64_t to,
			    int (*cb)(int64_t, int64_t, void *), void *arg);

	/* Signed-in browsers of the admin listener. */
	int		 (*admin_session_add)(struct store *,
			    const struct admin_session *, int keep);
	int		 (*admin_session_get)(struct store *, const char *id_hash,
			    int64_t now, struct admin_session *);
	int		 (*admin_session_touch)(struct store *,
			    const char *id_hash, int64_t at);
	int		 (*admin_session_end)(struct store *, const char *id_hash);
	int		 (*admin_session_expire)(struct store *, int64_t now);
	int		 (*admin_session_list)(struct store *, int64_t now,
			    int (*cb)(const struct admin_session *, void *),
			    void *arg);

	/* Retention. */
	int		 (*purge)(struct store *, int64_t before, int chunk,
			    int dry_run, int64_t *deleted);

	/* Officials' reads on threads of their own (store_open_reader). */
	struct store	*(*open_reader)(const char *database, char *err,
			    size_t errlen);
	int		 (*deadline)(struct store *, int ms);
	int		 (*timed_out)(struct store *);
	void		 (*interrupt)(struct store *);
	/* The ward's own workflow (issue 18), as in store.h unless said here. */
	int		 (*venue_life)(struct store *, int64_t venue_id,
			    struct venue_life *);
	/* Mark a venue just inserted as listed. */
	int		 (*venue_set_listed)(struct store *, int64_t venue_id);
	/* Give a listed venue code, active: 0, 1 code taken, 2 not listed. */
	int		 (*venue_set_code)(struct store *, int64_t venue_id,
			    const char *code);
	int		 (*venue_commit)(struct store *, int64_t venue_id,
			    int64_t at, const char *by, const char *recorder);
	int		 (*venue_coords)(struct store *, int64_t venue_id,
			    int has, double lat, double lon);
	int		 (*inspector_add)(struct store *,
			    const struct inspector *);
	int		 (*inspector_del)(struct store *, const char *number);
	int		 (*inspector_get)(struct store *, const char *number,
			    struct inspector *);
	int		 (*inspector_list)(struct store *,
			    int (*cb)(const struct inspector *, void *),
			    void *arg);
	int64_t		 (*inspection_add)(struct store *,
			    const struct inspection *);
	int		 (*inspection_list)(struct store *, const char *ward,
			    int64_t from, int64_t to,
			    int (*cb)(const struct inspection *, void *),
			    void *arg);
	int		 (*inspection_last)(struct store *, int64_t venue_id,
			    struct inspection *);
	int64_t		 (*registration_add)(struct store *,
			    const struct registration *);
	int		 (*registration_get)(struct store *, int64_t id,
			    struct registration *);
	int		 (*registration_open)(struct store *,
			    const char *number, struct registration *);
	int		 (*registration_set)(struct store *, const char *from,
			    const struct registration *);
	int		 (*registration_list)(struct store *, const char *ward,
			    const char *state,
			    int (*cb)(const struct registration *, void *),
			    void *arg);
	int		 (*ward_names)(struct store *,
			    int (*cb)(const char *, void *), void *arg);
	int		 (*checkin_places)(struct store *, const char *number,
			    int64_t since, int64_t until, int64_t except,
			    int (*cb)(const struct checkin_place *, void *),
			    void *arg);
	int64_t		 (*flag_add)(struct store *, int64_t checkin_id,
			    int64_t venue_id, int64_t prev_checkin_id,
			    int64_t prev_venue_id, int64_t distance_m,
			    int64_t seconds, int64_t at);
	int		 (*flag_list)(struct store *, const char *ward,
			    int64_t from, int64_t to,
			    int (*cb)(const struct flag_row *, void *),
			    void *arg);
	int		 (*report_life)(struct store *, int64_t day_from,
			    int64_t from, int64_t to,
			    int (*cb)(const struct ward_life *, void *),
			    void *arg);
	int		 (*audit_add_scoped)(struct store *, const char *actor,
			    const char *action, const char *subject,
			    const char *query, const char *scope,
			    int64_t records, int64_t at);

	/*
	 * A route's shared token bucket: *granted as store_route_take's,
	 * *left the tokens left after the grant (store.c makes the wait).
	 */
	int		 (*route_take)(struct store *, const char *route,
			    double rate, double burst, int want, double now,
			    int *granted, double *left);
};

/* The backends built in. */
extern const struct store_backend	store_backend_sqlite;
extern const struct store_backend	store_backend_postgresql;

#endif
