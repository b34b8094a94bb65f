/* config.c: the configuration file (libconfig), described once, checked once at load. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <libconfig.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/gsm.h"
#include "codec/msg.h"
#include "config/config.h"

#define CONFIG_ZONEINFO		"/usr/share/zoneinfo"
#define CONFIG_NAME_MAX		63	/* route names, question ids, venue kinds (a session keeps 64 bytes) */
#define CONFIG_SECRET_MAX	1024	/* bytes of a secret or token */
#define CONFIG_TEMPLATE_MAX	1000	/* bytes of a reply template */
#define CONFIG_QUESTION_MAX	480	/* bytes of a question text */
#define CONFIG_QUESTIONS_MAX	10	/* questions in one declaration */
#define CONFIG_ALLOW_MAX	64	/* CIDR blocks per route */
#define CONFIG_ROUTES_MAX	64	/* inbound routes; outbound routes */
#define CONFIG_PREFIXES_MAX	64	/* prefixes of one outbound route */
#define CONFIG_PREFIX_DIGITS	15	/* digits of an E.164 number at most */
#define CONFIG_SENDER_ALNUM	11	/* sender id (3GPP TS 23.040 9.1.2.5) */
#define CONFIG_PATH_MAX		256	/* a setting's dotted name, for messages */
#define CONFIG_TOKENS_MAX	256	/* officials' tokens */
#define CONFIG_SHA256_HEX	64	/* hex digits of a SHA-256 */

/* What the loader is doing: the file and where the first error goes. */
struct config_ctx {
	const char	*file;
	char		*err;
	size_t		 errlen;
};

/* The shape a setting must have in the file. */
enum config_type {
	CT_STRING,
	CT_INT,
	CT_BOOL,
	CT_GROUP,
	CT_LIST,	/* ( { ... }, { ... } ) */
	CT_STRINGS,	/* [ "a", "b" ] or ( "a", "b" ) */
	CT_FLOAT	/* 10.0, or a whole number: 50 */
};

/* Where and how a value is kept in the target struct. */
enum config_store {
	CS_STR,		/* char *, a copy */
	CS_INT,		/* int */
	CS_SIZE,	/* size_t */
	CS_BOOL,	/* int, 0 or 1 */
	CS_ENUM,	/* int, the value of the matching word */
	CS_FILE,	/* char *, the first line of the named file */
	CS_DOUBLE,	/* double */
	CS_LOAD		/* a group or list: the entry's loader keeps it */
};

/* An allowed value of a string setting. */
struct config_word {
	const char	*name;
	int		 value;
};

struct config_entry;
typedef int	(*config_load_cb)(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
typedef int	(*config_check_cb)(const char *, char *, size_t);
typedef int	(*config_post_cb)(struct config_ctx *, const config_setting_t *,
		    const char *, void *);

/*
 * One setting: its name, shape, limits, default and help. Every group of the
 * file (top level, http, each inbound route, each outbound route, outbox,
 * each question set, each question) is a table of these, walked by
 * config_group().
 */
struct config_entry {
	const char			*name;
	enum config_type		 type;
	enum config_store		 store;
	size_t				 off;		/* into the target struct */
	int				 required;
	long long			 min;		/* numbers: range; strings: length */
	long long			 max;
	long long			 def_num;	/* default of a number or bool */
	double				 fmin;		/* CT_FLOAT: range */
	double				 fmax;
	int				 fmin_open;	/* CT_FLOAT: > fmin */
	double				 fdef;		/* CT_FLOAT: default */
	const char			*def_str;	/* default of a string, or NULL */
	const struct config_word	*words;		/* allowed values, NULL-ended */
	config_check_cb			 check;		/* further checks of a string */
	config_load_cb			 load;		/* CS_LOAD: keeps the value */
	const char			*conflicts;	/* entry sharing the same field */
	const char			*help;
};

static int	config_prefix_match(const unsigned char *, const unsigned char *,
		    int);
static int	config_check_timezone(const char *, char *, size_t);
static int	config_check_digits(const char *, char *, size_t);
static int	config_check_number(const char *, char *, size_t);
static int	config_check_hotline(const char *, char *, size_t);
static int	config_check_listen(const char *, char *, size_t);
static int	config_check_name(const char *, char *, size_t);
static int	config_check_path(const char *, char *, size_t);
static int	config_check_url(const char *, char *, size_t);
static int	config_check_utf8(const char *, char *, size_t);
static int	config_check_word(const char *, char *, size_t);
static int	config_check_sender(const char *, char *, size_t);
static int	config_check_token_name(const char *, char *, size_t);
static int	config_check_sha256(const char *, char *, size_t);

static int	config_load_http(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_admin(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_tokens(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_purge(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_limits(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_ussd(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_poster(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_inbound(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_allow(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_routes(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_prefixes(struct config_ctx *,
		    const config_setting_t *, const config_setting_t *,
		    const char *, void *);
static int	config_load_outbox(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_templates(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_questions(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);
static int	config_load_ask(struct config_ctx *, const config_setting_t *,
		    const config_setting_t *, const char *, void *);

static const struct config_word config_words_lang[] = {
	{ "vi", LANG_VI },
	{ "en", LANG_EN },
	{ NULL, 0 }
};
static const struct config_word config_words_durability[] = {
	{ "full", 1 },
	{ "normal", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_qr[] = {
	{ "smsto", POSTER_QR_SMSTO },
	{ "sms", POSTER_QR_SMS },
	{ "sms-body", POSTER_QR_SMS_BODY },
	{ NULL, 0 }
};
static const struct config_word config_words_type[] = {
	{ "sms", 0 },
	{ "ussd", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_format[] = {
	{ "json", 0 },
	{ "kannel", 0 },
	{ "twilio", 0 },
	{ "africastalking", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_reply[] = {
	{ "inline", 0 },
	{ "outbox", 0 },
	{ NULL, 0 }
};
static const struct config_word config_words_driver[] = {
	{ "kannel", 0 },
	{ "africastalking", 0 },
	{ "twilio", 0 },
	{ "json", 0 },
	{ "null", 0 },
	{ "smpp", 0 },
	{ "modem", 0 },
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
static const struct config_word config_words_qtype[] = {
	{ "yesno", QUESTION_YESNO },
	{ "text", QUESTION_TEXT },
	{ NULL, 0 }
};
static const struct config_word config_words_flag[] = {
	{ "yes", FLAG_ON_YES },
	{ "no", FLAG_ON_NO },
	{ NULL, 0 }
};
static const struct config_word config_words_role[] = {
	{ "tracer", ROLE_TRACER },
	{ "admin", ROLE_ADMIN },
	{ NULL, 0 }
};

/*
 * An official's token as the file gives it, before its digest is decoded
 * into a struct admin_token.
 */
struct config_token_spec {
	char		*name;
	int		 role;
	char		*hex;		/* sha256, or the first line of sha256_file */
	unsigned char	 sha256[32];
};

#define CFG_OFF(f)	offsetof(struct config, f)
#define IN_OFF(f)	offsetof(struct inbound_route, f)
#define OUT_OFF(f)	offsetof(struct route, f)
#define QSET_OFF(f)	offsetof(struct question_set, f)
#define Q_OFF(f)	offsetof(struct question, f)
#define TOK_OFF(f)	offsetof(struct config_token_spec, f)

/* The top level of the file. */
static const struct config_entry config_top[] = {
	{ .name = "database", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(database), .required = 1, .min = 1, .max = 4096,
	  .help = "SQLite database file; created with its folder if missing" },
	{ .name = "timezone", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(timezone), .min = 1, .max = 128,
	  .def_str = "Asia/Ho_Chi_Minh", .check = config_check_timezone,
	  .help = "IANA time zone of the times in replies and reports" },
	{ .name = "country_code", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(country_code), .min = 1, .max = 3, .def_str = "84",
	  .check = config_check_digits,
	  .help = "country calling code that makes national numbers E.164" },
	{ .name = "language", .type = CT_STRING, .store = CS_ENUM,
	  .off = CFG_OFF(language), .def_num = LANG_VI,
	  .words = config_words_lang,
	  .help = "reply language of a number that never chose one" },
	{ .name = "short_number", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(short_number), .min = 2, .max = NUMBER_MAX - 1,
	  .def_str = "8088", .check = config_check_number,
	  .help = "the number residents text, shown in help and on posters" },
	{ .name = "hotline", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(hotline), .min = 3, .max = 20, .def_str = "1900 9095",
	  .check = config_check_hotline,
	  .help = "health hotline given after a flagged declaration" },
	{ .name = "retention_days", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(retention_days), .min = 1, .max = 3650, .def_num = 28,
	  .help = "days personal records are kept before the purge" },
	{ .name = "code_digits", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(code_digits), .min = 4, .max = 9, .def_num = 6,
	  .help = "payload digits of a venue code, before its check digit" },
	{ .name = "duplicate_window", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(duplicate_window), .min = 0, .max = 86400,
	  .def_num = 600,
	  .help = "seconds in which a check-in at the same venue is a repeat" },
	{ .name = "declaration_valid", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(declaration_valid), .min = 0, .max = 2592000,
	  .def_num = 86400,
	  .help = "seconds a health declaration stays valid" },
	{ .name = "session_timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(session_timeout), .min = 60, .max = 86400,
	  .def_num = 1800,
	  .help = "seconds a pending question waits for its answer" },
	{ .name = "default_stay", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(default_stay), .min = 60, .max = 86400,
	  .def_num = 3600,
	  .help = "seconds an open check-in counts for in overlap queries" },
	{ .name = "help_interval", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(help_interval), .min = 0, .max = 86400,
	  .def_num = 600,
	  .help = "seconds between two unprompted help replies to one number" },
	{ .name = "max_clock_skew", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(max_clock_skew), .min = 0, .max = 86400,
	  .def_num = 300,
	  .help = "seconds an SMSC time stamp may be ahead of arrival" },
	{ .name = "max_delay", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(max_delay), .min = 0, .max = 2592000,
	  .def_num = 259200,
	  .help = "seconds an SMSC time stamp may be behind arrival" },
	{ .name = "max_database_mb", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(max_database_mb), .min = 0, .max = 1048576, .def_num = 0,
	  .help = "megabytes the database may grow to (0: as the disk allows); "
	  "beyond it messages are refused for a retry, as on a full disk" },
	{ .name = "durability", .type = CT_STRING, .store = CS_ENUM,
	  .off = CFG_OFF(durable), .def_num = 1,
	  .words = config_words_durability,
	  .help = "\"full\": every commit reaches the disk before its answer; "
	  "\"normal\": a power cut may lose the last commits (WAL synchronous=NORMAL)" },
	{ .name = "fold_diacritics", .type = CT_BOOL, .store = CS_BOOL,
	  .off = CFG_OFF(texts.fold_diacritics), .def_num = 0,
	  .help = "send replies without Vietnamese diacritics (GSM-7)" },
	{ .name = "limits", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_limits,
	  .help = "per-number limits against floods and auto-reply loops" },
	{ .name = "multipart_timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(multipart_timeout), .min = 10, .max = 86400,
	  .def_num = 600,
	  .help = "seconds the parts of a long SMS wait for the rest before "
	  "what arrived is handled" },
	{ .name = "http", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_http,
	  .help = "the listener for webhooks from the network side" },
	{ .name = "admin", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_admin,
	  .help = "the officials' API listener and its tokens; absent: none" },
	{ .name = "purge", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_purge,
	  .help = "when records older than retention_days are deleted" },
	{ .name = "ussd", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_ussd,
	  .help = "USSD sessions: resuming a cut one, the confirmation SMS" },
	{ .name = "poster", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_poster,
	  .help = "the printable venue posters (checkinctl poster)" },
	{ .name = "inbound", .type = CT_LIST, .store = CS_LOAD, .required = 1,
	  .load = config_load_inbound,
	  .help = "HTTP entry points for inbound SMS and USSD, at least one" },
	{ .name = "routes", .type = CT_LIST, .store = CS_LOAD,
	  .load = config_load_routes,
	  .help = "outbound routes that drain the outbox" },
	{ .name = "outbox", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_outbox,
	  .help = "retries and the default route of queued texts" },
	{ .name = "templates", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_templates,
	  .help = "reply texts replacing the built-in ones, per language" },
	{ .name = "questions", .type = CT_LIST, .store = CS_LOAD,
	  .load = config_load_questions,
	  .help = "health declaration questions per venue kind" },
};

/* http = { ... } */
static const struct config_entry config_http[] = {
	{ .name = "listen", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(http_listen), .min = 3, .max = 300,
	  .def_str = "127.0.0.1:8080", .check = config_check_listen,
	  .help = "address and port: \"127.0.0.1:8080\", \"[::1]:8080\"" },
	{ .name = "max_body", .type = CT_INT, .store = CS_SIZE,
	  .off = CFG_OFF(http_max_body), .min = 256, .max = 1048576,
	  .def_num = 16384,
	  .help = "largest request body accepted, in bytes" },
	{ .name = "max_connections", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(http_max_connections), .min = 1, .max = 100000,
	  .def_num = 1024,
	  .help = "connections open at once at most; at the limit a new client "
	  "takes the place of the one idle or unfinished longest" },
	{ .name = "timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(http_timeout), .min = 1, .max = 3600, .def_num = 30,
	  .help = "seconds a client may take to send a whole request, and "
	  "an idle connection stays open" },
};

/* admin = { ... } */
static const struct config_entry config_admin[] = {
	{ .name = "listen", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(admin_listen), .min = 3, .max = 300,
	  .def_str = "127.0.0.1:8081", .check = config_check_listen,
	  .help = "address and port of the officials' API, never public" },
	{ .name = "max_body", .type = CT_INT, .store = CS_SIZE,
	  .off = CFG_OFF(admin_max_body), .min = 1024, .max = 16777216,
	  .def_num = 65536,
	  .help = "largest request body accepted, in bytes" },
	{ .name = "max_connections", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_max_connections), .min = 1, .max = 100000,
	  .def_num = 64,
	  .help = "connections open at once at most; at the limit a new client "
	  "takes the place of the one idle or unfinished longest" },
	{ .name = "timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(admin_timeout), .min = 1, .max = 3600, .def_num = 30,
	  .help = "seconds a client may take to send a whole request, and "
	  "an idle connection stays open" },
	{ .name = "tokens", .type = CT_LIST, .store = CS_LOAD,
	  .load = config_load_tokens,
	  .help = "the officials' bearer tokens, by their SHA-256" },
};

/* tokens = ( { name = ...; role = ...; sha256 = ...; }, ... ) */
static const struct config_entry config_token_entry[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = TOK_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_token_name,
	  .help = "who holds the token, written to every audit row: "
	  "[a-z0-9_.-]" },
	{ .name = "role", .type = CT_STRING, .store = CS_ENUM,
	  .off = TOK_OFF(role), .required = 1, .words = config_words_role,
	  .help = "tracer: personal data and reports; admin: also venues "
	  "and alerts" },
	{ .name = "sha256", .type = CT_STRING, .store = CS_STR,
	  .off = TOK_OFF(hex), .check = config_check_sha256,
	  .conflicts = "sha256_file",
	  .help = "SHA-256 of the token, 64 hex digits" },
	{ .name = "sha256_file", .type = CT_STRING, .store = CS_FILE,
	  .off = TOK_OFF(hex), .min = 1, .max = 4096,
	  .conflicts = "sha256",
	  .help = "file holding the SHA-256 of the token on its first line" },
};

/* limits = { ... }: beyond them a message is stored but not answered. */
static const struct config_entry config_limits[] = {
	{ .name = "messages_per_minute", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(limit_per_minute), .min = 0, .max = 100000, .def_num = 10,
	  .help = "messages from one number in a minute that are answered; "
	  "0: no limit" },
	{ .name = "replies_per_hour", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(limit_replies_hour), .min = 0, .max = 100000, .def_num = 30,
	  .help = "messages from one number answered in an hour; 0: no limit" },
	{ .name = "repeats", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(limit_repeats), .min = 0, .max = 1000, .def_num = 3,
	  .help = "times in an hour the same text from one number is answered "
	  "(an auto-reply robot repeats itself); 0: no limit" },
};

/* purge = { ... } */
static const struct config_entry config_purge[] = {
	{ .name = "interval", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(purge_interval), .min = 60, .max = 86400,
	  .def_num = 3600,
	  .help = "seconds between two purges of old records" },
};

/* ussd = { ... } */
static const struct config_entry config_ussd[] = {
	{ .name = "resume", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(ussd_resume), .min = 0, .max = 3600, .def_num = 300,
	  .help = "seconds in which a session cut off can be resumed" },
	{ .name = "confirm_sms", .type = CT_BOOL, .store = CS_BOOL,
	  .off = CFG_OFF(ussd_confirm_sms), .def_num = 1,
	  .help = "send a confirmation SMS after a USSD check-in" },
};

/* poster = { ... } */
static const struct config_entry config_poster[] = {
	{ .name = "qr", .type = CT_STRING, .store = CS_ENUM,
	  .off = CFG_OFF(poster_qr), .def_num = POSTER_QR_SMSTO,
	  .words = config_words_qr,
	  .help = "what the QR code holds: \"smsto\" (SMSTO:NUMBER:CODE), "
	  "\"sms\" (sms:NUMBER) or \"sms-body\" (sms:NUMBER?body=CODE)" },
};

/* inbound = ( { ... }, ... ) */
static const struct config_entry config_inbound_route[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "the route's name in logs and the database: [a-z0-9_-]" },
	{ .name = "type", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(type), .def_str = "sms", .words = config_words_type,
	  .help = "what arrives: sms or ussd" },
	{ .name = "format", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(format), .required = 1,
	  .words = config_words_format,
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
	  .conflicts = "secret_file",
	  .help = "shared secret (json: bearer token; kannel: ?secret=)" },
	{ .name = "secret_file", .type = CT_STRING, .store = CS_FILE,
	  .off = IN_OFF(secret), .min = 1, .max = 4096,
	  .conflicts = "secret",
	  .help = "file holding the shared secret on its first line" },
	{ .name = "auth_token", .type = CT_STRING, .store = CS_STR,
	  .off = IN_OFF(auth_token), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "auth_token_file",
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
	  .load = config_load_allow,
	  .help = "addresses or CIDR blocks requests may come from" },
};

/*
 * The formats of each inbound type and the replies they allow. A USSD
 * route answers every step inline, the screen being the HTTP response; its
 * route names the outbound route of the confirmation SMS.
 */
#define REPLY_INLINE	0x1
#define REPLY_OUTBOX	0x2

static const struct config_format {
	const char	*type;
	const char	*format;
	int		 replies;
	const char	*why;		/* why the other reply is refused */
	int		 confirm;	/* route is allowed with inline replies */
} config_formats[] = {
	{ "sms", "json", REPLY_INLINE|REPLY_OUTBOX, NULL, 0 },
	{ "sms", "kannel", REPLY_INLINE|REPLY_OUTBOX, NULL, 0 },
	{ "sms", "twilio", REPLY_INLINE|REPLY_OUTBOX, NULL, 0 },
	{ "sms", "africastalking", REPLY_OUTBOX,
	  "Africa's Talking does not take replies in the webhook response",
	  0 },
	{ "ussd", "africastalking", REPLY_INLINE,
	  "the USSD screen is the HTTP response", 1 },
	{ "ussd", "json", REPLY_INLINE,
	  "the USSD screen is the HTTP response", 1 },
};

/* routes = ( { ... }, ... ) */
static const struct config_entry config_outbound_route[] = {
	{ .name = "name", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(name), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "the route's name in logs, the outbox and /dlr/NAME" },
	{ .name = "driver", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(driver), .required = 1,
	  .words = config_words_driver,
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
	  .conflicts = "password_file",
	  .help = "kannel password; twilio auth token" },
	{ .name = "password_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(password), .min = 1, .max = 4096,
	  .conflicts = "password",
	  .help = "file holding the password on its first line" },
	{ .name = "api_key", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(api_key), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "api_key_file",
	  .help = "Africa's Talking API key" },
	{ .name = "api_key_file", .type = CT_STRING, .store = CS_FILE,
	  .off = OUT_OFF(api_key), .min = 1, .max = 4096,
	  .conflicts = "api_key",
	  .help = "file holding the API key on its first line" },
	{ .name = "token", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(token), .min = 1, .max = CONFIG_SECRET_MAX,
	  .conflicts = "token_file",
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
	  .load = config_load_prefixes,
	  .help = "E.164 prefixes of the numbers this route serves" },
	{ .name = "fallback", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(fallback), .min = 1, .max = CONFIG_NAME_MAX,
	  .check = config_check_name,
	  .help = "another route to send on while this one is down" },
	{ .name = "dlr_url", .type = CT_STRING, .store = CS_STR,
	  .off = OUT_OFF(dlr_url), .min = 8, .max = 1024,
	  .check = config_check_url,
	  .help = "our /dlr/NAME URL as the aggregator reaches it" },
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
#define CRED_USERNAME	0x1
#define CRED_PASSWORD	0x2
#define CRED_API_KEY	0x4
#define CRED_TOKEN	0x8
#define CRED_ALL	0xf

static const struct config_cred {
	const char	*name;
	const char	*file;		/* the _file setting, or NULL */
	size_t		 off;
	int		 bit;
} config_creds[] = {
	{ "username", NULL, OUT_OFF(username), CRED_USERNAME },
	{ "password", "password_file", OUT_OFF(password), CRED_PASSWORD },
	{ "api_key", "api_key_file", OUT_OFF(api_key), CRED_API_KEY },
	{ "token", "token_file", OUT_OFF(token), CRED_TOKEN },
};

/*
 * Settings only a channel driver reads (smpp, modem): refused on other
 * routes, and required where `need` says.
 */
#define CHAN_SMPP	0x1
#define CHAN_MODEM	0x2

static const struct config_chan_setting {
	const char	*name;
	int		 chan;
	int		 need;
} config_chan_settings[] = {
	{ "host", CHAN_SMPP, 1 },
	{ "port", CHAN_SMPP, 0 },
	{ "system_id", CHAN_SMPP, 1 },
	{ "system_type", CHAN_SMPP, 0 },
	{ "address_range", CHAN_SMPP, 0 },
	{ "bind", CHAN_SMPP, 0 },
	{ "window", CHAN_SMPP, 0 },
	{ "enquire_link", CHAN_SMPP, 0 },
	{ "reconnect_max", CHAN_SMPP, 0 },
	{ "long", CHAN_SMPP, 0 },
	{ "alphabet", CHAN_SMPP, 0 },
	{ "receipts", CHAN_SMPP|CHAN_MODEM, 0 },
	{ "device", CHAN_MODEM, 1 },
	{ "baud", CHAN_MODEM, 0 },
	{ "pin", CHAN_MODEM, 0 },
	{ "pin_file", CHAN_MODEM, 0 },
	{ "storage", CHAN_MODEM, 0 },
	{ "validity", CHAN_MODEM, 0 },
	{ "health", CHAN_MODEM, 0 },
	{ "cfun_reset", CHAN_MODEM, 0 },
};

static const struct config_driver {
	const char	*name;
	int		 url;		/* 1: url is required */
	int		 need;
	int		 use;
	int		 chan;		/* CHAN_*: a channel of its own, 0 for HTTP */
	int		 chan_use;	/* the channel settings it accepts */
} config_drivers[] = {
	{ "kannel", 1, CRED_USERNAME|CRED_PASSWORD,
	  CRED_USERNAME|CRED_PASSWORD, 0, 0 },
	{ "africastalking", 1, CRED_USERNAME|CRED_API_KEY,
	  CRED_USERNAME|CRED_API_KEY, 0, 0 },
	{ "twilio", 1, CRED_USERNAME|CRED_PASSWORD,
	  CRED_USERNAME|CRED_PASSWORD, 0, 0 },
	{ "json", 1, 0, CRED_TOKEN, 0, 0 },
	{ "null", 0, 0, CRED_ALL, 0, CHAN_SMPP|CHAN_MODEM },
	{ "smpp", 0, CRED_PASSWORD, CRED_PASSWORD, CHAN_SMPP, CHAN_SMPP },
	{ "modem", 0, 0, 0, CHAN_MODEM, CHAN_MODEM },
};

/* outbox = { ... } */
static const struct config_entry config_outbox[] = {
	{ .name = "max_attempts", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(outbox_max_attempts), .min = 1, .max = 100,
	  .def_num = 8,
	  .help = "attempts at sending a text before it fails" },
	{ .name = "max_age", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(outbox_max_age), .min = 60, .max = 2592000,
	  .def_num = 86400,
	  .help = "seconds after which a text not sent fails" },
	{ .name = "default_route", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(outbox_default_route), .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "route of numbers no prefix matches; default the first" },
	{ .name = "retry_base", .type = CT_FLOAT, .store = CS_DOUBLE,
	  .off = CFG_OFF(outbox_retry_base), .fmin = 0.05, .fmax = 3600,
	  .fdef = 10.0,
	  .help = "seconds before the first retry, doubled on each" },
	{ .name = "retry_max", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(outbox_retry_max), .min = 1, .max = 86400,
	  .def_num = 3600,
	  .help = "seconds between two attempts at most" },
};

/* questions = ( { kind = ...; ask = ( ... ); }, ... ) */
static const struct config_entry config_qset[] = {
	{ .name = "kind", .type = CT_STRING, .store = CS_STR,
	  .off = QSET_OFF(kind), .required = 1, .min = 1,
	  .max = CONFIG_NAME_MAX, .check = config_check_name,
	  .help = "venue kind these questions are for; \"default\": the rest" },
	{ .name = "ask", .type = CT_LIST, .store = CS_LOAD, .required = 1,
	  .load = config_load_ask,
	  .help = "the questions, asked one SMS each in this order" },
};

/* ask = ( { id = ...; type = ...; vi = ...; en = ...; flag_on = ...; } ) */
static const struct config_entry config_question[] = {
	{ .name = "id", .type = CT_STRING, .store = CS_STR, .off = Q_OFF(id),
	  .required = 1, .min = 1, .max = CONFIG_NAME_MAX,
	  .check = config_check_name,
	  .help = "stored with each answer: [a-z0-9_-]" },
	{ .name = "type", .type = CT_STRING, .store = CS_ENUM,
	  .off = Q_OFF(type), .def_num = QUESTION_YESNO,
	  .words = config_words_qtype,
	  .help = "yesno (1/2, C/K, Y/N) or text (any answer)" },
	{ .name = "vi", .type = CT_STRING, .store = CS_STR,
	  .off = Q_OFF(text[LANG_VI]), .min = 1, .max = CONFIG_QUESTION_MAX,
	  .check = config_check_utf8,
	  .help = "the question in Vietnamese" },
	{ .name = "en", .type = CT_STRING, .store = CS_STR,
	  .off = Q_OFF(text[LANG_EN]), .min = 1, .max = CONFIG_QUESTION_MAX,
	  .check = config_check_utf8,
	  .help = "the question in English" },
	{ .name = "flag_on", .type = CT_STRING, .store = CS_ENUM,
	  .off = Q_OFF(flag_on), .def_num = FLAG_NONE,
	  .words = config_words_flag,
	  .help = "the yes/no answer that flags the declaration" },
};

/*
 * The declaration used when the configuration has none: COVID-19 screening
 * as Hanoi's check-in points asked it in 2021. Vietnamese without
 * diacritics keeps every question SMS in one GSM-7 segment.
 */
#define CONFIG_Q_SYMPTOMS { "symptoms", QUESTION_YESNO, {		\
	"Trong 14 ngay qua ban co sot, ho, kho tho hoac mat vi giac, "	\
	"khuu giac khong?",						\
	"In the last 14 days have you had fever, cough, shortness of "	\
	"breath, or lost taste or smell?" }, FLAG_ON_YES }
#define CONFIG_Q_CONTACT { "contact", QUESTION_YESNO, {			\
	"Trong 14 ngay qua ban co tiep xuc gan voi nguoi mac COVID-19 "	\
	"(F0) khong?",							\
	"In the last 14 days have you been in close contact with a "	\
	"confirmed COVID-19 (F0) case?" }, FLAG_ON_YES }
#define CONFIG_Q_ROUTE { "route", QUESTION_TEXT, {			\
	"Ban di tu dau den dau? VD: Gia Lam - Hoan Kiem",		\
	"Where are you travelling from and to? E.g. Gia Lam - "		\
	"Hoan Kiem" }, FLAG_NONE }

static struct question config_builtin_default[] = {
	CONFIG_Q_SYMPTOMS,
	CONFIG_Q_CONTACT,
};
static struct question config_builtin_checkpoint[] = {
	CONFIG_Q_SYMPTOMS,
	CONFIG_Q_CONTACT,
	CONFIG_Q_ROUTE,
};
static const struct question_set config_builtin_sets[] = {
	{ "default", config_builtin_default, nitems(config_builtin_default) },
	{ "checkpoint", config_builtin_checkpoint,
	  nitems(config_builtin_checkpoint) },
};

/* Write "FILE:LINE: SETTING: reason" for the setting s (or its parent). */
static int __attribute__((format(printf, 4, 5)))
config_fail(struct config_ctx *ctx, const config_setting_t *s,
    const char *setting, const char *fmt, ...)
{
	va_list		 ap;
	char		 reason[512];
	const char	*file;
	unsigned int	 line;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);

	file = ctx->file;
	line = 0;
	if (s != NULL) {
		line = config_setting_source_line(s);
		if (config_setting_source_file(s) != NULL)
			file = config_setting_source_file(s);
	}
	if (line != 0)
		snprintf(ctx->err, ctx->errlen, "%s:%u: %s: %s", file, line,
		    setting, reason);
	else
		snprintf(ctx->err, ctx->errlen, "%s: %s: %s", file, setting,
		    reason);
	return -1;
}

/* "path.name", or "name" at the top level. */
static void
config_join(char *buf, size_t len, const char *path, const char *name)
{
	int	 n;

	if (path == NULL || *path == '\0')
		n = snprintf(buf, len, "%s", name);
	else
		n = snprintf(buf, len, "%s.%s", path, name);
	if (n < 0 || (size_t)n >= len)
		buf[len - 1] = '\0';	/* a cut name still shows where */
}

static const char *
config_type_name(enum config_type type)
{
	static const char *names[] = {
		[CT_STRING] = "a string in double quotes",
		[CT_INT] = "a whole number",
		[CT_BOOL] = "true or false",
		[CT_GROUP] = "a group { ... }",
		[CT_LIST] = "a list ( { ... }, ... )",
		[CT_STRINGS] = "an array of strings [ \"...\", ... ]",
		[CT_FLOAT] = "a number such as 10 or 2.5",
	};

	return names[type];
}

/* 1 if libconfig's type of s is the shape the entry wants. */
static int
config_type_ok(const config_setting_t *s, enum config_type type)
{
	int	 t, i, n;

	t = config_setting_type(s);
	switch (type) {
	case CT_STRING:
		return t == CONFIG_TYPE_STRING;
	case CT_INT:
		return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
	case CT_FLOAT:
		return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT ||
		    t == CONFIG_TYPE_INT64;
	case CT_BOOL:
		return t == CONFIG_TYPE_BOOL;
	case CT_GROUP:
		return t == CONFIG_TYPE_GROUP;
	case CT_LIST:
		return t == CONFIG_TYPE_LIST;
	case CT_STRINGS:
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			return 0;
		n = config_setting_length(s);
		for (i = 0; i < n; i++) {
			if (config_setting_type(config_setting_get_elem(s, i)) !=
			    CONFIG_TYPE_STRING)
				return 0;
		}
		return 1;
	}
	return 0;
}

static const struct config_entry *
config_entry_find(const struct config_entry *tab, size_t ntab,
    const char *name)
{
	size_t	 i;

	for (i = 0; i < ntab; i++) {
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	}
	return NULL;
}

/* The allowed values of a word setting, for an error message. */
static void
config_words_list(const struct config_word *w, char *buf, size_t len)
{
	size_t	 n;

	*buf = '\0';
	for (n = 0; w->name != NULL; w++) {
		snprintf(buf + n, len - n, "%s\"%s\"", n == 0 ? "" : ", ",
		    w->name);
		n = strlen(buf);
	}
}

/* Read the first line of a secret file: trailing CR/LF stripped. */
static int
config_read_secret(struct config_ctx *ctx, const config_setting_t *s,
    const char *setting, const char *path, char **out)
{
	FILE	*f;
	char	 buf[CONFIG_SECRET_MAX + 2];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return config_fail(ctx, s, setting, "cannot read %s: %s", path,
		    strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, f);
	if (ferror(f)) {
		fclose(f);
		return config_fail(ctx, s, setting, "cannot read %s: %s", path,
		    strerror(errno));
	}
	fclose(f);
	buf[n] = '\0';
	if (strlen(buf) != n)
		return config_fail(ctx, s, setting, "%s holds a NUL byte", path);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (strchr(buf, '\n') != NULL)
		return config_fail(ctx, s, setting,
		    "%s must hold one line, the secret", path);
	if (n == 0)
		return config_fail(ctx, s, setting, "%s is empty", path);
	if (n > CONFIG_SECRET_MAX)
		return config_fail(ctx, s, setting,
		    "%s is longer than %d bytes", path, CONFIG_SECRET_MAX);
	*out = xstrdup(buf);
	return 0;
}

/*
 * libconfig 1.5 keeps a decimal number too large for an int wrapped around
 * (4294967324 reads as 28). Read the number as written on the setting's
 * line instead, so that such a value is refused rather than changed.
 */
static void
config_int_as_written(struct config_ctx *ctx, const config_setting_t *s,
    long long *v)
{
	FILE		*f;
	char		*line = NULL, *end;
	const char	*file, *name, *p, *q;
	size_t		 size = 0, nlen;
	unsigned int	 n, want;
	long long	 w;

	want = config_setting_source_line(s);
	name = config_setting_name(s);
	file = config_setting_source_file(s) != NULL ?
	    config_setting_source_file(s) : ctx->file;
	if (want == 0 || name == NULL || (f = fopen(file, "r")) == NULL)
		return;
	for (n = 1; getline(&line, &size, f) != -1; n++) {
		if (n == want)
			break;
	}
	fclose(f);
	if (n != want || line == NULL) {
		free(line);
		return;
	}
	nlen = strlen(name);
	for (p = line; (p = strstr(p, name)) != NULL; p += nlen) {
		if (p != line && (p[-1] == '_' || p[-1] == '-' ||
		    (p[-1] >= 'a' && p[-1] <= 'z') ||
		    (p[-1] >= 'A' && p[-1] <= 'Z') ||
		    (p[-1] >= '0' && p[-1] <= '9')))
			continue;
		q = p + nlen + strspn(p + nlen, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q++;
		q += strspn(q, " \t");
		errno = 0;
		if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
			w = strtoll(q, &end, 16);
		else
			w = strtoll(q, &end, 10);
		if (end != q)
			*v = w;		/* LLONG_MIN/MAX on overflow: out of range */
		break;
	}
	free(line);
}

/* Check one present setting against its entry and keep its value. */
static int
config_value(struct config_ctx *ctx, const config_setting_t *s,
    const char *name, const struct config_entry *e, void *target)
{
	char				*field = (char *)target + e->off;
	const struct config_word	*w;
	const char			*str;
	char				 why[256], list[128];
	long long			 v;
	double				 d;
	size_t				 len;

	if (!config_type_ok(s, e->type))
		return config_fail(ctx, s, name, "must be %s",
		    config_type_name(e->type));

	switch (e->type) {
	case CT_INT:
		v = config_setting_get_int64(s);
		config_int_as_written(ctx, s, &v);
		if (v < e->min || v > e->max)
			return config_fail(ctx, s, name,
			    "%lld is out of range %lld..%lld (%s)", v, e->min,
			    e->max, e->help);
		if (e->store == CS_SIZE)
			*(size_t *)field = (size_t)v;
		else
			*(int *)field = (int)v;
		return 0;
	case CT_FLOAT:
		if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else {
			v = config_setting_get_int64(s);
			config_int_as_written(ctx, s, &v);
			d = (double)v;
		}
		/* Written so that NaN is out of range too. */
		if (!(d >= e->fmin && d <= e->fmax) ||
		    (e->fmin_open && d == e->fmin)) {
			if (e->fmin_open)
				return config_fail(ctx, s, name,
				    "%.15g is out of range: more than %g, at "
				    "most %g (%s)", d, e->fmin, e->fmax,
				    e->help);
			return config_fail(ctx, s, name,
			    "%.15g is out of range %g..%g (%s)", d, e->fmin,
			    e->fmax, e->help);
		}
		*(double *)field = d;
		return 0;
	case CT_BOOL:
		*(int *)field = config_setting_get_bool(s) ? 1 : 0;
		return 0;
	case CT_STRING:
		break;
	default:
		return e->load(ctx, s, NULL, name, target);
	}

	str = config_setting_get_string(s);
	len = strlen(str);
	if (e->words != NULL) {
		for (w = e->words; w->name != NULL; w++) {
			if (strcmp(w->name, str) == 0)
				break;
		}
		if (w->name == NULL) {
			config_words_list(e->words, list, sizeof list);
			return config_fail(ctx, s, name,
			    "\"%s\" is not one of %s", str, list);
		}
		if (e->store == CS_ENUM) {
			*(int *)field = w->value;
			return 0;
		}
	} else if (e->max != 0 && ((long long)len < e->min ||
	    (long long)len > e->max)) {
		if (len == 0)
			return config_fail(ctx, s, name, "must not be empty");
		return config_fail(ctx, s, name,
		    "must be %lld to %lld bytes long", e->min, e->max);
	}
	if (e->check != NULL && e->check(str, why, sizeof why) != 0)
		return config_fail(ctx, s, name, "%s", why);

	if (*(char **)field != NULL)
		return config_fail(ctx, s, name, "cannot be set with %s",
		    e->conflicts != NULL ? e->conflicts : "another setting");
	if (e->store == CS_FILE)
		return config_read_secret(ctx, s, name, str, (char **)field);
	*(char **)field = xstrdup(str);
	return 0;
}

/* Give an absent setting its default, or fail if it is required. */
static int
config_default(struct config_ctx *ctx, const config_setting_t *group,
    const config_setting_t *parent, const char *name,
    const struct config_entry *e, void *target)
{
	char	*field = (char *)target + e->off;

	if (e->required)
		return config_fail(ctx, group != NULL ? group : parent, name,
		    "required setting is missing (%s)", e->help);
	switch (e->store) {
	case CS_STR:
		if (e->def_str != NULL && *(char **)field == NULL)
			*(char **)field = xstrdup(e->def_str);
		break;
	case CS_INT:
	case CS_BOOL:
	case CS_ENUM:
		*(int *)field = (int)e->def_num;
		break;
	case CS_SIZE:
		*(size_t *)field = (size_t)e->def_num;
		break;
	case CS_DOUBLE:
		*(double *)field = e->fdef;
		break;
	case CS_FILE:
		break;
	case CS_LOAD:
		return e->load(ctx, NULL, group != NULL ? group : parent, name,
		    target);
	}
	return 0;
}

/*
 * Walk a group against its table: every setting in it must be known, of the
 * right type and in range; absent ones take their defaults. group may be
 * NULL (the whole group is absent): then errors point at parent. post runs
 * the checks that involve more than one setting.
 */
static int
config_group(struct config_ctx *ctx, const config_setting_t *group,
    const config_setting_t *parent, const char *path,
    const struct config_entry *tab, size_t ntab, void *target,
    config_post_cb post)
{
	const struct config_entry	*e;
	const config_setting_t		*s;
	char				 name[CONFIG_PATH_MAX];
	int				 i, n;
	size_t				 j;

	n = group != NULL ? config_setting_length(group) : 0;
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(group, i);
		config_join(name, sizeof name, path, config_setting_name(s));
		if ((e = config_entry_find(tab, ntab,
		    config_setting_name(s))) == NULL)
			return config_fail(ctx, s, name, "unknown setting");
		if (config_value(ctx, s, name, e, target) != 0)
			return -1;
	}
	for (j = 0; j < ntab; j++) {
		e = &tab[j];
		config_join(name, sizeof name, path, e->name);
		if (group != NULL && (s = config_setting_get_member(group,
		    e->name)) != NULL) {
			/* Two numbers for one field (strings are caught as they are set). */
			if (e->conflicts != NULL && e->store != CS_STR &&
			    e->store != CS_FILE &&
			    config_setting_get_member(group, e->conflicts) != NULL)
				return config_fail(ctx, s, name, "cannot be set with %s",
				    e->conflicts);
			continue;
		}
		/* The other name of this field was set. */
		if (group != NULL && e->conflicts != NULL &&
		    config_setting_get_member(group, e->conflicts) != NULL)
			continue;
		if (config_default(ctx, group, parent, name, e, target) != 0)
			return -1;
	}
	if (post != NULL)
		return post(ctx, group != NULL ? group : parent, path, target);
	return 0;
}

static int
config_check_timezone(const char *s, char *why, size_t len)
{
	char		 path[512];
	struct stat	 sb;

	/* A zone name is a relative path under the zoneinfo folder. */
	if (*s == '/' || strstr(s, "..") != NULL ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789/_+-") != strlen(s)) {
		snprintf(why, len, "\"%s\" is not a time zone name", s);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", CONFIG_ZONEINFO, s);
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    access(path, R_OK) == -1) {
		snprintf(why, len, "unknown time zone \"%s\" (no %s)", s, path);
		return -1;
	}
	return 0;
}

static int
config_check_digits(const char *s, char *why, size_t len)
{
	if (strspn(s, "0123456789") != strlen(s)) {
		snprintf(why, len, "\"%s\" must be digits only", s);
		return -1;
	}
	return 0;
}

static int
config_check_number(const char *s, char *why, size_t len)
{
	if (*s == '+')
		s++;
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s)) {
		snprintf(why, len, "\"%s\" must be digits, with an optional "
		    "leading +", s);
		return -1;
	}
	return 0;
}

static int
config_check_hotline(const char *s, char *why, size_t len)
{
	if (strspn(s, "0123456789 +-.") != strlen(s) ||
	    strpbrk(s, "0123456789") == NULL) {
		snprintf(why, len, "\"%s\" must be a phone number (digits, "
		    "spaces, + - .)", s);
		return -1;
	}
	return 0;
}

int
config_listen_split(const char *listen, char *host, size_t hostlen,
    uint16_t *port)
{
	const char		*colon, *end;
	const char		*errstr;
	struct in6_addr		 a6;
	size_t			 n;
	long long		 p;

	if (listen == NULL)
		return -1;
	if (*listen == '[') {
		if ((end = strchr(listen, ']')) == NULL || end[1] != ':')
			return -1;
		n = end - listen - 1;
		colon = end + 1;
		if (n == 0 || n >= hostlen || n >= INET6_ADDRSTRLEN)
			return -1;
		memcpy(host, listen + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, &a6) != 1)
			return -1;
	} else {
		if ((colon = strrchr(listen, ':')) == NULL)
			return -1;
		n = colon - listen;
		if (n == 0 || n >= hostlen || memchr(listen, ':', n) != NULL)
			return -1;
		memcpy(host, listen, n);
		host[n] = '\0';
		/* An IPv4 address or a host name: letters, digits, - and . */
		if (strspn(host, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n ||
		    *host == '-' || *host == '.')
			return -1;
	}
	if (strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return -1;
	p = num_parse(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
config_check_listen(const char *s, char *why, size_t len)
{
	char		 host[256];
	uint16_t	 port;

	if (config_listen_split(s, host, sizeof host, &port) != 0) {
		snprintf(why, len, "\"%s\" is not HOST:PORT (\"127.0.0.1:8080\", "
		    "\"[::1]:8080\"; port 1..65535)", s);
		return -1;
	}
	return 0;
}

static int
config_check_name(const char *s, char *why, size_t len)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s)) {
		snprintf(why, len, "\"%s\" may hold only a-z, 0-9, _ and -", s);
		return -1;
	}
	return 0;
}

static int
config_check_path(const char *s, char *why, size_t len)
{
	const char	*p;

	if (*s != '/') {
		snprintf(why, len, "\"%s\" must start with /", s);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#' ||
		    *p == '%') {
			snprintf(why, len, "\"%s\" may not hold spaces, control "
			    "bytes, ?, # or %%", s);
			return -1;
		}
	}
	return 0;
}

static int
config_check_url(const char *s, char *why, size_t len)
{
	const char	*p;

	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
		snprintf(why, len, "\"%s\" must start with http:// or https://",
		    s);
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			snprintf(why, len, "\"%s\" may not hold spaces or "
			    "control bytes", s);
			return -1;
		}
	}
	return 0;
}

static int
config_check_utf8(const char *s, char *why, size_t len)
{
	struct gsm_count	 gc;

	if (gsm_count(s, strlen(s), &gc) == -1) {
		snprintf(why, len, "not valid UTF-8");
		return -1;
	}
	return 0;
}

static int
config_check_word(const char *s, char *why, size_t len)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			snprintf(why, len, "\"%s\" may not hold spaces or "
			    "control bytes", s);
			return -1;
		}
	}
	return 0;
}

/*
 * A sender: a number (a short code or E.164, at most 15 digits) or an
 * alphanumeric id of at most 11 characters with a letter in it (3GPP TS
 * 23.040 9.1.2.5; aggregators allow letters, digits, spaces, - . and _).
 */
static int
config_check_sender(const char *s, char *why, size_t len)
{
	const char	*digits = *s == '+' ? s + 1 : s;
	size_t		 n = strlen(s);

	if (*digits != '\0' && strspn(digits, "0123456789") == strlen(digits)) {
		if (strlen(digits) <= CONFIG_PREFIX_DIGITS)
			return 0;
		snprintf(why, len, "\"%s\" has more than %d digits", s,
		    CONFIG_PREFIX_DIGITS);
		return -1;
	}
	if (*s == '+' || n > CONFIG_SENDER_ALNUM ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789 -._") != n || strpbrk(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL || *s == ' ') {
		snprintf(why, len, "\"%s\" is neither a number (+ and up to %d "
		    "digits) nor a sender id (1 to %d letters, digits, spaces, "
		    "- . _, with a letter)", s, CONFIG_PREFIX_DIGITS,
		    CONFIG_SENDER_ALNUM);
		return -1;
	}
	return 0;
}

/* A token's name goes into audit rows and logs as it is: no odd bytes. */
static int
config_check_token_name(const char *s, char *why, size_t len)
{
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(s)) {
		snprintf(why, len, "\"%s\" may hold only a-z, 0-9, _, . and -",
		    s);
		return -1;
	}
	return 0;
}

/*
 * Decode the SHA-256 at the start of s: 64 hex digits in either case, then
 * the end of s, or with rest set a blank and anything (sha256sum(1) prints
 * "DIGEST  -"). 0, or -1 with the reason in why.
 */
static int
config_sha256_decode(const char *s, int rest, unsigned char *md, char *why,
    size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*hi, *lo;
	size_t			 n, i;

	n = strspn(s, "0123456789abcdefABCDEF");
	if (n == CONFIG_SHA256_HEX && s[n] != '\0' &&
	    (!rest || (s[n] != ' ' && s[n] != '\t'))) {
		snprintf(why, len, "not a SHA-256: more follows its %d hex "
		    "digits (checkinctl token NAME ROLE prints the digest)",
		    CONFIG_SHA256_HEX);
		return -1;
	}
	if (n != CONFIG_SHA256_HEX) {
		if (s[n] != '\0' && s[n] != ' ' && s[n] != '\t')
			snprintf(why, len, "not a SHA-256: character %zu is not "
			    "a hex digit (checkinctl token NAME ROLE prints "
			    "the digest)", n + 1);
		else
			snprintf(why, len, "not a SHA-256: %zu hex digits, not "
			    "%d (checkinctl token NAME ROLE prints the digest)",
			    n, CONFIG_SHA256_HEX);
		return -1;
	}
	for (i = 0; i < CONFIG_SHA256_HEX / 2; i++) {
		hi = strchr(hex, s[2 * i] | 0x20);
		lo = strchr(hex, s[2 * i + 1] | 0x20);
		md[i] = (unsigned char)((hi - hex) << 4 | (lo - hex));
	}
	return 0;
}

static int
config_check_sha256(const char *s, char *why, size_t len)
{
	unsigned char	 md[CONFIG_SHA256_HEX / 2];

	return config_sha256_decode(s, 0, md, why, len);
}

static int
config_load_http(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_http,
	    nitems(config_http), target, NULL);
}

/* admin = { ... }: without the group there is no admin listener. */
static int
config_load_admin(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config			*cfg = target;
	const struct config_entry	*e;

	if (s == NULL) {
		e = config_entry_find(config_admin, nitems(config_admin),
		    "max_body");
		cfg->admin_max_body = (size_t)e->def_num;
		return 0;
	}
	return config_group(ctx, s, parent, name, config_admin,
	    nitems(config_admin), target, NULL);
}

/* Checks of one token: its digest is given once, and decoded here. */
static int
config_token_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct config_token_spec	*spec = target;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX], why[256];

	if (spec->hex == NULL) {
		config_join(name, sizeof name, path, "sha256");
		return config_fail(ctx, s, name, "required setting is missing "
		    "(the SHA-256 of the token, or sha256_file)");
	}
	/* sha256 itself was checked as it was read; a file's line was not. */
	if (config_sha256_decode(spec->hex, 1, spec->sha256, why,
	    sizeof why) != 0) {
		config_join(name, sizeof name, path, "sha256_file");
		m = config_setting_get_member(s, "sha256_file");
		return config_fail(ctx, m != NULL ? m : s, name, "%s: %s",
		    m != NULL ? config_setting_get_string(m) : "", why);
	}
	return 0;
}

/* tokens = ( ... ): names and digests unique. */
static int
config_load_tokens(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config			*cfg = target;
	struct config_token_spec	 spec;
	struct admin_token		*t;
	const config_setting_t		*el;
	const char			*field;
	char				 elname[CONFIG_PATH_MAX];
	char				 what[CONFIG_PATH_MAX];
	int				 i, n, rc;
	size_t				 j;

	if (s == NULL || (n = config_setting_length(s)) == 0)
		return 0;
	if (n > CONFIG_TOKENS_MAX)
		return config_fail(ctx, s, name, "more than %d tokens",
		    CONFIG_TOKENS_MAX);
	cfg->tokens = xcalloc(n, sizeof *cfg->tokens);
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname, "must be a group "
			    "{ name = ...; role = ...; sha256 = ...; }");
		memset(&spec, 0, sizeof spec);
		rc = config_group(ctx, el, s, elname, config_token_entry,
		    nitems(config_token_entry), &spec, config_token_post);
		for (j = 0; rc == 0 && j < cfg->ntokens; j++) {
			t = &cfg->tokens[j];
			if (strcmp(t->name, spec.name) == 0) {
				config_join(what, sizeof what, elname, "name");
				rc = config_fail(ctx,
				    config_setting_get_member(el, "name"), what,
				    "\"%s\" is already the name of %s[%zu]",
				    spec.name, name, j);
			} else if (memcmp(t->sha256, spec.sha256,
			    sizeof t->sha256) == 0) {
				field = config_setting_get_member(el,
				    "sha256") != NULL ? "sha256" : "sha256_file";
				config_join(what, sizeof what, elname, field);
				rc = config_fail(ctx,
				    config_setting_get_member(el, field), what,
				    "the digest of %s[%zu] (\"%s\"): every "
				    "official needs a token of their own", name,
				    j, t->name);
			}
		}
		if (spec.hex != NULL)
			explicit_bzero(spec.hex, strlen(spec.hex));
		free(spec.hex);
		if (rc != 0) {
			free(spec.name);
			return -1;
		}
		t = &cfg->tokens[cfg->ntokens++];
		t->name = spec.name;
		t->role = (enum admin_role)spec.role;
		memcpy(t->sha256, spec.sha256, sizeof t->sha256);
		explicit_bzero(&spec, sizeof spec);
	}
	return 0;
}

static int
config_load_purge(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_purge,
	    nitems(config_purge), target, NULL);
}

static int
config_load_limits(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_limits,
	    nitems(config_limits), target, NULL);
}

static int
config_load_ussd(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_ussd,
	    nitems(config_ussd), target, NULL);
}

static int
config_load_poster(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_poster,
	    nitems(config_poster), target, NULL);
}

/* Parse "ADDR" or "ADDR/PREFIX" (IPv4 or IPv6) into a CIDR block. */
static int
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

static int
config_load_allow(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct inbound_route	*r = target;
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
	r->allow = xcalloc(n, sizeof *r->allow);
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_allow_parse(config_setting_get_string(el),
		    &r->allow[i], why, sizeof why) != 0)
			return config_fail(ctx, config_setting_source_line(el) ?
			    el : s, elname, "%s", why);
		r->nallow++;
	}
	return 0;
}

static const struct config_format *
config_format_find(const char *type, const char *format)
{
	size_t	 i;

	for (i = 0; i < nitems(config_formats); i++) {
		if (strcmp(config_formats[i].type, type) == 0 &&
		    strcmp(config_formats[i].format, format) == 0)
			return &config_formats[i];
	}
	return NULL;
}

/* The formats of a type, for an error message. */
static void
config_formats_list(const char *type, char *buf, size_t len)
{
	size_t	 i, n;

	*buf = '\0';
	for (i = n = 0; i < nitems(config_formats); i++) {
		if (strcmp(config_formats[i].type, type) != 0)
			continue;
		snprintf(buf + n, len - n, "%s\"%s\"", n == 0 ? "" : ", ",
		    config_formats[i].format);
		n = strlen(buf);
	}
}

/* Checks of one inbound route that involve several of its settings. */
static int
config_inbound_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct inbound_route		*r = target;
	const struct config_format	*f;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX], list[128];
	int				 reply;
	size_t				 i;
	static const char		*twilio_only[] = {
		"auth_token", "auth_token_file", "url"
	};

	if ((f = config_format_find(r->type, r->format)) == NULL) {
		config_join(name, sizeof name, path, "format");
		m = config_setting_get_member(s, "format");
		config_formats_list(r->type, list, sizeof list);
		return config_fail(ctx, m != NULL ? m : s, name,
		    "\"%s\" is not a format of type \"%s\" (%s are)",
		    r->format, r->type, list);
	}
	reply = strcmp(r->reply, "inline") == 0 ? REPLY_INLINE : REPLY_OUTBOX;
	if ((f->replies & reply) == 0) {
		config_join(name, sizeof name, path, "reply");
		m = config_setting_get_member(s, "reply");
		return config_fail(ctx, m != NULL ? m : s, name,
		    "a %s route of format \"%s\" needs reply = \"%s\": %s",
		    r->type, r->format, reply == REPLY_INLINE ? "outbox" :
		    "inline", f->why);
	}
	if (r->route != NULL && reply == REPLY_INLINE && !f->confirm) {
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

	if (strcmp(r->format, "twilio") == 0 && r->auth_token == NULL) {
		config_join(name, sizeof name, path, "auth_token");
		return config_fail(ctx, s, name, "required for a twilio route "
		    "(or auth_token_file)");
	}
	return 0;
}

static int
config_load_inbound(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
	const config_setting_t	*el, *member;
	struct inbound_route	*r;
	char			 elname[CONFIG_PATH_MAX], what[CONFIG_PATH_MAX];
	int			 i, n;
	size_t			 j;

	n = config_setting_length(s);
	if (n == 0)
		return config_fail(ctx, s, name, "at least one route is needed");
	if (n > CONFIG_ROUTES_MAX)
		return config_fail(ctx, s, name, "more than %d routes",
		    CONFIG_ROUTES_MAX);
	cfg->inbound = xcalloc(n, sizeof *cfg->inbound);
	cfg->ninbound = n;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		r = &cfg->inbound[i];
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname,
			    "must be a group { name = ...; ... }");
		if (config_group(ctx, el, s, elname, config_inbound_route,
		    nitems(config_inbound_route), r, config_inbound_post) != 0)
			return -1;
		for (j = 0; j < (size_t)i; j++) {
			if (strcmp(cfg->inbound[j].name, r->name) == 0) {
				member = config_setting_get_member(el, "name");
				config_join(what, sizeof what, elname, "name");
				return config_fail(ctx, member, what,
				    "\"%s\" is already the name of %s[%zu]",
				    r->name, name, j);
			}
			if (strcmp(cfg->inbound[j].path, r->path) == 0) {
				member = config_setting_get_member(el, "path");
				config_join(what, sizeof what, elname, "path");
				return config_fail(ctx, member, what,
				    "\"%s\" is already the path of route \"%s\"",
				    r->path, cfg->inbound[j].name);
			}
		}
	}
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

static const struct config_driver *
config_driver_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(config_drivers); i++) {
		if (strcmp(config_drivers[i].name, name) == 0)
			return &config_drivers[i];
	}
	return NULL;
}

/* Checks of one outbound route: what its driver needs and does not use. */
static int
config_outbound_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct route			*r = target;
	const struct config_driver	*d;
	const struct config_cred	*c;
	const struct config_chan_setting *cs;
	const config_setting_t		*m;
	char				 name[CONFIG_PATH_MAX];
	size_t				 i;

	if ((d = config_driver_find(r->driver)) == NULL) {
		config_join(name, sizeof name, path, "driver");
		return config_fail(ctx, s, name, "unknown driver");
	}
	for (i = 0; i < nitems(config_chan_settings); i++) {
		cs = &config_chan_settings[i];
		m = config_setting_get_member(s, cs->name);
		config_join(name, sizeof name, path, cs->name);
		if (m != NULL && (cs->chan & d->chan_use) == 0)
			return config_fail(ctx, m, name, "only for the %s driver",
			    (cs->chan & CHAN_SMPP) ? "smpp" : "modem");
		if (m == NULL && cs->need && (cs->chan & d->chan) != 0)
			return config_fail(ctx, s, name, "required by the %s driver",
			    d->name);
	}
	if (d->chan == CHAN_SMPP && r->password != NULL && strlen(r->password) > 8) {
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

/* The element of list and the member of it, for an error message. */
static const config_setting_t *
config_member_of(const config_setting_t *list, size_t i, const char *member,
    char *buf, size_t len, const char *listname)
{
	const config_setting_t	*el, *m;
	char			 elname[CONFIG_PATH_MAX];

	snprintf(elname, sizeof elname, "%s[%zu]", listname, i);
	config_join(buf, len, elname, member);
	el = config_setting_get_elem(list, i);
	if (el == NULL)
		return list;
	m = config_setting_get_member(el, member);
	return m != NULL ? m : el;
}

static int
config_load_routes(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
	const config_setting_t	*el, *m;
	struct route		*r;
	char			 elname[CONFIG_PATH_MAX], what[CONFIG_PATH_MAX];
	int			 i, n;
	size_t			 j, k, l, p;

	if (s == NULL || (n = config_setting_length(s)) == 0)
		return 0;
	if (n > CONFIG_ROUTES_MAX)
		return config_fail(ctx, s, name, "more than %d routes",
		    CONFIG_ROUTES_MAX);
	cfg->routes = xcalloc(n, sizeof *cfg->routes);
	cfg->nroutes = n;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		r = &cfg->routes[i];
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname,
			    "must be a group { name = ...; driver = ...; }");
		if (config_group(ctx, el, s, elname, config_outbound_route,
		    nitems(config_outbound_route), r,
		    config_outbound_post) != 0)
			return -1;
		for (j = 0; j < (size_t)i; j++) {
			if (strcmp(cfg->routes[j].name, r->name) == 0) {
				m = config_member_of(s, i, "name", what,
				    sizeof what, name);
				return config_fail(ctx, m, what,
				    "\"%s\" is already the name of %s[%zu]",
				    r->name, name, j);
			}
			/* Two routes for one prefix: which one? */
			for (k = 0; k < r->nprefixes; k++) {
				for (l = 0; l < cfg->routes[j].nprefixes; l++) {
					if (strcmp(r->prefixes[k],
					    cfg->routes[j].prefixes[l]) != 0)
						continue;
					m = config_member_of(s, i, "prefixes",
					    what, sizeof what, name);
					return config_fail(ctx, m, what,
					    "\"%s\" is already a prefix of "
					    "route \"%s\"", r->prefixes[k],
					    cfg->routes[j].name);
				}
			}
		}
	}
	/* A fallback may come later in the list: check once all are known. */
	for (p = 0; p < cfg->nroutes; p++) {
		r = &cfg->routes[p];
		if (r->fallback == NULL)
			continue;
		m = config_member_of(s, p, "fallback", what, sizeof what, name);
		if (strcmp(r->fallback, r->name) == 0)
			return config_fail(ctx, m, what,
			    "a route cannot be its own fallback");
		if (config_route(cfg, r->fallback) == NULL)
			return config_fail(ctx, m, what,
			    "no route is named \"%s\"", r->fallback);
	}
	return 0;
}

static int
config_load_outbox(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	return config_group(ctx, s, parent, name, config_outbox,
	    nitems(config_outbox), target, NULL);
}

/*
 * The address a listen setting binds, as AF_INET or AF_INET6 bytes in
 * addr; "localhost" is 127.0.0.1. 0 for another host name, -1 if the
 * setting is malformed.
 */
static int
config_listen_addr(const char *listen, unsigned char *addr, uint16_t *port)
{
	char	 host[256];

	if (config_listen_split(listen, host, sizeof host, port) != 0)
		return -1;
	memset(addr, 0, 16);
	if (strcasecmp(host, "localhost") == 0)
		strlcpy(host, "127.0.0.1", sizeof host);
	if (inet_pton(AF_INET, host, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, host, addr) == 1)
		return AF_INET6;
	return 0;
}

/* 1 if the address is 0.0.0.0 or ::, which binds every address. */
static int
config_addr_any(int family, const unsigned char *addr)
{
	static const unsigned char	 zero[16];

	if (family == AF_INET)
		return memcmp(addr, zero, 4) == 0;
	if (family == AF_INET6)
		return memcmp(addr, zero, 16) == 0;
	return 0;
}

/*
 * 1 if two listen settings would bind the same port on an address they
 * share: the same address or host name, or either binding all addresses.
 */
static int
config_listen_clash(const char *a, const char *b)
{
	unsigned char	 aa[16], ba[16];
	char		 ah[256], bh[256];
	uint16_t	 ap, bp;
	int		 af, bf;

	if (a == NULL || b == NULL ||
	    (af = config_listen_addr(a, aa, &ap)) == -1 ||
	    (bf = config_listen_addr(b, ba, &bp)) == -1 || ap != bp)
		return 0;
	if (config_addr_any(af, aa) || config_addr_any(bf, ba))
		return 1;
	if (af != 0 && af == bf)
		return memcmp(aa, ba, af == AF_INET ? 4 : 16) == 0;
	if (af == 0 && bf == 0) {
		config_listen_split(a, ah, sizeof ah, &ap);
		config_listen_split(b, bh, sizeof bh, &bp);
		return strcasecmp(ah, bh) == 0;
	}
	return 0;
}

/*
 * Checks across groups, once the whole file is read: the routes named by
 * inbound routes and by outbox.default_route exist, wherever in the file
 * they are, and the admin listener is not the webhook listener.
 */
static int
config_top_post(struct config_ctx *ctx, const config_setting_t *root,
    const char *path, void *target)
{
	struct config		*cfg = target;
	struct inbound_route	*in;
	const config_setting_t	*list, *m;
	char			 what[CONFIG_PATH_MAX];
	char			 dlr[CONFIG_NAME_MAX + 8];
	size_t			 i, j;

	list = config_setting_get_member(root, "inbound");
	for (i = 0; i < cfg->ninbound; i++) {
		in = &cfg->inbound[i];
		if (strcmp(in->reply, "outbox") == 0 && cfg->nroutes == 0) {
			m = config_member_of(list, i, "reply", what,
			    sizeof what, "inbound");
			return config_fail(ctx, m, what, "\"outbox\" needs an "
			    "outbound route, and routes is empty or missing");
		}
		if (in->route != NULL && config_route(cfg, in->route) == NULL) {
			m = config_member_of(list, i, "route", what,
			    sizeof what, "inbound");
			return config_fail(ctx, m, what, "no outbound route is "
			    "named \"%s\"", in->route);
		}
		/* chan-http takes delivery reports at /dlr/ROUTE. */
		for (j = 0; j < cfg->nroutes; j++) {
			snprintf(dlr, sizeof dlr, "/dlr/%s",
			    cfg->routes[j].name);
			if (strcmp(in->path, dlr) != 0)
				continue;
			m = config_member_of(list, i, "path", what,
			    sizeof what, "inbound");
			return config_fail(ctx, m, what, "\"%s\" is where "
			    "route \"%s\" takes its delivery reports", in->path,
			    cfg->routes[j].name);
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
	/* The officials' API needs a listener of its own. */
	if (config_listen_clash(cfg->admin_listen, cfg->http_listen)) {
		m = config_setting_get_member(root, "admin");
		if (m != NULL && config_setting_get_member(m, "listen") != NULL)
			m = config_setting_get_member(m, "listen");
		return config_fail(ctx, m, "admin.listen", "\"%s\" takes the "
		    "port of http.listen \"%s\": the officials' API needs a "
		    "listener of its own", cfg->admin_listen, cfg->http_listen);
	}
	/* A route without its own sender sends from the short number. */
	for (j = 0; j < cfg->nroutes; j++) {
		if (cfg->routes[j].from == NULL)
			cfg->routes[j].from = xstrdup(cfg->short_number);
	}
	return 0;
}

/* Check a template's placeholders against what its message is given. */
static int
config_check_placeholders(enum msg_id id, const char *t, char *why,
    size_t len)
{
	const char	*open, *close;

	for (open = strchr(t, '{'); open != NULL; open = strchr(open + 1,
	    '{')) {
		close = open + 1;
		while ((*close >= 'a' && *close <= 'z') || *close == '_' ||
		    (*close >= '0' && *close <= '9'))
			close++;
		if (*close != '}' || close == open + 1)
			continue;
		if (!msg_var_known(id, open + 1, close - open - 1)) {
			snprintf(why, len, "unknown placeholder {%.*s} (this "
			    "message has: %s)", (int)(close - open - 1),
			    open + 1, *msg_vars(id) != '\0' ? msg_vars(id) :
			    "none");
			return -1;
		}
	}
	return 0;
}

static int
config_load_templates(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
	const config_setting_t	*lg, *t;
	char			 lname[CONFIG_PATH_MAX], tname[CONFIG_PATH_MAX];
	char			 why[256];
	const char		*str;
	int			 i, j, n, m, lang, id;

	if (s == NULL)
		return 0;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		lg = config_setting_get_elem(s, i);
		config_join(lname, sizeof lname, name, config_setting_name(lg));
		if ((lang = msg_lang_parse(config_setting_name(lg))) == -1)
			return config_fail(ctx, lg, lname,
			    "unknown setting (languages are vi and en)");
		if (config_setting_type(lg) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, lg, lname, "must be %s",
			    config_type_name(CT_GROUP));
		m = config_setting_length(lg);
		for (j = 0; j < m; j++) {
			t = config_setting_get_elem(lg, j);
			config_join(tname, sizeof tname, lname,
			    config_setting_name(t));
			if ((id = msg_lookup(config_setting_name(t))) == -1)
				return config_fail(ctx, t, tname,
				    "unknown setting (not a message name)");
			if (config_setting_type(t) != CONFIG_TYPE_STRING)
				return config_fail(ctx, t, tname, "must be %s",
				    config_type_name(CT_STRING));
			str = config_setting_get_string(t);
			if (*str == '\0')
				return config_fail(ctx, t, tname,
				    "must not be empty");
			if (strlen(str) > CONFIG_TEMPLATE_MAX)
				return config_fail(ctx, t, tname,
				    "longer than %d bytes", CONFIG_TEMPLATE_MAX);
			if (config_check_utf8(str, why, sizeof why) != 0 ||
			    config_check_placeholders(id, str, why,
			    sizeof why) != 0)
				return config_fail(ctx, t, tname, "%s", why);
			cfg->texts.tmpl[lang][id] = xstrdup(str);
		}
	}
	return 0;
}

/* Checks of one question that involve several of its settings. */
static int
config_question_post(struct config_ctx *ctx, const config_setting_t *s,
    const char *path, void *target)
{
	struct question	*q = target;
	char		 name[CONFIG_PATH_MAX];

	if (q->text[LANG_VI] == NULL && q->text[LANG_EN] == NULL) {
		config_join(name, sizeof name, path, "vi");
		return config_fail(ctx, s, name, "a question needs its text "
		    "in vi, en or both");
	}
	if (q->text[LANG_VI] == NULL)
		q->text[LANG_VI] = xstrdup(q->text[LANG_EN]);
	if (q->text[LANG_EN] == NULL)
		q->text[LANG_EN] = xstrdup(q->text[LANG_VI]);
	if (q->type == QUESTION_TEXT && q->flag_on != FLAG_NONE) {
		config_join(name, sizeof name, path, "flag_on");
		return config_fail(ctx, s, name,
		    "only a yesno question can flag a declaration");
	}
	return 0;
}

static int
config_load_ask(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct question_set	*qs = target;
	const config_setting_t	*el;
	char			 elname[CONFIG_PATH_MAX], what[CONFIG_PATH_MAX];
	int			 i, n;
	size_t			 j;

	n = config_setting_length(s);
	if (n > CONFIG_QUESTIONS_MAX)
		return config_fail(ctx, s, name, "more than %d questions",
		    CONFIG_QUESTIONS_MAX);
	if (n == 0)
		return 0;
	qs->questions = xcalloc(n, sizeof *qs->questions);
	qs->nquestions = n;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname,
			    "must be a group { id = ...; ... }");
		if (config_group(ctx, el, s, elname, config_question,
		    nitems(config_question), &qs->questions[i],
		    config_question_post) != 0)
			return -1;
		for (j = 0; j < (size_t)i; j++) {
			if (strcmp(qs->questions[j].id,
			    qs->questions[i].id) == 0) {
				config_join(what, sizeof what, elname, "id");
				return config_fail(ctx,
				    config_setting_get_member(el, "id"), what,
				    "\"%s\" is asked twice", qs->questions[i].id);
			}
		}
	}
	return 0;
}

/* Copy a built-in question set into the configuration. */
static void
config_qset_copy(struct question_set *dst, const struct question_set *src)
{
	size_t	 i;
	int	 l;

	dst->kind = xstrdup(src->kind);
	dst->nquestions = src->nquestions;
	dst->questions = xcalloc(src->nquestions, sizeof *dst->questions);
	for (i = 0; i < src->nquestions; i++) {
		dst->questions[i].id = xstrdup(src->questions[i].id);
		dst->questions[i].type = src->questions[i].type;
		dst->questions[i].flag_on = src->questions[i].flag_on;
		for (l = 0; l < LANG_COUNT; l++)
			dst->questions[i].text[l] =
			    xstrdup(src->questions[i].text[l]);
	}
}

/* Add the built-in sets the file does not define ("default" always). */
static void
config_questions_builtin(struct config *cfg, int all)
{
	const struct question_set	*b;
	size_t				 i, j;

	for (i = 0; i < nitems(config_builtin_sets); i++) {
		b = &config_builtin_sets[i];
		if (!all && strcmp(b->kind, "default") != 0)
			continue;
		for (j = 0; j < cfg->nqsets; j++) {
			if (strcmp(cfg->qsets[j].kind, b->kind) == 0)
				break;
		}
		if (j < cfg->nqsets)
			continue;
		cfg->qsets = xreallocarray(cfg->qsets, cfg->nqsets + 1,
		    sizeof *cfg->qsets);
		memset(&cfg->qsets[cfg->nqsets], 0, sizeof *cfg->qsets);
		config_qset_copy(&cfg->qsets[cfg->nqsets], b);
		cfg->nqsets++;
	}
}

static int
config_load_questions(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name, void *target)
{
	struct config		*cfg = target;
	const config_setting_t	*el;
	char			 elname[CONFIG_PATH_MAX], what[CONFIG_PATH_MAX];
	int			 i, n;
	size_t			 j;

	n = s != NULL ? config_setting_length(s) : 0;
	if (n == 0) {
		/* Nothing configured: the built-in declaration. */
		config_questions_builtin(cfg, 1);
		return 0;
	}
	cfg->qsets = xcalloc(n, sizeof *cfg->qsets);
	cfg->nqsets = n;
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname,
			    "must be a group { kind = ...; ask = ( ... ); }");
		if (config_group(ctx, el, s, elname, config_qset,
		    nitems(config_qset), &cfg->qsets[i], NULL) != 0)
			return -1;
		for (j = 0; j < (size_t)i; j++) {
			if (strcmp(cfg->qsets[j].kind, cfg->qsets[i].kind) == 0) {
				config_join(what, sizeof what, elname, "kind");
				return config_fail(ctx,
				    config_setting_get_member(el, "kind"), what,
				    "\"%s\" has questions already",
				    cfg->qsets[i].kind);
			}
		}
	}
	/* Venues of kinds not listed fall back to "default": make sure it exists. */
	config_questions_builtin(cfg, 0);
	return 0;
}

/* Warn about questions that will not fit one SMS with their template. */
static void
config_questions_warn(const struct config *cfg)
{
	const struct question_set	*qs;
	const struct question		*q;
	struct msg_var			 vars[3];
	struct gsm_count		 gc;
	char				 total[16], *text;
	size_t				 i, j;
	int				 l;

	for (i = 0; i < cfg->nqsets; i++) {
		qs = &cfg->qsets[i];
		snprintf(total, sizeof total, "%zu", qs->nquestions);
		for (j = 0; j < qs->nquestions; j++) {
			q = &qs->questions[j];
			for (l = 0; l < LANG_COUNT; l++) {
				vars[0] = (struct msg_var){ "n", total };
				vars[1] = (struct msg_var){ "total", total };
				vars[2] = (struct msg_var){ "question",
				    q->text[l] };
				text = msg_render(&cfg->texts, l, q->type == QUESTION_YESNO ?
				    MSG_QUESTION_YESNO : MSG_QUESTION_TEXT, vars,
				    nitems(vars));
				if (gsm_count(text, strlen(text), &gc) == 0 &&
				    gc.segments > 1)
					log_warnx("config: file=%s kind=%s "
					    "question=%s lang=%s segments=%zu "
					    "(the question SMS does not fit "
					    "one message)", cfg->file, qs->kind,
					    q->id, msg_lang_name(l), gc.segments);
				free(text);
			}
		}
	}
}

/*
 * Where the officials' API may listen without a warning: loopback, private
 * (RFC 1918, RFC 4193) and link-local addresses, which the internet does
 * not reach.
 */
static const struct allow_net config_private_nets[] = {
	{ AF_INET, { 127 }, 8 },
	{ AF_INET, { 10 }, 8 },
	{ AF_INET, { 172, 16 }, 12 },
	{ AF_INET, { 192, 168 }, 16 },
	{ AF_INET, { 169, 254 }, 16 },
	{ AF_INET6, { [15] = 1 }, 128 },
	{ AF_INET6, { 0xfc }, 7 },
	{ AF_INET6, { 0xfe, 0x80 }, 10 },
};

/* Warn when the admin listener may face the internet (DESIGN: never). */
static void
config_admin_warn(const struct config *cfg)
{
	static const unsigned char	 v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	unsigned char			 addr[16];
	const unsigned char		*a = addr;
	const char			*why;
	uint16_t			 port;
	int				 family;
	size_t				 i;

	if (cfg->admin_listen == NULL)
		return;
	family = config_listen_addr(cfg->admin_listen, addr, &port);
	if (family == AF_INET6 && memcmp(addr, v4mapped, sizeof v4mapped) == 0) {
		family = AF_INET;
		a += sizeof v4mapped;
	}
	for (i = 0; i < nitems(config_private_nets); i++) {
		if (config_private_nets[i].family == family &&
		    config_prefix_match(config_private_nets[i].addr, a,
		    config_private_nets[i].prefix))
			return;
	}
	if (family == 0)
		why = "a host name, maybe public";
	else if (config_addr_any(family, a))
		why = "every address, public ones too";
	else
		why = "a public address";
	log_warnx("config: file=%s admin.listen=%s (%s: the officials' API "
	    "should be reached only through a VPN or a proxy)", cfg->file,
	    cfg->admin_listen, why);
}

/* Warn when a USSD check-in is to be confirmed by SMS with no way out. */
static void
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

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct config_ctx	 ctx = { path, err, errlen };
	struct config		*cfg;
	config_t		 lc;
	FILE			*f;
	const char		*file;

	if (errlen > 0)
		*err = '\0';
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	fclose(f);

	config_init(&lc);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		file = config_error_file(&lc) != NULL ?
		    config_error_file(&lc) : path;
		if (config_error_type(&lc) == CONFIG_ERR_PARSE &&
		    strcmp(config_error_text(&lc), "syntax error") == 0)
			snprintf(err, errlen, "%s:%d: syntax error", file,
			    config_error_line(&lc));
		else if (config_error_type(&lc) == CONFIG_ERR_PARSE)
			snprintf(err, errlen, "%s:%d: syntax error: %s", file,
			    config_error_line(&lc), config_error_text(&lc));
		else
			snprintf(err, errlen, "%s: cannot read: %s", file,
			    config_error_text(&lc));
		config_destroy(&lc);
		return NULL;
	}

	cfg = xcalloc(1, sizeof *cfg);
	cfg->file = xstrdup(path);
	if (config_group(&ctx, config_root_setting(&lc), NULL, "", config_top,
	    nitems(config_top), cfg, config_top_post) != 0) {
		config_destroy(&lc);
		config_free(cfg);
		return NULL;
	}
	config_destroy(&lc);
	config_questions_warn(cfg);
	config_admin_warn(cfg);
	config_ussd_warn(cfg);
	return cfg;
}

static void
config_question_free(struct question *q)
{
	int	 l;

	free(q->id);
	for (l = 0; l < LANG_COUNT; l++)
		free(q->text[l]);
}

/* Free a secret, wiped first. */
static void
config_secret_free(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

static void
config_route_free(struct route *r)
{
	size_t	 i;

	free(r->name);
	free(r->driver);
	free(r->url);
	free(r->username);
	config_secret_free(r->password);
	config_secret_free(r->api_key);
	config_secret_free(r->token);
	free(r->from);
	for (i = 0; i < r->nprefixes; i++)
		free(r->prefixes[i]);
	free(r->prefixes);
	free(r->fallback);
	free(r->dlr_url);
	free(r->host);
	free(r->system_id);
	free(r->system_type);
	free(r->address_range);
	free(r->device);
	config_secret_free(r->pin);
	free(r->storage);
}

void
config_free(struct config *cfg)
{
	struct inbound_route	*r;
	struct question_set	*qs;
	size_t			 i, j;
	int			 l, m;

	if (cfg == NULL)
		return;
	free(cfg->file);
	free(cfg->database);
	free(cfg->timezone);
	free(cfg->country_code);
	free(cfg->short_number);
	free(cfg->hotline);
	free(cfg->http_listen);
	free(cfg->admin_listen);
	for (i = 0; i < cfg->ntokens; i++)
		free(cfg->tokens[i].name);
	if (cfg->tokens != NULL)
		explicit_bzero(cfg->tokens, cfg->ntokens * sizeof *cfg->tokens);
	free(cfg->tokens);
	for (i = 0; i < cfg->ninbound; i++) {
		r = &cfg->inbound[i];
		free(r->name);
		free(r->type);
		free(r->format);
		free(r->path);
		free(r->reply);
		free(r->route);
		config_secret_free(r->secret);
		config_secret_free(r->auth_token);
		free(r->url);
		free(r->allow);
	}
	free(cfg->inbound);
	for (i = 0; i < cfg->nroutes; i++)
		config_route_free(&cfg->routes[i]);
	free(cfg->routes);
	free(cfg->outbox_default_route);
	for (l = 0; l < LANG_COUNT; l++) {
		for (m = 0; m < MSG_COUNT; m++)
			free(cfg->texts.tmpl[l][m]);
	}
	for (i = 0; i < cfg->nqsets; i++) {
		qs = &cfg->qsets[i];
		free(qs->kind);
		for (j = 0; j < qs->nquestions; j++)
			config_question_free(&qs->questions[j]);
		free(qs->questions);
	}
	free(cfg->qsets);
	free(cfg);
}

const struct question_set *
config_builtin_questions(const char *kind)
{
	size_t	 i;

	for (i = 0; i < nitems(config_builtin_sets); i++) {
		if (kind != NULL && strcmp(config_builtin_sets[i].kind,
		    kind) == 0)
			return &config_builtin_sets[i];
	}
	return NULL;
}

const struct question_set *
config_questions(const struct config *cfg, const char *kind)
{
	const struct question_set	*dflt = NULL;
	size_t				 i;

	if (cfg == NULL)
		return config_builtin_questions("default");
	for (i = 0; i < cfg->nqsets; i++) {
		if (kind != NULL && strcmp(cfg->qsets[i].kind, kind) == 0)
			return &cfg->qsets[i];
		if (strcmp(cfg->qsets[i].kind, "default") == 0)
			dflt = &cfg->qsets[i];
	}
	if (dflt == NULL)
		dflt = config_builtin_questions("default");
	return dflt;
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

const struct admin_token *
config_token(const struct config *cfg, const char *bearer)
{
	const struct admin_token	*found = NULL;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	unsigned int			 mdlen = 0;
	size_t				 i;

	if (cfg == NULL || bearer == NULL || *bearer == '\0')
		return NULL;
	if (EVP_Digest(bearer, strlen(bearer), md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != sizeof found->sha256) {
		log_warnx("config: SHA-256 failed, token refused");
		return NULL;
	}
	/*
	 * Every token is compared, each in constant time, and none ends the
	 * loop: how long this takes tells nothing of the digests. Digests
	 * are unique, so at most one matches.
	 */
	for (i = 0; i < cfg->ntokens; i++) {
		if (CRYPTO_memcmp(md, cfg->tokens[i].sha256,
		    sizeof cfg->tokens[i].sha256) == 0)
			found = &cfg->tokens[i];
	}
	explicit_bzero(md, sizeof md);
	return found;
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

/* 1 if the first bits of a and b are the same. */
static int
config_prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int		 whole = bits / 8, rest = bits % 8;
	unsigned char	 mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int
config_allowed(const struct inbound_route *r, int family, const void *addr)
{
	static const unsigned char	 v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	const unsigned char		*a = addr;
	size_t				 i;

	if (r == NULL || addr == NULL)
		return 0;
	if (r->nallow == 0)
		return 1;
	/* Dual-stack sockets show IPv4 peers as ::ffff:a.b.c.d (RFC 4291 2.5.5.2). */
	if (family == AF_INET6 && memcmp(a, v4mapped, sizeof v4mapped) == 0) {
		family = AF_INET;
		a += sizeof v4mapped;
	}
	for (i = 0; i < r->nallow; i++) {
		if (r->allow[i].family == family &&
		    config_prefix_match(r->allow[i].addr, a, r->allow[i].prefix))
			return 1;
	}
	return 0;
}
