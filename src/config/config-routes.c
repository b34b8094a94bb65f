/* config-routes.c: the ways in (inbound entry points) and out (outbound routes). */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "config/config-impl.h"

#define CONFIG_ALLOW_MAX	64	/* CIDR blocks per route */
#define CONFIG_ROUTES_MAX	64	/* inbound routes; outbound routes */
#define CONFIG_PREFIXES_MAX	64	/* prefixes of one outbound route */

#define IN_OFF(f)	offsetof(struct inbound_route, f)
#define OUT_OFF(f)	offsetof(struct route, f)

static int	config_load_allow(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static void	config_allow_free(void *);
static int	config_load_allow_out(struct config_ctx *,
		    const config_setting_t *, const config_setting_t *,
		    const char *, void *);
static void	config_allow_free_out(void *);
static int	config_load_prefixes(struct config_ctx *,
		    const config_setting_t *, const config_setting_t *,
		    const char *, void *);
static void	config_prefixes_free(void *);

static const struct config_word config_words_type[] = {
	{ "sms", 0 },
	{ "ussd", 0 },
	{ "voice", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_reply[] = {
	{ "inline", 0 },
	{ "outbox", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_bind[] = {
	{ "transceiver", ROUTE_BIND_TRANSCEIVER },
	{ "pair", ROUTE_BIND_PAIR },
	{ NULL, 0 }
};
static const struct config_word config_words_long[] = {
	{ "udh", ROUTE_LONG_UDH },
	{ "sar", ROUTE_LONG_SAR },
	{ "payload", ROUTE_LONG_PAYLOAD },
	{ NULL, 0 }
};
static const struct config_word config_words_alphabet[] = {
	{ "gsm7", ROUTE_ALPHABET_GSM7 },
	{ "latin1", ROUTE_ALPHABET_LATIN1 },
	{ "ascii", ROUTE_ALPHABET_ASCII },
	{ NULL, 0 }
};

/* inbound = ( { ... }, ... ) */
static const struct config_entry config_inbound_route[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "the route's name in logs and the database: [a-z0-9_-]" },
	{ .name = "type", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(type), .def_str = "sms", .words = config_words_type,
	  .help = "what arrives: sms, ussd or voice" },
	{ .name = "format", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(format), .required = 1,
	  .help = "the sender's request format: json, kannel, twilio or "
	  "africastalking" },
	{ .name = "path", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(path), .required = 1, .min = 1, .max = 255,
	  .check = config_check_path,
	  .help = "the URL path the sender posts to, starting with /" },
	{ .name = "reply", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(reply), .def_str = "inline",
	  .words = config_words_reply,
	  .help = "how replies leave: inline, in the HTTP response, or "
	  "outbox, queued and sent on an outbound route" },
	{ .name = "route", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(route), .min = 1, .max = CONFIG_NAME_MAX,
	  .check = config_check_name,
	  .help = "reply = outbox: the outbound route of the replies; ussd: "
	  "of the confirmation SMS" },
	{ .name = "secret", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(secret), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "secret_file", .check = config_check_secret,
	  .help = "shared secret (json: bearer token; kannel: ?secret=)" },
	{ .name = "secret_file", .type = CT_STRING, .store = CS_FILE,
	  .off = IN_OFF(secret), .min = 1, .max = 4096,
	  .conflicts = "secret",
	  .help = "file holding the shared secret on its first line" },
	{ .name = "auth_token", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(auth_token), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "auth_token_file", .check = config_check_secret,
	  .help = "Twilio auth token that signs requests" },
	{ .name = "auth_token_file", .type = CT_STRING, .store = CS_FILE,
	  .off = IN_OFF(auth_token), .min = 1, .max = 4096,
	  .conflicts = "auth_token",
	  .help = "file holding the Twilio auth token on its first line" },
	{ .name = "url", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(url), .min = 8, .max = 1024,
	  .check = config_check_url,
	  .help = "the public URL Twilio signs, if not http://HOST/PATH" },
	{ .name = "allow", .type = CT_STRINGS, .store = CS_LOAD,
	  .load = config_load_allow, .free = config_allow_free,
	  .help = "addresses or CIDR blocks requests may come from" },
};


/* routes = ( { ... }, ... ) */
static const struct config_entry config_outbound_route[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "the route's name in logs, the outbox and /dlr/NAME" },
	{ .name = "driver", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(driver), .required = 1,
	  .help = "how texts are sent: kannel, africastalking, twilio, json "
	  "or null" },
	{ .name = "url", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(url), .min = 8, .max = 1024,
	  .check = config_check_url,
	  .help = "where requests go, http:// or https://" },
	{ .name = "username", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(username), .min = 1, .max = 256,
	  .check = config_check_word,
	  .help = "kannel and africastalking user; twilio account SID" },
	{ .name = "password", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(password), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "password_file", .check = config_check_secret,
	  .help = "kannel password; twilio auth token" },
	{ .name = "password_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(password), .min = 1, .max = 4096,
	  .conflicts = "password",
	  .help = "file holding the password on its first line" },
	{ .name = "api_key", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(api_key), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "api_key_file", .check = config_check_secret,
	  .help = "Africa's Talking API key" },
	{ .name = "api_key_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(api_key), .min = 1, .max = 4096,
	  .conflicts = "api_key",
	  .help = "file holding the API key on its first line" },
	{ .name = "token", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(token), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "token_file", .check = config_check_secret,
	  .help = "json: bearer token" },
	{ .name = "token_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(token), .min = 1, .max = 4096,
	  .conflicts = "token",
	  .help = "file holding the bearer token on its first line" },
	{ .name = "from", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(from), .min = 1, .max = CONFIG_PREFIX_DIGITS + 1,
	  .check = config_check_sender,
	  .help = "sender: a number or an alphanumeric id; default "
	  "short_number" },
	{ .name = "rate", .type = CT_FLOAT, .store = CS_DOUBLE,
	  .off = OUT_OFF(rate), .fmin = 0, .fmin_open = 1, .fmax = 10000,
	  .fdef = 10.0,
	  .help = "messages per second at most" },
	{ .name = "inflight", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(inflight), .min = 1, .max = 256, .def_num = 4,
	  .conflicts = "window",
	  .help = "requests in flight at once at most" },
	{ .name = "window", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(inflight), .min = 1, .max = 256, .def_num = 4,
	  .conflicts = "inflight",
	  .help = "smpp: submit_sm awaiting their answer at most (inflight)" },
	{ .name = "connect_timeout", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(connect_timeout), .min = 1, .max = 300, .def_num = 5,
	  .help = "seconds a connection may take to open" },
	{ .name = "timeout", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(timeout), .min = 1, .max = 3600, .def_num = 30,
	  .help = "seconds a whole request may take" },
	{ .name = "prefixes", .type = CT_STRINGS, .store = CS_LOAD,
	  .load = config_load_prefixes, .free = config_prefixes_free,
	  .help = "E.164 prefixes of the numbers this route serves" },
	{ .name = "fallback", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(fallback), .min = 1, .max = CONFIG_NAME_MAX,
	  .check = config_check_name,
	  .help = "another route to send on while this one is down" },
	{ .name = "dlr_url", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(dlr_url), .min = 8, .max = 1024,
	  .check = config_check_url,
	  .help = "our /dlr/NAME URL as the aggregator reaches it" },
	{ .name = "dlr_secret", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(dlr_secret), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "dlr_secret_file", .check = config_check_dlr_secret,
	  .help = "the secret delivery reports carry as ?secret=; absent: "
	  "one generated and kept in the database" },
	{ .name = "dlr_secret_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(dlr_secret), .min = 1, .max = 4096,
	  .conflicts = "dlr_secret",
	  .help = "file holding dlr_secret on its first line" },
	{ .name = "allow", .type = CT_STRINGS, .store = CS_LOAD,
	  .load = config_load_allow_out, .free = config_allow_free_out,
	  .help = "addresses or CIDR blocks delivery reports may come from" },
	{ .name = "receipts", .type = CT_BOOL, .store = CS_BOOL,
	  .off = OUT_OFF(receipts), .def_num = 1,
	  .help = "smpp, modem: ask the network for delivery receipts" },
	{ .name = "host", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(host), .min = 1, .max = 255,
	  .check = config_check_word,
	  .help = "smpp: the SMSC's host name or address" },
	{ .name = "port", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(port), .min = 1, .max = 65535, .def_num = 2775,
	  .help = "smpp: the SMSC's port" },
	{ .name = "system_id", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(system_id), .min = 1, .max = 15,
	  .check = config_check_word,
	  .help = "smpp: the bind's system_id (at most 15 characters)" },
	{ .name = "system_type", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(system_type), .min = 0, .max = 12, .def_str = "",
	  .help = "smpp: the bind's system_type (at most 12 characters)" },
	{ .name = "address_range", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(address_range), .min = 0, .max = 40, .def_str = "",
	  .help = "smpp: the bind's address_range" },
	{ .name = "bind", .type = CT_STRING, .store = CS_ENUM,
	  .off = OUT_OFF(bind), .def_num = ROUTE_BIND_TRANSCEIVER,
	  .words = config_words_bind,
	  .help = "smpp: \"transceiver\", or \"pair\" (a transmitter and a "
	  "receiver)" },
	{ .name = "enquire_link", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(enquire_link), .min = 5, .max = 3600, .def_num = 30,
	  .help = "smpp: seconds of silence before an enquire_link" },
	{ .name = "reconnect_max", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(reconnect_max), .min = 1, .max = 3600, .def_num = 60,
	  .help = "smpp: seconds between two reconnection attempts at most" },
	{ .name = "long", .type = CT_STRING, .store = CS_ENUM,
	  .off = OUT_OFF(long_mode), .def_num = ROUTE_LONG_UDH,
	  .words = config_words_long,
	  .help = "smpp: long texts as parts with a UDH (\"udh\"), parts with "
	  "sar_* TLVs (\"sar\"), or one message_payload (\"payload\")" },
	{ .name = "alphabet", .type = CT_STRING, .store = CS_ENUM,
	  .off = OUT_OFF(alphabet), .def_num = ROUTE_ALPHABET_GSM7,
	  .words = config_words_alphabet,
	  .help = "smpp: what data_coding 0 means at this SMSC: gsm7, latin1 "
	  "or ascii" },
	{ .name = "device", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(device), .min = 2, .max = 1024,
	  .check = config_check_path,
	  .help = "modem: the serial device, best a /dev/serial/by-id/ path" },
	{ .name = "baud", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(baud), .min = 1200, .max = 4000000, .def_num = 115200,
	  .help = "modem: the serial line's speed" },
	{ .name = "pin", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(pin), .min = 4, .max = 8, .conflicts = "pin_file",
	  .check = config_check_digits,
	  .help = "modem: the SIM's PIN" },
	{ .name = "pin_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(pin), .min = 1, .max = 4096, .conflicts = "pin",
	  .help = "modem: file holding the SIM's PIN on its first line" },
	{ .name = "storage", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(storage), .min = 2, .max = 2, .def_str = "SM",
	  .check = config_check_word,
	  .help = "modem: message storage for AT+CPMS: SM (the SIM), ME or MT" },
	{ .name = "validity", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(validity), .min = 5, .max = 635040, .def_num = 1440,
	  .help = "modem: minutes a sent SMS may wait at the SMSC" },
	{ .name = "health", .type = CT_INT, .store = CS_INT,
	  .off = OUT_OFF(health), .min = 1, .max = 3600, .def_num = 30,
	  .help = "modem: seconds between two signal and liveness probes" },
	{ .name = "cfun_reset", .type = CT_BOOL, .store = CS_BOOL,
	  .off = OUT_OFF(cfun_reset), .def_num = 0,
	  .help = "modem: also restart the radio (AT+CFUN=1,1) when resetting "
	  "a modem that stopped answering" },
};

/*
 * What each driver needs besides its name: a URL, and which credentials it
 * must have (need) or may have (use). A credential the driver does not use
 * is refused: it is most likely meant for another setting. "null" stands in
 * for any route on a dry run, so it takes everything and needs nothing.
 */

static const struct config_cred {
	const char	*name;
	const char	*file;		/* the _file setting, or NULL */
	size_t		 off;
	int		 bit;
} config_creds[] = {
	{ "username", NULL, OUT_OFF(username), ROUTE_CRED_USERNAME },
	{ "password", "password_file", OUT_OFF(password), ROUTE_CRED_PASSWORD },
	{ "api_key", "api_key_file", OUT_OFF(api_key), ROUTE_CRED_API_KEY },
	{ "token", "token_file", OUT_OFF(token), ROUTE_CRED_TOKEN },
};

/*
 * Settings only a channel driver reads (smpp, modem): refused on other
 * routes, and required where `need` says.
 */

static const struct config_chan_setting {
	const char	*name;
	int		 chan;
	int		 need;
} config_chan_settings[] = {
	{ "host", ROUTE_CHAN_SMPP, 1 },
	{ "port", ROUTE_CHAN_SMPP, 0 },
	{ "system_id", ROUTE_CHAN_SMPP, 1 },
	{ "system_type", ROUTE_CHAN_SMPP, 0 },
	{ "address_range", ROUTE_CHAN_SMPP, 0 },
	{ "bind", ROUTE_CHAN_SMPP, 0 },
	{ "window", ROUTE_CHAN_SMPP, 0 },
	{ "enquire_link", ROUTE_CHAN_SMPP, 0 },
	{ "reconnect_max", ROUTE_CHAN_SMPP, 0 },
	{ "long", ROUTE_CHAN_SMPP, 0 },
	{ "alphabet", ROUTE_CHAN_SMPP, 0 },
	{ "receipts", ROUTE_CHAN_SMPP|ROUTE_CHAN_MODEM, 0 },
	{ "device", ROUTE_CHAN_MODEM, 1 },
	{ "baud", ROUTE_CHAN_MODEM, 0 },
	{ "pin", ROUTE_CHAN_MODEM, 0 },
	{ "pin_file", ROUTE_CHAN_MODEM, 0 },
	{ "storage", ROUTE_CHAN_MODEM, 0 },
	{ "validity", ROUTE_CHAN_MODEM, 0 },
	{ "health", ROUTE_CHAN_MODEM, 0 },
	{ "cfun_reset", ROUTE_CHAN_MODEM, 0 },
};


/* Parse "ADDR" or "ADDR/PREFIX" (IPv4 or IPv6) into a CIDR block. */
int
config_allow_parse(const char *s, struct allow_net *an, char *why, size_t len)
{
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash, *errstr;
	size_t		 n;
	int		 bits, i;

	memset(an, 0, sizeof *an);
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof addr)
		goto bad;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (strchr(addr, ':') != NULL) {
		an->family = AF_INET6;
		bits = 128;
	} else {
		an->family = AF_INET;
		bits = 32;
	}
	if (inet_pton(an->family, addr, an->addr) != 1)
		goto bad;
	an->prefix = bits;
	if (slash != NULL) {
		if (strspn(slash + 1, "0123456789") != strlen(slash + 1))
			goto bad;
		an->prefix = (int)num_parse(slash + 1, 0, bits, &errstr);
		if (errstr != NULL)
			goto bad;
	}
	/* Host bits set mean a typo: 10.0.0.1/8 is not a network. */
	for (i = an->prefix; i < bits; i++) {
		if (an->addr[i / 8] & (0x80 >> (i % 8))) {
			snprintf(why, len, "\"%s\" has host bits set beyond /%d",
			    s, an->prefix);
			return -1;
		}
	}
	return 0;

bad:
	snprintf(why, len, "\"%s\" is not an address or CIDR block "
	    "(\"10.0.0.0/8\", \"::1\")", s);
	return -1;
}

/* allow = [ ... ] (of a route, or admin.proxies) into its blocks and their number. */
int
config_allow_load(struct config_ctx *ctx, const config_setting_t *s,
    const char *name, struct allow_net **allow, size_t *nallow)
{
	const config_setting_t	*el;
	char			 why[256], elname[CONFIG_PATH_MAX];
	int			 i, n;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	if (n > CONFIG_ALLOW_MAX)
		return config_fail(ctx, s, name, "more than %d entries",
		    CONFIG_ALLOW_MAX);
	if (n == 0)
		return 0;
	*allow = xcalloc(n, sizeof **allow);
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_allow_parse(config_setting_get_string(el),
		    &(*allow)[i], why, sizeof why) != 0)
			return config_fail(ctx, config_setting_source_line(el) ?
			    el : s, elname, "%s", why);
		(*nallow)++;
	}
	return 0;
}

static int
config_load_allow(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct inbound_route	*r = target;

	return config_allow_load(ctx, s, name, &r->allow, &r->nallow);
}

static void
config_allow_free(void *target)
{
	struct inbound_route	*r = target;

	free(r->allow);
	r->allow = NULL;
	r->nallow = 0;
}

/* An outbound route's allow list: where its delivery reports come from. */
static int
config_load_allow_out(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct route	*r = target;

	return config_allow_load(ctx, s, name, &r->allow, &r->nallow);
}

static void
config_allow_free_out(void *target)
{
	struct route	*r = target;

	free(r->allow);
	r->allow = NULL;
	r->nallow = 0;
}

/* The format of this type and name, or NULL. */
static const struct inbound_format *
config_format_find(const struct inbound_format *f, const char *type, const char *name)
{
	for (; f != NULL && f->name != NULL; f++) {
		if (strcmp(f->type, type) == 0 && strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

/* The formats of a type, for an error message. */
static void
config_formats_list(const struct inbound_format *f, const char *type, char *buf,
    size_t len)
{
	size_t	n = 0;

	*buf = '\0';
	for (; f != NULL && f->name != NULL; f++) {
		if (strcmp(f->type, type) != 0)
			continue;
		snprintf(buf + n, len - n, "%s\"%s\"", n == 0 ? "" : ", ", f->name);
		n = strlen(buf);
	}
}

static int
config_inbound_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct inbound_route		*r = target;
	const struct inbound_format	*f;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX], list[128];
	int				 reply;
	size_t				 i;
	static const char		*twilio_only[] = {
		"auth_token", "auth_token_file", "url"
	};

	if ((f = config_format_find(ctx->formats, r->type, r->format)) == NULL) {
		config_join(name, sizeof name, path, "format");
		m = config_setting_get_member(s, "format");
		config_formats_list(ctx->formats, r->type, list, sizeof list);
		return config_fail(ctx, m != NULL ? m : s, name,
		    "\"%s\" is not a format of type \"%s\" (%s are)",
		    r->format, r->type, list);
	}
	r->fmt = f;
	reply = strcmp(r->reply, "inline") == 0 ? INBOUND_REPLY_INLINE :
	    INBOUND_REPLY_OUTBOX;
	if ((f->replies & reply) == 0) {
		config_join(name, sizeof name, path, "reply");
		m = config_setting_get_member(s, "reply");
		return config_fail(ctx, m != NULL ? m : s, name,
		    "a %s route of format \"%s\" needs reply = \"%s\": %s",
		    r->type, r->format, reply == INBOUND_REPLY_INLINE ? "outbox" :
		    "inline", f->why);
	}
	if (r->route != NULL && reply == INBOUND_REPLY_INLINE && !f->confirm) {
		config_join(name, sizeof name, path, "route");
		return config_fail(ctx, config_setting_get_member(s, "route"),
		    name, "only for reply = \"outbox\" (inline replies go back "
		    "in the HTTP response)");
	}
	for (i = 0; strcmp(r->type, "ussd") == 0 && i < nitems(twilio_only);
	    i++) {
		if ((m = config_setting_get_member(s, twilio_only[i])) == NULL)
			continue;
		config_join(name, sizeof name, path, twilio_only[i]);
		return config_fail(ctx, m, name, "not used by a USSD route "
		    "(a setting of twilio SMS routes)");
	}

	if (f->signature && r->auth_token == NULL) {
		config_join(name, sizeof name, path, "auth_token");
		return config_fail(ctx, s, name, "required for a twilio route "
		    "(or auth_token_file)");
	}
	return 0;
}

/* Two inbound routes share no path. */
static int
config_inbound_pair(struct config_ctx *ctx, const config_setting_t *list,
    const char *name, size_t i, const void *el, size_t j, const void *before)
{
	const struct inbound_route	*r = el, *o = before;

	if (strcmp(r->path, o->path) == 0)
		return config_fail_member(ctx, list, i, name, "path",
		    "\"%s\" is already the path of route \"%s\"", r->path,
		    o->name);
	return 0;
}

/* prefixes = [ "+8486", ... ]: "+" and 1 to 15 digits, none twice. */
static int
config_load_prefixes(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct route		*r = target;
	const config_setting_t	*el;
	const char		*p;
	char			 elname[CONFIG_PATH_MAX];
	int			 i, n;
	size_t			 j, len;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	if (n > CONFIG_PREFIXES_MAX)
		return config_fail(ctx, s, name, "more than %d prefixes",
		    CONFIG_PREFIXES_MAX);
	if (n == 0)
		return 0;
	r->prefixes = xcalloc(n, sizeof *r->prefixes);
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		p = config_setting_get_string(el);
		len = strlen(p);
		if (p[0] != '+' || len < 2 || len > CONFIG_PREFIX_DIGITS + 1 ||
		    strspn(p + 1, "0123456789") != len - 1)
			return config_fail(ctx, config_setting_source_line(el) ?
			    el : s, elname, "\"%s\" is not + and 1 to %d "
			    "digits (\"+8486\")", p, CONFIG_PREFIX_DIGITS);
		for (j = 0; j < r->nprefixes; j++) {
			if (strcmp(r->prefixes[j], p) == 0)
				return config_fail(ctx,
				    config_setting_source_line(el) ? el : s,
				    elname, "\"%s\" is listed twice", p);
		}
		r->prefixes[r->nprefixes++] = xstrdup(p);
	}
	return 0;
}

static void
config_prefixes_free(void *target)
{
	struct route	*r = target;
	size_t		 i;

	for (i = 0; i < r->nprefixes; i++)
		free(r->prefixes[i]);
	free(r->prefixes);
	r->prefixes = NULL;
	r->nprefixes = 0;
}

const struct route_driver *
config_driver_find(const struct route_driver *drivers, const char *name)
{
	if (drivers == NULL || name == NULL)
		return NULL;
	for (; drivers->name != NULL; drivers++) {
		if (strcmp(drivers->name, name) == 0)
			return drivers;
	}
	return NULL;
}

/* "\"kannel\", ..., \"modem\"": the drivers a route may name. */
static void
config_driver_names(const struct route_driver *drivers, char *buf, size_t len)
{
	size_t	 n = 0;

	*buf = '\0';
	for (; drivers != NULL && drivers->name != NULL; drivers++) {
		snprintf(buf + n, len - n, "%s\"%s\"", n == 0 ? "" : ", ",
		    drivers->name);
		n = strlen(buf);
	}
}

/* Checks of one outbound route: what its driver needs and does not use. */
static int
config_outbound_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct route			*r = target;
	const struct route_driver	*d;
	const struct config_cred	*c;
	const struct config_chan_setting *cs;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX], names[256];
	size_t				 i;

	if ((d = config_driver_find(ctx->drivers, r->driver)) == NULL) {
		config_join(name, sizeof name, path, "driver");
		config_driver_names(ctx->drivers, names, sizeof names);
		m = config_setting_get_member(s, "driver");
		return config_fail(ctx, m != NULL ? m : s, name, "\"%s\" is not one of %s",
		    r->driver, names);
	}
	r->drv = d;
	if (r->dlr_secret != NULL &&
	    config_check_dlr_secret(r->dlr_secret, names, sizeof names) != 0) {
		config_join(name, sizeof name, path, "dlr_secret_file");
		m = config_setting_get_member(s, "dlr_secret_file");
		return config_fail(ctx, m != NULL ? m : s, name, "%s", names);
	}
	for (i = 0; i < nitems(config_chan_settings); i++) {
		cs = &config_chan_settings[i];
		m = config_setting_get_member(s, cs->name);
		config_join(name, sizeof name, path, cs->name);
		if (m != NULL && (cs->chan & d->chan_use) == 0)
			return config_fail(ctx, m, name, "only for the %s driver",
			    (cs->chan & ROUTE_CHAN_SMPP) ? "smpp" : "modem");
		if (m == NULL && cs->need && (cs->chan & d->chan) != 0)
			return config_fail(ctx, s, name, "required by the %s driver",
			    d->name);
	}
	if (d->chan == ROUTE_CHAN_SMPP && r->password != NULL && strlen(r->password) > 8) {
		config_join(name, sizeof name, path, "password");
		return config_fail(ctx, s, name, "an SMPP 3.4 password has at most 8 "
		    "characters");
	}
	if (d->url && r->url == NULL) {
		config_join(name, sizeof name, path, "url");
		return config_fail(ctx, s, name, "required by the %s driver "
		    "(where requests go)", d->name);
	}
	for (i = 0; i < nitems(config_creds); i++) {
		c = &config_creds[i];
		if ((d->need & c->bit) == 0 ||
		    *(char **)((char *)r + c->off) != NULL)
			continue;
		config_join(name, sizeof name, path, c->name);
		if (c->file != NULL)
			return config_fail(ctx, s, name, "required by the %s "
			    "driver (or %s)", d->name, c->file);
		return config_fail(ctx, s, name, "required by the %s driver",
		    d->name);
	}
	for (i = 0; i < nitems(config_creds); i++) {
		c = &config_creds[i];
		if ((d->use & c->bit) != 0 ||
		    *(char **)((char *)r + c->off) == NULL)
			continue;
		m = config_setting_get_member(s, c->name);
		if (m == NULL && c->file != NULL)
			m = config_setting_get_member(s, c->file);
		config_join(name, sizeof name, path, m != NULL ?
		    config_setting_name(m) : c->name);
		return config_fail(ctx, m != NULL ? m : s, name,
		    "not used by the %s driver", d->name);
	}
	return 0;
}

/* Two outbound routes share no prefix: which one would serve it? */
static int
config_routes_pair(struct config_ctx *ctx, const config_setting_t *list,
    const char *name, size_t i, const void *el, size_t j, const void *before)
{
	const struct route	*r = el, *o = before;
	size_t			 k, l;

	for (k = 0; k < r->nprefixes; k++) {
		for (l = 0; l < o->nprefixes; l++) {
			if (strcmp(r->prefixes[k], o->prefixes[l]) == 0)
				return config_fail_member(ctx, list, i, name,
				    "prefixes", "\"%s\" is already a prefix of "
				    "route \"%s\"", r->prefixes[k], o->name);
		}
	}
	return 0;
}

/* A fallback may come later in the list: checked once all are known. */
static int
config_routes_done(struct config_ctx *ctx, const config_setting_t *list,
    const char *name, void *target)
{
	const struct config	*cfg = target;
	const struct route	*r;
	size_t			 i;

	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if (r->fallback == NULL)
			continue;
		if (strcmp(r->fallback, r->name) == 0)
			return config_fail_member(ctx, list, i, name, "fallback",
			    "a route cannot be its own fallback");
		if (config_route(cfg, r->fallback) == NULL)
			return config_fail_member(ctx, list, i, name, "fallback",
			    "no route is named \"%s\"", r->fallback);
	}
	return 0;
}

/* inbound = ( ... ): one route at least. */
const struct config_list config_inbound_list = {
	.elem = { config_inbound_route, nitems(config_inbound_route),
	    config_inbound_post },
	.size = sizeof(struct inbound_route),
	.off = CFG_OFF(inbound), .noff = CFG_OFF(ninbound),
	.max = CONFIG_ROUTES_MAX, .many = "routes",
	.none = "at least one route is needed",
	.shape = "{ name = ...; ... }",
	.key_name = "name", .key = IN_OFF(name),
	.pair = config_inbound_pair,
};

/* routes = ( ... ) */
const struct config_list config_routes_list = {
	.elem = { config_outbound_route, nitems(config_outbound_route),
	    config_outbound_post },
	.size = sizeof(struct route),
	.off = CFG_OFF(routes), .noff = CFG_OFF(nroutes),
	.max = CONFIG_ROUTES_MAX, .many = "routes",
	.shape = "{ name = ...; driver = ...; }",
	.key_name = "name", .key = OUT_OFF(name),
	.pair = config_routes_pair,
	.done = config_routes_done,
};

/*
 * Checks across groups, once the whole file is read: the routes named by
 * inbound routes and by outbox.default_route exist, wherever in the file
 * they are, and no inbound path is where a route takes its delivery
 * reports.
 */
int
config_routes_post(struct config_ctx *ctx, const config_setting_t *root,
    struct config *cfg)
{
	struct inbound_route	*in;
	const config_setting_t	*list, *m;
	char			 dlr[CONFIG_NAME_MAX + 8];
	size_t			 i, j;

	list = config_setting_get_member(root, "inbound");
	for (i = 0; i < cfg->ninbound; i++) {
		in = &cfg->inbound[i];
		if (strcmp(in->reply, "outbox") == 0 && cfg->nroutes == 0)
			return config_fail_member(ctx, list, i, "inbound",
			    "reply", "\"outbox\" needs an outbound route, and "
			    "routes is empty or missing");
		if (in->route != NULL && config_route(cfg, in->route) == NULL)
			return config_fail_member(ctx, list, i, "inbound",
			    "route", "no outbound route is named \"%s\"",
			    in->route);
		/* chan-http takes delivery reports at /dlr/ROUTE. */
		for (j = 0; j < cfg->nroutes; j++) {
			snprintf(dlr, sizeof dlr, "/dlr/%s",
			    cfg->routes[j].name);
			if (strcmp(in->path, dlr) == 0)
				return config_fail_member(ctx, list, i,
				    "inbound", "path", "\"%s\" is where route "
				    "\"%s\" takes its delivery reports",
				    in->path, cfg->routes[j].name);
		}
	}
	if (cfg->outbox_default_route != NULL &&
	    config_route(cfg, cfg->outbox_default_route) == NULL) {
		m = config_setting_get_member(root, "outbox");
		if (m != NULL && config_setting_get_member(m,
		    "default_route") != NULL)
			m = config_setting_get_member(m, "default_route");
		return config_fail(ctx, m, "outbox.default_route",
		    "no outbound route is named \"%s\"",
		    cfg->outbox_default_route);
	}
	/* A route without its own sender sends from the short number. */
	for (j = 0; j < cfg->nroutes; j++) {
		if (cfg->routes[j].from == NULL)
			cfg->routes[j].from = xstrdup(cfg->short_number);
	}
	return 0;
}

/* Warn when a USSD check-in is to be confirmed by SMS with no way out. */
void
config_ussd_warn(const struct config *cfg)
{
	size_t	 i;

	if (!cfg->ussd_confirm_sms || cfg->nroutes != 0)
		return;
	for (i = 0; i < cfg->ninbound; i++) {
		if (strcmp(cfg->inbound[i].type, "ussd") != 0)
			continue;
		log_warnx("config: file=%s route=%s (ussd.confirm_sms is on "
		    "but there are no outbound routes: USSD check-ins get no "
		    "confirmation SMS)", cfg->file, cfg->inbound[i].name);
		return;
	}
}

size_t
config_findings(const struct config *cfg,
    void (*cb)(void *, const char *, const char *), void *arg)
{
	const struct inbound_route	*in;
	const struct route		*r;
	char				 what[512];
	size_t				 i, n = 0;

	for (i = 0; i < cfg->ninbound; i++) {
		in = &cfg->inbound[i];
		if (in->secret != NULL || in->auth_token != NULL ||
		    in->nallow != 0 || config_listen_loopback(cfg->http_listen))
			continue;
		snprintf(what, sizeof what, "inbound route has neither a secret "
		    "nor an allow list and http.listen %s is not loopback: "
		    "whoever reaches it is believed for the sender's number",
		    cfg->http_listen);
		cb(arg, in->name, what);
		n++;
	}
	for (i = 0; i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		if (strcmp(r->driver, "africastalking") != 0 ||
		    r->dlr_secret != NULL)
			continue;
		cb(arg, r->name, "africastalking route without dlr_secret: its "
		    "delivery reports are refused: set dlr_secret, and put "
		    "?secret=DLR_SECRET in the callback URL of its dashboard");
		n++;
	}
	return n;
}

static void
config_routes_warn_one(void *arg, const char *route, const char *what)
{
	const char	*file = arg;

	log_warnx("config: file=%s route=%s (%s)", file, route, what);
}

/* Warn, at every load, of what check-config would find. */
void
config_routes_warn(const struct config *cfg)
{
	config_findings(cfg, config_routes_warn_one, cfg->file);
}

const struct inbound_route *
config_inbound_by_path(const struct config *cfg, const char *path)
{
	size_t	 i;

	if (cfg == NULL || path == NULL)
		return NULL;
	for (i = 0; i < cfg->ninbound; i++) {
		if (strcmp(cfg->inbound[i].path, path) == 0)
			return &cfg->inbound[i];
	}
	return NULL;
}

const struct route *
config_route(const struct config *cfg, const char *name)
{
	size_t	 i;

	if (cfg == NULL || name == NULL)
		return NULL;
	for (i = 0; i < cfg->nroutes; i++) {
		if (strcmp(cfg->routes[i].name, name) == 0)
			return &cfg->routes[i];
	}
	return NULL;
}

const struct route *
config_route_for(const struct config *cfg, const char *number)
{
	const struct route	*best = NULL, *r;
	size_t			 i, j, len, bestlen = 0;

	if (cfg == NULL || cfg->nroutes == 0)
		return NULL;
	for (i = 0; number != NULL && i < cfg->nroutes; i++) {
		r = &cfg->routes[i];
		for (j = 0; j < r->nprefixes; j++) {
			len = strlen(r->prefixes[j]);
			if (len > bestlen &&
			    strncmp(number, r->prefixes[j], len) == 0) {
				best = r;
				bestlen = len;
			}
		}
	}
	if (best == NULL)
		best = config_route(cfg, cfg->outbox_default_route);
	if (best == NULL)
		best = &cfg->routes[0];
	return best;
}

const struct route *
config_route_reply(const struct config *cfg, const char *channel,
    const char *number)
{
	size_t	i;

	for (i = 0; cfg != NULL && channel != NULL && i < cfg->ninbound; i++) {
		if (strcmp(cfg->inbound[i].name, channel) == 0 &&
		    cfg->inbound[i].route != NULL)
			return config_route(cfg, cfg->inbound[i].route);
	}
	return config_route_for(cfg, number);
}

int
config_allowed(const struct inbound_route *r, int family, const void *addr)
{
	if (r == NULL)
		return 0;
	return config_allow_match(r->allow, r->nallow, family, addr);
}

int
config_allow_match(const struct allow_net *allow, size_t n, int family,
    const void *addr)
{
	static const unsigned char	 v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	const unsigned char		*a = addr;
	size_t				 i;

	if (addr == NULL)
		return 0;
	if (n == 0)
		return 1;
	/* Dual-stack sockets show IPv4 peers as ::ffff:a.b.c.d (RFC 4291 2.5.5.2). */
	if (family == AF_INET6 && memcmp(a, v4mapped, sizeof v4mapped) == 0) {
		family = AF_INET;
		a += sizeof v4mapped;
	}
	for (i = 0; i < n; i++) {
		if (allow[i].family == family &&
		    config_prefix_match(allow[i].addr, a, allow[i].prefix))
			return 1;
	}
	return 0;
}
