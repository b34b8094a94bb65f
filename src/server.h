/* server.h: the daemon: one event loop, the configuration, the database. */
#ifndef SERVER_H
#define SERVER_H

struct event_base;
struct config;
struct store;
struct chan_http;
struct outbox;
struct admin;
struct purge;
struct inbound;
struct chans;

/*
 * A group commit that finds the database locked by another process tries
 * again every SERVER_LOCK_RETRY_MS, from a timer (the loop goes on), for
 * SERVER_LOCK_WAIT seconds; then its messages are refused for a retry.
 */
#define SERVER_LOCK_RETRY_MS	10
#define SERVER_LOCK_WAIT	0.5

struct server {
	struct event_base	*base;
	struct config		*cfg;		/* replaced whole on SIGHUP */
	struct store		*store;
	struct chan_http	*http;
	struct outbox		*outbox;
	struct admin		*admin;		/* NULL when admin.listen is not set */
	struct purge		*purge;
	struct inbound		*inbound;	/* the way in for SMPP and modems */
	struct chans		*chans;		/* SMPP binds and modems */
	int			 stopping;
};

/* Load cfg_path, open the database, listen, run until SIGTERM/SIGINT. Exit status. */
int	server_main(const char *cfg_path, int foreground, int verbose);

#endif
