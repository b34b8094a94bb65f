/*
 * sqlite-aggregates.c: the figures reports read, kept in SQLite as
 * check-ins and declarations are stored, in the same transaction, so that
 * a report over any period reads a few rows a day and never the check-ins.
 *
 * - daily_stats (venue, local day): check-ins, distinct numbers (people)
 *   and declarations flagged (each once: declarations.counted);
 * - ward_days (local day, ward): distinct numbers seen in the ward that
 *   day, counted the first time daily_seen meets a number there.
 *
 * daily_seen holds numbers and goes with the check-ins at the purge; the
 * counts stay. A venue's ward is taken as it is at the check-in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

const struct sqlite_sql sqlite_aggregate_sql[] = {
	/* First seen in the venue's ward that day: one row, else none. */
	{ STMT_AGG_SEEN,
	    "INSERT INTO daily_seen (day, ward, number)"
	    " SELECT ?1, ward, ?2 FROM venues WHERE id = ?3"
	    " ON CONFLICT DO NOTHING" },

	{ STMT_AGG_WARD_BUMP,
	    "INSERT INTO ward_days (day, ward, visitors)"
	    " SELECT ?1, ward, 1 FROM venues WHERE id = ?2"
	    " ON CONFLICT (day, ward) DO UPDATE SET visitors = visitors + 1" },

	/* A declaration flagged for the first time, at a venue. */
	{ STMT_AGG_FLAG_MARK,
	    "UPDATE declarations SET counted = 1 WHERE id = ?1 AND counted = 0"
	    " AND venue_id IS NOT NULL RETURNING venue_id, started_at" },

	{ STMT_AGG_FLAG_BUMP,
	    "INSERT INTO daily_stats (venue_id, day, flagged) VALUES (?1, ?2, 1)"
	    " ON CONFLICT (venue_id, day) DO UPDATE SET flagged = flagged + 1" },
	{ STMT_COUNT, NULL },
};

/* checkind_local_day(t): the start of the local day holding t (tz_day_start). */
static void
sqlite_aggregates_local_day(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int64(ctx, tz_day_start(sqlite3_value_int64(argv[0])));
}

/* The SQL functions the migrations use to count what was stored before them. */
int
sqlite_aggregates_functions(sqlite3 *db)
{
	if (sqlite3_create_function(db, "checkind_local_day", 1,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sqlite_aggregates_local_day,
	    NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/*
 * A check-in at c->venue_id on the local day day: its ward-day's visitor,
 * if new. 1 if the number was new in the ward that day, 0 if not, -1.
 */
int
sqlite_aggregates_checkin(struct store *s, const struct checkin *c, int64_t day)
{
	sqlite3_stmt	*st;

	st = sqlite_stmt(s, STMT_AGG_SEEN);
	sqlite_bind_int(st, 1, day);
	sqlite_bind_text(st, 2, c->number);
	sqlite_bind_int(st, 3, c->venue_id);
	if (sqlite_run(s, st, "daily seen") == -1)
		return -1;
	if (sqlite_changes(s) == 0)
		return 0;
	st = sqlite_stmt(s, STMT_AGG_WARD_BUMP);
	sqlite_bind_int(st, 1, day);
	sqlite_bind_int(st, 2, c->venue_id);
	return sqlite_run(s, st, "ward days") == -1 ? -1 : 1;
}

/* A declaration flagged (by an answer or at its end): counted on its venue's day, once. */
int
sqlite_aggregates_flag(struct store *s, int64_t decl_id)
{
	sqlite3_stmt	*st;
	int64_t		 venue_id, started_at;
	int		 rc;

	st = sqlite_stmt(s, STMT_AGG_FLAG_MARK);
	sqlite_bind_int(st, 1, decl_id);
	if ((rc = sqlite_row(s, st, "flag mark")) != 1)
		return rc;
	venue_id = sqlite3_column_int64(st, 0);
	started_at = sqlite3_column_int64(st, 1);
	/* RETURNING: the update is done; step to its end before the reset. */
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite_error(s, "flag mark");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	st = sqlite_stmt(s, STMT_AGG_FLAG_BUMP);
	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_int(st, 2, tz_day_start(started_at));
	return sqlite_run(s, st, "flag count");
}
