/* chan-http.h: the HTTP listener for inbound SMS, USSD and delivery-report webhooks. */
#ifndef CHAN_HTTP_H
#define CHAN_HTTP_H

struct event_base;
struct store;
struct config;
struct inbound;
struct chan_http;
struct route;

/*
 * Listen on cfg->http_listen; NULL with a logged reason on failure.
 * Messages and delivery reports are committed through in, the group
 * commit every channel shares.
 */
struct chan_http	*chan_http_start(struct event_base *, struct store *,
			    const struct config *, struct inbound *in);
/* The configuration was replaced: routes, limits from now on (not the address). */
void			 chan_http_reload(struct chan_http *, const struct config *);
/* The daemon is stopping: every request from now on is 503. */
void			 chan_http_closing(struct chan_http *);
void			 chan_http_stop(struct chan_http *);

/*
 * 1 if the query of a delivery report's URL carries the route's secret
 * (?secret=, constant time); 0 if not, or if the route has none.
 */
int			 chan_http_dlr_secret_ok(const struct route *, const char *query);

#endif
