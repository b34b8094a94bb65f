/*
 * alert.h: an exposure alert, as officials send it through the admin API
 * or checkinctl: one SMS to every distinct number that checked in at a
 * venue in a window, opted-out numbers left out, queued with its audit row
 * in one transaction.
 */
#ifndef ALERT_H
#define ALERT_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct config;

/* An alert asked for, and what its audit row says of the asking. */
struct alert_ask {
	int64_t		 venue_id;
	const char	*code;		/* the venue's, for the audit row */
	int64_t		 from;		/* the window, [from, to) */
	int64_t		 to;
	int		 stay;		/* seconds an open stay counts */
	const char	*text;		/* as it will be sent */
	const char	*route;		/* NULL: the configuration's for each number */
	int		 dry_run;	/* only count, queue nothing */
	const char	*actor;
	const char	*query;		/* what was asked, as it was asked */
};

/* Where an alert stopped; after ALERT_EBEGIN all was rolled back. */
enum alert_step {
	ALERT_OK,
	ALERT_EBEGIN,
	ALERT_EREAD,		/* the numbers */
	ALERT_ENOROUTE,		/* no route in the configuration for a number */
	ALERT_EQUEUE,
	ALERT_EAUDIT,
	ALERT_ECOMMIT,
};

/* The audit row's action of an alert: "alert", or "alert.dry_run". */
const char	*alert_action(const struct alert_ask *);
/*
 * Queue the alert (count it only, dry_run) in a transaction of its own;
 * cfg may be NULL when a route is given or nothing is queued. The numbers
 * it goes to (would go to) in *count.
 */
enum alert_step	 alert_run(struct store *, const struct config *,
		    const struct alert_ask *, size_t *count);

#endif
