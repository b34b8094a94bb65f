/*
 * sqlite-ward.c: the ward's own workflow in SQLite (issue 18): a venue's
 * life (listed, with a code, committed, its place), inspectors and
 * inspections, registrations by SMS, fraud flags and the ward figures
 * they add to the report.
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

#define INSPECTION_COLUMNS \
	"i.id, i.venue_id, v.code, v.name, v.ward, i.at, i.inspector, i.result," \
	" i.note, coalesce(i.fine, -1), i.channel"
#define REGISTRATION_COLUMNS \
	"id, number, name, address, ward, state, coalesce(reason, '')," \
	" coalesce(venue_id, 0), created_at, coalesce(decided_at, 0)," \
	" coalesce(decided_by, '')"

const struct sqlite_sql sqlite_ward_sql[] = {
	{ STMT_VENUE_LIFE,
	    "SELECT listed, coalesce(committed_at, 0), coalesce(committed_by, ''),"
	    " coalesce(committed_recorder, ''), lat IS NOT NULL AND lon IS NOT NULL,"
	    " coalesce(lat, 0), coalesce(lon, 0) FROM venues WHERE id = ?1" },
	{ STMT_VENUE_SET_LISTED,
	    "UPDATE venues SET listed = 1, active = 0 WHERE id = ?1" },
	{ STMT_VENUE_SET_CODE,
	    "UPDATE venues SET code = ?2, listed = 0, active = 1"
	    " WHERE id = ?1 AND listed" },
	{ STMT_VENUE_COMMIT,
	    "UPDATE venues SET committed_at = ?2, committed_by = ?3,"
	    " committed_recorder = ?4 WHERE id = ?1" },
	{ STMT_VENUE_COORDS,
	    "UPDATE venues SET lat = CASE WHEN ?2 THEN ?3 END,"
	    " lon = CASE WHEN ?2 THEN ?4 END WHERE id = ?1" },

	{ STMT_INSPECTOR_ADD,
	    "INSERT OR REPLACE INTO inspectors (number, name, ward, created_at)"
	    " VALUES (?1, ?2, ?3, ?4)" },
	{ STMT_INSPECTOR_DEL,
	    "DELETE FROM inspectors WHERE number = ?1" },
	{ STMT_INSPECTOR_GET,
	    "SELECT number, name, ward, created_at FROM inspectors"
	    " WHERE number = ?1" },
	{ STMT_INSPECTOR_LIST,
	    "SELECT number, name, ward, created_at FROM inspectors"
	    " ORDER BY ward, name, number" },

	{ STMT_INSPECTION_ADD,
	    "INSERT INTO inspections (venue_id, at, inspector, result, note, fine,"
	    " channel) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ STMT_INSPECTION_LIST,
	    "SELECT " INSPECTION_COLUMNS " FROM inspections i"
	    " JOIN venues v ON v.id = i.venue_id"
	    " WHERE i.at >= ?2 AND i.at < ?3 AND (?1 IS NULL OR v.ward = ?1)"
	    " ORDER BY i.at DESC, i.id DESC" },
	{ STMT_INSPECTION_LAST,
	    "SELECT " INSPECTION_COLUMNS " FROM inspections i"
	    " JOIN venues v ON v.id = i.venue_id WHERE i.venue_id = ?1"
	    " ORDER BY i.at DESC, i.id DESC LIMIT 1" },

	{ STMT_REGISTRATION_ADD,
	    "INSERT INTO registrations (number, name, address, ward, state,"
	    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)" },
	{ STMT_REGISTRATION_GET,
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations WHERE id = ?1" },
	{ STMT_REGISTRATION_OPEN,
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations"
	    " WHERE number = ?1 AND state IN ('unconfirmed', 'pending')"
	    " ORDER BY id DESC LIMIT 1" },
	{ STMT_REGISTRATION_SET,
	    "UPDATE registrations SET state = ?3, reason = ?4,"
	    " venue_id = nullif(?5, 0), decided_at = nullif(?6, 0),"
	    " decided_by = nullif(?7, '') WHERE id = ?1 AND state = ?2" },
	{ STMT_REGISTRATION_LIST,
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations"
	    " WHERE (?1 IS NULL OR ward = ?1) AND (?2 IS NULL OR state = ?2)"
	    " AND state <> 'unconfirmed' ORDER BY id" },
	{ STMT_WARD_NAMES,
	    "SELECT DISTINCT ward FROM venues WHERE ward <> '' ORDER BY ward" },

	{ STMT_CHECKIN_PLACES,
	    "SELECT c.id, c.venue_id, c.sent_at, v.lat, v.lon FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = ?1 AND c.sent_at >= ?2 AND c.sent_at <= ?3"
	    " AND c.id <> ?4 AND v.lat IS NOT NULL AND v.lon IS NOT NULL"
	    " ORDER BY c.sent_at DESC, c.id DESC" },
	{ STMT_FLAG_ADD,
	    "INSERT INTO flags (checkin_id, venue_id, prev_checkin_id,"
	    " prev_venue_id, distance_m, seconds, at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ STMT_FLAG_LIST,
	    "SELECT f.id, f.at, v.code, v.name, v.ward, p.code, p.name, p.ward,"
	    " f.distance_m, f.seconds FROM flags f"
	    " JOIN venues v ON v.id = f.venue_id"
	    " JOIN venues p ON p.id = f.prev_venue_id"
	    " WHERE f.at >= ?2 AND f.at < ?3 AND (?1 IS NULL OR v.ward = ?1)"
	    " ORDER BY f.at, f.id" },

	/*
	 * ?1 the local day holding ?2, ?3 the end. A venue "used" had a
	 * check-in in the period by daily_stats (whole days) or by the kept
	 * check-ins, as the ward report counts it.
	 */
	{ STMT_REPORT_LIFE,
	    "SELECT w.ward, w.listed, w.coded, w.committed, w.used,"
	    " coalesce(i.inspected, 0), coalesce(i.violations, 0),"
	    " coalesce(f.flags, 0)"
	    " FROM (SELECT v.ward AS ward, count(*) AS listed,"
	    "  sum(NOT v.listed) AS coded,"
	    "  sum(NOT v.listed AND v.committed_at IS NOT NULL) AS committed,"
	    "  sum(NOT v.listed AND (EXISTS (SELECT 1 FROM daily_stats d"
	    "   WHERE d.venue_id = v.id AND d.day >= ?1 AND d.day < ?3"
	    "   AND d.checkins > 0) OR EXISTS (SELECT 1 FROM checkins c"
	    "   WHERE c.venue_id = v.id AND c.sent_at >= ?2 AND c.sent_at < ?3)))"
	    "   AS used"
	    "  FROM venues v WHERE v.active OR v.listed GROUP BY v.ward) w"
	    " LEFT JOIN (SELECT v.ward AS ward,"
	    "  count(DISTINCT i.venue_id) AS inspected,"
	    "  sum(i.result <> 'compliant') AS violations"
	    "  FROM inspections i JOIN venues v ON v.id = i.venue_id"
	    "  WHERE i.at >= ?2 AND i.at < ?3 GROUP BY v.ward) i"
	    "  ON i.ward = w.ward"
	    " LEFT JOIN (SELECT v.ward AS ward, count(*) AS flags"
	    "  FROM flags x JOIN venues v ON v.id = x.venue_id"
	    "  WHERE x.at >= ?2 AND x.at < ?3 GROUP BY v.ward) f"
	    "  ON f.ward = w.ward"
	    " ORDER BY w.ward" },
	{ STMT_AUDIT_ADD_SCOPED,
	    "INSERT INTO audit (at, actor, action, subject, query, records, scope)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ STMT_COUNT, NULL },
};

/* Bind ward, or NULL (all wards) when it is NULL or empty. */
static void
sqlite_ward_bind(sqlite3_stmt *st, int i, const char *ward)
{
	sqlite_bind_text(st, i, ward != NULL && *ward != '\0' ? ward : NULL);
}

/* Run st to its end, handing each row to fill then cb. */
static int
sqlite_ward_rows(struct store *s, sqlite3_stmt *st, const char *what,
    void (*fill)(sqlite3_stmt *, void *), void *row,
    int (*cb)(const void *, void *), void *arg)
{
	int	rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, row);
		stop = cb(row, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, what);
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/* Run an UPDATE of one venue: 0, 1 no such venue, -1. */
static int
sqlite_ward_update(struct store *s, sqlite3_stmt *st, const char *what)
{
	if (sqlite_run(s, st, what) == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

int
sqlite_venue_life(struct store *s, int64_t venue_id, struct venue_life *l)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_LIFE);
	int		 rc;

	memset(l, 0, sizeof *l);
	sqlite_bind_int(st, 1, venue_id);
	if ((rc = sqlite_row(s, st, "venue life")) != 1)
		return rc;
	l->listed = sqlite3_column_int(st, 0);
	l->committed_at = sqlite3_column_int64(st, 1);
	sqlite_col_copy(st, 2, l->committed_by, sizeof l->committed_by);
	sqlite_col_copy(st, 3, l->committed_recorder,
	    sizeof l->committed_recorder);
	l->has_coords = sqlite3_column_int(st, 4);
	l->lat = sqlite3_column_double(st, 5);
	l->lon = sqlite3_column_double(st, 6);
	sqlite_done(st);
	return 1;
}

int
sqlite_venue_set_listed(struct store *s, int64_t venue_id)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_SET_LISTED);

	sqlite_bind_int(st, 1, venue_id);
	return sqlite_ward_update(s, st, "venue set listed");
}

int
sqlite_venue_set_code(struct store *s, int64_t venue_id, const char *code)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_SET_CODE);
	int		 rc;

	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_text(st, 2, code);
	if ((rc = sqlite3_step(st)) == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite_done(st);
		return 1;
	}
	if (rc != SQLITE_DONE) {
		sqlite_error(s, "venue set code");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return sqlite_changes(s) == 0 ? 2 : 0;
}

int
sqlite_venue_commit(struct store *s, int64_t venue_id, int64_t at,
    const char *by, const char *recorder)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_COMMIT);

	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_opt(st, 2, at);
	sqlite_bind_text(st, 3, at != 0 ? by : NULL);
	sqlite_bind_text(st, 4, at != 0 ? recorder : NULL);
	return sqlite_ward_update(s, st, "venue commit");
}

int
sqlite_venue_coords(struct store *s, int64_t venue_id, int has, double lat,
    double lon)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_COORDS);

	sqlite_bind_int(st, 1, venue_id);
	sqlite_bind_int(st, 2, has ? 1 : 0);
	sqlite3_bind_double(st, 3, lat);
	sqlite3_bind_double(st, 4, lon);
	return sqlite_ward_update(s, st, "venue coords");
}

static void
sqlite_inspector_fill(sqlite3_stmt *st, void *row)
{
	struct inspector	*i = row;

	memset(i, 0, sizeof *i);
	sqlite_col_copy(st, 0, i->number, sizeof i->number);
	sqlite_col_copy(st, 1, i->name, sizeof i->name);
	sqlite_col_copy(st, 2, i->ward, sizeof i->ward);
	i->created_at = sqlite3_column_int64(st, 3);
}

int
sqlite_inspector_add(struct store *s, const struct inspector *i)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_INSPECTOR_ADD);

	sqlite_bind_text(st, 1, i->number);
	sqlite_bind_text(st, 2, i->name);
	sqlite_bind_text(st, 3, i->ward);
	sqlite_bind_int(st, 4, i->created_at);
	return sqlite_run(s, st, "inspector add");
}

int
sqlite_inspector_del(struct store *s, const char *number)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_INSPECTOR_DEL);

	sqlite_bind_text(st, 1, number);
	return sqlite_ward_update(s, st, "inspector del");
}

int
sqlite_inspector_get(struct store *s, const char *number, struct inspector *i)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_INSPECTOR_GET);
	int		 rc;

	sqlite_bind_text(st, 1, number);
	if ((rc = sqlite_row(s, st, "inspector get")) != 1)
		return rc;
	sqlite_inspector_fill(st, i);
	sqlite_done(st);
	return 1;
}

int
sqlite_inspector_list(struct store *s,
    int (*cb)(const struct inspector *, void *), void *arg)
{
	struct inspector	i;

	return sqlite_ward_rows(s, sqlite_stmt(s, STMT_INSPECTOR_LIST),
	    "inspector list", sqlite_inspector_fill, &i,
	    (int (*)(const void *, void *))cb, arg);
}

static void
sqlite_inspection_fill(sqlite3_stmt *st, void *row)
{
	struct inspection	*i = row;

	memset(i, 0, sizeof *i);
	i->id = sqlite3_column_int64(st, 0);
	i->venue_id = sqlite3_column_int64(st, 1);
	sqlite_col_copy(st, 2, i->code, sizeof i->code);
	sqlite_col_copy(st, 3, i->venue, sizeof i->venue);
	sqlite_col_copy(st, 4, i->ward, sizeof i->ward);
	i->at = sqlite3_column_int64(st, 5);
	sqlite_col_copy(st, 6, i->inspector, sizeof i->inspector);
	sqlite_col_copy(st, 7, i->result, sizeof i->result);
	sqlite_col_copy(st, 8, i->note, sizeof i->note);
	i->fine = sqlite3_column_int64(st, 9);
	sqlite_col_copy(st, 10, i->channel, sizeof i->channel);
}

int64_t
sqlite_inspection_add(struct store *s, const struct inspection *i)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_INSPECTION_ADD);

	sqlite_bind_int(st, 1, i->venue_id);
	sqlite_bind_int(st, 2, i->at);
	sqlite_bind_text(st, 3, i->inspector);
	sqlite_bind_text(st, 4, i->result);
	sqlite_bind_text(st, 5, i->note);
	if (i->fine >= 0)
		sqlite_bind_int(st, 6, i->fine);
	else
		sqlite3_bind_null(st, 6);
	sqlite_bind_text(st, 7, i->channel);
	if (sqlite_run(s, st, "inspection add") == -1)
		return -1;
	return sqlite_last_id(s);
}

int
sqlite_inspection_list(struct store *s, const char *ward, int64_t from,
    int64_t to, int (*cb)(const struct inspection *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_INSPECTION_LIST);
	struct inspection	 i;

	sqlite_ward_bind(st, 1, ward);
	sqlite_bind_int(st, 2, from);
	sqlite_bind_int(st, 3, to);
	return sqlite_ward_rows(s, st, "inspection list", sqlite_inspection_fill,
	    &i, (int (*)(const void *, void *))cb, arg);
}

int
sqlite_inspection_last(struct store *s, int64_t venue_id, struct inspection *i)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_INSPECTION_LAST);
	int		 rc;

	sqlite_bind_int(st, 1, venue_id);
	if ((rc = sqlite_row(s, st, "inspection last")) != 1)
		return rc;
	sqlite_inspection_fill(st, i);
	sqlite_done(st);
	return 1;
}

static void
sqlite_registration_fill(sqlite3_stmt *st, void *row)
{
	struct registration	*r = row;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	sqlite_col_copy(st, 1, r->number, sizeof r->number);
	sqlite_col_copy(st, 2, r->name, sizeof r->name);
	sqlite_col_copy(st, 3, r->address, sizeof r->address);
	sqlite_col_copy(st, 4, r->ward, sizeof r->ward);
	sqlite_col_copy(st, 5, r->state, sizeof r->state);
	sqlite_col_copy(st, 6, r->reason, sizeof r->reason);
	r->venue_id = sqlite3_column_int64(st, 7);
	r->created_at = sqlite3_column_int64(st, 8);
	r->decided_at = sqlite3_column_int64(st, 9);
	sqlite_col_copy(st, 10, r->decided_by, sizeof r->decided_by);
}

int64_t
sqlite_registration_add(struct store *s, const struct registration *r)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REGISTRATION_ADD);

	sqlite_bind_text(st, 1, r->number);
	sqlite_bind_text(st, 2, r->name);
	sqlite_bind_text(st, 3, r->address);
	sqlite_bind_text(st, 4, r->ward);
	sqlite_bind_text(st, 5, r->state);
	sqlite_bind_int(st, 6, r->created_at);
	if (sqlite_run(s, st, "registration add") == -1)
		return -1;
	return sqlite_last_id(s);
}

static int
sqlite_registration_one(struct store *s, sqlite3_stmt *st,
    struct registration *r)
{
	int	rc;

	if ((rc = sqlite_row(s, st, "registration")) != 1)
		return rc;
	sqlite_registration_fill(st, r);
	sqlite_done(st);
	return 1;
}

int
sqlite_registration_get(struct store *s, int64_t id, struct registration *r)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REGISTRATION_GET);

	sqlite_bind_int(st, 1, id);
	return sqlite_registration_one(s, st, r);
}

int
sqlite_registration_open(struct store *s, const char *number,
    struct registration *r)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REGISTRATION_OPEN);

	sqlite_bind_text(st, 1, number);
	return sqlite_registration_one(s, st, r);
}

int
sqlite_registration_set(struct store *s, const char *from,
    const struct registration *r)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_REGISTRATION_SET);

	sqlite_bind_int(st, 1, r->id);
	sqlite_bind_text(st, 2, from);
	sqlite_bind_text(st, 3, r->state);
	sqlite_bind_text(st, 4, r->reason[0] != '\0' ? r->reason : NULL);
	sqlite_bind_int(st, 5, r->venue_id);
	sqlite_bind_int(st, 6, r->decided_at);
	sqlite_bind_text(st, 7, r->decided_by);
	if (sqlite_run(s, st, "registration set") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 0 : 1;
}

int
sqlite_registration_list(struct store *s, const char *ward, const char *state,
    int (*cb)(const struct registration *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_REGISTRATION_LIST);
	struct registration	 r;

	sqlite_ward_bind(st, 1, ward);
	sqlite_bind_text(st, 2, state);
	return sqlite_ward_rows(s, st, "registration list",
	    sqlite_registration_fill, &r, (int (*)(const void *, void *))cb, arg);
}

int
sqlite_ward_names(struct store *s, int (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_WARD_NAMES);
	int		 rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(sqlite_col_text(st, 0), arg);
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "ward names");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

static void
sqlite_place_fill(sqlite3_stmt *st, void *row)
{
	struct checkin_place	*p = row;

	p->checkin_id = sqlite3_column_int64(st, 0);
	p->venue_id = sqlite3_column_int64(st, 1);
	p->sent_at = sqlite3_column_int64(st, 2);
	p->lat = sqlite3_column_double(st, 3);
	p->lon = sqlite3_column_double(st, 4);
}

int
sqlite_checkin_places(struct store *s, const char *number, int64_t since,
    int64_t until, int64_t except,
    int (*cb)(const struct checkin_place *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_CHECKIN_PLACES);
	struct checkin_place	 p;

	sqlite_bind_text(st, 1, number);
	sqlite_bind_int(st, 2, since);
	sqlite_bind_int(st, 3, until);
	sqlite_bind_int(st, 4, except);
	return sqlite_ward_rows(s, st, "checkin places", sqlite_place_fill, &p,
	    (int (*)(const void *, void *))cb, arg);
}

int64_t
sqlite_flag_add(struct store *s, int64_t checkin_id, int64_t venue_id,
    int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m,
    int64_t seconds, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_FLAG_ADD);

	sqlite_bind_int(st, 1, checkin_id);
	sqlite_bind_int(st, 2, venue_id);
	sqlite_bind_int(st, 3, prev_checkin_id);
	sqlite_bind_int(st, 4, prev_venue_id);
	sqlite_bind_int(st, 5, distance_m);
	sqlite_bind_int(st, 6, seconds);
	sqlite_bind_int(st, 7, at);
	if (sqlite_run(s, st, "flag add") == -1)
		return -1;
	return sqlite_last_id(s);
}

static void
sqlite_flag_fill(sqlite3_stmt *st, void *row)
{
	struct flag_row	*f = row;

	memset(f, 0, sizeof *f);
	f->id = sqlite3_column_int64(st, 0);
	f->at = sqlite3_column_int64(st, 1);
	sqlite_col_copy(st, 2, f->code, sizeof f->code);
	sqlite_col_copy(st, 3, f->venue, sizeof f->venue);
	sqlite_col_copy(st, 4, f->ward, sizeof f->ward);
	sqlite_col_copy(st, 5, f->prev_code, sizeof f->prev_code);
	sqlite_col_copy(st, 6, f->prev_venue, sizeof f->prev_venue);
	sqlite_col_copy(st, 7, f->prev_ward, sizeof f->prev_ward);
	f->distance_m = sqlite3_column_int64(st, 8);
	f->seconds = sqlite3_column_int64(st, 9);
}

int
sqlite_flag_list(struct store *s, const char *ward, int64_t from, int64_t to,
    int (*cb)(const struct flag_row *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_FLAG_LIST);
	struct flag_row	 f;

	sqlite_ward_bind(st, 1, ward);
	sqlite_bind_int(st, 2, from);
	sqlite_bind_int(st, 3, to);
	return sqlite_ward_rows(s, st, "flag list", sqlite_flag_fill, &f,
	    (int (*)(const void *, void *))cb, arg);
}

static void
sqlite_life_fill(sqlite3_stmt *st, void *row)
{
	struct ward_life	*w = row;

	memset(w, 0, sizeof *w);
	w->ward = sqlite_col_text(st, 0);
	w->listed = sqlite3_column_int64(st, 1);
	w->with_code = sqlite3_column_int64(st, 2);
	w->committed = sqlite3_column_int64(st, 3);
	w->used = sqlite3_column_int64(st, 4);
	w->inspected = sqlite3_column_int64(st, 5);
	w->violations = sqlite3_column_int64(st, 6);
	w->flags = sqlite3_column_int64(st, 7);
}

int
sqlite_report_life(struct store *s, int64_t day_from, int64_t from, int64_t to,
    int (*cb)(const struct ward_life *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_REPORT_LIFE);
	struct ward_life	 w;

	sqlite_bind_int(st, 1, day_from);
	sqlite_bind_int(st, 2, from);
	sqlite_bind_int(st, 3, to);
	return sqlite_ward_rows(s, st, "report life", sqlite_life_fill, &w,
	    (int (*)(const void *, void *))cb, arg);
}

int
sqlite_audit_add_scoped(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, const char *scope, int64_t records,
    int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_AUDIT_ADD_SCOPED);

	sqlite_bind_int(st, 1, at);
	sqlite_bind_text(st, 2, actor);
	sqlite_bind_text(st, 3, action);
	sqlite_bind_text(st, 4, subject);
	sqlite_bind_text(st, 5, query);
	sqlite_bind_int(st, 6, records);
	sqlite_bind_text(st, 7, scope);
	return sqlite_run(s, st, "audit add");
}
