/*
 * admin.h: the officials' HTTP API on its own listener (admin.listen), with
 * bearer tokens and roles; every read of personal data is audited.
 */
#ifndef ADMIN_H
#define ADMIN_H

struct event_base;
struct store;
struct config;
struct outbox;
struct admin;
struct readers;
struct inbound;

/*
 * Listen on cfg->admin_listen; NULL without error when it is not set, NULL
 * and a log line on failure (*failed = 1). The officials' store work runs
 * on inbound's store thread (inbound_call); stop it after admin_stop.
 */
struct admin	*admin_start(struct event_base *, struct store *, const struct config *,
		    struct outbox *, struct inbound *, int *failed);
/* The configuration was replaced: tokens, limits from now on. */
void		 admin_reload(struct admin *, const struct config *);
/*
 * Run the heavy reads (traces, reports, the dashboard) on these reader
 * threads from now on; without, they run on the loop. Stop the readers
 * (readers_stop) before admin_stop: they answer what they were given.
 */
void		 admin_readers(struct admin *, struct readers *);
/* The daemon is stopping: every request from now on is 503. */
void		 admin_closing(struct admin *);
void		 admin_stop(struct admin *);

#endif
