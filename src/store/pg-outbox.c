/*
 * pg-outbox.c: the outbox, shared by several nodes (claims with FOR UPDATE SKIP
 * LOCKED and a lease), and delivery reports.
 *
 * Several daemons (nodes) may drain one outbox. outbox_due locks the rows it
 * returns (FOR UPDATE SKIP LOCKED): within the sender's transaction another
 * node's pass skips them and takes the next ones. A claim marks the row
 * "sending" by this node: claimed_by is "NODE/SESSION", NODE this process
 * (host, pid, a random part) and SESSION its connection's server process
 * (pid and start time, as pg_stat_activity shows them).
 *
 * A "sending" row is orphaned, due again for any node, when its claimer's
 * session is gone (the node died: the server saw its connection close) or
 * its lease is over: lease_until, on the server's clock, PG_OUTBOX_LEASE
 * seconds after the claim, longer than any request can take, for a node cut
 * off without its connection closing. CHECKIND_PG_LEASE (seconds) in the
 * environment shortens the lease, for tests only. A node restarted after a
 * crash thus sends its rows in flight again at once, as with SQLite, and a
 * node starting never takes a live node's sends.
 *
 * A verdict (retry, final) changes a "sending" row only if this node holds
 * it or it is orphaned: a node that lost a row to another one after a stall
 * cannot queue it again under the other's feet. A route that accepted the
 * text (sent) is a fact and is always recorded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

#define PG_OUTBOX_LEASE		300	/* seconds a claim holds a row */
#define PG_OUTBOX_LEASE_ENV	"CHECKIND_PG_LEASE"

#define OUTBOX_COLUMNS \
	"id, route, number, text, state, attempts, created_at, next_at," \
	" expires_at, updated_at, ext_id, dlr_state, error, inbound_id"

/* The server's clock in Unix seconds: every node compares leases on it. */
#define PG_NOW	"floor(extract(epoch FROM clock_timestamp()))::bigint"

/* A session's key: its server process id and start time, in microseconds. */
#define PG_SESSION_KEY(a) \
	a ".pid || '.' || (extract(epoch FROM " a ".backend_start)" \
	" * 1000000)::bigint"

/* What claimed_by holds for node $N on this connection. */
#define PG_CLAIMER(n) \
	"$" n " || '/' || (SELECT " PG_SESSION_KEY("a") \
	" FROM pg_stat_activity a WHERE a.pid = pg_backend_pid())"

/*
 * The claimer's session is gone. A session whose start time this role may
 * not see counts as alive: its rows wait for their lease.
 */
#define PG_GONE \
	"NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid::text =" \
	" split_part(split_part(outbox.claimed_by, '/', 2), '.', 1) AND" \
	" (a.backend_start IS NULL OR " PG_SESSION_KEY("a") " =" \
	" split_part(outbox.claimed_by, '/', 2)))"

/* A "sending" row whose claimer died or whose lease is over. */
#define PG_ORPHAN \
	"(state = 1 AND (lease_until < " PG_NOW " OR " PG_GONE "))"

/* A "sending" row that node $N may settle: its own, or an orphan. */
#define PG_OURS(n) \
	"(state = 1 AND split_part(claimed_by, '/', 1) = $" n ") OR " PG_ORPHAN

/* This process's name among the nodes: host, pid and a random part. */
static const char *
pg_outbox_node(void)
{
	static char	 node[128];
	char		 host[64];

	if (node[0] != '\0')
		return node;
	if (gethostname(host, sizeof host) == -1)
		strlcpy(host, "localhost", sizeof host);
	host[sizeof host - 1] = '\0';
	snprintf(node, sizeof node, "%s:%ld:%08x", host, (long)getpid(),
	    arc4random());
	return node;
}

/* How long a claim holds a row: PG_OUTBOX_LEASE, or the tests' setting. */
static int64_t
pg_outbox_lease(void)
{
	static int64_t	 lease;
	const char	*v, *errstr;

	if (lease > 0)
		return lease;
	lease = PG_OUTBOX_LEASE;
	if ((v = getenv(PG_OUTBOX_LEASE_ENV)) != NULL) {
		lease = num_parse(v, 1, 86400, &errstr);
		if (errstr != NULL) {
			log_warnx("store: %s %s, lease of %d seconds",
			    PG_OUTBOX_LEASE_ENV, errstr, PG_OUTBOX_LEASE);
			lease = PG_OUTBOX_LEASE;
		}
	}
	return lease;
}

/* Fill m from row i of an OUTBOX_COLUMNS result, copying strings. */
static void
pg_outbox_fill(const PGresult *r, int i, struct outbox_msg *m)
{
	int64_t	state;

	memset(m, 0, sizeof *m);
	m->id = pg_get_i64(r, i, 0);
	pg_get_buf(r, i, 1, m->route, sizeof m->route);
	pg_get_buf(r, i, 2, m->number, sizeof m->number);
	m->text = xstrdup(pg_is_null(r, i, 3) ? "" : pg_get_str(r, i, 3));
	state = pg_get_i64(r, i, 4);
	m->state = state >= 0 && state < OUTBOX_STATE_COUNT ?
	    (enum outbox_state)state : OUTBOX_FAILED;
	m->attempts = (int)pg_get_i64(r, i, 5);
	m->created_at = pg_get_i64(r, i, 6);
	m->next_at = pg_get_dbl(r, i, 7);
	m->expires_at = pg_get_i64(r, i, 8);
	m->updated_at = pg_get_i64(r, i, 9);
	if (!pg_is_null(r, i, 10))
		m->ext_id = xstrdup(pg_get_str(r, i, 10));
	if (!pg_is_null(r, i, 11))
		m->dlr_state = xstrdup(pg_get_str(r, i, 11));
	if (!pg_is_null(r, i, 12))
		m->error = xstrdup(pg_get_str(r, i, 12));
	m->inbound_id = pg_get_i64(r, i, 13);	/* NULL is 0 */
}

/* Hand each row of an OUTBOX_COLUMNS result to cb until it returns non-zero. */
static int
pg_outbox_each(PGresult *r, int (*cb)(const struct outbox_msg *, void *),
    void *arg)
{
	struct outbox_msg	m;
	int			i, n, stop = 0;

	n = PQntuples(r);
	for (i = 0; i < n && !stop; i++) {
		pg_outbox_fill(r, i, &m);
		stop = cb(&m, arg);
		store_outbox_free(&m);
	}
	PQclear(r);
	return 0;
}

/* Queue a text: due at once (next_at = now); expires_at 0 for never. */
int64_t
pg_outbox_add(struct store *s, const char *route, const char *number,
    const char *text, int64_t now, int64_t expires_at, int64_t inbound_id)
{
	char		 b[3][PG_NUM];
	const char	*p[6];

	p[0] = route;
	p[1] = number;
	p[2] = text;
	p[3] = pg_i64(b[0], now);
	p[4] = pg_i64(b[1], expires_at > 0 ? expires_at : 0);
	p[5] = inbound_id > 0 ? pg_i64(b[2], inbound_id) : NULL;
	return pg_id(PG(s), "outbox add",
	    "INSERT INTO outbox (route, number, text, state, attempts,"
	    " created_at, next_at, expires_at, updated_at, inbound_id)"
	    " VALUES ($1, $2, $3, 0, 0, $4::bigint, $4::bigint, $5,"
	    " $4::bigint, $6) RETURNING id", 6, p);
}

/*
 * Rows of route to send: queued with next_at <= now, or orphans (their
 * claimer died, or their lease is over). Rows another node's open transaction holds are
 * skipped, and those returned stay locked until the caller's transaction
 * ends: two nodes' passes never pick the same row.
 */
int
pg_outbox_due(struct store *s, const char *route, double now, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	char		 b[2][PG_NUM];
	const char	*p[3];
	PGresult	*r;

	p[0] = route;
	p[1] = pg_dbl(b[0], now);
	p[2] = limit > 0 ? pg_i64(b[1], limit) : NULL;
	r = pg_exec(PG(s), "outbox due",
	    "SELECT " OUTBOX_COLUMNS " FROM outbox"
	    " WHERE route = $1 AND ((state = 0 AND next_at <= $2)"
	    " OR " PG_ORPHAN ")"
	    " ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED", 3, p);
	if (r == NULL)
		return -1;
	return pg_outbox_each(r, cb, arg);
}

/*
 * When the route's next row is due: the earliest next_at of its queued
 * rows, or the end of a lease, when a dead node's row comes back.
 */
int
pg_outbox_next(struct store *s, const char *route, double *at)
{
	const char	*p[1];
	PGresult	*r;
	int		 rc;

	p[0] = route;
	r = pg_exec(PG(s), "outbox next",
	    "SELECT min(CASE state WHEN 0 THEN next_at"
	    " ELSE lease_until::double precision END)"
	    " FROM outbox WHERE route = $1 AND state IN (0, 1)", 1, p);
	if (r == NULL)
		return -1;
	rc = PQntuples(r) == 1 && !pg_is_null(r, 0, 0);	/* min() of none */
	if (rc && at != NULL)
		*at = pg_get_dbl(r, 0, 0);
	PQclear(r);
	return rc;
}

/*
 * Take a due row for this node: 1 claimed, 0 if it is not queued (or held
 * by a live node). The row lock serializes two claimers: the second
 * re-reads the row the first committed, and changes nothing.
 */
int
pg_outbox_claim(struct store *s, int64_t id, const char *route, int64_t now)
{
	char		 b[3][PG_NUM];
	const char	*p[5];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = route;
	p[2] = pg_i64(b[1], now);
	p[3] = pg_outbox_node();
	p[4] = pg_i64(b[2], pg_outbox_lease());
	if (pg_run_changed(PG(s), "outbox claim",
	    "UPDATE outbox SET state = 1, attempts = attempts + 1,"
	    " route = coalesce($2::text, route), updated_at = $3,"
	    " claimed_by = " PG_CLAIMER("4") ","
	    " lease_until = " PG_NOW " + $5::bigint"
	    " WHERE id = $1 AND (state = 0 OR " PG_ORPHAN ")", 5, p,
	    &changed) == -1)
		return -1;
	return changed != 0 ? 1 : 0;
}

/* The route took the text: sending -> sent, with its message id and key (or NULL). */
int
pg_outbox_sent(struct store *s, int64_t id, const char *ext_id,
    const char *ext_key, int64_t now)
{
	char		 b[2][PG_NUM];
	const char	*p[4];
	int64_t		 changed;

	/*
	 * A report can beat the HTTP answer that carries the route's id: a
	 * row already delivered or failed keeps its state and gains the id.
	 */
	p[0] = pg_i64(b[0], id);
	p[1] = ext_id;
	p[2] = ext_key;
	p[3] = pg_i64(b[1], now);
	if (pg_run_changed(PG(s), "outbox sent",
	    "UPDATE outbox SET state = CASE state WHEN 1 THEN 2 ELSE state END,"
	    " ext_id = $2, ext_key = $3, sent_at = $4, updated_at = $4,"
	    " claimed_by = NULL, lease_until = 0"
	    " WHERE id = $1 AND state IN (1, 3, 4)", 4, p, &changed) == -1)
		return -1;
	if (changed == 0)
		log_debug("store: outbox sent id=%lld not sending",
		    (long long)id);
	return 0;
}

int
pg_outbox_retry(struct store *s, int64_t id, double next_at,
    const char *error, int64_t now)
{
	char		 b[3][PG_NUM];
	const char	*p[5];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = pg_dbl(b[1], next_at);
	p[2] = error;
	p[3] = pg_i64(b[2], now);
	p[4] = pg_outbox_node();
	if (pg_run_changed(PG(s), "outbox retry",
	    "UPDATE outbox SET state = 0, next_at = $2, error = $3,"
	    " updated_at = $4, claimed_by = NULL, lease_until = 0"
	    " WHERE id = $1 AND (" PG_OURS("5") ")", 5, p, &changed) == -1)
		return -1;
	if (changed == 0)
		log_debug("store: outbox retry id=%lld not sending",
		    (long long)id);
	return 0;
}

/* Give a queued or sending row up: failed or expired. */
int
pg_outbox_final(struct store *s, int64_t id, enum outbox_state state,
    const char *error, int64_t now)
{
	char		 b[3][PG_NUM];
	const char	*p[5];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = pg_i64(b[1], state);
	p[2] = error;
	p[3] = pg_i64(b[2], now);
	p[4] = pg_outbox_node();
	if (pg_run_changed(PG(s), "outbox final",
	    "UPDATE outbox SET state = $2, error = $3, updated_at = $4,"
	    " claimed_by = NULL, lease_until = 0"
	    " WHERE id = $1 AND (state = 0 OR " PG_OURS("5") ")", 5, p,
	    &changed) == -1)
		return -1;
	if (changed == 0)
		log_debug("store: outbox final id=%lld not queued or sending",
		    (long long)id);
	return 0;
}

/*
 * Find the row a report is about, of route, by our id (if > 0) or else by
 * ext_key: 1 with *rid and *state, 0, or -1. Message ids get reused (SMSC
 * counters wrap): the newest row wins.
 */
int
pg_outbox_dlr_find(struct store *s, int64_t id, const char *route,
    const char *ext_key, int64_t *rid, int *state)
{
	char		 b[PG_NUM];
	const char	*p[2];
	PGresult	*r;

	if (id > 0) {
		p[0] = pg_i64(b, id);
		p[1] = route;
		r = pg_exec(PG(s), "outbox dlr find",
		    "SELECT id, state FROM outbox WHERE id = $1 AND route = $2",
		    2, p);
	} else {
		p[0] = route;
		p[1] = ext_key;
		r = pg_exec(PG(s), "outbox dlr find",
		    "SELECT id, state FROM outbox WHERE route = $1"
		    " AND ext_key = $2 ORDER BY id DESC LIMIT 1", 2, p);
	}
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 0;
	}
	*rid = pg_get_i64(r, 0, 0);
	*state = (int)pg_get_i64(r, 0, 1);
	PQclear(r);
	return 1;
}

/*
 * Move the row of a delivery report from state to next, as the caller
 * decided, noting the report's state and time. A change of state replaces
 * the error (by error, or none); the route's id is kept if the row had
 * none. 1 changed, 0 if the row is no longer in state, -1.
 */
int
pg_outbox_dlr_set(struct store *s, int64_t id, enum outbox_state state,
    enum outbox_state next, const char *dlr_state, const char *error,
    const char *ext_id, const char *ext_key, int64_t now)
{
	char		 b[5][PG_NUM];
	const char	*p[9];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = pg_i64(b[1], state);
	p[2] = pg_i64(b[2], next);
	p[3] = dlr_state;
	p[4] = pg_i64(b[3], now);
	p[5] = error;
	p[6] = pg_i64(b[4], next != state);
	p[7] = ext_id;
	p[8] = ext_key;
	if (pg_run_changed(PG(s), "outbox dlr",
	    "UPDATE outbox SET state = $3, dlr_state = coalesce($4::text,"
	    " dlr_state), dlr_at = $5, updated_at = $5,"
	    " error = CASE WHEN $7::bigint <> 0 THEN $6::text ELSE error END,"
	    " ext_id = coalesce(ext_id, $8::text),"
	    " ext_key = coalesce(ext_key, $9::text)"
	    " WHERE id = $1 AND state = $2", 9, p, &changed) == -1)
		return -1;
	return changed != 0 ? 1 : 0;
}

/*
 * Rows left "sending" go back to the queue: this node's (at a stop, the
 * requests it gave up) and orphans (a dead node's, this one's before a
 * crash among them). A node starting never takes a live node's sends.
 * How many, or -1.
 */
int
pg_outbox_requeue_sending(struct store *s, int64_t now)
{
	char		 b[PG_NUM];
	const char	*p[2];
	int64_t		 changed;

	p[0] = pg_i64(b, now);
	p[1] = pg_outbox_node();
	if (pg_run_changed(PG(s), "outbox requeue sending",
	    "UPDATE outbox SET state = 0, updated_at = $1, claimed_by = NULL,"
	    " lease_until = 0 WHERE " PG_OURS("2"), 2, p, &changed) == -1)
		return -1;
	return (int)changed;
}

int
pg_outbox_get(struct store *s, int64_t id, struct outbox_msg *m)
{
	char		 b[PG_NUM];
	const char	*p[1];
	PGresult	*r;

	p[0] = pg_i64(b, id);
	r = pg_exec(PG(s), "outbox get",
	    "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return 0;
	}
	pg_outbox_fill(r, 0, m);
	PQclear(r);
	return 1;
}

/* Rows of one state and/or route, most recently changed first. */
int
pg_outbox_list(struct store *s, int state, const char *route, int limit,
    int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	char		 b[2][PG_NUM];
	const char	*p[3];
	PGresult	*r;

	p[0] = route;
	p[1] = limit > 0 ? pg_i64(b[0], limit) : NULL;
	if (state < 0)
		r = pg_exec(PG(s), "outbox list",
		    "SELECT " OUTBOX_COLUMNS " FROM outbox"
		    " WHERE ($1::text IS NULL OR route = $1)"
		    " ORDER BY updated_at DESC, id DESC LIMIT $2", 2, p);
	else {
		p[2] = pg_i64(b[1], state);
		r = pg_exec(PG(s), "outbox list",
		    "SELECT " OUTBOX_COLUMNS " FROM outbox"
		    " WHERE state = $3 AND ($1::text IS NULL OR route = $1)"
		    " ORDER BY updated_at DESC, id DESC LIMIT $2", 3, p);
	}
	if (r == NULL)
		return -1;
	return pg_outbox_each(r, cb, arg);
}

/* A fresh start: the last outcome no longer describes the row. */
int
pg_outbox_requeue(struct store *s, int64_t id, int64_t now)
{
	char		 b[2][PG_NUM];
	const char	*p[2];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = pg_i64(b[1], now);
	if (pg_run_changed(PG(s), "outbox requeue",
	    "UPDATE outbox SET state = 0, attempts = 0, next_at = $2::bigint,"
	    " created_at = $2::bigint, updated_at = $2::bigint, error = NULL,"
	    " dlr_state = NULL, dlr_at = NULL, claimed_by = NULL,"
	    " lease_until = 0 WHERE id = $1 AND state IN (4, 5)", 2, p,
	    &changed) == -1)
		return -1;
	return changed == 0 ? 1 : 0;
}

int
pg_outbox_cancel(struct store *s, int64_t id, int64_t now)
{
	char		 b[2][PG_NUM];
	const char	*p[2];
	int64_t		 changed;

	p[0] = pg_i64(b[0], id);
	p[1] = pg_i64(b[1], now);
	if (pg_run_changed(PG(s), "outbox cancel",
	    "UPDATE outbox SET state = 4, error = 'cancelled', updated_at = $2"
	    " WHERE id = $1 AND state = 0", 2, p, &changed) == -1)
		return -1;
	return changed == 0 ? 1 : 0;
}

int
pg_outbox_count(struct store *s, int (*cb)(const char *, enum outbox_state,
    int64_t, void *), void *arg)
{
	PGresult	*r;
	int64_t		 state;
	int		 i, n, stop = 0;

	r = pg_exec(PG(s), "outbox count",
	    "SELECT route, state, count(*) FROM outbox GROUP BY route, state"
	    " ORDER BY route, state", 0, NULL);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n && !stop; i++) {
		state = pg_get_i64(r, i, 1);
		if (state < 0 || state >= OUTBOX_STATE_COUNT)
			continue;
		stop = cb(pg_get_str(r, i, 0), (enum outbox_state)state,
		    pg_get_i64(r, i, 2), arg);
	}
	PQclear(r);
	return 0;
}

int
pg_outbox_depth(struct store *s, int (*cb)(const char *, int64_t, int64_t,
    void *), void *arg)
{
	PGresult	*r;
	int		 i, n, stop = 0;

	r = pg_exec(PG(s), "outbox depth",
	    "SELECT route, count(*), min(created_at) FROM outbox"
	    " WHERE state = 0 GROUP BY route ORDER BY route", 0, NULL);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	for (i = 0; i < n && !stop; i++)
		stop = cb(pg_get_str(r, i, 0), pg_get_i64(r, i, 1),
		    pg_get_i64(r, i, 2), arg);
	PQclear(r);
	return 0;
}

/*
 * Take up to want tokens of route's bucket (store_route_take), refilled on
 * the server's clock: every node's take sees one clock, whatever its own.
 * The bucket's row is locked until the caller's transaction (the claim)
 * ends. A node finding it locked by another node's claim at that moment
 * does not wait (SKIP LOCKED: the loop would stall, and the lock_timeout of
 * a few ms would fail the pass): it gets no token and a wait of 0, and
 * tries again at its next pass. The third column tells a bucket locked from
 * one not there yet: a route never seen gets a full bucket, made by the
 * second statement (which waits for a node making it at the same moment).
 */
int
pg_route_take(struct store *s, const char *route, double rate, double burst,
    int want, double now, int *granted, double *left)
{
	char		 b[3][PG_NUM];
	const char	*p[4];
	PGresult	*r;

	(void)now;
	*granted = 0;
	*left = 1;
	p[0] = route;
	p[1] = pg_dbl(b[0], rate);
	p[2] = pg_dbl(b[1], burst);
	p[3] = pg_i64(b[2], want);
	r = pg_exec(PG(s), "route take",
	    "WITH u AS (UPDATE route_tokens AS t SET"
	    " granted = least($4::bigint, floor(b.avail))::bigint,"
	    " tokens = b.avail - least($4::bigint, floor(b.avail)),"
	    " refilled_at = CASE WHEN t.refilled_at > b.now + 60 THEN b.now"
	    " ELSE greatest(t.refilled_at, b.now) END"
	    " FROM (SELECT k.route, c.now, least($3::double precision,"
	    " k.tokens + greatest(0, c.now - k.refilled_at) *"
	    " $2::double precision) AS avail"
	    " FROM route_tokens AS k, (SELECT extract(epoch FROM"
	    " clock_timestamp())::double precision AS now) AS c"
	    " WHERE k.route = $1 FOR UPDATE OF k SKIP LOCKED) AS b"
	    " WHERE t.route = b.route RETURNING t.granted, t.tokens)"
	    " SELECT granted, tokens, true FROM u"
	    " UNION ALL SELECT 0, 1, EXISTS (SELECT 1 FROM route_tokens"
	    " WHERE route = $1) WHERE NOT EXISTS (SELECT 1 FROM u)", 4, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 2), "f") == 0) {
		PQclear(r);
		p[1] = p[2];
		p[2] = p[3];
		r = pg_exec(PG(s), "route take new",
		    "INSERT INTO route_tokens (route, tokens, refilled_at,"
		    " granted) VALUES ($1, $2::double precision -"
		    " least($3::bigint, floor($2::double precision)),"
		    " extract(epoch FROM clock_timestamp()),"
		    " least($3::bigint, floor($2::double precision)))"
		    " ON CONFLICT (route) DO NOTHING RETURNING granted, tokens",
		    3, p);
		if (r == NULL)
			return -1;
	}
	if (PQntuples(r) == 1) {
		*granted = (int)pg_get_i64(r, 0, 0);
		*left = pg_get_dbl(r, 0, 1);
	}
	PQclear(r);
	return 0;
}
