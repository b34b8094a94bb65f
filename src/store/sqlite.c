/*
 * sqlite.c: the store in SQLite: the connection, its statements,
 * transactions and savepoints, the busy timeout, the checkpointer thread,
 * and the backend's table of operations.
 *
 * One connection per process, used from one thread (the daemon's loop, or
 * checkinctl beside it: WAL lets one writer and many readers share the file).
 * Every statement is prepared once at open and reset after each use, so no
 * half-read query keeps an old snapshot (and the WAL) alive between messages.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>
#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

#define STORE_BUSY_TIMEOUT	5000	/* ms: checkinctl and the daemon take turns */
#define STORE_CKPT_MS		100	/* ms between two passive checkpoints */
#define STORE_CKPT_RESTART	4096	/* WAL frames (16 MB) past which it is emptied, */
#define STORE_CKPT_EVERY	3.0	/* ... at most once in this many seconds, */
#define STORE_CKPT_HARD		16384	/* ... and at once past these (64 MB) */
#define STORE_CKPT_WAIT_MS	50	/* ms emptying it may wait for the writer and readers */
#define STORE_DAYS_WAIT_MS	200	/* ms opening may wait to make the days */
#define STORE_DIR_MODE		0750
#define STORE_FILE_MODE		0640	/* personal data: not world-readable */

const struct sqlite_sql sqlite_base_sql[] = {
	{ STMT_BEGIN, "BEGIN IMMEDIATE" },
	{ STMT_COMMIT, "COMMIT" },
	{ STMT_ROLLBACK, "ROLLBACK" },
	/* Makes a multi-statement call atomic with or without a transaction. */
	{ STMT_SAVEPOINT, "SAVEPOINT store_call" },
	{ STMT_RELEASE, "RELEASE store_call" },
	{ STMT_ROLLBACK_TO, "ROLLBACK TO store_call" },
	{ STMT_VERSION, "PRAGMA user_version" },
	/* Changes when another connection commits (not this one). */
	{ STMT_DATA_VERSION, "PRAGMA data_version" },
	/* Around the one commit whose flush is left to sqlite_sync. */
	{ STMT_SYNC_NORMAL, "PRAGMA synchronous = NORMAL" },
	{ STMT_SYNC_FULL, "PRAGMA synchronous = FULL" },
	{ STMT_COUNT, NULL },
};

struct sqlite_store {
	struct store	 store;		/* first: the operations */
	sqlite3		*db;
	sqlite3_stmt	*stmt[STMT_COUNT];
	char		*path;
	struct sqlite_txn txn;
	int64_t		 data_version;	/* as seen at the last BEGIN */
	struct sqlite_days *days;	/* check-ins' and messages' day tables */

	/*
	 * Commits flushed by sqlite_sync (sqlite_commit_later): walfd is
	 * the WAL opened again, for fdatasync.
	 */
	int		 full;		/* durability = full */
	int		 walfd;
	int		 normal;	/* this transaction is at NORMAL */

	/* The checkpointer: a thread with its own connection. */
	pthread_t	 ckpt;
	int		 ckpt_running;
	int		 ckpt_stop;
	pthread_mutex_t	 ckpt_mu;
	pthread_cond_t	 ckpt_cv;

	/* A reader's connection: statements past the deadline are interrupted. */
	double		 deadline;	/* num_mono() seconds, 0: none */
	int		 timed_out;	/* the last deadline interrupted a statement */

	/* The daemon's wait for a lock: sqlite_busy. */
	double		 busy_s;	/* seconds */
	double		 busy_since;	/* num_mono() of this wait's first call */
};

/* Every subject's statements, prepared at open. */
static const struct sqlite_sql *const sqlite_sql_tables[] = {
	sqlite_base_sql,
	sqlite_venue_sql,
	sqlite_checkin_sql,
	sqlite_inbound_sql,
	sqlite_outbox_sql,
	sqlite_report_sql,
	sqlite_purge_sql,
	sqlite_secret_sql,
	sqlite_admin_session_sql,
	sqlite_aggregate_sql,
	sqlite_ward_sql,
};

/* The SQLite store a store of this backend is. */
static struct sqlite_store *
sqlite_of(struct store *s)
{
	return (struct sqlite_store *)s;
}

/* What the transaction in progress keeps in memory. */
struct sqlite_txn *
sqlite_txn(struct store *s)
{
	return &sqlite_of(s)->txn;
}

/*
 * The connection's day tables (sqlite-days.c): read again before a use
 * outside a transaction; a transaction reads them at its start.
 */
struct sqlite_days *
sqlite_days(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);

	if (q->days == NULL)
		q->days = sqlite_days_new(q->db);
	if (!q->txn.open) {
		sqlite_days_load(q->days);	/* (an error: logged, days as known) */
		sqlite_days_changed(q->days);
	}
	return q->days;
}

/*
 * A writer's days: the tables of the days about now made if missing, the
 * views over every day made again if a day was made or dropped meanwhile
 * (by another program, or a test's fixture). Not done, with a warning,
 * if the write lock is not free at once or the file is full: rows of a
 * day without a table go to the default, and each purge makes the days.
 */
static void
sqlite_days_open(struct sqlite_store *s)
{
	int	rc;

	s->days = sqlite_days_new(s->db);
	if ((rc = sqlite_days_make(s->days, time(NULL), 1)) == 0)
		return;
	sqlite3_busy_timeout(s->db, STORE_DAYS_WAIT_MS);
	if (rc == -1 ||
	    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite_days_make(s->days, time(NULL), 0) == -1 ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	return;
fail:
	log_warnx("store: day tables not made now: %s", sqlite3_errmsg(s->db));
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
}

/* Log the connection's last error for what we were doing. */
void
sqlite_error(struct store *s, const char *what)
{
	struct sqlite_store	*q = sqlite_of(s);

	log_warnx("store: %s error=\"%s\"", what, sqlite3_errmsg(q->db));
}

/* A prepared statement, reset and with its bindings cleared. */
sqlite3_stmt *
sqlite_stmt(struct store *s, enum sqlite_stmt_id id)
{
	struct sqlite_store	*q = sqlite_of(s);
	sqlite3_stmt		*st = q->stmt[id];

	sqlite_done(st);
	return st;
}

/* The row id of the last INSERT. */
int64_t
sqlite_last_id(struct store *s)
{
	return sqlite3_last_insert_rowid(sqlite_of(s)->db);
}

/* How many rows the last INSERT, UPDATE or DELETE changed. */
int
sqlite_changes(struct store *s)
{
	return sqlite3_changes(sqlite_of(s)->db);
}

/* Reset after use, so no read stays open and keeps an old snapshot. */
void
sqlite_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
sqlite_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

int
sqlite_bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	return sqlite3_bind_int64(st, i, v);
}

/* Bind an id or a time where 0 means "none" and is stored as NULL. */
int
sqlite_bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, v);
}

/* A text column as a C string, "" for NULL; valid until the next step. */
const char *
sqlite_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char	*p = sqlite3_column_text(st, i);

	return p == NULL ? "" : (const char *)p;
}

/* A text column copied into a fixed buffer. */
void
sqlite_col_copy(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", sqlite_col_text(st, i));
}

/* Run a statement that returns no rows; 0 or -1 (logged). */
int
sqlite_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sqlite_error(s, what);
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

/*
 * Step a lookup once: 1 with the row left current (the caller reads it and
 * calls sqlite_done), 0 when there is none, -1 on error (logged).
 */
int
sqlite_row(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		sqlite_error(s, what);
	sqlite_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A single integer from a one-row statement; NULL is 0. */
int
sqlite_value(struct store *s, sqlite3_stmt *st, const char *what, int64_t *v,
    int *null)
{
	int	rc;

	*v = 0;
	if (null != NULL)
		*null = 1;
	if ((rc = sqlite_row(s, st, what)) != 1)
		return rc == 0 ? 0 : -1;
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*v = sqlite3_column_int64(st, 0);
		if (null != NULL)
			*null = 0;
	}
	sqlite_done(st);
	return 0;
}

/* Create the folder that will hold path, and its parents (mkdir -p). */
static int
sqlite_mkdirs(const char *path, char *err, size_t errlen)
{
	char	*dir, *p;
	int	 last, rc = 0;

	if ((p = strrchr(path, '/')) == NULL || p == path)
		return 0;
	dir = xstrndup(path, p - path);
	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(dir, STORE_DIR_MODE) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			rc = -1;
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(dir);
	return rc;
}

/*
 * Create the database file ourselves when it is missing, so it (and the WAL
 * and shared-memory files SQLite derives from it) is not world-readable.
 * An existing file is never opened here: closing a descriptor of it would
 * drop every POSIX lock this process holds on it (the other connections'
 * too), and another process closing its last connection would then think
 * itself the last one and delete the WAL under our feet.
 */
static int
sqlite_create_file(const char *path, char *err, size_t errlen)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, STORE_FILE_MODE);
	if (fd == -1 && errno == EEXIST)
		return 0;
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * A pragma or other one-off statement run at open; its first value as text.
 * Switching a fresh file to WAL while another process opens it too can fail
 * with SQLITE_BUSY at once (SQLite skips the busy handler where waiting could
 * deadlock), so a busy statement is retried here for the busy timeout.
 */
int
sqlite_pragma(sqlite3 *db, const char *sql, char *out, size_t outlen)
{
	sqlite3_stmt	*st;
	int		 rc, waited = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE &&
	    (rc & 0xff) == SQLITE_BUSY && waited < STORE_BUSY_TIMEOUT) {
		sqlite3_reset(st);
		sqlite3_sleep(10);
		waited += 10;
	}
	if (out != NULL && outlen > 0) {
		if (rc == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
			snprintf(out, outlen, "%s", sqlite3_column_text(st, 0));
		else
			out[0] = '\0';
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

struct store *
sqlite_open(const char *path, char *err, size_t errlen)
{
	static const char *const pragmas[] = {
		/* Every commit reaches the disk before a message is acknowledged. */
		"PRAGMA synchronous = FULL",
		/* 32 MB of pages: a check-in's lookups hit memory, not pread(). */
		"PRAGMA cache_size = -32768",
		/*
		 * A message's savepoint journals the pages it changes; kept on
		 * a temporary file past 64 KiB, that is two write(2) a page.
		 */
		"PRAGMA temp_store = MEMORY",
		"PRAGMA foreign_keys = ON",
	};
	const struct sqlite_sql	*t;
	struct sqlite_store	*s;
	char			 mode[16];
	int			 memory;
	size_t			 i;

	memory = strcmp(path, ":memory:") == 0;
	if (!memory) {
		if (sqlite_mkdirs(path, err, errlen) == -1)
			return NULL;
		if (sqlite_create_file(path, err, errlen) == -1)
			return NULL;
	}

	s = xcalloc(1, sizeof *s);
	s->store.ops = &store_backend_sqlite;
	s->full = 1;
	s->walfd = -1;
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    sqlite_walbuf_vfs()) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);

	if (sqlite_pragma(s->db, "PRAGMA journal_mode = WAL", mode,
	    sizeof mode) == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (!memory && strcasecmp(mode, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot use WAL (journal mode %s)",
		    path, mode);
		goto fail;
	}
	for (i = 0; i < nitems(pragmas); i++) {
		if (sqlite_pragma(s->db, pragmas[i], NULL, 0) == -1) {
			snprintf(err, errlen, "%s: %s", path,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}

	if (sqlite_schema_migrate(s->db, err, errlen) == -1)
		goto fail;
	sqlite_days_open(s);

	for (i = 0; i < nitems(sqlite_sql_tables); i++) {
		for (t = sqlite_sql_tables[i]; t->sql != NULL; t++) {
			if (sqlite3_prepare_v3(s->db, t->sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &s->stmt[t->id],
			    NULL) != SQLITE_OK) {
				snprintf(err, errlen, "preparing \"%s\": %s",
				    t->sql, sqlite3_errmsg(s->db));
				goto fail;
			}
		}
	}
	for (i = 0; i < STMT_COUNT; i++) {
		if (s->stmt[i] == NULL) {
			snprintf(err, errlen, "statement %zu has no SQL", i);
			goto fail;
		}
	}
	return &s->store;

fail:
	sqlite_close(&s->store);
	return NULL;
}

/* SQLite's progress handler of a reader: 1 interrupts the statement. */
static int
sqlite_progress(void *arg)
{
	struct sqlite_store	*q = arg;

	if (q->deadline > 0 && num_mono() > q->deadline) {
		q->timed_out = 1;
		return 1;
	}
	return 0;
}

/*
 * A connection for reads only, for a reader thread of the daemon: opened
 * read-only (and query_only), never migrating (the daemon's own
 * connection did), with a progress handler that interrupts a statement
 * running past the deadline (sqlite_deadline). WAL lets it read a
 * snapshot beside the writer without blocking it.
 */
struct store *
sqlite_open_reader(const char *path, char *err, size_t errlen)
{
	const struct sqlite_sql	*t;
	struct sqlite_store	*s;
	size_t			 i;

	if (strcmp(path, ":memory:") == 0) {
		snprintf(err, errlen, "an in-memory database has no readers");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->store.ops = &store_backend_sqlite;
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	if (sqlite_pragma(s->db, "PRAGMA query_only = 1", NULL, 0) == -1 ||
	    sqlite_pragma(s->db, "PRAGMA cache_size = -16384", NULL, 0) == -1 ||
	    sqlite_aggregates_functions(s->db) == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	for (i = 0; i < nitems(sqlite_sql_tables); i++) {
		for (t = sqlite_sql_tables[i]; t->sql != NULL; t++) {
			if (sqlite3_prepare_v3(s->db, t->sql, -1,
			    SQLITE_PREPARE_PERSISTENT, &s->stmt[t->id],
			    NULL) != SQLITE_OK) {
				snprintf(err, errlen, "preparing \"%s\": %s",
				    t->sql, sqlite3_errmsg(s->db));
				goto fail;
			}
		}
	}
	sqlite3_progress_handler(s->db, 1000, sqlite_progress, s);
	return &s->store;

fail:
	sqlite_close(&s->store);
	return NULL;
}

/* Interrupt the statements that run past ms from now (0: no deadline). */
int
sqlite_deadline(struct store *s, int ms)
{
	struct sqlite_store	*q = sqlite_of(s);

	q->timed_out = 0;
	q->deadline = ms > 0 ? num_mono() + ms / 1e3 : 0;
	return 0;
}

/* Interrupt the statement running now; safe from any thread. */
void
sqlite_interrupt(struct store *s)
{
	sqlite3_interrupt(sqlite_of(s)->db);
}

/* 1 if a statement was interrupted by the deadline since it was set. */
int
sqlite_timed_out(struct store *s)
{
	return sqlite_of(s)->timed_out;
}

/*
 * The daemon's busy handler: try again every millisecond until the busy
 * timeout has passed. SQLite's own sleeps grow to 100 ms, so a lock freed
 * just after one began would be found that much later by a check-in.
 */
static int
sqlite_busy(void *arg, int calls)
{
	struct sqlite_store	*q = arg;
	double			 now = num_mono();

	if (calls == 0)
		q->busy_since = now;
	else if (now - q->busy_since >= q->busy_s)
		return 0;
	sqlite3_sleep(1);
	return 1;
}

void
sqlite_set_busy_timeout(struct store *s, int ms)
{
	struct sqlite_store	*q = sqlite_of(s);

	q->busy_s = ms / 1e3;
	sqlite3_busy_handler(q->db, sqlite_busy, q);
}

int
sqlite_set_max_size(struct store *s, int64_t bytes)
{
	struct sqlite_store	*q = sqlite_of(s);
	char			 sql[96], out[32];

	if (bytes <= 0)
		return 0;
	/* Whole pages, at least one: SQLite answers SQLITE_FULL beyond it. */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
	    (long long)(bytes / 4096 > 0 ? bytes / 4096 : 1));
	return sqlite_pragma(q->db, sql, out, sizeof out);
}

/* Seconds on the monotonic clock. */
static double
sqlite_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The checkpointer's loop: every STORE_CKPT_MS, copy what the WAL holds back
 * into the database file (PASSIVE: never waits for, nor blocks, a writer).
 */
static void *
sqlite_checkpointer_run(void *arg)
{
	struct sqlite_store	*s = arg;
	struct timespec		 ts;
	sqlite3			*db = NULL;
	double			 emptied = 0;
	int			 stop = 0, nlog;

	if (sqlite3_open_v2(s->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		log_warnx("store: checkpointer cannot open the database");
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT);
	/*
	 * A connection that has read nothing has not opened the WAL: before
	 * SQLite 3.42 a checkpoint on it does nothing at all (*pnLog = -1).
	 */
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
	    NULL) != SQLITE_OK)
		log_warnx("store: checkpointer: %s", sqlite3_errmsg(db));
	while (!stop) {
		pthread_mutex_lock(&s->ckpt_mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += STORE_CKPT_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (!s->ckpt_stop)
			pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &ts);
		stop = s->ckpt_stop;
		pthread_mutex_unlock(&s->ckpt_mu);
		if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    &nlog, NULL) != SQLITE_OK || nlog < STORE_CKPT_RESTART)
			continue;
		if (nlog < STORE_CKPT_HARD && sqlite_mono() - emptied < STORE_CKPT_EVERY)
			continue;
		/*
		 * Under steady load a PASSIVE checkpoint never finds the WAL
		 * idle, no commit starts it again from the beginning, and it
		 * grows without bound. Once it is long, TRUNCATE: copy the
		 * rest and cut the file to nothing, here, so that the loop's
		 * next commit neither rewinds nor trims a large file (a 1 GB
		 * WAL took a purge chunk 1.3 s to trim). Writers wait while it
		 * runs (from a timer, INBOUND_LOCK_WAIT, not on the loop), so
		 * it runs rarely: at most once in STORE_CKPT_EVERY seconds,
		 * unless the WAL passes STORE_CKPT_HARD frames; the passive
		 * checkpoints have copied nearly everything by then, so it is
		 * short. It waits a little for the loop's commit in progress,
		 * but not long: while it waits for a reader (a long checkinctl
		 * export) no writer may commit. It is tried again in
		 * STORE_CKPT_MS.
		 */
		sqlite3_busy_timeout(db, STORE_CKPT_WAIT_MS);
		if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
		    NULL, NULL) == SQLITE_OK)
			emptied = sqlite_mono();
		sqlite3_busy_timeout(db, STORE_BUSY_TIMEOUT);
	}
	sqlite3_close_v2(db);
	return NULL;
}

int
sqlite_checkpointer(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);

	if (q->ckpt_running || strcmp(q->path, ":memory:") == 0)
		return 0;
	pthread_mutex_init(&q->ckpt_mu, NULL);
	pthread_cond_init(&q->ckpt_cv, NULL);
	if (pthread_create(&q->ckpt, NULL, sqlite_checkpointer_run, q) != 0) {
		log_warn("store: cannot start the checkpointer");
		return -1;
	}
	q->ckpt_running = 1;
	/* From now on commits only append to the WAL; the thread writes back. */
	if (sqlite_pragma(q->db, "PRAGMA wal_autocheckpoint = 0", NULL, 0) == -1) {
		sqlite_error(s, "wal_autocheckpoint");
		return -1;
	}
	return 0;
}

int
sqlite_set_durable(struct store *s, int full)
{
	struct sqlite_store	*q = sqlite_of(s);

	q->full = full;
	if (sqlite_pragma(q->db, full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", NULL, 0) == -1) {
		sqlite_error(s, "synchronous");
		return -1;
	}
	return 0;
}

/*
 * How many statements this connection ran, from SQLite's own counters
 * (scripts/bench divides them by the check-ins stored).
 */
static void
sqlite_log_runs(struct sqlite_store *q)
{
	unsigned long long	 runs = sqlite_days_runs(q->days);
	size_t			 i;

	for (i = 0; i < STMT_COUNT; i++) {
		if (q->stmt[i] != NULL)
			runs += (unsigned)sqlite3_stmt_status(q->stmt[i],
			    SQLITE_STMTSTATUS_RUN, 0);
	}
	if (runs == 0)
		return;
	log_info("store: statements=%llu commits=%d", runs,
	    q->stmt[STMT_COMMIT] != NULL ? sqlite3_stmt_status(q->stmt[STMT_COMMIT],
	    SQLITE_STMTSTATUS_RUN, 0) : 0);
}

void
sqlite_close(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);
	size_t			 i;

	if (q->ckpt_running) {
		pthread_mutex_lock(&q->ckpt_mu);
		q->ckpt_stop = 1;
		pthread_cond_signal(&q->ckpt_cv);
		pthread_mutex_unlock(&q->ckpt_mu);
		pthread_join(q->ckpt, NULL);
		pthread_mutex_destroy(&q->ckpt_mu);
		pthread_cond_destroy(&q->ckpt_cv);
	}
	if (q->walfd != -1)
		close(q->walfd);
	free(q->path);
	sqlite_venues_free(&q->txn);
	free(q->txn.bumps);
	free(q->txn.marks);
	sqlite_log_runs(q);
	sqlite_days_free(q->days);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(q->stmt[i]);
	if (q->db != NULL && sqlite3_close_v2(q->db) != SQLITE_OK)
		log_warnx("store: close error=\"%s\"", sqlite3_errmsg(q->db));
	free(q);
}

int
sqlite_version(struct store *s)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VERSION);
	int		 v, rc;

	if ((rc = sqlite_row(s, st, "version")) != 1)
		return -1;
	v = sqlite3_column_int(st, 0);
	sqlite_done(st);
	return v;
}

/*
 * A transaction has begun and holds the write lock: what is held in memory
 * stays valid unless another connection committed since the last one.
 */
static int
sqlite_txn_begin(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);
	int64_t			 v;

	if (sqlite_value(s, sqlite_stmt(s, STMT_DATA_VERSION), "data version",
	    &v, NULL) == -1) {
		sqlite_rollback(s);
		return -1;
	}
	if (v != q->data_version) {
		sqlite_venues_clear(&q->txn);
		q->txn.inbound_next = 0;
		q->data_version = v;
		if (q->days != NULL)
			sqlite_days_changed(q->days);
	}
	if (q->days != NULL && sqlite_days_load(q->days) == -1) {
		sqlite_rollback(s);
		return -1;
	}
	q->txn.open = 1;
	q->txn.nbumps = 0;
	q->txn.nmarks = 0;
	return 0;
}

/* The transaction ended: nothing it held is pending any more. */
static void
sqlite_txn_end(struct store *s, int committed)
{
	struct sqlite_store	*q = sqlite_of(s);
	struct sqlite_txn	*t = &q->txn;

	t->open = 0;
	t->nbumps = 0;
	t->nmarks = 0;
	if (q->normal && sqlite3_get_autocommit(q->db)) {
		q->normal = 0;
		if (sqlite_run(s, sqlite_stmt(s, STMT_SYNC_FULL), "synchronous") == -1)
			log_warnx("store: commits may not reach the disk");
	}
	if (!committed) {
		/* Venues it changed and cached are undone. */
		sqlite_venues_clear(t);
	}
}

int
sqlite_begin(struct store *s)
{
	if (sqlite_run(s, sqlite_stmt(s, STMT_BEGIN), "begin") == -1)
		return -1;
	return sqlite_txn_begin(s);
}

int
sqlite_begin_try(struct store *s)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_BEGIN);
	int		 rc;

	rc = sqlite3_step(st);
	sqlite_done(st);
	if (rc == SQLITE_DONE)
		return sqlite_txn_begin(s);
	if (rc == SQLITE_BUSY)
		return 1;	/* not an error: another connection writes */
	sqlite_error(s, "begin");
	return -1;
}

/*
 * The group's daily_stats bumps go in first (a failure leaves it open). A
 * transaction of sqlite_begin_later is flushed here unless later.
 */
static int
sqlite_commit_do(struct store *s, int later)
{
	struct sqlite_store	*q = sqlite_of(s);
	int			 normal = q->normal;

	if (q->txn.open && sqlite_stats_flush(s) == -1)
		return -1;
	if (sqlite_run(s, sqlite_stmt(s, STMT_COMMIT), "commit") == -1)
		return -1;
	sqlite_txn_end(s, 1);
	if (normal && !later)
		return sqlite_sync(s);
	return 0;
}

int
sqlite_commit(struct store *s)
{
	return sqlite_commit_do(s, 0);
}

/*
 * As sqlite_begin_try, for a transaction whose commit may leave the flush
 * to sqlite_sync (sqlite_commit_later): it runs at synchronous = NORMAL
 * (its WAL frames are written at commit, not flushed; SQLite changes the
 * level only outside a transaction), and FULL comes back when it ends.
 * Every other transaction stays FULL, and so does the checkpointer's
 * connection: it flushes the WAL before it copies frames into the
 * database file. If the WAL cannot be opened again for fdatasync, or
 * durability is not full, this is sqlite_begin_try.
 */
int
sqlite_begin_later(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);
	char			*wal;
	int			 rc;

	if (q->full && q->walfd == -1 && strcmp(q->path, ":memory:") != 0) {
		xasprintf(&wal, "%s-wal", q->path);
		q->walfd = open(wal, O_RDWR | O_CLOEXEC);
		free(wal);
	}
	if (!q->full || q->walfd == -1)
		return sqlite_begin_try(s);
	if (sqlite_run(s, sqlite_stmt(s, STMT_SYNC_NORMAL), "synchronous") == -1)
		return -1;
	q->normal = 1;
	if ((rc = sqlite_begin_try(s)) != 0) {
		q->normal = 0;
		if (sqlite_run(s, sqlite_stmt(s, STMT_SYNC_FULL), "synchronous") == -1)
			return -1;
	}
	return rc;
}

int
sqlite_commit_later(struct store *s)
{
	return sqlite_commit_do(s, 1);
}

/*
 * Flush what was committed to disk; any thread: it reads walfd alone,
 * opened on the loop before the first commit it may follow and never
 * changed until the store is closed. Not open: every commit flushed itself.
 */
int
sqlite_sync(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);

	if (q->walfd == -1)
		return 0;
	if (fdatasync(q->walfd) == -1) {
		log_warn("store: flushing the WAL");
		return -1;
	}
	return 0;
}

void
sqlite_rollback(struct store *s)
{
	struct sqlite_store	*q = sqlite_of(s);
	sqlite3_stmt		*st;

	if (!sqlite3_get_autocommit(q->db)) {
		st = sqlite_stmt(s, STMT_ROLLBACK);
		if (sqlite3_step(st) != SQLITE_DONE)
			log_debug("store: rollback error=\"%s\"",
			    sqlite3_errmsg(q->db));
		sqlite_done(st);
	}
	/* (no transaction: SQLite may have ended it) */
	sqlite_txn_end(s, 0);
}

/* Open a savepoint around a call that runs several statements. */
int
sqlite_savepoint(struct store *s)
{
	struct sqlite_txn	*t = &sqlite_of(s)->txn;

	if (sqlite_run(s, sqlite_stmt(s, STMT_SAVEPOINT), "savepoint") == -1)
		return -1;
	if (t->open) {
		if (t->nmarks == t->marksmax) {
			t->marksmax = t->marksmax ? 2 * t->marksmax : 8;
			t->marks = xreallocarray(t->marks, t->marksmax,
			    sizeof *t->marks);
		}
		t->marks[t->nmarks++] = t->nbumps;
	}
	return 0;
}

/* Close the savepoint: keep its work (ok) or undo it. */
int
sqlite_savepoint_end(struct store *s, int ok)
{
	struct sqlite_txn	*t = &sqlite_of(s)->txn;

	if (t->open && t->nmarks > 0) {
		t->nmarks--;
		if (!ok) {
			if (t->marks[t->nmarks] < t->nbumps)
				t->nbumps = t->marks[t->nmarks];
			sqlite_venues_clear(t);
		}
	}
	if (ok)
		return sqlite_run(s, sqlite_stmt(s, STMT_RELEASE), "release");
	sqlite_run(s, sqlite_stmt(s, STMT_ROLLBACK_TO), "rollback to");
	sqlite_run(s, sqlite_stmt(s, STMT_RELEASE), "release");
	return -1;
}

/* Statements whose query plans sqlite_plan() shows, by name. */
static const struct sqlite_named {
	const char	*name;
	enum sqlite_stmt_id	 stmt;
} sqlite_named[] = {
	{ "trace_venue", STMT_TRACE_VENUE },
	{ "trace_person", STMT_TRACE_PERSON },
	{ "trace_contacts", STMT_TRACE_CONTACTS },
	{ "trace_contacts_b", STMT_TRACE_CONTACTS_B },
	{ "alert_numbers", STMT_ALERT_NUMBERS },
	{ "report_kept_from", STMT_REPORT_KEPT_FROM },
	{ "report_day_stats", STMT_REPORT_DAY_STATS },
	{ "report_wards", STMT_REPORT_WARDS },
	{ "report_inactive", STMT_REPORT_INACTIVE },
	{ "daily_series", STMT_DAILY_SERIES },
	{ "purge_checkins", STMT_PURGE_CHECKINS },
	{ "purge_answers", STMT_PURGE_ANSWERS },
	{ "purge_declarations", STMT_PURGE_DECLARATIONS },
	{ "purge_inbound", STMT_PURGE_INBOUND },
	{ "purge_outbox", STMT_PURGE_OUTBOX },
	{ "purge_ussd", STMT_PURGE_USSD },
	{ "purge_sessions", STMT_PURGE_SESSIONS },
	{ "admin_session_get", STMT_ADMIN_SESSION_GET },
	{ "declaration_flagged", STMT_DECL_FLAGGED },
	{ "outbox_depth", STMT_OUTBOX_DEPTH },
	{ "ussd_last", STMT_USSD_LAST },
};

int
sqlite_plan(struct store *s, const char *name, char *buf, size_t len)
{
	struct sqlite_store	*q = sqlite_of(s);
	sqlite3_stmt		*st;
	char			*sql;
	size_t			 i;
	int			 rc;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < nitems(sqlite_named); i++) {
		if (strcmp(sqlite_named[i].name, name) == 0)
			break;
	}
	if (i == nitems(sqlite_named))
		return 0;
	xasprintf(&sql, "EXPLAIN QUERY PLAN %s",
	    sqlite3_sql(q->stmt[sqlite_named[i].stmt]));
	rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		sqlite_error(s, "plan");
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strlcat(buf, sqlite_col_text(st, 3), len);
		strlcat(buf, "; ", len);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		sqlite_error(s, "plan");
		return -1;
	}
	return 1;
}

/* A path (or ":memory:"): anything that is not a URI. */
static int
sqlite_match(const char *database)
{
	return strstr(database, "://") == NULL;
}

const struct store_backend store_backend_sqlite = {
	.name = "SQLite",
	.match = sqlite_match,

	.open = sqlite_open,
	.close = sqlite_close,
	.set_busy_timeout = sqlite_set_busy_timeout,
	.set_max_size = sqlite_set_max_size,
	.checkpointer = sqlite_checkpointer,
	.set_durable = sqlite_set_durable,
	.version = sqlite_version,
	.plan = sqlite_plan,

	.begin = sqlite_begin,
	.begin_try = sqlite_begin_try,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.savepoint = sqlite_savepoint,
	.savepoint_end = sqlite_savepoint_end,
	.begin_later = sqlite_begin_later,
	.commit_later = sqlite_commit_later,
	.sync = sqlite_sync,
	.venue_insert = sqlite_venue_insert,
	.venue_by_code = sqlite_venue_by_code,
	.venue_by_id = sqlite_venue_by_id,
	.venue_list = sqlite_venue_list,
	.venue_set_active = sqlite_venue_set_active,
	.venue_owned_today = sqlite_venue_owned_today,
	.venue_update = sqlite_venue_update,
	.venue_by_call_number = sqlite_venue_by_call_number,
	.venue_set_call_number = sqlite_venue_set_call_number,
	.venue_call_number = sqlite_venue_call_number,
	.checkin_add = sqlite_checkin_add,
	.checkin_recent = sqlite_checkin_recent,
	.checkin_open = sqlite_checkin_open,
	.checkin_close = sqlite_checkin_close,
	.checkin_close_all = sqlite_checkin_close_all,
	.checkin_history = sqlite_checkin_history,
	.declaration_start = sqlite_declaration_start,
	.declaration_answer = sqlite_declaration_answer,
	.declaration_finish = sqlite_declaration_finish,
	.declaration_last = sqlite_declaration_last,
	.declaration_flagged = sqlite_declaration_flagged,
	.session_get = sqlite_session_get,
	.session_put = sqlite_session_put,
	.session_clear = sqlite_session_clear,
	.subscriber_get = sqlite_subscriber_get,
	.subscriber_set_lang = sqlite_subscriber_set_lang,
	.subscriber_set_optout = sqlite_subscriber_set_optout,
	.subscriber_set_help_at = sqlite_subscriber_set_help_at,
	.resident_get = sqlite_resident_get,
	.inbound_find = sqlite_inbound_find,
	.inbound_add = sqlite_inbound_add,
	.inbound_set_replies = sqlite_inbound_set_replies,
	.inbound_recent = sqlite_inbound_recent,
	.inbound_recent_from = sqlite_inbound_recent_from,
	.inbound_reserve = sqlite_inbound_reserve,
	.inbound_add_replies = sqlite_inbound_add_replies,
	.part_add = sqlite_part_add,
	.part_take = sqlite_part_take,
	.part_expired = sqlite_part_expired,
	.part_forget = sqlite_part_forget,
	.ussd_get = sqlite_ussd_get,
	.ussd_put = sqlite_ussd_put,
	.ussd_last = sqlite_ussd_last,
	.ussd_end = sqlite_ussd_end,
	.route_secret_get = sqlite_route_secret_get,
	.route_secret_add = sqlite_route_secret_add,
	.outbox_add = sqlite_outbox_add,
	.outbox_due = sqlite_outbox_due,
	.outbox_next = sqlite_outbox_next,
	.outbox_claim = sqlite_outbox_claim,
	.outbox_sent = sqlite_outbox_sent,
	.outbox_retry = sqlite_outbox_retry,
	.outbox_final = sqlite_outbox_final,
	.outbox_dlr_find = sqlite_outbox_dlr_find,
	.outbox_dlr_set = sqlite_outbox_dlr_set,
	.outbox_requeue_sending = sqlite_outbox_requeue_sending,
	.outbox_get = sqlite_outbox_get,
	.outbox_list = sqlite_outbox_list,
	.outbox_requeue = sqlite_outbox_requeue,
	.outbox_cancel = sqlite_outbox_cancel,
	.outbox_count = sqlite_outbox_count,
	.outbox_depth = sqlite_outbox_depth,
	.trace_venue = sqlite_trace_venue,
	.trace_person = sqlite_trace_person,
	.trace_contacts = sqlite_trace_contacts,
	.alert_numbers = sqlite_alert_numbers,
	.audit_add = sqlite_audit_add,
	.audit_count_subject = sqlite_audit_count_subject,
	.report_oldest = sqlite_report_oldest,
	.report_day = sqlite_report_day,
	.report_wards = sqlite_report_wards,
	.report_inactive = sqlite_report_inactive,
	.daily_series = sqlite_daily_series,
	.admin_session_add = sqlite_admin_session_add,
	.admin_session_get = sqlite_admin_session_get,
	.admin_session_touch = sqlite_admin_session_touch,
	.admin_session_end = sqlite_admin_session_end,
	.admin_session_expire = sqlite_admin_session_expire,
	.admin_session_list = sqlite_admin_session_list,
	.purge = sqlite_purge,
	.open_reader = sqlite_open_reader,
	.deadline = sqlite_deadline,
	.timed_out = sqlite_timed_out,
	.interrupt = sqlite_interrupt,
	.venue_life = sqlite_venue_life,
	.venue_set_listed = sqlite_venue_set_listed,
	.venue_set_code = sqlite_venue_set_code,
	.venue_commit = sqlite_venue_commit,
	.venue_coords = sqlite_venue_coords,
	.inspector_add = sqlite_inspector_add,
	.inspector_del = sqlite_inspector_del,
	.inspector_get = sqlite_inspector_get,
	.inspector_list = sqlite_inspector_list,
	.inspection_add = sqlite_inspection_add,
	.inspection_list = sqlite_inspection_list,
	.inspection_last = sqlite_inspection_last,
	.registration_add = sqlite_registration_add,
	.registration_get = sqlite_registration_get,
	.registration_open = sqlite_registration_open,
	.registration_set = sqlite_registration_set,
	.registration_list = sqlite_registration_list,
	.ward_names = sqlite_ward_names,
	.checkin_places = sqlite_checkin_places,
	.flag_add = sqlite_flag_add,
	.flag_list = sqlite_flag_list,
	.report_life = sqlite_report_life,
	.audit_add_scoped = sqlite_audit_add_scoped,
	.route_take = sqlite_route_take,
};
