/*
 * cmd-report.c: checkinctl report wards and report inactive, the figures
 * and lists of officials/report.c, as the admin API gives them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/log.h"
#include "officials/export.h"
#include "officials/report.h"
#include "ctl/ctl-cmd.h"

#define CMD_REPORT_DAYS		7	/* report inactive without --days */
#define CMD_REPORT_DAYS_MAX	3650

/* report wards: per ward, venues with a code, venues used, check-ins, visitors, flags. */
int
cmd_report_wards(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct ctl_period	 p;
	struct export		*e;

	ctl_period_parse(cmd, argc, argv, &p);
	ctl_no_args(cmd, argc, argv);
	if (ctl_store(ctl) == NULL)
		return 1;
	if (report_wards(ctl->store, p.from, p.to, p.format, &e) == -1) {
		fprintf(stderr, "checkinctl: report wards: cannot read the "
		    "figures\n");
		return 1;
	}
	ctl_export_print(e);
	return 0;
}

/*
 * The local midnight days - 1 days before today's: "no check-in for 7
 * days" means none today nor on the 6 days before.
 */
static int64_t
cmd_report_days_ago(int days)
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
int
cmd_report_inactive(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
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
	enum trace_step			 step;
	const char			*errstr;
	char				*query, actor[CTL_ACTOR_MAX];
	int				 ch, rv = 1;
	int				 days = CMD_REPORT_DAYS;

	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			days = (int)num_parse(optarg, 1, CMD_REPORT_DAYS_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "checkinctl: days is %s: %s "
				    "(1 to %d)\n", errstr, optarg,
				    CMD_REPORT_DAYS_MAX);
				ctl_cmd_usage(cmd);
			}
			break;
		default:
			ctl_period_opt(cmd, ch, argv, &p);
		}
	}
	ctl_no_args(cmd, argc, argv);
	if (ctl_store(ctl) != NULL) {
		ctl_actor(actor, sizeof actor);
		step = report_inactive(ctl->store, cmd_report_days_ago(days),
		    actor, query, p.format, &e);
		rv = ctl_audited(cmd, step, "report.inactive", "the venues", e);
	}
	free(query);
	return rv;
}
