/*
 * pg.c: the PostgreSQL backend's connection, statements and transactions,
 * and its table of operations. A connection runs one statement at a time
 * (libpq's synchronous calls on the caller's thread); every statement is
 * prepared once per connection, named by the order it was first run in.
 *
 * A lost connection (the server restarted, a failover) is noticed before a
 * statement is sent, when the server's goodbye or the end of the stream
 * waits on the idle socket, or when a statement fails with the connection
 * gone. Outside a transaction the statement then reconnects (PQreset,
 * which tries the URI's hosts in turn) and sets the session up again before
 * running; inside one it fails, as a busy SQLite does, and the first
 * statement after the rollback reconnects. A statement that failed on its
 * way is not sent again (the server may have run it): its operation fails,
 * and the caller answers "retry later"; only BEGIN and SET, harmless twice,
 * are. A reconnection that fails is tried again by a later statement, not
 * before a wait that doubles from PG_RETRY_MIN to PG_RETRY_MAX seconds:
 * meanwhile statements fail at once, without a connection attempt.
 *
 * Every connection (the daemon's, its readers', the purge's) gets bounds
 * on a dead host unless the URI sets them (pg_default_keys): the attempt to
 * connect, and keepalives and a TCP user timeout on an open connection,
 * so that a host gone from the network never stalls a caller for long,
 * and target_session_attrs=read-write, so that a standby is never used.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

/* A statement prepared on a connection: its SQL (by address) and name. */
struct pg_prepared {
	const char	*sql;
	char		 name[16];
};

static int	pg_lost(struct pg_store *);
static int	pg_reconnect(struct pg_store *);

/* SQLSTATE of a statement cancelled by statement_timeout or PQcancel. */
#define PG_QUERY_CANCELED	"57014"

/* Seconds between two attempts to reconnect, and between their logs. */
#define PG_RETRY_MIN	0.1
#define PG_RETRY_MAX	1.0
#define PG_RETRY_LOG	30.0

/*
 * libpq's settings a connection gets unless the URI (dbname, expanded
 * after them: its own win) says otherwise.
 */
static const char *const pg_default_keys[] = {
	"connect_timeout",	/* seconds per host */
	"keepalives",
	"keepalives_idle",	/* seconds */
	"keepalives_interval",	/* seconds */
	"keepalives_count",
	"tcp_user_timeout",	/* milliseconds */
	"target_session_attrs",
	"dbname",		/* the URI */
	NULL
};
static const char *const pg_default_values[] = {
	"3", "1", "5", "2", "3", "10000", "read-write", NULL, NULL
};

/* A new connection to database with pg_default_keys (NULL: no memory). */
static PGconn *
pg_connectdb(const char *database)
{
	const char	*values[nitems(pg_default_keys)];

	memcpy(values, pg_default_values, sizeof values);
	values[nitems(pg_default_keys) - 2] = database;
	return PQconnectdbParams(pg_default_keys, values, 1);
}

/*
 * libpq's message about a connection, on one line: one line per host
 * tried becomes "; " apart. It names hosts and ports, never the password.
 */
static void
pg_oneline(char *buf, size_t len, const PGconn *conn)
{
	const char	*msg, *p;
	size_t		 n = 0;

	msg = conn != NULL ? PQerrorMessage(conn) : "out of memory";
	for (p = msg; *p != '\0' && n + 3 < len; p++) {
		if (*p != '\n' && *p != '\t') {
			buf[n++] = *p;
			continue;
		}
		while (p[1] == '\n' || p[1] == '\t')
			p++;
		if (n > 0 && p[1] != '\0') {
			buf[n++] = ';';
			buf[n++] = ' ';
		}
	}
	if (len > 0)
		buf[n < len ? n : len - 1] = '\0';
}

static void
pg_error(struct pg_store *q, const char *what, const PGresult *r)
{
	const char	*state, *msg;

	/* The primary message only: DETAIL may quote a row's values. */
	state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	msg = r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (msg == NULL)
		msg = PQerrorMessage(q->conn);
	if (state != NULL && strcmp(state, PG_QUERY_CANCELED) == 0 &&
	    q->reader) {
		q->timed_out = 1;
		return;
	}
	/* A connection gone fails every statement until the rollback: once. */
	if (q->conn != NULL && PQstatus(q->conn) == CONNECTION_BAD) {
		if (q->bad_logged)
			return;
		q->bad_logged = 1;
	}
	/* libpq's own message (a lost connection) spans lines: the first. */
	log_warnx("store: %s: %.*s%s%s", what, (int)strcspn(msg, "\n"), msg,
	    state != NULL ? " " : "", state != NULL ? state : "");
}

/* The name sql is prepared under on this connection, preparing it once. */
static const char *
pg_prepare(struct pg_store *q, const char *what, const char *sql, int n)
{
	struct pg_prepared	*p;
	PGresult		*r;
	size_t			 i;

	for (i = 0; i < q->nprepared; i++)
		if (q->prepared[i].sql == sql)
			return q->prepared[i].name;
	q->prepared = xreallocarray(q->prepared, q->nprepared + 1,
	    sizeof *q->prepared);
	p = &q->prepared[q->nprepared];
	p->sql = sql;
	snprintf(p->name, sizeof p->name, "s%zu", q->nprepared);
	r = PQprepare(q->conn, p->name, sql, n, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		pg_error(q, what, r);
		PQclear(r);
		return NULL;
	}
	PQclear(r);
	q->nprepared++;
	return p->name;
}

static PGresult *
pg_exec_once(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params)
{
	const char	*name;
	PGresult	*r;

	if ((name = pg_prepare(q, what, sql, n)) == NULL)
		return NULL;
	r = PQexecPrepared(q->conn, name, n, params, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		return r;
	default:
		pg_error(q, what, r);
		PQclear(r);
		return NULL;
	}
}

PGresult *
pg_exec(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params)
{
	if (pg_lost(q) && pg_reconnect(q) == -1)
		return NULL;
	return pg_exec_once(q, what, sql, n, params);
}

int
pg_run_changed(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params, int64_t *changed)
{
	PGresult	*r;

	if ((r = pg_exec(q, what, sql, n, params)) == NULL)
		return -1;
	if (changed != NULL)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

int
pg_run(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params)
{
	return pg_run_changed(q, what, sql, n, params, NULL);
}

int64_t
pg_id(struct pg_store *q, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult	*r;
	int64_t		 id;

	if ((r = pg_exec(q, what, sql, n, params)) == NULL)
		return -1;
	id = PQntuples(r) == 1 ? pg_get_i64(r, 0, 0) : -1;
	PQclear(r);
	return id;
}

/* A statement without parameters nor a name to keep: SET, BEGIN. */
static int
pg_simple_once(struct pg_store *q, const char *what, const char *sql)
{
	PGresult	*r;
	int		 ok;

	r = PQexec(q->conn, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		pg_error(q, what, r);
	PQclear(r);
	return ok ? 0 : -1;
}

/* As pg_simple_once, reconnecting as pg_exec does. */
static int
pg_simple(struct pg_store *q, const char *what, const char *sql)
{
	if (pg_lost(q) && pg_reconnect(q) == -1)
		return -1;
	if (pg_simple_once(q, what, sql) == 0)
		return 0;
	if (!pg_lost(q) || pg_reconnect(q) == -1)
		return -1;
	return pg_simple_once(q, what, sql);
}

/* What the server tells outside a result (its goodbye): the primary message. */
static void
pg_notice(void *arg, const PGresult *r)
{
	const char	*msg, *severity;

	(void)arg;
	msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	severity = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (msg != NULL)
		log_info("store: server %s: %s", severity != NULL ?
		    severity : "notice", msg);
}

/*
 * The session's settings, on a new connection: text in UTF-8, times in
 * UTC, and what the store was told (a reader's read-only transactions,
 * the lock wait, the deadline, the durability). 0, or -1.
 */
static int
pg_session(struct pg_store *q)
{
	char	 sql[64];

	PQsetNoticeReceiver(q->conn, pg_notice, q);
	if (PQsetClientEncoding(q->conn, "UTF8") != 0 ||
	    pg_simple_once(q, "session", "SET TIME ZONE 'UTC'") == -1)
		return -1;
	/*
	 * A reader's query takes one of the server's CPUs, not every one
	 * (parallel workers): a long report must leave the check-ins theirs.
	 */
	if (q->reader && (pg_simple_once(q, "session",
	    "SET default_transaction_read_only = on") == -1 ||
	    pg_simple_once(q, "session",
	    "SET max_parallel_workers_per_gather = 0") == -1))
		return -1;
	if (q->busy_ms >= 0) {
		snprintf(sql, sizeof sql, "SET lock_timeout = %d", q->busy_ms);
		if (pg_simple_once(q, "session", sql) == -1)
			return -1;
	}
	if (q->deadline_ms > 0) {
		snprintf(sql, sizeof sql, "SET statement_timeout = %d",
		    q->deadline_ms);
		if (pg_simple_once(q, "session", sql) == -1)
			return -1;
	}
	if (q->lazy && pg_simple_once(q, "session",
	    "SET synchronous_commit = off") == -1)
		return -1;
	return 0;
}

/*
 * Whether the connection is gone and may be made anew: outside a
 * transaction only, whose work a new connection cannot carry on. An idle
 * connection the server closed has its goodbye (a FATAL notice) and the
 * end of the stream waiting on the socket: reading them marks it bad.
 */
static int
pg_lost(struct pg_store *q)
{
	struct pollfd	pfd;
	int		i;

	if (q->depth != 0)
		return 0;
	if (q->conn == NULL || q->stale || PQstatus(q->conn) == CONNECTION_BAD)
		return 1;
	pfd.fd = PQsocket(q->conn);
	pfd.events = POLLIN;
	for (i = 0; i < 4 && pfd.fd != -1 && poll(&pfd, 1, 0) == 1; i++)
		if (PQconsumeInput(q->conn) == 0)
			break;
	return PQstatus(q->conn) == CONNECTION_BAD;
}

/* Where the connection is (was), for a log line: "HOST:PORT". */
static void
pg_where(char *buf, size_t len, const PGconn *conn)
{
	const char	*host, *port;

	host = conn != NULL ? PQhost(conn) : NULL;
	port = conn != NULL ? PQport(conn) : NULL;
	snprintf(buf, len, "%s:%s", host != NULL && *host != '\0' ? host :
	    "?", port != NULL && *port != '\0' ? port : "?");
}

/*
 * Connect again (PQreset: the same URI and settings, its hosts in turn),
 * forgetting what the old session had prepared and held: 0, or -1 (the
 * first failure after a loss logged, then one every PG_RETRY_LOG seconds).
 * Not tried again before q->retry_at.
 */
static int
pg_reconnect(struct pg_store *q)
{
	const char	*role, *standby;
	char		 msg[512], where[256];
	double		 now;

	now = num_mono();
	if (now < q->retry_at)
		return -1;
	role = q->reader ? "a reader" : "a writer";
	if (!q->gone) {
		pg_where(where, sizeof where, q->conn);
		log_warnx("store: lost the primary %s (%s): reconnecting",
		    where, role);
		q->gone = 1;
		q->failed_at = 0;
	}
	pg_held_forget(q, 0);
	q->nprepared = 0;
	q->stale = 1;
	if (q->conn != NULL)
		PQreset(q->conn);
	else
		q->conn = pg_connectdb(q->database);
	if (q->conn != NULL && PQstatus(q->conn) == CONNECTION_OK &&
	    pg_session(q) == 0) {
		q->stale = 0;
		q->bad_logged = 0;
		pg_where(where, sizeof where, q->conn);
		standby = PQparameterStatus(q->conn, "in_hot_standby");
		log_info("store: reconnected to PostgreSQL at %s (%s) after %d"
		    " failed attempts (%s)", where, standby != NULL &&
		    strcmp(standby, "on") == 0 ? "read-only" : "read-write",
		    q->failures, role);
		q->gone = 0;
		q->failures = 0;
		q->retry_wait = 0;
		q->retry_at = 0;
		return 0;
	}
	q->failures++;
	q->retry_wait = q->retry_wait == 0 ? PG_RETRY_MIN : q->retry_wait * 2;
	if (q->retry_wait > PG_RETRY_MAX)
		q->retry_wait = PG_RETRY_MAX;
	now = num_mono();
	q->retry_at = now + q->retry_wait;
	if (q->failed_at == 0 || now - q->failed_at >= PG_RETRY_LOG) {
		if (q->conn != NULL && PQstatus(q->conn) == CONNECTION_OK)
			snprintf(msg, sizeof msg, "cannot set up the session");
		else
			pg_oneline(msg, sizeof msg, q->conn);
		log_warnx("store: reconnect failed (%s, %d attempts, again"
		    " every %.1f s at most): %s", role, q->failures,
		    PG_RETRY_MAX, msg);
		q->failed_at = now;
	}
	return -1;
}

const char *
pg_i64(char buf[PG_NUM], int64_t v)
{
	snprintf(buf, PG_NUM, "%lld", (long long)v);
	return buf;
}

const char *
pg_dbl(char buf[PG_NUM], double v)
{
	snprintf(buf, PG_NUM, "%.17g", v);
	return buf;
}

int
pg_is_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col);
}

int64_t
pg_get_i64(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

double
pg_get_dbl(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtod(PQgetvalue(r, row, col), NULL);
}

const char *
pg_get_str(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return PQgetvalue(r, row, col);
}

void
pg_get_buf(const PGresult *r, int row, int col, char *buf, size_t len)
{
	const char	*v = pg_get_str(r, row, col);

	snprintf(buf, len, "%s", v != NULL ? v : "");
}

static int
pg_match(const char *database)
{
	return strncasecmp(database, "postgresql://", 13) == 0 ||
	    strncasecmp(database, "postgres://", 11) == 0;
}

/* Connect to database: the store, or NULL and why in err. */
static struct pg_store *
pg_connect(const char *database, int reader, char *err, size_t errlen)
{
	struct pg_store	*q;
	char		 msg[512];

	q = xcalloc(1, sizeof *q);
	q->store.ops = &store_backend_postgresql;
	q->database = xstrdup(database);
	q->reader = reader;
	q->busy_ms = -1;
	q->conn = pg_connectdb(database);
	if (q->conn == NULL || PQstatus(q->conn) != CONNECTION_OK) {
		pg_oneline(msg, sizeof msg, q->conn);
		snprintf(err, errlen, "PostgreSQL: %s", msg);
		pg_close(&q->store);
		return NULL;
	}
	if (pg_session(q) == -1) {
		snprintf(err, errlen, "PostgreSQL: cannot set up the session");
		pg_close(&q->store);
		return NULL;
	}
	return q;
}

struct store *
pg_open(const char *database, char *err, size_t errlen)
{
	struct pg_store	*q;

	if ((q = pg_connect(database, 0, err, errlen)) == NULL)
		return NULL;
	if (pg_schema_migrate(q, err, errlen) == -1) {
		pg_close(&q->store);
		return NULL;
	}
	return &q->store;
}

struct store *
pg_open_reader(const char *database, char *err, size_t errlen)
{
	struct pg_store	*q;

	if ((q = pg_connect(database, 1, err, errlen)) == NULL)
		return NULL;
	return &q->store;
}

void
pg_close(struct store *s)
{
	struct pg_store	*q = PG(s);

	if (q == NULL)
		return;
	pg_held_forget(q, 0);
	if (q->conn != NULL)
		PQfinish(q->conn);
	free(q->prepared);
	free(q->database);
	free(q);
}

/* The time a statement waits for a lock held by another connection. */
void
pg_set_busy_timeout(struct store *s, int ms)
{
	char	 sql[64];

	PG(s)->busy_ms = ms;
	snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms);
	pg_simple(PG(s), "lock timeout", sql);
}

/* PostgreSQL's disk is the server's: its administrator bounds it. */
int
pg_set_max_size(struct store *s, int64_t bytes)
{
	(void)s;
	(void)bytes;
	return 0;
}

/* The server checkpoints by itself. */
int
pg_checkpointer(struct store *s)
{
	(void)s;
	return 0;
}

int
pg_set_durable(struct store *s, int full)
{
	PG(s)->lazy = !full;
	return pg_simple(PG(s), "durability", full ?
	    "SET synchronous_commit = on" : "SET synchronous_commit = off");
}

int
pg_version(struct store *s)
{
	PGresult	*r;
	int		 v;

	r = pg_exec(PG(s), "version",
	    "SELECT max(version) FROM schema_version", 0, NULL);
	if (r == NULL)
		return -1;
	v = PQntuples(r) == 1 ? (int)pg_get_i64(r, 0, 0) : 0;
	PQclear(r);
	return v;
}

/* No named plans yet: tests of SQLite's plans do not apply here. */
int
pg_plan(struct store *s, const char *name, char *buf, size_t len)
{
	(void)s;
	(void)name;
	if (len > 0)
		buf[0] = '\0';
	return 0;
}

int
pg_begin(struct store *s)
{
	struct pg_store	*q = PG(s);

	if (pg_simple(q, "begin", "BEGIN") == -1)
		return -1;
	q->depth = 1;
	return 0;
}

/* Locks are taken row by row as statements run: beginning never waits. */
int
pg_begin_try(struct store *s)
{
	return pg_begin(s);
}

int
pg_commit(struct store *s)
{
	struct pg_store	*q = PG(s);
	int		 rc;

	rc = pg_held_flush(q);
	if (rc == 0)
		rc = pg_simple(q, "commit", "COMMIT");
	else
		pg_simple(q, "rollback", "ROLLBACK");
	pg_held_forget(q, 0);
	q->depth = 0;
	return rc;
}

void
pg_rollback(struct store *s)
{
	struct pg_store	*q = PG(s);

	pg_simple(q, "rollback", "ROLLBACK");
	pg_held_forget(q, 0);
	q->depth = 0;
}

int
pg_savepoint(struct store *s)
{
	struct pg_store	*q = PG(s);
	char		 sql[32];

	snprintf(sql, sizeof sql, "SAVEPOINT s%d", q->depth);
	if (pg_simple(q, "savepoint", sql) == -1)
		return -1;
	q->depth++;
	return 0;
}

int
pg_savepoint_end(struct store *s, int ok)
{
	struct pg_store	*q = PG(s);
	char		 sql[64];

	q->depth--;
	if (!ok) {
		pg_held_forget(q, q->depth + 1);
		snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT s%d",
		    q->depth);
		pg_simple(q, "savepoint", sql);
	}
	snprintf(sql, sizeof sql, "RELEASE SAVEPOINT s%d", q->depth);
	if (pg_simple(q, "savepoint", sql) == -1 || !ok)
		return -1;
	return 0;
}

/* The server flushes at COMMIT: there is nothing left for store_sync. */
int
pg_begin_later(struct store *s)
{
	return pg_begin_try(s);
}

int
pg_commit_later(struct store *s)
{
	return pg_commit(s);
}

int
pg_sync(struct store *s)
{
	(void)s;
	return 0;
}

int
pg_deadline(struct store *s, int ms)
{
	struct pg_store	*q = PG(s);
	char		 sql[64];

	q->timed_out = 0;
	q->deadline_ms = ms;
	snprintf(sql, sizeof sql, "SET statement_timeout = %d", ms);
	return pg_simple(q, "deadline", sql);
}

int
pg_timed_out(struct store *s)
{
	return PG(s)->timed_out;
}

void
pg_interrupt(struct store *s)
{
	struct pg_store	*q = PG(s);
	PGcancel	*c;
	char		 err[256];

	if ((c = PQgetCancel(q->conn)) == NULL)
		return;
	PQcancel(c, err, sizeof err);
	PQfreeCancel(c);
}

const struct store_backend store_backend_postgresql = {
	.name = "PostgreSQL",
	.match = pg_match,
	/* pg.c */
	.close = pg_close,
	.set_busy_timeout = pg_set_busy_timeout,
	.set_max_size = pg_set_max_size,
	.checkpointer = pg_checkpointer,
	.set_durable = pg_set_durable,
	.version = pg_version,
	.plan = pg_plan,
	.begin = pg_begin,
	.begin_try = pg_begin_try,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.savepoint = pg_savepoint,
	.savepoint_end = pg_savepoint_end,
	.begin_later = pg_begin_later,
	.commit_later = pg_commit_later,
	.sync = pg_sync,
	.open_reader = pg_open_reader,
	.deadline = pg_deadline,
	.timed_out = pg_timed_out,
	.interrupt = pg_interrupt,
	.open = pg_open,
	/* pg-admin.c */
	.route_secret_get = pg_route_secret_get,
	.route_secret_add = pg_route_secret_add,
	.admin_session_add = pg_admin_session_add,
	.admin_session_get = pg_admin_session_get,
	.admin_session_touch = pg_admin_session_touch,
	.admin_session_end = pg_admin_session_end,
	.admin_session_expire = pg_admin_session_expire,
	.admin_session_list = pg_admin_session_list,
	.audit_add = pg_audit_add,
	.audit_count_subject = pg_audit_count_subject,
	.audit_add_scoped = pg_audit_add_scoped,
	.route_take = pg_route_take,
	/* pg-resident.c */
	.checkin_add = pg_checkin_add,
	.checkin_recent = pg_checkin_recent,
	.checkin_open = pg_checkin_open,
	.checkin_close = pg_checkin_close,
	.checkin_close_all = pg_checkin_close_all,
	.checkin_history = pg_checkin_history,
	.declaration_start = pg_declaration_start,
	.declaration_answer = pg_declaration_answer,
	.declaration_finish = pg_declaration_finish,
	.declaration_last = pg_declaration_last,
	.declaration_flagged = pg_declaration_flagged,
	.session_get = pg_session_get,
	.session_put = pg_session_put,
	.session_clear = pg_session_clear,
	.subscriber_get = pg_subscriber_get,
	.subscriber_set_lang = pg_subscriber_set_lang,
	.subscriber_set_optout = pg_subscriber_set_optout,
	.subscriber_set_help_at = pg_subscriber_set_help_at,
	.resident_get = pg_resident_get,
	.inbound_find = pg_inbound_find,
	.inbound_add = pg_inbound_add,
	.inbound_set_replies = pg_inbound_set_replies,
	.inbound_recent = pg_inbound_recent,
	.inbound_recent_from = pg_inbound_recent_from,
	.inbound_reserve = pg_inbound_reserve,
	.inbound_add_replies = pg_inbound_add_replies,
	.part_add = pg_part_add,
	.part_take = pg_part_take,
	.part_expired = pg_part_expired,
	.part_forget = pg_part_forget,
	.ussd_get = pg_ussd_get,
	.ussd_put = pg_ussd_put,
	.ussd_last = pg_ussd_last,
	.ussd_end = pg_ussd_end,
	.checkin_places = pg_checkin_places,
	.flag_add = pg_flag_add,
	/* pg-outbox.c */
	.outbox_add = pg_outbox_add,
	.outbox_due = pg_outbox_due,
	.outbox_next = pg_outbox_next,
	.outbox_claim = pg_outbox_claim,
	.outbox_sent = pg_outbox_sent,
	.outbox_retry = pg_outbox_retry,
	.outbox_final = pg_outbox_final,
	.outbox_dlr_find = pg_outbox_dlr_find,
	.outbox_dlr_set = pg_outbox_dlr_set,
	.outbox_requeue_sending = pg_outbox_requeue_sending,
	.outbox_get = pg_outbox_get,
	.outbox_list = pg_outbox_list,
	.outbox_requeue = pg_outbox_requeue,
	.outbox_cancel = pg_outbox_cancel,
	.outbox_count = pg_outbox_count,
	.outbox_depth = pg_outbox_depth,
	/* pg-officials.c */
	.venue_insert = pg_venue_insert,
	.venue_by_code = pg_venue_by_code,
	.venue_by_id = pg_venue_by_id,
	.venue_list = pg_venue_list,
	.venue_set_active = pg_venue_set_active,
	.venue_owned_today = pg_venue_owned_today,
	.venue_update = pg_venue_update,
	.venue_by_call_number = pg_venue_by_call_number,
	.venue_set_call_number = pg_venue_set_call_number,
	.venue_call_number = pg_venue_call_number,
	.trace_venue = pg_trace_venue,
	.trace_person = pg_trace_person,
	.trace_contacts = pg_trace_contacts,
	.alert_numbers = pg_alert_numbers,
	.report_oldest = pg_report_oldest,
	.report_day = pg_report_day,
	.report_wards = pg_report_wards,
	.report_inactive = pg_report_inactive,
	.daily_series = pg_daily_series,
	.purge = pg_purge,
	.venue_life = pg_venue_life,
	.venue_set_listed = pg_venue_set_listed,
	.venue_set_code = pg_venue_set_code,
	.venue_commit = pg_venue_commit,
	.venue_coords = pg_venue_coords,
	.inspector_add = pg_inspector_add,
	.inspector_del = pg_inspector_del,
	.inspector_get = pg_inspector_get,
	.inspector_list = pg_inspector_list,
	.inspection_add = pg_inspection_add,
	.inspection_list = pg_inspection_list,
	.inspection_last = pg_inspection_last,
	.registration_add = pg_registration_add,
	.registration_get = pg_registration_get,
	.registration_open = pg_registration_open,
	.registration_set = pg_registration_set,
	.registration_list = pg_registration_list,
	.ward_names = pg_ward_names,
	.flag_list = pg_flag_list,
	.report_life = pg_report_life,
};
