/*
 * report.c: the ward figures and the inactive venues, rendered the same
 * way for the admin API and checkinctl; an official of some wards (a
 * scope, officials/district.h) sees the rows of those wards only.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "store/store.h"
#include "officials/district.h"
#include "officials/export.h"
#include "officials/report.h"

/* Rows go to the export, those of wards outside the scope left out. */
struct report_scoped {
	const struct district_scope	*sc;
	struct export			*e;
};

static int
report_ward_row(const struct ward_row *w, void *arg)
{
	struct report_scoped	*r = arg;

	if (district_in_scope(r->sc, w->ward))
		export_ward(r->e, w);
	return 0;
}

static int
report_inactive_row(const struct venue *v, int64_t last_checkin, void *arg)
{
	struct report_scoped	*r = arg;

	if (district_in_scope(r->sc, v->ward))
		export_inactive(r->e, v, last_checkin);
	return 0;
}

int
report_wards(struct store *st, int64_t from, int64_t to, int format,
    struct export **out)
{
	struct export	*e;

	*out = NULL;
	e = export_new((enum export_format)format, EXPORT_WARDS);
	if (report_wards_read(st, NULL, from, to, e) == -1) {
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
	rc = report_inactive_read(st, NULL, since, e);
	return trace_audit(st, e, rc, "report.inactive", actor, NULL, query,
	    out);
}

int
report_wards_read(struct store *st, const struct district_scope *sc,
    int64_t from, int64_t to, struct export *e)
{
	struct report_scoped	r = { sc, e };

	return store_report_wards(st, from, to, report_ward_row, &r);
}

int
report_inactive_read(struct store *st, const struct district_scope *sc,
    int64_t since, struct export *e)
{
	struct report_scoped	r = { sc, e };

	return store_report_inactive(st, since, report_inactive_row, &r);
}
