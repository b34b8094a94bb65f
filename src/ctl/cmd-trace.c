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
	struct trace_ask	 ask;
	struct ctl_period	 p;
	struct export		*e;
	enum trace_step		 step;
	char			*query, code[CODE_MAX];
	char			 number[NUMBER_MAX], actor[CTL_ACTOR_MAX];
	int			 by, rv = 1;

	if ((by = trace_by_name(cmd->sub)) == -1)
		fatalx("no trace called %s", cmd->sub);

	query = ctl_query(cmd, argc, argv);
	ctl_period_parse(cmd, argc, argv, &p);
	if (optind == argc || (by != TRACE_VENUE && argc - optind != 1))
		ctl_cmd_usage(cmd);

	memset(&ask, 0, sizeof ask);
	if (by == TRACE_VENUE) {
		if (ctl_venue_arg(ctl, argc - optind, argv + optind, code,
		    &ask.venue_id) != 0)
			goto out;
		ask.subject = code;
	} else {
		if (ctl_number_arg(ctl, argv[optind], number) != 0 ||
		    ctl_store(ctl) == NULL)
			goto out;
		ask.number = ask.subject = number;
	}
	ctl_actor(actor, sizeof actor);
	ask.by = (enum trace_by)by;
	ask.from = p.from;
	ask.to = p.to;
	ask.stay = ctl_default_stay(ctl);
	ask.actor = actor;
	ask.query = query;
	step = trace_run(ctl->store, &ask, p.format, &e);
	rv = ctl_audited(cmd, step, trace_action(ask.by), "check-ins", e);
out:
	free(query);
	return rv;
}
