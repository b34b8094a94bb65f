/*
 * config.c: the configuration file (libconfig), described once, checked once
 * at load: the top level and its plain groups, and the walk of the tables
 * every file of src/config describes its settings in.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "config/config.h"
#include "config/config-impl.h"

/* A group's table, for the entry that names the group. */
#define CONFIG_TABLE(t)	(&(const struct config_table){ (t), nitems(t), NULL })

static int	config_top_post(struct config_ctx *, const config_setting_t *,
		    const char *, void *);

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
	{ .name = "screens", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_later,
	  .help = "menu texts replacing the built-in ones, per language" },
};

/* poster = { ... } */
static const struct config_entry config_poster[] = {
	{ .name = "qr", .type = CT_STRING, .store = CS_ENUM,
	  .off = CFG_OFF(poster_qr), .def_num = POSTER_QR_SMSTO,
	  .words = config_words_qr,
	  .help = "what the QR code holds: \"smsto\" (SMSTO:NUMBER:CODE), "
	  "\"sms\" (sms:NUMBER) or \"sms-body\" (sms:NUMBER?body=CODE)" },
};

/* fraud = { ... }: the signal of a check-in far from the one before (issue 18). */
static const struct config_entry config_fraud[] = {
	{ .name = "distance_km", .type = CT_FLOAT, .store = CS_DOUBLE,
	  .off = CFG_OFF(fraud_distance_km), .fmin = 0.1, .fmax = 20000,
	  .fdef = 5.0,
	  .help = "kilometres between two venues beyond which a check-in "
	  "soon after the other is flagged" },
	{ .name = "minutes", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(fraud_minutes), .min = 0, .max = 1440, .def_num = 10,
	  .help = "minutes after a check-in within which one far away is "
	  "flagged; 0: no flags" },
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
	{ .name = "language", .type = CT_STRING, .store = CS_STR,
	  .off = CFG_OFF(language_code), .min = 1, .max = LANG_CODE_MAX - 1,
	  .def_str = "vi",
	  .help = "reply language of a number that never chose one: vi, en "
	  "or the code of one of languages" },
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
	{ .name = "limits", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_limits),
	  .help = "per-number limits against floods and auto-reply loops" },
	{ .name = "multipart_timeout", .type = CT_INT, .store = CS_INT,
	  .off = CFG_OFF(multipart_timeout), .min = 10, .max = 86400,
	  .def_num = 600,
	  .help = "seconds the parts of a long SMS wait for the rest before "
	  "what arrived is handled" },
	{ .name = "http", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_http),
	  .help = "the listener for webhooks from the network side" },
	{ .name = "admin", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_admin, .free = config_admin_free,
	  .help = "the officials' API listener and its tokens; absent: none" },
	{ .name = "purge", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_purge),
	  .help = "when records older than retention_days are deleted" },
	{ .name = "ussd", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_ussd),
	  .help = "USSD sessions: resuming a cut one, the confirmation SMS" },
	{ .name = "voice", .type = CT_GROUP, .store = CS_GROUP,
	  .group = &config_voice_table,
	  .help = "check-in by phone call: prompts, the confirmation SMS" },
	{ .name = "poster", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_poster),
	  .help = "the printable venue posters (checkinctl poster)" },
	{ .name = "inbound", .type = CT_LIST, .store = CS_LIST, .required = 1,
	  .list = &config_inbound_list,
	  .help = "HTTP entry points for inbound SMS and USSD, at least one" },
	{ .name = "routes", .type = CT_LIST, .store = CS_LIST,
	  .list = &config_routes_list,
	  .help = "outbound routes that drain the outbox" },
	{ .name = "outbox", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_outbox),
	  .help = "retries and the default route of queued texts" },
	{ .name = "fraud", .type = CT_GROUP, .store = CS_GROUP,
	  .group = CONFIG_TABLE(config_fraud),
	  .help = "when a check-in is flagged as far from the number's one "
	  "before" },
	{ .name = "languages", .type = CT_LIST, .store = CS_LOAD,
	  .load = config_load_later, .free = config_words_free,
	  .help = "reply languages beyond vi and en, and the words that "
	  "choose each" },
	{ .name = "keywords", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_later,
	  .help = "the words of each command, per language" },
	{ .name = "templates", .type = CT_GROUP, .store = CS_LOAD,
	  .load = config_load_later,
	  .help = "reply texts replacing the built-in ones, per language" },
	{ .name = "questions", .type = CT_LIST, .store = CS_LIST,
	  .list = &config_questions_list,
	  .help = "health declaration questions per venue kind" },
};

static const struct config_table config_top_table = {
	config_top, nitems(config_top), config_top_post
};

/* Write "FILE:LINE: SETTING: reason" for the setting s (or its parent). */
static int __attribute__((format(printf, 4, 0)))
config_vfail(struct config_ctx *ctx, const config_setting_t *s,
    const char *setting, const char *fmt, va_list ap)
{
	char		 reason[512];
	const char	*file;
	unsigned int	 line;

	vsnprintf(reason, sizeof reason, fmt, ap);

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

int
config_fail(struct config_ctx *ctx, const config_setting_t *s,
    const char *setting, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = config_vfail(ctx, s, setting, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Fail at a member of the element i of a list, named "list[i].member": at
 * the member's line if it is set, else at the element's.
 */
int
config_fail_member(struct config_ctx *ctx, const config_setting_t *list,
    size_t i, const char *listname, const char *member, const char *fmt, ...)
{
	const config_setting_t	*el, *m = list;
	char			 elname[CONFIG_PATH_MAX], name[CONFIG_PATH_MAX];
	va_list			 ap;
	int			 rc;

	snprintf(elname, sizeof elname, "%s[%zu]", listname, i);
	config_join(name, sizeof name, elname, member);
	if (list != NULL && (el = config_setting_get_elem(list, i)) != NULL) {
		if ((m = config_setting_get_member(el, member)) == NULL)
			m = el;
	}
	va_start(ap, fmt);
	rc = config_vfail(ctx, m, name, fmt, ap);
	va_end(ap);
	return rc;
}

/* "path.name", or "name" at the top level. */
void
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

const char *
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

const struct config_entry *
config_entry_find(const struct config_table *t, const char *name)
{
	size_t	 i;

	for (i = 0; i < t->ntab; i++) {
		if (strcmp(t->tab[i].name, name) == 0)
			return &t->tab[i];
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
	char	 buf[CONFIG_SECRET_MAX + 2], why[256];
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
	if (config_check_secret(buf, why, sizeof why) != 0)
		return config_fail(ctx, s, setting, "%s: %s", path, why);
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

/*
 * A group, a list or a loader's setting: s, or NULL if it is absent (errors
 * then point at parent).
 */
static int
config_nested(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name,
    const struct config_entry *e, void *target)
{
	switch (e->store) {
	case CS_GROUP:
		return config_group(ctx, s, parent, name, e->group,
		    (char *)target + e->off);
	case CS_LIST:
		return config_list(ctx, s, parent, name, e->list, target);
	default:
		return e->load(ctx, s, parent, name, target);
	}
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
		return config_nested(ctx, s, NULL, name, e, target);
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
	case CS_GROUP:
	case CS_LIST:
	case CS_LOAD:
		return config_nested(ctx, NULL, group != NULL ? group : parent,
		    name, e, target);
	}
	return 0;
}

/*
 * Walk a group against its table: every setting in it must be known, of the
 * right type and in range; absent ones take their defaults. group may be
 * NULL (the whole group is absent): then errors point at parent. The
 * table's post runs the checks that involve more than one setting.
 */
int
config_group(struct config_ctx *ctx, const config_setting_t *group,
    const config_setting_t *parent, const char *path,
    const struct config_table *t, void *target)
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
		if ((e = config_entry_find(t,
		    config_setting_name(s))) == NULL)
			return config_fail(ctx, s, name, "unknown setting");
		if (config_value(ctx, s, name, e, target) != 0)
			return -1;
	}
	for (j = 0; j < t->ntab; j++) {
		e = &t->tab[j];
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
	if (t->post != NULL)
		return t->post(ctx, group != NULL ? group : parent, path,
		    target);
	return 0;
}

/* Fail if the elements i and j of a list share their key. */
static int
config_list_twice(struct config_ctx *ctx, const config_setting_t *s,
    const char *name, const struct config_list *l, const char *array,
    size_t i, size_t j)
{
	const char	*a, *b;

	if (l->key_name == NULL)
		return 0;
	a = *(char *const *)(array + i * l->size + l->key);
	b = *(char *const *)(array + j * l->size + l->key);
	if (strcmp(a, b) != 0)
		return 0;
	if (l->twice != NULL)
		return config_fail_member(ctx, s, i, name, l->key_name,
		    "\"%s\" %s", a, l->twice);
	return config_fail_member(ctx, s, i, name, l->key_name,
	    "\"%s\" is already the %s of %s[%zu]", a, l->key_name, name, j);
}

/*
 * Walk a list of groups, s, or NULL if it is absent: each element against
 * the list's table into a new array of target, then against the elements
 * before it: its key, then the list's pair check. The array and its length are set before the walk, so that
 * config_free() finds what an error left half read.
 */
int
config_list(struct config_ctx *ctx, const config_setting_t *s,
    const config_setting_t *parent, const char *name,
    const struct config_list *l, void *target)
{
	const config_setting_t	*el;
	char			 elname[CONFIG_PATH_MAX];
	char			*array = NULL;
	int			 i, n;
	size_t			 j;

	n = s != NULL ? config_setting_length(s) : 0;
	if (n == 0 && l->none != NULL)
		return config_fail(ctx, s, name, "%s", l->none);
	if (l->max != 0 && n > l->max)
		return config_fail(ctx, s, name, "more than %d %s", l->max,
		    l->many);
	if (n > 0) {
		array = xcalloc(n, l->size);
		*(void **)((char *)target + l->off) = array;
		*(size_t *)((char *)target + l->noff) = n;
	}
	for (i = 0; i < n; i++) {
		el = config_setting_get_elem(s, i);
		snprintf(elname, sizeof elname, "%s[%d]", name, i);
		if (config_setting_type(el) != CONFIG_TYPE_GROUP)
			return config_fail(ctx, el, elname, "must be a group %s",
			    l->shape);
		if (config_group(ctx, el, s, elname, &l->elem,
		    array + i * l->size) != 0)
			return -1;
		for (j = 0; j < (size_t)i; j++) {
			if (config_list_twice(ctx, s, name, l, array, i, j) != 0)
				return -1;
			if (l->pair != NULL && l->pair(ctx, s, name, i,
			    array + i * l->size, j, array + j * l->size) != 0)
				return -1;
		}
	}
	if (l->done != NULL)
		return l->done(ctx, s != NULL ? s : parent, name, target);
	return 0;
}

/*
 * Free what the settings of a table keep in target. Strings are wiped
 * first: some are secrets. A field set by either of two names is freed
 * once.
 */
void
config_group_free(const struct config_table *t, void *target)
{
	const struct config_entry	*e;
	char				**str;
	size_t				 i;

	for (i = 0; i < t->ntab; i++) {
		e = &t->tab[i];
		switch (e->store) {
		case CS_STR:
		case CS_FILE:
			str = (char **)((char *)target + e->off);
			if (*str != NULL)
				explicit_bzero(*str, strlen(*str));
			free(*str);
			*str = NULL;
			break;
		case CS_GROUP:
			config_group_free(e->group, (char *)target + e->off);
			break;
		case CS_LIST:
			config_list_free(e->list, target);
			break;
		case CS_LOAD:
			if (e->free != NULL)
				e->free(target);
			break;
		default:
			break;
		}
	}
}

/* Free the elements of a list in target, and the array. */
void
config_list_free(const struct config_list *l, void *target)
{
	char	**array = (char **)((char *)target + l->off);
	size_t	 *n = (size_t *)((char *)target + l->noff);
	size_t	  i;

	for (i = 0; *array != NULL && i < *n; i++)
		config_group_free(&l->elem, *array + i * l->size);
	free(*array);
	*array = NULL;
	*n = 0;
}

/* Checks across groups, once the whole file is read. */
static int
config_top_post(struct config_ctx *ctx, const config_setting_t *root,
    const char *path, void *target)
{
	if (config_words_post(ctx, root, target) != 0)
		return -1;
	if (config_routes_post(ctx, root, target) != 0)
		return -1;
	return config_admin_post(ctx, root, target);
}

struct config *
config_load(const char *path, const struct route_driver *drivers,
    const struct inbound_format *formats, char *err, size_t errlen)
{
	struct config_ctx	 ctx = { path, err, errlen, drivers, formats };
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
	if (config_group(&ctx, config_root_setting(&lc), NULL, "",
	    &config_top_table, cfg) != 0) {
		config_destroy(&lc);
		config_free(cfg);
		return NULL;
	}
	config_destroy(&lc);
	config_questions_warn(cfg);
	config_admin_warn(cfg);
	config_ussd_warn(cfg);
	config_voice_warn(cfg);
	config_routes_warn(cfg);
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->file);
	config_group_free(&config_top_table, cfg);
	free(cfg);
}
