/*
 * sqlite-outbox.c: the outbox and delivery reports, in SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

#define OUTBOX_COLUMNS \
	"id, route, number, text, state, attempts, created_at, next_at," \
	" expires_at, updated_at, ext_id, dlr_state, error, inbound_id"

const struct sqlite_sql sqlite_outbox_sql[] = {
	/*
	 * Outbox states as stored: 0 queued, 1 sending, 2 sent, 3 delivered,
	 * 4 failed, 5 expired.
	 */
	{ STMT_OUTBOX_ADD,
	    "INSERT INTO outbox (route, number, text, state, attempts, created_at,"
	    " next_at, expires_at, updated_at, inbound_id)"
	    " VALUES (?1, ?2, ?3, 0, 0, ?4, ?4, ?5, ?4, ?6)" },

	/* Walks the outbox_due index in order: no sort. */
	{ STMT_OUTBOX_DUE,
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE route = ?1 AND state = 0 AND next_at <= ?2"
	    " ORDER BY next_at, id LIMIT ?3" },

	{ STMT_OUTBOX_NEXT,
	    "SELECT min(next_at) FROM outbox WHERE route = ?1 AND state = 0" },

	/* Compare-and-set: of two claimers only one changes the row. */
	{ STMT_OUTBOX_CLAIM,
	    "UPDATE outbox SET state = 1, attempts = attempts + 1,"
	    " route = coalesce(?2, route), updated_at = ?3"
	    " WHERE id = ?1 AND state = 0" },

	/*
	 * A report can beat the HTTP answer that carries the route's id: a
	 * row already delivered or failed keeps its state and gains the id.
	 */
	{ STMT_OUTBOX_SENT,
	    "UPDATE outbox SET state = CASE state WHEN 1 THEN 2 ELSE state END,"
	    " ext_id = ?2, ext_key = ?3, sent_at = ?4, updated_at = ?4"
	    " WHERE id = ?1 AND state IN (1, 3, 4)" },

	{ STMT_OUTBOX_RETRY,
	    "UPDATE outbox SET state = 0, next_at = ?2, error = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND state = 1" },

	{ STMT_OUTBOX_FINAL,
	    "UPDATE outbox SET state = ?2, error = ?3, updated_at = ?4"
	    " WHERE id = ?1 AND state IN (0, 1)" },

	{ STMT_OUTBOX_DLR_BY_ID,
	    "SELECT id, state FROM outbox WHERE id = ?1 AND route = ?2" },

	/* Message ids get reused (SMSC counters wrap): the newest row wins. */
	{ STMT_OUTBOX_DLR_BY_KEY,
	    "SELECT id, state FROM outbox WHERE route = ?1 AND ext_key = ?2"
	    " ORDER BY id DESC LIMIT 1" },

	/* Compare-and-set on the state the report was judged against. */
	{ STMT_OUTBOX_DLR_SET,
	    "UPDATE outbox SET state = ?3, dlr_state = coalesce(?4, dlr_state),"
	    " dlr_at = ?5, updated_at = ?5,"
	    " error = CASE WHEN ?7 THEN ?6 ELSE error END,"
	    " ext_id = coalesce(ext_id, ?8), ext_key = coalesce(ext_key, ?9)"
	    " WHERE id = ?1 AND state = ?2" },

	{ STMT_OUTBOX_REQUEUE_SENDING,
	    "UPDATE outbox SET state = 0, updated_at = ?1 WHERE state = 1" },

	{ STMT_OUTBOX_GET,
	    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?1" },

	{ STMT_OUTBOX_LIST,
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE (?1 IS NULL OR route = ?1)"
	    " ORDER BY updated_at DESC, id DESC LIMIT ?2" },

	/* Walks the outbox_state index backwards. */
	{ STMT_OUTBOX_LIST_STATE,
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE state = ?3 AND (?1 IS NULL OR route = ?1)"
	    " ORDER BY updated_at DESC, id DESC LIMIT ?2" },

	/* A fresh start: the last outcome no longer describes the row. */
	{ STMT_OUTBOX_REQUEUE,
	    "UPDATE outbox SET state = 0, attempts = 0, next_at = ?2, created_at = ?2,"
	    " updated_at = ?2, error = NULL, dlr_state = NULL, dlr_at = NULL"
	    " WHERE id = ?1 AND state IN (4, 5)" },

	{ STMT_OUTBOX_CANCEL,
	    "UPDATE outbox SET state = 4, error = 'cancelled', updated_at = ?2"
	    " WHERE id = ?1 AND state = 0" },

	{ STMT_OUTBOX_COUNT,
	    "SELECT route, state, count(*) FROM outbox GROUP BY route, state"
	    " ORDER BY route, state" },

	{ STMT_OUTBOX_DEPTH,
	    "SELECT route, count(*), min(created_at) FROM outbox WHERE state = 0"
	    " GROUP BY route ORDER BY route" },

	/*
	 * A route's bucket: refilled from ?5 (now) at ?2 tokens a second up
	 * to ?3, then ?4 whole tokens at most taken. SET sees the row as it
	 * was, so the refilled tokens are written out three times. A clock
	 * gone back more than a minute starts the refill anew from now.
	 */
	{ STMT_ROUTE_TAKE,
	    "INSERT INTO route_tokens (route, tokens, refilled_at, granted)"
	    " VALUES (?1, ?3 - min(?4, CAST(?3 AS INTEGER)), ?5,"
	    " min(?4, CAST(?3 AS INTEGER)))"
	    " ON CONFLICT (route) DO UPDATE SET"
	    " granted = min(?4, CAST(min(?3, tokens +"
	    " max(0, ?5 - refilled_at) * ?2) AS INTEGER)),"
	    " tokens = min(?3, tokens + max(0, ?5 - refilled_at) * ?2) -"
	    " min(?4, CAST(min(?3, tokens +"
	    " max(0, ?5 - refilled_at) * ?2) AS INTEGER)),"
	    " refilled_at = CASE WHEN refilled_at > ?5 + 60 THEN ?5"
	    " ELSE max(refilled_at, ?5) END"
	    " RETURNING granted, tokens" },
	{ STMT_COUNT, NULL },
};

/* Fill m from the current row of an OUTBOX_COLUMNS query, copying strings. */
static void
sqlite_outbox_fill(sqlite3_stmt *st, struct outbox_msg *m)
{
	int	state;

	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	sqlite_col_copy(st, 1, m->route, sizeof m->route);
	sqlite_col_copy(st, 2, m->number, sizeof m->number);
	m->text = xstrdup(sqlite_col_text(st, 3));
	state = sqlite3_column_int(st, 4);
	m->state = state >= 0 && state < OUTBOX_STATE_COUNT ?
	    (enum outbox_state)state : OUTBOX_FAILED;
	m->attempts = sqlite3_column_int(st, 5);
	m->created_at = sqlite3_column_int64(st, 6);
	m->next_at = sqlite3_column_double(st, 7);
	m->expires_at = sqlite3_column_int64(st, 8);
	m->updated_at = sqlite3_column_int64(st, 9);
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		m->ext_id = xstrdup(sqlite_col_text(st, 10));
	if (sqlite3_column_type(st, 11) != SQLITE_NULL)
		m->dlr_state = xstrdup(sqlite_col_text(st, 11));
	if (sqlite3_column_type(st, 12) != SQLITE_NULL)
		m->error = xstrdup(sqlite_col_text(st, 12));
	m->inbound_id = sqlite3_column_int64(st, 13);	/* NULL is 0 */
}

/* Hand each row of an OUTBOX_COLUMNS query to cb until it returns non-zero. */
static int
sqlite_outbox_each(struct store *s, sqlite3_stmt *st, const char *what,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	struct outbox_msg	m;
	int			rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_outbox_fill(st, &m);
		stop = cb(&m, arg);
		store_outbox_free(&m);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, what);
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/* Queue a text: due at once (next_at = now); expires_at 0 for never. */
int64_t
sqlite_outbox_add(struct store *s, const char *route, const char *number,
    const char *text, int64_t now, int64_t expires_at, int64_t inbound_id)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_ADD);

	sqlite_bind_text(st, 1, route);
	sqlite_bind_text(st, 2, number);
	sqlite_bind_text(st, 3, text);
	sqlite_bind_int(st, 4, now);
	sqlite_bind_int(st, 5, expires_at > 0 ? expires_at : 0);
	sqlite_bind_opt(st, 6, inbound_id > 0 ? inbound_id : 0);
	if (sqlite_run(s, st, "outbox add") == -1)
		return -1;
	return sqlite_last_id(s);
}

int
sqlite_outbox_due(struct store *s, const char *route, double now, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_DUE);

	sqlite_bind_text(st, 1, route);
	sqlite3_bind_double(st, 2, now);
	sqlite_bind_int(st, 3, limit > 0 ? limit : -1);
	return sqlite_outbox_each(s, st, "outbox due", cb, arg);
}

int
sqlite_outbox_next(struct store *s, const char *route, double *at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_NEXT);
	int		 rc;

	sqlite_bind_text(st, 1, route);
	if ((rc = sqlite_row(s, st, "outbox next")) != 1)
		return rc;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		rc = 0;		/* min() of no rows */
	else if (at != NULL)
		*at = sqlite3_column_double(st, 0);
	sqlite_done(st);
	return rc;
}

int
sqlite_outbox_claim(struct store *s, int64_t id, const char *route, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_CLAIM);

	sqlite_bind_int(st, 1, id);
	sqlite_bind_text(st, 2, route);
	sqlite_bind_int(st, 3, now);
	if (sqlite_run(s, st, "outbox claim") == -1)
		return -1;
	return sqlite_changes(s) != 0 ? 1 : 0;
}

/* The route took the text: sending -> sent, with its message id and key (or NULL). */
int
sqlite_outbox_sent(struct store *s, int64_t id, const char *ext_id,
    const char *ext_key, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_SENT);
	int		 rc;

	sqlite_bind_int(st, 1, id);
	sqlite_bind_text(st, 2, ext_id);
	sqlite_bind_text(st, 3, ext_key);
	sqlite_bind_int(st, 4, now);
	rc = sqlite_run(s, st, "outbox sent");
	if (rc == 0 && sqlite_changes(s) == 0)
		log_debug("store: outbox sent id=%lld not sending",
		    (long long)id);
	return rc;
}

int
sqlite_outbox_retry(struct store *s, int64_t id, double next_at,
    const char *error, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_RETRY);

	sqlite_bind_int(st, 1, id);
	sqlite3_bind_double(st, 2, next_at);
	sqlite_bind_text(st, 3, error);
	sqlite_bind_int(st, 4, now);
	if (sqlite_run(s, st, "outbox retry") == -1)
		return -1;
	if (sqlite_changes(s) == 0)
		log_debug("store: outbox retry id=%lld not sending",
		    (long long)id);
	return 0;
}

/* Give a queued or sending row up: failed or expired. */
int
sqlite_outbox_final(struct store *s, int64_t id, enum outbox_state state,
    const char *error, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_FINAL);


	sqlite_bind_int(st, 1, id);
	sqlite_bind_int(st, 2, state);
	sqlite_bind_text(st, 3, error);
	sqlite_bind_int(st, 4, now);
	if (sqlite_run(s, st, "outbox final") == -1)
		return -1;
	if (sqlite_changes(s) == 0)
		log_debug("store: outbox final id=%lld not queued or sending",
		    (long long)id);
	return 0;
}

/*
 * Find the row a report is about, of route, by our id (if > 0) or else by
 * ext_key: 1 with *rid and *state, 0, or -1.
 */
int
sqlite_outbox_dlr_find(struct store *s, int64_t id, const char *route,
    const char *key, int64_t *rid, int *state)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (id > 0) {
		st = sqlite_stmt(s, STMT_OUTBOX_DLR_BY_ID);
		sqlite_bind_int(st, 1, id);
		sqlite_bind_text(st, 2, route);
	} else {
		st = sqlite_stmt(s, STMT_OUTBOX_DLR_BY_KEY);
		sqlite_bind_text(st, 1, route);
		sqlite_bind_text(st, 2, key);
	}
	if ((rc = sqlite_row(s, st, "outbox dlr find")) != 1)
		return rc;
	*rid = sqlite3_column_int64(st, 0);
	*state = sqlite3_column_int(st, 1);
	sqlite_done(st);
	return 1;
}

/*
 * Move the row of a delivery report from state to next, as the caller
 * decided, noting the report's state and time. A change of state replaces
 * the error (by error, or none); the route's id is kept if the row had
 * none. 1 changed, 0 if the row is no longer in state, -1.
 */
int
sqlite_outbox_dlr_set(struct store *s, int64_t id, enum outbox_state state,
    enum outbox_state next, const char *dlr_state, const char *error,
    const char *ext_id, const char *ext_key, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_DLR_SET);

	sqlite_bind_int(st, 1, id);
	sqlite_bind_int(st, 2, state);
	sqlite_bind_int(st, 3, next);
	sqlite_bind_text(st, 4, dlr_state);
	sqlite_bind_int(st, 5, now);
	sqlite_bind_text(st, 6, error);
	sqlite_bind_int(st, 7, next != state);
	sqlite_bind_text(st, 8, ext_id);
	sqlite_bind_text(st, 9, ext_key);
	if (sqlite_run(s, st, "outbox dlr") == -1)
		return -1;
	return sqlite_changes(s) != 0 ? 1 : 0;
}

/* At start: rows a dead process was sending go back to the queue. */
int
sqlite_outbox_requeue_sending(struct store *s, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_REQUEUE_SENDING);

	sqlite_bind_int(st, 1, now);
	if (sqlite_run(s, st, "outbox requeue sending") == -1)
		return -1;
	return sqlite_changes(s);
}

int
sqlite_outbox_get(struct store *s, int64_t id, struct outbox_msg *m)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_GET);
	int		 rc;

	sqlite_bind_int(st, 1, id);
	if ((rc = sqlite_row(s, st, "outbox get")) != 1)
		return rc;
	sqlite_outbox_fill(st, m);
	sqlite_done(st);
	return 1;
}

/* Rows of one state and/or route, most recently changed first. */
int
sqlite_outbox_list(struct store *s, int state, const char *route, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	sqlite3_stmt	*st;

	if (state < 0)
		st = sqlite_stmt(s, STMT_OUTBOX_LIST);
	else {
		st = sqlite_stmt(s, STMT_OUTBOX_LIST_STATE);
		sqlite_bind_int(st, 3, state);
	}
	sqlite_bind_text(st, 1, route);
	sqlite_bind_int(st, 2, limit > 0 ? limit : -1);
	return sqlite_outbox_each(s, st, "outbox list", cb, arg);
}

int
sqlite_outbox_requeue(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_REQUEUE);

	sqlite_bind_int(st, 1, id);
	sqlite_bind_int(st, 2, now);
	if (sqlite_run(s, st, "outbox requeue") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

int
sqlite_outbox_cancel(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_CANCEL);

	sqlite_bind_int(st, 1, id);
	sqlite_bind_int(st, 2, now);
	if (sqlite_run(s, st, "outbox cancel") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

int
sqlite_outbox_count(struct store *s, int (*cb)(const char *, enum outbox_state, int64_t,
    void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_COUNT);
	int		 rc = SQLITE_DONE, stop = 0, state;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		state = sqlite3_column_int(st, 1);
		if (state < 0 || state >= OUTBOX_STATE_COUNT)
			continue;
		stop = cb((const char *)sqlite3_column_text(st, 0), (enum outbox_state)state,
		    sqlite3_column_int64(st, 2), arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "outbox count");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

int
sqlite_outbox_depth(struct store *s, int (*cb)(const char *, int64_t, int64_t,
    void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_OUTBOX_DEPTH);
	int		 rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(sqlite_col_text(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), arg);
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "outbox depth");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/*
 * Take up to want tokens of route's bucket (store_route_take). The
 * transaction that claims the rows holds SQLite's write lock: no other
 * process changes the bucket meanwhile.
 */
int
sqlite_route_take(struct store *s, const char *route, double rate, double burst,
    int want, double now, int *granted, double *left)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ROUTE_TAKE);
	int		 rc;

	sqlite_bind_text(st, 1, route);
	sqlite3_bind_double(st, 2, rate);
	sqlite3_bind_double(st, 3, burst);
	sqlite_bind_int(st, 4, want);
	sqlite3_bind_double(st, 5, now);
	if ((rc = sqlite_row(s, st, "route take")) != 1) {
		if (rc == 0)
			log_warnx("store: route take: no row");
		return -1;
	}
	*granted = sqlite3_column_int(st, 0);
	*left = sqlite3_column_double(st, 1);
	sqlite_done(st);
	return 0;
}
