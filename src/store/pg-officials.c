/*
 * pg-officials.c: venues, the ward's workflow (inspectors, inspections,
 * registrations, flags), traces, reports and the purge.
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

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_insert(struct store *s, struct venue *a1)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_by_code(struct store *s, const char *code, struct venue *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_by_id(struct store *s, int64_t id, struct venue *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_list(struct store *s, const char *ward, int include_inactive, int (*cb)(const struct venue *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_set_active(struct store *s, const char *code, int active)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_owned_today(struct store *s, const char *owner, int64_t day_start, int (*cb)(const struct venue_day *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_update(struct store *s, const char *code, const char *name, const char *address, const char *ward, const char *kind, const char *owner, int active)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_by_call_number(struct store *s, const char *number, struct venue *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_set_call_number(struct store *s, const char *code, const char *number)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_call_number(struct store *s, const char *code, char *out, size_t outlen)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_trace_venue(struct store *s, int64_t venue_id, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_trace_person(struct store *s, const char *number, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_trace_contacts(struct store *s, const char *number, int64_t from, int64_t to, int default_stay, int (*cb)(const struct trace_row *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_alert_numbers(struct store *s, int64_t venue_id, int64_t from, int64_t to, int default_stay, int (*cb)(const char *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_report_oldest(struct store *s, int64_t *oldest)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_report_day(struct store *s, int64_t day, int64_t next, int64_t *kept, int64_t *counted)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_report_wards(struct store *s, int64_t day_from, int64_t from, int64_t to, int64_t kept, int (*cb)(const struct ward_row *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_report_inactive(struct store *s, int64_t day_since, int64_t since, int (*cb)(const struct venue *, int64_t, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_daily_series(struct store *s, int64_t venue_id, int64_t day_from, int64_t to, int (*cb)(int64_t, int64_t, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_purge(struct store *s, int64_t before, int chunk, int dry_run, int64_t *deleted)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_life(struct store *s, int64_t venue_id, struct venue_life *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_set_listed(struct store *s, int64_t venue_id)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_set_code(struct store *s, int64_t venue_id, const char *code)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_commit(struct store *s, int64_t venue_id, int64_t at, const char *by, const char *recorder)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_venue_coords(struct store *s, int64_t venue_id, int has, double lat, double lon)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspector_add(struct store *s, const struct inspector *a1)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspector_del(struct store *s, const char *number)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspector_get(struct store *s, const char *number, struct inspector *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspector_list(struct store *s, int (*cb)(const struct inspector *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int64_t
pg_inspection_add(struct store *s, const struct inspection *a1)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspection_list(struct store *s, const char *ward, int64_t from, int64_t to, int (*cb)(const struct inspection *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_inspection_last(struct store *s, int64_t venue_id, struct inspection *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int64_t
pg_registration_add(struct store *s, const struct registration *a1)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_registration_get(struct store *s, int64_t id, struct registration *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_registration_open(struct store *s, const char *number, struct registration *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_registration_set(struct store *s, const char *from, const struct registration *a2)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_registration_list(struct store *s, const char *ward, const char *state, int (*cb)(const struct registration *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_ward_names(struct store *s, int (*cb)(const char *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_flag_list(struct store *s, const char *ward, int64_t from, int64_t to, int (*cb)(const struct flag_row *, void *), void *arg)
{
	return -1;
}

/* TODO(pg-officials.c): not built yet. */
int
pg_report_life(struct store *s, int64_t day_from, int64_t from, int64_t to, int (*cb)(const struct ward_life *, void *), void *arg)
{
	return -1;
}
