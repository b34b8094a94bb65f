/*
 * sqlite-days.c: check-ins and inbound messages in day tables, in SQLite.
 *
 * A check-in is kept in the table of its UTC day, checkins_dN (N =
 * sent_at / 86400), an inbound message in inbound_dN (by received_at),
 * as PostgreSQL keeps them in day partitions. The purge drops a day's
 * table whole: SQLite frees its pages without visiting its rows one by one
 * through indexes in other orders than time (the number's, the venue's,
 * the aggregator's ids), which is what made deleting rows cost a page
 * written a row. NAME_default keeps the rows stored before the day tables
 * (schema 12) and any row whose day has no table (a day not made yet, or
 * dropped); it is purged row by row, as before.
 *
 * Days are made yesterday .. SQLITE_DAYS_AHEAD days ahead when a writer
 * opens the file and at each purge, as copies of NAME_default (its
 * columns and its indexes, an index X of the default as X_dN); a later
 * migration changing the default's columns must change every NAME_dN
 * too (the view reads them all as one). At most SQLITE_DAYS_MAX days a
 * table have tables (a view has at most 500 terms): past that, with a
 * retention of over a year, rows of the newer days go to the default.
 * The view NAME reads the default and every day (the officials' queries
 * on the reader threads, and anyone's SQL); its INSTEAD OF triggers put
 * rows inserted through it into the default. The resident's path reads
 * only the days its question can reach, with statements prepared a day at
 * a time (sqlite_day_stmt) and kept for the few days in use.
 *
 * Ids of a day's rows are N << 32 and a count within the day, so that an
 * id tells its table; the default's stay below 1 << 32.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "base/buf.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

#define SQLITE_DAY_SECONDS	86400
#define SQLITE_DAYS_AHEAD	3	/* days made ahead of today */
#define SQLITE_DAYS_MAX		400	/* days a table kept in day tables */
#define SQLITE_DAY_ID_BITS	32

/* The tables kept by day: the view's name and the time that picks a day. */
static const struct sqlite_days_table {
	const char	*name;
	const char	*time;
} sqlite_days_tables[SQLITE_DAYS_KINDS] = {
	[DAYS_CHECKINS] = { "checkins", "sent_at" },
	[DAYS_INBOUND] = { "inbound", "received_at" },
};

#define CHECKIN_COLUMNS \
	"id, venue_id, number, companions, sent_at, received_at, checked_out_at"

/*
 * The statements run on one day's table (or the default): @T the table,
 * @S its indexes' suffix, @F its first id less one, @E the end of its ids
 * (sqlite_day_sql_expand). A new id is the table's highest in its range
 * plus one: a look at the b-tree's last leaf.
 */
static const struct sqlite_day_sql {
	enum sqlite_day_stmt_id	 id;
	enum sqlite_days_kind	 kind;
	const char		*sql;
} sqlite_day_sql[] = {
	{ DSTMT_CHECKIN_ADD, DAYS_CHECKINS,
	    "INSERT INTO @T (id, venue_id, number, companions, sent_at,"
	    " received_at, checked_out_at, channel, inbound_id)"
	    " VALUES (coalesce((SELECT max(id) FROM @T WHERE id > @F"
	    " AND id < @E), @F) + 1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
	/*
	 * A number's own check-ins are few, a venue's many: without
	 * statistics the planner would walk the venue's day row by row.
	 */
	{ DSTMT_CHECKIN_SEEN, DAYS_CHECKINS,
	    "SELECT 1 FROM @T INDEXED BY checkins_number_sent@S"
	    " WHERE number = ?1 AND venue_id = ?2"
	    " AND sent_at >= ?3 AND sent_at < ?4 LIMIT 1" },
	{ DSTMT_CHECKIN_RECENT, DAYS_CHECKINS,
	    "SELECT " CHECKIN_COLUMNS " FROM @T"
	    " INDEXED BY checkins_number_sent@S"
	    " WHERE number = ?1 AND venue_id = ?2 AND sent_at >= ?3"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1" },
	{ DSTMT_CHECKIN_OPEN, DAYS_CHECKINS,
	    "SELECT " CHECKIN_COLUMNS " FROM @T"
	    " INDEXED BY checkins_number_sent@S"
	    " WHERE number = ?1 AND sent_at >= ?3 AND checked_out_at IS NULL"
	    " AND (?2 = 0 OR venue_id = ?2)"
	    " ORDER BY sent_at DESC, id DESC LIMIT 1" },
	/* A late SMS must not end a stay before it began. */
	{ DSTMT_CHECKIN_CLOSE, DAYS_CHECKINS,
	    "UPDATE @T SET checked_out_at = max(?2, sent_at)"
	    " WHERE id = ?1 AND checked_out_at IS NULL" },
	{ DSTMT_CHECKIN_CLOSE_ALL, DAYS_CHECKINS,
	    "UPDATE @T INDEXED BY checkins_number_sent@S"
	    " SET checked_out_at = max(?2, sent_at)"
	    " WHERE number = ?1 AND sent_at >= ?3 AND checked_out_at IS NULL" },
	/* The newest check-in's time, and whether one is open. */
	{ DSTMT_CHECKIN_FACTS, DAYS_CHECKINS,
	    "SELECT max(sent_at), coalesce(max(checked_out_at IS NULL), 0)"
	    " FROM @T INDEXED BY checkins_number_sent@S"
	    " WHERE number = ?1 AND sent_at >= ?2" },

	/* (on the view, every row would be read to be counted) */
	{ DSTMT_CHECKIN_COUNT, DAYS_CHECKINS,
	    "SELECT count(*) FROM @T WHERE sent_at >= ?1 AND sent_at < ?2" },

	{ DSTMT_INBOUND_FIND, DAYS_INBOUND,
	    "SELECT coalesce(replies, '') FROM @T"
	    " WHERE channel = ?1 AND ext_id = ?2" },
	/* ext_id is the key, "@" and a time of ten digits, ".", six: ordered as text. */
	{ DSTMT_INBOUND_RECENT, DAYS_INBOUND,
	    "SELECT 1 FROM @T WHERE channel = ?1 AND ext_id >= ?2"
	    " AND ext_id < ?3 LIMIT 1" },
	/* The abuse limits' counts (store_inbound_recent_from). */
	{ DSTMT_INBOUND_COUNTS, DAYS_INBOUND,
	    "SELECT coalesce(sum(received_at >= ?3), 0),"
	    " coalesce(sum(replies IS NOT NULL AND replies <> ''), 0),"
	    " coalesce(sum(text = ?4 AND replies IS NOT NULL AND replies <> ''), 0)"
	    " FROM @T INDEXED BY inbound_number@S"
	    " WHERE number = ?1 AND received_at >= ?2 AND id <> ?5" },
	{ DSTMT_INBOUND_NEXT, DAYS_INBOUND,
	    "SELECT coalesce((SELECT max(id) FROM @T WHERE id > @F"
	    " AND id < @E), @F) + 1" },
	{ DSTMT_INBOUND_ADD, DAYS_INBOUND,
	    "INSERT INTO @T (id, channel, ext_id, number, text, received_at,"
	    " replies) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)" },
	{ DSTMT_INBOUND_SET_REPLIES, DAYS_INBOUND,
	    "UPDATE @T SET replies = ?2 WHERE id = ?1" },
};

/* Append to b as printf(3) would. */
static void
days_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	buf_str(b, s);
	free(s);
}

/* A template of sqlite_day_sql with the table's names and ids put in. */
static char *
sqlite_day_sql_expand(const char *sql, const char *table, const char *suffix,
    long long first, long long end)
{
	struct buf	 b;
	const char	*p;
	char		 num[32];

	memset(&b, 0, sizeof b);
	for (p = sql; *p != '\0'; p++) {
		if (*p != '@' || strchr("TSFE", p[1]) == NULL) {
			buf_add(&b, p, 1);
			continue;
		}
		switch (*++p) {
		case 'T':
			buf_str(&b, table);
			break;
		case 'S':
			buf_str(&b, suffix);
			break;
		default:
			snprintf(num, sizeof num, "%lld", *p == 'F' ? first : end);
			buf_str(&b, num);
			break;
		}
	}
	return buf_take(&b);
}

struct sqlite_day_slot {
	int		 used;		/* holds statements of (kind, day) */
	enum sqlite_days_kind kind;
	int64_t		 day;		/* SQLITE_DAY_DEFAULT: the default */
	uint64_t	 tick;		/* when last lent: the oldest goes */
	sqlite3_stmt	*st[DSTMT_COUNT];
};

struct sqlite_days {
	sqlite3		*db;
	sqlite3_stmt	*version;	/* PRAGMA schema_version */
	int64_t		 schema;	/* the version the days were read at */
	int64_t		*live[SQLITE_DAYS_KINDS];	/* ascending */
	size_t		 nlive[SQLITE_DAYS_KINDS];
	size_t		 maxlive[SQLITE_DAYS_KINDS];
	struct sqlite_day_slot slot[SQLITE_DAY_SLOTS];
	uint64_t	 tick;
	unsigned long long runs;	/* of the statements finalized */
	int		 deflt[SQLITE_DAYS_KINDS];	/* may hold rows */
	int		 deflt_known;	/* deflt read since the last change */
};

int64_t
sqlite_day_of(int64_t t)
{
	return t >= 0 ? t / SQLITE_DAY_SECONDS :
	    -((-t + SQLITE_DAY_SECONDS - 1) / SQLITE_DAY_SECONDS);
}

/* The day a row's id places it in, SQLITE_DAY_DEFAULT for the default's. */
int64_t
sqlite_day_of_id(int64_t id)
{
	return id >> SQLITE_DAY_ID_BITS > 0 ? id >> SQLITE_DAY_ID_BITS :
	    SQLITE_DAY_DEFAULT;
}

struct sqlite_days *
sqlite_days_new(sqlite3 *db)
{
	struct sqlite_days	*d = xcalloc(1, sizeof *d);

	d->db = db;
	d->schema = -1;
	return d;
}

/* How many times st ran (SQLite's counter). */
static unsigned long long
sqlite_stmt_runs(sqlite3_stmt *st)
{
	return st != NULL ?
	    (unsigned)sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0) : 0;
}

static void
sqlite_slot_clear(struct sqlite_days *d, struct sqlite_day_slot *sl)
{
	size_t	i;

	for (i = 0; i < DSTMT_COUNT; i++) {
		d->runs += sqlite_stmt_runs(sl->st[i]);
		sqlite3_finalize(sl->st[i]);
		sl->st[i] = NULL;
	}
	sl->used = 0;
}

void
sqlite_days_free(struct sqlite_days *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < SQLITE_DAY_SLOTS; i++)
		sqlite_slot_clear(d, &d->slot[i]);
	for (i = 0; i < SQLITE_DAYS_KINDS; i++)
		free(d->live[i]);
	sqlite3_finalize(d->version);
	free(d);
}

/* The statements run so far, for the figures (sqlite_log_runs). */
unsigned long long
sqlite_days_runs(struct sqlite_days *d)
{
	unsigned long long	 runs;
	size_t			 i, j;

	if (d == NULL)
		return 0;
	runs = d->runs + sqlite_stmt_runs(d->version);
	for (i = 0; i < SQLITE_DAY_SLOTS; i++) {
		for (j = 0; j < DSTMT_COUNT; j++)
			runs += sqlite_stmt_runs(d->slot[i].st[j]);
	}
	return runs;
}

static int
sqlite_days_has(const struct sqlite_days *d, enum sqlite_days_kind k, int64_t day)
{
	size_t	lo = 0, hi = d->nlive[k], mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->live[k][mid] == day)
			return 1;
		if (d->live[k][mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void
sqlite_days_push(struct sqlite_days *d, enum sqlite_days_kind k, int64_t day)
{
	if (d->nlive[k] == d->maxlive[k]) {
		d->maxlive[k] = d->maxlive[k] ? 2 * d->maxlive[k] : 64;
		d->live[k] = xreallocarray(d->live[k], d->maxlive[k],
		    sizeof *d->live[k]);
	}
	d->live[k][d->nlive[k]++] = day;
}

static int
sqlite_day_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The day of a day table's name ("checkins_d20430"), or -1 if it is not
 * one of kind k.
 */
static int64_t
sqlite_days_parse(enum sqlite_days_kind k, const char *name)
{
	const char	*errstr;
	size_t		 n = strlen(sqlite_days_tables[k].name);
	int64_t		 day;

	if (strncmp(name, sqlite_days_tables[k].name, n) != 0 ||
	    strncmp(name + n, "_d", 2) != 0 || name[n + 2] == '\0')
		return -1;
	day = num_parse(name + n + 2, 1, INT32_MAX / 2, &errstr);
	return errstr == NULL ? day : -1;
}

/*
 * Read which days have tables again if the schema changed since they were
 * read: at each transaction's start and before each use outside one.
 * Statements of days gone are finalized. 0, or -1 (logged).
 */
int
sqlite_days_load(struct sqlite_days *d)
{
	sqlite3_stmt	*st;
	const char	*name;
	int64_t		 v, day;
	size_t		 i, k;
	int		 rc;

	if (d->version == NULL && sqlite3_prepare_v3(d->db,
	    "PRAGMA schema_version", -1, SQLITE_PREPARE_PERSISTENT, &d->version,
	    NULL) != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(d->version);
	v = sqlite3_column_int64(d->version, 0);
	sqlite3_reset(d->version);
	if (rc != SQLITE_ROW)
		goto fail;
	if (v == d->schema)
		return 0;

	if (sqlite3_prepare_v2(d->db, "SELECT name FROM sqlite_master"
	    " WHERE type = 'table' AND name GLOB '*_d[0-9]*'", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	for (k = 0; k < SQLITE_DAYS_KINDS; k++)
		d->nlive[k] = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 0);
		for (k = 0; name != NULL && k < SQLITE_DAYS_KINDS; k++) {
			if ((day = sqlite_days_parse(k, name)) >= 0)
				sqlite_days_push(d, k, day);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	for (k = 0; k < SQLITE_DAYS_KINDS; k++) {
		if (d->nlive[k] > 1)
			qsort(d->live[k], d->nlive[k], sizeof *d->live[k],
			    sqlite_day_cmp);
	}
	for (i = 0; i < SQLITE_DAY_SLOTS; i++) {
		if (d->slot[i].used && d->slot[i].day != SQLITE_DAY_DEFAULT &&
		    !sqlite_days_has(d, d->slot[i].kind, d->slot[i].day))
			sqlite_slot_clear(d, &d->slot[i]);
	}
	d->schema = v;
	d->deflt_known = 0;
	return 0;

fail:
	log_warnx("store: day tables error=\"%s\"", sqlite3_errmsg(d->db));
	return -1;
}

/*
 * Another connection may have written: whether the defaults hold rows is
 * read again before the next use (sqlite.c, when data_version moved).
 */
void
sqlite_days_changed(struct sqlite_days *d)
{
	d->deflt_known = 0;
}

/* Whether the defaults hold rows: once the day tables are used, rarely. */
static int
sqlite_days_defaults(struct sqlite_days *d)
{
	sqlite3_stmt	*st;
	char		 sql[128];
	size_t		 k;
	int		 rc;

	for (k = 0; k < SQLITE_DAYS_KINDS; k++) {
		snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM %s_default)",
		    sqlite_days_tables[k].name);
		if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
			return -1;
		rc = sqlite3_step(st);
		d->deflt[k] = rc != SQLITE_ROW || sqlite3_column_int(st, 0);
		d->runs++;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return -1;
	}
	d->deflt_known = 1;
	return 0;
}

/*
 * The parts holding kind k's rows of times [from, to]: the default first
 * (unless it holds none), then the days with a table, oldest first. At
 * most max (the newest days, if more); their number.
 */
size_t
sqlite_days_parts(struct sqlite_days *d, enum sqlite_days_kind k, int64_t from,
    int64_t to, int64_t *parts, size_t max)
{
	int64_t	lo = sqlite_day_of(from), hi = sqlite_day_of(to);
	size_t	i, j, n = 0;

	if (max == 0)
		return 0;
	if (!d->deflt_known && sqlite_days_defaults(d) == -1)
		d->deflt[k] = 1;	/* (read again next time) */
	if (d->deflt[k])
		parts[n++] = SQLITE_DAY_DEFAULT;
	/* The days of the range: the newest max - n of them, if more. */
	for (j = d->nlive[k]; j > 0 && d->live[k][j - 1] > hi; j--)
		;
	for (i = j; i > 0 && d->live[k][i - 1] >= lo && j - i < max - n; i--)
		;
	while (i < j)
		parts[n++] = d->live[k][i++];
	return n;
}

/*
 * Where a row of kind k at time t is to be written: its day's table, or
 * the default (which then holds rows).
 */
int64_t
sqlite_day_for(struct sqlite_days *d, enum sqlite_days_kind k, int64_t t)
{
	int64_t	day = sqlite_day_of(t);

	if (day > 0 && sqlite_days_has(d, k, day))
		return day;
	d->deflt[k] = 1;
	return SQLITE_DAY_DEFAULT;
}

/* The table of a part, "checkins_d20430" or "checkins_default". */
static void
sqlite_day_table(enum sqlite_days_kind k, int64_t day, char *buf, size_t len)
{
	if (day == SQLITE_DAY_DEFAULT)
		snprintf(buf, len, "%s_default", sqlite_days_tables[k].name);
	else
		snprintf(buf, len, "%s_d%lld", sqlite_days_tables[k].name,
		    (long long)day);
}

/*
 * Statement id on the table of day (SQLITE_DAY_DEFAULT: the default),
 * prepared on first use and kept with the day's others; reset. NULL if
 * the day has no table or the statement cannot be prepared (logged).
 */
sqlite3_stmt *
sqlite_day_stmt(struct sqlite_days *d, int64_t day, enum sqlite_day_stmt_id id)
{
	const struct sqlite_day_sql	*t = &sqlite_day_sql[id];
	struct sqlite_day_slot		*sl = NULL, *oldest = NULL;
	char				 table[64], suffix[32], *sql;
	long long			 first, end;
	size_t				 i;
	int				 rc;

	if (day != SQLITE_DAY_DEFAULT && !sqlite_days_has(d, t->kind, day))
		return NULL;
	for (i = 0; i < SQLITE_DAY_SLOTS; i++) {
		if (d->slot[i].used && d->slot[i].kind == t->kind &&
		    d->slot[i].day == day) {
			sl = &d->slot[i];
			break;
		}
		if (oldest == NULL || !d->slot[i].used ||
		    (oldest->used && d->slot[i].tick < oldest->tick))
			oldest = &d->slot[i];
	}
	if (sl == NULL) {
		sl = oldest;
		sqlite_slot_clear(d, sl);
		sl->used = 1;
		sl->kind = t->kind;
		sl->day = day;
	}
	sl->tick = ++d->tick;
	if (sl->st[id] == NULL) {
		sqlite_day_table(t->kind, day, table, sizeof table);
		if (day == SQLITE_DAY_DEFAULT) {
			suffix[0] = '\0';
			first = 0;
		} else {
			snprintf(suffix, sizeof suffix, "_d%lld", (long long)day);
			first = (long long)day << SQLITE_DAY_ID_BITS;
		}
		end = first + (1LL << SQLITE_DAY_ID_BITS);
		sql = sqlite_day_sql_expand(t->sql, table, suffix, first, end);
		rc = sqlite3_prepare_v3(d->db, sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &sl->st[id], NULL);
		if (rc != SQLITE_OK) {
			log_warnx("store: preparing \"%s\" error=\"%s\"", sql,
			    sqlite3_errmsg(d->db));
			free(sql);
			return NULL;
		}
		free(sql);
	}
	sqlite_done(sl->st[id]);
	return sl->st[id];
}

/* Run one statement of sql; 0 or -1 (logged). */
static int
sqlite_days_exec(struct sqlite_days *d, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	log_warnx("store: day tables: \"%.200s\" error=\"%s\"", sql,
	    msg != NULL ? msg : sqlite3_errmsg(d->db));
	sqlite3_free(msg);
	return -1;
}

/*
 * After "CREATE [UNIQUE] INDEX name ON " or "CREATE TABLE ", the table's
 * name as SQLite keeps it (quoted after a rename, or not): what follows
 * it, or NULL.
 */
static const char *
sqlite_days_after_name(const char *p, const char *name)
{
	size_t	n = strlen(name);

	if (*p == '"' && strncmp(p + 1, name, n) == 0 && p[n + 1] == '"')
		return p + n + 2;
	if (strncmp(p, name, n) == 0 && strchr(" (", p[n]) != NULL)
		return p + n;
	return NULL;
}

/* Make kind k's table of day, a copy of the default's with its indexes. */
static int
sqlite_days_create(struct sqlite_days *d, enum sqlite_days_kind k, int64_t day)
{
	sqlite3_stmt	*st;
	struct buf	 b;
	char		 deflt[64], table[64];
	const char	*sql, *name, *tail, *on;
	int		 rc, ok = 0;

	sqlite_day_table(k, SQLITE_DAY_DEFAULT, deflt, sizeof deflt);
	sqlite_day_table(k, day, table, sizeof table);
	if (sqlite3_prepare_v2(d->db, "SELECT type, name, sql FROM sqlite_master"
	    " WHERE tbl_name = ?1 AND sql IS NOT NULL"
	    " ORDER BY type = 'index', name", -1, &st, NULL) != SQLITE_OK) {
		log_warnx("store: day tables error=\"%s\"", sqlite3_errmsg(d->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, deflt, -1, SQLITE_STATIC);
	memset(&b, 0, sizeof b);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(st, 1);
		sql = (const char *)sqlite3_column_text(st, 2);
		b.len = 0;
		if (strcmp((const char *)sqlite3_column_text(st, 0),
		    "table") == 0) {
			if (strncmp(sql, "CREATE TABLE ", 13) != 0 ||
			    (tail = sqlite_days_after_name(sql + 13,
			    deflt)) == NULL)
				goto bad;
			days_printf(&b, "CREATE TABLE %s%s", table, tail);
		} else {
			if ((on = strstr(sql, " ON ")) == NULL ||
			    (tail = sqlite_days_after_name(on + 4,
			    deflt)) == NULL)
				goto bad;
			days_printf(&b, "%.*s%s_d%lld ON %s%s",
			    (int)(strstr(sql, name) - sql), sql, name,
			    (long long)day, table, tail);
		}
		if (sqlite_days_exec(d, b.p) == -1)
			goto out;
	}
	ok = rc == SQLITE_DONE;
	if (!ok)
		log_warnx("store: day tables error=\"%s\"", sqlite3_errmsg(d->db));
	goto out;
bad:
	log_warnx("store: cannot make a day table of \"%.200s\"", sql);
out:
	sqlite3_finalize(st);
	free(b.p);
	return ok ? 0 : -1;
}

/*
 * The view over kind k's default and days, with its triggers: rows
 * inserted through it go to the default (a column left out taking the
 * default's default value), rows deleted through it go from wherever they
 * are. No update: a row moved to another day's table would keep an id of
 * its first day, which its first day would give again.
 * Made again only if the view's text changed: 0, or 1 if it must be and
 * check is set (nothing done), or -1.
 */
static int
sqlite_days_view(struct sqlite_days *d, enum sqlite_days_kind k, int check)
{
	const char	*name = sqlite_days_tables[k].name;
	sqlite3_stmt	*st;
	struct buf	 view, trig, dels;
	char		 table[64], *cols = NULL, *news = NULL;
	size_t		 i;
	int		 rc = -1, same;

	memset(&view, 0, sizeof view);
	memset(&trig, 0, sizeof trig);
	memset(&dels, 0, sizeof dels);
	days_printf(&view, "CREATE VIEW %s AS SELECT * FROM %s_default", name,
	    name);
	days_printf(&dels, "DELETE FROM %s_default WHERE id = OLD.id;", name);
	for (i = 0; i < d->nlive[k]; i++) {
		sqlite_day_table(k, d->live[k][i], table, sizeof table);
		days_printf(&view, " UNION ALL SELECT * FROM %s", table);
		days_printf(&dels, " DELETE FROM %s WHERE id = OLD.id;", table);
	}

	if (sqlite3_prepare_v2(d->db, "SELECT (SELECT sql FROM sqlite_master"
	    " WHERE type = 'view' AND name = ?1) IS ?2,"
	    " (SELECT group_concat(name, ', ') FROM pragma_table_info(?3)),"
	    " (SELECT group_concat(CASE WHEN dflt_value IS NULL"
	    " THEN 'NEW.' || name ELSE 'coalesce(NEW.' || name || ', ' ||"
	    " dflt_value || ')' END, ', ') FROM pragma_table_info(?3))", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	snprintf(table, sizeof table, "%s_default", name);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, view.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, table, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		goto fail;
	}
	same = sqlite3_column_int(st, 0);
	cols = xstrdup(sqlite_col_text(st, 1));
	news = xstrdup(sqlite_col_text(st, 2));
	sqlite3_finalize(st);
	if (same || check) {
		rc = !same;
		goto out;
	}

	days_printf(&trig, "DROP VIEW IF EXISTS %s; %s;", name, view.p);
	days_printf(&trig, " CREATE TRIGGER %s_insert INSTEAD OF INSERT ON %s"
	    " BEGIN INSERT INTO %s_default (%s) VALUES (%s); END;", name, name,
	    name, cols, news);
	days_printf(&trig, " CREATE TRIGGER %s_delete INSTEAD OF DELETE ON %s"
	    " BEGIN %s END;", name, name, dels.p);
	rc = sqlite_days_exec(d, trig.p);
	goto out;
fail:
	log_warnx("store: day tables error=\"%s\"", sqlite3_errmsg(d->db));
out:
	free(cols);
	free(news);
	free(view.p);
	free(trig.p);
	free(dels.p);
	return rc;
}

/*
 * Make the day tables of yesterday .. SQLITE_DAYS_AHEAD days after now's
 * day that are missing, and the views over them, in the caller's
 * transaction (a writer's): 0 or -1. With check, only say whether there
 * is anything to make: 1 if so, 0 if not, -1.
 */
int
sqlite_days_make(struct sqlite_days *d, int64_t now, int check)
{
	int64_t	day, today = sqlite_day_of(now);
	size_t	k;
	int	rc;

	if (sqlite_days_load(d) == -1)
		return -1;
	for (k = 0; k < SQLITE_DAYS_KINDS; k++) {
		for (day = today - 1; day <= today + SQLITE_DAYS_AHEAD; day++) {
			if (day <= 0 || sqlite_days_has(d, k, day) ||
			    d->nlive[k] >= SQLITE_DAYS_MAX)
				continue;
			if (check)
				return 1;
			if (sqlite_days_create(d, k, day) == -1)
				goto fail;
			sqlite_days_push(d, k, day);
			qsort(d->live[k], d->nlive[k], sizeof *d->live[k],
			    sqlite_day_cmp);
		}
		if ((rc = sqlite_days_view(d, k, check)) == -1)
			goto fail;
		if (rc == 1)
			return 1;
	}
	return check ? 0 : sqlite_days_load(d);
fail:
	/* The caller rolls back: the days are read again next time. */
	d->schema = -1;
	return -1;
}

/* The rows of kind k's table of day into *rows: 0 or -1. */
static int
sqlite_days_count(struct sqlite_days *d, enum sqlite_days_kind k, int64_t day,
    int64_t *rows)
{
	sqlite3_stmt	*st;
	char		 table[64], *sql;
	int		 rc;

	sqlite_day_table(k, day, table, sizeof table);
	xasprintf(&sql, "SELECT count(*) FROM %s", table);
	rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		log_warnx("store: counting %s error=\"%s\"", table,
		    sqlite3_errmsg(d->db));
		sqlite3_finalize(st);
		return -1;
	}
	*rows += sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/*
 * The oldest day of kind k wholly before before, if it has a table: its
 * rows counted into *rows, its table dropped, and the view made again
 * without it. A dry run counts every such day and drops none. 1 if there
 * was one, 0 if not, -1.
 *
 * SQLite built with SECURE_DELETE (Debian's) zeroes and writes every page
 * a drop frees: a day of a million check-ins wrote ~100 MB and held the
 * write lock over a second. secure_delete = FAST frees them as they are
 * (the bytes stay in the file's free pages until new rows reuse them,
 * within about a day at a steady intake); rows deleted one by one still
 * have their bytes zeroed in the pages written anyway.
 */
int
sqlite_days_drop(struct sqlite_days *d, enum sqlite_days_kind k, int64_t before,
    int dry_run, int64_t *rows)
{
	char	 table[64], *sql;
	int64_t	 day;
	size_t	 i, due;
	int	 rc;

	if (sqlite_days_load(d) == -1)
		return -1;
	for (due = 0; due < d->nlive[k] &&
	    (d->live[k][due] + 1) * SQLITE_DAY_SECONDS <= before; due++) {
		if (sqlite_days_count(d, k, d->live[k][due], rows) == -1)
			return -1;
		if (!dry_run) {
			due++;
			break;
		}
	}
	if (due == 0 || dry_run)
		return due > 0;

	/* The view first, then the table it no longer reads. */
	day = d->live[k][0];
	memmove(d->live[k], d->live[k] + 1, --d->nlive[k] * sizeof *d->live[k]);
	for (i = 0; i < SQLITE_DAY_SLOTS; i++) {
		if (d->slot[i].used && d->slot[i].kind == k &&
		    d->slot[i].day == day)
			sqlite_slot_clear(d, &d->slot[i]);
	}
	d->schema = -1;
	sqlite_day_table(k, day, table, sizeof table);
	xasprintf(&sql, "DROP TABLE %s", table);
	rc = sqlite_days_view(d, k, 0) == 0 &&
	    sqlite_days_exec(d, "PRAGMA secure_delete = FAST") == 0 &&
	    sqlite_days_exec(d, sql) == 0 ? 1 : -1;
	free(sql);
	/* (SQLite's build default again, for the rows deleted one by one) */
	if (sqlite_days_exec(d, "PRAGMA secure_delete = ON") == -1)
		rc = -1;
	return rc;
}
