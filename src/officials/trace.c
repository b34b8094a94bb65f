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
#include "officials/district.h"
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

/* Rows go to the export, those of venues outside the scope left out. */
struct trace_to {
	struct export			*e;
	const struct district_scope	*scope;
};

static int
trace_row(const struct trace_row *r, void *arg)
{
	struct trace_to	*to = arg;

	if (district_in_scope(to->scope, r->ward))
		export_trace(to->e, r);
	return 0;
}

int
trace_kind(enum trace_by by)
{
	return (int)trace_kinds[by].kind;
}

int
trace_seen(struct store *st, const struct trace_ask *ask)
{
	struct venue	v;
	int		r;

	if (ask->by != TRACE_VENUE || ask->scope == NULL || ask->scope->n == 0)
		return 1;
	if ((r = store_venue_by_id(st, ask->venue_id, &v)) != 1)
		return r;
	r = district_in_scope(ask->scope, v.ward);
	store_venue_free(&v);
	return r;
}

int
trace_read(struct store *st, const struct trace_ask *ask, struct export *e)
{
	struct trace_to	 to = { e, ask->scope };

	switch (ask->by) {
	case TRACE_VENUE:
		return store_trace_venue(st, ask->venue_id, ask->from, ask->to,
		    ask->stay, trace_row, &to);
	case TRACE_PERSON:
		return store_trace_person(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, &to);
	default:
		return store_trace_contacts(st, ask->number, ask->from, ask->to,
		    ask->stay, trace_row, &to);
	}
}

enum trace_step
trace_run(struct store *st, const struct trace_ask *ask, int format,
    struct export **out)
{
	struct export	*e;
	int		 rc;

	*out = NULL;
	if ((rc = trace_seen(st, ask)) != 1)
		return rc == 0 ? TRACE_ESCOPE : TRACE_EREAD;
	e = export_new((enum export_format)format, trace_kinds[ask->by].kind);
	rc = trace_read(st, ask, e);
	return trace_audit_scoped(st, e, rc, trace_kinds[ask->by].action,
	    ask->actor, ask->subject, ask->query, ask->scope, out);
}

enum trace_step
trace_audit(struct store *st, struct export *e, int rc, const char *action,
    const char *actor, const char *subject, const char *query,
    struct export **out)
{
	return trace_audit_scoped(st, e, rc, action, actor, subject, query, NULL,
	    out);
}

enum trace_step
trace_audit_scoped(struct store *st, struct export *e, int rc,
    const char *action, const char *actor, const char *subject,
    const char *query, const struct district_scope *scope, struct export **out)
{
	char	sc[DISTRICT_SCOPE_MAX];

	*out = NULL;
	if (rc == -1) {
		free(export_finish(e, NULL));
		return TRACE_EREAD;
	}
	district_scope_text(scope, sc, sizeof sc);
	if (store_audit_add_scoped(st, actor, action, subject, query,
	    scope != NULL && scope->n > 0 ? sc : NULL, (int64_t)export_rows(e),
	    (int64_t)time(NULL)) == -1) {
		free(export_finish(e, NULL));
		return TRACE_EAUDIT;
	}
	*out = e;
	return TRACE_OK;
}
