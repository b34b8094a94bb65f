/*
 * metrics.c: counters, one latency histogram and the outbox gauges, shown
 * by GET /metrics in the Prometheus text exposition format (version 0.0.4:
 * "# HELP", "# TYPE", then one "name{label="value"} number" line per
 * series). Every metric is described once in metrics_defs; a metric keeps
 * a small array of label sets, bounded so that a stream of odd label values
 * cannot grow it without end. Callers are the event loop and the inbound
 * store thread (the core counts check-ins there): every series and the
 * histogram are under metrics_mu, held only while one is read or changed
 * (never across a store call: metrics_render reads the outbox gauges
 * after it lets go).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "base/log.h"
#include "store/store.h"
#include "core/metrics.h"

#define METRICS_SERIES_MAX	256	/* label sets kept per metric; later ones are dropped */
#define METRICS_LABEL_MAX	128	/* bytes of a label value kept */

static const struct metric_def {
	enum metric	 id;
	const char	*name;
	const char	*help;
	const char	*labels[2];	/* NULL where the metric has fewer */
	int		 gauge;		/* set, not added to */
} metrics_defs[] = {
	{ METRIC_INBOUND, "checkind_inbound_messages_total",
	  "Inbound messages by route and outcome.", { "route", "outcome" }, 0 },
	{ METRIC_CHECKINS, "checkind_checkins_total",
	  "Check-ins recorded, by inbound route.", { "route", NULL }, 0 },
	{ METRIC_DECLARATIONS, "checkind_declarations_total",
	  "Health declarations completed, by whether they were flagged.",
	  { "flagged", NULL }, 0 },
	{ METRIC_REPLIES, "checkind_replies_total",
	  "Reply texts given, by inbound route.", { "route", NULL }, 0 },
	{ METRIC_SENDS, "checkind_sends_total",
	  "Outbox send attempts by outbound route and outcome.", { "route", "outcome" }, 0 },
	{ METRIC_DLRS, "checkind_delivery_reports_total",
	  "Delivery reports by outbound route and whether they matched a message.",
	  { "route", "matched" }, 0 },
	{ METRIC_PURGED, "checkind_purged_rows_total",
	  "Personal rows deleted by retention.", { NULL, NULL }, 0 },
	{ METRIC_USSD_STEPS, "checkind_ussd_steps_total",
	  "USSD steps answered, by route and whether the step ended the session.",
	  { "route", "end" }, 0 },
	{ METRIC_ADMIN_REQUESTS, "checkind_admin_requests_total",
	  "Admin API requests by path and HTTP status.", { "path", "status" }, 0 },
	{ METRIC_CHANNEL_UP, "checkind_channel_up",
	  "1 while an SMPP bind is bound or a modem is ready, by route.", { "route", NULL },
	  1 },
	{ METRIC_CHANNEL_EVENTS, "checkind_channel_events_total",
	  "Connection events of SMPP binds and modems, by route and event.",
	  { "route", "event" }, 0 },
	{ METRIC_MODEM_SIGNAL, "checkind_modem_signal_dbm",
	  "A modem's signal strength from AT+CSQ, in dBm.", { "route", NULL }, 1 },
	{ METRIC_MULTIPART, "checkind_multipart_messages_total",
	  "Long messages by route and whether every part arrived in time.",
	  { "route", "outcome" }, 0 },
	{ METRIC_LIMITED, "checkind_unanswered_messages_total",
	  "Messages stored but not answered: a number over messages_per_minute "
	  "(rate_limited) or an auto-reply loop (loop_cut).", { "route", "reason" }, 0 },
	{ METRIC_LOOP_STALL_MAX, "checkind_loop_stall_max_seconds",
	  "The longest the event loop was late for its watch timer since start, in "
	  "seconds: how long one callback held it.", { NULL, NULL }, 1 },
	{ METRIC_LOOP_STALLS, "checkind_loop_stalls_total",
	  "Times the event loop was late by more than 20 ms.", { NULL, NULL }, 0 },
};

/* Upper bounds of the latency buckets, in seconds; +Inf follows. */
static const struct {
	double		 le;
	const char	*label;
} metrics_buckets[] = {
	{ 0.001, "0.001" }, { 0.0025, "0.0025" }, { 0.005, "0.005" },
	{ 0.01, "0.01" }, { 0.025, "0.025" }, { 0.05, "0.05" }, { 0.1, "0.1" },
	{ 0.25, "0.25" }, { 0.5, "0.5" }, { 1, "1" },
};

#define METRICS_HISTOGRAM	"checkind_inbound_seconds"
#define METRICS_HISTOGRAM_HELP	"Time to handle one inbound message, in seconds."

struct metric_series {
	char	*label[2];
	double	 value;
};

static struct {
	struct metric_series	*v;
	size_t			 n;
	size_t			 cap;
} metrics_series[METRIC_COUNT];

static struct {
	uint64_t	bucket[nitems(metrics_buckets)];	/* observations <= le, cumulative */
	uint64_t	count;
	double		sum;
} metrics_hist;

static pthread_mutex_t	metrics_mu = PTHREAD_MUTEX_INITIALIZER;

/* Gauges read from the store while rendering. */
struct metrics_depth {
	char	*route;
	int64_t	 queued;
	int64_t	 oldest;
};

struct metrics_depths {
	struct metrics_depth	*v;
	size_t			 n;
};

static const struct metric_def *
metrics_def(enum metric m)
{
	size_t	i;

	for (i = 0; i < nitems(metrics_defs); i++) {
		if (metrics_defs[i].id == m)
			return &metrics_defs[i];
	}
	return NULL;
}

static int
metrics_same(const char *a, const char *b)
{
	return strncmp(a, b, METRICS_LABEL_MAX) == 0;
}

/* The series of metric m with these labels, made if new; NULL when full. */
static struct metric_series *
metrics_find(enum metric m, const struct metric_def *def, const char *label1,
    const char *label2)
{
	struct metric_series	*s;
	const char		*want[2];
	size_t			 i, l;

	want[0] = label1 != NULL ? label1 : "";
	want[1] = label2 != NULL ? label2 : "";
	for (i = 0; i < metrics_series[m].n; i++) {
		s = &metrics_series[m].v[i];
		for (l = 0; l < 2; l++) {
			if (def->labels[l] != NULL && !metrics_same(s->label[l], want[l]))
				break;
		}
		if (l == 2)
			return s;
	}
	if (metrics_series[m].n == METRICS_SERIES_MAX)
		return NULL;
	if (metrics_series[m].n == metrics_series[m].cap) {
		metrics_series[m].cap = metrics_series[m].cap == 0 ? 8 :
		    metrics_series[m].cap * 2;
		metrics_series[m].v = xreallocarray(metrics_series[m].v,
		    metrics_series[m].cap, sizeof *metrics_series[m].v);
	}
	s = &metrics_series[m].v[metrics_series[m].n++];
	for (l = 0; l < 2; l++)
		s->label[l] = xstrndup(def->labels[l] != NULL ? want[l] : "",
		    METRICS_LABEL_MAX);
	s->value = 0;
	return s;
}

void
metrics_add(enum metric m, const char *label1, const char *label2, double n)
{
	const struct metric_def	*def;
	struct metric_series	*s;

	if ((def = metrics_def(m)) == NULL || def->gauge || !(n >= 0) || isinf(n))
		return;		/* counters only go up, by finite steps */
	pthread_mutex_lock(&metrics_mu);
	if ((s = metrics_find(m, def, label1, label2)) != NULL)
		s->value += n;
	pthread_mutex_unlock(&metrics_mu);
}

void
metrics_set(enum metric m, const char *label1, const char *label2, double v)
{
	const struct metric_def	*def;
	struct metric_series	*s;

	if ((def = metrics_def(m)) == NULL || !def->gauge)
		return;
	pthread_mutex_lock(&metrics_mu);
	if ((s = metrics_find(m, def, label1, label2)) != NULL)
		s->value = v;
	pthread_mutex_unlock(&metrics_mu);
}

void
metrics_latency(double seconds)
{
	size_t	i;

	if (!(seconds >= 0) || isinf(seconds))
		return;
	pthread_mutex_lock(&metrics_mu);
	for (i = 0; i < nitems(metrics_buckets); i++) {
		if (seconds <= metrics_buckets[i].le)
			metrics_hist.bucket[i]++;
	}
	metrics_hist.count++;
	metrics_hist.sum += seconds;
	pthread_mutex_unlock(&metrics_mu);
}

void
metrics_reset(void)
{
	size_t	m, i;

	pthread_mutex_lock(&metrics_mu);
	for (m = 0; m < METRIC_COUNT; m++) {
		for (i = 0; i < metrics_series[m].n; i++) {
			free(metrics_series[m].v[i].label[0]);
			free(metrics_series[m].v[i].label[1]);
		}
		free(metrics_series[m].v);
		memset(&metrics_series[m], 0, sizeof metrics_series[m]);
	}
	memset(&metrics_hist, 0, sizeof metrics_hist);
	pthread_mutex_unlock(&metrics_mu);
}

/*
 * A sample value: integers without a fraction, the rest in the fewest
 * digits (15 to 17) that read back as the same double, so 2.7245 does not
 * print as 2.7244999999999999.
 */
static void
metrics_value(FILE *f, double v)
{
	char	buf[40];
	int	prec;

	if (isnan(v))
		fputs("NaN", f);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", f);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(f, "%.0f", v);
	else {
		for (prec = 15; prec < 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, v);
			if (strtod(buf, NULL) == v)
				break;
		}
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		fputs(buf, f);
	}
}

/* A label value: backslash, double quote and line feed escaped (exposition format). */
static void
metrics_label(FILE *f, const char *name, const char *value)
{
	const char	*p;

	fprintf(f, "%s=\"", name);
	for (p = value; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void
metrics_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_counter(FILE *f, const struct metric_def *def)
{
	const struct metric_series	*s;
	size_t				 i, l;
	int				 any;

	metrics_head(f, def->name, def->gauge ? "gauge" : "counter", def->help);
	if (def->labels[0] == NULL && metrics_series[def->id].n == 0) {
		fprintf(f, "%s 0\n", def->name);
		return;
	}
	for (i = 0; i < metrics_series[def->id].n; i++) {
		s = &metrics_series[def->id].v[i];
		fputs(def->name, f);
		for (l = 0, any = 0; l < 2; l++) {
			if (def->labels[l] == NULL)
				continue;
			fputc(any++ ? ',' : '{', f);
			metrics_label(f, def->labels[l], s->label[l]);
		}
		fputs(any ? "} " : " ", f);
		metrics_value(f, s->value);
		fputc('\n', f);
	}
}

static void
metrics_histogram(FILE *f)
{
	size_t	i;

	metrics_head(f, METRICS_HISTOGRAM, "histogram", METRICS_HISTOGRAM_HELP);
	for (i = 0; i < nitems(metrics_buckets); i++) {
		fprintf(f, "%s_bucket{le=\"%s\"} %llu\n", METRICS_HISTOGRAM,
		    metrics_buckets[i].label, (unsigned long long)metrics_hist.bucket[i]);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", METRICS_HISTOGRAM,
	    (unsigned long long)metrics_hist.count);
	fprintf(f, "%s_sum ", METRICS_HISTOGRAM);
	metrics_value(f, metrics_hist.sum);
	fprintf(f, "\n%s_count %llu\n", METRICS_HISTOGRAM,
	    (unsigned long long)metrics_hist.count);
}

static int
metrics_depth_cb(const char *route, int64_t queued, int64_t oldest, void *arg)
{
	struct metrics_depths	*d = arg;

	if (d->n == METRICS_SERIES_MAX)
		return 1;
	d->v = xreallocarray(d->v, d->n + 1, sizeof *d->v);
	d->v[d->n].route = xstrndup(route != NULL ? route : "", METRICS_LABEL_MAX);
	d->v[d->n].queued = queued;
	d->v[d->n].oldest = oldest;
	d->n++;
	return 0;
}

/* The outbox gauges, one family after the other. */
static void
metrics_gauges(FILE *f, struct store *st)
{
	struct metrics_depths	 d = { NULL, 0 };
	int64_t			 now = time(NULL), age;
	size_t			 i;

	if (store_outbox_depth(st, metrics_depth_cb, &d) == -1)
		log_warnx("metrics: cannot read the outbox depth");
	metrics_head(f, "checkind_outbox_queued", "gauge",
	    "Messages queued in the outbox, by outbound route.");
	for (i = 0; i < d.n; i++) {
		fputs("checkind_outbox_queued{", f);
		metrics_label(f, "route", d.v[i].route);
		fprintf(f, "} %lld\n", (long long)d.v[i].queued);
	}
	metrics_head(f, "checkind_outbox_oldest_seconds", "gauge",
	    "Age of the oldest queued message, by outbound route (0 when none).");
	for (i = 0; i < d.n; i++) {
		age = d.v[i].queued > 0 && d.v[i].oldest > 0 && d.v[i].oldest < now ?
		    now - d.v[i].oldest : 0;
		fputs("checkind_outbox_oldest_seconds{", f);
		metrics_label(f, "route", d.v[i].route);
		fprintf(f, "} %lld\n", (long long)age);
		free(d.v[i].route);
	}
	free(d.v);
}

char *
metrics_render(struct store *st, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 n = 0, i;

	if ((f = open_memstream(&buf, &n)) == NULL)
		fatal("open_memstream");
	pthread_mutex_lock(&metrics_mu);
	for (i = 0; i < nitems(metrics_defs); i++)
		metrics_counter(f, &metrics_defs[i]);
	metrics_histogram(f);
	pthread_mutex_unlock(&metrics_mu);
	if (st != NULL)
		metrics_gauges(f, st);
	if (fclose(f) != 0)
		fatal("metrics: rendering");
	if (len != NULL)
		*len = n;
	return buf;
}
