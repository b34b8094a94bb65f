/*
 * cmd-purge.c: checkinctl purge, the retention purge run by hand (the
 * daemon runs its own, officials/purge.c, on a timer).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "base/tz.h"
#include "config/config.h"
#include "store/store.h"
#include "ctl/ctl-cmd.h"

#define CMD_PURGE_RETENTION	28	/* days kept without a config (-d) */
#define CMD_PURGE_CHUNK		500	/* rows a purge transaction deletes */

/*
 * purge: delete personal rows older than --before (retention_days ago by
 * default), CMD_PURGE_CHUNK rows a transaction so that the daemon is never
 * kept waiting long; daily_stats stay. --dry-run counts.
 */
int
cmd_purge(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
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
	    ctl->cfg->retention_days : CMD_PURGE_RETENTION;
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
	ctl_no_args(cmd, argc, argv);
	if (ctl_store(ctl) == NULL)
		return 1;
	tz_format_iso(before, when, sizeof when);

	if (dry_run) {
		if (store_purge(ctl->store, before, CMD_PURGE_CHUNK, 1,
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
		if (store_purge(ctl->store, before, CMD_PURGE_CHUNK, 0,
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
