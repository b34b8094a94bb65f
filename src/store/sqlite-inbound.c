/*
 * sqlite-inbound.c: inbound messages, parts of long messages and USSD
 * sessions, in SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "base/buf.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

#define USSD_COLUMNS \
	"id, number, screen, data, lang, updated_at, ended"

const struct sqlite_sql sqlite_inbound_sql[] = {
	{ STMT_USSD_GET,
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions WHERE id = ?1" },

	{ STMT_USSD_PUT,
	    "INSERT INTO ussd_sessions (" USSD_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (id) DO UPDATE SET number = excluded.number,"
	    " screen = excluded.screen, data = excluded.data,"
	    " lang = excluded.lang, updated_at = excluded.updated_at,"
	    " ended = excluded.ended" },

	{ STMT_PART_SEEN,
	    "SELECT 1 FROM parts WHERE channel = ?1 AND number = ?2 AND ref = ?3"
	    " AND total = ?4 AND seq = ?5 AND (done = 0 OR received_at >= ?6) LIMIT 1" },

	{ STMT_PART_ADD,
	    "INSERT INTO parts (channel, number, ref, total, seq, text, sent_at,"
	    " received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },

	{ STMT_PART_COUNT,
	    "SELECT count(*) FROM parts WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0" },

	{ STMT_PART_TEXTS,
	    "SELECT text, sent_at FROM parts WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0 ORDER BY seq" },

	{ STMT_PART_DONE,
	    "UPDATE parts SET done = 1 WHERE channel = ?1 AND number = ?2"
	    " AND ref = ?3 AND total = ?4 AND done = 0" },

	{ STMT_PART_OLDEST,
	    "SELECT channel, number, ref, total FROM parts"
	    " WHERE done = 0 AND received_at < ?1 ORDER BY received_at LIMIT 1" },

	{ STMT_PART_FORGET,
	    "DELETE FROM parts WHERE done = 1 AND received_at < ?1" },

	/* Walks ussd_sessions_number backwards from the newest. */
	{ STMT_USSD_LAST,
	    "SELECT " USSD_COLUMNS " FROM ussd_sessions"
	    " WHERE number = ?1 AND updated_at >= ?2 AND NOT ended"
	    " ORDER BY updated_at DESC, rowid DESC LIMIT 1" },

	{ STMT_USSD_END,
	    "UPDATE ussd_sessions SET ended = 1, updated_at = ?2 WHERE id = ?1" },

	{ STMT_COUNT, NULL },
};

/* Copies of a message are known for at least a day: today's and yesterday's. */
#define INBOUND_FIND_DAYS	2

int
sqlite_inbound_find(struct store *s, const char *channel, const char *ext_id,
    char **replies)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS], now;
	size_t			 i, n;
	int			 rc;

	if (replies != NULL)
		*replies = NULL;
	if (ext_id == NULL || *ext_id == '\0')
		return 0;	/* no id: every message is new */
	now = (int64_t)time(NULL);
	n = sqlite_days_parts(d, DAYS_INBOUND,
	    now - (INBOUND_FIND_DAYS - 1) * 86400, now + SQLITE_DAYS_SKEW,
	    parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], DSTMT_INBOUND_FIND)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, channel);
		sqlite_bind_text(st, 2, ext_id);
		if ((rc = sqlite_row(s, st, "inbound find")) == -1)
			return -1;
		if (rc == 0)
			continue;
		if (replies != NULL)
			*replies = xstrdup(sqlite_col_text(st, 0));
		sqlite_done(st);
		return 1;
	}
	return 0;
}

/*
 * The next inbound id of the part (a day, or the default) a row received
 * at at goes in. In a transaction of sqlite_begin, which holds the write
 * lock, it is counted here from the first one looked up, for as long as
 * no other connection writes (sqlite.c forgets it then) and the day stays
 * the same: ids reserved and not used are gaps, never a clash.
 */
int64_t
sqlite_inbound_reserve(struct store *s, int64_t at)
{
	struct sqlite_txn	*t = sqlite_txn(s);
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 id, day = sqlite_day_for(d, DAYS_INBOUND, at);

	if (t->open && t->inbound_next > 0 && t->inbound_day == day)
		return t->inbound_next++;
	if ((st = sqlite_day_stmt(d, day, DSTMT_INBOUND_NEXT)) == NULL ||
	    sqlite_value(s, st, "inbound next", &id, NULL) == -1)
		return -1;
	if (t->open) {
		t->inbound_next = id + 1;
		t->inbound_day = day;
	}
	return id;
}

/* Written in the part its id was reserved in: the day of received_at. */
int
sqlite_inbound_add_replies(struct store *s, int64_t id, const char *channel,
    const char *ext_id, const char *number, const char *text, int64_t received_at,
    const char *replies)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;

	st = sqlite_day_stmt(d, sqlite_day_for(d, DAYS_INBOUND, received_at),
	    DSTMT_INBOUND_ADD);
	if (st == NULL)
		return -1;
	sqlite_bind_int(st, 1, id);
	sqlite_bind_text(st, 2, channel);
	sqlite_bind_text(st, 3, ext_id != NULL && *ext_id != '\0' ? ext_id : NULL);
	sqlite_bind_text(st, 4, number);
	sqlite_bind_text(st, 5, text);
	sqlite_bind_int(st, 6, received_at);
	sqlite_bind_text(st, 7, replies);
	return sqlite_run(s, st, "inbound add");
}

int64_t
sqlite_inbound_add(struct store *s, const char *channel, const char *ext_id,
    const char *number, const char *text, int64_t received_at)
{
	int64_t	id;

	if ((id = sqlite_inbound_reserve(s, received_at)) == -1 ||
	    sqlite_inbound_add_replies(s, id, channel, ext_id, number, text,
	    received_at, NULL) == -1)
		return -1;
	return id;
}

/* In the table its id tells, or the default (a row moved there by hand). */
int
sqlite_inbound_set_replies(struct store *s, int64_t id, const char *replies)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 day = sqlite_day_of_id(id);

	if (day != SQLITE_DAY_DEFAULT &&
	    (st = sqlite_day_stmt(d, day, DSTMT_INBOUND_SET_REPLIES)) != NULL) {
		sqlite_bind_int(st, 1, id);
		sqlite_bind_text(st, 2, replies);
		if (sqlite_run(s, st, "inbound set replies") == -1)
			return -1;
		if (sqlite_changes(s) > 0)
			return 0;
	}
	if ((st = sqlite_day_stmt(d, SQLITE_DAY_DEFAULT,
	    DSTMT_INBOUND_SET_REPLIES)) == NULL)
		return -1;
	sqlite_bind_int(st, 1, id);
	sqlite_bind_text(st, 2, replies);
	return sqlite_run(s, st, "inbound set replies");
}

/* A message with the key received in [from, until) (content dedup). */
int
sqlite_inbound_recent(struct store *s, const char *channel, const char *key, double from,
    double until)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	char			 lo[STORE_KEY_MAX], hi[STORE_KEY_MAX];
	int64_t			 parts[SQLITE_DAY_PARTS];
	size_t			 i, n;
	int			 rc;

	store_inbound_key(lo, sizeof lo, key, from);
	store_inbound_key(hi, sizeof hi, key, until);
	n = sqlite_days_parts(d, DAYS_INBOUND, (int64_t)from, (int64_t)until,
	    parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], DSTMT_INBOUND_RECENT)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, channel);
		sqlite_bind_text(st, 2, lo);
		sqlite_bind_text(st, 3, hi);
		if ((rc = sqlite_row(s, st, "inbound recent")) != 0) {
			sqlite_done(st);
			return rc;
		}
	}
	return 0;
}

/*
 * Count number's messages received since hour, those since minute, and of
 * those since hour the answered ones (and with text), leaving out except.
 */
int
sqlite_inbound_recent_from(struct store *s, const char *number, int64_t hour,
    int64_t minute, const char *text, int64_t except, struct inbound_recent *r)
{
	struct sqlite_days	*d = sqlite_days(s);
	sqlite3_stmt		*st;
	int64_t			 parts[SQLITE_DAY_PARTS];
	size_t			 i, n;

	memset(r, 0, sizeof *r);
	n = sqlite_days_parts(d, DAYS_INBOUND, hour,
	    minute + 60 + SQLITE_DAYS_SKEW, parts, nitems(parts));
	for (i = 0; i < n; i++) {
		if ((st = sqlite_day_stmt(d, parts[i], DSTMT_INBOUND_COUNTS)) == NULL)
			return -1;
		sqlite_bind_text(st, 1, number);
		sqlite_bind_int(st, 2, hour);
		sqlite_bind_int(st, 3, minute);
		sqlite_bind_text(st, 4, text);
		sqlite_bind_int(st, 5, except);
		if (sqlite_row(s, st, "inbound recent from") != 1)
			return -1;	/* (an aggregate: always a row) */
		r->last_minute += sqlite3_column_int64(st, 0);
		r->answered_hour += sqlite3_column_int64(st, 1);
		r->same_answered_hour += sqlite3_column_int64(st, 2);
		sqlite_done(st);
	}
	return 0;
}

/* Parts of long messages. */

/* Bind the four columns that name a set of parts. */
static void
sqlite_bind_set(sqlite3_stmt *st, const struct part_key *k)
{
	sqlite_bind_text(st, 1, k->channel);
	sqlite_bind_text(st, 2, k->number);
	sqlite_bind_int(st, 3, k->ref);
	sqlite_bind_int(st, 4, k->total);
}

int
sqlite_part_add(struct store *s, const struct part_key *k, unsigned seq, const char *text,
    int64_t sent_at, int64_t received_at, int64_t dedup_since)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_PART_SEEN);
	int		 rc;

	sqlite_bind_set(st, k);
	sqlite_bind_int(st, 5, seq);
	sqlite_bind_int(st, 6, dedup_since);
	if ((rc = sqlite_row(s, st, "part seen")) != 0) {
		if (rc == 1)
			sqlite_done(st);
		return rc == 1 ? 0 : -1;
	}
	st = sqlite_stmt(s, STMT_PART_ADD);
	sqlite_bind_set(st, k);
	sqlite_bind_int(st, 5, seq);
	sqlite_bind_text(st, 6, text);
	sqlite_bind_int(st, 7, sent_at);
	sqlite_bind_int(st, 8, received_at);
	return sqlite_run(s, st, "part add") == -1 ? -1 : 1;
}

/* The waiting parts of a set joined in order, and how many there were; the set marked done. */
static int
sqlite_part_join(struct store *s, const struct part_key *k, char **text, int64_t *sent_at,
    unsigned *got)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_PART_TEXTS);
	struct buf	 b = { NULL, 0, 0 };
	int64_t		 t;
	int		 rc;

	*got = 0;
	*sent_at = 0;
	sqlite_bind_set(st, k);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_add(&b, sqlite_col_text(st, 0), strlen(sqlite_col_text(st, 0)));
		t = sqlite3_column_int64(st, 1);
		if (t != 0 && (*sent_at == 0 || t < *sent_at))
			*sent_at = t;
		(*got)++;
	}
	sqlite_done(st);
	if (rc != SQLITE_DONE) {
		sqlite_error(s, "part texts");
		free(b.p);
		return -1;
	}
	st = sqlite_stmt(s, STMT_PART_DONE);
	sqlite_bind_set(st, k);
	if (sqlite_run(s, st, "part done") == -1) {
		free(b.p);
		return -1;
	}
	*text = buf_take(&b);
	return 0;
}

int
sqlite_part_take(struct store *s, const struct part_key *k, char **text, int64_t *sent_at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_PART_COUNT);
	unsigned	 got;
	int64_t		 n;
	int		 rc;

	*text = NULL;
	sqlite_bind_set(st, k);
	if ((rc = sqlite_row(s, st, "part count")) != 1)
		return rc;
	n = sqlite3_column_int64(st, 0);
	sqlite_done(st);
	if (n < (int64_t)k->total)
		return 0;
	return sqlite_part_join(s, k, text, sent_at, &got) == -1 ? -1 : 1;
}

int
sqlite_part_expired(struct store *s, int64_t before, struct part_set *set)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_PART_OLDEST);
	int		 rc;

	memset(set, 0, sizeof *set);
	sqlite_bind_int(st, 1, before);
	if ((rc = sqlite_row(s, st, "part oldest")) != 1)
		return rc;
	sqlite_col_copy(st, 0, set->key.channel, sizeof set->key.channel);
	sqlite_col_copy(st, 1, set->key.number, sizeof set->key.number);
	set->key.ref = (unsigned)sqlite3_column_int64(st, 2);
	set->key.total = (unsigned)sqlite3_column_int64(st, 3);
	sqlite_done(st);
	if (sqlite_part_join(s, &set->key, &set->text, &set->sent_at, &set->got) == -1)
		return -1;
	return 1;
}

int
sqlite_part_forget(struct store *s, int64_t before)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_PART_FORGET);

	sqlite_bind_int(st, 1, before);
	return sqlite_run(s, st, "part forget");
}

/* USSD sessions. */

/* Look a USSD session up with a prepared USSD_COLUMNS statement. */
static int
sqlite_ussd_row(struct store *s, sqlite3_stmt *st, const char *what,
    struct ussd_session *u)
{
	int	rc;

	if ((rc = sqlite_row(s, st, what)) != 1)
		return rc;
	memset(u, 0, sizeof *u);
	sqlite_col_copy(st, 0, u->id, sizeof u->id);
	sqlite_col_copy(st, 1, u->number, sizeof u->number);
	sqlite_col_copy(st, 2, u->screen, sizeof u->screen);
	sqlite_col_copy(st, 3, u->data, sizeof u->data);
	u->lang = sqlite3_column_int(st, 4);
	u->updated_at = sqlite3_column_int64(st, 5);
	u->ended = sqlite3_column_int(st, 6) != 0;
	sqlite_done(st);
	return 1;
}

int
sqlite_ussd_get(struct store *s, const char *id, struct ussd_session *u)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_USSD_GET);

	sqlite_bind_text(st, 1, id);
	return sqlite_ussd_row(s, st, "ussd get", u);
}

/* Create the session or replace every field of it. */
int
sqlite_ussd_put(struct store *s, const struct ussd_session *u)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_USSD_PUT);

	sqlite_bind_text(st, 1, u->id);
	sqlite_bind_text(st, 2, u->number);
	sqlite_bind_text(st, 3, u->screen);
	sqlite_bind_text(st, 4, u->data);
	sqlite_bind_int(st, 5, u->lang);
	sqlite_bind_int(st, 6, u->updated_at);
	sqlite_bind_int(st, 7, u->ended ? 1 : 0);
	return sqlite_run(s, st, "ussd put");
}

int
sqlite_ussd_last(struct store *s, const char *number, int64_t since,
    struct ussd_session *u)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_USSD_LAST);

	sqlite_bind_text(st, 1, number);
	sqlite_bind_int(st, 2, since);
	return sqlite_ussd_row(s, st, "ussd last", u);
}

/* Mark a session ended at `at` (no error if there is none). */
int
sqlite_ussd_end(struct store *s, const char *id, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_USSD_END);

	sqlite_bind_text(st, 1, id);
	sqlite_bind_int(st, 2, at);
	return sqlite_run(s, st, "ussd end");
}
