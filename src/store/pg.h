/*
 * pg.h: the PostgreSQL backend of the store, shared by src/store/pg*.c and
 * by no other file. pg.c connects, runs statements (pg_exec) and holds the
 * backend's table of operations; pg-schema.c migrates; each pg-SUBJECT.c
 * holds the operations of its subject. The tables and columns are those of
 * the SQLite backend (sqlite-schema.c), with PostgreSQL's types: INTEGER is
 * BIGINT, REAL is DOUBLE PRECISION, ids are identity columns.
 *
 * An operation's arguments and results are those of backend.h (and the
 * store_*() function of the same name in store.h).
 */
#ifndef STORE_PG_H
#define STORE_PG_H

/* Included after <libpq-fe.h>, store/store.h and store/backend.h. */

struct pg_store {
	struct store	 store;
	PGconn		*conn;
	char		*database;	/* the `database` setting (a URI) */
	int		 depth;		/* open transaction (1) and savepoints */
	int		 reader;	/* opened by pg_open_reader */
	int		 deadline_ms;	/* of a reader's statements; 0: none */
	int		 timed_out;	/* the last statement hit the deadline */
	/* Session settings, set again on a new connection (pg.c). */
	int		 busy_ms;	/* lock_timeout; -1: the server's */
	int		 lazy;		/* synchronous_commit off */
	/* Reconnecting after a lost connection (pg.c). */
	double		 retry_at;	/* no new attempt before (num_mono) */
	double		 retry_wait;	/* seconds to the next attempt */
	double		 failed_at;	/* last failure logged (num_mono) */
	int		 failures;	/* attempts failed since the loss */
	int		 gone;		/* the loss is logged */
	int		 stale;		/* session not set up: connect anew */
	int		 bad_logged;	/* a statement failed on it: logged */
	/*
	 * Aggregate bumps (daily_stats, ward_days) held until COMMIT and
	 * written then in key order, so that two nodes' transactions never
	 * take the same rows' locks in opposite orders (pg-resident.c).
	 */
	struct pg_held	*held;
	/* Statements prepared on this connection, by their SQL (pg.c). */
	struct pg_prepared	*prepared;
	size_t		 nprepared;
};

#define PG(s)	((struct pg_store *)(s))

/*
 * Run sql, a string constant (it is prepared once per connection, keyed by
 * its address), with n text parameters ($1..$n; NULL is SQL NULL). The
 * result if the statement succeeded (PGRES_TUPLES_OK or PGRES_COMMAND_OK),
 * to be freed with PQclear; NULL after logging what failed, as `what'.
 */
PGresult	*pg_exec(struct pg_store *, const char *what, const char *sql,
		    int n, const char *const *params);
/* As pg_exec for a statement whose rows are not wanted: 0, or -1. */
int		 pg_run(struct pg_store *, const char *what, const char *sql,
		    int n, const char *const *params);
/* As pg_run, also telling the rows changed (PQcmdTuples). */
int		 pg_run_changed(struct pg_store *, const char *what,
		    const char *sql, int n, const char *const *params,
		    int64_t *changed);

/* As pg_exec for a statement answering one number (an id): it, or -1. */
int64_t		 pg_id(struct pg_store *, const char *what, const char *sql,
		    int n, const char *const *params);

/* A parameter in text: the buffer it is written into. */
#define PG_NUM	32
const char	*pg_i64(char buf[PG_NUM], int64_t);
const char	*pg_dbl(char buf[PG_NUM], double);

/* A column of a result row: 0 (or NULL) when SQL NULL. */
int64_t		 pg_get_i64(const PGresult *, int row, int col);
double		 pg_get_dbl(const PGresult *, int row, int col);
const char	*pg_get_str(const PGresult *, int row, int col);
int		 pg_is_null(const PGresult *, int row, int col);
/* Copy a column into buf (len bytes, always terminated); "" when NULL. */
void		 pg_get_buf(const PGresult *, int row, int col, char *buf,
		    size_t len);

/*
 * The held bumps (pg-resident.c): written in key order before COMMIT (0,
 * -1); forgotten from savepoint depth on (0: all, at a rollback).
 */
int		 pg_held_flush(struct pg_store *);
/* The check-ins (and people) held for a venue-day, not yet in daily_stats. */
int64_t		 pg_held_pending(struct pg_store *, int64_t venue_id,
		    int64_t day, int64_t *people);
void		 pg_held_forget(struct pg_store *, int depth);

/* Migrate the schema to the current version (pg-schema.c). */
int		 pg_schema_migrate(struct pg_store *, char *err, size_t errlen);

/* The backend's operations, by the file that holds them. */

/* pg.c */
void pg_close(struct store *);
void pg_set_busy_timeout(struct store *, int ms);
int pg_set_max_size(struct store *, int64_t bytes);
int pg_checkpointer(struct store *);
int pg_set_durable(struct store *, int full);
int pg_version(struct store *);
int pg_plan(struct store *, const char *name, char *buf, size_t len);
int pg_begin(struct store *);
int pg_begin_try(struct store *);
int pg_commit(struct store *);
void pg_rollback(struct store *);
int pg_savepoint(struct store *);
int pg_savepoint_end(struct store *, int ok);
int pg_begin_later(struct store *);
int pg_commit_later(struct store *);
int pg_sync(struct store *);
struct store *pg_open_reader(const char *database, char *err, size_t errlen);
int pg_deadline(struct store *, int ms);
int pg_timed_out(struct store *);
void pg_interrupt(struct store *);
struct store *pg_open(const char *database, char *err, size_t errlen);

/* pg-admin.c */
int pg_route_secret_get(struct store *, const char *route, char *buf, size_t len);
int pg_route_secret_add(struct store *, const char *route, const char *secret, int64_t now);
int pg_admin_session_add(struct store *, const struct admin_session *, int keep);
int pg_admin_session_get(struct store *, const char *id_hash, int64_t now, struct admin_session *);
int pg_admin_session_touch(struct store *, const char *id_hash, int64_t at);
int pg_admin_session_end(struct store *, const char *id_hash);
int pg_admin_session_expire(struct store *, int64_t now);
int pg_admin_session_list(struct store *, int64_t now, int (*cb)(const struct admin_session *, void *), void *arg);
int pg_audit_add(struct store *, const char *actor, const char *action, const char *subject, const char *query, int64_t records, int64_t at);
int pg_audit_count_subject(struct store *, const char *number, int *count);
int pg_audit_add_scoped(struct store *, const char *actor, const char *action, const char *subject, const char *query, const char *scope, int64_t records, int64_t at);

/* pg-resident.c */
int64_t pg_checkin_add(struct store *, const struct checkin *, const char *channel, int64_t inbound_id, int64_t day, int64_t next);
int pg_checkin_recent(struct store *, const char *number, int64_t venue_id, int64_t since, struct checkin *);
int pg_checkin_open(struct store *, const char *number, int64_t venue_id, int64_t since, struct checkin *);
int pg_checkin_close(struct store *, int64_t id, int64_t at);
int pg_checkin_close_all(struct store *, const char *number, int64_t at, int64_t since);
int pg_checkin_history(struct store *, const char *number, int limit, int (*cb)(const struct checkin_seen *, void *), void *arg);
int64_t pg_declaration_start(struct store *, const char *number, int64_t venue_id, int64_t checkin_id, int64_t at);
int pg_declaration_answer(struct store *, int64_t decl_id, const char *question, const char *answer, int flagged, int64_t at);
int pg_declaration_finish(struct store *, int64_t decl_id, int flagged, int64_t at);
int pg_declaration_last(struct store *, const char *number, int64_t *completed_at);
int pg_declaration_flagged(struct store *, int64_t decl_id, int *flagged);
int pg_session_get(struct store *, const char *number, int64_t now, struct session *);
int pg_session_put(struct store *, const struct session *);
int pg_session_clear(struct store *, const char *number);
int pg_subscriber_get(struct store *, const char *number, struct subscriber *);
int pg_subscriber_set_lang(struct store *, const char *number, int lang);
int pg_subscriber_set_optout(struct store *, const char *number, int opted_out);
int pg_subscriber_set_help_at(struct store *, const char *number, int64_t at);
int pg_resident_get(struct store *, const char *number, int64_t now, int64_t since, int64_t hour, int64_t minute, const char *text, struct resident *);
int pg_inbound_find(struct store *, const char *channel, const char *ext_id, char **replies);
int64_t pg_inbound_add(struct store *, const char *channel, const char *ext_id, const char *number, const char *text, int64_t received_at);
int pg_inbound_set_replies(struct store *, int64_t id, const char *replies);
int pg_inbound_recent(struct store *, const char *channel, const char *key, double from, double until);
int pg_inbound_recent_from(struct store *, const char *number, int64_t hour, int64_t minute, const char *text, int64_t except, struct inbound_recent *);
int64_t pg_inbound_reserve(struct store *, int64_t at);
int pg_inbound_add_replies(struct store *, int64_t id, const char *channel, const char *ext_id, const char *number, const char *text, int64_t received_at, const char *replies);
int pg_part_add(struct store *, const struct part_key *, unsigned seq, const char *text, int64_t sent_at, int64_t received_at, int64_t dedup_since);
int pg_part_take(struct store *, const struct part_key *, char **text, int64_t *sent_at);
int pg_part_expired(struct store *, int64_t before, struct part_set *);
int pg_part_forget(struct store *, int64_t before);
int pg_ussd_get(struct store *, const char *id, struct ussd_session *);
int pg_ussd_put(struct store *, const struct ussd_session *);
int pg_ussd_last(struct store *, const char *number, int64_t since, struct ussd_session *);
int pg_ussd_end(struct store *, const char *id, int64_t at);
int pg_checkin_places(struct store *, const char *number, int64_t since, int64_t until, int64_t except, int (*cb)(const struct checkin_place *, void *), void *arg);
int64_t pg_flag_add(struct store *, int64_t checkin_id, int64_t venue_id, int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m, int64_t seconds, int64_t at);

/* pg-outbox.c */
int64_t pg_outbox_add(struct store *, const char *route, const char *number, const char *text, int64_t now, int64_t expires_at, int64_t inbound_id);
int pg_outbox_due(struct store *, const char *route, double now, int limit, int (*cb)(const struct outbox_msg *, void *), void *arg);
int pg_outbox_next(struct store *, const char *route, double *at);
int pg_outbox_claim(struct store *, int64_t id, const char *route, int64_t now);
int pg_outbox_sent(struct store *, int64_t id, const char *ext_id, const char *ext_key, int64_t now);
int pg_outbox_retry(struct store *, int64_t id, double next_at, const char *error, int64_t now);
int pg_outbox_final(struct store *, int64_t id, enum outbox_state, const char *error, int64_t now);
int pg_outbox_dlr_find(struct store *, int64_t id, const char *route, const char *ext_key, int64_t *rid, int *state);
int pg_outbox_dlr_set(struct store *, int64_t id, enum outbox_state state, enum outbox_state next, const char *dlr_state, const char *error, const char *ext_id, const char *ext_key, int64_t now);
int pg_outbox_requeue_sending(struct store *, int64_t now);
int pg_outbox_get(struct store *, int64_t id, struct outbox_msg *);
int pg_outbox_list(struct store *, int state, const char *route, int limit, int (*cb)(const struct outbox_msg *, void *), void *arg);
int pg_outbox_requeue(struct store *, int64_t id, int64_t now);
int pg_outbox_cancel(struct store *, int64_t id, int64_t now);
int pg_outbox_count(struct store *, int (*cb)(const char *, enum outbox_state, int64_t, void *), void *arg);
int pg_outbox_depth(struct store *, int (*cb)(const char *, int64_t, int64_t, void *), void *arg);
int pg_route_take(struct store *, const char *route, double rate, double burst, int want, double now, int *granted, double *left);

/* pg-officials.c */
int pg_venue_insert(struct store *, struct venue *);
int pg_venue_by_code(struct store *, const char *code, struct venue *);
int pg_venue_by_id(struct store *, int64_t id, struct venue *);
int pg_venue_list(struct store *, const char *ward, int include_inactive, int (*cb)(const struct venue *, void *), void *arg);
int pg_venue_set_active(struct store *, const char *code, int active);
int pg_venue_owned_today(struct store *, const char *owner, int64_t day_start, int (*cb)(const struct venue_day *, void *), void *arg);
int pg_venue_update(struct store *, const char *code, const char *name, const char *address, const char *ward, const char *kind, const char *owner, int active);
int pg_venue_by_call_number(struct store *, const char *number, struct venue *);
int pg_venue_set_call_number(struct store *, const char *code, const char *number);
int pg_venue_call_number(struct store *, const char *code, char *out, size_t outlen);
int pg_trace_venue(struct store *, int64_t venue_id, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);
int pg_trace_person(struct store *, const char *number, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);
int pg_trace_contacts(struct store *, const char *number, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg);
int pg_alert_numbers(struct store *, int64_t venue_id, int64_t from, int64_t to, int default_stay, int (*cb)(const char *, void *), void *arg);
int pg_report_oldest(struct store *, int64_t *oldest);
int pg_report_day(struct store *, int64_t day, int64_t next, int64_t *kept, int64_t *counted);
int pg_report_wards(struct store *, int64_t day_from, int64_t from, int64_t to, int64_t kept, int (*cb)(const struct ward_row *, void *), void *arg);
int pg_report_inactive(struct store *, int64_t day_since, int64_t since, int (*cb)(const struct venue *, int64_t, void *), void *arg);
int pg_daily_series(struct store *, int64_t venue_id, int64_t day_from, int64_t to, int (*cb)(int64_t, int64_t, void *), void *arg);
int pg_purge(struct store *, int64_t before, int chunk, int dry_run, int64_t *deleted);
int pg_venue_life(struct store *, int64_t venue_id, struct venue_life *);
int pg_venue_set_listed(struct store *, int64_t venue_id);
int pg_venue_set_code(struct store *, int64_t venue_id, const char *code);
int pg_venue_commit(struct store *, int64_t venue_id, int64_t at, const char *by, const char *recorder);
int pg_venue_coords(struct store *, int64_t venue_id, int has, double lat, double lon);
int pg_inspector_add(struct store *, const struct inspector *);
int pg_inspector_del(struct store *, const char *number);
int pg_inspector_get(struct store *, const char *number, struct inspector *);
int pg_inspector_list(struct store *, int (*cb)(const struct inspector *, void *), void *arg);
int64_t pg_inspection_add(struct store *, const struct inspection *);
int pg_inspection_list(struct store *, const char *ward, int64_t from, int64_t to, int (*cb)(const struct inspection *, void *), void *arg);
int pg_inspection_last(struct store *, int64_t venue_id, struct inspection *);
int64_t pg_registration_add(struct store *, const struct registration *);
int pg_registration_get(struct store *, int64_t id, struct registration *);
int pg_registration_open(struct store *, const char *number, struct registration *);
int pg_registration_set(struct store *, const char *from, const struct registration *);
int pg_registration_list(struct store *, const char *ward, const char *state, int (*cb)(const struct registration *, void *), void *arg);
int pg_ward_names(struct store *, int (*cb)(const char *, void *), void *arg);
int pg_flag_list(struct store *, const char *ward, int64_t from, int64_t to, int (*cb)(const struct flag_row *, void *), void *arg);
int pg_report_life(struct store *, int64_t day_from, int64_t from, int64_t to, int (*cb)(const struct ward_life *, void *), void *arg);


#endif
