/*
 * trace.h: who was where, as officials ask it through the admin API or
 * checkinctl: a venue's visitors, a person's visits, a person's contacts.
 * A trace is personal data: it is read together with its audit row.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdint.h>

struct store;
struct export;
struct district_scope;

enum trace_by { TRACE_VENUE, TRACE_PERSON, TRACE_CONTACTS };

/* A trace asked for, and what its audit row says of the asking. */
struct trace_ask {
	enum trace_by	 by;
	int64_t		 venue_id;	/* TRACE_VENUE */
	const char	*number;	/* E.164: TRACE_PERSON, TRACE_CONTACTS */
	int64_t		 from;		/* the window, [from, to) */
	int64_t		 to;
	int		 stay;		/* seconds an open stay counts */
	const char	*actor;
	const char	*subject;	/* the venue's code or the number */
	const char	*query;		/* what was asked, as it was asked */
	const struct district_scope *scope;	/* the wards seen; NULL: the district */
};

/* Where an audited read stopped. */
enum trace_step { TRACE_OK, TRACE_EREAD, TRACE_EAUDIT, TRACE_ESCOPE /* another ward's venue */ };

/* The trace a name asks for ("venue", "person", "contacts"), or -1. */
int		 trace_by_name(const char *);
/*
 * 1 if the official may see the trace: a venue trace of a ward's official
 * must be of its wards (a trace of a number shows only the rows of its
 * wards); 0 not, -1 a storage error.
 */
int		 trace_seen(struct store *, const struct trace_ask *);
/* The rows of a trace (of its scope) into e (of trace_kind(by)), no audit row: 0 or -1. */
int		 trace_read(struct store *, const struct trace_ask *, struct export *e);
/* The export kind (an enum export_kind) of a trace's rows. */
int		 trace_kind(enum trace_by);
/* The audit row's action of a trace: "trace.venue", ... */
const char	*trace_action(enum trace_by);
/*
 * Read a trace into a new export of format (an enum export_format), then
 * write its audit row, in the caller's transaction if it holds one. On
 * TRACE_OK *e holds the rows; on failure nothing is kept.
 */
enum trace_step	 trace_run(struct store *, const struct trace_ask *, int format,
		    struct export **e);
/*
 * The end of any audited read into e, whose result was rc (-1 failed): the
 * audit row, then TRACE_OK and e in *out, or a failure and e freed.
 */
enum trace_step	 trace_audit(struct store *, struct export *e, int rc,
		    const char *action, const char *actor, const char *subject,
		    const char *query, struct export **out);

/* The same, the audit row recording the scope of the official (NULL: the district). */
enum trace_step	 trace_audit_scoped(struct store *, struct export *e, int rc,
		    const char *action, const char *actor, const char *subject,
		    const char *query, const struct district_scope *scope,
		    struct export **out);

#endif
