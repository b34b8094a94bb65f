/*
 * cmd-venue-call.c: a venue's own phone number (call_number). A call to it
 * checks the caller in at the venue and is rejected unanswered (core/voice.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "codec/code.h"
#include "store/store.h"
#include "ctl/ctl.h"
#include "ctl/ctl-cmd.h"

/* Set or clear a venue's call_number: 0, or 1 with a message. */
int
cmd_venue_set_call(struct ctl *ctl, const char *what, const char *code,
    const char *number)
{
	struct store	*st;
	char		 e164[NUMBER_MAX], grouped[CODE_MAX + 4];

	code_group(code, grouped, sizeof grouped);
	if (number != NULL && ctl_number_arg(ctl, number, e164) == -1)
		return 1;
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	switch (store_venue_set_call_number(st, code, number != NULL ? e164 : NULL)) {
	case 0:
		return 0;
	case 1:
		fprintf(stderr, "checkinctl: %s: no venue with code %s\n", what, grouped);
		return 1;
	case 2:
		fprintf(stderr, "checkinctl: %s: %s is already another venue's "
		    "call number\n", what, e164);
		return 1;
	default:
		fprintf(stderr, "checkinctl: %s: cannot store\n", what);
		return 1;
	}
}

/* venue call-number --number PHONE CODE | --clear CODE | CODE (show it). */
int
cmd_venue_call_number(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "number",	required_argument,	NULL,	'n' },
		{ "clear",	no_argument,		NULL,	'c' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct store	*st;
	const char	*number = NULL;
	char		 code[CODE_MAX], grouped[CODE_MAX + 4], cur[NUMBER_MAX];
	int		 ch, clear = 0, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			number = optarg;
			break;
		case 'c':
			clear = 1;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (number != NULL && clear) {
		fprintf(stderr, "checkinctl: venue call-number: --number or "
		    "--clear, not both\n");
		ctl_cmd_usage(cmd);
	}
	if (optind == argc)
		ctl_cmd_usage(cmd);
	if (ctl_code_arg(argc - optind, argv + optind, code) != 0) {
		fprintf(stderr, "checkinctl: not a venue code: %s\n", argv[optind]);
		return 1;
	}
	code_group(code, grouped, sizeof grouped);
	if (number != NULL || clear) {
		if ((r = cmd_venue_set_call(ctl, "venue call-number", code,
		    number)) != 0)
			return r;
		if ((st = ctl_store(ctl)) == NULL)
			return 1;
	} else if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if ((r = store_venue_call_number(st, code, cur, sizeof cur)) == -1) {
		fprintf(stderr, "checkinctl: venue call-number: cannot read\n");
		return 1;
	}
	printf("%s %s\n", grouped, r == 1 ? cur : "-");
	return 0;
}
