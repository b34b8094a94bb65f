/*
 * cmd-venue.c: checkinctl's venue commands: add, list, show, deactivate
 * (import is cmd-venue-import.c). What the administrator types is checked
 * here as the import checks a row, by cmd_venue_make.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/number.h"
#include "codec/text.h"
#include "store/store.h"
#include "ctl/ctl-cmd.h"

#define CMD_VENUE_DISTRICT	"Hoàn Kiếm"	/* when none is given */
#define CMD_VENUE_KIND		"default"
#define CMD_VENUE_NAME_MAX	120	/* bytes of UTF-8 in a venue name */
#define CMD_VENUE_ADDRESS_MAX	255
#define CMD_VENUE_WARD_MAX	120
#define CMD_VENUE_DISTRICT_MAX	120
#define CMD_VENUE_KIND_MAX	63	/* a session keeps it in 64 bytes */

/*
 * Check what the administrator typed and build a venue from it: fields
 * trimmed and free of invisible formatting characters, kind lower-cased
 * (it names a question set), the owner made E.164. -1 and a reason naming
 * the field in err if something is wrong.
 */
int
cmd_venue_make(struct ctl *ctl, const struct cmd_venue_fields *in,
    struct venue *v, char *err, size_t errlen)
{
	char	 owner[NUMBER_MAX], *s, *p;

	memset(v, 0, sizeof *v);
	v->active = 1;
	v->name = ctl_trim(in->name);
	v->address = ctl_trim(in->address);
	v->ward = ctl_trim(in->ward);
	v->district = ctl_trim(in->district);
	v->kind = ctl_trim(in->kind);

	/* No bidirectional controls or invisible characters in any field. */
	if (text_visible_check("name", v->name, err, errlen) != 0 ||
	    text_visible_check("address", v->address, err, errlen) != 0 ||
	    text_visible_check("ward", v->ward, err, errlen) != 0 ||
	    text_visible_check("district", v->district, err, errlen) != 0 ||
	    text_visible_check("kind", v->kind, err, errlen) != 0)
		goto fail;
	if (ctl_text_check("name", v->name, CMD_VENUE_NAME_MAX, 0, err, errlen) != 0)
		goto fail;
	if (*v->name == '\0') {
		snprintf(err, errlen, "name is empty");
		goto fail;
	}
	if (ctl_text_check("address", v->address, CMD_VENUE_ADDRESS_MAX, 1, err,
	    errlen) != 0)
		goto fail;
	if (ctl_text_check("ward", v->ward, CMD_VENUE_WARD_MAX, 0, err, errlen) != 0)
		goto fail;
	if (*v->district == '\0') {
		free(v->district);
		v->district = xstrdup(CMD_VENUE_DISTRICT);
	}
	if (ctl_text_check("district", v->district, CMD_VENUE_DISTRICT_MAX, 0, err,
	    errlen) != 0)
		goto fail;

	if (*v->kind == '\0') {
		free(v->kind);
		v->kind = xstrdup(CMD_VENUE_KIND);
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
	if (strlen(v->kind) > CMD_VENUE_KIND_MAX) {
		snprintf(err, errlen, "kind is longer than %d bytes",
		    CMD_VENUE_KIND_MAX);
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
	store_venue_free(v);
	return -1;
}

/* venue add: register one venue and print its new code. */
int
cmd_venue_add(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
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
	struct cmd_venue_fields		in;
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
	ctl_no_args(cmd, argc, argv);
	if (in.name == NULL) {
		fprintf(stderr, "checkinctl: venue add needs --name\n");
		ctl_cmd_usage(cmd);
	}
	if (cmd_venue_make(ctl, &in, &v, err, sizeof err) != 0) {
		fprintf(stderr, "checkinctl: venue add: %s\n", err);
		return 1;
	}
	if ((st = ctl_store(ctl)) == NULL) {
		store_venue_free(&v);
		return 1;
	}
	if (store_venue_add(st, &v, ctl->code_digits) == -1) {
		fprintf(stderr, "checkinctl: venue add: cannot store the "
		    "venue\n");
		store_venue_free(&v);
		return 1;
	}
	code_group(v.code, grouped, sizeof grouped);
	printf("%s\n", grouped);
	store_venue_free(&v);
	return 0;
}

/* One line of venue list. */
static int
cmd_venue_list_cb(const struct venue *v, void *arg)
{
	char	grouped[CODE_MAX + 4];

	if (v->code[0] == '#')	/* listed: no code yet, its reference */
		snprintf(grouped, sizeof grouped, "L%lld", (long long)v->id);
	else
		code_group(v->code, grouped, sizeof grouped);
	printf("%s\t", grouped);
	ctl_put(stdout, v->name);
	putchar('\t');
	ctl_put(stdout, v->ward);
	putchar('\t');
	ctl_put(stdout, v->kind);
	putchar('\t');
	ctl_put(stdout, v->owner);
	printf("\t%s\n", v->code[0] == '#' ? "listed" : v->active ? "active" :
	    "inactive");
	return 0;
}

/* venue list: the venues, one a line, tab-separated. */
int
cmd_venue_list(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
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
	ctl_no_args(cmd, argc, argv);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (store_venue_list(st, ward, all, cmd_venue_list_cb, NULL) == -1) {
		fprintf(stderr, "checkinctl: venue list: cannot read venues\n");
		return 1;
	}
	return 0;
}

/* venue show: every field of one venue, "key: value" a line. */
int
cmd_venue_show(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store	*st;
	struct venue	 v;
	char		 code[CODE_MAX], grouped[CODE_MAX + 4], created[64];
	char		 call[NUMBER_MAX];
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
	/* Only when it has one: the lines of the rest stay as they were. */
	if (store_venue_call_number(st, v.code, call, sizeof call) == 1) {
		printf("\ncall_number: ");
		ctl_put(stdout, call);
	}
	printf("\nactive: %s\ncreated: %s\n", v.active ? "yes" : "no", created);
	store_venue_free(&v);
	return 0;
}

/* venue deactivate: the code stops taking check-ins. */
int
cmd_venue_deactivate(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
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
