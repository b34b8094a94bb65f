/*
 * sqlite.h: the SQLite backend of the store, shared by src/store/sqlite*.c
 * and by no other file. Each sqlite-SUBJECT.c holds the statements of its
 * subject (a table of struct sqlite_sql) and the operations that run them;
 * sqlite.c opens the connection, prepares every statement once and lends
 * them out reset, and holds the backend's table of operations.
 */
#ifndef STORE_SQLITE_H
#define STORE_SQLITE_H

/* Included after <sqlite3.h>, store/store.h and store/backend.h. */

/* Every statement the backend runs, prepared once at open. */
enum sqlite_stmt_id {
	STMT_BEGIN,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,
	STMT_RELEASE,
	STMT_ROLLBACK_TO,
	STMT_VERSION,
	STMT_VENUE_ADD,
	STMT_VENUE_BY_CODE,
	STMT_VENUE_BY_ID,
	STMT_VENUE_LIST,
	STMT_VENUE_SET_ACTIVE,
	STMT_VENUE_OWNED_TODAY,
	STMT_STATS_BUMP,
	STMT_CHECKIN_HISTORY,
	STMT_DECL_START,
	STMT_DECL_ANSWER,
	STMT_DECL_FINISH,
	STMT_DECL_LAST,
	STMT_DECL_FLAGGED,
	STMT_SESSION_GET,
	STMT_SESSION_PUT,
	STMT_SESSION_CLEAR,
	STMT_SUB_GET,
	STMT_SUB_SET_LANG,
	STMT_SUB_SET_OPTOUT,
	STMT_SUB_SET_HELP,
	STMT_AUDIT_COUNT,
	STMT_OUTBOX_ADD,
	STMT_OUTBOX_DUE,
	STMT_OUTBOX_NEXT,
	STMT_OUTBOX_CLAIM,
	STMT_OUTBOX_SENT,
	STMT_OUTBOX_RETRY,
	STMT_OUTBOX_FINAL,
	STMT_OUTBOX_DLR_BY_ID,
	STMT_OUTBOX_DLR_BY_KEY,
	STMT_OUTBOX_DLR_SET,
	STMT_OUTBOX_REQUEUE_SENDING,
	STMT_OUTBOX_GET,
	STMT_OUTBOX_LIST,
	STMT_OUTBOX_LIST_STATE,
	STMT_OUTBOX_REQUEUE,
	STMT_OUTBOX_CANCEL,
	STMT_OUTBOX_COUNT,
	STMT_TRACE_VENUE,
	STMT_TRACE_PERSON,
	STMT_TRACE_CONTACTS,
	STMT_TRACE_CONTACTS_B,
	STMT_AUDIT_ADD,
	STMT_ALERT_NUMBERS,
	STMT_REPORT_KEPT_FROM,
	STMT_REPORT_DAY_STATS,
	STMT_REPORT_WARDS,
	STMT_REPORT_INACTIVE,
	STMT_DAILY_SERIES,
	STMT_PURGE_CHECKINS,
	STMT_PURGE_CHECKINS_COUNT,
	STMT_PURGE_ANSWERS,
	STMT_PURGE_ANSWERS_COUNT,
	STMT_PURGE_DECLARATIONS,
	STMT_PURGE_DECLARATIONS_COUNT,
	STMT_PURGE_INBOUND,
	STMT_PURGE_INBOUND_COUNT,
	STMT_PURGE_OUTBOX,
	STMT_PURGE_OUTBOX_COUNT,
	STMT_PURGE_USSD,
	STMT_PURGE_USSD_COUNT,
	STMT_PURGE_SESSIONS,
	STMT_PURGE_SESSIONS_COUNT,
	STMT_VENUE_UPDATE,
	STMT_OUTBOX_DEPTH,
	STMT_USSD_GET,
	STMT_USSD_PUT,
	STMT_USSD_LAST,
	STMT_PART_SEEN,
	STMT_PART_ADD,
	STMT_PART_COUNT,
	STMT_PART_TEXTS,
	STMT_PART_DONE,
	STMT_PART_OLDEST,
	STMT_PART_FORGET,
	STMT_USSD_END,
	STMT_SECRET_GET,
	STMT_SECRET_ADD,
	STMT_ADMIN_SESSION_ADD,
	STMT_ADMIN_SESSION_KEEP,
	STMT_ADMIN_SESSION_GET,
	STMT_ADMIN_SESSION_TOUCH,
	STMT_ADMIN_SESSION_END,
	STMT_ADMIN_SESSION_EXPIRE,
	STMT_ADMIN_SESSION_LIST,
	STMT_DATA_VERSION,
	STMT_RESIDENT_GET,
	STMT_SYNC_NORMAL,
	STMT_SYNC_FULL,
	STMT_AGG_SEEN,
	STMT_AGG_WARD_BUMP,
	STMT_AGG_FLAG_MARK,
	STMT_AGG_FLAG_BUMP,
	STMT_PURGE_SEEN,
	STMT_PURGE_SEEN_COUNT,
	STMT_VENUE_BY_CALL_NUMBER,
	STMT_VENUE_SET_CALL_NUMBER,
	STMT_VENUE_CALL_NUMBER,
	STMT_VENUE_CALL_NUMBER_OWNER,
	STMT_VENUE_LIFE,
	STMT_VENUE_SET_LISTED,
	STMT_VENUE_SET_CODE,
	STMT_VENUE_COMMIT,
	STMT_VENUE_COORDS,
	STMT_INSPECTOR_ADD,
	STMT_INSPECTOR_DEL,
	STMT_INSPECTOR_GET,
	STMT_INSPECTOR_LIST,
	STMT_INSPECTION_ADD,
	STMT_INSPECTION_LIST,
	STMT_INSPECTION_LAST,
	STMT_REGISTRATION_ADD,
	STMT_REGISTRATION_GET,
	STMT_REGISTRATION_OPEN,
	STMT_REGISTRATION_SET,
	STMT_REGISTRATION_LIST,
	STMT_WARD_NAMES,
	STMT_CHECKIN_PLACES,
	STMT_FLAG_ADD,
	STMT_FLAG_LIST,
	STMT_REPORT_LIFE,
	STMT_AUDIT_ADD_SCOPED,
	STMT_ROUTE_TAKE,
	STMT_COUNT
};

/* A statement's SQL, in a subject's table ended by { STMT_COUNT, NULL }. */
struct sqlite_sql {
	enum sqlite_stmt_id	 id;
	const char		*sql;
};

extern const struct sqlite_sql	sqlite_base_sql[];
extern const struct sqlite_sql	sqlite_venue_sql[];
extern const struct sqlite_sql	sqlite_checkin_sql[];
extern const struct sqlite_sql	sqlite_inbound_sql[];
extern const struct sqlite_sql	sqlite_outbox_sql[];
extern const struct sqlite_sql	sqlite_report_sql[];
extern const struct sqlite_sql	sqlite_purge_sql[];
extern const struct sqlite_sql	sqlite_secret_sql[];
extern const struct sqlite_sql	sqlite_admin_session_sql[];
extern const struct sqlite_sql	sqlite_aggregate_sql[];
extern const struct sqlite_sql	sqlite_ward_sql[];

/* sqlite.c: statements and their results. */
sqlite3_stmt	*sqlite_stmt(struct store *, enum sqlite_stmt_id);
void		 sqlite_done(sqlite3_stmt *);
int		 sqlite_bind_text(sqlite3_stmt *, int, const char *);
int		 sqlite_bind_int(sqlite3_stmt *, int, int64_t);
int		 sqlite_bind_opt(sqlite3_stmt *, int, int64_t);
const char	*sqlite_col_text(sqlite3_stmt *, int);
void		 sqlite_col_copy(sqlite3_stmt *, int, char *, size_t);
int		 sqlite_run(struct store *, sqlite3_stmt *, const char *);
int		 sqlite_row(struct store *, sqlite3_stmt *, const char *);
int		 sqlite_value(struct store *, sqlite3_stmt *, const char *,
		    int64_t *, int *);
void		 sqlite_error(struct store *, const char *);
int64_t		 sqlite_last_id(struct store *);
int		 sqlite_changes(struct store *);
int		 sqlite_pragma(sqlite3 *, const char *, char *, size_t);

/*
 * sqlite.c: what a transaction begun by sqlite_begin keeps in memory until
 * it commits. daily_stats bumps wait for the commit (sqlite_stats_*, in
 * sqlite-checkins.c), one upsert a venue-day for the whole group; marks
 * are where each open savepoint began, to drop what a savepoint undoes.
 * Venues by code are held in memory (sqlite-venues.c) while no other
 * connection has written (PRAGMA data_version, looked at after each
 * BEGIN), as is the next inbound row's id.
 */
struct sqlite_bump {
	int64_t	venue_id;
	int64_t	day;
	int64_t	checkins;
	int64_t	people;
};
struct sqlite_txn {
	int			 open;		/* begun by sqlite_begin, not ended */
	struct sqlite_bump	*bumps;
	size_t			 nbumps, bumpsmax;
	size_t			*marks;
	size_t			 nmarks, marksmax;
	int64_t			 inbound_next;	/* 0: look it up */
	int64_t			 inbound_day;	/* the part inbound_next is of */
	struct sqlite_venues	*venues;	/* the cache, sqlite-venues.c */
};
struct sqlite_txn *sqlite_txn(struct store *);

/* sqlite-checkins.c: daily_stats bumps held until the commit. */
void	sqlite_stats_add(struct sqlite_txn *, int64_t venue_id, int64_t day,
	    int people);
int	sqlite_stats_flush(struct store *);
int64_t	sqlite_stats_pending(struct sqlite_txn *, int64_t venue_id, int64_t day,
	    int64_t *people);

/* sqlite-venues.c: the venue cache. */
void	sqlite_venues_clear(struct sqlite_txn *);
void	sqlite_venues_free(struct sqlite_txn *);

/*
 * sqlite-days.c: check-ins and inbound messages in day tables, the rows
 * of UTC day N in NAME_dN, and NAME_default for the rest.
 */
enum sqlite_days_kind {
	DAYS_CHECKINS,
	DAYS_INBOUND,
	SQLITE_DAYS_KINDS
};
enum sqlite_day_stmt_id {
	DSTMT_CHECKIN_ADD,
	DSTMT_CHECKIN_SEEN,
	DSTMT_CHECKIN_RECENT,
	DSTMT_CHECKIN_OPEN,
	DSTMT_CHECKIN_CLOSE,
	DSTMT_CHECKIN_CLOSE_ALL,
	DSTMT_CHECKIN_FACTS,
	DSTMT_CHECKIN_COUNT,
	DSTMT_INBOUND_FIND,
	DSTMT_INBOUND_RECENT,
	DSTMT_INBOUND_COUNTS,
	DSTMT_INBOUND_NEXT,
	DSTMT_INBOUND_ADD,
	DSTMT_INBOUND_SET_REPLIES,
	DSTMT_COUNT
};
#define SQLITE_DAY_DEFAULT	(-1)	/* the part that is NAME_default */
#define SQLITE_DAY_SLOTS	8	/* days whose statements are kept */
#define SQLITE_DAY_PARTS	16	/* the most parts one lookup reads */
/*
 * Rows are stored at times up to now (a message's sent_at is never after
 * its received_at): lookups read the days up to now and this much more,
 * for a clock set back, not the days made ahead.
 */
#define SQLITE_DAYS_SKEW	600
struct sqlite_days;
struct sqlite_days *sqlite_days_new(sqlite3 *);
void	sqlite_days_free(struct sqlite_days *);
unsigned long long sqlite_days_runs(struct sqlite_days *);
int	sqlite_days_load(struct sqlite_days *);
void	sqlite_days_changed(struct sqlite_days *);
int	sqlite_days_make(struct sqlite_days *, int64_t now, int check);
int	sqlite_days_drop(struct sqlite_days *, enum sqlite_days_kind,
	    int64_t before, int dry_run, int64_t *rows);
size_t	sqlite_days_parts(struct sqlite_days *, enum sqlite_days_kind,
	    int64_t from, int64_t to, int64_t *parts, size_t max);
int64_t	sqlite_day_for(struct sqlite_days *, enum sqlite_days_kind, int64_t t);
int64_t	sqlite_day_of(int64_t t);
int64_t	sqlite_day_of_id(int64_t id);
sqlite3_stmt *sqlite_day_stmt(struct sqlite_days *, int64_t day,
	    enum sqlite_day_stmt_id);
/* sqlite.c: the connection's days, fresh (loaded again if the schema changed). */
struct sqlite_days *sqlite_days(struct store *);

/* sqlite-schema.c */
int	sqlite_schema_migrate(sqlite3 *, char *, size_t);

/* sqlite-venues.c (and the operations of every file below, as in backend.h). */
void	sqlite_venue_fill(sqlite3_stmt *, struct venue *);

/* sqlite.c */
struct store	*sqlite_open(const char *path, char *err, size_t errlen);
void	sqlite_set_busy_timeout(struct store *, int ms);
int	sqlite_set_max_size(struct store *, int64_t bytes);
int	sqlite_checkpointer(struct store *);
int	sqlite_set_durable(struct store *, int full);
void	sqlite_close(struct store *);
int	sqlite_version(struct store *);
int	sqlite_begin(struct store *);
int	sqlite_begin_try(struct store *);
int	sqlite_commit(struct store *);
void	sqlite_rollback(struct store *);
int	sqlite_savepoint(struct store *);
int	sqlite_savepoint_end(struct store *, int ok);
int	sqlite_begin_later(struct store *);
int	sqlite_commit_later(struct store *);
int	sqlite_sync(struct store *);
int	sqlite_plan(struct store *, const char *name, char *buf, size_t len);
int	sqlite_venue_insert(struct store *, struct venue *v);
int	sqlite_venue_by_code(struct store *, const char *code,
	    struct venue *v);
int	sqlite_venue_by_id(struct store *, int64_t id, struct venue *v);
int	sqlite_venue_list(struct store *, const char *ward,
	    int include_inactive, int (*cb)(const struct venue *, void *),
	    void *arg);
int	sqlite_venue_set_active(struct store *, const char *code, int active);
int	sqlite_venue_owned_today(struct store *, const char *owner,
	    int64_t day_start, int (*cb)(const struct venue_day *, void *),
	    void *arg);
int	sqlite_venue_update(struct store *, const char *code, const char *name,
	    const char *address, const char *ward, const char *kind,
	    const char *owner, int active);
int	sqlite_venue_by_call_number(struct store *, const char *number,
	    struct venue *v);
int	sqlite_venue_set_call_number(struct store *, const char *code,
	    const char *number);
int	sqlite_venue_call_number(struct store *, const char *code, char *out,
	    size_t outlen);

/* sqlite-checkins.c */
int64_t	sqlite_checkin_add(struct store *, const struct checkin *c,
	    const char *channel, int64_t inbound_id, int64_t day, int64_t next);
int	sqlite_checkin_recent(struct store *, const char *number,
	    int64_t venue_id, int64_t since, struct checkin *c);
int	sqlite_checkin_open(struct store *, const char *number,
	    int64_t venue_id, int64_t since, struct checkin *c);
int	sqlite_checkin_close(struct store *, int64_t id, int64_t at);
int	sqlite_checkin_close_all(struct store *, const char *number,
	    int64_t at, int64_t since);
int	sqlite_checkin_history(struct store *, const char *number, int limit,
	    int (*cb)(const struct checkin_seen *, void *), void *arg);
int64_t	sqlite_declaration_start(struct store *, const char *number,
	    int64_t venue_id, int64_t checkin_id, int64_t at);
int	sqlite_declaration_answer(struct store *, int64_t decl_id,
	    const char *question, const char *answer, int flagged, int64_t at);
int	sqlite_declaration_finish(struct store *, int64_t decl_id, int flagged,
	    int64_t at);
int	sqlite_declaration_last(struct store *, const char *number,
	    int64_t *completed_at);
int	sqlite_declaration_flagged(struct store *, int64_t decl_id,
	    int *flagged);
int	sqlite_session_get(struct store *, const char *number, int64_t now,
	    struct session *ss);
int	sqlite_session_put(struct store *, const struct session *ss);
int	sqlite_session_clear(struct store *, const char *number);
int	sqlite_subscriber_get(struct store *, const char *number,
	    struct subscriber *sub);
int	sqlite_subscriber_set_lang(struct store *, const char *number,
	    int lang);
int	sqlite_subscriber_set_optout(struct store *, const char *number,
	    int opted_out);
int	sqlite_subscriber_set_help_at(struct store *, const char *number,
	    int64_t at);
int	sqlite_resident_get(struct store *, const char *number, int64_t now,
	    int64_t since, int64_t hour, int64_t minute, const char *text,
	    struct resident *r);

/* sqlite-inbound.c */
int	sqlite_inbound_find(struct store *, const char *channel,
	    const char *ext_id, char **replies);
int64_t	sqlite_inbound_add(struct store *, const char *channel,
	    const char *ext_id, const char *number, const char *text,
	    int64_t received_at);
int	sqlite_inbound_set_replies(struct store *, int64_t id,
	    const char *replies);
int	sqlite_inbound_recent(struct store *, const char *channel,
	    const char *key, double from, double until);
int	sqlite_inbound_recent_from(struct store *, const char *number,
	    int64_t hour, int64_t minute, const char *text, int64_t except,
	    struct inbound_recent *r);
int64_t	sqlite_inbound_reserve(struct store *, int64_t at);
int	sqlite_inbound_add_replies(struct store *, int64_t id,
	    const char *channel, const char *ext_id, const char *number,
	    const char *text, int64_t received_at, const char *replies);
int	sqlite_part_add(struct store *, const struct part_key *k, unsigned seq,
	    const char *text, int64_t sent_at, int64_t received_at,
	    int64_t dedup_since);
int	sqlite_part_take(struct store *, const struct part_key *k, char **text,
	    int64_t *sent_at);
int	sqlite_part_expired(struct store *, int64_t before,
	    struct part_set *set);
int	sqlite_part_forget(struct store *, int64_t before);
int	sqlite_ussd_get(struct store *, const char *id,
	    struct ussd_session *u);
int	sqlite_ussd_put(struct store *, const struct ussd_session *u);
int	sqlite_ussd_last(struct store *, const char *number, int64_t since,
	    struct ussd_session *u);
int	sqlite_ussd_end(struct store *, const char *id, int64_t at);

/* sqlite-secrets.c */
int	sqlite_route_secret_get(struct store *, const char *route, char *buf,
	    size_t len);
int	sqlite_route_secret_add(struct store *, const char *route,
	    const char *secret, int64_t now);

/* sqlite-outbox.c */
int64_t	sqlite_outbox_add(struct store *, const char *route,
	    const char *number, const char *text, int64_t now,
	    int64_t expires_at, int64_t inbound_id);
int	sqlite_outbox_due(struct store *, const char *route, double now,
	    int limit, int (*cb)(const struct outbox_msg *, void *),
	    void *arg);
int	sqlite_outbox_next(struct store *, const char *route, double *at);
int	sqlite_outbox_claim(struct store *, int64_t id, const char *route,
	    int64_t now);
int	sqlite_outbox_sent(struct store *, int64_t id, const char *ext_id,
	    const char *ext_key, int64_t now);
int	sqlite_outbox_retry(struct store *, int64_t id, double next_at,
	    const char *error, int64_t now);
int	sqlite_outbox_final(struct store *, int64_t id,
	    enum outbox_state state, const char *error, int64_t now);
int	sqlite_outbox_dlr_find(struct store *, int64_t id, const char *route,
	    const char *key, int64_t *rid, int *state);
int	sqlite_outbox_dlr_set(struct store *, int64_t id, enum outbox_state state,
	    enum outbox_state next, const char *dlr_state, const char *error,
	    const char *ext_id, const char *ext_key, int64_t now);
int	sqlite_outbox_requeue_sending(struct store *, int64_t now);
int	sqlite_outbox_get(struct store *, int64_t id, struct outbox_msg *m);
int	sqlite_outbox_list(struct store *, int state, const char *route,
	    int limit, int (*cb)(const struct outbox_msg *, void *),
	    void *arg);
int	sqlite_outbox_requeue(struct store *, int64_t id, int64_t now);
int	sqlite_outbox_cancel(struct store *, int64_t id, int64_t now);
int	sqlite_outbox_count(struct store *,
	    int (*cb)(const char *, enum outbox_state, int64_t, void *),
	    void *arg);
int	sqlite_outbox_depth(struct store *,
	    int (*cb)(const char *, int64_t, int64_t, void *), void *arg);
int	sqlite_route_take(struct store *, const char *route, double rate,
	    double burst, int want, double now, int *granted, double *left);

/* sqlite-reports.c */
int	sqlite_audit_count_subject(struct store *, const char *number,
	    int *count);
int	sqlite_audit_add(struct store *, const char *actor, const char *action,
	    const char *subject, const char *query, int64_t records,
	    int64_t at);
int	sqlite_trace_venue(struct store *, int64_t venue_id, int64_t from,
	    int64_t to, int default_stay,
	    int (*cb)(const struct trace_row *, void *), void *arg);
int	sqlite_trace_person(struct store *, const char *number, int64_t from,
	    int64_t to, int default_stay,
	    int (*cb)(const struct trace_row *, void *), void *arg);
int	sqlite_trace_contacts(struct store *, const char *number, int64_t from,
	    int64_t to, int default_stay,
	    int (*cb)(const struct trace_row *, void *), void *arg);
int	sqlite_alert_numbers(struct store *, int64_t venue_id, int64_t from,
	    int64_t to, int default_stay, int (*cb)(const char *, void *),
	    void *arg);
int	sqlite_report_oldest(struct store *, int64_t *oldest);
int	sqlite_report_day(struct store *, int64_t day, int64_t next,
	    int64_t *kept, int64_t *counted);
int	sqlite_report_wards(struct store *, int64_t day_from, int64_t from,
	    int64_t to, int64_t kept, int (*cb)(const struct ward_row *, void *),
	    void *arg);
int	sqlite_report_inactive(struct store *, int64_t day_since, int64_t since,
	    int (*cb)(const struct venue *, int64_t, void *), void *arg);
int	sqlite_daily_series(struct store *, int64_t venue_id, int64_t day_from,
	    int64_t to, int (*cb)(int64_t day, int64_t checkins, void *),
	    void *arg);

/* sqlite-sessions.c */
int	sqlite_admin_session_add(struct store *, const struct admin_session *,
	    int keep);
int	sqlite_admin_session_get(struct store *, const char *id_hash, int64_t now,
	    struct admin_session *);
int	sqlite_admin_session_touch(struct store *, const char *id_hash, int64_t at);
int	sqlite_admin_session_end(struct store *, const char *id_hash);
int	sqlite_admin_session_expire(struct store *, int64_t now);
int	sqlite_admin_session_list(struct store *, int64_t now,
	    int (*cb)(const struct admin_session *, void *), void *arg);

/* sqlite-aggregates.c */
int	sqlite_aggregates_functions(sqlite3 *);
int	sqlite_aggregates_checkin(struct store *, const struct checkin *c,
	    int64_t day);
int	sqlite_aggregates_flag(struct store *, int64_t decl_id);

/* sqlite.c: a reader's connection (officials' reads on reader threads). */
struct store	*sqlite_open_reader(const char *path, char *err, size_t errlen);
int	sqlite_deadline(struct store *, int ms);
int	sqlite_timed_out(struct store *);
void	sqlite_interrupt(struct store *);

/* sqlite-purge.c */
int	sqlite_purge(struct store *, int64_t before, int chunk, int dry_run,
	    int64_t *deleted);

/* sqlite-ward.c */
int	sqlite_venue_life(struct store *, int64_t venue_id, struct venue_life *);
int	sqlite_venue_set_listed(struct store *, int64_t venue_id);
int	sqlite_venue_set_code(struct store *, int64_t venue_id, const char *code);
int	sqlite_venue_commit(struct store *, int64_t venue_id, int64_t at,
	    const char *by, const char *recorder);
int	sqlite_venue_coords(struct store *, int64_t venue_id, int has, double lat,
	    double lon);
int	sqlite_inspector_add(struct store *, const struct inspector *);
int	sqlite_inspector_del(struct store *, const char *number);
int	sqlite_inspector_get(struct store *, const char *number, struct inspector *);
int	sqlite_inspector_list(struct store *,
	    int (*cb)(const struct inspector *, void *), void *arg);
int64_t	sqlite_inspection_add(struct store *, const struct inspection *);
int	sqlite_inspection_list(struct store *, const char *ward, int64_t from,
	    int64_t to, int (*cb)(const struct inspection *, void *), void *arg);
int	sqlite_inspection_last(struct store *, int64_t venue_id, struct inspection *);
int64_t	sqlite_registration_add(struct store *, const struct registration *);
int	sqlite_registration_get(struct store *, int64_t id, struct registration *);
int	sqlite_registration_open(struct store *, const char *number,
	    struct registration *);
int	sqlite_registration_set(struct store *, const char *from,
	    const struct registration *);
int	sqlite_registration_list(struct store *, const char *ward,
	    const char *state, int (*cb)(const struct registration *, void *),
	    void *arg);
int	sqlite_ward_names(struct store *, int (*cb)(const char *, void *),
	    void *arg);
int	sqlite_checkin_places(struct store *, const char *number, int64_t since,
	    int64_t until, int64_t except,
	    int (*cb)(const struct checkin_place *, void *), void *arg);
int64_t	sqlite_flag_add(struct store *, int64_t checkin_id, int64_t venue_id,
	    int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m,
	    int64_t seconds, int64_t at);
int	sqlite_flag_list(struct store *, const char *ward, int64_t from,
	    int64_t to, int (*cb)(const struct flag_row *, void *), void *arg);
int	sqlite_report_life(struct store *, int64_t day_from, int64_t from,
	    int64_t to, int (*cb)(const struct ward_life *, void *), void *arg);
int	sqlite_audit_add_scoped(struct store *, const char *actor,
	    const char *action, const char *subject, const char *query,
	    const char *scope, int64_t records, int64_t at);


/* The file layer gathering the daemon's WAL writes (sqlite-vfs.c). */
#define SQLITE_WALBUF_VFS	"checkind-walbuf"
/* Its name, registered on first use; NULL if it cannot be (use the default). */
const char	*sqlite_walbuf_vfs(void);

#endif
