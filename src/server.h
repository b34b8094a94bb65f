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
