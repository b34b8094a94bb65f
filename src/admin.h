/*
 * admin.h: the officials' HTTP API on its own listener (admin.listen), with
 * bearer tokens and roles; every read of personal data is audited.
 */
#ifndef ADMIN_H
#define ADMIN_H

struct server;
struct admin;

/* Listen on cfg->admin_listen; NULL without error when it is not set, NULL and a log line on failure (*failed = 1). */
struct admin	*admin_start(struct server *, int *failed);
void		 admin_reload(struct admin *);
void		 admin_stop(struct admin *);

#endif
