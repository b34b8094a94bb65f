/*
 * sqlite-checkins.c: check-ins and their daily counts, health declarations
 * and their answers, sessions and subscribers, in SQLite.
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

#define CHECKIN_COLUMNS \
	"id, venue_id, number, companions, sent_at, received_at, checked_out_at"

const struct sqlite_sql sqlite_checkin_sql[] = {
	{ STMT_STATS_BUMP,
	    "INSERT INTO daily_stats (venue_id, day, checkins, people)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (venue_id, day) DO UPDATE"
	    " SET checkins = checkins + excluded.checkins,"
	    " people = people + excluded.people" },

	{ STMT_CHECKIN_HISTORY,
	    "SELECT c.id, c.venue_id, c.number, c.companions, c.sent_at,"
	    " c.received_at, c.checked_out_at, v.code, v.name"
	    " FROM checkins c JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = ?1 ORDER BY c.sent_at DESC, c.id DESC LIMIT ?2" },
	/* (checkins is the view over every day: sqlite-days.c) */

	{ STMT_DECL_START,
	    "INSERT INTO declarations (number, venue_id, checkin_id, started_at)"
	    " VALUES (?1, ?2, ?3, ?4)" },

	{ STMT_DECL_ANSWER,
	    "INSERT INTO answers (declaration_id, question, answer, flagged,"
	    " answered_at) VALUES (?1, ?2, ?3, ?4, ?5)" },

	/* A flag once raised stays raised. */
	{ STMT_DECL_FINISH,
	    "UPDATE declarations SET completed_at = ?3, flagged = max(flagged, ?2)"
	    " WHERE id = ?1" },

	{ STMT_DECL_LAST,
	    "SELECT completed_at FROM declarations"
	    " WHERE number = ?1 AND completed_at IS NOT NULL"
	    " ORDER BY completed_at DESC LIMIT 1" },

	{ STMT_DECL_FLAGGED,
	    "SELECT max(d.flagged, coalesce((SELECT max(a.flagged) FROM answers a"
	    " WHERE a.declaration_id = d.id), 0)) FROM declarations d"
	    " WHERE d.id = ?1" },

	{ STMT_SESSION_GET,
	    "SELECT kind, venue_id, decl_id, step, companions, qset, expires_at"
	    " FROM sessions WHERE number = ?1 AND expires_at > ?2" },

	{ STMT_SESSION_PUT,
	    "INSERT INTO sessions (number, kind, venue_id, decl_id, step,"
	    " companions, qset, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (number) DO UPDATE SET kind = excluded.kind,"
	    " venue_id = excluded.venue_id, decl_id = excluded.decl_id,"
	    " step = excluded.step, companions = excluded.companions,"
	    " qset = excluded.qset, expires_at = excluded.expires_at" },

	{ STMT_SESSION_CLEAR, "DELETE FROM sessions WHERE number = ?1" },

	{ STMT_SUB_GET,
	    "SELECT lang, opted_out, help_at FROM subscribers WHERE number = ?1" },

	{ STMT_SUB_SET_LANG,
	    "INSERT INTO subscribers (number, lang, updated_at) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (number) DO UPDATE SET lang = excluded.lang,"
	    " updated_at = excluded.updated_at" },

	{ STMT_SUB_SET_OPTOUT,
	    "INSERT INTO subscribers (number, opted_out, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (number) DO UPDATE"
	    " SET opted_out = excluded.opted_out, updated_at = excluded.updated_at" },

	{ STMT_SUB_SET_HELP,
	    "INSERT INTO subscribers (number, help_at, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (number) DO UPDATE"
	    " SET help_at = excluded.help_at, updated_at = excluded.updated_at" },

	/*
	 * A number before its message: subscriber, live session, last
	 * declaration completed; the limits' counts and its check-ins are
	 * read in the days they can be in (sqlite_resident_get).
	 */
	{ STMT_RESIDENT_GET,
	    "SELECT s.lang, s.opted_out, s.help_at,"
	    " e.number IS NOT NULL, e.kind, e.venue_id, e.decl_id, e.step,"
	    " e.companions, e.qset, e.expires_at,"
	    " (SELECT completed_at FROM declarations"
	    " WHERE number = ?1 AND completed_at IS NOT NULL"
	    " ORDER BY completed_at DESC LIMIT 1)"
	    " FROM (SELECT ?1 AS number) AS n"
	    " LEFT JOIN subscribers s ON s.number = n.number"
	    " LEFT JOIN sessions e ON e.number = n.number AND e.expires_at > ?2" },
	{ STMT_COUNT, NULL },
};

/* Fill c from the current row of a CHECKIN_COLUMNS query. */
static void
sqlite_checkin_fill(sqlite3_stmt *st, struct checkin *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->venue_id = sqlite3_column_int64(st, 1);
	sqlite_col_copy(st, 2, c->number, sizeof c->number);
	c->companions = sqlite3_column_int(st, 3);
	c->sent_at = sqlite3_column_int64(st, 4);
	c->received_at = sqlite3_column_int64(st, 5);
	c->checked_out_at = sqlite3_column_int64(st, 6);	/* NULL is 0 */
}

/*
 * daily_stats bumps held until the commit (sqlite.c calls
 * sqlite_stats_flush first thing in sqlite_commit): each check-in adds one,
 * the flush folds them into one upsert a venue-day. A savepoint undone
 * drops the bumps made under it (sqlite_savepoint_end).
 */
void
sqlite_stats_add(struct sqlite_txn *t, int64_t venue_id, int64_t day, int people)
{
	struct sqlite_bump	*b;

	if (t->nbumps == t->bumpsmax) {
		t->bumpsmax = t->bumpsmax ? 2 * t->bumpsmax : 64;
		t->bumps = xreallocarray(t->bumps, t->bumpsmax, sizeof *t->bumps);
	}
	b = &t->bumps[t->nbumps++];
	b->venue_id = venue_id;
	b->day = day;
	b->checkins = 1;
	b->people = people;
}

static int
sqlite_bump_cmp(const void *a, const void *b)
{
	const struct sqlite_bump	*x = a, *y = b;

	if (x->venue_id != y->venue_id)
		return x->venue_id < y->venue_id ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return 0;
}

/* The counts held for a venue-day not yet in daily_stats. */
int64_t
sqlite_stats_pending(struct sqlite_txn *t, int64_t venue_id, int64_t day,
    int64_t *people)
{
	int64_t	checkins = 0;
	size_t	i;

	*people = 0;
	for (i = 0; i < t->nbumps; i++) {
		if (t->bumps[i].venue_id == venue_id && t->bumps[i].day == day) {
			checkins += t->bumps[i].checkins;
			*people += t->bumps[i].people;
		}
	}
	return checkins;
}

/* Write the bumps held, one upsert a venue-day; 0 or -1. */
int
sqlite_stats_flush(struct store *s)
{
	struct sqlite_txn	*t = sqlite_txn(s);
	struct sqlite_bump	*b, *end;
	sqlite3_stmt		*st;
	int64_t			 checkins, people;

	if (t->nbumps == 0)
		return 0;
	qsort(t->bumps, t->nbumps, sizeof *t->bumps, sqlite_bump_cmp);
	end = t->bumps + t->nbumps;
	for (b = t->bumps; b < end;) {
		st = sqlite_stmt(s, STMT_STATS_BUMP);
		sqlite_bind_int(st, 1, b->venue_id);
		sqlite_bind_int(st, 2, b->day);
		checkins = people = 0;
		do {
			checkins += b->checkins;
			people += b->people;
			b++;
		} while (b < end && b->venue_id == b[-1].venue_id &&
		    b->day == b[-1].day);
		sqlite_bind_int(st, 3, checkins);
		sqlite_bind_int(st, 4, people);
		if (sqlite_run(s, st, "daily stats") == -1)
			return -1;
	}
	t->nbumps = 0;
	t->nmarks = 0;
	return 0;
}

/* 1 if number already checked in at venue during [from, to). */
static int
sqlite_checkin_seen(struct store *s, const struct checkin *c, int64_t from,
    int64_t to)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS];
	size_t			 i, n;
	int			 rc;

	n = sqlite_days_parts(d, DAYS_CHECKINS, from, to - 1, parts,
	    nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], DSTMT_CHECKIN_SEEN)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, c->number);
		sqlite_bind_int(st, 2, c->venue_id);
		sqlite_bind_int(st, 3, from);
		sqlite_bind_int(st, 4, to);
		if ((rc = sqlite_row(s, st, "checkin seen")) != 0) {
			sqlite_done(st);
			return rc;
		}
	}
	return 0;
}

/*
 * Record a check-in, in the table of its day, and count it in daily_stats:
 * one more check-in, and one more person if the number was not yet seen at
 * the venue that local day, [day, next) as the caller reckons it.
 */
int64_t
sqlite_checkin_add(struct store *s, const struct checkin *c, const char *channel,
    int64_t inbound_id, int64_t day, int64_t next)
{
	struct sqlite_txn *t = sqlite_txn(s);
	struct sqlite_days *d = sqlite_days(s);
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 fresh, seen, held = t->open;

	/* In a transaction of sqlite_begin the count waits for its commit. */
	if (!held && sqlite_savepoint(s) == -1)
		return -1;
	/*
	 * First seen in the venue's ward that day is first seen at the venue:
	 * the venue's own lookup is left for the others (a venue moved to
	 * another ward during a day may count a person twice that day).
	 */
	if ((fresh = sqlite_aggregates_checkin(s, c, day)) == -1)
		goto fail;
	if ((seen = fresh ? 0 : sqlite_checkin_seen(s, c, day, next)) == -1)
		goto fail;

	st = sqlite_day_stmt(d, sqlite_day_for(d, DAYS_CHECKINS, c->sent_at),
	    DSTMT_CHECKIN_ADD);
	if (st == NULL)
		goto fail;
	sqlite_bind_int(st, 1, c->venue_id);
	sqlite_bind_text(st, 2, c->number);
	sqlite_bind_int(st, 3, c->companions);
	sqlite_bind_int(st, 4, c->sent_at);
	sqlite_bind_int(st, 5, c->received_at);
	sqlite_bind_opt(st, 6, c->checked_out_at);
	sqlite_bind_text(st, 7, channel);
	sqlite_bind_opt(st, 8, inbound_id > 0 ? inbound_id : 0);
	if (sqlite_run(s, st, "checkin add") == -1)
		goto fail;
	id = sqlite_last_id(s);
	if (held) {
		sqlite_stats_add(t, c->venue_id, day, seen ? 0 : 1);
		return id;
	}

	st = sqlite_stmt(s, STMT_STATS_BUMP);
	sqlite_bind_int(st, 1, c->venue_id);
	sqlite_bind_int(st, 2, day);
	sqlite_bind_int(st, 3, 1);
	sqlite_bind_int(st, 4, seen ? 0 : 1);
	if (sqlite_run(s, st, "daily stats") == -1)
		goto fail;

	if (sqlite_savepoint_end(s, 1) == -1)
		return -1;
	return id;

fail:
	if (!held)
		sqlite_savepoint_end(s, 0);
	return -1;
}

/*
 * The newest check-in (by sent_at, then id) that statement id finds in
 * the days from since on, ?1 number, ?2 venue_id, ?3 since: 1, 0 or -1.
 */
static int
sqlite_checkin_newest(struct store *s, enum sqlite_day_stmt_id id,
    const char *number, int64_t venue_id, int64_t since, struct checkin *c)
{
	struct sqlite_days	*d = sqlite_days(s);
	struct checkin		 got;
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS];
	size_t			 i, n;
	int			 rc, found = 0;

	n = sqlite_days_parts(d, DAYS_CHECKINS, since,
	    (int64_t)time(NULL) + SQLITE_DAYS_SKEW, parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], id)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, number);
		sqlite_bind_int(st, 2, venue_id);
		sqlite_bind_int(st, 3, since);
		if ((rc = sqlite_row(s, st, "checkin")) == -1)
			return -1;
		if (rc == 0)
			continue;
		sqlite_checkin_fill(st, &got);
		sqlite_done(st);
		if (!found || got.sent_at > c->sent_at ||
		    (got.sent_at == c->sent_at && got.id > c->id))
			*c = got;
		found = 1;
	}
	return found;
}

int
sqlite_checkin_recent(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	return sqlite_checkin_newest(s, DSTMT_CHECKIN_RECENT, number, venue_id,
	    since, c);
}

int
sqlite_checkin_open(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	return sqlite_checkin_newest(s, DSTMT_CHECKIN_OPEN, number, venue_id,
	    since, c);
}

/* In the table its id tells, or the default (a row moved there by hand). */
int
sqlite_checkin_close(struct store *s, int64_t id, int64_t at)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 day = sqlite_day_of_id(id);

	if (day != SQLITE_DAY_DEFAULT &&
	    (st = sqlite_day_stmt(d, day, DSTMT_CHECKIN_CLOSE)) != NULL) {
		sqlite_bind_int(st, 1, id);
		sqlite_bind_int(st, 2, at);
		if (sqlite_run(s, st, "checkin close") == -1)
			return -1;
		if (sqlite_changes(s) > 0)
			return 0;
	}
	if ((st = sqlite_day_stmt(d, SQLITE_DAY_DEFAULT,
	    DSTMT_CHECKIN_CLOSE)) == NULL)
		return -1;
	sqlite_bind_int(st, 1, id);
	sqlite_bind_int(st, 2, at);
	return sqlite_run(s, st, "checkin close");
}

int
sqlite_checkin_close_all(struct store *s, const char *number, int64_t at,
    int64_t since)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS];
	size_t			 i, n;

	n = sqlite_days_parts(d, DAYS_CHECKINS, since,
	    (int64_t)time(NULL) + SQLITE_DAYS_SKEW, parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i],
		    DSTMT_CHECKIN_CLOSE_ALL)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, number);
		sqlite_bind_int(st, 2, at);
		sqlite_bind_int(st, 3, since);
		if (sqlite_run(s, st, "checkin close all") == -1)
			return -1;
	}
	return 0;
}

/* A number's own check-ins, newest first, at most limit (all if limit <= 0). */
int
sqlite_checkin_history(struct store *s, const char *number, int limit,
    int (*cb)(const struct checkin_seen *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CHECKIN_HISTORY);
	struct checkin_seen	 cs;
	int			 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_text(st, 1, number);
	sqlite_bind_int(st, 2, limit > 0 ? limit : -1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&cs, 0, sizeof cs);
		sqlite_checkin_fill(st, &cs.checkin);
		sqlite_col_copy(st, 7, cs.code, sizeof cs.code);
		cs.venue_name = sqlite_col_text(st, 8);
		stop = cb(&cs, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "checkin history");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/* Health declarations. */

int64_t
sqlite_declaration_start(struct store *s, const char *number, int64_t venue_id,
    int64_t checkin_id, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DECL_START);

	sqlite_bind_text(st, 1, number);
	sqlite_bind_opt(st, 2, venue_id);
	sqlite_bind_opt(st, 3, checkin_id);
	sqlite_bind_int(st, 4, at);
	if (sqlite_run(s, st, "declaration start") == -1)
		return -1;
	return sqlite_last_id(s);
}

int
sqlite_declaration_answer(struct store *s, int64_t decl_id, const char *question,
    const char *answer, int flagged, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DECL_ANSWER);

	sqlite_bind_int(st, 1, decl_id);
	sqlite_bind_text(st, 2, question);
	sqlite_bind_text(st, 3, answer);
	sqlite_bind_int(st, 4, flagged ? 1 : 0);
	sqlite_bind_int(st, 5, at);
	if (sqlite_run(s, st, "declaration answer") == -1)
		return -1;
	return flagged ? sqlite_aggregates_flag(s, decl_id) : 0;
}

int
sqlite_declaration_finish(struct store *s, int64_t decl_id, int flagged,
    int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DECL_FINISH);

	sqlite_bind_int(st, 1, decl_id);
	sqlite_bind_int(st, 2, flagged ? 1 : 0);
	sqlite_bind_int(st, 3, at);
	if (sqlite_run(s, st, "declaration finish") == -1)
		return -1;
	return flagged ? sqlite_aggregates_flag(s, decl_id) : 0;
}

int
sqlite_declaration_last(struct store *s, const char *number,
    int64_t *completed_at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DECL_LAST);
	int		 rc;

	sqlite_bind_text(st, 1, number);
	if ((rc = sqlite_row(s, st, "declaration last")) != 1)
		return rc;
	if (completed_at != NULL)
		*completed_at = sqlite3_column_int64(st, 0);
	sqlite_done(st);
	return 1;
}

/* 0 and *flagged: 1 if the declaration or one of its answers is flagged. */
int
sqlite_declaration_flagged(struct store *s, int64_t decl_id, int *flagged)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_DECL_FLAGGED);
	int		 rc;

	*flagged = 0;
	sqlite_bind_int(st, 1, decl_id);
	if ((rc = sqlite_row(s, st, "declaration flagged")) != 1)
		return rc;	/* no such declaration: 0, not flagged */
	*flagged = sqlite3_column_int(st, 0) != 0;
	sqlite_done(st);
	return 0;
}

/* Sessions. */

int
sqlite_session_get(struct store *s, const char *number, int64_t now,
    struct session *ss)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SESSION_GET);
	int		 rc;

	sqlite_bind_text(st, 1, number);
	sqlite_bind_int(st, 2, now);
	if ((rc = sqlite_row(s, st, "session get")) != 1)
		return rc;
	memset(ss, 0, sizeof *ss);
	snprintf(ss->number, sizeof ss->number, "%s", number);
	ss->kind = (enum session_kind)sqlite3_column_int(st, 0);
	ss->venue_id = sqlite3_column_int64(st, 1);
	ss->decl_id = sqlite3_column_int64(st, 2);
	ss->step = sqlite3_column_int(st, 3);
	ss->companions = sqlite3_column_int(st, 4);
	sqlite_col_copy(st, 5, ss->qset, sizeof ss->qset);
	ss->expires_at = sqlite3_column_int64(st, 6);
	sqlite_done(st);
	return 1;
}

int
sqlite_session_put(struct store *s, const struct session *ss)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SESSION_PUT);

	sqlite_bind_text(st, 1, ss->number);
	sqlite_bind_int(st, 2, ss->kind);
	sqlite_bind_opt(st, 3, ss->venue_id);
	sqlite_bind_opt(st, 4, ss->decl_id);
	sqlite_bind_int(st, 5, ss->step);
	sqlite_bind_int(st, 6, ss->companions);
	sqlite_bind_text(st, 7, ss->qset);
	sqlite_bind_int(st, 8, ss->expires_at);
	return sqlite_run(s, st, "session put");
}

int
sqlite_session_clear(struct store *s, const char *number)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SESSION_CLEAR);

	sqlite_bind_text(st, 1, number);
	return sqlite_run(s, st, "session clear");
}

/* Subscribers. */

int
sqlite_subscriber_get(struct store *s, const char *number, struct subscriber *sub)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SUB_GET);
	int		 rc;

	sub->lang = -1;
	sub->opted_out = 0;
	sub->help_at = 0;
	sqlite_bind_text(st, 1, number);
	if ((rc = sqlite_row(s, st, "subscriber get")) != 1)
		return rc;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		sub->lang = sqlite3_column_int(st, 0);
	sub->opted_out = sqlite3_column_int(st, 1);
	sub->help_at = sqlite3_column_int64(st, 2);
	sqlite_done(st);
	return 1;
}

/*
 * The newest check-in's time since since (0: none) and whether one is
 * open, in the days they can be in.
 */
static int
sqlite_checkin_facts(struct store *s, const char *number, int64_t since,
    int64_t now, struct resident *r)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS], last;
	size_t			 i, n;

	n = sqlite_days_parts(d, DAYS_CHECKINS, since, now + SQLITE_DAYS_SKEW,
	    parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], DSTMT_CHECKIN_FACTS)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, number);
		sqlite_bind_int(st, 2, since);
		if (sqlite_row(s, st, "checkin facts") != 1)
			return -1;	/* (an aggregate: always a row) */
		last = sqlite3_column_int64(st, 0);	/* NULL is 0 */
		if (last > r->last_checkin)
			r->last_checkin = last;
		if (sqlite3_column_int(st, 1))
			r->open = 1;
		sqlite_done(st);
	}
	return 0;
}

int
sqlite_resident_get(struct store *s, const char *number, int64_t now,
    int64_t since, int64_t hour, int64_t minute, const char *text,
    struct resident *r)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_RESIDENT_GET);
	struct session	*ss = &r->session;
	int		 rc;

	memset(r, 0, sizeof *r);
	r->sub.lang = -1;
	sqlite_bind_text(st, 1, number);
	sqlite_bind_int(st, 2, now);
	if ((rc = sqlite_row(s, st, "resident get")) != 1)
		return rc == 0 ? 0 : -1;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL)
		r->sub.lang = sqlite3_column_int(st, 0);
	r->sub.opted_out = sqlite3_column_int(st, 1);
	r->sub.help_at = sqlite3_column_int64(st, 2);
	if ((r->has_session = sqlite3_column_int(st, 3)) != 0) {
		snprintf(ss->number, sizeof ss->number, "%s", number);
		ss->kind = (enum session_kind)sqlite3_column_int(st, 4);
		ss->venue_id = sqlite3_column_int64(st, 5);
		ss->decl_id = sqlite3_column_int64(st, 6);
		ss->step = sqlite3_column_int(st, 7);
		ss->companions = sqlite3_column_int(st, 8);
		sqlite_col_copy(st, 9, ss->qset, sizeof ss->qset);
		ss->expires_at = sqlite3_column_int64(st, 10);
	}
	r->declared_at = sqlite3_column_int64(st, 11);	/* NULL is 0 */
	sqlite_done(st);
	if (sqlite_inbound_recent_from(s, number, hour, minute, text, 0,
	    &r->recent) == -1 ||
	    sqlite_checkin_facts(s, number, since, now, r) == -1)
		return -1;
	r->has_last = 1;
	return 0;
}

/* Upsert one subscriber setting with a prepared statement. */
static int
sqlite_subscriber_set(struct store *s, enum sqlite_stmt_id id, const char *number,
    int null_if_negative, int64_t value, const char *what)
{
	sqlite3_stmt	*st = sqlite_stmt(s, id);

	sqlite_bind_text(st, 1, number);
	if (null_if_negative && value < 0)
		sqlite3_bind_null(st, 2);
	else
		sqlite_bind_int(st, 2, value);
	sqlite_bind_int(st, 3, time(NULL));
	return sqlite_run(s, st, what);
}

int
sqlite_subscriber_set_lang(struct store *s, const char *number, int lang)
{
	return sqlite_subscriber_set(s, STMT_SUB_SET_LANG, number, 1, lang,
	    "subscriber set lang");
}

int
sqlite_subscriber_set_optout(struct store *s, const char *number, int opted_out)
{
	return sqlite_subscriber_set(s, STMT_SUB_SET_OPTOUT, number, 0,
	    opted_out ? 1 : 0, "subscriber set optout");
}

int
sqlite_subscriber_set_help_at(struct store *s, const char *number, int64_t at)
{
	return sqlite_subscriber_set(s, STMT_SUB_SET_HELP, number, 0, at,
	    "subscriber set help");
}
