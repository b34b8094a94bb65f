/*
 * ctl.c: checkinctl, the administrator's tool. It works on the database
 * directly, through store.h only (WAL lets it run beside the daemon). Each
 * command is an entry of ctl_cmds, the way tmux describes its commands, and
 * each family of commands is a file of its own (cmd-venue.c, cmd-outbox.c,
 * ...). Here are the command line, the set-up and what the commands share
 * (ctl-cmd.h): options, times, codes, the store, the audit row's actor.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/number.h"
#include "codec/web.h"
#include "config/config.h"
#include "chan/fmt.h"
#include "chan/route-drivers.h"
#include "store/store.h"
#include "officials/export.h"
#include "officials/trace.h"
#include "ctl/ctl.h"
#include "ctl/ctl-cmd.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define CTL_DEFAULT_TZ		"Asia/Ho_Chi_Minh"
#define CTL_DEFAULT_CC		"84"
#define CTL_DEFAULT_DIGITS	6
#define CTL_DEFAULT_STAY	3600	/* an open stay without a config (-d) */

static const struct ctl_cmd ctl_cmds[] = {
	{ .name = "venue", .sub = "add",
	  .usage = "--name NAME [--address A] [--ward W] [--district D] "
		   "[--kind K] [--owner PHONE]",
	  .exec = cmd_venue_add },
	{ .name = "venue", .sub = "list",
	  .usage = "[--ward W] [--all]",
	  .exec = cmd_venue_list },
	{ .name = "venue", .sub = "show",
	  .usage = "CODE",
	  .exec = cmd_venue_show },
	{ .name = "venue", .sub = "import",
	  .usage = "[--listed] FILE|-",
	  .exec = cmd_venue_import },
	{ .name = "venue", .sub = "deactivate",
	  .usage = "CODE",
	  .exec = cmd_venue_deactivate },
	{ .name = "venue", .sub = "call-number",
	  .usage = "[--number PHONE | --clear] CODE",
	  .exec = cmd_venue_call_number },
	{ .name = "venue", .sub = "activate",
	  .usage = "REF|CODE [--committed-by NAME [--committed-at TIME]] "
		   "[--lat X --lon Y]",
	  .exec = cmd_venue_activate },
	{ .name = "inspector", .sub = "add",
	  .usage = "NUMBER --name NAME [--ward WARD]",
	  .exec = cmd_inspector_add },
	{ .name = "inspector", .sub = "del",
	  .usage = "NUMBER",
	  .exec = cmd_inspector_del },
	{ .name = "inspector", .sub = "list",
	  .usage = "[--format text|csv|json]",
	  .exec = cmd_inspector_list },
	{ .name = "outbox", .sub = "list",
	  .usage = "[--state STATE] [--route ROUTE] [--limit N] [--text]",
	  .exec = cmd_outbox_list },
	{ .name = "outbox", .sub = "show",
	  .usage = "ID",
	  .exec = cmd_outbox_show },
	{ .name = "outbox", .sub = "retry",
	  .usage = "ID ...",
	  .exec = cmd_outbox_retry },
	{ .name = "outbox", .sub = "cancel",
	  .usage = "ID ...",
	  .exec = cmd_outbox_cancel },
	{ .name = "outbox", .sub = "stats",
	  .usage = "",
	  .exec = cmd_outbox_stats },
	{ .name = "trace", .sub = "venue",
	  .usage = "CODE --from TIME --to TIME [--format text|csv|json]",
	  .exec = cmd_trace },
	{ .name = "trace", .sub = "person",
	  .usage = "NUMBER --from TIME --to TIME [--format text|csv|json]",
	  .exec = cmd_trace },
	{ .name = "trace", .sub = "contacts",
	  .usage = "NUMBER --from TIME --to TIME [--format text|csv|json]",
	  .exec = cmd_trace },
	{ .name = "report", .sub = "wards",
	  .usage = "--from TIME --to TIME [--format text|csv|json]",
	  .exec = cmd_report_wards },
	{ .name = "report", .sub = "inactive",
	  .usage = "[--days N] [--format text|csv|json]",
	  .exec = cmd_report_inactive },
	{ .name = "alert", .sub = NULL,
	  .usage = "CODE --from TIME --to TIME --text TEXT [--dry-run] "
		   "[--route ROUTE]",
	  .exec = cmd_alert },
	{ .name = "purge", .sub = NULL,
	  .usage = "[--dry-run] [--before TIME]",
	  .exec = cmd_purge },
	{ .name = "poster", .sub = NULL,
	  .usage = "CODE ... | --ward WARD -o FILE.pdf|FILE.png",
	  .exec = cmd_poster },
	{ .name = "token", .sub = NULL,
	  .usage = "NAME tracer|admin",
	  .flags = CTL_NOSETUP,
	  .exec = cmd_token },
	{ .name = "check-config", .sub = NULL,
	  .usage = "[FILE]",
	  .flags = CTL_NOSETUP,
	  .exec = cmd_config_check },
	{ .name = "sessions", .sub = NULL,
	  .usage = "",
	  .exec = cmd_sessions },
};

static const struct option ctl_global_opts[] = {
	{ "config",	required_argument,	NULL,	'c' },
	{ "database",	required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ NULL,		0,			NULL,	0 }
};

/* The options of a command taking a window and a format, and no others. */
static const struct option ctl_period_opts[] = {
	{ "from",	required_argument,	NULL,	'f' },
	{ "to",		required_argument,	NULL,	't' },
	{ "format",	required_argument,	NULL,	'F' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 }
};

/* The general usage, listing every command; usage errors exit 2. */
static __dead void
ctl_usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: checkinctl [-v] [-c config] [-d database] "
	    "command [arguments]\ncommands:\n");
	for (i = 0; i < nitems(ctl_cmds); i++) {
		fprintf(stderr, "    %s%s%s%s%s\n", ctl_cmds[i].name,
		    ctl_cmds[i].sub != NULL ? " " : "",
		    ctl_cmds[i].sub != NULL ? ctl_cmds[i].sub : "",
		    *ctl_cmds[i].usage != '\0' ? " " : "", ctl_cmds[i].usage);
	}
	exit(2);
}

/* The usage of one command. */
__dead void
ctl_cmd_usage(const struct ctl_cmd *cmd)
{
	fprintf(stderr, "usage: checkinctl %s%s%s%s%s\n", cmd->name,
	    cmd->sub != NULL ? " " : "", cmd->sub != NULL ? cmd->sub : "",
	    *cmd->usage != '\0' ? " " : "", cmd->usage);
	exit(2);
}

/* Report what getopt_long did not like ('?' or ':'), then the usage. */
__dead void
ctl_bad_option(const struct ctl_cmd *cmd, int ch, char **argv)
{
	const char	*arg = argv[optind - 1];

	if (ch == ':')
		fprintf(stderr, "checkinctl: option needs an argument: %s\n",
		    arg);
	else if (ch == '?')
		fprintf(stderr, "checkinctl: unknown option: %s\n", arg);
	if (cmd == NULL)
		ctl_usage();
	ctl_cmd_usage(cmd);
}

/* Options of a command that takes none (only -h). */
void
ctl_no_options(const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int				ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		ctl_bad_option(cmd, ch, argv);
}

/* Nothing may follow the options. */
void
ctl_no_args(const struct ctl_cmd *cmd, int argc, char **argv)
{
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
}

/* The store, opened on first use so usage errors never touch the file. */
struct store *
ctl_store(struct ctl *ctl)
{
	char	err[512], shown[512];

	if (ctl->store != NULL)
		return ctl->store;
	ctl->store = store_open(ctl->database, err, sizeof err);
	if (ctl->store == NULL)
		fprintf(stderr, "checkinctl: %s: %s\n", store_shown(ctl->database,
		    shown, sizeof shown), err);
	return ctl->store;
}

/* A copy of s without leading and trailing blanks (spaces, tabs, newlines). */
char *
ctl_trim(const char *s)
{
	size_t	len;

	if (s == NULL)
		return xstrdup("");
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r' || s[len - 1] == '\n'))
		len--;
	return xstrndup(s, len);
}

/*
 * Check one text field: valid UTF-8, at most max bytes, no control
 * characters (line breaks allowed where multiline). -1 and a reason naming
 * the field in err if not.
 */
int
ctl_text_check(const char *what, const char *s, size_t max, int multiline,
    char *err, size_t errlen)
{
	const unsigned char	*p;
	size_t			 len = strlen(s);

	if (u8_check((const uint8_t *)s, len) != NULL) {
		snprintf(err, errlen, "%s is not valid UTF-8", what);
		return -1;
	}
	if (len > max) {
		snprintf(err, errlen, "%s is longer than %zu bytes", what, max);
		return -1;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (multiline && (*p == '\n' || *p == '\r'))
			continue;
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "%s has a control character",
			    what);
			return -1;
		}
	}
	return 0;
}

/* Print text for a line-oriented listing: control characters become spaces. */
void
ctl_put(FILE *f, const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0') {
		fputc('-', f);
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
}

/*
 * The code given as the remaining arguments ("123 4567", "123.4567",
 * "123-4567", or "123" "4567" unquoted): separators dropped, digits only.
 */
int
ctl_code_arg(int argc, char **argv, char out[CODE_MAX])
{
	const char	*p;
	size_t		 n = 0;
	int		 i;

	for (i = 0; i < argc; i++) {
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == ' ' || *p == '\t' || *p == '.' || *p == '-')
				continue;
			if (!isdigit((unsigned char)*p) || n == CODE_MAX - 1)
				return -1;
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return n == 0 ? -1 : 0;
}

/* The code of a command taking CODE, from what getopt left; exits on errors. */
int
ctl_code_of(const struct ctl_cmd *cmd, int argc, char **argv,
    char code[CODE_MAX], char *grouped, size_t glen)
{
	ctl_no_options(cmd, argc, argv);
	if (optind == argc)
		ctl_cmd_usage(cmd);
	if (ctl_code_arg(argc - optind, argv + optind, code) != 0) {
		fprintf(stderr, "checkinctl: not a venue code: %s\n",
		    argv[optind]);
		return -1;
	}
	code_group(code, grouped, glen);
	return 0;
}

/* The value of n decimal digits at s (checked by the caller). */
static int
ctl_digits(const char *s, size_t n)
{
	int	v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/*
 * A time on the command line: ISO 8601 with an offset or epoch seconds (as
 * web_time_parse takes them), or a local day "YYYY-MM-DD", which starts at
 * its midnight, or, as the end of a window (end set), at the next one: a
 * window is [from, to), so "--to 2021-09-16" takes in all of that day.
 */
int
ctl_time_parse(const char *s, int end, int64_t *t)
{
	struct tm	tm;
	time_t		tt;
	int		y, m, d;
	size_t		i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return web_time_parse(s, 0, t);
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	}
	y = ctl_digits(s, 4);
	m = ctl_digits(s + 5, 2);
	d = ctl_digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1)
		return -1;
	/* mktime moved "02-30" on to March: not a day. */
	if (tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
		return -1;
	if (end) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d + 1;
		tm.tm_isdst = -1;
	}
	if ((tt = mktime(&tm)) == (time_t)-1)
		return -1;
	*t = (int64_t)tt;
	return 0;
}

/* A time option that is not a time: a usage error. */
__dead void
ctl_bad_time(const struct ctl_cmd *cmd, const char *opt, const char *arg)
{
	fprintf(stderr, "checkinctl: --%s: not a time: %s (ISO 8601 with an "
	    "offset, YYYY-MM-DD or epoch seconds)\n", opt, arg);
	ctl_cmd_usage(cmd);
}

/* No --from or --to yet; text on a terminal, CSV into a pipe or file. */
void
ctl_period_init(struct ctl_period *p)
{
	memset(p, 0, sizeof *p);
	p->format = isatty(STDOUT_FILENO) ? EXPORT_TEXT : EXPORT_CSV;
}

/* Take --from ('f'), --to ('t') or --format ('F'); anything else is a usage error. */
void
ctl_period_opt(const struct ctl_cmd *cmd, int ch, char **argv,
    struct ctl_period *p)
{
	int	format;

	switch (ch) {
	case 'f':
		if (ctl_time_parse(optarg, 0, &p->from) == -1)
			ctl_bad_time(cmd, "from", optarg);
		p->has_from = 1;
		break;
	case 't':
		if (ctl_time_parse(optarg, 1, &p->to) == -1)
			ctl_bad_time(cmd, "to", optarg);
		p->has_to = 1;
		break;
	case 'F':
		if ((format = export_format_parse(optarg)) == -1) {
			fprintf(stderr, "checkinctl: unknown format: %s (text, "
			    "csv or json)\n", optarg);
			ctl_cmd_usage(cmd);
		}
		p->format = (enum export_format)format;
		break;
	default:
		ctl_bad_option(cmd, ch, argv);
	}
}

/* Both ends of the window are given, in order; exits 2 if not. */
void
ctl_period_check(const struct ctl_cmd *cmd, const struct ctl_period *p)
{
	if (!p->has_from || !p->has_to) {
		fprintf(stderr, "checkinctl: --from and --to are needed\n");
		ctl_cmd_usage(cmd);
	}
	if (p->from >= p->to) {
		fprintf(stderr, "checkinctl: --from must be before --to\n");
		ctl_cmd_usage(cmd);
	}
}

/* The options of a command taking --from, --to and --format only. */
void
ctl_period_parse(const struct ctl_cmd *cmd, int argc, char **argv,
    struct ctl_period *p)
{
	int	ch;

	ctl_period_init(p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", ctl_period_opts,
	    NULL)) != -1)
		ctl_period_opt(cmd, ch, argv, p);
	ctl_period_check(cmd, p);
}

/* An open stay counts this long (seconds). */
int
ctl_default_stay(const struct ctl *ctl)
{
	if (ctl->cfg != NULL && ctl->cfg->default_stay > 0)
		return ctl->cfg->default_stay;
	return CTL_DEFAULT_STAY;
}

/*
 * What was asked, for the audit row: the command's words and arguments as
 * typed, joined by spaces, control characters made spaces. Taken before
 * getopt_long moves the arguments about.
 */
char *
ctl_query(const struct ctl_cmd *cmd, int argc, char **argv)
{
	char	*q;
	size_t	 len, i;
	int	 j;

	len = strlen(cmd->name) + 1;
	for (j = 0; j < argc; j++)
		len += strlen(argv[j]) + 1;
	q = xmalloc(len);
	strlcpy(q, cmd->name, len);
	/* argv[0] is the subcommand, or the command itself when it has none. */
	for (j = cmd->sub != NULL ? 0 : 1; j < argc; j++) {
		strlcat(q, " ", len);
		strlcat(q, argv[j], len);
	}
	for (i = 0; q[i] != '\0'; i++) {
		if ((unsigned char)q[i] < 0x20 || q[i] == 0x7f)
			q[i] = ' ';
	}
	return q;
}

/* The audit row's actor: "checkinctl:" and the Unix user, by name if it has one. */
void
ctl_actor(char *buf, size_t len)
{
	struct passwd	*pw;

	if ((pw = getpwuid(getuid())) != NULL)
		snprintf(buf, len, "checkinctl:%s", pw->pw_name);
	else
		snprintf(buf, len, "checkinctl:%lu", (unsigned long)getuid());
}

int
ctl_audited(const struct ctl_cmd *cmd, enum trace_step step,
    const char *action, const char *what, struct export *e)
{
	switch (step) {
	case TRACE_OK:
		ctl_export_print(e);
		return 0;
	case TRACE_EREAD:
		fprintf(stderr, "checkinctl: %s %s: cannot read %s\n", cmd->name,
		    cmd->sub, what);
		return 1;
	default:
		fprintf(stderr, "checkinctl: %s: cannot write the audit row\n",
		    action);
		return 1;
	}
}

/* Write the rendered rows to standard output; frees e. */
void
ctl_export_print(struct export *e)
{
	char	*doc;
	size_t	 len;

	doc = export_finish(e, &len);
	fwrite(doc, 1, len, stdout);
	free(doc);
}

/* A phone number typed by an official, made E.164; -1 and a message if it is not one. */
int
ctl_number_arg(struct ctl *ctl, const char *s, char out[NUMBER_MAX])
{
	if (number_normalize(s, ctl->country_code, out) != NUMBER_E164) {
		fprintf(stderr, "checkinctl: not a phone number: %s\n", s);
		return -1;
	}
	return 0;
}

/*
 * The venue named by the code in what getopt left: its id in *id and its
 * code in code. -1 and a message if it is no code or no venue has it.
 */
int
ctl_venue_arg(struct ctl *ctl, int argc, char **argv, char code[CODE_MAX],
    int64_t *id)
{
	struct venue	v;
	char		grouped[CODE_MAX + 4];
	int		found;

	if (ctl_code_arg(argc, argv, code) != 0) {
		fprintf(stderr, "checkinctl: not a venue code: %s\n", argv[0]);
		return -1;
	}
	code_group(code, grouped, sizeof grouped);
	if (ctl_store(ctl) == NULL)
		return -1;
	memset(&v, 0, sizeof v);
	found = store_venue_by_code(ctl->store, code, &v);
	if (found == -1) {
		fprintf(stderr, "checkinctl: cannot read venue %s\n", grouped);
		return -1;
	}
	if (found == 0) {
		fprintf(stderr, "checkinctl: no venue with code %s\n", grouped);
		return -1;
	}
	*id = v.id;
	store_venue_free(&v);
	return 0;
}

/* Wipe a progress line on standard error. */
void
ctl_unprogress(int *shown)
{
	if (*shown) {
		fputs("\r\033[K", stderr);
		*shown = 0;
	}
}

/* The command named by argv[0] argv[1]; usage errors exit 2. */
static const struct ctl_cmd *
ctl_find(int argc, char **argv)
{
	size_t	i;
	int	known = 0;

	for (i = 0; i < nitems(ctl_cmds); i++) {
		if (strcmp(ctl_cmds[i].name, argv[0]) != 0)
			continue;
		known = 1;
		if (ctl_cmds[i].sub == NULL)
			return &ctl_cmds[i];
		if (argc > 1 && strcmp(ctl_cmds[i].sub, argv[1]) == 0)
			return &ctl_cmds[i];
	}
	if (!known)
		fprintf(stderr, "checkinctl: unknown command: %s\n", argv[0]);
	else if (argc < 2)
		fprintf(stderr, "checkinctl: %s: missing command\n", argv[0]);
	else {
		fprintf(stderr, "checkinctl: unknown command: %s %s\n", argv[0],
		    argv[1]);
	}
	ctl_usage();
}

/*
 * The configuration: from the file unless only -d was given, then the
 * defaults; -d overrides the file's database.
 */
static int
ctl_setup(struct ctl *ctl, const char *config_file, const char *database)
{
	const char	*tz = CTL_DEFAULT_TZ;
	char		 err[512];

	ctl->country_code = CTL_DEFAULT_CC;
	ctl->code_digits = CTL_DEFAULT_DIGITS;
	if (config_file == NULL && database == NULL)
		config_file = SYSCONFDIR "/checkind.conf";
	if (config_file != NULL) {
		if ((ctl->cfg = config_load(config_file, route_drivers, fmt_formats,
		    err, sizeof err)) == NULL) {
			fprintf(stderr, "checkinctl: %s\n", err);
			return -1;
		}
		if (ctl->cfg->country_code != NULL &&
		    *ctl->cfg->country_code != '\0')
			ctl->country_code = ctl->cfg->country_code;
		if (ctl->cfg->code_digits > 0)
			ctl->code_digits = (size_t)ctl->cfg->code_digits;
		if (ctl->cfg->timezone != NULL && *ctl->cfg->timezone != '\0')
			tz = ctl->cfg->timezone;
		if (database == NULL)
			database = ctl->cfg->database;
	}
	if (database == NULL || *database == '\0') {
		fprintf(stderr, "checkinctl: no database: set database in %s "
		    "or give -d\n", config_file);
		return -1;
	}
	ctl->database = database;
	if (tz_set(tz) == -1) {
		fprintf(stderr, "checkinctl: unknown time zone: %s\n", tz);
		return -1;
	}
	return 0;
}

int
ctl_main(int argc, char **argv)
{
	struct ctl		 ctl;
	const struct ctl_cmd	*cmd;
	const char		*config_file = NULL, *database = NULL;
	int			 ch, verbose = 0, rv;

	memset(&ctl, 0, sizeof ctl);
	opterr = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+:c:d:hv", ctl_global_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_file = optarg;
			break;
		case 'd':
			database = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			ctl_usage();
		default:
			ctl_bad_option(NULL, ch, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		ctl_usage();
	cmd = ctl_find(argc, argv);
	ctl.config_file = config_file;

	log_init(1, verbose > 0 ? verbose : -1);
	if ((cmd->flags & CTL_NOSETUP) == 0 &&
	    ctl_setup(&ctl, config_file, database) != 0) {
		if (ctl.cfg != NULL)
			config_free(ctl.cfg);
		return 1;
	}
	/* argv from the command's last word on: getopt skips argv[0]. */
	if (cmd->sub != NULL)
		rv = cmd->exec(&ctl, cmd, argc - 1, argv + 1);
	else
		rv = cmd->exec(&ctl, cmd, argc, argv);
	if (ctl.store != NULL)
		store_close(ctl.store);
	if (ctl.cfg != NULL)
		config_free(ctl.cfg);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "checkinctl: stdout: %s\n", strerror(errno));
		return 1;
	}
	return rv;
}
