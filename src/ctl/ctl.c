/*
 * ctl.c: checkinctl, the administrator's tool. It works on the database
 * directly, through store.h only (WAL lets it run beside the daemon). Each
 * command is an entry of ctl_cmds, the way tmux describes its commands.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>
#include <openssl/sha.h>
#include <unistr.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/gsm.h"
#include "codec/number.h"
#include "codec/text.h"
#include "codec/web.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/export.h"
#include "officials/poster.h"
#include "ctl/ctl.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define CTL_DEFAULT_TZ		"Asia/Ho_Chi_Minh"
#define CTL_DEFAULT_CC		"84"
#define CTL_DEFAULT_DIGITS	6
#define CTL_DEFAULT_DISTRICT	"Hoàn Kiếm"
#define CTL_DEFAULT_KIND	"default"

#define CTL_NAME_MAX		120	/* bytes of UTF-8 in a venue name */
#define CTL_ADDRESS_MAX		255
#define CTL_WARD_MAX		120
#define CTL_DISTRICT_MAX	120
#define CTL_KIND_MAX		63	/* a session keeps it in 64 bytes */

#define CTL_OUTBOX_LIMIT	50	/* rows outbox list shows by default */
#define CTL_OUTBOX_LIMIT_MAX	1000000
#define CTL_OUTBOX_ALL		"(all)"	/* no route name has parentheses */

#define CTL_IMPORT_FIELDS	5	/* name,address,ward,kind,owner_phone */
#define CTL_PROGRESS_EVERY	100	/* rows between two progress lines */

#define CTL_DEFAULT_STAY	3600	/* an open stay without a config (-d) */
#define CTL_DEFAULT_RETENTION	28	/* days kept without a config (-d) */
#define CTL_INACTIVE_DAYS	7	/* report inactive without --days */
#define CTL_INACTIVE_DAYS_MAX	3650
#define CTL_PURGE_CHUNK		500	/* rows a purge transaction deletes */
#define CTL_ALERT_SEGMENTS	6	/* SMS parts an alert text may take */
#define CTL_ALERT_MAX		1024	/* bytes of UTF-8 in an alert text */
#define CTL_TOKEN_BYTES		32	/* random bytes of an admin token */
#define CTL_TOKEN_NAME_MAX	63
#define CTL_ACTOR_MAX		128

/* What a command needs before it runs. */
#define CTL_NOSETUP	0x1	/* neither the configuration nor the database */

/* What every command works with. */
struct ctl {
	struct config	*cfg;		/* NULL in -d mode without -c */
	const char	*database;
	const char	*country_code;
	size_t		 code_digits;	/* payload digits of a new code */
	struct store	*store;		/* opened on first use */
};

/*
 * A command: "name sub" (sub NULL for a command of one word). exec gets
 * argv from the last word of the command on, as getopt_long wants it.
 */
struct ctl_cmd {
	const char	*name;
	const char	*sub;
	const char	*usage;
	int		 flags;
	int		(*exec)(struct ctl *, const struct ctl_cmd *, int,
			    char **);
};

/* A venue as the administrator typed it, before checking. */
struct ctl_fields {
	const char	*name;
	const char	*address;
	const char	*ward;
	const char	*district;
	const char	*kind;
	const char	*owner;
};

/* The state of one venue import while libcsv calls back. */
struct ctl_import {
	struct ctl	*ctl;
	const char	*file;		/* as named in messages */
	size_t		 line;		/* line of the byte being fed */
	size_t		 row_line;	/* line the current row began on */
	int		 in_row;
	int		 first_done;	/* the first row (a header?) was seen */
	char		*fields[CTL_IMPORT_FIELDS];
	size_t		 nfields;	/* fields in the row, 6th on too */
	const char	*bad;		/* why the row is already known bad */
	size_t		 rows;
	size_t		 imported;
	size_t		 rejected;
	int		 failed;	/* storage error: stop, roll back */
	int		 progress;	/* stderr is a terminal */
	int		 progress_shown;
	FILE		*out;		/* lines for stdout, after commit */
};

static int	ctl_venue_add(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_venue_list(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_venue_show(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_venue_import(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_venue_deactivate(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_outbox_list(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_outbox_show(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_outbox_retry(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_outbox_cancel(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_outbox_stats(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_trace(struct ctl *, const struct ctl_cmd *, int, char **);
static int	ctl_report_wards(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_report_inactive(struct ctl *, const struct ctl_cmd *, int,
		    char **);
static int	ctl_alert(struct ctl *, const struct ctl_cmd *, int, char **);
static int	ctl_purge(struct ctl *, const struct ctl_cmd *, int, char **);
static int	ctl_token(struct ctl *, const struct ctl_cmd *, int, char **);
static int	ctl_poster(struct ctl *, const struct ctl_cmd *, int, char **);

static const struct ctl_cmd ctl_cmds[] = {
	{ .name = "venue", .sub = "add",
	  .usage = "--name NAME [--address A] [--ward W] [--district D] "
		   "[--kind K] [--owner PHONE]",
	  .exec = ctl_venue_add },
	{ .name = "venue", .sub = "list",
	  .usage = "[--ward W] [--all]",
	  .exec = ctl_venue_list },
	{ .name = "venue", .sub = "show",
	  .usage = "CODE",
	  .exec = ctl_venue_show },
	{ .name = "venue", .sub = "import",
	  .usage = "FILE|-",
	  .exec = ctl_venue_import },
	{ .name = "venue", .sub = "deactivate",
	  .usage = "CODE",
	  .exec = ctl_venue_deactivate },
	{ .name = "outbox", .sub = "list",
	  .usage = "[--state STATE] [--route ROUTE] [--limit N] [--text]",
	  .exec = ctl_outbox_list },
	{ .name = "outbox", .sub = "show",
	  .usage = "ID",
	  .exec = ctl_outbox_show },
	{ .name = "outbox", .sub = "retry",
	  .usage = "ID ...",
	  .exec = ctl_outbox_retry },
	{ .name = "outbox", .sub = "cancel",
	  .usage = "ID ...",
	  .exec = ctl_outbox_cancel },
	{ .name = "outbox", .sub = "stats",
	  .usage = "",
	  .exec = ctl_outbox_stats },
	{ .name = "trace", .sub = "venue",
	  .usage = "CODE --from TIME --to TIME [--format text|csv|json]",
	  .exec = ctl_trace },
	{ .name = "trace", .sub = "person",
	  .usage = "NUMBER --from TIME --to TIME [--format text|csv|json]",
	  .exec = ctl_trace },
	{ .name = "trace", .sub = "contacts",
	  .usage = "NUMBER --from TIME --to TIME [--format text|csv|json]",
	  .exec = ctl_trace },
	{ .name = "report", .sub = "wards",
	  .usage = "--from TIME --to TIME [--format text|csv|json]",
	  .exec = ctl_report_wards },
	{ .name = "report", .sub = "inactive",
	  .usage = "[--days N] [--format text|csv|json]",
	  .exec = ctl_report_inactive },
	{ .name = "alert", .sub = NULL,
	  .usage = "CODE --from TIME --to TIME --text TEXT [--dry-run] "
		   "[--route ROUTE]",
	  .exec = ctl_alert },
	{ .name = "purge", .sub = NULL,
	  .usage = "[--dry-run] [--before TIME]",
	  .exec = ctl_purge },
	{ .name = "poster", .sub = NULL,
	  .usage = "CODE ... | --ward WARD -o FILE.pdf|FILE.png",
	  .exec = ctl_poster },
	{ .name = "token", .sub = NULL,
	  .usage = "NAME tracer|admin",
	  .flags = CTL_NOSETUP,
	  .exec = ctl_token },
};

static const struct option ctl_global_opts[] = {
	{ "config",	required_argument,	NULL,	'c' },
	{ "database",	required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "verbose",	no_argument,		NULL,	'v' },
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
static __dead void
ctl_cmd_usage(const struct ctl_cmd *cmd)
{
	fprintf(stderr, "usage: checkinctl %s%s%s%s%s\n", cmd->name,
	    cmd->sub != NULL ? " " : "", cmd->sub != NULL ? cmd->sub : "",
	    *cmd->usage != '\0' ? " " : "", cmd->usage);
	exit(2);
}

/* Report what getopt_long did not like ('?' or ':'), then the usage. */
static __dead void
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
static void
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

/* The store, opened on first use so usage errors never touch the file. */
static struct store *
ctl_store(struct ctl *ctl)
{
	char	err[512];

	if (ctl->store != NULL)
		return ctl->store;
	ctl->store = store_open(ctl->database, err, sizeof err);
	if (ctl->store == NULL)
		fprintf(stderr, "checkinctl: %s: %s\n", ctl->database, err);
	return ctl->store;
}

/* A copy of s without leading and trailing blanks (spaces, tabs, newlines). */
static char *
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
static int
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

/* Free the strings of a venue built by ctl_venue_make. */
static void
ctl_venue_clear(struct venue *v)
{
	free(v->name);
	free(v->address);
	free(v->ward);
	free(v->district);
	free(v->kind);
	free(v->owner);
	memset(v, 0, sizeof *v);
}

/*
 * Check what the administrator typed and build a venue from it: fields
 * trimmed, kind lower-cased (it names a question set), the owner made E.164.
 * -1 and a reason naming the field in err if something is wrong.
 */
static int
ctl_venue_make(struct ctl *ctl, const struct ctl_fields *in, struct venue *v,
    char *err, size_t errlen)
{
	char	 owner[NUMBER_MAX], *s, *p;

	memset(v, 0, sizeof *v);
	v->active = 1;
	v->name = ctl_trim(in->name);
	v->address = ctl_trim(in->address);
	v->ward = ctl_trim(in->ward);
	v->district = ctl_trim(in->district);
	v->kind = ctl_trim(in->kind);

	if (ctl_text_check("name", v->name, CTL_NAME_MAX, 0, err, errlen) != 0)
		goto fail;
	if (*v->name == '\0') {
		snprintf(err, errlen, "name is empty");
		goto fail;
	}
	if (ctl_text_check("address", v->address, CTL_ADDRESS_MAX, 1, err,
	    errlen) != 0)
		goto fail;
	if (ctl_text_check("ward", v->ward, CTL_WARD_MAX, 0, err, errlen) != 0)
		goto fail;
	if (*v->district == '\0') {
		free(v->district);
		v->district = xstrdup(CTL_DEFAULT_DISTRICT);
	}
	if (ctl_text_check("district", v->district, CTL_DISTRICT_MAX, 0, err,
	    errlen) != 0)
		goto fail;

	if (*v->kind == '\0') {
		free(v->kind);
		v->kind = xstrdup(CTL_DEFAULT_KIND);
	}
	for (p = v->kind; *p != '\0'; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && *p != '-' && *p != '_') {
			snprintf(err, errlen, "kind may have only letters, "
			    "digits, '-' and '_'");
			goto fail;
		}
	}
	if (strlen(v->kind) > CTL_KIND_MAX) {
		snprintf(err, errlen, "kind is longer than %d bytes",
		    CTL_KIND_MAX);
		goto fail;
	}

	s = ctl_trim(in->owner);
	if (*s != '\0') {
		if (number_normalize(s, ctl->country_code, owner) !=
		    NUMBER_E164) {
			free(s);
			snprintf(err, errlen, "owner phone is not a valid "
			    "phone number");
			goto fail;
		}
		v->owner = xstrdup(owner);
	}
	free(s);
	return 0;

fail:
	ctl_venue_clear(v);
	return -1;
}

/* Print text for a line-oriented listing: control characters become spaces. */
static void
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
static int
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
static int
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

/* venue add: register one venue and print its new code. */
static int
ctl_venue_add(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "name",	required_argument,	NULL,	'n' },
		{ "address",	required_argument,	NULL,	'a' },
		{ "ward",	required_argument,	NULL,	'w' },
		{ "district",	required_argument,	NULL,	'D' },
		{ "kind",	required_argument,	NULL,	'k' },
		{ "owner",	required_argument,	NULL,	'o' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_fields		in;
	struct venue			v;
	struct store			*st;
	char				err[256], grouped[CODE_MAX + 4];
	int				ch;

	memset(&in, 0, sizeof in);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			in.name = optarg;
			break;
		case 'a':
			in.address = optarg;
			break;
		case 'w':
			in.ward = optarg;
			break;
		case 'D':
			in.district = optarg;
			break;
		case 'k':
			in.kind = optarg;
			break;
		case 'o':
			in.owner = optarg;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if (in.name == NULL) {
		fprintf(stderr, "checkinctl: venue add needs --name\n");
		ctl_cmd_usage(cmd);
	}
	if (ctl_venue_make(ctl, &in, &v, err, sizeof err) != 0) {
		fprintf(stderr, "checkinctl: venue add: %s\n", err);
		return 1;
	}
	if ((st = ctl_store(ctl)) == NULL) {
		ctl_venue_clear(&v);
		return 1;
	}
	if (store_venue_add(st, &v, ctl->code_digits) == -1) {
		fprintf(stderr, "checkinctl: venue add: cannot store the "
		    "venue\n");
		ctl_venue_clear(&v);
		return 1;
	}
	code_group(v.code, grouped, sizeof grouped);
	printf("%s\n", grouped);
	ctl_venue_clear(&v);
	return 0;
}

/* One line of venue list. */
static int
ctl_venue_list_cb(const struct venue *v, void *arg)
{
	char	grouped[CODE_MAX + 4];

	code_group(v->code, grouped, sizeof grouped);
	printf("%s\t", grouped);
	ctl_put(stdout, v->name);
	putchar('\t');
	ctl_put(stdout, v->ward);
	putchar('\t');
	ctl_put(stdout, v->kind);
	putchar('\t');
	ctl_put(stdout, v->owner);
	printf("\t%s\n", v->active ? "active" : "inactive");
	return 0;
}

/* venue list: the venues, one a line, tab-separated. */
static int
ctl_venue_list(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "ward",	required_argument,	NULL,	'w' },
		{ "all",	no_argument,		NULL,	'a' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct store			*st;
	const char			*ward = NULL;
	int				 ch, all = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":aw:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			ward = optarg;
			break;
		case 'a':
			all = 1;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (store_venue_list(st, ward, all, ctl_venue_list_cb, NULL) == -1) {
		fprintf(stderr, "checkinctl: venue list: cannot read venues\n");
		return 1;
	}
	return 0;
}

/* venue show: every field of one venue, "key: value" a line. */
static int
ctl_venue_show(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store	*st;
	struct venue	 v;
	char		 code[CODE_MAX], grouped[CODE_MAX + 4], created[64];
	int		 found;

	if (ctl_code_of(cmd, argc, argv, code, grouped, sizeof grouped) != 0)
		return 1;
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	memset(&v, 0, sizeof v);
	found = store_venue_by_code(st, code, &v);
	if (found == -1) {
		fprintf(stderr, "checkinctl: venue show: cannot read venue\n");
		return 1;
	}
	if (found == 0) {
		fprintf(stderr, "checkinctl: no venue with code %s\n", grouped);
		return 1;
	}
	tz_format_iso(v.created_at, created, sizeof created);
	code_group(v.code, grouped, sizeof grouped);
	printf("code: %s\nname: ", grouped);
	ctl_put(stdout, v.name);
	printf("\naddress: ");
	ctl_put(stdout, v.address);
	printf("\nward: ");
	ctl_put(stdout, v.ward);
	printf("\ndistrict: ");
	ctl_put(stdout, v.district);
	printf("\nkind: ");
	ctl_put(stdout, v.kind);
	printf("\nowner: ");
	ctl_put(stdout, v.owner);
	printf("\nactive: %s\ncreated: %s\n", v.active ? "yes" : "no", created);
	store_venue_free(&v);
	return 0;
}

/* venue deactivate: the code stops taking check-ins. */
static int
ctl_venue_deactivate(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store	*st;
	char		 code[CODE_MAX], grouped[CODE_MAX + 4];

	if (ctl_code_of(cmd, argc, argv, code, grouped, sizeof grouped) != 0)
		return 1;
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	switch (store_venue_set_active(st, code, 0)) {
	case 0:
		printf("deactivated %s\n", grouped);
		return 0;
	case 1:
		fprintf(stderr, "checkinctl: no venue with code %s\n", grouped);
		return 1;
	default:
		fprintf(stderr, "checkinctl: venue deactivate: cannot store\n");
		return 1;
	}
}

/* Wipe the progress line so the next message starts on a clean line. */
static void
ctl_import_unprogress(struct ctl_import *im)
{
	if (im->progress_shown) {
		fputs("\r\033[K", stderr);
		im->progress_shown = 0;
	}
}

/* Report a rejected row as "FILE:LINE: reason". */
static void
ctl_import_reject(struct ctl_import *im, const char *reason)
{
	ctl_import_unprogress(im);
	fprintf(stderr, "%s:%zu: %s\n", im->file, im->row_line, reason);
	im->rejected++;
}

/* Forget the current row's fields. */
static void
ctl_import_reset(struct ctl_import *im)
{
	size_t	i;

	for (i = 0; i < CTL_IMPORT_FIELDS; i++) {
		free(im->fields[i]);
		im->fields[i] = NULL;
	}
	im->nfields = 0;
	im->bad = NULL;
	im->in_row = 0;
}

/* libcsv's field callback: keep copies of the first CTL_IMPORT_FIELDS. */
static void
ctl_import_field(void *s, size_t len, void *arg)
{
	struct ctl_import	*im = arg;
	char			*f;

	if (im->failed)
		return;
	if (im->nfields < CTL_IMPORT_FIELDS) {
		if (memchr(s, '\0', len) != NULL)
			im->bad = "a field has a NUL byte";
		f = xmalloc(len + 1);
		memcpy(f, s, len);
		f[len] = '\0';
		im->fields[im->nfields] = f;
	}
	im->nfields++;
}

/* One row of the import: check it, add the venue, or say why not. */
static void
ctl_import_row(struct ctl_import *im)
{
	struct ctl_fields	 in;
	struct venue		 v;
	char			 err[256], grouped[CODE_MAX + 4], *first;
	int			 header;

	if (!im->first_done) {
		im->first_done = 1;
		first = ctl_trim(im->fields[0]);
		header = strcasecmp(first, "name") == 0;
		free(first);
		if (header)
			return;
	}
	im->rows++;
	if (im->bad != NULL) {
		ctl_import_reject(im, im->bad);
		return;
	}
	if (im->nfields != CTL_IMPORT_FIELDS) {
		snprintf(err, sizeof err, "expected %d fields "
		    "(name,address,ward,kind,owner_phone), found %zu",
		    CTL_IMPORT_FIELDS, im->nfields);
		ctl_import_reject(im, err);
		return;
	}
	memset(&in, 0, sizeof in);
	in.name = im->fields[0];
	in.address = im->fields[1];
	in.ward = im->fields[2];
	in.kind = im->fields[3];
	in.owner = im->fields[4];
	if (ctl_venue_make(im->ctl, &in, &v, err, sizeof err) != 0) {
		ctl_import_reject(im, err);
		return;
	}
	if (store_venue_add(im->ctl->store, &v, im->ctl->code_digits) == -1) {
		ctl_import_unprogress(im);
		fprintf(stderr, "%s:%zu: cannot store the venue\n", im->file,
		    im->row_line);
		im->failed = 1;
		ctl_venue_clear(&v);
		return;
	}
	code_group(v.code, grouped, sizeof grouped);
	fprintf(im->out, "%s\t", grouped);
	ctl_put(im->out, v.name);
	fputc('\t', im->out);
	ctl_put(im->out, v.ward);
	fputc('\n', im->out);
	im->imported++;
	ctl_venue_clear(&v);
}

/* libcsv's row callback. */
static void
ctl_import_end(int c, void *arg)
{
	struct ctl_import	*im = arg;

	if (!im->failed)
		ctl_import_row(im);
	ctl_import_reset(im);
	if (im->progress && im->rows > 0 &&
	    im->rows % CTL_PROGRESS_EVERY == 0) {
		fprintf(stderr, "\rvenue import: %zu rows, %zu rejected",
		    im->rows, im->rejected);
		im->progress_shown = 1;
	}
}

#define CTL_CSV_OPTS	(CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI)

/*
 * A row broke RFC 4180's quoting (a quote inside an unquoted field, text
 * after a closing quote): reject it, start a fresh parser and go on at the
 * next line.
 */
static void
ctl_import_badquote(struct csv_parser *p, struct ctl_import *im)
{
	im->first_done = 1;
	im->rows++;
	ctl_import_reject(im, "bad quoting: a quote inside an unquoted field "
	    "or text after a closing quote (RFC 4180 2.5-2.7)");
	ctl_import_reset(im);
	csv_free(p);
	if (csv_init(p, CTL_CSV_OPTS) != 0)
		fatalx("csv_init failed");
}

/*
 * Feed the file to libcsv a byte at a time, which is how we know the line a
 * row began on: blank lines are skipped by libcsv (as they are here) and a
 * quoted field may hold line breaks. A line ends at LF, CR or CRLF.
 */
static int
ctl_import_feed(struct csv_parser *p, struct ctl_import *im, FILE *f)
{
	unsigned char	buf[65536], c, prev = 0;
	size_t		n, i, parsed, skip = 0;
	int		first = 1, resync = 0;

	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		/* A UTF-8 byte order mark (from spreadsheets) is no data. */
		if (first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			skip = 3;
		first = 0;
		for (i = skip; i < n && !im->failed; i++) {
			c = buf[i];
			if (resync) {
				/* The rest of a line with bad quoting. */
				if (c == '\r' || c == '\n')
					resync = 0;
			} else {
				if (!im->in_row && c != ' ' && c != '\t' &&
				    c != '\r' && c != '\n') {
					im->in_row = 1;
					im->row_line = im->line;
				}
				parsed = csv_parse(p, &c, 1, ctl_import_field,
				    ctl_import_end, im);
				if (parsed != 1 && csv_error(p) == CSV_EPARSE) {
					ctl_import_badquote(p, im);
					resync = 1;
				} else if (parsed != 1) {
					ctl_import_unprogress(im);
					fprintf(stderr, "%s:%zu: %s\n",
					    im->file, im->row_line,
					    csv_strerror(csv_error(p)));
					im->failed = 1;
				}
			}
			if (c == '\r' || (c == '\n' && prev != '\r'))
				im->line++;
			prev = c;
		}
		skip = 0;
		if (im->failed)
			return -1;
	}
	if (ferror(f)) {
		ctl_import_unprogress(im);
		fprintf(stderr, "checkinctl: %s: %s\n", im->file,
		    strerror(errno));
		return -1;
	}
	if (csv_fini(p, ctl_import_field, ctl_import_end, im) != 0) {
		/* A quoted field still open at the end of the file. */
		im->rows++;
		ctl_import_reject(im, "quoted field not closed before the end "
		    "of the file");
		ctl_import_reset(im);
	}
	return im->failed ? -1 : 0;
}

/*
 * venue import: venues from CSV (RFC 4180) `name,address,ward,kind,
 * owner_phone`, every good row in one transaction, each bad one reported.
 */
static int
ctl_venue_import(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct ctl_import	 im;
	struct csv_parser	 p;
	FILE			*f;
	char			*outbuf = NULL;
	size_t			 outlen = 0;
	int			 rv;

	ctl_no_options(cmd, argc, argv);
	if (argc - optind != 1)
		ctl_cmd_usage(cmd);

	memset(&im, 0, sizeof im);
	im.ctl = ctl;
	im.line = 1;
	if (strcmp(argv[optind], "-") == 0) {
		f = stdin;
		im.file = "stdin";
	} else {
		im.file = argv[optind];
		if ((f = fopen(im.file, "rb")) == NULL) {
			fprintf(stderr, "checkinctl: %s: %s\n", im.file,
			    strerror(errno));
			return 1;
		}
	}
	if (ctl_store(ctl) == NULL || store_begin(ctl->store) == -1) {
		if (ctl->store != NULL)
			fprintf(stderr, "checkinctl: cannot start a "
			    "transaction\n");
		if (f != stdin)
			fclose(f);
		return 1;
	}
	if ((im.out = open_memstream(&outbuf, &outlen)) == NULL)
		fatal("open_memstream");
	im.progress = isatty(STDERR_FILENO);
	if (csv_init(&p, CTL_CSV_OPTS) != 0)
		fatalx("csv_init failed");

	rv = ctl_import_feed(&p, &im, f);
	csv_free(&p);
	ctl_import_reset(&im);
	if (f != stdin)
		fclose(f);
	fclose(im.out);
	ctl_import_unprogress(&im);

	if (rv == 0 && store_commit(ctl->store) == -1) {
		fprintf(stderr, "checkinctl: cannot commit the import\n");
		rv = -1;
	}
	if (rv != 0) {
		store_rollback(ctl->store);
		fprintf(stderr, "checkinctl: nothing imported from %s\n",
		    im.file);
		free(outbuf);
		return 1;
	}
	fwrite(outbuf, 1, outlen, stdout);
	free(outbuf);
	fprintf(stderr, "imported %zu venues, %zu rows rejected\n", im.imported,
	    im.rejected);
	return im.rejected == 0 ? 0 : 1;
}

/* What outbox list shows, for its callback. */
struct ctl_outbox_list {
	int	text;		/* --text: the message text as a last field */
};

/* One route's counts for outbox stats. */
struct ctl_outbox_count {
	char		route[64];
	long long	n[OUTBOX_STATE_COUNT];
};

/* The routes seen by outbox stats, ordered by name. */
struct ctl_outbox_stats {
	struct ctl_outbox_count	*routes;
	size_t			 nroutes;
	struct ctl_outbox_count	 all;
};

/* A time as ISO 8601 in the configured zone, or "-" for none (0). */
static void
ctl_time(int64_t t, char *buf, size_t len)
{
	if (t == 0)
		strlcpy(buf, "-", len);
	else
		tz_format_iso(t, buf, len);
}

/* The valid states of an outbox message, "queued, sending, ...", in buf. */
static void
ctl_outbox_states(char *buf, size_t len)
{
	int	i;

	buf[0] = '\0';
	for (i = 0; i < OUTBOX_STATE_COUNT; i++) {
		if (i > 0)
			strlcat(buf, ", ", len);
		strlcat(buf, store_outbox_state_name(i), len);
	}
}

/*
 * The message ids given to a command taking ID...: all checked before any
 * is used. NULL (and a message) if one is not an id; exits if none given.
 */
static int64_t *
ctl_outbox_ids(const struct ctl_cmd *cmd, int argc, char **argv, size_t *nids)
{
	int64_t		*ids;
	const char	*errstr;
	int		 i;

	ctl_no_options(cmd, argc, argv);
	if (optind == argc)
		ctl_cmd_usage(cmd);
	ids = xreallocarray(NULL, (size_t)(argc - optind), sizeof *ids);
	for (i = optind; i < argc; i++) {
		ids[i - optind] = num_parse(argv[i], 1, INT64_MAX, &errstr);
		if (errstr != NULL) {
			fprintf(stderr, "checkinctl: %s %s: not a message id: "
			    "%s\n", cmd->name, cmd->sub, argv[i]);
			free(ids);
			return NULL;
		}
	}
	*nids = (size_t)(argc - optind);
	return ids;
}

/*
 * Say why store_outbox_requeue or _cancel left message id alone: it does
 * not exist, or it is in a state the command does not take (wanted).
 */
static void
ctl_outbox_refused(struct store *st, const struct ctl_cmd *cmd, int64_t id,
    const char *wanted)
{
	struct outbox_msg	m;
	int			found;

	memset(&m, 0, sizeof m);
	found = store_outbox_get(st, id, &m);
	if (found == 1) {
		fprintf(stderr, "checkinctl: %s %s: message %lld is %s, not "
		    "%s\n", cmd->name, cmd->sub, (long long)id,
		    store_outbox_state_name(m.state), wanted);
		store_outbox_free(&m);
	} else if (found == 0) {
		fprintf(stderr, "checkinctl: %s %s: no message %lld\n",
		    cmd->name, cmd->sub, (long long)id);
	} else {
		fprintf(stderr, "checkinctl: %s %s: cannot read message %lld\n",
		    cmd->name, cmd->sub, (long long)id);
	}
}

/* One line of outbox list. */
static int
ctl_outbox_list_cb(const struct outbox_msg *m, void *arg)
{
	struct ctl_outbox_list	*ol = arg;
	char			 created[64], next[64];

	tz_format_iso(m->created_at, created, sizeof created);
	/* Only a queued message waits for a next attempt. */
	ctl_time(m->state == OUTBOX_QUEUED ? (int64_t)m->next_at : 0, next, sizeof next);
	printf("%lld\t%s\t", (long long)m->id,
	    store_outbox_state_name(m->state));
	ctl_put(stdout, m->route);
	putchar('\t');
	ctl_put(stdout, m->number);
	printf("\t%d\t%s\t%s\t", m->attempts, created, next);
	ctl_put(stdout, m->ext_id);
	putchar('\t');
	ctl_put(stdout, m->error);
	if (ol->text) {
		putchar('\t');
		ctl_put(stdout, m->text);
	}
	putchar('\n');
	return 0;
}

/* outbox list: the outgoing messages, one a line, tab-separated. */
static int
ctl_outbox_list(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "state",	required_argument,	NULL,	's' },
		{ "route",	required_argument,	NULL,	'r' },
		{ "limit",	required_argument,	NULL,	'n' },
		{ "text",	no_argument,		NULL,	't' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_outbox_list		 ol;
	struct store			*st;
	const char			*route = NULL, *errstr;
	char				 states[128];
	int				 ch, state = -1;
	int				 limit = CTL_OUTBOX_LIMIT;

	memset(&ol, 0, sizeof ol);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((state = store_outbox_state_parse(optarg)) == -1) {
				ctl_outbox_states(states, sizeof states);
				fprintf(stderr, "checkinctl: unknown state: %s "
				    "(one of %s)\n", optarg, states);
				ctl_cmd_usage(cmd);
			}
			break;
		case 'r':
			route = optarg;
			break;
		case 'n':
			limit = (int)num_parse(optarg, 1, CTL_OUTBOX_LIMIT_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "checkinctl: limit is %s: %s "
				    "(1 to %d)\n", errstr, optarg,
				    CTL_OUTBOX_LIMIT_MAX);
				ctl_cmd_usage(cmd);
			}
			break;
		case 't':
			ol.text = 1;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (store_outbox_list(st, state, route, limit, ctl_outbox_list_cb,
	    &ol) == -1) {
		fprintf(stderr, "checkinctl: outbox list: cannot read the "
		    "outbox\n");
		return 1;
	}
	return 0;
}

/* outbox show: every field of one message, "key: value" a line. */
static int
ctl_outbox_show(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store		*st;
	struct outbox_msg	 m;
	int64_t			*ids;
	size_t			 nids;
	char			 created[64], next[64], expires[64];
	char			 updated[64];
	int			 found;

	if ((ids = ctl_outbox_ids(cmd, argc, argv, &nids)) == NULL)
		return 1;
	if (nids != 1) {
		free(ids);
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL) {
		free(ids);
		return 1;
	}
	memset(&m, 0, sizeof m);
	found = store_outbox_get(st, ids[0], &m);
	if (found != 1) {
		if (found == 0)
			fprintf(stderr, "checkinctl: no message %lld\n",
			    (long long)ids[0]);
		else
			fprintf(stderr, "checkinctl: outbox show: cannot read "
			    "message %lld\n", (long long)ids[0]);
		free(ids);
		return 1;
	}
	free(ids);
	tz_format_iso(m.created_at, created, sizeof created);
	ctl_time(m.state == OUTBOX_QUEUED ? (int64_t)m.next_at : 0, next, sizeof next);
	ctl_time(m.expires_at, expires, sizeof expires);
	ctl_time(m.updated_at, updated, sizeof updated);
	printf("id: %lld\nstate: %s\nroute: ", (long long)m.id,
	    store_outbox_state_name(m.state));
	ctl_put(stdout, m.route);
	printf("\nnumber: ");
	ctl_put(stdout, m.number);
	printf("\nattempts: %d\ncreated: %s\nnext: %s\nexpires: %s\n"
	    "updated: %s\next_id: ", m.attempts, created, next, expires,
	    updated);
	ctl_put(stdout, m.ext_id);
	printf("\ndlr_state: ");
	ctl_put(stdout, m.dlr_state);
	printf("\nerror: ");
	ctl_put(stdout, m.error);
	if (m.inbound_id > 0)
		printf("\ninbound: %lld", (long long)m.inbound_id);
	else
		printf("\ninbound: -");
	printf("\ntext: ");
	ctl_put(stdout, m.text);
	putchar('\n');
	store_outbox_free(&m);
	return 0;
}

/*
 * The body of outbox retry and cancel: change each message with fn (0 done,
 * 1 refused, -1 storage error), "VERB ID" for each done, a message for each
 * refused; 1 if any was not done.
 */
static int
ctl_outbox_each(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv, int (*fn)(struct store *, int64_t, int64_t),
    const char *verb, const char *wanted)
{
	struct store	*st;
	int64_t		*ids;
	size_t		 nids, i;
	int		 rv = 0;

	if ((ids = ctl_outbox_ids(cmd, argc, argv, &nids)) == NULL)
		return 1;
	if ((st = ctl_store(ctl)) == NULL) {
		free(ids);
		return 1;
	}
	for (i = 0; i < nids; i++) {
		switch (fn(st, ids[i], (int64_t)time(NULL))) {
		case 0:
			printf("%s %lld\n", verb, (long long)ids[i]);
			break;
		case 1:
			ctl_outbox_refused(st, cmd, ids[i], wanted);
			rv = 1;
			break;
		default:
			fprintf(stderr, "checkinctl: %s %s: cannot store "
			    "message %lld\n", cmd->name, cmd->sub,
			    (long long)ids[i]);
			rv = 1;
			break;
		}
	}
	free(ids);
	return rv;
}

/* outbox retry: failed or expired messages back to queued, attempts reset. */
static int
ctl_outbox_retry(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	return ctl_outbox_each(ctl, cmd, argc, argv, store_outbox_requeue,
	    "retried", "failed or expired");
}

/* outbox cancel: queued messages are not sent (failed, "cancelled"). */
static int
ctl_outbox_cancel(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	return ctl_outbox_each(ctl, cmd, argc, argv, store_outbox_cancel,
	    "cancelled", "queued");
}

/* Count one route and state for outbox stats (rows come ordered by route). */
static int
ctl_outbox_stats_cb(const char *route, enum outbox_state state, int64_t n, void *arg)
{
	struct ctl_outbox_stats	*os = arg;
	struct ctl_outbox_count	*c;

	c = os->nroutes > 0 ? &os->routes[os->nroutes - 1] : NULL;
	if (c == NULL || strcmp(c->route, route) != 0) {
		os->routes = xreallocarray(os->routes, os->nroutes + 1,
		    sizeof *os->routes);
		c = &os->routes[os->nroutes++];
		memset(c, 0, sizeof *c);
		strlcpy(c->route, route, sizeof c->route);
	}
	c->n[state] += n;
	os->all.n[state] += n;
	return 0;
}

/* One line of outbox stats: the route, a count per state, the total. */
static void
ctl_outbox_stats_line(const struct ctl_outbox_count *c)
{
	long long	total = 0;
	int		i;

	ctl_put(stdout, c->route);
	for (i = 0; i < OUTBOX_STATE_COUNT; i++) {
		printf("\t%lld", c->n[i]);
		total += c->n[i];
	}
	printf("\t%lld\n", total);
}

/*
 * outbox stats: how many messages each route has in each state, a header
 * line first and a line for all routes last.
 */
static int
ctl_outbox_stats(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct ctl_outbox_stats	 os;
	struct store		*st;
	size_t			 i;
	int			 s;

	ctl_no_options(cmd, argc, argv);
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	memset(&os, 0, sizeof os);
	strlcpy(os.all.route, CTL_OUTBOX_ALL, sizeof os.all.route);
	if (store_outbox_count(st, ctl_outbox_stats_cb, &os) == -1) {
		fprintf(stderr, "checkinctl: outbox stats: cannot read the "
		    "outbox\n");
		free(os.routes);
		return 1;
	}
	printf("route");
	for (s = 0; s < OUTBOX_STATE_COUNT; s++)
		printf("\t%s", store_outbox_state_name(s));
	printf("\ttotal\n");
	for (i = 0; i < os.nroutes; i++)
		ctl_outbox_stats_line(&os.routes[i]);
	ctl_outbox_stats_line(&os.all);
	free(os.routes);
	return 0;
}

/* The options officials' commands share: --from, --to and --format. */
struct ctl_period {
	int64_t			from;
	int64_t			to;
	int			has_from;
	int			has_to;
	enum export_format	format;
};

/* How a trace command reads, and what its audit row says it did. */
struct ctl_trace {
	const char		*sub;
	const char		*action;
	enum export_kind	 kind;
	/* by number; NULL for the venue trace, which goes by venue id */
	int			(*by_number)(struct store *, const char *,
				    int64_t, int64_t, int,
				    int (*)(const struct trace_row *, void *),
				    void *);
};

static const struct ctl_trace ctl_traces[] = {
	{ .sub = "venue", .action = "trace.venue",
	  .kind = EXPORT_TRACE_VENUE, .by_number = NULL },
	{ .sub = "person", .action = "trace.person",
	  .kind = EXPORT_TRACE_PERSON, .by_number = store_trace_person },
	{ .sub = "contacts", .action = "trace.contacts",
	  .kind = EXPORT_TRACE_CONTACTS, .by_number = store_trace_contacts },
};

/* The roles an admin token can have, as admin.tokens names them. */
static const char *const ctl_roles[] = { "tracer", "admin" };

/* The numbers an alert goes to, gathered before any is queued. */
struct ctl_numbers {
	char	(*v)[NUMBER_MAX];
	size_t	  n;
};

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
static int
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
static __dead void
ctl_bad_time(const struct ctl_cmd *cmd, const char *opt, const char *arg)
{
	fprintf(stderr, "checkinctl: --%s: not a time: %s (ISO 8601 with an "
	    "offset, YYYY-MM-DD or epoch seconds)\n", opt, arg);
	ctl_cmd_usage(cmd);
}

/* No --from or --to yet; text on a terminal, CSV into a pipe or file. */
static void
ctl_period_init(struct ctl_period *p)
{
	memset(p, 0, sizeof *p);
	p->format = isatty(STDOUT_FILENO) ? EXPORT_TEXT : EXPORT_CSV;
}

/* Take --from ('f'), --to ('t') or --format ('F'); anything else is a usage error. */
static void
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
static void
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

/* An open stay counts this long (seconds). */
static int
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
static char *
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

/* Write the audit row of a read of personal data: "checkinctl:" and the Unix user. */
static int
ctl_audit(struct ctl *ctl, const char *action, const char *subject,
    const char *query, int64_t records)
{
	struct passwd	*pw;
	char		 actor[CTL_ACTOR_MAX];

	if ((pw = getpwuid(getuid())) != NULL)
		snprintf(actor, sizeof actor, "checkinctl:%s", pw->pw_name);
	else
		snprintf(actor, sizeof actor, "checkinctl:%lu",
		    (unsigned long)getuid());
	if (store_audit_add(ctl->store, actor, action, subject, query, records,
	    (int64_t)time(NULL)) == -1) {
		fprintf(stderr, "checkinctl: %s: cannot write the audit row\n",
		    action);
		return -1;
	}
	return 0;
}

/* Write the rendered rows to standard output; frees e. */
static void
ctl_export_print(struct export *e)
{
	char	*doc;
	size_t	 len;

	doc = export_finish(e, &len);
	fwrite(doc, 1, len, stdout);
	free(doc);
}

/* Throw the rows away unseen; frees e. */
static void
ctl_export_drop(struct export *e)
{
	size_t	len;

	free(export_finish(e, &len));
}

/* A phone number typed by an official, made E.164; -1 and a message if it is not one. */
static int
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
static int
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

/* One row of a trace. */
static int
ctl_trace_cb(const struct trace_row *r, void *arg)
{
	export_trace(arg, r);
	return 0;
}

/*
 * trace venue, trace person, trace contacts: who was where in a window,
 * rendered as the admin API renders it. The audit row is written before
 * anything is shown: no row, no answer.
 */
static int
ctl_trace(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "format",	required_argument,	NULL,	'F' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	const struct ctl_trace		*tr = NULL;
	struct ctl_period		 p;
	struct export			*e;
	const char			*subject;
	char				*query, code[CODE_MAX];
	char				 number[NUMBER_MAX];
	int64_t				 venue_id = 0;
	size_t				 i;
	int				 ch, rc;

	for (i = 0; i < nitems(ctl_traces); i++) {
		if (strcmp(ctl_traces[i].sub, cmd->sub) == 0)
			tr = &ctl_traces[i];
	}
	if (tr == NULL)
		fatalx("no trace called %s", cmd->sub);

	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		ctl_period_opt(cmd, ch, argv, &p);
	ctl_period_check(cmd, &p);
	if (optind == argc || (tr->by_number != NULL && argc - optind != 1))
		ctl_cmd_usage(cmd);

	if (tr->by_number == NULL) {
		if (ctl_venue_arg(ctl, argc - optind, argv + optind, code,
		    &venue_id) != 0)
			goto fail;
		subject = code;
	} else {
		if (ctl_number_arg(ctl, argv[optind], number) != 0 ||
		    ctl_store(ctl) == NULL)
			goto fail;
		subject = number;
	}

	e = export_new(p.format, tr->kind);
	if (tr->by_number == NULL)
		rc = store_trace_venue(ctl->store, venue_id, p.from, p.to,
		    ctl_default_stay(ctl), ctl_trace_cb, e);
	else
		rc = tr->by_number(ctl->store, number, p.from, p.to,
		    ctl_default_stay(ctl), ctl_trace_cb, e);
	if (rc == -1) {
		fprintf(stderr, "checkinctl: %s %s: cannot read check-ins\n",
		    cmd->name, cmd->sub);
		ctl_export_drop(e);
		goto fail;
	}
	if (ctl_audit(ctl, tr->action, subject, query,
	    (int64_t)export_rows(e)) == -1) {
		ctl_export_drop(e);
		goto fail;
	}
	ctl_export_print(e);
	free(query);
	return 0;

fail:
	free(query);
	return 1;
}

/* One ward of the report. */
static int
ctl_ward_cb(const struct ward_row *w, void *arg)
{
	export_ward(arg, w);
	return 0;
}

/* report wards: per ward, venues with a code, venues used, check-ins, visitors, flags. */
static int
ctl_report_wards(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "format",	required_argument,	NULL,	'F' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_period		 p;
	struct export			*e;
	int				 ch;

	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		ctl_period_opt(cmd, ch, argv, &p);
	ctl_period_check(cmd, &p);
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if (ctl_store(ctl) == NULL)
		return 1;
	e = export_new(p.format, EXPORT_WARDS);
	if (store_report_wards(ctl->store, p.from, p.to, ctl_ward_cb, e) ==
	    -1) {
		fprintf(stderr, "checkinctl: report wards: cannot read the "
		    "figures\n");
		ctl_export_drop(e);
		return 1;
	}
	ctl_export_print(e);
	return 0;
}

/* One venue of the inactive list. */
static int
ctl_inactive_cb(const struct venue *v, int64_t last_checkin, void *arg)
{
	export_inactive(arg, v, last_checkin);
	return 0;
}

/*
 * The local midnight days - 1 days before today's: "no check-in for 7
 * days" means none today nor on the 6 days before.
 */
static int64_t
ctl_days_ago(int days)
{
	struct tm	tm;
	time_t		now = time(NULL);

	if (localtime_r(&now, &tm) == NULL)
		fatal("localtime_r");
	tm.tm_mday -= days - 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/*
 * report inactive: venues with a code and no check-in for N days, with the
 * address and owner number inspectors need. Owner numbers are personal
 * data: audited.
 */
static int
ctl_report_inactive(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "days",	required_argument,	NULL,	'n' },
		{ "format",	required_argument,	NULL,	'F' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_period		 p;
	struct export			*e;
	const char			*errstr;
	char				*query;
	int				 ch, days = CTL_INACTIVE_DAYS;

	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			days = (int)num_parse(optarg, 1, CTL_INACTIVE_DAYS_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "checkinctl: days is %s: %s "
				    "(1 to %d)\n", errstr, optarg,
				    CTL_INACTIVE_DAYS_MAX);
				ctl_cmd_usage(cmd);
			}
			break;
		default:
			ctl_period_opt(cmd, ch, argv, &p);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if (ctl_store(ctl) == NULL)
		goto fail;
	e = export_new(p.format, EXPORT_INACTIVE);
	if (store_report_inactive(ctl->store, ctl_days_ago(days),
	    ctl_inactive_cb, e) == -1) {
		fprintf(stderr, "checkinctl: report inactive: cannot read the "
		    "venues\n");
		ctl_export_drop(e);
		goto fail;
	}
	if (ctl_audit(ctl, "report.inactive", NULL, query,
	    (int64_t)export_rows(e)) == -1) {
		ctl_export_drop(e);
		goto fail;
	}
	ctl_export_print(e);
	free(query);
	return 0;

fail:
	free(query);
	return 1;
}

/* Gather one number an alert goes to. */
static int
ctl_alert_cb(const char *number, void *arg)
{
	struct ctl_numbers	*nums = arg;

	nums->v = xreallocarray(nums->v, nums->n + 1, sizeof *nums->v);
	strlcpy(nums->v[nums->n++], number, NUMBER_MAX);
	return 0;
}

/*
 * The text of an alert as it will be sent: trimmed, checked, without
 * diacritics when the configuration folds replies, at most
 * CTL_ALERT_SEGMENTS SMS. NULL and a message if it cannot go.
 */
static char *
ctl_alert_text(struct ctl *ctl, const char *arg)
{
	struct gsm_count	 gc;
	char			*text, *folded, err[256];

	text = ctl_trim(arg);
	if (*text == '\0')
		strlcpy(err, "text is empty", sizeof err);
	else if (ctl_text_check("text", text, CTL_ALERT_MAX, 1, err,
	    sizeof err) == 0)
		err[0] = '\0';
	if (err[0] != '\0') {
		fprintf(stderr, "checkinctl: alert: %s\n", err);
		free(text);
		return NULL;
	}
	if (ctl->cfg != NULL && ctl->cfg->texts.fold_diacritics) {
		folded = text_unaccent(text);
		free(text);
		text = folded;
	}
	/* Checked UTF-8 above, and text_unaccent writes only UTF-8. */
	if (gsm_count(text, strlen(text), &gc) == -1)
		fatalx("alert text is not UTF-8");
	if (gc.segments > CTL_ALERT_SEGMENTS) {
		fprintf(stderr, "checkinctl: alert: the text takes %zu SMS, "
		    "at most %d\n", gc.segments, CTL_ALERT_SEGMENTS);
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Queue the alert for every number, in the caller's transaction: the
 * route given, or the configuration's route for the number.
 */
static int
ctl_alert_queue(struct ctl *ctl, const struct ctl_numbers *nums,
    const char *route, const char *text)
{
	const struct route	*r;
	const char		*name;
	int64_t			 now = (int64_t)time(NULL);
	size_t			 i;

	for (i = 0; i < nums->n; i++) {
		name = route;
		if (name == NULL) {
			if ((r = config_route_for(ctl->cfg, nums->v[i])) ==
			    NULL) {
				fprintf(stderr, "checkinctl: alert: no "
				    "outbound route in %s\n", ctl->cfg->file);
				return -1;
			}
			name = r->name;
		}
		if (store_outbox_add(ctl->store, name, nums->v[i], text, now, 0,
		    0) == -1) {
			fprintf(stderr, "checkinctl: alert: cannot queue the "
			    "messages\n");
			return -1;
		}
	}
	return 0;
}

/*
 * alert: one SMS to every distinct number that checked in at the venue in
 * the window, opted-out numbers left out, queued in one transaction for the
 * daemon to send at the route's rate. --dry-run only counts. Audited.
 */
static int
ctl_alert(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "text",	required_argument,	NULL,	'x' },
		{ "dry-run",	no_argument,		NULL,	'n' },
		{ "route",	required_argument,	NULL,	'r' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_period		 p;
	struct ctl_numbers		 nums;
	const char			*route = NULL, *textarg = NULL;
	char				*query, *text = NULL, code[CODE_MAX];
	int64_t				 venue_id;
	int				 ch, dry_run = 0;

	memset(&nums, 0, sizeof nums);
	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'x':
			textarg = optarg;
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'r':
			route = optarg;
			break;
		default:
			ctl_period_opt(cmd, ch, argv, &p);
		}
	}
	ctl_period_check(cmd, &p);
	if (textarg == NULL) {
		fprintf(stderr, "checkinctl: alert needs --text\n");
		ctl_cmd_usage(cmd);
	}
	if (optind == argc)
		ctl_cmd_usage(cmd);

	if (!dry_run && route == NULL && ctl->cfg == NULL) {
		fprintf(stderr, "checkinctl: no route: give --route or -c\n");
		goto fail;
	}
	if (route != NULL && ctl->cfg != NULL &&
	    config_route(ctl->cfg, route) == NULL) {
		fprintf(stderr, "checkinctl: no route %s in %s\n", route,
		    ctl->cfg->file);
		goto fail;
	}
	if ((text = ctl_alert_text(ctl, textarg)) == NULL)
		goto fail;
	if (ctl_venue_arg(ctl, argc - optind, argv + optind, code,
	    &venue_id) != 0)
		goto fail;

	if (store_begin(ctl->store) == -1) {
		fprintf(stderr, "checkinctl: cannot start a transaction\n");
		goto fail;
	}
	if (store_alert_numbers(ctl->store, venue_id, p.from, p.to,
	    ctl_default_stay(ctl), ctl_alert_cb, &nums) == -1) {
		fprintf(stderr, "checkinctl: alert: cannot read check-ins\n");
		goto rollback;
	}
	if (!dry_run && ctl_alert_queue(ctl, &nums, route, text) == -1)
		goto rollback;
	if (ctl_audit(ctl, dry_run ? "alert.dry_run" : "alert", code, query,
	    (int64_t)nums.n) == -1)
		goto rollback;
	if (store_commit(ctl->store) == -1) {
		fprintf(stderr, "checkinctl: alert: cannot commit\n");
		goto rollback;
	}
	printf("%s %zu\n", dry_run ? "would queue" : "queued", nums.n);
	free(nums.v);
	free(text);
	free(query);
	return 0;

rollback:
	store_rollback(ctl->store);
	if (!dry_run)
		fprintf(stderr, "checkinctl: alert: nothing queued\n");
fail:
	free(nums.v);
	free(text);
	free(query);
	return 1;
}

/* Wipe a progress line on standard error. */
static void
ctl_unprogress(int *shown)
{
	if (*shown) {
		fputs("\r\033[K", stderr);
		*shown = 0;
	}
}

/*
 * purge: delete personal rows older than --before (retention_days ago by
 * default), CTL_PURGE_CHUNK rows a transaction so that the daemon is never
 * kept waiting long; daily_stats stay. --dry-run counts.
 */
static int
ctl_purge(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "dry-run",	no_argument,		NULL,	'n' },
		{ "before",	required_argument,	NULL,	'b' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	int64_t				 now = (int64_t)time(NULL);
	int64_t				 before, n, total = 0;
	char				 when[64];
	int				 ch, dry_run = 0, days, shown = 0;
	int				 progress;

	days = ctl->cfg != NULL && ctl->cfg->retention_days > 0 ?
	    ctl->cfg->retention_days : CTL_DEFAULT_RETENTION;
	before = now - (int64_t)days * 86400;
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry_run = 1;
			break;
		case 'b':
			if (ctl_time_parse(optarg, 0, &before) == -1)
				ctl_bad_time(cmd, "before", optarg);
			if (before > now) {
				fprintf(stderr, "checkinctl: --before is in "
				    "the future: %s\n", optarg);
				ctl_cmd_usage(cmd);
			}
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "checkinctl: unexpected argument: %s\n",
		    argv[optind]);
		ctl_cmd_usage(cmd);
	}
	if (ctl_store(ctl) == NULL)
		return 1;
	tz_format_iso(before, when, sizeof when);

	if (dry_run) {
		if (store_purge(ctl->store, before, CTL_PURGE_CHUNK, 1,
		    &n) == -1) {
			fprintf(stderr, "checkinctl: purge: cannot count the "
			    "rows\n");
			return 1;
		}
		printf("would purge %lld rows older than %s\n", (long long)n,
		    when);
		return 0;
	}

	progress = isatty(STDERR_FILENO);
	for (;;) {
		if (store_begin(ctl->store) == -1)
			goto fail;
		if (store_purge(ctl->store, before, CTL_PURGE_CHUNK, 0,
		    &n) == -1 || store_commit(ctl->store) == -1) {
			store_rollback(ctl->store);
			goto fail;
		}
		if (n == 0)
			break;
		total += n;
		if (progress) {
			fprintf(stderr, "\rpurge: %lld rows", (long long)total);
			shown = 1;
		}
	}
	ctl_unprogress(&shown);
	printf("purged %lld rows older than %s\n", (long long)total, when);
	return 0;

fail:
	ctl_unprogress(&shown);
	fprintf(stderr, "checkinctl: purge: storage error after %lld rows\n",
	    (long long)total);
	return 1;
}

/*
 * base64url without padding (RFC 4648 section 5): 4 characters for every 3
 * bytes, 2 or 3 for a last 1 or 2. out holds (len * 4 + 2) / 3 + 1 bytes.
 */
static void
ctl_base64url(const unsigned char *in, size_t len, char *out)
{
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t		 v;
	size_t			 i, rest, k;

	for (i = 0; i < len; i += 3) {
		rest = len - i < 3 ? len - i : 3;
		v = (uint32_t)in[i] << 16;
		if (rest > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rest > 2)
			v |= in[i + 2];
		for (k = 0; k <= rest; k++)
			*out++ = b64[(v >> (18 - 6 * k)) & 0x3f];
	}
	*out = '\0';
}

/* A token name the configuration accepts: [a-z0-9_.-], at most 63 bytes. */
static int
ctl_token_name_ok(const char *name)
{
	const char	*p;

	if (*name == '\0' || strlen(name) > CTL_TOKEN_NAME_MAX)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '-' && *p != '_' && *p != '.')
			return 0;
	}
	return 1;
}

/*
 * token: a new admin API token, printed once, and the admin.tokens entry
 * that holds only its SHA-256. Touches no database.
 */
static int
ctl_token(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	unsigned char	 raw[CTL_TOKEN_BYTES], md[SHA256_DIGEST_LENGTH];
	char		 token[(CTL_TOKEN_BYTES * 4 + 2) / 3 + 1];
	char		 hex[SHA256_DIGEST_LENGTH * 2 + 1];
	const char	*name, *role = NULL;
	size_t		 i;

	ctl_no_options(cmd, argc, argv);
	if (argc - optind != 2)
		ctl_cmd_usage(cmd);
	name = argv[optind];
	for (i = 0; i < nitems(ctl_roles); i++) {
		if (strcmp(argv[optind + 1], ctl_roles[i]) == 0)
			role = ctl_roles[i];
	}
	if (role == NULL) {
		fprintf(stderr, "checkinctl: unknown role: %s (tracer or "
		    "admin)\n", argv[optind + 1]);
		ctl_cmd_usage(cmd);
	}
	if (!ctl_token_name_ok(name)) {
		fprintf(stderr, "checkinctl: token name may have only letters, "
		    "digits, '-', '_' and '.', 1 to %d of them\n",
		    CTL_TOKEN_NAME_MAX);
		return 1;
	}

	arc4random_buf(raw, sizeof raw);
	ctl_base64url(raw, sizeof raw, token);
	SHA256((const unsigned char *)token, strlen(token), md);
	for (i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	printf("%s\n{ name = \"%s\"; role = \"%s\"; sha256 = \"%s\"; }\n",
	    token, name, role, hex);
	fprintf(stderr, "checkinctl: the token is shown once and stored "
	    "nowhere: give it to %s now and add the second line to "
	    "admin.tokens\n", name);
	explicit_bzero(raw, sizeof raw);
	explicit_bzero(token, sizeof token);
	return 0;
}

/* The venues a poster command collects, in the order given. */
struct ctl_posters {
	struct venue	*v;
	size_t		 n;
	size_t		 size;
};

/* Keep a copy of a venue for the posters. */
static int
ctl_poster_keep(const struct venue *v, void *arg)
{
	struct ctl_posters	*p = arg;
	struct venue		*c;

	if (p->n == p->size) {
		p->size = p->size == 0 ? 16 : p->size * 2;
		p->v = xreallocarray(p->v, p->size, sizeof *p->v);
	}
	c = &p->v[p->n++];
	*c = *v;
	c->name = v->name != NULL ? xstrdup(v->name) : NULL;
	c->address = v->address != NULL ? xstrdup(v->address) : NULL;
	c->ward = v->ward != NULL ? xstrdup(v->ward) : NULL;
	c->district = v->district != NULL ? xstrdup(v->district) : NULL;
	c->kind = v->kind != NULL ? xstrdup(v->kind) : NULL;
	c->owner = v->owner != NULL ? xstrdup(v->owner) : NULL;
	return 0;
}

/* The format a file name asks for: ".pdf" or ".png" (any case), else -1. */
static int
ctl_poster_format(const char *file)
{
	size_t	len = strlen(file);

	if (len > 4 && strcasecmp(file + len - 4, ".pdf") == 0)
		return POSTER_PDF;
	if (len > 4 && strcasecmp(file + len - 4, ".png") == 0)
		return POSTER_PNG;
	return -1;
}

/* Write a whole buffer to file, through a temporary name renamed at the end. */
static int
ctl_write_file(const char *file, const unsigned char *data, size_t len)
{
	FILE	*f;
	char	*tmp;
	int	 rc = 0;

	xasprintf(&tmp, "%s.tmp%ld", file, (long)getpid());
	if ((f = fopen(tmp, "wb")) == NULL) {
		fprintf(stderr, "checkinctl: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) == EOF)
		rc = -1;
	if (fclose(f) == EOF)
		rc = -1;
	if (rc == 0 && rename(tmp, file) == -1)
		rc = -1;
	if (rc != 0) {
		fprintf(stderr, "checkinctl: %s: %s\n", file, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/*
 * poster: the printable A4 poster of venues, by code or every active venue
 * of a ward, one page each; a PNG holds a single venue.
 */
static int
ctl_poster(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "ward",	required_argument,	NULL,	'w' },
		{ "output",	required_argument,	NULL,	'o' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl_posters		 p;
	struct store			*st;
	struct venue			 v;
	const char			*ward = NULL, *file = NULL;
	char				 code[CODE_MAX], grouped[CODE_MAX + 4];
	char				 err[256];
	unsigned char			*data;
	size_t				 len, i, nargs;
	int				 ch, format, found, rc = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":w:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			ward = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (file == NULL) {
		fprintf(stderr, "checkinctl: poster needs -o FILE.pdf or "
		    "FILE.png\n");
		ctl_cmd_usage(cmd);
	}
	if ((format = ctl_poster_format(file)) == -1) {
		fprintf(stderr, "checkinctl: poster: %s: the name must end in "
		    ".pdf or .png\n", file);
		ctl_cmd_usage(cmd);
	}
	if ((ward == NULL) == (optind == argc)) {
		fprintf(stderr, "checkinctl: poster takes codes or --ward, "
		    "one of them\n");
		ctl_cmd_usage(cmd);
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;

	memset(&p, 0, sizeof p);
	if (ward != NULL) {
		if (store_venue_list(st, ward, 0, ctl_poster_keep, &p) == -1) {
			fprintf(stderr, "checkinctl: poster: cannot read "
			    "venues\n");
			goto out;
		}
		if (p.n == 0) {
			fprintf(stderr, "checkinctl: no active venue in ward "
			    "%s\n", ward);
			goto out;
		}
	}
	/*
	 * The codes, grouped ("123 4567", "123-4567") or not; the groups may
	 * also come unquoted, as arguments joined until a code is whole.
	 */
	for (i = optind; i < (size_t)argc; i += nargs) {
		nargs = 0;
		do {
			nargs++;
			if (ctl_code_arg((int)nargs, argv + i, code) != 0) {
				fprintf(stderr, "checkinctl: not a venue code: "
				    "%s\n", argv[i + nargs - 1]);
				goto out;
			}
		} while (strlen(code) < ctl->code_digits + 1 &&
		    i + nargs < (size_t)argc);
		code_group(code, grouped, sizeof grouped);
		memset(&v, 0, sizeof v);
		if ((found = store_venue_by_code(st, code, &v)) == -1) {
			fprintf(stderr, "checkinctl: poster: cannot read "
			    "venue\n");
			goto out;
		}
		if (found == 0) {
			fprintf(stderr, "checkinctl: no venue with code %s\n",
			    grouped);
			goto out;
		}
		if (!v.active) {
			fprintf(stderr, "checkinctl: warning: venue %s is "
			    "inactive\n", grouped);
		}
		ctl_poster_keep(&v, &p);
		store_venue_free(&v);
	}
	if (format == POSTER_PNG && p.n != 1) {
		fprintf(stderr, "checkinctl: a PNG holds one venue's poster, "
		    "not %zu: use FILE.pdf\n", p.n);
		goto out;
	}
	/* Without -c: the defaults (short number 8088, 28 days). */
	if (poster_render(ctl->cfg, p.v, p.n, format, &data, &len, err,
	    sizeof err) != 0) {
		fprintf(stderr, "checkinctl: poster: %s\n", err);
		goto out;
	}
	if (ctl_write_file(file, data, len) == 0) {
		printf("%s: %zu %s\n", file, p.n, p.n == 1 ? "poster" :
		    "posters");
		rc = 0;
	}
	free(data);
out:
	for (i = 0; i < p.n; i++)
		store_venue_free(&p.v[i]);
	free(p.v);
	return rc;
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
		if ((ctl->cfg = config_load(config_file, err, sizeof err)) ==
		    NULL) {
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
