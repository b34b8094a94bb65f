/*
 * purge.h: retention. Personal rows older than retention_days are deleted
 * by a periodic purge in small chunks, each its own short transaction, the
 * loop free between chunks; daily_stats stay for reports.
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
