/*
 * admin-reports.c: the admin API's reads of who was where and what it
 * adds up to: the traces, the exposure alert, the ward and inactive
 * reports and the dashboard. The traces and alerts themselves are
 * officials/trace.c and officials/alert.c, shared with checkinctl; here
 * is what HTTP asks and answers. Personal data is read and audited in one
 * transaction, and nothing leaves unless its audit row committed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/base.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/code.h"
#include "codec/number.h"
#include "config/config.h"
#include "store/store.h"
#include "send/outbox.h"
#include "officials/admin-req.h"
#include "officials/alert.h"
#include "officials/dashboard.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/report.h"
#include "officials/trace.h"

#define ADMIN_ALERT_MAX		612	/* bytes of an exposure alert's text */
#define ADMIN_REPORT_DAYS	3660	/* longest ward report period, in days */
#define ADMIN_INACTIVE_DAYS	7	/* default of /api/reports/inactive?days= */
#define ADMIN_INACTIVE_MAX	365
#define ADMIN_DASH_DAYS		366	/* longest dashboard period, in days */
#define ADMIN_DASH_DEFAULT	7	/* the dashboard's default period, in days */

/* The days= of a query, 1 to max, into *days if given; -1 once a 400 is sent. */
static int
admin_reports_days(struct admin_req *ar, int max, long long *days)
{
	const char	*errstr = NULL;
	char		*v;
	int		 rc;

	if ((rc = admin_param(ar, "days", &v)) == 1) {
		*days = num_parse(v, 1, max, &errstr);
		free(v);
	}
	if (rc == -1 || errstr != NULL) {
		admin_error(ar, 400, "days must be 1 to %d", max);
		return -1;
	}
	return 0;
}

/* A trace asked for, parsed (and its venue found) before it is read. */
struct admin_reports_trace {
	enum trace_by		 by;
	int			 format;
	struct trace_ask	 ask;
	struct venue		 v;
	char			 number[NUMBER_MAX];
};

/*
 * What a trace asks: 0, or -1 once answered. Finding a venue by its code
 * is a read: on the store thread (admin_thread).
 */
static int
admin_reports_trace_parse(struct admin_req *ar, void *arg)
{
	struct admin_reports_trace	*t = arg;
	struct trace_ask		*ask = &t->ask;
	char				*typed;
	int				 rc;

	if ((t->format = admin_format(ar)) == -1)
		return -1;
	if ((typed = admin_param_required(ar, t->by == TRACE_VENUE ? "code" :
	    "number")) == NULL)
		return -1;
	if (t->by == TRACE_VENUE) {
		rc = admin_venue_find(ar, typed, &t->v);
		ask->venue_id = t->v.id;
		ask->subject = t->v.code;
	} else {
		rc = admin_number(ar, typed, t->number) == 0;
		ask->number = ask->subject = t->number;
	}
	free(typed);
	if (rc != 1)
		return -1;
	if (admin_window(ar, admin_trace_days(ar->cfg), &ask->from, &ask->to) == -1)
		return -1;
	ask->by = t->by;
	ask->stay = ar->cfg->default_stay;
	return 0;
}

/* On the loop: read on a reader thread; the audit row is written once it is done. */
static void
admin_reports_trace_read(struct admin_req *ar, void *arg, int rc)
{
	struct admin_reports_trace	*t = arg;
	struct admin_read		*rd;

	if (rc == 0 && ar->req == NULL)
		admin_error(ar, 503, "the client is gone");
	else if (rc == 0) {
		rd = admin_read_new(ar, t->format);
		*admin_read_trace(rd) = t->ask;
		admin_read_submit(rd, ADMIN_READ_TRACE, trace_action(t->by),
		    t->ask.subject);
	}
	store_venue_free(&t->v);
	free(t);
}

/* GET /api/trace/venue?code=, /api/trace/person?number=, /api/trace/contacts?number=. */
static void
admin_reports_trace(struct admin_req *ar, enum trace_by by)
{
	struct admin_reports_trace	*t;

	t = xcalloc(1, sizeof *t);
	t->by = by;
	if (by == TRACE_VENUE)
		admin_thread(ar, admin_reports_trace_parse, admin_reports_trace_read, t);
	else
		admin_reports_trace_read(ar, t, admin_reports_trace_parse(ar, t));
}

void
admin_reports_trace_venue(struct admin_req *ar)
{
	admin_reports_trace(ar, TRACE_VENUE);
}

void
admin_reports_trace_person(struct admin_req *ar)
{
	admin_reports_trace(ar, TRACE_PERSON);
}

void
admin_reports_trace_contacts(struct admin_req *ar)
{
	admin_reports_trace(ar, TRACE_CONTACTS);
}

/* The members of an alert. */
struct admin_reports_alert_in {
	const char	*venue;
	int64_t		 from;
	int64_t		 to;
	const char	*text;
	int		 dry_run;
};

/* A time member: a string as admin_time takes, or an integer of epoch seconds. */
static int
admin_reports_time_in(struct admin_req *ar, const char *key, json_t *v, int64_t *t)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*t = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) &&
	    admin_time(json_string_value(v), t) == 0)
		return 0;
	admin_error(ar, 400, "%s: not a time (ISO 8601 with an offset, or epoch seconds)",
	    key);
	return -1;
}

/* {venue, from, to, text, dry_run}: 0, or -1 once a 400 is sent. */
static int
admin_reports_alert_parse(struct admin_req *ar, json_t *root, struct admin_reports_alert_in *in)
{
	static const char	*required[] = { "venue", "from", "to", "text" };
	const char		*key;
	json_t			*v;
	size_t			 i;

	memset(in, 0, sizeof *in);
	for (i = 0; i < nitems(required); i++) {
		if (json_object_get(root, required[i]) == NULL) {
			admin_error(ar, 400, "%s is required", required[i]);
			return -1;
		}
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "venue") == 0) {
			if (admin_json_text(ar, key, v, 1, CODE_MAX + 8, 0, &in->venue) == -1)
				return -1;
		} else if (strcmp(key, "from") == 0 || strcmp(key, "to") == 0) {
			if (admin_reports_time_in(ar, key, v, key[0] == 'f' ? &in->from :
			    &in->to) == -1)
				return -1;
		} else if (strcmp(key, "text") == 0) {
			if (admin_json_text(ar, key, v, 1, ADMIN_ALERT_MAX, 1, &in->text) == -1)
				return -1;
		} else if (strcmp(key, "dry_run") == 0) {
			if (!json_is_boolean(v)) {
				admin_error(ar, 400, "dry_run must be true or false");
				return -1;
			}
			in->dry_run = json_is_true(v);
		} else {
			admin_error(ar, 400, "%s: unknown member", admin_member_name(key));
			return -1;
		}
	}
	return admin_window_check(ar, in->from, in->to, admin_trace_days(ar->cfg));
}

/*
 * POST /api/alerts: one outbox row per distinct opted-in number at the
 * venue in the window, all queued with the audit row in one transaction.
 */
void
admin_reports_alert(struct admin_req *ar)
{
	struct admin_reports_alert_in	 in;
	struct alert_ask		 ask;
	struct venue			 v;
	json_t				*root, *o;
	char				*query = NULL, f[40], t[40];
	size_t				 n;

	memset(&v, 0, sizeof v);
	if ((root = admin_body(ar)) == NULL)
		return;
	if (admin_reports_alert_parse(ar, root, &in) == -1 ||
	    admin_venue_find(ar, in.venue, &v) != 1)
		goto out;
	if (!in.dry_run && ar->cfg->nroutes == 0) {
		admin_error(ar, 400, "no outbound route configured");
		goto out;
	}
	tz_format_iso(in.from, f, sizeof f);
	tz_format_iso(in.to, t, sizeof t);
	xasprintf(&query, "venue=%s&from=%s&to=%s&dry_run=%d", v.code, f, t, in.dry_run);

	memset(&ask, 0, sizeof ask);
	ask.venue_id = v.id;
	ask.code = v.code;
	ask.from = in.from;
	ask.to = in.to;
	ask.stay = ar->cfg->default_stay;
	ask.text = in.text;
	ask.dry_run = in.dry_run;
	ask.actor = ar->token->name;
	ask.query = query;
	switch (alert_run(ar->st, ar->cfg, &ask, &n)) {
	case ALERT_OK:
		break;
	case ALERT_ENOROUTE:
		admin_error(ar, 400, "no outbound route configured");
		goto out;
	default:
		admin_storage_error(ar);
		goto out;
	}
	if (!in.dry_run && n > 0)
		admin_kick(ar);
	log_info("admin venue=%s action=%s numbers=%zu actor=%s", v.code,
	    alert_action(&ask), n, ar->token->name);
	ar->records = (int64_t)n;
	if ((o = json_object()) == NULL)
		fatalx("json_object failed");
	admin_set(o, in.dry_run ? "would_queue" : "queued", json_integer((json_int_t)n));
	admin_json(ar, 200, o);
out:
	free(query);
	json_decref(root);
	store_venue_free(&v);
}

/* GET /api/reports/wards?from=&to=: figures only, nothing personal. */
void
admin_reports_wards(struct admin_req *ar)
{
	struct admin_read	*rd;
	int64_t		 from, to;
	int		 format;

	if ((format = admin_format(ar)) == -1 ||
	    admin_window(ar, ADMIN_REPORT_DAYS, &from, &to) == -1)
		return;
	rd = admin_read_new(ar, format);
	admin_read_window(rd, from, to);
	admin_read_submit(rd, ADMIN_READ_WARDS, NULL, NULL);
}

/* GET /api/reports/inactive?days=N: venues without a check-in, with owner numbers (audited). */
void
admin_reports_inactive(struct admin_req *ar)
{
	struct admin_read	*rd;
	long long	 days = ADMIN_INACTIVE_DAYS;
	int		 format;

	if ((format = admin_format(ar)) == -1 ||
	    admin_reports_days(ar, ADMIN_INACTIVE_MAX, &days) == -1)
		return;
	rd = admin_read_new(ar, format);
	admin_read_since(rd, time(NULL) - days * ADMIN_DAY);
	admin_read_submit(rd, ADMIN_READ_INACTIVE, "report.inactive", NULL);
}

/*
 * GET /dashboard?from=&to=&days=&lang=: from and to, or the last days
 * local days (default 7) up to today. Figures only: the inactive list
 * leaves out owner numbers, so nothing personal is read and no audit row
 * is written.
 */
void
admin_reports_dashboard(struct admin_req *ar)
{
	struct admin_read	*rd;
	char			 csrf[65];
	char		*v;
	long long	 days = ADMIN_DASH_DEFAULT;
	int64_t		 from, to;
	int		 i;

	if (admin_reports_days(ar, ADMIN_DASH_DAYS, &days) == -1)
		return;
	if (admin_param(ar, "from", &v) == 1) {
		free(v);
		if (admin_window(ar, ADMIN_DASH_DAYS, &from, &to) == -1)
			return;
	} else {
		to = tz_day_start(tz_day_start(time(NULL)) + ADMIN_DAY * 3 / 2);
		for (from = to, i = 0; i < days; i++)
			from = tz_day_start(from - ADMIN_DAY / 2);
	}
	rd = admin_read_new(ar, -1);
	admin_read_window(rd, from, to);
	admin_csrf(ar, csrf);
	admin_read_page(rd, (int)days, admin_lang(ar),
	    ar->token->role >= ROLE_ADMIN ? csrf : NULL);
	admin_read_submit(rd, ADMIN_READ_DASHBOARD, NULL, NULL);
}
