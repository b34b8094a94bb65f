/*
 * sqlite-sessions.c: browsers signed in to the admin listener, in SQLite.
 * A session is found by the hash of its cookie on every page request
 * (the primary key), and expired ones go through admin_sessions_expires.
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

#define SESSION_COLUMNS \
	"id_hash, token_name, token_sha256, created_at, used_at, expires_at"

const struct sqlite_sql sqlite_admin_session_sql[] = {
	{ STMT_ADMIN_SESSION_ADD,
	    "INSERT INTO admin_sessions (" SESSION_COLUMNS ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)" },
	/* All but the ?2 newest sessions of token ?1, on admin_sessions_token. */
	{ STMT_ADMIN_SESSION_KEEP,
	    "DELETE FROM admin_sessions WHERE token_sha256 = ?1 AND id_hash NOT IN"
	    " (SELECT id_hash FROM admin_sessions WHERE token_sha256 = ?1"
	    " ORDER BY created_at DESC, id_hash LIMIT ?2)" },
	{ STMT_ADMIN_SESSION_GET,
	    "SELECT " SESSION_COLUMNS " FROM admin_sessions"
	    " WHERE id_hash = ?1 AND expires_at > ?2" },
	{ STMT_ADMIN_SESSION_TOUCH,
	    "UPDATE admin_sessions SET used_at = ?2 WHERE id_hash = ?1" },
	{ STMT_ADMIN_SESSION_END,
	    "DELETE FROM admin_sessions WHERE id_hash = ?1" },
	{ STMT_ADMIN_SESSION_EXPIRE,
	    "DELETE FROM admin_sessions WHERE expires_at <= ?1" },
	{ STMT_ADMIN_SESSION_LIST,
	    "SELECT " SESSION_COLUMNS " FROM admin_sessions"
	    " WHERE expires_at > ?1 ORDER BY token_name, created_at, id_hash" },
	{ STMT_COUNT, NULL }
};

/* The current row of a statement selecting SESSION_COLUMNS. */
static void
sqlite_admin_session_read(sqlite3_stmt *st, struct admin_session *se)
{
	memset(se, 0, sizeof *se);
	sqlite_col_copy(st, 0, se->id_hash, sizeof se->id_hash);
	sqlite_col_copy(st, 1, se->token_name, sizeof se->token_name);
	sqlite_col_copy(st, 2, se->token_sha256, sizeof se->token_sha256);
	se->created_at = sqlite3_column_int64(st, 3);
	se->used_at = sqlite3_column_int64(st, 4);
	se->expires_at = sqlite3_column_int64(st, 5);
}

int
sqlite_admin_session_add(struct store *s, const struct admin_session *se,
    int keep)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ADMIN_SESSION_ADD);

	sqlite_bind_text(st, 1, se->id_hash);
	sqlite_bind_text(st, 2, se->token_name);
	sqlite_bind_text(st, 3, se->token_sha256);
	sqlite_bind_int(st, 4, se->created_at);
	sqlite_bind_int(st, 5, se->used_at);
	sqlite_bind_int(st, 6, se->expires_at);
	if (sqlite_run(s, st, "admin session add") == -1)
		return -1;
	st = sqlite_stmt(s, STMT_ADMIN_SESSION_KEEP);
	sqlite_bind_text(st, 1, se->token_sha256);
	sqlite_bind_int(st, 2, keep);
	return sqlite_run(s, st, "admin session keep");
}

int
sqlite_admin_session_get(struct store *s, const char *id_hash, int64_t now,
    struct admin_session *se)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ADMIN_SESSION_GET);
	int		 rc;

	sqlite_bind_text(st, 1, id_hash);
	sqlite_bind_int(st, 2, now);
	if ((rc = sqlite_row(s, st, "admin session get")) != 1)
		return rc;
	sqlite_admin_session_read(st, se);
	sqlite_done(st);
	return 1;
}

int
sqlite_admin_session_touch(struct store *s, const char *id_hash, int64_t at)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ADMIN_SESSION_TOUCH);

	sqlite_bind_text(st, 1, id_hash);
	sqlite_bind_int(st, 2, at);
	return sqlite_run(s, st, "admin session touch");
}

int
sqlite_admin_session_end(struct store *s, const char *id_hash)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ADMIN_SESSION_END);

	sqlite_bind_text(st, 1, id_hash);
	return sqlite_run(s, st, "admin session end");
}

int
sqlite_admin_session_expire(struct store *s, int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_ADMIN_SESSION_EXPIRE);

	sqlite_bind_int(st, 1, now);
	return sqlite_run(s, st, "admin session expire");
}

int
sqlite_admin_session_list(struct store *s, int64_t now,
    int (*cb)(const struct admin_session *, void *), void *arg)
{
	sqlite3_stmt		*st = sqlite_stmt(s, STMT_ADMIN_SESSION_LIST);
	struct admin_session	 se;
	int			 rc;

	sqlite_bind_int(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite_admin_session_read(st, &se);
		if (cb(&se, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite_error(s, "admin session list");
		sqlite_done(st);
		return -1;
	}
	sqlite_done(st);
	return 0;
}
