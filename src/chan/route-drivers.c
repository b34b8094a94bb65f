/*
 * route-drivers.c: the route drivers, each described once. An entry names
 * what its routes' settings must hold (config_load checks them), the
 * sender the outbox uses (send/send.c) and, for a link of its own, the
 * channel that holds it (chan/smpp.c, chan/modem.c). A new driver is a new
 * entry here, its sender or channel, and their tests.
 */
#include "config/config.h"
#include "send/send.h"
#include "chan/chan.h"
#include "chan/route-drivers.h"

#define U	ROUTE_CRED_USERNAME
#define P	ROUTE_CRED_PASSWORD
#define K	ROUTE_CRED_API_KEY
#define T	ROUTE_CRED_TOKEN

const struct route_driver route_drivers[] = {
	{ .name = "kannel", .url = 1, .need = U|P, .use = U|P, .send = &send_kannel },
	{ .name = "africastalking", .url = 1, .need = U|K, .use = U|K,
	  .send = &send_africastalking },
	/* twilio: the account SID as username, the auth token as password */
	{ .name = "twilio", .url = 1, .need = U|P, .use = U|P, .send = &send_twilio },
	{ .name = "json", .url = 1, .use = T, .send = &send_json },
	/* null stands in for any route on a dry run: it takes every setting, needs none */
	{ .name = "null", .use = ROUTE_CRED_ALL,
	  .chan_use = ROUTE_CHAN_SMPP | ROUTE_CHAN_MODEM, .send = &send_null },
	{ .name = "smpp", .need = P, .use = P, .chan = ROUTE_CHAN_SMPP,
	  .chan_use = ROUTE_CHAN_SMPP, .send = &send_channel, .link = &smpp_driver },
	{ .name = "modem", .chan = ROUTE_CHAN_MODEM, .chan_use = ROUTE_CHAN_MODEM,
	  .send = &send_channel, .link = &modem_driver },
	{ .name = NULL }
};
