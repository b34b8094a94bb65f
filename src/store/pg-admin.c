/*
 * pg-admin.c: the generated secrets of outbound routes, the signed-in browsers
 * of the admin listener and the audit of officials' reads, in PostgreSQL
 * (sqlite-secrets.c, sqlite-sessions.c and the audit statements of
 * sqlite-reports.c and sqlite-ward.c are the specification).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "store/backend.h"
#include "store/pg.h"

#define SESSION_COLUMNS \
	"id_hash, token_name, token_sha256, created_at, used_at, expires_at"

/* The route's kept secret: 1 found (and it fits buf), 0 none, -1 error. */
int
pg_route_secret_get(struct store *s, const char *route, char *buf, size_t len)
{
	const char	*params[1] = { route }, *v;
	PGresult	*r;
	int		 rc;

	r = pg_exec(PG(s), "route secret get",
	    "SELECT secret FROM route_secrets WHERE route = $1", 1, params);
	if (r == NULL)
		return -1;
	rc = 0;
	if (PQntuples(r) == 1) {
		v = pg_get_str(r, 0, 0);
		rc = v != NULL && *v != '\0' && strlen(v) < len;
		if (rc)
			strlcpy(buf, v, len);
	}
	PQclear(r);
	return rc;
}

/* The first one kept wins: other nodes and checkinctl may race. */
int
pg_route_secret_add(struct store *s, const char *route, const char *secret,
    int64_t now)
{
	char		 n[PG_NUM];
	const char	*params[3] = { route, secret, pg_i64(n, now) };

	return pg_run(PG(s), "route secret add",
	    "INSERT INTO route_secrets (route, secret, created_at)"
	    " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", 3, params);
}

/* Row i of a result selecting SESSION_COLUMNS. */
static void
pg_admin_session_read(const PGresult *r, int i, struct admin_session *se)
{
	memset(se, 0, sizeof *se);
	pg_get_buf(r, i, 0, se->id_hash, sizeof se->id_hash);
	pg_get_buf(r, i, 1, se->token_name, sizeof se->token_name);
	pg_get_buf(r, i, 2, se->token_sha256, sizeof se->token_sha256);
	se->created_at = pg_get_i64(r, i, 3);
	se->used_at = pg_get_i64(r, i, 4);
	se->expires_at = pg_get_i64(r, i, 5);
}

int
pg_admin_session_add(struct store *s, const struct admin_session *se, int keep)
{
	char		 c[PG_NUM], u[PG_NUM], e[PG_NUM], k[PG_NUM];
	const char	*add[6] = { se->id_hash, se->token_name,
			    se->token_sha256, pg_i64(c, se->created_at),
			    pg_i64(u, se->used_at), pg_i64(e, se->expires_at) };
	const char	*trim[2] = { se->token_sha256, pg_i64(k, keep) };

	if (pg_run(PG(s), "admin session add",
	    "INSERT INTO admin_sessions (" SESSION_COLUMNS ")"
	    " VALUES ($1, $2, $3, $4, $5, $6)", 6, add) == -1)
		return -1;
	/* All but the $2 newest sessions of token $1, on admin_sessions_token. */
	return pg_run(PG(s), "admin session keep",
	    "DELETE FROM admin_sessions WHERE token_sha256 = $1 AND id_hash"
	    " NOT IN (SELECT id_hash FROM admin_sessions WHERE token_sha256 = $1"
	    " ORDER BY created_at DESC, id_hash LIMIT $2)", 2, trim);
}

int
pg_admin_session_get(struct store *s, const char *id_hash, int64_t now,
    struct admin_session *se)
{
	char		 n[PG_NUM];
	const char	*params[2] = { id_hash, pg_i64(n, now) };
	PGresult	*r;
	int		 found;

	r = pg_exec(PG(s), "admin session get",
	    "SELECT " SESSION_COLUMNS " FROM admin_sessions"
	    " WHERE id_hash = $1 AND expires_at > $2", 2, params);
	if (r == NULL)
		return -1;
	if ((found = PQntuples(r) == 1))
		pg_admin_session_read(r, 0, se);
	PQclear(r);
	return found;
}

int
pg_admin_session_touch(struct store *s, const char *id_hash, int64_t at)
{
	char		 n[PG_NUM];
	const char	*params[2] = { id_hash, pg_i64(n, at) };

	return pg_run(PG(s), "admin session touch",
	    "UPDATE admin_sessions SET used_at = $2 WHERE id_hash = $1",
	    2, params);
}

int
pg_admin_session_end(struct store *s, const char *id_hash)
{
	const char	*params[1] = { id_hash };

	return pg_run(PG(s), "admin session end",
	    "DELETE FROM admin_sessions WHERE id_hash = $1", 1, params);
}

int
pg_admin_session_expire(struct store *s, int64_t now)
{
	char		 n[PG_NUM];
	const char	*params[1] = { pg_i64(n, now) };

	return pg_run(PG(s), "admin session expire",
	    "DELETE FROM admin_sessions WHERE expires_at <= $1", 1, params);
}

int
pg_admin_session_list(struct store *s, int64_t now,
    int (*cb)(const struct admin_session *, void *), void *arg)
{
	char			 n[PG_NUM];
	const char		*params[1] = { pg_i64(n, now) };
	struct admin_session	 se;
	PGresult		*r;
	int			 i;

	r = pg_exec(PG(s), "admin session list",
	    "SELECT " SESSION_COLUMNS " FROM admin_sessions"
	    " WHERE expires_at > $1 ORDER BY token_name, created_at, id_hash",
	    1, params);
	if (r == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		pg_admin_session_read(r, i, &se);
		if (cb(&se, arg) != 0)
			break;
	}
	PQclear(r);
	return 0;
}

int
pg_audit_add(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, int64_t records, int64_t at)
{
	return pg_audit_add_scoped(s, actor, action, subject, query, NULL,
	    records, at);
}

/* How many audit rows name this number as their subject. */
int
pg_audit_count_subject(struct store *s, const char *number, int *count)
{
	const char	*params[1] = { number };
	PGresult	*r;

	*count = 0;
	r = pg_exec(PG(s), "audit count",
	    "SELECT count(*) FROM audit WHERE subject = $1", 1, params);
	if (r == NULL)
		return -1;
	*count = (int)pg_get_i64(r, 0, 0);
	PQclear(r);
	return 0;
}

int
pg_audit_add_scoped(struct store *s, const char *actor, const char *action,
    const char *subject, const char *query, const char *scope,
    int64_t records, int64_t at)
{
	char		 a[PG_NUM], n[PG_NUM];
	const char	*params[7] = { pg_i64(a, at), actor, action, subject,
			    query, pg_i64(n, records), scope };

	return pg_run(PG(s), "audit add",
	    "INSERT INTO audit (at, actor, action, subject, query, records,"
	    " scope) VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, params);
}
