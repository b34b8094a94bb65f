/* chan-http.h: the HTTP listener for inbound SMS webhooks. */
#ifndef CHAN_HTTP_H
#define CHAN_HTTP_H

struct server;
struct chan_http;

/* Listen on srv->cfg->http_listen; NULL with a logged reason on failure. */
struct chan_http	*chan_http_start(struct server *);
/* Apply settings that may change on SIGHUP (body size limit). */
void			 chan_http_reload(struct chan_http *);
void			 chan_http_stop(struct chan_http *);

#endif
