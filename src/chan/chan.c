/*
 * chan.c: the channels that are routes of their own (SMPP binds, modems):
 * one per such route, started with the daemon, matched to the routes again
 * on every reload, stopped politely at the end.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "core/inbound.h"
#include "chan/chan.h"

struct chan {
	char			 name[64];
	const struct chan_driver *drv;
	void			*obj;
	struct chans		*chans;
	int			 stopped;	/* its stop is over */
	int			 retired;	/* its route is gone: freed once stopped */
};

struct chans {
	struct chan_env		 env;
	struct chan		**v;
	size_t			 n;
	int			 stopping;
	struct event		*grace;
	void			(*done)(void *);
	void			*done_arg;
};

static struct chan *
chans_find(struct chans *cs, const char *name)
{
	size_t	i;

	for (i = 0; i < cs->n; i++) {
		if (!cs->v[i]->retired && strcmp(cs->v[i]->name, name) == 0)
			return cs->v[i];
	}
	return NULL;
}

static void
chans_destroy(struct chans *cs, size_t i)
{
	struct chan	*c = cs->v[i];

	inbound_forget(cs->env.inbound, c->obj);
	c->drv->free(c->obj);
	free(c);
	cs->v[i] = cs->v[--cs->n];
}

/* The whole stop is over: every channel closed, or the grace ran out. */
static void
chans_finish(struct chans *cs)
{
	void	(*done)(void *) = cs->done;

	if (done == NULL)
		return;
	cs->done = NULL;
	if (cs->grace != NULL)
		event_del(cs->grace);
	done(cs->done_arg);
}

/* Free a retired channel, outside its own callbacks. */
static void
chans_reap(evutil_socket_t fd, short events, void *arg)
{
	struct chan	*c = arg;
	struct chans	*cs = c->chans;
	size_t		 i;

	if (cs->stopping)
		return;		/* chans_free will */
	for (i = 0; i < cs->n; i++) {
		if (cs->v[i] == c) {
			log_info("chan=%s stopped: its route is gone", c->name);
			chans_destroy(cs, i);
			return;
		}
	}
}

static void
chans_stopped(void *arg)
{
	struct chan	*c = arg;
	struct chans	*cs = c->chans;
	size_t		 i;

	c->stopped = 1;
	if (c->retired && !cs->stopping) {
		if (event_base_once(cs->env.base, -1, EV_TIMEOUT, chans_reap, c, NULL) == -1)
			fatalx("event_base_once");
		return;
	}
	if (!cs->stopping)
		return;
	for (i = 0; i < cs->n; i++) {
		if (!cs->v[i]->stopped)
			return;
	}
	chans_finish(cs);
}

static int
chans_add(struct chans *cs, const struct route *r, const struct chan_driver *drv)
{
	struct chan	*c;

	c = xcalloc(1, sizeof *c);
	strlcpy(c->name, r->name, sizeof c->name);
	c->drv = drv;
	c->chans = cs;
	if ((c->obj = drv->start(&cs->env, r)) == NULL) {
		log_warnx("chan=%s cannot start", r->name);
		free(c);
		return -1;
	}
	cs->v = xreallocarray(cs->v, cs->n + 1, sizeof *cs->v);
	cs->v[cs->n++] = c;
	return 0;
}

struct chans *
chans_start(const struct chan_env *env)
{
	const struct config		*cfg = env->cfg;
	const struct chan_driver	*drv;
	struct chans			*cs;
	size_t				 i;

	cs = xcalloc(1, sizeof *cs);
	cs->env = *env;
	for (i = 0; i < cfg->nroutes; i++) {
		if ((drv = cfg->routes[i].drv->link) == NULL)
			continue;
		if (chans_add(cs, &cfg->routes[i], drv) == -1) {
			chans_free(cs);
			return NULL;
		}
	}
	return cs;
}

void
chans_reload(struct chans *cs, const struct config *cfg)
{
	const struct chan_driver	*drv;
	const struct route		*r;
	struct chan			*c;
	size_t				 i, n = cs->n;

	cs->env.cfg = cfg;
	if (cs->stopping)
		return;
	for (i = 0; i < n; i++) {
		c = cs->v[i];
		if (c->retired)
			continue;
		r = config_route(cfg, c->name);
		if (r != NULL && r->drv->link == c->drv) {
			c->drv->reload(c->obj, r);
			continue;
		}
		c->retired = 1;
		c->drv->stop(c->obj, chans_stopped, c);
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if ((drv = r->drv->link) == NULL || chans_find(cs, r->name) != NULL)
			continue;
		log_info("chan=%s starting: a new route", r->name);
		chans_add(cs, r, drv);
	}
}

static void
chans_grace_over(evutil_socket_t fd, short events, void *arg)
{
	struct chans	*cs = arg;

	log_warnx("chans: %s", "not every channel closed in time");
	chans_finish(cs);
}

void
chans_stop(struct chans *cs, int grace, void (*done)(void *), void *arg)
{
	struct timeval	tv = { grace, 0 };
	size_t		i;

	cs->stopping = 1;
	cs->done = done;
	cs->done_arg = arg;
	if ((cs->grace = evtimer_new(cs->env.base, chans_grace_over, cs)) == NULL)
		fatalx("evtimer_new");
	evtimer_add(cs->grace, &tv);
	if (cs->n == 0) {
		chans_finish(cs);
		return;
	}
	for (i = 0; i < cs->n; i++) {
		if (!cs->v[i]->stopped)
			cs->v[i]->drv->stop(cs->v[i]->obj, chans_stopped, cs->v[i]);
	}
	/* Every one may have been closed already (or closed at once). */
	for (i = 0; i < cs->n; i++) {
		if (!cs->v[i]->stopped)
			return;
	}
	chans_finish(cs);
}

void
chans_free(struct chans *cs)
{
	if (cs == NULL)
		return;
	while (cs->n > 0)
		chans_destroy(cs, cs->n - 1);
	free(cs->v);
	if (cs->grace != NULL)
		event_free(cs->grace);
	free(cs);
}
