/*
 * cmd-trace.c: checkinctl trace venue, trace person, trace contacts: who
 * was where in a window, read and audited by officials/trace.c as the
 * admin API does it, rendered as the admin API renders it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/number.h"
#include "officials/export.h"
#include "officials/trace.h"
#include "ctl/ctl-cmd.h"

/*
 * The audit row is written before anything is shown: no row, no answer.
 * No transaction holds the database's write lock over the read, which
 * would keep a running daemon waiting.
 */
int
cmd_trace(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
{
	static const struct option	opts[] = {
		{ "from",	required_argument,	NULL,	'f' },
		{ "to",		required_argument,	NULL,	't' },
		{ "format",	required_argument,	NULL,	'F' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct trace_ask		 ask;
	struct ctl_period		 p;
	struct export			*e;
	char				*query, code[CODE_MAX];
	char				 number[NUMBER_MAX], actor[CTL_ACTOR_MAX];
	int				 ch, by;

	if ((by = trace_by_name(cmd->sub)) == -1)
		fatalx("no trace called %s", cmd->sub);

	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1)
		ctl_period_opt(cmd, ch, argv, &p);
	ctl_period_check(cmd, &p);
	if (optind == argc || (by != TRACE_VENUE && argc - optind != 1))
		ctl_cmd_usage(cmd);

	memset(&ask, 0, sizeof ask);
	if (by == TRACE_VENUE) {
		if (ctl_venue_arg(ctl, argc - optind, argv + optind, code,
		    &ask.venue_id) != 0)
			goto fail;
		ask.subject = code;
	} else {
		if (ctl_number_arg(ctl, argv[optind], number) != 0 ||
		    ctl_store(ctl) == NULL)
			goto fail;
		ask.number = ask.subject = number;
	}
	ctl_actor(actor, sizeof actor);
	ask.by = (enum trace_by)by;
	ask.from = p.from;
	ask.to = p.to;
	ask.stay = ctl_default_stay(ctl);
	ask.actor = actor;
	ask.query = query;
	if (ctl_audited(cmd, trace_run(ctl->store, &ask, p.format, &e),
	    trace_action(ask.by), "check-ins") == -1)
		goto fail;
	ctl_export_print(e);
	free(query);
	return 0;

fail:
	free(query);
	return 1;
}
