/*
 * pg-resident.c: a resident's path in PostgreSQL: inbound messages and
 * their replies, check-ins, declarations, sessions, subscribers, parts of
 * long messages, USSD and voice sessions, fraud flags, and the aggregates
 * kept as check-ins arrive (daily_stats, daily_seen, ward_days, as
 * sqlite-aggregates.c keeps them).
 *
 * Several nodes share the database, so what SQLite's single writer gets
 * for free is asked for here:
 * - a message's (channel, id), a content key of SMPP, a number checking in
 *   and a set of parts are each taken under a transaction-scoped advisory
 *   lock before they are looked at, so that a second node doing the same
 *   waits for the first's commit and then finds what it stored;
 * - the counter bumps of daily_stats and ward_days, rows every node updates,
 *   are held in memory and written just before COMMIT (pg_held_flush), one
 *   upsert a key in key order, so that two nodes never wait for each other
 *   in opposite orders on them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/tz.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

#define CHECKIN_COLUMNS \
	"id, venue_id, number, companions, sent_at, received_at, checked_out_at"
#define USSD_COLUMNS \
	"id, number, screen, data, lang, updated_at, ended"

/*
 * A bump held until COMMIT: to daily_stats (ward NULL) or to ward_days.
 * witness is the row whose survival proves the bump: the check-in it
 * counts, or the declaration whose flag it counts. A bump made at a
 * savepoint depth since undone is in doubt: the flush keeps it only if
 * its witness is still there (pg_held_forget).
 */
struct pg_bump {
	int64_t	 venue_id;
	int64_t	 day;
	char	*ward;
	int64_t	 checkins;
	int64_t	 people;
	int64_t	 flagged;
	int64_t	 visitors;
	int64_t	 witness;
	int	 flag;		/* witness is a declaration */
	int	 depth;
	int	 doubt;
};

struct pg_held {
	struct pg_bump	*b;
	size_t		 n, max;
	int		 doubt;		/* some bump is in doubt */
};

/* An optional id as a parameter: NULL for 0, as sqlite_bind_opt. */
static const char *
pg_opt(char buf[PG_NUM], int64_t v)
{
	return v != 0 ? pg_i64(buf, v) : NULL;
}

/*
 * How long a node waits for another's transaction where waiting is the
 * design: a lock below, the hot rows of the flush. The daemon's
 * lock_timeout (a few ms, store_set_busy_timeout) bounds every other wait.
 */
#define PG_WAIT_MS	"2000"

/*
 * Take the transaction-scoped advisory lock of (key, space): another
 * connection taking the same waits for this transaction's end, up to
 * PG_WAIT_MS. A statement of its own, so that the next one's snapshot sees
 * what the holder before us committed; the lock_timeout it found is put
 * back after it.
 */
static int
pg_lock(struct pg_store *q, const char *what, const char *key,
    const char *space)
{
	PGresult	*r;
	const char	*p[3] = { key, space, PG_WAIT_MS };
	char		 old[32];

	/* A target list is evaluated in order: the old value first. */
	r = pg_exec(q, what,
	    "SELECT current_setting('lock_timeout'),"
	    " set_config('lock_timeout', $3, true),"
	    " pg_advisory_xact_lock(hashtextextended($1, hashtext($2)))", 3, p);
	if (r == NULL)
		return -1;
	pg_get_buf(r, 0, 0, old, sizeof old);
	PQclear(r);
	p[0] = old;
	return pg_run(q, what, "SELECT set_config('lock_timeout', $1, true)",
	    1, p);
}

/*
 * A transaction of our own when the caller has none, so that a check-in
 * and its counts (flushed at COMMIT) are stored together: 1 begun, 0 the
 * caller's, -1.
 */
static int
pg_own_begin(struct pg_store *q)
{
	if (q->depth > 0)
		return 0;
	return pg_begin(&q->store) == -1 ? -1 : 1;
}

static int
pg_own_end(struct pg_store *q, int own, int ok)
{
	if (!own)
		return ok ? 0 : -1;
	if (ok)
		return pg_commit(&q->store);
	pg_rollback(&q->store);
	return -1;
}

/* Held bumps. */

int64_t
pg_held_pending(struct pg_store *q, int64_t venue_id, int64_t day,
    int64_t *people)
{
	struct pg_held	*h = q->held;
	int64_t		 checkins = 0;
	size_t		 i;

	*people = 0;
	for (i = 0; h != NULL && i < h->n; i++) {
		/* A bump in doubt may belong to a message undone. */
		if (h->b[i].venue_id != venue_id || h->b[i].day != day ||
		    h->b[i].doubt)
			continue;
		checkins += h->b[i].checkins;
		*people += h->b[i].people;
	}
	return checkins;
}

static struct pg_bump *
pg_held_new(struct pg_store *q, int64_t witness, int flag)
{
	struct pg_held	*h;
	struct pg_bump	*b;

	if ((h = q->held) == NULL)
		h = q->held = xcalloc(1, sizeof *h);
	if (h->n == h->max) {
		h->max = h->max ? 2 * h->max : 64;
		h->b = xreallocarray(h->b, h->max, sizeof *h->b);
	}
	b = &h->b[h->n++];
	memset(b, 0, sizeof *b);
	b->witness = witness;
	b->flag = flag;
	b->depth = q->depth;
	return b;
}

static void
pg_held_stats(struct pg_store *q, int64_t venue_id, int64_t day,
    int64_t witness, int64_t checkins, int64_t people, int64_t flagged)
{
	struct pg_bump	*b;

	b = pg_held_new(q, witness, flagged != 0);
	b->venue_id = venue_id;
	b->day = day;
	b->checkins = checkins;
	b->people = people;
	b->flagged = flagged;
}

static void
pg_held_ward(struct pg_store *q, int64_t day, const char *ward,
    int64_t witness)
{
	struct pg_bump	*b;

	b = pg_held_new(q, witness, 0);
	b->day = day;
	b->ward = xstrdup(ward);
	b->visitors = 1;
}

/* Drop bump i, keeping the others in place. */
static void
pg_held_drop(struct pg_held *h, size_t i)
{
	free(h->b[i].ward);
	memmove(&h->b[i], &h->b[i + 1], (h->n - i - 1) * sizeof *h->b);
	h->n--;
}

/* daily_stats keys first, by (venue, day), then ward_days by (day, ward). */
static int
pg_bump_cmp(const void *a, const void *b)
{
	const struct pg_bump	*x = a, *y = b;

	if ((x->ward != NULL) != (y->ward != NULL))
		return x->ward == NULL ? -1 : 1;
	if (x->ward == NULL && x->venue_id != y->venue_id)
		return x->venue_id < y->venue_id ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->ward == NULL ? 0 : strcmp(x->ward, y->ward);
}

/*
 * The witnesses still there, of the bumps in doubt of one kind, as a
 * PostgreSQL array; NULL if there is none to ask about.
 */
static char *
pg_held_witnesses(struct pg_held *h, int flag)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 num[PG_NUM];
	size_t		 i;

	for (i = 0; i < h->n; i++) {
		if (!h->b[i].doubt || h->b[i].flag != flag)
			continue;
		buf_str(&b, b.len == 0 ? "{" : ",");
		buf_str(&b, pg_i64(num, h->b[i].witness));
	}
	if (b.len == 0)
		return NULL;
	buf_str(&b, "}");
	return buf_take(&b);
}

/*
 * Settle the bumps in doubt: keep those whose witness the transaction
 * still holds (a check-in row, a declaration counted), drop the others.
 */
static int
pg_held_settle(struct pg_store *q)
{
	struct pg_held	*h = q->held;
	PGresult	*r;
	const char	*p[1];
	char		*ids;
	size_t		 i;
	int		 flag, row, kept;

	for (flag = 0; flag <= 1; flag++) {
		if ((ids = pg_held_witnesses(h, flag)) == NULL)
			continue;
		p[0] = ids;
		r = flag ? pg_exec(q, "held flags",
		    "SELECT id FROM declarations"
		    " WHERE id = ANY ($1::bigint[]) AND counted = 1", 1, p) :
		    pg_exec(q, "held checkins",
		    "SELECT id FROM checkins WHERE id = ANY ($1::bigint[])",
		    1, p);
		free(ids);
		if (r == NULL)
			return -1;
		for (i = 0; i < h->n;) {
			if (!h->b[i].doubt || h->b[i].flag != flag) {
				i++;
				continue;
			}
			kept = 0;
			for (row = 0; row < PQntuples(r) && !kept; row++)
				kept = pg_get_i64(r, row, 0) == h->b[i].witness;
			if (kept)
				h->b[i++].doubt = 0;
			else
				pg_held_drop(h, i);
		}
		PQclear(r);
	}
	h->doubt = 0;
	return 0;
}

/* Write the held bumps, one upsert a key in key order; 0 or -1. */
int
pg_held_flush(struct pg_store *q)
{
	struct pg_held	*h = q->held;
	struct pg_bump	*b, *end, sum;
	const char	*p[5];
	char		 n[5][PG_NUM];
	int		 rc;

	if (h == NULL || h->n == 0)
		return 0;
	if (h->doubt && pg_held_settle(q) == -1)
		return -1;
	/* Until the COMMIT that follows: another node's flush is short. */
	p[0] = PG_WAIT_MS;
	if (pg_run(q, "daily stats", "SELECT set_config('lock_timeout', $1, true)",
	    1, p) == -1)
		return -1;
	qsort(h->b, h->n, sizeof *h->b, pg_bump_cmp);
	end = h->b + h->n;
	for (b = h->b; b < end;) {
		sum = *b;
		while (++b < end && pg_bump_cmp(b, &sum) == 0) {
			sum.checkins += b->checkins;
			sum.people += b->people;
			sum.flagged += b->flagged;
			sum.visitors += b->visitors;
		}
		p[0] = pg_i64(n[0], sum.day);
		if (sum.ward == NULL) {
			p[1] = pg_i64(n[1], sum.venue_id);
			p[2] = pg_i64(n[2], sum.checkins);
			p[3] = pg_i64(n[3], sum.people);
			p[4] = pg_i64(n[4], sum.flagged);
			rc = pg_run(q, "daily stats",
			    "INSERT INTO daily_stats (day, venue_id, checkins,"
			    " people, flagged) VALUES ($1, $2, $3, $4, $5)"
			    " ON CONFLICT (venue_id, day) DO UPDATE"
			    " SET checkins = daily_stats.checkins + excluded.checkins,"
			    " people = daily_stats.people + excluded.people,"
			    " flagged = daily_stats.flagged + excluded.flagged",
			    5, p);
		} else {
			p[1] = sum.ward;
			p[2] = pg_i64(n[2], sum.visitors);
			rc = pg_run(q, "ward days",
			    "INSERT INTO ward_days (day, ward, visitors)"
			    " VALUES ($1, $2, $3) ON CONFLICT (day, ward) DO UPDATE"
			    " SET visitors = ward_days.visitors + excluded.visitors",
			    3, p);
		}
		if (rc == -1)
			return -1;
	}
	pg_held_forget(q, 0);
	return 0;
}

/*
 * Forget the bumps of savepoint depth and deeper (0: all). pg.c tells of a
 * savepoint undone, never of one released, and a depth is used again by
 * the next savepoint: a bump tagged depth may be one the undone savepoint
 * made or one a released savepoint before it made. It is kept in doubt for
 * the flush to settle by its witness.
 */
void
pg_held_forget(struct pg_store *q, int depth)
{
	struct pg_held	*h = q->held;
	size_t		 i;

	if (h == NULL)
		return;
	if (depth > 0) {
		for (i = 0; i < h->n; i++) {
			if (h->b[i].depth >= depth) {
				h->b[i].doubt = 1;
				h->doubt = 1;
			}
		}
		return;
	}
	for (i = 0; i < h->n; i++)
		free(h->b[i].ward);
	free(h->b);
	free(h);
	q->held = NULL;
}

/* Check-ins. */

static void
pg_checkin_fill(const PGresult *r, int row, struct checkin *c)
{
	memset(c, 0, sizeof *c);
	c->id = pg_get_i64(r, row, 0);
	c->venue_id = pg_get_i64(r, row, 1);
	pg_get_buf(r, row, 2, c->number, sizeof c->number);
	c->companions = (int)pg_get_i64(r, row, 3);
	c->sent_at = pg_get_i64(r, row, 4);
	c->received_at = pg_get_i64(r, row, 5);
	c->checked_out_at = pg_get_i64(r, row, 6);	/* NULL is 0 */
}

/*
 * Record a check-in and count it, as sqlite_checkin_add: one more check-in
 * at the venue on the local day [day, next), one more person if the number
 * was not yet seen there that day, one more visitor of the ward if the
 * number is new to it that day. The number is locked first, so that a
 * check-in of the same number on another node is seen, not counted again.
 */
int64_t
pg_checkin_add(struct store *s, const struct checkin *c, const char *channel,
    int64_t inbound_id, int64_t day, int64_t next)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	const char	*p[10];
	char		 n[10][PG_NUM];
	int64_t		 id = -1;
	int		 own;

	if ((own = pg_own_begin(q)) == -1)
		return -1;
	if (pg_lock(q, "checkin lock", c->number, "checkin") == -1)
		goto done;
	p[0] = pg_i64(n[0], c->venue_id);
	p[1] = c->number;
	p[2] = pg_i64(n[2], c->companions);
	p[3] = pg_i64(n[3], c->sent_at);
	p[4] = pg_i64(n[4], c->received_at);
	p[5] = pg_opt(n[5], c->checked_out_at);
	p[6] = channel;
	p[7] = pg_opt(n[7], inbound_id > 0 ? inbound_id : 0);
	p[8] = pg_i64(n[8], day);
	p[9] = pg_i64(n[9], next);
	/*
	 * One snapshot for the three parts: "seen" cannot see the row
	 * inserted beside it; the ward's first sighting is a row of
	 * daily_seen, whose key decides between nodes.
	 */
	r = pg_exec(q, "checkin add",
	    "WITH c AS (INSERT INTO checkins (venue_id, number, companions,"
	    " sent_at, received_at, checked_out_at, channel, inbound_id)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id),"
	    " w AS (INSERT INTO daily_seen (day, ward, number)"
	    " SELECT $9, ward, $2 FROM venues WHERE id = $1"
	    " ON CONFLICT DO NOTHING RETURNING ward)"
	    " SELECT c.id, EXISTS (SELECT 1 FROM checkins"
	    " WHERE number = $2 AND venue_id = $1"
	    " AND sent_at >= $9 AND sent_at < $10),"
	    " (SELECT ward FROM w) FROM c", 10, p);
	if (r == NULL)
		goto done;
	if (PQntuples(r) == 1) {
		id = pg_get_i64(r, 0, 0);
		pg_held_stats(q, c->venue_id, day, id, 1,
		    strcmp(pg_get_str(r, 0, 1), "t") == 0 ? 0 : 1, 0);
		if (!pg_is_null(r, 0, 2))
			pg_held_ward(q, day, pg_get_str(r, 0, 2), id);
	}
	PQclear(r);

done:
	if (pg_own_end(q, own, id != -1) == -1)
		return -1;
	return id;
}

/* One check-in of a CHECKIN_COLUMNS statement: 1, 0 none, -1. */
static int
pg_checkin_get(PGresult *r, struct checkin *c)
{
	int	found;

	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		pg_checkin_fill(r, 0, c);
	PQclear(r);
	return found;
}

int
pg_checkin_recent(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	const char	*p[3];
	char		 n[3][PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n[1], venue_id);
	p[2] = pg_i64(n[2], since);
	return pg_checkin_get(pg_exec(PG(s), "checkin recent",
	    "SELECT " CHECKIN_COLUMNS " FROM checkins"
	    " WHERE number = $1 AND venue_id = $2 AND sent_at >= $3"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1", 3, p), c);
}

int
pg_checkin_open(struct store *s, const char *number, int64_t venue_id,
    int64_t since, struct checkin *c)
{
	const char	*p[3];
	char		 n[3][PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n[1], venue_id);
	p[2] = pg_i64(n[2], since);
	return pg_checkin_get(pg_exec(PG(s), "checkin open",
	    "SELECT " CHECKIN_COLUMNS " FROM checkins"
	    " WHERE number = $1 AND checked_out_at IS NULL"
	    " AND ($2::bigint = 0 OR venue_id = $2) AND sent_at >= $3"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1", 3, p), c);
}

/* A late SMS must not end a stay before it began. */
int
pg_checkin_close(struct store *s, int64_t id, int64_t at)
{
	const char	*p[2];
	char		 n[2][PG_NUM];

	p[0] = pg_i64(n[0], id);
	p[1] = pg_i64(n[1], at);
	return pg_run(PG(s), "checkin close",
	    "UPDATE checkins SET checked_out_at = greatest($2, sent_at)"
	    " WHERE id = $1 AND checked_out_at IS NULL", 2, p);
}

int
pg_checkin_close_all(struct store *s, const char *number, int64_t at,
    int64_t since)
{
	const char	*p[3];
	char		 n[3][PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n[1], at);
	p[2] = pg_i64(n[2], since);
	return pg_run(PG(s), "checkin close all",
	    "UPDATE checkins SET checked_out_at = greatest($2, sent_at)"
	    " WHERE number = $1 AND checked_out_at IS NULL AND sent_at >= $3",
	    3, p);
}

/* A number's own check-ins, newest first, at most limit (all if limit <= 0). */
int
pg_checkin_history(struct store *s, const char *number, int limit,
    int (*cb)(const struct checkin_seen *, void *), void *arg)
{
	struct checkin_seen	 cs;
	PGresult		*r;
	const char		*p[2];
	char			 n[PG_NUM];
	int			 i;

	p[0] = number;
	p[1] = limit > 0 ? pg_i64(n, limit) : NULL;	/* LIMIT NULL: all */
	r = pg_exec(PG(s), "checkin history",
	    "SELECT c.id, c.venue_id, c.number, c.companions, c.sent_at,"
	    " c.received_at, c.checked_out_at, v.code, v.name"
	    " FROM checkins c JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = $1 ORDER BY c.sent_at DESC, c.id DESC"
	    " LIMIT $2", 2, p);
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		memset(&cs, 0, sizeof cs);
		pg_checkin_fill(r, i, &cs.checkin);
		pg_get_buf(r, i, 7, cs.code, sizeof cs.code);
		cs.venue_name = pg_get_str(r, i, 8);
		if (cb(&cs, arg) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

/* Health declarations. */

int64_t
pg_declaration_start(struct store *s, const char *number, int64_t venue_id,
    int64_t checkin_id, int64_t at)
{
	const char	*p[4];
	char		 n[4][PG_NUM];

	p[0] = number;
	p[1] = pg_opt(n[1], venue_id);
	p[2] = pg_opt(n[2], checkin_id);
	p[3] = pg_i64(n[3], at);
	return pg_id(PG(s), "declaration start",
	    "INSERT INTO declarations (number, venue_id, checkin_id, started_at)"
	    " VALUES ($1, $2, $3, $4) RETURNING id", 4, p);
}

/*
 * A declaration flagged (by an answer or at its end): counted on its
 * venue's day, once (declarations.counted; its row lock decides between
 * nodes). The count is held for the commit.
 */
static int
pg_declaration_count(struct pg_store *q, int64_t decl_id)
{
	PGresult	*r;
	struct pg_held	*h;
	const char	*p[1];
	char		 n[PG_NUM];
	size_t		 i;

	p[0] = pg_i64(n, decl_id);
	r = pg_exec(q, "flag mark",
	    "UPDATE declarations SET counted = 1 WHERE id = $1 AND counted = 0"
	    " AND venue_id IS NOT NULL RETURNING venue_id, started_at", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		/* Marked again: the mark held before was undone. */
		if ((h = q->held) != NULL)
			for (i = h->n; i-- > 0;)
				if (h->b[i].flag && h->b[i].witness == decl_id)
					pg_held_drop(h, i);
		pg_held_stats(q, pg_get_i64(r, 0, 0),
		    tz_day_start(pg_get_i64(r, 0, 1)), decl_id, 0, 0, 1);
	}
	PQclear(r);
	return 0;
}

int
pg_declaration_answer(struct store *s, int64_t decl_id, const char *question,
    const char *answer, int flagged, int64_t at)
{
	struct pg_store	*q = PG(s);
	const char	*p[5];
	char		 n[5][PG_NUM];
	int		 own, rc;

	if ((own = flagged ? pg_own_begin(q) : 0) == -1)
		return -1;
	p[0] = pg_i64(n[0], decl_id);
	p[1] = question;
	p[2] = answer;
	p[3] = pg_i64(n[3], flagged ? 1 : 0);
	p[4] = pg_i64(n[4], at);
	rc = pg_run(q, "declaration answer",
	    "INSERT INTO answers (declaration_id, question, answer, flagged,"
	    " answered_at) VALUES ($1, $2, $3, $4, $5)", 5, p);
	if (rc == 0 && flagged)
		rc = pg_declaration_count(q, decl_id);
	return pg_own_end(q, own, rc == 0);
}

/* A flag once raised stays raised. */
int
pg_declaration_finish(struct store *s, int64_t decl_id, int flagged,
    int64_t at)
{
	struct pg_store	*q = PG(s);
	const char	*p[3];
	char		 n[3][PG_NUM];
	int		 own, rc;

	if ((own = flagged ? pg_own_begin(q) : 0) == -1)
		return -1;
	p[0] = pg_i64(n[0], decl_id);
	p[1] = pg_i64(n[1], flagged ? 1 : 0);
	p[2] = pg_i64(n[2], at);
	rc = pg_run(q, "declaration finish",
	    "UPDATE declarations SET completed_at = $3,"
	    " flagged = greatest(flagged, $2) WHERE id = $1", 3, p);
	if (rc == 0 && flagged)
		rc = pg_declaration_count(q, decl_id);
	return pg_own_end(q, own, rc == 0);
}

int
pg_declaration_last(struct store *s, const char *number,
    int64_t *completed_at)
{
	PGresult	*r;
	const char	*p[1] = { number };
	int		 found;

	r = pg_exec(PG(s), "declaration last",
	    "SELECT completed_at FROM declarations"
	    " WHERE number = $1 AND completed_at IS NOT NULL"
	    " ORDER BY completed_at DESC LIMIT 1", 1, p);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0) && completed_at != NULL)
		*completed_at = pg_get_i64(r, 0, 0);
	PQclear(r);
	return found;
}

/* 0 and *flagged: 1 if the declaration or one of its answers is flagged. */
int
pg_declaration_flagged(struct store *s, int64_t decl_id, int *flagged)
{
	PGresult	*r;
	const char	*p[1];
	char		 n[PG_NUM];

	*flagged = 0;
	p[0] = pg_i64(n, decl_id);
	r = pg_exec(PG(s), "declaration flagged",
	    "SELECT greatest(d.flagged, coalesce((SELECT max(a.flagged)"
	    " FROM answers a WHERE a.declaration_id = d.id), 0))"
	    " FROM declarations d WHERE d.id = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0)
		*flagged = pg_get_i64(r, 0, 0) != 0;
	PQclear(r);
	return 0;
}

/* Sessions. */

/* Fill ss from columns col.. (kind .. expires_at) of row 0. */
static void
pg_session_fill(const PGresult *r, int col, const char *number,
    struct session *ss)
{
	memset(ss, 0, sizeof *ss);
	snprintf(ss->number, sizeof ss->number, "%s", number);
	ss->kind = (enum session_kind)pg_get_i64(r, 0, col);
	ss->venue_id = pg_get_i64(r, 0, col + 1);
	ss->decl_id = pg_get_i64(r, 0, col + 2);
	ss->step = (int)pg_get_i64(r, 0, col + 3);
	ss->companions = (int)pg_get_i64(r, 0, col + 4);
	pg_get_buf(r, 0, col + 5, ss->qset, sizeof ss->qset);
	ss->expires_at = pg_get_i64(r, 0, col + 6);
}

int
pg_session_get(struct store *s, const char *number, int64_t now,
    struct session *ss)
{
	PGresult	*r;
	const char	*p[2];
	char		 n[PG_NUM];
	int		 found;

	p[0] = number;
	p[1] = pg_i64(n, now);
	r = pg_exec(PG(s), "session get",
	    "SELECT kind, venue_id, decl_id, step, companions, qset, expires_at"
	    " FROM sessions WHERE number = $1 AND expires_at > $2", 2, p);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0))
		pg_session_fill(r, 0, number, ss);
	PQclear(r);
	return found;
}

int
pg_session_put(struct store *s, const struct session *ss)
{
	const char	*p[8];
	char		 n[8][PG_NUM];

	p[0] = ss->number;
	p[1] = pg_i64(n[1], ss->kind);
	p[2] = pg_opt(n[2], ss->venue_id);
	p[3] = pg_opt(n[3], ss->decl_id);
	p[4] = pg_i64(n[4], ss->step);
	p[5] = pg_i64(n[5], ss->companions);
	p[6] = ss->qset;
	p[7] = pg_i64(n[7], ss->expires_at);
	return pg_run(PG(s), "session put",
	    "INSERT INTO sessions (number, kind, venue_id, decl_id, step,"
	    " companions, qset, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
	    " ON CONFLICT (number) DO UPDATE SET kind = excluded.kind,"
	    " venue_id = excluded.venue_id, decl_id = excluded.decl_id,"
	    " step = excluded.step, companions = excluded.companions,"
	    " qset = excluded.qset, expires_at = excluded.expires_at", 8, p);
}

int
pg_session_clear(struct store *s, const char *number)
{
	const char	*p[1] = { number };

	return pg_run(PG(s), "session clear",
	    "DELETE FROM sessions WHERE number = $1", 1, p);
}

/* Subscribers. */

int
pg_subscriber_get(struct store *s, const char *number, struct subscriber *sub)
{
	PGresult	*r;
	const char	*p[1] = { number };
	int		 found;

	sub->lang = -1;
	sub->opted_out = 0;
	sub->help_at = 0;
	r = pg_exec(PG(s), "subscriber get",
	    "SELECT lang, opted_out, help_at FROM subscribers WHERE number = $1",
	    1, p);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		if (!pg_is_null(r, 0, 0))
			sub->lang = (int)pg_get_i64(r, 0, 0);
		sub->opted_out = (int)pg_get_i64(r, 0, 1);
		sub->help_at = pg_get_i64(r, 0, 2);
	}
	PQclear(r);
	return found;
}

int
pg_subscriber_set_lang(struct store *s, const char *number, int lang)
{
	const char	*p[3];
	char		 n[2][PG_NUM];

	p[0] = number;
	p[1] = lang >= 0 ? pg_i64(n[0], lang) : NULL;
	p[2] = pg_i64(n[1], time(NULL));
	return pg_run(PG(s), "subscriber set lang",
	    "INSERT INTO subscribers (number, lang, updated_at) VALUES ($1, $2, $3)"
	    " ON CONFLICT (number) DO UPDATE SET lang = excluded.lang,"
	    " updated_at = excluded.updated_at", 3, p);
}

int
pg_subscriber_set_optout(struct store *s, const char *number, int opted_out)
{
	const char	*p[3];
	char		 n[2][PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n[0], opted_out ? 1 : 0);
	p[2] = pg_i64(n[1], time(NULL));
	return pg_run(PG(s), "subscriber set optout",
	    "INSERT INTO subscribers (number, opted_out, updated_at)"
	    " VALUES ($1, $2, $3) ON CONFLICT (number) DO UPDATE"
	    " SET opted_out = excluded.opted_out,"
	    " updated_at = excluded.updated_at", 3, p);
}

int
pg_subscriber_set_help_at(struct store *s, const char *number, int64_t at)
{
	const char	*p[3];
	char		 n[2][PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n[0], at);
	p[2] = pg_i64(n[1], time(NULL));
	return pg_run(PG(s), "subscriber set help",
	    "INSERT INTO subscribers (number, help_at, updated_at)"
	    " VALUES ($1, $2, $3) ON CONFLICT (number) DO UPDATE"
	    " SET help_at = excluded.help_at, updated_at = excluded.updated_at",
	    3, p);
}

/*
 * A number before its message, in one statement as sqlite_resident_get:
 * subscriber, live session, last declaration completed, the limits'
 * counts and an open check-in.
 */
int
pg_resident_get(struct store *s, const char *number, int64_t now,
    int64_t since, int64_t hour, int64_t minute, const char *text,
    struct resident *res)
{
	PGresult	*r;
	const char	*p[6];
	char		 n[6][PG_NUM];

	memset(res, 0, sizeof *res);
	res->sub.lang = -1;
	p[0] = number;
	p[1] = pg_i64(n[1], now);
	p[2] = pg_i64(n[2], hour);
	p[3] = pg_i64(n[3], minute);
	p[4] = text;
	p[5] = pg_i64(n[5], since);
	r = pg_exec(PG(s), "resident get",
	    "SELECT s.lang, s.opted_out, s.help_at,"
	    " e.number IS NOT NULL, e.kind, e.venue_id, e.decl_id, e.step,"
	    " e.companions, e.qset, e.expires_at,"
	    " (SELECT completed_at FROM declarations"
	    " WHERE number = $1 AND completed_at IS NOT NULL"
	    " ORDER BY completed_at DESC LIMIT 1),"
	    " i.minute, i.answered, i.same,"
	    " EXISTS (SELECT 1 FROM checkins"
	    " WHERE number = $1 AND checked_out_at IS NULL AND sent_at >= $6),"
	    " (SELECT max(sent_at) FROM checkins"
	    " WHERE number = $1 AND sent_at >= $6)"
	    " FROM (SELECT $1::text AS number) AS n"
	    " LEFT JOIN subscribers s ON s.number = n.number"
	    " LEFT JOIN sessions e ON e.number = n.number AND e.expires_at > $2"
	    " CROSS JOIN (SELECT count(*) FILTER (WHERE received_at >= $4)"
	    " AS minute,"
	    " count(*) FILTER (WHERE replies <> '') AS answered,"
	    " count(*) FILTER (WHERE text = $5 AND replies <> '') AS same"
	    " FROM inbound WHERE number = $1 AND received_at >= $3) AS i",
	    6, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	if (!pg_is_null(r, 0, 0))
		res->sub.lang = (int)pg_get_i64(r, 0, 0);
	res->sub.opted_out = (int)pg_get_i64(r, 0, 1);
	res->sub.help_at = pg_get_i64(r, 0, 2);
	if ((res->has_session = strcmp(pg_get_str(r, 0, 3), "t") == 0))
		pg_session_fill(r, 4, number, &res->session);
	res->declared_at = pg_get_i64(r, 0, 11);	/* NULL is 0 */
	res->recent.last_minute = pg_get_i64(r, 0, 12);
	res->recent.answered_hour = pg_get_i64(r, 0, 13);
	res->recent.same_answered_hour = pg_get_i64(r, 0, 14);
	res->open = strcmp(pg_get_str(r, 0, 15), "t") == 0;
	res->has_last = 1;
	res->last_checkin = pg_get_i64(r, 0, 16);	/* NULL is 0 */
	PQclear(r);
	return 0;
}

/* Inbound messages. */

/*
 * 1 and the replies if (channel, ext_id) is stored. The pair is locked
 * first: a copy of the message handled by another node at this moment
 * is found once that node commits, never handled twice.
 */
int
pg_inbound_find(struct store *s, const char *channel, const char *ext_id,
    char **replies)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	const char	*p[2] = { channel, ext_id };
	int		 found;

	if (replies != NULL)
		*replies = NULL;
	if (ext_id == NULL || *ext_id == '\0')
		return 0;	/* no id: every message is new */
	if (pg_lock(q, "inbound lock", ext_id, channel) == -1)
		return -1;
	r = pg_exec(q, "inbound find",
	    "SELECT coalesce(replies, '') FROM inbound"
	    " WHERE channel = $1 AND ext_id = $2", 2, p);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0) && replies != NULL)
		*replies = xstrdup(pg_get_str(r, 0, 0));
	PQclear(r);
	return found;
}

/*
 * A message stored twice (channel, ext_id) is an error, as SQLite's unique
 * key makes it; here it leaves the transaction usable.
 */
static int64_t
pg_inbound_inserted(PGresult *r, const char *what)
{
	int64_t	id;

	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1)
		id = pg_get_i64(r, 0, 0);
	else {
		log_warnx("store: %s: the channel's message id is stored already",
		    what);
		id = -1;
	}
	PQclear(r);
	return id;
}

int64_t
pg_inbound_add(struct store *s, const char *channel, const char *ext_id,
    const char *number, const char *text, int64_t received_at)
{
	const char	*p[5];
	char		 n[PG_NUM];

	p[0] = channel;
	p[1] = ext_id != NULL && *ext_id != '\0' ? ext_id : NULL;
	p[2] = number;
	p[3] = text;
	p[4] = pg_i64(n, received_at);
	return pg_inbound_inserted(pg_exec(PG(s), "inbound add",
	    "INSERT INTO inbound (channel, ext_id, number, text, received_at)"
	    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
	    5, p), "inbound add");
}

int
pg_inbound_set_replies(struct store *s, int64_t id, const char *replies)
{
	const char	*p[2];
	char		 n[PG_NUM];

	p[0] = pg_i64(n, id);
	p[1] = replies;
	return pg_run(PG(s), "inbound set replies",
	    "UPDATE inbound SET replies = $2 WHERE id = $1", 2, p);
}

/*
 * 1 if channel has a row of key stored with a time in [from, until).
 * ext_id is the key, "@" and a time of ten digits, ".", six. SQLite
 * compares it byte by byte: so does COLLATE "C", whatever the database's
 * collation. The range in the column's own collation walks the unique
 * index; it holds every row of this key in the range (the same prefix,
 * digits of the same width order alike in any collation), and the
 * comparison in "C" drops those of other keys. The key is locked first, as
 * in pg_inbound_find.
 */
int
pg_inbound_recent(struct store *s, const char *channel, const char *key,
    double from, double until)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	const char	*p[3];
	char		 lo[STORE_KEY_MAX], hi[STORE_KEY_MAX];
	int		 found;

	if (pg_lock(q, "inbound lock", key, channel) == -1)
		return -1;
	store_inbound_key(lo, sizeof lo, key, from);
	store_inbound_key(hi, sizeof hi, key, until);
	p[0] = channel;
	p[1] = lo;
	p[2] = hi;
	r = pg_exec(q, "inbound recent",
	    "SELECT 1 FROM inbound WHERE channel = $1"
	    " AND ext_id >= $2 AND ext_id < $3"
	    " AND ext_id COLLATE \"C\" >= $2 AND ext_id COLLATE \"C\" < $3"
	    " LIMIT 1", 3, p);
	if (r == NULL)
		return -1;
	found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

/*
 * Count number's messages received since hour, those since minute, and of
 * those since hour the answered ones (and with text), leaving out except.
 */
int
pg_inbound_recent_from(struct store *s, const char *number, int64_t hour,
    int64_t minute, const char *text, int64_t except,
    struct inbound_recent *rec)
{
	PGresult	*r;
	const char	*p[5];
	char		 n[5][PG_NUM];

	memset(rec, 0, sizeof *rec);
	p[0] = number;
	p[1] = pg_i64(n[1], hour);
	p[2] = pg_i64(n[2], minute);
	p[3] = text;
	p[4] = pg_i64(n[4], except);
	r = pg_exec(PG(s), "inbound recent from",
	    "SELECT count(*) FILTER (WHERE received_at >= $3),"
	    " count(*) FILTER (WHERE replies <> ''),"
	    " count(*) FILTER (WHERE text = $4 AND replies <> '')"
	    " FROM inbound WHERE number = $1 AND received_at >= $2"
	    " AND id <> $5", 5, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		rec->last_minute = pg_get_i64(r, 0, 0);
		rec->answered_hour = pg_get_i64(r, 0, 1);
		rec->same_answered_hour = pg_get_i64(r, 0, 2);
	}
	PQclear(r);
	return 0;
}

/*
 * The next inbound id, from the identity's sequence: never another node's
 * (whatever the day: the partitions share it).
 */
int64_t
pg_inbound_reserve(struct store *s, int64_t at)
{
	(void)at;

	return pg_id(PG(s), "inbound next",
	    "SELECT nextval(pg_get_serial_sequence('inbound', 'id'))", 0, NULL);
}

int
pg_inbound_add_replies(struct store *s, int64_t id, const char *channel,
    const char *ext_id, const char *number, const char *text,
    int64_t received_at, const char *replies)
{
	const char	*p[7];
	char		 n[2][PG_NUM];

	p[0] = pg_i64(n[0], id);
	p[1] = channel;
	p[2] = ext_id != NULL && *ext_id != '\0' ? ext_id : NULL;
	p[3] = number;
	p[4] = text;
	p[5] = pg_i64(n[1], received_at);
	p[6] = replies;
	return pg_inbound_inserted(pg_exec(PG(s), "inbound add",
	    "INSERT INTO inbound (id, channel, ext_id, number, text,"
	    " received_at, replies) VALUES ($1, $2, $3, $4, $5, $6, $7)"
	    " ON CONFLICT DO NOTHING RETURNING id", 7, p),
	    "inbound add") == -1 ? -1 : 0;
}

/* Parts of long messages. */

/* The four parameters that name a set of parts. */
static void
pg_part_set(const struct part_key *k, const char **p, char n[][PG_NUM])
{
	p[0] = k->channel;
	p[1] = k->number;
	p[2] = pg_i64(n[2], k->ref);
	p[3] = pg_i64(n[3], k->total);
}

/*
 * Lock a set of parts: the parts two nodes receive at once are counted
 * together by the later one, and a set is joined by one node only.
 */
static int
pg_part_lock(struct pg_store *q, const struct part_key *k)
{
	char	space[128];

	snprintf(space, sizeof space, "part %s %u %u", k->channel, k->ref,
	    k->total);
	return pg_lock(q, "part lock", k->number, space);
}

/*
 * Keep part seq unless a copy is waiting or was received since
 * dedup_since: 1 kept, 0 dropped.
 */
int
pg_part_add(struct store *s, const struct part_key *k, unsigned seq,
    const char *text, int64_t sent_at, int64_t received_at,
    int64_t dedup_since)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	const char	*p[9];
	char		 n[9][PG_NUM];
	int		 kept;

	if (pg_part_lock(q, k) == -1)
		return -1;
	pg_part_set(k, p, n);
	p[4] = pg_i64(n[4], seq);
	p[5] = text;
	p[6] = pg_i64(n[6], sent_at);
	p[7] = pg_i64(n[7], received_at);
	p[8] = pg_i64(n[8], dedup_since);
	r = pg_exec(q, "part add",
	    "INSERT INTO parts (channel, number, ref, total, seq, text, sent_at,"
	    " received_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8"
	    " WHERE NOT EXISTS (SELECT 1 FROM parts WHERE channel = $1"
	    " AND number = $2 AND ref = $3 AND total = $4 AND seq = $5"
	    " AND (done = 0 OR received_at >= $9)) RETURNING 1", 9, p);
	if (r == NULL)
		return -1;
	kept = PQntuples(r) > 0;
	PQclear(r);
	return kept;
}

/*
 * The waiting parts of a set joined in order, the earliest non-zero
 * sent_at and how many there were, once at least `least' are waiting;
 * the parts joined are marked done (by one node only: a row taken by
 * another is not waiting any more once it commits).
 */
static int
pg_part_join(struct pg_store *q, const struct part_key *k, unsigned least,
    char **text, int64_t *sent_at, unsigned *got)
{
	PGresult	*r;
	const char	*p[5];
	char		 n[5][PG_NUM];

	*text = NULL;
	*sent_at = 0;
	*got = 0;
	pg_part_set(k, p, n);
	p[4] = pg_i64(n[4], least);
	r = pg_exec(q, "part join",
	    "WITH d AS (UPDATE parts SET done = 1 WHERE channel = $1"
	    " AND number = $2 AND ref = $3 AND total = $4 AND done = 0"
	    " AND (SELECT count(*) FROM parts WHERE channel = $1"
	    " AND number = $2 AND ref = $3 AND total = $4 AND done = 0) >= $5"
	    " RETURNING seq, text, sent_at)"
	    " SELECT count(*), coalesce(string_agg(text, '' ORDER BY seq), ''),"
	    " coalesce(min(nullif(sent_at, 0)), 0) FROM d", 5, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1 && (*got = (unsigned)pg_get_i64(r, 0, 0)) > 0) {
		*text = xstrdup(pg_get_str(r, 0, 1));
		*sent_at = pg_get_i64(r, 0, 2);
	}
	PQclear(r);
	return 0;
}

int
pg_part_take(struct store *s, const struct part_key *k, char **text,
    int64_t *sent_at)
{
	unsigned	got;

	if (pg_part_join(PG(s), k, k->total, text, sent_at, &got) == -1)
		return -1;
	return got > 0;
}

/*
 * The oldest waiting set with a part received before `before`, joined as
 * it is. A set another node joined meanwhile (its lock waited for) comes
 * back empty: the next oldest is looked at, a few times at most.
 */
int
pg_part_expired(struct store *s, int64_t before, struct part_set *set)
{
	struct pg_store	*q = PG(s);
	PGresult	*r;
	const char	*p[1];
	char		 n[PG_NUM];
	int		 try, found;

	for (try = 0; try < 8; try++) {
		memset(set, 0, sizeof *set);
		p[0] = pg_i64(n, before);
		r = pg_exec(q, "part oldest",
		    "SELECT channel, number, ref, total FROM parts"
		    " WHERE done = 0 AND received_at < $1"
		    " ORDER BY received_at LIMIT 1", 1, p);
		if (r == NULL)
			return -1;
		if ((found = PQntuples(r) > 0)) {
			pg_get_buf(r, 0, 0, set->key.channel,
			    sizeof set->key.channel);
			pg_get_buf(r, 0, 1, set->key.number,
			    sizeof set->key.number);
			set->key.ref = (unsigned)pg_get_i64(r, 0, 2);
			set->key.total = (unsigned)pg_get_i64(r, 0, 3);
		}
		PQclear(r);
		if (!found)
			return 0;
		if (pg_part_lock(q, &set->key) == -1 ||
		    pg_part_join(q, &set->key, 1, &set->text, &set->sent_at,
		    &set->got) == -1)
			return -1;
		if (set->got > 0)
			return 1;
	}
	return 0;
}

int
pg_part_forget(struct store *s, int64_t before)
{
	const char	*p[1];
	char		 n[PG_NUM];

	p[0] = pg_i64(n, before);
	return pg_run(PG(s), "part forget",
	    "DELETE FROM parts WHERE done = 1 AND received_at < $1", 1, p);
}

/* USSD sessions. */

/* One USSD session of a USSD_COLUMNS statement: 1, 0 none, -1. */
static int
pg_ussd_row(PGresult *r, struct ussd_session *u)
{
	int	found;

	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) > 0)) {
		memset(u, 0, sizeof *u);
		pg_get_buf(r, 0, 0, u->id, sizeof u->id);
		pg_get_buf(r, 0, 1, u->number, sizeof u->number);
		pg_get_buf(r, 0, 2, u->screen, sizeof u->screen);
		pg_get_buf(r, 0, 3, u->data, sizeof u->data);
		u->lang = (int)pg_get_i64(r, 0, 4);
		u->updated_at = pg_get_i64(r, 0, 5);
		u->ended = pg_get_i64(r, 0, 6) != 0;
	}
	PQclear(r);
	return found;
}

int
pg_ussd_get(struct store *s, const char *id, struct ussd_session *u)
{
	const char	*p[1] = { id };

	return pg_ussd_row(pg_exec(PG(s), "ussd get",
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions WHERE id = $1", 1, p),
	    u);
}

/* Create the session or replace every field of it. */
int
pg_ussd_put(struct store *s, const struct ussd_session *u)
{
	const char	*p[7];
	char		 n[3][PG_NUM];

	p[0] = u->id;
	p[1] = u->number;
	p[2] = u->screen;
	p[3] = u->data;
	p[4] = pg_i64(n[0], u->lang);
	p[5] = pg_i64(n[1], u->updated_at);
	p[6] = pg_i64(n[2], u->ended ? 1 : 0);
	return pg_run(PG(s), "ussd put",
	    "INSERT INTO ussd_sessions (" USSD_COLUMNS ")"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7)"
	    " ON CONFLICT (id) DO UPDATE SET number = excluded.number,"
	    " screen = excluded.screen, data = excluded.data,"
	    " lang = excluded.lang, updated_at = excluded.updated_at,"
	    " ended = excluded.ended", 7, p);
}

/*
 * The newest unfinished session of a number updated since: ties in
 * updated_at go to the greater id (SQLite's: the later row).
 */
int
pg_ussd_last(struct store *s, const char *number, int64_t since,
    struct ussd_session *u)
{
	const char	*p[2];
	char		 n[PG_NUM];

	p[0] = number;
	p[1] = pg_i64(n, since);
	return pg_ussd_row(pg_exec(PG(s), "ussd last",
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions"
	    " WHERE number = $1 AND updated_at >= $2 AND ended = 0"
	    " ORDER BY updated_at DESC, id DESC LIMIT 1", 2, p), u);
}

/* Mark a session ended at `at` (no error if there is none). */
int
pg_ussd_end(struct store *s, const char *id, int64_t at)
{
	const char	*p[2];
	char		 n[PG_NUM];

	p[0] = id;
	p[1] = pg_i64(n, at);
	return pg_run(PG(s), "ussd end",
	    "UPDATE ussd_sessions SET ended = 1, updated_at = $2 WHERE id = $1",
	    2, p);
}

/* Fraud flags. */

/* The number's check-ins in [since, until] but except, at venues with coordinates. */
int
pg_checkin_places(struct store *s, const char *number, int64_t since,
    int64_t until, int64_t except,
    int (*cb)(const struct checkin_place *, void *), void *arg)
{
	struct checkin_place	 pl;
	PGresult		*r;
	const char		*p[4];
	char			 n[4][PG_NUM];
	int			 i;

	p[0] = number;
	p[1] = pg_i64(n[1], since);
	p[2] = pg_i64(n[2], until);
	p[3] = pg_i64(n[3], except);
	r = pg_exec(PG(s), "checkin places",
	    "SELECT c.id, c.venue_id, c.sent_at, v.lat, v.lon FROM checkins c"
	    " JOIN venues v ON v.id = c.venue_id"
	    " WHERE c.number = $1 AND c.sent_at >= $2 AND c.sent_at <= $3"
	    " AND c.id <> $4 AND v.lat IS NOT NULL AND v.lon IS NOT NULL"
	    " ORDER BY c.sent_at DESC, c.id DESC", 4, p);
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		memset(&pl, 0, sizeof pl);
		pl.checkin_id = pg_get_i64(r, i, 0);
		pl.venue_id = pg_get_i64(r, i, 1);
		pl.sent_at = pg_get_i64(r, i, 2);
		pl.lat = pg_get_dbl(r, i, 3);
		pl.lon = pg_get_dbl(r, i, 4);
		if (cb(&pl, arg) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int64_t
pg_flag_add(struct store *s, int64_t checkin_id, int64_t venue_id,
    int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m,
    int64_t seconds, int64_t at)
{
	const char	*p[7];
	char		 n[7][PG_NUM];

	p[0] = pg_i64(n[0], checkin_id);
	p[1] = pg_i64(n[1], venue_id);
	p[2] = pg_i64(n[2], prev_checkin_id);
	p[3] = pg_i64(n[3], prev_venue_id);
	p[4] = pg_i64(n[4], distance_m);
	p[5] = pg_i64(n[5], seconds);
	p[6] = pg_i64(n[6], at);
	return pg_id(PG(s), "flag add",
	    "INSERT INTO flags (checkin_id, venue_id, prev_checkin_id,"
	    " prev_venue_id, distance_m, seconds, at)"
	    " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", 7, p);
}
