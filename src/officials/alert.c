/*
 * alert.c: an exposure alert, for the admin API and checkinctl alike. The
 * numbers are all gathered before any is queued, and the messages, the
 * audit row and the read are one transaction: an alert goes to all or to
 * none, and never without its audit row. The daemon sends the messages at
 * each route's rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "codec/number.h"
#include "config/config.h"
#include "store/store.h"
#include "officials/alert.h"

/* The numbers an alert goes to. */
struct alert_numbers {
	char	(*v)[NUMBER_MAX];
	size_t	  n;
};

static int
alert_number(const char *number, void *arg)
{
	struct alert_numbers	*nums = arg;

	nums->v = xreallocarray(nums->v, nums->n + 1, sizeof *nums->v);
	strlcpy(nums->v[nums->n++], number, NUMBER_MAX);
	return 0;
}

const char *
alert_action(const struct alert_ask *ask)
{
	return ask->dry_run ? "alert.dry_run" : "alert";
}

/* Queue the alert for every number, in the caller's transaction. */
static enum alert_step
alert_queue(struct store *st, const struct config *cfg,
    const struct alert_ask *ask, const struct alert_numbers *nums, int64_t now)
{
	const struct route	*r;
	const char		*name;
	size_t			 i;

	for (i = 0; i < nums->n; i++) {
		name = ask->route;
		if (name == NULL) {
			if ((r = config_route_for(cfg, nums->v[i])) == NULL)
				return ALERT_ENOROUTE;
			name = r->name;
		}
		if (store_outbox_add(st, name, nums->v[i], ask->text, now, 0,
		    0) == -1)
			return ALERT_EQUEUE;
	}
	return ALERT_OK;
}

enum alert_step
alert_run(struct store *st, const struct config *cfg,
    const struct alert_ask *ask, size_t *count)
{
	struct alert_numbers	 nums = { NULL, 0 };
	int64_t			 now = (int64_t)time(NULL);
	enum alert_step		 step = ALERT_OK;

	*count = 0;
	if (store_begin(st) == -1)
		return ALERT_EBEGIN;
	if (store_alert_numbers(st, ask->venue_id, ask->from, ask->to,
	    ask->stay, alert_number, &nums) == -1)
		step = ALERT_EREAD;
	else if (!ask->dry_run)
		step = alert_queue(st, cfg, ask, &nums, now);
	if (step == ALERT_OK && store_audit_add(st, ask->actor,
	    alert_action(ask), ask->code, ask->query, (int64_t)nums.n,
	    now) == -1)
		step = ALERT_EAUDIT;
	if (step == ALERT_OK && store_commit(st) == -1)
		step = ALERT_ECOMMIT;
	if (step != ALERT_OK)
		store_rollback(st);
	else
		*count = nums.n;
	free(nums.v);
	return step;
}
