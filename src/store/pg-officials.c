/*
 * pg-officials.c: venues, the ward's workflow (inspectors, inspections,
 * registrations, flags), traces, reports and the purge, in PostgreSQL.
 *
 * Each operation answers as the SQLite function of the same name
 * (sqlite-venues.c, sqlite-ward.c, sqlite-reports.c, sqlite-purge.c): the
 * same rows in the same order. Text sort keys are compared with COLLATE
 * "C", SQLite's byte order, whatever the database's own collation; flags
 * stored as BIGINT 0/1 are tested with <> 0; a parameter whose type the
 * server cannot infer from a column is cast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

#define STORE_STAY_MAX		86400	/* s: the longest stay traces look for */

/*
 * The purge's advisory lock ("ckdpurge" as eight bytes): one node purges
 * at a time, the others skip their turn.
 */
#define PG_PURGE_LOCK		"7163930066432452453"

#define VENUE_COLUMNS \
	"id, code, name, address, ward, district, kind, owner, active, created_at"

/* A text column, "" when NULL (as sqlite_col_text). */
static const char *
pg_off_text(const PGresult *r, int row, int col)
{
	const char	*v = pg_get_str(r, row, col);

	return v != NULL ? v : "";
}

/* Fill v from row of a VENUE_COLUMNS result, copying strings. */
static void
pg_venue_fill(const PGresult *r, int row, struct venue *v)
{
	memset(v, 0, sizeof *v);
	v->id = pg_get_i64(r, row, 0);
	pg_get_buf(r, row, 1, v->code, sizeof v->code);
	v->name = xstrdup(pg_off_text(r, row, 2));
	v->address = xstrdup(pg_off_text(r, row, 3));
	v->ward = xstrdup(pg_off_text(r, row, 4));
	v->district = xstrdup(pg_off_text(r, row, 5));
	v->kind = xstrdup(pg_off_text(r, row, 6));
	if (!pg_is_null(r, row, 7))
		v->owner = xstrdup(pg_get_str(r, row, 7));
	v->active = (int)pg_get_i64(r, row, 8);
	v->created_at = pg_get_i64(r, row, 9);
}

/*
 * Run a query and hand each row to fill (into row), then to cb, until cb
 * returns non-zero. What fill points at lives until the walk ends.
 */
static int
pg_off_rows(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params, void (*fill)(const PGresult *, int, void *),
    void *row, int (*cb)(const void *, void *), void *arg)
{
	PGresult	*r;
	int		 i, stop = 0;

	if ((r = pg_exec(q, what, sql, n, params)) == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++) {
		fill(r, i, row);
		stop = cb(row, arg);
	}
	PQclear(r);
	return 0;
}

/*
 * Run a query of at most one row and fill row from it: 1, 0 if there is
 * none, -1.
 */
static int
pg_off_one(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params, void (*fill)(const PGresult *, int, void *),
    void *row)
{
	PGresult	*r;
	int		 found;

	if ((r = pg_exec(q, what, sql, n, params)) == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		fill(r, 0, row);
	PQclear(r);
	return found;
}

/* Run a statement changing one row: 0, 1 if none changed, -1. */
static int
pg_off_update(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params)
{
	int64_t	changed;

	if (pg_run_changed(q, what, sql, n, params, &changed) == -1)
		return -1;
	return changed == 0 ? 1 : 0;
}

/* A query of one value: 0 and *v (0 when NULL, and *null set), -1. */
static int
pg_off_value(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params, int64_t *v, int *null)
{
	PGresult	*r;

	*v = 0;
	if (null != NULL)
		*null = 1;
	if ((r = pg_exec(q, what, sql, n, params)) == NULL)
		return -1;
	if (PQntuples(r) > 0 && !pg_is_null(r, 0, 0)) {
		*v = pg_get_i64(r, 0, 0);
		if (null != NULL)
			*null = 0;
	}
	PQclear(r);
	return 0;
}

/* A ward to filter on: NULL (all wards) when NULL or empty. */
static const char *
pg_off_ward(const char *ward)
{
	return ward != NULL && *ward != '\0' ? ward : NULL;
}

/* Venues. */

static void
pg_venue_fill_row(const PGresult *r, int row, void *v)
{
	pg_venue_fill(r, row, v);
}

/*
 * Insert v with its code: 0 and v->id, 1 if a venue (active or not)
 * already has the code (nothing logged: the caller may try another), -1.
 * A code seen taken draws no id from the sequence (as SQLite's ids run on
 * without gaps); ON CONFLICT covers another node inserting the same code
 * at the same time (it waits for that node's transaction).
 */
int
pg_venue_insert(struct store *s, struct venue *v)
{
	char		 active[PG_NUM], created[PG_NUM];
	const char	*p[9];
	PGresult	*r;
	int		 taken;

	p[0] = v->code;
	p[1] = v->name;
	p[2] = v->address != NULL ? v->address : "";
	p[3] = v->ward != NULL ? v->ward : "";
	p[4] = v->district != NULL ? v->district : "";
	p[5] = v->kind != NULL && *v->kind != '\0' ? v->kind : "default";
	p[6] = v->owner != NULL && *v->owner != '\0' ? v->owner : NULL;
	p[7] = pg_i64(active, v->active);
	p[8] = pg_i64(created, v->created_at);
	r = pg_exec(PG(s), "venue add",
	    "INSERT INTO venues (code, name, address, ward, district, kind,"
	    " owner, active, created_at)"
	    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9"
	    " WHERE NOT EXISTS (SELECT 1 FROM venues WHERE code = $1)"
	    " ON CONFLICT (code) DO NOTHING RETURNING id", 9, p);
	if (r == NULL)
		return -1;
	if (!(taken = PQntuples(r) == 0))
		v->id = pg_get_i64(r, 0, 0);
	PQclear(r);
	return taken;
}

int
pg_venue_by_code(struct store *s, const char *code, struct venue *v)
{
	const char	*p[1] = { code };

	return pg_off_one(PG(s), "venue",
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE code = $1", 1, p,
	    pg_venue_fill_row, v);
}

int
pg_venue_by_id(struct store *s, int64_t id, struct venue *v)
{
	char		 b[PG_NUM];
	const char	*p[1] = { pg_i64(b, id) };

	return pg_off_one(PG(s), "venue",
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE id = $1", 1, p,
	    pg_venue_fill_row, v);
}

/*
 * Every venue (of one ward, or all with ward NULL), by ward and name. The
 * venue handed to cb is only valid during the call.
 */
int
pg_venue_list(struct store *s, const char *ward, int include_inactive,
    int (*cb)(const struct venue *, void *), void *arg)
{
	char		 b[PG_NUM];
	const char	*p[2] = { ward, pg_i64(b, include_inactive ? 1 : 0) };
	struct venue	 v;
	PGresult	*r;
	int		 i, stop = 0;

	r = pg_exec(PG(s), "venue list",
	    "SELECT " VENUE_COLUMNS " FROM venues"
	    " WHERE ($1::text IS NULL OR ward = $1)"
	    " AND ($2::bigint <> 0 OR active <> 0)"
	    " ORDER BY ward COLLATE \"C\", name COLLATE \"C\", id", 2, p);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++) {
		pg_venue_fill(r, i, &v);
		stop = cb(&v, arg);
		store_venue_free(&v);
	}
	PQclear(r);
	return 0;
}

int
pg_venue_set_active(struct store *s, const char *code, int active)
{
	char		 b[PG_NUM];
	const char	*p[2] = { code, pg_i64(b, active ? 1 : 0) };

	return pg_off_update(PG(s), "venue set active",
	    "UPDATE venues SET active = $2 WHERE code = $1", 2, p);
}

/*
 * The owner's active venues with the day's figures, by name; how many.
 * The check-ins of this transaction are counted at COMMIT (pg-resident.c
 * holds their bumps until then), so they are not in these figures yet.
 */
int
pg_venue_owned_today(struct store *s, const char *owner, int64_t day_start,
    int (*cb)(const struct venue_day *, void *), void *arg)
{
	char			 b[PG_NUM];
	const char		*p[2] = { owner, pg_i64(b, day_start) };
	struct venue_day	 d;
	PGresult		*r;
	int64_t			 people;
	int			 i, n = 0, stop = 0;

	r = pg_exec(PG(s), "venue owned today",
	    "SELECT v.code, v.name, coalesce(d.checkins, 0),"
	    " coalesce(d.people, 0), v.id"
	    " FROM venues v LEFT JOIN daily_stats d"
	    " ON d.venue_id = v.id AND d.day = $2"
	    " WHERE v.owner = $1 AND v.active <> 0"
	    " ORDER BY v.name COLLATE \"C\", v.id", 2, p);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++) {
		memset(&d, 0, sizeof d);
		pg_get_buf(r, i, 0, d.code, sizeof d.code);
		d.name = pg_off_text(r, i, 1);
		d.checkins = (int)pg_get_i64(r, i, 2);
		d.people = (int)pg_get_i64(r, i, 3);
		/* The check-ins of the transaction in progress count too. */
		d.checkins += (int)pg_held_pending(PG(s), pg_get_i64(r, i, 4),
		    day_start, &people);
		d.people += (int)people;
		n++;
		if (cb != NULL)
			stop = cb(&d, arg);
	}
	PQclear(r);
	return n;
}

/* NULL keeps a field; an empty owner clears it, an empty kind is "default". */
int
pg_venue_update(struct store *s, const char *code, const char *name,
    const char *address, const char *ward, const char *kind, const char *owner,
    int active)
{
	char		 b[PG_NUM];
	const char	*p[7] = { code, name, address, ward, kind, owner,
			    pg_i64(b, active < 0 ? -1 : active ? 1 : 0) };

	return pg_off_update(PG(s), "venue update",
	    "UPDATE venues SET name = coalesce($2::text, name),"
	    " address = coalesce($3::text, address),"
	    " ward = coalesce($4::text, ward),"
	    " kind = CASE WHEN $5::text IS NULL THEN kind"
	    " WHEN $5::text = '' THEN 'default' ELSE $5::text END,"
	    " owner = CASE WHEN $6::text IS NULL THEN owner"
	    " WHEN $6::text = '' THEN NULL ELSE $6::text END,"
	    " active = CASE WHEN $7::bigint < 0 THEN active ELSE $7::bigint END"
	    " WHERE code = $1", 7, p);
}

int
pg_venue_by_call_number(struct store *s, const char *number, struct venue *v)
{
	const char	*p[1] = { number };

	return pg_off_one(PG(s), "venue",
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE call_number = $1", 1, p,
	    pg_venue_fill_row, v);
}

/*
 * 0, 1 no such venue, 2 the number is another venue's, -1. Two nodes
 * giving one number to two venues at once: the second fails on the
 * unique index (-1), as its caller's transaction then does.
 */
int
pg_venue_set_call_number(struct store *s, const char *code, const char *number)
{
	const char	*p[2];
	PGresult	*r;
	int		 owned;

	if (number != NULL) {
		p[0] = number;
		p[1] = code;
		r = pg_exec(PG(s), "venue call number owner",
		    "SELECT code FROM venues WHERE call_number = $1"
		    " AND code <> $2", 2, p);
		if (r == NULL)
			return -1;
		owned = PQntuples(r) > 0;
		PQclear(r);
		if (owned)
			return 2;
	}
	p[0] = code;
	p[1] = number;
	return pg_off_update(PG(s), "venue set call number",
	    "UPDATE venues SET call_number = $2 WHERE code = $1", 2, p);
}

/* 1 and the number, 0 if the venue has none (or there is no such venue), -1. */
int
pg_venue_call_number(struct store *s, const char *code, char *out,
    size_t outlen)
{
	const char	*p[1] = { code };
	PGresult	*r;
	int		 found;

	out[0] = '\0';
	r = pg_exec(PG(s), "venue call number",
	    "SELECT call_number FROM venues WHERE code = $1", 1, p);
	if (r == NULL)
		return -1;
	found = PQntuples(r) > 0 && !pg_is_null(r, 0, 0);
	if (found)
		pg_get_buf(r, 0, 0, out, outlen);
	PQclear(r);
	return found;
}

/*
 * Tracing: $2 (from) and $3 (to) the window, $4 default_stay, $5 the
 * longest stay looked for (STORE_STAY_MAX, or default_stay if longer).
 *
 * STAY_END is where a stay ends for overlap: at its check-out, or $4 after
 * it began if it was never closed; at most $5 after it began, so that a
 * search can start $5 before the window on the (.., sent_at) indexes; and
 * at least a second, so that a check-out stamped before its check-in still
 * leaves the visit on record (sqlite-reports.c says why at length).
 */
#define STAY_END(t) \
	"greatest(" t ".sent_at + 1, least(coalesce(" t ".checked_out_at, " \
	t ".sent_at + $4::bigint), " t ".sent_at + $5::bigint))"
/* The stay t overlaps the window [$2, $3), which is empty unless $2 < $3. */
#define STAY_IN_WINDOW(t) \
	"$2::bigint < $3::bigint AND " t ".sent_at >= $2::bigint - $5::bigint" \
	" AND " t ".sent_at < $3::bigint AND " STAY_END(t) " > $2::bigint"
/* The columns of a trace_row, of stay t at venue v. */
#define TRACE_COLUMNS(t) \
	t ".number, " t ".companions, " t ".sent_at, " t ".received_at, " \
	t ".checked_out_at, coalesce(" t ".checked_out_at, " t \
	".sent_at + $4::bigint), v.code, v.name, v.ward, v.address"

/* The window's parameters, $2..$5, into p[1..4] (bufs holds them). */
static void
pg_off_window(const char **p, char bufs[4][PG_NUM], int64_t from, int64_t to,
    int default_stay)
{
	int64_t	stay, longest;

	stay = default_stay > 0 ? default_stay : 0;
	longest = stay > STORE_STAY_MAX ? stay : STORE_STAY_MAX;
	p[1] = pg_i64(bufs[0], from);
	p[2] = pg_i64(bufs[1], to);
	p[3] = pg_i64(bufs[2], stay);
	p[4] = pg_i64(bufs[3], longest);
}

/*
 * Hand each row of a trace query (TRACE_COLUMNS, then the overlap for
 * contacts) to cb until it returns non-zero.
 */
static int
pg_trace_each(struct pg_store *q, const char *what, const char *sql,
    const char *const *p, const char *contact_of,
    int (*cb)(const struct trace_row *, void *), void *arg)
{
	struct trace_row	 t;
	PGresult		*r;
	int			 i, stop = 0;

	if ((r = pg_exec(q, what, sql, 5, p)) == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++) {
		memset(&t, 0, sizeof t);
		pg_get_buf(r, i, 0, t.number, sizeof t.number);
		t.companions = (int)pg_get_i64(r, i, 1);
		t.sent_at = pg_get_i64(r, i, 2);
		t.received_at = pg_get_i64(r, i, 3);
		t.checked_out_at = pg_get_i64(r, i, 4);	/* NULL is 0 */
		t.stay_end = pg_get_i64(r, i, 5);
		pg_get_buf(r, i, 6, t.code, sizeof t.code);
		t.venue_name = pg_off_text(r, i, 7);
		t.ward = pg_off_text(r, i, 8);
		t.address = pg_off_text(r, i, 9);
		if (contact_of != NULL) {
			snprintf(t.contact_of, sizeof t.contact_of, "%s",
			    contact_of);
			t.overlap_from = pg_get_i64(r, i, 10);
			t.overlap_to = pg_get_i64(r, i, 11);
		}
		stop = cb(&t, arg);
	}
	PQclear(r);
	return 0;
}

/* The stays at a venue overlapping [from, to), by time. */
int
pg_trace_venue(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	char		 id[PG_NUM], bufs[4][PG_NUM];
	const char	*p[5];

	p[0] = pg_i64(id, venue_id);
	pg_off_window(p, bufs, from, to, default_stay);
	return pg_trace_each(PG(s), "trace venue",
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.venue_id = $1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id", p, NULL, cb, arg);
}

/* A number's stays overlapping [from, to), by time. */
int
pg_trace_person(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	char		 bufs[4][PG_NUM];
	const char	*p[5];

	p[0] = number;
	pg_off_window(p, bufs, from, to, default_stay);
	return pg_trace_each(PG(s), "trace person",
	    "SELECT " TRACE_COLUMNS("c") " FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = $1 AND " STAY_IN_WINDOW("c")
	    " ORDER BY c.sent_at, c.id", p, NULL, cb, arg);
}

/*
 * One row per pair of overlapping stays (the contact's b, number's a),
 * ordered by number's stay, then the contact's. The row describes the
 * contact's stay; overlap_from and overlap_to bound the time both were
 * there: b began at most $5 before a did and before a ended, and ended
 * after a began.
 */
int
pg_trace_contacts(struct store *s, const char *number, int64_t from,
    int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *),
    void *arg)
{
	char		 bufs[4][PG_NUM];
	const char	*p[5];

	p[0] = number;
	pg_off_window(p, bufs, from, to, default_stay);
	return pg_trace_each(PG(s), "trace contacts",
	    "SELECT " TRACE_COLUMNS("b") ", greatest(a.sent_at, b.sent_at),"
	    " least(" STAY_END("a") ", " STAY_END("b") ")"
	    " FROM checkins a"
	    " JOIN checkins b ON b.venue_id = a.venue_id"
	    " AND b.sent_at >= a.sent_at - $5::bigint"
	    " AND b.sent_at < " STAY_END("a")
	    " AND " STAY_END("b") " > a.sent_at AND b.number <> a.number"
	    " JOIN venues v ON v.id = a.venue_id"
	    " WHERE a.number = $1 AND " STAY_IN_WINDOW("a")
	    " ORDER BY a.sent_at, a.id, b.sent_at, b.id", p, number, cb, arg);
}

/*
 * The distinct numbers whose stay at the venue overlapped [from, to), in
 * byte order, opted-out ones left out.
 */
int
pg_alert_numbers(struct store *s, int64_t venue_id, int64_t from, int64_t to,
    int default_stay, int (*cb)(const char *, void *), void *arg)
{
	char		 id[PG_NUM], bufs[4][PG_NUM];
	const char	*p[5];
	PGresult	*r;
	int		 i, stop = 0;

	p[0] = pg_i64(id, venue_id);
	pg_off_window(p, bufs, from, to, default_stay);
	r = pg_exec(PG(s), "alert numbers",
	    "SELECT c.number FROM checkins c"
	    " WHERE c.venue_id = $1 AND " STAY_IN_WINDOW("c")
	    " AND NOT EXISTS (SELECT 1 FROM subscribers s"
	    " WHERE s.number = c.number AND s.opted_out <> 0)"
	    " GROUP BY c.number ORDER BY c.number COLLATE \"C\"", 5, p);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++)
		stop = cb(pg_off_text(r, i, 0), arg);
	PQclear(r);
	return 0;
}

/* Reports. */

/* The time of the oldest check-in kept: 1 and *oldest, 0 if none, -1. */
int
pg_report_oldest(struct store *s, int64_t *oldest)
{
	int	none;

	if (pg_off_value(PG(s), "report kept",
	    "SELECT min(sent_at) FROM checkins", 0, NULL, oldest, &none) == -1)
		return -1;
	return none ? 0 : 1;
}

/* The check-ins kept in [day, next), and those daily_stats counted on day. */
int
pg_report_day(struct store *s, int64_t day, int64_t next, int64_t *kept,
    int64_t *counted)
{
	char		 b1[PG_NUM], b2[PG_NUM];
	const char	*p[2] = { pg_i64(b1, day), pg_i64(b2, next) };

	if (pg_off_value(PG(s), "report day",
	    "SELECT count(*) FROM checkins WHERE sent_at >= $1 AND sent_at < $2",
	    2, p, kept, NULL) == -1)
		return -1;
	return pg_off_value(PG(s), "report day stats",
	    "SELECT coalesce(sum(checkins), 0) FROM daily_stats WHERE day = $1",
	    1, p, counted, NULL);
}

static void
pg_ward_row_fill(const PGresult *r, int row, void *arg)
{
	struct ward_row	*w = arg;

	memset(w, 0, sizeof *w);
	w->ward = pg_off_text(r, row, 0);
	w->venues = pg_get_i64(r, row, 1);
	w->venues_used = pg_get_i64(r, row, 2);
	w->checkins = pg_get_i64(r, row, 3);
	w->visitors = pg_get_i64(r, row, 4);
	w->flagged = pg_get_i64(r, row, 5);
}

/*
 * The ward report, from the aggregates only (sqlite-reports.c's
 * STMT_REPORT_WARDS says how each figure is counted): every ward that has
 * an active venue, by ward. $1 the start of the local day holding $2, the
 * period's start, $3 its end. kept is not needed: the figures are whole
 * days' from daily_stats and ward_days.
 */
int
pg_report_wards(struct store *s, int64_t day_from, int64_t from, int64_t to,
    int64_t kept, int (*cb)(const struct ward_row *, void *), void *arg)
{
	char		 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM];
	const char	*p[3] = { pg_i64(b1, day_from), pg_i64(b2, from),
			    pg_i64(b3, to) };
	struct ward_row	 w;

	(void)kept;
	return pg_off_rows(PG(s), "report wards",
	    "SELECT w.ward, w.venues, coalesce(u.used, 0),"
	    " coalesce(u.checkins, 0), coalesce(d.visitors, 0),"
	    " coalesce(u.flagged, 0)"
	    " FROM (SELECT ward, count(*) AS venues FROM venues"
	    "  WHERE active <> 0 GROUP BY ward) w"
	    " LEFT JOIN (SELECT v.ward AS ward,"
	    "  count(DISTINCT CASE WHEN s.checkins > 0 THEN s.venue_id END)"
	    "  AS used, sum(s.checkins) AS checkins, sum(s.flagged) AS flagged"
	    "  FROM daily_stats s JOIN venues v ON v.id = s.venue_id"
	    "  WHERE s.day >= $1::bigint AND s.day < $3::bigint"
	    "  AND v.active <> 0 AND $2::bigint < $3::bigint"
	    "  GROUP BY v.ward) u ON u.ward = w.ward"
	    " LEFT JOIN (SELECT ward, sum(visitors) AS visitors FROM ward_days"
	    "  WHERE day >= $1::bigint AND day < $3::bigint GROUP BY ward) d"
	    "  ON d.ward = w.ward"
	    " ORDER BY w.ward COLLATE \"C\"", 3, p, pg_ward_row_fill, &w,
	    (int (*)(const void *, void *))cb, arg);
}

/*
 * Active venues without a daily_stats row from day_since (the start of
 * the local day holding since) on, nor a check-in since then; with the
 * last check-in still kept, else the start of the last day counted,
 * else 0.
 */
int
pg_report_inactive(struct store *s, int64_t day_since, int64_t since,
    int (*cb)(const struct venue *, int64_t, void *), void *arg)
{
	char		 b1[PG_NUM], b2[PG_NUM];
	const char	*p[2] = { pg_i64(b1, day_since), pg_i64(b2, since) };
	struct venue	 v;
	PGresult	*r;
	int		 i, stop = 0;

	r = pg_exec(PG(s), "report inactive",
	    "SELECT v.id, v.code, v.name, v.address, v.ward, v.district, v.kind,"
	    " v.owner, v.active, v.created_at,"
	    " coalesce((SELECT max(c.sent_at) FROM checkins c"
	    " WHERE c.venue_id = v.id), (SELECT max(d.day) FROM daily_stats d"
	    " WHERE d.venue_id = v.id), 0)"
	    " FROM venues v WHERE v.active <> 0"
	    " AND NOT EXISTS (SELECT 1 FROM daily_stats d"
	    " WHERE d.venue_id = v.id AND d.day >= $1 AND d.checkins > 0)"
	    " AND NOT EXISTS (SELECT 1 FROM checkins c"
	    " WHERE c.venue_id = v.id AND c.sent_at >= $2)"
	    " ORDER BY v.ward COLLATE \"C\", v.name COLLATE \"C\", v.id", 2, p);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++) {
		pg_venue_fill(r, i, &v);
		stop = cb(&v, pg_get_i64(r, i, 10), arg);
		store_venue_free(&v);
	}
	PQclear(r);
	return 0;
}

/*
 * The check-ins of each local day of [day_from, to) that has any, from
 * daily_stats, oldest first: of one venue, or of all (venue_id 0).
 */
int
pg_daily_series(struct store *s, int64_t venue_id, int64_t day_from,
    int64_t to, int (*cb)(int64_t, int64_t, void *), void *arg)
{
	char		 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM];
	const char	*p[3] = { pg_i64(b1, day_from), pg_i64(b2, to),
			    pg_i64(b3, venue_id) };
	PGresult	*r;
	int		 i, stop = 0;

	r = pg_exec(PG(s), "daily series",
	    "SELECT day, sum(checkins) FROM daily_stats"
	    " WHERE day >= $1 AND day < $2"
	    " AND ($3::bigint = 0 OR venue_id = $3::bigint)"
	    " GROUP BY day ORDER BY day", 3, p);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++)
		stop = cb(pg_get_i64(r, i, 0), pg_get_i64(r, i, 1), arg);
	PQclear(r);
	return 0;
}

/* Retention. */

/*
 * One purge step per kind of personal row, in the order they go: a
 * statement deleting the oldest rows older than $1, at most $2 of them
 * (NULL: all), and one counting all that would go. Answers go with their
 * declaration, and before it (they reference it). daily_seen goes by
 * local day: its $1 is the start of the local day holding the cut-off.
 * A table in day partitions (pg-schema.c's step 11) loses its whole days
 * first, its row deletes keep to the partitions the cut-off leaves.
 */
static const struct pg_purge_step {
	const char	*what;
	const char	*remove;
	const char	*count;
	int		 by_day;
	const char	*days;		/* the table in day partitions */
} pg_purge_steps[] = {
	{ "checkins",
	    "DELETE FROM checkins WHERE sent_at < $1 AND id IN (SELECT id"
	    " FROM checkins WHERE sent_at < $1 ORDER BY sent_at, id LIMIT $2)",
	    "SELECT count(*) FROM checkins WHERE sent_at < $1", 0, "checkins" },
	{ "answers",
	    "DELETE FROM answers WHERE id IN (SELECT a.id FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id WHERE d.started_at < $1"
	    " ORDER BY d.started_at, d.id LIMIT $2)",
	    "SELECT count(*) FROM declarations d"
	    " JOIN answers a ON a.declaration_id = d.id"
	    " WHERE d.started_at < $1", 0, NULL },
	{ "declarations",
	    "DELETE FROM declarations WHERE id IN (SELECT d.id"
	    " FROM declarations d WHERE d.started_at < $1"
	    " AND NOT EXISTS (SELECT 1 FROM answers a"
	    " WHERE a.declaration_id = d.id)"
	    " ORDER BY d.started_at, d.id LIMIT $2)",
	    "SELECT count(*) FROM declarations WHERE started_at < $1", 0, NULL },
	{ "inbound",
	    "DELETE FROM inbound WHERE received_at < $1 AND id IN (SELECT id"
	    " FROM inbound WHERE received_at < $1"
	    " ORDER BY received_at, id LIMIT $2)",
	    "SELECT count(*) FROM inbound WHERE received_at < $1", 0, "inbound" },
	/* Settled rows only: sent, delivered, failed, expired. */
	{ "outbox",
	    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
	    " WHERE created_at < $1 AND state IN (2, 3, 4, 5)"
	    " ORDER BY created_at, id LIMIT $2)",
	    "SELECT count(*) FROM outbox WHERE created_at < $1"
	    " AND state IN (2, 3, 4, 5)", 0, NULL },
	{ "ussd sessions",
	    "DELETE FROM ussd_sessions WHERE id IN (SELECT id FROM ussd_sessions"
	    " WHERE updated_at < $1 ORDER BY updated_at, id LIMIT $2)",
	    "SELECT count(*) FROM ussd_sessions WHERE updated_at < $1", 0, NULL },
	{ "sessions",
	    "DELETE FROM sessions WHERE number IN (SELECT number FROM sessions"
	    " WHERE expires_at < $1 ORDER BY expires_at, number LIMIT $2)",
	    "SELECT count(*) FROM sessions WHERE expires_at < $1", 0, NULL },
	/* Who was first seen where (the counts made of it stay). */
	{ "daily seen",
	    "DELETE FROM daily_seen WHERE day < $1 AND (day, ward, number) IN"
	    " (SELECT day, ward, number FROM daily_seen"
	    " WHERE day < $1 ORDER BY day LIMIT $2)",
	    "SELECT count(*) FROM daily_seen WHERE day < $1", 1, "daily_seen" },
};

/* The purge counts every row due and changes nothing. */
static int
pg_purge_count(struct pg_store *q, int64_t before, int64_t *deleted)
{
	const struct pg_purge_step	*st;
	char				 b[PG_NUM];
	const char			*p[1];
	int64_t				 n;
	size_t				 i;

	for (i = 0; i < nitems(pg_purge_steps); i++) {
		st = &pg_purge_steps[i];
		p[0] = pg_i64(b, st->by_day ? tz_day_start(before) : before);
		if (pg_off_value(q, st->what, st->count, 1, p, &n, NULL) == -1)
			return -1;
		*deleted += n;
	}
	return 0;
}

/*
 * The oldest whole day due holding rows, dropped with the empty days
 * before it (pg-schema.c's checkind_days_drop) after making sure of the
 * days ahead: 1 with the rows it held in *deleted, 0 when no day holding
 * rows went (none due, or its lock did not come).
 */
static int
pg_purge_day(struct pg_store *q, int64_t before, int64_t *deleted)
{
	const struct pg_purge_step	*st;
	char				 b[PG_NUM];
	const char			*p[2];
	int64_t				 n;
	size_t				 i;
	int				 null;

	if (pg_run(q, "purge days ahead", "SELECT checkind_days_make()", 0,
	    NULL) == -1)
		return -1;
	for (i = 0; i < nitems(pg_purge_steps); i++) {
		st = &pg_purge_steps[i];
		if (st->days == NULL)
			continue;
		p[0] = st->days;
		p[1] = pg_i64(b, st->by_day ? tz_day_start(before) : before);
		if (pg_off_value(q, st->what, "SELECT checkind_days_drop($1, $2)",
		    2, p, &n, &null) == -1)
			return -1;
		if (!null && n > 0) {
			log_debug("store: purge %s=%lld before=%lld (a whole day)",
			    st->what, (long long)n, (long long)before);
			*deleted += n;
			return 1;
		}
	}
	return 0;
}

/*
 * The purge's steps, in a savepoint: 0, or -1 with nothing left done.
 * A whole day goes first, alone: the caller commits it at once, releasing
 * the lock dropping it took (pg_purge_day).
 */
static int
pg_purge_steps_run(struct pg_store *q, int64_t before, int chunk,
    int64_t *deleted)
{
	const struct pg_purge_step	*st;
	char				 b[PG_NUM], lim[PG_NUM];
	const char			*p[2];
	int64_t				 n, left;
	size_t				 i;

	left = chunk > 0 ? chunk : -1;	/* -1: no limit (LIMIT NULL) */
	if (pg_savepoint(&q->store) == -1)
		return -1;
	switch (pg_purge_day(q, before, deleted)) {
	case -1:
		pg_savepoint_end(&q->store, 0);
		*deleted = 0;
		return -1;
	case 1:
		left = 0;
		break;
	}
	for (i = 0; i < nitems(pg_purge_steps) && left != 0; i++) {
		st = &pg_purge_steps[i];
		p[0] = pg_i64(b, st->by_day ? tz_day_start(before) : before);
		p[1] = left > 0 ? pg_i64(lim, left) : NULL;
		if (pg_run_changed(q, st->what, st->remove, 2, p, &n) == -1) {
			pg_savepoint_end(&q->store, 0);
			*deleted = 0;
			return -1;
		}
		*deleted += n;
		if (left > 0)
			left -= n;
		if (n > 0)
			log_debug("store: purge %s=%lld before=%lld", st->what,
			    (long long)n, (long long)before);
	}
	if (pg_savepoint_end(&q->store, 1) == -1) {
		*deleted = 0;
		return -1;
	}
	return 0;
}

/*
 * Delete up to chunk personal rows older than before, table by table in
 * pg_purge_steps order, oldest first within each (as sqlite_purge): the
 * caller commits and calls again until *deleted is 0; chunk <= 0 removes
 * everything due; a dry run counts every row due and changes nothing.
 * Atomic: on error nothing of this call remains.
 *
 * Nodes sharing the database take turns: the transaction holds an advisory
 * lock until it ends (released at COMMIT or ROLLBACK, even if the node
 * dies), and a node that finds it taken deletes nothing this time, which
 * its caller reads as "nothing left": another node is purging.
 */
int
pg_purge(struct store *s, int64_t before, int chunk, int dry_run,
    int64_t *deleted)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	int		 own, locked, rc;

	*deleted = 0;
	if (dry_run)
		return pg_purge_count(q, before, deleted);

	/* The caller's transaction, else one of our own. */
	if ((own = q->depth == 0) && pg_begin(s) == -1)
		return -1;
	r = pg_exec(q, "purge lock",
	    "SELECT pg_try_advisory_xact_lock(" PG_PURGE_LOCK ")::int", 0, NULL);
	if (r == NULL) {
		if (own)
			pg_rollback(s);
		return -1;
	}
	locked = pg_get_i64(r, 0, 0) == 1;
	PQclear(r);
	if (!locked) {
		log_debug("store: purge skipped: another node is purging");
		rc = 0;
	} else
		rc = pg_purge_steps_run(q, before, chunk, deleted);
	if (own) {
		if (rc == 0 && pg_commit(s) == -1) {
			*deleted = 0;
			rc = -1;
		} else if (rc == -1)
			pg_rollback(s);
	}
	return rc;
}

/* The ward's workflow. */

#define INSPECTION_COLUMNS \
	"i.id, i.venue_id, v.code, v.name, v.ward, i.at, i.inspector, i.result," \
	" i.note, coalesce(i.fine, -1), i.channel"
#define REGISTRATION_COLUMNS \
	"id, number, name, address, ward, state, coalesce(reason, '')," \
	" coalesce(venue_id, 0), created_at, coalesce(decided_at, 0)," \
	" coalesce(decided_by, '')"

static void
pg_life_one_fill(const PGresult *r, int row, void *arg)
{
	struct venue_life	*l = arg;

	l->listed = (int)pg_get_i64(r, row, 0);
	l->committed_at = pg_get_i64(r, row, 1);
	pg_get_buf(r, row, 2, l->committed_by, sizeof l->committed_by);
	pg_get_buf(r, row, 3, l->committed_recorder,
	    sizeof l->committed_recorder);
	l->has_coords = (int)pg_get_i64(r, row, 4);
	l->lat = pg_get_dbl(r, row, 5);
	l->lon = pg_get_dbl(r, row, 6);
}

int
pg_venue_life(struct store *s, int64_t venue_id, struct venue_life *l)
{
	char		 b[PG_NUM];
	const char	*p[1] = { pg_i64(b, venue_id) };

	memset(l, 0, sizeof *l);
	return pg_off_one(PG(s), "venue life",
	    "SELECT listed, coalesce(committed_at, 0), coalesce(committed_by, ''),"
	    " coalesce(committed_recorder, ''),"
	    " (lat IS NOT NULL AND lon IS NOT NULL)::int,"
	    " coalesce(lat, 0), coalesce(lon, 0) FROM venues WHERE id = $1",
	    1, p, pg_life_one_fill, l);
}

int
pg_venue_set_listed(struct store *s, int64_t venue_id)
{
	char		 b[PG_NUM];
	const char	*p[1] = { pg_i64(b, venue_id) };

	return pg_off_update(PG(s), "venue set listed",
	    "UPDATE venues SET listed = 1, active = 0 WHERE id = $1", 1, p);
}

/*
 * A listed venue takes code and becomes active: 0, 1 the code is another
 * venue's, 2 the venue is not listed (or there is none), -1. The code is
 * looked for first, so that a taken one is an answer and not an error
 * that would end the caller's transaction; two nodes activating with the
 * same fresh code at the same instant: the second fails (-1).
 */
int
pg_venue_set_code(struct store *s, int64_t venue_id, const char *code)
{
	char		 b[PG_NUM];
	const char	*p[2] = { pg_i64(b, venue_id), code };
	int64_t		 changed, listed;
	int		 none;

	if (pg_run_changed(PG(s), "venue set code",
	    "UPDATE venues SET code = $2, listed = 0, active = 1"
	    " WHERE id = $1 AND listed <> 0"
	    " AND NOT EXISTS (SELECT 1 FROM venues t WHERE t.code = $2)",
	    2, p, &changed) == -1)
		return -1;
	if (changed > 0)
		return 0;
	if (pg_off_value(PG(s), "venue set code",
	    "SELECT listed FROM venues WHERE id = $1", 1, p, &listed,
	    &none) == -1)
		return -1;
	return !none && listed != 0 ? 1 : 2;
}

/* A commitment signed at `at' (0: none, which clears who signed). */
int
pg_venue_commit(struct store *s, int64_t venue_id, int64_t at,
    const char *by, const char *recorder)
{
	char		 b1[PG_NUM], b2[PG_NUM];
	const char	*p[4];

	p[0] = pg_i64(b1, venue_id);
	p[1] = at != 0 ? pg_i64(b2, at) : NULL;
	p[2] = at != 0 ? by : NULL;
	p[3] = at != 0 ? recorder : NULL;
	return pg_off_update(PG(s), "venue commit",
	    "UPDATE venues SET committed_at = $2, committed_by = $3,"
	    " committed_recorder = $4 WHERE id = $1", 4, p);
}

int
pg_venue_coords(struct store *s, int64_t venue_id, int has, double lat,
    double lon)
{
	char		 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM], b4[PG_NUM];
	const char	*p[4] = { pg_i64(b1, venue_id), pg_i64(b2, has ? 1 : 0),
			    pg_dbl(b3, lat), pg_dbl(b4, lon) };

	return pg_off_update(PG(s), "venue coords",
	    "UPDATE venues"
	    " SET lat = CASE WHEN $2::bigint <> 0 THEN $3::double precision END,"
	    " lon = CASE WHEN $2::bigint <> 0 THEN $4::double precision END"
	    " WHERE id = $1", 4, p);
}

static void
pg_inspector_fill(const PGresult *r, int row, void *arg)
{
	struct inspector	*i = arg;

	memset(i, 0, sizeof *i);
	pg_get_buf(r, row, 0, i->number, sizeof i->number);
	pg_get_buf(r, row, 1, i->name, sizeof i->name);
	pg_get_buf(r, row, 2, i->ward, sizeof i->ward);
	i->created_at = pg_get_i64(r, row, 3);
}

/* Add the inspector, or replace the one of that number. */
int
pg_inspector_add(struct store *s, const struct inspector *i)
{
	char		 b[PG_NUM];
	const char	*p[4] = { i->number, i->name, i->ward,
			    pg_i64(b, i->created_at) };

	return pg_run(PG(s), "inspector add",
	    "INSERT INTO inspectors (number, name, ward, created_at)"
	    " VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (number) DO UPDATE SET name = excluded.name,"
	    " ward = excluded.ward, created_at = excluded.created_at", 4, p);
}

int
pg_inspector_del(struct store *s, const char *number)
{
	const char	*p[1] = { number };

	return pg_off_update(PG(s), "inspector del",
	    "DELETE FROM inspectors WHERE number = $1", 1, p);
}

int
pg_inspector_get(struct store *s, const char *number, struct inspector *i)
{
	const char	*p[1] = { number };

	return pg_off_one(PG(s), "inspector get",
	    "SELECT number, name, ward, created_at FROM inspectors"
	    " WHERE number = $1", 1, p, pg_inspector_fill, i);
}

int
pg_inspector_list(struct store *s,
    int (*cb)(const struct inspector *, void *), void *arg)
{
	struct inspector	i;

	return pg_off_rows(PG(s), "inspector list",
	    "SELECT number, name, ward, created_at FROM inspectors"
	    " ORDER BY ward COLLATE \"C\", name COLLATE \"C\","
	    " number COLLATE \"C\"", 0, NULL, pg_inspector_fill, &i,
	    (int (*)(const void *, void *))cb, arg);
}

static void
pg_inspection_fill(const PGresult *r, int row, void *arg)
{
	struct inspection	*i = arg;

	memset(i, 0, sizeof *i);
	i->id = pg_get_i64(r, row, 0);
	i->venue_id = pg_get_i64(r, row, 1);
	pg_get_buf(r, row, 2, i->code, sizeof i->code);
	pg_get_buf(r, row, 3, i->venue, sizeof i->venue);
	pg_get_buf(r, row, 4, i->ward, sizeof i->ward);
	i->at = pg_get_i64(r, row, 5);
	pg_get_buf(r, row, 6, i->inspector, sizeof i->inspector);
	pg_get_buf(r, row, 7, i->result, sizeof i->result);
	pg_get_buf(r, row, 8, i->note, sizeof i->note);
	i->fine = pg_get_i64(r, row, 9);
	pg_get_buf(r, row, 10, i->channel, sizeof i->channel);
}

int64_t
pg_inspection_add(struct store *s, const struct inspection *i)
{
	char		 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM];
	const char	*p[7];

	p[0] = pg_i64(b1, i->venue_id);
	p[1] = pg_i64(b2, i->at);
	p[2] = i->inspector;
	p[3] = i->result;
	p[4] = i->note;
	p[5] = i->fine >= 0 ? pg_i64(b3, i->fine) : NULL;
	p[6] = i->channel;
	return pg_id(PG(s), "inspection add",
	    "INSERT INTO inspections (venue_id, at, inspector, result, note,"
	    " fine, channel) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
	    7, p);
}

/* Inspections at in [from, to), newest first, of one ward or all. */
int
pg_inspection_list(struct store *s, const char *ward, int64_t from,
    int64_t to, int (*cb)(const struct inspection *, void *), void *arg)
{
	char			 b1[PG_NUM], b2[PG_NUM];
	const char		*p[3] = { pg_off_ward(ward), pg_i64(b1, from),
				    pg_i64(b2, to) };
	struct inspection	 i;

	return pg_off_rows(PG(s), "inspection list",
	    "SELECT " INSPECTION_COLUMNS " FROM inspections i"
	    " JOIN venues v ON v.id = i.venue_id"
	    " WHERE i.at >= $2 AND i.at < $3"
	    " AND ($1::text IS NULL OR v.ward = $1::text)"
	    " ORDER BY i.at DESC, i.id DESC", 3, p, pg_inspection_fill, &i,
	    (int (*)(const void *, void *))cb, arg);
}

int
pg_inspection_last(struct store *s, int64_t venue_id, struct inspection *i)
{
	char		 b[PG_NUM];
	const char	*p[1] = { pg_i64(b, venue_id) };

	return pg_off_one(PG(s), "inspection last",
	    "SELECT " INSPECTION_COLUMNS " FROM inspections i"
	    " JOIN venues v ON v.id = i.venue_id WHERE i.venue_id = $1"
	    " ORDER BY i.at DESC, i.id DESC LIMIT 1", 1, p,
	    pg_inspection_fill, i);
}

static void
pg_registration_fill(const PGresult *res, int row, void *arg)
{
	struct registration	*r = arg;

	memset(r, 0, sizeof *r);
	r->id = pg_get_i64(res, row, 0);
	pg_get_buf(res, row, 1, r->number, sizeof r->number);
	pg_get_buf(res, row, 2, r->name, sizeof r->name);
	pg_get_buf(res, row, 3, r->address, sizeof r->address);
	pg_get_buf(res, row, 4, r->ward, sizeof r->ward);
	pg_get_buf(res, row, 5, r->state, sizeof r->state);
	pg_get_buf(res, row, 6, r->reason, sizeof r->reason);
	r->venue_id = pg_get_i64(res, row, 7);
	r->created_at = pg_get_i64(res, row, 8);
	r->decided_at = pg_get_i64(res, row, 9);
	pg_get_buf(res, row, 10, r->decided_by, sizeof r->decided_by);
}

int64_t
pg_registration_add(struct store *s, const struct registration *r)
{
	char		 b[PG_NUM];
	const char	*p[6] = { r->number, r->name, r->address, r->ward,
			    r->state, pg_i64(b, r->created_at) };

	return pg_id(PG(s), "registration add",
	    "INSERT INTO registrations (number, name, address, ward, state,"
	    " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, p);
}

int
pg_registration_get(struct store *s, int64_t id, struct registration *r)
{
	char		 b[PG_NUM];
	const char	*p[1] = { pg_i64(b, id) };

	return pg_off_one(PG(s), "registration",
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations WHERE id = $1",
	    1, p, pg_registration_fill, r);
}

/* The number's registration still unconfirmed or pending, newest: 1. */
int
pg_registration_open(struct store *s, const char *number,
    struct registration *r)
{
	const char	*p[1] = { number };

	return pg_off_one(PG(s), "registration",
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations"
	    " WHERE number = $1 AND state IN ('unconfirmed', 'pending')"
	    " ORDER BY id DESC LIMIT 1", 1, p, pg_registration_fill, r);
}

/*
 * From state `from' to r's state, reason, venue and decider: 1 changed, 0
 * not in `from' (another node's decision came first: the row lock makes
 * the second wait, then find the state changed).
 */
int
pg_registration_set(struct store *s, const char *from,
    const struct registration *r)
{
	char		 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM];
	const char	*p[7];
	int64_t		 changed;

	p[0] = pg_i64(b1, r->id);
	p[1] = from;
	p[2] = r->state;
	p[3] = r->reason[0] != '\0' ? r->reason : NULL;
	p[4] = pg_i64(b2, r->venue_id);
	p[5] = pg_i64(b3, r->decided_at);
	p[6] = r->decided_by;
	if (pg_run_changed(PG(s), "registration set",
	    "UPDATE registrations SET state = $3, reason = $4,"
	    " venue_id = nullif($5::bigint, 0),"
	    " decided_at = nullif($6::bigint, 0),"
	    " decided_by = nullif($7::text, '') WHERE id = $1 AND state = $2",
	    7, p, &changed) == -1)
		return -1;
	return changed == 0 ? 0 : 1;
}

/* Registrations of a ward (NULL all) in a state (NULL any), oldest first. */
int
pg_registration_list(struct store *s, const char *ward, const char *state,
    int (*cb)(const struct registration *, void *), void *arg)
{
	const char		*p[2] = { pg_off_ward(ward), state };
	struct registration	 r;

	return pg_off_rows(PG(s), "registration list",
	    "SELECT " REGISTRATION_COLUMNS " FROM registrations"
	    " WHERE ($1::text IS NULL OR ward = $1::text)"
	    " AND ($2::text IS NULL OR state = $2::text)"
	    " AND state <> 'unconfirmed' ORDER BY id", 2, p,
	    pg_registration_fill, &r, (int (*)(const void *, void *))cb, arg);
}

/* The wards of the venues, distinct, in byte order. */
int
pg_ward_names(struct store *s, int (*cb)(const char *, void *), void *arg)
{
	PGresult	*r;
	int		 i, stop = 0;

	r = pg_exec(PG(s), "ward names",
	    "SELECT ward FROM venues WHERE ward <> '' GROUP BY ward"
	    " ORDER BY ward COLLATE \"C\"", 0, NULL);
	if (r == NULL)
		return -1;
	for (i = 0; !stop && i < PQntuples(r); i++)
		stop = cb(pg_off_text(r, i, 0), arg);
	PQclear(r);
	return 0;
}

static void
pg_flag_fill(const PGresult *r, int row, void *arg)
{
	struct flag_row	*f = arg;

	memset(f, 0, sizeof *f);
	f->id = pg_get_i64(r, row, 0);
	f->at = pg_get_i64(r, row, 1);
	pg_get_buf(r, row, 2, f->code, sizeof f->code);
	pg_get_buf(r, row, 3, f->venue, sizeof f->venue);
	pg_get_buf(r, row, 4, f->ward, sizeof f->ward);
	pg_get_buf(r, row, 5, f->prev_code, sizeof f->prev_code);
	pg_get_buf(r, row, 6, f->prev_venue, sizeof f->prev_venue);
	pg_get_buf(r, row, 7, f->prev_ward, sizeof f->prev_ward);
	f->distance_m = pg_get_i64(r, row, 8);
	f->seconds = pg_get_i64(r, row, 9);
}

/* Flags at in [from, to) at venues of one ward (NULL all), oldest first. */
int
pg_flag_list(struct store *s, const char *ward, int64_t from, int64_t to,
    int (*cb)(const struct flag_row *, void *), void *arg)
{
	char		 b1[PG_NUM], b2[PG_NUM];
	const char	*p[3] = { pg_off_ward(ward), pg_i64(b1, from),
			    pg_i64(b2, to) };
	struct flag_row	 f;

	return pg_off_rows(PG(s), "flag list",
	    "SELECT f.id, f.at, v.code, v.name, v.ward, p.code, p.name, p.ward,"
	    " f.distance_m, f.seconds FROM flags f"
	    " JOIN venues v ON v.id = f.venue_id"
	    " JOIN venues p ON p.id = f.prev_venue_id"
	    " WHERE f.at >= $2 AND f.at < $3"
	    " AND ($1::text IS NULL OR v.ward = $1::text)"
	    " ORDER BY f.at, f.id", 3, p, pg_flag_fill, &f,
	    (int (*)(const void *, void *))cb, arg);
}

static void
pg_life_fill(const PGresult *r, int row, void *arg)
{
	struct ward_life	*w = arg;

	memset(w, 0, sizeof *w);
	w->ward = pg_off_text(r, row, 0);
	w->listed = pg_get_i64(r, row, 1);
	w->with_code = pg_get_i64(r, row, 2);
	w->committed = pg_get_i64(r, row, 3);
	w->used = pg_get_i64(r, row, 4);
	w->inspected = pg_get_i64(r, row, 5);
	w->violations = pg_get_i64(r, row, 6);
	w->flags = pg_get_i64(r, row, 7);
}

/*
 * Each ward's lifecycle figures for [from, to), by ward: $1 the local day
 * holding $2, $3 the end. A venue "used" had a check-in in the period by
 * daily_stats (whole days) or by the kept check-ins, as the ward report
 * counts it.
 */
int
pg_report_life(struct store *s, int64_t day_from, int64_t from, int64_t to,
    int (*cb)(const struct ward_life *, void *), void *arg)
{
	char			 b1[PG_NUM], b2[PG_NUM], b3[PG_NUM];
	const char		*p[3] = { pg_i64(b1, day_from), pg_i64(b2, from),
				    pg_i64(b3, to) };
	struct ward_life	 w;

	return pg_off_rows(PG(s), "report life",
	    "SELECT w.ward, w.listed, w.coded, w.committed, w.used,"
	    " coalesce(i.inspected, 0), coalesce(i.violations, 0),"
	    " coalesce(f.flags, 0)"
	    " FROM (SELECT v.ward AS ward, count(*) AS listed,"
	    "  count(*) FILTER (WHERE v.listed = 0) AS coded,"
	    "  count(*) FILTER (WHERE v.listed = 0"
	    "   AND v.committed_at IS NOT NULL) AS committed,"
	    "  count(*) FILTER (WHERE v.listed = 0 AND (EXISTS (SELECT 1"
	    "   FROM daily_stats d WHERE d.venue_id = v.id"
	    "   AND d.day >= $1::bigint AND d.day < $3::bigint"
	    "   AND d.checkins > 0) OR EXISTS (SELECT 1 FROM checkins c"
	    "   WHERE c.venue_id = v.id AND c.sent_at >= $2::bigint"
	    "   AND c.sent_at < $3::bigint))) AS used"
	    "  FROM venues v WHERE v.active <> 0 OR v.listed <> 0"
	    "  GROUP BY v.ward) w"
	    " LEFT JOIN (SELECT v.ward AS ward,"
	    "  count(DISTINCT i.venue_id) AS inspected,"
	    "  count(*) FILTER (WHERE i.result <> 'compliant') AS violations"
	    "  FROM inspections i JOIN venues v ON v.id = i.venue_id"
	    "  WHERE i.at >= $2::bigint AND i.at < $3::bigint GROUP BY v.ward) i"
	    "  ON i.ward = w.ward"
	    " LEFT JOIN (SELECT v.ward AS ward, count(*) AS flags"
	    "  FROM flags x JOIN venues v ON v.id = x.venue_id"
	    "  WHERE x.at >= $2::bigint AND x.at < $3::bigint GROUP BY v.ward) f"
	    "  ON f.ward = w.ward"
	    " ORDER BY w.ward COLLATE \"C\"", 3, p, pg_life_fill, &w,
	    (int (*)(const void *, void *))cb, arg);
}
