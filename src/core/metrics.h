/*
 * metrics.h: counters and a latency histogram for GET /metrics, in the
 * Prometheus text format. Updated from the event loop and the inbound store
 * thread (metrics.c serialises them).
 */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>

struct store;

/* The metrics; metrics.c describes each once (name, type, help). */
enum metric {
	METRIC_INBOUND,		/* labels: route, outcome (ok, duplicate, bad_request, refused, error) */
	METRIC_CHECKINS,	/* labels: route */
	METRIC_DECLARATIONS,	/* labels: flagged (0, 1) */
	METRIC_REPLIES,		/* labels: route */
	METRIC_SENDS,		/* labels: route, outcome (sent, retry, failed, expired) */
	METRIC_DLRS,		/* labels: route, matched (0, 1) */
	METRIC_PURGED,		/* rows deleted by retention */
	METRIC_USSD_STEPS,	/* labels: route, end (0, 1) */
	METRIC_ADMIN_REQUESTS,	/* labels: path, status */
	METRIC_CHANNEL_UP,	/* gauge; labels: route; 1 bound / modem ready, 0 not */
	METRIC_CHANNEL_EVENTS,	/* labels: route, event (connect, bind_failed, dropped, reset,
				   reopened, throttled, malformed, timeout, unknown_pdu, ...) */
	METRIC_MODEM_SIGNAL,	/* gauge; labels: route; AT+CSQ signal in dBm (NaN unknown) */
	METRIC_MULTIPART,	/* labels: route, outcome (complete, incomplete) */
	METRIC_LIMITED,		/* labels: route, reason (rate_limited, loop_cut) */
	METRIC_LOOP_STALL_MAX,	/* gauge; the longest the event loop was late, in seconds */
	METRIC_LOOP_STALLS,	/* loop wake-ups late by more than 20 ms */
	METRIC_COUNT
};

/* Add to a counter with up to two label values, in the order metrics.c names them. */
void	metrics_add(enum metric, const char *label1, const char *label2, double n);
/* Set a gauge (METRIC_CHANNEL_UP, METRIC_MODEM_SIGNAL). */
void	metrics_set(enum metric, const char *label1, const char *label2, double v);
/* One inbound message handled in this many seconds (histogram). */
void	metrics_latency(double seconds);
/*
 * The whole exposition: every counter, the histogram, and the gauges read
 * now from the store (outbox depth and oldest age by route). A new string.
 */
char	*metrics_render(struct store *, size_t *len);	/* NULL store: no gauges */

/* Forget every series and observation (tests; frees what metrics_add kept). */
void	metrics_reset(void);

#endif
