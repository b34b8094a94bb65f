/*
 * chan.h: channels that are routes of their own: they keep a connection
 * (an SMPP bind, a modem's serial port), bring messages in through
 * inbound.c, and send their route's outbox rows (outbox_attach). The server
 * runs one per route whose driver names a channel.
 *
 * A channel keeps its route's name, not a pointer into the configuration:
 * the configuration is replaced on SIGHUP, after which reload is called.
 */
#ifndef CHAN_H
#define CHAN_H

struct event_base;
struct inbound;
struct outbox;
struct config;
struct route;
struct chans;

/*
 * What a channel of its own is given: the loop, the group commit its
 * messages go through, the outbox it sends for, and the configuration in
 * force (chans_reload keeps it current).
 */
struct chan_env {
	struct event_base	*base;
	struct inbound		*inbound;
	struct outbox		*outbox;
	const struct config	*cfg;
};

struct chan_driver {
	const char	*driver;	/* the route driver it serves: "smpp", "modem" */
	/* Start for route (connecting in the background); NULL only for a fatal error. */
	void		*(*start)(const struct chan_env *, const struct route *);
	/* The route's settings may have changed: reconnect if its connection settings did. */
	void		 (*reload)(void *, const struct route *);
	/* Stop taking work and close politely (unbind); done(arg) once closed. */
	void		 (*stop)(void *, void (*done)(void *), void *arg);
	void		 (*free)(void *);
};

/* Start a channel for every route whose driver is a channel's. */
struct chans	*chans_start(const struct chan_env *);
/* After a reload: start new routes' channels, reload the kept ones, stop removed ones. */
void		 chans_reload(struct chans *, const struct config *);
/* Stop them all; done(arg) when every one has closed, or after grace seconds. */
void		 chans_stop(struct chans *, int grace, void (*done)(void *), void *arg);
void		 chans_free(struct chans *);

extern const struct chan_driver	smpp_driver;
extern const struct chan_driver	modem_driver;

#endif
