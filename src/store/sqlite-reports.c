/*
 * sqlite-reports.c: what officials ask of the store, in SQLite: traces,
 * exposure alerts, the audit trail, ward reports and daily series.
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

#define STORE_STAY_MAX		86400	/* s: the longest stay traces look for */

/*
 * Tracing binds the window as ?2 (from) and ?3 (to), default_stay as ?4 and
 * the longest stay looked for as ?5 (STORE_STAY_MAX, or default_stay if
 * longer).
 *
 * STAY_END is where a stay ends for overlap: at its check-out, or ?4 after
 * it began if it was never closed; at most ?5 after it began, so that a
 * search can start ?5 before the window on the (.., sent_at) indexes
 * instead of reading every older row (a stay closed days later, because a
 * resident never texted RA and the next check-in closed it, counts for one
 * day); and at least a second, so that a check-out stamped before its
 * check-in still leaves the visit on record.
 */
#define STAY_END(t) \
	"max(" t ".sent_at + 1, min(coalesce(" t ".checked_out_at, " t \
	".sent_at + ?4), " t ".sent_at + ?5))"
/*
 * The stay t overlaps the window [?2, ?3), which is empty unless ?2 < ?3;
 * the sent_at terms bound the index range.
 */
#define STAY_IN_WINDOW(t) \
	"?2 < ?3 AND " t ".sent_at >= ?2 - ?5 AND " t ".sent_at < ?3" \
	" AND " STAY_END(t) " > ?2"
/* The columns of a trace_row, of stay t at venue v. */
#define TRACE_COLUMNS(t) \
	t ".number, " t ".companions, " t ".sent_at, " t ".received_at, " \
	t ".checked_out_at, coalesce(" t ".checked_out_at, " t ".sent_at + ?4)," \
	" v.code, v.name, v.ward, v.address"

const struct sqlite_sql sqlite_report_sql[] = {
	{ STMT_AUDIT_COUNT, "SELECT count(*) FROM audit WHERE subject = ?1" },

	/* A range of checkins_venue_sent: ?5 before the window to its end. */
	{ STMT_TRACE_VENUE,
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.venue_id = ?1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id" },

	/* The same on checkins_number_sent. */
	{ STMT_TRACE_PERSON,
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = ?1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id" },

	/*
	 * The number's stays (a) in the window, and for each the other
	 * numbers' stays (b) at that venue that overlap it: b began at most
	 * ?5 before a did and before a ended, and ended after a began. The
	 * window picks a; the overlap is the whole intersection of a and b.
	 * checkins is a view over the day tables (sqlite-days.c), which
	 * SQLite searches each on its index by constants, not by a join's
	 * terms: b is looked up for each a (sqlite_trace_contacts), with a's
	 * venue as ?6, start as ?7 and end as ?8.
	 */
	{ STMT_TRACE_CONTACTS,
	    "SELECT c.venue_id, c.sent_at, " STAY_END("c") " FROM checkins c"
	    " WHERE c.number = ?1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id" },
	{ STMT_TRACE_CONTACTS_B,
	    "SELECT " TRACE_COLUMNS("b") ", max(?7, b.sent_at),"
	    " min(?8, " STAY_END("b") ") FROM checkins b"
	    " JOIN venues v ON v.id = b.venue_id"
	    " WHERE b.venue_id = ?6 AND b.sent_at >= ?7 - ?5 AND b.sent_at < ?8"
	    " AND " STAY_END("b") " > ?7 AND b.number <> ?1"
	    " ORDER BY b.sent_at, b.id" },

	{ STMT_AUDIT_ADD,
	    "INSERT INTO audit (at, actor, action, subject, query, records)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)" },

	{ STMT_ALERT_NUMBERS,
	    "SELECT DISTINCT c.number FROM checkins c"
	    " WHERE c.venue_id = ?1 AND " STAY_IN_WINDOW("c")
	    " AND NOT EXISTS (SELECT 1 FROM subscribers s"
	    " WHERE s.number = c.number AND s.opted_out)"
	    " ORDER BY c.number" },

	/*
	 * Where the check-ins kept begin, to tell purged days from whole ones
	 * (ORDER BY: each day's index read in order and merged, not every row).
	 */
	{ STMT_REPORT_KEPT_FROM,
	    "SELECT (SELECT sent_at FROM checkins ORDER BY sent_at LIMIT 1)" },

	{ STMT_REPORT_DAY_STATS,
	    "SELECT coalesce(sum(checkins), 0) FROM daily_stats WHERE day = ?1" },

	/*
	 * From the aggregates only (sqlite-aggregates.c), so that any period
	 * reads a few rows a day, before or after the purge: ?1 the start of
	 * the local day holding the period's start, ?3 its end; every figure
	 * counts the whole local days the period touches. venues: active
	 * venues now; venues_used: those with a check-in on those days;
	 * checkins and flagged (declarations flagged, each once, on the day
	 * it began): sums of daily_stats; visitors: the sum over the days of
	 * each day's distinct numbers in the ward (ward_days: a person is
	 * counted once a ward a day, whatever the venues).
	 */
	{ STMT_REPORT_WARDS,
	    "SELECT w.ward, w.venues, coalesce(u.used, 0), coalesce(u.checkins, 0),"
	    " coalesce(d.visitors, 0), coalesce(u.flagged, 0)"
	    " FROM (SELECT ward, count(*) AS venues FROM venues WHERE active"
	    "  GROUP BY ward) w"
	    " LEFT JOIN (SELECT v.ward AS ward,"
	    "  count(DISTINCT CASE WHEN s.checkins > 0 THEN s.venue_id END) AS used,"
	    "  sum(s.checkins) AS checkins, sum(s.flagged) AS flagged"
	    "  FROM daily_stats s JOIN venues v ON v.id = s.venue_id"
	    "  WHERE s.day >= ?1 AND s.day < ?3 AND v.active AND ?2 < ?3"
	    "  GROUP BY v.ward) u ON u.ward = w.ward"
	    " LEFT JOIN (SELECT ward, sum(visitors) AS visitors FROM ward_days"
	    "  WHERE day >= ?1 AND day < ?3 GROUP BY ward) d ON d.ward = w.ward"
	    " ORDER BY w.ward" },

	/* ?1 the start of the local day holding ?2, the time since. */
	{ STMT_REPORT_INACTIVE,
	    "SELECT v.id, v.code, v.name, v.address, v.ward, v.district, v.kind,"
	    " v.owner, v.active, v.created_at,"
	    " coalesce((SELECT c.sent_at FROM checkins c WHERE c.venue_id = v.id"
	    " ORDER BY c.sent_at DESC LIMIT 1), (SELECT max(d.day) FROM daily_stats d"
	    " WHERE d.venue_id = v.id), 0)"
	    " FROM venues v WHERE v.active"
	    " AND NOT EXISTS (SELECT 1 FROM daily_stats d"
	    " WHERE d.venue_id = v.id AND d.day >= ?1 AND d.checkins > 0)"
	    " AND NOT EXISTS (SELECT 1 FROM checkins c"
	    " WHERE c.venue_id = v.id AND c.sent_at >= ?2)"
	    " ORDER BY v.ward, v.name, v.id" },

	/* ?1 the first day, ?2 the end, ?3 a venue id or 0 for all. */
	{ STMT_DAILY_SERIES,
	    "SELECT day, sum(checkins) FROM daily_stats"
	    " WHERE day >= ?1 AND day < ?2 AND (?3 = 0 OR venue_id = ?3)"
	    " GROUP BY day ORDER BY day" },
	{ STMT_COUNT, NULL },
};

int
sqlite_audit_count_subject(struct store *s, const char *number, int *count)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_AUDIT_COUNT);
	int		 rc;

	*count = 0;
	sqlite_bind_text(st, 1, number);
	if ((rc = sqlite_row(s, st, "audit count")) != 1)
		return -1;
	*count = sqlite3_column_int(st, 0);
	sqlite_done(st);
	return 0;
}

int
sqlite_audit_add(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, int64_t records, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_AUDIT_ADD);

	sqlite_bind_int(st, 1, at);
	sqlite_bind_text(st, 2, actor);
	sqlite_bind_text(st, 3, action);
	sqlite_bind_text(st, 4, subject);
	sqlite_bind_text(st, 5, query);
	sqlite_bind_int(st, 6, records);
	return sqlite_run(s, st, "audit add");
}

/* Tracing. */

/* Bind the window, default_stay and the longest stay looked for (?2..?5). */
static void
sqlite_bind_window(sqlite3_stmt *st, int64_t from, int64_t to, int default_stay)
{
	int64_t	stay, longest;

	stay = default_stay > 0 ? default_stay : 0;
	longest = stay > STORE_STAY_MAX ? stay : STORE_STAY_MAX;
	sqlite_bind_int(st, 2, from);
	sqlite_bind_int(st, 3, to);
	sqlite_bind_int(st, 4, stay);
	sqlite_bind_int(st, 5, longest);
}

/*
 * Hand each row of a trace statement (TRACE_COLUMNS, then the overlap for
 * contacts) to cb until it returns non-zero.
 */
static int
sqlite_trace_each(struct store *s, sqlite3_stmt *st, const char *what,
    const char *contact_of, int (*cb)(const struct trace_row *, void *),
    void *arg, int *stopped)
{
	struct trace_row	r;
	int			rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		sqlite_col_copy(st, 0, r.number, sizeof r.number);
		r.companions = sqlite3_column_int(st, 1);
		r.sent_at = sqlite3_column_int64(st, 2);
		r.received_at = sqlite3_column_int64(st, 3);
		r.checked_out_at = sqlite3_column_int64(st, 4);	/* NULL is 0 */
		r.stay_end = sqlite3_column_int64(st, 5);
		sqlite_col_copy(st, 6, r.code, sizeof r.code);
		r.venue_name = sqlite_col_text(st, 7);
		r.ward = sqlite_col_text(st, 8);
		r.address = sqlite_col_text(st, 9);
		if (contact_of != NULL) {
			snprintf(r.contact_of, sizeof r.contact_of, "%s",
			    contact_of);
			r.overlap_from = sqlite3_column_int64(st, 10);
			r.overlap_to = sqlite3_column_int64(st, 11);
		}
		stop = cb(&r, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, what);
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	if (stopped != NULL)
		*stopped = stop;
	return 0;
}

int
sqlite_trace_venue(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_TRACE_VENUE);

	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_window(st, from, to, default_stay);
	return sqlite_trace_each(s, st, "trace venue", NULL, cb, arg, NULL);
}

int
sqlite_trace_person(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_TRACE_PERSON);

	sqlite_bind_text(st, 1, number);
	sqlite_bind_window(st, from, to, default_stay);
	return sqlite_trace_each(s, st, "trace person", NULL, cb, arg, NULL);
}

/*
 * One row per pair of overlapping stays (the contact's, number's), ordered
 * by number's stay, then the contact's. The row describes the contact's
 * stay; overlap_from and overlap_to bound the time both were there.
 */
int
sqlite_trace_contacts(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	sqlite3_stmt	*a = sqlite_stmt(s, STMT_TRACE_CONTACTS), *b;
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_text(a, 1, number);
	sqlite_bind_window(a, from, to, default_stay);
	while (!stop && (rc = sqlite3_step(a)) == SQLITE_ROW) {
		b = sqlite_stmt(s, STMT_TRACE_CONTACTS_B);
		sqlite_bind_text(b, 1, number);
		sqlite_bind_window(b, from, to, default_stay);
		sqlite_bind_int(b, 6, sqlite3_column_int64(a, 0));
		sqlite_bind_int(b, 7, sqlite3_column_int64(a, 1));
		sqlite_bind_int(b, 8, sqlite3_column_int64(a, 2));
		if (sqlite_trace_each(s, b, "trace contacts", number, cb, arg,
		    &stop) == -1) {
			sqlite_done(a);
			return -1;
		}
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "trace contacts");
		sqlite_done(a);
		return -1;
	}
	sqlite_done(a);
	return 0;
}

/* The distinct numbers whose stay at the venue overlapped [from, to), opted-out ones left out. */
int
sqlite_alert_numbers(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ALERT_NUMBERS);
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_window(st, from, to, default_stay);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(sqlite_col_text(st, 0), arg);
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "alert numbers");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/* Reports. */

/* The time of the oldest check-in kept: 1 and *oldest, 0 if none, -1. */
int
sqlite_report_oldest(struct store *s, int64_t *oldest)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REPORT_KEPT_FROM);
	int		 none;

	if (sqlite_value(s, st, "report kept", oldest, &none) == -1)
		return -1;
	return none ? 0 : 1;
}

/* The check-ins kept in [day, next), and those daily_stats counted on day. */
int
sqlite_report_day(struct store *s, int64_t day, int64_t next, int64_t *kept,
    int64_t *counted)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS], n;
	size_t			 i, np;

	*kept = 0;
	np = sqlite_days_parts(d, DAYS_CHECKINS, day, next - 1, parts,
	    nitems(parts));
	for (i = 0; i < np; i++) {
		if ((st = sqlite_day_stmt(d, parts[i],
		    DSTMT_CHECKIN_COUNT)) == NULL)
			return -1;
		sqlite_bind_int(st, 1, day);
		sqlite_bind_int(st, 2, next);
		if (sqlite_value(s, st, "report day", &n, NULL) == -1)
			return -1;
		*kept += n;
	}
	st = sqlite_stmt(s, STMT_REPORT_DAY_STATS);
	sqlite_bind_int(st, 1, day);
	return sqlite_value(s, st, "report day stats", counted, NULL);
}

/*
 * The ward report (see STMT_REPORT_WARDS for how each figure is counted):
 * every ward that has an active venue, by ward.
 */
int
sqlite_report_wards(struct store *s, int64_t day_from, int64_t from,
    int64_t to, int64_t kept, int (*cb)(const struct ward_row *, void *),
    void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REPORT_WARDS);
	struct ward_row	 w;
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_int(st, 1, day_from);
	sqlite_bind_int(st, 2, from);
	sqlite_bind_int(st, 3, to);
	sqlite_bind_int(st, 4, kept);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&w, 0, sizeof w);
		w.ward = sqlite_col_text(st, 0);
		w.venues = sqlite3_column_int64(st, 1);
		w.venues_used = sqlite3_column_int64(st, 2);
		w.checkins = sqlite3_column_int64(st, 3);
		w.visitors = sqlite3_column_int64(st, 4);
		w.flagged = sqlite3_column_int64(st, 5);
		stop = cb(&w, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "report wards");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/*
 * Active venues without a daily_stats row from day_since (the start of the
 * local day holding since) on, nor a check-in since then; with the last check-in still kept, else
 * the start of the last day counted, else 0.
 */
int
sqlite_report_inactive(struct store *s, int64_t day_since, int64_t since,
    int (*cb)(const struct venue *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REPORT_INACTIVE);
	struct venue	 v;
	int64_t		 last;
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_int(st, 1, day_since);
	sqlite_bind_int(st, 2, since);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_venue_fill(st, &v);
		last = sqlite3_column_int64(st, 10);
		stop = cb(&v, last, arg);
		store_venue_free(&v);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "report inactive");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/*
 * The check-ins of each local day of [day_from, to) that has any, from
 * daily_stats, oldest first: of one venue, or of all (venue_id 0).
 */
int
sqlite_daily_series(struct store *s, int64_t venue_id, int64_t day_from,
    int64_t to, int (*cb)(int64_t day, int64_t checkins, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DAILY_SERIES);
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_int(st, 1, day_from);
	sqlite_bind_int(st, 2, to);
	sqlite_bind_int(st, 3, venue_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), arg);
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "daily series");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}
