/*
 * export.c: rows for officials as CSV, JSON or an aligned text table. Each
 * kind of answer is one table of fields (a column name, where its value is
 * in the source struct and what type it is); a row becomes typed cells, and
 * export_finish renders all of them at once (a text table needs every width
 * before the first line).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unistr.h>
#include <uniwidth.h>

#include "base/base.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/tz.h"
#include "codec/text.h"
#include "store/store.h"
#include "officials/export.h"

#define EXPORT_BOM	"\xef\xbb\xbf"	/* U+FEFF: spreadsheets then read the CSV as UTF-8 */
#define EXPORT_TIME_MAX	40
#define EXPORT_GAP	2		/* spaces between two text columns */
#define EXPORT_FORMULA	"=+-@\t\r"	/* first characters a spreadsheet may compute */

/* Where a field's value comes from, and so how it is typed. */
enum export_src {
	EXPORT_CHARS,		/* a char array in the row: a string */
	EXPORT_STR,		/* a char pointer in the row: a string, or null */
	EXPORT_INT,		/* an int: a number */
	EXPORT_I64,		/* an int64_t: a number */
	EXPORT_TIME,		/* an int64_t of UTC seconds: ISO 8601, or null for 0 */
	EXPORT_BOOL,		/* an int: true or false */
	EXPORT_SHARE,		/* a ward row's venues_used / venues, percent, one decimal */
	EXPORT_OVERLAP,		/* a contact's overlap in whole minutes, rounded up */
	EXPORT_LAST,		/* the inactive list's last check-in (not in struct venue) */
	EXPORT_FINE,		/* an int64_t, null when negative (no fine) */
};

struct export_field {
	struct export_column	 col;
	enum export_src		 src;
	size_t			 off;
};

#define F_TRACE(name, num, src, member) \
	{ { name, num }, src, offsetof(struct trace_row, member) }
#define F_VENUE(name, num, src, member) \
	{ { name, num }, src, offsetof(struct venue, member) }
#define F_WARD(name, num, src, member) \
	{ { name, num }, src, offsetof(struct ward_row, member) }

static const struct export_field export_trace_venue[] = {
	F_TRACE("number", 0, EXPORT_CHARS, number),
	F_TRACE("companions", 1, EXPORT_INT, companions),
	F_TRACE("checked_in", 0, EXPORT_TIME, sent_at),
	F_TRACE("checked_out", 0, EXPORT_TIME, checked_out_at),
	F_TRACE("stay_end", 0, EXPORT_TIME, stay_end),
	F_TRACE("received", 0, EXPORT_TIME, received_at),
	F_TRACE("code", 0, EXPORT_CHARS, code),
	F_TRACE("venue", 0, EXPORT_STR, venue_name),
};

static const struct export_field export_trace_person[] = {
	F_TRACE("code", 0, EXPORT_CHARS, code),
	F_TRACE("venue", 0, EXPORT_STR, venue_name),
	F_TRACE("ward", 0, EXPORT_STR, ward),
	F_TRACE("address", 0, EXPORT_STR, address),
	F_TRACE("checked_in", 0, EXPORT_TIME, sent_at),
	F_TRACE("checked_out", 0, EXPORT_TIME, checked_out_at),
	F_TRACE("stay_end", 0, EXPORT_TIME, stay_end),
	F_TRACE("companions", 1, EXPORT_INT, companions),
	F_TRACE("received", 0, EXPORT_TIME, received_at),
};

static const struct export_field export_trace_contacts[] = {
	F_TRACE("number", 0, EXPORT_CHARS, number),
	F_TRACE("code", 0, EXPORT_CHARS, code),
	F_TRACE("venue", 0, EXPORT_STR, venue_name),
	F_TRACE("overlap_from", 0, EXPORT_TIME, overlap_from),
	F_TRACE("overlap_to", 0, EXPORT_TIME, overlap_to),
	F_TRACE("overlap_minutes", 1, EXPORT_OVERLAP, overlap_from),
	F_TRACE("contact_of", 0, EXPORT_CHARS, contact_of),
	F_TRACE("companions", 1, EXPORT_INT, companions),
	F_TRACE("checked_in", 0, EXPORT_TIME, sent_at),
	F_TRACE("checked_out", 0, EXPORT_TIME, checked_out_at),
	F_TRACE("stay_end", 0, EXPORT_TIME, stay_end),
	F_TRACE("ward", 0, EXPORT_STR, ward),
	F_TRACE("address", 0, EXPORT_STR, address),
};

static const struct export_field export_wards[] = {
	F_WARD("ward", 0, EXPORT_STR, ward),
	F_WARD("venues", 1, EXPORT_I64, venues),
	F_WARD("venues_used", 1, EXPORT_I64, venues_used),
	F_WARD("share", 1, EXPORT_SHARE, venues),
	F_WARD("checkins", 1, EXPORT_I64, checkins),
	F_WARD("visitors", 1, EXPORT_I64, visitors),
	F_WARD("flagged", 1, EXPORT_I64, flagged),
};

static const struct export_field export_inactive_fields[] = {
	F_VENUE("code", 0, EXPORT_CHARS, code),
	F_VENUE("venue", 0, EXPORT_STR, name),
	F_VENUE("address", 0, EXPORT_STR, address),
	F_VENUE("ward", 0, EXPORT_STR, ward),
	F_VENUE("kind", 0, EXPORT_STR, kind),
	F_VENUE("owner", 0, EXPORT_STR, owner),
	F_VENUE("last_checkin", 0, EXPORT_LAST, created_at),
};

static const struct export_field export_venues[] = {
	F_VENUE("code", 0, EXPORT_CHARS, code),
	F_VENUE("name", 0, EXPORT_STR, name),
	F_VENUE("address", 0, EXPORT_STR, address),
	F_VENUE("ward", 0, EXPORT_STR, ward),
	F_VENUE("district", 0, EXPORT_STR, district),
	F_VENUE("kind", 0, EXPORT_STR, kind),
	F_VENUE("owner", 0, EXPORT_STR, owner),
	F_VENUE("active", 0, EXPORT_BOOL, active),
	F_VENUE("created_at", 0, EXPORT_TIME, created_at),
};

#define F_OF(type, name, num, src, member) \
	{ { name, num }, src, offsetof(type, member) }

static const struct export_field export_district[] = {
	F_OF(struct district_row, "ward", 0, EXPORT_STR, ward),
	F_OF(struct district_row, "listed", 1, EXPORT_I64, listed),
	F_OF(struct district_row, "with_code", 1, EXPORT_I64, with_code),
	F_OF(struct district_row, "committed", 1, EXPORT_I64, committed),
	F_OF(struct district_row, "with_checkins", 1, EXPORT_I64, with_checkins),
	F_OF(struct district_row, "checkins", 1, EXPORT_I64, checkins),
	F_OF(struct district_row, "visitors", 1, EXPORT_I64, visitors),
	F_OF(struct district_row, "declarations_flagged", 1, EXPORT_I64,
	    declarations_flagged),
	F_OF(struct district_row, "inspected", 1, EXPORT_I64, inspected),
	F_OF(struct district_row, "violations", 1, EXPORT_I64, violations),
	F_OF(struct district_row, "fraud_flags", 1, EXPORT_I64, fraud_flags),
};

static const struct export_field export_inspections[] = {
	F_OF(struct inspection, "id", 1, EXPORT_I64, id),
	F_OF(struct inspection, "code", 0, EXPORT_CHARS, code),
	F_OF(struct inspection, "venue", 0, EXPORT_CHARS, venue),
	F_OF(struct inspection, "ward", 0, EXPORT_CHARS, ward),
	F_OF(struct inspection, "at", 0, EXPORT_TIME, at),
	F_OF(struct inspection, "inspector", 0, EXPORT_CHARS, inspector),
	F_OF(struct inspection, "result", 0, EXPORT_CHARS, result),
	F_OF(struct inspection, "note", 0, EXPORT_CHARS, note),
	F_OF(struct inspection, "fine", 1, EXPORT_FINE, fine),
	F_OF(struct inspection, "channel", 0, EXPORT_CHARS, channel),
};

static const struct export_field export_registrations[] = {
	F_OF(struct registration, "id", 1, EXPORT_I64, id),
	F_OF(struct registration, "number", 0, EXPORT_CHARS, number),
	F_OF(struct registration, "name", 0, EXPORT_CHARS, name),
	F_OF(struct registration, "address", 0, EXPORT_CHARS, address),
	F_OF(struct registration, "ward", 0, EXPORT_CHARS, ward),
	F_OF(struct registration, "state", 0, EXPORT_CHARS, state),
	F_OF(struct registration, "reason", 0, EXPORT_CHARS, reason),
	F_OF(struct registration, "created_at", 0, EXPORT_TIME, created_at),
	F_OF(struct registration, "decided_at", 0, EXPORT_TIME, decided_at),
	F_OF(struct registration, "decided_by", 0, EXPORT_CHARS, decided_by),
};

static const struct export_field export_flags[] = {
	F_OF(struct flag_row, "at", 0, EXPORT_TIME, at),
	F_OF(struct flag_row, "code", 0, EXPORT_CHARS, code),
	F_OF(struct flag_row, "venue", 0, EXPORT_CHARS, venue),
	F_OF(struct flag_row, "ward", 0, EXPORT_CHARS, ward),
	F_OF(struct flag_row, "prev_code", 0, EXPORT_CHARS, prev_code),
	F_OF(struct flag_row, "prev_venue", 0, EXPORT_CHARS, prev_venue),
	F_OF(struct flag_row, "prev_ward", 0, EXPORT_CHARS, prev_ward),
	F_OF(struct flag_row, "distance_m", 1, EXPORT_I64, distance_m),
	F_OF(struct flag_row, "seconds", 1, EXPORT_I64, seconds),
};

static const struct export_field export_inspectors[] = {
	F_OF(struct inspector, "number", 0, EXPORT_CHARS, number),
	F_OF(struct inspector, "name", 0, EXPORT_CHARS, name),
	F_OF(struct inspector, "ward", 0, EXPORT_CHARS, ward),
	F_OF(struct inspector, "created_at", 0, EXPORT_TIME, created_at),
};

/* The column set of each kind, and which export_* call feeds it. */
static const struct export_set {
	enum export_kind		 kind;
	const struct export_field	*fields;
	size_t				 nfields;
	enum { FEED_TRACE, FEED_WARD, FEED_INACTIVE, FEED_VENUE, FEED_ADD } feed;
} export_sets[] = {
	{ EXPORT_TRACE_VENUE, export_trace_venue, nitems(export_trace_venue), FEED_TRACE },
	{ EXPORT_TRACE_PERSON, export_trace_person, nitems(export_trace_person), FEED_TRACE },
	{ EXPORT_TRACE_CONTACTS, export_trace_contacts, nitems(export_trace_contacts),
	  FEED_TRACE },
	{ EXPORT_WARDS, export_wards, nitems(export_wards), FEED_WARD },
	{ EXPORT_INACTIVE, export_inactive_fields, nitems(export_inactive_fields),
	  FEED_INACTIVE },
	{ EXPORT_VENUES, export_venues, nitems(export_venues), FEED_VENUE },
	{ EXPORT_DISTRICT, export_district, nitems(export_district), FEED_ADD },
	{ EXPORT_INSPECTIONS, export_inspections, nitems(export_inspections),
	  FEED_ADD },
	{ EXPORT_REGISTRATIONS, export_registrations,
	  nitems(export_registrations), FEED_ADD },
	{ EXPORT_FLAGS, export_flags, nitems(export_flags), FEED_ADD },
	{ EXPORT_INSPECTORS, export_inspectors, nitems(export_inspectors),
	  FEED_ADD },
};

static const struct {
	const char		*name;
	enum export_format	 format;
	const char		*content_type;
} export_formats[] = {
	{ "json", EXPORT_JSON, "application/json" },
	{ "csv", EXPORT_CSV, "text/csv; charset=UTF-8" },
	{ "text", EXPORT_TEXT, "text/plain; charset=UTF-8" },
};

/* One value: s is its text (NULL for a JSON null), n its number. */
struct export_cell {
	char	*s;
	int64_t	 n;
};

struct export {
	enum export_format	 format;
	const struct export_set	*set;
	struct export_cell	*cells;		/* nrows rows of set->nfields cells */
	size_t			 nrows;
	size_t			 caprows;
	FILE			*out;		/* spooled: rows written as they come */
	size_t			 spooled;	/* rows written to out */
	size_t			 written;	/* bytes written to out */
	int			 failed;	/* a write to out failed */
};

/*
 * A copy of s that is valid UTF-8 (an invalid sequence becomes U+FFFD);
 * with controls set, control characters (C0, DEL, C1) become spaces so a
 * text table stays one line per row, and invisible formatting characters
 * (a U+202E stored before venues refused them) are dropped so a row reads
 * the way it is laid out.
 */
static char *
export_clean(const char *s, int controls)
{
	const uint8_t	*p = (const uint8_t *)s, *end = p + strlen(s);
	struct buf b = { NULL, 0, 0 };
	ucs4_t		 uc;
	int		 n;
	char		*visible;

	buf_add(&b, "", 0);
	while (p < end) {
		n = u8_mbtouc(&uc, p, end - p);
		if (uc == 0xfffd && (n != 3 || memcmp(p, "\xef\xbf\xbd", 3) != 0))
			buf_str(&b, "\xef\xbf\xbd");
		else if (controls && (uc < 0x20 || (uc >= 0x7f && uc < 0xa0)))
			buf_add(&b, " ", 1);
		else
			buf_add(&b, (const char *)p, n);
		p += n;
	}
	if (controls) {
		visible = text_strip_invisible(b.p);
		free(b.p);
		return visible;
	}
	return b.p;
}

int
export_format_parse(const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && i < nitems(export_formats); i++) {
		if (strcmp(export_formats[i].name, s) == 0)
			return export_formats[i].format;
	}
	return -1;
}

const char *
export_content_type(enum export_format f)
{
	size_t	i;

	for (i = 0; i < nitems(export_formats); i++) {
		if (export_formats[i].format == f)
			return export_formats[i].content_type;
	}
	return "application/octet-stream";
}

static const struct export_set *
export_set_find(enum export_kind kind)
{
	size_t	i;

	for (i = 0; i < nitems(export_sets); i++) {
		if (export_sets[i].kind == kind)
			return &export_sets[i];
	}
	fatalx("export: unknown kind %d", (int)kind);
}

const struct export_column *
export_column(enum export_kind kind, size_t i)
{
	const struct export_set	*set = export_set_find(kind);

	if (i >= set->nfields)
		return NULL;
	return &set->fields[i].col;
}

struct export *
export_new(enum export_format format, enum export_kind kind)
{
	struct export	*e;

	e = xcalloc(1, sizeof *e);
	e->format = format;
	e->set = export_set_find(kind);
	return e;
}

size_t
export_rows(const struct export *e)
{
	return e->nrows + e->spooled;
}

/* Percent of venues used, in tenths, rounded half up; 0 with no venues. */
static int64_t
export_share(const struct ward_row *w)
{
	if (w->venues <= 0 || w->venues_used <= 0)
		return 0;
	return (w->venues_used * 1000 + w->venues / 2) / w->venues;
}

/* Whole minutes of a contact's overlap, rounded up. */
static int64_t
export_overlap(const struct trace_row *t)
{
	int64_t	d = t->overlap_to - t->overlap_from;

	return d <= 0 ? 0 : (d + 59) / 60;
}

static void
export_time_cell(struct export_cell *c, int64_t t)
{
	char	buf[EXPORT_TIME_MAX];

	c->n = t;
	if (t == 0)
		return;
	tz_format_iso(t, buf, sizeof buf);
	c->s = xstrdup(buf);
}

/* One field of a row as a cell. */
static void
export_cell_make(const struct export_field *f, const void *row, int64_t extra,
    struct export_cell *c)
{
	const char	*base = row, *s;

	memset(c, 0, sizeof *c);
	switch (f->src) {
	case EXPORT_CHARS:
		c->s = export_clean(base + f->off, 0);
		break;
	case EXPORT_STR:
		memcpy(&s, base + f->off, sizeof s);
		if (s != NULL)
			c->s = export_clean(s, 0);
		break;
	case EXPORT_INT:
	case EXPORT_BOOL: {
		int	v;

		memcpy(&v, base + f->off, sizeof v);
		c->n = f->src == EXPORT_BOOL ? v != 0 : v;
		xasprintf(&c->s, "%lld", (long long)c->n);
		break;
	}
	case EXPORT_I64:
		memcpy(&c->n, base + f->off, sizeof c->n);
		xasprintf(&c->s, "%lld", (long long)c->n);
		break;
	case EXPORT_TIME: {
		int64_t	t;

		memcpy(&t, base + f->off, sizeof t);
		export_time_cell(c, t);
		break;
	}
	case EXPORT_LAST:
		export_time_cell(c, extra);
		break;
	case EXPORT_FINE:
		memcpy(&c->n, base + f->off, sizeof c->n);
		if (c->n >= 0)
			xasprintf(&c->s, "%lld", (long long)c->n);
		break;
	case EXPORT_SHARE:
		c->n = export_share(row);
		xasprintf(&c->s, "%lld.%lld", (long long)(c->n / 10),
		    (long long)(c->n % 10));
		break;
	case EXPORT_OVERLAP:
		c->n = export_overlap(row);
		xasprintf(&c->s, "%lld", (long long)c->n);
		break;
	}
}

static void	 export_csv_line(const struct export_set *,
		    const struct export_cell *, struct buf *);
static void	 export_csv_head(const struct export_set *, struct buf *);
static json_t	*export_json_object(const struct export_set *,
		    const struct export_cell *);

/* Write b to a spooled export's file, and empty b. */
static void
export_spool_put(struct export *e, struct buf *b)
{
	if (b->len > 0 && !e->failed && fwrite(b->p, 1, b->len, e->out) != b->len)
		e->failed = 1;
	e->written += b->len;
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* The row just made, written and forgotten: memory stays one row's. */
static void
export_spool_row(struct export *e)
{
	const struct export_set	*set = e->set;
	struct buf		 b = { NULL, 0, 0 };
	json_t			*obj;
	char			*s;
	size_t			 i;

	if (e->format == EXPORT_CSV)
		export_csv_line(set, e->cells, &b);
	else {
		obj = export_json_object(set, e->cells);
		if ((s = json_dumps(obj, JSON_REAL_PRECISION(15))) == NULL)
			fatalx("json_dumps failed");
		json_decref(obj);
		/* As json_dumps writes an array: "[" first, ", " between. */
		buf_str(&b, e->spooled == 0 ? "[" : ", ");
		buf_str(&b, s);
		free(s);
	}
	export_spool_put(e, &b);
	for (i = 0; i < set->nfields; i++)
		free(e->cells[i].s);
	e->nrows = 0;
	e->spooled++;
}

/* Append one row from a source struct the kind's fields describe. */
static void
export_row(struct export *e, int feed, const void *row, int64_t extra)
{
	const struct export_set	*set = e->set;
	struct export_cell	*c;
	size_t			 i;

	if ((int)set->feed != feed)
		fatalx("export: wrong row for kind %d", (int)set->kind);
	if (e->nrows == e->caprows) {
		e->caprows = e->caprows == 0 ? 64 : e->caprows * 2;
		e->cells = xreallocarray(e->cells, e->caprows * set->nfields,
		    sizeof *e->cells);
	}
	c = e->cells + e->nrows * set->nfields;
	for (i = 0; i < set->nfields; i++)
		export_cell_make(&set->fields[i], row, extra, &c[i]);
	e->nrows++;
	if (e->out != NULL && e->format != EXPORT_TEXT)
		export_spool_row(e);
}

void
export_trace(struct export *e, const struct trace_row *t)
{
	export_row(e, FEED_TRACE, t, 0);
}

void
export_ward(struct export *e, const struct ward_row *w)
{
	export_row(e, FEED_WARD, w, 0);
}

void
export_inactive(struct export *e, const struct venue *v, int64_t last_checkin)
{
	export_row(e, FEED_INACTIVE, v, last_checkin);
}

void
export_venue(struct export *e, const struct venue *v)
{
	export_row(e, FEED_VENUE, v, 0);
}

void
export_add(struct export *e, enum export_kind kind, const void *row)
{
	if (e->set->kind != kind)
		fatalx("export: a row of kind %d for kind %d", (int)kind,
		    (int)e->set->kind);
	export_row(e, FEED_ADD, row, 0);
}

/*
 * A CSV field, quoted when it holds a comma, a quote, CR or LF (RFC 4180
 * 2.6, 2.7). A field a spreadsheet would take for a formula, one starting
 * with =, +, - or @, or with TAB or CR (which some skip before looking), gets
 * an apostrophe first (OWASP "CSV Injection"): the cell then holds the text
 * as written, apostrophe shown, never a formula run or a number computed. A
 * phone number +84912345678 so stays readable as '+84912345678 and does not
 * become 84912345678. Numeric columns are counts, never negative, and times
 * start with a digit: neither is touched.
 */
void
export_csv_field(struct buf *b, const char *s)
{
	int	quote = s[strcspn(s, ",\"\r\n")] != '\0';

	if (quote)
		buf_add(b, "\"", 1);
	if (s[0] != '\0' && strchr(EXPORT_FORMULA, s[0]) != NULL)
		buf_add(b, "'", 1);
	if (!quote)
		buf_str(b, s);
	else {
		for (; *s != '\0'; s++) {
			if (*s == '"')
				buf_add(b, "\"", 1);
			buf_add(b, s, 1);
		}
		buf_add(b, "\"", 1);
	}
}

/* The BOM and the header record. */
static void
export_csv_head(const struct export_set *set, struct buf *b)
{
	size_t	i;

	buf_str(b, EXPORT_BOM);
	for (i = 0; i < set->nfields; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		export_csv_field(b, set->fields[i].col.name);
	}
	buf_add(b, "\r\n", 2);
}

/* One record of cells c. */
static void
export_csv_line(const struct export_set *set, const struct export_cell *c,
    struct buf *b)
{
	size_t	i;

	for (i = 0; i < set->nfields; i++) {
		if (i > 0)
			buf_add(b, ",", 1);
		export_csv_field(b, c[i].s != NULL ? c[i].s : "");
	}
	buf_add(b, "\r\n", 2);
}

/* RFC 4180 with a BOM first and CRLF after every record, the header included. */
static char *
export_csv(struct export *e, size_t *len)
{
	const struct export_set	*set = e->set;
	struct buf	 b = { NULL, 0, 0 };
	size_t			 r;

	export_csv_head(set, &b);
	for (r = 0; r < e->nrows; r++)
		export_csv_line(set, e->cells + r * set->nfields, &b);
	*len = b.len;
	return b.p;
}

static json_t *
export_json_value(const struct export_field *f, const struct export_cell *c)
{
	switch (f->src) {
	case EXPORT_INT:
	case EXPORT_I64:
	case EXPORT_OVERLAP:
		return json_integer(c->n);
	case EXPORT_BOOL:
		return json_boolean(c->n);
	case EXPORT_SHARE:
		return json_real((double)c->n / 10.0);
	case EXPORT_FINE:
		return c->s != NULL ? json_integer(c->n) : json_null();
	default:
		return c->s != NULL ? json_string(c->s) : json_null();
	}
}

/* One row as an object, members in column order. */
static json_t *
export_json_object(const struct export_set *set, const struct export_cell *c)
{
	json_t	*obj, *v;
	size_t	 i;

	if ((obj = json_object()) == NULL)
		fatalx("json_object failed");
	for (i = 0; i < set->nfields; i++) {
		if ((v = export_json_value(&set->fields[i], &c[i])) == NULL)
			fatalx("export: json value failed");
		if (json_object_set_new(obj, set->fields[i].col.name, v) == -1)
			fatalx("json_object_set_new failed");
	}
	return obj;
}

/* An array of objects, members in column order. */
static char *
export_json(struct export *e, size_t *len)
{
	const struct export_set	*set = e->set;
	json_t			*arr, *obj;
	char			*s, *out;
	size_t			 r;

	if ((arr = json_array()) == NULL)
		fatalx("json_array failed");
	for (r = 0; r < e->nrows; r++) {
		obj = export_json_object(set, e->cells + r * set->nfields);
		if (json_array_append_new(arr, obj) == -1)
			fatalx("json_array_append_new failed");
	}
	/* 15 significant digits print a share of 33.3 as 33.3, not 33.299999999999997. */
	if ((s = json_dumps(arr, JSON_REAL_PRECISION(15))) == NULL)
		fatalx("json_dumps failed");
	json_decref(arr);
	*len = (size_t)xasprintf(&out, "%s\n", s);
	free(s);
	return out;
}

/* Display columns of a cleaned string: a Vietnamese "ễ" is one, a CJK ideograph two. */
static size_t
export_width(const char *s)
{
	return (size_t)u8_width((const uint8_t *)s, strlen(s), "UTF-8");
}

/* One padded text cell: numbers to the right, the rest to the left. */
static void
export_text_cell(struct buf *b, const char *s, size_t width, int right, int last)
{
	size_t	w = export_width(s), pad = w < width ? width - w : 0;

	if (right)
		buf_pad(b, pad);
	buf_str(b, s);
	if (!right)
		buf_pad(b, pad);
	if (!last)
		buf_pad(b, EXPORT_GAP);
}

/*
 * A table for a terminal: a header, a line of dashes, a row per line, every
 * column as wide (in display columns, not bytes) as its widest cell, so all
 * lines have the same width.
 */
static char *
export_text(struct export *e, size_t *len)
{
	const struct export_set	*set = e->set;
	struct buf	 b = { NULL, 0, 0 };
	char			**txt;
	size_t			*width, n = e->nrows * set->nfields, r, i, w;
	int			 last;

	width = xcalloc(set->nfields, sizeof *width);
	txt = n > 0 ? xcalloc(n, sizeof *txt) : NULL;
	for (i = 0; i < set->nfields; i++)
		width[i] = export_width(set->fields[i].col.name);
	for (r = 0; r < n; r++) {
		txt[r] = export_clean(e->cells[r].s != NULL ? e->cells[r].s : "", 1);
		if ((w = export_width(txt[r])) > width[r % set->nfields])
			width[r % set->nfields] = w;
	}
	buf_add(&b, "", 0);
	for (i = 0; i < set->nfields; i++) {
		last = i + 1 == set->nfields;
		export_text_cell(&b, set->fields[i].col.name, width[i],
		    set->fields[i].col.numeric, last);
	}
	buf_add(&b, "\n", 1);
	for (i = 0; i < set->nfields; i++) {
		for (w = 0; w < width[i]; w++)
			buf_add(&b, "-", 1);
		if (i + 1 < set->nfields)
			buf_pad(&b, EXPORT_GAP);
	}
	buf_add(&b, "\n", 1);
	for (r = 0; r < n; r++) {
		i = r % set->nfields;
		last = i + 1 == set->nfields;
		export_text_cell(&b, txt[r], width[i], set->fields[i].col.numeric, last);
		if (last)
			buf_add(&b, "\n", 1);
		free(txt[r]);
	}
	free(txt);
	free(width);
	*len = b.len;
	return b.p;
}

static const struct {
	enum export_format	 format;
	char			*(*render)(struct export *, size_t *);
} export_renderers[] = {
	{ EXPORT_JSON, export_json },
	{ EXPORT_CSV, export_csv },
	{ EXPORT_TEXT, export_text },
};

char *
export_finish(struct export *e, size_t *len)
{
	char	*out = NULL;
	size_t	 i, n, dummy;

	if (len == NULL)
		len = &dummy;
	*len = 0;
	for (i = 0; i < nitems(export_renderers); i++) {
		if (export_renderers[i].format == e->format)
			out = export_renderers[i].render(e, len);
	}
	if (out == NULL)
		fatalx("export: unknown format %d", (int)e->format);
	n = e->nrows * e->set->nfields;
	for (i = 0; i < n; i++)
		free(e->cells[i].s);
	free(e->cells);
	free(e);
	return out;
}

/*
 * An export whose rows are written to out as they come (JSON and CSV; a
 * text table needs every width first and is written at the end), so a
 * long answer never sits in memory.
 */
struct export *
export_new_spool(enum export_format format, enum export_kind kind, FILE *out)
{
	struct export	*e = export_new(format, kind);
	struct buf	 b = { NULL, 0, 0 };

	e->out = out;
	if (format == EXPORT_CSV) {
		export_csv_head(e->set, &b);
		export_spool_put(e, &b);
	}
	return e;
}

int
export_spool_end(struct export *e, size_t *len)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*doc;
	size_t		 n;
	int		 rc;

	if (e->format == EXPORT_JSON)
		buf_str(&b, e->spooled == 0 ? "[]\n" : "]\n");
	else if (e->format == EXPORT_TEXT) {
		doc = export_text(e, &n);
		buf_add(&b, doc, n);
		free(doc);
	}
	export_spool_put(e, &b);
	rc = e->failed || fflush(e->out) != 0 ? -1 : 0;
	*len = e->written;
	free(export_finish(e, NULL));
	return rc;
}
