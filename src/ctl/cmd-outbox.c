/*
 * cmd-outbox.c: checkinctl's outbox commands: list, show, retry, cancel
 * and stats of the messages the daemon sends.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/tz.h"
#include "store/store.h"
#include "ctl/ctl-cmd.h"

#define CMD_OUTBOX_LIMIT	50	/* rows outbox list shows by default */
#define CMD_OUTBOX_LIMIT_MAX	1000000
#define CMD_OUTBOX_ALL		"(all)"	/* no route name has parentheses */

/* What outbox list shows, for its callback. */
struct cmd_outbox_list_opts {
	int	text;		/* --text: the message text as a last field */
};

/* One route's counts for outbox stats. */
struct cmd_outbox_count {
	char		route[64];
	long long	n[OUTBOX_STATE_COUNT];
};

/* The routes seen by outbox stats, ordered by name. */
struct cmd_outbox_stats_state {
	struct cmd_outbox_count	*routes;
	size_t			 nroutes;
	struct cmd_outbox_count	 all;
};

/* A time as ISO 8601 in the configured zone, or "-" for none (0). */
static void
cmd_outbox_time(int64_t t, char *buf, size_t len)
{
	if (t == 0)
		strlcpy(buf, "-", len);
	else
		tz_format_iso(t, buf, len);
}

/* The valid states of an outbox message, "queued, sending, ...", in buf. */
static void
cmd_outbox_states(char *buf, size_t len)
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
cmd_outbox_ids(const struct ctl_cmd *cmd, int argc, char **argv, size_t *nids)
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
cmd_outbox_refused(struct store *st, const struct ctl_cmd *cmd, int64_t id,
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
cmd_outbox_list_cb(const struct outbox_msg *m, void *arg)
{
	struct cmd_outbox_list_opts	*ol = arg;
	char			 created[64], next[64];

	tz_format_iso(m->created_at, created, sizeof created);
	/* Only a queued message waits for a next attempt. */
	cmd_outbox_time(m->state == OUTBOX_QUEUED ? (int64_t)m->next_at : 0, next,
	    sizeof next);
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
int
cmd_outbox_list(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
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
	struct cmd_outbox_list_opts		 ol;
	struct store			*st;
	const char			*route = NULL, *errstr;
	char				 states[128];
	int				 ch, state = -1;
	int				 limit = CMD_OUTBOX_LIMIT;

	memset(&ol, 0, sizeof ol);
	optind = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((state = store_outbox_state_parse(optarg)) == -1) {
				cmd_outbox_states(states, sizeof states);
				fprintf(stderr, "checkinctl: unknown state: %s "
				    "(one of %s)\n", optarg, states);
				ctl_cmd_usage(cmd);
			}
			break;
		case 'r':
			route = optarg;
			break;
		case 'n':
			limit = (int)num_parse(optarg, 1, CMD_OUTBOX_LIMIT_MAX,
			    &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "checkinctl: limit is %s: %s "
				    "(1 to %d)\n", errstr, optarg,
				    CMD_OUTBOX_LIMIT_MAX);
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
	ctl_no_args(cmd, argc, argv);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	if (store_outbox_list(st, state, route, limit, cmd_outbox_list_cb,
	    &ol) == -1) {
		fprintf(stderr, "checkinctl: outbox list: cannot read the "
		    "outbox\n");
		return 1;
	}
	return 0;
}

/* outbox show: every field of one message, "key: value" a line. */
int
cmd_outbox_show(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct store		*st;
	struct outbox_msg	 m;
	int64_t			*ids;
	size_t			 nids;
	char			 created[64], next[64], expires[64];
	char			 updated[64];
	int			 found;

	if ((ids = cmd_outbox_ids(cmd, argc, argv, &nids)) == NULL)
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
	cmd_outbox_time(m.state == OUTBOX_QUEUED ? (int64_t)m.next_at : 0, next,
	    sizeof next);
	cmd_outbox_time(m.expires_at, expires, sizeof expires);
	cmd_outbox_time(m.updated_at, updated, sizeof updated);
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
cmd_outbox_each(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv, int (*fn)(struct store *, int64_t, int64_t),
    const char *verb, const char *wanted)
{
	struct store	*st;
	int64_t		*ids;
	size_t		 nids, i;
	int		 rv = 0;

	if ((ids = cmd_outbox_ids(cmd, argc, argv, &nids)) == NULL)
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
			cmd_outbox_refused(st, cmd, ids[i], wanted);
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
int
cmd_outbox_retry(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	return cmd_outbox_each(ctl, cmd, argc, argv, store_outbox_requeue,
	    "retried", "failed or expired");
}

/* outbox cancel: queued messages are not sent (failed, "cancelled"). */
int
cmd_outbox_cancel(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	return cmd_outbox_each(ctl, cmd, argc, argv, store_outbox_cancel,
	    "cancelled", "queued");
}

/* Count one route and state for outbox stats (rows come ordered by route). */
static int
cmd_outbox_stats_cb(const char *route, enum outbox_state state, int64_t n,
    void *arg)
{
	struct cmd_outbox_stats_state	*os = arg;
	struct cmd_outbox_count	*c;

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
cmd_outbox_stats_line(const struct cmd_outbox_count *c)
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
int
cmd_outbox_stats(struct ctl *ctl, const struct ctl_cmd *cmd, int argc,
    char **argv)
{
	struct cmd_outbox_stats_state	 os;
	struct store		*st;
	size_t			 i;
	int			 s;

	ctl_no_options(cmd, argc, argv);
	ctl_no_args(cmd, argc, argv);
	if ((st = ctl_store(ctl)) == NULL)
		return 1;
	memset(&os, 0, sizeof os);
	strlcpy(os.all.route, CMD_OUTBOX_ALL, sizeof os.all.route);
	if (store_outbox_count(st, cmd_outbox_stats_cb, &os) == -1) {
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
		cmd_outbox_stats_line(&os.routes[i]);
	cmd_outbox_stats_line(&os.all);
	free(os.routes);
	return 0;
}
