/*
 * sqlite-secrets.c: the secrets checkind generates for itself and must
 * keep across restarts (the delivery-report secret of an outbound route
 * without a dlr_secret of its own).
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

const struct sqlite_sql sqlite_secret_sql[] = {
	{ STMT_SECRET_GET,
	    "SELECT secret FROM route_secrets WHERE route = ?1" },

	/* The first one kept wins: checkinctl and the daemon may race. */
	{ STMT_SECRET_ADD,
	    "INSERT OR IGNORE INTO route_secrets (route, secret, created_at)"
	    " VALUES (?1, ?2, ?3)" },
	{ STMT_COUNT, NULL },
};

int
sqlite_route_secret_get(struct store *s, const char *route, char *buf,
    size_t len)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SECRET_GET);
	const char	*v;
	int		 rc;

	sqlite_bind_text(st, 1, route);
	if ((rc = sqlite_row(s, st, "route secret get")) != 1)
		return rc;
	v = sqlite_col_text(st, 0);
	rc = *v != '\0' && strlen(v) < len;
	if (rc)
		strlcpy(buf, v, len);
	sqlite_done(st);
	return rc;
}

int
sqlite_route_secret_add(struct store *s, const char *route, const char *secret,
    int64_t now)
{
	sqlite3_stmt	*st = sqlite_stmt(s, STMT_SECRET_ADD);

	sqlite_bind_text(st, 1, route);
	sqlite_bind_text(st, 2, secret);
	sqlite_bind_int(st, 3, now);
	return sqlite_run(s, st, "route secret add");
}
