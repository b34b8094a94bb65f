/*
 * purge.h: retention. Personal rows older than retention_days are deleted
 * by a periodic purge in small chunks, each its own short transaction, the
 * loop free between chunks; daily_stats stay for reports.
 */
#ifndef PURGE_H
#define PURGE_H

struct server;
struct purge;

struct purge	*purge_start(struct server *);
void		 purge_stop(struct purge *);

#endif
