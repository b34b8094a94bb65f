/*
 * sqlite-purge.c: retention, in SQLite: the check-ins' and inbound
 * messages' day tables dropped whole, a day at a time (sqlite-days.c),
 * and the other personal rows deleted in bounded chunks, oldest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

const struct sqlite_sql sqlite_purge_sql[] = {
	/*
	 * Retention: ?1 the cut-off, ?2 the most rows one statement deletes,
	 * oldest first along the time indexes. Answers go with their
	 * declaration (and before it: answers reference declarations).
	 */
	{ STMT_PURGE_CHECKINS,
	    "DELETE FROM checkins_default WHERE id IN (SELECT id"
	    " FROM checkins_default WHERE sent_at < ?1 ORDER BY sent_at, id"
	    " LIMIT ?2)" },

	{ STMT_PURGE_CHECKINS_COUNT,
	    "SELECT count(*) FROM checkins_default WHERE sent_at < ?1" },

	{ STMT_PURGE_ANSWERS,
	    "DELETE FROM answers WHERE id IN (SELECT a.id FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id WHERE d.started_at < ?1"
	    " ORDER BY d.started_at, d.id LIMIT ?2)" },

	{ STMT_PURGE_ANSWERS_COUNT,
	    "SELECT count(*) FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id WHERE d.started_at < ?1" },

	{ STMT_PURGE_DECLARATIONS,
	    "DELETE FROM declarations WHERE id IN (SELECT d.id FROM declarations d"
	    " WHERE d.started_at < ?1 AND NOT EXISTS (SELECT 1 FROM answers a"
	    " WHERE a.declaration_id = d.id) ORDER BY d.started_at, d.id LIMIT ?2)" },

	{ STMT_PURGE_DECLARATIONS_COUNT,
	    "SELECT count(*) FROM declarations WHERE started_at < ?1" },

	{ STMT_PURGE_INBOUND,
	    "DELETE FROM inbound_default WHERE id IN (SELECT id"
	    " FROM inbound_default WHERE received_at < ?1"
	    " ORDER BY received_at, id LIMIT ?2)" },

	{ STMT_PURGE_INBOUND_COUNT,
	    "SELECT count(*) FROM inbound_default WHERE received_at < ?1" },

	/* Settled rows only (sent, delivered, failed, expired); "+" keeps outbox_created in use. */
	{ STMT_PURGE_OUTBOX,
	    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
	    " WHERE created_at < ?1 AND +state IN (2, 3, 4, 5)"
	    " ORDER BY created_at, id LIMIT ?2)" },

	{ STMT_PURGE_OUTBOX_COUNT,
	    "SELECT count(*) FROM outbox WHERE created_at < ?1"
	    " AND +state IN (2, 3, 4, 5)" },

	{ STMT_PURGE_USSD,
	    "DELETE FROM ussd_sessions WHERE rowid IN (SELECT rowid"
	    " FROM ussd_sessions WHERE updated_at < ?1"
	    " ORDER BY updated_at, rowid LIMIT ?2)" },

	{ STMT_PURGE_USSD_COUNT,
	    "SELECT count(*) FROM ussd_sessions WHERE updated_at < ?1" },

	{ STMT_PURGE_SESSIONS,
	    "DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions"
	    " WHERE expires_at < ?1 ORDER BY expires_at, rowid LIMIT ?2)" },

	{ STMT_PURGE_SESSIONS_COUNT,
	    "SELECT count(*) FROM sessions WHERE expires_at < ?1" },

	/*
	 * Who was first seen where (sqlite-aggregates.c), of the local days
	 * wholly before the cut-off; the counts made of it stay.
	 */
	{ STMT_PURGE_SEEN,
	    "DELETE FROM daily_seen WHERE (day, ward, number) IN"
	    " (SELECT day, ward, number FROM daily_seen"
	    " WHERE day < checkind_local_day(?1) ORDER BY day LIMIT ?2)" },

	{ STMT_PURGE_SEEN_COUNT,
	    "SELECT count(*) FROM daily_seen WHERE day < checkind_local_day(?1)" },
	{ STMT_COUNT, NULL },
};

/*
 * One purge step per kind of personal row, in the order they go: a
 * statement deleting the oldest rows up to a limit, and one counting all
 * that would go.
 */
static const struct sqlite_purge_step {
	const char	*what;
	enum sqlite_stmt_id	 remove;
	enum sqlite_stmt_id	 count;
} sqlite_purge_steps[] = {
	{ "checkins", STMT_PURGE_CHECKINS, STMT_PURGE_CHECKINS_COUNT },
	{ "answers", STMT_PURGE_ANSWERS, STMT_PURGE_ANSWERS_COUNT },
	{ "declarations", STMT_PURGE_DECLARATIONS,
	    STMT_PURGE_DECLARATIONS_COUNT },
	{ "inbound", STMT_PURGE_INBOUND, STMT_PURGE_INBOUND_COUNT },
	{ "outbox", STMT_PURGE_OUTBOX, STMT_PURGE_OUTBOX_COUNT },
	{ "ussd sessions", STMT_PURGE_USSD, STMT_PURGE_USSD_COUNT },
	{ "sessions", STMT_PURGE_SESSIONS, STMT_PURGE_SESSIONS_COUNT },
	{ "daily seen", STMT_PURGE_SEEN, STMT_PURGE_SEEN_COUNT },
};

/*
 * Delete up to chunk personal rows older than before: first the day tables
 * wholly before it, one a call (its rows counted, however many: dropping
 * it costs far less than deleting them), then table by table in
 * sqlite_purge_steps order, oldest first within each: every statement is
 * bounded, so one call stays short however much is due, and the caller
 * calls again until *deleted is 0. chunk <= 0 removes everything due. A dry
 * run counts every row due and changes nothing. The days about now are
 * made first (sqlite_days_make). Atomic: on error nothing of this call
 * remains.
 */
int
sqlite_purge(struct store *s, int64_t before, int chunk, int dry_run,
    int64_t *deleted)
{
	const struct sqlite_purge_step	*p;
	struct sqlite_days		*d = sqlite_days(s);
	sqlite3_stmt			*st;
	int64_t				 n, left;
	size_t				 i;
	int				 rc;

	*deleted = 0;
	if (dry_run) {
		for (i = 0; i < SQLITE_DAYS_KINDS; i++) {
			if (sqlite_days_drop(d, i, before, 1, deleted) == -1)
				return -1;
		}
		for (i = 0; i < nitems(sqlite_purge_steps); i++) {
			p = &sqlite_purge_steps[i];
			st = sqlite_stmt(s, p->count);
			sqlite_bind_int(st, 1, before);
			if (sqlite_value(s, st, p->what, &n, NULL) == -1)
				return -1;
			*deleted += n;
		}
		return 0;
	}

	left = chunk > 0 ? chunk : -1;	/* LIMIT -1: no limit */
	if (sqlite_savepoint(s) == -1)
		return -1;
	if (sqlite_days_make(d, time(NULL), 0) == -1)
		goto fail;
	for (i = 0; i < SQLITE_DAYS_KINDS && left != 0; i++) {
		for (;;) {
			n = 0;
			if ((rc = sqlite_days_drop(d, i, before, 0, &n)) != 1)
				break;
			log_debug("store: purge %s=%lld before=%lld (a whole day)",
			    i == DAYS_CHECKINS ? "checkins" : "inbound",
			    (long long)n, (long long)before);
			*deleted += n;
			if (chunk > 0 && n > 0) {
				left = 0;	/* a day a call */
				break;
			}
		}
		if (rc == -1)
			goto fail;
	}
	for (i = 0; i < nitems(sqlite_purge_steps) && left != 0; i++) {
		p = &sqlite_purge_steps[i];
		st = sqlite_stmt(s, p->remove);
		sqlite_bind_int(st, 1, before);
		sqlite_bind_int(st, 2, left);
		if (sqlite_run(s, st, p->what) == -1)
			goto fail;
		n = sqlite_changes(s);
		*deleted += n;
		if (left > 0)
			left -= n;
		if (n > 0)
			log_debug("store: purge %s=%lld before=%lld", p->what,
			    (long long)n, (long long)before);
	}
	if (sqlite_savepoint_end(s, 1) == -1) {
		*deleted = 0;
		return -1;
	}
	return 0;

fail:
	sqlite_savepoint_end(s, 0);
	*deleted = 0;
	return -1;
}
