/*
 * pg-resident.c: a resident's path: inbound messages and their replies, check-ins,
 * declarations, sessions, subscribers, parts of long messages, USSD
 * and voice sessions, fraud flags.
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

/* TODO(pg-resident.c): not built yet. */
int64_t
pg_checkin_add(struct store *s, const struct checkin *a1, const char *channel, int64_t inbound_id, int64_t day, int64_t next)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_recent(struct store *s, const char *number, int64_t venue_id, int64_t since, struct checkin *a4)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_open(struct store *s, const char *number, int64_t venue_id, struct checkin *a3)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_close(struct store *s, int64_t id, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_close_all(struct store *s, const char *number, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_history(struct store *s, const char *number, int limit, int (*cb)(const struct checkin_seen *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int64_t
pg_declaration_start(struct store *s, const char *number, int64_t venue_id, int64_t checkin_id, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_declaration_answer(struct store *s, int64_t decl_id, const char *question, const char *answer, int flagged, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_declaration_finish(struct store *s, int64_t decl_id, int flagged, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_declaration_last(struct store *s, const char *number, int64_t *completed_at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_declaration_flagged(struct store *s, int64_t decl_id, int *flagged)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_session_get(struct store *s, const char *number, int64_t now, struct session *a3)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_session_put(struct store *s, const struct session *a1)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_session_clear(struct store *s, const char *number)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_subscriber_get(struct store *s, const char *number, struct subscriber *a2)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_subscriber_set_lang(struct store *s, const char *number, int lang)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_subscriber_set_optout(struct store *s, const char *number, int opted_out)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_subscriber_set_help_at(struct store *s, const char *number, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_resident_get(struct store *s, const char *number, int64_t now, int64_t hour, int64_t minute, const char *text, struct resident *a6)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_inbound_find(struct store *s, const char *channel, const char *ext_id, char **replies)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int64_t
pg_inbound_add(struct store *s, const char *channel, const char *ext_id, const char *number, const char *text, int64_t received_at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_inbound_set_replies(struct store *s, int64_t id, const char *replies)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_inbound_recent(struct store *s, const char *channel, const char *key, double from, double until)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_inbound_recent_from(struct store *s, const char *number, int64_t hour, int64_t minute, const char *text, int64_t except, struct inbound_recent *a6)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int64_t
pg_inbound_reserve(struct store *s)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_inbound_add_replies(struct store *s, int64_t id, const char *channel, const char *ext_id, const char *number, const char *text, int64_t received_at, const char *replies)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_part_add(struct store *s, const struct part_key *a1, unsigned seq, const char *text, int64_t sent_at, int64_t received_at, int64_t dedup_since)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_part_take(struct store *s, const struct part_key *a1, char **text, int64_t *sent_at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_part_expired(struct store *s, int64_t before, struct part_set *a2)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_part_forget(struct store *s, int64_t before)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_ussd_get(struct store *s, const char *id, struct ussd_session *a2)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_ussd_put(struct store *s, const struct ussd_session *a1)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_ussd_last(struct store *s, const char *number, int64_t since, struct ussd_session *a3)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_ussd_end(struct store *s, const char *id, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_checkin_places(struct store *s, const char *number, int64_t since, int64_t until, int64_t except, int (*cb)(const struct checkin_place *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int64_t
pg_flag_add(struct store *s, int64_t checkin_id, int64_t venue_id, int64_t prev_checkin_id, int64_t prev_venue_id, int64_t distance_m, int64_t seconds, int64_t at)
{
	return -1;
}

/* TODO(pg-resident.c): not built yet. */
int
pg_held_flush(struct pg_store *q)
{
	(void)q;
	return 0;
}

/* TODO(pg-resident.c): not built yet. */
void
pg_held_forget(struct pg_store *q, int depth)
{
	(void)q;
	(void)depth;
}
