/*
 * pg-outbox.c: the outbox, shared by several nodes (claims with FOR UPDATE SKIP
 * LOCKED and a lease), and delivery reports.
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

/* TODO(pg-outbox.c): not built yet. */
int64_t
pg_outbox_add(struct store *s, const char *route, const char *number, const char *text, int64_t now, int64_t expires_at, int64_t inbound_id)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_due(struct store *s, const char *route, double now, int limit, int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_next(struct store *s, const char *route, double *at)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_claim(struct store *s, int64_t id, const char *route, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_sent(struct store *s, int64_t id, const char *ext_id, const char *ext_key, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_retry(struct store *s, int64_t id, double next_at, const char *error, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_final(struct store *s, int64_t id, enum outbox_state a2, const char *error, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_dlr_find(struct store *s, int64_t id, const char *route, const char *ext_key, int64_t *rid, int *state)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_dlr_set(struct store *s, int64_t id, enum outbox_state state, enum outbox_state next, const char *dlr_state, const char *error, const char *ext_id, const char *ext_key, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_requeue_sending(struct store *s, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_get(struct store *s, int64_t id, struct outbox_msg *a2)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_list(struct store *s, int state, const char *route, int limit, int (*cb)(const struct outbox_msg *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_requeue(struct store *s, int64_t id, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_cancel(struct store *s, int64_t id, int64_t now)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_count(struct store *s, int (*cb)(const char *, enum outbox_state, int64_t, void *), void *arg)
{
	return -1;
}

/* TODO(pg-outbox.c): not built yet. */
int
pg_outbox_depth(struct store *s, int (*cb)(const char *, int64_t, int64_t, void *), void *arg)
{
	return -1;
}
