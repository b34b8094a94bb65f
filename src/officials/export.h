/*
 * export.h: what officials take away. Rows become CSV (UTF-8 with a BOM, so
 * spreadsheets keep Vietnamese names), JSON (an array of objects) or an
 * aligned text table for a terminal. The admin API and checkinctl render
 * the same rows through the same column sets.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct buf;
struct trace_row;
struct ward_row;
struct venue;

enum export_format { EXPORT_JSON, EXPORT_CSV, EXPORT_TEXT };

struct export_column {
	const char	*name;
	int		 numeric;	/* a JSON number rather than a string */
};

/* The rows of one kind of answer. */
enum export_kind {
	EXPORT_TRACE_VENUE,	/* number, companions, checked_in, checked_out, stay_end, ... */
	EXPORT_TRACE_PERSON,	/* code, venue, ward, address, checked_in, checked_out, ... */
	EXPORT_TRACE_CONTACTS,	/* number, code, venue, overlap_from, overlap_to, overlap_minutes, ... */
	EXPORT_WARDS,		/* ward, venues, venues_used, share, checkins, visitors, flagged */
	EXPORT_INACTIVE,	/* code, venue, address, ward, kind, owner, last_checkin */
	EXPORT_VENUES,		/* code, name, address, ward, district, kind, owner, active */
	EXPORT_DISTRICT,	/* ward, listed, with_code, committed, ... (struct district_row) */
	EXPORT_INSPECTIONS,	/* id, code, venue, ward, at, inspector, result, note, fine, channel */
	EXPORT_REGISTRATIONS,	/* id, number, name, address, ward, state, reason, ... */
	EXPORT_FLAGS,		/* at, code, venue, ward, prev_code, prev_venue, ... */
	EXPORT_INSPECTORS,	/* number, name, ward, created_at */
};

/* One ward of the district roll-up (issue 18); the last row is the totals. */
struct district_row {
	const char	*ward;
	int64_t		 listed;	/* businesses known, with a code or not */
	int64_t		 with_code;
	int64_t		 committed;
	int64_t		 with_checkins;	/* venues with a check-in in the period */
	int64_t		 checkins;
	int64_t		 visitors;	/* distinct per ward; summed in the totals */
	int64_t		 declarations_flagged;
	int64_t		 inspected;
	int64_t		 violations;
	int64_t		 fraud_flags;
};

struct export;

/* "json", "csv", "text" -> format, or -1. */
int		 export_format_parse(const char *);
struct export	*export_new(enum export_format, enum export_kind);
void		 export_trace(struct export *, const struct trace_row *);
void		 export_ward(struct export *, const struct ward_row *);
void		 export_inactive(struct export *, const struct venue *, int64_t last_checkin);
void		 export_venue(struct export *, const struct venue *);
/* A row of the kinds added for the ward's workflow, of their struct (above, store.h). */
void		 export_add(struct export *, enum export_kind, const void *row);
size_t		 export_rows(const struct export *);
/* The whole document (NUL-terminated; *len without the NUL); frees e. */
char		*export_finish(struct export *, size_t *len);
/*
 * An export whose rows are written to out as they come (JSON and CSV; a
 * text table is written at the end), so that a long answer never sits in
 * memory. export_spool_end writes the end, flushes, frees e: 0 and the
 * bytes written in *len, or -1 if a write failed.
 */
struct export	*export_new_spool(enum export_format, enum export_kind, FILE *out);
int		 export_spool_end(struct export *, size_t *len);
/* The i-th column of a kind (the CSV header and JSON member names), or NULL past the last. */
const struct export_column *export_column(enum export_kind, size_t i);
/*
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF;
 * an apostrophe first when it starts with =, +, -, @, TAB or CR, so that a
 * spreadsheet shows it as text and never runs it as a formula.
 */
void		 export_csv_field(struct buf *, const char *);
/* The MIME type of a format ("text/csv; charset=UTF-8", "application/json", "text/plain"). */
const char	*export_content_type(enum export_format);

#endif
