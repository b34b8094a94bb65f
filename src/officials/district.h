/*
 * district.h: the ward's own workflow as officials see it (issue 18), for
 * the admin API, the dashboard and checkinctl alike: the scope of a
 * ward's token, the district roll-up, inspections, registrations and
 * fraud flags, and the decisions on registrations.
 */
#ifndef DISTRICT_H
#define DISTRICT_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct store;
struct config;
struct export;
struct admin_token;
struct district_row;
struct inspection;

/* The wards an official sees; n == 0: the whole district. */
struct district_scope {
	char *const	*wards;
	size_t		 n;
};

#define DISTRICT_SCOPE_MAX	512	/* bytes of a scope as the audit row writes it */

/* A token's scope (NULL: checkinctl, the district's). */
void	district_scope_of(const struct admin_token *, struct district_scope *);
/* 1 if ward is one of the scope's (always for the district's). */
int	district_in_scope(const struct district_scope *, const char *ward);
/* "district", or the wards joined with "|", for the audit row. */
void	district_scope_text(const struct district_scope *, char *buf, size_t len);

/* Where a step of the workflow stopped. */
enum district_step {
	DISTRICT_OK,
	DISTRICT_ENOTFOUND,	/* no such venue or registration: 404 */
	DISTRICT_ESCOPE,	/* another ward's: 403 */
	DISTRICT_ESTATE,	/* not in a state that allows it: 409 */
	DISTRICT_ENOROUTE,	/* no outbound route for the owner's number */
	DISTRICT_ESTORE,	/* storage: 503 */
};

/*
 * The roll-up: one row per ward of the scope (the ward report's figures
 * and the lifecycle's), then a totals row (ward "TOTAL"), into a new
 * export of format. tot, if not NULL, gets the totals. -1 storage error.
 */
int	district_report(struct store *, const struct district_scope *, int64_t from,
	    int64_t to, int format, struct export **e, struct district_row *tot);

/* The same rows, for the dashboard: *rows (free with district_rows_free) and the totals. */
int	district_report_rows(struct store *, const struct district_scope *, int64_t from,
	    int64_t to, struct district_row **rows, size_t *n, struct district_row *tot);
void	district_rows_free(struct district_row *, size_t n);

/* Lists of one ward (NULL: all the scope's) into a new export; -1 storage error. */
int	district_inspections(struct store *, const struct district_scope *,
	    const char *ward, int64_t from, int64_t to, int format, struct export **e);
int	district_registrations(struct store *, const struct district_scope *,
	    const char *ward, const char *state, int format, struct export **e);
int	district_flags(struct store *, const struct district_scope *, const char *ward,
	    int64_t from, int64_t to, int format, struct export **e);
int	district_inspectors(struct store *, const struct district_scope *, int format,
	    struct export **e);

/* "compliant", "violation", "closed": 1 known. */
int	district_result_known(const char *);

/*
 * Record an inspection of the venue with code (in->venue_id and the rest
 * filled by the caller but for the venue), in the caller's transaction.
 */
enum district_step district_inspect(struct store *, const struct district_scope *,
	    const char *code, struct inspection *in);

/*
 * Approve a pending registration: a venue made with its owner's number,
 * the code texted to the owner through the outbox (in the owner's
 * language), in the caller's transaction. code gets the venue's code.
 */
enum district_step district_approve(struct store *, const struct config *,
	    const struct district_scope *, int64_t id, const char *decider,
	    char code[CODE_MAX]);
/* Reject it, the reason texted to the owner. */
enum district_step district_reject(struct store *, const struct config *,
	    const struct district_scope *, int64_t id, const char *reason,
	    const char *decider);

#endif
