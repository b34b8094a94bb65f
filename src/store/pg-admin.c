/*
 * pg-admin.c: the generated secrets of outbound routes, the signed-in browsers
 * of the admin listener and the audit of officials' reads.
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

/* TODO(pg-admin.c): not built yet. */
int
pg_route_secret_get(struct store *s, const char *route, char *buf, size_t len)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_route_secret_add(struct store *s, const char *route, const char *secret, int64_t now)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_add(struct store *s, const struct admin_session *a1, int keep)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_get(struct store *s, const char *id_hash, int64_t now, struct admin_session *a3)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_touch(struct store *s, const char *id_hash, int64_t at)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_end(struct store *s, const char *id_hash)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_expire(struct store *s, int64_t now)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_admin_session_list(struct store *s, int64_t now, int (*cb)(const struct admin_session *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_audit_add(struct store *s, const char *actor, const char *action, const char *subject, const char *query, int64_t records, int64_t at)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_audit_count_subject(struct store *s, const char *number, int *count)
{
	return -1;
}

/* TODO(pg-admin.c): not built yet. */
int
pg_audit_add_scoped(struct store *s, const char *actor, const char *action, const char *subject, const char *query, const char *scope, int64_t records, int64_t at)
{
	return -1;
}
