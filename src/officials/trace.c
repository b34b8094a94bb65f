/*
 * trace.c: the traces officials run, for the admin API and checkinctl
 * alike: what each reads, the rows it renders and the audit row it writes.
 * The caller parses the request and decides on the transaction: the admin
 * API reads and audits in one, checkinctl beside a running daemon does
 * not hold the write lock over a long read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/base.h"
#include "store/store.h"
#include "officials/export.h"
#include "officials/trace.h"

static const struct trace_kind {
	const char		*name;
	const char		*action;
	enum export_kind	 kind;
} trace_kinds[] = {
	[TRACE_VENUE] = { "venue", "trace.venue", EXPORT_TRACE_VENUE },
	[TRACE_PERSON] = { "person", "trace.person", EXPORT_TRACE_PERSON },
	[TRACE_CONTACTS] = { "contacts", "trace.contacts", EXPORT_TRACE_CONTACTS },
};

int
trace_by_name(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(trace_kinds); i++) {
		if (strcmp(trace_kinds[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

const char *
trace_action(enum trace_by by)
{
	return trace_kinds[by].action;
}

static int
trace_row(const struct trace_row *r, void *arg)
{
	export_trace(arg, r);
	return 0;
}

int
trace_kind(enum trace_by by)
{
	return (int)trace_kinds[by].kind;
}

int
trace_read(struct store *st, const struct trace_ask *ask, struct export *e)
{
	switch (ask->by) {
	case TRACE_VENUE:
		return store_trace_venue(st, ask->venue_id, ask->from, ask->to,
		    ask->stay, trace_row, e);
	case TRACE_PERSON:
		return store_trace_person(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, e);
	default:
		return store_trace_contacts(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, e);
	}
}

enum trace_step
trace_run(struct store *st, const struct trace_ask *ask, int format,
    struct export **out)
{
	struct export	*e;
	int		 rc;

	e = export_new((enum export_format)format, trace_kinds[ask->by].kind);
	switch (ask->by) {
	case TRACE_VENUE:
		rc = store_trace_venue(st, ask->venue_id, ask->from, ask->to,
		    ask->stay, trace_row, e);
		break;
	case TRACE_PERSON:
		rc = store_trace_person(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, e);
		break;
	default:
		rc = store_trace_contacts(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, e);
		break;
	}
	return trace_audit(st, e, rc, trace_kinds[ask->by].action, ask->actor,
	    ask->subject, ask->query, out);
}

enum trace_step
trace_audit(struct store *st, struct export *e, int rc, const char *action,
    const char *actor, const char *subject, const char *query,
    struct export **out)
{
	*out = NULL;
	if (rc == -1) {
		free(export_finish(e, NULL));
		return TRACE_EREAD;
	}
	if (store_audit_add(st, actor, action, subject, query,
	    (int64_t)export_rows(e), (int64_t)time(NULL)) == -1) {
		free(export_finish(e, NULL));
		return TRACE_EAUDIT;
	}
	*out = e;
	return TRACE_OK;
}
