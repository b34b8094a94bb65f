/*
 * cmd-alert.c: checkinctl alert, an exposure alert from the command line.
 * officials/alert.c gathers the numbers, queues the messages and writes
 * the audit row in one transaction, as for the admin API; here are the
 * options, the text's checks and what is said of each failure.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/log.h"
#include "codec/code.h"
#include "codec/gsm.h"
#include "codec/text.h"
#include "config/config.h"
#include "officials/alert.h"
#include "ctl/ctl-cmd.h"

#define CMD_ALERT_SEGMENTS	6	/* SMS parts an alert text may take */
#define CMD_ALERT_MAX		1024	/* bytes of UTF-8 in an alert text */

/*
 * The text of an alert as it will be sent: trimmed, checked, without
 * diacritics when the configuration folds replies, at most
 * CMD_ALERT_SEGMENTS SMS. NULL and a message if it cannot go.
 */
static char *
cmd_alert_text(struct ctl *ctl, const char *arg)
{
	struct gsm_count	 gc;
	char			*text, *folded, err[256];

	text = ctl_trim(arg);
	if (*text == '\0')
		strlcpy(err, "text is empty", sizeof err);
	else if (ctl_text_check("text", text, CMD_ALERT_MAX, 1, err,
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
	if (gc.segments > CMD_ALERT_SEGMENTS) {
		fprintf(stderr, "checkinctl: alert: the text takes %zu SMS, "
		    "at most %d\n", gc.segments, CMD_ALERT_SEGMENTS);
		free(text);
		return NULL;
	}
	return text;
}

/* Say why alert_run stopped, once it did. */
static void
cmd_alert_failed(struct ctl *ctl, const struct alert_ask *ask,
    enum alert_step step)
{
	switch (step) {
	case ALERT_OK:
		return;
	case ALERT_EBEGIN:
		fprintf(stderr, "checkinctl: cannot start a transaction\n");
		return;
	case ALERT_EREAD:
		fprintf(stderr, "checkinctl: alert: cannot read check-ins\n");
		break;
	case ALERT_ENOROUTE:
		fprintf(stderr, "checkinctl: alert: no outbound route in %s\n",
		    ctl->cfg->file);
		break;
	case ALERT_EQUEUE:
		fprintf(stderr, "checkinctl: alert: cannot queue the "
		    "messages\n");
		break;
	case ALERT_EAUDIT:
		fprintf(stderr, "checkinctl: %s: cannot write the audit row\n",
		    alert_action(ask));
		break;
	case ALERT_ECOMMIT:
		fprintf(stderr, "checkinctl: alert: cannot commit\n");
		break;
	}
	if (!ask->dry_run)
		fprintf(stderr, "checkinctl: alert: nothing queued\n");
}

/*
 * alert: one SMS to every distinct number that checked in at the venue in
 * the window, opted-out numbers left out, queued in one transaction for the
 * daemon to send at the route's rate. --dry-run only counts. Audited.
 */
int
cmd_alert(struct ctl *ctl, const struct ctl_cmd *cmd, int argc, char **argv)
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
	struct alert_ask		 ask;
	struct ctl_period		 p;
	enum alert_step			 step;
	const char			*textarg = NULL;
	char				*query, *text = NULL, code[CODE_MAX];
	char				 actor[CTL_ACTOR_MAX];
	size_t				 n;
	int				 ch;

	memset(&ask, 0, sizeof ask);
	query = ctl_query(cmd, argc, argv);
	ctl_period_init(&p);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'x':
			textarg = optarg;
			break;
		case 'n':
			ask.dry_run = 1;
			break;
		case 'r':
			ask.route = optarg;
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

	if (!ask.dry_run && ask.route == NULL && ctl->cfg == NULL) {
		fprintf(stderr, "checkinctl: no route: give --route or -c\n");
		goto fail;
	}
	if (ask.route != NULL && ctl->cfg != NULL &&
	    config_route(ctl->cfg, ask.route) == NULL) {
		fprintf(stderr, "checkinctl: no route %s in %s\n", ask.route,
		    ctl->cfg->file);
		goto fail;
	}
	if ((text = cmd_alert_text(ctl, textarg)) == NULL)
		goto fail;
	if (ctl_venue_arg(ctl, argc - optind, argv + optind, code,
	    &ask.venue_id) != 0)
		goto fail;

	ctl_actor(actor, sizeof actor);
	ask.code = code;
	ask.from = p.from;
	ask.to = p.to;
	ask.stay = ctl_default_stay(ctl);
	ask.text = text;
	ask.actor = actor;
	ask.query = query;
	if ((step = alert_run(ctl->store, ctl->cfg, &ask, &n)) != ALERT_OK) {
		cmd_alert_failed(ctl, &ask, step);
		goto fail;
	}
	printf("%s %zu\n", ask.dry_run ? "would queue" : "queued", n);
	free(text);
	free(query);
	return 0;

fail:
	free(text);
	free(query);
	return 1;
}
