/*
 * cmd-inspector.c: checkinctl inspector add/del/list, the numbers whose
 * "KT 123 4567 OK" texts record inspections (issue 18), and checkinctl
 * venue activate, a listed business's code and commitment.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/text.h"
#include "store/store.h"
#include "officials/district.h"
#include "officials/export.h"
#include "ctl/ctl-cmd.h"

/* inspector add NUMBER --name NAME [--ward WARD] */
int
cmd_inspector_add(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "name",	required_argument,	NULL,	'n' },
		{ "ward",	required_argument,	NULL,	'w' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct inspector	 in;
	struct store		*st;
	const char		*name = NULL, *ward = "";
	char			 err[256], *n, *w;
	int			 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'w':
			ward = optarg;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (argc - optind != 1 || name == NULL)
		ctl_cmd_usage(cmd);
	memset(&in, 0, sizeof in);
	if (ctl_number_arg(ctl, argv[optind], in.number) == -1)
		return 1;
	n = ctl_trim(name);
	w = ctl_trim(ward);
	rc = text_visible_check("name", n, err, sizeof err) != 0 ||
	    text_visible_check("ward", w, err, sizeof err) != 0 ||
	    ctl_text_check("name", n, 120, 0, err, sizeof err) != 0 ||
	    ctl_text_check("ward", w, 120, 0, err, sizeof err) != 0;
	if (!rc && *n == '\0') {
		snprintf(err, sizeof err, "name is empty");
		rc = 1;
	}
	strlcpy(in.name, n, sizeof in.name);
	strlcpy(in.ward, w, sizeof in.ward);
	free(n);
	free(w);
	if (rc) {
		fprintf(stderr, "checkinctl: inspector add: %s\n", err);
		return 1;
	}
	in.created_at = time(NULL);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (store_inspector_add(st, &in) == -1) {
		fprintf(stderr, "checkinctl: inspector add: cannot store\n");
		return 1;
	}
	printf("inspector %s: ", in.number);
	ctl_put(stdout, in.name);
	putchar('\n');
	return 0;
}

/* inspector del NUMBER */
int
cmd_inspector_del(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store	*st;
	char		 number[NUMBER_MAX];

	ctl_no_options(cmd, argc, argv);
	if (argc - optind != 1)
		ctl_cmd_usage(cmd);
	if (ctl_number_arg(ctl, argv[optind], number) == -1 ||
	    (st = ctl_store(ctl)) == NULL)
		return 1;
	switch (store_inspector_del(st, number)) {
	case 0:
		printf("removed %s\n", number);
		return 0;
	case 1:
		fprintf(stderr, "checkinctl: no inspector %s\n", number);
		return 1;
	default:
		fprintf(stderr, "checkinctl: inspector del: cannot store\n");
		return 1;
	}
}

/* inspector list [--format F] */
int
cmd_inspector_list(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct ctl_period	 p;
	struct store		*st;
	struct export		*e;

	ctl_period_parse(cmd, argc, argv, &p);
	ctl_no_args(cmd, argc, argv);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (district_inspectors(st, NULL, (int)p.format, &e) == -1) {
		fprintf(stderr, "checkinctl: inspector list: cannot read\n");
		return 1;
	}
	ctl_export_print(e);
	return 0;
}

/*
 * venue activate REF|CODE [--committed-by NAME [--committed-at TIME]]
 * [--lat X --lon Y]: a listed business (REF "L17", as venue list shows it)
 * gets its code; a commitment and coordinates may be recorded on any venue.
 */
int
cmd_venue_activate(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	static const struct option	opts[] = {
		{ "committed-by",	required_argument,	NULL,	'b' },
		{ "committed-at",	required_argument,	NULL,	't' },
		{ "lat",		required_argument,	NULL,	'y' },
		{ "lon",		required_argument,	NULL,	'x' },
		{ "help",		no_argument,		NULL,	'h' },
		{ NULL,			0,			NULL,	0 }
	};
	struct venue_life	 l;
	struct venue		 v;
	struct store		*st;
	const char		*by = NULL, *ref;
	char			 code[CODE_MAX], grouped[CODE_MAX + 4], actor[128];
	char			 err[256], *end;
	double			 lat = 0, lon = 0;
	int64_t			 at = 0, id = 0;
	int			 ch, has_lat = 0, has_lon = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			by = optarg;
			break;
		case 't':
			if (ctl_time_parse(optarg, 0, &at) != 0)
				ctl_bad_time(cmd, "--committed-at", optarg);
			break;
		case 'y':
			lat = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || lat < -90 ||
			    lat > 90) {
				fprintf(stderr, "checkinctl: --lat: -90 to 90\n");
				return 1;
			}
			has_lat = 1;
			break;
		case 'x':
			lon = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || lon < -180 ||
			    lon > 180) {
				fprintf(stderr, "checkinctl: --lon: -180 to 180\n");
				return 1;
			}
			has_lon = 1;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
		}
	}
	if (argc - optind != 1 || has_lat != has_lon ||
	    (at != 0 && by == NULL))
		ctl_cmd_usage(cmd);
	if (by != NULL && (text_visible_check("committed-by", by, err,
	    sizeof err) != 0 || ctl_text_check("committed-by", by, 120, 0, err,
	    sizeof err) != 0 || *by == '\0')) {
		fprintf(stderr, "checkinctl: venue activate: %s\n", *by == '\0' ?
		    "committed-by is empty" : err);
		return 1;
	}
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	ref = argv[optind];
	if (ref[0] == 'L' && ref[1] != '\0' &&
	    strspn(ref + 1, "0123456789") == strlen(ref + 1))
		id = strtoll(ref + 1, NULL, 10);
	else if (ctl_venue_arg(ctl, argc - optind, argv + optind, code, &id) != 0)
		return 1;
	if (store_venue_life(st, id, &l) != 1 ||
	    store_venue_by_id(st, id, &v) != 1) {
		fprintf(stderr, "checkinctl: no venue %s\n", ref);
		return 1;
	}
	strlcpy(code, v.code, sizeof code);
	store_venue_free(&v);
	if (store_begin(st) == -1)
		return 1;
	rc = 0;
	if (l.listed)
		rc = store_venue_activate(st, id, ctl->code_digits, code);
	ctl_actor(actor, sizeof actor);
	if (rc == 0 && by != NULL)
		rc = store_venue_commit(st, id, at != 0 ? at : time(NULL), by,
		    actor);
	if (rc == 0 && has_lat)
		rc = store_venue_coords(st, id, 1, lat, lon);
	if (rc != 0 || store_commit(st) == -1) {
		store_rollback(st);
		fprintf(stderr, "checkinctl: venue activate: cannot store\n");
		return 1;
	}
	code_group(code, grouped, sizeof grouped);
	printf("%s%s%s\n", grouped, l.listed ? " activated" : "",
	    by != NULL ? " committed" : "");
	return 0;
}
