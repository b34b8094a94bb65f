/* config.h: the configuration file (libconfig), validated once at load. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "base/base.h"
#include "codec/msg.h"

enum question_type { QUESTION_YESNO, QUESTION_TEXT };
enum question_flag { FLAG_NONE, FLAG_ON_YES, FLAG_ON_NO };

struct question {
	char			*id;			/* stored with each answer */
	enum question_type	 type;
	char			*text[LANG_MAX];	/* past en: the fallback's */
	enum question_flag	 flag_on;
};

/* The declaration asked at venues of one kind ("default" for the rest). */
struct question_set {
	char		*kind;
	struct question	*questions;
	size_t		 nquestions;
};

/* A CIDR block a route accepts requests from. */
struct allow_net {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];
	int		prefix;
};

/* An HTTP entry point for messages from the network side. */
/* The replies an inbound format allows (struct inbound_format). */
#define INBOUND_REPLY_INLINE	0x1
#define INBOUND_REPLY_OUTBOX	0x2

struct fmt_entry;
struct fmt_ussd_entry;
struct fmt_voice_entry;

/*
 * An inbound format, described once: its type, the replies it allows and
 * whether requests are signed with the route's auth_token (config_load
 * checks every inbound route against its entry), and its parser and
 * renderer. The table is chan/fmt.c's; whoever loads a configuration hands
 * it to config_load.
 */
struct inbound_format {
	const char			*type;		/* "sms", "ussd" */
	const char			*name;		/* "json", "kannel", "twilio", ... */
	int				 replies;	/* INBOUND_REPLY_* allowed */
	const char			*why;		/* why the other reply is refused */
	int				 confirm;	/* route = allowed with inline replies */
	int				 signature;	/* auth_token required (X-Twilio-Signature) */
	const struct fmt_entry		*sms;		/* type "sms": parse, render */
	const struct fmt_ussd_entry	*ussd;		/* type "ussd": parse, render */
	const struct fmt_voice_entry	*voice;		/* type "voice": parse, render */
};

struct inbound_route {
	char		*name;
	char		*type;		/* "sms" */
	char		*format;	/* "json", "kannel", "twilio", "africastalking" */
	const struct inbound_format *fmt; /* its entry in the table given to config_load */
	char		*path;		/* "/sms/json" */
	char		*reply;		/* "inline", or "outbox": replies are queued, not returned */
	char		*route;		/* outbox replies: this outbound route, NULL to choose by prefix */
	char		*secret;	/* shared secret (json: bearer token; kannel: ?secret=) or NULL */
	char		*auth_token;	/* twilio auth token or NULL */
	char		*url;		/* twilio: the public URL Twilio signs, or NULL to use Host */
	struct allow_net *allow;	/* empty: any address */
	size_t		 nallow;
};

/* Credentials a route driver must have or may have (struct route_driver). */
#define ROUTE_CRED_USERNAME	0x1
#define ROUTE_CRED_PASSWORD	0x2
#define ROUTE_CRED_API_KEY	0x4
#define ROUTE_CRED_TOKEN	0x8
#define ROUTE_CRED_ALL		0xf

/* Links of their own, and the route settings only they read (host, device...). */
#define ROUTE_CHAN_SMPP		0x1
#define ROUTE_CHAN_MODEM	0x2

struct send_driver;
struct chan_driver;

/*
 * A route driver, described once: what its routes' settings must hold
 * (config_load checks every route against its entry), how it sends, and
 * its link of its own where it has one. The table is chan/route-drivers.c's
 * (the lowest layer that sees both senders and links); whoever loads a
 * configuration hands it to config_load. Adding a driver adds an entry.
 */
struct route_driver {
	const char			*name;
	int				 url;		/* 1: url is required */
	int				 need;		/* ROUTE_CRED_*: must have */
	int				 use;		/* ROUTE_CRED_*: may have */
	int				 chan;		/* ROUTE_CHAN_*: its own link; 0 for HTTP */
	int				 chan_use;	/* ROUTE_CHAN_*: link settings it takes */
	const struct send_driver	*send;		/* NULL: its link sends (outbox_attach) */
	const struct chan_driver	*link;		/* NULL: none of its own */
};

/* The entry called name of a table ending with a NULL name, or NULL. */
const struct route_driver *config_driver_find(const struct route_driver *drivers,
		    const char *name);

/* A way out: an outbound route whose sender drains the outbox (send.c drivers). */
struct route {
	char		*name;
	char		*driver;	/* "kannel", "africastalking", "twilio", "json", "null",
					   or a channel's: "smpp", "modem" */
	const struct route_driver *drv;	/* its entry in the table given to config_load */
	char		*url;		/* where to send (not for "null") */
	char		*username;	/* kannel, africastalking; twilio: the account SID */
	char		*password;	/* kannel; twilio: the auth token (or password_file) */
	char		*api_key;	/* africastalking (or api_key_file) */
	char		*token;		/* json: bearer token (or token_file) */
	char		*from;		/* sender id or number; short_number when not set */
	double		 rate;		/* messages per second (token bucket), default 10 */
	int		 inflight;	/* requests in flight at most, default 4 */
	int		 connect_timeout;	/* seconds, default 5 */
	int		 timeout;	/* seconds for a whole request, default 30 */
	char		**prefixes;	/* E.164 prefixes this route serves ("+8486") */
	size_t		 nprefixes;
	char		*fallback;	/* route to use while this one is down, or NULL */
	char		*dlr_url;	/* our delivery-report URL as the aggregator reaches it, or NULL */
	/*
	 * The secret every delivery report must carry (?secret=): dlr_secret
	 * as configured, else the one the store generated and keeps for the
	 * route (store_dlr_secrets); NULL until then, and then every report
	 * is refused.
	 */
	char		*dlr_secret;
	struct allow_net *allow;	/* where reports may come from; empty: any */
	size_t		 nallow;
	int		 receipts;	/* smpp, modem: ask for delivery receipts (default 1) */

	/* driver "smpp": an ESME bound to the operator's SMSC (SMPP 3.4) */
	char		*host;
	int		 port;		/* default 2775 */
	char		*system_id;	/* required */
	/* password: the bind's password (required) */
	char		*system_type;	/* default "" */
	char		*address_range;	/* default "" */
	int		 bind;		/* enum route_bind, default transceiver */
	/* inflight: the window, outstanding submit_sm at most ("window" sets it too) */
	int		 enquire_link;	/* seconds of silence before an enquire_link, default 30 */
	int		 reconnect_max;	/* seconds between reconnection attempts at most, default 60 */
	int		 long_mode;	/* enum route_long, default udh */
	int		 alphabet;	/* enum route_alphabet: what data_coding 0 means, default gsm7 */

	/* driver "modem": a GSM modem on a serial port (3GPP TS 27.005, PDU mode) */
	char		*device;	/* required, "/dev/ttyUSB0" */
	int		 baud;		/* default 115200 */
	char		*pin;		/* SIM PIN, or NULL (or pin_file) */
	char		*storage;	/* message storage for AT+CPMS, default "SM" */
	int		 validity;	/* minutes a sent SMS may wait at the SMSC, default 1440 */
	int		 health;	/* seconds between AT+CSQ probes, default 30 */
	int		 cfun_reset;	/* 1: AT+CFUN=1,1 when a hung modem is reset (default 0) */
};

enum route_bind { ROUTE_BIND_TRANSCEIVER = 0, ROUTE_BIND_PAIR };	/* pair: transmitter + receiver */
enum route_long { ROUTE_LONG_UDH = 0, ROUTE_LONG_SAR, ROUTE_LONG_PAYLOAD };
enum route_alphabet { ROUTE_ALPHABET_GSM7 = 0, ROUTE_ALPHABET_LATIN1, ROUTE_ALPHABET_ASCII };

/* An official's bearer token: only its SHA-256 is configured. */
enum admin_role { ROLE_TRACER = 1, ROLE_ADMIN = 2 };	/* admin may do all a tracer may */

struct admin_token {
	char		*name;		/* who: written to every audit row */
	enum admin_role	 role;
	unsigned char	 sha256[32];	/* of the token text */
	char		**wards;	/* ward = / wards =: its scope; none: the district's */
	size_t		 nwards;
};

/* What a poster's QR code holds (poster.c). */
enum poster_qr {
	POSTER_QR_SMSTO = 0,	/* "SMSTO:8088:1234567" (the default) */
	POSTER_QR_SMS,		/* "sms:8088" (RFC 5724, no body) */
	POSTER_QR_SMS_BODY	/* "sms:8088?body=1234567" (RFC 5724) */
};

struct config {
	char			*file;
	char			*database;
	char			*timezone;
	char			*country_code;
	enum lang		 language;	/* of language_code, among texts' */
	char			*language_code;
	char			*short_number;
	char			*hotline;
	int			 retention_days;
	int			 code_digits;		/* payload digits; the code has one more */

	int			 duplicate_window;	/* seconds */
	int			 declaration_valid;	/* seconds */
	int			 session_timeout;	/* seconds */
	int			 default_stay;		/* seconds */
	int			 help_interval;		/* seconds between two unprompted help replies */
	int			 max_clock_skew;	/* sent_at later than arrival by more is not believed */
	int			 max_delay;		/* sent_at earlier than arrival by more is not believed */
	int			 max_database_mb;	/* 0: no limit */
	int			 durable;		/* durability "full" (1, default) or "normal" (0) */

	char			*http_listen;		/* "127.0.0.1:8080" */
	size_t			 http_max_body;
	int			 http_max_connections;	/* default 1024 */
	int			 http_timeout;		/* seconds for a whole request, default 30 */

	struct inbound_route	*inbound;
	size_t			 ninbound;

	char			*admin_listen;		/* NULL: no admin listener */
	size_t			 admin_max_body;	/* default 65536 */
	int			 admin_max_connections;	/* default 64 */
	int			 admin_timeout;		/* seconds, default 30 */
	struct admin_token	*tokens;
	size_t			 ntokens;
	int			 admin_secure_cookies;	/* the session cookie is Secure */
	struct allow_net	*admin_proxies;		/* whose X-Forwarded-Proto counts */
	size_t			 admin_nproxies;
	int			 admin_readers;		/* reader threads of heavy reads, default 2 */
	int			 admin_query_timeout;	/* seconds a heavy read may run, default 30 */

	int			 limit_per_minute;	/* messages answered per number per minute, 0 none */
	int			 limit_replies_hour;	/* answered per number per hour, 0 none */
	int			 limit_repeats;		/* the same text answered per hour, 0 none */
	int			 multipart_timeout;	/* seconds a long message waits for its parts, default 600 */

	int			 purge_interval;	/* seconds between purges, default 3600 */
	int			 ussd_resume;		/* seconds a cut USSD session can be resumed, default 300 */
	int			 ussd_confirm_sms;	/* send a confirmation SMS after a USSD check-in, default true */

	int			 poster_qr;		/* enum poster_qr, default POSTER_QR_SMSTO */

	struct route		*routes;
	size_t			 nroutes;
	int			 outbox_max_attempts;	/* default 8 */
	int			 outbox_max_age;	/* seconds, default 86400 */
	char			*outbox_default_route;	/* NULL: the first route */
	double			 outbox_retry_base;	/* seconds before the first retry, default 10 */
	int			 outbox_retry_max;	/* seconds between retries at most, default 3600 */

	double			 fraud_distance_km;	/* default 5 */
	int			 fraud_minutes;		/* default 10; 0: no flags */

	struct msg_texts	 texts;		/* languages, keywords, templates,
						   screens; fold_diacritics */

	struct question_set	*qsets;
	size_t			 nqsets;

	/* voice = { ... }: check-in by phone call (config-voice.c, core/voice.c) */
	int			 voice_confirm_sms;	/* SMS after a voice check-in, default true */
	int			 voice_timeout;		/* seconds a prompt waits for keys, default 8 */
	char			*voice_prompts_url;	/* recorded prompts: URL/LANG/NAME.EXT, or NULL */
	char			*voice_prompts_ext;	/* "wav" (default) or "mp3" */
	struct voice_prompt_text *voice_prompts;	/* voice.prompts.LANG.NAME overrides */
	size_t			 nvoice_prompts;
};

/*
 * Load and validate a configuration file, its routes against drivers and
 * its inbound routes against formats (tables ending with a NULL name:
 * chan/route-drivers.h, chan/fmt.h). On error return
 * NULL and write "FILE:LINE: SETTING: reason" to err.
 */
struct config	*config_load(const char *path, const struct route_driver *drivers,
		    const struct inbound_format *formats, char *err, size_t errlen);
void		 config_free(struct config *);

/* The questions for a venue kind, falling back to "default"; never NULL. */
const struct question_set *config_questions(const struct config *, const char *kind);

/* The inbound route with this path, or NULL. */
const struct inbound_route *config_inbound_by_path(const struct config *, const char *path);

/* 1 if the address (AF_INET/AF_INET6 bytes) is allowed by the route. */
int	config_allowed(const struct inbound_route *, int family, const void *addr);

/* 1 if the address is in one of the n blocks, or if n is 0. */
int	config_allow_match(const struct allow_net *, size_t n, int family,
	    const void *addr);

/*
 * What makes a configuration that loads unsafe, as the daemon warns at
 * load and checkinctl check-config prints: an inbound route neither signed
 * nor allow-listed on a listener that is not loopback (its callers are
 * believed for the sender's number), an africastalking route whose reports
 * cannot carry the generated secret. cb gets the route's name and a
 * sentence (never a secret); the number of findings is returned.
 */
size_t	config_findings(const struct config *,
	    void (*cb)(void *, const char *route, const char *what), void *arg);

/* The token whose SHA-256 matches this bearer token (constant time), or NULL. */
const struct admin_token *config_token(const struct config *, const char *bearer);
/* 1 if the address (AF_INET/AF_INET6 bytes) is one of admin.proxies. */
int	config_admin_proxy(const struct config *, int family, const void *addr);

/* The outbound route of that name, or NULL. */
const struct route *config_route(const struct config *, const char *name);

/*
 * The outbound route for a number: the route with the longest prefix that
 * matches, else outbox.default_route, else the first route; NULL if none.
 */
const struct route *config_route_for(const struct config *, const char *number);

/*
 * The outbound route for a reply to a number that came in on the inbound
 * route called channel: that inbound route's route setting, or else
 * config_route_for(number).
 */
const struct route *config_route_reply(const struct config *, const char *channel,
	    const char *number);

/*
 * The spoken prompts of the voice menu (core/voice.c). Each has a name, the
 * file name of its recording under voice.prompts_url, and Vietnamese and
 * English defaults; voice.prompts.LANG.NAME replaces one. VP_LANGUAGE is
 * not spoken: it is the BCP-47 tag of the language's text-to-speech.
 */
enum voice_prompt {
	VP_LANGUAGE,
	VP_GREETING,
	VP_CODE,
	VP_CODE_WRONG,
	VP_VENUE,
	VP_DYM,
	VP_CONFIRM_KEYS,
	VP_COMPANIONS,
	VP_CHECKED_IN,
	VP_QUESTIONS,
	VP_YESNO,
	VP_TEXT_BY_SMS,
	VP_DECL_DONE,
	VP_DECL_FLAGGED,
	VP_SMS_COMING,
	VP_THANKS,
	VP_NOT_HEARD,
	VP_INVALID,
	VP_BYE,
	VP_COUNT
};

struct voice_prompt_text {
	char	*lang;		/* the language code, "vi" */
	int	 id;		/* enum voice_prompt */
	char	*text;
};

/* The prompt's name ("greeting"); VP_COUNT for an unknown name. */
const char	*config_voice_prompt_name(enum voice_prompt);
enum voice_prompt config_voice_prompt_find(const char *name);
/* The prompt's text in a language: the configuration's, else the default. */
const char	*config_voice_prompt(const struct config *, int lang, enum voice_prompt);

/* The built-in question set of a kind ("default", "checkpoint"), or NULL. */
const struct question_set *config_builtin_questions(const char *kind);

/*
 * Split a listen address, "HOST:PORT" or "[IPV6]:PORT", into host and port
 * (1..65535); -1 if it is malformed or host does not fit hostlen.
 */
int	config_listen_split(const char *listen, char *host, size_t hostlen,
	    uint16_t *port);

#endif
