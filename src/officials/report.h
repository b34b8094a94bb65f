/*
 * report.h: the reports officials take away through the admin API or
 * checkinctl: figures per ward, and the venues gone quiet with their
 * owners' numbers (personal data, read with its audit row).
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>

#include "officials/trace.h"

struct store;
struct export;
struct district_scope;

/* Figures per ward over [from, to) into a new export of format; -1 on a storage error. */
int		 report_wards(struct store *, int64_t from, int64_t to, int format,
		    struct export **e);
/*
 * Venues with a code and no check-in since, into a new export of format,
 * and the audit row ("report.inactive") of actor and query, in the
 * caller's transaction if it holds one. Nothing is kept on failure.
 */
enum trace_step	 report_inactive(struct store *, int64_t since, const char *actor,
		    const char *query, int format, struct export **e);
/*
 * The rows alone into e (EXPORT_WARDS, EXPORT_INACTIVE), no audit row, of
 * the wards of a scope (officials/district.h; NULL: the district): 0 or -1.
 */
struct district_scope;
int		 report_wards_read(struct store *, const struct district_scope *,
		    int64_t from, int64_t to, struct export *e);
int		 report_inactive_read(struct store *, const struct district_scope *,
		    int64_t since, struct export *e);

#endif
