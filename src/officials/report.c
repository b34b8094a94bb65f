/*
 * report.c: the ward figures and the inactive venues, rendered the same
 * way for the admin API and checkinctl.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "store/store.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/report.h"

static int
report_ward_row(const struct ward_row *w, void *arg)
{
	export_ward(arg, w);
	return 0;
}

static int
report_inactive_row(const struct venue *v, int64_t last_checkin, void *arg)
{
	export_inactive(arg, v, last_checkin);
	return 0;
}

int
report_wards(struct store *st, int64_t from, int64_t to, int format,
    struct export **out)
{
	struct export	*e;

	*out = NULL;
	e = export_new((enum export_format)format, EXPORT_WARDS);
	if (store_report_wards(st, from, to, report_ward_row, e) == -1) {
		free(export_finish(e, NULL));
		return -1;
	}
	*out = e;
	return 0;
}

enum trace_step
report_inactive(struct store *st, int64_t since, const char *actor,
    const char *query, int format, struct export **out)
{
	struct export	*e;
	int		 rc;

	e = export_new((enum export_format)format, EXPORT_INACTIVE);
	rc = store_report_inactive(st, since, report_inactive_row, e);
	return trace_audit(st, e, rc, "report.inactive", actor, NULL, query,
	    out);
}

/* Rows of the wards a scope sees (issue 18). */
struct report_scoped {
	const struct district_scope	*sc;
	struct export			*e;
};

static int
report_ward_scoped_row(const struct ward_row *w, void *arg)
{
	struct report_scoped	*r = arg;

	if (district_in_scope(r->sc, w->ward))
		export_ward(r->e, w);
	return 0;
}

static int
report_inactive_scoped_row(const struct venue *v, int64_t last_checkin,
    void *arg)
{
	struct report_scoped	*r = arg;

	if (district_in_scope(r->sc, v->ward))
		export_inactive(r->e, v, last_checkin);
	return 0;
}

int
report_wards_scoped(struct store *st, const struct district_scope *sc,
    int64_t from, int64_t to, int format, struct export **out)
{
	struct report_scoped	r;

	*out = NULL;
	r.sc = sc;
	r.e = export_new((enum export_format)format, EXPORT_WARDS);
	if (store_report_wards(st, from, to, report_ward_scoped_row, &r) == -1) {
		free(export_finish(r.e, NULL));
		return -1;
	}
	*out = r.e;
	return 0;
}

enum trace_step
report_inactive_scoped(struct store *st, const struct district_scope *sc,
    int64_t since, const char *actor, const char *query, int format,
    struct export **out)
{
	struct report_scoped	r;
	int			rc;

	r.sc = sc;
	r.e = export_new((enum export_format)format, EXPORT_INACTIVE);
	rc = store_report_inactive(st, since, report_inactive_scoped_row, &r);
	return trace_audit_scoped(st, r.e, rc, "report.inactive", actor, NULL,
	    query, sc, out);
}
