/*
 * sqlite-venues.c: venues, in SQLite.
 *
 * Venues by code are held in memory for the resident's path: a check-in
 * looks its code (and a typo's neighbours) up in a table of the codes met
 * so far, found or not. The table is used only inside a transaction of
 * sqlite_begin, and emptied when another connection has committed since
 * the last one (sqlite.c looks at PRAGMA data_version after each BEGIN),
 * when this one changes a venue, and when a change is undone.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/sqlite.h"

#define VENUE_COLUMNS \
	"id, code, name, address, ward, district, kind, owner, active, created_at"

#define VENUE_CACHE_BUCKETS	1024
#define VENUE_CACHE_MAX		16384	/* codes held; past it the table starts again */

struct venue_entry {
	struct venue_entry	*next;
	char			 code[CODE_MAX];
	int			 found;
	struct venue		 v;
};

struct sqlite_venues {
	struct venue_entry	*bucket[VENUE_CACHE_BUCKETS];
	size_t			 n;
};

const struct sqlite_sql sqlite_venue_sql[] = {
	{ STMT_VENUE_ADD,
	    "INSERT INTO venues (code, name, address, ward, district, kind,"
	    " owner, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)" },

	{ STMT_VENUE_BY_CODE,
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE code = ?1" },

	{ STMT_VENUE_BY_ID,
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?1" },

	{ STMT_VENUE_LIST,
	    "SELECT " VENUE_COLUMNS " FROM venues"
	    " WHERE (?1 IS NULL OR ward = ?1) AND (?2 OR active)"
	    " ORDER BY ward, name, id" },

	{ STMT_VENUE_SET_ACTIVE,
	    "UPDATE venues SET active = ?2 WHERE code = ?1" },

	{ STMT_VENUE_OWNED_TODAY,
	    "SELECT v.code, v.name, coalesce(d.checkins, 0), coalesce(d.people, 0),"
	    " v.id"
	    " FROM venues v LEFT JOIN daily_stats d"
	    " ON d.venue_id = v.id AND d.day = ?2"
	    " WHERE v.owner = ?1 AND v.active ORDER BY v.name, v.id" },

	/* NULL keeps a field; an empty owner clears it, an empty kind is "default". */
	{ STMT_VENUE_UPDATE,
	    "UPDATE venues SET name = coalesce(?2, name),"
	    " address = coalesce(?3, address), ward = coalesce(?4, ward),"
	    " kind = CASE WHEN ?5 IS NULL THEN kind WHEN ?5 = '' THEN 'default'"
	    " ELSE ?5 END,"
	    " owner = CASE WHEN ?6 IS NULL THEN owner WHEN ?6 = '' THEN NULL"
	    " ELSE ?6 END,"
	    " active = CASE WHEN ?7 < 0 THEN active ELSE ?7 END"
	    " WHERE code = ?1" },

	{ STMT_VENUE_BY_CALL_NUMBER,
	    "SELECT " VENUE_COLUMNS " FROM venues WHERE call_number = ?1" },
	{ STMT_VENUE_SET_CALL_NUMBER,
	    "UPDATE venues SET call_number = ?2 WHERE code = ?1" },
	{ STMT_VENUE_CALL_NUMBER,
	    "SELECT call_number FROM venues WHERE code = ?1" },
	{ STMT_VENUE_CALL_NUMBER_OWNER,
	    "SELECT code FROM venues WHERE call_number = ?1 AND code <> ?2" },
	{ STMT_COUNT, NULL },
};

/* Fill v from the current row of a VENUE_COLUMNS query, copying strings. */
void
sqlite_venue_fill(sqlite3_stmt *st, struct venue *v)
{
	memset(v, 0, sizeof *v);
	v->id = sqlite3_column_int64(st, 0);
	sqlite_col_copy(st, 1, v->code, sizeof v->code);
	v->name = xstrdup(sqlite_col_text(st, 2));
	v->address = xstrdup(sqlite_col_text(st, 3));
	v->ward = xstrdup(sqlite_col_text(st, 4));
	v->district = xstrdup(sqlite_col_text(st, 5));
	v->kind = xstrdup(sqlite_col_text(st, 6));
	if (sqlite3_column_type(st, 7) != SQLITE_NULL)
		v->owner = xstrdup(sqlite_col_text(st, 7));
	v->active = sqlite3_column_int(st, 8);
	v->created_at = sqlite3_column_int64(st, 9);
}

/*
 * A copy of v that store_venue_free frees: every string sqlite_venue_fill
 * duplicates is duplicated here, every other field copied as it is.
 */
static void
sqlite_venue_copy(const struct venue *v, struct venue *out)
{
	/* A field added after created_at: copy it here, then move this check. */
	_Static_assert(offsetof(struct venue, created_at) + sizeof(int64_t) ==
	    sizeof(struct venue), "a new venue field: copy it in sqlite_venue_copy");
	*out = *v;
	out->name = xstrdup(v->name);
	out->address = xstrdup(v->address);
	out->ward = xstrdup(v->ward);
	out->district = xstrdup(v->district);
	out->kind = xstrdup(v->kind);
	out->owner = v->owner != NULL ? xstrdup(v->owner) : NULL;
}

static unsigned
sqlite_venues_hash(const char *code)
{
	unsigned	h = 5381;

	while (*code != '\0')
		h = h * 33 + (unsigned char)*code++;
	return h % VENUE_CACHE_BUCKETS;
}

void
sqlite_venues_clear(struct sqlite_txn *t)
{
	struct sqlite_venues	*c = t->venues;
	struct venue_entry	*e, *next;
	size_t			 i;

	if (c == NULL || c->n == 0)
		return;
	for (i = 0; i < VENUE_CACHE_BUCKETS; i++) {
		for (e = c->bucket[i]; e != NULL; e = next) {
			next = e->next;
			if (e->found)
				store_venue_free(&e->v);
			free(e);
		}
		c->bucket[i] = NULL;
	}
	c->n = 0;
}

void
sqlite_venues_free(struct sqlite_txn *t)
{
	sqlite_venues_clear(t);
	free(t->venues);
	t->venues = NULL;
}

/* The entry held for code, or NULL. */
static struct venue_entry *
sqlite_venues_find(struct sqlite_txn *t, const char *code)
{
	struct venue_entry	*e;

	if (t->venues == NULL)
		return NULL;
	for (e = t->venues->bucket[sqlite_venues_hash(code)]; e != NULL; e = e->next) {
		if (strcmp(e->code, code) == 0)
			return e;
	}
	return NULL;
}

/* Hold what a lookup of code found (v, or nothing if v is NULL). */
static void
sqlite_venues_put(struct sqlite_txn *t, const char *code, const struct venue *v)
{
	struct venue_entry	*e;
	unsigned		 h;

	if (t->venues == NULL)
		t->venues = xcalloc(1, sizeof *t->venues);
	if (t->venues->n >= VENUE_CACHE_MAX)
		sqlite_venues_clear(t);
	e = xcalloc(1, sizeof *e);
	strlcpy(e->code, code, sizeof e->code);
	if (v != NULL) {
		e->found = 1;
		sqlite_venue_copy(v, &e->v);
	}
	h = sqlite_venues_hash(code);
	e->next = t->venues->bucket[h];
	t->venues->bucket[h] = e;
	t->venues->n++;
}

/*
 * Insert v with its code: 0 and v->id, 1 if a venue (active or not)
 * already has the code (nothing logged: the caller may try another), -1.
 */
int
sqlite_venue_insert(struct store *s, struct venue *v)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_ADD);
	int		 rc;

	sqlite_bind_text(st, 1, v->code);
	sqlite_bind_text(st, 2, v->name);
	sqlite_bind_text(st, 3, v->address != NULL ? v->address : "");
	sqlite_bind_text(st, 4, v->ward != NULL ? v->ward : "");
	sqlite_bind_text(st, 5, v->district != NULL ? v->district : "");
	sqlite_bind_text(st, 6, v->kind != NULL && *v->kind != '\0' ?
	    v->kind : "default");
	sqlite_bind_text(st, 7, v->owner != NULL && *v->owner != '\0' ?
	    v->owner : NULL);
	sqlite_bind_int(st, 8, v->active);
	sqlite_bind_int(st, 9, v->created_at);
	if ((rc = sqlite3_step(st)) == SQLITE_CONSTRAINT_UNIQUE) {
		sqlite_done(st);
		return 1;
	}
	if (rc != SQLITE_DONE) {
		sqlite_error(s, "venue add");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	sqlite_venues_clear(sqlite_txn(s));
	v->id = sqlite_last_id(s);
	return 0;
}

/* Look a venue up with a prepared single-row statement. */
static int
sqlite_venue_get(struct store *s, sqlite3_stmt *st, struct venue *v)
{
	int	rc;

	if ((rc = sqlite_row(s, st, "venue")) != 1)
		return rc;
	sqlite_venue_fill(st, v);
	sqlite_done(st);
	return 1;
}

int
sqlite_venue_by_code(struct store *s, const char *code, struct venue *v)
{
	struct sqlite_txn	*t = sqlite_txn(s);
	struct venue_entry	*e;
	sqlite3_stmt		*st;
	int			 rc;

	if (t->open && strlen(code) < CODE_MAX &&
	    (e = sqlite_venues_find(t, code)) != NULL) {
		if (!e->found)
			return 0;
		sqlite_venue_copy(&e->v, v);
		return 1;
	}
	st = sqlite_stmt(s, STMT_VENUE_BY_CODE);
	sqlite_bind_text(st, 1, code);
	rc = sqlite_venue_get(s, st, v);
	if (rc != -1 && t->open && strlen(code) < CODE_MAX)
		sqlite_venues_put(t, code, rc == 1 ? v : NULL);
	return rc;
}

int
sqlite_venue_by_id(struct store *s, int64_t id, struct venue *v)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_BY_ID);

	sqlite_bind_int(st, 1, id);
	return sqlite_venue_get(s, st, v);
}

/*
 * Every venue (of one ward, or all with ward NULL), by ward and name. The
 * venue handed to cb is only valid during the call.
 */
int
sqlite_venue_list(struct store *s, const char *ward, int include_inactive,
    int (*cb)(const struct venue *, void *), void *arg)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_LIST);
	struct venue	 v;
	int		 rc = SQLITE_DONE, stop = 0;

	sqlite_bind_text(st, 1, ward);
	sqlite_bind_int(st, 2, include_inactive ? 1 : 0);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_venue_fill(st, &v);
		stop = cb(&v, arg);
		store_venue_free(&v);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "venue list");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}

int
sqlite_venue_set_active(struct store *s, const char *code, int active)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_SET_ACTIVE);

	sqlite_bind_text(st, 1, code);
	sqlite_bind_int(st, 2, active ? 1 : 0);
	sqlite_venues_clear(sqlite_txn(s));
	if (sqlite_run(s, st, "venue set active") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

int
sqlite_venue_owned_today(struct store *s, const char *owner, int64_t day_start,
    int (*cb)(const struct venue_day *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_VENUE_OWNED_TODAY);
	struct sqlite_txn	*t = sqlite_txn(s);
	struct venue_day	 d;
	int64_t			 people;
	int			 rc = SQLITE_DONE, n = 0, stop = 0;

	sqlite_bind_text(st, 1, owner);
	sqlite_bind_int(st, 2, day_start);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&d, 0, sizeof d);
		sqlite_col_copy(st, 0, d.code, sizeof d.code);
		d.name = sqlite_col_text(st, 1);
		d.checkins = sqlite3_column_int(st, 2);
		d.people = sqlite3_column_int(st, 3);
		/* The check-ins of the transaction in progress count too. */
		d.checkins += (int)sqlite_stats_pending(t,
		    sqlite3_column_int64(st, 4), day_start, &people);
		d.people += (int)people;
		n++;
		if (cb != NULL)
			stop = cb(&d, arg);
	}
	if (!stop && rc != SQLITE_DONE) {
		sqlite_error(s, "venue owned today");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return n;
}

int
sqlite_venue_update(struct store *s, const char *code, const char *name,
    const char *address, const char *ward, const char *kind, const char *owner,
    int active)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_UPDATE);

	sqlite_bind_text(st, 1, code);
	sqlite_bind_text(st, 2, name);
	sqlite_bind_text(st, 3, address);
	sqlite_bind_text(st, 4, ward);
	sqlite_bind_text(st, 5, kind);
	sqlite_bind_text(st, 6, owner);
	sqlite_bind_int(st, 7, active < 0 ? -1 : active ? 1 : 0);
	sqlite_venues_clear(sqlite_txn(s));
	if (sqlite_run(s, st, "venue update") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

int
sqlite_venue_by_call_number(struct store *s, const char *number, struct venue *v)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_BY_CALL_NUMBER);

	sqlite_bind_text(st, 1, number);
	return sqlite_venue_get(s, st, v);
}

/* 0, 1 no such venue, 2 the number is another venue's, -1. */
int
sqlite_venue_set_call_number(struct store *s, const char *code, const char *number)
{
	sqlite3_stmt	*st;
	int		 r;

	if (number != NULL) {
		st = sqlite_stmt(s, STMT_VENUE_CALL_NUMBER_OWNER);
		sqlite_bind_text(st, 1, number);
		sqlite_bind_text(st, 2, code);
		if ((r = sqlite_row(s, st, "venue call number owner")) == -1)
			return -1;
		if (r == 1) {
			sqlite_done(st);
			return 2;
		}
	}
	st = sqlite_stmt(s, STMT_VENUE_SET_CALL_NUMBER);
	sqlite_bind_text(st, 1, code);
	sqlite_bind_text(st, 2, number);
	if (sqlite_run(s, st, "venue set call number") == -1)
		return -1;
	return sqlite_changes(s) == 0 ? 1 : 0;
}

/* 1 and the number, 0 if the venue has none (or there is no such venue), -1. */
int
sqlite_venue_call_number(struct store *s, const char *code, char *out, size_t outlen)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_VENUE_CALL_NUMBER);
	int		 r;

	out[0] = '\0';
	sqlite_bind_text(st, 1, code);
	if ((r = sqlite_row(s, st, "venue call number")) != 1)
		return r;
	r = sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (r)
		sqlite_col_copy(st, 0, out, outlen);
	sqlite_done(st);
	return r;
}
