/*
 * server.c: the daemon's life: configuration, database, the event loop,
 * signals. SIGHUP reloads the configuration (a bad file is refused and the
 * running one kept); SIGTERM and SIGINT stop taking work and close the
 * database cleanly.
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "store/store.h"
#include "core/inbound.h"
#include "core/metrics.h"
#include "send/outbox.h"
#include "chan/chan-http.h"
#include "chan/chan.h"
#include "officials/admin.h"
#include "officials/purge.h"
#include "officials/readers.h"
#include "daemon/server.h"

#define SERVER_BUSY_TIMEOUT	20	/* ms the loop may wait for a write lock held elsewhere */
#define SERVER_GRACE		5	/* seconds sends in flight may take to finish at a stop */
#define SERVER_CHAN_GRACE	3	/* seconds SMPP binds may take to unbind at a stop */
#define SERVER_DRAIN_MS		100	/* ms the loop runs on at a stop to send the last answers */
#define SERVER_WATCH_MS		25	/* the loop watch's period */
#define SERVER_STALL_MS		20	/* a loop late by more is a stall */

struct server {
	struct event_base	*base;
	struct config		*cfg;		/* replaced whole on SIGHUP */
	struct store		*store;
	struct chan_http	*http;
	struct outbox		*outbox;
	struct admin		*admin;		/* NULL when admin.listen is not set */
	struct purge		*purge;
	struct readers		*readers;	/* officials' heavy reads; NULL: on the loop */
	struct inbound		*inbound;	/* the way in for SMPP and modems */
	struct chans		*chans;		/* SMPP binds and modems */
	int			 stopping;
	struct event		*watch;		/* measures how late the loop runs */
	double			 watch_due;	/* num_mono() it was due */
	double			 stall_max;	/* seconds */
};

/*
 * Take all the open files the system allows (the soft limit up to the hard
 * one): every webhook connection, SMPP bind and modem is a descriptor, and
 * the default soft limit of 1024 is below http.max_connections' reach.
 */
static void
server_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		log_warn("setrlimit RLIMIT_NOFILE");
}

/* A reload under way: the configuration read, waiting for the store thread. */
struct server_reload {
	struct server	*srv;
	struct config	*cfg;
};

/* On the store thread: the new routes' delivery-report secrets, kept or made. */
static int
server_reload_secrets(struct store *st, const struct config *running, void *arg)
{
	struct server_reload	*rl = arg;

	return store_dlr_secrets(st, rl->cfg);
}

/*
 * Back on the loop, the store thread paused: the zone and the configuration
 * change for every part, then the thread goes on.
 */
static void
server_reload_apply(void *arg, int rc)
{
	struct server_reload	*rl = arg;
	struct server		*srv = rl->srv;
	struct config		*cfg = rl->cfg;

	free(rl);
	if (rc == -1) {
		log_warnx("reload refused: no delivery-report secrets");
		goto refused;
	}
	if (tz_set(cfg->timezone) == -1) {
		log_warnx("reload refused: unknown timezone");
		goto refused;
	}
	config_free(srv->cfg);
	srv->cfg = cfg;
	store_set_max_size(srv->store, (int64_t)cfg->max_database_mb << 20);
	chan_http_reload(srv->http, cfg);
	outbox_reload(srv->outbox, cfg);
	inbound_reload(srv->inbound, cfg);
	chans_reload(srv->chans, cfg);
	admin_reload(srv->admin, cfg);
	readers_reload(srv->readers, cfg->admin_query_timeout);
	purge_reload(srv->purge, cfg);
	inbound_resume(srv->inbound);
	log_info("configuration reloaded file=%s", cfg->file);
	return;
refused:
	config_free(cfg);
	inbound_resume(srv->inbound);
}

/*
 * SIGHUP: read the file on the loop; the secrets are the store thread's
 * work, and the rest waits for it there (the thread reads the zone and the
 * configuration), without the loop waiting.
 */
static void
server_reload(struct server *srv)
{
	struct server_reload	*rl;
	struct config		*cfg;
	char			 err[512];

	if ((cfg = config_load(srv->cfg->file, route_drivers, fmt_formats, err,
	    sizeof err)) == NULL) {
		log_warnx("reload refused, keeping the running configuration: %s", err);
		return;
	}
	if (strcmp(cfg->database, srv->cfg->database) != 0 ||
	    strcmp(cfg->http_listen, srv->cfg->http_listen) != 0) {
		/* The open database and the bound socket stay until a restart. */
		log_warnx("reload: database and http.listen take effect on restart");
		free(cfg->database);
		cfg->database = xstrdup(srv->cfg->database);
		free(cfg->http_listen);
		cfg->http_listen = xstrdup(srv->cfg->http_listen);
	}
	rl = xcalloc(1, sizeof *rl);
	rl->srv = srv;
	rl->cfg = cfg;
	inbound_call_pause(srv->inbound, server_reload_secrets, server_reload_apply, rl);
}

/*
 * The loop's watch: a timer every SERVER_WATCH_MS; how late it fires is
 * how long some callback held the loop. The longest is a gauge of
 * /metrics, and each lateness over SERVER_STALL_MS is counted.
 */
static void
server_watch(evutil_socket_t fd, short events, void *arg)
{
	struct server	*srv = arg;
	struct timeval	 tv = { 0, SERVER_WATCH_MS * 1000 };
	double		 now = num_mono(), late;

	(void)fd;
	(void)events;
	if (srv->watch_due > 0) {
		late = now - srv->watch_due;
		if (late > srv->stall_max) {
			srv->stall_max = late;
			metrics_set(METRIC_LOOP_STALL_MAX, NULL, NULL, late);
		}
		if (late * 1e3 > SERVER_STALL_MS)
			metrics_add(METRIC_LOOP_STALLS, NULL, NULL, 1);
	}
	srv->watch_due = now + SERVER_WATCH_MS / 1e3;
	evtimer_add(srv->watch, &tv);
}

/* The inbound commit queued replies: the outbox looks at once. */
static void
server_kick(void *arg)
{
	struct server	*srv = arg;

	outbox_kick(srv->outbox);
}

/*
 * Every message handed over is answered: leave the loop in a moment, the
 * few turns libevent takes to write those answers to their connections.
 */
static void
server_drained(void *arg)
{
	struct server	*srv = arg;
	struct timeval	 tv = { 0, SERVER_DRAIN_MS * 1000 };

	event_base_loopexit(srv->base, &tv);
}

/* The channels are closed: wait for the check-ins still being committed. */
static void
server_stopped(void *arg)
{
	struct server	*srv = arg;

	inbound_drain(srv->inbound, server_drained, srv);
}

/* Sends in flight are over: now close the channels (unbind). */
static void
server_outbox_stopped(void *arg)
{
	struct server	*srv = arg;

	chans_stop(srv->chans, SERVER_CHAN_GRACE, server_stopped, srv);
}

static void
server_signal(evutil_socket_t sig, short events, void *arg)
{
	struct server	*srv = arg;

	switch (sig) {
	case SIGHUP:
		/* A stop waits for a reload under way; none begins after it. */
		if (!srv->stopping)
			server_reload(srv);
		break;
	case SIGTERM:
	case SIGINT:
		if (srv->stopping)
			break;
		log_info("stopping signal=%d", (int)sig);
		srv->stopping = 1;
		chan_http_closing(srv->http);
		admin_closing(srv->admin);
		outbox_stop(srv->outbox, SERVER_GRACE, server_outbox_stopped, srv);
		break;
	}
}

static struct chans *
server_chans_start(struct server *srv)
{
	struct chan_env	env = { srv->base, srv->inbound, srv->outbox, srv->cfg };

	return chans_start(&env);
}

int
server_main(const char *cfg_path, int foreground, int verbose)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT };
	struct server	 srv;
	struct event	*sev[nitems(sigs)];
	char		 err[512], shown[512];
	size_t		 i;
	int		 failed = 0;

	log_init(1, verbose);
	memset(&srv, 0, sizeof srv);
	if ((srv.cfg = config_load(cfg_path, route_drivers, fmt_formats, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "checkind: %s\n", err);
		return 1;
	}
	if (tz_set(srv.cfg->timezone) == -1) {
		fprintf(stderr, "checkind: %s: timezone: unknown zone \"%s\"\n",
		    cfg_path, srv.cfg->timezone);
		return 1;
	}
	if ((srv.store = store_open(srv.cfg->database, err, sizeof err)) == NULL) {
		fprintf(stderr, "checkind: %s: %s\n", store_shown(srv.cfg->database,
		    shown, sizeof shown), err);
		config_free(srv.cfg);
		return 1;
	}
	if (store_dlr_secrets(srv.store, srv.cfg) == -1) {
		fprintf(stderr, "checkind: %s: no delivery-report secrets\n",
		    store_shown(srv.cfg->database, shown, sizeof shown));
		store_close(srv.store);
		config_free(srv.cfg);
		return 1;
	}
	if (store_set_max_size(srv.store, (int64_t)srv.cfg->max_database_mb << 20) == -1) {
		store_close(srv.store);
		config_free(srv.cfg);
		return 1;
	}
	if (!srv.cfg->durable && store_set_durable(srv.store, 0) == -1) {
		store_close(srv.store);
		config_free(srv.cfg);
		return 1;
	}
	if (!foreground) {
		/* Keep the working directory: relative paths must still work on SIGHUP. */
		if (daemon(1, 0) == -1)
			fatal("daemon");
		log_init(0, verbose);
	}
	/* After daemon(): a thread does not survive the fork. */
	if (store_checkpointer(srv.store) == -1) {
		store_close(srv.store);
		config_free(srv.cfg);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	server_nofile();
	if ((srv.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	/*
	 * Before anything listens: a SIGTERM sent as soon as the port answers
	 * must stop the daemon cleanly, not kill it. It waits in libevent
	 * until the loop runs, when everything is started.
	 */
	for (i = 0; i < nitems(sigs); i++) {
		sev[i] = evsignal_new(srv.base, sigs[i], server_signal, &srv);
		if (sev[i] == NULL || evsignal_add(sev[i], NULL) == -1)
			fatalx("evsignal_new");
	}
	srv.inbound = inbound_new(srv.base, srv.store, srv.cfg, server_kick, &srv);
	if ((srv.http = chan_http_start(srv.base, srv.store, srv.cfg, srv.inbound)) == NULL ||
	    (srv.outbox = outbox_start(srv.base, srv.store, srv.cfg)) == NULL ||
	    (srv.chans = server_chans_start(&srv)) == NULL ||
	    ((srv.admin = admin_start(srv.base, srv.store, srv.cfg, srv.outbox,
	    &failed)) == NULL && failed)) {
		chans_free(srv.chans);
		inbound_free(srv.inbound);
		outbox_free(srv.outbox);
		chan_http_stop(srv.http);
		store_close(srv.store);
		config_free(srv.cfg);
		for (i = 0; i < nitems(sigs); i++)
			event_free(sev[i]);
		event_base_free(srv.base);
		return 1;
	}
	if (srv.admin != NULL) {
		/* Officials' reads on threads of their own, each its own connection. */
		if ((srv.readers = readers_start(srv.base, srv.cfg->database,
		    srv.cfg->admin_readers, srv.cfg->admin_query_timeout, err,
		    sizeof err)) == NULL)
			log_warnx("admin: no reader threads (%s): reports run on"
			    " the loop", err);
		admin_readers(srv.admin, srv.readers);
	}
	srv.purge = purge_start(srv.base, srv.store, srv.cfg);
	/*
	 * Until here the start-up writes (requeueing rows left "sending")
	 * waited as long as checkinctl may hold the lock; from now on the
	 * loop must not wait long.
	 */
	store_set_busy_timeout(srv.store, SERVER_BUSY_TIMEOUT);
	if ((srv.watch = evtimer_new(srv.base, server_watch, &srv)) == NULL)
		fatalx("evtimer_new");
	metrics_set(METRIC_LOOP_STALL_MAX, NULL, NULL, 0);
	server_watch(-1, 0, &srv);
	log_info("checkind started version=%s schema=%d", PACKAGE_VERSION,
	    store_version(srv.store));

	event_base_dispatch(srv.base);

	event_free(srv.watch);
	purge_stop(srv.purge);
	readers_stop(srv.readers);
	admin_stop(srv.admin);
	chan_http_stop(srv.http);
	chans_free(srv.chans);
	inbound_free(srv.inbound);
	outbox_free(srv.outbox);
	for (i = 0; i < nitems(sigs); i++)
		event_free(sev[i]);
	store_close(srv.store);
	event_base_free(srv.base);
	config_free(srv.cfg);
	log_info("checkind stopped");
	return 0;
}
