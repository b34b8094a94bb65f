/*
 * purge.h: retention. Personal rows older than retention_days are deleted
 * by a periodic purge on a thread of its own with its own connection, in
 * chunks of one short transaction each; the aggregates (daily_stats,
 * ward_days) stay for reports.
 */
#ifndef PURGE_H
#define PURGE_H

struct event_base;
struct store;
struct config;
struct purge;

struct purge	*purge_start(struct event_base *, struct store *, const struct config *);
/* The configuration was replaced: retention_days, purge.interval from now on. */
void		 purge_reload(struct purge *, const struct config *);
void		 purge_stop(struct purge *);

#endif
